/* ci-services-async.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "ci-services-async.h"

/* The card services block for seconds on PC/SC and the store: these forms run
 * them in a GTask thread for a caller on a main loop (the desktop app). What
 * the caller passes is copied, since the worker outlives the call. Progress
 * comes back to the caller's thread-default main context, captured when the
 * operation starts, as idle sources carrying copies of their arguments.
 *
 * Not g_main_context_invoke_full(): it runs the function at once in the calling
 * thread whenever that thread can acquire the context, which a worker can do
 * between two g_main_context_iteration() calls (GApplication's loop), and the
 * progress would then run in the worker.
 *
 * Order: the progress sources and GTask's completion source have one priority,
 * and GLib dispatches the ready sources of a priority in the order they were
 * attached. The worker attaches each progress source before the service
 * returns, so the caller sees the steps in order, all of them before the
 * result. */

#define RELAY_PRIORITY G_PRIORITY_DEFAULT

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

/* Runs @func (@data) once in @context, then @destroy (@data) there. */
static void
relay (GMainContext   *context,
       GSourceFunc     func,
       gpointer        data,
       GDestroyNotify  destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, RELAY_PRIORITY);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[cardissue] service progress");
  g_source_attach (source, context);
  g_source_unref (source);
}

/* Results are what the service reports, even if the cancellable fired after
 * the card was done: GTask is told not to turn a written card into an error. */
static GTask *
new_task (CiServices          *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             op,
          GDestroyNotify       op_free)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_task_data (task, op, op_free);
  g_task_set_check_cancellable (task, FALSE);
  /* The same as the progress sources', which keeps them before the result. */
  g_task_set_priority (task, RELAY_PRIORITY);
  return task;
}

/* --- one card ---------------------------------------------------------- */

typedef struct
{
  CiServices          *services;
  CiOperator          *actor;
  char                *employee_number;
  char                *reader;
  char                *pin;
  char                *face_template_name;
  CiIssueOptions       options;        /* points at the copies above */
  CiIssueProgressFunc  progress;       /* the caller's */
  gpointer             progress_data;
  GMainContext        *context;
} IssueOp;

static void
issue_op_free (gpointer data)
{
  IssueOp *op = data;

  g_clear_object (&op->services);
  g_clear_object (&op->actor);
  g_free (op->employee_number);
  g_free (op->reader);
  free_secret (op->pin);
  g_free (op->face_template_name);
  g_clear_object (&op->options.cancellable);
  g_clear_pointer (&op->options.trace, ci_card_trace_unref);
  g_main_context_unref (op->context);
  g_free (op);
}

typedef struct
{
  CiIssueProgressFunc  func;
  gpointer             data;
  char                *reader;
  CiIssueStep          step;
  gboolean             skipped;
  gint64               duration_us;
  GError              *error;
} StepEvent;

static void
step_event_free (gpointer data)
{
  StepEvent *event = data;

  g_free (event->reader);
  g_clear_error (&event->error);
  g_free (event);
}

static gboolean
deliver_step (gpointer data)
{
  StepEvent *event = data;

  event->func (event->reader, event->step, event->skipped, event->duration_us, event->error,
               event->data);
  return G_SOURCE_REMOVE;
}

/* The service calls this in the worker after each step. */
static void
relay_step (const char   *reader,
            CiIssueStep   step,
            gboolean      skipped,
            gint64        duration_us,
            const GError *error,
            gpointer      user_data)
{
  IssueOp *op = user_data;
  StepEvent *event = g_new0 (StepEvent, 1);

  *event = (StepEvent) { op->progress, op->progress_data, g_strdup (reader), step, skipped,
                         duration_us, error ? g_error_copy (error) : NULL };
  relay (op->context, deliver_step, event, step_event_free);
}

