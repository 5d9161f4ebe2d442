/* test-card-data.c — the card's file contents (docs/card-profile.md §2.2)
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "card/ci-card-data.h"
#include "card/ci-card-error.h"
#include "keys/ci-digest.h"

static GBytes *
hex_bytes (const char *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *buf = g_malloc (len);

  g_assert_true (ci_hex_decode (hex, buf, len));
  return g_bytes_new_take (buf, len);
}

static void
assert_bytes_hex (GBytes     *bytes,
                  const char *hex)
{
  g_autofree char *got = ci_hex_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpstr (got, ==, hex);
}

static void
fill_info (CiCardInfo *info)
{
  memset (info, 0, sizeof *info);
  info->serial = g_strdup ("0000000042");
  info->sequence = 2;
  info->valid_until = g_strdup ("2029-12-31");
  info->issued_on = g_strdup ("2026-11-21");
  memset (info->issuer_key_id, 0xAB, CI_CARD_KEY_ID_LEN);
}

/* The exact bytes of profile §2.2, so a door reader built from the page agrees. */
static void
test_info_bytes (void)
{
  CiCardInfo info, back;
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GError) error = NULL;

  fill_info (&info);
  object = ci_card_info_encode (&info, &error);
  g_assert_no_error (error);
  assert_bytes_hex (object,
                    "e030800101810a30303030303030303432820102"
                    "83083230323931323331"
                    "8408abababababababab"
                    "85083230323631313231");
  g_assert_true (ci_card_info_decode (object, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.serial, ==, "0000000042");
  g_assert_cmpuint (back.sequence, ==, 2);
  g_assert_cmpstr (back.valid_until, ==, "2029-12-31");
  g_assert_cmpstr (back.issued_on, ==, "2026-11-21");
  g_assert_cmpmem (back.issuer_key_id, 8, info.issuer_key_id, 8);
  ci_card_info_clear (&back);
  ci_card_info_clear (&info);
}

static void
test_info_rejects (void)
{
  static const char * const bad[] = {
    "e0038001 02",                                  /* wrong version, truncated */
    "e1038001 01",                                  /* wrong template */
    "e003800101",                                   /* members missing */
    "e00e80010181093030303030303034 32",            /* 9-digit serial */
    "e0128001018108323032393133333183053230323931", /* bad date */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *hex = g_strdup (bad[i]);
      g_autoptr(GString) compact = g_string_new (NULL);
      g_autoptr(GBytes) object = NULL;
      g_autoptr(GError) error = NULL;
      CiCardInfo info;

      for (const char *p = hex; *p; p++)
        if (*p != ' ')
          g_string_append_c (compact, *p);
      object = hex_bytes (compact->str);
      g_assert_false (ci_card_info_decode (object, &info, &error));
      g_assert_error (error, CI_CARD_ERROR, error->code);
      g_assert_null (info.serial);
    }
}

static void
test_identity_round_trip (void)
{
  CiCardIdentity identity = {
    .number = (char *) "E-1042", .given_name = (char *) "Zoë",
    .family_name = (char *) "Đorđević", .department = NULL, .job_title = (char *) "Lab",
    .valid_from = (char *) "2026-01-01", .valid_until = (char *) "2030-06-30",
  };
  CiCardIdentity back;
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GError) error = NULL;

  object = ci_card_identity_encode (&identity, &error);
  g_assert_no_error (error);
  g_assert_true (ci_card_identity_decode (object, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.given_name, ==, "Zoë");
  g_assert_cmpstr (back.family_name, ==, "Đorđević");
  g_assert_null (back.department);
  g_assert_cmpstr (back.job_title, ==, "Lab");
  g_assert_cmpstr (back.valid_until, ==, "2030-06-30");
  ci_card_identity_clear (&back);
}

/* Invalid UTF-8, an embedded NUL and a repeated member are all refused. */
static void
test_identity_rejects (void)
{
  static const char * const bad[] = {
    "e1098002ff4181014182014c",
    "e10980024100810141820142",
    "e10c800141800142810141820142",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) object = hex_bytes (bad[i]);
      g_autoptr(GError) error = NULL;
      CiCardIdentity back;

      g_assert_false (ci_card_identity_decode (object, &back, &error));
      g_assert_nonnull (error);
    }
}

