/* ci-store-pg.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-pg-private.h"
#include "model/ci-model.h"

#include <string.h>

/* The shared store: one PostgreSQL database that several desks use at once,
 * through libpq. It keeps the embedded store's promises exactly (ci-store-sqlite.c):
 *
 * - One writer at a time. SQLite's BEGIN IMMEDIATE takes the file's write lock;
 *   here every transaction, and every change made outside one, first takes one
 *   transaction-scoped advisory lock, the same for every desk. Transactions run
 *   at READ COMMITTED, so once the lock is held each statement sees everything
 *   committed before, and nobody else writes until we commit: the audit chain
 *   head read inside the transaction is the true head, and the chain stays
 *   linear across desks. Readers take no lock, as in WAL mode.
 * - A waiting writer gives up after five seconds (lock_timeout, as SQLite's busy
 *   timeout) with CI_STORE_ERROR_BUSY.
 * - A statement that fails inside a transaction undoes only itself (each change
 *   runs under a savepoint), where PostgreSQL would otherwise abort the whole
 *   transaction.
 * - The schema is versioned in a table schema_version, with the SQLite schema's
 *   version numbers; each open runs the migrations still missing.
 *
 * Statements are prepared once per connection and kept. Values always travel
 * as parameters. A recursive mutex is held from begin to commit, so one store
 * can be shared by worker threads. A connection that broke is opened again by
 * the next call outside a transaction; the call that finds it broken (as after
 * a server restart) is run once more on the new one, as it did nothing yet. */

G_DEFINE_FINAL_TYPE (CiStorePg, ci_store_pg, CI_TYPE_STORE)

/* The key of the writers' advisory lock: "CardIssu" in ASCII, so that it is
 * unlikely to collide with another application's lock in the same database. */
#define WRITE_LOCK "SELECT pg_advisory_xact_lock(4855287648336704373)"
#define BEGIN_WRITE "BEGIN ISOLATION LEVEL READ COMMITTED; " WRITE_LOCK
/* SET LOCAL ends with the transaction, so only this commit skips the WAL flush. */
#define BEGIN_LAZY "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off; " \
  WRITE_LOCK

/* ─── parameters and results ────────────────────────────────────────────── */

void
_ci_pg_params_clear (CiPgParams *p)
{
  for (int i = 0; i < p->n; i++)
    g_free (p->owned[i]);
  memset (p, 0, sizeof *p);
}

static void
param_add (CiPgParams *p,
           const char *value,
           int         length,
           int         format,
           char       *owned)
{
  g_return_if_fail (p->n < CI_PG_MAX_PARAMS);

  p->values[p->n] = value;
  p->lengths[p->n] = length;
  p->formats[p->n] = format;
  p->owned[p->n] = owned;
  p->n++;
}

/* @text: (nullable): %NULL is SQL NULL */
void
_ci_pg_param_text (CiPgParams *p,
                   const char *text)
{
  param_add (p, text, 0, 0, NULL);
}

void
_ci_pg_param_int (CiPgParams *p,
                  gint64      value)
{
  _ci_pg_param_take (p, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

/* Takes @text (nullable), to free with the params. */
void
_ci_pg_param_take (CiPgParams *p,
                   char       *text)
{
  param_add (p, text, 0, 0, text);
}

/* A reference to another record: 0 (none) is SQL NULL. */
void
_ci_pg_param_id (CiPgParams *p,
                 gint64      id)
{
  if (id > 0)
    _ci_pg_param_int (p, id);
  else
    _ci_pg_param_text (p, NULL);
}

void
_ci_pg_param_bool (CiPgParams *p,
                   gboolean    value)
{
  _ci_pg_param_text (p, value ? "t" : "f");
}

/* Sent in binary, as bytea's raw bytes; %NULL @data is SQL NULL. */
void
_ci_pg_param_bytes (CiPgParams    *p,
                    gconstpointer  data,
                    gsize          len)
{
  g_return_if_fail (len <= G_MAXINT);

  param_add (p, data, (int) len, 1, NULL);
}

gint64
_ci_pg_changes (const PGresult *r)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *) r), NULL, 10);
}

