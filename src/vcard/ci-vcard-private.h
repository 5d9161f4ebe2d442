/* ci-vcard-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the sibling files of the virtual card: the card's memory (what the
 * image keeps), its volatile state (what a reset clears) and the command
 * handlers, one file per area of docs/card-profile.md.
 */

#pragma once

#include "ci-vcard.h"

#include "card/ci-apdu.h"
#include "card/ci-sm.h"
#include "keys/ci-digest.h"

#include <openssl/evp.h>

G_BEGIN_DECLS

#define CI_VCARD_PIN_LEN      8
#define CI_VCARD_PIN_TRIES    3
#define CI_VCARD_PUK_TRIES    10
#define CI_VCARD_CHALLENGE    8
#define CI_VCARD_RULES_MAX    8
#define CI_VCARD_AID_MAX      16
#define CI_VCARD_MAX_EFS      16
/* Offsets in READ/UPDATE BINARY are 15 bits. */
#define CI_VCARD_EF_SIZE_MAX  0x7FFF
/* What the card's EEPROM holds for the EFs of its one DF. */
#define CI_VCARD_MEMORY       (32 * 1024)

#define CI_VCARD_FID_MF       0x3F00
#define CI_VCARD_FID_ATR_INFO 0x2F01
#define CI_VCARD_FID_CARDKEY  0xC004
#define CI_VCARD_KEY_TRANSPORT 0x01
#define CI_VCARD_KEY_ADMIN     0x02
#define CI_VCARD_KEY_CARD      0x03
#define CI_VCARD_REF_PIN       0x81
#define CI_VCARD_REF_PUK       0x82

/* Life cycle status bytes (tag 8A) of DF.CARDISSUE. */
#define CI_VCARD_LCS_INIT       0x03
#define CI_VCARD_LCS_ACTIVE     0x05
#define CI_VCARD_LCS_TERMINATED 0x0C

/* Access mode bits of the compact access rules (ISO/IEC 7816-4 §7.4.3). */
#define CI_VCARD_AM_READ        1   /* EF */
#define CI_VCARD_AM_UPDATE      2   /* EF */
#define CI_VCARD_AM_CREATE_EF   2   /* DF */
#define CI_VCARD_AM_CREATE_DF   3   /* DF */
#define CI_VCARD_AM_ACTIVATE    5   /* DF */
#define CI_VCARD_AM_TERMINATE   6   /* DF */
#define CI_VCARD_AM_DELETE_SELF 7   /* DF */

/* The security condition "SM in security environment 1". */
#define CI_VCARD_SC_SM_SE1      0x41

/* The status words of profile §8, and 6A89 for a file that already exists. */
enum
{
  CI_SW_OK            = 0x9000,
  CI_SW_END_OF_FILE   = 0x6282,
  CI_SW_AUTH_FAILED   = 0x6300,
  CI_SW_MEMORY        = 0x6581,
  CI_SW_WRONG_LENGTH  = 0x6700,
  CI_SW_SECURITY      = 0x6982,
  CI_SW_BLOCKED       = 0x6983,
  CI_SW_CONDITIONS    = 0x6985,
  CI_SW_NO_CURRENT_EF = 0x6986,
  CI_SW_SM_MISSING    = 0x6987,
  CI_SW_SM_WRONG      = 0x6988,
  CI_SW_WRONG_DATA    = 0x6A80,
  CI_SW_NOT_FOUND     = 0x6A82,
  CI_SW_NO_SPACE      = 0x6A84,
  CI_SW_WRONG_P1P2    = 0x6A86,
  CI_SW_REF_NOT_FOUND = 0x6A88,
  CI_SW_EXISTS        = 0x6A89,
  CI_SW_WRONG_OFFSET  = 0x6B00,
  CI_SW_WRONG_INS     = 0x6D00,
  CI_SW_WRONG_CLA     = 0x6E00,
};

/* Which life cycle states a command is allowed in (profile §3 and §8). */
typedef enum
{
  CI_VCARD_STATE_BLANK      = 1 << 0,   /* no DF.CARDISSUE */
  CI_VCARD_STATE_INIT       = 1 << 1,
  CI_VCARD_STATE_ACTIVE     = 1 << 2,
  CI_VCARD_STATE_TERMINATED = 1 << 3,
  CI_VCARD_STATE_ALL        = 0xF,
} CiVcardState;

typedef struct
{
  guint16  fid;
  guint8   sfi;                         /* 0: none */
  guint8   rules[CI_VCARD_RULES_MAX];   /* value of 8C */
  gsize    rules_len;
  guint8  *data;
  gsize    size;
} CiVcardEf;

/* A PIN or PUK with its retry counter. */
typedef struct
{
  gboolean set;
  guint8   value[CI_VCARD_PIN_LEN];
  guint8   tries;
} CiVcardSecret;

