/* ci-cli-admin.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-cli.h"
#include "face/ci-face-sample.h"
#include "model/ci-model.h"
#include "store/ci-store.h"

#include <glib/gstdio.h>
#include <string.h>

static void
wipe_free (char *secret)
{
  if (secret)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

typedef char SecretChar;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretChar, wipe_free)

/* The new key store's secret: a passphrase chosen now for a file, the PIN
 * the token has already for a token. */
static char *
read_new_store_secret (CiCli   *cli,
                       GError **error)
{
  if (ci_key_store_location_is_pkcs11 (cli->keystore))
    return ci_cli_read_secret ("CARDISSUE_KEYSTORE_PIN", "Token PIN", FALSE, error);
  return ci_cli_read_secret ("CARDISSUE_KEYSTORE_PASSPHRASE", "New key store passphrase", TRUE,
                             error);
}

/* First run: the key store and the first administrator. The key store is
 * created only once the administrator's details are known to be acceptable;
 * in a token, its keys are generated there. */
static int
init (CiCli *cli,
      GStrv *args)
{
  g_autofree char *admin = NULL, *name = NULL;
  GOptionEntry entries[] = {
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin, "The first administrator's login", "LOGIN" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Their display name", "TEXT" },
    { NULL }
  };
  g_autoptr(SecretChar) password = NULL;
  g_autoptr(SecretChar) passphrase = NULL;
  g_autoptr(CiOperator) op = NULL;
  GError *error = NULL;

  if (!ci_cli_parse (entries, args, 0))
    return CI_EXIT_USAGE;
  if (admin == NULL)
    return ci_cli_usage ("init needs --admin LOGIN");
  if (!ci_cli_open (cli, &error))
    return ci_cli_fail (error);
  if (!ci_services_needs_setup (cli->services))
    return ci_cli_usage ("this database is set up already");
  if (cli->keys != NULL)
    {
      g_printerr ("cardissue-cli: a key store exists already at %s; move it away or give "
                  "--keystore\n", cli->keystore);
      return CI_EXIT_INVALID;
    }
  if (!(password = ci_cli_read_secret ("CARDISSUE_PASSWORD", "New administrator password",
                                       TRUE, &error))
      || !(passphrase = read_new_store_secret (cli, &error)))
    return ci_cli_fail (error);
  if (g_utf8_strlen (password, -1) < CI_PASSWORD_MIN_CHARS)
    return ci_cli_usage ("the password needs at least 10 characters");
  op = ci_services_first_run (cli->services, cli->keystore, passphrase, admin,
                              name ? name : admin, password, &error);
  if (op == NULL)
    return ci_cli_fail (error);
  cli->keys = g_object_ref (ci_services_get_key_store (cli->services));
  g_print ("Created the key store %s and administrator %s.\n", cli->keystore, admin);
  if (ci_key_store_is_pkcs11 (cli->keys))
    g_print ("The keys were generated in the token and never leave it.\n");
  return CI_EXIT_OK;
}

static const struct
{
  const char *number, *given, *family, *department, *title;
} demo_people[] = {
  { "E-1001", "Anna", "Müller", "Human Resources", "HR Manager" },
  { "E-1002", "José", "García Fernández", "Engineering", "Engineer" },
  { "E-1003", "Ólafur", "Jónsson", "Engineering", "Technician" },
  { "E-1004", "Дмитрий", "Иванов", "Security", "Guard" },
  { "E-1005", "Ελένη", "Παπαδοπούλου", "Finance", "Accountant" },
  { "E-1006", "美咲", "佐藤", "Research", "Scientist" },
  { "E-1007", "محمد", "العلي", "Logistics", "Driver" },
  { "E-1008", "נועה", "כהן", "Research", "Lab Lead" },
  { "E-1009", "Zoë", "O'Brien-Smith", "Reception", "Front Desk" },
  { "E-1010", "François", "Lefèvre", "Engineering", "Architect" },
};

