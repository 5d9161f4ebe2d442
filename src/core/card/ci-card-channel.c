/* ci-card-channel.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>
#include <winscard.h>

#include "card/ci-card-channel.h"

/* A connection to the card in one reader, through pcsc-lite. It owns its own
 * SCARDCONTEXT, so each worker thread talks to its reader independently; the
 * GCancellable given at connect time is checked before every exchange. T=0
 * cards get their response data fetched with GET RESPONSE and a wrong Le
 * corrected here, so the layers above see T=0 and T=1 cards alike. */

struct _CiCardChannel
{
  GObject parent_instance;

  SCARDCONTEXT context;
  SCARDHANDLE handle;
  gboolean connected;
  DWORD protocol;
  DWORD share_mode;
  char *reader;
  CiAtr atr;
  gsize max_nc;
  gsize max_ne;
  CiCardPhase phase;
  CiCardTrace *trace;
  GCancellable *cancellable;
  guint8 *recv_buf;
};

G_DEFINE_FINAL_TYPE (CiCardChannel, ci_card_channel, G_TYPE_OBJECT)

/* At most this many GET RESPONSE rounds: 64 KiB in 256-byte pieces. */
#define MAX_GET_RESPONSE 260
#define RECV_BUF_SIZE MAX_BUFFER_SIZE_EXTENDED

static void
ci_card_channel_finalize (GObject *object)
{
  CiCardChannel *self = (CiCardChannel *)object;

  ci_card_channel_disconnect (self);
  if (self->context != 0)
    SCardReleaseContext (self->context);
  g_clear_pointer (&self->reader, g_free);
  g_clear_pointer (&self->trace, ci_card_trace_unref);
  g_clear_object (&self->cancellable);
  g_free (self->recv_buf);

  G_OBJECT_CLASS (ci_card_channel_parent_class)->finalize (object);
}

static void
ci_card_channel_class_init (CiCardChannelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ci_card_channel_finalize;
}

static void
ci_card_channel_init (CiCardChannel *self)
{
  self->max_nc = CI_APDU_EXTENDED_MAX - 1;
  self->max_ne = CI_APDU_EXTENDED_MAX;
  self->recv_buf = g_malloc (RECV_BUF_SIZE);
}

static gboolean
read_status (CiCardChannel  *self,
             GError        **error)
{
  guint8 atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state = 0, protocol = 0;
  LONG rv;

  rv = SCardStatus (self->handle, NULL, NULL, &state, &protocol, atr, &atr_len);
  if (!ci_card_error_from_pcsc (rv, self->phase, error))
    return FALSE;
  return ci_atr_parse (atr, atr_len, &self->atr, error);
}

/* T=1 when the card offers it: it carries extended APDUs and needs no GET RESPONSE. */
static DWORD
preferred_protocols (void)
{
  return SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
}

/**
 * ci_card_channel_connect:
 * @reader: the PC/SC reader name
 * @share: %CI_CARD_SHARE_EXCLUSIVE while writing, so no other program can
 *   interleave commands
 * @cancellable: (nullable): checked before every exchange
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Connects to the card in @reader with T=0 or T=1 and reads its ATR. Blocks:
 * call it from a worker thread.
 *
 * Returns: (transfer full): the channel, or %NULL
 */
CiCardChannel *
ci_card_channel_connect (const char    *reader,
                         CiCardShare    share,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(CiCardChannel) self = NULL;
  LONG rv;

  g_return_val_if_fail (reader != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  self = g_object_new (CI_TYPE_CARD_CHANNEL, NULL);
  self->reader = g_strdup (reader);
  self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  self->share_mode = share == CI_CARD_SHARE_EXCLUSIVE ? SCARD_SHARE_EXCLUSIVE
                                                      : SCARD_SHARE_SHARED;
  rv = SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &self->context);
  if (!ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error))
    return NULL;
  rv = SCardConnect (self->context, reader, self->share_mode, preferred_protocols (),
                     &self->handle, &self->protocol);
  if (!ci_card_error_from_pcsc (rv, CI_CARD_PHASE_IDLE, error))
    return NULL;
  self->connected = TRUE;
  if (!read_status (self, error))
    return NULL;
  g_debug ("Connected to %s with T=%d", reader, self->protocol == SCARD_PROTOCOL_T1);
  return g_steal_pointer (&self);
}

