/* ci-face-render.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One side of the card face onto any cairo context: the card body, then the
 * template's elements in order. Text, shapes and the QR code are drawn here,
 * photos and logos in ci-face-render-image.c, files in ci-face-export.c.
 *
 * Laser mode (CI_FACE_LASER): the engraver marks black on the card body and
 * nothing else, so every colour becomes black or white: black when its
 * luminance (Rec. 601 luma) is below 50 %, white otherwise; a colour whose
 * alpha is below 50 % is not drawn at all. Shapes, clips and glyphs are drawn
 * without antialiasing, so a raster output holds only black and white pixels.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "face/ci-face-render-private.h"

#include <math.h>
#include <qrencode.h>
#include <string.h>

#define DEFAULT_FONT      "DejaVu Sans"
#define TEXT_STEP_PT      0.25
#define QR_QUIET_MODULES  4

#define PLACEHOLDER_INK    0xC81E1EFF
#define PLACEHOLDER_GROUND 0xFFE4E4FF
#define PLACEHOLDER_PLATE  0xFFFFFFFF

/**
 * ci_face_release_caches:
 *
 * Drops Pango's font map and cairo's font caches, which otherwise live until
 * the program exits. For tests about to exit under a leak checker: what is
 * left then is what we leaked. cairo asserts that nothing of its is alive
 * any more, so never in a program: a font map another thread still holds
 * (fontconfig loads in one of Pango's) would abort it.
 */
void
ci_face_release_caches (void)
{
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();
}

/* Problems ------------------------------------------------------------------------------------ */

typedef struct
{
  const char *field;
  const char *label;
  const char *missing;
} FieldText;

/* The texts are marked with N_() and translated where they are used. */
static const FieldText field_texts[] = {
  /* Translators: the labels (“employee number”) are drawn as “‹employee number›”
   * on the card preview where the value is missing; the sentences are shown
   * beside it. */
  { "employee.number", N_("employee number"),
    N_("The employee number is missing: enter it before issuing.") },
  { "employee.given_name", N_("given name"),
    N_("The employee's given name is missing: enter it before issuing.") },
  { "employee.family_name", N_("family name"),
    N_("The employee's family name is missing: enter it before issuing.") },
  { "employee.full_name", N_("name"),
    N_("The employee's name is missing: enter it before issuing.") },
  { "employee.department", N_("department"),
    N_("The employee's department is missing: enter it before issuing.") },
  { "employee.job_title", N_("job title"),
    N_("The employee's job title is missing: enter it before issuing.") },
  { "employee.valid_from", N_("valid from"),
    N_("The date the employee's access starts is missing: enter it before issuing.") },
  { "employee.valid_until", N_("valid until"),
    N_("The date the employee's access ends is missing: enter it before issuing.") },
  { "card.serial", N_("card serial"),
    N_("The card serial is missing: it is known once a card is in the reader.") },
  { "card.expiry", N_("expiry date"),
    N_("The card's expiry date is missing: set it before issuing.") },
  { "card.issued", N_("issue date"),
    N_("The card's issue date is missing: it is set when the card is issued.") },
  { "zone.level", N_("zone level"),
    N_("The employee has no zone level: grant a zone before issuing.") },
  { "zone.colour", N_("zone colour"),
    N_("The employee has no zone, so the colour band has no colour: grant a zone before "
       "issuing.") },
};

static const FieldText *
field_text (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_texts); i++)
    if (g_str_equal (field_texts[i].field, field))
      return &field_texts[i];
  return NULL;
}

/**
 * ci_face_problem_free:
 * @problem: (nullable) (transfer full): a problem
 *
 * The free function for arrays passed as @problems.
 */
