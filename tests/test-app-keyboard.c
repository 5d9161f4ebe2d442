/* test-app-keyboard.c — the desk's main work, done with the keyboard alone
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in and locking, editing an employee, issuing a card, reporting a
 * card lost and granting a zone, each with key presses only. The cases touch
 * no widget and activate no action: the keys go through the X server (XTEST,
 * by xdotool), as a keyboard's do, and the cases check what the core then
 * holds: the store, the audit log, the card. What they read of the widgets
 * is where the focus is, to know the next key goes where a person would
 * expect it.
 *
 * Xvfb runs no window manager, so the cases do the one thing a window
 * manager would: give the input focus to a window that comes up (a dialog,
 * the editor) and back to the main window when it goes.
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <stdarg.h>
#include <string.h>

#include "card/ci-card-verify.h"
#include "ci-access-page.h"
#include "ci-employee-editor.h"
#include "ci-employees-page.h"
#include "ci-front-desk-page.h"
#include "ci-issue-page.h"
#include "ci-reader-chooser.h"
#include "ci-sign-in-page.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services-issue.h"

/* How long one key press may take to show, before the case gives up on it. */
#define KEY_TIMEOUT_MS 5000

static CiServices *
services (void)
{
  return ci_application_get_services (ci_test_app);
}

/* ─── the keyboard ──────────────────────────────────────────────────────── */

static void
subprocess_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Runs xdotool while the application goes on handling its events. */
static gboolean
xdotool (const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, subprocess_done, &done);
  CI_TEST_WAIT_FOR (done);
  return g_subprocess_get_successful (process);
}

/* One key or chord, as xdotool names them: "Tab", "ctrl+l", "alt+e". */
static void
press (const char *keys)
{
  g_test_message ("key %s", keys);
  g_assert_true (xdotool ("key", "--clearmodifiers", keys, NULL));
}

static void
type_text (const char *text)
{
  g_test_message ("type %s", text);
  g_assert_true (xdotool ("type", "--clearmodifiers", "--delay", "20", text, NULL));
}

static gboolean
have_keyboard (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  if (path == NULL)
    g_test_skip ("needs xdotool (scripts/deps.sh)");
  return path != NULL;
}

/* What a window manager does for a window that comes up: the keys go to it.
 * The window may not be on the screen yet when asked: then again. */
static void
give_focus (GtkWindow *window)
{
  GdkSurface *surface;
  g_autofree char *xid = NULL;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  CI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  while (!xdotool ("windowfocus", "--sync", xid, NULL))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      ci_test_run_for (50);
    }
  CI_TEST_WAIT_FOR (gtk_window_is_active (window));
}

/* The toplevel of @type on screen, once there is one. */
static GtkWindow *
wait_for_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          GtkWindow *w = g_list_model_get_item (toplevels, i);
          gboolean found = G_TYPE_CHECK_INSTANCE_TYPE (w, type)
                           && gtk_widget_get_visible (GTK_WIDGET (w));

          /* GTK keeps its toplevels: the window outlives this reference. */
          g_object_unref (w);
          if (found)
            return w;
        }
      if (g_get_monotonic_time () > end)
        g_error ("no %s came up", g_type_name (type));
      ci_test_run_for (10);
    }
}

static gboolean
window_gone (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return FALSE;
    }
  return TRUE;
}

/* A dialog went: the main window gets the keys again. */
static void
back_to_main_window (void)
{
  give_focus (GTK_WINDOW (ci_test_window));
}

