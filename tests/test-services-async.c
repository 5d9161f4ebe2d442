/* test-services-async.c — the card services' async forms on a main loop
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/with-pcscd.sh, which starts a private pcscd; each test puts
 * a virtual card (cardissue-vcard) into the virtual reader of slot 0, runs a
 * service through its _async form with a main loop running, and checks that
 * the progress and the result come on the caller's main context, in order.
 * The store is SQLite, or (services-async-pg) PostgreSQL from
 * tests/with-postgres.sh.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "card/ci-card-error.h"
#include "card/ci-card-verify.h"
#include "face/ci-face-binding.h"
#include "face/ci-face-template.h"
#include "services/ci-services-async.h"
#include "ci-test-store.h"
#include "ci-test-vcard.h"

#define DESK "desk-async"
#define ADMIN_PASSWORD "admin-password-1"
#define HR_PASSWORD "hr-password-22"
#define SEC_PASSWORD "security-password-333"
#define KEY_PASSPHRASE "key store passphrase"
#define ALL_STEPS "check initialise personalise lock verify"

/* Made once: the key store's scrypt takes seconds. */
static CiKeyStore *shared_keys;
static GThread *main_thread;

enum { ROLE_ADMIN, ROLE_HR, ROLE_SECURITY, N_ROLES };

typedef struct
{
  Fixture      db;
  char        *dir;
  char        *image;
  char        *reader;
  CiServices  *services;
  CiOperator  *ops[N_ROLES];
  CiTestVcard *card;
} Station;

/* ---- the database ---------------------------------------------------------- */

static void
add_operator (Station    *fx,
              guint       role,
              const char *login,
              CiRole      roles,
              const char *password)
{
  g_autoptr(GError) error = NULL;

  fx->ops[role] = ci_operator_new ();
  ci_operator_set_login (fx->ops[role], login);
  ci_operator_set_display_name (fx->ops[role], login);
  ci_operator_set_roles (fx->ops[role], roles);
  g_assert_true (ci_services_operator_add (fx->services, fx->ops[ROLE_ADMIN], fx->ops[role],
                                           password, &error));
  g_assert_no_error (error);
}

static void
add_zone (Station    *fx,
          CiZoneKind  kind,
          const char *parent,
          const char *code)
{
  g_autoptr(CiZone) zone = ci_zone_new ();
  g_autoptr(GError) error = NULL;

  ci_zone_set_kind (zone, kind);
  if (parent != NULL)
    {
      g_autoptr(CiZone) up = ci_store_zone_get_by_code (fx->db.store, parent, &error);

      g_assert_no_error (error);
      ci_zone_set_parent_id (zone, ci_zone_get_id (up));
    }
  ci_zone_set_code (zone, code);
  ci_zone_set_name (zone, code);
  ci_zone_set_security_level (zone, 2);
  ci_zone_set_hr_may_grant (zone, TRUE);
  if (kind == CI_ZONE_SITE)
    ci_zone_set_time_zone (zone, "UTC");
  g_assert_true (ci_services_zone_add (fx->services, fx->ops[ROLE_SECURITY], zone, &error));
  g_assert_no_error (error);
}

static void
grant (Station    *fx,
       const char *number,
       const char *zone)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiGrant) grant = ci_services_grant (fx->services, fx->ops[ROLE_HR], number, zone,
                                                "office", NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (grant);
}

