/* ci-photo-cropper.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ci-photo-cropper.h"
#include "ci-ui.h"
#include "face/ci-face-render.h"

/* A photo with a frame at the ID photo's aspect ratio over it: the part inside
 * the frame is what the card shows. The frame moves and resizes with the
 * pointer (drag inside it, or drag a corner) and with the keyboard (arrow
 * keys move it, + and − resize it, Shift makes a step ten times larger).
 * The widget only shows a preview; the frame is in the pixels of the full
 * image, whose size the caller gives, so the caller crops the full image.
 * The functions at the end read, decode and encode those pixels, on a
 * worker thread: ci_photo_decode() before the cropper, ci_photo_encode()
 * for what the frame holds. */

#define HANDLE_SIZE      10.0  /* the corner squares, in widget pixels */
#define HANDLE_HIT       16.0  /* how near a corner a press resizes */
#define MIN_CROP_HEIGHT  45    /* image pixels; smaller images allow less */
#define VIEW_MARGIN      8.0   /* room for the corners and the focus ring */

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_RESIZE,
} DragMode;

struct _CiPhotoCropper
{
  GtkWidget     parent_instance;

  GdkTexture   *preview;
  int           width;      /* the full image, in pixels */
  int           height;
  GdkRectangle  crop;       /* in the full image's pixels */

  DragMode      drag_mode;
  GdkRectangle  drag_start;
  int           anchor_x;   /* the corner that stays put while resizing */
  int           anchor_y;
  int           dir_x;      /* +1 if the dragged corner is right of the anchor */
  int           dir_y;
};

enum {
  PROP_0,
  PROP_CROP,
  N_PROPS
};

enum {
  CROP_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CiPhotoCropper, ci_photo_cropper, GTK_TYPE_WIDGET)

/* ─── geometry ──────────────────────────────────────────────────────────── */

static int
width_for_height (int height)
{
  return (int) lround ((double) height * CI_PHOTO_ASPECT_WIDTH / CI_PHOTO_ASPECT_HEIGHT);
}

/* The tallest frame the image holds: as high as the image, or as wide. */
static int
max_crop_height (CiPhotoCropper *self)
{
  int h = MIN (self->height,
               (int) ((gint64) self->width * CI_PHOTO_ASPECT_HEIGHT / CI_PHOTO_ASPECT_WIDTH));

  return MAX (h, 1);
}

/* @rect at the aspect ratio, no smaller than the minimum, inside the image. */
static GdkRectangle
normalize (CiPhotoCropper     *self,
           const GdkRectangle *rect)
{
  int max_h = max_crop_height (self);
  int min_h = MIN (MIN_CROP_HEIGHT, max_h);
  GdkRectangle r;

  r.height = CLAMP (rect->height, min_h, max_h);
  r.width = CLAMP (width_for_height (r.height), 1, self->width);
  r.x = CLAMP (rect->x, 0, self->width - r.width);
  r.y = CLAMP (rect->y, 0, self->height - r.height);
  return r;
}

/* Where the image is drawn: as large as the widget allows, centred, with
 * room around it for a frame at its very edge. */
static gboolean
get_view (CiPhotoCropper  *self,
          graphene_rect_t *view,
          double          *scale)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->preview == NULL || w <= 2 * VIEW_MARGIN || h <= 2 * VIEW_MARGIN)
    return FALSE;
  *scale = MIN ((w - 2 * VIEW_MARGIN) / self->width, (h - 2 * VIEW_MARGIN) / self->height);
  graphene_rect_init (view, (w - self->width * *scale) / 2, (h - self->height * *scale) / 2,
                      self->width * *scale, self->height * *scale);
  return TRUE;
}

static void
crop_in_view (CiPhotoCropper        *self,
              const graphene_rect_t *view,
              double                 scale,
              graphene_rect_t       *out)
{
  graphene_rect_init (out, view->origin.x + self->crop.x * scale,
                      view->origin.y + self->crop.y * scale,
                      self->crop.width * scale, self->crop.height * scale);
}