const char *
_ci_pg_peek (const PGresult *r,
             int             row,
             int             col)
{
  return PQgetisnull (r, row, col) ? NULL : PQgetvalue (r, row, col);
}

char *
_ci_pg_text (const PGresult *r,
             int             row,
             int             col)
{
  return g_strdup (_ci_pg_peek (r, row, col));
}

/* NULL reads as 0, as sqlite3_column_int64() has it. */
gint64
_ci_pg_int (const PGresult *r,
            int             row,
            int             col)
{
  const char *v = _ci_pg_peek (r, row, col);

  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}

gboolean
_ci_pg_bool (const PGresult *r,
             int             row,
             int             col)
{
  const char *v = _ci_pg_peek (r, row, col);

  return v != NULL && v[0] == 't';
}

/* Returns: (nullable): the bytes of a bytea column, %NULL for SQL NULL */
GBytes *
_ci_pg_bytes (const PGresult *r,
              int             row,
              int             col)
{
  const char *v = _ci_pg_peek (r, row, col);
  unsigned char *raw;
  size_t len = 0;

  if (v == NULL || (raw = PQunescapeBytea ((const unsigned char *) v, &len)) == NULL)
    return NULL;
  return g_bytes_new_with_free_func (raw, len, PQfreemem, raw);
}

GPtrArray *
_ci_pg_collect (const PGresult *r,
                CiPgRowFunc     from_row)
{
  int n = PQntuples (r);
  GPtrArray *result = g_ptr_array_new_full (n, g_object_unref);

  for (int i = 0; i < n; i++)
    g_ptr_array_add (result, from_row (r, i));
  return result;
}

/* ─── errors ────────────────────────────────────────────────────────────── */

/* @format: the whole sentence, such as _("No zone “%s”"), so that it translates
 * as one */
gboolean
_ci_pg_not_found (GError     **error,
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

static gboolean
connection_error (CiStorePg  *self,
                  GError    **error)
{
  g_autoptr(GString) why = g_string_new (NULL);

  /* libpq's message runs over several indented lines; the desk gets one. */
  for (const char *c = PQerrorMessage (self->conn); *c; c++)
    if (!g_ascii_isspace (*c))
      g_string_append_c (why, *c);
    else if (why->len > 0 && why->str[why->len - 1] != ' ')
      g_string_append_c (why, ' ');
  if (why->len > 0 && why->str[why->len - 1] == ' ')
    g_string_truncate (why, why->len - 1);

  g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
               /* Translators: the first %s is the database, such as “cardissue@db1:5432”;
                * the second is the database library's own explanation, in English. */
               _("Cannot reach the database %s (%s); check the network and that the "
                 "database server is running"), self->display, why->str);
  return FALSE;
}

/* Every failed statement's result passes through here on its way to the
 * caller; the SQLSTATE says what happened. */
gboolean
_ci_pg_error (CiStorePg       *self,
              const PGresult  *r,
              GError         **error)
{
  const char *state = r ? PQresultErrorField (r, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = r ? PQresultErrorField (r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

  if (PQstatus (self->conn) != CONNECTION_OK
      || (state != NULL && (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))))
    return connection_error (self, error);
  if (msg == NULL)
    msg = r ? PQresultErrorMessage (r) : PQerrorMessage (self->conn);
  if (state == NULL)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Database error: %s"), msg);
      return FALSE;
    }
  if (g_str_equal (state, "23505"))
    /* Translators: %s is the database's own description of the conflict, in English. */
    g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS, _("Already recorded (%s)"), msg);
  else if (g_str_equal (state, "23503"))
    g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND,
                         _("A record it refers to does not exist"));
  else if (g_str_has_prefix (state, "23"))
    g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Refused by the database: %s"),
                 msg);
  else if (g_str_equal (state, "55P03") || g_str_equal (state, "40001")
           || g_str_equal (state, "40P01") || g_str_equal (state, "57014"))
    g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_BUSY,
                 _("The database is busy with another desk's work; try again in a moment"));
  else if (g_str_equal (state, "53100"))
    g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                         _("The disk holding the database is full; free some space and retry"));
  else
    g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Database error: %s"), msg);
  return FALSE;
}

