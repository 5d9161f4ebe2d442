/* test-app-audit.c — the audit page of the desktop application
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "ci-audit-page.h"
#include "ci-test-app.h"

#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN TRUE
#else
#define UNDER_ASAN FALSE
#endif

static CiAuditPage *
get_page (void)
{
  return ci_test_window_child ("audit_page");
}

static gpointer
page_child (const char *name)
{
  return ci_test_child (get_page (), CI_TYPE_AUDIT_PAGE, name);
}

static CiServices *
services (void)
{
  return ci_application_get_services (ci_test_app);
}

static void
wait_idle (void)
{
  CI_TEST_WAIT_FOR (!ci_audit_page_get_busy (get_page ()));
}

static void
open_page_as (const char *login)
{
  ci_test_sign_in_ok (login);
  ci_test_show_page ("audit");
  wait_idle ();
}

static guint
n_rows (void)
{
  return g_list_model_get_n_items (ci_audit_page_get_model (get_page ()));
}

/* Row @i's entry; the list holds a reference, so it stays valid while shown. */
static const CiAuditListItem *
row_item (guint i)
{
  g_autoptr(CiAuditRow) row = g_list_model_get_item (ci_audit_page_get_model (get_page ()), i);

  g_assert_nonnull (row);
  return ci_audit_row_get_item (row);
}

static const char *
chain_title (void)
{
  return adw_preferences_row_get_title (page_child ("chain_row"));
}

static const char *
chain_subtitle (void)
{
  return adw_action_row_get_subtitle (page_child ("chain_row"));
}

static void
assert_all_by (const char *login)
{
  g_assert_cmpuint (n_rows (), >, 0);
  for (guint i = 0; i < n_rows (); i++)
    g_assert_cmpstr (row_item (i)->entry->operator_login, ==, login);
}

static gboolean
lists_action (const char *action,
              const char *operator_login,
              const char *employee)
{
  for (guint i = 0; i < n_rows (); i++)
    {
      const CiAuditListItem *item = row_item (i);

      if (g_strcmp0 (item->entry->action, action) == 0
          && g_strcmp0 (item->entry->operator_login, operator_login) == 0
          && (employee == NULL || g_strcmp0 (item->employee, employee) == 0))
        return TRUE;
    }
  return FALSE;
}

/* Lets the last change be drawn first: under a sanitizer a frame is slow,
 * and a widget not yet drawn has nothing to take a picture of. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);

  gtk_widget_queue_draw (widget);
  CI_TEST_WAIT_FOR (gdk_frame_clock_get_frame_counter (clock) > frame + 1);
  ci_test_screenshot (widget, name);
}

/* A label in @widget or below showing @text, as the cells draw them. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Activating a row (Enter) shows the whole entry. */
static void
show_first_entry (void)
{
  GtkWidget *scroller = gtk_stack_get_child_by_name (page_child ("list_stack"), "list");
  GtkWidget *column_view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  g_autofree char *heading = g_strdup_printf ("Audit Entry %" G_GINT64_FORMAT,
                                              row_item (0)->entry->seq);
  AdwMessageDialog *dialog;
  GtkWidget *extra;

  g_assert_true (GTK_IS_COLUMN_VIEW (column_view));
  g_signal_emit_by_name (column_view, "activate", 0);
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  extra = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (GTK_IS_LABEL (extra));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (extra)), "Hash: "));
  screenshot (GTK_WIDGET (dialog), "audit-entry");
  adw_message_dialog_response (dialog, "close");
  /* As a click on the button would */
  gtk_window_destroy (GTK_WINDOW (dialog));
  CI_TEST_WAIT_FOR (ci_test_find_dialog () == NULL);
}

/* The page is offered to the roles that may use it; it lists the log newest
 * first, the demo's enrolments and sign-ins among it, and the chain is intact. */
