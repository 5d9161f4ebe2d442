/* ci-services-cards.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-services-private.h"

/**
 * ci_services_card_request:
 * @self: a #CiServices
 * @actor: the signed-in operator (HR or security)
 * @employee_number: for whom
 * @error: return location for an error
 *
 * Records a new card in state `requested` with a fresh serial; the issuance
 * pipeline takes it from there.
 *
 * Returns: (transfer full): the card record
 */
CiCard *
ci_services_card_request (CiServices  *self,
                          CiOperator  *actor,
                          const char  *employee_number,
                          GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiCard) card = ci_card_new ();
  g_autofree char *serial = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "card.request", CI_ACTION_CARD_ISSUE, TRUE,
                       "employee", employee_number, error))
    return NULL;
  if (!(employee = ci_store_employee_get_by_number (self->store, employee_number, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  if (ci_employee_get_status (employee) != CI_EMPLOYEE_ACTIVE)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: the first %s is an employee number, the second the employee's
                    * status as the database keeps it: “suspended” or “left”. */
                   _("%s is %s: only active employees get a card"), employee_number,
                   ci_employee_status_to_string (ci_employee_get_status (employee)));
      _ci_call_fail (&call, error);
      return NULL;
    }
  ci_card_set_employee_id (card, ci_employee_get_id (employee));
  ci_card_set_state (card, CI_CARD_REQUESTED);
  ci_card_set_valid_until (card, ci_employee_get_valid_until (employee));
  if (!ci_store_card_insert (self->store, card, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  serial = ci_card_format_serial (ci_card_get_serial (card));
  _ci_call_subject (&call, "card", serial);
  _ci_call_detail (&call, "employee", employee_number);
  return _ci_call_commit (&call, error) ? g_steal_pointer (&card) : NULL;
}

/**
 * ci_services_card_set_state:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @serial: the card
 * @state: the new life-cycle state
 * @reason: (nullable): why, in the operator's words
 * @error: return location for an error
 *
 * Moves a card along its life cycle. The permission needed depends on the
 * move: blocking (lost, stolen, damaged, revoked) is for every desk that may
 * block; suspending and resuming is for security.
 *
 * Returns: %TRUE if the card's state changed
 */
gboolean
ci_services_card_set_state (CiServices   *self,
                            CiOperator   *actor,
                            gint64        serial,
                            CiCardState   state,
                            const char   *reason,
                            GError      **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiCard) card = NULL;
  g_autofree char *serial_text = ci_card_format_serial (serial);
  CiCardState from;
  CiAction permission;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (state < CI_CARD_N_STATES, FALSE);

  /* The permission depends on the card's current state; read it first. */
  card = ci_store_card_get (self->store, serial, NULL);
  from = card ? ci_card_get_state (card) : CI_CARD_ACTIVE;
  permission = ci_card_transition_action (from, state);
  if (!_ci_call_start (&call, self, actor, "card.state", permission, TRUE,
                       "card", serial_text, error))
    return FALSE;
  _ci_call_detail (&call, "from", ci_card_state_to_string (from));
  _ci_call_detail (&call, "to", ci_card_state_to_string (state));
  _ci_call_detail (&call, "reason", reason);
  g_clear_object (&card);
  if (!(card = ci_store_card_get (self->store, serial, error))
      || !ci_card_check_transition (ci_card_get_state (card), state, error))
    return _ci_call_fail (&call, error);
  /* The permission was chosen from a read outside the transaction; if another
   * desk moved the card since, the move may need another right: start over. */
  if (ci_card_transition_action (ci_card_get_state (card), state) != permission)
    {
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   _("Card %s was changed by another desk meanwhile; look it up again"),
                   serial_text);
      return _ci_call_fail (&call, error);
    }
  from = ci_card_get_state (card);
  ci_card_set_state (card, state);
  ci_card_set_reason (card, reason);
  ci_card_set_desk (card, self->desk);
  if (!ci_store_card_set_state (self->store, card, from, error))
    return _ci_call_fail (&call, error);
  return _ci_call_commit (&call, error);
}

/**
 * ci_services_card_list:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @employee_number: whose cards
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CiCard): the employee's cards, oldest first
 */
GPtrArray *
ci_services_card_list (CiServices  *self,
                       CiOperator  *actor,
                       const char  *employee_number,
                       GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(GPtrArray) cards = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL, NULL);

  if (!_ci_call_start (&call, self, actor, "card.list", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       "employee", employee_number, error))
    return NULL;
  if (!(employee = ci_store_employee_get_by_number (self->store, employee_number, error))
      || !(cards = ci_store_card_list (self->store, ci_employee_get_id (employee), error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&cards) : NULL;
}

/**
 * ci_services_card_get:
 * @self: a #CiServices
 * @actor: the signed-in operator
 * @serial: the card, as printed on it
 * @error: return location for an error (%CI_STORE_ERROR_NOT_FOUND for no such card)
 *
 * Looks a card up by its serial, as the front desk does when someone hands
 * in a card or reads its number out. The card names its holder
 * (ci_card_get_employee_id()); the audit entry names them too.
 *
 * Returns: (transfer full): the card record
 */
CiCard *
ci_services_card_get (CiServices  *self,
                      CiOperator  *actor,
                      gint64       serial,
                      GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiCard) card = NULL;
  g_autoptr(CiEmployee) holder = NULL;
  g_autofree char *serial_text = ci_card_format_serial (serial);

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "card.view", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       "card", serial_text, error))
    return NULL;
  if (!(card = ci_store_card_get (self->store, serial, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  /* A holder removed since is no reason to hide the card. */
  holder = ci_store_employee_get (self->store, ci_card_get_employee_id (card), NULL);
  if (holder != NULL)
    _ci_call_detail (&call, "employee", ci_employee_get_number (holder));
  return _ci_call_commit (&call, error) ? g_steal_pointer (&card) : NULL;
}
