/* test-sm.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "card/ci-apdu.h"
#include "card/ci-card-error.h"
#include "card/ci-sm-private.h"
#include "keys/ci-digest.h"

#include <string.h>

/* ---- helpers --------------------------------------------------------- */

/* Hex digits, spaces allowed between them. */
static GByteArray *
unhex (const char *hex)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  GByteArray *out = g_byte_array_new ();

  for (const char *p = hex; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (digits, *p);
  g_assert_cmpuint (digits->len % 2, ==, 0);
  g_byte_array_set_size (out, (guint) (digits->len / 2));
  g_assert_true (ci_hex_decode (digits->str, out->data, out->len));
  return out;
}

/* Decodes exactly @len bytes of hex into @out. */
static void
unhex_into (const char *hex,
            guint8     *out,
            gsize       len)
{
  g_autoptr(GByteArray) bytes = unhex (hex);

  g_assert_cmpuint (bytes->len, ==, len);
  memcpy (out, bytes->data, len);
}

static void
assert_hex_eq (const guint8 *data,
               gsize         len,
               const char   *expected)
{
  g_autoptr(GByteArray) want = unhex (expected);
  g_autofree char *hex = ci_hex_encode (data, len);
  g_autofree char *want_hex = ci_hex_encode (want->data, want->len);

  g_assert_cmpstr (hex, ==, want_hex);
}

static GByteArray *
encode_apdu (const CiApdu *apdu)
{
  g_autoptr(GError) error = NULL;
  GByteArray *out = g_byte_array_new ();

  g_assert_true (ci_apdu_encode (apdu, CI_APDU_ENCODING_AUTO, out, &error));
  g_assert_no_error (error);
  return out;
}

static CiApdu *
parse_apdu (const GByteArray *bytes)
{
  g_autoptr(GError) error = NULL;
  CiApdu *apdu = ci_apdu_parse (bytes->data, bytes->len, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (apdu);
  return apdu;
}

static CiApdu *
parse_apdu_hex (const char *hex)
{
  g_autoptr(GByteArray) bytes = unhex (hex);

  return parse_apdu (bytes);
}

/* A response APDU as sent: data || SW1 SW2. */
static GByteArray *
encode_response (const CiResponse *response)
{
  GByteArray *out = g_byte_array_new ();
  const guint8 sw[2] = { CI_SW1 (response->sw), CI_SW2 (response->sw) };

  if (response->len > 0)
    g_byte_array_append (out, response->data, (guint) response->len);
  g_byte_array_append (out, sw, 2);
  return out;
}

static CiResponse *
parse_response_hex (const char *hex)
{
  g_autoptr(GByteArray) bytes = unhex (hex);
  g_autoptr(GError) error = NULL;
  CiResponse *response = ci_response_parse (bytes->data, bytes->len, &error);

  g_assert_no_error (error);
  return response;
}

static void
assert_ssc (CiSm       *sm,
            const char *expected)
{
  gsize len = 0;
  const guint8 *ssc = _ci_sm_get_ssc (sm, &len);

  assert_hex_eq (ssc, len, expected);
}

static void
assert_same_apdu (const CiApdu *a,
                  const CiApdu *b)
{
  g_assert_cmphex (a->cla, ==, b->cla);
  g_assert_cmphex (a->ins, ==, b->ins);
  g_assert_cmphex (a->p1, ==, b->p1);
  g_assert_cmphex (a->p2, ==, b->p2);
  g_assert_cmpmem (a->data, a->lc, b->data, b->lc);
  g_assert_cmpuint (a->le, ==, b->le);
}

static guint8 *
pattern (gsize  len,
         guint8 seed)
{
  guint8 *buf = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) (seed + i * 7);
  return buf;
}

/* ---- ICAO Doc 9303 Part 11, Appendix D: the BAC worked example ---------- */

#define ICAO_KENC   "AB94FDECF2674FDFB9B391F85D7F76F2"
#define ICAO_KMAC   "7962D9ECE03D1ACD4C76089DCE131543"
#define ICAO_KSENC  "979EC13B1CBFE9DCD01AB0FED307EAE5"
#define ICAO_KSMAC  "F1CB1F1FB5ADF208806B89DC579DC1F8"
#define ICAO_SSC    "887022120C06C226"

/* D.1/D.2: Kseed from the MRZ information, and the document basic access keys. */
static void
test_kdf_icao (void)
{
  guint8 seed[16], key[CI_SM_KEY_LEN];

  unhex_into ("239AB9CB282DAF66231DC5A4DF6BFBAE", seed, sizeof seed);
  ci_sm_kdf (CI_SM_CIPHER_3DES, seed, sizeof seed, CI_SM_KDF_ENC, key);
  assert_hex_eq (key, sizeof key, ICAO_KENC);
  ci_sm_kdf (CI_SM_CIPHER_3DES, seed, sizeof seed, CI_SM_KDF_MAC, key);
  assert_hex_eq (key, sizeof key, ICAO_KMAC);
}

static void
icao_auth (CiSmAuth *host,
           CiSmAuth *card)
{
  memset (host, 0, sizeof *host);
  host->cipher = CI_SM_CIPHER_3DES;
  unhex_into ("4608F91988702212", host->rnd_icc, 8);
  unhex_into ("781723860C06C226", host->rnd_ifd, 8);
  unhex_into ("0B795240CB7049B01C19B33E32804F0B", host->k_ifd, 16);

  memset (card, 0, sizeof *card);
  card->cipher = CI_SM_CIPHER_3DES;
  memcpy (card->rnd_icc, host->rnd_icc, 8);
  unhex_into ("0B4F80323EB3191CB04970CB4052790B", card->k_icc, 16);
}

