/* ci-face-export.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card face as files: PNG (one side, any dpi, 1 bit in laser mode), PDF
 * (front and back at the card's exact size) and SVG (one side). Each is made
 * in memory and then written in one go, so a failed export leaves no half
 * file behind.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "face/ci-face-render-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#define MIN_DPI 50.0
#define MAX_DPI 2400.0

/* Vector outputs are in points. */
#define PT_PER_MM      (72.0 / 25.4)
#define CARD_WIDTH_PT  (CI_FACE_CARD_WIDTH_MM * PT_PER_MM)
#define CARD_HEIGHT_PT (CI_FACE_CARD_HEIGHT_MM * PT_PER_MM)

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static const char *
io_error_reason (const GError *error)
{
  if (error->domain != G_IO_ERROR)
    return error->message;
  switch (error->code)
    {
    case G_IO_ERROR_NOT_FOUND:
      return _("the folder does not exist");
    case G_IO_ERROR_PERMISSION_DENIED:
      return _("you may not write there");
    case G_IO_ERROR_IS_DIRECTORY:
      return _("it is a folder");
    case G_IO_ERROR_NO_SPACE:
      return _("the disk is full");
    case G_IO_ERROR_READ_ONLY:
      return _("the disk is read-only");
    default:
      return error->message;
    }
}

static gboolean
write_file (const char  *path,
            GByteArray  *contents,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local = NULL;

  if (g_file_replace_contents (file, (const char *) contents->data, contents->len, NULL, FALSE,
                               G_FILE_CREATE_NONE, NULL, NULL, &local))
    return TRUE;
  g_set_error (error, local->domain, local->code,
               /* Translators: the first %s is a file name, the second the reason, such
                * as “the disk is full”. */
               _("The card face could not be saved as “%s”: %s. Choose another place."), path,
               io_error_reason (local));
  return FALSE;
}

static gboolean
check_surface (cairo_surface_t  *surface,
               GError          **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR,
               status == CAIRO_STATUS_NO_MEMORY ? G_IO_ERROR_NO_SPACE : G_IO_ERROR_FAILED,
               /* Translators: %s is cairo's own description of the error, in English. */
               _("The card face could not be made (%s)."), cairo_status_to_string (status));
  return FALSE;
}

/* PNG ----------------------------------------------------------------------------------------- */

static guint32
png_crc (const guint8 *data,
         gsize         len)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xFFFFFFFF;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, 4);
}

static void
png_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           gsize         len)
{
  g_autoptr(GByteArray) chunk = g_byte_array_sized_new (len + 12);

  append_be32 (chunk, len);
  g_byte_array_append (chunk, (const guint8 *) type, 4);
  g_byte_array_append (chunk, data, len);
  append_be32 (chunk, png_crc (chunk->data + 4, len + 4));
  g_byte_array_append (png, chunk->data, chunk->len);
}

/* pHYs: the resolution, so that printing and engraving software take the
 * image for a card and not for a poster. */
static void
png_resolution (GByteArray *png,
                double      dpi)
{
  g_autoptr(GByteArray) phys = g_byte_array_new ();
  guint8 unit_metre = 1;

  append_be32 (phys, (guint32) lround (dpi / 0.0254));
  append_be32 (phys, (guint32) lround (dpi / 0.0254));
  g_byte_array_append (phys, &unit_metre, 1);
  png_chunk (png, "pHYs", phys->data, phys->len);
}

static gboolean
deflate (const guint8  *data,
         gsize          len,
         int            level,
         GByteArray    *out,
         GError       **error)
{
  g_autoptr(GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, level);
  guint8 buffer[64 * 1024];
  gsize read = 0, written = 0;

  for (;;)
    {
      GConverterResult result =
        g_converter_convert (G_CONVERTER (zlib), data, len, buffer, sizeof buffer,
                             G_CONVERTER_INPUT_AT_END, &read, &written, error);

      if (result == G_CONVERTER_ERROR)
        return FALSE;
      data += read, len -= read;
      g_byte_array_append (out, buffer, written);
      if (result == G_CONVERTER_FINISHED)
        return TRUE;
    }
}

