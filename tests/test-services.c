/* test-services.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"
#include "services/ci-services.h"

#include <string.h>

#include <glib/gstdio.h>

#define DESK "desk-1"
#define ADMIN_PASSWORD "admin-password-1"
#define HR_PASSWORD "hr-password-22"
#define SEC_PASSWORD "security-password-333"
#define FD_PASSWORD "Correct-Horse-front-desk"
#define KEY_PASSPHRASE "key store passphrase"

/* ---- fixture ------------------------------------------------------------- */

/* Each test runs on an empty store of its own, SQLite or PostgreSQL by the
 * environment (tests/ci-test-store.h), set up through the services as a desk
 * would be: operators of every role, a site with two areas, two employees. */

enum { ROLE_HR, ROLE_SECURITY, ROLE_FRONT_DESK, ROLE_ADMIN, N_ROLES };

static const char * const role_logins[N_ROLES] = { "hr", "sec", "fd", "admin" };

typedef struct
{
  Fixture     db;
  CiServices *services;
  CiOperator *ops[N_ROLES];
  gint64      site_id;
  gint64      building_id;
  gint64      area_hr_id;
  gint64      area_sec_id;
  gint64      serial;      /* E-0001's first card, requested */
  guint       counter;     /* for unique keys */
} TestBed;

static CiOperator *
new_operator (const char *login,
              const char *name,
              CiRole      roles)
{
  CiOperator *op = ci_operator_new ();

  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, name);
  ci_operator_set_roles (op, roles);
  return op;
}

static CiEmployee *
new_employee (const char *number,
              const char *given,
              const char *family)
{
  CiEmployee *e = ci_employee_new ();

  ci_employee_set_number (e, number);
  ci_employee_set_given_name (e, given);
  ci_employee_set_family_name (e, family);
  ci_employee_set_department (e, "Facilities");
  ci_employee_set_valid_from (e, "2024-01-01");
  ci_employee_set_valid_until (e, "2099-12-31");
  return e;
}

static CiZone *
new_zone (CiZoneKind  kind,
          gint64      parent_id,
          const char *code,
          gboolean    hr_may_grant)
{
  CiZone *z = ci_zone_new ();

  ci_zone_set_kind (z, kind);
  ci_zone_set_parent_id (z, parent_id);
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, code);
  ci_zone_set_security_level (z, 2);
  ci_zone_set_hr_may_grant (z, hr_may_grant);
  if (kind == CI_ZONE_SITE)
    ci_zone_set_time_zone (z, "UTC");
  return z;
}

static gint64
add_zone (TestBed    *fx,
          CiZoneKind  kind,
          gint64      parent_id,
          const char *code,
          gboolean    hr_may_grant)
{
  g_autoptr(CiZone) z = new_zone (kind, parent_id, code, hr_may_grant);
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_services_zone_add (fx->services, fx->ops[ROLE_SECURITY], z, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_zone_get_id (z), >, 0);
  return ci_zone_get_id (z);
}

static void
add_operator (TestBed    *fx,
              guint       role,
              const char *name,
              CiRole      roles,
              const char *password)
{
  g_autoptr(GError) error = NULL;

  fx->ops[role] = new_operator (role_logins[role], name, roles);
  g_assert_true (ci_services_operator_add (fx->services, fx->ops[ROLE_ADMIN], fx->ops[role],
                                           password, &error));
  g_assert_no_error (error);
}

static void
seed (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiSchedule) schedule = ci_schedule_new ();
  g_autoptr(CiGrant) grant = NULL;
  g_autoptr(CiCard) card = NULL;
  const char * const people[][3] = {
    { "E-0001", "Ada", "Lovelace" },
    { "E-0002", "Grace", "Hopper" },
  };

  fx->site_id = add_zone (fx, CI_ZONE_SITE, 0, "SITE-1", FALSE);
  fx->building_id = add_zone (fx, CI_ZONE_BUILDING, fx->site_id, "BLD-1", FALSE);
  fx->area_hr_id = add_zone (fx, CI_ZONE_AREA, fx->building_id, "AREA-HR", TRUE);
  fx->area_sec_id = add_zone (fx, CI_ZONE_AREA, fx->building_id, "AREA-SEC", FALSE);

  ci_schedule_set_name (schedule, "office");
  ci_schedule_set_rules (schedule, "mon-fri 07:00-19:00");
  g_assert_true (ci_services_schedule_add (fx->services, fx->ops[ROLE_SECURITY], schedule,
                                           &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(CiEmployee) e = new_employee (people[i][0], people[i][1], people[i][2]);
      g_assert_true (ci_services_employee_enroll (fx->services, fx->ops[ROLE_HR], e, &error));
      g_assert_no_error (error);
    }

  grant = ci_services_grant (fx->services, fx->ops[ROLE_HR], "E-0001", "AREA-HR", "office",
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (grant);

  card = ci_services_card_request (fx->services, fx->ops[ROLE_HR], "E-0001", &error);
  g_assert_no_error (error);
  g_assert_nonnull (card);
  fx->serial = ci_card_get_serial (card);
}

static void
test_bed_setup (TestBed       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (&fx->db, data);
  fx->services = ci_services_new (fx->db.store, DESK);
  g_assert_true (ci_services_needs_setup (fx->services));

  fx->ops[ROLE_ADMIN] = ci_services_setup_first_admin (fx->services, "admin", "Ada Admin",
                                                       ADMIN_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->ops[ROLE_ADMIN]);
  g_assert_false (ci_services_needs_setup (fx->services));

  add_operator (fx, ROLE_HR, "Hanna Human", CI_ROLE_HR, HR_PASSWORD);
  add_operator (fx, ROLE_SECURITY, "Sam Secure", CI_ROLE_SECURITY, SEC_PASSWORD);
  add_operator (fx, ROLE_FRONT_DESK, "Fred Front", CI_ROLE_FRONT_DESK, FD_PASSWORD);
  seed (fx);
}

static void
test_bed_teardown (TestBed       *fx,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_ROLES; i++)
    g_clear_object (&fx->ops[i]);
  g_assert_finalize_object (g_steal_pointer (&fx->services));
  fixture_teardown (&fx->db, data);
}

/* A folder for the key store files a test makes: a PostgreSQL store has no
 * folder of its own to put them in. */
static char *
key_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-services-keys-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* ---- raw SQL on a second connection --------------------------------------- */

/* A table's rows in order, on a line: PostgreSQL's aggregates take no order
 * from a subquery, only their own. */
#define SQLITE_TABLE_LINE " || (SELECT count(*) || ':' || coalesce(group_concat(x, ','), '') " \
                          "|| '\n' FROM (SELECT %1$s AS x FROM %2$s ORDER BY %3$s))"
#define PG_TABLE_LINE " || (SELECT count(*) || ':' || coalesce(string_agg(%1$s, ',' " \
                      "ORDER BY %3$s), '') || '\n' FROM %2$s)"

/* Everything a refused call must leave alone, as one string, a line per
 * table. One query for all: each raw query opens a connection of its own, and
 * a connection to a server costs more than the query. */
static char *
snapshot (TestBed *fx)
{
  static const struct
  {
    const char *table;
    const char *row;
    const char *order;
  } tables[] = {
    { "employee", "number || '/' || version || '/' || coalesce(department, '') || '/' || status",
      "number" },
    { "zone", "code || '/' || name || '/' || CAST(hr_may_grant AS integer)", "code" },
    { "schedule", "name || '/' || rules", "name" },
    { "zone_grant", "employee_id || '/' || zone_id || '/' || coalesce(expires, '')", "id" },
    { "card", "serial || '/' || state", "serial" },
    { "operator", "login || '/' || roles || '/' || CAST(active AS integer) || '/' "
      "|| failed_attempts || '/' || locked_until || '/' || password_hash", "login" },
    { "role_permission", "role || '/' || action || '/' || scope", "role, action" },
  };
  g_autoptr(GString) sql = g_string_new ("SELECT ''");

  char *text;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_string_append_printf (sql, SQL (SQLITE_TABLE_LINE, PG_TABLE_LINE),
                            tables[i].row, tables[i].table, tables[i].order);
  text = raw_text (&fx->db, sql->str);
  g_assert_nonnull (text);
  return text;
}

static gint64
count_rows (TestBed    *fx,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return raw_int (&fx->db, sql);
}

/* ---- the audit log ---------------------------------------------------------- */

static gint64
audit_head (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  guint8 hash[CI_AUDIT_HASH_LEN];
  gint64 seq = -1;

  g_assert_true (ci_store_audit_head (fx->db.store, &seq, hash, &error));
  g_assert_no_error (error);
  return seq;
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

static CiAuditEntry *
last_entry (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  CiAuditFilter filter = { .after_seq = audit_head (fx) - 1 };
  CiAuditEntry *entry = NULL;

  g_assert_true (ci_store_audit_foreach (fx->db.store, &filter, keep_entry, &entry, &error));
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->seq, ==, filter.after_seq + 1);
  return entry;
}

static void
assert_last_entry (TestBed    *fx,
                   const char *login,
                   const char *action,
                   CiOutcome   outcome)
{
  g_autoptr(CiAuditEntry) e = last_entry (fx);

  g_assert_cmpstr (e->operator_login, ==, login);
  g_assert_cmpstr (e->action, ==, action);
  g_assert_cmpstr (e->desk, ==, DESK);
  g_assert_cmpint (e->outcome, ==, outcome);
  if (outcome == CI_OUTCOME_OK)
    g_assert_cmpstr (e->reason, ==, "");
  else
    g_assert_cmpstr (e->reason, !=, "");
}

static gint64
card_state (TestBed *fx,
            gint64   serial)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM card WHERE serial = %"
                                          G_GINT64_FORMAT, serial);

  return raw_int (&fx->db, sql);
}

