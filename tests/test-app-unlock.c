/* test-app-unlock.c — the desktop application with its key store locked
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application starts on the demo database without the key store's
 * passphrase in its environment: issuing a card asks for it first, a wrong
 * one is said to be wrong, the right one unlocks the keys and the card is
 * written. The other card flows (replacement, batch, re-encoding) ask too,
 * and giving up starts no card work.
 */

#include "config.h"

#include <string.h>

#include "ci-access-page.h"
#include "ci-batch-page.h"
#include "ci-front-desk-page.h"
#include "ci-issue-page.h"
#include "ci-reader-chooser.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services.h"

static CiServices *
services (void)
{
  return ci_application_get_services (ci_test_app);
}

static gboolean
keys_unlocked (void)
{
  return ci_key_store_is_unlocked (ci_services_get_key_store (services ()));
}

/* The label whose mnemonic opens @target, in @widget or below. */
static GtkLabel *
label_for (GtkWidget *widget,
           GtkWidget *target)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) == target)
    return GTK_LABEL (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = label_for (c, target);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* How the dialog was right after it took a response: the worker is running
 * then, and cannot have answered yet. */
typedef struct
{
  char     *response;
  gboolean  entry_sensitive;
  gboolean  unlock_enabled;
  gboolean  cancel_enabled;
  char     *text;
} Sent;

static void
note_sent (AdwMessageDialog *dialog,
           const char       *response,
           Sent             *sent)
{
  GtkWidget *entry = ci_test_find_named (GTK_WIDGET (dialog), "secret");

  sent->response = g_strdup (response);
  sent->entry_sensitive = gtk_widget_get_sensitive (entry);
  sent->unlock_enabled = adw_message_dialog_get_response_enabled (dialog, "unlock");
  sent->cancel_enabled = adw_message_dialog_get_response_enabled (dialog, "cancel");
  sent->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
sent_clear (Sent *sent)
{
  g_clear_pointer (&sent->response, g_free);
  g_clear_pointer (&sent->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sent, sent_clear)

/* Enter in @entry: the key goes to the entry's text, which activates the
 * dialog's default response (a moment later, as a button pressed shows). */
static void
press_enter (GtkWidget *entry)
{
  GtkWidget *text = gtk_widget_get_first_child (entry);

  while (text != NULL && !GTK_IS_TEXT (text))
    text = gtk_widget_get_next_sibling (text);
  g_assert_nonnull (text);
  g_signal_emit_by_name (text, "activate");
}

/* The key store goes locked, as after a start without the passphrase. */
static void
lock_keys (void)
{
  ci_key_store_lock (ci_services_get_key_store (services ()));
}

/* The unlock dialog, once it is up; its secret entry in @entry. */
static AdwMessageDialog *
wait_for_unlock_dialog (GtkWidget **entry)
{
  AdwMessageDialog *dialog;

  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Unlock the Key Store");
  *entry = ci_test_find_named (GTK_WIDGET (dialog), "secret");
  g_assert_nonnull (*entry);
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (*entry)));
  return dialog;
}

/* The keystore.unlock entries of the audit log, newest first. */
static GPtrArray *
unlock_entries (void)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  CiAuditFilter filter = { .action_prefix = "keystore.unlock" };
  GPtrArray *items = ci_services_audit_list (services (), security, &filter, &error);

  g_assert_no_error (error);
  return items;
}

static CiAuditEntry *
unlock_entry (GPtrArray *items,
              guint      i)
{
  g_assert_cmpuint (i, <, items->len);
  return ((CiAuditListItem *) items->pdata[i])->entry;
}

/* Escape on the unlock dialog: it goes, and the keys stay locked. */
static void
give_up (AdwMessageDialog *dialog)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  ci_test_run_for (50);
  g_assert_null (ci_test_find_dialog ());
  g_assert_false (keys_unlocked ());
}

/* ─── issuing a card ────────────────────────────────────────────────────── */

