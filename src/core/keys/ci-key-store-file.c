/* ci-key-store-file.c
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

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store-private.h"
#include "ci-digest.h"
#include "ci-openssl-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define MAGIC "CIKEYS01"
#define MAGIC_LEN 8
#define SALT_LEN CI_KEY_STORE_SALT_LEN
#define NONCE_LEN CI_KEY_STORE_NONCE_LEN
#define CHECK_LEN CI_KEY_STORE_CHECK_LEN
#define TAG_LEN CI_KEY_STORE_TAG_LEN
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

void
_ci_key_store_sealed_clear (CiKeyStoreSealed *s)
{
  g_clear_pointer (&s->issuer_pub, g_bytes_unref);
  g_clear_pointer (&s->audit_pub, g_bytes_unref);
  g_clear_pointer (&s->header, g_bytes_unref);
  g_clear_pointer (&s->ciphertext, g_bytes_unref);
  memset (s, 0, sizeof *s);
}

/* ---- errors ---------------------------------------------------------- */

/* @why: what is wrong, marked with N_() and translated here */
static void
set_corrupt (GError    **error,
             const char *path,
             const char *why)
{
  g_autofree char *name = g_filename_display_name (path);

  ERR_clear_error ();
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
               /* Translators: the first %s is a file name, the second what is wrong
                * with the file, such as “the header is cut short”. */
               _("The key store file %s is damaged (%s): restore it from a backup"),
               name, _(why));
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

/* A DER SubjectPublicKeyInfo of an EC P-256 key, read strictly; NULL if
 * it is anything else. */
EVP_PKEY *
_ci_key_store_public_key_from_der (const guint8 *der,
                                   gsize         len)
{
  if (len == 0 || len > PUBLIC_KEY_MAX)
    return NULL;
  return _ci_p256_from_spki (der, len);
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
  if (pkey == NULL || !_ci_pkey_is_p256 (pkey))
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
    return N_("the secret part has a wrong layout");
  self->issuer_key = private_key_from_der (issuer, issuer_len);
  self->audit_key = private_key_from_der (audit, audit_len);
  if (self->issuer_key == NULL || self->audit_key == NULL)
    return N_("a private key cannot be read");
  issuer_pub =
    _ci_key_store_public_key_from_der (g_bytes_get_data (self->sealed.issuer_pub, NULL),
                                       g_bytes_get_size (self->sealed.issuer_pub));
  audit_pub =
    _ci_key_store_public_key_from_der (g_bytes_get_data (self->sealed.audit_pub, NULL),
                                       g_bytes_get_size (self->sealed.audit_pub));
  if (issuer_pub == NULL || audit_pub == NULL
      || EVP_PKEY_eq (self->issuer_key, issuer_pub) != 1
      || EVP_PKEY_eq (self->audit_key, audit_pub) != 1)
    return N_("a private key does not match its public key");
  return NULL;
}

/* ---- the cleartext header -------------------------------------------- */

static const char *
parse_fixed_header (Reader           *r,
                    CiKeyStoreSealed *s)
{
  const guint8 *b;

  if (!reader_take (r, MAGIC_LEN, &b))
    return N_("the file is too short");
  if (memcmp (b, MAGIC, MAGIC_LEN) != 0)
    return N_("it is not a CardIssue key store, or a version this program does not know");
  if (!reader_take (r, 4, &b))
    return N_("the header is cut short");
  s->ln = b[0];
  s->r = b[1];
  s->p = b[2];
  if (b[3] != 0 || !_ci_scrypt_params_ok (s->ln, s->r, s->p))
    return N_("the passphrase parameters are out of range");
  if (!reader_take (r, SALT_LEN, &b))
    return N_("the header is cut short");
  memcpy (s->salt, b, SALT_LEN);
  if (!reader_take (r, NONCE_LEN, &b))
    return N_("the header is cut short");
  memcpy (s->nonce, b, NONCE_LEN);
  if (!reader_take (r, CHECK_LEN, &b))
    return N_("the header is cut short");
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
    return N_("a public key is cut short or has a wrong length");
  pkey = _ci_key_store_public_key_from_der (der, len);
  if (pkey == NULL)
    return N_("a public key is not a valid EC P-256 key");
  *out = g_bytes_new (der, len);
  return NULL;
}

