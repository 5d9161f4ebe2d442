/* ci-store-sqlite-people.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-sqlite-private.h"
#include "ci-store-private.h"
#include "model/ci-model.h"

#include <string.h>

/* Employees (with the name search), operators and the role matrix. */

/* ─── employees ─────────────────────────────────────────────────────────── */

#define EMPLOYEE_COLUMNS \
  "id, number, given_name, family_name, department, job_title, email, valid_from, " \
  "valid_until, status, version"

static CiEmployee *
employee_from_row (sqlite3_stmt *s)
{
  CiEmployee *e = ci_employee_new ();
  g_autofree char *number = _ci_sqlite_col_text (s, 1), *given = _ci_sqlite_col_text (s, 2);
  g_autofree char *family = _ci_sqlite_col_text (s, 3);
  g_autofree char *dept = _ci_sqlite_col_text (s, 4), *title = _ci_sqlite_col_text (s, 5);
  g_autofree char *email = _ci_sqlite_col_text (s, 6);
  g_autofree char *from = _ci_sqlite_col_text (s, 7), *until = _ci_sqlite_col_text (s, 8);

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

  _ci_sqlite_bind_text (s, 1, ci_employee_get_number (e));
  _ci_sqlite_bind_text (s, 2, ci_employee_get_given_name (e));
  _ci_sqlite_bind_text (s, 3, ci_employee_get_family_name (e));
  _ci_sqlite_bind_text (s, 4, ci_employee_get_department (e));
  _ci_sqlite_bind_text (s, 5, ci_employee_get_job_title (e));
  _ci_sqlite_bind_text (s, 6, ci_employee_get_email (e));
  if (photo)
    sqlite3_bind_blob64 (s, 7, g_bytes_get_data (photo, NULL), g_bytes_get_size (photo),
                         SQLITE_TRANSIENT);
  _ci_sqlite_bind_text (s, 8, ci_employee_get_valid_from (e));
  _ci_sqlite_bind_text (s, 9, ci_employee_get_valid_until (e));
  sqlite3_bind_int (s, 10, ci_employee_get_status (e));
  _ci_sqlite_bind_text (s, 11, given_key);
  _ci_sqlite_bind_text (s, 12, family_key);
  sqlite3_bind_int64 (s, 13, g_get_real_time ());
}

static gboolean
sqlite_employee_insert (CiStore     *store,
                        CiEmployee  *employee,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self,
    "INSERT INTO employee (number, given_name, family_name, department, job_title, email, "
    "photo, valid_from, valid_until, status, given_key, family_key, updated_at, version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)", error);
  g_autofree char *taken = NULL;
  gint64 id;

  if (s == NULL)
    return FALSE;
  bind_employee (s, employee);
  taken = g_strdup_printf (_("Employee number %s is already taken"),
                           ci_employee_get_number (employee));
  if (!(id = _ci_sqlite_insert (self, s, taken, error)))
    return FALSE;
  ci_employee_set_id (employee, id);
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
  sqlite3_stmt *s = _ci_sqlite_stmt (self,
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
                   _("Employee number %s is already taken"), ci_employee_get_number (employee));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _ci_sqlite_error (self, rc, error);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   _("Employee %s was changed by someone else since you opened it; "
                     "reload it and make your change again"), ci_employee_get_number (employee));
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
    ? _ci_sqlite_stmt (self, "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee"
                             " WHERE number = ?", error)
    : _ci_sqlite_stmt (self, "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee"
                             " WHERE id = ?", error);
  CiEmployee *e = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  if (number)
    _ci_sqlite_bind_text (s, 1, number);
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
      g_autofree char *key = number ? g_strdup (number)
                                    : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
      _ci_sqlite_not_found (error, _("No employee “%s”"), key);
    }
  else
    _ci_sqlite_error (self, rc, error);
  sqlite3_reset (s);
  return e;
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
  " ORDER BY number LIMIT ?5";