const char *
ci_card_channel_get_reader (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), NULL);
  return self->reader;
}

const CiAtr *
ci_card_channel_get_atr (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), NULL);
  return &self->atr;
}

/**
 * ci_card_channel_get_protocol:
 * @self: a channel
 *
 * Returns: 0 for T=0, 1 for T=1
 */
guint
ci_card_channel_get_protocol (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), 0);
  return self->protocol == SCARD_PROTOCOL_T1 ? 1 : 0;
}

/**
 * ci_card_channel_get_extended:
 * @self: a channel
 *
 * Returns: %TRUE if extended-length APDUs may be sent: T=1, the ATR announces
 *   them, and the card's limits (ci_card_channel_set_limits()) exceed a short APDU
 */
gboolean
ci_card_channel_get_extended (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), FALSE);
  return self->protocol == SCARD_PROTOCOL_T1 && self->atr.extended_length
         && (self->max_nc > 255 || self->max_ne > CI_APDU_SHORT_MAX);
}

/**
 * ci_card_channel_set_limits:
 * @self: a channel
 * @max_nc: the largest data field the card accepts
 * @max_ne: the largest response data field it returns
 *
 * Records the card's limits (from EF.ATR/INFO); callers split their reads and
 * writes to ci_card_channel_get_max_nc() / _ne().
 */
void
ci_card_channel_set_limits (CiCardChannel *self,
                            gsize          max_nc,
                            gsize          max_ne)
{
  g_return_if_fail (CI_IS_CARD_CHANNEL (self));
  g_return_if_fail (max_nc > 0 && max_ne > 0);

  self->max_nc = MIN (max_nc, CI_APDU_EXTENDED_MAX - 1);
  self->max_ne = MIN (max_ne, CI_APDU_EXTENDED_MAX);
}

/**
 * ci_card_channel_get_max_nc:
 * @self: a channel
 *
 * Returns: the largest data field to send in one command, after the card's
 *   limits and the APDU form (255 for short APDUs)
 */
gsize
ci_card_channel_get_max_nc (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), 0);
  return ci_card_channel_get_extended (self) ? self->max_nc : MIN (self->max_nc, 255);
}

gsize
ci_card_channel_get_max_ne (CiCardChannel *self)
{
  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), 0);
  return ci_card_channel_get_extended (self) ? self->max_ne
                                             : MIN (self->max_ne, CI_APDU_SHORT_MAX);
}

/**
 * ci_card_channel_set_trace:
 * @self: a channel
 * @trace: (nullable): where to record every exchange
 */
void
ci_card_channel_set_trace (CiCardChannel *self,
                           CiCardTrace   *trace)
{
  g_return_if_fail (CI_IS_CARD_CHANNEL (self));

  g_clear_pointer (&self->trace, ci_card_trace_unref);
  if (trace)
    self->trace = ci_card_trace_ref (trace);
}

/**
 * ci_card_channel_set_phase:
 * @self: a channel
 * @phase: whether the card is being written
 *
 * Changes the advice of errors: a card pulled while being written needs to be
 * inserted again to finish.
 */
void
ci_card_channel_set_phase (CiCardChannel *self,
                           CiCardPhase    phase)
{
  g_return_if_fail (CI_IS_CARD_CHANNEL (self));
  self->phase = phase;
}

/* A reader that loses the card mid-command may hand back an empty answer
 * rather than an error (vpcd does); the card's status then says what happened.
 * The reader notices a vanished card within a poll, so look for up to 1 s. */
