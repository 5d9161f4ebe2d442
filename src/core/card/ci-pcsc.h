/* ci-pcsc.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The reader name pcsc-lite uses for "readers added or removed". */
#define CI_PCSC_PNP_NOTIFICATION "\\\\?PnP?\\Notification"

char   **ci_pcsc_list_readers   (GError       **error);
gboolean ci_pcsc_wait_for_state (const char    *reader,
                                 gboolean       present,
                                 guint         *events,
                                 guint          timeout_ms,
                                 GCancellable  *cancellable,
                                 GError       **error);
gboolean ci_pcsc_wait_for_card  (const char    *reader,
                                 guint          timeout_ms,
                                 GCancellable  *cancellable,
                                 GError       **error);

G_END_DECLS
