/* test-face-render.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card face renderer and its exports. The templates are built here, not
 * loaded, so these tests do not depend on the template loader.
 *
 * Golden images (tests/golden/face-*.png, 150 dpi) are compared with a
 * tolerance: a pixel differs when a channel is off by more than
 * GOLDEN_TOLERANCE, and at most GOLDEN_MAX_DIFFERENT of them may. After an
 * intended change to the renderer, regenerate them, then look at them before
 * committing them:
 *
 *   CI_UPDATE_GOLDEN=1 meson test -C BUILD face-render
 *
 * That also draws the synthetic test photo tests/data/face-photo.png if it
 * is missing (it is made once and kept, so the goldens do not move with it).
 */

#include "face/ci-face-render-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gstdio.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <string.h>

#define DATA_DIR   CI_SOURCE_DIR "/tests/data"
#define GOLDEN_DIR CI_SOURCE_DIR "/tests/golden"

#define GOLDEN_DPI            150.0
#define GOLDEN_TOLERANCE      40
#define GOLDEN_MAX_DIFFERENT  0.003

#define QR_PAYLOAD "CI1.0000000042.TEST"
#define WHITE      0xFFFFFFFF
#define BLACK      0x000000FF

/* Templates ----------------------------------------------------------------------------------- */

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

static CiFaceTemplate *
template_new (CiFaceMode mode)
{
  CiFaceTemplate *tmpl = g_new0 (CiFaceTemplate, 1);

  tmpl->id = g_strdup ("test");
  tmpl->name = g_strdup ("Test badge");
  tmpl->mode = mode;
  tmpl->margin_mm = 3.0;
  tmpl->background[CI_FACE_FRONT] = WHITE;
  tmpl->background[CI_FACE_BACK] = WHITE;
  tmpl->front = g_ptr_array_new_with_free_func (element_free);
  tmpl->back = g_ptr_array_new_with_free_func (element_free);
  return tmpl;
}

static void
template_free (CiFaceTemplate *tmpl)
{
  g_free (tmpl->id);
  g_free (tmpl->name);
  g_ptr_array_unref (tmpl->front);
  g_ptr_array_unref (tmpl->back);
  g_free (tmpl);
}

static CiFaceElement *
add_element (GPtrArray         *side,
             CiFaceElementKind  kind,
             guint              line,
             double             x,
             double             y,
             double             width,
             double             height)
{
  CiFaceElement *element = g_new0 (CiFaceElement, 1);

  element->kind = kind;
  element->line = line;
  element->box = (CiFaceBox) { x, y, width, height };
  element->colour = BLACK;
  element->size_pt = 10;
  element->min_size_pt = 6;
  element->weight = 400;
  element->ecc = CI_FACE_QR_ECC_M;
  element->crop = CI_FACE_CROP_FACE;
  g_ptr_array_add (side, element);
  return element;
}

/* A text element: @what is a field name ("employee.…") or fixed text. */
static CiFaceElement *
add_text (GPtrArray  *side,
          guint       line,
          double      x,
          double      y,
          double      width,
          double      height,
          const char *what,
          double      size_pt,
          double      min_size_pt)
{
  CiFaceElement *element = add_element (side, CI_FACE_ELEMENT_TEXT, line, x, y, width, height);

  if (ci_face_field_is_known (what))
    element->field = g_strdup (what);
  else
    element->text = g_strdup (what);
  element->font = g_strdup ("DejaVu Sans");
  element->size_pt = size_pt;
  element->min_size_pt = min_size_pt;
  return element;
}

/* The kind of badge the shipped templates make: a band with the logo, the
 * photo, the name, department and title, the expiry date, the zone band; the
 * return address and the QR code on the back. */
static CiFaceTemplate *
badge_template (CiFaceMode mode)
{
  gboolean laser = mode == CI_FACE_LASER;
  CiFaceTemplate *tmpl = template_new (mode);
  GPtrArray *f = tmpl->front, *b = tmpl->back;
  CiFaceElement *e;

  e = add_element (f, CI_FACE_ELEMENT_RECT, 2, 0, 0, CI_FACE_CARD_WIDTH_MM, 11);
  e->colour = laser ? BLACK : 0x1F3A68FF;
  e = add_element (f, CI_FACE_ELEMENT_IMAGE, 3, 4, 2.5, 16, 6);
  e->path = g_strdup (DATA_DIR "/logo.svg");
  e = add_text (f, 4, 22, 2.5, 59.6, 6, "ACME Research", 11, 8);
  e->weight = 700, e->colour = WHITE, e->align = CI_FACE_ALIGN_END;
  e = add_element (f, CI_FACE_ELEMENT_PHOTO, 5, 4, 14, 24, 30.5);
  e = add_text (f, 6, 31, 14, 50.6, 6.5, "employee.given_name", 15, 8);
  e->weight = 700;
  e = add_text (f, 7, 31, 20.5, 50.6, 6.5, "employee.family_name", 15, 8);
  e->weight = 700;
  e = add_text (f, 8, 31, 28, 50.6, 4.5, "employee.department", 9, 6);
  e->colour = 0x333333FF;
  e = add_text (f, 9, 31, 32.5, 50.6, 4.5, "employee.job_title", 9, 6);
  e->colour = 0x333333FF;
  add_text (f, 10, 31, 38, 20, 4, "Valid until", 7, 6);
  e = add_text (f, 11, 52, 38, 29.6, 4, "card.expiry", 8, 6);
  e->weight = 700;
  e = add_text (f, 12, 31, 42, 50.6, 3.8, "card.serial", 7, 5);
  g_free (e->font), e->font = g_strdup ("DejaVu Sans Mono");
  e = add_element (f, CI_FACE_ELEMENT_RECT, 13, 0, 46.5, CI_FACE_CARD_WIDTH_MM, 7.48);
  e->field = g_strdup ("zone.colour");
  e = add_text (f, 14, 4, 47.5, 77.6, 5, "zone.level", 9, 6);
  e->weight = 700, e->colour = WHITE, e->align = CI_FACE_ALIGN_CENTRE;

  add_text (b, 20, 4, 4, 77.6, 5,
            "If found, please return to ACME Research, Reception, 1 Example Road.", 8, 6);
  e = add_text (b, 21, 4, 9, 77.6, 4, "This card remains the property of ACME Research.", 7, 6);
  e->colour = 0x555555FF;
  e = add_element (b, CI_FACE_ELEMENT_QR, 22, 56, 20, 26, 26);
  add_text (b, 23, 4, 22, 40, 4, "Employee", 7, 6);
  add_text (b, 24, 4, 26, 48, 5, "employee.number", 10, 7);
  add_text (b, 25, 4, 33, 40, 4, "Card", 7, 6);
  e = add_text (b, 26, 4, 37, 48, 5, "card.serial", 10, 7);
  g_free (e->font), e->font = g_strdup ("DejaVu Sans Mono");
  add_text (b, 27, 4, 44, 20, 4, "Issued", 7, 6);
  add_text (b, 28, 18, 44, 30, 4, "card.issued", 8, 6);
  return tmpl;
}

