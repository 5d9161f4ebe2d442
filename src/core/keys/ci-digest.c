/* ci-digest.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-digest.h"
#include "ci-key-store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

struct _CiSha256
{
  EVP_MD     *md;
  EVP_MD_CTX *ctx;
};

static void
sha256_init_or_die (CiSha256 *self)
{
  /* Without SHA-256 nothing in CardIssue can work (audit chain, key ids):
   * this only happens with a broken OpenSSL installation. */
  if (EVP_DigestInit_ex2 (self->ctx, self->md, NULL) != 1)
    g_error ("OpenSSL could not start a SHA-256 digest");
}

/**
 * ci_sha256_new:
 *
 * Creates an incremental SHA-256 context, ready for ci_sha256_update().
 * The algorithm is fetched once here; ci_sha256_reset() reuses it.
 *
 * Returns: (transfer full): a new context, free it with ci_sha256_free()
 */
CiSha256 *
ci_sha256_new (void)
{
  CiSha256 *self = g_new0 (CiSha256, 1);

  self->md = EVP_MD_fetch (NULL, "SHA2-256", NULL);
  self->ctx = EVP_MD_CTX_new ();
  if (self->md == NULL || self->ctx == NULL)
    g_error ("OpenSSL does not provide SHA-256");
  sha256_init_or_die (self);
  return self;
}

/**
 * ci_sha256_free:
 * @self: (nullable): a context
 *
 * Frees @self.
 */
void
ci_sha256_free (CiSha256 *self)
{
  if (self == NULL)
    return;
  EVP_MD_CTX_free (self->ctx);
  EVP_MD_free (self->md);
  g_free (self);
}

/**
 * ci_sha256_reset:
 * @self: a context
 *
 * Starts a new digest, forgetting any data passed so far.
 */
void
ci_sha256_reset (CiSha256 *self)
{
  g_return_if_fail (self != NULL);

  sha256_init_or_die (self);
}

/**
 * ci_sha256_update:
 * @self: a context
 * @data: (array length=len): bytes to hash
 * @len: length of @data
 *
 * Feeds @data into the digest.
 */
void
ci_sha256_update (CiSha256   *self,
                  const void *data,
                  gsize       len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || len == 0);

  if (len > 0 && EVP_DigestUpdate (self->ctx, data, len) != 1)
    g_error ("OpenSSL failed to hash data");
}

/**
 * ci_sha256_finish:
 * @self: a context
 * @out: (out caller-allocates): the digest
 *
 * Writes the digest of everything passed since the last reset to @out and
 * resets @self for the next message.
 */
void
ci_sha256_finish (CiSha256 *self,
                  guint8    out[CI_SHA256_LEN])
{
  unsigned int out_len = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  if (EVP_DigestFinal_ex (self->ctx, out, &out_len) != 1 || out_len != CI_SHA256_LEN)
    g_error ("OpenSSL failed to finish a SHA-256 digest");
  sha256_init_or_die (self);
}

/* One context per thread, so that the one-shot form used for every audit entry
 * neither fetches the algorithm nor allocates a context on each call. */
static GPrivate sha256_per_thread = G_PRIVATE_INIT ((GDestroyNotify) ci_sha256_free);

/**
 * ci_sha256:
 * @data: (array length=len): bytes to hash
 * @len: length of @data
 * @out: (out caller-allocates): the digest
 *
 * Computes the SHA-256 digest of @data.
 */
void
ci_sha256 (const void *data,
           gsize       len,
           guint8      out[CI_SHA256_LEN])
{
  CiSha256 *ctx;

  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (out != NULL);

  ctx = g_private_get (&sha256_per_thread);
  if (ctx == NULL)
    {
      ctx = ci_sha256_new ();
      g_private_set (&sha256_per_thread, ctx);
    }
  ci_sha256_update (ctx, data, len);
  ci_sha256_finish (ctx, out);
}

/**
 * ci_random_bytes:
 * @buf: (out caller-allocates) (array length=len): where to write
 * @len: how many bytes
 * @error: return location for a #CI_KEYS_ERROR_FAILED error
 *
 * Fills @buf with bytes from OpenSSL's cryptographically secure generator.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_random_bytes (guint8  *buf,
                 gsize    len,
                 GError **error)
{
  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  g_return_val_if_fail (len <= G_MAXINT, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    return TRUE;
  if (RAND_bytes (buf, (int) len) != 1)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("The system's random number generator is not available"));
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_memequal_secure:
 * @a: first buffer
 * @b: second buffer
 * @len: bytes to compare
 *
 * Compares two buffers in time that does not depend on their contents, for
 * MACs, password hashes and the like.
 *
 * Returns: %TRUE if the first @len bytes of @a and @b are equal
 */
gboolean
ci_memequal_secure (const void *a,
                    const void *b,
                    gsize       len)
{
  g_return_val_if_fail (a != NULL || len == 0, FALSE);
  g_return_val_if_fail (b != NULL || len == 0, FALSE);

  if (len == 0)
    return TRUE;
  return CRYPTO_memcmp (a, b, len) == 0;
}

/**
 * ci_hex_encode:
 * @data: (array length=len): bytes
 * @len: length of @data
 *
 * Returns: (transfer full): @data as lowercase hexadecimal digits
 */
char *
ci_hex_encode (const guint8 *data,
               gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *out;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len < G_MAXSIZE / 2, NULL);

  out = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0x0f];
    }
  out[len * 2] = '\0';
  return out;
}

/**
 * ci_hex_decode:
 * @hex: hexadecimal digits, either case
 * @out: (out caller-allocates) (array length=out_len): the bytes
 * @out_len: exact number of bytes expected
 *
 * Decodes @hex into @out. @out is left untouched on failure.
 *
 * Returns: %TRUE if @hex is exactly 2 × @out_len hexadecimal digits
 */
gboolean
ci_hex_decode (const char *hex,
               guint8     *out,
               gsize       out_len)
{
  g_return_val_if_fail (hex != NULL, FALSE);
  g_return_val_if_fail (out != NULL || out_len == 0, FALSE);

  for (gsize i = 0; i < out_len * 2; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;
  if (hex[out_len * 2] != '\0')
    return FALSE;
  for (gsize i = 0; i < out_len; i++)
    out[i] = (guint8) ((g_ascii_xdigit_value (hex[2 * i]) << 4)
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
  return TRUE;
}
