/* ci-vcard.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The virtual card as a pure command processor: bytes of a command APDU in,
 * bytes of the response APDU out. Here live the parts every command shares:
 * the class and instruction tables, secure messaging around a command, the
 * life-cycle gate, saving before answering, and how response data reaches
 * the host (Le, 61xx, 6Cxx, GET RESPONSE). The commands themselves are in
 * the sibling files.
 */

#include "ci-vcard-private.h"

#include "card/ci-tlv.h"

#include <string.h>

#include <openssl/crypto.h>

#define CLA_SM_BITS      0x0C
#define CLA_PROPRIETARY  0x80
#define INS_GET_CHALLENGE 0x84
#define INS_GET_RESPONSE 0xC0
#define DO_MAC           0x8E

G_DEFINE_QUARK (ci-vcard-error-quark, ci_vcard_error)

/* ---- memory objects -------------------------------------------------------- */

CiVcardEf *
_ci_vcard_ef_new (guint16       fid,
                  guint8        sfi,
                  const guint8 *rules,
                  gsize         rules_len,
                  gsize         size)
{
  CiVcardEf *ef = g_new0 (CiVcardEf, 1);

  g_assert (rules_len <= CI_VCARD_RULES_MAX);
  ef->fid = fid;
  ef->sfi = sfi;
  memcpy (ef->rules, rules, rules_len);
  ef->rules_len = rules_len;
  ef->data = g_malloc0 (MAX (size, 1));
  ef->size = size;
  return ef;
}

void
_ci_vcard_ef_free (CiVcardEf *ef)
{
  if (ef == NULL)
    return;
  g_free (ef->data);
  g_free (ef);
}

CiVcardDf *
_ci_vcard_df_new (void)
{
  CiVcardDf *df = g_new0 (CiVcardDf, 1);

  df->efs = g_ptr_array_new_with_free_func ((GDestroyNotify) _ci_vcard_ef_free);
  df->life_cycle = CI_VCARD_LCS_INIT;
  return df;
}

void
_ci_vcard_df_free (CiVcardDf *df)
{
  if (df == NULL)
    return;
  g_ptr_array_unref (df->efs);
  EVP_PKEY_free (df->card_key);
  OPENSSL_cleanse (df, sizeof *df);
  g_free (df);
}

static void
update_limits (CiVcard *self)
{
  /* T=0 cannot carry extended lengths, and a buffer under 256 bytes has no
   * use for them: the ATR then clears the bit and the host sends short APDUs. */
  self->extended = self->protocol == CI_VCARD_PROTOCOL_T1
                   && (self->max_apdu == 0 || self->max_apdu >= CI_APDU_SHORT_MAX);
  self->nc_max = self->max_apdu != 0 ? self->max_apdu : 65535;
  self->ne_max = self->max_apdu != 0 ? self->max_apdu : CI_APDU_EXTENDED_MAX;
  if (!self->extended)
    {
      self->nc_max = MIN (self->nc_max, CI_APDU_SHORT_MAX - 1);
      self->ne_max = MIN (self->ne_max, CI_APDU_SHORT_MAX);
    }
  _ci_vcard_build_atr_info (self);
}

/**
 * ci_vcard_new_blank:
 * @transport_key: (nullable): the card maker's transport key (reference 01),
 *   or %NULL for none
 *
 * Creates a factory-blank card: the MF with EF.ATR/INFO and the transport
 * key, no DF.CARDISSUE, speaking T=1 without limits of its own.
 *
 * Returns: (transfer full): the card, free it with ci_vcard_free()
 */
CiVcard *
ci_vcard_new_blank (const guint8 transport_key[CI_VCARD_KEY_LEN])
{
  CiVcard *self = g_new0 (CiVcard, 1);

  if (transport_key != NULL)
    {
      self->has_transport_key = TRUE;
      memcpy (self->transport_key, transport_key, CI_VCARD_KEY_LEN);
    }
  self->protocol = CI_VCARD_PROTOCOL_T1;
  update_limits (self);
  return self;
}

/**
 * ci_vcard_free:
 * @self: (nullable): a card
 *
 * Wipes the card's keys from memory and frees it. The image is not touched.
 */
