/* ci-ui.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

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

/**
 * ci_ui_card_state_name:
 * @state: a card's life-cycle state
 *
 * Returns: the state in the desk's words, translated
 */
const char *
ci_ui_card_state_name (CiCardState state)
{
  switch (state)
    {
    case CI_CARD_REQUESTED:
      return _("Requested, not written yet");
    case CI_CARD_INITIALISED:
    case CI_CARD_PERSONALISED:
      return _("Unfinished");
    case CI_CARD_ACTIVE:
      return _("Active");
    case CI_CARD_SUSPENDED:
      return _("Suspended");
    case CI_CARD_LOST:
      return _("Lost");
    case CI_CARD_STOLEN:
      return _("Stolen");
    case CI_CARD_DAMAGED:
      return _("Damaged");
    case CI_CARD_REVOKED:
      return _("Revoked");
    case CI_CARD_EXPIRED:
      return _("Expired");
    case CI_CARD_DESTROYED:
      return _("Destroyed");
    case CI_CARD_N_STATES:
    default:
      return ci_card_state_to_string (state);
    }
}

/**
 * ci_ui_employee_status_name:
 * @status: an employee's status
 *
 * Returns: the status in the desk's words, translated
 */
const char *
ci_ui_employee_status_name (CiEmployeeStatus status)
{
  switch (status)
    {
    case CI_EMPLOYEE_ACTIVE:
      return C_("employee status", "Active");
    case CI_EMPLOYEE_SUSPENDED:
      return C_("employee status", "Suspended");
    case CI_EMPLOYEE_LEFT:
      /* Translators: an employee who has left the organisation */
      return C_("employee status", "Left");
    default:
      return ci_employee_status_to_string (status);
    }
}

/**
 * ci_ui_read_file:
 * @file: a file the operator chose
 * @max_bytes: the most the desk accepts
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error; %G_IO_ERROR_MESSAGE_TOO_LARGE when
 *   the file holds more than @max_bytes
 *
 * Reads a whole file, but never more than @max_bytes + 1 bytes, whatever
 * size the file claims (a pipe, a file still growing). For worker threads.
 *
 * Returns: (transfer full): the bytes, or %NULL
 */
GBytes *
ci_ui_read_file (GFile         *file,
                 gsize          max_bytes,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[65536];

  if (in == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable,
                                      error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, n);
      if (data->len > max_bytes)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "the file holds more than %" G_GSIZE_FORMAT " bytes", max_bytes);
          return NULL;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
