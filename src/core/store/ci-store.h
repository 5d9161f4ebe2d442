/* ci-store.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "model/ci-card.h"
#include "model/ci-employee.h"
#include "model/ci-grant.h"
#include "model/ci-operator.h"
#include "model/ci-role.h"
#include "model/ci-schedule.h"
#include "model/ci-zone.h"
#include "audit/ci-audit-entry.h"

G_BEGIN_DECLS

#define CI_STORE_ERROR (ci_store_error_quark ())

/**
 * CiStoreError:
 * @CI_STORE_ERROR_FAILED: the database failed (message says why)
 * @CI_STORE_ERROR_NOT_FOUND: no such record
 * @CI_STORE_ERROR_EXISTS: a record with that key exists already
 * @CI_STORE_ERROR_CONFLICT: someone else changed the record since it was read
 * @CI_STORE_ERROR_BUSY: the database is locked by another desk; try again
 * @CI_STORE_ERROR_SCHEMA: the database was written by a newer CardIssue
 */
typedef enum
{
  CI_STORE_ERROR_FAILED,
  CI_STORE_ERROR_NOT_FOUND,
  CI_STORE_ERROR_EXISTS,
  CI_STORE_ERROR_CONFLICT,
  CI_STORE_ERROR_BUSY,
  CI_STORE_ERROR_SCHEMA,
} CiStoreError;

/**
 * CiAuditFunc:
 * @entry: (transfer none): one entry, valid only during the call
 * @user_data: closure
 *
 * Returns: %FALSE to stop the iteration
 */
typedef gboolean (*CiAuditFunc) (const CiAuditEntry *entry,
                                 gpointer            user_data);

/**
 * CiAuditFilter:
 * @operator_login: (nullable): only this operator's entries
 * @action_prefix: (nullable): only actions starting with this
 * @subject_id: (nullable): only this subject
 * @after_seq: only entries after this sequence number
 * @limit: at most this many (0: no limit)
 * @before_seq: only entries before this sequence number (0: no bound)
 * @text: (nullable): only entries whose action, subject, reason or details
 *   contain this (ASCII letters in any case)
 * @since_us: only entries written at or after this time (0: no bound)
 * @until_us: only entries written before this time (0: no bound)
 * @outcomes: only these outcomes, a set of `1 << CiOutcome` bits (0: any)
 * @newest_first: from the newest entry back instead of the oldest on
 *
 * Which audit entries to read; a zeroed filter selects all, oldest first.
 */
typedef struct
{
  const char *operator_login;
  const char *action_prefix;
  const char *subject_id;
  gint64      after_seq;
  guint       limit;
  gint64      before_seq;
  const char *text;
  gint64      since_us;
  gint64      until_us;
  guint       outcomes;
  gboolean    newest_first;
} CiAuditFilter;

/**
 * CiEmployeeOrder:
 * @CI_EMPLOYEE_ORDER_NAME: by family name, then given name, as the search keys
 *   compare (accents and case ignored); equal names by id
 * @CI_EMPLOYEE_ORDER_NAME_DESC: the reverse of %CI_EMPLOYEE_ORDER_NAME
 * @CI_EMPLOYEE_ORDER_NUMBER: by employee number
 * @CI_EMPLOYEE_ORDER_NUMBER_DESC: the reverse of %CI_EMPLOYEE_ORDER_NUMBER
 *
 * The order of the ids ci_store_employee_match() returns.
 */
typedef enum
{
  CI_EMPLOYEE_ORDER_NAME,
  CI_EMPLOYEE_ORDER_NAME_DESC,
  CI_EMPLOYEE_ORDER_NUMBER,
  CI_EMPLOYEE_ORDER_NUMBER_DESC,
} CiEmployeeOrder;

#define CI_TYPE_STORE (ci_store_get_type ())

G_DECLARE_DERIVABLE_TYPE (CiStore, ci_store, CI, STORE, GObject)

/**
 * CiStoreClass:
 *
 * One interface for every backend. All methods may block; call them off the
 * GTK main loop. A backend maps its own errors onto #CiStoreError.
 */
struct _CiStoreClass
{
  GObjectClass parent_class;

  gboolean    (*begin)                 (CiStore *self, GError **error);
  gboolean    (*begin_lazy)            (CiStore *self, GError **error);
  gboolean    (*commit)                (CiStore *self, GError **error);
  void        (*rollback)              (CiStore *self);
  int         (*schema_version)        (CiStore *self);

  char       *(*get_setting)           (CiStore *self, const char *key);
  gboolean    (*set_setting)           (CiStore *self, const char *key, const char *value,
                                        GError **error);

