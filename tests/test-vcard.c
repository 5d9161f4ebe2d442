/* test-vcard.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The virtual card's command processor, driven directly (no socket, no
 * pcscd): a blank card, a full issuance per docs/card-profile.md §7 through
 * real secure messaging with the core's host functions, then the rules of
 * §2–§6, the T=0 and small-buffer behaviour, the image and the clone.
 * The hopper tests also run ci_vpcd_run() in a thread and play the vpcd
 * reader on a loopback socket.
 */

#include "ci-vcard.h"
#include "ci-vpcd.h"

#include "card/ci-apdu.h"
#include "card/ci-sm.h"
#include "card/ci-tlv.h"
#include "keys/ci-digest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define AID "F0 43 41 52 44 49 53 53 55 45 01"

static const guint8 admin_key[16] = {
  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
  0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
};
static const guint8 pin_1234[8] = { '1', '2', '3', '4', 0xFF, 0xFF, 0xFF, 0xFF };
static const guint8 puk[8] = { '1', '2', '3', '4', '5', '6', '7', '8' };

/* When not -1, commands go over this vpcd socket to a card that ci_vpcd_run()
 * serves in another thread, rather than straight into the processor. */
static int wire = -1;

/* ---- helpers ------------------------------------------------------------------------ */

static GByteArray *
unhex (const char *hex)
{
  g_autoptr(GString) compact = g_string_new (NULL);
  GByteArray *out = g_byte_array_new ();

  for (const char *p = hex; *p; p++)
    if (*p != ' ')
      g_string_append_c (compact, *p);
  g_byte_array_set_size (out, (guint) compact->len / 2);
  g_assert_true (ci_hex_decode (compact->str, out->data, out->len));
  return out;
}

static guint8 *
transport_key (void)
{
  static guint8 key[16];

  g_assert_true (ci_hex_decode (CI_VCARD_DEFAULT_TRANSPORT_KEY, key, sizeof key));
  return key;
}

static GBytes *wire_transmit (const guint8 *bytes,
                               gsize         len);

static CiResponse *
send_raw (CiVcard      *card,
          const guint8 *bytes,
          gsize         len)
{
  g_autoptr(GBytes) answer = wire != -1 ? wire_transmit (bytes, len)
                                        : ci_vcard_process (card, bytes, len);
  gsize n;
  const guint8 *data = g_bytes_get_data (answer, &n);

  g_assert_cmpuint (n, >=, 2);
  return ci_response_parse (data, n, NULL);
}

static CiResponse *
send_hex (CiVcard    *card,
          const char *hex)
{
  g_autoptr(GByteArray) bytes = unhex (hex);

  return send_raw (card, bytes->data, bytes->len);
}

static void
assert_sw (CiVcard    *card,
           const char *hex,
           guint16     sw)
{
  g_autoptr(CiResponse) response = send_hex (card, hex);

  g_assert_cmphex (response->sw, ==, sw);
}

static CiResponse *
send_apdu (CiVcard      *card,
           const CiApdu *apdu)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_apdu_encode (apdu, CI_APDU_ENCODING_AUTO, bytes, &error));
  g_assert_no_error (error);
  return send_raw (card, bytes->data, bytes->len);
}

/* GET CHALLENGE and MUTUAL AUTHENTICATE as the host does them (profile §6.1). */
static CiSm *
open_session (CiVcard      *card,
              const guint8  key[16],
              guint8        kr,
              guint16       expected_sw)
{
  CiSmAuth auth = { .cipher = CI_SM_CIPHER_AES128 };
  g_autoptr(CiResponse) challenge = send_hex (card, "00 84 00 00 08");
  g_autoptr(GByteArray) cryptogram = NULL;
  g_autoptr(CiApdu) ma = NULL;
  g_autoptr(CiResponse) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint8 kenc[16], kmac[16];

  g_assert_cmphex (challenge->sw, ==, 0x9000);
  g_assert_cmpuint (challenge->len, ==, 8);
  memcpy (auth.rnd_icc, challenge->data, 8);
  g_assert_true (ci_random_bytes (auth.rnd_ifd, 8, NULL));
  g_assert_true (ci_random_bytes (auth.k_ifd, 16, NULL));
  ci_sm_kdf (CI_SM_CIPHER_AES128, key, 16, CI_SM_KDF_ENC, kenc);
  ci_sm_kdf (CI_SM_CIPHER_AES128, key, 16, CI_SM_KDF_MAC, kmac);
  cryptogram = ci_sm_auth_host_cryptogram (&auth, kenc, kmac, &error);
  g_assert_no_error (error);
  ma = ci_apdu_new (0x00, 0x82, 0x00, kr, cryptogram->data, cryptogram->len, 256);
  answer = send_apdu (card, ma);
  g_assert_cmphex (answer->sw, ==, expected_sw);
  if (expected_sw != 0x9000)
    return NULL;
  g_assert_true (ci_sm_auth_host_finish (&auth, kenc, kmac, answer->data, answer->len, &error));
  g_assert_no_error (error);
  return ci_sm_auth_session (&auth);
}

/* Sends @plain protected; a plain answer (6987, 6988, 6982) comes back as is. */
static CiResponse *
sm_send (CiVcard      *card,
         CiSm         *sm,
         const CiApdu *plain)
{
  g_autoptr(CiApdu) wrapped = NULL;
  g_autoptr(CiResponse) outer = NULL;
  g_autoptr(GError) error = NULL;
  CiResponse *inner;

  wrapped = ci_sm_wrap_command (sm, plain, &error);
  g_assert_no_error (error);
  outer = send_apdu (card, wrapped);
  if (outer->len == 0)
    return g_steal_pointer (&outer);
  g_assert_cmphex (outer->sw, ==, 0x9000);
  inner = ci_sm_unwrap_response (sm, outer, &error);
  g_assert_no_error (error);
  return inner;
}

static guint16
sm_sw (CiVcard    *card,
       CiSm       *sm,
       const char *plain_hex)
{
  g_autoptr(GByteArray) bytes = unhex (plain_hex);
  g_autoptr(CiApdu) plain = ci_apdu_parse (bytes->data, bytes->len, NULL, NULL);
  g_autoptr(CiResponse) response = NULL;

  g_assert_nonnull (plain);
  response = sm_send (card, sm, plain);
  return response->sw;
}

static guint16
sm_data (CiVcard      *card,
         CiSm         *sm,
         guint8        cla,
         guint8        ins,
         guint8        p1,
         guint8        p2,
         const guint8 *data,
         gsize         len)
{
  g_autoptr(CiApdu) plain = ci_apdu_new (cla, ins, p1, p2, data, len, 0);
  g_autoptr(CiResponse) response = sm_send (card, sm, plain);

  return response->sw;
}

