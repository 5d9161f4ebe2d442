/* test-services-desks.c — two desks issuing cards on one database
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/with-pcscd.sh, on SQLite or (services-desks-pg) on a
 * PostgreSQL server from tests/with-postgres.sh. Two desks, each with its own
 * connection to the store and its own virtual reader, issue cards for the
 * same employee: the store must end with one active card, each serial on one
 * card, and an audit chain that verifies.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "card/ci-card-error.h"
#include "services/ci-services-issue.h"
#include "ci-test-store.h"
#include "ci-test-vcard.h"

#define ADMIN_PASSWORD "admin-password-1"
#define HR_PASSWORD "hr-password-22"
#define KEY_PASSPHRASE "key store passphrase"
#define EMPLOYEE "E-0001"

/* Made once: the key store's scrypt takes seconds. Both desks use it, as
 * desks of one organisation share its keys. */
static CiKeyStore *shared_keys;

typedef struct
{
  Fixture      db;          /* desk A's store */
  CiStore     *store_b;     /* desk B's own connection */
  CiServices  *desk[2];
  char        *reader[2];
  CiTestVcard *card[2];
  char        *dir;
  char        *image[2];
  CiOperator  *admin;
  CiOperator  *hr;
  CiOperator  *security;
  CiOperator  *front_desk;
} Desks;

static CiOperator *
add_operator (Desks      *d,
              const char *login,
              CiRole      roles)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = ci_operator_new ();

  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, login);
  ci_operator_set_roles (op, roles);
  g_assert_true (ci_services_operator_add (d->desk[0], d->admin, op, HR_PASSWORD, &error));
  g_assert_no_error (error);
  return op;
}

static void
desks_set_up (Desks         *d,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = ci_employee_new ();

  fixture_setup (&d->db, data);
  d->store_b = ci_store_open (d->db.location, &error);
  g_assert_no_error (error);
  d->desk[0] = ci_services_new (d->db.store, "desk-a");
  d->desk[1] = ci_services_new (d->store_b, "desk-b");
  for (guint i = 0; i < 2; i++)
    {
      ci_services_set_key_store (d->desk[i], shared_keys);
      d->reader[i] = ci_test_reader_name (i);
    }
  d->dir = g_dir_make_tmp ("ci-desks-XXXXXX", &error);
  g_assert_no_error (error);
  d->image[0] = g_build_filename (d->dir, "a.img", NULL);
  d->image[1] = g_build_filename (d->dir, "b.img", NULL);

  d->admin = ci_services_setup_first_admin (d->desk[0], "admin", "admin", ADMIN_PASSWORD,
                                            &error);
  g_assert_no_error (error);
  d->hr = add_operator (d, "hr", CI_ROLE_HR);
  d->security = add_operator (d, "security", CI_ROLE_SECURITY);
  d->front_desk = add_operator (d, "frontdesk", CI_ROLE_FRONT_DESK);
  ci_employee_set_number (e, EMPLOYEE);
  ci_employee_set_given_name (e, "Dana");
  ci_employee_set_family_name (e, "Desks");
  ci_employee_set_valid_from (e, "2024-01-01");
  ci_employee_set_valid_until (e, "2099-12-31");
  g_assert_true (ci_services_employee_enroll (d->desk[0], d->hr, e, &error));
  g_assert_no_error (error);
}

static void
desks_tear_down (Desks         *d,
                 gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      ci_test_vcard_stop (d->card[i]);
      g_free (d->reader[i]);
      g_assert_finalize_object (d->desk[i]);
      g_free (d->image[i]);
    }
  ci_test_remove_dir (d->dir);
  g_free (d->dir);
  g_clear_object (&d->hr);
  g_clear_object (&d->security);
  g_clear_object (&d->front_desk);
  g_clear_object (&d->admin);
  g_assert_finalize_object (d->store_b);
  fixture_teardown (&d->db, data);
}

/* ---- what the store says afterwards ---------------------------------------- */

static GPtrArray *
cards_of_employee (Desks *d)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *cards = ci_services_card_list (d->desk[0], d->hr, EMPLOYEE, &error);

  g_assert_no_error (error);
  return cards;
}

static guint
count_in_state (GPtrArray   *cards,
                CiCardState  state)
{
  guint n = 0;

  for (guint i = 0; i < cards->len; i++)
    n += ci_card_get_state (cards->pdata[i]) == state;
  return n;
}

/* The chain verifies as one, with entries of both desks in it. */
static void
assert_audit_intact (Desks *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditReport) report = NULL;

  report = ci_audit_log_verify (ci_services_get_audit_log (d->desk[1]), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (raw_int (&d->db, "SELECT count(*) FROM audit WHERE desk = 'desk-a'"), >, 0);
  g_assert_cmpint (raw_int (&d->db, "SELECT count(*) FROM audit WHERE desk = 'desk-b'"), >, 0);
}