static GtkWidget *
focus_of (gpointer window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Whether the focus is on @widget or inside it. */
static gboolean
focus_in (gpointer widget)
{
  GtkWidget *focus = focus_of (gtk_widget_get_root (GTK_WIDGET (widget)));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static const char *
describe (GtkWidget *widget)
{
  return widget ? G_OBJECT_TYPE_NAME (widget) : "nothing";
}

static gboolean
wait_briefly_for_focus_change (GtkWidget *window,
                               GtkWidget *before)
{
  gint64 end = g_get_monotonic_time () + KEY_TIMEOUT_MS * 1000;

  while (focus_of (window) == before)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

/* Presses @keys (Tab, Shift+Tab, an arrow) until the focus is in @target. */
static void
move_focus_to (const char *keys,
               gpointer    target,
               guint       most)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (target));

  for (guint i = 0; i < most && !focus_in (target); i++)
    {
      GtkWidget *before = focus_of (window);

      press (keys);
      if (!wait_briefly_for_focus_change (window, before))
        g_error ("%s left the focus on %s", keys, describe (before));
      g_test_message ("focus on %s", describe (focus_of (window)));
    }
  if (!focus_in (target))
    g_error ("%u × %s did not reach %s", most, keys, describe (target));
}

/* The first widget of @type in @widget or below. */
static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* Types into the field that has the focus, and waits until it shows. */
static void
type_into (gpointer    editable,
           const char *text)
{
  g_assert_true (focus_in (editable));
  type_text (text);
  CI_TEST_WAIT_FOR (g_str_has_suffix (text_of (editable), text));
}

/* Replaces what the field with the focus holds. */
static void
retype_into (gpointer    editable,
             const char *text)
{
  g_assert_true (focus_in (editable));
  press ("ctrl+a");
  press ("BackSpace");
  CI_TEST_WAIT_FOR (text_of (editable)[0] == '\0');
  type_into (editable, text);
}

/* ─── signing in ────────────────────────────────────────────────────────── */

static gpointer
employees_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("employees_page"), CI_TYPE_EMPLOYEES_PAGE, name);
}

static gpointer
sign_in_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("sign_in_page"), CI_TYPE_SIGN_IN_PAGE, name);
}

/* User name, Tab, password, Enter; the user name is offered after a lock,
 * then Shift+Tab goes back to it to change it. */
static void
sign_in (const char *login,
         const char *password)
{
  GtkWidget *login_row = sign_in_child ("login_row");
  GtkWidget *password_row = sign_in_child ("password_row");

  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  CI_TEST_WAIT_FOR (focus_in (login_row) || focus_in (password_row));
  if (g_strcmp0 (text_of (login_row), login) != 0)
    {
      if (!focus_in (login_row))
        move_focus_to ("shift+Tab", login_row, 1);
      retype_into (login_row, login);
      move_focus_to ("Tab", password_row, 1);
    }
  g_assert_true (focus_in (password_row));
  type_text (password);
  CI_TEST_WAIT_FOR (strlen (text_of (password_row)) == strlen (password));
  press ("Return");
}

static void
sign_in_ok (const char *login)
{
  sign_in (login, "demo-password");
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_IN);
  g_assert_cmpstr (ci_operator_get_login (ci_application_get_operator (ci_test_app)), ==, login);
}

static void
lock (void)
{
  press ("ctrl+l");
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  g_assert_null (ci_application_get_operator (ci_test_app));
}

/* A new desk asks for the user name first; a wrong password is typed again
 * where it was; Ctrl+L locks, and the next sign-in starts at the password. */
static void
test_sign_in_and_lock (void)
{
  GtkWidget *login_row = sign_in_child ("login_row");
  GtkWidget *password_row = sign_in_child ("password_row");
  GtkWidget *error_label = sign_in_child ("error_label");

  if (!have_keyboard ())
    return;
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  back_to_main_window ();
  CI_TEST_WAIT_FOR (focus_in (login_row));
  g_assert_cmpstr (text_of (login_row), ==, "");

  type_into (login_row, "security");
  move_focus_to ("Tab", password_row, 1);
  type_text ("not-the-password");
  press ("Return");
  CI_TEST_WAIT_FOR (gtk_widget_get_visible (error_label));
  g_assert_cmpint (ci_application_get_phase (ci_test_app), ==, CI_PHASE_SIGNED_OUT);
  CI_TEST_WAIT_FOR (focus_in (password_row));
  g_assert_cmpstr (text_of (password_row), ==, "");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "keyboard-sign-in-refused");

  sign_in_ok ("security");
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "employees");
  /* The keys go on into the page: its search field takes them. */
  CI_TEST_WAIT_FOR (focus_in (employees_child ("search_entry")));
  lock ();
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "sign-in");
  CI_TEST_WAIT_FOR (focus_in (password_row));
  g_assert_cmpstr (text_of (login_row), ==, "security");

  sign_in_ok ("security");
  lock ();
  /* Someone else at the desk: back to the user name and over it. */
  sign_in_ok ("hr");
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "employees");
  lock ();
}

