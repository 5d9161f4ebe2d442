/* ci-services-operators.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"
#include "keys/ci-password.h"


/**
 * ci_services_operator_add:
 * @self: a #CiServices
 * @actor: the signed-in administrator
 * @op: the new operator (login, display name, roles)
 * @password: the operator's first password
 * @error: return location for an error
 *
 * Returns: %TRUE if the operator was created
 */
gboolean
ci_services_operator_add (CiServices  *self,
                          CiOperator  *actor,
                          CiOperator  *op,
                          const char  *password,
                          GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autofree char *roles = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_OPERATOR (op), FALSE);

  if (!_ci_call_start (&call, self, actor, "operator.add", CI_ACTION_ADMIN, TRUE,
                       "operator", ci_operator_get_login (op), error))
    return FALSE;
  roles = ci_roles_to_string (ci_operator_get_roles (op));
  _ci_call_detail (&call, "roles", roles);
  ci_operator_set_active (op, TRUE);
  ci_operator_set_failed_attempts (op, 0);
  ci_operator_set_locked_until (op, 0);
  if (!ci_operator_validate (op, error) || !_ci_check_password (password, error)
      || !(hash = ci_password_hash (password, error)))
    return _ci_call_fail (&call, error);
  ci_operator_set_password_hash (op, hash);
  if (!ci_store_operator_insert (self->store, op, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

typedef gboolean (*OperatorEdit) (CiOperator *op, gconstpointer data, GError **error);

/* The shape every operator change shares: admin only, load, edit, save, audit. */
static gboolean
edit_operator (CiServices    *self,
               CiOperator    *actor,
               const char    *action,
               const char    *login,
               OperatorEdit   edit,
               gconstpointer  data,
               const char    *detail,
               GError       **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiOperator) op = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (login != NULL, FALSE);

  if (!_ci_call_start (&call, self, actor, action, CI_ACTION_ADMIN, TRUE, "operator", login,
                       error))
    return FALSE;
  if (detail)
    _ci_call_detail (&call, "value", detail);
  if (!(op = ci_store_operator_get (self->store, login, error))
      || !edit (op, data, error)
      || !ci_operator_validate (op, error)
      || !ci_store_operator_update (self->store, op, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

static gboolean
edit_roles (CiOperator    *op,
            gconstpointer  data,
            GError       **error)
{
  ci_operator_set_roles (op, *(const CiRole *) data);
  return TRUE;
}

gboolean
ci_services_operator_set_roles (CiServices  *self,
                                CiOperator  *actor,
                                const char  *login,
                                CiRole       roles,
                                GError     **error)
{
  g_autofree char *text = ci_roles_to_string (roles);

  return edit_operator (self, actor, "operator.roles", login, edit_roles, &roles, text, error);
}

static gboolean
edit_password (CiOperator    *op,
               gconstpointer  data,
               GError       **error)
{
  g_autofree char *hash = NULL;

  if (!_ci_check_password (data, error) || !(hash = ci_password_hash (data, error)))
    return FALSE;
  ci_operator_set_password_hash (op, hash);
  ci_operator_set_failed_attempts (op, 0);
  ci_operator_set_locked_until (op, 0);
  return TRUE;
}

/**
 * ci_services_operator_set_password:
 * @self: a #CiServices
 * @actor: the signed-in administrator
 * @login: whose password
 * @password: the new password (never audited)
 * @error: return location for an error
 *
 * Returns: %TRUE if the password was changed
 */
gboolean
ci_services_operator_set_password (CiServices  *self,
                                   CiOperator  *actor,
                                   const char  *login,
                                   const char  *password,
                                   GError     **error)
{
  return edit_operator (self, actor, "operator.password", login, edit_password, password, NULL,
                        error);
}

typedef struct
{
  gboolean    active;
  const char *actor_login;
} ActiveEdit;

static gboolean
edit_active (CiOperator    *op,
             gconstpointer  data,
             GError       **error)
{
  const ActiveEdit *edit = data;

  /* Checked here, after the role check, so the refusal is audited like any other. */
  if (!edit->active && g_strcmp0 (ci_operator_get_login (op), edit->actor_login) == 0)
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                           _("You cannot disable your own account"));
      return FALSE;
    }
  ci_operator_set_active (op, edit->active);
  return TRUE;
}

gboolean
ci_services_operator_set_active (CiServices  *self,
                                 CiOperator  *actor,
                                 const char  *login,
                                 gboolean     active,
                                 GError     **error)
{
  ActiveEdit edit = { active, actor ? ci_operator_get_login (actor) : NULL };

  return edit_operator (self, actor, active ? "operator.enable" : "operator.disable", login,
                        edit_active, &edit, NULL, error);
}

static gboolean
edit_unlock (CiOperator    *op,
             gconstpointer  data,
             GError       **error)
{
  ci_operator_set_failed_attempts (op, 0);
  ci_operator_set_locked_until (op, 0);
  return TRUE;
}

gboolean
ci_services_operator_unlock (CiServices  *self,
                             CiOperator  *actor,
                             const char  *login,
                             GError     **error)
{
  return edit_operator (self, actor, "operator.unlock", login, edit_unlock, NULL, NULL, error);
}

/**
 * ci_services_operator_list:
 * @self: a #CiServices
 * @actor: the signed-in administrator
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiOperator): every operator, by login
 */
GPtrArray *
ci_services_operator_list (CiServices  *self,
                           CiOperator  *actor,
                           GError     **error)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  return _ci_services_list (self, actor, "operator.list", CI_ACTION_ADMIN, ci_store_operator_list,
                            error);
}

/**
 * ci_services_policy_set:
 * @self: a #CiServices
 * @actor: the signed-in administrator
 * @role: whose permission
 * @action: which action
 * @scope: what the role may now do
 * @error: return location for an error
 *
 * Changes one cell of the role matrix. The administrators' own right to
 * administer cannot be taken away, so the matrix can always be repaired.
 *
 * Returns: %TRUE if the change was stored
 */
gboolean
ci_services_policy_set (CiServices  *self,
                        CiOperator  *actor,
                        CiRole       role,
                        CiAction     action,
                        CiScope      scope,
                        GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (action < CI_N_ACTIONS && scope <= CI_SCOPE_ALL, FALSE);

  if (!_ci_call_start (&call, self, actor, "policy.set", CI_ACTION_ADMIN, TRUE,
                       "role", ci_role_to_string (role), error))
    return FALSE;
  _ci_call_detail (&call, "action", ci_action_to_string (action));
  _ci_call_detail (&call, "scope", ci_scope_to_string (scope));
  if (role == CI_ROLE_ADMIN && action == CI_ACTION_ADMIN && scope != CI_SCOPE_ALL)
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                           _("Administrators must keep the right to administer"));
      return _ci_call_fail (&call, error);
    }
  if (!ci_store_policy_save (self->store, role, action, scope, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_policy_get:
 * @self: a #CiServices
 * @actor: the signed-in administrator
 * @error: return location for an error
 *
 * Returns: (transfer full): the role matrix in force
 */
CiPolicy *
ci_services_policy_get (CiServices  *self,
                        CiOperator  *actor,
                        GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "policy.list", CI_ACTION_ADMIN, FALSE,
                       NULL, NULL, error))
    return NULL;
  if (!ci_store_policy_load (self->store, policy, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&policy) : NULL;
}

/**
 * ci_services_operator_scopes:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @scopes: (out caller-allocates) (array fixed-size=CI_N_ACTIONS): what
 *   @actor's roles allow, per #CiAction
 * @error: return location for an error
 *
 * For a front end to offer only what the operator may do. It grants nothing:
 * every service checks the roles again when called. Reading one's own rights
 * changes nothing and is not audited.
 *
 * Returns: %TRUE if @scopes was filled in
 */
gboolean
ci_services_operator_scopes (CiServices  *self,
                             CiOperator  *actor,
                             CiScope     *scopes,
                             GError     **error)
{
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();
  g_autoptr(CiOperator) current = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (CI_IS_OPERATOR (actor), FALSE);
  g_return_val_if_fail (scopes != NULL, FALSE);

  current = ci_store_operator_get (self->store, ci_operator_get_login (actor), error);
  if (current == NULL || !ci_store_policy_load (self->store, policy, error))
    return FALSE;
  for (guint a = 0; a < CI_N_ACTIONS; a++)
    scopes[a] = ci_operator_get_active (current)
                ? ci_policy_scope_for (policy, ci_operator_get_roles (current), a)
                : CI_SCOPE_NONE;
  return TRUE;
}

/**
 * ci_services_first_run:
 * @self: a #CiServices on a database without operators
 * @keystore_path: where the new key store goes: a file that must not exist
 *   yet, or the `pkcs11:` location of a token without CardIssue keys (see
 *   ci_key_store_create_location())
 * @passphrase: the key store's admin passphrase, or the token's user PIN
 * @login: the first administrator's login
 * @display_name: their name
 * @password: their password
 * @error: return location for an error
 *
 * First-run setup: creates the key store (issuer and master keys) and the
 * first administrator. If the administrator cannot be created, the new key
 * store is removed again (the file, or the keys made in the token), so the
 * setup can simply be retried.
 *
 * Returns: (transfer full): the administrator; the key store is set on @self
 */
CiOperator *
ci_services_first_run (CiServices  *self,
                       const char  *keystore_path,
                       const char  *passphrase,
                       const char  *login,
                       const char  *display_name,
                       const char  *password,
                       GError     **error)
{
  g_autoptr(CiKeyStore) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  CiOperator *op;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (keystore_path != NULL && passphrase != NULL, NULL);

  if (!ci_services_needs_setup (self))
    {
      _ci_record (self, login, "setup.first-run", "operator", login, CI_OUTCOME_REFUSED,
                  "set up already", "{}", g_get_monotonic_time ());
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                           _("This database is set up already; sign in as an administrator"));
      return NULL;
    }
  if (!ci_key_store_location_is_pkcs11 (keystore_path)
      && g_file_test (keystore_path, G_FILE_TEST_EXISTS))
    {
      _ci_record (self, login, "setup.first-run", "operator", login, CI_OUTCOME_REFUSED,
                  "a key store exists already", "{}", g_get_monotonic_time ());
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                   _("A key store exists already at %s; move it away or choose another place"),
                   keystore_path);
      return NULL;
    }
  if (!_ci_check_password (password, error))
    return NULL;
  if (!(keys = ci_key_store_create_location (keystore_path, passphrase, &local_error)))
    {
      if (g_error_matches (local_error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS))
        _ci_record (self, login, "setup.first-run", "operator", login, CI_OUTCOME_REFUSED,
                    "a key store exists already", "{}", g_get_monotonic_time ());
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  ci_services_set_key_store (self, keys);
  op = ci_services_setup_first_admin (self, login, display_name, password, error);
  if (op == NULL)
    {
      ci_services_set_key_store (self, NULL);
      if (!ci_key_store_discard_new (keys, &local_error))
        g_warning ("Could not remove the key store of a failed setup: %s",
                   local_error->message);
    }
  return op;
}
