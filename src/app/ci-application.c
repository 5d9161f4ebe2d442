/* ci-application.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ci-application.h"
#include "ci-job.h"
#include "ci-window.h"
#include "store/ci-store-sqlite.h"

/* The desk session: one database, one key store and the operator signed in.
 * Opening runs on a worker thread; the window follows the phase property. The
 * roles shown in the window come from the core at sign-in, and every service
 * checks them again: hiding a button is a courtesy, never the rule. */

struct _CiApplication
{
  AdwApplication   parent_instance;

  GSettings       *settings;
  char            *database;
  char            *keystore;
  char            *desk;

  CiPhase          phase;
  GError          *open_error;
  CiStore         *store;
  CiServices      *services;
  CiKeyStore      *keys;
  char            *notice;
  CiReaderMonitor *monitor;

  CiOperator      *operator;
  CiScope          scopes[CI_N_ACTIONS];
  gint64           last_input;
  guint            idle_source;

  guint            card_work;      /* cards being written now */
  gboolean         quit_when_idle; /* quit asked for while one was */
};

enum {
  PROP_0,
  PROP_PHASE,
  PROP_OPERATOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CiApplication, ci_application, ADW_TYPE_APPLICATION)

#define IDLE_CHECK_SECONDS 1

static void
set_phase (CiApplication *self,
           CiPhase        phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
}

/* ─── opening the database ──────────────────────────────────────────────── */

typedef struct
{
  char       *database;
  char       *keystore;
  char       *desk;
  CiStore    *store;
  CiServices *services;
  CiKeyStore *keys;
  char       *notice;
  gboolean    needs_setup;
} Opening;

static void
opening_free (gpointer data)
{
  Opening *o = data;

  g_free (o->database);
  g_free (o->keystore);
  g_free (o->desk);
  g_clear_object (&o->store);
  g_clear_object (&o->services);
  g_clear_object (&o->keys);
  g_free (o->notice);
  g_free (o);
}

static gpointer
open_thread (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Opening *o = data;
  /* A token's PIN, or a key store file's passphrase */
  const char *passphrase = g_getenv (ci_key_store_location_is_pkcs11 (o->keystore)
                                     ? "CARDISSUE_KEYSTORE_PIN"
                                     : "CARDISSUE_KEYSTORE_PASSPHRASE");
  g_autofree char *dir = g_path_get_dirname (o->database);
  g_autoptr(GError) local_error = NULL;

  /* A PostgreSQL database is on a server: no folder to make here. */
  if (!ci_store_location_is_postgresql (o->database) && g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Cannot create the folder %s for the database: %s"), dir,
                   g_strerror (errno));
      return NULL;
    }
  if (!(o->store = ci_store_open (o->database, error)))
    return NULL;
  o->services = ci_services_new (o->store, o->desk);
  o->notice = ci_store_get_setting (o->store, "sign-in-notice");
  o->needs_setup = ci_services_needs_setup (o->services);
  /* A file, or a token named by a pkcs11: location; none yet before setup. */
  if ((o->keys = ci_key_store_open_location (o->keystore, &local_error)) != NULL)
    {
      /* For demos and kiosk set-ups; otherwise card work asks for the secret
       * first (ci-unlock-dialog.c). */
      if (passphrase != NULL && !ci_key_store_unlock (o->keys, passphrase, error))
        return NULL;
      ci_services_set_key_store (o->services, o->keys);
    }
  else if (!g_error_matches (local_error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return o;
}

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CiApplication *self = CI_APPLICATION (source);
  g_autoptr(GError) error = NULL;
  Opening *o = ci_job_finish (result, &error);

  g_application_release (G_APPLICATION (self));
  if (o == NULL)
    {
      g_autofree char *database = ci_store_location_describe (self->database);

      g_warning ("Cannot open %s: %s", database, error->message);
      self->open_error = g_steal_pointer (&error);
      set_phase (self, CI_PHASE_FAILED);
      return;
    }
  self->store = g_steal_pointer (&o->store);
  self->services = g_steal_pointer (&o->services);
  self->keys = g_steal_pointer (&o->keys);
  self->notice = g_steal_pointer (&o->notice);
  set_phase (self, o->needs_setup ? CI_PHASE_SETUP : CI_PHASE_SIGNED_OUT);
}

static char *
default_keystore (void)
{
  return g_build_filename (g_get_user_data_dir (), "cardissue", "keys.cikeys", NULL);
}

