/* ci-store-pg.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-store.h"

G_BEGIN_DECLS

#define CI_TYPE_STORE_PG (ci_store_pg_get_type ())

G_DECLARE_FINAL_TYPE (CiStorePg, ci_store_pg, CI, STORE_PG, CiStore)

CiStore    *ci_store_pg_new                   (const char  *conninfo,
                                               GError     **error);
char       *ci_store_pg_describe              (const char  *conninfo);

G_END_DECLS