/* D.3: the mutual authentication, on both sides, and the session keys. */
static void
test_bac_icao (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) host_cryptogram = NULL;
  g_autoptr(GByteArray) card_cryptogram = NULL;
  g_autoptr(CiSm) host_sm = NULL;
  g_autoptr(CiSm) card_sm = NULL;
  guint8 kenc[CI_SM_KEY_LEN], kmac[CI_SM_KEY_LEN], seed[16], key[CI_SM_KEY_LEN];
  CiSmAuth host, card;

  unhex_into (ICAO_KENC, kenc, sizeof kenc);
  unhex_into (ICAO_KMAC, kmac, sizeof kmac);
  icao_auth (&host, &card);

  host_cryptogram = ci_sm_auth_host_cryptogram (&host, kenc, kmac, &error);
  g_assert_no_error (error);
  assert_hex_eq (host_cryptogram->data, host_cryptogram->len,
                 "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
                 "5F1448EEA8AD90A7");

  card_cryptogram = ci_sm_auth_card_respond (&card, kenc, kmac, host_cryptogram->data,
                                             host_cryptogram->len, &error);
  g_assert_no_error (error);
  assert_hex_eq (card_cryptogram->data, card_cryptogram->len,
                 "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
                 "2F2D235D074D7449");
  g_assert_cmpmem (card.rnd_ifd, 8, host.rnd_ifd, 8);
  g_assert_cmpmem (card.k_ifd, 16, host.k_ifd, 16);

  g_assert_true (ci_sm_auth_host_finish (&host, kenc, kmac, card_cryptogram->data,
                                         card_cryptogram->len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (host.k_icc, 16, card.k_icc, 16);

  for (guint i = 0; i < 16; i++)
    seed[i] = host.k_ifd[i] ^ host.k_icc[i];
  ci_sm_kdf (CI_SM_CIPHER_3DES, seed, sizeof seed, CI_SM_KDF_ENC, key);
  assert_hex_eq (key, sizeof key, ICAO_KSENC);
  ci_sm_kdf (CI_SM_CIPHER_3DES, seed, sizeof seed, CI_SM_KDF_MAC, key);
  assert_hex_eq (key, sizeof key, ICAO_KSMAC);

  host_sm = ci_sm_auth_session (&host);
  card_sm = ci_sm_auth_session (&card);
  g_assert_cmpint (ci_sm_get_cipher (host_sm), ==, CI_SM_CIPHER_3DES);
  assert_ssc (host_sm, ICAO_SSC);
  assert_ssc (card_sm, ICAO_SSC);
}

typedef struct
{
  const char *plain_command;
  const char *protected_command;
  const char *protected_response;
  const char *plain_data;
  const char *ssc_after;
} IcaoExchange;

/* D.4: SELECT EF.COM, then two READ BINARY, after the session of D.3. */
static const IcaoExchange icao_exchanges[] = {
  { "00 A4 02 0C 02 01 1E",
    "0C A4 02 0C 15 87 09 01 63 75 43 29 08 C0 44 F6 8E 08 BF 8B 92 D6 35 FF 24 F8 00",
    "99 02 90 00 8E 08 FA 85 5A 5D 4C 50 A8 ED 90 00",
    "", "887022120C06C228" },
  { "00 B0 00 00 04",
    "0C B0 00 00 0D 97 01 04 8E 08 ED 67 05 41 7E 96 BA 55 00",
    "87 09 01 9F F0 EC 34 F9 92 26 51 99 02 90 00 8E 08 AD 55 CC 17 14 0B 2D ED 90 00",
    "60 14 5F 01", "887022120C06C22A" },
  { "00 B0 00 04 12",
    "0C B0 00 04 0D 97 01 12 8E 08 2E A2 8A 70 F3 C7 B5 35 00",
    "87 19 01 FB 92 35 F4 E4 03 7F 23 27 DC C8 96 4F 1F 9B 8C 30 F4 2C 8E 2F FF 22 4A 99 02 "
    "90 00 8E 08 C8 B2 78 7E AE A0 7D 74 90 00",
    "04 30 31 30 36 5F 36 06 30 34 30 30 30 30 5C 02 61 75", "887022120C06C22C" },
};

static CiSm *
icao_session (void)
{
  guint8 ksenc[CI_SM_KEY_LEN], ksmac[CI_SM_KEY_LEN], ssc[8];

  unhex_into (ICAO_KSENC, ksenc, sizeof ksenc);
  unhex_into (ICAO_KSMAC, ksmac, sizeof ksmac);
  unhex_into (ICAO_SSC, ssc, sizeof ssc);
  return ci_sm_new (CI_SM_CIPHER_3DES, ksenc, ksmac, ssc, sizeof ssc);
}

static void
icao_host_exchange (CiSm               *host,
                    const IcaoExchange *x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) plain = parse_apdu_hex (x->plain_command);
  g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (host, plain, &error);
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(CiResponse) protected_response = parse_response_hex (x->protected_response);
  g_autoptr(CiResponse) response = NULL;
  g_autoptr(GByteArray) want = unhex (x->plain_data);

  g_assert_no_error (error);
  encoded = encode_apdu (protected_command);
  assert_hex_eq (encoded->data, encoded->len, x->protected_command);

  response = ci_sm_unwrap_response (host, protected_response, &error);
  g_assert_no_error (error);
  g_assert_cmphex (response->sw, ==, 0x9000);
  g_assert_cmpmem (response->data, response->len, want->data, want->len);
  assert_ssc (host, x->ssc_after);
}

