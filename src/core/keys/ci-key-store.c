/* ci-key-store.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * The key store file
 * ==================
 *
 * One file holds the issuer's keys, protected by the administrator's
 * passphrase. All integers are unsigned big-endian; "chunk" means a u32
 * length followed by that many bytes.
 *
 *   offset  size  field
 *        0     8  magic "CIKEYS01" (the digits are the format version)
 *        8     1  scrypt ln (N = 2^ln)
 *        9     1  scrypt r
 *       10     1  scrypt p
 *       11     1  reserved, 0
 *       12    16  scrypt salt
 *       28    12  AES-256-GCM nonce
 *       40    32  passphrase check (see below)
 *       72  chunk issuer public key, DER SubjectPublicKeyInfo (EC P-256)
 *        .  chunk audit public key, DER SubjectPublicKeyInfo (EC P-256)
 *        .     4  C, the length of the ciphertext
 *        .     C  AES-256-GCM ciphertext of the secret part
 *        .    16  GCM tag
 *
 * Everything before the ciphertext is the cleartext header, and all of it is
 * the GCM additional data: the public keys can be read (to verify signatures)
 * without the passphrase, yet any change to them is detected on unlock. The
 * file ends exactly after the tag.
 *
 * The secret part, once decrypted, is four chunks: the issuer private key and
 * the audit private key (DER PKCS#8 PrivateKeyInfo), then the card admin and
 * card auth AES-128 master keys (16 bytes each).
 *
 * scrypt(passphrase, salt) yields 64 bytes: the first 32 are the AES-256-GCM
 * key, the SHA-256 of the last 32 is the passphrase check. The check tells a
 * wrong passphrase from a damaged file; it gives a guesser nothing that the
 * GCM tag would not, and costs the same scrypt run to test.
 *
 * The file is written atomically with mode 0600. Every length read from it is
 * bounded before use; anything unexpected is CI_KEYS_ERROR_CORRUPT.
 */

#include "ci-key-store-private.h"
#include "ci-digest.h"
#include "ci-openssl-private.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define MAGIC "CIKEYS01"
#define MAGIC_LEN 8
#define SALT_LEN 16
#define NONCE_LEN 12
#define CHECK_LEN 32
#define TAG_LEN 16
#define GCM_KEY_LEN 32
#define FIXED_HEADER_LEN (MAGIC_LEN + 4 + SALT_LEN + NONCE_LEN + CHECK_LEN)

#define STORE_LN 15
#define STORE_R 8
#define STORE_P 1

/* Generous bounds: a P-256 SubjectPublicKeyInfo is 91 bytes, a PKCS#8 key
 * about 140, the whole file about 600. */
#define PUBLIC_KEY_MAX 1024
#define PRIVATE_KEY_MAX 2048
#define CIPHERTEXT_MAX 8192
#define FILE_MAX (FIXED_HEADER_LEN + 3 * 4 + 2 * PUBLIC_KEY_MAX + CIPHERTEXT_MAX + TAG_LEN)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free)

/* What the file holds in clear, plus the sealed secret part. */
typedef struct
{
  guint8  ln, r, p;
  guint8  salt[SALT_LEN];
  guint8  nonce[NONCE_LEN];
  guint8  check[CHECK_LEN];
  guint8  tag[TAG_LEN];
  GBytes *issuer_pub;
  GBytes *audit_pub;
  GBytes *header;
  GBytes *ciphertext;
} Sealed;

struct _CiKeyStore
{
  GObject   parent_instance;

  char     *path;
  Sealed    sealed;

  gboolean  unlocked;
  EVP_PKEY *issuer_key;
  EVP_PKEY *audit_key;
  guint8    admin_master[CI_AES128_KEY_LEN];
  guint8    auth_master[CI_AES128_KEY_LEN];
};

