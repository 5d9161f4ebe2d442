/* test-services-batch.c — pausing and resuming a batch of cards
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/with-pcscd.sh. Each test runs ci_services_card_issue_batch()
 * in a thread of its own over the virtual reader of slot 0, with an encoder
 * that feeds blank cards from a hopper (cardissue-vcard --hopper), pauses the
 * batch from its progress callback after the first card (so the pause lands
 * before the next card could start), and checks through the store that no
 * card starts while the batch is paused. The store is SQLite, or
 * (services-batch-pg) PostgreSQL from tests/with-postgres.sh.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "card/ci-card-error.h"
#include "services/ci-services-issue.h"
#include "ci-test-store.h"
#include "ci-test-vcard.h"

#define DESK "desk-batch"
#define ADMIN_PASSWORD "admin-password-1"
#define KEY_PASSPHRASE "key store passphrase"
#define N_PEOPLE 3

/* Made once: the key store's scrypt takes seconds. */
static CiKeyStore *shared_keys;

static const char * const people[N_PEOPLE + 1] = { "E-0001", "E-0002", "E-0003", NULL };

typedef struct
{
  Fixture         db;
  char           *dir;
  char           *image;
  char           *reader;
  CiServices     *services;
  CiOperator     *admin;
  CiOperator     *hr;
  CiTestVcard    *card;

  /* The batch, run in its own thread. */
  GThread        *thread;
  CiBatchControl *control;
  GCancellable   *cancellable;
  const char     *readers[3];
  char           *reader1;      /* a second reader, for tests that use two */
  gint            finished;     /* the batch has returned (atomic) */
  CiBatchOptions  options;
  GMutex          mutex;
  guint           done;         /* cards the progress saw */
  guint           pause_after;  /* pause when this many are done; 0: never */
  GPtrArray      *results;
  GError         *error;
} Station;

/* ---- the database ---------------------------------------------------------- */

