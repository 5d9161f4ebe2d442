/* ci-face-optical.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optical check, the quality control after personalisation: a scan or a
 * photo of the finished card against what the card should show.
 *
 * 1. The scan (PNG or JPEG; at most 50 MB and 40 megapixels, refused before
 *    it is decoded) becomes 8-bit gray.
 * 2. zbar finds and decodes the QR code; its payload is checked against the
 *    issuer key and the card record.
 * 3. The scan is placed on the card by the QR code's four corners. zbar
 *    gives them in the code's own order (the corner of its top-left finder
 *    pattern, then down, right and up), so a card scanned upside down is
 *    still placed right; the least-squares similarity (rotation, uniform
 *    scale, shift) from where the corners are on the card is fitted for the
 *    4 cyclic orders in both directions, the mirrored ones are dropped by
 *    their residual, and the four rotations of the square are told apart by
 *    how well the whole card then matches. Where the corners are: the
 *    renderer centres the code with a quiet zone of 4 modules in the
 *    element's square, but makes a module a whole number of pixels on a
 *    raster, so a printed code is up to a few percent (more at low
 *    resolutions) smaller than its box says. The scale is therefore searched
 *    (the code 10 % larger to half as large), then all four parameters are
 *    refined by a pattern search that maximises the normalised
 *    cross-correlation of the blurred scan with the blurred expected render,
 *    coarse (3 px/mm, 0.5 mm blur), then fine (6 px/mm, 0.2 mm blur). The
 *    QR box and a 1 mm strip along the card's edge are left out of that.
 * 4. The expected side is rendered at 12 px/mm with the scan's QR payload,
 *    and the scan resampled into that frame (bilinear). Both are blurred by
 *    0.1 mm and lose their local mean (a 0.4 mm blur), so that what is
 *    compared is the detail (glyphs, features), not the light nor the band
 *    of ink a line of text makes wherever its letters are. Each photo and
 *    each text element bound to a field is compared on its box shrunk by
 *    0.3 mm: the normalised cross-correlation of the two patches at the best
 *    shift of up to 2 px, and the lowest of that over windows along the box
 *    half as long as it is thick (about a character), so that one wrong
 *    digit of a serial counts. A patch that should be blank matches a blank
 *    one; one that should not matches none.
 * 5. An element below CI_FACE_OPTICAL_MIN_SCORE (0.5) is a finding; the check
 *    passes when there is none. On the synthetic scans of
 *    tests/test-face-optical.c (300 and 200 dpi, turned, scaled, JPEG,
 *    uneven light) the elements that match score 0.75 or more, those that
 *    differ 0.35 or less (one digit of a serial).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>
#include <qrencode.h>
#include <zbar.h>

#include "face/ci-face-optical-private.h"
#include "face/ci-face-render-private.h"

#define MAX_PAYLOAD       4096
#define QR_QUIET_MODULES  4       /* as ci-face-render.c draws the code */
#define COMPARE_BLUR_MM   0.1
#define DETAIL_MM         0.4     /* the shading under the detail compared */
#define SHRINK_MM         0.3
#define SHIFT_PX          2
#define WINDOW_RATIO      0.5
#define FLAT_SIGMA        1.5     /* halved gray levels of detail: a patch this even is blank */
#define SCAN_FINEST       1.5     /* of the frame's resolution: finer only costs time */

G_DEFINE_QUARK (ci-face-optical-error-quark, ci_face_optical_error)

/* The QR code --------------------------------------------------------------------------------- */

typedef struct
{
  char   *payload;
  double  corners[4][2];   /* scan pixels, in zbar's order */
} ScanQr;

static gboolean
is_card_code (const zbar_symbol_t *symbol)
{
  return g_str_has_prefix (zbar_symbol_get_data (symbol), CI_FACE_BINDING_PREFIX);
}

/* The first QR code, a CardIssue one if there are several. */
static const zbar_symbol_t *
choose_symbol (const zbar_image_t *image)
{
  const zbar_symbol_t *chosen = NULL;

  for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s; s = zbar_symbol_next (s))
    {
      if (zbar_symbol_get_type (s) != ZBAR_QRCODE || zbar_symbol_get_loc_size (s) < 4
          || zbar_symbol_get_data_length (s) > MAX_PAYLOAD)
        continue;
      if (chosen == NULL || (!is_card_code (chosen) && is_card_code (s)))
        chosen = s;
    }
  return chosen;
}

