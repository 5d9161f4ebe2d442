/* ci-employee-csv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-employee-csv.h"
#include "model/ci-model.h"

#include <string.h>

typedef enum
{
  COL_NUMBER,
  COL_GIVEN_NAME,
  COL_FAMILY_NAME,
  COL_DEPARTMENT,
  COL_JOB_TITLE,
  COL_EMAIL,
  COL_VALID_FROM,
  COL_VALID_UNTIL,
  N_COLUMNS
} Column;

typedef struct
{
  const char *name;
  gboolean    required;
  const char *aliases[5];
} ColumnInfo;

static const ColumnInfo columns[N_COLUMNS] = {
  [COL_NUMBER] = { "employee_number", TRUE,
                   { "employee number", "number", "personnel number", NULL } },
  [COL_GIVEN_NAME] = { "given_name", TRUE, { "given name", "first_name", "first name", NULL } },
  [COL_FAMILY_NAME] = { "family_name", TRUE,
                        { "family name", "last_name", "last name", "surname", NULL } },
  [COL_DEPARTMENT] = { "department", FALSE, { NULL } },
  [COL_JOB_TITLE] = { "job_title", FALSE, { "job title", "title", NULL } },
  [COL_EMAIL] = { "email", FALSE, { "e-mail", "mail", NULL } },
  [COL_VALID_FROM] = { "valid_from", TRUE, { "valid from", NULL } },
  [COL_VALID_UNTIL] = { "valid_until", TRUE, { "valid until", "expires", NULL } },
};

/* Longer messages (a validation message may quote a whole field) are cut to this. */
#define MESSAGE_MAX_CHARS 300

/* A header wider than this is not an employee file; its columns are not listed one by one. */
#define HEADER_MAX_COLUMNS 32

typedef struct
{
  GPtrArray  *employees;
  GPtrArray  *problems;
  GHashTable *numbers;          /* employee number → the line it first appears on */
  gint        index[N_COLUMNS]; /* the file's column for each field, or -1 */
  guint       n_columns;        /* the header's width */
  gboolean    have_header;
  gboolean    header_ok;
  guint       n_rows;           /* data rows seen, blank ones not counted */
} Reader;

static void add_problem (Reader     *reader,
                         guint       line,
                         const char *format,
                         ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (Reader     *reader,
             guint       line,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (reader->problems, ci_csv_problem_newv (line, format, args));
  va_end (args);
}

static char *
shorten (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= MESSAGE_MAX_CHARS)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, MESSAGE_MAX_CHARS);
  return g_strconcat (start, "…", NULL);
}

/* Returns the column a header name stands for, or N_COLUMNS. */
static Column
lookup_column (const char *name)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      if (g_ascii_strcasecmp (name, columns[c].name) == 0)
        return c;
      for (guint a = 0; columns[c].aliases[a] != NULL; a++)
        if (g_ascii_strcasecmp (name, columns[c].aliases[a]) == 0)
          return c;
    }
  return N_COLUMNS;
}

static char *
accepted_names (void)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    g_string_append_printf (names, "%s%s", c > 0 ? ", " : "", columns[c].name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
is_text (const char *field,
         gsize       length)
{
  return memchr (field, '\0', length) == NULL && g_utf8_validate_len (field, length, NULL);
}

static void
check_header_cell (Reader     *reader,
                   const char *cell,
                   guint       column,
                   guint       line)
{
  g_autofree char *name = g_strstrip (g_strdup (cell));
  Column c = lookup_column (name);

  if (c == N_COLUMNS)
    {
      g_autofree char *names = accepted_names ();
      g_autofree char *shown = shorten (name);

      if (name[0] == '\0')
        /* Translators: %s is the list of column names, which stay as they are. */
        add_problem (reader, line, _("column %u has no name; the columns are %s"), column + 1,
                     names);
      else
        add_problem (reader, line, _("unknown column “%s”; the columns are %s"), shown, names);
    }
  else if (reader->index[c] >= 0)
    /* Translators: %d and %u are column numbers, %s a column name such as given_name. */
    add_problem (reader, line, _("columns %d and %u are both %s"), reader->index[c] + 1,
                 column + 1, columns[c].name);
  else
    reader->index[c] = column;
}

static void
check_required_columns (Reader *reader,
                        guint   line)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  for (guint c = 0; c < N_COLUMNS; c++)
    if (columns[c].required && reader->index[c] < 0)
      g_string_append_printf (missing, "%s%s", n_missing++ > 0 ? ", " : "", columns[c].name);
  if (n_missing > 0)
    add_problem (reader, line,
                 /* Translators: %s is a list of column names, such as “given_name,
                  * family_name”, which stay as they are. */
                 g_dngettext (GETTEXT_PACKAGE, "the file lacks the required column %s",
                              "the file lacks the required columns %s", n_missing),
                 missing->str);
}

