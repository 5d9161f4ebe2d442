/* ci-pkcs11.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The little of PKCS#11 the key store needs: load a module by path, find a
 * token by its label, keep one session on it, and make the few calls that
 * create, find, read, use and destroy objects. What the objects are is the
 * key store's business (ci-key-store-pkcs11.c).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-key-store.h"
#include "ci-pkcs11-private.h"

#include <string.h>

#include <gmodule.h>
#include <openssl/crypto.h>

/* ---- modules --------------------------------------------------------- */

/* A module is loaded and initialised once per process, however many tokens
 * or stores use it: C_Initialize may be called only once. */
typedef struct
{
  char                 *path;
  GModule              *handle;
  CK_FUNCTION_LIST_PTR  f;
  guint                 refs;
  gboolean              finalize;  /* we initialised it, so we finalise it */
} Module;

G_LOCK_DEFINE_STATIC (modules);
static GHashTable *modules;

struct _CiP11Token
{
  Module            *module;
  char              *label;
  CK_SESSION_HANDLE  session;
  GMutex             lock;
};

/* The one place a CK_RV becomes words for the person at the desk. @label
 * names the token (or the module, before there is a token); @call is the
 * PKCS#11 function that failed, for the administrator's log. */
static gboolean
set_p11_error (GError     **error,
               const char  *label,
               const char  *call,
               CK_RV        rv)
{
  switch (rv)
    {
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_WRONG_PASSPHRASE,
                   _("Wrong PIN for the token “%s”"), label);
      break;
    case CKR_PIN_LOCKED:
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("The PIN of the token “%s” is locked after too many wrong tries: "
                     "the token's security officer must reset it"), label);
      break;
    case CKR_USER_NOT_LOGGED_IN:
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_LOCKED,
                   _("The token “%s” is not logged in: unlock the key store with the "
                     "token's PIN"), label);
      break;
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_REMOVED:
    case CKR_DEVICE_ERROR:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("The token “%s” was removed or stopped answering: plug it in again "
                     "and open the key store again"), label);
      break;
    default:
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   /* Translators: %s is a token's label, then a PKCS#11 function
                    * such as C_Sign, and the error number the token gave. */
                   _("The token “%s” refused %s (PKCS#11 error 0x%08lx)"),
                   label, call, (unsigned long) rv);
      break;
    }
  return FALSE;
}

static gboolean
module_failed (GError     **error,
               const char  *name,
               const char  *call,
               CK_RV        rv)
{
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               /* Translators: %s is the file of a PKCS#11 module, then a PKCS#11
                * function such as C_Initialize, and the error number it gave. */
               _("The PKCS#11 module %s failed in %s (PKCS#11 error 0x%08lx)"),
               name, call, (unsigned long) rv);
  return FALSE;
}

static void
module_free (Module *m)
{
  if (m->finalize)
    m->f->C_Finalize (NULL);
  if (m->handle != NULL)
    g_module_close (m->handle);
  g_free (m->path);
  g_free (m);
}

static Module *
module_load (const char  *path,
             GError     **error)
{
  g_autofree char *name = g_filename_display_name (path);
  Module *m = g_new0 (Module, 1);
  CK_C_GetFunctionList get_function_list = NULL;
  CK_C_INITIALIZE_ARGS args = { 0 };
  CK_RV rv;

  m->path = g_strdup (path);
  m->handle = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (m->handle == NULL)
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("Cannot load the PKCS#11 module %s: %s"), name, g_module_error ());
      module_free (m);
      return NULL;
    }
  if (!g_module_symbol (m->handle, "C_GetFunctionList", (gpointer *) &get_function_list)
      || get_function_list == NULL
      || get_function_list (&m->f) != CKR_OK || m->f == NULL)
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("%s is not a PKCS#11 module: choose the module file of the "
                     "security module"), name);
      module_free (m);
      return NULL;
    }
  /* Our threads share the session under our own lock; the module may use
   * the system's locking for anything it keeps across sessions. */
  args.flags = CKF_OS_LOCKING_OK;
  rv = m->f->C_Initialize (&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
    {
      module_failed (error, name, "C_Initialize", rv);
      module_free (m);
      return NULL;
    }
  m->finalize = rv == CKR_OK;
  return m;
}