static void
icao_card_exchange (CiSm               *card,
                    const IcaoExchange *x)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) protected_command = parse_apdu_hex (x->protected_command);
  g_autoptr(CiApdu) want = parse_apdu_hex (x->plain_command);
  g_autoptr(CiApdu) plain = ci_sm_unwrap_command (card, protected_command, &error);
  g_autoptr(GByteArray) data = unhex (x->plain_data);
  g_autoptr(CiResponse) response = NULL;
  g_autoptr(CiResponse) protected_response = NULL;
  g_autoptr(GByteArray) encoded = NULL;

  g_assert_no_error (error);
  assert_same_apdu (plain, want);
  g_assert_true (plain->flags & CI_APDU_SENSITIVE);

  response = ci_response_new (data->len > 0 ? data->data : NULL, data->len, 0x9000);
  protected_response = ci_sm_wrap_response (card, response, &error);
  g_assert_no_error (error);
  encoded = encode_response (protected_response);
  assert_hex_eq (encoded->data, encoded->len, x->protected_response);
  assert_ssc (card, x->ssc_after);
}

static void
test_sm_icao_host (void)
{
  g_autoptr(CiSm) host = icao_session ();

  for (guint i = 0; i < G_N_ELEMENTS (icao_exchanges); i++)
    icao_host_exchange (host, &icao_exchanges[i]);
}

static void
test_sm_icao_card (void)
{
  g_autoptr(CiSm) card = icao_session ();

  for (guint i = 0; i < G_N_ELEMENTS (icao_exchanges); i++)
    icao_card_exchange (card, &icao_exchanges[i]);
}

/* ---- RFC 4493 §4: AES-CMAC ------------------------------------------- */

#define RFC4493_KEY "2b7e151628aed2a6abf7158809cf4f3c"
#define RFC4493_M   "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 " \
                    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710"

static void
test_cmac_rfc4493 (void)
{
  static const struct { gsize len; const char *mac; } vectors[] = {
    { 0, "bb1d6929e95937287fa37d129b756746" },
    { 16, "070a16b46b4d4144f79bdd9dd04a287c" },
    { 40, "dfa66747de9ae63030ca32611497c827" },
    { 64, "51f0bebf7e3b9d92fc49741779363cfe" },
  };
  g_autoptr(GByteArray) m = unhex (RFC4493_M);
  guint8 key[CI_SM_KEY_LEN], mac[CI_SM_AES_BLOCK];

  unhex_into (RFC4493_KEY, key, sizeof key);
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (_ci_sm_aes_cmac (key, m->data, vectors[i].len, mac, &error));
      g_assert_no_error (error);
      assert_hex_eq (mac, sizeof mac, vectors[i].mac);
    }
}

/* ci_sm_mac() pads (method 2), then keeps the first 8 bytes of the CMAC. */
static void
test_mac_aes_pads (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) m = unhex (RFC4493_M);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  guint8 key[CI_SM_KEY_LEN], full[CI_SM_AES_BLOCK], mac[CI_SM_MAC_LEN];

  unhex_into (RFC4493_KEY, key, sizeof key);
  for (gsize len = 0; len <= 33; len++)
    {
      g_byte_array_set_size (padded, 0);
      g_byte_array_append (padded, m->data, (guint) len);
      ci_sm_pad (CI_SM_CIPHER_AES128, padded);
      g_assert_cmpuint (padded->len, ==, (len / 16 + 1) * 16);
      g_assert_cmphex (padded->data[len], ==, 0x80);
      g_assert_true (_ci_sm_aes_cmac (key, padded->data, padded->len, full, &error));
      g_assert_true (ci_sm_mac (CI_SM_CIPHER_AES128, key, m->data, len, mac, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (mac, sizeof mac, full, CI_SM_MAC_LEN);
    }
  g_assert_cmpuint (ci_sm_block_size (CI_SM_CIPHER_3DES), ==, 8);
  g_assert_cmpuint (ci_sm_block_size (CI_SM_CIPHER_AES128), ==, 16);
}

/* ---- AES channels ------------------------------------------------------ */

typedef struct
{
  guint8 kenc[CI_SM_KEY_LEN];
  guint8 kmac[CI_SM_KEY_LEN];
  guint8 ssc[16];
  CiSm  *host;
  CiSm  *card;
} AesFixture;

static void
aes_reset (AesFixture *fx)
{
  g_clear_pointer (&fx->host, ci_sm_free);
  g_clear_pointer (&fx->card, ci_sm_free);
  fx->host = ci_sm_new (CI_SM_CIPHER_AES128, fx->kenc, fx->kmac, fx->ssc, sizeof fx->ssc);
  fx->card = ci_sm_new (CI_SM_CIPHER_AES128, fx->kenc, fx->kmac, fx->ssc, sizeof fx->ssc);
}

static void
aes_setup (AesFixture    *fx,
           gconstpointer  data)
{
  unhex_into ("00112233445566778899aabbccddeeff", fx->kenc, sizeof fx->kenc);
  unhex_into ("0f1e2d3c4b5a69788796a5b4c3d2e1f0", fx->kmac, sizeof fx->kmac);
  /* ends in 07 fe so that the counter carries into the next byte in the first exchange */
  unhex_into ("0000000000000000 01020304050607fe", fx->ssc, sizeof fx->ssc);
  aes_reset (fx);
}

static void
aes_teardown (AesFixture    *fx,
              gconstpointer  data)
{
  g_clear_pointer (&fx->host, ci_sm_free);
  g_clear_pointer (&fx->card, ci_sm_free);
}

/* Le as the card sees it with AES: trimmed to what one protected answer
 * carries, 223 bytes when the protected command is short, 65503 when extended. */
static gsize
card_le (gsize le,
         gsize outer_ne)
{
  return MIN (le, outer_ne > CI_APDU_SHORT_MAX ? 65503 : 223);
}

/* Host wraps, encodes and the card parses and unwraps; returns the command
 * as the card sees it, and the protected command's Le in @outer_ne. */
static CiApdu *
send_command (AesFixture   *fx,
              const CiApdu *plain,
              gsize        *outer_ne)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (fx->host, plain, &error);
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(CiApdu) received = NULL;
  CiApdu *opened;

  g_assert_no_error (error);
  g_assert_cmphex (protected_command->cla, ==, plain->cla | 0x0C);
  encoded = encode_apdu (protected_command);
  /* Le is always there: 00, or 00 00 extended */
  g_assert_cmphex (encoded->data[encoded->len - 1], ==, 0x00);
  received = parse_apdu (encoded);
  opened = ci_sm_unwrap_command (fx->card, received, &error);
  g_assert_no_error (error);
  g_assert_cmphex (opened->cla, ==, plain->cla);
  g_assert_cmphex (opened->ins, ==, plain->ins);
  g_assert_cmphex (opened->p1, ==, plain->p1);
  g_assert_cmphex (opened->p2, ==, plain->p2);
  g_assert_cmpmem (opened->data, opened->lc, plain->data, plain->lc);
  g_assert_cmpuint (opened->le, ==, card_le (plain->le, received->le));
  g_assert_true (opened->flags & CI_APDU_SENSITIVE);
  if (outer_ne != NULL)
    *outer_ne = received->le;
  return opened;
}

