/* ci-tlv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-tlv.h"
#include "ci-card-error.h"

#include <string.h>

/* Three length bytes after 0x83 are the most ISO/IEC 7816-4 allows us. */
#define LENGTH_MAX 0xffffff
#define TAG_MAX    0xffffff

static gboolean
malformed (GError     **error,
           gsize        offset,
           const char  *format,
           ...) G_GNUC_PRINTF (3, 4);

static gboolean
malformed (GError     **error,
           gsize        offset,
           const char  *format,
           ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_PROTOCOL,
               /* Translators: %zu is a byte position; %s says what is wrong, such as
                * “the tag is longer than 3 bytes”. */
               _("Malformed BER-TLV data at offset %zu: %s"), offset, detail);
  return FALSE;
}

static gboolean
is_padding (guint8 byte)
{
  return byte == 0x00 || byte == 0xff;
}

/* Decoding ----------------------------------------------------------------------------------- */

/* @left >= 1. @offset is where @p sits in the caller's data, for messages. */
static gboolean
read_tag (const guint8  *p,
          gsize          left,
          gsize          offset,
          guint32       *tag,
          gsize         *used,
          GError       **error)
{
  guint32 value = p[0];
  gsize n = 1;

  if ((p[0] & 0x1f) == 0x1f)
    do
      {
        if (n == 3)
          return malformed (error, offset, _("the tag is longer than 3 bytes"));
        if (n == left)
          return malformed (error, offset, _("the tag is cut off by the end of the data"));
        /* X.690 §8.1.2.4.2 c: a leading 80 would be a redundant zero digit. */
        if (n == 1 && p[1] == 0x80)
          return malformed (error, offset + 1, _("the second tag byte is 80"));
        value = (value << 8) | p[n];
        n++;
      }
    while (p[n - 1] & 0x80);
  *tag = value;
  *used = n;
  return TRUE;
}

static gboolean
read_length (const guint8  *p,
             gsize          left,
             gsize          offset,
             gsize         *len,
             gsize         *used,
             GError       **error)
{
  gsize n;

  if (left == 0)
    return malformed (error, offset, _("the length is missing at the end of the data"));
  if (p[0] < 0x80)
    {
      *len = p[0];
      *used = 1;
      return TRUE;
    }
  if (p[0] == 0x80)
    return malformed (error, offset, _("indefinite length (80) is not allowed"));
  n = p[0] & 0x7f;
  if (n > 3)
    return malformed (error, offset, _("the length form %02X needs more than 3 length bytes"),
                      p[0]);
  if (left < 1 + n)
    return malformed (error, offset, _("the length (%02X) is cut off by the end of the data"),
                      p[0]);
  *len = 0;
  for (gsize i = 1; i <= n; i++)
    *len = (*len << 8) | p[i];
  *used = 1 + n;
  return TRUE;
}

/* Decodes the object at @p, which is not padding, into @out. */
static gboolean
read_object (const guint8  *p,
             gsize          left,
             gsize          offset,
             CiTlv         *out,
             gsize         *consumed,
             GError       **error)
{
  guint32 tag = 0;
  gsize tag_len = 0;
  gsize len_len = 0;
  gsize len = 0;
  gsize header;

  if (!read_tag (p, left, offset, &tag, &tag_len, error)
      || !read_length (p + tag_len, left - tag_len, offset + tag_len, &len, &len_len, error))
    return FALSE;
  header = tag_len + len_len;
  if (len > left - header)
    return malformed (error, offset,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "the value of tag %X is %zu bytes long, but only %zu byte is "
                                   "left",
                                   "the value of tag %X is %zu bytes long, but only %zu bytes "
                                   "are left", left - header),
                      tag, len, left - header);
  out->tag = tag;
  out->constructed = (p[0] & 0x20) != 0;
  out->value = p + header;
  out->len = len;
  *consumed = header + len;
  return TRUE;
}

static void
reader_skip (CiTlvReader *reader,
             gsize        n)
{
  reader->pos += n;
  reader->left -= n;
  reader->offset += n;
}

/**
 * ci_tlv_reader_init:
 * @reader: (out caller-allocates): the reader
 * @buf: (array length=len): concatenated data objects; must outlive @reader
 *   and every #CiTlv read from it
 * @len: length of @buf
 *
 * Sets @reader at the start of @buf.
 */
