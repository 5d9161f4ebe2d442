/* ci-face-sample.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn stand-ins for photos, for the demo database and the benchmarks: a
 * head-and-shoulders figure, different for each name, so that a demo card's
 * face is complete without shipping pictures of real people.
 */

#include "config.h"

#include <math.h>

#include <cairo.h>

#include "face/ci-face-sample.h"

#define WIDTH  300
#define HEIGHT 400

static void
set_rgb (cairo_t *cr,
         guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                        (rgb & 0xFF) / 255.0);
}

static cairo_status_t
append (void                *closure,
        const unsigned char *data,
        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * ci_face_sample_portrait:
 * @name: whose: the same name always gives the same figure
 *
 * Returns: (transfer full): a 300 × 400 PNG
 */
GBytes *
ci_face_sample_portrait (const char *name)
{
  static const guint32 backgrounds[] = { 0xC8D6E5, 0xD5E8D4, 0xE8DCC8, 0xDAD2E9, 0xD0E4EC };
  static const guint32 skins[] = { 0xF1C27D, 0xE0AC69, 0xC68642, 0x8D5524, 0xFFDBAC };
  static const guint32 hairs[] = { 0x2B1B0E, 0x5A3A1A, 0xA0522D, 0xD8B26E, 0x6B6B6B };
  static const guint32 clothes[] = { 0x1C71D8, 0x26A269, 0x813D9C, 0xC64600, 0x3D3846 };
  guint hash = g_str_hash (name ? name : "");
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  set_rgb (cr, backgrounds[hash % 5]);
  cairo_paint (cr);
  /* Shoulders and neck. */
  set_rgb (cr, clothes[(hash >> 3) % 5]);
  cairo_move_to (cr, 20, HEIGHT);
  cairo_curve_to (cr, 30, 300, 90, 285, 150, 285);
  cairo_curve_to (cr, 210, 285, 270, 300, 280, HEIGHT);
  cairo_close_path (cr);
  cairo_fill (cr);
  set_rgb (cr, skins[(hash >> 6) % 5]);
  cairo_rectangle (cr, 128, 220, 44, 70);
  cairo_fill (cr);
  /* Hair behind the head, the head, then the fringe. */
  set_rgb (cr, hairs[(hash >> 9) % 5]);
  cairo_save (cr);
  cairo_translate (cr, 150, 158);
  cairo_scale (cr, 78, 92);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  set_rgb (cr, skins[(hash >> 6) % 5]);
  cairo_save (cr);
  cairo_translate (cr, 150, 175);
  cairo_scale (cr, 64, 80);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  set_rgb (cr, hairs[(hash >> 9) % 5]);
  cairo_save (cr);
  cairo_translate (cr, 150, 140);
  cairo_scale (cr, 68, 48);
  cairo_arc (cr, 0, 0, 1, G_PI, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  /* Eyes and mouth. */
  cairo_set_source_rgb (cr, 0.15, 0.12, 0.1);
  cairo_arc (cr, 126, 178, 6, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_arc (cr, 174, 178, 6, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_line_width (cr, 4);
  cairo_arc (cr, 150, 205, 20, 0.2 * G_PI, 0.8 * G_PI);
  cairo_stroke (cr);

  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (surface, append, png);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}