static gboolean
find_qr (const CiFaceGray *scan,
         ScanQr           *out)
{
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  const zbar_symbol_t *symbol = NULL;

  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) scan->width, (unsigned) scan->height);
  zbar_image_set_data (image, scan->data, (unsigned long) scan->width * scan->height, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    symbol = choose_symbol (image);
  if (symbol != NULL)
    {
      g_autofree char *raw = g_strndup (zbar_symbol_get_data (symbol),
                                        zbar_symbol_get_data_length (symbol));

      out->payload = g_utf8_make_valid (raw, -1);
      /* zbar names the corner pixels; their centres are half a pixel in. */
      for (guint i = 0; i < 4; i++)
        {
          out->corners[i][0] = zbar_symbol_get_loc_x (symbol, i) + 0.5;
          out->corners[i][1] = zbar_symbol_get_loc_y (symbol, i) + 0.5;
        }
    }
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return symbol != NULL;
}

/* How many modules wide the renderer makes the code for @payload; 0 if it
 * cannot. */
static int
qr_modules (const char  *payload,
            CiFaceQrEcc  ecc)
{
  QRcode *qr = _ci_face_qr_encode (payload, ecc);
  int width = qr ? qr->width : 0;

  if (qr)
    QRcode_free (qr);
  return width;
}

/* Where the corners of the code for @payload are on the card (mm), in
 * zbar's order, if its modules were not rounded to pixels. */
static gboolean
qr_corners (const CiFaceElement *qr,
            const char          *payload,
            double               corners[4][2])
{
  int modules = qr_modules (payload, qr->ecc);
  double module = MIN (qr->box.width, qr->box.height) / (modules + 2 * QR_QUIET_MODULES);
  double side = module * modules;
  double x = qr->box.x + (qr->box.width - side) / 2.0;
  double y = qr->box.y + (qr->box.height - side) / 2.0;

  corners[0][0] = x, corners[0][1] = y;
  corners[1][0] = x, corners[1][1] = y + side;
  corners[2][0] = x + side, corners[2][1] = y + side;
  corners[3][0] = x + side, corners[3][1] = y;
  return modules > 0;
}

static const CiFaceElement *
qr_element (const CiFaceTemplate *tmpl,
            CiFaceSide            side)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);

  for (guint i = 0; elements != NULL && i < elements->len; i++)
    {
      const CiFaceElement *e = g_ptr_array_index (elements, i);

      if (e->kind == CI_FACE_ELEMENT_QR && e->box.width > 0 && e->box.height > 0)
        return e;
    }
  return NULL;
}

/* Findings ------------------------------------------------------------------------------------ */

static void
finding_free (gpointer data)
{
  CiFaceFinding *finding = data;

  g_free (finding->what);
  g_free (finding->message);
  g_free (finding);
}

static void add_finding (CiFaceCheck     *check,
                         const char      *what,
                         const CiFaceBox *region,
                         double           score,
                         const char      *format,
                         ...) G_GNUC_PRINTF (5, 6);

static void
add_finding (CiFaceCheck     *check,
             const char      *what,
             const CiFaceBox *region,
             double           score,
             const char      *format,
             ...)
{
  CiFaceFinding *finding = g_new0 (CiFaceFinding, 1);
  va_list args;

  finding->what = g_strdup (what);
  finding->region_mm = *region;
  finding->score = score;
  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("Optical check: %s", finding->message);
  g_ptr_array_add (check->findings, finding);
}

/* "29.0,14.0 53.0×7.0 mm", the same in every locale. */
static char *
region_text (const CiFaceBox *box)
{
  char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
  char w[G_ASCII_DTOSTR_BUF_SIZE], h[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%s,%s %s×%s mm", g_ascii_formatd (x, sizeof x, "%.1f", box->x),
                          g_ascii_formatd (y, sizeof y, "%.1f", box->y),
                          g_ascii_formatd (w, sizeof w, "%.1f", box->width),
                          g_ascii_formatd (h, sizeof h, "%.1f", box->height));
}

