/* bench-card.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/with-pcscd.sh (meson test --benchmark card), against the
 * virtual card behind the real pcscd and vpcd. Prints, for one issue with its
 * verify step: APDUs, bytes each way, host CPU time and wall time (median of
 * RUNS); the same APDU trace replayed by a minimal PC/SC client against a card
 * in the same state (the I/O floor: connect, the same commands and the same
 * card reset in between, disconnect) and the ratio of the two; and batch
 * throughput in cards per hour with one and with two readers.
 *
 * Each issue is replayed at once, and the ratio is also given per such pair:
 * on a shared machine the card's speed drifts from minute to minute, which a
 * pair sees alike. Each wall time is split into the time spent in the card's
 * commands and the host's time between them, the part this code controls.
 *
 * The virtual card runs with --seed, so its challenges and keys repeat: the
 * replay then meets the same answers and the card does the same work.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "card/ci-card-channel.h"
#include "card/ci-pcsc.h"
#include "services/ci-services-issue.h"
#include "store/ci-store-sqlite.h"

#define RUNS 21
#define BATCH 20
#define SEED "0123456789abcdef"

typedef struct
{
  char       *dir;
  char       *cli;
  char       *vcard;
  int         port;
  CiStore    *store;
  CiKeyStore *keys;
  CiServices *services;
  CiOperator *hr;
  guint       next_employee;
} Bench;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The value a fraction @q of @values lie below (sorts @values). */
static double
quantile (GArray *values,
          double  q)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, (guint) (q * (values->len - 1) + 0.5));
}

static double
median (GArray *values)
{
  return quantile (values, 0.5);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static char *
reader_name (guint slot)
{
  return g_strdup_printf ("Virtual PCD 00 %02u", slot);
}

static void
run_cli (Bench      *b,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (b->dir, "db", NULL);
  g_autofree char *keys = g_build_filename (b->dir, "keys", NULL);
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, b->cli);
  g_ptr_array_add (argv, (char *) "--database");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, (char *) "--keystore");
  g_ptr_array_add (argv, keys);
  va_start (ap, first);
  for (arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
}

/* A demo database with enough employees, opened in this process. */
static void
bench_setup (Bench *b)
{
  g_autoptr(GString) csv = g_string_new ("employee_number,given_name,family_name,valid_from,"
                                         "valid_until\n");
  g_autofree char *csv_path = g_build_filename (b->dir, "people.csv", NULL);
  g_autofree char *db = g_build_filename (b->dir, "db", NULL);
  g_autofree char *keys = g_build_filename (b->dir, "keys", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < RUNS + 3 * BATCH; i++)
    g_string_append_printf (csv, "X-%u,Bo,Bench %u,2026-01-01,2030-12-31\n", i, i);
  g_file_set_contents (csv_path, csv->str, csv->len, NULL);
  g_setenv ("CARDISSUE_PASSWORD", "demo-password", TRUE);
  g_setenv ("CARDISSUE_OPERATOR", "hr", TRUE);
  run_cli (b, "demo", NULL);
  run_cli (b, "employee", "import", csv_path, NULL);
  b->store = ci_store_sqlite_new (db, &error);
  g_assert_no_error (error);
  b->keys = ci_key_store_open (keys, &error);
  g_assert_no_error (error);
  ci_key_store_unlock (b->keys, "demo-keystore-passphrase", &error);
  g_assert_no_error (error);
  b->services = ci_services_new (b->store, "bench");
  ci_services_set_key_store (b->services, b->keys);
  b->hr = ci_services_authenticate (b->services, "hr", "demo-password", &error);
  g_assert_no_error (error);
}

/* A blank card (or a hopper of them) in reader @slot. */
static GSubprocess *
card_in (Bench      *b,
         guint       slot,
         const char *name,
         guint       hopper)
{
  g_autofree char *image = g_build_filename (b->dir, name, NULL);
  g_autofree char *port = g_strdup_printf ("%d", b->port + (int) slot);
  g_autofree char *feed = g_strdup_printf ("%u", hopper);
  g_autofree char *reader = reader_name (slot);
  g_autoptr(GError) error = NULL;
  GSubprocess *card;

  g_unlink (image);
  card = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, b->vcard, "run", "--quiet",
                           "--image", image, "--port", port, "--seed", SEED,
                           hopper ? "--hopper" : NULL, feed, NULL);
  g_assert_no_error (error);
  ci_pcsc_wait_for_state (reader, TRUE, NULL, 10000, NULL, &error);
  g_assert_no_error (error);
  return card;
}

