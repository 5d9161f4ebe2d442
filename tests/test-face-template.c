/* test-face-template.c — card face templates (docs/card-face-templates.md):
 * the shipped templates load; every default is what the documentation says;
 * every kind of mistake is refused with "ORIGIN:LINE: …" naming its line;
 * hostile input (NUL bytes, huge numbers, NaN, long lines, huge files, too
 * many elements) gives an error, never a crash or a read past the input.
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <string.h>

#include "face/ci-face-template.h"

#define TEMPLATES_DIR CI_SOURCE_DIR "/data/templates"
#define ORIGIN        "t.cardface"
#define HEAD          "cardissue-template 1\nname \"T\"\nside front\n"   /* 3 lines */

typedef struct
{
  char *dir;   /* holds logo.svg, logo.png and logo.txt */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *names[] = { "logo.svg", "logo.png", "logo.txt" };
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ci-face-template-XXXXXX", &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, names[i], NULL);

      g_file_set_contents (path, "x", -1, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      if (g_unlink (path) != 0)
        g_rmdir (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Parses a copy of exactly @len bytes, so that valgrind sees a read past it. */
static CiFaceTemplate *
parse_len (const char  *text,
           gsize        len,
           const char  *base_dir,
           GError     **error)
{
  g_autofree char *copy = g_malloc (len > 0 ? len : 1);

  memcpy (copy, text, len);
  return ci_face_template_parse (copy, len, ORIGIN, base_dir, error);
}

static CiFaceTemplate *
parse (const char  *text,
       const char  *base_dir,
       GError     **error)
{
  return parse_len (text, strlen (text), base_dir, error);
}

static void
assert_refused_len (const char          *text,
                    gsize                len,
                    const char          *base_dir,
                    CiFaceTemplateError  code,
                    guint                line,
                    const char          *says)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = parse_len (text, len, base_dir, &error);
  g_autofree char *prefix = g_strdup_printf ("%s:%u: ", ORIGIN, line);

  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_null (tmpl);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, (int) code);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  if (says != NULL)
    g_assert_nonnull (strstr (error->message, says));
}

static void
assert_refused (const char          *text,
                CiFaceTemplateError  code,
                guint                line,
                const char          *says)
{
  assert_refused_len (text, strlen (text), NULL, code, line, says);
}

static CiFaceElement *
element (const CiFaceTemplate *tmpl,
         CiFaceSide            side,
         guint                 i)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);

  g_assert_cmpuint (i, <, elements->len);
  return elements->pdata[i];
}

/* Whether any element of @side shows @field. */
static gboolean
shows (const CiFaceTemplate *tmpl,
       CiFaceSide            side,
       const char           *field)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);

  for (guint i = 0; i < elements->len; i++)
    if (g_strcmp0 (((CiFaceElement *) elements->pdata[i])->field, field) == 0)
      return TRUE;
  return FALSE;
}

static guint
count_kind (const CiFaceTemplate *tmpl,
            CiFaceSide            side,
            CiFaceElementKind     kind)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);
  guint n = 0;

  for (guint i = 0; i < elements->len; i++)
    n += ((CiFaceElement *) elements->pdata[i])->kind == kind;
  return n;
}

static CiFaceTemplate *
load_shipped (const char *name)
{
  g_autofree char *path = g_build_filename (TEMPLATES_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  CiFaceTemplate *tmpl = ci_face_template_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tmpl);
  return tmpl;
}

static void
assert_image_is_logo (const CiFaceTemplate *tmpl)
{
  g_autofree char *logo = g_build_filename (TEMPLATES_DIR, "cardissue-logo.svg", NULL);
  g_autofree char *canonical = g_canonicalize_filename (logo, NULL);

  for (guint i = 0; i < tmpl->front->len; i++)
    {
      CiFaceElement *e = tmpl->front->pdata[i];

      if (e->kind == CI_FACE_ELEMENT_IMAGE)
        g_assert_cmpstr (e->path, ==, canonical);
    }
  g_assert_cmpuint (count_kind (tmpl, CI_FACE_FRONT, CI_FACE_ELEMENT_IMAGE), ==, 1);
}

/* The colour badge: zone band, logo, photo, name, department, title,
 * number, serial, expiry and QR on the front; address, serial, QR on the back. */
