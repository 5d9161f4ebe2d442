/* ci-services-zones.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"
#include "model/ci-model.h"

/**
 * ci_services_zone_add:
 * @self: a #CiServices
 * @actor: the signed-in operator (security)
 * @zone: the new zone; a building or area names its parent by id
 * @error: return location for an error
 *
 * Returns: %TRUE if the zone was stored
 */
gboolean
ci_services_zone_add (CiServices  *self,
                      CiOperator  *actor,
                      CiZone      *zone,
                      GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_ZONE (zone), FALSE);

  if (!_ci_call_start (&call, self, actor, "zone.add", CI_ACTION_ZONE_MANAGE, TRUE,
                       "zone", ci_zone_get_code (zone), error))
    return FALSE;
  _ci_call_detail (&call, "kind", ci_zone_kind_to_string (ci_zone_get_kind (zone)));
  _ci_call_detail (&call, "hr_may_grant", ci_zone_get_hr_may_grant (zone) ? "yes" : "no");
  if (!ci_zone_validate (zone, error))
    return _ci_call_fail (&call, error);
  if (ci_zone_get_parent_id (zone) > 0)
    {
      g_autoptr(CiZone) parent = ci_store_zone_get (self->store, ci_zone_get_parent_id (zone),
                                                    error);
      if (parent == NULL)
        return _ci_call_fail (&call, error);
      if (ci_zone_get_kind (parent) >= ci_zone_get_kind (zone))
        {
          g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                       /* Translators: the two %s are zone kinds as cardissue-cli writes
                        * them: “site”, “building” or “area”. */
                       _("A %s cannot lie inside a %s (site > building > area)"),
                       ci_zone_kind_to_string (ci_zone_get_kind (zone)),
                       ci_zone_kind_to_string (ci_zone_get_kind (parent)));
          return _ci_call_fail (&call, error);
        }
    }
  if (!ci_store_zone_insert (self->store, zone, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_zone_update:
 * @self: a #CiServices
 * @actor: the signed-in operator (security)
 * @zone: the edited zone
 * @error: return location for an error
 *
 * Returns: %TRUE if the change was stored
 */
gboolean
ci_services_zone_update (CiServices  *self,
                         CiOperator  *actor,
                         CiZone      *zone,
                         GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_ZONE (zone), FALSE);

  if (!_ci_call_start (&call, self, actor, "zone.edit", CI_ACTION_ZONE_MANAGE, TRUE,
                       "zone", ci_zone_get_code (zone), error))
    return FALSE;
  if (!ci_zone_validate (zone, error) || !ci_store_zone_update (self->store, zone, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_zone_list:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiZone): every zone, parents before children
 */
GPtrArray *
ci_services_zone_list (CiServices  *self,
                       CiOperator  *actor,
                       GError     **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  return _ci_services_list (self, actor, "zone.list", CI_ACTION_ZONE_VIEW, ci_store_zone_list,
                            error);
}

/**
 * ci_services_schedule_add:
 * @self: a #CiServices
 * @actor: the signed-in operator (security)
 * @schedule: the new schedule
 * @error: return location for an error
 *
 * Returns: %TRUE if the schedule was stored
 */
gboolean
ci_services_schedule_add (CiServices  *self,
                          CiOperator  *actor,
                          CiSchedule  *schedule,
                          GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_SCHEDULE (schedule), FALSE);

  if (!_ci_call_start (&call, self, actor, "schedule.add", CI_ACTION_ZONE_MANAGE, TRUE,
                       "schedule", ci_schedule_get_name (schedule), error))
    return FALSE;
  _ci_call_detail (&call, "rules", ci_schedule_get_rules (schedule));
  if (!ci_schedule_validate (schedule, error)
      || !ci_store_schedule_insert (self->store, schedule, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_schedule_list:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiSchedule): every schedule, by name
 */
GPtrArray *
ci_services_schedule_list (CiServices  *self,
                           CiOperator  *actor,
                           GError     **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  return _ci_services_list (self, actor, "schedule.list", CI_ACTION_ZONE_VIEW,
                            ci_store_schedule_list, error);
}

static gboolean
check_expiry (const char  *expires,
              GError     **error)
{
  g_autofree char *today = ci_date_today ();

  if (expires == NULL)
    return TRUE;
  if (!ci_date_is_valid (expires))
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   _("Expiry “%s” is not a date (use YYYY-MM-DD)"), ci_shown_value (expires));
      return FALSE;
    }
  if (g_strcmp0 (expires, today) < 0)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   _("Expiry %s is in the past"), expires);
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_services_grant:
 * @self: a #CiServices
 * @actor: the signed-in operator (security; HR for zones marked "HR may grant")
 * @employee_number: who gets access
 * @zone_code: to which zone
 * @schedule_name: (nullable): when (any time if %NULL)
 * @expires: (nullable): last day of access, `YYYY-MM-DD`
 * @error: return location for an error
 *
 * Returns: (transfer full): the new grant
 */
CiGrant *
ci_services_grant (CiServices  *self,
                   CiOperator  *actor,
                   const char  *employee_number,
                   const char  *zone_code,
                   const char  *schedule_name,
                   const char  *expires,
                   GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiZone) zone = NULL;
  g_autoptr(CiSchedule) schedule = NULL;
  g_autoptr(CiGrant) grant = ci_grant_new ();

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL && zone_code != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "grant.add", CI_ACTION_GRANT, TRUE,
                       "employee", employee_number, error))
    return NULL;
  _ci_call_detail (&call, "zone", zone_code);
  _ci_call_detail (&call, "schedule", schedule_name);
  _ci_call_detail (&call, "expires", expires);
  if (!(employee = ci_store_employee_get_by_number (self->store, employee_number, error))
      || !(zone = ci_store_zone_get_by_code (self->store, zone_code, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  /* Refuse before looking at the rest: a refusal must not depend on it. */
  if (call.scope == CI_SCOPE_LIMITED && !ci_zone_get_hr_may_grant (zone))
    {
      _ci_call_refuse (&call, error, _("Zone %s is not marked “HR may grant”: a security officer "
                                       "must grant it"), zone_code);
      return NULL;
    }
  if ((schedule_name && !(schedule = ci_store_schedule_get_by_name (self->store, schedule_name,
                                                                   error)))
      || !check_expiry (expires, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  ci_grant_set_employee_id (grant, ci_employee_get_id (employee));
  ci_grant_set_zone_id (grant, ci_zone_get_id (zone));
  ci_grant_set_schedule_id (grant, schedule ? ci_schedule_get_id (schedule) : 0);
  ci_grant_set_expires (grant, expires);
  ci_grant_set_granted_by (grant, ci_operator_get_login (call.actor));
  ci_grant_set_granted_at (grant, g_get_real_time ());
  if (!ci_grant_validate (grant, error) || !ci_store_grant_insert (self->store, grant, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&grant) : NULL;
}

static CiGrant *
find_grant (CiStore     *store,
            CiEmployee  *employee,
            CiZone      *zone,
            GError     **error)
{
  g_autoptr(GPtrArray) grants = ci_store_grant_list (store, ci_employee_get_id (employee),
                                                     ci_zone_get_id (zone), error);

  if (grants == NULL)
    return NULL;
  if (grants->len == 0)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: an employee number, then a zone code. */
                   _("%s has no access to zone %s"), ci_employee_get_number (employee),
                   ci_zone_get_code (zone));
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (grants, 0));
}

/**
 * ci_services_withdraw:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @employee_number: whose access
 * @zone_code: to which zone
 * @error: return location for an error
 *
 * Returns: %TRUE if the grant was removed
 */
gboolean
ci_services_withdraw (CiServices  *self,
                      CiOperator  *actor,
                      const char  *employee_number,
                      const char  *zone_code,
                      GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiZone) zone = NULL;
  g_autoptr(CiGrant) grant = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (employee_number != NULL && zone_code != NULL, FALSE);

  if (!_ci_call_start (&call, self, actor, "grant.withdraw", CI_ACTION_GRANT, TRUE,
                       "employee", employee_number, error))
    return FALSE;
  _ci_call_detail (&call, "zone", zone_code);
  if (!(employee = ci_store_employee_get_by_number (self->store, employee_number, error))
      || !(zone = ci_store_zone_get_by_code (self->store, zone_code, error)))
    return _ci_call_fail (&call, error);
  if (call.scope == CI_SCOPE_LIMITED && !ci_zone_get_hr_may_grant (zone))
    return _ci_call_refuse (&call, error, _("Zone %s is not marked “HR may grant”: a security "
                                            "officer must withdraw it"), zone_code);
  if (!(grant = find_grant (self->store, employee, zone, error)))
    return _ci_call_fail (&call, error);
  if (!ci_store_grant_delete (self->store, ci_grant_get_id (grant), error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_grant_list:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @employee_number: whose grants
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiGrant): the employee's grants
 */
GPtrArray *
ci_services_grant_list (CiServices  *self,
                        CiOperator  *actor,
                        const char  *employee_number,
                        GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(GPtrArray) grants = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "grant.list", CI_ACTION_ZONE_VIEW, FALSE,
                       "employee", employee_number, error))
    return NULL;
  if (!(employee = ci_store_employee_get_by_number (self->store, employee_number, error))
      || !(grants = ci_store_grant_list (self->store, ci_employee_get_id (employee), 0, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&grants) : NULL;
}

/**
 * ci_zone_access_free:
 * @access: (nullable): a #CiZoneAccess
 */
void
ci_zone_access_free (CiZoneAccess *access)
{
  if (access == NULL)
    return;
  g_clear_object (&access->grant);
  g_free (access->employee_number);
  g_free (access->employee_name);
  g_free (access->schedule_name);
  g_free (access);
}

static int
compare_access (gconstpointer a,
                gconstpointer b)
{
  const CiZoneAccess *x = *(CiZoneAccess * const *) a;
  const CiZoneAccess *y = *(CiZoneAccess * const *) b;
  int by_name = g_utf8_collate (x->employee_name, y->employee_name);

  return by_name != 0 ? by_name : g_strcmp0 (x->employee_number, y->employee_number);
}

static gint64
employee_id (gpointer record)
{
  return ci_employee_get_id (record);
}

static gint64
schedule_id (gpointer record)
{
  return ci_schedule_get_id (record);
}

/* Records by id, for looking up many of them. */
static GHashTable *
index_by_id (GPtrArray *records,
             gint64   (*get_id) (gpointer record))
{
  GHashTable *index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < records->len; i++)
    {
      gint64 id = get_id (records->pdata[i]);
      g_hash_table_insert (index, g_memdup2 (&id, sizeof id), records->pdata[i]);
    }
  return index;
}

static CiZoneAccess *
zone_access_new (CiGrant    *grant,
                 CiEmployee *employee,
                 CiSchedule *schedule)
{
  CiZoneAccess *access = g_new0 (CiZoneAccess, 1);

  access->grant = g_object_ref (grant);
  access->employee_number = g_strdup (ci_employee_get_number (employee));
  access->employee_name = ci_employee_dup_display_name (employee);
  access->schedule_name = schedule ? g_strdup (ci_schedule_get_name (schedule)) : NULL;
  return access;
}

/* Names for the grants' employees and schedules: one read each, however
 * many people hold the zone (photos are not read). */
static GPtrArray *
describe_grants (CiStore    *store,
                 GPtrArray  *grants,
                 GError    **error)
{
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), grants->len);
  g_autoptr(GPtrArray) employees = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GHashTable) people = NULL;
  g_autoptr(GHashTable) times = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_zone_access_free);

  for (guint i = 0; i < grants->len; i++)
    {
      gint64 id = ci_grant_get_employee_id (grants->pdata[i]);
      g_array_append_val (ids, id);
    }
  if (!(employees = ci_store_employee_get_many (store, (gint64 *) ids->data, ids->len, error))
      || !(schedules = ci_store_schedule_list (store, error)))
    return NULL;
  people = index_by_id (employees, employee_id);
  times = index_by_id (schedules, schedule_id);
  for (guint i = 0; i < grants->len; i++)
    {
      CiGrant *grant = grants->pdata[i];
      gint64 holder = ci_grant_get_employee_id (grant);
      gint64 when = ci_grant_get_schedule_id (grant);
      CiEmployee *employee = g_hash_table_lookup (people, &holder);

      if (employee != NULL)
        g_ptr_array_add (list, zone_access_new (grant, employee,
                                                g_hash_table_lookup (times, &when)));
    }
  g_ptr_array_sort (list, compare_access);
  return g_steal_pointer (&list);
}

/**
 * ci_services_zone_grants:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @zone_code: which zone
 * @error: return location for an error
 *
 * Who has access to one zone (granted on the zone itself, not on a zone it
 * lies in), with each holder's name and schedule. Audited as a read.
 *
 * Returns: (transfer full) (element-type CiZoneAccess): the grants, by name
 */
GPtrArray *
ci_services_zone_grants (CiServices  *self,
                         CiOperator  *actor,
                         const char  *zone_code,
                         GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiZone) zone = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (zone_code != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "grant.list", CI_ACTION_ZONE_VIEW, FALSE,
                       "zone", zone_code, error))
    return NULL;
  /* The list names employees: a role that may not see them sees no list. */
  if (_ci_call_also_may (&call, CI_ACTION_EMPLOYEE_VIEW) == CI_SCOPE_NONE)
    {
      _ci_call_refuse (&call, error, _("Who may enter a zone names employees, which your role "
                                       "may not see; ask a security officer"));
      return NULL;
    }
  if (!(zone = ci_store_zone_get_by_code (self->store, zone_code, error))
      || !(grants = ci_store_grant_list (self->store, 0, ci_zone_get_id (zone), error))
      || !(list = describe_grants (self->store, grants, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&list) : NULL;
}
