/* ci-password.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Operator password hashes: scrypt (memory-hard) through OpenSSL's EVP_KDF, with a
 * random 16-byte salt per hash. Encoded as
 * "$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64>$<hash base64>" so the cost can be
 * raised later without breaking existing hashes. */
char     *ci_password_hash          (const char  *password,
                                     GError     **error);
gboolean  ci_password_verify        (const char  *password,
                                     const char  *encoded,
                                     gboolean    *matches,
                                     GError     **error);

G_END_DECLS
