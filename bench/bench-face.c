/* bench-face.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints, for a colour badge and a laser badge (photo, logo, six text fields,
 * QR code): the time to render front and back at 600 dpi onto image surfaces,
 * the same plus PNG encoding and writing (ci_face_export_png), and the PDF
 * export of both sides; each the median of 20 runs. Target: under 100 ms for
 * both sides at 600 dpi. The templates are built here so the figures do not
 * depend on the template loader.
 */

#include "face/ci-face-render.h"

#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <stdlib.h>

#define RUNS 20
#define DPI  600.0

static const char logo_svg[] =
  "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='24' viewBox='0 0 64 24'>"
  "<rect x='1' y='1' width='22' height='22' rx='5' fill='#F2B705'/>"
  "<path d='M6 18 L12 6 L18 18 Z' fill='#1F3A68'/>"
  "<rect x='28' y='5' width='34' height='4' rx='2' fill='#FFFFFF'/></svg>";

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
add (GPtrArray         *side,
     CiFaceElementKind  kind,
     double             x,
     double             y,
     double             width,
     double             height,
     const char        *what)
{
  CiFaceElement *element = g_new0 (CiFaceElement, 1);

  *element = (CiFaceElement) {
    .kind = kind, .line = side->len + 1, .box = { x, y, width, height }, .colour = 0x000000FF,
    .size_pt = 10, .min_size_pt = 6, .weight = 400, .ecc = CI_FACE_QR_ECC_M,
    .font = g_strdup ("DejaVu Sans"),
  };
  if (what != NULL && ci_face_field_is_known (what))
    element->field = g_strdup (what);
  else if (what != NULL)
    element->text = g_strdup (what);
  g_ptr_array_add (side, element);
  return element;
}

static CiFaceTemplate *
make_template (CiFaceMode  mode,
               const char *logo)
{
  CiFaceTemplate *tmpl = g_new0 (CiFaceTemplate, 1);
  CiFaceElement *e;

  tmpl->mode = mode;
  tmpl->name = g_strdup ("Bench badge");
  tmpl->background[0] = tmpl->background[1] = 0xFFFFFFFF;
  tmpl->front = g_ptr_array_new_with_free_func (element_free);
  tmpl->back = g_ptr_array_new_with_free_func (element_free);
  add (tmpl->front, CI_FACE_ELEMENT_RECT, 0, 0, CI_FACE_CARD_WIDTH_MM, 11, NULL)->colour =
    mode == CI_FACE_LASER ? 0x000000FF : 0x1F3A68FF;
  add (tmpl->front, CI_FACE_ELEMENT_IMAGE, 4, 2.5, 16, 6, NULL)->path = g_strdup (logo);
  e = add (tmpl->front, CI_FACE_ELEMENT_TEXT, 22, 2.5, 59.6, 6, "ACME Research");
  e->colour = 0xFFFFFFFF, e->align = CI_FACE_ALIGN_END, e->weight = 700;
  add (tmpl->front, CI_FACE_ELEMENT_PHOTO, 4, 14, 24, 30.5, NULL);
  add (tmpl->front, CI_FACE_ELEMENT_TEXT, 31, 14, 50.6, 6.5, "employee.given_name")->size_pt = 15;
  add (tmpl->front, CI_FACE_ELEMENT_TEXT, 31, 20.5, 50.6, 6.5, "employee.family_name")->size_pt = 15;
  add (tmpl->front, CI_FACE_ELEMENT_TEXT, 31, 28, 50.6, 4.5, "employee.department");
  add (tmpl->front, CI_FACE_ELEMENT_TEXT, 31, 32.5, 50.6, 4.5, "employee.job_title");
  add (tmpl->front, CI_FACE_ELEMENT_TEXT, 31, 38, 50.6, 4, "card.expiry");
  add (tmpl->front, CI_FACE_ELEMENT_RECT, 0, 46.5, CI_FACE_CARD_WIDTH_MM, 7.48, NULL)->field =
    g_strdup ("zone.colour");
  add (tmpl->back, CI_FACE_ELEMENT_TEXT, 4, 4, 77.6, 5,
       "If found, please return to ACME Research, Reception, 1 Example Road.");
  add (tmpl->back, CI_FACE_ELEMENT_QR, 56, 20, 26, 26, NULL);
  add (tmpl->back, CI_FACE_ELEMENT_TEXT, 4, 26, 48, 5, "employee.number");
  add (tmpl->back, CI_FACE_ELEMENT_TEXT, 4, 37, 48, 5, "card.serial");
  return tmpl;
}

