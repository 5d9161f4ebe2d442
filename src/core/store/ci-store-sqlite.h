/* ci-store-sqlite.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-store.h"

G_BEGIN_DECLS

#define CI_TYPE_STORE_SQLITE (ci_store_sqlite_get_type ())

G_DECLARE_FINAL_TYPE (CiStoreSqlite, ci_store_sqlite, CI, STORE_SQLITE, CiStore)

CiStore    *ci_store_sqlite_new               (const char  *path,
                                               GError     **error);
char       *ci_store_sqlite_default_path      (void);
const char *ci_store_sqlite_get_path          (CiStoreSqlite *self);

G_END_DECLS
