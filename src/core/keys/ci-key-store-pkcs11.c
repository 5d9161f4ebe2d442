/* ci-key-store-pkcs11.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * The key store in a PKCS#11 token
 * ================================
 *
 * Instead of a file, the keys can live in a security module (an HSM, a
 * smart card HSM, SoftHSM2 in the tests). The store is then named by a
 * location in the form of RFC 7512 (ci-key-store-location.c):
 *
 *   pkcs11:token=LABEL?module-path=/usr/lib/softhsm/libsofthsm2.so
 *
 * and unlocked with the token's user PIN instead of a passphrase. The token
 * holds six objects, each with the same CKA_LABEL and CKA_ID:
 *
 *   cardissue-issuer             EC P-256 key pair (CKO_PUBLIC_KEY + CKO_PRIVATE_KEY)
 *   cardissue-audit              EC P-256 key pair
 *   cardissue-card-admin-master  AES-128 (CKO_SECRET_KEY)
 *   cardissue-card-auth-master   AES-128
 *
 * Private and secret keys are CKA_PRIVATE, CKA_SENSITIVE and not
 * CKA_EXTRACTABLE: no call of the token gives their value out. Keys made by
 * ci_key_store_create_pkcs11() are generated in the token and never existed
 * anywhere else; keys moved in from a file by ci_key_store_migrate_to_pkcs11()
 * are imported once with the same attributes. Public keys are not private,
 * so that signatures can be checked before the PIN is given, as with the
 * file's cleartext header.
 *
 * Signing: SHA-256 on the host, CKM_ECDSA in the token, and the raw r ‖ s
 * it returns encoded as the DER ECDSA-Sig-Value the rest of CardIssue uses.
 * Diversification: AN10922 with AES-ECB of one zero block (for the CMAC
 * subkeys) and one AES-CMAC in the token; see _ci_an10922_input(). Each
 * master key may do CKM_AES_CMAC and CKM_AES_ECB encryption and nothing
 * else (CKA_ALLOWED_MECHANISMS): no decryption, wrapping or derivation.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store-pkcs11-private.h"
#include "ci-digest.h"
#include "ci-openssl-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#define N_KEYS 4
#define N_PAIRS 2
#define P256_SCALAR_LEN 32
#define MIGRATED_SUFFIX ".migrated"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ECDSA_SIG, ECDSA_SIG_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ASN1_OCTET_STRING, ASN1_OCTET_STRING_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_clear_free)

struct _CiKeyStoreToken
{
  CiP11Token       *p11;
  GBytes           *public_keys[N_PAIRS];  /* SPKI, by CiKeyId */
  CK_OBJECT_HANDLE  secret[N_KEYS];        /* private and secret keys, while logged in */
};

static const char *const labels[N_KEYS] = {
  [CI_KEY_ISSUER] = "cardissue-issuer",
  [CI_KEY_AUDIT] = "cardissue-audit",
  [CI_KEY_CARD_ADMIN_MASTER] = "cardissue-card-admin-master",
  [CI_KEY_CARD_AUTH_MASTER] = "cardissue-card-auth-master",
};

const char *
_ci_key_store_token_label (CiKeyId id)
{
  g_return_val_if_fail (id < N_KEYS, NULL);
  return labels[id];
}

static gboolean
is_pair (CiKeyId id)
{
  return id == CI_KEY_ISSUER || id == CI_KEY_AUDIT;
}

/* ---- templates ------------------------------------------------------- */

typedef struct
{
  CK_ATTRIBUTE a[24];
  CK_ULONG     n;
} Template;

static const CK_BBOOL ck_true = CK_TRUE;
static const CK_BBOOL ck_false = CK_FALSE;
static const CK_OBJECT_CLASS class_public = CKO_PUBLIC_KEY;
static const CK_OBJECT_CLASS class_private = CKO_PRIVATE_KEY;
static const CK_OBJECT_CLASS class_secret = CKO_SECRET_KEY;
static const CK_KEY_TYPE type_ec = CKK_EC;
static const CK_KEY_TYPE type_aes = CKK_AES;
static const CK_ULONG aes128_len = CI_AES128_KEY_LEN;
static const CK_MECHANISM_TYPE pair_mechanisms[] = { CKM_ECDSA };
static const CK_MECHANISM_TYPE master_mechanisms[] = { CKM_AES_CMAC, CKM_AES_ECB };

