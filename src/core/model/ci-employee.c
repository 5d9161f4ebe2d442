/* ci-employee.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-employee.h"
#include "ci-model.h"

#include <string.h>

struct _CiEmployee
{
  GObject parent_instance;

  gint64 id;
  gint64 version;
  char *number;
  char *given_name;
  char *family_name;
  char *department;
  char *job_title;
  char *email;
  char *valid_from;
  char *valid_until;
  GBytes *photo;
  CiEmployeeStatus status;
};

G_DEFINE_FINAL_TYPE (CiEmployee, ci_employee, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_VERSION,
  PROP_NUMBER,
  PROP_GIVEN_NAME,
  PROP_FAMILY_NAME,
  PROP_DEPARTMENT,
  PROP_JOB_TITLE,
  PROP_EMAIL,
  PROP_VALID_FROM,
  PROP_VALID_UNTIL,
  PROP_PHOTO,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_employee_finalize (GObject *object)
{
  CiEmployee *self = (CiEmployee *)object;

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->given_name, g_free);
  g_clear_pointer (&self->family_name, g_free);
  g_clear_pointer (&self->department, g_free);
  g_clear_pointer (&self->job_title, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->valid_from, g_free);
  g_clear_pointer (&self->valid_until, g_free);
  g_clear_pointer (&self->photo, g_bytes_unref);

  G_OBJECT_CLASS (ci_employee_parent_class)->finalize (object);
}

static void
ci_employee_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CiEmployee *self = CI_EMPLOYEE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_GIVEN_NAME:
      g_value_set_string (value, self->given_name);
      break;
    case PROP_FAMILY_NAME:
      g_value_set_string (value, self->family_name);
      break;
    case PROP_DEPARTMENT:
      g_value_set_string (value, self->department);
      break;
    case PROP_JOB_TITLE:
      g_value_set_string (value, self->job_title);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_VALID_FROM:
      g_value_set_string (value, self->valid_from);
      break;
    case PROP_VALID_UNTIL:
      g_value_set_string (value, self->valid_until);
      break;
    case PROP_PHOTO:
      g_value_set_boxed (value, self->photo);
      break;
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_employee_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CiEmployee *self = CI_EMPLOYEE (object);

  switch (prop_id)
    {
    case PROP_ID:
      ci_employee_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_VERSION:
      ci_employee_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_NUMBER:
      ci_employee_set_number (self, g_value_get_string (value));
      break;
    case PROP_GIVEN_NAME:
      ci_employee_set_given_name (self, g_value_get_string (value));
      break;
    case PROP_FAMILY_NAME:
      ci_employee_set_family_name (self, g_value_get_string (value));
      break;
    case PROP_DEPARTMENT:
      ci_employee_set_department (self, g_value_get_string (value));
      break;
    case PROP_JOB_TITLE:
      ci_employee_set_job_title (self, g_value_get_string (value));
      break;
    case PROP_EMAIL:
      ci_employee_set_email (self, g_value_get_string (value));
      break;
    case PROP_VALID_FROM:
      ci_employee_set_valid_from (self, g_value_get_string (value));
      break;
    case PROP_VALID_UNTIL:
      ci_employee_set_valid_until (self, g_value_get_string (value));
      break;
    case PROP_PHOTO:
      ci_employee_set_photo (self, g_value_get_boxed (value));
      break;
    case PROP_STATUS:
      ci_employee_set_status (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_employee_class_init (CiEmployeeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_employee_finalize;
  object_class->get_property = ci_employee_get_property;
  object_class->set_property = ci_employee_set_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NUMBER] = g_param_spec_string ("employee-number", NULL, NULL, NULL, flags);
  properties[PROP_GIVEN_NAME] = g_param_spec_string ("given-name", NULL, NULL, NULL, flags);
  properties[PROP_FAMILY_NAME] = g_param_spec_string ("family-name", NULL, NULL, NULL, flags);
  properties[PROP_DEPARTMENT] = g_param_spec_string ("department", NULL, NULL, NULL, flags);
  properties[PROP_JOB_TITLE] = g_param_spec_string ("job-title", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_VALID_FROM] = g_param_spec_string ("valid-from", NULL, NULL, NULL, flags);
  properties[PROP_VALID_UNTIL] = g_param_spec_string ("valid-until", NULL, NULL, NULL, flags);
  properties[PROP_PHOTO] = g_param_spec_boxed ("photo", NULL, NULL, G_TYPE_BYTES, flags);
  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL,
                                              CI_EMPLOYEE_ACTIVE, CI_EMPLOYEE_LEFT,
                                              CI_EMPLOYEE_ACTIVE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_employee_init (CiEmployee *self)
{
  self->status = CI_EMPLOYEE_ACTIVE;
}

/**
 * ci_employee_new:
 *
 * Returns: (transfer full): a new, empty employee record
 */
