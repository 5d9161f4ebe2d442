/* ci-services-revocation.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "keys/ci-deny-list.h"
#include "keys/ci-issuer-cert.h"
#include "ci-services-issue.h"
#include "ci-services-private.h"

/* What offline door readers need: the issuer's certificate, once, and the
 * deny list of blocked cards (an X.509 CRL signed by the issuer key), as
 * often as it changes. */

#define DENY_LIST_NUMBER_KEY "deny-list-number"

/**
 * ci_services_issuer_certificate:
 * @self: a #CiServices with an unlocked key store
 * @actor: the signed-in operator (one who may block cards)
 * @error: return location for an error
 *
 * Returns: (transfer full): the issuer's self-signed certificate (DER) for
 *   door readers
 */
GBytes *
ci_services_issuer_certificate (CiServices  *self,
                                CiOperator  *actor,
                                GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GBytes) cert = NULL;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);

  if (!_ci_call_start (&call, self, actor, "issuer.certificate", CI_ACTION_CARD_BLOCK, FALSE,
                       "issuer", "", error))
    return NULL;
  if (!_ci_check_keys (self, error)
      || !(cert = ci_key_store_issuer_certificate (self->keys, NULL, error)))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  return _ci_call_commit (&call, error) ? g_steal_pointer (&cert) : NULL;
}

static GPtrArray *
blocked_cards (CiStore  *store,
               GError  **error)
{
  g_autoptr(GPtrArray) cards = ci_store_card_list (store, 0, error);
  GPtrArray *entries;

  if (cards == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_deny_entry_free);
  for (guint i = 0; i < cards->len; i++)
    {
      CiCard *card = cards->pdata[i];
      g_autofree char *serial = NULL;

      if (!ci_card_state_is_blocked (ci_card_get_state (card)))
        continue;
      serial = ci_card_format_serial (ci_card_get_serial (card));
      g_ptr_array_add (entries,
                       ci_deny_entry_new (serial, ci_card_get_state_changed_at (card),
                                          ci_deny_reason_for_card_state (ci_card_get_state (card))));
    }
  return entries;
}

static guint64
next_number (CiStore *store)
{
  g_autofree char *text = ci_store_get_setting (store, DENY_LIST_NUMBER_KEY);

  return (text ? g_ascii_strtoull (text, NULL, 10) : 0) + 1;
}

/**
 * ci_services_deny_list:
 * @self: a #CiServices with an unlocked key store
 * @actor: the signed-in operator (one who may block cards)
 * @valid_days: when doors should expect the next list
 * @error: return location for an error
 *
 * Every blocked card (lost, stolen, damaged, revoked, suspended, destroyed)
 * as a CRL signed by the issuer key, with a number one higher than the last.
 *
 * Returns: (transfer full): the CRL, DER
 */
GBytes *
ci_services_deny_list (CiServices  *self,
                       CiOperator  *actor,
                       guint        valid_days,
                       GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *number_text = NULL;
  g_autofree char *count = NULL;
  gint64 now = g_get_real_time ();
  guint64 number;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (valid_days > 0, NULL);

  if (!_ci_call_start (&call, self, actor, "deny-list.export", CI_ACTION_CARD_BLOCK, TRUE,
                       "deny-list", "", error))
    return NULL;
  number = next_number (self->store);
  number_text = g_strdup_printf ("%" G_GUINT64_FORMAT, number);
  if (!_ci_check_keys (self, error)
      || !(entries = blocked_cards (self->store, error))
      || !(cert = ci_key_store_issuer_certificate (self->keys, NULL, error))
      || !(crl = ci_deny_list_build (self->keys, cert, entries, number, now,
                                     now + (gint64) valid_days * 86400 * G_USEC_PER_SEC, error))
      || !ci_store_set_setting (self->store, DENY_LIST_NUMBER_KEY, number_text, error))
    {
      _ci_call_fail (&call, error);
      return NULL;
    }
  count = g_strdup_printf ("%u", entries->len);
  _ci_call_subject (&call, "deny-list", number_text);
  _ci_call_detail (&call, "cards", count);
  return _ci_call_commit (&call, error) ? g_steal_pointer (&crl) : NULL;
}