static GByteArray *
read_file (CiVcard *card,
           guint8   sfi)
{
  g_autoptr(CiApdu) read = ci_apdu_new (0x00, 0xB0, 0x80 | sfi, 0x00, NULL, 0, 65536);
  g_autoptr(CiResponse) response = send_apdu (card, read);
  GByteArray *out = g_byte_array_new ();

  g_assert_true (response->sw == 0x9000 || response->sw == 0x6282);
  g_byte_array_append (out, response->data, response->len);
  return out;
}

/* ---- the profile's files -------------------------------------------------------------- */

static GByteArray *
card_object (void)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, 0xE0);

  ci_tlv_append_u8 (out, 0x80, 0x01);
  ci_tlv_append_string (out, 0x81, "0000012345");
  ci_tlv_append_u8 (out, 0x82, 0x01);
  ci_tlv_append_string (out, 0x83, "20301231");
  ci_tlv_append (out, 0x84, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  ci_tlv_append_string (out, 0x85, "20260101");
  ci_tlv_end (out, mark);
  return out;
}

/* A large object, so that EF.ZONES is written in several UPDATE BINARYs. */
static GByteArray *
zones_object (void)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, 0xE2);

  ci_tlv_append (out, 0x80, "\x00\x00\x00\x07", 4);
  for (guint i = 0; i < 40; i++)
    {
      guint zone = ci_tlv_begin (out, 0xA0);
      const guint8 id[4] = { 0, 0, 0, (guint8) i };

      ci_tlv_append (out, 0x80, id, 4);
      ci_tlv_append_u8 (out, 0x81, 0x02);
      ci_tlv_append_string (out, 0x83, "HQ-B1-LABORATORY-WING");
      ci_tlv_end (out, zone);
    }
  ci_tlv_end (out, mark);
  return out;
}

/* 62 { 80 size, 82 01, 83 FID, [88 SFI], 8C rule } */
static GByteArray *
ef_fcp (guint16     fid,
        gsize       size,
        guint8      sfi,
        const char *rule_hex)
{
  g_autoptr(GByteArray) rule = unhex (rule_hex);
  const guint8 size_bytes[2] = { size >> 8, size & 0xFF };
  const guint8 fid_bytes[2] = { fid >> 8, fid & 0xFF };
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, 0x62);

  ci_tlv_append (out, 0x80, size_bytes, 2);
  ci_tlv_append_u8 (out, 0x82, 0x01);
  ci_tlv_append (out, 0x83, fid_bytes, 2);
  if (sfi != 0)
    ci_tlv_append_u8 (out, 0x88, sfi);
  ci_tlv_append (out, 0x8C, rule->data, rule->len);
  ci_tlv_end (out, mark);
  return out;
}

static guint16
create_file (CiVcard    *card,
             CiSm       *sm,
             GByteArray *fcp)
{
  guint16 sw = sm_data (card, sm, 0x00, 0xE0, 0x00, 0x00, fcp->data, fcp->len);

  g_byte_array_unref (fcp);
  return sw;
}

static void
create_ef (CiVcard    *card,
           CiSm       *sm,
           guint8      n,
           gsize       size,
           const char *rule_hex)
{
  g_assert_cmphex (create_file (card, sm, ef_fcp (0xC000 | n, size, n, rule_hex)), ==, 0x9000);
}

/* A command with @n zero bytes of data, and Le 00 if @le. */
static void
assert_zeros_sw (CiVcard    *card,
                 const char *header,
                 guint       n,
                 gboolean    le,
                 guint16     sw)
{
  g_autoptr(GString) hex = g_string_new (header);

  g_string_append_printf (hex, " %02X", n);
  for (guint i = 0; i < n; i++)
    g_string_append (hex, " 00");
  if (le)
    g_string_append (hex, " 00");
  assert_sw (card, hex->str, sw);
}

/* Profile §7.2: initialise with the transport key. Returns the 7F49 object. */
static GByteArray *
initialise (CiVcard *card)
{
  g_autoptr(GByteArray) df_fcp = unhex ("62 1B 82 01 38 83 02 43 49 84 0B " AID
                                        " 8C 05 72 41 41 41 41");
  g_autoptr(GByteArray) ef_card = card_object ();
  g_autoptr(CiSm) sm = NULL;
  g_autoptr(CiApdu) generate = ci_apdu_new (0x00, 0x46, 0x00, 0x03, NULL, 0, 256);
  g_autoptr(CiResponse) key = NULL;
  GByteArray *out = g_byte_array_new ();

  assert_sw (card, "00 A4 00 0C 02 3F 00", 0x9000);
  sm = open_session (card, transport_key (), 0x01, 0x9000);
  g_assert_cmphex (sm_data (card, sm, 0x00, 0xE0, 0, 0, df_fcp->data, df_fcp->len), ==, 0x9000);
  create_ef (card, sm, 1, 128, "03 41 00");
  create_ef (card, sm, 2, 3072, "03 41 00");
  create_ef (card, sm, 3, 4096, "03 41 00");
  create_ef (card, sm, 4, 128, "03 FF 00");
  create_ef (card, sm, 5, 128, "03 41 00");
  g_assert_cmphex (sm_data (card, sm, 0x00, 0xD6, 0x81, 0x00, ef_card->data, ef_card->len),
                   ==, 0x9000);
  g_assert_cmphex (sm_data (card, sm, 0x80, 0xD8, 0x00, 0x02, admin_key, 16), ==, 0x9000);
  key = sm_send (card, sm, generate);
  g_assert_cmphex (key->sw, ==, 0x9000);
  g_assert_cmpuint (key->len, ==, 80);
  g_assert_cmphex (key->data[0], ==, 0x7F);
  g_assert_cmphex (key->data[1], ==, 0x49);
  g_byte_array_append (out, key->data, key->len);
  g_assert_cmphex (sm_sw (card, sm, "80 E4 00 01"), ==, 0x9000);
  return out;
}

/* Profile §7.3 and §7.4: personalise and lock with the admin key. */
static void
personalise (CiVcard *card)
{
  g_autoptr(GByteArray) zones = zones_object ();
  g_autoptr(CiSm) sm = open_session (card, admin_key, 0x02, 0x9000);
  static const guint8 identity[] = { 0xE1, 0x06, 0x80, 0x04, 'E', '0', '0', '1' };
  static const guint8 signature[] = { 0xE3, 0x03, 0x81, 0x01, 0x01 };

  g_assert_cmpuint (zones->len, >, 255);
  g_assert_cmphex (sm_data (card, sm, 0x00, 0xD6, 0x82, 0x00, identity, sizeof identity), ==,
                   0x9000);
  /* EF.ZONES in 200-byte pieces, P1 P2 = offset after a SELECT of the EF. */
  g_assert_cmphex (sm_sw (card, sm, "00 A4 02 0C 02 C0 03"), ==, 0x9000);
  for (gsize at = 0; at < zones->len; at += 200)
    g_assert_cmphex (sm_data (card, sm, 0x00, 0xD6, at >> 8, at & 0xFF, zones->data + at,
                              MIN (200, zones->len - at)), ==, 0x9000);
  g_assert_cmphex (sm_data (card, sm, 0x00, 0x24, 0x01, 0x81, pin_1234, 8), ==, 0x9000);
  g_assert_cmphex (sm_data (card, sm, 0x00, 0x24, 0x01, 0x82, puk, 8), ==, 0x9000);
  g_assert_cmphex (sm_data (card, sm, 0x00, 0xD6, 0x85, 0x00, signature, sizeof signature), ==,
                   0x9000);
  g_assert_cmphex (sm_sw (card, sm, "00 44 00 00"), ==, 0x9000);
}

