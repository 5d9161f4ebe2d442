/* ci-deny-list.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * The deny list
 * =============
 *
 * Door readers work offline and learn which cards to refuse from a deny list:
 * an X.509 v2 CRL (RFC 5280 §5) signed by the issuer key and checked with the
 * issuer certificate (ci-issuer-cert.c), so that any X.509 tool can read it.
 *
 *   issuer               the subject of the issuer certificate
 *   thisUpdate           when the list was made
 *   nextUpdate           when a newer one is due
 *   revokedCertificates  one entry per blocked card, sorted by serial:
 *                        userCertificate is the 10-digit card serial read as
 *                        a decimal number (0001234567 is INTEGER 1234567),
 *                        then revocationDate, and a reasonCode extension
 *                        unless the reason is unspecified (RFC 5280 §5.3.1
 *                        asks for it to be left out then)
 *   crlExtensions        cRLNumber, the sequence number (a reader keeps the
 *                        highest it has seen), and authorityKeyIdentifier
 *   signature            ecdsa-with-SHA256 by the issuer key
 *
 * A reader refuses a list that is not signed by the issuer key, names
 * another issuer, or carries a critical extension it does not know
 * (RFC 5280 §5.2; a delta CRL, for one). A list past its nextUpdate still
 * loads, since an old list is better than none; ci_deny_list_is_stale() tells.
 * Entries whose serial cannot be a card serial are skipped: no card matches
 * them.
 *
 * Times are microseconds since the Unix epoch, as everywhere in the model;
 * the list keeps whole seconds.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-deny-list.h"
#include "ci-issuer-cert-private.h"
#include "ci-key-store-private.h"
#include "ci-openssl-private.h"

#include <inttypes.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define SERIAL_DIGITS 10
#define SERIAL_MAX G_GUINT64_CONSTANT (9999999999)
#define CRL_MAX (16 << 20)

typedef struct
{
  guint64 serial;
  gint64  revoked_at;
  int     reason;
} Entry;

struct _CiDenyList
{
  GObject  parent_instance;

  guint64  number;
  gint64   this_update;
  gint64   next_update;
  GArray  *entries;   /* of Entry, sorted by serial */
};

G_DEFINE_FINAL_TYPE (CiDenyList, ci_deny_list, G_TYPE_OBJECT)

static void
ci_deny_list_finalize (GObject *object)
{
  CiDenyList *self = CI_DENY_LIST (object);

  g_clear_pointer (&self->entries, g_array_unref);

  G_OBJECT_CLASS (ci_deny_list_parent_class)->finalize (object);
}

static void
ci_deny_list_class_init (CiDenyListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ci_deny_list_finalize;
}

static void
ci_deny_list_init (CiDenyList *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
}

/* ---- entries --------------------------------------------------------- */

/**
 * ci_deny_reason_for_card_state:
 * @state: a card state
 *
 * The reason a card in @state goes on the deny list:
 *
 * - stolen: %CI_DENY_REASON_KEY_COMPROMISE, the card is known to be in the
 *   wrong hands, so a reader may raise an alarm when it is shown;
 * - lost: %CI_DENY_REASON_UNSPECIFIED, nobody knows where it is;
 * - damaged: %CI_DENY_REASON_SUPERSEDED, a new card replaces it;
 * - revoked, destroyed: %CI_DENY_REASON_CESSATION_OF_OPERATION, withdrawn
 *   for good;
 * - suspended: %CI_DENY_REASON_CERTIFICATE_HOLD, it may come back.
 *
 * These are the states of ci_card_state_is_blocked().
 *
 * Returns: a #CiDenyReason, or -1 if a card in @state is not denied
 */
