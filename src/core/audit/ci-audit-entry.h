/* ci-audit-entry.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CI_AUDIT_HASH_LEN 32

typedef enum
{
  CI_OUTCOME_OK,
  CI_OUTCOME_REFUSED,
  CI_OUTCOME_FAILED,
} CiOutcome;

/**
 * CiAuditEntry:
 * @seq: position in the chain, from 1
 * @time_us: UTC time, microseconds since the Unix epoch
 * @desk: the desk (workstation) that wrote the entry
 * @operator_login: who acted ("" for the system itself)
 * @action: what was attempted, e.g. "employee.enroll"
 * @subject_type: "employee", "card", "zone", "operator", … or ""
 * @subject_id: the subject's key (employee number, card serial, zone code) or ""
 * @outcome: ok, refused (role) or failed (with @reason)
 * @reason: why it was refused or failed, "" when ok
 * @details: JSON object with the action's parameters (never a secret)
 * @duration_us: how long the action took
 * @prev_hash: the hash of the entry before (zeros for the first)
 * @hash: SHA-256 of this entry's canonical encoding, which includes @prev_hash
 *
 * One line of the tamper-evident audit log.
 */
typedef struct
{
  gint64    seq;
  gint64    time_us;
  char     *desk;
  char     *operator_login;
  char     *action;
  char     *subject_type;
  char     *subject_id;
  CiOutcome outcome;
  char     *reason;
  char     *details;
  gint64    duration_us;
  guint8    prev_hash[CI_AUDIT_HASH_LEN];
  guint8    hash[CI_AUDIT_HASH_LEN];
} CiAuditEntry;

/**
 * CiAuditCheckpoint:
 * @seq: the chain head's sequence number when signed
 * @head_hash: the chain head's hash
 * @time_us: when it was signed
 * @desk: the desk that signed it
 * @key_id: which audit key signed it
 * @signature: ECDSA-SHA256 signature (DER) over the checkpoint's canonical encoding
 */
typedef struct
{
  gint64  id;
  gint64  seq;
  guint8  head_hash[CI_AUDIT_HASH_LEN];
  gint64  time_us;
  char   *desk;
  char   *key_id;
  GBytes *signature;
} CiAuditCheckpoint;

#define CI_TYPE_AUDIT_ENTRY (ci_audit_entry_get_type ())
#define CI_TYPE_AUDIT_CHECKPOINT (ci_audit_checkpoint_get_type ())

GType              ci_audit_entry_get_type          (void) G_GNUC_CONST;
CiAuditEntry      *ci_audit_entry_new               (void);
CiAuditEntry      *ci_audit_entry_copy              (const CiAuditEntry *self);
void               ci_audit_entry_free              (CiAuditEntry       *self);
void               ci_audit_entry_clear             (CiAuditEntry       *self);
void               ci_audit_entry_encode            (const CiAuditEntry *self,
                                                     GByteArray         *out);
void               ci_audit_entry_compute_hash      (const CiAuditEntry *self,
                                                     GByteArray         *scratch,
                                                     guint8              out[CI_AUDIT_HASH_LEN]);
char              *ci_audit_entry_to_json           (const CiAuditEntry *self);
const char        *ci_outcome_to_string             (CiOutcome           outcome);
gboolean           ci_outcome_from_string           (const char         *text,
                                                     CiOutcome          *outcome);

GType              ci_audit_checkpoint_get_type     (void) G_GNUC_CONST;
CiAuditCheckpoint *ci_audit_checkpoint_new          (void);
void               ci_audit_checkpoint_free         (CiAuditCheckpoint  *self);
CiAuditCheckpoint *ci_audit_checkpoint_copy         (const CiAuditCheckpoint *self);
GBytes            *ci_audit_checkpoint_encode       (const CiAuditCheckpoint *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiAuditEntry, ci_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiAuditCheckpoint, ci_audit_checkpoint_free)

G_END_DECLS
