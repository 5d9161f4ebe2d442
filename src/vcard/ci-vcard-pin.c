/* ci-vcard-pin.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder PIN (81) and the PUK (82) of profile §4: VERIFY, CHANGE
 * REFERENCE DATA and RESET RETRY COUNTER. Every comparison is paid for
 * before it is made: the retry counter goes down and is saved first, and is
 * restored only on a match, so pulling the card (or cutting its power) at
 * the right moment never buys a free guess.
 */

#include "ci-vcard-private.h"

#include "keys/ci-digest.h"

#include <string.h>

#define P1_HOLDER 0x00
#define P1_ADMIN  0x01
#define P1_COUNTER_ONLY 0x01

/* 4 to 8 ASCII digits, then FF up to 8 bytes. */
static gboolean
pin_format_ok (const guint8 *value)
{
  guint n = 0;

  while (n < CI_VCARD_PIN_LEN && g_ascii_isdigit (value[n]))
    n++;
  if (n < 4)
    return FALSE;
  for (guint i = n; i < CI_VCARD_PIN_LEN; i++)
    if (value[i] != 0xFF)
      return FALSE;
  return TRUE;
}

/* 8 ASCII digits. */
static gboolean
puk_format_ok (const guint8 *value)
{
  for (guint i = 0; i < CI_VCARD_PIN_LEN; i++)
    if (!g_ascii_isdigit (value[i]))
      return FALSE;
  return TRUE;
}

static guint16
tries_sw (const CiVcardSecret *secret)
{
  return secret->tries == 0 ? CI_SW_BLOCKED : (guint16) (0x63C0 | secret->tries);
}

/* Compares @value with @secret at the price of one try, saved before the
 * comparison. After 6581 the DF may have been replaced: touch nothing. */
static guint16
try_secret (CiVcard       *card,
            CiVcardSecret *secret,
            guint8         max_tries,
            const guint8  *value)
{
  if (secret->tries == 0)
    return CI_SW_BLOCKED;
  secret->tries--;
  _ci_vcard_changed (card);
  if (!_ci_vcard_commit (card))
    return CI_SW_MEMORY;
  if (!ci_memequal_secure (secret->value, value, CI_VCARD_PIN_LEN))
    return tries_sw (secret);
  secret->tries = max_tries;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

static void
set_secret (CiVcardSecret *secret,
            const guint8  *value,
            guint8         tries)
{
  secret->set = TRUE;
  memcpy (secret->value, value, CI_VCARD_PIN_LEN);
  secret->tries = tries;
}

/**
 * _ci_vcard_verify:
 *
 * VERIFY 00 20 00 81 with the PIN block, or without data to ask whether the
 * PIN was verified since the last reset.
 */
guint16
_ci_vcard_verify (CiVcard          *card,
                  const CiVcardCmd *cmd,
                  GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardSecret *pin = &card->df->pin;
  guint16 sw;

  if (apdu->p1 != 0 || apdu->p2 != CI_VCARD_REF_PIN)
    return CI_SW_WRONG_P1P2;
  if (!pin->set)
    return CI_SW_REF_NOT_FOUND;
  if (apdu->lc == 0)
    return card->pin_verified ? CI_SW_OK : tries_sw (pin);
  if (apdu->lc != CI_VCARD_PIN_LEN)
    return CI_SW_WRONG_LENGTH;
  card->pin_verified = FALSE;
  sw = try_secret (card, pin, CI_VCARD_PIN_TRIES, apdu->data);
  card->pin_verified = sw == CI_SW_OK;
  return sw;
}

/* 00 24 00 81, old PIN || new PIN: the holder changes the PIN. */
static guint16
change_by_holder (CiVcard          *card,
                  const CiVcardCmd *cmd)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardSecret *pin = &card->df->pin;
  guint16 sw;

  if (_ci_vcard_state (card) != CI_VCARD_STATE_ACTIVE)
    return CI_SW_CONDITIONS;
  if (apdu->p2 != CI_VCARD_REF_PIN)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != 2 * CI_VCARD_PIN_LEN)
    return CI_SW_WRONG_LENGTH;
  if (!pin->set)
    return CI_SW_REF_NOT_FOUND;
  if (!pin_format_ok (apdu->data + CI_VCARD_PIN_LEN))
    return CI_SW_WRONG_DATA;
  card->pin_verified = FALSE;
  sw = try_secret (card, pin, CI_VCARD_PIN_TRIES, apdu->data);
  if (sw != CI_SW_OK)
    return sw;
  set_secret (pin, apdu->data + CI_VCARD_PIN_LEN, CI_VCARD_PIN_TRIES);
  card->pin_verified = TRUE;
  return CI_SW_OK;
}