static void
update_crop (CiPhotoCropper     *self,
             const GdkRectangle *rect)
{
  GdkRectangle r = normalize (self, rect);

  if (gdk_rectangle_equal (&r, &self->crop))
    return;
  self->crop = r;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CROP]);
  g_signal_emit (self, signals[CROP_CHANGED], 0, &self->crop);
}

/* ─── drawing ───────────────────────────────────────────────────────────── */

static void
append_frame (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              float                  width,
              const GdkRGBA         *color)
{
  GskRoundedRect outline;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

/* Everything outside the frame is darkened, so the photo to be is clear. */
static void
append_shade (GtkSnapshot           *snapshot,
              const graphene_rect_t *view,
              const graphene_rect_t *c)
{
  const GdkRGBA shade = { 0, 0, 0, 0.55f };
  float right = c->origin.x + c->size.width;
  float bottom = c->origin.y + c->size.height;
  graphene_rect_t parts[4];

  graphene_rect_init (&parts[0], view->origin.x, view->origin.y, view->size.width,
                      c->origin.y - view->origin.y);
  graphene_rect_init (&parts[1], view->origin.x, bottom, view->size.width,
                      view->origin.y + view->size.height - bottom);
  graphene_rect_init (&parts[2], view->origin.x, c->origin.y, c->origin.x - view->origin.x,
                      c->size.height);
  graphene_rect_init (&parts[3], right, c->origin.y, view->origin.x + view->size.width - right,
                      c->size.height);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i].size.width > 0 && parts[i].size.height > 0)
      gtk_snapshot_append_color (snapshot, &shade, &parts[i]);
}

/* Thirds help to place the eyes; the corners show where to grab. */
static void
append_guides (GtkSnapshot           *snapshot,
               const graphene_rect_t *c)
{
  const GdkRGBA guide = { 1, 1, 1, 0.4f };
  const GdkRGBA handle = { 1, 1, 1, 1 };

  for (int i = 1; i < 3; i++)
    {
      float x = c->origin.x + c->size.width * i / 3;
      float y = c->origin.y + c->size.height * i / 3;

      gtk_snapshot_append_color (snapshot, &guide,
                                 &GRAPHENE_RECT_INIT (x, c->origin.y, 1, c->size.height));
      gtk_snapshot_append_color (snapshot, &guide,
                                 &GRAPHENE_RECT_INIT (c->origin.x, y, c->size.width, 1));
    }
  for (int i = 0; i < 4; i++)
    {
      float x = c->origin.x + (i % 2 ? c->size.width : 0) - HANDLE_SIZE / 2;
      float y = c->origin.y + (i / 2 ? c->size.height : 0) - HANDLE_SIZE / 2;

      gtk_snapshot_append_color (snapshot, &handle,
                                 &GRAPHENE_RECT_INIT (x, y, HANDLE_SIZE, HANDLE_SIZE));
    }
}

static void
ci_photo_cropper_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (widget);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA accent = { 0x35 / 255.f, 0x84 / 255.f, 0xe4 / 255.f, 1 };
  graphene_rect_t view, c;
  double scale;

  if (!get_view (self, &view, &scale))
    return;
  gtk_snapshot_append_texture (snapshot, self->preview, &view);
  crop_in_view (self, &view, scale, &c);
  append_shade (snapshot, &view, &c);
  append_frame (snapshot, &c, 2, &white);
  append_guides (snapshot, &c);
  if (gtk_widget_has_visible_focus (widget))
    {
      graphene_rect_t ring;

      graphene_rect_inset_r (&c, -3, -3, &ring);
      append_frame (snapshot, &ring, 2, &accent);
    }
}

static void
ci_photo_cropper_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  /* Room for a frame of ID-photo shape, whatever the image. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 4 * CI_PHOTO_ASPECT_WIDTH;
      *natural = 8 * CI_PHOTO_ASPECT_WIDTH;
    }
  else
    {
      *minimum = 4 * CI_PHOTO_ASPECT_HEIGHT;
      *natural = 8 * CI_PHOTO_ASPECT_HEIGHT;
    }
}

/* ─── pointer ───────────────────────────────────────────────────────────── */

