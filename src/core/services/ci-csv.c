/* ci-csv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-csv.h"

#include <string.h>

G_DEFINE_QUARK (ci-csv-error-quark, ci_csv_error)

/*
 * The parser walks the buffer once, left to right, without recursion. Each
 * record's fields are copied into one reusable byte array, every field followed
 * by a NUL so that the callback may also treat them as C strings; runs of plain
 * bytes are copied in one go, so even a field of many megabytes costs one pass.
 */
typedef struct
{
  const char *p;           /* next byte to read */
  const char *end;         /* one past the last byte */
  guint       line;        /* the line *p is on */
  guint       record_line; /* the line the current record starts on */
  GByteArray *buf;         /* the current record's fields, each NUL-terminated */
  GArray     *lengths;     /* gsize per field of the current record */
  GPtrArray  *fields;      /* pointers into @buf handed to the callback */
} CsvParser;

/**
 * ci_csv_problem_newv:
 * @line: the 1-based line of the problem, or 0 for the whole file
 * @format: what is wrong, printf-style
 * @args: the format's arguments
 *
 * Returns: (transfer full): a problem whose message starts "line N: " when
 *   @line is not 0, so the message can be shown on its own
 */
CiCsvProblem *
ci_csv_problem_newv (guint       line,
                     const char *format,
                     va_list     args)
{
  CiCsvProblem *problem = g_new0 (CiCsvProblem, 1);
  g_autofree char *text = g_strdup_vprintf (format, args);

  problem->line = line;
  /* Translators: %u is a line of the file; %s says what is wrong there, such as
   * “contains a NUL byte”. */
  problem->message = line > 0 ? g_strdup_printf (_("line %u: %s"), line, text)
                              : g_steal_pointer (&text);
  return problem;
}

/**
 * ci_csv_problem_new:
 * @line: the 1-based line of the problem, or 0 for the whole file
 * @format: what is wrong, printf-style
 * @...: the format's arguments
 *
 * Returns: (transfer full): the problem; see ci_csv_problem_newv()
 */
CiCsvProblem *
ci_csv_problem_new (guint       line,
                    const char *format,
                    ...)
{
  CiCsvProblem *problem;
  va_list args;

  va_start (args, format);
  problem = ci_csv_problem_newv (line, format, args);
  va_end (args);
  return problem;
}

/**
 * ci_csv_problem_free:
 * @problem: (nullable): a #CiCsvProblem
 *
 * Frees @problem and its message.
 */