static gboolean
result_ok (const PGresult *r)
{
  ExecStatusType status = PQresultStatus (r);

  return r != NULL && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

/* Runs @sql, which holds no values, as it is; for transaction control and the
 * schema. */
static gboolean
exec_simple (CiStorePg   *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(PGresult) r = PQexec (self->conn, sql);

  return result_ok (r) || _ci_pg_error (self, r, error);
}

/* ─── statements ────────────────────────────────────────────────────────── */

static const char *
statement_name (CiStorePg   *self,
                const char  *sql,
                GError     **error)
{
  const char *name = g_hash_table_lookup (self->statements, sql);
  g_autofree char *new_name = NULL;
  g_autoptr(PGresult) r = NULL;

  if (name != NULL)
    return name;
  new_name = g_strdup_printf ("ci_%u", g_hash_table_size (self->statements) + 1);
  r = PQprepare (self->conn, new_name, sql, 0, NULL);
  if (!result_ok (r))
    {
      _ci_pg_error (self, r, error);
      return NULL;
    }
  name = new_name;
  g_hash_table_insert (self->statements, (gpointer) sql, g_steal_pointer (&new_name));
  return name;
}

/* Returns: (transfer full) (nullable): the result, failed or not; %NULL with
 * @error set only when the statement could not be prepared */
static PGresult *
run (CiStorePg         *self,
     const char        *sql,
     const CiPgParams  *p,
     GError           **error)
{
  const char *name = statement_name (self, sql, error);

  if (name == NULL)
    return NULL;
  return PQexecPrepared (self->conn, name, p ? p->n : 0, p ? p->values : NULL,
                         p ? p->lengths : NULL, p ? p->formats : NULL, 0);
}

static gboolean
session_setup (CiStorePg  *self,
               GError    **error)
{
  const char *encoding = PQparameterStatus (self->conn, "server_encoding");

  /* Names are compared and range-searched as UTF-8 bytes (ci_search_key()). */
  if (g_strcmp0 (encoding, "UTF8") != 0)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED,
                   /* Translators: %s is the database, such as “cardissue@db1:5432”. */
                   _("The database %s does not use the UTF8 encoding; have it created "
                     "with ENCODING 'UTF8'"), self->display);
      return FALSE;
    }
  g_hash_table_remove_all (self->statements);
  return exec_simple (self, "SET lock_timeout = '5s'", error);
}

/* Outside a transaction, opens a broken connection again; inside one, the
 * transaction is lost with the connection, and so is the call. */
static gboolean
ensure_connected (CiStorePg  *self,
                  GError    **error)
{
  if (PQstatus (self->conn) == CONNECTION_OK)
    return TRUE;
  if (self->in_transaction)
    return connection_error (self, error);
  g_debug ("Connecting to %s again", self->display);
  PQreset (self->conn);
  if (PQstatus (self->conn) != CONNECTION_OK)
    return connection_error (self, error);
  return session_setup (self, error);
}

/* libpq learns that the server went away (a restart, a crash) only when it
 * next uses the connection, so after a desk was idle the first call fails
 * although the server may be back. Outside a transaction that call did
 * nothing yet: if it found the connection broken, it is opened again here
 * and the caller runs the call once more (which fails too if the server is
 * still down). */
static gboolean
reconnected (CiStorePg *self,
             gboolean   was_connected)
{
  return was_connected && !self->in_transaction && PQstatus (self->conn) != CONNECTION_OK
         && ensure_connected (self, NULL);
}

