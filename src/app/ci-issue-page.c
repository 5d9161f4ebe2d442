/* ci-issue-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-face-output.h"
#include "ci-face-preview.h"
#include "ci-face-zoom.h"
#include "ci-issue-page.h"
#include "ci-issue-steps.h"
#include "ci-job.h"
#include "ci-pin-dialog.h"
#include "ci-reader-chooser.h"
#include "ci-ui.h"
#include "ci-unlock-dialog.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-async.h"

/* Issuing one card: who, which reader, which face; then one action runs the
 * core pipeline on a worker thread and each step lights up as the core
 * reports it. The page holds no rule of its own: the core decides whether the
 * card, the holder and the operator may go ahead, and says why not. */

struct _CiIssuePage
{
  AdwBin         parent_instance;

  AdwEntryRow   *employee_row;
  AdwActionRow  *holder_row;
  CiReaderChooser *reader_chooser;
  AdwComboRow   *template_row;
  GtkStringList *template_list;
  GtkPicture    *front_picture;
  GtkPicture    *back_picture;
  GtkLabel      *face_problems;
  GtkLabel      *result_label;
  CiIssueSteps  *steps;

  CiFacePreview *preview;
  GCancellable  *cancellable;
  gboolean       busy;
  gboolean       printing;
  gint64         serial;
  char          *holder;
  guint          preview_source;
};

G_DEFINE_FINAL_TYPE (CiIssuePage, ci_issue_page, ADW_TYPE_BIN)

#define PREVIEW_DELAY_MS 150

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static const char *
employee_number (CiIssuePage *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->employee_row));
}

static char *
selected_string (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item ? g_strdup (gtk_string_object_get_string (item)) : NULL;
}

static void
update_actions (CiIssuePage *self)
{
  g_autofree char *reader = ci_reader_chooser_dup_reader (self->reader_chooser);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "issue.start",
                                 !self->busy && reader != NULL && employee_number (self)[0]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "issue.cancel", self->busy);
}

/* ─── face preview ──────────────────────────────────────────────────────── */

static void
preview_ready (CiIssuePage *self)
{
  GPtrArray *problems = ci_face_preview_get_problems (self->preview);
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_picture_set_paintable (self->front_picture,
                             ci_face_preview_get_paintable (self->preview, CI_FACE_FRONT));
  gtk_picture_set_paintable (self->back_picture,
                             ci_face_preview_get_paintable (self->preview, CI_FACE_BACK));
  for (guint i = 0; problems && i < problems->len; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "", (char *) problems->pdata[i]);
  gtk_label_set_text (self->face_problems, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->face_problems), text->len > 0);
  g_free (self->holder);
  self->holder = g_strdup (ci_face_preview_get_holder (self->preview));
  adw_action_row_set_subtitle (self->holder_row, self->holder ? self->holder : "");
}

static gboolean
preview_now (gpointer user_data)
{
  CiIssuePage *self = user_data;
  CiApplication *app = get_app ();
  g_autofree char *tmpl = selected_string (self->template_row);

  self->preview_source = 0;
  if (ci_application_get_operator (app) != NULL && tmpl != NULL)
    ci_face_preview_update (self->preview, ci_application_get_services (app),
                            ci_application_get_operator (app), employee_number (self),
                            self->serial, tmpl);
  return G_SOURCE_REMOVE;
}

/* Typing an employee number redraws the face once typing pauses. */
static void
schedule_preview (CiIssuePage *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_now, self);
}

static void
employee_changed (CiIssuePage *self)
{
  self->serial = 0;
  update_actions (self);
  schedule_preview (self);
}

static void
template_changed (CiIssuePage *self)
{
  g_autofree char *tmpl = selected_string (self->template_row);

  if (tmpl != NULL)
    g_settings_set_string (ci_application_get_settings (get_app ()), "card-template", tmpl);
  schedule_preview (self);
}

static void
load_templates (CiIssuePage *self)
{
  g_auto(GStrv) names = ci_face_template_list ();
  g_autofree char *preferred = g_settings_get_string (ci_application_get_settings (get_app ()),
                                                      "card-template");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->template_list));

  gtk_string_list_splice (self->template_list, 0, n, (const char * const *) names);
  for (guint i = 0; names[i]; i++)
    if (g_strcmp0 (names[i], preferred) == 0)
      adw_combo_row_set_selected (self->template_row, i);
}

/* ─── steps ─────────────────────────────────────────────────────────────── */

