/* test-services-access.c — who has access to a zone
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"
#include "services/ci-services.h"

enum { OP_ADMIN, OP_HR, OP_SECURITY, OP_ADMIN_ONLY, N_OPS };

/* Each test runs on an empty store of its own, SQLite or PostgreSQL by the
 * environment (tests/ci-test-store.h). */
typedef struct
{
  Fixture     db;
  CiServices *services;
  CiOperator *ops[N_OPS];
} TestBed;

static void
add_operator (TestBed    *fx,
              guint       which,
              const char *login,
              CiRole      roles)
{
  g_autoptr(GError) error = NULL;

  fx->ops[which] = ci_operator_new ();
  ci_operator_set_login (fx->ops[which], login);
  ci_operator_set_display_name (fx->ops[which], login);
  ci_operator_set_roles (fx->ops[which], roles);
  g_assert_true (ci_services_operator_add (fx->services, fx->ops[OP_ADMIN], fx->ops[which],
                                           "a-long-enough-password", &error));
  g_assert_no_error (error);
}

static gint64
add_zone (TestBed    *fx,
          CiZoneKind  kind,
          gint64      parent_id,
          const char *code)
{
  g_autoptr(CiZone) z = ci_zone_new ();
  g_autoptr(GError) error = NULL;

  ci_zone_set_kind (z, kind);
  ci_zone_set_parent_id (z, parent_id);
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, code);
  ci_zone_set_time_zone (z, kind == CI_ZONE_SITE ? "UTC" : NULL);
  g_assert_true (ci_services_zone_add (fx->services, fx->ops[OP_SECURITY], z, &error));
  g_assert_no_error (error);
  return ci_zone_get_id (z);
}

static void
enroll (TestBed    *fx,
        const char *number,
        const char *given,
        const char *family)
{
  g_autoptr(CiEmployee) e = ci_employee_new ();
  g_autoptr(GError) error = NULL;

  ci_employee_set_number (e, number);
  ci_employee_set_given_name (e, given);
  ci_employee_set_family_name (e, family);
  ci_employee_set_valid_from (e, "2024-01-01");
  ci_employee_set_valid_until (e, "2099-12-31");
  g_assert_true (ci_services_employee_enroll (fx->services, fx->ops[OP_HR], e, &error));
  g_assert_no_error (error);
}

static void
grant (TestBed    *fx,
       const char *number,
       const char *zone,
       const char *schedule,
       const char *expires)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiGrant) g = ci_services_grant (fx->services, fx->ops[OP_SECURITY], number, zone,
                                            schedule, expires, &error);

  g_assert_no_error (error);
  g_assert_nonnull (g);
}

static void
test_bed_setup (TestBed       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiSchedule) office = ci_schedule_new ();
  gint64 site, building;

  fixture_setup (&fx->db, data);
  fx->services = ci_services_new (fx->db.store, "desk-1");
  fx->ops[OP_ADMIN] = ci_services_setup_first_admin (fx->services, "admin", "Admin",
                                                     "admin-password-1", &error);
  g_assert_no_error (error);
  add_operator (fx, OP_HR, "hr", CI_ROLE_HR);
  add_operator (fx, OP_SECURITY, "sec", CI_ROLE_SECURITY);
  add_operator (fx, OP_ADMIN_ONLY, "admin2", CI_ROLE_ADMIN);

  site = add_zone (fx, CI_ZONE_SITE, 0, "SITE");
  building = add_zone (fx, CI_ZONE_BUILDING, site, "BLD");
  add_zone (fx, CI_ZONE_AREA, building, "LAB");
  add_zone (fx, CI_ZONE_AREA, building, "EMPTY");
  ci_schedule_set_name (office, "office");
  ci_schedule_set_rules (office, "mon-fri 07:00-19:00");
  g_assert_true (ci_services_schedule_add (fx->services, fx->ops[OP_SECURITY], office, &error));
  g_assert_no_error (error);

  enroll (fx, "E-3", "Zoë", "Adams");
  enroll (fx, "E-1", "Ada", "Lovelace");
  enroll (fx, "E-2", "Grace", "Hopper");
  grant (fx, "E-3", "LAB", NULL, NULL);
  grant (fx, "E-1", "LAB", "office", "2099-06-30");
  grant (fx, "E-2", "BLD", NULL, NULL);
}

static void
test_bed_teardown (TestBed       *fx,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_OPS; i++)
    g_clear_object (&fx->ops[i]);
  g_assert_finalize_object (g_steal_pointer (&fx->services));
  fixture_teardown (&fx->db, data);
}