/* ---- the role matrix ------------------------------------------------------ */

typedef struct
{
  TestBed    *fx;
  CiOperator *actor;
  char       *key;      /* unique per cell: employee number, zone code, login… */
  gint64      serial;
  GObject    *object;
} Cell;

typedef struct
{
  const char *name;
  const char *action;                 /* the audit action */
  gboolean    allowed[N_ROLES];       /* hr, security, front desk, admin */
  const char *key_prefix;
  void      (*prepare) (Cell *cell);
  gboolean  (*run)     (Cell *cell, GError **error);
} MatrixRow;

static void
cell_clear (Cell *cell)
{
  g_clear_pointer (&cell->key, g_free);
  g_clear_object (&cell->object);
}

/* Store-level set-up for a cell, under the services' feet: no audit entry. */
static void
prepare_employee (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  CiEmployee *e = new_employee (cell->key, "Cell", "Person");

  g_assert_true (ci_store_employee_insert (cell->fx->db.store, e, &error));
  g_assert_no_error (error);
  cell->object = G_OBJECT (e);
}

static void
prepare_zone (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  CiZone *z = new_zone (CI_ZONE_AREA, cell->fx->building_id, cell->key, FALSE);

  g_assert_true (ci_store_zone_insert (cell->fx->db.store, z, &error));
  g_assert_no_error (error);
  cell->object = G_OBJECT (z);
}

static void
prepare_grant (Cell   *cell,
               gint64  zone_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiGrant) grant = ci_grant_new ();

  prepare_employee (cell);
  ci_grant_set_employee_id (grant, ci_employee_get_id (CI_EMPLOYEE (cell->object)));
  ci_grant_set_zone_id (grant, zone_id);
  ci_grant_set_granted_by (grant, "sec");
  ci_grant_set_granted_at (grant, g_get_real_time ());
  g_assert_true (ci_store_grant_insert (cell->fx->db.store, grant, &error));
  g_assert_no_error (error);
}

static void
prepare_grant_hr (Cell *cell)
{
  prepare_grant (cell, cell->fx->area_hr_id);
}

static void
prepare_grant_sec (Cell *cell)
{
  prepare_grant (cell, cell->fx->area_sec_id);
}

static void
prepare_card (Cell        *cell,
              CiCardState  state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = ci_store_employee_get_by_number (cell->fx->db.store, "E-0002", &error);
  g_autoptr(CiCard) card = ci_card_new ();

  g_assert_no_error (error);
  ci_card_set_employee_id (card, ci_employee_get_id (e));
  ci_card_set_state (card, state);
  ci_card_set_valid_until (card, "2099-12-31");
  g_assert_true (ci_store_card_insert (cell->fx->db.store, card, &error));
  g_assert_no_error (error);
  cell->serial = ci_card_get_serial (card);
  g_assert_cmpint (cell->serial, >, 0);
}

static void
prepare_card_active (Cell *cell)
{
  prepare_card (cell, CI_CARD_ACTIVE);
}

static void
prepare_card_suspended (Cell *cell)
{
  prepare_card (cell, CI_CARD_SUSPENDED);
}

static void
prepare_operator (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = new_operator (cell->key, "Cell Operator", CI_ROLE_FRONT_DESK);

  ci_operator_set_password_hash (op,
                                 ci_operator_get_password_hash (cell->fx->ops[ROLE_FRONT_DESK]));
  ci_operator_set_active (op, TRUE);
  ci_operator_set_failed_attempts (op, 3);
  ci_operator_set_locked_until (op, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_assert_true (ci_store_operator_insert (cell->fx->db.store, op, &error));
  g_assert_no_error (error);
  cell->object = G_OBJECT (op);
}

static CiOperator *
stored_operator (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = ci_store_operator_get (cell->fx->db.store, cell->key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);
  return op;
}

static gboolean
run_enroll (Cell    *cell,
            GError **error)
{
  g_autoptr(CiEmployee) e = new_employee (cell->key, "New", "Hire");
  g_autoptr(CiEmployee) stored = NULL;

  if (!ci_services_employee_enroll (cell->fx->services, cell->actor, e, error))
    return FALSE;
  g_assert_cmpint (ci_employee_get_id (e), >, 0);
  stored = ci_store_employee_get_by_number (cell->fx->db.store, cell->key, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (ci_employee_get_family_name (stored), ==, "Hire");
  return TRUE;
}

static gboolean
run_update (Cell    *cell,
            GError **error)
{
  CiEmployee *e = CI_EMPLOYEE (cell->object);
  g_autoptr(CiEmployee) stored = NULL;

  ci_employee_set_department (e, "Research");
  if (!ci_services_employee_update (cell->fx->services, cell->actor, e, error))
    return FALSE;
  stored = ci_store_employee_get_by_number (cell->fx->db.store, cell->key, NULL);
  g_assert_cmpstr (ci_employee_get_department (stored), ==, "Research");
  g_assert_cmpint (ci_employee_get_version (stored), ==, 2);
  g_assert_cmpint (ci_employee_get_version (e), ==, 2);
  return TRUE;
}

static gboolean
run_get (Cell    *cell,
         GError **error)
{
  g_autoptr(CiEmployee) e = ci_services_employee_get (cell->fx->services, cell->actor, "E-0001",
                                                      error);

  if (e == NULL)
    return FALSE;
  g_assert_cmpstr (ci_employee_get_number (e), ==, "E-0001");
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Ada");
  return TRUE;
}

static gboolean
run_search (Cell    *cell,
            GError **error)
{
  g_autoptr(GPtrArray) found = ci_services_employee_search (cell->fx->services, cell->actor,
                                                            "Hopp", 0, 0, error);

  if (found == NULL)
    return FALSE;
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (ci_employee_get_number (g_ptr_array_index (found, 0)), ==, "E-0002");
  return TRUE;
}

static gboolean
run_find (Cell    *cell,
          GError **error)
{
  g_autoptr(GArray) ids = ci_services_employee_find (cell->fx->services, cell->actor, "Hopp",
                                                     CI_EMPLOYEE_ORDER_NAME, error);

  if (ids == NULL)
    return FALSE;
  g_assert_cmpuint (ids->len, ==, 1);
  return TRUE;
}

static gboolean
run_get_many (Cell    *cell,
              GError **error)
{
  g_autoptr(CiEmployee) e = ci_store_employee_get_by_number (cell->fx->db.store, "E-0002", NULL);
  gint64 id = ci_employee_get_id (e);
  g_autoptr(GPtrArray) found = ci_services_employee_get_many (cell->fx->services, cell->actor,
                                                              &id, 1, error);

  if (found == NULL)
    return FALSE;
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (ci_employee_get_number (g_ptr_array_index (found, 0)), ==, "E-0002");
  return TRUE;
}

static gboolean
run_import (Cell    *cell,
            GError **error)
{
  g_autofree char *csv = g_strdup_printf ("employee_number,given_name,family_name,valid_from,"
                                          "valid_until\n%s,Imported,Person,2024-01-01,"
                                          "2030-12-31\n", cell->key);
  g_autoptr(GPtrArray) problems = NULL;
  guint n = 99;
  gboolean ok;

  ok = ci_services_employee_import (cell->fx->services, cell->actor, csv, strlen (csv), &n,
                                    &problems, error);
  if (!ok)
    {
      g_assert_cmpuint (n, ==, 0);
      g_assert_null (problems);
      return FALSE;
    }
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, ==, 0);
  return TRUE;
}

static gboolean
run_zone_add (Cell    *cell,
              GError **error)
{
  g_autoptr(CiZone) z = new_zone (CI_ZONE_AREA, cell->fx->building_id, cell->key, FALSE);
  g_autoptr(CiZone) stored = NULL;

  if (!ci_services_zone_add (cell->fx->services, cell->actor, z, error))
    return FALSE;
  stored = ci_store_zone_get_by_code (cell->fx->db.store, cell->key, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpint (ci_zone_get_parent_id (stored), ==, cell->fx->building_id);
  return TRUE;
}

static gboolean
run_zone_update (Cell    *cell,
                 GError **error)
{
  CiZone *z = CI_ZONE (cell->object);
  g_autoptr(CiZone) stored = NULL;

  ci_zone_set_name (z, "Renamed");
  if (!ci_services_zone_update (cell->fx->services, cell->actor, z, error))
    return FALSE;
  stored = ci_store_zone_get_by_code (cell->fx->db.store, cell->key, NULL);
  g_assert_cmpstr (ci_zone_get_name (stored), ==, "Renamed");
  return TRUE;
}

static gboolean
run_zone_list (Cell    *cell,
               GError **error)
{
  g_autoptr(GPtrArray) zones = ci_services_zone_list (cell->fx->services, cell->actor, error);

  if (zones == NULL)
    return FALSE;
  g_assert_cmpint (zones->len, ==, count_rows (cell->fx, "zone"));
  g_assert_cmpstr (ci_zone_get_code (g_ptr_array_index (zones, 0)), ==, "SITE-1");
  return TRUE;
}

static gboolean
run_schedule_add (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiSchedule) s = ci_schedule_new ();

  ci_schedule_set_name (s, cell->key);
  ci_schedule_set_rules (s, "sat 08:00-12:00");
  if (!ci_services_schedule_add (cell->fx->services, cell->actor, s, error))
    return FALSE;
  g_assert_cmpint (ci_schedule_get_id (s), >, 0);
  return TRUE;
}

static gboolean
run_schedule_list (Cell    *cell,
                   GError **error)
{
  g_autoptr(GPtrArray) list = ci_services_schedule_list (cell->fx->services, cell->actor, error);
  gboolean found = FALSE;

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    found |= g_strcmp0 (ci_schedule_get_name (g_ptr_array_index (list, i)), "office") == 0;
  g_assert_true (found);
  return TRUE;
}

static gboolean
run_grant (Cell       *cell,
           const char *zone,
           GError    **error)
{
  g_autoptr(CiGrant) grant = ci_services_grant (cell->fx->services, cell->actor, cell->key, zone,
                                                "office", "2099-01-01", error);

  if (grant == NULL)
    return FALSE;
  g_assert_cmpint (ci_grant_get_id (grant), >, 0);
  g_assert_cmpstr (ci_grant_get_granted_by (grant), ==, ci_operator_get_login (cell->actor));
  g_assert_cmpstr (ci_grant_get_expires (grant), ==, "2099-01-01");
  return TRUE;
}

static gboolean
run_grant_hr_zone (Cell    *cell,
                   GError **error)
{
  return run_grant (cell, "AREA-HR", error);
}

static gboolean
run_grant_sec_zone (Cell    *cell,
                    GError **error)
{
  return run_grant (cell, "AREA-SEC", error);
}

static gboolean
run_withdraw (Cell       *cell,
              const char *zone,
              GError    **error)
{
  g_autofree char *sql = NULL;

  if (!ci_services_withdraw (cell->fx->services, cell->actor, cell->key, zone, error))
    return FALSE;
  sql = g_strdup_printf ("SELECT count(*) FROM zone_grant WHERE employee_id = %" G_GINT64_FORMAT,
                         ci_employee_get_id (CI_EMPLOYEE (cell->object)));
  g_assert_cmpint (raw_int (&cell->fx->db, sql), ==, 0);
  return TRUE;
}

static gboolean
run_withdraw_hr_zone (Cell    *cell,
                      GError **error)
{
  return run_withdraw (cell, "AREA-HR", error);
}

static gboolean
run_withdraw_sec_zone (Cell    *cell,
                       GError **error)
{
  return run_withdraw (cell, "AREA-SEC", error);
}

static gboolean
run_grant_list (Cell    *cell,
                GError **error)
{
  g_autoptr(GPtrArray) grants = ci_services_grant_list (cell->fx->services, cell->actor, "E-0001",
                                                        error);

  if (grants == NULL)
    return FALSE;
  g_assert_cmpuint (grants->len, ==, 1);
  g_assert_cmpint (ci_grant_get_zone_id (g_ptr_array_index (grants, 0)), ==,
                   cell->fx->area_hr_id);
  return TRUE;
}

static gboolean
run_card_request (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiCard) card = ci_services_card_request (cell->fx->services, cell->actor, "E-0002",
                                                     error);

  if (card == NULL)
    return FALSE;
  g_assert_cmpint (ci_card_get_serial (card), >, cell->fx->serial);
  g_assert_cmpint (ci_card_get_state (card), ==, CI_CARD_REQUESTED);
  g_assert_cmpint (card_state (cell->fx, ci_card_get_serial (card)), ==, CI_CARD_REQUESTED);
  return TRUE;
}

