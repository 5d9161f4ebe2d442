/* test-app-access.c — the access page of the desktop application
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "card/ci-card-verify.h"
#include "ci-access-page.h"
#include "ci-reader-chooser.h"
#include "ci-test-app.h"
#include "ci-test-vcard.h"
#include "services/ci-services-issue.h"

/* The demo database's zones (cardissue-cli demo), as the tree shows them. */
static const char * const demo_zones[] = {
  "HQ", "HQ-A", "HQ-A-LOBBY", "HQ-A-OFFICES", "HQ-A-SERVER", "HQ-B",
};

static CiAccessPage *
get_page (void)
{
  return ci_test_window_child ("access_page");
}

static gpointer
page_child (const char *name)
{
  return ci_test_child (get_page (), CI_TYPE_ACCESS_PAGE, name);
}

static void
wait_idle (void)
{
  CI_TEST_WAIT_FOR (!ci_access_page_get_busy (get_page ()));
}

static CiServices *
services (void)
{
  return ci_application_get_services (ci_test_app);
}

/* Signs in, opens the page and waits for the zones and the first zone's holders. */
static void
open_page_as (const char *login)
{
  ci_test_sign_in_ok (login);
  ci_test_show_page ("access");
  wait_idle ();
}

static GtkTreeListRow *
tree_row (guint position)
{
  return g_list_model_get_item (G_LIST_MODEL (page_child ("zone_selection")), position);
}

static guint
zone_position (const char *code)
{
  GListModel *model = G_LIST_MODEL (page_child ("zone_selection"));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = tree_row (i);
      g_autoptr(CiZone) zone = gtk_tree_list_row_get_item (row);

      if (g_strcmp0 (ci_zone_get_code (zone), code) == 0)
        return i;
    }
  g_error ("zone %s is not in the tree", code);
}

/* Picks a zone in the tree, as a click or the arrow keys do. */
static void
choose_zone (const char *code)
{
  gtk_single_selection_set_selected (page_child ("zone_selection"), zone_position (code));
  wait_idle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page_child ("detail_stack")), ==, "zone");
}

static CiZone *
core_zone (const char *code)
{
  g_autoptr(GError) error = NULL;
  CiZone *zone = ci_store_zone_get_by_code (ci_services_get_store (services ()), code, &error);

  g_assert_no_error (error);
  return zone;
}

/* The employee's grant on @zone_code as the core has it, or NULL. */
static CiGrant *
core_grant (const char *number,
            const char *zone_code)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) grants = ci_services_grant_list (services (), security, number, &error);
  g_autoptr(CiZone) zone = core_zone (zone_code);

  g_assert_no_error (error);
  for (guint i = 0; i < grants->len; i++)
    if (ci_grant_get_zone_id (grants->pdata[i]) == ci_zone_get_id (zone))
      return g_object_ref (grants->pdata[i]);
  return NULL;
}

static GtkWidget *
dialog_field (AdwMessageDialog *dialog,
              const char       *name)
{
  GtkWidget *field = ci_test_find_named (GTK_WIDGET (dialog), name);

  g_assert_nonnull (field);
  return field;
}

static AdwMessageDialog *
open_dialog (const char *action)
{
  AdwMessageDialog *dialog;

  g_assert_null (ci_test_find_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), action, NULL));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  return dialog;
}

/* Answers a dialog and waits for the core call it starts, and the reload. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  /* As a click on the button would; not gtk_window_close(), which answers again. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (ci_test_find_dialog ());
  wait_idle ();
}

static const char *
hint_of (AdwMessageDialog *dialog)
{
  GtkWidget *hint = dialog_field (dialog, "hint");

  return gtk_widget_get_visible (hint) ? gtk_label_get_text (GTK_LABEL (hint)) : NULL;
}

static void
choose_item (AdwComboRow *row,
             const char  *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("no “%s” to choose", text);
}

/* The grant dialog, filled in for @number: the zone is the chosen one. */
static AdwMessageDialog *
fill_grant (const char *number,
            const char *schedule,
            const char *expires)
{
  AdwMessageDialog *dialog = open_dialog ("access.grant");

  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "grant"));
  ci_test_set_text (dialog_field (dialog, "grant-employee"), number);
  /* The holder is looked up through the core; then the grant may go. */
  CI_TEST_WAIT_FOR (adw_message_dialog_get_response_enabled (dialog, "grant"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (dialog_field (dialog,
                                                                 "grant-holder"))), !=, "");
  if (schedule != NULL)
    choose_item (ADW_COMBO_ROW (dialog_field (dialog, "grant-schedule")), schedule);
  if (expires != NULL)
    ci_test_set_text (dialog_field (dialog, "grant-expires"), expires);
  return dialog;
}