static void
seed (Station *fx)
{
  g_autoptr(CiSchedule) schedule = ci_schedule_new ();
  g_autoptr(GError) error = NULL;
  const char * const people[] = { "E-0001", "E-0002" };

  add_zone (fx, CI_ZONE_SITE, NULL, "SITE-1");
  add_zone (fx, CI_ZONE_BUILDING, "SITE-1", "BLD-1");
  add_zone (fx, CI_ZONE_AREA, "BLD-1", "AREA-1");
  add_zone (fx, CI_ZONE_AREA, "BLD-1", "AREA-2");
  ci_schedule_set_name (schedule, "office");
  ci_schedule_set_rules (schedule, "mon-fri 07:00-19:00");
  g_assert_true (ci_services_schedule_add (fx->services, fx->ops[ROLE_SECURITY], schedule,
                                           &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(CiEmployee) e = ci_employee_new ();

      ci_employee_set_number (e, people[i]);
      ci_employee_set_given_name (e, "Ada");
      ci_employee_set_family_name (e, people[i]);
      ci_employee_set_department (e, "Facilities");
      ci_employee_set_valid_from (e, "2024-01-01");
      ci_employee_set_valid_until (e, "2099-12-31");
      g_assert_true (ci_services_employee_enroll (fx->services, fx->ops[ROLE_HR], e, &error));
      g_assert_no_error (error);
      grant (fx, people[i], "AREA-1");
    }
}

static void
station_set_up (Station       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (&fx->db, data);
  fx->dir = g_dir_make_tmp ("ci-services-async-XXXXXX", &error);
  g_assert_no_error (error);
  fx->image = g_build_filename (fx->dir, "card.img", NULL);
  fx->reader = ci_test_reader_name (0);
  fx->services = ci_services_new (fx->db.store, DESK);
  ci_services_set_key_store (fx->services, shared_keys);
  fx->ops[ROLE_ADMIN] = ci_services_setup_first_admin (fx->services, "admin", "admin",
                                                       ADMIN_PASSWORD, &error);
  g_assert_no_error (error);
  add_operator (fx, ROLE_HR, "hr", CI_ROLE_HR, HR_PASSWORD);
  add_operator (fx, ROLE_SECURITY, "sec", CI_ROLE_SECURITY, SEC_PASSWORD);
  seed (fx);
}

/* GTask drops its last reference in the worker, after the callback ran. */
static void
wait_for_last_ref (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1
         && g_get_monotonic_time () < deadline)
    g_usleep (1000);
}

static void
station_tear_down (Station       *fx,
                   gconstpointer  data)
{
  ci_test_vcard_stop (fx->card);
  for (guint i = 0; i < N_ROLES; i++)
    g_clear_object (&fx->ops[i]);
  wait_for_last_ref (fx->services);
  g_assert_finalize_object (g_steal_pointer (&fx->services));
  fixture_teardown (&fx->db, data);
  ci_test_remove_dir (fx->dir);
  g_free (fx->image);
  g_free (fx->reader);
  g_free (fx->dir);
}

static CiCardState
card_state (Station *fx,
            gint64   serial)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCard) card = ci_store_card_get (fx->db.store, serial, &error);

  g_assert_no_error (error);
  return ci_card_get_state (card);
}

/* ---- one operation on a main loop ------------------------------------------ */

typedef struct
{
  Station      *fx;
  GMainContext *context;       /* where every callback must come */
  GMainLoop    *loop;
  GString      *steps;         /* "check initialise …" */
  guint         n_steps;
  guint         step_errors;
  guint         cancel_after;  /* cancel after this many steps; 0: never */
  GCancellable *cancellable;
  gint64        cancelled_at;
  GPtrArray    *batch;         /* CiBatchResult copies the progress saw */
  guint         batch_done;
  GAsyncResult *result;
  guint         ticks;
  gint64        last_tick;
  gint64        max_gap;
} Run;

static void
run_init (Run          *run,
          Station      *fx,
          GMainContext *context)
{
  *run = (Run) { fx };
  run->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  run->loop = g_main_loop_new (run->context, FALSE);
  run->steps = g_string_new (NULL);
  run->cancellable = g_cancellable_new ();
  run->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_batch_result_free);
}

static void
run_clear (Run *run)
{
  g_main_loop_unref (run->loop);
  g_main_context_unref (run->context);
  g_string_free (run->steps, TRUE);
  g_object_unref (run->cancellable);
  g_ptr_array_unref (run->batch);
  g_clear_object (&run->result);
}

/* Progress and results come on the main thread, from the caller's context,
 * and never after the result. */
static void
assert_caller_context (Run *run)
{
  g_assert_true (g_thread_self () == main_thread);
  g_assert_true (g_main_context_is_owner (run->context));
  g_assert_null (run->result);
}

