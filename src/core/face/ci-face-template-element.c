/* ci-face-template-element.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Card face templates: the elements (text, photo, qr, image, rect), their
 * keys and defaults, and the geometry rules of docs/card-face-templates.md §2.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "face/ci-face-template-private.h"

#define MAX_ELEMENTS     500
#define BLEED_MM         2.0     /* how far past the edge a rect may reach */
#define MAX_COORD_MM     1000.0
#define MIN_SIZE_PT      1.0
#define MIN_MIN_SIZE_PT  0.5
#define MAX_SIZE_PT      144.0
#define EPSILON_MM       1e-6    /* so that 28 + 55.6 still ends at 83.6 */

#define DEFAULT_FONT           "DejaVu Sans"
#define DEFAULT_SIZE_PT        8.0
#define DEFAULT_MIN_SIZE_RATIO 0.6
#define DEFAULT_WEIGHT         400
#define DEFAULT_COLOUR         0x000000FFu
#define ZONE_COLOUR            "zone.colour"

typedef enum
{
  KEY_X         = 1 << 0,
  KEY_Y         = 1 << 1,
  KEY_W         = 1 << 2,
  KEY_H         = 1 << 3,
  KEY_FIELD     = 1 << 4,
  KEY_TEXT      = 1 << 5,
  KEY_FONT      = 1 << 6,
  KEY_SIZE      = 1 << 7,
  KEY_MIN_SIZE  = 1 << 8,
  KEY_WEIGHT    = 1 << 9,
  KEY_COLOUR    = 1 << 10,
  KEY_ALIGN     = 1 << 11,
  KEY_RADIUS    = 1 << 12,
  KEY_CROP      = 1 << 13,
  KEY_GRAYSCALE = 1 << 14,
  KEY_ECC       = 1 << 15,
  KEY_FILE      = 1 << 16,
} Key;

#define KEYS_BOX (KEY_X | KEY_Y | KEY_W | KEY_H)

typedef gboolean (*KeyFunc) (CiFaceTemplateParser       *p,
                             CiFaceElement              *e,
                             const CiFaceTemplateToken  *t,
                             GError                    **error);

static gboolean fail (CiFaceTemplateParser  *p,
                      GError               **error,
                      CiFaceTemplateError    code,
                      const char            *format,
                      ...) G_GNUC_PRINTF (4, 5);

/* "ORIGIN:LINE: what is wrong", as every message of the reader reads. */
static gboolean
fail (CiFaceTemplateParser  *p,
      GError               **error,
      CiFaceTemplateError    code,
      const char            *format,
      ...)
{
  va_list args;

  va_start (args, format);
  _ci_face_template_failv (p, error, code, format, args);
  va_end (args);
  return FALSE;
}

void
_ci_face_template_element_free (gpointer data)
{
  CiFaceElement *e = data;

  g_free (e->field);
  g_free (e->text);
  g_free (e->font);
  g_free (e->path);
  g_free (e);
}

/* ---- keys ---------------------------------------------------------------- */

static gboolean
key_x (CiFaceTemplateParser       *p,
       CiFaceElement              *e,
       const CiFaceTemplateToken  *t,
       GError                    **error)
{
  return _ci_face_template_parse_number (p, t, -MAX_COORD_MM, FALSE, MAX_COORD_MM, "mm",
                                         &e->box.x, error);
}

static gboolean
key_y (CiFaceTemplateParser       *p,
       CiFaceElement              *e,
       const CiFaceTemplateToken  *t,
       GError                    **error)
{
  return _ci_face_template_parse_number (p, t, -MAX_COORD_MM, FALSE, MAX_COORD_MM, "mm",
                                         &e->box.y, error);
}

static gboolean
key_w (CiFaceTemplateParser       *p,
       CiFaceElement              *e,
       const CiFaceTemplateToken  *t,
       GError                    **error)
{
  return _ci_face_template_parse_number (p, t, 0, TRUE, MAX_COORD_MM, "mm", &e->box.width, error);
}

static gboolean
key_h (CiFaceTemplateParser       *p,
       CiFaceElement              *e,
       const CiFaceTemplateToken  *t,
       GError                    **error)
{
  return _ci_face_template_parse_number (p, t, 0, TRUE, MAX_COORD_MM, "mm", &e->box.height, error);
}

