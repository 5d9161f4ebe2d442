/* ci-card-pipeline.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-session.h"
#include "card/ci-card-verify.h"

G_BEGIN_DECLS

typedef enum
{
  CI_ISSUE_STEP_CHECK,
  CI_ISSUE_STEP_INITIALISE,
  CI_ISSUE_STEP_PERSONALISE,
  CI_ISSUE_STEP_LOCK,
  CI_ISSUE_STEP_VERIFY,
  CI_ISSUE_N_STEPS
} CiIssueStep;

const char *ci_issue_step_name (CiIssueStep step);

/* Called when a step ends: @error is NULL on success, @skipped when the card
 * already had what the step would write. */
typedef void     (*CiIssueStepFunc) (CiIssueStep   step,
                                     gboolean      skipped,
                                     gint64        duration_us,
                                     const GError *error,
                                     gpointer      user_data);
/* Called once, before the first command that changes the card: %FALSE (with
 * @error set) stops the run with the card as it was. */
typedef gboolean (*CiIssueWriteFunc) (gpointer     user_data,
                                      GError     **error);
/* Signs profile §2.3's data with the issuer key; returns a DER signature. */
typedef GBytes  *(*CiIssueSignFunc) (GBytes       *data,
                                     gpointer      user_data,
                                     GError      **error);

/**
 * CiIssueRequest:
 * @card: the EF.CARD object (its serial is the card being issued)
 * @identity: the EF.IDENTITY object
 * @zones: the EF.ZONES object
 * @transport_key: the card type's transport key
 * @admin_key: this card's diversified admin key
 * @pin: the holder's PIN, 4–8 digits
 * @puk: the PUK, 8 digits
 * @issuer_public_key: for the verify step (SPKI DER)
 * @check: (nullable): the result of a ci_card_session_check() the caller
 *   already made on this session, so the check step need not read again
 * @before_write: (nullable): called with @step_data before the card is
 *   first changed, e.g. to wait until the store holds the card's record
 * @card_key: (out): the EF.CARDKEY object the verify step read back (the
 *   card's own public key); the caller unrefs it
 *
 * Everything the pipeline writes; no store, no key store: the caller prepared
 * it, and signs through @sign.
 */
typedef struct
{
  const CiCardCheck *check;
  const char      *serial;
  GBytes          *card;
  GBytes          *identity;
  GBytes          *zones;
  guint8           transport_key[16];
  guint8           admin_key[16];
  char             pin[9];
  char             puk[9];
  GBytes          *issuer_public_key;
  CiIssueSignFunc  sign;
  gpointer         sign_data;
  CiIssueStepFunc  on_step;
  CiIssueWriteFunc before_write;
  gpointer         step_data;
  GBytes          *card_key;
} CiIssueRequest;

void     ci_issue_request_clear_secrets (CiIssueRequest  *request);
gboolean ci_card_issue                  (CiCardSession   *session,
                                         CiIssueRequest  *request,
                                         GError         **error);
gboolean ci_card_rewrite_zones          (CiCardSession   *session,
                                         CiIssueRequest  *request,
                                         GError         **error);

G_END_DECLS
