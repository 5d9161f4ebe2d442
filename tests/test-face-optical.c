/* test-face-optical.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optical check: "scans" are rendered here at 300 dpi, onto a gray
 * scanner bed, then changed (another photo, name or serial, a smudged QR
 * code), turned, scaled or saved as JPEG. The template is built here like
 * the shipped colour badge's front, not loaded, so these tests do not depend
 * on the template loader.
 *
 * CI_OPTICAL_SAVE=DIR keeps every scan made, as PNG, to look at.
 */

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pango/pangocairo.h>

#include "face/ci-face-optical.h"
#include "face/ci-face-render.h"

#define SCAN_PX_PER_MM (300 / 25.4)
#define BED_MM         4.0        /* of scanner bed around the card */
#define SERIAL         "0000000042"
#define OTHER_SERIAL   "7391508264"
#define NEAR_SERIAL    "0000000043"
#define WHITE          0xFFFFFFFF
#define BLACK          0x000000FF

/* Issuer -------------------------------------------------------------------------------------- */

static GBytes *
sign (GBytes    *data,
      gpointer   user_data,
      GError   **error)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  guint8 sig[80];
  size_t sig_len = sizeof sig;

  g_assert_cmpint (EVP_DigestSignInit_ex (ctx, NULL, "SHA256", NULL, NULL, user_data, NULL),
                   ==, 1);
  g_assert_cmpint (EVP_DigestSign (ctx, sig, &sig_len, g_bytes_get_data (data, NULL),
                                   g_bytes_get_size (data)), ==, 1);
  EVP_MD_CTX_free (ctx);
  return g_bytes_new (sig, sig_len);
}

static char *
qr_payload_for_chip (EVP_PKEY   *key,
                     const char *serial,
                     guint8      chip)
{
  CiFaceBinding b = { { 0 } };
  g_autoptr(GError) error = NULL;
  char *payload;

  g_strlcpy (b.serial, serial, sizeof b.serial);
  for (guint i = 0; i < CI_FACE_BINDING_DIGEST_LEN; i++)
    b.chip_digest[i] = (guint8) (chip + i);
  payload = ci_face_binding_encode (&b, sign, key, &error);
  g_assert_no_error (error);
  return payload;
}

static char *
qr_payload (EVP_PKEY   *key,
            const char *serial)
{
  return qr_payload_for_chip (key, serial, 0x30);
}

static GBytes *
public_der (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (key, &der);
  GBytes *bytes;

  g_assert_cmpint (len, >, 0);
  bytes = g_bytes_new (der, (gsize) len);
  OPENSSL_free (der);
  return bytes;
}

/* Template ------------------------------------------------------------------------------------ */

static void
element_free (gpointer data)
{
  CiFaceElement *element = data;

  g_free (element->field);
  g_free (element->text);
  g_free (element->font);
  g_free (element->path);
  g_free (element);
}

static CiFaceElement *
add_element (GPtrArray         *side,
             CiFaceElementKind  kind,
             double             x,
             double             y,
             double             width,
             double             height)
{
  CiFaceElement *element = g_new0 (CiFaceElement, 1);

  element->kind = kind;
  element->line = side->len + 1;
  element->box = (CiFaceBox) { x, y, width, height };
  element->colour = BLACK;
  element->weight = 400;
  element->ecc = CI_FACE_QR_ECC_M;
  element->crop = CI_FACE_CROP_FACE;
  g_ptr_array_add (side, element);
  return element;
}

static CiFaceElement *
add_text (GPtrArray  *side,
          double      x,
          double      y,
          double      width,
          double      height,
          const char *what,
          double      size_pt)
{
  CiFaceElement *e = add_element (side, CI_FACE_ELEMENT_TEXT, x, y, width, height);

  if (ci_face_field_is_known (what))
    e->field = g_strdup (what);
  else
    e->text = g_strdup (what);
  e->font = g_strdup ("DejaVu Sans");
  e->size_pt = size_pt;
  e->min_size_pt = size_pt * 0.6;
  return e;
}

