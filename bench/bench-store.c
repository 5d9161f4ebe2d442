/* bench-store.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints, for 100,000 employees and 1,000,000 audit entries on the SQLite store:
 * CSV import time, name-prefix search time (median of 100 queries), audit append
 * rate, and full chain verification time. Sizes can be lowered for a quick look:
 * bench-store [EMPLOYEES [AUDIT_ENTRIES]].
 */

#include "services/ci-services.h"
#include "store/ci-store-sqlite.h"
#include "keys/ci-password.h"

#include <glib/gstdio.h>
#include <stdlib.h>

static const char * const family[] = {
  "Müller", "Schmidt", "García", "Иванов", "Παπαδόπουλος", "佐藤", "Smith", "Nguyen", "Kowalski",
  "Rossi", "Dubois", "Jensen", "Öztürk", "Silva", "Kim", "Novák",
};
static const char * const given[] = {
  "Anna", "Jonas", "Zoë", "Дмитрий", "Ελένη", "美咲", "José", "Li", "Émile", "Fatima",
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static GString *
make_csv (guint n)
{
  GString *csv = g_string_new ("employee_number,given_name,family_name,department,valid_from,"
                               "valid_until\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "E%07u,%s,%s%u,Dept %u,2026-01-01,2028-12-31\n", i,
                            given[i % G_N_ELEMENTS (given)],
                            family[(i / 7) % G_N_ELEMENTS (family)], i % 1000, i % 40);
  return csv;
}

static CiOperator *
make_hr (CiServices *services)
{
  g_autoptr(CiOperator) admin = NULL;
  g_autoptr(CiOperator) hr = ci_operator_new ();

  admin = ci_services_setup_first_admin (services, "admin", "Admin", "bench-password", NULL);
  ci_operator_set_login (hr, "hr");
  ci_operator_set_display_name (hr, "HR");
  ci_operator_set_roles (hr, CI_ROLE_HR);
  g_assert_true (ci_services_operator_add (services, admin, hr, "bench-password", NULL));
  return g_steal_pointer (&hr);
}

static void
bench_search (CiStore *store)
{
  static const char * const prefixes[] = { "mül", "sch", "gar", "ива", "παπ", "佐", "smi", "ngu",
                                           "kow", "ros", "anna", "zoe", "e00123", "jen", "öz" };
  double times[100];

  for (guint i = 0; i < 100; i++)
    {
      double t0 = now_s ();
      g_autoptr(GPtrArray) hits =
        ci_store_employee_search (store, prefixes[i % G_N_ELEMENTS (prefixes)], 0, 50, NULL);
      times[i] = now_s () - t0;
      g_assert_nonnull (hits);
    }
  qsort (times, 100, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  g_print ("search (name prefix, first 50 hits): median %.3f ms, p90 %.3f ms over 100 queries\n",
           times[50] * 1e3, times[90] * 1e3);
}

static void
bench_audit (CiStore    *store,
             CiAuditLog *log,
             guint       n)
{
  CiAuditEntry e = { 0 };
  double t0 = now_s ();
  guint per_tx = 10000, done = 0;

  while (done < n)
    {
      g_assert_true (ci_store_begin (store, NULL));
      for (guint i = 0; i < per_tx && done < n; i++, done++)
        {
          e.operator_login = g_strdup ("hr");
          e.action = g_strdup ("employee.view");
          e.subject_type = g_strdup ("employee");
          e.subject_id = g_strdup_printf ("E%07u", done % 100000);
          e.details = g_strdup ("{\"query\":\"bench\"}");
          g_assert_true (ci_audit_log_append_in_transaction (log, &e, NULL));
          ci_audit_entry_clear (&e);
        }
      g_assert_true (ci_store_commit (store, NULL));
    }
  g_print ("audit append, batched (%u per transaction): %u entries in %.2f s = %.0f entries/s\n",
           per_tx, n, now_s () - t0, n / (now_s () - t0));

  t0 = now_s ();
  for (guint i = 0; i < 200; i++)
    {
      e.operator_login = g_strdup ("hr");
      e.action = g_strdup ("employee.view");
      g_assert_true (ci_audit_log_append (log, &e, NULL));
      ci_audit_entry_clear (&e);
    }
  g_print ("audit append, one transaction each (durable commit): %.0f entries/s\n",
           200 / (now_s () - t0));
}

int
main (int   argc,
      char *argv[])
{
  guint n_employees = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint n_audit = argc > 2 ? (guint) atoi (argv[2]) : 1000000;
  g_autofree char *dir = g_dir_make_tmp ("bench-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(CiStore) store = ci_store_sqlite_new (path, NULL);
  g_autoptr(CiServices) services = ci_services_new (store, "bench-desk");
  g_autoptr(CiOperator) hr = make_hr (services);
  g_autoptr(GString) csv = make_csv (n_employees);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  guint imported = 0;
  double t0;

  g_print ("CardIssue store benchmark: %u employees, %u audit entries (SQLite %s)\n",
           n_employees, n_audit, "WAL, synchronous=FULL");
  t0 = now_s ();
  if (!ci_services_employee_import (services, hr, csv->str, csv->len, &imported, NULL, &error))
    g_error ("import failed: %s", error->message);
  g_print ("import %u employees from CSV (parse, validate, one transaction): %.2f s\n",
           imported, now_s () - t0);

  bench_search (store);
  bench_audit (store, ci_services_get_audit_log (services), n_audit);

  t0 = now_s ();
  report = ci_audit_log_verify (ci_services_get_audit_log (services), NULL, &error);
  g_assert_nonnull (report);
  g_print ("verify the whole chain: %" G_GINT64_FORMAT " entries in %.2f s (%s)\n",
           report->n_entries, now_s () - t0, ci_audit_report_is_intact (report) ? "intact"
                                                                              : "PROBLEMS");
  g_clear_object (&services);
  g_clear_object (&store);
  for (const char *suffix = ""; suffix; suffix = *suffix == '\0' ? "-wal"
                                                 : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *f = g_strconcat (path, suffix, NULL);
      g_unlink (f);
    }
  g_rmdir (dir);
  return 0;
}