static void
reset_steps (CiIssuePage *self)
{
  ci_issue_steps_reset (self->steps);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
}

static void
show_result (CiIssuePage *self,
             const char  *text,
             gboolean     ok)
{
  ci_ui_show_outcome (self->result_label, text, ok);
}

/* Runs in the main context: the async service relays progress here. */
static void
step_progress (const char   *reader,
               CiIssueStep   step,
               gboolean      skipped,
               gint64        duration_us,
               const GError *error,
               gpointer      user_data)
{
  ci_issue_steps_report (CI_ISSUE_PAGE (user_data)->steps, step, skipped, duration_us, error);
}

/* ─── issuing ───────────────────────────────────────────────────────────── */

typedef struct
{
  CiIssuePage *self;
  char        *pin;
  char        *reader;
  char        *number;
  char        *holder;
  CiOperator  *actor;       /* who started it: the outcome is shown to them only */
  char        *template_name;
} Issue;

static void
issue_free (Issue *issue)
{
  g_clear_object (&issue->self);
  if (issue->pin != NULL)
    explicit_bzero (issue->pin, strlen (issue->pin));
  g_free (issue->pin);
  g_free (issue->reader);
  g_free (issue->number);
  g_free (issue->holder);
  g_clear_object (&issue->actor);
  g_free (issue->template_name);
  g_free (issue);
}

static void
set_busy (CiIssuePage *self,
          gboolean     busy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->employee_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reader_chooser), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->template_row), !busy);
  update_actions (self);
  /* The focus left with the fields going insensitive; it comes back to the
   * number, and the page's keys (Ctrl+Enter for the next card) work again. */
  if (!busy && root != NULL && gtk_root_get_focus (root) == NULL
      && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->employee_row));
}

static void
issue_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Issue *issue = user_data;
  CiIssuePage *self = issue->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiIssueResult) issued = ci_services_card_issue_finish (CI_SERVICES (source), result,
                                                                  &error);
  g_autofree char *text = NULL;
  g_autofree char *serial = NULL;

  ci_application_card_work_end (get_app ());
  set_busy (self, FALSE);
  g_clear_object (&self->cancellable);
  /* Locked meanwhile: the card is written and recorded, but neither the
   * outcome nor a generated PIN is shown to whoever is at the desk now. */
  if (!ci_application_is_signed_in (get_app (), issue->actor))
    {
      issue_free (issue);
      return;
    }
  if (issued == NULL)
    {
      /* Translators: %s is the core's explanation, written for the desk */
      text = g_strdup_printf (_("The card was not issued. %s"), error->message);
      show_result (self, text, FALSE);
      issue_free (issue);
      return;
    }
  self->serial = issued->serial;
  /* The face as it will be printed: now with the serial and the QR code. */
  schedule_preview (self);
  serial = g_strdup_printf ("%010" G_GINT64_FORMAT, issued->serial);
  /* Translators: the card serial, then the holder's name */
  text = g_strdup_printf (_("Card %s for %s is written, locked and verified. Hand it over."),
                          serial, issue->holder ? issue->holder : issue->number);
  show_result (self, text, TRUE);
  if (issued->pin != NULL)
    ci_pin_dialog_show_once (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                             issue->holder ? issue->holder : issue->number, issued->pin);
  issue_free (issue);
}

static void
run_issue (Issue *issue)
{
  CiIssuePage *self = issue->self;
  CiApplication *app = get_app ();
  CiIssueOptions options = {
    .reader = issue->reader,
    .pin = issue->pin,
    .face_template_name = issue->template_name,
    .progress = step_progress,
    .progress_data = self,
  };

  reset_steps (self);
  ci_issue_steps_start (self->steps);
  self->cancellable = g_cancellable_new ();
  self->serial = 0;
  set_busy (self, TRUE);
  ci_application_card_work_begin (app);
  ci_services_card_issue_async (ci_application_get_services (app), issue->actor,
                                issue->number, &options,
                                self->cancellable, issue_done, issue);
}

static void
pin_chosen (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Issue *issue = user_data;
  g_autoptr(GError) error = NULL;
  gboolean generate = FALSE;

  issue->pin = ci_pin_dialog_choose_finish (result, &generate, &error);
  if ((issue->pin == NULL && !generate)
      || !ci_application_is_signed_in (get_app (), issue->actor))
    {
      issue_free (issue);
      return;
    }
  run_issue (issue);
}

