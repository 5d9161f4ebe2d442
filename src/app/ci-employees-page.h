/* ci-employees-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ci-employee-model.h"

G_BEGIN_DECLS

#define CI_TYPE_EMPLOYEES_PAGE (ci_employees_page_get_type ())

G_DECLARE_FINAL_TYPE (CiEmployeesPage, ci_employees_page, CI, EMPLOYEES_PAGE, AdwBin)

void             ci_employees_page_reload       (CiEmployeesPage *self);
void             ci_employees_page_focus_search (CiEmployeesPage *self);
CiEmployeeModel *ci_employees_page_get_model    (CiEmployeesPage *self);

G_END_DECLS
