/* ci-services.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "audit/ci-audit-log.h"
#include "keys/ci-key-store.h"
#include "services/ci-csv.h"
#include "store/ci-store.h"

G_BEGIN_DECLS

#define CI_SERVICE_ERROR (ci_service_error_quark ())

/**
 * CiServiceError:
 * @CI_SERVICE_ERROR_PERMISSION_DENIED: the operator's roles do not allow the action
 * @CI_SERVICE_ERROR_AUTH_FAILED: wrong login or password
 * @CI_SERVICE_ERROR_LOCKED_OUT: too many wrong passwords, or the account is disabled
 * @CI_SERVICE_ERROR_INVALID: the request itself is wrong (message says what)
 * @CI_SERVICE_ERROR_IMPORT: an import file has bad rows; nothing was imported
 * @CI_SERVICE_ERROR_SETUP: first-run setup was done already, or not yet
 */
typedef enum
{
  CI_SERVICE_ERROR_PERMISSION_DENIED,
  CI_SERVICE_ERROR_AUTH_FAILED,
  CI_SERVICE_ERROR_LOCKED_OUT,
  CI_SERVICE_ERROR_INVALID,
  CI_SERVICE_ERROR_IMPORT,
  CI_SERVICE_ERROR_SETUP,
} CiServiceError;

#define CI_PASSWORD_MIN_CHARS 10

#define CI_TYPE_SERVICES (ci_services_get_type ())

G_DECLARE_FINAL_TYPE (CiServices, ci_services, CI, SERVICES, GObject)

GQuark       ci_service_error_quark         (void);

CiServices  *ci_services_new                (CiStore       *store,
                                             const char    *desk);
CiStore     *ci_services_get_store          (CiServices    *self);
CiAuditLog  *ci_services_get_audit_log      (CiServices    *self);
void         ci_services_set_key_store      (CiServices    *self,
                                             CiKeyStore    *keys);
CiKeyStore  *ci_services_get_key_store      (CiServices    *self);
void         ci_services_shutdown           (CiServices    *self);

/* Sign-in and first-run setup */
gboolean     ci_services_needs_setup        (CiServices    *self);
CiOperator  *ci_services_setup_first_admin  (CiServices    *self,
                                             const char    *login,
                                             const char    *display_name,
                                             const char    *password,
                                             GError       **error);
CiOperator  *ci_services_authenticate       (CiServices    *self,
                                             const char    *login,
                                             const char    *password,
                                             GError       **error);
CiOperator  *ci_services_first_run          (CiServices    *self,
                                             const char    *keystore_path,
                                             const char    *passphrase,
                                             const char    *login,
                                             const char    *display_name,
                                             const char    *password,
                                             GError       **error);
gboolean     ci_services_operator_scopes    (CiServices    *self,
                                             CiOperator    *actor,
                                             CiScope       *scopes,
                                             GError       **error);

/* The key store: unlocked for card work; moved into a token (administrator) */
gboolean     ci_services_keys_unlock        (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *secret,
                                             GError       **error);
gboolean     ci_services_keys_migrate_to_token (CiServices *self,
                                             CiOperator    *actor,
                                             const char    *module,
                                             const char    *token_label,
                                             const char    *pin,
                                             char         **moved_to,
                                             GError       **error);

/* Operators and the role matrix (administrator) */
gboolean     ci_services_operator_add       (CiServices    *self,
                                             CiOperator    *actor,
                                             CiOperator    *op,
                                             const char    *password,
                                             GError       **error);
gboolean     ci_services_operator_set_roles (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *login,
                                             CiRole         roles,
                                             GError       **error);
gboolean     ci_services_operator_set_password (CiServices *self,
                                             CiOperator    *actor,
                                             const char    *login,
                                             const char    *password,
                                             GError       **error);
gboolean     ci_services_operator_set_active (CiServices   *self,
                                             CiOperator    *actor,
                                             const char    *login,
                                             gboolean       active,
                                             GError       **error);
gboolean     ci_services_operator_unlock    (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *login,
                                             GError       **error);
GPtrArray   *ci_services_operator_list      (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);
gboolean     ci_services_policy_set         (CiServices    *self,
                                             CiOperator    *actor,
                                             CiRole         role,
                                             CiAction       action,
                                             CiScope        scope,
                                             GError       **error);
CiPolicy    *ci_services_policy_get         (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);

/* Employees */
gboolean     ci_services_employee_enroll    (CiServices    *self,
                                             CiOperator    *actor,
                                             CiEmployee    *employee,
                                             GError       **error);
