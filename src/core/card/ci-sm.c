/* ci-sm.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Secure messaging per ICAO Doc 9303 Part 11 §9.8 (ISO/IEC 7816-4 SM objects
 * DO'87', DO'97', DO'99', DO'8E'), for both ends of the channel: the host
 * protects commands and opens responses, the virtual card does the reverse.
 *
 * A check that fails (a MAC, a missing or malformed object, bad padding, an
 * answer without secure messaging) closes the channel for good: its keys are
 * wiped and every later call fails, as ICAO asks of the chip. The two sides'
 * counters are out of step by then anyway; authenticate again.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "card/ci-sm-private.h"
#include "card/ci-card-error.h"
#include "card/ci-tlv.h"

#include <string.h>

#include <openssl/crypto.h>

#define SM_CLA_BITS       0x0C
#define DO_CRYPTOGRAM     0x87
#define DO_LE             0x97
#define DO_STATUS         0x99
#define DO_MAC            0x8E
#define PADDING_INDICATOR 0x01   /* first byte of DO'87': ISO 9797-1 method 2 */
#define SHORT_LC_MAX      255
#define EXTENDED_LC_MAX   65535
#define LE_OBJECT_MAX     4      /* 97 02 hi lo */
#define STATUS_OBJECT_LEN 4      /* 99 02 SW1 SW2 */
#define MAC_OBJECT_LEN    (2 + CI_SM_MAC_LEN)

struct _CiSm
{
  CiSmCipher   cipher;
  gboolean     closed;
  guint8       kenc[CI_SM_KEY_LEN];
  guint8       kmac[CI_SM_KEY_LEN];
  guint8       ssc[CI_SM_MAX_SSC];
  gsize        ssc_len;
  CiSmAesKeys *aes;  /* AES: the keys in OpenSSL's contexts, made once */
};

/* The objects of one protected data field, in their only allowed order: the
 * cryptogram, then DO'97' (command) or DO'99' (response), then the MAC. */
enum { OBJ_CRYPTOGRAM, OBJ_MIDDLE, OBJ_MAC, N_OBJS };

typedef struct
{
  CiTlv    tlv[N_OBJS];
  gboolean present[N_OBJS];
  gsize    mac_input_len;    /* bytes of the data field before DO'8E' */
} SmObjects;

/* Removes method 2 padding, which takes one to @bs bytes; FALSE if there is none. */
static gboolean
unpad (GByteArray *buf,
       gsize       bs)
{
  gsize end = buf->len;

  while (end > 0 && buf->len - end < bs - 1 && buf->data[end - 1] == 0x00)
    end--;
  if (end == 0 || buf->data[end - 1] != 0x80)
    return FALSE;
  g_byte_array_set_size (buf, (guint) (end - 1));
  return TRUE;
}

/* ---- the channel ---------------------------------------------------------- */

/**
 * ci_sm_new:
 * @cipher: the cipher
 * @kenc: the session encryption key KSenc
 * @kmac: the session MAC key KSmac
 * @ssc: (array length=ssc_len): the initial send sequence counter
 * @ssc_len: 8 for 3DES, 16 for AES
 *
 * Creates a secure messaging channel. The keys are copied.
 *
 * Returns: (transfer full): a new channel, free it with ci_sm_free()
 */
CiSm *
ci_sm_new (CiSmCipher    cipher,
           const guint8  kenc[CI_SM_KEY_LEN],
           const guint8  kmac[CI_SM_KEY_LEN],
           const guint8 *ssc,
           gsize         ssc_len)
{
  CiSm *self;

  g_return_val_if_fail (CI_SM_CIPHER_IS_VALID (cipher), NULL);
  g_return_val_if_fail (kenc != NULL, NULL);
  g_return_val_if_fail (kmac != NULL, NULL);
  g_return_val_if_fail (ssc != NULL, NULL);
  g_return_val_if_fail (ssc_len == ci_sm_block_size (cipher), NULL);

  self = g_new0 (CiSm, 1);
  self->cipher = cipher;
  memcpy (self->kenc, kenc, CI_SM_KEY_LEN);
  memcpy (self->kmac, kmac, CI_SM_KEY_LEN);
  memcpy (self->ssc, ssc, ssc_len);
  self->ssc_len = ssc_len;
  /* Should OpenSSL fail here, each message keys its own contexts instead. */
  if (cipher == CI_SM_CIPHER_AES128)
    self->aes = _ci_sm_aes_keys_new (kenc, kmac);
  return self;
}

