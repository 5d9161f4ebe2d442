/* ci-card.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ci-model.h"

G_BEGIN_DECLS

#define CI_TYPE_CARD (ci_card_get_type ())

G_DECLARE_FINAL_TYPE (CiCard, ci_card, CI, CARD, GObject)

CiCard *ci_card_new (void);
CiCard *ci_card_copy (CiCard *self);
gint64 ci_card_get_serial (CiCard *self);
void ci_card_set_serial (CiCard *self, gint64 serial);
gint64 ci_card_get_employee_id (CiCard *self);
void ci_card_set_employee_id (CiCard *self, gint64 employee_id);
int ci_card_get_sequence (CiCard *self);
void ci_card_set_sequence (CiCard *self, int sequence);
CiCardState ci_card_get_state (CiCard *self);
void ci_card_set_state (CiCard *self, CiCardState state);
gint64 ci_card_get_state_changed_at (CiCard *self);
void ci_card_set_state_changed_at (CiCard *self, gint64 state_changed_at);
gint64 ci_card_get_created_at (CiCard *self);
void ci_card_set_created_at (CiCard *self, gint64 created_at);
const char *ci_card_get_valid_until (CiCard *self);
void ci_card_set_valid_until (CiCard *self, const char *valid_until);
const char *ci_card_get_face_code (CiCard *self);
void ci_card_set_face_code (CiCard *self, const char *face_code);
const char *ci_card_get_desk (CiCard *self);
void ci_card_set_desk (CiCard *self, const char *desk);
const char *ci_card_get_reason (CiCard *self);
void ci_card_set_reason (CiCard *self, const char *reason);
gint64 ci_card_get_replaces (CiCard *self);
void ci_card_set_replaces (CiCard *self, gint64 replaces);

const char  *ci_card_state_to_string     (CiCardState   state);
gboolean     ci_card_state_from_string   (const char   *text,
                                          CiCardState  *state);
gboolean     ci_card_state_can_change    (CiCardState   from,
                                          CiCardState   to);
gboolean     ci_card_check_transition    (CiCardState   from,
                                          CiCardState   to,
                                          GError      **error);
CiAction     ci_card_transition_action   (CiCardState   from,
                                          CiCardState   to);
gboolean     ci_card_state_is_blocked    (CiCardState   state);
char        *ci_card_format_serial       (gint64        serial);

G_END_DECLS
