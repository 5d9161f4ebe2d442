/* ci-window.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-access-page.h"
#include "ci-audit-page.h"
#include "ci-batch-page.h"
#include "ci-employees-page.h"
#include "ci-front-desk-page.h"
#include "ci-issue-page.h"
#include "ci-preferences-window.h"
#include "ci-setup-page.h"
#include "ci-sign-in-page.h"
#include "ci-window.h"

/* One window per desk. Its stack follows the application's phase: opening,
 * first run, sign-in, work. The work pages appear only for roles that may use
 * them; the core refuses the rest anyway. */

struct _CiWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  AdwStatusPage        *failed_page;
  CiSetupPage          *setup_page;
  CiSignInPage         *sign_in_page;
  AdwViewStack         *view_stack;
  GtkLabel             *operator_label;
  CiEmployeesPage      *employees_page;
  CiIssuePage          *issue_page;
  CiFrontDeskPage      *front_desk_page;
  CiAccessPage         *access_page;
  CiBatchPage          *batch_page;
  CiAuditPage          *audit_page;
};

G_DEFINE_FINAL_TYPE (CiWindow, ci_window, ADW_TYPE_APPLICATION_WINDOW)

static CiApplication *
get_app (CiWindow *self)
{
  return CI_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
show_role_pages (CiWindow *self)
{
  CiApplication *app = get_app (self);
  struct { GtkWidget *page; CiAction action; } pages[] = {
    { GTK_WIDGET (self->employees_page), CI_ACTION_EMPLOYEE_VIEW },
    { GTK_WIDGET (self->issue_page), CI_ACTION_CARD_ISSUE },
    { GTK_WIDGET (self->front_desk_page), CI_ACTION_CARD_BLOCK },
    { GTK_WIDGET (self->access_page), CI_ACTION_ZONE_VIEW },
    { GTK_WIDGET (self->batch_page), CI_ACTION_CARD_ISSUE },
    { GTK_WIDGET (self->audit_page), CI_ACTION_AUDIT_READ },
  };
  const char *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, pages[i].page);
      gboolean may = ci_application_may (app, pages[i].action);

      adw_view_stack_page_set_visible (page, may);
      if (may && first == NULL)
        first = adw_view_stack_page_get_name (page);
    }
  if (first != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, first);
}

static void
update_operator (CiWindow *self)
{
  CiOperator *op = ci_application_get_operator (get_app (self));
  g_autofree char *roles = NULL;
  g_autofree char *text = NULL;

  if (op == NULL)
    {
      gtk_label_set_text (self->operator_label, "");
      return;
    }
  roles = ci_roles_to_string (ci_operator_get_roles (op));
  /* Translators: the operator signed in, and their roles, in the header bar */
  text = g_strdup_printf (_("%s · %s"), ci_operator_get_display_name (op), roles);
  gtk_label_set_text (self->operator_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->operator_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static gboolean
belongs_to (GtkWindow *window,
            GtkWindow *owner)
{
  for (GtkWindow *w = gtk_window_get_transient_for (window); w; w = gtk_window_get_transient_for (w))
    if (w == owner)
      return TRUE;
  return FALSE;
}

/* At the lock every dialog and window opened from this one goes: nothing of
 * the last operator's (a PIN, a name, a form) stays on the screen. */
static void
close_secondary_windows (CiWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (belongs_to (w, GTK_WINDOW (self)))
        g_ptr_array_add (doomed, g_steal_pointer (&w));
    }
  for (guint i = 0; i < doomed->len; i++)
    gtk_window_destroy (doomed->pdata[i]);
}

/* The keys go into the page shown: its own shortcuts (Ctrl+N, Ctrl+Enter)
 * work only with the focus inside it. A page the focus was in hands it on
 * by itself; this is for when nothing has it (after the sign-in, whose
 * fields gave it up while the password was checked). */
static void
focus_page (CiWindow *self)
{
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (page == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "work") != 0
      || gtk_root_get_focus (GTK_ROOT (self)) != NULL)
    return;
  gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

static void
phase_changed (CiWindow *self)
{
  CiApplication *app = get_app (self);
  const GError *error;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.preferences",
                                 ci_application_may (app, CI_ACTION_ADMIN)
                                 || ci_application_get_phase (app) == CI_PHASE_FAILED);
  switch (ci_application_get_phase (app))
    {
    case CI_PHASE_OPENING:
      gtk_stack_set_visible_child_name (self->stack, "opening");
      break;
    case CI_PHASE_FAILED:
      error = ci_application_get_open_error (app);
      adw_status_page_set_description (self->failed_page, error ? error->message : NULL);
      gtk_stack_set_visible_child_name (self->stack, "failed");
      break;
    case CI_PHASE_SETUP:
      gtk_stack_set_visible_child_name (self->stack, "setup");
      break;
    case CI_PHASE_SIGNED_OUT:
      /* Nothing the last operator saw stays behind the sign-in page. */
      close_secondary_windows (self);
      ci_employees_page_reload (self->employees_page);
      ci_issue_page_reset (self->issue_page);
      /* The page takes the focus once shown: given to it while hidden, the
       * stack's switch would move it on to the next field. */
      gtk_stack_set_visible_child_name (self->stack, "sign-in");
      ci_sign_in_page_reset (self->sign_in_page);
      break;
    case CI_PHASE_SIGNED_IN:
      show_role_pages (self);
      ci_employees_page_reload (self->employees_page);
      gtk_stack_set_visible_child_name (self->stack, "work");
      focus_page (self);
      break;
    }
}

