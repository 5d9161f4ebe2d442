/* ci-cli.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ci-cli.h"
#include "store/ci-store-sqlite.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* cardissue-cli: the command-line front end. It holds no business rules: it
 * parses, signs the operator in, calls one service and prints the result.
 * Passwords come from a prompt or an environment variable, never from argv,
 * where other users of the machine could read them. */

static const CiCliCommand *command_tables[] = {
  ci_cli_admin_commands,
  ci_cli_employee_commands,
  ci_cli_zone_commands,
  ci_cli_audit_commands,
  ci_cli_card_commands,
  ci_cli_face_commands,
};

/**
 * ci_cli_fail:
 * @error: (transfer full): what went wrong
 *
 * Prints @error in plain words on stderr.
 *
 * Returns: the exit code that goes with it
 */
int
ci_cli_fail (GError *error)
{
  int code = CI_EXIT_FAILED;

  if (error->domain == CI_SERVICE_ERROR)
    code = error->code == CI_SERVICE_ERROR_INVALID || error->code == CI_SERVICE_ERROR_IMPORT
           ? CI_EXIT_INVALID : CI_EXIT_DENIED;
  else if (error->domain == CI_KEYS_ERROR && error->code == CI_KEYS_ERROR_WRONG_PASSPHRASE)
    code = CI_EXIT_DENIED;
  else if (error->domain == CI_STORE_ERROR && error->code == CI_STORE_ERROR_NOT_FOUND)
    code = CI_EXIT_NOT_FOUND;
  else if (error->domain == CI_MODEL_ERROR || error->domain == CI_CSV_ERROR
           || (error->domain == CI_STORE_ERROR && (error->code == CI_STORE_ERROR_EXISTS
                                                   || error->code == CI_STORE_ERROR_CONFLICT)))
    code = CI_EXIT_INVALID;
  g_printerr ("cardissue-cli: %s\n", error->message);
  g_error_free (error);
  return code;
}

int
ci_cli_usage (const char *message)
{
  g_printerr ("cardissue-cli: %s\nTry “cardissue-cli --help”.\n", message);
  return CI_EXIT_USAGE;
}

/**
 * ci_cli_parse:
 * @entries: (nullable): its options
 * @args: (inout): "GROUP VERB" and what follows; on return the options are
 *   gone and (*args)[1…] are the positional arguments
 * @n_positional: how many positional arguments the command needs, or
 *   %CI_CLI_ANY_ARGS
 *
 * Returns: %TRUE if the command line fits; otherwise a message was printed
 */
static const CiCliCommand *find_command (const char *group,
                                         const char *verb);
static char *command_name (const CiCliCommand *cmd);

gboolean
ci_cli_parse (GOptionEntry *entries,
              GStrv        *args,
              guint         n_positional)
{
  g_auto(GStrv) words = g_strsplit ((*args)[0], " ", 2);
  const CiCliCommand *cmd = find_command (words[0], words[1]);
  g_autofree char *name = command_name (cmd);
  /* GOption prints argv[0] (the command's name) itself, then this. */
  g_autoptr(GOptionContext) ctx = g_option_context_new (cmd->args ? cmd->args : "");
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (ctx, cmd->summary);
  if (entries)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse_strv (ctx, args, &error))
    {
      ci_cli_usage (error->message);
      return FALSE;
    }
  if (n_positional != CI_CLI_ANY_ARGS && g_strv_length (*args) - 1 != n_positional)
    {
      g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
      g_printerr ("cardissue-cli: %s takes %u argument%s\n%s", name, n_positional,
                  n_positional == 1 ? "" : "s", help);
      return FALSE;
    }
  return TRUE;
}

static void
set_echo (gboolean on)
{
  struct termios t;

  if (tcgetattr (STDIN_FILENO, &t) != 0)
    return;
  if (on)
    t.c_lflag |= ECHO;
  else
    t.c_lflag &= ~ECHO;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &t);
}

static char *
prompt_once (const char *prompt)
{
  char buf[1024];
  char *line;

  g_printerr ("%s: ", prompt);
  set_echo (FALSE);
  line = fgets (buf, sizeof buf, stdin);
  set_echo (TRUE);
  g_printerr ("\n");
  if (line == NULL)
    return NULL;
  buf[strcspn (buf, "\r\n")] = '\0';
  line = g_strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return line;
}

/**
 * ci_cli_read_secret:
 * @env_name: the environment variable that may hold the secret (for scripts)
 * @prompt: what to ask on the terminal
 * @confirm: ask twice (setting a new secret)
 * @error: return location for an error
 *
 * Returns: (transfer full): the secret; free with g_free() after wiping
 */
