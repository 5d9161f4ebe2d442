/* ci-face-render.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "face/ci-face-data.h"

G_BEGIN_DECLS

/**
 * CiFaceProblem:
 * @side: which side
 * @line: the template line of the element at fault
 * @field: (nullable): what is missing: a field of ci_face_fields(),
 *   "zone.colour", or one of the CI_FACE_PROBLEM_ names
 * @message: for people: what is wrong and what to do
 *
 * Something the preview shows as a placeholder and that blocks issuing: a
 * missing field, a photo that cannot be read, no QR payload yet.
 */
/* Problems that are not about a field of ci_face_fields(). */
#define CI_FACE_PROBLEM_PHOTO "photo"
#define CI_FACE_PROBLEM_QR    "qr"
#define CI_FACE_PROBLEM_IMAGE "image"

typedef struct
{
  CiFaceSide  side;
  guint       line;
  char       *field;
  char       *message;
} CiFaceProblem;

void     ci_face_problem_free (CiFaceProblem        *problem);

/* Photos and logos: PNG or JPEG, at most this big. */
#define CI_FACE_IMAGE_MAX_BYTES  (20 * 1000 * 1000)
#define CI_FACE_IMAGE_MAX_PIXELS (20 * 1000 * 1000)

#define CI_FACE_IMAGE_ERROR (ci_face_image_error_quark ())

typedef enum
{
  CI_FACE_IMAGE_ERROR_TOO_LARGE,      /* more bytes or pixels than the limits */
  CI_FACE_IMAGE_ERROR_NOT_SUPPORTED,  /* not PNG or JPEG */
  CI_FACE_IMAGE_ERROR_DAMAGED,        /* the decoder refused it */
  CI_FACE_IMAGE_ERROR_INCOMPLETE,     /* the file ends before the image does */
} CiFaceImageError;

GQuark     ci_face_image_error_quark (void);
GdkPixbuf *ci_face_image_decode      (GBytes               *bytes,
                                      GError              **error);
void     ci_face_release_caches (void);

/* One side, onto any cairo context whose user space is @px_per_mm pixels (or
 * points) per millimetre with the card's top-left corner at 0,0. The GUI
 * preview, PNG, PDF and SVG all come through here. @problems: (nullable)
 * (element-type CiFaceProblem): gets what is missing. */
gboolean ci_face_render       (const CiFaceTemplate *tmpl,
                               CiFaceSide            side,
                               const CiFaceData     *data,
                               cairo_t              *cr,
                               double                px_per_mm,
                               GPtrArray            *problems,
                               GError              **error);

/* Exports. PNG: one side at @dpi (600: 2022 × 1275 px); 1 bit in laser mode.
 * PDF: front and back as two pages of exactly 242.65 × 153.01 pt, text and QR
 * as vectors. SVG: one side. */
gboolean ci_face_export_png   (const CiFaceTemplate *tmpl,
                               CiFaceSide            side,
                               const CiFaceData     *data,
                               double                dpi,
                               const char           *path,
                               GPtrArray            *problems,
                               GError              **error);
gboolean ci_face_export_pdf   (const CiFaceTemplate *tmpl,
                               const CiFaceData     *data,
                               const char           *path,
                               GPtrArray            *problems,
                               GError              **error);
gboolean ci_face_export_svg   (const CiFaceTemplate *tmpl,
                               CiFaceSide            side,
                               const CiFaceData     *data,
                               const char           *path,
                               GPtrArray            *problems,
                               GError              **error);

G_END_DECLS