int
ci_deny_reason_for_card_state (CiCardState state)
{
  switch (state)
    {
    case CI_CARD_STOLEN:
      return CI_DENY_REASON_KEY_COMPROMISE;
    case CI_CARD_LOST:
      return CI_DENY_REASON_UNSPECIFIED;
    case CI_CARD_DAMAGED:
      return CI_DENY_REASON_SUPERSEDED;
    case CI_CARD_REVOKED:
    case CI_CARD_DESTROYED:
      return CI_DENY_REASON_CESSATION_OF_OPERATION;
    case CI_CARD_SUSPENDED:
      return CI_DENY_REASON_CERTIFICATE_HOLD;
    default:
      return -1;
    }
}

/**
 * ci_deny_entry_new:
 * @serial: the card serial, 10 digits
 * @revoked_at: when the card was blocked, in microseconds since the epoch
 * @reason: a CRLReason code, see ci_deny_reason_for_card_state()
 *
 * Returns: (transfer full): a new entry for ci_deny_list_build()
 */
CiDenyEntry *
ci_deny_entry_new (const char *serial,
                   gint64      revoked_at,
                   int         reason)
{
  CiDenyEntry *entry;

  g_return_val_if_fail (serial != NULL, NULL);

  entry = g_new0 (CiDenyEntry, 1);
  entry->serial = g_strdup (serial);
  entry->revoked_at = revoked_at;
  entry->reason = reason;
  return entry;
}

/**
 * ci_deny_entry_free:
 * @entry: (nullable): an entry
 *
 * Frees @entry and its serial.
 */
void
ci_deny_entry_free (CiDenyEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->serial);
  g_free (entry);
}

static gboolean
parse_serial (const char *serial,
              guint64    *value)
{
  guint64 v = 0;
  gsize i;

  for (i = 0; serial[i] != '\0'; i++)
    {
      if (i == SERIAL_DIGITS || !g_ascii_isdigit (serial[i]))
        return FALSE;
      v = v * 10 + (guint64) (serial[i] - '0');
    }
  *value = v;
  return i == SERIAL_DIGITS;
}

/* The CRLReason values of RFC 5280; 7 is not used */
static gboolean
reason_is_valid (int reason)
{
  return reason >= 0 && reason <= 10 && reason != 7;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  return (x->serial > y->serial) - (x->serial < y->serial);
}

static gboolean
check_entry (const CiDenyEntry  *in,
             Entry              *out,
             GError            **error)
{
  g_autofree char *shown = g_utf8_make_valid (in->serial, -1);

  if (!parse_serial (in->serial, &out->serial))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("“%s” cannot go on the deny list: a card serial has %d digits"),
                   shown, SERIAL_DIGITS);
      return FALSE;
    }
  if (!reason_is_valid (in->reason) || in->revoked_at < 0)
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("Card %s cannot go on the deny list: its reason or date is invalid"), shown);
      return FALSE;
    }
  out->revoked_at = in->revoked_at;
  out->reason = in->reason;
  return TRUE;
}

static GArray *
sorted_entries (GPtrArray  *entries,
                GError    **error)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Entry));

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const CiDenyEntry *in = g_ptr_array_index (entries, i);
      Entry item;

      g_return_val_if_fail (in != NULL && in->serial != NULL, NULL);
      if (!check_entry (in, &item, error))
        return NULL;
      g_array_append_val (items, item);
    }
  g_array_sort (items, compare_entries);
  for (guint i = 1; i < items->len; i++)
    if (g_array_index (items, Entry, i).serial == g_array_index (items, Entry, i - 1).serial)
      {
        g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                     _("Card %010" PRIu64 " is on the deny list twice"),
                     g_array_index (items, Entry, i).serial);
        return NULL;
      }
  return g_steal_pointer (&items);
}

/* ---- building -------------------------------------------------------- */

static ASN1_TIME *
time_from_us (gint64 us)
{
  return ASN1_TIME_set (NULL, (time_t) (us / G_USEC_PER_SEC));
}

