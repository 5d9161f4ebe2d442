/* test-keys.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "keys/ci-digest.h"
#include "keys/ci-key-store.h"
#include "keys/ci-openssl-private.h"
#include "keys/ci-password.h"

#include <string.h>

#include <glib/gstdio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define PASSPHRASE "correct horse battery staple"
#define OTHER_PASSPHRASE "a different long passphrase"

/* ---- helpers --------------------------------------------------------- */

static void
assert_hex_eq (const guint8 *data,
               gsize         len,
               const char   *expected)
{
  g_autofree char *hex = ci_hex_encode (data, len);
  g_autofree char *lower = g_ascii_strdown (expected, -1);

  g_assert_cmpstr (hex, ==, lower);
}

static GBytes *
unhex (const char *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *buf = g_malloc (len + 1);

  g_assert_true (ci_hex_decode (hex, buf, len));
  return g_bytes_new_take (buf, len);
}

typedef struct
{
  char *dir;
  char *path;
} StoreFixture;

static void
store_setup (StoreFixture  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = g_dir_make_tmp ("test-keys-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "issuer.cikeys", NULL);
}

static void
store_teardown (StoreFixture  *fx,
                gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fx->dir, name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fx->dir), ==, 0);
  g_free (fx->path);
  g_free (fx->dir);
}

