/* ci-an10922.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NXP AN10922 AES-128 key diversification (DESIGN.md §4): every card gets its
 * own keys, derived from a master key and card-unique data M, so that reading
 * the keys out of one card exposes no other card.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store-private.h"
#include "ci-openssl-private.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define AES_BLOCK 16
#define AN10922_M_MAX 31

/* Encrypts whole blocks, no padding, IV of zeros where the mode has one. */
static gboolean
aes128_encrypt (const char   *cipher_name,
                const guint8  key[CI_AES128_KEY_LEN],
                const guint8 *in,
                gsize         len,
                guint8       *out,
                GError      **error)
{
  static const guint8 zero_iv[AES_BLOCK] = { 0 };
  g_autoptr(EVP_CIPHER) cipher = EVP_CIPHER_fetch (NULL, cipher_name, NULL);
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  int out_len = 0, final_len = 0;

  g_assert (len % AES_BLOCK == 0 && len <= 64);

  if (cipher == NULL || ctx == NULL
      || EVP_EncryptInit_ex2 (ctx, cipher, key, zero_iv, NULL) != 1
      || EVP_CIPHER_CTX_set_padding (ctx, 0) != 1
      || EVP_EncryptUpdate (ctx, out, &out_len, in, (int) len) != 1
      || EVP_EncryptFinal_ex (ctx, out + out_len, &final_len) != 1
      || (gsize) (out_len + final_len) != len)
    {
      OPENSSL_cleanse (out, len);
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("OpenSSL could not encrypt with %s"), cipher_name);
      return FALSE;
    }
  return TRUE;
}

/**
 * _ci_aes128_ecb_block:
 * @key: an AES-128 key
 * @in: one block of plaintext
 * @out: (out caller-allocates): one block of ciphertext
 * @error: return location for a #CI_KEYS_ERROR_FAILED error
 *
 * Encrypts a single AES block. Used for the key check value of master keys
 * and for the AN10922 subkeys.
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_aes128_ecb_block (const guint8  key[CI_AES128_KEY_LEN],
                      const guint8  in[16],
                      guint8        out[16],
                      GError      **error)
{
  return aes128_encrypt ("AES-128-ECB", key, in, AES_BLOCK, out, error);
}

/* The CMAC subkey step (NIST SP 800-38B): shift left one bit, and fold the
 * carry back in with the polynomial 0x87. */
static void
cmac_double (const guint8 in[AES_BLOCK],
             guint8       out[AES_BLOCK])
{
  guint8 carry = in[0] >> 7;

  for (guint i = 0; i < AES_BLOCK - 1; i++)
    out[i] = (guint8) ((in[i] << 1) | (in[i + 1] >> 7));
  out[AES_BLOCK - 1] = (guint8) (in[AES_BLOCK - 1] << 1);
  /* branch-free so that timing does not depend on the key */
  out[AES_BLOCK - 1] ^= (guint8) (0x87 & (0u - carry));
}

static gboolean
check_input_length (gsize    m_len,
                    GError **error)
{
  if (m_len >= 1 && m_len <= AN10922_M_MAX)
    return TRUE;
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               _("Key diversification needs 1 to %d bytes of card data, not %zu"),
               AN10922_M_MAX, m_len);
  return FALSE;
}

/**
 * _ci_an10922_input:
 * @l: L = AES_K(0^128), from which the CMAC subkeys K1 and K2 follow
 * @m: (array length=m_len): the diversification input
 * @m_len: length of @m, 1 to 31 bytes
 * @for_cmac: build the input for AES-CMAC rather than for AES-CBC
 * @d: (out caller-allocates): the two-block input
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Builds D = 01 ‖ M ‖ padding with its last block XORed with the subkey
 * AN10922 prescribes; the diversified key is the last block of
 * AES-CBC_K(IV=0, D). A token offers CMAC, not CBC: CMAC of a whole
 * two-block message X is AES_K(AES_K(X1) ⊕ X2 ⊕ K1), so with @for_cmac the
 * last block is XORed with K1 once more and CMAC_K(D) gives the same key.
 * Plain CMAC of 01 ‖ M would differ for short M, which it pads to one block.
 *
 * Returns: %TRUE on success; %FALSE if @m_len is out of range
 */
gboolean
_ci_an10922_input (const guint8   l[16],
                   const guint8  *m,
                   gsize          m_len,
                   gboolean       for_cmac,
                   guint8         d[32],
                   GError       **error)
{
  guint8 k1[AES_BLOCK], k2[AES_BLOCK], subkey[AES_BLOCK];
  gboolean padded = (1 + m_len < 2 * AES_BLOCK);

  if (!check_input_length (m_len, error))
    return FALSE;
  cmac_double (l, k1);
  cmac_double (k1, k2);
  for (guint i = 0; i < AES_BLOCK; i++)
    subkey[i] = (padded ? k2[i] : k1[i]) ^ (for_cmac ? k1[i] : 0);

  memset (d, 0, 2 * AES_BLOCK);
  d[0] = 0x01;
  memcpy (d + 1, m, m_len);
  if (padded)
    d[1 + m_len] = 0x80;
  for (guint i = 0; i < AES_BLOCK; i++)
    d[AES_BLOCK + i] ^= subkey[i];

  OPENSSL_cleanse (k1, sizeof k1);
  OPENSSL_cleanse (k2, sizeof k2);
  OPENSSL_cleanse (subkey, sizeof subkey);
  return TRUE;
}

/**
 * ci_keys_an10922_aes128:
 * @key: the AES-128 master key
 * @m: (array length=m_len): the diversification input (card UID, application
 *   id, system identifier…)
 * @m_len: length of @m, 1 to 31 bytes
 * @out: (out caller-allocates): the diversified AES-128 key
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Derives a card key from @key and @m as described in NXP AN10922 for
 * AES-128, using OpenSSL's AES.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_keys_an10922_aes128 (const guint8   key[16],
                        const guint8  *m,
                        gsize          m_len,
                        guint8         out[16],
                        GError       **error)
{
  static const guint8 zero[AES_BLOCK] = { 0 };
  guint8 l[AES_BLOCK], d[2 * AES_BLOCK], cbc[2 * AES_BLOCK];
  gboolean ok;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (m != NULL || m_len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_input_length (m_len, error))
    return FALSE;
  ok = _ci_aes128_ecb_block (key, zero, l, error)
       && _ci_an10922_input (l, m, m_len, FALSE, d, error)
       && aes128_encrypt ("AES-128-CBC", key, d, sizeof d, cbc, error);
  if (ok)
    memcpy (out, cbc + AES_BLOCK, AES_BLOCK);
  OPENSSL_cleanse (l, sizeof l);
  OPENSSL_cleanse (d, sizeof d);
  OPENSSL_cleanse (cbc, sizeof cbc);
  return ok;
}