G_DEFINE_FINAL_TYPE (CiKeyStore, ci_key_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_UNLOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (ci-keys-error-quark, ci_keys_error)

static void
sealed_clear (Sealed *s)
{
  g_clear_pointer (&s->issuer_pub, g_bytes_unref);
  g_clear_pointer (&s->audit_pub, g_bytes_unref);
  g_clear_pointer (&s->header, g_bytes_unref);
  g_clear_pointer (&s->ciphertext, g_bytes_unref);
  memset (s, 0, sizeof *s);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sealed, sealed_clear)

static void
forget_secrets (CiKeyStore *self)
{
  /* EVP_PKEY_free() clears the EC private scalar */
  g_clear_pointer (&self->issuer_key, EVP_PKEY_free);
  g_clear_pointer (&self->audit_key, EVP_PKEY_free);
  OPENSSL_cleanse (self->admin_master, sizeof self->admin_master);
  OPENSSL_cleanse (self->auth_master, sizeof self->auth_master);
  self->unlocked = FALSE;
}

static void
ci_key_store_finalize (GObject *object)
{
  CiKeyStore *self = CI_KEY_STORE (object);

  forget_secrets (self);
  sealed_clear (&self->sealed);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (ci_key_store_parent_class)->finalize (object);
}

static void
ci_key_store_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CiKeyStore *self = CI_KEY_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_UNLOCKED:
      g_value_set_boolean (value, self->unlocked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_key_store_class_init (CiKeyStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ci_key_store_finalize;
  object_class->get_property = ci_key_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNLOCKED] =
    g_param_spec_boolean ("unlocked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                          | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_key_store_init (CiKeyStore *self)
{
}

static void
set_unlocked (CiKeyStore *self,
              gboolean    unlocked)
{
  if (self->unlocked == unlocked)
    return;
  self->unlocked = unlocked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

/* ---- errors ---------------------------------------------------------- */

static void
set_corrupt (GError    **error,
             const char *path,
             const char *why)
{
  g_autofree char *name = g_filename_display_name (path);

  ERR_clear_error ();
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
               "The key store file %s is damaged (%s): restore it from a backup",
               name, why);
}

static gboolean
set_openssl_failed (GError    **error,
                    const char *what)
{
  ERR_clear_error ();
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED, "OpenSSL could not %s", what);
  return FALSE;
}

static gboolean
check_unlocked (CiKeyStore  *self,
                GError     **error)
{
  if (self->unlocked)
    return TRUE;
  g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED,
                       "The key store is locked: unlock it with the administrator's passphrase");
  return FALSE;
}

static gboolean
check_passphrase_strength (const char  *passphrase,
                           GError     **error)
{
  glong chars;

  if (g_utf8_validate (passphrase, -1, NULL))
    chars = g_utf8_strlen (passphrase, -1);
  else
    chars = (glong) strlen (passphrase);
  if (chars >= CI_PASSPHRASE_MIN_CHARS)
    return TRUE;
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WEAK_PASSPHRASE,
               "The passphrase is too short: use at least %d characters",
               CI_PASSPHRASE_MIN_CHARS);
  return FALSE;
}

/* ---- reading and writing the layout ---------------------------------- */

typedef struct
{
  const guint8 *pos;
  gsize         left;
} Reader;

static gboolean
reader_take (Reader        *r,
             gsize          n,
             const guint8 **out)
{
  if (n > r->left)
    return FALSE;
  *out = r->pos;
  r->pos += n;
  r->left -= n;
  return TRUE;
}

static gboolean
reader_u32 (Reader  *r,
            guint32 *value)
{
  const guint8 *b;

  if (!reader_take (r, 4, &b))
    return FALSE;
  *value = ((guint32) b[0] << 24) | ((guint32) b[1] << 16) | ((guint32) b[2] << 8) | b[3];
  return TRUE;
}

static gboolean
reader_chunk (Reader        *r,
              gsize          max,
              const guint8 **out,
              gsize         *len)
{
  guint32 n;

  if (!reader_u32 (r, &n) || n == 0 || n > max)
    return FALSE;
  *len = n;
  return reader_take (r, n, out);
}

static void
put_u32 (guint8  *dest,
         guint32  value)
{
  dest[0] = value >> 24;
  dest[1] = value >> 16;
  dest[2] = value >> 8;
  dest[3] = value;
}

static void
append_u32 (GByteArray *out,
            guint32     value)
{
  guint8 b[4];

  put_u32 (b, value);
  g_byte_array_append (out, b, 4);
}

static void
append_chunk (GByteArray *out,
              GBytes     *chunk)
{
  append_u32 (out, g_bytes_get_size (chunk));
  g_byte_array_append (out, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
}

/* Writes a chunk into a buffer sized beforehand, so that secrets are never
 * left behind by a reallocation. */
static void
put_chunk (guint8       *buf,
           gsize        *offset,
           const guint8 *data,
           gsize         len)
{
  put_u32 (buf + *offset, len);
  memcpy (buf + *offset + 4, data, len);
  *offset += 4 + len;
}

/* ---- keys ------------------------------------------------------------ */

static gboolean
is_p256 (EVP_PKEY *pkey)
{
  char group[32] = "";

  return EVP_PKEY_is_a (pkey, "EC")
         && EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof group, NULL) == 1
         && g_str_equal (group, "prime256v1");
}

static EVP_PKEY *
public_key_from_der (const guint8 *der,
                     gsize         len)
{
  const unsigned char *p = der;
  g_autoptr(EVP_PKEY) pkey = NULL;

  if (len == 0 || len > PUBLIC_KEY_MAX)
    return NULL;
  pkey = d2i_PUBKEY (NULL, &p, (long) len);
  if (pkey == NULL || p != der + len || !is_p256 (pkey))
    {
      ERR_clear_error ();
      return NULL;
    }
  return g_steal_pointer (&pkey);
}