static void
test_shipped_colour (void)
{
  const char *front[] = { "employee.full_name", "employee.department", "employee.job_title",
                          "employee.number", "card.serial", "card.expiry", "zone.colour" };
  g_autoptr(CiFaceTemplate) tmpl = load_shipped ("colour-badge.cardface");

  g_assert_cmpstr (tmpl->id, ==, "colour-badge");
  g_assert_cmpstr (tmpl->name, ==, "Colour badge");
  g_assert_cmpint (tmpl->mode, ==, CI_FACE_COLOUR);
  g_assert_cmpfloat (tmpl->margin_mm, ==, 2.0);
  for (gsize i = 0; i < G_N_ELEMENTS (front); i++)
    g_assert_true (shows (tmpl, CI_FACE_FRONT, front[i]));
  g_assert_true (shows (tmpl, CI_FACE_BACK, "card.serial"));
  g_assert_cmpuint (count_kind (tmpl, CI_FACE_FRONT, CI_FACE_ELEMENT_PHOTO), ==, 1);
  g_assert_cmpuint (count_kind (tmpl, CI_FACE_FRONT, CI_FACE_ELEMENT_QR), ==, 1);
  g_assert_cmpuint (count_kind (tmpl, CI_FACE_BACK, CI_FACE_ELEMENT_QR), ==, 1);
  assert_image_is_logo (tmpl);
}