static gboolean
add_entry (X509_CRL    *crl,
           const Entry *item)
{
  g_autoptr(X509_REVOKED) rev = X509_REVOKED_new ();
  g_autoptr(ASN1_INTEGER) serial = ASN1_INTEGER_new ();
  g_autoptr(ASN1_TIME) date = time_from_us (item->revoked_at);
  g_autoptr(ASN1_ENUMERATED) reason = ASN1_ENUMERATED_new ();

  if (rev == NULL || serial == NULL || date == NULL || reason == NULL
      || ASN1_INTEGER_set_uint64 (serial, item->serial) != 1
      || X509_REVOKED_set_serialNumber (rev, serial) != 1
      || X509_REVOKED_set_revocationDate (rev, date) != 1)
    return FALSE;
  if (item->reason != CI_DENY_REASON_UNSPECIFIED
      && (ASN1_ENUMERATED_set (reason, item->reason) != 1
          || X509_REVOKED_add1_ext_i2d (rev, NID_crl_reason, reason, 0, 0) != 1))
    return FALSE;
  if (X509_CRL_add0_revoked (crl, rev) != 1)
    return FALSE;
  rev = NULL;   /* now owned by @crl */
  return TRUE;
}

static gboolean
add_authority_key_id (X509_CRL *crl,
                      X509     *cert)
{
  g_autoptr(X509_EXTENSION) ext = NULL;
  X509V3_CTX ctx;

  X509V3_set_ctx (&ctx, cert, NULL, NULL, crl, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, NID_authority_key_identifier, "keyid:always");
  return ext != NULL && X509_CRL_add_ext (crl, ext, -1) == 1;
}

static gboolean
set_header (X509_CRL *crl,
            X509     *cert,
            guint64   number,
            gint64    this_update,
            gint64    next_update)
{
  g_autoptr(ASN1_TIME) last = time_from_us (this_update);
  g_autoptr(ASN1_TIME) next = time_from_us (next_update);
  g_autoptr(ASN1_INTEGER) n = ASN1_INTEGER_new ();

  return last != NULL && next != NULL && n != NULL
         && X509_CRL_set_version (crl, X509_CRL_VERSION_2) == 1
         && X509_CRL_set_issuer_name (crl, X509_get_subject_name (cert)) == 1
         && X509_CRL_set1_lastUpdate (crl, last) == 1
         && X509_CRL_set1_nextUpdate (crl, next) == 1
         && ASN1_INTEGER_set_uint64 (n, number) == 1
         && X509_CRL_add1_ext_i2d (crl, NID_crl_number, n, 0, 0) == 1
         && add_authority_key_id (crl, cert);
}

static X509 *
certificate_of_key (GBytes      *cert_der,
                    CiKeyStore  *store,
                    GError     **error)
{
  g_autoptr(X509) cert = _ci_issuer_certificate_load (cert_der, error);
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(EVP_PKEY) key = NULL;

  if (cert == NULL)
    return NULL;
  spki = ci_key_store_get_public_key (store, CI_KEY_ISSUER);
  if (spki != NULL)
    key = _ci_p256_from_spki (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
  if (key == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), key) != 1)
    {
      ERR_clear_error ();
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("The issuer certificate belongs to another key store: "
                             "make a new certificate from this key store"));
      return NULL;
    }
  return g_steal_pointer (&cert);
}

/**
 * ci_deny_list_build:
 * @store: an unlocked key store
 * @issuer_cert_der: the issuer certificate of @store (DER or PEM), from
 *   ci_key_store_issuer_certificate()
 * @entries: (element-type CiDenyEntry) (nullable): the blocked cards, in any
 *   order; %NULL or empty for a list that denies no card
 * @crl_number: the sequence number of this list, higher than any before
 * @this_update_us: when the list is made, in microseconds since the epoch
 * @next_update_us: when the next list is due, after @this_update_us
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Makes the deny list for door readers: an X.509 v2 CRL signed by the issuer
 * key, naming the issuer of @issuer_cert_der, with one entry per card sorted
 * by serial. Times are rounded down to whole seconds.
 *
 * Returns: (transfer full): the DER CRL, or %NULL with %CI_KEYS_ERROR_LOCKED
 *   if @store is locked, or another error
 */
