/* ci-card-data.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "model/ci-model.h"
#include "model/ci-schedule.h"

G_BEGIN_DECLS

/* docs/card-profile.md §2: the application and its files. */
#define CI_CARD_AID_LEN 11
extern const guint8 ci_card_aid[CI_CARD_AID_LEN];

typedef enum
{
  CI_CARD_FILE_CARD = 1,
  CI_CARD_FILE_IDENTITY,
  CI_CARD_FILE_ZONES,
  CI_CARD_FILE_CARDKEY,
  CI_CARD_FILE_SIGNATURE,
  CI_CARD_N_FILES = CI_CARD_FILE_SIGNATURE
} CiCardFile;

guint16     ci_card_file_fid   (CiCardFile file);
gsize       ci_card_file_size  (CiCardFile file);
const char *ci_card_file_name  (CiCardFile file);

#define CI_CARD_KEY_ID_LEN 8

/**
 * CiCardInfo:
 *
 * EF.CARD. Dates are ISO "YYYY-MM-DD" here and "YYYYMMDD" on the card.
 */
typedef struct
{
  char   *serial;
  guint8  sequence;
  char   *valid_until;
  guint8  issuer_key_id[CI_CARD_KEY_ID_LEN];
  char   *issued_on;
} CiCardInfo;

/* EF.IDENTITY; department and job title may be NULL. */
typedef struct
{
  char *number;
  char *given_name;
  char *family_name;
  char *department;
  char *job_title;
  char *valid_from;
  char *valid_until;
} CiCardIdentity;

/* One A0 object of EF.ZONES; expires and time_zone may be NULL, ranges empty
 * for "at any time". */
typedef struct
{
  guint32     zone_id;
  CiZoneKind  kind;
  guint32     parent_id;
  char       *code;
  guint8      level;
  char       *expires;
  char       *time_zone;
  GArray     *ranges;   /* of CiTimeRange */
} CiCardZone;

typedef struct
{
  guint32    revision;
  GPtrArray *zones;     /* of CiCardZone, ascending zone_id */
} CiCardZones;

GBytes     *ci_card_info_encode       (const CiCardInfo     *info,
                                       GError              **error);
gboolean    ci_card_info_decode       (GBytes               *object,
                                       CiCardInfo           *out,
                                       GError              **error);
void        ci_card_info_clear        (CiCardInfo           *info);

GBytes     *ci_card_identity_encode   (const CiCardIdentity *identity,
                                       GError              **error);
gboolean    ci_card_identity_decode   (GBytes               *object,
                                       CiCardIdentity       *out,
                                       GError              **error);
void        ci_card_identity_clear    (CiCardIdentity       *identity);

CiCardZone *ci_card_zone_new          (void);
void        ci_card_zone_free         (CiCardZone           *zone);
void        ci_card_zones_init        (CiCardZones          *zones);
GBytes     *ci_card_zones_encode      (const CiCardZones    *zones,
                                       GError              **error);
gboolean    ci_card_zones_decode      (GBytes               *object,
                                       CiCardZones          *out,
                                       GError              **error);
void        ci_card_zones_clear       (CiCardZones          *zones);

GBytes     *ci_card_key_encode        (GBytes               *public_key_der,
                                       GError              **error);
GBytes     *ci_card_key_decode        (GBytes               *object,
                                       GError              **error);

GBytes     *ci_card_signature_encode  (const guint8          key_id[CI_CARD_KEY_ID_LEN],
                                       GBytes               *signature);
gboolean    ci_card_signature_decode  (GBytes               *object,
                                       guint8                key_id[CI_CARD_KEY_ID_LEN],
                                       GBytes              **signature,
                                       GError              **error);
GBytes     *ci_card_signed_data       (GBytes               *card,
                                       GBytes               *identity,
                                       GBytes               *zones,
                                       GBytes               *cardkey);

GBytes     *ci_card_file_object       (const guint8         *file,
                                       gsize                 len,
                                       GError              **error);
gboolean    ci_card_serial_to_bcd     (const char           *serial,
                                       guint8                out[5]);
void        ci_card_key_id            (GBytes               *public_key_der,
                                       guint8                out[CI_CARD_KEY_ID_LEN]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiCardZone, ci_card_zone_free)

G_END_DECLS
