/* ci-cli-zone.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-cli.h"
#include "model/ci-model.h"

#include <stdlib.h>

static int
zone_add (CiCli *cli,
          GStrv *args)
{
  g_autofree char *name = NULL, *kind = NULL, *parent = NULL, *tz = NULL;
  int level = 0;
  gboolean hr = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Name people know it by", "TEXT" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, "site, building or area", "KIND" },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, "The zone it lies in", "CODE" },
    { "level", 0, 0, G_OPTION_ARG_INT, &level, "Security level 0–9", "N" },
    { "hr-may-grant", 0, 0, G_OPTION_ARG_NONE, &hr, "HR desks may grant this zone", NULL },
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &tz, "A site's time zone", "Area/City" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiZone) zone = ci_zone_new ();
  g_autoptr(CiZone) parent_zone = NULL;
  GError *error = NULL;
  CiZoneKind k = CI_ZONE_AREA;
  int code;

  if (!ci_cli_parse (entries, args, 1))
    return CI_EXIT_USAGE;
  if (kind && !ci_zone_kind_from_string (kind, &k))
    return ci_cli_usage ("--kind is site, building or area");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (parent && !(parent_zone = ci_store_zone_get_by_code (cli->store, parent, &error)))
    return ci_cli_fail (error);
  ci_zone_set_code (zone, (*args)[1]);
  ci_zone_set_name (zone, name ? name : (*args)[1]);
  ci_zone_set_kind (zone, k);
  ci_zone_set_parent_id (zone, parent_zone ? ci_zone_get_id (parent_zone) : 0);
  ci_zone_set_security_level (zone, level);
  ci_zone_set_hr_may_grant (zone, hr);
  ci_zone_set_time_zone (zone, tz);
  if (!ci_services_zone_add (cli->services, actor, zone, &error))
    return ci_cli_fail (error);
  g_print ("Added %s %s\n", ci_zone_kind_to_string (k), (*args)[1]);
  return CI_EXIT_OK;
}

static int
zone_list (CiCli *cli,
           GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) zones = NULL;
  g_autoptr(GHashTable) depth = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(zones = ci_services_zone_list (cli->services, actor, &error)))
    return ci_cli_fail (error);
  for (guint i = 0; i < zones->len; i++)
    {
      CiZone *z = g_ptr_array_index (zones, i);
      gint64 parent = ci_zone_get_parent_id (z);
      guint d = parent ? GPOINTER_TO_UINT (g_hash_table_lookup (depth, &parent)) + 1 : 0;

      gint64 *id = g_new (gint64, 1);

      *id = ci_zone_get_id (z);
      g_hash_table_insert (depth, id, GUINT_TO_POINTER (d));
      g_print ("%*s%-16s %-9s level %d%s  %s\n", (int) d * 2, "", ci_zone_get_code (z),
               ci_zone_kind_to_string (ci_zone_get_kind (z)), ci_zone_get_security_level (z),
               ci_zone_get_hr_may_grant (z) ? " (HR may grant)" : "", ci_zone_get_name (z));
    }
  return CI_EXIT_OK;
}

static int
schedule_add (CiCli *cli,
              GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiSchedule) schedule = ci_schedule_new ();
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 2))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  ci_schedule_set_name (schedule, (*args)[1]);
  ci_schedule_set_rules (schedule, (*args)[2]);
  if (!ci_services_schedule_add (cli->services, actor, schedule, &error))
    return ci_cli_fail (error);
  g_print ("Added schedule %s\n", (*args)[1]);
  return CI_EXIT_OK;
}

static int
schedule_list (CiCli *cli,
               GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(list = ci_services_schedule_list (cli->services, actor, &error)))
    return ci_cli_fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      CiSchedule *s = g_ptr_array_index (list, i);
      g_print ("%-20s %s\n", ci_schedule_get_name (s), ci_schedule_get_rules (s));
    }
  return CI_EXIT_OK;
}

static int
grant_add (CiCli *cli,
           GStrv *args)
{
  g_autofree char *schedule = NULL, *expires = NULL;
  GOptionEntry entries[] = {
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, "Only at these times", "NAME" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires, "Last day of access", "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiGrant) grant = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 2))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(grant = ci_services_grant (cli->services, actor, (*args)[1], (*args)[2], schedule,
                                   expires, &error)))
    return ci_cli_fail (error);
  g_print ("%s may now enter %s\n", (*args)[1], (*args)[2]);
  return CI_EXIT_OK;
}

static int
grant_withdraw (CiCli *cli,
                GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 2))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!ci_services_withdraw (cli->services, actor, (*args)[1], (*args)[2], &error))
    return ci_cli_fail (error);
  g_print ("%s may no longer enter %s\n", (*args)[1], (*args)[2]);
  return CI_EXIT_OK;
}

static int
grant_list (CiCli *cli,
            GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) grants = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 1))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(grants = ci_services_grant_list (cli->services, actor, (*args)[1], &error)))
    return ci_cli_fail (error);
  for (guint i = 0; i < grants->len; i++)
    {
      CiGrant *g = g_ptr_array_index (grants, i);
      g_autoptr(CiZone) z = ci_store_zone_get (cli->store, ci_grant_get_zone_id (g), NULL);
      g_autoptr(CiSchedule) s = ci_grant_get_schedule_id (g)
        ? ci_store_schedule_get (cli->store, ci_grant_get_schedule_id (g), NULL) : NULL;

      g_print ("%-16s %-20s %s (granted by %s)\n", z ? ci_zone_get_code (z) : "?",
               s ? ci_schedule_get_name (s) : "any time",
               ci_grant_get_expires (g) ? ci_grant_get_expires (g) : "no expiry",
               ci_grant_get_granted_by (g));
    }
  return CI_EXIT_OK;
}

static int
card_request (CiCli *cli,
              GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiCard) card = NULL;
  g_autofree char *serial = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 1))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(card = ci_services_card_request (cli->services, actor, (*args)[1], &error)))
    return ci_cli_fail (error);
  serial = ci_card_format_serial (ci_card_get_serial (card));
  g_print ("Card %s requested for %s\n", serial, (*args)[1]);
  return CI_EXIT_OK;
}

static int
card_state (CiCli *cli,
            GStrv *args)
{
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why (kept in the audit log)", "TEXT" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  GError *error = NULL;
  CiCardState state;
  gint64 serial;
  char *end = NULL;
  int code;

  if (!ci_cli_parse (entries, args, 2))
    return CI_EXIT_USAGE;
  serial = g_ascii_strtoll ((*args)[1], &end, 10);
  if (end == (*args)[1] || *end || serial <= 0)
    return ci_cli_usage ("the card serial is a number, as printed on the card");
  if (!ci_card_state_from_string ((*args)[2], &state))
    return ci_cli_usage ("states: active, suspended, lost, stolen, damaged, revoked, destroyed");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!ci_services_card_set_state (cli->services, actor, serial, state, reason, &error))
    return ci_cli_fail (error);
  g_print ("Card %s is now %s\n", (*args)[1], (*args)[2]);
  return CI_EXIT_OK;
}

const CiCliCommand ci_cli_zone_commands[] = {
  { "zone", "add", zone_add, "CODE", "Define a site, building or area" },
  { "zone", "list", zone_list, NULL, "Show the zone hierarchy" },
  { "schedule", "add", schedule_add, "NAME RULES", "Define when, e.g. \"mon-fri 07:00-19:00\"" },
  { "schedule", "list", schedule_list, NULL, "List schedules" },
  { "grant", "add", grant_add, "NUMBER ZONE", "Let an employee enter a zone" },
  { "grant", "withdraw", grant_withdraw, "NUMBER ZONE", "Take a zone away" },
  { "grant", "list", grant_list, "NUMBER", "Show an employee's zones" },
  { "card", "request", card_request, "NUMBER", "Record a new card for an employee" },
  { "card", "set-state", card_state, "SERIAL STATE", "Block (lost, stolen…) or change a card" },
  { NULL }
};
