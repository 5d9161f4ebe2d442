/* ci-card.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-card.h"
#include "ci-model.h"

#include <string.h>

struct _CiCard
{
  GObject parent_instance;

  gint64 serial;
  gint64 employee_id;
  int sequence;
  CiCardState state;
  gint64 state_changed_at;
  gint64 created_at;
  char *valid_until;
  char *reason;
  gint64 replaces;
  char *face_code;
  char *desk;
};

G_DEFINE_FINAL_TYPE (CiCard, ci_card, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERIAL,
  PROP_EMPLOYEE_ID,
  PROP_SEQUENCE,
  PROP_STATE,
  PROP_STATE_CHANGED_AT,
  PROP_CREATED_AT,
  PROP_VALID_UNTIL,
  PROP_REASON,
  PROP_REPLACES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_card_finalize (GObject *object)
{
  CiCard *self = (CiCard *)object;

  g_clear_pointer (&self->valid_until, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->face_code, g_free);
  g_clear_pointer (&self->desk, g_free);

  G_OBJECT_CLASS (ci_card_parent_class)->finalize (object);
}

static void
ci_card_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  CiCard *self = CI_CARD (object);

  switch (prop_id)
    {
    case PROP_SERIAL:
      g_value_set_int64 (value, self->serial);
      break;
    case PROP_EMPLOYEE_ID:
      g_value_set_int64 (value, self->employee_id);
      break;
    case PROP_SEQUENCE:
      g_value_set_int (value, self->sequence);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_CHANGED_AT:
      g_value_set_int64 (value, self->state_changed_at);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_VALID_UNTIL:
      g_value_set_string (value, self->valid_until);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_REPLACES:
      g_value_set_int64 (value, self->replaces);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_card_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  CiCard *self = CI_CARD (object);

  switch (prop_id)
    {
    case PROP_SERIAL:
      ci_card_set_serial (self, g_value_get_int64 (value));
      break;
    case PROP_EMPLOYEE_ID:
      ci_card_set_employee_id (self, g_value_get_int64 (value));
      break;
    case PROP_SEQUENCE:
      ci_card_set_sequence (self, g_value_get_int (value));
      break;
    case PROP_STATE:
      ci_card_set_state (self, g_value_get_int (value));
      break;
    case PROP_STATE_CHANGED_AT:
      ci_card_set_state_changed_at (self, g_value_get_int64 (value));
      break;
    case PROP_CREATED_AT:
      ci_card_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_VALID_UNTIL:
      ci_card_set_valid_until (self, g_value_get_string (value));
      break;
    case PROP_REASON:
      ci_card_set_reason (self, g_value_get_string (value));
      break;
    case PROP_REPLACES:
      ci_card_set_replaces (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_card_class_init (CiCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_card_finalize;
  object_class->get_property = ci_card_get_property;
  object_class->set_property = ci_card_set_property;

  properties[PROP_SERIAL] =
    g_param_spec_int64 ("serial", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_EMPLOYEE_ID] =
    g_param_spec_int64 ("employee-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_SEQUENCE] =
    g_param_spec_int ("sequence", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_STATE_CHANGED_AT] =
    g_param_spec_int64 ("state-changed-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_VALID_UNTIL] =
    g_param_spec_string ("valid-until", NULL, NULL, NULL, flags);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  properties[PROP_REPLACES] =
    g_param_spec_int64 ("replaces", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_card_init (CiCard *self)
{
}

CiCard *
ci_card_new (void)
{
  return g_object_new (CI_TYPE_CARD, NULL);
}

/**
 * ci_card_copy:
 * @self: a #CiCard
 *
 * Returns: (transfer full): a detached copy
 */
CiCard *
ci_card_copy (CiCard *self)
{
  CiCard *copy;

  g_return_val_if_fail (CI_IS_CARD (self), NULL);

  copy = ci_card_new ();
  copy->serial = self->serial;
  copy->employee_id = self->employee_id;
  copy->sequence = self->sequence;
  copy->state = self->state;
  copy->state_changed_at = self->state_changed_at;
  copy->created_at = self->created_at;
  copy->valid_until = g_strdup (self->valid_until);
  copy->reason = g_strdup (self->reason);
  copy->replaces = self->replaces;
  copy->face_code = g_strdup (self->face_code);
  copy->desk = g_strdup (self->desk);
  return copy;
}

