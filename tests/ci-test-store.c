/* ci-test-store.c — a fresh, empty store for each test, on either backend
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

static gboolean use_pg;
static const char *pg_base;   /* the server's database, where each test makes its schema */

/**
 * ci_test_store_init:
 *
 * Picks the backend from the environment; call after g_test_init().
 *
 * Returns: %FALSE if PostgreSQL was asked for but no server given
 */
gboolean
ci_test_store_init (void)
{
  use_pg = g_strcmp0 (g_getenv ("CI_TEST_STORE_BACKEND"), "postgresql") == 0;
  pg_base = g_getenv ("CI_TEST_PG_URI");
  if (use_pg && (pg_base == NULL || *pg_base == '\0'))
    {
      g_printerr ("CI_TEST_STORE_BACKEND=postgresql needs a server: run under "
                  "tests/with-postgres.sh\n");
      return FALSE;
    }
  return TRUE;
}

gboolean
ci_test_store_is_pg (void)
{
  return use_pg;
}

/* ---- PostgreSQL --------------------------------------------------------- */

static PGconn *
pg_connect (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test server: %s", PQerrorMessage (conn));
  return conn;
}

static PGresult *
pg_exec (PGconn     *conn,
         const char *sql)
{
  PGresult *r = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (r);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (r));
  return r;
}

/* Runs "@command "@name"@tail" on the test server. */
static void
pg_admin (const char *command,
          const char *name,
          const char *tail)
{
  PGconn *conn = pg_connect (pg_base);
  char *quoted = PQescapeIdentifier (conn, name, strlen (name));
  g_autofree char *sql = g_strdup_printf ("%s %s%s", command, quoted, tail);

  PQclear (pg_exec (conn, sql));
  PQfreemem (quoted);
  PQfinish (conn);
}

/* A value quoted for a "key='value'" connection string. */
static void
append_conninfo_value (GString    *s,
                       const char *value)
{
  g_string_append_c (s, '\'');
  for (const char *c = value; *c; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *c);
    }
  g_string_append_c (s, '\'');
}

/* The server's connection string (a URI or keywords), with @schema alone on
 * the search path: where the store creates its tables and finds them. */
static char *
conninfo_for (const char *schema)
{
  char *message = NULL;
  PQconninfoOption *options = PQconninfoParse (pg_base, &message);
  GString *s = g_string_new (NULL);

  if (options == NULL)
    g_error ("CI_TEST_PG_URI: %s", message);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val && !g_str_equal (o->keyword, "options"))
      {
        g_string_append_printf (s, "%s=", o->keyword);
        append_conninfo_value (s, o->val);
        g_string_append_c (s, ' ');
      }
  g_string_append_printf (s, "options='-csearch_path=%s'", schema);
  PQconninfoFree (options);
  return g_string_free (s, FALSE);
}

/* ---- fixture -------------------------------------------------------------- */

void
fixture_setup_empty (Fixture       *fx,
                     gconstpointer  data)
{
  static guint n_schemas;
  g_autoptr(GError) error = NULL;

  if (use_pg)
    {
      fx->pg_name = g_strdup_printf ("ci_test_%d_%u", (int) getpid (), ++n_schemas);
      pg_admin ("CREATE SCHEMA", fx->pg_name, "");
      fx->location = conninfo_for (fx->pg_name);
      return;
    }
  fx->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fx->path = g_build_filename (fx->dir, "cardissue.db", NULL);
  fx->location = g_strdup (fx->path);
}

void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fixture_setup_empty (fx, data);
  reopen (fx);
}

void
ci_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

CiKeyStore *
ci_test_key_store_new (const char  *passphrase,
                       char       **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CiKeyStore *keys;

  *dir = g_dir_make_tmp ("ci-test-keys-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "keys.cikeys", NULL);
  keys = ci_key_store_create (path, passphrase, &error);
  g_assert_no_error (error);
  return keys;
}

void
ci_test_key_store_free (CiKeyStore *keys,
                        char       *dir)
{
  g_assert_finalize_object (keys);
  ci_test_remove_dir (dir);
  g_free (dir);
}

void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  if (fx->store != NULL)
    g_assert_finalize_object (g_steal_pointer (&fx->store));
  if (use_pg)
    {
      pg_admin ("DROP SCHEMA", fx->pg_name, " CASCADE");
      g_free (fx->pg_name);
      g_free (fx->location);
      return;
    }
  ci_test_remove_dir (fx->dir);
  g_free (fx->path);
  g_free (fx->dir);
  g_free (fx->location);
}

void
reopen (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  if (fx->store != NULL)
    g_assert_finalize_object (g_steal_pointer (&fx->store));
  fx->store = ci_store_open (fx->location, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->store);
}

/* ---- raw SQL on a second connection --------------------------------------- */

static sqlite3 *
sqlite_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

void
raw_exec (Fixture    *fx,
          const char *sql)
{
  sqlite3 *db;
  char *msg = NULL;

  if (use_pg)
    {
      PGconn *conn = pg_connect (fx->location);

      PQclear (pg_exec (conn, sql));
      PQfinish (conn);
      return;
    }
  db = sqlite_open (fx->path);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* Returns: (nullable): the first column of the only row @sql returns */
char *
raw_text (Fixture    *fx,
          const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *s = NULL;
  char *v;

  if (use_pg)
    {
      PGconn *conn = pg_connect (fx->location);
      PGresult *r = pg_exec (conn, sql);

      g_assert_cmpint (PQntuples (r), ==, 1);
      v = PQgetisnull (r, 0, 0) ? NULL : g_strdup (PQgetvalue (r, 0, 0));
      PQclear (r);
      PQfinish (conn);
      return v;
    }
  db = sqlite_open (fx->path);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &s, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (s), ==, SQLITE_ROW);
  v = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  sqlite3_close (db);
  return v;
}

gint64
raw_int (Fixture    *fx,
         const char *sql)
{
  g_autofree char *v = raw_text (fx, sql);

  g_assert_nonnull (v);
  return g_ascii_strtoll (v, NULL, 10);
}
