/* ci-services.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"
#include "keys/ci-password.h"
#include "model/ci-model.h"

#include <inttypes.h>
#include <string.h>

/* The services are everything a person can do at a desk. Each call checks the
 * acting operator's roles against the policy held in the store (never only in a
 * front end), runs its change in one transaction together with its audit entry,
 * and leaves an audit entry whether it was allowed, refused or failed. */

G_DEFINE_FINAL_TYPE (CiServices, ci_services, G_TYPE_OBJECT)

G_DEFINE_QUARK (ci-service-error-quark, ci_service_error)

/* Ends the recorder once it has run what came before. */
static char recorder_stop;

typedef struct
{
  CiServicesJob job;
  gpointer      data;
} Job;

static gpointer
recorder_thread (gpointer data)
{
  GAsyncQueue *records = data;
  Job *job;

  while ((job = g_async_queue_pop (records)) != (gpointer) &recorder_stop)
    {
      job->job (job->data);
      g_free (job);
    }
  g_async_queue_unref (records);
  return NULL;
}

/**
 * _ci_services_record:
 * @self: the services
 * @job: what to run, with @data
 * @data: for @job
 *
 * Runs @job in the desk's recorder thread, after every job queued before it:
 * the card services commit a card's steps there while the card goes on. The
 * thread lasts as long as @self: a thread of each card's own, started before
 * the card and joined after it, made the card wait at its end for the
 * thread's exit (which hands its stack back to the kernel: a flush that
 * reaches every processor, 0.7 ms on a two-processor virtual machine).
 */
void
_ci_services_record (CiServices    *self,
                     CiServicesJob  job,
                     gpointer       data)
{
  Job *j = g_new (Job, 1);

  j->job = job;
  j->data = data;
  g_mutex_lock (&self->recorder_lock);
  if (self->recorder == NULL)
    {
      self->records = g_async_queue_new ();
      self->recorder = g_thread_new ("ci-recorder", recorder_thread,
                                     g_async_queue_ref (self->records));
    }
  g_async_queue_push (self->records, j);
  g_mutex_unlock (&self->recorder_lock);
}

static void
ci_services_finalize (GObject *object)
{
  CiServices *self = (CiServices *)object;

  if (self->recorder != NULL)
    {
      g_async_queue_push (self->records, &recorder_stop);
      g_thread_join (self->recorder);
      g_async_queue_unref (self->records);
    }
  g_mutex_clear (&self->recorder_lock);
  g_clear_object (&self->audit);
  g_clear_object (&self->store);
  g_clear_object (&self->keys);
  g_clear_pointer (&self->desk, g_free);
  g_clear_pointer (&self->writing, g_hash_table_unref);
  g_mutex_clear (&self->writing_lock);

  G_OBJECT_CLASS (ci_services_parent_class)->finalize (object);
}

static void
ci_services_class_init (CiServicesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ci_services_finalize;
}

static void
ci_services_init (CiServices *self)
{
  g_mutex_init (&self->writing_lock);
  g_mutex_init (&self->recorder_lock);
  self->writing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/**
 * ci_services_new:
 * @store: the store to work on
 * @desk: this workstation's desk id, recorded in every audit entry
 *
 * Returns: (transfer full): the services of one desk
 */
CiServices *
ci_services_new (CiStore    *store,
                 const char *desk)
{
  CiServices *self;

  g_return_val_if_fail (CI_IS_STORE (store), NULL);
  g_return_val_if_fail (desk != NULL && *desk, NULL);

  self = g_object_new (CI_TYPE_SERVICES, NULL);
  self->store = g_object_ref (store);
  self->desk = g_strdup (desk);
  self->audit = ci_audit_log_new (store, desk);
  return self;
}

CiStore *
ci_services_get_store (CiServices *self)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  return self->store;
}

CiAuditLog *
ci_services_get_audit_log (CiServices *self)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  return self->audit;
}

/**
 * ci_services_set_key_store:
 * @self: a #CiServices
 * @keys: (nullable): the desk's key store; while unlocked, audit checkpoints are signed
 */
void
ci_services_set_key_store (CiServices *self,
                           CiKeyStore *keys)
{
  g_return_if_fail (CI_IS_SERVICES (self));
  g_set_object (&self->keys, keys);
  ci_audit_log_set_key_store (self->audit, keys);
}

CiKeyStore *
ci_services_get_key_store (CiServices *self)
{
  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  return self->keys;
}

/**
 * ci_services_shutdown:
 * @self: a #CiServices
 *
 * Signs a checkpoint over the audit chain head if the key store is unlocked.
 * Call before the program ends.
 */
