/* ci-card-session.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-card-session.h"
#include "card/ci-tlv.h"
#include "keys/ci-digest.h"

/* The host side of card profile v1 (docs/card-profile.md): one command per
 * function, over a channel, wrapped in secure messaging once
 * ci_card_session_authenticate() opened it. The pipeline composes these. */

struct _CiCardSession
{
  CiCardChannel *channel;
  CiSm *sm;
};

/**
 * ci_card_session_new:
 * @channel: a connected channel
 *
 * Returns: (transfer full): a session without secure messaging
 */
CiCardSession *
ci_card_session_new (CiCardChannel *channel)
{
  CiCardSession *self;

  g_return_val_if_fail (CI_IS_CARD_CHANNEL (channel), NULL);

  self = g_new0 (CiCardSession, 1);
  self->channel = g_object_ref (channel);
  return self;
}

void
ci_card_session_free (CiCardSession *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->sm, ci_sm_free);
  g_clear_object (&self->channel);
  g_free (self);
}

CiCardChannel *
ci_card_session_get_channel (CiCardSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->channel;
}

/**
 * ci_card_session_end_sm:
 * @self: a session
 *
 * Forgets the session keys; the card ends its side at the next plain command.
 */
void
ci_card_session_end_sm (CiCardSession *self)
{
  g_return_if_fail (self != NULL);
  g_clear_pointer (&self->sm, ci_sm_free);
}

/* Sends @apdu (wrapped when SM is open) and returns the plain response,
 * whatever its status word. Any failure ends secure messaging. */
static CiResponse *
transact (CiCardSession  *self,
          const CiApdu   *apdu,
          GError        **error)
{
  g_autoptr(CiApdu) wrapped = NULL;
  g_autoptr(CiResponse) response = NULL;
  CiResponse *plain;

  if (self->sm == NULL)
    return ci_card_channel_transmit (self->channel, apdu, error);
  wrapped = ci_sm_wrap_command (self->sm, apdu, error);
  if (wrapped != NULL)
    response = ci_card_channel_transmit (self->channel, wrapped, error);
  plain = response ? ci_sm_unwrap_response (self->sm, response, error) : NULL;
  if (plain == NULL)
    ci_card_session_end_sm (self);
  return plain;
}

/**
 * ci_card_session_send:
 * @self: a session
 * @apdu: the plain command
 * @what: what it does, for the error message, translated ("Writing the zones")
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Sends @apdu, under secure messaging if a session is open.
 *
 * Returns: (transfer full): the response if its status is `9000` or `6282`
 */
CiResponse *
ci_card_session_send (CiCardSession  *self,
                      const CiApdu   *apdu,
                      const char     *what,
                      GError        **error)
{
  g_autoptr(CiResponse) response = NULL;

  g_return_val_if_fail (self != NULL && apdu != NULL, NULL);

  response = transact (self, apdu, error);
  if (response == NULL)
    return NULL;
  if (response->sw != 0x9000 && response->sw != 0x6282
      && !ci_card_check_sw (response->sw, what, error))
    return NULL;
  return g_steal_pointer (&response);
}

static gboolean
send_simple (CiCardSession  *self,
             guint8          cla,
             guint8          ins,
             guint8          p1,
             guint8          p2,
             const guint8   *data,
             gsize           len,
             const char     *what,
             GError        **error)
{
  g_autoptr(CiApdu) apdu = ci_apdu_new (cla, ins, p1, p2, data, len, 0);
  g_autoptr(CiResponse) response = ci_card_session_send (self, apdu, what, error);

  return response != NULL;
}

gboolean
ci_card_session_select_mf (CiCardSession  *self,
                           GError        **error)
{
  static const guint8 mf[] = { 0x3F, 0x00 };

  g_return_val_if_fail (self != NULL, FALSE);

  ci_card_session_end_sm (self);
  return send_simple (self, 0x00, 0xA4, 0x00, 0x0C, mf, sizeof mf,
                      /* Translators: this and the card steps like it (“Writing %s”,
                       * “Locking the card”) are completed by “failed: …”, as in
                       * “Locking the card failed: the card is full (6A84).” */
                      _("Selecting the card's master file"), error);
}