static gboolean
key_size (CiFaceTemplateParser       *p,
          CiFaceElement              *e,
          const CiFaceTemplateToken  *t,
          GError                    **error)
{
  /* Translators: the unit of font sizes, in messages such as “size=90 is out of
   * range: it must be at least 1 and at most 144 points”. */
  return _ci_face_template_parse_number (p, t, MIN_SIZE_PT, FALSE, MAX_SIZE_PT, _("points"),
                                         &e->size_pt, error);
}

static gboolean
key_min_size (CiFaceTemplateParser       *p,
              CiFaceElement              *e,
              const CiFaceTemplateToken  *t,
              GError                    **error)
{
  return _ci_face_template_parse_number (p, t, MIN_MIN_SIZE_PT, FALSE, MAX_SIZE_PT, _("points"),
                                         &e->min_size_pt, error);
}

static gboolean
key_radius (CiFaceTemplateParser       *p,
            CiFaceElement              *e,
            const CiFaceTemplateToken  *t,
            GError                    **error)
{
  return _ci_face_template_parse_number (p, t, 0, FALSE, MAX_COORD_MM, "mm", &e->radius_mm, error);
}

static gboolean
key_field (CiFaceTemplateParser       *p,
           CiFaceElement              *e,
           const CiFaceTemplateToken  *t,
           GError                    **error)
{
  g_autofree char *known = NULL;
  g_autofree char *value = NULL;

  if (ci_face_field_is_known (t->value))
    {
      e->field = g_strdup (t->value);
      return TRUE;
    }
  known = g_strjoinv (", ", (char **) ci_face_fields ());
  value = _ci_face_template_echo (t->value);
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_UNKNOWN,
               _("unknown field “%s”; the fields are: %s"), value, known);
}

static gboolean
key_text (CiFaceTemplateParser       *p,
          CiFaceElement              *e,
          const CiFaceTemplateToken  *t,
          GError                    **error)
{
  e->text = g_strdup (t->value);
  return TRUE;
}

static gboolean
key_font (CiFaceTemplateParser       *p,
          CiFaceElement              *e,
          const CiFaceTemplateToken  *t,
          GError                    **error)
{
  g_free (e->font);
  e->font = g_strdup (t->value);
  return TRUE;
}

static gboolean
key_weight (CiFaceTemplateParser       *p,
            CiFaceElement              *e,
            const CiFaceTemplateToken  *t,
            GError                    **error)
{
  static const CiFaceTemplateWord words[] = {
    { "thin", 100 }, { "light", 300 }, { "normal", 400 }, { "regular", 400 },
    { "medium", 500 }, { "semibold", 600 }, { "bold", 700 }, { "heavy", 900 },
  };
  g_autofree char *value = _ci_face_template_echo (t->value);
  double number;

  if (_ci_face_template_parse_word (words, G_N_ELEMENTS (words), t->value, &e->weight))
    return TRUE;
  if (_ci_face_template_parse_decimal (t->value, &number) && isfinite (number)
      && number >= 100 && number <= 1000 && number == floor (number))
    {
      e->weight = (int) number;
      return TRUE;
    }
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
               /* Translators: weight=, thin, light, normal, medium, semibold, bold and heavy are
                * words of the template file and stay as they are. */
               _("weight=%s is not a weight: write a whole number from 100 to 1000 (400 normal, "
                 "700 bold) or thin, light, normal, medium, semibold, bold or heavy"), value);
}

static gboolean
key_colour (CiFaceTemplateParser       *p,
            CiFaceElement              *e,
            const CiFaceTemplateToken  *t,
            GError                    **error)
{
  g_autofree char *value = _ci_face_template_echo (t->value);

  if (strcmp (t->value, ZONE_COLOUR) == 0)
    {
      if (e->kind == CI_FACE_ELEMENT_RECT)
        {
          e->field = g_strdup (ZONE_COLOUR);
          return TRUE;
        }
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                   /* Translators: colour=, rect and %s (an element keyword such as text) are words
                    * of the template file and stay as they are. */
                   _("colour=%s is for a rect only; give a %s a colour such as #000000"),
                   ZONE_COLOUR, p->kind_name);
    }
  if (_ci_face_template_parse_colour (t->value, &e->colour))
    return TRUE;
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
               e->kind == CI_FACE_ELEMENT_RECT
               /* Translators: the key, #rrggbb, #rrggbbaa and zone.colour are words of the template
                * file and stay as they are. */
               ? _("%s=%s is not a colour: write #rrggbb or #rrggbbaa in hex, such as #1c71d8, "
                   "or zone.colour")
               : _("%s=%s is not a colour: write #rrggbb or #rrggbbaa in hex, such as #1c71d8"),
               t->key, value);
}