void
ci_csv_problem_free (CiCsvProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

/* A line ends at LF, at CR LF, or at a CR that is the last byte of the file. */
static gsize
line_ending_length (const CsvParser *parser)
{
  const char *p = parser->p;

  if (p >= parser->end)
    return 0;
  if (*p == '\n')
    return 1;
  if (*p == '\r' && (p + 1 == parser->end || p[1] == '\n'))
    return p + 1 == parser->end ? 1 : 2;
  return 0;
}

static gboolean
at_line_ending (const CsvParser *parser)
{
  return line_ending_length (parser) > 0;
}

static void
skip_line_ending (CsvParser *parser)
{
  parser->p += line_ending_length (parser);
  parser->line++;
}

static void
end_field (CsvParser *parser,
           gsize      start)
{
  gsize length = parser->buf->len - start;

  g_array_append_val (parser->lengths, length);
  g_byte_array_append (parser->buf, (const guint8 *) "", 1);
}

static gboolean
read_unquoted (CsvParser     *parser,
               CiCsvProblem **problem)
{
  const char *start = parser->p;
  gsize field_start = parser->buf->len;

  while (parser->p < parser->end && *parser->p != ',' && !at_line_ending (parser))
    {
      if (*parser->p == '"')
        {
          *problem = ci_csv_problem_new (parser->record_line,
                                         _("a quote mark (\") inside a field that does not "
                                           "start with one — put the whole field in quotes and "
                                           "write the quote mark twice (\"\")"));
          return FALSE;
        }
      parser->p++;
    }
  g_byte_array_append (parser->buf, (const guint8 *) start, parser->p - start);
  end_field (parser, field_start);
  return TRUE;
}

static void
count_lines (CsvParser  *parser,
             const char *from,
             const char *to)
{
  for (const char *q = from; (q = memchr (q, '\n', to - q)) != NULL; q++)
    parser->line++;
}

static CiCsvProblem *
unterminated_problem (CsvParser *parser,
                      guint      quote_line)
{
  if (quote_line == parser->record_line)
    return ci_csv_problem_new (parser->record_line,
                               _("a field opens with a quote mark (\") that is never closed"));
  return ci_csv_problem_new (parser->record_line,
                             _("a field opens with a quote mark (\") on line %u that is never "
                               "closed"),
                             quote_line);
}

/* Copies the quoted field's text up to its closing quote, undoing doubled quotes. */
static gboolean
read_quoted_text (CsvParser     *parser,
                  CiCsvProblem **problem)
{
  guint quote_line = parser->line;

  parser->p++;
  for (;;)
    {
      const char *quote = memchr (parser->p, '"', parser->end - parser->p);

      if (quote == NULL)
        {
          *problem = unterminated_problem (parser, quote_line);
          return FALSE;
        }
      count_lines (parser, parser->p, quote);
      g_byte_array_append (parser->buf, (const guint8 *) parser->p, quote - parser->p);
      parser->p = quote + 1;
      if (parser->p == parser->end || *parser->p != '"')
        return TRUE;
      g_byte_array_append (parser->buf, (const guint8 *) "\"", 1);
      parser->p++;
    }
}

static gboolean
read_quoted (CsvParser     *parser,
             CiCsvProblem **problem)
{
  gsize field_start = parser->buf->len;

  if (!read_quoted_text (parser, problem))
    return FALSE;
  if (parser->p < parser->end && *parser->p != ',' && !at_line_ending (parser))
    {
      *problem = ci_csv_problem_new (parser->record_line,
                                     _("text after the closing quote mark of a field — a quoted "
                                       "field must end right before a comma or the end of the "
                                       "line"));
      return FALSE;
    }
  end_field (parser, field_start);
  return TRUE;
}

/* Reads one record's fields, leaving the parser after its line ending. */
static gboolean
read_record (CsvParser     *parser,
             CiCsvProblem **problem)
{
  g_byte_array_set_size (parser->buf, 0);
  g_array_set_size (parser->lengths, 0);
  parser->record_line = parser->line;

  for (;;)
    {
      gboolean ok = (parser->p < parser->end && *parser->p == '"')
                      ? read_quoted (parser, problem)
                      : read_unquoted (parser, problem);
      if (!ok)
        return FALSE;
      if (parser->p == parser->end)
        return TRUE;
      if (*parser->p != ',')
        {
          skip_line_ending (parser);
          return TRUE;
        }
      parser->p++;
    }
}

static gboolean
emit_record (CsvParser       *parser,
             CiCsvRecordFunc  func,
             gpointer         user_data)
{
  const gsize *lengths = (const gsize *) (gpointer) parser->lengths->data;
  guint n_fields = parser->lengths->len;
  gsize offset = 0;

  g_ptr_array_set_size (parser->fields, 0);
  for (guint i = 0; i < n_fields; i++)
    {
      g_ptr_array_add (parser->fields, parser->buf->data + offset);
      offset += lengths[i] + 1;
    }
  g_ptr_array_add (parser->fields, NULL);
  return func ((const char * const *) parser->fields->pdata, lengths, n_fields,
               parser->record_line, user_data);
}

static void
csv_parser_clear (CsvParser *parser)
{
  g_clear_pointer (&parser->buf, g_byte_array_unref);
  g_clear_pointer (&parser->lengths, g_array_unref);
  g_clear_pointer (&parser->fields, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvParser, csv_parser_clear)

static void
csv_parser_init (CsvParser  *parser,
                 const char *data,
                 gsize       len)
{
  static const char bom[] = "\xef\xbb\xbf";

  parser->p = data;
  parser->end = data + len;
  parser->line = 1;
  parser->buf = g_byte_array_new ();
  parser->lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  parser->fields = g_ptr_array_new ();
  if (len >= 3 && memcmp (data, bom, 3) == 0)
    parser->p += 3;
}

/**
 * ci_csv_parse:
 * @data: (array length=len): the file's bytes
 * @len: the number of bytes in @data
 * @func: (scope call): called once per record, in file order
 * @user_data: closure for @func
 * @problem: (out) (optional) (nullable) (transfer full): where the file is malformed
 *
 * Parses RFC 4180 CSV: records end with CR LF or LF (the last one may end with
 * the file), fields are separated by commas and may be quoted with `"`, where
 * `""` stands for one quote mark and commas and line breaks are literal. A UTF-8
 * byte order mark at the start is skipped. Empty lines carry no fields and are
 * skipped wherever they are; a record made only of `""` is one empty field.
 *
 * Parsing stops at the first malformed record, which is described in @problem,
 * or when @func returns %FALSE.
 *
 * Returns: %FALSE if the file is malformed
 */
gboolean
ci_csv_parse (const char       *data,
              gsize             len,
              CiCsvRecordFunc   func,
              gpointer          user_data,
              CiCsvProblem    **problem)
{
  g_auto(CsvParser) parser = { 0 };
  CiCsvProblem *found = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (problem == NULL || *problem == NULL, FALSE);

  /* Even a zero offset from NULL is undefined behaviour. */
  csv_parser_init (&parser, data != NULL ? data : "", len);
  while (parser.p < parser.end)
    {
      if (at_line_ending (&parser))
        {
          skip_line_ending (&parser);
          continue;
        }
      if (!read_record (&parser, &found))
        break;
      if (!emit_record (&parser, func, user_data))
        return TRUE;
    }
  if (found == NULL)
    return TRUE;
  if (problem != NULL)
    *problem = found;
  else
    ci_csv_problem_free (found);
  return FALSE;
}
