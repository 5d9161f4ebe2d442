/* ci-batch-page-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-batch-page.h"
#include "services/ci-services-issue.h"

G_BEGIN_DECLS

/* What the batch page's files share: ci-batch-page.c (the flow),
 * ci-batch-page-file.c (reading and checking the employee file, on a worker
 * thread) and ci-batch-page-pins.c (the PIN letters). */

typedef enum
{
  CI_BATCH_ROW_ENROLLED,
  CI_BATCH_ROW_NEW,          /* in the file, not enrolled yet */
  CI_BATCH_ROW_HAS_CARD,     /* enrolled, with an active card */
  CI_BATCH_ROW_QUEUED,
  CI_BATCH_ROW_ISSUED,
  CI_BATCH_ROW_FAILED,
} CiBatchRowState;

/* One employee of the batch. */
typedef struct
{
  char             *number;
  char             *name;      /* %NULL until known */
  guint             line;      /* in the file */
  CiBatchRowState   state;
  gint64            serial;
  char             *detail;    /* the reader, or why the card was not issued */
  char             *pin;       /* generated; wiped once saved */
  AdwActionRow     *widget;    /* owned by the list */
  GtkImage         *icon;
} CiBatchRow;

struct _CiBatchPage
{
  AdwBin               parent_instance;

  GtkStack            *stack;
  AdwActionRow        *file_row;
  GtkLabel            *problems_label;
  GtkProgressBar      *progress_bar;
  GtkLabel            *status_label;
  GtkWidget           *buttons;
  GtkButton           *cancel_button;
  GtkButton           *pause_button;
  GtkButton           *resume_button;
  GtkButton           *start_button;
  AdwPreferencesGroup *pins_group;
  AdwActionRow        *pins_row;
  GtkButton           *pins_button;
  AdwPreferencesGroup *list_group;
  GtkListBox          *employee_list;

  CiBatchPageState     state;
  guint                generation;   /* bumped by every reset: late answers are dropped */
  GPtrArray           *rows;         /* CiBatchRow */
  GHashTable          *by_number;    /* number → CiBatchRow */
  GBytes              *import;       /* the rows to enroll, as a CSV file */
  guint                n_problems;
  GCancellable        *cancellable;  /* the load, the import or the batch */
  CiBatchControl      *control;
  gboolean             stopping;
  gboolean             saving;
  guint                n_total;      /* in the batch now or last */
  guint                n_done;
  GtkNativeDialog     *chooser;
};

/* An answer from a worker thread, for the page as it was when it asked. */
typedef struct
{
  CiBatchPage *self;
  guint        generation;
} CiBatchTicket;

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  GFile      *file;
} CiBatchLoadRequest;

typedef struct
{
  GPtrArray *rows;       /* CiBatchRow, without widgets */
  GPtrArray *problems;   /* CiCsvProblem, in line order */
  GBytes    *import;     /* the rows to enroll, or %NULL */
} CiBatchLoaded;

void           _ci_batch_wipe                  (char                *secret);
CiBatchRow    *_ci_batch_row_new               (const char          *number,
                                                char                *name,
                                                guint                line);
void           _ci_batch_row_free              (gpointer             data);
CiBatchTicket *_ci_batch_ticket_new            (CiBatchPage         *self);
gboolean       _ci_batch_ticket_valid          (CiBatchTicket       *t);
void           _ci_batch_ticket_free           (CiBatchTicket       *t);
void           _ci_batch_load_request_free     (gpointer             data);
void           _ci_batch_loaded_free           (gpointer             data);
gpointer       _ci_batch_read_file             (gpointer             data,
                                                GCancellable        *cancellable,
                                                GError             **error);
guint          _ci_batch_page_count_pins       (CiBatchPage         *self);
void           _ci_batch_page_update_view      (CiBatchPage         *self);
void           _ci_batch_page_save_pins_action (GtkWidget           *widget,
                                                const char          *action_name,
                                                GVariant            *parameter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiBatchTicket, _ci_batch_ticket_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiBatchLoaded, _ci_batch_loaded_free)

G_END_DECLS
