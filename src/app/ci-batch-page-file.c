/* ci-batch-page-file.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-batch-page-private.h"
#include "ci-ui.h"
#include "services/ci-employee-csv.h"

/* A batch file of 100,000 employees is about 10 MB. */
#define CSV_MAX_BYTES (100 * 1000 * 1000)

/* The batch page's file, read and checked on a worker thread. Either the
 * employee import format (the core's reader checks every row), or a single
 * column of employee numbers. Every problem is named by its line, and the
 * store says who is enrolled (with the name it has) and who has a card. */

typedef struct
{
  guint     line;
  guint     n_fields;
  char     *first;       /* the first field, trimmed */
  gboolean  text;        /* it is UTF-8, without a NUL byte */
} Record;

void
_ci_batch_load_request_free (gpointer data)
{
  CiBatchLoadRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_clear_object (&r->file);
  g_free (r);
}

void
_ci_batch_loaded_free (gpointer data)
{
  CiBatchLoaded *loaded = data;

  g_clear_pointer (&loaded->rows, g_ptr_array_unref);
  g_clear_pointer (&loaded->problems, g_ptr_array_unref);
  g_clear_pointer (&loaded->import, g_bytes_unref);
  g_free (loaded);
}

static void
record_clear (gpointer data)
{
  g_free (((Record *) data)->first);
}

static void add_problem (GPtrArray  *problems,
                         guint       line,
                         const char *format,
                         ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray  *problems,
             guint       line,
             const char *format,
             ...)
{
  CiCsvProblem *problem = g_new0 (CiCsvProblem, 1);
  va_list args;

  va_start (args, format);
  problem->line = line;
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (problems, problem);
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const CiCsvProblem *x = *(CiCsvProblem * const *) a;
  const CiCsvProblem *y = *(CiCsvProblem * const *) b;

  return x->line < y->line ? -1 : x->line > y->line;
}

static gboolean
collect_record (const char * const *fields,
                const gsize        *lengths,
                guint               n_fields,
                guint               line,
                gpointer            user_data)
{
  Record record = { line, n_fields, g_strstrip (g_strndup (fields[0], lengths[0])),
                    g_utf8_validate_len (fields[0], lengths[0], NULL) };

  g_array_append_val ((GArray *) user_data, record);
  return TRUE;
}

static gboolean
is_number_header (const char *text)
{
  return g_ascii_strcasecmp (text, "employee_number") == 0
         || g_ascii_strcasecmp (text, "employee number") == 0;
}

/* A file of one column: employee numbers, one a line, maybe under a header. */
static void
read_numbers (GArray        *records,
              CiBatchLoaded *loaded)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    {
      Record *r = &g_array_index (records, Record, i);
      gpointer first;

      if ((i == 0 && is_number_header (r->first)) || (r->n_fields == 1 && r->first[0] == '\0'))
        continue;
      if (r->n_fields != 1)
        add_problem (loaded->problems, r->line,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "line %u: %u field; a list of employee numbers has one column",
                                  "line %u: %u fields; a list of employee numbers has one column",
                                  r->n_fields), r->line, r->n_fields);
      else if (!r->text)
        add_problem (loaded->problems, r->line,
                     _("line %u: not UTF-8 text — save the file as UTF-8"), r->line);
      else if (g_hash_table_lookup_extended (seen, r->first, NULL, &first))
        add_problem (loaded->problems, r->line,
                     _("line %u: employee number %s already appears on line %u"), r->line,
                     r->first, GPOINTER_TO_UINT (first));
      else
        {
          g_hash_table_insert (seen, r->first, GUINT_TO_POINTER (r->line));
          g_ptr_array_add (loaded->rows, _ci_batch_row_new (r->first, NULL, r->line));
        }
    }
}

/* The employee import format: the core's reader checks every row. */
static void
read_employees (const char    *data,
                gsize          len,
                CiBatchLoaded *loaded)
{
  g_autoptr(GPtrArray) employees = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  ci_employee_csv_read (data, len, &employees, &problems);
  if (problems != NULL)
    g_ptr_array_extend_and_steal (loaded->problems, g_steal_pointer (&problems));
  for (guint i = 0; employees != NULL && i < employees->len; i++)
    {
      CiEmployee *e = employees->pdata[i];
      guint line = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (e), "csv-line"));

      g_ptr_array_add (loaded->rows, _ci_batch_row_new (ci_employee_get_number (e),
                                              ci_employee_dup_display_name (e), line));
    }
}

static gboolean
has_active_card (GPtrArray *cards)
{
  for (guint i = 0; i < cards->len; i++)
    if (ci_card_get_state (cards->pdata[i]) == CI_CARD_ACTIVE)
      return TRUE;
  return FALSE;
}

