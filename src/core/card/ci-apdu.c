/* ci-apdu.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-apdu.h"
#include "ci-card-error.h"

#include <openssl/crypto.h>
#include <string.h>

#define HEADER_LEN      4
#define SHORT_LC_MAX    255
#define EXTENDED_LC_MAX 65535

/* Data bytes ci_apdu_describe() shows before it abbreviates. */
#define DESCRIBE_MAX    256

static guint8 *
copy_bytes (const guint8 *data,
            gsize         len)
{
  return len > 0 ? g_memdup2 (data, len) : NULL;
}

static void
free_wiped (guint8 *data,
            gsize   len)
{
  if (data == NULL)
    return;
  OPENSSL_cleanse (data, len);
  g_free (data);
}

/**
 * ci_apdu_new:
 * @cla: class byte
 * @ins: instruction byte
 * @p1: parameter 1
 * @p2: parameter 2
 * @data: (nullable) (array length=lc): the data field, copied
 * @lc: length of @data; 0 for no data field
 * @le: expected response length, 1 to 65536; 0 for no Le field
 *
 * Creates a command APDU. Lengths are checked by ci_apdu_encode(), so that a
 * command can be built before the encoding is chosen.
 *
 * Returns: (transfer full): a new APDU, free it with ci_apdu_free()
 */
CiApdu *
ci_apdu_new (guint8        cla,
             guint8        ins,
             guint8        p1,
             guint8        p2,
             const guint8 *data,
             gsize         lc,
             gsize         le)
{
  CiApdu *self;

  g_return_val_if_fail (data != NULL || lc == 0, NULL);

  self = g_new0 (CiApdu, 1);
  self->cla = cla;
  self->ins = ins;
  self->p1 = p1;
  self->p2 = p2;
  self->data = copy_bytes (data, lc);
  self->lc = lc;
  self->le = le;
  return self;
}

/**
 * ci_apdu_copy:
 * @self: an APDU
 *
 * Returns: (transfer full): a deep copy of @self, flags included
 */
CiApdu *
ci_apdu_copy (const CiApdu *self)
{
  CiApdu *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = ci_apdu_new (self->cla, self->ins, self->p1, self->p2, self->data, self->lc, self->le);
  copy->flags = self->flags;
  return copy;
}

/**
 * ci_apdu_free:
 * @self: (nullable): an APDU
 *
 * Wipes the data field and frees @self.
 */
void
ci_apdu_free (CiApdu *self)
{
  if (self == NULL)
    return;
  free_wiped (self->data, self->lc);
  g_free (self);
}

/**
 * ci_apdu_is_extended:
 * @self: an APDU
 *
 * Returns: %TRUE if @self needs the extended length encoding (a data field
 *   longer than 255 bytes or an Le above 256)
 */
gboolean
ci_apdu_is_extended (const CiApdu *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->lc > SHORT_LC_MAX || self->le > CI_APDU_SHORT_MAX;
}

/* Encoding ----------------------------------------------------------------------------------- */

static gboolean
check_lengths (const CiApdu  *self,
               gboolean       extended,
               GError       **error)
{
  gsize lc_max = extended ? EXTENDED_LC_MAX : SHORT_LC_MAX;
  gsize le_max = extended ? CI_APDU_EXTENDED_MAX : CI_APDU_SHORT_MAX;

  if (self->lc > lc_max)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   extended ? _("A extended command carries at most %zu data bytes, not %zu")
                            : _("A short command carries at most %zu data bytes, not %zu"),
                   lc_max, self->lc);
      return FALSE;
    }
  if (self->le > le_max)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   extended ? _("A extended command asks for at most %zu response bytes, not %zu")
                            : _("A short command asks for at most %zu response bytes, not %zu"),
                   le_max, self->le);
      return FALSE;
    }
  return TRUE;
}

/* Writes Lc or Le in @width bytes; the maximum (256 or 65536) is written as zeros. */
static guint8 *
put_length (guint8 *p,
            gsize   value,
            guint   width)
{
  if (width == 2)
    *p++ = (guint8) ((value >> 8) & 0xff);
  *p++ = (guint8) (value & 0xff);
  return p;
}

static gsize
encoded_len (const CiApdu *self,
             gboolean      extended)
{
  gsize len = HEADER_LEN;

  if (self->lc > 0)
    len += (extended ? 3 : 1) + self->lc;
  if (self->le > 0)
    len += extended ? (self->lc > 0 ? 2 : 3) : 1;
  return len;
}