void
ci_services_shutdown (CiServices *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CI_IS_SERVICES (self));

  if (self->keys != NULL && ci_key_store_is_unlocked (self->keys)
      && !ci_audit_log_checkpoint (self->audit, &error))
    g_warning ("Could not sign the audit log at shutdown: %s", error->message);
}

/* ─── cards being written ───────────────────────────────────────────────── */

/* The store says which desk is issuing a card; within this desk, these say
 * whether one of its readers is writing it right now. */

/* The caller has seen that no reader writes @serial (_ci_services_is_writing()),
 * in the store transaction that claims it. */
void
_ci_services_writing_begin (CiServices *self,
                            gint64      serial)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writing_lock);

  g_hash_table_add (self->writing, g_memdup2 (&serial, sizeof serial));
}

void
_ci_services_writing_end (CiServices *self,
                          gint64      serial)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writing_lock);

  g_hash_table_remove (self->writing, &serial);
}

gboolean
_ci_services_is_writing (CiServices *self,
                         gint64      serial)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->writing_lock);

  return g_hash_table_contains (self->writing, &serial);
}

/* ─── the call helpers ─────────────────────────────────────────────────── */

/* Fills @entry for one call; the audit log fills in the rest (sequence, time,
 * desk, hashes) and stores a missing text as "". */
static void
entry_init (CiAuditEntry *entry,
            const char   *login,
            const char   *action,
            const char   *subject_type,
            const char   *subject_id,
            CiOutcome     outcome,
            const char   *reason,
            const char   *details,
            gint64        started)
{
  *entry = (CiAuditEntry) {
    .operator_login = g_strdup (login),
    .action = g_strdup (action),
    .subject_type = g_strdup (subject_type),
    .subject_id = g_strdup (subject_id),
    .outcome = outcome,
    .reason = g_strdup (reason),
    .details = g_strdup (details ? details : "{}"),
    .duration_us = g_get_monotonic_time () - started,
  };
}

/**
 * _ci_record:
 *
 * Writes one audit entry in a transaction of its own: for refused and failed
 * calls, whose own transaction (if any) was rolled back.
 *
 * Returns: %TRUE if the entry was written
 */
gboolean
_ci_record (CiServices *self,
            const char *login,
            const char *action,
            const char *subject_type,
            const char *subject_id,
            CiOutcome   outcome,
            const char *reason,
            const char *details,
            gint64      started)
{
  CiAuditEntry entry;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  entry_init (&entry, login, action, subject_type, subject_id, outcome, reason, details, started);
  ok = ci_audit_log_append (self->audit, &entry, &error);
  if (!ok)
    g_warning ("Could not write the audit entry for %s: %s", action, error->message);
  ci_audit_entry_clear (&entry);
  return ok;
}

static char *
details_json (CiCall *call)
{
  return g_strconcat (call->details->str, "}", NULL);
}

static void
record_call (CiCall     *call,
             CiOutcome   outcome,
             const char *reason)
{
  g_autofree char *details = details_json (call);

  _ci_record (call->services, call->actor ? ci_operator_get_login (call->actor) : "",
              call->action, call->subject_type, call->subject_id, outcome, reason, details,
              call->started);
}

/**
 * _ci_call_start:
 * @call: a zeroed #CiCall; with its lazy member set, the call's commit
 *   does not wait for the disk (ci_store_begin_lazy())
 * @self: the services
 * @actor: the signed-in operator
 * @action: the audit action name, e.g. "employee.enroll"
 * @permission: what the policy must allow
 * @write: whether the call changes anything (opens a transaction)
 * @subject_type: (nullable): what the call acts on
 * @subject_id: (nullable): which one
 * @error: return location for a #CI_SERVICE_ERROR_PERMISSION_DENIED error
 *
 * Re-reads the operator from the store, checks the policy and, if allowed,
 * opens the call's transaction. A refusal is audited here.
 *
 * Returns: %TRUE if the call may go ahead
 */
gboolean
_ci_call_start (CiCall      *call,
                CiServices  *self,
                CiOperator  *actor,
                const char  *action,
                CiAction     permission,
                gboolean     write,
                const char  *subject_type,
                const char  *subject_id,
                GError     **error)
{
  return _ci_call_start_any (call, self, actor, action, &permission, 1, write, subject_type,
                             subject_id, error);
}

/* The operator @login, in @op (%NULL if there is none). %FALSE only if the
 * database failed (a lost connection, say): that, not "not signed in" or a
 * wrong password, is then what the desk is told, and nothing is audited
 * until the database is back. */
