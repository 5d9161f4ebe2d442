/* ci-store-sqlite.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-sqlite-private.h"
#include "model/ci-model.h"

#include <glib/gstdio.h>
#include <string.h>

/* The embedded store: one SQLite file in WAL mode with foreign keys on. The schema
 * is versioned with PRAGMA user_version; every open runs the migrations still
 * missing, each in its own transaction. Statements are prepared once per
 * connection and kept. A recursive mutex is held from begin to commit, so one
 * store can be shared by worker threads. */

G_DEFINE_FINAL_TYPE (CiStoreSqlite, ci_store_sqlite, CI_TYPE_STORE)

/* ─── errors and statements ─────────────────────────────────────────────── */

/* Every SQLite result code passes through here on its way to the caller. */
gboolean
_ci_sqlite_error (CiStoreSqlite  *self,
           int             rc,
           GError        **error)
{
  const char *msg = sqlite3_errmsg (self->db);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_BUSY,
                   _("The database is busy with another desk's work; try again in a moment"));
      break;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        /* Translators: %s is SQLite's own description of the conflict, in English. */
        g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS, _("Already recorded (%s)"), msg);
      else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND,
                             _("A record it refers to does not exist"));
      else
        g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Refused by the database: %s"),
                     msg);
      break;
    case SQLITE_FULL:
      g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                           _("The disk holding the database is full; free some space and retry"));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   _("The database file %s is damaged or not a CardIssue database"), self->path);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   _("Cannot write the database file %s: check that the folder exists and "
                     "that you may write to it"), self->path);
      break;
    default:
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Database error: %s"), msg);
    }
  return FALSE;
}

sqlite3_stmt *
_ci_sqlite_stmt (CiStoreSqlite  *self,
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
      _ci_sqlite_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, s);
  return s;
}

gboolean
_ci_sqlite_exec (CiStoreSqlite  *self,
      const char     *sql,
      GError        **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &errmsg);

  sqlite3_free (errmsg);
  return rc == SQLITE_OK || _ci_sqlite_error (self, rc, error);
}

/* Runs a prepared, bound statement that returns no rows. */
gboolean
_ci_sqlite_step_done (CiStoreSqlite  *self,
           sqlite3_stmt   *s,
           GError        **error)
{
  int rc = sqlite3_step (s);

  sqlite3_reset (s);
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
}

void
_ci_sqlite_bind_text (sqlite3_stmt *s,
           int           i,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (s, i);
  else
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
}

char *
_ci_sqlite_col_text (sqlite3_stmt *s,
          int           i)
{
  const unsigned char *t = sqlite3_column_text (s, i);
  return t ? g_strdup ((const char *) t) : NULL;
}

/* @format: the whole sentence, such as _("No zone “%s”"), so that it translates
 * as one */
gboolean
_ci_sqlite_not_found (GError     **error,
                      const char  *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND, message);
  return FALSE;
}


GPtrArray *
_ci_sqlite_collect (CiStoreSqlite  *self,
         sqlite3_stmt   *s,
         CiRowFunc         from_row,
         GError        **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (result, from_row (s));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      _ci_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/**
 * _ci_sqlite_insert:
 * @self: the store
 * @s: a bound INSERT statement
 * @exists_message: what to say if a UNIQUE key is taken already
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Returns: the new row's id, or 0 with @error set
 */
gint64
_ci_sqlite_insert (CiStoreSqlite  *self,
                   sqlite3_stmt   *s,
                   const char     *exists_message,
                   GError        **error)
{
  int rc = sqlite3_step (s);

  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS, exists_message);
      return 0;
    }
  if (rc != SQLITE_DONE)
    {
      _ci_sqlite_error (self, rc, error);
      return 0;
    }
  return sqlite3_last_insert_rowid (self->db);
}

/**
 * _ci_sqlite_get_one:
 * @self: the store
 * @s: a bound statement that returns at most one row
 * @from_row: turns the row into an object
 * @missing: what to say if there is no such row, such as "No zone “HQ”"
 * @error: return location for a #CI_STORE_ERROR_NOT_FOUND error
 *
 * Returns: (transfer full) (nullable): the object, or %NULL with @error set
 */
gpointer
_ci_sqlite_get_one (CiStoreSqlite  *self,
                    sqlite3_stmt   *s,
                    CiRowFunc       from_row,
                    const char     *missing,
                    GError        **error)
{
  gpointer object = NULL;
  int rc = sqlite3_step (s);

  if (rc == SQLITE_ROW)
    object = from_row (s);
  else if (rc == SQLITE_DONE)
    _ci_sqlite_not_found (error, "%s", missing);
  else
    _ci_sqlite_error (self, rc, error);
  sqlite3_reset (s);
  return object;
}
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

/* v3: the QR code printed on each card's face, binding it to the chip. */
static const char schema_v3[] =
  "ALTER TABLE card ADD COLUMN face_code TEXT NOT NULL DEFAULT '';";

/* v4: which desk made each card's latest change; while a card is being
 * issued, the desk writing it, so that another desk does not take its record. */