/* 0C 24 01 81 / 01 82, new value, under SM: the issuer sets the PIN or PUK. */
static guint16
change_by_admin (CiVcard          *card,
                 const CiVcardCmd *cmd)
{
  const CiApdu *apdu = cmd->apdu;
  gboolean is_pin = apdu->p2 == CI_VCARD_REF_PIN;

  if (!is_pin && apdu->p2 != CI_VCARD_REF_PUK)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != CI_VCARD_PIN_LEN)
    return CI_SW_WRONG_LENGTH;
  if (!_ci_vcard_sc_satisfied (card, cmd, CI_VCARD_SC_SM_SE1))
    return CI_SW_SECURITY;
  if (is_pin ? !pin_format_ok (apdu->data) : !puk_format_ok (apdu->data))
    return CI_SW_WRONG_DATA;
  if (is_pin)
    {
      set_secret (&card->df->pin, apdu->data, CI_VCARD_PIN_TRIES);
      card->pin_verified = FALSE;
    }
  else
    set_secret (&card->df->puk, apdu->data, CI_VCARD_PUK_TRIES);
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/**
 * _ci_vcard_change_reference:
 *
 * CHANGE REFERENCE DATA: P1 00 by the holder (state 05), P1 01 by the issuer
 * under SM (states 03 and 05). Setting a reference resets its counter.
 */
guint16
_ci_vcard_change_reference (CiVcard          *card,
                            const CiVcardCmd *cmd,
                            GByteArray       *out)
{
  if (cmd->apdu->p1 == P1_HOLDER)
    return change_by_holder (card, cmd);
  if (cmd->apdu->p1 == P1_ADMIN)
    return change_by_admin (card, cmd);
  return CI_SW_WRONG_P1P2;
}

/**
 * _ci_vcard_reset_retry:
 *
 * RESET RETRY COUNTER 00 2C 00 81 with PUK || new PIN, or 00 2C 01 81 with
 * the PUK only: unblocks the PIN. A wrong PUK costs a PUK try.
 */
guint16
_ci_vcard_reset_retry (CiVcard          *card,
                       const CiVcardCmd *cmd,
                       GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardDf *df = card->df;
  gboolean with_pin = apdu->p1 == P1_HOLDER;
  guint16 sw;

  if ((apdu->p1 != P1_HOLDER && apdu->p1 != P1_COUNTER_ONLY) || apdu->p2 != CI_VCARD_REF_PIN)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != (with_pin ? 2 : 1) * CI_VCARD_PIN_LEN)
    return CI_SW_WRONG_LENGTH;
  if (with_pin && !pin_format_ok (apdu->data + CI_VCARD_PIN_LEN))
    return CI_SW_WRONG_DATA;
  if (!df->puk.set || (!with_pin && !df->pin.set))
    return CI_SW_REF_NOT_FOUND;
  sw = try_secret (card, &df->puk, CI_VCARD_PUK_TRIES, apdu->data);
  if (sw != CI_SW_OK)
    return sw;
  if (with_pin)
    set_secret (&df->pin, apdu->data + CI_VCARD_PIN_LEN, CI_VCARD_PIN_TRIES);
  else
    df->pin.tries = CI_VCARD_PIN_TRIES;
  card->pin_verified = FALSE;
  return CI_SW_OK;
}
