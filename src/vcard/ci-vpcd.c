/* ci-vpcd.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card's side of the vpcd socket (DESIGN.md §4): we connect to the
 * reader driver inside pcscd, then answer its messages, each a 2-byte
 * big-endian length and a payload, until it hangs up. One-byte payloads are
 * power controls; longer ones are command APDUs.
 *
 * The driver writes length and payload separately; with the socket's
 * defaults Nagle's algorithm and delayed ACKs cost ~40 ms per APDU. Hence
 * TCP_NODELAY once and TCP_QUICKACK before every read (Linux clears it again
 * by itself).
 *
 * With a hopper (options->hopper), power off of an issued card that was used
 * is the host's "done": we hang up, so the reader sees an empty slot, move
 * the card's image aside, and come back as the next blank card.
 */

#include "ci-vpcd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#define RETRY_US      (100 * 1000)
#define FEED_US       (20 * 1000)
#define MESSAGE_MAX   0xFFFF

#define CTRL_POWER_OFF 0x00
#define CTRL_POWER_ON  0x01
#define CTRL_RESET     0x02
#define CTRL_GET_ATR   0x04

typedef enum
{
  IO_OK,
  IO_CLOSED,
  IO_STOPPED,
  IO_POWER_CUT,
  IO_EJECTED,
  IO_ERROR,
} IoResult;

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal (int signum)
{
  stop_requested = 1;
}

/* Without SA_RESTART, so that a blocked read returns EINTR and we leave. */
static void
install_signal_handlers (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = on_stop_signal;
  sigemptyset (&action.sa_mask);
  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGINT, &action, NULL);
}

static void G_GNUC_PRINTF (2, 3)
say (const CiVpcdOptions *options,
     const char          *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (options->quiet)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cardissue-vcard: %s\n", message);
}

/* ---- connecting ------------------------------------------------------------------- */

static void
set_option (int fd,
            int name)
{
  int on = 1;

  setsockopt (fd, IPPROTO_TCP, name, &on, sizeof on);
}

/* One attempt at every address of @host; -1 if none answered. A name that
 * does not resolve is an error (a typo does not fix itself by waiting). */
static int
try_connect (const CiVpcdOptions  *options,
             GError              **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                            .ai_flags = AI_NUMERICSERV };
  struct addrinfo *list = NULL;
  char service[8];
  int fd = -1;
  int rc;

  g_snprintf (service, sizeof service, "%u", options->port);
  rc = getaddrinfo (options->host, service, &hints, &list);
  if (rc != 0 && rc != EAI_AGAIN)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND,
                 "Cannot find the reader's host %s: %s", options->host, gai_strerror (rc));
  for (struct addrinfo *ai = rc == 0 ? list : NULL; ai != NULL && fd < 0; ai = ai->ai_next)
    {
      fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd >= 0 && connect (fd, ai->ai_addr, ai->ai_addrlen) != 0)
        {
          close (fd);
          fd = -1;
        }
    }
  if (list != NULL)
    freeaddrinfo (list);
  return fd;
}

/* pcscd may start after us: try every 100 ms until the driver listens.
 * Returns -1 when stopped by a signal, or on an error (then set). */
static int
connect_reader (const CiVpcdOptions  *options,
                GError              **error)
{
  gboolean told = FALSE;

  while (!stop_requested)
    {
      g_autoptr(GError) local_error = NULL;
      int fd = try_connect (options, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      if (fd >= 0)
        {
          set_option (fd, TCP_NODELAY);
          say (options, "connected to the reader at %s:%u", options->host, options->port);
          return fd;
        }
      if (!told)
        say (options, "waiting for the reader at %s:%u", options->host, options->port);
      told = TRUE;
      g_usleep (RETRY_US);
    }
  return -1;
}

/* ---- messages --------------------------------------------------------------------- */

static IoResult
read_full (int     fd,
           guint8 *buf,
           gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n;

      set_option (fd, TCP_QUICKACK);
      n = read (fd, buf + done, len - done);
      if (n > 0)
        done += (gsize) n;
      else if (n == 0)
        return IO_CLOSED;
      else if (errno != EINTR)
        return errno == ECONNRESET ? IO_CLOSED : IO_ERROR;
      if (stop_requested)
        return IO_STOPPED;
    }
  return IO_OK;
}

