/* ci-password.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-password.h"
#include "ci-digest.h"
#include "ci-key-store-private.h"
#include "ci-openssl-private.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#define PASSWORD_LN 15
#define PASSWORD_R 8
#define PASSWORD_P 1
#define PASSWORD_SALT_LEN 16
#define PASSWORD_HASH_LEN 32

/* What a stored hash may hold: anything outside is refused as damaged. The
 * hash length is fixed, since scrypt outputs of different lengths share a
 * prefix: a cut-down hash would otherwise still match. */
#define STORED_SALT_MIN 16
#define STORED_SALT_MAX 64
#define STORED_HASH_MIN PASSWORD_HASH_LEN
#define STORED_HASH_MAX PASSWORD_HASH_LEN

/**
 * _ci_scrypt_params_ok:
 * @ln: log2 of the scrypt cost N
 * @r: block size
 * @p: parallelism
 *
 * Returns: %TRUE if the parameters are within the limits CardIssue accepts
 * from stored data (see CI_SCRYPT_LN_MAX and friends).
 */
gboolean
_ci_scrypt_params_ok (guint64 ln,
                      guint64 r,
                      guint64 p)
{
  guint64 n;

  if (ln < CI_SCRYPT_LN_MIN || ln > CI_SCRYPT_LN_MAX)
    return FALSE;
  if (r < 1 || r > CI_SCRYPT_R_MAX || p < 1 || p > CI_SCRYPT_P_MAX)
    return FALSE;
  n = G_GUINT64_CONSTANT (1) << ln;
  if (n * r * p > CI_SCRYPT_MAX_WORK)
    return FALSE;
  /* OpenSSL's own accounting: 128·r·(N+2) for V plus 128·r·p for B */
  return 128 * r * (n + 2 + p) <= CI_SCRYPT_MAXMEM;
}

/**
 * _ci_scrypt_derive:
 * @password: the secret, NUL-terminated
 * @salt: (array length=salt_len): the salt
 * @salt_len: length of @salt
 * @ln: log2 of the cost N
 * @r: block size
 * @p: parallelism
 * @out: (out caller-allocates) (array length=out_len): derived bytes
 * @out_len: how many bytes to derive
 * @error: return location for a #CI_KEYS_ERROR_FAILED error
 *
 * Derives @out_len bytes with scrypt through OpenSSL's EVP_KDF. The caller
 * must have checked the parameters with _ci_scrypt_params_ok().
 *
 * Returns: %TRUE on success
 */
gboolean
_ci_scrypt_derive (const char   *password,
                   const guint8 *salt,
                   gsize         salt_len,
                   guint         ln,
                   guint         r,
                   guint         p,
                   guint8       *out,
                   gsize         out_len,
                   GError      **error)
{
  g_autoptr(EVP_KDF) kdf = NULL;
  g_autoptr(EVP_KDF_CTX) ctx = NULL;
  uint64_t n = G_GUINT64_CONSTANT (1) << ln;
  uint32_t r32 = r, p32 = p;
  uint64_t maxmem = CI_SCRYPT_MAXMEM;
  OSSL_PARAM params[] = {
    OSSL_PARAM_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) password, strlen (password)),
    OSSL_PARAM_octet_string (OSSL_KDF_PARAM_SALT, (void *) salt, salt_len),
    OSSL_PARAM_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n),
    OSSL_PARAM_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r32),
    OSSL_PARAM_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p32),
    OSSL_PARAM_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
    OSSL_PARAM_END
  };

  g_return_val_if_fail (_ci_scrypt_params_ok (ln, r, p), FALSE);

  kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_SCRYPT, NULL);
  if (kdf != NULL)
    ctx = EVP_KDF_CTX_new (kdf);
  if (ctx == NULL || EVP_KDF_derive (ctx, out, out_len, params) != 1)
    {
      OPENSSL_cleanse (out, out_len);
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("OpenSSL could not derive a key with scrypt"));
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_password_hash:
 * @password: the operator's password
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Hashes @password with scrypt (N = 2^15, r = 8, p = 1) and a fresh random
 * 16-byte salt.
 *
 * Returns: (transfer full): the encoded hash
 *   `$scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>`, or %NULL on error
 */
char *
ci_password_hash (const char  *password,
                  GError     **error)
{
  guint8 salt[PASSWORD_SALT_LEN];
  guint8 hash[PASSWORD_HASH_LEN];
  g_autofree char *salt_b64 = NULL;
  g_autofree char *hash_b64 = NULL;
  char *encoded;

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ci_random_bytes (salt, sizeof salt, error))
    return NULL;
  if (!_ci_scrypt_derive (password, salt, sizeof salt, PASSWORD_LN, PASSWORD_R, PASSWORD_P,
                          hash, sizeof hash, error))
    return NULL;
  salt_b64 = g_base64_encode (salt, sizeof salt);
  hash_b64 = g_base64_encode (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);
  encoded = g_strdup_printf ("$scrypt$ln=%u,r=%u,p=%u$%s$%s", PASSWORD_LN, PASSWORD_R,
                             PASSWORD_P, salt_b64, hash_b64);
  OPENSSL_cleanse (hash_b64, strlen (hash_b64));
  return encoded;
}

