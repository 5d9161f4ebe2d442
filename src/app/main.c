/* main.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ci-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CiApplication) app = NULL;

  ci_application_init_i18n ();
  app = ci_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