static CiCardZone *
zone (guint32     id,
      const char *code,
      gboolean    with_rule)
{
  CiCardZone *z = ci_card_zone_new ();

  z->zone_id = id;
  z->kind = CI_ZONE_AREA;
  z->parent_id = 7;
  z->code = g_strdup (code);
  z->level = 3;
  if (with_rule)
    {
      CiTimeRange r = { 0x1F, 7 * 60, 19 * 60 };

      g_array_append_val (z->ranges, r);
      z->time_zone = g_strdup ("Europe/Berlin");
      z->expires = g_strdup ("2027-03-31");
    }
  return z;
}

static void
test_zones_round_trip (void)
{
  CiCardZones zones, back;
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GError) error = NULL;
  const CiCardZone *z;
  const CiTimeRange *r;

  ci_card_zones_init (&zones);
  zones.revision = 5;
  g_ptr_array_add (zones.zones, zone (3, "HQ-B1-LAB", TRUE));
  g_ptr_array_add (zones.zones, zone (9, "HQ-B2", FALSE));
  object = ci_card_zones_encode (&zones, &error);
  g_assert_no_error (error);
  g_assert_true (ci_card_zones_decode (object, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back.revision, ==, 5);
  g_assert_cmpuint (back.zones->len, ==, 2);
  z = back.zones->pdata[0];
  g_assert_cmpuint (z->zone_id, ==, 3);
  g_assert_cmpstr (z->code, ==, "HQ-B1-LAB");
  g_assert_cmpstr (z->time_zone, ==, "Europe/Berlin");
  g_assert_cmpstr (z->expires, ==, "2027-03-31");
  r = &g_array_index (z->ranges, CiTimeRange, 0);
  g_assert_cmpuint (r->weekdays, ==, 0x1F);
  g_assert_cmpuint (r->end_min, ==, 19 * 60);
  z = back.zones->pdata[1];
  g_assert_cmpuint (z->ranges->len, ==, 0);
  g_assert_null (z->expires);
  ci_card_zones_clear (&back);

  /* Out of order: refused when encoding. */
  g_ptr_array_add (zones.zones, zone (4, "X", FALSE));
  g_clear_pointer (&object, g_bytes_unref);
  object = ci_card_zones_encode (&zones, &error);
  g_assert_null (object);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA);
  ci_card_zones_clear (&zones);
}

/* More zones than EF.ZONES holds: a clear error, not a cut-off list. */
static void
test_zones_too_many (void)
{
  CiCardZones zones;
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GError) error = NULL;

  ci_card_zones_init (&zones);
  for (guint i = 1; i <= 200; i++)
    g_ptr_array_add (zones.zones, zone (i, "BUILDING-ZONE-CODE", TRUE));
  object = ci_card_zones_encode (&zones, &error);
  g_assert_null (object);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_NO_SPACE);
  ci_card_zones_clear (&zones);
}

static void
test_zones_rejects (void)
{
  static const char * const bad[] = {
    "e200",                                           /* no revision */
    "e2088004000000010a00",                           /* unknown object */
    "e20ca00a800400000001810103",                     /* kind 3 */
    "e206800400000001a000",                           /* empty zone */
    "e21f80040000000187050000100010a00f80040000000181010282040000000083",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) object = hex_bytes (bad[i]);
      g_autoptr(GError) error = NULL;
      CiCardZones back;

      g_assert_false (ci_card_zones_decode (object, &back, &error));
      g_assert_nonnull (error);
      g_assert_null (back.zones);
    }
}

static GBytes *
new_public_key (void)
{
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (pkey, &der);
  GBytes *bytes = g_bytes_new (der, len);

  OPENSSL_free (der);
  EVP_PKEY_free (pkey);
  return bytes;
}

