/* test-app.c — the desktop application, driven as a person would drive it
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sign-in, roles, locking, the employee list and issuing a card, on the demo
 * database and a virtual card behind the test's pcscd (tests/ci-test-app.c
 * runs the application).
 */

#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <string.h>

#include "ci-employees-page.h"
#include "ci-face-zoom.h"
#include "ci-issue-page.h"
#include "ci-preferences-window.h"
#include "ci-reader-chooser.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services.h"

/* ─── sign-in, roles, lock ──────────────────────────────────────────────── */

static void
test_sign_in_refused (void)
{
  gpointer page = ci_test_window_child ("sign_in_page");
  GtkWidget *error_label = ci_test_child (page, G_TYPE_FROM_INSTANCE (page), "error_label");

  ci_test_sign_in ("hr", "not-the-password");
  CI_TEST_WAIT_FOR (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "Wrong login or password");
  g_assert_cmpint (ci_application_get_phase (ci_test_app), ==, CI_PHASE_SIGNED_OUT);
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "sign-in");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "sign-in");
}

static void
test_sign_in_shows_role (void)
{
  GtkLabel *label;

  ci_test_sign_in_ok ("hr");
  label = ci_test_window_child ("operator_label");
  g_assert_nonnull (strstr (gtk_label_get_text (label), "Helga Richter"));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "hr"));
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "employees");
  ci_test_lock ();
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "sign-in");
  g_assert_cmpstr (gtk_label_get_text (label), ==, "");
}

static GtkWindow *
find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return GTK_WINDOW (w);
    }
  return NULL;
}

/* The desk's settings are an administrator's; the lock closes every window
 * and dialog opened from the main one, a PIN being asked for included. */
static void
test_lock_closes_windows (void)
{
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.preferences", NULL);
  g_assert_null (find_window (CI_TYPE_PREFERENCES_WINDOW));

  ci_test_sign_in_ok ("hr");
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.preferences", NULL);
  g_assert_null (find_window (CI_TYPE_PREFERENCES_WINDOW));
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.issue-for", "s", "E-1002");
  g_assert_true (gtk_widget_activate_action (ci_test_window_child ("issue_page"), "issue.start",
                                             NULL));
  CI_TEST_WAIT_FOR (ci_test_find_dialog () != NULL);
  ci_test_lock ();
  ci_test_run_for (50);
  g_assert_null (ci_test_find_dialog ());
  g_assert_false (ci_issue_page_get_busy (ci_test_window_child ("issue_page")));

  ci_test_sign_in_ok ("admin");
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.preferences", NULL);
  g_assert_nonnull (find_window (CI_TYPE_PREFERENCES_WINDOW));
  ci_test_lock ();
  ci_test_run_for (50);
  g_assert_null (find_window (CI_TYPE_PREFERENCES_WINDOW));
}

/* The front desk may not issue a first card: the page is not offered, and the
 * action that would open it does nothing. */
static void
test_roles_shape_the_window (void)
{
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  GtkWidget *issue_page = ci_test_window_child ("issue_page");

  ci_test_sign_in_ok ("frontdesk");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, issue_page)));
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.issue-for", "s", "E-1001");
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "employees");
  ci_test_lock ();

  ci_test_sign_in_ok ("hr");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, issue_page)));
  ci_test_lock ();
}

static void
test_idle_lock (void)
{
  GSettings *settings = ci_application_get_settings (ci_test_app);

  ci_test_sign_in_ok ("hr");
  g_settings_set_uint (settings, "lock-after-idle", 1);
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  g_assert_null (ci_application_get_operator (ci_test_app));
  g_settings_set_uint (settings, "lock-after-idle", 0);
}

/* ─── employees ─────────────────────────────────────────────────────────── */