static void
answer (AesFixture       *fx,
        const CiResponse *plain,
        gsize             outer_ne)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiResponse) protected_response = ci_sm_wrap_response (fx->card, plain, &error);
  g_autoptr(CiResponse) opened = NULL;

  g_assert_no_error (error);
  g_assert_cmphex (protected_response->sw, ==, 0x9000);
  g_assert_cmpuint (protected_response->len, <=, outer_ne);
  opened = ci_sm_unwrap_response (fx->host, protected_response, &error);
  g_assert_no_error (error);
  g_assert_cmphex (opened->sw, ==, plain->sw);
  g_assert_cmpmem (opened->data, opened->len, plain->data, plain->len);
}

static void
test_aes_round_trip (AesFixture    *fx,
                     gconstpointer  data)
{
  static const gsize sizes[] = { 0, 1, 15, 16, 17, 255, 256, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
      {
        g_autofree guint8 *bytes = pattern (MAX (sizes[i], sizes[j]), (guint8) (i * 16 + j));
        g_autoptr(CiApdu) plain = ci_apdu_new (0x80, 0xD6, i, j, sizes[i] > 0 ? bytes : NULL,
                                               sizes[i], sizes[j]);
        gsize outer_ne = 0;
        g_autoptr(CiApdu) opened = send_command (fx, plain, &outer_ne);
        gsize reply_len = MIN (sizes[j], opened->le);
        g_autoptr(CiResponse) reply = ci_response_new (reply_len > 0 ? bytes : NULL, reply_len,
                                                       j % 2 == 0 ? 0x9000 : 0x6A82);

        g_assert_cmpuint (outer_ne, ==, sizes[i] > 200 || sizes[j] > 256 ? 65536 : 256);
        answer (fx, reply, outer_ne);
      }
  /* 64 exchanges of two messages each: 07fe + 128 */
  assert_ssc (fx->host, "0000000000000000 010203040506087e");
  assert_ssc (fx->card, "0000000000000000 010203040506087e");
}

/* The channel keys OpenSSL's contexts once and reuses them for every
 * message; what it sends must be what the one-shot primitives make: DO'87'
 * with IV = E(KSenc, SSC), and the MAC over the padded header and DO'87'. */
static void
test_aes_contexts_reused (AesFixture    *fx,
                          gconstpointer  data)
{
  guint8 ssc[16];

  memcpy (ssc, fx->ssc, sizeof ssc);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree guint8 *bytes = pattern (20 + 7 * i, (guint8) i);
      gsize len = 20 + 7 * i;
      g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xD6, 0x81, i, bytes, len, 0);
      g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (fx->host, plain, NULL);
      g_autoptr(GByteArray) padded = g_byte_array_new ();
      g_autoptr(GByteArray) expect = g_byte_array_new ();
      g_autoptr(GByteArray) n = g_byte_array_new ();
      const guint8 header[4] = { 0x0C, 0xD6, 0x81, i };
      guint8 iv[16], mac[CI_SM_MAC_LEN];

      for (guint k = 16; k > 0; k--)
        if (++ssc[k - 1] != 0)
          break;
      g_byte_array_append (padded, bytes, (guint) len);
      ci_sm_pad (CI_SM_CIPHER_AES128, padded);
      g_assert_true (ci_sm_encrypt (CI_SM_CIPHER_AES128, fx->kenc, NULL, ssc, 16, iv, FALSE,
                                    NULL));
      g_assert_true (ci_sm_encrypt (CI_SM_CIPHER_AES128, fx->kenc, iv, padded->data, padded->len,
                                    padded->data, FALSE, NULL));
      g_byte_array_append (expect, (const guint8 *) "\x87", 1);
      g_byte_array_append (expect, (const guint8[]) { padded->len + 1, 0x01 }, 2);
      g_byte_array_append (expect, padded->data, padded->len);
      g_byte_array_append (n, ssc, 16);
      g_byte_array_append (n, header, 4);
      ci_sm_pad (CI_SM_CIPHER_AES128, n);
      g_byte_array_append (n, expect->data, expect->len);
      g_assert_true (ci_sm_mac (CI_SM_CIPHER_AES128, fx->kmac, n->data, n->len, mac, NULL));
      g_byte_array_append (expect, (const guint8 *) "\x8E\x08", 2);
      g_byte_array_append (expect, mac, sizeof mac);

      g_assert_nonnull (protected_command);
      g_assert_cmpmem (protected_command->data, protected_command->lc, expect->data, expect->len);
      /* The next command, with no answer opened in between, takes the next SSC. */
      g_assert_cmpmem (_ci_sm_get_ssc (fx->host, NULL), 16, ssc, 16);
    }
}