void
ci_tlv_reader_init (CiTlvReader  *reader,
                    const guint8 *buf,
                    gsize         len)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (buf != NULL || len == 0);

  reader->pos = buf;
  reader->left = len;
  reader->offset = 0;
}

/**
 * ci_tlv_reader_next:
 * @reader: a reader
 * @out: (out caller-allocates): the next data object; its value points into
 *   the reader's buffer
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Reads the next data object, skipping the padding bytes 00 and FF before it.
 * After an error the reader is at the end of its buffer, since what follows a
 * malformed object cannot be delimited.
 *
 * Returns: %TRUE with @out filled; %FALSE at the end of the data (@error not
 *   set) or on malformed data (@error set)
 */
gboolean
ci_tlv_reader_next (CiTlvReader  *reader,
                    CiTlv        *out,
                    GError      **error)
{
  gsize consumed;

  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (reader->pos != NULL || reader->left == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  while (reader->left > 0 && is_padding (reader->pos[0]))
    reader_skip (reader, 1);
  if (reader->left == 0)
    return FALSE;
  if (!read_object (reader->pos, reader->left, reader->offset, out, &consumed, error))
    {
      reader_skip (reader, reader->left);
      return FALSE;
    }
  reader_skip (reader, consumed);
  return TRUE;
}

/**
 * ci_tlv_find:
 * @buf: (array length=len): concatenated data objects
 * @len: length of @buf
 * @tag: the tag to look for, as written (0x5F20)
 * @out: (out caller-allocates): the data object found
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Finds the first data object with @tag at the top level of @buf; it does not
 * look inside constructed objects. Only the data before the object found is
 * checked.
 *
 * Returns: %TRUE if found; %FALSE if @tag is absent (@error not set, like the
 *   end of data in ci_tlv_reader_next()) or the data is malformed (@error set)
 */
gboolean
ci_tlv_find (const guint8  *buf,
             gsize          len,
             guint32        tag,
             CiTlv         *out,
             GError       **error)
{
  CiTlvReader reader;
  CiTlv tlv;

  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ci_tlv_reader_init (&reader, buf, len);
  while (ci_tlv_reader_next (&reader, &tlv, error))
    if (tlv.tag == tag)
      {
        *out = tlv;
        return TRUE;
      }
  return FALSE;
}

/**
 * ci_tlv_parse_one:
 * @buf: (array length=len): exactly one data object
 * @len: length of @buf
 * @out: (out caller-allocates): the data object
 * @error: return location for a %CI_CARD_ERROR_PROTOCOL error
 *
 * Parses a single data object that spans the whole of @buf. Padding, and any
 * byte after the object, is an error.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_tlv_parse_one (const guint8  *buf,
                  gsize          len,
                  CiTlv         *out,
                  GError       **error)
{
  gsize consumed;

  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    return malformed (error, 0, _("there is no data object, the data is empty"));
  if (is_padding (buf[0]))
    return malformed (error, 0, _("padding byte %02X where a tag should be"), buf[0]);
  if (!read_object (buf, len, 0, out, &consumed, error))
    return FALSE;
  if (consumed != len)
    return malformed (error, consumed,
                      g_dngettext (GETTEXT_PACKAGE, "%zu byte follows the data object",
                                   "%zu bytes follow the data object", len - consumed),
                      len - consumed);
  return TRUE;
}

/* Encoding ----------------------------------------------------------------------------------- */

static guint
tag_size (guint32 tag)
{
  return tag > 0xffff ? 3 : tag > 0xff ? 2 : 1;
}

static guint
length_size (gsize len)
{
  return len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
}

/* TRUE if @tag, written in its minimal number of bytes, reads back as one tag. */
static gboolean
tag_is_valid (guint32 tag)
{
  guint n = tag_size (tag);
  guint8 first = (guint8) (tag >> (8 * (n - 1)));

  if (tag == 0 || tag > TAG_MAX || is_padding (first))
    return FALSE;
  if (n == 1)
    return (first & 0x1f) != 0x1f;
  if ((first & 0x1f) != 0x1f || (tag & 0x80) != 0)
    return FALSE;
  return n == 2 || ((tag >> 8) & 0xff) > 0x80;
}

static guint8 *
put_header (guint8  *p,
            guint32  tag,
            gsize    len)
{
  guint n;

  for (n = tag_size (tag); n > 0; n--)
    *p++ = (guint8) (tag >> (8 * (n - 1)));
  n = length_size (len) - 1;
  if (n > 0)
    *p++ = (guint8) (0x80 | n);
  for (; n > 0; n--)
    *p++ = (guint8) (len >> (8 * (n - 1)));
  if (len < 0x80)
    *p++ = (guint8) len;
  return p;
}

/**
 * ci_tlv_header_len:
 * @tag: a tag, as written (0x84, 0x5F20)
 * @len: length of the value
 *
 * Returns: the number of bytes of the tag and length fields that
 *   ci_tlv_append() writes for a value of @len bytes
 */
gsize
ci_tlv_header_len (guint32 tag,
                   gsize   len)
{
  g_return_val_if_fail (tag_is_valid (tag), 0);
  g_return_val_if_fail (len <= LENGTH_MAX, 0);

  return tag_size (tag) + length_size (len);
}

/**
 * ci_tlv_append:
 * @out: where the data object is appended
 * @tag: the tag, as written (0x84, 0x5F20, 0x7F49)
 * @value: (nullable) (array length=len): the value
 * @len: length of @value, at most 0xFFFFFF
 *
 * Appends a data object with the tag in the bytes given and the shortest
 * length field.
 */
void
ci_tlv_append (GByteArray *out,
               guint32     tag,
               const void *value,
               gsize       len)
{
  guint old_len;
  guint8 *p;

  g_return_if_fail (out != NULL);
  g_return_if_fail (tag_is_valid (tag));
  g_return_if_fail (value != NULL || len == 0);
  g_return_if_fail (len <= LENGTH_MAX);

  old_len = out->len;
  g_byte_array_set_size (out, old_len + ci_tlv_header_len (tag, len) + len);
  p = put_header (out->data + old_len, tag, len);
  if (len > 0)
    memcpy (p, value, len);
}

/**
 * ci_tlv_append_u8:
 * @out: where the data object is appended
 * @tag: the tag, as written
 * @value: the one-byte value
 *
 * Appends a data object with a one-byte value.
 */
void
ci_tlv_append_u8 (GByteArray *out,
                  guint32     tag,
                  guint8      value)
{
  ci_tlv_append (out, tag, &value, 1);
}

/**
 * ci_tlv_append_string:
 * @out: where the data object is appended
 * @tag: the tag, as written
 * @value: a string; its bytes without the final NUL are the value
 *
 * Appends a data object whose value is @value.
 */
void
ci_tlv_append_string (GByteArray *out,
                      guint32     tag,
                      const char *value)
{
  g_return_if_fail (value != NULL);

  ci_tlv_append (out, tag, value, strlen (value));
}

/**
 * ci_tlv_begin:
 * @out: where the constructed data object is appended
 * @tag: its tag, as written (0x7F49)
 *
 * Starts a constructed data object: appends @tag and a placeholder length.
 * Append its content, then call ci_tlv_end() with the mark returned; nested
 * objects end in the reverse order they began.
 *
 * Returns: the mark for ci_tlv_end()
 */
guint
ci_tlv_begin (GByteArray *out,
              guint32     tag)
{
  guint mark;

  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (tag_is_valid (tag), 0);

  mark = out->len;
  g_byte_array_set_size (out, mark + tag_size (tag) + 1);
  put_header (out->data + mark, tag, 0);
  return mark;
}

/**
 * ci_tlv_end:
 * @out: the array passed to ci_tlv_begin()
 * @mark: what ci_tlv_begin() returned
 *
 * Ends a constructed data object: everything appended since ci_tlv_begin() is
 * its value. The length field is rewritten in place, and the value moved when
 * the length needs more than one byte.
 */
void
ci_tlv_end (GByteArray *out,
            guint       mark)
{
  guint32 tag = 0;
  gsize tag_len = 0;
  gsize value_at;
  gsize len;
  guint extra;

  g_return_if_fail (out != NULL);
  g_return_if_fail (mark < out->len);

  if (!read_tag (out->data + mark, out->len - mark, mark, &tag, &tag_len, NULL))
    g_return_if_reached ();
  value_at = mark + tag_len + 1;
  g_return_if_fail (value_at <= out->len && out->data[value_at - 1] == 0x00);
  len = out->len - value_at;
  g_return_if_fail (len <= LENGTH_MAX);

  extra = length_size (len) - 1;
  if (extra > 0)
    {
      g_byte_array_set_size (out, out->len + extra);
      memmove (out->data + value_at + extra, out->data + value_at, len);
    }
  put_header (out->data + mark, tag, len);
}