/* The keys are unlocked: the holder's PIN next. */
static void
keys_unlocked (gboolean unlocked,
               gpointer user_data)
{
  Issue *issue = user_data;

  if (!unlocked || !ci_application_is_signed_in (get_app (), issue->actor))
    {
      issue_free (issue);
      return;
    }
  ci_pin_dialog_choose (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (issue->self))), NULL,
                        pin_chosen, issue);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CiIssuePage *self = CI_ISSUE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  Issue *issue;

  if (self->busy || employee_number (self)[0] == '\0'
      || ci_application_get_operator (get_app ()) == NULL)
    return;
  issue = g_new0 (Issue, 1);
  issue->self = g_object_ref (self);
  issue->reader = ci_reader_chooser_dup_reader (self->reader_chooser);
  issue->number = g_strdup (employee_number (self));
  issue->holder = g_strdup (self->holder);
  issue->actor = g_object_ref (ci_application_get_operator (get_app ()));
  if (issue->reader == NULL)
    {
      show_result (self, _("No card reader is connected."), FALSE);
      issue_free (issue);
      return;
    }
  /* The core refuses a card whose face would miss something: it opens the
   * template the card will be printed with, in its worker. */
  issue->template_name = selected_string (self->template_row);
  if (issue->template_name == NULL)
    {
      show_result (self, _("No card template is installed."), FALSE);
      issue_free (issue);
      return;
    }
  ci_unlock_dialog_ensure (GTK_WINDOW (gtk_widget_get_root (widget)), issue->actor,
                           keys_unlocked, issue);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiIssuePage *self = CI_ISSUE_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ─── the face, exported and printed ────────────────────────────────────── */

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiIssuePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ci_face_output_export_finish (result, &error))
    show_result (self, error->message, FALSE);
  else
    show_result (self, _("The card face is saved."), TRUE);
}

/**
 * ci_issue_page_export_face:
 * @self: a #CiIssuePage
 * @file: where to save; PDF, PNG or SVG by the name's ending
 *
 * Saves the face shown now (what Export… does after its file dialog).
 */
void
ci_issue_page_export_face (CiIssuePage *self,
                           GFile       *file)
{
  CiApplication *app = get_app ();
  g_autofree char *tmpl = selected_string (self->template_row);

  g_return_if_fail (CI_IS_ISSUE_PAGE (self));

  if (tmpl == NULL || employee_number (self)[0] == '\0'
      || ci_application_get_operator (app) == NULL)
    return;
  ci_face_output_export_async (ci_application_get_services (app),
                               ci_application_get_operator (app), employee_number (self),
                               self->serial, tmpl, file, NULL, export_done, g_object_ref (self));
}

static void
export_chosen (GtkNativeDialog *chooser,
               int              response,
               CiIssuePage     *self)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    ci_issue_page_export_face (self, file);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiIssuePage *self = CI_ISSUE_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("%s-face.pdf", employee_number (self));
  const struct { const char *name; const char *pattern; } kinds[] = {
    { N_("PDF, both sides"), "*.pdf" },
    { N_("PNG, front, 600 dpi"), "*.png" },
    { N_("SVG, front"), "*.svg" },
  };

  if (employee_number (self)[0] == '\0')
    return;
  chooser = gtk_file_chooser_native_new (_("Export Card Face"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(kinds[i].name));
      gtk_file_filter_add_pattern (filter, kinds[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiIssuePage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->printing = FALSE;
  if (!ci_face_output_print_finish (result, &error))
    show_result (self, error->message, FALSE);
}

/**
 * ci_issue_page_print_face:
 * @self: a #CiIssuePage
 * @export_pdf: (nullable): print into this PDF without the dialog
 *
 * Prints the face shown now through the GTK print dialog.
 */
void
ci_issue_page_print_face (CiIssuePage *self,
                          const char  *export_pdf)
{
  CiApplication *app = get_app ();
  g_autofree char *tmpl = selected_string (self->template_row);

  g_return_if_fail (CI_IS_ISSUE_PAGE (self));

  if (tmpl == NULL || employee_number (self)[0] == '\0' || self->printing
      || ci_application_get_operator (app) == NULL)
    return;
  self->printing = TRUE;
  ci_face_output_print_async (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                              ci_application_get_services (app),
                              ci_application_get_operator (app), employee_number (self),
                              self->serial, tmpl, export_pdf, print_done, g_object_ref (self));
}

/**
 * ci_issue_page_get_printing:
 * @self: a #CiIssuePage
 *
 * Returns: whether a print is being prepared or is under way
 */
gboolean
ci_issue_page_get_printing (CiIssuePage *self)
{
  g_return_val_if_fail (CI_IS_ISSUE_PAGE (self), FALSE);

  return self->printing;
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiIssuePage *self = CI_ISSUE_PAGE (widget);
  const char *holder = self->holder ? self->holder : employee_number (self);
  CiFaceZoom *zoom;

  if (ci_face_preview_get_paintable (self->preview, CI_FACE_FRONT) == NULL)
    return;
  zoom = ci_face_zoom_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                           holder[0] ? holder : _("Card Face"),
                           ci_face_preview_get_paintable (self->preview, CI_FACE_FRONT),
                           ci_face_preview_get_paintable (self->preview, CI_FACE_BACK));
  gtk_window_present (GTK_WINDOW (zoom));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ci_issue_page_print_face (CI_ISSUE_PAGE (widget), NULL);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_issue_page_map (GtkWidget *widget)
{
  CiIssuePage *self = CI_ISSUE_PAGE (widget);

  GTK_WIDGET_CLASS (ci_issue_page_parent_class)->map (widget);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->template_list)) == 0)
    load_templates (self);
  schedule_preview (self);
}