static gboolean
lookup_operator (CiServices  *self,
                 const char  *login,
                 CiOperator **op,
                 GError     **error)
{
  GError *local_error = NULL;

  *op = ci_store_operator_get (self->store, login, &local_error);
  if (*op == NULL && local_error != NULL
      && !g_error_matches (local_error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_clear_error (&local_error);
  return TRUE;
}

/* "card.issue or card.reissue", for the audit entry of a refusal. */
static char *
permissions_to_string (const CiAction *permissions,
                       guint           n_permissions)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_permissions; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " or " : "",
                            ci_action_to_string (permissions[i]));
  return g_string_free (text, FALSE);
}

/**
 * _ci_call_start_any:
 * @call: a zeroed #CiCall, as for _ci_call_start()
 * @self: the services
 * @actor: the signed-in operator
 * @action: the audit action name
 * @permissions: (array length=n_permissions): rights of which any one will do
 * @n_permissions: how many
 * @write: whether the call changes anything (opens a transaction)
 * @subject_type: (nullable): what the call acts on
 * @subject_id: (nullable): which one
 * @error: return location for a #CI_SERVICE_ERROR_PERMISSION_DENIED error
 *
 * _ci_call_start() for a call that serves several kinds of work (unlocking
 * the keys serves every kind of card work): the call's scope is the widest
 * the actor has for any of @permissions.
 *
 * Returns: %TRUE if the call may go ahead
 */