static GBytes *
public_key_to_der (EVP_PKEY *pkey)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (pkey, &der);
  GBytes *bytes;

  if (len <= 0)
    return NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

static EVP_PKEY *
private_key_from_der (const guint8 *der,
                      gsize         len)
{
  const unsigned char *p = der;
  g_autoptr(PKCS8_PRIV_KEY_INFO) p8 = d2i_PKCS8_PRIV_KEY_INFO (NULL, &p, (long) len);
  g_autoptr(EVP_PKEY) pkey = NULL;

  if (p8 != NULL && p == der + len)
    pkey = EVP_PKCS82PKEY (p8);
  if (pkey == NULL || !is_p256 (pkey))
    {
      ERR_clear_error ();
      return NULL;
    }
  return g_steal_pointer (&pkey);
}

/* Returns OPENSSL_malloc'ed DER; free it with OPENSSL_clear_free(). */
static guint8 *
private_key_to_der (EVP_PKEY *pkey,
                    gsize    *len)
{
  g_autoptr(PKCS8_PRIV_KEY_INFO) p8 = EVP_PKEY2PKCS8 (pkey);
  unsigned char *der = NULL;
  int n;

  if (p8 == NULL)
    return NULL;
  n = i2d_PKCS8_PRIV_KEY_INFO (p8, &der);
  if (n <= 0 || n > PRIVATE_KEY_MAX)
    {
      OPENSSL_free (der);
      return NULL;
    }
  *len = n;
  return der;
}

static gboolean
generate_secrets (CiKeyStore  *self,
                  GError     **error)
{
  self->issuer_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  self->audit_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (self->issuer_key == NULL || self->audit_key == NULL)
    return set_openssl_failed (error, "generate an EC P-256 key pair");
  return ci_random_bytes (self->admin_master, sizeof self->admin_master, error)
         && ci_random_bytes (self->auth_master, sizeof self->auth_master, error);
}

/* ---- the secret part ------------------------------------------------- */

/* Serialises the secret part into a g_malloc'ed buffer the caller must
 * cleanse; NULL if a key cannot be encoded. */
static guint8 *
secrets_to_plaintext (CiKeyStore *self,
                      gsize      *len)
{
  gsize issuer_len = 0, audit_len = 0, offset = 0;
  guint8 *issuer = private_key_to_der (self->issuer_key, &issuer_len);
  guint8 *audit = private_key_to_der (self->audit_key, &audit_len);
  guint8 *buf = NULL;

  if (issuer != NULL && audit != NULL)
    {
      *len = 4 * 4 + issuer_len + audit_len + 2 * CI_AES128_KEY_LEN;
      buf = g_malloc (*len);
      put_chunk (buf, &offset, issuer, issuer_len);
      put_chunk (buf, &offset, audit, audit_len);
      put_chunk (buf, &offset, self->admin_master, CI_AES128_KEY_LEN);
      put_chunk (buf, &offset, self->auth_master, CI_AES128_KEY_LEN);
      g_assert (offset == *len);
    }
  OPENSSL_clear_free (issuer, issuer_len);
  OPENSSL_clear_free (audit, audit_len);
  return buf;
}

static gboolean
read_master (Reader *r,
             guint8  out[CI_AES128_KEY_LEN])
{
  const guint8 *data;
  gsize len;

  if (!reader_chunk (r, CI_AES128_KEY_LEN, &data, &len) || len != CI_AES128_KEY_LEN)
    return FALSE;
  memcpy (out, data, CI_AES128_KEY_LEN);
  return TRUE;
}

/* Fills the secret fields of @self from the decrypted secret part, checking
 * that the private keys belong to the public keys of the header. */
static const char *
secrets_from_plaintext (CiKeyStore   *self,
                        const guint8 *plaintext,
                        gsize         len)
{
  Reader r = { plaintext, len };
  const guint8 *issuer, *audit;
  gsize issuer_len, audit_len;
  g_autoptr(EVP_PKEY) issuer_pub = NULL;
  g_autoptr(EVP_PKEY) audit_pub = NULL;

  if (!reader_chunk (&r, PRIVATE_KEY_MAX, &issuer, &issuer_len)
      || !reader_chunk (&r, PRIVATE_KEY_MAX, &audit, &audit_len)
      || !read_master (&r, self->admin_master)
      || !read_master (&r, self->auth_master)
      || r.left != 0)
    return "the secret part has a wrong layout";
  self->issuer_key = private_key_from_der (issuer, issuer_len);
  self->audit_key = private_key_from_der (audit, audit_len);
  if (self->issuer_key == NULL || self->audit_key == NULL)
    return "a private key cannot be read";
  issuer_pub = public_key_from_der (g_bytes_get_data (self->sealed.issuer_pub, NULL),
                                    g_bytes_get_size (self->sealed.issuer_pub));
  audit_pub = public_key_from_der (g_bytes_get_data (self->sealed.audit_pub, NULL),
                                   g_bytes_get_size (self->sealed.audit_pub));
  if (issuer_pub == NULL || audit_pub == NULL
      || EVP_PKEY_eq (self->issuer_key, issuer_pub) != 1
      || EVP_PKEY_eq (self->audit_key, audit_pub) != 1)
    return "a private key does not match its public key";
  return NULL;
}

