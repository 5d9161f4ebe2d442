/* ci-face-render-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by ci-face-render.c (card body, text, shapes, QR code),
 * ci-face-render-image.c (photo, logos, dithering) and ci-face-export.c, and
 * by the unit tests.
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "face/ci-face-render.h"

G_BEGIN_DECLS

#define CI_FACE_MM_PER_PT (25.4 / 72.0)

/* What a photo or logo may be before it is decoded. */

/* Images the renderer makes (the cropped photo, a dithered photo, a laser
 * logo) are made at the target's own pixels on raster surfaces. On vector
 * surfaces (PDF, SVG) they are made at these resolutions: a card printer's
 * 300 dpi for colour, a laser engraver's 600 dpi for dithered 1-bit images. */
#define CI_FACE_VECTOR_COLOUR_DPI 300.0
#define CI_FACE_VECTOR_LASER_DPI  600.0

typedef struct
{
  const CiFaceTemplate *tmpl;
  CiFaceSide            side;
  const CiFaceData     *data;
  cairo_t              *cr;             /* user space: millimetres */
  gboolean              laser;
  gboolean              raster;         /* an image surface: images go on its pixels */
  double                pixels_per_mm;  /* of the images the renderer makes */
  double                device_scale_x; /* the target's pixels per device unit */
  double                device_scale_y;
  PangoContext         *pango;
  GPtrArray            *problems;       /* (nullable) (element-type CiFaceProblem) */
} CiFaceRenderCtx;

void         _ci_face_render_ctx_init  (CiFaceRenderCtx       *ctx,
                                        const CiFaceTemplate  *tmpl,
                                        CiFaceSide             side,
                                        const CiFaceData      *data,
                                        cairo_t               *cr,
                                        double                 px_per_mm,
                                        GPtrArray             *problems);
void         _ci_face_render_ctx_clear (CiFaceRenderCtx       *ctx);

void         _ci_face_add_problem      (CiFaceRenderCtx       *ctx,
                                        const CiFaceElement   *element,
                                        const char            *field,
                                        const char            *format,
                                        ...) G_GNUC_PRINTF (4, 5);
void         _ci_face_draw_placeholder (CiFaceRenderCtx       *ctx,
                                        const CiFaceBox       *box,
                                        const char            *label);
void         _ci_face_set_colour       (CiFaceRenderCtx       *ctx,
                                        CiFaceColour           colour);
void         _ci_face_rounded_rect     (cairo_t               *cr,
                                        const CiFaceBox       *box,
                                        double                 radius);
void         _ci_face_pixel_box        (CiFaceRenderCtx       *ctx,
                                        CiFaceBox             *box,
                                        int                   *width,
                                        int                   *height);

PangoLayout *_ci_face_text_fit         (CiFaceRenderCtx       *ctx,
                                        const CiFaceElement   *element,
                                        const char            *text,
                                        double                *size_pt);

void         _ci_face_draw_photo       (CiFaceRenderCtx       *ctx,
                                        const CiFaceElement   *element);
void         _ci_face_draw_image       (CiFaceRenderCtx       *ctx,
                                        const CiFaceElement   *element);

const char  *_ci_face_image_type       (const guint8          *data,
                                        gsize                  len);
QRcode      *_ci_face_qr_encode        (const char            *payload,
                                        CiFaceQrEcc            ecc);
void         _ci_face_photo_crop       (int                    width,
                                        int                    height,
                                        double                 aspect,
                                        const CiFaceBox       *face,
                                        cairo_rectangle_int_t *crop);
void         _ci_face_dither           (guint8                *gray,
                                        int                    width,
                                        int                    height);

G_END_DECLS
