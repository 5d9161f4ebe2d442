/* ci-issue-steps.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "card/ci-card-pipeline.h"

G_BEGIN_DECLS

#define CI_TYPE_ISSUE_STEPS (ci_issue_steps_get_type ())

G_DECLARE_FINAL_TYPE (CiIssueSteps, ci_issue_steps, CI, ISSUE_STEPS, AdwBin)

void ci_issue_steps_reset  (CiIssueSteps *self);
void ci_issue_steps_start  (CiIssueSteps *self);
void ci_issue_steps_report (CiIssueSteps *self,
                            CiIssueStep   step,
                            gboolean      skipped,
                            gint64        duration_us,
                            const GError *error);

G_END_DECLS
