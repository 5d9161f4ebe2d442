/* ci-card-data.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "card/ci-card-data-private.h"
#include "card/ci-card-error.h"
#include "card/ci-tlv.h"

/* The contents of the card's files (docs/card-profile.md §2.2), encoded from
 * the model and decoded for the door reader. Decoding is strict: what an
 * attacker's card returns goes through here. */

const guint8 ci_card_aid[CI_CARD_AID_LEN] = {
  0xF0, 'C', 'A', 'R', 'D', 'I', 'S', 'S', 'U', 'E', 0x01
};

static const struct
{
  guint16 fid;
  gsize size;
  const char *name;
} files[] = {
  [CI_CARD_FILE_CARD] = { 0xC001, 128, "EF.CARD" },
  [CI_CARD_FILE_IDENTITY] = { 0xC002, 3072, "EF.IDENTITY" },
  [CI_CARD_FILE_ZONES] = { 0xC003, 4096, "EF.ZONES" },
  [CI_CARD_FILE_CARDKEY] = { 0xC004, 128, "EF.CARDKEY" },
  [CI_CARD_FILE_SIGNATURE] = { 0xC005, 128, "EF.SIGNATURE" },
};


guint16
ci_card_file_fid (CiCardFile file)
{
  g_return_val_if_fail (file >= 1 && file <= CI_CARD_N_FILES, 0);
  return files[file].fid;
}

gsize
ci_card_file_size (CiCardFile file)
{
  g_return_val_if_fail (file >= 1 && file <= CI_CARD_N_FILES, 0);
  return files[file].size;
}

const char *
ci_card_file_name (CiCardFile file)
{
  g_return_val_if_fail (file >= 1 && file <= CI_CARD_N_FILES, NULL);
  return files[file].name;
}

/* @what: what is wrong, already translated */
gboolean
_ci_card_bad_data (GError    **error,
                   const char *what)
{
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
               /* Translators: %s says what is wrong, such as “EF.ZONES lacks its
                * revision”; names like EF.ZONES are files on the card. */
               _("The card's data is not valid: %s."), what);
  return FALSE;
}

/* --- small encoders ---------------------------------------------------- */

gboolean
_ci_card_append_date (GByteArray *out,
             guint32     tag,
             const char *iso)
{
  char compact[8];

  if (!ci_date_is_valid (iso))
    return FALSE;
  memcpy (compact, iso, 4);
  memcpy (compact + 4, iso + 5, 2);
  memcpy (compact + 6, iso + 8, 2);
  ci_tlv_append (out, tag, compact, sizeof compact);
  return TRUE;
}

void
_ci_card_append_u32 (GByteArray *out,
            guint32     tag,
            guint32     value)
{
  guint8 be[4] = { value >> 24, value >> 16, value >> 8, value };

  ci_tlv_append (out, tag, be, sizeof be);
}

GBytes *
_ci_card_finish (GByteArray *out,
        CiCardFile  file,
        GError    **error)
{
  if (out->len > files[file].size)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_NO_SPACE,
                   /* Translators: %s is a file on the card, such as EF.IDENTITY; %u and
                    * %zu are sizes in bytes. */
                   _("The data for %s takes %u bytes; the file holds %zu. "
                     "Shorten the text or grant fewer zones."),
                   files[file].name, out->len, files[file].size);
      g_byte_array_unref (out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}

/* --- small decoders ---------------------------------------------------- */

char *
_ci_card_dup_text (const CiTlv *tlv)
{
  if (!g_utf8_validate ((const char *) tlv->value, tlv->len, NULL)
      || memchr (tlv->value, 0, tlv->len) != NULL)
    return NULL;
  return g_strndup ((const char *) tlv->value, tlv->len);
}

char *
_ci_card_dup_date (const CiTlv *tlv)
{
  char iso[11];

  if (tlv->len != 8)
    return NULL;
  memcpy (iso, tlv->value, 4);
  iso[4] = '-';
  memcpy (iso + 5, tlv->value + 4, 2);
  iso[7] = '-';
  memcpy (iso + 8, tlv->value + 6, 2);
  iso[10] = '\0';
  return ci_date_is_valid (iso) ? g_strdup (iso) : NULL;
}

gboolean
_ci_card_read_u32 (const CiTlv *tlv,
          guint32     *out)
{
  if (tlv->len != 4)
    return FALSE;
  *out = (guint32) tlv->value[0] << 24 | tlv->value[1] << 16 | tlv->value[2] << 8 | tlv->value[3];
  return TRUE;
}

/* Opens the constructed object @tag that must span all of @object. */
gboolean
_ci_card_open_template (GBytes       *object,
               guint32       tag,
               CiTlvReader  *reader,
               GError      **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (object, &len);
  CiTlv tlv;

  if (!ci_tlv_parse_one (data, len, &tlv, error))
    return FALSE;
  if (tlv.tag != tag)
    return _ci_card_bad_data (error, _("a file holds an object with the wrong tag"));
  ci_tlv_reader_init (reader, tlv.value, tlv.len);
  return TRUE;
}

