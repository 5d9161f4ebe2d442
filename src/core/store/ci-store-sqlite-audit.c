/* ci-store-sqlite-audit.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-store-sqlite-private.h"
#include "ci-store-private.h"
#include "model/ci-model.h"

#include <string.h>

/* The audit chain and its signed checkpoints. */

/* ─── audit ─────────────────────────────────────────────────────────────── */

static gboolean
sqlite_audit_head (CiStore  *store,
                   gint64   *seq,
                   guint8    hash[CI_AUDIT_HASH_LEN],
                   GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  *seq = 0;
  memset (hash, 0, CI_AUDIT_HASH_LEN);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (s, 0);
      if (sqlite3_column_bytes (s, 1) == CI_AUDIT_HASH_LEN)
        memcpy (hash, sqlite3_column_blob (s, 1), CI_AUDIT_HASH_LEN);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
}

static gboolean
sqlite_audit_append (CiStore             *store,
                     const CiAuditEntry  *e,
                     GError             **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO audit (seq, time_us, desk, operator, action,"
                             " subject_type, subject_id, outcome, reason, details, duration_us,"
                             " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, e->seq);
  sqlite3_bind_int64 (s, 2, e->time_us);
  _ci_sqlite_bind_text (s, 3, e->desk ? e->desk : "");
  _ci_sqlite_bind_text (s, 4, e->operator_login ? e->operator_login : "");
  _ci_sqlite_bind_text (s, 5, e->action ? e->action : "");
  _ci_sqlite_bind_text (s, 6, e->subject_type ? e->subject_type : "");
  _ci_sqlite_bind_text (s, 7, e->subject_id ? e->subject_id : "");
  sqlite3_bind_int (s, 8, e->outcome);
  _ci_sqlite_bind_text (s, 9, e->reason ? e->reason : "");
  _ci_sqlite_bind_text (s, 10, e->details ? e->details : "");
  sqlite3_bind_int64 (s, 11, e->duration_us);
  sqlite3_bind_blob (s, 12, e->prev_hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (s, 13, e->hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  return _ci_sqlite_step_done (self, s, error);
}

static char *
dup_col (sqlite3_stmt *s,
         int           i)
{
  const char *t = (const char *) sqlite3_column_text (s, i);
  return g_strdup (t ? t : "");
}

static void
copy_hash (sqlite3_stmt *s,
           int           i,
           guint8        out[CI_AUDIT_HASH_LEN])
{
  /* A hash of the wrong length (tampered) reads as zeros and so fails to match. */
  if (sqlite3_column_bytes (s, i) == CI_AUDIT_HASH_LEN)
    memcpy (out, sqlite3_column_blob (s, i), CI_AUDIT_HASH_LEN);
  else
    memset (out, 0, CI_AUDIT_HASH_LEN);
}

static void
audit_from_row (sqlite3_stmt *s,
                CiAuditEntry *e)
{
  ci_audit_entry_clear (e);
  e->seq = sqlite3_column_int64 (s, 0);
  e->time_us = sqlite3_column_int64 (s, 1);
  e->desk = dup_col (s, 2);
  e->operator_login = dup_col (s, 3);
  e->action = dup_col (s, 4);
  e->subject_type = dup_col (s, 5);
  e->subject_id = dup_col (s, 6);
  e->outcome = sqlite3_column_int (s, 7);
  e->reason = dup_col (s, 8);
  e->details = dup_col (s, 9);
  e->duration_us = sqlite3_column_int64 (s, 10);
  copy_hash (s, 11, e->prev_hash);
  copy_hash (s, 12, e->hash);
}

/* The statement for @filter holds only the conditions it uses, so SQLite can
 * pick an index for each shape (operator and sequence, or the sequence alone,
 * walked backwards for the newest entries); every parameter keeps its number
 * whatever the shape. Shapes are few, and each is prepared once. */
static const char *
audit_select_sql (const CiAuditFilter *f)
{
  g_autoptr(GString) sql = g_string_new (
    "SELECT seq, time_us, desk, operator, action, subject_type, subject_id, outcome, reason,"
    " details, duration_us, prev_hash, hash FROM audit WHERE seq > ?1");

  if (f && f->before_seq > 0)
    g_string_append (sql, " AND seq < ?2");
  if (f && f->operator_login)
    g_string_append (sql, " AND operator = ?3");
  if (f && f->action_prefix)
    g_string_append (sql, " AND substr(action, 1, length(?4)) = ?4");
  if (f && f->subject_id)
    g_string_append (sql, " AND subject_id = ?5");
  if (f && f->text && *f->text)
    g_string_append (sql, " AND (action LIKE ?6 ESCAPE '\\' OR subject_id LIKE ?6 ESCAPE '\\'"
                          " OR reason LIKE ?6 ESCAPE '\\' OR details LIKE ?6 ESCAPE '\\')");
  if (f && f->since_us)
    g_string_append (sql, " AND time_us >= ?7");
  if (f && f->until_us)
    g_string_append (sql, " AND time_us < ?8");
  if (f && f->outcomes)
    g_string_append (sql, " AND ((1 << outcome) & ?9) != 0");
  g_string_append (sql, f && f->newest_first ? " ORDER BY seq DESC LIMIT ?10"
                                             : " ORDER BY seq LIMIT ?10");
  /* The statement cache is keyed by the text's address. */
  return g_intern_string (sql->str);
}

static void
audit_bind_filter (sqlite3_stmt        *s,
                   const CiAuditFilter *f)
{
  sqlite3_bind_int64 (s, 1, f ? f->after_seq : 0);
  sqlite3_bind_int64 (s, 10, f && f->limit ? (gint64) f->limit : -1);
  if (f == NULL)
    return;
  /* Numbers the statement does not use are simply not bound. */
  if (f->before_seq > 0)
    sqlite3_bind_int64 (s, 2, f->before_seq);
  if (f->operator_login)
    _ci_sqlite_bind_text (s, 3, f->operator_login);
  if (f->action_prefix)
    _ci_sqlite_bind_text (s, 4, f->action_prefix);
  if (f->subject_id)
    _ci_sqlite_bind_text (s, 5, f->subject_id);
  if (f->text && *f->text)
    sqlite3_bind_text (s, 6, _ci_like_pattern (f->text), -1, g_free);
  if (f->since_us)
    sqlite3_bind_int64 (s, 7, f->since_us);
  if (f->until_us)
    sqlite3_bind_int64 (s, 8, f->until_us);
  if (f->outcomes)
    sqlite3_bind_int64 (s, 9, f->outcomes);
}

static gboolean
sqlite_audit_foreach (CiStore              *store,
                      const CiAuditFilter  *filter,
                      CiAuditFunc           func,
                      gpointer              user_data,
                      GError              **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, audit_select_sql (filter), error);
  CiAuditEntry e = { 0 };
  int rc;

  if (s == NULL)
    return FALSE;
  audit_bind_filter (s, filter);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      audit_from_row (s, &e);
      if (!func (&e, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  ci_audit_entry_clear (&e);
  sqlite3_reset (s);
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
}

static gboolean
sqlite_audit_find_hash (CiStore       *store,
                        const guint8   hash[CI_AUDIT_HASH_LEN],
                        gint64        *seq,
                        GError       **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "SELECT seq FROM audit WHERE hash = ? LIMIT 1", error);
  int rc;

  if (s == NULL)
    return FALSE;
  *seq = 0;
  sqlite3_bind_blob (s, 1, hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (s, 0);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (s);
  return rc == SQLITE_DONE || _ci_sqlite_error (self, rc, error);
}

static gboolean
sqlite_checkpoint_insert (CiStore            *store,
                          CiAuditCheckpoint  *c,
                          GError            **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO audit_checkpoint (seq, head_hash, time_us, desk,"
                             " key_id, signature) VALUES (?, ?, ?, ?, ?, ?)", error);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, c->seq);
  sqlite3_bind_blob (s, 2, c->head_hash, CI_AUDIT_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, c->time_us);
  _ci_sqlite_bind_text (s, 4, c->desk);
  _ci_sqlite_bind_text (s, 5, c->key_id);
  sqlite3_bind_blob (s, 6, g_bytes_get_data (c->signature, NULL),
                     (int) g_bytes_get_size (c->signature), SQLITE_STATIC);
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  c->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static GPtrArray *
sqlite_checkpoint_list (CiStore  *store,
                        GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT id, seq, head_hash, time_us, desk, key_id, signature"
                             " FROM audit_checkpoint ORDER BY seq, id", error);
  g_autoptr(GPtrArray) result =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_checkpoint_free);
  int rc;

  if (s == NULL)
    return NULL;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      CiAuditCheckpoint *c = ci_audit_checkpoint_new ();

      c->id = sqlite3_column_int64 (s, 0);
      c->seq = sqlite3_column_int64 (s, 1);
      copy_hash (s, 2, c->head_hash);
      c->time_us = sqlite3_column_int64 (s, 3);
      c->desk = dup_col (s, 4);
      c->key_id = dup_col (s, 5);
      c->signature = g_bytes_new (sqlite3_column_blob (s, 6), sqlite3_column_bytes (s, 6));
      g_ptr_array_add (result, c);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      _ci_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

void
_ci_store_sqlite_audit_class_init (CiStoreClass *store_class)
{
  store_class->audit_head = sqlite_audit_head;
  store_class->audit_append = sqlite_audit_append;
  store_class->audit_foreach = sqlite_audit_foreach;
  store_class->audit_find_hash = sqlite_audit_find_hash;
  store_class->checkpoint_insert = sqlite_checkpoint_insert;
  store_class->checkpoint_list = sqlite_checkpoint_list;
}