char *
ci_cli_read_secret (const char  *env_name,
                    const char  *prompt,
                    gboolean     confirm,
                    GError     **error)
{
  const char *env = g_getenv (env_name);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (env != NULL)
    return g_strdup (env);
  if (!isatty (STDIN_FILENO))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "%s: no terminal to ask on; set %s for scripts", prompt, env_name);
      return NULL;
    }
  first = prompt_once (prompt);
  if (first != NULL && confirm)
    {
      g_autofree char *again = g_strdup_printf ("%s (again)", prompt);
      second = prompt_once (again);
      if (g_strcmp0 (first, second) != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The two entries differ; nothing was changed");
          return NULL;
        }
    }
  if (first == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "%s: no input", prompt);
  return g_steal_pointer (&first);
}

static char *
default_keystore_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "cardissue", "keys.cikeys", NULL);
}

/**
 * ci_cli_open:
 * @cli: the CLI state
 * @error: return location for an error
 *
 * Opens the database and, if it exists, the key store: a file, or a token
 * named by a pkcs11: location. It stays locked unless
 * CARDISSUE_KEYSTORE_PASSPHRASE (a file) or CARDISSUE_KEYSTORE_PIN (a
 * token) is set, so that cards can be issued and checkpoints signed.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_cli_open (CiCli   *cli,
             GError **error)
{
  gboolean token = ci_key_store_location_is_pkcs11 (cli->keystore);
  const char *secret = g_getenv (token ? "CARDISSUE_KEYSTORE_PIN"
                                       : "CARDISSUE_KEYSTORE_PASSPHRASE");
  g_autoptr(GError) local_error = NULL;

  if (!(cli->store = ci_store_open (cli->database, error)))
    return FALSE;
  cli->services = ci_services_new (cli->store, cli->desk);
  if (!(cli->keys = ci_key_store_open_location (cli->keystore, &local_error)))
    {
      /* None yet: init makes one, and the commands that need one say so. */
      if (g_error_matches (local_error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (secret != NULL && !ci_key_store_unlock (cli->keys, secret, error))
    return FALSE;
  ci_services_set_key_store (cli->services, cli->keys);
  return TRUE;
}

/**
 * ci_cli_sign_in:
 * @cli: the CLI state
 * @error: return location for an error
 *
 * Returns: (transfer full): the operator named by --operator or
 *   CARDISSUE_OPERATOR, after checking the password
 */
CiOperator *
ci_cli_sign_in (CiCli   *cli,
                GError **error)
{
  const char *login = cli->operator_login ? cli->operator_login : g_getenv ("CARDISSUE_OPERATOR");
  g_autofree char *password = NULL;
  g_autofree char *prompt = NULL;
  CiOperator *op;

  if (login == NULL)
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_AUTH_FAILED,
                           "Who are you? Give --operator LOGIN (or set CARDISSUE_OPERATOR)");
      return NULL;
    }
  prompt = g_strdup_printf ("Password for %s", login);
  if (!(password = ci_cli_read_secret ("CARDISSUE_PASSWORD", prompt, FALSE, error)))
    return NULL;
  op = ci_services_authenticate (cli->services, login, password, error);
  explicit_bzero (password, strlen (password));
  return op;
}

/* A card serial as printed on the card: digits only; -1 otherwise. */
gint64
ci_cli_parse_serial (const char *text)
{
  char *end = NULL;
  gint64 serial = g_ascii_strtoll (text, &end, 10);

  return end == text || *end ? -1 : serial;
}

/* A whole file, for the commands that take one (certificates, scans). */
GBytes *
ci_cli_read_file (const char  *path,
                  GError     **error)
{
  char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  return g_bytes_new_take (data, len);
}

/**
 * ci_cli_session:
 * @cli: the CLI state
 * @actor: (out): the signed-in operator
 *
 * Opens the database and signs the operator in.
 *
 * Returns: %CI_EXIT_OK, or the exit code of what went wrong (already printed)
 */
int
ci_cli_session (CiCli       *cli,
                CiOperator **actor)
{
  GError *error = NULL;

  if (!ci_cli_open (cli, &error) || !(*actor = ci_cli_sign_in (cli, &error)))
    return ci_cli_fail (error);
  return CI_EXIT_OK;
}