/* ---- the cleartext header -------------------------------------------- */

static const char *
parse_fixed_header (Reader *r,
                    Sealed *s)
{
  const guint8 *b;

  if (!reader_take (r, MAGIC_LEN, &b))
    return "the file is too short";
  if (memcmp (b, MAGIC, MAGIC_LEN) != 0)
    return "it is not a CardIssue key store, or a version this program does not know";
  if (!reader_take (r, 4, &b))
    return "the header is cut short";
  s->ln = b[0];
  s->r = b[1];
  s->p = b[2];
  if (b[3] != 0 || !_ci_scrypt_params_ok (s->ln, s->r, s->p))
    return "the passphrase parameters are out of range";
  if (!reader_take (r, SALT_LEN, &b))
    return "the header is cut short";
  memcpy (s->salt, b, SALT_LEN);
  if (!reader_take (r, NONCE_LEN, &b))
    return "the header is cut short";
  memcpy (s->nonce, b, NONCE_LEN);
  if (!reader_take (r, CHECK_LEN, &b))
    return "the header is cut short";
  memcpy (s->check, b, CHECK_LEN);
  return NULL;
}

static const char *
parse_public_key (Reader  *r,
                  GBytes **out)
{
  const guint8 *der;
  gsize len;
  g_autoptr(EVP_PKEY) pkey = NULL;

  if (!reader_chunk (r, PUBLIC_KEY_MAX, &der, &len))
    return "a public key is cut short or has a wrong length";
  pkey = public_key_from_der (der, len);
  if (pkey == NULL)
    return "a public key is not a valid EC P-256 key";
  *out = g_bytes_new (der, len);
  return NULL;
}

static const char *
parse_file (const guint8 *data,
            gsize         len,
            Sealed       *s)
{
  Reader r = { data, len };
  const guint8 *ct, *tag;
  const char *why;
  guint32 ct_len;

  if ((why = parse_fixed_header (&r, s)) != NULL
      || (why = parse_public_key (&r, &s->issuer_pub)) != NULL
      || (why = parse_public_key (&r, &s->audit_pub)) != NULL)
    return why;
  if (!reader_u32 (&r, &ct_len))
    return "the header is cut short";
  if (ct_len == 0 || ct_len > CIPHERTEXT_MAX)
    return "the secret part has a wrong length";
  s->header = g_bytes_new (data, len - r.left);
  if (!reader_take (&r, ct_len, &ct) || !reader_take (&r, TAG_LEN, &tag))
    return "the secret part is cut short";
  if (r.left != 0)
    return "there is unexpected data at the end";
  s->ciphertext = g_bytes_new (ct, ct_len);
  memcpy (s->tag, tag, TAG_LEN);
  return NULL;
}

static GBytes *
build_header (const Sealed *s,
              gsize         ct_len)
{
  GByteArray *out = g_byte_array_sized_new (FIXED_HEADER_LEN + 512);
  guint8 params[4] = { s->ln, s->r, s->p, 0 };

  g_byte_array_append (out, (const guint8 *) MAGIC, MAGIC_LEN);
  g_byte_array_append (out, params, sizeof params);
  g_byte_array_append (out, s->salt, SALT_LEN);
  g_byte_array_append (out, s->nonce, NONCE_LEN);
  g_byte_array_append (out, s->check, CHECK_LEN);
  append_chunk (out, s->issuer_pub);
  append_chunk (out, s->audit_pub);
  append_u32 (out, ct_len);
  return g_byte_array_free_to_bytes (out);
}

/* ---- crypto ---------------------------------------------------------- */

static gboolean
derive_key (const char   *passphrase,
            const Sealed *s,
            guint8        key[GCM_KEY_LEN],
            guint8        check[CHECK_LEN],
            GError      **error)
{
  guint8 derived[GCM_KEY_LEN + CHECK_LEN];

  if (!_ci_scrypt_derive (passphrase, s->salt, SALT_LEN, s->ln, s->r, s->p,
                          derived, sizeof derived, error))
    return FALSE;
  memcpy (key, derived, GCM_KEY_LEN);
  ci_sha256 (derived + GCM_KEY_LEN, CHECK_LEN, check);
  OPENSSL_cleanse (derived, sizeof derived);
  return TRUE;
}