/* The shipped colour badge's front. */
static CiFaceTemplate *
badge_template (void)
{
  CiFaceTemplate *tmpl = g_new0 (CiFaceTemplate, 1);
  GPtrArray *f;
  CiFaceElement *e;

  tmpl->id = g_strdup ("optical-test");
  tmpl->name = g_strdup ("Optical test badge");
  tmpl->mode = CI_FACE_COLOUR;
  tmpl->margin_mm = 2.0;
  tmpl->background[CI_FACE_FRONT] = tmpl->background[CI_FACE_BACK] = WHITE;
  tmpl->front = f = g_ptr_array_new_with_free_func (element_free);
  tmpl->back = g_ptr_array_new_with_free_func (element_free);

  e = add_element (f, CI_FACE_ELEMENT_RECT, 0, 0, CI_FACE_CARD_WIDTH_MM, 11);
  e->field = g_strdup ("zone.colour");
  e = add_element (f, CI_FACE_ELEMENT_RECT, 0, 52.48, CI_FACE_CARD_WIDTH_MM, 1.5);
  e->field = g_strdup ("zone.colour");
  e = add_element (f, CI_FACE_ELEMENT_RECT, 2.5, 2, 27, 7);
  e->colour = WHITE, e->radius_mm = 1.5;
  e = add_element (f, CI_FACE_ELEMENT_IMAGE, 3.5, 2.5, 25, 6);
  e->path = g_strdup (CI_SOURCE_DIR "/data/templates/cardissue-logo.svg");
  add_element (f, CI_FACE_ELEMENT_PHOTO, 3, 13, 22, 29);
  e = add_text (f, 3, 43, 22, 3.5, "card.serial", 6.5);
  g_free (e->font), e->font = g_strdup ("DejaVu Sans Mono");
  e->align = CI_FACE_ALIGN_CENTRE, e->colour = 0x555555FF;
  e = add_text (f, 28, 13, 55.6, 6.5, "employee.full_name", 13);
  e->weight = 700;
  add_text (f, 28, 20, 55.6, 4.5, "employee.job_title", 9);
  e = add_text (f, 28, 25, 55.6, 4.5, "employee.department", 9);
  e->colour = 0x444444FF;
  e = add_text (f, 28, 40, 32, 2.8, "Valid until", 5.5);
  e->colour = 0x666666FF;
  add_text (f, 28, 42.8, 32, 4.5, "card.expiry", 9);
  add_element (f, CI_FACE_ELEMENT_QR, 62.1, 30.2, 21.5, 21.5);
  return tmpl;
}

/* Photos -------------------------------------------------------------------------------------- */

static void
ellipse (cairo_t *cr,
         double   x,
         double   y,
         double   rx,
         double   ry)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, rx, ry);
  cairo_new_sub_path (cr);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
}

typedef struct
{
  double ground[3];
  double clothes[3];
  double skin[3];
  double hair[3];
  double x;          /* the head's centre and size, in a 240 × 320 picture */
  double y;
  double size;
  gboolean glasses;
} Figure;

static void
draw_figure (cairo_t      *cr,
             const Figure *p)
{
  cairo_set_source_rgb (cr, p->ground[0], p->ground[1], p->ground[2]);
  cairo_paint (cr);
  cairo_move_to (cr, p->x - 110, 320);
  cairo_curve_to (cr, p->x - 100, 250, p->x - 50, 235, p->x, 235);
  cairo_curve_to (cr, p->x + 50, 235, p->x + 100, 250, p->x + 110, 320);
  cairo_set_source_rgb (cr, p->clothes[0], p->clothes[1], p->clothes[2]);
  cairo_fill (cr);
  cairo_rectangle (cr, p->x - 18, p->y + 40, 36, 200 - p->y);
  ellipse (cr, p->x, p->y, 50 * p->size, 64 * p->size);
  cairo_set_source_rgb (cr, p->skin[0], p->skin[1], p->skin[2]);
  cairo_fill (cr);
  cairo_move_to (cr, p->x - 56 * p->size, p->y - 5);
  cairo_curve_to (cr, p->x - 62 * p->size, p->y - 95 * p->size, p->x + 62 * p->size,
                  p->y - 95 * p->size, p->x + 56 * p->size, p->y - 5);
  cairo_curve_to (cr, p->x + 40, p->y - 40, p->x - 30, p->y - 50, p->x - 56 * p->size, p->y - 5);
  cairo_set_source_rgb (cr, p->hair[0], p->hair[1], p->hair[2]);
  cairo_fill (cr);
  ellipse (cr, p->x - 20 * p->size, p->y, 6, 6), ellipse (cr, p->x + 20 * p->size, p->y, 6, 6);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.2);
  cairo_fill (cr);
  if (p->glasses)
    {
      ellipse (cr, p->x - 20 * p->size, p->y, 15, 12);
      ellipse (cr, p->x + 20 * p->size, p->y, 15, 12);
      cairo_set_line_width (cr, 4);
      cairo_stroke (cr);
    }
  cairo_set_line_width (cr, 4);
  cairo_arc (cr, p->x, p->y + 22 * p->size, 16 * p->size, 0.2 * G_PI, 0.8 * G_PI);
  cairo_set_source_rgb (cr, 0.6, 0.25, 0.25);
  cairo_stroke (cr);
}

