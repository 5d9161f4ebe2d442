/* test-keys-pkcs11.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key store in a PKCS#11 token, against a real SoftHSM2 token that
 * tests/with-softhsm.sh makes for the run (CI_TEST_P11_MODULE, _TOKEN, _PIN).
 * Every test starts from a token without CardIssue objects.
 */

#include "keys/ci-deny-list.h"
#include "keys/ci-digest.h"
#include "keys/ci-issuer-cert.h"
#include "keys/ci-key-store-pkcs11-private.h"
#include "services/ci-services.h"
#include "store/ci-store-sqlite.h"

#include <string.h>

#include <glib/gstdio.h>

#define PASSPHRASE "correct horse battery staple"
#define TEST_KEY_LABEL "cardissue-test-known-key"

typedef struct
{
  const char *module;
  const char *token;
  const char *pin;
  char       *dir;
  char       *file;
  char       *location;
} Fixture;

/* ---- helpers --------------------------------------------------------- */

static GBytes *
unhex (const char *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *buf = g_malloc (len + 1);

  g_assert_true (ci_hex_decode (hex, buf, len));
  return g_bytes_new_take (buf, len);
}

static CiP11Token *
open_token (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  CiP11Token *p11 = _ci_p11_token_open (fx->module, fx->token, TRUE, &error);

  g_assert_no_error (error);
  g_assert_true (_ci_p11_token_login (p11, fx->pin, &error));
  g_assert_no_error (error);
  return p11;
}

static guint
count_objects (CiP11Token *p11,
               const char *label)
{
  static const CK_OBJECT_CLASS classes[] = { CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_SECRET_KEY };
  guint n = 0;

  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autoptr(GError) error = NULL;

      if (_ci_p11_find (p11, classes[c], label, &error) != CK_INVALID_HANDLE)
        n++;
      g_assert_no_error (error);
    }
  return n;
}

/* Every CardIssue object (and the tests' own) off the token. */
static void
wipe_token (Fixture *fx)
{
  static const CK_OBJECT_CLASS classes[] = { CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_SECRET_KEY };
  g_autoptr(CiP11Token) p11 = open_token (fx);
  const char *names[] = {
    _ci_key_store_token_label (CI_KEY_ISSUER), _ci_key_store_token_label (CI_KEY_AUDIT),
    _ci_key_store_token_label (CI_KEY_CARD_ADMIN_MASTER),
    _ci_key_store_token_label (CI_KEY_CARD_AUTH_MASTER), TEST_KEY_LABEL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
      {
        g_autoptr(GError) error = NULL;
        CK_OBJECT_HANDLE h;

        while ((h = _ci_p11_find (p11, classes[c], names[i], &error)) != CK_INVALID_HANDLE)
          {
            g_assert_true (_ci_p11_destroy (p11, h, &error));
            g_assert_no_error (error);
          }
        g_assert_no_error (error);
      }
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->module = g_getenv ("CI_TEST_P11_MODULE");
  fx->token = g_getenv ("CI_TEST_P11_TOKEN");
  fx->pin = g_getenv ("CI_TEST_P11_PIN");
  if (fx->module == NULL || fx->token == NULL || fx->pin == NULL)
    return;
  fx->dir = g_dir_make_tmp ("test-keys-pkcs11-XXXXXX", &error);
  g_assert_no_error (error);
  fx->file = g_build_filename (fx->dir, "keys.cikeys", NULL);
  fx->location = ci_key_store_pkcs11_uri (fx->module, fx->token);
  wipe_token (fx);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fx->dir == NULL)
    return;
  wipe_token (fx);
  dir = g_dir_open (fx->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fx->dir), ==, 0);
  g_free (fx->dir);
  g_free (fx->file);
  g_free (fx->location);
}

/* Meson runs this under tests/with-softhsm.sh; alone, it has nothing to test. */
static gboolean
have_token (Fixture *fx)
{
  if (fx->dir != NULL)
    return TRUE;
  g_test_skip ("no SoftHSM2 token: run under tests/with-softhsm.sh");
  return FALSE;
}

