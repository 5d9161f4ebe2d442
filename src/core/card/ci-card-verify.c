/* ci-card-verify.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "card/ci-card-verify.h"
#include "keys/ci-digest.h"
#include "keys/ci-key-store.h"

/* Reading an issued card back and judging it, as an offline door reader
 * does (profile §7.5, §7.7): the issuance pipeline's verify step and
 * `verify-card` share this code. */

#define CHALLENGE_LEN 32

/**
 * ci_card_read_contents:
 * @session: a session with DF.CARDISSUE selected
 * @out: (out caller-allocates): the contents; ci_card_contents_clear() it
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Reads the five files with plain READ BINARY and decodes them strictly.
 *
 * Returns: %TRUE if every file was read and is well formed
 */
gboolean
ci_card_read_contents (CiCardSession   *session,
                       CiCardContents  *out,
                       GError         **error)
{
  g_return_val_if_fail (session != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  for (CiCardFile file = 1; file <= CI_CARD_N_FILES; file++)
    {
      gsize len;
      const guint8 *data;

      out->files[file] = ci_card_session_read_file (session, file, error);
      if (out->files[file] == NULL)
        return FALSE;
      data = g_bytes_get_data (out->files[file], &len);
      out->objects[file] = ci_card_file_object (data, len, error);
      if (out->objects[file] == NULL)
        {
          g_prefix_error (error, "%s: ", ci_card_file_name (file));
          return FALSE;
        }
    }
  if (!ci_card_info_decode (out->objects[CI_CARD_FILE_CARD], &out->info, error)
      || !ci_card_identity_decode (out->objects[CI_CARD_FILE_IDENTITY], &out->identity, error)
      || !ci_card_zones_decode (out->objects[CI_CARD_FILE_ZONES], &out->zones, error))
    return FALSE;
  out->card_key = ci_card_key_decode (out->objects[CI_CARD_FILE_CARDKEY], error);
  return out->card_key != NULL
         && ci_card_signature_decode (out->objects[CI_CARD_FILE_SIGNATURE], out->signer_id,
                                      &out->signature, error);
}

void
ci_card_contents_clear (CiCardContents *contents)
{
  g_return_if_fail (contents != NULL);

  for (guint i = 0; i <= CI_CARD_N_FILES; i++)
    {
      g_clear_pointer (&contents->files[i], g_bytes_unref);
      g_clear_pointer (&contents->objects[i], g_bytes_unref);
    }
  ci_card_info_clear (&contents->info);
  ci_card_identity_clear (&contents->identity);
  if (contents->zones.zones)
    ci_card_zones_clear (&contents->zones);
  g_clear_pointer (&contents->card_key, g_bytes_unref);
  g_clear_pointer (&contents->signature, g_bytes_unref);
}

/**
 * ci_card_contents_check_signature:
 * @contents: what was read
 * @issuer_public_key: the issuer's DER SubjectPublicKeyInfo
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Checks the issuer signature over profile §2.3's data, and that EF.CARD and
 * EF.SIGNATURE name this issuer.
 *
 * Returns: %TRUE if the issuer signed exactly this data and this card key
 */
gboolean
ci_card_contents_check_signature (CiCardContents  *contents,
                                  GBytes          *issuer_public_key,
                                  GError         **error)
{
  g_autoptr(GBytes) tbs = NULL;
  guint8 issuer_id[CI_CARD_KEY_ID_LEN];

  g_return_val_if_fail (contents != NULL && issuer_public_key != NULL, FALSE);

  ci_card_key_id (issuer_public_key, issuer_id);
  if (memcmp (issuer_id, contents->signer_id, sizeof issuer_id) != 0
      || memcmp (issuer_id, contents->info.issuer_key_id, sizeof issuer_id) != 0)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                   _("The card was not issued by this issuer."));
      return FALSE;
    }
  tbs = ci_card_signed_data (contents->objects[CI_CARD_FILE_CARD],
                             contents->objects[CI_CARD_FILE_IDENTITY],
                             contents->objects[CI_CARD_FILE_ZONES],
                             contents->objects[CI_CARD_FILE_CARDKEY]);
  if (!ci_keys_verify_signature (issuer_public_key, g_bytes_get_data (tbs, NULL),
                                 g_bytes_get_size (tbs), contents->signature, NULL))
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                   _("The issuer signature on the card does not match its data: the card "
                     "was altered or written incompletely."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ci_card_prove_key:
 * @session: a session with DF.CARDISSUE selected
 * @card_key: the card's public key from EF.CARDKEY (SPKI DER)
 * @error: return location for a #CI_CARD_ERROR error
 *
 * INTERNAL AUTHENTICATE with a fresh random challenge; the answer must verify
 * with @card_key. Copied data can't do this: only the chip that generated
 * the key holds its private half.
 *
 * Returns: %TRUE if the card holds the private key of @card_key
 */
gboolean
ci_card_prove_key (CiCardSession  *session,
                   GBytes         *card_key,
                   GError        **error)
{
  guint8 message[7 + CHALLENGE_LEN];
  g_autoptr(GBytes) signature = NULL;

  g_return_val_if_fail (session != NULL && card_key != NULL, FALSE);

  memcpy (message, "CIAUTH1", 7);
  if (!ci_random_bytes (message + 7, CHALLENGE_LEN, error))
    return FALSE;
  signature = ci_card_session_internal_auth (session, message + 7, CHALLENGE_LEN, error);
  if (signature == NULL)
    return FALSE;
  if (!ci_keys_verify_signature (card_key, message, sizeof message, signature, NULL))
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                   _("The card could not prove it holds its own key: it is a copy."));
      return FALSE;
    }
  return TRUE;
}

