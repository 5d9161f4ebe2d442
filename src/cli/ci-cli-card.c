/* ci-cli-card.c — readers and cards: issue, verify
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <openssl/crypto.h>

#include "card/ci-card-channel.h"
#include "card/ci-card-verify.h"
#include "card/ci-pcsc.h"
#include "keys/ci-deny-list.h"
#include "keys/ci-issuer-cert.h"
#include "services/ci-services-issue.h"
#include "ci-cli.h"

static int
reader_list (CiCli *cli,
             GStrv *args)
{
  g_auto(GStrv) readers = NULL;
  GError *error = NULL;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if (!(readers = ci_pcsc_list_readers (&error)))
    return ci_cli_fail (error);
  if (readers[0] == NULL)
    g_print ("No card reader is connected.\n");
  for (guint i = 0; readers[i]; i++)
    {
      gboolean present = ci_pcsc_wait_for_card (readers[i], 0, NULL, NULL);

      g_print ("%s\t%s\n", readers[i], present ? "card present" : "empty");
    }
  return CI_EXIT_OK;
}

/* The named reader, or the first one with a card in it. */
static char *
choose_reader (const char  *wanted,
               GError     **error)
{
  g_auto(GStrv) readers = NULL;

  if (wanted != NULL)
    return g_strdup (wanted);
  if (!(readers = ci_pcsc_list_readers (error)))
    return NULL;
  for (guint i = 0; readers[i]; i++)
    if (ci_pcsc_wait_for_card (readers[i], 0, NULL, NULL))
      return g_strdup (readers[i]);
  g_set_error_literal (error, CI_CARD_ERROR, readers[0] ? CI_CARD_ERROR_NO_CARD
                                                         : CI_CARD_ERROR_NO_READER,
                       readers[0] ? "No reader holds a card: insert one, or name the reader "
                                    "with --reader (see “reader list”)."
                                  : "No card reader is connected.");
  return NULL;
}

static void
print_step (const char   *reader,
            CiIssueStep   step,
            gboolean      skipped,
            gint64        duration_us,
            const GError *error,
            gpointer      user_data)
{
  if (skipped)
    g_print ("  %-12s already done\n", ci_issue_step_name (step));
  else
    g_print ("  %-12s %s (%.1f ms)\n", ci_issue_step_name (step), error ? "FAILED" : "ok",
             duration_us / 1000.0);
}

/* card issue NUMBER, card reissue NUMBER OLD-SERIAL */
static int
issue (CiCli    *cli,
       GStrv    *args,
       gboolean  replacement)
{
  g_autofree char *reader_name = NULL;
  g_autofree char *template_name = NULL;
  gboolean ask_pin = FALSE;
  GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name, "Card reader (default: the first with a card)", "NAME" },
    { "ask-pin", 0, 0, G_OPTION_ARG_NONE, &ask_pin, "Let the holder choose the PIN (else one is generated)", NULL },
    { "template", 't', 0, G_OPTION_ARG_STRING, &template_name,
      "The face template the card will be printed with: refuse while the face would be "
      "incomplete", "NAME" },
    { NULL }
  };
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiIssueResult) result = NULL;
  g_autofree char *reader = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *serial = NULL;
  CiIssueOptions options = { 0 };
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, replacement ? 2 : 1))
    return CI_EXIT_USAGE;
  if (replacement && (options.replaces = ci_cli_parse_serial ((*args)[2])) <= 0)
    return ci_cli_usage ("the card serial is a number, as printed on the card");
  if (template_name && !(tmpl = ci_cli_load_template (template_name, &error)))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(reader = choose_reader (reader_name, &error)))
    return ci_cli_fail (error);
  if (ask_pin && !(pin = ci_cli_read_secret ("CARDISSUE_CARD_PIN", "Holder's PIN (4–8 digits)",
                                             TRUE, &error)))
    return ci_cli_fail (error);
  options.reader = reader;
  options.pin = pin;
  options.face_template = tmpl;
  options.progress = print_step;
  g_print ("%s a card for %s in “%s”:\n", replacement ? "Issuing a replacement" : "Issuing",
           (*args)[1], reader);
  result = ci_services_card_issue (cli->services, actor, (*args)[1], &options, &error);
  if (pin)
    OPENSSL_cleanse (pin, strlen (pin));
  if (result == NULL)
    return ci_cli_fail (error);
  serial = ci_card_format_serial (result->serial);
  g_print ("Card %s is active.\n", serial);
  if (result->pin)
    g_print ("The holder's PIN is %s. Give it to the holder now; it is not stored anywhere.\n",
             result->pin);
  return CI_EXIT_OK;
}

static int
card_issue (CiCli *cli,
            GStrv *args)
{
  return issue (cli, args, FALSE);
}

static int
card_reissue (CiCli *cli,
              GStrv *args)
{
  return issue (cli, args, TRUE);
}

