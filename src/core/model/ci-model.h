/* ci-model.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CI_MODEL_ERROR (ci_model_error_quark ())

/**
 * CiModelError:
 * @CI_MODEL_ERROR_INVALID_FIELD: a field holds a value the domain does not accept
 * @CI_MODEL_ERROR_TRANSITION: a life-cycle transition the domain does not allow
 */
typedef enum
{
  CI_MODEL_ERROR_INVALID_FIELD,
  CI_MODEL_ERROR_TRANSITION,
} CiModelError;


typedef enum
{
  CI_ZONE_SITE,
  CI_ZONE_BUILDING,
  CI_ZONE_AREA,
} CiZoneKind;

/**
 * CiCardState:
 *
 * The card life cycle: `requested → initialised → personalised → active →
 * suspended | lost | stolen | damaged | revoked → destroyed`, and `expired` by date.
 */
typedef enum
{
  CI_CARD_REQUESTED,
  CI_CARD_INITIALISED,
  CI_CARD_PERSONALISED,
  CI_CARD_ACTIVE,
  CI_CARD_SUSPENDED,
  CI_CARD_LOST,
  CI_CARD_STOLEN,
  CI_CARD_DAMAGED,
  CI_CARD_REVOKED,
  CI_CARD_EXPIRED,
  CI_CARD_DESTROYED,
  CI_CARD_N_STATES
} CiCardState;

typedef enum /*< flags >*/
{
  CI_ROLE_NONE       = 0,
  CI_ROLE_HR         = 1 << 0,
  CI_ROLE_SECURITY   = 1 << 1,
  CI_ROLE_FRONT_DESK = 1 << 2,
  CI_ROLE_ADMIN      = 1 << 3,
} CiRole;

#define CI_ROLE_ALL (CI_ROLE_HR | CI_ROLE_SECURITY | CI_ROLE_FRONT_DESK | CI_ROLE_ADMIN)
#define CI_N_ROLES 4

/**
 * CiAction:
 *
 * What a person can do at the desk; each service checks one of these against
 * the acting operator's roles before it does anything.
 */
typedef enum
{
  CI_ACTION_EMPLOYEE_VIEW,
  CI_ACTION_EMPLOYEE_EDIT,
  CI_ACTION_ZONE_VIEW,
  CI_ACTION_ZONE_MANAGE,
  CI_ACTION_GRANT,
  CI_ACTION_CARD_ISSUE,
  CI_ACTION_CARD_BLOCK,
  CI_ACTION_CARD_REISSUE,
  CI_ACTION_CARD_CHANGE_ACCESS,
  CI_ACTION_AUDIT_READ,
  CI_ACTION_ADMIN,
  CI_N_ACTIONS
} CiAction;

/**
 * CiScope:
 * @CI_SCOPE_NONE: refused
 * @CI_SCOPE_LIMITED: allowed in part: zones marked "HR may grant" for
 *   %CI_ACTION_GRANT, the operator's own entries for %CI_ACTION_AUDIT_READ
 * @CI_SCOPE_ALL: allowed
 */
typedef enum
{
  CI_SCOPE_NONE,
  CI_SCOPE_LIMITED,
  CI_SCOPE_ALL,
} CiScope;

GQuark    ci_model_error_quark   (void);

/* Longest name part, in characters; longer input is refused, never truncated. */
#define CI_NAME_MAX_CHARS 100
#define CI_TEXT_MAX_CHARS 200
#define CI_EMPLOYEE_NUMBER_MAX 32
#define CI_PHOTO_MAX_BYTES (512 * 1024)

gboolean  ci_date_is_valid       (const char  *iso_date);
char     *ci_date_today          (void);
gboolean  ci_check_text          (const char  *field_label,
                                  const char  *value,
                                  gboolean     required,
                                  guint        max_chars,
                                  GError     **error);
char     *ci_search_key          (const char  *text);
const char *ci_shown_value        (const char  *value);
void      ci_json_append_member  (GString     *object,
                                  const char  *key,
                                  const char  *value);
gboolean  ci_set_str             (char       **dest,
                                  const char  *value);

G_END_DECLS
