/* ci-face-optical-image.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The optical check's 8-bit gray images: the scan decoded (PNG or JPEG, at
 * most 50 MB and 40 megapixels, refused before it is decoded), renders
 * turned gray, and the blurs both are compared through.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "face/ci-face-optical-private.h"
#include "face/ci-face-render-private.h"

#define MAX_SCAN_BYTES    (50 * 1000 * 1000)
#define MAX_SCAN_PIXELS   (40 * 1000 * 1000)

/* Gray images --------------------------------------------------------------------------------- */

CiFaceGray *
_ci_face_gray_new (int width,
                   int height)
{
  CiFaceGray *gray = g_new0 (CiFaceGray, 1);

  gray->width = width;
  gray->height = height;
  gray->data = g_malloc ((gsize) width * (gsize) height);
  return gray;
}

void
_ci_face_gray_free (CiFaceGray *gray)
{
  if (gray == NULL)
    return;
  g_free (gray->data);
  g_free (gray);
}

CiFaceGray *
_ci_face_gray_copy (const CiFaceGray *gray)
{
  CiFaceGray *copy = _ci_face_gray_new (gray->width, gray->height);

  memcpy (copy->data, gray->data, (gsize) gray->width * (gsize) gray->height);
  return copy;
}

/* Rec. 601 luma, as the renderer's laser mode. */
static inline guint8
luma (guint r,
      guint g,
      guint b)
{
  return (guint8) ((299 * r + 587 * g + 114 * b + 500) / 1000);
}

/* A transparent scan is taken as lying on white paper. */
static CiFaceGray *
gray_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  CiFaceGray *gray = _ci_face_gray_new (width, height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * channels;
        guint v = luma (p[0], p[1], p[2]);

        if (alpha)
          v = (v * p[3] + 255 * (255u - p[3]) + 127) / 255;
        gray->data[(gsize) y * width + x] = (guint8) v;
      }
  return gray;
}

CiFaceGray *
_ci_face_gray_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  CiFaceGray *gray = _ci_face_gray_new (width, height);

  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (gconstpointer) (pixels + (gsize) y * stride);

      for (int x = 0; x < width; x++)
        gray->data[(gsize) y * width + x] =
          luma ((row[x] >> 16) & 0xFF, (row[x] >> 8) & 0xFF, row[x] & 0xFF);
    }
  return gray;
}

/* Each @factor × @factor block becomes its mean. */
CiFaceGray *
_ci_face_gray_shrink (const CiFaceGray *gray,
                      int               factor)
{
  CiFaceGray *small = _ci_face_gray_new (gray->width / factor, gray->height / factor);

  for (int y = 0; y < small->height; y++)
    for (int x = 0; x < small->width; x++)
      {
        guint sum = 0;

        for (int j = 0; j < factor; j++)
          for (int i = 0; i < factor; i++)
            sum += gray->data[(gsize) (y * factor + j) * gray->width + x * factor + i];
        small->data[(gsize) y * small->width + x] =
          (guint8) ((sum + factor * factor / 2) / (guint) (factor * factor));
      }
  return small;
}

/* One box of 2 @r + 1 over @n values @step apart, the edges repeated. */
static void
box_pass (guint8 *data,
          gsize   step,
          int     n,
          int     r,
          guint8 *tmp)
{
  int width = 2 * r + 1;
  int sum = 0;

  for (int i = -r; i <= r; i++)
    sum += data[CLAMP (i, 0, n - 1) * step];
  for (int i = 0; i < n; i++)
    {
      tmp[i] = (guint8) ((sum + width / 2) / width);
      sum += data[MIN (i + r + 1, n - 1) * step] - data[MAX (i - r, 0) * step];
    }
  for (int i = 0; i < n; i++)
    data[i * step] = tmp[i];
}

