/* ci-sm-crypto.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The primitives of secure messaging (ICAO Doc 9303 Part 11 §9.7, §9.8):
 * padding, CBC encryption, the two MACs and the key derivation, each an
 * OpenSSL 3 EVP call.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "card/ci-sm-private.h"
#include "card/ci-card-error.h"
#include "keys/ci-openssl-private.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define DES_BLOCK 8

/**
 * _ci_sm_secret_new:
 * @capacity: the most bytes the buffer will hold
 *
 * Returns: (transfer full): an empty #CiSmSecret that will not reallocate up
 *   to @capacity bytes
 */
CiSmSecret *
_ci_sm_secret_new (gsize capacity)
{
  g_return_val_if_fail (capacity <= G_MAXUINT, NULL);

  return g_byte_array_sized_new ((guint) capacity);
}

/**
 * _ci_sm_secret_free:
 * @buf: (nullable): a buffer
 *
 * Wipes and frees @buf.
 */
void
_ci_sm_secret_free (CiSmSecret *buf)
{
  if (buf == NULL)
    return;
  OPENSSL_cleanse (buf->data, buf->len);
  g_byte_array_unref (buf);
}

/**
 * _ci_sm_fail:
 * @error: return location for the error
 * @message: what went wrong, for the person at the desk
 *
 * Sets a #CI_CARD_ERROR_SECURE_MESSAGING error.
 *
 * Returns: %FALSE
 */
gboolean
_ci_sm_fail (GError    **error,
             const char *message)
{
  g_set_error_literal (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING, message);
  return FALSE;
}

/* @message: the whole sentence, already translated */
static gboolean
openssl_failed (GError    **error,
                const char *message)
{
  g_set_error_literal (error, CI_CARD_ERROR, CI_CARD_ERROR_FAILED, message);
  return FALSE;
}

/**
 * ci_sm_block_size:
 * @cipher: a cipher
 *
 * Returns: the cipher's block size: 8 for 3DES, 16 for AES
 */
gsize
ci_sm_block_size (CiSmCipher cipher)
{
  g_return_val_if_fail (CI_SM_CIPHER_IS_VALID (cipher), CI_SM_MAX_BLOCK);

  return cipher == CI_SM_CIPHER_AES128 ? CI_SM_MAX_BLOCK : DES_BLOCK;
}

/**
 * ci_sm_pad:
 * @cipher: the cipher whose block size to pad to
 * @buf: the data, padded in place
 *
 * Appends ISO/IEC 9797-1 padding method 2: one 0x80 byte, then zero bytes up
 * to the next multiple of the block size.
 */
void
ci_sm_pad (CiSmCipher  cipher,
           GByteArray *buf)
{
  static const guint8 zeros[CI_SM_MAX_BLOCK] = { 0 };
  static const guint8 marker = 0x80;
  gsize bs;

  g_return_if_fail (CI_SM_CIPHER_IS_VALID (cipher));
  g_return_if_fail (buf != NULL);

  bs = ci_sm_block_size (cipher);
  g_byte_array_append (buf, &marker, 1);
  g_byte_array_append (buf, zeros, (guint) ((bs - buf->len % bs) % bs));
}

/* A CBC context without padding, keyed with @key for one direction. */
static EVP_CIPHER_CTX *
cbc_context (CiSmCipher    cipher,
             const guint8 *key,
             gboolean      decrypt)
{
  g_autoptr(EVP_CIPHER) evp = EVP_CIPHER_fetch (NULL, cipher == CI_SM_CIPHER_AES128
                                                      ? "AES-128-CBC" : "DES-EDE-CBC", NULL);
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();

  if (evp == NULL || ctx == NULL
      || EVP_CipherInit_ex2 (ctx, evp, key, NULL, decrypt ? 0 : 1, NULL) != 1
      || EVP_CIPHER_CTX_set_padding (ctx, 0) != 1)
    return NULL;
  return g_steal_pointer (&ctx);
}

/* Whole blocks through @ctx from cbc_context() (or %NULL, if that failed),
 * starting from @iv. */
static gboolean
cbc_run (EVP_CIPHER_CTX *ctx,
         const guint8   *iv,
         const guint8   *in,
         gsize           len,
         guint8         *out,
         gboolean        decrypt,
         GError        **error)
{
  static const guint8 zero_iv[CI_SM_MAX_BLOCK] = { 0 };
  int out_len = 0, final_len = 0;

  if (ctx == NULL
      || EVP_CipherInit_ex2 (ctx, NULL, NULL, iv != NULL ? iv : zero_iv, -1, NULL) != 1
      || EVP_CipherUpdate (ctx, out, &out_len, in, (int) len) != 1
      || EVP_CipherFinal_ex (ctx, out + out_len, &final_len) != 1
      || (gsize) out_len + (gsize) final_len != len)
    {
      OPENSSL_cleanse (out, len);
      return openssl_failed (error, decrypt ? _("OpenSSL could not decrypt for secure messaging")
                                            : _("OpenSSL could not encrypt for secure messaging"));
    }
  return TRUE;
}

