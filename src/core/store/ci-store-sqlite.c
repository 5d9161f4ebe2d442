/* ci-store-sqlite.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-store-sqlite-private.h"
#include "model/ci-model.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* The embedded store: one SQLite file in WAL mode with foreign keys on. The schema
 * is versioned with PRAGMA user_version; every open runs the migrations still
 * missing, each in its own transaction. Statements are prepared once per
 * connection and kept. A recursive mutex is held from begin to commit, so one
 * store can be shared by worker threads. */

struct _CiStoreSqlite
{
  CiStore     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* const char *sql → sqlite3_stmt * */
  GRecMutex   lock;
  gboolean    in_transaction;
};

G_DEFINE_FINAL_TYPE (CiStoreSqlite, ci_store_sqlite, CI_TYPE_STORE)

#define STORE(s) CI_STORE_SQLITE (s)

/* ─── errors and statements ─────────────────────────────────────────────── */

/* Every SQLite result code passes through here on its way to the caller. */
static gboolean
set_error (CiStoreSqlite  *self,
           int             rc,
           GError        **error)
{
  const char *msg = sqlite3_errmsg (self->db);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_BUSY,
                   "The database is busy with another desk's work; try again in a moment");
      break;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS, "Already recorded (%s)", msg);
      else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND,
                             "A record it refers to does not exist");
      else
        g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, "Refused by the database: %s",
                     msg);
      break;
    case SQLITE_FULL:
      g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                           "The disk holding the database is full; free some space and retry");
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   "The database file %s is damaged or not a CardIssue database", self->path);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   "Cannot write the database file %s: check that the folder exists and "
                   "that you may write to it", self->path);
      break;
    default:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, "Database error: %s", msg);
    }
  return FALSE;
}

static sqlite3_stmt *
stmt (CiStoreSqlite  *self,
      const char     *sql,
      GError        **error)
{
  sqlite3_stmt *s = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (s != NULL)
    {
      sqlite3_reset (s);
      sqlite3_clear_bindings (s);
      return s;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, s);
  return s;
}

static gboolean
exec (CiStoreSqlite  *self,
      const char     *sql,
      GError        **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &errmsg);

  sqlite3_free (errmsg);
  return rc == SQLITE_OK || set_error (self, rc, error);
}

/* Runs a prepared, bound statement that returns no rows. */
static gboolean
step_done (CiStoreSqlite  *self,
           sqlite3_stmt   *s,
           GError        **error)
{
  int rc = sqlite3_step (s);

  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

static void
bind_text (sqlite3_stmt *s,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (s, i);
  else
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
}

static char *
col_text (sqlite3_stmt *s,
          int           i)
{
  const unsigned char *t = sqlite3_column_text (s, i);
  return t ? g_strdup ((const char *) t) : NULL;
}

static gboolean
not_found (GError     **error,
           const char  *what,
           const char  *key)
{
  g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND, "No %s “%s”", what, key);
  return FALSE;
}

#define LOCK(self) g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&(self)->lock)

/* ─── migrations ─────────────────────────────────────────────────────────── */

static const char schema_v1[] =
  "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE employee ("
  "  id INTEGER PRIMARY KEY,"
  "  number TEXT NOT NULL UNIQUE,"
  "  given_name TEXT NOT NULL,"
  "  family_name TEXT NOT NULL,"
  "  department TEXT, job_title TEXT, email TEXT, photo BLOB,"
  "  valid_from TEXT NOT NULL, valid_until TEXT NOT NULL,"
  "  status INTEGER NOT NULL DEFAULT 0,"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE zone ("
  "  id INTEGER PRIMARY KEY,"
  "  parent_id INTEGER REFERENCES zone(id),"
  "  kind INTEGER NOT NULL,"
  "  code TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  security_level INTEGER NOT NULL,"
  "  hr_may_grant INTEGER NOT NULL,"
  "  time_zone TEXT);"
  "CREATE TABLE schedule (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, rules TEXT NOT NULL);"
  "CREATE TABLE zone_grant ("
  "  id INTEGER PRIMARY KEY,"
  "  employee_id INTEGER NOT NULL REFERENCES employee(id),"
  "  zone_id INTEGER NOT NULL REFERENCES zone(id),"
  "  schedule_id INTEGER REFERENCES schedule(id),"
  "  expires TEXT,"
  "  granted_by TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL,"
  "  UNIQUE (employee_id, zone_id));"
  "CREATE TABLE card ("
  "  serial INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  employee_id INTEGER NOT NULL REFERENCES employee(id),"
  "  sequence INTEGER NOT NULL,"
  "  state INTEGER NOT NULL,"
  "  state_changed_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  valid_until TEXT,"
  "  reason TEXT,"
  "  replaces INTEGER REFERENCES card(serial),"
  "  UNIQUE (employee_id, sequence));"
  "CREATE TABLE card_transition ("
  "  id INTEGER PRIMARY KEY,"
  "  serial INTEGER NOT NULL REFERENCES card(serial),"
  "  from_state INTEGER,"
  "  to_state INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  reason TEXT);"
  "CREATE TABLE operator ("
  "  id INTEGER PRIMARY KEY,"
  "  login TEXT NOT NULL UNIQUE,"
  "  display_name TEXT NOT NULL,"
  "  roles INTEGER NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  failed_attempts INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY,"
  "  time_us INTEGER NOT NULL,"
  "  desk TEXT NOT NULL,"
  "  operator TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  subject_type TEXT NOT NULL,"
  "  subject_id TEXT NOT NULL,"
  "  outcome INTEGER NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  details TEXT NOT NULL,"
  "  duration_us INTEGER NOT NULL,"
  "  prev_hash BLOB NOT NULL,"
  "  hash BLOB NOT NULL);"
  "CREATE TABLE audit_checkpoint ("
  "  id INTEGER PRIMARY KEY,"
  "  seq INTEGER NOT NULL,"
  "  head_hash BLOB NOT NULL,"
  "  time_us INTEGER NOT NULL,"
  "  desk TEXT NOT NULL,"
  "  key_id TEXT NOT NULL,"
  "  signature BLOB NOT NULL);";

/* v2: accent- and case-insensitive name search keys with indexes (filled for the
 * rows v1 holds), per-operator audit index, the configurable role matrix, and
 * card history written by triggers so it can never disagree with the card. */
static const char schema_v2[] =
  "ALTER TABLE employee ADD COLUMN given_key TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE employee ADD COLUMN family_key TEXT NOT NULL DEFAULT '';"
  "UPDATE employee SET given_key = ci_search_key(given_name),"
  "                    family_key = ci_search_key(family_name);"
  "CREATE INDEX employee_given_key ON employee(given_key, family_key);"
  "CREATE INDEX employee_family_key ON employee(family_key, given_key);"
  "CREATE INDEX card_employee ON card(employee_id);"
  "CREATE INDEX grant_zone ON zone_grant(zone_id);"
  "CREATE INDEX audit_operator ON audit(operator, seq);"
  "CREATE TRIGGER card_created AFTER INSERT ON card BEGIN"
  "  INSERT INTO card_transition (serial, from_state, to_state, at, reason)"
  "  VALUES (NEW.serial, NULL, NEW.state, NEW.state_changed_at, NEW.reason); END;"
  "CREATE TRIGGER card_state_changed AFTER UPDATE OF state ON card"
  "  WHEN OLD.state IS NOT NEW.state BEGIN"
  "  INSERT INTO card_transition (serial, from_state, to_state, at, reason)"
  "  VALUES (NEW.serial, OLD.state, NEW.state, NEW.state_changed_at, NEW.reason); END;"
  "CREATE TABLE role_permission ("
  "  role INTEGER NOT NULL,"
  "  action TEXT NOT NULL,"
  "  scope INTEGER NOT NULL,"
  "  PRIMARY KEY (role, action));";

static const char * const migrations[] = { schema_v1, schema_v2 };

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CI_STORE_SQLITE_SCHEMA_VERSION);