/* Short unless the plain Le or the protected data field needs more; the card
 * then trims Le to what a short protected answer carries: 223 bytes for AES,
 * 231 for 3DES. */
static void
test_extended_rule (void)
{
  static const struct { CiSmCipher cipher; gsize lc, le, want_le, card_le; } cases[] = {
    { CI_SM_CIPHER_AES128, 0, 0, 256, 0 },
    { CI_SM_CIPHER_AES128, 0, 223, 256, 223 },
    { CI_SM_CIPHER_AES128, 0, 224, 256, 223 },
    { CI_SM_CIPHER_AES128, 0, 256, 256, 223 },
    { CI_SM_CIPHER_AES128, 0, 257, 65536, 257 },
    { CI_SM_CIPHER_AES128, 0, 65536, 65536, 65503 },
    { CI_SM_CIPHER_AES128, 223, 1, 256, 1 },     /* 87 81 E1 01 … + 97 01 01 + 8E 08 … = 241 */
    { CI_SM_CIPHER_AES128, 240, 0, 65536, 0 },   /* 87 82 01 01 01 … + 8E 08 … = 271 */
    { CI_SM_CIPHER_3DES, 0, 231, 256, 231 },
    { CI_SM_CIPHER_3DES, 0, 256, 256, 231 },
    { CI_SM_CIPHER_3DES, 0, 65536, 65536, 65511 },
  };
  guint8 key[CI_SM_KEY_LEN] = { 1 }, ssc[16] = { 0 };
  g_autofree guint8 *bytes = pattern (256, 3);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CiSm) sm = ci_sm_new (cases[i].cipher, key, key, ssc,
                                      ci_sm_block_size (cases[i].cipher));
      g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, cases[i].lc > 0 ? bytes : NULL,
                                             cases[i].lc, cases[i].le);
      g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (sm, plain, &error);
      g_autoptr(CiSm) card = ci_sm_new (cases[i].cipher, key, key, ssc,
                                        ci_sm_block_size (cases[i].cipher));
      g_autoptr(CiApdu) opened = ci_sm_unwrap_command (card, protected_command, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (protected_command->le, ==, cases[i].want_le);
      g_assert_cmpint (ci_apdu_is_extended (protected_command), ==, cases[i].want_le == 65536);
      g_assert_cmpuint (opened->le, ==, cases[i].card_le);
    }
}

/* DO'97' carries the plain Le: 00 for 256, two bytes above, 00 00 for 65536. */
static void
test_le_encoding (AesFixture    *fx,
                  gconstpointer  data)
{
  static const gsize les[] = { 1, 255, 256, 257, 4096, 65535, 65536 };

  for (guint i = 0; i < G_N_ELEMENTS (les); i++)
    {
      g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, les[i]);
      g_autoptr(CiResponse) reply = ci_response_new (NULL, 0, 0x6282);
      gsize outer_ne = 0;
      g_autoptr(CiApdu) opened = send_command (fx, plain, &outer_ne);

      answer (fx, reply, outer_ne);
    }
}

