/* test-deny-list.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "keys/ci-deny-list.h"
#include "keys/ci-issuer-cert.h"
#include "keys/ci-key-store-private.h"
#include "keys/ci-openssl-private.h"
#include "model/ci-card.h"

#include <string.h>

#include <glib/gstdio.h>
#include <openssl/x509v3.h>

#define PASSPHRASE "correct horse battery staple"
#define ORGANISATION "Acme Works"
#define RFC2253_NAME "CN=" ORGANISATION " CardIssue issuer,O=" ORGANISATION
#define ONELINE_NAME "O = " ORGANISATION ", CN = " ORGANISATION " CardIssue issuer"
#define DAY_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
/* 2026-01-01T00:00:00Z */
#define JAN_2026_US (G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC)

/* One store for the whole run: creating one costs a full scrypt, which is
 * slow under valgrind. Tests that need a second store make their own. */
static struct
{
  char       *dir;
  char       *path;
  CiKeyStore *store;
} shared;

/* ---- helpers --------------------------------------------------------- */

static void
write_temp (const char *name,
            GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (shared.dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static GBytes *
read_temp (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (shared.dir, name, NULL);
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Runs the openssl command line tool in the scratch directory; @output gets
 * its stdout and stderr. */
static gboolean
run_openssl (const char * const  *argv,
             char               **output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (shared.dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  *output = g_strconcat (out, err, NULL);
  g_test_message ("%s: %s", argv[1], *output);
  return g_spawn_check_wait_status (status, NULL);
}

/* Writes @cert_der as cert.pem, through openssl, for the -CAfile options */
static void
write_cert_pem (GBytes *cert_der)
{
  g_autofree char *out = NULL;

  write_temp ("cert.der", cert_der);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "x509", "-inform", "DER",
                                                 "-in", "cert.der", "-out", "cert.pem",
                                                 NULL }, &out));
}

static GBytes *
make_cert (CiKeyStore *store,
           const char *organisation)
{
  g_autoptr(GError) error = NULL;
  GBytes *cert = ci_key_store_issuer_certificate (store, organisation, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static GPtrArray *
three_entries (void)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_deny_entry_free);

  /* deliberately out of order */
  g_ptr_array_add (entries, ci_deny_entry_new ("9999999999", JAN_2026_US + 3 * DAY_US,
                                               ci_deny_reason_for_card_state (CI_CARD_STOLEN)));
  g_ptr_array_add (entries, ci_deny_entry_new ("0000001234", JAN_2026_US,
                                               ci_deny_reason_for_card_state (CI_CARD_LOST)));
  g_ptr_array_add (entries, ci_deny_entry_new ("0012345678", JAN_2026_US + DAY_US,
                                               ci_deny_reason_for_card_state (CI_CARD_DAMAGED)));
  return entries;
}

static GBytes *
build (CiKeyStore *store,
       GBytes     *cert,
       GPtrArray  *entries,
       guint64     number,
       gint64      this_update,
       gint64      next_update)
{
  g_autoptr(GError) error = NULL;
  GBytes *crl = ci_deny_list_build (store, cert, entries, number, this_update, next_update,
                                    &error);

  g_assert_no_error (error);
  g_assert_nonnull (crl);
  return crl;
}

static GBytes *
build_three (GBytes *cert)
{
  g_autoptr(GPtrArray) entries = three_entries ();

  return build (shared.store, cert, entries, 42, JAN_2026_US + 10 * DAY_US,
                JAN_2026_US + 17 * DAY_US);
}

static CiDenyList *
load_ok (GBytes *crl,
         GBytes *cert)
{
  g_autoptr(GError) error = NULL;
  CiDenyList *list = ci_deny_list_load (crl, cert, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
assert_refused (GBytes     *crl,
                GBytes     *cert,
                int         code)
{
  g_autoptr(GError) error = NULL;
  CiDenyList *list = ci_deny_list_load (crl, cert, &error);

  g_assert_null (list);
  g_assert_error (error, CI_KEYS_ERROR, code);
  if (code == CI_KEYS_ERROR_BAD_SIGNATURE)
    g_assert_true (g_str_has_prefix (error->message, "The deny list is not signed by this issuer"));
}

/* The hex openssl prints for a positive INTEGER: its magnitude bytes */
static char *
integer_hex (guint64 value)
{
  GString *hex = g_string_new (NULL);
  gboolean started = FALSE;

  for (int shift = 56; shift >= 0; shift -= 8)
    {
      guint8 b = value >> shift;

      started = started || b != 0 || shift == 0;
      if (started)
        g_string_append_printf (hex, "%02X", b);
    }
  return g_string_free (hex, FALSE);
}

/* Re-signs a deny list with the shared store's issuer key after @edit, as a
 * forger holding the key but changing the format might. */
static GBytes *
resign (GBytes   *crl_der,
        gboolean (*edit) (X509_CRL *crl))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = _ci_key_store_get_issuer_pkey (shared.store, &error);
  const unsigned char *p = g_bytes_get_data (crl_der, NULL);
  g_autoptr(X509_CRL) crl = d2i_X509_CRL (NULL, &p, (long) g_bytes_get_size (crl_der));
  unsigned char *der = NULL;
  int len;
  GBytes *out;

  g_assert_no_error (error);
  g_assert_nonnull (crl);
  g_assert_true (edit (crl));
  g_assert_cmpint (X509_CRL_sign (crl, key, EVP_sha256 ()), >, 0);
  len = i2d_X509_CRL (crl, &der);
  g_assert_cmpint (len, >, 0);
  out = g_bytes_new (der, len);
  OPENSSL_free (der);
  return out;
}

/* ---- the certificate ------------------------------------------------- */

static void
test_cert_self_signed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) pub = NULL;
  g_autoptr(GBytes) expected = ci_key_store_get_public_key (shared.store, CI_KEY_ISSUER);
  g_autofree char *out = NULL;

  g_assert_true (ci_issuer_certificate_check (cert, &pub, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (pub, expected));

  write_cert_pem (cert);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "verify", "-CAfile", "cert.pem",
                                                 "cert.pem", NULL }, &out));
  g_assert_nonnull (strstr (out, "cert.pem: OK"));
}

