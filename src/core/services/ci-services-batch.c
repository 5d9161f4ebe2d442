/* ci-services-batch.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-pcsc.h"
#include "ci-services-issue.h"
#include "ci-services-private.h"

/* Issuing for a list of employees on every reader at once: one worker thread
 * per reader waits for a card, takes the next employee, issues the card with
 * ci_services_card_issue() (which audits every step), and waits for it to be
 * taken out (or ejected by the encoder) before the next one. A worker takes
 * an employee only once it holds a card, so a reader nobody feeds holds
 * nobody up; once every employee is taken, the workers still waiting for a
 * card stop. A reader that gets no card in time stops too. A CiBatchControl
 * holds the workers between two cards while it is paused. */

struct _CiBatchControl
{
  gatomicrefcount ref_count;
  GMutex          mutex;
  GCond           cond;
  gboolean        paused;
  guint           pauses;      /* how often it was paused, ever */
};

typedef struct
{
  CiServices           *services;
  CiOperator           *actor;
  const CiBatchOptions *options;
  GMutex                mutex;
  GQueue                pending;     /* indices into results */
  GPtrArray            *results;
  guint                 done;
  GCancellable         *stop;        /* ends the waits for a card */
  guint                 pauses;      /* the control's count when the batch began */
} Batch;

typedef struct
{
  Batch      *batch;
  const char *reader;
} Worker;

void
ci_batch_result_free (CiBatchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->employee_number);
  g_free (result->reader);
  if (result->pin)
    OPENSSL_cleanse (result->pin, strlen (result->pin));
  g_free (result->pin);
  g_clear_error (&result->error);
  g_free (result);
}

/* ─── pause and resume ──────────────────────────────────────────────────── */

/**
 * ci_batch_control_new:
 *
 * Returns: (transfer full): a control, not paused, to put in #CiBatchOptions;
 *   it may be shared between threads
 */