static void
test_card_key (void)
{
  g_autoptr(GBytes) spki = new_public_key ();
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *copy;
  gsize len = 0;

  object = ci_card_key_encode (spki, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (object), ==, 3 + 10 + 67);
  back = ci_card_key_decode (object, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, spki));

  /* A point off the curve is not a key. */
  const guint8 *data = g_bytes_get_data (object, &len);

  copy = g_memdup2 (data, len);
  copy[len - 1] ^= 0x01;
  broken = g_bytes_new_take (copy, len);
  g_assert_null (ci_card_key_decode (broken, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED);
}

static void
test_signature_and_signed_data (void)
{
  guint8 id[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, id_back[8];
  g_autoptr(GBytes) sig = hex_bytes ("3006020101020102");
  g_autoptr(GBytes) object = ci_card_signature_encode (id, sig);
  g_autoptr(GBytes) sig_back = NULL;
  g_autoptr(GBytes) a = hex_bytes ("e000");
  g_autoptr(GBytes) b = hex_bytes ("e100");
  g_autoptr(GBytes) c = hex_bytes ("e200");
  g_autoptr(GBytes) d = hex_bytes ("7f4900");
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GError) error = NULL;

  assert_bytes_hex (object, "e317800801020304050607088101019e083006020101020102");
  g_assert_true (ci_card_signature_decode (object, id_back, &sig_back, &error));
  g_assert_cmpmem (id_back, 8, id, 8);
  g_assert_true (g_bytes_equal (sig_back, sig));
  tbs = ci_card_signed_data (a, b, c, d);
  assert_bytes_hex (tbs, "434953494731e000e100e2007f4900");
}

static void
test_file_object (void)
{
  static const guint8 good[] = { 0xE0, 0x01, 0x80, 0x00, 0x00, 0x00 };
  static const guint8 trailing[] = { 0xE0, 0x01, 0x80, 0x00, 0x01 };
  static const guint8 empty[] = { 0x00, 0x00, 0x00 };
  static const guint8 overlong[] = { 0xE0, 0x05, 0x80 };
  g_autoptr(GBytes) object = NULL;
  g_autoptr(GError) error = NULL;

  object = ci_card_file_object (good, sizeof good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (object), ==, 3);
  g_assert_null (ci_card_file_object (trailing, sizeof trailing, &error));
  g_clear_error (&error);
  g_assert_null (ci_card_file_object (empty, sizeof empty, &error));
  g_clear_error (&error);
  g_assert_null (ci_card_file_object (overlong, sizeof overlong, &error));
  g_assert_nonnull (error);
}

static void
test_serial_bcd (void)
{
  guint8 bcd[5];

  g_assert_true (ci_card_serial_to_bcd ("0123456789", bcd));
  g_assert_cmphex (bcd[0], ==, 0x01);
  g_assert_cmphex (bcd[4], ==, 0x89);
  g_assert_false (ci_card_serial_to_bcd ("012345678", bcd));
  g_assert_false (ci_card_serial_to_bcd ("01234567a9", bcd));
  g_assert_cmpuint (ci_card_file_fid (CI_CARD_FILE_ZONES), ==, 0xC003);
  g_assert_cmpuint (ci_card_file_size (CI_CARD_FILE_IDENTITY), ==, 3072);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card-data/info/bytes", test_info_bytes);
  g_test_add_func ("/card-data/info/rejects", test_info_rejects);
  g_test_add_func ("/card-data/identity/round-trip", test_identity_round_trip);
  g_test_add_func ("/card-data/identity/rejects", test_identity_rejects);
  g_test_add_func ("/card-data/zones/round-trip", test_zones_round_trip);
  g_test_add_func ("/card-data/zones/too-many", test_zones_too_many);
  g_test_add_func ("/card-data/zones/rejects", test_zones_rejects);
  g_test_add_func ("/card-data/card-key", test_card_key);
  g_test_add_func ("/card-data/signature", test_signature_and_signed_data);
  g_test_add_func ("/card-data/file-object", test_file_object);
  g_test_add_func ("/card-data/serial-bcd", test_serial_bcd);
  return g_test_run ();
}
