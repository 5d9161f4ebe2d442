/* ci-batch-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-batch-page-private.h"
#include "ci-job.h"
#include "ci-ui.h"
#include "ci-unlock-dialog.h"
#include "services/ci-services-async.h"

/* Issuing cards for a list of employees over every reader: choose a CSV file,
 * review who is in it, start, pause, resume or stop, and see each card's
 * result as it comes. The file is read and checked on a worker thread with
 * the core's CSV reader; employees not enrolled yet are enrolled with the
 * core's import (all or none) when the batch starts. The core issues the
 * cards (one worker per reader) and decides what may be issued; this page
 * shows its answers. Generated PINs are kept only until they are saved as PIN
 * letters (one page per holder), and are wiped then, or at sign-out. */

/* How long a reader waits for its next card before it stops (as the CLI). */
#define CARD_TIMEOUT_MS (60 * 1000)
/* Problems listed one by one; the rest are counted. */
#define MAX_PROBLEMS_SHOWN 50

G_DEFINE_FINAL_TYPE (CiBatchPage, ci_batch_page, ADW_TYPE_BIN)

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

void
_ci_batch_wipe (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

CiBatchRow *
_ci_batch_row_new (const char *number,
                   char       *name,
                   guint       line)
{
  CiBatchRow *row = g_new0 (CiBatchRow, 1);

  row->number = g_strdup (number);
  row->name = name;
  row->line = line;
  return row;
}

void
_ci_batch_row_free (gpointer data)
{
  CiBatchRow *row = data;

  g_free (row->number);
  g_free (row->name);
  g_free (row->detail);
  _ci_batch_wipe (row->pin);
  g_free (row);
}

CiBatchTicket *
_ci_batch_ticket_new (CiBatchPage *self)
{
  CiBatchTicket *t = g_new0 (CiBatchTicket, 1);

  t->self = g_object_ref (self);
  t->generation = self->generation;
  return t;
}

gboolean
_ci_batch_ticket_valid (CiBatchTicket *t)
{
  return t->self->generation == t->generation;
}

void
_ci_batch_ticket_free (CiBatchTicket *t)
{
  g_object_unref (t->self);
  g_free (t);
}

/* ─── showing the batch ─────────────────────────────────────────────────── */

static guint
count_rows (CiBatchPage     *self,
            CiBatchRowState  state)
{
  guint n = 0;

  for (guint i = 0; self->rows && i < self->rows->len; i++)
    n += ((CiBatchRow *) self->rows->pdata[i])->state == state;
  return n;
}

guint
_ci_batch_page_count_pins (CiBatchPage *self)
{
  guint n = 0;

  for (guint i = 0; self->rows && i < self->rows->len; i++)
    n += ((CiBatchRow *) self->rows->pdata[i])->pin != NULL;
  return n;
}

static void
set_row_icon (CiBatchRow *row,
              const char *icon,
              const char *style)
{
  gtk_image_set_from_icon_name (row->icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (row->icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (row->icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (row->icon), "warning");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row->icon), style);
}

static void
update_row (CiBatchRow *row)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *serial = NULL;

  switch (row->state)
    {
    case CI_BATCH_ROW_ENROLLED:
      subtitle = g_strdup_printf (_("%s · enrolled"), row->number);
      set_row_icon (row, "avatar-default-symbolic", NULL);
      break;
    case CI_BATCH_ROW_NEW:
      subtitle = g_strdup_printf (_("%s · not enrolled yet: enrolled when the batch starts"),
                                  row->number);
      set_row_icon (row, "contact-new-symbolic", NULL);
      break;
    case CI_BATCH_ROW_HAS_CARD:
      subtitle = g_strdup_printf (_("%s · already has an active card"), row->number);
      set_row_icon (row, "dialog-warning-symbolic", "warning");
      break;
    case CI_BATCH_ROW_QUEUED:
      subtitle = g_strdup_printf (_("%s · waiting for a card"), row->number);
      set_row_icon (row, "content-loading-symbolic", NULL);
      break;
    case CI_BATCH_ROW_ISSUED:
      serial = ci_card_format_serial (row->serial);
      /* Translators: employee number · card serial, and the reader it was written in */
      subtitle = g_strdup_printf (_("%s · card %s, written in %s"), row->number, serial,
                                  row->detail);
      set_row_icon (row, "emblem-ok-symbolic", "success");
      break;
    case CI_BATCH_ROW_FAILED:
    default:
      /* Translators: employee number · the core's explanation, written for the desk */
      subtitle = g_strdup_printf (_("%s · no card: %s"), row->number, row->detail);
      set_row_icon (row, "dialog-error-symbolic", "error");
      break;
    }
  adw_action_row_set_subtitle (row->widget, subtitle);
}

