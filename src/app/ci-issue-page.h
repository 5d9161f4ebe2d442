/* ci-issue-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CI_TYPE_ISSUE_PAGE (ci_issue_page_get_type ())

G_DECLARE_FINAL_TYPE (CiIssuePage, ci_issue_page, CI, ISSUE_PAGE, AdwBin)

void        ci_issue_page_set_employee (CiIssuePage *self,
                                        const char  *number);
void        ci_issue_page_reset        (CiIssuePage *self);
gboolean    ci_issue_page_get_busy     (CiIssuePage *self);
gint64      ci_issue_page_get_serial   (CiIssuePage *self);
void        ci_issue_page_export_face  (CiIssuePage *self,
                                        GFile       *file);
void        ci_issue_page_print_face   (CiIssuePage *self,
                                        const char  *export_pdf);
gboolean    ci_issue_page_get_printing (CiIssuePage *self);

G_END_DECLS