void
ci_vcard_free (CiVcard *self)
{
  if (self == NULL)
    return;
  _ci_vcard_clear_volatile (self);
  _ci_vcard_df_free (self->df);
  g_free (self->atr_info.data);
  g_clear_pointer (&self->atr, g_bytes_unref);
  g_free (self->image_path);
  OPENSSL_cleanse (self, sizeof *self);
  g_free (self);
}

/**
 * ci_vcard_set_image:
 * @self: a card
 * @path: (nullable): the image file, or %NULL to keep the card in memory only
 *
 * From now on every command that changes the card's memory is saved to @path
 * before its response leaves the card.
 */
void
ci_vcard_set_image (CiVcard    *self,
                    const char *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->image_path);
  self->image_path = g_strdup (path);
}

/**
 * ci_vcard_set_protocol:
 * @self: a card
 * @protocol: T=1 (extended lengths) or T=0 (61xx, 6Cxx, GET RESPONSE)
 *
 * Chooses the transmission protocol the card behaves as; it changes the ATR.
 */
void
ci_vcard_set_protocol (CiVcard         *self,
                       CiVcardProtocol  protocol)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (protocol == CI_VCARD_PROTOCOL_T1 || protocol == CI_VCARD_PROTOCOL_T0);

  self->protocol = protocol;
  update_limits (self);
}

/**
 * ci_vcard_set_max_apdu:
 * @self: a card
 * @max_apdu: the largest command data field and response data the card
 *   handles, 16 to 65535; 0 for the defaults (65535 and 65536)
 *
 * Simulates a card with a small buffer: EF.ATR/INFO announces the limit,
 * longer commands get 6700 and longer responses are cut into 61xx pieces.
 */
/**
 * ci_vcard_set_seed:
 * @self: a card
 * @seed: (nullable): any text; %NULL for real randomness
 *
 * Makes the card's challenges and session nonces repeat from run to run, so
 * that a benchmark can replay a recorded session. Never for a card in use: its
 * challenges become predictable.
 */
void
ci_vcard_set_seed (CiVcard    *self,
                   const char *seed)
{
  g_return_if_fail (self != NULL);

  self->seeded = seed != NULL;
  self->draws = 0;
  if (seed)
    ci_sha256 (seed, strlen (seed), self->seed);
}

/**
 * ci_vcard_set_atr:
 * @self: a card
 * @atr: (nullable): the answer to reset to give, 2 to 33 bytes; %NULL for
 *   the profile's (§1)
 *
 * Plays another card type: only the answer to reset changes, not how the
 * card behaves.
 */
void
ci_vcard_set_atr (CiVcard *self,
                  GBytes  *atr)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (atr == NULL || (g_bytes_get_size (atr) >= 2 && g_bytes_get_size (atr) <= 33));

  g_clear_pointer (&self->atr, g_bytes_unref);
  self->atr = atr ? g_bytes_ref (atr) : NULL;
}

void
ci_vcard_set_max_apdu (CiVcard *self,
                       gsize    max_apdu)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_apdu == 0 || (max_apdu >= 16 && max_apdu <= 65535));

  self->max_apdu = max_apdu;
  update_limits (self);
}

/* ---- power ------------------------------------------------------------------ */

/**
 * ci_vcard_get_atr:
 * @self: a card
 *
 * Returns: (transfer full): the answer to reset of profile §1 for the
 *   current protocol, with the extended-length bit as the limits allow; or
 *   the one ci_vcard_set_atr() gave
 */