static gboolean
explain_short_answer (CiCardChannel  *self,
                      DWORD           recv_len,
                      GError        **error)
{
  for (guint i = 0; i < 20; i++)
    {
      DWORD state = 0, protocol = 0;
      LONG rv = SCardStatus (self->handle, NULL, NULL, &state, &protocol, NULL, NULL);

      if (rv != SCARD_S_SUCCESS)
        return ci_card_error_from_pcsc (rv, self->phase, error);
      if (!(state & SCARD_PRESENT))
        return ci_card_error_from_pcsc (SCARD_W_REMOVED_CARD, self->phase, error);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
               g_dngettext (GETTEXT_PACKAGE,
                            /* Translators: the English text is the same for one byte and
                             * several; give your language's forms for the number. */
                            "The card answered with %lu bytes, too short to hold a status word.",
                            "The card answered with %lu bytes, too short to hold a status word.",
                            (unsigned long) recv_len),
               (unsigned long) recv_len);
  return FALSE;
}

/**
 * ci_card_channel_transmit_raw:
 * @self: a channel
 * @command: (array length=len): the bytes to send
 * @len: their number
 * @response: receives the response bytes (data and SW), replacing its content
 * @error: return location for a #CI_CARD_ERROR error
 *
 * One SCardTransmit, nothing else: no GET RESPONSE, no trace. The benchmark's
 * I/O floor uses it.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_channel_transmit_raw (CiCardChannel  *self,
                              const guint8   *command,
                              gsize           len,
                              GByteArray     *response,
                              GError        **error)
{
  const SCARD_IO_REQUEST *pci;
  DWORD recv_len = RECV_BUF_SIZE;
  LONG rv;

  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), FALSE);
  g_return_val_if_fail (command != NULL && response != NULL, FALSE);

  if (!self->connected)
    return ci_card_error_from_pcsc (SCARD_E_INVALID_HANDLE, self->phase, error);
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  pci = self->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  rv = SCardTransmit (self->handle, pci, command, len, NULL, self->recv_buf, &recv_len);
  if (!ci_card_error_from_pcsc (rv, self->phase, error))
    return FALSE;
  if (recv_len < 2)
    return explain_short_answer (self, recv_len, error);
  g_byte_array_set_size (response, 0);
  g_byte_array_append (response, self->recv_buf, recv_len);
  return TRUE;
}

/* Encodes, sends and traces one APDU; response holds data and SW. */
static gboolean
exchange (CiCardChannel  *self,
          const CiApdu   *apdu,
          GByteArray     *response,
          GError        **error)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  CiApduEncoding encoding;
  gint64 start;
  gboolean ok;

  encoding = ci_card_channel_get_extended (self) ? CI_APDU_ENCODING_AUTO
                                                 : CI_APDU_ENCODING_SHORT;
  if (!ci_apdu_encode (apdu, encoding, wire, error))
    return FALSE;
  start = g_get_monotonic_time ();
  ok = ci_card_channel_transmit_raw (self, wire->data, wire->len, response, error);
  if (ok && self->trace)
    ci_card_trace_add (self->trace, wire->data, wire->len, apdu,
                       response->data, response->len, g_get_monotonic_time () - start);
  if (apdu->flags & CI_APDU_SENSITIVE)
    OPENSSL_cleanse (wire->data, wire->len);
  return ok;
}

static guint16
response_sw (GByteArray *response)
{
  return (guint16) (response->data[response->len - 2] << 8 | response->data[response->len - 1]);
}

/* T=0 carries either a data field or Le, never both: a case-4 command goes out
 * as case 3 and its data comes back through GET RESPONSE. */
static CiApdu *
apdu_for_protocol (CiCardChannel *self,
                   const CiApdu  *apdu)
{
  CiApdu *copy = ci_apdu_copy (apdu);

  if (self->protocol == SCARD_PROTOCOL_T0 && apdu->lc > 0)
    copy->le = 0;
  return copy;
}