/* Three boxes each way: close enough to a Gaussian of @sigma pixels. */
void
_ci_face_gray_blur (CiFaceGray *gray,
                    double      sigma)
{
  g_autofree guint8 *tmp = NULL;
  int r;

  if (!(sigma > 0))   /* NAN too */
    return;
  sigma = MIN (sigma, 1000.0);
  r = (int) round ((sqrt (4.0 * sigma * sigma + 1.0) - 1.0) / 2.0);
  if (r < 1)
    return;
  tmp = g_malloc (MAX (gray->width, gray->height));
  for (int y = 0; y < gray->height; y++)
    for (int pass = 0; pass < 3; pass++)
      box_pass (gray->data + (gsize) y * gray->width, 1, gray->width, r, tmp);
  for (int x = 0; x < gray->width; x++)
    for (int pass = 0; pass < 3; pass++)
      box_pass (gray->data + x, (gsize) gray->width, gray->height, r, tmp);
}

/* @gray less its local mean (a blur of @sigma pixels), halved, about 128:
 * the detail without the shading under it. */
void
_ci_face_gray_detail (CiFaceGray *gray,
                      double      sigma)
{
  g_autoptr(CiFaceGray) mean = _ci_face_gray_copy (gray);
  gsize n = (gsize) gray->width * (gsize) gray->height;

  _ci_face_gray_blur (mean, sigma);
  for (gsize i = 0; i < n; i++)
    gray->data[i] = (guint8) CLAMP (128 + ((int) gray->data[i] - (int) mean->data[i]) / 2, 0, 255);
}

/* Decoding ------------------------------------------------------------------------------------ */

typedef struct
{
  int      width;
  int      height;
  gboolean too_big;
} ScanSize;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  ScanSize        *size)
{
  size->width = width;
  size->height = height;
  if ((gint64) width * height > MAX_SCAN_PIXELS)
    {
      /* A zero size stops the decoder before it allocates the image. */
      size->too_big = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static GdkPixbuf *
load_scan (const guint8  *data,
           gsize          len,
           const char    *type,
           GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type (type, NULL);
  g_autoptr(GError) local_error = NULL;
  ScanSize size = { 0 };
  gboolean ok;

  if (loader == NULL)
    {
      g_set_error (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_NOT_IMAGE,
                   /* Translators: %s is an image type, “png” or “jpeg”. */
                   _("This system cannot decode %s images: save the scan as PNG."), type);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &size);
  ok = gdk_pixbuf_loader_write (loader, data, len, &local_error);
  /* Closed even after a failed write: a loader finalized open warns. */
  ok = gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL) && ok;
  if (size.too_big)
    {
      g_set_error (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_TOO_BIG,
                   _("The scan is %d × %d pixels, more than the 40 megapixels the optical check "
                     "reads: scan the card at 600 dpi or less."), size.width, size.height);
      return NULL;
    }
  if (!ok || gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_set_error (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_NOT_IMAGE,
                   /* Translators: the first %s is PNG or JPEG, the second says what is
                    * wrong, as the image decoder puts it. */
                   _("The scan is a damaged %s image (%s): scan the card again."),
                   g_str_equal (type, "png") ? "PNG" : "JPEG",
                   local_error ? local_error->message : _("no image in it"));
      return NULL;
    }
  return gdk_pixbuf_apply_embedded_orientation (gdk_pixbuf_loader_get_pixbuf (loader));
}

CiFaceGray *
_ci_face_gray_decode (GBytes  *scan,
                      GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (scan, &len);
  const char *type = _ci_face_image_type (data, len);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  if (len > MAX_SCAN_BYTES)
    {
      g_autofree char *size = g_format_size (len);

      g_set_error (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_TOO_BIG,
                   /* Translators: %s is a file size, such as “61.2 MB”. */
                   _("The scan is %s, more than the 50 MB the optical check reads: save it as "
                     "JPEG or scan at a lower resolution."), size);
      return NULL;
    }
  if (type == NULL)
    {
      g_set_error_literal (error, CI_FACE_OPTICAL_ERROR, CI_FACE_OPTICAL_ERROR_NOT_IMAGE,
                           _("The scan is not a PNG or JPEG image: save it in one of those."));
      return NULL;
    }
  pixbuf = load_scan (data, len, type, error);
  return pixbuf ? gray_from_pixbuf (pixbuf) : NULL;
}