gboolean
_ci_call_start_any (CiCall         *call,
                    CiServices     *self,
                    CiOperator     *actor,
                    const char     *action,
                    const CiAction *permissions,
                    guint           n_permissions,
                    gboolean        write,
                    const char     *subject_type,
                    const char     *subject_id,
                    GError        **error)
{
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();
  g_autoptr(GError) local_error = NULL;
  const char *login = actor ? ci_operator_get_login (actor) : NULL;

  call->services = self;
  call->action = action;
  call->subject_type = g_strdup (subject_type);
  call->subject_id = g_strdup (subject_id);
  call->details = g_string_new ("{");
  call->started = g_get_monotonic_time ();
  call->write = write;

  if (login != NULL && !lookup_operator (self, login, &call->actor, error))
    return FALSE;
  if (call->actor == NULL || !ci_operator_get_active (call->actor))
    {
      g_clear_object (&call->actor);
      _ci_record (self, login, action, subject_type, subject_id, CI_OUTCOME_REFUSED,
                  "not signed in as an active operator", "{}", call->started);
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED,
                           _("You are not signed in as an active operator; sign in again"));
      return FALSE;
    }
  if (!ci_store_policy_load (self->store, policy, &local_error))
    {
      record_call (call, CI_OUTCOME_FAILED, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  call->scope = CI_SCOPE_NONE;
  for (guint i = 0; i < n_permissions; i++)
    call->scope = MAX (call->scope, ci_policy_scope_for (policy,
                                                         ci_operator_get_roles (call->actor),
                                                         permissions[i]));
  if (call->scope == CI_SCOPE_NONE)
    {
      g_autofree char *roles = ci_roles_to_string (ci_operator_get_roles (call->actor));
      g_autofree char *wanted = permissions_to_string (permissions, n_permissions);
      g_autofree char *reason = g_strdup_printf ("role %s may not %s", roles, wanted);
      record_call (call, CI_OUTCOME_REFUSED, reason);
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED,
                   /* Translators: the first %s lists the operator's roles, such as
                    * “hr,security”; the second is the action, such as “employee.enroll”. */
                   _("Your role (%s) does not allow this (%s); ask someone who may"),
                   roles, action);
      return FALSE;
    }
  if (write)
    {
      if (!(call->lazy ? ci_store_begin_lazy : ci_store_begin) (self->store, &local_error))
        {
          record_call (call, CI_OUTCOME_FAILED, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      call->in_transaction = TRUE;
    }
  return TRUE;
}

/**
 * _ci_call_detail:
 * @call: a #CiCall
 * @key: a detail's name
 * @value: (nullable): its value; never a secret
 *
 * Adds a parameter of the call to its audit entry.
 */
void
_ci_call_detail (CiCall     *call,
                 const char *key,
                 const char *value)
{
  ci_json_append_member (call->details, key, value);
}

void
_ci_call_subject (CiCall     *call,
                  const char *subject_type,
                  const char *subject_id)
{
  ci_set_str (&call->subject_type, subject_type);
  ci_set_str (&call->subject_id, subject_id);
}

static void
end_transaction (CiCall *call)
{
  if (call->in_transaction)
    {
      ci_store_rollback (call->services->store);
      call->in_transaction = FALSE;
    }
}

static gboolean
commit_call (CiCall      *call,
             CiOutcome    outcome,
             const char  *reason,
             GError     **error)
{
  g_autofree char *details = details_json (call);
  CiStore *store = call->services->store;
  CiAuditEntry entry;
  gboolean ok;

  entry_init (&entry, ci_operator_get_login (call->actor), call->action, call->subject_type,
              call->subject_id, outcome, reason, details, call->started);
  /* A call that wrote nothing commits its entry in a transaction of its own. */
  ok = call->in_transaction
       || (call->lazy ? ci_store_begin_lazy : ci_store_begin) (store, error);
  if (ok)
    {
      ok = ci_audit_log_append_in_transaction (call->services->audit, &entry, error);
      if (!ok)
        ci_store_rollback (store);
      else
        ok = ci_store_commit (store, error);
      call->in_transaction = FALSE;
      if (ok)
        ci_audit_log_committed (call->services->audit, &entry);
    }
  if (!ok)
    record_call (call, CI_OUTCOME_FAILED, error && *error ? (*error)->message : "commit failed");
  ci_audit_entry_clear (&entry);
  return ok;
}

/**
 * _ci_call_commit:
 * @call: a started #CiCall
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Writes the "ok" audit entry in the call's transaction and commits both.
 *
 * Returns: %TRUE if the call's work is durable
 */
gboolean
_ci_call_commit (CiCall  *call,
                 GError **error)
{
  return commit_call (call, CI_OUTCOME_OK, NULL, error);
}

/**
 * _ci_call_commit_failed:
 * @call: a started #CiCall
 * @reason: why the call failed
 * @error: return location for a #CI_STORE_ERROR error
 *
 * For a call that failed and changed the store to leave things safe (a card
 * that must not be used is revoked, say): commits those changes with the
 * "failed" audit entry, in one transaction.
 *
 * Returns: %TRUE if the changes are durable
 */
gboolean
_ci_call_commit_failed (CiCall      *call,
                        const char  *reason,
                        GError     **error)
{
  return commit_call (call, CI_OUTCOME_FAILED, reason, error);
}

/**
 * _ci_call_fail:
 * @call: a started #CiCall
 * @error: the error that ended the call (already set)
 *
 * Rolls back the call's transaction and audits the failure with its reason.
 *
 * Returns: %FALSE, for `return _ci_call_fail (&call, error);`
 */
gboolean
_ci_call_fail (CiCall  *call,
               GError **error)
{
  end_transaction (call);
  record_call (call, CI_OUTCOME_FAILED, error && *error ? (*error)->message : "failed");
  return FALSE;
}

/**
 * _ci_call_also_may:
 * @call: a started #CiCall
 * @permission: a second right the call needs
 *
 * For a call that shows what another right guards (employees' names in a
 * zone's access list, say): the actor's scope for @permission as well.
 *
 * Returns: the scope; %CI_SCOPE_NONE if the policy cannot be read
 */
CiScope
_ci_call_also_may (CiCall   *call,
                   CiAction  permission)
{
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();

  if (!ci_store_policy_load (call->services->store, policy, NULL))
    return CI_SCOPE_NONE;
  return ci_policy_scope_for (policy, ci_operator_get_roles (call->actor), permission);
}

/**
 * _ci_call_refuse:
 * @call: a started #CiCall
 * @error: return location for a #CI_SERVICE_ERROR_PERMISSION_DENIED error
 * @format: why, for the person at the desk
 *
 * Refuses a call that the role allows only in part (an HR desk granting a zone
 * not marked "HR may grant", say), rolling back and auditing the refusal.
 *
 * Returns: %FALSE
 */
gboolean
_ci_call_refuse (CiCall      *call,
                 GError     **error,
                 const char  *format,
                 ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  end_transaction (call);
  record_call (call, CI_OUTCOME_REFUSED, reason);
  g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_PERMISSION_DENIED, reason);
  return FALSE;
}

void
_ci_call_clear (CiCall *call)
{
  end_transaction (call);
  g_clear_object (&call->actor);
  g_clear_pointer (&call->subject_type, g_free);
  g_clear_pointer (&call->subject_id, g_free);
  if (call->details)
    g_string_free (g_steal_pointer (&call->details), TRUE);
}

/**
 * _ci_services_list:
 * @self: the services
 * @actor: the signed-in operator
 * @action: the audit action name
 * @permission: what the policy must allow
 * @list: the store call that lists the records
 * @error: return location for an error
 *
 * The shape every plain "list all of these" service shares.
 *
 * Returns: (transfer full): the records, or %NULL with @error set
 */
GPtrArray *
_ci_services_list (CiServices       *self,
                   CiOperator       *actor,
                   const char       *action,
                   CiAction          permission,
                   CiStoreListFunc   list,
                   GError          **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GPtrArray) records = NULL;

  if (!_ci_call_start (&call, self, actor, action, permission, FALSE, NULL, NULL, error))
    return NULL;
  if (!(records = list (self->store, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&records) : NULL;
}

/**
 * _ci_check_password:
 * @password: a proposed operator password
 * @error: return location for a #CI_SERVICE_ERROR_INVALID error
 *
 * Returns: %TRUE if @password is long enough to be set
 */
gboolean
_ci_check_password (const char  *password,
                    GError     **error)
{
  if (password == NULL || !g_utf8_validate (password, -1, NULL)
      || g_utf8_strlen (password, -1) < CI_PASSWORD_MIN_CHARS)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   _("A password needs at least %d characters"), CI_PASSWORD_MIN_CHARS);
      return FALSE;
    }
  return TRUE;
}

