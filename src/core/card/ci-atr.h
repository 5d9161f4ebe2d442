/* ci-atr.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CI_ATR_MAX 33

/**
 * CiAtr:
 * @protocols: bit 0 set for T=0, bit 1 for T=1
 * @extended_length: the historical bytes announce extended Lc/Le (ISO/IEC
 *   7816-4 §8.1.1.2.7, third card-capabilities byte, b7)
 *
 * What the host needs to know from an answer to reset (ISO/IEC 7816-3 §8.2).
 */
typedef struct
{
  guint8   bytes[CI_ATR_MAX];
  gsize    len;
  guint    protocols;
  guint8   historical[15];
  gsize    historical_len;
  gboolean extended_length;
} CiAtr;

gboolean  ci_atr_parse      (const guint8  *bytes,
                             gsize          len,
                             CiAtr         *out,
                             GError       **error);

G_END_DECLS