static gboolean
key_align (CiFaceTemplateParser       *p,
           CiFaceElement              *e,
           const CiFaceTemplateToken  *t,
           GError                    **error)
{
  static const CiFaceTemplateWord words[] = {
    { "start", CI_FACE_ALIGN_START }, { "centre", CI_FACE_ALIGN_CENTRE },
    { "center", CI_FACE_ALIGN_CENTRE }, { "end", CI_FACE_ALIGN_END },
  };
  g_autofree char *value = _ci_face_template_echo (t->value);
  int align;

  if (!_ci_face_template_parse_word (words, G_N_ELEMENTS (words), t->value, &align))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 /* Translators: align=, start, centre and end are words of the template file and
                  * stay as they are. */
                 _("align=%s is not an alignment: write start, centre or end"), value);
  e->align = (CiFaceAlign) align;
  return TRUE;
}

static gboolean
key_crop (CiFaceTemplateParser       *p,
          CiFaceElement              *e,
          const CiFaceTemplateToken  *t,
          GError                    **error)
{
  static const CiFaceTemplateWord words[] = {
    { "face", CI_FACE_CROP_FACE }, { "centre", CI_FACE_CROP_CENTRE },
    { "center", CI_FACE_CROP_CENTRE },
  };
  g_autofree char *value = _ci_face_template_echo (t->value);
  int crop;

  if (!_ci_face_template_parse_word (words, G_N_ELEMENTS (words), t->value, &crop))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 /* Translators: crop=, face and centre are words of the template file and stay as
                  * they are. */
                 _("crop=%s is not a crop: write face (around the face) or centre"), value);
  e->crop = (CiFaceCrop) crop;
  return TRUE;
}

static gboolean
key_grayscale (CiFaceTemplateParser       *p,
               CiFaceElement              *e,
               const CiFaceTemplateToken  *t,
               GError                    **error)
{
  static const CiFaceTemplateWord words[] = { { "yes", TRUE }, { "no", FALSE } };
  g_autofree char *value = _ci_face_template_echo (t->value);

  if (!_ci_face_template_parse_word (words, G_N_ELEMENTS (words), t->value, &e->grayscale))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 /* Translators: grayscale=, yes and no are words of the template file and stay as
                  * they are. */
                 _("grayscale=%s is not yes or no"), value);
  return TRUE;
}

static gboolean
key_ecc (CiFaceTemplateParser       *p,
         CiFaceElement              *e,
         const CiFaceTemplateToken  *t,
         GError                    **error)
{
  static const CiFaceTemplateWord words[] = {
    { "L", CI_FACE_QR_ECC_L }, { "M", CI_FACE_QR_ECC_M },
    { "Q", CI_FACE_QR_ECC_Q }, { "H", CI_FACE_QR_ECC_H },
  };
  g_autofree char *value = _ci_face_template_echo (t->value);
  int ecc;

  if (!_ci_face_template_parse_word (words, G_N_ELEMENTS (words), t->value, &ecc))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 /* Translators: ecc=, L, M, Q and H are words of the template file and stay as they
                  * are. */
                 _("ecc=%s is not an error-correction level: write L, M, Q or H"), value);
  e->ecc = (CiFaceQrEcc) ecc;
  return TRUE;
}

static gboolean
has_image_suffix (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".svg");
}