void
ci_face_problem_free (CiFaceProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

void
_ci_face_add_problem (CiFaceRenderCtx     *ctx,
                      const CiFaceElement *element,
                      const char          *field,
                      const char          *format,
                      ...)
{
  CiFaceProblem *problem;
  va_list args;

  if (ctx->problems == NULL)
    return;
  problem = g_new0 (CiFaceProblem, 1);
  problem->side = ctx->side;
  problem->line = element->line;
  problem->field = g_strdup (field);
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("Card face, %s, line %u: %s", ctx->side == CI_FACE_FRONT ? "front" : "back",
           problem->line, problem->message);
  g_ptr_array_add (ctx->problems, problem);
}

static void
missing_field (CiFaceRenderCtx     *ctx,
               const CiFaceElement *element,
               const char          *field)
{
  const FieldText *text = field_text (field);
  g_autofree char *label = g_strdup_printf ("‹%s›", text ? _(text->label) : field);

  if (text != NULL)
    _ci_face_add_problem (ctx, element, field, "%s", _(text->missing));
  else
    _ci_face_add_problem (ctx, element, field,
                          /* Translators: %s is a field name of the template, such as
                           * employee.department. */
                          _("The template shows “%s”, which has no value here: fill it in or "
                            "fix the template."), field);
  _ci_face_draw_placeholder (ctx, &element->box, label);
}

/* Context ------------------------------------------------------------------------------------- */

static PangoContext *
pango_context_for (cairo_t  *cr,
                   gboolean  laser)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted metrics and unrounded glyph positions: a line is as wide at
   * 150 dpi as at 600 dpi or in a PDF, so text shrinks and ellipsizes the
   * same way in every output. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (options, laser ? CAIRO_ANTIALIAS_NONE : CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);

  /* One user unit is a millimetre: 25.4 of them to the inch, so a size in
   * points comes out as size × 25.4 / 72 mm. */
  pango_cairo_context_set_resolution (context, 25.4);

  /* With a left-to-right base, PANGO_ALIGN_LEFT means "start": Pango swaps
   * left and right for a paragraph it finds to be right-to-left. */
  pango_context_set_base_dir (context, PANGO_DIRECTION_LTR);
  pango_cairo_update_context (cr, context);
  return context;
}

/* Pixels per millimetre of the target, when it has pixels. */
static double
target_pixels_per_mm (CiFaceRenderCtx *ctx)
{
  double dx = 1.0, dy = 0.0;

  cairo_user_to_device_distance (ctx->cr, &dx, &dy);
  return hypot (dx, dy) * ctx->device_scale_x;
}

void
_ci_face_render_ctx_init (CiFaceRenderCtx      *ctx,
                          const CiFaceTemplate *tmpl,
                          CiFaceSide            side,
                          const CiFaceData     *data,
                          cairo_t              *cr,
                          double                px_per_mm,
                          GPtrArray            *problems)
{
  cairo_surface_t *target = cairo_get_target (cr);

  *ctx = (CiFaceRenderCtx) {
    .tmpl = tmpl,
    .side = side,
    .data = data,
    .cr = cr,
    .laser = tmpl->mode == CI_FACE_LASER,
    .raster = cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_IMAGE,
    .device_scale_x = 1.0,
    .device_scale_y = 1.0,
    .problems = problems,
  };

  cairo_save (cr);
  cairo_scale (cr, px_per_mm, px_per_mm);
  if (ctx->laser)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  if (ctx->raster)
    {
      cairo_surface_get_device_scale (target, &ctx->device_scale_x, &ctx->device_scale_y);
      ctx->pixels_per_mm = target_pixels_per_mm (ctx);
    }
  else
    {
      ctx->pixels_per_mm =
        (ctx->laser ? CI_FACE_VECTOR_LASER_DPI : CI_FACE_VECTOR_COLOUR_DPI) / 25.4;
    }
  ctx->pango = pango_context_for (cr, ctx->laser);
}

void
_ci_face_render_ctx_clear (CiFaceRenderCtx *ctx)
{
  g_clear_object (&ctx->pango);
  cairo_restore (ctx->cr);
}

/* Drawing helpers ----------------------------------------------------------------------------- */

void
_ci_face_set_colour (CiFaceRenderCtx *ctx,
                     CiFaceColour     colour)
{
  double r = ((colour >> 24) & 0xFF) / 255.0;
  double g = ((colour >> 16) & 0xFF) / 255.0;
  double b = ((colour >> 8) & 0xFF) / 255.0;
  double a = (colour & 0xFF) / 255.0;

  if (ctx->laser)
    {
      double luma = 0.299 * r + 0.587 * g + 0.114 * b;

      r = g = b = luma < 0.5 ? 0.0 : 1.0;
      a = a < 0.5 ? 0.0 : 1.0;
    }
  cairo_set_source_rgba (ctx->cr, r, g, b, a);
}