CiEmployee *
ci_employee_new (void)
{
  return g_object_new (CI_TYPE_EMPLOYEE, NULL);
}

/**
 * ci_employee_copy:
 * @self: a #CiEmployee
 *
 * Returns: (transfer full): a detached copy, so an edit can be validated
 *   and saved without touching the original
 */
CiEmployee *
ci_employee_copy (CiEmployee *self)
{
  CiEmployee *copy;

  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);

  copy = ci_employee_new ();
  copy->id = self->id;
  copy->version = self->version;
  copy->number = g_strdup (self->number);
  copy->given_name = g_strdup (self->given_name);
  copy->family_name = g_strdup (self->family_name);
  copy->department = g_strdup (self->department);
  copy->job_title = g_strdup (self->job_title);
  copy->email = g_strdup (self->email);
  copy->valid_from = g_strdup (self->valid_from);
  copy->valid_until = g_strdup (self->valid_until);
  copy->photo = self->photo ? g_bytes_ref (self->photo) : NULL;
  copy->status = self->status;
  return copy;
}

gint64
ci_employee_get_id (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), 0);
  return self->id;
}

void
ci_employee_set_id (CiEmployee *self,
                    gint64      id)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
ci_employee_get_version (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), 0);
  return self->version;
}

void
ci_employee_set_version (CiEmployee *self,
                         gint64      version)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (self->version == version)
    return;
  self->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

const char *
ci_employee_get_number (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->number;
}

void
ci_employee_set_number (CiEmployee *self,
                        const char *number)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->number, number))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NUMBER]);
}

const char *
ci_employee_get_given_name (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->given_name;
}

void
ci_employee_set_given_name (CiEmployee *self,
                            const char *given_name)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->given_name, given_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GIVEN_NAME]);
}

const char *
ci_employee_get_family_name (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->family_name;
}

void
ci_employee_set_family_name (CiEmployee *self,
                             const char *family_name)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->family_name, family_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY_NAME]);
}

const char *
ci_employee_get_department (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->department;
}

void
ci_employee_set_department (CiEmployee *self,
                            const char *department)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->department, department))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPARTMENT]);
}

const char *
ci_employee_get_job_title (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->job_title;
}

void
ci_employee_set_job_title (CiEmployee *self,
                           const char *job_title)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->job_title, job_title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB_TITLE]);
}

const char *
ci_employee_get_email (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->email;
}

void
ci_employee_set_email (CiEmployee *self,
                       const char *email)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->email, email))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

const char *
ci_employee_get_valid_from (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->valid_from;
}

void
ci_employee_set_valid_from (CiEmployee *self,
                            const char *valid_from)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->valid_from, valid_from))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID_FROM]);
}

const char *
ci_employee_get_valid_until (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->valid_until;
}

void
ci_employee_set_valid_until (CiEmployee *self,
                             const char *valid_until)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (ci_set_str (&self->valid_until, valid_until))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID_UNTIL]);
}

/**
 * ci_employee_get_photo:
 * @self: a #CiEmployee
 *
 * Returns: (transfer none) (nullable): the photo's image bytes (PNG or JPEG)
 */
GBytes *
ci_employee_get_photo (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return self->photo;
}

void
ci_employee_set_photo (CiEmployee *self,
                       GBytes     *photo)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (self->photo == photo)
    return;
  g_clear_pointer (&self->photo, g_bytes_unref);
  self->photo = photo ? g_bytes_ref (photo) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHOTO]);
}

CiEmployeeStatus
ci_employee_get_status (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), CI_EMPLOYEE_ACTIVE);
  return self->status;
}