/* Test photo ---------------------------------------------------------------------------------- */

/* The face region of face-photo.png, in fractions of its 240 × 320 pixels. */
static const CiFaceBox photo_face = { 66 / 240.0, 62 / 320.0, 108 / 240.0, 136 / 320.0 };

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

static void
draw_test_face (cairo_t *cr)
{
  cairo_pattern_t *ground = cairo_pattern_create_linear (0, 0, 0, 320);
  cairo_pattern_t *skin = cairo_pattern_create_radial (110, 115, 10, 120, 130, 80);

  cairo_pattern_add_color_stop_rgb (ground, 0, 0.80, 0.86, 0.92);
  cairo_pattern_add_color_stop_rgb (ground, 1, 0.55, 0.63, 0.74);
  cairo_set_source (cr, ground);
  cairo_paint (cr);
  /* shoulders, collar, neck */
  cairo_move_to (cr, 10, 320);
  cairo_curve_to (cr, 20, 262, 70, 240, 120, 240);
  cairo_curve_to (cr, 170, 240, 220, 262, 230, 320);
  cairo_set_source_rgb (cr, 0.12, 0.16, 0.27);
  cairo_fill (cr);
  cairo_move_to (cr, 92, 240), cairo_line_to (cr, 120, 290), cairo_line_to (cr, 148, 240);
  cairo_set_source_rgb (cr, 0.97, 0.97, 0.97);
  cairo_fill (cr);
  cairo_rectangle (cr, 101, 180, 38, 68);
  cairo_set_source_rgb (cr, 0.84, 0.66, 0.53);
  cairo_fill (cr);
  /* ears, face, hair */
  ellipse (cr, 67, 135, 9, 16), ellipse (cr, 173, 135, 9, 16);
  cairo_set_source_rgb (cr, 0.88, 0.70, 0.57);
  cairo_fill (cr);
  cairo_pattern_add_color_stop_rgb (skin, 0, 0.98, 0.84, 0.72);
  cairo_pattern_add_color_stop_rgb (skin, 1, 0.82, 0.63, 0.50);
  ellipse (cr, 120, 130, 53, 67);
  cairo_set_source (cr, skin);
  cairo_fill (cr);
  cairo_move_to (cr, 64, 122);
  cairo_curve_to (cr, 58, 40, 182, 40, 176, 122);
  cairo_curve_to (cr, 160, 88, 90, 80, 64, 122);
  cairo_set_source_rgb (cr, 0.25, 0.16, 0.10);
  cairo_fill (cr);
  /* eyes, brows, nose, mouth */
  ellipse (cr, 99, 128, 10, 6), ellipse (cr, 141, 128, 10, 6);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  ellipse (cr, 99, 128, 4.5, 4.5), ellipse (cr, 141, 128, 4.5, 4.5);
  cairo_set_source_rgb (cr, 0.20, 0.28, 0.38);
  cairo_fill (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 4);
  cairo_move_to (cr, 86, 114), cairo_line_to (cr, 111, 112);
  cairo_move_to (cr, 129, 112), cairo_line_to (cr, 154, 114);
  cairo_set_source_rgb (cr, 0.25, 0.16, 0.10);
  cairo_stroke (cr);
  cairo_set_line_width (cr, 3);
  cairo_move_to (cr, 120, 135), cairo_line_to (cr, 114, 158), cairo_line_to (cr, 124, 160);
  cairo_set_source_rgb (cr, 0.70, 0.50, 0.40);
  cairo_stroke (cr);
  cairo_arc (cr, 120, 160, 18, 0.2 * G_PI, 0.8 * G_PI);
  cairo_set_source_rgb (cr, 0.65, 0.28, 0.28);
  cairo_stroke (cr);
  cairo_pattern_destroy (ground);
  cairo_pattern_destroy (skin);
}

static void
make_test_photo (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 240, 320);
  cairo_t *cr = cairo_create (surface);

  draw_test_face (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("wrote %s", path);
}

static GBytes *
test_photo (void)
{
  const char *path = DATA_DIR "/face-photo.png";
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (g_getenv ("CI_UPDATE_GOLDEN") != NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    make_test_photo (path);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static CiFaceData *
badge_data (void)
{
  CiFaceData *data = ci_face_data_new ();
  g_autoptr(GBytes) photo = test_photo ();

  ci_face_data_set (data, "employee.given_name", "Zoë");
  ci_face_data_set (data, "employee.family_name", "Ångström-Ñúñez");
  ci_face_data_set (data, "employee.department", "Research & Development");
  ci_face_data_set (data, "employee.job_title", "Senior Engineer");
  ci_face_data_set (data, "employee.number", "E0001234");
  ci_face_data_set (data, "card.serial", "0000000042");
  ci_face_data_set (data, "card.expiry", "2028-12-31");
  ci_face_data_set (data, "card.issued", "2026-01-15");
  ci_face_data_set (data, "zone.level", "Level 3 — Laboratories");
  ci_face_data_set_zone_colour (data, 0xB03A2EFF);
  ci_face_data_set_photo (data, photo, &photo_face);
  ci_face_data_set_qr_payload (data, QR_PAYLOAD);
  return data;
}

/* Fixture ------------------------------------------------------------------------------------- */

typedef struct
{
  char           *dir;
  CiFaceTemplate *tmpl;
  CiFaceData     *data;
  GPtrArray      *problems;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  mode)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-face-render-XXXXXX", &error);
  g_assert_no_error (error);
  f->tmpl = badge_template (GPOINTER_TO_INT (mode));
  f->data = badge_data ();
  f->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_face_problem_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  mode)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
  template_free (f->tmpl);
  ci_face_data_unref (f->data);
  g_ptr_array_unref (f->problems);
}

static char *
fixture_path (Fixture    *f,
              const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
assert_no_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      CiFaceProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("line %u: %s", problem->line, problem->message);
    }
  g_assert_cmpuint (problems->len, ==, 0);
}

static const CiFaceProblem *
find_problem (GPtrArray  *problems,
              const char *field)
{
  for (guint i = 0; i < problems->len; i++)
    {
      CiFaceProblem *problem = g_ptr_array_index (problems, i);

      if (g_strcmp0 (problem->field, field) == 0)
        return problem;
    }
  return NULL;
}

/* Pixels -------------------------------------------------------------------------------------- */