static gboolean
run_set_state (Cell        *cell,
               CiCardState  state,
               GError     **error)
{
  if (!ci_services_card_set_state (cell->fx->services, cell->actor, cell->serial, state,
                                   "matrix", error))
    return FALSE;
  g_assert_cmpint (card_state (cell->fx, cell->serial), ==, state);
  return TRUE;
}

static gboolean
run_set_lost (Cell    *cell,
              GError **error)
{
  return run_set_state (cell, CI_CARD_LOST, error);
}

static gboolean
run_set_suspended (Cell    *cell,
                   GError **error)
{
  return run_set_state (cell, CI_CARD_SUSPENDED, error);
}

static gboolean
run_set_active (Cell    *cell,
                GError **error)
{
  return run_set_state (cell, CI_CARD_ACTIVE, error);
}

static gboolean
run_card_list (Cell    *cell,
               GError **error)
{
  g_autoptr(GPtrArray) cards = ci_services_card_list (cell->fx->services, cell->actor, "E-0001",
                                                      error);

  if (cards == NULL)
    return FALSE;
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_serial (g_ptr_array_index (cards, 0)), ==, cell->fx->serial);
  return TRUE;
}

static gboolean
run_operator_add (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiOperator) op = new_operator (cell->key, "Added Operator", CI_ROLE_SECURITY);
  g_autoptr(CiOperator) stored = NULL;

  if (!ci_services_operator_add (cell->fx->services, cell->actor, op, "operator-password-1",
                                 error))
    return FALSE;
  stored = stored_operator (cell);
  g_assert_cmpint (ci_operator_get_roles (stored), ==, CI_ROLE_SECURITY);
  g_assert_true (ci_operator_get_active (stored));
  return TRUE;
}

static gboolean
run_set_roles (Cell    *cell,
               GError **error)
{
  g_autoptr(CiOperator) stored = NULL;

  if (!ci_services_operator_set_roles (cell->fx->services, cell->actor, cell->key,
                                       CI_ROLE_HR | CI_ROLE_SECURITY, error))
    return FALSE;
  stored = stored_operator (cell);
  g_assert_cmpint (ci_operator_get_roles (stored), ==, CI_ROLE_HR | CI_ROLE_SECURITY);
  return TRUE;
}

static gboolean
run_set_password (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiOperator) stored = NULL;

  if (!ci_services_operator_set_password (cell->fx->services, cell->actor, cell->key,
                                          "a-brand-new-password", error))
    return FALSE;
  stored = stored_operator (cell);
  g_assert_cmpstr (ci_operator_get_password_hash (stored), !=,
                   ci_operator_get_password_hash (CI_OPERATOR (cell->object)));
  g_assert_cmpint (ci_operator_get_failed_attempts (stored), ==, 0);
  return TRUE;
}

static gboolean
run_set_inactive (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiOperator) stored = NULL;

  if (!ci_services_operator_set_active (cell->fx->services, cell->actor, cell->key, FALSE, error))
    return FALSE;
  stored = stored_operator (cell);
  g_assert_false (ci_operator_get_active (stored));
  return TRUE;
}

static gboolean
run_unlock (Cell    *cell,
            GError **error)
{
  g_autoptr(CiOperator) stored = NULL;

  if (!ci_services_operator_unlock (cell->fx->services, cell->actor, cell->key, error))
    return FALSE;
  stored = stored_operator (cell);
  g_assert_cmpint (ci_operator_get_failed_attempts (stored), ==, 0);
  g_assert_cmpint (ci_operator_get_locked_until (stored), ==, 0);
  return TRUE;
}

static gboolean
run_operator_list (Cell    *cell,
                   GError **error)
{
  g_autoptr(GPtrArray) ops = ci_services_operator_list (cell->fx->services, cell->actor, error);

  if (ops == NULL)
    return FALSE;
  g_assert_cmpint (ops->len, ==, count_rows (cell->fx, "operator"));
  g_assert_cmpuint (ops->len, >=, N_ROLES);
  return TRUE;
}

static gboolean
run_policy_set (Cell    *cell,
                GError **error)
{
  /* Stores the default value, so an allowed call changes nothing later cells rely on. */
  if (!ci_services_policy_set (cell->fx->services, cell->actor, CI_ROLE_FRONT_DESK,
                               CI_ACTION_ZONE_MANAGE, CI_SCOPE_NONE, error))
    return FALSE;
  g_assert_cmpint (raw_int (&cell->fx->db, "SELECT scope FROM role_permission WHERE role = 4 "
                                           "AND action = 'zone.manage'"), ==, CI_SCOPE_NONE);
  return TRUE;
}

static gboolean
run_policy_get (Cell    *cell,
                GError **error)
{
  g_autoptr(CiPolicy) policy = ci_services_policy_get (cell->fx->services, cell->actor, error);

  if (policy == NULL)
    return FALSE;
  g_assert_cmpint (ci_policy_get (policy, CI_ROLE_HR, CI_ACTION_GRANT), ==, CI_SCOPE_LIMITED);
  g_assert_cmpint (ci_policy_get (policy, CI_ROLE_ADMIN, CI_ACTION_ADMIN), ==, CI_SCOPE_ALL);
  return TRUE;
}

static gboolean
run_audit_export (Cell    *cell,
                  GError **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  gint64 before = audit_head (cell->fx);
  gsize size;

  if (!ci_services_audit_export (cell->fx->services, cell->actor, NULL, out, NULL, error))
    return FALSE;
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_cmpuint (size, >, 0);
  g_assert_cmpint (before, >, 0);
  return TRUE;
}

static gboolean
run_audit_verify (Cell    *cell,
                  GError **error)
{
  g_autoptr(CiAuditReport) report = ci_services_audit_verify (cell->fx->services, cell->actor,
                                                              error);

  if (report == NULL)
    return FALSE;
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->head_seq, ==, audit_head (cell->fx) - 1);
  return TRUE;
}