static void
add_row_widget (CiBatchPage *self,
                CiBatchRow  *row)
{
  row->widget = ADW_ACTION_ROW (adw_action_row_new ());
  row->icon = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                            NULL);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->widget), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->widget),
                                 row->name ? row->name : row->number);
  adw_action_row_add_prefix (row->widget, GTK_WIDGET (row->icon));
  gtk_widget_set_name (GTK_WIDGET (row->widget), row->number);
  update_row (row);
  gtk_list_box_append (self->employee_list, GTK_WIDGET (row->widget));
}

static void
show_problems (CiBatchPage *self,
               GPtrArray   *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  self->n_problems = problems ? problems->len : 0;
  for (guint i = 0; i < self->n_problems && i < MAX_PROBLEMS_SHOWN; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "",
                            ((CiCsvProblem *) problems->pdata[i])->message);
  if (self->n_problems > MAX_PROBLEMS_SHOWN)
    {
      guint more = self->n_problems - MAX_PROBLEMS_SHOWN;

      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "…and %u more problem",
                                                 "…and %u more problems", more), more);
    }
  gtk_label_set_text (self->problems_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), text->len > 0);
}

static void
set_status (CiBatchPage *self,
            const char  *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
update_progress (CiBatchPage *self)
{
  guint total = self->n_total ? self->n_total : self->rows ? self->rows->len : 0;
  /* Translators: cards done of the cards in the batch, on the progress bar */
  g_autofree char *text = g_strdup_printf (_("%u of %u"), self->n_done, total);

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 total ? (double) self->n_done / total : 0.0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
update_pins (CiBatchPage *self)
{
  guint n = _ci_batch_page_count_pins (self);
  g_autofree char *title = NULL;

  if (n == 0)
    return;
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u PIN to hand over",
                                        "%u PINs to hand over", n), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->pins_row), title);
  gtk_widget_set_visible (GTK_WIDGET (self->pins_group), TRUE);
}

/* Employees the file would enrol need a role that may enrol them (the
 * core refuses anyway): the batch can't start for anyone else. */
static gboolean
may_enrol_new (CiBatchPage *self)
{
  return self->import == NULL || ci_application_may (get_app (), CI_ACTION_EMPLOYEE_EDIT);
}