static gboolean
keep_entry (const CiAuditEntry *entry,
            gpointer            user_data)
{
  CiAuditEntry **out = user_data;

  g_clear_pointer (out, ci_audit_entry_free);
  *out = ci_audit_entry_copy (entry);
  return TRUE;
}

/* The newest entry of the audit log. */
static CiAuditEntry *
last_entry (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  guint8 hash[CI_AUDIT_HASH_LEN];
  CiAuditFilter filter = { 0 };
  CiAuditEntry *entry = NULL;
  gint64 head = 0;

  g_assert_true (ci_store_audit_head (fx->db.store, &head, hash, &error));
  filter.after_seq = head - 1;
  g_assert_true (ci_store_audit_foreach (fx->db.store, &filter, keep_entry, &entry, &error));
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  return entry;
}

static void
assert_last_entry (TestBed    *fx,
                   const char *login,
                   const char *zone,
                   CiOutcome   outcome)
{
  CiAuditEntry *entry = last_entry (fx);

  g_assert_cmpstr (entry->operator_login, ==, login);
  g_assert_cmpstr (entry->action, ==, "grant.list");
  g_assert_cmpstr (entry->subject_type, ==, "zone");
  g_assert_cmpstr (entry->subject_id, ==, zone);
  g_assert_cmpint (entry->outcome, ==, outcome);
  ci_audit_entry_free (entry);
}

/* The holders of a zone, by name, with their numbers and schedules; grants
 * on the building the zone lies in are not grants on the zone. */
static void
test_zone_grants_lists_holders (TestBed       *fx,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ci_services_zone_grants (fx->services, fx->ops[OP_HR], "LAB",
                                                       &error);
  CiZoneAccess *first, *second;

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 2);
  first = list->pdata[0];
  second = list->pdata[1];
  g_assert_cmpstr (first->employee_number, ==, "E-1");
  g_assert_cmpstr (first->employee_name, ==, "Ada Lovelace");
  g_assert_cmpstr (first->schedule_name, ==, "office");
  g_assert_cmpstr (ci_grant_get_expires (first->grant), ==, "2099-06-30");
  g_assert_cmpstr (ci_grant_get_granted_by (first->grant), ==, "sec");
  g_assert_cmpstr (second->employee_number, ==, "E-3");
  g_assert_cmpstr (second->employee_name, ==, "Zoë Adams");
  g_assert_null (second->schedule_name);
  g_assert_null (ci_grant_get_expires (second->grant));
  assert_last_entry (fx, "hr", "LAB", CI_OUTCOME_OK);
}

static void
test_zone_grants_empty (TestBed       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ci_services_zone_grants (fx->services, fx->ops[OP_SECURITY],
                                                       "EMPTY", &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, 0);
}

/* A withdrawn grant is gone from the list at once. */
static void
test_zone_grants_after_withdraw (TestBed       *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (ci_services_withdraw (fx->services, fx->ops[OP_SECURITY], "E-1", "LAB", &error));
  g_assert_no_error (error);
  list = ci_services_zone_grants (fx->services, fx->ops[OP_SECURITY], "LAB", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((CiZoneAccess *) list->pdata[0])->employee_number, ==, "E-3");
}

static void
test_zone_grants_unknown_zone (TestBed       *fx,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ci_services_zone_grants (fx->services, fx->ops[OP_SECURITY],
                                                       "NOWHERE", &error);

  g_assert_null (list);
  g_assert_nonnull (error);
  assert_last_entry (fx, "sec", "NOWHERE", CI_OUTCOME_FAILED);
}

/* An administrator (no zone rights by default) is refused, and the refusal
 * is in the audit log. */
static void
test_zone_grants_refused (TestBed       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ci_services_zone_grants (fx->services, fx->ops[OP_ADMIN_ONLY],
                                                       "LAB", &error);

  g_assert_null (list);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  assert_last_entry (fx, "admin2", "LAB", CI_OUTCOME_REFUSED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!ci_test_store_init ())
    return 1;
#define ADD(path, func) \
  g_test_add ("/services-access/" path, TestBed, NULL, test_bed_setup, func, test_bed_teardown)
  ADD ("zone-grants/lists-holders", test_zone_grants_lists_holders);
  ADD ("zone-grants/empty", test_zone_grants_empty);
  ADD ("zone-grants/after-withdraw", test_zone_grants_after_withdraw);
  ADD ("zone-grants/unknown-zone", test_zone_grants_unknown_zone);
  ADD ("zone-grants/refused", test_zone_grants_refused);
#undef ADD
  return g_test_run ();
}
