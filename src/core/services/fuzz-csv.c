/* fuzz-csv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the employee CSV import. When the first byte is odd, the
 * rest of the input follows a valid header, so that the fuzzer reaches the row
 * checks without having to guess the column names first.
 */

#include "ci-employee-csv.h"

#include <stdint.h>
#include <string.h>

#define HEADER "employee_number,given_name,family_name,department,job_title,email," \
               "valid_from,valid_until\n"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
read_csv (const char *data,
          gsize       len)
{
  g_autoptr(GPtrArray) employees = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gboolean ok = ci_employee_csv_read (data, len, &employees, &problems);

  g_assert (employees != NULL && problems != NULL);
  g_assert (ok == (problems->len == 0));
  for (guint i = 0; i < problems->len; i++)
    g_assert (((CiCsvProblem *) g_ptr_array_index (problems, i))->message != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *with_header = NULL;

  if (size == 0 || (data[0] & 1) == 0)
    {
      read_csv ((const char *) data, size);
      return 0;
    }
  with_header = g_malloc (strlen (HEADER) + size - 1);
  memcpy (with_header, HEADER, strlen (HEADER));
  memcpy (with_header + strlen (HEADER), data + 1, size - 1);
  read_csv (with_header, strlen (HEADER) + size - 1);
  return 0;
}