static void
test_cert_fields (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autofree char *key_id = ci_key_store_dup_key_id (shared.store, CI_KEY_ISSUER);
  g_autofree char *serial = g_ascii_strup (key_id, -1);
  g_autofree char *expected_serial = NULL;
  g_autofree char *out = NULL;
  const char *s = serial;

  write_cert_pem (cert);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "x509", "-in", "cert.pem", "-noout",
                                                 "-subject", "-serial", "-text", "-nameopt",
                                                 "RFC2253", NULL }, &out));
  g_assert_nonnull (strstr (out, "subject=" RFC2253_NAME "\n"));
  g_assert_nonnull (strstr (out, "Issuer: " RFC2253_NAME "\n"));
  /* the key id as an INTEGER: leading zero bytes are not printed */
  while (g_str_has_prefix (s, "00") && strlen (s) > 2)
    s += 2;
  expected_serial = g_strdup_printf ("serial=%s\n", s);
  g_assert_nonnull (strstr (out, expected_serial));
  g_assert_nonnull (strstr (out, "Version: 3 (0x2)"));
  g_assert_nonnull (strstr (out, "Signature Algorithm: ecdsa-with-SHA256"));
  g_assert_nonnull (strstr (out, "NIST CURVE: P-256"));
  g_assert_nonnull (strstr (out, "X509v3 Basic Constraints: critical\n                CA:TRUE"));
  g_assert_nonnull (strstr (out, "X509v3 Key Usage: critical\n                Digital Signature, "
                                 "Certificate Sign, CRL Sign"));
  g_assert_nonnull (strstr (out, "X509v3 Subject Key Identifier"));
}

static void
test_cert_stable (void)
{
  g_autoptr(GBytes) a = make_cert (shared.store, NULL);
  g_autoptr(GBytes) b = make_cert (shared.store, "");
  g_autoptr(GBytes) pub_a = NULL;
  g_autoptr(GBytes) pub_b = NULL;
  g_autofree char *out_a = NULL;
  g_autofree char *out_b = NULL;
  const char * const argv[] = { "openssl", "x509", "-in", "cert.pem", "-noout", "-subject",
                                "-issuer", "-serial", "-nameopt", "RFC2253", NULL };

  g_assert_true (ci_issuer_certificate_check (a, &pub_a, NULL));
  g_assert_true (ci_issuer_certificate_check (b, &pub_b, NULL));
  g_assert_true (g_bytes_equal (pub_a, pub_b));
  write_cert_pem (a);
  g_assert_true (run_openssl (argv, &out_a));
  write_cert_pem (b);
  g_assert_true (run_openssl (argv, &out_b));
  g_assert_cmpstr (out_a, ==, out_b);
  g_assert_nonnull (strstr (out_a, "subject=CN=CardIssue CardIssue issuer,O=CardIssue\n"));
}