static void
seed (Station *fx)
{
  g_autoptr(GError) error = NULL;

  fx->hr = ci_operator_new ();
  ci_operator_set_login (fx->hr, "hr");
  ci_operator_set_display_name (fx->hr, "hr");
  ci_operator_set_roles (fx->hr, CI_ROLE_HR);
  g_assert_true (ci_services_operator_add (fx->services, fx->admin, fx->hr, "hr-password-22",
                                           &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autoptr(CiEmployee) e = ci_employee_new ();

      ci_employee_set_number (e, people[i]);
      ci_employee_set_given_name (e, "Bea");
      ci_employee_set_family_name (e, people[i]);
      ci_employee_set_valid_from (e, "2024-01-01");
      ci_employee_set_valid_until (e, "2099-12-31");
      g_assert_true (ci_services_employee_enroll (fx->services, fx->hr, e, &error));
      g_assert_no_error (error);
    }
}

static void
station_set_up (Station       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (&fx->db, data);
  fx->dir = g_dir_make_tmp ("ci-services-batch-XXXXXX", &error);
  g_assert_no_error (error);
  fx->image = g_build_filename (fx->dir, "card.img", NULL);
  fx->reader = ci_test_reader_name (0);
  fx->services = ci_services_new (fx->db.store, DESK);
  ci_services_set_key_store (fx->services, shared_keys);
  fx->admin = ci_services_setup_first_admin (fx->services, "admin", "admin", ADMIN_PASSWORD,
                                             &error);
  g_assert_no_error (error);
  seed (fx);
  g_mutex_init (&fx->mutex);
  fx->control = ci_batch_control_new ();
  fx->cancellable = g_cancellable_new ();
}

static void
station_tear_down (Station       *fx,
                   gconstpointer  data)
{
  g_assert_null (fx->thread);
  ci_test_vcard_stop (fx->card);
  g_free (fx->reader1);
  g_clear_pointer (&fx->results, g_ptr_array_unref);
  g_clear_error (&fx->error);
  g_clear_pointer (&fx->control, ci_batch_control_unref);
  g_clear_object (&fx->cancellable);
  g_mutex_clear (&fx->mutex);
  g_clear_object (&fx->hr);
  g_clear_object (&fx->admin);
  g_assert_finalize_object (g_steal_pointer (&fx->services));
  fixture_teardown (&fx->db, data);
  ci_test_remove_dir (fx->dir);
  g_free (fx->image);
  g_free (fx->reader);
  g_free (fx->dir);
}

/* How many cards the store holds for @number, in any state. */
static guint
n_cards (Station    *fx,
         const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) employee = ci_store_employee_get_by_number (fx->db.store, number, &error);
  g_autoptr(GPtrArray) cards = NULL;

  g_assert_no_error (error);
  cards = ci_store_card_list (fx->db.store, ci_employee_get_id (employee), &error);
  g_assert_no_error (error);
  return cards->len;
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

/* ---- the batch in a thread ------------------------------------------------- */

/* In a reader's worker, one call at a time: the pause is asked for before
 * the worker could take its next employee. */
static void
on_card (const CiBatchResult *result,
         guint                done,
         guint                total,
         gpointer             user_data)
{
  Station *fx = user_data;

  g_mutex_lock (&fx->mutex);
  fx->done = done;
  g_mutex_unlock (&fx->mutex);
  if (result->error)
    g_test_message ("%s: %s", result->employee_number, result->error->message);
  if (done == fx->pause_after)
    ci_batch_control_pause (fx->control);
}

static gpointer
batch_thread (gpointer data)
{
  Station *fx = data;

  fx->results = ci_services_card_issue_batch (fx->services, fx->hr, people, &fx->options,
                                              &fx->error);
  g_atomic_int_set (&fx->finished, TRUE);
  return NULL;
}

static void
start_batch (Station *fx,
             guint    card_timeout_ms,
             guint    pause_after)
{
  fx->readers[0] = fx->reader;
  fx->readers[1] = fx->reader1;
  fx->pause_after = pause_after;
  fx->options = (CiBatchOptions) {
    .readers = fx->readers,
    .card_timeout_ms = card_timeout_ms,
    .cancellable = fx->cancellable,
    .progress = on_card,
    .progress_data = fx,
    .control = fx->control,
  };
  fx->thread = g_thread_new ("test-batch", batch_thread, fx);
}

static guint
done (Station *fx)
{
  guint n;

  g_mutex_lock (&fx->mutex);
  n = fx->done;
  g_mutex_unlock (&fx->mutex);
  return n;
}

static void
wait_for_done (Station *fx,
               guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (done (fx) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
}

static void
join_batch (Station *fx)
{
  g_thread_join (g_steal_pointer (&fx->thread));
  g_assert_no_error (fx->error);
  g_assert_nonnull (fx->results);
  g_assert_cmpuint (fx->results->len, ==, N_PEOPLE);
}

/* While paused, nothing starts on the cards that come: no card record for
 * the employees after the first, for longer than it takes to issue one. */
static void
assert_nothing_starts (Station *fx,
                       guint    ms)
{
  g_usleep (ms * 1000);
  g_assert_true (ci_batch_control_is_paused (fx->control));
  g_assert_cmpuint (done (fx), ==, 1);
  g_assert_cmpuint (n_cards (fx, people[0]), ==, 1);
  for (guint i = 1; i < N_PEOPLE; i++)
    g_assert_cmpuint (n_cards (fx, people[i]), ==, 0);
}

static void
assert_all_issued (Station *fx)
{
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      CiBatchResult *r = fx->results->pdata[i];

      g_assert_no_error (r->error);
      g_assert_cmpstr (r->employee_number, ==, people[i]);
      g_assert_nonnull (r->pin);
      g_assert_cmpint (card_state (fx, r->serial), ==, CI_CARD_ACTIVE);
      g_assert_cmpuint (n_cards (fx, people[i]), ==, 1);
    }
}

/* ---- the tests ------------------------------------------------------------- */

/* An encoder with three cards: paused after the first, the next blank card
 * waits in the reader; resumed, the batch issues the other two. */
static void
test_pause_resume (Station       *fx,
                   gconstpointer  data)
{
  fx->card = ci_test_vcard_start (fx->image, 0, "--hopper", "2", NULL);
  start_batch (fx, 10000, 1);
  wait_for_done (fx, 1);
  assert_nothing_starts (fx, 2000);
  ci_batch_control_resume (fx->control);
  join_batch (fx);
  assert_all_issued (fx);
  /* All three cards came out of the encoder. */
  g_assert_cmpint (ci_test_vcard_wait (g_steal_pointer (&fx->card)), ==, 0);
}

/* Paused longer than a reader waits for its cards: the reader does not give
 * up meanwhile. The first card stays in the reader (no hopper) until the test
 * takes it out and puts in an encoder with two blank cards. */
static void
test_pause_outlasts_timeout (Station       *fx,
                             gconstpointer  data)
{
  g_autofree char *image2 = g_build_filename (fx->dir, "card2.img", NULL);

  fx->card = ci_test_vcard_start (fx->image, 0, NULL);
  start_batch (fx, 500, 1);
  wait_for_done (fx, 1);
  /* The wait for the issued card to be taken out runs out, paused. */
  g_usleep (1500 * 1000);
  ci_test_vcard_stop (g_steal_pointer (&fx->card));
  fx->card = ci_test_vcard_start (image2, 0, "--hopper", "1", NULL);
  assert_nothing_starts (fx, 1500);
  ci_batch_control_resume (fx->control);
  join_batch (fx);
  assert_all_issued (fx);
  g_assert_cmpint (ci_test_vcard_wait (g_steal_pointer (&fx->card)), ==, 0);
}

/* Cancelling a paused batch ends it at once: the employees not reached are
 * reported cancelled, and the blank card in the reader is left alone. */
static void
test_cancel_while_paused (Station       *fx,
                          gconstpointer  data)
{
  gint64 start;

  fx->card = ci_test_vcard_start (fx->image, 0, "--hopper", "2", NULL);
  start_batch (fx, 10000, 1);
  wait_for_done (fx, 1);
  assert_nothing_starts (fx, 500);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (fx->cancellable);
  join_batch (fx);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_no_error (((CiBatchResult *) fx->results->pdata[0])->error);
  for (guint i = 1; i < N_PEOPLE; i++)
    {
      CiBatchResult *r = fx->results->pdata[i];

      g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (r->serial, ==, 0);
      g_assert_cmpuint (n_cards (fx, people[i]), ==, 0);
    }
}

/* Two readers, and the pause asked for when the last card is done: the
 * batch is over and ends at once, paused or not; no reader waits for a
 * resume, or for its card to be taken out. */
static void
test_pause_at_end (Station       *fx,
                   gconstpointer  data)
{
  g_autofree char *image2 = g_build_filename (fx->dir, "card2.img", NULL);
  CiTestVcard *card1;
  gint64 deadline;

  fx->reader1 = ci_test_reader_name (1);
  fx->card = ci_test_vcard_start (fx->image, 0, "--hopper", "1", NULL);
  card1 = ci_test_vcard_start (image2, 1, NULL);
  start_batch (fx, 10000, N_PEOPLE);
  wait_for_done (fx, N_PEOPLE);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&fx->finished))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_assert_true (ci_batch_control_is_paused (fx->control));
  join_batch (fx);
  assert_all_issued (fx);
  ci_test_vcard_stop (card1);
}

