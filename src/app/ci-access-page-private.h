/* ci-access-page-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-access-page.h"
#include "ci-reader-chooser.h"
#include "ci-application.h"
#include "ci-job.h"

G_BEGIN_DECLS

/* Shared by ci-access-page.c (the tree, the chosen zone, re-encoding) and
 * ci-access-page-dialogs.c (the forms). */
struct _CiAccessPage
{
  AdwBin              parent_instance;

  GtkLabel           *zones_status;
  GtkListView        *zone_view;
  GtkSingleSelection *zone_selection;
  GtkWidget          *add_zone_button;
  GtkLabel           *message_label;
  GtkStack           *detail_stack;
  GtkLabel           *name_label;
  GtkLabel           *where_label;
  AdwActionRow       *level_row;
  GtkDrawingArea     *level_swatch;
  AdwActionRow       *hr_row;
  AdwActionRow       *time_zone_row;
  GtkWidget          *grant_button;
  GtkListBox         *access_list;
  GtkWidget          *add_schedule_button;
  GtkListBox         *schedule_list;
  GtkWidget          *reencode_group;
  CiReaderChooser    *reader_chooser;
  GtkProgressBar     *progress;
  GtkLabel           *result_label;

  GPtrArray          *zones;         /* CiZone, parents before children */
  GPtrArray          *schedules;     /* CiSchedule, by name */
  GPtrArray          *access;        /* CiZoneAccess of the chosen zone */
  CiScope             grant_scope;
  char               *zone_code;     /* the chosen zone, kept across reloads */
  GCancellable       *cancellable;   /* the reads of this session */
  GCancellable       *access_cancellable;  /* the chosen zone's access list */
  GCancellable       *reencode_cancellable;
  CiOperator         *reencode_actor;
  guint               pending;       /* jobs under way */
};

/* One core call for a worker thread (ci_job_run()): who asks, and what
 * about. A new one is NULL once nobody is signed in. */
typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;
  char       *zone;
  char       *schedule;
  char       *expires;
  GObject    *record;      /* a zone or schedule to add */
} CiAccessRequest;

/* What a write changed, for the words that report it. */
typedef enum
{
  CI_ACCESS_WRITE_ZONE,
  CI_ACCESS_WRITE_SCHEDULE,
  CI_ACCESS_WRITE_GRANT,
  CI_ACCESS_WRITE_WITHDRAW,
} CiAccessWrite;

const char      *_ci_access_kind_name            (CiZoneKind        kind);
char            *_ci_access_level_text           (int               level);
CiZone          *_ci_access_page_find_zone       (CiAccessPage     *self,
                                                  const char       *code);
CiZone          *_ci_access_page_find_zone_by_id (CiAccessPage     *self,
                                                  gint64            id);
gboolean         _ci_access_page_may_grant       (CiAccessPage     *self,
                                                  CiZone           *zone);
CiAccessRequest *_ci_access_request_new          (void);
void             _ci_access_request_free         (gpointer          data);
void             _ci_access_page_run_write       (CiAccessPage     *self,
                                                  CiJobFunc         func,
                                                  CiAccessRequest  *r,
                                                  CiAccessWrite     kind,
                                                  const char       *what,
                                                  const char       *who);

/* The actions of ci-access-page-dialogs.c */
void             _ci_access_page_add_zone        (GtkWidget        *widget,
                                                  const char       *action_name,
                                                  GVariant         *parameter);
void             _ci_access_page_add_schedule    (GtkWidget        *widget,
                                                  const char       *action_name,
                                                  GVariant         *parameter);
void             _ci_access_page_grant           (GtkWidget        *widget,
                                                  const char       *action_name,
                                                  GVariant         *parameter);
void             _ci_access_page_withdraw        (GtkWidget        *widget,
                                                  const char       *action_name,
                                                  GVariant         *parameter);

G_END_DECLS
