/* bench-store-backends.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints, side by side for an SQLite store and the PostgreSQL database that
 * CI_TEST_PG_URI names (tests/with-postgres.sh starts one): the store's work
 * for one issued card, without the card's I/O, and the audit append rate of
 * one desk and of two desks writing at once, with the chain verified after.
 * The backends take turns, so that the machine's other work weighs on both
 * alike. Sizes can be changed: bench-store-backends [CARDS [AUDIT_ENTRIES]].
 */

#include "services/ci-services.h"
#include "services/ci-services-private.h"
#include "card/ci-card-pipeline.h"
#include "face/ci-face-binding.h"
#include "store/ci-store-sqlite.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>

#define WARM_UP_CARDS 5
#define BATCH         1000
#define BATCHED_TIMES 10     /* batched entries, per entry appended alone */
#define ROUNDS        4
#define READER        "Bench Reader 00 00"

/* One backend's store and desk, and its figures so far. */
typedef struct
{
  const char *name;
  char       *location;
  char       *settings;
  CiStore    *store;
  CiServices *services;
  CiOperator *hr;
  guint       next_card;     /* the next employee to issue a card to */
  double     *card_times;
  guint       n_cards;
  double      cards_s;
  double      one_s;         /* one desk, one entry per transaction */
  double      batched_s;     /* one desk, BATCH entries per transaction */
  double      two_s;         /* two desks at once, one entry per transaction */
  guint       two_busy;
  double      verify_s;
  gint64      verify_entries;
  gboolean    intact;
} Backend;

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* --- setting up: operators, employees with two grants each -------------- */

static CiOperator *
make_issuer (CiServices *services)
{
  g_autoptr(CiOperator) admin = NULL;
  g_autoptr(CiOperator) hr = ci_operator_new ();
  g_autoptr(GError) error = NULL;

  admin = ci_services_setup_first_admin (services, "admin", "Admin", "bench-password", &error);
  g_assert_no_error (error);
  ci_operator_set_login (hr, "hr");
  ci_operator_set_display_name (hr, "HR");
  ci_operator_set_roles (hr, CI_ROLE_HR);
  ci_services_operator_add (services, admin, hr, "bench-password", &error);
  g_assert_no_error (error);
  return g_steal_pointer (&hr);
}

static gint64
add_zone (CiStore    *store,
          CiZoneKind  kind,
          gint64      parent_id,
          const char *code)
{
  g_autoptr(CiZone) zone = ci_zone_new ();
  g_autoptr(GError) error = NULL;

  ci_zone_set_kind (zone, kind);
  ci_zone_set_parent_id (zone, parent_id);
  ci_zone_set_code (zone, code);
  ci_zone_set_name (zone, code);
  ci_zone_set_security_level (zone, 2);
  ci_zone_set_time_zone (zone, kind == CI_ZONE_SITE ? "Europe/Berlin" : NULL);
  ci_store_zone_insert (store, zone, &error);
  g_assert_no_error (error);
  return ci_zone_get_id (zone);
}

static void
add_grant (CiStore *store,
           gint64   employee_id,
           gint64   zone_id)
{
  g_autoptr(CiGrant) grant = ci_grant_new ();
  g_autoptr(GError) error = NULL;

  ci_grant_set_employee_id (grant, employee_id);
  ci_grant_set_zone_id (grant, zone_id);
  ci_grant_set_expires (grant, "2028-12-31");
  ci_grant_set_granted_by (grant, "hr");
  ci_store_grant_insert (store, grant, &error);
  g_assert_no_error (error);
}

/* @n employees E0000000…, through the import service, each granted a site
 * and a building, as a card's EF.ZONES reads them. */