/* ─── sign-in and first run ────────────────────────────────────────────── */

/**
 * ci_services_needs_setup:
 * @self: a #CiServices
 *
 * Returns: %TRUE while the database has no operator yet (first run)
 */
gboolean
ci_services_needs_setup (CiServices *self)
{
  g_autoptr(GPtrArray) ops = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);

  ops = ci_store_operator_list (self->store, NULL);
  return ops != NULL && ops->len == 0;
}

/**
 * ci_services_setup_first_admin:
 * @self: a #CiServices
 * @login: the administrator's login
 * @display_name: the administrator's name
 * @password: the administrator's password
 * @error: return location for an error
 *
 * Creates the first administrator; refused once any operator exists.
 *
 * Returns: (transfer full): the administrator, signed in
 */
CiOperator *
ci_services_setup_first_admin (CiServices  *self,
                               const char  *login,
                               const char  *display_name,
                               const char  *password,
                               GError     **error)
{
  g_autoptr(CiOperator) op = ci_operator_new ();
  g_autofree char *hash = NULL;
  gint64 started = g_get_monotonic_time ();
  g_autoptr(GPtrArray) existing = NULL;
  CiAuditEntry entry = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  ci_operator_set_login (op, login);
  ci_operator_set_display_name (op, display_name);
  ci_operator_set_roles (op, CI_ROLE_ADMIN);
  ci_operator_set_active (op, TRUE);
  if (!ci_operator_validate (op, error) || !_ci_check_password (password, error)
      || !(hash = ci_password_hash (password, error)))
    return NULL;
  ci_operator_set_password_hash (op, hash);

  if (!ci_store_begin (self->store, error))
    return NULL;
  existing = ci_store_operator_list (self->store, error);
  if (existing == NULL || existing->len > 0)
    {
      ci_store_rollback (self->store);
      if (existing != NULL)
        {
          _ci_record (self, login, "setup.first-admin", "operator", login, CI_OUTCOME_REFUSED,
                      "setup was done already", "{}", started);
          g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                               _("This database is set up already; sign in as an administrator "
                                 "to add operators"));
        }
      return NULL;
    }
  entry_init (&entry, login, "setup.first-admin", "operator", login, CI_OUTCOME_OK, NULL, NULL,
              started);
  if (!ci_store_operator_insert (self->store, op, error)
      || !ci_audit_log_append_in_transaction (self->audit, &entry, error))
    {
      ci_store_rollback (self->store);
      ci_audit_entry_clear (&entry);
      return NULL;
    }
  if (ci_store_commit (self->store, error))
    ci_audit_log_committed (self->audit, &entry);
  else
    g_clear_object (&op);
  ci_audit_entry_clear (&entry);
  return g_steal_pointer (&op);
}

static gboolean
record_login_failure (CiServices  *self,
                      CiOperator  *op,
                      gint64       started,
                      GError     **error)
{
  int failures = ci_operator_get_failed_attempts (op) + 1;
  gboolean lock = failures >= CI_OPERATOR_MAX_FAILURES;

  ci_operator_set_failed_attempts (op, failures);
  if (lock)
    ci_operator_set_locked_until (op, g_get_real_time () / G_USEC_PER_SEC
                                      + CI_OPERATOR_LOCKOUT_SECONDS);
  ci_store_operator_update (self->store, op, NULL);
  _ci_record (self, ci_operator_get_login (op), "operator.login", "operator",
              ci_operator_get_login (op), CI_OUTCOME_REFUSED,
              lock ? "wrong password; account locked" : "wrong password", "{}", started);
  if (lock)
    g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_LOCKED_OUT,
                 _("Too many wrong passwords: the account is locked for %d minutes, "
                   "or until an administrator unlocks it"), CI_OPERATOR_LOCKOUT_SECONDS / 60);
  else
    g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_AUTH_FAILED,
                         _("Wrong login or password"));
  return FALSE;
}

