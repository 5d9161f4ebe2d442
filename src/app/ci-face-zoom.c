/* ci-face-zoom.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-face-zoom.h"
#include "face/ci-face-template.h"

/* The card face up close: both sides at 100 % to 400 % of the card's real
 * size on a 96 dpi screen, to check a photo crop or a long name before the
 * card is printed. The pictures are the preview's renders, drawn at 8 px/mm
 * by the core renderer, so 300 % is about their own resolution. */

#define SCALE_MIN 1.0
#define SCALE_MAX 4.0
#define SCALE_STEP 0.25
/* The card's width at 100 %: its real size on a 96 dpi screen. */
#define CARD_WIDTH_PX (CI_FACE_CARD_WIDTH_MM / 25.4 * 96.0)

struct _CiFaceZoom
{
  AdwWindow   parent_instance;

  GtkPicture *pictures[2];
  GtkLabel   *scale_label;
  double      scale;
};

G_DEFINE_FINAL_TYPE (CiFaceZoom, ci_face_zoom, ADW_TYPE_WINDOW)

static void
apply_scale (CiFaceZoom *self)
{
  int width = (int) (CARD_WIDTH_PX * self->scale + 0.5);
  int height = (int) (width * CI_FACE_CARD_HEIGHT_MM / CI_FACE_CARD_WIDTH_MM + 0.5);
  g_autofree char *text = g_strdup_printf ("%.0f %%", self->scale * 100);

  for (guint i = 0; i < G_N_ELEMENTS (self->pictures); i++)
    gtk_widget_set_size_request (GTK_WIDGET (self->pictures[i]), width, height);
  gtk_label_set_text (self->scale_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.in", self->scale < SCALE_MAX);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "zoom.out", self->scale > SCALE_MIN);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiFaceZoom *self = CI_FACE_ZOOM (widget);

  if (g_str_equal (action_name, "zoom.in"))
    self->scale = MIN (SCALE_MAX, self->scale + SCALE_STEP);
  else if (g_str_equal (action_name, "zoom.out"))
    self->scale = MAX (SCALE_MIN, self->scale - SCALE_STEP);
  else
    self->scale = SCALE_MIN;
  apply_scale (self);
}

static GtkWidget *
zoom_button (const char *icon,
             const char *action,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
ci_face_zoom_class_init (CiFaceZoomClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "zoom.in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "zoom.reset", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "zoom.in",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "zoom.in",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "zoom.out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "zoom.reset",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ci_face_zoom_init (CiFaceZoom *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  const char *names[] = { N_("Front of the card"), N_("Back of the card") };

  self->scale = 2.0;
  self->scale_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->scale_label), "numeric");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header),
                             zoom_button ("zoom-out-symbolic", "zoom.out", _("Zoom Out (Ctrl+−)")));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->scale_label));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header),
                             zoom_button ("zoom-in-symbolic", "zoom.in", _("Zoom In (Ctrl++)")));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header),
                             zoom_button ("zoom-original-symbolic", "zoom.reset",
                                          _("Real Size (Ctrl+0)")));
  gtk_widget_set_margin_start (sides, 18);
  gtk_widget_set_margin_end (sides, 18);
  gtk_widget_set_margin_top (sides, 18);
  gtk_widget_set_margin_bottom (sides, 18);
  gtk_widget_set_halign (sides, GTK_ALIGN_CENTER);
  for (guint i = 0; i < G_N_ELEMENTS (self->pictures); i++)
    {
      self->pictures[i] = GTK_PICTURE (gtk_picture_new ());
      gtk_picture_set_can_shrink (self->pictures[i], TRUE);
      gtk_picture_set_alternative_text (self->pictures[i], _(names[i]));
      gtk_widget_add_css_class (GTK_WIDGET (self->pictures[i]), "card-face");
      gtk_box_append (GTK_BOX (sides), GTK_WIDGET (self->pictures[i]));
    }
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), sides);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_default_size (GTK_WINDOW (self), 900, 700);
  apply_scale (self);
}

/**
 * ci_face_zoom_new:
 * @parent: the window it belongs to
 * @title: what the window says, such as the holder's name
 * @front: (nullable): the front as rendered
 * @back: (nullable): the back as rendered
 *
 * Returns: (transfer none): a new window showing both sides enlarged
 */
CiFaceZoom *
ci_face_zoom_new (GtkWindow    *parent,
                  const char   *title,
                  GdkPaintable *front,
                  GdkPaintable *back)
{
  CiFaceZoom *self = g_object_new (CI_TYPE_FACE_ZOOM,
                                   "transient-for", parent,
                                   "modal", TRUE,
                                   "title", title,
                                   NULL);

  gtk_picture_set_paintable (self->pictures[0], front);
  gtk_picture_set_paintable (self->pictures[1], back);
  return self;
}

double
ci_face_zoom_get_scale (CiFaceZoom *self)
{
  g_return_val_if_fail (CI_IS_FACE_ZOOM (self), 1.0);

  return self->scale;
}