static void
sql_search_key (sqlite3_context  *ctx,
                int               argc,
                sqlite3_value   **argv)
{
  char *key = ci_search_key ((const char *) sqlite3_value_text (argv[0]));

  sqlite3_result_text (ctx, key, -1, g_free);
}

static int
user_version (CiStoreSqlite *self)
{
  sqlite3_stmt *s = NULL;
  int v = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  return v;
}

static gboolean
migrate (CiStoreSqlite  *self,
         int             target,
         GError        **error)
{
  int current = user_version (self);

  if (current < 0)
    return set_error (self, sqlite3_errcode (self->db), error);
  if (current > CI_STORE_SQLITE_SCHEMA_VERSION)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_SCHEMA,
                   "The database %s was written by a newer CardIssue (schema %d; this one "
                   "knows up to %d): update CardIssue on this desk", self->path, current,
                   CI_STORE_SQLITE_SCHEMA_VERSION);
      return FALSE;
    }
  for (int v = current + 1; v <= target; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v);

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, migrations[v - 1], error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          g_prefix_error (error, "Could not update the database to schema %d: ", v);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
      g_debug ("Database %s migrated to schema %d", self->path, v);
    }
  return TRUE;
}

static gboolean
open_db (CiStoreSqlite  *self,
         int             target_version,
         GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  int rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   "Cannot create the folder %s for the database", dir);
      return FALSE;
    }
  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return set_error (self, rc, error);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_create_function (self->db, "ci_search_key", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_search_key, NULL, NULL);
  return exec (self, "PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = FULL;"
                     "PRAGMA foreign_keys = ON;", error)
         && migrate (self, target_version, error);
}

/* ─── transactions and settings ─────────────────────────────────────────── */

static gboolean
sqlite_begin (CiStore  *store,
              GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  sqlite3_stmt *s;

  g_rec_mutex_lock (&self->lock);
  g_return_val_if_fail (!self->in_transaction, (g_rec_mutex_unlock (&self->lock), FALSE));
  s = stmt (self, "BEGIN IMMEDIATE", error);
  if (s == NULL || !step_done (self, s, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
sqlite_commit (CiStore  *store,
               GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  sqlite3_stmt *s;
  gboolean ok;

  g_return_val_if_fail (self->in_transaction, FALSE);
  s = stmt (self, "COMMIT", error);
  ok = s != NULL && step_done (self, s, error);
  if (!ok)
    exec (self, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

static void
sqlite_rollback (CiStore *store)
{
  CiStoreSqlite *self = STORE (store);

  g_return_if_fail (self->in_transaction);
  exec (self, "ROLLBACK", NULL);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->lock);
}

static int
sqlite_schema_version (CiStore *store)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);

  return user_version (self);
}

static char *
sqlite_get_setting (CiStore    *store,
                    const char *key)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT value FROM setting WHERE key = ?", NULL);
  char *value = NULL;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, key);
  if (sqlite3_step (s) == SQLITE_ROW)
    value = col_text (s, 0);
  sqlite3_reset (s);
  return value;
}

static gboolean
sqlite_set_setting (CiStore     *store,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO setting (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, key);
  bind_text (s, 2, value);
  return step_done (self, s, error);
}

/* ─── employees ─────────────────────────────────────────────────────────── */

#define EMPLOYEE_COLUMNS \
  "id, number, given_name, family_name, department, job_title, email, valid_from, " \
  "valid_until, status, version"

static CiEmployee *
employee_from_row (sqlite3_stmt *s)
{
  CiEmployee *e = ci_employee_new ();
  g_autofree char *number = col_text (s, 1), *given = col_text (s, 2), *family = col_text (s, 3);
  g_autofree char *dept = col_text (s, 4), *title = col_text (s, 5), *email = col_text (s, 6);
  g_autofree char *from = col_text (s, 7), *until = col_text (s, 8);

  ci_employee_set_id (e, sqlite3_column_int64 (s, 0));
  ci_employee_set_number (e, number);
  ci_employee_set_given_name (e, given);
  ci_employee_set_family_name (e, family);
  ci_employee_set_department (e, dept);
  ci_employee_set_job_title (e, title);
  ci_employee_set_email (e, email);
  ci_employee_set_valid_from (e, from);
  ci_employee_set_valid_until (e, until);
  ci_employee_set_status (e, sqlite3_column_int (s, 9));
  ci_employee_set_version (e, sqlite3_column_int64 (s, 10));
  return e;
}

