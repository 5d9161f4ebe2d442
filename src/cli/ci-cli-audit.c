/* ci-cli-audit.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-cli.h"

#include <gio/gunixoutputstream.h>

static int
audit_verify (CiCli *cli,
              GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(report = ci_services_audit_verify (cli->services, actor, &error)))
    return ci_cli_fail (error);
  for (guint i = 0; i < report->problems->len; i++)
    {
      CiAuditProblem *p = g_ptr_array_index (report->problems, i);
      g_print ("PROBLEM %-10s %s\n", ci_audit_problem_kind_to_string (p->kind), p->message);
    }
  g_print ("%" G_GINT64_FORMAT " entries, %u signed checkpoint%s, signed up to entry %"
           G_GINT64_FORMAT ": %s\n", report->n_entries, report->n_checkpoints,
           report->n_checkpoints == 1 ? "" : "s", report->signed_seq,
           ci_audit_report_is_intact (report) ? "intact" : "TAMPERED");
  return ci_audit_report_is_intact (report) ? CI_EXIT_OK : CI_EXIT_TAMPERED;
}

static int
audit_export (CiCli *cli,
              GStrv *args)
{
  g_autofree char *output = NULL, *op = NULL, *action = NULL, *subject = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write here (default: stdout)", "FILE" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &op, "Only this operator's entries", "LOGIN" },
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, "Only actions starting so", "PREFIX" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, "Only this employee/card/zone", "ID" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GOutputStream) out = NULL;
  CiAuditFilter filter = { 0 };
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (output)
    {
      g_autoptr(GFile) file = g_file_new_for_path (output);
      out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                             &error));
      if (out == NULL)
        return ci_cli_fail (error);
    }
  else
    out = g_unix_output_stream_new (1, FALSE);
  filter.operator_login = op;
  filter.action_prefix = action;
  filter.subject_id = subject;
  if (!ci_services_audit_export (cli->services, actor, &filter, out, NULL, &error)
      || !g_output_stream_close (out, NULL, &error))
    return ci_cli_fail (error);
  return CI_EXIT_OK;
}

static int
audit_checkpoint (CiCli *cli,
                  GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!ci_services_audit_checkpoint (cli->services, actor, &error))
    return ci_cli_fail (error);
  g_print ("Signed the audit log's head\n");
  return CI_EXIT_OK;
}

const CiCliCommand ci_cli_audit_commands[] = {
  { "audit", "verify", audit_verify, NULL, "Check the whole chain and its signatures" },
  { "audit", "export", audit_export, NULL, "Write entries as JSON Lines" },
  { "audit", "checkpoint", audit_checkpoint, NULL, "Sign the chain head now (needs the keys)" },
  { NULL }
};