static void
on_step (const char   *reader,
         CiIssueStep   step,
         gboolean      skipped,
         gint64        duration_us,
         const GError *error,
         gpointer      user_data)
{
  Run *run = user_data;

  assert_caller_context (run);
  g_assert_cmpstr (reader, ==, run->fx->reader);
  g_assert_false (skipped);
  g_assert_cmpint (duration_us, >=, 0);
  if (error != NULL)
    {
      g_test_message ("step %s: %s", ci_issue_step_name (step), error->message);
      run->step_errors++;
    }
  g_string_append_printf (run->steps, "%s%s", run->steps->len ? " " : "",
                          ci_issue_step_name (step));
  if (++run->n_steps == run->cancel_after)
    {
      run->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (run->cancellable);
    }
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  assert_caller_context (run);
  g_assert_true (source == G_OBJECT (run->fx->services));
  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static gboolean
on_too_long (gpointer user_data)
{
  g_error ("The operation did not end within a minute");
  return G_SOURCE_REMOVE;
}

/* Runs the loop until the operation's callback came. */
static void
run_wait (Run *run)
{
  GSource *timeout = g_timeout_source_new_seconds (60);

  g_source_set_callback (timeout, on_too_long, NULL, NULL);
  g_source_attach (timeout, run->context);
  if (run->result == NULL)
    g_main_loop_run (run->loop);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_assert_nonnull (run->result);
}

static gint64
issue_card (Station    *fx,
            Run        *run,
            const char *number)
{
  CiIssueOptions options = { .reader = fx->reader, .progress = on_step, .progress_data = run };
  g_autoptr(CiIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;

  ci_services_card_issue_async (fx->services, fx->ops[ROLE_HR], number, &options,
                                run->cancellable, on_done, run);
  g_assert_null (run->result);
  run_wait (run);
  result = ci_services_card_issue_finish (fx->services, run->result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (run->steps->str, ==, ALL_STEPS);
  g_assert_cmpuint (run->step_errors, ==, 0);
  g_assert_nonnull (result->pin);
  g_assert_cmpuint (strlen (result->pin), ==, 6);
  return result->serial;
}

/* ---- the tests ------------------------------------------------------------- */

/* The card record's face code is the issuer's, for the card in the reader:
 * its chip digest is that of what the card holds. */
static void
assert_face_code_binds_card (Station *fx,
                             gint64   serial)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCard) card = ci_store_card_get (fx->db.store, serial, &error);
  g_autoptr(GBytes) issuer = ci_key_store_get_public_key (shared_keys, CI_KEY_ISSUER);
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardSession) session = NULL;
  CiFaceBinding binding;
  CiCardContents contents;
  guint8 digest[sizeof binding.chip_digest];
  guint8 life_cycle;

  g_assert_no_error (error);
  g_assert_true (ci_face_binding_verify (ci_card_get_face_code (card), issuer, &binding, &error));
  g_assert_no_error (error);
  channel = ci_card_channel_connect (fx->reader, CI_CARD_SHARE_EXCLUSIVE, NULL, &error);
  g_assert_no_error (error);
  session = ci_card_session_new (channel);
  g_assert_true (ci_card_session_select_df (session, &life_cycle, &error)
                 && ci_card_read_contents (session, &contents, &error));
  g_assert_no_error (error);
  ci_face_binding_chip_digest (contents.objects[CI_CARD_FILE_CARD],
                               contents.objects[CI_CARD_FILE_IDENTITY],
                               contents.objects[CI_CARD_FILE_CARDKEY], digest);
  g_assert_cmpmem (binding.chip_digest, sizeof digest, digest, sizeof digest);
  g_assert_cmpstr (binding.serial, ==, contents.info.serial);
  ci_card_contents_clear (&contents);
}

/* A blank card: each step on the main thread, in order, then the result. */
static void
test_issue (Station       *fx,
            gconstpointer  data)
{
  Run run;
  gint64 serial;

  run_init (&run, fx, NULL);
  fx->card = ci_test_vcard_start (fx->image, 0, NULL);
  serial = issue_card (fx, &run, "E-0001");
  g_assert_cmpint (card_state (fx, serial), ==, CI_CARD_ACTIVE);
  assert_face_code_binds_card (fx, serial);
  run_clear (&run);
}

/* A template named for the face is opened in the worker: one that isn't
 * there stops the issue before the card is touched, and says which. */
static void
test_template_by_name (Station       *fx,
                       gconstpointer  data)
{
  CiIssueOptions options = { .face_template_name = "no-such-template" };
  g_autoptr(CiIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, fx, NULL);
  fx->card = ci_test_vcard_start (fx->image, 0, NULL);
  options.reader = fx->reader;
  options.progress = on_step;
  options.progress_data = &run;
  ci_services_card_issue_async (fx->services, fx->ops[ROLE_HR], "E-0001", &options,
                                run.cancellable, on_done, &run);
  run_wait (&run);
  result = ci_services_card_issue_finish (fx->services, run.result, &error);
  g_assert_null (result);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "no-such-template"));
  g_assert_cmpstr (run.steps->str, ==, "");
  run_clear (&run);
}

/* The callbacks come on the thread-default context of the caller, here one
 * of its own, not the global default. */
