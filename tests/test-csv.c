/* test-csv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "services/ci-csv.h"
#include "services/ci-employee-csv.h"

#include <string.h>

#define HEADER "employee_number,given_name,family_name,department,job_title,email," \
               "valid_from,valid_until\n"

/* The CSV parser ------------------------------------------------------------------------------ */

typedef struct
{
  GString *out;
  guint    stop_after;
  guint    n_records;
} Collected;

static gboolean
collect_record (const char * const *fields,
                const gsize        *lengths,
                guint               n_fields,
                guint               line,
                gpointer            user_data)
{
  Collected *collected = user_data;

  g_assert_null (fields[n_fields]);
  g_string_append_printf (collected->out, "%u[", line);
  for (guint i = 0; i < n_fields; i++)
    {
      g_assert_cmpint (fields[i][lengths[i]], ==, '\0');
      if (i > 0)
        g_string_append_c (collected->out, '|');
      g_string_append_len (collected->out, fields[i], lengths[i]);
    }
  g_string_append_c (collected->out, ']');
  collected->n_records++;
  return collected->stop_after == 0 || collected->n_records < collected->stop_after;
}

/* Parses @data and writes each record as `LINE[field|field]`. */
static char *
parse_len (const char    *data,
           gsize          len,
           gboolean      *ok,
           CiCsvProblem **problem)
{
  Collected collected = { g_string_new (NULL), 0, 0 };

  *ok = ci_csv_parse (data, len, collect_record, &collected, problem);
  return g_string_free (collected.out, FALSE);
}

/* Parses a well-formed @data and returns its records. */
static char *
parse_ok (const char *data)
{
  g_autoptr(CiCsvProblem) problem = NULL;
  gboolean ok;
  char *records = parse_len (data, strlen (data), &ok, &problem);

  g_assert_true (ok);
  g_assert_null (problem);
  return records;
}

/* Parses a malformed @data; returns the problem and the records read before it. */
static CiCsvProblem *
parse_bad (const char  *data,
           char       **records)
{
  CiCsvProblem *problem = NULL;
  gboolean ok;
  g_autofree char *out = parse_len (data, strlen (data), &ok, &problem);

  g_assert_false (ok);
  g_assert_nonnull (problem);
  g_assert_nonnull (problem->message);
  if (records != NULL)
    *records = g_steal_pointer (&out);
  return problem;
}

static void
assert_parses_to (const char *data,
                  const char *expected)
{
  g_autofree char *records = parse_ok (data);

  g_assert_cmpstr (records, ==, expected);
}

static void
test_csv_plain (void)
{
  assert_parses_to ("a,b,c\nd,e,f\n", "1[a|b|c]2[d|e|f]");
  assert_parses_to ("a,,c\n,\n", "1[a||c]2[|]");
  assert_parses_to ("one\n", "1[one]");
  assert_parses_to (" spaced , kept \n", "1[ spaced | kept ]");
  assert_parses_to ("", "");
  assert_parses_to ("a,b,\n", "1[a|b|]");
}

static void
test_csv_quoted (void)
{
  assert_parses_to ("\"a,b\",c\n", "1[a,b|c]");
  assert_parses_to ("\"Smith, John\",\"x\",\"\"\n", "1[Smith, John|x|]");
  assert_parses_to ("\"\"\n", "1[]");
  assert_parses_to ("x,\"\",y\n", "1[x||y]");
}

static void
test_csv_doubled_quotes (void)
{
  assert_parses_to ("\"say \"\"hi\"\"\",x\n", "1[say \"hi\"|x]");
  assert_parses_to ("\"\"\"\"\n", "1[\"]");
  assert_parses_to ("\"\"\"\"\"\",\"a\"\"\"\n", "1[\"\"|a\"]");
}

static void
test_csv_embedded_newlines (void)
{
  assert_parses_to ("a,\"x\ny\",b\nc,d,e\n", "1[a|x\ny|b]3[c|d|e]");
  assert_parses_to ("a,\"x\r\ny\r\nz\"\r\nc\r\n", "1[a|x\r\ny\r\nz]4[c]");
  assert_parses_to ("\"1\n2\n3\n4\",\"5\n6\"\nnext\n\"a\nb\"\nlast",
                    "1[1\n2\n3\n4|5\n6]6[next]7[a\nb]9[last]");
}

