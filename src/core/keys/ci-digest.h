/* ci-digest.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CI_SHA256_LEN 32

typedef struct _CiSha256 CiSha256;

/* One-shot and incremental SHA-256 over OpenSSL EVP; the incremental form keeps
 * one fetched EVP_MD and one EVP_MD_CTX so that hashing a million audit entries
 * does not fetch the algorithm a million times. */
void      ci_sha256            (const void *data,
                                gsize       len,
                                guint8      out[CI_SHA256_LEN]);
CiSha256 *ci_sha256_new        (void);
void      ci_sha256_free       (CiSha256   *self);
void      ci_sha256_reset      (CiSha256   *self);
void      ci_sha256_update     (CiSha256   *self,
                                const void *data,
                                gsize       len);
void      ci_sha256_finish     (CiSha256   *self,
                                guint8      out[CI_SHA256_LEN]);

gboolean  ci_random_bytes      (guint8     *buf,
                                gsize       len,
                                GError    **error);
gboolean  ci_memequal_secure   (const void *a,
                                const void *b,
                                gsize       len);
char     *ci_hex_encode        (const guint8 *data,
                                gsize         len);
gboolean  ci_hex_decode        (const char   *hex,
                                guint8       *out,
                                gsize         out_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiSha256, ci_sha256_free)

G_END_DECLS
