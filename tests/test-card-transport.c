/* test-card-transport.c — PC/SC transport through the real pcscd + vpcd
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/with-pcscd.sh, which starts a private pcscd; each test puts
 * a virtual card (cardissue-vcard) into a virtual reader.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "card/ci-card-channel.h"
#include "card/ci-card-pipeline.h"
#include "card/ci-pcsc.h"
#include "card/ci-reader-monitor.h"
#include "keys/ci-digest.h"
#include "ci-test-vcard.h"

typedef struct
{
  char *dir;
  char *image;
  char *reader;
  CiTestVcard *card;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ci-transport-XXXXXX", &error);
  g_assert_no_error (error);
  f->image = g_build_filename (f->dir, "card.img", NULL);
  f->reader = ci_test_reader_name (0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ci_test_vcard_stop (f->card);
  g_unlink (f->image);
  g_rmdir (f->dir);
  g_free (f->image);
  g_free (f->dir);
  g_free (f->reader);
}

static CiResponse *
send (CiCardChannel *channel,
      const char    *hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiApdu) apdu = NULL;
  g_autoptr(GString) compact = g_string_new (NULL);
  guint8 buf[300];
  CiResponse *response;

  for (const char *p = hex; *p; p++)
    if (*p != ' ')
      g_string_append_c (compact, *p);
  g_assert_true (ci_hex_decode (compact->str, buf, compact->len / 2));
  apdu = ci_apdu_parse (buf, compact->len / 2, NULL, &error);
  g_assert_no_error (error);
  response = ci_card_channel_transmit (channel, apdu, &error);
  g_assert_no_error (error);
  return response;
}

static void
assert_sw (CiResponse *response,
           guint16     sw)
{
  g_assert_cmphex (response->sw, ==, sw);
  ci_response_free (response);
}

static void
test_list_readers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) readers = ci_pcsc_list_readers (&error);

  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) readers, "Virtual PCD 00 00"));
  g_assert_true (g_strv_contains ((const char * const *) readers, "Virtual PCD 00 01"));
}

typedef struct
{
  GPtrArray *events;
} Events;

static void
on_reader (CiReaderMonitor *monitor,
           const char      *reader,
           gpointer         user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("reader %s", reader));
}

static void
on_inserted (CiReaderMonitor *monitor,
             const char      *reader,
             GBytes          *atr,
             gpointer         user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("inserted %s %zu", reader, g_bytes_get_size (atr)));
}

static void
on_removed (CiReaderMonitor *monitor,
            const char      *reader,
            gpointer         user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("removed %s", reader));
}

static gboolean
has_event (GPtrArray  *events,
           const char *prefix)
{
  for (guint i = 0; i < events->len; i++)
    if (g_str_has_prefix (events->pdata[i], prefix))
      return TRUE;
  return FALSE;
}

static void
spin_until (GPtrArray  *events,
            const char *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!has_event (events, prefix) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (10000), 0);
  g_assert_true (has_event (events, prefix));
}

/* The monitor sees both virtual readers, then a card going in and out. */
static void
test_monitor (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CiReaderMonitor) monitor = ci_reader_monitor_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) readers = NULL;

  g_signal_connect (monitor, "reader-added", G_CALLBACK (on_reader), events);
  g_signal_connect (monitor, "card-inserted", G_CALLBACK (on_inserted), events);
  g_signal_connect (monitor, "card-removed", G_CALLBACK (on_removed), events);
  ci_reader_monitor_start (monitor);
  spin_until (events, "reader Virtual PCD 00 01");
  readers = ci_reader_monitor_dup_readers (monitor);
  g_assert_cmpuint (g_strv_length (readers), ==, 2);
  g_assert_false (ci_reader_monitor_has_card (monitor, f->reader));

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  spin_until (events, "inserted Virtual PCD 00 00 16");
  g_assert_true (ci_reader_monitor_has_card (monitor, f->reader));
  ci_test_vcard_stop (g_steal_pointer (&f->card));
  spin_until (events, "removed Virtual PCD 00 00");
  ci_reader_monitor_stop (monitor);
  g_assert_finalize_object (g_steal_pointer (&monitor));
}