static void
test_cert_long_organisation (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *longest = g_strnfill (47, 'x');
  g_autofree char *too_long = g_strnfill (48, 'x');
  g_autoptr(GBytes) ok = make_cert (shared.store, longest);
  g_autoptr(GBytes) cert = ci_key_store_issuer_certificate (shared.store, too_long, &error);

  g_assert_true (ci_issuer_certificate_check (ok, NULL, NULL));
  g_assert_null (cert);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "47 characters"));
}

static void
test_cert_pem_and_tampered (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) pem = NULL;
  gsize len = g_bytes_get_size (cert);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (cert, NULL), len);

  write_cert_pem (cert);
  pem = read_temp ("cert.pem");
  g_assert_true (ci_issuer_certificate_check (pem, NULL, NULL));

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GError) error = NULL;

      copy[i] ^= 0x01;
      bad = g_bytes_new (copy, len);
      g_assert_false (ci_issuer_certificate_check (bad, NULL, &error));
      g_assert_true (g_error_matches (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT)
                     || g_error_matches (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE));
      copy[i] ^= 0x01;
    }
}

/* ---- the deny list --------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autoptr(CiDenyList) list = load_ok (crl, cert);
  gint64 revoked_at = 0;
  int reason = -1;

  g_assert_cmpuint (ci_deny_list_get_n_entries (list), ==, 3);
  g_assert_cmpuint (ci_deny_list_get_number (list), ==, 42);
  g_assert_cmpint (ci_deny_list_get_this_update (list), ==, JAN_2026_US + 10 * DAY_US);
  g_assert_cmpint (ci_deny_list_get_next_update (list), ==, JAN_2026_US + 17 * DAY_US);
  g_assert_true (ci_deny_list_contains (list, "0000001234"));
  g_assert_true (ci_deny_list_contains (list, "0012345678"));
  g_assert_true (ci_deny_list_contains (list, "9999999999"));
  g_assert_false (ci_deny_list_contains (list, "0000001235"));
  g_assert_false (ci_deny_list_contains (list, "0000000000"));
  g_assert_false (ci_deny_list_contains (list, "1234"));
  g_assert_false (ci_deny_list_contains (list, "00000012345"));
  g_assert_false (ci_deny_list_contains (list, "000000123x"));

  g_assert_true (ci_deny_list_lookup (list, "9999999999", &revoked_at, &reason));
  g_assert_cmpint (revoked_at, ==, JAN_2026_US + 3 * DAY_US);
  g_assert_cmpint (reason, ==, CI_DENY_REASON_KEY_COMPROMISE);
  g_assert_true (ci_deny_list_lookup (list, "0000001234", &revoked_at, &reason));
  g_assert_cmpint (revoked_at, ==, JAN_2026_US);
  g_assert_cmpint (reason, ==, CI_DENY_REASON_UNSPECIFIED);
  g_assert_true (ci_deny_list_lookup (list, "0012345678", NULL, &reason));
  g_assert_cmpint (reason, ==, CI_DENY_REASON_SUPERSEDED);
  g_assert_finalize_object (g_steal_pointer (&list));
}

static void
test_pem (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autofree char *out = NULL;
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(GBytes) cert_pem = NULL;
  g_autoptr(CiDenyList) list = NULL;

  write_temp ("x.crl", crl);
  write_cert_pem (cert);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "crl", "-inform", "DER", "-in",
                                                 "x.crl", "-out", "x.pem", NULL }, &out));
  pem = read_temp ("x.pem");
  cert_pem = read_temp ("cert.pem");
  list = load_ok (pem, cert_pem);
  g_assert_cmpuint (ci_deny_list_get_n_entries (list), ==, 3);
}

static void
test_openssl_text (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autofree char *out = NULL;
  g_autofree char *h1 = integer_hex (1234);
  g_autofree char *h2 = integer_hex (12345678);
  g_autofree char *h3 = integer_hex (G_GUINT64_CONSTANT (9999999999));
  g_autofree char *s1 = g_strdup_printf ("Serial Number: %s\n", h1);
  g_autofree char *s2 = g_strdup_printf ("Serial Number: %s\n", h2);
  g_autofree char *s3 = g_strdup_printf ("Serial Number: %s\n", h3);
  const char *p1, *p2, *p3;

  g_assert_cmpstr (h1, ==, "04D2");
  g_assert_cmpstr (h3, ==, "02540BE3FF");
  write_temp ("x.crl", crl);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "crl", "-inform", "DER", "-in",
                                                 "x.crl", "-noout", "-text", NULL }, &out));
  g_assert_nonnull (strstr (out, "Version 2 (0x1)"));
  g_assert_nonnull (strstr (out, "Signature Algorithm: ecdsa-with-SHA256"));
  g_assert_nonnull (strstr (out, "Issuer: " ONELINE_NAME "\n"));
  g_assert_nonnull (strstr (out, "X509v3 CRL Number: \n                42"));
  g_assert_nonnull (strstr (out, "X509v3 Authority Key Identifier"));
  p1 = strstr (out, s1);
  p2 = strstr (out, s2);
  p3 = strstr (out, s3);
  g_assert_nonnull (p1);
  g_assert_nonnull (p2);
  g_assert_nonnull (p3);
  g_assert_true (p1 < p2 && p2 < p3);
  g_assert_nonnull (strstr (p2, "Superseded"));
  g_assert_nonnull (strstr (p3, "Key Compromise"));
  /* a lost card: RFC 5280 leaves out the "unspecified" reason */
  g_assert_true (strstr (p1, "CRL Reason Code") > p2);
}

