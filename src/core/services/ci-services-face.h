/* ci-services-face.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "face/ci-face-data.h"
#include "face/ci-face-render.h"
#include "services/ci-services.h"

G_BEGIN_DECLS

const char *ci_zone_level_name        (int          level);
guint32     ci_zone_level_colour      (int          level);

CiFaceData *ci_services_face_data     (CiServices  *self,
                                       CiOperator  *actor,
                                       const char  *employee_number,
                                       gint64       serial,
                                       GError     **error);

GPtrArray  *ci_face_problems_before_issue (const CiFaceTemplate *tmpl,
                                           const CiFaceData     *data);
void        ci_face_problems_drop_made_by_issuing (GPtrArray    *problems);
gboolean    _ci_services_face_complete    (CiServices           *self,
                                           CiEmployee           *employee,
                                           const CiFaceTemplate *tmpl,
                                           GError              **error);

G_END_DECLS
