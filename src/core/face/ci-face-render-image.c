/* ci-face-render-image.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's photo and the template's logos. Every image is decoded,
 * cropped and scaled here to the pixels it will cover (ci-face-render.c
 * _ci_face_pixel_box()), so cairo only ever copies it; in laser mode the
 * photo is then dithered and a logo thresholded, both to black and white.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "face/ci-face-render-private.h"

#include <librsvg/rsvg.h>
#include <math.h>
#include <string.h>

/* Past this, an image the renderer makes (a GUI preview zoomed far in) is
 * made smaller and cairo scales it up. */
#define MAX_MADE_PIXELS (24 * 1000 * 1000)

/* Decoding ------------------------------------------------------------------------------------ */

typedef struct
{
  int      width;
  int      height;
  int      rows;       /* decoded from the data, from the top */
  gboolean closing;
  gboolean too_large;
} ImageSize;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  ImageSize       *size)
{
  size->width = width;
  size->height = height;
  if ((gint64) width * height > CI_FACE_IMAGE_MAX_PIXELS)
    {
      /* A zero size tells the decoder to stop before it allocates the image. */
      size->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

/* A JPEG cut short decodes without an error: on close the decoder makes up
 * its missing rows in gray. Only the rows decoded while the data was being
 * written are real. */
static void
on_area_updated (GdkPixbufLoader *loader,
                 int              x,
                 int              y,
                 int              width,
                 int              height,
                 ImageSize       *size)
{
  if (!size->closing)
    size->rows = MAX (size->rows, y + height);
}

/* "png" or "jpeg" by the first bytes, or %NULL: the only kinds we decode. */
const char *
_ci_face_image_type (const guint8 *data,
                     gsize         len)
{
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";
  if (len >= 3 && memcmp (data, "\xFF\xD8\xFF", 3) == 0)
    return "jpeg";
  return NULL;
}

G_DEFINE_QUARK (ci-face-image-error-quark, ci_face_image_error)

/**
 * ci_face_image_decode:
 * @bytes: what should be a PNG or JPEG image
 * @error: a #CI_FACE_IMAGE_ERROR saying why it cannot be used
 *
 * Decodes a PNG or JPEG image of at most %CI_FACE_IMAGE_MAX_BYTES and
 * %CI_FACE_IMAGE_MAX_PIXELS and turns it upright (EXIF orientation). Other
 * formats are refused before any decoder sees them, and a file cut short is
 * refused although the decoder would fill in its missing rows.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
GdkPixbuf *
ci_face_image_decode (GBytes  *bytes,
                      GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  const char *type = _ci_face_image_type (data, len);
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) load_error = NULL;
  ImageSize size = { 0 };
  gboolean ok;

  if (len > CI_FACE_IMAGE_MAX_BYTES)
    {
      g_autofree char *text = g_format_size (len);

      g_set_error (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_TOO_LARGE,
                   /* Translators: this and the following messages about an image complete
                    * sentences such as “The employee's photo cannot be used: %s.”; here %s
                    * is a file size such as “24.5 MB”. */
                   _("it is %s; at most 20 MB can be used"), text);
      return NULL;
    }
  if (type == NULL)
    {
      g_set_error_literal (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_NOT_SUPPORTED,
                           _("it is not a PNG or JPEG image"));
      return NULL;
    }
  if ((loader = gdk_pixbuf_loader_new_with_type (type, NULL)) == NULL)
    {
      g_set_error (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_NOT_SUPPORTED,
                   /* Translators: %s is an image type, “png” or “jpeg”. */
                   _("this system cannot decode %s images (install its gdk-pixbuf loader)"),
                   type);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &size);
  g_signal_connect (loader, "area-updated", G_CALLBACK (on_area_updated), &size);
  ok = gdk_pixbuf_loader_write (loader, data, len, &load_error);
  size.closing = TRUE;
  /* Always closed, even after a failed write: a loader finalized open warns. */
  ok = gdk_pixbuf_loader_close (loader, ok ? &load_error : NULL) && ok;
  if (size.too_large)
    {
      g_set_error (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_TOO_LARGE,
                   _("it is %d × %d pixels; at most 20 megapixels can be used"),
                   size.width, size.height);
      return NULL;
    }
  if (!ok || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_set_error (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_DAMAGED,
                   /* Translators: %s is what the image decoder says is wrong. */
                   _("it is damaged (%s)"),
                   load_error ? load_error->message : _("no image in it"));
      return NULL;
    }
  if (size.rows < size.height)
    {
      g_set_error (error, CI_FACE_IMAGE_ERROR, CI_FACE_IMAGE_ERROR_INCOMPLETE,
                   _("it is incomplete (%d of its %d rows)"), size.rows, size.height);
      return NULL;
    }
  return gdk_pixbuf_apply_embedded_orientation (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Pixels -------------------------------------------------------------------------------------- */

/**
 * _ci_face_dither:
 * @gray: (inout): @width × @height gray levels, rows without padding
 *
 * Floyd–Steinberg error diffusion to 0 and 255, in serpentine order (every
 * other row right to left) so the error does not drift into diagonal worms.
 */
void
_ci_face_dither (guint8 *gray,
                 int     width,
                 int     height)
{
  /* Errors in 1/16 of a gray level; one spare cell at each end of a row. */
  g_autofree int *rows = g_new0 (int, 2 * (width + 2));
  int *cur = rows + 1, *next = rows + width + 3;

  for (int y = 0; y < height; y++)
    {
      int dir = y % 2 == 0 ? 1 : -1;

      memset (next - 1, 0, (width + 2) * sizeof (int));
      for (int i = 0; i < width; i++)
        {
          int x = dir > 0 ? i : width - 1 - i;
          guint8 *p = &gray[(gsize) y * width + x];
          int value = *p * 16 + cur[x];
          int out = value >= 128 * 16 ? 255 : 0;
          int error = value - out * 16;
          int e7 = error * 7 / 16, e3 = error * 3 / 16, e5 = error * 5 / 16;

          *p = (guint8) out;
          cur[x + dir] += e7;
          next[x - dir] += e3;
          next[x] += e5;
          next[x + dir] += error - e7 - e3 - e5;
        }
      { int *swap = cur; cur = next; next = swap; }
    }
}

static inline guint8
luma (guint r,
      guint g,
      guint b)
{
  return (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
}

/* The photo as an opaque cairo image: transparency on white, in gray when
 * asked or in laser mode, and dithered to black and white in laser mode. */
static cairo_surface_t *
photo_surface (GdkPixbuf *pixbuf,
               gboolean   gray,
               gboolean   dither)
{
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf), src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  guint8 *dst = cairo_image_surface_get_data (surface);
  int dst_stride = cairo_image_surface_get_stride (surface);
  g_autofree guint8 *levels = dither ? g_malloc ((gsize) width * height) : NULL;

  if (dst == NULL)
    return surface;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = src + (gsize) y * src_stride + (gsize) x * channels;
        guint a = alpha ? p[3] : 255;
        guint r = (p[0] * a + 255 * (255 - a) + 127) / 255;
        guint g = (p[1] * a + 255 * (255 - a) + 127) / 255;
        guint b = (p[2] * a + 255 * (255 - a) + 127) / 255;

        if (gray || dither)
          r = g = b = luma (r, g, b);
        if (dither)
          levels[(gsize) y * width + x] = (guint8) r;
        else
          ((guint32 *) (void *) (dst + (gsize) y * dst_stride))[x] = 0xFF000000u | r << 16 | g << 8 | b;
      }
  if (dither)
    {
      _ci_face_dither (levels, width, height);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          ((guint32 *) (void *) (dst + (gsize) y * dst_stride))[x] =
            levels[(gsize) y * width + x] ? 0xFFFFFFFFu : 0xFF000000u;
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* In place: each pixel of a premultiplied ARGB32 image becomes transparent
 * (alpha under 50 %), black (luma under 50 %) or white. */
static void
threshold_surface (cairo_surface_t *surface)
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  if (data == NULL)
    return;
  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    {
      guint32 *row = (guint32 *) (void *) (data + (gsize) y * stride);

      for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
        {
          guint a = row[x] >> 24;
          guint l = luma ((row[x] >> 16) & 0xFF, (row[x] >> 8) & 0xFF, row[x] & 0xFF);

          /* premultiplied: luma < a / 2 is a colour darker than 50 % */
          row[x] = a < 128 ? 0 : 2 * l < a ? 0xFF000000u : 0xFFFFFFFFu;
        }
    }
  cairo_surface_mark_dirty (surface);
}

/* A logo as a premultiplied ARGB32 cairo image. */
static cairo_surface_t *
logo_surface (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf), src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guint8 *dst = cairo_image_surface_get_data (surface);
  int dst_stride = cairo_image_surface_get_stride (surface);

  if (dst == NULL)
    return surface;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = src + (gsize) y * src_stride + (gsize) x * channels;
        guint a = alpha ? p[3] : 255;
        guint r = (p[0] * a + 127) / 255, g = (p[1] * a + 127) / 255, b = (p[2] * a + 127) / 255;

        ((guint32 *) (void *) (dst + (gsize) y * dst_stride))[x] = a << 24 | r << 16 | g << 8 | b;
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* @surface stretched over @box: pixel for pixel when _ci_face_pixel_box()
 * made both, which NEAREST keeps 1-bit in laser mode. */
static void
paint_surface (CiFaceRenderCtx *ctx,
               cairo_surface_t *surface,
               const CiFaceBox *box)
{
  cairo_t *cr = ctx->cr;
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  cairo_save (cr);
  cairo_rectangle (cr, box->x, box->y, box->width, box->height);
  cairo_clip (cr);
  cairo_translate (cr, box->x, box->y);
  cairo_scale (cr, box->width / width, box->height / height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            ctx->laser ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* How many pixels to make an image of @box, from a source of @src_width ×
 * @src_height: in colour on a vector target no more than the source has. */
static void
made_size (CiFaceRenderCtx *ctx,
           CiFaceBox       *box,
           int              src_width,
           int              src_height,
           int             *width,
           int             *height)
{
  double shrink = 1.0;

  _ci_face_pixel_box (ctx, box, width, height);
  if (!ctx->raster && !ctx->laser && *width > src_width)
    shrink = (double) src_width / *width;
  if ((double) *width * *height * shrink * shrink > MAX_MADE_PIXELS)
    shrink = sqrt ((double) MAX_MADE_PIXELS / ((double) *width * *height));
  *width = MAX (1, (int) (*width * shrink));
  *height = MAX (1, (int) (*height * shrink));
  (void) src_height;
}

/* Photo --------------------------------------------------------------------------------------- */

/**
 * _ci_face_photo_crop:
 * @aspect: the box's width over its height
 * @face: (nullable): the face region, in fractions of the image
 * @crop: (out): the largest part of the image of that aspect, centred on the
 *   face (or the image's centre) as far as the image's edges allow
 */
void
_ci_face_photo_crop (int                    width,
                     int                    height,
                     double                 aspect,
                     const CiFaceBox       *face,
                     cairo_rectangle_int_t *crop)
{
  double crop_width = MIN ((double) width, height * aspect);
  double centre_x = face ? (face->x + face->width / 2.0) * width : width / 2.0;
  double centre_y = face ? (face->y + face->height / 2.0) * height : height / 2.0;

  crop->width = CLAMP ((int) lround (crop_width), 1, width);
  crop->height = CLAMP ((int) lround (crop_width / aspect), 1, height);
  crop->x = CLAMP ((int) lround (centre_x - crop->width / 2.0), 0, width - crop->width);
  crop->y = CLAMP ((int) lround (centre_y - crop->height / 2.0), 0, height - crop->height);
}

static void
draw_decoded_photo (CiFaceRenderCtx     *ctx,
                    const CiFaceElement *element,
                    GdkPixbuf           *pixbuf,
                    const CiFaceBox     *face)
{
  CiFaceBox box = element->box;
  cairo_rectangle_int_t crop;
  g_autoptr(GdkPixbuf) part = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  cairo_surface_t *surface;
  int width, height;

  _ci_face_photo_crop (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                       box.width / box.height, face, &crop);
  part = gdk_pixbuf_new_subpixbuf (pixbuf, crop.x, crop.y, crop.width, crop.height);
  made_size (ctx, &box, crop.width, crop.height, &width, &height);
  scaled = gdk_pixbuf_scale_simple (part, width, height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    return;
  surface = photo_surface (scaled, element->grayscale || ctx->laser, ctx->laser);
  paint_surface (ctx, surface, &box);
  cairo_surface_destroy (surface);
}

void
_ci_face_draw_photo (CiFaceRenderCtx     *ctx,
                     const CiFaceElement *element)
{
  CiFaceBox face;
  gboolean has_face = FALSE;
  GBytes *bytes = ci_face_data_get_photo (ctx->data, &face, &has_face);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) decode_error = NULL;

  if (bytes == NULL)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_PHOTO,
                            _("The employee's photo is missing: add one before issuing."));
      /* Translators: drawn on the card preview where the photo is missing. */
      _ci_face_draw_placeholder (ctx, &element->box, _("‹photo›"));
      return;
    }
  pixbuf = ci_face_image_decode (bytes, &decode_error);
  if (pixbuf == NULL)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_PHOTO,
                            /* Translators: %s says why, such as “it is not a PNG or JPEG
                             * image”. */
                            _("The employee's photo cannot be used: %s. Choose another photo."),
                            decode_error->message);
      _ci_face_draw_placeholder (ctx, &element->box, _("‹photo›"));
      return;
    }
  draw_decoded_photo (ctx, element, pixbuf,
                      has_face && element->crop == CI_FACE_CROP_FACE ? &face : NULL);
}