/**
 * ci_sm_encrypt:
 * @cipher: the cipher
 * @key: the 16-byte key (two-key 3DES K1 || K2, or AES-128)
 * @iv: (nullable): one block of IV; %NULL means zeros
 * @in: (array length=len): whole blocks of input
 * @len: length of @in, a multiple of the block size
 * @out: (out caller-allocates): @len bytes of output; may be @in
 * @decrypt: %TRUE to decrypt
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Encrypts or decrypts in CBC mode without padding.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_sm_encrypt (CiSmCipher    cipher,
               const guint8  key[CI_SM_KEY_LEN],
               const guint8 *iv,
               const guint8 *in,
               gsize         len,
               guint8       *out,
               gboolean      decrypt,
               GError      **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;

  g_return_val_if_fail (CI_SM_CIPHER_IS_VALID (cipher), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (in != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len % ci_sm_block_size (cipher) != 0 || len > G_MAXINT)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   _("Secure messaging: %zu bytes are not whole cipher blocks"), len);
      return FALSE;
    }
  if (len == 0)
    return TRUE;
  ctx = cbc_context (cipher, key, decrypt);
  return cbc_run (ctx, iv, in, len, out, decrypt, error);
}

/* ISO/IEC 9797-1 MAC algorithm 3 (the "retail MAC") over padded @in: a
 * single-DES CBC-MAC with K1, whose last block then goes through D(K2) and
 * E(K1). E(K1) D(K2) E(K1) is two-key 3DES, so the last block is 3DES-CBC
 * encrypted with the single-DES chaining value of the blocks before it. Single
 * DES lives in OpenSSL's legacy provider only: 3DES keyed K1 || K1 is the same. */
static gboolean
retail_mac (const guint8  key[CI_SM_KEY_LEN],
            const guint8 *in,
            gsize         len,
            guint8        out[CI_SM_MAC_LEN],
            GError      **error)
{
  gsize head = len - DES_BLOCK;
  guint8 k1k1[CI_SM_KEY_LEN], chain[DES_BLOCK] = { 0 };
  g_autoptr(CiSmSecret) tmp = _ci_sm_secret_new (head);
  gboolean ok = TRUE;

  memcpy (k1k1, key, DES_BLOCK);
  memcpy (k1k1 + DES_BLOCK, key, DES_BLOCK);
  if (head > 0)
    {
      g_byte_array_set_size (tmp, (guint) head);
      ok = ci_sm_encrypt (CI_SM_CIPHER_3DES, k1k1, NULL, in, head, tmp->data, FALSE, error);
      if (ok)
        memcpy (chain, tmp->data + head - DES_BLOCK, DES_BLOCK);
    }
  ok = ok && ci_sm_encrypt (CI_SM_CIPHER_3DES, key, chain, in + head, DES_BLOCK, out, FALSE,
                            error);
  OPENSSL_cleanse (k1k1, sizeof k1k1);
  OPENSSL_cleanse (chain, sizeof chain);
  return ok;
}

/* An AES-CMAC context keyed with @key. */
static EVP_MAC_CTX *
cmac_context (const guint8 key[CI_SM_KEY_LEN])
{
  g_autoptr(EVP_MAC) mac = EVP_MAC_fetch (NULL, "CMAC", NULL);
  g_autoptr(EVP_MAC_CTX) ctx = mac != NULL ? EVP_MAC_CTX_new (mac) : NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_CIPHER, (char *) "AES-128-CBC", 0),
    OSSL_PARAM_construct_end (),
  };

  if (ctx == NULL || EVP_MAC_init (ctx, key, CI_SM_KEY_LEN, params) != 1)
    return NULL;
  return g_steal_pointer (&ctx);
}

/* The CMAC of @in with @ctx, fresh from cmac_context() or a copy of one (or
 * %NULL, if making it failed); a context is good for one MAC. */
static gboolean
cmac_run (EVP_MAC_CTX  *ctx,
          const guint8 *in,
          gsize         len,
          guint8        out[CI_SM_AES_BLOCK],
          GError      **error)
{
  size_t out_len = 0;

  if (ctx == NULL
      || (len > 0 && EVP_MAC_update (ctx, in, len) != 1)
      || EVP_MAC_final (ctx, out, &out_len, CI_SM_AES_BLOCK) != 1
      || out_len != CI_SM_AES_BLOCK)
    return openssl_failed (error, _("OpenSSL could not compute an AES-CMAC for secure messaging"));
  return TRUE;
}