static GtkWidget *
access_row (const char *number)
{
  return ci_test_find_named (page_child ("access_list"), number);
}

/* Scrolls the page so that @widget is on screen, for a screenshot. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, scroller, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
}

/* ─── the cases ─────────────────────────────────────────────────────────── */

/* The page is offered to the roles that may use it, and only to them, and
 * shows the zone hierarchy: site > building > area. */
static void
test_offered_by_role (void)
{
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  GtkWidget *page = ci_test_window_child ("access_page");
  g_autoptr(GtkTreeListRow) lobby = NULL;
  g_autoptr(GtkTreeListRow) site = NULL;

  ci_test_sign_in_ok ("admin");
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page_child ("zone_selection"))), ==, 0);
  ci_test_lock ();
  open_page_as ("security");
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page)));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page_child ("zone_selection"))), ==,
                    G_N_ELEMENTS (demo_zones));
  for (guint i = 0; i < G_N_ELEMENTS (demo_zones); i++)
    zone_position (demo_zones[i]);
  site = tree_row (zone_position ("HQ"));
  lobby = tree_row (zone_position ("HQ-A-LOBBY"));
  g_assert_cmpuint (gtk_tree_list_row_get_depth (site), ==, 0);
  g_assert_true (gtk_tree_list_row_is_expandable (site));
  g_assert_cmpuint (gtk_tree_list_row_get_depth (lobby), ==, 2);
  g_assert_false (gtk_tree_list_row_is_expandable (lobby));
  /* The first zone is shown at once, with what a security officer may do. */
  g_assert_cmpstr (gtk_label_get_text (page_child ("name_label")), ==, "Headquarters");
  g_assert_true (gtk_widget_get_visible (page_child ("add_zone_button")));
  g_assert_true (gtk_widget_get_visible (page_child ("reencode_group")));

  choose_zone ("HQ-A-SERVER");
  g_assert_cmpstr (adw_action_row_get_subtitle (page_child ("level_row")), ==,
                   "High security, level 8");
  g_assert_cmpstr (adw_action_row_get_subtitle (page_child ("hr_row")), ==,
                   "Security officers only");
  g_assert_nonnull (ci_test_find_named (page_child ("schedule_list"), "office-hours"));
  ci_test_lock ();
  /* Nothing stays behind the sign-in page. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page_child ("zone_selection"))), ==, 0);
  g_assert_null (ci_test_find_named (page_child ("schedule_list"), "office-hours"));
}

/* A security officer grants a zone with a schedule and an expiry, then
 * withdraws it after one confirmation. */