/* Writes @self into @p, which has room for encoded_len (@self, @extended) bytes. */
static void
write_apdu (const CiApdu *self,
            gboolean      extended,
            guint8       *p)
{
  guint width = extended ? 2 : 1;

  *p++ = self->cla;
  *p++ = self->ins;
  *p++ = self->p1;
  *p++ = self->p2;
  if (extended && (self->lc > 0 || self->le > 0))
    *p++ = 0x00;
  if (self->lc > 0)
    {
      p = put_length (p, self->lc, width);
      memcpy (p, self->data, self->lc);
      p += self->lc;
    }
  if (self->le > 0)
    put_length (p, self->le, width);
}

/**
 * ci_apdu_encode:
 * @self: an APDU
 * @encoding: short, extended, or %CI_APDU_ENCODING_AUTO for short when it fits
 * @out: where the encoded command is appended
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Appends @self to @out in the ISO/IEC 7816-4 §5.1 encoding: case 1, 2, 3 or
 * 4, short or extended. An Le of 256 (short) or 65536 (extended) is written as
 * zeros.
 *
 * Returns: %TRUE on success; %FALSE, with @out untouched, if the lengths do not
 *   fit the encoding
 */
gboolean
ci_apdu_encode (const CiApdu    *self,
                CiApduEncoding   encoding,
                GByteArray      *out,
                GError         **error)
{
  gboolean extended;
  guint old_len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->data != NULL || self->lc == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (encoding == CI_APDU_ENCODING_AUTO)
    extended = ci_apdu_is_extended (self);
  else
    extended = encoding == CI_APDU_ENCODING_EXTENDED;
  if (!check_lengths (self, extended, error))
    return FALSE;

  /* Grow once, then write in place: growing while appending would leave
   * copies of a sensitive data field behind in freed memory. */
  old_len = out->len;
  g_byte_array_set_size (out, old_len + encoded_len (self, extended));
  write_apdu (self, extended, out->data + old_len);
  return TRUE;
}

/* Parsing ------------------------------------------------------------------------------------ */

typedef struct
{
  gsize    lc;
  gsize    data_at;   /* offset of the data field in the command */
  gsize    le;
  gboolean extended;
} Lengths;

static gboolean
malformed (GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError     **error,
           const char  *format,
           ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: %s says what is wrong, such as “Lc is 4, but 2 bytes follow it”. */
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL, _("Malformed command APDU: %s"),
               detail);
  return FALSE;
}

/* Cases 2S, 3S, 4S: @body starts with a non-zero byte, or is one byte long. */
static gboolean
parse_short_lengths (const guint8  *body,
                     gsize          body_len,
                     Lengths       *lengths,
                     GError       **error)
{
  gsize n = body[0];

  if (body_len == 1)
    {
      lengths->le = n == 0 ? CI_APDU_SHORT_MAX : n;
      return TRUE;
    }
  lengths->lc = n;
  lengths->data_at = HEADER_LEN + 1;
  if (body_len == 1 + n)
    return TRUE;
  if (body_len == 2 + n)
    {
      lengths->le = body[body_len - 1] == 0 ? CI_APDU_SHORT_MAX : body[body_len - 1];
      return TRUE;
    }
  return malformed (error, _("Lc is %zu, but %zu bytes follow it"), n, body_len - 1);
}

/* Cases 2E, 3E, 4E: @body starts with 00 and is longer than one byte. */
static gboolean
parse_extended_lengths (const guint8  *body,
                        gsize          body_len,
                        Lengths       *lengths,
                        GError       **error)
{
  gsize n;

  lengths->extended = TRUE;
  if (body_len < 3)
    return malformed (error, _("an extended length needs 3 bytes, only %zu present"), body_len);
  n = ((gsize) body[1] << 8) | body[2];
  if (body_len == 3)
    {
      lengths->le = n == 0 ? CI_APDU_EXTENDED_MAX : n;
      return TRUE;
    }
  if (n == 0)
    return malformed (error, _("extended Lc is 0000 but %zu bytes follow it"), body_len - 3);
  lengths->lc = n;
  lengths->data_at = HEADER_LEN + 3;
  if (body_len == 3 + n)
    return TRUE;
  if (body_len == 5 + n)
    {
      n = ((gsize) body[body_len - 2] << 8) | body[body_len - 1];
      lengths->le = n == 0 ? CI_APDU_EXTENDED_MAX : n;
      return TRUE;
    }
  return malformed (error, _("extended Lc is %zu, but %zu bytes follow it"), n, body_len - 3);
}

