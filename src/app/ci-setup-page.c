/* ci-setup-page.c
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
#include "ci-setup-page.h"
#include "keys/ci-key-store.h"

/* First run: the first administrator and the key store, created by one core
 * call on a worker thread (key generation and the passphrase KDF take a while). */

struct _CiSetupPage
{
  AdwBin        parent_instance;

  AdwEntryRow  *login_row;
  AdwEntryRow  *name_row;
  AdwEntryRow  *password_row;
  AdwEntryRow  *password2_row;
  AdwEntryRow  *passphrase_row;
  AdwEntryRow  *passphrase2_row;
  GtkLabel     *hint_label;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (CiSetupPage, ci_setup_page, ADW_TYPE_BIN)

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Says what is still missing, in the order of the form; NULL when complete. */
static char *
missing (CiSetupPage *self)
{
  if (text_of (self->login_row)[0] == '\0')
    return g_strdup (_("Choose the administrator’s user name."));
  if (g_utf8_strlen (text_of (self->password_row), -1) < CI_PASSWORD_MIN_CHARS)
    return g_strdup_printf (_("The password needs at least %d characters."),
                            CI_PASSWORD_MIN_CHARS);
  if (strcmp (text_of (self->password_row), text_of (self->password2_row)) != 0)
    return g_strdup (_("The two passwords differ."));
  if (g_utf8_strlen (text_of (self->passphrase_row), -1) < CI_PASSPHRASE_MIN_CHARS)
    return g_strdup_printf (_("The key store passphrase needs at least %d characters."),
                            CI_PASSPHRASE_MIN_CHARS);
  if (strcmp (text_of (self->passphrase_row), text_of (self->passphrase2_row)) != 0)
    return g_strdup (_("The two passphrases differ."));
  return NULL;
}

static void
validate (CiSetupPage *self)
{
  g_autofree char *problem = missing (self);

  gtk_label_set_text (self->hint_label, problem ? problem : _("Ready."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.create", problem == NULL && !self->busy);
}

typedef struct
{
  CiServices *services;
  char       *keystore;
  char       *login;
  char       *name;
  char       *password;
  char       *passphrase;
} Setup;

static void
wipe (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
setup_free (gpointer data)
{
  Setup *s = data;

  g_clear_object (&s->services);
  g_free (s->keystore);
  g_free (s->login);
  g_free (s->name);
  wipe (s->password);
  wipe (s->passphrase);
  g_free (s);
}

static gpointer
setup_thread (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Setup *s = data;
  g_autofree char *dir = g_path_get_dirname (s->keystore);
  g_autoptr(CiOperator) op = NULL;

  /* A token (a pkcs11: location) has no folder to make. */
  if (!ci_key_store_location_is_pkcs11 (s->keystore))
    g_mkdir_with_parents (dir, 0700);
  op = ci_services_first_run (s->services, s->keystore, s->passphrase, s->login,
                              s->name[0] ? s->name : s->login, s->password, error);
  if (op == NULL)
    return NULL;
  return g_object_ref (ci_services_get_key_store (s->services));
}

static void
setup_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiSetupPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiKeyStore) keys = ci_job_finish (result, &error);
  CiApplication *app = CI_APPLICATION (g_application_get_default ());

  self->busy = FALSE;
  if (keys == NULL)
    {
      gtk_label_set_text (self->hint_label, error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.create", TRUE);
      return;
    }
  g_settings_set_string (ci_application_get_settings (app), "last-operator",
                         text_of (self->login_row));
  /* The page stays in the window: the secrets do not stay in it. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password2_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase2_row), "");
  ci_application_setup_done (app, keys);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiSetupPage *self = CI_SETUP_PAGE (widget);
  CiApplication *app = CI_APPLICATION (g_application_get_default ());
  g_autofree char *problem = missing (self);
  Setup *s;

  if (problem != NULL || self->busy)
    return;
  s = g_new0 (Setup, 1);
  s->services = g_object_ref (ci_application_get_services (app));
  s->keystore = g_strdup (ci_application_get_keystore_path (app));
  s->login = g_strdup (text_of (self->login_row));
  s->name = g_strdup (text_of (self->name_row));
  s->password = g_strdup (text_of (self->password_row));
  s->passphrase = g_strdup (text_of (self->passphrase_row));
  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "setup.create", FALSE);
  gtk_label_set_text (self->hint_label, _("Creating the keys…"));
  ci_job_run (NULL, setup_thread, s, setup_free, g_object_unref, NULL, setup_done,
              g_object_ref (self));
}

static void
ci_setup_page_class_init (CiSetupPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, login_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, password2_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, passphrase2_row);
  gtk_widget_class_bind_template_child (widget_class, CiSetupPage, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_install_action (widget_class, "setup.create", NULL, create_action);
}

static void
ci_setup_page_init (CiSetupPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  validate (self);
}