static void
add_employees (CiServices *services,
               CiOperator *hr,
               guint       n)
{
  CiStore *store = ci_services_get_store (services);
  g_autoptr(GString) csv = g_string_new ("employee_number,given_name,family_name,department,"
                                         "valid_from,valid_until\n");
  g_autoptr(GError) error = NULL;
  gint64 site, building;
  guint imported = 0;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "E%07u,Anna,Müller%u,Dept %u,2026-01-01,2028-12-31\n", i, i,
                            i % 40);
  ci_services_employee_import (services, hr, csv->str, csv->len, &imported, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imported, ==, n);

  g_assert_true (ci_store_begin (store, NULL));
  site = add_zone (store, CI_ZONE_SITE, 0, "HQ");
  building = add_zone (store, CI_ZONE_BUILDING, site, "HQ-A");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = g_strdup_printf ("E%07u", i);
      g_autoptr(CiEmployee) e = ci_store_employee_get_by_number (store, number, &error);

      g_assert_no_error (error);
      add_grant (store, ci_employee_get_id (e), site);
      add_grant (store, ci_employee_get_id (e), building);
    }
  g_assert_true (ci_store_commit (store, NULL));
}

/* --- one card's store work, as ci_services_card_issue() does it ---------- */

/* The calls below follow ci-services-issue.c: the same service calls (each
 * re-reads the operator and the policy), actions, details, transactions and
 * store changes, in the same order; only the card's I/O and the signing
 * keys are left out. The recorder thread that overlaps the commits with the
 * card is left out too: here every commit runs in turn, so the time is all
 * the store work a card brings. */

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

/* preflight(): the issue call's own entry, committed alone. */
static void
issue_preflight (CiServices *services,
                 CiOperator *actor,
                 const char *number)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GError) error = NULL;

  check (_ci_call_start (&call, services, actor, "card.issue", CI_ACTION_CARD_ISSUE, FALSE,
                         "employee", number, &error), error);
  _ci_call_detail (&call, "reader", READER);
  check (_ci_call_commit (&call, &error), error);
}

/* find_record() and new_record(): the employee's cards, then a new record in
 * a lazy transaction. */
static CiCard *
issue_new_record (CiServices *services,
                  CiOperator *actor,
                  CiEmployee *employee)
{
  g_auto(CiCall) call = { .lazy = TRUE };
  g_autoptr(CiCard) card = ci_card_new ();
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *serial = NULL;

  cards = ci_store_card_list (services->store, ci_employee_get_id (employee), &error);
  check (cards != NULL, error);
  check (_ci_call_start (&call, services, actor, "card.issue.request", CI_ACTION_CARD_ISSUE,
                         TRUE, "employee", ci_employee_get_number (employee), &error), error);
  ci_card_set_employee_id (card, ci_employee_get_id (employee));
  ci_card_set_state (card, CI_CARD_REQUESTED);
  ci_card_set_valid_until (card, ci_employee_get_valid_until (employee));
  check (ci_store_card_insert (services->store, card, &error), error);
  serial = ci_card_format_serial (ci_card_get_serial (card));
  _ci_call_subject (&call, "card", serial);
  check (_ci_call_commit (&call, &error), error);
  return g_steal_pointer (&card);
}

/* zones_object(): the grants and their zones, for EF.ZONES. */
static void
issue_read_zones (CiStore    *store,
                  CiEmployee *employee)
{
  g_autoptr(GPtrArray) grants = NULL;
  g_autoptr(GError) error = NULL;

  grants = ci_store_grant_list (store, ci_employee_get_id (employee), 0, &error);
  check (grants != NULL, error);
  for (guint i = 0; i < grants->len; i++)
    {
      g_autoptr(CiZone) zone = ci_store_zone_get (store,
                                                  ci_grant_get_zone_id (grants->pdata[i]),
                                                  &error);
      check (zone != NULL, error);
    }
}

/* The issuer's signature is not the store's work: a DER ECDSA P-256
 * signature's usual length of zeros gives the face code its real size. */
static GBytes *
no_signature (GBytes   *data,
              gpointer  user_data,
              GError  **error)
{
  return g_bytes_new_take (g_malloc0 (71), 71);
}