/* One side onto a white image surface at @dpi. */
static cairo_surface_t *
render_side (const CiFaceTemplate *tmpl,
             CiFaceSide            side,
             const CiFaceData     *data,
             double                dpi,
             GPtrArray            *problems)
{
  int width = (int) lround (CI_FACE_CARD_WIDTH_MM / 25.4 * dpi);
  int height = (int) lround (CI_FACE_CARD_HEIGHT_MM / 25.4 * dpi);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GError) error = NULL;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (ci_face_render (tmpl, side, data, cr, dpi / 25.4, problems, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guint8 *row = cairo_image_surface_get_data (surface)
                      + (gsize) y * cairo_image_surface_get_stride (surface);
  guint32 value = ((const guint32 *) (const void *) row)[x];

  return cairo_image_surface_get_format (surface) == CAIRO_FORMAT_RGB24 ? value | 0xFF000000
                                                                       : value;
}

typedef struct
{
  int x0, y0, x1, y1;  /* pixels, x1 and y1 excluded */
} PixelRect;

/* The pixels wholly inside @box, or (@outer) every pixel @box touches. */
static PixelRect
pixel_rect (const CiFaceBox *box,
            double           dpi,
            gboolean         outer)
{
  double s = dpi / 25.4;

  if (outer)
    return (PixelRect) { (int) floor (box->x * s), (int) floor (box->y * s),
                         (int) ceil ((box->x + box->width) * s),
                         (int) ceil ((box->y + box->height) * s) };
  return (PixelRect) { (int) ceil (box->x * s), (int) ceil (box->y * s),
                       (int) floor ((box->x + box->width) * s),
                       (int) floor ((box->y + box->height) * s) };
}

static guint
count_pixels (cairo_surface_t *surface,
              PixelRect        r,
              guint32          value)
{
  guint n = 0;

  for (int y = r.y0; y < r.y1; y++)
    for (int x = r.x0; x < r.x1; x++)
      n += pixel (surface, x, y) == value;
  return n;
}

/* The columns of @r holding a pixel that is not white: *left, *right. */
static gboolean
ink_columns (cairo_surface_t *surface,
             PixelRect        r,
             int             *left,
             int             *right)
{
  *left = G_MAXINT, *right = -1;
  for (int y = r.y0; y < r.y1; y++)
    for (int x = r.x0; x < r.x1; x++)
      if (pixel (surface, x, y) != 0xFFFFFFFF)
        *left = MIN (*left, x), *right = MAX (*right, x);
  return *right >= 0;
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

/* Width, height, bit depth and colour type from the PNG's IHDR. */
static void
png_header (const char *path,
            guint      *width,
            guint      *height,
            guint      *depth,
            guint      *colour_type)
{
  g_autofree guint8 *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, (char **) &contents, &len, NULL));
  g_assert_cmpuint (len, >, 26);
  g_assert_cmpmem (contents + 12, 4, "IHDR", 4);
  *width = GUINT32_FROM_BE (*(guint32 *) (void *) (contents + 16));
  *height = GUINT32_FROM_BE (*(guint32 *) (void *) (contents + 20));
  *depth = contents[24];
  *colour_type = contents[25];
}

static void
export_png (Fixture    *f,
            CiFaceSide  side,
            double      dpi,
            const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_face_export_png (f->tmpl, side, f->data, dpi, path, f->problems, &error));
  g_assert_no_error (error);
}

/* Golden images ------------------------------------------------------------------------------- */

static void
assert_golden (const char *path,
               const char *name)
{
  g_autofree char *golden_path = g_build_filename (GOLDEN_DIR, name, NULL);
  cairo_surface_t *actual, *golden;
  int width, height;
  guint different = 0;

  if (g_getenv ("CI_UPDATE_GOLDEN") != NULL)
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (golden_path, contents, len, NULL));
      g_test_message ("wrote %s: look at it before committing it", golden_path);
      return;
    }
  actual = load_png (path);
  golden = load_png (golden_path);
  width = cairo_image_surface_get_width (golden);
  height = cairo_image_surface_get_height (golden);
  g_assert_cmpint (cairo_image_surface_get_format (actual), ==,
                   cairo_image_surface_get_format (golden));
  g_assert_cmpint (cairo_image_surface_get_width (actual), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (actual), ==, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 a = pixel (actual, x, y), b = pixel (golden, x, y);

        for (int shift = 0; shift < 32; shift += 8)
          if (ABS ((int) ((a >> shift) & 0xFF) - (int) ((b >> shift) & 0xFF)) > GOLDEN_TOLERANCE)
            {
              different++;
              break;
            }
      }
  g_test_message ("%s: %u of %d pixels differ", name, different, width * height);
  if (different > GOLDEN_MAX_DIFFERENT * width * height)
    {
      g_autofree char *kept = g_build_filename (g_get_tmp_dir (), name, NULL);

      cairo_surface_write_to_png (actual, kept);
      g_test_message ("the render is kept as %s", kept);
    }
  g_assert_cmpfloat (different, <=, GOLDEN_MAX_DIFFERENT * width * height);
  cairo_surface_destroy (actual);
  cairo_surface_destroy (golden);
}

