/* ci-key-store-pkcs11-private.h — the key store's keys in a PKCS#11 token
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-key-store-private.h"
#include "ci-pkcs11-private.h"

G_BEGIN_DECLS

/* The CKA_LABEL (and CKA_ID) of each key's objects in the token. */
const char *_ci_key_store_token_label       (CiKeyId            id);

void        _ci_key_store_token_free        (CiKeyStoreToken   *token);
CiP11Token *_ci_key_store_token_get_p11     (CiKeyStoreToken   *token);
gboolean    _ci_key_store_token_unlock      (CiKeyStoreToken   *token,
                                             const char        *pin,
                                             GError           **error);
void        _ci_key_store_token_lock        (CiKeyStoreToken   *token);
GBytes     *_ci_key_store_token_public_key  (CiKeyStoreToken   *token,
                                             CiKeyId            id);
GBytes     *_ci_key_store_token_sign        (CiKeyStoreToken   *token,
                                             CiKeyId            id,
                                             const void        *data,
                                             gsize              len,
                                             GError           **error);
gboolean    _ci_key_store_token_diversify   (CiKeyStoreToken   *token,
                                             CiKeyId            master,
                                             const guint8      *m,
                                             gsize              m_len,
                                             guint8             out[16],
                                             GError           **error);
char       *_ci_key_store_token_check_value (CiKeyStoreToken   *token,
                                             CiKeyId            master);
gboolean    _ci_key_store_destroy_token_keys (CiKeyStore       *self,
                                              GError          **error);

/* AN10922 with the AES-128 key @key of @p11: the CMAC subkeys from one
 * AES-ECB block, the key from one AES-CMAC, both in the token. */
gboolean    _ci_p11_an10922                 (CiP11Token        *p11,
                                             CK_OBJECT_HANDLE   key,
                                             const guint8      *m,
                                             gsize              m_len,
                                             guint8             out[16],
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiKeyStoreToken, _ci_key_store_token_free)

G_END_DECLS
