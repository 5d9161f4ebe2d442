/* ci-vcard-forge.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A "programmable clone": what an attacker with a blank programmable card
 * can make from a card they have read. Every file can be copied byte for
 * byte, EF.CARDKEY and the issuer's signature included, but the private key
 * of the original never leaves it: the clone has a key pair of its own,
 * which does not match the EF.CARDKEY it carries. The door readers' INTERNAL
 * AUTHENTICATE check (profile §7.7) must catch exactly this.
 */

#include "ci-vcard-private.h"

#include "keys/ci-digest.h"

#include <string.h>

typedef struct
{
  guint16 fid;
  guint8  sfi;
  gsize   size;
  guint8  rules[3];
} ProfileEf;

/* Profile §2 and §3. */
static const guint8 profile_aid[] = {
  0xF0, 0x43, 0x41, 0x52, 0x44, 0x49, 0x53, 0x53, 0x55, 0x45, 0x01,
};
static const guint8 profile_df_rules[] = { 0x72, 0x41, 0x41, 0x41, 0x41 };
static const ProfileEf profile_efs[] = {
  { 0xC001, 1, 128, { 0x03, 0x41, 0x00 } },
  { 0xC002, 2, 3072, { 0x03, 0x41, 0x00 } },
  { 0xC003, 3, 4096, { 0x03, 0x41, 0x00 } },
  { 0xC004, 4, 128, { 0x03, 0xFF, 0x00 } },
  { 0xC005, 5, 128, { 0x03, 0x41, 0x00 } },
};

static GBytes *
content_for (const CiVcardFileContent *files,
             gsize                     n_files,
             guint16                   fid)
{
  for (gsize i = 0; i < n_files; i++)
    if (files[i].fid == fid)
      return files[i].content;
  return NULL;
}

static gboolean
check_files (const CiVcardFileContent  *files,
             gsize                      n_files,
             GError                   **error)
{
  for (gsize i = 0; i < n_files; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (profile_efs); j++)
        known |= profile_efs[j].fid == files[i].fid;
      if (!known || content_for (files, i, files[i].fid) != NULL)
        {
          g_set_error (error, CI_VCARD_ERROR, CI_VCARD_ERROR_INVALID,
                       "File %04X is %s; the card has C001 to C005, each given once",
                       files[i].fid, known ? "given twice" : "not in the card profile");
          return FALSE;
        }
      if (g_bytes_get_size (files[i].content) > CI_VCARD_EF_SIZE_MAX)
        {
          g_set_error (error, CI_VCARD_ERROR, CI_VCARD_ERROR_INVALID,
                       "File %04X: %zu bytes are more than a file can hold", files[i].fid,
                       g_bytes_get_size (files[i].content));
          return FALSE;
        }
    }
  return TRUE;
}

/* An EF of the profile's size, or larger if the copied bytes need it. */
static CiVcardEf *
forged_ef (const ProfileEf *spec,
           GBytes          *content)
{
  gsize len = content != NULL ? g_bytes_get_size (content) : 0;
  CiVcardEf *ef = _ci_vcard_ef_new (spec->fid, spec->sfi, spec->rules, sizeof spec->rules,
                                    MAX (spec->size, len));

  if (len > 0)
    memcpy (ef->data, g_bytes_get_data (content, NULL), len);
  return ef;
}

static CiVcardDf *
forged_df (const CiVcardFileContent *files,
           gsize                     n_files)
{
  CiVcardDf *df = _ci_vcard_df_new ();

  df->fid = 0x4349;
  memcpy (df->aid, profile_aid, sizeof profile_aid);
  df->aid_len = sizeof profile_aid;
  memcpy (df->rules, profile_df_rules, sizeof profile_df_rules);
  df->rules_len = sizeof profile_df_rules;
  df->life_cycle = CI_VCARD_LCS_ACTIVE;
  for (guint i = 0; i < G_N_ELEMENTS (profile_efs); i++)
    g_ptr_array_add (df->efs, forged_ef (&profile_efs[i],
                                         content_for (files, n_files, profile_efs[i].fid)));
  return df;
}

/**
 * ci_vcard_new_forged:
 * @files: (array length=n_files): contents for files C001 to C005
 * @n_files: how many
 * @error: return location for an error
 *
 * Makes an activated card whose DF.CARDISSUE holds the given bytes verbatim,
 * with a fresh key pair of its own (not the one in a copied EF.CARDKEY) and
 * an admin key known to nobody. Files not given are left empty.
 *
 * Returns: (transfer full): the clone, or %NULL
 */
CiVcard *
ci_vcard_new_forged (const CiVcardFileContent  *files,
                     gsize                      n_files,
                     GError                   **error)
{
  g_autoptr(CiVcard) card = NULL;
  CiVcardDf *df;

  g_return_val_if_fail (files != NULL || n_files == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_files (files, n_files, error))
    return NULL;
  card = ci_vcard_new_blank (NULL);
  card->df = df = forged_df (files, n_files);
  df->card_key = _ci_vcard_generate_key ();
  df->has_admin_key = ci_random_bytes (df->admin_key, sizeof df->admin_key, NULL);
  if (df->card_key == NULL || !df->has_admin_key)
    {
      g_set_error_literal (error, CI_VCARD_ERROR, CI_VCARD_ERROR_CRYPTO,
                           "OpenSSL could not make the clone's keys");
      return NULL;
    }
  return g_steal_pointer (&card);
}