/* Checks what makes the column names unreadable as a whole. */
static gboolean
check_header_shape (Reader             *reader,
                    const char * const *fields,
                    const gsize        *lengths,
                    guint               n_fields,
                    guint               line)
{
  g_autofree char *names = NULL;

  for (guint i = 0; i < n_fields; i++)
    if (!is_text (fields[i], lengths[i]))
      {
        add_problem (reader, line,
                     _("the column names are not UTF-8 text — save the file as UTF-8"));
        return FALSE;
      }
  if (n_fields <= HEADER_MAX_COLUMNS)
    return TRUE;
  /* Rather than one problem for each of thousands of columns. */
  names = accepted_names ();
  add_problem (reader, line, _("the header has %u columns; the columns are %s"), n_fields, names);
  return FALSE;
}

static gboolean
read_header (Reader             *reader,
             const char * const *fields,
             const gsize        *lengths,
             guint               n_fields,
             guint               line)
{
  guint n_problems = reader->problems->len;

  reader->have_header = TRUE;
  reader->n_columns = n_fields;
  if (!check_header_shape (reader, fields, lengths, n_fields, line))
    return FALSE;
  for (guint i = 0; i < n_fields; i++)
    check_header_cell (reader, fields[i], i, line);
  check_required_columns (reader, line);
  reader->header_ok = reader->problems->len == n_problems;
  return reader->header_ok;
}

static gboolean
is_blank (const char *field,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (field[i] != ' ' && field[i] != '\t')
      return FALSE;
  return TRUE;
}

static gboolean
row_is_blank (const char * const *fields,
              const gsize        *lengths,
              guint               n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    if (!is_blank (fields[i], lengths[i]))
      return FALSE;
  return TRUE;
}

/* Checks the row's shape and encoding before any field is looked at. */
static gboolean
check_row_bytes (Reader             *reader,
                 const char * const *fields,
                 const gsize        *lengths,
                 guint               n_fields,
                 guint               line)
{
  if (n_fields != reader->n_columns)
    {
      add_problem (reader, line,
                   g_dngettext (GETTEXT_PACKAGE, "%u field, the header has %u",
                                "%u fields, the header has %u", n_fields),
                   n_fields, reader->n_columns);
      return FALSE;
    }
  for (guint i = 0; i < n_fields; i++)
    {
      if (memchr (fields[i], '\0', lengths[i]) != NULL)
        {
          add_problem (reader, line, _("contains a NUL byte"));
          return FALSE;
        }
      if (!g_utf8_validate_len (fields[i], lengths[i], NULL))
        {
          add_problem (reader, line, _("not UTF-8 text — save the file as UTF-8"));
          return FALSE;
        }
    }
  return TRUE;
}

/* Returns the field trimmed of surrounding spaces, or %NULL if that leaves nothing. */
static char *
dup_field (const Reader       *reader,
           const char * const *fields,
           const gsize        *lengths,
           Column              column)
{
  const char *start;
  gsize length;

  if (reader->index[column] < 0)
    return NULL;
  start = fields[reader->index[column]];
  length = lengths[reader->index[column]];
  while (length > 0 && (start[0] == ' ' || start[0] == '\t'))
    start++, length--;
  while (length > 0 && (start[length - 1] == ' ' || start[length - 1] == '\t'))
    length--;
  return length > 0 ? g_strndup (start, length) : NULL;
}

static CiEmployee *
build_employee (const Reader       *reader,
                const char * const *fields,
                const gsize        *lengths)
{
  typedef void (*Setter) (CiEmployee *self, const char *value);
  static const Setter setters[N_COLUMNS] = {
    [COL_NUMBER] = ci_employee_set_number,
    [COL_GIVEN_NAME] = ci_employee_set_given_name,
    [COL_FAMILY_NAME] = ci_employee_set_family_name,
    [COL_DEPARTMENT] = ci_employee_set_department,
    [COL_JOB_TITLE] = ci_employee_set_job_title,
    [COL_EMAIL] = ci_employee_set_email,
    [COL_VALID_FROM] = ci_employee_set_valid_from,
    [COL_VALID_UNTIL] = ci_employee_set_valid_until,
  };
  CiEmployee *employee = ci_employee_new ();

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_autofree char *value = dup_field (reader, fields, lengths, c);
      setters[c] (employee, value);
    }
  return employee;
}