static EVP_CIPHER_CTX *
gcm_begin (gboolean      encrypt,
           const guint8  key[GCM_KEY_LEN],
           const Sealed *s,
           GBytes       *aad)
{
  g_autoptr(EVP_CIPHER) cipher = EVP_CIPHER_fetch (NULL, "AES-256-GCM", NULL);
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize aad_len = g_bytes_get_size (aad);
  int len = 0;

  if (cipher == NULL || ctx == NULL
      || EVP_CipherInit_ex2 (ctx, cipher, key, s->nonce, encrypt, NULL) != 1
      || EVP_CipherUpdate (ctx, NULL, &len, g_bytes_get_data (aad, NULL), (int) aad_len) != 1)
    return NULL;
  return g_steal_pointer (&ctx);
}

static gboolean
gcm_seal (const guint8  key[GCM_KEY_LEN],
          Sealed       *s,
          const guint8 *plaintext,
          gsize         len,
          guint8       *ciphertext)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = gcm_begin (TRUE, key, s, s->header);
  int out_len = 0, final_len = 0;

  return ctx != NULL
         && EVP_EncryptUpdate (ctx, ciphertext, &out_len, plaintext, (int) len) == 1
         && EVP_EncryptFinal_ex (ctx, ciphertext + out_len, &final_len) == 1
         && (gsize) (out_len + final_len) == len
         && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, s->tag) == 1;
}

/* Returns FALSE if the tag does not match: the header or the secret part
 * was changed. */
static gboolean
gcm_open (const guint8  key[GCM_KEY_LEN],
          const Sealed *s,
          guint8       *plaintext)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = gcm_begin (FALSE, key, s, s->header);
  gsize len = g_bytes_get_size (s->ciphertext);
  int out_len = 0, final_len = 0;
  gboolean ok;

  ok = ctx != NULL
       && EVP_DecryptUpdate (ctx, plaintext, &out_len,
                             g_bytes_get_data (s->ciphertext, NULL), (int) len) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, (void *) s->tag) == 1
       && EVP_DecryptFinal_ex (ctx, plaintext + out_len, &final_len) == 1
       && (gsize) (out_len + final_len) == len;
  ERR_clear_error ();
  return ok;
}

/* ---- sealing and writing --------------------------------------------- */

/* Fills in @s for a new file: parameters, fresh salt and nonce, public keys,
 * and the passphrase check; derives the GCM key into @key. */
static gboolean
prepare_sealed (CiKeyStore  *self,
                const char  *passphrase,
                Sealed      *s,
                guint8       key[GCM_KEY_LEN],
                GError     **error)
{
  s->ln = STORE_LN;
  s->r = STORE_R;
  s->p = STORE_P;
  s->issuer_pub = public_key_to_der (self->issuer_key);
  s->audit_pub = public_key_to_der (self->audit_key);
  if (s->issuer_pub == NULL || s->audit_pub == NULL)
    return set_openssl_failed (error, "encode a public key");
  return ci_random_bytes (s->salt, SALT_LEN, error)
         && ci_random_bytes (s->nonce, NONCE_LEN, error)
         && derive_key (passphrase, s, key, s->check, error);
}