/* Everything that follows from the state: what may be done, what shows. */
void
_ci_batch_page_update_view (CiBatchPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean running = self->state == CI_BATCH_PAGE_RUNNING;
  gboolean paused = running && self->control && ci_batch_control_is_paused (self->control);
  /* A file being read may be replaced by another: only the batch holds the file. */
  gboolean busy = running || self->state == CI_BATCH_PAGE_IMPORTING;
  gboolean ready = self->state == CI_BATCH_PAGE_REVIEW && self->n_problems == 0
                   && self->rows && self->rows->len > 0 && may_enrol_new (self);
  gboolean rest = self->state == CI_BATCH_PAGE_DONE && count_rows (self, CI_BATCH_ROW_FAILED) > 0;
  gboolean listed = self->rows && self->rows->len > 0 && self->n_problems == 0;

  gtk_stack_set_visible_child_name (self->stack, self->state == CI_BATCH_PAGE_EMPTY ? "empty"
                                                                                     : "batch");
  gtk_widget_action_set_enabled (widget, "batch.open", !busy && !self->saving);
  gtk_widget_action_set_enabled (widget, "batch.start", ready || rest);
  gtk_widget_action_set_enabled (widget, "batch.pause", running && !paused && !self->stopping);
  gtk_widget_action_set_enabled (widget, "batch.resume", paused && !self->stopping);
  gtk_widget_action_set_enabled (widget, "batch.cancel", running && !self->stopping);
  gtk_widget_action_set_enabled (widget, "batch.save-pins",
                                 !self->saving && _ci_batch_page_count_pins (self) > 0);
  /* Only the buttons that may be used now: the others would only be noise. */
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), running && !paused);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button), paused);
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), ready || rest);
  gtk_widget_set_visible (self->buttons, running || ready || rest);
  gtk_button_set_label (self->start_button, rest ? _("Issue the _Rest") : _("_Start"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), listed);
  gtk_widget_set_visible (GTK_WIDGET (self->list_group), listed);
  update_progress (self);
  update_pins (self);
}

static void
set_state (CiBatchPage      *self,
           CiBatchPageState  state)
{
  self->state = state;
  _ci_batch_page_update_view (self);
}

/* A button that hides takes the keyboard focus with it: give it to @target
 * if the focus was on this page (or nowhere), never take it from elsewhere. */
static void
keep_focus (CiBatchPage *self,
            GtkWidget   *target)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || !gtk_widget_get_mapped (focus)
      || gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_widget_grab_focus (target);
}

static void
show_ready (CiBatchPage *self)
{
  guint n = self->rows->len;
  g_autofree char *text = NULL;

  if (!may_enrol_new (self))
    {
      guint n_new = count_rows (self, CI_BATCH_ROW_NEW);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
        "%u person in this file is not enrolled yet, and your role may not enrol "
        "employees. Ask HR to enrol them, or take them out of the file.",
        "%u people in this file are not enrolled yet, and your role may not enrol "
        "employees. Ask HR to enrol them, or take them out of the file.", n_new), n_new);
    }
  else if (self->import != NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "Ready to issue %u card. The employees not enrolled yet are enrolled when you start.",
      "Ready to issue %u cards. The employees not enrolled yet are enrolled when you start.",
      n), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "Ready to issue %u card. Put blank cards into the readers, then start.",
      "Ready to issue %u cards. Put blank cards into the readers, then start.", n), n);
  set_status (self, text);
}

/* Forgets the batch: rows, PINs, problems; whatever is under way is stopped,
 * and its answers will be dropped. */
static void
reset (CiBatchPage *self)
{

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->control, ci_batch_control_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_hash_table_remove_all (self->by_number);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->import, g_bytes_unref);
  ci_ui_list_box_clear (self->employee_list);
  show_problems (self, NULL);
  self->stopping = self->saving = FALSE;
  self->n_total = self->n_done = 0;
  set_status (self, "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), "");
  adw_action_row_set_subtitle (self->file_row, "");
  adw_action_row_set_subtitle (self->pins_row, "");
  gtk_widget_set_visible (GTK_WIDGET (self->pins_group), FALSE);
  set_state (self, CI_BATCH_PAGE_EMPTY);
}

/* ─── loading ───────────────────────────────────────────────────────────── */

/* A dialog's ticket goes with the dialog, answered or not. */
static void
free_ticket (gpointer  data,
             GClosure *closure)
{
  _ci_batch_ticket_free (data);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CiBatchTicket) t = user_data;
  CiBatchPage *self = t->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiBatchLoaded) loaded = ci_job_finish (result, &error);

  if (!_ci_batch_ticket_valid (t))
    return;
  g_clear_object (&self->cancellable);
  if (loaded == NULL)
    {
      set_status (self, error->message);
      set_state (self, CI_BATCH_PAGE_REVIEW);
      return;
    }
  self->rows = g_steal_pointer (&loaded->rows);
  self->import = g_steal_pointer (&loaded->import);
  for (guint i = 0; i < self->rows->len; i++)
    {
      CiBatchRow *row = self->rows->pdata[i];

      g_hash_table_insert (self->by_number, row->number, row);
      add_row_widget (self, row);
    }
  show_problems (self, loaded->problems);
  if (self->n_problems > 0)
    set_status (self, _("Correct the file and choose it again. Nothing was enrolled or issued."));
  else
    show_ready (self);
  set_state (self, CI_BATCH_PAGE_REVIEW);
}

