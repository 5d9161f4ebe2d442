/* ci-vcard-create.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Building and ending the application (profile §3, §7.2, §7.4): CREATE FILE
 * with its FCP template, DELETE FILE, ACTIVATE FILE and TERMINATE DF. The
 * last three act on the current DF (P1 P2 = 00 00, no data), whatever EF is
 * current, which is what the profile's APDUs mean.
 */

#include "ci-vcard-private.h"

#include "card/ci-tlv.h"

#include <string.h>

#define TAG_FCP       0x62
#define DESCRIPTOR_DF 0x38
#define DESCRIPTOR_EF 0x01

enum
{
  SEEN_SIZE  = 1 << 0,
  SEEN_DESC  = 1 << 1,
  SEEN_FID   = 1 << 2,
  SEEN_NAME  = 1 << 3,
  SEEN_SFI   = 1 << 4,
  SEEN_LCS   = 1 << 5,
  SEEN_RULES = 1 << 6,
};

/* What a CREATE FILE template asks for; pointers into the command. */
typedef struct
{
  guint         seen;
  gsize         size;
  guint8        descriptor;
  guint16       fid;
  const guint8 *name;
  gsize         name_len;
  guint8        sfi;
  const guint8 *rules;
  gsize         rules_len;
} Fcp;

/* ---- the FCP template ---------------------------------------------------------- */

static gboolean
fid_reserved (guint16 fid)
{
  /* MF, the path escape, the RFU value and the MF's own EF.ATR/INFO. */
  return fid == CI_VCARD_FID_MF || fid == 0x3FFF || fid == 0xFFFF
         || fid == CI_VCARD_FID_ATR_INFO;
}

static guint
fcp_bit (guint32 tag)
{
  switch (tag)
    {
    case 0x80: return SEEN_SIZE;
    case 0x82: return SEEN_DESC;
    case 0x83: return SEEN_FID;
    case 0x84: return SEEN_NAME;
    case 0x88: return SEEN_SFI;
    case 0x8A: return SEEN_LCS;
    case 0x8C: return SEEN_RULES;
    default:   return 0;
    }
}

static gboolean
fcp_take_value (const CiTlv *tlv,
                Fcp         *fcp)
{
  const guint8 *v = tlv->value;

  switch (tlv->tag)
    {
    case 0x80:
      fcp->size = tlv->len == 2 ? (gsize) (v[0] << 8 | v[1]) : tlv->len == 1 ? v[0] : 0;
      return fcp->size >= 1 && fcp->size <= CI_VCARD_EF_SIZE_MAX;
    case 0x82:
      fcp->descriptor = tlv->len == 1 ? v[0] : 0;
      return fcp->descriptor == DESCRIPTOR_DF || fcp->descriptor == DESCRIPTOR_EF;
    case 0x83:
      if (tlv->len != 2)
        return FALSE;
      fcp->fid = (guint16) (v[0] << 8 | v[1]);
      return !fid_reserved (fcp->fid);
    case 0x84:
      fcp->name = v;
      fcp->name_len = tlv->len;
      return tlv->len >= 1 && tlv->len <= CI_VCARD_AID_MAX;
    case 0x88:
      /* An empty 88 means "no SFI" (ISO/IEC 7816-4 §5.3.3). */
      fcp->sfi = tlv->len == 1 ? v[0] : 0;
      return tlv->len == 0 || (fcp->sfi >= 1 && fcp->sfi <= 30);
    case 0x8A:
      /* A new file is in its initialisation state; nothing else may be asked. */
      return tlv->len == 1 && v[0] == CI_VCARD_LCS_INIT;
    case 0x8C:
      fcp->rules = v;
      fcp->rules_len = tlv->len;
      return _ci_vcard_rules_valid (v, tlv->len);
    default:
      return FALSE;
    }
}

static gboolean
fcp_complete (const Fcp *fcp)
{
  guint needed = SEEN_DESC | SEEN_FID | SEEN_RULES;

  if ((fcp->seen & needed) != needed)
    return FALSE;
  if (fcp->descriptor == DESCRIPTOR_DF)
    return (fcp->seen & SEEN_NAME) && !(fcp->seen & (SEEN_SIZE | SEEN_SFI));
  return (fcp->seen & SEEN_SIZE) && !(fcp->seen & SEEN_NAME);
}

/* Exactly one 62 template; inside, each known tag at most once, primitive. */
static gboolean
parse_fcp (const guint8 *data,
           gsize         len,
           Fcp          *fcp)
{
  g_autoptr(GError) error = NULL;
  CiTlvReader reader;
  CiTlv outer, tlv;

  memset (fcp, 0, sizeof *fcp);
  if (!ci_tlv_parse_one (data, len, &outer, NULL) || outer.tag != TAG_FCP || !outer.constructed)
    return FALSE;
  ci_tlv_reader_init (&reader, outer.value, outer.len);
  while (ci_tlv_reader_next (&reader, &tlv, &error))
    {
      guint bit = fcp_bit (tlv.tag);

      if (bit == 0 || (fcp->seen & bit) || tlv.constructed || !fcp_take_value (&tlv, fcp))
        return FALSE;
      fcp->seen |= bit;
    }
  return error == NULL && fcp_complete (fcp);
}

/* ---- CREATE FILE ---------------------------------------------------------------- */