void
_ci_face_rounded_rect (cairo_t         *cr,
                       const CiFaceBox *box,
                       double           radius)
{
  double r = CLAMP (radius, 0.0, MIN (box->width, box->height) / 2.0);
  double x0 = box->x, y0 = box->y;
  double x1 = box->x + box->width, y1 = box->y + box->height;

  cairo_new_sub_path (cr);
  if (r <= 0.0)
    {
      cairo_rectangle (cr, x0, y0, box->width, box->height);
      return;
    }
  cairo_arc (cr, x1 - r, y0 + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x1 - r, y1 - r, r, 0, G_PI / 2);
  cairo_arc (cr, x0 + r, y1 - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x0 + r, y0 + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
to_pixels (CiFaceRenderCtx *ctx,
           double          *x,
           double          *y)
{
  cairo_user_to_device (ctx->cr, x, y);
  *x *= ctx->device_scale_x;
  *y *= ctx->device_scale_y;
}

static void
from_pixels (CiFaceRenderCtx *ctx,
             double          *x,
             double          *y)
{
  *x /= ctx->device_scale_x;
  *y /= ctx->device_scale_y;
  cairo_device_to_user (ctx->cr, x, y);
}

/**
 * _ci_face_pixel_box:
 * @box: (inout): where an image goes
 * @width: (out): how many pixels wide to make it
 * @height: (out): how many pixels high
 *
 * On a raster target @box moves onto whole pixels, so that each pixel of the
 * image is one of the target's (a dithered photo stays 1-bit). Elsewhere it
 * stays and the image is made at the renderer's vector resolution.
 */
void
_ci_face_pixel_box (CiFaceRenderCtx *ctx,
                    CiFaceBox       *box,
                    int             *width,
                    int             *height)
{
  double x0 = box->x, y0 = box->y;
  double x1 = box->x + box->width, y1 = box->y + box->height;

  if (!ctx->raster)
    {
      *width = MAX (1, (int) ceil (box->width * ctx->pixels_per_mm));
      *height = MAX (1, (int) ceil (box->height * ctx->pixels_per_mm));
      return;
    }
  to_pixels (ctx, &x0, &y0);
  to_pixels (ctx, &x1, &y1);
  x0 = round (x0), y0 = round (y0), x1 = round (x1), y1 = round (y1);
  *width = MAX (1, (int) fabs (x1 - x0));
  *height = MAX (1, (int) fabs (y1 - y0));
  from_pixels (ctx, &x0, &y0);
  from_pixels (ctx, &x1, &y1);
  *box = (CiFaceBox) { MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0) };
}

/* Card body ----------------------------------------------------------------------------------- */

static void
draw_card_body (CiFaceRenderCtx *ctx)
{
  CiFaceBox card = { 0, 0, CI_FACE_CARD_WIDTH_MM, CI_FACE_CARD_HEIGHT_MM };

  _ci_face_rounded_rect (ctx->cr, &card, CI_FACE_CARD_RADIUS_MM);
  cairo_clip (ctx->cr);
  _ci_face_set_colour (ctx, ctx->tmpl->background[ctx->side]);
  cairo_paint (ctx->cr);
}

/* Text ---------------------------------------------------------------------------------------- */

static PangoAlignment
pango_alignment (CiFaceAlign align)
{
  switch (align)
    {
    case CI_FACE_ALIGN_CENTRE:
      return PANGO_ALIGN_CENTER;
    case CI_FACE_ALIGN_END:
      return PANGO_ALIGN_RIGHT;
    case CI_FACE_ALIGN_START:
    default:
      return PANGO_ALIGN_LEFT;
    }
}

static double
next_size (double                size,
           double                min_size,
           const PangoRectangle *logical,
           int                   box_width,
           int                   box_height)
{
  /* Without hinting a line's width grows with its size, so the first guess
   * is close; the steps after it make sure. */
  double ratio = MIN ((double) box_width / MAX (logical->width, 1),
                      (double) box_height / MAX (logical->height, 1));
  double guess = floor (size * ratio / TEXT_STEP_PT) * TEXT_STEP_PT;

  return MAX (MIN (size - TEXT_STEP_PT, guess), min_size);
}

/**
 * _ci_face_text_fit:
 * @text: valid UTF-8, one line
 * @size_pt: (out) (optional): the size it is set in
 *
 * Sets @text in @element's font, shrinking it from its size in steps until
 * it fits the box, and no further than its minimum size; what still does not
 * fit is ellipsized at its end.
 *
 * Returns: (transfer full): the layout, @element's box wide, aligned in it
 */
PangoLayout *
_ci_face_text_fit (CiFaceRenderCtx     *ctx,
                   const CiFaceElement *element,
                   const char          *text,
                   double              *size_pt)
{
  PangoLayout *layout = pango_layout_new (ctx->pango);
  PangoFontDescription *font = pango_font_description_new ();
  int box_width = pango_units_from_double (element->box.width);
  int box_height = pango_units_from_double (element->box.height);
  double size = element->size_pt > 0 ? element->size_pt : 10.0;
  double min_size = element->min_size_pt > 0 ? MIN (element->min_size_pt, size) : size;
  PangoRectangle logical;

  pango_font_description_set_family (font, element->font ? element->font : DEFAULT_FONT);
  pango_font_description_set_weight (font, element->weight > 0 ? element->weight : 400);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text, -1);
  for (;;)
    {
      pango_font_description_set_size (font, (int) lround (size * PANGO_SCALE));
      pango_layout_set_font_description (layout, font);
      pango_layout_get_extents (layout, NULL, &logical);
      if ((logical.width <= box_width && logical.height <= box_height) || size <= min_size)
        break;
      size = next_size (size, min_size, &logical, box_width, box_height);
    }
  pango_font_description_free (font);

  pango_layout_set_width (layout, box_width);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, pango_alignment (element->align));
  if (size_pt != NULL)
    *size_pt = size;
  return layout;
}