static cairo_status_t
append (void                *closure,
        const unsigned char *data,
        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
surface_png (cairo_surface_t *surface)
{
  GByteArray *png = g_byte_array_new ();

  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append, png), ==,
                   CAIRO_STATUS_SUCCESS);
  return g_byte_array_free_to_bytes (png);
}

static GBytes *
photo_png (const Figure *figure)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 240, 320);
  cairo_t *cr = cairo_create (surface);
  GBytes *png;

  draw_figure (cr, figure);
  cairo_destroy (cr);
  png = surface_png (surface);
  cairo_surface_destroy (surface);
  return png;
}

static const Figure holder = {
  { 0.80, 0.86, 0.92 }, { 0.12, 0.16, 0.27 }, { 0.95, 0.80, 0.68 }, { 0.25, 0.16, 0.10 },
  120, 130, 1.0, FALSE,
};

static const Figure stranger = {
  { 0.30, 0.36, 0.30 }, { 0.85, 0.85, 0.80 }, { 0.70, 0.50, 0.35 }, { 0.90, 0.80, 0.50 },
  100, 150, 0.8, TRUE,
};

/* Another person photographed the same way. */
static const Figure lookalike = {
  { 0.80, 0.86, 0.92 }, { 0.12, 0.16, 0.27 }, { 0.90, 0.74, 0.62 }, { 0.45, 0.30, 0.15 },
  128, 138, 0.9, TRUE,
};

/* Fixture ------------------------------------------------------------------------------------- */

typedef struct
{
  EVP_PKEY       *key;
  GBytes         *public_der;
  CiFaceTemplate *tmpl;
  CiFaceData     *expected;
} Fixture;

static CiFaceData *
face_data (Fixture      *fx,
           const char   *name,
           const char   *serial,
           const Figure *figure)
{
  CiFaceData *data = ci_face_data_new ();
  g_autoptr(GBytes) photo = photo_png (figure);
  g_autofree char *payload = qr_payload (fx->key, serial);
  CiFaceBox face = { (figure->x - 60) / 240, (figure->y - 80) / 320, 120 / 240.0, 160 / 320.0 };

  ci_face_data_set (data, "employee.full_name", name);
  ci_face_data_set (data, "employee.job_title", "Research Engineer");
  ci_face_data_set (data, "employee.department", "Materials Laboratory");
  ci_face_data_set (data, "card.serial", serial);
  ci_face_data_set (data, "card.expiry", "30 June 2029");
  ci_face_data_set_photo (data, photo, &face);
  ci_face_data_set_zone_colour (data, 0x1C71D8FF);
  ci_face_data_set_qr_payload (data, payload);
  return data;
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  unused)
{
  fx->key = EVP_EC_gen ("P-256");
  g_assert_nonnull (fx->key);
  fx->public_der = public_der (fx->key);
  fx->tmpl = badge_template ();
  fx->expected = face_data (fx, "Maria Kowalska", SERIAL, &holder);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  unused)
{
  EVP_PKEY_free (fx->key);
  g_bytes_unref (fx->public_der);
  ci_face_template_free (fx->tmpl);
  ci_face_data_unref (fx->expected);
}

/* Scans --------------------------------------------------------------------------------------- */