static void
add (Template          *t,
     CK_ATTRIBUTE_TYPE  type,
     const void        *value,
     gsize              len)
{
  g_assert (t->n < G_N_ELEMENTS (t->a));
  t->a[t->n++] = (CK_ATTRIBUTE) { type, (void *) value, len };
}

static void
add_bool (Template          *t,
          CK_ATTRIBUTE_TYPE  type,
          gboolean           value)
{
  add (t, type, value ? &ck_true : &ck_false, sizeof (CK_BBOOL));
}

static void
add_name (Template *t,
          CiKeyId   id)
{
  add (t, CKA_LABEL, labels[id], strlen (labels[id]));
  add (t, CKA_ID, labels[id], strlen (labels[id]));
  add_bool (t, CKA_TOKEN, TRUE);
}

/* What every key that must stay in the token shares. */
static void
add_secret_attributes (Template *t)
{
  add_bool (t, CKA_PRIVATE, TRUE);
  add_bool (t, CKA_SENSITIVE, TRUE);
  add_bool (t, CKA_EXTRACTABLE, FALSE);
  add_bool (t, CKA_SIGN, TRUE);
  add_bool (t, CKA_DECRYPT, FALSE);
  add_bool (t, CKA_UNWRAP, FALSE);
  add_bool (t, CKA_DERIVE, FALSE);
}

static void
public_key_template (Template *t,
                     CiKeyId   id,
                     GBytes   *ec_params)
{
  add (t, CKA_CLASS, &class_public, sizeof class_public);
  add (t, CKA_KEY_TYPE, &type_ec, sizeof type_ec);
  add_name (t, id);
  add_bool (t, CKA_PRIVATE, FALSE);
  add_bool (t, CKA_VERIFY, TRUE);
  add_bool (t, CKA_ENCRYPT, FALSE);
  add_bool (t, CKA_WRAP, FALSE);
  add_bool (t, CKA_DERIVE, FALSE);
  add (t, CKA_EC_PARAMS, g_bytes_get_data (ec_params, NULL), g_bytes_get_size (ec_params));
}

static void
private_key_template (Template *t,
                      CiKeyId   id)
{
  add (t, CKA_CLASS, &class_private, sizeof class_private);
  add (t, CKA_KEY_TYPE, &type_ec, sizeof type_ec);
  add_name (t, id);
  add_secret_attributes (t);
  add (t, CKA_ALLOWED_MECHANISMS, pair_mechanisms, sizeof pair_mechanisms);
}

/* AN10922 needs AES_K(0) for the CMAC subkeys, hence ECB encryption; it
 * tells nothing about K that a diversified key does not. */
static void
master_key_template (Template *t,
                     CiKeyId   id)
{
  add (t, CKA_CLASS, &class_secret, sizeof class_secret);
  add (t, CKA_KEY_TYPE, &type_aes, sizeof type_aes);
  add_name (t, id);
  add_secret_attributes (t);
  add_bool (t, CKA_ENCRYPT, TRUE);
  add_bool (t, CKA_VERIFY, FALSE);
  add_bool (t, CKA_WRAP, FALSE);
  add (t, CKA_ALLOWED_MECHANISMS, master_mechanisms, sizeof master_mechanisms);
}

/* ---- EC encodings ---------------------------------------------------- */

