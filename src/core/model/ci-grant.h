/* ci-grant.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ci-model.h"

G_BEGIN_DECLS

#define CI_TYPE_GRANT (ci_grant_get_type ())

G_DECLARE_FINAL_TYPE (CiGrant, ci_grant, CI, GRANT, GObject)

CiGrant *ci_grant_new (void);
CiGrant *ci_grant_copy (CiGrant *self);
gint64 ci_grant_get_id (CiGrant *self);
void ci_grant_set_id (CiGrant *self, gint64 id);
gint64 ci_grant_get_employee_id (CiGrant *self);
void ci_grant_set_employee_id (CiGrant *self, gint64 employee_id);
gint64 ci_grant_get_zone_id (CiGrant *self);
void ci_grant_set_zone_id (CiGrant *self, gint64 zone_id);
gint64 ci_grant_get_schedule_id (CiGrant *self);
void ci_grant_set_schedule_id (CiGrant *self, gint64 schedule_id);
const char *ci_grant_get_expires (CiGrant *self);
void ci_grant_set_expires (CiGrant *self, const char *expires);
const char *ci_grant_get_granted_by (CiGrant *self);
void ci_grant_set_granted_by (CiGrant *self, const char *granted_by);
gint64 ci_grant_get_granted_at (CiGrant *self);
void ci_grant_set_granted_at (CiGrant *self, gint64 granted_at);

gboolean    ci_grant_validate            (CiGrant      *self,
                                          GError      **error);

G_END_DECLS