/* The card as a 300 dpi scanner sees it: on a light gray bed. */
static cairo_surface_t *
scan_surface_at (Fixture          *fx,
                 const CiFaceData *data,
                 double            px_per_mm)
{
  double bed = round (BED_MM * px_per_mm);
  int width = (int) ceil (CI_FACE_CARD_WIDTH_MM * px_per_mm + 2 * bed);
  int height = (int) ceil (CI_FACE_CARD_HEIGHT_MM * px_per_mm + 2 * bed);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GError) error = NULL;

  cairo_set_source_rgb (cr, 0.85, 0.85, 0.83);
  cairo_paint (cr);
  cairo_translate (cr, bed, bed);
  g_assert_true (ci_face_render (fx->tmpl, CI_FACE_FRONT, data, cr, px_per_mm, NULL, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  return surface;
}

static cairo_surface_t *
scan_surface (Fixture          *fx,
              const CiFaceData *data)
{
  return scan_surface_at (fx, data, SCAN_PX_PER_MM);
}

/* @scan turned by @degrees and scaled by @scale about its centre, on a
 * larger, darker bed. */
static cairo_surface_t *
transform (cairo_surface_t *scan,
           double           degrees,
           double           scale)
{
  int w = cairo_image_surface_get_width (scan), h = cairo_image_surface_get_height (scan);
  int side = (int) ceil (hypot (w, h) * scale) + 40;
  cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side * 3 / 4);
  cairo_t *cr = cairo_create (out);

  cairo_set_source_rgb (cr, 0.6, 0.6, 0.58);
  cairo_paint (cr);
  cairo_translate (cr, side / 2.0, side * 3 / 8.0);
  cairo_rotate (cr, degrees * G_PI / 180);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, scan, -w / 2.0, -h / 2.0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return out;
}

/* A phone photo's light: a haze over it all, and darker to one corner. */
static void
shade (cairo_surface_t *scan)
{
  cairo_t *cr = cairo_create (scan);
  int w = cairo_image_surface_get_width (scan), h = cairo_image_surface_get_height (scan);
  cairo_pattern_t *dark = cairo_pattern_create_linear (0, 0, w, h);

  cairo_set_source_rgba (cr, 1, 1, 0.9, 0.15);
  cairo_paint (cr);
  cairo_pattern_add_color_stop_rgba (dark, 0, 0, 0, 0, 0);
  cairo_pattern_add_color_stop_rgba (dark, 1, 0.1, 0.05, 0, 0.45);
  cairo_set_source (cr, dark);
  cairo_paint (cr);
  cairo_pattern_destroy (dark);
  cairo_destroy (cr);
  cairo_surface_flush (scan);
}

/* A gray blob over the middle of the QR code. */
static void
smudge (cairo_surface_t *scan,
        const CiFaceBox *qr)
{
  cairo_t *cr = cairo_create (scan);
  double bed = round (BED_MM * SCAN_PX_PER_MM);

  cairo_translate (cr, bed, bed);
  cairo_scale (cr, SCAN_PX_PER_MM, SCAN_PX_PER_MM);
  ellipse (cr, qr->x + qr->width * 0.55, qr->y + qr->height * 0.5, qr->width * 0.28,
           qr->height * 0.22);
  cairo_set_source_rgb (cr, 0.45, 0.44, 0.42);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (scan);
}

static GBytes *
surface_jpeg (cairo_surface_t *surface,
              const char      *quality)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int out_stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize len = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = ((const guint32 *) (gconstpointer) (data + (gsize) y * stride))[x];
        guint8 *p = pixels + (gsize) y * out_stride + (gsize) x * 3;

        p[0] = (px >> 16) & 0xFF, p[1] = (px >> 8) & 0xFF, p[2] = px & 0xFF;
      }
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", &error, "quality",
                                            quality, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static void
