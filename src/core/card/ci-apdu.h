/* ci-apdu.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest data field and Le of a short APDU, and of an extended one. */
#define CI_APDU_SHORT_MAX     256
#define CI_APDU_EXTENDED_MAX  65536

typedef enum /*< flags >*/
{
  CI_APDU_NONE      = 0,
  /* The data field carries a PIN, a key or secure-messaging plaintext: traces
   * show its length only. */
  CI_APDU_SENSITIVE = 1 << 0,
} CiApduFlags;

/**
 * CiApdu:
 * @lc: length of @data (0 = no data field)
 * @le: expected response length, 1..65536; 0 means "no Le field"
 *
 * A command APDU (ISO/IEC 7816-4 §5.1), independent of its encoding. @data is
 * owned and wiped on free.
 */
typedef struct
{
  guint8       cla;
  guint8       ins;
  guint8       p1;
  guint8       p2;
  guint8      *data;
  gsize        lc;
  gsize        le;
  CiApduFlags  flags;
} CiApdu;

typedef enum
{
  CI_APDU_ENCODING_AUTO,      /* short when it fits, extended otherwise */
  CI_APDU_ENCODING_SHORT,
  CI_APDU_ENCODING_EXTENDED,
} CiApduEncoding;

CiApdu   *ci_apdu_new         (guint8          cla,
                               guint8          ins,
                               guint8          p1,
                               guint8          p2,
                               const guint8   *data,
                               gsize           lc,
                               gsize           le);
CiApdu   *ci_apdu_copy        (const CiApdu   *self);
void      ci_apdu_free        (CiApdu         *self);
gboolean  ci_apdu_encode      (const CiApdu   *self,
                               CiApduEncoding  encoding,
                               GByteArray     *out,
                               GError        **error);
CiApdu   *ci_apdu_parse       (const guint8   *buf,
                               gsize           len,
                               gboolean       *extended,
                               GError        **error);
gboolean  ci_apdu_is_extended (const CiApdu   *self);
char     *ci_apdu_describe    (const CiApdu   *self);

/**
 * CiResponse:
 *
 * A response APDU: data (owned, wiped on free) and the status word.
 */
typedef struct
{
  guint8  *data;
  gsize    len;
  guint16  sw;
} CiResponse;

CiResponse *ci_response_new    (const guint8  *data,
                                gsize          len,
                                guint16        sw);
CiResponse *ci_response_parse  (const guint8  *buf,
                                gsize          len,
                                GError       **error);
void        ci_response_free   (CiResponse    *self);
gboolean    ci_response_ok     (const CiResponse *self);

#define CI_SW1(sw) ((guint8) ((sw) >> 8))
#define CI_SW2(sw) ((guint8) ((sw) & 0xff))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiApdu, ci_apdu_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiResponse, ci_response_free)

G_END_DECLS