static void
set_face_code (CiStore    *store,
               CiCard     *card,
               const char *serial)
{
  CiFaceBinding binding = { { 0 } };
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  g_strlcpy (binding.serial, serial, sizeof binding.serial);
  code = ci_face_binding_encode (&binding, no_signature, NULL, &error);
  check (code != NULL, error);
  ci_card_set_face_code (card, code);
  check (ci_store_card_set_face_code (store, card, &error), error);
}

static CiCardState
state_after (CiIssueStep step)
{
  switch (step)
    {
    case CI_ISSUE_STEP_INITIALISE: return CI_CARD_INITIALISED;
    case CI_ISSUE_STEP_PERSONALISE: return CI_CARD_PERSONALISED;
    case CI_ISSUE_STEP_VERIFY: return CI_CARD_ACTIVE;
    default: return CI_CARD_REQUESTED;
    }
}

/* commit_step(): the step's entry with the card's new state, and at verify
 * its face code, in one durable transaction. */
static void
issue_step (CiServices  *services,
            CiOperator  *actor,
            CiCard      *card,
            const char  *serial,
            CiIssueStep  step)
{
  g_autofree char *action = g_strconcat ("card.issue.", ci_issue_step_name (step), NULL);
  g_auto(CiCall) call = { 0 };
  g_autoptr(GError) error = NULL;

  check (_ci_call_start (&call, services, actor, action, CI_ACTION_CARD_ISSUE, TRUE, "card",
                         serial, &error), error);
  _ci_call_detail (&call, "reader", READER);
  if (step == CI_ISSUE_STEP_CHECK)
    _ci_call_detail (&call, "card-type", "bench");
  while (ci_card_get_state (card) < state_after (step))
    {
      CiCardState from = ci_card_get_state (card);

      ci_card_set_state (card, from + 1);
      check (ci_store_card_set_state (services->store, card, from, &error), error);
    }
  if (step == CI_ISSUE_STEP_VERIFY)
    set_face_code (services->store, card, serial);
  check (_ci_call_commit (&call, &error), error);
}

static void
issue_card (CiServices *services,
            CiOperator *actor,
            const char *number)
{
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiCard) card = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *serial = NULL;

  issue_preflight (services, actor, number);
  employee = ci_store_employee_get_by_number (services->store, number, &error);
  check (employee != NULL, error);
  card = issue_new_record (services, actor, employee);
  serial = ci_card_format_serial (ci_card_get_serial (card));
  issue_read_zones (services->store, employee);
  for (CiIssueStep step = CI_ISSUE_STEP_CHECK; step < CI_ISSUE_N_STEPS; step++)
    issue_step (services, actor, card, serial, step);
}

/* Issues @n cards, each timed alone. */
static void
bench_cards (Backend *b,
             guint    n)
{
  for (guint i = 0; i < n; i++, b->next_card++)
    {
      g_autofree char *number = g_strdup_printf ("E%07u", b->next_card);
      double t0 = now_s ();

      issue_card (b->services, b->hr, number);
      b->card_times[b->n_cards] = now_s () - t0;
      b->cards_s += b->card_times[b->n_cards++];
    }
}

/* --- the audit log ------------------------------------------------------ */

static void
entry_fill (CiAuditEntry *e,
            guint         i)
{
  e->operator_login = g_strdup ("hr");
  e->action = g_strdup ("card.issue.personalise");
  e->subject_type = g_strdup ("card");
  e->subject_id = g_strdup_printf ("%010u", 1000000000u + i);
  e->details = g_strdup ("{\"reader\":\"" READER "\"}");
}

/* One entry per transaction, each a durable commit: how a desk writes.
 * Returns the seconds it took. */
static double
append_each (CiAuditLog *log,
             guint       n,
             guint      *busy)
{
  double t0 = now_s ();

  for (guint i = 0; i < n; i++)
    {
      CiAuditEntry e = { 0 };
      g_autoptr(GError) error = NULL;

      entry_fill (&e, i);
      while (!ci_audit_log_append (log, &e, &error))
        {
          /* Another desk held the write lock past the busy timeout: a desk
           * would say so and the operator try again. */
          if (busy == NULL || !g_error_matches (error, CI_STORE_ERROR, CI_STORE_ERROR_BUSY))
            g_error ("audit append: %s", error->message);
          (*busy)++;
          g_clear_error (&error);
        }
      ci_audit_entry_clear (&e);
    }
  return now_s () - t0;
}