static void
test_employees_filter (void)
{
  CiEmployeesPage *page = ci_test_window_child ("employees_page");
  CiEmployeeModel *model = ci_employees_page_get_model (page);
  GtkSingleSelection *selection = ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "selection");
  GtkStack *detail = ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "detail_stack");
  GtkLabel *name = ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "name_label");
  g_autoptr(CiEmployeeRow) row = NULL;

  ci_test_sign_in_ok ("hr");
  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 10);

  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.find", NULL);
  ci_test_set_text (ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "search_entry"), "mül");
  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 1);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  CI_TEST_WAIT_FOR (ci_employee_row_get_employee (row) != NULL);
  g_assert_cmpstr (ci_employee_get_number (ci_employee_row_get_employee (row)), ==, "E-1001");

  gtk_single_selection_set_selected (selection, 0);
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (detail), "employee") == 0);
  g_assert_cmpstr (gtk_label_get_text (name), ==, "Anna Müller");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "employees");

  /* By number, descending: the last employee number first. */
  ci_test_set_text (ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "search_entry"), "");
  gtk_drop_down_set_selected (ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "order_dropdown"), 3);
  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
            && g_list_model_get_n_items (G_LIST_MODEL (model)) == 10);
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  CI_TEST_WAIT_FOR (ci_employee_row_get_employee (row) != NULL);
  g_assert_cmpstr (ci_employee_get_number (ci_employee_row_get_employee (row)), ==, "E-1010");
  gtk_drop_down_set_selected (ci_test_child (page, CI_TYPE_EMPLOYEES_PAGE, "order_dropdown"), 0);
  ci_test_lock ();
  /* Nothing of the last operator's list stays behind the lock. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
}

/* ─── issuing a card ────────────────────────────────────────────────────── */