static IoResult
write_full (int           fd,
            const guint8 *buf,
            gsize         len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = send (fd, buf + done, len - done, MSG_NOSIGNAL);

      if (n >= 0)
        done += (gsize) n;
      else if (errno == EPIPE || errno == ECONNRESET)
        return IO_CLOSED;
      else if (errno != EINTR)
        return IO_ERROR;
    }
  return IO_OK;
}

/* Length and payload in one write: two would meet Nagle on the way out. */
static IoResult
send_message (int     fd,
              GBytes *payload)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);
  g_autofree guint8 *message = NULL;

  if (len > MESSAGE_MAX)
    {
      /* Cannot happen with files under 32 KiB; answer rather than hang. */
      static const guint8 too_long[] = { 0x00, 0x02, 0x67, 0x00 };
      return write_full (fd, too_long, sizeof too_long);
    }
  message = g_malloc (len + 2);
  message[0] = (guint8) (len >> 8);
  message[1] = (guint8) (len & 0xFF);
  memcpy (message + 2, data, len);
  return write_full (fd, message, len + 2);
}

/* ---- the session ------------------------------------------------------------------ */

typedef struct
{
  CiVcard             *card;
  const CiVpcdOptions *options;
  int                  fd;
  int                  saved_errno;   /* of the IO_ERROR that ended serve() */
  guint                n_commands;    /* since we started, across cards */
  gboolean             used;          /* a command came since this card went in */
  guint                n_ejected;
} Session;

/* The host's SCardDisconnect (…, SCARD_UNPOWER_CARD) reaches us as power off,
 * and an encoder takes it as "done" for an issued card. One that nobody has
 * talked to since it went in stays: pcscd powers an idle card off by itself
 * shortly after it appears, and a card that was issued before we started
 * waits for its host. */
static gboolean
should_eject (const Session *s)
{
  return s->options->hopper != 0 && s->used && ci_vcard_is_issued (s->card);
}

static IoResult
handle_control (Session *s,
                guint8   control)
{
  g_autoptr(GBytes) atr = NULL;

  switch (control)
    {
    case CTRL_POWER_OFF:
      g_debug ("power off");
      ci_vcard_power_off (s->card);
      return should_eject (s) ? IO_EJECTED : IO_OK;
    case CTRL_POWER_ON:
      g_debug ("power on");
      ci_vcard_power_on (s->card);
      return IO_OK;
    case CTRL_RESET:
      g_debug ("reset");
      ci_vcard_reset (s->card);
      return IO_OK;
    case CTRL_GET_ATR:
      atr = ci_vcard_get_atr (s->card);
      return send_message (s->fd, atr);
    default:
      g_debug ("unknown control byte %02X ignored", control);
      return IO_OK;
    }
}

/* Logs the header and status word only: data may hold a PIN or a key. */
static void
log_command (const guint8 *apdu,
             GBytes       *response)
{
  gsize len;
  const guint8 *r = g_bytes_get_data (response, &len);

  g_debug ("%02X %02X %02X %02X -> %02X %02X (%zu bytes)", apdu[0], apdu[1], apdu[2], apdu[3],
           r[len - 2], r[len - 1], len - 2);
}

/* IO_POWER_CUT if the power was cut: the command ran and was saved, but its
 * answer never leaves the card. */
static IoResult
handle_command (Session      *s,
                const guint8 *apdu,
                gsize         len)
{
  g_autoptr(GBytes) response = ci_vcard_process (s->card, apdu, len);

  if (len >= 4)
    log_command (apdu, response);
  s->n_commands++;
  s->used = TRUE;
  if (s->options->power_cut_after != 0 && s->n_commands == s->options->power_cut_after)
    {
      say (s->options, "power cut after command %u: leaving without its answer", s->n_commands);
      return IO_POWER_CUT;
    }
  if (s->options->latency_ms > 0)
    g_usleep ((gulong) s->options->latency_ms * 1000);
  return send_message (s->fd, response);
}

/* Answers the reader until it hangs up, we are stopped, the power is cut or
 * the card is ejected. */