static CiKeyStore *
create_in_token (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  CiKeyStore *store = ci_key_store_create_pkcs11 (fx->module, fx->token, fx->pin, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
assert_signs (CiKeyStore *store,
              CiKeyId     id,
              GBytes     *public_key)
{
  static const char message[] = "issued to E-1001, card 0000000042";
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sig = ci_key_store_sign (store, id, message, sizeof message, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sig);
  g_assert_true (ci_keys_verify_signature (public_key, message, sizeof message, sig, &error));
  g_assert_no_error (error);
  /* the same signature over other data, or another key's, must fail */
  g_assert_false (ci_keys_verify_signature (public_key, message, sizeof message - 1, sig,
                                            &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE);
}

static void
diversify (CiKeyStore   *store,
           CiKeyId       master,
           const char   *m,
           guint8        out[16])
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_key_store_diversify (store, master, (const guint8 *) m, strlen (m), out,
                                         &error));
  g_assert_no_error (error);
}

/* ---- creating keys in the token -------------------------------------- */

static void
test_create (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(CiKeyStore) again = NULL;
  g_autoptr(GBytes) issuer = NULL;
  g_autoptr(GBytes) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer_id = NULL;
  g_autofree char *kcv = NULL;
  guint8 a[16], b[16];

  if (!have_token (fx))
    return;
  store = create_in_token (fx);
  g_assert_true (ci_key_store_is_pkcs11 (store));
  g_assert_true (ci_key_store_is_unlocked (store));
  g_assert_cmpstr (ci_key_store_get_path (store), ==, fx->location);

  issuer = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  audit = ci_key_store_get_public_key (store, CI_KEY_AUDIT);
  g_assert_nonnull (issuer);
  g_assert_nonnull (audit);
  g_assert_false (g_bytes_equal (issuer, audit));
  g_assert_null (ci_key_store_get_public_key (store, CI_KEY_CARD_ADMIN_MASTER));
  assert_signs (store, CI_KEY_ISSUER, issuer);
  assert_signs (store, CI_KEY_AUDIT, audit);
  g_assert_null (ci_key_store_sign (store, CI_KEY_CARD_AUTH_MASTER, "x", 1, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);

  issuer_id = ci_key_store_dup_key_id (store, CI_KEY_ISSUER);
  g_assert_cmpuint (strlen (issuer_id), ==, 16);
  kcv = ci_key_store_dup_key_id (store, CI_KEY_CARD_ADMIN_MASTER);
  g_assert_cmpuint (strlen (kcv), ==, 6);

  /* the two master keys are different keys */
  diversify (store, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", a);
  diversify (store, CI_KEY_CARD_AUTH_MASTER, "AD0000000042", b);
  g_assert_false (memcmp (a, b, 16) == 0);

  /* one set of keys per token */
  again = ci_key_store_create_pkcs11 (fx->module, fx->token, fx->pin, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS);
  g_assert_null (again);
}

static void
test_open_unlock (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(CiKeyStore) created = NULL;
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(GBytes) issuer = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kcv_created = NULL;
  g_autofree char *kcv_opened = NULL;
  guint8 a[16], b[16];

  if (!have_token (fx))
    return;
  created = create_in_token (fx);
  issuer = ci_key_store_get_public_key (created, CI_KEY_ISSUER);
  diversify (created, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", a);
  kcv_created = ci_key_store_dup_key_id (created, CI_KEY_CARD_ADMIN_MASTER);
  g_clear_object (&created);

  store = ci_key_store_open_location (fx->location, &error);
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_pkcs11 (store));
  g_assert_false (ci_key_store_is_unlocked (store));
  /* public keys without the PIN, as from the file's header */
  public_key = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  g_assert_true (g_bytes_equal (public_key, issuer));
  g_assert_null (ci_key_store_dup_key_id (store, CI_KEY_CARD_ADMIN_MASTER));
  g_assert_null (ci_key_store_sign (store, CI_KEY_ISSUER, "x", 1, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_false (ci_key_store_unlock (store, "not the PIN", &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, fx->token));
  g_assert_null (strstr (error->message, fx->pin));
  g_clear_error (&error);
  g_assert_false (ci_key_store_is_unlocked (store));
  g_assert_false (ci_key_store_diversify (store, CI_KEY_CARD_ADMIN_MASTER,
                                          (const guint8 *) "AD", 2, b, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_true (ci_key_store_unlock (store, fx->pin, &error));
  g_assert_no_error (error);
  assert_signs (store, CI_KEY_ISSUER, issuer);
  diversify (store, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", b);
  g_assert_cmpmem (a, 16, b, 16);
  kcv_opened = ci_key_store_dup_key_id (store, CI_KEY_CARD_ADMIN_MASTER);
  g_assert_cmpstr (kcv_opened, ==, kcv_created);

  /* a token has a PIN, changed with its own tools */
  g_assert_false (ci_key_store_change_passphrase (store, "a new long passphrase", &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);

  ci_key_store_lock (store);
  g_assert_false (ci_key_store_is_unlocked (store));
  g_assert_null (ci_key_store_sign (store, CI_KEY_ISSUER, "x", 1, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
}

static gboolean
has_mechanism (GBytes            *list,
               CK_MECHANISM_TYPE  mechanism)
{
  gsize size = 0;
  const CK_MECHANISM_TYPE *m = g_bytes_get_data (list, &size);

  for (gsize i = 0; i < size / sizeof *m; i++)
    if (m[i] == mechanism)
      return TRUE;
  return FALSE;
}

/* The acceptance test: the master keys are marked non-extractable and
 * sensitive, and the token will not give their value. */
static void
test_non_extractable (Fixture       *fx,
                      gconstpointer  data)
{
  static const CK_MECHANISM_TYPE master_mechanisms[] = { CKM_AES_CMAC, CKM_AES_ECB };
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(CiP11Token) p11 = NULL;

  if (!have_token (fx))
    return;
  store = create_in_token (fx);
  p11 = open_token (fx);
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_CARD_AUTH_MASTER; id++)
    {
      gboolean master = id == CI_KEY_CARD_ADMIN_MASTER || id == CI_KEY_CARD_AUTH_MASTER;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) value = NULL;
      g_autoptr(GBytes) mechanisms = NULL;
      CK_OBJECT_HANDLE key;
      gboolean flag = TRUE;
      CK_RV rv = CKR_OK;

      g_test_message ("key %s", _ci_key_store_token_label (id));
      key = _ci_p11_find (p11, master ? CKO_SECRET_KEY : CKO_PRIVATE_KEY,
                          _ci_key_store_token_label (id), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (key, !=, CK_INVALID_HANDLE);

      g_assert_true (_ci_p11_get_bool (p11, key, CKA_EXTRACTABLE, &flag));
      g_assert_false (flag);
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_SENSITIVE, &flag));
      g_assert_true (flag);
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_PRIVATE, &flag));
      g_assert_true (flag);
      /* made in the token, and never anything but sensitive and kept in */
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_LOCAL, &flag));
      g_assert_true (flag);
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_NEVER_EXTRACTABLE, &flag));
      g_assert_true (flag);
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_ALWAYS_SENSITIVE, &flag));
      g_assert_true (flag);
      g_assert_true (_ci_p11_get_bool (p11, key, CKA_DECRYPT, &flag));
      g_assert_false (flag);

      value = _ci_p11_get_attribute (p11, key, CKA_VALUE, &rv);
      g_assert_null (value);
      g_assert_cmphex (rv, ==, CKR_ATTRIBUTE_SENSITIVE);

      /* CMAC and the one ECB block of AN10922 for a master key, ECDSA for a
       * private key; nothing else, in whatever order the token keeps them */
      mechanisms = _ci_p11_get_attribute (p11, key, CKA_ALLOWED_MECHANISMS, &rv);
      g_assert_cmphex (rv, ==, CKR_OK);
      g_assert_cmpuint (g_bytes_get_size (mechanisms), ==,
                        (master ? 2 : 1) * sizeof (CK_MECHANISM_TYPE));
      if (master)
        for (guint m = 0; m < G_N_ELEMENTS (master_mechanisms); m++)
          g_assert_true (has_mechanism (mechanisms, master_mechanisms[m]));
      else
        g_assert_true (has_mechanism (mechanisms, CKM_ECDSA));
    }
}

