/* test-app-front-desk.c — the front desk page of the desktop application
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "card/ci-card-verify.h"
#include "ci-front-desk-page.h"
#include "ci-reader-chooser.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services-issue.h"

/* The page is offered to the roles that may use it, and only to them. */
static void
test_offered_by_role (void)
{
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  GtkWidget *page = ci_test_window_child ("front_desk_page");

  ci_test_sign_in_ok ("admin");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  ci_test_lock ();
  ci_test_sign_in_ok ("frontdesk");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  ci_test_show_page ("front-desk");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "front-desk-empty");
  ci_test_lock ();
}

/* By name, and by a serial nobody issued; nothing stays after sign-out. */
static void
test_find (void)
{
  CiFrontDeskPage *page = ci_test_window_child ("front_desk_page");
  GtkWidget *entry = ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "search_entry");
  GtkLabel *count = ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "count_label");
  GListModel *list = G_LIST_MODEL (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "selection"));

  ci_test_sign_in_ok ("frontdesk");
  ci_test_show_page ("front-desk");
  ci_test_set_text (entry, "9999999999");
  g_signal_emit_by_name (entry, "activate");
  CI_TEST_WAIT_FOR (gtk_widget_has_css_class (GTK_WIDGET (count), "error"));
  g_test_message ("unknown serial: %s", gtk_label_get_text (count));
  g_assert_nonnull (strstr (gtk_label_get_text (count), "9999999999"));
  g_assert_null (ci_front_desk_page_get_holder (page));

  ci_test_set_text (entry, "Müller");
  CI_TEST_WAIT_FOR (g_list_model_get_n_items (list) == 1);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (count), "error"));
  g_signal_emit_by_name (entry, "activate");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_front_desk_page_get_holder (page), "E-1001") == 0);
  /* No card yet: nothing to report, nothing to replace. */
  g_assert_null (ci_test_find_named (GTK_WIDGET (page), "report-lost"));
  g_assert_false (gtk_widget_get_visible (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                         "replace_box")));
  ci_test_lock ();
  g_assert_null (ci_front_desk_page_get_holder (page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                                    "detail_stack")), ==, "empty");
}

/* The zone ids written on the card in @reader, e.g. "3,4,7", read as a door would. */
static char *
read_card_zones (const char *reader)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCardChannel) channel = ci_card_channel_connect (reader, CI_CARD_SHARE_SHARED, NULL,
                                                              &error);
  CiCardSession *session;
  CiCardContents contents;
  g_autoptr(GString) ids = g_string_new (NULL);
  guint8 life_cycle;

  g_assert_no_error (error);
  session = ci_card_session_new (channel);
  g_assert_true (ci_card_session_select_df (session, &life_cycle, &error));
  g_assert_no_error (error);
  g_assert_true (ci_card_read_contents (session, &contents, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < contents.zones.zones->len; i++)
    {
      CiCardZone *zone = contents.zones.zones->pdata[i];

      g_string_append_printf (ids, "%s%u", i ? "," : "", zone->zone_id);
    }
  ci_card_contents_clear (&contents);
  ci_card_session_free (session);
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static CiCard *
get_card (gint64 serial)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  CiCard *card = ci_services_card_get (ci_application_get_services (ci_test_app), security,
                                       serial, &error);

  g_assert_no_error (error);
  return card;
}

/* HR issues Anna Müller's first card through the core; returns its serial. */
static gint64
issue_first_card (const char  *image,
                  char       **zones)
{
  g_autofree char *reader = ci_test_reader_name (0);
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(CiIssueResult) issued = NULL;
  g_autoptr(GError) error = NULL;
  CiIssueOptions options = { .reader = reader, .pin = "1357" };
  CiTestVcard *card = ci_test_vcard_start (image, 0, NULL);

  issued = ci_services_card_issue (ci_application_get_services (ci_test_app), hr, "E-1001",
                                   &options, &error);
  g_assert_no_error (error);
  *zones = read_card_zones (reader);
  /* The holder leaves with it, and loses it. */
  ci_test_vcard_stop (card);
  return issued->serial;
}

/* Types the serial printed on the card into the search field, and Enter. */
static void
find_by_serial (CiFrontDeskPage *page,
                gint64           serial)
{
  GtkWidget *entry = ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "search_entry");
  g_autofree char *printed = ci_card_format_serial (serial);

  ci_test_set_text (entry, printed);
  g_signal_emit_by_name (entry, "activate");
  CI_TEST_WAIT_FOR (g_strcmp0 (ci_front_desk_page_get_holder (page), "E-1001") == 0
                    && ci_test_find_named (GTK_WIDGET (page), "report-lost") != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                                    "detail_stack")), ==, "holder");
  g_assert_cmpstr (gtk_label_get_text (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "name_label")),
                   ==, "Anna Müller");
}

