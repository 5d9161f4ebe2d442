/* ci-vcard.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CI_VCARD_KEY_LEN 16

/* "CI-TRANSPORT-KEY": the virtual card maker's transport key (profile §5.1). */
#define CI_VCARD_DEFAULT_TRANSPORT_KEY "43492D5452414E53504F52542D4B4559"

#define CI_VCARD_ERROR (ci_vcard_error_quark ())

typedef enum
{
  CI_VCARD_ERROR_IMAGE,     /* the image file is unreadable or malformed */
  CI_VCARD_ERROR_INVALID,   /* bad input to forge */
  CI_VCARD_ERROR_CRYPTO,    /* OpenSSL failed */
} CiVcardError;

typedef enum
{
  CI_VCARD_PROTOCOL_T1,
  CI_VCARD_PROTOCOL_T0,
} CiVcardProtocol;

/**
 * CiVcardFileContent:
 * @fid: a file identifier of DF.CARDISSUE (C001 to C005)
 * @content: the bytes to put at offset 0 of that EF
 *
 * One file of a forged card, see ci_vcard_new_forged().
 */
typedef struct
{
  guint16  fid;
  GBytes  *content;
} CiVcardFileContent;

typedef struct _CiVcard CiVcard;

GQuark   ci_vcard_error_quark   (void);

CiVcard *ci_vcard_new_blank     (const guint8              transport_key[CI_VCARD_KEY_LEN]);
CiVcard *ci_vcard_new_forged    (const CiVcardFileContent *files,
                                 gsize                     n_files,
                                 GError                  **error);
CiVcard *ci_vcard_load          (const char               *path,
                                 GError                  **error);
gboolean ci_vcard_save          (CiVcard                  *self,
                                 const char               *path,
                                 GError                  **error);
void     ci_vcard_free          (CiVcard                  *self);

void     ci_vcard_set_image     (CiVcard                  *self,
                                 const char               *path);
void     ci_vcard_set_protocol  (CiVcard                  *self,
                                 CiVcardProtocol           protocol);
void     ci_vcard_set_atr       (CiVcard                  *self,
                                 GBytes                   *atr);
void     ci_vcard_set_seed      (CiVcard                  *self,
                                 const char               *seed);
void     ci_vcard_set_max_apdu  (CiVcard                  *self,
                                 gsize                     max_apdu);

GBytes  *ci_vcard_get_atr       (CiVcard                  *self);
void     ci_vcard_power_on      (CiVcard                  *self);
void     ci_vcard_power_off     (CiVcard                  *self);
void     ci_vcard_reset         (CiVcard                  *self);
GBytes  *ci_vcard_process       (CiVcard                  *self,
                                 const guint8             *apdu,
                                 gsize                     len);

char    *ci_vcard_describe      (CiVcard                  *self);

gboolean ci_vcard_is_issued     (CiVcard                  *self);
char    *ci_vcard_eject         (CiVcard                  *self,
                                 GError                  **error);
gboolean ci_vcard_feed_blank    (CiVcard                  *self,
                                 GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiVcard, ci_vcard_free)

G_END_DECLS
