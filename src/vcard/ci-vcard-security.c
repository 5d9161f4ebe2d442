/* ci-vcard-security.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keys of the virtual card (profile §5, §6.1): GET CHALLENGE, MUTUAL
 * AUTHENTICATE (which opens the SM session), PUT KEY, DELETE KEY, and the
 * card's own EC P-256 key pair: GENERATE ASYMMETRIC KEY PAIR and INTERNAL
 * AUTHENTICATE. Secure messaging itself is the core's (card/ci-sm.h).
 */

#include "ci-vcard-private.h"

#include "card/ci-card-data.h"
#include "keys/ci-digest.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#define AUTH_CRYPTOGRAM_LEN 40
#define IA_CHALLENGE_MIN    16
#define IA_CHALLENGE_MAX    64
#define EC_POINT_LEN        65
/* 7F49 4D { 06 08 OID, 86 41 point } */
#define CARDKEY_OBJECT_LEN  (3 + 10 + 2 + EC_POINT_LEN)

/* Profile §5.3: what INTERNAL AUTHENTICATE signs starts with "CIAUTH1". */
static const guint8 ia_prefix[] = { 'C', 'I', 'A', 'U', 'T', 'H', '1' };

/* The condition of the commands the profile marks "SM" (§8). */
static gboolean
sm_se1 (CiVcard          *card,
        const CiVcardCmd *cmd)
{
  return _ci_vcard_sc_satisfied (card, cmd, CI_VCARD_SC_SM_SE1);
}

/**
 * _ci_vcard_random:
 *
 * The card's nonces: random, or with --seed the blocks SHA-256(seed || n),
 * so that a recorded session can be replayed against an identical card.
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_vcard_random (CiVcard *card,
                  guint8  *out,
                  gsize    len)
{
  if (!card->seeded)
    return ci_random_bytes (out, len, NULL);
  for (gsize done = 0; done < len; done += CI_SHA256_LEN)
    {
      g_autoptr(CiSha256) sha = ci_sha256_new ();
      guint8 block[CI_SHA256_LEN];
      /* Not in the macro's argument: GUINT64_TO_BE may evaluate it twice. */
      guint64 n = GUINT64_TO_BE (card->draws);

      card->draws++;
      ci_sha256_update (sha, card->seed, sizeof card->seed);
      ci_sha256_update (sha, &n, sizeof n);
      ci_sha256_finish (sha, block);
      memcpy (out + done, block, MIN (len - done, sizeof block));
    }
  return TRUE;
}

/* ---- GET CHALLENGE, MUTUAL AUTHENTICATE ----------------------------------------- */

/**
 * _ci_vcard_get_challenge:
 *
 * GET CHALLENGE 00 84 00 00 08: 8 random bytes, good for the next command only.
 */
guint16
_ci_vcard_get_challenge (CiVcard          *card,
                         const CiVcardCmd *cmd,
                         GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;

  card->challenge_valid = FALSE;
  if (apdu->p1 != 0 || apdu->p2 != 0)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != 0 || apdu->le < CI_VCARD_CHALLENGE)
    return CI_SW_WRONG_LENGTH;
  if (!_ci_vcard_random (card, card->challenge, CI_VCARD_CHALLENGE))
    return CI_SW_MEMORY;
  card->challenge_valid = TRUE;
  g_byte_array_append (out, card->challenge, CI_VCARD_CHALLENGE);
  return CI_SW_OK;
}

/* The static key behind a key reference; the transport key lives in the MF,
 * the admin key in DF.CARDISSUE. */
static const guint8 *
find_key (CiVcard *card,
          guint8   reference)
{
  if (reference == CI_VCARD_KEY_TRANSPORT && card->has_transport_key)
    return card->transport_key;
  if (reference == CI_VCARD_KEY_ADMIN && card->df != NULL && card->df->has_admin_key)
    return card->df->admin_key;
  return NULL;
}

