/* ci-reader-monitor.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <winscard.h>

#include "card/ci-card-error.h"
#include "card/ci-pcsc.h"
#include "card/ci-reader-monitor.h"

/* Watches readers come and go and cards being inserted and removed. A thread
 * of its own, with its own SCARDCONTEXT, waits in SCardGetStatusChange on the
 * readers and on "\\?PnP?\Notification"; stop() wakes it with SCardCancel.
 * Signals are emitted in the main context the monitor was created in. */

struct _CiReaderMonitor
{
  GObject parent_instance;

  GMainContext *owner;
  GThread *thread;
  GMutex mutex;
  SCARDCONTEXT context;
  gboolean have_context;
  gboolean stopping;
  GHashTable *present;        /* reader name -> TRUE if a card is in it */
};

enum {
  READER_ADDED,
  READER_REMOVED,
  CARD_INSERTED,
  CARD_REMOVED,
  SERVICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CiReaderMonitor, ci_reader_monitor, G_TYPE_OBJECT)

#define WAIT_MS 1000

typedef struct
{
  CiReaderMonitor *self;
  guint signal;
  char *reader;
  GBytes *atr;
  gboolean flag;
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_object_unref (event->self);
  g_free (event->reader);
  g_clear_pointer (&event->atr, g_bytes_unref);
  g_free (event);
}

static gboolean
emit_event (gpointer data)
{
  Event *event = data;

  if (event->signal == CARD_INSERTED)
    g_signal_emit (event->self, signals[CARD_INSERTED], 0, event->reader, event->atr);
  else if (event->signal == SERVICE_CHANGED)
    g_signal_emit (event->self, signals[SERVICE_CHANGED], 0, event->flag);
  else
    g_signal_emit (event->self, signals[event->signal], 0, event->reader);
  return G_SOURCE_REMOVE;
}

static void
post_event (CiReaderMonitor *self,
            guint            signal,
            const char      *reader,
            const guint8    *atr,
            gsize            atr_len,
            gboolean         flag)
{
  Event *event = g_new0 (Event, 1);

  event->self = g_object_ref (self);
  event->signal = signal;
  event->reader = g_strdup (reader);
  event->atr = atr ? g_bytes_new (atr, atr_len) : NULL;
  event->flag = flag;
  g_main_context_invoke_full (self->owner, G_PRIORITY_DEFAULT, emit_event, event, event_free);
}

static void
post (CiReaderMonitor *self,
      guint            signal,
      const char      *reader,
      const guint8    *atr,
      gsize            atr_len)
{
  post_event (self, signal, reader, atr, atr_len, FALSE);
}

static void
post_service (CiReaderMonitor *self,
              gboolean         available)
{
  post_event (self, SERVICE_CHANGED, NULL, NULL, 0, available);
}

static gboolean
is_stopping (CiReaderMonitor *self)
{
  gboolean stopping;

  g_mutex_lock (&self->mutex);
  stopping = self->stopping;
  g_mutex_unlock (&self->mutex);
  return stopping;
}

/* Compares the new reader list with the known one and posts the differences. */
static void
update_readers (CiReaderMonitor *self,
                char           **readers)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; readers[i]; i++)
    {
      g_hash_table_add (seen, readers[i]);
      if (!g_hash_table_contains (self->present, readers[i]))
        {
          g_hash_table_insert (self->present, g_strdup (readers[i]), GINT_TO_POINTER (FALSE));
          post (self, READER_ADDED, readers[i], NULL, 0);
        }
    }
  g_hash_table_iter_init (&iter, self->present);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    {
      g_hash_table_remove (self->present, gone->pdata[i]);
      post (self, READER_REMOVED, gone->pdata[i], NULL, 0);
    }
  g_mutex_unlock (&self->mutex);
}

static void
update_card (CiReaderMonitor         *self,
             const SCARD_READERSTATE *state)
{
  gboolean now = (state->dwEventState & SCARD_STATE_PRESENT) != 0;
  gboolean before;

  g_mutex_lock (&self->mutex);
  before = GPOINTER_TO_INT (g_hash_table_lookup (self->present, state->szReader));
  if (g_hash_table_contains (self->present, state->szReader) && now != before)
    {
      g_hash_table_insert (self->present, g_strdup (state->szReader), GINT_TO_POINTER (now));
      if (now)
        post (self, CARD_INSERTED, state->szReader, state->rgbAtr, state->cbAtr);
      else
        post (self, CARD_REMOVED, state->szReader, NULL, 0);
    }
  g_mutex_unlock (&self->mutex);
}

/* One wait round over the PnP pseudo-reader and every reader; returns FALSE
 * when the service went away or the monitor is stopping. */