/* Remembers where each number first appears; returns that line if it is not @line. */
static guint
note_number (Reader     *reader,
             const char *number,
             guint       line)
{
  gpointer first;

  if (number == NULL)
    return 0;
  if (g_hash_table_lookup_extended (reader->numbers, number, NULL, &first))
    return GPOINTER_TO_UINT (first);
  g_hash_table_insert (reader->numbers, g_strdup (number), GUINT_TO_POINTER (line));
  return 0;
}

static void
read_row (Reader             *reader,
          const char * const *fields,
          const gsize        *lengths,
          guint               n_fields,
          guint               line)
{
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(GError) error = NULL;
  guint first_line;

  if (row_is_blank (fields, lengths, n_fields))
    return;
  reader->n_rows++;
  if (!check_row_bytes (reader, fields, lengths, n_fields, line))
    return;

  employee = build_employee (reader, fields, lengths);
  first_line = note_number (reader, ci_employee_get_number (employee), line);
  if (!ci_employee_validate (employee, &error))
    {
      g_autofree char *message = shorten (error->message);
      add_problem (reader, line, "%s", message);
    }
  else if (first_line > 0)
    add_problem (reader, line, _("employee number %s already appears on line %u"),
                 ci_employee_get_number (employee), first_line);
  else
    {
      g_object_set_data (G_OBJECT (employee), "csv-line", GUINT_TO_POINTER (line));
      g_ptr_array_add (reader->employees, g_steal_pointer (&employee));
    }
}

static gboolean
on_record (const char * const *fields,
           const gsize        *lengths,
           guint               n_fields,
           guint               line,
           gpointer            user_data)
{
  Reader *reader = user_data;

  if (!reader->have_header)
    return read_header (reader, fields, lengths, n_fields, line);
  read_row (reader, fields, lengths, n_fields, line);
  return TRUE;
}

static void
reader_init (Reader *reader)
{
  reader->employees = g_ptr_array_new_with_free_func (g_object_unref);
  reader->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_csv_problem_free);
  reader->numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint c = 0; c < N_COLUMNS; c++)
    reader->index[c] = -1;
}

/**
 * ci_employee_csv_read:
 * @data: (array length=len): the file's bytes
 * @len: its length
 * @employees: (out) (element-type CiEmployee) (transfer full): the records, in file order
 * @problems: (out) (element-type CiCsvProblem) (transfer full): every bad row, in line order
 *
 * Reads employees from an RFC 4180 CSV file (UTF-8, a header row naming the columns).
 * Every row is checked; every problem is reported with its line and reason. The
 * caller imports nothing if @problems is not empty.
 *
 * The header names the columns, in any order and case: employee_number, given_name,
 * family_name, department, job_title, email, valid_from and valid_until (or an alias
 * such as “first name” or “surname”); the ones that are not optional must be there.
 * Surrounding spaces of names and values are ignored, empty optional values become
 * %NULL, and rows with nothing but empty fields are skipped.
 *
 * Each message begins with “line N: ”, except for a problem with the whole file
 * (line 0). Each bad row is reported once, with the first thing wrong with it.
 *
 * Returns: %TRUE if there were no problems
 */
gboolean
ci_employee_csv_read (const char  *data,
                      gsize        len,
                      GPtrArray  **employees,
                      GPtrArray  **problems)
{
  Reader reader = { 0 };
  g_autoptr(CiCsvProblem) parse_problem = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (employees != NULL, FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  reader_init (&reader);
  if (!ci_csv_parse (data, len, on_record, &reader, &parse_problem))
    g_ptr_array_add (reader.problems, g_steal_pointer (&parse_problem));
  else if (!reader.have_header || (reader.header_ok && reader.n_rows == 0))
    add_problem (&reader, 0, _("the file has no employees"));

  g_hash_table_unref (reader.numbers);
  *employees = reader.employees;
  *problems = reader.problems;
  return reader.problems->len == 0;
}