/* The layout centred on the box's height, clipped to the box: text that is
 * still too tall at its minimum size must not spill onto its neighbours. */
static void
show_layout (CiFaceRenderCtx *ctx,
             const CiFaceBox *box,
             PangoLayout     *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  cairo_save (ctx->cr);
  cairo_rectangle (ctx->cr, box->x, box->y, box->width, box->height);
  cairo_clip (ctx->cr);
  cairo_move_to (ctx->cr, box->x,
                 box->y + (box->height - pango_units_to_double (logical.height)) / 2.0
                   - pango_units_to_double (logical.y));
  pango_cairo_show_layout (ctx->cr, layout);
  cairo_restore (ctx->cr);
}

/* The element's text on one line: a value's line breaks and other control
 * characters become spaces and bytes that are not UTF-8 are replaced, as
 * Pango takes neither. %NULL when there is nothing to show. */
static char *
element_text (CiFaceRenderCtx     *ctx,
              const CiFaceElement *element)
{
  const char *value = element->field ? ci_face_data_get (ctx->data, element->field)
                                     : element->text;
  g_autofree char *text = NULL;

  if (value == NULL)
    return NULL;
  text = g_utf8_make_valid (value, -1);
  for (char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7F)
      *p = ' ';
  if (*g_strstrip (text) == '\0')
    return NULL;
  return g_steal_pointer (&text);
}

static void
draw_text (CiFaceRenderCtx     *ctx,
           const CiFaceElement *element)
{
  g_autofree char *text = element_text (ctx, element);
  g_autoptr(PangoLayout) layout = NULL;

  if (text == NULL)
    {
      if (element->field != NULL)
        missing_field (ctx, element, element->field);
      return;
    }
  layout = _ci_face_text_fit (ctx, element, text, NULL);
  _ci_face_set_colour (ctx, element->colour);
  show_layout (ctx, &element->box, layout);
}

/* Placeholder --------------------------------------------------------------------------------- */

static void
hatch (CiFaceRenderCtx *ctx,
       const CiFaceBox *box,
       double           line)
{
  cairo_t *cr = ctx->cr;

  _ci_face_set_colour (ctx, PLACEHOLDER_GROUND);
  cairo_paint (cr);
  _ci_face_set_colour (ctx, PLACEHOLDER_INK);
  cairo_set_line_width (cr, line);
  for (double d = -box->height; d < box->width; d += 1.5)
    {
      cairo_move_to (cr, box->x + d, box->y + box->height);
      cairo_line_to (cr, box->x + d + box->height, box->y);
    }
  cairo_stroke (cr);
  cairo_set_line_width (cr, 2 * line);
  cairo_rectangle (cr, box->x + line, box->y + line, box->width - 2 * line,
                   box->height - 2 * line);
  cairo_stroke (cr);
}

/**
 * _ci_face_draw_placeholder:
 * @label: what is missing, e.g. "‹department›"
 *
 * Red diagonals on pale red inside a red frame, the label on a white plate in
 * the middle: unlike anything a template draws, so nobody takes it for the
 * card. In laser mode it comes out black on white.
 */
