/* ci-services-employees.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"
#include "ci-employee-csv.h"

/**
 * ci_services_employee_enroll:
 * @self: a #CiServices
 * @actor: the signed-in operator (HR)
 * @employee: the new employee; its id and version are set on success
 * @error: return location for an error
 *
 * Returns: %TRUE if the employee was stored
 */
gboolean
ci_services_employee_enroll (CiServices  *self,
                             CiOperator  *actor,
                             CiEmployee  *employee,
                             GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_EMPLOYEE (employee), FALSE);

  if (!_ci_call_start (&call, self, actor, "employee.enroll", CI_ACTION_EMPLOYEE_EDIT, TRUE,
                       "employee", ci_employee_get_number (employee), error))
    return FALSE;
  _ci_call_detail (&call, "department", ci_employee_get_department (employee));
  _ci_call_detail (&call, "valid_until", ci_employee_get_valid_until (employee));
  if (!ci_employee_validate (employee, error)
      || !ci_store_employee_insert (self->store, employee, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

typedef struct
{
  char   *login;
  char   *desk;
  gint64  time_us;
} LastEdit;

static gboolean
take_last_edit (const CiAuditEntry *entry,
                gpointer            user_data)
{
  LastEdit *last = user_data;

  last->login = g_strdup (entry->operator_login);
  last->desk = g_strdup (entry->desk);
  last->time_us = entry->time_us;
  return FALSE;
}

/* An edit that came second: says who saved the employee meanwhile, and when,
 * as the audit log has it, so that the operator can ask them. */
static void
explain_conflict (CiServices  *self,
                  CiEmployee  *employee,
                  GError     **error)
{
  CiAuditFilter filter = {
    .action_prefix = "employee.edit",
    .subject_id = ci_employee_get_number (employee),
    .outcomes = 1u << CI_OUTCOME_OK,
    .newest_first = TRUE,
    .limit = 1,
  };
  LastEdit last = { 0 };
  g_autoptr(CiOperator) op = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *when = NULL;

  if (error == NULL || !g_error_matches (*error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT)
      || !ci_store_audit_foreach (self->store, &filter, take_last_edit, &last, NULL)
      || last.login == NULL)
    goto out;
  op = ci_store_operator_get (self->store, last.login, NULL);
  at = g_date_time_new_from_unix_local (last.time_us / G_USEC_PER_SEC);
  when = g_date_time_format (at, "%Y-%m-%d %H:%M");
  g_clear_error (error);
  g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
               /* Translators: an employee number; an operator's name; a date and time; a
                * desk id. */
               _("Employee %s was changed by %s at %s (desk %s) since you opened it; reload it "
                 "and make your change again"), ci_employee_get_number (employee),
               op ? ci_operator_get_display_name (op) : last.login, when, last.desk);
out:
  g_free (last.login);
  g_free (last.desk);
}

/**
 * ci_services_employee_update:
 * @self: a #CiServices
 * @actor: the signed-in operator (HR)
 * @employee: the edited record, with the version it was read at
 * @error: return location for an error; %CI_STORE_ERROR_CONFLICT if someone
 *   else saved the employee in between
 *
 * Returns: %TRUE if the change was stored
 */
gboolean
ci_services_employee_update (CiServices  *self,
                             CiOperator  *actor,
                             CiEmployee  *employee,
                             GError     **error)
{
  g_auto(CiCall) call = { 0 };
  gint64 version;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_EMPLOYEE (employee), FALSE);

  if (!_ci_call_start (&call, self, actor, "employee.edit", CI_ACTION_EMPLOYEE_EDIT, TRUE,
                       "employee", ci_employee_get_number (employee), error))
    return FALSE;
  _ci_call_detail (&call, "status",
                   ci_employee_status_to_string (ci_employee_get_status (employee)));
  version = ci_employee_get_version (employee);
  if (!ci_employee_validate (employee, error)
      || !ci_store_employee_update (self->store, employee, error)
      || !_ci_call_commit (&call, error))
    {
      /* Rolled back: the record is still at the version it was read at. */
      ci_employee_set_version (employee, version);
      explain_conflict (self, employee, error);
      return call.in_transaction ? _ci_call_fail (&call, error) : FALSE;
    }
  return TRUE;
}

/**
 * ci_services_employee_get:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @number: the employee number
 * @error: return location for an error
 *
 * Returns: (transfer full): the employee, with photo
 */
CiEmployee *
ci_services_employee_get (CiServices  *self,
                          CiOperator  *actor,
                          const char  *number,
                          GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "employee.view", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       "employee", number, error))
    return NULL;
  employee = ci_store_employee_get_by_number (self->store, number, error);
  if (employee == NULL)
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&employee);
}

/**
 * ci_services_employee_search:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @query: a name or employee-number prefix ("" lists everyone)
 * @offset: rows to skip
 * @limit: rows to return at most (0: all)
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiEmployee): matching employees, by name
 */
GPtrArray *
ci_services_employee_search (CiServices  *self,
                             CiOperator  *actor,
                             const char  *query,
                             guint        offset,
                             guint        limit,
                             GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GPtrArray) result = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "employee.search", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       NULL, NULL, error))
    return NULL;
  _ci_call_detail (&call, "query", query);
  result = ci_store_employee_search (self->store, query, offset, limit, error);
  if (result == NULL)
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&result);
}