static void
start_opening (CiApplication *self)
{
  Opening *o = g_new0 (Opening, 1);
  g_autofree char *uri = g_settings_get_string (self->settings, "database-uri");
  g_autofree char *desk = g_settings_get_string (self->settings, "desk-id");

  if (self->database == NULL)
    self->database = uri[0] ? g_steal_pointer (&uri) : ci_store_sqlite_default_path ();
  if (self->keystore == NULL)
    self->keystore = default_keystore ();
  if (self->desk == NULL)
    self->desk = desk[0] ? g_steal_pointer (&desk) : g_strdup (g_get_host_name ());
  o->database = g_strdup (self->database);
  o->keystore = g_strdup (self->keystore);
  o->desk = g_strdup (self->desk);
  g_application_hold (G_APPLICATION (self));
  ci_job_run (self, open_thread, o, opening_free, NULL, NULL, open_done, NULL);
}

/* ─── idle lock ─────────────────────────────────────────────────────────── */

static gboolean
idle_check (gpointer user_data)
{
  CiApplication *self = user_data;
  guint limit = g_settings_get_uint (self->settings, "lock-after-idle");

  if (limit > 0 && self->operator != NULL
      && g_get_monotonic_time () - self->last_input >= (gint64) limit * G_USEC_PER_SEC)
    {
      g_debug ("Locking after %u s without input", limit);
      ci_application_lock (self);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * ci_application_note_input:
 * @self: a #CiApplication
 *
 * Called by windows on every key press, click or pointer motion: the idle
 * lock counts from the last one.
 */
void
ci_application_note_input (CiApplication *self)
{
  g_return_if_fail (CI_IS_APPLICATION (self));

  self->last_input = g_get_monotonic_time ();
}

static gboolean
note_key (GtkEventControllerKey *controller,
          guint                  keyval,
          guint                  keycode,
          GdkModifierType        state,
          CiApplication         *self)
{
  ci_application_note_input (self);
  return GDK_EVENT_PROPAGATE;
}

/* Every key press, click and pointer motion in any of the application's
 * windows (dialogs, the employee editor) counts as someone at the desk. */
static void
watch_window (CiApplication *self,
              GtkWindow     *window)
{
  GtkEventController *key, *motion;
  GtkGesture *click;

  if (g_object_get_data (G_OBJECT (window), "ci-input-watched") != NULL)
    return;
  g_object_set_data (G_OBJECT (window), "ci-input-watched", GINT_TO_POINTER (TRUE));
  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (note_key), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), key);
  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (ci_application_note_input), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (window), motion);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_object (click, "pressed", G_CALLBACK (ci_application_note_input), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (window), GTK_EVENT_CONTROLLER (click));
}

static void
toplevels_changed (GListModel    *toplevels,
                   guint          position,
                   guint          removed,
                   guint          added,
                   CiApplication *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      watch_window (self, window);
    }
}

/* ─── actions ───────────────────────────────────────────────────────────── */

static void
lock_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ci_application_lock (CI_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ci_application_quit_when_done (CI_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "CardIssue contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("CardIssue"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("CardIssue contributors"),
                        "developers", developers,
                        "copyright", "© 2026 CardIssue contributors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Enroll employees, encode and verify their access badges, "
                                      "and keep every step in a tamper-evident audit log."),
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "lock", lock_action },
  { "quit", quit_action },
  { "about", about_action },
};

/* ─── GApplication ──────────────────────────────────────────────────────── */