/* ─── employees ─────────────────────────────────────────────────────────── */

static CiEmployee *
core_employee (const char *number)
{
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(GError) error = NULL;
  CiEmployee *e = ci_services_employee_get (services (), hr, number, &error);

  g_assert_no_error (error);
  return e;
}

/* Ctrl+F, a few letters of the name, Down to the match, Enter: the employee
 * is shown and the focus is on the next thing to do with them. */
static void
find_employee (const char *letters,
               const char *name)
{
  CiEmployeeModel *model = ci_employees_page_get_model (ci_test_window_child ("employees_page"));
  GtkWidget *search = employees_child ("search_entry");
  GtkSingleSelection *selection = employees_child ("selection");

  press ("ctrl+f");
  CI_TEST_WAIT_FOR (focus_in (search));
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "employees");
  if (text_of (search)[0] != '\0')
    retype_into (search, letters);
  else
    type_into (search, letters);
  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
                    && g_list_model_get_n_items (G_LIST_MODEL (model)) == 1);
  move_focus_to ("Down", find_type (ci_test_window_child ("employees_page"), GTK_TYPE_COLUMN_VIEW),
                 1);
  press ("Return");
  CI_TEST_WAIT_FOR (gtk_single_selection_get_selected (selection) == 0);
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (employees_child ("detail_stack")),
                               "employee") == 0);
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_label_get_text (employees_child ("name_label")), name) == 0);
}

/* HR finds François Lefèvre, opens him, and moves him to another department. */
static void
test_edit_employee (void)
{
  g_autoptr(CiEmployee) before = NULL;
  g_autoptr(CiEmployee) after = NULL;
  CiEmployeeEditor *editor;
  GtkWidget *department;

  if (!have_keyboard ())
    return;
  before = core_employee ("E-1010");
  g_assert_cmpstr (ci_employee_get_department (before), ==, "Engineering");
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  back_to_main_window ();
  sign_in_ok ("hr");
  find_employee ("Lef", "François Lefèvre");
  /* HR's next step is usually the card: the focus waits there. */
  CI_TEST_WAIT_FOR (focus_in (employees_child ("issue_button")));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "keyboard-employee");

  move_focus_to ("shift+Tab", employees_child ("edit_button"), 1);
  press ("Return");
  editor = CI_EMPLOYEE_EDITOR (wait_for_window (CI_TYPE_EMPLOYEE_EDITOR));
  give_focus (GTK_WINDOW (editor));
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  department = ci_test_child (editor, CI_TYPE_EMPLOYEE_EDITOR, "department_row");
  g_assert_cmpstr (text_of (department), ==, "Engineering");
  move_focus_to ("Tab", department, 8);
  retype_into (department, "Architecture");
  ci_test_screenshot (GTK_WIDGET (editor), "keyboard-employee-editor");
  press ("ctrl+s");
  CI_TEST_WAIT_FOR (window_gone (CI_TYPE_EMPLOYEE_EDITOR));

  after = core_employee ("E-1010");
  g_assert_cmpstr (ci_employee_get_department (after), ==, "Architecture");
  g_assert_cmpstr (ci_employee_get_job_title (after), ==, ci_employee_get_job_title (before));
  g_assert_cmpstr (ci_employee_get_given_name (after), ==, ci_employee_get_given_name (before));

  /* Back in the main window the keys go on where they left off. */
  back_to_main_window ();
  CI_TEST_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (employees_child ("department_row")),
                               "Architecture · Architect") == 0);
  CI_TEST_WAIT_FOR (focus_in (employees_child ("edit_button")));
  ci_test_assert_audit_intact ();
  lock ();
}

/* ─── issuing a card ────────────────────────────────────────────────────── */

static gpointer
issue_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("issue_page"), CI_TYPE_ISSUE_PAGE, name);
}

/* The audit entries of @action_prefix about @subject, oldest first. */
static GPtrArray *
audit_of (const char *action_prefix,
          const char *subject)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  CiAuditFilter filter = { .action_prefix = action_prefix, .subject_id = subject };
  GPtrArray *items = ci_services_audit_list (services (), security, &filter, &error);

  g_assert_no_error (error);
  return items;
}