keep (cairo_surface_t *surface,
      const char      *name)
{
  const char *dir = g_getenv ("CI_OPTICAL_SAVE");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

/* Checking ------------------------------------------------------------------------------------ */

/* The check's per-element scores come as debug messages: into the TAP log. */
static void
log_scores (const char     *domain,
            GLogLevelFlags  level,
            const char     *message,
            gpointer        user_data)
{
  if (g_str_has_prefix (message, "Optical check: "))
    g_test_message ("  %s", message + strlen ("Optical check: "));
}

static CiFaceCheck *
check_bytes (Fixture    *fx,
             GBytes     *scan,
             const char *label)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  CiFaceCheck *check;
  guint handler = g_log_set_handler ("CardIssue", G_LOG_LEVEL_DEBUG, log_scores, NULL);

  g_test_message ("%s:", label);
  check = ci_face_optical_check (fx->tmpl, CI_FACE_FRONT, fx->expected, scan, SERIAL,
                                 fx->public_der, &error);
  g_log_remove_handler ("CardIssue", handler);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  g_test_message ("%s: %s, score %.3f, %u finding(s), %.0f ms", label,
                  check->pass ? "pass" : "FAIL", check->score, check->findings->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  for (guint i = 0; i < check->findings->len; i++)
    {
      CiFaceFinding *f = g_ptr_array_index (check->findings, i);

      g_test_message ("  finding %s (%.3f): %s", f->what, f->score, f->message);
    }
  return check;
}

static CiFaceCheck *
check_surface (Fixture         *fx,
               cairo_surface_t *surface,
               const char      *label)
{
  g_autoptr(GBytes) png = NULL;

  cairo_surface_flush (surface);
  keep (surface, label);
  png = surface_png (surface);
  return check_bytes (fx, png, label);
}

static void
assert_pass (const CiFaceCheck *check)
{
  g_assert_true (check->pass);
  g_assert_cmpuint (check->findings->len, ==, 0);
  g_assert_cmpfloat (check->score, >=, CI_FACE_OPTICAL_MIN_SCORE);
  g_assert_cmpstr (check->binding.serial, ==, SERIAL);
}

/* Only @what is found wrong. */
static void
assert_only (const CiFaceCheck *check,
             const char        *what)
{
  g_assert_false (check->pass);
  g_assert_cmpuint (check->findings->len, >=, 1);
  for (guint i = 0; i < check->findings->len; i++)
    {
      CiFaceFinding *f = g_ptr_array_index (check->findings, i);

      g_assert_cmpstr (f->what, ==, what);
      g_assert_nonnull (f->message);
    }
}

/* Tests --------------------------------------------------------------------------------------- */

static void
test_clean (Fixture       *fx,
            gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  g_autoptr(CiFaceCheck) check = check_surface (fx, scan, "clean");

  assert_pass (check);
  g_assert_nonnull (check->qr_payload);
  g_assert_cmpstr (check->qr_payload, ==, ci_face_data_get_qr_payload (fx->expected));
  cairo_surface_destroy (scan);
}

static void
test_other_photo (Fixture       *fx,
                  gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", SERIAL, &stranger);
  cairo_surface_t *scan = scan_surface (fx, data);
  g_autoptr(CiFaceCheck) check = check_surface (fx, scan, "other-photo");
  CiFaceFinding *f;

  assert_only (check, "photo");
  f = g_ptr_array_index (check->findings, 0);
  g_assert_cmpfloat (f->region_mm.x, ==, 3);
  g_assert_cmpfloat (f->region_mm.width, ==, 22);
  g_assert_cmpfloat (f->score, <, CI_FACE_OPTICAL_MIN_SCORE);
  g_assert_cmpfloat (check->score, ==, f->score);
  g_assert_nonnull (strstr (f->message, "photo"));
  cairo_surface_destroy (scan);
}

static void
test_lookalike_photo (Fixture       *fx,
                      gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", SERIAL, &lookalike);
  cairo_surface_t *scan = scan_surface (fx, data);
  g_autoptr(CiFaceCheck) check = check_surface (fx, scan, "lookalike-photo");

  assert_only (check, "photo");
  cairo_surface_destroy (scan);
}

static void
test_other_name (Fixture       *fx,
                 gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Johannes Lindqvist", SERIAL, &holder);
  cairo_surface_t *scan = scan_surface (fx, data);
  g_autoptr(CiFaceCheck) check = check_surface (fx, scan, "other-name");
  CiFaceFinding *f;

  assert_only (check, "employee.full_name");
  f = g_ptr_array_index (check->findings, 0);
  g_assert_true (g_str_has_prefix (f->message, "The name on the card does not match the record"));
  g_assert_nonnull (strstr (f->message, "in 28.0,13.0 55.6×6.5 mm"));
  cairo_surface_destroy (scan);
}

/* Another card's face: both its QR code and its printed serial. */
static void
test_other_serial (Fixture       *fx,
                   gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", OTHER_SERIAL, &holder);
  cairo_surface_t *scan = scan_surface (fx, data);
  g_autoptr(CiFaceCheck) check = check_surface (fx, scan, "other-serial");
  g_autofree char *says = g_strdup_printf ("The QR code says card %s, the record says %s.",
                                           OTHER_SERIAL, SERIAL);
  CiFaceFinding *f;

  assert_only (check, "card.serial");
  g_assert_cmpuint (check->findings->len, ==, 2);
  f = g_ptr_array_index (check->findings, 0);
  g_assert_cmpstr (f->message, ==, says);
  f = g_ptr_array_index (check->findings, 1);
  g_assert_true (g_str_has_prefix (f->message, "The card serial on the card does not match"));
  g_assert_cmpstr (check->binding.serial, ==, OTHER_SERIAL);
  cairo_surface_destroy (scan);
}

/* The right QR code, but one digit of the printed serial wrong. */
static void
test_printed_serial (Fixture       *fx,
                     gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", SERIAL, &holder);
  cairo_surface_t *scan;
  g_autoptr(CiFaceCheck) check = NULL;

  ci_face_data_set (data, "card.serial", NEAR_SERIAL);
  scan = scan_surface (fx, data);
  check = check_surface (fx, scan, "printed-serial");
  assert_only (check, "card.serial");
  g_assert_cmpuint (check->findings->len, ==, 1);
  cairo_surface_destroy (scan);
}

static void
test_forged (Fixture       *fx,
             gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", SERIAL, &holder);
  EVP_PKEY *forger = EVP_EC_gen ("P-256");
  g_autofree char *payload = qr_payload (forger, SERIAL);
  cairo_surface_t *scan;
  g_autoptr(CiFaceCheck) check = NULL;

  ci_face_data_set_qr_payload (data, payload);
  scan = scan_surface (fx, data);
  check = check_surface (fx, scan, "forged");
  assert_only (check, "qr");
  g_assert_cmpuint (check->findings->len, ==, 1);
  g_assert_nonnull (strstr (((CiFaceFinding *) g_ptr_array_index (check->findings, 0))->message,
                            "forged"));
  EVP_PKEY_free (forger);
  cairo_surface_destroy (scan);
}

/* The right card, but its QR code made for the chip data of an earlier
 * personalisation. */
static void
test_other_chip (Fixture       *fx,
                 gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Maria Kowalska", SERIAL, &holder);
  g_autofree char *payload = qr_payload_for_chip (fx->key, SERIAL, 0x70);
  cairo_surface_t *scan;
  g_autoptr(CiFaceCheck) check = NULL;

  ci_face_data_set_qr_payload (data, payload);
  scan = scan_surface (fx, data);
  check = check_surface (fx, scan, "other-chip");
  assert_only (check, "qr");
  g_assert_cmpuint (check->findings->len, ==, 1);
  g_assert_nonnull (strstr (((CiFaceFinding *) g_ptr_array_index (check->findings, 0))->message,
                            "other chip data"));
  cairo_surface_destroy (scan);
}

static void
test_smudged_qr (Fixture       *fx,
                 gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  const CiFaceElement *qr = g_ptr_array_index (fx->tmpl->front, fx->tmpl->front->len - 1);
  g_autoptr(CiFaceCheck) check = NULL;
  CiFaceFinding *f;

  smudge (scan, &qr->box);
  check = check_surface (fx, scan, "smudged-qr");
  assert_only (check, "qr");
  f = g_ptr_array_index (check->findings, 0);
  g_assert_cmpstr (f->message, ==, "The QR code cannot be read (smudged, covered or missing).");
  g_assert_cmpfloat (f->region_mm.x, ==, qr->box.x);
  g_assert_cmpfloat (check->score, ==, 0);
  g_assert_null (check->qr_payload);
  cairo_surface_destroy (scan);
}

static void
test_turned_and_scaled (Fixture       *fx,
                        gconstpointer  unused)
{
  static const struct
  {
    const char *label;
    double      degrees;
    double      scale;
  } cases[] = {
    { "turned+5", 5, 1 },
    { "turned-5", -5, 1 },
    { "scaled-0.8", 0, 0.8 },
    { "scaled-1.3", 0, 1.3 },
    { "turned+5-scaled-0.8", 5, 0.8 },
    { "turned-5-scaled-1.3", -5, 1.3 },
    { "upside-down", 180, 1 },
  };
  cairo_surface_t *scan = scan_surface (fx, fx->expected);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cairo_surface_t *moved = transform (scan, cases[i].degrees, cases[i].scale);
      g_autoptr(CiFaceCheck) check = check_surface (fx, moved, cases[i].label);

      assert_pass (check);
      cairo_surface_destroy (moved);
    }
  cairo_surface_destroy (scan);
}