static gboolean
demo_operators (CiCli       *cli,
                CiOperator  *admin,
                GError     **error)
{
  static const struct { const char *login, *name; CiRole roles; } ops[] = {
    { "hr", "Helga Richter (HR)", CI_ROLE_HR },
    { "security", "Sam Okafor (Security)", CI_ROLE_SECURITY },
    { "frontdesk", "Fatima Demir (Front desk)", CI_ROLE_FRONT_DESK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(CiOperator) op = ci_operator_new ();
      ci_operator_set_login (op, ops[i].login);
      ci_operator_set_display_name (op, ops[i].name);
      ci_operator_set_roles (op, ops[i].roles);
      if (!ci_services_operator_add (cli->services, admin, op, "demo-password", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
demo_zones (CiCli       *cli,
            CiOperator  *sec,
            GError     **error)
{
  static const struct { const char *code, *name, *parent; CiZoneKind kind; int level;
                        gboolean hr; } zones[] = {
    { "HQ", "Headquarters", NULL, CI_ZONE_SITE, 0, TRUE },
    { "HQ-A", "Building A", "HQ", CI_ZONE_BUILDING, 1, TRUE },
    { "HQ-A-LOBBY", "Lobby", "HQ-A", CI_ZONE_AREA, 0, TRUE },
    { "HQ-A-OFFICES", "Offices", "HQ-A", CI_ZONE_AREA, 2, TRUE },
    { "HQ-A-SERVER", "Server room", "HQ-A", CI_ZONE_AREA, 8, FALSE },
    { "HQ-B", "Laboratories", "HQ", CI_ZONE_BUILDING, 5, FALSE },
  };
  g_autoptr(CiSchedule) office = ci_schedule_new ();

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autoptr(CiZone) z = ci_zone_new ();
      g_autoptr(CiZone) parent = zones[i].parent
        ? ci_store_zone_get_by_code (cli->store, zones[i].parent, error) : NULL;

      if (zones[i].parent && parent == NULL)
        return FALSE;
      ci_zone_set_code (z, zones[i].code);
      ci_zone_set_name (z, zones[i].name);
      ci_zone_set_kind (z, zones[i].kind);
      ci_zone_set_parent_id (z, parent ? ci_zone_get_id (parent) : 0);
      ci_zone_set_security_level (z, zones[i].level);
      ci_zone_set_hr_may_grant (z, zones[i].hr);
      ci_zone_set_time_zone (z, zones[i].kind == CI_ZONE_SITE ? "Europe/Berlin" : NULL);
      if (!ci_services_zone_add (cli->services, sec, z, error))
        return FALSE;
    }
  ci_schedule_set_name (office, "office-hours");
  ci_schedule_set_rules (office, "mon-fri 07:00-19:00; sat 08:00-12:00");
  return ci_services_schedule_add (cli->services, sec, office, error);
}

static gboolean
demo_employees (CiCli       *cli,
                CiOperator  *hr,
                GError     **error)
{
  g_autoptr(CiGrant) offices = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (demo_people); i++)
    {
      g_autoptr(CiEmployee) e = ci_employee_new ();
      g_autofree char *email = g_strdup_printf ("%s@example.com", demo_people[i].number);
      g_autoptr(GBytes) photo = ci_face_sample_portrait (demo_people[i].number);

      ci_employee_set_number (e, demo_people[i].number);
      ci_employee_set_given_name (e, demo_people[i].given);
      ci_employee_set_family_name (e, demo_people[i].family);
      ci_employee_set_department (e, demo_people[i].department);
      ci_employee_set_job_title (e, demo_people[i].title);
      ci_employee_set_email (e, email);
      ci_employee_set_valid_from (e, "2026-01-01");
      ci_employee_set_valid_until (e, "2028-12-31");
      ci_employee_set_photo (e, photo);
      g_autoptr(CiGrant) lobby = NULL;
      if (!ci_services_employee_enroll (cli->services, hr, e, error)
          || !(lobby = ci_services_grant (cli->services, hr, demo_people[i].number, "HQ-A-LOBBY",
                                          NULL, NULL, error)))
        return FALSE;
    }
  offices = ci_services_grant (cli->services, hr, "E-1001", "HQ-A-OFFICES", "office-hours", NULL,
                               error);
  return offices != NULL;
}

/* A database to try things on: operators for each role, zones, employees with
 * names in many scripts. The passwords are printed: it is a demo. */
static int
demo (CiCli *cli,
      GStrv *args)
{
  g_autoptr(CiOperator) admin = NULL, hr = NULL, sec = NULL;
  g_autoptr(SecretChar) pin = NULL;
  g_autofree char *database = NULL;
  gboolean token = ci_key_store_location_is_pkcs11 (cli->keystore);
  GError *error = NULL;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if (!ci_cli_open (cli, &error))
    return ci_cli_fail (error);
  if (!ci_services_needs_setup (cli->services))
    return ci_cli_usage ("this database is set up already; give --database for a new one");
  if (cli->keys == NULL)
    {
      /* A token keeps its own PIN; a demo file gets a passphrase everyone knows. */
      if (token && !(pin = ci_cli_read_secret ("CARDISSUE_KEYSTORE_PIN", "Token PIN", FALSE,
                                               &error)))
        return ci_cli_fail (error);
      if (!(cli->keys = ci_key_store_create_location (cli->keystore,
                                                      token ? pin : "demo-keystore-passphrase",
                                                      &error)))
        return ci_cli_fail (error);
      ci_services_set_key_store (cli->services, cli->keys);
    }
  if (!(admin = ci_services_setup_first_admin (cli->services, "admin", "Demo Administrator",
                                               "demo-password", &error))
      || !demo_operators (cli, admin, &error)
      || !(sec = ci_services_authenticate (cli->services, "security", "demo-password", &error))
      || !demo_zones (cli, sec, &error)
      || !(hr = ci_services_authenticate (cli->services, "hr", "demo-password", &error))
      || !demo_employees (cli, hr, &error)
      /* Shown on the desktop application's sign-in page. */
      || !ci_store_set_setting (cli->store, "sign-in-notice",
                                "Demo database: sign in as hr, security, frontdesk or admin, "
                                "password demo-password.", &error))
    return ci_cli_fail (error);
  database = ci_store_location_describe (cli->database);
  g_print ("Demo database: %s\nKey store:     %s (%s)\n"
           "Operators admin, hr, security, frontdesk — password demo-password\n",
           database, cli->keystore,
           token ? "the token's PIN" : "passphrase demo-keystore-passphrase");
  return CI_EXIT_OK;
}

static int
operator_add (CiCli *cli,
              GStrv *args)
{
  g_autofree char *name = NULL, *roles = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name", "TEXT" },
    { "roles", 0, 0, G_OPTION_ARG_STRING, &roles, "hr, security, front-desk, admin", "LIST" },
    { NULL }
  };
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiOperator) op = ci_operator_new ();
  g_autoptr(SecretChar) password = NULL;
  GError *error = NULL;
  CiRole r;
  int code;

  if (!ci_cli_parse (entries, args, 1))
    return CI_EXIT_USAGE;
  if (!ci_roles_from_string (roles, &r, &error))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(password = ci_cli_read_secret ("CARDISSUE_NEW_PASSWORD", "New operator's password",
                                       TRUE, &error)))
    return ci_cli_fail (error);
  ci_operator_set_login (op, (*args)[1]);
  ci_operator_set_display_name (op, name ? name : (*args)[1]);
  ci_operator_set_roles (op, r);
  if (!ci_services_operator_add (cli->services, actor, op, password, &error))
    return ci_cli_fail (error);
  g_print ("Added operator %s (%s)\n", (*args)[1], roles);
  return CI_EXIT_OK;
}

