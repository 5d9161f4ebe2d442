/* ci-atr.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "card/ci-atr.h"
#include "card/ci-card-error.h"
#include "keys/ci-digest.h"

static gboolean
atr_malformed (GError     **error,
               const char  *why)
{
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_UNRESPONSIVE,
               "The card's answer to reset is malformed (%s). Clean the card contacts "
               "and insert it again; if it persists, the card is faulty.", why);
  return FALSE;
}

/* Card capabilities (tag 7, third byte b7) in compact-TLV historical bytes. */
static gboolean
historical_extended_length (const guint8 *h,
                            gsize         len)
{
  gsize i = 1;

  if (len == 0 || h[0] != 0x80)
    return FALSE;
  while (i < len)
    {
      guint tag = h[i] >> 4;
      gsize l = h[i] & 0x0f;

      if (i + 1 + l > len)
        return FALSE;
      if (tag == 7 && l >= 3)
        return (h[i + 3] & 0x40) != 0;
      i += 1 + l;
    }
  return FALSE;
}

/**
 * ci_atr_parse:
 * @bytes: (array length=len): the ATR as the reader reported it
 * @len: its length
 * @out: (out caller-allocates): the parsed ATR
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Walks the interface bytes to find the protocols offered and the historical
 * bytes; it reads nothing past @len.
 *
 * Returns: %TRUE if the ATR is well formed
 */
gboolean
ci_atr_parse (const guint8  *bytes,
              gsize          len,
              CiAtr         *out,
              GError       **error)
{
  gsize i = 2, k;
  guint8 y;
  gboolean any_td = FALSE;

  g_return_val_if_fail (bytes != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (len < 2 || len > CI_ATR_MAX)
    return atr_malformed (error, "wrong length");
  if (bytes[0] != 0x3B && bytes[0] != 0x3F)
    return atr_malformed (error, "unknown convention byte");
  memcpy (out->bytes, bytes, len);
  out->len = len;
  k = bytes[1] & 0x0f;
  y = bytes[1] >> 4;
  while (y != 0)
    {
      guint8 td;

      i += ((y & 1) != 0) + ((y & 2) != 0) + ((y & 4) != 0);
      if ((y & 8) == 0)
        break;
      if (i >= len)
        return atr_malformed (error, "interface bytes cut short");
      td = bytes[i++];
      out->protocols |= 1u << (td & 0x0f);
      any_td = TRUE;
      y = td >> 4;
    }
  if (!any_td)
    out->protocols = 1u << 0;
  if (i + k > len)
    return atr_malformed (error, "historical bytes cut short");
  memcpy (out->historical, bytes + i, k);
  out->historical_len = k;
  out->extended_length = historical_extended_length (out->historical, k);
  return TRUE;
}

/**
 * ci_atr_to_string:
 * @atr: a parsed ATR
 *
 * Returns: (transfer full): the ATR as spaced hex, "3B 8B 80 01 …"
 */
char *
ci_atr_to_string (const CiAtr *atr)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (atr != NULL, NULL);

  for (gsize i = 0; i < atr->len; i++)
    g_string_append_printf (s, i ? " %02X" : "%02X", atr->bytes[i]);
  return g_string_free (s, FALSE);
}

static gsize
hex_to_bytes (const char *hex,
              guint8     *out,
              gsize       max)
{
  g_autofree char *compact = g_strdelimit (g_strdup (hex), " :", ' ');
  GString *s = g_string_new (NULL);
  gsize n;

  for (const char *p = compact; *p; p++)
    if (*p != ' ')
      g_string_append_c (s, *p);
  n = s->len / 2;
  if (s->len % 2 != 0 || n > max || !ci_hex_decode (s->str, out, n))
    n = 0;
  g_string_free (s, TRUE);
  return n;
}

/**
 * ci_atr_matches:
 * @atr: a parsed ATR
 * @pattern_hex: the expected ATR in hex (spaces and colons allowed)
 * @mask_hex: (nullable): a mask of the same length; %NULL compares every bit
 *
 * Returns: %TRUE if (ATR & mask) == (pattern & mask) over the full length
 */
gboolean
ci_atr_matches (const CiAtr *atr,
                const char  *pattern_hex,
                const char  *mask_hex)
{
  guint8 pattern[CI_ATR_MAX], mask[CI_ATR_MAX];
  gsize plen, mlen;

  g_return_val_if_fail (atr != NULL && pattern_hex != NULL, FALSE);

  plen = hex_to_bytes (pattern_hex, pattern, sizeof pattern);
  if (plen == 0 || plen != atr->len)
    return FALSE;
  if (mask_hex == NULL)
    memset (mask, 0xff, plen);
  else if ((mlen = hex_to_bytes (mask_hex, mask, sizeof mask)) != plen)
    return FALSE;
  for (gsize i = 0; i < plen; i++)
    if ((atr->bytes[i] & mask[i]) != (pattern[i] & mask[i]))
      return FALSE;
  return TRUE;
}
