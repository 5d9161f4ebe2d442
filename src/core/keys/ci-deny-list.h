/* ci-deny-list.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-key-store.h"
#include "model/ci-model.h"

G_BEGIN_DECLS

/**
 * CiDenyReason:
 * @CI_DENY_REASON_UNSPECIFIED: no reason given (a lost card)
 * @CI_DENY_REASON_KEY_COMPROMISE: the card is known to be in the wrong hands
 *   (stolen)
 * @CI_DENY_REASON_SUPERSEDED: the card was replaced by a new one (damaged)
 * @CI_DENY_REASON_CESSATION_OF_OPERATION: the card is withdrawn for good
 *   (revoked, destroyed)
 * @CI_DENY_REASON_CERTIFICATE_HOLD: the card is suspended and may come back
 *
 * The CRLReason codes of RFC 5280 §5.3.1 that CardIssue uses; see
 * ci_deny_reason_for_card_state().
 */
typedef enum
{
  CI_DENY_REASON_UNSPECIFIED = 0,
  CI_DENY_REASON_KEY_COMPROMISE = 1,
  CI_DENY_REASON_SUPERSEDED = 4,
  CI_DENY_REASON_CESSATION_OF_OPERATION = 5,
  CI_DENY_REASON_CERTIFICATE_HOLD = 6,
} CiDenyReason;

/**
 * CiDenyEntry:
 * @serial: the card serial, 10 ASCII digits as printed on the card
 * @revoked_at: when the card was blocked, in microseconds since the Unix
 *   epoch (as g_get_real_time() and ci_card_get_state_changed_at())
 * @reason: a CRLReason code, usually a #CiDenyReason
 *
 * One card on the deny list.
 */
typedef struct
{
  char   *serial;
  gint64  revoked_at;
  int     reason;
} CiDenyEntry;

#define CI_TYPE_DENY_LIST (ci_deny_list_get_type ())

G_DECLARE_FINAL_TYPE (CiDenyList, ci_deny_list, CI, DENY_LIST, GObject)

int          ci_deny_reason_for_card_state (CiCardState   state);

CiDenyEntry *ci_deny_entry_new             (const char   *serial,
                                            gint64        revoked_at,
                                            int           reason);
void         ci_deny_entry_free            (CiDenyEntry  *entry);

GBytes      *ci_deny_list_build            (CiKeyStore   *store,
                                            GBytes       *issuer_cert_der,
                                            GPtrArray    *entries,
                                            guint64       crl_number,
                                            gint64        this_update_us,
                                            gint64        next_update_us,
                                            GError      **error);
CiDenyList  *ci_deny_list_load             (GBytes       *crl_der,
                                            GBytes       *issuer_cert_der,
                                            GError      **error);
gboolean     ci_deny_list_contains         (CiDenyList   *self,
                                            const char   *serial);
gboolean     ci_deny_list_lookup           (CiDenyList   *self,
                                            const char   *serial,
                                            gint64       *revoked_at,
                                            int          *reason);
guint64      ci_deny_list_get_number       (CiDenyList   *self);
gint64       ci_deny_list_get_this_update  (CiDenyList   *self);
gint64       ci_deny_list_get_next_update  (CiDenyList   *self);
guint        ci_deny_list_get_n_entries    (CiDenyList   *self);
gboolean     ci_deny_list_is_stale         (CiDenyList   *self,
                                            gint64        now_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiDenyEntry, ci_deny_entry_free)

G_END_DECLS