/* CKA_EC_PARAMS: the DER OID of the named curve prime256v1. */
static GBytes *
p256_params (void)
{
  unsigned char *der = NULL;
  int len = i2d_ASN1_OBJECT (OBJ_nid2obj (NID_X9_62_prime256v1), &der);
  GBytes *bytes;

  g_assert (len > 0);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* CKA_EC_POINT is the point in a DER OCTET STRING; a few modules give the
 * bare point. Either way it must be an uncompressed point on P-256. */
static gboolean
point_from_attribute (GBytes *attr,
                      guint8  point[CI_P256_POINT_LEN])
{
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data (attr, &len);
  const unsigned char *p = data;
  g_autoptr(ASN1_OCTET_STRING) os = d2i_ASN1_OCTET_STRING (NULL, &p, (long) len);
  g_autoptr(EVP_PKEY) pkey = NULL;

  if (os != NULL && p == data + len && ASN1_STRING_length (os) == CI_P256_POINT_LEN)
    memcpy (point, ASN1_STRING_get0_data (os), CI_P256_POINT_LEN);
  else if (len == CI_P256_POINT_LEN)
    memcpy (point, data, CI_P256_POINT_LEN);
  else
    {
      ERR_clear_error ();
      return FALSE;
    }
  ERR_clear_error ();
  pkey = _ci_p256_from_point (point, CI_P256_POINT_LEN);
  return pkey != NULL && point[0] == 0x04;
}

static GBytes *
point_to_attribute (const guint8 point[CI_P256_POINT_LEN])
{
  g_autoptr(ASN1_OCTET_STRING) os = ASN1_OCTET_STRING_new ();
  unsigned char *der = NULL;
  int len;
  GBytes *bytes;

  if (os == NULL || ASN1_OCTET_STRING_set (os, point, CI_P256_POINT_LEN) != 1
      || (len = i2d_ASN1_OCTET_STRING (os, &der)) <= 0)
    return NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* The token's raw r ‖ s as a DER ECDSA-Sig-Value. */
static GBytes *
signature_to_der (const guint8 rs[2 * P256_SCALAR_LEN])
{
  g_autoptr(ECDSA_SIG) sig = ECDSA_SIG_new ();
  BIGNUM *r = BN_bin2bn (rs, P256_SCALAR_LEN, NULL);
  BIGNUM *s = BN_bin2bn (rs + P256_SCALAR_LEN, P256_SCALAR_LEN, NULL);
  unsigned char *der = NULL;
  int len;
  GBytes *bytes;

  if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (sig, r, s) != 1)
    {
      BN_free (r);
      BN_free (s);
      return NULL;
    }
  if ((len = i2d_ECDSA_SIG (sig, &der)) <= 0)
    return NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* ---- finding the keys ------------------------------------------------ */

static void
set_missing (GError     **error,
             CiP11Token  *p11,
             CiKeyId      id)
{
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
               _("The token “%s” lacks the CardIssue key “%s”: it was removed with another "
                 "tool; restore the token from its backup"),
               _ci_p11_token_get_label (p11), labels[id]);
}

static GBytes *
read_public_key (CiP11Token  *p11,
                 CiKeyId      id,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) params = NULL;
  g_autoptr(GBytes) expected = p256_params ();
  g_autoptr(GBytes) attr = NULL;
  guint8 point[CI_P256_POINT_LEN];
  CK_OBJECT_HANDLE object;
  CK_RV rv;

  object = _ci_p11_find (p11, CKO_PUBLIC_KEY, labels[id], &local_error);
  if (object == CK_INVALID_HANDLE)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (id == CI_KEY_ISSUER)
        g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_NOT_FOUND,
                     _("The token “%s” holds no CardIssue keys: create them with "
                       "“cardissue-cli init”, or move a key store file into it"),
                     _ci_p11_token_get_label (p11));
      else
        set_missing (error, p11, id);
      return NULL;
    }
  params = _ci_p11_get_attribute (p11, object, CKA_EC_PARAMS, &rv);
  attr = _ci_p11_get_attribute (p11, object, CKA_EC_POINT, &rv);
  if (params == NULL || !g_bytes_equal (params, expected)
      || attr == NULL || !point_from_attribute (attr, point))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                   _("The key “%s” in the token “%s” is not an EC P-256 key: it was not "
                     "made by CardIssue"), labels[id], _ci_p11_token_get_label (p11));
      return NULL;
    }
  return _ci_p256_spki_from_point (point);
}

static gboolean
read_public_keys (CiKeyStoreToken  *token,
                  GError          **error)
{
  for (CiKeyId id = 0; id < N_PAIRS; id++)
    if (!(token->public_keys[id] = read_public_key (token->p11, id, error)))
      return FALSE;
  return TRUE;
}

static gboolean
find_secret_keys (CiKeyStoreToken  *token,
                  GError          **error)
{
  for (CiKeyId id = 0; id < N_KEYS; id++)
    {
      g_autoptr(GError) local_error = NULL;

      token->secret[id] = _ci_p11_find (token->p11, is_pair (id) ? CKO_PRIVATE_KEY
                                                                 : CKO_SECRET_KEY,
                                        labels[id], &local_error);
      if (token->secret[id] == CK_INVALID_HANDLE)
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            set_missing (error, token->p11, id);
          return FALSE;
        }
    }
  return TRUE;
}

static const CK_OBJECT_CLASS all_classes[] = { CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_SECRET_KEY };

/* Refuses a token that holds any CardIssue object (the private ones show
 * only after the login): one token, one set of keys, made or moved once. */