static int
operator_list (CiCli *cli,
               GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(ops = ci_services_operator_list (cli->services, actor, &error)))
    return ci_cli_fail (error);
  for (guint i = 0; i < ops->len; i++)
    {
      CiOperator *op = g_ptr_array_index (ops, i);
      g_autofree char *roles = ci_roles_to_string (ci_operator_get_roles (op));
      gboolean locked = ci_operator_get_locked_until (op) > g_get_real_time () / G_USEC_PER_SEC;

      g_print ("%-16s %-28s %-24s %s%s\n", ci_operator_get_login (op),
               ci_operator_get_display_name (op), roles,
               ci_operator_get_active (op) ? "active" : "disabled", locked ? ", locked" : "");
    }
  return CI_EXIT_OK;
}

static int
operator_change (CiCli *cli,
                 GStrv *args,
                 guint  n_positional)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(SecretChar) password = NULL;
  GError *error = NULL;
  const char *verb = strchr ((*args)[0], ' ') + 1;
  gboolean ok;
  CiRole roles;
  int code;

  if (!ci_cli_parse (NULL, args, n_positional))
    return CI_EXIT_USAGE;
  if (g_str_equal (verb, "set-roles") && !ci_roles_from_string ((*args)[2], &roles, &error))
    return ci_cli_fail (error);
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (g_str_equal (verb, "set-roles"))
    ok = ci_services_operator_set_roles (cli->services, actor, (*args)[1], roles, &error);
  else if (g_str_equal (verb, "password"))
    ok = (password = ci_cli_read_secret ("CARDISSUE_NEW_PASSWORD", "New password", TRUE, &error))
         && ci_services_operator_set_password (cli->services, actor, (*args)[1], password, &error);
  else if (g_str_equal (verb, "unlock"))
    ok = ci_services_operator_unlock (cli->services, actor, (*args)[1], &error);
  else
    ok = ci_services_operator_set_active (cli->services, actor, (*args)[1],
                                          g_str_equal (verb, "enable"), &error);
  if (!ok)
    return ci_cli_fail (error);
  g_print ("Done: %s %s\n", verb, (*args)[1]);
  return CI_EXIT_OK;
}

