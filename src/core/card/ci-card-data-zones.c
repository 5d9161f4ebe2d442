/* ci-card-data-zones.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "card/ci-card-data-private.h"
#include "card/ci-card-error.h"

/* EF.ZONES (docs/card-profile.md §2.2). */

CiCardZone *
ci_card_zone_new (void)
{
  CiCardZone *zone = g_new0 (CiCardZone, 1);

  zone->ranges = g_array_new (FALSE, FALSE, sizeof (CiTimeRange));
  return zone;
}

void
ci_card_zone_free (CiCardZone *zone)
{
  if (zone == NULL)
    return;
  g_free (zone->code);
  g_free (zone->expires);
  g_free (zone->time_zone);
  g_array_unref (zone->ranges);
  g_free (zone);
}

void
ci_card_zones_init (CiCardZones *zones)
{
  g_return_if_fail (zones != NULL);

  zones->revision = 0;
  zones->zones = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_card_zone_free);
}

void
ci_card_zones_clear (CiCardZones *zones)
{
  g_return_if_fail (zones != NULL);

  g_clear_pointer (&zones->zones, g_ptr_array_unref);
}

static gboolean
append_zone (GByteArray       *out,
             const CiCardZone *zone)
{
  guint mark = ci_tlv_begin (out, TAG_ZONE);

  _ci_card_append_u32 (out, 0x80, zone->zone_id);
  ci_tlv_append_u8 (out, 0x81, (guint8) zone->kind);
  _ci_card_append_u32 (out, 0x82, zone->parent_id);
  ci_tlv_append_string (out, 0x83, zone->code ? zone->code : "");
  ci_tlv_append_u8 (out, 0x84, zone->level);
  if (zone->expires && !_ci_card_append_date (out, 0x85, zone->expires))
    return FALSE;
  _ci_card_append_optional (out, 0x86, zone->time_zone);
  for (guint i = 0; i < zone->ranges->len; i++)
    {
      const CiTimeRange *r = &g_array_index (zone->ranges, CiTimeRange, i);
      guint8 rule[5] = { r->weekdays, r->start_min >> 8, r->start_min,
                         r->end_min >> 8, r->end_min };

      ci_tlv_append (out, 0x87, rule, sizeof rule);
    }
  ci_tlv_end (out, mark);
  return TRUE;
}

/**
 * ci_card_zones_encode:
 * @zones: the zones, in ascending zone id order
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the `E2` object of EF.ZONES, or %NULL
 */
GBytes *
ci_card_zones_encode (const CiCardZones  *zones,
                      GError            **error)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, TAG_ZONES);

  g_return_val_if_fail (zones != NULL && zones->zones != NULL, NULL);

  _ci_card_append_u32 (out, 0x80, zones->revision);
  for (guint i = 0; i < zones->zones->len; i++)
    {
      const CiCardZone *zone = zones->zones->pdata[i];

      if ((i > 0 && ((CiCardZone *) zones->zones->pdata[i - 1])->zone_id >= zone->zone_id)
          || !append_zone (out, zone))
        {
          g_byte_array_unref (out);
          g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                       _("Zone %u can't be written to the card: zones must be in ascending "
                         "order and expiry dates valid."), zone->zone_id);
          return NULL;
        }
    }
  ci_tlv_end (out, mark);
  return _ci_card_finish (out, CI_CARD_FILE_ZONES, error);
}

static gboolean
zone_rule (CiCardZone  *zone,
           const CiTlv *tlv)
{
  CiTimeRange r;

  if (tlv->len != 5)
    return FALSE;
  r.weekdays = tlv->value[0];
  r.start_min = (guint16) (tlv->value[1] << 8 | tlv->value[2]);
  r.end_min = (guint16) (tlv->value[3] << 8 | tlv->value[4]);
  if (r.weekdays == 0 || r.weekdays > 0x7F || r.start_min >= r.end_min || r.end_min > 1440)
    return FALSE;
  g_array_append_val (zone->ranges, r);
  return TRUE;
}