static const char *
what_label (const char *what)
{
  static const struct
  {
    const char *what;
    const char *label;
  } labels[] = {
    /* Translators: this and the following labels start the sentences
     * “%s is not on the scan (in %s): …” and “%s on the card does not match
     * the record …”. */
    { "photo", N_("The photo") },
    { "employee.number", N_("The employee number") },
    { "employee.given_name", N_("The given name") },
    { "employee.family_name", N_("The family name") },
    { "employee.full_name", N_("The name") },
    { "employee.department", N_("The department") },
    { "employee.job_title", N_("The job title") },
    { "employee.valid_from", N_("The date access starts") },
    { "employee.valid_until", N_("The date access ends") },
    { "card.serial", N_("The card serial") },
    { "card.expiry", N_("The expiry date") },
    { "card.issued", N_("The issue date") },
    { "zone.level", N_("The zone level") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].what, what))
      return _(labels[i].label);
  /* Translators: starts a sentence, as the labels such as “The photo” do. */
  return _("A field");
}

/* The payload --------------------------------------------------------------------------------- */

static gboolean
is_digits (const char *s,
           gsize       len)
{
  if (strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* The serial and chip digest of a CardIssue card code, its signature
 * unchecked (ci-face-binding.c checks it, given the issuer key). */
static gboolean
parse_binding (const char    *payload,
               CiFaceBinding *out)
{
  g_auto(GStrv) parts = g_strsplit (payload, ".", 5);
  g_autofree guchar *digest = NULL;
  gsize len = 0;

  if (g_strv_length (parts) != 4 || !g_str_has_prefix (payload, CI_FACE_BINDING_PREFIX)
      || !is_digits (parts[1], 10) || strlen (parts[2]) != 16)
    return FALSE;
  for (char *p = parts[2]; *p != '\0'; p++)
    {
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';
      else if (!g_ascii_isalnum (*p))
        return FALSE;
    }
  digest = g_base64_decode (parts[2], &len);
  if (len != CI_FACE_BINDING_DIGEST_LEN)
    return FALSE;
  memset (out, 0, sizeof *out);
  memcpy (out->serial, parts[1], 10);
  memcpy (out->chip_digest, digest, CI_FACE_BINDING_DIGEST_LEN);
  return TRUE;
}

static void
check_issued (CiFaceCheck      *check,
              const CiFaceBox  *box,
              const CiFaceData *expected)
{
  const char *issued = ci_face_data_get_qr_payload (expected);
  CiFaceBinding record;

  if (issued == NULL || !parse_binding (issued, &record)
      || !g_str_equal (record.serial, check->binding.serial))
    return;
  if (memcmp (record.chip_digest, check->binding.chip_digest, CI_FACE_BINDING_DIGEST_LEN) != 0)
    add_finding (check, "qr", box, 0.0,
                 _("The QR code of card %s was made for other chip data than the record's: "
                   "the face belongs to another personalisation of the card. Reprint it."),
                 check->binding.serial);
}

static void
check_payload (CiFaceCheck      *check,
               const CiFaceBox  *box,
               const CiFaceData *expected,
               const char       *expected_serial,
               GBytes           *issuer_public_key_der)
{
  g_autoptr(GError) error = NULL;

  if (!parse_binding (check->qr_payload, &check->binding))
    {
      add_finding (check, "qr", box, 0.0,
                   _("The QR code is not a CardIssue card code: the face was not printed by "
                     "CardIssue or was altered."));
      return;
    }
  if (issuer_public_key_der != NULL
      && !ci_face_binding_verify (check->qr_payload, issuer_public_key_der, NULL, &error))
    add_finding (check, "qr", box, 0.0, "%s", error->message);
  if (expected_serial == NULL)
    expected_serial = ci_face_data_get (expected, "card.serial");
  if (expected_serial != NULL && !g_str_equal (expected_serial, check->binding.serial))
    add_finding (check, "card.serial", box, 0.0, _("The QR code says card %s, the record says %s."),
                 check->binding.serial, expected_serial);
  check_issued (check, box, expected);
}

/* Comparison ---------------------------------------------------------------------------------- */

/* The scan seen through the card's frame: NAN off the scan. */
static float *
resample (const CiFaceGray       *frame,
          const CiFaceGray       *scan,
          const CiFaceSimilarity *t)
{
  float *out = g_new (float, (gsize) frame->width * frame->height);

  for (int y = 0; y < frame->height; y++)
    for (int x = 0; x < frame->width; x++)
      {
        double sx, sy;

        _ci_face_similarity_apply (t, (x + 0.5) / CI_FACE_OPTICAL_PX_PER_MM,
                                   (y + 0.5) / CI_FACE_OPTICAL_PX_PER_MM, &sx, &sy);
        out[(gsize) y * frame->width + x] = _ci_face_gray_sample (scan, sx, sy);
      }
  return out;
}

typedef struct
{
  const CiFaceGray *expected;
  const float      *scan;
} Frames;

/* The similarity of @r in the expected render with @r moved by @dx, @dy in
 * the scan; *@off_scan when most of it is not on the scan. */
static double
patch_score (const Frames                *f,
             const cairo_rectangle_int_t *r,
             int                          dx,
             int                          dy,
             gboolean                    *off_scan)
{
  int w = f->expected->width;
  CiFaceSums sums = { 0 };
  double ncc, sigma_e, sigma_s;

  for (int y = r->y; y < r->y + r->height; y++)
    for (int x = r->x; x < r->x + r->width; x++)
      {
        float s = f->scan[(gsize) (y + dy) * w + x + dx];

        if (!isnan (s))
          _ci_face_sums_add (&sums, f->expected->data[(gsize) y * w + x], s);
      }
  *off_scan = sums.n < CI_FACE_OPTICAL_MIN_ON_SCAN * r->width * r->height;
  ncc = _ci_face_sums_ncc (&sums, &sigma_e, &sigma_s);
  if (*off_scan)
    return 0;
  /* Blank where it should be blank is a match, and blank where it should
   * not is none; the correlation of noise says nothing. */
  if (sigma_e < FLAT_SIGMA)
    return sigma_s <= 2 * FLAT_SIGMA ? 1.0 : 2 * FLAT_SIGMA / sigma_s;
  if (sigma_s < FLAT_SIGMA)
    return 0;
  return ncc;
}

/* The best shift first, then the worst window along the box: windows half
 * as long as the box is thick, about a character of its text. */
static double
element_score (const Frames                *f,
               const cairo_rectangle_int_t *r,
               gboolean                    *off_scan)
{
  double best = -2;
  int bx = 0, by = 0;
  gboolean across = r->width >= r->height;
  int length = across ? r->width : r->height, thick = across ? r->height : r->width;
  int window = MAX ((int) (thick * WINDOW_RATIO), 4);

  for (int dy = -SHIFT_PX; dy <= SHIFT_PX; dy++)
    for (int dx = -SHIFT_PX; dx <= SHIFT_PX; dx++)
      {
        double score = patch_score (f, r, dx, dy, off_scan);

        if (score > best)
          best = score, bx = dx, by = dy;
      }
  patch_score (f, r, bx, by, off_scan);
  if (*off_scan || length < window * 2)
    return best;
  for (int start = 0;; start = MIN (start + window / 2, length - window))
    {
      cairo_rectangle_int_t w = across
        ? (cairo_rectangle_int_t) { r->x + start, r->y, window, thick }
        : (cairo_rectangle_int_t) { r->x, r->y + start, thick, window };
      gboolean off;

      best = MIN (best, patch_score (f, &w, bx, by, &off));
      if (start == length - window)
        break;
    }
  return best;
}

/* The element's box, shrunk, in frame pixels, with room for the shifts. */
static gboolean
element_rect (const CiFaceBox       *box,
              const CiFaceGray      *frame,
              cairo_rectangle_int_t *r)
{
  double shrink_x = MIN (SHRINK_MM, box->width / 10), shrink_y = MIN (SHRINK_MM, box->height / 10);
  int x0 = (int) ceil ((box->x + shrink_x) * CI_FACE_OPTICAL_PX_PER_MM);
  int y0 = (int) ceil ((box->y + shrink_y) * CI_FACE_OPTICAL_PX_PER_MM);
  int x1 = (int) floor ((box->x + box->width - shrink_x) * CI_FACE_OPTICAL_PX_PER_MM);
  int y1 = (int) floor ((box->y + box->height - shrink_y) * CI_FACE_OPTICAL_PX_PER_MM);

  x0 = MAX (x0, SHIFT_PX), y0 = MAX (y0, SHIFT_PX);
  x1 = MIN (x1, frame->width - SHIFT_PX), y1 = MIN (y1, frame->height - SHIFT_PX);
  *r = (cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 };
  return r->width >= 4 && r->height >= 4;
}

static void
compare_element (CiFaceCheck         *check,
                 const Frames        *f,
                 const CiFaceElement *e)
{
  const char *what = e->kind == CI_FACE_ELEMENT_PHOTO ? "photo" : e->field;
  g_autofree char *where = region_text (&e->box);
  cairo_rectangle_int_t r;
  gboolean off_scan = FALSE;
  double score;

  if (!element_rect (&e->box, f->expected, &r))
    return;
  score = element_score (f, &r, &off_scan);
  g_debug ("Optical check: %s scores %.3f", what, score);
  check->score = MIN (check->score, score);
  if (off_scan)
    add_finding (check, what, &e->box, score,
                 /* Translators: the first %s is what is missing, such as “The photo”;
                  * the second where it should be, such as “29.0,14.0 53.0×7.0 mm”. */
                 _("%s is not on the scan (in %s): scan the whole card."), what_label (what),
                 where);
  else if (score < CI_FACE_OPTICAL_MIN_SCORE)
    add_finding (check, what, &e->box, score,
                 /* Translators: the first %s is what differs, such as “The photo”; %.2f
                  * a similarity from 0 to 1; the last %s the place, such as
                  * “29.0,14.0 53.0×7.0 mm”. */
                 _("%s on the card does not match the record (similarity %.2f) in %s."),
                 what_label (what), score, where);
}

static void
compare_elements (CiFaceCheck            *check,
                  const CiFaceTemplate   *tmpl,
                  CiFaceSide              side,
                  const CiFaceGray       *frame,
                  const CiFaceGray       *scan,
                  const CiFaceSimilarity *t)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);
  g_autoptr(CiFaceGray) expected = _ci_face_gray_copy (frame);
  g_autoptr(CiFaceGray) blurred = _ci_face_gray_copy (scan);
  g_autofree float *seen = NULL;
  Frames f;

  _ci_face_gray_blur (expected, COMPARE_BLUR_MM * CI_FACE_OPTICAL_PX_PER_MM);
  _ci_face_gray_detail (expected, DETAIL_MM * CI_FACE_OPTICAL_PX_PER_MM);
  _ci_face_gray_blur (blurred, COMPARE_BLUR_MM * _ci_face_similarity_scale (t));
  _ci_face_gray_detail (blurred, DETAIL_MM * _ci_face_similarity_scale (t));
  seen = resample (expected, blurred, t);
  f = (Frames) { expected, seen };
  for (guint i = 0; elements != NULL && i < elements->len; i++)
    {
      const CiFaceElement *e = g_ptr_array_index (elements, i);

      if (e->kind == CI_FACE_ELEMENT_PHOTO
          || (e->kind == CI_FACE_ELEMENT_TEXT && e->field != NULL))
        compare_element (check, &f, e);
    }
}