/* BEGIN, with the writers' lock, outside a transaction. */
static gboolean
begin_write (CiStorePg   *self,
             const char  *sql,
             GError     **error)
{
  gboolean was_connected = PQstatus (self->conn) == CONNECTION_OK;
  g_autoptr(GError) local_error = NULL;

  if (!ensure_connected (self, error))
    return FALSE;
  if (exec_simple (self, sql, &local_error))
    return TRUE;
  if (reconnected (self, was_connected))
    return exec_simple (self, sql, error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * _ci_pg_query:
 * @self: the store
 * @sql: a statement that changes nothing, with $1… for the values of @p
 * @p: (nullable): the values
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
PGresult *
_ci_pg_query (CiStorePg         *self,
              const char        *sql,
              const CiPgParams  *p,
              GError           **error)
{
  gboolean was_connected = PQstatus (self->conn) == CONNECTION_OK;
  g_autoptr(GError) local_error = NULL;
  PGresult *r;

  if (!ensure_connected (self, error))
    return NULL;
  r = run (self, sql, p, &local_error);
  if (!result_ok (r) && reconnected (self, was_connected))
    {
      g_clear_pointer (&r, PQclear);
      g_clear_error (&local_error);
      r = run (self, sql, p, &local_error);
    }
  if (r == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!result_ok (r))
    {
      _ci_pg_error (self, r, error);
      PQclear (r);
      return NULL;
    }
  return r;
}

/* A failed COMMIT, or one that PostgreSQL turned into a ROLLBACK because the
 * transaction had failed, is an error: nothing was saved. */
static gboolean
commit_now (CiStorePg  *self,
            GError    **error)
{
  g_autoptr(PGresult) r = NULL;

  if (PQtransactionStatus (self->conn) == PQTRANS_INERROR)
    {
      exec_simple (self, "ROLLBACK", NULL);
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Database error: %s"),
                   "a statement of the transaction failed, so nothing was saved");
      return FALSE;
    }
  r = PQexec (self->conn, "COMMIT");
  if (!result_ok (r))
    {
      _ci_pg_error (self, r, error);
      if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
        exec_simple (self, "ROLLBACK", NULL);
      return FALSE;
    }
  if (!g_str_equal (PQcmdStatus (r), "COMMIT"))
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_FAILED, _("Database error: %s"),
                   "the transaction was rolled back");
      return FALSE;
    }
  return TRUE;
}

static void
rollback_now (CiStorePg *self)
{
  if (PQstatus (self->conn) == CONNECTION_OK && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    exec_simple (self, "ROLLBACK", NULL);
}

/* Inside the caller's transaction: a savepoint around the statement, so that
 * its failure leaves the transaction as it was. */
static PGresult *
change_in_transaction (CiStorePg         *self,
                       const char        *sql,
                       const CiPgParams  *p,
                       GError           **error)
{
  PGresult *r;

  if (!exec_simple (self, "SAVEPOINT ci_change", error))
    return NULL;
  r = run (self, sql, p, error);
  if (result_ok (r) && exec_simple (self, "RELEASE SAVEPOINT ci_change", error))
    return r;
  exec_simple (self, "ROLLBACK TO SAVEPOINT ci_change", NULL);
  return r;
}

/* Outside a transaction: one of its own, holding the writers' lock. */
static PGresult *
change_alone (CiStorePg         *self,
              const char        *sql,
              const CiPgParams  *p,
              GError           **error)
{
  PGresult *r;

  if (!begin_write (self, BEGIN_WRITE, error))
    {
      rollback_now (self);
      return NULL;
    }
  r = run (self, sql, p, error);
  if (!result_ok (r))
    rollback_now (self);
  else if (!commit_now (self, error))
    g_clear_pointer (&r, PQclear);
  return r;
}

/**
 * _ci_pg_change:
 * @self: the store
 * @sql: a statement that changes rows, with $1… for the values of @p
 * @p: (nullable): the values
 * @exists_message: (nullable): what to say if a UNIQUE key is taken already
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Runs @sql as a writer: in the open transaction, or else in one of its own.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
PGresult *
_ci_pg_change (CiStorePg         *self,
               const char        *sql,
               const CiPgParams  *p,
               const char        *exists_message,
               GError           **error)
{
  GError *local_error = NULL;
  PGresult *r = self->in_transaction ? change_in_transaction (self, sql, p, &local_error)
                                     : change_alone (self, sql, p, &local_error);

  if (r != NULL && local_error == NULL && result_ok (r))
    return r;
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (exists_message != NULL
           && g_strcmp0 (PQresultErrorField (r, PG_DIAG_SQLSTATE), "23505") == 0)
    g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS, exists_message);
  else
    _ci_pg_error (self, r, error);
  g_clear_pointer (&r, PQclear);
  return NULL;
}

/**
 * _ci_pg_get_one:
 * @self: the store
 * @sql: a statement that returns at most one row
 * @p: (nullable): its values
 * @from_row: turns the row into an object
 * @missing: what to say if there is no such row, such as "No zone “HQ”"
 * @error: return location for a #CI_STORE_ERROR_NOT_FOUND error
 *
 * Returns: (transfer full) (nullable): the object, or %NULL with @error set
 */
gpointer
_ci_pg_get_one (CiStorePg         *self,
                const char        *sql,
                const CiPgParams  *p,
                CiPgRowFunc        from_row,
                const char        *missing,
                GError           **error)
{
  g_autoptr(PGresult) r = _ci_pg_query (self, sql, p, error);

  if (r == NULL)
    return NULL;
  if (PQntuples (r) == 0)
    {
      _ci_pg_not_found (error, "%s", missing);
      return NULL;
    }
  return from_row (r, 0);
}

/**
 * ci_store_pg_describe:
 * @conninfo: a libpq connection string or URI
 *
 * Returns: (transfer full): @conninfo as a `postgresql://user@host:port/db`
 *   URI to show or log, without its password or other options; %NULL if
 *   libpq cannot read it
 */
char *
ci_store_pg_describe (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  const char *user = NULL, *host = NULL, *port = NULL, *dbname = NULL;
  GString *out;

  if (options == NULL)
    return NULL;
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || *o->val == '\0')
        continue;
      if (g_str_equal (o->keyword, "user"))
        user = o->val;
      else if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
    }
  out = g_string_new ("postgresql://");
  if (user)
    g_string_append_printf (out, "%s@", user);
  /* A socket directory is a path: it can't be the URI's host. */
  if (host && *host != '/')
    g_string_append (out, host);
  if (port)
    g_string_append_printf (out, ":%s", port);
  if (dbname)
    g_string_append_printf (out, "/%s", dbname);
  if (host && *host == '/')
    g_string_append_printf (out, "?host=%s", host);
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

