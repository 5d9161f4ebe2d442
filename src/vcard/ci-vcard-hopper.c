/* ci-vcard-hopper.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card side of an encoder with an input hopper (`run --hopper N`): which
 * card is done, where a done card's image goes (the output stacker), and the
 * blank card that takes its place. When to eject is the socket's business
 * (ci-vpcd.c); this file only changes the card's memory and its image.
 */

#include "ci-vcard-private.h"

#include "keys/ci-digest.h"

#include <errno.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

/**
 * ci_vcard_is_issued:
 * @self: a card
 *
 * Whether the card is finished: DF.CARDISSUE exists and is activated (life
 * cycle 05). A card still in initialisation is not, so that a host can come
 * back to a half-written card; neither is a blank or a terminated one.
 *
 * Returns: %TRUE for an issued card
 */
gboolean
ci_vcard_is_issued (CiVcard *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return _ci_vcard_state (self) == CI_VCARD_STATE_ACTIVE;
}

/* "<image>.1", "<image>.2", …: the first name not taken. Never one that
 * exists, so that the cards of an earlier run stay on the stack. %NULL with
 * errno set if a name cannot be checked. */
static char *
free_stack_name (const char *image)
{
  for (guint k = 1; k < G_MAXUINT; k++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%u", image, k);
      GStatBuf st;

      if (g_lstat (name, &st) == 0)
        continue;
      return errno == ENOENT ? g_steal_pointer (&name) : NULL;
    }
  errno = EEXIST;
  return NULL;
}

/**
 * ci_vcard_eject:
 * @self: a card with an image (ci_vcard_set_image())
 * @error: return location for an error
 *
 * Takes the card out of the reader: its image file moves to the first free
 * `<image>.<k>` (k = 1, 2, …), where it can be inspected later. The card's
 * memory is left as it was; ci_vcard_feed_blank() replaces it.
 *
 * Returns: (transfer full): the image's new name, or %NULL on error
 */
char *
ci_vcard_eject (CiVcard  *self,
                GError  **error)
{
  g_autofree char *stacked = NULL;
  int saved_errno;

  g_return_val_if_fail (self != NULL && self->image_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stacked = free_stack_name (self->image_path);
  if (stacked != NULL && g_rename (self->image_path, stacked) == 0)
    return g_steal_pointer (&stacked);
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not move the ejected card's image %s aside: %s", self->image_path,
               g_strerror (saved_errno));
  return NULL;
}

/**
 * ci_vcard_feed_blank:
 * @self: a card
 * @error: return location for an error
 *
 * Puts the next card from the hopper into the reader: the memory becomes
 * that of a factory-blank card with the default transport key (what
 * `cardissue-vcard blank` makes) and is saved to the image. How the card is
 * run (image, protocol, limits) stays; the volatile state is gone.
 *
 * Returns: %TRUE on success (or there is no image)
 */
gboolean
ci_vcard_feed_blank (CiVcard  *self,
                     GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  _ci_vcard_clear_volatile (self);
  g_clear_pointer (&self->df, _ci_vcard_df_free);
  self->has_transport_key = TRUE;
  if (!ci_hex_decode (CI_VCARD_DEFAULT_TRANSPORT_KEY, self->transport_key, CI_VCARD_KEY_LEN))
    g_assert_not_reached ();
  self->dirty = FALSE;
  /* A card whose image could not be read back is mute; the new one is not. */
  self->mute = FALSE;
  return self->image_path == NULL || ci_vcard_save (self, self->image_path, error);
}
