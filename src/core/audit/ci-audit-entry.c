/* ci-audit-entry.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-audit-entry.h"
#include "keys/ci-digest.h"
#include "model/ci-model.h"

#include <string.h>

/* The canonical encoding, version 1, hashed into the chain:
 *
 *   "CIAUDIT1" ‖ u64 time_us ‖ str desk ‖ str operator ‖ str action ‖ str subject_type
 *   ‖ str subject_id ‖ u8 outcome ‖ str reason ‖ str details ‖ u64 duration_us ‖ prev_hash[32]
 *
 * where u64 is big-endian two's complement and str is a u32 big-endian byte length
 * followed by the UTF-8 bytes. The sequence number is deliberately not part of it:
 * the order is carried by prev_hash, so a renumbered but otherwise intact chain is
 * still recognised and verification can say "deleted" or "moved" rather than
 * "altered" for every entry after the change. */

G_DEFINE_BOXED_TYPE (CiAuditEntry, ci_audit_entry, ci_audit_entry_copy, ci_audit_entry_free)
G_DEFINE_BOXED_TYPE (CiAuditCheckpoint, ci_audit_checkpoint,
                     ci_audit_checkpoint_copy, ci_audit_checkpoint_free)

static const char * const outcome_names[] = { "ok", "refused", "failed" };

CiAuditEntry *
ci_audit_entry_new (void)
{
  return g_new0 (CiAuditEntry, 1);
}

/**
 * ci_audit_entry_clear:
 * @self: a #CiAuditEntry
 *
 * Frees the strings and zeroes the entry so it can be reused (the verifier reads
 * a million entries into one).
 */
void
ci_audit_entry_clear (CiAuditEntry *self)
{
  g_free (self->desk);
  g_free (self->operator_login);
  g_free (self->action);
  g_free (self->subject_type);
  g_free (self->subject_id);
  g_free (self->reason);
  g_free (self->details);
  memset (self, 0, sizeof *self);
}

void
ci_audit_entry_free (CiAuditEntry *self)
{
  if (self == NULL)
    return;
  ci_audit_entry_clear (self);
  g_free (self);
}

CiAuditEntry *
ci_audit_entry_copy (const CiAuditEntry *self)
{
  CiAuditEntry *copy = g_memdup2 (self, sizeof *self);

  copy->desk = g_strdup (self->desk);
  copy->operator_login = g_strdup (self->operator_login);
  copy->action = g_strdup (self->action);
  copy->subject_type = g_strdup (self->subject_type);
  copy->subject_id = g_strdup (self->subject_id);
  copy->reason = g_strdup (self->reason);
  copy->details = g_strdup (self->details);
  return copy;
}

static void
put_u64 (GByteArray *out,
         gint64      v)
{
  guint64 be = GUINT64_TO_BE ((guint64) v);
  g_byte_array_append (out, (const guint8 *) &be, 8);
}

static void
put_str (GByteArray *out,
         const char *s)
{
  gsize len = s ? strlen (s) : 0;
  guint32 be = GUINT32_TO_BE ((guint32) len);

  g_byte_array_append (out, (const guint8 *) &be, 4);
  if (len)
    g_byte_array_append (out, (const guint8 *) s, len);
}

/**
 * ci_audit_entry_encode:
 * @self: a #CiAuditEntry
 * @out: the buffer to fill (its contents are replaced)
 *
 * Writes the canonical encoding that the chain hashes (see the top of this file).
 */
void
ci_audit_entry_encode (const CiAuditEntry *self,
                       GByteArray         *out)
{
  guint8 outcome = (guint8) self->outcome;

  g_byte_array_set_size (out, 0);
  g_byte_array_append (out, (const guint8 *) "CIAUDIT1", 8);
  put_u64 (out, self->time_us);
  put_str (out, self->desk);
  put_str (out, self->operator_login);
  put_str (out, self->action);
  put_str (out, self->subject_type);
  put_str (out, self->subject_id);
  g_byte_array_append (out, &outcome, 1);
  put_str (out, self->reason);
  put_str (out, self->details);
  put_u64 (out, self->duration_us);
  g_byte_array_append (out, self->prev_hash, CI_AUDIT_HASH_LEN);
}

