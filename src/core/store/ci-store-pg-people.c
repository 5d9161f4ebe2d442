/* ci-store-pg-people.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-pg-private.h"
#include "ci-store-private.h"
#include "model/ci-model.h"

#include <string.h>

/* Employees (with the name search), operators and the role matrix, on
 * PostgreSQL; the same rules as ci-store-sqlite-people.c. */

/* ─── employees ─────────────────────────────────────────────────────────── */

#define EMPLOYEE_COLUMNS \
  "id, number, given_name, family_name, department, job_title, email, valid_from, " \
  "valid_until, status, version"

static CiEmployee *
employee_from_row (const PGresult *r,
                   int             row)
{
  CiEmployee *e = ci_employee_new ();

  ci_employee_set_id (e, _ci_pg_int (r, row, 0));
  ci_employee_set_number (e, _ci_pg_peek (r, row, 1));
  ci_employee_set_given_name (e, _ci_pg_peek (r, row, 2));
  ci_employee_set_family_name (e, _ci_pg_peek (r, row, 3));
  ci_employee_set_department (e, _ci_pg_peek (r, row, 4));
  ci_employee_set_job_title (e, _ci_pg_peek (r, row, 5));
  ci_employee_set_email (e, _ci_pg_peek (r, row, 6));
  ci_employee_set_valid_from (e, _ci_pg_peek (r, row, 7));
  ci_employee_set_valid_until (e, _ci_pg_peek (r, row, 8));
  ci_employee_set_status (e, (int) _ci_pg_int (r, row, 9));
  ci_employee_set_version (e, _ci_pg_int (r, row, 10));
  return e;
}

/* Adds the editable fields as parameters $1…$13 in the order of the INSERT below. */
static void
param_employee (CiPgParams *p,
                CiEmployee *e)
{
  GBytes *photo = ci_employee_get_photo (e);

  _ci_pg_param_text (p, ci_employee_get_number (e));
  _ci_pg_param_text (p, ci_employee_get_given_name (e));
  _ci_pg_param_text (p, ci_employee_get_family_name (e));
  _ci_pg_param_text (p, ci_employee_get_department (e));
  _ci_pg_param_text (p, ci_employee_get_job_title (e));
  _ci_pg_param_text (p, ci_employee_get_email (e));
  if (photo)
    _ci_pg_param_bytes (p, g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));
  else
    _ci_pg_param_bytes (p, NULL, 0);
  _ci_pg_param_text (p, ci_employee_get_valid_from (e));
  _ci_pg_param_text (p, ci_employee_get_valid_until (e));
  _ci_pg_param_int (p, ci_employee_get_status (e));
  _ci_pg_param_take (p, ci_search_key (ci_employee_get_given_name (e)));
  _ci_pg_param_take (p, ci_search_key (ci_employee_get_family_name (e)));
  _ci_pg_param_int (p, g_get_real_time ());
}

static gboolean
pg_employee_insert (CiStore     *store,
                    CiEmployee  *employee,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *taken = g_strdup_printf (_("Employee number %s is already taken"),
                                            ci_employee_get_number (employee));

  param_employee (&p, employee);
  r = _ci_pg_change (self,
    "INSERT INTO employee (number, given_name, family_name, department, job_title, email,"
    " photo, valid_from, valid_until, status, given_key, family_key, updated_at, version)"
    " VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bytea, $8::text,"
    " $9::text, $10::integer, $11::text, $12::text, $13::bigint, 1) RETURNING id",
    &p, taken, error);
  if (r == NULL)
    return FALSE;
  ci_employee_set_id (employee, _ci_pg_int (r, 0, 0));
  ci_employee_set_version (employee, 1);
  return TRUE;
}