static const char search_all[] =
  SEARCH_SELECT "'' FROM employee ORDER BY family_key, given_key, id LIMIT ?5 OFFSET ?6";

static gboolean
search_branch (CiStoreSqlite  *self,
               const char     *sql,
               const char     *first,
               const char     *second,
               gint64          n,
               GArray         *hits,
               GError        **error)
{
  sqlite3_stmt *s = _ci_sqlite_stmt (self, sql, error);
  g_autofree char *first_end = _ci_search_prefix_end (first);
  g_autofree char *second_end = _ci_search_prefix_end (second);
  int rc;

  if (s == NULL)
    return FALSE;
  _ci_sqlite_bind_text (s, 1, first);
  _ci_sqlite_bind_text (s, 2, first_end);
  /* The number branch does not use ?3 and ?4; its slots exist all the same,
   * because SQLite numbers slots up to the highest index in the statement (?5). */
  _ci_sqlite_bind_text (s, 3, second);
  _ci_sqlite_bind_text (s, 4, second_end);
  sqlite3_bind_int64 (s, 5, n);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CiSearchHit hit = { employee_from_row (s), _ci_sqlite_col_text (s, 11) };
      g_array_append_val (hits, hit);
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
}

/* Orders the hits of all branches by the key each matched on and drops the
 * second sighting of an employee two branches found. */
static GPtrArray *
sqlite_employee_search (CiStore     *store,
                        const char  *query,
                        guint        offset,
                        guint        limit,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  g_autofree char *number = g_strstrip (g_strdup (query ? query : ""));
  g_autoptr(GPtrArray) w = _ci_search_words (query);
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (CiSearchHit));
  gint64 n = limit ? (gint64) offset + limit : -1;
  gboolean ok;

  g_array_set_clear_func (hits, _ci_search_hit_clear);
  if (w->len == 0)
    {
      sqlite3_stmt *s = _ci_sqlite_stmt (self, search_all, error);
      if (s == NULL)
        return NULL;
      sqlite3_bind_int64 (s, 5, limit ? (gint64) limit : -1);
      sqlite3_bind_int64 (s, 6, offset);
      return _ci_sqlite_collect (self, s, (CiRowFunc) employee_from_row, error);
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
  return _ci_search_merge_hits (hits, offset, limit);
}

/* The same rules as the search, as one statement per number of words and
 * order, selecting only the id. With no words the ORDER BY walks an index
 * (employee_family_key, or number's UNIQUE index): no sort at all. With words,
 * by name, each OR branch is a range scan of an index that holds the sort keys
 * too, and only the matches are sorted. By number, each match's row must be
 * read for its number; going through IN reads them in rowid order, each table
 * page once, not once per match as the OR's index order would. */
#define MATCH_ORDERS(by_name, by_number) \
  { \
    by_name " ORDER BY family_key, given_key, id", \
    by_name " ORDER BY family_key DESC, given_key DESC, id DESC", \
    by_number " ORDER BY number", \
    by_number " ORDER BY number DESC", \
  }
#define MATCH_ONE_FAMILY "family_key >= ?1 AND family_key < ?2"
#define MATCH_ONE_GIVEN "given_key >= ?1 AND given_key < ?2"
#define MATCH_ONE_NUMBER "number >= ?3 AND number < ?4"
/* "anna mül" and "müller anna": ?1 is the last word, ?3 the first. */
#define MATCH_TWO_LAST_FAMILY \
  "family_key >= ?1 AND family_key < ?2 AND given_key >= ?3 AND given_key < ?4"
#define MATCH_TWO_FIRST_FAMILY \
  "family_key >= ?3 AND family_key < ?4 AND given_key >= ?1 AND given_key < ?2"

static const char * const match_all[] = MATCH_ORDERS ("SELECT id FROM employee",
                                                      "SELECT id FROM employee");
