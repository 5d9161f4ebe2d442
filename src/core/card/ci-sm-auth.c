/* ci-sm-auth.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mutual authentication with static keys in the shape of ICAO Doc 9303 Part 11
 * §9.7.2 (BAC), for either cipher, and the secure messaging session it yields.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "card/ci-sm-private.h"
#include "card/ci-card-error.h"

#include <string.h>

#include <openssl/crypto.h>

#define AUTH_PLAIN_LEN 32
#define AUTH_CRYPTOGRAM_LEN (AUTH_PLAIN_LEN + CI_SM_MAC_LEN)

/* E = Enc(Kenc, IV 0, @plain) and returns E || MAC(Kmac, E). */
static GByteArray *
auth_seal (CiSmCipher    cipher,
           const guint8  kenc[CI_SM_KEY_LEN],
           const guint8  kmac[CI_SM_KEY_LEN],
           const guint8  plain[AUTH_PLAIN_LEN],
           GError      **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (AUTH_CRYPTOGRAM_LEN);

  g_byte_array_set_size (out, AUTH_CRYPTOGRAM_LEN);
  if (!ci_sm_encrypt (cipher, kenc, NULL, plain, AUTH_PLAIN_LEN, out->data, FALSE, error)
      || !ci_sm_mac (cipher, kmac, out->data, AUTH_PLAIN_LEN, out->data + AUTH_PLAIN_LEN, error))
    return NULL;
  return g_steal_pointer (&out);
}

/* Checks the MAC of E || M and decrypts E into @plain. */
static gboolean
auth_open (CiSmCipher    cipher,
           const guint8  kenc[CI_SM_KEY_LEN],
           const guint8  kmac[CI_SM_KEY_LEN],
           const guint8 *in,
           gsize         len,
           guint8        plain[AUTH_PLAIN_LEN],
           GError      **error)
{
  guint8 mac[CI_SM_MAC_LEN];
  gboolean ok;

  if (len != AUTH_CRYPTOGRAM_LEN)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   _("Mutual authentication: the cryptogram has %zu bytes instead of %d"), len,
                   AUTH_CRYPTOGRAM_LEN);
      return FALSE;
    }
  if (!ci_sm_mac (cipher, kmac, in, AUTH_PLAIN_LEN, mac, error))
    return FALSE;
  ok = CRYPTO_memcmp (mac, in + AUTH_PLAIN_LEN, CI_SM_MAC_LEN) == 0;
  if (!ok)
    return _ci_sm_fail (error, _("Mutual authentication failed: the other side does not hold "
                          "the same keys."));
  return ci_sm_encrypt (cipher, kenc, NULL, in, AUTH_PLAIN_LEN, plain, TRUE, error);
}

/**
 * ci_sm_auth_host_cryptogram:
 * @auth: the nonces and the host's key share (rnd_ifd, rnd_icc, k_ifd)
 * @kenc: the static encryption key
 * @kmac: the static MAC key
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Builds E.IFD || M.IFD for EXTERNAL/MUTUAL AUTHENTICATE: E.IFD =
 * Enc(Kenc, RND.IFD || RND.ICC || K.IFD), M.IFD = MAC(Kmac, E.IFD).
 *
 * Returns: (transfer full): the 40-byte cryptogram, or %NULL
 */