static gboolean
key_file (CiFaceTemplateParser       *p,
          CiFaceElement              *e,
          const CiFaceTemplateToken  *t,
          GError                    **error)
{
  g_autofree char *value = _ci_face_template_echo (t->value);

  if (!has_image_suffix (t->value))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("file=%s is neither a .png nor an .svg file"), value);
  if (g_path_is_absolute (t->value))
    e->path = g_canonicalize_filename (t->value, NULL);
  else if (p->base_dir != NULL)
    e->path = g_canonicalize_filename (t->value, p->base_dir);
  else
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_FILE,
                 _("file=%s is relative, but this template was not read from a folder: "
                   "name the file with its full path"), value);
  if (!g_file_test (e->path, G_FILE_TEST_IS_REGULAR))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_FILE,
                 _("the image file %s does not exist (file= is relative to the template's "
                   "folder)"), e->path);
  return TRUE;
}

/* The aliases come after the name they stand for and are not listed. */
static const struct
{
  const char *name;
  Key         key;
  KeyFunc     func;
  gboolean    alias;
} keys[] = {
  { "x", KEY_X, key_x, FALSE },
  { "y", KEY_Y, key_y, FALSE },
  { "w", KEY_W, key_w, FALSE },
  { "h", KEY_H, key_h, FALSE },
  { "field", KEY_FIELD, key_field, FALSE },
  { "text", KEY_TEXT, key_text, FALSE },
  { "font", KEY_FONT, key_font, FALSE },
  { "size", KEY_SIZE, key_size, FALSE },
  { "min-size", KEY_MIN_SIZE, key_min_size, FALSE },
  { "weight", KEY_WEIGHT, key_weight, FALSE },
  { "colour", KEY_COLOUR, key_colour, FALSE },
  { "color", KEY_COLOUR, key_colour, TRUE },
  { "align", KEY_ALIGN, key_align, FALSE },
  { "radius", KEY_RADIUS, key_radius, FALSE },
  { "crop", KEY_CROP, key_crop, FALSE },
  { "grayscale", KEY_GRAYSCALE, key_grayscale, FALSE },
  { "ecc", KEY_ECC, key_ecc, FALSE },
  { "file", KEY_FILE, key_file, FALSE },
};

static const struct
{
  const char        *name;
  CiFaceElementKind  kind;
  guint              keys;
} kinds[] = {
  { "text", CI_FACE_ELEMENT_TEXT, KEYS_BOX | KEY_FIELD | KEY_TEXT | KEY_FONT | KEY_SIZE
                                  | KEY_MIN_SIZE | KEY_WEIGHT | KEY_COLOUR | KEY_ALIGN },
  { "photo", CI_FACE_ELEMENT_PHOTO, KEYS_BOX | KEY_CROP | KEY_GRAYSCALE },
  { "qr", CI_FACE_ELEMENT_QR, KEYS_BOX | KEY_ECC },
  { "image", CI_FACE_ELEMENT_IMAGE, KEYS_BOX | KEY_FILE },
  { "rect", CI_FACE_ELEMENT_RECT, KEYS_BOX | KEY_COLOUR | KEY_RADIUS },
};

/* "x=, w=" — the keys of @mask, for messages. */
static char *
key_list (guint       mask,
          const char *suffix)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if ((mask & keys[i].key) != 0 && !keys[i].alias)
      g_string_append_printf (list, "%s%s%s", list->len > 0 ? ", " : "", keys[i].name, suffix);
  return g_string_free (g_steal_pointer (&list), FALSE);
}

/* ---- elements ------------------------------------------------------------ */

static CiFaceElement *
element_new (CiFaceElementKind kind,
             guint             line)
{
  CiFaceElement *e = g_new0 (CiFaceElement, 1);

  e->kind = kind;
  e->line = line;
  if (kind == CI_FACE_ELEMENT_TEXT)
    {
      e->font = g_strdup (DEFAULT_FONT);
      e->size_pt = DEFAULT_SIZE_PT;
      e->weight = DEFAULT_WEIGHT;
    }
  e->align = CI_FACE_ALIGN_START;
  e->colour = DEFAULT_COLOUR;
  e->crop = CI_FACE_CROP_FACE;
  e->grayscale = FALSE;
  e->ecc = CI_FACE_QR_ECC_M;
  return e;
}