static const char *
parse_file (const guint8     *data,
            gsize             len,
            CiKeyStoreSealed *s)
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
    return N_("the header is cut short");
  if (ct_len == 0 || ct_len > CIPHERTEXT_MAX)
    return N_("the secret part has a wrong length");
  s->header = g_bytes_new (data, len - r.left);
  if (!reader_take (&r, ct_len, &ct) || !reader_take (&r, TAG_LEN, &tag))
    return N_("the secret part is cut short");
  if (r.left != 0)
    return N_("there is unexpected data at the end");
  s->ciphertext = g_bytes_new (ct, ct_len);
  memcpy (s->tag, tag, TAG_LEN);
  return NULL;
}

static GBytes *
build_header (const CiKeyStoreSealed *s,
              gsize                   ct_len)
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
derive_key (const char              *passphrase,
            const CiKeyStoreSealed  *s,
            guint8                   key[GCM_KEY_LEN],
            guint8                   check[CHECK_LEN],
            GError                 **error)
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
gcm_begin (gboolean                encrypt,
           const guint8            key[GCM_KEY_LEN],
           const CiKeyStoreSealed *s,
           GBytes                 *aad)
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
gcm_seal (const guint8     key[GCM_KEY_LEN],
          CiKeyStoreSealed *s,
          const guint8     *plaintext,
          gsize             len,
          guint8           *ciphertext)
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
gcm_open (const guint8            key[GCM_KEY_LEN],
          const CiKeyStoreSealed *s,
          guint8                 *plaintext)
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
prepare_sealed (CiKeyStore        *self,
                const char        *passphrase,
                CiKeyStoreSealed  *s,
                guint8             key[GCM_KEY_LEN],
                GError           **error)
{
  s->ln = STORE_LN;
  s->r = STORE_R;
  s->p = STORE_P;
  s->issuer_pub = public_key_to_der (self->issuer_key);
  s->audit_pub = public_key_to_der (self->audit_key);
  if (s->issuer_pub == NULL || s->audit_pub == NULL)
    return _ci_openssl_failed (error, _("OpenSSL could not encode a public key"));
  return ci_random_bytes (s->salt, SALT_LEN, error)
         && ci_random_bytes (s->nonce, NONCE_LEN, error)
         && derive_key (passphrase, s, key, s->check, error);
}

/* Encrypts the secret part under @key; returns the whole file. */
static GBytes *
seal_secrets (CiKeyStore        *self,
              CiKeyStoreSealed  *s,
              const guint8       key[GCM_KEY_LEN],
              GError           **error)
{
  g_autoptr(GByteArray) out = NULL;
  gsize pt_len = 0, header_len;
  guint8 *plaintext = secrets_to_plaintext (self, &pt_len);
  guint8 *ciphertext;
  gboolean ok;

  if (plaintext == NULL)
    {
      _ci_openssl_failed (error, _("OpenSSL could not encode a private key"));
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
      _ci_openssl_failed (error, _("OpenSSL could not encrypt the key store"));
      return NULL;
    }
  s->ciphertext = g_bytes_new (ciphertext, pt_len);
  g_byte_array_append (out, s->tag, TAG_LEN);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GBytes *
seal_to_file_bytes (CiKeyStore        *self,
                    const char        *passphrase,
                    CiKeyStoreSealed  *s,
                    GError           **error)
{
  guint8 key[GCM_KEY_LEN];
  GBytes *contents = NULL;

  if (prepare_sealed (self, passphrase, s, key, error))
    contents = seal_secrets (self, s, key, error);
  OPENSSL_cleanse (key, sizeof key);
  return contents;
}

gboolean
_ci_key_store_exists_error (GError     **error,
                            const char  *path)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS,
               _("A key store already exists at %s: open it, or choose another file"), name);
  return FALSE;
}

static gboolean
write_failed (GError     **error,
              const char  *path,
              int          saved_errno)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               /* Translators: a file name, then the system's reason. */
               _("Could not write the key store: %s: %s"), name, g_strerror (saved_errno));
  return FALSE;
}

/* Puts a new key store at @path only if nothing is there: written and
 * synced under a temporary name, then hard-linked into place, which fails
 * if @path appeared meanwhile. Two desks setting up at once can't overwrite
 * each other's keys. */
