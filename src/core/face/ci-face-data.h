/* ci-face-data.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "face/ci-face-template.h"

G_BEGIN_DECLS

/**
 * CiFaceData:
 *
 * What one card's face shows: field values by name (ci_face_fields()), the
 * holder's photo, the QR payload and the colour of the highest zone level.
 * The renderer draws what is missing as a visible placeholder and reports it.
 */
typedef struct _CiFaceData CiFaceData;

CiFaceData   *ci_face_data_new              (void);
CiFaceData   *ci_face_data_ref              (CiFaceData      *self);
void          ci_face_data_unref            (CiFaceData      *self);

void          ci_face_data_set              (CiFaceData      *self,
                                             const char      *field,
                                             const char      *value);
const char   *ci_face_data_get              (const CiFaceData *self,
                                             const char      *field);

/* @image: PNG or JPEG bytes; @face: (nullable): the face region, in
 * fractions of the image's width and height, to crop around */
void          ci_face_data_set_photo        (CiFaceData      *self,
                                             GBytes          *image,
                                             const CiFaceBox *face);
GBytes       *ci_face_data_get_photo        (const CiFaceData *self,
                                             CiFaceBox       *face,
                                             gboolean        *has_face);

void          ci_face_data_set_qr_payload   (CiFaceData      *self,
                                             const char      *payload);
const char   *ci_face_data_get_qr_payload   (const CiFaceData *self);

void          ci_face_data_set_zone_colour  (CiFaceData      *self,
                                             CiFaceColour     colour);
gboolean      ci_face_data_get_zone_colour  (const CiFaceData *self,
                                             CiFaceColour    *colour);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiFaceData, ci_face_data_unref)

G_END_DECLS
