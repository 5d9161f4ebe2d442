/* ci-audit-log.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN_AUDIT "CardIssue-Audit"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-audit-log.h"
#include "keys/ci-digest.h"

#include <inttypes.h>
#include <string.h>

/* The audit log is one hash chain: each entry carries the SHA-256 of the entry
 * before it and of its own canonical encoding (ci-audit-entry.c). Every
 * checkpoint_interval entries, and when asked (at shutdown), the chain head is
 * signed with the desk's audit key. A checkpoint can only be signed while the key
 * store is unlocked; one that falls due while it is locked is signed at the next
 * chance, and it then covers everything before it. */

struct _CiAuditLog
{
  GObject     parent_instance;

  CiStore    *store;
  CiKeyStore *keys;
  char       *desk;
  guint       checkpoint_interval;
  gint64      last_checkpoint_seq;
  GByteArray *scratch;
  /* Desks issue on several readers at once: committed() runs in each worker
   * thread, outside any store transaction, and checkpoints must not race. */
  GRecMutex   checkpoint_lock;
};

G_DEFINE_FINAL_TYPE (CiAuditLog, ci_audit_log, G_TYPE_OBJECT)

G_DEFINE_QUARK (ci-audit-error-quark, ci_audit_error)

static void
ci_audit_log_finalize (GObject *object)
{
  CiAuditLog *self = (CiAuditLog *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->keys);
  g_clear_pointer (&self->desk, g_free);
  g_clear_pointer (&self->scratch, g_byte_array_unref);
  g_rec_mutex_clear (&self->checkpoint_lock);

  G_OBJECT_CLASS (ci_audit_log_parent_class)->finalize (object);
}

static void
ci_audit_log_class_init (CiAuditLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ci_audit_log_finalize;
}

static void
ci_audit_log_init (CiAuditLog *self)
{
  self->checkpoint_interval = CI_AUDIT_DEFAULT_CHECKPOINT_INTERVAL;
  self->last_checkpoint_seq = -1;
  self->scratch = g_byte_array_new ();
  g_rec_mutex_init (&self->checkpoint_lock);
}

/**
 * ci_audit_log_new:
 * @store: where the entries live
 * @desk: this workstation's desk id
 *
 * Returns: (transfer full): the audit log of @store as written from @desk
 */
CiAuditLog *
ci_audit_log_new (CiStore    *store,
                  const char *desk)
{
  CiAuditLog *self;

  g_return_val_if_fail (CI_IS_STORE (store), NULL);
  g_return_val_if_fail (desk != NULL, NULL);

  self = g_object_new (CI_TYPE_AUDIT_LOG, NULL);
  self->store = g_object_ref (store);
  self->desk = g_strdup (desk);
  return self;
}

const char *
ci_audit_log_get_desk (CiAuditLog *self)
{
  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), NULL);
  return self->desk;
}

/**
 * ci_audit_log_set_key_store:
 * @self: a #CiAuditLog
 * @keys: (nullable): the key store whose audit key signs checkpoints
 */
void
ci_audit_log_set_key_store (CiAuditLog *self,
                            CiKeyStore *keys)
{
  g_return_if_fail (CI_IS_AUDIT_LOG (self));
  g_set_object (&self->keys, keys);
}

void
ci_audit_log_set_checkpoint_interval (CiAuditLog *self,
                                      guint       interval)
{
  g_return_if_fail (CI_IS_AUDIT_LOG (self));
  g_return_if_fail (interval > 0);
  self->checkpoint_interval = interval;
}

