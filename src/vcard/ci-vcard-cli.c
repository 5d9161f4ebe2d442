/* ci-vcard-cli.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line of cardissue-vcard: run (the default), blank, forge, show.
 * Exit status: 0 ok, 1 error, 2 usage, 3 the injected power cut fired.
 */

#include "ci-vcard-cli.h"
#include "ci-vcard.h"
#include "ci-vpcd.h"

#include "keys/ci-digest.h"

#include <locale.h>
#include <string.h>

#include <openssl/crypto.h>

enum
{
  EXIT_OK        = 0,
  EXIT_ERROR     = 1,
  EXIT_USAGE     = 2,
  EXIT_POWER_CUT = 3,
};

typedef int (*CommandFunc) (GStrv *args);

typedef struct
{
  const char  *name;
  CommandFunc  func;
} Command;

static int
usage (const char *command,
       const char *message)
{
  g_printerr ("cardissue-vcard: %s\nTry “cardissue-vcard %s%s--help”.\n", message,
              command ? command : "", command ? " " : "");
  return EXIT_USAGE;
}

static int
fail (GError *error)
{
  g_printerr ("cardissue-vcard: %s\n", error->message);
  g_error_free (error);
  return EXIT_ERROR;
}

/* Parses @args with @entries; anything left over is a usage error. */
static gboolean
parse (const char    *command,
       const char    *summary,
       const char    *description,
       GOptionEntry  *entries,
       GStrv         *args,
       int           *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("cardissue-vcard %s", command);

  /* --help then reads "Usage: cardissue-vcard COMMAND [OPTION…]". */
  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse_strv (context, args, &error))
    *status = usage (command, error->message);
  else if (g_strv_length (*args) > 1)
    *status = usage (command, "unexpected arguments");
  else
    return TRUE;
  return FALSE;
}

static gboolean
need_image (const char *command,
            const char *image,
            int        *status)
{
  if (image != NULL)
    return TRUE;
  *status = usage (command, "--image FILE is required");
  return FALSE;
}

/* ---- run ----------------------------------------------------------------------------- */

typedef struct
{
  char     *image;
  char     *host;
  char     *protocol;
  char     *seed;
  char     *atr;
  gint      port;
  gint      power_cut_after;
  gint      latency_ms;
  gint      max_apdu;
  gint      hopper;
  gboolean  reconnect;
  gboolean  quiet;
} RunOptions;

static void
run_options_clear (RunOptions *o)
{
  g_free (o->image);
  g_free (o->host);
  g_free (o->protocol);
  g_free (o->seed);
  g_free (o->atr);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunOptions, run_options_clear)

/* "3B 8B 80 01 …": spaces and colons allowed. */
static GBytes *
parse_atr (const char *text)
{
  g_autoptr(GString) hex = g_string_new (NULL);
  guint8 atr[33];

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ' && *p != ':')
      g_string_append_c (hex, *p);
  if (hex->len < 4 || hex->len > 2 * sizeof atr || hex->len % 2 != 0
      || !ci_hex_decode (hex->str, atr, hex->len / 2))
    return NULL;
  return g_bytes_new (atr, hex->len / 2);
}

static const char *
run_check (const RunOptions *o)
{
  if (o->image == NULL)
    return "--image FILE is required";
  if (o->port < 1 || o->port > 65535)
    return "--port must be 1 to 65535";
  if (o->protocol != NULL && strcmp (o->protocol, "t1") != 0 && strcmp (o->protocol, "t0") != 0)
    return "--protocol must be t1 or t0";
  if (o->power_cut_after < 0)
    return "--power-cut-after must be 1 or more";
  if (o->latency_ms < 0 || o->latency_ms > 60000)
    return "--latency-ms must be 0 to 60000";
  if (o->max_apdu != 0 && (o->max_apdu < 16 || o->max_apdu > 65535))
    return "--max-apdu must be 16 to 65535";
  if (o->hopper < 0)
    return "--hopper must be 1 or more";
  if (o->atr != NULL)
    {
      g_autoptr(GBytes) atr = parse_atr (o->atr);

      if (atr == NULL)
        return "--atr needs 2 to 33 bytes in hex";
    }
  return NULL;
}

