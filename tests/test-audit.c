/* test-audit.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"
#include "audit/ci-audit-log.h"
#include "services/ci-services.h"
#include "keys/ci-key-store.h"

#include <string.h>

#include <glib/gstdio.h>

#define PASSPHRASE "audit test passphrase"
#define N_ENTRIES 50

/* ---- fixture ------------------------------------------------------------- */

/* Each test runs on an empty store of its own, SQLite or PostgreSQL by the
 * environment (tests/ci-test-store.h); the desk's key store is a file in a
 * folder of its own. */
typedef struct
{
  Fixture     db;
  char       *key_dir;
  CiKeyStore *keys;
  CiAuditLog *log;
} TestBed;

static void
test_bed_setup (TestBed       *fx,
                gconstpointer  data)
{
  fixture_setup (&fx->db, data);
  fx->keys = ci_test_key_store_new (PASSPHRASE, &fx->key_dir);
  g_assert_true (ci_key_store_is_unlocked (fx->keys));
  fx->log = ci_audit_log_new (fx->db.store, "desk-1");
  ci_audit_log_set_key_store (fx->log, fx->keys);
}

static void
test_bed_teardown (TestBed       *fx,
                   gconstpointer  data)
{
  /* The log holds references to both stores, so it goes first. */
  g_assert_finalize_object (g_steal_pointer (&fx->log));
  ci_test_key_store_free (g_steal_pointer (&fx->keys), g_steal_pointer (&fx->key_dir));
  fixture_teardown (&fx->db, data);
}

/* ---- helpers --------------------------------------------------------------- */

static const char * const operators[] = { "anna", "bert", "carla" };

