/* ci-vcard-image.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card's persistent memory as a key file with hex values: easy to read
 * while debugging, replaced atomically on every change. It holds the card's
 * secrets (keys, PIN, PUK), as a card's EEPROM does, so it is written 0600.
 *
 *   [card]       format, transport-key
 *   [df]         fid, aid, life-cycle, access, admin-key, card-key (DER),
 *                pin, pin-tries, puk, puk-tries
 *   [ef C001]    sfi, access, data        (one group per EF, in order)
 */

#include "ci-vcard-private.h"

#include "keys/ci-digest.h"

#include <string.h>

#include <openssl/crypto.h>

#define IMAGE_FORMAT 1
#define EF_GROUP     "ef "

/* ---- saving ------------------------------------------------------------------ */

static void
set_hex (GKeyFile     *kf,
         const char   *group,
         const char   *key,
         const guint8 *data,
         gsize         len)
{
  g_autofree char *hex = ci_hex_encode (data, len);

  g_key_file_set_string (kf, group, key, hex);
  OPENSSL_cleanse (hex, strlen (hex));
}

static void
set_secret (GKeyFile            *kf,
            const char          *key,
            const char          *tries_key,
            const CiVcardSecret *secret)
{
  if (!secret->set)
    return;
  set_hex (kf, "df", key, secret->value, CI_VCARD_PIN_LEN);
  g_key_file_set_integer (kf, "df", tries_key, secret->tries);
}

static gboolean
set_card_key (GKeyFile  *kf,
              EVP_PKEY  *key,
              GError   **error)
{
  unsigned char *der = NULL;
  int len = i2d_PrivateKey (key, &der);

  if (len <= 0)
    {
      g_set_error_literal (error, CI_VCARD_ERROR, CI_VCARD_ERROR_CRYPTO,
                           "OpenSSL could not encode the card's key pair");
      return FALSE;
    }
  set_hex (kf, "df", "card-key", der, (gsize) len);
  OPENSSL_clear_free (der, (size_t) len);
  return TRUE;
}

static void
save_ef (GKeyFile        *kf,
         const CiVcardEf *ef)
{
  g_autofree char *group = g_strdup_printf (EF_GROUP "%04X", ef->fid);

  g_key_file_set_integer (kf, group, "sfi", ef->sfi);
  set_hex (kf, group, "access", ef->rules, ef->rules_len);
  set_hex (kf, group, "data", ef->data, ef->size);
}

static gboolean
save_df (GKeyFile         *kf,
         const CiVcardDf  *df,
         GError          **error)
{
  const guint8 fid[2] = { df->fid >> 8, df->fid & 0xFF };

  set_hex (kf, "df", "fid", fid, sizeof fid);
  set_hex (kf, "df", "aid", df->aid, df->aid_len);
  set_hex (kf, "df", "life-cycle", &df->life_cycle, 1);
  set_hex (kf, "df", "access", df->rules, df->rules_len);
  if (df->has_admin_key)
    set_hex (kf, "df", "admin-key", df->admin_key, CI_VCARD_KEY_LEN);
  if (df->card_key != NULL && !set_card_key (kf, df->card_key, error))
    return FALSE;
  set_secret (kf, "pin", "pin-tries", &df->pin);
  set_secret (kf, "puk", "puk-tries", &df->puk);
  for (guint i = 0; i < df->efs->len; i++)
    save_ef (kf, g_ptr_array_index (df->efs, i));
  return TRUE;
}

/**
 * ci_vcard_save:
 * @self: a card
 * @path: the image file
 * @error: return location for an error
 *
 * Writes the card's memory (not its volatile state) to @path, replacing it
 * atomically: after a crash the file holds the old or the new memory, never
 * a mix. The file is created readable by its owner only.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_vcard_save (CiVcard     *self,
               const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_key_file_set_integer (kf, "card", "format", IMAGE_FORMAT);
  g_key_file_set_comment (kf, "card", NULL,
                          " CardIssue virtual card image: the card's memory, keys included."
                          "\n Keep it private; `cardissue-vcard show` prints it without them.",
                          NULL);
  if (self->has_transport_key)
    set_hex (kf, "card", "transport-key", self->transport_key, CI_VCARD_KEY_LEN);
  if (self->df != NULL && !save_df (kf, self->df, error))
    return FALSE;
  text = g_key_file_to_data (kf, &len, NULL);
  ok = g_file_set_contents_full (path, text, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 error);
  OPENSSL_cleanse (text, len);
  return ok;
}

/* ---- loading ------------------------------------------------------------------ */

static gboolean
bad_image (GError     **error,
           const char  *group,
           const char  *key,
           const char  *what)
{
  g_set_error (error, CI_VCARD_ERROR, CI_VCARD_ERROR_IMAGE, "[%s] %s: %s", group, key, what);
  return FALSE;
}