static void
card_out (GSubprocess *card,
          guint        slot)
{
  g_autofree char *reader = reader_name (slot);

  g_subprocess_send_signal (card, SIGTERM);
  g_subprocess_wait (card, NULL, NULL);
  g_object_unref (card);
  ci_pcsc_wait_for_state (reader, FALSE, NULL, 10000, NULL, NULL);
}

static char *
next_employee (Bench *b)
{
  return g_strdup_printf ("X-%u", b->next_employee++);
}

typedef struct
{
  GArray *wall;
  GArray *cpu;
  GArray *floor;
  GArray *host;        /* wall time outside the card's commands, per issue */
  GArray *floor_host;  /* the same for the replay */
  GArray *pairs;       /* issue wall / floor, per pair */
  GPtrArray *gaps;     /* per position in the trace: the host's time before it */
  GPtrArray *floor_gaps;  /* the same in the replay */
  guint   apdus;
  guint64 sent;
  guint64 received;
  guint   same;
  guint   resets;
} Figures;

/* What the command at @i of @trace is, for a person. */
static const char *
command_name (CiCardTrace *trace,
              guint        i)
{
  static const struct { guint8 ins; const char *name; } names[] = {
    { 0xA4, "SELECT" }, { 0xB0, "READ BINARY" }, { 0xD6, "UPDATE BINARY" },
    { 0x84, "GET CHALLENGE" }, { 0x82, "MUTUAL AUTHENTICATE" },
    { 0x88, "INTERNAL AUTHENTICATE" }, { 0x46, "GENERATE KEY PAIR" }, { 0xD8, "PUT KEY" },
    { 0xE4, "DELETE" }, { 0xE0, "CREATE FILE" }, { 0x44, "ACTIVATE FILE" },
    { 0x20, "VERIFY" }, { 0x24, "CHANGE REFERENCE DATA" }, { 0x2C, "RESET RETRY COUNTER" },
    { 0xC0, "GET RESPONSE" },
  };
  const CiCardTraceEntry *e;
  const guint8 *command;

  if (i == ci_card_trace_get_n_entries (trace))
    return "the return";
  e = ci_card_trace_get_entry (trace, i);
  if (e->command == NULL)
    return "card reset";
  command = g_bytes_get_data (e->command, NULL);
  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    if (names[n].ins == command[1])
      return names[n].name;
  return "another command";
}

/* The host's time from @last to @now, before the command at @position. */
static void
add_gap (GPtrArray *gaps,
         guint      position,
         gint64     last,
         gint64     now)
{
  double gap = (now - last) / 1e6;

  if (gaps->len <= position)
    g_ptr_array_add (gaps, g_array_new (FALSE, FALSE, sizeof (double)));
  g_array_append_val (gaps->pdata[position], gap);
}

/* The host's time before each command of @trace, and before the return at
 * @end, into @f's gaps by position. */
static void
add_gaps (Figures     *f,
          CiCardTrace *trace,
          gint64       start,
          gint64       end)
{
  guint n = ci_card_trace_get_n_entries (trace);
  gint64 last = start;

  for (guint i = 0; i <= n; i++)
    {
      const CiCardTraceEntry *e = i < n ? ci_card_trace_get_entry (trace, i) : NULL;

      add_gap (f->gaps, i, last, e ? e->ended_us - e->elapsed_us : end);
      last = e ? e->ended_us : end;
    }
}