/* Which part of the frame is at (@x, @y): a corner (0 top left, 1 top right,
 * 2 bottom left, 3 bottom right), -1 inside, -2 outside. */
static int
hit_test (CiPhotoCropper *self,
          double          x,
          double          y)
{
  graphene_rect_t view, c;
  double scale;

  if (!get_view (self, &view, &scale))
    return -2;
  crop_in_view (self, &view, scale, &c);
  for (int i = 0; i < 4; i++)
    {
      double cx = c.origin.x + (i % 2 ? c.size.width : 0);
      double cy = c.origin.y + (i / 2 ? c.size.height : 0);

      if (fabs (x - cx) <= HANDLE_HIT && fabs (y - cy) <= HANDLE_HIT)
        return i;
    }
  return graphene_rect_contains_point (&c, &GRAPHENE_POINT_INIT (x, y)) ? -1 : -2;
}

static void
drag_begin (GtkGestureDrag *gesture,
            double          x,
            double          y,
            CiPhotoCropper *self)
{
  int part = hit_test (self, x, y);

  if (part == -2)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_start = self->crop;
  self->drag_mode = part == -1 ? DRAG_MOVE : DRAG_RESIZE;
  self->dir_x = part % 2 ? 1 : -1;
  self->dir_y = part >= 2 ? 1 : -1;
  self->anchor_x = self->crop.x + (self->dir_x > 0 ? 0 : self->crop.width);
  self->anchor_y = self->crop.y + (self->dir_y > 0 ? 0 : self->crop.height);
}

/* The dragged corner follows the pointer, the opposite one stays: the frame
 * grows as far as the pointer reaches, at the aspect ratio, inside the image. */
static GdkRectangle
resized_from_anchor (CiPhotoCropper *self,
                     double          px,
                     double          py)
{
  double want_h = MAX (self->dir_y * (py - self->anchor_y),
                       self->dir_x * (px - self->anchor_x)
                       * CI_PHOTO_ASPECT_HEIGHT / CI_PHOTO_ASPECT_WIDTH);
  int avail_h = self->dir_y > 0 ? self->height - self->anchor_y : self->anchor_y;
  int avail_w = self->dir_x > 0 ? self->width - self->anchor_x : self->anchor_x;
  int max_h = MIN (avail_h, (int) ((gint64) avail_w * CI_PHOTO_ASPECT_HEIGHT
                                   / CI_PHOTO_ASPECT_WIDTH));
  int h = MAX (1, MIN ((int) lround (MAX (want_h, MIN_CROP_HEIGHT)), max_h));
  int w = width_for_height (h);
  GdkRectangle r = { self->dir_x > 0 ? self->anchor_x : self->anchor_x - w,
                     self->dir_y > 0 ? self->anchor_y : self->anchor_y - h, w, h };

  return r;
}

static void
drag_update (GtkGestureDrag *gesture,
             double          offset_x,
             double          offset_y,
             CiPhotoCropper *self)
{
  graphene_rect_t view;
  double scale, start_x, start_y;
  GdkRectangle r = self->drag_start;

  if (self->drag_mode == DRAG_NONE || !get_view (self, &view, &scale))
    return;
  if (self->drag_mode == DRAG_MOVE)
    {
      r.x += (int) lround (offset_x / scale);
      r.y += (int) lround (offset_y / scale);
    }
  else
    {
      gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
      r = resized_from_anchor (self, (start_x + offset_x - view.origin.x) / scale,
                               (start_y + offset_y - view.origin.y) / scale);
    }
  update_crop (self, &r);
}

static void
drag_end (GtkGestureDrag *gesture,
          double          offset_x,
          double          offset_y,
          CiPhotoCropper *self)
{
  self->drag_mode = DRAG_NONE;
}

static void
motion (GtkEventControllerMotion *controller,
        double                    x,
        double                    y,
        CiPhotoCropper           *self)
{
  static const char * const corners[] = {
    "nwse-resize", "nesw-resize", "nesw-resize", "nwse-resize"
  };
  int part;

  if (self->drag_mode != DRAG_NONE)
    return;
  part = hit_test (self, x, y);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   part >= 0 ? corners[part] : part == -1 ? "move" : NULL);
}