  gboolean    (*employee_insert)       (CiStore *self, CiEmployee *employee, GError **error);
  gboolean    (*employee_update)       (CiStore *self, CiEmployee *employee, GError **error);
  CiEmployee *(*employee_get)          (CiStore *self, gint64 id, const char *number,
                                        GError **error);
  GPtrArray  *(*employee_search)       (CiStore *self, const char *query, guint offset,
                                        guint limit, GError **error);
  gint64      (*employee_count)        (CiStore *self, GError **error);
  GArray     *(*employee_match)        (CiStore *self, const char *query,
                                        CiEmployeeOrder order, GError **error);
  GPtrArray  *(*employee_get_many)     (CiStore *self, const gint64 *ids, guint n_ids,
                                        GError **error);

  gboolean    (*zone_insert)           (CiStore *self, CiZone *zone, GError **error);
  gboolean    (*zone_update)           (CiStore *self, CiZone *zone, GError **error);
  CiZone     *(*zone_get)              (CiStore *self, gint64 id, const char *code,
                                        GError **error);
  GPtrArray  *(*zone_list)             (CiStore *self, GError **error);
  gboolean    (*schedule_insert)       (CiStore *self, CiSchedule *schedule, GError **error);
  CiSchedule *(*schedule_get)          (CiStore *self, gint64 id, const char *name,
                                        GError **error);
  GPtrArray  *(*schedule_list)         (CiStore *self, GError **error);
  gboolean    (*grant_insert)          (CiStore *self, CiGrant *grant, GError **error);
  gboolean    (*grant_delete)          (CiStore *self, gint64 id, GError **error);
  GPtrArray  *(*grant_list)            (CiStore *self, gint64 employee_id, gint64 zone_id,
                                        GError **error);

  gboolean    (*card_insert)           (CiStore *self, CiCard *card, GError **error);
  CiCard     *(*card_get)              (CiStore *self, gint64 serial, GError **error);
  GPtrArray  *(*card_list)             (CiStore *self, gint64 employee_id, GError **error);
  gboolean    (*card_set_state)        (CiStore *self, CiCard *card, CiCardState from,
                                        GError **error);
  gboolean    (*card_set_face_code)    (CiStore *self, CiCard *card, GError **error);

  gboolean    (*operator_insert)       (CiStore *self, CiOperator *op, GError **error);
  gboolean    (*operator_update)       (CiStore *self, CiOperator *op, GError **error);
  CiOperator *(*operator_get)          (CiStore *self, const char *login, GError **error);
  GPtrArray  *(*operator_list)         (CiStore *self, GError **error);

  gboolean    (*policy_load)           (CiStore *self, CiPolicy *policy, GError **error);
  gboolean    (*policy_save)           (CiStore *self, CiRole role, CiAction action,
                                        CiScope scope, GError **error);

  gboolean    (*audit_head)            (CiStore *self, gint64 *seq,
                                        guint8 hash[CI_AUDIT_HASH_LEN], GError **error);
  gboolean    (*audit_append)          (CiStore *self, const CiAuditEntry *entry,
                                        GError **error);
  gboolean    (*audit_foreach)         (CiStore *self, const CiAuditFilter *filter,
                                        CiAuditFunc func, gpointer user_data, GError **error);
  gboolean    (*audit_find_hash)       (CiStore *self, const guint8 hash[CI_AUDIT_HASH_LEN],
                                        gint64 *seq, GError **error);
  gboolean    (*checkpoint_insert)     (CiStore *self, CiAuditCheckpoint *checkpoint,
                                        GError **error);
  GPtrArray  *(*checkpoint_list)       (CiStore *self, GError **error);

  gpointer padding[7];
};

GQuark      ci_store_error_quark       (void);

CiStore    *ci_store_open              (const char          *location,
                                        GError             **error);
gboolean    ci_store_location_is_postgresql (const char     *location);
char       *ci_store_location_describe      (const char     *location);

gboolean    ci_store_begin             (CiStore             *self,
                                        GError             **error);
gboolean    ci_store_begin_lazy        (CiStore             *self,
                                        GError             **error);
gboolean    ci_store_commit            (CiStore             *self,
                                        GError             **error);
void        ci_store_rollback          (CiStore             *self);
int         ci_store_schema_version    (CiStore             *self);
char       *ci_store_get_setting       (CiStore             *self,
                                        const char          *key);
gboolean    ci_store_set_setting       (CiStore             *self,
                                        const char          *key,
                                        const char          *value,
                                        GError             **error);

gboolean    ci_store_employee_insert   (CiStore             *self,
                                        CiEmployee          *employee,
                                        GError             **error);
gboolean    ci_store_employee_update   (CiStore             *self,
                                        CiEmployee          *employee,
                                        GError             **error);
