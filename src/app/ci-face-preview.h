/* ci-face-preview.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "face/ci-face-template.h"
#include "services/ci-services.h"

G_BEGIN_DECLS

#define CI_TYPE_FACE_PREVIEW (ci_face_preview_get_type ())

G_DECLARE_FINAL_TYPE (CiFacePreview, ci_face_preview, CI, FACE_PREVIEW, GObject)

CiFacePreview *ci_face_preview_new            (void);
void           ci_face_preview_update         (CiFacePreview *self,
                                               CiServices    *services,
                                               CiOperator    *actor,
                                               const char    *employee_number,
                                               gint64         serial,
                                               const char    *template_name);
void           ci_face_preview_clear          (CiFacePreview *self);
GdkPaintable  *ci_face_preview_get_paintable  (CiFacePreview *self,
                                               CiFaceSide     side);
GPtrArray     *ci_face_preview_get_problems   (CiFacePreview *self);
const char    *ci_face_preview_get_holder     (CiFacePreview *self);

G_END_DECLS