static gboolean
apply_key (CiFaceTemplateParser       *p,
           CiFaceElement              *e,
           guint                       allowed,
           guint                      *seen,
           const CiFaceTemplateToken  *t,
           GError                    **error)
{
  g_autofree char *value = NULL;
  g_autofree char *list = NULL;

  if (t->key == NULL)
    {
      value = _ci_face_template_echo (t->value);
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                   /* Translators: key=value and the example element are words of the template file
                    * and stay as they are. */
                   _("“%s” is not key=value: an element is written like "
                     "text x=30 y=12 w=52 h=7 field=employee.full_name"), value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (strcmp (keys[i].name, t->key) != 0 || (allowed & keys[i].key) == 0)
        continue;
      if ((*seen & keys[i].key) != 0)
        return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX, _("%s= is given twice"), t->key);
      *seen |= keys[i].key;
      if (*t->value == '\0')
        return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE, _("%s= has no value"), t->key);
      return keys[i].func (p, e, t, error);
    }
  value = _ci_face_template_echo (t->key);
  list = key_list (allowed, "=");
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_UNKNOWN,
               /* Translators: the element keyword (%s, such as text) and the keys are words of the
                * template file and stay as they are. */
               _("a %s has no key “%s”; its keys are: %s"), p->kind_name, value, list);
}

static gboolean
check_required (CiFaceTemplateParser  *p,
                CiFaceElement         *e,
                guint                  seen,
                GError               **error)
{
  g_autofree char *missing = key_list (KEYS_BOX & ~seen, "=");

  if (*missing != '\0')
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 /* Translators: the element keyword (%s, such as text) and the keys x=, y=, w=, h=
                  * are words of the template file and stay as they are. */
                 _("the %s needs %s: its box in mm (x and y of the top-left corner, w wide, h "
                   "high)"), p->kind_name, missing);
  if (e->kind == CI_FACE_ELEMENT_TEXT && (seen & (KEY_FIELD | KEY_TEXT)) == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 /* Translators: text, field= and text= are words of the template file and stay as
                  * they are. */
                 _("the text needs field= (such as field=employee.full_name) or text= "
                   "(fixed words in quotes)"));
  if (e->kind == CI_FACE_ELEMENT_TEXT && (seen & KEY_FIELD) != 0 && (seen & KEY_TEXT) != 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("the text has both field= and text=: give one of them"));
  if (e->kind == CI_FACE_ELEMENT_IMAGE && (seen & KEY_FILE) == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 _("the image needs file= (a .png or .svg file next to the template)"));
  return TRUE;
}

static gboolean
check_values (CiFaceTemplateParser  *p,
              CiFaceElement         *e,
              guint                  seen,
              GError               **error)
{
  double shorter = MIN (e->box.width, e->box.height);

  if (e->kind == CI_FACE_ELEMENT_TEXT && (seen & KEY_MIN_SIZE) == 0)
    e->min_size_pt = e->size_pt * DEFAULT_MIN_SIZE_RATIO;
  if (e->kind == CI_FACE_ELEMENT_TEXT && e->min_size_pt > e->size_pt)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("min-size=%g is larger than size=%g: a text is set in size and shrinks down "
                   "to min-size to fit its box"), e->min_size_pt, e->size_pt);
  if (e->radius_mm > shorter / 2 + EPSILON_MM)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("radius=%g is more than half the rect's shorter side (%g mm)"), e->radius_mm,
                 shorter / 2);
  return TRUE;
}

