/* test-app.c — the desktop application, driven as a person would drive it
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real CardIssue application (its widgets, actions and GResource) on
 * the X server of tests/with-xvfb.sh and the pcscd of tests/with-pcscd.sh,
 * against a demo database made by cardissue-cli and a virtual card. Each test
 * works through the widgets and actions, then checks the store, the card and
 * the audit log through the core. Screenshots of each main page go to
 * CI_SCREENSHOT_DIR.
 *
 * "--first-run" runs the first-run assistant on an empty database instead.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ci-application.h"
#include "ci-employees-page.h"
#include "ci-issue-page.h"
#include "ci-test-vcard.h"
#include "ci-window.h"
#include "keys/ci-key-store.h"
#include "services/ci-services.h"

static CiApplication *app;
static CiWindow *window;
static char *workdir;
static gboolean first_run;
static int test_status;

#define WAIT_SECONDS 60

/* ─── helpers ───────────────────────────────────────────────────────────── */

/* Lets the application run until @cond holds; fails the test after a minute. */
#define WAIT_FOR(cond)                                                          \
  G_STMT_START {                                                                \
    gint64 end_ = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;      \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > end_)                                     \
          g_error ("timed out waiting for %s", #cond);                          \
        if (!g_main_context_iteration (NULL, FALSE))                            \
          g_usleep (1000);                                                      \
      }                                                                         \
  } G_STMT_END

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
find_dialog (void)
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

static void
set_text (gpointer    editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

/* A PNG of what the window shows now, as the user sees it. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("CI_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width, height;

  run_for (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 100);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir ? dir : workdir, file, NULL);
  g_mkdir_with_parents (dir ? dir : workdir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%d × %d)", path, width, height);
}

static CiOperator *
operator_as (const char *login)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = ci_services_authenticate (ci_application_get_services (app), login,
                                             "demo-password", &error);

  g_assert_no_error (error);
  return op;
}

static void
sign_in (const char *login,
         const char *password)
{
  gpointer page = child (window, CI_TYPE_WINDOW, "sign_in_page");

  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SIGNED_OUT);
  set_text (child (page, G_TYPE_FROM_INSTANCE (page), "login_row"), login);
  set_text (child (page, G_TYPE_FROM_INSTANCE (page), "password_row"), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.sign-in", NULL));
}

static void
sign_in_ok (const char *login)
{
  sign_in (login, "demo-password");
  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SIGNED_IN);
  g_assert_cmpstr (ci_operator_get_login (ci_application_get_operator (app)), ==, login);
}

static void
lock (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "lock", NULL);
  g_assert_cmpint (ci_application_get_phase (app), ==, CI_PHASE_SIGNED_OUT);
}

/* ─── sign-in, roles, lock ──────────────────────────────────────────────── */

static void
test_sign_in_refused (void)
{
  gpointer page = child (window, CI_TYPE_WINDOW, "sign_in_page");
  GtkWidget *error_label = child (page, G_TYPE_FROM_INSTANCE (page), "error_label");

  sign_in ("hr", "not-the-password");
  WAIT_FOR (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong login or password");
  g_assert_cmpint (ci_application_get_phase (app), ==, CI_PHASE_SIGNED_OUT);
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "sign-in");
  screenshot (GTK_WIDGET (window), "sign-in");
}

static void
test_sign_in_shows_role (void)
{
  GtkLabel *label;

  sign_in_ok ("hr");
  label = child (window, CI_TYPE_WINDOW, "operator_label");
  g_assert_nonnull (strstr (gtk_label_get_text (label), "Helga Richter"));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "hr"));
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "employees");
  lock ();
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "sign-in");
  g_assert_cmpstr (gtk_label_get_text (label), ==, "");
}

/* The front desk may not issue a first card: the page is not offered, and the
 * action that would open it does nothing. */
static void
test_roles_shape_the_window (void)
{
  AdwViewStack *stack = child (window, CI_TYPE_WINDOW, "view_stack");
  GtkWidget *issue_page = child (window, CI_TYPE_WINDOW, "issue_page");

  sign_in_ok ("frontdesk");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, issue_page)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.issue-for", "s", "E-1001");
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "employees");
  lock ();

  sign_in_ok ("hr");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, issue_page)));
  lock ();
}