static void
report_lost (CiFrontDeskPage *page)
{
  AdwMessageDialog *dialog;

  gtk_widget_activate (ci_test_find_named (GTK_WIDGET (page), "report-lost"));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "report"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "reason"), "left on the train");
  ci_test_screenshot (GTK_WIDGET (dialog), "front-desk-report");
  adw_message_dialog_response (dialog, "report");
  /* As a click on the button would; not gtk_window_close(), which answers again. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The page reads the card again: no report buttons, a replacement offered. */
  CI_TEST_WAIT_FOR (gtk_widget_get_visible (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                           "replace_box")));
  g_assert_null (ci_test_find_named (GTK_WIDGET (page), "report-lost"));
  g_assert_true (gtk_widget_has_css_class (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                          "message_label"), "success"));
}

static void
write_replacement (CiFrontDeskPage *page)
{
  AdwMessageDialog *dialog;

  CI_TEST_WAIT_FOR (ci_reader_chooser_get_card_present (ci_test_child (page,
                                 CI_TYPE_FRONT_DESK_PAGE, "reader_chooser")));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "front-desk-replace");
  gtk_widget_activate (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE, "replace_button"));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin"), "2468");
  ci_test_set_text (ci_test_find_named (GTK_WIDGET (dialog), "pin-again"), "2468");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "issue"));
  adw_message_dialog_response (dialog, "issue");
  CI_TEST_WAIT_FOR (ci_front_desk_page_get_busy (page));
  CI_TEST_WAIT_FOR (!ci_front_desk_page_get_busy (page));
  g_test_message ("result: %s", gtk_label_get_text (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                                   "message_label")));
  g_assert_true (gtk_widget_has_css_class (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                          "message_label"), "success"));
  /* The new card is listed, active, and nothing is left to replace. */
  CI_TEST_WAIT_FOR (ci_test_find_named (GTK_WIDGET (page), "report-lost") != NULL);
  g_assert_false (gtk_widget_get_visible (ci_test_child (page, CI_TYPE_FRONT_DESK_PAGE,
                                                         "replace_box")));
}

/* Every grant of the holder is on the card. */
static void
assert_grants_on_card (const char *zones)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = ci_services_grant_list (ci_application_get_services (ci_test_app),
                                                        security, "E-1001", &error);
  g_auto(GStrv) ids = g_strsplit (zones, ",", -1);

  g_assert_no_error (error);
  g_assert_cmpuint (grants->len, >, 0);
  for (guint i = 0; i < grants->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             ci_grant_get_zone_id (grants->pdata[i]));

      g_assert_true (g_strv_contains ((const char * const *) ids, id));
    }
}

/* A card is lost: the front desk finds it by its serial, blocks it with one
 * confirmation and writes the replacement with the same zones. */
static void
test_report_and_replace (void)
{
  CiFrontDeskPage *page = ci_test_window_child ("front_desk_page");
  g_autofree char *first_image = g_build_filename (ci_test_workdir, "first.img", NULL);
  g_autofree char *second_image = g_build_filename (ci_test_workdir, "second.img", NULL);
  g_autofree char *reader = ci_test_reader_name (0);
  g_autofree char *old_zones = NULL;
  g_autofree char *new_zones = NULL;
  g_autoptr(CiCard) old_card = NULL;
  g_autoptr(CiCard) new_card = NULL;
  CiTestVcard *card;
  gint64 serial;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  /* The core is ready once the window asks for a sign-in. */
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  serial = issue_first_card (first_image, &old_zones);
  g_test_message ("first card %" G_GINT64_FORMAT ", zones %s", serial, old_zones);
  g_assert_cmpstr (old_zones, !=, "");

  ci_test_sign_in_ok ("frontdesk");
  ci_test_show_page ("front-desk");
  find_by_serial (page, serial);
  report_lost (page);
  old_card = get_card (serial);
  g_assert_cmpint (ci_card_get_state (old_card), ==, CI_CARD_LOST);
  g_assert_cmpstr (ci_card_get_reason (old_card), ==, "left on the train");

  card = ci_test_vcard_start (second_image, 0, NULL);
  write_replacement (page);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "front-desk");

  g_assert_cmpint (ci_front_desk_page_get_issued (page), >, serial);
  new_card = get_card (ci_front_desk_page_get_issued (page));
  g_assert_cmpint (ci_card_get_state (new_card), ==, CI_CARD_ACTIVE);
  g_assert_cmpint (ci_card_get_replaces (new_card), ==, serial);
  g_assert_cmpint (ci_card_get_employee_id (new_card), ==, ci_card_get_employee_id (old_card));
  new_zones = read_card_zones (reader);
  g_assert_cmpstr (new_zones, ==, old_zones);
  assert_grants_on_card (new_zones);
  g_clear_object (&old_card);
  old_card = get_card (serial);
  g_assert_cmpint (ci_card_get_state (old_card), ==, CI_CARD_LOST);
  ci_test_assert_audit_intact ();

  ci_test_lock ();
  g_assert_null (ci_front_desk_page_get_holder (page));
  ci_test_vcard_stop (card);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-front-desk/offered-by-role", test_offered_by_role);
  g_test_add_func ("/app-front-desk/find", test_find);
  g_test_add_func ("/app-front-desk/report-and-replace", test_report_and_replace);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
