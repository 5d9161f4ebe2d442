/* ci-access-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_ACCESS_PAGE (ci_access_page_get_type ())

G_DECLARE_FINAL_TYPE (CiAccessPage, ci_access_page, CI, ACCESS_PAGE, AdwBin)

gboolean ci_access_page_get_busy (CiAccessPage *self);

G_END_DECLS