static gboolean
check_empty (CiP11Token  *p11,
             GError     **error)
{
  for (CiKeyId id = 0; id < N_KEYS; id++)
    for (guint c = 0; c < G_N_ELEMENTS (all_classes); c++)
      {
        g_autoptr(GError) local_error = NULL;

        if (_ci_p11_find (p11, all_classes[c], labels[id], &local_error) != CK_INVALID_HANDLE
            || local_error != NULL)
          {
            g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS,
                         _("The token “%s” holds CardIssue keys already: they were made or "
                           "moved there before; open that key store instead"),
                         _ci_p11_token_get_label (p11));
            return FALSE;
          }
      }
  return TRUE;
}

/* Removes every CardIssue object, to undo a creation or import that failed
 * half-way. Goes on past errors; reports the first. */
static gboolean
destroy_all (CiP11Token  *p11,
             GError     **error)
{
  gboolean ok = TRUE;

  for (CiKeyId id = 0; id < N_KEYS; id++)
    for (guint c = 0; c < G_N_ELEMENTS (all_classes); c++)
      {
        CK_OBJECT_HANDLE object = _ci_p11_find (p11, all_classes[c], labels[id], NULL);

        if (object != CK_INVALID_HANDLE && !_ci_p11_destroy (p11, object, ok ? error : NULL))
          ok = FALSE;
      }
  return ok;
}

/* ---- making and importing keys --------------------------------------- */