static int
operator_one (CiCli *cli,
              GStrv *args)
{
  return operator_change (cli, args, 1);
}

static int
operator_two (CiCli *cli,
              GStrv *args)
{
  return operator_change (cli, args, 2);
}

static int
role_list (CiCli *cli,
           GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(CiPolicy) policy = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 0))
    return CI_EXIT_USAGE;
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!(policy = ci_services_policy_get (cli->services, actor, &error)))
    return ci_cli_fail (error);
  g_print ("%-20s %-8s %-8s %-11s %s\n", "action", "hr", "security", "front-desk", "admin");
  for (guint a = 0; a < CI_N_ACTIONS; a++)
    g_print ("%-20s %-8s %-8s %-11s %s\n", ci_action_to_string (a),
             ci_scope_to_string (ci_policy_get (policy, CI_ROLE_HR, a)),
             ci_scope_to_string (ci_policy_get (policy, CI_ROLE_SECURITY, a)),
             ci_scope_to_string (ci_policy_get (policy, CI_ROLE_FRONT_DESK, a)),
             ci_scope_to_string (ci_policy_get (policy, CI_ROLE_ADMIN, a)));
  return CI_EXIT_OK;
}

static int
role_set (CiCli *cli,
          GStrv *args)
{
  g_autoptr(CiOperator) actor = NULL;
  GError *error = NULL;
  CiRole role;
  CiAction action;
  CiScope scope;
  int code;

  if (!ci_cli_parse (NULL, args, 3))
    return CI_EXIT_USAGE;
  if (!ci_role_from_string ((*args)[1], &role))
    return ci_cli_usage ("roles: hr, security, front-desk, admin");
  if (!ci_action_from_string ((*args)[2], &action))
    return ci_cli_usage ("unknown action; “role list” shows them");
  if (!ci_scope_from_string ((*args)[3], &scope))
    return ci_cli_usage ("scopes: none, limited, all");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (!ci_services_policy_set (cli->services, actor, role, action, scope, &error))
    return ci_cli_fail (error);
  g_print ("%s: %s is now %s\n", (*args)[1], (*args)[2], (*args)[3]);
  return CI_EXIT_OK;
}