/* Logos --------------------------------------------------------------------------------------- */

/* @width × @height fitted into @box, keeping its aspect, centred. */
static CiFaceBox
fit_box (const CiFaceBox *box,
         double           width,
         double           height)
{
  double scale = MIN (box->width / width, box->height / height);

  return (CiFaceBox) { box->x + (box->width - width * scale) / 2.0,
                       box->y + (box->height - height * scale) / 2.0,
                       width * scale, height * scale };
}

static gboolean
draw_svg (CiFaceRenderCtx     *ctx,
          const CiFaceElement *element,
          GError             **error)
{
  RsvgHandle *handle = rsvg_handle_new_from_file (element->path, error);
  CiFaceBox box = element->box;
  gboolean ok = FALSE;

  if (handle == NULL)
    return FALSE;
  if (!ctx->laser)
    {
      RsvgRectangle viewport = { box.x, box.y, box.width, box.height };

      ok = rsvg_handle_render_document (handle, ctx->cr, &viewport, error);
    }
  else
    {
      /* Rasterized at the output's pixels, then thresholded to 1 bit. */
      cairo_surface_t *surface;
      cairo_t *cr;
      int width, height;

      made_size (ctx, &box, G_MAXINT, G_MAXINT, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cr = cairo_create (surface);
      ok = rsvg_handle_render_document (handle, cr, &(RsvgRectangle) { 0, 0, width, height },
                                        error);
      cairo_destroy (cr);
      threshold_surface (surface);
      if (ok)
        paint_surface (ctx, surface, &box);
      cairo_surface_destroy (surface);
    }
  g_object_unref (handle);
  return ok;
}

static gboolean
draw_raster_logo (CiFaceRenderCtx     *ctx,
                  const CiFaceElement *element,
                  GError             **error)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (element->path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) decode_error = NULL;
  cairo_surface_t *surface;
  CiFaceBox box;
  int width, height;

  if (file == NULL)
    return FALSE;
  bytes = g_mapped_file_get_bytes (file);
  pixbuf = ci_face_image_decode (bytes, &decode_error);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, decode_error->message);
      return FALSE;
    }
  box = fit_box (&element->box, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf));
  made_size (ctx, &box, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf), &width,
             &height);
  scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    return TRUE;
  surface = logo_surface (scaled);
  if (ctx->laser)
    threshold_surface (surface);
  paint_surface (ctx, surface, &box);
  cairo_surface_destroy (surface);
  return TRUE;
}

void
_ci_face_draw_image (CiFaceRenderCtx     *ctx,
                     const CiFaceElement *element)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = g_ascii_strdown (element->path ? element->path : "", -1);
  gboolean ok;

  if (element->path == NULL)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_IMAGE,
                            _("The template's image names no file: fix the template."));
      /* Translators: drawn on the card preview where the template's image is missing. */
      _ci_face_draw_placeholder (ctx, &element->box, _("‹image›"));
      return;
    }
  if (g_str_has_suffix (lower, ".svg") || g_str_has_suffix (lower, ".svgz"))
    ok = draw_svg (ctx, element, &error);
  else
    ok = draw_raster_logo (ctx, element, &error);
  if (!ok)
    {
      _ci_face_add_problem (ctx, element, CI_FACE_PROBLEM_IMAGE,
                            /* Translators: the first %s is a file name, the second says why
                             * it cannot be used. */
                            _("The template's image “%s” cannot be used: %s. Fix the template "
                              "or the file."), element->path,
                            error ? error->message : _("unknown error"));
      _ci_face_draw_placeholder (ctx, &element->box, _("‹image›"));
    }
}