gint64
ci_card_get_serial (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->serial;
}

void
ci_card_set_serial (CiCard *self,
                    gint64 serial)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->serial == serial)
    return;
  self->serial = serial;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIAL]);
}

gint64
ci_card_get_employee_id (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->employee_id;
}

void
ci_card_set_employee_id (CiCard *self,
                         gint64 employee_id)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->employee_id == employee_id)
    return;
  self->employee_id = employee_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPLOYEE_ID]);
}

int
ci_card_get_sequence (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->sequence;
}

void
ci_card_set_sequence (CiCard *self,
                      int sequence)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->sequence == sequence)
    return;
  self->sequence = sequence;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQUENCE]);
}

CiCardState
ci_card_get_state (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->state;
}

void
ci_card_set_state (CiCard *self,
                   CiCardState state)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gint64
ci_card_get_state_changed_at (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->state_changed_at;
}

void
ci_card_set_state_changed_at (CiCard *self,
                              gint64 state_changed_at)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->state_changed_at == state_changed_at)
    return;
  self->state_changed_at = state_changed_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_CHANGED_AT]);
}

gint64
ci_card_get_created_at (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->created_at;
}

void
ci_card_set_created_at (CiCard *self,
                        gint64 created_at)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->created_at == created_at)
    return;
  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
ci_card_get_valid_until (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->valid_until;
}

void
ci_card_set_valid_until (CiCard *self,
                         const char *valid_until)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (ci_set_str (&self->valid_until, valid_until))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID_UNTIL]);
}

/**
 * ci_card_get_face_code:
 *
 * Returns: (nullable): what the QR code on the card's face says (the
 *   face–chip binding, see ci-face-binding.h); %NULL until the card verified
 */
const char *
ci_card_get_face_code (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), NULL);
  return self->face_code;
}

void
ci_card_set_face_code (CiCard     *self,
                       const char *face_code)
{
  g_return_if_fail (CI_IS_CARD (self));
  ci_set_str (&self->face_code, face_code && *face_code ? face_code : NULL);
}

/**
 * ci_card_get_desk:
 *
 * Returns: (nullable): the desk that made the card's latest change of state
 *   (or created it); while the card is being issued, the desk writing it
 */
const char *
ci_card_get_desk (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), NULL);
  return self->desk;
}

void
ci_card_set_desk (CiCard     *self,
                  const char *desk)
{
  g_return_if_fail (CI_IS_CARD (self));
  ci_set_str (&self->desk, desk && *desk ? desk : NULL);
}

const char *
ci_card_get_reason (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->reason;
}

void
ci_card_set_reason (CiCard *self,
                    const char *reason)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (ci_set_str (&self->reason, reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REASON]);
}

gint64
ci_card_get_replaces (CiCard *self)
{
  g_return_val_if_fail (CI_IS_CARD (self), 0);
  return self->replaces;
}

void
ci_card_set_replaces (CiCard *self,
                      gint64 replaces)
{
  g_return_if_fail (CI_IS_CARD (self));
  if (self->replaces == replaces)
    return;
  self->replaces = replaces;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLACES]);
}

static const char * const state_names[CI_CARD_N_STATES] = {
  "requested", "initialised", "personalised", "active", "suspended", "lost",
  "stolen", "damaged", "revoked", "expired", "destroyed",
};

#define S(x) (1u << CI_CARD_##x)
/* Which states each state may move to. A lost or stolen card is never
 * reactivated: if it turns up, it is destroyed and the holder keeps the replacement. */