/* ─── actions ───────────────────────────────────────────────────────────── */

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiWindow *self = CI_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWidget *child = adw_view_stack_get_child_by_name (self->view_stack, name);

  if (child != NULL && adw_view_stack_page_get_visible (adw_view_stack_get_page (self->view_stack,
                                                                                 child)))
    adw_view_stack_set_visible_child (self->view_stack, child);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiWindow *self = CI_WINDOW (widget);

  if (ci_application_get_phase (get_app (self)) != CI_PHASE_SIGNED_IN)
    return;
  adw_view_stack_set_visible_child (self->view_stack, GTK_WIDGET (self->employees_page));
  ci_employees_page_focus_search (self->employees_page);
}

static void
issue_for_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CiWindow *self = CI_WINDOW (widget);

  if (!ci_application_may (get_app (self), CI_ACTION_CARD_ISSUE))
    return;
  ci_issue_page_set_employee (self->issue_page, g_variant_get_string (parameter, NULL));
  adw_view_stack_set_visible_child (self->view_stack, GTK_WIDGET (self->issue_page));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CiWindow *self = CI_WINDOW (widget);
  CiApplication *app = get_app (self);
  CiPreferencesWindow *prefs;

  /* The desk's settings: the database, the desk's name in the audit log, the
   * idle lock. An administrator's, or anyone's when the database cannot be
   * opened (to point the desk at the right one). */
  if (!ci_application_may (app, CI_ACTION_ADMIN) && ci_application_get_phase (app) != CI_PHASE_FAILED)
    return;
  prefs = ci_preferences_window_new (app);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (prefs));
}

/* ─── window ────────────────────────────────────────────────────────────── */

static gboolean
ci_window_close_request (GtkWindow *window)
{
  CiWindow *self = CI_WINDOW (window);
  GSettings *settings = ci_application_get_settings (get_app (self));
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  /* Closed while a card is being written: it stays until the card is done. */
  if (!ci_application_quit_when_done (get_app (self)))
    return TRUE;
  return GTK_WINDOW_CLASS (ci_window_parent_class)->close_request (window);
}

/* After construction: "application" is not a construct property. */
static void
attach (CiWindow      *self,
        CiApplication *app)
{
  GSettings *settings = ci_application_get_settings (app);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (app, "notify::phase", G_CALLBACK (phase_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::operator", G_CALLBACK (update_operator), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (focus_page),
                           self, G_CONNECT_SWAPPED);
  phase_changed (self);
}

static void
ci_window_class_init (CiWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  window_class->close_request = ci_window_close_request;

  g_type_ensure (CI_TYPE_SETUP_PAGE);
  g_type_ensure (CI_TYPE_SIGN_IN_PAGE);
  g_type_ensure (CI_TYPE_EMPLOYEES_PAGE);
  g_type_ensure (CI_TYPE_ISSUE_PAGE);
  g_type_ensure (CI_TYPE_FRONT_DESK_PAGE);
  g_type_ensure (CI_TYPE_ACCESS_PAGE);
  g_type_ensure (CI_TYPE_BATCH_PAGE);
  g_type_ensure (CI_TYPE_AUDIT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CiWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, setup_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, operator_label);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, employees_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, issue_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, front_desk_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, access_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, batch_page);
  gtk_widget_class_bind_template_child (widget_class, CiWindow, audit_page);

  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.issue-for", "s", issue_for_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
}

static void
ci_window_init (CiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CiWindow *
ci_window_new (CiApplication *app)
{
  CiWindow *self = g_object_new (CI_TYPE_WINDOW, "application", app, NULL);

  attach (self, app);
  return self;
}

/**
 * ci_window_get_visible_page:
 * @self: a #CiWindow
 *
 * Returns: the name of what the window shows: "opening", "failed", "setup",
 *   "sign-in", or the work page ("employees", "issue", …)
 */
const char *
ci_window_get_visible_page (CiWindow *self)
{
  const char *name;

  g_return_val_if_fail (CI_IS_WINDOW (self), NULL);

  name = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (name, "work") == 0)
    return adw_view_stack_get_visible_child_name (self->view_stack);
  return name;
}

void
ci_window_show_toast (CiWindow   *self,
                      const char *message)
{
  g_return_if_fail (CI_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}