static void
append_one (TestBed    *fx,
            const char *operator_login,
            guint       i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();

  e->action = g_strdup (i % 2 ? "employee.edit" : "card.issue");
  e->operator_login = g_strdup (operator_login);
  e->subject_type = g_strdup ("employee");
  e->subject_id = g_strdup_printf ("E-%u", i);
  e->details = g_strdup ("{}");
  e->duration_us = 100 + i;
  g_assert_true (ci_audit_log_append (fx->log, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->seq, >, 0);
  g_assert_cmpstr (e->desk, ==, "desk-1");
}

/* Appends entries until the log has @n, the operators taking turns. */
static void
append_entries (TestBed *fx,
                guint    n)
{
  for (guint i = 1; i <= n; i++)
    append_one (fx, operators[i % G_N_ELEMENTS (operators)], i);
}

static CiAuditReport *
verify (TestBed *fx,
        GBytes  *public_key)
{
  g_autoptr(GError) error = NULL;
  CiAuditReport *report = ci_audit_log_verify (fx->log, public_key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  for (guint i = 0; i < report->problems->len; i++)
    {
      const CiAuditProblem *p = g_ptr_array_index (report->problems, i);
      g_test_message ("problem: %s at %" G_GINT64_FORMAT ": %s",
                      ci_audit_problem_kind_to_string (p->kind), p->seq, p->message);
    }
  return report;
}

static const CiAuditProblem *
problem (const CiAuditReport *report,
         guint                i)
{
  g_assert_cmpuint (i, <, report->problems->len);
  return g_ptr_array_index (report->problems, i);
}

/* Asserts that problem @i is of @kind at @seq and that its message contains @needle. */
static void
assert_problem (const CiAuditReport *report,
                guint                i,
                CiAuditProblemKind   kind,
                gint64               seq,
                const char          *needle)
{
  const CiAuditProblem *p = problem (report, i);

  g_assert_cmpstr (ci_audit_problem_kind_to_string (p->kind), ==,
                   ci_audit_problem_kind_to_string (kind));
  g_assert_cmpint (p->seq, ==, seq);
  if (strstr (p->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", p->message, needle);
}

/* Appends @text as an SQL string literal. */
static void
append_text (GString    *sql,
             const char *text)
{
  g_string_append_c (sql, '\'');
  for (const char *c = text; *c; c++)
    {
      if (*c == '\'')
        g_string_append_c (sql, '\'');
      g_string_append_c (sql, *c);
    }
  g_string_append_c (sql, '\'');
}

/* Appends a hash as a literal of the backend's blob type. */
static void
append_hash (GString      *sql,
             const guint8  hash[CI_AUDIT_HASH_LEN])
{
  g_string_append (sql, SQL ("X'", "'\\x"));
  for (guint i = 0; i < CI_AUDIT_HASH_LEN; i++)
    g_string_append_printf (sql, "%02x", hash[i]);
  g_string_append_c (sql, '\'');
}

/* Writes @e as a row of the audit table, bypassing the store. */
static void
raw_insert_entry (TestBed            *fx,
                  const CiAuditEntry *e)
{
  const char * const texts[] = {
    e->desk, e->operator_login, e->action, e->subject_type, e->subject_id, e->reason,
    e->details,
  };
  g_autoptr(GString) sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO audit (seq, time_us, outcome, duration_us, desk,"
                               " operator, action, subject_type, subject_id, reason, details,"
                               " prev_hash, hash) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                               ", %d, %" G_GINT64_FORMAT,
                          e->seq, e->time_us, e->outcome, e->duration_us);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_string_append (sql, ", ");
      append_text (sql, texts[i]);
    }
  g_string_append (sql, ", ");
  append_hash (sql, e->prev_hash);
  g_string_append (sql, ", ");
  append_hash (sql, e->hash);
  g_string_append_c (sql, ')');
  raw_exec (&fx->db, sql->str);
}

/* Appends the statement that rewrites the operator and hashes of row @e->seq in place. */
static void
append_update_hashes (GString            *sql,
                      const CiAuditEntry *e)
{
  g_string_append (sql, "UPDATE audit SET operator = ");
  append_text (sql, e->operator_login);
  g_string_append (sql, ", prev_hash = ");
  append_hash (sql, e->prev_hash);
  g_string_append (sql, ", hash = ");
  append_hash (sql, e->hash);
  g_string_append_printf (sql, " WHERE seq = %" G_GINT64_FORMAT ";", e->seq);
}

static gboolean
collect_entry (const CiAuditEntry *e,
               gpointer            user_data)
{
  g_ptr_array_add (user_data, ci_audit_entry_copy (e));
  return TRUE;
}

static GPtrArray *
read_entries (TestBed             *fx,
              const CiAuditFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_entry_free);

  g_assert_true (ci_store_audit_foreach (fx->db.store, filter, collect_entry, entries, &error));
  g_assert_no_error (error);
  return entries;
}

static CiAuditEntry *
read_entry (TestBed *fx,
            gint64   seq)
{
  CiAuditFilter filter = { .after_seq = seq - 1, .limit = 1 };
  g_autoptr(GPtrArray) one = read_entries (fx, &filter);

  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpint (((CiAuditEntry *) one->pdata[0])->seq, ==, seq);
  return g_ptr_array_steal_index (one, 0);
}

static GPtrArray *
checkpoints (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = ci_store_checkpoint_list (fx->db.store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

/* ---- an intact log ------------------------------------------------------------ */

static void
test_intact (TestBed       *fx,
             gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GByteArray) scratch = g_byte_array_new ();
  static const guint8 zero[CI_AUDIT_HASH_LEN] = { 0 };

  append_entries (fx, N_ENTRIES);
  report = verify (fx, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  g_assert_cmpint (report->head_seq, ==, N_ENTRIES);
  /* the default interval is far away, so nothing is signed yet */
  g_assert_cmpuint (report->n_checkpoints, ==, 0);
  g_assert_cmpint (report->signed_seq, ==, 0);

  /* The chain as stored: seq 1…50, each linked to the one before. */
  entries = read_entries (fx, NULL);
  g_assert_cmpuint (entries->len, ==, N_ENTRIES);
  for (guint i = 0; i < entries->len; i++)
    {
      const CiAuditEntry *e = entries->pdata[i];
      guint8 hash[CI_AUDIT_HASH_LEN];

      g_assert_cmpint (e->seq, ==, i + 1);
      g_assert_cmpmem (e->prev_hash, CI_AUDIT_HASH_LEN,
                       i ? ((CiAuditEntry *) entries->pdata[i - 1])->hash : zero,
                       CI_AUDIT_HASH_LEN);
      ci_audit_entry_compute_hash (e, scratch, hash);
      g_assert_cmpmem (hash, CI_AUDIT_HASH_LEN, e->hash, CI_AUDIT_HASH_LEN);
      g_assert_cmpstr (e->desk, ==, "desk-1");
      g_assert_cmpstr (e->reason, ==, "");
      g_assert_cmpint (e->time_us, >, 0);
    }
}

static void
test_empty (TestBed       *fx,
            gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = verify (fx, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, 0);
  /* nothing to sign */
  g_assert_true (ci_audit_log_checkpoint (fx->log, &error));
  g_assert_no_error (error);
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_hash_covers_fields (TestBed       *fx,
                         gconstpointer  data)
{
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
  g_autoptr(CiAuditEntry) copy = NULL;
  g_autoptr(GByteArray) scratch = g_byte_array_new ();
  guint8 h0[CI_AUDIT_HASH_LEN], h1[CI_AUDIT_HASH_LEN];

  e->seq = 1;
  e->time_us = 1700000000000000;
  e->desk = g_strdup ("d");
  e->operator_login = g_strdup ("anna");
  e->action = g_strdup ("a");
  e->subject_type = g_strdup ("");
  e->subject_id = g_strdup ("");
  e->reason = g_strdup ("");
  e->details = g_strdup ("{}");
  ci_audit_entry_compute_hash (e, scratch, h0);

  /* The sequence number is not hashed (see ci-audit-entry.c) … */
  copy = ci_audit_entry_copy (e);
  copy->seq = 99;
  ci_audit_entry_compute_hash (copy, scratch, h1);
  g_assert_cmpmem (h0, sizeof h0, h1, sizeof h1);
  /* … but every field is, and field boundaries are unambiguous. */
  g_free (copy->operator_login);
  copy->operator_login = g_strdup ("ann");
  g_free (copy->action);
  copy->action = g_strdup ("aa");
  ci_audit_entry_compute_hash (copy, scratch, h1);
  g_assert_false (memcmp (h0, h1, sizeof h0) == 0);
  g_clear_pointer (&copy, ci_audit_entry_free);
  copy = ci_audit_entry_copy (e);
  copy->prev_hash[31] ^= 1;
  ci_audit_entry_compute_hash (copy, scratch, h1);
  g_assert_false (memcmp (h0, h1, sizeof h0) == 0);
  g_clear_pointer (&copy, ci_audit_entry_free);
  copy = ci_audit_entry_copy (e);
  copy->outcome = CI_OUTCOME_REFUSED;
  ci_audit_entry_compute_hash (copy, scratch, h1);
  g_assert_false (memcmp (h0, h1, sizeof h0) == 0);
}

/* ---- tampering ------------------------------------------------------------------ */

static void
test_tamper_edit (TestBed       *fx,
                  gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "UPDATE audit SET operator = 'mallory' WHERE seq = 20");
  report = verify (fx, NULL);
  g_assert_false (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_ALTERED, 20, "Entry 20 was altered");
}

static void
test_tamper_edit_last (TestBed       *fx,
                       gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "UPDATE audit SET reason = 'nothing happened' WHERE seq = 50;"
                     "UPDATE audit SET details = '{\"x\":1}' WHERE seq = 1;");
  report = verify (fx, NULL);
  g_assert_cmpuint (report->problems->len, ==, 2);
  assert_problem (report, 0, CI_AUDIT_ALTERED, 1, "Entry 1 was altered");
  assert_problem (report, 1, CI_AUDIT_ALTERED, 50, "Entry 50 was altered");
}

static void
test_tamper_delete (TestBed       *fx,
                    gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "DELETE FROM audit WHERE seq = 20");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES - 1);
  g_assert_cmpuint (report->problems->len, ==, 1);
  /* reported at the entry after the gap, naming the missing one */
  assert_problem (report, 0, CI_AUDIT_DELETED, 21, "Entry 20 was deleted");
  g_assert_nonnull (strstr (problem (report, 0)->message, "deleted"));
}

static void
test_tamper_delete_range (TestBed       *fx,
                          gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "DELETE FROM audit WHERE seq BETWEEN 20 AND 24");
  report = verify (fx, NULL);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_DELETED, 25, "Entries 20 to 24 were deleted");
}

