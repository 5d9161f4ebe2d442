/* ci-reader-monitor.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CI_TYPE_READER_MONITOR (ci_reader_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CiReaderMonitor, ci_reader_monitor, CI, READER_MONITOR, GObject)

CiReaderMonitor *ci_reader_monitor_new          (void);
void             ci_reader_monitor_start        (CiReaderMonitor *self);
void             ci_reader_monitor_stop         (CiReaderMonitor *self);
char           **ci_reader_monitor_dup_readers  (CiReaderMonitor *self);
gboolean         ci_reader_monitor_has_card     (CiReaderMonitor *self,
                                                 const char      *reader);

G_END_DECLS
