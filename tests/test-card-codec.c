/* test-card-codec.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "card/ci-apdu.h"
#include "card/ci-card-error.h"
#include "card/ci-tlv.h"

#include <string.h>
#include <winscard.h>

/* Helpers ------------------------------------------------------------------------------------ */

/* "00 A4 04 0C" -> bytes; spaces are ignored. */
static GByteArray *
unhex (const char *text)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = text; *p != '\0'; p++)
    {
      guint8 byte;

      if (*p == ' ')
        continue;
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      byte = (guint8) ((g_ascii_xdigit_value (p[0]) << 4) | g_ascii_xdigit_value (p[1]));
      g_byte_array_append (out, &byte, 1);
      p++;
    }
  return out;
}

/* Bytes -> "00 A4 04 0C", for readable assertion failures. */
static char *
hex (const guint8 *data,
     gsize         len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : " %02X", data[i]);
  return g_string_free (out, FALSE);
}

static guint8 *
pattern (gsize len)
{
  guint8 *data = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 7 + 1);
  return data;
}

/* APDU encoding ------------------------------------------------------------------------------ */

static char *
encode (const CiApdu   *apdu,
        CiApduEncoding  encoding)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_apdu_encode (apdu, encoding, out, &error));
  g_assert_no_error (error);
  return hex (out->data, out->len);
}

static void
assert_encodes (gsize           lc,
                gsize           le,
                CiApduEncoding  encoding,
                const char     *expected)
{
  static const guint8 data[] = { 0xAA, 0xBB };
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xB0, 0x01, 0x02, lc > 0 ? data : NULL, lc, le);
  g_autofree char *text = encode (apdu, encoding);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_apdu_encode_cases (void)
{
  assert_encodes (0, 0, CI_APDU_ENCODING_AUTO, "00 B0 01 02");
  assert_encodes (0, 16, CI_APDU_ENCODING_AUTO, "00 B0 01 02 10");
  assert_encodes (2, 0, CI_APDU_ENCODING_AUTO, "00 B0 01 02 02 AA BB");
  assert_encodes (2, 16, CI_APDU_ENCODING_AUTO, "00 B0 01 02 02 AA BB 10");
  assert_encodes (0, 16, CI_APDU_ENCODING_EXTENDED, "00 B0 01 02 00 00 10");
  assert_encodes (2, 0, CI_APDU_ENCODING_EXTENDED, "00 B0 01 02 00 00 02 AA BB");
  assert_encodes (2, 16, CI_APDU_ENCODING_EXTENDED, "00 B0 01 02 00 00 02 AA BB 00 10");
  /* Case 1 has no length field, so both encodings are the same. */
  assert_encodes (0, 0, CI_APDU_ENCODING_EXTENDED, "00 B0 01 02");
  assert_encodes (0, 0, CI_APDU_ENCODING_SHORT, "00 B0 01 02");
}

static void
test_apdu_encode_le_maximum (void)
{
  assert_encodes (0, 256, CI_APDU_ENCODING_AUTO, "00 B0 01 02 00");
  assert_encodes (2, 256, CI_APDU_ENCODING_SHORT, "00 B0 01 02 02 AA BB 00");
  assert_encodes (0, 257, CI_APDU_ENCODING_AUTO, "00 B0 01 02 00 01 01");
  assert_encodes (0, 256, CI_APDU_ENCODING_EXTENDED, "00 B0 01 02 00 01 00");
  assert_encodes (0, 65536, CI_APDU_ENCODING_AUTO, "00 B0 01 02 00 00 00");
  assert_encodes (2, 65536, CI_APDU_ENCODING_AUTO, "00 B0 01 02 00 00 02 AA BB 00 00");
  assert_encodes (2, 65535, CI_APDU_ENCODING_AUTO, "00 B0 01 02 00 00 02 AA BB FF FF");
}

static void
test_apdu_encode_lc_boundaries (void)
{
  g_autofree guint8 *data = pattern (65536);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(CiApdu) lc255 = ci_apdu_new (0x00, 0xD6, 0, 0, data, 255, 0);
  g_autoptr(CiApdu) lc256 = ci_apdu_new (0x00, 0xD6, 0, 0, data, 256, 0);
  g_autoptr(CiApdu) lc65535 = ci_apdu_new (0x00, 0xD6, 0, 0, data, 65535, 65536);

  g_assert_false (ci_apdu_is_extended (lc255));
  g_assert_true (ci_apdu_encode (lc255, CI_APDU_ENCODING_AUTO, out, NULL));
  g_assert_cmpuint (out->len, ==, 4 + 1 + 255);
  g_assert_cmpuint (out->data[4], ==, 0xFF);
  g_assert_cmpmem (out->data + 5, 255, data, 255);

  g_byte_array_set_size (out, 0);
  g_assert_true (ci_apdu_is_extended (lc256));
  g_assert_true (ci_apdu_encode (lc256, CI_APDU_ENCODING_AUTO, out, NULL));
  g_assert_cmpuint (out->len, ==, 4 + 3 + 256);
  g_assert_cmpmem (out->data + 4, 3, "\x00\x01\x00", 3);
  g_assert_cmpmem (out->data + 7, 256, data, 256);

  g_byte_array_set_size (out, 0);
  g_assert_true (ci_apdu_encode (lc65535, CI_APDU_ENCODING_AUTO, out, NULL));
  g_assert_cmpuint (out->len, ==, 4 + 3 + 65535 + 2);
  g_assert_cmpmem (out->data + 4, 3, "\x00\xFF\xFF", 3);
  g_assert_cmpmem (out->data + out->len - 2, 2, "\x00\x00", 2);
}

