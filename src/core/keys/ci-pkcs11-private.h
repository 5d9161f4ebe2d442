/* ci-pkcs11-private.h — one session on one PKCS#11 token, for the key store
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <p11-kit/pkcs11.h>

G_BEGIN_DECLS

/* A token found by its label in a module loaded by path, with one session
 * open on it. PKCS#11 sessions are not for concurrent use: every call below
 * holds the token's lock, so a CiP11Token may be shared between threads.
 * Errors are CI_KEYS_ERROR, through one mapping of CK_RV codes. */
typedef struct _CiP11Token CiP11Token;

CiP11Token       *_ci_p11_token_open        (const char         *module,
                                             const char         *label,
                                             gboolean            read_write,
                                             GError            **error);
void              _ci_p11_token_free        (CiP11Token         *token);
const char       *_ci_p11_token_get_label   (CiP11Token         *token);
const char       *_ci_p11_token_get_module  (CiP11Token         *token);

gboolean          _ci_p11_token_login       (CiP11Token         *token,
                                             const char         *pin,
                                             GError            **error);
void              _ci_p11_token_logout      (CiP11Token         *token);

/* CK_INVALID_HANDLE when there is none, an error only when the search
 * itself failed. Private objects are found only after a login. */
CK_OBJECT_HANDLE  _ci_p11_find              (CiP11Token         *token,
                                             CK_OBJECT_CLASS     klass,
                                             const char         *label,
                                             GError            **error);
/* The raw value of one attribute; NULL, with the token's answer in @rv
 * (CKR_ATTRIBUTE_SENSITIVE for a secret), when it cannot be read. */
GBytes           *_ci_p11_get_attribute     (CiP11Token         *token,
                                             CK_OBJECT_HANDLE    object,
                                             CK_ATTRIBUTE_TYPE   type,
                                             CK_RV              *rv);
gboolean          _ci_p11_get_bool          (CiP11Token         *token,
                                             CK_OBJECT_HANDLE    object,
                                             CK_ATTRIBUTE_TYPE   type,
                                             gboolean           *value);

gboolean          _ci_p11_create            (CiP11Token         *token,
                                             CK_ATTRIBUTE       *attrs,
                                             CK_ULONG            n_attrs,
                                             CK_OBJECT_HANDLE   *object,
                                             GError            **error);
gboolean          _ci_p11_generate_key      (CiP11Token         *token,
                                             CK_MECHANISM_TYPE   mechanism,
                                             CK_ATTRIBUTE       *attrs,
                                             CK_ULONG            n_attrs,
                                             GError            **error);
gboolean          _ci_p11_generate_key_pair (CiP11Token         *token,
                                             CK_MECHANISM_TYPE   mechanism,
                                             CK_ATTRIBUTE       *public_attrs,
                                             CK_ULONG            n_public,
                                             CK_ATTRIBUTE       *private_attrs,
                                             CK_ULONG            n_private,
                                             GError            **error);
gboolean          _ci_p11_destroy           (CiP11Token         *token,
                                             CK_OBJECT_HANDLE    object,
                                             GError            **error);

/* One-part C_Sign / C_Encrypt with a mechanism that takes no parameter;
 * @out holds @out_len bytes and the result must fill it exactly. */
gboolean          _ci_p11_sign              (CiP11Token         *token,
                                             CK_MECHANISM_TYPE   mechanism,
                                             CK_OBJECT_HANDLE    key,
                                             const guint8       *data,
                                             gsize               len,
                                             guint8             *out,
                                             gsize               out_len,
                                             GError            **error);
gboolean          _ci_p11_encrypt           (CiP11Token         *token,
                                             CK_MECHANISM_TYPE   mechanism,
                                             CK_OBJECT_HANDLE    key,
                                             const guint8       *data,
                                             gsize               len,
                                             guint8             *out,
                                             gsize               out_len,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiP11Token, _ci_p11_token_free)

G_END_DECLS