static CiCardChannel *
connect_card (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CiCardChannel *channel;

  channel = ci_card_channel_connect (f->reader, CI_CARD_SHARE_EXCLUSIVE, NULL, &error);
  g_assert_no_error (error);
  return channel;
}

/* T=1: extended lengths allowed, file read in one go past its end (6282). */
static void
test_t1 (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiResponse) info = NULL;
  const CiAtr *atr;

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  channel = connect_card (f);
  atr = ci_card_channel_get_atr (channel);
  g_assert_cmpuint (atr->len, ==, 16);
  g_assert_true (atr->protocols & 2);
  g_assert_true (atr->extended_length);
  g_assert_cmpuint (ci_card_channel_get_protocol (channel), ==, 1);
  g_assert_true (ci_card_channel_get_extended (channel));
  assert_sw (send (channel, "00 A4 00 0C 02 3F 00"), 0x9000);
  assert_sw (send (channel, "00 A4 02 0C 02 2F 01"), 0x9000);
  info = send (channel, "00 B0 00 00 00");
  g_assert_true (info->sw == 0x6282 || info->sw == 0x9000);
  g_assert_cmpuint (info->len, >, 4);
  g_assert_cmphex (info->data[0], ==, 0x7F);
  g_assert_cmphex (info->data[1], ==, 0x66);
  assert_sw (send (channel, "00 A4 04 0C 0B F0 43 41 52 44 49 53 53 55 45 01"), 0x6A82);
}

/* T=0: the channel resends on 6Cxx and fetches 61xx data with GET RESPONSE. */
static void
test_t0 (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardTrace) trace = ci_card_trace_new ();
  g_autoptr(CiResponse) info = NULL;
  g_autoptr(CiResponse) fcp = NULL;
  g_autoptr(CiResponse) challenge = NULL;
  g_autofree char *text = NULL;

  f->card = ci_test_vcard_start (f->image, 0, "--protocol", "t0", NULL);
  channel = connect_card (f);
  g_assert_cmpuint (ci_card_channel_get_protocol (channel), ==, 0);
  g_assert_false (ci_card_channel_get_extended (channel));
  ci_card_channel_set_trace (channel, trace);
  assert_sw (send (channel, "00 A4 00 0C 02 3F 00"), 0x9000);
  fcp = send (channel, "00 A4 02 04 02 2F 01 00");
  g_assert_cmphex (fcp->sw, ==, 0x9000);
  g_assert_cmphex (fcp->data[0], ==, 0x62);
  info = send (channel, "00 B0 00 00 00");
  g_assert_cmphex (info->sw, ==, 0x9000);
  g_assert_cmphex (info->data[0], ==, 0x7F);
  challenge = send (channel, "00 84 00 00 08");
  g_assert_cmpuint (challenge->len, ==, 8);
  text = ci_card_trace_to_string (trace);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "< 61 "));
  g_assert_nonnull (strstr (text, "> 00 C0 00 00 "));
  g_assert_nonnull (strstr (text, "< 6C "));
}

/* A PIN sent in plain is zeroed in the trace, its length kept. */
static void
test_trace_hides_pin (Fixture       *f,
                      gconstpointer  data)
{
  static const guint8 pin[] = { '4', '7', '1', '1', 0xFF, 0xFF, 0xFF, 0xFF };
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardTrace) trace = ci_card_trace_new ();
  g_autoptr(CiApdu) verify = ci_apdu_new (0x00, 0x20, 0x00, 0x81, pin, sizeof pin, 0);
  g_autoptr(CiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const CiCardTraceEntry *entry;
  guint n;
  guint64 sent, received;

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  channel = connect_card (f);
  ci_card_channel_set_trace (channel, trace);
  verify->flags |= CI_APDU_SENSITIVE;
  response = ci_card_channel_transmit (channel, verify, &error);
  g_assert_no_error (error);
  entry = ci_card_trace_get_entry (trace, 0);
  g_assert_true (entry->redacted);
  g_assert_cmpuint (g_bytes_get_size (entry->command), ==, 5 + sizeof pin);
  text = ci_card_trace_to_string (trace);
  g_assert_null (strstr (text, "34 37 31 31"));
  g_assert_nonnull (strstr (text, "00 20 00 81 08 00 00 00 00 00 00 00 00  (data hidden)"));
  ci_card_trace_get_totals (trace, &n, &sent, &received, NULL);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (sent, ==, 13);
  g_assert_cmpuint (received, ==, 2);
}