static void
assert_encode_fails (gsize           lc,
                     gsize           le,
                     CiApduEncoding  encoding)
{
  g_autofree guint8 *data = pattern (lc);
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xD6, 0, 0, data, lc, le);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_byte_array_append (out, (const guint8 *) "\x42", 1);
  g_assert_false (ci_apdu_encode (apdu, encoding, out, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  g_assert_cmpuint (out->len, ==, 1);
}

static void
test_apdu_encode_too_big (void)
{
  assert_encode_fails (256, 0, CI_APDU_ENCODING_SHORT);
  assert_encode_fails (0, 257, CI_APDU_ENCODING_SHORT);
  assert_encode_fails (10, 65536, CI_APDU_ENCODING_SHORT);
  assert_encode_fails (65536, 0, CI_APDU_ENCODING_EXTENDED);
  assert_encode_fails (65536, 0, CI_APDU_ENCODING_AUTO);
  assert_encode_fails (0, 65537, CI_APDU_ENCODING_AUTO);
}

static void
test_apdu_encode_appends (void)
{
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x80, 0xCA, 0x9F, 0x7F, NULL, 0, 45);
  g_autoptr(GByteArray) out = unhex ("11 22");
  g_autofree char *text = NULL;

  g_assert_true (ci_apdu_encode (apdu, CI_APDU_ENCODING_AUTO, out, NULL));
  text = hex (out->data, out->len);
  g_assert_cmpstr (text, ==, "11 22 80 CA 9F 7F 2D");
}

/* APDU parsing ------------------------------------------------------------------------------- */

static void
assert_round_trip (gsize           lc,
                   gsize           le,
                   CiApduEncoding  encoding,
                   gboolean        expect_extended)
{
  g_autofree guint8 *data = pattern (lc);
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x0C, 0xD6, 0x81, 0x02, data, lc, le);
  g_autoptr(CiApdu) back = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean extended = !expect_extended;

  g_assert_true (ci_apdu_encode (apdu, encoding, out, NULL));
  back = ci_apdu_parse (out->data, out->len, &extended, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (extended, ==, expect_extended && (lc > 0 || le > 0));
  g_assert_cmpuint (back->cla, ==, 0x0C);
  g_assert_cmpuint (back->ins, ==, 0xD6);
  g_assert_cmpuint (back->p1, ==, 0x81);
  g_assert_cmpuint (back->p2, ==, 0x02);
  g_assert_cmpuint (back->lc, ==, lc);
  g_assert_cmpuint (back->le, ==, le);
  g_assert_cmpmem (back->data, back->lc, data, lc);
  g_assert_true (lc > 0 || back->data == NULL);
}

static void
test_apdu_round_trip_cases (void)
{
  assert_round_trip (0, 0, CI_APDU_ENCODING_AUTO, FALSE);            /* 1 */
  assert_round_trip (0, 1, CI_APDU_ENCODING_AUTO, FALSE);            /* 2S */
  assert_round_trip (1, 0, CI_APDU_ENCODING_AUTO, FALSE);            /* 3S */
  assert_round_trip (17, 8, CI_APDU_ENCODING_AUTO, FALSE);           /* 4S */
  assert_round_trip (0, 1, CI_APDU_ENCODING_EXTENDED, TRUE);         /* 2E */
  assert_round_trip (1, 0, CI_APDU_ENCODING_EXTENDED, TRUE);         /* 3E */
  assert_round_trip (17, 8, CI_APDU_ENCODING_EXTENDED, TRUE);        /* 4E */
}

