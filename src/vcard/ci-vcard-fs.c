/* ci-vcard-fs.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file system of the virtual card (profile §2, §3): access rules,
 * EF.ATR/INFO, file control parameters, SELECT, READ BINARY and UPDATE BINARY.
 * Access rules are read generically from their compact form (8C), so the card
 * enforces what the host wrote into CREATE FILE, not a copy of the profile.
 */

#include "ci-vcard-private.h"

#include "card/ci-tlv.h"

#include <string.h>

#define P2_FCP       0x04
#define P2_NO_DATA   0x0C
#define TAG_FCP      0x62
#define DESCRIPTOR_DF 0x38
#define DESCRIPTOR_EF 0x01

/* The MF allows creating a DF (b3) under SM in SE 1, and nothing else. */
static const guint8 mf_rules[] = { 0x04, CI_VCARD_SC_SM_SE1 };
static const guint8 atr_info_rules[] = { 0x03, 0xFF, 0x00 };

/* ---- access rules ------------------------------------------------------------ */

static guint
count_bits (guint8 byte)
{
  guint n = 0;

  for (; byte != 0; byte &= (guint8) (byte - 1))
    n++;
  return n;
}

/**
 * _ci_vcard_rules_valid:
 * @rules: (array length=len): the value of a compact access rule (8C)
 * @len: its length
 *
 * Returns: %TRUE if @rules is an access mode byte (b8 = 0) followed by
 *   exactly one security condition byte per bit set in it
 */
gboolean
_ci_vcard_rules_valid (const guint8 *rules,
                       gsize         len)
{
  if (len < 1 || len > CI_VCARD_RULES_MAX || (rules[0] & 0x80) != 0)
    return FALSE;
  return count_bits (rules[0]) + 1 == len;
}

/* The SC byte for access mode @bit (1..7); a mode without one is never allowed. */
static guint8
rule_condition (const guint8 *rules,
                gsize         len,
                guint         bit)
{
  gsize at = 1;

  if (len == 0 || (rules[0] & (1u << (bit - 1))) == 0)
    return 0xFF;
  for (guint b = 7; b > bit; b--)
    if (rules[0] & (1u << (b - 1)))
      at++;
  return at < len ? rules[at] : 0xFF;
}

/* Security environment 1: a session with the admin key, or with the
 * transport key while the application is still being initialised. SE 0
 * means any session. */
static gboolean
session_in_se (CiVcard *card,
               guint    se)
{
  if (card->sm == NULL || se > 1)
    return FALSE;
  if (se == 0 || card->sm_key == CI_VCARD_KEY_ADMIN)
    return TRUE;
  return card->sm_key == CI_VCARD_KEY_TRANSPORT
         && (card->df == NULL || card->df->life_cycle == CI_VCARD_LCS_INIT);
}

static gboolean
condition_met (CiVcard          *card,
               const CiVcardCmd *cmd,
               guint8            condition,
               guint             se)
{
  switch (condition)
    {
    case 0x40:   /* secure messaging */
      return cmd->sm && session_in_se (card, se);
    case 0x20:   /* external authentication: our mutual authentication */
      return session_in_se (card, se);
    case 0x10:   /* user authentication: the PIN */
      return card->pin_verified && se <= 1;
    default:
      return FALSE;
    }
}

/**
 * _ci_vcard_sc_satisfied:
 * @card: a card
 * @cmd: the command being run
 * @sc: a security condition byte (ISO/IEC 7816-4 §7.4.3, table 20)
 *
 * Returns: %TRUE if @cmd meets @sc: 00 always, FF never; otherwise b7 SM,
 *   b6 external and b5 user authentication, all of them (b8 = 1) or any,
 *   in the security environment of b4..b1
 */
gboolean
_ci_vcard_sc_satisfied (CiVcard          *card,
                        const CiVcardCmd *cmd,
                        guint8            sc)
{
  static const guint8 conditions[] = { 0x40, 0x20, 0x10 };
  guint se = sc & 0x0F;
  guint8 wanted = sc & 0x70;
  guint n = 0, met = 0;

  if (sc == 0x00 || sc == 0xFF)
    return sc == 0x00;
  /* Only an SE number: the SE's own condition, which for SE 1 is SM. */
  if (wanted == 0)
    wanted = 0x40;
  for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
    if (wanted & conditions[i])
      {
        n++;
        met += condition_met (card, cmd, conditions[i], se) ? 1 : 0;
      }
  return (sc & 0x80) ? met == n : met > 0;
}