/* Reads a hex value of @min to @max bytes. Absent: %NULL and no error. */
static gboolean
get_hex (GKeyFile    *kf,
         const char  *group,
         const char  *key,
         gsize        min,
         gsize        max,
         GBytes     **out,
         GError     **error)
{
  g_autofree char *hex = g_key_file_get_string (kf, group, key, NULL);
  gsize len;
  guint8 *buf;

  *out = NULL;
  if (hex == NULL)
    return TRUE;
  g_strstrip (hex);
  len = strlen (hex) / 2;
  if (strlen (hex) % 2 != 0 || len < min || len > max)
    return bad_image (error, group, key, "wrong length");
  buf = g_malloc (MAX (len, 1));
  if (!ci_hex_decode (hex, buf, len))
    {
      g_free (buf);
      return bad_image (error, group, key, "not hexadecimal");
    }
  OPENSSL_cleanse (hex, strlen (hex));
  *out = g_bytes_new_take (buf, len);
  return TRUE;
}

static gboolean
get_required_hex (GKeyFile    *kf,
                  const char  *group,
                  const char  *key,
                  gsize        min,
                  gsize        max,
                  GBytes     **out,
                  GError     **error)
{
  if (!get_hex (kf, group, key, min, max, out, error))
    return FALSE;
  return *out != NULL || bad_image (error, group, key, "missing");
}

static gboolean
get_int (GKeyFile    *kf,
         const char  *group,
         const char  *key,
         gint         min,
         gint         max,
         gint        *out,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = g_key_file_get_integer (kf, group, key, &local_error);
  if (local_error != NULL || *out < min || *out > max)
    return bad_image (error, group, key, "missing or out of range");
  return TRUE;
}

/* Copies a value of known length out of @bytes. */
static void
take_bytes (GBytes *bytes,
            guint8 *dest)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  memcpy (dest, data, len);
}