/**
 * _ci_sm_aes_cmac:
 * @key: an AES-128 key
 * @in: (array length=len): the message, not padded
 * @len: length of @in
 * @out: (out caller-allocates): the 16-byte CMAC
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Computes AES-CMAC (NIST SP 800-38B) with OpenSSL's EVP_MAC "CMAC".
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_sm_aes_cmac (const guint8  key[CI_SM_KEY_LEN],
                 const guint8 *in,
                 gsize         len,
                 guint8        out[CI_SM_AES_BLOCK],
                 GError      **error)
{
  g_autoptr(EVP_MAC_CTX) ctx = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (in != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  ctx = cmac_context (key);
  return cmac_run (ctx, in, len, out, error);
}

/* @in with method 2 padding, in a buffer that is wiped when freed. */
static CiSmSecret *
padded_copy (CiSmCipher    cipher,
             const guint8 *in,
             gsize         len)
{
  CiSmSecret *padded = _ci_sm_secret_new (len + CI_SM_MAX_BLOCK);

  if (len > 0)
    g_byte_array_append (padded, in, (guint) len);
  ci_sm_pad (cipher, padded);
  return padded;
}

/* AES-CMAC with @ctx (see cmac_run()) over padded @in, cut to 8 bytes. */
static gboolean
aes_mac (EVP_MAC_CTX  *ctx,
         const guint8 *in,
         gsize         len,
         guint8        out[CI_SM_MAC_LEN],
         GError      **error)
{
  g_autoptr(CiSmSecret) padded = padded_copy (CI_SM_CIPHER_AES128, in, len);
  guint8 full[CI_SM_AES_BLOCK];
  gboolean ok = cmac_run (ctx, padded->data, padded->len, full, error);

  if (ok)
    memcpy (out, full, CI_SM_MAC_LEN);
  OPENSSL_cleanse (full, sizeof full);
  return ok;
}

/**
 * ci_sm_mac:
 * @cipher: the cipher
 * @key: the MAC key
 * @in: (array length=len): the message, not padded
 * @len: length of @in
 * @out: (out caller-allocates): the 8-byte MAC
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Pads @in with ISO/IEC 9797-1 method 2 and computes MAC algorithm 3 (3DES)
 * or AES-CMAC truncated to 8 bytes (AES), as ICAO Doc 9303 Part 11 §9.8 does.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_sm_mac (CiSmCipher    cipher,
           const guint8  key[CI_SM_KEY_LEN],
           const guint8 *in,
           gsize         len,
           guint8        out[CI_SM_MAC_LEN],
           GError      **error)
{
  g_autoptr(CiSmSecret) padded = NULL;
  g_autoptr(EVP_MAC_CTX) ctx = NULL;

  g_return_val_if_fail (CI_SM_CIPHER_IS_VALID (cipher), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (in != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (len <= G_MAXUINT - CI_SM_MAX_BLOCK, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (cipher == CI_SM_CIPHER_AES128)
    {
      ctx = cmac_context (key);
      return aes_mac (ctx, in, len, out, error);
    }
  padded = padded_copy (cipher, in, len);
  return retail_mac (key, padded->data, padded->len, out, error);
}

/* ---- a channel's AES keys, made ready once -------------------------------- */

struct _CiSmAesKeys
{
  EVP_CIPHER_CTX *encrypt;  /* KSenc's key schedules, one for each direction */
  EVP_CIPHER_CTX *decrypt;
  EVP_MAC_CTX    *mac;      /* keyed with KSmac; each MAC runs on a copy */
};

/**
 * _ci_sm_aes_keys_new:
 * @kenc: the session encryption key KSenc
 * @kmac: the session MAC key KSmac
 *
 * Keys OpenSSL's contexts once for a channel's messages, which would
 * otherwise each fetch the algorithms and expand the keys again.
 *
 * Returns: (transfer full) (nullable): the keys, or %NULL if OpenSSL failed
 */
CiSmAesKeys *
_ci_sm_aes_keys_new (const guint8 kenc[CI_SM_KEY_LEN],
                     const guint8 kmac[CI_SM_KEY_LEN])
{
  CiSmAesKeys *keys = g_new0 (CiSmAesKeys, 1);

  keys->encrypt = cbc_context (CI_SM_CIPHER_AES128, kenc, FALSE);
  keys->decrypt = cbc_context (CI_SM_CIPHER_AES128, kenc, TRUE);
  keys->mac = cmac_context (kmac);
  if (keys->encrypt == NULL || keys->decrypt == NULL || keys->mac == NULL)
    g_clear_pointer (&keys, _ci_sm_aes_keys_free);
  return keys;
}

/**
 * _ci_sm_aes_keys_free:
 * @keys: (nullable): keys
 *
 * Frees @keys; OpenSSL wipes the key schedules as it frees its contexts.
 */