/* ---- diversification in the token ------------------------------------ */

/* A known AES key as a token object, as sensitive as the real ones: the
 * only way to hold the token's AN10922 to the public vectors. */
static CK_OBJECT_HANDLE
import_known_key (CiP11Token   *p11,
                  const guint8  key[16])
{
  static const CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
  static const CK_KEY_TYPE type = CKK_AES;
  static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE attrs[] = {
    { CKA_CLASS, (void *) &klass, sizeof klass },
    { CKA_KEY_TYPE, (void *) &type, sizeof type },
    { CKA_LABEL, (void *) TEST_KEY_LABEL, strlen (TEST_KEY_LABEL) },
    { CKA_TOKEN, (void *) &no, sizeof no },
    { CKA_SENSITIVE, (void *) &yes, sizeof yes },
    { CKA_EXTRACTABLE, (void *) &no, sizeof no },
    { CKA_SIGN, (void *) &yes, sizeof yes },
    { CKA_ENCRYPT, (void *) &yes, sizeof yes },
    { CKA_VALUE, (void *) key, 16 },
  };
  g_autoptr(GError) error = NULL;
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;

  g_assert_true (_ci_p11_create (p11, attrs, G_N_ELEMENTS (attrs), &object, &error));
  g_assert_no_error (error);
  return object;
}

