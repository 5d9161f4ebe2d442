/* fuzz-tlv.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the BER-TLV reader and builders. The input is walked,
 * recursing into constructed objects, and whatever was read is encoded again
 * with ci_tlv_append() and ci_tlv_begin()/ci_tlv_end(). That encoding must
 * read back without error and encode to the same bytes; ci_tlv_find() and
 * ci_tlv_parse_one() must agree with the reader.
 */

#include "card/ci-tlv.h"

#include <stdint.h>
#include <string.h>

/* Deeper constructed objects are copied whole, without being looked into. */
#define MAX_DEPTH 8

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A failed precondition in the codec is a bug the fuzzer should stop at. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

/* Reads @buf into @out; returns FALSE if some of it was malformed. */
static gboolean
walk (const guint8 *buf,
      gsize         len,
      guint         depth,
      GByteArray   *out)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  CiTlvReader reader;
  CiTlv tlv;

  ci_tlv_reader_init (&reader, buf, len);
  while (ci_tlv_reader_next (&reader, &tlv, &error))
    {
      g_assert (tlv.value >= buf && tlv.len <= len && tlv.value + tlv.len <= buf + len);
      if (tlv.constructed && depth < MAX_DEPTH)
        {
          guint mark = ci_tlv_begin (out, tlv.tag);

          ok = walk (tlv.value, tlv.len, depth + 1, out) && ok;
          ci_tlv_end (out, mark);
        }
      else
        ci_tlv_append (out, tlv.tag, tlv.value, tlv.len);
    }
  g_assert (reader.left == 0);
  if (error != NULL)
    {
      g_assert (error->message != NULL && strstr (error->message, "offset") != NULL);
      return FALSE;
    }
  return ok;
}

static void
check_reencoding (const guint8 *data,
                  gsize         size)
{
  g_autoptr(GByteArray) first = g_byte_array_new ();
  g_autoptr(GByteArray) second = g_byte_array_new ();

  walk (data, size, 0, first);
  g_assert (first->len <= size);
  g_assert (walk (first->data, first->len, 0, second));
  g_assert (second->len == first->len);
  g_assert (first->len == 0 || memcmp (first->data, second->data, first->len) == 0);
}

static void
check_find_and_parse_one (const guint8 *data,
                          gsize         size)
{
  g_autoptr(GError) error = NULL;
  CiTlvReader reader;
  CiTlv first;
  CiTlv found;
  CiTlv one;

  ci_tlv_reader_init (&reader, data, size);
  if (!ci_tlv_reader_next (&reader, &first, NULL))
    return;
  g_assert (ci_tlv_find (data, size, first.tag, &found, NULL));
  g_assert (found.value == first.value && found.len == first.len);
  ci_tlv_find (data, size, 0x5F20, &found, NULL);

  if (!ci_tlv_parse_one (data, size, &one, &error))
    {
      g_assert (error != NULL);
      return;
    }
  g_assert (one.tag == first.tag && one.value == first.value && one.len == first.len);
  g_assert (one.value + one.len == data + size);
  g_assert (!ci_tlv_reader_next (&reader, &first, &error) && error == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check_reencoding (data, size);
  check_find_and_parse_one (data, size);
  return 0;
}