/**
 * ci_sm_free:
 * @self: (nullable): a channel
 *
 * Wipes the keys and frees @self.
 */
void
ci_sm_free (CiSm *self)
{
  if (self == NULL)
    return;
  _ci_sm_aes_keys_free (self->aes);
  OPENSSL_cleanse (self, sizeof *self);
  g_free (self);
}

/**
 * ci_sm_get_cipher:
 * @self: a channel
 *
 * Returns: the cipher of @self
 */
CiSmCipher
ci_sm_get_cipher (CiSm *self)
{
  g_return_val_if_fail (self != NULL, CI_SM_CIPHER_AES128);

  return self->cipher;
}

const guint8 *
_ci_sm_get_ssc (CiSm  *self,
                gsize *len)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len != NULL)
    *len = self->ssc_len;
  return self->ssc;
}

static void
sm_close (CiSm *self)
{
  OPENSSL_cleanse (self->kenc, sizeof self->kenc);
  OPENSSL_cleanse (self->kmac, sizeof self->kmac);
  g_clear_pointer (&self->aes, _ci_sm_aes_keys_free);
  self->closed = TRUE;
}

static gboolean
sm_check_open (CiSm    *self,
               GError **error)
{
  if (!self->closed)
    return TRUE;
  return _ci_sm_fail (error, _("The secure channel to the card was closed after an error. "
                        "Take the card off the reader and start again."));
}

/* Big-endian, once before each MAC: command and response each get their own. */
static void
ssc_increment (CiSm *self)
{
  for (gsize i = self->ssc_len; i > 0; i--)
    if (++self->ssc[i - 1] != 0)
      break;
}

/* CBC with KSenc. */
static gboolean
sm_cbc (CiSm         *self,
        const guint8 *iv,
        const guint8 *in,
        gsize         len,
        guint8       *out,
        gboolean      decrypt,
        GError      **error)
{
  if (self->aes != NULL)
    return _ci_sm_aes_keys_cbc (self->aes, iv, in, len, out, decrypt, error);
  return ci_sm_encrypt (self->cipher, self->kenc, iv, in, len, out, decrypt, error);
}

/* 3DES: a zero IV. AES: IV = E(KSenc, SSC) with this message's SSC; one CBC
 * block with a zero IV is the ECB encryption it asks for. */
static gboolean
sm_iv (CiSm    *self,
       guint8   iv[CI_SM_MAX_BLOCK],
       GError **error)
{
  memset (iv, 0, CI_SM_MAX_BLOCK);
  if (self->cipher == CI_SM_CIPHER_3DES)
    return TRUE;
  return sm_cbc (self, NULL, self->ssc, self->ssc_len, iv, FALSE, error);
}

/* CC = MAC(KSmac, SSC || M); ci_sm_mac() adds the final padding. */
static gboolean
sm_compute_mac (CiSm         *self,
                const guint8 *m,
                gsize         m_len,
                guint8        cc[CI_SM_MAC_LEN],
                GError      **error)
{
  g_autoptr(GByteArray) n = g_byte_array_sized_new ((guint) (self->ssc_len + m_len));

  g_byte_array_append (n, self->ssc, (guint) self->ssc_len);
  g_byte_array_append (n, m, (guint) m_len);
  if (self->aes != NULL)
    return _ci_sm_aes_keys_mac (self->aes, n->data, n->len, cc, error);
  return ci_sm_mac (self->cipher, self->kmac, n->data, n->len, cc, error);
}

static gboolean
sm_verify_mac (CiSm         *self,
               const guint8 *m,
               gsize         m_len,
               const CiTlv  *do8e,
               const char   *message,
               GError      **error)
{
  guint8 cc[CI_SM_MAC_LEN];
  gboolean ok;

  if (do8e->len != CI_SM_MAC_LEN)
    return _ci_sm_fail (error, message);
  if (!sm_compute_mac (self, m, m_len, cc, error))
    return FALSE;
  ok = CRYPTO_memcmp (cc, do8e->value, CI_SM_MAC_LEN) == 0;
  OPENSSL_cleanse (cc, sizeof cc);
  return ok || _ci_sm_fail (error, message);
}