/* The laser badge: black on white only, a gray photo. */
static void
test_shipped_laser (void)
{
  const char *front[] = { "employee.full_name", "employee.number", "card.serial",
                          "card.expiry" };
  g_autoptr(CiFaceTemplate) tmpl = load_shipped ("laser-badge.cardface");

  g_assert_cmpstr (tmpl->id, ==, "laser-badge");
  g_assert_cmpint (tmpl->mode, ==, CI_FACE_LASER);
  g_assert_cmphex (tmpl->background[CI_FACE_FRONT], ==, 0xFFFFFFFF);
  g_assert_cmphex (tmpl->background[CI_FACE_BACK], ==, 0xFFFFFFFF);
  for (gsize i = 0; i < G_N_ELEMENTS (front); i++)
    g_assert_true (shows (tmpl, CI_FACE_FRONT, front[i]));
  g_assert_cmpuint (count_kind (tmpl, CI_FACE_FRONT, CI_FACE_ELEMENT_QR), ==, 1);
  for (CiFaceSide side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
    for (guint i = 0; i < ci_face_template_get_side (tmpl, side)->len; i++)
      {
        CiFaceElement *e = element (tmpl, side, i);

        g_assert_null (e->kind == CI_FACE_ELEMENT_RECT ? e->field : NULL);
        if (e->kind == CI_FACE_ELEMENT_TEXT || e->kind == CI_FACE_ELEMENT_RECT)
          g_assert_cmphex (e->colour, ==, 0x000000FF);
        if (e->kind == CI_FACE_ELEMENT_PHOTO)
          g_assert_true (e->grayscale);
      }
  assert_image_is_logo (tmpl);
}

/* Every optional key left out: the defaults of the documentation. */
static void
test_defaults (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autofree char *logo = g_build_filename (f->dir, "logo.svg", NULL);
  CiFaceElement *e;

  tmpl = parse ("cardissue-template 1\n"
                "name \"Plain\"\n"
                "side front\n"
                "text x=10 y=10 w=40 h=5 field=employee.full_name\n"
                "photo x=2 y=2 w=20 h=25\n"
                "qr x=60 y=30 w=20 h=20\n"
                "image x=30 y=30 w=10 h=5 file=logo.svg\n"
                "rect x=0 y=0 w=85.6 h=53.98\n",
                f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tmpl->id, ==, "t");
  g_assert_cmpstr (tmpl->name, ==, "Plain");
  g_assert_cmpint (tmpl->mode, ==, CI_FACE_COLOUR);
  g_assert_cmpfloat (tmpl->margin_mm, ==, 2.0);
  g_assert_cmphex (tmpl->background[CI_FACE_FRONT], ==, 0xFFFFFFFF);
  g_assert_cmphex (tmpl->background[CI_FACE_BACK], ==, 0xFFFFFFFF);
  g_assert_cmpuint (tmpl->front->len, ==, 5);
  g_assert_cmpuint (tmpl->back->len, ==, 0);
  g_assert_true (ci_face_template_get_side (tmpl, CI_FACE_BACK) == tmpl->back);

  e = element (tmpl, CI_FACE_FRONT, 0);
  g_assert_cmpint (e->kind, ==, CI_FACE_ELEMENT_TEXT);
  g_assert_cmpuint (e->line, ==, 4);
  g_assert_cmpfloat (e->box.x, ==, 10);
  g_assert_cmpfloat (e->box.y, ==, 10);
  g_assert_cmpfloat (e->box.width, ==, 40);
  g_assert_cmpfloat (e->box.height, ==, 5);
  g_assert_cmpstr (e->field, ==, "employee.full_name");
  g_assert_null (e->text);
  g_assert_cmpstr (e->font, ==, "DejaVu Sans");
  g_assert_cmpfloat (e->size_pt, ==, 8);
  g_assert_cmpfloat_with_epsilon (e->min_size_pt, 4.8, 1e-9);
  g_assert_cmpint (e->weight, ==, 400);
  g_assert_cmpint (e->align, ==, CI_FACE_ALIGN_START);
  g_assert_cmphex (e->colour, ==, 0x000000FF);

  e = element (tmpl, CI_FACE_FRONT, 1);
  g_assert_cmpint (e->kind, ==, CI_FACE_ELEMENT_PHOTO);
  g_assert_cmpint (e->crop, ==, CI_FACE_CROP_FACE);
  g_assert_false (e->grayscale);

  e = element (tmpl, CI_FACE_FRONT, 2);
  g_assert_cmpint (e->kind, ==, CI_FACE_ELEMENT_QR);
  g_assert_cmpint (e->ecc, ==, CI_FACE_QR_ECC_M);

  e = element (tmpl, CI_FACE_FRONT, 3);
  g_assert_cmpint (e->kind, ==, CI_FACE_ELEMENT_IMAGE);
  g_assert_cmpstr (e->path, ==, logo);

  e = element (tmpl, CI_FACE_FRONT, 4);
  g_assert_cmpint (e->kind, ==, CI_FACE_ELEMENT_RECT);
  g_assert_null (e->field);
  g_assert_cmphex (e->colour, ==, 0x000000FF);
  g_assert_cmpfloat (e->radius_mm, ==, 0);
}

/* Every key given: each lands where the documentation says. */
static void
test_every_key (Fixture       *f,
                gconstpointer  data)
{
  static const char every_key[] =
    "\xEF\xBB\xBF# a comment\n"
    "cardissue-template 1   # the version\n"
    "name \"Say \\\"cheese\\\" \\\\ smile\"\n"
    "mode laser\n"
    "margin 0\n"
    "side back\n"
    "background #FFFFFF\n"
    "text x=0 y=0 w=85.6 h=53.98 text=\"Ünïcødé\tname = x\" font=\"DejaVu Serif\" "
    "size=12.5 min-size=3 weight=bold colour=#12345678 align=end\n"
    "text x=1 y=1 w=10 h=5 field=card.serial weight=650 color=#abcdef align=centre\n"
    "photo x=1 y=1 w=10 h=10 crop=centre grayscale=yes\n"
    "qr x=1 y=1 w=10 h=10 ecc=h\n"
    "image x=1 y=1 w=10 h=10 file=./LOGO.PNG\n"
    "rect x=-2 y=-2 w=89.6 h=57.98 colour=zone.colour radius=3.5\n"
    "side front\n"
    "rect x=1 y=1 w=2 h=2 colour=#ff000080\n";
  g_autofree char *logo = g_build_filename (f->dir, "LOGO.PNG", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  CiFaceElement *e;

  /* the suffix is read in any case */
  g_file_set_contents (logo, "x", -1, &error);
  g_assert_no_error (error);
  tmpl = parse (every_key, f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tmpl->name, ==, "Say \"cheese\" \\ smile");
  g_assert_cmpint (tmpl->mode, ==, CI_FACE_LASER);
  g_assert_cmpfloat (tmpl->margin_mm, ==, 0);
  g_assert_cmpuint (tmpl->back->len, ==, 6);
  g_assert_cmpuint (tmpl->front->len, ==, 1);

  e = element (tmpl, CI_FACE_BACK, 0);
  g_assert_cmpstr (e->text, ==, "Ünïcødé\tname = x");
  g_assert_null (e->field);
  g_assert_cmpstr (e->font, ==, "DejaVu Serif");
  g_assert_cmpfloat (e->size_pt, ==, 12.5);
  g_assert_cmpfloat (e->min_size_pt, ==, 3);
  g_assert_cmpint (e->weight, ==, 700);
  g_assert_cmphex (e->colour, ==, 0x12345678);
  g_assert_cmpint (e->align, ==, CI_FACE_ALIGN_END);
  e = element (tmpl, CI_FACE_BACK, 1);
  g_assert_cmpint (e->weight, ==, 650);
  g_assert_cmphex (e->colour, ==, 0xABCDEFFF);
  g_assert_cmpint (e->align, ==, CI_FACE_ALIGN_CENTRE);
  e = element (tmpl, CI_FACE_BACK, 2);
  g_assert_cmpint (e->crop, ==, CI_FACE_CROP_CENTRE);
  g_assert_true (e->grayscale);
  g_assert_cmpint (element (tmpl, CI_FACE_BACK, 3)->ecc, ==, CI_FACE_QR_ECC_H);
  g_assert_cmpstr (element (tmpl, CI_FACE_BACK, 4)->path, ==, logo);
  e = element (tmpl, CI_FACE_BACK, 5);
  g_assert_cmpstr (e->field, ==, "zone.colour");
  g_assert_cmpfloat (e->radius_mm, ==, 3.5);
  g_assert_cmpfloat (e->box.x, ==, -2);
  g_assert_cmphex (element (tmpl, CI_FACE_FRONT, 0)->colour, ==, 0xFF000080);
  g_assert_cmpuint (element (tmpl, CI_FACE_FRONT, 0)->line, ==, 15);
}

/* One case per error class, each naming its line. */
static void
test_error_classes (Fixture       *f,
                    gconstpointer  data)
{
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 text=\"open\n", CI_FACE_TEMPLATE_ERROR_SYNTAX,
                  4, "not closed");
  assert_refused (HEAD "circle x=3 y=3 w=10 h=5\n", CI_FACE_TEMPLATE_ERROR_UNKNOWN, 4,
                  "unknown keyword “circle”");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 text=a colr=#000000\n",
                  CI_FACE_TEMPLATE_ERROR_UNKNOWN, 4, "no key “colr”");
  assert_refused (HEAD "qr x=3 y=3 w=10 h=5 crop=face\n", CI_FACE_TEMPLATE_ERROR_UNKNOWN, 4,
                  "its keys are: x=, y=, w=, h=, ecc=");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 text=a colour=blue\n",
                  CI_FACE_TEMPLATE_ERROR_VALUE, 4, "colour=blue is not a colour");
  assert_refused (HEAD "text x=3 y=3 h=5 text=a\n", CI_FACE_TEMPLATE_ERROR_MISSING, 4,
                  "needs w=");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5\n", CI_FACE_TEMPLATE_ERROR_MISSING, 4,
                  "needs field=");
  assert_refused (HEAD "\n\ntext x=70 y=3 w=20 h=5 text=a\n", CI_FACE_TEMPLATE_ERROR_GEOMETRY,
                  6, "on the right");
  assert_refused_len (HEAD "image x=3 y=3 w=10 h=5 file=missing.svg\n",
                      strlen (HEAD "image x=3 y=3 w=10 h=5 file=missing.svg\n"), f->dir,
                      CI_FACE_TEMPLATE_ERROR_FILE, 4, "missing.svg does not exist");
}