static void
test_apdu_round_trip_boundaries (void)
{
  assert_round_trip (255, 0, CI_APDU_ENCODING_AUTO, FALSE);
  assert_round_trip (255, 256, CI_APDU_ENCODING_AUTO, FALSE);
  assert_round_trip (256, 0, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (0, 256, CI_APDU_ENCODING_AUTO, FALSE);
  assert_round_trip (0, 257, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (0, 65536, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (256, 65536, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (65535, 0, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (65535, 65536, CI_APDU_ENCODING_AUTO, TRUE);
  assert_round_trip (1, 65536, CI_APDU_ENCODING_AUTO, TRUE);
}

/* Parses from a heap copy of exactly @len bytes, so ASan sees any over-read. */
static CiApdu *
parse_exact (const guint8  *buf,
             gsize          len,
             gboolean      *extended,
             GError       **error)
{
  g_autofree guint8 *copy = g_memdup2 (buf, len);

  return ci_apdu_parse (copy, len, extended, error);
}

static void
assert_parse_fails (const char *text)
{
  g_autoptr(GByteArray) bytes = unhex (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) apdu = NULL;
  gboolean extended = FALSE;

  apdu = parse_exact (bytes->data, bytes->len, &extended, &error);
  if (apdu != NULL)
    g_error ("“%s” parsed as a command", text);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  g_assert_true (g_str_has_prefix (error->message, "Malformed command APDU: "));
}

static void
test_apdu_parse_malformed (void)
{
  assert_parse_fails ("");
  assert_parse_fails ("00");
  assert_parse_fails ("00 A4 04");
  /* Short Lc that does not match the bytes after it. */
  assert_parse_fails ("00 A4 04 0C 02 AA");
  assert_parse_fails ("00 A4 04 0C 02 AA BB CC DD");
  assert_parse_fails ("00 A4 04 0C 05 AA");
  assert_parse_fails ("00 A4 04 0C FF AA BB");
  /* Extended: too few length bytes, Lc 0000 with data, Lc against the bytes present. */
  assert_parse_fails ("00 A4 04 0C 00 01");
  assert_parse_fails ("00 A4 04 0C 00 00 00 AA");
  assert_parse_fails ("00 A4 04 0C 00 00 00 AA BB");
  assert_parse_fails ("00 A4 04 0C 00 00 00 00 00");
  assert_parse_fails ("00 A4 04 0C 00 00 02 AA");
  assert_parse_fails ("00 A4 04 0C 00 00 02 AA BB CC");
  assert_parse_fails ("00 A4 04 0C 00 00 02 AA BB CC DD EE");
  assert_parse_fails ("00 A4 04 0C 00 00 01 AA BB");
  assert_parse_fails ("00 A4 04 0C 00 FF FF AA BB");
}

typedef struct
{
  const char *name;
  gsize       lc;
  gsize       le;
  gboolean    extended;
  gsize       valid[6];  /* prefix lengths that are APDUs of their own, 0-terminated */
} Truncation;

static gboolean
is_listed (const gsize *list,
           gsize        value)
{
  for (; *list != 0; list++)
    if (*list == value)
      return TRUE;
  return FALSE;
}

static void
check_prefixes (const Truncation *t)
{
  g_autofree guint8 *data = pattern (t->lc);
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xD6, 0x00, 0x00, data, t->lc, t->le);
  g_autoptr(GByteArray) full = g_byte_array_new ();

  ci_apdu_encode (apdu, t->extended ? CI_APDU_ENCODING_EXTENDED : CI_APDU_ENCODING_SHORT,
                  full, NULL);
  for (gsize len = 0; len <= full->len; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CiApdu) back = parse_exact (full->data, len, NULL, &error);
      g_autoptr(GByteArray) again = g_byte_array_new ();

      if (!is_listed (t->valid, len))
        {
          if (back != NULL)
            g_error ("%s: the first %zu bytes parsed as a command", t->name, len);
          g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
          continue;
        }
      /* A prefix that happens to be another case must encode back to itself. */
      g_assert_no_error (error);
      g_assert_true (ci_apdu_encode (back, len > 5 && full->data[4] == 0
                                     ? CI_APDU_ENCODING_EXTENDED : CI_APDU_ENCODING_SHORT,
                                     again, NULL));
      g_assert_cmpmem (again->data, again->len, full->data, len);
    }
}

static void
test_apdu_parse_truncated (void)
{
  static const Truncation cases[] = {
    { "1", 0, 0, FALSE, { 4 } },
    { "2S", 0, 256, FALSE, { 4, 5 } },
    { "3S", 3, 0, FALSE, { 4, 5, 8 } },
    { "4S", 2, 256, FALSE, { 4, 5, 7, 8 } },
    { "4S-255", 255, 1, FALSE, { 4, 5, 260, 261 } },
    { "2E", 0, 300, TRUE, { 4, 5, 7 } },
    { "3E", 300, 0, TRUE, { 4, 5, 7, 307 } },
    { "4E", 300, 65536, TRUE, { 4, 5, 7, 307, 309 } },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_prefixes (&cases[i]);
}

static void
test_apdu_parse_cases (void)
{
  g_autoptr(GByteArray) two_e = unhex ("00 B0 00 00 00 00 10");
  g_autoptr(GByteArray) two_s = unhex ("00 B0 00 00 10");
  g_autoptr(CiApdu) a = NULL;
  g_autoptr(CiApdu) b = NULL;
  g_autoptr(CiApdu) c = NULL;
  gboolean extended = FALSE;

  /* A small Le in the extended form stays a valid extended command. */
  a = ci_apdu_parse (two_e->data, two_e->len, &extended, NULL);
  g_assert_nonnull (a);
  g_assert_true (extended);
  g_assert_cmpuint (a->le, ==, 16);
  g_assert_cmpuint (a->lc, ==, 0);

  b = ci_apdu_parse (two_s->data, two_s->len, &extended, NULL);
  g_assert_nonnull (b);
  g_assert_false (extended);
  g_assert_cmpuint (b->le, ==, 16);

  /* Lc = 3 with 3 bytes: case 3S, not a 2S Le followed by junk. */
  g_byte_array_append (two_s, (const guint8 *) "\x01\x02\x03", 3);
  two_s->data[4] = 3;
  c = ci_apdu_parse (two_s->data, two_s->len, NULL, NULL);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->lc, ==, 3);
  g_assert_cmpuint (c->le, ==, 0);
  g_assert_cmpmem (c->data, 3, "\x01\x02\x03", 3);
}

/* APDU description and ownership ------------------------------------------------------------- */

static void
test_apdu_describe (void)
{
  static const guint8 aid[] = { 0xF0, 0x43, 0x49, 0x53, 0x53, 0x55, 0x45, 0x01, 0x02, 0x03, 0x04 };
  g_autoptr(CiApdu) select = ci_apdu_new (0x00, 0xA4, 0x04, 0x0C, aid, sizeof aid, 256);
  g_autoptr(CiApdu) challenge = ci_apdu_new (0x00, 0x84, 0x00, 0x00, NULL, 0, 8);
  g_autoptr(CiApdu) bare = ci_apdu_new (0x80, 0x01, 0xFF, 0x00, NULL, 0, 0);
  g_autofree char *a = ci_apdu_describe (select);
  g_autofree char *b = ci_apdu_describe (challenge);
  g_autofree char *c = ci_apdu_describe (bare);

  g_assert_cmpstr (a, ==, "00 A4 04 0C Lc=11 [F0 43 49 53 53 55 45 01 02 03 04] Le=256");
  g_assert_cmpstr (b, ==, "00 84 00 00 Le=8");
  g_assert_cmpstr (c, ==, "80 01 FF 00");
}

static void
test_apdu_describe_sensitive (void)
{
  static const guint8 pin[] = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0xFF };
  g_autoptr(CiApdu) verify = ci_apdu_new (0x00, 0x20, 0x00, 0x81, pin, sizeof pin, 0);
  g_autoptr(CiApdu) one = ci_apdu_new (0x00, 0x20, 0x00, 0x81, pin, 1, 0);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  verify->flags = CI_APDU_SENSITIVE;
  one->flags = CI_APDU_SENSITIVE;
  a = ci_apdu_describe (verify);
  b = ci_apdu_describe (one);
  g_assert_cmpstr (a, ==, "00 20 00 81 Lc=8 [8 bytes hidden]");
  g_assert_cmpstr (b, ==, "00 20 00 81 Lc=1 [1 byte hidden]");
  g_assert_null (strstr (a, "31"));
}

static void
test_apdu_describe_long (void)
{
  g_autofree guint8 *data = pattern (300);
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xD6, 0x00, 0x00, data, 300, 0);
  g_autofree char *text = ci_apdu_describe (apdu);

  g_assert_true (g_str_has_prefix (text, "00 D6 00 00 Lc=300 [01 08 0F "));
  g_assert_true (g_str_has_suffix (text, " ... 44 more]"));
}

static void
test_apdu_copy (void)
{
  static const guint8 key[] = { 1, 2, 3, 4 };
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x0C, 0x82, 0x00, 0x00, key, sizeof key, 0);
  g_autoptr(CiApdu) copy = NULL;
  g_autoptr(CiApdu) empty = ci_apdu_new (0x00, 0x84, 0x00, 0x00, key, 0, 8);

  apdu->flags = CI_APDU_SENSITIVE;
  copy = ci_apdu_copy (apdu);
  g_assert_true (copy->data != apdu->data);
  g_assert_cmpmem (copy->data, copy->lc, key, sizeof key);
  g_assert_cmpint (copy->flags, ==, CI_APDU_SENSITIVE);
  g_assert_cmpuint (copy->le, ==, 0);
  /* The caller's buffer is copied, not kept. */
  g_assert_true (apdu->data != key);
  /* lc = 0 means no data field, whatever the pointer. */
  g_assert_null (empty->data);
}

