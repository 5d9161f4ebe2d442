/* ci-store-pg-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-store-pg.h"

#include <libpq-fe.h>

G_BEGIN_DECLS

struct _CiStorePg
{
  CiStore     parent_instance;

  char       *conninfo;
  char       *display;         /* "database on host", for messages: never a password */
  PGconn     *conn;
  GHashTable *statements;      /* const char *sql → its prepared statement's name */
  GRecMutex   lock;
  gboolean    in_transaction;
};

#define PG(s) CI_STORE_PG (s)
#define PG_LOCK(self) g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&(self)->lock)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

#define CI_PG_MAX_PARAMS 16

/* The parameters of one statement, each sent as text (or, for bytea, as raw
 * bytes), never pasted into the SQL. Values the params made themselves, such
 * as numbers in decimal, are freed by _ci_pg_params_clear(). */
typedef struct
{
  int         n;
  const char *values[CI_PG_MAX_PARAMS];
  int         lengths[CI_PG_MAX_PARAMS];
  int         formats[CI_PG_MAX_PARAMS];
  char       *owned[CI_PG_MAX_PARAMS];
} CiPgParams;

void           _ci_pg_params_clear     (CiPgParams     *p);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CiPgParams, _ci_pg_params_clear)

void           _ci_pg_param_text       (CiPgParams     *p,
                                        const char     *text);
void           _ci_pg_param_take       (CiPgParams     *p,
                                        char           *text);
void           _ci_pg_param_int        (CiPgParams     *p,
                                        gint64          value);
void           _ci_pg_param_id         (CiPgParams     *p,
                                        gint64          id);
void           _ci_pg_param_bool       (CiPgParams     *p,
                                        gboolean        value);
void           _ci_pg_param_bytes      (CiPgParams     *p,
                                        gconstpointer   data,
                                        gsize           len);

typedef gpointer (*CiPgRowFunc) (const PGresult *r,
                                 int             row);

gboolean       _ci_pg_error            (CiStorePg       *self,
                                        const PGresult  *r,
                                        GError         **error);
gboolean       _ci_pg_not_found        (GError         **error,
                                        const char      *format,
                                        ...) G_GNUC_PRINTF (2, 3);
PGresult      *_ci_pg_query            (CiStorePg       *self,
                                        const char      *sql,
                                        const CiPgParams *p,
                                        GError         **error);
PGresult      *_ci_pg_change           (CiStorePg       *self,
                                        const char      *sql,
                                        const CiPgParams *p,
                                        const char      *exists_message,
                                        GError         **error);
gint64         _ci_pg_changes          (const PGresult  *r);
char          *_ci_pg_text             (const PGresult  *r,
                                        int              row,
                                        int              col);
const char    *_ci_pg_peek             (const PGresult  *r,
                                        int              row,
                                        int              col);
gint64         _ci_pg_int              (const PGresult  *r,
                                        int              row,
                                        int              col);
gboolean       _ci_pg_bool             (const PGresult  *r,
                                        int              row,
                                        int              col);
GBytes        *_ci_pg_bytes            (const PGresult  *r,
                                        int              row,
                                        int              col);
GPtrArray     *_ci_pg_collect          (const PGresult  *r,
                                        CiPgRowFunc      from_row);
gpointer       _ci_pg_get_one          (CiStorePg       *self,
                                        const char      *sql,
                                        const CiPgParams *p,
                                        CiPgRowFunc      from_row,
                                        const char      *missing,
                                        GError         **error);

/* Each sibling file fills in the virtual methods of its records. */
void           _ci_store_pg_people_class_init (CiStoreClass *store_class);
void           _ci_store_pg_access_class_init (CiStoreClass *store_class);
void           _ci_store_pg_audit_class_init  (CiStoreClass *store_class);

/* The schema version PostgreSQL databases are at: the same numbers as the
 * SQLite schema, so a version means the same records on either backend. */
#define CI_STORE_PG_SCHEMA_VERSION 4

/* Opens a database migrated only up to @version (0, or the current version),
 * so tests can start from an empty database and check that a later open
 * creates the schema. */
CiStore *_ci_store_pg_new_at_version (const char  *conninfo,
                                      int          version,
                                      GError     **error);

G_END_DECLS
