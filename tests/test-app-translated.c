/* test-app-translated.c — the desktop application in German and French
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with LANGUAGE set to CI_TEST_LANGUAGE (de, fr) and the build tree's
 * catalogues: the window's own words, its templates' and the sign-in page's,
 * come from the catalogue, and the translated window is screenshotted.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ci-test-app.h"

/* A translation that is there, and differs from the English. */
static const char *
translated (const char *english)
{
  const char *text = g_dgettext (GETTEXT_PACKAGE, english);

  g_assert_cmpstr (text, !=, english);
  return text;
}

static void
test_sign_in_and_pages (void)
{
  const char *language = g_getenv ("CI_TEST_LANGUAGE");
  gpointer page = ci_test_window_child ("sign_in_page");
  AdwStatusPage *status = ci_test_child (page, G_TYPE_FROM_INSTANCE (page), "status");
  AdwViewStack *stack = ci_test_window_child ("view_stack");
  g_autofree char *shot = NULL;

  CI_TEST_WAIT_FOR (ci_application_get_phase (ci_test_app) == CI_PHASE_SIGNED_OUT);
  g_assert_cmpstr (adw_status_page_get_title (status), ==, translated ("Sign In"));
  shot = g_strdup_printf ("sign-in-%s", language);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), shot);

  ci_test_sign_in_ok ("hr");
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (
                     stack, ci_test_window_child ("employees_page"))),
                   ==, translated ("Employees"));
  g_assert_cmpstr (adw_view_stack_page_get_title (adw_view_stack_get_page (
                     stack, ci_test_window_child ("audit_page"))),
                   ==, translated ("Audit Log"));
  g_clear_pointer (&shot, g_free);
  shot = g_strdup_printf ("employees-%s", language);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), shot);
  ci_test_show_page ("issue");
  g_clear_pointer (&shot, g_free);
  shot = g_strdup_printf ("issue-%s", language);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), shot);
  ci_test_lock ();
}

int
main (int   argc,
      char *argv[])
{
  g_assert_nonnull (g_getenv ("CI_TEST_LANGUAGE"));
  g_setenv ("LANGUAGE", g_getenv ("CI_TEST_LANGUAGE"), TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-translated/sign-in-and-pages", test_sign_in_and_pages);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