/* ---- EC verification on the host side ------------------------------------------------ */

static EVP_PKEY *
public_key_from_object (const guint8 *object,
                        gsize         len)
{
  CiTlv outer, point;
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  OSSL_PARAM params[3];

  g_assert_true (ci_tlv_parse_one (object, len, &outer, NULL));
  g_assert_cmphex (outer.tag, ==, 0x7F49);
  g_assert_true (ci_tlv_find (outer.value, outer.len, 0x86, &point, NULL));
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME,
                                                (char *) "prime256v1", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY,
                                                 (void *) point.value, point.len);
  params[2] = OSSL_PARAM_construct_end ();
  g_assert_cmpint (EVP_PKEY_fromdata_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params), ==, 1);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

/* INTERNAL AUTHENTICATE with a fresh challenge, checked against EF.CARDKEY. */
static gboolean
card_proves_key (CiVcard *card)
{
  g_autoptr(GByteArray) cardkey = read_file (card, 4);
  g_autoptr(CiApdu) ia = NULL;
  g_autoptr(CiResponse) sig = NULL;
  guint8 message[7 + 32] = { 'C', 'I', 'A', 'U', 'T', 'H', '1' };
  EVP_PKEY *key;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  CiTlv object;
  gboolean ok;

  g_assert_true (ci_random_bytes (message + 7, 32, NULL));
  ia = ci_apdu_new (0x00, 0x88, 0x00, 0x03, message + 7, 32, 256);
  sig = send_apdu (card, ia);
  g_assert_cmphex (sig->sw, ==, 0x9000);
  g_assert_cmphex (sig->data[0], ==, 0x30);
  /* One object at offset 0, then 00 fill (profile §2). */
  g_assert_true (ci_tlv_find (cardkey->data, cardkey->len, 0x7F49, &object, NULL));
  key = public_key_from_object (cardkey->data, ci_tlv_header_len (0x7F49, object.len)
                                                 + object.len);
  g_assert_cmpint (EVP_DigestVerifyInit_ex (ctx, NULL, "SHA256", NULL, NULL, key, NULL), ==, 1);
  ok = EVP_DigestVerify (ctx, sig->data, sig->len, message, sizeof message) == 1;
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (key);
  return ok;
}

/* ---- fixtures ------------------------------------------------------------------------ */

typedef struct
{
  CiVcard    *card;
  GByteArray *cardkey;
  char       *dir;
  char       *image;
} Fixture;

static void
fixture_blank (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->card = ci_vcard_new_blank (transport_key ());
  f->dir = g_dir_make_tmp ("test-vcard-XXXXXX", &error);
  g_assert_no_error (error);
  f->image = g_build_filename (f->dir, "card.img", NULL);
}

static void
fixture_issued (Fixture       *f,
                gconstpointer  data)
{
  fixture_blank (f, data);
  f->cardkey = initialise (f->card);
  personalise (f->card);
  ci_vcard_reset (f->card);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unlink (f->image);
  g_rmdir (f->dir);
  g_free (f->image);
  g_free (f->dir);
  g_clear_pointer (&f->cardkey, g_byte_array_unref);
  ci_vcard_free (f->card);
}

static void
select_df (CiVcard *card)
{
  assert_sw (card, "00 A4 04 0C 0B " AID, 0x9000);
}

/* ---- tests: blank card ---------------------------------------------------------------- */

static void
test_atr (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GBytes) t1 = ci_vcard_get_atr (f->card);
  g_autoptr(GBytes) t0 = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GByteArray) want_t1 = unhex ("3B 8B 80 01 80 73 00 00 40 55 43 49 56 43 31 C2");
  g_autoptr(GByteArray) want_t0 = unhex ("3B 0B 80 73 00 00 00 55 43 49 56 43 31");
  g_autoptr(GBytes) w1 = g_bytes_new (want_t1->data, want_t1->len);
  g_autoptr(GBytes) w0 = g_bytes_new (want_t0->data, want_t0->len);

  g_assert_true (g_bytes_equal (t1, w1));
  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T0);
  t0 = ci_vcard_get_atr (f->card);
  g_assert_true (g_bytes_equal (t0, w0));
  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T1);
  ci_vcard_set_max_apdu (f->card, 128);
  small = ci_vcard_get_atr (f->card);
  g_assert_cmphex (((const guint8 *) g_bytes_get_data (small, NULL))[8], ==, 0x00);
}

static void
test_blank_info (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CiResponse) fcp = NULL;
  g_autoptr(CiResponse) info = NULL;
  g_autoptr(GByteArray) want = unhex ("7F 66 09 02 02 FF FF 02 03 01 00 00");

  assert_sw (f->card, "00 A4 00 0C 02 3F 00", 0x9000);
  fcp = send_hex (f->card, "00 A4 02 04 02 2F 01 00");
  g_assert_cmphex (fcp->sw, ==, 0x9000);
  g_assert_cmphex (fcp->data[0], ==, 0x62);
  info = send_hex (f->card, "00 B0 00 00 00");
  g_assert_cmphex (info->sw, ==, 0x9000);
  g_assert_cmpmem (info->data, info->len, want->data, want->len);
  /* Explicit Le past the end: the bytes up to the end, 6282. */
  g_clear_pointer (&info, ci_response_free);
  info = send_hex (f->card, "00 B0 00 02 20");
  g_assert_cmphex (info->sw, ==, 0x6282);
  g_assert_cmpuint (info->len, ==, want->len - 2);
  assert_sw (f->card, "00 B0 00 20 01", 0x6B00);
  assert_sw (f->card, "00 D6 00 00 01 00", 0x6982);
  assert_sw (f->card, "00 A4 04 0C 0B " AID, 0x6A82);
  assert_sw (f->card, "00 20 00 81 08 31 32 33 34 FF FF FF FF", 0x6985);
  assert_zeros_sw (f->card, "00 88 00 03", 16, TRUE, 0x6985);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  assert_sw (f->card, "00 A4 00", 0x6700);
  assert_sw (f->card, "00 A4 00 0C 05 3F 00", 0x6700);
  assert_sw (f->card, "00 A4 02 0C 03 2F 01 00", 0x6700);
  assert_sw (f->card, "00 A4 08 0C 02 3F 00", 0x6A86);
  assert_sw (f->card, "00 A4 00 00 02 3F 00", 0x6A86);
  assert_sw (f->card, "00 A4 02 0C 02 2F 02", 0x6A82);
  assert_sw (f->card, "00 B0 00 00 00", 0x6986);
  assert_sw (f->card, "00 B0 81 00 00", 0x6A82);
  assert_sw (f->card, "00 B0 A1 00 00", 0x6A86);
  assert_sw (f->card, "00 12 00 00", 0x6D00);
  assert_sw (f->card, "10 A4 00 0C 02 3F 00", 0x6E00);
  assert_sw (f->card, "80 A4 00 0C 02 3F 00", 0x6E00);
  assert_sw (f->card, "00 D8 00 02 01 00", 0x6E00);
  assert_sw (f->card, "04 A4 00 0C 02 3F 00", 0x6E00);
  assert_sw (f->card, "00 84 00 00 04", 0x6700);
  assert_sw (f->card, "00 84 01 00 08", 0x6A86);
  assert_sw (f->card, "00 C0 00 00 08", 0x6985);
  /* SM without a session; SM without a MAC. */
  assert_sw (f->card, "0C B0 81 00 03 97 01 00", 0x6982);
  assert_zeros_sw (f->card, "00 82 00 01", 40, TRUE, 0x6985);
  assert_zeros_sw (f->card, "00 82 00 03", 40, TRUE, 0x6A88);
  assert_zeros_sw (f->card, "00 82 00 01", 39, TRUE, 0x6700);
}

