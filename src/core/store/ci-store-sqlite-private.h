/* ci-store-sqlite-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-store-sqlite.h"

#include <sqlite3.h>

G_BEGIN_DECLS

struct _CiStoreSqlite
{
  CiStore     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* const char *sql → sqlite3_stmt * */
  GRecMutex   lock;
  gboolean    in_transaction;
  gboolean    lazy;            /* at synchronous = NORMAL, see begin() */
};

#define STORE(s) CI_STORE_SQLITE (s)
#define LOCK(self) g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&(self)->lock)

typedef gpointer (*CiRowFunc) (sqlite3_stmt *s);

gboolean       _ci_sqlite_error        (CiStoreSqlite  *self,
                                        int             rc,
                                        GError        **error);
sqlite3_stmt  *_ci_sqlite_stmt         (CiStoreSqlite  *self,
                                        const char     *sql,
                                        GError        **error);
gboolean       _ci_sqlite_exec         (CiStoreSqlite  *self,
                                        const char     *sql,
                                        GError        **error);
gboolean       _ci_sqlite_step_done    (CiStoreSqlite  *self,
                                        sqlite3_stmt   *s,
                                        GError        **error);
void           _ci_sqlite_bind_text    (sqlite3_stmt   *s,
                                        int             i,
                                        const char     *text);
char          *_ci_sqlite_col_text     (sqlite3_stmt   *s,
                                        int             i);
gboolean       _ci_sqlite_not_found    (GError        **error,
                                        const char     *format,
                                        ...) G_GNUC_PRINTF (2, 3);
GPtrArray     *_ci_sqlite_collect      (CiStoreSqlite  *self,
                                        sqlite3_stmt   *s,
                                        CiRowFunc       from_row,
                                        GError        **error);
gint64         _ci_sqlite_insert       (CiStoreSqlite  *self,
                                        sqlite3_stmt   *s,
                                        const char     *exists_message,
                                        GError        **error);
gpointer       _ci_sqlite_get_one      (CiStoreSqlite  *self,
                                        sqlite3_stmt   *s,
                                        CiRowFunc       from_row,
                                        const char     *missing,
                                        GError        **error);

/* Each sibling file fills in the virtual methods of its records. */
void           _ci_store_sqlite_people_class_init (CiStoreClass *store_class);
void           _ci_store_sqlite_access_class_init (CiStoreClass *store_class);
void           _ci_store_sqlite_audit_class_init  (CiStoreClass *store_class);

#define CI_STORE_SQLITE_SCHEMA_VERSION 4

/* Opens a database migrated only up to @version, so tests can build an older
 * schema and check that a later open migrates it. */
CiStore *_ci_store_sqlite_new_at_version (const char  *path,
                                          int          version,
                                          GError     **error);

G_END_DECLS
