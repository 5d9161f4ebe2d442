/* ci-face-optical.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "face/ci-face-binding.h"
#include "face/ci-face-data.h"

G_BEGIN_DECLS

#define CI_FACE_OPTICAL_ERROR (ci_face_optical_error_quark ())

typedef enum
{
  CI_FACE_OPTICAL_ERROR_NOT_IMAGE,   /* not a PNG or JPEG image, or a damaged one */
  CI_FACE_OPTICAL_ERROR_TOO_BIG,     /* over 50 MB or 40 megapixels */
  CI_FACE_OPTICAL_ERROR_TEMPLATE,    /* the side has no QR code to align the scan on */
} CiFaceOpticalError;

/* The lowest similarity (normalised cross-correlation, -1 … 1) an element of
 * the scan may have with the expected render and still count as the same. */
#define CI_FACE_OPTICAL_MIN_SCORE 0.5

/**
 * CiFaceFinding:
 * @what: what differs: "qr", "card.serial", "photo", or the field of a text
 *   element ("employee.full_name", …)
 * @region_mm: where on the card, in mm from its top-left corner
 * @score: the similarity of that region with the expected render (-1 … 1);
 *   0 for what is not a comparison of pixels (an unreadable or forged QR code)
 * @message: for people: what is wrong and where
 */
typedef struct
{
  char      *what;
  CiFaceBox  region_mm;
  double     score;
  char      *message;
} CiFaceFinding;

/**
 * CiFaceCheck:
 * @pass: %TRUE when nothing was found wrong
 * @score: the lowest similarity of the compared elements; 0 when the scan
 *   could not be compared (its QR code cannot be read)
 * @qr_payload: (nullable): what the QR code on the scan says
 * @binding: the serial and chip digest in @qr_payload, when it is a
 *   CardIssue card code; zeros otherwise
 * @findings: (element-type CiFaceFinding): what is wrong; empty when @pass
 */
typedef struct
{
  gboolean       pass;
  double         score;
  char          *qr_payload;
  CiFaceBinding  binding;
  GPtrArray     *findings;
} CiFaceCheck;

GQuark       ci_face_optical_error_quark  (void);

CiFaceCheck *ci_face_optical_check        (const CiFaceTemplate *tmpl,
                                           CiFaceSide            side,
                                           const CiFaceData     *expected,
                                           GBytes               *scan,
                                           const char           *expected_serial,
                                           GBytes               *issuer_public_key_der,
                                           GError              **error);
void         ci_face_optical_check_async  (const CiFaceTemplate *tmpl,
                                           CiFaceSide            side,
                                           CiFaceData           *expected,
                                           GBytes               *scan,
                                           const char           *expected_serial,
                                           GBytes               *issuer_public_key_der,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
CiFaceCheck *ci_face_optical_check_finish (GAsyncResult         *result,
                                           GError              **error);

void         ci_face_check_free           (CiFaceCheck          *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiFaceCheck, ci_face_check_free)

G_END_DECLS