/* Every input is answered, with at least a status word, never a crash. */
static void
test_random_input (Fixture       *f,
                   gconstpointer  data)
{
  static const guint8 ins[] = { 0xA4, 0xB0, 0xD6, 0x84, 0x82, 0x88, 0x46, 0xD8, 0xE4, 0xE0,
                                0x44, 0xE6, 0x20, 0x24, 0x2C, 0xC0 };
  static const guint8 cla[] = { 0x00, 0x0C, 0x80, 0x8C };
  guint8 buf[300];

  for (guint round = 0; round < 20000; round++)
    {
      gsize len = (gsize) g_test_rand_int_range (0, sizeof buf);
      g_autoptr(GBytes) answer = NULL;

      for (gsize i = 0; i < len; i++)
        buf[i] = (guint8) g_test_rand_int_range (0, 256);
      if (len > 1 && g_test_rand_bit ())
        {
          buf[0] = cla[g_test_rand_int_range (0, G_N_ELEMENTS (cla))];
          buf[1] = ins[g_test_rand_int_range (0, G_N_ELEMENTS (ins))];
        }
      if (len > 4 && g_test_rand_bit ())
        buf[4] = (guint8) (len - 5);
      answer = ci_vcard_process (f->card, buf, len);
      g_assert_cmpuint (g_bytes_get_size (answer), >=, 2);
    }
}

static void
test_create_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CiSm) sm = open_session (f->card, transport_key (), 0x01, 0x9000);
  g_autoptr(GByteArray) df = unhex ("62 1B 82 01 38 83 02 43 49 84 0B " AID
                                    " 8C 05 72 41 41 41 41");
  g_autoptr(GByteArray) trailing = unhex ("62 03 82 01 38 00");
  g_autoptr(GByteArray) no_fid = unhex ("62 08 82 01 01 8C 03 03 41 00");
  g_autoptr(GByteArray) plain = ef_fcp (0xC00C, 16, 0, "03 41 00");
  g_autoptr(GByteArray) apdu = g_byte_array_new ();
  g_autoptr(CiResponse) answer = NULL;
  const guint8 header[] = { 0x00, 0xE0, 0x00, 0x00, (guint8) plain->len };

  /* An EF in the MF: the MF's rule has no "create EF". */
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 16, 0, "03 41 00")), ==, 0x6982);
  /* An access rule with fewer conditions than its mode byte announces. */
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 16, 0, "03 41")), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 0, 0, "03 41 00")), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0x3F00, 16, 0, "03 41 00")), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 16, 31, "03 41 00")), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, g_byte_array_ref (trailing)), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, g_byte_array_ref (no_fid)), ==, 0x6A80);
  g_assert_cmphex (create_file (f->card, sm, g_byte_array_ref (df)), ==, 0x9000);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 16, 9, "03 41 00")), ==, 0x9000);
  /* The same FID or SFI again; a DF inside the DF; more than the card holds. */
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC009, 16, 0, "03 41 00")), ==, 0x6A89);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC00A, 16, 9, "03 41 00")), ==, 0x6A89);
  g_assert_cmphex (create_file (f->card, sm, g_byte_array_ref (df)), ==, 0x6982);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC00A, 0x7000, 0, "03 41 00")), ==, 0x9000);
  g_assert_cmphex (create_file (f->card, sm, ef_fcp (0xC00B, 0x1000, 0, "03 41 00")), ==, 0x6A84);
  /* Plain CREATE FILE: not under SM, and it ends the session. */
  g_byte_array_append (apdu, header, sizeof header);
  g_byte_array_append (apdu, plain->data, plain->len);
  answer = send_raw (f->card, apdu->data, apdu->len);
  g_assert_cmphex (answer->sw, ==, 0x6982);
  g_assert_cmphex (sm_sw (f->card, sm, "00 44 00 00"), ==, 0x6982);
}

/* An interrupted initialisation: select the DF in 03, delete it, start again. */
static void
test_restart_initialisation (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GByteArray) key = initialise (f->card);
  g_autoptr(CiSm) sm = NULL;
  g_autoptr(CiResponse) fcp = NULL;

  ci_vcard_reset (f->card);
  fcp = send_hex (f->card, "00 A4 04 04 0B " AID " 00");
  g_assert_cmphex (fcp->sw, ==, 0x9000);
  /* The transport key was deleted at the end of initialise(). */
  open_session (f->card, transport_key (), 0x01, 0x6A88);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  g_assert_cmphex (sm_sw (f->card, sm, "00 E4 00 00"), ==, 0x9000);
  assert_sw (f->card, "00 A4 04 0C 0B " AID, 0x6A82);
}

/* ---- tests: an issued card -------------------------------------------------------------- */