static gboolean
check_account_open (CiServices  *self,
                    CiOperator  *op,
                    gint64       started,
                    GError     **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *login = ci_operator_get_login (op);

  /* A lockout that has run out starts the count afresh, or the next single
   * mistake would lock the account again at once. */
  if (ci_operator_get_locked_until (op) != 0 && ci_operator_get_locked_until (op) <= now)
    {
      ci_operator_set_locked_until (op, 0);
      ci_operator_set_failed_attempts (op, 0);
    }
  if (!ci_operator_get_active (op))
    {
      _ci_record (self, login, "operator.login", "operator", login, CI_OUTCOME_REFUSED,
                  "account disabled", "{}", started);
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_LOCKED_OUT,
                           _("This account is disabled; ask an administrator"));
      return FALSE;
    }
  if (ci_operator_get_locked_until (op) > now)
    {
      gint64 minutes = (ci_operator_get_locked_until (op) - now + 59) / 60;
      _ci_record (self, login, "operator.login", "operator", login, CI_OUTCOME_REFUSED,
                  "account locked", "{}", started);
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_LOCKED_OUT,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: the English text is the same for one minute
                                 * and several; give your language's forms for the number. */
                                "This account is locked after too many wrong passwords; try "
                                "again in %" PRId64 " minutes or ask an administrator to unlock it",
                                "This account is locked after too many wrong passwords; try "
                                "again in %" PRId64 " minutes or ask an administrator to unlock it",
                                (gulong) minutes),
                   minutes);
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_services_authenticate:
 * @self: a #CiServices
 * @login: the operator's login
 * @password: the operator's password
 * @error: return location for a #CI_SERVICE_ERROR error
 *
 * Checks a password. After %CI_OPERATOR_MAX_FAILURES wrong ones in a row the
 * account is locked for %CI_OPERATOR_LOCKOUT_SECONDS. Every attempt is audited;
 * the password never is.
 *
 * Returns: (transfer full): the signed-in operator
 */
CiOperator *
ci_services_authenticate (CiServices  *self,
                          const char  *login,
                          const char  *password,
                          GError     **error)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(CiOperator) op = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean matches = FALSE;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (login != NULL && password != NULL, NULL);

  if (!lookup_operator (self, login, &op, error))
    return NULL;
  if (op == NULL)
    {
      /* Same message as a wrong password: do not tell which logins exist. */
      _ci_record (self, login, "operator.login", "operator", login, CI_OUTCOME_REFUSED,
                  "unknown login", "{}", started);
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_AUTH_FAILED,
                           _("Wrong login or password"));
      return NULL;
    }
  if (!check_account_open (self, op, started, error))
    return NULL;
  if (!ci_password_verify (password, ci_operator_get_password_hash (op), &matches, &local_error))
    {
      _ci_record (self, login, "operator.login", "operator", login, CI_OUTCOME_FAILED,
                  local_error->message, "{}", started);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!matches)
    {
      record_login_failure (self, op, started, error);
      return NULL;
    }
  ci_operator_set_failed_attempts (op, 0);
  ci_operator_set_locked_until (op, 0);
  if (!ci_store_operator_update (self->store, op, error))
    return NULL;
  _ci_record (self, login, "operator.login", "operator", login, CI_OUTCOME_OK, "", "{}", started);
  return g_steal_pointer (&op);
}

/* ─── audit ─────────────────────────────────────────────────────────────── */

/**
 * ci_services_audit_export:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @filter: (nullable): which entries
 * @out: where the JSON Lines go
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Exports audit entries. Roles that may read only their own entries get only
 * their own, whatever @filter asks.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_services_audit_export (CiServices           *self,
                          CiOperator           *actor,
                          const CiAuditFilter  *filter,
                          GOutputStream        *out,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_auto(CiCall) call = { 0 };
  CiAuditFilter f = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);

  if (!_ci_call_start (&call, self, actor, "audit.export", CI_ACTION_AUDIT_READ, FALSE,
                       NULL, NULL, error))
    return FALSE;
  if (filter)
    f = *filter;
  if (call.scope == CI_SCOPE_LIMITED)
    f.operator_login = ci_operator_get_login (call.actor);
  _ci_call_detail (&call, "operator_filter", f.operator_login);
  if (!ci_audit_log_export (self->audit, &f, out, cancellable, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_audit_verify:
 * @self: a #CiServices
 * @actor: the signed-in operator (must be allowed to read the whole log)
 * @error: return location for an error
 *
 * Returns: (transfer full): the verification report
 */
