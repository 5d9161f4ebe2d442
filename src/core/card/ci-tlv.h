/* ci-tlv.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CiTlv:
 * @tag: the tag bytes as one number, as written: 0x84, 0x5F20, 0x7F49 (1 to 3 bytes)
 * @value: points into the parsed buffer; never owned
 *
 * One BER-TLV data object (ISO/IEC 7816-4 §5.2; ISO/IEC 8825-1 tags and definite
 * lengths, up to 3 length bytes after 0x81..0x83).
 */
typedef struct
{
  guint32       tag;
  gboolean      constructed;
  const guint8 *value;
  gsize         len;
} CiTlv;

/**
 * CiTlvReader:
 * @offset: bytes consumed since ci_tlv_reader_init(), for the offsets in error messages
 *
 * A cursor over a buffer of concatenated data objects; it never reads past
 * the end it was given.
 */
typedef struct
{
  const guint8 *pos;
  gsize         left;
  gsize         offset;
} CiTlvReader;

void     ci_tlv_reader_init   (CiTlvReader   *reader,
                               const guint8  *buf,
                               gsize          len);
/* TRUE and *out filled; FALSE at the end (no error) or on malformed input
 * (error set). Padding bytes 0x00 and 0xFF between objects are skipped. */
gboolean ci_tlv_reader_next   (CiTlvReader   *reader,
                               CiTlv         *out,
                               GError       **error);
/* Finds the first object with @tag at the top level of @buf. */
gboolean ci_tlv_find          (const guint8  *buf,
                               gsize          len,
                               guint32        tag,
                               CiTlv         *out,
                               GError       **error);
/* Parses exactly one object that spans the whole of @buf (trailing bytes = error). */
gboolean ci_tlv_parse_one     (const guint8  *buf,
                               gsize          len,
                               CiTlv         *out,
                               GError       **error);

void     ci_tlv_append        (GByteArray    *out,
                               guint32        tag,
                               const void    *value,
                               gsize          len);
void     ci_tlv_append_u8     (GByteArray    *out,
                               guint32        tag,
                               guint8         value);
void     ci_tlv_append_string (GByteArray    *out,
                               guint32        tag,
                               const char    *value);
/* Constructed objects: begin returns a mark, end writes the final length. */
guint    ci_tlv_begin         (GByteArray    *out,
                               guint32        tag);
void     ci_tlv_end           (GByteArray    *out,
                               guint          mark);
gsize    ci_tlv_header_len    (guint32        tag,
                               gsize          len);

G_END_DECLS