static void
test_issued_reads (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CiResponse) fcp = NULL;
  g_autoptr(GByteArray) ef_card = NULL;
  g_autoptr(GByteArray) want_card = card_object ();
  g_autoptr(GByteArray) zones = NULL;
  g_autoptr(GByteArray) want_zones = zones_object ();
  g_autoptr(GByteArray) cardkey = NULL;
  CiTlv lcs;

  select_df (f->card);
  fcp = send_hex (f->card, "00 A4 04 04 0B " AID " 00");
  g_assert_cmphex (fcp->sw, ==, 0x9000);
  g_assert_true (ci_tlv_find (fcp->data + 2, fcp->len - 2, 0x8A, &lcs, NULL));
  g_assert_cmphex (lcs.value[0], ==, 0x05);
  /* No DF selected after a reset: SFIs are looked up in the MF. */
  ci_vcard_reset (f->card);
  assert_sw (f->card, "00 B0 81 00 00", 0x6A82);
  select_df (f->card);
  ef_card = read_file (f->card, 1);
  g_assert_cmpuint (ef_card->len, ==, 128);
  g_assert_cmpmem (ef_card->data, want_card->len, want_card->data, want_card->len);
  zones = read_file (f->card, 3);
  g_assert_cmpuint (zones->len, ==, 4096);
  g_assert_cmpmem (zones->data, want_zones->len, want_zones->data, want_zones->len);
  cardkey = read_file (f->card, 4);
  g_assert_cmpmem (cardkey->data, f->cardkey->len, f->cardkey->data, f->cardkey->len);
  g_assert_true (card_proves_key (f->card));
}

static void
test_issued_rules (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CiSm) sm = NULL;
  g_autoptr(GByteArray) df = unhex ("62 1B 82 01 38 83 02 43 49 84 0B " AID
                                    " 8C 05 72 41 41 41 41");

  select_df (f->card);
  assert_sw (f->card, "00 D6 83 00 01 00", 0x6982);
  assert_sw (f->card, "00 D6 84 00 01 00", 0x6982);
  open_session (f->card, transport_key (), 0x01, 0x6A88);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  g_assert_cmphex (sm_data (f->card, sm, 0, 0xE0, 0, 0, df->data, df->len), ==, 0x6985);
  g_assert_cmphex (sm_sw (f->card, sm, "00 46 00 03 00"), ==, 0x6985);
  g_assert_cmphex (sm_sw (f->card, sm, "80 E4 00 02"), ==, 0x6985);
  g_assert_cmphex (sm_sw (f->card, sm, "00 44 00 00"), ==, 0x6985);
  /* EF.CARDKEY: update never, even under SM. */
  g_assert_cmphex (sm_sw (f->card, sm, "00 D6 84 00 01 00"), ==, 0x6982);
  g_assert_cmphex (sm_sw (f->card, sm, "00 D6 83 00 01 00"), ==, 0x9000);
  /* Past the end of EF.CARD (128 bytes), and beyond it. */
  g_assert_cmphex (sm_sw (f->card, sm, "00 D6 81 7F 02 00 00"), ==, 0x6A84);
  g_assert_cmphex (sm_sw (f->card, sm, "00 D6 81 80 01 00"), ==, 0x6B00);
  /* Selecting the DF again ends the session. */
  g_assert_cmphex (sm_sw (f->card, sm, "00 A4 04 0C 0B " AID), ==, 0x9000);
  assert_sw (f->card, "0C B0 81 00 03 97 01 00", 0x6982);
}

static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  select_df (f->card);
  assert_sw (f->card, "00 20 00 81", 0x63C3);
  assert_sw (f->card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x63C2);
  assert_sw (f->card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x63C1);
  assert_sw (f->card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x6983);
  assert_sw (f->card, "00 20 00 81 08 31 32 33 34 FF FF FF FF", 0x6983);
  assert_sw (f->card, "00 20 00 81 04 31 32 33 34", 0x6700);
  /* A wrong PUK costs a PUK try; the right one unblocks with a new PIN. */
  assert_sw (f->card, "00 2C 00 81 10 38 38 38 38 38 38 38 38 39 39 39 39 FF FF FF FF",
             0x63C9);
  assert_sw (f->card, "00 2C 00 81 10 31 32 33 34 35 36 37 38 39 39 FF FF FF FF FF FF", 0x6A80);
  assert_sw (f->card, "00 2C 00 81 10 31 32 33 34 35 36 37 38 39 39 39 39 FF FF FF FF",
             0x9000);
  assert_sw (f->card, "00 20 00 81", 0x63C3);
  assert_sw (f->card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x9000);
  assert_sw (f->card, "00 20 00 81", 0x9000);
  /* The holder changes it back; old PIN || new PIN. */
  assert_sw (f->card, "00 24 00 81 10 39 39 39 39 FF FF FF FF 31 32 33 34 FF FF FF FF",
             0x9000);
  assert_sw (f->card, "00 20 00 81 08 31 32 33 34 FF FF FF FF", 0x9000);
  /* The issuer form needs SM. */
  assert_sw (f->card, "00 24 01 81 08 31 32 33 34 FF FF FF FF", 0x6982);
  ci_vcard_reset (f->card);
  assert_sw (f->card, "00 20 00 81", 0x63C3);
}

static void
test_sm_errors (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CiSm) sm = NULL;
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xD6, 0x83, 0x00, (const guint8 *) "\x01", 1, 0);
  g_autoptr(CiApdu) wrapped = NULL;
  g_autoptr(CiResponse) answer = NULL;
  g_autoptr(CiSm) again = NULL;

  select_df (f->card);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  wrapped = ci_sm_wrap_command (sm, plain, NULL);
  wrapped->data[wrapped->lc - 1] ^= 0x01;
  answer = send_apdu (f->card, wrapped);
  g_assert_cmphex (answer->sw, ==, 0x6988);
  g_assert_cmpuint (answer->len, ==, 0);
  /* The session is gone. */
  assert_sw (f->card, "0C B0 81 00 03 97 01 00", 0x6982);
  /* No MAC at all: 6987. */
  again = open_session (f->card, admin_key, 0x02, 0x9000);
  assert_sw (f->card, "0C B0 81 00 03 97 01 00 00", 0x6987);
  /* GET CHALLENGE, then anything, then MUTUAL AUTHENTICATE: the challenge is gone. */
  assert_sw (f->card, "00 84 00 00 08", 0x9000);
  assert_sw (f->card, "00 A4 04 0C 0B " AID, 0x9000);
  assert_zeros_sw (f->card, "00 82 00 02", 40, TRUE, 0x6985);
  /* A wrong cryptogram: 6300. */
  assert_sw (f->card, "00 84 00 00 08", 0x9000);
  assert_zeros_sw (f->card, "00 82 00 02", 40, TRUE, 0x6300);
}

static void
test_internal_auth (Fixture       *f,
                    gconstpointer  data)
{
  select_df (f->card);
  g_assert_true (card_proves_key (f->card));
  assert_sw (f->card, "00 88 00 03 08 00 00 00 00 00 00 00 00 00", 0x6700);
  assert_sw (f->card, "00 88 00 02 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
             0x6A88);
}