static void
test_golden_badge (Fixture       *f,
                   gconstpointer  mode)
{
  gboolean laser = GPOINTER_TO_INT (mode) == CI_FACE_LASER;
  const char *names[2][2] = { { "face-colour-front.png", "face-colour-back.png" },
                              { "face-laser-front.png", "face-laser-back.png" } };

  for (CiFaceSide side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
    {
      g_autofree char *path = fixture_path (f, names[laser][side]);

      export_png (f, side, GOLDEN_DPI, path);
      assert_golden (path, names[laser][side]);
    }
  assert_no_problems (f->problems);
}

/* The shipped templates (data/templates), both sides, and the colour badge's front with a
 * name in each script: what a desk prints with no template of its own. */
static void
test_golden_shipped (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const ids[] = { "colour-badge", "laser-badge" };
  static const char * const sides[] = { "front", "back" };

  ci_face_data_set (f->data, "employee.full_name", "Zoë Ångström-Ñúñez");
  for (guint t = 0; t < G_N_ELEMENTS (ids); t++)
    {
      g_autofree char *file = g_strconcat (CI_SOURCE_DIR "/data/templates/", ids[t],
                                           ".cardface", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CiFaceTemplate) tmpl = ci_face_template_load (file, &error);

      g_assert_no_error (error);
      for (CiFaceSide side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
        {
          g_autofree char *name = g_strdup_printf ("shipped-%s-%s.png", ids[t], sides[side]);
          g_autofree char *path = fixture_path (f, name);

          g_assert_true (ci_face_export_png (tmpl, side, f->data, GOLDEN_DPI, path, f->problems,
                                             &error));
          g_assert_no_error (error);
          assert_golden (path, name);
        }
    }
  assert_no_problems (f->problems);
}

static const char * const script_tags[] = { "latin", "cyrillic", "greek", "han", "arabic",
                                            "hebrew" };

/* Names in each script ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  gboolean    rtl;
} ScriptName;

static const ScriptName script_names[] = {
  { "Zoë Ångström-Ñúñez", FALSE },
  { "Дмитрий Шостакович", FALSE },
  { "Αλέξανδρος Παπαδόπουλος", FALSE },
  { "王小明", FALSE },
  { "محمد عبد الله", TRUE },
  { "דוד בן-גוריון", TRUE },
};

static CiFaceTemplate *
names_template (void)
{
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);

  for (guint i = 0; i < G_N_ELEMENTS (script_names); i++)
    add_text (tmpl->front, 1 + i, 5, 4 + i * 7.5, 75.6, 7, script_names[i].name, 12, 8);
  return tmpl;
}

/* Every name is set without a missing glyph, and starts at the box's start:
 * the left edge in Latin, Cyrillic, Greek and Han, the right in Arabic and
 * Hebrew. */
static void
test_scripts_layout (void)
{
  const double dpi = 300;
  CiFaceTemplate *tmpl = names_template ();
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  cairo_surface_t *surface = render_side (tmpl, CI_FACE_FRONT, data, dpi, NULL);
  cairo_t *cr = cairo_create (surface);
  CiFaceRenderCtx ctx;

  _ci_face_render_ctx_init (&ctx, tmpl, CI_FACE_FRONT, data, cr, dpi / 25.4, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (script_names); i++)
    {
      const CiFaceElement *element = g_ptr_array_index (tmpl->front, i);
      g_autoptr(PangoLayout) layout = _ci_face_text_fit (&ctx, element, element->text, NULL);
      PixelRect box = pixel_rect (&element->box, dpi, FALSE);
      double mm = dpi / 25.4;
      int left, right;

      g_test_message ("%s", element->text);
      g_assert_cmpint (pango_layout_get_unknown_glyphs_count (layout), ==, 0);
      g_assert_false (pango_layout_is_ellipsized (layout));
      g_assert_true (ink_columns (surface, box, &left, &right));
      if (script_names[i].rtl)
        {
          g_assert_cmpint (right, >=, box.x1 - 1.0 * mm);
          g_assert_cmpint (left, >, box.x0 + 10 * mm);
        }
      else
        {
          g_assert_cmpint (left, <=, box.x0 + 1.0 * mm);
          g_assert_cmpint (right, <, box.x1 - 10 * mm);
        }
    }
  _ci_face_render_ctx_clear (&ctx);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  template_free (tmpl);
}

static void
test_golden_scripts (Fixture       *f,
                     gconstpointer  mode)
{
  g_autofree char *path = fixture_path (f, "face-scripts.png");
  g_autoptr(GError) error = NULL;

  template_free (f->tmpl);
  f->tmpl = names_template ();
  g_assert_true (ci_face_export_png (f->tmpl, CI_FACE_FRONT, f->data, GOLDEN_DPI, path,
                                     f->problems, &error));
  g_assert_no_error (error);
  assert_no_problems (f->problems);
  assert_golden (path, "face-scripts.png");
}

/* Text fitting -------------------------------------------------------------------------------- */

static void
fit (const CiFaceTemplate *tmpl,
     const char           *text,
     double               *size,
     gboolean             *ellipsized,
     double               *width_mm)
{
  const CiFaceElement *element = g_ptr_array_index (tmpl->front, 0);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  CiFaceRenderCtx ctx;

  _ci_face_render_ctx_init (&ctx, tmpl, CI_FACE_FRONT, data, cr, 300 / 25.4, NULL);
  layout = _ci_face_text_fit (&ctx, element, text, size);
  *ellipsized = pango_layout_is_ellipsized (layout);
  pango_layout_get_extents (layout, NULL, &logical);
  *width_mm = pango_units_to_double (logical.width);
  _ci_face_render_ctx_clear (&ctx);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static char *
long_name (gsize chars)
{
  GString *name = g_string_new (NULL);

  while (name->len < chars)
    g_string_append (name, "Maximiliane ");
  g_string_truncate (name, chars);
  return g_string_free (name, FALSE);
}

static void
test_text_shrinks_then_ellipsizes (void)
{
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  g_autofree char *huge = long_name (500);
  gboolean ellipsized;
  double size, width;

  add_text (tmpl->front, 1, 10, 10, 45, 6, "employee.full_name", 14, 6);

  fit (tmpl, "Zoë", &size, &ellipsized, &width);
  g_assert_cmpfloat (size, ==, 14);
  g_assert_false (ellipsized);

  fit (tmpl, "Alexandra Konstantinopoulou", &size, &ellipsized, &width);
  g_assert_cmpfloat (size, <, 14);
  g_assert_cmpfloat (size, >, 6);
  g_assert_false (ellipsized);
  g_assert_cmpfloat (width, <=, 45);
  g_assert_cmpfloat (width, >, 43);  /* no smaller than it needs to be */

  fit (tmpl, huge, &size, &ellipsized, &width);
  g_assert_cmpfloat (size, ==, 6);
  g_assert_true (ellipsized);
  g_assert_cmpfloat (width, <=, 45);
  template_free (tmpl);
}

/* A box too low for the text's height shrinks it too. */
static void
test_text_fits_height (void)
{
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  gboolean ellipsized;
  double size, width;

  add_text (tmpl->front, 1, 10, 10, 60, 3, "employee.full_name", 14, 4);
  fit (tmpl, "Zoë", &size, &ellipsized, &width);
  g_assert_cmpfloat (size, <, 14);
  g_assert_cmpfloat (size * CI_FACE_MM_PER_PT, <, 3);
  template_free (tmpl);
}

/* Nothing of a 500-character name lands outside its box; inside it, ink. */
static void
test_text_never_overflows (void)
{
  const double dpi = 300;
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autofree char *huge = long_name (500);
  const CiFaceElement *element;
  cairo_surface_t *surface;
  PixelRect inner, outer;
  int width, height;
  guint outside = 0;

  ci_face_data_set (data, "employee.full_name", huge);
  element = add_text (tmpl->front, 1, 10.3, 10.3, 30.2, 3.1, "employee.full_name", 14, 6);
  /* and a caption in a box far too low for its minimum size */
  add_text (tmpl->front, 2, 10.3, 30.3, 40.2, 1.1, "Valid until the end of the year", 14, 6);
  surface = render_side (tmpl, CI_FACE_FRONT, data, dpi, NULL);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  for (guint i = 0; i < tmpl->front->len; i++)
    {
      element = g_ptr_array_index (tmpl->front, i);
      inner = pixel_rect (&element->box, dpi, FALSE);
      g_assert_cmpuint (count_pixels (surface, inner, 0xFFFFFFFF), <, (inner.x1 - inner.x0)
                                                                   * (inner.y1 - inner.y0));
    }
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gboolean in_a_box = FALSE;

        for (guint i = 0; i < tmpl->front->len; i++)
          {
            outer = pixel_rect (&((CiFaceElement *) g_ptr_array_index (tmpl->front, i))->box, dpi,
                                TRUE);
            in_a_box |= x >= outer.x0 && x < outer.x1 && y >= outer.y0 && y < outer.y1;
          }
        outside += !in_a_box && pixel (surface, x, y) != 0xFFFFFFFF;
      }
  g_assert_cmpuint (outside, ==, 0);
  cairo_surface_destroy (surface);
  template_free (tmpl);
}

/* The same text shrinks to the same size and width at any resolution and in
 * vector output. */
static void
test_text_same_everywhere (void)
{
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  const CiFaceElement *element =
    add_text (tmpl->front, 1, 10, 10, 33, 6, "employee.full_name", 14, 6);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  cairo_surface_t *surfaces[] = {
    cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10),
    cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10),
    cairo_pdf_surface_create_for_stream (NULL, NULL, 100, 100),
    cairo_svg_surface_create_for_stream (NULL, NULL, 100, 100),
  };
  const double px_per_mm[] = { 150 / 25.4, 600 / 25.4, 72 / 25.4, 72 / 25.4 };
  double first_size = 0, first_width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (surfaces); i++)
    {
      cairo_t *cr = cairo_create (surfaces[i]);
      g_autoptr(PangoLayout) layout = NULL;
      PangoRectangle logical;
      CiFaceRenderCtx ctx;
      double size;

      _ci_face_render_ctx_init (&ctx, tmpl, CI_FACE_FRONT, data, cr, px_per_mm[i], NULL);
      layout = _ci_face_text_fit (&ctx, element, "Alexandra Konstantinopoulou", &size);
      pango_layout_get_extents (layout, NULL, &logical);
      if (i == 0)
        first_size = size, first_width = pango_units_to_double (logical.width);
      g_assert_cmpfloat (size, ==, first_size);
      g_assert_cmpfloat_with_epsilon (pango_units_to_double (logical.width), first_width, 0.01);
      _ci_face_render_ctx_clear (&ctx);
      cairo_destroy (cr);
      cairo_surface_destroy (surfaces[i]);
    }
  template_free (tmpl);
}

