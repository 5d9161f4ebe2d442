/* ci-window.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-application.h"

G_BEGIN_DECLS

#define CI_TYPE_WINDOW (ci_window_get_type ())

G_DECLARE_FINAL_TYPE (CiWindow, ci_window, CI, WINDOW, AdwApplicationWindow)

CiWindow   *ci_window_new             (CiApplication *app);
const char *ci_window_get_visible_page (CiWindow     *self);
void        ci_window_show_toast      (CiWindow      *self,
                                       const char    *message);

G_END_DECLS