/**
 * ci_audit_log_append_in_transaction:
 * @self: a #CiAuditLog
 * @entry: the entry; seq, time (if 0), desk, prev_hash and hash are filled in
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Appends @entry inside the caller's open store transaction, so the entry and
 * the change it records are committed together or not at all. Call
 * ci_audit_log_committed() after the commit.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_audit_log_append_in_transaction (CiAuditLog    *self,
                                    CiAuditEntry  *entry,
                                    GError       **error)
{
  char **texts[] = { &entry->operator_login, &entry->subject_type, &entry->subject_id,
                     &entry->reason, &entry->details };
  gint64 head_seq;

  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (entry != NULL && entry->action != NULL, FALSE);

  /* The store keeps "" for a missing text; normalise first so the hash covers
   * exactly what is stored and what the journal gets. */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (*texts[i] == NULL)
      *texts[i] = g_strdup ("");
  if (!ci_store_audit_head (self->store, &head_seq, entry->prev_hash, error))
    return FALSE;
  entry->seq = head_seq + 1;
  if (entry->time_us == 0)
    entry->time_us = g_get_real_time ();
  if (entry->desk == NULL)
    entry->desk = g_strdup (self->desk);
  ci_audit_entry_compute_hash (entry, self->scratch, entry->hash);
  return ci_store_audit_append (self->store, entry, error);
}

/* Every entry also goes to the system journal, with structured fields a log
 * collector can filter on. Without a journal (a container, CI) this is a no-op. */
static void
send_to_journal (const CiAuditEntry *e)
{
  g_autofree char *message = g_strdup_printf ("audit #%" G_GINT64_FORMAT " %s %s %s:%s by %s%s%s",
                                              e->seq, ci_outcome_to_string (e->outcome),
                                              e->action, e->subject_type, e->subject_id,
                                              *e->operator_login ? e->operator_login : "system",
                                              *e->reason ? ": " : "", e->reason);
  g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, e->seq);
  g_autofree char *hash = ci_hex_encode (e->hash, CI_AUDIT_HASH_LEN);
  const GLogField fields[] = {
    { "MESSAGE", message, -1 },
    { "PRIORITY", e->outcome == CI_OUTCOME_OK ? "6" : "5", -1 },
    { "GLIB_DOMAIN", G_LOG_DOMAIN_AUDIT, -1 },
    { "SYSLOG_IDENTIFIER", "cardissue", -1 },
    { "CARDISSUE_SEQ", seq, -1 },
    { "CARDISSUE_DESK", e->desk, -1 },
    { "CARDISSUE_OPERATOR", e->operator_login, -1 },
    { "CARDISSUE_ACTION", e->action, -1 },
    { "CARDISSUE_SUBJECT_TYPE", e->subject_type, -1 },
    { "CARDISSUE_SUBJECT_ID", e->subject_id, -1 },
    { "CARDISSUE_OUTCOME", ci_outcome_to_string (e->outcome), -1 },
    { "CARDISSUE_REASON", e->reason, -1 },
    { "CARDISSUE_HASH", hash, -1 },
  };

  g_log_writer_journald (G_LOG_LEVEL_INFO, fields, G_N_ELEMENTS (fields), NULL);
  g_debug ("%s", message);
}

/**
 * ci_audit_log_committed:
 * @self: a #CiAuditLog
 * @entry: an entry whose transaction has been committed
 *
 * Sends @entry to the journal and signs a checkpoint if one is due.
 */
void
ci_audit_log_committed (CiAuditLog         *self,
                        const CiAuditEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_if_fail (CI_IS_AUDIT_LOG (self));

  send_to_journal (entry);
  if (self->keys == NULL || !ci_key_store_is_unlocked (self->keys))
    return;
  locker = g_rec_mutex_locker_new (&self->checkpoint_lock);
  if (self->last_checkpoint_seq < 0)
    {
      g_autoptr(GPtrArray) list = ci_store_checkpoint_list (self->store, NULL);
      self->last_checkpoint_seq = list && list->len
        ? ((CiAuditCheckpoint *) g_ptr_array_index (list, list->len - 1))->seq : 0;
    }
  if (entry->seq - self->last_checkpoint_seq >= self->checkpoint_interval
      && !ci_audit_log_checkpoint (self, &error))
    g_warning ("Could not sign an audit checkpoint: %s", error->message);
}