static void
test_offered_by_role (void)
{
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  GtkWidget *page = ci_test_window_child ("audit_page");
  g_autoptr(CiOperator) hr = NULL;
  g_autoptr(CiAuditReport) report = NULL;

  ci_test_sign_in_ok ("security");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  /* hr may not verify the chain: a refusal in the list */
  hr = ci_test_operator ("hr");
  report = ci_services_audit_verify (services (), hr, NULL);
  g_assert_null (report);
  ci_test_show_page ("audit");
  wait_idle ();

  g_assert_cmpuint (n_rows (), >, 30);
  for (guint i = 1; i < n_rows (); i++)
    g_assert_cmpint (row_item (i)->entry->seq, <, row_item (i - 1)->entry->seq);
  g_assert_true (lists_action ("employee.enroll", "hr", "E-1001"));
  g_assert_true (lists_action ("employee.enroll", "hr", "E-1010"));
  g_assert_true (lists_action ("operator.login", "security", NULL));
  g_assert_true (g_str_has_prefix (chain_title (), "Chain intact"));
  g_assert_nonnull (strstr (chain_subtitle (), "signed checkpoint"));
  screenshot (GTK_WIDGET (ci_test_window), "audit");
  show_first_entry ();
  ci_test_lock ();
  g_assert_cmpuint (n_rows (), ==, 0);
}

/* The filters narrow the list: an operator, a text, refusals (marked with an
 * icon and a word, not colour alone). */
static void
test_filters (void)
{
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  GtkWidget *refused;
  GtkWidget *icon;

  /* hr may not verify the chain: a refusal to find */
  report = ci_services_audit_verify (services (), hr, &error);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  g_assert_null (report);

  open_page_as ("security");
  ci_test_set_text (page_child ("operator_entry"), "hr");
  wait_idle ();
  assert_all_by ("hr");
  g_assert_true (lists_action ("employee.enroll", "hr", "E-1005"));

  ci_test_set_text (page_child ("operator_entry"), "");
  ci_test_set_text (page_child ("search_entry"), "E-1003");
  wait_idle ();
  g_assert_cmpuint (n_rows (), >=, 2);  /* enrolled, granted */
  g_assert_true (lists_action ("employee.enroll", "hr", "E-1003"));
  g_assert_true (lists_action ("grant.add", "hr", "E-1003"));
  /* and, if any, the searches for E-1003: the log records what was looked for */
  for (guint i = 0; i < n_rows (); i++)
    if (!g_str_has_prefix (row_item (i)->entry->action, "audit."))
      g_assert_cmpstr (row_item (i)->employee, ==, "E-1003");

  ci_test_set_text (page_child ("search_entry"), "");
  gtk_drop_down_set_selected (page_child ("outcome_dropdown"), 2);  /* refused or failed */
  wait_idle ();
  g_assert_cmpuint (n_rows (), >=, 1);
  for (guint i = 0; i < n_rows (); i++)
    g_assert_cmpint (row_item (i)->entry->outcome, !=, CI_OUTCOME_OK);
  g_assert_true (lists_action ("audit.verify", "hr", NULL));
  ci_test_run_for (100);
  refused = find_label (page_child ("list_stack"), "Refused");
  g_assert_nonnull (refused);
  icon = gtk_widget_get_prev_sibling (refused);
  g_assert_true (GTK_IS_IMAGE (icon));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "action-unavailable-symbolic");

  /* a date that is not one is marked and left out */
  ci_test_set_text (page_child ("from_entry"), "2026-13-01");
  wait_idle ();
  g_assert_true (gtk_widget_has_css_class (page_child ("from_entry"), "error"));
  g_assert_cmpuint (n_rows (), >=, 1);
  ci_test_set_text (page_child ("from_entry"), "2999-01-01");
  wait_idle ();
  g_assert_false (gtk_widget_has_css_class (page_child ("from_entry"), "error"));
  g_assert_cmpuint (n_rows (), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page_child ("list_stack")), ==, "empty");
  ci_test_lock ();
}

/* An operator who may read only their own entries gets only those: the core
 * decides, whatever the operator field says. */
