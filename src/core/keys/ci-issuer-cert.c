/* ci-issuer-cert.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * The issuer certificate
 * ======================
 *
 * Door readers get the issuer's public key as a self-signed X.509 v3
 * certificate: the usual container for the key of a CRL issuer, so that the
 * deny list (ci-deny-list.c) can be checked with `openssl crl -CAfile` or any
 * X.509 library. It holds nothing the key store does not already publish:
 *
 *   subject = issuer  O=<organisation>, CN=<organisation> CardIssue issuer
 *   serialNumber      the issuer key id (first 8 bytes of the SHA-256 of the
 *                     SubjectPublicKeyInfo, as ci_key_store_dup_key_id())
 *   validity          from one day ago (reader clocks drift) for 20 years
 *   extensions        basicConstraints CA:TRUE (critical); keyUsage
 *                     keyCertSign, cRLSign, digitalSignature (critical);
 *                     subjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1)
 *   signature         ecdsa-with-SHA256 by the issuer key itself
 *
 * Two certificates made from the same store differ only in their validity
 * and their (randomised) ECDSA signature.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-issuer-cert-private.h"
#include "ci-digest.h"
#include "ci-key-store-private.h"
#include "ci-openssl-private.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define DEFAULT_ORGANISATION "CardIssue"
#define CN_SUFFIX " CardIssue issuer"
/* ub-common-name of RFC 5280: the CN must fit in 64 characters */
#define CN_MAX_CHARS 64
#define ORGANISATION_MAX_CHARS (CN_MAX_CHARS - (int) sizeof CN_SUFFIX + 1)
#define VALIDITY_YEARS 20
#define CERT_MAX (64 * 1024)

static const struct
{
  int         nid;
  const char *value;
} extensions[] = {
  { NID_basic_constraints, "critical,CA:TRUE" },
  { NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature" },
  { NID_subject_key_identifier, "hash" },
};

/* ---- helpers shared with ci-deny-list.c ------------------------------ */

/* @message: the whole sentence for the person at the desk, already translated,
 * such as "OpenSSL could not sign the deny list" */
gboolean
_ci_openssl_failed (GError     **error,
                    const char  *message)
{
  ERR_clear_error ();
  g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED, message);
  return FALSE;
}

/* TRUE if @data looks like PEM text rather than DER */
gboolean
_ci_x509_is_pem (GBytes *data)
{
  gsize len = 0;
  const char *text = g_bytes_get_data (data, &len);
  gsize i = 0;

  while (i < len && g_ascii_isspace (text[i]))
    i++;
  return len - i >= 10 && memcmp (text + i, "-----BEGIN", 10) == 0;
}

gboolean
_ci_pkey_is_p256 (EVP_PKEY *pkey)
{
  char group[32] = "";

  return EVP_PKEY_is_a (pkey, "EC")
         && EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof group, NULL) == 1
         && g_str_equal (group, "prime256v1");
}

/* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) } */
static const guint8 p256_spki_header[CI_P256_SPKI_LEN - CI_P256_POINT_LEN] = {
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
  0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

/* A P-256 public key from its encoded point; OpenSSL checks that the point
 * is on the curve. NULL if it is not. */
EVP_PKEY *
_ci_p256_from_point (const guint8 *point,
                     gsize         len)
{
  g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  OSSL_PARAM params[3];
  EVP_PKEY *pkey = NULL;

  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME,
                                                (char *) "prime256v1", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY,
                                                 (void *) point, len);
  params[2] = OSSL_PARAM_construct_end ();
  if (ctx == NULL || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    {
      ERR_clear_error ();
      return NULL;
    }
  return pkey;
}

/* A DER SubjectPublicKeyInfo of a P-256 key, read strictly (nothing after
 * it); NULL if it is anything else. */
EVP_PKEY *
_ci_p256_from_spki (const guint8 *der,
                    gsize         len)
{
  const unsigned char *p = der;
  g_autoptr(EVP_PKEY) pkey = NULL;

  if (len == CI_P256_SPKI_LEN && memcmp (der, p256_spki_header, sizeof p256_spki_header) == 0)
    return _ci_p256_from_point (der + sizeof p256_spki_header, CI_P256_POINT_LEN);
  /* Another valid encoding of such a key (a compressed point, say). */
  if (len == 0 || len > G_MAXINT32)
    return NULL;
  pkey = d2i_PUBKEY (NULL, &p, (long) len);
  if (pkey == NULL || p != der + len || !_ci_pkey_is_p256 (pkey))
    {
      ERR_clear_error ();
      return NULL;
    }
  return g_steal_pointer (&pkey);
}

/* The SubjectPublicKeyInfo around an uncompressed point the caller checked. */
GBytes *
_ci_p256_spki_from_point (const guint8 *point)
{
  guint8 der[CI_P256_SPKI_LEN];

  memcpy (der, p256_spki_header, sizeof p256_spki_header);
  memcpy (der + sizeof p256_spki_header, point, CI_P256_POINT_LEN);
  return g_bytes_new (der, sizeof der);
}

/* ---- signing by the key store ---------------------------------------- */

/*
 * X509_sign() and X509_CRL_sign() want the private key in hand, and a key
 * in a token never is. So the object is first signed with a throwaway key,
 * which writes both signature algorithm fields (ecdsa-with-SHA256) as OpenSSL
 * always does; then the encoded to-be-signed part is signed by the key store
 * with the issuer key, the same call for a file and a token, and that
 * signature takes the place of the throwaway one. The result is checked
 * against the issuer's public key before it is handed out.
 */

typedef struct
{
  int  (*sign)      (void *object, EVP_PKEY *key);
  int  (*tbs)       (void *object, unsigned char **der);
  void (*signature) (void *object, const ASN1_BIT_STRING **sig);
  int  (*verify)    (void *object, EVP_PKEY *key);
  int  (*der)       (void *object, unsigned char **der);
} SignedType;

static int
cert_sign (void     *cert,
           EVP_PKEY *key)
{
  return X509_sign (cert, key, EVP_sha256 ());
}

static int
cert_tbs (void           *cert,
          unsigned char **der)
{
  return i2d_re_X509_tbs (cert, der);
}

static void
cert_signature (void                   *cert,
                const ASN1_BIT_STRING **sig)
{
  X509_get0_signature (sig, NULL, cert);
}

static int
cert_verify (void     *cert,
             EVP_PKEY *key)
{
  return X509_verify (cert, key);
}

static int
cert_der (void           *cert,
          unsigned char **der)
{
  return i2d_X509 (cert, der);
}

static int
crl_sign (void     *crl,
          EVP_PKEY *key)
{
  return X509_CRL_sign (crl, key, EVP_sha256 ());
}

static int
crl_tbs (void           *crl,
         unsigned char **der)
{
  return i2d_re_X509_CRL_tbs (crl, der);
}

static void
crl_signature (void                   *crl,
               const ASN1_BIT_STRING **sig)
{
  X509_CRL_get0_signature (crl, sig, NULL);
}

static int
crl_verify (void     *crl,
            EVP_PKEY *key)
{
  return X509_CRL_verify (crl, key);
}

static int
crl_der (void           *crl,
         unsigned char **der)
{
  return i2d_X509_CRL (crl, der);
}

static const SignedType certificate_type = {
  cert_sign, cert_tbs, cert_signature, cert_verify, cert_der,
};
static const SignedType crl_type = {
  crl_sign, crl_tbs, crl_signature, crl_verify, crl_der,
};

static GBytes *
der_bytes (const SignedType *type,
           void             *object)
{
  unsigned char *der = NULL;
  int len = type->der (object, &der);
  GBytes *bytes;

  if (len <= 0)
    return NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* Signs the to-be-signed part with the issuer key of @store and puts the
 * signature into @object, whose algorithm fields are set already. */
static gboolean
put_store_signature (CiKeyStore       *store,
                     const SignedType *type,
                     void             *object,
                     GError          **error)
{
  unsigned char *tbs = NULL;
  int tbs_len = type->tbs (object, &tbs);
  g_autoptr(GBytes) sig = NULL;
  const ASN1_BIT_STRING *bits = NULL;

  if (tbs_len <= 0)
    return FALSE;
  sig = ci_key_store_sign (store, CI_KEY_ISSUER, tbs, tbs_len, error);
  OPENSSL_free (tbs);
  if (sig == NULL)
    return FALSE;
  type->signature (object, &bits);
  /* OpenSSL hands the signature out read-only, having no setter for it; the
   * throwaway signing set its "no unused bits" flag, which a DER signature
   * of whole bytes keeps. */
  return ASN1_BIT_STRING_set ((ASN1_BIT_STRING *) bits,
                              (unsigned char *) g_bytes_get_data (sig, NULL),
                              (int) g_bytes_get_size (sig)) == 1;
}

static GBytes *
sign_by_store (CiKeyStore        *store,
               const SignedType  *type,
               void              *object,
               const char        *failed,
               GError           **error)
{
  g_autoptr(EVP_PKEY) throwaway = NULL;
  g_autoptr(EVP_PKEY) issuer = NULL;
  g_autoptr(GBytes) spki = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  g_autoptr(GError) local_error = NULL;
  GBytes *der;

  if (spki == NULL
      || (issuer = _ci_p256_from_spki (g_bytes_get_data (spki, NULL),
                                       g_bytes_get_size (spki))) == NULL
      || (throwaway = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256")) == NULL
      || type->sign (object, throwaway) <= 0)
    {
      _ci_openssl_failed (error, failed);
      return NULL;
    }
  if (!put_store_signature (store, type, object, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        _ci_openssl_failed (error, failed);
      return NULL;
    }
  if (type->verify (object, issuer) != 1 || (der = der_bytes (type, object)) == NULL)
    {
      _ci_openssl_failed (error, failed);
      return NULL;
    }
  return der;
}

/* Signs a certificate with the issuer key of @store (unlocked), for
 * ci_key_store_issuer_certificate(). Returns its DER. */
static GBytes *
sign_certificate (CiKeyStore  *store,
                  X509        *cert,
                  GError     **error)
{
  return sign_by_store (store, &certificate_type, cert,
                        _("OpenSSL could not sign the issuer certificate"), error);
}

/**
 * _ci_x509_sign_crl:
 * @store: an unlocked key store
 * @crl: a CRL complete but for its signature
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Signs @crl with the issuer key of @store, in a token or from a file.
 *
 * Returns: (transfer full): the DER CRL, or %NULL on error
 */
GBytes *
_ci_x509_sign_crl (CiKeyStore  *store,
                   X509_CRL    *crl,
                   GError     **error)
{
  return sign_by_store (store, &crl_type, crl, _("OpenSSL could not sign the deny list"),
                        error);
}

/* ---- building -------------------------------------------------------- */

static X509_NAME *
issuer_name (const char  *organisation,
             GError     **error)
{
  g_autofree char *cn = NULL;
  g_autoptr(X509_NAME) name = NULL;

  if (g_utf8_strlen (organisation, -1) > ORGANISATION_MAX_CHARS)
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("The organisation name is too long for the issuer certificate: "
                     "shorten it to %d characters or fewer"), ORGANISATION_MAX_CHARS);
      return NULL;
    }
  cn = g_strconcat (organisation, CN_SUFFIX, NULL);
  name = X509_NAME_new ();
  if (name == NULL
      || X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                     (const unsigned char *) organisation, -1, -1, 0) != 1
      || X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                     (const unsigned char *) cn, -1, -1, 0) != 1)
    {
      _ci_openssl_failed (error, _("OpenSSL could not write the issuer name"));
      return NULL;
    }
  return g_steal_pointer (&name);
}