static void
test_tamper_delete_renumber (TestBed       *fx,
                             gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "DELETE FROM audit WHERE seq = 20;"
                     "UPDATE audit SET seq = seq + 1000000 WHERE seq > 20;"
                     "UPDATE audit SET seq = seq - 1000001 WHERE seq > 1000000;");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES - 1);
  g_assert_cmpint (report->head_seq, ==, N_ENTRIES - 1);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_DELETED, 20, "An entry before entry 20 was deleted");
}

static void
test_tamper_renumber (TestBed       *fx,
                      gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "UPDATE audit SET seq = seq + 1000000 WHERE seq >= 20;"
                     "UPDATE audit SET seq = seq - 1000000 + 5 WHERE seq >= 1000000;");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_RENUMBERED, 25, "jump from 19 to 25");
}

/* Makes room for a row at seq 20 by moving 20… up by one. */
static void
shift_up_from_20 (TestBed *fx)
{
  raw_exec (&fx->db, "UPDATE audit SET seq = seq + 1000000 WHERE seq >= 20;"
                     "UPDATE audit SET seq = seq - 1000000 + 1 WHERE seq >= 1000000;");
}

static CiAuditEntry *
forged_entry (TestBed *fx)
{
  CiAuditEntry *e = ci_audit_entry_new ();

  e->seq = 20;
  e->time_us = g_get_real_time ();
  e->desk = g_strdup ("desk-1");
  e->operator_login = g_strdup ("mallory");
  e->action = g_strdup ("card.issue");
  e->subject_type = g_strdup ("employee");
  e->subject_id = g_strdup ("E-666");
  e->reason = g_strdup ("");
  e->details = g_strdup ("{}");
  return e;
}

static void
test_tamper_insert_garbage (TestBed       *fx,
                            gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(CiAuditEntry) forged = forged_entry (fx);
  g_autoptr(CiAuditEntry) e19 = NULL;

  append_entries (fx, N_ENTRIES);
  e19 = read_entry (fx, 19);
  memset (forged->hash, 0xab, CI_AUDIT_HASH_LEN);
  memcpy (forged->prev_hash, e19->hash, CI_AUDIT_HASH_LEN);
  shift_up_from_20 (fx);
  raw_insert_entry (fx, forged);

  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES + 1);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_INSERTED, 20, "Entry 20 was inserted");
}

static void
test_tamper_insert_garbage_link (TestBed       *fx,
                                 gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(CiAuditEntry) forged = forged_entry (fx);

  /* garbage hash and garbage link */
  append_entries (fx, N_ENTRIES);
  memset (forged->hash, 0xab, CI_AUDIT_HASH_LEN);
  memset (forged->prev_hash, 0xcd, CI_AUDIT_HASH_LEN);
  shift_up_from_20 (fx);
  raw_insert_entry (fx, forged);

  report = verify (fx, NULL);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_INSERTED, 20, "Entry 20 was inserted");
}

static void
test_tamper_insert_computed (TestBed       *fx,
                             gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(CiAuditEntry) forged = forged_entry (fx);
  g_autoptr(CiAuditEntry) e19 = NULL;
  g_autoptr(GByteArray) scratch = g_byte_array_new ();

  append_entries (fx, N_ENTRIES);
  e19 = read_entry (fx, 19);
  memcpy (forged->prev_hash, e19->hash, CI_AUDIT_HASH_LEN);
  ci_audit_entry_compute_hash (forged, scratch, forged->hash);
  shift_up_from_20 (fx);
  raw_insert_entry (fx, forged);

  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES + 1);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_INSERTED, 20, "Entry 20 was inserted");
  g_assert_nonnull (strstr (problem (report, 0)->message, "straight after entry 19"));
}

static void
test_tamper_reorder (TestBed       *fx,
                     gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "UPDATE audit SET seq = 1000020 WHERE seq = 20;"
                     "UPDATE audit SET seq = 20 WHERE seq = 21;"
                     "UPDATE audit SET seq = 21 WHERE seq = 1000020;");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  /* Entries 20 and 21 swapped places; nothing else moved. */
  g_assert_cmpuint (report->problems->len, ==, 2);
  assert_problem (report, 0, CI_AUDIT_MOVED, 20, "Entry 20 is out of order");
  assert_problem (report, 1, CI_AUDIT_MOVED, 21, "Entry 21 is out of order");
}

static void
test_tamper_move_far (TestBed       *fx,
                      gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  gboolean named = FALSE;

  /* Entry 10 taken out and put back between 40 and 41. */
  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "UPDATE audit SET seq = 1000000 WHERE seq = 10;"
                     "UPDATE audit SET seq = seq - 1 WHERE seq BETWEEN 11 AND 40;"
                     "UPDATE audit SET seq = 40 WHERE seq = 1000000;");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  g_assert_cmpuint (report->problems->len, >=, 1);
  for (guint i = 0; i < report->problems->len; i++)
    {
      const CiAuditProblem *p = problem (report, i);

      g_assert_cmpint (p->kind, ==, CI_AUDIT_MOVED);
      named |= p->seq == 40;
    }
  g_assert_true (named);
}

/* ---- signed checkpoints --------------------------------------------------------- */

