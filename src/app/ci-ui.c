/* ci-ui.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ci-ui.h"

/* Small presentation helpers the pages share. */

/**
 * ci_ui_show_outcome:
 * @label: the label saying how something ended
 * @text: what to say, in plain words
 * @ok: success (green) or failure (red); the words say it too, for those
 *   who cannot tell the colours apart
 *
 * Shows @text and gives it to assistive technologies as the label's name.
 */
void
ci_ui_show_outcome (GtkLabel   *label,
                    const char *text,
                    gboolean    ok)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (label), ok ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (label), ok ? "success" : "error");
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* Removes every row of @list. */
void
ci_ui_list_box_clear (GtkListBox *list)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}