static void
test_grant_and_withdraw (void)
{
  g_autoptr(CiGrant) grant = NULL;
  g_autoptr(CiGrant) gone = NULL;
  g_autoptr(CiZone) office_zone = NULL;
  AdwMessageDialog *dialog;

  open_page_as ("security");
  choose_zone ("HQ-A-OFFICES");
  g_assert_null (access_row ("E-1002"));

  dialog = fill_grant ("E-1002", "office-hours", "2099-13-01");
  /* A date that is no date is caught before the core is asked. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "grant"));
  g_assert_nonnull (hint_of (dialog));
  ci_test_set_text (dialog_field (dialog, "grant-expires"), "2099-12-31");
  g_assert_null (hint_of (dialog));
  ci_test_screenshot (GTK_WIDGET (dialog), "access-grant");
  respond (dialog, "grant");

  grant = core_grant ("E-1002", "HQ-A-OFFICES");
  g_assert_nonnull (grant);
  g_assert_cmpstr (ci_grant_get_expires (grant), ==, "2099-12-31");
  g_assert_cmpstr (ci_grant_get_granted_by (grant), ==, "security");
  g_assert_cmpint (ci_grant_get_schedule_id (grant), >, 0);
  g_assert_nonnull (access_row ("E-1002"));
  g_assert_false (gtk_widget_get_visible (page_child ("message_label")));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "access");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "access.withdraw", "s",
                                             "E-1002"));
  CI_TEST_WAIT_FOR ((dialog = ci_test_find_dialog ()) != NULL);
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "withdraw"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  respond (dialog, "withdraw");
  gone = core_grant ("E-1002", "HQ-A-OFFICES");
  g_assert_null (gone);
  g_assert_null (access_row ("E-1002"));
  ci_test_assert_audit_intact ();
  ci_test_lock ();
}

/* New schedules and zones: the create button waits for a valid form, and
 * the core's refusal is shown. */
static void
test_add_schedule_and_zone (void)
{
  g_autoptr(CiOperator) security = ci_test_operator ("security");
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(CiZone) store = NULL;
  g_autoptr(CiZone) building = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  gboolean found = FALSE;

  open_page_as ("security");
  dialog = open_dialog ("access.add-schedule");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  ci_test_set_text (dialog_field (dialog, "schedule-name"), "evenings");
  ci_test_set_text (dialog_field (dialog, "schedule-rules"), "mon-fri 25:00-26:00");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  g_assert_nonnull (hint_of (dialog));
  ci_test_set_text (dialog_field (dialog, "schedule-rules"), "mon-fri 18:00-22:00");
  respond (dialog, "add");
  schedules = ci_services_schedule_list (services (), security, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < schedules->len; i++)
    found |= g_strcmp0 (ci_schedule_get_name (schedules->pdata[i]), "evenings") == 0;
  g_assert_true (found);
  g_assert_nonnull (ci_test_find_named (page_child ("schedule_list"), "evenings"));

  /* Below the chosen building, an area is what comes next. */
  choose_zone ("HQ-A");
  dialog = open_dialog ("access.add-zone");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  ci_test_set_text (dialog_field (dialog, "zone-code"), "HQ-A-STORE");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "add"));
  ci_test_screenshot (GTK_WIDGET (dialog), "access-add-zone");
  ci_test_set_text (dialog_field (dialog, "zone-name"), "Store room");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (dialog_field (dialog, "zone-level")), 3);
  respond (dialog, "add");
  store = core_zone ("HQ-A-STORE");
  building = core_zone ("HQ-A");
  g_assert_cmpint (ci_zone_get_kind (store), ==, CI_ZONE_AREA);
  g_assert_cmpint (ci_zone_get_parent_id (store), ==, ci_zone_get_id (building));
  g_assert_cmpint (ci_zone_get_security_level (store), ==, 3);
  /* The new zone is in the tree, and chosen. */
  g_assert_cmpstr (gtk_label_get_text (page_child ("name_label")), ==, "Store room");

  /* A code that is taken: the form is valid, the core refuses, the page says why. */
  dialog = open_dialog ("access.add-zone");
  ci_test_set_text (dialog_field (dialog, "zone-code"), "HQ-A-LOBBY");
  ci_test_set_text (dialog_field (dialog, "zone-name"), "Second lobby");
  respond (dialog, "add");
  g_assert_true (gtk_widget_get_visible (page_child ("message_label")));
  g_test_message ("refusal: %s", gtk_label_get_text (page_child ("message_label")));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (page_child ("message_label")),
                                   "The zone was not added."));
  ci_test_lock ();
}

/* HR may grant only zones marked "HR may grant": the page offers no other,
 * and the core refuses them all the same. */
static void
test_hr_grants_marked_zones (void)
{
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(CiGrant) refused = NULL;
  g_autoptr(CiGrant) granted = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GListModel *offered;

  open_page_as ("hr");
  g_assert_false (gtk_widget_get_visible (page_child ("add_zone_button")));
  g_assert_false (gtk_widget_get_visible (page_child ("add_schedule_button")));
  g_assert_false (gtk_widget_get_visible (page_child ("reencode_group")));
  choose_zone ("HQ-B");
  g_assert_true (gtk_widget_get_visible (page_child ("grant_button")));
  g_assert_false (gtk_widget_is_sensitive (page_child ("grant_button")));
  choose_zone ("HQ-A-SERVER");
  g_assert_false (gtk_widget_is_sensitive (page_child ("grant_button")));

  choose_zone ("HQ-A-OFFICES");
  g_assert_true (gtk_widget_is_sensitive (page_child ("grant_button")));
  dialog = fill_grant ("E-1003", NULL, NULL);
  offered = adw_combo_row_get_model (ADW_COMBO_ROW (dialog_field (dialog, "grant-zone")));
  /* HQ, HQ-A, the lobby and the offices (and the store room added before: not marked). */
  g_assert_cmpuint (g_list_model_get_n_items (offered), ==, 4);
  for (guint i = 0; i < g_list_model_get_n_items (offered); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (offered, i);
      const char *text = gtk_string_object_get_string (item);

      g_assert_null (strstr (text, "HQ-A-SERVER"));
      g_assert_null (strstr (text, "HQ-B"));
    }
  respond (dialog, "grant");
  granted = core_grant ("E-1003", "HQ-A-OFFICES");
  g_assert_nonnull (granted);
  g_assert_cmpstr (ci_grant_get_granted_by (granted), ==, "hr");

  refused = ci_services_grant (services (), hr, "E-1003", "HQ-B", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED);
  ci_test_lock ();
}