static const char * const match_one[] = MATCH_ORDERS (
  "SELECT id FROM employee WHERE (" MATCH_ONE_FAMILY ") OR (" MATCH_ONE_GIVEN ")"
  " OR (" MATCH_ONE_NUMBER ")",
  "SELECT id FROM employee WHERE id IN (SELECT id FROM employee WHERE " MATCH_ONE_FAMILY
  " UNION ALL SELECT id FROM employee WHERE " MATCH_ONE_GIVEN
  " UNION ALL SELECT id FROM employee WHERE " MATCH_ONE_NUMBER ")");
static const char * const match_two[] = MATCH_ORDERS (
  "SELECT id FROM employee WHERE (" MATCH_TWO_LAST_FAMILY ") OR (" MATCH_TWO_FIRST_FAMILY ")",
  "SELECT id FROM employee WHERE id IN (SELECT id FROM employee WHERE " MATCH_TWO_LAST_FAMILY
  " UNION ALL SELECT id FROM employee WHERE " MATCH_TWO_FIRST_FAMILY ")");

/* Binds @prefix as parameter @i and its upper bound as @i + 1. */
static void
bind_prefix (sqlite3_stmt *s,
             int           i,
             const char   *prefix)
{
  g_autofree char *end = _ci_search_prefix_end (prefix);

  _ci_sqlite_bind_text (s, i, prefix);
  _ci_sqlite_bind_text (s, i + 1, end);
}