CiAuditReport *
ci_services_audit_verify (CiServices  *self,
                          CiOperator  *actor,
                          GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiAuditReport) report = NULL;
  g_autofree char *n = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "audit.verify", CI_ACTION_AUDIT_READ, FALSE,
                       NULL, NULL, error))
    return NULL;
  if (call.scope != CI_SCOPE_ALL)
    {
      _ci_call_refuse (&call, error, _("Verifying the whole audit log needs the right to read "
                                       "all of it (security officer or administrator)"));
      return NULL;
    }
  report = ci_audit_log_verify (self->audit, NULL, error);
  if (report == NULL)
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  n = g_strdup_printf ("%u", report->problems->len);
  _ci_call_detail (&call, "problems", n);
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&report);
}

/**
 * ci_services_audit_checkpoint:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @error: return location for an error
 *
 * Signs the audit chain head now (needs the unlocked key store).
 *
 * Returns: %TRUE on success
 */
gboolean
ci_services_audit_checkpoint (CiServices  *self,
                              CiOperator  *actor,
                              GError     **error)
{
  g_auto(CiCall) call = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);

  if (!_ci_call_start (&call, self, actor, "audit.checkpoint", CI_ACTION_AUDIT_READ, FALSE,
                       NULL, NULL, error))
    return FALSE;
  if (call.scope != CI_SCOPE_ALL)
    return _ci_call_refuse (&call, error, _("Signing the audit log needs the right to read all of "
                                            "it (security officer or administrator)"));
  /* Checked before the "ok" entry is written, so the log never claims a signature
   * that could not be made. */
  if (self->keys == NULL || !ci_key_store_is_unlocked (self->keys))
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                           _("The key store is not open and unlocked, so the audit log cannot be "
                             "signed; unlock the key store first"));
      return _ci_call_fail (&call, error);
    }
  if (!_ci_call_commit (&call, error))
    return FALSE;
  return ci_audit_log_checkpoint (self->audit, error);
}

/* The details of an entry are a flat JSON object of strings (as
 * ci_json_append_member() writes them), but they come from the database and
 * may have been tampered with: the reader below takes nothing for granted and
 * gives up on anything else. */
static const char *
json_skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

static gboolean
json_read_escape (const char **p,
                  GString     *out)
{
  static const char plain[] = "\"\\/bfnrt";
  static const char meant[] = "\"\\/\b\f\n\r\t";
  const char *c = *p;
  const char *found;
  gunichar u = 0;

  if (*c != 'u')
    {
      if (*c == '\0' || (found = strchr (plain, *c)) == NULL)
        return FALSE;
      g_string_append_c (out, meant[found - plain]);
      *p = c + 1;
      return TRUE;
    }
  for (guint i = 1; i <= 4; i++)
    {
      if (!g_ascii_isxdigit (c[i]))
        return FALSE;
      u = u * 16 + g_ascii_xdigit_value (c[i]);
    }
  /* A NUL or half a surrogate pair would not make valid UTF-8. */
  g_string_append_unichar (out, u == 0 || (u >= 0xd800 && u <= 0xdfff) ? 0xfffd : u);
  *p = c + 5;
  return TRUE;
}

/* @p is just past the opening quote; on success *end is past the closing one. */
static char *
json_read_string (const char  *p,
                  const char **end)
{
  g_autoptr(GString) out = g_string_new (NULL);

  while (*p != '"')
    {
      if (*p == '\0')
        return NULL;
      if (*p == '\\')
        {
          p++;
          if (!json_read_escape (&p, out))
            return NULL;
        }
      else
        g_string_append_c (out, *p++);
    }
  *end = p + 1;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The string member @key of @details, or %NULL. */
static char *
detail_string (const char *details,
               const char *key)
{
  const char *p = json_skip_space (details);

  if (*p++ != '{')
    return NULL;
  for (p = json_skip_space (p); *p != '}'; p = json_skip_space (p + 1))
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*p != '"' || (name = json_read_string (p + 1, &p)) == NULL)
        return NULL;
      p = json_skip_space (p);
      if (*p++ != ':')
        return NULL;
      p = json_skip_space (p);
      if (*p == '"' && (value = json_read_string (p + 1, &p)) == NULL)
        return NULL;
      while (value == NULL && *p != '\0' && strchr (",}{[\"", *p) == NULL)
        p++;   /* a number, true, false or null */
      if (value != NULL && strcmp (name, key) == 0)
        return g_steal_pointer (&value);
      p = json_skip_space (p);
      if (*p == '}')
        break;
      if (*p != ',')
        return NULL;
    }
  return NULL;
}