static void
test_csv_line_endings (void)
{
  assert_parses_to ("a,b\r\nc,d\r\n", "1[a|b]2[c|d]");
  assert_parses_to ("a,b\nc,d\r\ne,f\n", "1[a|b]2[c|d]3[e|f]");
  /* A lone CR inside a line is data; the caller refuses control characters. */
  assert_parses_to ("a\rb,c\n", "1[a\rb|c]");
}

static void
test_csv_final_newline (void)
{
  assert_parses_to ("a,b\nc,d", "1[a|b]2[c|d]");
  assert_parses_to ("a,\"b\"", "1[a|b]");
  assert_parses_to ("a,b\r\nc,d\r", "1[a|b]2[c|d]");
  assert_parses_to ("a,", "1[a|]");
}

static void
test_csv_empty_lines (void)
{
  assert_parses_to ("a\n\n", "1[a]");
  assert_parses_to ("a\r\n\r\n\r\n", "1[a]");
  assert_parses_to ("a\n\nb\n", "1[a]3[b]");
  assert_parses_to ("\n\na\n", "3[a]");
}

static void
test_csv_bom (void)
{
  assert_parses_to ("\xef\xbb\xbf" "a,b\nc,d\n", "1[a|b]2[c|d]");
  assert_parses_to ("\xef\xbb\xbf", "");
  assert_parses_to ("\xef\xbb\xbf\"q\"\n", "1[q]");
  /* Only at the start of the file. */
  assert_parses_to ("a\n\xef\xbb\xbf" "b\n", "1[a]2[\xef\xbb\xbf" "b]");
}

static void
test_csv_unterminated_quote (void)
{
  g_autofree char *records = NULL;
  g_autoptr(CiCsvProblem) problem = parse_bad ("a,b\nc,\"de\nf\ng\n", &records);
  g_autoptr(CiCsvProblem) later = NULL;

  g_assert_cmpstr (records, ==, "1[a|b]");
  g_assert_cmpuint (problem->line, ==, 2);
  g_assert_true (g_str_has_prefix (problem->message, "line 2: "));
  g_assert_nonnull (strstr (problem->message, "never closed"));

  /* The quote opens on line 3, in a record that starts on line 2. */
  later = parse_bad ("h\n\"x\ny\",\"open\n", NULL);
  g_assert_cmpuint (later->line, ==, 2);
  g_assert_nonnull (strstr (later->message, "on line 3"));
}

static void
test_csv_after_closing_quote (void)
{
  g_autofree char *records = NULL;
  g_autoptr(CiCsvProblem) problem = parse_bad ("a,b\n\"x\ny\"z,w\n", &records);
  g_autoptr(CiCsvProblem) space = parse_bad ("\"x\" ,y\n", NULL);

  g_assert_cmpstr (records, ==, "1[a|b]");
  g_assert_cmpuint (problem->line, ==, 2);
  g_assert_nonnull (strstr (problem->message, "after the closing quote"));
  g_assert_cmpuint (space->line, ==, 1);
}

static void
test_csv_stray_quote (void)
{
  g_autofree char *records = NULL;
  g_autoptr(CiCsvProblem) problem = parse_bad ("a,b\n\nc,d\"e\"\n", &records);

  g_assert_cmpstr (records, ==, "1[a|b]");
  g_assert_cmpuint (problem->line, ==, 3);
  g_assert_cmpstr (problem->message, ==,
                   "line 3: a quote mark (\") inside a field that does not start with one — "
                   "put the whole field in quotes and write the quote mark twice (\"\")");
}

static void
test_csv_nul_bytes (void)
{
  static const char data[] = "a\0b,\"c\0\"\n";
  g_autoptr(CiCsvProblem) problem = NULL;
  gboolean ok;
  g_autofree char *records = parse_len (data, sizeof data - 1, &ok, &problem);

  g_assert_true (ok);
  g_assert_cmpmem (records, 9, "1[a\0b|c\0]", 9);
}

static void
test_csv_stop (void)
{
  Collected collected = { g_string_new (NULL), 2, 0 };
  const char *data = "a\nb\nc\"bad\n";

  g_assert_true (ci_csv_parse (data, strlen (data), collect_record, &collected, NULL));
  g_assert_cmpstr (collected.out->str, ==, "1[a]2[b]");
  g_string_free (collected.out, TRUE);
}