void
_ci_face_draw_placeholder (CiFaceRenderCtx *ctx,
                           const CiFaceBox *box,
                           const char      *label)
{
  double line = MIN (0.25, MIN (box->width, box->height) / 10.0);
  double pad = MIN (1.0, box->width / 10.0);
  CiFaceElement caption = {
    .kind = CI_FACE_ELEMENT_TEXT,
    .box = { box->x + pad, box->y, box->width - 2 * pad, box->height },
    .size_pt = CLAMP (box->height * 0.5 / CI_FACE_MM_PER_PT, 3.0, 7.0),
    .min_size_pt = 3.0,
    .weight = 700,
    .align = CI_FACE_ALIGN_CENTRE,
  };
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  CiFaceBox plate;

  if (box->width <= 0 || box->height <= 0)
    return;
  cairo_save (ctx->cr);
  cairo_rectangle (ctx->cr, box->x, box->y, box->width, box->height);
  cairo_clip (ctx->cr);
  hatch (ctx, box, line);

  layout = _ci_face_text_fit (ctx, &caption, label, NULL);
  pango_layout_get_extents (layout, NULL, &logical);
  plate.width = pango_units_to_double (logical.width) + pad;
  plate.height = pango_units_to_double (logical.height);
  plate.x = caption.box.x + pango_units_to_double (logical.x) - pad / 2;
  plate.y = box->y + (box->height - plate.height) / 2.0;
  _ci_face_rounded_rect (ctx->cr, &plate, plate.height / 4);
  _ci_face_set_colour (ctx, PLACEHOLDER_PLATE);
  cairo_fill (ctx->cr);
  _ci_face_set_colour (ctx, PLACEHOLDER_INK);
  show_layout (ctx, &caption.box, layout);
  cairo_restore (ctx->cr);
}

/* QR code ------------------------------------------------------------------------------------- */

static QRecLevel
qr_level (CiFaceQrEcc ecc)
{
  switch (ecc)
    {
    case CI_FACE_QR_ECC_L:
      return QR_ECLEVEL_L;
    case CI_FACE_QR_ECC_Q:
      return QR_ECLEVEL_Q;
    case CI_FACE_QR_ECC_H:
      return QR_ECLEVEL_H;
    case CI_FACE_QR_ECC_M:
    default:
      return QR_ECLEVEL_M;
    }
}

/**
 * _ci_face_qr_encode:
 * @payload: what the code says
 * @ecc: its error-correction level
 *
 * The one place a QR code is made, so that the optical check expects the
 * very code the renderer draws: 8-bit mode, the smallest version that fits.
 *
 * Returns: (transfer full) (nullable): the code (QRcode_free() it), or %NULL
 *   when @payload does not fit
 */
QRcode *
_ci_face_qr_encode (const char  *payload,
                    CiFaceQrEcc  ecc)
{
  return QRcode_encodeString (payload, 0, qr_level (ecc), QR_MODE_8, 1);
}

/* The symbol's square with its quiet zone, centred in @box. On a raster
 * target a module is a whole number of pixels and starts on a pixel, so its
 * edges are sharp in colour too. Returns the module's size. */
static double
qr_square (CiFaceRenderCtx *ctx,
           const CiFaceBox *box,
           int              modules,
           double          *x,
           double          *y)
{
  double side = MIN (box->width, box->height);
  double module = side / modules;
  int module_px = (int) floor (module * ctx->pixels_per_mm);

  if (ctx->raster && module_px >= 1)
    module = module_px / ctx->pixels_per_mm;
  *x = box->x + (box->width - module * modules) / 2.0;
  *y = box->y + (box->height - module * modules) / 2.0;
  if (ctx->raster && module_px >= 1)
    {
      to_pixels (ctx, x, y);
      *x = round (*x), *y = round (*y);
      from_pixels (ctx, x, y);
    }
  return module;
}

static void
draw_qr_modules (CiFaceRenderCtx *ctx,
                 const CiFaceBox *box,
                 const QRcode    *qr)
{
  int modules = qr->width + 2 * QR_QUIET_MODULES;
  double x, y;
  double module = qr_square (ctx, box, modules, &x, &y);

  cairo_rectangle (ctx->cr, x, y, module * modules, module * modules);
  _ci_face_set_colour (ctx, 0xFFFFFFFF);
  cairo_fill (ctx->cr);

  /* One rectangle per run of dark modules in a row: fewer, larger shapes
   * leave no hairline seams between neighbours in PDF viewers. */
  for (int row = 0; row < qr->width; row++)
    {
      const unsigned char *line = qr->data + row * qr->width;

      for (int col = 0; col < qr->width;)
        {
          int end = col;

          while (end < qr->width && (line[end] & 1))
            end++;
          if (end > col)
            cairo_rectangle (ctx->cr, x + (col + QR_QUIET_MODULES) * module,
                             y + (row + QR_QUIET_MODULES) * module, (end - col) * module, module);
          col = MAX (end, col + 1);
        }
    }
  _ci_face_set_colour (ctx, 0x000000FF);
  cairo_fill (ctx->cr);
}