static void
test_an10922_vectors (Fixture       *fx,
                      gconstpointer  data)
{
  /* DESIGN.md §4: the AN10922 example and a short-M vector */
  static const struct { const char *key, *m, *expected; } vectors[] = {
    { "00112233445566778899AABBCCDDEEFF", "04782E21801D803042F54E585020416275",
      "A8DD63A3B89D54B37CA802473FDA9175" },
    { "F3F9377698707B688EAF84ABE39E3791", "04DEADBEEFFEED",
      "0BB408BAFF98B6EE9F2E1585777F6A51" },
  };
  g_autoptr(CiP11Token) p11 = NULL;

  if (!have_token (fx))
    return;
  p11 = open_token (fx);
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GBytes) key = unhex (vectors[i].key);
      g_autoptr(GBytes) m = unhex (vectors[i].m);
      g_autoptr(GBytes) expected = unhex (vectors[i].expected);
      g_autoptr(GError) error = NULL;
      CK_OBJECT_HANDLE object = import_known_key (p11, g_bytes_get_data (key, NULL));
      guint8 in_token[16], in_software[16];

      g_assert_true (_ci_p11_an10922 (p11, object, g_bytes_get_data (m, NULL),
                                      g_bytes_get_size (m), in_token, &error));
      g_assert_no_error (error);
      g_assert_true (ci_keys_an10922_aes128 (g_bytes_get_data (key, NULL),
                                             g_bytes_get_data (m, NULL), g_bytes_get_size (m),
                                             in_software, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (in_token, 16, g_bytes_get_data (expected, NULL), 16);
      g_assert_cmpmem (in_token, 16, in_software, 16);
      g_assert_true (_ci_p11_destroy (p11, object, &error));
      g_assert_no_error (error);
    }
}

/* Every input length, where the padding changes: 1 + M shorter than one
 * block, one block, between, and exactly two blocks. */
