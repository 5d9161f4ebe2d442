/* ci-audit-log.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "audit/ci-audit-entry.h"
#include "keys/ci-key-store.h"
#include "store/ci-store.h"

G_BEGIN_DECLS

#define CI_AUDIT_ERROR (ci_audit_error_quark ())

typedef enum
{
  CI_AUDIT_ERROR_FAILED,
} CiAuditError;

/**
 * CiAuditProblemKind:
 * @CI_AUDIT_ALTERED: an entry's contents no longer match its hash
 * @CI_AUDIT_DELETED: one or more entries before this one are missing
 * @CI_AUDIT_INSERTED: this entry was added later; nothing written after it refers to it
 * @CI_AUDIT_MOVED: this entry is out of order
 * @CI_AUDIT_RENUMBERED: sequence numbers were changed though no entry is missing
 * @CI_AUDIT_CHECKPOINT: a signed checkpoint does not match the chain or its signature is bad
 * @CI_AUDIT_TRUNCATED: entries a checkpoint covered are gone from the end
 */
typedef enum
{
  CI_AUDIT_ALTERED,
  CI_AUDIT_DELETED,
  CI_AUDIT_INSERTED,
  CI_AUDIT_MOVED,
  CI_AUDIT_RENUMBERED,
  CI_AUDIT_CHECKPOINT,
  CI_AUDIT_TRUNCATED,
} CiAuditProblemKind;

typedef struct
{
  CiAuditProblemKind kind;
  gint64             seq;
  char              *message;
} CiAuditProblem;

/**
 * CiAuditReport:
 * @n_entries: entries read
 * @head_seq: the last entry's sequence number
 * @n_checkpoints: signed checkpoints checked
 * @signed_seq: the newest entry covered by a good checkpoint (0: none)
 * @problems: (element-type CiAuditProblem): what verification found, by sequence
 */
typedef struct
{
  gint64     n_entries;
  gint64     head_seq;
  guint      n_checkpoints;
  gint64     signed_seq;
  GPtrArray *problems;
} CiAuditReport;

#define CI_AUDIT_DEFAULT_CHECKPOINT_INTERVAL 1000

#define CI_TYPE_AUDIT_LOG (ci_audit_log_get_type ())

G_DECLARE_FINAL_TYPE (CiAuditLog, ci_audit_log, CI, AUDIT_LOG, GObject)

GQuark         ci_audit_error_quark                (void);
CiAuditLog    *ci_audit_log_new                    (CiStore            *store,
                                                    const char         *desk);
const char    *ci_audit_log_get_desk               (CiAuditLog         *self);
void           ci_audit_log_set_key_store          (CiAuditLog         *self,
                                                    CiKeyStore         *keys);
void           ci_audit_log_set_checkpoint_interval (CiAuditLog        *self,
                                                    guint               interval);
gboolean       ci_audit_log_append_in_transaction  (CiAuditLog         *self,
                                                    CiAuditEntry       *entry,
                                                    GError            **error);
void           ci_audit_log_committed              (CiAuditLog         *self,
                                                    const CiAuditEntry *entry);
gboolean       ci_audit_log_append                 (CiAuditLog         *self,
                                                    CiAuditEntry       *entry,
                                                    GError            **error);
gboolean       ci_audit_log_checkpoint             (CiAuditLog         *self,
                                                    GError            **error);
CiAuditReport *ci_audit_log_verify                 (CiAuditLog         *self,
                                                    GBytes             *audit_public_key,
                                                    GError            **error);
gboolean       ci_audit_log_export                 (CiAuditLog         *self,
                                                    const CiAuditFilter *filter,
                                                    GOutputStream      *out,
                                                    GCancellable       *cancellable,
                                                    GError            **error);

void           ci_audit_report_free                (CiAuditReport      *report);
gboolean       ci_audit_report_is_intact           (const CiAuditReport *report);
const char    *ci_audit_problem_kind_to_string     (CiAuditProblemKind  kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiAuditReport, ci_audit_report_free)

G_END_DECLS
