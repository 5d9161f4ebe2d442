/* ci-face-binding.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The QR code on a card's face binds the face to the chip:
 *
 *   CI1.<serial>.<chip digest>.<signature>
 *
 * serial: the 10 digits printed on the card; chip digest: base64url of the
 * first 12 bytes of SHA-256 over the chip's EF.CARD || EF.IDENTITY ||
 * EF.CARDKEY objects, so a reader holding the card compares it with the
 * chip (the zones may change without a new face); signature: base64url
 * of the issuer's DER ECDSA P-256 signature over "CIQR1" || serial || digest,
 * so a guard's phone with only the issuer certificate tells a genuine face
 * from a printed fake. base64url without padding (RFC 4648 §5).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "face/ci-face-binding.h"
#include "keys/ci-digest.h"
#include "keys/ci-key-store.h"

#define SIGNED_PREFIX "CIQR1"
#define SIGNATURE_MAX 72
#define PAYLOAD_MAX   256

G_DEFINE_QUARK (ci-face-error-quark, ci_face_error)

static char *
base64url (const guint8 *data,
           gsize         len)
{
  char *text = g_base64_encode (data, len);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

/* Strict: only the base64url alphabet, no padding, and a length that
 * encodes whole bytes. */
static GBytes *
unbase64url (const char *text,
             gsize       len)
{
  g_autoptr(GString) padded = g_string_new_len (text, (gssize) len);
  g_autofree char *canonical = NULL;
  gsize out_len = 0;
  guchar *out;

  if (len == 0 || len % 4 == 1)
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '-')
        padded->str[i] = '+';
      else if (c == '_')
        padded->str[i] = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
    }
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  out = g_base64_decode (padded->str, &out_len);
  /* Canonical only: unused low bits in the last character must be 0, so
   * that one code has one spelling. */
  canonical = base64url (out, out_len);
  if (strlen (canonical) != len || memcmp (canonical, text, len) != 0)
    {
      g_free (out);
      return NULL;
    }
  return g_bytes_new_take (out, out_len);
}

static GBytes *
signed_message (const CiFaceBinding *binding)
{
  GByteArray *m = g_byte_array_new ();

  g_byte_array_append (m, (const guint8 *) SIGNED_PREFIX, strlen (SIGNED_PREFIX));
  g_byte_array_append (m, (const guint8 *) binding->serial, 10);
  g_byte_array_append (m, binding->chip_digest, CI_FACE_BINDING_DIGEST_LEN);
  return g_byte_array_free_to_bytes (m);
}

static gboolean
serial_is_valid (const char *serial,
                 gsize       len)
{
  if (len != 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (serial[i]))
      return FALSE;
  return TRUE;
}

/**
 * ci_face_binding_chip_digest:
 * @card: the EF.CARD object
 * @identity: the EF.IDENTITY object
 * @card_key: the EF.CARDKEY object
 * @out: (out caller-allocates): their digest for the QR code
 */
void
ci_face_binding_chip_digest (GBytes *card,
                             GBytes *identity,
                             GBytes *card_key,
                             guint8  out[CI_FACE_BINDING_DIGEST_LEN])
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  GBytes *parts[] = { card, identity, card_key };
  guint8 hash[CI_SHA256_LEN];

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_byte_array_append (all, g_bytes_get_data (parts[i], NULL), g_bytes_get_size (parts[i]));
  ci_sha256 (all->data, all->len, hash);
  memcpy (out, hash, CI_FACE_BINDING_DIGEST_LEN);
}

/**
 * ci_face_binding_encode:
 * @binding: the card's serial and chip digest
 * @sign: signs with the issuer key
 * @sign_data: for @sign
 * @error: return location for an error
 *
 * Returns: (transfer full): the QR payload, or %NULL
 */
char *
ci_face_binding_encode (const CiFaceBinding  *binding,
                        CiFaceSignFunc        sign,
                        gpointer              sign_data,
                        GError              **error)
{
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *sig = NULL;

  g_return_val_if_fail (binding != NULL && sign != NULL, NULL);
  g_return_val_if_fail (serial_is_valid (binding->serial, strlen (binding->serial)), NULL);

  message = signed_message (binding);
  signature = sign (message, sign_data, error);
  if (signature == NULL)
    return NULL;
  digest = base64url (binding->chip_digest, CI_FACE_BINDING_DIGEST_LEN);
  sig = base64url (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  return g_strconcat (CI_FACE_BINDING_PREFIX, binding->serial, ".", digest, ".", sig, NULL);
}

static gboolean
malformed (GError    **error,
           const char *why)
{
  g_set_error (error, CI_FACE_ERROR, CI_FACE_ERROR_MALFORMED,
               /* Translators: %s says what is wrong, such as “the serial is not 10 digits”. */
               _("This QR code is not a CardIssue card code (%s)"), why);
  return FALSE;
}

/**
 * ci_face_binding_verify:
 * @payload: what the QR code says
 * @issuer_public_key_der: the issuer's key (from its certificate)
 * @out: (out caller-allocates) (optional): the serial and chip digest
 * @error: return location for an error saying what is wrong
 *
 * Returns: %TRUE if @payload is a CardIssue code the issuer signed
 */
gboolean
ci_face_binding_verify (const char     *payload,
                        GBytes         *issuer_public_key_der,
                        CiFaceBinding  *out,
                        GError        **error)
{
  CiFaceBinding binding = { { 0 } };
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) message = NULL;
  const char *serial, *dot1, *dot2;
  gsize len;

  g_return_val_if_fail (payload != NULL && issuer_public_key_der != NULL, FALSE);

  len = strnlen (payload, PAYLOAD_MAX + 1);
  if (len > PAYLOAD_MAX || !g_str_has_prefix (payload, CI_FACE_BINDING_PREFIX))
    {
      g_autofree char *why = g_strdup_printf (_("it does not start with “%s”"),
                                              CI_FACE_BINDING_PREFIX);
      return malformed (error, why);
    }
  serial = payload + strlen (CI_FACE_BINDING_PREFIX);
  if ((dot1 = strchr (serial, '.')) == NULL || (dot2 = strchr (dot1 + 1, '.')) == NULL)
    return malformed (error, _("it has fewer than four parts"));
  if (!serial_is_valid (serial, (gsize) (dot1 - serial)))
    return malformed (error, _("the serial is not 10 digits"));
  digest = unbase64url (dot1 + 1, (gsize) (dot2 - dot1 - 1));
  signature = unbase64url (dot2 + 1, strlen (dot2 + 1));
  if (digest == NULL || g_bytes_get_size (digest) != CI_FACE_BINDING_DIGEST_LEN)
    return malformed (error, _("the chip digest is not 12 bytes in base64url"));
  if (signature == NULL || g_bytes_get_size (signature) > SIGNATURE_MAX)
    return malformed (error, _("the signature is not base64url"));
  memcpy (binding.serial, serial, 10);
  memcpy (binding.chip_digest, g_bytes_get_data (digest, NULL), CI_FACE_BINDING_DIGEST_LEN);
  message = signed_message (&binding);
  if (!ci_keys_verify_signature (issuer_public_key_der, g_bytes_get_data (message, NULL),
                                 g_bytes_get_size (message), signature, NULL))
    {
      g_set_error (error, CI_FACE_ERROR, CI_FACE_ERROR_FORGED,
                   _("The QR code of card %s was not signed by this issuer: the face is forged "
                     "or altered"), binding.serial);
      return FALSE;
    }
  if (out)
    *out = binding;
  return TRUE;
}