static gboolean
load_secret (GKeyFile       *kf,
             const char     *key,
             const char     *tries_key,
             gint            max_tries,
             CiVcardSecret  *secret,
             GError        **error)
{
  g_autoptr(GBytes) value = NULL;
  gint tries = 0;

  if (!get_hex (kf, "df", key, CI_VCARD_PIN_LEN, CI_VCARD_PIN_LEN, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!get_int (kf, "df", tries_key, 0, max_tries, &tries, error))
    return FALSE;
  secret->set = TRUE;
  take_bytes (value, secret->value);
  secret->tries = (guint8) tries;
  return TRUE;
}

static gboolean
load_card_key (GKeyFile   *kf,
               CiVcardDf  *df,
               GError    **error)
{
  g_autoptr(GBytes) der = NULL;
  const unsigned char *p;
  char curve[32] = "";
  gsize len;

  if (!get_hex (kf, "df", "card-key", 1, 4096, &der, error))
    return FALSE;
  if (der == NULL)
    return TRUE;
  p = g_bytes_get_data (der, &len);
  df->card_key = d2i_AutoPrivateKey (NULL, &p, (long) len);
  if (df->card_key == NULL || !EVP_PKEY_is_a (df->card_key, "EC")
      || EVP_PKEY_get_group_name (df->card_key, curve, sizeof curve, NULL) != 1
      || strcmp (curve, "prime256v1") != 0)
    return bad_image (error, "df", "card-key", "not an EC P-256 private key");
  return TRUE;
}

static gboolean
load_ef (GKeyFile    *kf,
         const char  *group,
         CiVcardDf   *df,
         GError     **error)
{
  g_autoptr(GBytes) rules = NULL;
  g_autoptr(GBytes) data = NULL;
  guint8 fid[2];
  gint sfi = 0;
  CiVcardEf *ef;

  if (!ci_hex_decode (group + strlen (EF_GROUP), fid, sizeof fid)
      || _ci_vcard_find_ef (df, (guint16) (fid[0] << 8 | fid[1])) != NULL)
    return bad_image (error, group, "group", "not a new file identifier");
  if (!get_int (kf, group, "sfi", 0, 30, &sfi, error)
      || !get_required_hex (kf, group, "access", 1, CI_VCARD_RULES_MAX, &rules, error)
      || !get_required_hex (kf, group, "data", 1, CI_VCARD_EF_SIZE_MAX, &data, error))
    return FALSE;
  if (!_ci_vcard_rules_valid (g_bytes_get_data (rules, NULL), g_bytes_get_size (rules)))
    return bad_image (error, group, "access", "not a compact access rule");
  if (df->efs->len >= CI_VCARD_MAX_EFS
      || _ci_vcard_df_used (df) + g_bytes_get_size (data) > CI_VCARD_MEMORY)
    return bad_image (error, group, "data", "more files than the card holds");
  ef = _ci_vcard_ef_new ((guint16) (fid[0] << 8 | fid[1]), (guint8) sfi,
                         g_bytes_get_data (rules, NULL), g_bytes_get_size (rules),
                         g_bytes_get_size (data));
  take_bytes (data, ef->data);
  g_ptr_array_add (df->efs, ef);
  return TRUE;
}

static gboolean
load_df_header (GKeyFile   *kf,
                CiVcardDf  *df,
                GError    **error)
{
  g_autoptr(GBytes) fid = NULL, aid = NULL, lcs = NULL, rules = NULL, admin = NULL;
  const guint8 *p;

  if (!get_required_hex (kf, "df", "fid", 2, 2, &fid, error)
      || !get_required_hex (kf, "df", "aid", 1, CI_VCARD_AID_MAX, &aid, error)
      || !get_required_hex (kf, "df", "life-cycle", 1, 1, &lcs, error)
      || !get_required_hex (kf, "df", "access", 1, CI_VCARD_RULES_MAX, &rules, error)
      || !get_hex (kf, "df", "admin-key", CI_VCARD_KEY_LEN, CI_VCARD_KEY_LEN, &admin, error))
    return FALSE;
  p = g_bytes_get_data (fid, NULL);
  df->fid = (guint16) (p[0] << 8 | p[1]);
  df->aid_len = g_bytes_get_size (aid);
  take_bytes (aid, df->aid);
  take_bytes (lcs, &df->life_cycle);
  if (df->life_cycle != CI_VCARD_LCS_INIT && df->life_cycle != CI_VCARD_LCS_ACTIVE
      && (df->life_cycle < 0x0C || df->life_cycle > 0x0F))
    return bad_image (error, "df", "life-cycle", "not 03, 05 or 0C to 0F");
  df->rules_len = g_bytes_get_size (rules);
  take_bytes (rules, df->rules);
  if (!_ci_vcard_rules_valid (df->rules, df->rules_len))
    return bad_image (error, "df", "access", "not a compact access rule");
  df->has_admin_key = admin != NULL;
  if (admin != NULL)
    take_bytes (admin, df->admin_key);
  return TRUE;
}

static gboolean
sfis_unique (CiVcardDf *df)
{
  guint32 seen = 0;

  for (guint i = 0; i < df->efs->len; i++)
    {
      guint8 sfi = ((CiVcardEf *) g_ptr_array_index (df->efs, i))->sfi;

      if (sfi != 0 && (seen & (1u << sfi)))
        return FALSE;
      seen |= 1u << sfi;
    }
  return TRUE;
}

static CiVcardDf *
load_df (GKeyFile  *kf,
         GError   **error)
{
  g_autoptr(CiVcardDf) df = _ci_vcard_df_new ();
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

  if (!load_df_header (kf, df, error) || !load_card_key (kf, df, error)
      || !load_secret (kf, "pin", "pin-tries", CI_VCARD_PIN_TRIES, &df->pin, error)
      || !load_secret (kf, "puk", "puk-tries", CI_VCARD_PUK_TRIES, &df->puk, error))
    return NULL;
  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], EF_GROUP) && !load_ef (kf, groups[i], df, error))
      return NULL;
  if (!sfis_unique (df))
    {
      bad_image (error, "df", "sfi", "two files share a short identifier");
      return NULL;
    }
  return g_steal_pointer (&df);
}

static gboolean
load_card (GKeyFile  *kf,
           CiVcard   *card,
           GError   **error)
{
  g_autoptr(GBytes) transport = NULL;
  gint format = 0;

  if (!get_int (kf, "card", "format", IMAGE_FORMAT, IMAGE_FORMAT, &format, error)
      || !get_hex (kf, "card", "transport-key", CI_VCARD_KEY_LEN, CI_VCARD_KEY_LEN, &transport,
                   error))
    return FALSE;
  card->has_transport_key = transport != NULL;
  if (transport != NULL)
    take_bytes (transport, card->transport_key);
  if (g_key_file_has_group (kf, "df") && (card->df = load_df (kf, error)) == NULL)
    return FALSE;
  return TRUE;
}

/**
 * ci_vcard_load:
 * @path: an image file written by ci_vcard_save()
 * @error: return location for an error
 *
 * Reads a card's memory. Every value is checked, so a damaged or hand-edited
 * image is refused with a message rather than making the card misbehave.
 *
 * Returns: (transfer full): the card (T=1, no limits, no image set), or %NULL
 */
CiVcard *
ci_vcard_load (const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(CiVcard) card = ci_vcard_new_blank (NULL);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local_error)
      || !load_card (kf, card, &local_error))
    {
      g_set_error (error, CI_VCARD_ERROR, CI_VCARD_ERROR_IMAGE,
                   "The card image %s cannot be used: %s", path, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&card);
}
