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

EVP_PKEY *_ci_key_store_get_issuer_pkey (CiKeyStore  *self,
                                         GError     **error);

G_END_DECLS
