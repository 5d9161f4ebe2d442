/* ci-test-app.h — run the desktop application under a GUI test
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-application.h"
#include "ci-window.h"

G_BEGIN_DECLS

/* The application under test, its window and its temporary folder (which
 * holds cardissue.db, keys.cikeys and anything a test puts there). */
extern CiApplication *ci_test_app;
extern CiWindow      *ci_test_window;
extern char          *ci_test_workdir;

/* Lets the application run until @cond holds; fails the test after a minute. */
#define CI_TEST_WAIT_FOR(cond)                                                  \
  G_STMT_START {                                                                \
    gint64 end_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;                \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > end_)                                     \
          g_error ("timed out waiting for %s", #cond);                          \
        if (!g_main_context_iteration (NULL, FALSE))                            \
          g_usleep (1000);                                                      \
      }                                                                         \
  } G_STMT_END

/**
 * CiTestAppDatabase:
 * @CI_TEST_APP_EMPTY: a new database: the first-run assistant shows
 * @CI_TEST_APP_DEMO: `cardissue-cli demo`: operators admin, hr, security and
 *   frontdesk (password demo-password), zones, ten employees; the key store
 *   is unlocked (CARDISSUE_KEYSTORE_PASSPHRASE)
 * @CI_TEST_APP_DEMO_LOCKED: the same, but the application starts with the key
 *   store locked (no passphrase in its environment): card work asks for it
 */
typedef enum
{
  CI_TEST_APP_EMPTY,
  CI_TEST_APP_DEMO,
  CI_TEST_APP_DEMO_LOCKED,
} CiTestAppDatabase;

/* The demo key store's passphrase (cardissue-cli demo). */
#define CI_TEST_KEYSTORE_PASSPHRASE "demo-keystore-passphrase"

int               ci_test_app_run         (int                argc,
                                           char              *argv[],
                                           CiTestAppDatabase  database);
void              ci_test_run_for         (guint              ms);
gpointer          ci_test_child           (gpointer           widget,
                                           GType              type,
                                           const char        *name);
gpointer          ci_test_window_child    (const char        *name);
GtkWidget        *ci_test_find_named      (GtkWidget         *widget,
                                           const char        *name);
AdwMessageDialog *ci_test_find_dialog     (void);
void              ci_test_set_text        (gpointer           editable,
                                           const char        *text);
void              ci_test_screenshot      (GtkWidget         *widget,
                                           const char        *name);
CiOperator       *ci_test_operator        (const char        *login);
void              ci_test_sign_in         (const char        *login,
                                           const char        *password);
void              ci_test_sign_in_ok      (const char        *login);
void              ci_test_lock            (void);
void              ci_test_show_page       (const char        *name);
void              ci_test_assert_audit_intact (void);

G_END_DECLS