/* A path that does not exist yet becomes a factory-blank card. */
static CiVcard *
open_or_create (const char  *image,
                gboolean     quiet,
                GError     **error)
{
  guint8 key[CI_VCARD_KEY_LEN];
  g_autoptr(CiVcard) card = NULL;

  if (g_file_test (image, G_FILE_TEST_EXISTS))
    return ci_vcard_load (image, error);
  g_assert (ci_hex_decode (CI_VCARD_DEFAULT_TRANSPORT_KEY, key, sizeof key));
  card = ci_vcard_new_blank (key);
  OPENSSL_cleanse (key, sizeof key);
  if (!ci_vcard_save (card, image, error))
    return NULL;
  if (!quiet)
    g_printerr ("cardissue-vcard: %s did not exist; it is now a blank card\n", image);
  return g_steal_pointer (&card);
}

static int
run_card (const RunOptions *o)
{
  CiVpcdOptions vpcd = { o->host ? o->host : CI_VPCD_DEFAULT_HOST, (guint16) o->port,
                         o->reconnect, (guint) o->power_cut_after, (guint) o->latency_ms,
                         o->quiet, (guint) o->hopper };
  g_autoptr(CiVcard) card = NULL;
  GError *error = NULL;

  if ((card = open_or_create (o->image, o->quiet, &error)) == NULL)
    return fail (error);
  ci_vcard_set_image (card, o->image);
  ci_vcard_set_protocol (card, g_strcmp0 (o->protocol, "t0") == 0 ? CI_VCARD_PROTOCOL_T0
                                                                  : CI_VCARD_PROTOCOL_T1);
  ci_vcard_set_max_apdu (card, (gsize) o->max_apdu);
  ci_vcard_set_seed (card, o->seed);
  if (o->atr)
    {
      g_autoptr(GBytes) atr = parse_atr (o->atr);

      ci_vcard_set_atr (card, atr);
    }
  switch (ci_vpcd_run (card, &vpcd, &error))
    {
    case CI_VPCD_END_POWER_CUT:
      return EXIT_POWER_CUT;
    case CI_VPCD_END_ERROR:
      return fail (error);
    default:
      return EXIT_OK;
    }
}

static int
cmd_run (GStrv *args)
{
  g_auto(RunOptions) o = { .port = CI_VPCD_DEFAULT_PORT };
  GOptionEntry entries[] = {
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &o.image,
      "The card image; a missing file becomes a blank card", "FILE" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &o.host,
      "Where the vpcd reader listens (localhost)", "HOST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o.port,
      "Its port: 35963 for slot 0 (default), 35964 for slot 1", "N" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol,
      "t1 (default) or t0: 61xx, 6Cxx and GET RESPONSE, no extended lengths", "t1|t0" },
    { "power-cut-after", 0, 0, G_OPTION_ARG_INT, &o.power_cut_after,
      "Vanish after the Nth command, its effect saved but its answer never sent (exit 3)", "N" },
    { "atr", 0, 0, G_OPTION_ARG_STRING, &o.atr,
      "Answer to reset with these bytes, to play another card type (default: profile §1)",
      "HEX" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &o.latency_ms,
      "Wait this long before each response", "MS" },
    { "max-apdu", 0, 0, G_OPTION_ARG_INT, &o.max_apdu,
      "A small buffer: at most N data bytes in a command or a response", "N" },
    { "hopper", 0, 0, G_OPTION_ARG_INT, &o.hopper,
      "Eject an issued card at power off (to FILE.1, FILE.2, …) and feed the next of N blank "
      "cards; exit 0 when the last is out", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed,
      "Repeatable challenges, so a recorded session replays (benchmarks only: never for a "
      "card in use)", "TEXT" },
    { "reconnect", 0, 0, G_OPTION_ARG_NONE, &o.reconnect,
      "When the reader hangs up, connect again instead of exiting", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "Print errors only", NULL },
    { NULL }
  };
  int status = EXIT_OK;
  const char *problem;

  if (!parse ("run", "Puts the virtual card into a vpcd virtual reader of pcscd.",
              "Commands:\n"
              "  run      serve the card to the reader (the default)\n"
              "  blank    make a factory-blank card image\n"
              "  forge    make a programmable clone from copied files\n"
              "  show     print what a card image holds, secrets left out\n"
              "\nSee “cardissue-vcard COMMAND --help”. Exit status: 0 ok, 1 error, "
              "2 usage, 3 power cut.", entries, args, &status))
    return status;
  if ((problem = run_check (&o)) != NULL)
    return usage ("run", problem);
  return run_card (&o);
}