static void
ci_issue_page_dispose (GObject *object)
{
  CiIssuePage *self = CI_ISSUE_PAGE (object);

  g_clear_handle_id (&self->preview_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_ISSUE_PAGE);
  g_clear_object (&self->preview);
  g_clear_pointer (&self->holder, g_free);
  G_OBJECT_CLASS (ci_issue_page_parent_class)->dispose (object);
}

static void
ci_issue_page_class_init (CiIssuePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = ci_issue_page_dispose;
  widget_class->map = ci_issue_page_map;

  g_type_ensure (CI_TYPE_ISSUE_STEPS);
  g_type_ensure (CI_TYPE_READER_CHOOSER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-issue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, employee_row);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, holder_row);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, reader_chooser);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, template_row);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, template_list);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, front_picture);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, back_picture);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, face_problems);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, result_label);
  gtk_widget_class_bind_template_child (widget_class, CiIssuePage, steps);
  gtk_widget_class_bind_template_callback (widget_class, employee_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);
  gtk_widget_class_bind_template_callback (widget_class, template_changed);
  gtk_widget_class_install_action (widget_class, "issue.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "issue.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "issue.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "issue.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "issue.zoom", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "issue.start", NULL);
}

static void
ci_issue_page_init (CiIssuePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->preview = ci_face_preview_new ();
  g_signal_connect_object (self->preview, "ready", G_CALLBACK (preview_ready), self,
                           G_CONNECT_SWAPPED);
  reset_steps (self);
  update_actions (self);
}

/**
 * ci_issue_page_set_employee:
 * @self: a #CiIssuePage
 * @number: the employee number the next card is for
 */
void
ci_issue_page_set_employee (CiIssuePage *self,
                            const char  *number)
{
  g_return_if_fail (CI_IS_ISSUE_PAGE (self));

  if (self->busy)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->employee_row), number ? number : "");
  reset_steps (self);
}

/**
 * ci_issue_page_reset:
 * @self: a #CiIssuePage
 *
 * Forgets the last card (at sign-out, so the next operator starts afresh).
 */
void
ci_issue_page_reset (CiIssuePage *self)
{
  g_return_if_fail (CI_IS_ISSUE_PAGE (self));

  /* A card being written goes on (it is recorded); the page forgets it. */
  ci_face_preview_clear (self->preview);
  g_clear_pointer (&self->holder, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->employee_row), "");
  /* Clearing the number scheduled a preview: there is nothing to draw. */
  g_clear_handle_id (&self->preview_source, g_source_remove);
  gtk_picture_set_paintable (self->front_picture, NULL);
  gtk_picture_set_paintable (self->back_picture, NULL);
  adw_action_row_set_subtitle (self->holder_row, "");
  self->serial = 0;
  reset_steps (self);
}

gboolean
ci_issue_page_get_busy (CiIssuePage *self)
{
  g_return_val_if_fail (CI_IS_ISSUE_PAGE (self), FALSE);

  return self->busy;
}

/**
 * ci_issue_page_get_serial:
 * @self: a #CiIssuePage
 *
 * Returns: the serial of the card issued last on this page, or 0
 */
gint64
ci_issue_page_get_serial (CiIssuePage *self)
{
  g_return_val_if_fail (CI_IS_ISSUE_PAGE (self), 0);

  return self->serial;
}
