/* ci-front-desk-page-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-pipeline.h"
#include "ci-employee-model.h"
#include "ci-front-desk-page.h"
#include "ci-issue-steps.h"
#include "ci-reader-chooser.h"

G_BEGIN_DECLS

/* Shared by ci-front-desk-page.c (finding the holder, blocking a card) and
 * ci-front-desk-page-replace.c (writing the replacement). */
struct _CiFrontDeskPage
{
  AdwBin              parent_instance;

  GtkWidget          *find_pane;
  GtkSearchEntry     *search_entry;
  GtkLabel           *count_label;
  GtkSingleSelection *selection;
  GtkStack           *detail_stack;
  GtkLabel           *name_label;
  GtkLabel           *holder_label;
  GtkLabel           *message_label;
  GtkListBox         *cards_list;
  GtkWidget          *replace_box;
  AdwPreferencesGroup *replace_group;
  CiReaderChooser    *reader_chooser;
  GtkButton          *replace_button;
  CiIssueSteps       *steps;

  CiEmployeeModel    *model;
  GCancellable       *detail_cancellable;
  GCancellable       *issue_cancellable;
  char               *lookup_error;   /* why the last serial lookup found nothing */
  char               *number;         /* the holder shown, or NULL */
  char               *holder_name;
  gint64              found;          /* the card last found by its serial */
  gint64              replaces;       /* the blocked card a replacement is offered for */
  gint64              issued;         /* the last replacement written on this page */
  gint64              reported;       /* just blocked here: the keys go on from it */
  gboolean            busy;
  gboolean            stale;          /* the list waits for the page to be shown */
};

void _ci_front_desk_page_show_message       (CiFrontDeskPage *self,
                                             const char      *text,
                                             gboolean         ok);
void _ci_front_desk_page_load_detail        (CiFrontDeskPage *self,
                                             const char      *number,
                                             gint64           serial);

void _ci_front_desk_page_class_init_replace (GtkWidgetClass  *widget_class);
void _ci_front_desk_page_init_replace       (CiFrontDeskPage *self);
void _ci_front_desk_page_update_actions     (CiFrontDeskPage *self);
void _ci_front_desk_page_show_replacement   (CiFrontDeskPage *self);
void _ci_front_desk_page_reset_steps        (CiFrontDeskPage *self);

G_END_DECLS