static IssueOp *
issue_op_new (CiServices           *self,
              CiOperator           *actor,
              const char           *employee_number,
              const CiIssueOptions *options,
              GCancellable         *cancellable)
{
  IssueOp *op = g_new0 (IssueOp, 1);

  op->services = g_object_ref (self);
  op->actor = actor ? g_object_ref (actor) : NULL;
  op->employee_number = g_strdup (employee_number);
  op->reader = g_strdup (options->reader);
  op->pin = g_strdup (options->pin);
  op->face_template_name = g_strdup (options->face_template_name);
  op->progress = options->progress;
  op->progress_data = options->progress_data;
  op->context = g_main_context_ref_thread_default ();
  op->options = (CiIssueOptions) {
    .reader = op->reader,
    .replaces = options->replaces,
    .pin = op->pin,
    .face_template = options->face_template,
    .face_template_name = op->face_template_name,
    .cancellable = cancellable ? g_object_ref (cancellable) : NULL,
    .trace = options->trace ? ci_card_trace_ref (options->trace) : NULL,
    .progress = options->progress ? relay_step : NULL,
    .progress_data = op,
  };
  return op;
}

static void
issue_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IssueOp *op = task_data;
  GError *error = NULL;
  CiIssueResult *result;

  /* Cancelled before it began: nothing was done, so there is nothing to audit. */
  if (g_task_return_error_if_cancelled (task))
    return;
  result = ci_services_card_issue (op->services, op->actor, op->employee_number, &op->options,
                                   &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) ci_issue_result_free);
}

/**
 * ci_services_card_issue_async:
 * @self: a #CiServices with an unlocked key store
 * @actor: (nullable): the signed-in operator (HR or security)
 * @employee_number: whose card
 * @options: the reader, the PIN, progress; copied, see below
 * @cancellable: (nullable): cancels the issue; it takes the place of
 *   @options' cancellable, which is not used
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * ci_services_card_issue() in a worker thread: the main loop keeps running
 * while the card is written. @employee_number, @options' reader and PIN (wiped
 * when no longer needed) and @options itself are copied; @self, @actor and
 * @options' trace are referenced. @options' face template is borrowed: it must
 * stay alive and unchanged until @callback has run. The trace is written by the
 * worker: read it once @callback has run.
 *
 * @options' progress, if any, is called on the caller's thread-default main
 * context as it was at this call, never in the worker: once per step, in step
 * order, all before @callback, with copies of the reader name and the error.
 * Its progress_data must stay valid until @callback has run.
 *
 * Cancelling @cancellable stops the card at its next command: see
 * ci_services_card_issue_finish() for what it then reports.
 */
void
ci_services_card_issue_async (CiServices           *self,
                              CiOperator           *actor,
                              const char           *employee_number,
                              const CiIssueOptions *options,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CI_IS_SERVICES (self));
  g_return_if_fail (actor == NULL || CI_IS_OPERATOR (actor));
  g_return_if_fail (employee_number != NULL);
  g_return_if_fail (options != NULL && options->reader != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, cancellable, callback, user_data,
                   issue_op_new (self, actor, employee_number, options, cancellable),
                   issue_op_free);
  g_task_set_source_tag (task, ci_services_card_issue_async);
  g_task_set_name (task, "ci_services_card_issue_async");
  g_task_run_in_thread (task, issue_in_thread);
}

/**
 * ci_services_card_issue_finish:
 * @self: the #CiServices the issue was started on
 * @result: the #GAsyncResult given to the callback
 * @error: return location for an error
 *
 * The outcome of ci_services_card_issue_async(), as ci_services_card_issue()
 * reports it. After a cancel the error is %G_IO_ERROR_CANCELLED (the card
 * work checks the cancellable before every command), or
 * %CI_CARD_ERROR_CANCELLED where PC/SC reported the cancel; the card record is
 * then not active, and issuing again with the same card finishes it. A cancel
 * that came after the card verified does not undo it: the result is the
 * card's. One that came before the worker began leaves everything untouched
 * (no card command, no audit entry) and gives %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full): the serial, and the PIN if it was generated; %NULL
 *   with @error set on failure
 */