static void
test_openssl_verify (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autofree char *out = NULL;

  write_temp ("x.crl", crl);
  write_cert_pem (cert);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "crl", "-inform", "DER", "-in",
                                                 "x.crl", "-CAfile", "cert.pem", "-noout",
                                                 NULL }, &out));
  g_assert_nonnull (strstr (out, "verify OK"));
}

static void
test_other_issuer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (shared.dir, "other.cikeys", NULL);
  g_autoptr(CiKeyStore) other = ci_key_store_create (path, PASSPHRASE, &error);
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) other_cert = NULL;
  g_autoptr(GBytes) other_crl = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GPtrArray) entries = three_entries ();

  g_assert_no_error (error);
  /* same organisation, so the names match and only the signature differs */
  other_cert = make_cert (other, ORGANISATION);
  other_crl = build (other, other_cert, entries, 1, JAN_2026_US, JAN_2026_US + DAY_US);
  assert_refused (other_crl, cert, CI_KEYS_ERROR_BAD_SIGNATURE);
  g_assert_finalize_object (load_ok (other_crl, other_cert));

  /* the builder refuses a certificate of another key */
  crl = ci_deny_list_build (shared.store, other_cert, entries, 1, JAN_2026_US,
                            JAN_2026_US + DAY_US, &error);
  g_assert_null (crl);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
}

static gboolean
rename_issuer (X509_CRL *crl)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();

  return X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                     (const unsigned char *) "Someone else", -1, -1, 0) == 1
         && X509_CRL_set_issuer_name (crl, name) == 1;
}

static gboolean
add_delta_indicator (X509_CRL *crl)
{
  g_autoptr(ASN1_INTEGER) base = ASN1_INTEGER_new ();

  return ASN1_INTEGER_set_uint64 (base, 41) == 1
         && X509_CRL_add1_ext_i2d (crl, NID_delta_crl, base, 1, 0) == 1;
}

static void
test_other_name_or_extension (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autoptr(GBytes) renamed = resign (crl, rename_issuer);
  g_autoptr(GBytes) delta = resign (crl, add_delta_indicator);

  assert_refused (renamed, cert, CI_KEYS_ERROR_BAD_SIGNATURE);
  assert_refused (delta, cert, CI_KEYS_ERROR_CORRUPT);
}

