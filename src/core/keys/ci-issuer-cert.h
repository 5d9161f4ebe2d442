/* ci-issuer-cert.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-key-store.h"

G_BEGIN_DECLS

GBytes   *ci_key_store_issuer_certificate (CiKeyStore  *store,
                                           const char  *organisation,
                                           GError     **error);
gboolean  ci_issuer_certificate_check     (GBytes      *cert_der,
                                           GBytes     **public_key_der,
                                           GError     **error);

G_END_DECLS