static void
test_change_access (Station       *fx,
                    gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  CiIssueOptions options = { .reader = fx->reader, .progress = on_step };
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, fx, NULL);
  fx->card = ci_test_vcard_start (fx->image, 0, NULL);
  g_assert_cmpint (card_state (fx, issue_card (fx, &run, "E-0001")), ==, CI_CARD_ACTIVE);
  run_clear (&run);

  grant (fx, "E-0001", "AREA-2");
  g_main_context_push_thread_default (context);
  run_init (&run, fx, context);
  options.progress_data = &run;
  ci_services_card_change_access_async (fx->services, fx->ops[ROLE_SECURITY], &options, NULL,
                                        on_done, &run);
  /* Nothing comes on the global default context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (run.steps->len, ==, 0);
  run_wait (&run);
  g_main_context_pop_thread_default (context);
  g_assert_true (ci_services_card_change_access_finish (fx->services, run.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (run.steps->str, ==, "check personalise verify");
  g_assert_cmpuint (run.step_errors, ==, 0);
  run_clear (&run);
}

static void
on_batch (const CiBatchResult *result,
          guint                done,
          guint                total,
          gpointer             user_data)
{
  Run *run = user_data;
  CiBatchResult *copy = g_new0 (CiBatchResult, 1);

  assert_caller_context (run);
  g_assert_cmpuint (done, ==, ++run->batch_done);
  g_assert_cmpuint (total, ==, 2);
  copy->employee_number = g_strdup (result->employee_number);
  copy->reader = g_strdup (result->reader);
  copy->serial = result->serial;
  copy->error = result->error ? g_error_copy (result->error) : NULL;
  g_ptr_array_add (run->batch, copy);
}

/* An encoder with a hopper: two employees, two cards, both reported. */
static void
test_batch (Station       *fx,
            gconstpointer  data)
{
  const char * const numbers[] = { "E-0001", "E-0002", NULL };
  const char *readers[] = { fx->reader, NULL };
  CiBatchOptions options = { readers, 10000, NULL, on_batch };
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, fx, NULL);
  options.progress_data = &run;
  fx->card = ci_test_vcard_start (fx->image, 0, "--hopper", "1", NULL);
  ci_services_card_issue_batch_async (fx->services, fx->ops[ROLE_HR], numbers, &options,
                                      run.cancellable, on_done, &run);
  run_wait (&run);
  results = ci_services_card_issue_batch_finish (fx->services, run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  g_assert_cmpuint (run.batch->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      CiBatchResult *r = results->pdata[i];
      CiBatchResult *seen = run.batch->pdata[i];

      g_assert_no_error (r->error);
      g_assert_cmpstr (r->employee_number, ==, numbers[i]);
      g_assert_cmpstr (r->reader, ==, fx->reader);
      g_assert_cmpint (card_state (fx, r->serial), ==, CI_CARD_ACTIVE);
      /* One reader: the cards came in the order of the list. */
      g_assert_no_error (seen->error);
      g_assert_cmpstr (seen->employee_number, ==, numbers[i]);
      g_assert_cmpstr (seen->reader, ==, fx->reader);
      g_assert_cmpint (seen->serial, ==, r->serial);
    }
  /* The hopper is empty once the second card is out. */
  g_assert_cmpint (ci_test_vcard_wait (g_steal_pointer (&fx->card)), ==, 0);
  run_clear (&run);
}

static gboolean
is_cancellation (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, CI_CARD_ERROR, CI_CARD_ERROR_CANCELLED);
}

static gboolean
none_active (Station    *fx,
             const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) employee = ci_store_employee_get_by_number (fx->db.store, number, &error);
  g_autoptr(GPtrArray) cards = NULL;

  g_assert_no_error (error);
  cards = ci_store_card_list (fx->db.store, ci_employee_get_id (employee), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cards->len; i++)
    if (ci_card_get_state (cards->pdata[i]) == CI_CARD_ACTIVE)
      return FALSE;
  return TRUE;
}

/* A slow card, cancelled after the check step: the card stops at its next
 * command, the finish says cancelled, and the store does not say active. */
