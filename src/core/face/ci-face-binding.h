/* ci-face-binding.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CI_FACE_ERROR (ci_face_error_quark ())

typedef enum
{
  CI_FACE_ERROR_MALFORMED,   /* not a CardIssue card code */
  CI_FACE_ERROR_FORGED,      /* well formed, but not signed by this issuer */
} CiFaceError;

#define CI_FACE_BINDING_DIGEST_LEN 12
#define CI_FACE_BINDING_PREFIX     "CI1."

/**
 * CiFaceBinding:
 * @serial: the card serial, 10 digits
 * @chip_digest: the first 12 bytes of SHA-256 over the chip's EF.CARD,
 *   EF.IDENTITY and EF.CARDKEY objects: what never changes in the card's
 *   life (the zones do, and the face need not be reprinted for them)
 *
 * What the QR code on a card's face says (docs/card-face-templates.md):
 * which card, and which chip data, signed by the issuer.
 */
typedef struct
{
  char   serial[11];
  guint8 chip_digest[CI_FACE_BINDING_DIGEST_LEN];
} CiFaceBinding;

/* Signs @data with the issuer key: a DER ECDSA signature. The same shape as
 * the issue pipeline's CiIssueSignFunc, so one function serves both. */
typedef GBytes *(*CiFaceSignFunc) (GBytes      *data,
                                   gpointer     user_data,
                                   GError     **error);

GQuark   ci_face_error_quark         (void);
void     ci_face_binding_chip_digest (GBytes               *card,
                                      GBytes               *identity,
                                      GBytes               *card_key,
                                      guint8                out[CI_FACE_BINDING_DIGEST_LEN]);
char    *ci_face_binding_encode      (const CiFaceBinding  *binding,
                                      CiFaceSignFunc        sign,
                                      gpointer              sign_data,
                                      GError              **error);
gboolean ci_face_binding_verify      (const char           *payload,
                                      GBytes               *issuer_public_key_der,
                                      CiFaceBinding        *out,
                                      GError              **error);

G_END_DECLS
