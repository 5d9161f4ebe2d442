/* ci-zone.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-zone.h"
#include "ci-model.h"

#include <string.h>

struct _CiZone
{
  GObject parent_instance;

  gint64 id;
  gint64 parent_id;
  CiZoneKind kind;
  char *code;
  char *name;
  int security_level;
  gboolean hr_may_grant;
  char *time_zone;
};

G_DEFINE_FINAL_TYPE (CiZone, ci_zone, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PARENT_ID,
  PROP_KIND,
  PROP_CODE,
  PROP_NAME,
  PROP_SECURITY_LEVEL,
  PROP_HR_MAY_GRANT,
  PROP_TIME_ZONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_zone_finalize (GObject *object)
{
  CiZone *self = (CiZone *)object;

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->time_zone, g_free);

  G_OBJECT_CLASS (ci_zone_parent_class)->finalize (object);
}

static void
ci_zone_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  CiZone *self = CI_ZONE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_PARENT_ID:
      g_value_set_int64 (value, self->parent_id);
      break;
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SECURITY_LEVEL:
      g_value_set_int (value, self->security_level);
      break;
    case PROP_HR_MAY_GRANT:
      g_value_set_boolean (value, self->hr_may_grant);
      break;
    case PROP_TIME_ZONE:
      g_value_set_string (value, self->time_zone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_zone_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  CiZone *self = CI_ZONE (object);

  switch (prop_id)
    {
    case PROP_ID:
      ci_zone_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_PARENT_ID:
      ci_zone_set_parent_id (self, g_value_get_int64 (value));
      break;
    case PROP_KIND:
      ci_zone_set_kind (self, g_value_get_int (value));
      break;
    case PROP_CODE:
      ci_zone_set_code (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      ci_zone_set_name (self, g_value_get_string (value));
      break;
    case PROP_SECURITY_LEVEL:
      ci_zone_set_security_level (self, g_value_get_int (value));
      break;
    case PROP_HR_MAY_GRANT:
      ci_zone_set_hr_may_grant (self, g_value_get_boolean (value));
      break;
    case PROP_TIME_ZONE:
      ci_zone_set_time_zone (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_zone_class_init (CiZoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_zone_finalize;
  object_class->get_property = ci_zone_get_property;
  object_class->set_property = ci_zone_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_PARENT_ID] =
    g_param_spec_int64 ("parent-id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SECURITY_LEVEL] =
    g_param_spec_int ("security-level", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_HR_MAY_GRANT] =
    g_param_spec_boolean ("hr-may-grant", NULL, NULL, FALSE, flags);
  properties[PROP_TIME_ZONE] =
    g_param_spec_string ("time-zone", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_zone_init (CiZone *self)
{
}

CiZone *
ci_zone_new (void)
{
  return g_object_new (CI_TYPE_ZONE, NULL);
}

/**
 * ci_zone_copy:
 * @self: a #CiZone
 *
 * Returns: (transfer full): a detached copy
 */
CiZone *
ci_zone_copy (CiZone *self)
{
  CiZone *copy;

  g_return_val_if_fail (CI_IS_ZONE (self), NULL);

  copy = ci_zone_new ();
  copy->id = self->id;
  copy->parent_id = self->parent_id;
  copy->kind = self->kind;
  copy->code = g_strdup (self->code);
  copy->name = g_strdup (self->name);
  copy->security_level = self->security_level;
  copy->hr_may_grant = self->hr_may_grant;
  copy->time_zone = g_strdup (self->time_zone);
  return copy;
}

gint64
ci_zone_get_id (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->id;
}

void
ci_zone_set_id (CiZone *self,
                gint64 id)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
ci_zone_get_parent_id (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->parent_id;
}

void
ci_zone_set_parent_id (CiZone *self,
                       gint64 parent_id)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (self->parent_id == parent_id)
    return;
  self->parent_id = parent_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARENT_ID]);
}

CiZoneKind
ci_zone_get_kind (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->kind;
}

void
ci_zone_set_kind (CiZone *self,
                  CiZoneKind kind)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (self->kind == kind)
    return;
  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
ci_zone_get_code (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->code;
}

void
ci_zone_set_code (CiZone *self,
                  const char *code)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (ci_set_str (&self->code, code))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

const char *
ci_zone_get_name (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->name;
}

void
ci_zone_set_name (CiZone *self,
                  const char *name)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (ci_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

int
ci_zone_get_security_level (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->security_level;
}

void
ci_zone_set_security_level (CiZone *self,
                            int security_level)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (self->security_level == security_level)
    return;
  self->security_level = security_level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY_LEVEL]);
}

gboolean
ci_zone_get_hr_may_grant (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->hr_may_grant;
}

void
ci_zone_set_hr_may_grant (CiZone *self,
                          gboolean hr_may_grant)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (self->hr_may_grant == hr_may_grant)
    return;
  self->hr_may_grant = hr_may_grant;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HR_MAY_GRANT]);
}

const char *
ci_zone_get_time_zone (CiZone *self)
{
  g_return_val_if_fail (CI_IS_ZONE (self), 0);
  return self->time_zone;
}

void
ci_zone_set_time_zone (CiZone *self,
                       const char *time_zone)
{
  g_return_if_fail (CI_IS_ZONE (self));
  if (ci_set_str (&self->time_zone, time_zone))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ZONE]);
}

static const char * const kind_names[] = { "site", "building", "area" };

const char *
ci_zone_kind_to_string (CiZoneKind kind)
{
  g_return_val_if_fail (kind <= CI_ZONE_AREA, NULL);
  return kind_names[kind];
}

gboolean
ci_zone_kind_from_string (const char *text,
                          CiZoneKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
check_zone_code (const char  *code,
                 GError     **error)
{
  gsize len = code ? strlen (code) : 0;

  if (len == 0 || len > 32)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("A zone code has 1 to 32 characters"));
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (code[i]) && code[i] != '-' && code[i] != '_' && code[i] != '.')
      {
        g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                             _("A zone code may hold only letters A–Z, digits and - _ ."));
        return FALSE;
      }
  return TRUE;
}

/**
 * ci_zone_validate:
 * @self: a #CiZone
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * A site has no parent and a time zone; buildings and areas have a parent.
 *
 * Returns: %TRUE if the zone may be stored
 */
gboolean
ci_zone_validate (CiZone  *self,
                  GError **error)
{
  g_return_val_if_fail (CI_IS_ZONE (self), FALSE);

  if (!check_zone_code (self->code, error)
      /* Translators: a field's name, for messages such as “Zone name is required”. */
      || !ci_check_text (_("Zone name"), self->name, TRUE, CI_TEXT_MAX_CHARS, error))
    return FALSE;
  if (self->security_level < 0 || self->security_level > 9)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("Security level runs from 0 (public) to 9 (highest)"));
      return FALSE;
    }
  if ((self->kind == CI_ZONE_SITE) != (self->parent_id == 0))
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           self->kind == CI_ZONE_SITE
                           ? _("A site cannot lie inside another zone")
                           : _("A building or area needs a parent zone"));
      return FALSE;
    }
  if (self->kind == CI_ZONE_SITE)
    {
      g_autoptr(GTimeZone) tz = NULL;
      if (self->time_zone == NULL
          || (tz = g_time_zone_new_identifier (self->time_zone)) == NULL)
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       _("“%s” is not a time zone (use a name like Europe/Berlin)"),
                       ci_shown_value (self->time_zone));
          return FALSE;
        }
    }
  return TRUE;
}
