/* test-store-audit.c — the audit records of the store, on either backend
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-test-store.h"
#include "audit/ci-audit-log.h"
#include "keys/ci-key-store.h"

#include <string.h>

#include <glib/gstdio.h>

/* test-audit.c checks the chain's logic over SQLite; these check that each
 * backend keeps what the chain needs: exact bytes, order, filters, and a
 * walk through more entries than one batch of the PostgreSQL store. */

/* ---- helpers --------------------------------------------------------------- */

/* An entry with a recognisable hash: NULs and high bytes, different per @seq. */
static CiAuditEntry *
make_entry (gint64      seq,
            const char *operator_login,
            const char *action,
            const char *subject_id,
            CiOutcome   outcome,
            const char *reason,
            const char *details)
{
  CiAuditEntry *e = ci_audit_entry_new ();

  e->seq = seq;
  e->time_us = seq * 1000;
  e->desk = g_strdup ("desk-1");
  e->operator_login = g_strdup (operator_login);
  e->action = g_strdup (action);
  e->subject_type = g_strdup ("thing");
  e->subject_id = g_strdup (subject_id);
  e->outcome = outcome;
  e->reason = g_strdup (reason);
  e->details = g_strdup (details);
  e->duration_us = seq + 7;
  for (guint i = 0; i < CI_AUDIT_HASH_LEN; i++)
    {
      e->prev_hash[i] = (guint8) (i % 3 ? 0 : 0xff - seq + 1 - i);
      e->hash[i] = (guint8) (i % 3 ? 0 : 0xff - seq - i);
    }
  return e;
}

static void
append (Fixture      *fx,
        CiAuditEntry *e)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_store_audit_append (fx->store, e, &error));
  g_assert_no_error (error);
}

typedef struct
{
  GString *seqs;
  guint    n;
  guint    stop_after;   /* 0: never */
} Walk;

static gboolean
walk_entry (const CiAuditEntry *e,
            gpointer            user_data)
{
  Walk *w = user_data;

  g_string_append_printf (w->seqs, "%s%" G_GINT64_FORMAT, w->n++ ? " " : "", e->seq);
  return w->stop_after == 0 || w->n < w->stop_after;
}

/* The sequence numbers of the entries @filter selects, in the order read. */
static char *
seqs (Fixture             *fx,
      const CiAuditFilter *filter,
      guint                stop_after)
{
  g_autoptr(GError) error = NULL;
  Walk w = { g_string_new (NULL), 0, stop_after };

  g_assert_true (ci_store_audit_foreach (fx->store, filter, walk_entry, &w, &error));
  g_assert_no_error (error);
  return g_string_free (w.seqs, FALSE);
}

static void
assert_seqs (Fixture             *fx,
             const CiAuditFilter *filter,
             const char          *expected)
{
  g_autofree char *got = seqs (fx, filter, 0);

  g_assert_cmpstr (got, ==, expected);
}