/* ─── migrations ─────────────────────────────────────────────────────────── */

/* The SQLite schema at version 3, in PostgreSQL's types. Text that is sorted or
 * range-searched compares as bytes (COLLATE "C"), as SQLite compares it, so the
 * search and the orders are the same on both backends whatever the database's
 * locale. Card serials come from the identity column's sequence, which hands a
 * number out once, to whichever desk asks. */
static const char schema_v3[] =
  "CREATE TABLE schema_version (version integer NOT NULL);"
  "INSERT INTO schema_version VALUES (0);"
  "CREATE TABLE setting (key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL);"
  "CREATE TABLE employee ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  number text COLLATE \"C\" NOT NULL UNIQUE,"
  "  given_name text NOT NULL,"
  "  family_name text NOT NULL,"
  "  department text, job_title text, email text, photo bytea,"
  "  valid_from text NOT NULL, valid_until text NOT NULL,"
  "  status integer NOT NULL DEFAULT 0,"
  "  version bigint NOT NULL DEFAULT 1,"
  "  updated_at bigint NOT NULL,"
  "  given_key text COLLATE \"C\" NOT NULL DEFAULT '',"
  "  family_key text COLLATE \"C\" NOT NULL DEFAULT '');"
  "CREATE TABLE zone ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  parent_id bigint REFERENCES zone(id),"
  "  kind integer NOT NULL,"
  "  code text COLLATE \"C\" NOT NULL UNIQUE,"
  "  name text NOT NULL,"
  "  security_level integer NOT NULL,"
  "  hr_may_grant boolean NOT NULL,"
  "  time_zone text);"
  "CREATE TABLE schedule ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  name text COLLATE \"C\" NOT NULL UNIQUE,"
  "  rules text NOT NULL);"
  "CREATE TABLE zone_grant ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  employee_id bigint NOT NULL REFERENCES employee(id),"
  "  zone_id bigint NOT NULL REFERENCES zone(id),"
  "  schedule_id bigint REFERENCES schedule(id),"
  "  expires text,"
  "  granted_by text NOT NULL,"
  "  granted_at bigint NOT NULL,"
  "  UNIQUE (employee_id, zone_id));"
  "CREATE TABLE card ("
  "  serial bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  employee_id bigint NOT NULL REFERENCES employee(id),"
  "  sequence integer NOT NULL,"
  "  state integer NOT NULL,"
  "  state_changed_at bigint NOT NULL,"
  "  created_at bigint NOT NULL,"
  "  valid_until text,"
  "  reason text,"
  "  replaces bigint REFERENCES card(serial),"
  "  face_code text NOT NULL DEFAULT '',"
  "  UNIQUE (employee_id, sequence));"
  "CREATE TABLE card_transition ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  serial bigint NOT NULL REFERENCES card(serial),"
  "  from_state integer,"
  "  to_state integer NOT NULL,"
  "  at bigint NOT NULL,"
  "  reason text);"
  "CREATE TABLE operator ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  login text COLLATE \"C\" NOT NULL UNIQUE,"
  "  display_name text NOT NULL,"
  "  roles integer NOT NULL,"
  "  password_hash text NOT NULL,"
  "  failed_attempts integer NOT NULL DEFAULT 0,"
  "  locked_until bigint NOT NULL DEFAULT 0,"
  "  active boolean NOT NULL DEFAULT true);"
  "CREATE TABLE audit ("
  "  seq bigint PRIMARY KEY,"
  "  time_us bigint NOT NULL,"
  "  desk text NOT NULL,"
  "  operator text COLLATE \"C\" NOT NULL,"
  "  action text COLLATE \"C\" NOT NULL,"
  "  subject_type text NOT NULL,"
  "  subject_id text COLLATE \"C\" NOT NULL,"
  "  outcome integer NOT NULL,"
  "  reason text COLLATE \"C\" NOT NULL,"
  "  details text COLLATE \"C\" NOT NULL,"
  "  duration_us bigint NOT NULL,"
  "  prev_hash bytea NOT NULL,"
  "  hash bytea NOT NULL);"
  "CREATE TABLE audit_checkpoint ("
  "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
  "  seq bigint NOT NULL,"
  "  head_hash bytea NOT NULL,"
  "  time_us bigint NOT NULL,"
  "  desk text NOT NULL,"
  "  key_id text NOT NULL,"
  "  signature bytea NOT NULL);"
  "CREATE TABLE role_permission ("
  "  role integer NOT NULL,"
  "  action text COLLATE \"C\" NOT NULL,"
  "  scope integer NOT NULL,"
  "  PRIMARY KEY (role, action));"
  "CREATE INDEX employee_given_key ON employee(given_key, family_key);"
  "CREATE INDEX employee_family_key ON employee(family_key, given_key);"
  "CREATE INDEX card_employee ON card(employee_id);"
  "CREATE INDEX grant_zone ON zone_grant(zone_id);"
  "CREATE INDEX audit_operator ON audit(operator, seq);"
  /* The card's history, written by the database so it never disagrees with the card. */
  "CREATE FUNCTION card_record_transition() RETURNS trigger LANGUAGE plpgsql AS $$"
  "  BEGIN"
  "    INSERT INTO card_transition (serial, from_state, to_state, at, reason)"
  "    VALUES (NEW.serial, CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END, NEW.state,"
  "            NEW.state_changed_at, NEW.reason);"
  "    RETURN NULL;"
  "  END $$;"
  "CREATE TRIGGER card_created AFTER INSERT ON card"
  "  FOR EACH ROW EXECUTE FUNCTION card_record_transition();"
  "CREATE TRIGGER card_state_changed AFTER UPDATE OF state ON card"
  "  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)"
  "  EXECUTE FUNCTION card_record_transition();";