/* Responses ---------------------------------------------------------------------------------- */

static void
test_response_parse (void)
{
  g_autoptr(GByteArray) ok_bytes = unhex ("90 00");
  g_autoptr(GByteArray) data_bytes = unhex ("AA BB 6A 82");
  g_autoptr(CiResponse) ok = ci_response_parse (ok_bytes->data, ok_bytes->len, NULL);
  g_autoptr(CiResponse) with_data = ci_response_parse (data_bytes->data, data_bytes->len, NULL);

  g_assert_nonnull (ok);
  g_assert_cmpuint (ok->len, ==, 0);
  g_assert_null (ok->data);
  g_assert_cmpuint (ok->sw, ==, 0x9000);
  g_assert_true (ci_response_ok (ok));

  g_assert_nonnull (with_data);
  g_assert_cmpmem (with_data->data, with_data->len, "\xAA\xBB", 2);
  g_assert_cmpuint (with_data->sw, ==, 0x6A82);
  g_assert_cmpuint (CI_SW1 (with_data->sw), ==, 0x6A);
  g_assert_cmpuint (CI_SW2 (with_data->sw), ==, 0x82);
  g_assert_false (ci_response_ok (with_data));
}

static void
test_response_too_short (void)
{
  static const guint8 sw[] = { 0x90, 0x00 };

  for (gsize len = 0; len < 2; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (sw, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(CiResponse) response = ci_response_parse (copy, len, &error);

      g_assert_null (response);
      g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
    }
}

/* TLV reading -------------------------------------------------------------------------------- */

/* Parses @text as exactly one object. */
static void
assert_one (const char *text,
            guint32     tag,
            gboolean    constructed,
            gsize       len)
{
  g_autoptr(GByteArray) bytes = unhex (text);
  g_autofree guint8 *copy = g_memdup2 (bytes->data, bytes->len);
  g_autoptr(GError) error = NULL;
  CiTlv tlv;

  g_assert_true (ci_tlv_parse_one (copy, bytes->len, &tlv, &error));
  g_assert_no_error (error);
  g_assert_cmphex (tlv.tag, ==, tag);
  g_assert_cmpint (tlv.constructed, ==, constructed);
  g_assert_cmpuint (tlv.len, ==, len);
  g_assert_true (tlv.value + tlv.len == copy + bytes->len);
}

/* Parses @text as one object and expects an error that mentions @detail and @offset. */
static void
assert_bad_one (const char *text,
                const char *detail,
                gsize       offset)
{
  g_autoptr(GByteArray) bytes = unhex (text);
  g_autofree guint8 *copy = g_memdup2 (bytes->data, bytes->len);
  g_autoptr(GError) error = NULL;
  g_autofree char *at = g_strdup_printf ("at offset %zu:", offset);
  CiTlv tlv;

  g_assert_false (ci_tlv_parse_one (copy, bytes->len, &tlv, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  if (strstr (error->message, detail) == NULL || strstr (error->message, at) == NULL)
    g_error ("“%s”: unexpected message “%s”", text, error->message);
}

static void
test_tlv_tags (void)
{
  assert_one ("84 02 AA BB", 0x84, FALSE, 2);
  assert_one ("A5 00", 0xA5, TRUE, 0);
  assert_one ("5F 20 03 41 42 43", 0x5F20, FALSE, 3);
  assert_one ("7F 49 02 86 00", 0x7F49, TRUE, 2);
  assert_one ("9F 01 01 00", 0x9F01, FALSE, 1);
  assert_one ("5F 81 01 01 7A", 0x5F8101, FALSE, 1);
  assert_one ("7F 81 7F 00", 0x7F817F, TRUE, 0);
}

static void
test_tlv_length_forms (void)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  static const struct { gsize len; const char *header; } forms[] = {
    { 0, "53 00" }, { 127, "53 7F" }, { 128, "53 81 80" }, { 255, "53 81 FF" },
    { 256, "53 82 01 00" }, { 65535, "53 82 FF FF" }, { 65536, "53 83 01 00 00" },
  };
  g_autofree guint8 *value = pattern (65536);

  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(GByteArray) header = unhex (forms[i].header);
      g_autofree char *got = NULL;
      CiTlv tlv;

      g_byte_array_set_size (bytes, 0);
      ci_tlv_append (bytes, 0x53, value, forms[i].len);
      g_assert_cmpuint (bytes->len, ==, header->len + forms[i].len);
      got = hex (bytes->data, header->len);
      g_assert_cmpstr (got, ==, forms[i].header);
      g_assert_cmpuint (ci_tlv_header_len (0x53, forms[i].len), ==, header->len);
      g_assert_true (ci_tlv_parse_one (bytes->data, bytes->len, &tlv, NULL));
      g_assert_cmpmem (tlv.value, tlv.len, value, forms[i].len);
    }
  /* A longer length field than needed is allowed in BER. */
  assert_one ("53 81 02 AA BB", 0x53, FALSE, 2);
  assert_one ("53 83 00 00 01 AA", 0x53, FALSE, 1);
}

static void
test_tlv_bad_lengths (void)
{
  assert_bad_one ("53 80 AA 00 00", "indefinite", 1);
  assert_bad_one ("53 84 00 00 00 01 AA", "more than 3 length bytes", 1);
  assert_bad_one ("53 FF", "more than 3 length bytes", 1);
  assert_bad_one ("5F 20 81", "cut off", 2);
  assert_bad_one ("53 82 01", "cut off", 1);
  assert_bad_one ("53", "length is missing", 1);
  assert_bad_one ("53 03 AA BB", "3 bytes long, but only 2 bytes are left", 0);
  assert_bad_one ("53 82 01 00 AA", "256 bytes long", 0);
}

static void
test_tlv_bad_tags (void)
{
  assert_bad_one ("5F", "tag is cut off", 0);
  assert_bad_one ("5F 81", "tag is cut off", 0);
  assert_bad_one ("5F 81 81 01 00", "longer than 3 bytes", 0);
  assert_bad_one ("5F 80 01 00", "second tag byte is 80", 1);
  assert_bad_one ("", "empty", 0);
  assert_bad_one ("00 53 00", "padding byte 00", 0);
  assert_bad_one ("FF 53 00", "padding byte FF", 0);
}

static void
test_tlv_trailing_bytes (void)
{
  assert_bad_one ("53 01 AA BB", "1 byte follows", 3);
  assert_bad_one ("53 01 AA 00", "1 byte follows", 3);
  assert_bad_one ("53 00 54 00", "2 bytes follow", 2);
}

static void
test_tlv_reader_padding (void)
{
  g_autoptr(GByteArray) bytes = unhex ("00 FF 84 01 AA 00 00 5F 20 00 FF FF");
  g_autoptr(GError) error = NULL;
  CiTlvReader reader;
  CiTlv tlv;

  ci_tlv_reader_init (&reader, bytes->data, bytes->len);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_cmphex (tlv.tag, ==, 0x84);
  g_assert_cmpmem (tlv.value, tlv.len, "\xAA", 1);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_cmphex (tlv.tag, ==, 0x5F20);
  g_assert_cmpuint (tlv.len, ==, 0);
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reader.left, ==, 0);
  g_assert_cmpuint (reader.offset, ==, bytes->len);

  /* Only padding, and nothing at all, are both just the end. */
  ci_tlv_reader_init (&reader, bytes->data, 2);
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_no_error (error);
  ci_tlv_reader_init (&reader, NULL, 0);
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_no_error (error);
}

