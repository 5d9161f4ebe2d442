/* ci-card-verify.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-data.h"
#include "card/ci-card-session.h"

G_BEGIN_DECLS

/**
 * CiCardContents:
 * @files: what READ BINARY returned for each file, index by #CiCardFile
 * @objects: the TLV object of each file, without its `00` fill
 *
 * Everything anyone may read from an issued card, read back and decoded.
 */
typedef struct
{
  GBytes         *files[CI_CARD_N_FILES + 1];
  GBytes         *objects[CI_CARD_N_FILES + 1];
  CiCardInfo      info;
  CiCardIdentity  identity;
  CiCardZones     zones;
  GBytes         *card_key;          /* SPKI DER */
  guint8          signer_id[CI_CARD_KEY_ID_LEN];
  GBytes         *signature;
} CiCardContents;

gboolean ci_card_read_contents      (CiCardSession   *session,
                                     CiCardContents  *out,
                                     GError         **error);
void     ci_card_contents_clear     (CiCardContents  *contents);
gboolean ci_card_contents_check_signature (CiCardContents *contents,
                                     GBytes          *issuer_public_key,
                                     GError         **error);
gboolean ci_card_prove_key          (CiCardSession   *session,
                                     GBytes          *card_key,
                                     GError         **error);

/**
 * CiCardVerdict:
 *
 * What the reference door reader says about a card (profile §7.7).
 */
typedef enum
{
  CI_CARD_VERDICT_VALID,
  CI_CARD_VERDICT_INVALID,
  CI_CARD_VERDICT_REVOKED,
  CI_CARD_VERDICT_EXPIRED,
  CI_CARD_VERDICT_CLONE,
} CiCardVerdict;

const char *ci_card_verdict_to_string (CiCardVerdict verdict);

/* The deny-list check is a callback so that this module needs no CRL code. */
typedef gboolean (*CiCardDenyFunc) (const char *serial,
                                    gpointer    user_data);

CiCardVerdict ci_card_door_check    (CiCardSession   *session,
                                     GBytes          *issuer_public_key,
                                     CiCardDenyFunc   is_denied,
                                     gpointer         user_data,
                                     const char      *today,
                                     CiCardContents  *contents,
                                     char           **reason);

G_END_DECLS