GByteArray *
ci_sm_auth_host_cryptogram (CiSmAuth      *auth,
                            const guint8   kenc[CI_SM_KEY_LEN],
                            const guint8   kmac[CI_SM_KEY_LEN],
                            GError       **error)
{
  guint8 s[AUTH_PLAIN_LEN];
  GByteArray *out;

  g_return_val_if_fail (auth != NULL && CI_SM_CIPHER_IS_VALID (auth->cipher), NULL);
  g_return_val_if_fail (kenc != NULL && kmac != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  memcpy (s, auth->rnd_ifd, 8);
  memcpy (s + 8, auth->rnd_icc, 8);
  memcpy (s + 16, auth->k_ifd, 16);
  out = auth_seal (auth->cipher, kenc, kmac, s, error);
  OPENSSL_cleanse (s, sizeof s);
  return out;
}

/* Opens the host's cryptogram into @s and checks that it answers our RND.ICC. */
static gboolean
auth_card_check (CiSmAuth     *auth,
                 const guint8  kenc[CI_SM_KEY_LEN],
                 const guint8  kmac[CI_SM_KEY_LEN],
                 const guint8 *in,
                 gsize         len,
                 guint8        s[AUTH_PLAIN_LEN],
                 GError      **error)
{
  if (!auth_open (auth->cipher, kenc, kmac, in, len, s, error))
    return FALSE;
  if (CRYPTO_memcmp (s + 8, auth->rnd_icc, 8) != 0)
    return _ci_sm_fail (error, _("Mutual authentication failed: the answer is not for this "
                          "challenge."));
  return TRUE;
}

/**
 * ci_sm_auth_card_respond:
 * @auth: the card's nonce and key share (rnd_icc, k_icc); rnd_ifd and k_ifd
 *   are filled in
 * @kenc: the static encryption key
 * @kmac: the static MAC key
 * @host_cryptogram: (array length=len): E.IFD || M.IFD
 * @len: length of @host_cryptogram, 40
 * @error: return location for a #CI_CARD_ERROR error
 *
 * The card's side: checks M.IFD, then that the host answered RND.ICC, and
 * builds E.ICC || M.ICC from RND.ICC || RND.IFD || K.ICC. @auth is left
 * untouched on failure.
 *
 * Returns: (transfer full): the 40-byte cryptogram, or %NULL
 */
GByteArray *
ci_sm_auth_card_respond (CiSmAuth      *auth,
                         const guint8   kenc[CI_SM_KEY_LEN],
                         const guint8   kmac[CI_SM_KEY_LEN],
                         const guint8  *host_cryptogram,
                         gsize          len,
                         GError       **error)
{
  guint8 s[AUTH_PLAIN_LEN], r[AUTH_PLAIN_LEN];
  GByteArray *out = NULL;

  g_return_val_if_fail (auth != NULL && CI_SM_CIPHER_IS_VALID (auth->cipher), NULL);
  g_return_val_if_fail (kenc != NULL && kmac != NULL, NULL);
  g_return_val_if_fail (host_cryptogram != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (auth_card_check (auth, kenc, kmac, host_cryptogram, len, s, error))
    {
      memcpy (r, auth->rnd_icc, 8);
      memcpy (r + 8, s, 8);
      memcpy (r + 16, auth->k_icc, 16);
      out = auth_seal (auth->cipher, kenc, kmac, r, error);
    }
  if (out != NULL)
    {
      memcpy (auth->rnd_ifd, s, 8);
      memcpy (auth->k_ifd, s + 16, 16);
    }
  OPENSSL_cleanse (s, sizeof s);
  OPENSSL_cleanse (r, sizeof r);
  return out;
}

/**
 * ci_sm_auth_host_finish:
 * @auth: the state after ci_sm_auth_host_cryptogram(); k_icc is filled in
 * @kenc: the static encryption key
 * @kmac: the static MAC key
 * @card_cryptogram: (array length=len): E.ICC || M.ICC
 * @len: length of @card_cryptogram, 40
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Checks M.ICC, then that the card answered with both nonces, and keeps K.ICC.
 *
 * Returns: %TRUE if the card proved it holds the keys
 */
gboolean
ci_sm_auth_host_finish (CiSmAuth      *auth,
                        const guint8   kenc[CI_SM_KEY_LEN],
                        const guint8   kmac[CI_SM_KEY_LEN],
                        const guint8  *card_cryptogram,
                        gsize          len,
                        GError       **error)
{
  guint8 r[AUTH_PLAIN_LEN];
  gboolean ok;

  g_return_val_if_fail (auth != NULL && CI_SM_CIPHER_IS_VALID (auth->cipher), FALSE);
  g_return_val_if_fail (kenc != NULL && kmac != NULL, FALSE);
  g_return_val_if_fail (card_cryptogram != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = auth_open (auth->cipher, kenc, kmac, card_cryptogram, len, r, error);
  if (ok && (CRYPTO_memcmp (r, auth->rnd_icc, 8) != 0
             || CRYPTO_memcmp (r + 8, auth->rnd_ifd, 8) != 0))
    ok = _ci_sm_fail (error, _("Mutual authentication failed: the card's answer is not for "
                        "this challenge."));
  if (ok)
    memcpy (auth->k_icc, r + 16, 16);
  OPENSSL_cleanse (r, sizeof r);
  return ok;
}

/**
 * ci_sm_auth_session:
 * @auth: a completed mutual authentication
 *
 * Derives the session: KSenc and KSmac from K.IFD xor K.ICC (ci_sm_kdf()),
 * SSC = RND.ICC[4..7] || RND.IFD[4..7], after 8 zero bytes for AES.
 *
 * Returns: (transfer full): the secure messaging channel
 */
CiSm *
ci_sm_auth_session (const CiSmAuth *auth)
{
  guint8 seed[CI_SM_KEY_LEN], ksenc[CI_SM_KEY_LEN], ksmac[CI_SM_KEY_LEN];
  guint8 ssc[CI_SM_MAX_SSC] = { 0 };
  gsize ssc_len;
  CiSm *self;

  g_return_val_if_fail (auth != NULL && CI_SM_CIPHER_IS_VALID (auth->cipher), NULL);

  for (guint i = 0; i < CI_SM_KEY_LEN; i++)
    seed[i] = auth->k_ifd[i] ^ auth->k_icc[i];
  ci_sm_kdf (auth->cipher, seed, sizeof seed, CI_SM_KDF_ENC, ksenc);
  ci_sm_kdf (auth->cipher, seed, sizeof seed, CI_SM_KDF_MAC, ksmac);
  ssc_len = ci_sm_block_size (auth->cipher);
  memcpy (ssc + ssc_len - 8, auth->rnd_icc + 4, 4);
  memcpy (ssc + ssc_len - 4, auth->rnd_ifd + 4, 4);
  self = ci_sm_new (auth->cipher, ksenc, ksmac, ssc, ssc_len);
  OPENSSL_cleanse (seed, sizeof seed);
  OPENSSL_cleanse (ksenc, sizeof ksenc);
  OPENSSL_cleanse (ksmac, sizeof ksmac);
  return self;
}