static void
test_csv_huge_field (void)
{
  const gsize size = 10000000;
  g_autoptr(GString) data = g_string_sized_new (2 * size + 16);
  g_autoptr(CiCsvProblem) problem = NULL;
  gboolean ok;
  g_autofree char *records = NULL;

  /* One unquoted field, then one quoted field holding quotes and line breaks. */
  for (gsize i = 0; i < size; i++)
    g_string_append_c (data, 'a' + i % 26);
  g_string_append (data, ",\"");
  for (gsize i = 0; i < size / 4; i++)
    g_string_append (data, i % 2 ? "\"\"x\n" : "yyyy");
  g_string_append (data, "\"\nend\n");

  records = parse_len (data->str, data->len, &ok, &problem);
  g_assert_true (ok);
  g_assert_cmpuint (strlen (records), ==,
                    2 + size + 1 + size / 8 * 7 + 1 + strlen ("1250002[end]"));
  g_assert_true (g_str_has_suffix (records, "\n]1250002[end]"));
}

/* Employee import ----------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *employees;
  GPtrArray *problems;
  gboolean   ok;
} Import;

static void
import_clear (Import *import)
{
  g_clear_pointer (&import->employees, g_ptr_array_unref);
  g_clear_pointer (&import->problems, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

static void
import_len (Import     *import,
            const char *data,
            gsize       len)
{
  import->ok = ci_employee_csv_read (data, len, &import->employees, &import->problems);
  g_assert_nonnull (import->employees);
  g_assert_nonnull (import->problems);
  g_assert_cmpint (import->ok, ==, import->problems->len == 0);
}

static void
import (Import     *import,
        const char *data)
{
  import_len (import, data, strlen (data));
}

static CiEmployee *
employee_at (Import *import,
             guint   i)
{
  g_assert_cmpuint (i, <, import->employees->len);
  return g_ptr_array_index (import->employees, i);
}

static CiCsvProblem *
problem_at (Import *import,
            guint   i)
{
  g_assert_cmpuint (i, <, import->problems->len);
  return g_ptr_array_index (import->problems, i);
}

/* Asserts that the import found exactly one problem, with this line and message. */
static void
assert_one_problem (Import     *import,
                    guint       line,
                    const char *message)
{
  g_assert_false (import->ok);
  g_assert_cmpuint (import->problems->len, ==, 1);
  g_assert_cmpuint (problem_at (import, 0)->line, ==, line);
  g_assert_cmpstr (problem_at (import, 0)->message, ==, message);
}

static void
assert_row_refused (const char *row,
                    const char *message)
{
  g_autofree char *data = g_strconcat (HEADER, "E-1,Ann,Lee,,,,2025-01-01,2026-01-01\n", row, NULL);
  g_auto(Import) result = { 0 };

  import (&result, data);
  assert_one_problem (&result, 3, message);
}

static void
test_employee_good (void)
{
  g_auto(Import) result = { 0 };
  CiEmployee *e;

  import (&result, HEADER
          "E-100,Ann,Lee,Finance,Clerk,ann.lee@example.com,2025-01-01,2026-12-31\r\n"
          "  E-101 , Bob ,\"O'Neil, Jr.\",,, ,2025-02-01,2025-02-01\r\n");
  g_assert_true (result.ok);
  g_assert_cmpuint (result.employees->len, ==, 2);

  e = employee_at (&result, 0);
  g_assert_cmpstr (ci_employee_get_number (e), ==, "E-100");
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Ann");
  g_assert_cmpstr (ci_employee_get_family_name (e), ==, "Lee");
  g_assert_cmpstr (ci_employee_get_department (e), ==, "Finance");
  g_assert_cmpstr (ci_employee_get_job_title (e), ==, "Clerk");
  g_assert_cmpstr (ci_employee_get_email (e), ==, "ann.lee@example.com");
  g_assert_cmpstr (ci_employee_get_valid_from (e), ==, "2025-01-01");
  g_assert_cmpstr (ci_employee_get_valid_until (e), ==, "2026-12-31");

  e = employee_at (&result, 1);
  g_assert_cmpstr (ci_employee_get_number (e), ==, "E-101");
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Bob");
  g_assert_cmpstr (ci_employee_get_family_name (e), ==, "O'Neil, Jr.");
  g_assert_null (ci_employee_get_department (e));
  g_assert_null (ci_employee_get_job_title (e));
  g_assert_null (ci_employee_get_email (e));
}