static void
test_checkpoints (TestBed       *fx,
                  gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) public_key = ci_key_store_get_public_key (fx->keys, CI_KEY_AUDIT);
  g_autofree char *key_id = ci_key_store_dup_key_id (fx->keys, CI_KEY_AUDIT);
  g_autoptr(GError) error = NULL;

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, 45);
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 4);
  for (guint i = 0; i < list->len; i++)
    {
      const CiAuditCheckpoint *c = list->pdata[i];
      g_autoptr(CiAuditEntry) head = read_entry (fx, c->seq);
      g_autoptr(GBytes) payload = ci_audit_checkpoint_encode (c);

      g_assert_cmpint (c->seq, ==, 10 * (i + 1));
      g_assert_cmpmem (c->head_hash, CI_AUDIT_HASH_LEN, head->hash, CI_AUDIT_HASH_LEN);
      g_assert_cmpstr (c->desk, ==, "desk-1");
      g_assert_cmpstr (c->key_id, ==, key_id);
      g_assert_true (ci_keys_verify_signature (public_key, g_bytes_get_data (payload, NULL),
                                               g_bytes_get_size (payload), c->signature,
                                               &error));
      g_assert_no_error (error);
    }

  report = verify (fx, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpuint (report->n_checkpoints, ==, 4);
  g_assert_cmpint (report->signed_seq, ==, 40);
  g_clear_pointer (&report, ci_audit_report_free);

  /* an explicit checkpoint (at shutdown) covers the rest; a second one is a no-op */
  g_assert_true (ci_audit_log_checkpoint (fx->log, &error));
  g_assert_true (ci_audit_log_checkpoint (fx->log, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpint (((CiAuditCheckpoint *) list->pdata[4])->seq, ==, 45);
  report = verify (fx, public_key);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->signed_seq, ==, 45);
}

static void
test_checkpoint_truncated (TestBed       *fx,
                           gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "DELETE FROM audit WHERE seq > 47");
  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, 47);
  g_assert_cmpint (report->head_seq, ==, 47);
  g_assert_cmpuint (report->n_checkpoints, ==, 5);
  g_assert_cmpint (report->signed_seq, ==, 40);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_TRUNCATED, 50, "Entries 48 to 50 were removed");
}

static void
test_checkpoint_truncated_and_continued (TestBed       *fx,
                                         gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(CiAuditLog) other = NULL;

  /* The tail is cut off and the chain carried on from there by a desk
   * without the key: the chain itself is consistent again. */
  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, N_ENTRIES);
  raw_exec (&fx->db, "DELETE FROM audit WHERE seq > 45");
  other = ci_audit_log_new (fx->db.store, "desk-1");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
      e->action = g_strdup ("employee.view");
      g_assert_true (ci_audit_log_append (other, e, NULL));
    }
  report = verify (fx, NULL);
  g_assert_cmpint (report->head_seq, ==, 48);
  g_assert_cmpuint (report->problems->len, ==, 1);
  assert_problem (report, 0, CI_AUDIT_TRUNCATED, 50, "Entries 49 to 50");
}

/* Edits entry 15 and recomputes every hash after it, as someone who knows
 * the format would: the chain is consistent, the signatures are not. */
static void
test_checkpoint_rewritten (TestBed       *fx,
                           gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GByteArray) scratch = g_byte_array_new ();
  g_autoptr(GString) sql = g_string_new (NULL);

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, N_ENTRIES);
  entries = read_entries (fx, NULL);
  for (guint i = 14; i < entries->len; i++)
    {
      CiAuditEntry *e = entries->pdata[i];

      if (e->seq == 15)
        {
          g_free (e->operator_login);
          e->operator_login = g_strdup ("mallory");
        }
      memcpy (e->prev_hash, ((CiAuditEntry *) entries->pdata[i - 1])->hash, CI_AUDIT_HASH_LEN);
      ci_audit_entry_compute_hash (e, scratch, e->hash);
      append_update_hashes (sql, e);
    }
  raw_exec (&fx->db, sql->str);

  report = verify (fx, NULL);
  g_assert_cmpint (report->n_entries, ==, N_ENTRIES);
  g_assert_cmpuint (report->n_checkpoints, ==, 5);
  /* only the checkpoint at 10 still holds */
  g_assert_cmpint (report->signed_seq, ==, 10);
  g_assert_cmpuint (report->problems->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *needle = g_strdup_printf ("Entry %u differs", 20 + 10 * i);
      assert_problem (report, i, CI_AUDIT_CHECKPOINT, 20 + 10 * i, needle);
    }
}

static void
test_checkpoint_other_key (TestBed       *fx,
                           gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (fx->key_dir, "other.cikeys", NULL);
  CiKeyStore *other = ci_key_store_create (other_path, "another long passphrase", &error);
  g_autoptr(GBytes) other_key = NULL;

  g_assert_no_error (error);
  other_key = ci_key_store_get_public_key (other, CI_KEY_AUDIT);
  g_assert_finalize_object (other);

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, 30);
  report = verify (fx, other_key);
  g_assert_cmpuint (report->n_checkpoints, ==, 0);
  g_assert_cmpint (report->signed_seq, ==, 0);
  g_assert_cmpuint (report->problems->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_problem (report, i, CI_AUDIT_CHECKPOINT, 10 * (i + 1), "no valid signature");
}

static void
test_checkpoint_forged_signature (TestBed       *fx,
                                  gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  append_entries (fx, 20);
  /* the checkpoint is moved to claim a different head */
  raw_exec (&fx->db, "UPDATE audit_checkpoint SET seq = 15 WHERE seq = 10");
  raw_exec (&fx->db, SQL ("UPDATE audit_checkpoint SET signature = x'3006020101020101'"
                          " WHERE seq = 20",
                          "UPDATE audit_checkpoint SET signature = '\\x3006020101020101'"
                          " WHERE seq = 20"));
  report = verify (fx, NULL);
  g_assert_cmpuint (report->problems->len, ==, 2);
  assert_problem (report, 0, CI_AUDIT_CHECKPOINT, 15, "no valid signature");
  assert_problem (report, 1, CI_AUDIT_CHECKPOINT, 20, "no valid signature");
  g_assert_cmpint (report->signed_seq, ==, 0);
}

static void
test_checkpoint_locked (TestBed       *fx,
                        gconstpointer  data)
{
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  ci_audit_log_set_checkpoint_interval (fx->log, 10);
  ci_key_store_lock (fx->keys);
  g_assert_false (ci_key_store_is_unlocked (fx->keys));
  append_entries (fx, 25);
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 0);
  report = verify (fx, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, 25);
  g_assert_cmpuint (report->n_checkpoints, ==, 0);
  g_assert_cmpint (report->signed_seq, ==, 0);
  g_clear_pointer (&report, ci_audit_report_free);

  /* An explicit checkpoint needs the key. */
  g_assert_false (ci_audit_log_checkpoint (fx->log, &error));
  g_assert_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED);
  g_clear_error (&error);

  /* Once unlocked, the overdue checkpoint is signed at the next entry and covers everything. */
  g_assert_true (ci_key_store_unlock (fx->keys, PASSPHRASE, &error));
  g_assert_no_error (error);
  append_one (fx, "anna", 26);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((CiAuditCheckpoint *) list->pdata[0])->seq, ==, 26);
  report = verify (fx, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->signed_seq, ==, 26);
}