GBytes *
ci_vcard_get_atr (CiVcard *self)
{
  static const guint8 t1_head[] = { 0x3B, 0x8B, 0x80, 0x01 };
  static const guint8 t0_head[] = { 0x3B, 0x0B };
  /* Compact-TLV: category 80, card capabilities 73 00 00 xx, issuer data "CIVC1". */
  guint8 historical[] = { 0x80, 0x73, 0x00, 0x00, 0x00, 0x55, 0x43, 0x49, 0x56, 0x43, 0x31 };
  g_autoptr(GByteArray) atr = g_byte_array_new ();
  guint8 tck = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->atr)
    return g_bytes_ref (self->atr);
  if (self->extended)
    historical[4] = 0x40;
  if (self->protocol == CI_VCARD_PROTOCOL_T0)
    {
      g_byte_array_append (atr, t0_head, sizeof t0_head);
      g_byte_array_append (atr, historical, sizeof historical);
      return g_byte_array_free_to_bytes (g_steal_pointer (&atr));
    }
  g_byte_array_append (atr, t1_head, sizeof t1_head);
  g_byte_array_append (atr, historical, sizeof historical);
  /* TCK: the XOR of everything from T0 on (ISO/IEC 7816-3 §8.2.5). */
  for (guint i = 1; i < atr->len; i++)
    tck ^= atr->data[i];
  g_byte_array_append (atr, &tck, 1);
  return g_byte_array_free_to_bytes (g_steal_pointer (&atr));
}

static void
drop_pending (CiVcard *self)
{
  if (self->pending == NULL)
    return;
  OPENSSL_cleanse (self->pending->data, self->pending->len);
  g_clear_pointer (&self->pending, g_byte_array_unref);
}

/**
 * _ci_vcard_end_session:
 * @card: a card
 *
 * Closes the secure messaging session: its keys are wiped.
 */
void
_ci_vcard_end_session (CiVcard *card)
{
  g_clear_pointer (&card->sm, ci_sm_free);
  card->sm_key = 0;
  card->end_session = FALSE;
}

void
_ci_vcard_clear_volatile (CiVcard *card)
{
  _ci_vcard_end_session (card);
  drop_pending (card);
  card->in_df = FALSE;
  card->current_ef = NULL;
  card->pin_verified = FALSE;
  card->challenge_valid = FALSE;
  OPENSSL_cleanse (card->challenge, sizeof card->challenge);
}

/**
 * ci_vcard_power_on:
 * @self: a card
 *
 * The card gets power: the MF is current, no security state.
 */
void
ci_vcard_power_on (CiVcard *self)
{
  g_return_if_fail (self != NULL);

  _ci_vcard_clear_volatile (self);
}

/**
 * ci_vcard_power_off:
 * @self: a card
 *
 * The card loses power: all volatile state is gone. Its memory was saved
 * after each command already.
 */
void
ci_vcard_power_off (CiVcard *self)
{
  g_return_if_fail (self != NULL);

  _ci_vcard_clear_volatile (self);
}

/**
 * ci_vcard_reset:
 * @self: a card
 *
 * A warm reset: like power off and on.
 */
void
ci_vcard_reset (CiVcard *self)
{
  g_return_if_fail (self != NULL);

  _ci_vcard_clear_volatile (self);
}

/* ---- memory ----------------------------------------------------------------- */

CiVcardState
_ci_vcard_state (CiVcard *card)
{
  if (card->df == NULL)
    return CI_VCARD_STATE_BLANK;
  switch (card->df->life_cycle)
    {
    case CI_VCARD_LCS_INIT:
      return CI_VCARD_STATE_INIT;
    case CI_VCARD_LCS_ACTIVE:
      return CI_VCARD_STATE_ACTIVE;
    default:
      return CI_VCARD_STATE_TERMINATED;
    }
}

void
_ci_vcard_changed (CiVcard *card)
{
  card->dirty = TRUE;
}

/* After a failed save the memory is ahead of the image: go back to what the
 * image holds, so that the command that failed has not happened. */
static void
restore_saved (CiVcard *card)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CiVcard) saved = ci_vcard_load (card->image_path, &error);

  _ci_vcard_clear_volatile (card);
  if (saved == NULL)
    {
      g_warning ("The card image %s cannot be read back (%s); the card stops answering",
                 card->image_path, error->message);
      card->mute = TRUE;
      return;
    }
  card->has_transport_key = saved->has_transport_key;
  memcpy (card->transport_key, saved->transport_key, CI_VCARD_KEY_LEN);
  _ci_vcard_df_free (card->df);
  card->df = g_steal_pointer (&saved->df);
}

/**
 * _ci_vcard_commit:
 * @card: a card
 *
 * Saves the card's memory to its image now, atomically. On failure the
 * memory goes back to the last saved state, and the caller answers 6581
 * without touching anything it looked up before (the DF may be replaced).
 *
 * Returns: %TRUE if saved (or there is no image)
 */