static void
test_an10922_lengths (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(CiP11Token) p11 = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[16], m[32], in_token[16], in_software[16];
  CK_OBJECT_HANDLE object;

  if (!have_token (fx))
    return;
  p11 = open_token (fx);
  g_assert_true (ci_random_bytes (key, sizeof key, &error));
  g_assert_true (ci_random_bytes (m, sizeof m, &error));
  object = import_known_key (p11, key);
  for (gsize len = 1; len <= 31; len++)
    {
      g_assert_true (_ci_p11_an10922 (p11, object, m, len, in_token, &error));
      g_assert_no_error (error);
      g_assert_true (ci_keys_an10922_aes128 (key, m, len, in_software, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (in_token, 16, in_software, 16);
    }
  g_assert_false (_ci_p11_an10922 (p11, object, m, 0, in_token, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (_ci_p11_an10922 (p11, object, m, 32, in_token, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (_ci_p11_destroy (p11, object, &error));
}

/* ---- X.509 with the key in the token --------------------------------- */

static void
test_certificate_and_deny_list (Fixture       *fx,
                                gconstpointer  data)
{
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(GBytes) cert_key = NULL;
  g_autoptr(GBytes) issuer = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(CiDenyList) list = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                  ci_deny_entry_free);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();

  if (!have_token (fx))
    return;
  store = create_in_token (fx);
  issuer = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  cert = ci_key_store_issuer_certificate (store, "Example Site", &error);
  g_assert_no_error (error);
  g_assert_true (ci_issuer_certificate_check (cert, &cert_key, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (cert_key, issuer));

  g_ptr_array_add (entries, ci_deny_entry_new ("0000000042", now - G_USEC_PER_SEC,
                                               CI_DENY_REASON_KEY_COMPROMISE));
  crl = ci_deny_list_build (store, cert, entries, 7, now,
                            now + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  list = ci_deny_list_load (crl, cert, &error);
  g_assert_no_error (error);
  g_assert_true (ci_deny_list_contains (list, "0000000042"));
  g_assert_false (ci_deny_list_contains (list, "0000000043"));
  g_assert_cmpuint (ci_deny_list_get_number (list), ==, 7);

  ci_key_store_lock (store);
  g_clear_pointer (&cert, g_bytes_unref);
  cert = ci_key_store_issuer_certificate (store, NULL, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_assert_null (cert);
}

/* ---- moving a file into the token ------------------------------------ */

static void
test_migrate (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(CiKeyStore) file = NULL;
  g_autoptr(CiKeyStore) token = NULL;
  g_autoptr(CiKeyStore) backup = NULL;
  g_autoptr(CiKeyStore) twice = NULL;
  g_autoptr(CiKeyStore) reopened = NULL;
  g_autoptr(CiP11Token) p11 = NULL;
  g_autoptr(GBytes) issuer = NULL;
  g_autoptr(GBytes) audit = NULL;
  g_autoptr(GBytes) moved_issuer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_to = NULL;
  g_autofree char *expected_name = NULL;
  g_autofree char *kcv_file = NULL;
  g_autofree char *kcv_token = NULL;
  guint8 admin_file[16], auth_file[16], out[16];
  CK_OBJECT_HANDLE key;
  gboolean flag = TRUE;

  if (!have_token (fx))
    return;
  file = ci_key_store_create (fx->file, PASSPHRASE, &error);
  g_assert_no_error (error);
  issuer = ci_key_store_get_public_key (file, CI_KEY_ISSUER);
  audit = ci_key_store_get_public_key (file, CI_KEY_AUDIT);
  diversify (file, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", admin_file);
  diversify (file, CI_KEY_CARD_AUTH_MASTER, "SM0000000042", auth_file);
  kcv_file = ci_key_store_dup_key_id (file, CI_KEY_CARD_AUTH_MASTER);

  token = ci_key_store_migrate_to_pkcs11 (file, fx->module, fx->token, fx->pin, &moved_to,
                                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  expected_name = g_strconcat (fx->file, ".migrated", NULL);
  g_assert_cmpstr (moved_to, ==, expected_name);
  g_assert_false (g_file_test (fx->file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (moved_to, G_FILE_TEST_IS_REGULAR));
  g_assert_false (ci_key_store_is_unlocked (file));

  /* the same keys, now used inside the token */
  g_assert_true (ci_key_store_is_unlocked (token));
  moved_issuer = ci_key_store_get_public_key (token, CI_KEY_ISSUER);
  g_assert_true (g_bytes_equal (moved_issuer, issuer));
  assert_signs (token, CI_KEY_ISSUER, issuer);
  assert_signs (token, CI_KEY_AUDIT, audit);
  diversify (token, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", out);
  g_assert_cmpmem (out, 16, admin_file, 16);
  diversify (token, CI_KEY_CARD_AUTH_MASTER, "SM0000000042", out);
  g_assert_cmpmem (out, 16, auth_file, 16);
  kcv_token = ci_key_store_dup_key_id (token, CI_KEY_CARD_AUTH_MASTER);
  g_assert_cmpstr (kcv_token, ==, kcv_file);

  /* imported, so not "local", but as locked in as generated keys */
  p11 = open_token (fx);
  key = _ci_p11_find (p11, CKO_SECRET_KEY, _ci_key_store_token_label (CI_KEY_CARD_ADMIN_MASTER),
                      &error);
  g_assert_no_error (error);
  g_assert_true (_ci_p11_get_bool (p11, key, CKA_EXTRACTABLE, &flag));
  g_assert_false (flag);
  g_assert_true (_ci_p11_get_bool (p11, key, CKA_SENSITIVE, &flag));
  g_assert_true (flag);
  key = _ci_p11_find (p11, CKO_PRIVATE_KEY, _ci_key_store_token_label (CI_KEY_ISSUER), &error);
  g_assert_true (_ci_p11_get_bool (p11, key, CKA_EXTRACTABLE, &flag));
  g_assert_false (flag);

  /* and once only: the backup of the file cannot be moved in again */
  backup = ci_key_store_open (moved_to, &error);
  g_assert_no_error (error);
  g_assert_true (ci_key_store_unlock (backup, PASSPHRASE, &error));
  twice = ci_key_store_migrate_to_pkcs11 (backup, fx->module, fx->token, fx->pin, NULL, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS);
  g_assert_null (twice);
  g_clear_error (&error);
  g_assert_true (g_file_test (moved_to, G_FILE_TEST_IS_REGULAR));
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_CARD_AUTH_MASTER; id++)
    g_assert_cmpuint (count_objects (p11, _ci_key_store_token_label (id)), ==,
                      id == CI_KEY_ISSUER || id == CI_KEY_AUDIT ? 2 : 1);

  /* the token store opens like any other */
  g_clear_object (&token);
  reopened = ci_key_store_open_pkcs11 (fx->module, fx->token, &error);
  g_assert_no_error (error);
  g_assert_true (ci_key_store_unlock (reopened, fx->pin, &error));
  diversify (reopened, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", out);
  g_assert_cmpmem (out, 16, admin_file, 16);
}

/* Nothing half-done is left when the PIN is wrong. */
static void
test_wrong_pin (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(CiKeyStore) file = NULL;
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(CiP11Token) p11 = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_token (fx))
    return;
  store = ci_key_store_create_pkcs11 (fx->module, fx->token, "wrong-pin", &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_null (store);
  g_clear_error (&error);

  file = ci_key_store_create (fx->file, PASSPHRASE, &error);
  g_assert_no_error (error);
  store = ci_key_store_migrate_to_pkcs11 (file, fx->module, fx->token, "wrong-pin", NULL,
                                          &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_null (store);
  g_clear_error (&error);
  g_assert_true (g_file_test (fx->file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (ci_key_store_is_unlocked (file));

  p11 = open_token (fx);
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_CARD_AUTH_MASTER; id++)
    g_assert_cmpuint (count_objects (p11, _ci_key_store_token_label (id)), ==, 0);
  store = ci_key_store_open_pkcs11 (fx->module, fx->token, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND);
  g_assert_null (store);
}

/* ---- locations ------------------------------------------------------- */

static void
test_locations (Fixture       *fx,
                gconstpointer  data)
{
  static const struct { const char *uri, *module, *token; } good[] = {
    { "pkcs11:token=CardIssue?module-path=/usr/lib/softhsm/libsofthsm2.so",
      "/usr/lib/softhsm/libsofthsm2.so", "CardIssue" },
    { "pkcs11:module=/usr/lib/softhsm/libsofthsm2.so;token=CardIssue",
      "/usr/lib/softhsm/libsofthsm2.so", "CardIssue" },
    { "pkcs11:token=Desk%20One%3B%C3%A9?module-path=/opt/hsm/lib%20p11.so",
      "/opt/hsm/lib p11.so", "Desk One;é" },
  };
  static const char *const bad[] = {
    "pkcs11:token=CardIssue", "pkcs11:module-path=/m.so", "pkcs11:", "pkcs11:token",
    "pkcs11:token=A?module-path=/m.so&slot-id=1", "pkcs11:token=?module-path=/m.so",
    "/var/lib/keys.cikeys",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) store = NULL;
  char *module = NULL, *token = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *again = NULL;

      g_assert_true (ci_key_store_location_is_pkcs11 (good[i].uri));
      g_assert_true (ci_key_store_parse_pkcs11_uri (good[i].uri, &module, &token, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (module, ==, good[i].module);
      g_assert_cmpstr (token, ==, good[i].token);
      again = ci_key_store_pkcs11_uri (module, token);
      g_clear_pointer (&module, g_free);
      g_clear_pointer (&token, g_free);
      g_assert_true (ci_key_store_parse_pkcs11_uri (again, &module, &token, &error));
      g_assert_cmpstr (module, ==, good[i].module);
      g_assert_cmpstr (token, ==, good[i].token);
      g_clear_pointer (&module, g_free);
      g_clear_pointer (&token, g_free);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (ci_key_store_parse_pkcs11_uri (bad[i], &module, &token, &error));
      g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
      g_clear_error (&error);
      g_assert_null (module);
      g_assert_null (token);
    }
  /* a PIN has no place in a location anyone can read */
  g_assert_false (ci_key_store_parse_pkcs11_uri ("pkcs11:token=A?module-path=/m.so&pin-value=1234",
                                                 &module, &token, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "CARDISSUE_KEYSTORE_PIN"));
  g_clear_error (&error);

  if (!have_token (fx))
    return;
  /* A module that is not there, or not given by its full path, or a token
   * that is not there, is a mistake to report; a token without keys is
   * simply no key store yet. */
  store = ci_key_store_open_pkcs11 ("/nonexistent/libp11.so", fx->token, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  store = ci_key_store_open_pkcs11 ("libsofthsm2.so", fx->token, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  store = ci_key_store_open_pkcs11 (fx->module, "no such token", &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED);
  g_clear_error (&error);
  store = ci_key_store_open_location (fx->location, &error);
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND);
  g_assert_null (store);
}

/* ---- one store, many threads ----------------------------------------- */

typedef struct
{
  CiKeyStore *store;
  GBytes     *issuer;
  guint8      expected[16];
} ThreadData;

static gpointer
sign_and_diversify (gpointer user_data)
{
  ThreadData *td = user_data;

  for (guint i = 0; i < 25; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) sig = NULL;
      guint8 out[16];

      sig = ci_key_store_sign (td->store, CI_KEY_ISSUER, &i, sizeof i, &error);
      g_assert_no_error (error);
      g_assert_true (ci_keys_verify_signature (td->issuer, &i, sizeof i, sig, &error));
      g_assert_true (ci_key_store_diversify (td->store, CI_KEY_CARD_ADMIN_MASTER,
                                             (const guint8 *) "AD0000000042", 12, out, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (out, 16, td->expected, 16);
    }
  return NULL;
}

/* PKCS#11 sessions are not for concurrent use: the store serialises them,
 * so that several readers can issue cards at once. */
static void
test_threads (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(GBytes) issuer = NULL;
  GThread *threads[4];
  ThreadData td;

  if (!have_token (fx))
    return;
  store = create_in_token (fx);
  issuer = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  td.store = store;
  td.issuer = issuer;
  diversify (store, CI_KEY_CARD_ADMIN_MASTER, "AD0000000042", td.expected);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("signer", sign_and_diversify, &td);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* ---- the services ---------------------------------------------------- */

static void
test_services (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *moved_to = NULL;
  g_autoptr(CiStore) store = NULL;
  g_autoptr(CiServices) services = NULL;
  g_autoptr(CiOperator) admin = NULL;
  g_autoptr(CiOperator) hr = ci_operator_new ();
  g_autoptr(GBytes) issuer = NULL;
  g_autoptr(GBytes) audit_key = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autofree char *exported = NULL;
  CiKeyStore *keys;

  if (!have_token (fx))
    return;
  db = g_build_filename (fx->dir, "cardissue.db", NULL);
  store = ci_store_sqlite_new (db, &error);
  g_assert_no_error (error);
  services = ci_services_new (store, "desk-1");
  admin = ci_services_first_run (services, fx->file, PASSPHRASE, "admin", "Ada Admin",
                                 "admin-password-1", &error);
  g_assert_no_error (error);
  issuer = ci_key_store_get_public_key (ci_services_get_key_store (services), CI_KEY_ISSUER);
  ci_operator_set_login (hr, "hr");
  ci_operator_set_display_name (hr, "Helga");
  ci_operator_set_roles (hr, CI_ROLE_HR | CI_ROLE_SECURITY);
  g_assert_true (ci_services_operator_add (services, admin, hr, "hr-password-22", &error));
  g_assert_no_error (error);

  /* administrators only, decided in the core */
  g_assert_false (ci_services_keys_migrate_to_token (services, hr, fx->module, fx->token,
                                                     fx->pin, NULL, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (g_file_test (fx->file, G_FILE_TEST_EXISTS));
  g_assert_false (ci_key_store_is_pkcs11 (ci_services_get_key_store (services)));

  g_assert_true (ci_services_keys_migrate_to_token (services, admin, fx->module, fx->token,
                                                    fx->pin, &moved_to, &error));
  g_assert_no_error (error);
  keys = ci_services_get_key_store (services);
  g_assert_true (ci_key_store_is_pkcs11 (keys));
  g_assert_true (ci_key_store_is_unlocked (keys));
  g_assert_false (g_file_test (fx->file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (moved_to, G_FILE_TEST_EXISTS));

  /* a second time: the keys are in the token already */
  g_assert_false (ci_services_keys_migrate_to_token (services, admin, fx->module, fx->token,
                                                     fx->pin, NULL, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);

  /* the desk unlocks the token with its PIN, as the application's prompt
   * does; a wrong one is named as such and leaves it locked */
  ci_key_store_lock (keys);
  g_assert_false (ci_services_keys_unlock (services, hr, "wrong-pin", &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "Wrong PIN for the token"));
  g_clear_error (&error);
  g_assert_false (ci_key_store_is_unlocked (keys));
  g_assert_true (ci_services_keys_unlock (services, hr, fx->pin, &error));
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (keys));

  /* the audit trail says who moved which keys where, never the PIN; its
   * checkpoints are now signed in the token, by the same audit key */
  g_assert_true (ci_audit_log_checkpoint (ci_services_get_audit_log (services), &error));
  g_assert_no_error (error);
  g_assert_true (ci_audit_log_export (ci_services_get_audit_log (services), NULL, out, NULL,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  exported = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                        g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
  g_assert_nonnull (strstr (exported, "\"action\":\"keystore.migrate-to-token\""));
  g_assert_true (g_regex_match_simple ("\"operator\":\"hr\",[^\\n]*\"action\":\"keystore\\."
                                       "migrate-to-token\"[^\\n]*\"outcome\":\"refused\"",
                                       exported, 0, 0));
  g_assert_true (g_regex_match_simple ("\"operator\":\"admin\",[^\\n]*\"action\":\"keystore\\."
                                       "migrate-to-token\"[^\\n]*\"outcome\":\"ok\"[^\\n]*"
                                       "migrated", exported, 0, 0));
  g_assert_true (g_regex_match_simple ("\"operator\":\"hr\",[^\\n]*\"action\":\"keystore\\."
                                       "unlock\"[^\\n]*\"outcome\":\"failed\"[^\\n]*Wrong PIN",
                                       exported, 0, 0));
  g_assert_true (g_regex_match_simple ("\"operator\":\"hr\",[^\\n]*\"action\":\"keystore\\."
                                       "unlock\"[^\\n]*\"outcome\":\"ok\"", exported, 0, 0));
  g_assert_null (strstr (exported, fx->pin));
  g_assert_null (strstr (exported, "wrong-pin"));
  audit_key = ci_key_store_get_public_key (keys, CI_KEY_AUDIT);
  report = ci_audit_log_verify (ci_services_get_audit_log (services), audit_key, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
}

/* First run straight into a token, and a clean retry after a failure. */
static void
test_first_run (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autoptr(CiStore) store = NULL;
  g_autoptr(CiServices) services = NULL;
  g_autoptr(CiOperator) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiP11Token) p11 = NULL;

  if (!have_token (fx))
    return;
  db = g_build_filename (fx->dir, "cardissue.db", NULL);
  store = ci_store_sqlite_new (db, &error);
  g_assert_no_error (error);
  services = ci_services_new (store, "desk-1");

  /* an administrator login the model refuses: the keys made are removed */
  admin = ci_services_first_run (services, fx->location, fx->pin, "", "Nobody",
                                 "admin-password-1", &error);
  g_assert_nonnull (error);
  g_assert_null (admin);
  g_clear_error (&error);
  p11 = open_token (fx);
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_CARD_AUTH_MASTER; id++)
    g_assert_cmpuint (count_objects (p11, _ci_key_store_token_label (id)), ==, 0);

  admin = ci_services_first_run (services, fx->location, fx->pin, "admin", "Ada Admin",
                                 "admin-password-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (admin);
  g_assert_true (ci_key_store_is_pkcs11 (ci_services_get_key_store (services)));
  for (CiKeyId id = CI_KEY_ISSUER; id <= CI_KEY_CARD_AUTH_MASTER; id++)
    g_assert_cmpuint (count_objects (p11, _ci_key_store_token_label (id)), ==,
                      id == CI_KEY_ISSUER || id == CI_KEY_AUDIT ? 2 : 1);
}

#define ADD(path, func) \
  g_test_add ("/keys-pkcs11/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("create", test_create);
  ADD ("open-unlock", test_open_unlock);
  ADD ("non-extractable", test_non_extractable);
  ADD ("an10922/vectors", test_an10922_vectors);
  ADD ("an10922/lengths", test_an10922_lengths);
  ADD ("certificate-and-deny-list", test_certificate_and_deny_list);
  ADD ("migrate", test_migrate);
  ADD ("wrong-pin", test_wrong_pin);
  ADD ("locations", test_locations);
  ADD ("threads", test_threads);
  ADD ("services", test_services);
  ADD ("first-run", test_first_run);
  return g_test_run ();
}