/* The zone ids written on the card in @reader, read as a door would. */
static GArray *
read_card_zones (const char *reader)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCardChannel) channel = ci_card_channel_connect (reader, CI_CARD_SHARE_SHARED, NULL,
                                                              &error);
  CiCardSession *session;
  CiCardContents contents;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint8 life_cycle;

  g_assert_no_error (error);
  session = ci_card_session_new (channel);
  g_assert_true (ci_card_session_select_df (session, &life_cycle, &error));
  g_assert_no_error (error);
  g_assert_true (ci_card_read_contents (session, &contents, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < contents.zones.zones->len; i++)
    {
      gint64 id = ((CiCardZone *) contents.zones.zones->pdata[i])->zone_id;
      g_array_append_val (ids, id);
    }
  ci_card_contents_clear (&contents);
  ci_card_session_free (session);
  return ids;
}

static gboolean
has_zone (GArray     *ids,
          const char *code)
{
  g_autoptr(CiZone) zone = core_zone (code);

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == ci_zone_get_id (zone))
      return TRUE;
  return FALSE;
}

/* A new zone for someone who has a card: granted on the page, and the card
 * re-encoded on the spot. */
static void
test_reencode_card (void)
{
  g_autofree char *image = g_build_filename (ci_test_workdir, "access-card.img", NULL);
  g_autofree char *reader = ci_test_reader_name (0);
  g_autoptr(CiOperator) security = NULL;
  g_autoptr(CiIssueResult) issued = NULL;
  g_autoptr(GArray) before = NULL;
  g_autoptr(GArray) after = NULL;
  g_autoptr(GError) error = NULL;
  CiIssueOptions options = { .reader = reader, .pin = "2468" };
  GtkLabel *result;
  CiTestVcard *card;

  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh");
      return;
    }
  card = ci_test_vcard_start (image, 0, NULL);
  ci_test_wait_for_card (0, TRUE);
  security = ci_test_operator ("security");
  issued = ci_services_card_issue (services (), security, "E-1001", &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (issued);
  before = read_card_zones (reader);
  g_assert_false (has_zone (before, "HQ-A-SERVER"));

  open_page_as ("security");
  choose_zone ("HQ-A-SERVER");
  respond (fill_grant ("E-1001", NULL, NULL), "grant");
  g_assert_nonnull (access_row ("E-1001"));

  CI_TEST_WAIT_FOR (ci_reader_chooser_get_card_present (page_child ("reader_chooser")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_page ()), "access.reencode", NULL));
  g_assert_true (ci_access_page_get_busy (get_page ()));
  g_assert_true (gtk_widget_get_visible (page_child ("progress")));
  wait_idle ();
  result = page_child ("result_label");
  g_test_message ("result: %s", gtk_label_get_text (result));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (result)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "success"));
  g_assert_false (gtk_widget_get_visible (page_child ("progress")));
  scroll_to (page_child ("reencode_group"));
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "access-reencoded");

  /* The card itself now carries the zone, as a door reads it. */
  after = read_card_zones (reader);
  g_assert_true (has_zone (after, "HQ-A-SERVER"));
  g_assert_cmpuint (after->len, ==, before->len + 1);
  ci_test_assert_audit_intact ();
  ci_test_lock ();
  ci_test_vcard_stop (card);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-access/offered-by-role", test_offered_by_role);
  g_test_add_func ("/app-access/grant-and-withdraw", test_grant_and_withdraw);
  g_test_add_func ("/app-access/add-schedule-and-zone", test_add_schedule_and_zone);
  g_test_add_func ("/app-access/hr-grants-marked-zones", test_hr_grants_marked_zones);
  g_test_add_func ("/app-access/reencode-card", test_reencode_card);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
