/* ci-card-error.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CI_CARD_ERROR (ci_card_error_quark ())

/**
 * CiCardError:
 *
 * Every PC/SC return code (ci_card_error_from_pcsc()) and every status word
 * (ci_card_check_sw()) ends up as one of these, with a message for the person
 * at the desk.
 */
typedef enum
{
  CI_CARD_ERROR_FAILED,
  CI_CARD_ERROR_NO_SERVICE,      /* pcscd not running / not reachable */
  CI_CARD_ERROR_NO_READER,
  CI_CARD_ERROR_READER_GONE,     /* reader unplugged */
  CI_CARD_ERROR_NO_CARD,
  CI_CARD_ERROR_CARD_REMOVED,    /* removed or reset while in use */
  CI_CARD_ERROR_UNRESPONSIVE,    /* mute card, bad ATR, protocol mismatch */
  CI_CARD_ERROR_SHARING,         /* another program holds the card */
  CI_CARD_ERROR_TIMEOUT,
  CI_CARD_ERROR_CANCELLED,
  CI_CARD_ERROR_COMMS,           /* transmission failed */
  CI_CARD_ERROR_PROTOCOL,        /* malformed response, bad TLV, bad length */
  CI_CARD_ERROR_SECURITY,        /* 6982 / 6300: security status not satisfied */
  CI_CARD_ERROR_WRONG_PIN,       /* 63Cx, x > 0 */
  CI_CARD_ERROR_BLOCKED,         /* 6983, 63C0 */
  CI_CARD_ERROR_CONDITIONS,      /* 6985, 6986: wrong life-cycle state */
  CI_CARD_ERROR_NOT_FOUND,       /* 6A82, 6A88 */
  CI_CARD_ERROR_NO_SPACE,        /* 6A84 */
  CI_CARD_ERROR_WRONG_DATA,      /* 6A80, 6700, 6B00, ... */
  CI_CARD_ERROR_UNSUPPORTED,     /* 6D00, 6E00, 6A81 */
  CI_CARD_ERROR_SECURE_MESSAGING,/* 6987, 6988, bad MAC in a response */
  CI_CARD_ERROR_MEMORY,          /* 6581: memory failure */
  CI_CARD_ERROR_WRONG_CARD,      /* not our card type, or another card than expected */
  CI_CARD_ERROR_VERIFY_FAILED,   /* read-back or signature check failed */
} CiCardError;

/**
 * CiCardPhase:
 *
 * What the desk was doing when a PC/SC call failed; it changes the advice in
 * the message (a card pulled while reading is harmless, while writing it is not).
 */
typedef enum
{
  CI_CARD_PHASE_IDLE,
  CI_CARD_PHASE_READING,
  CI_CARD_PHASE_WRITING,
} CiCardPhase;

GQuark      ci_card_error_quark     (void);

/* Sets @error from a PC/SC return code (a LONG from winscard.h) and returns
 * FALSE; returns TRUE for SCARD_S_SUCCESS. */
gboolean    ci_card_error_from_pcsc (long          rv,
                                     CiCardPhase   phase,
                                     GError      **error);
/* TRUE for 9000 (and 61xx never reaches here); otherwise sets @error with the
 * table entry for @sw, prefixed with @what ("Writing the zones"), and the
 * status word in hex at the end of the message for support. */
gboolean    ci_card_check_sw        (guint16       sw,
                                     const char   *what,
                                     GError      **error);
CiCardError ci_card_error_for_sw    (guint16       sw);
const char *ci_card_sw_meaning      (guint16       sw);
/* Retries left for 63Cx, or -1. */
int         ci_card_sw_tries_left   (guint16       sw);

G_END_DECLS