/* ---- the race -------------------------------------------------------------- */

typedef struct
{
  Desks          *d;
  guint           which;
  GMutex         *mutex;
  GCond          *go;
  gboolean       *started;
  CiIssueResult  *result;
  GError         *error;
} Racer;

static gpointer
race (gpointer data)
{
  Racer *r = data;
  CiIssueOptions options = { .reader = r->d->reader[r->which], .pin = "1234" };

  g_mutex_lock (r->mutex);
  while (!*r->started)
    g_cond_wait (r->go, r->mutex);
  g_mutex_unlock (r->mutex);
  r->result = ci_services_card_issue (r->d->desk[r->which], r->d->hr, EMPLOYEE, &options,
                                      &r->error);
  return NULL;
}

/* Both desks issue a first card for one employee at the same moment, each
 * with a blank card in its reader: exactly one card comes out, and the other
 * desk is told why, whichever desk comes first. */
static void
test_same_employee (Desks         *d,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) cards = NULL;
  GMutex mutex;
  GCond go;
  gboolean started = FALSE;
  Racer racers[2];
  GThread *threads[2];
  guint winner;

  /* A little latency per command keeps the winner's card in the reader
   * while the other desk decides. */
  for (guint i = 0; i < 2; i++)
    d->card[i] = ci_test_vcard_start (d->image[i], i, "--latency-ms", "5", NULL);
  g_mutex_init (&mutex);
  g_cond_init (&go);
  for (guint i = 0; i < 2; i++)
    {
      racers[i] = (Racer) { d, i, &mutex, &go, &started };
      threads[i] = g_thread_new ("desk", race, &racers[i]);
    }
  g_mutex_lock (&mutex);
  started = TRUE;
  g_cond_broadcast (&go);
  g_mutex_unlock (&mutex);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&mutex);
  g_cond_clear (&go);

  g_assert_true ((racers[0].result != NULL) != (racers[1].result != NULL));
  winner = racers[0].result != NULL ? 0 : 1;
  g_assert_no_error (racers[winner].error);
  g_assert_nonnull (racers[!winner].error);
  g_test_message ("desk %c won; desk %c: %s", 'a' + winner, 'a' + !winner,
                  racers[!winner].error->message);
  /* Still writing at the other desk, or done there already. */
  g_assert_true (g_error_matches (racers[!winner].error, CI_STORE_ERROR,
                                  CI_STORE_ERROR_CONFLICT)
                 || g_error_matches (racers[!winner].error, CI_SERVICE_ERROR,
                                     CI_SERVICE_ERROR_INVALID));
  g_assert_nonnull (strstr (racers[!winner].error->message, EMPLOYEE));

  cards = cards_of_employee (d);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
  g_assert_cmpint (ci_card_get_serial (cards->pdata[0]), ==, racers[winner].result->serial);
  g_assert_cmpstr (ci_card_get_desk (cards->pdata[0]), ==, winner ? "desk-b" : "desk-a");
  assert_audit_intact (d);
  for (guint i = 0; i < 2; i++)
    {
      ci_issue_result_free (racers[i].result);
      g_clear_error (&racers[i].error);
    }
}

/* ---- a desk that stopped halfway --------------------------------------------- */

static CiIssueResult *
issue_at (Desks   *d,
          guint    which,
          GError **error)
{
  CiIssueOptions options = { .reader = d->reader[which], .pin = "1234" };

  return ci_services_card_issue (d->desk[which], d->hr, EMPLOYEE, &options, error);
}

/* Each step's report, as "check:ok" or "check:CODE". */
static void
note_step (const char   *reader,
           CiIssueStep   step,
           gboolean      skipped,
           gint64        duration_us,
           const GError *error,
           gpointer      user_data)
{
  g_autofree char *outcome = error ? g_strdup_printf ("%d", error->code) : g_strdup ("ok");

  g_ptr_array_add (user_data, g_strdup_printf ("%s:%s", ci_issue_step_name (step), outcome));
}

/* Desk A's card is pulled halfway (its power cut after the card got its
 * serial): desk B is refused while A's claim is fresh. Once it is old, B
 * issues a card of its own, under a new serial; when A then finishes the
 * torn card, that card is not activated but revoked, so that no door takes
 * it. */
