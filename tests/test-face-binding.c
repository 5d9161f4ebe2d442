/* test-face-binding.c — the QR code that binds a card's face to its chip:
 * encode and verify round trip, every tampering is "forged", every
 * malformed code is "malformed", and the chip digest is SHA-256's prefix.
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "face/ci-face-binding.h"

typedef struct
{
  EVP_PKEY *key;
  GBytes   *public_der;
} Issuer;

static void
issuer_init (Issuer *issuer)
{
  unsigned char *der = NULL;
  int len;

  issuer->key = EVP_EC_gen ("P-256");
  g_assert_nonnull (issuer->key);
  len = i2d_PUBKEY (issuer->key, &der);
  g_assert_cmpint (len, >, 0);
  issuer->public_der = g_bytes_new (der, (gsize) len);
  OPENSSL_free (der);
}

static void
issuer_clear (Issuer *issuer)
{
  EVP_PKEY_free (issuer->key);
  g_bytes_unref (issuer->public_der);
}

static GBytes *
sign (GBytes    *data,
      gpointer   user_data,
      GError   **error)
{
  Issuer *issuer = user_data;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint8 sig[80];
  size_t sig_len = sizeof sig;

  g_assert_cmpint (EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL, issuer->key, NULL),
                   ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, sig, &sig_len, g_bytes_get_data (data, NULL),
                                   g_bytes_get_size (data)), ==, 1);
  EVP_MD_CTX_free (ctx);
  return g_bytes_new (sig, sig_len);
}

static GBytes *
refuse (GBytes    *data,
        gpointer   user_data,
        GError   **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "key store locked");
  return NULL;
}

static char *
encode (Issuer     *issuer,
        const char *serial)
{
  CiFaceBinding b = { { 0 } };
  g_autoptr(GError) error = NULL;
  char *payload;

  g_strlcpy (b.serial, serial, sizeof b.serial);
  for (guint i = 0; i < CI_FACE_BINDING_DIGEST_LEN; i++)
    b.chip_digest[i] = (guint8) (0xA0 + i);
  payload = ci_face_binding_encode (&b, sign, issuer, &error);
  g_assert_no_error (error);
  return payload;
}

static void
test_chip_digest (void)
{
  static const guint8 abc_sha256_prefix[] = { 0xBA, 0x78, 0x16, 0xBF, 0x8F, 0x01,
                                              0xCF, 0xEA, 0x41, 0x41, 0x40, 0xDE };
  g_autoptr(GBytes) a = g_bytes_new_static ("a", 1);
  g_autoptr(GBytes) b = g_bytes_new_static ("b", 1);
  g_autoptr(GBytes) c = g_bytes_new_static ("c", 1);
  guint8 out[CI_FACE_BINDING_DIGEST_LEN];

  /* The three objects, one after the other: SHA-256 ("abc") begins so. */
  ci_face_binding_chip_digest (a, b, c, out);
  g_assert_cmpmem (out, sizeof out, abc_sha256_prefix, sizeof abc_sha256_prefix);
}

