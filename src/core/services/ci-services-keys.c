/* ci-services-keys.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"

/* The key store as a service. Making the keys is part of the first run
 * (ci_services_first_run()); unlocking them for card work, at the desk, and
 * moving them into a security module, once, by an administrator, are here. */

static gboolean
check_file_store (CiServices  *self,
                  GError     **error)
{
  if (self->keys != NULL && ci_key_store_is_pkcs11 (self->keys))
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                           _("The keys are in a token already: there is nothing to move"));
      return FALSE;
    }
  return _ci_check_keys (self, error);
}

static void
detail_key_ids (CiCall     *call,
                CiKeyStore *keys)
{
  g_autofree char *issuer = ci_key_store_dup_key_id (keys, CI_KEY_ISSUER);
  g_autofree char *audit = ci_key_store_dup_key_id (keys, CI_KEY_AUDIT);
  g_autofree char *admin = ci_key_store_dup_key_id (keys, CI_KEY_CARD_ADMIN_MASTER);
  g_autofree char *auth = ci_key_store_dup_key_id (keys, CI_KEY_CARD_AUTH_MASTER);

  _ci_call_detail (call, "issuer_key", issuer);
  _ci_call_detail (call, "audit_key", audit);
  _ci_call_detail (call, "card_admin_master_kcv", admin);
  _ci_call_detail (call, "card_auth_master_kcv", auth);
}

/**
 * ci_services_keys_migrate_to_token:
 * @self: a #CiServices whose key store is an unlocked file
 * @actor: the signed-in administrator
 * @module: the full path of the token's PKCS#11 module
 * @token_label: the label of a token without CardIssue keys
 * @pin: the token's user PIN; never recorded
 * @moved_to: (out) (optional) (transfer full): where the key store file went
 * @error: return location for an error
 *
 * Moves the desk's keys into a security module, once, with
 * ci_key_store_migrate_to_pkcs11(): afterwards the file is renamed aside and
 * @self works with the keys in the token. Administrators only. The audit
 * entry names the file, the token and the keys by their ids (never a key or
 * the PIN), so that the move can be traced to who made it.
 *
 * Returns: %TRUE if the keys are now in the token
 */
gboolean
ci_services_keys_migrate_to_token (CiServices  *self,
                                   CiOperator  *actor,
                                   const char  *module,
                                   const char  *token_label,
                                   const char  *pin,
                                   char       **moved_to,
                                   GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiKeyStore) token_store = NULL;
  g_autofree char *location = NULL, *renamed = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (module != NULL && token_label != NULL && pin != NULL, FALSE);

  location = ci_key_store_pkcs11_uri (module, token_label);
  if (!_ci_call_start (&call, self, actor, "keystore.migrate-to-token", CI_ACTION_ADMIN, FALSE,
                       "keystore", location, error))
    return FALSE;
  if (self->keys != NULL)
    _ci_call_detail (&call, "from", ci_key_store_get_path (self->keys));
  if (!check_file_store (self, error))
    return _ci_call_fail (&call, error);
  detail_key_ids (&call, self->keys);
  token_store = ci_key_store_migrate_to_pkcs11 (self->keys, module, token_label, pin, &renamed,
                                                error);
  if (token_store == NULL)
    return _ci_call_fail (&call, error);
  _ci_call_detail (&call, "moved_to", renamed);
  ci_services_set_key_store (self, token_store);
  if (moved_to != NULL)
    *moved_to = g_steal_pointer (&renamed);
  return _ci_call_commit (&call, error);
}

/* Whoever may write cards may unlock the keys that card work signs with. */
static const CiAction card_work[] = {
  CI_ACTION_CARD_ISSUE,
  CI_ACTION_CARD_REISSUE,
  CI_ACTION_CARD_CHANGE_ACCESS,
};

/**
 * ci_services_keys_unlock:
 * @self: a #CiServices with a key store
 * @actor: the signed-in operator, one who may issue, reissue or re-encode cards
 * @secret: the key store file's passphrase, or the token's user PIN; never
 *   recorded
 * @error: return location for an error
 *
 * Unlocks the desk's key store for card work, with ci_key_store_unlock(), and
 * audits the attempt as "keystore.unlock", failed ones included. A store that
 * is unlocked already is left as it is: card work may be using its keys on
 * another thread. Blocks for the key derivation or the token's login: call
 * it from a worker thread.
 *
 * Returns: %TRUE if the key store is unlocked; %CI_KEYS_ERROR_WRONG_PASSPHRASE
 *   for a wrong passphrase or PIN
 */
gboolean
ci_services_keys_unlock (CiServices  *self,
                         CiOperator  *actor,
                         const char  *secret,
                         GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_ci_call_start_any (&call, self, actor, "keystore.unlock", card_work,
                           G_N_ELEMENTS (card_work), FALSE, "keystore",
                           self->keys ? ci_key_store_get_path (self->keys) : NULL, error))
    return FALSE;
  if (self->keys == NULL)
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                           _("This desk has no key store yet: an administrator sets it up "
                             "first"));
      return _ci_call_fail (&call, error);
    }
  if (ci_key_store_is_unlocked (self->keys))
    {
      _ci_call_detail (&call, "already_unlocked", "true");
      return _ci_call_commit (&call, error);
    }
  if (!ci_key_store_unlock (self->keys, secret, error))
    return _ci_call_fail (&call, error);
  /* Unlocked keys with no trace in the audit log would be worse than none. */
  if (!_ci_call_commit (&call, error))
    {
      ci_key_store_lock (self->keys);
      return FALSE;
    }
  return TRUE;
}
