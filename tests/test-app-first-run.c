/* test-app-first-run.c — the first-run assistant on a new database
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ci-test-app.h"

/* ─── first run ─────────────────────────────────────────────────────────── */

static void
test_first_run (void)
{
  gpointer page = ci_test_window_child ("setup_page");
  GType type = G_TYPE_FROM_INSTANCE (page);
  g_autofree char *keystore = g_build_filename (ci_test_workdir, "keys.cikeys", NULL);

  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SETUP);
  g_assert_cmpstr (ci_window_get_visible_page (ci_test_window), ==, "setup");
  ci_test_set_text (ci_test_child (page, type, "login_row"), "boss");
  ci_test_set_text (ci_test_child (page, type, "name_row"), "Bea Boss");
  ci_test_set_text (ci_test_child (page, type, "password_row"), "a long enough password");
  ci_test_set_text (ci_test_child (page, type, "password2_row"), "a long enough passwore");
  /* Nothing happens while the form is incomplete: the action is disabled. */
  gtk_widget_activate_action (GTK_WIDGET (page), "setup.create", NULL);
  ci_test_run_for (200);
  g_assert_cmpint (ci_application_get_phase (ci_test_app), ==, CI_PHASE_SETUP);
  g_assert_false (g_file_test (keystore, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (gtk_label_get_text (ci_test_child (page, type, "hint_label")), ==,
                   "The two passwords differ.");
  ci_test_set_text (ci_test_child (page, type, "password2_row"), "a long enough password");
  ci_test_set_text (ci_test_child (page, type, "passphrase_row"), "key store passphrase");
  ci_test_set_text (ci_test_child (page, type, "passphrase2_row"), "key store passphrase");
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "first-run");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "setup.create", NULL));
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  g_assert_true (g_file_test (keystore, G_FILE_TEST_EXISTS));

  ci_test_sign_in ("boss", "a long enough password");
  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_IN);
  g_assert_true (ci_application_may (ci_test_app, CI_ACTION_ADMIN));
  g_assert_false (ci_application_may (ci_test_app, CI_ACTION_CARD_ISSUE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/first-run", test_first_run);
  return ci_test_app_run (argc, argv, CI_TEST_APP_EMPTY);
}
