/* ci-key-store.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CiKeyStore object and its API. The file it reads and writes, and how
 * the secret part is sealed, are in ci-key-store-file.c; keys held in a
 * PKCS#11 token instead, in ci-key-store-pkcs11.c.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store-pkcs11-private.h"
#include "ci-digest.h"
#include "ci-openssl-private.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

G_DEFINE_FINAL_TYPE (CiKeyStore, ci_key_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_UNLOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (ci-keys-error-quark, ci_keys_error)

void
_ci_key_store_forget_secrets (CiKeyStore *self)
{
  if (self->token != NULL)
    _ci_key_store_token_lock (self->token);
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

  _ci_key_store_forget_secrets (self);
  _ci_key_store_sealed_clear (&self->sealed);
  g_clear_pointer (&self->token, _ci_key_store_token_free);
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

/* Also for the X.509 builders, which fail early on a locked store. */
gboolean
_ci_key_store_check_unlocked (CiKeyStore  *self,
                              GError     **error)
{
  if (self->unlocked)
    return TRUE;
  if (self->token != NULL)
    g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED,
                         _("The key store is locked: unlock it with the token's PIN"));
  else
    g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED,
                         _("The key store is locked: unlock it with the administrator's "
                           "passphrase"));
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
               _("The passphrase is too short: use at least %d characters"),
               CI_PASSPHRASE_MIN_CHARS);
  return FALSE;
}

/* ---- keys ------------------------------------------------------------ */

static gboolean
generate_secrets (CiKeyStore  *self,
                  GError     **error)
{
  self->issuer_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  self->audit_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (self->issuer_key == NULL || self->audit_key == NULL)
    return _ci_openssl_failed (error, _("OpenSSL could not generate an EC P-256 key pair"));
  return ci_random_bytes (self->admin_master, sizeof self->admin_master, error)
         && ci_random_bytes (self->auth_master, sizeof self->auth_master, error);
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

  /* Before the slow part; writing checks again, atomically. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      _ci_key_store_exists_error (error, path);
      return NULL;
    }
  if (!check_passphrase_strength (passphrase, error))
    return NULL;
  self = g_object_new (CI_TYPE_KEY_STORE, NULL);
  self->path = g_strdup (path);
  if (!generate_secrets (self, error))
    return NULL;
  self->unlocked = TRUE;
  if (!_ci_key_store_seal_and_write (self, passphrase, TRUE, error))
    return NULL;
  self->created = TRUE;
  return g_steal_pointer (&self);
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

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CI_TYPE_KEY_STORE, NULL);
  self->path = g_strdup (path);
  if (!_ci_key_store_read_file (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * ci_key_store_unlock:
 * @self: a key store
 * @passphrase: the administrator's passphrase, or the token's user PIN
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Decrypts the secret keys and keeps them in memory until
 * ci_key_store_lock() or the store is finalized. For a store in a token,
 * logs in to the token instead: the keys stay there. Unlocking an unlocked
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
  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (self->token != NULL || self->sealed.header != NULL, FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ci_key_store_lock (self);
  if (self->token != NULL ? !_ci_key_store_token_unlock (self->token, passphrase, error)
                          : !_ci_key_store_unseal (self, passphrase, error))
    return FALSE;
  set_unlocked (self, TRUE);
  return TRUE;
}

/**
 * ci_key_store_lock:
 * @self: a key store
 *
 * Wipes the secret keys from memory, or logs out of the token. The public
 * keys stay available.
 */
void
ci_key_store_lock (CiKeyStore *self)
{
  gboolean was_unlocked;

  g_return_if_fail (CI_IS_KEY_STORE (self));

  was_unlocked = self->unlocked;
  _ci_key_store_forget_secrets (self);
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
 * Returns: (transfer none): the file of @self, or the `pkcs11:` location of
 *   its token
 */
const char *
ci_key_store_get_path (CiKeyStore *self)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);

  return self->path;
}

/**
 * ci_key_store_discard_new:
 * @self: a store made by ci_key_store_create() or
 *   ci_key_store_create_pkcs11() in this process
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Undoes the creation of @self, for a setup that could not finish and will
 * be tried again: deletes the file, or the CardIssue keys in the token. A
 * store that was opened rather than created is never discarded. @self is
 * locked and of no further use.
 *
 * Returns: %TRUE if the keys are gone
 */