/**
 * ci_audit_log_append:
 * @self: a #CiAuditLog
 * @entry: the entry to append (seq, desk, hashes are filled in)
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Appends @entry in a transaction of its own.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_audit_log_append (CiAuditLog    *self,
                     CiAuditEntry  *entry,
                     GError       **error)
{
  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), FALSE);

  if (!ci_store_begin (self->store, error))
    return FALSE;
  if (!ci_audit_log_append_in_transaction (self, entry, error))
    {
      ci_store_rollback (self->store);
      return FALSE;
    }
  if (!ci_store_commit (self->store, error))
    return FALSE;
  ci_audit_log_committed (self, entry);
  return TRUE;
}

/**
 * ci_audit_log_checkpoint:
 * @self: a #CiAuditLog
 * @error: return location for a #CI_KEYS_ERROR or #CI_STORE_ERROR error
 *
 * Signs the current chain head with the audit key (needs an unlocked key store).
 * Does nothing if the head is signed already.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_audit_log_checkpoint (CiAuditLog  *self,
                         GError     **error)
{
  g_autoptr(CiAuditCheckpoint) c = ci_audit_checkpoint_new ();
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), FALSE);

  locker = g_rec_mutex_locker_new (&self->checkpoint_lock);
  if (self->keys == NULL)
    {
      g_set_error_literal (error, CI_AUDIT_ERROR, CI_AUDIT_ERROR_FAILED,
                           _("No key store is open, so the audit log cannot be signed"));
      return FALSE;
    }
  if (!ci_store_audit_head (self->store, &c->seq, c->head_hash, error))
    return FALSE;
  if (c->seq == 0 || c->seq == self->last_checkpoint_seq)
    return TRUE;
  c->time_us = g_get_real_time ();
  c->desk = g_strdup (self->desk);
  c->key_id = ci_key_store_dup_key_id (self->keys, CI_KEY_AUDIT);
  payload = ci_audit_checkpoint_encode (c);
  c->signature = ci_key_store_sign (self->keys, CI_KEY_AUDIT, g_bytes_get_data (payload, NULL),
                                    g_bytes_get_size (payload), error);
  if (c->signature == NULL || !ci_store_checkpoint_insert (self->store, c, error))
    return FALSE;
  self->last_checkpoint_seq = c->seq;
  return TRUE;
}

/* ─── verification ──────────────────────────────────────────────────────── */

typedef struct
{
  gint64   seq;
  guint8   hash[CI_AUDIT_HASH_LEN];
  guint8   prev_hash[CI_AUDIT_HASH_LEN];
  gboolean content_ok;
  gboolean link_ok;
  gboolean valid;
} RowInfo;

typedef struct
{
  gint64 seq;
  gint64 prev_seq;
  guint8 prev_hash[CI_AUDIT_HASH_LEN];
} Unlinked;

typedef struct
{
  CiAuditReport *report;
  GByteArray    *scratch;
  RowInfo        back2;      /* the row two before the current one */
  RowInfo        back1;      /* the row just before */
  gboolean       pending;    /* back1's contents do not match its hash */
  gboolean       skip_link;  /* the current row's broken link is already explained */
  GArray        *unlinked;   /* of Unlinked, classified after the pass */
} VerifyState;

static const guint8 zero_hash[CI_AUDIT_HASH_LEN] = { 0 };