/* ---- blank ---------------------------------------------------------------------------- */

static int
cmd_blank (GStrv *args)
{
  g_autofree char *image = NULL;
  g_autofree char *key_hex = NULL;
  GOptionEntry entries[] = {
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &image, "The card image to create or reset",
      "FILE" },
    { "transport-key", 0, 0, G_OPTION_ARG_STRING, &key_hex,
      "The card maker's AES-128 transport key, 32 hex digits (default: \"CI-TRANSPORT-KEY\")",
      "HEX" },
    { NULL }
  };
  guint8 key[CI_VCARD_KEY_LEN];
  g_autoptr(CiVcard) card = NULL;
  GError *error = NULL;
  int status = EXIT_OK;

  if (!parse ("blank", "Makes FILE a factory-blank card: the MF with EF.ATR/INFO and the "
              "transport key, no application.", NULL, entries, args, &status)
      || !need_image ("blank", image, &status))
    return status;
  if (!ci_hex_decode (key_hex ? key_hex : CI_VCARD_DEFAULT_TRANSPORT_KEY, key, sizeof key))
    return usage ("blank", "--transport-key needs exactly 32 hex digits");
  card = ci_vcard_new_blank (key);
  OPENSSL_cleanse (key, sizeof key);
  if (!ci_vcard_save (card, image, &error))
    return fail (error);
  g_print ("%s is a blank card\n", image);
  return EXIT_OK;
}

/* ---- forge ---------------------------------------------------------------------------- */

/* "C001=E0 1E 80 01 …": a file identifier and its bytes (spaces and colons allowed). */
static gboolean
parse_file (const char         *arg,
            CiVcardFileContent *file)
{
  g_autoptr(GString) hex = g_string_new (NULL);
  g_autofree char *fid_hex = NULL;
  const char *eq = strchr (arg, '=');
  guint8 fid[2];
  guint8 *data;

  if (eq == NULL || eq - arg != 4)
    return FALSE;
  fid_hex = g_strndup (arg, 4);
  for (const char *p = eq + 1; *p != '\0'; p++)
    if (*p != ' ' && *p != ':')
      g_string_append_c (hex, *p);
  if (!ci_hex_decode (fid_hex, fid, sizeof fid) || hex->len % 2 != 0)
    return FALSE;
  data = g_malloc (MAX (hex->len / 2, 1));
  if (!ci_hex_decode (hex->str, data, hex->len / 2))
    {
      g_free (data);
      return FALSE;
    }
  file->fid = (guint16) (fid[0] << 8 | fid[1]);
  file->content = g_bytes_new_take (data, hex->len / 2);
  return TRUE;
}

static void
file_content_clear (gpointer data)
{
  CiVcardFileContent *file = data;

  g_clear_pointer (&file->content, g_bytes_unref);
}

