/* ci-front-desk-page-replace.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-front-desk-page-private.h"
#include "ci-pin-dialog.h"
#include "ci-unlock-dialog.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-async.h"

/* The replacement for a blocked card: the reader, the holder's PIN, and the
 * core's pipeline step by step, as on the issue page. The core writes the
 * holder's zones, the same as on the card it replaces, and checks that the
 * old card is blocked and that the operator may reissue. */

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static char *
selected_reader (CiFrontDeskPage *self)
{
  return ci_reader_chooser_dup_reader (self->reader_chooser);
}

void
_ci_front_desk_page_update_actions (CiFrontDeskPage *self)
{
  g_autofree char *reader = selected_reader (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "front-desk.report", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "front-desk.replace",
                                 !self->busy && self->replaces != 0 && reader != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "front-desk.cancel", self->busy);
}

void
_ci_front_desk_page_show_replacement (CiFrontDeskPage *self)
{
  g_autofree char *printed = ci_card_format_serial (self->replaces);
  /* Translators: %s is the serial of the blocked card being replaced */
  g_autofree char *title = g_strdup_printf (_("Replacement for Card %s"), printed);
  gboolean offered = self->replaces != 0
                     && ci_application_may (get_app (), CI_ACTION_CARD_REISSUE);

  adw_preferences_group_set_title (self->replace_group, title);
  adw_preferences_group_set_description (self->replace_group,
    _("The new card carries the same zones as the blocked one. Put a blank card in the "
      "reader."));
  /* A replacement being written stays on screen until it is done. */
  gtk_widget_set_visible (self->replace_box, offered || self->busy);
  _ci_front_desk_page_update_actions (self);
}

static void
reader_changed (CiFrontDeskPage *self)
{
  _ci_front_desk_page_update_actions (self);
}

/* ─── steps ─────────────────────────────────────────────────────────────── */

void
_ci_front_desk_page_reset_steps (CiFrontDeskPage *self)
{
  ci_issue_steps_reset (self->steps);
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
  ci_issue_steps_report (CI_FRONT_DESK_PAGE (user_data)->steps, step, skipped, duration_us,
                         error);
}

/* ─── the replacement ───────────────────────────────────────────────────── */

typedef struct
{
  CiFrontDeskPage *self;
  CiOperator      *actor;    /* a generated PIN is shown only while they are signed in */
  char            *number;
  char            *holder;
  char            *reader;
  char            *pin;
  gint64           replaces;
  char            *template_name;
} Replace;

static void
replace_free (Replace *replace)
{
  g_clear_object (&replace->self);
  g_clear_object (&replace->actor);
  if (replace->pin != NULL)
    explicit_bzero (replace->pin, strlen (replace->pin));
  g_free (replace->pin);
  g_free (replace->number);
  g_free (replace->holder);
  g_free (replace->reader);
  g_free (replace->template_name);
  g_free (replace);
}

static void
set_busy (CiFrontDeskPage *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->find_pane, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reader_chooser), !busy);
  _ci_front_desk_page_update_actions (self);
}

static void
replace_succeeded (CiFrontDeskPage *self,
                   Replace         *replace,
                   CiIssueResult   *issued)
{
  g_autofree char *serial = ci_card_format_serial (issued->serial);
  g_autofree char *old = ci_card_format_serial (replace->replaces);
  g_autofree char *text = NULL;

  self->issued = issued->serial;
  if (!ci_application_is_signed_in (get_app (), replace->actor))
    return;
  /* Translators: the new card's serial, the old card's serial, the holder's name */
  text = g_strdup_printf (_("Card %s replaces card %s for %s: written, locked and verified. "
                            "Hand it over."), serial, old, replace->holder);
  _ci_front_desk_page_show_message (self, text, TRUE);
  if (issued->pin != NULL)
    ci_pin_dialog_show_once (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                             replace->holder, issued->pin);
}

static void
replace_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Replace *replace = user_data;
  CiFrontDeskPage *self = replace->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiIssueResult) issued = ci_services_card_issue_finish (CI_SERVICES (source), result,
                                                                  &error);

  ci_application_card_work_end (get_app ());
  g_clear_object (&self->issue_cancellable);
  set_busy (self, FALSE);
  if (issued != NULL)
    replace_succeeded (self, replace, issued);
  else if (ci_application_is_signed_in (get_app (), replace->actor))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the core's explanation, written for the desk */
      text = g_strdup_printf (_("The replacement was not issued. %s"), error->message);
      _ci_front_desk_page_show_message (self, text, FALSE);
    }
  if (ci_application_is_signed_in (get_app (), replace->actor)
      && g_strcmp0 (self->number, replace->number) == 0)
    _ci_front_desk_page_load_detail (self, self->number, 0);
  else
    _ci_front_desk_page_show_replacement (self);
  replace_free (replace);
}