static gboolean
generate_keys (CiP11Token  *p11,
               GError     **error)
{
  g_autoptr(GBytes) params = p256_params ();

  for (CiKeyId id = 0; id < N_KEYS; id++)
    {
      Template pub = { 0 }, priv = { 0 };

      if (is_pair (id))
        {
          public_key_template (&pub, id, params);
          private_key_template (&priv, id);
          if (!_ci_p11_generate_key_pair (p11, CKM_EC_KEY_PAIR_GEN, pub.a, pub.n,
                                          priv.a, priv.n, error))
            return FALSE;
        }
      else
        {
          master_key_template (&priv, id);
          add (&priv, CKA_VALUE_LEN, &aes128_len, sizeof aes128_len);
          if (!_ci_p11_generate_key (p11, CKM_AES_KEY_GEN, priv.a, priv.n, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_key_pair (CiP11Token  *p11,
                 CiKeyId      id,
                 EVP_PKEY    *key,
                 GError     **error)
{
  g_autoptr(GBytes) params = p256_params ();
  g_autoptr(GBytes) ec_point = NULL;
  g_autoptr(BIGNUM) bn = NULL;
  guint8 point[CI_P256_POINT_LEN], scalar[P256_SCALAR_LEN];
  Template pub = { 0 }, priv = { 0 };
  CK_OBJECT_HANDLE object;
  size_t point_len = 0;
  gboolean ok;

  if (EVP_PKEY_get_bn_param (key, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1
      || BN_bn2binpad (bn, scalar, sizeof scalar) != sizeof scalar
      || EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                          sizeof point, &point_len) != 1
      || point_len != sizeof point
      || (ec_point = point_to_attribute (point)) == NULL)
    {
      OPENSSL_cleanse (scalar, sizeof scalar);
      return _ci_openssl_failed (error, _("OpenSSL could not read a key of the key store file"));
    }
  public_key_template (&pub, id, params);
  add (&pub, CKA_EC_POINT, g_bytes_get_data (ec_point, NULL), g_bytes_get_size (ec_point));
  private_key_template (&priv, id);
  add (&priv, CKA_EC_PARAMS, g_bytes_get_data (params, NULL), g_bytes_get_size (params));
  add (&priv, CKA_VALUE, scalar, sizeof scalar);
  ok = _ci_p11_create (p11, pub.a, pub.n, &object, error)
       && _ci_p11_create (p11, priv.a, priv.n, &object, error);
  OPENSSL_cleanse (scalar, sizeof scalar);
  return ok;
}

static gboolean
import_master_key (CiP11Token    *p11,
                   CiKeyId        id,
                   const guint8   key[CI_AES128_KEY_LEN],
                   GError       **error)
{
  Template t = { 0 };
  CK_OBJECT_HANDLE object;

  master_key_template (&t, id);
  add (&t, CKA_VALUE, key, CI_AES128_KEY_LEN);
  return _ci_p11_create (p11, t.a, t.n, &object, error);
}

static gboolean
import_keys (CiP11Token  *p11,
             CiKeyStore  *file,
             GError     **error)
{
  return import_key_pair (p11, CI_KEY_ISSUER, file->issuer_key, error)
         && import_key_pair (p11, CI_KEY_AUDIT, file->audit_key, error)
         && import_master_key (p11, CI_KEY_CARD_ADMIN_MASTER, file->admin_master, error)
         && import_master_key (p11, CI_KEY_CARD_AUTH_MASTER, file->auth_master, error);
}

/* ---- the token part of a key store ----------------------------------- */

static CiKeyStoreToken *
token_open (const char  *module,
            const char  *label,
            gboolean     read_write,
            GError     **error)
{
  g_autoptr(CiKeyStoreToken) token = g_new0 (CiKeyStoreToken, 1);

  if (!(token->p11 = _ci_p11_token_open (module, label, read_write, error)))
    return NULL;
  return g_steal_pointer (&token);
}

void
_ci_key_store_token_free (CiKeyStoreToken *token)
{
  if (token == NULL)
    return;
  g_clear_pointer (&token->p11, _ci_p11_token_free);
  for (guint i = 0; i < N_PAIRS; i++)
    g_clear_pointer (&token->public_keys[i], g_bytes_unref);
  g_free (token);
}

CiP11Token *
_ci_key_store_token_get_p11 (CiKeyStoreToken *token)
{
  return token->p11;
}

gboolean
_ci_key_store_token_unlock (CiKeyStoreToken  *token,
                            const char       *pin,
                            GError          **error)
{
  if (!_ci_p11_token_login (token->p11, pin, error))
    return FALSE;
  if (!find_secret_keys (token, error))
    {
      _ci_key_store_token_lock (token);
      return FALSE;
    }
  return TRUE;
}

void
_ci_key_store_token_lock (CiKeyStoreToken *token)
{
  _ci_p11_token_logout (token->p11);
  for (guint i = 0; i < N_KEYS; i++)
    token->secret[i] = CK_INVALID_HANDLE;
}

GBytes *
_ci_key_store_token_public_key (CiKeyStoreToken *token,
                                CiKeyId          id)
{
  return is_pair (id) && token->public_keys[id] ? g_bytes_ref (token->public_keys[id]) : NULL;
}

GBytes *
_ci_key_store_token_sign (CiKeyStoreToken  *token,
                          CiKeyId           id,
                          const void       *data,
                          gsize             len,
                          GError          **error)
{
  guint8 digest[CI_SHA256_LEN], rs[2 * P256_SCALAR_LEN];
  GBytes *der;

  ci_sha256 (data, len, digest);
  if (!_ci_p11_sign (token->p11, CKM_ECDSA, token->secret[id], digest, sizeof digest,
                     rs, sizeof rs, error))
    return NULL;
  der = signature_to_der (rs);
  if (der == NULL)
    _ci_openssl_failed (error, _("OpenSSL could not encode the token's signature"));
  return der;
}

gboolean
_ci_p11_an10922 (CiP11Token        *p11,
                 CK_OBJECT_HANDLE   key,
                 const guint8      *m,
                 gsize              m_len,
                 guint8             out[16],
                 GError           **error)
{
  static const guint8 zero[16] = { 0 };
  guint8 l[16], d[32];
  gboolean ok;

  ok = _ci_p11_encrypt (p11, CKM_AES_ECB, key, zero, sizeof zero, l, sizeof l, error)
       && _ci_an10922_input (l, m, m_len, TRUE, d, error)
       && _ci_p11_sign (p11, CKM_AES_CMAC, key, d, sizeof d, out, 16, error);
  OPENSSL_cleanse (l, sizeof l);
  OPENSSL_cleanse (d, sizeof d);
  return ok;
}

gboolean
_ci_key_store_token_diversify (CiKeyStoreToken  *token,
                               CiKeyId           master,
                               const guint8     *m,
                               gsize             m_len,
                               guint8            out[16],
                               GError          **error)
{
  return _ci_p11_an10922 (token->p11, token->secret[master], m, m_len, out, error);
}

/* The same key check value as the file store's: AES-ECB of a zero block. */
char *
_ci_key_store_token_check_value (CiKeyStoreToken *token,
                                 CiKeyId          master)
{
  static const guint8 zero[16] = { 0 };
  guint8 block[16];
  char *kcv;

  if (!_ci_p11_encrypt (token->p11, CKM_AES_ECB, token->secret[master], zero, sizeof zero,
                        block, sizeof block, NULL))
    return NULL;
  kcv = ci_hex_encode (block, 3);
  OPENSSL_cleanse (block, sizeof block);
  return kcv;
}

/* For ci_key_store_discard_new(): @self is the unlocked store that
 * ci_key_store_create_pkcs11() returned, with its read-write session. */
gboolean
_ci_key_store_destroy_token_keys (CiKeyStore  *self,
                                  GError     **error)
{
  g_return_val_if_fail (CI_IS_KEY_STORE (self) && self->token != NULL, FALSE);

  return destroy_all (self->token->p11, error);
}

static CiKeyStore *
new_store (const char      *module,
           const char      *label,
           CiKeyStoreToken *token,
           gboolean         unlocked)
{
  CiKeyStore *self = g_object_new (CI_TYPE_KEY_STORE, NULL);

  self->path = ci_key_store_pkcs11_uri (module, label);
  self->token = token;
  self->unlocked = unlocked;
  return self;
}

/* ---- public API ------------------------------------------------------ */

/**
 * ci_key_store_open_pkcs11:
 * @module: the full path of the PKCS#11 module
 * @token_label: the label of the token that holds the keys
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Opens the key store held by a token: the public keys are read at once,
 * the private and secret keys are usable after ci_key_store_unlock() with
 * the token's user PIN.
 *
 * Returns: (transfer full): the locked store, or %NULL with
 *   %CI_KEYS_ERROR_NOT_FOUND if the token holds no CardIssue keys, or
 *   another error
 */
CiKeyStore *
ci_key_store_open_pkcs11 (const char  *module,
                          const char  *token_label,
                          GError     **error)
{
  g_autoptr(CiKeyStoreToken) token = NULL;

  g_return_val_if_fail (module != NULL && token_label != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(token = token_open (module, token_label, FALSE, error))
      || !read_public_keys (token, error))
    return NULL;
  return new_store (module, token_label, g_steal_pointer (&token), FALSE);
}

/**
 * ci_key_store_create_pkcs11:
 * @module: the full path of the PKCS#11 module
 * @token_label: the label of an initialised token without CardIssue keys
 * @pin: the token's user PIN; not kept
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Generates a fresh set of issuer keys inside the token: the issuer and
 * audit EC P-256 key pairs and the card admin and card auth AES-128 master
 * keys, the private and secret ones sensitive and not extractable. No key
 * value ever leaves the token.
 *
 * Returns: (transfer full): the new, unlocked store, or %NULL with
 *   %CI_KEYS_ERROR_EXISTS if the token holds CardIssue keys already, or
 *   another error (and then nothing is left on the token)
 */
CiKeyStore *
ci_key_store_create_pkcs11 (const char  *module,
                            const char  *token_label,
                            const char  *pin,
                            GError     **error)
{
  g_autoptr(CiKeyStoreToken) token = NULL;
  CiKeyStore *self;

  g_return_val_if_fail (module != NULL && token_label != NULL && pin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(token = token_open (module, token_label, TRUE, error))
      || !_ci_p11_token_login (token->p11, pin, error)
      || !check_empty (token->p11, error))
    return NULL;
  if (!generate_keys (token->p11, error)
      || !read_public_keys (token, error)
      || !find_secret_keys (token, error))
    {
      destroy_all (token->p11, NULL);
      return NULL;
    }
  g_info ("Generated the CardIssue keys in the token \"%s\"", token_label);
  self = new_store (module, token_label, g_steal_pointer (&token), TRUE);
  self->created = TRUE;
  return self;
}

/* The token must now sign as the file did and derive the same card keys:
 * a whole signature and a whole diversified key, not just key ids. */
static gboolean
same_key (CiKeyStore      *file,
          CiKeyStoreToken *token,
          CiKeyId          id)
{
  static const char probe[] = "CardIssue: the keys moved into the token";
  guint8 from_file[16], from_token[16];
  gboolean same;

  if (is_pair (id))
    {
      g_autoptr(GBytes) pub = ci_key_store_get_public_key (file, id);
      g_autoptr(GBytes) sig = NULL;

      return pub != NULL && g_bytes_equal (pub, token->public_keys[id])
             && (sig = _ci_key_store_token_sign (token, id, probe, sizeof probe, NULL)) != NULL
             && ci_keys_verify_signature (pub, probe, sizeof probe, sig, NULL);
    }
  same = ci_key_store_diversify (file, id, (const guint8 *) probe, 16, from_file, NULL)
         && _ci_key_store_token_diversify (token, id, (const guint8 *) probe, 16, from_token,
                                           NULL)
         && ci_memequal_secure (from_file, from_token, sizeof from_file);
  OPENSSL_cleanse (from_file, sizeof from_file);
  OPENSSL_cleanse (from_token, sizeof from_token);
  return same;
}

static gboolean
check_same_keys (CiKeyStore       *file,
                 CiKeyStoreToken  *token,
                 GError          **error)
{
  for (CiKeyId id = 0; id < N_KEYS; id++)
    if (!same_key (file, token, id))
      {
        g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                     _("The token “%s” does not use the keys it was given: it cannot hold "
                       "this key store"), _ci_p11_token_get_label (token->p11));
        return FALSE;
      }
  return TRUE;
}

/* Puts the file aside under @target, never over another file. */
static gboolean
move_file_aside (const char  *path,
                 const char  *target,
                 GError     **error)
{
  g_autofree char *name = g_filename_display_name (path);
  int saved_errno;

  if (link (path, target) == 0)
    {
      if (g_unlink (path) == 0)
        return TRUE;
      saved_errno = errno;
      g_unlink (target);
    }
  else
    saved_errno = errno;
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               /* Translators: a file name, then the system's reason. */
               _("Could not rename the key store file %s: %s"), name, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
check_can_migrate (CiKeyStore  *file,
                   const char  *target,
                   GError     **error)
{
  g_autofree char *name = NULL;

  if (file->token != NULL)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS,
                           _("The key store is in a token already"));
      return FALSE;
    }
  if (!file->unlocked)
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED,
                           _("The key store is locked: unlock it with the administrator's "
                             "passphrase"));
      return FALSE;
    }
  if (!g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  name = g_filename_display_name (target);
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_EXISTS,
               _("%s exists already: a key store was moved into a token from here before; "
                 "move that file away first"), name);
  return FALSE;
}

/**
 * ci_key_store_migrate_to_pkcs11:
 * @file_store: an unlocked key store file
 * @module: the full path of the PKCS#11 module
 * @token_label: the label of an initialised token without CardIssue keys
 * @pin: the token's user PIN; not kept
 * @moved_to: (out) (optional) (transfer full): where the file went
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Moves the keys of @file_store into the token, once: they are imported as
 * sensitive, non-extractable objects, the token is checked to sign and
 * derive with exactly those keys, and the file is renamed to
 * `<file>.migrated` so that nothing uses it by mistake. @file_store is
 * locked afterwards. The renamed file still holds the keys under the
 * passphrase: keep it offline as the backup, or destroy it.
 *
 * Returns: (transfer full): the unlocked store in the token, or %NULL with
 *   %CI_KEYS_ERROR_EXISTS if the token holds CardIssue keys already (or the
 *   file was moved before), or another error; on error the token and the
 *   file are as they were
 */
CiKeyStore *
ci_key_store_migrate_to_pkcs11 (CiKeyStore  *file_store,
                                const char  *module,
                                const char  *token_label,
                                const char  *pin,
                                char       **moved_to,
                                GError     **error)
{
  g_autoptr(CiKeyStoreToken) token = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (CI_IS_KEY_STORE (file_store), NULL);
  g_return_val_if_fail (module != NULL && token_label != NULL && pin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  target = g_strconcat (file_store->path, MIGRATED_SUFFIX, NULL);
  if (!check_can_migrate (file_store, target, error)
      || !(token = token_open (module, token_label, TRUE, error))
      || !_ci_p11_token_login (token->p11, pin, error)
      || !check_empty (token->p11, error))
    return NULL;
  if (!import_keys (token->p11, file_store, error)
      || !read_public_keys (token, error)
      || !find_secret_keys (token, error)
      || !check_same_keys (file_store, token, error)
      || !move_file_aside (file_store->path, target, error))
    {
      destroy_all (token->p11, NULL);
      return NULL;
    }
  ci_key_store_lock (file_store);
  g_info ("Moved the key store %s into the token \"%s\"", file_store->path, token_label);
  if (moved_to != NULL)
    *moved_to = g_steal_pointer (&target);
  return new_store (module, token_label, g_steal_pointer (&token), TRUE);
}