static void
test_terminate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CiSm) sm = NULL;
  g_autoptr(GByteArray) ef_card = NULL;

  select_df (f->card);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  g_assert_cmphex (sm_sw (f->card, sm, "00 E6 00 00"), ==, 0x9000);
  g_assert_cmphex (sm_sw (f->card, sm, "00 D6 83 00 01 00"), ==, 0x6985);
  ci_vcard_reset (f->card);
  select_df (f->card);
  ef_card = read_file (f->card, 1);
  g_assert_cmpuint (ef_card->len, ==, 128);
  assert_sw (f->card, "00 84 00 00 08", 0x6985);
  assert_sw (f->card, "00 20 00 81 08 31 32 33 34 FF FF FF FF", 0x6985);
  assert_zeros_sw (f->card, "00 88 00 03", 16, TRUE, 0x6985);
}

/* ---- tests: transmission variants ------------------------------------------------------- */

static void
test_t0 (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(CiResponse) r = NULL;
  guint8 total;

  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T0);
  select_df (f->card);
  /* Case 4 sent as case 3: 61xx, then GET RESPONSE in two pieces. */
  r = send_hex (f->card, "00 A4 02 04 02 C0 01");
  g_assert_cmphex (r->sw >> 8, ==, 0x61);
  total = r->sw & 0xFF;
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 C0 00 00 05");
  g_assert_cmphex (r->sw, ==, 0x6100 | (total - 5));
  g_assert_cmphex (r->data[0], ==, 0x62);
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 C0 00 00 FF");
  g_assert_cmphex (r->sw, ==, 0x6C00 | (total - 5));
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 C0 00 00 00");
  g_assert_cmphex (r->sw, ==, 0x6C00 | (total - 5));
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 B0 81 70 00");
  g_assert_cmphex (r->sw, ==, 0x6C10);
  /* Any other command drops the pending data. */
  assert_sw (f->card, "00 C0 00 00 08", 0x6985);
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 B0 81 70 10");
  g_assert_cmphex (r->sw, ==, 0x9000);
  g_assert_cmpuint (r->len, ==, 16);
  /* No extended lengths in T=0. */
  assert_sw (f->card, "00 B0 81 00 00 00 10", 0x6700);
  /* INTERNAL AUTHENTICATE without Le; secure messaging the same way. */
  g_clear_pointer (&r, ci_response_free);
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 88 00 03 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  g_assert_cmphex (r->sw >> 8, ==, 0x61);
  g_assert_cmpuint (r->len, ==, 0);
}

static void
test_t0_case2_exact (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CiResponse) r = NULL;

  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T0);
  assert_sw (f->card, "00 A4 02 0C 02 2F 01", 0x9000);
  r = send_hex (f->card, "00 B0 00 00 00");
  g_assert_cmphex (r->sw, ==, 0x6C0A);
  g_clear_pointer (&r, ci_response_free);
  r = send_hex (f->card, "00 B0 00 00 0A");
  g_assert_cmphex (r->sw, ==, 0x9000);
  g_assert_cmphex (r->data[0], ==, 0x7F);
  /* 255 and 256 in T=0. */
  g_assert_cmphex (r->data[5], ==, 0xFF);
  assert_sw (f->card, "00 84 00 00 08", 0x9000);
  assert_sw (f->card, "00 84 00 00 00", 0x6C08);
}

static void
test_max_apdu (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CiResponse) info = NULL;
  g_autoptr(CiResponse) part = NULL;
  g_autoptr(GByteArray) want = unhex ("7F 66 06 02 01 40 02 01 40");
  g_autoptr(CiSm) sm = NULL;
  guint8 big[65] = { 0 };

  ci_vcard_set_max_apdu (f->card, 64);
  assert_sw (f->card, "00 A4 02 0C 02 2F 01", 0x9000);
  info = send_hex (f->card, "00 B0 00 00 00");
  g_assert_cmpmem (info->data, info->len, want->data, want->len);
  select_df (f->card);
  part = send_hex (f->card, "00 B0 83 00 00");
  g_assert_cmphex (part->sw, ==, 0x9000);
  g_assert_cmpuint (part->len, ==, 64);
  assert_sw (f->card, "00 B0 83 00 00 00 10", 0x6700);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  /* 65 bytes of data protected are far more than 64 on the wire. */
  g_assert_cmphex (sm_data (f->card, sm, 0, 0xD6, 0x83, 0, big, sizeof big), ==, 0x6700);
  g_assert_cmphex (sm_data (f->card, sm, 0, 0xD6, 0x83, 0, big, 16), ==, 0x6982);
}

/* A response longer than the card's buffer comes in 61xx pieces, in T=1 too. */
static void
test_max_apdu_chaining (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CiResponse) r = NULL;
  g_autoptr(GByteArray) sig = g_byte_array_new ();

  ci_vcard_set_max_apdu (f->card, 32);
  select_df (f->card);
  r = send_hex (f->card, "00 88 00 03 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  g_assert_cmphex (r->sw >> 8, ==, 0x61);
  while (r->sw >> 8 == 0x61)
    {
      g_autofree char *get = g_strdup_printf ("00 C0 00 00 %02X", r->sw & 0xFF);

      g_byte_array_append (sig, r->data, r->len);
      ci_response_free (r);
      r = send_hex (f->card, get);
    }
  g_assert_cmphex (r->sw, ==, 0x9000);
  g_byte_array_append (sig, r->data, r->len);
  g_assert_cmpuint (sig->len, >, 64);
  g_assert_cmphex (sig->data[0], ==, 0x30);
  g_assert_cmpuint (sig->data[1] + 2, ==, sig->len);
}

/* ---- tests: image and clone -------------------------------------------------------------- */

