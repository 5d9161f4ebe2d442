/* ci-employee-model.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "services/ci-services.h"

G_BEGIN_DECLS

#define CI_TYPE_EMPLOYEE_ROW (ci_employee_row_get_type ())

G_DECLARE_FINAL_TYPE (CiEmployeeRow, ci_employee_row, CI, EMPLOYEE_ROW, GObject)

gint64      ci_employee_row_get_id       (CiEmployeeRow *self);
CiEmployee *ci_employee_row_get_employee (CiEmployeeRow *self);

#define CI_TYPE_EMPLOYEE_MODEL (ci_employee_model_get_type ())

G_DECLARE_FINAL_TYPE (CiEmployeeModel, ci_employee_model, CI, EMPLOYEE_MODEL, GObject)

CiEmployeeModel *ci_employee_model_new         (void);
void             ci_employee_model_set_session (CiEmployeeModel *self,
                                                CiServices      *services,
                                                CiOperator      *actor);
void             ci_employee_model_set_query   (CiEmployeeModel *self,
                                                const char      *query,
                                                CiEmployeeOrder  order);
gboolean         ci_employee_model_get_loading (CiEmployeeModel *self);
const GError    *ci_employee_model_get_error   (CiEmployeeModel *self);

G_END_DECLS