static void
test_tlv_reader_error_offset (void)
{
  g_autoptr(GByteArray) bytes = unhex ("84 01 AA 00 85 05 BB");
  g_autoptr(GError) error = NULL;
  CiTlvReader reader;
  CiTlv tlv;

  ci_tlv_reader_init (&reader, bytes->data, bytes->len);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==, "Malformed BER-TLV data at offset 4: the value of tag 85 "
                   "is 5 bytes long, but only 1 byte is left");
  /* The reader gives up on the rest: it cannot be delimited. */
  g_clear_error (&error);
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, &error));
  g_assert_no_error (error);
}

/* Builds a constructed object with nested and multi-byte parts. */
static GByteArray *
build_nested (void)
{
  GByteArray *out = g_byte_array_new ();
  g_autofree guint8 *key = pattern (200);
  guint outer;
  guint inner;

  outer = ci_tlv_begin (out, 0x7F4E);
  ci_tlv_append_u8 (out, 0x5F29, 0x00);
  inner = ci_tlv_begin (out, 0x7F49);
  ci_tlv_append (out, 0x86, key, 200);
  ci_tlv_end (out, inner);
  ci_tlv_append_string (out, 0x5F20, "ANN LEE");
  ci_tlv_append (out, 0x5F8101, NULL, 0);
  ci_tlv_end (out, outer);
  return out;
}