static int
forge_files (const char *image,
             GStrv       specs)
{
  g_autoptr(GArray) files = g_array_new (FALSE, TRUE, sizeof (CiVcardFileContent));
  g_autoptr(CiVcard) card = NULL;
  GError *error = NULL;

  g_array_set_clear_func (files, file_content_clear);
  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      CiVcardFileContent file = { 0 };

      if (!parse_file (specs[i], &file))
        {
          g_autofree char *message = g_strdup_printf ("--file %s: expected FID=HEX, as "
                                                      "C001=E0...", specs[i]);
          return usage ("forge", message);
        }
      g_array_append_val (files, file);
    }
  card = ci_vcard_new_forged ((CiVcardFileContent *) (void *) files->data, files->len, &error);
  if (card == NULL || !ci_vcard_save (card, image, &error))
    return fail (error);
  g_print ("%s is a programmable clone (its key pair does not match its EF.CARDKEY)\n", image);
  return EXIT_OK;
}

static int
cmd_forge (GStrv *args)
{
  g_autofree char *image = NULL;
  g_auto(GStrv) specs = NULL;
  GOptionEntry entries[] = {
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &image, "The clone's image to write", "FILE" },
    { "file", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &specs,
      "A file of DF.CARDISSUE and its bytes, verbatim (repeat for C001 to C005)", "FID=HEX" },
    { NULL }
  };
  int status = EXIT_OK;

  if (!parse ("forge", "Makes a programmable clone: an activated card holding the given files "
              "verbatim, EF.CARDKEY included, but with a key pair of its own.",
              "A door reader must reject it: INTERNAL AUTHENTICATE does not verify against "
              "the copied EF.CARDKEY.", entries, args, &status)
      || !need_image ("forge", image, &status))
    return status;
  return forge_files (image, specs);
}

/* ---- show ----------------------------------------------------------------------------- */

static int
cmd_show (GStrv *args)
{
  g_autofree char *image = NULL;
  g_autofree char *text = NULL;
  GOptionEntry entries[] = {
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &image, "The card image to describe", "FILE" },
    { NULL }
  };
  g_autoptr(CiVcard) card = NULL;
  GError *error = NULL;
  int status = EXIT_OK;

  if (!parse ("show", "Prints the card's life cycle, files, PIN and PUK tries and which keys "
              "exist; never a key, PIN or PUK.", NULL, entries, args, &status)
      || !need_image ("show", image, &status))
    return status;
  if ((card = ci_vcard_load (image, &error)) == NULL)
    return fail (error);
  text = ci_vcard_describe (card);
  g_print ("Card image %s\n%s", image, text);
  return EXIT_OK;
}

/* ---- dispatch ------------------------------------------------------------------------- */

static const Command commands[] = {
  { "run", cmd_run },
  { "blank", cmd_blank },
  { "forge", cmd_forge },
  { "show", cmd_show },
};

/**
 * ci_vcard_cli_run:
 * @argc: from main()
 * @argv: from main()
 *
 * Runs `cardissue-vcard [COMMAND] [OPTION…]`; without a command, run.
 *
 * Returns: the exit status
 */
int
ci_vcard_cli_run (int    argc,
                  char **argv)
{
  g_auto(GStrv) args = NULL;
  const Command *command = &commands[0];

  g_return_val_if_fail (argc >= 1 && argv != NULL, EXIT_USAGE);

  setlocale (LC_ALL, "");
  /* The command line speaks English, its own words and the core's alike:
   * scripts read it, and half-translated output helps nobody. */
  setlocale (LC_MESSAGES, "C");
  args = g_strdupv (argv);
  if (argc > 1 && argv[1][0] != '-')
    {
      command = NULL;
      for (guint i = 0; i < G_N_ELEMENTS (commands) && command == NULL; i++)
        if (strcmp (argv[1], commands[i].name) == 0)
          command = &commands[i];
      if (command == NULL)
        return usage (NULL, "unknown command; use run, blank, forge or show");
      /* Drop the command word: GOption sees "cardissue-vcard OPTION…". */
      g_free (args[1]);
      memmove (args + 1, args + 2, sizeof (char *) * (size_t) (argc - 1));
    }
  return command->func (&args);
}
