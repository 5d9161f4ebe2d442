/* ci-reader-chooser.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_READER_CHOOSER (ci_reader_chooser_get_type ())

G_DECLARE_FINAL_TYPE (CiReaderChooser, ci_reader_chooser, CI, READER_CHOOSER, AdwBin)

char     *ci_reader_chooser_dup_reader       (CiReaderChooser *self);
gboolean  ci_reader_chooser_get_card_present (CiReaderChooser *self);
void      ci_reader_chooser_refresh          (CiReaderChooser *self);

G_END_DECLS
