/* ci-card-channel.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "card/ci-apdu.h"
#include "card/ci-atr.h"
#include "card/ci-card-error.h"
#include "card/ci-card-trace.h"

G_BEGIN_DECLS

#define CI_TYPE_CARD_CHANNEL (ci_card_channel_get_type ())

G_DECLARE_FINAL_TYPE (CiCardChannel, ci_card_channel, CI, CARD_CHANNEL, GObject)

typedef enum
{
  CI_CARD_SHARE_SHARED,
  CI_CARD_SHARE_EXCLUSIVE,
} CiCardShare;

CiCardChannel *ci_card_channel_connect      (const char     *reader,
                                             CiCardShare     share,
                                             GCancellable   *cancellable,
                                             GError        **error);
const char    *ci_card_channel_get_reader   (CiCardChannel  *self);
const CiAtr   *ci_card_channel_get_atr      (CiCardChannel  *self);
guint          ci_card_channel_get_protocol (CiCardChannel  *self);
gboolean       ci_card_channel_get_extended (CiCardChannel  *self);
void           ci_card_channel_set_limits   (CiCardChannel  *self,
                                             gsize           max_nc,
                                             gsize           max_ne);
gsize          ci_card_channel_get_max_nc   (CiCardChannel  *self);
gsize          ci_card_channel_get_max_ne   (CiCardChannel  *self);
void           ci_card_channel_set_trace    (CiCardChannel  *self,
                                             CiCardTrace    *trace);
void           ci_card_channel_set_phase    (CiCardChannel  *self,
                                             CiCardPhase     phase);
CiResponse    *ci_card_channel_transmit     (CiCardChannel  *self,
                                             const CiApdu   *apdu,
                                             GError        **error);
gboolean       ci_card_channel_transmit_raw (CiCardChannel  *self,
                                             const guint8   *command,
                                             gsize           len,
                                             GByteArray     *response,
                                             GError        **error);
gboolean       ci_card_channel_reset        (CiCardChannel  *self,
                                             GError        **error);
void           ci_card_channel_disconnect   (CiCardChannel  *self);

G_END_DECLS