static gboolean
open_session (CiVcard      *card,
              const guint8 *key,
              const CiApdu *apdu,
              GByteArray   *out)
{
  CiSmAuth auth = { .cipher = CI_SM_CIPHER_AES128 };
  g_autoptr(GByteArray) answer = NULL;
  guint8 kenc[CI_SM_KEY_LEN], kmac[CI_SM_KEY_LEN];

  memcpy (auth.rnd_icc, card->challenge, CI_VCARD_CHALLENGE);
  if (_ci_vcard_random (card, auth.k_icc, sizeof auth.k_icc))
    {
      ci_sm_kdf (CI_SM_CIPHER_AES128, key, CI_VCARD_KEY_LEN, CI_SM_KDF_ENC, kenc);
      ci_sm_kdf (CI_SM_CIPHER_AES128, key, CI_VCARD_KEY_LEN, CI_SM_KDF_MAC, kmac);
      answer = ci_sm_auth_card_respond (&auth, kenc, kmac, apdu->data, apdu->lc, NULL);
      OPENSSL_cleanse (kenc, sizeof kenc);
      OPENSSL_cleanse (kmac, sizeof kmac);
    }
  if (answer != NULL)
    {
      card->sm = ci_sm_auth_session (&auth);
      card->sm_key = apdu->p2;
      g_byte_array_append (out, answer->data, answer->len);
    }
  OPENSSL_cleanse (&auth, sizeof auth);
  return answer != NULL;
}

/**
 * _ci_vcard_mutual_auth:
 *
 * MUTUAL AUTHENTICATE 00 82 00 kr, E.IFD || M.IFD, right after GET CHALLENGE;
 * the transport key (01) only while the application is not yet activated.
 * Opens the SM session (profile §6.1).
 */
guint16
_ci_vcard_mutual_auth (CiVcard          *card,
                       const CiVcardCmd *cmd,
                       GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  const guint8 *key;

  /* A new session is opened in plain; it replaces, never nests in, another. */
  if (cmd->sm)
    return CI_SW_CONDITIONS;
  if (apdu->p1 != 0)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != AUTH_CRYPTOGRAM_LEN)
    return CI_SW_WRONG_LENGTH;
  if ((key = find_key (card, apdu->p2)) == NULL)
    return CI_SW_REF_NOT_FOUND;
  if (apdu->p2 == CI_VCARD_KEY_TRANSPORT && card->df != NULL
      && card->df->life_cycle != CI_VCARD_LCS_INIT)
    return CI_SW_CONDITIONS;
  if (!card->challenge_valid)
    return CI_SW_CONDITIONS;
  card->challenge_valid = FALSE;
  return open_session (card, key, apdu, out) ? CI_SW_OK : CI_SW_AUTH_FAILED;
}

/* ---- PUT KEY, DELETE KEY ------------------------------------------------------------ */

/**
 * _ci_vcard_put_key:
 *
 * PUT KEY 80 D8 00 02, 16 bytes: loads the admin key into DF.CARDISSUE.
 */
guint16
_ci_vcard_put_key (CiVcard          *card,
                   const CiVcardCmd *cmd,
                   GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;

  if (apdu->p1 != 0 || apdu->p2 != CI_VCARD_KEY_ADMIN)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != CI_VCARD_KEY_LEN)
    return CI_SW_WRONG_LENGTH;
  if (!sm_se1 (card, cmd))
    return CI_SW_SECURITY;
  memcpy (card->df->admin_key, apdu->data, CI_VCARD_KEY_LEN);
  card->df->has_admin_key = TRUE;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/**
 * _ci_vcard_delete_key:
 *
 * DELETE KEY 80 E4 00 kr: kr 01 the transport key, 02 the admin key, 03 the
 * card's key pair. The session it opened goes on until it ends.
 */
guint16
_ci_vcard_delete_key (CiVcard          *card,
                      const CiVcardCmd *cmd,
                      GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardDf *df = card->df;

  if (apdu->p1 != 0)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != 0)
    return CI_SW_WRONG_LENGTH;
  if (!sm_se1 (card, cmd))
    return CI_SW_SECURITY;
  if (apdu->p2 == CI_VCARD_KEY_TRANSPORT && card->has_transport_key)
    {
      OPENSSL_cleanse (card->transport_key, sizeof card->transport_key);
      card->has_transport_key = FALSE;
    }
  else if (apdu->p2 == CI_VCARD_KEY_ADMIN && df->has_admin_key)
    {
      OPENSSL_cleanse (df->admin_key, sizeof df->admin_key);
      df->has_admin_key = FALSE;
    }
  else if (apdu->p2 == CI_VCARD_KEY_CARD && df->card_key != NULL)
    g_clear_pointer (&df->card_key, EVP_PKEY_free);
  else
    return CI_SW_REF_NOT_FOUND;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/* ---- the card's key pair -------------------------------------------------------------- */