/* Binds the editable fields as parameters 1…12 in the order of the INSERT below. */
static void
bind_employee (sqlite3_stmt *s,
               CiEmployee   *e)
{
  GBytes *photo = ci_employee_get_photo (e);
  g_autofree char *given_key = ci_search_key (ci_employee_get_given_name (e));
  g_autofree char *family_key = ci_search_key (ci_employee_get_family_name (e));

  bind_text (s, 1, ci_employee_get_number (e));
  bind_text (s, 2, ci_employee_get_given_name (e));
  bind_text (s, 3, ci_employee_get_family_name (e));
  bind_text (s, 4, ci_employee_get_department (e));
  bind_text (s, 5, ci_employee_get_job_title (e));
  bind_text (s, 6, ci_employee_get_email (e));
  if (photo)
    sqlite3_bind_blob64 (s, 7, g_bytes_get_data (photo, NULL), g_bytes_get_size (photo),
                         SQLITE_TRANSIENT);
  bind_text (s, 8, ci_employee_get_valid_from (e));
  bind_text (s, 9, ci_employee_get_valid_until (e));
  sqlite3_bind_int (s, 10, ci_employee_get_status (e));
  bind_text (s, 11, given_key);
  bind_text (s, 12, family_key);
  sqlite3_bind_int64 (s, 13, g_get_real_time ());
}

static gboolean
sqlite_employee_insert (CiStore     *store,
                        CiEmployee  *employee,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO employee (number, given_name, family_name, department, job_title, email, "
    "photo, valid_from, valid_until, status, given_key, family_key, updated_at, version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)", error);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_employee (s, employee);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                   "Employee number %s is already taken", ci_employee_get_number (employee));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_employee_set_id (employee, sqlite3_last_insert_rowid (self->db));
  ci_employee_set_version (employee, 1);
  return TRUE;
}

static gboolean
sqlite_employee_update (CiStore     *store,
                        CiEmployee  *employee,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self,
    "UPDATE employee SET number = ?1, given_name = ?2, family_name = ?3, department = ?4, "
    "job_title = ?5, email = ?6, photo = ?7, valid_from = ?8, valid_until = ?9, status = ?10, "
    "given_key = ?11, family_key = ?12, updated_at = ?13, version = version + 1 "
    "WHERE id = ?14 AND version = ?15", error);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_employee (s, employee);
  sqlite3_bind_int64 (s, 14, ci_employee_get_id (employee));
  sqlite3_bind_int64 (s, 15, ci_employee_get_version (employee));
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                   "Employee number %s is already taken", ci_employee_get_number (employee));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   "Employee %s was changed by someone else since you opened it; "
                   "reload it and make your change again", ci_employee_get_number (employee));
      return FALSE;
    }
  ci_employee_set_version (employee, ci_employee_get_version (employee) + 1);
  return TRUE;
}

static CiEmployee *
sqlite_employee_get (CiStore     *store,
                     gint64       id,
                     const char  *number,
                     GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = number
    ? stmt (self, "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee WHERE number = ?", error)
    : stmt (self, "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee WHERE id = ?", error);
  CiEmployee *e = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  if (number)
    bind_text (s, 1, number);
  else
    sqlite3_bind_int64 (s, 1, id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      e = employee_from_row (s);
      if (sqlite3_column_type (s, 11) == SQLITE_BLOB)
        {
          g_autoptr(GBytes) photo = g_bytes_new (sqlite3_column_blob (s, 11),
                                                 sqlite3_column_bytes (s, 11));
          ci_employee_set_photo (e, photo);
        }
    }
  else if (rc == SQLITE_DONE)
    {
      g_autofree char *key = number ? g_strdup (number) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
      not_found (error, "employee", key);
    }
  else
    set_error (self, rc, error);
  sqlite3_reset (s);
  return e;
}

typedef gpointer (*RowFunc) (sqlite3_stmt *s);

static GPtrArray *
collect (CiStoreSqlite  *self,
         sqlite3_stmt   *s,
         RowFunc         from_row,
         GError        **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (result, from_row (s));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/* The upper bound of a prefix range: the prefix followed by U+10FFFF. */
static char *
prefix_end (const char *prefix)
{
  return g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);
}

/* Each search branch is a range scan along one index, already in the index's
 * order, so LIMIT stops it after offset + limit rows: no sort over every match.
 * The last column is the key the branch matched on, used to merge branches. */
#define SEARCH_SELECT "SELECT " EMPLOYEE_COLUMNS ", "
static const char search_family[] =
  SEARCH_SELECT "family_key || ' ' || given_key FROM employee"
  " WHERE family_key >= ?1 AND family_key < ?2 AND given_key >= ?3 AND given_key < ?4"
  " ORDER BY family_key, given_key, id LIMIT ?5";
static const char search_given[] =
  SEARCH_SELECT "given_key || ' ' || family_key FROM employee"
  " WHERE given_key >= ?1 AND given_key < ?2 AND family_key >= ?3 AND family_key < ?4"
  " ORDER BY given_key, family_key, id LIMIT ?5";
static const char search_number[] =
  SEARCH_SELECT "number FROM employee WHERE number >= ?1 AND number < ?2"
  " AND ?3 = ?3 AND ?4 = ?4 ORDER BY number LIMIT ?5";
static const char search_all[] =
  SEARCH_SELECT "'' FROM employee ORDER BY family_key, given_key, id LIMIT ?5 OFFSET ?6";

typedef struct
{
  CiEmployee *employee;
  char       *key;
} SearchHit;

static void
search_hit_clear (gpointer data)
{
  SearchHit *hit = data;

  g_clear_object (&hit->employee);
  g_free (hit->key);
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const SearchHit *x = a, *y = b;
  int c = strcmp (x->key, y->key);

  if (c != 0)
    return c;
  return ci_employee_get_id (x->employee) < ci_employee_get_id (y->employee) ? -1
         : ci_employee_get_id (x->employee) > ci_employee_get_id (y->employee);
}