static gboolean
parse_life_cycle (const CiResponse  *fcp,
                  guint8            *life_cycle,
                  GError           **error)
{
  CiTlv outer, lcs;

  if (!ci_tlv_parse_one (fcp->data, fcp->len, &outer, error))
    return FALSE;
  if (outer.tag != 0x62 || !ci_tlv_find (outer.value, outer.len, 0x8A, &lcs, error)
      || lcs.len != 1)
    {
      g_clear_error (error);
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   _("The card did not report the application's life cycle."));
      return FALSE;
    }
  *life_cycle = lcs.value[0];
  return TRUE;
}

/* 6A82 is an answer here, not an error: @life_cycle is then 0. */
static gboolean
select_df (CiCardSession  *self,
           guint8         *life_cycle,
           GError        **error)
{
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xA4, 0x04, 0x04, ci_card_aid,
                                        CI_CARD_AID_LEN, CI_APDU_SHORT_MAX);
  g_autoptr(CiResponse) response = NULL;

  ci_card_session_end_sm (self);
  response = transact (self, apdu, error);
  if (response == NULL)
    return FALSE;
  *life_cycle = 0;
  if (response->sw == 0x6A82)
    return TRUE;
  if (!ci_card_check_sw (response->sw, _("Selecting the CardIssue application"), error))
    return FALSE;
  return parse_life_cycle (response, life_cycle, error);
}

/**
 * ci_card_session_select_df:
 * @self: a session
 * @life_cycle: (out): the application's life-cycle state (`8A`)
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Selects DF.CARDISSUE by its AID; secure messaging ends.
 *
 * Returns: %TRUE if the application exists and was selected
 */
gboolean
ci_card_session_select_df (CiCardSession  *self,
                           guint8         *life_cycle,
                           GError        **error)
{
  g_return_val_if_fail (self != NULL && life_cycle != NULL, FALSE);

  if (!select_df (self, life_cycle, error))
    return FALSE;
  if (*life_cycle == 0)
    return ci_card_check_sw (0x6A82, _("Selecting the CardIssue application"), error);
  return TRUE;
}

/* EF.ATR/INFO: 7F66 { 02 Nc-max 02 Ne-max } (profile §2). */
static gboolean
read_limits (CiCardSession  *self,
             GError        **error)
{
  static const guint8 info_fid[] = { 0x2F, 0x01 };
  g_autoptr(CiApdu) read = ci_apdu_new (0x00, 0xB0, 0x00, 0x00, NULL, 0, CI_APDU_SHORT_MAX);
  g_autoptr(CiResponse) response = NULL;
  CiTlv info, nc, ne;
  CiTlvReader reader;
  guint32 limits[2] = { 0, 0 };
  CiTlv *parts[2] = { &nc, &ne };

  if (!send_simple (self, 0x00, 0xA4, 0x02, 0x0C, info_fid, sizeof info_fid,
                    _("Reading the card's capabilities"), error))
    return FALSE;
  response = ci_card_session_send (self, read, _("Reading the card's capabilities"), error);
  if (response == NULL || !ci_tlv_find (response->data, response->len, 0x7F66, &info, error))
    return FALSE;
  ci_tlv_reader_init (&reader, info.value, info.len);
  for (guint i = 0; i < 2; i++)
    {
      if (!ci_tlv_reader_next (&reader, parts[i], error) || parts[i]->tag != 0x02
          || parts[i]->len == 0 || parts[i]->len > 3)
        {
          g_clear_error (error);
          g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                       _("The card's EF.ATR/INFO is malformed."));
          return FALSE;
        }
      for (gsize b = 0; b < parts[i]->len; b++)
        limits[i] = limits[i] << 8 | parts[i]->value[b];
    }
  if (limits[0] < 16 || limits[1] < 16)
    return ci_card_check_sw (0x6700, _("Reading the card's capabilities"), error);
  ci_card_channel_set_limits (self->channel, limits[0], limits[1]);
  return TRUE;
}

static CiCardKind
kind_for (guint8      life_cycle,
          const char *serial)
{
  if (life_cycle == 0)
    return CI_CARD_KIND_BLANK;
  if (life_cycle == CI_CARD_LCS_INITIALISATION)
    return serial ? CI_CARD_KIND_HALF_WRITTEN : CI_CARD_KIND_STARTED;
  if (life_cycle == CI_CARD_LCS_ACTIVATED)
    return CI_CARD_KIND_ISSUED;
  return CI_CARD_KIND_TERMINATED;
}