/* Who is enrolled, by name as the store has it, and who has a card already. */
static gboolean
look_up (CiBatchLoadRequest  *r,
         CiBatchLoaded       *loaded,
         gboolean             list,
         GError             **error)
{
  for (guint i = 0; i < loaded->rows->len; i++)
    {
      CiBatchRow *row = loaded->rows->pdata[i];
      g_autoptr(GError) local = NULL;
      g_autoptr(CiEmployee) e = ci_services_employee_get (r->services, r->actor, row->number,
                                                          &local);
      g_autoptr(GPtrArray) cards = NULL;

      if (e == NULL && g_error_matches (local, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND))
        {
          row->state = CI_BATCH_ROW_NEW;
          if (list)
            add_problem (loaded->problems, row->line,
                         _("line %u: employee number %s is not enrolled"), row->line,
                         row->number);
          continue;
        }
      if (e == NULL
          || !(cards = ci_services_card_list (r->services, r->actor, row->number, error)))
        {
          if (local != NULL)
            g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_free (row->name);
      row->name = ci_employee_dup_display_name (e);
      row->state = has_active_card (cards) ? CI_BATCH_ROW_HAS_CARD : CI_BATCH_ROW_ENROLLED;
    }
  return TRUE;
}

/* The line of @line keeps its text if the record it belongs to (the last
 * one starting on it or before) is to be imported. */
static gboolean
line_kept (GArray     *records,
           guint      *next,
           gboolean    kept,
           guint       line,
           GHashTable *keep)
{
  while (*next < records->len && g_array_index (records, Record, *next).line <= line)
    {
      guint start = g_array_index (records, Record, *next).line;

      kept = *next == 0 || g_hash_table_contains (keep, GUINT_TO_POINTER (start));
      (*next)++;
    }
  return kept;
}

/* The file as it is, with the records of enrolled employees emptied: the
 * import enrolls the others, and its problems name the lines of the file the
 * operator has (the CSV reader skips empty lines). */
static GBytes *
import_bytes (const char    *data,
              gsize          len,
              GArray        *records,
              CiBatchLoaded *loaded)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (g_direct_hash, g_direct_equal);
  GString *out = g_string_sized_new (len);
  guint line = 1;
  guint next = 0;
  gboolean kept;

  for (guint i = 0; i < loaded->rows->len; i++)
    {
      CiBatchRow *row = loaded->rows->pdata[i];

      if (row->state == CI_BATCH_ROW_NEW)
        g_hash_table_add (keep, GUINT_TO_POINTER (row->line));
    }
  if (g_hash_table_size (keep) == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  kept = line_kept (records, &next, TRUE, line, keep);
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\n')
        {
          g_string_append_c (out, '\n');
          kept = line_kept (records, &next, kept, ++line, keep);
        }
      else if (kept)
        g_string_append_c (out, data[i]);
    }
  return g_string_free_to_bytes (out);
}

/* A ci_job_run() function: reads and checks the file of a #CiBatchLoadRequest,
 * and returns a #CiBatchLoaded. */
gpointer
_ci_batch_read_file (gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  CiBatchLoadRequest *r = data;
  g_autoptr(CiBatchLoaded) loaded = g_new0 (CiBatchLoaded, 1);
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (Record));
  g_autoptr(CiCsvProblem) malformed = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) read_error = NULL;
  const char *contents;
  gsize len = 0;
  gboolean list;

  loaded->rows = g_ptr_array_new_with_free_func (_ci_batch_row_free);
  loaded->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_csv_problem_free);
  g_array_set_clear_func (records, record_clear);
  if (!(bytes = ci_ui_read_file (r->file, CSV_MAX_BYTES, cancellable, &read_error)))
    {
      if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                             _("This file is larger than 100 MB: split the list into several "
                               "batches."));
      else
        g_propagate_error (error, g_steal_pointer (&read_error));
      return NULL;
    }
  contents = g_bytes_get_data (bytes, &len);
  ci_csv_parse (contents, len, collect_record, records, &malformed);
  list = records->len > 0 && g_array_index (records, Record, 0).n_fields == 1;
  if (list)
    {
      read_numbers (records, loaded);
      if (malformed != NULL)
        g_ptr_array_add (loaded->problems, g_steal_pointer (&malformed));
    }
  else
    read_employees (contents, len, loaded);
  if (loaded->problems->len == 0 && loaded->rows->len == 0)
    add_problem (loaded->problems, 0, _("The file lists no employees."));
  if (loaded->problems->len == 0 && !look_up (r, loaded, list, error))
    return NULL;
  g_ptr_array_sort (loaded->problems, compare_problems);
  if (loaded->problems->len == 0)
    loaded->import = import_bytes (contents, len, records, loaded);
  return g_steal_pointer (&loaded);
}
