/* ci-cli-face.c — render a card's face, and check a scan of a finished card
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ci-cli.h"
#include "face/ci-face-optical.h"
#include "face/ci-face-render.h"
#include "keys/ci-issuer-cert.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-face.h"

static void
print_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const CiFaceProblem *p = problems->pdata[i];

      g_printerr ("%s, template line %u: %s\n", p->side == CI_FACE_FRONT ? "front" : "back",
                  p->line, p->message);
    }
}

static gboolean
parse_side (const char *text,
            CiFaceSide *side)
{
  if (text == NULL || g_str_equal (text, "front"))
    *side = CI_FACE_FRONT;
  else if (g_str_equal (text, "back"))
    *side = CI_FACE_BACK;
  else
    return FALSE;
  return TRUE;
}

/* A template by name or file; %NULL: the colour badge. */
CiFaceTemplate *
ci_cli_load_template (const char  *name,
                      GError     **error)
{
  return ci_face_template_open (name ? name : "colour-badge", error);
}

/* The employee's (or one card's) face as PNG, PDF or SVG, by the output's
 * extension. Missing data is drawn as placeholders and makes the exit
 * status 5: such a face must not go onto a card. */
static int
render (CiCli *cli,
        GStrv *args)
{
  g_autofree char *template_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *side_name = NULL;
  g_autofree char *serial_text = NULL;
  double dpi = 600;
  GOptionEntry entries[] = {
    { "template", 't', 0, G_OPTION_ARG_STRING, &template_name,
      "A template's name or file (default: colour-badge)", "NAME" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "The file to write: .png (one side), .pdf (both sides) or .svg (one side)", "FILE" },
    { "side", 0, 0, G_OPTION_ARG_STRING, &side_name, "front (default) or back", "SIDE" },
    { "dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "PNG resolution (default 600)", "N" },
    { "card", 0, 0, G_OPTION_ARG_STRING, &serial_text,
      "Which of the employee's cards (default: the newest)", "SERIAL" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autoptr(CiFaceData) data = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (
    (GDestroyNotify) ci_face_problem_free);
  CiFaceSide side;
  gint64 serial = 0;
  GError *error = NULL;
  gboolean ok;
  int code;

  if (!ci_cli_parse (entries, args, 1))
    return CI_EXIT_USAGE;
  if (output == NULL)
    return ci_cli_usage ("render needs --output FILE (.png, .pdf or .svg)");
  if (!parse_side (side_name, &side))
    return ci_cli_usage ("--side must be front or back");
  if (dpi < 72 || dpi > 2400)
    return ci_cli_usage ("--dpi must be 72 to 2400");
  if (serial_text && (serial = ci_cli_parse_serial (serial_text)) <= 0)
    return ci_cli_usage ("--card takes a card serial, a number as printed on the card");
  if (!(tmpl = ci_cli_load_template (template_name, &error)))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)) != CI_EXIT_OK)
    return code;
  data = ci_services_face_data (cli->services, actor, (*args)[1], serial, &error);
  if (data == NULL)
    return ci_cli_fail (error);
  if (g_str_has_suffix (output, ".pdf"))
    ok = ci_face_export_pdf (tmpl, data, output, problems, &error);
  else if (g_str_has_suffix (output, ".svg"))
    ok = ci_face_export_svg (tmpl, side, data, output, problems, &error);
  else if (g_str_has_suffix (output, ".png"))
    ok = ci_face_export_png (tmpl, side, data, dpi, output, problems, &error);
  else
    return ci_cli_usage ("--output must end in .png, .pdf or .svg");
  if (!ok)
    return ci_cli_fail (error);
  g_print ("%s written\n", output);
  if (problems->len == 0)
    return CI_EXIT_OK;
  print_problems (problems);
  g_printerr ("cardissue-cli: the face is incomplete (placeholders drawn); do not put it on a "
              "card\n");
  return CI_EXIT_INVALID;
}

/* The quality check after personalisation: a scan of the finished card
 * against the card's record and the render it should look like. */
static int
optical_check (CiCli *cli,
               GStrv *args)
{
  g_autofree char *template_name = NULL;
  g_autofree char *side_name = NULL;
  g_autofree char *cert_path = NULL;
  GOptionEntry entries[] = {
    { "template", 't', 0, G_OPTION_ARG_STRING, &template_name,
      "The template the card was printed with (default: colour-badge)", "NAME" },
    { "side", 0, 0, G_OPTION_ARG_STRING, &side_name, "front (default) or back", "SIDE" },
    { "issuer-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path,
      "Also check the QR code's signature with the issuer's certificate", "FILE" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autoptr(CiFaceData) data = NULL;
  g_autoptr(CiFaceCheck) check = NULL;
  g_autoptr(GBytes) scan = NULL;
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(GBytes) issuer_key = NULL;
  g_autofree char *serial = NULL;
  gint64 number;
  CiFaceSide side;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 2))
    return CI_EXIT_USAGE;
  if (!parse_side (side_name, &side))
    return ci_cli_usage ("--side must be front or back");
  if ((number = ci_cli_parse_serial ((*args)[2])) <= 0)
    return ci_cli_usage ("the card serial is a number, as printed on the card");
  if (!(scan = ci_cli_read_file ((*args)[1], &error))
      || (cert_path && (!(cert = ci_cli_read_file (cert_path, &error))
                        || !ci_issuer_certificate_check (cert, &issuer_key, &error))))
    return ci_cli_fail (error);
  if (!(tmpl = ci_cli_load_template (template_name, &error)))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)) != CI_EXIT_OK)
    return code;
  if (!(data = ci_services_face_data (cli->services, actor, NULL, number, &error)))
    return ci_cli_fail (error);
  serial = ci_card_format_serial (number);
  check = ci_face_optical_check (tmpl, side, data, scan, serial, issuer_key, &error);
  if (check == NULL)
    return ci_cli_fail (error);
  for (guint i = 0; i < check->findings->len; i++)
    {
      const CiFaceFinding *f = check->findings->pdata[i];

      g_print ("%s: %s\n", f->what, f->message);
    }
  g_print ("%s (lowest similarity %.2f)\n", check->pass ? "pass" : "fail", check->score);
  return check->pass ? CI_EXIT_OK : CI_EXIT_INVALID;
}

const CiCliCommand ci_cli_face_commands[] = {
  { "render", NULL, render, "EMPLOYEE-NUMBER", "Render a card face (PNG, PDF or SVG)" },
  { "optical-check", NULL, optical_check, "SCAN SERIAL",
    "Check a scan (PNG or JPEG) of a finished card against its record" },
  { NULL }
};