#define Y TRUE
#define N FALSE
static const MatrixRow matrix[] = {
  /*                                          hr sec fd admin */
  { "enroll", "employee.enroll",            { Y, N, N, N }, "M-EN", NULL, run_enroll },
  { "update", "employee.edit",              { Y, N, N, N }, "M-UP", prepare_employee, run_update },
  { "get", "employee.view",                 { Y, Y, Y, N }, NULL, NULL, run_get },
  { "search", "employee.search",            { Y, Y, Y, N }, NULL, NULL, run_search },
  { "import", "employee.import",            { Y, N, N, N }, "M-IM", NULL, run_import },
  { "zone-add", "zone.add",                 { N, Y, N, N }, "Z-ADD", NULL, run_zone_add },
  { "zone-update", "zone.edit",             { N, Y, N, N }, "Z-UP", prepare_zone, run_zone_update },
  { "zone-list", "zone.list",               { Y, Y, Y, N }, NULL, NULL, run_zone_list },
  { "schedule-add", "schedule.add",         { N, Y, N, N }, "sched", NULL, run_schedule_add },
  { "schedule-list", "schedule.list",       { Y, Y, Y, N }, NULL, NULL, run_schedule_list },
  { "grant-hr-zone", "grant.add",           { Y, Y, N, N }, "M-GH", prepare_employee,
    run_grant_hr_zone },
  { "grant-other-zone", "grant.add",        { N, Y, N, N }, "M-GS", prepare_employee,
    run_grant_sec_zone },
  { "withdraw-hr-zone", "grant.withdraw",   { Y, Y, N, N }, "M-WH", prepare_grant_hr,
    run_withdraw_hr_zone },
  { "withdraw-other-zone", "grant.withdraw", { N, Y, N, N }, "M-WS", prepare_grant_sec,
    run_withdraw_sec_zone },
  { "grant-list", "grant.list",             { Y, Y, Y, N }, NULL, NULL, run_grant_list },
  { "card-request", "card.request",         { Y, Y, N, N }, NULL, NULL, run_card_request },
  { "card-lost", "card.state",              { Y, Y, Y, N }, NULL, prepare_card_active,
    run_set_lost },
  { "card-suspend", "card.state",           { N, Y, N, N }, NULL, prepare_card_active,
    run_set_suspended },
  { "card-resume", "card.state",            { N, Y, N, N }, NULL, prepare_card_suspended,
    run_set_active },
  { "card-list", "card.list",               { Y, Y, Y, N }, NULL, NULL, run_card_list },
  { "operator-add", "operator.add",         { N, N, N, Y }, "op-add", NULL, run_operator_add },
  { "operator-roles", "operator.roles",     { N, N, N, Y }, "op-roles", prepare_operator,
    run_set_roles },
  { "operator-password", "operator.password", { N, N, N, Y }, "op-pw", prepare_operator,
    run_set_password },
  { "operator-disable", "operator.disable", { N, N, N, Y }, "op-off", prepare_operator,
    run_set_inactive },
  { "operator-unlock", "operator.unlock",   { N, N, N, Y }, "op-unlock", prepare_operator,
    run_unlock },
  { "operator-list", "operator.list",       { N, N, N, Y }, NULL, NULL, run_operator_list },
  { "policy-set", "policy.set",             { N, N, N, Y }, NULL, NULL, run_policy_set },
  { "policy-get", "policy.list",            { N, N, N, Y }, NULL, NULL, run_policy_get },
  { "audit-export", "audit.export",         { Y, Y, Y, Y }, NULL, NULL, run_audit_export },
  { "audit-verify", "audit.verify",         { N, Y, N, Y }, NULL, NULL, run_audit_verify },
  { "find", "employee.search",              { Y, Y, Y, N }, NULL, NULL, run_find },
  { "get-many", "employee.list",            { Y, Y, Y, N }, NULL, NULL, run_get_many },
};
#undef Y
#undef N

static void
cell_prepare (TestBed         *fx,
              const MatrixRow *row,
              CiOperator      *actor,
              Cell            *cell)
{
  cell->fx = fx;
  cell->actor = actor;
  if (row->key_prefix)
    cell->key = g_strdup_printf ("%s-%u", row->key_prefix, ++fx->counter);
  if (row->prepare)
    row->prepare (cell);
}

/* Runs one row for one actor and checks the outcome; @reason_part, if not
 * %NULL, must appear in the refusal's audit reason. */
static void
check_cell (TestBed         *fx,
            const MatrixRow *row,
            CiOperator      *actor,
            gboolean         allowed,
            const char      *reason_part)
{
  const char *login = ci_operator_get_login (actor);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  Cell cell = { 0 };
  gint64 head;
  gboolean ok;

  g_test_message ("%s as %s: expect %s", row->name, login, allowed ? "allowed" : "refused");
  cell_prepare (fx, row, actor, &cell);
  before = snapshot (fx);
  head = audit_head (fx);
  ok = row->run (&cell, &error);
  entry = last_entry (fx);
  if (allowed)
    {
      if (!ok)
        g_error ("%s as %s was refused: %s", row->name, login, error ? error->message : "?");
      g_assert_no_error (error);
      g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
    }
  else
    {
      if (ok)
        g_error ("%s as %s was allowed", row->name, login);
      g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
      after = snapshot (fx);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_REFUSED);
      if (reason_part)
        g_assert_nonnull (strstr (entry->reason, reason_part));
    }
  /* Exactly one entry per call, whoever made it and whatever came of it. */
  g_assert_cmpint (entry->seq, ==, head + 1);
  g_assert_cmpstr (entry->operator_login, ==, login);
  g_assert_cmpstr (entry->action, ==, row->action);
  g_assert_cmpstr (entry->desk, ==, DESK);
  cell_clear (&cell);
}

static void
test_role_matrix (TestBed       *fx,
                  gconstpointer  data)
{
  for (guint r = 0; r < G_N_ELEMENTS (matrix); r++)
    for (guint role = 0; role < N_ROLES; role++)
      check_cell (fx, &matrix[r], fx->ops[role], matrix[r].allowed[role], NULL);

  /* The refusals of a role's own check say which role and permission. */
  check_cell (fx, &matrix[0], fx->ops[ROLE_SECURITY], FALSE, "role security may not "
                                                             "employee.edit");
  check_cell (fx, &matrix[11], fx->ops[ROLE_HR], FALSE, "AREA-SEC");
  check_cell (fx, &matrix[29], fx->ops[ROLE_FRONT_DESK], FALSE, "read all");
}

/* ---- roles come from the store ---------------------------------------------- */

