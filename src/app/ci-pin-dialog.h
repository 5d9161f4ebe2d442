/* ci-pin-dialog.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void  ci_pin_dialog_choose        (GtkWindow           *parent,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
char *ci_pin_dialog_choose_finish (GAsyncResult        *result,
                                   gboolean            *generate,
                                   GError             **error);
void  ci_pin_dialog_show_once     (GtkWindow           *parent,
                                   const char          *holder,
                                   const char          *pin);

G_END_DECLS
