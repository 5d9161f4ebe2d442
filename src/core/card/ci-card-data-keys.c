/* ci-card-data-keys.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "card/ci-card-data-private.h"
#include "card/ci-card-error.h"
#include "keys/ci-digest.h"
#include "keys/ci-openssl-private.h"

/* EF.CARDKEY and EF.SIGNATURE (docs/card-profile.md §2.2, §2.3). */

static const guint8 prime256v1_oid[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };

/**
 * ci_card_key_decode:
 * @object: the `7F49` object read from EF.CARDKEY
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: (transfer full): the card's public key as a DER
 *   SubjectPublicKeyInfo, or %NULL if it is not a valid P-256 point
 */
GBytes *
ci_card_key_decode (GBytes  *object,
                    GError **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  CiTlvReader reader;
  CiTlv oid, point;

  g_return_val_if_fail (object != NULL, NULL);

  if (!_ci_card_open_template (object, TAG_PUBKEY, &reader, error))
    return NULL;
  if (!ci_tlv_reader_next (&reader, &oid, NULL) || oid.tag != 0x06
      || oid.len != sizeof prime256v1_oid || memcmp (oid.value, prime256v1_oid, oid.len) != 0
      || !ci_tlv_reader_next (&reader, &point, NULL) || point.tag != 0x86
      || point.len != CI_P256_POINT_LEN || point.value[0] != 0x04
      || (pkey = _ci_p256_from_point (point.value, point.len)) == NULL)
    {
      _ci_card_bad_data (error, _("EF.CARDKEY does not hold a P-256 public key"));
      return NULL;
    }
  return _ci_p256_spki_from_point (point.value);
}

/**
 * ci_card_key_encode:
 * @public_key_der: a DER SubjectPublicKeyInfo of a P-256 key
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Builds the `7F49` object a card writes into EF.CARDKEY.
 *
 * Returns: (transfer full): the object, or %NULL
 */
GBytes *
ci_card_key_encode (GBytes  *public_key_der,
                    GError **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 point[CI_P256_POINT_LEN];
  gsize len = 0;
  guint mark;

  g_return_val_if_fail (public_key_der != NULL, NULL);

  pkey = _ci_p256_from_spki (g_bytes_get_data (public_key_der, NULL),
                             g_bytes_get_size (public_key_der));
  if (pkey == NULL
      || !EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                           point, sizeof point, &len)
      || len != sizeof point)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_DATA,
                   _("The card's public key is not an uncompressed P-256 point."));
      return NULL;
    }
  mark = ci_tlv_begin (out, TAG_PUBKEY);
  ci_tlv_append (out, 0x06, prime256v1_oid, sizeof prime256v1_oid);
  ci_tlv_append (out, 0x86, point, sizeof point);
  ci_tlv_end (out, mark);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * ci_card_signature_encode:
 * @key_id: the issuer key identifier
 * @signature: a DER ECDSA signature
 *
 * Returns: (transfer full): the `E3` object of EF.SIGNATURE
 */
GBytes *
ci_card_signature_encode (const guint8  key_id[CI_CARD_KEY_ID_LEN],
                          GBytes       *signature)
{
  GByteArray *out = g_byte_array_new ();
  guint mark = ci_tlv_begin (out, TAG_SIGNATURE);

  ci_tlv_append (out, 0x80, key_id, CI_CARD_KEY_ID_LEN);
  ci_tlv_append_u8 (out, 0x81, 0x01);
  ci_tlv_append (out, 0x9E, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  ci_tlv_end (out, mark);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ci_card_signature_decode:
 * @object: the `E3` object read from EF.SIGNATURE
 * @key_id: (out caller-allocates): the issuer key identifier
 * @signature: (out) (transfer full): the DER signature
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Returns: %TRUE if the object is well formed and names ECDSA P-256/SHA-256
 */
gboolean
ci_card_signature_decode (GBytes   *object,
                          guint8    key_id[CI_CARD_KEY_ID_LEN],
                          GBytes  **signature,
                          GError  **error)
{
  CiTlvReader reader;
  CiTlv id, alg, sig;

  g_return_val_if_fail (object != NULL && signature != NULL, FALSE);

  if (!_ci_card_open_template (object, TAG_SIGNATURE, &reader, error))
    return FALSE;
  if (!ci_tlv_reader_next (&reader, &id, NULL) || id.tag != 0x80 || id.len != CI_CARD_KEY_ID_LEN
      || !ci_tlv_reader_next (&reader, &alg, NULL) || alg.tag != 0x81 || alg.len != 1
      || alg.value[0] != 0x01
      || !ci_tlv_reader_next (&reader, &sig, NULL) || sig.tag != 0x9E || sig.len == 0)
    return _ci_card_bad_data (error, _("EF.SIGNATURE is malformed or names an unknown algorithm"));
  memcpy (key_id, id.value, CI_CARD_KEY_ID_LEN);
  *signature = g_bytes_new (sig.value, sig.len);
  return TRUE;
}

/**
 * ci_card_signed_data:
 * @card: the EF.CARD object
 * @identity: the EF.IDENTITY object
 * @zones: the EF.ZONES object
 * @cardkey: the EF.CARDKEY object
 *
 * Returns: (transfer full): what the issuer signs (profile §2.3)
 */
GBytes *
ci_card_signed_data (GBytes *card,
                     GBytes *identity,
                     GBytes *zones,
                     GBytes *cardkey)
{
  GByteArray *out = g_byte_array_new ();
  GBytes *parts[] = { card, identity, zones, cardkey };

  g_byte_array_append (out, (const guint8 *) "CISIG1", 6);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_byte_array_append (out, g_bytes_get_data (parts[i], NULL), g_bytes_get_size (parts[i]));
  return g_byte_array_free_to_bytes (out);
}

/**
 * ci_card_serial_to_bcd:
 * @serial: a 10-digit card serial
 * @out: (out caller-allocates): packed BCD, two digits a byte
 *
 * Returns: %TRUE if @serial is 10 digits
 */
gboolean
ci_card_serial_to_bcd (const char *serial,
                       guint8      out[5])
{
  if (!_ci_card_serial_is_valid (serial))
    return FALSE;
  for (guint i = 0; i < 5; i++)
    out[i] = (guint8) ((serial[2 * i] - '0') << 4 | (serial[2 * i + 1] - '0'));
  return TRUE;
}

/**
 * ci_card_key_id:
 * @public_key_der: a DER SubjectPublicKeyInfo
 * @out: (out caller-allocates): the first 8 bytes of its SHA-256
 */
void
ci_card_key_id (GBytes *public_key_der,
                guint8  out[CI_CARD_KEY_ID_LEN])
{
  guint8 digest[CI_SHA256_LEN];

  ci_sha256 (g_bytes_get_data (public_key_der, NULL), g_bytes_get_size (public_key_der), digest);
  memcpy (out, digest, CI_CARD_KEY_ID_LEN);
}
