/* ci-key-store-location.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a key store is: a file, or a PKCS#11 token named by an RFC 7512
 * URI, pkcs11:token=LABEL?module-path=PATH. The front ends take one
 * location and need not know which it is.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store.h"

#include <string.h>

#define URI_SCHEME "pkcs11:"

/**
 * ci_key_store_location_is_pkcs11:
 * @location: where a key store is: a file, or a `pkcs11:` URI
 *
 * Returns: %TRUE if @location names a token rather than a file
 */
gboolean
ci_key_store_location_is_pkcs11 (const char *location)
{
  g_return_val_if_fail (location != NULL, FALSE);

  return g_str_has_prefix (location, URI_SCHEME);
}

static gboolean
bad_uri (GError     **error,
         const char  *uri)
{
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               _("The key store location “%s” is not of the form "
                 "pkcs11:token=LABEL?module-path=/path/to/module.so"), uri);
  return FALSE;
}

/* One name=value attribute of the URI, percent-decoded. */
static gboolean
take_attribute (const char  *part,
                char       **module,
                char       **label,
                GError     **error)
{
  const char *eq = strchr (part, '=');
  g_autofree char *name = eq ? g_strndup (part, eq - part) : NULL;
  g_autofree char *value = eq ? g_uri_unescape_string (eq + 1, NULL) : NULL;
  char **target;

  if (value == NULL || *value == '\0')
    return FALSE;
  if (g_str_equal (name, "pin-value") || g_str_equal (name, "pin-source"))
    {
      g_set_error_literal (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                           _("A PIN never goes into the key store location, where anyone "
                             "may read it: give it when asked, or in CARDISSUE_KEYSTORE_PIN"));
      return FALSE;
    }
  if (g_str_equal (name, "token"))
    target = label;
  else if (g_str_equal (name, "module-path") || g_str_equal (name, "module"))
    target = module;
  else
    return FALSE;
  g_free (*target);
  *target = g_steal_pointer (&value);
  return TRUE;
}

/**
 * ci_key_store_parse_pkcs11_uri:
 * @uri: a key store location, `pkcs11:token=LABEL?module-path=PATH`
 * @module: (out) (transfer full): the module's path
 * @token_label: (out) (transfer full): the token's label
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Reads the two attributes CardIssue needs from an RFC 7512 PKCS#11 URI,
 * percent-decoded. Path and query attributes may come in any order and be
 * separated by `;`, `?` or `&`; `module` is taken for `module-path`. Any
 * other attribute is refused, and a PIN in particular.
 *
 * Returns: %TRUE if @uri names a module and a token
 */
gboolean
ci_key_store_parse_pkcs11_uri (const char  *uri,
                               char       **module,
                               char       **token_label,
                               GError     **error)
{
  g_autofree char *mod = NULL, *label = NULL;
  g_auto(GStrv) parts = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (uri != NULL && module != NULL && token_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_str_has_prefix (uri, URI_SCHEME))
    return bad_uri (error, uri);
  parts = g_regex_split_simple ("[;?&]", uri + strlen (URI_SCHEME), 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && !take_attribute (parts[i], &mod, &label, &local_error))
      {
        if (local_error != NULL)
          {
            g_propagate_error (error, local_error);
            return FALSE;
          }
        return bad_uri (error, uri);
      }
  if (mod == NULL || label == NULL)
    return bad_uri (error, uri);
  *module = g_steal_pointer (&mod);
  *token_label = g_steal_pointer (&label);
  return TRUE;
}

/**
 * ci_key_store_pkcs11_uri:
 * @module: the full path of a PKCS#11 module
 * @token_label: a token's label
 *
 * Returns: (transfer full): the location of a key store in that token,
 *   `pkcs11:token=LABEL?module-path=PATH`, percent-encoded as RFC 7512 asks
 */
char *
ci_key_store_pkcs11_uri (const char *module,
                         const char *token_label)
{
  g_autofree char *label = NULL, *path = NULL;

  g_return_val_if_fail (module != NULL && token_label != NULL, NULL);

  label = g_uri_escape_string (token_label, NULL, FALSE);
  path = g_uri_escape_string (module, "/", FALSE);
  return g_strdup_printf (URI_SCHEME "token=%s?module-path=%s", label, path);
}

/**
 * ci_key_store_open_location:
 * @location: a key store file, or a `pkcs11:` URI
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Opens the key store at @location, locked, with ci_key_store_open() or
 * ci_key_store_open_pkcs11(). %CI_KEYS_ERROR_NOT_FOUND means there is no
 * key store there yet (no file, or a token without CardIssue keys).
 *
 * Returns: (transfer full): the locked store, or %NULL on error
 */
CiKeyStore *
ci_key_store_open_location (const char  *location,
                            GError     **error)
{
  g_autofree char *module = NULL, *label = NULL;

  g_return_val_if_fail (location != NULL, NULL);

  if (!ci_key_store_location_is_pkcs11 (location))
    return ci_key_store_open (location, error);
  if (!ci_key_store_parse_pkcs11_uri (location, &module, &label, error))
    return NULL;
  return ci_key_store_open_pkcs11 (module, label, error);
}

/**
 * ci_key_store_create_location:
 * @location: a file that does not exist yet, or a `pkcs11:` URI of a token
 *   without CardIssue keys
 * @secret: the new file's passphrase, or the token's user PIN
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Creates a key store with ci_key_store_create() or
 * ci_key_store_create_pkcs11().
 *
 * Returns: (transfer full): the new, unlocked store, or %NULL on error
 */
CiKeyStore *
ci_key_store_create_location (const char  *location,
                              const char  *secret,
                              GError     **error)
{
  g_autofree char *module = NULL, *label = NULL;

  g_return_val_if_fail (location != NULL && secret != NULL, NULL);

  if (!ci_key_store_location_is_pkcs11 (location))
    return ci_key_store_create (location, secret, error);
  if (!ci_key_store_parse_pkcs11_uri (location, &module, &label, error))
    return NULL;
  return ci_key_store_create_pkcs11 (module, label, secret, error);
}
