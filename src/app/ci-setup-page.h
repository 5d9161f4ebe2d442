/* ci-setup-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_SETUP_PAGE (ci_setup_page_get_type ())

G_DECLARE_FINAL_TYPE (CiSetupPage, ci_setup_page, CI, SETUP_PAGE, AdwBin)

G_END_DECLS
