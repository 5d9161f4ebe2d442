/* ci-face-optical-align.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Placing a scan on the card (step 3 in ci-face-optical.c): a similarity
 * from the QR code's corners, then the scale searched and all four
 * parameters refined by a pattern search on the whole card.
 */

#include "config.h"

#include <math.h>

#include "face/ci-face-optical-private.h"

#define COARSE_FACTOR     4       /* of the frame's pixels: 3 px/mm */
#define FINE_FACTOR       2       /* 6 px/mm */
#define COARSE_BLUR_MM    0.5
#define FINE_BLUR_MM      0.2
#define EDGE_MM           1.0     /* along the card's edge: the scanner's lid shows */
#define QR_MARGIN_MM      0.5
#define FIT_TOLERANCE     0.08    /* residual of the corner fit, of the code's side */
#define SCALE_LARGEST     1.1     /* printed code side / the side its box says */
#define SCALE_SMALLEST    0.5
#define SCALE_STEP        0.01
#define LEVER_MM          50.0    /* about the card's half diagonal */
#define MAX_EVALUATIONS   400

/* Similarities and correlations --------------------------------------------------------------- */

double
_ci_face_similarity_scale (const CiFaceSimilarity *t)
{
  return hypot (t->a, t->b);
}

/* @t after p ↦ c + r (p − c) + d, r = ra + i rb: turned and scaled about c,
 * then moved by d. */
static CiFaceSimilarity
similarity_then (const CiFaceSimilarity *t,
                 double                  ra,
                 double                  rb,
                 const double            c[2],
                 double                  du,
                 double                  dv)
{
  double qu = c[0] - (ra * c[0] - rb * c[1]) + du;
  double qv = c[1] - (ra * c[1] + rb * c[0]) + dv;

  return (CiFaceSimilarity) { t->a * ra - t->b * rb, t->a * rb + t->b * ra,
                              t->tx + t->a * qu - t->b * qv, t->ty + t->b * qu + t->a * qv };
}

/* Least squares from @card[order[i]] to @scan[i]; returns the RMS residual
 * in scan pixels. */
static double
similarity_fit (const double      card[4][2],
                const double      scan[4][2],
                const int         order[4],
                CiFaceSimilarity *t)
{
  double cu = 0, cv = 0, cx = 0, cy = 0, num_a = 0, num_b = 0, den = 0, res = 0;

  for (int i = 0; i < 4; i++)
    {
      cu += card[order[i]][0] / 4, cv += card[order[i]][1] / 4;
      cx += scan[i][0] / 4, cy += scan[i][1] / 4;
    }
  for (int i = 0; i < 4; i++)
    {
      double u = card[order[i]][0] - cu, v = card[order[i]][1] - cv;
      double x = scan[i][0] - cx, y = scan[i][1] - cy;

      num_a += u * x + v * y;
      num_b += u * y - v * x;
      den += u * u + v * v;
    }
  t->a = num_a / den, t->b = num_b / den;
  t->tx = cx - (t->a * cu - t->b * cv), t->ty = cy - (t->b * cu + t->a * cv);
  for (int i = 0; i < 4; i++)
    {
      double x, y;

      _ci_face_similarity_apply (t, card[order[i]][0], card[order[i]][1], &x, &y);
      res += (x - scan[i][0]) * (x - scan[i][0]) + (y - scan[i][1]) * (y - scan[i][1]);
    }
  return sqrt (res / 4);
}

/* The correlation, and each side's standard deviation. */
double
_ci_face_sums_ncc (const CiFaceSums *m,
                   double           *sigma_e,
                   double           *sigma_s)
{
  double ve, vs;

  if (m->n < 2)
    {
      *sigma_e = *sigma_s = 0;
      return 0;
    }
  ve = MAX (m->ee - m->e * m->e / m->n, 0);
  vs = MAX (m->ss - m->s * m->s / m->n, 0);
  *sigma_e = sqrt (ve / m->n), *sigma_s = sqrt (vs / m->n);
  if (ve <= 0 || vs <= 0)
    return 0;
  return (m->es - m->e * m->s / m->n) / sqrt (ve * vs);
}

/* Alignment ----------------------------------------------------------------------------------- */

/* One resolution of the alignment: the expected render and the scan, blurred
 * alike, and which of the render's pixels count. */
typedef struct
{
  double      px_per_mm;
  CiFaceGray *expected;
  CiFaceGray *scan;
  guint8     *mask;
  double      n_mask;
} Level;

