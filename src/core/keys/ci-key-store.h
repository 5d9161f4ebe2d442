/* ci-key-store.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CI_KEYS_ERROR (ci_keys_error_quark ())

typedef enum
{
  CI_KEYS_ERROR_FAILED,
  CI_KEYS_ERROR_WRONG_PASSPHRASE,
  CI_KEYS_ERROR_CORRUPT,
  CI_KEYS_ERROR_LOCKED,
  CI_KEYS_ERROR_EXISTS,
  CI_KEYS_ERROR_NOT_FOUND,
  CI_KEYS_ERROR_BAD_SIGNATURE,
  CI_KEYS_ERROR_WEAK_PASSPHRASE,
} CiKeysError;

/**
 * CiKeyId:
 * @CI_KEY_ISSUER: the issuer's EC P-256 signing key pair (signs card data and deny lists)
 * @CI_KEY_AUDIT: the desk's EC P-256 audit key pair (signs audit checkpoints)
 * @CI_KEY_CARD_ADMIN_MASTER: AES-128 master key for per-card admin keys (AN10922)
 * @CI_KEY_CARD_AUTH_MASTER: AES-128 master key for per-card secure-messaging keys (AN10922)
 */
typedef enum
{
  CI_KEY_ISSUER,
  CI_KEY_AUDIT,
  CI_KEY_CARD_ADMIN_MASTER,
  CI_KEY_CARD_AUTH_MASTER,
} CiKeyId;

#define CI_PASSPHRASE_MIN_CHARS 12

#define CI_TYPE_KEY_STORE (ci_key_store_get_type ())

G_DECLARE_FINAL_TYPE (CiKeyStore, ci_key_store, CI, KEY_STORE, GObject)

GQuark      ci_keys_error_quark           (void);

CiKeyStore *ci_key_store_create           (const char    *path,
                                           const char    *passphrase,
                                           GError       **error);
CiKeyStore *ci_key_store_open             (const char    *path,
                                           GError       **error);
gboolean    ci_key_store_unlock           (CiKeyStore    *self,
                                           const char    *passphrase,
                                           GError       **error);
void        ci_key_store_lock             (CiKeyStore    *self);
gboolean    ci_key_store_is_unlocked      (CiKeyStore    *self);
const char *ci_key_store_get_path         (CiKeyStore    *self);
gboolean    ci_key_store_change_passphrase (CiKeyStore   *self,
                                           const char    *new_passphrase,
                                           GError       **error);
GBytes     *ci_key_store_get_public_key   (CiKeyStore    *self,
                                           CiKeyId        id);
char       *ci_key_store_dup_key_id       (CiKeyStore    *self,
                                           CiKeyId        id);
GBytes     *ci_key_store_sign             (CiKeyStore    *self,
                                           CiKeyId        id,
                                           const void    *data,
                                           gsize          len,
                                           GError       **error);
gboolean    ci_key_store_diversify        (CiKeyStore    *self,
                                           CiKeyId        master,
                                           const guint8  *m,
                                           gsize          m_len,
                                           guint8         out[16],
                                           GError       **error);

/* A key store in a PKCS#11 token (ci-key-store-pkcs11.c). */
CiKeyStore *ci_key_store_open_pkcs11      (const char    *module,
                                           const char    *token_label,
                                           GError       **error);
CiKeyStore *ci_key_store_create_pkcs11    (const char    *module,
                                           const char    *token_label,
                                           const char    *pin,
                                           GError       **error);
CiKeyStore *ci_key_store_migrate_to_pkcs11 (CiKeyStore   *file_store,
                                           const char    *module,
                                           const char    *token_label,
                                           const char    *pin,
                                           char         **moved_to,
                                           GError       **error);
gboolean    ci_key_store_is_pkcs11        (CiKeyStore    *self);
gboolean    ci_key_store_discard_new      (CiKeyStore    *self,
                                           GError       **error);

/* Where a key store is: a file, or pkcs11:token=LABEL?module-path=PATH. */
gboolean    ci_key_store_location_is_pkcs11 (const char  *location);
gboolean    ci_key_store_parse_pkcs11_uri (const char    *uri,
                                           char         **module,
                                           char         **token_label,
                                           GError       **error);
char       *ci_key_store_pkcs11_uri       (const char    *module,
                                           const char    *token_label);
CiKeyStore *ci_key_store_open_location    (const char    *location,
                                           GError       **error);
CiKeyStore *ci_key_store_create_location  (const char    *location,
                                           const char    *secret,
                                           GError       **error);

gboolean    ci_keys_verify_signature      (GBytes        *public_key_der,
                                           const void    *data,
                                           gsize          len,
                                           GBytes        *signature,
                                           GError       **error);
gboolean    ci_keys_an10922_aes128        (const guint8   key[16],
                                           const guint8  *m,
                                           gsize          m_len,
                                           guint8         out[16],
                                           GError       **error);

G_END_DECLS