static void
test_flipped_byte (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) crl = build_three (cert);
  gsize len = g_bytes_get_size (crl);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (crl, NULL), len);

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GError) error = NULL;
      CiDenyList *list;

      copy[i] ^= 0x01;
      bad = g_bytes_new (copy, len);
      list = ci_deny_list_load (bad, cert, &error);
      g_assert_null (list);
      g_assert_true (g_error_matches (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT)
                     || g_error_matches (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE));
      copy[i] ^= 0x01;
    }
  /* a byte in the signed serial of an entry gives the signature message */
  {
    const guint8 *data = g_bytes_get_data (crl, NULL);
    static const guint8 serial[] = { 0x02, 0x02, 0x04, 0xD2 };   /* INTEGER 1234 */
    g_autoptr(GBytes) bad = NULL;

    for (gsize i = 0; i + sizeof serial <= len; i++)
      if (memcmp (data + i, serial, sizeof serial) == 0)
        copy[i + 3] = 0xD3;
    bad = g_bytes_new (copy, len);
    assert_refused (bad, cert, CI_KEYS_ERROR_BAD_SIGNATURE);
  }
}

static void
test_garbage (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("not a deny list", 15);
  g_autoptr(GBytes) pem = g_bytes_new_static ("-----BEGIN X509 CRL-----\nAAAA\n", 30);
  g_autoptr(GBytes) crl = build_three (cert);
  g_autoptr(GError) error = NULL;

  assert_refused (empty, cert, CI_KEYS_ERROR_CORRUPT);
  assert_refused (text, cert, CI_KEYS_ERROR_CORRUPT);
  assert_refused (pem, cert, CI_KEYS_ERROR_CORRUPT);
  /* a deny list given in place of the certificate */
  g_assert_null (ci_deny_list_load (crl, crl, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
}

static void
test_empty (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GBytes) crl_null = build (shared.store, cert, NULL, 7, JAN_2026_US,
                                      JAN_2026_US + DAY_US);
  g_autoptr(GBytes) crl = build (shared.store, cert, none, 8, JAN_2026_US, JAN_2026_US + DAY_US);
  g_autoptr(CiDenyList) list_null = load_ok (crl_null, cert);
  g_autoptr(CiDenyList) list = load_ok (crl, cert);
  g_autofree char *out = NULL;

  g_assert_cmpuint (ci_deny_list_get_n_entries (list_null), ==, 0);
  g_assert_cmpuint (ci_deny_list_get_n_entries (list), ==, 0);
  g_assert_cmpuint (ci_deny_list_get_number (list), ==, 8);
  g_assert_false (ci_deny_list_contains (list, "0000001234"));
  write_temp ("x.crl", crl);
  write_cert_pem (cert);
  g_assert_true (run_openssl ((const char *[]) { "openssl", "crl", "-inform", "DER", "-in",
                                                 "x.crl", "-CAfile", "cert.pem", "-noout",
                                                 "-text", NULL }, &out));
  g_assert_nonnull (strstr (out, "No Revoked Certificates."));
  g_assert_nonnull (strstr (out, "verify OK"));
}

static void
test_locked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) locked = ci_key_store_open (shared.path, &error);
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  g_autoptr(GBytes) none = NULL;
  g_autoptr(GPtrArray) entries = three_entries ();

  g_assert_no_error (error);
  g_assert_false (ci_key_store_is_unlocked (locked));
  none = ci_key_store_issuer_certificate (locked, ORGANISATION, &error);
  g_assert_null (none);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_clear_error (&error);
  none = ci_deny_list_build (locked, cert, entries, 1, JAN_2026_US, JAN_2026_US + DAY_US, &error);
  g_assert_null (none);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_null (_ci_key_store_get_issuer_pkey (locked, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
}

static void
test_stale (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);
  gint64 now = g_get_real_time ();
  g_autoptr(GBytes) old = build (shared.store, cert, NULL, 3, now - 8 * DAY_US, now - DAY_US);
  g_autoptr(GBytes) fresh = build (shared.store, cert, NULL, 4, now, now + 7 * DAY_US);
  g_autoptr(CiDenyList) old_list = load_ok (old, cert);
  g_autoptr(CiDenyList) fresh_list = load_ok (fresh, cert);
  gint64 next = ci_deny_list_get_next_update (old_list);

  g_assert_true (ci_deny_list_is_stale (old_list, now));
  g_assert_false (ci_deny_list_is_stale (old_list, next));
  g_assert_true (ci_deny_list_is_stale (old_list, next + 1));
  g_assert_false (ci_deny_list_is_stale (fresh_list, now));
  g_assert_true (ci_deny_list_is_stale (fresh_list, now + 8 * DAY_US));
}

