/* ci-issue-steps.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-issue-steps.h"

/* The card pipeline's five steps (check, initialise, personalise, lock,
 * verify), each lit up as the core reports it, with its time: every page that
 * writes a card shows this list. */

struct _CiIssueSteps
{
  AdwBin     parent_instance;

  GtkImage  *icons[CI_ISSUE_N_STEPS];
  GtkLabel  *times[CI_ISSUE_N_STEPS];
};

G_DEFINE_FINAL_TYPE (CiIssueSteps, ci_issue_steps, ADW_TYPE_BIN)

static void
set_step (CiIssueSteps *self,
          guint         step,
          const char   *icon,
          const char   *time)
{
  if (step >= CI_ISSUE_N_STEPS)
    return;
  gtk_image_set_from_icon_name (self->icons[step], icon);
  gtk_label_set_text (self->times[step], time ? time : "");
}

/**
 * ci_issue_steps_reset:
 * @self: a #CiIssueSteps
 *
 * Shows every step as not run.
 */
void
ci_issue_steps_reset (CiIssueSteps *self)
{
  g_return_if_fail (CI_IS_ISSUE_STEPS (self));

  for (guint i = 0; i < CI_ISSUE_N_STEPS; i++)
    set_step (self, i, "radio-symbolic", NULL);
}

/**
 * ci_issue_steps_start:
 * @self: a #CiIssueSteps
 *
 * Shows the first step running.
 */
void
ci_issue_steps_start (CiIssueSteps *self)
{
  g_return_if_fail (CI_IS_ISSUE_STEPS (self));

  ci_issue_steps_reset (self);
  set_step (self, CI_ISSUE_STEP_CHECK, "content-loading-symbolic", NULL);
}

/**
 * ci_issue_steps_report:
 * @self: a #CiIssueSteps
 * @step: the step that ended
 * @skipped: it was done already (a half-written card)
 * @duration_us: how long it took
 * @error: (nullable): why it failed
 *
 * Marks @step done or failed, with its time, and the next one running.
 */
void
ci_issue_steps_report (CiIssueSteps *self,
                       CiIssueStep   step,
                       gboolean      skipped,
                       gint64        duration_us,
                       const GError *error)
{
  g_autofree char *time = NULL;

  g_return_if_fail (CI_IS_ISSUE_STEPS (self));

  if (skipped)
    time = g_strdup (_("done before"));
  else
    /* Translators: how long a step took, in milliseconds */
    time = g_strdup_printf (_("%.0f ms"), duration_us / 1000.0);
  set_step (self, step, error ? "dialog-error-symbolic" : "emblem-ok-symbolic", time);
  if (error == NULL)
    set_step (self, step + 1, "content-loading-symbolic", NULL);
}

static GtkWidget *
step_row (CiIssueSteps *self,
          guint         step,
          const char   *title,
          const char   *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "radio-symbolic",
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  GtkWidget *time = gtk_label_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (time, "dim-label");
  gtk_widget_add_css_class (time, "numeric");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), time);
  self->icons[step] = GTK_IMAGE (icon);
  self->times[step] = GTK_LABEL (time);
  return row;
}

static void
ci_issue_steps_class_init (CiIssueStepsClass *klass)
{
}

static void
ci_issue_steps_init (CiIssueSteps *self)
{
  static const struct { const char *title; const char *subtitle; } steps[] = {
    { N_("Check"), N_("The card is blank or one of ours, half-written") },
    { N_("Initialise"), N_("Files, PIN, keys and the card’s own key pair") },
    { N_("Personalise"), N_("Identity, zones and the issuer signature") },
    { N_("Lock"), N_("The card is activated; transport access is gone") },
    { N_("Verify"), N_("Everything is read back and checked") },
  };
  GtkWidget *list = gtk_list_box_new ();

  G_STATIC_ASSERT (G_N_ELEMENTS (steps) == CI_ISSUE_N_STEPS);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Steps of writing the card"), -1);
  for (guint i = 0; i < CI_ISSUE_N_STEPS; i++)
    gtk_list_box_append (GTK_LIST_BOX (list),
                         step_row (self, i, _(steps[i].title), _(steps[i].subtitle)));
  adw_bin_set_child (ADW_BIN (self), list);
}