static void
test_tlv_truncated (void)
{
  g_autoptr(GByteArray) full = build_nested ();

  for (gsize len = 0; len < full->len; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (full->data, len);
      g_autoptr(GError) one_error = NULL;
      g_autoptr(GError) next_error = NULL;
      CiTlvReader reader;
      CiTlv tlv;

      g_assert_false (ci_tlv_parse_one (copy, len, &tlv, &one_error));
      g_assert_error (one_error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
      ci_tlv_reader_init (&reader, copy, len);
      g_assert_false (ci_tlv_reader_next (&reader, &tlv, &next_error));
      if (len == 0)
        g_assert_no_error (next_error);
      else
        g_assert_error (next_error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
    }
}

static void
test_tlv_find (void)
{
  g_autoptr(GByteArray) bytes = unhex ("A5 03 84 01 AA 00 84 01 BB 5F 20 01 CC");
  g_autoptr(GByteArray) broken = unhex ("84 01 AA 85 09 BB 5F 20 01 CC");
  g_autoptr(GError) error = NULL;
  CiTlv tlv;

  g_assert_true (ci_tlv_find (bytes->data, bytes->len, 0x84, &tlv, &error));
  g_assert_cmpmem (tlv.value, tlv.len, "\xBB", 1);
  g_assert_true (ci_tlv_find (bytes->data, bytes->len, 0x5F20, &tlv, &error));
  g_assert_cmpmem (tlv.value, tlv.len, "\xCC", 1);
  g_assert_true (ci_tlv_find (bytes->data, bytes->len, 0xA5, &tlv, &error));
  g_assert_true (tlv.constructed);
  g_assert_cmpuint (tlv.len, ==, 3);

  g_assert_false (ci_tlv_find (bytes->data, bytes->len, 0x86, &tlv, &error));
  g_assert_no_error (error);

  /* Before the damage it finds; past it, it reports the damage. */
  g_assert_true (ci_tlv_find (broken->data, broken->len, 0x84, &tlv, &error));
  g_assert_false (ci_tlv_find (broken->data, broken->len, 0x5F20, &tlv, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
}

/* TLV building ------------------------------------------------------------------------------- */

static void
test_tlv_append_tags (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *text = NULL;

  ci_tlv_append_u8 (out, 0x84, 0x01);
  ci_tlv_append_string (out, 0x5F20, "AB");
  ci_tlv_append (out, 0x7F49, NULL, 0);
  ci_tlv_append_u8 (out, 0x5F8101, 0x7A);
  ci_tlv_append_string (out, 0x53, "");
  text = hex (out->data, out->len);
  g_assert_cmpstr (text, ==, "84 01 01 5F 20 02 41 42 7F 49 00 5F 81 01 01 7A 53 00");
}

static void
test_tlv_header_len (void)
{
  g_assert_cmpuint (ci_tlv_header_len (0x84, 0), ==, 2);
  g_assert_cmpuint (ci_tlv_header_len (0x84, 127), ==, 2);
  g_assert_cmpuint (ci_tlv_header_len (0x5F20, 128), ==, 4);
  g_assert_cmpuint (ci_tlv_header_len (0x7F49, 256), ==, 5);
  g_assert_cmpuint (ci_tlv_header_len (0x5F8101, 65536), ==, 7);
}

static void
check_begin_end (gsize       content,
                 const char *header)
{
  g_autoptr(GByteArray) out = unhex ("99");
  g_autoptr(GByteArray) expected_header = unhex (header);
  g_autofree guint8 *value = pattern (content);
  g_autofree char *got = NULL;
  guint mark;
  CiTlv tlv;

  mark = ci_tlv_begin (out, 0x7F49);
  g_assert_cmpuint (mark, ==, 1);
  g_byte_array_append (out, value, content);
  ci_tlv_end (out, mark);

  g_assert_cmpuint (out->len, ==, 1 + expected_header->len + content);
  got = hex (out->data + 1, expected_header->len);
  g_assert_cmpstr (got, ==, header);
  g_assert_true (ci_tlv_parse_one (out->data + 1, out->len - 1, &tlv, NULL));
  g_assert_cmphex (tlv.tag, ==, 0x7F49);
  g_assert_true (tlv.constructed);
  g_assert_cmpmem (tlv.value, tlv.len, value, content);
}

static void
test_tlv_begin_end_sizes (void)
{
  check_begin_end (0, "7F 49 00");
  check_begin_end (127, "7F 49 7F");
  check_begin_end (128, "7F 49 81 80");
  check_begin_end (255, "7F 49 81 FF");
  check_begin_end (256, "7F 49 82 01 00");
  check_begin_end (65536, "7F 49 83 01 00 00");
}

static void
test_tlv_begin_end_nested (void)
{
  g_autoptr(GByteArray) out = build_nested ();
  g_autofree guint8 *key = pattern (200);
  CiTlvReader reader;
  CiTlv outer;
  CiTlv inner;
  CiTlv tlv;

  /* 7F4E 81 E1 { 5F29 01 00, 7F49 81 CB { 86 81 C8 key }, 5F20 07 "ANN LEE", 5F8101 00 } */
  g_assert_cmpuint (out->len, ==, 4 + 0xE1);
  g_assert_cmpmem (out->data, 4, "\x7F\x4E\x81\xE1", 4);
  g_assert_true (ci_tlv_parse_one (out->data, out->len, &outer, NULL));
  g_assert_cmphex (outer.tag, ==, 0x7F4E);
  g_assert_cmpuint (outer.len, ==, 0xE1);

  ci_tlv_reader_init (&reader, outer.value, outer.len);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, NULL));
  g_assert_cmphex (tlv.tag, ==, 0x5F29);
  g_assert_true (ci_tlv_reader_next (&reader, &inner, NULL));
  g_assert_cmphex (inner.tag, ==, 0x7F49);
  g_assert_cmpuint (inner.len, ==, 3 + 200);
  g_assert_true (ci_tlv_parse_one (inner.value, inner.len, &tlv, NULL));
  g_assert_cmpmem (tlv.value, tlv.len, key, 200);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, NULL));
  g_assert_cmpmem (tlv.value, tlv.len, "ANN LEE", 7);
  g_assert_true (ci_tlv_reader_next (&reader, &tlv, NULL));
  g_assert_cmphex (tlv.tag, ==, 0x5F8101);
  g_assert_cmpuint (tlv.len, ==, 0);
  g_assert_false (ci_tlv_reader_next (&reader, &tlv, NULL));
}

/* Status words ------------------------------------------------------------------------------- */

static void
test_sw_table (void)
{
  static const struct { guint16 sw; CiCardError code; } expected[] = {
    { 0x6282, CI_CARD_ERROR_PROTOCOL }, { 0x6283, CI_CARD_ERROR_CONDITIONS },
    { 0x6300, CI_CARD_ERROR_SECURITY }, { 0x63C0, CI_CARD_ERROR_BLOCKED },
    { 0x63C2, CI_CARD_ERROR_WRONG_PIN }, { 0x63CF, CI_CARD_ERROR_WRONG_PIN },
    { 0x6581, CI_CARD_ERROR_MEMORY }, { 0x6700, CI_CARD_ERROR_WRONG_DATA },
    { 0x6882, CI_CARD_ERROR_SECURE_MESSAGING }, { 0x6883, CI_CARD_ERROR_PROTOCOL },
    { 0x6884, CI_CARD_ERROR_UNSUPPORTED }, { 0x6982, CI_CARD_ERROR_SECURITY },
    { 0x6983, CI_CARD_ERROR_BLOCKED }, { 0x6984, CI_CARD_ERROR_CONDITIONS },
    { 0x6985, CI_CARD_ERROR_CONDITIONS }, { 0x6986, CI_CARD_ERROR_CONDITIONS },
    { 0x6987, CI_CARD_ERROR_SECURE_MESSAGING }, { 0x6988, CI_CARD_ERROR_SECURE_MESSAGING },
    { 0x6A80, CI_CARD_ERROR_WRONG_DATA }, { 0x6A81, CI_CARD_ERROR_UNSUPPORTED },
    { 0x6A82, CI_CARD_ERROR_NOT_FOUND }, { 0x6A84, CI_CARD_ERROR_NO_SPACE },
    { 0x6A86, CI_CARD_ERROR_WRONG_DATA }, { 0x6A88, CI_CARD_ERROR_NOT_FOUND },
    { 0x6B00, CI_CARD_ERROR_WRONG_DATA }, { 0x6D00, CI_CARD_ERROR_UNSUPPORTED },
    { 0x6E00, CI_CARD_ERROR_UNSUPPORTED }, { 0x6F00, CI_CARD_ERROR_FAILED },
  };
  const char *unknown = ci_card_sw_meaning (0x6F12);

  g_assert_cmpint (ci_card_error_for_sw (0x6F12), ==, CI_CARD_ERROR_FAILED);
  g_assert_nonnull (strstr (unknown, "contact support"));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const char *meaning = ci_card_sw_meaning (expected[i].sw);

      g_assert_cmpint (ci_card_error_for_sw (expected[i].sw), ==, expected[i].code);
      /* Each known status word has its own words, not the fallback's. */
      g_assert_true (meaning != unknown);
      g_assert_cmpuint (strlen (meaning), >, 20);
    }
}