/* A photo in uneven light, at 200 dpi and a slant, saved as JPEG. */
static void
test_uneven_light (Fixture       *fx,
                   gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  cairo_surface_t *moved = transform (scan, -2, 200 / 300.0);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(CiFaceCheck) check = NULL;

  shade (moved);
  keep (moved, "uneven-light");
  jpeg = surface_jpeg (moved, "85");
  check = check_bytes (fx, jpeg, "uneven-light");
  assert_pass (check);
  cairo_surface_destroy (moved);
  cairo_surface_destroy (scan);
}

/* Engraved at 600 dpi (the photo dithered, 1 bit), scanned at 300 dpi. */
static void
test_laser (Fixture       *fx,
            gconstpointer  unused)
{
  g_autoptr(CiFaceData) stranger_data = face_data (fx, "Maria Kowalska", SERIAL, &stranger);
  const CiFaceData *faces[] = { fx->expected, stranger_data };

  fx->tmpl->mode = CI_FACE_LASER;
  for (guint i = 0; i < G_N_ELEMENTS (faces); i++)
    {
      cairo_surface_t *engraved = scan_surface_at (fx, faces[i], 600 / 25.4);
      cairo_surface_t *scan = transform (engraved, 1, 0.5);
      const char *label = i == 0 ? "laser" : "laser-other-photo";
      g_autoptr(CiFaceCheck) check = check_surface (fx, scan, label);

      if (i == 0)
        assert_pass (check);
      else
        assert_only (check, "photo");
      cairo_surface_destroy (scan);
      cairo_surface_destroy (engraved);
    }
}