static void
test_aes_mutual_auth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) host_cryptogram = NULL;
  g_autoptr(GByteArray) card_cryptogram = NULL;
  AesFixture fx = { 0 };
  CiSmAuth host = { .cipher = CI_SM_CIPHER_AES128 }, card = { .cipher = CI_SM_CIPHER_AES128 };
  guint8 kenc[CI_SM_KEY_LEN], kmac[CI_SM_KEY_LEN];
  gsize ssc_len = 0;

  g_assert_true (ci_random_bytes (kenc, sizeof kenc, NULL));
  g_assert_true (ci_random_bytes (kmac, sizeof kmac, NULL));
  g_assert_true (ci_random_bytes (card.rnd_icc, sizeof card.rnd_icc, NULL));
  g_assert_true (ci_random_bytes (card.k_icc, sizeof card.k_icc, NULL));
  memcpy (host.rnd_icc, card.rnd_icc, 8);
  g_assert_true (ci_random_bytes (host.rnd_ifd, sizeof host.rnd_ifd, NULL));
  g_assert_true (ci_random_bytes (host.k_ifd, sizeof host.k_ifd, NULL));

  host_cryptogram = ci_sm_auth_host_cryptogram (&host, kenc, kmac, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host_cryptogram->len, ==, 40);
  card_cryptogram = ci_sm_auth_card_respond (&card, kenc, kmac, host_cryptogram->data,
                                             host_cryptogram->len, &error);
  g_assert_no_error (error);
  g_assert_true (ci_sm_auth_host_finish (&host, kenc, kmac, card_cryptogram->data,
                                         card_cryptogram->len, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (&host, &card, sizeof host) == 0);

  fx.host = ci_sm_auth_session (&host);
  fx.card = ci_sm_auth_session (&card);
  g_assert_cmpint (ci_sm_get_cipher (fx.host), ==, CI_SM_CIPHER_AES128);
  _ci_sm_get_ssc (fx.host, &ssc_len);
  g_assert_cmpuint (ssc_len, ==, 16);
  g_assert_cmpmem (_ci_sm_get_ssc (fx.host, NULL), 8, (guint8[8]) { 0 }, 8);
  g_assert_cmpmem (_ci_sm_get_ssc (fx.host, NULL) + 8, 4, card.rnd_icc + 4, 4);
  g_assert_cmpmem (_ci_sm_get_ssc (fx.host, NULL) + 12, 4, host.rnd_ifd + 4, 4);
  g_assert_cmpmem (_ci_sm_get_ssc (fx.host, NULL), 16, _ci_sm_get_ssc (fx.card, NULL), 16);
  {
    g_autofree guint8 *bytes = pattern (40, 9);
    g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xDA, 0x01, 0x02, bytes, 40, 20);
    g_autoptr(CiResponse) reply = ci_response_new (bytes, 20, 0x9000);
    gsize outer_ne = 0;
    g_autoptr(CiApdu) opened = send_command (&fx, plain, &outer_ne);

    answer (&fx, reply, outer_ne);
  }
  aes_teardown (&fx, NULL);
}

/* Host and card whose static keys differ, or a cryptogram that answers
 * another challenge: the checks fail and leave the card's state alone. */
static void
test_aes_mutual_auth_fails (void)
{
  CiSmAuth host = { .cipher = CI_SM_CIPHER_AES128 }, card = { .cipher = CI_SM_CIPHER_AES128 };
  guint8 kenc[CI_SM_KEY_LEN] = { 1, 2, 3 }, kmac[CI_SM_KEY_LEN] = { 4, 5, 6 };
  guint8 other[CI_SM_KEY_LEN] = { 7 };
  g_autoptr(GByteArray) host_cryptogram = NULL;
  g_autoptr(GByteArray) card_cryptogram = NULL;
  GByteArray *none;
  GError *error = NULL;
  CiSmAuth saved;

  memset (card.rnd_icc, 0x11, 8);
  memset (card.k_icc, 0x22, 16);
  memcpy (host.rnd_icc, card.rnd_icc, 8);
  memset (host.rnd_ifd, 0x33, 8);
  memset (host.k_ifd, 0x44, 16);
  host_cryptogram = ci_sm_auth_host_cryptogram (&host, kenc, kmac, NULL);
  saved = card;

  /* wrong MAC key, wrong encryption key, wrong length */
  none = ci_sm_auth_card_respond (&card, kenc, other, host_cryptogram->data, 40, &error);
  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);
  none = ci_sm_auth_card_respond (&card, other, kmac, host_cryptogram->data, 40, &error);
  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);
  none = ci_sm_auth_card_respond (&card, kenc, kmac, host_cryptogram->data, 39, &error);
  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_true (memcmp (&card, &saved, sizeof card) == 0);

  /* a host cryptogram for another RND.ICC */
  card.rnd_icc[0] ^= 1;
  none = ci_sm_auth_card_respond (&card, kenc, kmac, host_cryptogram->data, 40, &error);
  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);
  card.rnd_icc[0] ^= 1;

  /* a card answer for another RND.IFD */
  card_cryptogram = ci_sm_auth_card_respond (&card, kenc, kmac, host_cryptogram->data, 40,
                                             &error);
  g_assert_no_error (error);
  host.rnd_ifd[7] ^= 1;
  g_assert_false (ci_sm_auth_host_finish (&host, kenc, kmac, card_cryptogram->data, 40, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);
  host.rnd_ifd[7] ^= 1;
  card_cryptogram->data[39] ^= 1;
  g_assert_false (ci_sm_auth_host_finish (&host, kenc, kmac, card_cryptogram->data, 40, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);
  g_assert_cmpmem (host.k_icc, 16, (guint8[16]) { 0 }, 16);
}

/* ---- failures --------------------------------------------------------- */

static void
assert_channel_closed (CiSm *sm)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 4);
  g_autoptr(CiApdu) none = ci_sm_wrap_command (sm, plain, &error);

  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
}

static void
test_tamper_command (AesFixture    *fx,
                     gconstpointer  data)
{
  g_autofree guint8 *bytes = pattern (20, 1);
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xD6, 0x00, 0x10, bytes, 20, 16);
  g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (fx->host, plain, NULL);
  g_autoptr(GByteArray) encoded = encode_apdu (protected_command);

  /* the header and every byte of the data field; the outer Le is not covered */
  for (guint i = 0; i < encoded->len - 1; i++)
    for (guint bit = 0; bit < 8; bit += 3)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GByteArray) bad = g_byte_array_new ();
        g_autoptr(CiApdu) received = NULL;
        g_autoptr(CiApdu) opened = NULL;

        if (i == 4)
          continue;   /* Lc: the codec catches a wrong one */
        aes_reset (fx);
        g_byte_array_append (bad, encoded->data, encoded->len);
        bad->data[i] ^= 1 << bit;
        received = parse_apdu (bad);
        opened = ci_sm_unwrap_command (fx->card, received, &error);
        g_assert_null (opened);
        g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
        assert_channel_closed (fx->card);
      }
}

