/* ci-operator.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ci-model.h"

G_BEGIN_DECLS

#define CI_TYPE_OPERATOR (ci_operator_get_type ())

G_DECLARE_FINAL_TYPE (CiOperator, ci_operator, CI, OPERATOR, GObject)

CiOperator *ci_operator_new (void);
CiOperator *ci_operator_copy (CiOperator *self);
gint64 ci_operator_get_id (CiOperator *self);
void ci_operator_set_id (CiOperator *self, gint64 id);
const char *ci_operator_get_login (CiOperator *self);
void ci_operator_set_login (CiOperator *self, const char *login);
const char *ci_operator_get_display_name (CiOperator *self);
void ci_operator_set_display_name (CiOperator *self, const char *display_name);
CiRole ci_operator_get_roles (CiOperator *self);
void ci_operator_set_roles (CiOperator *self, CiRole roles);
const char *ci_operator_get_password_hash (CiOperator *self);
void ci_operator_set_password_hash (CiOperator *self, const char *password_hash);
int ci_operator_get_failed_attempts (CiOperator *self);
void ci_operator_set_failed_attempts (CiOperator *self, int failed_attempts);
gint64 ci_operator_get_locked_until (CiOperator *self);
void ci_operator_set_locked_until (CiOperator *self, gint64 locked_until);
gboolean ci_operator_get_active (CiOperator *self);
void ci_operator_set_active (CiOperator *self, gboolean active);

#define CI_OPERATOR_MAX_FAILURES 5
#define CI_OPERATOR_LOCKOUT_SECONDS (15 * 60)

gboolean     ci_operator_validate        (CiOperator   *self,
                                          GError      **error);
gboolean     ci_operator_has_role        (CiOperator   *self,
                                          CiRole        role);

G_END_DECLS