static void
test_employee_header_aliases (void)
{
  g_auto(Import) result = { 0 };
  CiEmployee *e;

  import (&result, "\xef\xbb\xbf Personnel Number ,SURNAME,First Name,Title,E-Mail,"
                   "Valid From,Expires\n"
                   "P7,Nakamura,Yuki,Engineer,yuki@example.com,2025-03-01,2027-03-01\n");
  g_assert_true (result.ok);
  g_assert_cmpuint (result.employees->len, ==, 1);
  e = employee_at (&result, 0);
  g_assert_cmpstr (ci_employee_get_number (e), ==, "P7");
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Yuki");
  g_assert_cmpstr (ci_employee_get_family_name (e), ==, "Nakamura");
  g_assert_cmpstr (ci_employee_get_job_title (e), ==, "Engineer");
  g_assert_cmpstr (ci_employee_get_email (e), ==, "yuki@example.com");
  g_assert_cmpstr (ci_employee_get_valid_until (e), ==, "2027-03-01");
  g_assert_null (ci_employee_get_department (e));

  import_clear (&result);
  import (&result, "number,first_name,last_name,mail,valid from,valid until,job title,"
                   "Department,employee number x\n");
  assert_one_problem (&result, 1,
                      "line 1: unknown column “employee number x”; the columns are "
                      "employee_number, given_name, family_name, department, job_title, "
                      "email, valid_from, valid_until");
}

static void
test_employee_missing_columns (void)
{
  g_auto(Import) result = { 0 };

  import (&result, "employee_number,department,email\nE-1,HR,a@example.com\n");
  assert_one_problem (&result, 1,
                      "line 1: the file lacks the required columns given_name, family_name, "
                      "valid_from, valid_until");

  import_clear (&result);
  import (&result, "employee_number,given_name,family_name,valid_from\n");
  assert_one_problem (&result, 1, "line 1: the file lacks the required column valid_until");
}

static void
test_employee_unknown_column (void)
{
  g_auto(Import) result = { 0 };

  import (&result, "employee_number,given_name,family_name,badge colour,valid_from,valid_until\n"
                   "E-1,Ann,Lee,red,2025-01-01,2026-01-01\n");
  g_assert_false (result.ok);
  g_assert_cmpuint (result.problems->len, ==, 1);
  g_assert_cmpuint (problem_at (&result, 0)->line, ==, 1);
  g_assert_true (g_str_has_prefix (problem_at (&result, 0)->message,
                                   "line 1: unknown column “badge colour”; the columns are "
                                   "employee_number, given_name"));

  import_clear (&result);
  import (&result, "employee_number,given_name,,family_name,valid_from,valid_until\n");
  g_assert_cmpuint (result.problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (problem_at (&result, 0)->message,
                                   "line 1: column 3 has no name"));
}

static void
test_employee_wide_header (void)
{
  g_autoptr(GString) data = g_string_new ("employee_number,given_name,family_name,valid_from,"
                                          "valid_until");
  g_auto(Import) result = { 0 };

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (data, ",extra %u", i);
  import (&result, data->str);
  g_assert_cmpuint (result.problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (problem_at (&result, 0)->message,
                                   "line 1: the header has 100005 columns; the columns are "
                                   "employee_number, given_name"));
}

static void
test_employee_duplicate_column (void)
{
  g_auto(Import) result = { 0 };

  import (&result, "employee_number,given_name,family_name,First Name,valid_from,valid_until\n"
                   "E-1,Ann,Lee,Anne,2025-01-01,2026-01-01\n");
  assert_one_problem (&result, 1, "line 1: columns 2 and 4 are both given_name");
}

static void
test_employee_field_count (void)
{
  assert_row_refused ("E-2,Bob,Ray,2025-01-01,2026-01-01\n", "line 3: 5 fields, the header has 8");
  assert_row_refused ("E-2,Bob,Ray,,,,2025-01-01,2026-01-01,extra\n",
                      "line 3: 9 fields, the header has 8");
  assert_row_refused ("E-2\n", "line 3: 1 field, the header has 8");
}