static void
test_tamper_response (AesFixture    *fx,
                      gconstpointer  data)
{
  g_autofree guint8 *bytes = pattern (33, 2);
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 33);
  g_autoptr(CiResponse) reply = ci_response_new (bytes, 33, 0x9000);
  g_autoptr(CiResponse) good = NULL;
  g_autoptr(CiApdu) seen = send_command (fx, plain, NULL);

  good = ci_sm_wrap_response (fx->card, reply, NULL);
  for (guint i = 0; i < good->len; i++)
    for (guint bit = 0; bit < 8; bit += 3)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(CiResponse) bad = ci_response_new (good->data, good->len, good->sw);
        g_autoptr(CiResponse) opened = NULL;
        g_autoptr(CiApdu) again = NULL;

        aes_reset (fx);
        again = ci_sm_wrap_command (fx->host, plain, NULL);
        bad->data[i] ^= 1 << bit;
        opened = ci_sm_unwrap_response (fx->host, bad, &error);
        g_assert_null (opened);
        g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
        assert_channel_closed (fx->host);
      }
}

/* An answer recorded earlier, played back for a later command. */
static void
test_replay (AesFixture    *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 8);
  g_autoptr(CiResponse) reply = ci_response_new ((const guint8 *) "8 bytes!", 8, 0x9000);
  g_autoptr(CiApdu) first = ci_sm_wrap_command (fx->host, plain, &error);
  g_autoptr(CiApdu) opened = ci_sm_unwrap_command (fx->card, first, &error);
  g_autoptr(CiResponse) recorded = ci_sm_wrap_response (fx->card, reply, &error);
  g_autoptr(CiResponse) ok = ci_sm_unwrap_response (fx->host, recorded, &error);
  g_autoptr(CiApdu) second = ci_sm_wrap_command (fx->host, plain, &error);
  g_autoptr(CiResponse) replayed = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ok);
  replayed = ci_sm_unwrap_response (fx->host, recorded, &error);
  g_assert_null (replayed);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
  g_clear_error (&error);

  /* and a command played back to the card */
  aes_reset (fx);
  g_clear_pointer (&opened, ci_apdu_free);
  opened = ci_sm_unwrap_command (fx->card, first, &error);
  g_assert_no_error (error);
  g_clear_pointer (&opened, ci_apdu_free);
  opened = ci_sm_unwrap_command (fx->card, first, &error);
  g_assert_null (opened);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
}

static void
test_wrong_key (AesFixture    *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xD6, 0, 0, (const guint8 *) "abc", 3, 0);
  g_autoptr(CiApdu) protected_command = ci_sm_wrap_command (fx->host, plain, &error);
  g_autoptr(CiSm) other = NULL;
  g_autoptr(CiApdu) opened = NULL;

  fx->kmac[5] ^= 0x40;
  other = ci_sm_new (CI_SM_CIPHER_AES128, fx->kenc, fx->kmac, fx->ssc, sizeof fx->ssc);
  opened = ci_sm_unwrap_command (other, protected_command, &error);
  g_assert_null (opened);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
}

static void
assert_unwrap_fails (CiSm             *host,
                     const CiResponse *response,
                     int               code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiResponse) opened = ci_sm_unwrap_response (host, response, &error);

  g_assert_null (opened);
  g_assert_error (error, CI_CARD_ERROR, code);
}

/* Answers without DO'8E': a plain status word from a card that gave up on
 * secure messaging, or objects without their MAC. */
static void
test_missing_mac (AesFixture    *fx,
                  gconstpointer  data)
{
  static const struct { const char *response; CiCardError code; } cases[] = {
    { "69 88", CI_CARD_ERROR_SECURE_MESSAGING },
    { "69 87", CI_CARD_ERROR_SECURE_MESSAGING },
    { "69 82", CI_CARD_ERROR_SECURITY },
    { "90 00", CI_CARD_ERROR_SECURE_MESSAGING },
    { "99 02 90 00 90 00", CI_CARD_ERROR_SECURE_MESSAGING },
    { "99 02 90 00 8E 00 90 00", CI_CARD_ERROR_SECURE_MESSAGING },
    { "8E 08 01 02 03 04 05 06 07 08 99 02 90 00 90 00", CI_CARD_ERROR_SECURE_MESSAGING },
    { "99 02 90 00 8E 08 01 02 03 04 05 06 07 08 00 90 00", CI_CARD_ERROR_SECURE_MESSAGING },
    { "99 82 00 02 90 00 8E 08 01 02 03 04 05 06 07 08 90 00",
      CI_CARD_ERROR_SECURE_MESSAGING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 8);
      g_autoptr(CiApdu) protected_command = NULL;
      g_autoptr(CiResponse) response = parse_response_hex (cases[i].response);

      aes_reset (fx);
      protected_command = ci_sm_wrap_command (fx->host, plain, NULL);
      assert_unwrap_fails (fx->host, response, cases[i].code);
      assert_channel_closed (fx->host);
    }
}