/* v4, as SQLite's: the desk that made each card's latest change. */
static const char schema_v4[] =
  "ALTER TABLE card ADD COLUMN desk text NOT NULL DEFAULT '';";

/* PostgreSQL databases begin at version 3; a later version adds its step here,
 * as the SQLite backend adds one to its list. */
static const struct
{
  int         version;
  const char *sql;
} migrations[] = {
  { 3, schema_v3 },
  { 4, schema_v4 },
};

/* Returns: the schema version, 0 for an empty database, -1 on error */
static int
read_version (CiStorePg  *self,
              GError    **error)
{
  g_autoptr(PGresult) exists = PQexec (self->conn,
                                       "SELECT to_regclass('schema_version') IS NOT NULL");
  g_autoptr(PGresult) r = NULL;

  if (!result_ok (exists))
    {
      _ci_pg_error (self, exists, error);
      return -1;
    }
  if (!_ci_pg_bool (exists, 0, 0))
    return 0;
  r = PQexec (self->conn, "SELECT max(version) FROM schema_version");
  if (!result_ok (r))
    {
      _ci_pg_error (self, r, error);
      return -1;
    }
  return (int) _ci_pg_int (r, 0, 0);
}

static gboolean
set_version (CiStorePg  *self,
             int         version,
             GError    **error)
{
  g_autofree char *text = g_strdup_printf ("%d", version);
  const char *values[] = { text };
  g_autoptr(PGresult) r = PQexecParams (self->conn,
                                        "UPDATE schema_version SET version = $1::integer", 1,
                                        NULL, values, NULL, NULL, 0);

  return result_ok (r) || _ci_pg_error (self, r, error);
}