static gboolean
is_card_answer (const GError *error)
{
  switch (error->code)
    {
    case CI_CARD_ERROR_PROTOCOL:
    case CI_CARD_ERROR_SECURITY:
    case CI_CARD_ERROR_CONDITIONS:
    case CI_CARD_ERROR_NOT_FOUND:
    case CI_CARD_ERROR_WRONG_DATA:
    case CI_CARD_ERROR_UNSUPPORTED:
      return error->domain == CI_CARD_ERROR;
    default:
      return FALSE;
    }
}

/**
 * ci_card_session_check:
 * @self: a session
 * @out: (out caller-allocates): what is in the reader; ci_card_check_clear() it
 * @error: return location for a #CI_CARD_ERROR error
 *
 * The check step of profile §7.1: reads the card's limits, selects the
 * application and reads the serial from EF.CARD when there is one.
 *
 * Returns: %TRUE if this is a card of our profile (in any state)
 */
gboolean
ci_card_session_check (CiCardSession  *self,
                       CiCardCheck    *out,
                       GError        **error)
{
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) object = NULL;
  gint64 start = g_get_monotonic_time ();
  CiCardInfo info;

  g_return_val_if_fail (self != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!ci_card_session_select_mf (self, error) || !read_limits (self, error))
    {
      /* The card answered, but not as our profile says: say so. A card pulled
       * or a reader gone keeps its own message. */
      if (error && *error && is_card_answer (*error))
        /* Translators: the error's own message follows. */
        g_prefix_error (error, _("This is not a card CardIssue can write: "));
      return FALSE;
    }
  if (!select_df (self, &out->life_cycle, error))
    return FALSE;
  if (out->life_cycle != 0)
    {
      file = ci_card_session_read_file (self, CI_CARD_FILE_CARD, NULL);
      if (file != NULL)
        object = ci_card_file_object (g_bytes_get_data (file, NULL), g_bytes_get_size (file), NULL);
      if (object != NULL && ci_card_info_decode (object, &info, NULL))
        {
          out->serial = g_steal_pointer (&info.serial);
          ci_card_info_clear (&info);
        }
    }
  out->kind = kind_for (out->life_cycle, out->serial);
  out->duration_us = g_get_monotonic_time () - start;
  return TRUE;
}

void
ci_card_check_clear (CiCardCheck *check)
{
  g_return_if_fail (check != NULL);
  g_clear_pointer (&check->serial, g_free);
}

/**
 * ci_card_session_authenticate:
 * @self: a session
 * @key_ref: %CI_CARD_KEY_TRANSPORT or %CI_CARD_KEY_ADMIN
 * @key: the static AES-128 key
 * @error: return location for a #CI_CARD_ERROR error
 *
 * GET CHALLENGE and MUTUAL AUTHENTICATE (profile §6.1); on success every
 * following command goes under secure messaging.
 *
 * Returns: %TRUE if the card proved it holds @key and SM is open
 */
gboolean
ci_card_session_authenticate (CiCardSession  *self,
                              guint8          key_ref,
                              const guint8    key[CI_SM_KEY_LEN],
                              GError        **error)
{
  g_autoptr(CiApdu) get = ci_apdu_new (0x00, 0x84, 0x00, 0x00, NULL, 0, 8);
  g_autoptr(CiResponse) challenge = NULL;
  g_autoptr(CiResponse) answer = NULL;
  g_autoptr(GByteArray) cryptogram = NULL;
  g_autoptr(CiApdu) mutual = NULL;
  CiSmAuth auth = { .cipher = CI_SM_CIPHER_AES128 };
  guint8 kenc[CI_SM_KEY_LEN], kmac[CI_SM_KEY_LEN];
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);

  ci_card_session_end_sm (self);
  challenge = ci_card_session_send (self, get, _("Asking the card for a challenge"), error);
  if (challenge == NULL)
    return FALSE;
  if (challenge->len != sizeof auth.rnd_icc)
    return ci_card_check_sw (0x6700, _("Asking the card for a challenge"), error);
  memcpy (auth.rnd_icc, challenge->data, sizeof auth.rnd_icc);
  ci_sm_kdf (CI_SM_CIPHER_AES128, key, CI_SM_KEY_LEN, CI_SM_KDF_ENC, kenc);
  ci_sm_kdf (CI_SM_CIPHER_AES128, key, CI_SM_KEY_LEN, CI_SM_KDF_MAC, kmac);
  if (ci_random_bytes (auth.rnd_ifd, sizeof auth.rnd_ifd, error)
      && ci_random_bytes (auth.k_ifd, sizeof auth.k_ifd, error)
      && (cryptogram = ci_sm_auth_host_cryptogram (&auth, kenc, kmac, error)) != NULL)
    {
      mutual = ci_apdu_new (0x00, 0x82, 0x00, key_ref, cryptogram->data, cryptogram->len, 40);
      answer = ci_card_session_send (self, mutual, key_ref == CI_CARD_KEY_TRANSPORT
                                     ? _("Opening the card with the transport key")
                                     : _("Opening the card with its admin key"), error);
      ok = answer != NULL
           && ci_sm_auth_host_finish (&auth, kenc, kmac, answer->data, answer->len, error);
    }
  if (ok)
    self->sm = ci_sm_auth_session (&auth);
  OPENSSL_cleanse (&auth, sizeof auth);
  OPENSSL_cleanse (kenc, sizeof kenc);
  OPENSSL_cleanse (kmac, sizeof kmac);
  return ok;
}

