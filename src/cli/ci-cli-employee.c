/* ci-cli-employee.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-cli.h"
#include "model/ci-model.h"

#include <stdio.h>

typedef struct
{
  char *given, *family, *department, *title, *email, *from, *until, *photo, *status;
} EmployeeFields;

static void
fields_clear (EmployeeFields *f)
{
  g_free (f->given);
  g_free (f->family);
  g_free (f->department);
  g_free (f->title);
  g_free (f->email);
  g_free (f->from);
  g_free (f->until);
  g_free (f->photo);
  g_free (f->status);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EmployeeFields, fields_clear)

#define FIELD_ENTRIES(f) \
  { "given", 0, 0, G_OPTION_ARG_STRING, &(f).given, "Given name(s)", "TEXT" }, \
  { "family", 0, 0, G_OPTION_ARG_STRING, &(f).family, "Family name", "TEXT" }, \
  { "department", 0, 0, G_OPTION_ARG_STRING, &(f).department, "Department", "TEXT" }, \
  { "title", 0, 0, G_OPTION_ARG_STRING, &(f).title, "Job title", "TEXT" }, \
  { "email", 0, 0, G_OPTION_ARG_STRING, &(f).email, "E-mail address", "ADDRESS" }, \
  { "from", 0, 0, G_OPTION_ARG_STRING, &(f).from, "Valid from", "YYYY-MM-DD" }, \
  { "until", 0, 0, G_OPTION_ARG_STRING, &(f).until, "Valid until", "YYYY-MM-DD" }, \
  { "photo", 0, 0, G_OPTION_ARG_FILENAME, &(f).photo, "Photo (PNG or JPEG)", "FILE" }, \
  { "status", 0, 0, G_OPTION_ARG_STRING, &(f).status, "active, suspended or left", "STATUS" }

/* Applies the fields given on the command line; others stay as they are. */
static gboolean
apply_fields (CiEmployee           *e,
              const EmployeeFields *f,
              GError              **error)
{
  if (f->given) ci_employee_set_given_name (e, f->given);
  if (f->family) ci_employee_set_family_name (e, f->family);
  if (f->department) ci_employee_set_department (e, f->department);
  if (f->title) ci_employee_set_job_title (e, f->title);
  if (f->email) ci_employee_set_email (e, f->email);
  if (f->from) ci_employee_set_valid_from (e, f->from);
  if (f->until) ci_employee_set_valid_until (e, f->until);
  if (f->status)
    {
      CiEmployeeStatus status;
      if (!ci_employee_status_from_string (f->status, &status))
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       "Status “%s” is not one of active, suspended, left", f->status);
          return FALSE;
        }
      ci_employee_set_status (e, status);
    }
  if (f->photo)
    {
      g_autofree char *data = NULL;
      gsize len;
      g_autoptr(GBytes) bytes = NULL;

      if (!g_file_get_contents (f->photo, &data, &len, error))
        return FALSE;
      bytes = g_bytes_new_take (g_steal_pointer (&data), len);
      ci_employee_set_photo (e, bytes);
    }
  return TRUE;
}

/**
 * ci_cli_print_employee:
 * @employee: a #CiEmployee
 *
 * Prints one employee as "field: value" lines.
 */
void
ci_cli_print_employee (CiEmployee *employee)
{
  GBytes *photo = ci_employee_get_photo (employee);

  g_print ("number:      %s\n", ci_employee_get_number (employee));
  g_print ("given name:  %s\n", ci_employee_get_given_name (employee));
  g_print ("family name: %s\n", ci_employee_get_family_name (employee));
  g_print ("department:  %s\n", ci_employee_get_department (employee) ?: "");
  g_print ("job title:   %s\n", ci_employee_get_job_title (employee) ?: "");
  g_print ("e-mail:      %s\n", ci_employee_get_email (employee) ?: "");
  g_print ("valid:       %s to %s\n", ci_employee_get_valid_from (employee),
           ci_employee_get_valid_until (employee));
  g_print ("status:      %s\n", ci_employee_status_to_string (ci_employee_get_status (employee)));
  g_print ("photo:       %s\n", photo ? "yes" : "none");
}

/* printf pads by bytes; names are padded by characters so columns line up. */
static void
append_padded (GString    *line,
               const char *text,
               guint       width)
{
  glong chars = g_utf8_strlen (text ? text : "", -1);

  g_string_append (line, text ? text : "");
  for (glong i = chars; i < (glong) width; i++)
    g_string_append_c (line, ' ');
  g_string_append_c (line, ' ');
}