/* Nothing at all, only comments, no side, no element. */
static void
test_empty (void)
{
  assert_refused ("", CI_FACE_TEMPLATE_ERROR_MISSING, 1, "the template is empty");
  assert_refused ("# nothing\n\n   \n", CI_FACE_TEMPLATE_ERROR_MISSING, 3,
                  "the template is empty");
  assert_refused ("cardissue-template 1\n", CI_FACE_TEMPLATE_ERROR_MISSING, 1, "no name");
  assert_refused ("cardissue-template 1\nname \"T\"\n", CI_FACE_TEMPLATE_ERROR_MISSING, 2,
                  "no side");
  assert_refused (HEAD "background #ffffff\nside back\n", CI_FACE_TEMPLATE_ERROR_MISSING, 5,
                  "no elements");
}

/* An unknown field names the known ones. */
static void
test_unknown_field (void)
{
  const char * const *fields = ci_face_fields ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  tmpl = parse (HEAD "text x=3 y=3 w=10 h=5 field=employee.shoe_size\n", NULL, &error);
  g_assert_null (tmpl);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_UNKNOWN);
  g_assert_true (g_str_has_prefix (error->message, ORIGIN ":4: unknown field "
                                   "“employee.shoe_size”"));
  for (guint i = 0; fields[i] != NULL; i++)
    g_assert_nonnull (strstr (error->message, fields[i]));
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 field=zone.colour\n",
                  CI_FACE_TEMPLATE_ERROR_UNKNOWN, 4, "unknown field");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 field=\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4,
                  "field= has no value");
}