/* DO'87' = 87 L 01 || E(KSenc, pad(data)), appended to @out. */
static gboolean
append_cryptogram (CiSm         *self,
                   const guint8 *data,
                   gsize         len,
                   GByteArray   *out,
                   GError      **error)
{
  static const guint8 indicator = PADDING_INDICATOR;
  g_autoptr(CiSmSecret) buf = _ci_sm_secret_new (1 + len + CI_SM_MAX_BLOCK);
  guint8 iv[CI_SM_MAX_BLOCK];

  g_byte_array_append (buf, data, (guint) len);
  ci_sm_pad (self->cipher, buf);
  if (!sm_iv (self, iv, error)
      || !sm_cbc (self, iv, buf->data, buf->len, buf->data, FALSE, error))
    return FALSE;
  g_byte_array_prepend (buf, &indicator, 1);
  ci_tlv_append (out, DO_CRYPTOGRAM, buf->data, buf->len);
  return TRUE;
}

/* Decrypts and unpads the value of a DO'87' into *@out. */
static gboolean
open_cryptogram (CiSm         *self,
                 const CiTlv  *do87,
                 CiSmSecret  **out,
                 GError      **error)
{
  gsize bs = ci_sm_block_size (self->cipher);
  g_autoptr(CiSmSecret) buf = NULL;
  guint8 iv[CI_SM_MAX_BLOCK];
  gsize clen;

  if (do87->len < 1 + bs || (do87->len - 1) % bs != 0 || do87->value[0] != PADDING_INDICATOR)
    return _ci_sm_fail (error, _("The encrypted data in a secure messaging object is malformed."));
  clen = do87->len - 1;
  buf = _ci_sm_secret_new (clen);
  g_byte_array_set_size (buf, (guint) clen);
  if (!sm_iv (self, iv, error)
      || !sm_cbc (self, iv, do87->value + 1, clen, buf->data, TRUE, error))
    return FALSE;
  if (!unpad (buf, bs))
    return _ci_sm_fail (error,
                        _("The encrypted data in a secure messaging object has bad padding."));
  *out = g_steal_pointer (&buf);
  return TRUE;
}

/* The size of DO'87' for @len bytes of plaintext, or 0 for none. */
static gsize
cryptogram_object_len (CiSmCipher cipher,
                       gsize      len)
{
  gsize bs = ci_sm_block_size (cipher);
  gsize value = 1 + (len / bs + 1) * bs;

  return len == 0 ? 0 : ci_tlv_header_len (DO_CRYPTOGRAM, value) + value;
}

/* Splits a protected data field into at most one each of @tags, in that order,
 * with nothing before, between or after them and DO'8E' present and last.
 * Lengths must be in their shortest form, as the MAC covers the bytes sent. */
static gboolean
split_objects (const guint8  *buf,
               gsize          len,
               const guint32  tags[N_OBJS],
               SmObjects     *objs,
               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  CiTlvReader reader;
  CiTlv tlv;
  gsize used = 0;
  guint next = 0;

  memset (objs, 0, sizeof *objs);
  if (len == 0)
    return _ci_sm_fail (error, _("The secure messaging data is missing its MAC."));
  ci_tlv_reader_init (&reader, buf, len);
  while (ci_tlv_reader_next (&reader, &tlv, &local_error))
    {
      while (next < N_OBJS && tags[next] != tlv.tag)
        next++;
      if (next == N_OBJS || tlv.constructed
          || len - reader.left - used != ci_tlv_header_len (tlv.tag, tlv.len) + tlv.len)
        return _ci_sm_fail (error, _("The secure messaging data holds an unexpected object."));
      if (next == OBJ_MAC)
        objs->mac_input_len = used;
      objs->tlv[next] = tlv;
      objs->present[next++] = TRUE;
      used = len - reader.left;
    }
  if (local_error != NULL)
    return _ci_sm_fail (error, _("The secure messaging data is malformed."));
  if (!objs->present[OBJ_MAC])
    return _ci_sm_fail (error, _("The secure messaging data is missing its MAC."));
  if (used != len)
    return _ci_sm_fail (error, _("The secure messaging data has extra bytes after its MAC."));
  return TRUE;
}

/* ---- host side ------------------------------------------------------------ */

/* The MAC input of a command starts with its padded header, CLA with SM bits. */
static GByteArray *
padded_header (CiSmCipher    cipher,
               const CiApdu *apdu,
               guint8        cla)
{
  const guint8 header[4] = { cla, apdu->ins, apdu->p1, apdu->p2 };
  GByteArray *m = g_byte_array_new ();

  g_byte_array_append (m, header, sizeof header);
  ci_sm_pad (cipher, m);
  return m;
}

