/* ci-card-data-private.h — helpers shared by the ci-card-data*.c siblings
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-data.h"
#include "card/ci-tlv.h"

G_BEGIN_DECLS

#define TAG_CARD      0xE0
#define TAG_IDENTITY  0xE1
#define TAG_ZONES     0xE2
#define TAG_SIGNATURE 0xE3
#define TAG_ZONE      0xA0
#define TAG_PUBKEY    0x7F49

gboolean  _ci_card_bad_data          (GError **error,
                                      const char *what);
gboolean  _ci_card_append_date       (GByteArray *out,
                                      guint32 tag,
                                      const char *iso);
void      _ci_card_append_u32        (GByteArray *out,
                                      guint32 tag,
                                      guint32 value);
GBytes *  _ci_card_finish            (GByteArray *out,
                                      CiCardFile file,
                                      GError **error);
char *    _ci_card_dup_text          (const CiTlv *tlv);
char *    _ci_card_dup_date          (const CiTlv *tlv);
gboolean  _ci_card_read_u32          (const CiTlv *tlv,
                                      guint32 *out);
gboolean  _ci_card_open_template     (GBytes *object,
                                      guint32 tag,
                                      CiTlvReader *reader,
                                      GError **error);
gboolean  _ci_card_serial_is_valid   (const char *serial);
void      _ci_card_append_optional   (GByteArray *out,
                                      guint32 tag,
                                      const char *text);

G_END_DECLS