/* The check ----------------------------------------------------------------------------------- */

/* @expected as it should have been printed with @payload in its QR code. */
static CiFaceData *
data_with_payload (const CiFaceData *expected,
                   const char       *payload)
{
  CiFaceData *data = ci_face_data_new ();
  CiFaceBox face;
  gboolean has_face = FALSE;
  GBytes *photo = ci_face_data_get_photo (expected, &face, &has_face);
  CiFaceColour colour;

  for (const char * const *field = ci_face_fields (); *field != NULL; field++)
    ci_face_data_set (data, *field, ci_face_data_get (expected, *field));
  ci_face_data_set_photo (data, photo, has_face ? &face : NULL);
  if (ci_face_data_get_zone_colour (expected, &colour))
    ci_face_data_set_zone_colour (data, colour);
  ci_face_data_set_qr_payload (data, payload);
  return data;
}

static CiFaceGray *
render_expected (const CiFaceTemplate  *tmpl,
                 CiFaceSide             side,
                 const CiFaceData      *data,
                 GError               **error)
{
  int width = (int) ceil (CI_FACE_CARD_WIDTH_MM * CI_FACE_OPTICAL_PX_PER_MM);
  int height = (int) ceil (CI_FACE_CARD_HEIGHT_MM * CI_FACE_OPTICAL_PX_PER_MM);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  CiFaceGray *gray = NULL;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (ci_face_render (tmpl, side, data, cr, CI_FACE_OPTICAL_PX_PER_MM, NULL, error))
    {
      cairo_surface_flush (surface);
      gray = _ci_face_gray_from_surface (surface);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return gray;
}

/* Once its QR code is read, a scan much finer than the frame is shrunk.
 * Returns: (nullable): the scan shrunk, %NULL when it need not be */
static CiFaceGray *
shrink_scan (const CiFaceGray *scan,
             const double      code[4][2],
             const double      found[4][2],
             double            corners[4][2])
{
  double mm = hypot (code[1][0] - code[0][0], code[1][1] - code[0][1]);
  double px = hypot (found[1][0] - found[0][0], found[1][1] - found[0][1]);
  int factor = (int) (px / mm / (SCAN_FINEST * CI_FACE_OPTICAL_PX_PER_MM));

  factor = CLAMP (factor, 1, 64);
  for (int i = 0; i < 4; i++)
    corners[i][0] = found[i][0] / factor, corners[i][1] = found[i][1] / factor;
  return factor > 1 ? _ci_face_gray_shrink (scan, factor) : NULL;
}

static gboolean
compare_scan (CiFaceCheck           *check,
              const CiFaceTemplate  *tmpl,
              CiFaceSide             side,
              const CiFaceData      *expected,
              const CiFaceElement   *qr,
              const CiFaceGray      *scan,
              const double           found[4][2],
              GError               **error)
{
  g_autoptr(CiFaceData) data = data_with_payload (expected, check->qr_payload);
  g_autoptr(CiFaceGray) frame = render_expected (tmpl, side, data, error);
  g_autoptr(CiFaceGray) small = NULL;
  double code[4][2], corners[4][2], match = -1;
  CiFaceSimilarity t;

  if (frame == NULL)
    return FALSE;
  if (qr_corners (qr, check->qr_payload, code))
    {
      small = shrink_scan (scan, code, found, corners);
      scan = small ? small : scan;
      match = _ci_face_optical_align (frame, scan, &qr->box, code, corners, &t);
    }
  g_debug ("Optical check: the scan matches the card at %.3f", match);
  if (match < 0)
    {
      check->score = 0;
      add_finding (check, "qr", &qr->box, 0.0,
                   _("The scan cannot be placed on the card by its QR code: scan the whole card, "
                     "flat."));
      return TRUE;
    }
  compare_elements (check, tmpl, side, frame, scan, &t);
  return TRUE;
}

/**
 * ci_face_optical_check:
 * @tmpl: the template the card was printed with
 * @side: the side scanned; it must have a QR code
 * @expected: what the card should show
 * @scan: a scan or photo of the card, PNG or JPEG
 * @expected_serial: (nullable): the card's serial in the record; %NULL for
 *   the "card.serial" field of @expected
 * @issuer_public_key_der: (nullable): the issuer's key, to check the QR
 *   code's signature; %NULL to skip that
 * @error: return location for an error: only for a scan that cannot be read
 *   (not an image, too big) or a side without a QR code
 *
 * The quality control after personalisation: decodes the QR code of @scan,
 * checks its serial (and signature), places the scan on the card by the QR
 * code and compares the photo and each text field with the expected render.
 * What differs is a finding, with the region and a message for people.
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set
 */
CiFaceCheck *
ci_face_optical_check (const CiFaceTemplate  *tmpl,
                       CiFaceSide             side,
                       const CiFaceData      *expected,
                       GBytes                *scan,
                       const char            *expected_serial,
                       GBytes                *issuer_public_key_der,
                       GError               **error)
{
  g_autoptr(CiFaceCheck) check = NULL;
  g_autoptr(CiFaceGray) gray = NULL;
  const CiFaceElement *qr;
  ScanQr found = { 0 };

  g_return_val_if_fail (tmpl != NULL && expected != NULL && scan != NULL, NULL);
  g_return_val_if_fail (side == CI_FACE_FRONT || side == CI_FACE_BACK, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((qr = qr_element (tmpl, side)) == NULL)
    {
      g_set_error_literal (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_TEMPLATE,
                           side == CI_FACE_FRONT
                           ? _("The front of this card has no QR code, so a scan of it cannot "
                               "be checked: scan the other side.")
                           : _("The back of this card has no QR code, so a scan of it cannot "
                               "be checked: scan the other side."));
      return NULL;
    }
  if ((gray = _ci_face_gray_decode (scan, error)) == NULL)
    return NULL;
  check = g_new0 (CiFaceCheck, 1);
  check->findings = g_ptr_array_new_with_free_func (finding_free);
  check->score = 1.0;
  if (!find_qr (gray, &found))
    {
      check->score = 0;
      add_finding (check, "qr", &qr->box, 0.0,
                   _("The QR code cannot be read (smudged, covered or missing)."));
      return g_steal_pointer (&check);
    }
  check->qr_payload = g_steal_pointer (&found.payload);
  check_payload (check, &qr->box, expected, expected_serial, issuer_public_key_der);
  if (!compare_scan (check, tmpl, side, expected, qr, gray, found.corners, error))
    return NULL;
  check->pass = check->findings->len == 0;
  return g_steal_pointer (&check);
}

/* In a thread --------------------------------------------------------------------------------- */

typedef struct
{
  const CiFaceTemplate *tmpl;
  CiFaceSide            side;
  CiFaceData           *expected;
  GBytes               *scan;
  char                 *expected_serial;
  GBytes               *key;
} CheckTask;

static void
check_task_free (gpointer data)
{
  CheckTask *task = data;

  ci_face_data_unref (task->expected);
  g_bytes_unref (task->scan);
  g_free (task->expected_serial);
  g_clear_pointer (&task->key, g_bytes_unref);
  g_free (task);
}

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CheckTask *t = task_data;
  GError *error = NULL;
  CiFaceCheck *check;

  if (g_task_return_error_if_cancelled (task))
    return;
  check = ci_face_optical_check (t->tmpl, t->side, t->expected, t->scan, t->expected_serial,
                                 t->key, &error);
  /* Pango gave this pool thread a font map of its own for the render: it
   * would hold its fonts for as long as the thread lives. */
  pango_cairo_font_map_set_default (NULL);
  if (check == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, check, (GDestroyNotify) ci_face_check_free);
}

/**
 * ci_face_optical_check_async:
 * @tmpl: the template; it must stay alive until @callback runs
 * @cancellable: (nullable): cancels the check before it starts
 *
 * ci_face_optical_check() in a thread: it takes a second or so on a large
 * scan. The other arguments are as there.
 */
void
ci_face_optical_check_async (const CiFaceTemplate *tmpl,
                             CiFaceSide            side,
                             CiFaceData           *expected,
                             GBytes               *scan,
                             const char           *expected_serial,
                             GBytes               *issuer_public_key_der,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckTask *t;

  g_return_if_fail (tmpl != NULL && expected != NULL && scan != NULL);

  t = g_new0 (CheckTask, 1);
  t->tmpl = tmpl;
  t->side = side;
  t->expected = ci_face_data_ref (expected);
  t->scan = g_bytes_ref (scan);
  t->expected_serial = g_strdup (expected_serial);
  t->key = issuer_public_key_der ? g_bytes_ref (issuer_public_key_der) : NULL;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ci_face_optical_check_async);
  g_task_set_task_data (task, t, check_task_free);
  g_task_run_in_thread (task, check_in_thread);
}

/**
 * ci_face_optical_check_finish:
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set
 */
CiFaceCheck *
ci_face_optical_check_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ci_face_check_free:
 * @check: (nullable) (transfer full): a verdict
 */
void
ci_face_check_free (CiFaceCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->qr_payload);
  g_clear_pointer (&check->findings, g_ptr_array_unref);
  g_free (check);
}
