/* ci-key-store-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-key-store.h"

#include <openssl/types.h>

G_BEGIN_DECLS

#define CI_AES128_KEY_LEN 16

/* Limits on scrypt parameters read from untrusted input (a stored password
 * hash, a key store header), so that a damaged or hostile value cannot make us
 * burn minutes of CPU or gigabytes of memory. */
#define CI_SCRYPT_LN_MIN 1
#define CI_SCRYPT_LN_MAX 20
#define CI_SCRYPT_R_MAX 32
#define CI_SCRYPT_P_MAX 16
#define CI_SCRYPT_MAXMEM (G_GUINT64_CONSTANT (256) << 20)
/* 2^ln × r × p: sixteen times the work of ln=15, r=8, p=1 */
#define CI_SCRYPT_MAX_WORK (G_GUINT64_CONSTANT (1) << 22)

gboolean _ci_scrypt_params_ok  (guint64       ln,
                                guint64       r,
                                guint64       p);
gboolean _ci_scrypt_derive     (const char   *password,
                                const guint8 *salt,
                                gsize         salt_len,
                                guint         ln,
                                guint         r,
                                guint         p,
                                guint8       *out,
                                gsize         out_len,
                                GError      **error);

gboolean _ci_aes128_ecb_block  (const guint8  key[CI_AES128_KEY_LEN],
                                const guint8  in[16],
                                guint8        out[16],
                                GError      **error);
gboolean _ci_an10922_input     (const guint8  l[16],
                                const guint8 *m,
                                gsize         m_len,
                                gboolean      for_cmac,
                                guint8        d[32],
                                GError      **error);

/* The sizes of the fixed header fields of the key store file; the whole
 * layout is described in ci-key-store-file.c. */
#define CI_KEY_STORE_SALT_LEN 16
#define CI_KEY_STORE_NONCE_LEN 12
#define CI_KEY_STORE_CHECK_LEN 32
#define CI_KEY_STORE_TAG_LEN 16

/* What the file holds in clear, plus the sealed secret part. */
typedef struct
{
  guint8  ln, r, p;
  guint8  salt[CI_KEY_STORE_SALT_LEN];
  guint8  nonce[CI_KEY_STORE_NONCE_LEN];
  guint8  check[CI_KEY_STORE_CHECK_LEN];
  guint8  tag[CI_KEY_STORE_TAG_LEN];
  GBytes *issuer_pub;
  GBytes *audit_pub;
  GBytes *header;
  GBytes *ciphertext;
} CiKeyStoreSealed;

/* The keys of a store in a PKCS#11 token (ci-key-store-pkcs11.c). */
typedef struct _CiKeyStoreToken CiKeyStoreToken;

struct _CiKeyStore
{
  GObject           parent_instance;

  /* A file, or a pkcs11: location; exactly one of sealed and token is used. */
  char             *path;
  CiKeyStoreSealed  sealed;
  CiKeyStoreToken  *token;

  gboolean          unlocked;
  gboolean          created;      /* made by this process: ci_key_store_discard_new() */
  EVP_PKEY         *issuer_key;
  EVP_PKEY         *audit_key;
  guint8            admin_master[CI_AES128_KEY_LEN];
  guint8            auth_master[CI_AES128_KEY_LEN];
};

EVP_PKEY *_ci_key_store_get_issuer_pkey     (CiKeyStore        *self,
                                             GError           **error);
gboolean  _ci_key_store_check_unlocked      (CiKeyStore        *self,
                                             GError           **error);

/* ci-key-store.c, for ci-key-store-file.c */
void      _ci_key_store_forget_secrets      (CiKeyStore        *self);

/* ci-key-store-file.c, for ci-key-store.c */
void      _ci_key_store_sealed_clear        (CiKeyStoreSealed  *s);
EVP_PKEY *_ci_key_store_public_key_from_der (const guint8      *der,
                                             gsize              len);
gboolean  _ci_key_store_read_file           (CiKeyStore        *self,
                                             GError           **error);
gboolean  _ci_key_store_unseal              (CiKeyStore        *self,
                                             const char        *passphrase,
                                             GError           **error);
gboolean  _ci_key_store_seal_and_write      (CiKeyStore        *self,
                                             const char        *passphrase,
                                             gboolean           create,
                                             GError           **error);
gboolean  _ci_key_store_exists_error        (GError           **error,
                                             const char        *path);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CiKeyStoreSealed, _ci_key_store_sealed_clear)

G_END_DECLS