/* The serial is the key id, so that a reader can name the issuer the way
 * the desk and the audit trail do. */
static gboolean
set_serial (X509   *cert,
            GBytes *spki)
{
  guint8 digest[CI_SHA256_LEN];
  guint64 id = 0;

  ci_sha256 (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki), digest);
  for (guint i = 0; i < 8; i++)
    id = id << 8 | digest[i];
  return ASN1_INTEGER_set_uint64 (X509_get_serialNumber (cert), id) == 1;
}

static gboolean
set_validity (X509 *cert)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) until = g_date_time_add_years (now, VALIDITY_YEARS);

  return ASN1_TIME_set (X509_getm_notBefore (cert), g_date_time_to_unix (from)) != NULL
         && ASN1_TIME_set (X509_getm_notAfter (cert), g_date_time_to_unix (until)) != NULL;
}

static gboolean
add_extensions (X509 *cert)
{
  X509V3_CTX ctx;

  X509V3_set_ctx (&ctx, cert, cert, NULL, NULL, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autoptr(X509_EXTENSION) ext =
        X509V3_EXT_conf_nid (NULL, &ctx, extensions[i].nid, extensions[i].value);

      if (ext == NULL || X509_add_ext (cert, ext, -1) != 1)
        return FALSE;
    }
  return TRUE;
}

/* Everything but the signature; the key comes from the store's published
 * SubjectPublicKeyInfo, so that the certificate carries exactly those bytes. */
static X509 *
new_certificate (GBytes      *spki,
                 const char  *organisation,
                 GError     **error)
{
  g_autoptr(EVP_PKEY) pub = _ci_p256_from_spki (g_bytes_get_data (spki, NULL),
                                                g_bytes_get_size (spki));
  g_autoptr(X509_NAME) name = issuer_name (organisation, error);
  g_autoptr(X509) cert = NULL;

  if (name == NULL)
    return NULL;
  cert = X509_new ();
  if (pub == NULL || cert == NULL
      || X509_set_version (cert, X509_VERSION_3) != 1
      || !set_serial (cert, spki)
      || X509_set_subject_name (cert, name) != 1
      || X509_set_issuer_name (cert, name) != 1
      || !set_validity (cert)
      || X509_set_pubkey (cert, pub) != 1
      || !add_extensions (cert))
    {
      _ci_openssl_failed (error, _("OpenSSL could not build the issuer certificate"));
      return NULL;
    }
  return g_steal_pointer (&cert);
}