gboolean
_ci_vcard_commit (CiVcard *card)
{
  g_autoptr(GError) error = NULL;

  card->dirty = FALSE;
  if (card->image_path == NULL || ci_vcard_save (card, card->image_path, &error))
    return TRUE;
  g_warning ("Could not save the card image: %s", error->message);
  restore_saved (card);
  return FALSE;
}

/* ---- commands --------------------------------------------------------------- */

static guint16 get_response (CiVcard          *card,
                             const CiVcardCmd *cmd,
                             GByteArray       *out);

typedef struct
{
  guint8          cla;      /* 00 interindustry, 80 proprietary; SM bits apart */
  guint8          ins;
  CiVcardState    states;
  CiVcardHandler  handler;
} CiVcardCommand;

#define LIVE (CI_VCARD_STATE_BLANK | CI_VCARD_STATE_INIT | CI_VCARD_STATE_ACTIVE)

static const CiVcardCommand commands[] = {
  { 0x00, 0xA4, CI_VCARD_STATE_ALL, _ci_vcard_select },
  { 0x00, 0xB0, CI_VCARD_STATE_ALL, _ci_vcard_read_binary },
  { 0x00, 0xD6, LIVE, _ci_vcard_update_binary },
  { 0x00, 0x84, LIVE, _ci_vcard_get_challenge },
  { 0x00, 0x82, LIVE, _ci_vcard_mutual_auth },
  { 0x00, 0x88, CI_VCARD_STATE_INIT | CI_VCARD_STATE_ACTIVE, _ci_vcard_internal_auth },
  { 0x00, 0x46, CI_VCARD_STATE_INIT, _ci_vcard_generate },
  { 0x80, 0xD8, CI_VCARD_STATE_INIT, _ci_vcard_put_key },
  { 0x80, 0xE4, CI_VCARD_STATE_INIT, _ci_vcard_delete_key },
  { 0x00, 0xE0, CI_VCARD_STATE_BLANK | CI_VCARD_STATE_INIT, _ci_vcard_create_file },
  { 0x00, 0xE4, CI_VCARD_STATE_INIT, _ci_vcard_delete_file },
  { 0x00, 0x44, CI_VCARD_STATE_INIT, _ci_vcard_activate_file },
  { 0x00, 0xE6, CI_VCARD_STATE_ACTIVE, _ci_vcard_terminate_df },
  { 0x00, 0x20, CI_VCARD_STATE_ACTIVE, _ci_vcard_verify },
  { 0x00, 0x24, CI_VCARD_STATE_INIT | CI_VCARD_STATE_ACTIVE, _ci_vcard_change_reference },
  { 0x00, 0x2C, CI_VCARD_STATE_ACTIVE, _ci_vcard_reset_retry },
  { 0x00, 0xC0, CI_VCARD_STATE_ALL, get_response },
};

/* An instruction the card knows in the other class is a wrong class (6E00),
 * one it does not know at all a wrong instruction (6D00). */
static const CiVcardCommand *
find_command (const CiApdu *apdu,
              guint16      *sw)
{
  guint8 cla = apdu->cla & CLA_PROPRIETARY;

  *sw = CI_SW_WRONG_INS;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].ins == apdu->ins)
      {
        if (commands[i].cla == cla)
          return &commands[i];
        *sw = CI_SW_WRONG_CLA;
      }
  return NULL;
}

static guint16
dispatch (CiVcard          *self,
          const CiVcardCmd *cmd,
          GByteArray       *out)
{
  const CiVcardCommand *entry;
  guint16 sw;

  entry = find_command (cmd->apdu, &sw);
  if (entry == NULL)
    return sw;
  if ((entry->states & _ci_vcard_state (self)) == 0)
    return CI_SW_CONDITIONS;
  sw = entry->handler (self, cmd, out);
  if (self->dirty && !_ci_vcard_commit (self))
    {
      g_byte_array_set_size (out, 0);
      return CI_SW_MEMORY;
    }
  return sw;
}

static gboolean
is_wildcard_le (gsize    le,
                gboolean extended)
{
  return extended ? le == CI_APDU_EXTENDED_MAX : le == CI_APDU_SHORT_MAX;
}