static gboolean
watch_round (CiReaderMonitor *self,
             char           **readers,
             DWORD           *pnp_state)
{
  guint n = g_strv_length (readers);
  g_autofree SCARD_READERSTATE *states = g_new0 (SCARD_READERSTATE, n + 1);
  LONG rv;

  states[0].szReader = CI_PCSC_PNP_NOTIFICATION;
  states[0].dwCurrentState = *pnp_state;
  for (guint i = 0; i < n; i++)
    {
      states[i + 1].szReader = readers[i];
      states[i + 1].dwCurrentState = SCARD_STATE_UNAWARE;
    }
  /* The first call with UNAWARE states returns at once with the current state. */
  rv = SCardGetStatusChange (self->context, 0, states, n + 1);
  for (guint i = 1; rv == SCARD_S_SUCCESS && i <= n; i++)
    {
      update_card (self, &states[i]);
      states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
    }
  while (rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT)
    {
      if (is_stopping (self))
        return FALSE;
      /* A cancel that lands between two waits would be lost, so no wait is
       * longer than WAIT_MS. */
      rv = SCardGetStatusChange (self->context, WAIT_MS, states, n + 1);
      if (rv != SCARD_S_SUCCESS)
        continue;
      for (guint i = 1; i <= n; i++)
        {
          update_card (self, &states[i]);
          states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
        }
      if (states[0].dwEventState & SCARD_STATE_CHANGED)
        {
          *pnp_state = states[0].dwEventState & ~SCARD_STATE_CHANGED;
          return TRUE;
        }
    }
  return rv != SCARD_E_CANCELLED && rv != SCARD_E_NO_SERVICE && rv != SCARD_E_SERVICE_STOPPED;
}

static gboolean
connect_service (CiReaderMonitor *self)
{
  LONG rv;

  g_mutex_lock (&self->mutex);
  rv = self->stopping ? SCARD_E_CANCELLED
                      : SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);
  self->have_context = rv == SCARD_S_SUCCESS;
  g_mutex_unlock (&self->mutex);
  return rv == SCARD_S_SUCCESS;
}

static void
release_service (CiReaderMonitor *self)
{
  g_mutex_lock (&self->mutex);
  if (self->have_context)
    SCardReleaseContext (self->context);
  self->have_context = FALSE;
  g_mutex_unlock (&self->mutex);
}

static gpointer
monitor_thread (gpointer data)
{
  CiReaderMonitor *self = data;

  while (!is_stopping (self))
    {
      DWORD pnp_state = SCARD_STATE_UNAWARE;
      gboolean alive = connect_service (self);

      post_service (self, alive);
      while (alive)
        {
          g_auto(GStrv) readers = ci_pcsc_list_readers (NULL);

          if (readers == NULL)
            break;
          update_readers (self, readers);
          alive = watch_round (self, readers, &pnp_state);
        }
      release_service (self);
      if (!is_stopping (self))
        g_usleep (G_USEC_PER_SEC / 2);
    }
  return NULL;
}

static void
ci_reader_monitor_finalize (GObject *object)
{
  CiReaderMonitor *self = (CiReaderMonitor *)object;

  g_warn_if_fail (self->thread == NULL);
  g_hash_table_unref (self->present);
  g_main_context_unref (self->owner);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ci_reader_monitor_parent_class)->finalize (object);
}

static void
ci_reader_monitor_class_init (CiReaderMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ci_reader_monitor_finalize;

  signals[READER_ADDED] = g_signal_new ("reader-added", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[READER_REMOVED] = g_signal_new ("reader-removed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CARD_INSERTED] = g_signal_new ("card-inserted", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BYTES);
  signals[CARD_REMOVED] = g_signal_new ("card-removed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SERVICE_CHANGED] = g_signal_new ("service-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
ci_reader_monitor_init (CiReaderMonitor *self)
{
  g_mutex_init (&self->mutex);
  self->present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->owner = g_main_context_ref_thread_default ();
}

/**
 * ci_reader_monitor_new:
 *
 * Signals ::reader-added, ::reader-removed, ::card-inserted (with the ATR),
 * ::card-removed and ::service-changed are emitted in the thread-default main
 * context of the caller.
 *
 * Returns: (transfer full): a monitor; call ci_reader_monitor_start()
 */
CiReaderMonitor *
ci_reader_monitor_new (void)
{
  return g_object_new (CI_TYPE_READER_MONITOR, NULL);
}

void
ci_reader_monitor_start (CiReaderMonitor *self)
{
  g_return_if_fail (CI_IS_READER_MONITOR (self));
  g_return_if_fail (self->thread == NULL);

  self->stopping = FALSE;
  self->thread = g_thread_new ("ci-reader-monitor", monitor_thread, g_object_ref (self));
}

/**
 * ci_reader_monitor_stop:
 * @self: a monitor
 *
 * Wakes the monitor thread with SCardCancel and waits for it to end.
 */
void
ci_reader_monitor_stop (CiReaderMonitor *self)
{
  g_return_if_fail (CI_IS_READER_MONITOR (self));

  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  if (self->have_context)
    SCardCancel (self->context);
  g_mutex_unlock (&self->mutex);
  g_thread_join (g_steal_pointer (&self->thread));
  g_object_unref (self);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/**
 * ci_reader_monitor_dup_readers:
 * @self: a monitor
 *
 * Returns: (transfer full): the readers seen now, sorted
 */
char **
ci_reader_monitor_dup_readers (CiReaderMonitor *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CI_IS_READER_MONITOR (self), NULL);

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->present);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, g_strdup (key));
  g_mutex_unlock (&self->mutex);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

gboolean
ci_reader_monitor_has_card (CiReaderMonitor *self,
                            const char      *reader)
{
  gboolean present;

  g_return_val_if_fail (CI_IS_READER_MONITOR (self), FALSE);

  g_mutex_lock (&self->mutex);
  present = GPOINTER_TO_INT (g_hash_table_lookup (self->present, reader));
  g_mutex_unlock (&self->mutex);
  return present;
}