static gboolean
pg_employee_update (CiStore     *store,
                    CiEmployee  *employee,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *taken = g_strdup_printf (_("Employee number %s is already taken"),
                                            ci_employee_get_number (employee));

  param_employee (&p, employee);
  _ci_pg_param_int (&p, ci_employee_get_id (employee));
  _ci_pg_param_int (&p, ci_employee_get_version (employee));
  r = _ci_pg_change (self,
    "UPDATE employee SET number = $1::text, given_name = $2::text, family_name = $3::text,"
    " department = $4::text, job_title = $5::text, email = $6::text, photo = $7::bytea,"
    " valid_from = $8::text, valid_until = $9::text, status = $10::integer,"
    " given_key = $11::text, family_key = $12::text, updated_at = $13::bigint,"
    " version = version + 1 WHERE id = $14::bigint AND version = $15::bigint",
    &p, taken, error);
  if (r == NULL)
    return FALSE;
  if (_ci_pg_changes (r) == 0)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   _("Employee %s was changed by someone else since you opened it; "
                     "reload it and make your change again"), ci_employee_get_number (employee));
      return FALSE;
    }
  ci_employee_set_version (employee, ci_employee_get_version (employee) + 1);
  return TRUE;
}

static gpointer
employee_with_photo_from_row (const PGresult *r,
                              int             row)
{
  CiEmployee *e = employee_from_row (r, row);
  g_autoptr(GBytes) photo = _ci_pg_bytes (r, row, 11);

  if (photo != NULL)
    ci_employee_set_photo (e, photo);
  return e;
}

static CiEmployee *
pg_employee_get (CiStore     *store,
                 gint64       id,
                 const char  *number,
                 GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autofree char *key = number ? g_strdup (number) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  g_autofree char *missing = g_strdup_printf (_("No employee “%s”"), key);

  if (number)
    _ci_pg_param_text (&p, number);
  else
    _ci_pg_param_int (&p, id);
  return _ci_pg_get_one (self, number
                           ? "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee"
                             " WHERE number = $1::text"
                           : "SELECT " EMPLOYEE_COLUMNS ", photo FROM employee"
                             " WHERE id = $1::bigint",
                         &p, employee_with_photo_from_row, missing, error);
}

/* Each search branch is a range scan along one index, already in the index's
 * order, so LIMIT stops it after offset + limit rows. The last column is the
 * key the branch matched on, used to merge branches. */
#define SEARCH_SELECT "SELECT " EMPLOYEE_COLUMNS ", "
static const char search_family[] =
  SEARCH_SELECT "family_key || ' ' || given_key FROM employee"
  " WHERE family_key >= $1::text AND family_key < $2::text"
  " AND given_key >= $3::text AND given_key < $4::text"
  " ORDER BY family_key, given_key, id LIMIT $5::bigint";
static const char search_given[] =
  SEARCH_SELECT "given_key || ' ' || family_key FROM employee"
  " WHERE given_key >= $1::text AND given_key < $2::text"
  " AND family_key >= $3::text AND family_key < $4::text"
  " ORDER BY given_key, family_key, id LIMIT $5::bigint";
static const char search_number[] =
  SEARCH_SELECT "number FROM employee WHERE number >= $1::text AND number < $2::text"
  " ORDER BY number LIMIT $3::bigint";
static const char search_all[] =
  SEARCH_SELECT "'' FROM employee ORDER BY family_key, given_key, id"
  " LIMIT $1::bigint OFFSET $2::bigint";

/* A row limit: -1 is none, SQL NULL. */
static void
param_limit (CiPgParams *p,
             gint64      n)
{
  if (n < 0)
    _ci_pg_param_text (p, NULL);
  else
    _ci_pg_param_int (p, n);
}

/* @second: (nullable): the second word's prefix; %NULL for the number branch,
 * which has only the one */
static gboolean
search_branch (CiStorePg   *self,
               const char  *sql,
               const char  *first,
               const char  *second,
               gint64       n,
               GArray      *hits,
               GError     **error)
{
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_text (&p, first);
  _ci_pg_param_take (&p, _ci_search_prefix_end (first));
  if (second != NULL)
    {
      _ci_pg_param_text (&p, second);
      _ci_pg_param_take (&p, _ci_search_prefix_end (second));
    }
  param_limit (&p, n);
  if (!(r = _ci_pg_query (self, sql, &p, error)))
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      CiSearchHit hit = { employee_from_row (r, i), _ci_pg_text (r, i, 11) };
      g_array_append_val (hits, hit);
    }
  return TRUE;
}