static void
test_image (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiVcard) copy = NULL;
  g_autoptr(GByteArray) zones = NULL;
  g_autoptr(GByteArray) want = zones_object ();
  g_autofree char *text = NULL;
  GStatBuf st;

  ci_vcard_set_image (f->card, f->image);
  select_df (f->card);
  /* The try is saved before the answer; a fresh load sees it. */
  assert_sw (f->card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x63C2);
  g_assert_cmpint (g_stat (f->image, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  copy = ci_vcard_load (f->image, &error);
  g_assert_no_error (error);
  select_df (copy);
  assert_sw (copy, "00 20 00 81", 0x63C2);
  zones = read_file (copy, 3);
  g_assert_cmpmem (zones->data, want->len, want->data, want->len);
  g_assert_true (card_proves_key (copy));
  text = ci_vcard_describe (copy);
  g_assert_nonnull (strstr (text, "2 tries left"));
  g_assert_nonnull (strstr (text, "matches EF.CARDKEY"));
  g_assert_null (strstr (text, "31 32 33 34 FF"));
  /* A damaged image is refused with a message. */
  g_assert_true (g_file_set_contents (f->image, "[card]\nformat=1\n[df]\nfid=43\n", -1, NULL));
  g_clear_pointer (&copy, ci_vcard_free);
  copy = ci_vcard_load (f->image, &error);
  g_assert_null (copy);
  g_assert_error (error, CI_VCARD_ERROR, CI_VCARD_ERROR_IMAGE);
}

/* A save that fails leaves the card as the image has it, and answers 6581.
 * A 250-character name makes the temporary file's name too long, so saving
 * fails while reading still works. */
static void
test_save_failure (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *name = g_strnfill (250, 'x');
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiVcard) card = NULL;
  gsize len = 0;
  FILE *fp;

  g_assert_true (ci_vcard_save (f->card, f->image, &error));
  g_assert_true (g_file_get_contents (f->image, &text, &len, &error));
  fp = fopen (path, "w");
  g_assert_nonnull (fp);
  g_assert_cmpuint (fwrite (text, 1, len, fp), ==, len);
  g_assert_cmpint (fclose (fp), ==, 0);
  card = ci_vcard_load (path, &error);
  g_assert_no_error (error);
  ci_vcard_set_image (card, path);
  select_df (card);
  g_test_expect_message ("CardIssue-vcard", G_LOG_LEVEL_WARNING, "Could not save the card image*");
  assert_sw (card, "00 20 00 81 08 39 39 39 39 FF FF FF FF", 0x6581);
  g_test_assert_expected_messages ();
  select_df (card);
  assert_sw (card, "00 20 00 81", 0x63C3);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
test_forge (Fixture       *f,
            gconstpointer  data)
{
  CiVcardFileContent files[5];
  g_autoptr(CiVcard) clone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  select_df (f->card);
  for (guint i = 0; i < 5; i++)
    {
      GByteArray *content = read_file (f->card, (guint8) (i + 1));

      files[i].fid = (guint16) (0xC001 + i);
      files[i].content = g_byte_array_free_to_bytes (content);
    }
  clone = ci_vcard_new_forged (files, 5, &error);
  g_assert_no_error (error);
  select_df (clone);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GByteArray) copied = read_file (clone, (guint8) (i + 1));

      g_assert_cmpmem (copied->data, copied->len, g_bytes_get_data (files[i].content, NULL),
                       g_bytes_get_size (files[i].content));
      g_bytes_unref (files[i].content);
    }
  g_assert_true (card_proves_key (f->card));
  g_assert_false (card_proves_key (clone));
  text = ci_vcard_describe (clone);
  g_assert_nonnull (strstr (text, "does NOT match EF.CARDKEY"));
}

/* ---- tests: the hopper -------------------------------------------------------------------- */

static void
test_is_issued (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GByteArray) cardkey = NULL;
  g_autoptr(CiSm) sm = NULL;

  g_assert_false (ci_vcard_is_issued (f->card));
  cardkey = initialise (f->card);
  /* Half-written: the host may come back to it. */
  g_assert_false (ci_vcard_is_issued (f->card));
  ci_vcard_reset (f->card);
  select_df (f->card);
  personalise (f->card);
  g_assert_true (ci_vcard_is_issued (f->card));
  ci_vcard_reset (f->card);
  select_df (f->card);
  sm = open_session (f->card, admin_key, 0x02, 0x9000);
  g_assert_cmphex (sm_sw (f->card, sm, "00 E6 00 00"), ==, 0x9000);
  g_assert_false (ci_vcard_is_issued (f->card));
}

static char *
stacked_name (Fixture *f,
              guint    k)
{
  return g_strdup_printf ("%s.%u", f->image, k);
}

static gboolean
image_is_issued (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiVcard) card = ci_vcard_load (path, &error);

  g_assert_no_error (error);
  return ci_vcard_is_issued (card);
}

/* The ejected card's image goes to the first free FILE.k; the blank one fed
 * next opens with the default transport key and keeps T=0. */
static void
test_eject_feed (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *taken = stacked_name (f, 1);
  g_autofree char *stacked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) atr = NULL;
  g_autoptr(GBytes) t0_atr = NULL;
  g_autoptr(CiSm) sm = NULL;

  ci_vcard_set_image (f->card, f->image);
  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T0);
  t0_atr = ci_vcard_get_atr (f->card);
  g_assert_true (ci_vcard_save (f->card, f->image, &error));
  g_assert_true (g_file_set_contents (taken, "an earlier run's card", -1, &error));
  stacked = ci_vcard_eject (f->card, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (stacked, ".img.2"));
  g_assert_false (g_file_test (f->image, G_FILE_TEST_EXISTS));
  g_assert_true (image_is_issued (stacked));
  g_assert_true (ci_vcard_feed_blank (f->card, &error));
  g_assert_no_error (error);
  g_assert_false (ci_vcard_is_issued (f->card));
  g_assert_false (image_is_issued (f->image));
  atr = ci_vcard_get_atr (f->card);
  g_assert_true (g_bytes_equal (atr, t0_atr));
  assert_sw (f->card, "00 A4 04 0C 0B " AID, 0x6A82);
  assert_sw (f->card, "00 A4 00 0C 02 3F 00", 0x9000);
  sm = open_session (f->card, transport_key (), 0x01, 0x9000);
  g_assert_cmpint (g_unlink (taken), ==, 0);
  g_assert_cmpint (g_unlink (stacked), ==, 0);
}

/* The reader's side of the vpcd socket: 2-byte length, payload. */
static void
wire_send (const guint8 *bytes,
           gsize         len)
{
  g_autofree guint8 *message = g_malloc (len + 2);

  message[0] = (guint8) (len >> 8);
  message[1] = (guint8) len;
  memcpy (message + 2, bytes, len);
  g_assert_cmpint (send (wire, message, len + 2, MSG_NOSIGNAL), ==, (ssize_t) (len + 2));
}