static void
test_no_key_store (TestBed       *fx,
                   gconstpointer  data)
{
  g_autoptr(CiAuditLog) bare = ci_audit_log_new (fx->db.store, "desk-2");
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  ci_audit_log_set_checkpoint_interval (bare, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
      e->action = g_strdup ("employee.view");
      g_assert_true (ci_audit_log_append (bare, e, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (e->desk, ==, "desk-2");
    }
  list = checkpoints (fx);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (ci_audit_log_checkpoint (bare, &error));
  g_assert_error (error, CI_AUDIT_ERROR, CI_AUDIT_ERROR_FAILED);
  report = ci_audit_log_verify (bare, NULL, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, 3);
}

/* ---- transactions ------------------------------------------------------------------ */

static void
test_append_rollback (TestBed       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
  g_autoptr(CiAuditReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 seq = -1;
  guint8 head[CI_AUDIT_HASH_LEN];

  append_entries (fx, 5);
  g_assert_true (ci_store_begin (fx->db.store, &error));
  g_assert_no_error (error);
  e->action = g_strdup ("employee.enroll");
  e->operator_login = g_strdup ("anna");
  g_assert_true (ci_audit_log_append_in_transaction (fx->log, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->seq, ==, 6);
  ci_store_rollback (fx->db.store);

  g_assert_true (ci_store_audit_head (fx->db.store, &seq, head, &error));
  g_assert_cmpint (seq, ==, 5);
  entries = read_entries (fx, NULL);
  g_assert_cmpuint (entries->len, ==, 5);

  /* the next entry takes the place the rolled-back one would have had */
  append_one (fx, "bert", 6);
  report = verify (fx, NULL);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, 6);
  g_assert_cmpint (report->head_seq, ==, 6);
}

static void
test_append_commit (TestBed       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
  g_autoptr(CiEmployee) emp = ci_employee_new ();
  g_autoptr(CiAuditEntry) stored = NULL;

  /* a change and its entry, committed together */
  ci_employee_set_number (emp, "E-1");
  ci_employee_set_given_name (emp, "Anna");
  ci_employee_set_family_name (emp, "Müller");
  ci_employee_set_valid_from (emp, "2026-01-01");
  ci_employee_set_valid_until (emp, "2026-12-31");
  g_assert_true (ci_store_begin (fx->db.store, &error));
  g_assert_true (ci_store_employee_insert (fx->db.store, emp, &error));
  e->action = g_strdup ("employee.enroll");
  e->subject_type = g_strdup ("employee");
  e->subject_id = g_strdup ("E-1");
  g_assert_true (ci_audit_log_append_in_transaction (fx->log, e, &error));
  g_assert_true (ci_store_commit (fx->db.store, &error));
  g_assert_no_error (error);
  ci_audit_log_committed (fx->log, e);

  stored = read_entry (fx, 1);
  g_assert_cmpstr (stored->action, ==, "employee.enroll");
  /* missing texts are stored, and hashed, as "" */
  g_assert_cmpstr (stored->operator_login, ==, "");
  g_assert_cmpstr (stored->reason, ==, "");
  g_assert_cmpstr (stored->details, ==, "");
  g_assert_cmpmem (stored->hash, CI_AUDIT_HASH_LEN, e->hash, CI_AUDIT_HASH_LEN);
  g_assert_cmpint (ci_store_employee_count (fx->db.store, NULL), ==, 1);
}

/* ---- export ------------------------------------------------------------------------ */

static char **
export_lines (TestBed             *fx,
              const CiAuditFilter *filter,
              guint               *n_lines)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autofree char *text = NULL;
  char **lines;
  gsize len;

  g_assert_true (ci_audit_log_export (fx->log, filter, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  text = len ? g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), len)
             : g_strdup ("");
  g_assert_true (g_utf8_validate (text, -1, NULL));
  /* JSON Lines: every line, the last included, ends with a newline */
  g_assert_true (len == 0 || text[len - 1] == '\n');
  if (len)
    text[len - 1] = '\0';
  lines = len ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
  *n_lines = g_strv_length (lines);
  return lines;
}

static void
assert_json_line (const char *line,
                  gint64      seq)
{
  g_autofree char *prefix = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",", seq);

  if (!g_str_has_prefix (line, prefix) || !g_str_has_suffix (line, "}"))
    g_error ("not a JSON object for entry %" G_GINT64_FORMAT ": %s", seq, line);
  for (const char *p = line; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
  g_assert_nonnull (strstr (line, "\"details\":{}"));
  g_assert_nonnull (strstr (line, "\"desk\":\"desk-1\""));
}

static void
test_export (TestBed       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  append_entries (fx, 9);
  e->action = g_strdup ("card.block");
  e->operator_login = g_strdup ("anna");
  e->outcome = CI_OUTCOME_REFUSED;
  e->reason = g_strdup ("she said \"no\"\nand left \\ quickly");
  e->details = g_strdup ("{}");
  g_assert_true (ci_audit_log_append (fx->log, e, &error));
  g_assert_no_error (error);

  lines = export_lines (fx, NULL, &n);
  g_assert_cmpuint (n, ==, 10);
  for (guint i = 0; i < n; i++)
    assert_json_line (lines[i], i + 1);
  g_assert_nonnull (strstr (lines[9], "\"reason\":\"she said \\\"no\\\"\\u000aand left \\\\ "
                                      "quickly\""));
  g_assert_nonnull (strstr (lines[9], "\"outcome\":\"refused\""));
  g_assert_nonnull (strstr (lines[9], "\"operator\":\"anna\""));
  g_assert_nonnull (strstr (lines[0], "\"outcome\":\"ok\""));
  g_assert_nonnull (strstr (lines[0], "\"reason\":\"\""));
  {
    g_autoptr(CiAuditEntry) stored = read_entry (fx, 10);
    g_autofree char *hash = NULL;
    GString *hex = g_string_new ("\"hash\":\"");

    for (guint i = 0; i < CI_AUDIT_HASH_LEN; i++)
      g_string_append_printf (hex, "%02x", stored->hash[i]);
    g_string_append_c (hex, '"');
    hash = g_string_free (hex, FALSE);
    g_assert_nonnull (strstr (lines[9], hash));
  }
}

static void
test_export_filter (TestBed       *fx,
                    gconstpointer  data)
{
  CiAuditFilter by_operator = { .operator_login = "anna" };
  CiAuditFilter by_action = { .action_prefix = "card." };
  CiAuditFilter windowed = { .after_seq = 10, .limit = 5 };
  CiAuditFilter nobody = { .operator_login = "nobody" };
  guint n = 0;

  append_entries (fx, 30);
  {
    g_auto(GStrv) lines = export_lines (fx, &by_operator, &n);
    /* operators take turns: bert, carla, anna, bert, … so anna wrote 3, 6, … 30 */
    g_assert_cmpuint (n, ==, 10);
    for (guint i = 0; i < n; i++)
      {
        assert_json_line (lines[i], 3 * (i + 1));
        g_assert_nonnull (strstr (lines[i], "\"operator\":\"anna\""));
      }
  }
  {
    g_auto(GStrv) lines = export_lines (fx, &by_action, &n);
    g_assert_cmpuint (n, ==, 15);
    for (guint i = 0; i < n; i++)
      g_assert_nonnull (strstr (lines[i], "\"action\":\"card.issue\""));
  }
  {
    g_auto(GStrv) lines = export_lines (fx, &windowed, &n);
    g_assert_cmpuint (n, ==, 5);
    assert_json_line (lines[0], 11);
    assert_json_line (lines[4], 15);
  }
  {
    g_auto(GStrv) lines = export_lines (fx, &nobody, &n);
    g_assert_cmpuint (n, ==, 0);
  }
}

static void
test_export_large (TestBed       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *details = NULL;
  GString *big = g_string_new ("{\"note\":\"");
  guint n = 0;

  /* over 64 KiB of output, so the export flushes in several pieces */
  for (guint i = 0; i < 4000; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  details = g_string_free (big, FALSE);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();
      e->action = g_strdup ("employee.import");
      e->details = g_strdup (details);
      g_assert_true (ci_audit_log_append (fx->log, e, &error));
      g_assert_no_error (error);
    }
  lines = export_lines (fx, NULL, &n);
  g_assert_cmpuint (n, ==, 40);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("{\"seq\":%u,", i + 1);
      g_assert_true (g_str_has_prefix (lines[i], prefix));
      g_assert_true (g_str_has_suffix (lines[i], "}"));
      g_assert_nonnull (strstr (lines[i], details));
    }
}

/* ---- the audit list service ---------------------------------------------------- */

#define LIST_PASSWORD "list-password-1"

typedef struct
{
  TestBed     base;
  CiServices *services;
  CiOperator *admin;
  CiOperator *hr;
  CiOperator *sec;
} ListFixture;

static CiOperator *
list_add_operator (ListFixture *lf,
                   const char  *login,
                   CiRole       roles)
{
  g_autoptr(GError) error = NULL;
  CiOperator *op = ci_operator_new ();

  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, login);
  ci_operator_set_roles (op, roles);
  g_assert_true (ci_services_operator_add (lf->services, lf->admin, op, LIST_PASSWORD, &error));
  g_assert_no_error (error);
  return op;
}