static void
test_own_entries (void)
{
  GtkWidget *operator_entry;

  open_page_as ("hr");
  operator_entry = page_child ("operator_entry");
  assert_all_by ("hr");
  g_assert_true (lists_action ("employee.enroll", "hr", "E-1001"));
  g_assert_cmpstr (chain_title (), ==, "Your own entries");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (operator_entry)), ==, "hr");
  g_assert_false (gtk_widget_get_sensitive (operator_entry));
  screenshot (GTK_WIDGET (ci_test_window), "audit-own");

  ci_test_set_text (operator_entry, "security");
  wait_idle ();
  assert_all_by ("hr");
  ci_test_lock ();
}

static char **
read_lines (const char *path,
            guint      *n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len;
  char **lines;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (text[len - 1], ==, '\n');
  text[len - 1] = '\0';
  lines = g_strsplit (text, "\n", -1);
  *n = g_strv_length (lines);
  return lines;
}

static void
export_to (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  ci_audit_page_export_to_file (get_page (), file);
  g_assert_true (ci_audit_page_get_busy (get_page ()));
  wait_idle ();
}

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (GTK_IS_FILE_CHOOSER_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

static gboolean
chosen_is (GtkWidget *chooser,
           GFile     *file)
{
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  return chosen != NULL && g_file_equal (chosen, file);
}

/* The Export button asks where, in the file chooser (without a portal, the
 * native chooser's own dialog), and exports there. */
static void
export_through_chooser (const char *name)
{
  g_autofree char *path = g_build_filename (ci_test_workdir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *suggested = NULL;
  GtkWidget *chooser;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "audit.export", NULL));
  CI_TEST_WAIT_FOR ((chooser = find_file_chooser ()) != NULL);
  suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_true (g_str_has_prefix (suggested, "audit-log-"));
  /* The chooser reads its first folder in the background: let it, then
   * choose the file, as someone typing a path would. */
  ci_test_run_for (500);
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error));
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  CI_TEST_WAIT_FOR (chosen_is (chooser, file));
  /* As a click on its Export button */
  gtk_widget_activate (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser),
                                                           GTK_RESPONSE_ACCEPT));
  CI_TEST_WAIT_FOR (find_file_chooser () == NULL);
  wait_idle ();
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/* Export writes one JSON line per entry the filters select, oldest first. */
static void
test_export (void)
{
  g_autofree char *all_path = g_build_filename (ci_test_workdir, "audit.jsonl", NULL);
  g_autofree char *hr_path = g_build_filename (ci_test_workdir, "audit-hr.jsonl", NULL);
  g_autofree char *part_path = g_strconcat (all_path, ".part", NULL);
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(GPtrArray) exports = NULL;
  g_autoptr(GError) error = NULL;
  CiAuditFilter last_export = { .action_prefix = "audit.export", .limit = 1 };
  CiAuditFilter by_hr = { .operator_login = "hr" };
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) hr_lines = NULL;
  guint n = 0, n_hr = 0, n_hr_entries = 0;

  open_page_as ("security");
  export_to (all_path);
  lines = read_lines (all_path, &n);
  g_assert_cmpuint (n, >, 30);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("{\"seq\":%u,", i + 1);
      g_assert_true (g_str_has_prefix (lines[i], prefix));
      g_assert_true (g_str_has_suffix (lines[i], "}"));
    }
  /* the export is itself in the log, after what it wrote */
  security = ci_test_operator ("security");
  exports = ci_services_audit_list (services (), security, &last_export, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exports->len, ==, 1);
  g_assert_cmpint (((CiAuditListItem *) exports->pdata[0])->entry->seq, >, n);
  g_assert_cmpstr (((CiAuditListItem *) exports->pdata[0])->entry->operator_login, ==,
                   "security");
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));

  /* with the operator filter, hr's entries only, as many as the core lists */
  ci_test_set_text (page_child ("operator_entry"), "hr");
  wait_idle ();
  export_to (hr_path);
  hr_lines = read_lines (hr_path, &n_hr);
  for (guint i = 0; i < n_hr; i++)
    g_assert_nonnull (strstr (hr_lines[i], "\"operator\":\"hr\""));
  {
    g_autoptr(GPtrArray) listed = ci_services_audit_list (services (), security, &by_hr, &error);
    g_assert_no_error (error);
    n_hr_entries = listed->len;
  }
  g_assert_cmpuint (n_hr, ==, n_hr_entries);

  /* GTK's file chooser dialog keeps what its places sidebar's cloud-provider
   * client allocates, which LeakSanitizer (whose fast stacks end in GLib)
   * cannot tell from ours: the chooser is driven in the plain build only. */
  if (UNDER_ASAN)
    g_test_message ("file chooser not driven under AddressSanitizer");
  else
    {
      g_autofree char *chosen_path = g_build_filename (ci_test_workdir, "chosen.jsonl", NULL);
      g_auto(GStrv) chosen = NULL;

      export_through_chooser ("chosen.jsonl");
      chosen = read_lines (chosen_path, &n);
      g_assert_cmpuint (n, ==, n_hr_entries);
    }
  ci_test_lock ();
}