static void
print_help (void)
{
  g_print ("Usage: cardissue-cli [GLOBAL OPTIONS] GROUP COMMAND [OPTIONS] [ARGUMENTS]\n\n"
           "Global options:\n"
           "  --database PATH   SQLite database (default: $XDG_DATA_HOME/cardissue/cardissue.db),\n"
           "                    or a shared PostgreSQL database (postgresql://USER@HOST/DB)\n"
           "  --keystore PATH   key store file (default: beside the database's default),\n"
           "                    or keys in a PKCS#11 token (a security module):\n"
           "                    pkcs11:token=LABEL?module-path=/path/to/module.so\n"
           "  --desk ID         this workstation's desk id (default: the host name)\n"
           "  --operator LOGIN  who acts (or CARDISSUE_OPERATOR)\n\n"
           "The password is asked for on the terminal, or read from CARDISSUE_PASSWORD;\n"
           "the key store passphrase from CARDISSUE_KEYSTORE_PASSPHRASE, a token's PIN\n"
           "from CARDISSUE_KEYSTORE_PIN.\n\n"
           "Commands:\n");
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CiCliCommand *c = command_tables[t]; c->group; c++)
      {
        g_autofree char *name = command_name (c);
        g_autofree char *left = g_strdup_printf ("%s %s", name, c->args ? c->args : "");
        g_print ("  %-38s %s\n", left, c->summary);
      }
  g_print ("\nEach command takes --help. Exit codes: 0 ok, 1 failed, 2 usage, "
           "3 refused or wrong password,\n4 not found, 5 invalid input, 6 audit log "
           "tampered.\n");
}

/* A command is "GROUP VERB", or a single word when its verb is NULL. */
static const CiCliCommand *
find_command (const char *group,
              const char *verb)
{
  for (guint t = 0; t < G_N_ELEMENTS (command_tables); t++)
    for (const CiCliCommand *c = command_tables[t]; c->group; c++)
      if (g_strcmp0 (c->group, group) == 0 && (c->verb == NULL || g_strcmp0 (c->verb, verb) == 0))
        return c;
  return NULL;
}

static char *
command_name (const CiCliCommand *cmd)
{
  return cmd->verb ? g_strdup_printf ("%s %s", cmd->group, cmd->verb) : g_strdup (cmd->group);
}

/* Global options stand before the command; returns the index of the group. */
static int
parse_globals (CiCli  *cli,
               int     argc,
               char  **argv)
{
  int i = 1;

  for (; i < argc && g_str_has_prefix (argv[i], "--"); i++)
    {
      char **slot = g_str_equal (argv[i], "--database") ? &cli->database
                    : g_str_equal (argv[i], "--keystore") ? &cli->keystore
                    : g_str_equal (argv[i], "--desk") ? &cli->desk
                    : g_str_equal (argv[i], "--operator") ? &cli->operator_login : NULL;

      if (g_str_equal (argv[i], "--help"))
        return -1;
      if (g_str_equal (argv[i], "--version"))
        return -2;
      if (slot == NULL || i + 1 >= argc)
        return -3;
      g_free (*slot);
      *slot = g_strdup (argv[++i]);
    }
  return i;
}

static void
cli_clear (CiCli *cli)
{
  if (cli->services)
    ci_services_shutdown (cli->services);
  g_clear_object (&cli->services);
  g_clear_object (&cli->keys);
  g_clear_object (&cli->store);
  g_free (cli->database);
  g_free (cli->keystore);
  g_free (cli->desk);
  g_free (cli->operator_login);
}

int
ci_cli_run (int    argc,
            char **argv)
{
  CiCli cli = { 0 };
  const CiCliCommand *cmd;
  int first, code;

  setlocale (LC_ALL, "");
  /* The command line speaks English, its own words and the core's alike:
   * scripts read it, and half-translated output helps nobody. */
  setlocale (LC_MESSAGES, "C");
  first = parse_globals (&cli, argc, argv);
  if (first == -1 || (first > 0 && first >= argc))
    {
      print_help ();
      cli_clear (&cli);
      return first == -1 ? CI_EXIT_OK : CI_EXIT_USAGE;
    }
  if (first == -2)
    {
      g_print ("cardissue-cli %s\n", PACKAGE_VERSION);
      cli_clear (&cli);
      return CI_EXIT_OK;
    }
  if (first < 0 || !(cmd = find_command (argv[first], first + 1 < argc ? argv[first + 1] : NULL)))
    {
      cli_clear (&cli);
      return ci_cli_usage (first < 0 ? "a global option lacks its value or is unknown"
                                     : "unknown command");
    }
  if (cli.database == NULL)
    cli.database = ci_store_sqlite_default_path ();
  if (cli.keystore == NULL)
    cli.keystore = default_keystore_path ();
  if (cli.desk == NULL)
    cli.desk = g_strdup (g_get_host_name ());

  /* The handler sees the command's name as its program name, then its own words. */
  {
    int skip = cmd->verb ? 2 : 1;
    g_auto(GStrv) args = g_new0 (char *, argc - first - skip + 2);
    args[0] = command_name (cmd);
    for (int i = first + skip; i < argc; i++)
      args[i - first - skip + 1] = g_strdup (argv[i]);
    code = cmd->handler (&cli, &args);
  }
  cli_clear (&cli);
  return code;
}
