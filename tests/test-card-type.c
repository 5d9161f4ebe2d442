/* test-card-type.c — card types (docs/card-profile.md §1): the built-in type
 * knows every answer to reset the virtual card gives, files in config
 * directories add and replace types, and a bad file is refused with a message
 * naming it and what is wrong.
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <string.h>

#include "card/ci-card-type.h"

static const guint8 atr_t1[] = { 0x3B, 0x8B, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x40,
                                 0x55, 0x43, 0x49, 0x56, 0x43, 0x31, 0xC2 };
/* A small-APDU card: no extended lengths, so another capabilities byte and TCK. */
static const guint8 atr_t1_short[] = { 0x3B, 0x8B, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x00,
                                       0x55, 0x43, 0x49, 0x56, 0x43, 0x31, 0x82 };
static const guint8 atr_t0[] = { 0x3B, 0x0B, 0x80, 0x73, 0x00, 0x00, 0x00,
                                 0x55, 0x43, 0x49, 0x56, 0x43, 0x31 };
static const guint8 atr_other[] = { 0x3B, 0x8A, 0x80, 0x01, 0x4A, 0x43, 0x4F, 0x50,
                                    0x33, 0x31, 0x56, 0x32, 0x33, 0x32, 0x7A };
static const guint8 vcard_key[] = "CI-TRANSPORT-KEY";

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ci-card-type-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
write_type (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static GPtrArray *
load (Fixture  *f,
      GError  **error)
{
  const char *dirs[] = { f->dir, NULL };

  return ci_card_types_load (dirs, error);
}

/* The built-in type takes the virtual card in T=1, T=1 without extended
 * lengths, and T=0, with the virtual card's transport key; nothing else. */
static void
test_built_in (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) types = ci_card_types_load (NULL, &error);
  const CiCardType *type;

  g_assert_no_error (error);
  g_assert_cmpuint (types->len, ==, 1);
  type = ci_card_types_find (types, atr_t1, sizeof atr_t1);
  g_assert_nonnull (type);
  g_assert_cmpstr (type->id, ==, "cardissue-virtual");
  g_assert_cmpstr (type->name, ==, "CardIssue virtual card (cardissue-vcard)");
  g_assert_cmpmem (type->transport_key, sizeof type->transport_key, vcard_key, 16);
  g_assert_true (ci_card_types_find (types, atr_t1_short, sizeof atr_t1_short) == type);
  g_assert_true (ci_card_types_find (types, atr_t0, sizeof atr_t0) == type);

  g_assert_null (ci_card_types_find (types, atr_other, sizeof atr_other));
  /* The whole ATR must match: not a prefix, not a longer one. */
  g_assert_null (ci_card_types_find (types, atr_t1, sizeof atr_t1 - 1));
  g_assert_null (ci_card_types_find (types, atr_t0, sizeof atr_t0 - 1));
  {
    guint8 longer[sizeof atr_t0 + 1];

    memcpy (longer, atr_t0, sizeof atr_t0);
    longer[sizeof atr_t0] = 0x00;
    g_assert_null (ci_card_types_find (types, longer, sizeof longer));
  }
  g_assert_null (ci_card_types_find (types, NULL, 0));
}

/* A file adds a type; one named like the built-in replaces it; a directory
 * that does not exist adds nothing. */
static void
test_directories (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) types = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "no-such-dir", NULL);
  const char *dirs[] = { missing, f->dir, NULL };
  const CiCardType *type;
  static const guint8 key[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                  0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };

  write_type (f, "jcop.conf",
              "# a supplier's cards\n"
              "[Card Type]\n"
              "Name=JCOP 3\n"
              "ATR=3B 8A 80 01 4A 43 4F 50 33 31 56 32 33 32 ..\n"
              "TransportKey=00112233445566778899aabbccddeeff\n");
  write_type (f, "cardissue-virtual.conf",
              "[Card Type]\nName=Our own virtual cards\n"
              "ATR=3B 0B 80 73 00 00 00 55 43 49 56 43 31\n"
              "TransportKey=00112233445566778899AABBCCDDEEFF\n");
  write_type (f, "notes.txt", "not a card type");
  types = ci_card_types_load (dirs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (types->len, ==, 2);

  type = ci_card_types_find (types, atr_other, sizeof atr_other);
  g_assert_nonnull (type);
  g_assert_cmpstr (type->id, ==, "jcop");
  g_assert_cmpstr (type->name, ==, "JCOP 3");
  g_assert_cmpmem (type->transport_key, 16, key, 16);
  g_assert_true (g_str_has_suffix (type->origin, "jcop.conf"));

  /* The replacement took only T=0, and has its own key. */
  type = ci_card_types_find (types, atr_t0, sizeof atr_t0);
  g_assert_nonnull (type);
  g_assert_cmpstr (type->name, ==, "Our own virtual cards");
  g_assert_cmpmem (type->transport_key, 16, key, 16);
  g_assert_null (ci_card_types_find (types, atr_t1, sizeof atr_t1));
}

/* Each bad file fails the load with its path and the problem. */
static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  static const struct
  {
    const char *text;
    const char *says;
  } cases[] = {
    { "[Card Type]\nName=x\nTransportKey=00112233445566778899AABBCCDDEEFF\n", "ATR" },
    { "[Card Type]\nName=x\nATR=3B 0B\n", "TransportKey" },
    { "[Card Type]\nATR=3B 0B\nTransportKey=00112233445566778899AABBCCDDEEFF\n", "Name" },
    { "[Card Type]\nName=x\nATR=3B 0\nTransportKey=00112233445566778899AABBCCDDEEFF\n",
      "“3B 0”" },
    { "[Card Type]\nName=x\nATR=3B ZZ\nTransportKey=00112233445566778899AABBCCDDEEFF\n",
      "“3B ZZ”" },
    { "[Card Type]\nName=x\nATR=3B 0B;\nTransportKey=00112233445566778899AABBCCDDEEFF\n",
      NULL /* a trailing separator is allowed */ },
    { "[Card Type]\nName=x\nATR=;\nTransportKey=00112233445566778899AABBCCDDEEFF\n",
      "ATR names no pattern" },
    { "[Card Type]\nName=x\nATR=3B 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
      "00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
      "TransportKey=00112233445566778899AABBCCDDEEFF\n", "1 to 33 bytes" },
    { "[Card Type]\nName=x\nATR=3B 0B\nTransportKey=00112233445566778899AABBCCDDEE\n",
      "32 hex digits" },
    { "[Card Type]\nName=x\nATR=3B 0B\nTransportKey=00112233445566778899AABBCCDDEEFF00\n",
      "32 hex digits" },
    { "Name=x\n", "cardissue-virtual.conf" },
    { "", "Card Type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) types = NULL;

      write_type (f, "cardissue-virtual.conf", cases[i].text);
      types = load (f, &error);
      if (cases[i].says == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (types);
          continue;
        }
      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (types);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "cardissue-virtual.conf"));
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/card-type/built-in", test_built_in);
  g_test_add ("/card-type/directories", Fixture, NULL, fixture_set_up, test_directories,
              fixture_tear_down);
  g_test_add ("/card-type/bad-files", Fixture, NULL, fixture_set_up, test_bad_files,
              fixture_tear_down);
  return g_test_run ();
}