/**
 * _ci_vcard_generate_key:
 *
 * Returns: (transfer full) (nullable): a new EC P-256 key pair
 */
EVP_PKEY *
_ci_vcard_generate_key (void)
{
  return EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
}

/**
 * _ci_vcard_public_key_object:
 * @key: an EC P-256 key
 * @out: where 7F49 { 06 OID, 86 04 || X || Y } is appended
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_vcard_public_key_object (EVP_PKEY   *key,
                             GByteArray *out)
{
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GBytes) object = NULL;
  unsigned char *der = NULL;
  int der_len = i2d_PUBKEY (key, &der);

  if (der_len <= 0)
    return FALSE;
  spki = g_bytes_new (der, der_len);
  OPENSSL_free (der);
  if ((object = ci_card_key_encode (spki, NULL)) == NULL)
    return FALSE;
  g_byte_array_append (out, g_bytes_get_data (object, NULL), g_bytes_get_size (object));
  return TRUE;
}

/**
 * _ci_vcard_generate:
 *
 * GENERATE ASYMMETRIC KEY PAIR 00 46 00 03: a new key pair (reference 03);
 * the card writes its public key into EF.CARDKEY and answers it.
 */
guint16
_ci_vcard_generate (CiVcard          *card,
                    const CiVcardCmd *cmd,
                    GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardEf *ef;
  EVP_PKEY *key;

  if (apdu->p1 != 0 || apdu->p2 != CI_VCARD_KEY_CARD)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc != 0)
    return CI_SW_WRONG_LENGTH;
  if (!sm_se1 (card, cmd))
    return CI_SW_SECURITY;
  if ((ef = _ci_vcard_find_ef (card->df, CI_VCARD_FID_CARDKEY)) == NULL)
    return CI_SW_NOT_FOUND;
  if (ef->size < CARDKEY_OBJECT_LEN)
    return CI_SW_NO_SPACE;
  if ((key = _ci_vcard_generate_key ()) == NULL || !_ci_vcard_public_key_object (key, out))
    {
      EVP_PKEY_free (key);
      g_byte_array_set_size (out, 0);
      return CI_SW_MEMORY;
    }
  memset (ef->data, 0, ef->size);
  memcpy (ef->data, out->data, out->len);
  EVP_PKEY_free (card->df->card_key);
  card->df->card_key = key;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

static gboolean
sign (EVP_PKEY     *key,
      const guint8 *message,
      gsize         len,
      GByteArray   *out)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint old_len = out->len;
  size_t sig_len = 0;
  gboolean ok;

  ok = ctx != NULL
       && EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL, key, NULL) == 1
       && EVP_DigestSign (ctx, NULL, &sig_len, message, len) == 1;
  if (ok)
    {
      g_byte_array_set_size (out, (guint) (old_len + sig_len));
      ok = EVP_DigestSign (ctx, out->data + old_len, &sig_len, message, len) == 1;
    }
  g_byte_array_set_size (out, ok ? (guint) (old_len + sig_len) : old_len);
  EVP_MD_CTX_free (ctx);
  return ok;
}

/**
 * _ci_vcard_internal_auth:
 *
 * INTERNAL AUTHENTICATE 00 88 00 03, a challenge of 16 to 64 bytes: the DER
 * ECDSA signature over SHA-256("CIAUTH1" || challenge) with key 03.
 */
guint16
_ci_vcard_internal_auth (CiVcard          *card,
                         const CiVcardCmd *cmd,
                         GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  guint8 message[sizeof ia_prefix + IA_CHALLENGE_MAX];

  if (apdu->p1 != 0)
    return CI_SW_WRONG_P1P2;
  if (apdu->p2 != CI_VCARD_KEY_CARD || card->df->card_key == NULL)
    return CI_SW_REF_NOT_FOUND;
  if (apdu->lc < IA_CHALLENGE_MIN || apdu->lc > IA_CHALLENGE_MAX)
    return CI_SW_WRONG_LENGTH;
  memcpy (message, ia_prefix, sizeof ia_prefix);
  memcpy (message + sizeof ia_prefix, apdu->data, apdu->lc);
  if (!sign (card->df->card_key, message, sizeof ia_prefix + apdu->lc, out))
    return CI_SW_MEMORY;
  return CI_SW_OK;
}