static double
append_batched (CiStore    *store,
                CiAuditLog *log,
                guint       n)
{
  double t0 = now_s ();

  for (guint done = 0; done < n;)
    {
      g_autoptr(GError) error = NULL;

      check (ci_store_begin (store, &error), error);
      for (guint i = 0; i < BATCH && done < n; i++, done++)
        {
          CiAuditEntry e = { 0 };

          entry_fill (&e, done);
          check (ci_audit_log_append_in_transaction (log, &e, &error), error);
          ci_audit_entry_clear (&e);
        }
      check (ci_store_commit (store, &error), error);
    }
  return now_s () - t0;
}

/* A desk of its own: its own connection and audit log, in a thread. */
typedef struct
{
  CiStore    *store;
  CiAuditLog *log;
  guint       n;
  guint       busy;
  GMutex     *lock;
  GCond      *go;
  gboolean   *started;
} Desk;

static gpointer
desk_run (gpointer data)
{
  Desk *d = data;

  g_mutex_lock (d->lock);
  while (!*d->started)
    g_cond_wait (d->go, d->lock);
  g_mutex_unlock (d->lock);
  append_each (d->log, d->n, &d->busy);
  return NULL;
}

/* Two desks on @b's database, each appending @n entries from the moment
 * both are connected. Returns the seconds until both are done. */
static double
append_two_desks (Backend *b,
                  guint    n)
{
  Desk desks[2] = { 0 };
  GThread *threads[2];
  GMutex lock;
  GCond go;
  gboolean started = FALSE;
  double t0;

  g_mutex_init (&lock);
  g_cond_init (&go);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *desk = g_strdup_printf ("bench-desk-%c", 'a' + i);
      CiStore *store = ci_store_open (b->location, &error);

      check (store != NULL, error);
      desks[i] = (Desk) { store, ci_audit_log_new (store, desk), n, 0, &lock, &go, &started };
      threads[i] = g_thread_new (desk, desk_run, &desks[i]);
    }
  g_mutex_lock (&lock);
  started = TRUE;
  t0 = now_s ();
  g_cond_broadcast (&go);
  g_mutex_unlock (&lock);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  t0 = now_s () - t0;
  for (guint i = 0; i < 2; i++)
    {
      b->two_busy += desks[i].busy;
      g_object_unref (desks[i].log);
      g_object_unref (desks[i].store);
    }
  g_cond_clear (&go);
  g_mutex_clear (&lock);
  return t0;
}

static void
verify_chain (Backend *b)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  double t0 = now_s ();

  report = ci_audit_log_verify (ci_services_get_audit_log (b->services), NULL, &error);
  check (report != NULL, error);
  b->verify_s = now_s () - t0;
  b->verify_entries = report->n_entries;
  b->intact = ci_audit_report_is_intact (report);
}

/* --- the backends, in turns ---------------------------------------------- */

static char *
pg_settings (const char *conninfo)
{
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *r = NULL;
  char *settings;

  if (PQstatus (conn) == CONNECTION_OK)
    r = PQexec (conn, "SELECT current_setting('server_version'), current_setting('fsync'),"
                      " current_setting('synchronous_commit'),"
                      " current_setting('full_page_writes')");
  if (r != NULL && PQresultStatus (r) == PGRES_TUPLES_OK)
    settings = g_strdup_printf ("PostgreSQL %s, fsync=%s, synchronous_commit=%s, "
                                "full_page_writes=%s", PQgetvalue (r, 0, 0),
                                PQgetvalue (r, 0, 1), PQgetvalue (r, 0, 2), PQgetvalue (r, 0, 3));
  else
    settings = g_strdup_printf ("PostgreSQL (settings unknown: %s)", PQerrorMessage (conn));
  PQclear (r);
  PQfinish (conn);
  return settings;
}