static gboolean
install_new_file (const char  *path,
                  GBytes      *contents,
                  GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".new-XXXXXX", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  gsize len;
  const guint8 *data = g_bytes_get_data (contents, &len);
  int fd, saved_errno = 0;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return write_failed (error, path, errno);
  for (gsize done = 0; done < len && saved_errno == 0;)
    {
      gssize n = write (fd, data + done, len - done);

      if (n > 0)
        done += n;
      else if (n < 0 && errno != EINTR)
        saved_errno = errno;
    }
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  if (saved_errno == 0 && link (tmp, path) != 0)
    saved_errno = errno;
  g_unlink (tmp);
  if (saved_errno == EEXIST)
    return _ci_key_store_exists_error (error, path);
  if (saved_errno != 0)
    return write_failed (error, path, saved_errno);
  /* The new name lasts only once its folder is on disk too. */
  if ((fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return TRUE;
}

/* Encrypts the secrets of @self (which must be unlocked) under @passphrase
 * with a fresh salt and nonce, and writes the file: a new one only where
 * none is (@create), else replacing the old one atomically. @self is only
 * changed once the file is written. */
gboolean
_ci_key_store_seal_and_write (CiKeyStore  *self,
                              const char  *passphrase,
                              gboolean     create,
                              GError     **error)
{
  g_auto(CiKeyStoreSealed) s = { 0 };
  g_autoptr(GBytes) contents = seal_to_file_bytes (self, passphrase, &s, error);
  g_autoptr(GError) local_error = NULL;

  if (contents == NULL)
    return FALSE;
  if (create)
    {
      if (!install_new_file (self->path, contents, error))
        return FALSE;
    }
  else if (!g_file_set_contents_full (self->path, g_bytes_get_data (contents, NULL),
                                      g_bytes_get_size (contents),
                                      G_FILE_SET_CONTENTS_CONSISTENT
                                      | G_FILE_SET_CONTENTS_DURABLE,
                                      0600, &local_error))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("Could not write the key store: %s"), local_error->message);
      return FALSE;
    }
  _ci_key_store_sealed_clear (&self->sealed);
  self->sealed = s;
  memset (&s, 0, sizeof s);
  return TRUE;
}

/* ---- reading and unsealing ------------------------------------------- */

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
                       _("There is no key store at %s"), name);
          return FALSE;
        }
      /* other failures are reported by g_file_get_contents() below */
    }
  else if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("%s is not a key store file: choose a regular file"), name);
      return FALSE;
    }
  else if (st.st_size > FILE_MAX)
    {
      set_corrupt (error, path, N_("the file is far too large"));
      return FALSE;
    }
  if (!g_file_get_contents (path, contents, len, &local_error))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("Could not read the key store: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Reads and parses the file of @self into its cleartext header and sealed
 * secret part, without decrypting anything. */
gboolean
_ci_key_store_read_file (CiKeyStore  *self,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *why;

  if (!read_store_file (self->path, &contents, &len, error))
    return FALSE;
  if (len > FILE_MAX)
    {
      set_corrupt (error, self->path, N_("the file is far too large"));
      return FALSE;
    }
  why = parse_file ((const guint8 *) contents, len, &self->sealed);
  if (why != NULL)
    {
      set_corrupt (error, self->path, why);
      return FALSE;
    }
  return TRUE;
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
    why = N_("its contents do not match their checksum, it may have been tampered with");
  else
    why = secrets_from_plaintext (self, plaintext, len);
  OPENSSL_clear_free (plaintext, len);
  if (why != NULL)
    {
      _ci_key_store_forget_secrets (self);
      set_corrupt (error, self->path, why);
      return FALSE;
    }
  return TRUE;
}

/* Checks @passphrase against the header and decrypts the secret part into
 * @self. On error, %CI_KEYS_ERROR_WRONG_PASSPHRASE or another, @self holds
 * no secrets. */
gboolean
_ci_key_store_unseal (CiKeyStore  *self,
                      const char  *passphrase,
                      GError     **error)
{
  guint8 key[GCM_KEY_LEN], check[CHECK_LEN];
  gboolean ok;

  if (!derive_key (passphrase, &self->sealed, key, check, error))
    return FALSE;
  if (!ci_memequal_secure (check, self->sealed.check, CHECK_LEN))
    {
      OPENSSL_cleanse (key, sizeof key);
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE,
                           _("Wrong passphrase for the key store"));
      return FALSE;
    }
  ok = decrypt_secrets (self, key, error);
  OPENSSL_cleanse (key, sizeof key);
  return ok;
}