/* ─── keyboard ──────────────────────────────────────────────────────────── */

/* A step is a hundredth of the image, so a photo of any size moves alike. */
static int
move_step (CiPhotoCropper *self)
{
  return MAX (1, MIN (self->width, self->height) / 100);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (widget);
  int dx, dy;
  GdkRectangle r = self->crop;

  if (self->preview == NULL)
    return;
  g_variant_get (parameter, "(ii)", &dx, &dy);
  r.x += dx * move_step (self);
  r.y += dy * move_step (self);
  update_crop (self, &r);
}

/* Grows or shrinks the frame by a twentieth of the largest, about its centre. */
static void
resize_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (widget);
  int steps = g_variant_get_int32 (parameter);
  int step = MAX (1, max_crop_height (self) / 20);
  int centre_x = self->crop.x + self->crop.width / 2;
  int centre_y = self->crop.y + self->crop.height / 2;
  GdkRectangle r;

  if (self->preview == NULL)
    return;
  r.height = CLAMP (self->crop.height + steps * step, MIN (MIN_CROP_HEIGHT, max_crop_height (self)),
                    max_crop_height (self));
  r.width = width_for_height (r.height);
  r.x = centre_x - r.width / 2;
  r.y = centre_y - r.height / 2;
  update_crop (self, &r);
}

static void
add_move_bindings (GtkWidgetClass *widget_class,
                   guint           keyval,
                   guint           kp_keyval,
                   int             dx,
                   int             dy)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "cropper.move", "(ii)", dx, dy);
  gtk_widget_class_add_binding_action (widget_class, kp_keyval, 0, "cropper.move", "(ii)", dx,
                                       dy);
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_SHIFT_MASK, "cropper.move",
                                       "(ii)", dx * 10, dy * 10);
  gtk_widget_class_add_binding_action (widget_class, kp_keyval, GDK_SHIFT_MASK, "cropper.move",
                                       "(ii)", dx * 10, dy * 10);
}