static guint16
process_plain (CiVcard      *self,
               const CiApdu *apdu,
               gboolean      extended,
               GByteArray   *out)
{
  CiVcardCmd cmd = { apdu, FALSE, is_wildcard_le (apdu->le, extended) };

  /* Profile §6: any command without SM ends the session, GET RESPONSE
   * excepted (T=0 fetches protected answers with it). */
  if (apdu->ins != INS_GET_RESPONSE)
    _ci_vcard_end_session (self);
  return dispatch (self, &cmd, out);
}

/* 6987 (an SM object is missing) rather than 6988 (one is wrong): no MAC.
 * Malformed data counts as "wrong", for ci_sm_unwrap_command() to refuse. */
static gboolean
has_mac_object (const CiApdu *apdu)
{
  g_autoptr(GError) error = NULL;
  CiTlvReader reader;
  CiTlv tlv;

  ci_tlv_reader_init (&reader, apdu->data, apdu->lc);
  while (ci_tlv_reader_next (&reader, &tlv, &error))
    if (tlv.tag == DO_MAC)
      return TRUE;
  return error != NULL;
}

static guint16
wrap_answer (CiVcard    *self,
             GByteArray *inner,
             guint16     sw,
             GByteArray *out)
{
  g_autoptr(CiResponse) plain = ci_response_new (inner->data, inner->len, sw);
  g_autoptr(CiResponse) wrapped = ci_sm_wrap_response (self->sm, plain, NULL);

  if (wrapped == NULL)
    {
      _ci_vcard_end_session (self);
      return CI_SW_MEMORY;
    }
  g_byte_array_append (out, wrapped->data, wrapped->len);
  return wrapped->sw;
}

static guint16
process_protected (CiVcard      *self,
                   const CiApdu *apdu,
                   GByteArray   *out)
{
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  g_autoptr(CiApdu) plain = NULL;
  CiVcardCmd cmd = { NULL, TRUE, FALSE };
  guint16 sw;

  /* No session: there is nothing to check the MAC with. */
  if (self->sm == NULL)
    return CI_SW_SECURITY;
  if (!has_mac_object (apdu))
    {
      _ci_vcard_end_session (self);
      return CI_SW_SM_MISSING;
    }
  plain = ci_sm_unwrap_command (self->sm, apdu, NULL);
  if (plain == NULL)
    {
      _ci_vcard_end_session (self);
      return CI_SW_SM_WRONG;
    }
  cmd.apdu = plain;
  cmd.le_wildcard = plain->le == CI_APDU_SHORT_MAX || plain->le == CI_APDU_EXTENDED_MAX;
  sw = dispatch (self, &cmd, inner);
  /* A failed save takes the session with it: then the answer goes in plain. */
  if (self->sm != NULL)
    sw = wrap_answer (self, inner, sw, out);
  OPENSSL_cleanse (inner->data, inner->len);
  if (self->end_session)
    _ci_vcard_end_session (self);
  return sw;
}

/* Checks that need only the encoding: class, length form, buffer size. */
static guint16
check_encoding (CiVcard      *self,
                const CiApdu *apdu,
                gboolean      extended)
{
  guint8 cla;

  if (apdu == NULL)
    return CI_SW_WRONG_LENGTH;
  cla = apdu->cla & ~CLA_SM_BITS;
  if ((cla != 0x00 && cla != CLA_PROPRIETARY)
      || ((apdu->cla & CLA_SM_BITS) != 0 && (apdu->cla & CLA_SM_BITS) != CLA_SM_BITS))
    return CI_SW_WRONG_CLA;
  if ((extended && !self->extended) || apdu->lc > self->nc_max)
    return CI_SW_WRONG_LENGTH;
  return 0;
}

static void
append_sw (GByteArray *out,
           guint16     sw)
{
  const guint8 bytes[2] = { CI_SW1 (sw), CI_SW2 (sw) };

  g_byte_array_append (out, bytes, sizeof bytes);
}

static void
keep_pending (CiVcard    *self,
              GByteArray *data,
              gsize       from,
              guint16     sw)
{
  drop_pending (self);
  self->pending = g_byte_array_sized_new ((guint) (data->len - from));
  g_byte_array_append (self->pending, data->data + from, (guint) (data->len - from));
  self->pending_sw = sw;
}

