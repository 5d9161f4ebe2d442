/* ci-ui.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ci_ui_show_outcome  (GtkLabel   *label,
                          const char *text,
                          gboolean    ok);
void ci_ui_list_box_clear (GtkListBox *list);

G_END_DECLS