/**
 * ci_apdu_parse:
 * @buf: (array length=len): an encoded command APDU
 * @len: length of @buf
 * @extended: (out) (optional): whether @buf used the extended length encoding
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Decodes a command APDU of any of the seven cases of ISO/IEC 7816-4 §5.1
 * (1, 2S, 3S, 4S, 2E, 3E, 4E). Any length field that does not match the number
 * of bytes present is an error; nothing beyond @len is read.
 *
 * Returns: (transfer full): the command, or %NULL with @error set
 */
CiApdu *
ci_apdu_parse (const guint8  *buf,
               gsize          len,
               gboolean      *extended,
               GError       **error)
{
  Lengths lengths = { 0 };
  const guint8 *body;
  gboolean ok;

  g_return_val_if_fail (buf != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < HEADER_LEN)
    {
      malformed (error, _("%zu bytes, shorter than the 4-byte header"), len);
      return NULL;
    }
  body = buf + HEADER_LEN;
  if (len == HEADER_LEN)
    ok = TRUE;
  else if (body[0] != 0 || len == HEADER_LEN + 1)
    ok = parse_short_lengths (body, len - HEADER_LEN, &lengths, error);
  else
    ok = parse_extended_lengths (body, len - HEADER_LEN, &lengths, error);
  if (!ok)
    return NULL;
  if (extended != NULL)
    *extended = lengths.extended;
  return ci_apdu_new (buf[0], buf[1], buf[2], buf[3],
                      lengths.lc > 0 ? buf + lengths.data_at : NULL, lengths.lc, lengths.le);
}

/**
 * ci_apdu_describe:
 * @self: an APDU
 *
 * Describes @self on one line for logs and traces:
 * `00 A4 04 0C Lc=11 [F0 43 49 ...] Le=256`. The data field of an APDU flagged
 * %CI_APDU_SENSITIVE appears as its length only: `Lc=8 [8 bytes hidden]`.
 *
 * Returns: (transfer full): the description
 */
char *
ci_apdu_describe (const CiApdu *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->data != NULL || self->lc == 0, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "%02X %02X %02X %02X", self->cla, self->ins, self->p1, self->p2);
  if (self->lc > 0)
    {
      g_string_append_printf (out, " Lc=%zu [", self->lc);
      if (self->flags & CI_APDU_SENSITIVE)
        g_string_append_printf (out, "%zu %s hidden", self->lc, self->lc == 1 ? "byte" : "bytes");
      else
        {
          for (gsize i = 0; i < MIN (self->lc, DESCRIBE_MAX); i++)
            g_string_append_printf (out, i == 0 ? "%02X" : " %02X", self->data[i]);
          if (self->lc > DESCRIBE_MAX)
            g_string_append_printf (out, " ... %zu more", self->lc - DESCRIBE_MAX);
        }
      g_string_append_c (out, ']');
    }
  if (self->le > 0)
    g_string_append_printf (out, " Le=%zu", self->le);
  return g_string_free (out, FALSE);
}

/* Responses ---------------------------------------------------------------------------------- */

/**
 * ci_response_new:
 * @data: (nullable) (array length=len): the response data, copied
 * @len: length of @data
 * @sw: the status word
 *
 * Returns: (transfer full): a new response, free it with ci_response_free()
 */
CiResponse *
ci_response_new (const guint8 *data,
                 gsize         len,
                 guint16       sw)
{
  CiResponse *self;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  self = g_new0 (CiResponse, 1);
  self->data = copy_bytes (data, len);
  self->len = len;
  self->sw = sw;
  return self;
}

/**
 * ci_response_parse:
 * @buf: (array length=len): a response APDU as received
 * @len: length of @buf
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Splits a response APDU into its data and the status word in its last two
 * bytes.
 *
 * Returns: (transfer full): the response, or %NULL if @buf is shorter than 2 bytes
 */
CiResponse *
ci_response_parse (const guint8  *buf,
                   gsize          len,
                   GError       **error)
{
  g_return_val_if_fail (buf != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 2)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The card's response is %zu byte long; it needs at least the "
                                "2-byte status word",
                                "The card's response is %zu bytes long; it needs at least the "
                                "2-byte status word", len),
                   len);
      return NULL;
    }
  return ci_response_new (len > 2 ? buf : NULL, len - 2,
                          (guint16) ((buf[len - 2] << 8) | buf[len - 1]));
}

/**
 * ci_response_free:
 * @self: (nullable): a response
 *
 * Wipes the data and frees @self.
 */
void
ci_response_free (CiResponse *self)
{
  if (self == NULL)
    return;
  free_wiped (self->data, self->len);
  g_free (self);
}

/**
 * ci_response_ok:
 * @self: a response
 *
 * Returns: %TRUE if the status word is 9000
 */
gboolean
ci_response_ok (const CiResponse *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sw == 0x9000;
}