static gboolean
take_entry (const CiAuditEntry *e,
            gpointer            user_data)
{
  g_ptr_array_add (user_data, ci_audit_entry_copy (e));
  return TRUE;
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_audit_append_head (Fixture       *fx,
                        gconstpointer  data)
{
  static const guint8 zero[CI_AUDIT_HASH_LEN] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e1 = make_entry (1, "hr", "employee.enroll", "E-1", CI_OUTCOME_OK, "",
                                           "{\"name\":\"Zoë\"}");
  g_autoptr(CiAuditEntry) e2 = make_entry (2, "sec", "card.issue", "C-1", CI_OUTCOME_FAILED,
                                           "reader gone", "{}");
  g_autoptr(CiAuditEntry) again = make_entry (2, "sec", "card.issue", "C-9", CI_OUTCOME_OK, "",
                                              "{}");
  g_autoptr(GPtrArray) read = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_entry_free);
  guint8 hash[CI_AUDIT_HASH_LEN];
  gint64 seq = -1;

  g_assert_true (ci_store_audit_head (fx->store, &seq, hash, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 0);
  g_assert_cmpmem (hash, sizeof hash, zero, sizeof zero);

  append (fx, e1);
  append (fx, e2);
  g_assert_true (ci_store_audit_head (fx->store, &seq, hash, &error));
  g_assert_cmpint (seq, ==, 2);
  g_assert_cmpmem (hash, sizeof hash, e2->hash, sizeof e2->hash);

  /* A sequence number is written once. */
  g_assert_false (ci_store_audit_append (fx->store, again, &error));
  g_assert_error (error, CI_STORE_ERROR, CI_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* Every field comes back as written. */
  g_assert_true (ci_store_audit_foreach (fx->store, NULL, take_entry, read, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 2);
  for (guint i = 0; i < read->len; i++)
    {
      const CiAuditEntry *got = read->pdata[i], *want = i ? e2 : e1;

      g_assert_cmpint (got->seq, ==, want->seq);
      g_assert_cmpint (got->time_us, ==, want->time_us);
      g_assert_cmpstr (got->desk, ==, want->desk);
      g_assert_cmpstr (got->operator_login, ==, want->operator_login);
      g_assert_cmpstr (got->action, ==, want->action);
      g_assert_cmpstr (got->subject_type, ==, want->subject_type);
      g_assert_cmpstr (got->subject_id, ==, want->subject_id);
      g_assert_cmpint (got->outcome, ==, want->outcome);
      g_assert_cmpstr (got->reason, ==, want->reason);
      g_assert_cmpstr (got->details, ==, want->details);
      g_assert_cmpint (got->duration_us, ==, want->duration_us);
      g_assert_cmpmem (got->prev_hash, CI_AUDIT_HASH_LEN, want->prev_hash, CI_AUDIT_HASH_LEN);
      g_assert_cmpmem (got->hash, CI_AUDIT_HASH_LEN, want->hash, CI_AUDIT_HASH_LEN);
    }

  g_assert_true (ci_store_audit_find_hash (fx->store, e1->hash, &seq, &error));
  g_assert_cmpint (seq, ==, 1);
  g_assert_true (ci_store_audit_find_hash (fx->store, zero, &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 0);
}

static void
add_filter_entries (Fixture *fx)
{
  static const struct
  {
    const char *operator_login, *action, *subject_id;
    CiOutcome   outcome;
    const char *reason, *details;
  } rows[] = {
    { "hr", "employee.enroll", "E-1", CI_OUTCOME_OK, "", "{\"offer\":\"50%_off\"}" },
    { "sec", "card.issue", "C-1", CI_OUTCOME_REFUSED, "Lost card", "{}" },
    { "hr", "card.revoke", "C-2", CI_OUTCOME_FAILED, "reader gone", "{}" },
    { "sec", "zone.create", "HQ", CI_OUTCOME_OK, "", "{\"name\":\"Zürich\"}" },
    { "front", "card.lost", "C-1", CI_OUTCOME_OK, "LOST at the gate", "{}" },
    { "hr", "employee.edit", "E-1", CI_OUTCOME_OK, "", "{}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(CiAuditEntry) e = make_entry (i + 1, rows[i].operator_login, rows[i].action,
                                              rows[i].subject_id, rows[i].outcome,
                                              rows[i].reason, rows[i].details);
      append (fx, e);
    }
}

static void
test_audit_filters (Fixture       *fx,
                    gconstpointer  data)
{
  add_filter_entries (fx);

  assert_seqs (fx, NULL, "1 2 3 4 5 6");
  assert_seqs (fx, &(CiAuditFilter) { 0 }, "1 2 3 4 5 6");
  assert_seqs (fx, &(CiAuditFilter) { .operator_login = "hr" }, "1 3 6");
  assert_seqs (fx, &(CiAuditFilter) { .action_prefix = "card." }, "2 3 5");
  assert_seqs (fx, &(CiAuditFilter) { .action_prefix = "card.re" }, "3");
  assert_seqs (fx, &(CiAuditFilter) { .subject_id = "C-1" }, "2 5");
  /* text: action, subject, reason or details; ASCII letters in any case */
  assert_seqs (fx, &(CiAuditFilter) { .text = "lost" }, "2 5");
  assert_seqs (fx, &(CiAuditFilter) { .text = "HQ" }, "4");
  assert_seqs (fx, &(CiAuditFilter) { .text = "zürich" }, "4");
  assert_seqs (fx, &(CiAuditFilter) { .text = "ZÜRICH" }, "");
  /* LIKE's wildcards are taken literally */
  assert_seqs (fx, &(CiAuditFilter) { .text = "50%_" }, "1");
  assert_seqs (fx, &(CiAuditFilter) { .text = "5_%" }, "");
  assert_seqs (fx, &(CiAuditFilter) { .text = "" }, "1 2 3 4 5 6");
  assert_seqs (fx, &(CiAuditFilter) { .since_us = 2000, .until_us = 5000 }, "2 3 4");
  assert_seqs (fx, &(CiAuditFilter) { .outcomes = 1 << CI_OUTCOME_REFUSED
                                                  | 1 << CI_OUTCOME_FAILED }, "2 3");
  assert_seqs (fx, &(CiAuditFilter) { .after_seq = 2, .before_seq = 5 }, "3 4");
  assert_seqs (fx, &(CiAuditFilter) { .limit = 2 }, "1 2");
  assert_seqs (fx, &(CiAuditFilter) { .after_seq = 4, .limit = 5 }, "5 6");
  assert_seqs (fx, &(CiAuditFilter) { .newest_first = TRUE, .limit = 2 }, "6 5");
  assert_seqs (fx, &(CiAuditFilter) { .newest_first = TRUE, .operator_login = "hr" }, "6 3 1");
  assert_seqs (fx, &(CiAuditFilter) { .newest_first = TRUE, .before_seq = 4 }, "3 2 1");
  assert_seqs (fx, &(CiAuditFilter) { .operator_login = "sec",
                                      .outcomes = 1 << CI_OUTCOME_OK }, "4");
  assert_seqs (fx, &(CiAuditFilter) { .operator_login = "nobody" }, "");
  /* the callback stops the walk */
  {
    g_autofree char *first_two = seqs (fx, NULL, 2);
    g_assert_cmpstr (first_two, ==, "1 2");
  }
}

static void
test_audit_checkpoints (Fixture       *fx,
                        gconstpointer  data)
{
  static const guint8 der[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0xff };
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditCheckpoint) late = ci_audit_checkpoint_new ();
  g_autoptr(CiAuditCheckpoint) early = ci_audit_checkpoint_new ();
  g_autoptr(GPtrArray) list = NULL;
  CiAuditCheckpoint *got;

  late->seq = 20;
  early->seq = 10;
  for (guint i = 0; i < CI_AUDIT_HASH_LEN; i++)
    {
      late->head_hash[i] = (guint8) (0xff - i);
      early->head_hash[i] = (guint8) (i % 2 ? 0 : i);
    }
  late->time_us = 2000;
  early->time_us = 1000;
  late->desk = g_strdup ("desk-2");
  early->desk = g_strdup ("desk-1");
  late->key_id = g_strdup ("key-b");
  early->key_id = g_strdup ("key-a");
  late->signature = g_bytes_new_static (der, sizeof der);
  early->signature = g_bytes_new_static (der, 3);
  g_assert_true (ci_store_checkpoint_insert (fx->store, late, &error));
  g_assert_true (ci_store_checkpoint_insert (fx->store, early, &error));
  g_assert_no_error (error);
  g_assert_cmpint (late->id, >, 0);
  g_assert_cmpint (early->id, >, late->id);

  /* by sequence number, whatever the order written */
  list = ci_store_checkpoint_list (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  got = list->pdata[0];
  g_assert_cmpint (got->id, ==, early->id);
  g_assert_cmpint (got->seq, ==, 10);
  g_assert_cmpmem (got->head_hash, CI_AUDIT_HASH_LEN, early->head_hash, CI_AUDIT_HASH_LEN);
  g_assert_cmpint (got->time_us, ==, 1000);
  g_assert_cmpstr (got->desk, ==, "desk-1");
  g_assert_cmpstr (got->key_id, ==, "key-a");
  g_assert_true (g_bytes_equal (got->signature, early->signature));
  got = list->pdata[1];
  g_assert_cmpint (got->seq, ==, 20);
  g_assert_cmpmem (got->head_hash, CI_AUDIT_HASH_LEN, late->head_hash, CI_AUDIT_HASH_LEN);
  g_assert_true (g_bytes_equal (got->signature, late->signature));
}

#define N_CHAIN 1100

static void
append_chain_entry (CiAuditLog *log,
                    guint       i,
                    gboolean    in_transaction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();

  e->action = g_strdup (i % 2 ? "employee.edit" : "card.issue");
  e->operator_login = g_strdup (i % 3 ? "anna" : "bert");
  e->subject_type = g_strdup ("employee");
  e->subject_id = g_strdup_printf ("E-%u", i);
  e->details = g_strdup ("{}");
  if (in_transaction)
    g_assert_true (ci_audit_log_append_in_transaction (log, e, &error));
  else
    g_assert_true (ci_audit_log_append (log, e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->seq, ==, i);
}

/* The hash chain over the store: longer than a batch of the PostgreSQL walk,
 * signed, verified, then tampered with behind the store's back. */
static void
test_audit_chain (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-store-keys-XXXXXX", &error);
  g_autofree char *key_path = g_build_filename (dir, "desk.cikeys", NULL);
  g_autoptr(CiKeyStore) keys = ci_key_store_create (key_path, "store test passphrase", &error);
  g_autoptr(CiAuditLog) log = ci_audit_log_new (fx->store, "desk-1");
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(CiAuditReport) report = NULL;
  g_autofree char *newest = NULL;
  const CiAuditProblem *problem;
  gint64 count;

  g_assert_no_error (error);
  ci_audit_log_set_key_store (log, keys);
  public_key = ci_key_store_get_public_key (keys, CI_KEY_AUDIT);
  g_assert_true (ci_store_begin (fx->store, &error));
  for (guint i = 1; i <= N_CHAIN; i++)
    append_chain_entry (log, i, TRUE);
  g_assert_true (ci_store_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_true (ci_audit_log_checkpoint (log, &error));
  g_assert_no_error (error);
  append_chain_entry (log, N_CHAIN + 1, FALSE);
  append_chain_entry (log, N_CHAIN + 2, FALSE);

  report = ci_audit_log_verify (log, public_key, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, N_CHAIN + 2);
  g_assert_cmpint (report->head_seq, ==, N_CHAIN + 2);
  g_assert_cmpuint (report->n_checkpoints, ==, 1);
  g_assert_cmpint (report->signed_seq, ==, N_CHAIN);
  g_clear_pointer (&report, ci_audit_report_free);

  /* Across batches, newest first, and a limit beyond one batch. */
  newest = seqs (fx, &(CiAuditFilter) { .newest_first = TRUE, .limit = 3 }, 0);
  g_assert_cmpstr (newest, ==, "1102 1101 1100");
  count = raw_int (fx, "SELECT count(*) FROM audit WHERE operator = 'bert'");
  {
    g_autofree char *all = seqs (fx, &(CiAuditFilter) { .newest_first = TRUE }, 0);
    g_autofree char *some = seqs (fx, &(CiAuditFilter) { .limit = 1050 }, 0);
    g_autofree char *bert = seqs (fx, &(CiAuditFilter) { .operator_login = "bert" }, 0);
    g_auto(GStrv) all_seqs = g_strsplit (all, " ", -1);
    g_auto(GStrv) some_seqs = g_strsplit (some, " ", -1);
    g_auto(GStrv) bert_seqs = g_strsplit (bert, " ", -1);

    g_assert_cmpuint (g_strv_length (all_seqs), ==, N_CHAIN + 2);
    for (guint i = 0; all_seqs[i]; i++)
      g_assert_cmpint (g_ascii_strtoll (all_seqs[i], NULL, 10), ==, N_CHAIN + 2 - i);
    g_assert_cmpuint (g_strv_length (some_seqs), ==, 1050);
    g_assert_cmpstr (some_seqs[1049], ==, "1050");
    g_assert_cmpuint (g_strv_length (bert_seqs), ==, count);
  }

  /* Edited behind the store's back: found at the entry. */
  raw_exec (fx, "UPDATE audit SET operator = 'mallory' WHERE seq = 700");
  report = ci_audit_log_verify (log, public_key, &error);
  g_assert_no_error (error);
  g_assert_false (ci_audit_report_is_intact (report));
  g_assert_cmpuint (report->problems->len, ==, 1);
  problem = g_ptr_array_index (report->problems, 0);
  g_assert_cmpint (problem->kind, ==, CI_AUDIT_ALTERED);
  g_assert_cmpint (problem->seq, ==, 700);

  g_assert_finalize_object (g_steal_pointer (&log));
  g_assert_finalize_object (g_steal_pointer (&keys));
  ci_test_remove_dir (dir);
}

#define N_PER_DESK 150

typedef struct
{
  CiAuditLog *log;
  GError     *error;
} DeskWriter;

static gpointer
desk_write (gpointer data)
{
  DeskWriter *w = data;

  for (guint i = 0; i < N_PER_DESK && w->error == NULL; i++)
    {
      g_autoptr(CiAuditEntry) e = ci_audit_entry_new ();

      e->action = g_strdup ("employee.edit");
      e->operator_login = g_strdup ("anna");
      e->subject_type = g_strdup ("employee");
      e->subject_id = g_strdup_printf ("E-%u", i);
      e->details = g_strdup ("{}");
      ci_audit_log_append (w->log, e, &w->error);
    }
  return NULL;
}

/* Two desks, each with its own connection, append at the same time: the
 * store keeps one chain without gaps that verifies with entries of both;
 * an entry taken out of it afterwards is reported as a gap. */
static void
test_audit_two_desks (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiStore) other = ci_store_open (fx->location, &error);
  DeskWriter writers[2] = {
    { ci_audit_log_new (fx->store, "desk-a") },
    { ci_audit_log_new (other, "desk-b") },
  };
  GThread *threads[2];
  g_autoptr(CiAuditReport) report = NULL;
  const CiAuditProblem *problem;

  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("desk", desk_write, &writers[i]);
  for (guint i = 0; i < 2; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (writers[i].error);
    }
  report = ci_audit_log_verify (writers[1].log, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ci_audit_report_is_intact (report));
  g_assert_cmpint (report->n_entries, ==, 2 * N_PER_DESK);
  g_assert_cmpint (report->head_seq, ==, 2 * N_PER_DESK);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM audit WHERE desk = 'desk-a'"), ==,
                   N_PER_DESK);
  g_assert_cmpint (raw_int (fx, "SELECT count(*) FROM audit WHERE desk = 'desk-b'"), ==,
                   N_PER_DESK);
  g_clear_pointer (&report, ci_audit_report_free);

  raw_exec (fx, "DELETE FROM audit WHERE seq = 100");
  report = ci_audit_log_verify (writers[0].log, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ci_audit_report_is_intact (report));
  g_assert_cmpuint (report->problems->len, ==, 1);
  problem = g_ptr_array_index (report->problems, 0);
  g_assert_cmpint (problem->kind, ==, CI_AUDIT_DELETED);
  g_assert_cmpint (problem->seq, ==, 101);

  for (guint i = 0; i < 2; i++)
    g_assert_finalize_object (writers[i].log);
  g_assert_finalize_object (g_steal_pointer (&other));
}

/**
 * ci_test_store_add_audit_tests:
 *
 * Adds this file's tests to the store suite.
 */
void
ci_test_store_add_audit_tests (void)
{
  g_test_add ("/store/audit/append-head", Fixture, NULL, fixture_setup,
              test_audit_append_head, fixture_teardown);
  g_test_add ("/store/audit/filters", Fixture, NULL, fixture_setup, test_audit_filters,
              fixture_teardown);
  g_test_add ("/store/audit/checkpoints", Fixture, NULL, fixture_setup, test_audit_checkpoints,
              fixture_teardown);
  g_test_add ("/store/audit/chain", Fixture, NULL, fixture_setup, test_audit_chain,
              fixture_teardown);
  g_test_add ("/store/audit/two-desks", Fixture, NULL, fixture_setup, test_audit_two_desks,
              fixture_teardown);
}