static const char schema_v4[] =
  "ALTER TABLE card ADD COLUMN desk TEXT NOT NULL DEFAULT '';";

static const char * const migrations[] = { schema_v1, schema_v2, schema_v3, schema_v4 };

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
    return _ci_sqlite_error (self, sqlite3_errcode (self->db), error);
  if (current > CI_STORE_SQLITE_SCHEMA_VERSION)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_SCHEMA,
                   _("The database %s was written by a newer CardIssue (schema %d; this one "
                     "knows up to %d): update CardIssue on this desk"), self->path, current,
                   CI_STORE_SQLITE_SCHEMA_VERSION);
      return FALSE;
    }
  for (int v = current + 1; v <= target; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v);

      if (!_ci_sqlite_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_ci_sqlite_exec (self, migrations[v - 1], error) || !_ci_sqlite_exec (self, bump, error))
        {
          _ci_sqlite_exec (self, "ROLLBACK", NULL);
          g_prefix_error (error, _("Could not update the database to schema %d: "), v);
          return FALSE;
        }
      if (!_ci_sqlite_exec (self, "COMMIT", error))
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
                   _("Cannot create the folder %s for the database"), dir);
      return FALSE;
    }
  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return _ci_sqlite_error (self, rc, error);
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_create_function (self->db, "ci_search_key", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                           sql_search_key, NULL, NULL);
  return _ci_sqlite_exec (self, "PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = FULL;"
                     "PRAGMA foreign_keys = ON;", error)
         && migrate (self, target_version, error);
}
/* ─── transactions and settings ─────────────────────────────────────────── */

/* A lazy transaction runs at synchronous = NORMAL: in WAL mode its commit
 * writes the log without syncing it, and the next FULL commit's sync, which
 * covers the whole log, makes it durable. SQLite takes the level only
 * outside a transaction. Should going back to FULL fail, the next begin()
 * tries again before anything else. */
static gboolean
set_lazy (CiStoreSqlite  *self,
          gboolean        lazy,
          GError        **error)
{
  if (self->lazy == lazy)
    return TRUE;
  if (!_ci_sqlite_exec (self, lazy ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL",
                        error))
    return FALSE;
  self->lazy = lazy;
  return TRUE;
}

static gboolean
begin (CiStoreSqlite  *self,
       gboolean        lazy,
       GError        **error)
{
  sqlite3_stmt *s;

  g_rec_mutex_lock (&self->lock);
  g_return_val_if_fail (!self->in_transaction, (g_rec_mutex_unlock (&self->lock), FALSE));
  if (!set_lazy (self, lazy, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  s = _ci_sqlite_stmt (self, "BEGIN IMMEDIATE", error);
  if (s == NULL || !_ci_sqlite_step_done (self, s, error))
    {
      set_lazy (self, FALSE, NULL);
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
sqlite_begin (CiStore  *store,
              GError  **error)
{
  return begin (STORE (store), FALSE, error);
}

static gboolean
sqlite_begin_lazy (CiStore  *store,
                   GError  **error)
{
  return begin (STORE (store), TRUE, error);
}

static void
end_transaction (CiStoreSqlite *self)
{
  set_lazy (self, FALSE, NULL);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->lock);
}

static gboolean
sqlite_commit (CiStore  *store,
               GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  sqlite3_stmt *s;
  gboolean ok;

  g_return_val_if_fail (self->in_transaction, FALSE);
  s = _ci_sqlite_stmt (self, "COMMIT", error);
  ok = s != NULL && _ci_sqlite_step_done (self, s, error);
  if (!ok)
    _ci_sqlite_exec (self, "ROLLBACK", NULL);
  end_transaction (self);
  return ok;
}

static void
sqlite_rollback (CiStore *store)
{
  CiStoreSqlite *self = STORE (store);

  g_return_if_fail (self->in_transaction);
  _ci_sqlite_exec (self, "ROLLBACK", NULL);
  end_transaction (self);
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
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "SELECT value FROM setting WHERE key = ?", NULL);
  char *value = NULL;

  if (s == NULL)
    return NULL;
  _ci_sqlite_bind_text (s, 1, key);
  if (sqlite3_step (s) == SQLITE_ROW)
    value = _ci_sqlite_col_text (s, 0);
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
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "INSERT INTO setting (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (s == NULL)
    return FALSE;
  _ci_sqlite_bind_text (s, 1, key);
  _ci_sqlite_bind_text (s, 2, value);
  return _ci_sqlite_step_done (self, s, error);
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
  store_class->begin_lazy = sqlite_begin_lazy;
  store_class->commit = sqlite_commit;
  store_class->rollback = sqlite_rollback;
  store_class->schema_version = sqlite_schema_version;
  store_class->get_setting = sqlite_get_setting;
  store_class->set_setting = sqlite_set_setting;
  _ci_store_sqlite_people_class_init (store_class);
  _ci_store_sqlite_access_class_init (store_class);
  _ci_store_sqlite_audit_class_init (store_class);
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