static Module *
module_ref (const char  *path,
            GError     **error)
{
  Module *m;

  if (!g_path_is_absolute (path))
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
                   _("Give the PKCS#11 module by its full path, not “%s”"), path);
      return NULL;
    }
  G_LOCK (modules);
  if (modules == NULL)
    modules = g_hash_table_new (g_str_hash, g_str_equal);
  m = g_hash_table_lookup (modules, path);
  if (m == NULL && (m = module_load (path, error)) != NULL)
    g_hash_table_insert (modules, m->path, m);
  if (m != NULL)
    m->refs++;
  G_UNLOCK (modules);
  return m;
}

static void
module_unref (Module *m)
{
  G_LOCK (modules);
  if (--m->refs == 0)
    {
      g_hash_table_remove (modules, m->path);
      if (g_hash_table_size (modules) == 0)
        g_clear_pointer (&modules, g_hash_table_unref);
      module_free (m);
    }
  G_UNLOCK (modules);
}

/* ---- tokens ---------------------------------------------------------- */

/* Token labels are 32 bytes padded with spaces. */
static gboolean
label_matches (const CK_UTF8CHAR  padded[32],
               const char        *label)
{
  g_autofree char *text = g_strndup ((const char *) padded, 32);

  return g_str_equal (g_strchomp (text), label);
}

static gboolean
find_slot (Module      *m,
           const char  *label,
           CK_SLOT_ID  *slot,
           GError     **error)
{
  g_autofree char *name = g_filename_display_name (m->path);
  g_autofree CK_SLOT_ID *slots = NULL;
  CK_ULONG n = 0;
  CK_RV rv;

  rv = m->f->C_GetSlotList (CK_TRUE, NULL, &n);
  if (rv == CKR_OK && n > 0)
    {
      slots = g_new (CK_SLOT_ID, n);
      rv = m->f->C_GetSlotList (CK_TRUE, slots, &n);
    }
  if (rv != CKR_OK)
    return module_failed (error, name, "C_GetSlotList", rv);
  for (CK_ULONG i = 0; i < n; i++)
    {
      CK_TOKEN_INFO info;

      if (m->f->C_GetTokenInfo (slots[i], &info) == CKR_OK && label_matches (info.label, label))
        {
          *slot = slots[i];
          return TRUE;
        }
    }
  /* Not CI_KEYS_ERROR_NOT_FOUND, which says the token holds no key store. */
  g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_FAILED,
               _("There is no token labelled “%s” in the PKCS#11 module %s: check the label "
                 "and that the token is plugged in"), label, name);
  return FALSE;
}

/**
 * _ci_p11_token_open:
 * @module: the full path of a PKCS#11 module
 * @label: the token's label
 * @read_write: whether objects will be created or destroyed
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Returns: (transfer full): a session on the token, not logged in
 */
CiP11Token *
_ci_p11_token_open (const char  *module,
                    const char  *label,
                    gboolean     read_write,
                    GError     **error)
{
  g_autoptr(CiP11Token) token = g_new0 (CiP11Token, 1);
  CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  CK_SLOT_ID slot = 0;
  CK_RV rv;

  g_return_val_if_fail (module != NULL && label != NULL, NULL);

  g_mutex_init (&token->lock);
  token->label = g_strdup (label);
  token->session = CK_INVALID_HANDLE;
  if (!(token->module = module_ref (module, error))
      || !find_slot (token->module, label, &slot, error))
    return NULL;
  rv = token->module->f->C_OpenSession (slot, flags, NULL, NULL, &token->session);
  if (rv != CKR_OK)
    {
      token->session = CK_INVALID_HANDLE;
      set_p11_error (error, label, "C_OpenSession", rv);
      return NULL;
    }
  return g_steal_pointer (&token);
}

void
_ci_p11_token_free (CiP11Token *token)
{
  if (token == NULL)
    return;
  /* Closing the last session of the application on a token logs it out. */
  if (token->session != CK_INVALID_HANDLE)
    token->module->f->C_CloseSession (token->session);
  if (token->module != NULL)
    module_unref (token->module);
  g_mutex_clear (&token->lock);
  g_free (token->label);
  g_free (token);
}

const char *
_ci_p11_token_get_label (CiP11Token *token)
{
  return token->label;
}

const char *
_ci_p11_token_get_module (CiP11Token *token)
{
  return token->module->path;
}

#define F(token) ((token)->module->f)