static void
test_employee_not_utf8 (void)
{
  assert_row_refused ("E-2,Hans,M\xfcller,,,,2025-01-01,2026-01-01\n",
                      "line 3: not UTF-8 text — save the file as UTF-8");
  assert_row_refused ("E-2,Hans,M\xc3,,,,2025-01-01,2026-01-01\n",
                      "line 3: not UTF-8 text — save the file as UTF-8");
}

static void
test_employee_not_utf8_header (void)
{
  /* "number,..." as UTF-16LE: every other byte is NUL. */
  static const char data[] = "n\0u\0m\0b\0e\0r\0\n\0";
  g_auto(Import) result = { 0 };

  import_len (&result, data, sizeof data - 1);
  assert_one_problem (&result, 1,
                      "line 1: the column names are not UTF-8 text — save the file as UTF-8");
}

static void
test_employee_nul_byte (void)
{
  static const char data[] = HEADER "E-2,Ann,Lee,,,,2025-01-01,2026-01-01\n"
                                    "E-3,Ro\0se,Lee,,,,2025-01-01,2026-01-01\n";
  g_auto(Import) result = { 0 };

  import_len (&result, data, sizeof data - 1);
  assert_one_problem (&result, 3, "line 3: contains a NUL byte");
  g_assert_cmpuint (result.employees->len, ==, 1);
}

static void
test_employee_long_name (void)
{
  g_autofree char *long_name = g_strnfill (10000, 'x');
  g_autofree char *row = g_strdup_printf ("E-2,%s,Lee,,,,2025-01-01,2026-01-01\n", long_name);
  g_autoptr(GString) umlauts = g_string_new (NULL);
  g_autofree char *data = NULL;
  g_auto(Import) result = { 0 };

  assert_row_refused (row, "line 3: Given name is longer than 100 characters");

  /* The limit counts characters, not bytes: 100 two-byte letters are fine. */
  for (guint i = 0; i < 100; i++)
    g_string_append (umlauts, "ä");
  data = g_strdup_printf (HEADER "E-2,Ann,%s,,,,2025-01-01,2026-01-01\n", umlauts->str);
  import (&result, data);
  g_assert_true (result.ok);
  g_assert_cmpstr (ci_employee_get_family_name (employee_at (&result, 0)), ==, umlauts->str);
}

static void
test_employee_duplicate_number (void)
{
  g_auto(Import) result = { 0 };

  import (&result, HEADER
          "E-100,Ann,Lee,,,,2025-01-01,2026-01-01\n"
          "E-200,Bob,Ray,,,,2025-01-01,2026-01-01\n"
          "E-100,Cid,Moe,,,,2025-01-01,2026-01-01\n");
  assert_one_problem (&result, 4, "line 4: employee number E-100 already appears on line 2");
}

static void
test_employee_bad_dates (void)
{
  assert_row_refused ("E-2,Bob,Ray,,,,2025-02-30,2026-01-01\n",
                      "line 3: Valid from “2025-02-30” is not a date (use YYYY-MM-DD)");
  assert_row_refused ("E-2,Bob,Ray,,,,2025-01-01,31.12.2026\n",
                      "line 3: Valid until “31.12.2026” is not a date (use YYYY-MM-DD)");
  assert_row_refused ("E-2,Bob,Ray,,,,,2026-01-01\n",
                      "line 3: Valid from “” is not a date (use YYYY-MM-DD)");
}

static void
test_employee_until_before_from (void)
{
  assert_row_refused ("E-2,Bob,Ray,,,,2026-01-02,2026-01-01\n",
                      "line 3: Valid until (2026-01-01) is before valid from (2026-01-02)");
}

static void
test_employee_other_fields (void)
{
  assert_row_refused (",Bob,Ray,,,,2025-01-01,2026-01-01\n", "line 3: Employee number is required");
  assert_row_refused ("E-2,Bob,,,,,2025-01-01,2026-01-01\n", "line 3: Family name is required");
  assert_row_refused ("E-2,Bob,Ray,,,bob.example.com,2025-01-01,2026-01-01\n",
                      "line 3: E-mail “bob.example.com” is not an address like "
                      "name@example.com");
  assert_row_refused ("E-2,\"Bob\nBy\",Ray,,,,2025-01-01,2026-01-01\n",
                      "line 3: Given name contains a control character");
}