static void
test_sw_tries_left (void)
{
  g_assert_cmpint (ci_card_sw_tries_left (0x63C2), ==, 2);
  g_assert_cmpint (ci_card_sw_tries_left (0x63CF), ==, 15);
  g_assert_cmpint (ci_card_sw_tries_left (0x63C0), ==, 0);
  g_assert_cmpint (ci_card_sw_tries_left (0x6300), ==, -1);
  g_assert_cmpint (ci_card_sw_tries_left (0x9000), ==, -1);
  g_assert_cmpint (ci_card_sw_tries_left (0x6983), ==, -1);
}

static void
test_sw_check_messages (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_card_check_sw (0x9000, "Reading the card", &error));
  g_assert_no_error (error);

  g_assert_false (ci_card_check_sw (0x6982, "Writing the zones", &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURITY);
  g_assert_cmpstr (error->message, ==, "Writing the zones failed: the card refused the command "
                   "because the secure channel is not open (6982).");
  g_clear_error (&error);

  g_assert_false (ci_card_check_sw (0x63C2, "Opening the secure channel", &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_PIN);
  g_assert_true (g_str_has_prefix (error->message, "Opening the secure channel failed: "));
  g_assert_true (g_str_has_suffix (error->message, " 2 tries left before the card locks "
                                   "itself (63C2)."));
  g_clear_error (&error);

  g_assert_false (ci_card_check_sw (0x63C1, "Opening the secure channel", &error));
  g_assert_nonnull (strstr (error->message, " 1 try left "));
  g_clear_error (&error);

  g_assert_false (ci_card_check_sw (0x6F12, NULL, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "The card command failed: "));
  g_assert_true (g_str_has_suffix (error->message, "(6F12)."));
  g_clear_error (&error);

  g_assert_false (ci_card_check_sw (0x6983, "Opening the secure channel", &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_BLOCKED);
}

/* PC/SC -------------------------------------------------------------------------------------- */

static char *
pcsc_message (long         rv,
              CiCardPhase  phase,
              int         *code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ci_card_error_from_pcsc (rv, phase, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CI_CARD_ERROR);
  *code = error->code;
  return g_strdup (error->message);
}

static void
test_pcsc_removed (void)
{
  g_autofree char *idle = NULL;
  g_autofree char *reading = NULL;
  g_autofree char *writing = NULL;
  int code;

  idle = pcsc_message (SCARD_W_REMOVED_CARD, CI_CARD_PHASE_IDLE, &code);
  g_assert_cmpint (code, ==, CI_CARD_ERROR_CARD_REMOVED);
  reading = pcsc_message (SCARD_W_REMOVED_CARD, CI_CARD_PHASE_READING, &code);
  g_assert_cmpstr (reading, ==, "The card was removed while it was being read. Insert it again.");
  writing = pcsc_message (SCARD_W_REMOVED_CARD, CI_CARD_PHASE_WRITING, &code);
  g_assert_cmpint (code, ==, CI_CARD_ERROR_CARD_REMOVED);
  g_assert_cmpstr (writing, ==, "Card removed during writing — the card is not usable yet; "
                   "insert it again to finish.");
  g_assert_cmpstr (idle, !=, reading);
}

static void
test_pcsc_success (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_card_error_from_pcsc (SCARD_S_SUCCESS, CI_CARD_PHASE_WRITING, &error));
  g_assert_no_error (error);
}

static void
test_pcsc_all_codes (void)
{
  static const struct { long rv; CiCardError code; } expected[] = {
    { SCARD_E_NO_SERVICE, CI_CARD_ERROR_NO_SERVICE },
    { SCARD_E_SERVICE_STOPPED, CI_CARD_ERROR_NO_SERVICE },
    { SCARD_E_NO_READERS_AVAILABLE, CI_CARD_ERROR_NO_READER },
    { SCARD_E_UNKNOWN_READER, CI_CARD_ERROR_NO_READER },
    { SCARD_E_READER_UNAVAILABLE, CI_CARD_ERROR_READER_GONE },
    { SCARD_E_NO_SMARTCARD, CI_CARD_ERROR_NO_CARD },
    { SCARD_W_REMOVED_CARD, CI_CARD_ERROR_CARD_REMOVED },
    { SCARD_W_RESET_CARD, CI_CARD_ERROR_CARD_REMOVED },
    { SCARD_W_UNPOWERED_CARD, CI_CARD_ERROR_CARD_REMOVED },
    { SCARD_W_UNRESPONSIVE_CARD, CI_CARD_ERROR_UNRESPONSIVE },
    { SCARD_W_UNSUPPORTED_CARD, CI_CARD_ERROR_UNRESPONSIVE },
    { SCARD_E_PROTO_MISMATCH, CI_CARD_ERROR_UNRESPONSIVE },
    { SCARD_E_SHARING_VIOLATION, CI_CARD_ERROR_SHARING },
    { SCARD_E_TIMEOUT, CI_CARD_ERROR_TIMEOUT },
    { SCARD_E_CANCELLED, CI_CARD_ERROR_CANCELLED },
    { SCARD_E_NOT_TRANSACTED, CI_CARD_ERROR_COMMS },
    { SCARD_F_COMM_ERROR, CI_CARD_ERROR_COMMS },
    { SCARD_E_INSUFFICIENT_BUFFER, CI_CARD_ERROR_PROTOCOL },
    { SCARD_E_INVALID_HANDLE, CI_CARD_ERROR_COMMS },
    /* Program or system faults: nothing specific for the desk to do. */
    { SCARD_E_INVALID_PARAMETER, CI_CARD_ERROR_FAILED },
    { SCARD_E_NO_MEMORY, CI_CARD_ERROR_FAILED },
    { SCARD_F_INTERNAL_ERROR, CI_CARD_ERROR_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    for (CiCardPhase phase = CI_CARD_PHASE_IDLE; phase <= CI_CARD_PHASE_WRITING; phase++)
      {
        int code;
        g_autofree char *message = pcsc_message (expected[i].rv, phase, &code);

        g_assert_cmpint (code, ==, expected[i].code);
        g_assert_true (g_str_has_suffix (message, "."));
        /* Whatever went wrong, a half-written card must be called out. */
        if (phase == CI_CARD_PHASE_WRITING)
          g_assert_nonnull (strstr (message, "not usable yet"));
        else
          g_assert_null (strstr (message, "not usable yet"));
      }
}

static void
test_pcsc_no_service (void)
{
  int code;
  g_autofree char *message = pcsc_message (SCARD_E_NO_SERVICE, CI_CARD_PHASE_IDLE, &code);

  g_assert_cmpint (code, ==, CI_CARD_ERROR_NO_SERVICE);
  g_assert_nonnull (strstr (message, "pcscd"));
  g_assert_nonnull (strstr (message, "not running"));
  g_assert_nonnull (strstr (message, "systemctl start pcscd"));
}

static void
test_pcsc_unknown (void)
{
  int code;
  long rv = (long) 0x80100099;
  g_autofree char *message = pcsc_message (rv, CI_CARD_PHASE_IDLE, &code);
  g_autofree char *writing = pcsc_message (rv, CI_CARD_PHASE_WRITING, &code);

  g_assert_cmpint (code, ==, CI_CARD_ERROR_FAILED);
  g_assert_nonnull (strstr (message, "0x80100099"));
  g_assert_nonnull (strstr (message, pcsc_stringify_error (rv)));
  g_assert_nonnull (strstr (writing, "not usable yet"));
}

static void
test_error_quark (void)
{
  g_assert_cmpstr (g_quark_to_string (CI_CARD_ERROR), ==, "ci-card-error-quark");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/apdu/encode-cases", test_apdu_encode_cases);
  g_test_add_func ("/apdu/encode-le-maximum", test_apdu_encode_le_maximum);
  g_test_add_func ("/apdu/encode-lc-boundaries", test_apdu_encode_lc_boundaries);
  g_test_add_func ("/apdu/encode-too-big", test_apdu_encode_too_big);
  g_test_add_func ("/apdu/encode-appends", test_apdu_encode_appends);
  g_test_add_func ("/apdu/round-trip-cases", test_apdu_round_trip_cases);
  g_test_add_func ("/apdu/round-trip-boundaries", test_apdu_round_trip_boundaries);
  g_test_add_func ("/apdu/parse-malformed", test_apdu_parse_malformed);
  g_test_add_func ("/apdu/parse-truncated", test_apdu_parse_truncated);
  g_test_add_func ("/apdu/parse-cases", test_apdu_parse_cases);
  g_test_add_func ("/apdu/describe", test_apdu_describe);
  g_test_add_func ("/apdu/describe-sensitive", test_apdu_describe_sensitive);
  g_test_add_func ("/apdu/describe-long", test_apdu_describe_long);
  g_test_add_func ("/apdu/copy", test_apdu_copy);
  g_test_add_func ("/apdu/response-parse", test_response_parse);
  g_test_add_func ("/apdu/response-too-short", test_response_too_short);

  g_test_add_func ("/tlv/tags", test_tlv_tags);
  g_test_add_func ("/tlv/length-forms", test_tlv_length_forms);
  g_test_add_func ("/tlv/bad-lengths", test_tlv_bad_lengths);
  g_test_add_func ("/tlv/bad-tags", test_tlv_bad_tags);
  g_test_add_func ("/tlv/trailing-bytes", test_tlv_trailing_bytes);
  g_test_add_func ("/tlv/reader-padding", test_tlv_reader_padding);
  g_test_add_func ("/tlv/reader-error-offset", test_tlv_reader_error_offset);
  g_test_add_func ("/tlv/truncated", test_tlv_truncated);
  g_test_add_func ("/tlv/find", test_tlv_find);
  g_test_add_func ("/tlv/append-tags", test_tlv_append_tags);
  g_test_add_func ("/tlv/header-len", test_tlv_header_len);
  g_test_add_func ("/tlv/begin-end-sizes", test_tlv_begin_end_sizes);
  g_test_add_func ("/tlv/begin-end-nested", test_tlv_begin_end_nested);

  g_test_add_func ("/card-error/sw-table", test_sw_table);
  g_test_add_func ("/card-error/sw-tries-left", test_sw_tries_left);
  g_test_add_func ("/card-error/sw-check-messages", test_sw_check_messages);
  g_test_add_func ("/card-error/pcsc-removed", test_pcsc_removed);
  g_test_add_func ("/card-error/pcsc-success", test_pcsc_success);
  g_test_add_func ("/card-error/pcsc-all-codes", test_pcsc_all_codes);
  g_test_add_func ("/card-error/pcsc-no-service", test_pcsc_no_service);
  g_test_add_func ("/card-error/pcsc-unknown", test_pcsc_unknown);
  g_test_add_func ("/card-error/quark", test_error_quark);

  return g_test_run ();
}