/* Orders the hits of all branches by the key each matched on and drops the
 * second sighting of an employee two branches found. */
static GPtrArray *
search_everyone (CiStorePg  *self,
                 guint       offset,
                 guint       limit,
                 GError    **error)
{
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  param_limit (&p, limit ? (gint64) limit : -1);
  _ci_pg_param_int (&p, offset);
  if (!(r = _ci_pg_query (self, search_all, &p, error)))
    return NULL;
  return _ci_pg_collect (r, (CiPgRowFunc) employee_from_row);
}

static GPtrArray *
pg_employee_search (CiStore     *store,
                    const char  *query,
                    guint        offset,
                    guint        limit,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autofree char *number = g_strstrip (g_strdup (query ? query : ""));
  g_autoptr(GPtrArray) w = _ci_search_words (query);
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (CiSearchHit));
  gint64 n = limit ? (gint64) offset + limit : -1;
  gboolean ok;

  g_array_set_clear_func (hits, _ci_search_hit_clear);
  if (w->len == 0)
    return search_everyone (self, offset, limit, error);
  if (w->len == 1)
    ok = search_branch (self, search_family, w->pdata[0], "", n, hits, error)
         && search_branch (self, search_given, w->pdata[0], "", n, hits, error)
         && search_branch (self, search_number, number, NULL, n, hits, error);
  else  /* "anna mül" and "müller anna": one word given, the last one family */
    ok = search_branch (self, search_family, w->pdata[w->len - 1], w->pdata[0], n, hits, error)
         && search_branch (self, search_family, w->pdata[0], w->pdata[w->len - 1], n, hits,
                           error);
  if (!ok)
    return NULL;
  return _ci_search_merge_hits (hits, offset, limit);
}

/* The same rules as the search, as one statement per number of words and
 * order, selecting only the id. */
#define MATCH_ORDERS(select) \
  { \
    select " ORDER BY family_key, given_key, id", \
    select " ORDER BY family_key DESC, given_key DESC, id DESC", \
    select " ORDER BY number", \
    select " ORDER BY number DESC", \
  }
#define MATCH_ONE_FAMILY "family_key >= $1::text AND family_key < $2::text"
#define MATCH_ONE_GIVEN "given_key >= $1::text AND given_key < $2::text"
#define MATCH_ONE_NUMBER "number >= $3::text AND number < $4::text"
/* "anna mül" and "müller anna": $1 is the last word, $3 the first. */
#define MATCH_TWO_LAST_FAMILY \
  "family_key >= $1::text AND family_key < $2::text" \
  " AND given_key >= $3::text AND given_key < $4::text"
#define MATCH_TWO_FIRST_FAMILY \
  "family_key >= $3::text AND family_key < $4::text" \
  " AND given_key >= $1::text AND given_key < $2::text"

static const char * const match_all[] = MATCH_ORDERS ("SELECT id FROM employee");
static const char * const match_one[] = MATCH_ORDERS (
  "SELECT id FROM employee WHERE (" MATCH_ONE_FAMILY ") OR (" MATCH_ONE_GIVEN ")"
  " OR (" MATCH_ONE_NUMBER ")");
static const char * const match_two[] = MATCH_ORDERS (
  "SELECT id FROM employee WHERE (" MATCH_TWO_LAST_FAMILY ") OR (" MATCH_TWO_FIRST_FAMILY ")");

/* Adds @prefix and its upper bound as the next two parameters. */
static void
param_prefix (CiPgParams *p,
              const char *prefix)
{
  _ci_pg_param_text (p, prefix);
  _ci_pg_param_take (p, _ci_search_prefix_end (prefix));
}