/**
 * ci_batch_page_load_file:
 * @self: a #CiBatchPage
 * @file: a CSV file
 *
 * Forgets the current batch (its PINs too) and reads @file for review, on a
 * worker thread.
 */
void
ci_batch_page_load_file (CiBatchPage *self,
                         GFile       *file)
{
  CiApplication *app = get_app ();
  CiBatchLoadRequest *r;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;

  g_return_if_fail (CI_IS_BATCH_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (ci_application_get_operator (app) == NULL || self->state == CI_BATCH_PAGE_RUNNING
      || self->state == CI_BATCH_PAGE_IMPORTING)
    return;
  reset (self);
  name = g_file_get_basename (file);
  folder = g_file_get_parent (file);
  where = folder ? g_file_get_parse_name (folder) : NULL;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->file_row), name ? name : "");
  adw_action_row_set_subtitle (self->file_row, where ? where : "");
  set_status (self, _("Reading the file…"));
  r = g_new0 (CiBatchLoadRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->file = g_object_ref (file);
  self->cancellable = g_cancellable_new ();
  set_state (self, CI_BATCH_PAGE_LOADING);
  ci_job_run (NULL, _ci_batch_read_file, r, _ci_batch_load_request_free, _ci_batch_loaded_free,
              self->cancellable, load_done, _ci_batch_ticket_new (self));
}

static void
chooser_response (CiBatchPage *self,
                  int          response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    ci_batch_page_load_file (self, file);
}

static void
choose_file (CiBatchPage *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Choose the Employee File"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
discard_confirmed (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  CiBatchTicket *t = user_data;

  if (_ci_batch_ticket_valid (t) && g_strcmp0 (response, "discard") == 0)
    choose_file (t->self);
}

/* Unsaved PINs cannot be shown again: ask before another file replaces them. */
static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);
  guint n = _ci_batch_page_count_pins (self);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (n == 0)
    {
      choose_file (self);
      return;
    }
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
    "The PIN of %u new card was not saved as a PIN letter. It cannot be shown again: "
    "its holder would need a new PIN.",
    "The PINs of %u new cards were not saved as PIN letters. They cannot be shown again: "
    "their holders would need new PINs.",
    n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Discard the PINs?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "discard", _("_Discard PINs"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (discard_confirmed),
                         _ci_batch_ticket_new (self), free_ticket, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ─── issuing ───────────────────────────────────────────────────────────── */

static void
apply_result (CiBatchPage         *self,
              const CiBatchResult *result)
{
  CiBatchRow *row = g_hash_table_lookup (self->by_number, result->employee_number);

  if (row == NULL || row->state != CI_BATCH_ROW_QUEUED)
    return;
  row->state = result->error ? CI_BATCH_ROW_FAILED : CI_BATCH_ROW_ISSUED;
  row->serial = result->serial;
  g_free (row->detail);
  /* GLib's own words for a cancel say nothing to the desk. */
  if (g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    row->detail = g_strdup (_("the batch was stopped first"));
  else
    row->detail = g_strdup (result->error ? result->error->message : result->reader);
  if (result->pin != NULL)
    row->pin = g_strdup (result->pin);
  update_row (row);
}

/* In the main context, once per card, as the core relays it. */
static void
on_card (const CiBatchResult *result,
         guint                done,
         guint                total,
         gpointer             user_data)
{
  CiBatchTicket *t = user_data;
  CiBatchPage *self = t->self;

  if (!_ci_batch_ticket_valid (t))
    return;
  apply_result (self, result);
  self->n_done = done;
  /* A card done is the desk at work: the session does not lock mid-batch. */
  ci_application_note_input (get_app ());
  _ci_batch_page_update_view (self);
}

static void
show_done (CiBatchPage *self,
           gboolean     stopped)
{
  guint issued = count_rows (self, CI_BATCH_ROW_ISSUED);
  guint failed = count_rows (self, CI_BATCH_ROW_FAILED);
  g_autofree char *text = NULL;

  if (stopped)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "Stopped: %u of %u card issued. “Issue the Rest” tries the others again.",
      "Stopped: %u of %u cards issued. “Issue the Rest” tries the others again.",
      self->n_total), self->n_total - failed, self->n_total);
  else if (failed > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "Done: %u of %u card issued. Each employee without a card says why; "
      "“Issue the Rest” tries them again.",
      "Done: %u of %u cards issued. Each employee without a card says why; "
      "“Issue the Rest” tries them again.",
      self->n_total), self->n_total - failed, self->n_total);
  else if (_ci_batch_page_count_pins (self) > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
      "Done: %u card issued. Save the PIN letters before you sign out.",
      "Done: %u cards issued. Save the PIN letters before you sign out.", issued), issued);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Done: %u card issued.",
                                         "Done: %u cards issued.", issued), issued);
  set_status (self, text);
}