static int
ci_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  CiApplication *self = CI_APPLICATION (app);

  g_variant_dict_lookup (options, "database", "^ay", &self->database);
  g_variant_dict_lookup (options, "keystore", "^ay", &self->keystore);
  g_variant_dict_lookup (options, "desk", "s", &self->desk);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("cardissue %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
ci_application_startup (GApplication *app)
{
  CiApplication *self = CI_APPLICATION (app);
  const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.lock", { "<Control>l", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.preferences", { "<Control>comma", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.page::employees", { "<Alt>1", NULL } },
    { "win.page::issue", { "<Alt>2", NULL } },
    { "win.page::front-desk", { "<Alt>3", NULL } },
    { "win.page::access", { "<Alt>4", NULL } },
    { "win.page::batch", { "<Alt>5", NULL } },
    { "win.page::audit", { "<Alt>6", NULL } },
  };

  G_APPLICATION_CLASS (ci_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
  self->settings = g_settings_new (APP_ID);
  self->monitor = ci_reader_monitor_new ();
  ci_reader_monitor_start (self->monitor);
  self->last_input = g_get_monotonic_time ();
  self->idle_source = g_timeout_add_seconds (IDLE_CHECK_SECONDS, idle_check, self);
  g_signal_connect_object (gtk_window_get_toplevels (), "items-changed",
                           G_CALLBACK (toplevels_changed), self, 0);
  start_opening (self);
}

static void
ci_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (ci_window_new (CI_APPLICATION (app)));
  gtk_window_present (window);
}

static void
ci_application_shutdown (GApplication *app)
{
  CiApplication *self = CI_APPLICATION (app);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->monitor != NULL)
    ci_reader_monitor_stop (self->monitor);
  if (self->services != NULL)
    ci_services_shutdown (self->services);
  G_APPLICATION_CLASS (ci_application_parent_class)->shutdown (app);
}

static void
ci_application_finalize (GObject *object)
{
  CiApplication *self = CI_APPLICATION (object);

  g_clear_object (&self->operator);
  g_clear_object (&self->services);
  g_clear_object (&self->store);
  g_clear_object (&self->keys);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  g_clear_error (&self->open_error);
  g_free (self->database);
  g_free (self->keystore);
  g_free (self->desk);
  g_free (self->notice);
  G_OBJECT_CLASS (ci_application_parent_class)->finalize (object);
}

static void
ci_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CiApplication *self = CI_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_PHASE:
      g_value_set_int (value, self->phase);
      break;
    case PROP_OPERATOR:
      g_value_set_object (value, self->operator);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_application_class_init (CiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ci_application_finalize;
  object_class->get_property = ci_application_get_property;
  app_class->handle_local_options = ci_application_handle_local_options;
  app_class->startup = ci_application_startup;
  app_class->activate = ci_application_activate;
  app_class->shutdown = ci_application_shutdown;

  properties[PROP_PHASE] =
    g_param_spec_int ("phase", NULL, NULL, CI_PHASE_OPENING, CI_PHASE_SIGNED_IN,
                      CI_PHASE_OPENING, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                        | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OPERATOR] =
    g_param_spec_object ("operator", NULL, NULL, CI_TYPE_OPERATOR,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_application_init (CiApplication *self)
{
  const GOptionEntry options[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The SQLite database (default: the one in Preferences, else in your data folder)"),
      N_("PATH") },
    { "keystore", 'k', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The key store file (default: keys.cikeys in your data folder)"), N_("PATH") },
    { "desk", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The name of this desk in the audit log (default: from Preferences, else the host "
         "name)"), N_("NAME") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

/**
 * ci_application_init_i18n:
 *
 * Sets the locale and binds the message catalogue: the installed one, or
 * the directory in CARDISSUE_LOCALEDIR (a build tree's po/, for running and
 * testing the application uninstalled).
 */
void
ci_application_init_i18n (void)
{
  const char *dir = g_getenv ("CARDISSUE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir && dir[0] ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

CiApplication *
ci_application_new (void)
{
  /* Several windows of one desk would share one session: a second start
   * raises the first window instead. */
  return g_object_new (CI_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/com/example/CardIssue",
                       NULL);
}

/* ─── session ───────────────────────────────────────────────────────────── */

CiPhase
ci_application_get_phase (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), CI_PHASE_FAILED);

  return self->phase;
}

const GError *
ci_application_get_open_error (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->open_error;
}

CiServices *
ci_application_get_services (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->services;
}

CiOperator *
ci_application_get_operator (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->operator;
}

GSettings *
ci_application_get_settings (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->settings;
}

CiReaderMonitor *
ci_application_get_reader_monitor (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->monitor;
}

const char *
ci_application_get_keystore_path (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->keystore;
}

/**
 * ci_application_get_sign_in_notice:
 * @self: a #CiApplication
 *
 * Returns: (nullable): what the database asks the sign-in page to say, such
 *   as the demo database's operators
 */
const char *
ci_application_get_sign_in_notice (CiApplication *self)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), NULL);

  return self->notice;
}

/**
 * ci_application_is_signed_in:
 * @self: a #CiApplication
 * @op: (nullable): an operator who started something
 *
 * Returns: whether @op is the operator signed in now (the same login, even
 *   after signing in again), so that what they started is shown to them and
 *   to nobody else
 */
gboolean
ci_application_is_signed_in (CiApplication *self,
                             CiOperator    *op)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), FALSE);

  return op != NULL && self->operator != NULL
         && g_strcmp0 (ci_operator_get_login (op), ci_operator_get_login (self->operator)) == 0;
}

