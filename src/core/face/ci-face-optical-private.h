/* ci-face-optical-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by ci-face-optical.c (the check), ci-face-optical-image.c (gray
 * images) and ci-face-optical-align.c (placing the scan on the card).
 */

#pragma once

#include <cairo.h>
#include <math.h>

#include "face/ci-face-optical.h"

G_BEGIN_DECLS

/* The expected render's resolution, and the frame the scan is compared in. */
#define CI_FACE_OPTICAL_PX_PER_MM   12.0

/* Of the samples of a region, how many must fall on the scan. */
#define CI_FACE_OPTICAL_MIN_ON_SCAN 0.5

/* Gray images --------------------------------------------------------------------------------- */

typedef struct
{
  int     width;
  int     height;
  guint8 *data;   /* rows without padding */
} CiFaceGray;

CiFaceGray *_ci_face_gray_new          (int                width,
                                        int                height);
void        _ci_face_gray_free         (CiFaceGray        *gray);
CiFaceGray *_ci_face_gray_copy         (const CiFaceGray  *gray);
CiFaceGray *_ci_face_gray_decode       (GBytes            *bytes,
                                        GError           **error);
CiFaceGray *_ci_face_gray_from_surface (cairo_surface_t   *surface);
CiFaceGray *_ci_face_gray_shrink       (const CiFaceGray  *gray,
                                        int                factor);
void        _ci_face_gray_blur         (CiFaceGray        *gray,
                                        double             sigma);
void        _ci_face_gray_detail       (CiFaceGray        *gray,
                                        double             sigma);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiFaceGray, _ci_face_gray_free)

/* The gray level at @x, @y, where pixel i spans i … i + 1; NAN off the image. */
static inline float
_ci_face_gray_sample (const CiFaceGray *gray,
                      double            x,
                      double            y)
{
  double fx = x - 0.5, fy = y - 0.5;
  int x0, y0, x1, y1;
  double ax, ay;
  const guint8 *d = gray->data;
  gsize w = (gsize) gray->width;

  if (!(fx >= 0 && fy >= 0 && fx <= gray->width - 1 && fy <= gray->height - 1))
    return NAN;
  x0 = (int) fx, y0 = (int) fy;
  x1 = MIN (x0 + 1, gray->width - 1), y1 = MIN (y0 + 1, gray->height - 1);
  ax = fx - x0, ay = fy - y0;
  return (float) ((1 - ay) * ((1 - ax) * d[y0 * w + x0] + ax * d[y0 * w + x1])
                  + ay * ((1 - ax) * d[y1 * w + x0] + ax * d[y1 * w + x1]));
}

/* Similarities and correlations --------------------------------------------------------------- */

/* Card millimetres u, v to scan pixels: x = a u − b v + tx, y = b u + a v + ty;
 * a + ib is the scale and rotation as a complex number. */
typedef struct
{
  double a;
  double b;
  double tx;
  double ty;
} CiFaceSimilarity;

static inline void
_ci_face_similarity_apply (const CiFaceSimilarity *t,
                           double                  u,
                           double                  v,
                           double                 *x,
                           double                 *y)
{
  *x = t->a * u - t->b * v + t->tx;
  *y = t->b * u + t->a * v + t->ty;
}

/* Sums for a normalised cross-correlation of expected e with scanned s. */
typedef struct
{
  double n, e, s, ee, ss, es;
} CiFaceSums;

static inline void
_ci_face_sums_add (CiFaceSums *m,
                   double      e,
                   double      s)
{
  m->n += 1, m->e += e, m->s += s, m->ee += e * e, m->ss += s * s, m->es += e * s;
}

double _ci_face_similarity_scale (const CiFaceSimilarity *t);
double _ci_face_sums_ncc         (const CiFaceSums       *m,
                                  double                 *sigma_e,
                                  double                 *sigma_s);
double _ci_face_optical_align    (const CiFaceGray       *frame,
                                  const CiFaceGray       *scan,
                                  const CiFaceBox        *qr_box,
                                  const double            code[4][2],
                                  const double            found[4][2],
                                  CiFaceSimilarity       *out);

G_END_DECLS
