/* ci-pcsc.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <winscard.h>

#include "card/ci-card-error.h"
#include "card/ci-pcsc.h"

/* Splits a PC/SC multi-string ("a\0b\0\0") into a GStrv. */
static char **
multi_string_to_strv (const char *multi,
                      DWORD       len)
{
  GPtrArray *names = g_ptr_array_new ();

  for (const char *p = multi; p < multi + len && *p != '\0'; p += strlen (p) + 1)
    g_ptr_array_add (names, g_strdup (p));
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/**
 * ci_pcsc_list_readers:
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Lists the readers pcsc-lite knows now. No reader is not an error: the
 * result is then empty.
 *
 * Returns: (transfer full): the reader names, or %NULL if the smart-card
 *   service can't be reached
 */
char **
ci_pcsc_list_readers (GError **error)
{
  SCARDCONTEXT context;
  g_autofree char *multi = NULL;
  DWORD len = 0;
  LONG rv;

  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (!ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error))
    return NULL;
  rv = SCardListReaders (context, NULL, NULL, &len);
  if (rv == SCARD_S_SUCCESS && len > 0)
    {
      multi = g_malloc0 (len + 1);
      rv = SCardListReaders (context, NULL, multi, &len);
    }
  SCardReleaseContext (context);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return g_new0 (char *, 1);
  if (!ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error))
    return NULL;
  return multi ? multi_string_to_strv (multi, len) : g_new0 (char *, 1);
}

static void
cancel_wait (GCancellable *cancellable,
             gpointer      user_data)
{
  SCardCancel (*(SCARDCONTEXT *) user_data);
}

static gboolean
has_card (const SCARD_READERSTATE *state)
{
  return (state->dwEventState & SCARD_STATE_PRESENT) != 0;
}

/* pcsc-lite counts the insertions and removals in a reader in the upper word
 * of dwEventState. Other PC/SC stacks leave it 0. */
static guint
event_count (const SCARD_READERSTATE *state)
{
  return (guint) (state->dwEventState >> 16) & 0xFFFF;
}

/* Whether the wait is over: the reader is in the state asked for, or, when
 * waiting for an empty reader, the card seen at @events has already gone and
 * another one come (an encoder swaps cards faster than we may look). */
static gboolean
reached (const SCARD_READERSTATE *state,
         gboolean                 present,
         const guint             *events)
{
  if (has_card (state) == present)
    return TRUE;
  return !present && events != NULL && *events != 0 && event_count (state) != *events;
}

#define WAIT_SLICE_MS 250

/**
 * ci_pcsc_wait_for_state:
 * @reader: a reader name
 * @present: wait for a card (%TRUE) or for an empty reader (%FALSE)
 * @events: (inout) (optional): the reader's event count. Waiting for an empty
 *   reader, pass the count returned when the card was seen: a different count
 *   means that card was taken out (and maybe another put in) meanwhile.
 *   Returns the count now; 0 where the PC/SC stack does not count.
 * @timeout_ms: how long to wait; 0 checks once
 * @cancellable: (nullable): cancels the wait through SCardCancel
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Blocks until @reader holds a card, or holds none.
 *
 * Returns: %TRUE once the reader is in the state asked for
 */
gboolean
ci_pcsc_wait_for_state (const char    *reader,
                        gboolean       present,
                        guint         *events,
                        guint          timeout_ms,
                        GCancellable  *cancellable,
                        GError       **error)
{
  SCARDCONTEXT context;
  SCARD_READERSTATE state = { 0 };
  gulong handler = 0;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  LONG rv;

  g_return_val_if_fail (reader != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
  if (!ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error))
    return FALSE;
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_wait), &context, NULL);
  state.szReader = reader;
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  /* SCardCancel only ends a wait already under way: a cancel that comes
   * just before one starts is seen at the next slice. */
  do
    {
      gint64 left = MAX (0, (deadline - g_get_monotonic_time ()) / 1000);

      rv = SCardGetStatusChange (context, (DWORD) MIN (left, WAIT_SLICE_MS), &state, 1);
      if (rv == SCARD_E_TIMEOUT && g_get_monotonic_time () < deadline)
        {
          rv = SCARD_S_SUCCESS;
          continue;
        }
      state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
    }
  while (rv == SCARD_S_SUCCESS && !reached (&state, present, events)
         && g_get_monotonic_time () < deadline && !g_cancellable_is_cancelled (cancellable));
  g_cancellable_disconnect (cancellable, handler);
  if (rv == SCARD_S_SUCCESS && g_cancellable_is_cancelled (cancellable))
    rv = SCARD_E_CANCELLED;
  SCardReleaseContext (context);
  if (rv == SCARD_S_SUCCESS && !reached (&state, present, events))
    rv = present ? SCARD_E_NO_SMARTCARD : SCARD_E_TIMEOUT;
  if (rv == SCARD_S_SUCCESS && events)
    *events = event_count (&state);
  return ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error);
}

/**
 * ci_pcsc_wait_for_card:
 * @reader: a reader name
 * @timeout_ms: how long to wait; 0 checks once
 * @cancellable: (nullable): cancels the wait through SCardCancel
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: %TRUE when a card is present
 */
gboolean
ci_pcsc_wait_for_card (const char    *reader,
                       guint          timeout_ms,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return ci_pcsc_wait_for_state (reader, TRUE, NULL, timeout_ms, cancellable, error);
}
