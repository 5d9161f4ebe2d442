/* ci-face-data.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "face/ci-face-data.h"

/* What a template may show (docs/card-face-templates.md). */
static const char * const fields[] = {
  "employee.number",
  "employee.given_name",
  "employee.family_name",
  "employee.full_name",
  "employee.department",
  "employee.job_title",
  "employee.valid_from",
  "employee.valid_until",
  "card.serial",
  "card.expiry",
  "card.issued",
  "zone.level",
  NULL
};

/**
 * ci_face_fields:
 *
 * Returns: (transfer none): the names of the fields a face may show
 */
const char * const *
ci_face_fields (void)
{
  return fields;
}

gboolean
ci_face_field_is_known (const char *field)
{
  return field != NULL && g_strv_contains (fields, field);
}

struct _CiFaceData
{
  gatomicrefcount  ref_count;
  GHashTable      *fields;        /* field name → value */
  GBytes          *photo;
  CiFaceBox        face;
  gboolean         has_face;
  char            *qr_payload;
  CiFaceColour     zone_colour;
  gboolean         has_zone_colour;
};

/**
 * ci_face_data_new:
 *
 * Returns: (transfer full): an empty face: every field missing
 */
CiFaceData *
ci_face_data_new (void)
{
  CiFaceData *self = g_new0 (CiFaceData, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

CiFaceData *
ci_face_data_ref (CiFaceData *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ci_face_data_unref (CiFaceData *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_hash_table_unref (self->fields);
  g_clear_pointer (&self->photo, g_bytes_unref);
  g_free (self->qr_payload);
  g_free (self);
}

/**
 * ci_face_data_set:
 * @self: a face
 * @field: one of ci_face_fields()
 * @value: (nullable): its value; %NULL or "" makes it missing
 */
void
ci_face_data_set (CiFaceData *self,
                  const char *field,
                  const char *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ci_face_field_is_known (field));

  if (value == NULL || *value == '\0')
    g_hash_table_remove (self->fields, field);
  else
    g_hash_table_replace (self->fields, g_strdup (field), g_strdup (value));
}

/**
 * ci_face_data_get:
 *
 * Returns: (nullable): the field's value, %NULL when it is missing
 */
const char *
ci_face_data_get (const CiFaceData *self,
                  const char       *field)
{
  g_return_val_if_fail (self != NULL && field != NULL, NULL);

  return g_hash_table_lookup (self->fields, field);
}

void
ci_face_data_set_photo (CiFaceData      *self,
                        GBytes          *image,
                        const CiFaceBox *face)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->photo, g_bytes_unref);
  self->photo = image ? g_bytes_ref (image) : NULL;
  self->has_face = face != NULL;
  if (face)
    self->face = *face;
}

/**
 * ci_face_data_get_photo:
 * @face: (out) (optional): the face region, when @has_face
 * @has_face: (out) (optional): whether the photo names its face region
 *
 * Returns: (transfer none) (nullable): the photo's PNG or JPEG bytes
 */
GBytes *
ci_face_data_get_photo (const CiFaceData *self,
                        CiFaceBox        *face,
                        gboolean         *has_face)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (face)
    *face = self->face;
  if (has_face)
    *has_face = self->has_face;
  return self->photo;
}

void
ci_face_data_set_qr_payload (CiFaceData *self,
                             const char *payload)
{
  g_return_if_fail (self != NULL);

  g_free (self->qr_payload);
  self->qr_payload = payload && *payload ? g_strdup (payload) : NULL;
}

const char *
ci_face_data_get_qr_payload (const CiFaceData *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->qr_payload;
}

void
ci_face_data_set_zone_colour (CiFaceData   *self,
                              CiFaceColour  colour)
{
  g_return_if_fail (self != NULL);

  self->zone_colour = colour;
  self->has_zone_colour = TRUE;
}

gboolean
ci_face_data_get_zone_colour (const CiFaceData *self,
                              CiFaceColour     *colour)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (colour && self->has_zone_colour)
    *colour = self->zone_colour;
  return self->has_zone_colour;
}
