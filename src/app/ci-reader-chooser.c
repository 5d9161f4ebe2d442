/* ci-reader-chooser.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-application.h"
#include "ci-reader-chooser.h"

/* Which reader the card is in, and whether there is one: every page that
 * writes a card has this. The reader monitor reports readers coming and going
 * and cards going in and out as it happens (hot-plug); the chooser keeps the
 * operator's choice, else the preferred reader from the settings. */

struct _CiReaderChooser
{
  AdwBin         parent_instance;

  AdwComboRow   *reader_row;
  GtkStringList *reader_list;
  AdwActionRow  *card_row;
  GtkImage      *card_icon;
  char          *absent_text;
};

enum {
  PROP_0,
  PROP_ABSENT_TEXT,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CiReaderChooser, ci_reader_chooser, ADW_TYPE_BIN)

static CiReaderMonitor *
get_monitor (void)
{
  return ci_application_get_reader_monitor (CI_APPLICATION (g_application_get_default ()));
}

static void
update_card (CiReaderChooser *self)
{
  g_autofree char *reader = ci_reader_chooser_dup_reader (self);
  gboolean present = ci_reader_chooser_get_card_present (self);
  const char *text;

  if (reader == NULL)
    text = _("No card reader found — connect one, or start the virtual card");
  else if (present)
    text = _("Card present");
  else
    text = self->absent_text ? self->absent_text : _("No card — insert a card");
  adw_action_row_set_subtitle (self->card_row, text);
  gtk_image_set_from_icon_name (self->card_icon, present ? "emblem-ok-symbolic"
                                                         : "media-removable-symbolic");
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * ci_reader_chooser_refresh:
 * @self: a #CiReaderChooser
 *
 * Lists the readers present now, keeping the one chosen.
 */
void
ci_reader_chooser_refresh (CiReaderChooser *self)
{
  GSettings *settings = ci_application_get_settings (CI_APPLICATION (g_application_get_default ()));
  g_auto(GStrv) readers = ci_reader_monitor_dup_readers (get_monitor ());
  g_autofree char *current = ci_reader_chooser_dup_reader (self);
  g_autofree char *preferred = g_settings_get_string (settings, "default-reader");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->reader_list));
  guint select = 0;

  g_return_if_fail (CI_IS_READER_CHOOSER (self));

  gtk_string_list_splice (self->reader_list, 0, n, (const char * const *) readers);
  for (guint i = 0; readers[i]; i++)
    {
      if (g_strcmp0 (readers[i], preferred) == 0 && current == NULL)
        select = i;
      if (g_strcmp0 (readers[i], current) == 0)
        select = i;
    }
  if (readers[0] != NULL)
    adw_combo_row_set_selected (self->reader_row, select);
  update_card (self);
}

/**
 * ci_reader_chooser_dup_reader:
 * @self: a #CiReaderChooser
 *
 * Returns: (transfer full) (nullable): the reader chosen, or %NULL if there
 *   is none
 */
char *
ci_reader_chooser_dup_reader (CiReaderChooser *self)
{
  GtkStringObject *item;

  g_return_val_if_fail (CI_IS_READER_CHOOSER (self), NULL);

  item = adw_combo_row_get_selected_item (self->reader_row);
  return item ? g_strdup (gtk_string_object_get_string (item)) : NULL;
}

gboolean
ci_reader_chooser_get_card_present (CiReaderChooser *self)
{
  g_autofree char *reader = NULL;

  g_return_val_if_fail (CI_IS_READER_CHOOSER (self), FALSE);

  reader = ci_reader_chooser_dup_reader (self);
  return reader != NULL && ci_reader_monitor_has_card (get_monitor (), reader);
}

static void
ci_reader_chooser_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ci_reader_chooser_parent_class)->map (widget);
  ci_reader_chooser_refresh (CI_READER_CHOOSER (widget));
}

static void
ci_reader_chooser_finalize (GObject *object)
{
  CiReaderChooser *self = CI_READER_CHOOSER (object);

  g_free (self->absent_text);
  G_OBJECT_CLASS (ci_reader_chooser_parent_class)->finalize (object);
}

static void
ci_reader_chooser_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CI_TYPE_READER_CHOOSER);
  G_OBJECT_CLASS (ci_reader_chooser_parent_class)->dispose (object);
}

static void
ci_reader_chooser_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CiReaderChooser *self = CI_READER_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_ABSENT_TEXT:
      g_free (self->absent_text);
      self->absent_text = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_reader_chooser_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CiReaderChooser *self = CI_READER_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_ABSENT_TEXT:
      g_value_set_string (value, self->absent_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_reader_chooser_class_init (CiReaderChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_reader_chooser_dispose;
  object_class->finalize = ci_reader_chooser_finalize;
  object_class->set_property = ci_reader_chooser_set_property;
  object_class->get_property = ci_reader_chooser_get_property;
  widget_class->map = ci_reader_chooser_map;

  /**
   * CiReaderChooser:absent-text:
   *
   * What to say while the reader is empty, such as "insert a blank card".
   */
  properties[PROP_ABSENT_TEXT] =
    g_param_spec_string ("absent-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CiReaderChooser::changed:
   *
   * Another reader was chosen, or a card went in or out.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-reader-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, CiReaderChooser, reader_row);
  gtk_widget_class_bind_template_child (widget_class, CiReaderChooser, reader_list);
  gtk_widget_class_bind_template_child (widget_class, CiReaderChooser, card_row);
  gtk_widget_class_bind_template_child (widget_class, CiReaderChooser, card_icon);
  gtk_widget_class_bind_template_callback (widget_class, update_card);
}

static void
ci_reader_chooser_init (CiReaderChooser *self)
{
  CiReaderMonitor *monitor = get_monitor ();

  gtk_widget_init_template (GTK_WIDGET (self));
  if (monitor == NULL)
    return;
  g_signal_connect_object (monitor, "reader-added", G_CALLBACK (ci_reader_chooser_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "reader-removed", G_CALLBACK (ci_reader_chooser_refresh),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "card-inserted", G_CALLBACK (update_card), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (monitor, "card-removed", G_CALLBACK (update_card), self,
                           G_CONNECT_SWAPPED);
}
