/* ci-front-desk-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_FRONT_DESK_PAGE (ci_front_desk_page_get_type ())

G_DECLARE_FINAL_TYPE (CiFrontDeskPage, ci_front_desk_page, CI, FRONT_DESK_PAGE, AdwBin)

const char *ci_front_desk_page_get_holder (CiFrontDeskPage *self);
gboolean    ci_front_desk_page_get_busy   (CiFrontDeskPage *self);
gint64      ci_front_desk_page_get_issued (CiFrontDeskPage *self);

G_END_DECLS
