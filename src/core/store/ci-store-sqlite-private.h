/* ci-store-sqlite-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-store-sqlite.h"

G_BEGIN_DECLS

#define CI_STORE_SQLITE_SCHEMA_VERSION 2

/* Opens a database migrated only up to @version, so tests can build an older
 * schema and check that a later open migrates it. */
CiStore *_ci_store_sqlite_new_at_version (const char  *path,
                                          int          version,
                                          GError     **error);

G_END_DECLS