static gboolean
counts_for_alignment (double           u,
                      double           v,
                      const CiFaceBox *qr)
{
  double w = CI_FACE_CARD_WIDTH_MM, h = CI_FACE_CARD_HEIGHT_MM;
  double corner = CI_FACE_CARD_RADIUS_MM + EDGE_MM;

  if (u < EDGE_MM || v < EDGE_MM || u > w - EDGE_MM || v > h - EDGE_MM)
    return FALSE;
  if ((u < corner || u > w - corner) && (v < corner || v > h - corner))
    return FALSE;
  return !(u > qr->x - QR_MARGIN_MM && u < qr->x + qr->width + QR_MARGIN_MM
           && v > qr->y - QR_MARGIN_MM && v < qr->y + qr->height + QR_MARGIN_MM);
}

static void
level_init (Level            *level,
            const CiFaceGray *frame,
            int               factor,
            double            blur_mm,
            const CiFaceGray *scan,
            double            scan_px_per_mm,
            const CiFaceBox  *qr)
{
  level->px_per_mm = CI_FACE_OPTICAL_PX_PER_MM / factor;
  level->expected = factor > 1 ? _ci_face_gray_shrink (frame, factor) : _ci_face_gray_copy (frame);
  _ci_face_gray_blur (level->expected, blur_mm * level->px_per_mm);
  level->scan = _ci_face_gray_copy (scan);
  _ci_face_gray_blur (level->scan, blur_mm * scan_px_per_mm);
  level->mask = g_malloc ((gsize) level->expected->width * level->expected->height);
  level->n_mask = 0;
  for (int y = 0; y < level->expected->height; y++)
    for (int x = 0; x < level->expected->width; x++)
      {
        gboolean counts = counts_for_alignment ((x + 0.5) / level->px_per_mm,
                                                (y + 0.5) / level->px_per_mm, qr);

        level->mask[(gsize) y * level->expected->width + x] = counts;
        level->n_mask += counts;
      }
}

static void
level_clear (Level *level)
{
  g_clear_pointer (&level->expected, _ci_face_gray_free);
  g_clear_pointer (&level->scan, _ci_face_gray_free);
  g_clear_pointer (&level->mask, g_free);
}

/* How well the whole card matches when placed by @t: -1 when it is mostly
 * off the scan. */
static double
level_score (const Level            *level,
             const CiFaceSimilarity *t)
{
  const CiFaceGray *e = level->expected;
  CiFaceSums sums = { 0 };
  double off = 0, most_off = (1 - CI_FACE_OPTICAL_MIN_ON_SCAN) * level->n_mask, sigma_e, sigma_s;

  for (int y = 0; y < e->height; y++)
    for (int x = 0; x < e->width; x++)
      {
        gsize i = (gsize) y * e->width + x;
        double sx, sy;
        float s;

        if (!level->mask[i])
          continue;
        _ci_face_similarity_apply (t, (x + 0.5) / level->px_per_mm, (y + 0.5) / level->px_per_mm,
                                   &sx, &sy);
        s = _ci_face_gray_sample (level->scan, sx, sy);
        if (!isnan (s))
          _ci_face_sums_add (&sums, e->data[i], s);
        else if (++off > most_off)
          return -1;
      }
  return _ci_face_sums_ncc (&sums, &sigma_e, &sigma_s);
}

/* The printed code is at most as large as its box says, often smaller: try
 * scales about its centre. */
static double
search_scale (const Level      *level,
              const double      centre[2],
              CiFaceSimilarity *t)
{
  CiFaceSimilarity start = *t;
  double best = -2;

  for (double m = 1 / SCALE_LARGEST; m <= 1 / SCALE_SMALLEST; m *= 1 + SCALE_STEP)
    {
      CiFaceSimilarity c = similarity_then (&start, m, 0, centre, 0, 0);
      double score = level_score (level, &c);

      if (score > best)
        best = score, *t = c;
    }
  return best;
}

/* A step of @step_mm in one of the four parameters, either way: moves,
 * turns or scales that move the card's far corners about that much. */