void
ci_employee_set_status (CiEmployee       *self,
                        CiEmployeeStatus  status)
{
  g_return_if_fail (CI_IS_EMPLOYEE (self));
  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * ci_employee_dup_display_name:
 * @self: a #CiEmployee
 *
 * Returns: (transfer full): given and family name as one would write them
 */
char *
ci_employee_dup_display_name (CiEmployee *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), NULL);
  return g_strjoin (" ", self->given_name ? self->given_name : "",
                    self->family_name ? self->family_name : "", NULL);
}

static gboolean
check_employee_number (const char  *number,
                       GError     **error)
{
  gsize len = number ? strlen (number) : 0;

  if (len == 0)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("Employee number is required"));
      return FALSE;
    }
  if (len > CI_EMPLOYEE_NUMBER_MAX)
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Employee number is longer than %d characters"), CI_EMPLOYEE_NUMBER_MAX);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      char c = number[i];
      if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '.' && c != '/')
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       _("Employee number “%s” may hold only letters A–Z, digits and - _ . /"),
                       g_utf8_validate (number, -1, NULL) ? number : "?");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_email (const char  *email,
             GError     **error)
{
  const char *at;

  /* Translators: a field's name, for messages such as “E-mail is longer than 200 characters”. */
  if (!ci_check_text (_("E-mail"), email, FALSE, CI_TEXT_MAX_CHARS, error))
    return FALSE;
  if (email == NULL || email[0] == '\0')
    return TRUE;
  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '.') == NULL || strchr (email, ' ') != NULL
      || strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("E-mail “%s” is not an address like name@example.com"), email);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_dates (const char  *from,
             const char  *until,
             GError     **error)
{
  if (!ci_date_is_valid (from))
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Valid from “%s” is not a date (use YYYY-MM-DD)"), ci_shown_value (from));
      return FALSE;
    }
  if (!ci_date_is_valid (until))
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Valid until “%s” is not a date (use YYYY-MM-DD)"), ci_shown_value (until));
      return FALSE;
    }
  if (strcmp (from, until) > 0)
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Valid until (%s) is before valid from (%s)"), until, from);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_photo (GBytes  *photo,
             GError **error)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff };
  const guint8 *data;
  gsize len;

  if (photo == NULL)
    return TRUE;
  data = g_bytes_get_data (photo, &len);
  if (len > CI_PHOTO_MAX_BYTES)
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   _("Photo is %zu KiB; the limit is %d KiB — "
                     "save it smaller and try again"), len / 1024, CI_PHOTO_MAX_BYTES / 1024);
      return FALSE;
    }
  if (!(len >= sizeof png && memcmp (data, png, sizeof png) == 0)
      && !(len >= sizeof jpeg && memcmp (data, jpeg, sizeof jpeg) == 0))
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("Photo is neither a PNG nor a JPEG image"));
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_employee_validate:
 * @self: a #CiEmployee
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Checks every field against the domain's rules. The message names the field.
 *
 * Returns: %TRUE if the record may be stored
 */
gboolean
ci_employee_validate (CiEmployee  *self,
                      GError     **error)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE (self), FALSE);

  return check_employee_number (self->number, error)
         /* Translators: a field's name, for messages such as “Given name is required”. */
         && ci_check_text (_("Given name"), self->given_name, TRUE, CI_NAME_MAX_CHARS, error)
         && ci_check_text (_("Family name"), self->family_name, TRUE, CI_NAME_MAX_CHARS, error)
         && ci_check_text (_("Department"), self->department, FALSE, CI_TEXT_MAX_CHARS, error)
         && ci_check_text (_("Job title"), self->job_title, FALSE, CI_TEXT_MAX_CHARS, error)
         && check_email (self->email, error)
         && check_dates (self->valid_from, self->valid_until, error)
         && check_photo (self->photo, error);
}

static const char * const status_names[] = { "active", "suspended", "left" };

const char *
ci_employee_status_to_string (CiEmployeeStatus status)
{
  g_return_val_if_fail (status <= CI_EMPLOYEE_LEFT, NULL);
  return status_names[status];
}

gboolean
ci_employee_status_from_string (const char       *text,
                                CiEmployeeStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (text, status_names[i]) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}