/* An empty store, a desk, an HR operator, and employees for every card;
 * a few cards first, so that no figure includes preparing statements. */
static void
backend_open (Backend *b,
              guint    n_cards)
{
  g_autoptr(GError) error = NULL;

  b->store = ci_store_open (b->location, &error);
  check (b->store != NULL, error);
  b->services = ci_services_new (b->store, "bench-desk");
  b->hr = make_issuer (b->services);
  add_employees (b->services, b->hr, WARM_UP_CARDS + n_cards);
  for (; b->next_card < WARM_UP_CARDS; b->next_card++)
    {
      g_autofree char *number = g_strdup_printf ("E%07u", b->next_card);

      issue_card (b->services, b->hr, number);
    }
  b->card_times = g_new (double, n_cards);
}

static void
backend_close (Backend *b)
{
  g_clear_object (&b->hr);
  g_clear_object (&b->services);
  g_clear_object (&b->store);
  g_clear_pointer (&b->card_times, g_free);
}

/* The @round'th of ROUNDS near-equal parts of @n. */
static guint
part (guint n,
      guint round)
{
  return n * (round + 1) / ROUNDS - n * round / ROUNDS;
}

/* Each measurement in ROUNDS turns, the backends taking turns, so that what
 * else the machine is doing meanwhile weighs on both alike. */
static void
run_rounds (Backend *backends,
            guint    n_cards,
            guint    n_audit)
{
  for (guint r = 0; r < ROUNDS; r++)
    for (guint i = 0; i < 2; i++)
      bench_cards (&backends[i], part (n_cards, r));
  for (guint r = 0; r < ROUNDS; r++)
    for (guint i = 0; i < 2; i++)
      backends[i].one_s += append_each (ci_services_get_audit_log (backends[i].services),
                                        part (n_audit, r), NULL);
  for (guint r = 0; r < ROUNDS; r++)
    for (guint i = 0; i < 2; i++)
      backends[i].batched_s += append_batched (backends[i].store,
                                               ci_services_get_audit_log (backends[i].services),
                                               part (BATCHED_TIMES * n_audit, r));
  for (guint r = 0; r < ROUNDS; r++)
    for (guint i = 0; i < 2; i++)
      backends[i].two_s += append_two_desks (&backends[i], part (n_audit, r));
  for (guint i = 0; i < 2; i++)
    verify_chain (&backends[i]);
}

/* Two figures with @decimals, then @unit. */
static void
print_row (const char *label,
           int         decimals,
           const char *unit,
           double      sqlite,
           double      pg)
{
  g_autofree char *a = g_strdup_printf ("%.*f%s", decimals, sqlite, unit);
  g_autofree char *b = g_strdup_printf ("%.*f%s", decimals, pg, unit);

  g_print ("%-56s %12s %12s\n", label, a, b);
}

static double
percentile (double *times,
            guint   n,
            guint   percent)
{
  qsort (times, n, sizeof (double), compare_double);
  return times[MAX (1, (n * percent + 99) / 100) - 1];
}