static gboolean
audit_has (GPtrArray  *items,
           const char *action,
           const char *login)
{
  for (guint i = 0; i < items->len; i++)
    {
      CiAuditListItem *item = items->pdata[i];

      if (g_strcmp0 (item->entry->action, action) == 0
          && g_strcmp0 (item->entry->operator_login, login) == 0
          && item->entry->outcome == CI_OUTCOME_OK)
        return TRUE;
    }
  return FALSE;
}

/* What the card in the reader says of itself, read as a door reads it. */
static void
assert_card_holds (const char *number,
                   const char *serial)
{
  g_autofree char *reader = ci_test_reader_name (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCardChannel) channel = ci_card_channel_connect (reader, CI_CARD_SHARE_SHARED, NULL,
                                                              &error);
  CiCardSession *session;
  CiCardContents contents;
  guint8 life_cycle;

  g_assert_no_error (error);
  session = ci_card_session_new (channel);
  g_assert_true (ci_card_session_select_df (session, &life_cycle, &error));
  g_assert_no_error (error);
  /* Activated (ISO 7816-4 life cycle 05): locked for issuing, open to doors. */
  g_assert_cmphex (life_cycle, ==, 0x05);
  g_assert_true (ci_card_read_contents (session, &contents, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents.identity.number, ==, number);
  g_assert_cmpstr (contents.info.serial, ==, serial);
  ci_card_contents_clear (&contents);
  ci_card_session_free (session);
}

/* HR finds José García Fernández, goes to the card from his entry, and the
 * holder types a PIN twice: the card is written, locked and verified. */
static void
test_issue_card (void)
{
  static const char * const steps[] = {
    "card.issue.request", "card.issue.check", "card.issue.initialise", "card.issue.personalise",
    "card.issue.lock", "card.issue.verify",
  };
  CiIssuePage *page = ci_test_window_child ("issue_page");
  g_autofree char *image = g_build_filename (ci_test_workdir, "keyboard-issue.img", NULL);
  g_autofree char *printed = NULL;
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  CiTestVcard *card;
  gint64 serial;

  if (!have_keyboard ())
    return;
  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  card = ci_test_vcard_start (image, 0, NULL);
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  back_to_main_window ();
  sign_in_ok ("hr");
  find_employee ("Garc", "José García Fernández");
  CI_TEST_WAIT_FOR (focus_in (employees_child ("issue_button")));
  press ("Return");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_window_get_visible_page (ci_test_window), "issue") == 0);
  g_assert_cmpstr (text_of (issue_child ("employee_row")), ==, "E-1002");
  CI_TEST_WAIT_FOR (ci_reader_chooser_get_card_present (issue_child ("reader_chooser")));
  CI_TEST_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (issue_child ("holder_row")),
                               "José García Fernández") == 0);
  /* The page took the focus along: Ctrl+Enter reaches it. */
  g_assert_true (focus_in (page));
  press ("ctrl+Return");

  dialog = ADW_MESSAGE_DIALOG (wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  give_focus (GTK_WINDOW (dialog));
  CI_TEST_WAIT_FOR (focus_in (ci_test_find_named (GTK_WIDGET (dialog), "pin")));
  type_into (ci_test_find_named (GTK_WIDGET (dialog), "pin"), "4711");
  press ("Return");
  CI_TEST_WAIT_FOR (focus_in (ci_test_find_named (GTK_WIDGET (dialog), "pin-again")));
  type_into (ci_test_find_named (GTK_WIDGET (dialog), "pin-again"), "4711");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "issue"));
  press ("Return");
  CI_TEST_WAIT_FOR (window_gone (ADW_TYPE_MESSAGE_DIALOG));
  back_to_main_window ();

  /* The card is written meanwhile, quickly: the outcome shows when done. */
  CI_TEST_WAIT_FOR (!ci_issue_page_get_busy (page)
                    && gtk_widget_get_visible (issue_child ("result_label")));
  g_test_message ("result: %s", gtk_label_get_text (issue_child ("result_label")));
  g_assert_true (gtk_widget_has_css_class (issue_child ("result_label"), "success"));
  /* The keys reach the page again: the next card is Ctrl+Enter away. */
  CI_TEST_WAIT_FOR (focus_in (issue_child ("employee_row")));
  serial = ci_issue_page_get_serial (page);
  g_assert_cmpint (serial, >, 0);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "keyboard-issue");

  security = ci_test_operator ("security");
  cards = ci_services_card_list (services (), security, "E-1002", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_serial (cards->pdata[0]), ==, serial);
  g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
  audit = audit_of ("card.issue", "E-1002");
  g_assert_true (audit_has (audit, "card.issue", "hr"));
  g_clear_pointer (&audit, g_ptr_array_unref);
  printed = ci_card_format_serial (serial);
  assert_card_holds ("E-1002", printed);
  audit = audit_of ("card.issue.", printed);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (!audit_has (audit, steps[i], "hr"))
      g_error ("no %s by hr in the audit log", steps[i]);
  ci_test_assert_audit_intact ();
  lock ();
  ci_test_vcard_stop (card);
}

