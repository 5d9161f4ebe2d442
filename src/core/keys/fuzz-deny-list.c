/* fuzz-deny-list.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: any bytes handed to ci_deny_list_load() as the deny list
 * must give a list or an error, never a crash or an over-read. The signature
 * check stops nearly every input early, so an input that parses as a CRL is
 * also given the issuer's name and re-signed with the issuer key: the code
 * past the signature check then sees fuzzed contents too.
 */

#include "keys/ci-deny-list.h"
#include "keys/ci-issuer-cert.h"
#include "keys/ci-key-store-private.h"
#include "keys/ci-openssl-private.h"

#include <glib/gstdio.h>
#include <openssl/err.h>

int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);
int LLVMFuzzerTestOneInput (const guint8  *data,
                            size_t         size);

static CiKeyStore *store;
static GBytes *cert_der;
static X509 *cert;
static EVP_PKEY *issuer_key;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fuzz-deny-list-XXXXXX", &error);
  g_autofree char *path = NULL;
  const unsigned char *p;

  g_assert_no_error (error);
  path = g_build_filename (dir, "issuer.cikeys", NULL);
  store = ci_key_store_create (path, "fuzzing passphrase", &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  cert_der = ci_key_store_issuer_certificate (store, "Fuzz", &error);
  g_assert_no_error (error);
  issuer_key = _ci_key_store_get_issuer_pkey (store, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (cert_der, NULL);
  cert = d2i_X509 (NULL, &p, (long) g_bytes_get_size (cert_der));
  g_assert_nonnull (cert);
  return 0;
}

static GBytes *
resign (const guint8 *data,
        size_t        size)
{
  const unsigned char *p = data;
  g_autoptr(X509_CRL) crl = d2i_X509_CRL (NULL, &p, (long) size);
  unsigned char *der = NULL;
  int len = 0;
  GBytes *out = NULL;

  if (crl != NULL && X509_CRL_set_issuer_name (crl, X509_get_subject_name (cert)) == 1
      && X509_CRL_sign (crl, issuer_key, EVP_sha256 ()) > 0)
    len = i2d_X509_CRL (crl, &der);
  if (len > 0)
    out = g_bytes_new (der, len);
  OPENSSL_free (der);
  ERR_clear_error ();
  return out;
}

static void
load (GBytes *crl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiDenyList) list = ci_deny_list_load (crl, cert_der, &error);

  g_assert ((list == NULL) == (error != NULL));
  if (list == NULL)
    {
      g_assert (error->domain == CI_KEYS_ERROR);
      return;
    }
  (void) ci_deny_list_contains (list, "0000001234");
  (void) ci_deny_list_get_number (list);
  (void) ci_deny_list_is_stale (list, g_get_real_time ());
  g_assert (ci_deny_list_get_n_entries (list) <= 1000000);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GBytes) resigned = resign (data, size);

  load (input);
  if (resigned != NULL)
    load (resigned);
  return 0;
}
