/* main.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-vcard-cli.h"

int
main (int   argc,
      char *argv[])
{
  return ci_vcard_cli_run (argc, argv);
}