/* 61xx: xx more bytes, 00 for 256 or more. */
static guint16
more_data_sw (gsize left)
{
  return (guint16) (0x6100 | (MIN (left, CI_APDU_SHORT_MAX) & 0xFF));
}

/* Puts @data and @sw on the wire the way the command asked for them. */
static void
deliver (CiVcard      *self,
         const CiApdu *apdu,
         GByteArray   *data,
         guint16       sw,
         GByteArray   *out)
{
  gsize n;

  if (data->len == 0)
    {
      append_sw (out, sw);
    }
  else if (apdu->le == 0)
    {
      /* Sent without Le (how T=0 sends case 4): the data waits for GET RESPONSE. */
      keep_pending (self, data, 0, sw);
      append_sw (out, more_data_sw (data->len));
    }
  else if (self->protocol == CI_VCARD_PROTOCOL_T0 && apdu->lc == 0 && data->len < apdu->le)
    {
      /* T=0 case 2 asking for more than there is: 6Cxx, resend with Le = xx. */
      if (apdu->ins == INS_GET_RESPONSE)
        keep_pending (self, data, 0, sw);
      append_sw (out, (guint16) (0x6C00 | data->len));
    }
  else
    {
      n = MIN (MIN (apdu->le, self->ne_max), data->len);
      g_byte_array_append (out, data->data, (guint) n);
      if (n < data->len)
        keep_pending (self, data, n, sw);
      append_sw (out, n < data->len ? more_data_sw (data->len - n) : sw);
    }
}

static void
process_command (CiVcard      *self,
                 const guint8 *buf,
                 gsize         len,
                 GByteArray   *out)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(CiApdu) apdu = NULL;
  gboolean extended = FALSE;
  guint16 sw;

  if (self->mute)
    {
      append_sw (out, CI_SW_MEMORY);
      return;
    }
  self->end_session = FALSE;
  apdu = ci_apdu_parse (buf, len, &extended, NULL);
  if (apdu == NULL || apdu->ins != INS_GET_RESPONSE)
    drop_pending (self);
  sw = check_encoding (self, apdu, extended);
  if (sw != 0)
    _ci_vcard_end_session (self);
  else if ((apdu->cla & CLA_SM_BITS) != 0)
    sw = process_protected (self, apdu, data);
  else
    sw = process_plain (self, apdu, extended, data);
  /* A challenge is good for the command right after GET CHALLENGE only. */
  if (apdu == NULL || apdu->ins != INS_GET_CHALLENGE)
    self->challenge_valid = FALSE;
  if (apdu != NULL)
    deliver (self, apdu, data, sw, out);
  else
    append_sw (out, sw);
  OPENSSL_cleanse (data->data, data->len);
}

/**
 * ci_vcard_process:
 * @self: a card
 * @apdu: (array length=len): a command APDU as it came from the reader
 * @len: its length
 *
 * Runs one command. Whatever it changes in the card's memory is saved to the
 * image before this returns, so a power cut after it never loses or halves
 * the command. Any input is answered; nothing is read beyond @len.
 *
 * Returns: (transfer full): the response APDU, never shorter than 2 bytes
 */
GBytes *
ci_vcard_process (CiVcard      *self,
                  const guint8 *apdu,
                  gsize         len)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (apdu != NULL || len == 0, NULL);

  process_command (self, apdu, len, out);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* GET RESPONSE 00 C0 00 00 Le: deliver() cuts the pending data to Le again. */
static guint16
get_response (CiVcard          *card,
              const CiVcardCmd *cmd,
              GByteArray       *out)
{
  guint16 sw;

  if (cmd->apdu->p1 != 0 || cmd->apdu->p2 != 0)
    return CI_SW_WRONG_P1P2;
  if (cmd->apdu->lc != 0 || cmd->apdu->le == 0)
    return CI_SW_WRONG_LENGTH;
  if (card->pending == NULL)
    return CI_SW_CONDITIONS;
  g_byte_array_append (out, card->pending->data, card->pending->len);
  sw = card->pending_sw;
  drop_pending (card);
  return sw;
}