/* A turned scan still finds another name. */
static void
test_turned_other_name (Fixture       *fx,
                        gconstpointer  unused)
{
  g_autoptr(CiFaceData) data = face_data (fx, "Johannes Lindqvist", SERIAL, &holder);
  cairo_surface_t *scan = scan_surface (fx, data);
  cairo_surface_t *moved = transform (scan, -5, 0.8);
  g_autoptr(CiFaceCheck) check = check_surface (fx, moved, "turned-other-name");

  assert_only (check, "employee.full_name");
  cairo_surface_destroy (moved);
  cairo_surface_destroy (scan);
}

static void
test_jpeg (Fixture       *fx,
           gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  cairo_surface_t *moved = transform (scan, 3, 1.1);
  g_autoptr(GBytes) jpeg = surface_jpeg (scan, "85");
  g_autoptr(GBytes) moved_jpeg = surface_jpeg (moved, "85");
  g_autoptr(CiFaceCheck) check = check_bytes (fx, jpeg, "jpeg");
  g_autoptr(CiFaceCheck) moved_check = check_bytes (fx, moved_jpeg, "jpeg-turned+3-scaled-1.1");

  assert_pass (check);
  assert_pass (moved_check);
  cairo_surface_destroy (moved);
  cairo_surface_destroy (scan);
}

/* Without the issuer key the signature is not checked, but the rest is. */
static void
test_no_key (Fixture       *fx,
             gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  g_autoptr(GBytes) png = surface_png (scan);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceCheck) check = ci_face_optical_check (fx->tmpl, CI_FACE_FRONT, fx->expected,
                                                        png, NULL, NULL, &error);

  g_assert_no_error (error);
  assert_pass (check);
  g_assert_cmpuint (check->binding.chip_digest[0], ==, 0x30);
  cairo_surface_destroy (scan);
}

/* CRC-32 (ISO-HDLC), as PNG chunks need. */
static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
    }
  return ~crc;
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           guint32       len)
{
  guint32 be_len = GUINT32_TO_BE (len), be_crc;
  g_autoptr(GByteArray) body = g_byte_array_new ();

  g_byte_array_append (body, (const guint8 *) type, 4);
  g_byte_array_append (body, data, len);
  be_crc = GUINT32_TO_BE (crc32_of (body->data, body->len));
  g_byte_array_append (png, (const guint8 *) &be_len, 4);
  g_byte_array_append (png, body->data, body->len);
  g_byte_array_append (png, (const guint8 *) &be_crc, 4);
}

/* A PNG that says it is 8000 × 6000 pixels: refused before it is decoded. */
static GBytes *
huge_png (void)
{
  static const guint8 ihdr[13] = { 0, 0, 0x1F, 0x40, 0, 0, 0x17, 0x70, 8, 2, 0, 0, 0 };
  static const guint8 idat[] = { 0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01 };
  GByteArray *png = g_byte_array_new ();

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  png_chunk (png, "IDAT", idat, sizeof idat);
  png_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

static void
assert_refused (Fixture *fx,
                GBytes  *scan,
                int      code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceCheck) check = ci_face_optical_check (fx->tmpl, CI_FACE_FRONT, fx->expected,
                                                        scan, SERIAL, fx->public_der, &error);

  g_assert_null (check);
  g_assert_error (error, CI_FACE_OPTICAL_ERROR, code);
  g_test_message ("refused: %s", error->message);
}