static const guint allowed[CI_CARD_N_STATES] = {
  [CI_CARD_REQUESTED]    = S (INITIALISED) | S (REVOKED) | S (DESTROYED),
  [CI_CARD_INITIALISED]  = S (PERSONALISED) | S (DAMAGED) | S (REVOKED) | S (DESTROYED),
  [CI_CARD_PERSONALISED] = S (ACTIVE) | S (DAMAGED) | S (REVOKED) | S (DESTROYED),
  [CI_CARD_ACTIVE]       = S (SUSPENDED) | S (LOST) | S (STOLEN) | S (DAMAGED) | S (REVOKED)
                           | S (EXPIRED),
  [CI_CARD_SUSPENDED]    = S (ACTIVE) | S (LOST) | S (STOLEN) | S (DAMAGED) | S (REVOKED)
                           | S (EXPIRED) | S (DESTROYED),
  [CI_CARD_LOST]         = S (REVOKED) | S (DESTROYED),
  [CI_CARD_STOLEN]       = S (REVOKED) | S (DESTROYED),
  [CI_CARD_DAMAGED]      = S (REVOKED) | S (DESTROYED),
  [CI_CARD_REVOKED]      = S (DESTROYED),
  [CI_CARD_EXPIRED]      = S (REVOKED) | S (DESTROYED),
  [CI_CARD_DESTROYED]    = 0,
};
#undef S

const char *
ci_card_state_to_string (CiCardState state)
{
  g_return_val_if_fail (state < CI_CARD_N_STATES, NULL);
  return state_names[state];
}

gboolean
ci_card_state_from_string (const char  *text,
                           CiCardState *state)
{
  for (guint i = 0; i < CI_CARD_N_STATES; i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
ci_card_state_can_change (CiCardState from,
                          CiCardState to)
{
  g_return_val_if_fail (from < CI_CARD_N_STATES && to < CI_CARD_N_STATES, FALSE);
  return (allowed[from] & (1u << to)) != 0;
}

/**
 * ci_card_check_transition:
 * @from: the card's state now
 * @to: the state asked for
 * @error: return location for a #CI_MODEL_ERROR_TRANSITION error
 *
 * Returns: %TRUE if the life cycle allows @from → @to
 */
gboolean
ci_card_check_transition (CiCardState   from,
                          CiCardState   to,
                          GError      **error)
{
  if (ci_card_state_can_change (from, to))
    return TRUE;
  g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_TRANSITION,
               /* Translators: the two %s are card states as the database keeps them,
                * such as “active” or “lost”: from the state, to the state. */
               _("A %s card cannot become %s"), ci_card_state_to_string (from),
               ci_card_state_to_string (to));
  return FALSE;
}

/**
 * ci_card_transition_action:
 * @from: the card's state now
 * @to: the state asked for
 *
 * Returns: the permission an operator needs to make this change
 */
CiAction
ci_card_transition_action (CiCardState from,
                           CiCardState to)
{
  switch (to)
    {
    case CI_CARD_INITIALISED:
    case CI_CARD_PERSONALISED:
      return CI_ACTION_CARD_ISSUE;
    case CI_CARD_ACTIVE:
      return from == CI_CARD_SUSPENDED ? CI_ACTION_CARD_CHANGE_ACCESS : CI_ACTION_CARD_ISSUE;
    case CI_CARD_SUSPENDED:
      return CI_ACTION_CARD_CHANGE_ACCESS;
    default:
      return CI_ACTION_CARD_BLOCK;
    }
}

/**
 * ci_card_state_is_blocked:
 * @state: a card state
 *
 * Returns: %TRUE if a door must refuse a card in @state (it goes on the deny list)
 */
gboolean
ci_card_state_is_blocked (CiCardState state)
{
  return state == CI_CARD_LOST || state == CI_CARD_STOLEN || state == CI_CARD_DAMAGED
         || state == CI_CARD_REVOKED || state == CI_CARD_DESTROYED || state == CI_CARD_SUSPENDED;
}

/**
 * ci_card_format_serial:
 * @serial: a card serial
 *
 * Returns: (transfer full): the serial as printed on the card, ten digits
 */
char *
ci_card_format_serial (gint64 serial)
{
  return g_strdup_printf ("%010" G_GINT64_FORMAT, serial);
}
