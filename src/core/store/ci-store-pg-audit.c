/* ci-store-pg-audit.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-store-pg-private.h"
#include "ci-store-private.h"
#include "model/ci-model.h"

#include <string.h>

/* The audit chain and its signed checkpoints, on PostgreSQL; the same rules as
 * ci-store-sqlite-audit.c. The chain head is read and the next entry appended
 * inside a transaction that holds the writers' lock (ci-store-pg.c), so no
 * other desk can append in between. */

/* Entries read per round trip when walking the log: enough to make the trips
 * cheap, few enough that a log of millions of entries never sits in memory. */
#define AUDIT_BATCH 1000

/* ─── audit ─────────────────────────────────────────────────────────────── */

/* A hash of the wrong length (tampered) reads as zeros and so fails to match. */
static void
copy_hash (const PGresult *r,
           int             row,
           int             col,
           guint8          out[CI_AUDIT_HASH_LEN])
{
  g_autoptr(GBytes) bytes = _ci_pg_bytes (r, row, col);

  if (bytes != NULL && g_bytes_get_size (bytes) == CI_AUDIT_HASH_LEN)
    memcpy (out, g_bytes_get_data (bytes, NULL), CI_AUDIT_HASH_LEN);
  else
    memset (out, 0, CI_AUDIT_HASH_LEN);
}

static char *
dup_col (const PGresult *r,
         int             row,
         int             col)
{
  const char *t = _ci_pg_peek (r, row, col);

  return g_strdup (t ? t : "");
}

static gboolean
pg_audit_head (CiStore  *store,
               gint64   *seq,
               guint8    hash[CI_AUDIT_HASH_LEN],
               GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r =
      _ci_pg_query (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, error);

  if (r == NULL)
    return FALSE;
  *seq = 0;
  memset (hash, 0, CI_AUDIT_HASH_LEN);
  if (PQntuples (r) > 0)
    {
      *seq = _ci_pg_int (r, 0, 0);
      copy_hash (r, 0, 1, hash);
    }
  return TRUE;
}

static gboolean
pg_audit_append (CiStore             *store,
                 const CiAuditEntry  *e,
                 GError             **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_int (&p, e->seq);
  _ci_pg_param_int (&p, e->time_us);
  _ci_pg_param_text (&p, e->desk ? e->desk : "");
  _ci_pg_param_text (&p, e->operator_login ? e->operator_login : "");
  _ci_pg_param_text (&p, e->action ? e->action : "");
  _ci_pg_param_text (&p, e->subject_type ? e->subject_type : "");
  _ci_pg_param_text (&p, e->subject_id ? e->subject_id : "");
  _ci_pg_param_int (&p, e->outcome);
  _ci_pg_param_text (&p, e->reason ? e->reason : "");
  _ci_pg_param_text (&p, e->details ? e->details : "");
  _ci_pg_param_int (&p, e->duration_us);
  _ci_pg_param_bytes (&p, e->prev_hash, CI_AUDIT_HASH_LEN);
  _ci_pg_param_bytes (&p, e->hash, CI_AUDIT_HASH_LEN);
  r = _ci_pg_change (self, "INSERT INTO audit (seq, time_us, desk, operator, action, subject_type,"
                           " subject_id, outcome, reason, details, duration_us, prev_hash, hash)"
                           " VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::text,"
                           " $6::text, $7::text, $8::integer, $9::text, $10::text, $11::bigint,"
                           " $12::bytea, $13::bytea)", &p, NULL, error);
  return r != NULL;
}

static void
audit_from_row (const PGresult *r,
                int             row,
                CiAuditEntry   *e)
{
  ci_audit_entry_clear (e);
  e->seq = _ci_pg_int (r, row, 0);
  e->time_us = _ci_pg_int (r, row, 1);
  e->desk = dup_col (r, row, 2);
  e->operator_login = dup_col (r, row, 3);
  e->action = dup_col (r, row, 4);
  e->subject_type = dup_col (r, row, 5);
  e->subject_id = dup_col (r, row, 6);
  e->outcome = (CiOutcome) _ci_pg_int (r, row, 7);
  e->reason = dup_col (r, row, 8);
  e->details = dup_col (r, row, 9);
  e->duration_us = _ci_pg_int (r, row, 10);
  copy_hash (r, row, 11, e->prev_hash);
  copy_hash (r, row, 12, e->hash);
}

