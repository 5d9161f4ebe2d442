/* ci-audit-page-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-audit-page.h"

G_BEGIN_DECLS

/* Shared by ci-audit-page.c (the filters, the list, the chain, export) and
 * ci-audit-page-cells.c (the rows, their cells, one entry in full). */
struct _CiAuditPage
{
  AdwBin               parent_instance;

  AdwActionRow        *chain_row;
  GtkStack            *chain_icon_stack;
  GtkImage            *chain_icon;
  GtkSpinner          *chain_spinner;
  GtkSearchEntry      *search_entry;
  GtkEntry            *operator_entry;
  GtkDropDown         *action_dropdown;
  GtkDropDown         *outcome_dropdown;
  GtkEntry            *from_entry;
  GtkEntry            *to_entry;
  GtkStack            *list_stack;
  GtkSingleSelection  *selection;
  GtkColumnViewColumn *time_column;
  GtkColumnViewColumn *operator_column;
  GtkColumnViewColumn *action_column;
  GtkColumnViewColumn *employee_column;
  GtkColumnViewColumn *card_column;
  GtkColumnViewColumn *outcome_column;
  GtkColumnViewColumn *reason_column;
  GtkLabel            *count_label;
  GtkWidget           *more_button;

  GListStore          *rows;
  GCancellable        *list_cancellable;
  GCancellable        *chain_cancellable;
  GCancellable        *export_cancellable;
  GError              *list_error;
  guint                refilter_source;
  gint64               oldest_seq;   /* the next page is the entries before it */
  gboolean             more;         /* the last page was full: there may be older ones */
  gboolean             replace;      /* the page being read replaces the list */
  gboolean             loading;
  gboolean             checking;
  gboolean             resetting;    /* filters being cleared: no query */
  gboolean             stale;        /* the list is to be read when next shown */
  gboolean             unverified;   /* the chain is to be verified when next shown */
};

CiAuditRow *_ci_audit_row_new              (CiAuditListItem *item);
void        _ci_audit_page_set_factories   (CiAuditPage     *self);
void        _ci_audit_page_show_entry      (CiAuditPage     *self,
                                            guint            position);

G_END_DECLS
