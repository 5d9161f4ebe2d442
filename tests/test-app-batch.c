/* test-app-batch.c — the batch page of the desktop application
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list of employees from a CSV file, issued over the virtual readers of
 * the test's pcscd, paused and resumed; an employee file that enrolls new
 * people first, and a batch stopped; the outcome is checked through the core.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ci-batch-page.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services.h"

static const char * const batch_people[] = { "E-1002", "E-1003", "E-1004" };

static CiBatchPage *
batch_page (void)
{
  return ci_test_window_child ("batch_page");
}

static gpointer
page_child (const char *name)
{
  return ci_test_child (batch_page (), CI_TYPE_BATCH_PAGE, name);
}

static GFile *
write_csv (const char *name,
           const char *text)
{
  g_autofree char *path = g_build_filename (ci_test_workdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static void
load (GFile *file)
{
  ci_batch_page_load_file (batch_page (), file);
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (batch_page ()) == CI_BATCH_PAGE_REVIEW);
}

/* The row the page shows for an employee. */
static AdwActionRow *
row_of (const char *number)
{
  GtkWidget *row = ci_test_find_named (page_child ("employee_list"), number);

  g_assert_nonnull (row);
  return ADW_ACTION_ROW (row);
}

static const char *
progress_text (void)
{
  return gtk_progress_bar_get_text (page_child ("progress_bar"));
}

static GPtrArray *
cards_of (const char *number)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  GPtrArray *cards = ci_services_card_list (ci_application_get_services (ci_test_app), security,
                                            number, &error);

  g_assert_no_error (error);
  return cards;
}

static char *
stored_name (const char *number)
{
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) e = ci_services_employee_get (ci_application_get_services (ci_test_app),
                                                      hr, number, &error);

  g_assert_no_error (error);
  return ci_employee_dup_display_name (e);
}

/* The page is offered to the roles that may use it, and only to them. */
static void
test_offered_by_role (void)
{
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  GtkWidget *page = ci_test_window_child ("batch_page");

  ci_test_sign_in_ok ("frontdesk");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  ci_test_lock ();
  ci_test_sign_in_ok ("hr");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  ci_test_show_page ("batch");
  g_assert_cmpint (ci_batch_page_get_state (batch_page ()), ==, CI_BATCH_PAGE_EMPTY);
  /* Past the sign-in page's cross-fade. */
  ci_test_run_for (700);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch-empty");
  ci_test_lock ();
}

/* The PIN letters: one page per holder, readable by the owner only; the
 * page keeps no PIN once they are saved. */
static void
save_pin_letters (void)
{
  g_autofree char *path = g_build_filename (ci_test_workdir, "pin-letters.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  g_auto(GStrv) letters = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpuint (ci_batch_page_get_n_pins (batch_page ()), ==, G_N_ELEMENTS (batch_people));
  ci_batch_page_save_pin_letters (batch_page (), file);
  CI_TEST_WAIT_FOR (ci_batch_page_get_n_pins (batch_page ()) == 0);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  letters = g_strsplit (text, "\f", -1);
  g_assert_cmpuint (g_strv_length (letters), ==, G_N_ELEMENTS (batch_people));
  for (guint i = 0; i < G_N_ELEMENTS (batch_people); i++)
    {
      const char *pin = strstr (letters[i], "Your PIN: ");

      g_assert_nonnull (strstr (letters[i], batch_people[i]));
      g_assert_nonnull (pin);
      pin += strlen ("Your PIN: ");
      g_assert_cmpuint (strspn (pin, "0123456789"), >=, 4);
    }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (page_child ("pins_button")));
  g_unlink (path);
}

/* Three employees over every reader: paused after the first card, the next
 * blank card stays untouched in the reader; resumed, all three are issued. */