static void
print_row (CiEmployee *e)
{
  g_autoptr(GString) line = g_string_new (NULL);

  append_padded (line, ci_employee_get_number (e), 12);
  append_padded (line, ci_employee_get_family_name (e), 24);
  append_padded (line, ci_employee_get_given_name (e), 20);
  append_padded (line, ci_employee_get_department (e), 20);
  g_string_append (line, ci_employee_get_valid_until (e));
  g_print ("%s\n", line->str);
}

static int
employee_add (CiCli *cli,
              GStrv *args)
{
  g_auto(EmployeeFields) f = { 0 };
  GOptionEntry entries[] = { FIELD_ENTRIES (f), { NULL } };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiEmployee) e = ci_employee_new ();
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 1))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  ci_employee_set_number (e, (*args)[1]);
  if (!apply_fields (e, &f, &error)
      || !ci_services_employee_enroll (cli->services, actor, e, &error))
    return ci_cli_fail (error);
  g_print ("Enrolled %s\n", ci_employee_get_number (e));
  return CI_EXIT_OK;
}

static int
employee_edit (CiCli *cli,
               GStrv *args)
{
  g_auto(EmployeeFields) f = { 0 };
  GOptionEntry entries[] = { FIELD_ENTRIES (f), { NULL } };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiEmployee) e = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 1))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(e = ci_services_employee_get (cli->services, actor, (*args)[1], &error))
      || !apply_fields (e, &f, &error)
      || !ci_services_employee_update (cli->services, actor, e, &error))
    return ci_cli_fail (error);
  g_print ("Saved %s\n", ci_employee_get_number (e));
  return CI_EXIT_OK;
}

static int
employee_show (CiCli *cli,
               GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiEmployee) e = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 1))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(e = ci_services_employee_get (cli->services, actor, (*args)[1], &error)))
    return ci_cli_fail (error);
  ci_cli_print_employee (e);
  /* Cards are shown to those who may see them; others simply do not get the list. */
  cards = ci_services_card_list (cli->services, actor, (*args)[1], NULL);
  for (guint i = 0; cards && i < cards->len; i++)
    {
      CiCard *c = g_ptr_array_index (cards, i);
      g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (c));
      g_print ("card:        %s (#%d) %s\n", serial, ci_card_get_sequence (c),
               ci_card_state_to_string (ci_card_get_state (c)));
    }
  return CI_EXIT_OK;
}

static int
list_or_search (CiCli      *cli,
                GStrv      *args,
                guint       n_positional)
{
  int limit = 50, offset = 0;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N (0: all; default 50)", "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, "Skip the first N", "N" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, n_positional))
    return CI_EXIT_USAGE;
  if (limit < 0 || offset < 0)
    return ci_cli_usage ("--limit and --offset cannot be negative");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  list = ci_services_employee_search (cli->services, actor, n_positional ? (*args)[1] : "",
                                      offset, limit, &error);
  if (list == NULL)
    return ci_cli_fail (error);
  for (guint i = 0; i < list->len; i++)
    print_row (g_ptr_array_index (list, i));
  return list->len > 0 || n_positional == 0 ? CI_EXIT_OK : CI_EXIT_NOT_FOUND;
}

static int
employee_list (CiCli *cli,
               GStrv *args)
{
  return list_or_search (cli, args, 0);
}

static int
employee_search (CiCli *cli,
                 GStrv *args)
{
  return list_or_search (cli, args, 1);
}

static int
employee_import (CiCli *cli,
                 GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *data = NULL;
  GError *error = NULL;
  gsize len;
  guint n = 0;
  int code;

  if (!ci_cli_parse (NULL, args, 1))
    return CI_EXIT_USAGE;
  if (!g_file_get_contents ((*args)[1], &data, &len, &error))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!ci_services_employee_import (cli->services, actor, data, len, &n, &problems, &error))
    {
      for (guint i = 0; problems && i < problems->len; i++)
        {
          CiCsvProblem *p = g_ptr_array_index (problems, i);
          g_printerr ("%s: %s\n", (*args)[1], p->message);
        }
      return ci_cli_fail (error);
    }
  g_print ("Imported %u employee%s\n", n, n == 1 ? "" : "s");
  return CI_EXIT_OK;
}

const CiCliCommand ci_cli_employee_commands[] = {
  { "employee", "add", employee_add, "NUMBER", "Enroll an employee" },
  { "employee", "edit", employee_edit, "NUMBER", "Change an employee's fields" },
  { "employee", "show", employee_show, "NUMBER", "Show one employee and their cards" },
  { "employee", "list", employee_list, NULL, "List employees by family name" },
  { "employee", "search", employee_search, "TEXT", "Find by name or number prefix" },
  { "employee", "import", employee_import, "FILE.csv", "Enroll everyone in a CSV file, or no one" },
  { NULL }
};