static IoResult
serve (Session *s)
{
  g_autofree guint8 *payload = g_malloc (MESSAGE_MAX);
  guint8 header[2];
  IoResult io;
  gsize len;

  for (;;)
    {
      io = read_full (s->fd, header, sizeof header);
      len = (gsize) header[0] << 8 | header[1];
      if (io == IO_OK)
        io = read_full (s->fd, payload, len);
      if (io == IO_OK && len == 1)
        io = handle_control (s, payload[0]);
      else if (io == IO_OK && len > 1)
        io = handle_command (s, payload, len);
      if (io != IO_OK)
        {
          s->saved_errno = errno;
          return io;
        }
    }
}

static CiVpcdEnd
io_end (const Session  *s,
        IoResult        io,
        GError        **error)
{
  switch (io)
    {
    case IO_STOPPED:
      return CI_VPCD_END_STOPPED;
    case IO_POWER_CUT:
      return CI_VPCD_END_POWER_CUT;
    case IO_CLOSED:
    case IO_EJECTED:
    case IO_OK:
      return CI_VPCD_END_CLOSED;
    case IO_ERROR:
    default:
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (s->saved_errno),
                   "The connection to the reader failed: %s", g_strerror (s->saved_errno));
      return CI_VPCD_END_ERROR;
    }
}

/* The used card goes to the output stacker and the next blank one from the
 * hopper into the reader. FALSE when the hopper is empty or on an error;
 * *end then says which. */
static gboolean
change_card (Session    *s,
             CiVpcdEnd  *end,
             GError    **error)
{
  g_autofree char *stacked = NULL;

  *end = CI_VPCD_END_ERROR;
  if ((stacked = ci_vcard_eject (s->card, error)) == NULL)
    return FALSE;
  s->n_ejected++;
  say (s->options, "card %u ejected; its image is now %s", s->n_ejected, stacked);
  if (s->n_ejected > s->options->hopper)
    {
      *end = CI_VPCD_END_HOPPER_EMPTY;
      return FALSE;
    }
  if (!ci_vcard_feed_blank (s->card, error))
    return FALSE;
  say (s->options, "blank card %u of %u fed from the hopper", s->n_ejected,
       s->options->hopper);
  /* The feed's travel time. The reader sees the slot empty at its next
   * presence poll in any case: the old connection is gone. */
  g_usleep (FEED_US);
  *end = CI_VPCD_END_STOPPED;
  return TRUE;
}

/**
 * ci_vpcd_run:
 * @card: the card to put into the reader
 * @options: where the reader is, and the faults to inject
 * @error: return location for an error
 *
 * Connects to the vpcd reader (retrying every 100 ms until it listens) and
 * serves it until the reader closes the connection (with @options->reconnect:
 * the card is pulled and put back, and we connect again), SIGTERM or SIGINT
 * arrives, or the power cut fires. With @options->hopper, an issued card is
 * ejected at power off (see ci_vcard_eject()) and a blank one fed, until the
 * last has been ejected.
 *
 * Returns: why it ended; %CI_VPCD_END_ERROR with @error set
 */
CiVpcdEnd
ci_vpcd_run (CiVcard             *card,
             const CiVpcdOptions *options,
             GError             **error)
{
  Session s = { .card = card, .options = options, .fd = -1 };
  CiVpcdEnd end = CI_VPCD_END_STOPPED;
  IoResult io;

  g_return_val_if_fail (card != NULL, CI_VPCD_END_ERROR);
  g_return_val_if_fail (options != NULL && options->host != NULL, CI_VPCD_END_ERROR);
  g_return_val_if_fail (error == NULL || *error == NULL, CI_VPCD_END_ERROR);

  install_signal_handlers ();
  while (!stop_requested)
    {
      if ((s.fd = connect_reader (options, error)) < 0)
        return stop_requested ? CI_VPCD_END_STOPPED : CI_VPCD_END_ERROR;
      s.used = FALSE;
      io = serve (&s);
      close (s.fd);
      ci_vcard_power_off (card);
      end = io_end (&s, io, error);
      if (io == IO_EJECTED && change_card (&s, &end, error))
        continue;
      if (io == IO_EJECTED || end != CI_VPCD_END_CLOSED || !options->reconnect)
        break;
      say (options, "the reader closed the connection; connecting again");
    }
  if (end == CI_VPCD_END_CLOSED)
    say (options, "the reader closed the connection");
  else if (end == CI_VPCD_END_HOPPER_EMPTY)
    say (options, "the hopper is empty");
  return end;
}