/* One step, under the writers' lock: a second desk opening the database at
 * the same time waits, then finds the step done. */
static gboolean
migrate_step (CiStorePg  *self,
              int         version,
              const char *sql,
              GError    **error)
{
  int current;

  if (!exec_simple (self, BEGIN_WRITE, error))
    {
      rollback_now (self);
      return FALSE;
    }
  if ((current = read_version (self, error)) < 0)
    {
      rollback_now (self);
      return FALSE;
    }
  if (current < version
      && (!exec_simple (self, sql, error) || !set_version (self, version, error)))
    {
      rollback_now (self);
      g_prefix_error (error, _("Could not update the database to schema %d: "), version);
      return FALSE;
    }
  if (!commit_now (self, error))
    return FALSE;
  if (current < version)
    g_debug ("Database %s migrated to schema %d", self->display, version);
  return TRUE;
}

static gboolean
migrate (CiStorePg  *self,
         int         target,
         GError    **error)
{
  int current = read_version (self, error);

  if (current < 0)
    return FALSE;
  if (current > CI_STORE_PG_SCHEMA_VERSION)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_SCHEMA,
                   _("The database %s was written by a newer CardIssue (schema %d; this one "
                     "knows up to %d): update CardIssue on this desk"), self->display, current,
                   CI_STORE_PG_SCHEMA_VERSION);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    if (migrations[i].version > current && migrations[i].version <= target
        && !migrate_step (self, migrations[i].version, migrations[i].sql, error))
      return FALSE;
  return TRUE;
}

static void
log_notice (void       *data,
            const char *message)
{
  int len = (int) strlen (message);

  while (len > 0 && g_ascii_isspace (message[len - 1]))
    len--;
  g_debug ("PostgreSQL: %.*s", len, message);
}

static gboolean
open_db (CiStorePg  *self,
         int         target_version,
         GError    **error)
{
  /* Defaults first, so that the caller's connection string overrides them;
   * the client encoding last, as every text here is UTF-8. */
  const char * const keywords[] = { "connect_timeout", "fallback_application_name", "dbname",
                                    "client_encoding", NULL };
  const char * const values[] = { "10", "cardissue", self->conninfo, "UTF8", NULL };
  const char *host;

  self->conn = PQconnectdbParams (keywords, values, TRUE);
  if (self->conn == NULL)
    g_error ("Out of memory");
  host = PQhost (self->conn);
  self->display = g_strdup_printf ("%s@%s:%s", PQdb (self->conn) ? PQdb (self->conn) : "",
                                   host && *host ? host : "localhost",
                                   PQport (self->conn) ? PQport (self->conn) : "");
  PQsetNoticeProcessor (self->conn, log_notice, NULL);
  if (PQstatus (self->conn) != CONNECTION_OK)
    return connection_error (self, error);
  return session_setup (self, error) && migrate (self, target_version, error);
}