/**
 * ci_services_employee_find:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @query: (nullable): a name or employee-number prefix ("" or %NULL: everyone),
 *   matched as by ci_services_employee_search()
 * @order: the order of the result
 * @error: return location for an error
 *
 * Finds the ids of every matching employee, for a list that loads its rows
 * page by page with ci_services_employee_get_many().
 *
 * Returns: (transfer full) (element-type gint64): the matching employees' ids,
 *   in @order
 */
GArray *
ci_services_employee_find (CiServices       *self,
                           CiOperator       *actor,
                           const char       *query,
                           CiEmployeeOrder   order,
                           GError          **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GArray) ids = NULL;
  g_autofree char *matches = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (order <= CI_EMPLOYEE_ORDER_NUMBER_DESC, NULL);

  if (!_ci_call_start (&call, self, actor, "employee.search", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       NULL, NULL, error))
    return NULL;
  _ci_call_detail (&call, "query", query);
  ids = ci_store_employee_match (self->store, query, order, error);
  if (ids == NULL)
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  matches = g_strdup_printf ("%u", ids->len);
  _ci_call_detail (&call, "matches", matches);
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&ids);
}

/**
 * ci_services_employee_get_many:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @ids: (array length=n_ids) (nullable): employee ids, e.g. one page of
 *   ci_services_employee_find()'s result
 * @n_ids: the number of @ids
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiEmployee): the employees, without
 *   photos, in the order of @ids; ids of employees that no longer exist are
 *   left out
 */
GPtrArray *
ci_services_employee_get_many (CiServices    *self,
                               CiOperator    *actor,
                               const gint64  *ids,
                               guint          n_ids,
                               GError       **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GPtrArray) result = NULL;
  g_autofree char *count = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  if (!_ci_call_start (&call, self, actor, "employee.list", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       NULL, NULL, error))
    return NULL;
  result = ci_store_employee_get_many (self->store, ids, n_ids, error);
  if (result == NULL)
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  count = g_strdup_printf ("%u", result->len);
  _ci_call_detail (&call, "count", count);
  /* Whose records were read: the page's first and last employee. */
  if (result->len > 0)
    {
      _ci_call_detail (&call, "first", ci_employee_get_number (result->pdata[0]));
      _ci_call_detail (&call, "last", ci_employee_get_number (result->pdata[result->len - 1]));
    }
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&result);
}

/* Rows that are fine on their own but clash with employees already stored. */
static void
check_against_store (CiStore   *store,
                     GPtrArray *employees,
                     GPtrArray *problems)
{
  for (guint i = 0; i < employees->len; i++)
    {
      CiEmployee *e = g_ptr_array_index (employees, i);
      g_autoptr(CiEmployee) existing =
        ci_store_employee_get_by_number (store, ci_employee_get_number (e), NULL);

      if (existing != NULL)
        {
          /* The CSV reader keeps each record's line in the object's data. */
          guint line = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (e), "csv-line"));

          g_ptr_array_add (problems,
                           ci_csv_problem_new (line, _("employee number %s is already enrolled"),
                                               ci_employee_get_number (e)));
        }
    }
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const CiCsvProblem *x = *(CiCsvProblem * const *) a;
  const CiCsvProblem *y = *(CiCsvProblem * const *) b;

  return x->line < y->line ? -1 : x->line > y->line;
}

static char *
summarise_problems (GPtrArray *problems)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u problem in the file; nothing was imported",
                                       "%u problems in the file; nothing was imported",
                                       problems->len),
                          problems->len);
}

/**
 * ci_services_employee_import:
 * @self: a #CiServices
 * @actor: the signed-in operator (HR)
 * @data: a CSV file's bytes
 * @len: its length
 * @n_imported: (out) (optional): how many employees were enrolled
 * @problems: (out) (optional) (element-type CiCsvProblem): every bad row, with line and reason
 * @error: return location for an error; %CI_SERVICE_ERROR_IMPORT when rows are bad
 *
 * Enrolls every employee of the file in one transaction — or, if any row is
 * bad, none of them.
 *
 * Returns: %TRUE if the whole file was imported
 */
gboolean
ci_services_employee_import (CiServices  *self,
                             CiOperator  *actor,
                             const char  *data,
                             gsize        len,
                             guint       *n_imported,
                             GPtrArray  **problems,
                             GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GPtrArray) employees = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  g_autofree char *rows = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (n_imported)
    *n_imported = 0;
  if (!_ci_call_start (&call, self, actor, "employee.import", CI_ACTION_EMPLOYEE_EDIT, TRUE,
                       NULL, NULL, error))
    return FALSE;
  /* Every problem at once, in line order: the person fixes the file in one go. */
  ci_employee_csv_read (data, len, &employees, &bad);
  check_against_store (self->store, employees, bad);
  g_ptr_array_sort (bad, compare_problems);
  rows = g_strdup_printf ("%u", employees ? employees->len : 0);
  _ci_call_detail (&call, "rows", rows);
  if (bad->len > 0)
    {
      g_autofree char *summary = summarise_problems (bad);
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_IMPORT, summary);
      if (problems)
        *problems = g_steal_pointer (&bad);
      return _ci_call_fail (&call, error);
    }
  for (guint i = 0; i < employees->len; i++)
    if (!ci_store_employee_insert (self->store, g_ptr_array_index (employees, i), error))
      return _ci_call_fail (&call, error);
  if (!_ci_call_commit (&call, error))
    return FALSE;
  if (n_imported)
    *n_imported = employees->len;
  if (problems)
    *problems = g_steal_pointer (&bad);
  return TRUE;
}
