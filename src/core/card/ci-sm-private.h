/* ci-sm-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by ci-sm-crypto.c (primitives), ci-sm.c (the channel) and
 * ci-sm-auth.c (mutual authentication), and used by the tests.
 */

#pragma once

#include "card/ci-sm.h"

G_BEGIN_DECLS

#define CI_SM_AES_BLOCK 16
#define CI_SM_MAX_BLOCK 16

#define CI_SM_CIPHER_IS_VALID(c) ((c) == CI_SM_CIPHER_3DES || (c) == CI_SM_CIPHER_AES128)

/* A byte array that is wiped before it is freed, for anything that holds
 * plaintext or key material. Created with its final capacity, so that it
 * never reallocates (which would leave an unwiped copy behind). */
typedef GByteArray CiSmSecret;

CiSmSecret   *_ci_sm_secret_new  (gsize         capacity);
void          _ci_sm_secret_free (CiSmSecret   *buf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiSmSecret, _ci_sm_secret_free)

/* Sets a CI_CARD_ERROR_SECURE_MESSAGING error; returns FALSE. */
gboolean      _ci_sm_fail        (GError      **error,
                                  const char   *message);

/* The full 16-byte AES-CMAC (NIST SP 800-38B, RFC 4493) of @in as given, with
 * no padding of ours: ci_sm_mac() pads first and keeps 8 bytes of this. */
gboolean      _ci_sm_aes_cmac    (const guint8  key[CI_SM_KEY_LEN],
                                  const guint8 *in,
                                  gsize         len,
                                  guint8        out[CI_SM_AES_BLOCK],
                                  GError      **error);

/* A channel's AES keys, keyed into OpenSSL's contexts once (ci-sm-crypto.c). */
typedef struct _CiSmAesKeys CiSmAesKeys;

CiSmAesKeys  *_ci_sm_aes_keys_new  (const guint8  kenc[CI_SM_KEY_LEN],
                                    const guint8  kmac[CI_SM_KEY_LEN]);
void          _ci_sm_aes_keys_free (CiSmAesKeys  *keys);
gboolean      _ci_sm_aes_keys_cbc  (CiSmAesKeys  *keys,
                                    const guint8 *iv,
                                    const guint8 *in,
                                    gsize         len,
                                    guint8       *out,
                                    gboolean      decrypt,
                                    GError      **error);
gboolean      _ci_sm_aes_keys_mac  (CiSmAesKeys  *keys,
                                    const guint8 *in,
                                    gsize         len,
                                    guint8        out[CI_SM_MAC_LEN],
                                    GError      **error);

/* The current send sequence counter, for tests; @len gets 8 or 16. */
const guint8 *_ci_sm_get_ssc     (CiSm         *self,
                                  gsize        *len);

G_END_DECLS
