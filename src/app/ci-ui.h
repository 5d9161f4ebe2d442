/* ci-ui.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "model/ci-card.h"
#include "model/ci-employee.h"

G_BEGIN_DECLS

void        ci_ui_show_outcome         (GtkLabel         *label,
                                        const char       *text,
                                        gboolean          ok);
void        ci_ui_list_box_clear       (GtkListBox       *list);
const char *ci_ui_card_state_name      (CiCardState       state);
const char *ci_ui_employee_status_name (CiEmployeeStatus  status);
GBytes     *ci_ui_read_file            (GFile            *file,
                                        gsize             max_bytes,
                                        GCancellable     *cancellable,
                                        GError          **error);

G_END_DECLS
