/* ci-sign-in-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-job.h"
#include "ci-sign-in-page.h"

/* The password is checked on a worker thread (hashing takes a moment) and
 * wiped from memory as soon as the core has it. */

struct _CiSignInPage
{
  AdwBin        parent_instance;

  AdwStatusPage *status;
  AdwEntryRow  *login_row;
  AdwEntryRow  *password_row;
  GtkLabel     *error_label;
  GtkSpinner   *spinner;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (CiSignInPage, ci_sign_in_page, ADW_TYPE_BIN)

typedef struct
{
  CiServices *services;
  char       *login;
  char       *password;
} Attempt;

typedef struct
{
  CiOperator *op;
  CiScope     scopes[CI_N_ACTIONS];
} SignedIn;

static void
attempt_free (gpointer data)
{
  Attempt *a = data;

  g_clear_object (&a->services);
  g_free (a->login);
  if (a->password != NULL)
    explicit_bzero (a->password, strlen (a->password));
  g_free (a->password);
  g_free (a);
}

static void
signed_in_free (gpointer data)
{
  SignedIn *s = data;

  g_clear_object (&s->op);
  g_free (s);
}

static gpointer
sign_in_thread (gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  Attempt *a = data;
  SignedIn *s = g_new0 (SignedIn, 1);

  s->op = ci_services_authenticate (a->services, a->login, a->password, error);
  if (s->op == NULL || !ci_services_operator_scopes (a->services, s->op, s->scopes, error))
    {
      signed_in_free (s);
      return NULL;
    }
  return s;
}

static void
set_busy (CiSignInPage *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in", !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
}

static void
show_error (CiSignInPage *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
}

static void
sign_in_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CiSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SignedIn *s = ci_job_finish (result, &error);
  CiApplication *app = CI_APPLICATION (g_application_get_default ());

  set_busy (self, FALSE);
  if (s == NULL)
    {
      show_error (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  ci_application_sign_in (app, s->op, s->scopes);
  signed_in_free (s);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CiSignInPage *self = CI_SIGN_IN_PAGE (widget);
  CiApplication *app = CI_APPLICATION (g_application_get_default ());
  const char *login = gtk_editable_get_text (GTK_EDITABLE (self->login_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  Attempt *a;

  if (self->busy || ci_application_get_services (app) == NULL)
    return;
  if (login[0] == '\0')
    {
      show_error (self, _("Enter your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->login_row));
      return;
    }
  a = g_new0 (Attempt, 1);
  a->services = g_object_ref (ci_application_get_services (app));
  a->login = g_strdup (login);
  a->password = g_strdup (password);
  set_busy (self, TRUE);
  ci_job_run (NULL, sign_in_thread, a, attempt_free, signed_in_free, NULL, sign_in_done,
              g_object_ref (self));
}

static void
login_activated (CiSignInPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
password_activated (CiSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.sign-in", NULL);
}

static void
ci_sign_in_page_class_init (CiSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiSignInPage, status);
  gtk_widget_class_bind_template_child (widget_class, CiSignInPage, login_row);
  gtk_widget_class_bind_template_child (widget_class, CiSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CiSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CiSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, login_activated);
  gtk_widget_class_bind_template_callback (widget_class, password_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);
}

static void
ci_sign_in_page_init (CiSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ci_sign_in_page_reset:
 * @self: a #CiSignInPage
 *
 * Clears the password and offers the last operator's user name.
 */
void
ci_sign_in_page_reset (CiSignInPage *self)
{
  CiApplication *app = CI_APPLICATION (g_application_get_default ());
  g_autofree char *last = NULL;

  g_return_if_fail (CI_IS_SIGN_IN_PAGE (self));

  adw_status_page_set_description (self->status, ci_application_get_sign_in_notice (app));
  last = g_settings_get_string (ci_application_get_settings (app), "last-operator");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (gtk_editable_get_text (GTK_EDITABLE (self->login_row))[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->login_row), last);
  gtk_widget_grab_focus (last[0] ? GTK_WIDGET (self->password_row)
                                 : GTK_WIDGET (self->login_row));
}
