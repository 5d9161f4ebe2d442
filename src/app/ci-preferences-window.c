/* ci-preferences-window.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include "ci-preferences-window.h"

/* The desk's settings, bound straight to GSettings: nothing to save. */

struct _CiPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *database_row;
  AdwEntryRow          *desk_row;
  AdwEntryRow          *reader_row;
  AdwEntryRow          *template_row;
  GtkAdjustment        *lock_adjustment;
};

G_DEFINE_FINAL_TYPE (CiPreferencesWindow, ci_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
seconds_to_minutes (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 60.0);
  return TRUE;
}

static GVariant *
minutes_to_seconds (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * 60.0 + 0.5));
}

static void
ci_preferences_window_class_init (CiPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CiPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, CiPreferencesWindow, desk_row);
  gtk_widget_class_bind_template_child (widget_class, CiPreferencesWindow, reader_row);
  gtk_widget_class_bind_template_child (widget_class, CiPreferencesWindow, template_row);
  gtk_widget_class_bind_template_child (widget_class, CiPreferencesWindow, lock_adjustment);
}

static void
ci_preferences_window_init (CiPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CiPreferencesWindow *
ci_preferences_window_new (CiApplication *app)
{
  CiPreferencesWindow *self = g_object_new (CI_TYPE_PREFERENCES_WINDOW, NULL);
  GSettings *settings = ci_application_get_settings (app);

  g_settings_bind (settings, "database-uri", self->database_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "desk-id", self->desk_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "default-reader", self->reader_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "card-template", self->template_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "lock-after-idle", self->lock_adjustment, "value",
                                G_SETTINGS_BIND_DEFAULT, seconds_to_minutes, minutes_to_seconds,
                                NULL, NULL);
  return self;
}