static void
list_fixture_setup (ListFixture   *lf,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_bed_setup (&lf->base, data);
  lf->services = ci_services_new (lf->base.db.store, "desk-1");
  lf->admin = ci_services_setup_first_admin (lf->services, "admin", "admin", LIST_PASSWORD,
                                             &error);
  g_assert_no_error (error);
  lf->hr = list_add_operator (lf, "hr", CI_ROLE_HR);
  lf->sec = list_add_operator (lf, "sec", CI_ROLE_SECURITY);
}

static void
list_fixture_teardown (ListFixture   *lf,
                       gconstpointer  data)
{
  g_clear_object (&lf->admin);
  g_clear_object (&lf->hr);
  g_clear_object (&lf->sec);
  g_assert_finalize_object (g_steal_pointer (&lf->services));
  test_bed_teardown (&lf->base, data);
}

static GPtrArray *
list_as (ListFixture         *lf,
         CiOperator          *actor,
         const CiAuditFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = ci_services_audit_list (lf->services, actor, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static const CiAuditEntry *
item_entry (GPtrArray *items,
            guint      i)
{
  return ((CiAuditListItem *) g_ptr_array_index (items, i))->entry;
}

static gint64
head_seq (TestBed *fx)
{
  g_autoptr(GError) error = NULL;
  guint8 hash[CI_AUDIT_HASH_LEN];
  gint64 seq = 0;

  g_assert_true (ci_store_audit_head (fx->db.store, &seq, hash, &error));
  g_assert_no_error (error);
  return seq;
}

/* Pages newest first: every entry once, in order, though each page call adds
 * an entry of its own at the head. */
static void
test_list_pages (ListFixture   *lf,
                 gconstpointer  data)
{
  CiAuditFilter filter = { .limit = 500 };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  gint64 head, expected;
  guint pages = 0;

  append_entries (&lf->base, CI_AUDIT_LIST_MAX + 200);
  head = head_seq (&lf->base);
  expected = head;
  for (;;)
    {
      GPtrArray *page = list_as (lf, lf->sec, &filter);

      g_ptr_array_add (all, page);
      if (page->len == 0)
        break;
      pages++;
      g_assert_cmpuint (page->len, <=, 500);
      for (guint i = 0; i < page->len; i++)
        g_assert_cmpint (item_entry (page, i)->seq, ==, expected--);
      filter.before_seq = item_entry (page, page->len - 1)->seq;
    }
  g_assert_cmpint (expected, ==, 0);
  g_assert_cmpuint (pages, ==, (head + 499) / 500);
  /* one "audit.list" entry per call, written after it read */
  g_assert_cmpint (head_seq (&lf->base), ==, head + pages + 1);

  /* without a limit, a call returns at most CI_AUDIT_LIST_MAX */
  {
    g_autoptr(GPtrArray) big = list_as (lf, lf->sec, NULL);
    g_assert_cmpuint (big->len, ==, CI_AUDIT_LIST_MAX);
    g_assert_cmpint (item_entry (big, 0)->seq, ==, head_seq (&lf->base) - 1);
  }
}

static CiAuditEntry *
timed_entry (const char *operator_login,
             const char *action,
             gint64      time_us,
             CiOutcome   outcome,
             const char *subject_type,
             const char *subject_id,
             const char *details)
{
  CiAuditEntry *e = ci_audit_entry_new ();

  e->operator_login = g_strdup (operator_login);
  e->action = g_strdup (action);
  e->time_us = time_us;
  e->outcome = outcome;
  e->reason = g_strdup (outcome == CI_OUTCOME_OK ? "" : "card is 50%_off");
  e->subject_type = g_strdup (subject_type);
  e->subject_id = g_strdup (subject_id);
  e->details = g_strdup (details);
  return e;
}

static void
append_timed (ListFixture  *lf,
              CiAuditEntry *e)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_audit_log_append (lf->base.log, e, &error));
  g_assert_no_error (error);
  ci_audit_entry_free (e);
}

