/* ci-face-output.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-face-output.h"
#include "ci-job.h"
#include "face/ci-face-render.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-face.h"

/* The card face leaves the application: exported as PDF (both sides, card
 * size, vector), PNG (600 dpi) or SVG by the core's exports, or printed
 * through the GTK print dialog on a card-sized page, drawn by the same core
 * renderer. */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;
  gint64      serial;
  char       *template_name;
  GFile      *file;
} Export;

static void
export_free (gpointer data)
{
  Export *e = data;

  g_clear_object (&e->services);
  g_clear_object (&e->actor);
  g_free (e->number);
  g_free (e->template_name);
  g_clear_object (&e->file);
  g_free (e);
}

static CiFaceTemplate *
load_template (const char  *name,
               GError     **error)
{
  g_autofree char *path = ci_face_template_find (name, error);

  return path ? ci_face_template_load (path, error) : NULL;
}

static gpointer
export_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Export *e = data;
  g_autofree char *path = g_file_get_path (e->file);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autoptr(CiFaceTemplate) tmpl = load_template (e->template_name, error);
  g_autoptr(CiFaceData) face = NULL;
  gboolean ok;

  if (tmpl == NULL
      || !(face = ci_services_face_data (e->services, e->actor, e->number, e->serial, error)))
    return NULL;
  if (g_str_has_suffix (lower, ".png"))
    ok = ci_face_export_png (tmpl, CI_FACE_FRONT, face, 600, path, NULL, error);
  else if (g_str_has_suffix (lower, ".svg"))
    ok = ci_face_export_svg (tmpl, CI_FACE_FRONT, face, path, NULL, error);
  else
    ok = ci_face_export_pdf (tmpl, face, path, NULL, error);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * ci_face_output_export_async:
 * @services: the desk's services
 * @actor: the signed-in operator
 * @employee_number: whose card
 * @serial: the card's serial, or 0 before it is issued
 * @template_name: the template id
 * @file: where to write; the name's ending chooses PDF (both sides), PNG
 *   (front, 600 dpi) or SVG (front)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written
 * @user_data: for @callback
 */
void
ci_face_output_export_async (CiServices          *services,
                             CiOperator          *actor,
                             const char          *employee_number,
                             gint64               serial,
                             const char          *template_name,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Export *e = g_new0 (Export, 1);

  e->services = g_object_ref (services);
  e->actor = g_object_ref (actor);
  e->number = g_strdup (employee_number);
  e->serial = serial;
  e->template_name = g_strdup (template_name);
  e->file = g_object_ref (file);
  ci_job_run (NULL, export_thread, e, export_free, NULL, cancellable, callback, user_data);
}

gboolean
ci_face_output_export_finish (GAsyncResult  *result,
                              GError       **error)
{
  return ci_job_finish (result, error) != NULL;
}

/* ─── printing ──────────────────────────────────────────────────────────── */

typedef struct
{
  CiFaceTemplate *tmpl;
  CiFaceData     *face;
  GError         *error;
} Print;

static void
draw_page (GtkPrintOperation *operation,
           GtkPrintContext   *context,
           int                page,
           Print             *print)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double px_per_mm = gtk_print_context_get_dpi_x (context) / 25.4;

  if (print->error == NULL)
    ci_face_render (print->tmpl, page == 0 ? CI_FACE_FRONT : CI_FACE_BACK, print->face, cr,
                    px_per_mm, NULL, &print->error);
}

static GtkPageSetup *
card_page_setup (void)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) card = gtk_paper_size_new_custom ("cardissue-id1", _("ID-1 card"),
                                                           CI_FACE_CARD_WIDTH_MM,
                                                           CI_FACE_CARD_HEIGHT_MM, GTK_UNIT_MM);

  gtk_page_setup_set_paper_size (setup, card);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_MM);
  return setup;
}

/**
 * ci_face_output_print:
 * @parent: the window for the print dialog
 * @services: the desk's services
 * @actor: the signed-in operator
 * @employee_number: whose card
 * @serial: the card's serial, or 0 before it is issued
 * @template_name: the template id
 * @export_pdf: (nullable): print into this PDF file without a dialog
 * @error: return location for an error
 *
 * Prints both sides on a card-sized page through the GTK print dialog. The
 * face data is read before the dialog opens: one small read.
 *
 * Returns: %TRUE unless printing failed (cancelling is no failure)
 */
gboolean
ci_face_output_print (GtkWindow   *parent,
                      CiServices  *services,
                      CiOperator  *actor,
                      const char  *employee_number,
                      gint64       serial,
                      const char  *template_name,
                      const char  *export_pdf,
                      GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = card_page_setup ();
  Print print = { 0 };
  GtkPrintOperationResult result;

  if (!(print.tmpl = load_template (template_name, error)))
    return FALSE;
  print.face = ci_services_face_data (services, actor, employee_number, serial, error);
  if (print.face == NULL)
    {
      ci_face_template_free (print.tmpl);
      return FALSE;
    }
  gtk_print_operation_set_n_pages (operation, 2);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_MM);
  gtk_print_operation_set_job_name (operation, employee_number);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page), &print);
  if (export_pdf != NULL)
    gtk_print_operation_set_export_filename (operation, export_pdf);
  result = gtk_print_operation_run (operation,
                                    export_pdf ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                               : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, error);
  ci_face_template_free (print.tmpl);
  ci_face_data_unref (print.face);
  if (print.error != NULL)
    {
      g_propagate_error (error, print.error);
      return FALSE;
    }
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
