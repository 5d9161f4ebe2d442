/* ci-face-output.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "services/ci-services.h"

G_BEGIN_DECLS

void      ci_face_output_export_async  (CiServices          *services,
                                        CiOperator          *actor,
                                        const char          *employee_number,
                                        gint64               serial,
                                        const char          *template_name,
                                        GFile               *file,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  ci_face_output_export_finish (GAsyncResult        *result,
                                        GError             **error);
void      ci_face_output_print_async   (GtkWindow           *parent,
                                        CiServices          *services,
                                        CiOperator          *actor,
                                        const char          *employee_number,
                                        gint64               serial,
                                        const char          *template_name,
                                        const char          *export_pdf,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  ci_face_output_print_finish  (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
