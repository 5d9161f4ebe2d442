/* test-store.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"
#include "model/ci-model.h"
#include "store/ci-store-pg-private.h"
#include "store/ci-store-sqlite-private.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

/* The fixture and the raw SQL helpers are in ci-test-store.c: each test runs
 * on a fresh, empty store of the backend under test. */

/* ---- builders ------------------------------------------------------------ */

static CiEmployee *
new_employee (const char *number,
              const char *given,
              const char *family)
{
  CiEmployee *e = ci_employee_new ();

  ci_employee_set_number (e, number);
  ci_employee_set_given_name (e, given);
  ci_employee_set_family_name (e, family);
  ci_employee_set_valid_from (e, "2026-01-01");
  ci_employee_set_valid_until (e, "2027-12-31");
  return e;
}

static CiEmployee *
add_employee (Fixture    *fx,
              const char *number,
              const char *given,
              const char *family)
{
  g_autoptr(GError) error = NULL;
  CiEmployee *e = new_employee (number, given, family);

  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_id (e), >, 0);
  return e;
}

static CiZone *
add_zone (Fixture    *fx,
          CiZoneKind  kind,
          CiZone     *parent,
          const char *code)
{
  g_autoptr(GError) error = NULL;
  CiZone *z = ci_zone_new ();

  ci_zone_set_kind (z, kind);
  ci_zone_set_parent_id (z, parent ? ci_zone_get_id (parent) : 0);
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, code);
  ci_zone_set_security_level (z, 2);
  ci_zone_set_time_zone (z, kind == CI_ZONE_SITE ? "Europe/Berlin" : NULL);
  g_assert_true (ci_zone_validate (z, &error));
  g_assert_true (ci_store_zone_insert (fx->store, z, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_zone_get_id (z), >, 0);
  return z;
}

static CiCard *
add_card (Fixture *fx,
          gint64   employee_id)
{
  g_autoptr(GError) error = NULL;
  CiCard *c = ci_card_new ();

  ci_card_set_employee_id (c, employee_id);
  ci_card_set_state (c, CI_CARD_REQUESTED);
  ci_card_set_valid_until (c, "2027-12-31");
  g_assert_true (ci_store_card_insert (fx->store, c, &error));
  g_assert_no_error (error);
  return c;
}

/* Checks that @list holds employees with exactly the @numbers, in order. */
static void
assert_numbers (GPtrArray  *list,
                const char *numbers)
{
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_nonnull (list);
  for (guint i = 0; i < list->len; i++)
    {
      if (i)
        g_string_append_c (got, ' ');
      g_string_append (got, ci_employee_get_number (g_ptr_array_index (list, i)));
    }
  g_assert_cmpstr (got->str, ==, numbers);
}

/* ---- schema ---------------------------------------------------------------- */

/* The tables (SQLite: and indexes and triggers) the database holds. */
#define COUNT_TABLES SQL ("SELECT count(*) FROM sqlite_master", \
                          "SELECT count(*) FROM information_schema.tables" \
                          " WHERE table_schema = current_schema()")
#define SCHEMA_VERSION SQL ("PRAGMA user_version", "SELECT version FROM schema_version")

static void
test_schema_fresh (Fixture       *fx,
                   gconstpointer  data)
{
  /* One version number for both backends: a version means the same records. */
  g_assert_cmpint (CI_STORE_PG_SCHEMA_VERSION, ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fx, SCHEMA_VERSION), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  if (ci_test_store_is_pg ())
    {
      g_assert_true (CI_IS_STORE_PG (fx->store));
      g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM schema_version"), ==, 1);
    }
  else
    {
      g_assert_cmpstr (ci_store_sqlite_get_path (CI_STORE_SQLITE (fx->store)), ==, fx->path);
    }
  /* v2 tables and columns exist */
  g_assert_cmpint (raw_int (fx, SQL ("SELECT count(*) FROM pragma_table_info('employee')"
                                     " WHERE name IN ('given_key', 'family_key')",
                                     "SELECT count(*) FROM information_schema.columns"
                                     " WHERE table_schema = current_schema()"
                                     " AND table_name = 'employee'"
                                     " AND column_name IN ('given_key', 'family_key')")), ==, 2);
  g_assert_cmpint (raw_int (fx, SQL ("SELECT count(*) FROM sqlite_master"
                                     " WHERE name = 'role_permission'",
                                     "SELECT count(*) FROM information_schema.tables"
                                     " WHERE table_schema = current_schema()"
                                     " AND table_name = 'role_permission'")), ==, 1);
  /* Opening again changes nothing. */
  reopen (fx);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fx, SCHEMA_VERSION), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
}

static void
test_schema_from_empty (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = NULL;

  if (ci_test_store_is_pg ())
    {
      fx->store = _ci_store_pg_new_at_version (fx->location, 0, &error);
    }
  else
    {
      /* A zero-byte file is an empty database. */
      g_file_set_contents (fx->path, "", 0, &error);
      g_assert_no_error (error);
      fx->store = _ci_store_sqlite_new_at_version (fx->path, 0, &error);
    }
  g_assert_no_error (error);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, 0);
  g_assert_cmpint (raw_int (fx, COUNT_TABLES), ==, 0);

  reopen (fx);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  e = add_employee (fx, "E-1", "Anna", "Müller");
  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_schema_from_v1 (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(CiEmployee) e = NULL;
  g_autofree char *family_key = NULL;

  fx->store = _ci_store_sqlite_new_at_version (fx->path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&fx->store));

  /* Rows written by a desk still on schema 1. */
  raw_exec (fx,
            "INSERT INTO employee (number, given_name, family_name, valid_from, valid_until,"
            " updated_at) VALUES ('E-7', 'Jürgen', 'Müller', '2026-01-01', '2027-01-01', 0);"
            "INSERT INTO employee (number, given_name, family_name, valid_from, valid_until,"
            " updated_at) VALUES ('E-8', 'Élodie', 'Durand', '2026-01-01', '2027-01-01', 0);");
  g_assert_cmpint (raw_int (fx, "PRAGMA user_version"), ==, 1);

  reopen (fx);
  g_assert_cmpint (ci_store_schema_version (fx->store), ==, CI_STORE_SQLITE_SCHEMA_VERSION);
  family_key = raw_text (fx, "SELECT family_key FROM employee WHERE number = 'E-7'");
  g_assert_cmpstr (family_key, ==, "muller");

  found = ci_store_employee_search (fx->store, "MUL", 0, 0, &error);
  g_assert_no_error (error);
  assert_numbers (found, "E-7");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = ci_store_employee_search (fx->store, "jurgen mull", 0, 0, &error);
  g_assert_no_error (error);
  assert_numbers (found, "E-7");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = ci_store_employee_search (fx->store, "elo", 0, 0, &error);
  g_assert_no_error (error);
  assert_numbers (found, "E-8");

  e = ci_store_employee_get_by_number (fx->store, "E-7", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Jürgen");
  g_assert_cmpint (ci_employee_get_version (e), ==, 1);
}

static void
test_schema_newer_refused (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CiStore *store;

  raw_exec (fx, SQL ("CREATE TABLE future (x); PRAGMA user_version = 99;",
                     "CREATE TABLE future (x integer);"
                     "CREATE TABLE schema_version (version integer NOT NULL);"
                     "INSERT INTO schema_version VALUES (99);"));
  store = ci_store_open (fx->location, &error);
  g_assert_null (store);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "schema 99"));
  /* The database is left as it was. */
  g_assert_cmpint (raw_int (fx, SCHEMA_VERSION), ==, 99);
  g_assert_cmpint (raw_int (fx, COUNT_TABLES), ==, ci_test_store_is_pg () ? 2 : 1);
}