static void
batch_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiBatchTicket) t = user_data;
  CiBatchPage *self = t->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = ci_services_card_issue_batch_finish (CI_SERVICES (source), result,
                                                                      &error);

  ci_application_card_work_end (get_app ());
  gboolean stopped;

  if (!_ci_batch_ticket_valid (t))
    return;
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->control, ci_batch_control_unref);
  stopped = self->stopping;
  self->stopping = FALSE;
  /* The employees no reader reached get no progress call: their result is here. */
  for (guint i = 0; results && i < results->len; i++)
    apply_result (self, results->pdata[i]);
  for (guint i = 0; results == NULL && i < self->rows->len; i++)
    {
      CiBatchRow *row = self->rows->pdata[i];

      if (row->state == CI_BATCH_ROW_QUEUED)
        {
          row->state = CI_BATCH_ROW_FAILED;
          g_free (row->detail);
          row->detail = g_strdup (error->message);
          update_row (row);
        }
    }
  set_state (self, CI_BATCH_PAGE_DONE);
  if (results == NULL)
    set_status (self, error->message);
  else
    show_done (self, stopped);
  keep_focus (self, _ci_batch_page_count_pins (self) ? GTK_WIDGET (self->pins_button)
                                      : GTK_WIDGET (self->employee_list));
}

/* The readers seen now; %NULL (and says so) if there is none. */
static GStrv
dup_readers (CiBatchPage *self)
{
  CiReaderMonitor *monitor = ci_application_get_reader_monitor (get_app ());
  g_auto(GStrv) readers = monitor ? ci_reader_monitor_dup_readers (monitor) : NULL;

  if (readers != NULL && readers[0] != NULL)
    return g_steal_pointer (&readers);
  set_status (self, _("No card reader is connected. Connect one, then start again."));
  return NULL;
}