#define HOUR_US ((gint64) 3600 * G_USEC_PER_SEC)
#define T0 ((gint64) 1767225600 * G_USEC_PER_SEC)  /* 2026-01-01 00:00 UTC */

/* Twelve entries an hour apart: who, what, how it went, about whom. */
static void
append_story (ListFixture *lf)
{
  for (guint i = 0; i < 12; i++)
    {
      const char *op = i % 2 ? "hr" : "sec";
      CiOutcome outcome = i % 4 == 3 ? CI_OUTCOME_REFUSED : i % 6 == 5 ? CI_OUTCOME_FAILED
                                                                      : CI_OUTCOME_OK;
      g_autofree char *number = g_strdup_printf ("E-%02u", i);
      g_autofree char *serial = g_strdup_printf ("%u", 9000 + i);
      g_autofree char *details = g_strdup_printf ("{\"employee\":\"%s\"}", number);

      if (i % 3 == 0)
        append_timed (lf, timed_entry (op, "card.state", T0 + i * HOUR_US, outcome, "card",
                                       serial, details));
      else
        append_timed (lf, timed_entry (op, "employee.edit", T0 + i * HOUR_US, outcome,
                                       "employee", number, "{}"));
    }
}

static void
assert_seqs (GPtrArray   *items,
             const char  *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (got, "%s%" G_GINT64_FORMAT, i ? " " : "", item_entry (items, i)->seq);
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_list_filters (ListFixture   *lf,
                   gconstpointer  data)
{
  /* entries 1–3 are the setup's; the story is 4–15, hour i at seq 4 + i */
  append_story (lf);
  {
    CiAuditFilter f = { .operator_login = "hr", .until_us = T0 + 12 * HOUR_US };
    g_autoptr(GPtrArray) items = list_as (lf, lf->sec, &f);
    assert_seqs (items, "15 13 11 9 7 5");
  }
  {
    CiAuditFilter f = { .action_prefix = "card." };
    g_autoptr(GPtrArray) items = list_as (lf, lf->sec, &f);
    assert_seqs (items, "13 10 7 4");
  }
  {
    CiAuditFilter f = { .outcomes = 1 << CI_OUTCOME_REFUSED | 1 << CI_OUTCOME_FAILED };
    g_autoptr(GPtrArray) items = list_as (lf, lf->sec, &f);
    /* refused at hours 3, 7, 11; failed at 5 (hour 11 is refused first) */
    assert_seqs (items, "15 11 9 7");
  }
  {
    CiAuditFilter f = { .since_us = T0 + 2 * HOUR_US, .until_us = T0 + 5 * HOUR_US };
    g_autoptr(GPtrArray) items = list_as (lf, lf->sec, &f);
    assert_seqs (items, "8 7 6");
  }
  {
    /* the text is found in the subject, the details and the reason, and LIKE's
     * wildcards in it are taken literally */
    CiAuditFilter subject = { .text = "E-07" };
    CiAuditFilter detail = { .text = "e-09" };
    CiAuditFilter reason = { .text = "50%_" };
    CiAuditFilter wildcard = { .text = "5_%" };
    g_autoptr(GPtrArray) a = list_as (lf, lf->sec, &subject);
    g_autoptr(GPtrArray) b = list_as (lf, lf->sec, &detail);
    g_autoptr(GPtrArray) c = list_as (lf, lf->sec, &reason);
    g_autoptr(GPtrArray) d = list_as (lf, lf->sec, &wildcard);
    assert_seqs (a, "11");
    assert_seqs (b, "13");
    assert_seqs (c, "15 11 9 7");
    assert_seqs (d, "");
  }
  {
    CiAuditFilter f = { .operator_login = "sec", .action_prefix = "employee.",
                        .outcomes = 1 << CI_OUTCOME_OK, .before_seq = 12, .limit = 2 };
    g_autoptr(GPtrArray) items = list_as (lf, lf->sec, &f);
    assert_seqs (items, "8 6");
  }
}

/* Roles that may read only their own entries get only those, whatever they ask. */
static void
test_list_limited_scope (ListFixture   *lf,
                         gconstpointer  data)
{
  CiAuditFilter others = { .operator_login = "sec" };
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) asked = NULL;
  g_autoptr(GPtrArray) everything = NULL;
  gboolean saw_other = FALSE;

  append_story (lf);
  own = list_as (lf, lf->hr, NULL);
  asked = list_as (lf, lf->hr, &others);
  g_assert_cmpuint (own->len, >=, 6);
  for (guint i = 0; i < own->len; i++)
    g_assert_cmpstr (item_entry (own, i)->operator_login, ==, "hr");
  g_assert_cmpuint (asked->len, ==, own->len + 1);  /* plus the first list call's entry */
  for (guint i = 0; i < asked->len; i++)
    g_assert_cmpstr (item_entry (asked, i)->operator_login, ==, "hr");
  everything = list_as (lf, lf->sec, NULL);
  for (guint i = 0; i < everything->len; i++)
    saw_other |= g_strcmp0 (item_entry (everything, i)->operator_login, "hr") != 0;
  g_assert_true (saw_other);
}

