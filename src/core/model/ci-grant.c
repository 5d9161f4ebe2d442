/* ci-grant.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-grant.h"
#include "ci-model.h"

#include <string.h>

struct _CiGrant
{
  GObject parent_instance;

  gint64 id;
  gint64 employee_id;
  gint64 zone_id;
  gint64 schedule_id;
  char *expires;
  char *granted_by;
  gint64 granted_at;
};

G_DEFINE_FINAL_TYPE (CiGrant, ci_grant, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_EMPLOYEE_ID,
  PROP_ZONE_ID,
  PROP_SCHEDULE_ID,
  PROP_EXPIRES,
  PROP_GRANTED_BY,
  PROP_GRANTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_grant_finalize (GObject *object)
{
  CiGrant *self = (CiGrant *)object;

  g_clear_pointer (&self->expires, g_free);
  g_clear_pointer (&self->granted_by, g_free);

  G_OBJECT_CLASS (ci_grant_parent_class)->finalize (object);
}

static void
ci_grant_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CiGrant *self = CI_GRANT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_EMPLOYEE_ID:
      g_value_set_int64 (value, self->employee_id);
      break;
    case PROP_ZONE_ID:
      g_value_set_int64 (value, self->zone_id);
      break;
    case PROP_SCHEDULE_ID:
      g_value_set_int64 (value, self->schedule_id);
      break;
    case PROP_EXPIRES:
      g_value_set_string (value, self->expires);
      break;
    case PROP_GRANTED_BY:
      g_value_set_string (value, self->granted_by);
      break;
    case PROP_GRANTED_AT:
      g_value_set_int64 (value, self->granted_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_grant_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CiGrant *self = CI_GRANT (object);

  switch (prop_id)
    {
    case PROP_ID:
      ci_grant_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_EMPLOYEE_ID:
      ci_grant_set_employee_id (self, g_value_get_int64 (value));
      break;
    case PROP_ZONE_ID:
      ci_grant_set_zone_id (self, g_value_get_int64 (value));
      break;
    case PROP_SCHEDULE_ID:
      ci_grant_set_schedule_id (self, g_value_get_int64 (value));
      break;
    case PROP_EXPIRES:
      ci_grant_set_expires (self, g_value_get_string (value));
      break;
    case PROP_GRANTED_BY:
      ci_grant_set_granted_by (self, g_value_get_string (value));
      break;
    case PROP_GRANTED_AT:
      ci_grant_set_granted_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_grant_class_init (CiGrantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_grant_finalize;
  object_class->get_property = ci_grant_get_property;
  object_class->set_property = ci_grant_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_EMPLOYEE_ID] =
    g_param_spec_int64 ("employee-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_ZONE_ID] =
    g_param_spec_int64 ("zone-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_SCHEDULE_ID] =
    g_param_spec_int64 ("schedule-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_EXPIRES] =
    g_param_spec_string ("expires", NULL, NULL, NULL, flags);
  properties[PROP_GRANTED_BY] =
    g_param_spec_string ("granted-by", NULL, NULL, NULL, flags);
  properties[PROP_GRANTED_AT] =
    g_param_spec_int64 ("granted-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_grant_init (CiGrant *self)
{
}

CiGrant *
ci_grant_new (void)
{
  return g_object_new (CI_TYPE_GRANT, NULL);
}

/**
 * ci_grant_copy:
 * @self: a #CiGrant
 *
 * Returns: (transfer full): a detached copy
 */
CiGrant *
ci_grant_copy (CiGrant *self)
{
  CiGrant *copy;

  g_return_val_if_fail (CI_IS_GRANT (self), NULL);

  copy = ci_grant_new ();
  copy->id = self->id;
  copy->employee_id = self->employee_id;
  copy->zone_id = self->zone_id;
  copy->schedule_id = self->schedule_id;
  copy->expires = g_strdup (self->expires);
  copy->granted_by = g_strdup (self->granted_by);
  copy->granted_at = self->granted_at;
  return copy;
}

gint64
ci_grant_get_id (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->id;
}

void
ci_grant_set_id (CiGrant *self,
                 gint64 id)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
ci_grant_get_employee_id (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->employee_id;
}

void
ci_grant_set_employee_id (CiGrant *self,
                          gint64 employee_id)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (self->employee_id == employee_id)
    return;
  self->employee_id = employee_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPLOYEE_ID]);
}

gint64
ci_grant_get_zone_id (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->zone_id;
}

void
ci_grant_set_zone_id (CiGrant *self,
                      gint64 zone_id)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (self->zone_id == zone_id)
    return;
  self->zone_id = zone_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZONE_ID]);
}

gint64
ci_grant_get_schedule_id (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->schedule_id;
}

void
ci_grant_set_schedule_id (CiGrant *self,
                          gint64 schedule_id)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (self->schedule_id == schedule_id)
    return;
  self->schedule_id = schedule_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULE_ID]);
}

const char *
ci_grant_get_expires (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->expires;
}

void
ci_grant_set_expires (CiGrant *self,
                      const char *expires)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (ci_set_str (&self->expires, expires))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPIRES]);
}

const char *
ci_grant_get_granted_by (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->granted_by;
}

void
ci_grant_set_granted_by (CiGrant *self,
                         const char *granted_by)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (ci_set_str (&self->granted_by, granted_by))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRANTED_BY]);
}

gint64
ci_grant_get_granted_at (CiGrant *self)
{
  g_return_val_if_fail (CI_IS_GRANT (self), 0);
  return self->granted_at;
}

void
ci_grant_set_granted_at (CiGrant *self,
                         gint64 granted_at)
{
  g_return_if_fail (CI_IS_GRANT (self));
  if (self->granted_at == granted_at)
    return;
  self->granted_at = granted_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRANTED_AT]);
}

/**
 * ci_grant_validate:
 * @self: a #CiGrant
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Returns: %TRUE if the grant names an employee and a zone and its expiry is a date
 */
gboolean
ci_grant_validate (CiGrant  *self,
                   GError  **error)
{
  g_return_val_if_fail (CI_IS_GRANT (self), FALSE);

  if (self->employee_id <= 0 || self->zone_id <= 0)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("A grant needs an employee and a zone"));
      return FALSE;
    }
  if (self->expires != NULL && !ci_date_is_valid (self->expires))
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Expiry “%s” is not a date (use YYYY-MM-DD)"),
                   ci_shown_value (self->expires));
      return FALSE;
    }
  return TRUE;
}