static void
test_issue_pause_resume (void)
{
  g_autofree char *image1 = g_build_filename (ci_test_workdir, "batch1.img", NULL);
  g_autofree char *image2 = g_build_filename (ci_test_workdir, "batch2.img", NULL);
  g_autoptr(GFile) csv = write_csv ("numbers.csv", "employee_number\nE-1002\nE-1003\r\nE-1004\n");
  CiBatchPage *page = batch_page ();
  CiTestVcard *card;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  /* One card without a hopper: once issued it stays in the reader until the
   * test takes it out, so the pause is in place before a second card can come. */
  card = ci_test_vcard_start (image1, 0, NULL);
  ci_test_sign_in_ok ("hr");
  ci_test_show_page ("batch");
  load (csv);
  g_assert_false (gtk_widget_get_visible (page_child ("problems_label")));
  for (guint i = 0; i < G_N_ELEMENTS (batch_people); i++)
    {
      g_autofree char *name = stored_name (batch_people[i]);
      AdwPreferencesRow *row = ADW_PREFERENCES_ROW (row_of (batch_people[i]));

      g_assert_cmpstr (adw_preferences_row_get_title (row), ==, name);
    }
  g_assert_cmpstr (progress_text (), ==, "0 of 3");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch-review");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.start", NULL));
  CI_TEST_WAIT_FOR (ci_batch_page_get_n_done (page) == 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.pause", NULL));
  g_assert_true (ci_batch_page_get_paused (page));
  g_assert_true (gtk_widget_get_visible (page_child ("resume_button")));

  /* The issued card is taken out, and an encoder with two blank cards comes. */
  ci_test_vcard_stop (card);
  card = ci_test_vcard_start (image2, 0, "--hopper", "1", NULL);
  ci_test_run_for (2000);
  g_assert_cmpuint (ci_batch_page_get_n_done (page), ==, 1);
  g_assert_cmpint (ci_batch_page_get_state (page), ==, CI_BATCH_PAGE_RUNNING);
  for (guint i = 1; i < G_N_ELEMENTS (batch_people); i++)
    {
      g_autoptr(GPtrArray) cards = cards_of (batch_people[i]);
      g_assert_cmpuint (cards->len, ==, 0);
    }
  g_assert_cmpstr (progress_text (), ==, "1 of 3");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch-paused");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.resume", NULL));
  g_assert_false (ci_batch_page_get_paused (page));
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (page) == CI_BATCH_PAGE_DONE);
  g_test_message ("status: %s", gtk_label_get_text (page_child ("status_label")));
  g_assert_cmpuint (ci_batch_page_get_n_issued (page), ==, G_N_ELEMENTS (batch_people));
  g_assert_cmpstr (progress_text (), ==, "3 of 3");
  for (guint i = 0; i < G_N_ELEMENTS (batch_people); i++)
    {
      g_autoptr(GPtrArray) cards = cards_of (batch_people[i]);
      g_autofree char *serial = NULL;

      g_assert_cmpuint (cards->len, ==, 1);
      g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
      serial = ci_card_format_serial (ci_card_get_serial (cards->pdata[0]));
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (row_of (batch_people[i])), serial));
    }
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch");
  /* Both blank cards of the encoder were used. */
  g_assert_cmpint (ci_test_vcard_wait (card), ==, 0);

  save_pin_letters ();
  ci_test_assert_audit_intact ();
  ci_test_lock ();
  /* Nothing of the batch stays behind the lock. */
  g_assert_cmpint (ci_batch_page_get_state (page), ==, CI_BATCH_PAGE_EMPTY);
  g_assert_null (gtk_widget_get_first_child (page_child ("employee_list")));
}

/* An employee file with bad rows: every problem is named by its line, and
 * nothing can start. */
static void
test_file_problems (void)
{
  g_autoptr(GFile) employees = write_csv ("bad.csv",
    "employee_number,given_name,family_name,valid_from,valid_until\n"
    "N-3001,Nina,Neu,2026-01-01,2030-12-31\n"
    "N-3002,Nils,Neu,someday,2030-12-31\n"
    "N-3001,Nina,Again,2026-01-01,2030-12-31\n");
  g_autoptr(GFile) numbers = write_csv ("unknown.csv", "E-1006\nX-9999\n");
  GtkLabel *problems = page_child ("problems_label");

  ci_test_sign_in_ok ("hr");
  ci_test_show_page ("batch");
  load (employees);
  g_test_message ("problems: %s", gtk_label_get_text (problems));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (problems)));
  g_assert_nonnull (strstr (gtk_label_get_text (problems), "line 3: "));
  g_assert_nonnull (strstr (gtk_label_get_text (problems), "line 4: "));
  g_assert_null (strstr (gtk_label_get_text (problems), "line 2: "));
  g_assert_false (gtk_widget_get_sensitive (page_child ("start_button")));
  g_assert_false (gtk_widget_get_visible (page_child ("list_group")));

  /* A list of numbers without a header: the unknown one is named. */
  load (numbers);
  g_assert_nonnull (strstr (gtk_label_get_text (problems),
                            "line 2: employee number X-9999 is not enrolled"));
  g_assert_false (gtk_widget_get_sensitive (page_child ("start_button")));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch-problems");
  ci_test_lock ();
}

/* Security may issue to enrolled people, not enrol new ones: a file that
 * would enrol someone can't start, and the page says who must do it. */
