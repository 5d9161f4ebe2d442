/* ci-services-batch.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-pcsc.h"
#include "ci-services-issue.h"
#include "ci-services-private.h"

/* Issuing for a list of employees on every reader at once: one worker thread
 * per reader takes the next employee, waits for a card, issues it with
 * ci_services_card_issue() (which audits every step), and waits for the card
 * to be taken out (or ejected by the encoder) before the next one. A reader
 * that gets no card in time stops, and leaves its employee to the others. */

typedef struct
{
  CiServices           *services;
  CiOperator           *actor;
  const CiBatchOptions *options;
  GMutex                mutex;
  GQueue                pending;     /* indices into results */
  GPtrArray            *results;
  guint                 done;
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

static gboolean
take_next (Batch *batch,
           guint *index)
{
  gboolean any;

  g_mutex_lock (&batch->mutex);
  any = !g_queue_is_empty (&batch->pending);
  if (any)
    *index = GPOINTER_TO_UINT (g_queue_pop_head (&batch->pending));
  g_mutex_unlock (&batch->mutex);
  return any;
}

static void
give_back (Batch *batch,
           guint  index)
{
  g_mutex_lock (&batch->mutex);
  g_queue_push_head (&batch->pending, GUINT_TO_POINTER (index));
  g_mutex_unlock (&batch->mutex);
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

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Batch *batch = worker->batch;
  guint timeout = batch->options->card_timeout_ms;
  GCancellable *cancellable = batch->options->cancellable;
  guint index;
  guint events = 0;

  /* The event count taken when the card was seen lets the wait for its
   * removal notice an encoder that swapped it for the next one already. */
  while (take_next (batch, &index))
    {
      if (!ci_pcsc_wait_for_state (worker->reader, TRUE, &events, timeout, cancellable, NULL))
        {
          give_back (batch, index);
          break;
        }
      issue_one (worker, batch->results->pdata[index]);
      if (!ci_pcsc_wait_for_state (worker->reader, FALSE, &events, timeout, cancellable, NULL))
        break;
    }
  return NULL;
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
                           "No card came into a free reader in time for this employee");
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
 * Blocks until every employee has a result; run it in a worker.
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
  guint n_readers;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_numbers != NULL && options != NULL, NULL);

  n_readers = options->readers ? g_strv_length ((char **) options->readers) : 0;
  if (n_readers == 0)
    {
      g_set_error_literal (error, CI_CARD_ERROR, CI_CARD_ERROR_NO_READER,
                           "No card reader is connected.");
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
  workers = g_new0 (Worker, n_readers);
  for (guint i = 0; i < n_readers; i++)
    {
      workers[i] = (Worker) { &batch, options->readers[i] };
      g_ptr_array_add (threads, g_thread_new ("ci-batch", worker_thread, &workers[i]));
    }
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  fail_leftovers (&batch);
  g_mutex_clear (&batch.mutex);
  if (!record_batch (&batch, n_readers, error))
    g_clear_pointer (&batch.results, g_ptr_array_unref);
  return batch.results;
}