static void
test_idle_lock (void)
{
  GSettings *settings = ci_application_get_settings (app);

  sign_in_ok ("hr");
  g_settings_set_uint (settings, "lock-after-idle", 1);
  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SIGNED_OUT);
  g_assert_null (ci_application_get_operator (app));
  g_settings_set_uint (settings, "lock-after-idle", 0);
}

/* ─── employees ─────────────────────────────────────────────────────────── */

static void
test_employees_filter (void)
{
  CiEmployeesPage *page = child (window, CI_TYPE_WINDOW, "employees_page");
  CiEmployeeModel *model = ci_employees_page_get_model (page);
  GtkSingleSelection *selection = child (page, CI_TYPE_EMPLOYEES_PAGE, "selection");
  GtkStack *detail = child (page, CI_TYPE_EMPLOYEES_PAGE, "detail_stack");
  GtkLabel *name = child (page, CI_TYPE_EMPLOYEES_PAGE, "name_label");
  g_autoptr(CiEmployeeRow) row = NULL;

  sign_in_ok ("hr");
  WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 10);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL);
  set_text (child (page, CI_TYPE_EMPLOYEES_PAGE, "search_entry"), "mül");
  WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 1);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  WAIT_FOR (ci_employee_row_get_employee (row) != NULL);
  g_assert_cmpstr (ci_employee_get_number (ci_employee_row_get_employee (row)), ==, "E-1001");

  gtk_single_selection_set_selected (selection, 0);
  WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (detail), "employee") == 0);
  g_assert_cmpstr (gtk_label_get_text (name), ==, "Anna Müller");
  screenshot (GTK_WIDGET (window), "employees");

  /* By number, descending: the last employee number first. */
  set_text (child (page, CI_TYPE_EMPLOYEES_PAGE, "search_entry"), "");
  gtk_drop_down_set_selected (child (page, CI_TYPE_EMPLOYEES_PAGE, "order_dropdown"), 3);
  WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 10);
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  WAIT_FOR (ci_employee_row_get_employee (row) != NULL);
  g_assert_cmpstr (ci_employee_get_number (ci_employee_row_get_employee (row)), ==, "E-1010");
  gtk_drop_down_set_selected (child (page, CI_TYPE_EMPLOYEES_PAGE, "order_dropdown"), 0);
  lock ();
  /* Nothing of the last operator's list stays behind the lock. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

/* ─── issuing a card ────────────────────────────────────────────────────── */

static void
test_issue_card (void)
{
  CiIssuePage *page = child (window, CI_TYPE_WINDOW, "issue_page");
  g_autofree char *image = g_build_filename (workdir, "card.img", NULL);
  g_autofree char *reader = ci_test_reader_name (0);
  CiTestVcard *card;
  AdwMessageDialog *dialog;
  GtkLabel *result;
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  card = ci_test_vcard_start (image, 0, NULL);
  ci_test_wait_for_card (0, TRUE);

  sign_in_ok ("hr");
  /* From the employee list, as the HR desk does it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.issue-for", "s", "E-1001");
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "issue");
  WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (child (page, CI_TYPE_ISSUE_PAGE,
                                                           "card_row")), "Card present") == 0);
  WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (child (page, CI_TYPE_ISSUE_PAGE,
                                                           "holder_row")), "Anna Müller") == 0);
  g_assert_nonnull (gtk_picture_get_paintable (child (page, CI_TYPE_ISSUE_PAGE, "front_picture")));
  {
    g_autoptr(GtkStringObject) item =
      adw_combo_row_get_selected_item (child (page, CI_TYPE_ISSUE_PAGE, "reader_row"));
    g_assert_cmpstr (gtk_string_object_get_string (item), ==, reader);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.start", NULL));
  WAIT_FOR ((dialog = find_dialog ()) != NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "issue"));
  set_text (find_named (GTK_WIDGET (dialog), "pin"), "4711");
  set_text (find_named (GTK_WIDGET (dialog), "pin-again"), "4712");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "issue"));
  set_text (find_named (GTK_WIDGET (dialog), "pin-again"), "4711");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "issue"));
  adw_message_dialog_response (dialog, "issue");

  WAIT_FOR (ci_issue_page_get_busy (page));
  /* The window stays responsive while the card is written. */
  run_for (20);
  WAIT_FOR (!ci_issue_page_get_busy (page));
  result = child (page, CI_TYPE_ISSUE_PAGE, "result_label");
  g_test_message ("result: %s", gtk_label_get_text (result));
  g_assert_cmpint (ci_issue_page_get_serial (page), >, 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "success"));
  screenshot (GTK_WIDGET (window), "issue");

  /* The store and the audit log agree with what the page said. */
  security = operator_as ("security");
  cards = ci_services_card_list (ci_application_get_services (app), security, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_serial (cards->pdata[0]), ==, ci_issue_page_get_serial (page));
  g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
  report = ci_services_audit_verify (ci_application_get_services (app), security, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  lock ();
  ci_test_vcard_stop (card);
}

