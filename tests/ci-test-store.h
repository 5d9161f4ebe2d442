/* ci-test-store.h — a fresh, empty store for each test, on either backend
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "keys/ci-key-store.h"
#include "store/ci-store.h"

G_BEGIN_DECLS

/* The store, audit and service tests run against SQLite, or against
 * PostgreSQL when CI_TEST_STORE_BACKEND=postgresql; then tests/with-postgres.sh
 * provides the server (CI_TEST_PG_URI) and each test gets an empty schema of
 * its own, alone on its connections' search path. */
typedef struct
{
  char    *dir;        /* SQLite: the folder of the database file */
  char    *path;       /* SQLite: the database file */
  char    *pg_name;    /* PostgreSQL: the test's own schema */
  char    *location;   /* what ci_store_open() takes: the file, or the connection string */
  CiStore *store;
} Fixture;

gboolean    ci_test_store_init           (void);
gboolean    ci_test_store_is_pg          (void);

void        fixture_setup_empty          (Fixture       *fx,
                                          gconstpointer  data);
void        fixture_setup                (Fixture       *fx,
                                          gconstpointer  data);
void        fixture_teardown             (Fixture       *fx,
                                          gconstpointer  data);
void        reopen                       (Fixture       *fx);

/* Raw SQL on a second connection, past the store; @sqlite or @pg, by backend. */
#define SQL(sqlite, pg) (ci_test_store_is_pg () ? (pg) : (sqlite))
void        raw_exec                     (Fixture       *fx,
                                          const char    *sql);
gint64      raw_int                      (Fixture       *fx,
                                          const char    *sql);
char       *raw_text                     (Fixture       *fx,
                                          const char    *sql);

/* Removes a test's folder and the files in it (no subfolders). */
void        ci_test_remove_dir           (const char    *path);

/* A new, unlocked key store in a temporary folder @dir, for a test program's
 * cases to share; ci_test_key_store_free() finalizes it and removes @dir. */
CiKeyStore *ci_test_key_store_new        (const char    *passphrase,
                                          char         **dir);
void        ci_test_key_store_free       (CiKeyStore    *keys,
                                          char          *dir);

/* The audit records of the store (test-store-audit.c). */
void        ci_test_store_add_audit_tests (void);

G_END_DECLS
