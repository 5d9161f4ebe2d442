/* ci-sign-in-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_SIGN_IN_PAGE (ci_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (CiSignInPage, ci_sign_in_page, CI, SIGN_IN_PAGE, AdwBin)

void ci_sign_in_page_reset (CiSignInPage *self);

G_END_DECLS