static gboolean
search_branch (CiStoreSqlite  *self,
               const char     *sql,
               const char     *first,
               const char     *second,
               gint64          n,
               GArray         *hits,
               GError        **error)
{
  sqlite3_stmt *s = stmt (self, sql, error);
  g_autofree char *first_end = prefix_end (first);
  g_autofree char *second_end = prefix_end (second);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, first);
  bind_text (s, 2, first_end);
  bind_text (s, 3, second);
  bind_text (s, 4, second_end);
  sqlite3_bind_int64 (s, 5, n);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      SearchHit hit = { employee_from_row (s), col_text (s, 11) };
      g_array_append_val (hits, hit);
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

/* Orders the hits of all branches by the key each matched on and drops the
 * second sighting of an employee two branches found. */
static GPtrArray *
merge_hits (GArray *hits,
            guint   offset,
            guint   limit)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  guint skipped = 0;

  g_array_sort (hits, compare_hits);
  for (guint i = 0; i < hits->len && (limit == 0 || result->len < limit); i++)
    {
      SearchHit *hit = &g_array_index (hits, SearchHit, i);
      gint64 id = ci_employee_get_id (hit->employee);

      if (g_hash_table_contains (seen, &id))
        continue;
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      if (skipped++ < offset)
        continue;
      g_ptr_array_add (result, g_object_ref (hit->employee));
    }
  return result;
}

static GPtrArray *
sqlite_employee_search (CiStore     *store,
                        const char  *query,
                        guint        offset,
                        guint        limit,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  g_autofree char *key = ci_search_key (query);
  g_autofree char *number = g_strstrip (g_strdup (query ? query : ""));
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (key), " \t", -1);
  g_autoptr(GPtrArray) w = g_ptr_array_new ();
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (SearchHit));
  gint64 n = limit ? (gint64) offset + limit : -1;
  gboolean ok;

  g_array_set_clear_func (hits, search_hit_clear);
  for (guint i = 0; words[i]; i++)
    if (words[i][0])
      g_ptr_array_add (w, words[i]);

  if (w->len == 0)
    {
      sqlite3_stmt *s = stmt (self, search_all, error);
      if (s == NULL)
        return NULL;
      sqlite3_bind_int64 (s, 5, limit ? (gint64) limit : -1);
      sqlite3_bind_int64 (s, 6, offset);
      return collect (self, s, (RowFunc) employee_from_row, error);
    }
  if (w->len == 1)
    ok = search_branch (self, search_family, w->pdata[0], "", n, hits, error)
         && search_branch (self, search_given, w->pdata[0], "", n, hits, error)
         && search_branch (self, search_number, number, "", n, hits, error);
  else  /* "anna mül" and "müller anna": one word given, the last one family */
    ok = search_branch (self, search_family, w->pdata[w->len - 1], w->pdata[0], n, hits, error)
         && search_branch (self, search_family, w->pdata[0], w->pdata[w->len - 1], n, hits,
                           error);
  if (!ok)
    return NULL;
  return merge_hits (hits, offset, limit);
}

static gint64
count_rows (CiStoreSqlite  *self,
            const char     *sql,
            GError        **error)
{
  sqlite3_stmt *s = stmt (self, sql, error);
  gint64 n = -1;
  int rc;

  if (s == NULL)
    return -1;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  else
    set_error (self, rc, error);
  sqlite3_reset (s);
  return n;
}

static gint64
sqlite_employee_count (CiStore  *store,
                       GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);

  return count_rows (self, "SELECT count(*) FROM employee", error);
}

/* ─── zones, schedules, grants ──────────────────────────────────────────── */

#define ZONE_COLUMNS "id, parent_id, kind, code, name, security_level, hr_may_grant, time_zone"

static CiZone *
zone_from_row (sqlite3_stmt *s)
{
  CiZone *z = ci_zone_new ();
  g_autofree char *code = col_text (s, 3), *name = col_text (s, 4), *tz = col_text (s, 7);

  ci_zone_set_id (z, sqlite3_column_int64 (s, 0));
  ci_zone_set_parent_id (z, sqlite3_column_int64 (s, 1));
  ci_zone_set_kind (z, sqlite3_column_int (s, 2));
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, name);
  ci_zone_set_security_level (z, sqlite3_column_int (s, 5));
  ci_zone_set_hr_may_grant (z, sqlite3_column_int (s, 6) != 0);
  ci_zone_set_time_zone (z, tz);
  return z;
}

static void
bind_zone (sqlite3_stmt *s,
           CiZone       *z)
{
  if (ci_zone_get_parent_id (z) > 0)
    sqlite3_bind_int64 (s, 1, ci_zone_get_parent_id (z));
  sqlite3_bind_int (s, 2, ci_zone_get_kind (z));
  bind_text (s, 3, ci_zone_get_code (z));
  bind_text (s, 4, ci_zone_get_name (z));
  sqlite3_bind_int (s, 5, ci_zone_get_security_level (z));
  sqlite3_bind_int (s, 6, ci_zone_get_hr_may_grant (z));
  bind_text (s, 7, ci_zone_get_time_zone (z));
}