static void
add_problem (CiAuditReport      *report,
             CiAuditProblemKind  kind,
             gint64              seq,
             const char         *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (CiAuditReport      *report,
             CiAuditProblemKind  kind,
             gint64              seq,
             const char         *format,
             ...)
{
  CiAuditProblem *p = g_new0 (CiAuditProblem, 1);
  va_list args;

  va_start (args, format);
  p->kind = kind;
  p->seq = seq;
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (report->problems, p);
}

static void
free_problem (gpointer data)
{
  CiAuditProblem *p = data;

  g_free (p->message);
  g_free (p);
}

static const guint8 *
hash_before (const RowInfo *row)
{
  return row->valid ? row->hash : zero_hash;
}

/* back1 had contents that do not match its hash: if the current row links to
 * the row before back1, nothing refers to back1, so it was slipped in. */
static void
resolve_pending (VerifyState  *st,
                 const RowInfo *cur)
{
  if (memcmp (cur->prev_hash, hash_before (&st->back2), CI_AUDIT_HASH_LEN) == 0)
    {
      add_problem (st->report, CI_AUDIT_INSERTED, st->back1.seq,
                   _("Entry %" PRId64 " was inserted: no genuine entry refers to it"),
                   st->back1.seq);
      st->skip_link = TRUE;
    }
  else
    add_problem (st->report, CI_AUDIT_ALTERED, st->back1.seq,
                 _("Entry %" PRId64 " was altered: its contents no longer match its hash"),
                 st->back1.seq);
  st->pending = FALSE;
}

static void
check_link (VerifyState  *st,
            const RowInfo *cur)
{
  /* A row with a valid hash and a good link to its predecessor, which nothing
   * links to: a forged entry whose hash the forger computed. */
  if (st->back1.valid && st->back1.content_ok && st->back1.link_ok
      && memcmp (cur->prev_hash, hash_before (&st->back2), CI_AUDIT_HASH_LEN) == 0)
    {
      add_problem (st->report, CI_AUDIT_INSERTED, st->back1.seq,
                   _("Entry %" PRId64 " was inserted: the entry after it was written "
                     "straight after entry %" PRId64), st->back1.seq,
                   st->back2.valid ? st->back2.seq : 0);
      return;
    }
  {
    Unlinked u = { cur->seq, st->back1.valid ? st->back1.seq : 0, { 0 } };
    memcpy (u.prev_hash, cur->prev_hash, CI_AUDIT_HASH_LEN);
    g_array_append_val (st->unlinked, u);
  }
}

static gboolean
verify_entry (const CiAuditEntry *e,
              gpointer            user_data)
{
  VerifyState *st = user_data;
  RowInfo cur = { .seq = e->seq, .valid = TRUE };
  guint8 computed[CI_AUDIT_HASH_LEN];

  memcpy (cur.hash, e->hash, CI_AUDIT_HASH_LEN);
  memcpy (cur.prev_hash, e->prev_hash, CI_AUDIT_HASH_LEN);
  ci_audit_entry_compute_hash (e, st->scratch, computed);
  cur.content_ok = memcmp (computed, e->hash, CI_AUDIT_HASH_LEN) == 0;
  cur.link_ok = memcmp (e->prev_hash, hash_before (&st->back1), CI_AUDIT_HASH_LEN) == 0;

  st->skip_link = FALSE;
  if (st->pending)
    resolve_pending (st, &cur);
  if (!cur.content_ok)
    st->pending = TRUE;
  else if (!cur.link_ok && !st->skip_link)
    check_link (st, &cur);
  else if (cur.link_ok && st->back1.valid && cur.seq != st->back1.seq + 1)
    add_problem (st->report, CI_AUDIT_RENUMBERED, cur.seq,
                 _("Sequence numbers jump from %" PRId64 " to %" PRId64
                   " although no entry is missing: the rows were renumbered"),
                 st->back1.seq, cur.seq);
  if (cur.link_ok || st->skip_link)
    cur.link_ok = TRUE;

  st->report->n_entries++;
  st->report->head_seq = e->seq;
  st->back2 = st->back1;
  st->back1 = cur;
  return TRUE;
}

static void
report_unlinked (CiAuditReport *report,
                 const Unlinked *u,
                 gint64          q)
{
  if (q == 0 && u->seq == u->prev_seq + 2)
    add_problem (report, CI_AUDIT_DELETED, u->seq,
                 _("Entry %" PRId64 " was deleted"), u->prev_seq + 1);
  else if (q == 0 && u->seq > u->prev_seq + 1)
    add_problem (report, CI_AUDIT_DELETED, u->seq,
                 _("Entries %" PRId64 " to %" PRId64 " were deleted"),
                 u->prev_seq + 1, u->seq - 1);
  else if (q == 0)
    add_problem (report, CI_AUDIT_DELETED, u->seq,
                 _("An entry before entry %" PRId64 " was deleted "
                   "(and the rows after it renumbered)"), u->seq);
  else
    add_problem (report, CI_AUDIT_MOVED, u->seq,
                 _("Entry %" PRId64 " is out of order: it was written right after "
                   "entry %" PRId64), u->seq, q);
}

/* An entry whose own link and the next row's link are both broken was taken
 * out and put back where it is now. The rows whose true predecessor is such an
 * entry, or that follow one, are only the marks its move left: they are not
 * reported, so that swapping two entries names those two and no third. */
static gboolean
classify_unlinked (CiAuditLog   *self,
                   VerifyState  *st,
                   GError      **error)
{
  guint n = st->unlinked->len;
  g_autofree gint64 *pred = g_new0 (gint64, n);
  g_autoptr(GHashTable) next_broken = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) moved = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < n; i++)
    {
      Unlinked *u = &g_array_index (st->unlinked, Unlinked, i);

      if (!ci_store_audit_find_hash (self->store, u->prev_hash, &pred[i], error))
        return FALSE;
      g_hash_table_add (next_broken, &u->prev_seq);
    }
  for (guint i = 0; i < n; i++)
    {
      Unlinked *u = &g_array_index (st->unlinked, Unlinked, i);

      if (pred[i] != 0 && (u->seq == st->report->head_seq
                           || g_hash_table_contains (next_broken, &u->seq)))
        g_hash_table_add (moved, &u->seq);
    }
  for (guint i = 0; i < n; i++)
    {
      const Unlinked *u = &g_array_index (st->unlinked, Unlinked, i);

      if (pred[i] != 0 && !g_hash_table_contains (moved, &u->seq)
          && (g_hash_table_contains (moved, &pred[i])
              || g_hash_table_contains (moved, &u->prev_seq)))
        continue;
      report_unlinked (st->report, u, pred[i]);
    }
  return TRUE;
}