static void
print_table (Backend *s,
             Backend *p,
             guint    n_audit)
{
  g_autofree char *cards = g_strdup_printf ("store work per issued card (%u cards)", s->n_cards);
  g_autofree char *one = g_strdup_printf ("audit append, one desk, 1 per transaction (%u)",
                                          n_audit);
  g_autofree char *batched = g_strdup_printf ("audit append, one desk, %u per transaction (%u)",
                                              BATCH, BATCHED_TIMES * n_audit);
  g_autofree char *two = g_strdup_printf ("audit append, two desks at once (2 x %u)", n_audit);

  g_print ("\n%-56s %12s %12s\n", "", s->name, p->name);
  g_print ("%s\n", cards);
  print_row ("  median, ms", 2, "", percentile (s->card_times, s->n_cards, 50) * 1e3,
             percentile (p->card_times, p->n_cards, 50) * 1e3);
  print_row ("  p95, ms", 2, "", percentile (s->card_times, s->n_cards, 95) * 1e3,
             percentile (p->card_times, p->n_cards, 95) * 1e3);
  print_row ("  cards/s", 1, "", s->n_cards / s->cards_s, p->n_cards / p->cards_s);
  print_row (one, 0, " /s", n_audit / s->one_s, n_audit / p->one_s);
  print_row (batched, 0, " /s", BATCHED_TIMES * n_audit / s->batched_s,
             BATCHED_TIMES * n_audit / p->batched_s);
  print_row (two, 0, " /s", 2 * n_audit / s->two_s, 2 * n_audit / p->two_s);
  print_row ("  busy errors (a desk gave up waiting, tried again)", 0, "", s->two_busy,
             p->two_busy);
  print_row ("verify the whole chain, s", 2, "", s->verify_s, p->verify_s);
  print_row ("  entries", 0, "", s->verify_entries, p->verify_entries);
  g_print ("%-56s %12s %12s\n", "  result", s->intact ? "intact" : "PROBLEMS",
           p->intact ? "intact" : "PROBLEMS");
  g_print ("\nA card's store work is what the issue service commits for it, without the card:\n"
           "its call's audit entry, the new record (a lazy commit), and for each of the %d\n"
           "steps the card's state and the step's entry in one durable commit, one after\n"
           "the other; with a card, the steps' commits overlap its commands.\n",
           CI_ISSUE_N_STEPS);
}

int
main (int   argc,
      char *argv[])
{
  guint n_cards = argc > 1 ? (guint) atoi (argv[1]) : 200;
  guint n_audit = argc > 2 ? (guint) atoi (argv[2]) : 2000;
  const char *pg_uri = g_getenv ("CI_TEST_PG_URI");
  g_autofree char *dir = NULL;
  Backend backends[2] = { { "SQLite" }, { "PostgreSQL" } };
  gboolean intact;

  if (pg_uri == NULL || !ci_store_location_is_postgresql (pg_uri) || n_cards < ROUNDS
      || n_audit < ROUNDS)
    {
      g_printerr ("Usage: CI_TEST_PG_URI=CONNINFO %s [CARDS [AUDIT_ENTRIES]], each at least %d\n"
                  "Run it with tests/with-postgres.sh, as meson test --benchmark "
                  "store-backends does.\n", argv[0], ROUNDS);
      return 2;
    }
  dir = g_dir_make_tmp ("bench-store-XXXXXX", NULL);
  backends[0].location = g_build_filename (dir, "bench.db", NULL);
  backends[0].settings = g_strdup_printf ("SQLite %s, WAL, synchronous=FULL (NORMAL for the "
                                          "lazy record)", sqlite3_libversion ());
  backends[1].location = g_strdup (pg_uri);
  backends[1].settings = pg_settings (pg_uri);
  g_print ("CardIssue store backends: %u cards, %u audit entries, in %d turns each\n"
           "  %s, a file in %s\n  %s\n", n_cards, n_audit, ROUNDS, backends[0].settings, dir,
           backends[1].settings);
  for (guint i = 0; i < 2; i++)
    backend_open (&backends[i], n_cards);
  run_rounds (backends, n_cards, n_audit);
  print_table (&backends[0], &backends[1], n_audit);

  intact = backends[0].intact && backends[1].intact;
  for (guint i = 0; i < 2; i++)
    backend_close (&backends[i]);
  for (const char *suffix = ""; suffix; suffix = *suffix == '\0' ? "-wal"
                                                 : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *f = g_strconcat (backends[0].location, suffix, NULL);
      g_unlink (f);
    }
  g_rmdir (dir);
  for (guint i = 0; i < 2; i++)
    {
      g_free (backends[i].location);
      g_free (backends[i].settings);
    }
  return intact ? 0 : 1;
}