void
_ci_sm_aes_keys_free (CiSmAesKeys *keys)
{
  if (keys == NULL)
    return;
  EVP_CIPHER_CTX_free (keys->encrypt);
  EVP_CIPHER_CTX_free (keys->decrypt);
  EVP_MAC_CTX_free (keys->mac);
  g_free (keys);
}

/**
 * _ci_sm_aes_keys_cbc:
 * @keys: a channel's keys
 * @iv: (nullable): one block of IV; %NULL means zeros
 * @in: (array length=len): whole blocks of input
 * @len: length of @in, a multiple of 16
 * @out: (out caller-allocates): @len bytes of output; may be @in
 * @decrypt: %TRUE to decrypt
 * @error: return location for a #CI_CARD_ERROR error
 *
 * ci_sm_encrypt() with AES-128 and KSenc.
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_sm_aes_keys_cbc (CiSmAesKeys   *keys,
                     const guint8  *iv,
                     const guint8  *in,
                     gsize          len,
                     guint8        *out,
                     gboolean       decrypt,
                     GError       **error)
{
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (len % CI_SM_AES_BLOCK == 0 && len <= G_MAXINT, FALSE);
  g_return_val_if_fail (in != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL || len == 0, FALSE);

  if (len == 0)
    return TRUE;
  return cbc_run (decrypt ? keys->decrypt : keys->encrypt, iv, in, len, out, decrypt, error);
}

/**
 * _ci_sm_aes_keys_mac:
 * @keys: a channel's keys
 * @in: (array length=len): the message, not padded
 * @len: length of @in
 * @out: (out caller-allocates): the 8-byte MAC
 * @error: return location for a #CI_CARD_ERROR error
 *
 * ci_sm_mac() with AES-128 and KSmac.
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_sm_aes_keys_mac (CiSmAesKeys   *keys,
                     const guint8  *in,
                     gsize          len,
                     guint8         out[CI_SM_MAC_LEN],
                     GError       **error)
{
  g_autoptr(EVP_MAC_CTX) ctx = NULL;

  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (in != NULL || len == 0, FALSE);
  g_return_val_if_fail (len <= G_MAXUINT - CI_SM_MAX_BLOCK, FALSE);

  ctx = EVP_MAC_CTX_dup (keys->mac);
  return aes_mac (ctx, in, len, out, error);
}

/* DES keys carry a parity bit in the low bit of each byte; ICAO sets it odd. */
static void
set_odd_parity (guint8 *key,
                gsize   len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = key[i] & 0xfe;
      guint8 p = b ^ (b >> 4);

      p ^= p >> 2;
      p ^= p >> 1;
      key[i] = b | ((p & 1) ^ 1);
    }
}

/**
 * ci_sm_kdf:
 * @cipher: the cipher the key is for
 * @seed: (array length=seed_len): the shared secret
 * @seed_len: length of @seed
 * @counter: %CI_SM_KDF_ENC or %CI_SM_KDF_MAC
 * @out: (out caller-allocates): the 16-byte key
 *
 * Derives a key as ICAO Doc 9303 Part 11 §9.7.1.1 does: the first 16 bytes of
 * SHA-1(@seed || @counter as 4 bytes big-endian), with odd DES parity for 3DES.
 */
void
ci_sm_kdf (CiSmCipher    cipher,
           const guint8 *seed,
           gsize         seed_len,
           guint32       counter,
           guint8        out[CI_SM_KEY_LEN])
{
  const guint8 c[4] = { counter >> 24, (counter >> 16) & 0xff, (counter >> 8) & 0xff,
                        counter & 0xff };
  g_autoptr(EVP_MD) md = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;

  g_return_if_fail (CI_SM_CIPHER_IS_VALID (cipher));
  g_return_if_fail (seed != NULL || seed_len == 0);
  g_return_if_fail (out != NULL);

  md = EVP_MD_fetch (NULL, "SHA1", NULL);
  ctx = EVP_MD_CTX_new ();
  /* only a broken OpenSSL installation gets here */
  if (md == NULL || ctx == NULL
      || EVP_DigestInit_ex2 (ctx, md, NULL) != 1
      || EVP_DigestUpdate (ctx, seed, seed_len) != 1
      || EVP_DigestUpdate (ctx, c, sizeof c) != 1
      || EVP_DigestFinal_ex (ctx, digest, &digest_len) != 1
      || digest_len < CI_SM_KEY_LEN)
    g_error ("OpenSSL could not compute SHA-1 for a secure messaging key");
  memcpy (out, digest, CI_SM_KEY_LEN);
  OPENSSL_cleanse (digest, sizeof digest);
  if (cipher == CI_SM_CIPHER_3DES)
    set_odd_parity (out, CI_SM_KEY_LEN);
}