static void
assert_build_fails (GBytes     *cert,
                    const char *serial_a,
                    const char *serial_b,
                    int         reason,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ci_deny_entry_free);
  g_autoptr(GBytes) crl = NULL;

  g_ptr_array_add (entries, ci_deny_entry_new (serial_a, JAN_2026_US, reason));
  g_ptr_array_add (entries, ci_deny_entry_new (serial_b, JAN_2026_US, 0));
  crl = ci_deny_list_build (shared.store, cert, entries, 1, JAN_2026_US, JAN_2026_US + DAY_US,
                            &error);
  g_assert_null (crl);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_bad_entries (void)
{
  g_autoptr(GBytes) cert = make_cert (shared.store, ORGANISATION);

  assert_build_fails (cert, "12345", "0000000001", 0, "a card serial has 10 digits");
  assert_build_fails (cert, "00000000011", "0000000001", 0, "a card serial has 10 digits");
  assert_build_fails (cert, "-000000001", "0000000001", 0, "a card serial has 10 digits");
  assert_build_fails (cert, "0000000001", "0000000001", 0, "is on the deny list twice");
  assert_build_fails (cert, "0000000002", "0000000001", 7, "its reason or date is invalid");
  assert_build_fails (cert, "0000000002", "0000000001", 11, "its reason or date is invalid");
}

static void
test_reasons (void)
{
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_STOLEN), ==, 1);
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_LOST), ==, 0);
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_DAMAGED), ==, 4);
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_REVOKED), ==, 5);
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_DESTROYED), ==, 5);
  g_assert_cmpint (ci_deny_reason_for_card_state (CI_CARD_SUSPENDED), ==, 6);
  for (CiCardState s = 0; s < CI_CARD_N_STATES; s++)
    g_assert_cmpint (ci_deny_reason_for_card_state (s) >= 0, ==, ci_card_state_is_blocked (s));
}

/* ---- main ------------------------------------------------------------ */

static void
shared_setup (void)
{
  g_autoptr(GError) error = NULL;

  shared.dir = g_dir_make_tmp ("test-deny-list-XXXXXX", &error);
  g_assert_no_error (error);
  shared.path = g_build_filename (shared.dir, "issuer.cikeys", NULL);
  shared.store = ci_key_store_create (shared.path, PASSPHRASE, &error);
  g_assert_no_error (error);
}

static void
shared_teardown (void)
{
  g_autoptr(GDir) dir = g_dir_open (shared.dir, 0, NULL);
  const char *name;

  g_assert_finalize_object (g_steal_pointer (&shared.store));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (shared.dir, name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (shared.dir), ==, 0);
  g_clear_pointer (&shared.path, g_free);
  g_clear_pointer (&shared.dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/deny-list/cert/self-signed", test_cert_self_signed);
  g_test_add_func ("/deny-list/cert/fields", test_cert_fields);
  g_test_add_func ("/deny-list/cert/stable", test_cert_stable);
  g_test_add_func ("/deny-list/cert/long-organisation", test_cert_long_organisation);
  g_test_add_func ("/deny-list/cert/pem-and-tampered", test_cert_pem_and_tampered);
  g_test_add_func ("/deny-list/round-trip", test_round_trip);
  g_test_add_func ("/deny-list/pem", test_pem);
  g_test_add_func ("/deny-list/openssl-text", test_openssl_text);
  g_test_add_func ("/deny-list/openssl-verify", test_openssl_verify);
  g_test_add_func ("/deny-list/other-issuer", test_other_issuer);
  g_test_add_func ("/deny-list/other-name-or-extension", test_other_name_or_extension);
  g_test_add_func ("/deny-list/flipped-byte", test_flipped_byte);
  g_test_add_func ("/deny-list/garbage", test_garbage);
  g_test_add_func ("/deny-list/empty", test_empty);
  g_test_add_func ("/deny-list/locked", test_locked);
  g_test_add_func ("/deny-list/stale", test_stale);
  g_test_add_func ("/deny-list/bad-entries", test_bad_entries);
  g_test_add_func ("/deny-list/reasons", test_reasons);

  shared_setup ();
  status = g_test_run ();
  shared_teardown ();
  return status;
}