CiBatchControl *
ci_batch_control_new (void)
{
  CiBatchControl *self = g_new0 (CiBatchControl, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  return self;
}

CiBatchControl *
ci_batch_control_ref (CiBatchControl *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ci_batch_control_unref (CiBatchControl *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

/**
 * ci_batch_control_pause:
 * @self: a #CiBatchControl
 *
 * Lets the cards being written finish, and starts no other until
 * ci_batch_control_resume(). Returns at once.
 */
void
ci_batch_control_pause (CiBatchControl *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  if (!self->paused)
    self->pauses++;
  self->paused = TRUE;
  g_mutex_unlock (&self->mutex);
}

/**
 * ci_batch_control_resume:
 * @self: a #CiBatchControl
 *
 * Lets the readers take the next employees again.
 */
void
ci_batch_control_resume (CiBatchControl *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->paused = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

gboolean
ci_batch_control_is_paused (CiBatchControl *self)
{
  gboolean paused;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  paused = self->paused;
  g_mutex_unlock (&self->mutex);
  return paused;
}

static guint
control_pauses (CiBatchControl *self)
{
  guint pauses;

  if (self == NULL)
    return 0;
  g_mutex_lock (&self->mutex);
  pauses = self->pauses;
  g_mutex_unlock (&self->mutex);
  return pauses;
}

/* Whether the batch is paused now, or was at some time since @pauses was read. */
static gboolean
paused_since (CiBatchControl *self,
              guint           pauses)
{
  gboolean paused;

  if (self == NULL)
    return FALSE;
  g_mutex_lock (&self->mutex);
  paused = self->paused || self->pauses != pauses;
  g_mutex_unlock (&self->mutex);
  return paused;
}

static void
wake_waiters (GCancellable *cancellable,
              gpointer      data)
{
  CiBatchControl *self = data;

  g_mutex_lock (&self->mutex);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* Blocks while @self is paused. FALSE once @cancellable is cancelled. */
static gboolean
control_wait (CiBatchControl *self,
              GCancellable   *cancellable)
{
  gulong handler = 0;

  if (self == NULL)
    return !g_cancellable_is_cancelled (cancellable);
  /* Connected outside the mutex: the handler runs at once, in this thread,
   * if the cancellable fired already, and it takes the mutex. The check under
   * the mutex below then sees the cancel, so no wake-up is lost. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_waiters), self, NULL);
  g_mutex_lock (&self->mutex);
  while (self->paused && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  g_cancellable_disconnect (cancellable, handler);
  return !g_cancellable_is_cancelled (cancellable);
}

/* ─── the workers ───────────────────────────────────────────────────────── */

static gboolean
has_pending (Batch *batch)
{
  gboolean any;

  g_mutex_lock (&batch->mutex);
  any = !g_queue_is_empty (&batch->pending);
  g_mutex_unlock (&batch->mutex);
  return any;
}

static gboolean
take_next (Batch *batch,
           guint *index)
{
  gboolean any;
  gboolean last;

  g_mutex_lock (&batch->mutex);
  any = !g_queue_is_empty (&batch->pending);
  if (any)
    *index = GPOINTER_TO_UINT (g_queue_pop_head (&batch->pending));
  last = g_queue_is_empty (&batch->pending);
  g_mutex_unlock (&batch->mutex);
  /* Nobody is left for the readers still waiting for a card. */
  if (last)
    g_cancellable_cancel (batch->stop);
  return any;
}

static void
report (Batch         *batch,
        CiBatchResult *result)
{
  const CiBatchOptions *options = batch->options;

  g_mutex_lock (&batch->mutex);
  batch->done++;
  if (options->progress)
    options->progress (result, batch->done, batch->results->len, options->progress_data);
  g_mutex_unlock (&batch->mutex);
}

static void
issue_one (Worker        *worker,
           CiBatchResult *result)
{
  Batch *batch = worker->batch;
  CiIssueOptions options = {
    .reader = worker->reader,
    .cancellable = batch->options->cancellable,
  };
  g_autoptr(CiIssueResult) issued = NULL;
  gint64 start = g_get_monotonic_time ();

  result->reader = g_strdup (worker->reader);
  issued = ci_services_card_issue (batch->services, batch->actor, result->employee_number,
                                   &options, &result->error);
  if (issued)
    {
      result->serial = issued->serial;
      result->pin = g_steal_pointer (&issued->pin);
    }
  result->duration_us = g_get_monotonic_time () - start;
  report (batch, result);
}

/* Waits for a card (or for the reader to be empty). A wait that runs out
 * while the batch is paused is no reason to stop the reader: the desk stopped
 * feeding cards on purpose. It goes on once the batch is resumed. */
static gboolean
wait_for_reader (Worker       *worker,
                 gboolean      present,
                 guint        *events,
                 GCancellable *cancellable)
{
  const CiBatchOptions *options = worker->batch->options;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint pauses = control_pauses (options->control);

      if (ci_pcsc_wait_for_state (worker->reader, present, events, options->card_timeout_ms,
                                  cancellable, &error))
        return TRUE;
      if (!g_error_matches (error, CI_CARD_ERROR, CI_CARD_ERROR_TIMEOUT)
          && !g_error_matches (error, CI_CARD_ERROR, CI_CARD_ERROR_NO_CARD))
        return FALSE;
      if (!paused_since (options->control, pauses)
          || !control_wait (options->control, cancellable))
        return FALSE;
    }
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Batch *batch = worker->batch;
  CiBatchControl *control = batch->options->control;
  guint index;
  guint events = 0;

  /* The event count taken when the card was seen lets the wait for its
   * removal notice an encoder that swapped it for the next one already. */
  /* Whether anyone is left is asked first: a paused reader must not wait
   * for a resume when the batch is over. */
  while (has_pending (batch) && control_wait (control, batch->stop))
    {
      if (!wait_for_reader (worker, TRUE, &events, batch->stop))
        break;
      /* Paused while the card came: it stays in the reader, untouched. */
      if (control != NULL && ci_batch_control_is_paused (control))
        continue;
      if (!take_next (batch, &index))
        break;
      issue_one (worker, batch->results->pdata[index]);
      /* The batch ends with its last card, taken out or not: the wait for
       * its removal ends when nobody is left (stop). */
      if (!has_pending (batch) || !wait_for_reader (worker, FALSE, &events, batch->stop))
        break;
    }
  return NULL;
}

static void
stop_too (GCancellable *cancellable,
          gpointer      stop)
{
  g_cancellable_cancel (stop);
}

static void
fail_leftovers (Batch *batch)
{
  guint index;

  while (take_next (batch, &index))
    {
      CiBatchResult *result = batch->results->pdata[index];

      if (g_cancellable_set_error_if_cancelled (batch->options->cancellable, &result->error))
        continue;
      g_set_error_literal (&result->error, CI_CARD_ERROR, CI_CARD_ERROR_NO_CARD,
                           _("No card came into a free reader in time for this employee"));
    }
}

static gboolean
record_batch (Batch       *batch,
              guint        n_readers,
              GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autofree char *total = g_strdup_printf ("%u", batch->results->len);
  g_autofree char *readers = g_strdup_printf ("%u", n_readers);
  g_autofree char *issued = NULL;
  guint ok = 0;

  for (guint i = 0; i < batch->results->len; i++)
    ok += ((CiBatchResult *) batch->results->pdata[i])->serial != 0;
  issued = g_strdup_printf ("%u", ok);
  if (!_ci_call_start (&call, batch->services, batch->actor, "card.batch", CI_ACTION_CARD_ISSUE,
                       TRUE, "batch", "", error))
    return FALSE;
  _ci_call_detail (&call, "employees", total);
  _ci_call_detail (&call, "issued", issued);
  _ci_call_detail (&call, "readers", readers);
  if (control_pauses (batch->options->control) > batch->pauses)
    {
      g_autofree char *pauses = g_strdup_printf ("%u", control_pauses (batch->options->control)
                                                       - batch->pauses);
      _ci_call_detail (&call, "pauses", pauses);
    }
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_card_issue_batch:
 * @self: a #CiServices with an unlocked key store
 * @actor: the signed-in operator (HR or security)
 * @employee_numbers: %NULL-terminated
 * @options: the readers, how long to wait for cards, progress
 * @error: return location for an error about the batch as a whole
 *
 * Issues a first card to each employee over all @options' readers at once.
 * Blocks until every employee has a result; run it in a worker. While
 * @options' control is paused, no card is started (see #CiBatchControl).
 *
 * Returns: (transfer full) (element-type CiBatchResult): one result per
 *   employee, in the order given; %NULL if the batch could not start
 */
GPtrArray *
ci_services_card_issue_batch (CiServices            *self,
                              CiOperator            *actor,
                              const char * const    *employee_numbers,
                              const CiBatchOptions  *options,
                              GError               **error)
{
  Batch batch = { self, actor, options };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autofree Worker *workers = NULL;
  gulong stop_handler = 0;
  guint n_readers;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_numbers != NULL && options != NULL, NULL);

  n_readers = options->readers ? g_strv_length ((char **) options->readers) : 0;
  if (n_readers == 0)
    {
      g_set_error_literal (error, CI_CARD_ERROR, CI_CARD_ERROR_NO_READER,
                           _("No card reader is connected."));
      return NULL;
    }
  if (!_ci_check_keys (self, error))
    return NULL;
  g_mutex_init (&batch.mutex);
  batch.results = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_batch_result_free);
  for (guint i = 0; employee_numbers[i]; i++)
    {
      CiBatchResult *result = g_new0 (CiBatchResult, 1);

      result->employee_number = g_strdup (employee_numbers[i]);
      g_ptr_array_add (batch.results, result);
      g_queue_push_tail (&batch.pending, GUINT_TO_POINTER (i));
    }
  batch.stop = g_cancellable_new ();
  batch.pauses = control_pauses (options->control);
  if (options->cancellable != NULL)
    stop_handler = g_cancellable_connect (options->cancellable, G_CALLBACK (stop_too), batch.stop,
                                          NULL);
  workers = g_new0 (Worker, n_readers);
  for (guint i = 0; i < n_readers; i++)
    {
      workers[i] = (Worker) { &batch, options->readers[i] };
      g_ptr_array_add (threads, g_thread_new ("ci-batch", worker_thread, &workers[i]));
    }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_cancellable_disconnect (options->cancellable, stop_handler);
  fail_leftovers (&batch);
  g_clear_object (&batch.stop);
  g_mutex_clear (&batch.mutex);
  if (!record_batch (&batch, n_readers, error))
    g_clear_pointer (&batch.results, g_ptr_array_unref);
  return batch.results;
}