/* Encrypts the secret part under @key; returns the whole file. */
static GBytes *
seal_secrets (CiKeyStore    *self,
              Sealed        *s,
              const guint8   key[GCM_KEY_LEN],
              GError       **error)
{
  g_autoptr(GByteArray) out = NULL;
  gsize pt_len = 0, header_len;
  guint8 *plaintext = secrets_to_plaintext (self, &pt_len);
  guint8 *ciphertext;
  gboolean ok;

  if (plaintext == NULL)
    {
      set_openssl_failed (error, "encode a private key");
      return NULL;
    }
  s->header = build_header (s, pt_len);
  header_len = g_bytes_get_size (s->header);
  out = g_byte_array_sized_new (header_len + pt_len + TAG_LEN);
  g_byte_array_append (out, g_bytes_get_data (s->header, NULL), header_len);
  g_byte_array_set_size (out, header_len + pt_len);
  ciphertext = out->data + header_len;
  ok = gcm_seal (key, s, plaintext, pt_len, ciphertext);
  OPENSSL_clear_free (plaintext, pt_len);
  if (!ok)
    {
      set_openssl_failed (error, "encrypt the key store");
      return NULL;
    }
  s->ciphertext = g_bytes_new (ciphertext, pt_len);
  g_byte_array_append (out, s->tag, TAG_LEN);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GBytes *
seal_to_file_bytes (CiKeyStore  *self,
                    const char  *passphrase,
                    Sealed      *s,
                    GError     **error)
{
  guint8 key[GCM_KEY_LEN];
  GBytes *contents = NULL;

  if (prepare_sealed (self, passphrase, s, key, error))
    contents = seal_secrets (self, s, key, error);
  OPENSSL_cleanse (key, sizeof key);
  return contents;
}

/* Encrypts the secrets of @self (which must be unlocked) under @passphrase
 * with a fresh salt and nonce, and replaces the file atomically. @self is
 * only changed once the file is written. */
static gboolean
seal_and_write (CiKeyStore  *self,
                const char  *passphrase,
                GError     **error)
{
  g_auto(Sealed) s = { 0 };
  g_autoptr(GBytes) contents = seal_to_file_bytes (self, passphrase, &s, error);
  g_autoptr(GError) local_error = NULL;

  if (contents == NULL)
    return FALSE;
  if (!g_file_set_contents_full (self->path, g_bytes_get_data (contents, NULL),
                                 g_bytes_get_size (contents),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   "Could not write the key store: %s", local_error->message);
      return FALSE;
    }
  sealed_clear (&self->sealed);
  self->sealed = s;
  memset (&s, 0, sizeof s);
  return TRUE;
}

/* ---- public API ------------------------------------------------------ */

/**
 * ci_key_store_create:
 * @path: where to write the new key store; must not exist yet
 * @passphrase: the administrator's passphrase, at least
 *   %CI_PASSPHRASE_MIN_CHARS characters
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Generates a fresh set of issuer keys (the issuer and audit EC P-256 key
 * pairs, the card admin and card auth AES-128 master keys), encrypts them
 * under @passphrase and writes them to @path with mode 0600.
 *
 * Returns: (transfer full): the new, unlocked store, or %NULL on error
 */
CiKeyStore *
ci_key_store_create (const char  *path,
                     const char  *passphrase,
                     GError     **error)
{
  g_autoptr(CiKeyStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS,
                   "A key store already exists at %s: open it, or choose another file", name);
      return NULL;
    }
  if (!check_passphrase_strength (passphrase, error))
    return NULL;
  self = g_object_new (CI_TYPE_KEY_STORE, NULL);
  self->path = g_strdup (path);
  if (!generate_secrets (self, error))
    return NULL;
  self->unlocked = TRUE;
  if (!seal_and_write (self, passphrase, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
read_store_file (const char  *path,
                 char       **contents,
                 gsize       *len,
                 GError     **error)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      if (errno == ENOENT)
        {
          g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND,
                       "There is no key store at %s", name);
          return FALSE;
        }
      /* other failures are reported by g_file_get_contents() below */
    }
  else if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   "%s is not a key store file: choose a regular file", name);
      return FALSE;
    }
  else if (st.st_size > FILE_MAX)
    {
      set_corrupt (error, path, "the file is far too large");
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, &local_error))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   "Could not read the key store: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_key_store_open:
 * @path: a key store file
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Reads the key store at @path without decrypting it: the public keys are
 * available at once, the secret keys after ci_key_store_unlock().
 *
 * Returns: (transfer full): the locked store, or %NULL on error
 */
CiKeyStore *
ci_key_store_open (const char  *path,
                   GError     **error)
{
  g_autoptr(CiKeyStore) self = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *why;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_store_file (path, &contents, &len, error))
    return NULL;
  if (len > FILE_MAX)
    {
      set_corrupt (error, path, "the file is far too large");
      return NULL;
    }
  self = g_object_new (CI_TYPE_KEY_STORE, NULL);
  self->path = g_strdup (path);
  why = parse_file ((const guint8 *) contents, len, &self->sealed);
  if (why != NULL)
    {
      set_corrupt (error, path, why);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
decrypt_secrets (CiKeyStore   *self,
                 const guint8  key[GCM_KEY_LEN],
                 GError      **error)
{
  gsize len = g_bytes_get_size (self->sealed.ciphertext);
  guint8 *plaintext = g_malloc (len);
  const char *why = NULL;

  if (!gcm_open (key, &self->sealed, plaintext))
    why = "its contents do not match their checksum, it may have been tampered with";
  else
    why = secrets_from_plaintext (self, plaintext, len);
  OPENSSL_clear_free (plaintext, len);
  if (why != NULL)
    {
      forget_secrets (self);
      set_corrupt (error, self->path, why);
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_key_store_unlock:
 * @self: a key store
 * @passphrase: the administrator's passphrase
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Decrypts the secret keys and keeps them in memory until
 * ci_key_store_lock() or the store is finalized. Unlocking an unlocked
 * store checks @passphrase again.
 *
 * Returns: %TRUE if the store is now unlocked; on
 *   %CI_KEYS_ERROR_WRONG_PASSPHRASE or any other error it is locked
 */
gboolean
ci_key_store_unlock (CiKeyStore  *self,
                     const char  *passphrase,
                     GError     **error)
{
  guint8 key[GCM_KEY_LEN], check[CHECK_LEN];
  gboolean ok;

  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (self->sealed.header != NULL, FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ci_key_store_lock (self);
  if (!derive_key (passphrase, &self->sealed, key, check, error))
    return FALSE;
  if (!ci_memequal_secure (check, self->sealed.check, CHECK_LEN))
    {
      OPENSSL_cleanse (key, sizeof key);
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE,
                           "Wrong passphrase for the key store");
      return FALSE;
    }
  ok = decrypt_secrets (self, key, error);
  OPENSSL_cleanse (key, sizeof key);
  if (ok)
    set_unlocked (self, TRUE);
  return ok;
}

/**
 * ci_key_store_lock:
 * @self: a key store
 *
 * Wipes the secret keys from memory. The public keys stay available.
 */
void
ci_key_store_lock (CiKeyStore *self)
{
  gboolean was_unlocked;

  g_return_if_fail (CI_IS_KEY_STORE (self));

  was_unlocked = self->unlocked;
  forget_secrets (self);
  if (was_unlocked)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNLOCKED]);
}

/**
 * ci_key_store_is_unlocked:
 * @self: a key store
 *
 * Returns: %TRUE if the secret keys are in memory
 */
gboolean
ci_key_store_is_unlocked (CiKeyStore *self)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);

  return self->unlocked;
}