/* Appends " AND @condition", its "$n" numbered as the next parameter of @p;
 * the caller adds that parameter next. */
static void
add_condition (GString          *sql,
               const CiPgParams *p,
               const char       *condition)
{
  g_autofree char *n = g_strdup_printf ("$%d", p->n + 1);
  g_auto(GStrv) parts = g_strsplit (condition, "$n", -1);
  g_autofree char *numbered = g_strjoinv (n, parts);

  g_string_append (sql, " AND ");
  g_string_append (sql, numbered);
}

/* The statement for @f holds only the conditions it uses, so PostgreSQL can
 * pick an index for each shape; its parameters, numbered in the order they
 * appear, go into @p. Shapes are few, and each is prepared once. On these
 * "C" columns ILIKE folds ASCII letters only, as SQLite's LIKE does. */
static const char *
audit_select (const CiAuditFilter *f,
              gint64               limit,
              CiPgParams          *p)
{
  g_autoptr(GString) sql = g_string_new (
    "SELECT seq, time_us, desk, operator, action, subject_type, subject_id, outcome, reason,"
    " details, duration_us, prev_hash, hash FROM audit WHERE seq > $1::bigint");

  _ci_pg_param_int (p, f->after_seq);
  if (f->before_seq > 0)
    {
      add_condition (sql, p, "seq < $n::bigint");
      _ci_pg_param_int (p, f->before_seq);
    }
  if (f->operator_login)
    {
      add_condition (sql, p, "operator = $n::text");
      _ci_pg_param_text (p, f->operator_login);
    }
  if (f->action_prefix)
    {
      add_condition (sql, p, "starts_with(action, $n::text)");
      _ci_pg_param_text (p, f->action_prefix);
    }
  if (f->subject_id)
    {
      add_condition (sql, p, "subject_id = $n::text");
      _ci_pg_param_text (p, f->subject_id);
    }
  if (f->text && *f->text)
    {
      add_condition (sql, p, "(action ILIKE $n::text OR subject_id ILIKE $n::text"
                             " OR reason ILIKE $n::text OR details ILIKE $n::text)");
      _ci_pg_param_take (p, _ci_like_pattern (f->text));
    }
  if (f->since_us)
    {
      add_condition (sql, p, "time_us >= $n::bigint");
      _ci_pg_param_int (p, f->since_us);
    }
  if (f->until_us)
    {
      add_condition (sql, p, "time_us < $n::bigint");
      _ci_pg_param_int (p, f->until_us);
    }
  if (f->outcomes)
    {
      add_condition (sql, p, "((1 << outcome) & $n::integer) != 0");
      _ci_pg_param_int (p, f->outcomes);
    }
  g_string_append_printf (sql, " ORDER BY seq%s LIMIT $%d::bigint",
                          f->newest_first ? " DESC" : "", p->n + 1);
  _ci_pg_param_int (p, limit);
  /* The statement cache is keyed by the text's address. */
  return g_intern_string (sql->str);
}

/* Walks the matching entries a batch at a time, each batch starting after the
 * last entry of the one before, so that @func may call the store itself. */