static void
test_new_people_need_hr (void)
{
  g_autoptr(GFile) csv = write_csv ("people-security.csv",
    "employee_number,given_name,family_name,valid_from,valid_until\n"
    "E-1004,Someone,Else,2026-01-01,2030-12-31\n"
    "N-4001,Nadia,Neu,2026-01-01,2030-12-31\n");
  g_autoptr(GFile) numbers = write_csv ("enrolled-only.csv", "E-1004\n");
  const char *status;

  ci_test_sign_in_ok ("security");
  ci_test_show_page ("batch");
  load (csv);
  status = gtk_label_get_text (page_child ("status_label"));
  g_test_message ("status: %s", status);
  g_assert_nonnull (strstr (status, "1 person in this file is not enrolled yet"));
  g_assert_nonnull (strstr (status, "Ask HR"));
  g_assert_false (gtk_widget_get_visible (page_child ("start_button")));
  /* Nor does its shortcut or action start it. */
  gtk_widget_activate_action (GTK_WIDGET (batch_page ()), "batch.start", NULL);
  ci_test_run_for (200);
  g_assert_cmpint (ci_batch_page_get_state (batch_page ()), ==, CI_BATCH_PAGE_REVIEW);

  /* Enrolled people only: ready to issue. */
  load (numbers);
  g_assert_true (gtk_widget_get_visible (page_child ("start_button")));
  g_assert_nonnull (strstr (gtk_label_get_text (page_child ("status_label")), "Ready to issue"));
  ci_test_lock ();
}

/* An employee file with one enrolled employee and one new: the new one is
 * enrolled at the start (the enrolled one keeps the details the store has),
 * then the batch waits for cards and is stopped. */
static void
test_enroll_and_stop (void)
{
  g_autoptr(GFile) csv = write_csv ("people.csv",
    "employee_number,given_name,family_name,department,valid_from,valid_until\n"
    "E-1005,Someone,Else,Nowhere,2026-01-01,2030-12-31\n"
    "\n"
    "N-2001,\"Nora, Jr.\",Neumann,Finance,2026-01-01,2030-12-31\n");
  g_autofree char *e1005 = NULL;
  CiBatchPage *page = batch_page ();
  AdwMessageDialog *dialog;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  e1005 = stored_name ("E-1005");
  ci_test_sign_in_ok ("hr");
  ci_test_show_page ("batch");
  load (csv);
  g_assert_false (gtk_widget_get_visible (page_child ("problems_label")));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_of ("E-1005"))), ==,
                   e1005);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row_of ("N-2001")), "not enrolled yet"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.start", NULL));
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (page) == CI_BATCH_PAGE_RUNNING);
  {
    g_autofree char *name = stored_name ("N-2001");
    g_autofree char *unchanged = stored_name ("E-1005");

    g_assert_cmpstr (name, ==, "Nora, Jr. Neumann");
    g_assert_cmpstr (unchanged, ==, e1005);
  }

  /* No card comes: stop, after one confirmation. */
  ci_test_run_for (300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.cancel", NULL));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "stop"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "stop");
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (page) == CI_BATCH_PAGE_DONE);
  g_assert_cmpuint (ci_batch_page_get_n_issued (page), ==, 0);
  g_assert_cmpuint (ci_batch_page_get_n_pins (page), ==, 0);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row_of ("N-2001")), "no card"));
  /* Stopped employees can be tried again. */
  g_assert_true (gtk_widget_get_sensitive (page_child ("start_button")));
  {
    g_autoptr(GPtrArray) cards = cards_of ("N-2001");
    g_assert_cmpuint (cards->len, ==, 0);
  }
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "batch-stopped");
  ci_test_assert_audit_intact ();
  ci_test_lock ();
}

/* Signing out in the middle of a batch stops it and forgets it: the next
 * operator finds an empty page, and the batch's late answers change nothing. */
static void
test_lock_while_running (void)
{
  g_autoptr(GFile) csv = write_csv ("one.csv", "employee_number\nE-1006\n");
  CiBatchPage *page = batch_page ();

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  ci_test_sign_in_ok ("security");
  ci_test_show_page ("batch");
  load (csv);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.start", NULL));
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (page) == CI_BATCH_PAGE_RUNNING);
  ci_test_run_for (200);
  ci_test_lock ();
  g_assert_cmpint (ci_batch_page_get_state (page), ==, CI_BATCH_PAGE_EMPTY);
  ci_test_run_for (1000);
  g_assert_cmpint (ci_batch_page_get_state (page), ==, CI_BATCH_PAGE_EMPTY);
  g_assert_null (gtk_widget_get_first_child (page_child ("employee_list")));
  {
    g_autoptr(GPtrArray) cards = cards_of ("E-1006");
    g_assert_cmpuint (cards->len, ==, 0);
  }
  ci_test_assert_audit_intact ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-batch/offered-by-role", test_offered_by_role);
  g_test_add_func ("/app-batch/issue-pause-resume", test_issue_pause_resume);
  g_test_add_func ("/app-batch/file-problems", test_file_problems);
  g_test_add_func ("/app-batch/enroll-and-stop", test_enroll_and_stop);
  g_test_add_func ("/app-batch/new-people-need-hr", test_new_people_need_hr);
  g_test_add_func ("/app-batch/lock-while-running", test_lock_while_running);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