static gboolean
sqlite_zone_insert (CiStore  *store,
                    CiZone   *zone,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO zone (parent_id, kind, code, name, security_level, "
                                "hr_may_grant, time_zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          error);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_zone (s, zone);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                   "Zone code %s is already taken", ci_zone_get_code (zone));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_zone_set_id (zone, sqlite3_last_insert_rowid (self->db));
  return TRUE;
}

static gboolean
sqlite_zone_update (CiStore  *store,
                    CiZone   *zone,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "UPDATE zone SET parent_id = ?1, kind = ?2, code = ?3, name = ?4, "
                                "security_level = ?5, hr_may_grant = ?6, time_zone = ?7 "
                                "WHERE id = ?8", error);

  if (s == NULL)
    return FALSE;
  bind_zone (s, zone);
  sqlite3_bind_int64 (s, 8, ci_zone_get_id (zone));
  if (!step_done (self, s, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return not_found (error, "zone", ci_zone_get_code (zone));
  return TRUE;
}

static CiZone *
sqlite_zone_get (CiStore     *store,
                 gint64       id,
                 const char  *code,
                 GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = code ? stmt (self, "SELECT " ZONE_COLUMNS " FROM zone WHERE code = ?", error)
                         : stmt (self, "SELECT " ZONE_COLUMNS " FROM zone WHERE id = ?", error);
  CiZone *z = NULL;

  if (s == NULL)
    return NULL;
  if (code)
    bind_text (s, 1, code);
  else
    sqlite3_bind_int64 (s, 1, id);
  if (sqlite3_step (s) == SQLITE_ROW)
    z = zone_from_row (s);
  else
    {
      g_autofree char *key = code ? g_strdup (code) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
      not_found (error, "zone", key);
    }
  sqlite3_reset (s);
  return z;
}

static GPtrArray *
sqlite_zone_list (CiStore  *store,
                  GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  /* Parents before children: a depth-first walk of the hierarchy. The path
   * separator char(1) sorts before every character a code may hold, so "HQ"'s
   * children come before the sibling "HQ-2". */
  sqlite3_stmt *s = stmt (self,
    "WITH RECURSIVE tree (id, path) AS ("
    "  SELECT id, code FROM zone WHERE parent_id IS NULL"
    "  UNION ALL SELECT z.id, tree.path || char(1) || z.code FROM zone z JOIN tree"
    "  ON z.parent_id = tree.id) "
    "SELECT " ZONE_COLUMNS " FROM zone JOIN tree USING (id) ORDER BY tree.path", error);

  return s ? collect (self, s, (RowFunc) zone_from_row, error) : NULL;
}

static CiSchedule *
schedule_from_row (sqlite3_stmt *s)
{
  CiSchedule *sc = ci_schedule_new ();
  g_autofree char *name = col_text (s, 1), *rules = col_text (s, 2);

  ci_schedule_set_id (sc, sqlite3_column_int64 (s, 0));
  ci_schedule_set_name (sc, name);
  ci_schedule_set_rules (sc, rules);
  return sc;
}

static gboolean
sqlite_schedule_insert (CiStore     *store,
                        CiSchedule  *schedule,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO schedule (name, rules) VALUES (?, ?)", error);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, ci_schedule_get_name (schedule));
  bind_text (s, 2, ci_schedule_get_rules (schedule));
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                   "A schedule named “%s” exists already", ci_schedule_get_name (schedule));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_schedule_set_id (schedule, sqlite3_last_insert_rowid (self->db));
  return TRUE;
}

static CiSchedule *
sqlite_schedule_get (CiStore     *store,
                     gint64       id,
                     const char  *name,
                     GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = name ? stmt (self, "SELECT id, name, rules FROM schedule WHERE name = ?", error)
                         : stmt (self, "SELECT id, name, rules FROM schedule WHERE id = ?", error);
  CiSchedule *sc = NULL;

  if (s == NULL)
    return NULL;
  if (name)
    bind_text (s, 1, name);
  else
    sqlite3_bind_int64 (s, 1, id);
  if (sqlite3_step (s) == SQLITE_ROW)
    sc = schedule_from_row (s);
  else
    {
      g_autofree char *key = name ? g_strdup (name) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
      not_found (error, "schedule", key);
    }
  sqlite3_reset (s);
  return sc;
}

static GPtrArray *
sqlite_schedule_list (CiStore  *store,
                      GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT id, name, rules FROM schedule ORDER BY name", error);

  return s ? collect (self, s, (RowFunc) schedule_from_row, error) : NULL;
}

static CiGrant *
grant_from_row (sqlite3_stmt *s)
{
  CiGrant *g = ci_grant_new ();
  g_autofree char *expires = col_text (s, 4), *by = col_text (s, 5);

  ci_grant_set_id (g, sqlite3_column_int64 (s, 0));
  ci_grant_set_employee_id (g, sqlite3_column_int64 (s, 1));
  ci_grant_set_zone_id (g, sqlite3_column_int64 (s, 2));
  ci_grant_set_schedule_id (g, sqlite3_column_int64 (s, 3));
  ci_grant_set_expires (g, expires);
  ci_grant_set_granted_by (g, by);
  ci_grant_set_granted_at (g, sqlite3_column_int64 (s, 6));
  return g;
}

static gboolean
sqlite_grant_insert (CiStore  *store,
                     CiGrant  *grant,
                     GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO zone_grant (employee_id, zone_id, schedule_id, "
                                "expires, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)",
                          error);
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, ci_grant_get_employee_id (grant));
  sqlite3_bind_int64 (s, 2, ci_grant_get_zone_id (grant));
  if (ci_grant_get_schedule_id (grant) > 0)
    sqlite3_bind_int64 (s, 3, ci_grant_get_schedule_id (grant));
  bind_text (s, 4, ci_grant_get_expires (grant));
  bind_text (s, 5, ci_grant_get_granted_by (grant));
  sqlite3_bind_int64 (s, 6, ci_grant_get_granted_at (grant));
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                           "The employee has access to that zone already; withdraw it first "
                           "to change schedule or expiry");
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_grant_set_id (grant, sqlite3_last_insert_rowid (self->db));
  return TRUE;
}

static gboolean
sqlite_grant_delete (CiStore  *store,
                     gint64    id,
                     GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "DELETE FROM zone_grant WHERE id = ?", error);
  g_autofree char *key = g_strdup_printf ("#%" G_GINT64_FORMAT, id);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, id);
  if (!step_done (self, s, error))
    return FALSE;
  return sqlite3_changes (self->db) > 0 || not_found (error, "grant", key);
}

static GPtrArray *
sqlite_grant_list (CiStore  *store,
                   gint64    employee_id,
                   gint64    zone_id,
                   GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT id, employee_id, zone_id, schedule_id, expires, granted_by,"
                                " granted_at FROM zone_grant"
                                " WHERE (?1 = 0 OR employee_id = ?1) AND (?2 = 0 OR zone_id = ?2)"
                                " ORDER BY employee_id, zone_id", error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, employee_id);
  sqlite3_bind_int64 (s, 2, zone_id);
  return collect (self, s, (RowFunc) grant_from_row, error);
}

/* ─── cards ─────────────────────────────────────────────────────────────── */

#define CARD_COLUMNS \
  "serial, employee_id, sequence, state, state_changed_at, created_at, valid_until, reason, " \
  "replaces"