static void
test_issue_asks_first (void)
{
  CiIssuePage *page = ci_test_window_child ("issue_page");
  g_autofree char *image = g_build_filename (ci_test_workdir, "unlock-card.img", NULL);
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry = NULL;
  GtkLabel *label, *status;
  g_auto(Sent) sent = { 0 };
  CiTestVcard *card;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  g_assert_false (keys_unlocked ());
  ci_test_sign_in_ok ("hr");
  gtk_widget_activate_action (GTK_WIDGET (ci_test_window), "win.issue-for", "s", "E-1001");
  card = ci_test_vcard_start (image, 0, NULL);
  CI_TEST_WAIT_FOR (ci_reader_chooser_get_card_present (ci_test_child (page, CI_TYPE_ISSUE_PAGE,
                                                                       "reader_chooser")));
  CI_TEST_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (ci_test_child (page,
                               CI_TYPE_ISSUE_PAGE, "holder_row")), "Anna Müller") == 0);

  /* The keys first: a hidden entry, named for what it takes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.start", NULL));
  dialog = wait_for_unlock_dialog (&entry);
  label = label_for (GTK_WIDGET (dialog), entry);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Key store passphrase");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), entry));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "unlock"));
  ci_test_screenshot (GTK_WIDGET (dialog), "unlock-dialog");

  /* A wrong passphrase and Enter: the worker runs with the form shut and
   * the entry wiped, the dialog stays and says so, the keys stay locked. */
  ci_test_set_text (entry, "not-the-passphrase");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "unlock"));
  g_signal_connect (dialog, "response", G_CALLBACK (note_sent), &sent);
  press_enter (entry);
  CI_TEST_WAIT_FOR (sent.response != NULL);
  g_assert_cmpstr (sent.response, ==, "unlock");
  g_assert_false (sent.entry_sensitive);
  g_assert_false (sent.unlock_enabled);
  g_assert_false (sent.cancel_enabled);
  g_assert_cmpstr (sent.text, ==, "");
  g_signal_handlers_disconnect_by_func (dialog, note_sent, &sent);
  status = GTK_LABEL (ci_test_find_named (GTK_WIDGET (dialog), "status"));
  CI_TEST_WAIT_FOR (gtk_widget_has_css_class (GTK_WIDGET (status), "error"));
  g_assert_cmpstr (gtk_label_get_text (status), ==, "Wrong passphrase for the key store");
  g_assert_true (ci_test_find_dialog () == dialog);
  g_assert_true (gtk_widget_get_sensitive (entry));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "cancel"));
  g_assert_false (keys_unlocked ());
  g_assert_false (ci_issue_page_get_busy (page));
  ci_test_screenshot (GTK_WIDGET (dialog), "unlock-wrong");

  /* The right one: the keys unlock and the card work goes on, with the
   * holder's PIN. */
  ci_test_set_text (entry, CI_TEST_KEYSTORE_PASSPHRASE);
  press_enter (entry);
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL
                    && ci_test_find_named (GTK_WIDGET (dialog), "pin") != NULL);
  g_assert_true (keys_unlocked ());
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin"), "4711");
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin-again"), "4711");
  adw_message_dialog_response (dialog, "issue");
  gtk_window_close (GTK_WINDOW (dialog));
  CI_TEST_WAIT_FOR (ci_issue_page_get_busy (page));
  CI_TEST_WAIT_FOR (!ci_issue_page_get_busy (page));
  g_test_message ("result: %s", gtk_label_get_text (ci_test_child (page, CI_TYPE_ISSUE_PAGE,
                                                                   "result_label")));
  g_assert_true (gtk_widget_has_css_class (ci_test_child (page, CI_TYPE_ISSUE_PAGE,
                                                          "result_label"), "success"));

  /* The store and the audit log: the card is active; one failed and one
   * good unlock by hr, with neither passphrase anywhere. */
  security = ci_test_operator ("security");
  cards = ci_services_card_list (services (), security, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (ci_card_get_serial (cards->pdata[0]), ==, ci_issue_page_get_serial (page));
  g_assert_cmpint (ci_card_get_state (cards->pdata[0]), ==, CI_CARD_ACTIVE);
  entries = unlock_entries ();
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (unlock_entry (entries, 1)->operator_login, ==, "hr");
  g_assert_cmpint (unlock_entry (entries, 1)->outcome, ==, CI_OUTCOME_FAILED);
  g_assert_cmpstr (unlock_entry (entries, 1)->reason, ==, "Wrong passphrase for the key store");
  g_assert_cmpstr (unlock_entry (entries, 0)->operator_login, ==, "hr");
  g_assert_cmpint (unlock_entry (entries, 0)->outcome, ==, CI_OUTCOME_OK);
  for (guint i = 0; i < entries->len; i++)
    {
      g_assert_null (strstr (unlock_entry (entries, i)->details, "passphrase"));
      g_assert_null (strstr (unlock_entry (entries, i)->reason, "not-the-passphrase"));
    }
  ci_test_assert_audit_intact ();

  /* Unlocked now: the next card asks for the holder's PIN straight away. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "issue.start", NULL));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_nonnull (ci_test_find_named (GTK_WIDGET (dialog), "pin"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  ci_test_lock ();
  ci_test_vcard_stop (card);
}

/* ─── the other card flows ──────────────────────────────────────────────── */

/* The replacement of a lost card, at the front desk. */
static void
test_replace_asks_first (void)
{
  CiFrontDeskPage *page = ci_test_window_child ("front_desk_page");
  g_autoptr(CiOperator) frontdesk = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;
  GtkWidget *search, *entry = NULL;
  AdwMessageDialog *dialog;
  gint64 serial;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  /* The card the first test issued is lost; the keys are locked again. */
  frontdesk = ci_test_operator ("frontdesk");
  cards = ci_services_card_list (services (), frontdesk, "E-1001", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 1);
  serial = ci_card_get_serial (cards->pdata[0]);
  g_assert_true (ci_services_card_set_state (services (), frontdesk, serial, CI_CARD_LOST,
                                             "left on the train", &error));
  g_assert_no_error (error);
  lock_keys ();

  ci_test_sign_in_ok ("frontdesk");
  ci_test_show_page ("front-desk");
  search = ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "search_entry");
  printed = ci_card_format_serial (serial);
  ci_test_set_text (search, printed);
  g_signal_emit_by_name (search, "activate");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_front_desk_page_get_holder (page), "E-1001") == 0
                    && gtk_widget_get_visible (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                              "replace_box")));
  gtk_widget_activate (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "replace_button"));
  dialog = wait_for_unlock_dialog (&entry);
  give_up (dialog);
  g_assert_false (ci_front_desk_page_get_busy (page));
  g_assert_cmpint (ci_front_desk_page_get_issued (page), ==, 0);
  ci_test_lock ();
}