static guint16
create_df (CiVcard   *card,
           const Fcp *fcp)
{
  CiVcardDf *df;

  /* One application fits: DF.CARDISSUE, right under the MF. */
  if (card->in_df || card->df != NULL)
    return CI_SW_NO_SPACE;
  df = _ci_vcard_df_new ();
  df->fid = fcp->fid;
  memcpy (df->aid, fcp->name, fcp->name_len);
  df->aid_len = fcp->name_len;
  memcpy (df->rules, fcp->rules, fcp->rules_len);
  df->rules_len = fcp->rules_len;
  card->df = df;
  card->in_df = TRUE;
  card->current_ef = NULL;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

static gboolean
sfi_taken (CiVcardDf *df,
           guint8     sfi)
{
  for (guint i = 0; sfi != 0 && i < df->efs->len; i++)
    if (((CiVcardEf *) g_ptr_array_index (df->efs, i))->sfi == sfi)
      return TRUE;
  return FALSE;
}

static guint16
create_ef (CiVcard   *card,
           const Fcp *fcp)
{
  CiVcardDf *df = card->df;
  CiVcardEf *ef;

  if (!card->in_df)
    return CI_SW_NO_SPACE;
  if (fcp->fid == df->fid || _ci_vcard_find_ef (df, fcp->fid) != NULL || sfi_taken (df, fcp->sfi))
    return CI_SW_EXISTS;
  if (df->efs->len >= CI_VCARD_MAX_EFS || _ci_vcard_df_used (df) + fcp->size > CI_VCARD_MEMORY)
    return CI_SW_NO_SPACE;
  ef = _ci_vcard_ef_new (fcp->fid, fcp->sfi, fcp->rules, fcp->rules_len, fcp->size);
  g_ptr_array_add (df->efs, ef);
  card->current_ef = ef;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/**
 * _ci_vcard_create_file:
 *
 * CREATE FILE 00 E0 00 00 with an FCP template: a DF in the MF (b3 of the
 * MF's rule) or a transparent EF in the current DF (b2 of the DF's rule).
 * The new file becomes current.
 */
guint16
_ci_vcard_create_file (CiVcard          *card,
                       const CiVcardCmd *cmd,
                       GByteArray       *out)
{
  const CiApdu *apdu = cmd->apdu;
  const guint8 *rules;
  gsize rules_len;
  Fcp fcp;

  if (apdu->p1 != 0 || apdu->p2 != 0)
    return CI_SW_WRONG_P1P2;
  if (apdu->lc == 0)
    return CI_SW_WRONG_LENGTH;
  if (!parse_fcp (apdu->data, apdu->lc, &fcp))
    return CI_SW_WRONG_DATA;
  rules = _ci_vcard_current_df_rules (card, &rules_len);
  if (!_ci_vcard_allowed (card, cmd, rules, rules_len,
                          fcp.descriptor == DESCRIPTOR_DF ? CI_VCARD_AM_CREATE_DF
                                                          : CI_VCARD_AM_CREATE_EF))
    return CI_SW_SECURITY;
  return fcp.descriptor == DESCRIPTOR_DF ? create_df (card, &fcp) : create_ef (card, &fcp);
}

/* ---- the current DF's life ------------------------------------------------------ */

/* P1 P2 00 00, no data, and the current DF's rule grants @bit. */
static guint16
check_df_command (CiVcard          *card,
                  const CiVcardCmd *cmd,
                  guint             bit)
{
  const guint8 *rules;
  gsize rules_len;

  if (cmd->apdu->p1 != 0 || cmd->apdu->p2 != 0)
    return CI_SW_WRONG_P1P2;
  if (cmd->apdu->lc != 0)
    return CI_SW_WRONG_LENGTH;
  rules = _ci_vcard_current_df_rules (card, &rules_len);
  if (!card->in_df || !_ci_vcard_allowed (card, cmd, rules, rules_len, bit))
    return CI_SW_SECURITY;
  return CI_SW_OK;
}

/**
 * _ci_vcard_delete_file:
 *
 * DELETE FILE 00 E4 00 00: deletes the current DF with its files, keys,
 * PIN and PUK; the MF becomes current. The SM session stays open, so that
 * initialisation can start again at once.
 */
guint16
_ci_vcard_delete_file (CiVcard          *card,
                       const CiVcardCmd *cmd,
                       GByteArray       *out)
{
  guint16 sw = check_df_command (card, cmd, CI_VCARD_AM_DELETE_SELF);

  if (sw != CI_SW_OK)
    return sw;
  g_clear_pointer (&card->df, _ci_vcard_df_free);
  card->in_df = FALSE;
  card->current_ef = NULL;
  card->pin_verified = FALSE;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/**
 * _ci_vcard_activate_file:
 *
 * ACTIVATE FILE 00 44 00 00: the current DF goes from 03 to 05.
 */
guint16
_ci_vcard_activate_file (CiVcard          *card,
                         const CiVcardCmd *cmd,
                         GByteArray       *out)
{
  guint16 sw = check_df_command (card, cmd, CI_VCARD_AM_ACTIVATE);

  if (sw != CI_SW_OK)
    return sw;
  card->df->life_cycle = CI_VCARD_LCS_ACTIVE;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}

/**
 * _ci_vcard_terminate_df:
 *
 * TERMINATE DF 00 E6 00 00: the current DF goes from 05 to 0C for good;
 * afterwards it answers SELECT and READ BINARY only.
 */
guint16
_ci_vcard_terminate_df (CiVcard          *card,
                        const CiVcardCmd *cmd,
                        GByteArray       *out)
{
  guint16 sw = check_df_command (card, cmd, CI_VCARD_AM_TERMINATE);

  if (sw != CI_SW_OK)
    return sw;
  card->df->life_cycle = CI_VCARD_LCS_TERMINATED;
  _ci_vcard_changed (card);
  return CI_SW_OK;
}