gboolean     ci_services_employee_update    (CiServices    *self,
                                             CiOperator    *actor,
                                             CiEmployee    *employee,
                                             GError       **error);
CiEmployee  *ci_services_employee_get       (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *number,
                                             GError       **error);
GPtrArray   *ci_services_employee_search    (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *query,
                                             guint          offset,
                                             guint          limit,
                                             GError       **error);
GArray      *ci_services_employee_find      (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *query,
                                             CiEmployeeOrder order,
                                             GError       **error);
GPtrArray   *ci_services_employee_get_many  (CiServices    *self,
                                             CiOperator    *actor,
                                             const gint64  *ids,
                                             guint          n_ids,
                                             GError       **error);
gboolean     ci_services_employee_import    (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *data,
                                             gsize          len,
                                             guint         *n_imported,
                                             GPtrArray    **problems,
                                             GError       **error);

/* Zones, schedules, grants */
gboolean     ci_services_zone_add           (CiServices    *self,
                                             CiOperator    *actor,
                                             CiZone        *zone,
                                             GError       **error);
gboolean     ci_services_zone_update        (CiServices    *self,
                                             CiOperator    *actor,
                                             CiZone        *zone,
                                             GError       **error);
GPtrArray   *ci_services_zone_list          (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);
gboolean     ci_services_schedule_add       (CiServices    *self,
                                             CiOperator    *actor,
                                             CiSchedule    *schedule,
                                             GError       **error);
GPtrArray   *ci_services_schedule_list      (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);
CiGrant     *ci_services_grant              (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *employee_number,
                                             const char    *zone_code,
                                             const char    *schedule_name,
                                             const char    *expires,
                                             GError       **error);
gboolean     ci_services_withdraw           (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *employee_number,
                                             const char    *zone_code,
                                             GError       **error);
GPtrArray   *ci_services_grant_list         (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *employee_number,
                                             GError       **error);

/**
 * CiZoneAccess:
 * @grant: the grant
 * @employee_number: who holds it
 * @employee_name: their name, as one would write it
 * @schedule_name: (nullable): when it applies; %NULL for any time
 *
 * One person's access to a zone, as ci_services_zone_grants() lists it.
 */
typedef struct
{
  CiGrant *grant;
  char    *employee_number;
  char    *employee_name;
  char    *schedule_name;
} CiZoneAccess;

void         ci_zone_access_free            (CiZoneAccess  *access);
GPtrArray   *ci_services_zone_grants        (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *zone_code,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiZoneAccess, ci_zone_access_free)

/* Cards */
CiCard      *ci_services_card_request       (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *employee_number,
                                             GError       **error);
gboolean     ci_services_card_set_state     (CiServices    *self,
                                             CiOperator    *actor,
                                             gint64         serial,
                                             CiCardState    state,
                                             const char    *reason,
                                             GError       **error);
GPtrArray   *ci_services_card_list          (CiServices    *self,
                                             CiOperator    *actor,
                                             const char    *employee_number,
                                             GError       **error);
CiCard      *ci_services_card_get           (CiServices    *self,
                                             CiOperator    *actor,
                                             gint64         serial,
                                             GError       **error);

/* Audit */
gboolean     ci_services_audit_export       (CiServices    *self,
                                             CiOperator    *actor,
                                             const CiAuditFilter *filter,
                                             GOutputStream *out,
                                             GCancellable  *cancellable,
                                             GError       **error);
CiAuditReport *ci_services_audit_verify     (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);
gboolean     ci_services_audit_checkpoint   (CiServices    *self,
                                             CiOperator    *actor,
                                             GError       **error);

/**
 * CiAuditListItem:
 * @entry: the audit entry
 * @employee: the employee number it concerns, or ""
 * @card: the card serial it concerns, or ""
 *
 * One line of the audit list: an entry, and the employee and card it is about
 * (from its subject, or from its details when the subject is something else).
 */
typedef struct
{
  CiAuditEntry *entry;
  char         *employee;
  char         *card;
} CiAuditListItem;

/* The most entries one ci_services_audit_list() call returns. */
#define CI_AUDIT_LIST_MAX 1000

void         ci_audit_list_item_free        (CiAuditListItem *item);
GPtrArray   *ci_services_audit_list         (CiServices    *self,
                                             CiOperator    *actor,
                                             const CiAuditFilter *filter,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiAuditListItem, ci_audit_list_item_free)

G_END_DECLS