CiIssueResult *
ci_services_card_issue_finish (CiServices    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, ci_services_card_issue_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
change_access_in_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  IssueOp *op = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (ci_services_card_change_access (op->services, op->actor, &op->options, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ci_services_card_change_access_async:
 * @self: a #CiServices with an unlocked key store
 * @actor: (nullable): the signed-in security officer
 * @options: the reader holding the card, progress; copied
 * @cancellable: (nullable): takes the place of @options' cancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * ci_services_card_change_access() in a worker thread. What is copied, what
 * must stay alive, and how progress and cancellation work is as for
 * ci_services_card_issue_async(); the steps are check, personalise, verify.
 */
void
ci_services_card_change_access_async (CiServices           *self,
                                      CiOperator           *actor,
                                      const CiIssueOptions *options,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CI_IS_SERVICES (self));
  g_return_if_fail (actor == NULL || CI_IS_OPERATOR (actor));
  g_return_if_fail (options != NULL && options->reader != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, cancellable, callback, user_data,
                   issue_op_new (self, actor, NULL, options, cancellable), issue_op_free);
  g_task_set_source_tag (task, ci_services_card_change_access_async);
  g_task_set_name (task, "ci_services_card_change_access_async");
  g_task_run_in_thread (task, change_access_in_thread);
}

/**
 * ci_services_card_change_access_finish:
 * @self: the #CiServices the change was started on
 * @result: the #GAsyncResult given to the callback
 * @error: return location for an error
 *
 * The outcome of ci_services_card_change_access_async(); a cancel is reported
 * as for ci_services_card_issue_finish().
 *
 * Returns: %TRUE once the card verified with its new zones
 */
gboolean
ci_services_card_change_access_finish (CiServices    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, ci_services_card_change_access_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- a batch ----------------------------------------------------------- */

typedef struct
{
  CiServices          *services;
  CiOperator          *actor;
  GStrv                employee_numbers;
  GStrv                readers;
  CiBatchOptions       options;        /* points at the copies above */
  CiBatchProgressFunc  progress;       /* the caller's */
  gpointer             progress_data;
  GMainContext        *context;
} BatchOp;

static void
batch_op_free (gpointer data)
{
  BatchOp *op = data;

  g_clear_object (&op->services);
  g_clear_object (&op->actor);
  g_strfreev (op->employee_numbers);
  g_strfreev (op->readers);
  g_clear_object (&op->options.cancellable);
  g_clear_pointer (&op->options.control, ci_batch_control_unref);
  g_main_context_unref (op->context);
  g_free (op);
}

typedef struct
{
  CiBatchProgressFunc  func;
  gpointer             data;
  CiBatchResult       *result;         /* a copy */
  guint                done;
  guint                total;
} BatchEvent;

static void
batch_event_free (gpointer data)
{
  BatchEvent *event = data;

  ci_batch_result_free (event->result);
  g_free (event);
}

static gboolean
deliver_batch (gpointer data)
{
  BatchEvent *event = data;

  event->func (event->result, event->done, event->total, event->data);
  return G_SOURCE_REMOVE;
}

static CiBatchResult *
batch_result_copy (const CiBatchResult *result)
{
  CiBatchResult *copy = g_new0 (CiBatchResult, 1);

  copy->employee_number = g_strdup (result->employee_number);
  copy->reader = g_strdup (result->reader);
  copy->serial = result->serial;
  copy->pin = g_strdup (result->pin);
  copy->error = result->error ? g_error_copy (result->error) : NULL;
  copy->duration_us = result->duration_us;
  return copy;
}

/* The batch calls this from its reader threads, one call at a time. */
static void
relay_batch (const CiBatchResult *result,
             guint                done,
             guint                total,
             gpointer             user_data)
{
  BatchOp *op = user_data;
  BatchEvent *event = g_new0 (BatchEvent, 1);

  *event = (BatchEvent) { op->progress, op->progress_data, batch_result_copy (result), done,
                          total };
  relay (op->context, deliver_batch, event, batch_event_free);
}

static BatchOp *
batch_op_new (CiServices           *self,
              CiOperator           *actor,
              const char * const   *employee_numbers,
              const CiBatchOptions *options,
              GCancellable         *cancellable)
{
  BatchOp *op = g_new0 (BatchOp, 1);

  op->services = g_object_ref (self);
  op->actor = actor ? g_object_ref (actor) : NULL;
  op->employee_numbers = g_strdupv ((char **) employee_numbers);
  op->readers = g_strdupv ((char **) options->readers);
  op->progress = options->progress;
  op->progress_data = options->progress_data;
  op->context = g_main_context_ref_thread_default ();
  op->options = (CiBatchOptions) {
    .readers = (const char * const *) op->readers,
    .card_timeout_ms = options->card_timeout_ms,
    .cancellable = cancellable ? g_object_ref (cancellable) : NULL,
    .progress = options->progress ? relay_batch : NULL,
    .progress_data = op,
    .control = options->control ? ci_batch_control_ref (options->control) : NULL,
  };
  return op;
}

static void
batch_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  BatchOp *op = task_data;
  GError *error = NULL;
  GPtrArray *results;

  if (g_task_return_error_if_cancelled (task))
    return;
  results = ci_services_card_issue_batch (op->services, op->actor,
                                          (const char * const *) op->employee_numbers,
                                          &op->options, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ci_services_card_issue_batch_async:
 * @self: a #CiServices with an unlocked key store
 * @actor: (nullable): the signed-in operator (HR or security)
 * @employee_numbers: %NULL-terminated; copied
 * @options: the readers, how long to wait for cards, progress, the control
 *   that pauses the batch (referenced); copied
 * @cancellable: (nullable): stops the batch, paused or not; it takes the place
 *   of @options' cancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * ci_services_card_issue_batch() in a worker thread. @options' progress, if
 * any, is called on the caller's thread-default main context as it was at this
 * call, never in a worker: once per employee, in the order the cards were
 * done, all before @callback, with a copy of the result (PIN included, wiped
 * when freed). Its progress_data must stay valid until @callback has run.
 *
 * Cancelling stops the card being written at its next command and the waits
 * for cards (SCardCancel); the batch still ends with a result per employee:
 * see ci_services_card_issue_batch_finish().
 */
void
ci_services_card_issue_batch_async (CiServices           *self,
                                    CiOperator           *actor,
                                    const char * const   *employee_numbers,
                                    const CiBatchOptions *options,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CI_IS_SERVICES (self));
  g_return_if_fail (actor == NULL || CI_IS_OPERATOR (actor));
  g_return_if_fail (employee_numbers != NULL && options != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_task (self, cancellable, callback, user_data,
                   batch_op_new (self, actor, employee_numbers, options, cancellable),
                   batch_op_free);
  g_task_set_source_tag (task, ci_services_card_issue_batch_async);
  g_task_set_name (task, "ci_services_card_issue_batch_async");
  g_task_run_in_thread (task, batch_in_thread);
}

/**
 * ci_services_card_issue_batch_finish:
 * @self: the #CiServices the batch was started on
 * @result: the #GAsyncResult given to the callback
 * @error: return location for an error about the batch as a whole
 *
 * The outcome of ci_services_card_issue_batch_async(). A cancelled batch that
 * had begun still returns its results: the cards issued before the cancel are
 * issued, the card cut off and the employees not reached carry
 * %G_IO_ERROR_CANCELLED (or %CI_CARD_ERROR_CANCELLED from PC/SC) in their
 * result. Only a batch cancelled before it began returns %NULL with
 * %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full) (element-type CiBatchResult): one result per
 *   employee, in the order given; %NULL with @error set if the batch could
 *   not start or not be recorded
 */
GPtrArray *
ci_services_card_issue_batch_finish (CiServices    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, ci_services_card_issue_batch_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
