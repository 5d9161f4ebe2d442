/* ci-job.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-job.h"

/* The GUI never waits on the database or a card: every such call is a job
 * here. The source object is kept alive until the callback has run. */

typedef struct
{
  CiJobFunc       func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gpointer result = job->func (job->data, cancellable, &error);

  if (error != NULL)
    {
      if (result != NULL && job->result_free != NULL)
        job->result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, job->result_free);
}

/**
 * ci_job_run:
 * @source_object: (nullable): the object the callback is about
 * @func: the blocking work; it returns a result or sets an error
 * @data: what @func works on
 * @data_free: (nullable): frees @data once the job is over
 * @result_free: (nullable): frees a result nobody collected
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the caller's main context with the outcome
 * @user_data: for @callback
 */
void
ci_job_run (gpointer             source_object,
            CiJobFunc            func,
            gpointer             data,
            GDestroyNotify       data_free,
            GDestroyNotify       result_free,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, ci_job_run);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, job_thread);
}

/**
 * ci_job_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): what the job's function returned, or %NULL with
 *   @error set
 */
gpointer
ci_job_finish (GAsyncResult  *result,
               GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ci_job_run, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