/**
 * ci_application_may:
 * @self: a #CiApplication
 * @action: what the window would offer
 *
 * Returns: whether the signed-in operator's roles allow @action, as the core
 *   said at sign-in (the core checks again on every call)
 */
gboolean
ci_application_may (CiApplication *self,
                    CiAction       action)
{
  g_return_val_if_fail (CI_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (action < CI_N_ACTIONS, FALSE);

  return self->operator != NULL && self->scopes[action] != CI_SCOPE_NONE;
}

/**
 * ci_application_sign_in:
 * @self: a #CiApplication
 * @op: the operator the core authenticated
 * @scopes: (array fixed-size=CI_N_ACTIONS): what their roles allow
 */
void
ci_application_sign_in (CiApplication *self,
                        CiOperator    *op,
                        const CiScope *scopes)
{
  g_return_if_fail (CI_IS_APPLICATION (self));
  g_return_if_fail (CI_IS_OPERATOR (op));

  g_set_object (&self->operator, op);
  memcpy (self->scopes, scopes, sizeof self->scopes);
  self->last_input = g_get_monotonic_time ();
  g_settings_set_string (self->settings, "last-operator", ci_operator_get_login (op));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATOR]);
  set_phase (self, CI_PHASE_SIGNED_IN);
}

/**
 * ci_application_lock:
 * @self: a #CiApplication
 *
 * Ends the operator's session: the window returns to sign-in, and nothing
 * can be done until someone signs in again. Work already running on a card
 * finishes and is recorded.
 */
void
ci_application_lock (CiApplication *self)
{
  g_return_if_fail (CI_IS_APPLICATION (self));

  if (self->operator == NULL)
    return;
  g_clear_object (&self->operator);
  memset (self->scopes, 0, sizeof self->scopes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATOR]);
  set_phase (self, CI_PHASE_SIGNED_OUT);
}

/**
 * ci_application_setup_done:
 * @self: a #CiApplication
 * @keys: the key store the first-run assistant created
 */
void
ci_application_setup_done (CiApplication *self,
                           CiKeyStore    *keys)
{
  g_return_if_fail (CI_IS_APPLICATION (self));
  g_return_if_fail (CI_IS_KEY_STORE (keys));

  g_set_object (&self->keys, keys);
  set_phase (self, CI_PHASE_SIGNED_OUT);
}

/* ─── card work and quitting ────────────────────────────────────────────── */

/**
 * ci_application_card_work_begin:
 * @self: the application
 *
 * A card is being written from now on: quitting waits for it, since a card
 * cut off half-way has to be written again.
 */
void
ci_application_card_work_begin (CiApplication *self)
{
  g_return_if_fail (CI_IS_APPLICATION (self));

  self->card_work++;
}

/**
 * ci_application_card_work_end:
 * @self: the application
 *
 * The card work begun last is over; if quitting waited for it, it happens.
 */
void
ci_application_card_work_end (CiApplication *self)
{
  g_return_if_fail (CI_IS_APPLICATION (self));
  g_return_if_fail (self->card_work > 0);

  if (--self->card_work == 0 && self->quit_when_idle)
    g_application_quit (G_APPLICATION (self));
}

/**
 * ci_application_quit_when_done:
 * @self: the application
 *
 * Quits now, or, while a card is being written, once it is done; the main
 * window says so.
 *
 * Returns: %TRUE if it quits now
 */
gboolean
ci_application_quit_when_done (CiApplication *self)
{
  GtkWindow *window;

  g_return_val_if_fail (CI_IS_APPLICATION (self), TRUE);

  if (self->card_work == 0)
    {
      g_application_quit (G_APPLICATION (self));
      return TRUE;
    }
  self->quit_when_idle = TRUE;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      window = l->data;
      if (CI_IS_WINDOW (window))
        ci_window_show_toast (CI_WINDOW (window),
                              _("A card is being written. CardIssue quits as soon as it is "
                                "done."));
    }
  return FALSE;
}