/* One issue (its verify step included) on a blank card; returns its trace. */
static CiCardTrace *
issue_once (Bench   *b,
            Figures *f)
{
  CiCardTrace *trace = ci_card_trace_new ();
  g_autofree char *reader = reader_name (0);
  g_autofree char *number = next_employee (b);
  CiIssueOptions options = { .reader = reader, .trace = trace };
  g_autoptr(CiIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *card = card_in (b, 0, "issue.img", 0);
  double cpu = cpu_seconds ();
  gint64 start = g_get_monotonic_time (), end, io_us;
  double wall, host;

  result = ci_services_card_issue (b->services, b->hr, number, &options, &error);
  end = g_get_monotonic_time ();
  wall = (end - start) / 1e6;
  cpu = cpu_seconds () - cpu;
  g_assert_no_error (error);
  g_array_append_val (f->wall, wall);
  g_array_append_val (f->cpu, cpu);
  ci_card_trace_get_totals (trace, &f->apdus, &f->sent, &f->received, &io_us);
  host = wall - io_us / 1e6;
  g_array_append_val (f->host, host);
  add_gaps (f, trace, start, end);
  card_out (card, 0);
  return trace;
}

/* The I/O floor: connect, and send the recorded commands as they are. */
static void
replay (Bench       *b,
        CiCardTrace *trace,
        Figures     *f)
{
  g_autofree char *reader = reader_name (0);
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CiCardChannel) channel = NULL;
  GSubprocess *card = card_in (b, 0, "replay.img", 0);
  guint n = ci_card_trace_get_n_entries (trace);
  gint64 start = g_get_monotonic_time (), last = start, end;
  gint64 io_us = 0;
  double wall, host, pair;

  f->same = f->resets = 0;
  channel = ci_card_channel_connect (reader, CI_CARD_SHARE_EXCLUSIVE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      const CiCardTraceEntry *e = ci_card_trace_get_entry (trace, i);
      gint64 sent = g_get_monotonic_time ();

      add_gap (f->floor_gaps, i, last, sent);
      if (e->command == NULL)
        {
          ci_card_channel_reset (channel, &error);
          g_assert_no_error (error);
          last = g_get_monotonic_time ();
          io_us += last - sent;
          f->resets++;
          continue;
        }
      ci_card_channel_transmit_raw (channel, g_bytes_get_data (e->command, NULL),
                                    g_bytes_get_size (e->command), response, &error);
      last = g_get_monotonic_time ();
      io_us += last - sent;
      g_assert_no_error (error);
      f->same += g_bytes_get_size (e->response) == response->len
                 && memcmp (g_bytes_get_data (e->response, NULL), response->data,
                            response->len) == 0;
    }
  /* The issue lets go of the card before it returns; so does the floor. */
  ci_card_channel_disconnect (channel);
  end = g_get_monotonic_time ();
  add_gap (f->floor_gaps, n, last, end);
  wall = (end - start) / 1e6;
  g_array_append_val (f->floor, wall);
  host = wall - io_us / 1e6;
  g_array_append_val (f->floor_host, host);
  pair = g_array_index (f->wall, double, f->wall->len - 1) / wall;
  g_array_append_val (f->pairs, pair);
  g_clear_object (&channel);
  card_out (card, 0);
}

typedef struct
{
  guint  position;
  double median;
} Gap;

static int
compare_gap (gconstpointer a,
             gconstpointer b)
{
  double x = ((const Gap *) a)->median, y = ((const Gap *) b)->median;
  return x > y ? -1 : x < y;
}

/* Where the host's time between the card's commands goes: the largest
 * medians by position in the trace, before which command, beside the
 * replay's at the same place. */
static void
print_gaps (Figures     *f,
            CiCardTrace *trace)
{
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  double sum = 0;

  for (guint i = 0; i < f->gaps->len; i++)
    {
      Gap gap = { i, median (f->gaps->pdata[i]) };

      sum += gap.median;
      g_array_append_val (gaps, gap);
    }
  g_array_sort (gaps, compare_gap);
  g_print ("  host time by place    %.1f ms in all (sum of medians); the largest:\n", sum * 1000);
  for (guint i = 0; i < MIN (gaps->len, 8); i++)
    {
      const Gap *gap = &g_array_index (gaps, Gap, i);

      g_print ("    %.2f ms before %s (#%u); replay %.2f ms\n", gap->median * 1000,
               command_name (trace, gap->position), gap->position + 1,
               median (f->floor_gaps->pdata[gap->position]) * 1000);
    }
}