static GArray *
pg_employee_match (CiStore          *store,
                   const char       *query,
                   CiEmployeeOrder   order,
                   GError          **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autofree char *number = g_strstrip (g_strdup (query ? query : ""));
  g_autoptr(GPtrArray) w = _ci_search_words (query);
  const char * const *sql = w->len == 0 ? match_all : w->len == 1 ? match_one : match_two;
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  GArray *ids;

  if (w->len == 1)
    {
      param_prefix (&p, w->pdata[0]);
      param_prefix (&p, number);
    }
  else if (w->len > 1)
    {
      param_prefix (&p, w->pdata[w->len - 1]);
      param_prefix (&p, w->pdata[0]);
    }
  if (!(r = _ci_pg_query (self, sql[order], &p, error)))
    return NULL;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PQntuples (r));
  for (int i = 0; i < PQntuples (r); i++)
    {
      gint64 id = _ci_pg_int (r, i, 0);
      g_array_append_val (ids, id);
    }
  return ids;
}

/* One statement for the whole page, as a round trip to the server costs more
 * than a lookup; the rows are then put in the order of @ids. */
static GPtrArray *
pg_employee_get_many (CiStore       *store,
                      const gint64  *ids,
                      guint          n_ids,
                      GError       **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) row_ids = NULL;
  GString *array;
  GPtrArray *result;

  if (n_ids == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  array = g_string_new ("{");
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (array, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (array, '}');
  _ci_pg_param_take (&p, g_string_free (array, FALSE));
  if (!(r = _ci_pg_query (self, "SELECT " EMPLOYEE_COLUMNS " FROM employee"
                                " WHERE id = ANY ($1::bigint[])", &p, error)))
    return NULL;
  row_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PQntuples (r));
  for (int i = 0; i < PQntuples (r); i++)
    {
      gint64 id = _ci_pg_int (r, i, 0);
      g_array_append_val (row_ids, id);
    }
  for (guint i = 0; i < row_ids->len; i++)
    g_hash_table_insert (rows, &g_array_index (row_ids, gint64, i), GINT_TO_POINTER (i + 1));
  result = g_ptr_array_new_full (n_ids, g_object_unref);
  for (guint i = 0; i < n_ids; i++)
    {
      int row = GPOINTER_TO_INT (g_hash_table_lookup (rows, &ids[i])) - 1;

      /* Each id gets an employee of its own, even one asked for twice. */
      if (row >= 0)
        g_ptr_array_add (result, employee_from_row (r, row));
    }
  return result;
}

static gint64
pg_employee_count (CiStore  *store,
                   GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r = _ci_pg_query (self, "SELECT count(*) FROM employee", NULL, error);

  return r ? _ci_pg_int (r, 0, 0) : -1;
}

/* ─── operators and the role matrix ─────────────────────────────────────── */

#define OPERATOR_COLUMNS \
  "id, login, display_name, roles, password_hash, failed_attempts, locked_until, active"

static CiOperator *
operator_from_row (const PGresult *r,
                   int             row)
{
  CiOperator *op = ci_operator_new ();

  ci_operator_set_id (op, _ci_pg_int (r, row, 0));
  ci_operator_set_login (op, _ci_pg_peek (r, row, 1));
  ci_operator_set_display_name (op, _ci_pg_peek (r, row, 2));
  ci_operator_set_roles (op, (CiRole) _ci_pg_int (r, row, 3));
  ci_operator_set_password_hash (op, _ci_pg_peek (r, row, 4));
  ci_operator_set_failed_attempts (op, (int) _ci_pg_int (r, row, 5));
  ci_operator_set_locked_until (op, _ci_pg_int (r, row, 6));
  ci_operator_set_active (op, _ci_pg_bool (r, row, 7));
  return op;
}

static void
param_operator (CiPgParams *p,
                CiOperator *op)
{
  _ci_pg_param_text (p, ci_operator_get_login (op));
  _ci_pg_param_text (p, ci_operator_get_display_name (op));
  _ci_pg_param_int (p, ci_operator_get_roles (op));
  _ci_pg_param_text (p, ci_operator_get_password_hash (op));
  _ci_pg_param_int (p, ci_operator_get_failed_attempts (op));
  _ci_pg_param_int (p, ci_operator_get_locked_until (op));
  _ci_pg_param_bool (p, ci_operator_get_active (op));
}

