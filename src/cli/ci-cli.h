/* ci-cli.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "face/ci-face-template.h"
#include "services/ci-services.h"

G_BEGIN_DECLS

/* Exit codes scripts can rely on. */
typedef enum
{
  CI_EXIT_OK = 0,
  CI_EXIT_FAILED = 1,
  CI_EXIT_USAGE = 2,
  CI_EXIT_DENIED = 3,
  CI_EXIT_NOT_FOUND = 4,
  CI_EXIT_INVALID = 5,
  CI_EXIT_TAMPERED = 6,
} CiExit;

typedef struct
{
  char       *database;
  char       *keystore;
  char       *desk;
  char       *operator_login;
  CiStore    *store;
  CiServices *services;
  CiKeyStore *keys;
} CiCli;

/* For ci_cli_parse(): any number of positional arguments. */
#define CI_CLI_ANY_ARGS G_MAXUINT

typedef int (*CiCliHandler) (CiCli *cli, GStrv *args);

typedef struct
{
  const char   *group;
  const char   *verb;
  CiCliHandler  handler;
  const char   *args;
  const char   *summary;
} CiCliCommand;

int          ci_cli_run               (int          argc,
                                       char       **argv);
int          ci_cli_fail              (GError      *error);
int          ci_cli_usage             (const char  *message);
gboolean     ci_cli_parse             (GOptionEntry *entries,
                                       GStrv       *args,
                                       guint        n_positional);
gboolean     ci_cli_open              (CiCli       *cli,
                                       GError     **error);
CiOperator  *ci_cli_sign_in           (CiCli       *cli,
                                       GError     **error);
int          ci_cli_session           (CiCli       *cli,
                                       CiOperator **actor);
void         ci_cli_print_employee    (CiEmployee  *employee);
char        *ci_cli_read_secret       (const char  *env_name,
                                       const char  *prompt,
                                       gboolean     confirm,
                                       GError     **error);

extern const CiCliCommand ci_cli_employee_commands[];
extern const CiCliCommand ci_cli_zone_commands[];
extern const CiCliCommand ci_cli_admin_commands[];
extern const CiCliCommand ci_cli_audit_commands[];
extern const CiCliCommand ci_cli_card_commands[];
extern const CiCliCommand ci_cli_face_commands[];

gint64          ci_cli_parse_serial  (const char  *text);
GBytes         *ci_cli_read_file     (const char  *path,
                                      GError     **error);
CiFaceTemplate *ci_cli_load_template (const char  *name,
                                      GError     **error);

G_END_DECLS