/* Missing data -------------------------------------------------------------------------------- */

static void
test_missing_field (void)
{
  const double dpi = 300;
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_face_problem_free);
  const CiFaceElement *element =
    add_text (tmpl->front, 7, 31, 28, 50.6, 4.5, "employee.department", 9, 6);
  const CiFaceProblem *problem;
  cairo_surface_t *surface;
  PixelRect box = pixel_rect (&element->box, dpi, FALSE);
  guint area = (box.x1 - box.x0) * (box.y1 - box.y0), red = 0;

  ci_face_data_set (data, "employee.job_title", "Engineer");
  surface = render_side (tmpl, CI_FACE_FRONT, data, dpi, problems);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpint (problem->side, ==, CI_FACE_FRONT);
  g_assert_cmpuint (problem->line, ==, 7);
  g_assert_cmpstr (problem->field, ==, "employee.department");
  g_assert_cmpstr (problem->message, ==,
                   "The employee's department is missing: enter it before issuing.");

  /* The placeholder fills its box, and it is red. */
  g_assert_cmpuint (count_pixels (surface, box, 0xFFFFFFFF), <, area / 2);
  for (int y = box.y0; y < box.y1; y++)
    for (int x = box.x0; x < box.x1; x++)
      {
        guint32 p = pixel (surface, x, y);

        red += ((p >> 16) & 0xFF) > ((p >> 8) & 0xFF) + 60;
      }
  g_assert_cmpuint (red, >, area / 20);
  cairo_surface_destroy (surface);

  /* Without a problems array, it is still drawn. */
  surface = render_side (tmpl, CI_FACE_FRONT, data, dpi, NULL);
  g_assert_cmpuint (count_pixels (surface, box, 0xFFFFFFFF), <, area / 2);
  cairo_surface_destroy (surface);
  template_free (tmpl);
}

/* A value of spaces is no value. */
static void
test_missing_blank_value (void)
{
  CiFaceTemplate *tmpl = template_new (CI_FACE_COLOUR);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_face_problem_free);
  cairo_surface_t *surface;

  add_text (tmpl->back, 3, 4, 4, 40, 5, "employee.number", 10, 6);
  ci_face_data_set (data, "employee.number", "  \t ");
  surface = render_side (tmpl, CI_FACE_BACK, data, 150, problems);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpint (((CiFaceProblem *) g_ptr_array_index (problems, 0))->side, ==, CI_FACE_BACK);
  g_assert_nonnull (find_problem (problems, "employee.number"));
  cairo_surface_destroy (surface);
  template_free (tmpl);
}

static void
test_missing_photo_qr_zone (Fixture       *f,
                            gconstpointer  mode)
{
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  const char *fields[] = { "employee.given_name", "employee.family_name", "employee.department",
                           "employee.job_title", "employee.number", "card.serial", "card.expiry",
                           "card.issued", "zone.level" };
  cairo_surface_t *surface;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    ci_face_data_set (data, fields[i], ci_face_data_get (f->data, fields[i]));
  surface = render_side (f->tmpl, CI_FACE_FRONT, data, 150, f->problems);
  cairo_surface_destroy (surface);
  surface = render_side (f->tmpl, CI_FACE_BACK, data, 150, f->problems);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (f->problems->len, ==, 3);
  g_assert_nonnull (find_problem (f->problems, CI_FACE_PROBLEM_PHOTO));
  g_assert_nonnull (find_problem (f->problems, CI_FACE_PROBLEM_QR));
  g_assert_nonnull (find_problem (f->problems, "zone.colour"));
  g_assert_cmpuint (find_problem (f->problems, "zone.colour")->line, ==, 13);
  g_assert_cmpint (find_problem (f->problems, CI_FACE_PROBLEM_QR)->side, ==, CI_FACE_BACK);

  /* With everything there, nothing is missing. */
  g_ptr_array_set_size (f->problems, 0);
  surface = render_side (f->tmpl, CI_FACE_FRONT, f->data, 150, f->problems);
  cairo_surface_destroy (surface);
  surface = render_side (f->tmpl, CI_FACE_BACK, f->data, 150, f->problems);
  cairo_surface_destroy (surface);
  assert_no_problems (f->problems);
}

/* Bad photos ---------------------------------------------------------------------------------- */