CiEmployee *ci_store_employee_get      (CiStore             *self,
                                        gint64               id,
                                        GError             **error);
CiEmployee *ci_store_employee_get_by_number (CiStore        *self,
                                        const char          *number,
                                        GError             **error);
GPtrArray  *ci_store_employee_search   (CiStore             *self,
                                        const char          *query,
                                        guint                offset,
                                        guint                limit,
                                        GError             **error);
gint64      ci_store_employee_count    (CiStore             *self,
                                        GError             **error);
GArray     *ci_store_employee_match    (CiStore             *self,
                                        const char          *query,
                                        CiEmployeeOrder      order,
                                        GError             **error);
GPtrArray  *ci_store_employee_get_many (CiStore             *self,
                                        const gint64        *ids,
                                        guint                n_ids,
                                        GError             **error);

gboolean    ci_store_zone_insert       (CiStore             *self,
                                        CiZone              *zone,
                                        GError             **error);
gboolean    ci_store_zone_update       (CiStore             *self,
                                        CiZone              *zone,
                                        GError             **error);
CiZone     *ci_store_zone_get          (CiStore             *self,
                                        gint64               id,
                                        GError             **error);
CiZone     *ci_store_zone_get_by_code  (CiStore             *self,
                                        const char          *code,
                                        GError             **error);
GPtrArray  *ci_store_zone_list         (CiStore             *self,
                                        GError             **error);
gboolean    ci_store_schedule_insert   (CiStore             *self,
                                        CiSchedule          *schedule,
                                        GError             **error);
CiSchedule *ci_store_schedule_get      (CiStore             *self,
                                        gint64               id,
                                        GError             **error);
CiSchedule *ci_store_schedule_get_by_name (CiStore          *self,
                                        const char          *name,
                                        GError             **error);
GPtrArray  *ci_store_schedule_list     (CiStore             *self,
                                        GError             **error);
gboolean    ci_store_grant_insert      (CiStore             *self,
                                        CiGrant             *grant,
                                        GError             **error);
gboolean    ci_store_grant_delete      (CiStore             *self,
                                        gint64               id,
                                        GError             **error);
GPtrArray  *ci_store_grant_list        (CiStore             *self,
                                        gint64               employee_id,
                                        gint64               zone_id,
                                        GError             **error);

gboolean    ci_store_card_insert       (CiStore             *self,
                                        CiCard              *card,
                                        GError             **error);
CiCard     *ci_store_card_get          (CiStore             *self,
                                        gint64               serial,
                                        GError             **error);
GPtrArray  *ci_store_card_list         (CiStore             *self,
                                        gint64               employee_id,
                                        GError             **error);
gboolean    ci_store_card_set_state    (CiStore             *self,
                                        CiCard              *card,
                                        CiCardState          from,
                                        GError             **error);
gboolean    ci_store_card_set_face_code (CiStore            *self,
                                        CiCard              *card,
                                        GError             **error);

gboolean    ci_store_operator_insert   (CiStore             *self,
                                        CiOperator          *op,
                                        GError             **error);
gboolean    ci_store_operator_update   (CiStore             *self,
                                        CiOperator          *op,
                                        GError             **error);
CiOperator *ci_store_operator_get      (CiStore             *self,
                                        const char          *login,
                                        GError             **error);
GPtrArray  *ci_store_operator_list     (CiStore             *self,
                                        GError             **error);

gboolean    ci_store_policy_load       (CiStore             *self,
                                        CiPolicy            *policy,
                                        GError             **error);
gboolean    ci_store_policy_save       (CiStore             *self,
                                        CiRole               role,
                                        CiAction             action,
                                        CiScope              scope,
                                        GError             **error);

gboolean    ci_store_audit_head        (CiStore             *self,
                                        gint64              *seq,
                                        guint8               hash[CI_AUDIT_HASH_LEN],
                                        GError             **error);
gboolean    ci_store_audit_append      (CiStore             *self,
                                        const CiAuditEntry  *entry,
                                        GError             **error);
gboolean    ci_store_audit_foreach     (CiStore             *self,
                                        const CiAuditFilter *filter,
                                        CiAuditFunc          func,
                                        gpointer             user_data,
                                        GError             **error);
gboolean    ci_store_audit_find_hash   (CiStore             *self,
                                        const guint8         hash[CI_AUDIT_HASH_LEN],
                                        gint64              *seq,
                                        GError             **error);
gboolean    ci_store_checkpoint_insert (CiStore             *self,
                                        CiAuditCheckpoint   *checkpoint,
                                        GError             **error);
GPtrArray  *ci_store_checkpoint_list   (CiStore             *self,
                                        GError             **error);

G_END_DECLS