static CiCard *
card_from_row (sqlite3_stmt *s)
{
  CiCard *c = ci_card_new ();
  g_autofree char *until = col_text (s, 6), *reason = col_text (s, 7);

  ci_card_set_serial (c, sqlite3_column_int64 (s, 0));
  ci_card_set_employee_id (c, sqlite3_column_int64 (s, 1));
  ci_card_set_sequence (c, sqlite3_column_int (s, 2));
  ci_card_set_state (c, sqlite3_column_int (s, 3));
  ci_card_set_state_changed_at (c, sqlite3_column_int64 (s, 4));
  ci_card_set_created_at (c, sqlite3_column_int64 (s, 5));
  ci_card_set_valid_until (c, until);
  ci_card_set_reason (c, reason);
  ci_card_set_replaces (c, sqlite3_column_int64 (s, 8));
  return c;
}

/* The serial comes from AUTOINCREMENT, which never hands out a number twice,
 * even after the newest card row is deleted. */
static gboolean
sqlite_card_insert (CiStore  *store,
                    CiCard   *card,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO card (employee_id, sequence, state, state_changed_at, created_at, valid_until,"
    " reason, replaces) SELECT ?1, COALESCE(MAX(sequence), 0) + 1, ?2, ?3, ?3, ?4, ?5, ?6"
    " FROM card WHERE employee_id = ?1 RETURNING serial, sequence", error);
  gint64 now = g_get_real_time ();
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, ci_card_get_employee_id (card));
  sqlite3_bind_int (s, 2, ci_card_get_state (card));
  sqlite3_bind_int64 (s, 3, now);
  bind_text (s, 4, ci_card_get_valid_until (card));
  bind_text (s, 5, ci_card_get_reason (card));
  if (ci_card_get_replaces (card) > 0)
    sqlite3_bind_int64 (s, 6, ci_card_get_replaces (card));
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      ci_card_set_serial (card, sqlite3_column_int64 (s, 0));
      ci_card_set_sequence (card, sqlite3_column_int (s, 1));
      rc = sqlite3_step (s);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_card_set_created_at (card, now);
  ci_card_set_state_changed_at (card, now);
  return TRUE;
}

static CiCard *
sqlite_card_get (CiStore  *store,
                 gint64    serial,
                 GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT " CARD_COLUMNS " FROM card WHERE serial = ?", error);
  CiCard *c = NULL;

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, serial);
  if (sqlite3_step (s) == SQLITE_ROW)
    c = card_from_row (s);
  else
    {
      g_autofree char *key = ci_card_format_serial (serial);
      not_found (error, "card", key);
    }
  sqlite3_reset (s);
  return c;
}

static GPtrArray *
sqlite_card_list (CiStore  *store,
                  gint64    employee_id,
                  GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT " CARD_COLUMNS " FROM card"
                                " WHERE ?1 = 0 OR employee_id = ?1 ORDER BY serial", error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, employee_id);
  return collect (self, s, (RowFunc) card_from_row, error);
}

/* Changes the state only if the card is still in @from, so two desks acting on
 * one card cannot both succeed. */
static gboolean
sqlite_card_set_state (CiStore      *store,
                       CiCard       *card,
                       CiCardState   from,
                       GError      **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "UPDATE card SET state = ?1, state_changed_at = ?2, reason = ?3"
                                " WHERE serial = ?4 AND state = ?5", error);
  gint64 now = g_get_real_time ();

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int (s, 1, ci_card_get_state (card));
  sqlite3_bind_int64 (s, 2, now);
  bind_text (s, 3, ci_card_get_reason (card));
  sqlite3_bind_int64 (s, 4, ci_card_get_serial (card));
  sqlite3_bind_int (s, 5, from);
  if (!step_done (self, s, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (card));
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   "Card %s is no longer %s: another desk changed it; look it up again",
                   serial, ci_card_state_to_string (from));
      return FALSE;
    }
  ci_card_set_state_changed_at (card, now);
  return TRUE;
}

/* ─── operators and the role matrix ─────────────────────────────────────── */

#define OPERATOR_COLUMNS \
  "id, login, display_name, roles, password_hash, failed_attempts, locked_until, active"

static CiOperator *
operator_from_row (sqlite3_stmt *s)
{
  CiOperator *op = ci_operator_new ();
  g_autofree char *login = col_text (s, 1), *name = col_text (s, 2), *hash = col_text (s, 4);

  ci_operator_set_id (op, sqlite3_column_int64 (s, 0));
  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, name);
  ci_operator_set_roles (op, sqlite3_column_int (s, 3));
  ci_operator_set_password_hash (op, hash);
  ci_operator_set_failed_attempts (op, sqlite3_column_int (s, 5));
  ci_operator_set_locked_until (op, sqlite3_column_int64 (s, 6));
  ci_operator_set_active (op, sqlite3_column_int (s, 7) != 0);
  return op;
}

static void
bind_operator (sqlite3_stmt *s,
               CiOperator   *op)
{
  bind_text (s, 1, ci_operator_get_login (op));
  bind_text (s, 2, ci_operator_get_display_name (op));
  sqlite3_bind_int (s, 3, ci_operator_get_roles (op));
  bind_text (s, 4, ci_operator_get_password_hash (op));
  sqlite3_bind_int (s, 5, ci_operator_get_failed_attempts (op));
  sqlite3_bind_int64 (s, 6, ci_operator_get_locked_until (op));
  sqlite3_bind_int (s, 7, ci_operator_get_active (op));
}

static gboolean
sqlite_operator_insert (CiStore     *store,
                        CiOperator  *op,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO operator (login, display_name, roles, password_hash,"
                                " failed_attempts, locked_until, active)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (s == NULL)
    return FALSE;
  bind_operator (s, op);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS,
                   "Login %s is already taken", ci_operator_get_login (op));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_error (self, rc, error);
  ci_operator_set_id (op, sqlite3_last_insert_rowid (self->db));
  return TRUE;
}

static gboolean
sqlite_operator_update (CiStore     *store,
                        CiOperator  *op,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "UPDATE operator SET login = ?1, display_name = ?2, roles = ?3,"
                                " password_hash = ?4, failed_attempts = ?5, locked_until = ?6,"
                                " active = ?7 WHERE id = ?8", error);

  if (s == NULL)
    return FALSE;
  bind_operator (s, op);
  sqlite3_bind_int64 (s, 8, ci_operator_get_id (op));
  if (!step_done (self, s, error))
    return FALSE;
  return sqlite3_changes (self->db) > 0 || not_found (error, "operator", ci_operator_get_login (op));
}

