/* ci-batch-page-pins.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-batch-page-private.h"

/* The PINs the core generated for a batch are shown once, as PIN letters: a
 * text file, one page per holder, readable by its owner only, for the
 * printer. Once written, the page wipes them. */

/* Room for one PIN letter, so the text holding the PINs is never moved. */
#define LETTER_BYTES 1024

typedef struct
{
  CiBatchTicket *ticket;
  GFile         *file;
  char          *text;
  GPtrArray     *rows;       /* CiBatchRow, borrowed: the ones with a letter */
} Save;

static void
save_free (Save *save)
{
  _ci_batch_ticket_free (save->ticket);
  g_object_unref (save->file);
  _ci_batch_wipe (save->text);
  g_ptr_array_unref (save->rows);
  g_free (save);
}

/* One page per holder (form feeds between them), for the printer. */
static char *
pin_letters (CiBatchPage *self,
             GPtrArray   *included)
{
  GString *text = g_string_sized_new (LETTER_BYTES * (_ci_batch_page_count_pins (self) + 1));

  for (guint i = 0; i < self->rows->len; i++)
    {
      CiBatchRow *row = self->rows->pdata[i];
      g_autofree char *serial = NULL;
      char *letter;

      if (row->pin == NULL)
        continue;
      serial = ci_card_format_serial (row->serial);
      /* Translators: a PIN letter, printed one to a page: the holder's name, employee
       * number, card serial and PIN. Keep the line breaks. */
      letter = g_strdup_printf (_("PIN letter\n\nFor: %s (%s)\nCard: %s\n\nYour PIN: %s\n\n"
                                  "Keep your PIN secret: learn it, then destroy this letter.\n"
                                  "Nobody will ever ask you for it.\n"),
                                row->name ? row->name : row->number, row->number, serial,
                                row->pin);
      if (text->len > 0)
        g_string_append_c (text, '\f');
      g_string_append (text, letter);
      _ci_batch_wipe (letter);
      g_ptr_array_add (included, row);
    }
  return g_string_free (text, FALSE);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Save *save = user_data;
  CiBatchPage *self = save->ticket->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_parse_name (save->file);
  g_autofree char *text = NULL;

  g_file_replace_contents_finish (G_FILE (source), result, NULL, &error);
  if (!_ci_batch_ticket_valid (save->ticket))
    {
      save_free (save);
      return;
    }
  self->saving = FALSE;
  if (error != NULL)
    /* Translators: the PIN letters' file could not be written; %s says why */
    text = g_strdup_printf (_("The PIN letters were not saved: %s"), error->message);
  else
    {
      for (guint i = 0; i < save->rows->len; i++)
        g_clear_pointer (&((CiBatchRow *) save->rows->pdata[i])->pin, _ci_batch_wipe);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
        "%u PIN letter was saved to %s. Its PIN is no longer kept here.",
        "%u PIN letters were saved to %s. Their PINs are no longer kept here.",
        save->rows->len), save->rows->len, path);
    }
  adw_action_row_set_subtitle (self->pins_row, text);
  _ci_batch_page_update_view (self);
  save_free (save);
}

/**
 * ci_batch_page_save_pin_letters:
 * @self: a #CiBatchPage
 * @file: where to write them
 *
 * Writes the PIN letters of the cards issued so far (a text file, one page
 * per holder, readable by the owner only), then wipes those PINs.
 */
void
ci_batch_page_save_pin_letters (CiBatchPage *self,
                                GFile       *file)
{
  Save *save;

  g_return_if_fail (CI_IS_BATCH_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->saving || _ci_batch_page_count_pins (self) == 0)
    return;
  save = g_new0 (Save, 1);
  save->ticket = _ci_batch_ticket_new (self);
  save->file = g_object_ref (file);
  save->rows = g_ptr_array_new ();
  save->text = pin_letters (self, save->rows);
  self->saving = TRUE;
  _ci_batch_page_update_view (self);
  g_file_replace_contents_async (file, save->text, strlen (save->text), NULL, FALSE,
                                 G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                 save_done, save);
}

static void
save_chooser_response (CiBatchPage *self,
                       int          response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    ci_batch_page_save_pin_letters (self, file);
}

void
_ci_batch_page_save_pins_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  CiBatchPage *self = CI_BATCH_PAGE (widget);
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Save the PIN Letters"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  /* Translators: the suggested file name for the PIN letters */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("pin-letters.txt"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_chooser_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}