static void
test_pragmas (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCard) card = ci_card_new ();
  g_autoptr(CiGrant) grant = ci_grant_new ();
  g_autoptr(CiZone) zone = ci_zone_new ();
  g_autoptr(CiEmployee) e = add_employee (fx, "E-1", "Anna", "Müller");

  /* WAL is a property of the file; a second connection sees it. */
  if (!ci_test_store_is_pg ())
    {
      g_autofree char *mode = raw_text (fx, "PRAGMA journal_mode");
      g_assert_cmpstr (mode, ==, "wal");
    }

  /* SQLite's foreign_keys is per connection, so it shows in what the store
   * refuses; PostgreSQL always checks them. */
  ci_card_set_employee_id (card, 4242);
  g_assert_false (ci_store_card_insert (fx->store, card, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ci_grant_set_employee_id (grant, ci_employee_get_id (e));
  ci_grant_set_zone_id (grant, 4242);
  ci_grant_set_granted_by (grant, "sec");
  g_assert_false (ci_store_grant_insert (fx->store, grant, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ci_zone_set_kind (zone, CI_ZONE_BUILDING);
  ci_zone_set_parent_id (zone, 4242);
  ci_zone_set_code (zone, "B1");
  ci_zone_set_name (zone, "B1");
  g_assert_false (ci_store_zone_insert (fx->store, zone, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM zone"), ==, 0);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM card"), ==, 0);
}

/* ---- employees ---------------------------------------------------------------- */

static void
test_employee_crud (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = new_employee ("E-1001", "Anna", "Müller");
  g_autoptr(CiEmployee) got = NULL;
  g_autoptr(CiEmployee) by_number = NULL;
  g_autoptr(CiEmployee) dup = new_employee ("E-1001", "Other", "Person");
  g_autoptr(CiEmployee) second = NULL;
  g_autoptr(CiEmployee) missing = NULL;
  g_autoptr(GPtrArray) found = NULL;

  ci_employee_set_department (e, "Finance");
  ci_employee_set_job_title (e, "Controller");
  ci_employee_set_email (e, "anna@example.com");
  ci_employee_set_status (e, CI_EMPLOYEE_SUSPENDED);
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_id (e), >, 0);
  g_assert_cmpint (ci_employee_get_version (e), ==, 1);

  got = ci_store_employee_get (fx->store, ci_employee_get_id (e), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_id (got), ==, ci_employee_get_id (e));
  g_assert_cmpint (ci_employee_get_version (got), ==, 1);
  g_assert_cmpstr (ci_employee_get_number (got), ==, "E-1001");
  g_assert_cmpstr (ci_employee_get_given_name (got), ==, "Anna");
  g_assert_cmpstr (ci_employee_get_family_name (got), ==, "Müller");
  g_assert_cmpstr (ci_employee_get_department (got), ==, "Finance");
  g_assert_cmpstr (ci_employee_get_job_title (got), ==, "Controller");
  g_assert_cmpstr (ci_employee_get_email (got), ==, "anna@example.com");
  g_assert_cmpstr (ci_employee_get_valid_from (got), ==, "2026-01-01");
  g_assert_cmpstr (ci_employee_get_valid_until (got), ==, "2027-12-31");
  g_assert_cmpint (ci_employee_get_status (got), ==, CI_EMPLOYEE_SUSPENDED);
  g_assert_null (ci_employee_get_photo (got));

  by_number = ci_store_employee_get_by_number (fx->store, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_id (by_number), ==, ci_employee_get_id (e));

  missing = ci_store_employee_get_by_number (fx->store, "E-9999", &error);
  g_assert_null (missing);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "E-9999"));
  g_clear_error (&error);
  missing = ci_store_employee_get (fx->store, 4242, &error);
  g_assert_null (missing);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* duplicate number */
  g_assert_false (ci_store_employee_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "E-1001"));
  g_assert_cmpint (ci_employee_get_id (dup), ==, 0);
  g_clear_error (&error);

  /* update: new name, new version, new search key */
  ci_employee_set_family_name (got, "Schmidt");
  ci_employee_set_status (got, CI_EMPLOYEE_ACTIVE);
  g_assert_true (ci_store_employee_update (fx->store, got, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_version (got), ==, 2);
  g_clear_object (&by_number);
  by_number = ci_store_employee_get_by_number (fx->store, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_employee_get_family_name (by_number), ==, "Schmidt");
  g_assert_cmpint (ci_employee_get_status (by_number), ==, CI_EMPLOYEE_ACTIVE);
  g_assert_cmpint (ci_employee_get_version (by_number), ==, 2);
  found = ci_store_employee_search (fx->store, "schm", 0, 0, &error);
  assert_numbers (found, "E-1001");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = ci_store_employee_search (fx->store, "mül", 0, 0, &error);
  assert_numbers (found, "");

  /* changing the number to one already taken */
  second = add_employee (fx, "E-1002", "Hans", "Muller");
  ci_employee_set_number (second, "E-1001");
  g_assert_false (ci_store_employee_update (fx->store, second, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_assert_cmpint (ci_employee_get_version (second), ==, 1);
}

static void
test_employee_conflict (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = add_employee (fx, "E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) first = ci_store_employee_get (fx->store, ci_employee_get_id (e), NULL);
  g_autoptr(CiEmployee) second = ci_store_employee_get (fx->store, ci_employee_get_id (e), NULL);
  g_autoptr(CiEmployee) now = NULL;

  g_assert_cmpint (ci_employee_get_version (first), ==, 1);
  g_assert_cmpint (ci_employee_get_version (second), ==, 1);

  ci_employee_set_department (first, "Sales");
  g_assert_true (ci_store_employee_update (fx->store, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_version (first), ==, 2);

  ci_employee_set_department (second, "Legal");
  g_assert_false (ci_store_employee_update (fx->store, second, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "E-1"));
  g_assert_cmpint (ci_employee_get_version (second), ==, 1);
  g_clear_error (&error);

  now = ci_store_employee_get (fx->store, ci_employee_get_id (e), &error);
  g_assert_cmpstr (ci_employee_get_department (now), ==, "Sales");
  g_assert_cmpint (ci_employee_get_version (now), ==, 2);

  /* Reloaded, the second desk's change goes through. */
  ci_employee_set_department (now, "Legal");
  g_assert_true (ci_store_employee_update (fx->store, now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_version (now), ==, 3);
}

static void
test_employee_photo (Fixture       *fx,
                     gconstpointer  data)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = new_employee ("E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) got = NULL;
  g_autoptr(CiEmployee) again = NULL;
  g_autoptr(GBytes) photo = NULL;
  gsize len = 300 * 1024;
  guint8 *buf = g_malloc (len);

  /* every byte value, including NULs */
  for (gsize i = 0; i < len; i++)
    buf[i] = (guint8) (i * 7 + (i >> 8));
  memcpy (buf, png, sizeof png);
  photo = g_bytes_new_take (buf, len);
  ci_employee_set_photo (e, photo);
  g_assert_true (ci_employee_validate (e, NULL));
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_no_error (error);

  got = ci_store_employee_get (fx->store, ci_employee_get_id (e), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ci_employee_get_photo (got));
  g_assert_cmpuint (g_bytes_get_size (ci_employee_get_photo (got)), ==, len);
  g_assert_true (g_bytes_equal (ci_employee_get_photo (got), photo));

  /* Removing the photo stores NULL. */
  ci_employee_set_photo (got, NULL);
  g_assert_true (ci_store_employee_update (fx->store, got, &error));
  g_assert_no_error (error);
  again = ci_store_employee_get_by_number (fx->store, "E-1", &error);
  g_assert_no_error (error);
  g_assert_null (ci_employee_get_photo (again));
}

/* Six employees; family-name order is E-5 E-3 E-6 E-1 E-2 E-4. */
static void
add_search_people (Fixture *fx)
{
  static const char * const people[][3] = {
    { "E-1", "Anna", "Müller" },
    { "E-2", "Hans", "Muller" },
    { "E-3", "Élodie", "Durand" },
    { "E-4", "Anna", "Schmidt" },
    { "E-5", "Zoë", "Adams" },
    { "E-6", "Fox", "Mulder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    g_object_unref (add_employee (fx, people[i][0], people[i][1], people[i][2]));
}

static void
assert_search (Fixture    *fx,
               const char *query,
               guint       offset,
               guint       limit,
               const char *numbers)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = ci_store_employee_search (fx->store, query, offset, limit, &error);

  g_assert_no_error (error);
  g_test_message ("search “%s” %u+%u", query, offset, limit);
  assert_numbers (found, numbers);
}

static void
test_employee_search (Fixture       *fx,
                      gconstpointer  data)
{
  add_search_people (fx);

  /* family-name prefix, accent- and case-insensitive */
  assert_search (fx, "mül", 0, 0, "E-6 E-1 E-2");
  assert_search (fx, "MUL", 0, 0, "E-6 E-1 E-2");
  assert_search (fx, "müll", 0, 0, "E-1 E-2");
  assert_search (fx, "Muller", 0, 0, "E-1 E-2");
  assert_search (fx, "dur", 0, 0, "E-3");
  /* given-name prefix */
  assert_search (fx, "anna", 0, 0, "E-1 E-4");
  assert_search (fx, "ÉLO", 0, 0, "E-3");
  assert_search (fx, "elodie", 0, 0, "E-3");
  assert_search (fx, "zoe", 0, 0, "E-5");
  /* number prefix */
  assert_search (fx, "E-", 0, 0, "E-1 E-2 E-3 E-4 E-5 E-6");
  assert_search (fx, "E-4", 0, 0, "E-4");
  /* two words: given and family, either way round */
  assert_search (fx, "anna mül", 0, 0, "E-1");
  assert_search (fx, "Anna  MUELLER", 0, 0, "");
  assert_search (fx, "müller anna", 0, 0, "E-1");
  assert_search (fx, "an sch", 0, 0, "E-4");
  assert_search (fx, "hans mül", 0, 0, "E-2");
  /* nothing */
  assert_search (fx, "xyz", 0, 0, "");
  /* offset and limit on a prefix search */
  assert_search (fx, "mül", 1, 1, "E-1");
  assert_search (fx, "mül", 0, 2, "E-6 E-1");
  assert_search (fx, "mül", 2, 5, "E-2");
  assert_search (fx, "mül", 3, 5, "");
}

static void
test_employee_search_all (Fixture       *fx,
                          gconstpointer  data)
{
  add_search_people (fx);

  assert_search (fx, "", 0, 0, "E-5 E-3 E-6 E-1 E-2 E-4");
  assert_search (fx, NULL, 0, 0, "E-5 E-3 E-6 E-1 E-2 E-4");
  assert_search (fx, "   ", 0, 0, "E-5 E-3 E-6 E-1 E-2 E-4");
  assert_search (fx, "", 0, 2, "E-5 E-3");
  assert_search (fx, "", 1, 2, "E-3 E-6");
  assert_search (fx, "", 2, 3, "E-6 E-1 E-2");
  assert_search (fx, "", 4, 10, "E-2 E-4");
  assert_search (fx, "", 4, 0, "E-2 E-4");
  assert_search (fx, "", 6, 10, "");
}

static void
test_employee_count (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 0);
  g_assert_no_error (error);
  add_search_people (fx);
  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 6);
  g_assert_no_error (error);
}

static GPtrArray *
get_many (Fixture *fx,
          GArray  *ids)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = ci_store_employee_get_many (fx->store, (const gint64 *) ids->data, ids->len,
                                                 &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

static void
assert_match (Fixture         *fx,
              const char      *query,
              CiEmployeeOrder  order,
              const char      *numbers)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = ci_store_employee_match (fx->store, query, order, &error);
  g_autoptr(GPtrArray) found = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  g_test_message ("match “%s” in order %d", query, order);
  found = get_many (fx, ids);
  g_assert_cmpuint (found->len, ==, ids->len);
  assert_numbers (found, numbers);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The numbers of the employees in @list, sorted: the set it holds. */
static char *
number_set (GPtrArray *list)
{
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();

  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (numbers, (gpointer) ci_employee_get_number (g_ptr_array_index (list, i)));
  g_ptr_array_sort (numbers, compare_strings);
  g_ptr_array_add (numbers, NULL);
  return g_strjoinv (" ", (char **) numbers->pdata);
}

static int
compare_names (CiEmployee *a,
               CiEmployee *b)
{
  g_autofree char *a_family = ci_search_key (ci_employee_get_family_name (a));
  g_autofree char *b_family = ci_search_key (ci_employee_get_family_name (b));
  g_autofree char *a_given = ci_search_key (ci_employee_get_given_name (a));
  g_autofree char *b_given = ci_search_key (ci_employee_get_given_name (b));
  int c = strcmp (a_family, b_family);

  if (c == 0)
    c = strcmp (a_given, b_given);
  if (c == 0)
    c = ci_employee_get_id (a) < ci_employee_get_id (b) ? -1
        : ci_employee_get_id (a) > ci_employee_get_id (b);
  return c;
}

/* Checks that each employee of @list comes strictly after the one before in @order. */
static void
assert_in_order (GPtrArray       *list,
                 CiEmployeeOrder  order)
{
  for (guint i = 1; i < list->len; i++)
    {
      CiEmployee *a = g_ptr_array_index (list, i - 1), *b = g_ptr_array_index (list, i);
      int c = order == CI_EMPLOYEE_ORDER_NAME || order == CI_EMPLOYEE_ORDER_NAME_DESC
              ? compare_names (a, b)
              : strcmp (ci_employee_get_number (a), ci_employee_get_number (b));

      if (order == CI_EMPLOYEE_ORDER_NAME_DESC || order == CI_EMPLOYEE_ORDER_NUMBER_DESC)
        c = -c;
      g_assert_cmpint (c, <, 0);
    }
}

static void
test_employee_match (Fixture       *fx,
                     gconstpointer  data)
{
  static const char * const queries[] = {
    "", "   ", "a", "e", "mül", "MUL", "müll", "Muller", "anna", "ÉLO", "zoe", "E-", "E-4",
    "anna mül", "Anna  MUELLER", "müller anna", "an sch", "hans mül", "a m", "xyz",
  };

  add_search_people (fx);
  g_object_unref (add_employee (fx, "X-7", "Anna", "Müller"));

  /* Every query finds exactly whom the search finds, in each order. */
  for (guint q = 0; q <= G_N_ELEMENTS (queries); q++)
    {
      const char *query = q < G_N_ELEMENTS (queries) ? queries[q] : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) searched = ci_store_employee_search (fx->store, query, 0, 0, &error);
      g_autofree char *expected = NULL;

      g_assert_no_error (error);
      expected = number_set (searched);
      for (CiEmployeeOrder order = CI_EMPLOYEE_ORDER_NAME;
           order <= CI_EMPLOYEE_ORDER_NUMBER_DESC; order++)
        {
          g_autoptr(GArray) ids = ci_store_employee_match (fx->store, query, order, &error);
          g_autoptr(GPtrArray) found = NULL;
          g_autofree char *got = NULL;

          g_assert_no_error (error);
          g_test_message ("match “%s” in order %d", query, order);
          found = get_many (fx, ids);
          g_assert_cmpuint (found->len, ==, ids->len);
          got = number_set (found);
          g_assert_cmpstr (got, ==, expected);
          assert_in_order (found, order);
        }
    }

  /* The orders themselves; X-7 is a second Anna Müller, after E-1 by id. */
  assert_match (fx, "", CI_EMPLOYEE_ORDER_NAME, "E-5 E-3 E-6 E-1 X-7 E-2 E-4");
  assert_match (fx, NULL, CI_EMPLOYEE_ORDER_NAME_DESC, "E-4 E-2 X-7 E-1 E-6 E-3 E-5");
  assert_match (fx, "", CI_EMPLOYEE_ORDER_NUMBER, "E-1 E-2 E-3 E-4 E-5 E-6 X-7");
  assert_match (fx, "", CI_EMPLOYEE_ORDER_NUMBER_DESC, "X-7 E-6 E-5 E-4 E-3 E-2 E-1");
  assert_match (fx, "mül", CI_EMPLOYEE_ORDER_NAME, "E-6 E-1 X-7 E-2");
  assert_match (fx, "mül", CI_EMPLOYEE_ORDER_NUMBER_DESC, "X-7 E-6 E-2 E-1");
  assert_match (fx, "a", CI_EMPLOYEE_ORDER_NAME, "E-5 E-1 X-7 E-4");
  assert_match (fx, "E-", CI_EMPLOYEE_ORDER_NAME_DESC, "E-4 E-2 E-1 E-6 E-3 E-5");
  assert_match (fx, "anna mül", CI_EMPLOYEE_ORDER_NUMBER, "E-1 X-7");
  assert_match (fx, "müller anna", CI_EMPLOYEE_ORDER_NAME_DESC, "X-7 E-1");
  assert_match (fx, "xyz", CI_EMPLOYEE_ORDER_NAME, "");
}

static void
test_employee_match_empty (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) all = ci_store_employee_match (fx->store, "", CI_EMPLOYEE_ORDER_NAME, &error);
  g_autoptr(GArray) some = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (all);
  g_assert_cmpuint (all->len, ==, 0);
  some = ci_store_employee_match (fx->store, "anna", CI_EMPLOYEE_ORDER_NUMBER, &error);
  g_assert_no_error (error);
  g_assert_nonnull (some);
  g_assert_cmpuint (some->len, ==, 0);
}

static void
test_employee_get_many (Fixture       *fx,
                        gconstpointer  data)
{
  /* An id never used (NULL), one deleted below (E-3), and one asked for twice. */
  static const char * const numbers[] = { "E-4", "P-1", NULL, "E-3", "E-1", "E-4" };
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) pictured = new_employee ("P-1", "Paul", "Photo");
  g_autoptr(GBytes) photo = g_bytes_new_static ("\x89PNG", 4);
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 ids[G_N_ELEMENTS (numbers)];

  add_search_people (fx);
  ci_employee_set_photo (pictured, photo);
  g_assert_true (ci_store_employee_insert (fx->store, pictured, &error));
  g_assert_no_error (error);

  none = ci_store_employee_get_many (fx->store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(CiEmployee) e = NULL;

      if (numbers[i] == NULL)
        {
          ids[i] = 999999;
          continue;
        }
      e = ci_store_employee_get_by_number (fx->store, numbers[i], &error);
      g_assert_no_error (error);
      ids[i] = ci_employee_get_id (e);
    }
  raw_exec (fx, "DELETE FROM employee WHERE number = 'E-3'");

  found = ci_store_employee_get_many (fx->store, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  assert_numbers (found, "E-4 P-1 E-1 E-4");
  g_assert_cmpstr (ci_employee_get_family_name (g_ptr_array_index (found, 2)), ==, "Müller");
  g_assert_cmpint (ci_employee_get_version (g_ptr_array_index (found, 2)), ==, 1);
  /* Rows for a list: no photos. */
  g_assert_null (ci_employee_get_photo (g_ptr_array_index (found, 1)));
}

/* ---- zones, schedules, grants ------------------------------------------------ */

static void
test_zone_crud (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiZone) site = add_zone (fx, CI_ZONE_SITE, NULL, "HQ");
  g_autoptr(CiZone) building = add_zone (fx, CI_ZONE_BUILDING, site, "HQ-B1");
  g_autoptr(CiZone) got = NULL;
  g_autoptr(CiZone) by_code = NULL;
  g_autoptr(CiZone) dup = ci_zone_copy (building);
  g_autoptr(CiZone) ghost = ci_zone_copy (building);

  got = ci_store_zone_get (fx->store, ci_zone_get_id (building), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_zone_get_parent_id (got), ==, ci_zone_get_id (site));
  g_assert_cmpint (ci_zone_get_kind (got), ==, CI_ZONE_BUILDING);
  g_assert_cmpstr (ci_zone_get_code (got), ==, "HQ-B1");
  g_assert_cmpint (ci_zone_get_security_level (got), ==, 2);
  g_assert_false (ci_zone_get_hr_may_grant (got));
  g_assert_null (ci_zone_get_time_zone (got));

  by_code = ci_store_zone_get_by_code (fx->store, "HQ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_zone_get_id (by_code), ==, ci_zone_get_id (site));
  g_assert_cmpint (ci_zone_get_parent_id (by_code), ==, 0);
  g_assert_cmpstr (ci_zone_get_time_zone (by_code), ==, "Europe/Berlin");

  ci_zone_set_name (got, "Main building");
  ci_zone_set_hr_may_grant (got, TRUE);
  ci_zone_set_security_level (got, 7);
  g_assert_true (ci_store_zone_update (fx->store, got, &error));
  g_assert_no_error (error);
  g_clear_object (&got);
  got = ci_store_zone_get_by_code (fx->store, "HQ-B1", &error);
  g_assert_cmpstr (ci_zone_get_name (got), ==, "Main building");
  g_assert_true (ci_zone_get_hr_may_grant (got));
  g_assert_cmpint (ci_zone_get_security_level (got), ==, 7);

  ci_zone_set_id (dup, 0);
  g_assert_false (ci_store_zone_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  ci_zone_set_id (ghost, 4242);
  ci_zone_set_code (ghost, "GHOST");
  g_assert_false (ci_store_zone_update (fx->store, ghost, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (ci_store_zone_get_by_code (fx->store, "NOPE", &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
}

static void
test_zone_list_order (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GString) order = g_string_new (NULL);
  /* Inserted so that neither id order nor code order is the tree order. */
  g_autoptr(CiZone) hq = add_zone (fx, CI_ZONE_SITE, NULL, "HQ");
  g_autoptr(CiZone) hq2 = add_zone (fx, CI_ZONE_SITE, NULL, "HQ-2");
  g_autoptr(CiZone) aa = add_zone (fx, CI_ZONE_SITE, NULL, "AA");
  g_autoptr(CiZone) b1 = add_zone (fx, CI_ZONE_BUILDING, hq, "B1");
  g_autoptr(CiZone) lab = add_zone (fx, CI_ZONE_AREA, b1, "LAB");
  g_autoptr(CiZone) a0 = add_zone (fx, CI_ZONE_BUILDING, hq2, "A0");
  g_autoptr(CiZone) b0 = add_zone (fx, CI_ZONE_BUILDING, hq, "B0");
  g_autoptr(CiZone) aa1 = add_zone (fx, CI_ZONE_BUILDING, aa, "AA.1");

  list = ci_store_zone_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 8);
  for (guint i = 0; i < list->len; i++)
    {
      CiZone *z = g_ptr_array_index (list, i);
      gint64 parent = ci_zone_get_parent_id (z);

      /* every parent comes before its children */
      if (parent != 0)
        g_assert_true (g_hash_table_contains (seen, &parent));
      g_hash_table_add (seen, g_memdup2 (&(gint64) { ci_zone_get_id (z) }, sizeof (gint64)));
      if (i)
        g_string_append_c (order, ' ');
      g_string_append (order, ci_zone_get_code (z));
    }
  /* depth first, siblings by code: what the CLI prints as an indented tree */
  g_assert_cmpstr (order->str, ==, "AA AA.1 HQ B0 B1 LAB HQ-2 A0");
}

static void
test_schedules (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiSchedule) office = ci_schedule_new ();
  g_autoptr(CiSchedule) night = ci_schedule_new ();
  g_autoptr(CiSchedule) dup = ci_schedule_new ();
  g_autoptr(CiSchedule) got = NULL;
  g_autoptr(CiSchedule) by_name = NULL;
  g_autoptr(GPtrArray) list = NULL;

  ci_schedule_set_name (office, "Office");
  ci_schedule_set_rules (office, "mon-fri 07:00-19:00; sat 08:00-12:00");
  ci_schedule_set_name (night, "Night shift");
  ci_schedule_set_rules (night, "mon-sun 22:00-24:00");
  g_assert_true (ci_store_schedule_insert (fx->store, office, &error));
  g_assert_true (ci_store_schedule_insert (fx->store, night, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_schedule_get_id (office), >, 0);
  g_assert_cmpint (ci_schedule_get_id (night), >, ci_schedule_get_id (office));

  got = ci_store_schedule_get (fx->store, ci_schedule_get_id (office), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_schedule_get_name (got), ==, "Office");
  g_assert_cmpstr (ci_schedule_get_rules (got), ==, "mon-fri 07:00-19:00; sat 08:00-12:00");
  by_name = ci_store_schedule_get_by_name (fx->store, "Night shift", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_schedule_get_id (by_name), ==, ci_schedule_get_id (night));

  ci_schedule_set_name (dup, "Office");
  ci_schedule_set_rules (dup, "sun 10:00-11:00");
  g_assert_false (ci_store_schedule_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_null (ci_store_schedule_get_by_name (fx->store, "Weekend", &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = ci_store_schedule_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (ci_schedule_get_name (g_ptr_array_index (list, 0)), ==, "Night shift");
  g_assert_cmpstr (ci_schedule_get_name (g_ptr_array_index (list, 1)), ==, "Office");
}

static CiGrant *
make_grant (gint64 employee_id,
            gint64 zone_id,
            gint64 schedule_id)
{
  CiGrant *g = ci_grant_new ();

  ci_grant_set_employee_id (g, employee_id);
  ci_grant_set_zone_id (g, zone_id);
  ci_grant_set_schedule_id (g, schedule_id);
  ci_grant_set_granted_by (g, "sec");
  ci_grant_set_granted_at (g, 1700000000000000);
  return g;
}

static void
test_grants (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) anna = add_employee (fx, "E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) hans = add_employee (fx, "E-2", "Hans", "Muller");
  g_autoptr(CiZone) site = add_zone (fx, CI_ZONE_SITE, NULL, "HQ");
  g_autoptr(CiZone) lab = add_zone (fx, CI_ZONE_BUILDING, site, "LAB");
  g_autoptr(CiSchedule) office = ci_schedule_new ();
  g_autoptr(CiGrant) g1 = NULL;
  g_autoptr(CiGrant) g2 = NULL;
  g_autoptr(CiGrant) g3 = NULL;
  g_autoptr(CiGrant) dup = NULL;
  g_autoptr(GPtrArray) list = NULL;
  CiGrant *got;
  gint64 a = ci_employee_get_id (anna), h = ci_employee_get_id (hans);

  ci_schedule_set_name (office, "Office");
  ci_schedule_set_rules (office, "mon-fri 07:00-19:00");
  g_assert_true (ci_store_schedule_insert (fx->store, office, &error));

  g1 = make_grant (a, ci_zone_get_id (site), ci_schedule_get_id (office));
  ci_grant_set_expires (g1, "2026-12-31");
  g2 = make_grant (a, ci_zone_get_id (lab), 0);
  g3 = make_grant (h, ci_zone_get_id (lab), 0);
  g_assert_true (ci_store_grant_insert (fx->store, g1, &error));
  g_assert_true (ci_store_grant_insert (fx->store, g2, &error));
  g_assert_true (ci_store_grant_insert (fx->store, g3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_grant_get_id (g1), >, 0);

  /* one grant per employee and zone */
  dup = make_grant (a, ci_zone_get_id (lab), ci_schedule_get_id (office));
  g_assert_false (ci_store_grant_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  list = ci_store_grant_list (fx->store, a, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  got = g_ptr_array_index (list, 0);
  g_assert_cmpint (ci_grant_get_id (got), ==, ci_grant_get_id (g1));
  g_assert_cmpint (ci_grant_get_employee_id (got), ==, a);
  g_assert_cmpint (ci_grant_get_zone_id (got), ==, ci_zone_get_id (site));
  g_assert_cmpint (ci_grant_get_schedule_id (got), ==, ci_schedule_get_id (office));
  g_assert_cmpstr (ci_grant_get_expires (got), ==, "2026-12-31");
  g_assert_cmpstr (ci_grant_get_granted_by (got), ==, "sec");
  g_assert_cmpint (ci_grant_get_granted_at (got), ==, 1700000000000000);
  got = g_ptr_array_index (list, 1);
  g_assert_cmpint (ci_grant_get_zone_id (got), ==, ci_zone_get_id (lab));
  g_assert_cmpint (ci_grant_get_schedule_id (got), ==, 0);
  g_assert_null (ci_grant_get_expires (got));
  g_clear_pointer (&list, g_ptr_array_unref);

  list = ci_store_grant_list (fx->store, 0, ci_zone_get_id (lab), &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ci_store_grant_list (fx->store, h, ci_zone_get_id (lab), &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ci_store_grant_list (fx->store, 0, 0, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (ci_store_grant_delete (fx->store, ci_grant_get_id (g2), &error));
  g_assert_no_error (error);
  list = ci_store_grant_list (fx->store, a, 0, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (ci_grant_get_id (g_ptr_array_index (list, 0)), ==, ci_grant_get_id (g1));
  g_assert_false (ci_store_grant_delete (fx->store, ci_grant_get_id (g2), &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* withdrawn, it can be granted again */
  ci_grant_set_id (g2, 0);
  g_assert_true (ci_store_grant_insert (fx->store, g2, &error));
  g_assert_no_error (error);
}

/* ---- cards ----------------------------------------------------------------------- */

static void
test_card_serials (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) anna = add_employee (fx, "E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) hans = add_employee (fx, "E-2", "Hans", "Muller");
  gint64 a = ci_employee_get_id (anna), h = ci_employee_get_id (hans);
  g_autoptr(CiCard) c1 = add_card (fx, a);
  g_autoptr(CiCard) c2 = add_card (fx, a);
  g_autoptr(CiCard) c3 = add_card (fx, h);
  g_autoptr(CiCard) c4 = add_card (fx, a);
  g_autoptr(CiCard) c5 = NULL;
  g_autoptr(CiCard) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *sql = NULL;

  g_assert_cmpint (ci_card_get_serial (c1), >, 0);
  g_assert_cmpint (ci_card_get_serial (c2), >, ci_card_get_serial (c1));
  g_assert_cmpint (ci_card_get_serial (c3), >, ci_card_get_serial (c2));
  g_assert_cmpint (ci_card_get_serial (c4), >, ci_card_get_serial (c3));
  g_assert_cmpint (ci_card_get_sequence (c1), ==, 1);
  g_assert_cmpint (ci_card_get_sequence (c2), ==, 2);
  g_assert_cmpint (ci_card_get_sequence (c3), ==, 1);
  g_assert_cmpint (ci_card_get_sequence (c4), ==, 3);
  g_assert_cmpint (ci_card_get_created_at (c1), >, 0);

  got = ci_store_card_get (fx->store, ci_card_get_serial (c2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_card_get_employee_id (got), ==, a);
  g_assert_cmpint (ci_card_get_sequence (got), ==, 2);
  g_assert_cmpint (ci_card_get_state (got), ==, CI_CARD_REQUESTED);
  g_assert_cmpstr (ci_card_get_valid_until (got), ==, "2027-12-31");
  g_assert_cmpint (ci_card_get_created_at (got), ==, ci_card_get_created_at (c2));
  g_assert_cmpint (ci_card_get_replaces (got), ==, 0);

  list = ci_store_card_list (fx->store, a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (ci_card_get_serial (g_ptr_array_index (list, 0)), ==, ci_card_get_serial (c1));
  g_assert_cmpint (ci_card_get_serial (g_ptr_array_index (list, 2)), ==, ci_card_get_serial (c4));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ci_store_card_list (fx->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 4);

  /* Serials are never handed out twice, even when the newest row disappears. */
  sql = g_strdup_printf ("DELETE FROM card_transition WHERE serial = %" G_GINT64_FORMAT ";"
                         "DELETE FROM card WHERE serial = %" G_GINT64_FORMAT,
                         ci_card_get_serial (c4), ci_card_get_serial (c4));
  raw_exec (fx, sql);
  c5 = add_card (fx, h);
  g_assert_cmpint (ci_card_get_serial (c5), >, ci_card_get_serial (c4));
  g_assert_cmpint (ci_card_get_sequence (c5), ==, 2);

  /* a replacement refers to the card it replaces */
  {
    g_autoptr(CiCard) r = ci_card_new ();
    g_autoptr(CiCard) r_got = NULL;

    ci_card_set_employee_id (r, h);
    ci_card_set_replaces (r, ci_card_get_serial (c3));
    ci_card_set_reason (r, "replaces a lost card");
    g_assert_true (ci_store_card_insert (fx->store, r, &error));
    g_assert_no_error (error);
    r_got = ci_store_card_get (fx->store, ci_card_get_serial (r), &error);
    g_assert_cmpint (ci_card_get_replaces (r_got), ==, ci_card_get_serial (c3));
    g_assert_cmpstr (ci_card_get_reason (r_got), ==, "replaces a lost card");
  }

  g_clear_object (&got);
  got = ci_store_card_get (fx->store, 999999, &error);
  g_assert_null (got);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "0000999999"));
}

static void
test_card_set_state (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) anna = add_employee (fx, "E-1", "Anna", "Müller");
  g_autoptr(CiCard) card = add_card (fx, ci_employee_get_id (anna));
  g_autoptr(CiCard) got = NULL;
  g_autofree char *sql = NULL;
  gint64 serial = ci_card_get_serial (card);

  ci_card_set_state (card, CI_CARD_INITIALISED);
  g_assert_true (ci_store_card_set_state (fx->store, card, CI_CARD_REQUESTED, &error));
  g_assert_no_error (error);

  /* a second desk still believes the card is requested */
  ci_card_set_state (card, CI_CARD_REVOKED);
  ci_card_set_reason (card, "cancelled");
  g_assert_false (ci_store_card_set_state (fx->store, card, CI_CARD_REQUESTED, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "is no longer requested"));
  g_clear_error (&error);
  got = ci_store_card_get (fx->store, serial, &error);
  g_assert_cmpint (ci_card_get_state (got), ==, CI_CARD_INITIALISED);
  g_assert_null (ci_card_get_reason (got));

  g_assert_true (ci_store_card_set_state (fx->store, card, CI_CARD_INITIALISED, &error));
  g_assert_no_error (error);
  g_clear_object (&got);
  got = ci_store_card_get (fx->store, serial, &error);
  g_assert_cmpint (ci_card_get_state (got), ==, CI_CARD_REVOKED);
  g_assert_cmpstr (ci_card_get_reason (got), ==, "cancelled");
  g_assert_cmpint (ci_card_get_state_changed_at (got), >=, ci_card_get_created_at (got));

  /* each change left a row in the card's history: created, initialised, revoked */
  sql = g_strdup_printf (SQL ("SELECT group_concat(coalesce(from_state, -1) || '>' || to_state,"
                              " ' ') FROM (SELECT * FROM card_transition WHERE serial = %"
                              G_GINT64_FORMAT " ORDER BY id)",
                              "SELECT string_agg(coalesce(from_state, -1) || '>' || to_state,"
                              " ' ' ORDER BY id) FROM card_transition WHERE serial = %"
                              G_GINT64_FORMAT), serial);
  {
    g_autofree char *history = raw_text (fx, sql);
    g_autofree char *expected = g_strdup_printf ("-1>%d %d>%d %d>%d", CI_CARD_REQUESTED,
                                                 CI_CARD_REQUESTED, CI_CARD_INITIALISED,
                                                 CI_CARD_INITIALISED, CI_CARD_REVOKED);
    g_assert_cmpstr (history, ==, expected);
  }

  /* an unknown card is a conflict too: nothing was in the state asked for */
  ci_card_set_serial (card, 999999);
  g_assert_false (ci_store_card_set_state (fx->store, card, CI_CARD_REVOKED, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
}

/* ---- operators, policy, settings -------------------------------------------------- */

static CiOperator *
make_operator (const char *login,
               CiRole      roles)
{
  CiOperator *op = ci_operator_new ();

  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, "Some One");
  ci_operator_set_roles (op, roles);
  ci_operator_set_password_hash (op, "$scrypt$fake");
  ci_operator_set_active (op, TRUE);
  return op;
}

static void
test_operators (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiOperator) zed = make_operator ("zed", CI_ROLE_ADMIN);
  g_autoptr(CiOperator) anna = make_operator ("anna", CI_ROLE_HR | CI_ROLE_SECURITY);
  g_autoptr(CiOperator) dup = make_operator ("anna", CI_ROLE_HR);
  g_autoptr(CiOperator) got = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (ci_store_operator_insert (fx->store, zed, &error));
  g_assert_true (ci_store_operator_insert (fx->store, anna, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_operator_get_id (anna), >, ci_operator_get_id (zed));
  g_assert_false (ci_store_operator_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  got = ci_store_operator_get (fx->store, "anna", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_operator_get_id (got), ==, ci_operator_get_id (anna));
  g_assert_cmpstr (ci_operator_get_display_name (got), ==, "Some One");
  g_assert_cmpint (ci_operator_get_roles (got), ==, CI_ROLE_HR | CI_ROLE_SECURITY);
  g_assert_cmpstr (ci_operator_get_password_hash (got), ==, "$scrypt$fake");
  g_assert_cmpint (ci_operator_get_failed_attempts (got), ==, 0);
  g_assert_cmpint (ci_operator_get_locked_until (got), ==, 0);
  g_assert_true (ci_operator_get_active (got));

  ci_operator_set_failed_attempts (got, 3);
  ci_operator_set_locked_until (got, 1700000000);
  ci_operator_set_active (got, FALSE);
  ci_operator_set_roles (got, CI_ROLE_FRONT_DESK);
  g_assert_true (ci_store_operator_update (fx->store, got, &error));
  g_assert_no_error (error);
  g_clear_object (&got);
  got = ci_store_operator_get (fx->store, "anna", &error);
  g_assert_cmpint (ci_operator_get_failed_attempts (got), ==, 3);
  g_assert_cmpint (ci_operator_get_locked_until (got), ==, 1700000000);
  g_assert_false (ci_operator_get_active (got));
  g_assert_cmpint (ci_operator_get_roles (got), ==, CI_ROLE_FRONT_DESK);

  list = ci_store_operator_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (ci_operator_get_login (g_ptr_array_index (list, 0)), ==, "anna");
  g_assert_cmpstr (ci_operator_get_login (g_ptr_array_index (list, 1)), ==, "zed");

  g_clear_object (&got);
  got = ci_store_operator_get (fx->store, "nobody", &error);
  g_assert_null (got);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  ci_operator_set_id (dup, 4242);
  ci_operator_set_login (dup, "ghost");
  g_assert_false (ci_store_operator_update (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
}

static void
test_policy (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiPolicy) defaults = ci_policy_new_default ();
  g_autoptr(CiPolicy) loaded = ci_policy_new_default ();
  static const CiRole roles[] = { CI_ROLE_HR, CI_ROLE_SECURITY, CI_ROLE_FRONT_DESK,
                                  CI_ROLE_ADMIN };

  /* nothing stored: the defaults stand */
  g_assert_true (ci_store_policy_load (fx->store, loaded, &error));
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    for (CiAction a = 0; a < CI_N_ACTIONS; a++)
      g_assert_cmpint (ci_policy_get (loaded, roles[r], a), ==,
                       ci_policy_get (defaults, roles[r], a));

  g_assert_true (ci_store_policy_save (fx->store, CI_ROLE_FRONT_DESK, CI_ACTION_CARD_ISSUE,
                                       CI_SCOPE_LIMITED, &error));
  g_assert_true (ci_store_policy_save (fx->store, CI_ROLE_HR, CI_ACTION_GRANT, CI_SCOPE_ALL,
                                       &error));
  g_assert_true (ci_store_policy_save (fx->store, CI_ROLE_HR, CI_ACTION_GRANT, CI_SCOPE_NONE,
                                       &error));
  g_assert_no_error (error);
  /* rows this version does not understand are skipped, not fatal */
  raw_exec (fx, "INSERT INTO role_permission VALUES (2, 'card.teleport', 2);"
                      "INSERT INTO role_permission VALUES (16, 'admin', 2);"
                      "INSERT INTO role_permission VALUES (3, 'admin', 2);"
                      "INSERT INTO role_permission VALUES (1, 'admin', 7);");

  reopen (fx);
  g_clear_pointer (&loaded, ci_policy_free);
  loaded = ci_policy_new_default ();
  g_assert_true (ci_store_policy_load (fx->store, loaded, &error));
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    for (CiAction a = 0; a < CI_N_ACTIONS; a++)
      {
        CiScope want = ci_policy_get (defaults, roles[r], a);

        if (roles[r] == CI_ROLE_FRONT_DESK && a == CI_ACTION_CARD_ISSUE)
          want = CI_SCOPE_LIMITED;
        else if (roles[r] == CI_ROLE_HR && a == CI_ACTION_GRANT)
          want = CI_SCOPE_NONE;
        g_assert_cmpint (ci_policy_get (loaded, roles[r], a), ==, want);
      }
}

static void
test_settings (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = ci_store_get_setting (fx->store, "desk.name");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other = NULL;

  g_assert_null (missing);
  g_assert_true (ci_store_set_setting (fx->store, "desk.name", "Front desk 1", &error));
  g_assert_true (ci_store_set_setting (fx->store, "card.template", "default", &error));
  g_assert_no_error (error);
  first = ci_store_get_setting (fx->store, "desk.name");
  g_assert_cmpstr (first, ==, "Front desk 1");
  g_assert_true (ci_store_set_setting (fx->store, "desk.name", "Empfang Süd", &error));
  g_assert_no_error (error);
  reopen (fx);
  second = ci_store_get_setting (fx->store, "desk.name");
  g_assert_cmpstr (second, ==, "Empfang Süd");
  other = ci_store_get_setting (fx->store, "card.template");
  g_assert_cmpstr (other, ==, "default");
}

/* ---- transactions ---------------------------------------------------------------- */

static void
test_transaction_rollback (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = new_employee ("E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) missing = NULL;
  g_autoptr(CiZone) zone = ci_zone_new ();
  g_autofree char *setting = NULL;

  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_no_error (error);
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  ci_zone_set_code (zone, "HQ");
  ci_zone_set_name (zone, "HQ");
  ci_zone_set_time_zone (zone, "UTC");
  g_assert_true (ci_store_zone_insert (fx->store, zone, &error));
  g_assert_true (ci_store_set_setting (fx->store, "k", "v", &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_store_employee_count (fx->store, NULL), ==, 1);
  ci_store_rollback (fx->store);

  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 0);
  g_assert_no_error (error);
  missing = ci_store_employee_get_by_number (fx->store, "E-1", &error);
  g_assert_null (missing);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  setting = ci_store_get_setting (fx->store, "k");
  g_assert_null (setting);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM zone"), ==, 0);

  /* and the store is usable afterwards, with begin + commit */
  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 1);
}

static void
test_transaction_isolated (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = new_employee ("E-1", "Anna", "Müller");

  /* Until commit, another connection sees nothing. */
  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 0);
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 1);
}

/* A failed statement undoes only itself: the transaction goes on, as in
 * SQLite, and what it did before is committed. */
static void
test_transaction_statement_error (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e1 = new_employee ("E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) dup = new_employee ("E-1", "Other", "Person");
  g_autoptr(CiEmployee) e2 = new_employee ("E-2", "Ben", "Meier");
  g_autoptr(CiCard) orphan = ci_card_new ();

  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_true (ci_store_employee_insert (fx->store, e1, &error));
  g_assert_no_error (error);
  g_assert_false (ci_store_employee_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  ci_card_set_employee_id (orphan, 4242);
  g_assert_false (ci_store_card_insert (fx->store, orphan, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (ci_store_employee_insert (fx->store, e2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 2);
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 2);

  /* Outside a transaction too: the failure leaves the store as it was. */
  g_assert_false (ci_store_employee_insert (fx->store, dup, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 2);
  g_assert_no_error (error);
}

typedef struct
{
  const char *location;
  gint        opened;
  gint        began;
  gint64      seen;
} SecondDesk;

static gpointer
second_desk (gpointer data)
{
  SecondDesk *desk = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiStore) store = ci_store_open (desk->location, &error);
  g_autoptr(CiEmployee) e = new_employee ("E-2", "Ben", "Meier");

  g_assert_no_error (error);
  g_atomic_int_set (&desk->opened, 1);
  g_assert_true (ci_store_begin (store, &error));
  g_atomic_int_set (&desk->began, 1);
  desk->seen = ci_store_employee_count (store, &error);
  g_assert_true (ci_store_employee_insert (store, e, &error));
  g_assert_true (ci_store_commit (store, &error));
  g_assert_no_error (error);
  return NULL;
}

/* Two desks on one database: the second one's transaction begins only when
 * the first one's has ended, and then sees what it committed. */
static void
test_transaction_one_writer (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = new_employee ("E-1", "Anna", "Müller");
  SecondDesk desk = { .location = fx->location };
  GThread *thread;

  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_true (ci_store_employee_insert (fx->store, e, &error));
  g_assert_no_error (error);
  thread = g_thread_new ("second desk", second_desk, &desk);
  for (guint i = 0; i < 500 && !g_atomic_int_get (&desk.opened); i++)
    g_usleep (10 * 1000);
  g_assert_true (g_atomic_int_get (&desk.opened));
  g_usleep (300 * 1000);
  g_assert_false (g_atomic_int_get (&desk.began));
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_true (g_atomic_int_get (&desk.began));
  g_assert_cmpint (desk.seen, ==, 1);
  g_assert_cmpint (ci_store_employee_count (fx->store, &error), ==, 2);
}

/* Whether the store's own connection now commits without waiting for the
 * disk: SQLite at synchronous = NORMAL (1) rather than FULL (2), PostgreSQL
 * with synchronous_commit off. */
static gboolean
store_is_lazy (CiStore *store)
{
  sqlite3_stmt *s = NULL;
  int level;

  if (CI_IS_STORE_PG (store))
    {
      g_autoptr(PGresult) r = PQexec (CI_STORE_PG (store)->conn, "SHOW synchronous_commit");
      const char *value = PQgetvalue (r, 0, 0);

      g_assert_cmpint (PQresultStatus (r), ==, PGRES_TUPLES_OK);
      g_assert_true (g_str_equal (value, "on") || g_str_equal (value, "off"));
      return g_str_equal (value, "off");
    }
  g_assert_cmpint (sqlite3_prepare_v2 (CI_STORE_SQLITE (store)->db, "PRAGMA synchronous", -1, &s,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (s), ==, SQLITE_ROW);
  level = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  g_assert_true (level == 1 || level == 2);
  return level == 1;
}

/* A lazy transaction commits without syncing and leaves the connection as
 * durable as before; it survives the program dying, as the log (SQLite) or
 * the server (PostgreSQL) has it. */
static void
test_transaction_lazy (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e1 = new_employee ("E-1", "Anna", "Müller");
  g_autoptr(CiEmployee) e2 = new_employee ("E-2", "Ben", "Meier");
  g_autoptr(CiEmployee) e3 = new_employee ("E-3", "Cem", "Kaya");
  GPid child;
  int status;

  g_assert_false (store_is_lazy (fx->store));
  g_assert_true (ci_store_begin (fx->store, &error));
  g_assert_false (store_is_lazy (fx->store));
  ci_store_rollback (fx->store);

  g_assert_true (ci_store_begin_lazy (fx->store, &error));
  g_assert_no_error (error);
  g_assert_true (store_is_lazy (fx->store));
  g_assert_true (ci_store_employee_insert (fx->store, e1, &error));
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 0);
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 1);
  g_assert_false (store_is_lazy (fx->store));

  g_assert_true (ci_store_begin_lazy (fx->store, &error));
  g_assert_true (ci_store_employee_insert (fx->store, e2, &error));
  g_assert_no_error (error);
  ci_store_rollback (fx->store);
  g_assert_false (store_is_lazy (fx->store));
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 1);

  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      CiStore *store = ci_store_open (fx->location, NULL);

      if (store == NULL || !ci_store_begin_lazy (store, NULL)
          || !ci_store_employee_insert (store, e3, NULL) || !ci_store_commit (store, NULL))
        _exit (1);
      kill (getpid (), SIGKILL);
    }
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM employee"), ==, 2);
}

/* What is shown or logged of a location never holds its password. */
static void
test_location_describe (void)
{
  static const struct { const char *location, *shown; } cases[] = {
    { "postgresql://desk1:s3cret@db.example.org:5433/cardissue?sslmode=require",
      "postgresql://desk1@db.example.org:5433/cardissue" },
    { "postgres://db.example.org/cardissue", "postgresql://db.example.org/cardissue" },
    { "host=/run/pg dbname=cardissue user=desk2 password=s3cret",
      "postgresql://desk2@/cardissue?host=/run/pg" },
    { "/var/lib/cardissue/cardissue.db", "/var/lib/cardissue/cardissue.db" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = ci_store_location_describe (cases[i].location);

      g_assert_cmpstr (shown, ==, cases[i].shown);
      g_assert_null (strstr (shown, "s3cret"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/location/describe", test_location_describe);
  if (!ci_test_store_init ())
    return 1;

#define ADD(path, setup, func) \
  g_test_add ("/store/" path, Fixture, NULL, setup, func, fixture_teardown)

  ADD ("schema/fresh", fixture_setup, test_schema_fresh);
  ADD ("schema/from-empty", fixture_setup_empty, test_schema_from_empty);
  /* PostgreSQL databases begin at the current schema: there is no older one. */
  if (!ci_test_store_is_pg ())
    ADD ("schema/from-v1", fixture_setup_empty, test_schema_from_v1);
  ADD ("schema/newer-refused", fixture_setup_empty, test_schema_newer_refused);
  ADD ("schema/pragmas", fixture_setup, test_pragmas);
  ADD ("employee/crud", fixture_setup, test_employee_crud);
  ADD ("employee/conflict", fixture_setup, test_employee_conflict);
  ADD ("employee/photo", fixture_setup, test_employee_photo);
  ADD ("employee/search", fixture_setup, test_employee_search);
  ADD ("employee/search-all", fixture_setup, test_employee_search_all);
  ADD ("employee/count", fixture_setup, test_employee_count);
  ADD ("employee/match", fixture_setup, test_employee_match);
  ADD ("employee/match-empty", fixture_setup, test_employee_match_empty);
  ADD ("employee/get-many", fixture_setup, test_employee_get_many);
  ADD ("zone/crud", fixture_setup, test_zone_crud);
  ADD ("zone/list-order", fixture_setup, test_zone_list_order);
  ADD ("schedule/crud", fixture_setup, test_schedules);
  ADD ("grant/crud", fixture_setup, test_grants);
  ADD ("card/serials", fixture_setup, test_card_serials);
  ADD ("card/set-state", fixture_setup, test_card_set_state);
  ADD ("operator/crud", fixture_setup, test_operators);
  ADD ("policy/save-load", fixture_setup, test_policy);
  ADD ("setting/get-set", fixture_setup, test_settings);
  ADD ("transaction/rollback", fixture_setup, test_transaction_rollback);
  ADD ("transaction/isolated", fixture_setup, test_transaction_isolated);
  ADD ("transaction/statement-error", fixture_setup, test_transaction_statement_error);
  ADD ("transaction/one-writer", fixture_setup, test_transaction_one_writer);
  ADD ("transaction/lazy", fixture_setup, test_transaction_lazy);

#undef ADD

  ci_test_store_add_audit_tests ();
  return g_test_run ();
}
