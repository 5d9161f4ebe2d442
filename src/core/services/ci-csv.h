/* ci-csv.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CI_CSV_ERROR (ci_csv_error_quark ())

typedef enum
{
  CI_CSV_ERROR_INVALID,
} CiCsvError;

/**
 * CiCsvProblem:
 * @line: the 1-based line of the file on which the bad record starts (0: the whole file)
 * @message: what is wrong, in words for the person at the desk
 */
typedef struct
{
  guint  line;
  char  *message;
} CiCsvProblem;

/**
 * CiCsvRecordFunc:
 * @fields: the record's fields, %NULL-terminated, as bytes exactly as in the file
 *   (quotes removed, doubled quotes undone; not yet checked for UTF-8)
 * @n_fields: number of fields
 * @lengths: the byte length of each field (fields may contain NUL bytes)
 * @line: the 1-based line on which the record starts
 * @user_data: closure
 *
 * Returns: %FALSE to stop parsing
 */
typedef gboolean (*CiCsvRecordFunc) (const char * const *fields,
                                     const gsize        *lengths,
                                     guint               n_fields,
                                     guint               line,
                                     gpointer            user_data);

GQuark        ci_csv_error_quark     (void);
gboolean      ci_csv_parse           (const char       *data,
                                      gsize             len,
                                      CiCsvRecordFunc   func,
                                      gpointer          user_data,
                                      CiCsvProblem    **problem);
CiCsvProblem *ci_csv_problem_new     (guint             line,
                                      const char       *format,
                                      ...) G_GNUC_PRINTF (2, 3);
CiCsvProblem *ci_csv_problem_newv    (guint             line,
                                      const char       *format,
                                      va_list           args) G_GNUC_PRINTF (2, 0);
void          ci_csv_problem_free    (CiCsvProblem     *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiCsvProblem, ci_csv_problem_free)

G_END_DECLS