static void
add_bindings (GtkWidgetClass *widget_class)
{
  add_move_bindings (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0);
  add_move_bindings (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0);
  add_move_bindings (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1);
  add_move_bindings (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1);
  /* "+" is Shift+= on many keyboards; "=" alone grows the frame too. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "cropper.resize", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "cropper.resize", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "cropper.resize", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "cropper.resize", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "cropper.resize",
                                       "i", -1);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_photo_cropper_dispose (GObject *object)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (object);

  g_clear_object (&self->preview);
  G_OBJECT_CLASS (ci_photo_cropper_parent_class)->dispose (object);
}

static void
ci_photo_cropper_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (object);

  switch (prop_id)
    {
    case PROP_CROP:
      g_value_set_boxed (value, self->preview ? &self->crop : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_photo_cropper_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CiPhotoCropper *self = CI_PHOTO_CROPPER (object);

  switch (prop_id)
    {
    case PROP_CROP:
      if (g_value_get_boxed (value) != NULL)
        ci_photo_cropper_set_crop (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_photo_cropper_class_init (CiPhotoCropperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_photo_cropper_dispose;
  object_class->get_property = ci_photo_cropper_get_property;
  object_class->set_property = ci_photo_cropper_set_property;
  widget_class->snapshot = ci_photo_cropper_snapshot;
  widget_class->measure = ci_photo_cropper_measure;

  /**
   * CiPhotoCropper:crop:
   *
   * The frame, in the full image's pixels; %NULL without an image.
   */
  properties[PROP_CROP] = g_param_spec_boxed ("crop", NULL, NULL, GDK_TYPE_RECTANGLE,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                              | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CiPhotoCropper::crop-changed:
   * @crop: the frame, in the full image's pixels
   *
   * The person moved or resized the frame, or the image changed.
   */
  signals[CROP_CHANGED] = g_signal_new ("crop-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        GDK_TYPE_RECTANGLE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_install_action (widget_class, "cropper.move", "(ii)", move_action);
  gtk_widget_class_install_action (widget_class, "cropper.resize", "i", resize_action);
  add_bindings (widget_class);
  gtk_widget_class_set_css_name (widget_class, "photocropper");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ci_photo_cropper_init (CiPhotoCropper *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *pointer = gtk_event_controller_motion_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (pointer, "motion", G_CALLBACK (motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), pointer);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Photo crop frame"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Arrow keys move the frame; plus and minus change its size."),
                                  -1);
}

GtkWidget *
ci_photo_cropper_new (void)
{
  return g_object_new (CI_TYPE_PHOTO_CROPPER, NULL);
}

/**
 * ci_photo_cropper_set_image:
 * @self: a #CiPhotoCropper
 * @preview: (nullable): what to show, of any size with the image's shape;
 *   %NULL for no image
 * @width: the full image's width, in pixels
 * @height: the full image's height, in pixels
 *
 * Shows an image with the largest frame it holds, centred.
 */
void
ci_photo_cropper_set_image (CiPhotoCropper *self,
                            GdkTexture     *preview,
                            int             width,
                            int             height)
{
  GdkRectangle all = { 0, 0, width, height };

  g_return_if_fail (CI_IS_PHOTO_CROPPER (self));
  g_return_if_fail (preview == NULL || GDK_IS_TEXTURE (preview));
  g_return_if_fail (preview == NULL || (width > 0 && height > 0));

  g_set_object (&self->preview, preview);
  self->width = preview ? width : 0;
  self->height = preview ? height : 0;
  memset (&self->crop, 0, sizeof self->crop);
  gtk_widget_set_focusable (GTK_WIDGET (self), preview != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (preview == NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CROP]);
      return;
    }
  /* The largest frame, centred: the normalized whole image, moved to the middle. */
  all = normalize (self, &all);
  all.x = (width - all.width) / 2;
  all.y = (height - all.height) / 2;
  update_crop (self, &all);
}

gboolean
ci_photo_cropper_has_image (CiPhotoCropper *self)
{
  g_return_val_if_fail (CI_IS_PHOTO_CROPPER (self), FALSE);

  return self->preview != NULL;
}

/**
 * ci_photo_cropper_get_crop:
 * @self: a #CiPhotoCropper
 * @crop: (out): the frame, in the full image's pixels
 *
 * Returns: %FALSE if there is no image (and no frame)
 */
gboolean
ci_photo_cropper_get_crop (CiPhotoCropper *self,
                           GdkRectangle   *crop)
{
  g_return_val_if_fail (CI_IS_PHOTO_CROPPER (self), FALSE);
  g_return_val_if_fail (crop != NULL, FALSE);

  *crop = self->crop;
  return self->preview != NULL;
}

/**
 * ci_photo_cropper_set_crop:
 * @self: a #CiPhotoCropper
 * @crop: the frame wanted, in the full image's pixels
 *
 * Moves the frame there, made the ID photo's shape and kept inside the image.
 */
void
ci_photo_cropper_set_crop (CiPhotoCropper     *self,
                           const GdkRectangle *crop)
{
  g_return_if_fail (CI_IS_PHOTO_CROPPER (self));
  g_return_if_fail (crop != NULL);

  if (self->preview != NULL)
    update_crop (self, crop);
}

/* ─── the pixels ────────────────────────────────────────────────────────── */

/**
 * ci_photo_decode:
 * @bytes: what should be a PNG or JPEG image
 * @error: return location for an error written for the desk
 *
 * Decodes with the card face's own decoder (its limits and checks: PNG and
 * JPEG only, known by their first bytes; the size checked before the image
 * is allocated; a file cut short noticed), in the desk's words.
 *
 * Returns: (transfer full): the image, upright (EXIF orientation), or %NULL
 */