/* Moves the key store file given by --keystore into a token, once. */
static int
keystore_migrate (CiCli *cli,
                  GStrv *args)
{
  g_autofree char *module = NULL, *label = NULL, *moved_to = NULL, *location = NULL;
  g_autoptr(CiOperator) actor = NULL;
  g_autoptr(SecretChar) passphrase = NULL;
  g_autoptr(SecretChar) pin = NULL;
  GError *error = NULL;
  int code;

  if (!ci_cli_parse (NULL, args, 1))
    return CI_EXIT_USAGE;
  if (!ci_key_store_parse_pkcs11_uri ((*args)[1], &module, &label, &error))
    return ci_cli_fail (error);
  if (ci_key_store_location_is_pkcs11 (cli->keystore))
    return ci_cli_usage ("give the key store file to move with --keystore FILE");
  if ((code = ci_cli_session (cli, &actor)))
    return code;
  if (cli->keys == NULL)
    {
      g_printerr ("cardissue-cli: there is no key store at %s\n", cli->keystore);
      return CI_EXIT_NOT_FOUND;
    }
  if (!ci_key_store_is_unlocked (cli->keys)
      && (!(passphrase = ci_cli_read_secret ("CARDISSUE_KEYSTORE_PASSPHRASE",
                                             "Key store passphrase", FALSE, &error))
          || !ci_key_store_unlock (cli->keys, passphrase, &error)))
    return ci_cli_fail (error);
  if (!(pin = ci_cli_read_secret ("CARDISSUE_KEYSTORE_PIN", "Token PIN", FALSE, &error))
      || !ci_services_keys_migrate_to_token (cli->services, actor, module, label, pin,
                                             &moved_to, &error))
    return ci_cli_fail (error);
  location = ci_key_store_pkcs11_uri (module, label);
  g_print ("Moved the keys of %s into the token “%s”.\n"
           "The file is now %s, so nothing uses it by mistake. It still holds the keys\n"
           "under the passphrase: keep it offline as the backup, or destroy it.\n"
           "From now on give --keystore '%s'.\n", cli->keystore, label, moved_to, location);
  return CI_EXIT_OK;
}

const CiCliCommand ci_cli_admin_commands[] = {
  { "init", NULL, init, NULL, "First run: key store and first administrator" },
  { "demo", NULL, demo, NULL, "Create a demo database with sample data" },
  { "operator", "add", operator_add, "LOGIN", "Add an operator (asks for a password)" },
  { "operator", "list", operator_list, NULL, "List operators" },
  { "operator", "set-roles", operator_two, "LOGIN ROLES", "Change an operator's roles" },
  { "operator", "password", operator_one, "LOGIN", "Set an operator's password" },
  { "operator", "disable", operator_one, "LOGIN", "Stop an operator signing in" },
  { "operator", "enable", operator_one, "LOGIN", "Let a disabled operator sign in again" },
  { "operator", "unlock", operator_one, "LOGIN", "Lift a lockout after wrong passwords" },
  { "role", "list", role_list, NULL, "Show the permission matrix" },
  { "role", "set", role_set, "ROLE ACTION SCOPE", "Change one permission" },
  { "keystore", "migrate-to-token", keystore_migrate, "PKCS11-URI",
    "Move the key store file into a token, once" },
  { NULL }
};