/**
 * ci_key_store_get_path:
 * @self: a key store
 *
 * Returns: (transfer none): the file of @self
 */
const char *
ci_key_store_get_path (CiKeyStore *self)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);

  return self->path;
}

/**
 * ci_key_store_change_passphrase:
 * @self: an unlocked key store
 * @new_passphrase: the new passphrase, at least %CI_PASSPHRASE_MIN_CHARS
 *   characters
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Re-encrypts the same keys under @new_passphrase, with a fresh salt and
 * nonce, and replaces the file atomically. The old passphrase no longer
 * opens the new file.
 *
 * Returns: %TRUE on success; on error the file is unchanged
 */
gboolean
ci_key_store_change_passphrase (CiKeyStore  *self,
                                const char  *new_passphrase,
                                GError     **error)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (new_passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_unlocked (self, error)
         && check_passphrase_strength (new_passphrase, error)
         && seal_and_write (self, new_passphrase, error);
}

static gboolean
is_key_pair (CiKeyId id)
{
  return id == CI_KEY_ISSUER || id == CI_KEY_AUDIT;
}

static gboolean
is_master_key (CiKeyId id)
{
  return id == CI_KEY_CARD_ADMIN_MASTER || id == CI_KEY_CARD_AUTH_MASTER;
}

/**
 * ci_key_store_get_public_key:
 * @self: a key store, locked or not
 * @id: %CI_KEY_ISSUER or %CI_KEY_AUDIT
 *
 * Returns: (transfer full) (nullable): the DER SubjectPublicKeyInfo of the
 *   key pair @id, or %NULL if @id is not a key pair
 */
GBytes *
ci_key_store_get_public_key (CiKeyStore *self,
                             CiKeyId     id)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);

  if (id == CI_KEY_ISSUER && self->sealed.issuer_pub != NULL)
    return g_bytes_ref (self->sealed.issuer_pub);
  if (id == CI_KEY_AUDIT && self->sealed.audit_pub != NULL)
    return g_bytes_ref (self->sealed.audit_pub);
  return NULL;
}

static char *
master_key_check_value (CiKeyStore *self,
                        CiKeyId     id)
{
  static const guint8 zero[16] = { 0 };
  const guint8 *key = id == CI_KEY_CARD_ADMIN_MASTER ? self->admin_master : self->auth_master;
  guint8 block[16];
  char *kcv = NULL;

  if (_ci_aes128_ecb_block (key, zero, block, NULL))
    kcv = ci_hex_encode (block, 3);
  OPENSSL_cleanse (block, sizeof block);
  return kcv;
}

/**
 * ci_key_store_dup_key_id:
 * @self: a key store
 * @id: which key
 *
 * Names a key without revealing it, for logs and the audit trail. For a key
 * pair: the first 16 hex digits of the SHA-256 of its public key DER. For a
 * master key: its key check value (the first 3 bytes of AES-ECB of a zero
 * block, as 6 hex digits), which needs the store unlocked.
 *
 * Returns: (transfer full) (nullable): the identifier, or %NULL for a master
 *   key of a locked store
 */
char *
ci_key_store_dup_key_id (CiKeyStore *self,
                         CiKeyId     id)
{
  g_autoptr(GBytes) pub = NULL;
  guint8 digest[CI_SHA256_LEN];

  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);
  g_return_val_if_fail (is_key_pair (id) || is_master_key (id), NULL);

  if (is_master_key (id))
    return self->unlocked ? master_key_check_value (self, id) : NULL;
  pub = ci_key_store_get_public_key (self, id);
  if (pub == NULL)
    return NULL;
  ci_sha256 (g_bytes_get_data (pub, NULL), g_bytes_get_size (pub), digest);
  return ci_hex_encode (digest, 8);
}