gboolean
ci_key_store_discard_new (CiKeyStore  *self,
                          GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->created)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("Only a key store made just now can be discarded"));
      return FALSE;
    }
  if (self->token != NULL)
    ok = _ci_key_store_destroy_token_keys (self, error);
  else if (!(ok = g_unlink (self->path) == 0 || errno == ENOENT))
    g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED, "%s: %s", self->path,
                 g_strerror (errno));
  self->created = FALSE;
  ci_key_store_lock (self);
  return ok;
}

/**
 * ci_key_store_is_pkcs11:
 * @self: a key store
 *
 * Returns: %TRUE if the keys of @self are in a PKCS#11 token
 */
gboolean
ci_key_store_is_pkcs11 (CiKeyStore *self)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), FALSE);

  return self->token != NULL;
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
 * opens the new file. A token's PIN is changed with the token's own tools.
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

  if (self->token != NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("The keys are in a token, which has a PIN, not a passphrase: "
                             "change the PIN with the token's own tools"));
      return FALSE;
    }
  return _ci_key_store_check_unlocked (self, error)
         && check_passphrase_strength (new_passphrase, error)
         && _ci_key_store_seal_and_write (self, new_passphrase, FALSE, error);
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

  if (self->token != NULL)
    return _ci_key_store_token_public_key (self->token, id);
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

  if (is_master_key (id) && self->token != NULL)
    return self->unlocked ? _ci_key_store_token_check_value (self->token, id) : NULL;
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
                           _("Only the issuer and audit keys can sign"));
      return NULL;
    }
  if (!_ci_key_store_check_unlocked (self, error))
    return NULL;
  if (self->token != NULL)
    return _ci_key_store_token_sign (self->token, id, data, len, error);
  ctx = EVP_MD_CTX_new ();
  if (ctx == NULL
      || EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL,
                                id == CI_KEY_ISSUER ? self->issuer_key : self->audit_key,
                                NULL) != 1
      || EVP_DigestSign (ctx, NULL, &sig_len, data, len) != 1)
    {
      _ci_openssl_failed (error, _("OpenSSL could not sign"));
      return NULL;
    }
  sig = g_malloc (sig_len);
  if (EVP_DigestSign (ctx, sig, &sig_len, data, len) != 1)
    {
      _ci_openssl_failed (error, _("OpenSSL could not sign"));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&sig), sig_len);
}

/* The issuer private key of a file store, for tools that sign with an
 * EVP_PKEY (the deny list fuzzer). Returns a new reference, or NULL with
 * CI_KEYS_ERROR_LOCKED, or CI_KEYS_ERROR_FAILED for a token, which never
 * hands its keys out. */
EVP_PKEY *
_ci_key_store_get_issuer_pkey (CiKeyStore  *self,
                               GError     **error)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ci_key_store_check_unlocked (self, error))
    return NULL;
  if (self->token != NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("The issuer key is inside a token and never leaves it"));
      return NULL;
    }
  if (EVP_PKEY_up_ref (self->issuer_key) != 1)
    {
      _ci_openssl_failed (error, _("OpenSSL could not use the issuer key"));
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

  pkey = _ci_key_store_public_key_from_der (g_bytes_get_data (public_key_der, NULL),
                                            g_bytes_get_size (public_key_der));
  if (pkey == NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           _("The public key is not a valid EC P-256 key"));
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
                           _("The signature does not match: the data or the signature "
                             "was changed, or it was signed with another key"));
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
 * ci_keys_an10922_aes128()); for a store in a token, inside the token.
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
                           _("Only the card admin and card auth master keys can derive card keys"));
      return FALSE;
    }
  if (!_ci_key_store_check_unlocked (self, error))
    return FALSE;
  if (self->token != NULL)
    return _ci_key_store_token_diversify (self->token, master, m, m_len, out, error);
  return ci_keys_an10922_aes128 (master == CI_KEY_CARD_ADMIN_MASTER
                                 ? self->admin_master : self->auth_master,
                                 m, m_len, out, error);
}