static gboolean
zone_member (CiCardZone  *zone,
             const CiTlv *tlv,
             guint       *seen)
{
  guint bit = tlv->tag >= 0x80 && tlv->tag <= 0x87 ? 1u << (tlv->tag - 0x80) : 0;

  if (bit == 0 || (bit != 1u << 7 && (*seen & bit)))
    return FALSE;
  *seen |= bit;
  switch (tlv->tag)
    {
    case 0x80: return _ci_card_read_u32 (tlv, &zone->zone_id);
    case 0x81:
      zone->kind = tlv->len == 1 ? tlv->value[0] : 0xFF;
      return tlv->len == 1 && tlv->value[0] <= CI_ZONE_AREA;
    case 0x82: return _ci_card_read_u32 (tlv, &zone->parent_id);
    case 0x83: return (zone->code = _ci_card_dup_text (tlv)) != NULL;
    case 0x84:
      zone->level = tlv->len == 1 ? tlv->value[0] : 0;
      return tlv->len == 1;
    case 0x85: return (zone->expires = _ci_card_dup_date (tlv)) != NULL;
    case 0x86: return (zone->time_zone = _ci_card_dup_text (tlv)) != NULL;
    default: return zone_rule (zone, tlv);
    }
}

static CiCardZone *
decode_zone (const CiTlv  *outer,
             GError      **error)
{
  g_autoptr(CiCardZone) zone = ci_card_zone_new ();
  GError *local = NULL;
  CiTlvReader reader;
  CiTlv tlv;
  guint seen = 0;

  ci_tlv_reader_init (&reader, outer->value, outer->len);
  while (ci_tlv_reader_next (&reader, &tlv, &local))
    if (!zone_member (zone, &tlv, &seen))
      {
        _ci_card_bad_data (error, _("EF.ZONES holds a malformed zone"));
        return NULL;
      }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if ((seen & 0x1F) != 0x1F)
    {
      _ci_card_bad_data (error, _("a zone in EF.ZONES lacks a member"));
      return NULL;
    }
  return g_steal_pointer (&zone);
}

/**
 * ci_card_zones_decode:
 * @object: the `E2` object read from EF.ZONES
 * @out: (out caller-allocates): filled on success; ci_card_zones_clear() it
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: %TRUE if the object is well formed, zones in ascending order
 */
gboolean
ci_card_zones_decode (GBytes       *object,
                      CiCardZones  *out,
                      GError      **error)
{
  GError *local = NULL;
  CiTlvReader reader;
  CiTlv tlv;
  gboolean have_revision = FALSE;

  g_return_val_if_fail (object != NULL && out != NULL, FALSE);

  ci_card_zones_init (out);
  if (!_ci_card_open_template (object, TAG_ZONES, &reader, error))
    goto fail;
  while (ci_tlv_reader_next (&reader, &tlv, &local))
    {
      CiCardZone *zone;

      if (tlv.tag == 0x80 && !have_revision && _ci_card_read_u32 (&tlv, &out->revision))
        {
          have_revision = TRUE;
          continue;
        }
      if (tlv.tag != TAG_ZONE || (zone = decode_zone (&tlv, error)) == NULL)
        {
          if (tlv.tag != TAG_ZONE)
            _ci_card_bad_data (error, _("EF.ZONES holds an unknown object"));
          goto fail;
        }
      g_ptr_array_add (out->zones, zone);
      if (out->zones->len > 1
          && ((CiCardZone *) out->zones->pdata[out->zones->len - 2])->zone_id >= zone->zone_id)
        {
          _ci_card_bad_data (error, _("the zones in EF.ZONES are not in ascending order"));
          goto fail;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      goto fail;
    }
  if (have_revision)
    return TRUE;
  _ci_card_bad_data (error, _("EF.ZONES lacks its revision"));
fail:
  ci_card_zones_clear (out);
  return FALSE;
}