/**
 * ci_key_store_issuer_certificate:
 * @store: an unlocked key store
 * @organisation: (nullable): the organisation named in the certificate, at
 *   most 47 characters; %NULL or "" for "CardIssue"
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Makes the self-signed X.509 v3 certificate of the issuer key, which door
 * readers use to check deny lists (see ci_deny_list_load()). Its subject is
 * "CN=<organisation> CardIssue issuer, O=<organisation>", its serial number
 * the issuer key id, and it is valid from a day ago for 20 years. Calling
 * this again gives the same subject, serial and key.
 *
 * Returns: (transfer full): the DER certificate, or %NULL with
 *   %CI_KEYS_ERROR_LOCKED if @store is locked, or another error
 */
GBytes *
ci_key_store_issuer_certificate (CiKeyStore  *store,
                                 const char  *organisation,
                                 GError     **error)
{
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(X509) cert = NULL;

  g_return_val_if_fail (CI_IS_KEY_STORE (store), NULL);
  g_return_val_if_fail (organisation == NULL || g_utf8_validate (organisation, -1, NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (organisation == NULL || *organisation == '\0')
    organisation = DEFAULT_ORGANISATION;
  if (!_ci_key_store_check_unlocked (store, error))
    return NULL;
  spki = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  cert = new_certificate (spki, organisation, error);
  if (cert == NULL)
    return NULL;
  return sign_certificate (store, cert, error);
}

/* ---- checking -------------------------------------------------------- */

static X509 *
parse_certificate (GBytes *data)
{
  gsize len = 0;
  const unsigned char *bytes = g_bytes_get_data (data, &len);
  const unsigned char *p = bytes;
  X509 *cert;

  if (len == 0 || len > CERT_MAX)
    return NULL;
  if (_ci_x509_is_pem (data))
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (bytes, (int) len);

      return bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
    }
  cert = d2i_X509 (NULL, &p, (long) len);
  if (cert != NULL && p != bytes + len)
    g_clear_pointer (&cert, X509_free);
  return cert;
}

/* Reads a DER or PEM issuer certificate and checks that it is self-signed
 * by an EC P-256 key. */
X509 *
_ci_issuer_certificate_load (GBytes  *data,
                             GError **error)
{
  g_autoptr(X509) cert = parse_certificate (data);
  EVP_PKEY *pub;

  ERR_clear_error ();
  if (cert == NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           _("The issuer certificate cannot be read: it is damaged or not a "
                             "certificate; export it again from the issuing desk"));
      return NULL;
    }
  pub = X509_get0_pubkey (cert);
  if (pub == NULL || !_ci_pkey_is_p256 (pub))
    {
      ERR_clear_error ();
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           _("The issuer certificate does not hold an EC P-256 key: "
                             "it was not made by CardIssue"));
      return NULL;
    }
  if (X509_get_signature_nid (cert) != NID_ecdsa_with_SHA256 || X509_self_signed (cert, 1) != 1)
    {
      ERR_clear_error ();
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE,
                           _("The issuer certificate is not signed by its own key: it was "
                             "changed or damaged; export it again from the issuing desk"));
      return NULL;
    }
  return g_steal_pointer (&cert);
}

/**
 * ci_issuer_certificate_check:
 * @cert_der: an issuer certificate, DER or PEM
 * @public_key_der: (out) (optional) (transfer full): the DER
 *   SubjectPublicKeyInfo of the issuer key
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Checks a certificate made by ci_key_store_issuer_certificate(), as a door
 * reader that holds only the certificate does: it must be self-signed with a
 * valid ecdsa-with-SHA256 signature over an EC P-256 key. The validity dates
 * are not checked. The key can then check card signatures with
 * ci_keys_verify_signature().
 *
 * Returns: %TRUE if the certificate is sound; otherwise %FALSE with
 *   %CI_KEYS_ERROR_CORRUPT (unreadable, wrong key type) or
 *   %CI_KEYS_ERROR_BAD_SIGNATURE
 */
gboolean
ci_issuer_certificate_check (GBytes  *cert_der,
                             GBytes **public_key_der,
                             GError **error)
{
  g_autoptr(X509) cert = NULL;
  unsigned char *der = NULL;
  int len;

  g_return_val_if_fail (cert_der != NULL, FALSE);
  g_return_val_if_fail (public_key_der == NULL || *public_key_der == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cert = _ci_issuer_certificate_load (cert_der, error);
  if (cert == NULL)
    return FALSE;
  if (public_key_der == NULL)
    return TRUE;
  len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (cert), &der);
  if (len <= 0)
    return _ci_openssl_failed (error,
                               _("OpenSSL could not read the key of the issuer certificate"));
  *public_key_der = g_bytes_new (der, len);
  OPENSSL_free (der);
  return TRUE;
}
