/* ci-role.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-model.h"

G_BEGIN_DECLS

/**
 * CiPolicy:
 *
 * The role × action permission matrix. Starts from the defaults of DESIGN.md
 * and can be changed by an administrator; the services consult it on every call.
 */
typedef struct _CiPolicy CiPolicy;

CiPolicy    *ci_policy_new_default   (void);
CiPolicy    *ci_policy_copy          (const CiPolicy *self);
void         ci_policy_free          (CiPolicy       *self);
CiScope      ci_policy_get           (const CiPolicy *self,
                                      CiRole          role,
                                      CiAction        action);
void         ci_policy_set           (CiPolicy       *self,
                                      CiRole          role,
                                      CiAction        action,
                                      CiScope         scope);
CiScope      ci_policy_scope_for     (const CiPolicy *self,
                                      CiRole          roles,
                                      CiAction        action);

const char  *ci_role_to_string       (CiRole          role);
gboolean     ci_role_from_string     (const char     *text,
                                      CiRole         *role);
char        *ci_roles_to_string      (CiRole          roles);
gboolean     ci_roles_from_string    (const char     *text,
                                      CiRole         *roles,
                                      GError        **error);
const char  *ci_action_to_string     (CiAction        action);
gboolean     ci_action_from_string   (const char     *text,
                                      CiAction       *action);
const char  *ci_scope_to_string      (CiScope         scope);
gboolean     ci_scope_from_string    (const char     *text,
                                      CiScope        *scope);
guint        ci_role_index           (CiRole          role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiPolicy, ci_policy_free)

G_END_DECLS