typedef struct
{
  guint   ln, r, p;
  guint8 *salt;
  gsize   salt_len;
  guint8 *hash;
  gsize   hash_len;
} ParsedHash;

static void
parsed_hash_clear (ParsedHash *ph)
{
  if (ph->hash != NULL)
    OPENSSL_cleanse (ph->hash, ph->hash_len);
  g_clear_pointer (&ph->salt, g_free);
  g_clear_pointer (&ph->hash, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ParsedHash, parsed_hash_clear)

/* Reads "<key>=<decimal>" followed by @sep; at most 6 digits, no sign, no
 * leading zero. */
static gboolean
parse_param (const char **pos,
             const char  *key,
             char         sep,
             guint       *value)
{
  const char *s = *pos;
  gsize key_len = strlen (key);
  guint v = 0, digits = 0;

  if (strncmp (s, key, key_len) != 0 || s[key_len] != '=')
    return FALSE;
  s += key_len + 1;
  if (s[0] == '0' && g_ascii_isdigit (s[1]))
    return FALSE;
  for (; g_ascii_isdigit (*s) && digits < 6; s++, digits++)
    v = v * 10 + (guint) (*s - '0');
  if (digits == 0 || *s != sep)
    return FALSE;
  *pos = s + 1;
  *value = v;
  return TRUE;
}

/* Decodes canonical, padded standard base64 of @len characters; refuses
 * anything g_base64_encode() would not have written. */
static guint8 *
decode_base64_strict (const char *b64,
                      gsize       len,
                      gsize       min_out,
                      gsize       max_out,
                      gsize      *out_len)
{
  g_autofree char *copy = NULL;
  g_autofree char *again = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize n = 0;

  if (len == 0 || len % 4 != 0 || len > (max_out + 2) / 3 * 4)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (b64[i]) && b64[i] != '+' && b64[i] != '/' && b64[i] != '=')
      return NULL;
  copy = g_strndup (b64, len);
  bytes = g_base64_decode (copy, &n);
  if (n < min_out || n > max_out)
    return NULL;
  again = g_base64_encode (bytes, n);
  if (strcmp (again, copy) != 0)
    return NULL;
  *out_len = n;
  return g_steal_pointer (&bytes);
}

static gboolean
parse_hash (const char  *encoded,
            ParsedHash  *ph)
{
  const char *s = encoded;
  const char *dollar;

  if (!g_str_has_prefix (s, "$scrypt$"))
    return FALSE;
  s += strlen ("$scrypt$");
  if (!parse_param (&s, "ln", ',', &ph->ln)
      || !parse_param (&s, "r", ',', &ph->r)
      || !parse_param (&s, "p", '$', &ph->p))
    return FALSE;
  if (!_ci_scrypt_params_ok (ph->ln, ph->r, ph->p))
    return FALSE;
  dollar = strchr (s, '$');
  if (dollar == NULL)
    return FALSE;
  ph->salt = decode_base64_strict (s, dollar - s, STORED_SALT_MIN, STORED_SALT_MAX,
                                   &ph->salt_len);
  if (ph->salt == NULL)
    return FALSE;
  s = dollar + 1;
  ph->hash = decode_base64_strict (s, strlen (s), STORED_HASH_MIN, STORED_HASH_MAX,
                                   &ph->hash_len);
  return ph->hash != NULL;
}

/**
 * ci_password_verify:
 * @password: the password typed by the operator
 * @encoded: a hash made by ci_password_hash()
 * @matches: (out): whether @password matches @encoded
 * @error: return location for a #CI_KEYS_ERROR_CORRUPT error
 *
 * Checks @password against @encoded, recomputing scrypt with the parameters
 * stored in @encoded and comparing in constant time. A damaged @encoded is an
 * error, not a mismatch.
 *
 * Returns: %TRUE if the check could be made (then see @matches)
 */
gboolean
ci_password_verify (const char  *password,
                    const char  *encoded,
                    gboolean    *matches,
                    GError     **error)
{
  g_auto(ParsedHash) ph = { 0 };
  g_autofree guint8 *computed = NULL;

  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (encoded != NULL, FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *matches = FALSE;
  if (!parse_hash (encoded, &ph))
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           _("The stored password hash is damaged: "
                             "set a new password for this operator"));
      return FALSE;
    }
  computed = g_malloc (ph.hash_len);
  if (!_ci_scrypt_derive (password, ph.salt, ph.salt_len, ph.ln, ph.r, ph.p,
                          computed, ph.hash_len, error))
    return FALSE;
  *matches = ci_memequal_secure (computed, ph.hash, ph.hash_len);
  OPENSSL_cleanse (computed, ph.hash_len);
  return TRUE;
}
