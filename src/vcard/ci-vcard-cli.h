/* ci-vcard-cli.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int ci_vcard_cli_run (int    argc,
                      char **argv);

G_END_DECLS