/* A correctly MACed DO'87' || DO'99' || DO'8E' around @block, encrypted as
 * is (no padding added) with the SSC the host expects next. */
static CiResponse *
response_around (AesFixture   *fx,
                 const guint8 *block,
                 gsize         len)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) n = g_byte_array_new ();
  guint8 ssc[16], iv[16], mac[CI_SM_MAC_LEN];
  g_autofree guint8 *cryptogram = g_malloc (len);
  const guint8 header[3] = { 0x87, (guint8) (len + 1), 0x01 };

  memcpy (ssc, _ci_sm_get_ssc (fx->host, NULL), 16);
  for (guint i = 16; i > 0; i--)
    if (++ssc[i - 1] != 0)
      break;
  g_assert_true (ci_sm_encrypt (CI_SM_CIPHER_AES128, fx->kenc, NULL, ssc, 16, iv, FALSE, NULL));
  g_assert_true (ci_sm_encrypt (CI_SM_CIPHER_AES128, fx->kenc, iv, block, len, cryptogram,
                                FALSE, NULL));
  g_byte_array_append (body, header, 3);
  g_byte_array_append (body, cryptogram, (guint) len);
  g_byte_array_append (body, (const guint8 *) "\x99\x02\x90\x00", 4);
  g_byte_array_append (n, ssc, 16);
  g_byte_array_append (n, body->data, body->len);
  g_assert_true (ci_sm_mac (CI_SM_CIPHER_AES128, fx->kmac, n->data, n->len, mac, NULL));
  g_byte_array_append (body, (const guint8 *) "\x8E\x08", 2);
  g_byte_array_append (body, mac, sizeof mac);
  return ci_response_new (body->data, body->len, 0x9000);
}

static void
test_bad_padding (AesFixture    *fx,
                  gconstpointer  data)
{
  guint8 blocks[32];

  /* no 0x80 at all; padding longer than a block; a valid empty one */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 16);
      g_autoptr(CiApdu) protected_command = NULL;
      g_autoptr(CiResponse) response = NULL;
      g_autoptr(CiResponse) opened = NULL;

      memset (blocks, i == 0 ? 0x41 : 0x00, sizeof blocks);
      if (i == 1)
        blocks[15] = 0x80;
      else if (i == 2)
        blocks[16] = 0x80;
      aes_reset (fx);
      protected_command = ci_sm_wrap_command (fx->host, plain, NULL);
      response = response_around (fx, blocks, i == 0 ? 16 : 32);
      opened = ci_sm_unwrap_response (fx->host, response, &error);
      if (i < 2)
        {
          g_assert_null (opened);
          g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpmem (opened->data, opened->len, blocks, 16);
    }
}

/* Caller mistakes are refused before anything is sent, and the channel stays usable. */
static void
test_bad_plain_command (AesFixture    *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) already = ci_apdu_new (0x0C, 0xB0, 0, 0, NULL, 0, 4);
  g_autoptr(CiApdu) none = ci_sm_wrap_command (fx->host, already, &error);
  g_autoptr(CiApdu) plain = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 4);
  g_autoptr(CiApdu) unprotected = NULL;
  g_autoptr(CiApdu) opened = NULL;
  g_autoptr(CiApdu) sent = NULL;

  g_assert_null (none);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL);
  g_clear_error (&error);
  assert_ssc (fx->host, "0000000000000000 01020304050607fe");
  sent = send_command (fx, plain, NULL);

  /* the card refuses a plain command in the middle of a session */
  unprotected = ci_apdu_new (0x00, 0xB0, 0, 0, NULL, 0, 4);
  opened = ci_sm_unwrap_command (fx->card, unprotected, &error);
  g_assert_null (opened);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_SECURE_MESSAGING);
}

static void
add_aes_test (const char *path,
              void (*func) (AesFixture *, gconstpointer))
{
  g_test_add (path, AesFixture, NULL, aes_setup, func, aes_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sm/icao/kdf", test_kdf_icao);
  g_test_add_func ("/sm/icao/bac", test_bac_icao);
  g_test_add_func ("/sm/icao/host", test_sm_icao_host);
  g_test_add_func ("/sm/icao/card", test_sm_icao_card);
  g_test_add_func ("/sm/cmac/rfc4493", test_cmac_rfc4493);
  g_test_add_func ("/sm/cmac/padded", test_mac_aes_pads);
  g_test_add_func ("/sm/extended-rule", test_extended_rule);
  g_test_add_func ("/sm/aes/mutual-auth", test_aes_mutual_auth);
  g_test_add_func ("/sm/aes/mutual-auth-fails", test_aes_mutual_auth_fails);
  add_aes_test ("/sm/aes/round-trip", test_aes_round_trip);
  add_aes_test ("/sm/aes/contexts-reused", test_aes_contexts_reused);
  add_aes_test ("/sm/aes/le", test_le_encoding);
  add_aes_test ("/sm/aes/tamper-command", test_tamper_command);
  add_aes_test ("/sm/aes/tamper-response", test_tamper_response);
  add_aes_test ("/sm/aes/replay", test_replay);
  add_aes_test ("/sm/aes/wrong-key", test_wrong_key);
  add_aes_test ("/sm/aes/missing-mac", test_missing_mac);
  add_aes_test ("/sm/aes/bad-padding", test_bad_padding);
  add_aes_test ("/sm/aes/bad-plain-command", test_bad_plain_command);

  return g_test_run ();
}