/* The list call is audited, with what it showed. */
static void
test_list_audited (ListFixture   *lf,
                   gconstpointer  data)
{
  CiAuditFilter f = { .text = "E-07", .operator_login = "sec" };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CiAuditEntry) last = NULL;

  append_story (lf);
  items = list_as (lf, lf->hr, &f);
  last = read_entry (&lf->base, head_seq (&lf->base));
  g_assert_cmpstr (last->action, ==, "audit.list");
  g_assert_cmpstr (last->operator_login, ==, "hr");
  g_assert_cmpint (last->outcome, ==, CI_OUTCOME_OK);
  g_assert_cmpstr (last->details, ==, "{\"operator_filter\":\"hr\",\"text\":\"E-07\","
                                      "\"count\":\"1\"}");
}

/* Employee and card: from the subject, or from the details; details that are
 * not what the services write give nothing, and never a crash. */
static void
test_list_concerns (ListFixture   *lf,
                    gconstpointer  data)
{
  static const struct { const char *type, *id, *details, *employee, *card; } cases[] = {
    { "employee", "E-1", "{}", "E-1", "" },
    { "card", "42", "{\"employee\":\"E-2\"}", "E-2", "42" },
    { "card", "43", " { \"from\" : \"active\" , \"employee\":\"E-\\u0041\\\"\\\\\" } ",
      "E-A\"\\", "43" },
    { "card", "44", "{\"n\":12,\"ok\":true,\"employee\":\"E-4\"}", "E-4", "44" },
    { "card", "45", "{\"nested\":{\"employee\":\"E-5\"}}", "", "45" },
    { "card", "46", "{\"employee\":\"E-6", "", "46" },
    { "card", "47", "{\"employee\":\"\\u00\"}", "", "47" },
    { "card", "48", "{\"employee\":\"\\ud800\"}", "\xef\xbf\xbd", "48" },
    { "card", "49", "[\"employee\",\"E-9\"]", "", "49" },
    { "card", "50", "", "", "50" },
    { "card", "51", "{\"employee\"", "", "51" },
    { "card", "52", "{\"employee\":\"\\", "", "52" },
    { "zone", "Z-1", "{\"card\":\"77\"}", "", "77" },
  };
  g_autoptr(GPtrArray) items = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    append_timed (lf, timed_entry ("sec", "test.concerns", 0, CI_OUTCOME_OK, cases[i].type,
                                   cases[i].id, cases[i].details));
  {
    CiAuditFilter f = { .action_prefix = "test." };
    items = list_as (lf, lf->sec, &f);
  }
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < items->len; i++)
    {
      const CiAuditListItem *item = g_ptr_array_index (items, items->len - 1 - i);

      g_test_message ("case %u: %s", i, cases[i].details);
      g_assert_cmpstr (item->employee, ==, cases[i].employee);
      g_assert_cmpstr (item->card, ==, cases[i].card);
      g_assert_true (g_utf8_validate (item->employee, -1, NULL));
    }
}

/* The new filter fields narrow an export the same way; an export stays oldest
 * first and, for a limited role, its own entries only. */
static void
test_list_export_filter (ListFixture   *lf,
                         gconstpointer  data)
{
  CiAuditFilter f = { .outcomes = 1 << CI_OUTCOME_REFUSED, .since_us = T0 + 4 * HOUR_US };
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;

  append_story (lf);
  g_assert_true (ci_services_audit_export (lf->services, lf->hr, &f, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (out, NULL, &error));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
  lines = g_strsplit (text, "\n", -1);
  /* hr's refusals from hour 4 on: hours 7 and 11 (seq 11, 15) */
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "{\"seq\":11,"));
  g_assert_true (g_str_has_prefix (lines[1], "{\"seq\":15,"));
  g_assert_cmpstr (lines[2], ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!ci_test_store_init ())
    return 1;

#define ADD(path, func) \
  g_test_add ("/audit/" path, TestBed, NULL, test_bed_setup, func, test_bed_teardown)

  ADD ("chain/intact", test_intact);
  ADD ("chain/empty", test_empty);
  ADD ("chain/hash-covers-fields", test_hash_covers_fields);
  ADD ("tamper/edit", test_tamper_edit);
  ADD ("tamper/edit-first-and-last", test_tamper_edit_last);
  ADD ("tamper/delete", test_tamper_delete);
  ADD ("tamper/delete-range", test_tamper_delete_range);
  ADD ("tamper/delete-renumber", test_tamper_delete_renumber);
  ADD ("tamper/renumber", test_tamper_renumber);
  ADD ("tamper/insert-garbage-hash", test_tamper_insert_garbage);
  ADD ("tamper/insert-garbage-link", test_tamper_insert_garbage_link);
  ADD ("tamper/insert-computed-hash", test_tamper_insert_computed);
  ADD ("tamper/reorder", test_tamper_reorder);
  ADD ("tamper/move-far", test_tamper_move_far);
  ADD ("checkpoint/signed", test_checkpoints);
  ADD ("checkpoint/truncated", test_checkpoint_truncated);
  ADD ("checkpoint/truncated-and-continued", test_checkpoint_truncated_and_continued);
  ADD ("checkpoint/rewritten-chain", test_checkpoint_rewritten);
  ADD ("checkpoint/other-key", test_checkpoint_other_key);
  ADD ("checkpoint/forged-signature", test_checkpoint_forged_signature);
  ADD ("checkpoint/locked", test_checkpoint_locked);
  ADD ("checkpoint/no-key-store", test_no_key_store);
  ADD ("transaction/rollback", test_append_rollback);
  ADD ("transaction/commit", test_append_commit);
  ADD ("export/json-lines", test_export);
  ADD ("export/filter", test_export_filter);
  ADD ("export/large", test_export_large);

#define ADD_LIST(path, func) \
  g_test_add ("/audit/list/" path, ListFixture, NULL, list_fixture_setup, func, \
              list_fixture_teardown)

  ADD_LIST ("pages", test_list_pages);
  ADD_LIST ("filters", test_list_filters);
  ADD_LIST ("limited-scope", test_list_limited_scope);
  ADD_LIST ("audited", test_list_audited);
  ADD_LIST ("concerns", test_list_concerns);
  ADD_LIST ("export-filter", test_list_export_filter);

#undef ADD_LIST

#undef ADD

  return g_test_run ();
}