static void
run_batch (CiBatchPage *self)
{
  CiApplication *app = get_app ();
  g_auto(GStrv) readers = dup_readers (self);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) numbers = NULL;
  g_autofree char *text = NULL;
  CiBatchOptions options = { 0 };

  if (readers == NULL)
    return;
  self->n_total = self->n_done = 0;
  for (guint i = 0; i < self->rows->len; i++)
    {
      CiBatchRow *row = self->rows->pdata[i];

      if (row->state == CI_BATCH_ROW_ISSUED)
        continue;
      row->state = CI_BATCH_ROW_QUEUED;
      update_row (row);
      g_strv_builder_add (builder, row->number);
      self->n_total++;
    }
  numbers = g_strv_builder_end (builder);
  self->control = ci_batch_control_new ();
  self->cancellable = g_cancellable_new ();
  options.readers = (const char * const *) readers;
  options.card_timeout_ms = CARD_TIMEOUT_MS;
  options.progress = on_card;
  options.progress_data = _ci_batch_ticket_new (self);
  options.control = self->control;
  ci_application_card_work_begin (app);
  ci_services_card_issue_batch_async (ci_application_get_services (app),
                                      ci_application_get_operator (app),
                                      (const char * const *) numbers, &options, self->cancellable,
                                      batch_done, options.progress_data);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
    "Issuing over %u reader. Keep blank cards coming; take each card out when it is done.",
    "Issuing over %u readers. Keep blank cards coming; take each card out when it is done.",
    g_strv_length (readers)), g_strv_length (readers));
  set_status (self, text);
  set_state (self, CI_BATCH_PAGE_RUNNING);
  keep_focus (self, GTK_WIDGET (self->pause_button));
}

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  GBytes     *data;
} ImportRequest;

typedef struct
{
  GPtrArray *problems;
  GError    *error;
} Imported;

static void
import_request_free (gpointer data)
{
  ImportRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_clear_pointer (&r->data, g_bytes_unref);
  g_free (r);
}

static void
imported_free (gpointer data)
{
  Imported *imported = data;

  g_clear_pointer (&imported->problems, g_ptr_array_unref);
  g_clear_error (&imported->error);
  g_free (imported);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Imported, imported_free)

static gpointer
import_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ImportRequest *r = data;
  Imported *imported = g_new0 (Imported, 1);
  gsize len;
  const char *bytes = g_bytes_get_data (r->data, &len);

  ci_services_employee_import (r->services, r->actor, bytes, len, NULL, &imported->problems,
                               &imported->error);
  return imported;
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiBatchTicket) t = user_data;
  CiBatchPage *self = t->self;
  g_autoptr(Imported) imported = ci_job_finish (result, NULL);

  if (!_ci_batch_ticket_valid (t))
    return;
  g_clear_object (&self->cancellable);
  if (imported->error != NULL)
    {
      show_problems (self, imported->problems);
      set_status (self, imported->error->message);
      set_state (self, CI_BATCH_PAGE_REVIEW);
      return;
    }
  g_clear_pointer (&self->import, g_bytes_unref);
  for (guint i = 0; i < self->rows->len; i++)
    {
      CiBatchRow *row = self->rows->pdata[i];

      if (row->state == CI_BATCH_ROW_NEW)
        {
          row->state = CI_BATCH_ROW_ENROLLED;
          update_row (row);
        }
    }
  set_state (self, CI_BATCH_PAGE_REVIEW);
  run_batch (self);
}

/* New employees first, all or none, with the core's import; then the cards. */
static void
keys_unlocked (gboolean unlocked,
               gpointer user_data)
{
  g_autoptr(CiBatchTicket) t = user_data;
  CiBatchPage *self = t->self;
  CiApplication *app = get_app ();
  ImportRequest *r;

  if (!unlocked || !_ci_batch_ticket_valid (t) || ci_application_get_operator (app) == NULL)
    return;
  if (self->import == NULL)
    {
      run_batch (self);
      return;
    }
  r = g_new0 (ImportRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->data = g_bytes_ref (self->import);
  self->cancellable = g_cancellable_new ();
  set_status (self, _("Enrolling the employees not enrolled yet…"));
  set_state (self, CI_BATCH_PAGE_IMPORTING);
  ci_job_run (NULL, import_thread, r, import_request_free, imported_free, NULL, import_done,
              _ci_batch_ticket_new (self));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);
  CiOperator *op = ci_application_get_operator (get_app ());
  g_auto(GStrv) readers = dup_readers (self);

  if (op == NULL || readers == NULL)
    return;
  ci_unlock_dialog_ensure (GTK_WINDOW (gtk_widget_get_root (widget)), op, keys_unlocked,
                           _ci_batch_ticket_new (self));
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);

  if (self->control == NULL)
    return;
  ci_batch_control_pause (self->control);
  set_status (self, _("Paused. The cards being written are finished; "
                      "no other card starts until you resume."));
  _ci_batch_page_update_view (self);
  keep_focus (self, GTK_WIDGET (self->resume_button));
}

