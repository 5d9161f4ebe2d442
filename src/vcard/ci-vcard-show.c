/* ci-vcard-show.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A readable dump of the card's memory for `cardissue-vcard show`: life
 * cycle, files, tries left and which keys exist. Secret values (keys, PIN,
 * PUK) are never printed.
 */

#include "ci-vcard-private.h"

#include <string.h>

#define BYTES_PER_LINE 16

static void
append_hex (GString      *out,
            const guint8 *data,
            gsize         len)
{
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : " %02X", data[i]);
}

/* The bytes up to the 00 fill at the end, which is only counted when long. */
static void
append_dump (GString      *out,
             const guint8 *data,
             gsize         size)
{
  gsize used = size;

  while (used > 0 && data[used - 1] == 0x00)
    used--;
  if (size - used < BYTES_PER_LINE)
    used = size;
  for (gsize at = 0; at < used; at += BYTES_PER_LINE)
    {
      g_string_append_printf (out, "      %04zX  ", at);
      append_hex (out, data + at, MIN (BYTES_PER_LINE, used - at));
      g_string_append_c (out, '\n');
    }
  if (used < size)
    g_string_append_printf (out, "      (%s%zu bytes of 00)\n", used > 0 ? "then " : "all ",
                            size - used);
}

static void
append_ef (GString         *out,
           const char      *name,
           const CiVcardEf *ef)
{
  g_string_append_printf (out, "    EF %04X%s%s", ef->fid, name ? " " : "", name ? name : "");
  if (ef->sfi != 0)
    g_string_append_printf (out, "  SFI %02X", ef->sfi);
  g_string_append_printf (out, "  %zu bytes  access ", ef->size);
  append_hex (out, ef->rules, ef->rules_len);
  g_string_append_c (out, '\n');
  append_dump (out, ef->data, ef->size);
}

static const char *
life_cycle_name (guint8 lcs)
{
  switch (lcs)
    {
    case CI_VCARD_LCS_INIT:
      return "initialisation";
    case CI_VCARD_LCS_ACTIVE:
      return "activated";
    default:
      return "terminated";
    }
}

static void
append_secret (GString             *out,
               const char          *label,
               const CiVcardSecret *secret)
{
  if (!secret->set)
    g_string_append_printf (out, "%-20s not set\n", label);
  else if (secret->tries == 0)
    g_string_append_printf (out, "%-20s set, blocked\n", label);
  else
    g_string_append_printf (out, "%-20s set, %u %s left\n", label, secret->tries,
                            secret->tries == 1 ? "try" : "tries");
}

/* Whether EF.CARDKEY holds this card's own public key: a forged card's does not. */
static const char *
card_key_status (CiVcardDf *df)
{
  g_autoptr(GByteArray) object = g_byte_array_new ();
  CiVcardEf *ef = _ci_vcard_find_ef (df, CI_VCARD_FID_CARDKEY);

  if (df->card_key == NULL)
    return "absent";
  if (ef == NULL || !_ci_vcard_public_key_object (df->card_key, object))
    return "present";
  if (object->len <= ef->size && memcmp (ef->data, object->data, object->len) == 0)
    return "present, matches EF.CARDKEY";
  return "present, does NOT match EF.CARDKEY";
}

static void
append_df (GString   *out,
           CiVcardDf *df)
{
  g_string_append_printf (out, "%-20s DF %04X in state %02X (%s)\n", "Application:", df->fid,
                          df->life_cycle, life_cycle_name (df->life_cycle));
  g_string_append_printf (out, "%-20s %s\n", "Admin key (02):",
                          df->has_admin_key ? "present" : "absent");
  g_string_append_printf (out, "%-20s %s\n", "Card key (03):", card_key_status (df));
  append_secret (out, "PIN (81):", &df->pin);
  append_secret (out, "PUK (82):", &df->puk);
}

/**
 * ci_vcard_describe:
 * @self: a card
 *
 * Returns: (transfer full): several lines describing the card's memory,
 *   without any secret value
 */
char *
ci_vcard_describe (CiVcard *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "%-20s %s\n", "Transport key (01):",
                          self->has_transport_key ? "present" : "absent");
  if (self->df == NULL)
    g_string_append_printf (out, "%-20s none (blank card)\n", "Application:");
  else
    append_df (out, self->df);
  g_string_append (out, "Files:\n  MF 3F00\n");
  append_ef (out, "EF.ATR/INFO", &self->atr_info);
  if (self->df == NULL)
    return g_string_free (out, FALSE);
  g_string_append_printf (out, "  DF %04X  AID ", self->df->fid);
  append_hex (out, self->df->aid, self->df->aid_len);
  g_string_append (out, "  access ");
  append_hex (out, self->df->rules, self->df->rules_len);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < self->df->efs->len; i++)
    append_ef (out, NULL, g_ptr_array_index (self->df->efs, i));
  return g_string_free (out, FALSE);
}
