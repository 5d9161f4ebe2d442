/* ci-job.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Blocking work (a database call, rendering) run on a worker thread; the result
 * comes back to the caller's main context through a GAsyncReadyCallback. */
typedef gpointer (*CiJobFunc) (gpointer       data,
                               GCancellable  *cancellable,
                               GError       **error);

void      ci_job_run    (gpointer             source_object,
                         CiJobFunc            func,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data);
gpointer  ci_job_finish (GAsyncResult        *result,
                         GError             **error);

G_END_DECLS