const char *
ci_card_verdict_to_string (CiCardVerdict verdict)
{
  static const char * const names[] = { "valid", "invalid", "revoked", "expired", "clone" };

  g_return_val_if_fail (verdict <= CI_CARD_VERDICT_CLONE, "invalid");
  return names[verdict];
}

static CiCardVerdict
verdict (CiCardVerdict   v,
         char          **reason,
         char           *text)
{
  if (reason)
    *reason = text;
  else
    g_free (text);
  return v;
}

static gboolean
is_expired (const CiCardContents  *c,
            const char            *today,
            char                 **why)
{
  if (g_strcmp0 (today, c->identity.valid_from) < 0)
    *why = g_strdup_printf (_("The holder's validity starts on %s."), c->identity.valid_from);
  else if (g_strcmp0 (today, c->identity.valid_until) > 0)
    *why = g_strdup_printf (_("The holder's validity ended on %s."), c->identity.valid_until);
  else if (g_strcmp0 (today, c->info.valid_until) > 0)
    *why = g_strdup_printf (_("The card expired on %s."), c->info.valid_until);
  return *why != NULL;
}

/**
 * ci_card_door_check:
 * @session: a session on the card (any state)
 * @issuer_public_key: the issuer's DER SubjectPublicKeyInfo, from its certificate
 * @is_denied: (nullable): says whether a serial is on the deny list
 * @user_data: for @is_denied
 * @today: the date as YYYY-MM-DD
 * @contents: (out caller-allocates) (optional): what was read, even on failure
 * @reason: (out) (optional) (transfer full): why, for a person
 *
 * The reference offline door reader of profile §7.7.
 *
 * Returns: the verdict
 */
CiCardVerdict
ci_card_door_check (CiCardSession   *session,
                    GBytes          *issuer_public_key,
                    CiCardDenyFunc   is_denied,
                    gpointer         user_data,
                    const char      *today,
                    CiCardContents  *contents,
                    char           **reason)
{
  CiCardContents local;
  CiCardContents *c = contents ? contents : &local;
  g_autoptr(GError) error = NULL;
  CiCardVerdict v;
  char *why = NULL;
  guint8 life_cycle = 0;

  g_return_val_if_fail (session != NULL && issuer_public_key != NULL, CI_CARD_VERDICT_INVALID);

  memset (c, 0, sizeof *c);
  if (!ci_card_session_select_df (session, &life_cycle, &error))
    v = verdict (CI_CARD_VERDICT_INVALID, reason, g_strdup (error->message));
  else if (life_cycle != CI_CARD_LCS_ACTIVATED)
    v = verdict (CI_CARD_VERDICT_INVALID, reason,
                 g_strdup_printf (_("The card's application is not active (life cycle %02X)."),
                                  life_cycle));
  else if (!ci_card_read_contents (session, c, &error)
           || !ci_card_contents_check_signature (c, issuer_public_key, &error))
    v = verdict (CI_CARD_VERDICT_INVALID, reason, g_strdup (error->message));
  else if (is_denied && is_denied (c->info.serial, user_data))
    v = verdict (CI_CARD_VERDICT_REVOKED, reason,
                 g_strdup_printf (_("Card %s is on the deny list."), c->info.serial));
  else if (is_expired (c, today, &why))
    v = verdict (CI_CARD_VERDICT_EXPIRED, reason, g_steal_pointer (&why));
  else if (!ci_card_prove_key (session, c->card_key, &error))
    v = verdict (CI_CARD_VERDICT_CLONE, reason, g_strdup (error->message));
  else
    v = verdict (CI_CARD_VERDICT_VALID, reason,
                 /* Translators: a valid card: its serial, the holder's given and family
                  * name, and the number of zones on it. The English text is the same for
                  * one zone and several; give your language's forms for the number. */
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Card %s of %s %s, %u zone(s).",
                                               "Card %s of %s %s, %u zone(s).",
                                               c->zones.zones->len),
                                  c->info.serial,
                                  c->identity.given_name, c->identity.family_name,
                                  c->zones.zones->len));
  if (c == &local)
    ci_card_contents_clear (&local);
  return v;
}