/* DO'97' = 97 01 Le (256 as 00) or 97 02 Le (65536 as 00 00). */
static void
append_le (GByteArray *out,
           gsize       le)
{
  const guint8 v[2] = { (le >> 8) & 0xff, le & 0xff };

  if (le <= CI_APDU_SHORT_MAX)
    ci_tlv_append (out, DO_LE, v + 1, 1);
  else
    ci_tlv_append (out, DO_LE, v, 2);
}

/* The most plain bytes whose protected answer (DO'87', DO'99', DO'8E') fits
 * in @ne bytes: 223 (AES) or 231 (3DES) for a short answer. */
static gsize
max_plain_answer (CiSmCipher cipher,
                  gsize      ne)
{
  gsize bs = ci_sm_block_size (cipher);
  gsize room, blocks;

  if (ne <= STATUS_OBJECT_LEN + MAC_OBJECT_LEN)
    return 0;
  room = ne - STATUS_OBJECT_LEN - MAC_OBJECT_LEN;
  blocks = room / bs;
  /* k blocks of cryptogram carry at most k × bs − 1 plain bytes */
  while (blocks > 0 && cryptogram_object_len (cipher, blocks * bs - 1) > room)
    blocks--;
  return blocks > 0 ? blocks * bs - 1 : 0;
}

/* The protected command always carries Le, as its answer holds DO'99' and
 * DO'8E' at least. The rule for its form: it is extended (Le = 00 00, 65536)
 * when the plain command asks for more than 256 bytes or the protected data
 * field exceeds 255 bytes, which ISO/IEC 7816-4 wants in the same form as Le;
 * otherwise short (Le = 00, 256), so that a short plain command stays short on
 * a channel without extended lengths (T=0). A short answer then carries at
 * most max_plain_answer() plain bytes: 223 (AES) or 231 (3DES), and the card
 * side trims Le to that (ci_sm_unwrap_command()); to read more in one go, ask
 * for Le > 256 on a channel with extended lengths. */
static gsize
protected_le (gsize protected_lc,
              gsize plain_le)
{
  if (protected_lc > SHORT_LC_MAX || plain_le > CI_APDU_SHORT_MAX)
    return CI_APDU_EXTENDED_MAX;
  return CI_APDU_SHORT_MAX;
}

static gboolean
check_plain_command (CiSm         *self,
                     const CiApdu *plain,
                     GError      **error)
{
  if ((plain->cla & SM_CLA_BITS) != 0)
    g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                 _("Secure messaging: the command (CLA %02X) is already protected"), plain->cla);
  else if (plain->le > CI_APDU_EXTENDED_MAX)
    g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                 _("Secure messaging: Le %zu is too large"), plain->le);
  else if (plain->lc > EXTENDED_LC_MAX
           || cryptogram_object_len (self->cipher, plain->lc) + LE_OBJECT_MAX + MAC_OBJECT_LEN
              > EXTENDED_LC_MAX)
    g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                 _("Secure messaging: %zu bytes of data do not fit in one protected command"),
                 plain->lc);
  else
    return TRUE;
  return FALSE;
}

static CiApdu *
protect_command (CiSm         *self,
                 const CiApdu *plain,
                 GError      **error)
{
  guint8 cla = plain->cla | SM_CLA_BITS;
  g_autoptr(GByteArray) m = padded_header (self->cipher, plain, cla);
  gsize body = m->len;
  guint8 cc[CI_SM_MAC_LEN];

  if (plain->lc > 0 && !append_cryptogram (self, plain->data, plain->lc, m, error))
    return NULL;
  if (plain->le > 0)
    append_le (m, plain->le);
  if (!sm_compute_mac (self, m->data, m->len, cc, error))
    return NULL;
  ci_tlv_append (m, DO_MAC, cc, sizeof cc);
  return ci_apdu_new (cla, plain->ins, plain->p1, plain->p2, m->data + body, m->len - body,
                      protected_le (m->len - body, plain->le));
}

/**
 * ci_sm_wrap_command:
 * @self: a channel
 * @plain: the command to protect; its CLA must not have the SM bits set
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Increments the SSC and protects @plain: CLA | 0x0C, data field
 * DO'87' (encrypted data) || DO'97' (Le) || DO'8E' (MAC over the header and
 * both objects). The result is short unless the plain Le exceeds 256 or
 * the protected data field 255 bytes (see protected_le() in ci-sm.c): then
 * its Le is 65536 and ci_apdu_encode() picks the extended form.
 *
 * Returns: (transfer full): the protected command, or %NULL
 */