/**
 * ci_key_store_sign:
 * @self: an unlocked key store
 * @id: %CI_KEY_ISSUER or %CI_KEY_AUDIT
 * @data: (array length=len): the message
 * @len: length of @data
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Signs @data with ECDSA over SHA-256 using the private key @id.
 *
 * Returns: (transfer full): the DER-encoded ECDSA signature, or %NULL on error
 */
GBytes *
ci_key_store_sign (CiKeyStore  *self,
                   CiKeyId      id,
                   const void  *data,
                   gsize        len,
                   GError     **error)
{
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  g_autofree guint8 *sig = NULL;
  size_t sig_len = 0;

  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_key_pair (id))
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           "Only the issuer and audit keys can sign");
      return NULL;
    }
  if (!check_unlocked (self, error))
    return NULL;
  ctx = EVP_MD_CTX_new ();
  if (ctx == NULL
      || EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL,
                                id == CI_KEY_ISSUER ? self->issuer_key : self->audit_key,
                                NULL) != 1
      || EVP_DigestSign (ctx, NULL, &sig_len, data, len) != 1)
    {
      set_openssl_failed (error, "sign");
      return NULL;
    }
  sig = g_malloc (sig_len);
  if (EVP_DigestSign (ctx, sig, &sig_len, data, len) != 1)
    {
      set_openssl_failed (error, "sign");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&sig), sig_len);
}

/* The issuer key for the X.509 builders (ci-issuer-cert.c, ci-deny-list.c),
 * which sign with an EVP_PKEY. Returns a new reference, or NULL with
 * CI_KEYS_ERROR_LOCKED. */
EVP_PKEY *
_ci_key_store_get_issuer_pkey (CiKeyStore  *self,
                               GError     **error)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_unlocked (self, error))
    return NULL;
  if (EVP_PKEY_up_ref (self->issuer_key) != 1)
    {
      set_openssl_failed (error, "use the issuer key");
      return NULL;
    }
  return self->issuer_key;
}

/**
 * ci_keys_verify_signature:
 * @public_key_der: a DER SubjectPublicKeyInfo of an EC P-256 key
 * @data: (array length=len): the message
 * @len: length of @data
 * @signature: a DER-encoded ECDSA signature
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Checks an ECDSA-SHA256 signature made by ci_key_store_sign(). Needs no key
 * store: anyone holding the public key can check.
 *
 * Returns: %TRUE if @signature is valid for @data; otherwise %FALSE with
 *   %CI_KEYS_ERROR_BAD_SIGNATURE (or %CI_KEYS_ERROR_CORRUPT for an unreadable
 *   public key)
 */
gboolean
ci_keys_verify_signature (GBytes      *public_key_der,
                          const void  *data,
                          gsize        len,
                          GBytes      *signature,
                          GError     **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  int rc = 0;

  g_return_val_if_fail (public_key_der != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pkey = public_key_from_der (g_bytes_get_data (public_key_der, NULL),
                              g_bytes_get_size (public_key_der));
  if (pkey == NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           "The public key is not a valid EC P-256 key");
      return FALSE;
    }
  ctx = EVP_MD_CTX_new ();
  if (ctx != NULL && g_bytes_get_size (signature) > 0
      && EVP_DigestVerifyInit_ex (ctx, NULL, "SHA256", NULL, NULL, pkey, NULL) == 1)
    rc = EVP_DigestVerify (ctx, g_bytes_get_data (signature, NULL),
                           g_bytes_get_size (signature), data, len);
  ERR_clear_error ();
  if (rc != 1)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE,
                           "The signature does not match: the data or the signature "
                           "was changed, or it was signed with another key");
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_key_store_diversify:
 * @self: an unlocked key store
 * @master: %CI_KEY_CARD_ADMIN_MASTER or %CI_KEY_CARD_AUTH_MASTER
 * @m: (array length=m_len): card-unique diversification input
 * @m_len: length of @m, 1 to 31 bytes
 * @out: (out caller-allocates): the card's AES-128 key
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Derives a card key from the master key @master with AN10922 (see
 * ci_keys_an10922_aes128()).
 *
 * Returns: %TRUE on success
 */
gboolean
ci_key_store_diversify (CiKeyStore    *self,
                        CiKeyId        master,
                        const guint8  *m,
                        gsize          m_len,
                        guint8         out[16],
                        GError       **error)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (m != NULL || m_len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_master_key (master))
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           "Only the card admin and card auth master keys can derive card keys");
      return FALSE;
    }
  if (!check_unlocked (self, error))
    return FALSE;
  return ci_keys_an10922_aes128 (master == CI_KEY_CARD_ADMIN_MASTER
                                 ? self->admin_master : self->auth_master,
                                 m, m_len, out, error);
}