/**
 * _ci_p11_token_login:
 * @token: a token
 * @pin: the user PIN; not kept
 * @error: return location for a #CI_KEYS_ERROR error
 *
 * Logs the normal user in. A login that is already there (made through
 * another session of this process) is made again, so that @pin is always
 * checked. PKCS#11 keeps one login per process and token: that logout, or
 * _ci_p11_token_logout(), logs out every session of this process on the
 * token.
 *
 * Returns: %TRUE if the private objects can now be used
 */
gboolean
_ci_p11_token_login (CiP11Token  *token,
                     const char  *pin,
                     GError     **error)
{
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_Login (token->session, CKU_USER, (CK_UTF8CHAR_PTR) pin, strlen (pin));
  if (rv == CKR_USER_ALREADY_LOGGED_IN)
    {
      F (token)->C_Logout (token->session);
      rv = F (token)->C_Login (token->session, CKU_USER, (CK_UTF8CHAR_PTR) pin, strlen (pin));
    }
  g_mutex_unlock (&token->lock);
  return rv == CKR_OK || set_p11_error (error, token->label, "C_Login", rv);
}

void
_ci_p11_token_logout (CiP11Token *token)
{
  g_mutex_lock (&token->lock);
  /* CKR_USER_NOT_LOGGED_IN is as good as done. */
  F (token)->C_Logout (token->session);
  g_mutex_unlock (&token->lock);
}

/* ---- objects --------------------------------------------------------- */

CK_OBJECT_HANDLE
_ci_p11_find (CiP11Token       *token,
              CK_OBJECT_CLASS   klass,
              const char       *label,
              GError          **error)
{
  CK_ATTRIBUTE match[] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_LABEL, (void *) label, strlen (label) },
  };
  CK_OBJECT_HANDLE found[2] = { CK_INVALID_HANDLE, CK_INVALID_HANDLE };
  CK_ULONG n = 0;
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_FindObjectsInit (token->session, match, G_N_ELEMENTS (match));
  if (rv == CKR_OK)
    {
      rv = F (token)->C_FindObjects (token->session, found, G_N_ELEMENTS (found), &n);
      F (token)->C_FindObjectsFinal (token->session);
    }
  g_mutex_unlock (&token->lock);
  if (rv != CKR_OK)
    {
      set_p11_error (error, token->label, "C_FindObjects", rv);
      return CK_INVALID_HANDLE;
    }
  /* Two keys of one name: which one signs would be up to the token. */
  if (n > 1)
    {
      g_set_error (error, CI_KEYS_ERROR, CI_KEYS_ERROR_CORRUPT,
                   _("The token “%s” holds two objects named “%s”: remove the one that "
                     "does not belong with the token's own tools"), token->label, label);
      return CK_INVALID_HANDLE;
    }
  return n == 1 ? found[0] : CK_INVALID_HANDLE;
}

GBytes *
_ci_p11_get_attribute (CiP11Token        *token,
                       CK_OBJECT_HANDLE   object,
                       CK_ATTRIBUTE_TYPE  type,
                       CK_RV             *rv)
{
  CK_ATTRIBUTE attr = { type, NULL, 0 };
  guint8 *value = NULL;

  g_mutex_lock (&token->lock);
  *rv = F (token)->C_GetAttributeValue (token->session, object, &attr, 1);
  if (*rv == CKR_OK && attr.ulValueLen != CK_UNAVAILABLE_INFORMATION)
    {
      attr.pValue = value = g_malloc (attr.ulValueLen + 1);
      *rv = F (token)->C_GetAttributeValue (token->session, object, &attr, 1);
    }
  g_mutex_unlock (&token->lock);
  if (*rv != CKR_OK || attr.ulValueLen == CK_UNAVAILABLE_INFORMATION)
    {
      g_free (value);
      return NULL;
    }
  return g_bytes_new_take (value, attr.ulValueLen);
}

gboolean
_ci_p11_get_bool (CiP11Token        *token,
                  CK_OBJECT_HANDLE   object,
                  CK_ATTRIBUTE_TYPE  type,
                  gboolean          *value)
{
  CK_BBOOL b = CK_FALSE;
  CK_ATTRIBUTE attr = { type, &b, sizeof b };
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_GetAttributeValue (token->session, object, &attr, 1);
  g_mutex_unlock (&token->lock);
  if (rv != CKR_OK || attr.ulValueLen != sizeof b)
    return FALSE;
  *value = b == CK_TRUE;
  return TRUE;
}