/* ─── the front desk ────────────────────────────────────────────────────── */

static gpointer
front_desk_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("front_desk_page"), CI_TYPE_FRONT_DESK_PAGE, name);
}

/* HR issues @number's first card through the core; returns its serial. */
static gint64
issue_through_core (const char *number)
{
  g_autofree char *image = g_build_filename (ci_test_workdir, "keyboard-lost.img", NULL);
  g_autofree char *reader = ci_test_reader_name (0);
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(CiIssueResult) issued = NULL;
  g_autoptr(GError) error = NULL;
  CiIssueOptions options = { .reader = reader, .pin = "1357" };
  CiTestVcard *card = ci_test_vcard_start (image, 0, NULL);

  ci_test_wait_for_card (0, TRUE);
  issued = ci_services_card_issue (services (), hr, number, &options, &error);
  g_assert_no_error (error);
  /* The holder leaves with it, and loses it. */
  ci_test_vcard_stop (card);
  return issued->serial;
}

/* The front desk finds Ólafur Jónsson by his employee number, reports his
 * card lost with a note, and confirms: the card is blocked. */
static void
test_report_lost (void)
{
  CiFrontDeskPage *page = ci_test_window_child ("front_desk_page");
  GtkWidget *search = front_desk_child ("search_entry");
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(CiCard) lost = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *reason;
  gint64 serial;

  if (!have_keyboard ())
    return;
  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  serial = issue_through_core ("E-1003");
  back_to_main_window ();
  sign_in_ok ("frontdesk");
  press ("alt+3");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_window_get_visible_page (ci_test_window), "front-desk") == 0);
  /* The page's search field takes the keys at once. */
  CI_TEST_WAIT_FOR (focus_in (search));
  type_into (search, "E-1003");
  CI_TEST_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (front_desk_child ("selection"))) == 1);
  press ("Return");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_front_desk_page_get_holder (page), "E-1003") == 0
                    && ci_test_find_named (GTK_WIDGET (page), "report-lost") != NULL);
  move_focus_to ("Tab", ci_test_find_named (GTK_WIDGET (page), "report-lost"), 8);
  press ("Return");

  dialog = ADW_MESSAGE_DIALOG (wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  give_focus (GTK_WINDOW (dialog));
  reason = ci_test_find_named (GTK_WIDGET (dialog), "reason");
  CI_TEST_WAIT_FOR (focus_in (reason));
  type_into (reason, "left on the bus");
  ci_test_screenshot (GTK_WIDGET (dialog), "keyboard-report-lost");
  /* Enter would cancel (blocking is for good); the button's mnemonic answers. */
  press ("alt+r");
  CI_TEST_WAIT_FOR (window_gone (ADW_TYPE_MESSAGE_DIALOG));
  back_to_main_window ();
  CI_TEST_WAIT_FOR (gtk_widget_get_visible (front_desk_child ("replace_box")));
  g_assert_null (ci_test_find_named (GTK_WIDGET (page), "report-lost"));
  /* The next step, the replacement, has the focus. */
  CI_TEST_WAIT_FOR (focus_in (front_desk_child ("replace_button")));

  security = ci_test_operator ("security");
  lost = ci_services_card_get (services (), security, serial, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ci_card_get_state (lost), ==, CI_CARD_LOST);
  g_assert_cmpstr (ci_card_get_reason (lost), ==, "left on the bus");
  ci_test_assert_audit_intact ();
  lock ();
}

