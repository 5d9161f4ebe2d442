/* ci-store-private.h — what every store backend shares
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "model/ci-model.h"

G_BEGIN_DECLS

/* One row an employee search branch found, with the key the branch matched
 * on: the branches' rows are merged in that key's order. */
typedef struct
{
  CiEmployee *employee;
  char       *key;
} CiSearchHit;

void       _ci_search_hit_clear     (gpointer     hit);
GPtrArray *_ci_search_merge_hits    (GArray      *hits,
                                     guint        offset,
                                     guint        limit);
GPtrArray *_ci_search_words         (const char  *query);
char      *_ci_search_prefix_end    (const char  *prefix);
char      *_ci_like_pattern         (const char  *text);

G_END_DECLS
