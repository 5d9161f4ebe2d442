/* ci-photo-cropper.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* An ID photo is 35 mm wide and 45 mm high. */
#define CI_PHOTO_ASPECT_WIDTH  35
#define CI_PHOTO_ASPECT_HEIGHT 45

/* What the desk accepts to crop from, and the largest photo it stores. */
#define CI_PHOTO_STORED_WIDTH   600

#define CI_TYPE_PHOTO_CROPPER (ci_photo_cropper_get_type ())

G_DECLARE_FINAL_TYPE (CiPhotoCropper, ci_photo_cropper, CI, PHOTO_CROPPER, GtkWidget)

GtkWidget *ci_photo_cropper_new       (void);
void       ci_photo_cropper_set_image (CiPhotoCropper     *self,
                                       GdkTexture         *preview,
                                       int                 width,
                                       int                 height);
gboolean   ci_photo_cropper_has_image (CiPhotoCropper     *self);
gboolean   ci_photo_cropper_get_crop  (CiPhotoCropper     *self,
                                       GdkRectangle       *crop);
void       ci_photo_cropper_set_crop  (CiPhotoCropper     *self,
                                       const GdkRectangle *crop);

/* The pixels behind the cropper; each may run on a worker thread. */
GBytes     *ci_photo_read_file (GFile              *file,
                                GCancellable       *cancellable,
                                GError            **error);
GdkPixbuf  *ci_photo_decode    (GBytes             *bytes,
                                GError            **error);
GdkTexture *ci_photo_preview   (GdkPixbuf          *pixbuf);
GBytes     *ci_photo_encode    (GdkPixbuf          *pixbuf,
                                const GdkRectangle *crop,
                                GError            **error);

G_END_DECLS