/**
 * ci_card_session_delete_df:
 * @self: a session in SM, with DF.CARDISSUE selected in initialisation state
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Deletes an application left behind by an initialisation that was cut off
 * before it wrote the serial (profile §7.2 step 2).
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_session_delete_df (CiCardSession  *self,
                           GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return send_simple (self, 0x00, 0xE4, 0x00, 0x00, NULL, 0,
                      _("Removing an unfinished application"), error);
}

static GBytes *
df_fcp (void)
{
  static const guint8 rules[] = { 0x72, 0x41, 0x41, 0x41, 0x41 };
  static const guint8 fid[] = { 0x43, 0x49 };
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, 0x62);

  ci_tlv_append_u8 (out, 0x82, 0x38);
  ci_tlv_append (out, 0x83, fid, sizeof fid);
  ci_tlv_append (out, 0x84, ci_card_aid, CI_CARD_AID_LEN);
  ci_tlv_append (out, 0x8C, rules, sizeof rules);
  ci_tlv_end (out, mark);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
ef_fcp (CiCardFile file)
{
  static const guint8 sm_update[] = { 0x03, 0x41, 0x00 };
  static const guint8 no_update[] = { 0x03, 0xFF, 0x00 };
  gsize size = ci_card_file_size (file);
  guint16 fid = ci_card_file_fid (file);
  guint8 size_be[2] = { size >> 8, size & 0xff }, fid_be[2] = { fid >> 8, fid & 0xff };
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, 0x62);

  ci_tlv_append (out, 0x80, size_be, sizeof size_be);
  ci_tlv_append_u8 (out, 0x82, 0x01);
  ci_tlv_append (out, 0x83, fid_be, sizeof fid_be);
  ci_tlv_append_u8 (out, 0x88, (guint8) file);
  if (file == CI_CARD_FILE_CARDKEY)
    ci_tlv_append (out, 0x8C, no_update, sizeof no_update);
  else
    ci_tlv_append (out, 0x8C, sm_update, sizeof sm_update);
  ci_tlv_end (out, mark);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
create_file (CiCardSession  *self,
             GBytes         *fcp,
             GError        **error)
{
  return send_simple (self, 0x00, 0xE0, 0x00, 0x00, g_bytes_get_data (fcp, NULL),
                      g_bytes_get_size (fcp), _("Creating the card's files"), error);
}

/**
 * ci_card_session_create_files:
 * @self: a session in SM with the transport key, MF current
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Creates DF.CARDISSUE and its five EFs (profile §7.2 steps 3–4); the DF stays
 * current.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_session_create_files (CiCardSession  *self,
                              GError        **error)
{
  g_autoptr(GBytes) df = df_fcp ();

  g_return_val_if_fail (self != NULL, FALSE);

  if (!create_file (self, df, error))
    return FALSE;
  for (CiCardFile file = 1; file <= CI_CARD_N_FILES; file++)
    {
      g_autoptr(GBytes) fcp = ef_fcp (file);

      if (!create_file (self, fcp, error))
        return FALSE;
    }
  return TRUE;
}

/* The largest plain chunk whose protected form fits the card's data field:
 * DO87 adds a tag, up to 3 length bytes, the indicator and padding to a block;
 * DO8E adds 10. */
