/* ci-operator.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-operator.h"
#include "ci-model.h"

#include <string.h>

struct _CiOperator
{
  GObject parent_instance;

  gint64 id;
  char *login;
  char *display_name;
  CiRole roles;
  char *password_hash;
  int failed_attempts;
  gint64 locked_until;
  gboolean active;
};

G_DEFINE_FINAL_TYPE (CiOperator, ci_operator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_LOGIN,
  PROP_DISPLAY_NAME,
  PROP_ROLES,
  PROP_PASSWORD_HASH,
  PROP_FAILED_ATTEMPTS,
  PROP_LOCKED_UNTIL,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_operator_finalize (GObject *object)
{
  CiOperator *self = (CiOperator *)object;

  g_clear_pointer (&self->login, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->password_hash, g_free);

  G_OBJECT_CLASS (ci_operator_parent_class)->finalize (object);
}

static void
ci_operator_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CiOperator *self = CI_OPERATOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_LOGIN:
      g_value_set_string (value, self->login);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ROLES:
      g_value_set_int (value, self->roles);
      break;
    case PROP_PASSWORD_HASH:
      g_value_set_string (value, self->password_hash);
      break;
    case PROP_FAILED_ATTEMPTS:
      g_value_set_int (value, self->failed_attempts);
      break;
    case PROP_LOCKED_UNTIL:
      g_value_set_int64 (value, self->locked_until);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_operator_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CiOperator *self = CI_OPERATOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      ci_operator_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_LOGIN:
      ci_operator_set_login (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY_NAME:
      ci_operator_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_ROLES:
      ci_operator_set_roles (self, g_value_get_int (value));
      break;
    case PROP_PASSWORD_HASH:
      ci_operator_set_password_hash (self, g_value_get_string (value));
      break;
    case PROP_FAILED_ATTEMPTS:
      ci_operator_set_failed_attempts (self, g_value_get_int (value));
      break;
    case PROP_LOCKED_UNTIL:
      ci_operator_set_locked_until (self, g_value_get_int64 (value));
      break;
    case PROP_ACTIVE:
      ci_operator_set_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_operator_class_init (CiOperatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_operator_finalize;
  object_class->get_property = ci_operator_get_property;
  object_class->set_property = ci_operator_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_LOGIN] =
    g_param_spec_string ("login", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_ROLES] =
    g_param_spec_int ("roles", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_PASSWORD_HASH] =
    g_param_spec_string ("password-hash", NULL, NULL, NULL, flags);
  properties[PROP_FAILED_ATTEMPTS] =
    g_param_spec_int ("failed-attempts", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  properties[PROP_LOCKED_UNTIL] =
    g_param_spec_int64 ("locked-until", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_operator_init (CiOperator *self)
{
}

CiOperator *
ci_operator_new (void)
{
  return g_object_new (CI_TYPE_OPERATOR, NULL);
}

/**
 * ci_operator_copy:
 * @self: a #CiOperator
 *
 * Returns: (transfer full): a detached copy
 */
CiOperator *
ci_operator_copy (CiOperator *self)
{
  CiOperator *copy;

  g_return_val_if_fail (CI_IS_OPERATOR (self), NULL);

  copy = ci_operator_new ();
  copy->id = self->id;
  copy->login = g_strdup (self->login);
  copy->display_name = g_strdup (self->display_name);
  copy->roles = self->roles;
  copy->password_hash = g_strdup (self->password_hash);
  copy->failed_attempts = self->failed_attempts;
  copy->locked_until = self->locked_until;
  copy->active = self->active;
  return copy;
}

gint64
ci_operator_get_id (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->id;
}

void
ci_operator_set_id (CiOperator *self,
                    gint64 id)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
ci_operator_get_login (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->login;
}

void
ci_operator_set_login (CiOperator *self,
                       const char *login)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (ci_set_str (&self->login, login))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN]);
}

const char *
ci_operator_get_display_name (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->display_name;
}

void
ci_operator_set_display_name (CiOperator *self,
                              const char *display_name)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (ci_set_str (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

CiRole
ci_operator_get_roles (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->roles;
}

void
ci_operator_set_roles (CiOperator *self,
                       CiRole roles)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (self->roles == roles)
    return;
  self->roles = roles;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLES]);
}

const char *
ci_operator_get_password_hash (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->password_hash;
}

void
ci_operator_set_password_hash (CiOperator *self,
                               const char *password_hash)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (ci_set_str (&self->password_hash, password_hash))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD_HASH]);
}

int
ci_operator_get_failed_attempts (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->failed_attempts;
}

void
ci_operator_set_failed_attempts (CiOperator *self,
                                 int failed_attempts)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (self->failed_attempts == failed_attempts)
    return;
  self->failed_attempts = failed_attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED_ATTEMPTS]);
}

gint64
ci_operator_get_locked_until (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->locked_until;
}

void
ci_operator_set_locked_until (CiOperator *self,
                              gint64 locked_until)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (self->locked_until == locked_until)
    return;
  self->locked_until = locked_until;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED_UNTIL]);
}

gboolean
ci_operator_get_active (CiOperator *self)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), 0);
  return self->active;
}

void
ci_operator_set_active (CiOperator *self,
                        gboolean active)
{
  g_return_if_fail (CI_IS_OPERATOR (self));
  if (self->active == active)
    return;
  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/**
 * ci_operator_validate:
 * @self: a #CiOperator
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Returns: %TRUE if login, display name and roles are acceptable
 */
gboolean
ci_operator_validate (CiOperator  *self,
                      GError     **error)
{
  gsize len;

  g_return_val_if_fail (CI_IS_OPERATOR (self), FALSE);

  len = self->login ? strlen (self->login) : 0;
  if (len == 0 || len > 32)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("A login name has 1 to 32 characters"));
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      char c = self->login[i];
      if (!g_ascii_islower (c) && !g_ascii_isdigit (c) && c != '.' && c != '-' && c != '_')
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       _("Login “%s” may hold only lower-case letters a–z, digits and . - _"),
                       g_utf8_validate (self->login, -1, NULL) ? self->login : "?");
          return FALSE;
        }
    }
  /* Translators: a field's name, for messages such as “Display name is required”. */
  if (!ci_check_text (_("Display name"), self->display_name, TRUE, CI_NAME_MAX_CHARS, error))
    return FALSE;
  if ((self->roles & CI_ROLE_ALL) == 0 || (self->roles & ~CI_ROLE_ALL) != 0)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("An operator needs at least one role (hr, security, front-desk, "
                             "admin)"));
      return FALSE;
    }
  return TRUE;
}

gboolean
ci_operator_has_role (CiOperator *self,
                      CiRole      role)
{
  g_return_val_if_fail (CI_IS_OPERATOR (self), FALSE);
  return (self->roles & role) != 0;
}