static void
test_left_behind (Desks         *d,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(CiCard) torn = NULL;
  CiIssueResult *result;
  gint64 b_serial;

  /* Once EF.CARD holds the serial (docs/card-profile.md §7.2), before the
   * step is done. */
  d->card[0] = ci_test_vcard_start (d->image[0], 0, "--power-cut-after", "15", NULL);
  g_assert_null (issue_at (d, 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (ci_test_vcard_wait (g_steal_pointer (&d->card[0])), ==, 3);
  cards = cards_of_employee (d);
  g_assert_cmpuint (cards->len, ==, 1);
  torn = g_object_ref (cards->pdata[0]);
  g_clear_pointer (&cards, g_ptr_array_unref);
  g_assert_cmpstr (ci_card_get_desk (torn), ==, "desk-a");

  d->card[1] = ci_test_vcard_start (d->image[1], 1, NULL);
  {
    g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *conflict = g_strdup_printf ("check:%d", CI_STORE_ERROR_CONFLICT);
    CiIssueOptions options = { .reader = d->reader[1], .pin = "1234", .progress = note_step,
                               .progress_data = steps };

    /* The refused claim is the check step's failure, reported and audited
     * as such, and no step follows. */
    g_assert_null (ci_services_card_issue (d->desk[1], d->hr, EMPLOYEE, &options, &error));
    g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, "desk-a"));
    g_test_message ("desk b, while desk a's claim is fresh: %s", error->message);
    g_clear_error (&error);
    g_assert_cmpuint (steps->len, ==, 1);
    g_assert_cmpstr (steps->pdata[0], ==, conflict);
    G_STATIC_ASSERT (CI_OUTCOME_FAILED == 2);
    g_assert_cmpint (raw_int (&d->db, "SELECT count(*) FROM audit WHERE desk = 'desk-b' "
                                      "AND action = 'card.issue.check' AND outcome = 2"), ==, 1);
    g_assert_cmpint (raw_int (&d->db, "SELECT count(*) FROM audit WHERE desk = 'desk-b' "
                                      "AND action LIKE 'card.issue.%' "
                                      "AND action <> 'card.issue.check'"), ==, 0);
  }

  /* Three minutes later, as the store sees it. */
  raw_exec (&d->db, "UPDATE card SET state_changed_at = state_changed_at - 180000000");
  result = issue_at (d, 1, &error);
  g_assert_no_error (error);
  b_serial = result->serial;
  g_assert_cmpint (b_serial, !=, ci_card_get_serial (torn));
  ci_issue_result_free (result);

  /* The torn card back in desk A's reader: it is written to the end, then
   * refused activation. */
  d->card[0] = ci_test_vcard_start (d->image[0], 0, NULL);
  g_assert_null (issue_at (d, 0, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT);
  g_test_message ("desk a, finishing its torn card: %s", error->message);
  g_clear_error (&error);

  cards = cards_of_employee (d);
  g_assert_cmpuint (cards->len, ==, 2);
  g_assert_cmpuint (count_in_state (cards, CI_CARD_ACTIVE), ==, 1);
  for (guint i = 0; i < cards->len; i++)
    {
      CiCard *card = cards->pdata[i];

      if (ci_card_get_serial (card) == b_serial)
        g_assert_cmpint (ci_card_get_state (card), ==, CI_CARD_ACTIVE);
      else
        g_assert_cmpint (ci_card_get_state (card), ==, CI_CARD_REVOKED);
    }
  assert_audit_intact (d);
}

/* A card reported lost at one desk is refused at the other on its next
 * call: each call reads the card from the store, nothing is cached. */
static void
test_lost_elsewhere (Desks         *d,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CiIssueOptions options = { .reader = d->reader[0] };
  CiIssueResult *result;
  gint64 serial;

  d->card[0] = ci_test_vcard_start (d->image[0], 0, NULL);
  result = issue_at (d, 0, &error);
  g_assert_no_error (error);
  serial = result->serial;
  ci_issue_result_free (result);

  g_assert_true (ci_services_card_set_state (d->desk[1], d->front_desk, serial, CI_CARD_LOST,
                                             "left on the train", &error));
  g_assert_no_error (error);
  g_assert_false (ci_services_card_change_access (d->desk[0], d->security, &options, &error));
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is lost"));
  g_test_message ("desk a, after desk b reported the card lost: %s", error->message);
  assert_audit_intact (d);
}

int
main (int   argc,
      char *argv[])
{
  char *keys_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!ci_test_store_init ())
    return 1;
  if (!ci_test_have_pcscd ())
    {
      g_test_message ("the desk tests need tests/with-pcscd.sh and cardissue-vcard");
      return g_test_run ();
    }
  shared_keys = ci_test_key_store_new (KEY_PASSPHRASE, &keys_dir);

  g_test_add ("/services-desks/same-employee", Desks, NULL, desks_set_up, test_same_employee,
              desks_tear_down);
  g_test_add ("/services-desks/lost-elsewhere", Desks, NULL, desks_set_up, test_lost_elsewhere,
              desks_tear_down);
  g_test_add ("/services-desks/left-behind", Desks, NULL, desks_set_up, test_left_behind,
              desks_tear_down);

  status = g_test_run ();
  ci_test_key_store_free (g_steal_pointer (&shared_keys), keys_dir);
  return status;
}