/* A PNG of @rows: for each row a filter type byte (0, none) and its pixels. */
static gboolean
write_png (GByteArray    *png,
           int            width,
           int            height,
           guint8         depth,
           guint8         colour_type,
           double         dpi,
           const guint8  *rows,
           gsize          len,
           int            level,
           GError       **error)
{
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  g_autoptr(GByteArray) ihdr = g_byte_array_new ();
  const guint8 ihdr_tail[] = { depth, colour_type, 0, 0, 0 };  /* deflate, no interlace */

  if (!deflate (rows, len, level, idat, error))
    return FALSE;
  append_be32 (ihdr, width);
  append_be32 (ihdr, height);
  g_byte_array_append (ihdr, ihdr_tail, sizeof ihdr_tail);
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  png_chunk (png, "IHDR", ihdr->data, ihdr->len);
  png_resolution (png, dpi);
  png_chunk (png, "IDAT", idat->data, idat->len);
  png_chunk (png, "IEND", NULL, 0);
  return TRUE;
}

/* The laser image as a 1-bit grayscale PNG: 0 black (engraved), 1 white. */
static gboolean
encode_png_1bit (cairo_surface_t  *rgb,
                 double            dpi,
                 GByteArray       *png,
                 GError          **error)
{
  int width = cairo_image_surface_get_width (rgb), height = cairo_image_surface_get_height (rgb);
  const guint8 *src = cairo_image_surface_get_data (rgb);
  int stride = cairo_image_surface_get_stride (rgb);
  gsize row_len = 1 + ((gsize) width + 7) / 8;
  g_autofree guint8 *rows = g_malloc0 (row_len * height);

  cairo_surface_flush (rgb);
  for (int y = 0; y < height; y++)
    {
      const guint32 *in = (const guint32 *) (const void *) (src + (gsize) y * stride);
      guint8 *out = rows + row_len * y + 1;

      for (int x = 0; x < width; x++)
        if ((in[x] & 0x00FFFFFF) != 0)
          out[x / 8] |= 0x80 >> (x % 8);
    }
  return write_png (png, width, height, 1, 0, dpi, rows, row_len * height, -1, error);
}

/* The colour image as an 8-bit RGBA PNG. cairo_surface_write_to_png() takes
 * some 110 ms a side at 600 dpi (adaptive filters, zlib level 6); no filter
 * and zlib level 1 take a quarter of that for files a third larger. */
static gboolean
encode_png_rgba (cairo_surface_t  *argb,
                 double            dpi,
                 GByteArray       *png,
                 GError          **error)
{
  int width = cairo_image_surface_get_width (argb), height = cairo_image_surface_get_height (argb);
  const guint8 *src = cairo_image_surface_get_data (argb);
  int stride = cairo_image_surface_get_stride (argb);
  gsize row_len = 1 + (gsize) width * 4;
  g_autofree guint8 *rows = g_malloc (row_len * height);

  cairo_surface_flush (argb);
  for (int y = 0; y < height; y++)
    {
      const guint32 *in = (const guint32 *) (const void *) (src + (gsize) y * stride);
      guint8 *out = rows + row_len * y;

      *out++ = 0;
      for (int x = 0; x < width; x++, out += 4)
        {
          guint32 p = in[x];
          guint a = p >> 24;

          /* cairo premultiplies alpha, PNG does not */
          if (a == 255 || a == 0)
            out[0] = p >> 16, out[1] = p >> 8, out[2] = p;
          else
            out[0] = (((p >> 16) & 0xFF) * 255 + a / 2) / a,
            out[1] = (((p >> 8) & 0xFF) * 255 + a / 2) / a,
            out[2] = ((p & 0xFF) * 255 + a / 2) / a;
          out[3] = a;
        }
    }
  return write_png (png, width, height, 8, 6, dpi, rows, row_len * height, 1, error);
}

static gboolean
render_png (const CiFaceTemplate  *tmpl,
            CiFaceSide             side,
            const CiFaceData      *data,
            double                 dpi,
            GByteArray            *png,
            GPtrArray             *problems,
            GError               **error)
{
  int width = (int) lround (CI_FACE_CARD_WIDTH_MM / 25.4 * dpi);
  int height = (int) lround (CI_FACE_CARD_HEIGHT_MM / 25.4 * dpi);
  gboolean laser = tmpl->mode == CI_FACE_LASER;
  cairo_surface_t *surface =
    cairo_image_surface_create (laser ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok = check_surface (surface, error);

  /* Around the rounded corners: transparent in colour, unmarked (white) for
   * the engraver. */
  if (ok && laser)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }
  ok = ok && ci_face_render (tmpl, side, data, cr, dpi / 25.4, problems, error);
  cairo_destroy (cr);
  if (ok)
    ok = laser ? encode_png_1bit (surface, dpi, png, error)
               : encode_png_rgba (surface, dpi, png, error);
  cairo_surface_destroy (surface);
  return ok;
}