/* ─── zones and access ──────────────────────────────────────────────────── */

static gpointer
access_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("access_page"), CI_TYPE_ACCESS_PAGE, name);
}

static char *
selected_zone (void)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (access_child ("zone_selection"));
  g_autoptr(CiZone) zone = row ? gtk_tree_list_row_get_item (row) : NULL;

  return zone ? g_strdup (ci_zone_get_code (zone)) : NULL;
}

static gboolean
zone_chosen (const char *code)
{
  g_autofree char *chosen = selected_zone ();

  return g_strcmp0 (chosen, code) == 0;
}

static gboolean
has_grant (const char *number,
           const char *zone_code)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = ci_services_grant_list (services (), security, number, &error);
  g_autoptr(CiZone) zone = ci_store_zone_get_by_code (ci_services_get_store (services ()),
                                                      zone_code, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < grants->len; i++)
    if (ci_grant_get_zone_id (grants->pdata[i]) == ci_zone_get_id (zone))
      return TRUE;
  return FALSE;
}

/* The security officer picks the laboratories in the zone tree with the
 * arrow keys and lets Zoë O'Brien-Smith in. */
static void
test_grant_zone (void)
{
  GtkWidget *zone_view = access_child ("zone_view");
  AdwMessageDialog *dialog;
  GtkWidget *employee;

  if (!have_keyboard ())
    return;
  g_assert_false (has_grant ("E-1009", "HQ-B"));
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  back_to_main_window ();
  sign_in_ok ("security");
  press ("alt+4");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_window_get_visible_page (ci_test_window), "access") == 0);
  CI_TEST_WAIT_FOR (!ci_access_page_get_busy (ci_test_window_child ("access_page")));
  move_focus_to ("Tab", zone_view, 6);
  for (guint i = 0; i < 8 && !zone_chosen ("HQ-B"); i++)
    {
      g_autofree char *before = selected_zone ();

      press ("Down");
      CI_TEST_WAIT_FOR (!zone_chosen (before));
    }
  g_assert_true (zone_chosen ("HQ-B"));
  CI_TEST_WAIT_FOR (!ci_access_page_get_busy (ci_test_window_child ("access_page")));
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_label_get_text (access_child ("name_label")),
                               "Laboratories") == 0);

  press ("alt+g");
  dialog = ADW_MESSAGE_DIALOG (wait_for_window (ADW_TYPE_MESSAGE_DIALOG));
  give_focus (GTK_WINDOW (dialog));
  employee = ci_test_find_named (GTK_WIDGET (dialog), "grant-employee");
  CI_TEST_WAIT_FOR (focus_in (employee));
  type_into (employee, "E-1009");
  /* The holder is looked up through the core; then Enter grants. */
  CI_TEST_WAIT_FOR (adw_message_dialog_get_response_enabled (dialog, "grant"));
  ci_test_screenshot (GTK_WIDGET (dialog), "keyboard-grant");
  press ("Return");
  CI_TEST_WAIT_FOR (window_gone (ADW_TYPE_MESSAGE_DIALOG));
  back_to_main_window ();
  CI_TEST_WAIT_FOR (!ci_access_page_get_busy (ci_test_window_child ("access_page")));
  CI_TEST_WAIT_FOR (ci_test_find_named (access_child ("access_list"), "E-1009") != NULL);
  g_assert_true (has_grant ("E-1009", "HQ-B"));
  ci_test_assert_audit_intact ();
  lock ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-keyboard/sign-in-and-lock", test_sign_in_and_lock);
  g_test_add_func ("/app-keyboard/edit-employee", test_edit_employee);
  g_test_add_func ("/app-keyboard/issue-card", test_issue_card);
  g_test_add_func ("/app-keyboard/report-lost", test_report_lost);
  g_test_add_func ("/app-keyboard/grant-zone", test_grant_zone);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