static void
free_template (CiFaceTemplate *tmpl)
{
  g_free (tmpl->name);
  g_ptr_array_unref (tmpl->front);
  g_ptr_array_unref (tmpl->back);
  g_free (tmpl);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A 600 × 800 JPEG, the size a badge photo usually comes at. */
static GBytes *
make_photo (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 800);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *ground = cairo_pattern_create_linear (0, 0, 0, 800);
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  char *jpeg = NULL;
  gsize len = 0;

  cairo_pattern_add_color_stop_rgb (ground, 0, 0.8, 0.86, 0.92);
  cairo_pattern_add_color_stop_rgb (ground, 1, 0.5, 0.6, 0.7);
  cairo_set_source (cr, ground);
  cairo_paint (cr);
  cairo_translate (cr, 300, 330);
  cairo_scale (cr, 130, 170);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 0.93, 0.76, 0.62);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_pattern_destroy (ground);
  cairo_surface_write_to_png_stream (surface, append_bytes, png);
  cairo_surface_destroy (surface);
  g_assert (gdk_pixbuf_loader_write (loader, png->data, png->len, NULL));
  g_assert (gdk_pixbuf_loader_close (loader, NULL));
  g_assert (gdk_pixbuf_save_to_buffer (gdk_pixbuf_loader_get_pixbuf (loader), &jpeg, &len, "jpeg",
                                       NULL, "quality", "90", NULL));
  return g_bytes_new_take (jpeg, len);
}

static CiFaceData *
make_data (void)
{
  CiFaceData *data = ci_face_data_new ();
  g_autoptr(GBytes) photo = make_photo ();

  ci_face_data_set (data, "employee.given_name", "Zoë");
  ci_face_data_set (data, "employee.family_name", "Ångström-Ñúñez");
  ci_face_data_set (data, "employee.department", "Research & Development");
  ci_face_data_set (data, "employee.job_title", "Senior Engineer");
  ci_face_data_set (data, "employee.number", "E0001234");
  ci_face_data_set (data, "card.serial", "0000000042");
  ci_face_data_set (data, "card.expiry", "2028-12-31");
  ci_face_data_set_zone_colour (data, 0xB03A2EFF);
  ci_face_data_set_photo (data, photo, &(CiFaceBox) { 0.28, 0.2, 0.44, 0.43 });
  ci_face_data_set_qr_payload (data, "CI1.0000000042.TEST");
  return data;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median_ms (double *times)
{
  qsort (times, RUNS, sizeof (double), compare_double);
  return (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2 * 1000;
}

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
render_only (const CiFaceTemplate *tmpl,
             const CiFaceData     *data)
{
  int width = (int) lround (CI_FACE_CARD_WIDTH_MM / 25.4 * DPI);
  int height = (int) lround (CI_FACE_CARD_HEIGHT_MM / 25.4 * DPI);

  for (CiFaceSide side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cairo_t *cr = cairo_create (surface);

      g_assert (ci_face_render (tmpl, side, data, cr, DPI / 25.4, NULL, NULL));
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

static void
bench (const char           *title,
       const CiFaceTemplate *tmpl,
       const CiFaceData     *data,
       const char           *dir)
{
  g_autofree char *png = g_build_filename (dir, "face.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "face.pdf", NULL);
  double render[RUNS], encode[RUNS], export_pdf[RUNS];

  render_only (tmpl, data);  /* warm the font caches */
  for (guint i = 0; i < RUNS; i++)
    {
      double t0 = now_s (), t1, t2;

      render_only (tmpl, data);
      t1 = now_s ();
      g_assert (ci_face_export_png (tmpl, CI_FACE_FRONT, data, DPI, png, NULL, NULL));
      g_assert (ci_face_export_png (tmpl, CI_FACE_BACK, data, DPI, png, NULL, NULL));
      t2 = now_s ();
      g_assert (ci_face_export_pdf (tmpl, data, pdf, NULL, NULL));
      render[i] = t1 - t0, encode[i] = t2 - t1, export_pdf[i] = now_s () - t2;
    }
  g_print ("%s, front + back at 600 dpi (median of %u):\n", title, RUNS);
  g_print ("  render only               %6.1f ms\n", median_ms (render));
  g_print ("  render + PNG (written)    %6.1f ms\n", median_ms (encode));
  g_print ("  PDF export, both pages    %6.1f ms\n", median_ms (export_pdf));
  g_unlink (png);
  g_unlink (pdf);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-face-XXXXXX", &error);
  g_autofree char *logo = NULL;
  g_autoptr(CiFaceData) data = NULL;
  CiFaceTemplate *colour, *laser;

  g_assert_no_error (error);
  logo = g_build_filename (dir, "logo.svg", NULL);
  g_assert (g_file_set_contents (logo, logo_svg, -1, NULL));
  data = make_data ();
  colour = make_template (CI_FACE_COLOUR, logo);
  laser = make_template (CI_FACE_LASER, logo);
  bench ("Colour badge", colour, data, dir);
  bench ("Laser badge", laser, data, dir);
  free_template (colour);
  free_template (laser);
  g_unlink (logo);
  g_rmdir (dir);
  return 0;
}