static guint32
crc32 (const guint8 *data,
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

/* A valid PNG signature, an IHDR claiming 30000 × 30000 pixels and an empty
 * IDAT (the decoder reports the size when it reaches the first IDAT). */
static GBytes *
huge_png (void)
{
  guint8 png[45] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  guint32 side = GUINT32_TO_BE (30000), crc;

  memcpy (png + 16, &side, 4);
  memcpy (png + 20, &side, 4);
  png[24] = 8, png[25] = 2;  /* 8-bit RGB */
  crc = GUINT32_TO_BE (crc32 (png + 12, 17));
  memcpy (png + 29, &crc, 4);
  memcpy (png + 33, "\0\0\0\0IDAT", 8);
  crc = GUINT32_TO_BE (crc32 (png + 37, 4));
  memcpy (png + 41, &crc, 4);
  return g_bytes_new (png, sizeof png);
}

static GBytes *
jpeg_photo (gsize keep)
{
  g_autoptr(GBytes) png = test_photo ();
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;
  char *jpeg = NULL;
  gsize len = 0;

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, png, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_true (gdk_pixbuf_save_to_buffer (gdk_pixbuf_loader_get_pixbuf (loader), &jpeg, &len,
                                            "jpeg", &error, "quality", "90", NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (jpeg, MIN (len, keep));
}

static void
assert_photo_problem (Fixture    *f,
                      GBytes     *photo,
                      const char *why)
{
  const CiFaceElement *element = g_ptr_array_index (f->tmpl->front, 3);
  PixelRect box = pixel_rect (&element->box, 150, FALSE);
  const CiFaceProblem *problem;
  cairo_surface_t *surface;

  g_assert_cmpint (element->kind, ==, CI_FACE_ELEMENT_PHOTO);
  g_ptr_array_set_size (f->problems, 0);
  ci_face_data_set_photo (f->data, photo, NULL);
  surface = render_side (f->tmpl, CI_FACE_FRONT, f->data, 150, f->problems);
  g_assert_cmpuint (f->problems->len, ==, 1);
  problem = find_problem (f->problems, CI_FACE_PROBLEM_PHOTO);
  g_assert_nonnull (problem);
  g_test_message ("%s", problem->message);
  g_assert_nonnull (strstr (problem->message, why));
  g_assert_cmpuint (problem->line, ==, 5);
  /* the placeholder: pale red and red, no white */
  g_assert_cmpuint (count_pixels (surface, box, 0xFFFFFFFF), <,
                    (box.x1 - box.x0) * (box.y1 - box.y0) / 4);
  cairo_surface_destroy (surface);
}

static void
test_photo_bad (Fixture       *f,
                gconstpointer  mode)
{
  static const guint8 garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDRthis is not a PNG image at all...";
  g_autoptr(GBytes) corrupt = g_bytes_new_static (garbage, sizeof garbage);
  g_autoptr(GBytes) text = g_bytes_new_static ("Hello", 5);
  g_autoptr(GBytes) huge = huge_png ();
  g_autoptr(GBytes) truncated = jpeg_photo (3000);
  g_autofree guint8 *big = g_malloc0 (21 * 1000 * 1000);
  g_autoptr(GBytes) too_many_bytes = NULL;

  memcpy (big, "\x89PNG\r\n\x1a\n", 8);
  too_many_bytes = g_bytes_new_static (big, 21 * 1000 * 1000);
  assert_photo_problem (f, corrupt, "damaged");
  assert_photo_problem (f, text, "not a PNG or JPEG");
  assert_photo_problem (f, huge, "30000 × 30000 pixels; at most 20 megapixels");
  assert_photo_problem (f, truncated, "incomplete");
  assert_photo_problem (f, too_many_bytes, "at most 20 MB");
  ci_face_data_set_photo (f->data, NULL, NULL);
}

static void
test_photo_jpeg (Fixture       *f,
                 gconstpointer  mode)
{
  g_autoptr(GBytes) jpeg = jpeg_photo (G_MAXSIZE);
  cairo_surface_t *surface;

  ci_face_data_set_photo (f->data, jpeg, &photo_face);
  surface = render_side (f->tmpl, CI_FACE_FRONT, f->data, 150, f->problems);
  assert_no_problems (f->problems);
  cairo_surface_destroy (surface);
}

static void
test_photo_crop (void)
{
  const CiFaceBox left = { 0.05, 0.2, 0.2, 0.5 }, right = { 0.55, 0.2, 0.1, 0.3 };
  cairo_rectangle_int_t crop;

  /* wide image, tall box: full height, centred on the face */
  _ci_face_photo_crop (800, 400, 0.75, NULL, &crop);
  g_assert_cmpint (crop.width, ==, 300);
  g_assert_cmpint (crop.height, ==, 400);
  g_assert_cmpint (crop.x, ==, 250);
  g_assert_cmpint (crop.y, ==, 0);
  _ci_face_photo_crop (800, 400, 0.75, &right, &crop);
  g_assert_cmpint (crop.x, ==, 480 - 150);
  _ci_face_photo_crop (800, 400, 0.75, &left, &crop);
  g_assert_cmpint (crop.x, ==, 0);  /* as far as the edge allows */

  /* tall image: full width */
  _ci_face_photo_crop (300, 1000, 0.75, &right, &crop);
  g_assert_cmpint (crop.width, ==, 300);
  g_assert_cmpint (crop.height, ==, 400);
  g_assert_cmpint (crop.x, ==, 0);
  g_assert_cmpint (crop.y, ==, 350 - 200);
}

/* Laser --------------------------------------------------------------------------------------- */

static void
test_dither (void)
{
  const int size = 128;
  g_autofree guint8 *gray = g_malloc (size * size);
  const guint8 levels[] = { 0, 64, 128, 192, 255 };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      guint white = 0;

      memset (gray, levels[i], size * size);
      _ci_face_dither (gray, size, size);
      for (int p = 0; p < size * size; p++)
        {
          g_assert_true (gray[p] == 0 || gray[p] == 255);
          white += gray[p] == 255;
        }
      g_assert_cmpfloat_with_epsilon ((double) white / (size * size), levels[i] / 255.0, 0.02);
    }
}

/* The laser PNG is a 1-bit file with only black and white, and the photo in
 * it is dithered: both, mixed, within the photo's box. */
static void
test_laser_png (Fixture       *f,
                gconstpointer  mode)
{
  const double dpi = 300;
  const CiFaceElement *photo = g_ptr_array_index (f->tmpl->front, 3);
  PixelRect box = pixel_rect (&photo->box, dpi, FALSE);
  guint area = (box.x1 - box.x0) * (box.y1 - box.y0), black, white, flips = 0;
  g_autofree char *path = fixture_path (f, "laser.png");
  guint width, height, depth, colour_type;
  cairo_surface_t *surface;

  export_png (f, CI_FACE_FRONT, dpi, path);
  assert_no_problems (f->problems);
  png_header (path, &width, &height, &depth, &colour_type);
  g_assert_cmpuint (width, ==, 1011);
  g_assert_cmpuint (height, ==, 638);
  g_assert_cmpuint (depth, ==, 1);
  g_assert_cmpuint (colour_type, ==, 0);  /* grayscale */

  surface = load_png (path);
  g_assert_cmpint (count_pixels (surface, (PixelRect) { 0, 0, width, height }, 0xFF000000)
                     + count_pixels (surface, (PixelRect) { 0, 0, width, height }, 0xFFFFFFFF),
                   ==, width * height);
  black = count_pixels (surface, box, 0xFF000000);
  white = count_pixels (surface, box, 0xFFFFFFFF);
  g_test_message ("photo: %u black, %u white", black, white);
  g_assert_cmpuint (black, >, area / 10);
  g_assert_cmpuint (white, >, area / 10);
  /* dithered, not thresholded: neighbours differ often */
  for (int y = box.y0; y < box.y1; y++)
    for (int x = box.x0 + 1; x < box.x1; x++)
      flips += pixel (surface, x, y) != pixel (surface, x - 1, y);
  g_assert_cmpuint (flips, >, area / 10);
  cairo_surface_destroy (surface);
}

/* Below 50 % luminance is black, from 50 % white; under 50 % alpha, nothing. */
static void
test_laser_colours (void)
{
  const double dpi = 100;
  CiFaceTemplate *tmpl = template_new (CI_FACE_LASER);
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  const CiFaceColour colours[] = { 0x7F7F7FFF, 0x808080FF, 0xFF000080, 0x00FFFFFF, 0x0000FFFF };
  const guint32 expected[] = { 0xFF000000, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFF000000 };
  cairo_surface_t *surface;

  tmpl->background[CI_FACE_FRONT] = 0x000000FF;
  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    add_element (tmpl->front, CI_FACE_ELEMENT_RECT, i, 5 + 10 * i, 10, 8, 8)->colour = colours[i];
  /* on a black card, the half-transparent red leaves the card black */
  surface = render_side (tmpl, CI_FACE_FRONT, data, dpi, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (colours); i++)
    {
      int x = (int) ((9 + 10 * i) * dpi / 25.4), y = (int) (14 * dpi / 25.4);

      g_assert_cmphex (pixel (surface, x, y), ==, i == 2 ? 0xFF000000 : expected[i]);
    }
  cairo_surface_destroy (surface);
  template_free (tmpl);
}

/* QR code ------------------------------------------------------------------------------------- */

static char *
zbar (const char *path)
{
  const char *argv[] = { "zbarimg", "--raw", "-q", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  /* its stderr only when it fails: it grumbles about D-Bus every time */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_test_message ("zbarimg %s: %s", path, err);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static void
test_qr_decodes (Fixture       *f,
                 gconstpointer  mode)
{
  const double dpis[] = { 600, 300, 150 };
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");

  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg (zbar-tools) is not installed");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (dpis); i++)
    {
      g_autofree char *name = g_strdup_printf ("back-%g.png", dpis[i]);
      g_autofree char *path = fixture_path (f, name);
      g_autofree char *decoded = NULL;

      export_png (f, CI_FACE_BACK, dpis[i], path);
      decoded = zbar (path);
      g_assert_cmpstr (decoded, ==, QR_PAYLOAD "\n");
    }
  assert_no_problems (f->problems);
}

/* On a raster target every module is a whole number of pixels: sharp edges,
 * no gray in colour mode either. */
static void
test_qr_crisp (Fixture       *f,
               gconstpointer  mode)
{
  const double dpi = 600;
  const CiFaceElement *qr = g_ptr_array_index (f->tmpl->back, 2);
  PixelRect box = pixel_rect (&qr->box, dpi, FALSE);
  cairo_surface_t *surface = render_side (f->tmpl, CI_FACE_BACK, f->data, dpi, NULL);

  g_assert_cmpint (qr->kind, ==, CI_FACE_ELEMENT_QR);
  g_assert_cmpuint (count_pixels (surface, box, 0xFF000000)
                      + count_pixels (surface, box, 0xFFFFFFFF), ==,
                    (box.x1 - box.x0) * (box.y1 - box.y0));
  g_assert_cmpuint (count_pixels (surface, box, 0xFF000000), >, 0);
  cairo_surface_destroy (surface);
}

static void
test_qr_too_long (Fixture       *f,
                  gconstpointer  mode)
{
  g_autofree char *payload = g_strnfill (4000, 'x');
  cairo_surface_t *surface;

  ci_face_data_set_qr_payload (f->data, payload);
  surface = render_side (f->tmpl, CI_FACE_BACK, f->data, 150, f->problems);
  g_assert_cmpuint (f->problems->len, ==, 1);
  g_assert_nonnull (strstr (find_problem (f->problems, CI_FACE_PROBLEM_QR)->message,
                            "does not fit"));
  cairo_surface_destroy (surface);
}

/* Logos --------------------------------------------------------------------------------------- */

static void
test_image_logos (Fixture       *f,
                  gconstpointer  mode)
{
  CiFaceElement *logo = g_ptr_array_index (f->tmpl->front, 1);
  cairo_surface_t *surface;

  g_assert_cmpint (logo->kind, ==, CI_FACE_ELEMENT_IMAGE);
  g_free (logo->path);
  logo->path = g_strdup (DATA_DIR "/face-photo.png");
  surface = render_side (f->tmpl, CI_FACE_FRONT, f->data, 150, f->problems);
  cairo_surface_destroy (surface);
  assert_no_problems (f->problems);

  g_free (logo->path);
  logo->path = g_strdup (DATA_DIR "/no-such-logo.svg");
  surface = render_side (f->tmpl, CI_FACE_FRONT, f->data, 150, f->problems);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (f->problems->len, ==, 1);
  g_assert_cmpuint (find_problem (f->problems, CI_FACE_PROBLEM_IMAGE)->line, ==, 3);
}

/* Exports ------------------------------------------------------------------------------------- */

static void
test_png_size (Fixture       *f,
               gconstpointer  mode)
{
  const struct { double dpi; guint width, height; } sizes[] = {
    { 600, 2022, 1275 }, { 300, 1011, 638 }, { 150, 506, 319 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = fixture_path (f, "size.png");
      guint width, height, depth, colour_type;

      export_png (f, CI_FACE_FRONT, sizes[i].dpi, path);
      png_header (path, &width, &height, &depth, &colour_type);
      g_assert_cmpuint (width, ==, sizes[i].width);
      g_assert_cmpuint (height, ==, sizes[i].height);
      g_assert_cmpuint (depth, ==, 8);
      g_assert_cmpuint (colour_type, ==, 6);  /* RGBA: transparent round the corners */
    }
  assert_no_problems (f->problems);
}

static void
test_pdf (Fixture       *f,
          gconstpointer  mode)
{
  g_autofree char *path = fixture_path (f, "face.pdf");
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) media_box =
    g_regex_new ("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]", G_REGEX_RAW, 0,
                 NULL);
  g_autoptr(GRegex) page = g_regex_new ("/Type\\s*/Page[^s]", G_REGEX_RAW, 0, NULL);
  g_autoptr(GRegex) image = g_regex_new ("/Subtype\\s*/Image", G_REGEX_RAW, 0, NULL);
  g_autoptr(GRegex) font = g_regex_new ("/FontFile", G_REGEX_RAW, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GError) error = NULL;
  guint boxes = 0, pages = 0, images = 0;
  gsize len = 0;

  g_assert_true (ci_face_export_pdf (f->tmpl, f->data, path, f->problems, &error));
  g_assert_no_error (error);
  assert_no_problems (f->problems);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  for (g_regex_match_full (media_box, contents, len, 0, 0, &match, NULL);
       g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *width = g_match_info_fetch (match, 1);
      g_autofree char *height = g_match_info_fetch (match, 2);
      g_autofree char *rounded = g_strdup_printf ("%.2f × %.2f", g_ascii_strtod (width, NULL),
                                                  g_ascii_strtod (height, NULL));

      g_assert_cmpstr (rounded, ==, "242.65 × 153.01");
      boxes++;
    }
  g_clear_pointer (&match, g_match_info_unref);
  for (g_regex_match_full (page, contents, len, 0, 0, &match, NULL); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    pages++;
  g_clear_pointer (&match, g_match_info_unref);
  for (g_regex_match_full (image, contents, len, 0, 0, &match, NULL); g_match_info_matches (match);
       g_match_info_next (match, NULL))
    images++;
  g_assert_cmpuint (boxes, >=, 1);
  g_assert_cmpuint (pages, ==, 2);
  /* Text and QR code are vectors, the fonts embedded. Only the photo is an
   * image in colour, and the SVG logo a vector; in laser mode the logo is
   * made 1 bit at 600 dpi: an image and its transparency mask. */
  g_assert_cmpuint (images, ==, GPOINTER_TO_INT (mode) == CI_FACE_LASER ? 3 : 1);
  g_assert_true (g_regex_match_full (font, contents, len, 0, 0, NULL, NULL));
}

/* The SVG is the card's size, and librsvg reads it back with a QR code zbar
 * decodes. */
static void
test_svg (Fixture       *f,
          gconstpointer  mode)
{
  g_autofree char *path = fixture_path (f, "back.svg");
  g_autofree char *png = fixture_path (f, "back-svg.png");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  RsvgHandle *handle;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_true (ci_face_export_svg (f->tmpl, CI_FACE_BACK, f->data, path, f->problems, &error));
  g_assert_no_error (error);
  assert_no_problems (f->problems);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "width=\"242.645669pt\" height=\"153.014173pt\""));

  handle = rsvg_handle_new_from_file (path, &error);
  g_assert_no_error (error);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1011, 638);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (rsvg_handle_render_document (handle, cr, &(RsvgRectangle) { 0, 0, 1011, 638 },
                                              &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_object_unref (handle);
  if (zbarimg != NULL)
    {
      g_autofree char *decoded = zbar (png);

      g_assert_cmpstr (decoded, ==, QR_PAYLOAD "\n");
    }
}

static void
test_export_errors (Fixture       *f,
                    gconstpointer  mode)
{
  const char *path = "/nonexistent-folder-for-test/face.png";
  g_autoptr(GError) error = NULL;

  g_assert_false (ci_face_export_png (f->tmpl, CI_FACE_FRONT, f->data, 600, path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (ci_face_export_pdf (f->tmpl, f->data, "/nonexistent-folder-for-test/face.pdf",
                                      NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder-for-test/face.pdf"));
  g_clear_error (&error);

  g_assert_false (ci_face_export_svg (f->tmpl, CI_FACE_BACK, f->data, f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_nonnull (strstr (error->message, f->dir));
  g_clear_error (&error);

  g_assert_false (ci_face_export_png (f->tmpl, CI_FACE_FRONT, f->data, 10000, path, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_golden_shipped_scripts (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl =
    ci_face_template_load (CI_SOURCE_DIR "/data/templates/colour-badge.cardface", &error);

  g_assert_no_error (error);
  G_STATIC_ASSERT (G_N_ELEMENTS (script_tags) == G_N_ELEMENTS (script_names));
  /* The Latin name is the one test_golden_shipped() shows. */
  for (guint i = 1; i < G_N_ELEMENTS (script_names); i++)
    {
      g_autofree char *name = g_strdup_printf ("shipped-colour-badge-%s.png", script_tags[i]);
      g_autofree char *path = fixture_path (f, name);

      ci_face_data_set (f->data, "employee.full_name", script_names[i].name);
      g_assert_true (ci_face_export_png (tmpl, CI_FACE_FRONT, f->data, GOLDEN_DPI, path,
                                         f->problems, &error));
      g_assert_no_error (error);
      assert_golden (path, name);
    }
  assert_no_problems (f->problems);
}

/* --------------------------------------------------------------------------------------------- */

static void
add_fixture_test (const char *path,
                  CiFaceMode  mode,
                  void (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/face-render/text/shrinks-then-ellipsizes", test_text_shrinks_then_ellipsizes);
  g_test_add_func ("/face-render/text/fits-height", test_text_fits_height);
  g_test_add_func ("/face-render/text/never-overflows", test_text_never_overflows);
  g_test_add_func ("/face-render/text/same-everywhere", test_text_same_everywhere);
  g_test_add_func ("/face-render/text/scripts", test_scripts_layout);
  add_fixture_test ("/face-render/text/scripts-golden", CI_FACE_COLOUR, test_golden_scripts);

  g_test_add_func ("/face-render/missing/field", test_missing_field);
  g_test_add_func ("/face-render/missing/blank-value", test_missing_blank_value);
  add_fixture_test ("/face-render/missing/photo-qr-zone", CI_FACE_COLOUR,
                    test_missing_photo_qr_zone);

  g_test_add_func ("/face-render/photo/crop", test_photo_crop);
  add_fixture_test ("/face-render/photo/jpeg", CI_FACE_COLOUR, test_photo_jpeg);
  add_fixture_test ("/face-render/photo/bad", CI_FACE_COLOUR, test_photo_bad);
  add_fixture_test ("/face-render/image/logos", CI_FACE_COLOUR, test_image_logos);
  add_fixture_test ("/face-render/image/logos-laser", CI_FACE_LASER, test_image_logos);

  g_test_add_func ("/face-render/laser/dither", test_dither);
  g_test_add_func ("/face-render/laser/colours", test_laser_colours);
  add_fixture_test ("/face-render/laser/png", CI_FACE_LASER, test_laser_png);

  add_fixture_test ("/face-render/qr/zbar-colour", CI_FACE_COLOUR, test_qr_decodes);
  add_fixture_test ("/face-render/qr/zbar-laser", CI_FACE_LASER, test_qr_decodes);
  add_fixture_test ("/face-render/qr/crisp", CI_FACE_COLOUR, test_qr_crisp);
  add_fixture_test ("/face-render/qr/too-long", CI_FACE_COLOUR, test_qr_too_long);

  add_fixture_test ("/face-render/export/png-size", CI_FACE_COLOUR, test_png_size);
  add_fixture_test ("/face-render/export/pdf", CI_FACE_COLOUR, test_pdf);
  add_fixture_test ("/face-render/export/pdf-laser", CI_FACE_LASER, test_pdf);
  add_fixture_test ("/face-render/export/svg", CI_FACE_COLOUR, test_svg);
  add_fixture_test ("/face-render/export/errors", CI_FACE_COLOUR, test_export_errors);

  add_fixture_test ("/face-render/golden/colour", CI_FACE_COLOUR, test_golden_badge);
  add_fixture_test ("/face-render/golden/laser", CI_FACE_LASER, test_golden_badge);
  add_fixture_test ("/face-render/golden/shipped", CI_FACE_COLOUR, test_golden_shipped);
  add_fixture_test ("/face-render/golden/shipped-scripts", CI_FACE_COLOUR,
                    test_golden_shipped_scripts);

  status = g_test_run ();

  /* Pango's font map and cairo's font caches live until exit; dropped here
   * so that valgrind shows what the renderer leaks and not what they keep. */
  ci_face_release_caches ();
  return status;
}
