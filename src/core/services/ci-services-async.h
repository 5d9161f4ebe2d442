/* ci-services-async.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "services/ci-services-issue.h"

G_BEGIN_DECLS

void           ci_services_card_issue_async          (CiServices            *self,
                                                      CiOperator            *actor,
                                                      const char            *employee_number,
                                                      const CiIssueOptions  *options,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
CiIssueResult *ci_services_card_issue_finish         (CiServices            *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

void           ci_services_card_change_access_async  (CiServices            *self,
                                                      CiOperator            *actor,
                                                      const CiIssueOptions  *options,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
gboolean       ci_services_card_change_access_finish (CiServices            *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

void           ci_services_card_issue_batch_async    (CiServices            *self,
                                                      CiOperator            *actor,
                                                      const char * const    *employee_numbers,
                                                      const CiBatchOptions  *options,
                                                      GCancellable          *cancellable,
                                                      GAsyncReadyCallback    callback,
                                                      gpointer               user_data);
GPtrArray     *ci_services_card_issue_batch_finish   (CiServices            *self,
                                                      GAsyncResult          *result,
                                                      GError               **error);

G_END_DECLS