/* A long log is read a page at a time, older pages on demand, with no entry
 * missed or shown twice although every page read adds an entry at the head. */
static void
test_older_pages (void)
{
  g_autoptr(CiOperator) security = NULL;
  guint first;

  open_page_as ("security");
  security = ci_test_operator ("security");
  for (guint i = 0; i < 250; i++)
    {
      g_autoptr(GPtrArray) found = ci_services_employee_search (services (), security, "E-1", 0,
                                                                1, NULL);
      g_assert_nonnull (found);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "audit.refresh", NULL));
  wait_idle ();
  first = n_rows ();
  g_assert_cmpuint (first, ==, 200);
  g_assert_true (gtk_widget_get_visible (page_child ("more_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "audit.load-more", NULL));
  wait_idle ();
  g_assert_cmpuint (n_rows (), >, first);
  for (guint i = 1; i < n_rows (); i++)
    g_assert_cmpint (row_item (i)->entry->seq, ==, row_item (i - 1)->entry->seq - 1);
  while (gtk_widget_get_visible (page_child ("more_button")))
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "audit.load-more",
                                                 NULL));
      wait_idle ();
    }
  g_assert_cmpint (row_item (n_rows () - 1)->entry->seq, ==, 1);
  g_assert_cmpint (row_item (0)->entry->seq, ==, n_rows ());
  ci_test_lock ();
}

/* Editing a row behind the application's back shows at the next refresh. */
static void
test_tampered (void)
{
  g_autofree char *db_path = g_build_filename (ci_test_workdir, "cardissue.db", NULL);
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GPtrArray) enrolments = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *needle = NULL;
  CiAuditFilter enroll = { .action_prefix = "employee.enroll", .text = "E-1002" };
  sqlite3 *db = NULL;
  gint64 seq;

  open_page_as ("security");
  g_assert_true (g_str_has_prefix (chain_title (), "Chain intact"));

  enrolments = ci_services_audit_list (services (), security, &enroll, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enrolments->len, ==, 1);
  seq = ((CiAuditListItem *) enrolments->pdata[0])->entry->seq;
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = g_strdup_printf ("UPDATE audit SET details = '{\"department\":\"Nowhere\"}'"
                         " WHERE seq = %" G_GINT64_FORMAT, seq);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "audit.refresh", NULL));
  wait_idle ();
  g_assert_true (g_str_has_prefix (chain_title (), "Chain broken"));
  needle = g_strdup_printf ("Entry %" G_GINT64_FORMAT " was altered", seq);
  if (strstr (chain_subtitle (), needle) == NULL)
    g_error ("“%s” does not say “%s”", chain_subtitle (), needle);
  screenshot (GTK_WIDGET (ci_test_window), "audit-broken");
  ci_test_lock ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-audit/offered-by-role", test_offered_by_role);
  g_test_add_func ("/app-audit/filters", test_filters);
  g_test_add_func ("/app-audit/own-entries", test_own_entries);
  g_test_add_func ("/app-audit/export", test_export);
  g_test_add_func ("/app-audit/older-pages", test_older_pages);
  /* last: it breaks the chain */
  g_test_add_func ("/app-audit/tampered", test_tampered);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
