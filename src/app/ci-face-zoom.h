/* ci-face-zoom.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_FACE_ZOOM (ci_face_zoom_get_type ())

G_DECLARE_FINAL_TYPE (CiFaceZoom, ci_face_zoom, CI, FACE_ZOOM, AdwWindow)

CiFaceZoom *ci_face_zoom_new       (GtkWindow    *parent,
                                    const char   *title,
                                    GdkPaintable *front,
                                    GdkPaintable *back);
double      ci_face_zoom_get_scale (CiFaceZoom   *self);

G_END_DECLS