static void
test_issue_card (void)
{
  CiIssuePage *page = ci_test_window_child ("issue_page");
  g_autofree char *image = g_build_filename (ci_test_workdir, "card.img", NULL);
  g_autofree char *reader = ci_test_reader_name (0);
  CiTestVcard *card;
  CiReaderChooser *chooser;
  AdwMessageDialog *dialog;
  gint64 serial;
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
  ci_test_sign_in_ok ("hr");
  /* From the employee list, as the HR desk does it. */
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.issue-for", "s", "E-1001");
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "issue");
  chooser = ci_test_child (page, CI_TYPE_ISSUE_PAGE, "reader_chooser");
  g_assert_false (ci_reader_chooser_get_card_present (chooser));

  /* The card goes in while the page is open: the page sees it at once. */
  card = ci_test_vcard_start (image, 0, NULL);
  CI_TEST_WAIT_FOR (ci_reader_chooser_get_card_present (chooser));
  CI_TEST_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (ci_test_child (page, CI_TYPE_ISSUE_PAGE,
                                                           "holder_row")), "Anna Müller") == 0);
  g_assert_nonnull (gtk_picture_get_paintable (ci_test_child (page, CI_TYPE_ISSUE_PAGE, "front_picture")));
  {
    g_autofree char *chosen = ci_reader_chooser_dup_reader (chooser);
    g_assert_cmpstr (chosen, ==, reader);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.start", NULL));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "issue"));
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin"), "4711");
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin-again"), "4712");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "issue"));
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin-again"), "4711");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "issue"));
  adw_message_dialog_response (dialog, "issue");
  /* A click on the button answers and closes; the test does both. */
  gtk_window_close (GTK_WINDOW (dialog));

  CI_TEST_WAIT_FOR (ci_issue_page_get_busy (page));
  /* The window stays responsive while the card is written. */
  ci_test_run_for (20);
  /* Closing it now would cut the card off: it stays, says it will quit once
   * the card is done, and the card is finished. (The quit itself comes after
   * the last test, when the harness lets the application's loop run.) */
  if (ci_issue_page_get_busy (page))
    {
      /* No loop iteration in between: the card is still being written. */
      gtk_window_close (GTK_WINDOW (ci_test_window));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ci_test_window)));
      g_test_message ("closed while the card was being written");
    }
  CI_TEST_WAIT_FOR (!ci_issue_page_get_busy (page));
  result = ci_test_child (page, CI_TYPE_ISSUE_PAGE, "result_label");
  g_test_message ("result: %s", gtk_label_get_text (result));
  serial = ci_issue_page_get_serial (page);
  g_assert_cmpint (serial, >, 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "success"));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "issue");

  /* The face up close, zoomed with the keyboard. */
  {
    CiFaceZoom *zoom = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.zoom", NULL));
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
        if (CI_IS_FACE_ZOOM (w))
          zoom = CI_FACE_ZOOM (w);
      }
    g_assert_nonnull (zoom);
    g_assert_cmpfloat (ci_face_zoom_get_scale (zoom), ==, 2.0);
    gtk_widget_activate_action (GTK_WIDGET (zoom), "zoom.in", NULL);
    g_assert_cmpfloat (ci_face_zoom_get_scale (zoom), ==, 2.25);
    ci_test_screenshot (GTK_WIDGET (zoom), "issue-zoom");
    gtk_widget_activate_action (GTK_WIDGET (zoom), "zoom.reset", NULL);
    g_assert_cmpfloat (ci_face_zoom_get_scale (zoom), ==, 1.0);
    gtk_window_destroy (GTK_WINDOW (zoom));
  }

  /* The face as issued, exported and printed (into a PDF: no printer here). */
  {
    g_autofree char *exported = g_build_filename (ci_test_workdir, "face.pdf", NULL);
    g_autofree char *printed = g_build_filename (ci_test_workdir, "printed.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (exported);
    g_autofree char *pdf = NULL;
    gsize len = 0;

    gtk_widget_set_visible (GTK_WIDGET (result), FALSE);
    ci_issue_page_export_face (page, file);
    CI_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (result)));
    g_assert_cmpstr (gtk_label_get_text (result), ==, "The card face is saved.");
    g_assert_true (g_file_get_contents (exported, &pdf, NULL, NULL));
    g_assert_true (g_str_has_prefix (pdf, "%PDF"));
    g_clear_pointer (&pdf, g_free);
    ci_issue_page_print_face (page, printed);
    CI_TEST_WAIT_FOR (!ci_issue_page_get_printing (page));
    g_assert_true (g_file_get_contents (printed, &pdf, &len, NULL));
    g_assert_true (g_str_has_prefix (pdf, "%PDF"));
    /* Two card-sized pages, front and back. */
    g_assert_nonnull (memmem (pdf, len, "/Count 2", 8));
    g_assert_nonnull (memmem (pdf, len, "/MediaBox [ 0 0 242.6", 21));
  }

  /* Issuing again on the same, now active card: the core refuses, and the
   * page says so in plain words and marks it as a failure. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.start", NULL));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ci_test_find_named (GTK_WIDGET (dialog),
                                                                     "generate")), TRUE);
  adw_message_dialog_response (dialog, "issue");
  gtk_window_close (GTK_WINDOW (dialog));
  CI_TEST_WAIT_FOR (ci_issue_page_get_busy (page));
  CI_TEST_WAIT_FOR (!ci_issue_page_get_busy (page));
  g_test_message ("refused: %s", gtk_label_get_text (result));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (result), "The card was not issued."));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "error"));

  /* The store and the audit log agree with what the page said. */
  security = ci_test_operator ("security");
  cards = ci_services_card_list (ci_application_get_services (ci_test_app), security, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_serial (cards->pdata[0]), ==, serial);
  g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
  report = ci_services_audit_verify (ci_application_get_services (ci_test_app), security, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  ci_test_lock ();
  ci_test_vcard_stop (card);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/sign-in-refused", test_sign_in_refused);
  g_test_add_func ("/app/sign-in-shows-role", test_sign_in_shows_role);
  g_test_add_func ("/app/roles-shape-the-window", test_roles_shape_the_window);
  g_test_add_func ("/app/lock-closes-windows", test_lock_closes_windows);
  g_test_add_func ("/app/employees-filter", test_employees_filter);
  g_test_add_func ("/app/issue-card", test_issue_card);
  g_test_add_func ("/app/idle-lock", test_idle_lock);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