static GArray *
collect_ids (CiStoreSqlite  *self,
             sqlite3_stmt   *s,
             GError        **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (s, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      _ci_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static GArray *
sqlite_employee_match (CiStore          *store,
                       const char       *query,
                       CiEmployeeOrder   order,
                       GError          **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  g_autofree char *number = g_strstrip (g_strdup (query ? query : ""));
  g_autoptr(GPtrArray) w = _ci_search_words (query);
  const char * const *sql = w->len == 0 ? match_all : w->len == 1 ? match_one : match_two;
  sqlite3_stmt *s = _ci_sqlite_stmt (self, sql[order], error);

  if (s == NULL)
    return NULL;
  if (w->len == 1)
    {
      bind_prefix (s, 1, w->pdata[0]);
      bind_prefix (s, 3, number);
    }
  else if (w->len > 1)
    {
      bind_prefix (s, 1, w->pdata[w->len - 1]);
      bind_prefix (s, 3, w->pdata[0]);
    }
  return collect_ids (self, s, error);
}

/* One prepared lookup per id keeps the order of @ids for free; a page of 200
 * rows takes about a millisecond with 100,000 employees. */
static GPtrArray *
sqlite_employee_get_many (CiStore       *store,
                          const gint64  *ids,
                          guint          n_ids,
                          GError       **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "SELECT " EMPLOYEE_COLUMNS " FROM employee"
                                           " WHERE id = ?", error);
  g_autoptr(GPtrArray) result = NULL;

  if (s == NULL)
    return NULL;
  result = g_ptr_array_new_full (n_ids, g_object_unref);
  for (guint i = 0; i < n_ids; i++)
    {
      int rc;

      sqlite3_bind_int64 (s, 1, ids[i]);
      rc = sqlite3_step (s);
      if (rc == SQLITE_ROW)
        g_ptr_array_add (result, employee_from_row (s));
      sqlite3_reset (s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _ci_sqlite_error (self, rc, error);
          return NULL;
        }
    }
  return g_steal_pointer (&result);
}

static gint64
count_rows (CiStoreSqlite  *self,
            const char     *sql,
            GError        **error)
{
  sqlite3_stmt *s = _ci_sqlite_stmt (self, sql, error);
  gint64 n = -1;
  int rc;

  if (s == NULL)
    return -1;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (s, 0);
  else
    _ci_sqlite_error (self, rc, error);
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
/* ─── operators and the role matrix ─────────────────────────────────────── */

#define OPERATOR_COLUMNS \
  "id, login, display_name, roles, password_hash, failed_attempts, locked_until, active"

static CiOperator *
operator_from_row (sqlite3_stmt *s)
{
  CiOperator *op = ci_operator_new ();
  g_autofree char *login = _ci_sqlite_col_text (s, 1), *name = _ci_sqlite_col_text (s, 2);
  g_autofree char *hash = _ci_sqlite_col_text (s, 4);

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
  _ci_sqlite_bind_text (s, 1, ci_operator_get_login (op));
  _ci_sqlite_bind_text (s, 2, ci_operator_get_display_name (op));
  sqlite3_bind_int (s, 3, ci_operator_get_roles (op));
  _ci_sqlite_bind_text (s, 4, ci_operator_get_password_hash (op));
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
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO operator (login, display_name, roles, password_hash,"
                             " failed_attempts, locked_until, active)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  g_autofree char *taken = NULL;
  gint64 id;

  if (s == NULL)
    return FALSE;
  bind_operator (s, op);
  taken = g_strdup_printf (_("Login %s is already taken"), ci_operator_get_login (op));
  if (!(id = _ci_sqlite_insert (self, s, taken, error)))
    return FALSE;
  ci_operator_set_id (op, id);
  return TRUE;
}

static gboolean
sqlite_operator_update (CiStore     *store,
                        CiOperator  *op,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "UPDATE operator SET login = ?1, display_name = ?2, roles = ?3,"
                             " password_hash = ?4, failed_attempts = ?5, locked_until = ?6,"
                             " active = ?7 WHERE id = ?8", error);

  if (s == NULL)
    return FALSE;
  bind_operator (s, op);
  sqlite3_bind_int64 (s, 8, ci_operator_get_id (op));
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  return sqlite3_changes (self->db) > 0
         || _ci_sqlite_not_found (error, _("No operator “%s”"), ci_operator_get_login (op));
}

static CiOperator *
sqlite_operator_get (CiStore     *store,
                     const char  *login,
                     GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT " OPERATOR_COLUMNS " FROM operator WHERE login = ?", error);
  g_autofree char *missing = g_strdup_printf (_("No operator “%s”"), login);

  if (s == NULL)
    return NULL;
  _ci_sqlite_bind_text (s, 1, login);
  return _ci_sqlite_get_one (self, s, (CiRowFunc) operator_from_row, missing, error);
}

static GPtrArray *
sqlite_operator_list (CiStore  *store,
                      GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT " OPERATOR_COLUMNS " FROM operator ORDER BY login", error);

  return s ? _ci_sqlite_collect (self, s, (CiRowFunc) operator_from_row, error) : NULL;
}

static gboolean
sqlite_policy_load (CiStore   *store,
                    CiPolicy  *policy,
                    GError   **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT role, action, scope FROM role_permission", error);
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
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
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
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO role_permission (role, action, scope) VALUES (?, ?, ?)"
                             " ON CONFLICT (role, action) DO UPDATE SET scope = excluded.scope",
                       error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int (s, 1, role);
  _ci_sqlite_bind_text (s, 2, ci_action_to_string (action));
  sqlite3_bind_int (s, 3, scope);
  return _ci_sqlite_step_done (self, s, error);
}

void
_ci_store_sqlite_people_class_init (CiStoreClass *store_class)
{
  store_class->employee_insert = sqlite_employee_insert;
  store_class->employee_update = sqlite_employee_update;
  store_class->employee_get = sqlite_employee_get;
  store_class->employee_search = sqlite_employee_search;
  store_class->employee_count = sqlite_employee_count;
  store_class->employee_match = sqlite_employee_match;
  store_class->employee_get_many = sqlite_employee_get_many;
  store_class->operator_insert = sqlite_operator_insert;
  store_class->operator_update = sqlite_operator_update;
  store_class->operator_get = sqlite_operator_get;
  store_class->operator_list = sqlite_operator_list;
  store_class->policy_load = sqlite_policy_load;
  store_class->policy_save = sqlite_policy_save;
}