/**
 * ci_card_file_object:
 * @file: (array length=len): the whole content of an EF as read
 * @len: its size
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the one TLV object at offset 0; every byte after
 *   it must be 00 (profile §2)
 */
GBytes *
ci_card_file_object (const guint8  *file,
                     gsize          len,
                     GError       **error)
{
  CiTlvReader reader;
  CiTlv tlv;
  gsize used;

  g_return_val_if_fail (file != NULL || len == 0, NULL);

  if (len == 0 || file[0] == 0x00 || file[0] == 0xFF)
    {
      _ci_card_bad_data (error, _("a file is empty"));
      return NULL;
    }
  ci_tlv_reader_init (&reader, file, len);
  if (!ci_tlv_reader_next (&reader, &tlv, error))
    {
      if (error && *error == NULL)
        _ci_card_bad_data (error, _("a file is empty"));
      return NULL;
    }
  used = (gsize) (tlv.value + tlv.len - file);
  for (gsize i = used; i < len; i++)
    if (file[i] != 0)
      {
        _ci_card_bad_data (error, _("a file has data after its object"));
        return NULL;
      }
  return g_bytes_new (file, used);
}

/* --- EF.CARD ----------------------------------------------------------- */

gboolean
_ci_card_serial_is_valid (const char *serial)
{
  if (serial == NULL || strlen (serial) != 10)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (!g_ascii_isdigit (serial[i]))
      return FALSE;
  return TRUE;
}

/**
 * ci_card_info_encode:
 * @info: the card's identity
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the `E0` object of EF.CARD, or %NULL
 */
GBytes *
ci_card_info_encode (const CiCardInfo  *info,
                     GError           **error)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, TAG_CARD);

  g_return_val_if_fail (info != NULL, NULL);

  ci_tlv_append_u8 (out, 0x80, 1);
  if (!_ci_card_serial_is_valid (info->serial))
    {
      g_byte_array_unref (out);
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                   _("The card serial must be 10 digits."));
      return NULL;
    }
  ci_tlv_append_string (out, 0x81, info->serial);
  ci_tlv_append_u8 (out, 0x82, info->sequence);
  if (!_ci_card_append_date (out, 0x83, info->valid_until)
      || (ci_tlv_append (out, 0x84, info->issuer_key_id, CI_CARD_KEY_ID_LEN),
          !_ci_card_append_date (out, 0x85, info->issued_on)))
    {
      g_byte_array_unref (out);
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                   _("The card's dates must be valid YYYY-MM-DD dates."));
      return NULL;
    }
  ci_tlv_end (out, mark);
  return _ci_card_finish (out, CI_CARD_FILE_CARD, error);
}

static gboolean
info_member (CiCardInfo  *out,
             const CiTlv *tlv)
{
  switch (tlv->tag)
    {
    case 0x80:
      return tlv->len == 1 && tlv->value[0] == 1;
    case 0x81:
      g_free (out->serial);
      out->serial = _ci_card_dup_text (tlv);
      return _ci_card_serial_is_valid (out->serial);
    case 0x82:
      out->sequence = tlv->len == 1 ? tlv->value[0] : 0;
      return tlv->len == 1;
    case 0x83:
      g_free (out->valid_until);
      return (out->valid_until = _ci_card_dup_date (tlv)) != NULL;
    case 0x84:
      if (tlv->len != CI_CARD_KEY_ID_LEN)
        return FALSE;
      memcpy (out->issuer_key_id, tlv->value, CI_CARD_KEY_ID_LEN);
      return TRUE;
    case 0x85:
      g_free (out->issued_on);
      return (out->issued_on = _ci_card_dup_date (tlv)) != NULL;
    default:
      return FALSE;
    }
}

/**
 * ci_card_info_decode:
 * @object: the `E0` object read from EF.CARD
 * @out: (out caller-allocates): filled on success; ci_card_info_clear() it
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: %TRUE if every member is present and well formed
 */
gboolean
ci_card_info_decode (GBytes      *object,
                     CiCardInfo  *out,
                     GError     **error)
{
  GError *local = NULL;
  CiTlvReader reader;
  CiTlv tlv;

  g_return_val_if_fail (object != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_ci_card_open_template (object, TAG_CARD, &reader, error))
    return FALSE;
  while (ci_tlv_reader_next (&reader, &tlv, &local))
    if (!info_member (out, &tlv))
      {
        ci_card_info_clear (out);
        return _ci_card_bad_data (error, _("EF.CARD holds a malformed member"));
      }
  if (local != NULL)
    {
      ci_card_info_clear (out);
      g_propagate_error (error, local);
      return FALSE;
    }
  if (out->serial == NULL || out->valid_until == NULL || out->issued_on == NULL
      || out->sequence == 0)
    {
      ci_card_info_clear (out);
      return _ci_card_bad_data (error, _("EF.CARD lacks a member"));
    }
  return TRUE;
}