/* Collects 61xx chains; the data of each piece is appended to @data. */
static gboolean
get_responses (CiCardChannel  *self,
               GByteArray     *response,
               GByteArray     *data,
               GError        **error)
{
  for (guint round = 0; CI_SW1 (response_sw (response)) == 0x61; round++)
    {
      guint8 le = CI_SW2 (response_sw (response));
      g_autoptr(CiApdu) get = ci_apdu_new (0x00, 0xC0, 0x00, 0x00, NULL, 0,
                                           le ? le : CI_APDU_SHORT_MAX);

      if (round >= MAX_GET_RESPONSE)
        {
          g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                       _("The card keeps announcing more response data (61xx) without end."));
          return FALSE;
        }
      g_byte_array_append (data, response->data, response->len - 2);
      if (!exchange (self, get, response, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * ci_card_channel_transmit:
 * @self: a channel
 * @apdu: the command
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Sends @apdu in the form the card and reader allow (extended only when
 * ci_card_channel_get_extended()), answers `61xx` with GET RESPONSE and `6Cxx`
 * by resending with the right Le, and returns the joined response. The status
 * word is not judged here: see ci_card_check_sw().
 *
 * Returns: (transfer full): the response, or %NULL on a transport error
 */
CiResponse *
ci_card_channel_transmit (CiCardChannel  *self,
                          const CiApdu   *apdu,
                          GError        **error)
{
  g_autoptr(CiApdu) sent = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autoptr(GByteArray) data = g_byte_array_new ();
  CiResponse *result;

  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), NULL);
  g_return_val_if_fail (apdu != NULL, NULL);

  sent = apdu_for_protocol (self, apdu);
  if (!exchange (self, sent, response, error))
    return NULL;
  if (CI_SW1 (response_sw (response)) == 0x6C && sent->le > 0)
    {
      guint8 la = CI_SW2 (response_sw (response));

      sent->le = la ? la : CI_APDU_SHORT_MAX;
      if (!exchange (self, sent, response, error))
        return NULL;
    }
  if (!get_responses (self, response, data, error))
    return NULL;
  g_byte_array_append (data, response->data, response->len - 2);
  result = ci_response_new (data->data, data->len, response_sw (response));
  OPENSSL_cleanse (data->data, data->len);
  return result;
}

/**
 * ci_card_channel_reset:
 * @self: a channel
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Resets the card (SCardReconnect with SCARD_RESET_CARD): every security state
 * on the card is gone, as after pulling and inserting it.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_channel_reset (CiCardChannel  *self,
                       GError        **error)
{
  gint64 start = g_get_monotonic_time ();
  LONG rv;

  g_return_val_if_fail (CI_IS_CARD_CHANNEL (self), FALSE);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  rv = SCardReconnect (self->handle, self->share_mode, preferred_protocols (),
                       SCARD_RESET_CARD, &self->protocol);
  if (!ci_card_error_from_pcsc (rv, self->phase, error) || !read_status (self, error))
    return FALSE;
  if (self->trace)
    ci_card_trace_add_reset (self->trace, self->atr.bytes, self->atr.len,
                             g_get_monotonic_time () - start);
  return TRUE;
}

/**
 * ci_card_channel_disconnect:
 * @self: a channel
 *
 * Frees the reader for others. A card held exclusively (it was written) is
 * powered off, which is the signal for an encoder with a hopper to eject it;
 * a shared one is left as it is. Safe to call twice.
 */
void
ci_card_channel_disconnect (CiCardChannel *self)
{
  g_return_if_fail (CI_IS_CARD_CHANNEL (self));

  if (!self->connected)
    return;
  SCardDisconnect (self->handle, self->share_mode == SCARD_SHARE_EXCLUSIVE ? SCARD_UNPOWER_CARD
                                                                           : SCARD_LEAVE_CARD);
  self->connected = FALSE;
}