/* Pulled while writing: the message says the card must go back in. */
static void
test_card_removed_while_writing (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiApdu) select = NULL;
  g_autoptr(CiResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 mf[] = { 0x3F, 0x00 };

  f->card = ci_test_vcard_start (f->image, 0, "--power-cut-after", "1", NULL);
  channel = connect_card (f);
  ci_card_channel_set_phase (channel, CI_CARD_PHASE_WRITING);
  select = ci_apdu_new (0x00, 0xA4, 0x00, 0x0C, mf, sizeof mf, 0);
  response = ci_card_channel_transmit (channel, select, &error);
  g_assert_null (response);
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_CARD_REMOVED);
  g_assert_nonnull (strstr (error->message, "insert it again to finish"));
  g_assert_cmpint (ci_test_vcard_wait (g_steal_pointer (&f->card)), ==, 3);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (200000);
  cancel_later (data);
  return NULL;
}

/* Waiting for a card ends on time-out and on SCardCancel. */
static void
test_wait_timeout_and_cancel (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = ci_test_reader_name (1);
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (ci_pcsc_wait_for_card (empty, 300, NULL, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_TIMEOUT);
  g_clear_error (&error);

  thread = g_thread_new ("cancel", cancel_thread, cancellable);
  g_assert_false (ci_pcsc_wait_for_card (empty, 60000, cancellable, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_thread_join (thread);

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  g_clear_error (&error);
  g_assert_true (ci_pcsc_wait_for_card (f->reader, 1000, NULL, &error));
  g_assert_no_error (error);
}

/* A card swapped for another faster than anyone looked still counts as taken
 * out when the wait passes the event count from when it was seen: an encoder
 * with a hopper does exactly that. The same card left in does not. */
static void
test_wait_notices_swap (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint seen = 0;
  guint now = 0;

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  g_assert_true (ci_pcsc_wait_for_state (f->reader, TRUE, &seen, 1000, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen, !=, 0);

  now = seen;
  g_assert_false (ci_pcsc_wait_for_state (f->reader, FALSE, &now, 600, NULL, &error));
  g_assert_error (error, CI_CARD_ERROR, CI_CARD_ERROR_TIMEOUT);
  g_clear_error (&error);

  ci_test_vcard_stop (g_steal_pointer (&f->card));
  f->card = ci_test_vcard_start (f->image, 0, NULL);
  now = seen;
  g_assert_true (ci_pcsc_wait_for_state (f->reader, FALSE, &now, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (now, !=, seen);
}

/* A card with a small buffer: short APDUs only, limits honoured. */
static void
test_small_apdu_limit (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CiCardChannel) channel = NULL;

  f->card = ci_test_vcard_start (f->image, 0, "--max-apdu", "64", NULL);
  channel = connect_card (f);
  g_assert_false (ci_card_channel_get_atr (channel)->extended_length);
  ci_card_channel_set_limits (channel, 64, 64);
  g_assert_false (ci_card_channel_get_extended (channel));
  g_assert_cmpuint (ci_card_channel_get_max_nc (channel), ==, 64);
  g_assert_cmpuint (ci_card_channel_get_max_ne (channel), ==, 64);
  assert_sw (send (channel, "00 A4 00 0C 02 3F 00"), 0x9000);
}

/* Reset drops the card's security state but keeps the channel usable. */
static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(GError) error = NULL;

  g_autoptr(CiCardTrace) trace = ci_card_trace_new ();
  g_autofree char *text = NULL;
  const CiCardTraceEntry *entry;
  const CiAtr *atr;
  guint n_apdus;

  f->card = ci_test_vcard_start (f->image, 0, NULL);
  channel = connect_card (f);
  ci_card_channel_set_trace (channel, trace);
  g_assert_true (ci_card_channel_reset (channel, &error));
  g_assert_no_error (error);
  assert_sw (send (channel, "00 A4 00 0C 02 3F 00"), 0x9000);

  /* The trace has the reset in its place, for support and for replaying. */
  g_assert_cmpuint (ci_card_trace_get_n_entries (trace), ==, 2);
  entry = ci_card_trace_get_entry (trace, 0);
  atr = ci_card_channel_get_atr (channel);
  g_assert_null (entry->command);
  g_assert_cmpmem (g_bytes_get_data (entry->response, NULL), g_bytes_get_size (entry->response),
                   atr->bytes, atr->len);
  g_assert_nonnull (ci_card_trace_get_entry (trace, 1)->command);
  ci_card_trace_get_totals (trace, &n_apdus, NULL, NULL, NULL);
  g_assert_cmpuint (n_apdus, ==, 1);
  text = ci_card_trace_to_string (trace);
  g_assert_true (g_str_has_prefix (text, "= reset, answer to reset "));
  g_assert_nonnull (strstr (text, "\n> 00 A4 00 0C 02 3F 00\n< 90 00"));
}

static gboolean
refuse_write (gpointer   user_data,
              GError   **error)
{
  guint *calls = user_data;

  (*calls)++;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the store is not ready");
  return FALSE;
}

static GBytes *
never_sign (GBytes   *data,
            gpointer  user_data,
            GError  **error)
{
  g_assert_not_reached ();
}

/* An issue asks before it first changes the card (the services wait there
 * until the store holds the card's record); a refusal leaves the card blank,
 * with only the transport-key session opened. */
static void
test_issue_asks_before_writing (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(CiCardTrace) trace = ci_card_trace_new ();
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardSession) session = NULL;
  g_autoptr(GError) error = NULL;
  CiIssueRequest request = { .serial = "0000000001", .sign = never_sign,
                             .before_write = refuse_write };
  CiCardCheck check = { 0 };
  guint8 last_ins = 0;
  guint calls = 0;

  /* The virtual card maker's transport key (docs/card-profile.md §5.1). */
  memcpy (request.transport_key, "CI-TRANSPORT-KEY", sizeof request.transport_key);
  request.step_data = &calls;
  f->card = ci_test_vcard_start (f->image, 0, NULL);
  channel = connect_card (f);
  ci_card_channel_set_trace (channel, trace);
  session = ci_card_session_new (channel);
  g_assert_false (ci_card_issue (session, &request, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (calls, ==, 1);
  for (guint i = 0; i < ci_card_trace_get_n_entries (trace); i++)
    {
      guint8 ins = ((const guint8 *) g_bytes_get_data (ci_card_trace_get_entry (trace, i)->command,
                                                       NULL))[1];

      g_assert_true (ins == 0xA4 || ins == 0xB0 || ins == 0x84 || ins == 0x82);
      last_ins = ins;
    }
  /* It asked only once the transport key had opened the card: the store's
   * sync runs meanwhile. */
  g_assert_cmphex (last_ins, ==, 0x82);
  g_clear_pointer (&session, ci_card_session_free);

  session = ci_card_session_new (channel);
  g_assert_true (ci_card_session_check (session, &check, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check.kind, ==, CI_CARD_KIND_BLANK);
  ci_card_check_clear (&check);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!ci_test_have_pcscd ())
    {
      g_test_skip ("needs tests/with-pcscd.sh and CARDISSUE_VCARD");
      return g_test_run ();
    }
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/transport/list-readers", test_list_readers);
  ADD ("/transport/monitor", test_monitor);
  ADD ("/transport/t1", test_t1);
  ADD ("/transport/t0", test_t0);
  ADD ("/transport/trace-hides-pin", test_trace_hides_pin);
  ADD ("/transport/card-removed-while-writing", test_card_removed_while_writing);
  ADD ("/transport/wait-timeout-and-cancel", test_wait_timeout_and_cancel);
  ADD ("/transport/wait-notices-swap", test_wait_notices_swap);
  ADD ("/transport/small-apdu-limit", test_small_apdu_limit);
  ADD ("/transport/reset", test_reset);
  ADD ("/transport/issue-asks-before-writing", test_issue_asks_before_writing);
#undef ADD
  return g_test_run ();
}