void
ci_card_info_clear (CiCardInfo *info)
{
  g_return_if_fail (info != NULL);

  g_clear_pointer (&info->serial, g_free);
  g_clear_pointer (&info->valid_until, g_free);
  g_clear_pointer (&info->issued_on, g_free);
}

/* --- EF.IDENTITY ------------------------------------------------------- */

void
_ci_card_append_optional (GByteArray *out,
                 guint32     tag,
                 const char *text)
{
  if (text != NULL && text[0] != '\0')
    ci_tlv_append_string (out, tag, text);
}

/**
 * ci_card_identity_encode:
 * @identity: the holder
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the `E1` object of EF.IDENTITY, or %NULL
 */
GBytes *
ci_card_identity_encode (const CiCardIdentity  *identity,
                         GError               **error)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, TAG_IDENTITY);

  g_return_val_if_fail (identity != NULL, NULL);

  if (identity->number == NULL || identity->given_name == NULL
      || identity->family_name == NULL)
    {
      g_byte_array_unref (out);
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                   _("The employee number and both names are needed on the card."));
      return NULL;
    }
  ci_tlv_append_string (out, 0x80, identity->number);
  ci_tlv_append_string (out, 0x81, identity->given_name);
  ci_tlv_append_string (out, 0x82, identity->family_name);
  _ci_card_append_optional (out, 0x83, identity->department);
  _ci_card_append_optional (out, 0x84, identity->job_title);
  if (!_ci_card_append_date (out, 0x85, identity->valid_from)
      || !_ci_card_append_date (out, 0x86, identity->valid_until))
    {
      g_byte_array_unref (out);
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                   _("The employee's validity dates must be valid YYYY-MM-DD dates."));
      return NULL;
    }
  ci_tlv_end (out, mark);
  return _ci_card_finish (out, CI_CARD_FILE_IDENTITY, error);
}

static gboolean
identity_member (CiCardIdentity *out,
                 const CiTlv    *tlv)
{
  char **field;
  gboolean date = FALSE;

  switch (tlv->tag)
    {
    case 0x80: field = &out->number; break;
    case 0x81: field = &out->given_name; break;
    case 0x82: field = &out->family_name; break;
    case 0x83: field = &out->department; break;
    case 0x84: field = &out->job_title; break;
    case 0x85: field = &out->valid_from; date = TRUE; break;
    case 0x86: field = &out->valid_until; date = TRUE; break;
    default: return FALSE;
    }
  if (*field != NULL)
    return FALSE;
  *field = date ? _ci_card_dup_date (tlv) : _ci_card_dup_text (tlv);
  return *field != NULL;
}

/**
 * ci_card_identity_decode:
 * @object: the `E1` object read from EF.IDENTITY
 * @out: (out caller-allocates): filled on success; ci_card_identity_clear() it
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: %TRUE if the object is well formed
 */
gboolean
ci_card_identity_decode (GBytes          *object,
                         CiCardIdentity  *out,
                         GError         **error)
{
  GError *local = NULL;
  CiTlvReader reader;
  CiTlv tlv;

  g_return_val_if_fail (object != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_ci_card_open_template (object, TAG_IDENTITY, &reader, error))
    return FALSE;
  while (ci_tlv_reader_next (&reader, &tlv, &local))
    if (!identity_member (out, &tlv))
      {
        ci_card_identity_clear (out);
        return _ci_card_bad_data (error, _("EF.IDENTITY holds a malformed or repeated member"));
      }
  if (local != NULL)
    {
      ci_card_identity_clear (out);
      g_propagate_error (error, local);
      return FALSE;
    }
  if (out->number == NULL || out->given_name == NULL || out->family_name == NULL
      || out->valid_from == NULL || out->valid_until == NULL)
    {
      ci_card_identity_clear (out);
      return _ci_card_bad_data (error, _("EF.IDENTITY lacks a member"));
    }
  return TRUE;
}

void
ci_card_identity_clear (CiCardIdentity *identity)
{
  g_return_if_fail (identity != NULL);

  g_clear_pointer (&identity->number, g_free);
  g_clear_pointer (&identity->given_name, g_free);
  g_clear_pointer (&identity->family_name, g_free);
  g_clear_pointer (&identity->department, g_free);
  g_clear_pointer (&identity->job_title, g_free);
  g_clear_pointer (&identity->valid_from, g_free);
  g_clear_pointer (&identity->valid_until, g_free);
}