/* ─── first run ─────────────────────────────────────────────────────────── */

static void
test_first_run (void)
{
  gpointer page = child (window, CI_TYPE_WINDOW, "setup_page");
  GType type = G_TYPE_FROM_INSTANCE (page);
  g_autofree char *keystore = g_build_filename (workdir, "keys.cikeys", NULL);

  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SETUP);
  g_assert_cmpstr (ci_window_get_visible_page (window), ==, "setup");
  set_text (child (page, type, "login_row"), "boss");
  set_text (child (page, type, "name_row"), "Bea Boss");
  set_text (child (page, type, "password_row"), "a long enough password");
  set_text (child (page, type, "password2_row"), "a long enough passwore");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "setup.create", NULL)
                  && ci_application_get_phase (app) != CI_PHASE_SETUP);
  g_assert_cmpstr (gtk_label_get_text (child (page, type, "hint_label")), ==,
                   "The two passwords differ.");
  set_text (child (page, type, "password2_row"), "a long enough password");
  set_text (child (page, type, "passphrase_row"), "key store passphrase");
  set_text (child (page, type, "passphrase2_row"), "key store passphrase");
  screenshot (GTK_WIDGET (window), "first-run");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "setup.create", NULL));
  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SIGNED_OUT);
  g_assert_true (g_file_test (keystore, G_FILE_TEST_EXISTS));

  set_text (child (child (window, CI_TYPE_WINDOW, "sign_in_page"), G_TYPE_FROM_INSTANCE (
    child (window, CI_TYPE_WINDOW, "sign_in_page")), "login_row"), "");
  sign_in ("boss", "a long enough password");
  WAIT_FOR (ci_application_get_phase (app) == CI_PHASE_SIGNED_IN);
  g_assert_true (ci_application_may (app, CI_ACTION_ADMIN));
  g_assert_false (ci_application_may (app, CI_ACTION_CARD_ISSUE));
}

/* ─── harness ───────────────────────────────────────────────────────────── */

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
remove_workdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (workdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (workdir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (workdir);
}

static void
run_tests (GApplication *application)
{
  window = CI_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  g_assert_nonnull (window);
  g_application_hold (application);
  test_status = g_test_run ();
  g_application_release (application);
  g_application_quit (application);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *database = NULL;
  g_autofree char *keystore = NULL;
  g_autoptr(GError) error = NULL;
  char *app_argv[6];
  int status;

  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--first-run") == 0)
      {
        first_run = TRUE;
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  workdir = g_dir_make_tmp ("cardissue-app-XXXXXX", &error);
  g_assert_no_error (error);
  database = g_build_filename (workdir, "cardissue.db", NULL);
  keystore = g_build_filename (workdir, "keys.cikeys", NULL);
  if (first_run)
    g_test_add_func ("/app/first-run", test_first_run);
  else
    {
      make_demo_database (database, keystore);
      g_setenv ("CARDISSUE_KEYSTORE_PASSPHRASE", "demo-keystore-passphrase", TRUE);
      g_test_add_func ("/app/sign-in-refused", test_sign_in_refused);
      g_test_add_func ("/app/sign-in-shows-role", test_sign_in_shows_role);
      g_test_add_func ("/app/roles-shape-the-window", test_roles_shape_the_window);
      g_test_add_func ("/app/employees-filter", test_employees_filter);
      g_test_add_func ("/app/issue-card", test_issue_card);
      g_test_add_func ("/app/idle-lock", test_idle_lock);
    }

  app = ci_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (run_tests), NULL);
  app_argv[0] = argv[0];
  app_argv[1] = (char *) "--database";
  app_argv[2] = database;
  app_argv[3] = (char *) "--keystore";
  app_argv[4] = keystore;
  app_argv[5] = NULL;
  status = g_application_run (G_APPLICATION (app), 5, app_argv);
  g_clear_object (&app);
  remove_workdir ();
  return status != 0 ? status : test_status;
}