static void
draw_qr (CiFaceRenderCtx     *ctx,
         const CiFaceElement *element)
{
  const char *payload = ci_face_data_get_qr_payload (ctx->data);
  QRcode *qr;

  if (payload == NULL)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_QR,
                            _("The QR code has no payload yet: it is made when the card is "
                              "issued."));
      /* Translators: drawn on the card preview where the QR code will be. */
      _ci_face_draw_placeholder (ctx, &element->box, _("‹QR code›"));
      return;
    }
  qr = _ci_face_qr_encode (payload, element->ecc);
  if (qr == NULL)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_QR,
                            _("The QR code's payload (%zu bytes) does not fit in a QR code: "
                              "lower the template's error-correction level or shorten the "
                              "payload."),
                            strlen (payload));
      _ci_face_draw_placeholder (ctx, &element->box, _("‹QR code›"));
      return;
    }
  draw_qr_modules (ctx, &element->box, qr);
  QRcode_free (qr);
}

/* Shapes -------------------------------------------------------------------------------------- */

static void
draw_rect (CiFaceRenderCtx     *ctx,
           const CiFaceElement *element)
{
  CiFaceColour colour = element->colour;

  if (element->field != NULL
      && (!g_str_equal (element->field, "zone.colour")
          || !ci_face_data_get_zone_colour (ctx->data, &colour)))
    {
      missing_field (ctx, element, element->field);
      return;
    }
  _ci_face_rounded_rect (ctx->cr, &element->box, element->radius_mm);
  _ci_face_set_colour (ctx, colour);
  cairo_fill (ctx->cr);
}

/* Rendering ----------------------------------------------------------------------------------- */

static void
draw_element (CiFaceRenderCtx     *ctx,
              const CiFaceElement *element)
{
  if (!(element->box.width > 0 && element->box.height > 0))
    return;
  cairo_save (ctx->cr);
  switch (element->kind)
    {
    case CI_FACE_ELEMENT_TEXT:
      draw_text (ctx, element);
      break;
    case CI_FACE_ELEMENT_PHOTO:
      _ci_face_draw_photo (ctx, element);
      break;
    case CI_FACE_ELEMENT_QR:
      draw_qr (ctx, element);
      break;
    case CI_FACE_ELEMENT_IMAGE:
      _ci_face_draw_image (ctx, element);
      break;
    case CI_FACE_ELEMENT_RECT:
      draw_rect (ctx, element);
      break;
    default:
      break;
    }
  cairo_restore (ctx->cr);
}

/**
 * ci_face_render:
 * @tmpl: a template
 * @side: which side
 * @data: what the card shows
 * @cr: where to draw: user space @px_per_mm units per millimetre, the card's
 *   top-left corner at 0,0
 * @px_per_mm: pixels (or points) per millimetre
 * @problems: (nullable) (element-type CiFaceProblem): gets what is missing;
 *   make it with ci_face_problem_free() as its free function
 * @error: a cairo failure (out of memory)
 *
 * Paints the card body, clipped to its rounded corners, then each element of
 * @side in order. What is missing is drawn as a placeholder and added to
 * @problems: that is not an error.
 *
 * Returns: %TRUE when the side was drawn
 */
gboolean
ci_face_render (const CiFaceTemplate *tmpl,
                CiFaceSide            side,
                const CiFaceData     *data,
                cairo_t              *cr,
                double                px_per_mm,
                GPtrArray            *problems,
                GError              **error)
{
  GPtrArray *elements;
  CiFaceRenderCtx ctx;
  cairo_status_t status;

  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (side == CI_FACE_FRONT || side == CI_FACE_BACK, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (px_per_mm > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  elements = side == CI_FACE_FRONT ? tmpl->front : tmpl->back;
  _ci_face_render_ctx_init (&ctx, tmpl, side, data, cr, px_per_mm, problems);
  draw_card_body (&ctx);
  for (guint i = 0; elements != NULL && i < elements->len; i++)
    draw_element (&ctx, g_ptr_array_index (elements, i));
  _ci_face_render_ctx_clear (&ctx);

  status = cairo_status (cr);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR,
                   status == CAIRO_STATUS_NO_MEMORY ? G_IO_ERROR_NO_SPACE : G_IO_ERROR_FAILED,
                   /* Translators: %s is cairo's own description of the error, in English. */
                   _("The card face could not be drawn (%s)."), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