GdkPixbuf *
ci_photo_decode (GBytes  *bytes,
                 GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf = ci_face_image_decode (bytes, &local_error);
  const char *message;

  if (pixbuf != NULL)
    return pixbuf;
  switch (local_error->code)
    {
    case CI_FACE_IMAGE_ERROR_TOO_LARGE:
      message = _("This photo is too large: choose one of at most 20 MB and 20 megapixels.");
      break;
    case CI_FACE_IMAGE_ERROR_NOT_SUPPORTED:
      message = _("This file is not a PNG or JPEG image.");
      break;
    case CI_FACE_IMAGE_ERROR_INCOMPLETE:
      message = _("This photo is incomplete: the file ends before the image does.");
      break;
    case CI_FACE_IMAGE_ERROR_DAMAGED:
    default:
      message = _("This photo is damaged and cannot be read.");
      break;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return NULL;
}

/**
 * ci_photo_read_file:
 * @file: the photo someone chose
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error written for the desk
 *
 * Reads @file, unless it is larger than the desk accepts: a file far too
 * large is refused before it is read into memory.
 *
 * Returns: (transfer full): the file's bytes, or %NULL
 */
GBytes *
ci_photo_read_file (GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, cancellable, error);
  g_autoptr(GError) read_error = NULL;
  GBytes *bytes;

  if (info == NULL)
    return NULL;
  if (g_file_info_get_size (info) > CI_FACE_IMAGE_MAX_BYTES)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("This photo is %s; choose one of at most 20 MB."), size);
      return NULL;
    }
  /* Whatever size it claims (a pipe, a file still growing). */
  bytes = ci_ui_read_file (file, CI_FACE_IMAGE_MAX_BYTES, cancellable, &read_error);
  if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("This photo is too large: choose one of at most 20 MB and 20 "
                           "megapixels."));
  else if (read_error != NULL)
    g_propagate_error (error, g_steal_pointer (&read_error));
  return bytes;
}

/**
 * ci_photo_preview:
 * @pixbuf: a decoded photo
 *
 * Returns: (transfer full): a texture of at most 1024 pixels a side, enough
 *   for the cropper, so a 20-megapixel photo is not uploaded whole
 */
GdkTexture *
ci_photo_preview (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  double scale = 1024.0 / MAX (width, height);
  g_autoptr(GdkPixbuf) small = NULL;

  if (scale >= 1)
    return gdk_texture_new_for_pixbuf (pixbuf);
  small = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale)),
                                   MAX (1, (int) (height * scale)), GDK_INTERP_BILINEAR);
  return gdk_texture_new_for_pixbuf (small);
}

/**
 * ci_photo_encode:
 * @pixbuf: the full photo
 * @crop: the part to keep, in @pixbuf's pixels
 * @error: return location for an error
 *
 * The part as a JPEG (quality 90) at most %CI_PHOTO_STORED_WIDTH pixels wide:
 * smaller parts keep their size, larger ones are scaled down. Transparency
 * becomes white, as on a card.
 *
 * Returns: (transfer full): the JPEG bytes, or %NULL
 */
GBytes *
ci_photo_encode (GdkPixbuf           *pixbuf,
                 const GdkRectangle  *crop,
                 GError             **error)
{
  GdkRectangle all = { 0, 0, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf) };
  GdkRectangle part;
  g_autoptr(GdkPixbuf) sub = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autofree char *buffer = NULL;
  gsize len = 0;
  int width, height;

  if (!gdk_rectangle_intersect (&all, crop, &part))
    part = all;
  sub = gdk_pixbuf_new_subpixbuf (pixbuf, part.x, part.y, part.width, part.height);
  width = MIN (part.width, CI_PHOTO_STORED_WIDTH);
  height = MAX (1, (int) lround ((double) part.height * width / part.width));
  if (gdk_pixbuf_get_has_alpha (sub))
    out = gdk_pixbuf_composite_color_simple (sub, width, height, GDK_INTERP_HYPER, 255, 8,
                                             0xffffffff, 0xffffffff);
  else if (width != part.width)
    out = gdk_pixbuf_scale_simple (sub, width, height, GDK_INTERP_HYPER);
  else
    out = g_object_ref (sub);
  if (!gdk_pixbuf_save_to_buffer (out, &buffer, &len, "jpeg", error, "quality", "90", NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), len);
}