static void
test_employee_many_bad_rows (void)
{
  static const guint lines[] = { 3, 4, 7, 9, 10, 12 };
  g_auto(Import) result = { 0 };

  import (&result, HEADER
          "E-1,Ann,Lee,,,,2025-01-01,2026-01-01\n"                  /* 2 */
          "E-2,,Lee,,,,2025-01-01,2026-01-01\n"                     /* 3: no given name */
          "E-3,\"Multi\r\nLine\",Lee,,,,2025-01-01,2026-01-01\n"   /* 4-5: control char */
          "E-4,Dee,Lee,,,,2025-01-01,2026-01-01\n"                  /* 6 */
          "E-5,Eve,Lee,,,2025-01-01,2026-01-01\n"                   /* 7: 7 fields */
          ",,,,,,,\n"                                               /* 8: blank, skipped */
          "E-1,Fay,Lee,,,,2025-01-01,2026-01-01\n"                  /* 9: duplicate */
          "E-7,Gus,Lee,,,,2025-13-01,2026-01-01\n"                  /* 10: bad date */
          "\n"                                                      /* 11 */
          "E-8,H\xe9l\xe8ne,Lee,,,,2025-01-01,2026-01-01\n"         /* 12: Latin-1 */
          "E-9,Ida,Lee,,,,2025-01-01,2026-01-01");                  /* 13 */
  g_assert_false (result.ok);
  g_assert_cmpuint (result.problems->len, ==, G_N_ELEMENTS (lines));
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("line %u: ", lines[i]);
      g_assert_cmpuint (problem_at (&result, i)->line, ==, lines[i]);
      g_assert_true (g_str_has_prefix (problem_at (&result, i)->message, prefix));
    }
  g_assert_cmpstr (problem_at (&result, 3)->message, ==,
                   "line 9: employee number E-1 already appears on line 2");
  g_assert_cmpuint (result.employees->len, ==, 3);
  g_assert_cmpstr (ci_employee_get_number (employee_at (&result, 2)), ==, "E-9");
}

static void
test_employee_parse_error (void)
{
  g_auto(Import) result = { 0 };

  import (&result, HEADER
          "E-1,,Lee,,,,2025-01-01,2026-01-01\n"
          "E-2,Bob,Ray,,,,2025-01-01,2026-01-01\n"
          "E-3,\"Cid,Moe,,,,2025-01-01,2026-01-01\n"
          "E-4,Dan,Poe,,,,2025-01-01,2026-01-01\n");
  g_assert_false (result.ok);
  g_assert_cmpuint (result.problems->len, ==, 2);
  g_assert_cmpstr (problem_at (&result, 0)->message, ==, "line 2: Given name is required");
  g_assert_cmpuint (problem_at (&result, 1)->line, ==, 4);
  g_assert_nonnull (strstr (problem_at (&result, 1)->message, "never closed"));
}

static void
test_employee_unicode_names (void)
{
  static const char *names[][2] = {
    { "Анна", "Ковалёва" },
    { "Ελένη", "Παπαδοπούλου" },
    { "小明", "王" },
    { "太郎", "山田" },
    { "محمد", "العلي" },
    { "José", "Ñúñez-Ødegård" },
  };
  g_autoptr(GString) data = g_string_new (HEADER);
  g_auto(Import) result = { 0 };
  CiEmployee *last;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_string_append_printf (data, "U-%u,%s,\"%s\",,,,2025-01-01,2026-01-01\n", i,
                            names[i][0], names[i][1]);
  import (&result, data->str);
  g_assert_true (result.ok);
  g_assert_cmpuint (result.employees->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      CiEmployee *e = employee_at (&result, i);
      g_assert_cmpstr (ci_employee_get_given_name (e), ==, names[i][0]);
      g_assert_cmpstr (ci_employee_get_family_name (e), ==, names[i][1]);
    }

  /* The array holds the only reference. */
  last = g_object_ref (employee_at (&result, G_N_ELEMENTS (names) - 1));
  import_clear (&result);
  g_assert_finalize_object (last);
}

