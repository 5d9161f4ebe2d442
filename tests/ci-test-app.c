/* ci-test-app.c — run the desktop application under a GUI test
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GUI test registers its GTest cases and calls ci_test_app_run(): that runs
 * the real CardIssue application (its widgets, actions and GResource) on the
 * X server of tests/with-xvfb.sh, with --database and --keystore in a
 * temporary folder, and runs the cases once the window is up. The cases drive
 * widgets and actions and check the outcome through the core. Screenshots go
 * to CI_SCREENSHOT_DIR.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ci-test-app.h"
#include "services/ci-services.h"

CiApplication *ci_test_app;
CiWindow *ci_test_window;
char *ci_test_workdir;

static int test_status;

void
ci_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* An object of @widget's template (of class @type) by its id. */
gpointer
ci_test_child (gpointer    widget,
               GType       type,
               const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  if (object == NULL)
    g_error ("no “%s” in the template of %s", name, g_type_name (type));
  return object;
}

gpointer
ci_test_window_child (const char *name)
{
  return ci_test_child (ci_test_window, CI_TYPE_WINDOW, name);
}

/* A widget by its widget name (gtk_widget_set_name), in @widget or below. */
GtkWidget *
ci_test_find_named (GtkWidget  *widget,
                    const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ci_test_find_named (c, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The message dialog on screen, if there is one. */
AdwMessageDialog *
ci_test_find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

void
ci_test_set_text (gpointer    editable,
                  const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (transition_running (c))
      return TRUE;
  return FALSE;
}

/* What @paintable draws now, or %NULL while it has nothing. */
static GskRenderNode *
paintable_node (GdkPaintable *paintable,
                int           width,
                int           height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

/* A PNG of what @widget shows now, as the user sees it. */
void
ci_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  const char *dir = g_getenv ("CI_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 frame;
  int width, height;

  /* A new frame first: right after a dialog goes, the window may have
   * nothing drawn yet to take. */
  CI_TEST_WAIT_FOR (!transition_running (widget));
  ci_test_run_for (300);
  frame = gdk_frame_clock_get_frame_counter (clock);
  gtk_widget_queue_draw (widget);
  CI_TEST_WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frame);
  ci_test_run_for (50);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 100);
  /* The paintable takes the widget's new drawing in an idle after the
   * frame; until then it may still hold the empty one of a widget that
   * had not been drawn yet. */
  CI_TEST_WAIT_FOR ((node = paintable_node (paintable, width, height)) != NULL);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir ? dir : ci_test_workdir, file, NULL);
  g_mkdir_with_parents (dir ? dir : ci_test_workdir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, width, height);
}

/* A demo operator, signed in through the core (not the window), for checks. */
CiOperator *
ci_test_operator (const char *login)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = ci_services_authenticate (ci_application_get_services (ci_test_app), login,
                                             "demo-password", &error);

  g_assert_no_error (error);
  return op;
}

/* Types into the sign-in page and presses Sign In. */
void
ci_test_sign_in (const char *login,
                 const char *password)
{
  gpointer page = ci_test_window_child ("sign_in_page");

  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  ci_test_set_text (ci_test_child (page, G_TYPE_FROM_INSTANCE (page), "login_row"), login);
  ci_test_set_text (ci_test_child (page, G_TYPE_FROM_INSTANCE (page), "password_row"), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.sign-in", NULL));
}

void
ci_test_sign_in_ok (const char *login)
{
  ci_test_sign_in (login, "demo-password");
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_IN);
  g_assert_cmpstr (ci_operator_get_login (ci_application_get_operator (ci_test_app)), ==, login);
}

void
ci_test_lock (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (ci_test_app), "lock", NULL);
  g_assert_cmpint (ci_application_get_phase (ci_test_app), ==, CI_PHASE_SIGNED_OUT);
}

/* Switches the window to a work page, as Alt+N or the view switcher does. */
void
ci_test_show_page (const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.page", "s", name));
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, name);
}

/* The audit chain verifies, checked by the security officer through the core. */
void
ci_test_assert_audit_intact (void)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditReport) report = ci_services_audit_verify (
    ci_application_get_services (ci_test_app), security, &error);

  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
}

/* ─── the harness ───────────────────────────────────────────────────────── */

/* Xvfb runs no window manager, so GTK sees focus come without ever going,
 * and says so; everything else goes to the default writer, fatal as ever. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0
        && strstr (fields[i].value, "did not receive a focus-out event") != NULL)
      return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
make_demo_database (const char *database,
                    const char *keystore)
{
  const char *cli = g_getenv ("CARDISSUE_CLI");
  const char *argv[] = { cli, "--database", database, "--keystore", keystore, "demo", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
remove_workdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (ci_test_workdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (ci_test_workdir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (ci_test_workdir);
}

static void
run_tests (GApplication *application)
{
  ci_test_window = CI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  g_assert_nonnull (ci_test_window);
  g_application_hold (application);
  test_status = g_test_run ();
  g_application_release (application);
  g_application_quit (application);
}

/**
 * ci_test_app_run:
 * @argc: from main(), after g_test_init()
 * @argv: from main(), after g_test_init()
 * @database: what the application opens
 *
 * Runs the application and, once its window is up, the registered cases.
 *
 * Returns: the exit status for main()
 */
int
ci_test_app_run (int                argc,
                 char              *argv[],
                 CiTestAppDatabase  database)
{
  g_autofree char *db = NULL;
  g_autofree char *keystore = NULL;
  g_autoptr(GError) error = NULL;
  char *app_argv[6];
  int status;

  g_log_set_writer_func (log_writer, NULL, NULL);
  ci_application_init_i18n ();
  ci_test_workdir = g_dir_make_tmp ("cardissue-app-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (ci_test_workdir, "cardissue.db", NULL);
  keystore = g_build_filename (ci_test_workdir, "keys.cikeys", NULL);
  if (database != CI_TEST_APP_EMPTY)
    make_demo_database (db, keystore);
  if (database == CI_TEST_APP_DEMO)
    g_setenv ("CARDISSUE_KEYSTORE_PASSPHRASE", CI_TEST_KEYSTORE_PASSPHRASE, TRUE);
  else
    g_unsetenv ("CARDISSUE_KEYSTORE_PASSPHRASE");

  ci_test_app = ci_application_new ();
  g_application_set_flags (G_APPLICATION (ci_test_app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (ci_test_app, "activate", G_CALLBACK (run_tests), NULL);
  app_argv[0] = argv[0];
  app_argv[1] = (char *) "--database";
  app_argv[2] = db;
  app_argv[3] = (char *) "--keystore";
  app_argv[4] = keystore;
  app_argv[5] = NULL;
  status = g_application_run (G_APPLICATION (ci_test_app), 5, app_argv);
  g_clear_object (&ci_test_app);
  remove_workdir ();
  g_clear_pointer (&ci_test_workdir, g_free);
  return status != 0 ? status : test_status;
}