/* The @type ("employee", "card") an entry is about: its subject, or else the
 * detail of that name (a card request's subject is the new card, and its
 * details name the employee). */
static char *
entry_concerns (const CiAuditEntry *e,
                const char         *type)
{
  char *found;

  if (g_strcmp0 (e->subject_type, type) == 0)
    return g_strdup (e->subject_id ? e->subject_id : "");
  found = e->details ? detail_string (e->details, type) : NULL;
  return found ? found : g_strdup ("");
}

void
ci_audit_list_item_free (CiAuditListItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->entry, ci_audit_entry_free);
  g_free (item->employee);
  g_free (item->card);
  g_free (item);
}

static gboolean
collect_list_item (const CiAuditEntry *e,
                   gpointer            user_data)
{
  CiAuditListItem *item = g_new0 (CiAuditListItem, 1);

  item->entry = ci_audit_entry_copy (e);
  item->employee = entry_concerns (e, "employee");
  item->card = entry_concerns (e, "card");
  g_ptr_array_add (user_data, item);
  return TRUE;
}

/* Which entries someone looked at, so the log says it too. */
static void
record_list_filter (CiCall              *call,
                    const CiAuditFilter *f)
{
  struct { const char *key; gint64 value; } numbers[] = {
    { "before_seq", f->before_seq }, { "after_seq", f->after_seq },
    { "since_us", f->since_us }, { "until_us", f->until_us }, { "outcomes", f->outcomes },
  };

  _ci_call_detail (call, "operator_filter", f->operator_login);
  if (f->action_prefix && *f->action_prefix)
    _ci_call_detail (call, "action_filter", f->action_prefix);
  if (f->subject_id && *f->subject_id)
    _ci_call_detail (call, "subject_filter", f->subject_id);
  if (f->text && *f->text)
    _ci_call_detail (call, "text", f->text);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (numbers[i].value != 0)
      {
        g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, numbers[i].value);
        _ci_call_detail (call, numbers[i].key, text);
      }
}

/**
 * ci_services_audit_list:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @filter: (nullable): which entries; @filter->limit caps the page (0 or more
 *   than %CI_AUDIT_LIST_MAX: %CI_AUDIT_LIST_MAX), @filter->newest_first is
 *   ignored
 * @error: return location for an error
 *
 * Lists audit entries newest first, one page at a time: the next page is the
 * same filter with @filter->before_seq set to the last entry's sequence
 * number. Sequence numbers, unlike offsets, do not shift as entries are
 * added (this call adds one itself), and each page costs the same however
 * deep into a long log it lies. As with ci_services_audit_export(), roles that
 * may read only their own entries get only their own, whatever @filter asks.
 *
 * Returns: (transfer full) (element-type CiAuditListItem): the entries, or
 *   %NULL with @error set
 */
GPtrArray *
ci_services_audit_list (CiServices           *self,
                        CiOperator           *actor,
                        const CiAuditFilter  *filter,
                        GError              **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *count = NULL;
  CiAuditFilter f = { 0 };

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "audit.list", CI_ACTION_AUDIT_READ, FALSE,
                       NULL, NULL, error))
    return NULL;
  if (filter)
    f = *filter;
  if (call.scope == CI_SCOPE_LIMITED)
    f.operator_login = ci_operator_get_login (call.actor);
  f.newest_first = TRUE;
  if (f.limit == 0 || f.limit > CI_AUDIT_LIST_MAX)
    f.limit = CI_AUDIT_LIST_MAX;
  record_list_filter (&call, &f);
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_audit_list_item_free);
  if (!ci_store_audit_foreach (self->store, &f, collect_list_item, items, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  count = g_strdup_printf ("%u", items->len);
  _ci_call_detail (&call, "count", count);
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&items);
}

/**
 * _ci_check_keys:
 * @self: a #CiServices
 * @error: return location for a #CI_SERVICE_ERROR_SETUP error
 *
 * Card work signs and diversifies with the key store: it must be unlocked.
 *
 * Returns: %TRUE if the key store is there and unlocked
 */
gboolean
_ci_check_keys (CiServices  *self,
                GError     **error)
{
  if (self->keys != NULL && ci_key_store_is_unlocked (self->keys))
    return TRUE;
  if (self->keys != NULL && ci_key_store_is_pkcs11 (self->keys))
    g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                         _("The key store is locked: unlock it with the token's PIN before "
                           "working with cards"));
  else
    g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_SETUP,
                         _("The key store is locked: unlock it with the administrator's "
                           "passphrase before working with cards"));
  return FALSE;
}
