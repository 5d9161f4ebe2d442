/* ci-employee-editor.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_EMPLOYEE_EDITOR (ci_employee_editor_get_type ())

G_DECLARE_FINAL_TYPE (CiEmployeeEditor, ci_employee_editor, CI, EMPLOYEE_EDITOR, AdwWindow)

CiEmployeeEditor *ci_employee_editor_new        (GtkWindow        *parent,
                                                 const char       *number);
void              ci_employee_editor_load_photo (CiEmployeeEditor *self,
                                                 GFile            *file);
gboolean          ci_employee_editor_get_busy   (CiEmployeeEditor *self);

G_END_DECLS