static void
test_employee_empty_file (void)
{
  static const char *files[] = { "", "\xef\xbb\xbf", "\n\n", HEADER, HEADER "\n,,,,,,,\n\n" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_auto(Import) result = { 0 };

      import (&result, files[i]);
      assert_one_problem (&result, 0, "the file has no employees");
      g_assert_cmpuint (result.employees->len, ==, 0);
    }
}

static void
test_employee_many_rows (void)
{
  const guint n_rows = 100000;
  g_autoptr(GString) data = g_string_new (HEADER);
  g_auto(Import) result = { 0 };
  gint64 start;

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (data, "N-%06u,Given%u,\"Family, %u\",Dept %u,Title,"
                            "p%u@example.com,2025-01-01,2030-12-31\r\n", i, i, i, i % 50, i);

  start = g_get_monotonic_time ();
  import_len (&result, data->str, data->len);
  g_test_message ("%u rows in %.3f s", n_rows, (g_get_monotonic_time () - start) / 1e6);

  g_assert_true (result.ok);
  g_assert_cmpuint (result.employees->len, ==, n_rows);
  g_assert_cmpstr (ci_employee_get_number (employee_at (&result, n_rows - 1)), ==, "N-099999");
  g_assert_cmpstr (ci_employee_get_family_name (employee_at (&result, 12345)), ==,
                   "Family, 12345");
  g_assert_cmpstr (ci_employee_get_email (employee_at (&result, 777)), ==, "p777@example.com");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/plain", test_csv_plain);
  g_test_add_func ("/csv/quoted", test_csv_quoted);
  g_test_add_func ("/csv/doubled-quotes", test_csv_doubled_quotes);
  g_test_add_func ("/csv/embedded-newlines", test_csv_embedded_newlines);
  g_test_add_func ("/csv/line-endings", test_csv_line_endings);
  g_test_add_func ("/csv/final-newline", test_csv_final_newline);
  g_test_add_func ("/csv/empty-lines", test_csv_empty_lines);
  g_test_add_func ("/csv/bom", test_csv_bom);
  g_test_add_func ("/csv/unterminated-quote", test_csv_unterminated_quote);
  g_test_add_func ("/csv/after-closing-quote", test_csv_after_closing_quote);
  g_test_add_func ("/csv/stray-quote", test_csv_stray_quote);
  g_test_add_func ("/csv/nul-bytes", test_csv_nul_bytes);
  g_test_add_func ("/csv/stop", test_csv_stop);
  g_test_add_func ("/csv/huge-field", test_csv_huge_field);

  g_test_add_func ("/employee-csv/good", test_employee_good);
  g_test_add_func ("/employee-csv/header-aliases", test_employee_header_aliases);
  g_test_add_func ("/employee-csv/missing-columns", test_employee_missing_columns);
  g_test_add_func ("/employee-csv/unknown-column", test_employee_unknown_column);
  g_test_add_func ("/employee-csv/wide-header", test_employee_wide_header);
  g_test_add_func ("/employee-csv/duplicate-column", test_employee_duplicate_column);
  g_test_add_func ("/employee-csv/field-count", test_employee_field_count);
  g_test_add_func ("/employee-csv/not-utf8", test_employee_not_utf8);
  g_test_add_func ("/employee-csv/not-utf8-header", test_employee_not_utf8_header);
  g_test_add_func ("/employee-csv/nul-byte", test_employee_nul_byte);
  g_test_add_func ("/employee-csv/long-name", test_employee_long_name);
  g_test_add_func ("/employee-csv/duplicate-number", test_employee_duplicate_number);
  g_test_add_func ("/employee-csv/bad-dates", test_employee_bad_dates);
  g_test_add_func ("/employee-csv/until-before-from", test_employee_until_before_from);
  g_test_add_func ("/employee-csv/other-fields", test_employee_other_fields);
  g_test_add_func ("/employee-csv/many-bad-rows", test_employee_many_bad_rows);
  g_test_add_func ("/employee-csv/parse-error", test_employee_parse_error);
  g_test_add_func ("/employee-csv/unicode-names", test_employee_unicode_names);
  g_test_add_func ("/employee-csv/empty-file", test_employee_empty_file);
  g_test_add_func ("/employee-csv/many-rows", test_employee_many_rows);

  return g_test_run ();
}
