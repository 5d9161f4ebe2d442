/* ci-card-session.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "card/ci-card-channel.h"
#include "card/ci-card-data.h"
#include "card/ci-sm.h"

G_BEGIN_DECLS

/* Key references and life cycles of docs/card-profile.md §3, §5. */
#define CI_CARD_KEY_TRANSPORT 0x01
#define CI_CARD_KEY_ADMIN     0x02
#define CI_CARD_KEY_CARD      0x03
#define CI_CARD_PIN           0x81
#define CI_CARD_PUK           0x82

#define CI_CARD_LCS_INITIALISATION 0x03
#define CI_CARD_LCS_ACTIVATED      0x05
#define CI_CARD_LCS_TERMINATED     0x0C

/**
 * CiCardKind:
 * @CI_CARD_KIND_BLANK: no DF.CARDISSUE yet
 * @CI_CARD_KIND_STARTED: DF in initialisation without a serial in EF.CARD: an
 *   initialisation cut off early, to be deleted and started again
 * @CI_CARD_KIND_HALF_WRITTEN: DF in initialisation with a serial
 * @CI_CARD_KIND_ISSUED: DF activated
 * @CI_CARD_KIND_TERMINATED: DF terminated
 *
 * What the check step (profile §7.1) found in the reader.
 */
typedef enum
{
  CI_CARD_KIND_BLANK,
  CI_CARD_KIND_STARTED,
  CI_CARD_KIND_HALF_WRITTEN,
  CI_CARD_KIND_ISSUED,
  CI_CARD_KIND_TERMINATED,
} CiCardKind;

typedef struct
{
  CiCardKind  kind;
  guint8      life_cycle;
  char       *serial;
  gint64      duration_us;
} CiCardCheck;

typedef struct _CiCardSession CiCardSession;

CiCardSession *ci_card_session_new            (CiCardChannel  *channel);
void           ci_card_session_free           (CiCardSession  *self);
CiCardChannel *ci_card_session_get_channel    (CiCardSession  *self);

gboolean       ci_card_session_check          (CiCardSession  *self,
                                               CiCardCheck    *out,
                                               GError        **error);
void           ci_card_check_clear            (CiCardCheck    *check);

CiResponse    *ci_card_session_send           (CiCardSession  *self,
                                               const CiApdu   *apdu,
                                               const char     *what,
                                               GError        **error);
gboolean       ci_card_session_select_mf      (CiCardSession  *self,
                                               GError        **error);
gboolean       ci_card_session_select_df      (CiCardSession  *self,
                                               guint8         *life_cycle,
                                               GError        **error);
gboolean       ci_card_session_authenticate   (CiCardSession  *self,
                                               guint8          key_ref,
                                               const guint8    key[CI_SM_KEY_LEN],
                                               GError        **error);
void           ci_card_session_end_sm         (CiCardSession  *self);

gboolean       ci_card_session_delete_df      (CiCardSession  *self,
                                               GError        **error);
gboolean       ci_card_session_create_files   (CiCardSession  *self,
                                               GError        **error);
gboolean       ci_card_session_write_file     (CiCardSession  *self,
                                               CiCardFile      file,
                                               GBytes         *object,
                                               gsize           previous_len,
                                               GError        **error);
GBytes        *ci_card_session_read_file      (CiCardSession  *self,
                                               CiCardFile      file,
                                               GError        **error);
gboolean       ci_card_session_put_key        (CiCardSession  *self,
                                               guint8          key_ref,
                                               const guint8    key[CI_SM_KEY_LEN],
                                               GError        **error);
gboolean       ci_card_session_delete_key     (CiCardSession  *self,
                                               guint8          key_ref,
                                               GError        **error);
GBytes        *ci_card_session_generate_key   (CiCardSession  *self,
                                               GError        **error);
gboolean       ci_card_session_set_secret     (CiCardSession  *self,
                                               guint8          reference,
                                               const char     *digits,
                                               GError        **error);
gboolean       ci_card_session_activate       (CiCardSession  *self,
                                               GError        **error);
GBytes        *ci_card_session_internal_auth  (CiCardSession  *self,
                                               const guint8   *challenge,
                                               gsize           len,
                                               GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiCardSession, ci_card_session_free)

G_END_DECLS