static void
run_replace (Replace *replace)
{
  CiFrontDeskPage *self = replace->self;
  CiIssueOptions options = {
    .reader = replace->reader,
    .replaces = replace->replaces,
    .pin = replace->pin,
    .face_template_name = replace->template_name,
    .progress = step_progress,
    .progress_data = self,
  };

  ci_issue_steps_start (self->steps);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  self->issue_cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  ci_application_card_work_begin (get_app ());
  ci_services_card_issue_async (ci_application_get_services (get_app ()), replace->actor,
                                replace->number, &options, self->issue_cancellable,
                                replace_done, replace);
}

static void
pin_chosen (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Replace *replace = user_data;
  g_autoptr(GError) error = NULL;
  gboolean generate = FALSE;

  replace->pin = ci_pin_dialog_choose_finish (result, &generate, &error);
  /* Cancelled, or the session ended while the dialog was open. */
  if ((replace->pin == NULL && !generate) || replace->self->busy
      || !ci_application_is_signed_in (get_app (), replace->actor))
    {
      replace_free (replace);
      return;
    }
  run_replace (replace);
}

/* The keys are unlocked: the holder's PIN next. */
static void
keys_unlocked (gboolean unlocked,
               gpointer user_data)
{
  Replace *replace = user_data;

  if (!unlocked || replace->self->busy
      || !ci_application_is_signed_in (get_app (), replace->actor))
    {
      replace_free (replace);
      return;
    }
  ci_pin_dialog_choose (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (replace->self))), NULL,
                        pin_chosen, replace);
}

/* The template the replacement will be printed with: the core refuses a card
 * whose face would miss something, and opens it in its worker. */
static char *
template_name (GError **error)
{
  g_autofree char *name = g_settings_get_string (ci_application_get_settings (get_app ()),
                                                 "card-template");
  g_auto(GStrv) names = ci_face_template_list ();

  if (names == NULL || names[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("No card template is installed."));
      return NULL;
    }
  if (!g_strv_contains ((const char * const *) names, name))
    {
      g_free (name);
      name = g_strdup (names[0]);
    }
  return g_steal_pointer (&name);
}

static void
replace_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CiFrontDeskPage *self = CI_FRONT_DESK_PAGE (widget);
  CiOperator *op = ci_application_get_operator (get_app ());
  g_autoptr(GError) error = NULL;
  Replace *replace;

  if (self->busy || self->replaces == 0 || self->number == NULL || op == NULL)
    return;
  replace = g_new0 (Replace, 1);
  replace->self = g_object_ref (self);
  replace->actor = g_object_ref (op);
  replace->number = g_strdup (self->number);
  replace->holder = g_strdup (self->holder_name ? self->holder_name : self->number);
  replace->replaces = self->replaces;
  if (!(replace->reader = selected_reader (self)))
    {
      _ci_front_desk_page_show_message (self, _("No card reader is connected."), FALSE);
      replace_free (replace);
      return;
    }
  if (!(replace->template_name = template_name (&error)))
    {
      _ci_front_desk_page_show_message (self, error->message, FALSE);
      replace_free (replace);
      return;
    }
  ci_unlock_dialog_ensure (GTK_WINDOW (gtk_widget_get_root (widget)), replace->actor,
                           keys_unlocked, replace);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiFrontDeskPage *self = CI_FRONT_DESK_PAGE (widget);

  if (self->issue_cancellable != NULL)
    g_cancellable_cancel (self->issue_cancellable);
}

void
_ci_front_desk_page_class_init_replace (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, replace_box);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, replace_group);
  g_type_ensure (CI_TYPE_READER_CHOOSER);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, reader_chooser);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, replace_button);
  g_type_ensure (CI_TYPE_ISSUE_STEPS);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, steps);
  gtk_widget_class_bind_template_callback (widget_class, reader_changed);
  gtk_widget_class_install_action (widget_class, "front-desk.replace", NULL, replace_action);
  gtk_widget_class_install_action (widget_class, "front-desk.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "front-desk.replace", NULL);
}

void
_ci_front_desk_page_init_replace (CiFrontDeskPage *self)
{
  _ci_front_desk_page_reset_steps (self);
}