CiApdu *
ci_sm_wrap_command (CiSm          *self,
                    const CiApdu  *plain,
                    GError       **error)
{
  CiApdu *protected_command;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (plain != NULL, NULL);
  g_return_val_if_fail (plain->data != NULL || plain->lc == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sm_check_open (self, error) || !check_plain_command (self, plain, error))
    return NULL;
  ssc_increment (self);
  protected_command = protect_command (self, plain, error);
  if (protected_command == NULL)
    sm_close (self);
  return protected_command;
}

/* A card that gives up on secure messaging (6987, 6988, or 6982 when the
 * session is gone) answers in plain: report its status word. */
static void
unprotected_answer (guint16  sw,
                    GError **error)
{
  /* Translators: completed by “failed: …”, as in “The protected command failed: …”. */
  if (sw == 0x9000 || ci_card_check_sw (sw, _("The protected command"), error))
    _ci_sm_fail (error, _("The card answered without secure messaging."));
}

static CiResponse *
open_response (CiSm             *self,
               const CiResponse *response,
               GError          **error)
{
  static const guint32 tags[N_OBJS] = { DO_CRYPTOGRAM, DO_STATUS, DO_MAC };
  static const char *const bad_mac =
    N_("The card's answer failed its secure messaging check. Keep the card still on the reader "
       "and try again.");
  g_autoptr(CiSmSecret) data = NULL;
  SmObjects objs;
  const CiTlv *status = &objs.tlv[OBJ_MIDDLE];

  if (response->len == 0)
    {
      unprotected_answer (response->sw, error);
      return NULL;
    }
  if (!split_objects (response->data, response->len, tags, &objs, error)
      || !sm_verify_mac (self, response->data, objs.mac_input_len, &objs.tlv[OBJ_MAC],
                         _(bad_mac), error))
    return NULL;
  if (!objs.present[OBJ_MIDDLE] || status->len != 2)
    {
      _ci_sm_fail (error, _("The card's protected answer has no status word."));
      return NULL;
    }
  if (objs.present[OBJ_CRYPTOGRAM] && !open_cryptogram (self, &objs.tlv[OBJ_CRYPTOGRAM], &data,
                                                        error))
    return NULL;
  return ci_response_new (data != NULL ? data->data : NULL, data != NULL ? data->len : 0,
                          (guint16) (status->value[0] << 8 | status->value[1]));
}

/**
 * ci_sm_unwrap_response:
 * @self: a channel
 * @protected_response: the card's answer to a command from ci_sm_wrap_command()
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Increments the SSC, checks DO'8E' over DO'87' and DO'99', and decrypts
 * DO'87'. A plain answer with an error status word (the card dropped secure
 * messaging) fails with the error for that status word.
 *
 * Returns: (transfer full): the plain data and the status word from DO'99',
 *   or %NULL
 */
CiResponse *
ci_sm_unwrap_response (CiSm              *self,
                       const CiResponse  *protected_response,
                       GError           **error)
{
  CiResponse *plain;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (protected_response != NULL, NULL);
  g_return_val_if_fail (protected_response->data != NULL || protected_response->len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sm_check_open (self, error))
    return NULL;
  ssc_increment (self);
  plain = open_response (self, protected_response, error);
  if (plain == NULL)
    sm_close (self);
  return plain;
}

/* ---- card side ------------------------------------------------------------ */

/* DO'97': 1 byte (00 = 256) or 2 bytes (00 00 = 65536), trimmed to what
 * fits in the protected answer that the outer Le @outer_ne allows. */
static gboolean
parse_le (CiSmCipher    cipher,
          const CiTlv  *do97,
          gsize         outer_ne,
          gsize        *le,
          GError      **error)
{
  if (do97->len == 1)
    *le = do97->value[0] == 0 ? CI_APDU_SHORT_MAX : do97->value[0];
  else if (do97->len == 2)
    *le = (gsize) (do97->value[0] << 8 | do97->value[1]);
  else
    return _ci_sm_fail (error, _("The protected command has a malformed Le object."));
  if (*le == 0)
    *le = CI_APDU_EXTENDED_MAX;
  /* a host that sent no outer Le gets the short maximum */
  *le = MIN (*le, max_plain_answer (cipher, outer_ne > 0 ? outer_ne : CI_APDU_SHORT_MAX));
  return TRUE;
}

