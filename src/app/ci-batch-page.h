/* ci-batch-page.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/**
 * CiBatchPageState:
 * @CI_BATCH_PAGE_EMPTY: no file chosen
 * @CI_BATCH_PAGE_LOADING: the file is being read and checked
 * @CI_BATCH_PAGE_REVIEW: the employees are listed (or the file's problems)
 * @CI_BATCH_PAGE_IMPORTING: the employees not enrolled yet are being enrolled
 * @CI_BATCH_PAGE_RUNNING: cards are being issued (maybe paused)
 * @CI_BATCH_PAGE_DONE: the batch ended; each employee shows its result
 */
typedef enum
{
  CI_BATCH_PAGE_EMPTY,
  CI_BATCH_PAGE_LOADING,
  CI_BATCH_PAGE_REVIEW,
  CI_BATCH_PAGE_IMPORTING,
  CI_BATCH_PAGE_RUNNING,
  CI_BATCH_PAGE_DONE,
} CiBatchPageState;

#define CI_TYPE_BATCH_PAGE (ci_batch_page_get_type ())

G_DECLARE_FINAL_TYPE (CiBatchPage, ci_batch_page, CI, BATCH_PAGE, AdwBin)

void             ci_batch_page_load_file        (CiBatchPage *self,
                                                 GFile       *file);
void             ci_batch_page_save_pin_letters (CiBatchPage *self,
                                                 GFile       *file);
CiBatchPageState ci_batch_page_get_state        (CiBatchPage *self);
gboolean         ci_batch_page_get_paused       (CiBatchPage *self);
guint            ci_batch_page_get_n_done       (CiBatchPage *self);
guint            ci_batch_page_get_n_issued     (CiBatchPage *self);
guint            ci_batch_page_get_n_pins       (CiBatchPage *self);

G_END_DECLS