static CiFaceSimilarity
pattern_move (const CiFaceSimilarity *t,
              int                     move,
              double                  step_mm)
{
  static const double card_centre[2] = { CI_FACE_CARD_WIDTH_MM / 2, CI_FACE_CARD_HEIGHT_MM / 2 };
  double d = (move % 2 == 0 ? 1 : -1) * step_mm;
  double angle = d / LEVER_MM;

  switch (move / 2)
    {
    case 0:
      return similarity_then (t, 1, 0, card_centre, d, 0);
    case 1:
      return similarity_then (t, 1, 0, card_centre, 0, d);
    case 2:
      return similarity_then (t, cos (angle), sin (angle), card_centre, 0, 0);
    default:
      return similarity_then (t, 1 + d / LEVER_MM, 0, card_centre, 0, 0);
    }
}

static double
refine (const Level      *level,
        CiFaceSimilarity *t,
        double            step_mm,
        double            min_step_mm)
{
  double best = level_score (level, t);

  for (guint evaluations = 0; step_mm >= min_step_mm && evaluations < MAX_EVALUATIONS;)
    {
      gboolean moved = FALSE;

      for (int move = 0; move < 8; move++, evaluations++)
        {
          CiFaceSimilarity c = pattern_move (t, move, step_mm);
          double score = level_score (level, &c);

          if (score > best)
            best = score, *t = c, moved = TRUE;
        }
      if (!moved)
        step_mm /= 2;
    }
  return best;
}

/* The similarities that put the card's QR corners on the scan's, for each
 * order of the corners that fits a square. */
static guint
corner_fits (const double     card[4][2],
             const double     scan[4][2],
             double           side_mm,
             CiFaceSimilarity fits[8])
{
  guint n = 0;

  for (int start = 0; start < 4; start++)
    for (int dir = 1; dir >= -1; dir -= 2)
      {
        int order[4];
        CiFaceSimilarity t;
        double residual;

        for (int i = 0; i < 4; i++)
          order[i] = ((start + dir * i) % 4 + 4) % 4;
        residual = similarity_fit (card, scan, order, &t);
        if (residual <= MAX (2.0, FIT_TOLERANCE * side_mm * _ci_face_similarity_scale (&t)))
          fits[n++] = t;
      }
  return n;
}

/**
 * _ci_face_optical_align:
 * @frame: the expected render, at CI_FACE_OPTICAL_PX_PER_MM
 * @scan: the scan
 * @qr_box: the QR element's box, left out of the comparison
 * @code: where the corners of the code are on the card (mm), if its modules
 *   were not rounded to pixels, in zbar's order
 * @found: where zbar found them on @scan
 * @out: (out): card millimetres to scan pixels
 *
 * Places the scan on the card.
 *
 * Returns: how well the whole card then matches (-1 … 1); below 0 when it
 *   cannot be placed
 */
double
_ci_face_optical_align (const CiFaceGray *frame,
                        const CiFaceGray *scan,
                        const CiFaceBox  *qr_box,
                        const double      code[4][2],
                        const double      found[4][2],
                        CiFaceSimilarity *out)
{
  double centre[2] = { (code[0][0] + code[2][0]) / 2, (code[0][1] + code[2][1]) / 2 };
  double side = hypot (code[1][0] - code[0][0], code[1][1] - code[0][1]), best = -2, fitted = 0;
  CiFaceSimilarity fits[8];
  guint n_fits = corner_fits (code, found, side, fits);
  Level level;

  if (n_fits == 0)
    return -1;
  /* The scan's pixels per mm are known only within the scales searched. */
  level_init (&level, frame, COARSE_FACTOR, COARSE_BLUR_MM, scan,
              _ci_face_similarity_scale (&fits[0]) * 2 / (1 + SCALE_SMALLEST), qr_box);
  for (guint i = 0; i < n_fits; i++)
    {
      double scale = _ci_face_similarity_scale (&fits[i]);
      double score = search_scale (&level, centre, &fits[i]);

      g_debug ("Optical check: corner order %u of %u matches %.3f", i + 1, n_fits, score);
      if (score > best)
        best = score, *out = fits[i], fitted = scale;
    }
  if (best < 0)
    {
      level_clear (&level);
      return best;
    }
  refine (&level, out, 0.5, 0.05);
  level_clear (&level);
  level_init (&level, frame, FINE_FACTOR, FINE_BLUR_MM, scan, _ci_face_similarity_scale (out),
              qr_box);
  best = refine (&level, out, 0.1, 0.01);
  level_clear (&level);
  g_debug ("Optical check: %.2f scan pixels per mm, the code printed at %.3f of its box's size",
           _ci_face_similarity_scale (out), fitted / _ci_face_similarity_scale (out));
  return best;
}