static CiOperator *
sqlite_operator_get (CiStore     *store,
                     const char  *login,
                     GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT " OPERATOR_COLUMNS " FROM operator WHERE login = ?", error);
  CiOperator *op = NULL;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, login);
  if (sqlite3_step (s) == SQLITE_ROW)
    op = operator_from_row (s);
  else
    not_found (error, "operator", login);
  sqlite3_reset (s);
  return op;
}

static GPtrArray *
sqlite_operator_list (CiStore  *store,
                      GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT " OPERATOR_COLUMNS " FROM operator ORDER BY login", error);

  return s ? collect (self, s, (RowFunc) operator_from_row, error) : NULL;
}

static gboolean
sqlite_policy_load (CiStore   *store,
                    CiPolicy  *policy,
                    GError   **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT role, action, scope FROM role_permission", error);
  int rc;

  if (s == NULL)
    return FALSE;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CiAction action;
      int role = sqlite3_column_int (s, 0), scope = sqlite3_column_int (s, 2);

      /* An action name this version does not know is left alone, not an error:
       * a newer desk sharing the database may have written it. */
      if (ci_action_from_string ((const char *) sqlite3_column_text (s, 1), &action)
          && role > 0 && role <= CI_ROLE_ADMIN && (role & (role - 1)) == 0
          && scope >= CI_SCOPE_NONE && scope <= CI_SCOPE_ALL)
        ci_policy_set (policy, role, action, scope);
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

static gboolean
sqlite_policy_save (CiStore   *store,
                    CiRole     role,
                    CiAction   action,
                    CiScope    scope,
                    GError   **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO role_permission (role, action, scope) VALUES (?, ?, ?)"
                                " ON CONFLICT (role, action) DO UPDATE SET scope = excluded.scope",
                          error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int (s, 1, role);
  bind_text (s, 2, ci_action_to_string (action));
  sqlite3_bind_int (s, 3, scope);
  return step_done (self, s, error);
}

/* ─── audit ─────────────────────────────────────────────────────────────── */

static gboolean
sqlite_audit_head (CiStore  *store,
                   gint64   *seq,
                   guint8    hash[CI_AUDIT_HASH_LEN],
                   GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  *seq = 0;
  memset (hash, 0, CI_AUDIT_HASH_LEN);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (s, 0);
      if (sqlite3_column_bytes (s, 1) == CI_AUDIT_HASH_LEN)
        memcpy (hash, sqlite3_column_blob (s, 1), CI_AUDIT_HASH_LEN);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

static gboolean
sqlite_audit_append (CiStore             *store,
                     const CiAuditEntry  *e,
                     GError             **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO audit (seq, time_us, desk, operator, action,"
                                " subject_type, subject_id, outcome, reason, details, duration_us,"
                                " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, e->seq);
  sqlite3_bind_int64 (s, 2, e->time_us);
  bind_text (s, 3, e->desk ? e->desk : "");
  bind_text (s, 4, e->operator_login ? e->operator_login : "");
  bind_text (s, 5, e->action ? e->action : "");
  bind_text (s, 6, e->subject_type ? e->subject_type : "");
  bind_text (s, 7, e->subject_id ? e->subject_id : "");
  sqlite3_bind_int (s, 8, e->outcome);
  bind_text (s, 9, e->reason ? e->reason : "");
  bind_text (s, 10, e->details ? e->details : "");
  sqlite3_bind_int64 (s, 11, e->duration_us);
  sqlite3_bind_blob (s, 12, e->prev_hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (s, 13, e->hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  return step_done (self, s, error);
}

static char *
dup_col (sqlite3_stmt *s,
         int           i)
{
  const char *t = (const char *) sqlite3_column_text (s, i);
  return g_strdup (t ? t : "");
}

static void
copy_hash (sqlite3_stmt *s,
           int           i,
           guint8        out[CI_AUDIT_HASH_LEN])
{
  /* A hash of the wrong length (tampered) reads as zeros and so fails to match. */
  if (sqlite3_column_bytes (s, i) == CI_AUDIT_HASH_LEN)
    memcpy (out, sqlite3_column_blob (s, i), CI_AUDIT_HASH_LEN);
  else
    memset (out, 0, CI_AUDIT_HASH_LEN);
}

static void
audit_from_row (sqlite3_stmt *s,
                CiAuditEntry *e)
{
  ci_audit_entry_clear (e);
  e->seq = sqlite3_column_int64 (s, 0);
  e->time_us = sqlite3_column_int64 (s, 1);
  e->desk = dup_col (s, 2);
  e->operator_login = dup_col (s, 3);
  e->action = dup_col (s, 4);
  e->subject_type = dup_col (s, 5);
  e->subject_id = dup_col (s, 6);
  e->outcome = sqlite3_column_int (s, 7);
  e->reason = dup_col (s, 8);
  e->details = dup_col (s, 9);
  e->duration_us = sqlite3_column_int64 (s, 10);
  copy_hash (s, 11, e->prev_hash);
  copy_hash (s, 12, e->hash);
}

static gboolean
sqlite_audit_foreach (CiStore              *store,
                      const CiAuditFilter  *filter,
                      CiAuditFunc           func,
                      gpointer              user_data,
                      GError              **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self,
    "SELECT seq, time_us, desk, operator, action, subject_type, subject_id, outcome, reason,"
    " details, duration_us, prev_hash, hash FROM audit"
    " WHERE seq > ?1 AND (?2 IS NULL OR operator = ?2)"
    " AND (?3 IS NULL OR substr(action, 1, length(?3)) = ?3)"
    " AND (?4 IS NULL OR subject_id = ?4) ORDER BY seq LIMIT ?5", error);
  CiAuditEntry e = { 0 };
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, filter ? filter->after_seq : 0);
  bind_text (s, 2, filter ? filter->operator_login : NULL);
  bind_text (s, 3, filter ? filter->action_prefix : NULL);
  bind_text (s, 4, filter ? filter->subject_id : NULL);
  sqlite3_bind_int64 (s, 5, filter && filter->limit ? (gint64) filter->limit : -1);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      audit_from_row (s, &e);
      if (!func (&e, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  ci_audit_entry_clear (&e);
  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

static gboolean
sqlite_audit_find_hash (CiStore       *store,
                        const guint8   hash[CI_AUDIT_HASH_LEN],
                        gint64        *seq,
                        GError       **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT seq FROM audit WHERE hash = ? LIMIT 1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  *seq = 0;
  sqlite3_bind_blob (s, 1, hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (s, 0);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || set_error (self, rc, error);
}

static gboolean
sqlite_checkpoint_insert (CiStore            *store,
                          CiAuditCheckpoint  *c,
                          GError            **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "INSERT INTO audit_checkpoint (seq, head_hash, time_us, desk,"
                                " key_id, signature) VALUES (?, ?, ?, ?, ?, ?)", error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, c->seq);
  sqlite3_bind_blob (s, 2, c->head_hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, c->time_us);
  bind_text (s, 4, c->desk);
  bind_text (s, 5, c->key_id);
  sqlite3_bind_blob (s, 6, g_bytes_get_data (c->signature, NULL),
                     (int) g_bytes_get_size (c->signature), SQLITE_STATIC);
  if (!step_done (self, s, error))
    return FALSE;
  c->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static GPtrArray *
sqlite_checkpoint_list (CiStore  *store,
                        GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = stmt (self, "SELECT id, seq, head_hash, time_us, desk, key_id, signature"
                                " FROM audit_checkpoint ORDER BY seq, id", error);
  g_autoptr(GPtrArray) result =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_checkpoint_free);
  int rc;

  if (s == NULL)
    return NULL;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CiAuditCheckpoint *c = ci_audit_checkpoint_new ();

      c->id = sqlite3_column_int64 (s, 0);
      c->seq = sqlite3_column_int64 (s, 1);
      copy_hash (s, 2, c->head_hash);
      c->time_us = sqlite3_column_int64 (s, 3);
      c->desk = dup_col (s, 4);
      c->key_id = dup_col (s, 5);
      c->signature = g_bytes_new (sqlite3_column_blob (s, 6), sqlite3_column_bytes (s, 6));
      g_ptr_array_add (result, c);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
ci_store_sqlite_finalize (GObject *object)
{
  CiStoreSqlite *self = (CiStoreSqlite *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_rec_mutex_clear (&self->lock);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (ci_store_sqlite_parent_class)->finalize (object);
}

static void
ci_store_sqlite_class_init (CiStoreSqliteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CiStoreClass *store_class = CI_STORE_CLASS (klass);

  object_class->finalize = ci_store_sqlite_finalize;

  store_class->begin = sqlite_begin;
  store_class->commit = sqlite_commit;
  store_class->rollback = sqlite_rollback;
  store_class->schema_version = sqlite_schema_version;
  store_class->get_setting = sqlite_get_setting;
  store_class->set_setting = sqlite_set_setting;
  store_class->employee_insert = sqlite_employee_insert;
  store_class->employee_update = sqlite_employee_update;
  store_class->employee_get = sqlite_employee_get;
  store_class->employee_search = sqlite_employee_search;
  store_class->employee_count = sqlite_employee_count;
  store_class->zone_insert = sqlite_zone_insert;
  store_class->zone_update = sqlite_zone_update;
  store_class->zone_get = sqlite_zone_get;
  store_class->zone_list = sqlite_zone_list;
  store_class->schedule_insert = sqlite_schedule_insert;
  store_class->schedule_get = sqlite_schedule_get;
  store_class->schedule_list = sqlite_schedule_list;
  store_class->grant_insert = sqlite_grant_insert;
  store_class->grant_delete = sqlite_grant_delete;
  store_class->grant_list = sqlite_grant_list;
  store_class->card_insert = sqlite_card_insert;
  store_class->card_get = sqlite_card_get;
  store_class->card_list = sqlite_card_list;
  store_class->card_set_state = sqlite_card_set_state;
  store_class->operator_insert = sqlite_operator_insert;
  store_class->operator_update = sqlite_operator_update;
  store_class->operator_get = sqlite_operator_get;
  store_class->operator_list = sqlite_operator_list;
  store_class->policy_load = sqlite_policy_load;
  store_class->policy_save = sqlite_policy_save;
  store_class->audit_head = sqlite_audit_head;
  store_class->audit_append = sqlite_audit_append;
  store_class->audit_foreach = sqlite_audit_foreach;
  store_class->audit_find_hash = sqlite_audit_find_hash;
  store_class->checkpoint_insert = sqlite_checkpoint_insert;
  store_class->checkpoint_list = sqlite_checkpoint_list;
}

static void
finalize_statement (gpointer s)
{
  sqlite3_finalize (s);
}

static void
ci_store_sqlite_init (CiStoreSqlite *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

/**
 * ci_store_sqlite_default_path:
 *
 * Returns: (transfer full): where the embedded database lives unless told
 *   otherwise: `$XDG_DATA_HOME/cardissue/cardissue.db`
 */
char *
ci_store_sqlite_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "cardissue", "cardissue.db", NULL);
}

CiStore *
_ci_store_sqlite_new_at_version (const char  *path,
                                 int          version,
                                 GError     **error)
{
  g_autoptr(CiStoreSqlite) self = g_object_new (CI_TYPE_STORE_SQLITE, NULL);

  g_return_val_if_fail (version >= 0 && version <= CI_STORE_SQLITE_SCHEMA_VERSION, NULL);

  self->path = path ? g_strdup (path) : ci_store_sqlite_default_path ();
  if (!open_db (self, version, error))
    return NULL;
  return CI_STORE (g_steal_pointer (&self));
}

/**
 * ci_store_sqlite_new:
 * @path: (nullable): the database file, or %NULL for ci_store_sqlite_default_path()
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Opens (creating if needed) the database and brings its schema up to date.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
CiStore *
ci_store_sqlite_new (const char  *path,
                     GError     **error)
{
  return _ci_store_sqlite_new_at_version (path, CI_STORE_SQLITE_SCHEMA_VERSION, error);
}

const char *
ci_store_sqlite_get_path (CiStoreSqlite *self)
{
  g_return_val_if_fail (CI_IS_STORE_SQLITE (self), NULL);
  return self->path;
}