static void
test_bad_input (Fixture       *fx,
                gconstpointer  unused)
{
  guint8 noise[4096];
  g_autoptr(GBytes) garbage = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) huge = huge_png ();
  g_autoptr(GBytes) fake_jpeg = g_bytes_new_static ("\xFF\xD8\xFF\xE0 not really", 15);
  g_autoptr(GBytes) heavy = NULL;
  guint8 *heavy_data = g_malloc0 (50 * 1000 * 1000 + 1);
  GRand *rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_rand_int_range (rand, 0, 256);
  garbage = g_bytes_new (noise, sizeof noise);
  assert_refused (fx, garbage, CI_FACE_OPTICAL_ERROR_NOT_IMAGE);
  assert_refused (fx, empty, CI_FACE_OPTICAL_ERROR_NOT_IMAGE);
  assert_refused (fx, fake_jpeg, CI_FACE_OPTICAL_ERROR_NOT_IMAGE);
  assert_refused (fx, huge, CI_FACE_OPTICAL_ERROR_TOO_BIG);
  memcpy (heavy_data, "\x89PNG\r\n\x1a\n", 8);
  heavy = g_bytes_new_take (heavy_data, 50 * 1000 * 1000 + 1);
  assert_refused (fx, heavy, CI_FACE_OPTICAL_ERROR_TOO_BIG);
  g_rand_free (rand);
}

/* Half a PNG decodes, its lower part blank: no QR code then. */
static void
test_truncated (Fixture       *fx,
                gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  g_autoptr(GBytes) png = surface_png (scan);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (png, 0, g_bytes_get_size (png) / 2);
  g_autoptr(CiFaceCheck) check = check_bytes (fx, truncated, "truncated");

  assert_only (check, "qr");
  cairo_surface_destroy (scan);
}

/* A white sheet: readable, but no QR code on it. */
static void
test_blank_scan (Fixture       *fx,
                 gconstpointer  unused)
{
  cairo_surface_t *blank = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 200);
  cairo_t *cr = cairo_create (blank);
  g_autoptr(CiFaceCheck) check = NULL;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  check = check_surface (fx, blank, "blank");
  assert_only (check, "qr");
  cairo_surface_destroy (blank);
}

static void
test_no_qr_element (Fixture       *fx,
                    gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  g_autoptr(GBytes) png = surface_png (scan);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceCheck) check = ci_face_optical_check (fx->tmpl, CI_FACE_BACK, fx->expected,
                                                        png, SERIAL, NULL, &error);

  g_assert_null (check);
  g_assert_error (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_TEMPLATE);
  cairo_surface_destroy (scan);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CiFaceCheck **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = ci_face_optical_check_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *fx,
            gconstpointer  unused)
{
  cairo_surface_t *scan = scan_surface (fx, fx->expected);
  g_autoptr(GBytes) png = surface_png (scan);
  g_autoptr(CiFaceCheck) check = NULL;

  ci_face_optical_check_async (fx->tmpl, CI_FACE_FRONT, fx->expected, png, SERIAL,
                               fx->public_der, NULL, on_checked, &check);
  while (check == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_pass (check);
  cairo_surface_destroy (scan);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* "core" goes through every part of the check; valgrind runs only that
   * (tests/meson.build). "more" are the variations. */
#define ADD(path, func) \
  g_test_add ("/face-optical/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("core/clean", test_clean);
  ADD ("core/other-photo", test_other_photo);
  ADD ("more/lookalike-photo", test_lookalike_photo);
  ADD ("more/other-name", test_other_name);
  ADD ("more/other-serial", test_other_serial);
  ADD ("more/printed-serial", test_printed_serial);
  ADD ("more/forged", test_forged);
  ADD ("more/other-chip", test_other_chip);
  ADD ("core/smudged-qr", test_smudged_qr);
  ADD ("more/turned-and-scaled", test_turned_and_scaled);
  ADD ("more/uneven-light", test_uneven_light);
  ADD ("more/laser", test_laser);
  ADD ("more/turned-other-name", test_turned_other_name);
  ADD ("core/jpeg", test_jpeg);
  ADD ("more/no-key", test_no_key);
  ADD ("core/bad-input", test_bad_input);
  ADD ("core/truncated", test_truncated);
  ADD ("more/blank-scan", test_blank_scan);
  ADD ("more/no-qr-element", test_no_qr_element);
  ADD ("core/async", test_async);
#undef ADD
  status = g_test_run ();

  /* Pango's font map and cairo's font caches live until exit; dropped here
   * so that valgrind shows what the check leaks and not what they keep. */
  ci_face_release_caches ();
  return status;
}