static CiKeyStore *
create_store (StoreFixture *fx)
{
  g_autoptr(GError) error = NULL;
  CiKeyStore *store = ci_key_store_create (fx->path, PASSPHRASE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Creates the store file and drops the instance: also checks it is freed. */
static GBytes *
create_store_file (StoreFixture *fx)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_finalize_object (create_store (fx));
  g_file_get_contents (fx->path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static const guint8 *
find_mem (const guint8 *hay,
          gsize         hay_len,
          const void   *needle,
          gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= hay_len; i++)
    if (memcmp (hay + i, needle, needle_len) == 0)
      return hay + i;
  return NULL;
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

/* Opens and unlocks @path; both must not crash, at least one must fail, and
 * the failure must be a CI_KEYS_ERROR. Returns the error code. */
static int
assert_open_or_unlock_fails (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = ci_key_store_open (path, &error);

  if (store == NULL)
    {
      g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
      g_assert_true (g_str_has_prefix (error->message, "The key store file "));
      g_assert_nonnull (strstr (error->message, " is damaged "));
      return error->code;
    }
  g_assert_no_error (error);
  g_assert_false (ci_key_store_unlock (store, PASSPHRASE, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == CI_KEYS_ERROR);
  g_assert_false (ci_key_store_is_unlocked (store));
  return error->code;
}

static void
assert_signs_and_verifies (CiKeyStore *signer,
                           CiKeyStore *verifier,
                           CiKeyId     id)
{
  static const char message[] = "card 0001 issued to employee 42";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pub = ci_key_store_get_public_key (verifier, id);
  g_autoptr(GBytes) sig = ci_key_store_sign (signer, id, message, strlen (message), &error);

  g_assert_no_error (error);
  g_assert_nonnull (sig);
  g_assert_true (ci_keys_verify_signature (pub, message, strlen (message), sig, &error));
  g_assert_no_error (error);
}

static void
assert_same_public_keys (CiKeyStore *a,
                         CiKeyStore *b)
{
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_AUDIT; id++)
    {
      g_autoptr(GBytes) pa = ci_key_store_get_public_key (a, id);
      g_autoptr(GBytes) pb = ci_key_store_get_public_key (b, id);
      g_assert_true (g_bytes_equal (pa, pb));
    }
}

static void
diversify_ok (CiKeyStore *store,
              CiKeyId     master,
              guint8      out[16])
{
  static const guint8 uid[] = { 0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_key_store_diversify (store, master, uid, sizeof uid, out, &error));
  g_assert_no_error (error);
}

/* ---- digest ---------------------------------------------------------- */

static void
test_sha256_vectors (void)
{
  guint8 out[CI_SHA256_LEN];

  ci_sha256 ("abc", 3, out);
  assert_hex_eq (out, sizeof out,
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ci_sha256 (NULL, 0, out);
  assert_hex_eq (out, sizeof out,
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ci_sha256 ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
  assert_hex_eq (out, sizeof out,
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_sha256_incremental (void)
{
  g_autoptr(CiSha256) ctx = ci_sha256_new ();
  guint8 data[1000], one_shot[CI_SHA256_LEN], incremental[CI_SHA256_LEN];

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7 + 3);
  ci_sha256 (data, sizeof data, one_shot);

  for (guint round = 0; round < 3; round++)
    {
      gsize pos = 0, step = 1;
      while (pos < sizeof data)
        {
          gsize n = MIN (step, sizeof data - pos);
          ci_sha256_update (ctx, data + pos, n);
          pos += n;
          step = step * 3 + round;
        }
      ci_sha256_finish (ctx, incremental);
      g_assert_cmpmem (incremental, sizeof incremental, one_shot, sizeof one_shot);
    }

  /* reset forgets what was fed so far */
  ci_sha256_update (ctx, "junk", 4);
  ci_sha256_reset (ctx);
  ci_sha256_update (ctx, "ab", 2);
  ci_sha256_update (ctx, "c", 1);
  ci_sha256_finish (ctx, incremental);
  assert_hex_eq (incremental, sizeof incremental,
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static gpointer
hash_in_thread (gpointer data)
{
  guint8 *out = data;

  ci_sha256 ("abc", 3, out);
  return NULL;
}

static void
test_sha256_threads (void)
{
  guint8 out[CI_SHA256_LEN];
  GThread *thread = g_thread_new ("hash", hash_in_thread, out);

  g_thread_join (thread);
  assert_hex_eq (out, sizeof out,
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_hex_round_trip (void)
{
  guint8 data[256], back[256];
  g_autofree char *hex = NULL;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) i;
  hex = ci_hex_encode (data, sizeof data);
  g_assert_cmpuint (strlen (hex), ==, 512);
  g_assert_true (g_str_has_prefix (hex, "000102"));
  g_assert_true (g_str_has_suffix (hex, "fdfeff"));
  g_assert_true (ci_hex_decode (hex, back, sizeof back));
  g_assert_cmpmem (back, sizeof back, data, sizeof data);

  g_assert_true (ci_hex_decode ("ABcd", back, 2));
  g_assert_cmpuint (back[0], ==, 0xab);
  g_assert_cmpuint (back[1], ==, 0xcd);

  g_free (hex);
  hex = ci_hex_encode (NULL, 0);
  g_assert_cmpstr (hex, ==, "");
  g_assert_true (ci_hex_decode ("", back, 0));
}

static void
test_hex_bad (void)
{
  static const char *bad[] = {
    "", "0", "001", "00112", "001122", "0g11", "00 1", " 0011", "0011 ",
    "+011", "0x11", "-1-1", "00\n1",
  };
  guint8 out[2] = { 0x5a, 0x5a };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (ci_hex_decode (bad[i], out, 2));
      g_assert_cmpuint (out[0], ==, 0x5a);
    }
  g_assert_false (ci_hex_decode ("00", out, 0));
}

static void
test_memequal_random (void)
{
  g_autoptr(GError) error = NULL;
  guint8 a[32] = { 0 }, b[32] = { 0 };

  g_assert_true (ci_memequal_secure (a, b, sizeof a));
  g_assert_true (ci_memequal_secure (a, b, 0));
  g_assert_true (ci_random_bytes (a, sizeof a, &error));
  g_assert_no_error (error);
  g_assert_true (ci_random_bytes (b, sizeof b, &error));
  g_assert_false (ci_memequal_secure (a, b, sizeof a));
  memcpy (b, a, sizeof a);
  b[31] ^= 1;
  g_assert_false (ci_memequal_secure (a, b, sizeof a));
  g_assert_true (ci_memequal_secure (a, b, 31));
}

/* ---- passwords ------------------------------------------------------- */

static void
test_password_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = ci_password_hash ("s3cret-Pa55", &error);
  gboolean matches = FALSE;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (encoded, "$scrypt$ln=15,r=8,p=1$"));
  g_assert_null (strstr (encoded, "s3cret"));

  g_assert_true (ci_password_verify ("s3cret-Pa55", encoded, &matches, &error));
  g_assert_no_error (error);
  g_assert_true (matches);

  g_assert_true (ci_password_verify ("s3cret-Pa56", encoded, &matches, &error));
  g_assert_no_error (error);
  g_assert_false (matches);

  g_assert_true (ci_password_verify ("", encoded, &matches, &error));
  g_assert_false (matches);
}

static void
test_password_salted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = ci_password_hash ("same password", &error);
  g_autofree char *b = ci_password_hash ("same password", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (a, !=, b);
}

static void
test_password_malformed (void)
{
  static const char salt[] = "AAAAAAAAAAAAAAAAAAAAAA==";
  static const char hash[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  g_autofree char *valid = g_strdup_printf ("$scrypt$ln=15,r=8,p=1$%s$%s", salt, hash);
  const char *bad[] = {
    "", "$", "$scrypt", "$scrypt$", "$scrypt$ln=15,r=8,p=1", "$scrypt$ln=15,r=8,p=1$",
    "$scrypt$ln=15,r=8,p=1$$", "$bcrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=21,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=0,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,r=0,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,r=8,p=0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=20,r=32,p=16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ("$scrypt$ln=15,r=99999999999,p=1$AAAAAAAAAAAAAAAAAAAAAA==$"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
    "$scrypt$ln=-1,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=015,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,p=1,r=8$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*=",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAA AA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean matches = TRUE;

      g_assert_false (ci_password_verify ("password", bad[i], &matches, &error));
      g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
      g_assert_false (matches);
    }

  /* the well-formed one parses, and does not match */
  {
    g_autoptr(GError) error = NULL;
    gboolean matches = TRUE;

    g_assert_true (ci_password_verify ("password", valid, &matches, &error));
    g_assert_no_error (error);
    g_assert_false (matches);
  }
}

static void
test_password_truncated (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = ci_password_hash ("truncate me", &error);
  gsize len = strlen (encoded);

  g_assert_no_error (error);
  for (gsize i = 0; i < len; i++)
    {
      g_autofree char *cut = g_strndup (encoded, i);
      g_autoptr(GError) local_error = NULL;
      gboolean matches = TRUE;

      /* even a cut on a base64 quantum is refused: scrypt outputs of
       * different lengths share a prefix, so it would otherwise match */
      g_assert_false (ci_password_verify ("truncate me", cut, &matches, &local_error));
      g_assert_error (local_error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
      g_assert_false (matches);
    }
}

/* ---- AN10922 --------------------------------------------------------- */

static void
check_an10922 (const char *key_hex,
               const char *m_hex,
               const char *expected)
{
  g_autoptr(GBytes) key = unhex (key_hex);
  g_autoptr(GBytes) m = unhex (m_hex);
  g_autoptr(GError) error = NULL;
  guint8 out[16];

  g_assert_true (ci_keys_an10922_aes128 (g_bytes_get_data (key, NULL),
                                         g_bytes_get_data (m, NULL), g_bytes_get_size (m),
                                         out, &error));
  g_assert_no_error (error);
  assert_hex_eq (out, sizeof out, expected);
}

static void
test_an10922_vectors (void)
{
  check_an10922 ("00112233445566778899AABBCCDDEEFF", "04782E21801D803042F54E585020416275",
                 "A8DD63A3B89D54B37CA802473FDA9175");
  check_an10922 ("F3F9377698707B688EAF84ABE39E3791", "04DEADBEEFFEED",
                 "0BB408BAFF98B6EE9F2E1585777F6A51");
}

static void
test_an10922_lengths (void)
{
  static const guint8 key[16] = { 1, 2, 3 };
  guint8 m[32] = { 0 }, out[16];

  for (gsize len = 0; len <= 32; len++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = ci_keys_an10922_aes128 (key, m, len, out, &error);

      if (len == 0 || len == 32)
        {
          g_assert_false (ok);
          g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
        }
      else
        {
          g_assert_true (ok);
          g_assert_no_error (error);
        }
    }
}

static void
cmac_aes128 (const guint8 *key,
             const guint8 *data,
             gsize         len,
             guint8        out[16])
{
  EVP_MAC *mac = EVP_MAC_fetch (NULL, "CMAC", NULL);
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_new (mac);
  OSSL_PARAM params[] = {
    OSSL_PARAM_utf8_string (OSSL_MAC_PARAM_CIPHER, (char *) "AES-128-CBC", 0),
    OSSL_PARAM_END
  };
  size_t out_len = 0;

  g_assert_cmpint (EVP_MAC_init (ctx, key, 16, params), ==, 1);
  g_assert_cmpint (EVP_MAC_update (ctx, data, len), ==, 1);
  g_assert_cmpint (EVP_MAC_final (ctx, out, &out_len, 16), ==, 1);
  g_assert_cmpuint (out_len, ==, 16);
  EVP_MAC_CTX_free (ctx);
  EVP_MAC_free (mac);
}

/* When 01 ‖ M is longer than one block, AN10922 is CMAC over it: an
 * independent check of the subkeys, against OpenSSL's CMAC. */
static void
test_an10922_matches_cmac (void)
{
  g_autoptr(GError) error = NULL;
  guint8 key[16], d[32], ours[16], cmac[16];

  for (gsize m_len = 16; m_len <= 31; m_len++)
    {
      g_assert_true (ci_random_bytes (key, sizeof key, &error));
      g_assert_true (ci_random_bytes (d + 1, m_len, &error));
      d[0] = 0x01;
      g_assert_true (ci_keys_an10922_aes128 (key, d + 1, m_len, ours, &error));
      g_assert_no_error (error);
      cmac_aes128 (key, d, 1 + m_len, cmac);
      g_assert_cmpmem (ours, 16, cmac, 16);
    }
}

/* ---- key store ------------------------------------------------------- */

static void
test_store_round_trip (StoreFixture  *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CiKeyStore *created = create_store (fx);
  CiKeyStore *opened = NULL;
  guint8 a1[16], a2[16], b1[16], b2[16];

  g_assert_true (ci_key_store_is_unlocked (created));
  g_assert_cmpstr (ci_key_store_get_path (created), ==, fx->path);
  assert_signs_and_verifies (created, created, CI_KEY_ISSUER);
  assert_signs_and_verifies (created, created, CI_KEY_AUDIT);
  diversify_ok (created, CI_KEY_CARD_ADMIN_MASTER, a1);
  diversify_ok (created, CI_KEY_CARD_AUTH_MASTER, b1);
  g_assert_false (memcmp (a1, b1, 16) == 0);

  opened = ci_key_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_false (ci_key_store_is_unlocked (opened));
  assert_same_public_keys (created, opened);
  g_assert_true (ci_key_store_unlock (opened, PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (opened));

  /* signatures made by one instance verify with the keys read by the other */
  assert_signs_and_verifies (opened, created, CI_KEY_ISSUER);
  assert_signs_and_verifies (created, opened, CI_KEY_AUDIT);
  diversify_ok (opened, CI_KEY_CARD_ADMIN_MASTER, a2);
  diversify_ok (opened, CI_KEY_CARD_AUTH_MASTER, b2);
  g_assert_cmpmem (a1, 16, a2, 16);
  g_assert_cmpmem (b1, 16, b2, 16);

  g_assert_finalize_object (opened);
  g_assert_finalize_object (created);
}

static void
test_store_key_ids (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CiKeyStore *created = create_store (fx);
  CiKeyStore *opened = ci_key_store_open (fx->path, &error);
  g_autofree char *issuer = ci_key_store_dup_key_id (created, CI_KEY_ISSUER);
  g_autofree char *audit = ci_key_store_dup_key_id (created, CI_KEY_AUDIT);
  g_autofree char *issuer2 = ci_key_store_dup_key_id (opened, CI_KEY_ISSUER);
  g_autofree char *admin = ci_key_store_dup_key_id (created, CI_KEY_CARD_ADMIN_MASTER);
  g_autofree char *auth = ci_key_store_dup_key_id (created, CI_KEY_CARD_AUTH_MASTER);
  g_autofree char *admin_locked = ci_key_store_dup_key_id (opened, CI_KEY_CARD_ADMIN_MASTER);
  g_autofree char *admin2 = NULL;
  g_autoptr(GBytes) pub = ci_key_store_get_public_key (created, CI_KEY_ISSUER);
  guint8 digest[CI_SHA256_LEN];
  g_autofree char *digest_hex = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (issuer), ==, 16);
  g_assert_cmpstr (issuer, ==, issuer2);
  g_assert_cmpstr (issuer, !=, audit);
  ci_sha256 (g_bytes_get_data (pub, NULL), g_bytes_get_size (pub), digest);
  digest_hex = ci_hex_encode (digest, sizeof digest);
  g_assert_true (g_str_has_prefix (digest_hex, issuer));

  g_assert_cmpuint (strlen (admin), ==, 6);
  g_assert_cmpstr (admin, !=, auth);
  g_assert_null (admin_locked);
  g_assert_true (ci_key_store_unlock (opened, PASSPHRASE, &error));
  admin2 = ci_key_store_dup_key_id (opened, CI_KEY_CARD_ADMIN_MASTER);
  g_assert_cmpstr (admin, ==, admin2);

  g_assert_null (ci_key_store_get_public_key (created, CI_KEY_CARD_AUTH_MASTER));

  g_assert_finalize_object (opened);
  g_assert_finalize_object (created);
}

static void
test_store_wrong_passphrase (StoreFixture  *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) created = create_store (fx);
  g_autoptr(CiKeyStore) opened = ci_key_store_open (fx->path, &error);

  g_assert_no_error (error);
  g_assert_false (ci_key_store_unlock (opened, OTHER_PASSPHRASE, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpstr (error->message, ==, "Wrong passphrase for the key store");
  g_assert_false (ci_key_store_is_unlocked (opened));
  g_clear_error (&error);

  /* a wrong passphrase also locks a store that was unlocked */
  g_assert_false (ci_key_store_unlock (created, "", &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_false (ci_key_store_is_unlocked (created));
}

static void
test_store_exists (StoreFixture  *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) first = create_store (fx);
  g_autoptr(GBytes) before = read_file (fx->path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(CiKeyStore) second = ci_key_store_create (fx->path, OTHER_PASSPHRASE, &error);

  g_assert_true (ci_key_store_is_unlocked (first));

  g_assert_null (second);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS);
  after = read_file (fx->path);
  g_assert_true (g_bytes_equal (before, after));
}

typedef struct
{
  const char *path;
  const char *passphrase;
  CiKeyStore *store;
  GError     *error;
} CreateRace;

static gpointer
create_racer (gpointer data)
{
  CreateRace *r = data;

  r->store = ci_key_store_create (r->path, r->passphrase, &r->error);
  return NULL;
}

/* Two desks setting up the same key store at once: one wins, the other is
 * told the store exists, and the file is the winner's, whole. */
static void
test_store_create_race (StoreFixture  *fx,
                        gconstpointer  data)
{
  CreateRace racers[2] = { { fx->path, PASSPHRASE }, { fx->path, OTHER_PASSPHRASE } };
  g_autoptr(CiKeyStore) reopened = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[2];
  CreateRace *winner, *loser;
  g_autoptr(GDir) dir = NULL;

  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("create", create_racer, &racers[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_assert_true ((racers[0].store == NULL) != (racers[1].store == NULL));
  winner = racers[0].store ? &racers[0] : &racers[1];
  loser = racers[0].store ? &racers[1] : &racers[0];
  g_assert_error (loser->error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS);
  g_clear_error (&loser->error);

  reopened = ci_key_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_true (ci_key_store_unlock (reopened, winner->passphrase, &error));
  g_assert_no_error (error);
  g_clear_object (&winner->store);

  /* and no temporary file is left beside it */
  dir = g_dir_open (fx->dir, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_dir_read_name (dir));
  g_assert_null (g_dir_read_name (dir));
}

static void
test_store_weak_passphrase (StoreFixture  *fx,
                            gconstpointer  data)
{
  /* 11 characters, 22 bytes: the minimum counts characters */
  static const char *weak[] = {
    "", "short", "elevenchars",
    ("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CiKeyStore) store = ci_key_store_create (fx->path, weak[i], &error);

      g_assert_null (store);
      g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WEAK_PASSPHRASE);
      g_assert_nonnull (strstr (error->message, "12"));
      g_assert_false (g_file_test (fx->path, G_FILE_TEST_EXISTS));
    }
}

static void
test_store_not_found (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = ci_key_store_open (fx->path, &error);

  g_assert_null (store);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a directory is not a key store either */
  store = ci_key_store_open (fx->dir, &error);
  g_assert_null (store);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
}

static void
test_store_truncated (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GBytes) contents = create_store_file (fx);
  g_autofree char *cut_path = g_build_filename (fx->dir, "cut.cikeys", NULL);
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (contents, &len);

  g_assert_cmpuint (len, >, 300);
  for (gsize i = 0; i < len; i++)
    {
      write_file (cut_path, bytes, i);
      g_assert_cmpint (assert_open_or_unlock_fails (cut_path), ==, CI_KEYS_ERROR_CORRUPT);
    }

  /* and one byte too many */
  {
    g_autofree guint8 *longer = g_malloc (len + 1);
    memcpy (longer, bytes, len);
    longer[len] = 0;
    write_file (cut_path, longer, len + 1);
    g_assert_cmpint (assert_open_or_unlock_fails (cut_path), ==, CI_KEYS_ERROR_CORRUPT);
  }
}

static gsize
find_bytes (GBytes *haystack,
            GBytes *needle)
{
  gsize hay_len, needle_len;
  const guint8 *hay = g_bytes_get_data (haystack, &hay_len);
  const guint8 *n = g_bytes_get_data (needle, &needle_len);
  const guint8 *found = find_mem (hay, hay_len, n, needle_len);

  g_assert_nonnull (found);
  return found - hay;
}

static void
test_store_tampered_public_key (StoreFixture  *fx,
                                gconstpointer  data)
{
  g_autoptr(CiKeyStore) created = create_store (fx);
  g_autoptr(GBytes) contents = read_file (fx->path);
  g_autoptr(GBytes) issuer = ci_key_store_get_public_key (created, CI_KEY_ISSUER);
  g_autoptr(GBytes) audit = ci_key_store_get_public_key (created, CI_KEY_AUDIT);
  g_autofree char *bad_path = g_build_filename (fx->dir, "tampered.cikeys", NULL);
  gsize len = g_bytes_get_size (contents), issuer_at = find_bytes (contents, issuer);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (contents, NULL), len);

  /* every byte of the issuer public key and its length field, one bit each */
  for (gsize i = issuer_at - 4; i < issuer_at + g_bytes_get_size (issuer); i++)
    {
      copy[i] ^= 1 << (i % 8);
      write_file (bad_path, copy, len);
      assert_open_or_unlock_fails (bad_path);
      copy[i] ^= 1 << (i % 8);
    }

  /* a valid key swapped in passes the header checks: the GCM tag catches it */
  g_assert_cmpuint (g_bytes_get_size (issuer), ==, g_bytes_get_size (audit));
  memcpy (copy + issuer_at, g_bytes_get_data (audit, NULL), g_bytes_get_size (audit));
  write_file (bad_path, copy, len);
  g_assert_cmpint (assert_open_or_unlock_fails (bad_path), ==, CI_KEYS_ERROR_CORRUPT);
  memcpy (copy + issuer_at, g_bytes_get_data (issuer, NULL), g_bytes_get_size (issuer));

  /* the untouched copy still works */
  write_file (bad_path, copy, len);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CiKeyStore) store = ci_key_store_open (bad_path, &error);
    g_assert_no_error (error);
    g_assert_true (ci_key_store_unlock (store, PASSPHRASE, &error));
    g_assert_no_error (error);
  }
}

static void
flip_and_expect (const char   *path,
                 guint8       *copy,
                 gsize         len,
                 gsize         offset,
                 CiKeysError   expected)
{
  copy[offset] ^= 0x10;
  write_file (path, copy, len);
  g_assert_cmpint (assert_open_or_unlock_fails (path), ==, expected);
  copy[offset] ^= 0x10;
}

static void
test_store_tampered_other (StoreFixture  *fx,
                           gconstpointer  data)
{
  g_autoptr(GBytes) contents = create_store_file (fx);
  g_autofree char *bad_path = g_build_filename (fx->dir, "tampered.cikeys", NULL);
  gsize len = g_bytes_get_size (contents);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (contents, NULL), len);

  flip_and_expect (bad_path, copy, len, 0, CI_KEYS_ERROR_CORRUPT);         /* magic */
  flip_and_expect (bad_path, copy, len, 8, CI_KEYS_ERROR_CORRUPT);         /* ln = 31 */
  flip_and_expect (bad_path, copy, len, 11, CI_KEYS_ERROR_CORRUPT);        /* reserved */
  flip_and_expect (bad_path, copy, len, 12, CI_KEYS_ERROR_WRONG_PASSPHRASE); /* salt */
  flip_and_expect (bad_path, copy, len, 30, CI_KEYS_ERROR_CORRUPT);        /* nonce */
  flip_and_expect (bad_path, copy, len, len - 40, CI_KEYS_ERROR_CORRUPT);  /* ciphertext */
  flip_and_expect (bad_path, copy, len, len - 1, CI_KEYS_ERROR_CORRUPT);   /* tag */

  /* a huge length field must not be trusted */
  memset (copy + 72, 0xff, 4);
  write_file (bad_path, copy, len);
  g_assert_cmpint (assert_open_or_unlock_fails (bad_path), ==, CI_KEYS_ERROR_CORRUPT);
}

static void
test_store_garbage (StoreFixture  *fx,
                    gconstpointer  data)
{
  guint8 junk[4096];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8) g_test_rand_int ();
  write_file (fx->path, junk, sizeof junk);
  g_assert_cmpint (assert_open_or_unlock_fails (fx->path), ==, CI_KEYS_ERROR_CORRUPT);
  memcpy (junk, "CIKEYS01", 8);
  write_file (fx->path, junk, sizeof junk);
  g_assert_cmpint (assert_open_or_unlock_fails (fx->path), ==, CI_KEYS_ERROR_CORRUPT);
}

static void
assert_locked_error (GError *error)
{
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "The key store is locked: unlock it with the administrator's passphrase");
}

static void
test_store_locked (StoreFixture  *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) created = create_store (fx);
  g_autoptr(CiKeyStore) opened = ci_key_store_open (fx->path, &error);
  g_autoptr(GBytes) sig = NULL;
  guint8 out[16];

  g_assert_no_error (error);
  sig = ci_key_store_sign (opened, CI_KEY_ISSUER, "x", 1, &error);
  g_assert_null (sig);
  assert_locked_error (error);
  g_clear_error (&error);

  g_assert_false (ci_key_store_diversify (opened, CI_KEY_CARD_ADMIN_MASTER,
                                          (const guint8 *) "uid", 3, out, &error));
  assert_locked_error (error);
  g_clear_error (&error);

  g_assert_false (ci_key_store_change_passphrase (opened, OTHER_PASSPHRASE, &error));
  assert_locked_error (error);
  g_clear_error (&error);

  ci_key_store_lock (created);
  g_assert_false (ci_key_store_is_unlocked (created));
  sig = ci_key_store_sign (created, CI_KEY_AUDIT, "x", 1, &error);
  g_assert_null (sig);
  assert_locked_error (error);
}

static void
test_store_wrong_key_kind (StoreFixture  *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = create_store (fx);
  g_autoptr(GBytes) sig = ci_key_store_sign (store, CI_KEY_CARD_ADMIN_MASTER, "x", 1, &error);
  guint8 out[16];

  g_assert_null (sig);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (ci_key_store_diversify (store, CI_KEY_ISSUER, (const guint8 *) "uid", 3,
                                          out, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (ci_key_store_diversify (store, CI_KEY_CARD_AUTH_MASTER, out, 0, out, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
}

static void
test_store_change_passphrase (StoreFixture  *fx,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) created = create_store (fx);
  g_autoptr(CiKeyStore) reopened = NULL;
  g_autoptr(GBytes) before = read_file (fx->path);
  g_autoptr(GBytes) after = NULL;
  guint8 k1[16], k2[16];
  GStatBuf st;

  diversify_ok (created, CI_KEY_CARD_AUTH_MASTER, k1);
  g_assert_false (ci_key_store_change_passphrase (created, "too short", &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WEAK_PASSPHRASE);
  g_clear_error (&error);

  g_assert_true (ci_key_store_change_passphrase (created, OTHER_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (created));
  after = read_file (fx->path);
  g_assert_false (g_bytes_equal (before, after));
  g_assert_cmpint (g_stat (fx->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  reopened = ci_key_store_open (fx->path, &error);
  g_assert_no_error (error);
  assert_same_public_keys (created, reopened);
  g_assert_false (ci_key_store_unlock (reopened, PASSPHRASE, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_true (ci_key_store_unlock (reopened, OTHER_PASSPHRASE, &error));
  g_assert_no_error (error);
  diversify_ok (reopened, CI_KEY_CARD_AUTH_MASTER, k2);
  g_assert_cmpmem (k1, 16, k2, 16);
  assert_signs_and_verifies (reopened, created, CI_KEY_ISSUER);

  /* the instance that changed it now also answers to the new passphrase only */
  g_assert_true (ci_key_store_unlock (created, OTHER_PASSPHRASE, &error));
  g_assert_no_error (error);
}

static void
test_store_bad_signature (StoreFixture  *fx,
                          gconstpointer  data)
{
  static const char message[] = "deny list v7";
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = create_store (fx);
  g_autoptr(GBytes) issuer = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  g_autoptr(GBytes) audit = ci_key_store_get_public_key (store, CI_KEY_AUDIT);
  g_autoptr(GBytes) sig = ci_key_store_sign (store, CI_KEY_ISSUER, message, strlen (message),
                                             &error);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) junk_key = g_bytes_new_static ("not a key", 9);
  gsize sig_len = 0;
  const guint8 *sig_data = g_bytes_get_data (sig, &sig_len);

  g_assert_no_error (error);
  g_assert_true (ci_keys_verify_signature (issuer, message, strlen (message), sig, &error));

  /* every byte of the signature, one bit each */
  for (gsize i = 0; i < sig_len; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (sig_data, sig_len);
      g_autoptr(GBytes) bad = NULL;

      copy[i] ^= 1 << (i % 8);
      bad = g_bytes_new (copy, sig_len);
      g_assert_false (ci_keys_verify_signature (issuer, message, strlen (message), bad, &error));
      g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE);
      g_clear_error (&error);
    }

  g_assert_false (ci_keys_verify_signature (issuer, "deny list v8", 12, sig, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (ci_keys_verify_signature (audit, message, strlen (message), sig, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (ci_keys_verify_signature (issuer, message, strlen (message), empty, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (ci_keys_verify_signature (junk_key, message, strlen (message), sig, &error));
  g_assert_nonnull (error);
}

/* A DER SubjectPublicKeyInfo of @pkey, its point in @form. */
static GBytes *
spki_in_form (EVP_PKEY   *pkey,
              const char *form)
{
  unsigned char *der = NULL;
  int len;
  GBytes *bytes;

  g_assert_cmpint (EVP_PKEY_set_utf8_string_param (pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                                   form), ==, 1);
  len = i2d_PUBKEY (pkey, &der);
  g_assert_cmpint (len, >, 0);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

static GBytes *
sign_sha256 (EVP_PKEY   *pkey,
             const char *message)
{
  g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  guint8 sig[128];
  size_t len = sizeof sig;

  g_assert_cmpint (EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL, pkey, NULL), ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, sig, &len, (const guint8 *) message, strlen (message)),
                   ==, 1);
  return g_bytes_new (sig, len);
}

/* Public keys are read in the 91-byte form CardIssue writes without OpenSSL's
 * decoder, and in any other valid form with it; both read as strictly. */
static void
test_public_key_forms (void)
{
  static const char message[] = "card 0000000001";
  g_autoptr(EVP_PKEY) pkey = EVP_EC_gen ("P-256");
  g_autoptr(EVP_PKEY) other = EVP_EC_gen ("P-384");
  g_autoptr(GBytes) sig = sign_sha256 (pkey, message);
  g_autoptr(GBytes) other_sig = sign_sha256 (other, message);
  g_autoptr(GBytes) canonical = spki_in_form (pkey, "uncompressed");
  g_autoptr(GBytes) compressed = spki_in_form (pkey, "compressed");
  g_autoptr(GBytes) p384 = spki_in_form (other, "uncompressed");
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *der = g_bytes_get_data (canonical, &len);
  g_autofree guint8 *off_curve = g_memdup2 (der, len);
  g_autofree guint8 *trailing = g_malloc (len + 1);
  g_autoptr(GBytes) off_curve_key = NULL;
  g_autoptr(GBytes) trailing_key = NULL;

  g_assert_cmpuint (len, ==, 91);
  g_assert_cmpuint (g_bytes_get_size (compressed), <, len);
  g_assert_true (ci_keys_verify_signature (canonical, message, strlen (message), sig, &error));
  g_assert_no_error (error);
  g_assert_true (ci_keys_verify_signature (compressed, message, strlen (message), sig, &error));
  g_assert_no_error (error);

  off_curve[len - 1] ^= 0x01;
  off_curve_key = g_bytes_new (off_curve, len);
  g_assert_false (ci_keys_verify_signature (off_curve_key, message, strlen (message), sig,
                                            &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
  g_clear_error (&error);

  memcpy (trailing, der, len);
  trailing[len] = 0;
  trailing_key = g_bytes_new (trailing, len + 1);
  g_assert_false (ci_keys_verify_signature (trailing_key, message, strlen (message), sig,
                                            &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_false (ci_keys_verify_signature (p384, message, strlen (message), other_sig, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT);
}

static void
test_store_file_mode (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GBytes) contents = create_store_file (fx);
  GStatBuf st;

  g_assert_nonnull (contents);
  g_assert_cmpint (g_stat (fx->path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* Any 16 bytes of the file used as a master key would give the same card
 * keys as the real master: so if no window does, no master is in the file. */
static void
assert_master_not_in (CiKeyStore   *store,
                      CiKeyId       master,
                      const guint8 *bytes,
                      gsize         len)
{
  static const guint8 uid[] = { 0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6 };
  g_autoptr(GError) error = NULL;
  guint8 real[16], candidate[16];

  g_assert_true (ci_key_store_diversify (store, master, uid, sizeof uid, real, &error));
  for (gsize i = 0; i + 16 <= len; i++)
    {
      g_assert_true (ci_keys_an10922_aes128 (bytes + i, uid, sizeof uid, candidate, &error));
      g_assert_false (memcmp (real, candidate, 16) == 0);
    }
}

static void
test_store_no_secrets_in_file (StoreFixture  *fx,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = create_store (fx);
  g_autoptr(GBytes) contents = NULL;
  gsize len = 0;
  const guint8 *bytes;

  g_assert_true (ci_key_store_change_passphrase (store, OTHER_PASSPHRASE, &error));
  contents = read_file (fx->path);
  bytes = g_bytes_get_data (contents, &len);
  g_assert_null (find_mem (bytes, len, OTHER_PASSPHRASE, strlen (OTHER_PASSPHRASE)));
  g_assert_null (find_mem (bytes, len, PASSPHRASE, strlen (PASSPHRASE)));
  g_assert_null (find_mem (bytes, len, "horse", 5));
  assert_master_not_in (store, CI_KEY_CARD_ADMIN_MASTER, bytes, len);
  assert_master_not_in (store, CI_KEY_CARD_AUTH_MASTER, bytes, len);
}

#define ADD_STORE_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_setup, func, store_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keys/sha256/vectors", test_sha256_vectors);
  g_test_add_func ("/keys/sha256/incremental", test_sha256_incremental);
  g_test_add_func ("/keys/sha256/threads", test_sha256_threads);
  g_test_add_func ("/keys/hex/round-trip", test_hex_round_trip);
  g_test_add_func ("/keys/hex/bad", test_hex_bad);
  g_test_add_func ("/keys/memequal-random", test_memequal_random);
  g_test_add_func ("/keys/password/verify", test_password_verify);
  g_test_add_func ("/keys/password/salted", test_password_salted);
  g_test_add_func ("/keys/password/malformed", test_password_malformed);
  g_test_add_func ("/keys/password/truncated", test_password_truncated);
  g_test_add_func ("/keys/an10922/vectors", test_an10922_vectors);
  g_test_add_func ("/keys/an10922/lengths", test_an10922_lengths);
  g_test_add_func ("/keys/an10922/matches-cmac", test_an10922_matches_cmac);
  ADD_STORE_TEST ("/keys/store/round-trip", test_store_round_trip);
  ADD_STORE_TEST ("/keys/store/key-ids", test_store_key_ids);
  ADD_STORE_TEST ("/keys/store/wrong-passphrase", test_store_wrong_passphrase);
  ADD_STORE_TEST ("/keys/store/exists", test_store_exists);
  ADD_STORE_TEST ("/keys/store/create-race", test_store_create_race);
  ADD_STORE_TEST ("/keys/store/weak-passphrase", test_store_weak_passphrase);
  ADD_STORE_TEST ("/keys/store/not-found", test_store_not_found);
  ADD_STORE_TEST ("/keys/store/truncated", test_store_truncated);
  ADD_STORE_TEST ("/keys/store/tampered-public-key", test_store_tampered_public_key);
  ADD_STORE_TEST ("/keys/store/tampered-other", test_store_tampered_other);
  ADD_STORE_TEST ("/keys/store/garbage", test_store_garbage);
  ADD_STORE_TEST ("/keys/store/locked", test_store_locked);
  ADD_STORE_TEST ("/keys/store/wrong-key-kind", test_store_wrong_key_kind);
  ADD_STORE_TEST ("/keys/store/change-passphrase", test_store_change_passphrase);
  ADD_STORE_TEST ("/keys/store/bad-signature", test_store_bad_signature);
  g_test_add_func ("/keys/public-key-forms", test_public_key_forms);
  ADD_STORE_TEST ("/keys/store/file-mode", test_store_file_mode);
  ADD_STORE_TEST ("/keys/store/no-secrets-in-file", test_store_no_secrets_in_file);

  return g_test_run ();
}