/* Without a pause the control changes nothing; pausing twice counts once. */
static void
test_control (void)
{
  g_autoptr(CiBatchControl) control = ci_batch_control_new ();

  g_assert_false (ci_batch_control_is_paused (control));
  ci_batch_control_pause (control);
  ci_batch_control_pause (control);
  g_assert_true (ci_batch_control_is_paused (control));
  ci_batch_control_resume (control);
  g_assert_false (ci_batch_control_is_paused (control));
  ci_batch_control_unref (ci_batch_control_ref (control));
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
  g_test_add_func ("/services-batch/control", test_control);
  if (!ci_test_have_pcscd ())
    {
      g_test_message ("the batch tests need tests/with-pcscd.sh and cardissue-vcard");
      return g_test_run ();
    }
  shared_keys = ci_test_key_store_new (KEY_PASSPHRASE, &keys_dir);

#define ADD(path, func) \
  g_test_add ("/services-batch/" path, Station, NULL, station_set_up, func, station_tear_down)
  ADD ("pause-resume", test_pause_resume);
  ADD ("pause-outlasts-timeout", test_pause_outlasts_timeout);
  ADD ("cancel-while-paused", test_cancel_while_paused);
  ADD ("pause-at-end", test_pause_at_end);
#undef ADD

  status = g_test_run ();
  ci_test_key_store_free (g_steal_pointer (&shared_keys), keys_dir);
  return status;
}