/**
 * ci_face_export_png:
 * @tmpl: a template
 * @side: which side
 * @data: what the card shows
 * @dpi: the resolution, 50 to 2400 (600: 2022 × 1275 pixels)
 * @path: where to save it
 * @problems: (nullable) (element-type CiFaceProblem): gets what is missing
 * @error: a G_IO_ERROR naming @path
 *
 * Saves one side as a PNG of round(85.60 mm / 25.4 × @dpi) × round(53.98 mm /
 * 25.4 × @dpi) pixels, transparent outside the rounded corners. In laser mode
 * it is a 1-bit grayscale PNG: black is engraved, white is not.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
ci_face_export_png (const CiFaceTemplate *tmpl,
                    CiFaceSide            side,
                    const CiFaceData     *data,
                    double                dpi,
                    const char           *path,
                    GPtrArray            *problems,
                    GError              **error)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();

  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(dpi >= MIN_DPI && dpi <= MAX_DPI))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The card face cannot be saved as “%s” at %g dpi: choose %g to %g dpi."), path,
                   dpi, MIN_DPI, MAX_DPI);
      return FALSE;
    }
  return render_png (tmpl, side, data, dpi, png, problems, error)
         && write_file (path, png, error);
}

/* PDF and SVG --------------------------------------------------------------------------------- */

static gboolean
render_vector_page (const CiFaceTemplate  *tmpl,
                    CiFaceSide             side,
                    const CiFaceData      *data,
                    cairo_t               *cr,
                    GPtrArray             *problems,
                    GError               **error)
{
  return ci_face_render (tmpl, side, data, cr, PT_PER_MM, problems, error);
}

static gboolean
finish_surface (cairo_surface_t  *surface,
                cairo_t          *cr,
                gboolean          ok,
                GError          **error)
{
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  ok = ok && check_surface (surface, error);
  cairo_surface_destroy (surface);
  return ok;
}

/**
 * ci_face_export_pdf:
 * @tmpl: a template
 * @data: what the card shows
 * @path: where to save it
 * @problems: (nullable) (element-type CiFaceProblem): gets what is missing,
 *   front and back
 * @error: a G_IO_ERROR naming @path
 *
 * Saves the front and the back as two pages of exactly 242.65 × 153.01 pt,
 * the card's size. Text, shapes, SVG logos and the QR code stay vectors;
 * photos are images at 300 dpi (600 dpi, dithered, in laser mode).
 *
 * Returns: %TRUE when the file was written
 */
gboolean
ci_face_export_pdf (const CiFaceTemplate *tmpl,
                    const CiFaceData     *data,
                    const char           *path,
                    GPtrArray            *problems,
                    GError              **error)
{
  g_autoptr(GByteArray) pdf = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  surface = cairo_pdf_surface_create_for_stream (append_bytes, pdf, CARD_WIDTH_PT, CARD_HEIGHT_PT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  tmpl->name ? tmpl->name : "Card face");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "CardIssue");
  cr = cairo_create (surface);
  cairo_pdf_surface_set_page_label (surface, "Front");
  ok = render_vector_page (tmpl, CI_FACE_FRONT, data, cr, problems, error);
  if (ok)
    {
      cairo_show_page (cr);
      cairo_pdf_surface_set_page_label (surface, "Back");
      ok = render_vector_page (tmpl, CI_FACE_BACK, data, cr, problems, error);
    }
  ok = finish_surface (surface, cr, ok, error);
  return ok && write_file (path, pdf, error);
}

/**
 * ci_face_export_svg:
 * @tmpl: a template
 * @side: which side
 * @data: what the card shows
 * @path: where to save it
 * @problems: (nullable) (element-type CiFaceProblem): gets what is missing
 * @error: a G_IO_ERROR naming @path
 *
 * Saves one side as an SVG document 242.65 × 153.01 pt large.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
ci_face_export_svg (const CiFaceTemplate *tmpl,
                    CiFaceSide            side,
                    const CiFaceData     *data,
                    const char           *path,
                    GPtrArray            *problems,
                    GError              **error)
{
  g_autoptr(GByteArray) svg = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  g_return_val_if_fail (tmpl != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  surface = cairo_svg_surface_create_for_stream (append_bytes, svg, CARD_WIDTH_PT, CARD_HEIGHT_PT);
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
  cr = cairo_create (surface);
  ok = render_vector_page (tmpl, side, data, cr, problems, error);
  ok = finish_surface (surface, cr, ok, error);
  return ok && write_file (path, svg, error);
}
