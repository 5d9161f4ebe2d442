/* ci-card-trace.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "card/ci-apdu.h"

G_BEGIN_DECLS

/**
 * CiCardTraceEntry:
 * @command: the command bytes as sent; for a %CI_APDU_SENSITIVE command the data
 *   field is zeroed (its length kept), so the trace never holds a PIN or a key;
 *   %NULL for a card reset
 * @response: the response bytes as received (data and SW); for a reset, the
 *   card's new answer to reset
 * @elapsed_us: time spent in SCardTransmit (or SCardReconnect) for this exchange
 * @ended_us: when it was recorded, on the monotonic clock: the host's time
 *   between two exchanges is the gap between one's end and the next's start
 *
 * One exchange on the wire, for support and for the benchmark's replay. Commands
 * under secure messaging are recorded as sent, i.e. encrypted.
 */
typedef struct
{
  GBytes   *command;
  GBytes   *response;
  gboolean  redacted;
  gint64    elapsed_us;
  gint64    ended_us;
} CiCardTraceEntry;

typedef struct _CiCardTrace CiCardTrace;

CiCardTrace *ci_card_trace_new          (void);
CiCardTrace *ci_card_trace_ref          (CiCardTrace       *self);
void         ci_card_trace_unref        (CiCardTrace       *self);
void         ci_card_trace_clear        (CiCardTrace       *self);
void         ci_card_trace_add          (CiCardTrace       *self,
                                         const guint8      *command,
                                         gsize              command_len,
                                         const CiApdu      *apdu,
                                         const guint8      *response,
                                         gsize              response_len,
                                         gint64             elapsed_us);
void         ci_card_trace_add_reset    (CiCardTrace       *self,
                                         const guint8      *atr,
                                         gsize              atr_len,
                                         gint64             elapsed_us);
guint        ci_card_trace_get_n_entries (CiCardTrace      *self);
const CiCardTraceEntry *
             ci_card_trace_get_entry    (CiCardTrace       *self,
                                         guint              i);
void         ci_card_trace_get_totals   (CiCardTrace       *self,
                                         guint             *n_apdus,
                                         guint64           *bytes_sent,
                                         guint64           *bytes_received,
                                         gint64            *transmit_us);
char        *ci_card_trace_to_string    (CiCardTrace       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiCardTrace, ci_card_trace_unref)

G_END_DECLS