static void
test_cancel (Station       *fx,
             gconstpointer  data)
{
  CiIssueOptions options = { .reader = fx->reader, .progress = on_step };
  g_autoptr(CiIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, fx, NULL);
  options.progress_data = &run;
  run.cancel_after = 1;
  fx->card = ci_test_vcard_start (fx->image, 0, "--latency-ms", "200", NULL);
  ci_services_card_issue_async (fx->services, fx->ops[ROLE_HR], "E-0001", &options,
                                run.cancellable, on_done, &run);
  run_wait (&run);
  result = ci_services_card_issue_finish (fx->services, run.result, &error);
  g_assert_null (result);
  g_test_message ("cancelled: %s", error ? error->message : "(no error)");
  g_assert_true (is_cancellation (error));
  g_assert_true (g_cancellable_is_cancelled (run.cancellable));
  /* It stopped at the next command, not at the end of the card. */
  g_assert_cmpint (g_get_monotonic_time () - run.cancelled_at, <, 3 * G_USEC_PER_SEC);
  g_assert_true (g_str_has_prefix (run.steps->str, "check"));
  g_assert_null (strstr (run.steps->str, "verify"));
  g_assert_true (none_active (fx, "E-0001"));
  run_clear (&run);
}

/* Cancelled before the worker began: nothing is done, no progress. */
static void
test_cancel_before (Station       *fx,
                    gconstpointer  data)
{
  CiIssueOptions options = { .reader = fx->reader, .progress = on_step };
  g_autoptr(CiIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run run;

  run_init (&run, fx, NULL);
  options.progress_data = &run;
  g_cancellable_cancel (run.cancellable);
  ci_services_card_issue_async (fx->services, fx->ops[ROLE_HR], "E-0001", &options,
                                run.cancellable, on_done, &run);
  run_wait (&run);
  result = ci_services_card_issue_finish (fx->services, run.result, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (run.steps->len, ==, 0);
  g_assert_true (none_active (fx, "E-0001"));
  run_clear (&run);
}

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A batch waiting for a card that never comes: the cancel ends the wait
 * (SCardCancel) and every employee's result says cancelled. */
static void
test_batch_cancel (Station       *fx,
                   gconstpointer  data)
{
  const char * const numbers[] = { "E-0001", "E-0002", NULL };
  const char *readers[] = { fx->reader, NULL };
  CiBatchOptions options = { readers, 60000, NULL, on_batch };
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  Run run;

  run_init (&run, fx, NULL);
  options.progress_data = &run;
  ci_services_card_issue_batch_async (fx->services, fx->ops[ROLE_HR], numbers, &options,
                                      run.cancellable, on_done, &run);
  g_timeout_add (300, cancel_now, run.cancellable);
  run_wait (&run);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  results = ci_services_card_issue_batch_finish (fx->services, run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      CiBatchResult *r = results->pdata[i];

      g_assert_true (is_cancellation (r->error));
      g_assert_cmpint (r->serial, ==, 0);
    }
  g_assert_cmpuint (run.batch->len, ==, 0);
  run_clear (&run);
}

static gboolean
on_tick (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();

  run->max_gap = MAX (run->max_gap, now - run->last_tick);
  run->last_tick = now;
  run->ticks++;
  return G_SOURCE_CONTINUE;
}

/* The main loop keeps running while the card is written: a 20 ms timeout
 * fires all along, and never waits long. */
static void
test_responsive (Station       *fx,
                 gconstpointer  data)
{
  gint64 start;
  guint tick;
  Run run;

  run_init (&run, fx, NULL);
  fx->card = ci_test_vcard_start (fx->image, 0, "--latency-ms", "30", NULL);
  start = run.last_tick = g_get_monotonic_time ();
  tick = g_timeout_add (20, on_tick, &run);
  issue_card (fx, &run, "E-0001");
  g_source_remove (tick);
  g_test_message ("issue took %" G_GINT64_FORMAT " ms: %u ticks, longest gap %" G_GINT64_FORMAT
                  " ms", (g_get_monotonic_time () - start) / 1000, run.ticks,
                  run.max_gap / 1000);
  g_assert_cmpuint (run.ticks, >=, 20);
  g_assert_cmpint (run.max_gap, <, G_USEC_PER_SEC / 2);
  run_clear (&run);
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
  main_thread = g_thread_self ();
  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh and cardissue-vcard");
      return g_test_run ();
    }
  shared_keys = ci_test_key_store_new (KEY_PASSPHRASE, &keys_dir);

#define ADD(path, func) \
  g_test_add ("/services-async/" path, Station, NULL, station_set_up, func, station_tear_down)
  ADD ("issue", test_issue);
  ADD ("template-by-name", test_template_by_name);
  ADD ("change-access", test_change_access);
  ADD ("batch", test_batch);
  ADD ("cancel", test_cancel);
  ADD ("cancel-before-start", test_cancel_before);
  ADD ("batch-cancel", test_batch_cancel);
  ADD ("responsive", test_responsive);
#undef ADD

  status = g_test_run ();
  ci_test_key_store_free (g_steal_pointer (&shared_keys), keys_dir);
  return status;
}
