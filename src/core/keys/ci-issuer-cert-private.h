/* ci-issuer-cert-private.h — helpers shared by the X.509 code of the key area
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-issuer-cert.h"

#include <openssl/types.h>

G_BEGIN_DECLS

gboolean  _ci_x509_is_pem             (GBytes      *data);
X509     *_ci_issuer_certificate_load (GBytes      *cert,
                                       GError     **error);
GBytes   *_ci_x509_sign_crl           (CiKeyStore  *store,
                                       X509_CRL    *crl,
                                       GError     **error);

G_END_DECLS
