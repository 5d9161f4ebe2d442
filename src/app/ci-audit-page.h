/* ci-audit-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "services/ci-services.h"

G_BEGIN_DECLS

#define CI_TYPE_AUDIT_ROW (ci_audit_row_get_type ())

G_DECLARE_FINAL_TYPE (CiAuditRow, ci_audit_row, CI, AUDIT_ROW, GObject)

#define CI_TYPE_AUDIT_PAGE (ci_audit_page_get_type ())

G_DECLARE_FINAL_TYPE (CiAuditPage, ci_audit_page, CI, AUDIT_PAGE, AdwBin)

const CiAuditListItem *ci_audit_row_get_item         (CiAuditRow  *self);

GListModel            *ci_audit_page_get_model       (CiAuditPage *self);
gboolean               ci_audit_page_get_busy        (CiAuditPage *self);
void                   ci_audit_page_export_to_file  (CiAuditPage *self,
                                                      GFile       *file);

G_END_DECLS