gboolean
_ci_p11_create (CiP11Token        *token,
                CK_ATTRIBUTE      *attrs,
                CK_ULONG           n_attrs,
                CK_OBJECT_HANDLE  *object,
                GError           **error)
{
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_CreateObject (token->session, attrs, n_attrs, object);
  g_mutex_unlock (&token->lock);
  return rv == CKR_OK || set_p11_error (error, token->label, "C_CreateObject", rv);
}

gboolean
_ci_p11_generate_key (CiP11Token         *token,
                      CK_MECHANISM_TYPE   mechanism,
                      CK_ATTRIBUTE       *attrs,
                      CK_ULONG            n_attrs,
                      GError            **error)
{
  CK_MECHANISM mech = { mechanism, NULL, 0 };
  CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_GenerateKey (token->session, &mech, attrs, n_attrs, &key);
  g_mutex_unlock (&token->lock);
  return rv == CKR_OK || set_p11_error (error, token->label, "C_GenerateKey", rv);
}

gboolean
_ci_p11_generate_key_pair (CiP11Token         *token,
                           CK_MECHANISM_TYPE   mechanism,
                           CK_ATTRIBUTE       *public_attrs,
                           CK_ULONG            n_public,
                           CK_ATTRIBUTE       *private_attrs,
                           CK_ULONG            n_private,
                           GError            **error)
{
  CK_MECHANISM mech = { mechanism, NULL, 0 };
  CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_GenerateKeyPair (token->session, &mech, public_attrs, n_public,
                                     private_attrs, n_private, &pub, &priv);
  g_mutex_unlock (&token->lock);
  return rv == CKR_OK || set_p11_error (error, token->label, "C_GenerateKeyPair", rv);
}

gboolean
_ci_p11_destroy (CiP11Token        *token,
                 CK_OBJECT_HANDLE   object,
                 GError           **error)
{
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = F (token)->C_DestroyObject (token->session, object);
  g_mutex_unlock (&token->lock);
  return rv == CKR_OK || set_p11_error (error, token->label, "C_DestroyObject", rv);
}

/* ---- operations ------------------------------------------------------ */

typedef CK_RV (*InitFunc) (CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
typedef CK_RV (*DoFunc) (CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);

/* One-part operation. The length is asked first, so that the operation is
 * always finished (a short buffer would leave it active on the session). */
static gboolean
one_part (CiP11Token         *token,
          const char         *call,
          InitFunc            init,
          DoFunc              run,
          CK_MECHANISM_TYPE   mechanism,
          CK_OBJECT_HANDLE    key,
          const guint8       *data,
          gsize               len,
          guint8             *out,
          gsize               out_len,
          GError            **error)
{
  CK_MECHANISM mech = { mechanism, NULL, 0 };
  guint8 *result = NULL;
  CK_ULONG n = 0;
  CK_RV rv;

  g_mutex_lock (&token->lock);
  rv = init (token->session, &mech, key);
  if (rv == CKR_OK)
    rv = run (token->session, (CK_BYTE_PTR) data, len, NULL, &n);
  if (rv == CKR_OK)
    {
      result = g_malloc (n + 1);
      rv = run (token->session, (CK_BYTE_PTR) data, len, result, &n);
    }
  g_mutex_unlock (&token->lock);
  if (rv == CKR_OK && n == out_len)
    memcpy (out, result, n);
  if (result != NULL)
    OPENSSL_clear_free (result, n + 1);
  if (rv != CKR_OK)
    return set_p11_error (error, token->label, call, rv);
  if (n != out_len)
    return set_p11_error (error, token->label, call, CKR_FUNCTION_FAILED);
  return TRUE;
}

gboolean
_ci_p11_sign (CiP11Token         *token,
              CK_MECHANISM_TYPE   mechanism,
              CK_OBJECT_HANDLE    key,
              const guint8       *data,
              gsize               len,
              guint8             *out,
              gsize               out_len,
              GError            **error)
{
  return one_part (token, "C_Sign", F (token)->C_SignInit, F (token)->C_Sign,
                   mechanism, key, data, len, out, out_len, error);
}

gboolean
_ci_p11_encrypt (CiP11Token         *token,
                 CK_MECHANISM_TYPE   mechanism,
                 CK_OBJECT_HANDLE    key,
                 const guint8       *data,
                 gsize               len,
                 guint8             *out,
                 gsize               out_len,
                 GError            **error)
{
  return one_part (token, "C_Encrypt", F (token)->C_EncryptInit, F (token)->C_Encrypt,
                   mechanism, key, data, len, out, out_len, error);
}
