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

static gpointer
export_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Export *e = data;
  g_autofree char *path = g_file_get_path (e->file);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autoptr(CiFaceTemplate) tmpl = ci_face_template_open (e->template_name, error);
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

typedef struct
{
  GtkWindow  *parent;
  char       *export_pdf;
} PrintRequest;

static void
print_request_free (gpointer data)
{
  PrintRequest *p = data;

  g_clear_object (&p->parent);
  g_free (p->export_pdf);
  g_free (p);
}

static void
print_free (gpointer data)
{
  Print *print = data;

  g_clear_pointer (&print->tmpl, ci_face_template_free);
  g_clear_pointer (&print->face, ci_face_data_unref);
  g_clear_error (&print->error);
  g_free (print);
}

/* On a worker: the template and what the card shows (a database read). */
static gpointer
print_read_thread (gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  Export *e = data;
  Print *print = g_new0 (Print, 1);

  if (!(print->tmpl = ci_face_template_open (e->template_name, error))
      || !(print->face = ci_services_face_data (e->services, e->actor, e->number, e->serial,
                                                error)))
    {
      print_free (print);
      return NULL;
    }
  return print;
}

/* On the main loop, with everything read: the print dialog and the pages. */
static void
print_read_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PrintRequest *p = g_task_get_task_data (task);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  GError *error = NULL;
  Print *print = ci_job_finish (result, &error);
  GtkPrintOperationResult outcome;

  if (print == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  operation = gtk_print_operation_new ();
  setup = card_page_setup ();
  gtk_print_operation_set_n_pages (operation, 2);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_MM);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page), print);
  if (p->export_pdf != NULL)
    gtk_print_operation_set_export_filename (operation, p->export_pdf);
  outcome = gtk_print_operation_run (operation,
                                     p->export_pdf ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                   : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                     p->parent, &error);
  if (print->error != NULL)
    g_task_return_error (task, g_steal_pointer (&print->error));
  else if (outcome == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_clear_error (&error);
  print_free (print);
}

/**
 * ci_face_output_print_async:
 * @parent: the window for the print dialog
 * @services: the desk's services
 * @actor: the signed-in operator
 * @employee_number: whose card
 * @serial: the card's serial, or 0 before it is issued
 * @template_name: the template id
 * @export_pdf: (nullable): print into this PDF file without a dialog
 * @callback: called when printing is over
 * @user_data: for @callback
 *
 * Prints both sides on a card-sized page through the GTK print dialog. What
 * the card shows is read on a worker thread before the dialog opens.
 */
void
ci_face_output_print_async (GtkWindow           *parent,
                            CiServices          *services,
                            CiOperator          *actor,
                            const char          *employee_number,
                            gint64               serial,
                            const char          *template_name,
                            const char          *export_pdf,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);
  PrintRequest *p = g_new0 (PrintRequest, 1);
  Export *e = g_new0 (Export, 1);

  p->parent = parent ? g_object_ref (parent) : NULL;
  p->export_pdf = g_strdup (export_pdf);
  g_task_set_task_data (task, p, print_request_free);
  g_task_set_source_tag (task, ci_face_output_print_async);
  e->services = g_object_ref (services);
  e->actor = g_object_ref (actor);
  e->number = g_strdup (employee_number);
  e->serial = serial;
  e->template_name = g_strdup (template_name);
  ci_job_run (NULL, print_read_thread, e, export_free, print_free, NULL, print_read_done, task);
}

/**
 * ci_face_output_print_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: %TRUE unless printing failed (cancelling the dialog is no failure)
 */
gboolean
ci_face_output_print_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ci_face_output_print_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