static void
resume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);

  if (self->control == NULL)
    return;
  ci_batch_control_resume (self->control);
  set_status (self, _("Issuing again. Keep blank cards coming."));
  _ci_batch_page_update_view (self);
  keep_focus (self, GTK_WIDGET (self->pause_button));
}

static void
cancel_confirmed (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  CiBatchTicket *t = user_data;
  CiBatchPage *self = t->self;

  if (!_ci_batch_ticket_valid (t) || g_strcmp0 (response, "stop") != 0 || self->cancellable == NULL)
    return;
  self->stopping = TRUE;
  g_cancellable_cancel (self->cancellable);
  set_status (self, _("Stopping…"));
  _ci_batch_page_update_view (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (gtk_widget_get_root (widget)), _("Stop the Batch?"),
    _("A card being written is cut off: issuing it again later finishes it. "
      "The employees not reached yet get no card now.")));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Issuing"),
                                    "stop", _("_Stop Batch"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_data (dialog, "response", G_CALLBACK (cancel_confirmed),
                         _ci_batch_ticket_new (self), free_ticket, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

/* Nothing of the last operator's batch stays for the next one, PINs least. */
static void
operator_changed (CiBatchPage *self)
{
  reset (self);
}

static void
ci_batch_page_dispose (GObject *object)
{
  CiBatchPage *self = CI_BATCH_PAGE (object);

  if (self->by_number != NULL)
    reset (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_BATCH_PAGE);
  g_clear_pointer (&self->by_number, g_hash_table_unref);
  G_OBJECT_CLASS (ci_batch_page_parent_class)->dispose (object);
}

static void
ci_batch_page_class_init (CiBatchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_batch_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-batch-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, file_row);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, problems_label);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, buttons);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, resume_button);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, pins_group);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, pins_row);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, pins_button);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, list_group);
  gtk_widget_class_bind_template_child (widget_class, CiBatchPage, employee_list);
  gtk_widget_class_install_action (widget_class, "batch.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "batch.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "batch.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "batch.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "batch.save-pins", NULL,
                                   _ci_batch_page_save_pins_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "batch.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "batch.start", NULL);
}

static void
ci_batch_page_init (CiBatchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->by_number = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect_object (get_app (), "notify::operator", G_CALLBACK (operator_changed), self,
                           G_CONNECT_SWAPPED);
  reset (self);
}

CiBatchPageState
ci_batch_page_get_state (CiBatchPage *self)
{
  g_return_val_if_fail (CI_IS_BATCH_PAGE (self), CI_BATCH_PAGE_EMPTY);

  return self->state;
}

gboolean
ci_batch_page_get_paused (CiBatchPage *self)
{
  g_return_val_if_fail (CI_IS_BATCH_PAGE (self), FALSE);

  return self->control != NULL && ci_batch_control_is_paused (self->control);
}

/**
 * ci_batch_page_get_n_done:
 * @self: a #CiBatchPage
 *
 * Returns: how many cards of the batch under way (or the last) have a result
 */
guint
ci_batch_page_get_n_done (CiBatchPage *self)
{
  g_return_val_if_fail (CI_IS_BATCH_PAGE (self), 0);

  return self->n_done;
}

guint
ci_batch_page_get_n_issued (CiBatchPage *self)
{
  g_return_val_if_fail (CI_IS_BATCH_PAGE (self), 0);

  return count_rows (self, CI_BATCH_ROW_ISSUED);
}

/**
 * ci_batch_page_get_n_pins:
 * @self: a #CiBatchPage
 *
 * Returns: how many generated PINs the page holds, not yet saved as letters
 */
guint
ci_batch_page_get_n_pins (CiBatchPage *self)
{
  g_return_val_if_fail (CI_IS_BATCH_PAGE (self), 0);

  return _ci_batch_page_count_pins (self);
}
