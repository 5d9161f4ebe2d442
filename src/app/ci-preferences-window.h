/* ci-preferences-window.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-application.h"

G_BEGIN_DECLS

#define CI_TYPE_PREFERENCES_WINDOW (ci_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CiPreferencesWindow, ci_preferences_window, CI, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

CiPreferencesWindow *ci_preferences_window_new (CiApplication *app);

G_END_DECLS
