/* ci-card-trace.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "card/ci-card-trace.h"

struct _CiCardTrace
{
  gatomicrefcount ref_count;
  GMutex mutex;
  GArray *entries;
};

static void
entry_clear (gpointer data)
{
  CiCardTraceEntry *entry = data;

  g_clear_pointer (&entry->command, g_bytes_unref);
  g_clear_pointer (&entry->response, g_bytes_unref);
}

/**
 * ci_card_trace_new:
 *
 * Returns: (transfer full): an empty trace; it may be shared between threads
 */
CiCardTrace *
ci_card_trace_new (void)
{
  CiCardTrace *self = g_new0 (CiCardTrace, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->mutex);
  self->entries = g_array_new (FALSE, TRUE, sizeof (CiCardTraceEntry));
  g_array_set_clear_func (self->entries, entry_clear);
  return self;
}

CiCardTrace *
ci_card_trace_ref (CiCardTrace *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ci_card_trace_unref (CiCardTrace *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->entries);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

void
ci_card_trace_clear (CiCardTrace *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  g_array_set_size (self->entries, 0);
  g_mutex_unlock (&self->mutex);
}

/* The data field sits after the 4-byte header and a 1- or 3-byte Lc. */
static GBytes *
redacted_command (const guint8 *command,
                  gsize         len,
                  const CiApdu *apdu)
{
  guint8 *copy = g_memdup2 (command, len);
  gsize lc_len = (len > 5 && command[4] == 0 && apdu->lc > 0) ? 3 : 1;

  if (apdu->lc > 0 && 4 + lc_len + apdu->lc <= len)
    memset (copy + 4 + lc_len, 0, apdu->lc);
  return g_bytes_new_take (copy, len);
}

/**
 * ci_card_trace_add:
 * @self: a trace
 * @command: (array length=command_len): the bytes sent
 * @command_len: their number
 * @apdu: the command they encode; its flags decide the redaction
 * @response: (array length=response_len): the bytes received
 * @response_len: their number
 * @elapsed_us: time of the exchange
 *
 * Records one exchange. A %CI_APDU_SENSITIVE command's data field is zeroed
 * before it is stored.
 */
void
ci_card_trace_add (CiCardTrace  *self,
                   const guint8 *command,
                   gsize         command_len,
                   const CiApdu *apdu,
                   const guint8 *response,
                   gsize         response_len,
                   gint64        elapsed_us)
{
  CiCardTraceEntry entry = { .ended_us = g_get_monotonic_time () };

  g_return_if_fail (self != NULL && command != NULL && apdu != NULL);

  entry.redacted = (apdu->flags & CI_APDU_SENSITIVE) != 0;
  entry.command = entry.redacted ? redacted_command (command, command_len, apdu)
                                 : g_bytes_new (command, command_len);
  entry.response = g_bytes_new (response, response_len);
  entry.elapsed_us = elapsed_us;
  g_mutex_lock (&self->mutex);
  g_array_append_val (self->entries, entry);
  g_mutex_unlock (&self->mutex);
}

/**
 * ci_card_trace_add_reset:
 * @self: a trace
 * @atr: (array length=atr_len): the answer to reset after it
 * @atr_len: its length
 * @elapsed_us: how long the reset took
 *
 * Records a warm reset of the card, between two exchanges.
 */
void
ci_card_trace_add_reset (CiCardTrace  *self,
                         const guint8 *atr,
                         gsize         atr_len,
                         gint64        elapsed_us)
{
  CiCardTraceEntry entry = { .ended_us = g_get_monotonic_time () };

  g_return_if_fail (self != NULL && (atr != NULL || atr_len == 0));

  entry.response = g_bytes_new (atr, atr_len);
  entry.elapsed_us = elapsed_us;
  g_mutex_lock (&self->mutex);
  g_array_append_val (self->entries, entry);
  g_mutex_unlock (&self->mutex);
}

guint
ci_card_trace_get_n_entries (CiCardTrace *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n = self->entries->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

/**
 * ci_card_trace_get_entry:
 * @self: a trace
 * @i: index
 *
 * Returns: (transfer none): the entry; valid until the trace is cleared or
 *   grows from another thread
 */
const CiCardTraceEntry *
ci_card_trace_get_entry (CiCardTrace *self,
                         guint        i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->entries->len, NULL);

  return &g_array_index (self->entries, CiCardTraceEntry, i);
}

/**
 * ci_card_trace_get_totals:
 * @self: a trace
 * @n_apdus: (out) (optional): the number of commands (resets not counted)
 * @bytes_sent: (out) (optional): command bytes
 * @bytes_received: (out) (optional): response bytes (answers to reset not counted)
 * @transmit_us: (out) (optional): time on the wire, resets included
 */
void
ci_card_trace_get_totals (CiCardTrace *self,
                          guint       *n_apdus,
                          guint64     *bytes_sent,
                          guint64     *bytes_received,
                          gint64      *transmit_us)
{
  guint64 sent = 0, received = 0;
  gint64 us = 0;
  guint n = 0;

  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const CiCardTraceEntry *e = &g_array_index (self->entries, CiCardTraceEntry, i);

      us += e->elapsed_us;
      if (e->command == NULL)
        continue;
      n++;
      sent += g_bytes_get_size (e->command);
      received += g_bytes_get_size (e->response);
    }
  g_mutex_unlock (&self->mutex);
  if (n_apdus)
    *n_apdus = n;
  if (bytes_sent)
    *bytes_sent = sent;
  if (bytes_received)
    *bytes_received = received;
  if (transmit_us)
    *transmit_us = us;
}

static void
append_hex (GString *s,
            GBytes  *bytes)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, i ? " %02X" : "%02X", p[i]);
}

/**
 * ci_card_trace_to_string:
 * @self: a trace
 *
 * Returns: (transfer full): one "> command" and one "< response" line per
 *   exchange, with the time in microseconds; hidden data is marked; a reset
 *   is a "= reset" line with the new answer to reset
 */
char *
ci_card_trace_to_string (CiCardTrace *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const CiCardTraceEntry *e = &g_array_index (self->entries, CiCardTraceEntry, i);

      if (e->command == NULL)
        {
          g_string_append (s, "= reset, answer to reset ");
          append_hex (s, e->response);
          g_string_append_printf (s, "  (%" G_GINT64_FORMAT " µs)\n", e->elapsed_us);
          continue;
        }
      g_string_append (s, "> ");
      append_hex (s, e->command);
      if (e->redacted)
        g_string_append (s, "  (data hidden)");
      g_string_append (s, "\n< ");
      append_hex (s, e->response);
      g_string_append_printf (s, "  (%" G_GINT64_FORMAT " µs)\n", e->elapsed_us);
    }
  g_mutex_unlock (&self->mutex);
  return g_string_free (s, FALSE);
}