static gboolean
wire_read_full (guint8 *buf,
                gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = read (wire, buf + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      /* A timeout (EAGAIN) is a card that never answers: a failure. */
      g_assert_true (n >= 0 || errno == ECONNRESET);
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* NULL when the card hung up. */
static GBytes *
wire_receive (void)
{
  guint8 header[2];
  gsize len;
  guint8 *payload;

  if (!wire_read_full (header, sizeof header))
    return NULL;
  len = (gsize) header[0] << 8 | header[1];
  payload = g_malloc (MAX (len, 1));
  g_assert_true (wire_read_full (payload, len));
  return g_bytes_new_take (payload, len);
}

static GBytes *
wire_transmit (const guint8 *bytes,
               gsize         len)
{
  GBytes *answer;

  wire_send (bytes, len);
  answer = wire_receive ();
  g_assert_nonnull (answer);
  return answer;
}

static void
wire_control (guint8 control)
{
  wire_send (&control, 1);
}

static GBytes *
wire_get_atr (void)
{
  wire_control (0x04);
  return wire_receive ();
}

static void
wire_expect_hang_up (void)
{
  g_autoptr(GBytes) nothing = wire_receive ();

  g_assert_null (nothing);
  close (wire);
  wire = -1;
}

static int
listen_loopback (guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

/* The next card in the reader: its connection, powered on, and its ATR.
 * Timeouts turn a card that never comes or never answers into a failure. */
static GBytes *
card_inserted (int listener)
{
  struct pollfd pfd = { listener, POLLIN, 0 };
  struct timeval timeout = { 10, 0 };

  g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
  wire = accept (listener, NULL, NULL);
  g_assert_cmpint (wire, >=, 0);
  setsockopt (wire, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  wire_control (0x01);
  return wire_get_atr ();
}

typedef struct
{
  CiVcard       *card;
  CiVpcdOptions  options;
  CiVpcdEnd      end;
  GError        *error;
} Encoder;

static gpointer
encoder_thread (gpointer data)
{
  Encoder *e = data;

  e->end = ci_vpcd_run (e->card, &e->options, &e->error);
  return NULL;
}

static GThread *
encoder_start (Fixture *f,
               Encoder *e,
               int     *listener)
{
  g_autoptr(GError) error = NULL;

  e->card = f->card;
  e->options.host = "127.0.0.1";
  e->options.quiet = TRUE;
  *listener = listen_loopback (&e->options.port);
  ci_vcard_set_image (f->card, f->image);
  g_assert_true (ci_vcard_save (f->card, f->image, &error));
  return g_thread_new ("encoder", encoder_thread, e);
}

/* Two blank cards issued through the socket: each is ejected at power off
 * once activated, not before, and then the hopper is empty. */
static void
test_hopper_issue (Fixture       *f,
                   gconstpointer  data)
{
  Encoder e = { .options.hopper = 1 };
  int listener;
  GThread *thread = encoder_start (f, &e, &listener);

  for (guint k = 1; k <= 2; k++)
    {
      g_autoptr(GBytes) atr = card_inserted (listener);
      g_autoptr(GBytes) again = NULL;
      g_autoptr(GByteArray) cardkey = NULL;

      g_assert_nonnull (atr);
      if (k > 1)
        {
          /* The card comes back only after its images are in place. */
          g_autofree char *previous = stacked_name (f, k - 1);

          g_assert_true (image_is_issued (previous));
          g_assert_false (image_is_issued (f->image));
        }
      assert_sw (NULL, "00 A4 04 0C 0B " AID, 0x6A82);
      cardkey = initialise (NULL);
      wire_control (0x00);
      again = wire_get_atr ();
      g_assert_nonnull (again);
      g_assert_true (g_bytes_equal (atr, again));
      wire_control (0x01);
      select_df (NULL);
      personalise (NULL);
      wire_control (0x00);
      wire_expect_hang_up ();
    }
  g_thread_join (thread);
  close (listener);
  g_assert_no_error (e.error);
  g_assert_cmpint (e.end, ==, CI_VPCD_END_HOPPER_EMPTY);
  g_assert_false (g_file_test (f->image, G_FILE_TEST_EXISTS));
  for (guint k = 1; k <= 2; k++)
    {
      g_autofree char *stacked = stacked_name (f, k);

      g_assert_true (image_is_issued (stacked));
      g_assert_cmpint (g_unlink (stacked), ==, 0);
    }
}

/* An issued card nobody used since it went in stays at power off (pcscd
 * powers idle cards off); so does one that is only reset. The power cut
 * counts commands across cards, and the blank card keeps T=0. */
static void
test_hopper_unused (Fixture       *f,
                    gconstpointer  data)
{
  Encoder e = { .options.hopper = 3, .options.power_cut_after = 3 };
  g_autofree char *stacked = stacked_name (f, 1);
  g_autoptr(GBytes) atr = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) next = NULL;
  g_autoptr(GBytes) t0_atr = NULL;
  int listener;
  GThread *thread;

  ci_vcard_set_protocol (f->card, CI_VCARD_PROTOCOL_T0);
  t0_atr = ci_vcard_get_atr (f->card);
  thread = encoder_start (f, &e, &listener);
  atr = card_inserted (listener);
  g_assert_nonnull (atr);
  g_assert_true (g_bytes_equal (atr, t0_atr));
  wire_control (0x00);
  wire_control (0x01);
  wire_control (0x02);
  again = wire_get_atr ();
  g_assert_nonnull (again);
  select_df (NULL);
  wire_control (0x00);
  wire_expect_hang_up ();
  next = card_inserted (listener);
  g_assert_nonnull (next);
  g_assert_true (g_bytes_equal (next, t0_atr));
  g_assert_true (image_is_issued (stacked));
  assert_sw (NULL, "00 A4 04 0C 0B " AID, 0x6A82);
  /* Command 3 since the start: run and saved, never answered. */
  wire_send ((const guint8 *) "\x00\xA4\x00\x0C\x02\x3F\x00", 7);
  wire_expect_hang_up ();
  g_thread_join (thread);
  close (listener);
  g_assert_no_error (e.error);
  g_assert_cmpint (e.end, ==, CI_VPCD_END_POWER_CUT);
  g_assert_false (image_is_issued (f->image));
  g_assert_cmpint (g_unlink (stacked), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define BLANK(path, fn) g_test_add (path, Fixture, NULL, fixture_blank, fn, fixture_tear_down)
#define ISSUED(path, fn) g_test_add (path, Fixture, NULL, fixture_issued, fn, fixture_tear_down)
  BLANK ("/vcard/blank/atr", test_atr);
  BLANK ("/vcard/blank/info", test_blank_info);
  BLANK ("/vcard/blank/malformed", test_malformed);
  BLANK ("/vcard/blank/random-input", test_random_input);
  BLANK ("/vcard/blank/create-rules", test_create_rules);
  BLANK ("/vcard/blank/restart-initialisation", test_restart_initialisation);
  BLANK ("/vcard/blank/t0-case2", test_t0_case2_exact);
  ISSUED ("/vcard/issued/reads", test_issued_reads);
  ISSUED ("/vcard/issued/rules", test_issued_rules);
  ISSUED ("/vcard/issued/pin", test_pin);
  ISSUED ("/vcard/issued/sm-errors", test_sm_errors);
  ISSUED ("/vcard/issued/internal-auth", test_internal_auth);
  ISSUED ("/vcard/issued/terminate", test_terminate);
  ISSUED ("/vcard/issued/random-input", test_random_input);
  ISSUED ("/vcard/issued/t0", test_t0);
  ISSUED ("/vcard/issued/max-apdu", test_max_apdu);
  ISSUED ("/vcard/issued/max-apdu-chaining", test_max_apdu_chaining);
  ISSUED ("/vcard/issued/image", test_image);
  ISSUED ("/vcard/issued/save-failure", test_save_failure);
  ISSUED ("/vcard/issued/forge", test_forge);
  BLANK ("/vcard/hopper/is-issued", test_is_issued);
  ISSUED ("/vcard/hopper/eject-feed", test_eject_feed);
  BLANK ("/vcard/hopper/issue", test_hopper_issue);
  ISSUED ("/vcard/hopper/unused", test_hopper_unused);
#undef BLANK
#undef ISSUED
  return g_test_run ();
}