GBytes *
ci_deny_list_build (CiKeyStore  *store,
                    GBytes      *issuer_cert_der,
                    GPtrArray   *entries,
                    guint64      crl_number,
                    gint64       this_update_us,
                    gint64       next_update_us,
                    GError     **error)
{
  g_autoptr(X509) cert = NULL;
  g_autoptr(GArray) items = NULL;
  g_autoptr(X509_CRL) crl = NULL;
  gboolean ok;

  g_return_val_if_fail (CI_IS_KEY_STORE (store), NULL);
  g_return_val_if_fail (issuer_cert_der != NULL, NULL);
  g_return_val_if_fail (this_update_us >= 0 && next_update_us > this_update_us, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ci_key_store_check_unlocked (store, error)
      || (cert = certificate_of_key (issuer_cert_der, store, error)) == NULL
      || (items = sorted_entries (entries, error)) == NULL)
    return NULL;
  crl = X509_CRL_new ();
  ok = crl != NULL && set_header (crl, cert, crl_number, this_update_us, next_update_us);
  for (guint i = 0; ok && i < items->len; i++)
    ok = add_entry (crl, &g_array_index (items, Entry, i));
  if (!ok)
    {
      _ci_openssl_failed (error, _("OpenSSL could not write the deny list"));
      return NULL;
    }
  return _ci_x509_sign_crl (store, crl, error);
}

/* ---- loading --------------------------------------------------------- */

static gboolean
set_unreadable (GError **error)
{
  ERR_clear_error ();
  g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                       _("The deny list cannot be read: it is damaged or not a deny list; "
                         "copy the newest deny list from the issuing desk"));
  return FALSE;
}

static X509_CRL *
parse_crl (GBytes  *data,
           GError **error)
{
  gsize len = 0;
  const unsigned char *bytes = g_bytes_get_data (data, &len);
  const unsigned char *p = bytes;
  X509_CRL *crl = NULL;

  if (len > 0 && len <= CRL_MAX && _ci_x509_is_pem (data))
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (bytes, (int) len);

      if (bio != NULL)
        crl = PEM_read_bio_X509_CRL (bio, NULL, NULL, NULL);
    }
  else if (len > 0 && len <= CRL_MAX)
    {
      crl = d2i_X509_CRL (NULL, &p, (long) len);
      if (crl != NULL && p != bytes + len)
        g_clear_pointer (&crl, X509_CRL_free);
    }
  if (crl == NULL)
    set_unreadable (error);
  return crl;
}

static gboolean
check_signed_by (X509_CRL  *crl,
                 X509      *cert,
                 GError   **error)
{
  gboolean ok = X509_CRL_get_signature_nid (crl) == NID_ecdsa_with_SHA256
                && X509_NAME_cmp (X509_CRL_get_issuer (crl), X509_get_subject_name (cert)) == 0
                && X509_CRL_verify (crl, X509_get0_pubkey (cert)) == 1;

  ERR_clear_error ();
  if (!ok)
    g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_BAD_SIGNATURE,
                         _("The deny list is not signed by this issuer: it was changed, or it "
                           "comes from another site; copy the newest deny list from the "
                           "issuing desk"));
  return ok;
}

/* RFC 5280 §5.2: a list with a critical extension we do not know must not
 * be used */