static gboolean
pg_audit_foreach (CiStore              *store,
                  const CiAuditFilter  *filter,
                  CiAuditFunc           func,
                  gpointer              user_data,
                  GError              **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  CiAuditFilter f = filter ? *filter : (CiAuditFilter) { 0 };
  CiAuditEntry e = { 0 };
  guint64 left = f.limit ? f.limit : G_MAXUINT64;
  gboolean more = TRUE, ok = TRUE;

  while (ok && more && left > 0)
    {
      g_auto(CiPgParams) p = { 0 };
      gint64 batch = (gint64) MIN (left, AUDIT_BATCH);
      const char *sql = audit_select (&f, batch, &p);
      g_autoptr(PGresult) r = _ci_pg_query (self, sql, &p, error);
      int n;

      if (r == NULL)
        {
          ok = FALSE;
          break;
        }
      n = PQntuples (r);
      for (int i = 0; i < n && more; i++)
        {
          audit_from_row (r, i, &e);
          more = func (&e, user_data);
          if (f.newest_first)
            f.before_seq = e.seq;
          else
            f.after_seq = e.seq;
        }
      left -= n;
      more = more && n == batch;
    }
  ci_audit_entry_clear (&e);
  return ok;
}

static gboolean
pg_audit_find_hash (CiStore       *store,
                    const guint8   hash[CI_AUDIT_HASH_LEN],
                    gint64        *seq,
                    GError       **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  *seq = 0;
  _ci_pg_param_bytes (&p, hash, CI_AUDIT_HASH_LEN);
  if (!(r = _ci_pg_query (self, "SELECT seq FROM audit WHERE hash = $1::bytea LIMIT 1", &p,
                          error)))
    return FALSE;
  if (PQntuples (r) > 0)
    *seq = _ci_pg_int (r, 0, 0);
  return TRUE;
}

static gboolean
pg_checkpoint_insert (CiStore            *store,
                      CiAuditCheckpoint  *c,
                      GError            **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  gsize signature_len = 0;
  gconstpointer signature = c->signature ? g_bytes_get_data (c->signature, &signature_len) : NULL;

  _ci_pg_param_int (&p, c->seq);
  _ci_pg_param_bytes (&p, c->head_hash, CI_AUDIT_HASH_LEN);
  _ci_pg_param_int (&p, c->time_us);
  _ci_pg_param_text (&p, c->desk);
  _ci_pg_param_text (&p, c->key_id);
  _ci_pg_param_bytes (&p, signature, signature_len);
  r = _ci_pg_change (self, "INSERT INTO audit_checkpoint (seq, head_hash, time_us, desk, key_id,"
                           " signature) VALUES ($1::bigint, $2::bytea, $3::bigint, $4::text,"
                           " $5::text, $6::bytea) RETURNING id", &p, NULL, error);
  if (r == NULL)
    return FALSE;
  c->id = _ci_pg_int (r, 0, 0);
  return TRUE;
}

static GPtrArray *
pg_checkpoint_list (CiStore  *store,
                    GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r =
      _ci_pg_query (self, "SELECT id, seq, head_hash, time_us, desk, key_id, signature"
                          " FROM audit_checkpoint ORDER BY seq, id", NULL, error);
  GPtrArray *result;

  if (r == NULL)
    return NULL;
  result = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_checkpoint_free);
  for (int i = 0; i < PQntuples (r); i++)
    {
      CiAuditCheckpoint *c = ci_audit_checkpoint_new ();

      c->id = _ci_pg_int (r, i, 0);
      c->seq = _ci_pg_int (r, i, 1);
      copy_hash (r, i, 2, c->head_hash);
      c->time_us = _ci_pg_int (r, i, 3);
      c->desk = dup_col (r, i, 4);
      c->key_id = dup_col (r, i, 5);
      c->signature = _ci_pg_bytes (r, i, 6);
      if (c->signature == NULL)
        c->signature = g_bytes_new (NULL, 0);
      g_ptr_array_add (result, c);
    }
  return result;
}

void
_ci_store_pg_audit_class_init (CiStoreClass *store_class)
{
  store_class->audit_head = pg_audit_head;
  store_class->audit_append = pg_audit_append;
  store_class->audit_foreach = pg_audit_foreach;
  store_class->audit_find_hash = pg_audit_find_hash;
  store_class->checkpoint_insert = pg_checkpoint_insert;
  store_class->checkpoint_list = pg_checkpoint_list;
}