static void
test_roles_from_store (TestBed       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiOperator) op = new_operator ("intruder", "Not Allowed", CI_ROLE_ADMIN);
  g_autofree char *before = snapshot (fx);
  g_autofree char *after = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  g_autoptr(CiOperator) fd = NULL;
  g_autoptr(CiOperator) ghost = new_operator ("ghost", "Never Added", CI_ROLE_ADMIN);

  /* Promoted in memory only: the store still says HR. */
  ci_operator_set_roles (fx->ops[ROLE_HR], CI_ROLE_ADMIN);
  g_assert_false (ci_services_operator_add (fx->services, fx->ops[ROLE_HR], op,
                                            "intruder-password", &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
  entry = last_entry (fx);
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_REFUSED);
  g_assert_cmpstr (entry->operator_login, ==, "hr");
  g_assert_cmpstr (entry->action, ==, "operator.add");
  g_assert_nonnull (strstr (entry->reason, "role hr may not admin"));
  g_clear_pointer (&entry, ci_audit_entry_free);

  /* An operator the store does not know is no one. */
  g_assert_false (ci_services_operator_add (fx->services, ghost, op, "intruder-password",
                                            &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_last_entry (fx, "ghost", "operator.add", CI_OUTCOME_REFUSED);

  /* A disabled operator is refused everything, even with the object in hand. */
  g_assert_true (ci_services_operator_set_active (fx->services, fx->ops[ROLE_ADMIN], "fd", FALSE,
                                                  &error));
  g_assert_no_error (error);
  assert_last_entry (fx, "admin", "operator.disable", CI_OUTCOME_OK);
  g_assert_true (ci_operator_get_active (fx->ops[ROLE_FRONT_DESK]));
  for (guint r = 0; r < G_N_ELEMENTS (matrix); r++)
    check_cell (fx, &matrix[r], fx->ops[ROLE_FRONT_DESK], FALSE,
                "not signed in as an active operator");

  fd = ci_services_authenticate (fx->services, "fd", FD_PASSWORD, &error);
  g_assert_null (fd);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_LOCKED_OUT);
  g_clear_error (&error);
  assert_last_entry (fx, "fd", "operator.login", CI_OUTCOME_REFUSED);

  /* An administrator cannot disable their own account. */
  g_assert_false (ci_services_operator_set_active (fx->services, fx->ops[ROLE_ADMIN], "admin",
                                                   FALSE, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);
  assert_last_entry (fx, "admin", "operator.disable", CI_OUTCOME_FAILED);
  g_assert_cmpint (raw_int (&fx->db, "SELECT CAST(active AS integer) FROM operator "
                                     "WHERE login = 'admin'"), ==, 1);

  /* Enabled again, the same object works. */
  g_assert_true (ci_services_operator_set_active (fx->services, fx->ops[ROLE_ADMIN], "fd", TRUE,
                                                  &error));
  g_assert_no_error (error);
  check_cell (fx, &matrix[2], fx->ops[ROLE_FRONT_DESK], TRUE, NULL);
}

/* ---- sign-in ---------------------------------------------------------------- */

/* The audit entries with @text in any of their texts, ASCII letters in any case. */
static gint64
audit_rows_containing (TestBed    *fx,
                       const char *text)
{
  static const char * const columns[] = {
    "desk", "operator", "action", "subject_type", "subject_id", "reason", "details",
  };
  g_auto(GStrv) pieces = g_strsplit (text, "'", -1);
  g_autofree char *literal = g_strjoinv ("''", pieces);
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM audit");

  /* SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's ILIKE does. */
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_string_append_printf (sql, " %s %s %s '%%%s%%'", i ? "OR" : "WHERE", columns[i],
                            SQL ("LIKE", "ILIKE"), literal);
  return raw_int (&fx->db, sql->str);
}

static void
assert_login_fails (TestBed    *fx,
                    const char *login,
                    const char *password,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiOperator) op = ci_services_authenticate (fx->services, login, password, &error);

  g_assert_null (op);
  g_assert_error (error, CI_SERVICE_ERROR, code);
  assert_last_entry (fx, login, "operator.login", CI_OUTCOME_REFUSED);
}

static void
test_authenticate (TestBed       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unknown_error = NULL;
  g_autoptr(CiOperator) op = NULL;
  g_autoptr(CiOperator) again = NULL;
  g_autoptr(CiOperator) fresh = new_operator ("newbie", "New Operator", CI_ROLE_HR);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  op = ci_services_authenticate (fx->services, "sec", SEC_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (op);
  g_assert_cmpstr (ci_operator_get_login (op), ==, "sec");
  g_assert_cmpint (ci_operator_get_roles (op), ==, CI_ROLE_SECURITY);
  assert_last_entry (fx, "sec", "operator.login", CI_OUTCOME_OK);
  g_clear_object (&op);

  /* Wrong password and unknown login read the same. */
  op = ci_services_authenticate (fx->services, "sec", "Wrong-Battery-Staple", &error);
  g_assert_null (op);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_AUTH_FAILED);
  assert_last_entry (fx, "sec", "operator.login", CI_OUTCOME_REFUSED);
  op = ci_services_authenticate (fx->services, "nobody", "Wrong-Battery-Staple", &unknown_error);
  g_assert_null (op);
  g_assert_error (unknown_error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_AUTH_FAILED);
  g_assert_cmpstr (unknown_error->message, ==, error->message);
  assert_last_entry (fx, "nobody", "operator.login", CI_OUTCOME_REFUSED);
  g_clear_error (&error);

  /* A right password resets the count. */
  op = ci_services_authenticate (fx->services, "sec", SEC_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (op);
  g_clear_object (&op);
  g_assert_cmpint (raw_int (&fx->db, "SELECT failed_attempts FROM operator WHERE login = 'sec'"),
                   ==, 0);

  /* Five wrong in a row lock the account, the right password then too. */
  for (int i = 1; i < CI_OPERATOR_MAX_FAILURES; i++)
    assert_login_fails (fx, "fd", "Wrong-Battery-Staple", CI_SERVICE_ERROR_AUTH_FAILED);
  assert_login_fails (fx, "fd", "Wrong-Battery-Staple", CI_SERVICE_ERROR_LOCKED_OUT);
  g_assert_cmpint (raw_int (&fx->db, "SELECT locked_until FROM operator WHERE login = 'fd'"), >,
                   g_get_real_time () / G_USEC_PER_SEC);
  assert_login_fails (fx, "fd", FD_PASSWORD, CI_SERVICE_ERROR_LOCKED_OUT);

  g_assert_true (ci_services_operator_unlock (fx->services, fx->ops[ROLE_ADMIN], "fd", &error));
  g_assert_no_error (error);
  assert_last_entry (fx, "admin", "operator.unlock", CI_OUTCOME_OK);
  op = ci_services_authenticate (fx->services, "fd", FD_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (op);
  assert_last_entry (fx, "fd", "operator.login", CI_OUTCOME_OK);
  g_assert_cmpint (raw_int (&fx->db, "SELECT failed_attempts FROM operator WHERE login = 'fd'"),
                   ==, 0);

  /* Setup only once, and never with a short password. */
  again = ci_services_setup_first_admin (fx->services, "admin2", "Second Admin",
                                         "another-admin-password", &error);
  g_assert_null (again);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP);
  g_clear_error (&error);
  assert_last_entry (fx, "admin2", "setup.first-admin", CI_OUTCOME_REFUSED);
  g_assert_cmpint (raw_int (&fx->db, "SELECT count(*) FROM operator WHERE login = 'admin2'"),
                   ==, 0);
  again = ci_services_setup_first_admin (fx->services, "admin2", "Second Admin", "short", &error);
  g_assert_null (again);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);

  before = snapshot (fx);
  g_assert_false (ci_services_operator_add (fx->services, fx->ops[ROLE_ADMIN], fresh, "123456789",
                                            &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
  assert_last_entry (fx, "admin", "operator.add", CI_OUTCOME_FAILED);
  g_assert_false (ci_services_operator_set_password (fx->services, fx->ops[ROLE_ADMIN], "hr",
                                                     "tiny", &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);
  assert_last_entry (fx, "admin", "operator.password", CI_OUTCOME_FAILED);
  g_assert_true (ci_services_operator_set_password (fx->services, fx->ops[ROLE_ADMIN], "hr",
                                                    "Replacement-Password-9", &error));
  g_assert_no_error (error);

  /* No password, right or wrong, ever reaches the audit log. */
  {
    const char * const secrets[] = {
      ADMIN_PASSWORD, HR_PASSWORD, SEC_PASSWORD, FD_PASSWORD, "Wrong-Battery-Staple",
      "another-admin-password", "123456789", "tiny", "Replacement-Password-9",
    };
    g_assert_cmpint (audit_rows_containing (fx, "operator.login"), >, 0);
    for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
      g_assert_cmpint (audit_rows_containing (fx, secrets[i]), ==, 0);
  }
}

/* ---- import ----------------------------------------------------------------- */

#define CSV_HEADER "employee_number,given_name,family_name,department,valid_from,valid_until\n"

static void
test_import_good (TestBed       *fx,
                  gconstpointer  data)
{
  static const char csv[] = CSV_HEADER
    "I-001,Alan,Turing,Research,2024-01-01,2030-12-31\n"
    "I-002,Barbara,Liskov,Research,2024-01-01,2030-12-31\n"
    "I-003,Claude,Shannon,\"Signals, Noise\",2024-02-01,2031-01-31\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CiEmployee) e = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  gint64 head = audit_head (fx);
  guint n = 0;

  g_assert_true (ci_services_employee_import (fx->services, fx->ops[ROLE_HR], csv,
                                              strlen (csv), &n, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpint (count_rows (fx, "employee"), ==, 5);
  e = ci_store_employee_get_by_number (fx->db.store, "I-003", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_employee_get_department (e), ==, "Signals, Noise");
  g_assert_cmpstr (ci_employee_get_valid_until (e), ==, "2031-01-31");

  g_assert_cmpint (audit_head (fx), ==, head + 1);
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "employee.import");
  g_assert_cmpstr (entry->operator_login, ==, "hr");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
  g_assert_nonnull (strstr (entry->details, "\"rows\":\"3\""));
}

static void
test_import_bad_rows (TestBed       *fx,
                      gconstpointer  data)
{
  static const char csv[] = CSV_HEADER
    "I-001,Alan,Turing,Research,2024-01-01,2030-13-45\n"
    "I-002,Barbara,Liskov,Research,2024-01-01,2030-12-31\n"
    "I-003,Claude,,Research,2024-01-01,2030-12-31\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *before = snapshot (fx);
  g_autofree char *after = NULL;
  gint64 head = audit_head (fx);
  CiCsvProblem *p;
  guint n = 99;

  g_assert_false (ci_services_employee_import (fx->services, fx->ops[ROLE_HR], csv,
                                               strlen (csv), &n, &problems, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_IMPORT);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpint (count_rows (fx, "employee"), ==, 2);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, ==, 2);
  p = g_ptr_array_index (problems, 0);
  g_assert_cmpuint (p->line, ==, 2);
  g_assert_true (g_str_has_prefix (p->message, "line 2: "));
  g_assert_nonnull (strstr (p->message, "Valid until"));
  p = g_ptr_array_index (problems, 1);
  g_assert_cmpuint (p->line, ==, 4);
  g_assert_true (g_str_has_prefix (p->message, "line 4: "));
  g_assert_nonnull (strstr (p->message, "Family name"));

  g_assert_cmpint (audit_head (fx), ==, head + 1);
  assert_last_entry (fx, "hr", "employee.import", CI_OUTCOME_FAILED);
}

static void
test_import_existing (TestBed       *fx,
                      gconstpointer  data)
{
  static const char csv[] = CSV_HEADER
    "I-001,Alan,Turing,Research,2024-01-01,2030-12-31\n"
    "\n"
    "E-0002,Grace,Hopper,Navy,2024-01-01,2030-12-31\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  CiCsvProblem *p;
  guint n = 99;

  g_assert_false (ci_services_employee_import (fx->services, fx->ops[ROLE_HR], csv,
                                               strlen (csv), &n, &problems, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_IMPORT);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpint (count_rows (fx, "employee"), ==, 2);
  g_assert_cmpint (raw_int (&fx->db, "SELECT count(*) FROM employee WHERE number = 'I-001'"),
                   ==, 0);
  g_assert_cmpuint (problems->len, ==, 1);
  p = g_ptr_array_index (problems, 0);
  g_assert_cmpuint (p->line, ==, 4);
  g_assert_nonnull (strstr (p->message, "line 4"));
  g_assert_nonnull (strstr (p->message, "E-0002"));
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "employee.import");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_FAILED);
  g_assert_nonnull (strstr (entry->reason, "1 problem in the file"));
}

/* ---- card life cycle -------------------------------------------------------- */

static void
set_state_ok (TestBed     *fx,
              guint        role,
              gint64       serial,
              CiCardState  state)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_services_card_set_state (fx->services, fx->ops[role], serial, state, NULL,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (card_state (fx, serial), ==, state);
  assert_last_entry (fx, role_logins[role], "card.state", CI_OUTCOME_OK);
}

static void
set_state_illegal (TestBed     *fx,
                   guint        role,
                   gint64       serial,
                   CiCardState  state)
{
  g_autoptr(GError) error = NULL;
  gint64 before = card_state (fx, serial);

  g_assert_false (ci_services_card_set_state (fx->services, fx->ops[role], serial, state,
                                              "try", &error));
  g_assert_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_TRANSITION);
  g_assert_cmpint (card_state (fx, serial), ==, before);
  assert_last_entry (fx, role_logins[role], "card.state", CI_OUTCOME_FAILED);
}

static void
test_card_life_cycle (TestBed       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  g_autofree char *serial_text = NULL;
  gint64 serial;

  card = ci_services_card_request (fx->services, fx->ops[ROLE_SECURITY], "E-0002", &error);
  g_assert_no_error (error);
  serial = ci_card_get_serial (card);
  serial_text = ci_card_format_serial (serial);
  g_assert_cmpint (ci_card_get_state (card), ==, CI_CARD_REQUESTED);
  g_assert_cmpint (ci_card_get_sequence (card), ==, 1);
  g_assert_cmpstr (ci_card_get_valid_until (card), ==, "2099-12-31");
  g_assert_cmpint (card_state (fx, serial), ==, CI_CARD_REQUESTED);
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "card.request");
  g_assert_cmpstr (entry->subject_type, ==, "card");
  g_assert_cmpstr (entry->subject_id, ==, serial_text);
  g_assert_cmpint (strlen (serial_text), ==, 10);

  /* requested → active skips initialisation and personalisation. */
  set_state_illegal (fx, ROLE_SECURITY, serial, CI_CARD_ACTIVE);
  g_clear_pointer (&entry, ci_audit_entry_free);
  entry = last_entry (fx);
  g_assert_nonnull (strstr (entry->reason, "requested"));

  set_state_ok (fx, ROLE_SECURITY, serial, CI_CARD_INITIALISED);
  set_state_ok (fx, ROLE_SECURITY, serial, CI_CARD_PERSONALISED);
  set_state_ok (fx, ROLE_HR, serial, CI_CARD_ACTIVE);
  set_state_ok (fx, ROLE_FRONT_DESK, serial, CI_CARD_LOST);

  /* A lost card never comes back, whoever asks. */
  set_state_illegal (fx, ROLE_SECURITY, serial, CI_CARD_ACTIVE);
  set_state_illegal (fx, ROLE_SECURITY, serial, CI_CARD_SUSPENDED);
  set_state_illegal (fx, ROLE_HR, serial, CI_CARD_ACTIVE);
  set_state_ok (fx, ROLE_FRONT_DESK, serial, CI_CARD_REVOKED);
  set_state_ok (fx, ROLE_SECURITY, serial, CI_CARD_DESTROYED);
  g_assert_cmpint (raw_int (&fx->db, "SELECT count(*) FROM card_transition WHERE serial = "
                                     "(SELECT max(serial) FROM card)"), ==, 7);

  /* A card that does not exist. */
  g_assert_false (ci_services_card_set_state (fx->services, fx->ops[ROLE_SECURITY], 999999,
                                              CI_CARD_LOST, NULL, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_last_entry (fx, "sec", "card.state", CI_OUTCOME_FAILED);

  cards = ci_services_card_list (fx->services, fx->ops[ROLE_FRONT_DESK], "E-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_state (g_ptr_array_index (cards, 0)), ==, CI_CARD_DESTROYED);
}

/* ---- optimistic versioning ---------------------------------------------------- */

static void
test_employee_conflict (TestBed       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) first = NULL;
  g_autoptr(CiEmployee) second = NULL;
  g_autoptr(CiEmployee) stored = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  first = ci_services_employee_get (fx->services, fx->ops[ROLE_HR], "E-0002", &error);
  g_assert_no_error (error);
  second = ci_services_employee_get (fx->services, fx->ops[ROLE_HR], "E-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_version (first), ==, 1);

  ci_employee_set_department (first, "Navy");
  g_assert_true (ci_services_employee_update (fx->services, fx->ops[ROLE_HR], first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ci_employee_get_version (first), ==, 2);

  before = snapshot (fx);
  ci_employee_set_department (second, "Army");
  g_assert_false (ci_services_employee_update (fx->services, fx->ops[ROLE_HR], second, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
  /* Who came first, and where: from the audit log. */
  g_assert_nonnull (strstr (error->message, "changed by Hanna Human at "));
  g_assert_nonnull (strstr (error->message, "(desk " DESK ")"));
  g_clear_error (&error);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
  assert_last_entry (fx, "hr", "employee.edit", CI_OUTCOME_FAILED);

  stored = ci_store_employee_get_by_number (fx->db.store, "E-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_employee_get_department (stored), ==, "Navy");
  g_assert_cmpint (ci_employee_get_version (stored), ==, 2);

  /* Read again, the edit goes through. */
  ci_employee_set_department (stored, "Army");
  g_assert_true (ci_services_employee_update (fx->services, fx->ops[ROLE_HR], stored, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (&fx->db, "SELECT version FROM employee WHERE number = 'E-0002'"),
                   ==, 3);
}

/* ---- the lazily loaded employee list ------------------------------------------ */

static void
test_employee_find (TestBed       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) refused_ids = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  gint64 page[3];

  ids = ci_services_employee_find (fx->services, fx->ops[ROLE_FRONT_DESK], "",
                                   CI_EMPLOYEE_ORDER_NUMBER_DESC, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "employee.search");
  g_assert_cmpstr (entry->operator_login, ==, "fd");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
  g_assert_nonnull (strstr (entry->details, "\"query\":\"\""));
  g_assert_nonnull (strstr (entry->details, "\"matches\":\"2\""));
  g_clear_pointer (&entry, ci_audit_entry_free);

  /* One page, with an id that is gone: the rows come in the page's order. */
  page[0] = g_array_index (ids, gint64, 0);
  page[1] = 999999;
  page[2] = g_array_index (ids, gint64, 1);
  found = ci_services_employee_get_many (fx->services, fx->ops[ROLE_FRONT_DESK], page,
                                         G_N_ELEMENTS (page), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (ci_employee_get_number (g_ptr_array_index (found, 0)), ==, "E-0002");
  g_assert_cmpstr (ci_employee_get_number (g_ptr_array_index (found, 1)), ==, "E-0001");
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "employee.list");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
  g_assert_nonnull (strstr (entry->details, "\"count\":\"2\""));
  g_clear_pointer (&entry, ci_audit_entry_free);

  /* The administrator may not view employees, by either call. */
  refused_ids = ci_services_employee_find (fx->services, fx->ops[ROLE_ADMIN], "Hopp",
                                           CI_EMPLOYEE_ORDER_NAME, &error);
  g_assert_null (refused_ids);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_last_entry (fx, "admin", "employee.search", CI_OUTCOME_REFUSED);
  refused = ci_services_employee_get_many (fx->services, fx->ops[ROLE_ADMIN], page,
                                           G_N_ELEMENTS (page), &error);
  g_assert_null (refused);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_last_entry (fx, "admin", "employee.list", CI_OUTCOME_REFUSED);
}

/* ---- grants ----------------------------------------------------------------- */

static void
test_grant_scope (TestBed       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiGrant) grant = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  g_autofree char *before = snapshot (fx);
  g_autofree char *after = NULL;
  g_autofree char *today = ci_date_today ();

  grant = ci_services_grant (fx->services, fx->ops[ROLE_HR], "E-0002", "AREA-SEC", NULL, NULL,
                             &error);
  g_assert_null (grant);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "AREA-SEC"));
  g_clear_error (&error);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
  entry = last_entry (fx);
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_REFUSED);
  g_assert_cmpstr (entry->operator_login, ==, "hr");
  g_assert_cmpstr (entry->action, ==, "grant.add");
  g_assert_cmpstr (entry->subject_id, ==, "E-0002");
  g_assert_nonnull (strstr (entry->reason, "AREA-SEC"));
  g_assert_nonnull (strstr (entry->details, "\"zone\":\"AREA-SEC\""));

  /* The refusal does not depend on the rest of the request being right. */
  grant = ci_services_grant (fx->services, fx->ops[ROLE_HR], "E-0002", "AREA-SEC", NULL,
                             "2000-01-01", &error);
  g_assert_null (grant);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_last_entry (fx, "hr", "grant.add", CI_OUTCOME_REFUSED);

  /* HR may grant the zone marked for HR, security any zone. */
  grant = ci_services_grant (fx->services, fx->ops[ROLE_HR], "E-0002", "AREA-HR", "office",
                             today, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_grant_get_granted_by (grant), ==, "hr");
  g_assert_cmpstr (ci_grant_get_expires (grant), ==, today);
  g_clear_object (&grant);
  grant = ci_services_grant (fx->services, fx->ops[ROLE_SECURITY], "E-0002", "AREA-SEC", NULL,
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ci_grant_get_granted_by (grant), ==, "sec");
  g_assert_cmpint (ci_grant_get_zone_id (grant), ==, fx->area_sec_id);
  g_assert_cmpint (ci_grant_get_schedule_id (grant), ==, 0);
  g_clear_object (&grant);
  assert_last_entry (fx, "sec", "grant.add", CI_OUTCOME_OK);

  grants = ci_services_grant_list (fx->services, fx->ops[ROLE_FRONT_DESK], "E-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, ==, 2);

  /* HR cannot take away what it may not give. */
  g_assert_false (ci_services_withdraw (fx->services, fx->ops[ROLE_HR], "E-0002", "AREA-SEC",
                                        &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  assert_last_entry (fx, "hr", "grant.withdraw", CI_OUTCOME_REFUSED);
  g_assert_false (ci_services_withdraw (fx->services, fx->ops[ROLE_HR], "E-0001", "AREA-SEC",
                                        &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fx, "zone_grant"), ==, 3);

  /* Past and malformed expiry dates. */
  g_free (before);
  before = snapshot (fx);
  grant = ci_services_grant (fx->services, fx->ops[ROLE_SECURITY], "E-0001", "AREA-SEC", NULL,
                             "2000-01-01", &error);
  g_assert_null (grant);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "past"));
  g_clear_error (&error);
  assert_last_entry (fx, "sec", "grant.add", CI_OUTCOME_FAILED);
  grant = ci_services_grant (fx->services, fx->ops[ROLE_SECURITY], "E-0001", "AREA-SEC", NULL,
                             "2030-02-30", &error);
  g_assert_null (grant);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);
  grant = ci_services_grant (fx->services, fx->ops[ROLE_SECURITY], "E-0001", "NO-SUCH-ZONE",
                             NULL, NULL, &error);
  g_assert_null (grant);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The same zone twice. */
  grant = ci_services_grant (fx->services, fx->ops[ROLE_SECURITY], "E-0001", "AREA-HR", NULL,
                             NULL, &error);
  g_assert_null (grant);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_free (after);
  after = snapshot (fx);
  g_assert_cmpstr (after, ==, before);
}

/* ---- audit export ------------------------------------------------------------ */

static char **
export_lines (TestBed             *fx,
              guint                role,
              const CiAuditFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autofree char *text = NULL;
  gsize size;

  g_assert_true (ci_services_audit_export (fx->services, fx->ops[role], filter, out, NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_cmpuint (strlen (text), ==, size - 1);
  g_assert_true (size == 1 || text[size - 2] == '\n');
  if (size > 1)
    text[size - 2] = '\0';
  return size > 1 ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
}

static void
test_audit_export_scope (TestBed       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(CiZone) site = new_zone (CI_ZONE_SITE, 0, "SITE-2", FALSE);
  CiAuditFilter others = { .operator_login = "sec" };
  gint64 n_fd, n_all;

  found = ci_services_employee_search (fx->services, fx->ops[ROLE_FRONT_DESK], "", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_false (ci_services_zone_add (fx->services, fx->ops[ROLE_FRONT_DESK], site, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* The search and the refused zone.add. */
  n_fd = raw_int (&fx->db, "SELECT count(*) FROM audit WHERE operator = 'fd'");
  g_assert_cmpint (n_fd, ==, 2);
  lines = export_lines (fx, ROLE_FRONT_DESK, NULL);
  g_assert_cmpuint (g_strv_length (lines), ==, n_fd);
  for (guint i = 0; lines[i]; i++)
    g_assert_nonnull (strstr (lines[i], "\"operator\":\"fd\""));
  g_clear_pointer (&lines, g_strfreev);
  assert_last_entry (fx, "fd", "audit.export", CI_OUTCOME_OK);

  /* Asking for someone else's entries gets one's own. */
  lines = export_lines (fx, ROLE_FRONT_DESK, &others);
  g_assert_cmpuint (g_strv_length (lines), ==, n_fd + 1);
  for (guint i = 0; lines[i]; i++)
    g_assert_nonnull (strstr (lines[i], "\"operator\":\"fd\""));
  g_clear_pointer (&lines, g_strfreev);

  /* HR too sees only its own. */
  lines = export_lines (fx, ROLE_HR, NULL);
  g_assert_cmpuint (g_strv_length (lines), ==,
                    raw_int (&fx->db, "SELECT count(*) FROM audit WHERE operator = 'hr'") - 1);
  for (guint i = 0; lines[i]; i++)
    g_assert_nonnull (strstr (lines[i], "\"operator\":\"hr\""));
  g_clear_pointer (&lines, g_strfreev);

  /* Security sees everyone's, in order. */
  n_all = count_rows (fx, "audit");
  lines = export_lines (fx, ROLE_SECURITY, NULL);
  g_assert_cmpuint (g_strv_length (lines), ==, n_all);
  g_assert_true (g_str_has_prefix (lines[0], "{\"seq\":1,"));
  g_assert_nonnull (strstr (lines[0], "\"action\":\"setup.first-admin\""));
  {
    gboolean seen[N_ROLES] = { FALSE };
    for (guint i = 0; lines[i]; i++)
      for (guint r = 0; r < N_ROLES; r++)
        {
          g_autofree char *needle = g_strdup_printf ("\"operator\":\"%s\"", role_logins[r]);
          seen[r] |= strstr (lines[i], needle) != NULL;
        }
    for (guint r = 0; r < N_ROLES; r++)
      g_assert_true (seen[r]);
  }
  g_clear_pointer (&lines, g_strfreev);

  /* Security's filter is honoured. */
  lines = export_lines (fx, ROLE_SECURITY, &others);
  g_assert_cmpuint (g_strv_length (lines), ==,
                    raw_int (&fx->db, "SELECT count(*) FROM audit WHERE operator = 'sec'") - 1);
}

/* ---- signed checkpoints ---------------------------------------------------------- */

static void
test_audit_checkpoints (TestBed       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_dir = key_dir_new ();
  g_autofree char *key_path = g_build_filename (key_dir, "keys.cikeys", NULL);
  g_autoptr(CiKeyStore) keys = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) checkpoints = NULL;
  CiAuditCheckpoint *last;
  gint64 head;

  /* Without a key store, signing now fails, and says so in the log. */
  g_assert_false (ci_services_audit_checkpoint (fx->services, fx->ops[ROLE_SECURITY], &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_last_entry (fx, "sec", "audit.checkpoint", CI_OUTCOME_FAILED);
  g_assert_cmpint (count_rows (fx, "audit_checkpoint"), ==, 0);

  keys = ci_key_store_create (key_path, KEY_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (keys));
  ci_services_set_key_store (fx->services, keys);
  g_assert_true (ci_services_get_key_store (fx->services) == keys);
  ci_audit_log_set_checkpoint_interval (ci_services_get_audit_log (fx->services), 5);

  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(GPtrArray) zones = ci_services_zone_list (fx->services, fx->ops[i % 3], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (zones->len, ==, 4);
    }
  checkpoints = ci_store_checkpoint_list (fx->db.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checkpoints->len, >=, 2);
  for (guint i = 1; i < checkpoints->len; i++)
    {
      CiAuditCheckpoint *a = g_ptr_array_index (checkpoints, i - 1);
      CiAuditCheckpoint *b = g_ptr_array_index (checkpoints, i);
      g_assert_cmpint (b->seq - a->seq, ==, 5);
      g_assert_cmpstr (b->desk, ==, DESK);
    }

  report = ci_services_audit_verify (fx->services, fx->ops[ROLE_SECURITY], &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpuint (report->problems->len, ==, 0);
  g_assert_cmpuint (report->n_checkpoints, ==, checkpoints->len);
  g_assert_cmpint (report->signed_seq, >, 0);
  g_assert_cmpint (report->signed_seq, ==,
                   ((CiAuditCheckpoint *) g_ptr_array_index (checkpoints,
                                                             checkpoints->len - 1))->seq);
  g_clear_pointer (&report, ci_audit_report_free);
  g_clear_pointer (&checkpoints, g_ptr_array_unref);

  /* HR and front desk may not verify the whole log. */
  report = ci_services_audit_verify (fx->services, fx->ops[ROLE_HR], &error);
  g_assert_null (report);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Shutdown signs the head. */
  head = audit_head (fx);
  ci_services_shutdown (fx->services);
  checkpoints = ci_store_checkpoint_list (fx->db.store, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (checkpoints, checkpoints->len - 1);
  g_assert_cmpint (last->seq, ==, head);
  g_assert_cmpint (audit_head (fx), ==, head);

  report = ci_services_audit_verify (fx->services, fx->ops[ROLE_ADMIN], &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->signed_seq, ==, head);
  g_assert_cmpint (report->head_seq, ==, head);
  g_clear_pointer (&report, ci_audit_report_free);

  /* Signing on demand works with the key store open. */
  g_assert_true (ci_services_audit_checkpoint (fx->services, fx->ops[ROLE_SECURITY], &error));
  g_assert_no_error (error);
  assert_last_entry (fx, "sec", "audit.checkpoint", CI_OUTCOME_OK);
  g_clear_pointer (&checkpoints, g_ptr_array_unref);
  checkpoints = ci_store_checkpoint_list (fx->db.store, &error);
  last = g_ptr_array_index (checkpoints, checkpoints->len - 1);
  g_assert_cmpint (last->seq, ==, audit_head (fx));

  ci_services_set_key_store (fx->services, NULL);
  ci_test_remove_dir (key_dir);
}

/* ---- unlocking the key store ------------------------------------------------ */

#define WRONG_PASSPHRASE "not the key store passphrase"

static void
assert_no_secret_in_audit (TestBed *fx)
{
  g_assert_cmpint (raw_int (&fx->db, SQL ("SELECT count(*) FROM audit WHERE "
                                          "instr(reason || details, '" KEY_PASSPHRASE "') > 0 OR "
                                          "instr(reason || details, '" WRONG_PASSPHRASE "') > 0",
                                          "SELECT count(*) FROM audit WHERE "
                                          "strpos(reason || details, '" KEY_PASSPHRASE "') > 0 OR "
                                          "strpos(reason || details, '" WRONG_PASSPHRASE "') > 0")),
                   ==, 0);
}

/* Card work unlocks the keys from a prompt: whoever may issue, reissue or
 * re-encode cards may unlock them, and every attempt is audited. */
static void
test_keys_unlock (TestBed       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_dir = key_dir_new ();
  g_autofree char *key_path = g_build_filename (key_dir, "keys.cikeys", NULL);
  g_autoptr(CiKeyStore) created = NULL;
  g_autoptr(CiKeyStore) keys = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;

  /* No key store at all: nothing to unlock, and the log says so. */
  g_assert_false (ci_services_keys_unlock (fx->services, fx->ops[ROLE_HR], KEY_PASSPHRASE,
                                           &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP);
  g_clear_error (&error);
  assert_last_entry (fx, "hr", "keystore.unlock", CI_OUTCOME_FAILED);

  created = ci_key_store_create (key_path, KEY_PASSPHRASE, &error);
  g_assert_no_error (error);
  keys = ci_key_store_open (key_path, &error);
  g_assert_no_error (error);
  ci_services_set_key_store (fx->services, keys);
  g_assert_false (ci_key_store_is_unlocked (keys));

  /* The administrator works on no cards: refused, even with the right
   * passphrase, before it is tried. */
  g_assert_false (ci_services_keys_unlock (fx->services, fx->ops[ROLE_ADMIN], KEY_PASSPHRASE,
                                           &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (ci_key_store_is_unlocked (keys));
  entry = last_entry (fx);
  g_assert_cmpstr (entry->action, ==, "keystore.unlock");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_REFUSED);
  g_assert_nonnull (strstr (entry->reason, "card.issue or card.reissue or card.change-access"));
  g_clear_pointer (&entry, ci_audit_entry_free);

  /* A wrong passphrase: locked still, a failed attempt on record. */
  g_assert_false (ci_services_keys_unlock (fx->services, fx->ops[ROLE_HR], WRONG_PASSPHRASE,
                                           &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE);
  g_assert_cmpstr (error->message, ==, "Wrong passphrase for the key store");
  g_clear_error (&error);
  g_assert_false (ci_key_store_is_unlocked (keys));
  entry = last_entry (fx);
  g_assert_cmpstr (entry->operator_login, ==, "hr");
  g_assert_cmpstr (entry->action, ==, "keystore.unlock");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_FAILED);
  g_assert_cmpstr (entry->subject_type, ==, "keystore");
  g_assert_cmpstr (entry->subject_id, ==, key_path);
  g_clear_pointer (&entry, ci_audit_entry_free);

  /* The front desk may only reissue, which is card work all the same. */
  g_assert_true (ci_services_keys_unlock (fx->services, fx->ops[ROLE_FRONT_DESK],
                                          KEY_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (keys));
  assert_last_entry (fx, "fd", "keystore.unlock", CI_OUTCOME_OK);

  /* Unlocked already: the keys stay as they are, whatever is typed. */
  g_assert_true (ci_services_keys_unlock (fx->services, fx->ops[ROLE_SECURITY],
                                          WRONG_PASSPHRASE, &error));
  g_assert_no_error (error);
  g_assert_true (ci_key_store_is_unlocked (keys));
  entry = last_entry (fx);
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
  g_assert_nonnull (strstr (entry->details, "already_unlocked"));

  assert_no_secret_in_audit (fx);
  ci_services_set_key_store (fx->services, NULL);
  g_assert_finalize_object (g_steal_pointer (&keys));
  g_assert_finalize_object (g_steal_pointer (&created));
  ci_test_remove_dir (key_dir);
}

/* ---- a card by its serial --------------------------------------------------- */

static void
test_card_get (TestBed       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCard) card = NULL;
  g_autoptr(CiEmployee) holder = NULL;
  g_autoptr(CiAuditEntry) entry = NULL;
  g_autofree char *serial_text = ci_card_format_serial (fx->serial);

  /* The front desk finds the card a visitor hands in, and whose it is. */
  card = ci_services_card_get (fx->services, fx->ops[ROLE_FRONT_DESK], fx->serial, &error);
  g_assert_no_error (error);
  g_assert_nonnull (card);
  g_assert_cmpint (ci_card_get_serial (card), ==, fx->serial);
  g_assert_cmpint (ci_card_get_state (card), ==, CI_CARD_REQUESTED);
  holder = ci_store_employee_get_by_number (fx->db.store, "E-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_card_get_employee_id (card), ==, ci_employee_get_id (holder));
  entry = last_entry (fx);
  g_assert_cmpstr (entry->operator_login, ==, "fd");
  g_assert_cmpstr (entry->action, ==, "card.view");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_OK);
  g_assert_cmpstr (entry->subject_type, ==, "card");
  g_assert_cmpstr (entry->subject_id, ==, serial_text);
  g_assert_nonnull (strstr (entry->details, "E-0001"));
  g_clear_object (&card);

  /* HR and security may look too; the administrator may not. */
  card = ci_services_card_get (fx->services, fx->ops[ROLE_HR], fx->serial, &error);
  g_assert_no_error (error);
  g_clear_object (&card);
  card = ci_services_card_get (fx->services, fx->ops[ROLE_SECURITY], fx->serial, &error);
  g_assert_no_error (error);
  g_clear_object (&card);
  card = ci_services_card_get (fx->services, fx->ops[ROLE_ADMIN], fx->serial, &error);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_assert_null (card);
  g_clear_error (&error);
  assert_last_entry (fx, "admin", "card.view", CI_OUTCOME_REFUSED);

  /* A serial nobody issued. */
  card = ci_services_card_get (fx->services, fx->ops[ROLE_FRONT_DESK], 999999, &error);
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND);
  g_assert_null (card);
  g_clear_error (&error);
  assert_last_entry (fx, "fd", "card.view", CI_OUTCOME_FAILED);
}

/* A front end offers what the roles allow; an account disabled since
 * sign-in is offered nothing. */
static void
test_operator_scopes (TestBed       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CiScope scopes[CI_N_ACTIONS];

  g_assert_true (ci_services_operator_scopes (fx->services, fx->ops[ROLE_HR], scopes, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scopes[CI_ACTION_CARD_ISSUE], ==, CI_SCOPE_ALL);
  g_assert_cmpint (scopes[CI_ACTION_GRANT], ==, CI_SCOPE_LIMITED);
  g_assert_cmpint (scopes[CI_ACTION_AUDIT_READ], ==, CI_SCOPE_LIMITED);
  g_assert_cmpint (scopes[CI_ACTION_ADMIN], ==, CI_SCOPE_NONE);
  g_assert_true (ci_services_operator_scopes (fx->services, fx->ops[ROLE_ADMIN], scopes, &error));
  g_assert_cmpint (scopes[CI_ACTION_ADMIN], ==, CI_SCOPE_ALL);
  g_assert_cmpint (scopes[CI_ACTION_EMPLOYEE_VIEW], ==, CI_SCOPE_NONE);

  g_assert_true (ci_services_operator_set_active (fx->services, fx->ops[ROLE_ADMIN], "hr", FALSE,
                                                  &error));
  g_assert_no_error (error);
  g_assert_true (ci_services_operator_scopes (fx->services, fx->ops[ROLE_HR], scopes, &error));
  for (guint a = 0; a < CI_N_ACTIONS; a++)
    g_assert_cmpint (scopes[a], ==, CI_SCOPE_NONE);
}

/* Who may enter a zone names employees: a role given zone view but not
 * employee view is refused the list, and the refusal is audited. */
static void
test_zone_grants_need_employee_view (TestBed       *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  list = ci_services_zone_grants (fx->services, fx->ops[ROLE_SECURITY], "AREA-HR", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (ci_services_policy_set (fx->services, fx->ops[ROLE_ADMIN], CI_ROLE_ADMIN,
                                         CI_ACTION_ZONE_VIEW, CI_SCOPE_ALL, &error));
  g_assert_no_error (error);
  list = ci_services_zone_grants (fx->services, fx->ops[ROLE_ADMIN], "AREA-HR", &error);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_assert_null (list);
  assert_last_entry (fx, "admin", "grant.list", CI_OUTCOME_REFUSED);
}

/* First run: the key store and the first administrator; a second run is
 * refused and audited, and leaves the key store alone. */
static void
test_first_run (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = key_dir_new ();
  g_autofree char *keys = g_build_filename (dir, "keys.cikeys", NULL);
  g_autofree char *other = g_build_filename (dir, "other.cikeys", NULL);
  g_autoptr(CiServices) services = ci_services_new (fx->store, "desk");
  g_autoptr(CiOperator) admin = NULL;
  g_autoptr(CiOperator) again = NULL;
  CiAuditFilter newest = { .limit = 1, .newest_first = TRUE };
  CiAuditEntry *entry = NULL;

  /* A password too short: nothing is created. */
  g_assert_null (ci_services_first_run (services, keys, "key store passphrase", "boss", "Boss",
                                        "short", &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (keys, G_FILE_TEST_EXISTS));

  admin = ci_services_first_run (services, keys, "key store passphrase", "boss", "Boss",
                                 "a long enough password", &error);
  g_assert_no_error (error);
  g_assert_true (ci_operator_get_roles (admin) == CI_ROLE_ADMIN);
  g_assert_true (g_file_test (keys, G_FILE_TEST_EXISTS));
  g_assert_true (ci_key_store_is_unlocked (ci_services_get_key_store (services)));
  g_assert_false (ci_services_needs_setup (services));

  again = ci_services_first_run (services, other, "key store passphrase", "eve", "Eve",
                                 "a long enough password", &error);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP);
  g_assert_null (again);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_true (ci_store_audit_foreach (fx->store, &newest, keep_entry, &entry, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (entry->action, ==, "setup.first-run");
  g_assert_cmpstr (entry->operator_login, ==, "eve");
  g_assert_cmpint (entry->outcome, ==, CI_OUTCOME_REFUSED);
  ci_audit_entry_free (entry);
  ci_services_shutdown (services);
  g_assert_finalize_object (g_steal_pointer (&services));
  ci_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!ci_test_store_init ())
    return 1;

#define ADD(path, func) \
  g_test_add ("/services/" path, TestBed, NULL, test_bed_setup, func, test_bed_teardown)
  ADD ("role-matrix", test_role_matrix);
  ADD ("roles-from-store", test_roles_from_store);
  ADD ("authenticate", test_authenticate);
  ADD ("import/good", test_import_good);
  ADD ("import/bad-rows", test_import_bad_rows);
  ADD ("import/existing", test_import_existing);
  ADD ("card-life-cycle", test_card_life_cycle);
  ADD ("employee-conflict", test_employee_conflict);
  ADD ("employee-find", test_employee_find);
  ADD ("grant-scope", test_grant_scope);
  ADD ("audit-export-scope", test_audit_export_scope);
  ADD ("audit-checkpoints", test_audit_checkpoints);
  ADD ("keys-unlock", test_keys_unlock);
  ADD ("card-get", test_card_get);
  ADD ("operator-scopes", test_operator_scopes);
  ADD ("zone-grants-need-employee-view", test_zone_grants_need_employee_view);
#undef ADD
  g_test_add ("/services/first-run", Fixture, NULL, fixture_setup, test_first_run,
              fixture_teardown);

  return g_test_run ();
}