/**
 * ci_audit_entry_compute_hash:
 * @self: a #CiAuditEntry
 * @scratch: a buffer the encoding may be written into, reused between calls
 * @out: the entry's hash
 */
void
ci_audit_entry_compute_hash (const CiAuditEntry *self,
                             GByteArray         *scratch,
                             guint8              out[CI_AUDIT_HASH_LEN])
{
  ci_audit_entry_encode (self, scratch);
  ci_sha256 (scratch->data, scratch->len, out);
}

/**
 * ci_audit_entry_to_json:
 * @self: a #CiAuditEntry
 *
 * Returns: (transfer full): the entry as one line of JSON (JSON Lines export)
 */
char *
ci_audit_entry_to_json (const CiAuditEntry *self)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (self->time_us / G_USEC_PER_SEC);
  g_autofree char *base = t ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%S") : g_strdup ("?");
  g_autofree char *when = NULL;
  g_autofree char *prev = ci_hex_encode (self->prev_hash, CI_AUDIT_HASH_LEN);
  g_autofree char *hash = ci_hex_encode (self->hash, CI_AUDIT_HASH_LEN);

  when = g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", base, self->time_us % G_USEC_PER_SEC);
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT, self->seq);
  ci_json_append_member (out, "time", when);
  ci_json_append_member (out, "desk", self->desk);
  ci_json_append_member (out, "operator", self->operator_login);
  ci_json_append_member (out, "action", self->action);
  ci_json_append_member (out, "subject_type", self->subject_type);
  ci_json_append_member (out, "subject_id", self->subject_id);
  ci_json_append_member (out, "outcome", ci_outcome_to_string (self->outcome));
  ci_json_append_member (out, "reason", self->reason);
  g_string_append_printf (out, ",\"details\":%s", self->details && *self->details
                                                  ? self->details : "{}");
  g_string_append_printf (out, ",\"duration_us\":%" G_GINT64_FORMAT, self->duration_us);
  ci_json_append_member (out, "prev_hash", prev);
  ci_json_append_member (out, "hash", hash);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

const char *
ci_outcome_to_string (CiOutcome outcome)
{
  g_return_val_if_fail (outcome <= CI_OUTCOME_FAILED, "?");
  return outcome_names[outcome];
}

gboolean
ci_outcome_from_string (const char *text,
                        CiOutcome  *outcome)
{
  for (guint i = 0; i < G_N_ELEMENTS (outcome_names); i++)
    if (g_strcmp0 (text, outcome_names[i]) == 0)
      {
        *outcome = i;
        return TRUE;
      }
  return FALSE;
}

CiAuditCheckpoint *
ci_audit_checkpoint_new (void)
{
  return g_new0 (CiAuditCheckpoint, 1);
}

void
ci_audit_checkpoint_free (CiAuditCheckpoint *self)
{
  if (self == NULL)
    return;
  g_free (self->desk);
  g_free (self->key_id);
  g_clear_pointer (&self->signature, g_bytes_unref);
  g_free (self);
}

CiAuditCheckpoint *
ci_audit_checkpoint_copy (const CiAuditCheckpoint *self)
{
  CiAuditCheckpoint *copy = g_memdup2 (self, sizeof *self);

  copy->desk = g_strdup (self->desk);
  copy->key_id = g_strdup (self->key_id);
  copy->signature = self->signature ? g_bytes_ref (self->signature) : NULL;
  return copy;
}

/**
 * ci_audit_checkpoint_encode:
 * @self: a #CiAuditCheckpoint
 *
 * "CICHECK1" ‖ u64 seq ‖ head_hash[32] ‖ u64 time_us ‖ str desk ‖ str key_id —
 * the bytes the audit key signs.
 *
 * Returns: (transfer full): the bytes to sign or verify
 */
GBytes *
ci_audit_checkpoint_encode (const CiAuditCheckpoint *self)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) "CICHECK1", 8);
  put_u64 (out, self->seq);
  g_byte_array_append (out, self->head_hash, CI_AUDIT_HASH_LEN);
  put_u64 (out, self->time_us);
  put_str (out, self->desk);
  put_str (out, self->key_id);
  return g_byte_array_free_to_bytes (out);
}
