/* ci-atr.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "card/ci-atr.h"
#include "card/ci-card-error.h"

static gboolean
atr_malformed (GError     **error,
               const char  *why)
{
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_UNRESPONSIVE,
               /* Translators: %s says what is wrong with the card's answer to reset
                * (its ATR), such as “wrong length”. */
               _("The card's answer to reset is malformed (%s). Clean the card contacts "
                 "and insert it again; if it persists, the card is faulty."), why);
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
    return atr_malformed (error, _("wrong length"));
  if (bytes[0] != 0x3B && bytes[0] != 0x3F)
    return atr_malformed (error, _("unknown convention byte"));
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
        return atr_malformed (error, _("interface bytes cut short"));
      td = bytes[i++];
      out->protocols |= 1u << (td & 0x0f);
      any_td = TRUE;
      y = td >> 4;
    }
  if (!any_td)
    out->protocols = 1u << 0;
  if (i + k > len)
    return atr_malformed (error, _("historical bytes cut short"));
  memcpy (out->historical, bytes + i, k);
  out->historical_len = k;
  out->extended_length = historical_extended_length (out->historical, k);
  return TRUE;
}