static gsize
chunk_size (CiCardSession *self)
{
  gsize max_nc = ci_card_channel_get_max_nc (self->channel);

  if (self->sm == NULL)
    return max_nc;
  return max_nc >= 32 ? (max_nc - 16) / 16 * 16 - 1 : 1;
}

static gboolean
update_binary (CiCardSession  *self,
               CiCardFile      file,
               gsize           offset,
               const guint8   *data,
               gsize           len,
               GError        **error)
{
  /* Translators: %s is a file on the card, such as EF.ZONES; completed by
   * “failed: …”, as in “Writing EF.ZONES failed: the card is full (6A84).” */
  g_autofree char *what = g_strdup_printf (_("Writing %s"), ci_card_file_name (file));
  guint8 p1 = offset == 0 ? 0x80 | file : (guint8) (offset >> 8);
  guint8 p2 = (guint8) (offset & 0xff);
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xD6, p1, p2, data, len, 0);
  g_autoptr(CiResponse) response = ci_card_session_send (self, apdu, what, error);

  return response != NULL;
}

/**
 * ci_card_session_write_file:
 * @self: a session in SM
 * @file: which EF
 * @object: its new content
 * @previous_len: how many bytes the old content took; those past the new
 *   object are zeroed, as the profile wants the rest of the file `00`
 * @error: return location for a #CI_CARD_ERROR error
 *
 * UPDATE BINARY in as few commands as the card's limits allow; the first one
 * addresses the file by its SFI, which makes it the current EF for the rest.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_session_write_file (CiCardSession  *self,
                            CiCardFile      file,
                            GBytes         *object,
                            gsize           previous_len,
                            GError        **error)
{
  gsize len, total, chunk, size = ci_card_file_size (file);
  const guint8 *data = g_bytes_get_data (object, &len);
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (self != NULL && object != NULL, FALSE);

  if (len > size)
    return ci_card_check_sw (0x6A84, ci_card_file_name (file), error);
  total = MIN (MAX (len, previous_len), size);
  buf = g_malloc0 (total);
  memcpy (buf, data, len);
  chunk = chunk_size (self);
  for (gsize offset = 0; offset < total; offset += chunk)
    if (!update_binary (self, file, offset, buf + offset, MIN (chunk, total - offset), error))
      return FALSE;
  return TRUE;
}

/**
 * ci_card_session_read_file:
 * @self: a session
 * @file: which EF
 * @error: return location for a #CI_CARD_ERROR error
 *
 * READ BINARY of the whole file: the object and its `00` fill.
 *
 * Returns: (transfer full): the file's content, or %NULL
 */