static gboolean
check_critical (const STACK_OF (X509_EXTENSION) *exts,
                GError                         **error)
{
  for (int i = 0; i < X509v3_get_ext_count (exts); i++)
    {
      X509_EXTENSION *ext = X509v3_get_ext (exts, i);
      int nid = OBJ_obj2nid (X509_EXTENSION_get_object (ext));

      if (X509_EXTENSION_get_critical (ext) && nid != NID_crl_number
          && nid != NID_authority_key_identifier && nid != NID_crl_reason)
        {
          g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                               _("The deny list uses a feature this reader does not know "
                                 "(a critical extension): it was not made by CardIssue"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
time_to_us (const ASN1_TIME *t,
            gint64          *us)
{
  g_autoptr(GDateTime) dt = NULL;
  struct tm tm;

  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return FALSE;
  dt = g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (dt == NULL)
    return FALSE;
  *us = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
read_header (CiDenyList  *self,
             X509_CRL    *crl,
             GError     **error)
{
  g_autoptr(ASN1_INTEGER) number = X509_CRL_get_ext_d2i (crl, NID_crl_number, NULL, NULL);

  if (number == NULL || ASN1_INTEGER_get_uint64 (&self->number, number) != 1
      || !time_to_us (X509_CRL_get0_lastUpdate (crl), &self->this_update)
      || !time_to_us (X509_CRL_get0_nextUpdate (crl), &self->next_update))
    {
      ERR_clear_error ();
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                           _("The deny list has no number or no dates: it was not made "
                             "by CardIssue"));
      return FALSE;
    }
  return TRUE;
}

static int
entry_reason (X509_REVOKED *rev)
{
  g_autoptr(ASN1_ENUMERATED) code = X509_REVOKED_get_ext_d2i (rev, NID_crl_reason, NULL, NULL);
  long value = code != NULL ? ASN1_ENUMERATED_get (code) : CI_DENY_REASON_UNSPECIFIED;

  return reason_is_valid (value) ? (int) value : CI_DENY_REASON_UNSPECIFIED;
}

static gboolean
read_entries (CiDenyList  *self,
              X509_CRL    *crl,
              GError     **error)
{
  STACK_OF (X509_REVOKED) *revoked = X509_CRL_get_REVOKED (crl);

  for (int i = 0; i < sk_X509_REVOKED_num (revoked); i++)
    {
      X509_REVOKED *rev = sk_X509_REVOKED_value (revoked, i);
      Entry entry = { 0, };

      if (!check_critical (X509_REVOKED_get0_extensions (rev), error))
        return FALSE;
      if (ASN1_INTEGER_get_uint64 (&entry.serial, X509_REVOKED_get0_serialNumber (rev)) != 1
          || entry.serial > SERIAL_MAX)
        continue;
      if (!time_to_us (X509_REVOKED_get0_revocationDate (rev), &entry.revoked_at))
        return set_unreadable (error);
      entry.reason = entry_reason (rev);
      g_array_append_val (self->entries, entry);
    }
  ERR_clear_error ();
  g_array_sort (self->entries, compare_entries);
  return TRUE;
}

/**
 * ci_deny_list_load:
 * @crl_der: a deny list from ci_deny_list_build(), DER or PEM
 * @issuer_cert_der: the issuer certificate, DER or PEM
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Reads a deny list as a door reader does: the certificate must pass
 * ci_issuer_certificate_check(), and the list must be signed by its key and
 * name it as issuer. A list past its next update still loads; see
 * ci_deny_list_is_stale().
 *
 * Returns: (transfer full): the list, or %NULL with
 *   %CI_KEYS_ERROR_BAD_SIGNATURE if it is not signed by this issuer,
 *   %CI_KEYS_ERROR_CORRUPT if it cannot be read
 */
CiDenyList *
ci_deny_list_load (GBytes  *crl_der,
                   GBytes  *issuer_cert_der,
                   GError **error)
{
  g_autoptr(X509) cert = NULL;
  g_autoptr(X509_CRL) crl = NULL;
  g_autoptr(CiDenyList) self = NULL;

  g_return_val_if_fail (crl_der != NULL, NULL);
  g_return_val_if_fail (issuer_cert_der != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cert = _ci_issuer_certificate_load (issuer_cert_der, error);
  if (cert == NULL || (crl = parse_crl (crl_der, error)) == NULL
      || !check_signed_by (crl, cert, error)
      || !check_critical (X509_CRL_get0_extensions (crl), error))
    return NULL;
  self = g_object_new (CI_TYPE_DENY_LIST, NULL);
  if (!read_header (self, crl, error) || !read_entries (self, crl, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- queries --------------------------------------------------------- */

/**
 * ci_deny_list_lookup:
 * @self: a deny list
 * @serial: a card serial, 10 digits
 * @revoked_at: (out) (optional): when the card was blocked, in microseconds
 *   since the epoch
 * @reason: (out) (optional): the CRLReason code, see #CiDenyReason
 *
 * Returns: %TRUE if the card @serial is denied; %FALSE for any other card,
 *   and for a @serial that is not 10 digits
 */
gboolean
ci_deny_list_lookup (CiDenyList *self,
                     const char *serial,
                     gint64     *revoked_at,
                     int        *reason)
{
  Entry target = { 0, };
  guint index;
  const Entry *found;

  g_return_val_if_fail (CI_IS_DENY_LIST (self), FALSE);
  g_return_val_if_fail (serial != NULL, FALSE);

  if (!parse_serial (serial, &target.serial)
      || !g_array_binary_search (self->entries, &target, compare_entries, &index))
    return FALSE;
  found = &g_array_index (self->entries, Entry, index);
  if (revoked_at != NULL)
    *revoked_at = found->revoked_at;
  if (reason != NULL)
    *reason = found->reason;
  return TRUE;
}

/**
 * ci_deny_list_contains:
 * @self: a deny list
 * @serial: a card serial, 10 digits
 *
 * Returns: %TRUE if a door must refuse the card @serial
 */
gboolean
ci_deny_list_contains (CiDenyList *self,
                       const char *serial)
{
  return ci_deny_list_lookup (self, serial, NULL, NULL);
}

/**
 * ci_deny_list_get_number:
 * @self: a deny list
 *
 * Returns: the sequence number (cRLNumber); a reader keeps the highest
 */
guint64
ci_deny_list_get_number (CiDenyList *self)
{
  g_return_val_if_fail (CI_IS_DENY_LIST (self), 0);

  return self->number;
}

/**
 * ci_deny_list_get_this_update:
 * @self: a deny list
 *
 * Returns: when the list was made, in microseconds since the epoch
 */
gint64
ci_deny_list_get_this_update (CiDenyList *self)
{
  g_return_val_if_fail (CI_IS_DENY_LIST (self), 0);

  return self->this_update;
}

/**
 * ci_deny_list_get_next_update:
 * @self: a deny list
 *
 * Returns: when a newer list is due, in microseconds since the epoch
 */
gint64
ci_deny_list_get_next_update (CiDenyList *self)
{
  g_return_val_if_fail (CI_IS_DENY_LIST (self), 0);

  return self->next_update;
}

/**
 * ci_deny_list_get_n_entries:
 * @self: a deny list
 *
 * Returns: how many cards the list denies
 */
guint
ci_deny_list_get_n_entries (CiDenyList *self)
{
  g_return_val_if_fail (CI_IS_DENY_LIST (self), 0);

  return self->entries->len;
}

/**
 * ci_deny_list_is_stale:
 * @self: a deny list
 * @now_us: the time now, in microseconds since the epoch (g_get_real_time())
 *
 * A stale list still denies the cards it names, but cards blocked since it
 * was made are missing: the reader should say that it needs a newer list.
 *
 * Returns: %TRUE if @now_us is past the list's next update
 */
gboolean
ci_deny_list_is_stale (CiDenyList *self,
                       gint64      now_us)
{
  g_return_val_if_fail (CI_IS_DENY_LIST (self), FALSE);

  return now_us > self->next_update;
}