/**
 * _ci_vcard_allowed:
 * @card: a card
 * @cmd: the command being run
 * @rules: (array length=rules_len): the file's compact access rule
 * @rules_len: its length
 * @bit: the access mode bit of the command (1..7)
 *
 * Returns: %TRUE if the file's rule lets @cmd do what @bit stands for
 */
gboolean
_ci_vcard_allowed (CiVcard          *card,
                   const CiVcardCmd *cmd,
                   const guint8     *rules,
                   gsize             rules_len,
                   guint             bit)
{
  return _ci_vcard_sc_satisfied (card, cmd, rule_condition (rules, rules_len, bit));
}

/* ---- files ------------------------------------------------------------------- */

CiVcardEf *
_ci_vcard_find_ef (CiVcardDf *df,
                   guint16    fid)
{
  for (guint i = 0; df != NULL && i < df->efs->len; i++)
    {
      CiVcardEf *ef = g_ptr_array_index (df->efs, i);

      if (ef->fid == fid)
        return ef;
    }
  return NULL;
}

/* Bytes of EF data the DF holds, against CI_VCARD_MEMORY. */
gsize
_ci_vcard_df_used (CiVcardDf *df)
{
  gsize used = 0;

  for (guint i = 0; i < df->efs->len; i++)
    used += ((CiVcardEf *) g_ptr_array_index (df->efs, i))->size;
  return used;
}

static CiVcardEf *
find_in_current (CiVcard *card,
                 guint16  fid)
{
  if (!card->in_df)
    return fid == CI_VCARD_FID_ATR_INFO ? &card->atr_info : NULL;
  return _ci_vcard_find_ef (card->df, fid);
}

static CiVcardEf *
find_by_sfi (CiVcard *card,
             guint8   sfi)
{
  for (guint i = 0; card->in_df && i < card->df->efs->len; i++)
    {
      CiVcardEf *ef = g_ptr_array_index (card->df->efs, i);

      if (ef->sfi == sfi)
        return ef;
    }
  return NULL;
}

/* An unsigned integer in its fewest bytes, as a DER INTEGER object would hold
 * it if it were never negative (profile §2: "unsigned, 1 to 3 bytes"). */