/* A batch over every reader. */
static void
test_batch_asks_first (void)
{
  CiBatchPage *page = ci_test_window_child ("batch_page");
  g_autofree char *path = g_build_filename (ci_test_workdir, "unlock-batch.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GtkWidget *entry = NULL;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  g_file_set_contents (path, "employee_number\nE-1002\n", -1, &error);
  g_assert_no_error (error);
  lock_keys ();
  ci_test_sign_in_ok ("hr");
  ci_test_show_page ("batch");
  ci_batch_page_load_file (page, file);
  CI_TEST_WAIT_FOR (ci_batch_page_get_state (page) == CI_BATCH_PAGE_REVIEW);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batch.start", NULL));
  give_up (wait_for_unlock_dialog (&entry));
  g_assert_cmpint (ci_batch_page_get_state (page), ==, CI_BATCH_PAGE_REVIEW);
  g_assert_cmpuint (ci_batch_page_get_n_done (page), ==, 0);
  ci_test_lock ();
}

static void
start_reencode (CiAccessPage *page)
{
  ci_test_sign_in_ok ("security");
  ci_test_show_page ("access");
  CI_TEST_WAIT_FOR (!ci_access_page_get_busy (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "access.reencode", NULL));
}

/* Re-encoding a card after a change of access. The session locked while the
 * dialog is up closes it, and nothing is written; also when the keys were
 * being unlocked then (the worker finishes, the card work does not start). */
static void
test_reencode_asks_first (void)
{
  CiAccessPage *page = ci_test_window_child ("access_page");
  g_auto(Sent) sent = { 0 };
  AdwMessageDialog *dialog;
  GtkWidget *entry = NULL;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  lock_keys ();
  start_reencode (page);
  wait_for_unlock_dialog (&entry);
  ci_test_set_text (entry, "typed, never sent");
  ci_test_lock ();
  ci_test_run_for (50);
  g_assert_null (ci_test_find_dialog ());
  g_assert_false (keys_unlocked ());
  g_assert_false (ci_access_page_get_busy (page));

  start_reencode (page);
  dialog = wait_for_unlock_dialog (&entry);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (note_sent), &sent);
  ci_test_set_text (entry, CI_TEST_KEYSTORE_PASSPHRASE);
  press_enter (entry);
  CI_TEST_WAIT_FOR (sent.response != NULL);
  ci_test_lock ();
  g_assert_null (ci_test_find_dialog ());
  /* The worker holds the dialog until it has reported back. */
  CI_TEST_WAIT_FOR (dialog == NULL);
  g_assert_true (keys_unlocked ());
  g_assert_false (ci_access_page_get_busy (page));
  g_assert_null (ci_test_find_dialog ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-unlock/issue-asks-first", test_issue_asks_first);
  g_test_add_func ("/app-unlock/replace-asks-first", test_replace_asks_first);
  g_test_add_func ("/app-unlock/batch-asks-first", test_batch_asks_first);
  g_test_add_func ("/app-unlock/reencode-asks-first", test_reencode_asks_first);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO_LOCKED);
}