/* ─── transactions and settings ─────────────────────────────────────────── */

static gboolean
begin (CiStorePg  *self,
       gboolean    lazy,
       GError    **error)
{
  g_rec_mutex_lock (&self->lock);
  g_return_val_if_fail (!self->in_transaction, (g_rec_mutex_unlock (&self->lock), FALSE));
  if (!begin_write (self, lazy ? BEGIN_LAZY : BEGIN_WRITE, error))
    {
      rollback_now (self);
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
pg_begin (CiStore  *store,
          GError  **error)
{
  return begin (PG (store), FALSE, error);
}

static gboolean
pg_begin_lazy (CiStore  *store,
               GError  **error)
{
  return begin (PG (store), TRUE, error);
}

static gboolean
pg_commit (CiStore  *store,
           GError  **error)
{
  CiStorePg *self = PG (store);
  gboolean ok;

  g_return_val_if_fail (self->in_transaction, FALSE);
  ok = commit_now (self, error);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

static void
pg_rollback (CiStore *store)
{
  CiStorePg *self = PG (store);

  g_return_if_fail (self->in_transaction);
  rollback_now (self);
  self->in_transaction = FALSE;
  g_rec_mutex_unlock (&self->lock);
}

static int
pg_schema_version (CiStore *store)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);

  if (!ensure_connected (self, NULL))
    return -1;
  return read_version (self, NULL);
}

static char *
pg_get_setting (CiStore    *store,
                const char *key)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_text (&p, key);
  r = _ci_pg_query (self, "SELECT value FROM setting WHERE key = $1::text", &p, NULL);
  return r && PQntuples (r) > 0 ? _ci_pg_text (r, 0, 0) : NULL;
}

static gboolean
pg_set_setting (CiStore     *store,
                const char  *key,
                const char  *value,
                GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_text (&p, key);
  _ci_pg_param_text (&p, value);
  r = _ci_pg_change (self, "INSERT INTO setting (key, value) VALUES ($1::text, $2::text)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     &p, NULL, error);
  return r != NULL;
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
ci_store_pg_finalize (GObject *object)
{
  CiStorePg *self = (CiStorePg *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->conn, PQfinish);
  g_rec_mutex_clear (&self->lock);
  g_clear_pointer (&self->conninfo, g_free);
  g_clear_pointer (&self->display, g_free);

  G_OBJECT_CLASS (ci_store_pg_parent_class)->finalize (object);
}

static void
ci_store_pg_class_init (CiStorePgClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CiStoreClass *store_class = CI_STORE_CLASS (klass);

  object_class->finalize = ci_store_pg_finalize;

  store_class->begin = pg_begin;
  store_class->begin_lazy = pg_begin_lazy;
  store_class->commit = pg_commit;
  store_class->rollback = pg_rollback;
  store_class->schema_version = pg_schema_version;
  store_class->get_setting = pg_get_setting;
  store_class->set_setting = pg_set_setting;
  _ci_store_pg_people_class_init (store_class);
  _ci_store_pg_access_class_init (store_class);
  _ci_store_pg_audit_class_init (store_class);
}

static void
ci_store_pg_init (CiStorePg *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

CiStore *
_ci_store_pg_new_at_version (const char  *conninfo,
                             int          version,
                             GError     **error)
{
  g_autoptr(CiStorePg) self = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= CI_STORE_PG_SCHEMA_VERSION, NULL);

  self = g_object_new (CI_TYPE_STORE_PG, NULL);
  self->conninfo = g_strdup (conninfo);
  if (!open_db (self, version, error))
    return NULL;
  return CI_STORE (g_steal_pointer (&self));
}

/**
 * ci_store_pg_new:
 * @conninfo: a libpq connection string: a URI such as
 *   `postgresql://desk@db.example.com/cardissue`, or `host=… dbname=…`
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Connects to a PostgreSQL database that several desks share and brings its
 * schema up to date (creating it in an empty database).
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
CiStore *
ci_store_pg_new (const char  *conninfo,
                 GError     **error)
{
  return _ci_store_pg_new_at_version (conninfo, CI_STORE_PG_SCHEMA_VERSION, error);
}