static gboolean
pg_operator_insert (CiStore     *store,
                    CiOperator  *op,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *taken = g_strdup_printf (_("Login %s is already taken"),
                                            ci_operator_get_login (op));

  param_operator (&p, op);
  r = _ci_pg_change (self, "INSERT INTO operator (login, display_name, roles, password_hash,"
                           " failed_attempts, locked_until, active) VALUES ($1::text, $2::text,"
                           " $3::integer, $4::text, $5::integer, $6::bigint, $7::boolean)"
                           " RETURNING id", &p, taken, error);
  if (r == NULL)
    return FALSE;
  ci_operator_set_id (op, _ci_pg_int (r, 0, 0));
  return TRUE;
}

static gboolean
pg_operator_update (CiStore     *store,
                    CiOperator  *op,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  param_operator (&p, op);
  _ci_pg_param_int (&p, ci_operator_get_id (op));
  r = _ci_pg_change (self, "UPDATE operator SET login = $1::text, display_name = $2::text,"
                           " roles = $3::integer, password_hash = $4::text,"
                           " failed_attempts = $5::integer, locked_until = $6::bigint,"
                           " active = $7::boolean WHERE id = $8::bigint", &p, NULL, error);
  if (r == NULL)
    return FALSE;
  return _ci_pg_changes (r) > 0
         || _ci_pg_not_found (error, _("No operator “%s”"), ci_operator_get_login (op));
}

static CiOperator *
pg_operator_get (CiStore     *store,
                 const char  *login,
                 GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autofree char *missing = g_strdup_printf (_("No operator “%s”"), login);

  _ci_pg_param_text (&p, login);
  return _ci_pg_get_one (self, "SELECT " OPERATOR_COLUMNS " FROM operator WHERE login = $1::text",
                         &p, (CiPgRowFunc) operator_from_row, missing, error);
}

static GPtrArray *
pg_operator_list (CiStore  *store,
                  GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r =
      _ci_pg_query (self, "SELECT " OPERATOR_COLUMNS " FROM operator ORDER BY login", NULL, error);

  return r ? _ci_pg_collect (r, (CiPgRowFunc) operator_from_row) : NULL;
}

static gboolean
pg_policy_load (CiStore   *store,
                CiPolicy  *policy,
                GError   **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r =
      _ci_pg_query (self, "SELECT role, action, scope FROM role_permission", NULL, error);

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      CiAction action;
      gint64 role = _ci_pg_int (r, i, 0), scope = _ci_pg_int (r, i, 2);

      /* An action name this version does not know is left alone, not an error:
       * a newer desk sharing the database may have written it. */
      if (ci_action_from_string (_ci_pg_peek (r, i, 1), &action)
          && role > 0 && role <= CI_ROLE_ADMIN && (role & (role - 1)) == 0
          && scope >= CI_SCOPE_NONE && scope <= CI_SCOPE_ALL)
        ci_policy_set (policy, (CiRole) role, action, (CiScope) scope);
    }
  return TRUE;
}

static gboolean
pg_policy_save (CiStore   *store,
                CiRole     role,
                CiAction   action,
                CiScope    scope,
                GError   **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_int (&p, role);
  _ci_pg_param_text (&p, ci_action_to_string (action));
  _ci_pg_param_int (&p, scope);
  r = _ci_pg_change (self, "INSERT INTO role_permission (role, action, scope)"
                           " VALUES ($1::integer, $2::text, $3::integer)"
                           " ON CONFLICT (role, action) DO UPDATE SET scope = excluded.scope",
                     &p, NULL, error);
  return r != NULL;
}

void
_ci_store_pg_people_class_init (CiStoreClass *store_class)
{
  store_class->employee_insert = pg_employee_insert;
  store_class->employee_update = pg_employee_update;
  store_class->employee_get = pg_employee_get;
  store_class->employee_search = pg_employee_search;
  store_class->employee_count = pg_employee_count;
  store_class->employee_match = pg_employee_match;
  store_class->employee_get_many = pg_employee_get_many;
  store_class->operator_insert = pg_operator_insert;
  store_class->operator_update = pg_operator_update;
  store_class->operator_get = pg_operator_get;
  store_class->operator_list = pg_operator_list;
  store_class->policy_load = pg_policy_load;
  store_class->policy_save = pg_policy_save;
}