typedef struct
{
  gint64   seq;
  guint8   hash[CI_AUDIT_HASH_LEN];
  gboolean found;
} HeadLookup;

static gboolean
take_first (const CiAuditEntry *e,
            gpointer            user_data)
{
  HeadLookup *h = user_data;

  h->found = e->seq == h->seq;
  memcpy (h->hash, e->hash, CI_AUDIT_HASH_LEN);
  return FALSE;
}

static gboolean
check_checkpoint (CiAuditLog              *self,
                  CiAuditReport           *report,
                  const CiAuditCheckpoint *c,
                  GBytes                  *public_key,
                  GError                 **error)
{
  g_autoptr(GBytes) payload = ci_audit_checkpoint_encode (c);
  CiAuditFilter filter = { .after_seq = c->seq - 1, .limit = 1 };
  HeadLookup head = { .seq = c->seq };

  if (public_key == NULL
      || !ci_keys_verify_signature (public_key, g_bytes_get_data (payload, NULL),
                                    g_bytes_get_size (payload), c->signature, NULL))
    {
      add_problem (report, CI_AUDIT_CHECKPOINT, c->seq,
                   _("The checkpoint at entry %" PRId64 " has no valid signature of "
                     "this desk's audit key"), c->seq);
      return TRUE;
    }
  if (!ci_store_audit_foreach (self->store, &filter, take_first, &head, error))
    return FALSE;
  if (!head.found && c->seq > report->head_seq)
    add_problem (report, CI_AUDIT_TRUNCATED, c->seq,
                 _("Entries %" PRId64 " to %" PRId64 " were removed from the "
                   "end: a signed checkpoint covers them"), report->head_seq + 1, c->seq);
  else if (!head.found || memcmp (head.hash, c->head_hash, CI_AUDIT_HASH_LEN) != 0)
    add_problem (report, CI_AUDIT_CHECKPOINT, c->seq,
                 _("Entry %" PRId64 " differs from the one the signed checkpoint "
                   "recorded: the chain up to it was rewritten"), c->seq);
  else
    report->signed_seq = MAX (report->signed_seq, c->seq);
  report->n_checkpoints++;
  return TRUE;
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const CiAuditProblem *pa = *(CiAuditProblem * const *) a;
  const CiAuditProblem *pb = *(CiAuditProblem * const *) b;

  return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

/**
 * ci_audit_log_verify:
 * @self: a #CiAuditLog
 * @audit_public_key: (nullable): the audit key's public half (DER); %NULL takes it
 *   from the key store
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Walks the whole chain, then checks every signed checkpoint. Finds edited,
 * deleted, inserted and reordered entries and says which.
 *
 * Returns: (transfer full): the report, or %NULL if the log could not be read
 */
CiAuditReport *
ci_audit_log_verify (CiAuditLog  *self,
                     GBytes      *audit_public_key,
                     GError     **error)
{
  g_autoptr(CiAuditReport) report = g_new0 (CiAuditReport, 1);
  g_autoptr(GPtrArray) checkpoints = NULL;
  g_autoptr(GBytes) key = NULL;
  VerifyState st = { 0 };
  gboolean ok;

  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), NULL);

  report->problems = g_ptr_array_new_with_free_func (free_problem);
  st.report = report;
  st.scratch = g_byte_array_sized_new (512);
  st.unlinked = g_array_new (FALSE, FALSE, sizeof (Unlinked));

  ok = ci_store_audit_foreach (self->store, NULL, verify_entry, &st, error);
  if (ok && st.pending)
    add_problem (report, CI_AUDIT_ALTERED, st.back1.seq,
                 _("Entry %" PRId64 " was altered: its contents no longer match its hash"),
                 st.back1.seq);
  ok = ok && classify_unlinked (self, &st, error);
  g_byte_array_unref (st.scratch);
  g_array_unref (st.unlinked);
  if (!ok || !(checkpoints = ci_store_checkpoint_list (self->store, error)))
    return NULL;

  key = audit_public_key ? g_bytes_ref (audit_public_key)
        : self->keys ? ci_key_store_get_public_key (self->keys, CI_KEY_AUDIT) : NULL;
  for (guint i = 0; i < checkpoints->len; i++)
    if (!check_checkpoint (self, report, g_ptr_array_index (checkpoints, i), key, error))
      return NULL;
  g_ptr_array_sort (report->problems, compare_problems);
  return g_steal_pointer (&report);
}