/* Only rects may reach into the safe margin, and past the edge by the bleed. */
static gboolean
check_geometry (CiFaceTemplateParser  *p,
                const CiFaceElement   *e,
                GError               **error)
{
  const CiFaceBox *b = &e->box;
  gboolean rect = e->kind == CI_FACE_ELEMENT_RECT;
  double inset = rect ? -BLEED_MM : p->tmpl->margin_mm;
  double right = CI_FACE_CARD_WIDTH_MM - inset;
  double bottom = CI_FACE_CARD_HEIGHT_MM - inset;
  g_autofree char *what = NULL;

  if (rect)
    /* Translators: in this and the next two messages, %s is an element keyword of
     * the template (text, photo, qr, image or rect) and the %g are sizes in mm.
     * They begin the messages “%s on the left: …” and the like. */
    what = g_strdup_printf (_("the %s box (x=%g y=%g w=%g h=%g) reaches more than %g mm past "
                              "the card's edge"),
                            p->kind_name, b->x, b->y, b->width, b->height, BLEED_MM);
  else if (p->tmpl->margin_mm == 0)
    /* Translators: %s is an element keyword of the template (text, photo, qr, image or
     * rect) and the %g are sizes in mm. */
    what = g_strdup_printf (_("the %s box (x=%g y=%g w=%g h=%g) reaches past the card's edge"),
                            p->kind_name, b->x, b->y, b->width, b->height);
  else
    /* Translators: %s is an element keyword of the template (text, photo, qr, image or
     * rect) and the %g are sizes in mm. */
    what = g_strdup_printf (_("the %s box (x=%g y=%g w=%g h=%g) reaches into the %g mm safe "
                              "margin"),
                            p->kind_name, b->x, b->y, b->width, b->height, p->tmpl->margin_mm);
  if (b->x < inset - EPSILON_MM)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_GEOMETRY,
                 /* Translators: %s is a message such as “the text box (x=1 y=2 w=50
                  * h=7) reaches past the card's edge”; %g a position in mm. */
                 _("%s on the left: x must be at least %g"), what, inset);
  if (b->y < inset - EPSILON_MM)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_GEOMETRY,
                 /* Translators: %s is a message such as “the text box (x=1 y=2 w=50
                  * h=7) reaches past the card's edge”; %g a position in mm. */
                 _("%s at the top: y must be at least %g"), what, inset);
  if (b->x + b->width > right + EPSILON_MM)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_GEOMETRY,
                 /* Translators: %s is a message such as “the text box (x=1 y=2 w=50
                  * h=7) reaches past the card's edge”; %.2f are positions in mm. */
                 _("%s on the right: x + w is %.2f and may be at most %.2f"), what,
                 b->x + b->width, right);
  if (b->y + b->height > bottom + EPSILON_MM)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_GEOMETRY,
                 /* Translators: %s is a message such as “the text box (x=1 y=2 w=50
                  * h=7) reaches past the card's edge”; %.2f are positions in mm. */
                 _("%s at the bottom: y + h is %.2f and may be at most %.2f"), what,
                 b->y + b->height, bottom);
  return TRUE;
}

/**
 * _ci_face_template_element_kind:
 * @keyword: the first word of a line
 *
 * Returns: the index of the element kind @keyword names, for
 *   _ci_face_template_parse_element(), or -1 if it names none
 */
int
_ci_face_template_element_kind (const char *keyword)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].name, keyword) == 0)
      return (int) i;
  return -1;
}

/**
 * _ci_face_template_parse_element:
 * @kind: from _ci_face_template_element_kind()
 * @tokens: the line's words, the keyword first
 *
 * Adds the element to the current side, its defaults filled in, or fails
 * naming the line.
 */
gboolean
_ci_face_template_parse_element (CiFaceTemplateParser  *p,
                                 int                    kind,
                                 GPtrArray             *tokens,
                                 GError               **error)
{
  GPtrArray *elements;
  CiFaceElement *e;
  guint seen = 0;

  p->kind_name = kinds[kind].name;
  if (p->side < 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 /* Translators: the element keyword (%s, such as text), “side front” and “side
                  * back” are words of the template file and stay as they are. */
                 _("the %s belongs to a side: put “side front” or “side back” before it"),
                 p->kind_name);
  elements = ci_face_template_get_side (p->tmpl, (CiFaceSide) p->side);
  if (elements->len >= MAX_ELEMENTS)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 p->side == CI_FACE_FRONT
                 ? _("the front side already has %d elements, the most a side may have")
                 : _("the back side already has %d elements, the most a side may have"),
                 MAX_ELEMENTS);
  /* Owned by the template from here on, so an error frees it with the rest. */
  e = element_new (kinds[kind].kind, p->line);
  g_ptr_array_add (elements, e);
  for (guint i = 1; i < tokens->len; i++)
    if (!apply_key (p, e, kinds[kind].keys, &seen, tokens->pdata[i], error))
      return FALSE;
  return check_required (p, e, seen, error)
         && check_values (p, e, seen, error)
         && check_geometry (p, e, error);
}