static void
append_uint (GByteArray *out,
             gsize       value)
{
  guint8 bytes[3] = { (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF };
  guint skip = value > 0xFFFF ? 0 : value > 0xFF ? 1 : 2;

  ci_tlv_append (out, 0x02, bytes + skip, 3 - skip);
}

/**
 * _ci_vcard_build_atr_info:
 * @card: a card
 *
 * Fills EF.ATR/INFO with 7F66 { 02 Nc-max, 02 Ne-max } for the card's limits.
 */
void
_ci_vcard_build_atr_info (CiVcard *card)
{
  g_autoptr(GByteArray) value = g_byte_array_new ();
  guint mark = ci_tlv_begin (value, 0x7F66);

  append_uint (value, card->nc_max);
  append_uint (value, card->ne_max);
  ci_tlv_end (value, mark);
  g_free (card->atr_info.data);
  card->atr_info.fid = CI_VCARD_FID_ATR_INFO;
  card->atr_info.sfi = 0;
  memcpy (card->atr_info.rules, atr_info_rules, sizeof atr_info_rules);
  card->atr_info.rules_len = sizeof atr_info_rules;
  card->atr_info.size = value->len;
  card->atr_info.data = g_byte_array_free (g_steal_pointer (&value), FALSE);
}

/* ---- file control parameters ------------------------------------------------- */

static void
append_u16 (GByteArray *out,
            guint32     tag,
            gsize       value)
{
  const guint8 bytes[2] = { (value >> 8) & 0xFF, value & 0xFF };

  ci_tlv_append (out, tag, bytes, sizeof bytes);
}

static void
append_fcp_ef (GByteArray      *out,
               const CiVcardEf *ef,
               guint8           life_cycle)
{
  guint mark = ci_tlv_begin (out, TAG_FCP);

  append_u16 (out, 0x80, ef->size);
  ci_tlv_append_u8 (out, 0x82, DESCRIPTOR_EF);
  append_u16 (out, 0x83, ef->fid);
  if (ef->sfi != 0)
    ci_tlv_append_u8 (out, 0x88, ef->sfi);
  ci_tlv_append_u8 (out, 0x8A, life_cycle);
  ci_tlv_append (out, 0x8C, ef->rules, ef->rules_len);
  ci_tlv_end (out, mark);
}

static void
append_fcp_df (GByteArray *out,
               CiVcard    *card)
{
  guint mark = ci_tlv_begin (out, TAG_FCP);

  ci_tlv_append_u8 (out, 0x82, DESCRIPTOR_DF);
  if (card->in_df)
    {
      append_u16 (out, 0x83, card->df->fid);
      ci_tlv_append (out, 0x84, card->df->aid, card->df->aid_len);
      ci_tlv_append_u8 (out, 0x8A, card->df->life_cycle);
      ci_tlv_append (out, 0x8C, card->df->rules, card->df->rules_len);
    }
  else
    {
      append_u16 (out, 0x83, CI_VCARD_FID_MF);
      ci_tlv_append_u8 (out, 0x8A, CI_VCARD_LCS_ACTIVE);
      ci_tlv_append (out, 0x8C, mf_rules, sizeof mf_rules);
    }
  ci_tlv_end (out, mark);
}

/**
 * _ci_vcard_current_df_rules:
 * @card: a card
 * @len: (out): length of the rule
 *
 * Returns: the compact access rule of the current DF (the MF's is fixed)
 */
const guint8 *
_ci_vcard_current_df_rules (CiVcard *card,
                            gsize   *len)
{
  if (card->in_df)
    {
      *len = card->df->rules_len;
      return card->df->rules;
    }
  *len = sizeof mf_rules;
  return mf_rules;
}

/* ---- SELECT -------------------------------------------------------------------- */

typedef enum
{
  TARGET_MF,
  TARGET_DF,
  TARGET_EF,
} TargetKind;

static guint16
select_by_fid (CiVcard      *card,
               const CiApdu *apdu,
               gboolean      any_kind,
               TargetKind   *kind,
               CiVcardEf   **ef)
{
  guint16 fid;

  if (any_kind && apdu->lc == 0)
    {
      *kind = TARGET_MF;
      return CI_SW_OK;
    }
  if (apdu->lc != 2)
    return CI_SW_WRONG_LENGTH;
  fid = (guint16) (apdu->data[0] << 8 | apdu->data[1]);
  *kind = TARGET_EF;
  if (any_kind && fid == CI_VCARD_FID_MF)
    *kind = TARGET_MF;
  else if (any_kind && card->df != NULL && fid == card->df->fid)
    *kind = TARGET_DF;
  else if ((*ef = find_in_current (card, fid)) == NULL)
    return CI_SW_NOT_FOUND;
  return CI_SW_OK;
}

static guint16
select_by_name (CiVcard      *card,
                const CiApdu *apdu,
                TargetKind   *kind)
{
  if (apdu->lc == 0 || apdu->lc > CI_VCARD_AID_MAX)
    return CI_SW_WRONG_LENGTH;
  if (card->df == NULL || card->df->aid_len != apdu->lc
      || memcmp (card->df->aid, apdu->data, apdu->lc) != 0)
    return CI_SW_NOT_FOUND;
  *kind = TARGET_DF;
  return CI_SW_OK;
}

/**
 * _ci_vcard_select:
 *
 * SELECT: 00 A4 00 xx (MF 3F00, the DF's FID, or an EF of the current DF),
 * 02 xx (EF of the current DF), 04 xx (DF by name); P2 04 answers the FCP,
 * 0C nothing. Selecting DF.CARDISSUE ends a secure messaging session
 * (profile §6), after its answer.
 */
guint16
_ci_vcard_select (CiVcard          *card,
                  const CiVcardCmd *cmd,
                  GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  TargetKind kind = TARGET_MF;
  CiVcardEf *ef = NULL;
  guint16 sw;

  if (apdu->p2 != P2_FCP && apdu->p2 != P2_NO_DATA)
    return CI_SW_WRONG_P1P2;
  if (apdu->p1 == 0x00 || apdu->p1 == 0x02)
    sw = select_by_fid (card, apdu, apdu->p1 == 0x00, &kind, &ef);
  else if (apdu->p1 == 0x04)
    sw = select_by_name (card, apdu, &kind);
  else
    return CI_SW_WRONG_P1P2;
  if (sw != CI_SW_OK)
    return sw;
  if (kind != TARGET_EF)
    {
      card->in_df = kind == TARGET_DF;
      card->end_session = kind == TARGET_DF;
    }
  card->current_ef = ef;
  if (apdu->p2 == P2_FCP && ef != NULL)
    append_fcp_ef (out, ef, card->in_df ? card->df->life_cycle : CI_VCARD_LCS_ACTIVE);
  else if (apdu->p2 == P2_FCP)
    append_fcp_df (out, card);
  return CI_SW_OK;
}

/* ---- READ BINARY, UPDATE BINARY ----------------------------------------------- */

/* P1 = 1 0 0 SFI, P2 = offset; or P1 P2 = a 15-bit offset in the current EF.
 * An EF named by its SFI becomes the current EF. */
static guint16
binary_target (CiVcard       *card,
               const CiApdu  *apdu,
               CiVcardEf    **ef,
               gsize         *offset)
{
  guint8 sfi = apdu->p1 & 0x1F;

  if ((apdu->p1 & 0x80) == 0)
    {
      if (card->current_ef == NULL)
        return CI_SW_NO_CURRENT_EF;
      *ef = card->current_ef;
      *offset = (gsize) apdu->p1 << 8 | apdu->p2;
      return CI_SW_OK;
    }
  if ((apdu->p1 & 0x60) != 0 || sfi == 0 || sfi == 0x1F)
    return CI_SW_WRONG_P1P2;
  if ((*ef = find_by_sfi (card, sfi)) == NULL)
    return CI_SW_NOT_FOUND;
  card->current_ef = *ef;
  *offset = apdu->p2;
  return CI_SW_OK;
}

/**
 * _ci_vcard_read_binary:
 *
 * READ BINARY: up to Le bytes (and the card's Ne-max); past the end of the
 * file the bytes up to the end with 6282, unless Le was the 00 wildcard,
 * which asks for "all there is".
 */
guint16
_ci_vcard_read_binary (CiVcard          *card,
                       const CiVcardCmd *cmd,
                       GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardEf *ef = NULL;
  gsize offset = 0, n;
  guint16 sw;

  if (apdu->lc != 0 || apdu->le == 0)
    return CI_SW_WRONG_LENGTH;
  sw = binary_target (card, apdu, &ef, &offset);
  if (sw != CI_SW_OK)
    return sw;
  if (!_ci_vcard_allowed (card, cmd, ef->rules, ef->rules_len, CI_VCARD_AM_READ))
    return CI_SW_SECURITY;
  if (offset >= ef->size)
    return CI_SW_WRONG_OFFSET;
  n = MIN (MIN (apdu->le, card->ne_max), ef->size - offset);
  g_byte_array_append (out, ef->data + offset, (guint) n);
  if (n == ef->size - offset && n < apdu->le && !cmd->le_wildcard)
    return CI_SW_END_OF_FILE;
  return CI_SW_OK;
}

/**
 * _ci_vcard_update_binary:
 *
 * UPDATE BINARY: the data field replaces the bytes at the offset; it must
 * fit in the file (6A84 otherwise).
 */
guint16
_ci_vcard_update_binary (CiVcard          *card,
                         const CiVcardCmd *cmd,
                         GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  CiVcardEf *ef = NULL;
  gsize offset = 0;
  guint16 sw;

  if (apdu->lc == 0)
    return CI_SW_WRONG_LENGTH;
  sw = binary_target (card, apdu, &ef, &offset);
  if (sw != CI_SW_OK)
    return sw;
  if (!_ci_vcard_allowed (card, cmd, ef->rules, ef->rules_len, CI_VCARD_AM_UPDATE))
    return CI_SW_SECURITY;
  if (offset >= ef->size)
    return CI_SW_WRONG_OFFSET;
  if (apdu->lc > ef->size - offset)
    return CI_SW_NO_SPACE;
  memcpy (ef->data + offset, apdu->data, apdu->lc);
  _ci_vcard_changed (card);
  return CI_SW_OK;
}
