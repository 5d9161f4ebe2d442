/* ci-schedule.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ci-model.h"

G_BEGIN_DECLS

/**
 * CiTimeRange:
 * @weekdays: bit 0 = Monday … bit 6 = Sunday
 * @start_min: minutes after midnight, inclusive
 * @end_min: exclusive; 1440 = midnight
 *
 * One parsed schedule rule.
 */
typedef struct
{
  guint8  weekdays;
  guint16 start_min;
  guint16 end_min;
} CiTimeRange;

#define CI_TYPE_SCHEDULE (ci_schedule_get_type ())

G_DECLARE_FINAL_TYPE (CiSchedule, ci_schedule, CI, SCHEDULE, GObject)

CiSchedule *ci_schedule_new (void);
CiSchedule *ci_schedule_copy (CiSchedule *self);
gint64 ci_schedule_get_id (CiSchedule *self);
void ci_schedule_set_id (CiSchedule *self, gint64 id);
const char *ci_schedule_get_name (CiSchedule *self);
void ci_schedule_set_name (CiSchedule *self, const char *name);
const char *ci_schedule_get_rules (CiSchedule *self);
void ci_schedule_set_rules (CiSchedule *self, const char *rules);

gboolean    ci_schedule_validate         (CiSchedule   *self,
                                          GError      **error);
gboolean    ci_schedule_allows           (CiSchedule   *self,
                                          GDateTime    *local_time);
gboolean    ci_schedule_rules_parse      (const char   *rules,
                                          GArray      **ranges,
                                          GError      **error);

G_END_DECLS