/* BATCH employees over @n_readers encoders with hoppers; cards per hour. */
static double
batch (Bench *b,
       guint  n_readers)
{
  g_autoptr(GStrvBuilder) numbers = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) readers = g_strv_builder_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) number_v = NULL;
  g_auto(GStrv) reader_v = NULL;
  GSubprocess *cards[2];
  CiBatchOptions options = { .card_timeout_ms = 10000 };
  gint64 start;
  double wall;
  guint issued = 0;

  for (guint i = 0; i < BATCH; i++)
    {
      g_autofree char *number = next_employee (b);

      g_strv_builder_add (numbers, number);
    }
  for (guint s = 0; s < n_readers; s++)
    {
      g_autofree char *image = g_strdup_printf ("hopper%u.img", s);
      g_autofree char *reader = reader_name (s);

      g_strv_builder_add (readers, reader);
      cards[s] = card_in (b, s, image, BATCH / n_readers + 1);
    }
  number_v = g_strv_builder_end (numbers);
  reader_v = g_strv_builder_end (readers);
  options.readers = (const char * const *) reader_v;
  start = g_get_monotonic_time ();
  results = ci_services_card_issue_batch (b->services, b->hr, (const char * const *) number_v,
                                          &options, &error);
  wall = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    issued += ((CiBatchResult *) results->pdata[i])->serial != 0;
  g_assert_cmpuint (issued, ==, BATCH);
  for (guint s = 0; s < n_readers; s++)
    card_out (cards[s], s);
  return issued / wall * 3600;
}

int
main (int   argc,
      char *argv[])
{
  Bench b = { 0 };
  Figures f = { g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref),
                g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref) };
  g_autoptr(CiCardTrace) last = NULL;
  g_autoptr(GError) error = NULL;
  double one, two, wall_ms, floor_ms;

  if (!g_getenv ("CI_TEST_VPCD_PORT"))
    {
      g_printerr ("Run me through tests/with-pcscd.sh (meson test --benchmark card).\n");
      return 77;
    }
  b.port = atoi (g_getenv ("CI_TEST_VPCD_PORT"));
  b.cli = g_strdup (g_getenv ("CARDISSUE_CLI"));
  b.vcard = g_strdup (g_getenv ("CARDISSUE_VCARD"));
  b.dir = g_dir_make_tmp ("ci-bench-card-XXXXXX", &error);
  g_assert_no_error (error);
  bench_setup (&b);

  for (guint i = 0; i < RUNS; i++)
    {
      g_clear_pointer (&last, ci_card_trace_unref);
      last = issue_once (&b, &f);
      replay (&b, last, &f);
    }
  wall_ms = median (f.wall) * 1000;
  floor_ms = median (f.floor) * 1000;
  g_print ("One issue with its verify step (median of %u):\n", RUNS);
  g_print ("  APDUs                 %u\n", f.apdus);
  g_print ("  bytes sent / received %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT "\n",
           f.sent, f.received);
  g_print ("  host CPU time         %.1f ms\n", median (f.cpu) * 1000);
  g_print ("  wall time             %.1f ms  (host between the card's commands: %.1f ms)\n",
           wall_ms, median (f.host) * 1000);
  g_print ("  I/O floor (replay)    %.1f ms  (host between the card's commands: %.1f ms; the "
           "same %u APDUs and %u card reset; %u of %u answers identical)\n", floor_ms,
           median (f.floor_host) * 1000, f.apdus, f.resets, f.same, f.apdus);
  g_print ("  ratio to the floor    %.2f  (target: 1.10 or less)\n", wall_ms / floor_ms);
  g_print ("  ratio per pair        %.2f median, quartiles %.2f and %.2f\n",
           median (f.pairs), quantile (f.pairs, 0.25), quantile (f.pairs, 0.75));
  print_gaps (&f, last);
  one = batch (&b, 1);
  two = batch (&b, 2);
  g_print ("Batch of %u cards:\n", BATCH);
  g_print ("  one reader            %.0f cards/hour\n", one);
  g_print ("  two readers           %.0f cards/hour\n", two);
  return 0;
}
