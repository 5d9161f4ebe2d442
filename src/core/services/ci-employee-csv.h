/* ci-employee-csv.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-csv.h"
#include "model/ci-employee.h"

G_BEGIN_DECLS

/**
 * ci_employee_csv_read:
 * @data: the file's bytes
 * @len: its length
 * @employees: (out) (element-type CiEmployee) (transfer full): the records, in file order
 * @problems: (out) (element-type CiCsvProblem) (transfer full): every bad row, in line order
 *
 * Reads employees from an RFC 4180 CSV file (UTF-8, a header row naming the columns).
 * Every row is checked; every problem is reported with its line and reason. The
 * caller imports nothing if @problems is not empty. Each employee carries the line
 * it was read from as object data "csv-line" (a guint in a pointer), so later
 * checks (against the store) can name the line too.
 *
 * Returns: %TRUE if there were no problems
 */
gboolean ci_employee_csv_read (const char  *data,
                               gsize        len,
                               GPtrArray  **employees,
                               GPtrArray  **problems);

G_END_DECLS