/* A 500-character caption loads; a line over 4096 bytes does not. */
static void
test_long_lines (void)
{
  g_autofree char *caption = g_strnfill (500, 'W');
  g_autofree char *ok = g_strdup_printf (HEAD "text x=3 y=3 w=10 h=5 text=\"%s\"\n", caption);
  g_autofree char *long_caption = g_strnfill (4096, 'W');
  g_autofree char *too_long = g_strdup_printf (HEAD "text x=3 y=3 w=10 h=5 text=\"%s\"\n",
                                               long_caption);
  g_autofree char *long_word = g_strnfill (3000, 'x');
  g_autofree char *long_value = g_strdup_printf (HEAD "text x=3 y=3 w=10 h=5 text=a "
                                                 "colour=%s\n", long_word);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = parse (ok, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (element (tmpl, CI_FACE_FRONT, 0)->text, ==, caption);
  assert_refused (too_long, CI_FACE_TEMPLATE_ERROR_SYNTAX, 4, "at most 4096");
  /* A message quotes a long value only in part. */
  assert_refused (long_value, CI_FACE_TEMPLATE_ERROR_VALUE, 4, "xxxx…");
}

/* NUL bytes, invalid UTF-8, control characters; and nothing is read past
 * the length given. */
static void
test_bad_bytes (void)
{
  static const char nul[] = HEAD "text x=3 y=3 w=10 h=5 text=\"a\0b\"\n";
  static const char cut[] = HEAD "text x=3 y=3 w=10 h=5 text=a\nthis is not read";
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  assert_refused_len (nul, sizeof nul - 1, NULL, CI_FACE_TEMPLATE_ERROR_SYNTAX, 4, "NUL byte");
  assert_refused_len ("\0", 1, NULL, CI_FACE_TEMPLATE_ERROR_SYNTAX, 1, "NUL byte");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 text=\"\xC3\x28\"\n", CI_FACE_TEMPLATE_ERROR_SYNTAX,
                  4, "not UTF-8");
  assert_refused (HEAD "text x=3 y=3\x1b w=10 h=5 text=a\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
                  "control character 0x1B");
  assert_refused (HEAD "text x=3 y=3 w=10 h=5 text=a\rb\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
                  "control character 0x0D");
  tmpl = parse_len (cut, strlen (HEAD "text x=3 y=3 w=10 h=5 text=a"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tmpl->front->len, ==, 1);
}

/* Numbers: plain decimals, finite and in range. */
static void
test_numbers (void)
{
  const struct
  {
    const char *line;
    const char *says;
  } cases[] = {
    { "text x=1e3 y=3 w=10 h=5 text=a", "x=1e3 is not a number" },
    { "text x=0x10 y=3 w=10 h=5 text=a", "x=0x10 is not a number" },
    { "text x=3mm y=3 w=10 h=5 text=a", "without a unit" },
    { "text x=3 y=3 w=nan h=5 text=a", "w=nan is not a finite number" },
    { "text x=3 y=3 w=inf h=5 text=a", "not a finite number" },
    { "text x=3 y=3 w=-5 h=5 text=a", "w=-5 is out of range: it must be more than 0" },
    { "text x=3 y=3 w=0 h=5 text=a", "more than 0" },
    { "text x=3 y=3 w=-0 h=5 text=a", "more than 0" },
    { "text x=99999999999999999999999 y=3 w=10 h=5 text=a", "out of range" },
    { "text x=3 y=3 w=10 h=5 text=a size=-3", "size=-3 is out of range" },
    { "text x=3 y=3 w=10 h=5 text=a size=1000", "at most 144 points" },
    { "text x=3 y=3 w=10 h=5 text=a min-size=0", "min-size=0 is out of range" },
    { "text x=3 y=3 w=10 h=5 text=a size=6 min-size=7", "larger than size=6" },
    { "text x=3 y=3 w=10 h=5 text=a min-size=9", "larger than size=8" },
    { "text x=3 y=3 w=10 h=5 text=a weight=5000", "weight=5000 is not a weight" },
    { "text x=3 y=3 w=10 h=5 text=a weight=400.5", "is not a weight" },
    { "rect x=3 y=3 w=10 h=5 radius=2.6", "radius=2.6 is more than half" },
    { "rect x=3 y=3 w=10 h=5 radius=-1", "radius=-1 is out of range" },
  };
  g_autofree char *zeros = g_strnfill (400, '0');
  g_autofree char *huge = g_strdup_printf (HEAD "text x=1%s y=3 w=10 h=5 text=a\n", zeros);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (HEAD "%s\n", cases[i].line);

      assert_refused (text, CI_FACE_TEMPLATE_ERROR_VALUE, 4, cases[i].says);
    }
  assert_refused (huge, CI_FACE_TEMPLATE_ERROR_VALUE, 4, "is out of range");
  assert_refused ("cardissue-template 1\nname \"T\"\nmargin 50\n", CI_FACE_TEMPLATE_ERROR_VALUE,
                  3, "margin=50 is out of range");
  assert_refused ("cardissue-template 1\nname \"T\"\nmargin nan\n", CI_FACE_TEMPLATE_ERROR_VALUE,
                  3, "not a finite number");
}