void
ci_audit_report_free (CiAuditReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->problems, g_ptr_array_unref);
  g_free (report);
}

gboolean
ci_audit_report_is_intact (const CiAuditReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);
  return report->problems->len == 0;
}

const char *
ci_audit_problem_kind_to_string (CiAuditProblemKind kind)
{
  static const char * const names[] = {
    "altered", "deleted", "inserted", "moved", "renumbered", "checkpoint", "truncated",
  };

  g_return_val_if_fail (kind <= CI_AUDIT_TRUNCATED, "?");
  return names[kind];
}

/* ─── export ────────────────────────────────────────────────────────────── */

typedef struct
{
  GOutputStream *out;
  GCancellable  *cancellable;
  GString       *buffer;
  GError        *error;
} ExportState;

static gboolean
flush_export (ExportState *st)
{
  gboolean ok = g_output_stream_write_all (st->out, st->buffer->str, st->buffer->len, NULL,
                                           st->cancellable, &st->error);
  g_string_truncate (st->buffer, 0);
  return ok;
}

static gboolean
export_entry (const CiAuditEntry *e,
              gpointer            user_data)
{
  ExportState *st = user_data;
  g_autofree char *line = ci_audit_entry_to_json (e);

  g_string_append (st->buffer, line);
  g_string_append_c (st->buffer, '\n');
  return st->buffer->len < 64 * 1024 || flush_export (st);
}

/**
 * ci_audit_log_export:
 * @self: a #CiAuditLog
 * @filter: (nullable): which entries
 * @out: where to write JSON Lines, one entry per line
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Returns: %TRUE if every selected entry was written
 */
gboolean
ci_audit_log_export (CiAuditLog           *self,
                     const CiAuditFilter  *filter,
                     GOutputStream        *out,
                     GCancellable         *cancellable,
                     GError              **error)
{
  ExportState st = { out, cancellable, g_string_sized_new (64 * 1024), NULL };
  gboolean ok;

  g_return_val_if_fail (CI_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  ok = ci_store_audit_foreach (self->store, filter, export_entry, &st, error);
  if (ok && st.error == NULL && st.buffer->len > 0)
    flush_export (&st);
  g_string_free (st.buffer, TRUE);
  if (st.error != NULL)
    {
      g_propagate_error (error, st.error);
      return FALSE;
    }
  return ok;
}