static CiApdu *
open_command (CiSm          *self,
              const CiApdu  *command,
              GError       **error)
{
  static const guint32 tags[N_OBJS] = { DO_CRYPTOGRAM, DO_LE, DO_MAC };
  g_autoptr(GByteArray) m = padded_header (self->cipher, command, command->cla);
  g_autoptr(CiSmSecret) data = NULL;
  SmObjects objs;
  gsize le = 0;
  CiApdu *plain;

  if (!split_objects (command->data, command->lc, tags, &objs, error))
    return NULL;
  g_byte_array_append (m, command->data, (guint) objs.mac_input_len);
  if (!sm_verify_mac (self, m->data, m->len, &objs.tlv[OBJ_MAC],
                      _("The protected command failed its secure messaging check."), error)
      || (objs.present[OBJ_MIDDLE]
          && !parse_le (self->cipher, &objs.tlv[OBJ_MIDDLE], command->le, &le, error))
      || (objs.present[OBJ_CRYPTOGRAM]
          && !open_cryptogram (self, &objs.tlv[OBJ_CRYPTOGRAM], &data, error)))
    return NULL;
  plain = ci_apdu_new (command->cla & ~SM_CLA_BITS, command->ins, command->p1, command->p2,
                       data != NULL ? data->data : NULL, data != NULL ? data->len : 0, le);
  plain->flags |= CI_APDU_SENSITIVE;
  return plain;
}

/**
 * ci_sm_unwrap_command:
 * @self: a channel
 * @protected_command: a command from ci_sm_wrap_command()
 * @error: return location for a #CI_CARD_ERROR error
 *
 * The card's side: checks that CLA announces secure messaging with an
 * authenticated header (0x0C), increments the SSC, checks DO'8E' and
 * decrypts DO'87'.
 *
 * Le comes from DO'97', trimmed to what fits in one protected answer under
 * the command's own Le: a short command (Le 00) gets at most 223 plain bytes
 * with AES, 231 with 3DES.
 *
 * Returns: (transfer full): the plain command, CLA without the SM bits,
 *   flagged %CI_APDU_SENSITIVE; or %NULL
 */
CiApdu *
ci_sm_unwrap_command (CiSm          *self,
                      const CiApdu  *protected_command,
                      GError       **error)
{
  CiApdu *plain = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (protected_command != NULL, NULL);
  g_return_val_if_fail (protected_command->data != NULL || protected_command->lc == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sm_check_open (self, error))
    return NULL;
  ssc_increment (self);
  if ((protected_command->cla & SM_CLA_BITS) != SM_CLA_BITS)
    _ci_sm_fail (error, _("The command is not protected by secure messaging."));
  else
    plain = open_command (self, protected_command, error);
  if (plain == NULL)
    sm_close (self);
  return plain;
}

static CiResponse *
protect_response (CiSm             *self,
                  const CiResponse *plain,
                  GError          **error)
{
  const guint8 sw[2] = { CI_SW1 (plain->sw), CI_SW2 (plain->sw) };
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint8 cc[CI_SM_MAC_LEN];

  if (plain->len > 0 && !append_cryptogram (self, plain->data, plain->len, body, error))
    return NULL;
  ci_tlv_append (body, DO_STATUS, sw, sizeof sw);
  if (!sm_compute_mac (self, body->data, body->len, cc, error))
    return NULL;
  ci_tlv_append (body, DO_MAC, cc, sizeof cc);
  return ci_response_new (body->data, body->len, 0x9000);
}

/**
 * ci_sm_wrap_response:
 * @self: a channel
 * @plain: the card's plain answer
 * @error: return location for a #CI_CARD_ERROR error
 *
 * The card's side: increments the SSC and protects @plain as
 * DO'87' || DO'99' (its status word) || DO'8E', with status word 9000.
 *
 * Returns: (transfer full): the protected answer, or %NULL
 */
CiResponse *
ci_sm_wrap_response (CiSm              *self,
                     const CiResponse  *plain,
                     GError           **error)
{
  CiResponse *protected_response;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (plain != NULL, NULL);
  g_return_val_if_fail (plain->data != NULL || plain->len == 0, NULL);
  g_return_val_if_fail (plain->len <= CI_APDU_EXTENDED_MAX, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sm_check_open (self, error))
    return NULL;
  ssc_increment (self);
  protected_response = protect_response (self, plain, error);
  if (protected_response == NULL)
    sm_close (self);
  return protected_response;
}