/* Only rects reach into the margin, and past the edge by at most 2 mm. */
static void
test_geometry (void)
{
  const struct
  {
    const char *line;
    const char *says;
  } cases[] = {
    { "text x=1 y=3 w=10 h=5 text=a", "into the 2 mm safe margin on the left: x must be at "
                                      "least 2" },
    { "photo x=3 y=1.99 w=10 h=5", "at the top" },
    { "qr x=70 y=40 w=14 h=14", "on the right: x + w is 84.00 and may be at most 83.60" },
    { "text x=3 y=40 w=10 h=12.5 text=a", "at the bottom" },
    { "text x=-100 y=3 w=10 h=5 text=a", "on the left" },
    { "text x=200 y=3 w=10 h=5 text=a", "on the right" },
    { "rect x=-2.5 y=0 w=10 h=5", "more than 2 mm past the card's edge on the left" },
    { "rect x=0 y=0 w=88 h=5", "on the right" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf (HEAD "%s\n", cases[i].line);

      assert_refused (text, CI_FACE_TEMPLATE_ERROR_GEOMETRY, 4, cases[i].says);
    }
  assert_refused ("cardissue-template 1\nname \"T\"\nmargin 0\nside front\n"
                  "text x=-0.1 y=0 w=10 h=5 text=a\n", CI_FACE_TEMPLATE_ERROR_GEOMETRY, 5,
                  "past the card's edge on the left");
}

/* Boxes that end exactly on the margin, and rects in the margin and bleed. */
static void
test_geometry_edges (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  tmpl = parse (HEAD
                "text x=28 y=13 w=55.6 h=6.5 text=a\n"
                "qr x=62.1 y=30.2 w=21.5 h=21.78\n"
                "photo x=2 y=2 w=81.6 h=49.98\n"
                "rect x=-2 y=-2 w=89.6 h=57.98\n"
                "rect x=0 y=52.48 w=85.6 h=1.5\n",
                NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tmpl->front->len, ==, 5);
}

/* A missing or wrongly named image file. */
static void
test_image_files (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *txt = g_strdup_printf (HEAD "image x=3 y=3 w=10 h=5 file=%s/logo.txt\n",
                                          f->dir);
  g_autofree char *absolute = g_strdup_printf (HEAD "image x=3 y=3 w=10 h=5 file=%s/logo.svg\n",
                                               f->dir);
  g_autofree char *dir_svg = g_build_filename (f->dir, "dir.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  assert_refused_len (HEAD "image x=3 y=3 w=10 h=5 file=logo2.svg\n",
                      strlen (HEAD "image x=3 y=3 w=10 h=5 file=logo2.svg\n"), f->dir,
                      CI_FACE_TEMPLATE_ERROR_FILE, 4, "does not exist");
  assert_refused (txt, CI_FACE_TEMPLATE_ERROR_VALUE, 4, "neither a .png nor an .svg");
  assert_refused (HEAD "image x=3 y=3 w=10 h=5 file=logo.svg\n", CI_FACE_TEMPLATE_ERROR_FILE,
                  4, "not read from a folder");
  assert_refused (HEAD "image x=3 y=3 w=10 h=5\n", CI_FACE_TEMPLATE_ERROR_MISSING, 4,
                  "needs file=");
  /* a folder named like an image is not an image */
  g_assert_cmpint (g_mkdir (dir_svg, 0700), ==, 0);
  assert_refused_len (HEAD "image x=3 y=3 w=10 h=5 file=dir.svg\n",
                      strlen (HEAD "image x=3 y=3 w=10 h=5 file=dir.svg\n"), f->dir,
                      CI_FACE_TEMPLATE_ERROR_FILE, 4, "does not exist");
  tmpl = parse (absolute, NULL, &error);
  g_assert_no_error (error);
}

/* Statements out of place, given twice, or of the wrong form. */
static void
test_structure (void)
{
  const struct
  {
    const char          *text;
    CiFaceTemplateError  code;
    guint                line;
    const char          *says;
  } cases[] = {
    { "name \"T\"\n", CI_FACE_TEMPLATE_ERROR_MISSING, 1,
      "begins with the line “cardissue-template 1”" },
    { "cardissue-template 2\n", CI_FACE_TEMPLATE_ERROR_VALUE, 1, "format version 2" },
    { "cardissue-template\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 1, "takes one value" },
    { "cardissue-template 1\ncardissue-template 1\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 2,
      "given twice (first on line 1)" },
    { "cardissue-template 1\nname T extra\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 2,
      "takes one value" },
    { "cardissue-template 1\nname=T\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 2, "not with “name=”" },
    { "cardissue-template 1\nname \"\"\n", CI_FACE_TEMPLATE_ERROR_VALUE, 2, "name is empty" },
    { "cardissue-template 1\nmode inkjet\n", CI_FACE_TEMPLATE_ERROR_VALUE, 2, "not “inkjet”" },
    { HEAD "margin 1\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4, "belongs to the header" },
    { HEAD "side front\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4, "given twice (first on line 3)" },
    { HEAD "side middle\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4, "front or back" },
    { HEAD "background #fff\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4, "not a colour" },
    { HEAD "background #ffffff\nbackground #ffffff\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 5,
      "given twice" },
    { "cardissue-template 1\nname \"T\"\nmode laser\nside front\nbackground #000000\n",
      CI_FACE_TEMPLATE_ERROR_VALUE, 5, "in laser mode" },
    { "cardissue-template 1\nbackground #ffffff\n", CI_FACE_TEMPLATE_ERROR_MISSING, 2,
      "belongs to a side" },
    { "cardissue-template 1\nname \"T\"\ntext x=3 y=3 w=10 h=5 text=a\n",
      CI_FACE_TEMPLATE_ERROR_MISSING, 3, "belongs to a side" },
    { HEAD "text x=3 y=3 w=10 h=5 text=a field=card.serial\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4,
      "both field= and text=" },
    { HEAD "text x=3 y=3 w=10 h=5 text=a x=4\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
      "x= is given twice" },
    { HEAD "rect x=3 y=3 w=10 h=5 colour=#000000 color=#ffffff\n",
      CI_FACE_TEMPLATE_ERROR_SYNTAX, 4, "given twice" },
    { HEAD "text x=3 y=3 w=10 h=5 text=a colour=zone.colour\n", CI_FACE_TEMPLATE_ERROR_VALUE,
      4, "for a rect only" },
    { HEAD "text x=3 y=3 w=10 h=5 text=\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4, "text= has no value" },
    { HEAD "text x=3 y=3 w=10 h=5 hello\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
      "“hello” is not key=value" },
    { HEAD "text x=3 y=3 w=10 h=5 text=a\"b\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
      "quote at column 29" },
    { HEAD "text x=3 y=3 w=10 h=5 text=\"a\"b\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
      "space after the closing quote" },
    { HEAD "text x=3 y=3 w=10 h=5 text=\"a\\nb\"\n", CI_FACE_TEMPLATE_ERROR_SYNTAX, 4,
      "backslash at column 30" },
    { HEAD "text x=3 y=3 w=10 h=5 text=a align=left\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4,
      "start, centre or end" },
    { HEAD "photo x=3 y=3 w=10 h=5 crop=top\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4, "face" },
    { HEAD "photo x=3 y=3 w=10 h=5 grayscale=maybe\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4,
      "yes or no" },
    { HEAD "qr x=3 y=3 w=10 h=10 ecc=X\n", CI_FACE_TEMPLATE_ERROR_VALUE, 4, "L, M, Q or H" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (cases[i].text, cases[i].code, cases[i].line, cases[i].says);
}

/* At most 500 elements on a side. */
static void
test_element_limit (void)
{
  g_autoptr(GString) text = g_string_new (HEAD);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  for (guint i = 0; i < 500; i++)
    g_string_append (text, "rect x=0 y=0 w=1 h=1\n");
  tmpl = parse (text->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tmpl->front->len, ==, 500);
  g_string_append (text, "side back\nrect x=0 y=0 w=1 h=1\n");
  g_clear_pointer (&tmpl, ci_face_template_free);
  tmpl = parse (text->str, NULL, &error);
  g_assert_no_error (error);
  g_string_append (text, "side front\n");
  g_string_append (text, "rect x=0 y=0 w=1 h=1\n");
  assert_refused (text->str, CI_FACE_TEMPLATE_ERROR_SYNTAX, 506, "given twice");
  g_string_truncate (text, text->len - strlen ("side front\nrect x=0 y=0 w=1 h=1\n"));
  g_string_replace (text, "side back\n", "", 1);
  assert_refused (text->str, CI_FACE_TEMPLATE_ERROR_VALUE, 504, "already has 500 elements");
}

/* More than 1 MiB is refused before it is parsed, from memory and from disk. */
static void
test_huge_file (Fixture       *f,
                gconstpointer  data)
{
  gsize len = 1024 * 1024 + 1;
  g_autofree char *text = g_malloc (len);
  g_autofree char *path = g_build_filename (f->dir, "huge.cardface", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  memset (text, '\n', len);
  tmpl = ci_face_template_parse (text, len, ORIGIN, NULL, &error);
  g_assert_null (tmpl);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "larger than 1 MiB"));
  g_clear_error (&error);
  g_file_set_contents (path, text, (gssize) len, &error);
  g_assert_no_error (error);
  tmpl = ci_face_template_load (path, &error);
  g_assert_null (tmpl);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, path));
  /* exactly 1 MiB of blank lines is read, and is empty */
  g_clear_error (&error);
  tmpl = ci_face_template_parse (text, len - 1, ORIGIN, NULL, &error);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_MISSING);
  g_assert_true (g_str_has_prefix (error->message, ORIGIN ":1048576: "));
}

/* Windows line endings read the same; a file's folder finds its images. */
static void
test_crlf_and_load (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *source = g_build_filename (TEMPLATES_DIR, "colour-badge.cardface", NULL);
  g_autofree char *logo = g_build_filename (TEMPLATES_DIR, "cardissue-logo.svg", NULL);
  g_autofree char *text = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "crlf badge.v2.cardface", NULL);
  g_autofree char *logo_copy = g_build_filename (f->dir, "cardissue-logo.svg", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "nothing.cardface", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) lf = load_shipped ("colour-badge.cardface");
  g_autoptr(CiFaceTemplate) crlf = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *svg = NULL;
  gsize svg_len;

  g_file_get_contents (source, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  joined = g_strjoinv ("\r\n", lines);
  g_file_set_contents (copy, joined, -1, &error);
  g_assert_no_error (error);
  /* without the logo next to it, the image line fails */
  crlf = ci_face_template_load (copy, &error);
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_assert_true (g_str_has_prefix (error->message, copy));
  g_clear_error (&error);
  g_file_get_contents (logo, &svg, &svg_len, &error);
  g_file_set_contents (logo_copy, svg, (gssize) svg_len, &error);
  g_assert_no_error (error);
  crlf = ci_face_template_load (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crlf->id, ==, "crlf badge.v2");
  g_assert_cmpstr (crlf->name, ==, lf->name);
  g_assert_cmpuint (crlf->front->len, ==, lf->front->len);
  g_assert_cmpuint (crlf->back->len, ==, lf->back->len);
  for (guint i = 0; i < lf->front->len; i++)
    {
      CiFaceElement *a = lf->front->pdata[i];
      CiFaceElement *b = crlf->front->pdata[i];

      g_assert_cmpuint (a->line, ==, b->line);
      g_assert_cmpstr (a->text, ==, b->text);
      g_assert_cmpstr (a->field, ==, b->field);
      g_assert_cmpstr (a->font, ==, b->font);
    }
  g_assert_null (ci_face_template_load (missing, &error));
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_clear_error (&error);
  g_assert_null (ci_face_template_load (f->dir, &error));
  g_assert_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE);
  g_test_message ("%s", error->message);
}

/* "#" starts a comment at the start of a line or as a word of its own. */
static void
test_comments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiFaceTemplate) tmpl = NULL;

  tmpl = parse ("#comment\n"
                "   # indented comment\n"
                "cardissue-template 1 #\n"
                "name \"# not a comment\"\t# a comment\n"
                "side front # front\n"
                "background #102030 # a colour, then a comment\n"
                "text x=3 y=3 w=10 h=5 text=#hash colour=#ffffff # white\n",
                NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tmpl->name, ==, "# not a comment");
  g_assert_cmphex (tmpl->background[CI_FACE_FRONT], ==, 0x102030FF);
  g_assert_cmpstr (element (tmpl, CI_FACE_FRONT, 0)->text, ==, "#hash");
  g_assert_cmphex (element (tmpl, CI_FACE_FRONT, 0)->colour, ==, 0xFFFFFFFF);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/face-template/shipped/colour", test_shipped_colour);
  g_test_add_func ("/face-template/shipped/laser", test_shipped_laser);
  g_test_add ("/face-template/defaults", Fixture, NULL, fixture_set_up, test_defaults,
              fixture_tear_down);
  g_test_add ("/face-template/every-key", Fixture, NULL, fixture_set_up, test_every_key,
              fixture_tear_down);
  g_test_add ("/face-template/error-classes", Fixture, NULL, fixture_set_up,
              test_error_classes, fixture_tear_down);
  g_test_add_func ("/face-template/empty", test_empty);
  g_test_add_func ("/face-template/unknown-field", test_unknown_field);
  g_test_add_func ("/face-template/long-lines", test_long_lines);
  g_test_add_func ("/face-template/bad-bytes", test_bad_bytes);
  g_test_add_func ("/face-template/numbers", test_numbers);
  g_test_add_func ("/face-template/geometry", test_geometry);
  g_test_add_func ("/face-template/geometry-edges", test_geometry_edges);
  g_test_add ("/face-template/image-files", Fixture, NULL, fixture_set_up, test_image_files,
              fixture_tear_down);
  g_test_add_func ("/face-template/structure", test_structure);
  g_test_add_func ("/face-template/element-limit", test_element_limit);
  g_test_add ("/face-template/huge-file", Fixture, NULL, fixture_set_up, test_huge_file,
              fixture_tear_down);
  g_test_add ("/face-template/crlf-and-load", Fixture, NULL, fixture_set_up,
              test_crlf_and_load, fixture_tear_down);
  g_test_add_func ("/face-template/comments", test_comments);
  return g_test_run ();
}