typedef struct
{
  guint16        fid;
  guint8         aid[CI_VCARD_AID_MAX];
  gsize          aid_len;
  guint8         life_cycle;
  guint8         rules[CI_VCARD_RULES_MAX];
  gsize          rules_len;
  GPtrArray     *efs;                   /* CiVcardEf, in creation order */
  gboolean       has_admin_key;
  guint8         admin_key[CI_VCARD_KEY_LEN];
  EVP_PKEY      *card_key;
  CiVcardSecret  pin;
  CiVcardSecret  puk;
} CiVcardDf;

gboolean _ci_vcard_random (CiVcard *card,
                           guint8  *out,
                           gsize    len);

struct _CiVcard
{
  /* The card's memory, kept in the image. */
  gboolean        has_transport_key;
  guint8          transport_key[CI_VCARD_KEY_LEN];
  CiVcardDf      *df;                   /* NULL on a blank card */

  /* How the card is run. */
  char           *image_path;
  CiVcardProtocol protocol;
  gsize           max_apdu;             /* 0: no limit of our own */
  gboolean        extended;
  gsize           nc_max;
  gsize           ne_max;
  CiVcardEf       atr_info;             /* EF.ATR/INFO, built from the limits */
  GBytes         *atr;                  /* --atr: another card type's; NULL: profile §1 */
  gboolean        seeded;               /* --seed: repeatable challenges, for replays */
  guint8          seed[CI_SHA256_LEN];
  guint64         draws;

  /* Volatile state: gone at reset. */
  gboolean        in_df;                /* current DF: DF.CARDISSUE, else the MF */
  CiVcardEf      *current_ef;
  CiSm           *sm;
  guint8          sm_key;               /* the key that opened the session */
  gboolean        end_session;          /* close the session after this response */
  gboolean        pin_verified;
  gboolean        challenge_valid;
  guint8          challenge[CI_VCARD_CHALLENGE];
  GByteArray     *pending;              /* response data waiting for GET RESPONSE */
  guint16         pending_sw;
  gboolean        dirty;                /* memory changed: save before answering */
  gboolean        mute;                 /* memory lost: every command fails */
};

/**
 * CiVcardCmd:
 * @apdu: the plain command (after secure messaging was removed)
 * @sm: it came with secure messaging
 * @le_wildcard: Le was 00 (short) or 0000 (extended): "as many as there are"
 */
typedef struct
{
  const CiApdu *apdu;
  gboolean      sm;
  gboolean      le_wildcard;
} CiVcardCmd;

typedef guint16 (*CiVcardHandler) (CiVcard          *card,
                                   const CiVcardCmd *cmd,
                                   GByteArray       *out);

/* ci-vcard.c */
CiVcardState  _ci_vcard_state          (CiVcard          *card);
void          _ci_vcard_end_session    (CiVcard          *card);
void          _ci_vcard_changed        (CiVcard          *card);
gboolean      _ci_vcard_commit         (CiVcard          *card);
void          _ci_vcard_clear_volatile (CiVcard          *card);
CiVcardDf    *_ci_vcard_df_new         (void);
void          _ci_vcard_df_free        (CiVcardDf        *df);
CiVcardEf    *_ci_vcard_ef_new         (guint16           fid,
                                        guint8            sfi,
                                        const guint8     *rules,
                                        gsize             rules_len,
                                        gsize             size);
void          _ci_vcard_ef_free        (CiVcardEf        *ef);

/* ci-vcard-fs.c */
gboolean      _ci_vcard_rules_valid    (const guint8     *rules,
                                        gsize             len);
gboolean      _ci_vcard_allowed        (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        const guint8     *rules,
                                        gsize             rules_len,
                                        guint             bit);
gboolean      _ci_vcard_sc_satisfied   (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        guint8            sc);
CiVcardEf    *_ci_vcard_find_ef        (CiVcardDf        *df,
                                        guint16           fid);
gsize         _ci_vcard_df_used        (CiVcardDf        *df);
const guint8 *_ci_vcard_current_df_rules (CiVcard        *card,
                                          gsize          *len);
void          _ci_vcard_build_atr_info (CiVcard          *card);
guint16       _ci_vcard_select         (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_read_binary    (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_update_binary  (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);

/* ci-vcard-create.c */
guint16       _ci_vcard_create_file    (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_delete_file    (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_activate_file  (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_terminate_df   (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);

/* ci-vcard-security.c */
guint16       _ci_vcard_get_challenge  (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_mutual_auth    (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_put_key        (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_delete_key     (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_generate       (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_internal_auth  (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
EVP_PKEY     *_ci_vcard_generate_key   (void);
gboolean      _ci_vcard_public_key_object (EVP_PKEY      *key,
                                           GByteArray    *out);

/* ci-vcard-pin.c */
guint16       _ci_vcard_verify         (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);
guint16       _ci_vcard_change_reference (CiVcard        *card,
                                          const CiVcardCmd *cmd,
                                          GByteArray     *out);
guint16       _ci_vcard_reset_retry    (CiVcard          *card,
                                        const CiVcardCmd *cmd,
                                        GByteArray       *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiVcardDf, _ci_vcard_df_free)

G_END_DECLS
