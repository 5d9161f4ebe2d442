/* ci-services-issue.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-pipeline.h"
#include "face/ci-face-template.h"
#include "services/ci-services.h"

G_BEGIN_DECLS

/* Called from the thread running the issue, once per pipeline step. */
typedef void (*CiIssueProgressFunc) (const char   *reader,
                                     CiIssueStep   step,
                                     gboolean      skipped,
                                     gint64        duration_us,
                                     const GError *error,
                                     gpointer      user_data);

/**
 * CiIssueOptions:
 * @reader: the PC/SC reader holding the card
 * @pin: (nullable): the holder's PIN, 4–8 digits; %NULL generates one
 * @trace: (nullable): records the APDUs (PINs and keys never appear in it)
 * @replaces: 0 for a first card; for a replacement, the serial of the blocked
 *   card it replaces (this needs the reissue right, not the issue right)
 * @face_template: (nullable): the template the card's face will be printed
 *   with: issuing is refused while it would show a placeholder
 * @face_template_name: (nullable): or its name, for the service to open
 *   (ci_face_template_open(): a file, read in the worker of an async call)
 */
typedef struct
{
  const char          *reader;
  gint64               replaces;
  const char          *pin;
  const CiFaceTemplate *face_template;
  const char          *face_template_name;
  GCancellable        *cancellable;
  CiCardTrace         *trace;
  CiIssueProgressFunc  progress;
  gpointer             progress_data;
} CiIssueOptions;

/**
 * CiIssueResult:
 * @pin: the PIN, when it was generated: show it to the holder once
 */
typedef struct
{
  gint64  serial;
  char   *pin;
} CiIssueResult;

void           ci_issue_result_free        (CiIssueResult        *result);

CiIssueResult *ci_services_card_issue      (CiServices           *self,
                                            CiOperator           *actor,
                                            const char           *employee_number,
                                            const CiIssueOptions *options,
                                            GError              **error);

gboolean       ci_services_card_change_access (CiServices        *self,
                                               CiOperator        *actor,
                                               const CiIssueOptions *options,
                                               GError           **error);
GBytes        *ci_services_issuer_certificate (CiServices        *self,
                                               CiOperator        *actor,
                                               GError           **error);
GBytes        *ci_services_deny_list       (CiServices           *self,
                                            CiOperator           *actor,
                                            guint                 valid_days,
                                            GError              **error);

/**
 * CiBatchResult:
 * @employee_number: for whom
 * @reader: the reader the card was issued in, or %NULL if none was
 * @serial: the card issued, or 0
 * @pin: (nullable): the generated PIN, to print on the holder's PIN letter
 * @error: (nullable): why it failed
 * @duration_us: from the card being found to the end of its issue
 */
typedef struct
{
  char   *employee_number;
  char   *reader;
  gint64  serial;
  char   *pin;
  GError *error;
  gint64  duration_us;
} CiBatchResult;

/* Called from the worker threads, one call at a time, after each card. */
typedef void (*CiBatchProgressFunc) (const CiBatchResult *result,
                                     guint                done,
                                     guint                total,
                                     gpointer             user_data);

/**
 * CiBatchControl:
 *
 * Pauses and resumes a running batch, from any thread. A paused batch lets
 * each reader finish the card it is writing (and wait for it to be taken
 * out), then starts no other card until it is resumed; a card that comes into
 * a reader meanwhile stays untouched. A wait for a card that runs out while
 * the batch is paused does not stop the reader. Cancelling the batch still
 * works while it is paused.
 */
typedef struct _CiBatchControl CiBatchControl;

CiBatchControl *ci_batch_control_new       (void);
CiBatchControl *ci_batch_control_ref       (CiBatchControl *self);
void            ci_batch_control_unref     (CiBatchControl *self);
void            ci_batch_control_pause     (CiBatchControl *self);
void            ci_batch_control_resume    (CiBatchControl *self);
gboolean        ci_batch_control_is_paused (CiBatchControl *self);

/**
 * CiBatchOptions:
 * @readers: the readers to work with, one worker each
 * @card_timeout_ms: how long a worker waits for the next card (or for the
 *   issued one to be taken out) before it stops
 * @control: (nullable): pauses and resumes the batch
 */
typedef struct
{
  const char * const  *readers;
  guint                card_timeout_ms;
  GCancellable        *cancellable;
  CiBatchProgressFunc  progress;
  gpointer             progress_data;
  CiBatchControl      *control;
} CiBatchOptions;

void           ci_batch_result_free        (CiBatchResult        *result);
GPtrArray     *ci_services_card_issue_batch (CiServices          *self,
                                            CiOperator           *actor,
                                            const char * const   *employee_numbers,
                                            const CiBatchOptions *options,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiIssueResult, ci_issue_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiBatchControl, ci_batch_control_unref)

G_END_DECLS