static int
card_change_access (CiCli *cli,
                    GStrv *args)
{
  g_autofree char *reader_name = NULL;
  GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name, "Card reader (default: the first with a card)", "NAME" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autofree char *reader = NULL;
  CiIssueOptions options = { 0 };
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(reader = choose_reader (reader_name, &error)))
    return ci_cli_fail (error);
  options.reader = reader;
  options.progress = print_step;
  g_print ("Writing the holder's current zones to the card in “%s”:\n", reader);
  if (!ci_services_card_change_access (cli->services, actor, &options, &error))
    return ci_cli_fail (error);
  g_print ("The card now carries the holder's current zones.\n");
  return CI_EXIT_OK;
}

static int
write_output (const char *path,
              GBytes     *bytes,
              const char *what)
{
  GError *error = NULL;

  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            &error))
    return ci_cli_fail (error);
  g_print ("%s written to %s\n", what, path);
  return CI_EXIT_OK;
}

static int
issuer_certificate (CiCli *cli,
                    GStrv *args)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Where to write it (DER)", "FILE" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GBytes) cert = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if (output == NULL)
    return ci_cli_usage ("issuer certificate needs --output FILE");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(cert = ci_services_issuer_certificate (cli->services, actor, &error)))
    return ci_cli_fail (error);
  return write_output (output, cert, "The issuer certificate");
}

static int
deny_list_export (CiCli *cli,
                  GStrv *args)
{
  g_autofree char *output = NULL;
  int days = 7;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Where to write it (DER CRL)", "FILE" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "When doors should expect the next list (default 7)", "N" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GBytes) crl = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if (output == NULL)
    return ci_cli_usage ("deny-list export needs --output FILE");
  if (days < 1 || days > 366)
    return ci_cli_usage ("--days is 1 to 366");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(crl = ci_services_deny_list (cli->services, actor, (guint) days, &error)))
    return ci_cli_fail (error);
  return write_output (output, crl, "The deny list");
}

static gboolean
is_denied (const char *serial,
           gpointer    user_data)
{
  return user_data != NULL && ci_deny_list_contains (user_data, serial);
}

static int
card_verify (CiCli *cli,
             GStrv *args)
{
  g_autofree char *reader_name = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *crl_path = NULL;
  g_autofree char *date = NULL;
  GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name, "Card reader (default: the first with a card)", "NAME" },
    { "issuer-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path, "The issuer's certificate (required)", "FILE" },
    { "deny-list", 0, 0, G_OPTION_ARG_FILENAME, &crl_path, "The newest deny list (CRL)", "FILE" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date,
      "Judge the card as a door would on this day (default: today, UTC)", "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(GBytes) issuer_key = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(CiDenyList) deny = NULL;
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardSession) session = NULL;
  g_autofree char *reader = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *today = ci_date_today ();
  CiCardVerdict verdict;
  GError *error = NULL;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if (cert_path == NULL)
    return ci_cli_usage ("card verify needs --issuer-cert FILE");
  if (date != NULL && !ci_date_is_valid (date))
    return ci_cli_usage ("--date needs a day as YYYY-MM-DD");
  if (!(cert = ci_cli_read_file (cert_path, &error))
      || !ci_issuer_certificate_check (cert, &issuer_key, &error)
      || (crl_path && (!(crl = ci_cli_read_file (crl_path, &error))
                       || !(deny = ci_deny_list_load (crl, cert, &error))))
      || !(reader = choose_reader (reader_name, &error))
      || !(channel = ci_card_channel_connect (reader, CI_CARD_SHARE_SHARED, NULL, &error)))
    return ci_cli_fail (error);
  session = ci_card_session_new (channel);
  verdict = ci_card_door_check (session, issuer_key, is_denied, deny, date ? date : today, NULL,
                                &reason);
  g_print ("%s: %s\n", ci_card_verdict_to_string (verdict), reason);
  return verdict == CI_CARD_VERDICT_VALID ? CI_EXIT_OK : CI_EXIT_INVALID;
}

/* What anyone can read from a card, file by file: for support, and to show
 * (in the tests) that a copy of it all does not make a working card. */
static int
card_dump (CiCli *cli,
           GStrv *args)
{
  g_autofree char *reader_name = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING, &reader_name, "Card reader (default: the first with a card)", "NAME" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Directory for one .bin file per EF", "DIR" },
    { NULL }
  };
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardSession) session = NULL;
  g_autofree char *reader = NULL;
  GError *error = NULL;
  guint8 life_cycle;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if (output == NULL)
    return ci_cli_usage ("card dump needs --output DIR");
  if (!(reader = choose_reader (reader_name, &error))
      || !(channel = ci_card_channel_connect (reader, CI_CARD_SHARE_SHARED, NULL, &error)))
    return ci_cli_fail (error);
  session = ci_card_session_new (channel);
  if (g_mkdir_with_parents (output, 0700) != 0)
    return ci_cli_usage ("can't create the --output directory");
  if (!ci_card_session_select_df (session, &life_cycle, &error))
    return ci_cli_fail (error);
  for (CiCardFile file = 1; file <= CI_CARD_N_FILES; file++)
    {
      g_autoptr(GBytes) content = ci_card_session_read_file (session, file, &error);
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (content == NULL)
        return ci_cli_fail (error);
      name = g_strdup_printf ("%04X.bin", ci_card_file_fid (file));
      path = g_build_filename (output, name, NULL);
      if (!g_file_set_contents (path, g_bytes_get_data (content, NULL),
                                g_bytes_get_size (content), &error))
        return ci_cli_fail (error);
      g_print ("%s\t%s\t%zu bytes\n", ci_card_file_name (file), path, g_bytes_get_size (content));
    }
  return CI_EXIT_OK;
}

