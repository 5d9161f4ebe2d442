/* ci-zone.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ci-model.h"

G_BEGIN_DECLS

#define CI_TYPE_ZONE (ci_zone_get_type ())

G_DECLARE_FINAL_TYPE (CiZone, ci_zone, CI, ZONE, GObject)

CiZone *ci_zone_new (void);
CiZone *ci_zone_copy (CiZone *self);
gint64 ci_zone_get_id (CiZone *self);
void ci_zone_set_id (CiZone *self, gint64 id);
gint64 ci_zone_get_parent_id (CiZone *self);
void ci_zone_set_parent_id (CiZone *self, gint64 parent_id);
CiZoneKind ci_zone_get_kind (CiZone *self);
void ci_zone_set_kind (CiZone *self, CiZoneKind kind);
const char *ci_zone_get_code (CiZone *self);
void ci_zone_set_code (CiZone *self, const char *code);
const char *ci_zone_get_name (CiZone *self);
void ci_zone_set_name (CiZone *self, const char *name);
int ci_zone_get_security_level (CiZone *self);
void ci_zone_set_security_level (CiZone *self, int security_level);
gboolean ci_zone_get_hr_may_grant (CiZone *self);
void ci_zone_set_hr_may_grant (CiZone *self, gboolean hr_may_grant);
const char *ci_zone_get_time_zone (CiZone *self);
void ci_zone_set_time_zone (CiZone *self, const char *time_zone);

gboolean    ci_zone_validate             (CiZone       *self,
                                          GError      **error);
const char *ci_zone_kind_to_string       (CiZoneKind    kind);
gboolean    ci_zone_kind_from_string     (const char   *text,
                                          CiZoneKind   *kind);

G_END_DECLS