static void
test_round_trip (void)
{
  Issuer issuer;
  g_autofree char *payload = NULL;
  g_autoptr(GError) error = NULL;
  CiFaceBinding got = { { 0 } };
  g_auto(GStrv) parts = NULL;

  issuer_init (&issuer);
  payload = encode (&issuer, "0000000042");
  g_test_message ("payload: %s (%zu characters)", payload, strlen (payload));
  g_assert_true (g_str_has_prefix (payload, "CI1.0000000042."));
  g_assert_cmpuint (strlen (payload), <=, 128);
  parts = g_strsplit (payload, ".", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpstr (parts[2], ==, "oKGio6Slpqeoqaqr");
  g_assert_null (strchr (payload, '='));

  g_assert_true (ci_face_binding_verify (payload, issuer.public_der, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (got.serial, ==, "0000000042");
  for (guint i = 0; i < CI_FACE_BINDING_DIGEST_LEN; i++)
    g_assert_cmpuint (got.chip_digest[i], ==, 0xA0 + i);
  issuer_clear (&issuer);
}

/* Each part changed in turn, and another issuer: forged. */
static void
test_tampered (void)
{
  Issuer issuer, other;
  g_autofree char *payload = NULL;
  g_autofree char *other_payload = NULL;

  issuer_init (&issuer);
  issuer_init (&other);
  payload = encode (&issuer, "0000000042");
  other_payload = encode (&other, "0000000042");
  for (gsize i = strlen ("CI1."); payload[i] != '\0'; i++)
    {
      g_autofree char *copy = g_strdup (payload);
      g_autoptr(GError) error = NULL;

      if (copy[i] == '.')
        continue;
      /* A change of character within the same class keeps the code well formed. */
      copy[i] = g_ascii_isdigit (copy[i]) ? (copy[i] == '9' ? '0' : copy[i] + 1)
                                          : (copy[i] == 'A' ? 'B' : 'A');
      if (ci_face_binding_verify (copy, issuer.public_der, NULL, &error))
        g_error ("changing character %zu of %s went unnoticed", i, payload);
      if (!g_error_matches (error, CI_FACE_ERROR, CI_FACE_ERROR_FORGED)
          && !g_error_matches (error, CI_FACE_ERROR, CI_FACE_ERROR_MALFORMED))
        g_error ("unexpected error: %s", error->message);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (ci_face_binding_verify (other_payload, issuer.public_der, NULL, &error));
    g_assert_error (error, CI_FACE_ERROR, CI_FACE_ERROR_FORGED);
    g_assert_nonnull (strstr (error->message, "0000000042"));
  }
  issuer_clear (&issuer);
  issuer_clear (&other);
}

static void
test_malformed (void)
{
  Issuer issuer;
  g_autofree char *good = NULL;
  g_autofree char *long_one = NULL;
  g_auto(GStrv) parts = NULL;
  const char *cases[8];

  issuer_init (&issuer);
  good = encode (&issuer, "0000000042");
  parts = g_strsplit (good, ".", -1);
  long_one = g_strnfill (300, 'A');
  cases[0] = "";
  cases[1] = "CI2.0000000042.AAAA.AAAA";
  cases[2] = "CI1.0000000042.AAAA";
  cases[3] = "CI1.000000042.oKGio6Slpqeoqaqr.AAAA";
  cases[4] = "CI1.00000000x2.oKGio6Slpqeoqaqr.AAAA";
  cases[5] = "CI1.0000000042.oKGio6Slpqeoqa==.AAAA";
  cases[6] = "CI1.0000000042.oKGio6Slpqeo.AAAA";
  cases[7] = long_one;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ci_face_binding_verify (cases[i], issuer.public_der, NULL, &error));
      g_assert_error (error, CI_FACE_ERROR, CI_FACE_ERROR_MALFORMED);
    }
  {
    g_autofree char *bad_sig = g_strdup_printf ("CI1.%s.%s.%s+", parts[1], parts[2], parts[3]);
    g_autoptr(GError) error = NULL;

    g_assert_false (ci_face_binding_verify (bad_sig, issuer.public_der, NULL, &error));
    g_assert_error (error, CI_FACE_ERROR, CI_FACE_ERROR_MALFORMED);
  }
  issuer_clear (&issuer);
}

static void
test_sign_fails (void)
{
  CiFaceBinding b = { "0000000007", { 0 } };
  g_autoptr(GError) error = NULL;

  g_assert_null (ci_face_binding_encode (&b, refuse, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/face-binding/chip-digest", test_chip_digest);
  g_test_add_func ("/face-binding/round-trip", test_round_trip);
  g_test_add_func ("/face-binding/tampered", test_tampered);
  g_test_add_func ("/face-binding/malformed", test_malformed);
  g_test_add_func ("/face-binding/sign-fails", test_sign_fails);
  return g_test_run ();
}