static void
print_batch_result (const CiBatchResult *r,
                    guint                done,
                    guint                total,
                    gpointer             user_data)
{
  g_autofree char *serial = ci_card_format_serial (r->serial);

  if (r->error)
    g_print ("[%u/%u] %s in “%s”: FAILED: %s\n", done, total, r->employee_number, r->reader,
             r->error->message);
  else
    g_print ("[%u/%u] %s in “%s”: card %s active (%.0f ms), PIN %s\n", done, total,
             r->employee_number, r->reader, serial, r->duration_us / 1000.0,
             r->pin ? r->pin : "chosen");
}

/* Employee numbers from the command line and from --from FILE (one a line). */
static GStrv
batch_numbers (GStrv        args,
               const char  *path,
               GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *text = NULL;

  for (guint i = 1; args[i]; i++)
    g_strv_builder_add (builder, args[i]);
  if (path && !g_file_get_contents (path, &text, NULL, error))
    return NULL;
  if (text)
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i]; i++)
        if (*g_strstrip (lines[i]) && lines[i][0] != '#')
          g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

static int
card_batch (CiCli *cli,
            GStrv *args)
{
  g_auto(GStrv) chosen = NULL;
  g_autofree char *from = NULL;
  int wait_s = 60;
  GOptionEntry entries[] = {
    { "reader", 0, 0, G_OPTION_ARG_STRING_ARRAY, &chosen, "A reader to use (repeat; default: every reader)", "NAME" },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, "Employee numbers, one a line", "FILE" },
    { "wait", 0, 0, G_OPTION_ARG_INT, &wait_s, "Seconds a reader waits for its next card (default 60)", "S" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_auto(GStrv) readers = NULL;
  g_auto(GStrv) numbers = NULL;
  CiBatchOptions options = { 0 };
  GError *error = NULL;
  guint failed = 0;
  int code;

  if (!ci_cli_parse (entries, args, CI_CLI_ANY_ARGS))
    return CI_EXIT_USAGE;
  if (wait_s < 1)
    return ci_cli_usage ("--wait is at least 1 second");
  if (!(numbers = batch_numbers (*args, from, &error)))
    return ci_cli_fail (error);
  if (numbers[0] == NULL)
    return ci_cli_usage ("card batch needs employee numbers, or --from FILE");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (chosen == NULL && !(readers = ci_pcsc_list_readers (&error)))
    return ci_cli_fail (error);
  options.readers = (const char * const *) (chosen ? chosen : readers);
  options.card_timeout_ms = (guint) wait_s * 1000;
  options.progress = print_batch_result;
  g_print ("Issuing %u cards over %u reader(s):\n", g_strv_length (numbers),
           g_strv_length ((char **) options.readers));
  results = ci_services_card_issue_batch (cli->services, actor, (const char * const *) numbers,
                                          &options, &error);
  if (results == NULL)
    return ci_cli_fail (error);
  for (guint i = 0; i < results->len; i++)
    {
      CiBatchResult *r = results->pdata[i];

      if (r->error && r->reader == NULL)
        g_print ("%s: not issued: %s\n", r->employee_number, r->error->message);
      failed += r->error != NULL;
    }
  g_print ("%u issued, %u failed\n", results->len - failed, failed);
  return failed ? CI_EXIT_FAILED : CI_EXIT_OK;
}

const CiCliCommand ci_cli_card_commands[] = {
  { "reader", "list", reader_list, NULL, "Show the card readers and whether they hold a card" },
  { "card", "issue", card_issue, "NUMBER", "Write, lock and verify a card for an employee" },
  { "card", "batch", card_batch, "[NUMBER…]", "Issue cards for many employees over every reader" },
  { "card", "reissue", card_reissue, "NUMBER OLD-SERIAL", "Issue a replacement for a blocked card" },
  { "card", "change-access", card_change_access, NULL, "Write the holder's current zones to the card" },
  { "card", "verify", card_verify, NULL, "Check a card as an offline door reader does" },
  { "card", "dump", card_dump, NULL, "Save every file anyone may read from a card" },
  { "issuer", "certificate", issuer_certificate, NULL, "Export the issuer certificate for door readers" },
  { "deny-list", "export", deny_list_export, NULL, "Export the blocked cards as a signed CRL" },
  { NULL }
};