GBytes *
ci_card_session_read_file (CiCardSession  *self,
                           CiCardFile      file,
                           GError        **error)
{
  /* Translators: %s is a file on the card, such as EF.ZONES; completed by
   * “failed: …”, as in “Reading EF.ZONES failed: …”. */
  g_autofree char *what = g_strdup_printf (_("Reading %s"), ci_card_file_name (file));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize size = ci_card_file_size (file);

  g_return_val_if_fail (self != NULL, NULL);

  while (out->len < size)
    {
      gsize offset = out->len;
      gsize le = MIN (ci_card_channel_get_max_ne (self->channel), size - offset);
      guint8 p1 = offset == 0 ? 0x80 | file : (guint8) (offset >> 8);
      g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0xB0, p1, offset & 0xff, NULL, 0, le);
      g_autoptr(CiResponse) response = ci_card_session_send (self, apdu, what, error);

      if (response == NULL)
        return NULL;
      g_byte_array_append (out, response->data, response->len);
      if (response->sw == 0x6282 || response->len == 0)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
ci_card_session_put_key (CiCardSession  *self,
                         guint8          key_ref,
                         const guint8    key[CI_SM_KEY_LEN],
                         GError        **error)
{
  g_autoptr(CiApdu) apdu = NULL;
  g_autoptr(CiResponse) response = NULL;

  g_return_val_if_fail (self != NULL && self->sm != NULL, FALSE);

  apdu = ci_apdu_new (0x80, 0xD8, 0x00, key_ref, key, CI_SM_KEY_LEN, 0);
  apdu->flags |= CI_APDU_SENSITIVE;
  response = ci_card_session_send (self, apdu, _("Loading the card's admin key"), error);
  return response != NULL;
}

gboolean
ci_card_session_delete_key (CiCardSession  *self,
                            guint8          key_ref,
                            GError        **error)
{
  g_return_val_if_fail (self != NULL && self->sm != NULL, FALSE);
  return send_simple (self, 0x80, 0xE4, 0x00, key_ref, NULL, 0,
                      _("Retiring the transport key"), error);
}

/**
 * ci_card_session_generate_key:
 * @self: a session in SM, DF current
 * @error: return location for a #CI_CARD_ERROR error
 *
 * GENERATE ASYMMETRIC KEY PAIR for the card key (profile §5.3).
 *
 * Returns: (transfer full): the `7F49` object the card returned and wrote
 *   into EF.CARDKEY
 */
GBytes *
ci_card_session_generate_key (CiCardSession  *self,
                              GError        **error)
{
  g_autoptr(CiApdu) apdu = ci_apdu_new (0x00, 0x46, 0x00, CI_CARD_KEY_CARD, NULL, 0,
                                        CI_APDU_SHORT_MAX);
  g_autoptr(CiResponse) response = NULL;

  g_return_val_if_fail (self != NULL && self->sm != NULL, NULL);

  response = ci_card_session_send (self, apdu, _("Generating the card's own key pair"), error);
  if (response == NULL)
    return NULL;
  return g_bytes_new (response->data, response->len);
}

/**
 * ci_card_session_set_secret:
 * @self: a session in SM with the admin key
 * @reference: %CI_CARD_PIN or %CI_CARD_PUK
 * @digits: 4 to 8 ASCII digits
 * @error: return location for a #CI_CARD_ERROR error
 *
 * CHANGE REFERENCE DATA with P1 01 (profile §4). The command only ever goes
 * out encrypted and is marked sensitive, so no trace holds the value.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_card_session_set_secret (CiCardSession  *self,
                            guint8          reference,
                            const char     *digits,
                            GError        **error)
{
  g_autoptr(CiApdu) apdu = NULL;
  g_autoptr(CiResponse) response = NULL;
  guint8 block[8];
  gsize len;

  g_return_val_if_fail (self != NULL && self->sm != NULL && digits != NULL, FALSE);

  len = strlen (digits);
  g_return_val_if_fail (len >= 4 && len <= sizeof block, FALSE);
  memset (block, 0xFF, sizeof block);
  memcpy (block, digits, len);
  apdu = ci_apdu_new (0x00, 0x24, 0x01, reference, block, sizeof block, 0);
  apdu->flags |= CI_APDU_SENSITIVE;
  OPENSSL_cleanse (block, sizeof block);
  response = ci_card_session_send (self, apdu,
                                   reference == CI_CARD_PIN ? _("Setting the PIN")
                                                            : _("Setting the PUK"),
                                   error);
  return response != NULL;
}

gboolean
ci_card_session_activate (CiCardSession  *self,
                          GError        **error)
{
  g_return_val_if_fail (self != NULL && self->sm != NULL, FALSE);
  return send_simple (self, 0x00, 0x44, 0x00, 0x00, NULL, 0, _("Locking the card"), error);
}

/**
 * ci_card_session_internal_auth:
 * @self: a session, DF current
 * @challenge: (array length=len): 16 to 64 random bytes
 * @len: their number
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the card's DER ECDSA signature over SHA-256 of
 *   "CIAUTH1" || @challenge (profile §5.3)
 */
GBytes *
ci_card_session_internal_auth (CiCardSession  *self,
                               const guint8   *challenge,
                               gsize           len,
                               GError        **error)
{
  g_autoptr(CiApdu) apdu = NULL;
  g_autoptr(CiResponse) response = NULL;

  g_return_val_if_fail (self != NULL && challenge != NULL, NULL);

  apdu = ci_apdu_new (0x00, 0x88, 0x00, CI_CARD_KEY_CARD, challenge, len, CI_APDU_SHORT_MAX);
  response = ci_card_session_send (self, apdu, _("Asking the card to prove its key"), error);
  if (response == NULL)
    return NULL;
  return g_bytes_new (response->data, response->len);
}
