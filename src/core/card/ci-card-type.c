/* ci-card-type.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Card types (docs/card-profile.md §1): one key file each, "[Card Type]" with
 * Name, ATR (patterns) and TransportKey. The virtual card's type is built in
 * (a GResource of data/card-types/); files in the system and user config
 * directories add types, and replace one of the same file name.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-atr.h"
#include "card/ci-card-type.h"
#include "ci-core-resources.h"
#include "keys/ci-digest.h"

#define GROUP         "Card Type"
#define RESOURCE_DIR  "/com/example/CardIssue/card-types/"
#define SUFFIX        ".conf"

void
ci_card_type_free (CiCardType *type)
{
  if (type == NULL)
    return;
  OPENSSL_cleanse (type->transport_key, sizeof type->transport_key);
  g_free (type->id);
  g_free (type->name);
  g_free (type->origin);
  g_clear_pointer (&type->atr_patterns, g_ptr_array_unref);
  g_free (type);
}

/* "3B 8B .. 01": a byte and a mask per position, ".." any byte. */
static GBytes *
parse_pattern (const char  *text,
               const char  *origin,
               GError     **error)
{
  g_autoptr(GByteArray) pattern = g_byte_array_new ();
  g_autoptr(GString) compact = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (compact, *p);
  if (compact->len == 0 || compact->len % 2 != 0 || compact->len / 2 > CI_ATR_MAX)
    goto bad;
  for (gsize i = 0; i < compact->len; i += 2)
    {
      guint8 pair[2] = { 0x00, 0x00 };

      if (compact->str[i] == '.' && compact->str[i + 1] == '.')
        ;
      else if (g_ascii_isxdigit (compact->str[i]) && g_ascii_isxdigit (compact->str[i + 1]))
        {
          pair[0] = (guint8) (g_ascii_xdigit_value (compact->str[i]) << 4
                              | g_ascii_xdigit_value (compact->str[i + 1]));
          pair[1] = 0xFF;
        }
      else
        goto bad;
      g_byte_array_append (pattern, pair, sizeof pair);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&pattern));

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: the first %s is a card type file; ATR and “..” are written
                * as they are in that file. */
               _("Card type %s: the ATR pattern “%s” is not 1 to %d bytes in hex (“..” for any "
                 "byte)"), origin, text, CI_ATR_MAX);
  return NULL;
}

/**
 * ci_card_type_new_from_data:
 * @id: the type's identifier (its file name without ".conf")
 * @origin: where @data came from, for messages
 * @data: the key file
 * @len: its length
 * @error: return location for an error naming @origin and the key at fault
 *
 * Returns: (transfer full): the card type, or %NULL
 */
CiCardType *
ci_card_type_new_from_data (const char  *id,
                            const char  *origin,
                            const char  *data,
                            gsize        len,
                            GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(CiCardType) type = g_new0 (CiCardType, 1);
  g_auto(GStrv) patterns = NULL;
  g_autofree char *key = NULL;
  gboolean key_ok;

  g_return_val_if_fail (id != NULL && origin != NULL && data != NULL, NULL);

  type->id = g_strdup (id);
  type->origin = g_strdup (origin);
  type->atr_patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (!g_key_file_load_from_data (file, data, len, G_KEY_FILE_NONE, error)
      || (type->name = g_key_file_get_locale_string (file, GROUP, "Name", NULL, error)) == NULL
      || (patterns = g_key_file_get_string_list (file, GROUP, "ATR", NULL, error)) == NULL
      || (key = g_key_file_get_string (file, GROUP, "TransportKey", error)) == NULL)
    {
      /* Translators: %s is a card type file; the error's own message follows. */
      g_prefix_error (error, _("Card type %s: "), origin);
      return NULL;
    }
  for (guint i = 0; patterns[i] != NULL; i++)
    {
      GBytes *pattern;

      if (*g_strstrip (patterns[i]) == '\0')
        continue;
      if ((pattern = parse_pattern (patterns[i], origin, error)) == NULL)
        return NULL;
      g_ptr_array_add (type->atr_patterns, pattern);
    }
  key_ok = ci_hex_decode (g_strstrip (key), type->transport_key, sizeof type->transport_key);
  OPENSSL_cleanse (key, strlen (key));
  if (type->atr_patterns->len == 0 || !key_ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   type->atr_patterns->len == 0
                   ? _("Card type %s: ATR names no pattern")
                   : _("Card type %s: TransportKey is not 32 hex digits (an AES-128 key)"),
                   origin);
      return NULL;
    }
  return g_steal_pointer (&type);
}

/**
 * ci_card_type_matches:
 * @type: a card type
 * @atr: (array length=atr_len): an answer to reset
 * @atr_len: its length
 *
 * Returns: %TRUE if the whole of @atr matches one of @type's patterns
 */
gboolean
ci_card_type_matches (const CiCardType *type,
                      const guint8     *atr,
                      gsize             atr_len)
{
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (atr != NULL || atr_len == 0, FALSE);

  for (guint i = 0; i < type->atr_patterns->len; i++)
    {
      gsize len;
      const guint8 *p = g_bytes_get_data (type->atr_patterns->pdata[i], &len);
      gsize j = 0;

      if (len / 2 != atr_len)
        continue;
      while (j < atr_len && (atr[j] & p[2 * j + 1]) == p[2 * j])
        j++;
      if (j == atr_len)
        return TRUE;
    }
  return FALSE;
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  const CiCardType *x = *(CiCardType * const *) a;
  const CiCardType *y = *(CiCardType * const *) b;

  return strcmp (x->id, y->id);
}

/* Adds @type to @types, in place of one with the same id. */
static void
add_type (GPtrArray  *types,
          CiCardType *type)
{
  for (guint i = 0; i < types->len; i++)
    if (strcmp (((CiCardType *) types->pdata[i])->id, type->id) == 0)
      {
        g_ptr_array_remove_index (types, i);
        break;
      }
  g_ptr_array_add (types, type);
}

/* The core's resources, registered on first use rather than by a constructor
 * that a static library's linker might drop, and fetched once: GLib (2.74)
 * creates a lazily registered resource under a lock that a second thread
 * asking meanwhile does not wait for, and hands that thread NULL. */
static GResource *
core_resource (void)
{
  static GResource *resource;

  if (g_once_init_enter (&resource))
    {
      ci_core_register_resource ();
      g_once_init_leave (&resource, ci_core_get_resource ());
    }
  return resource;
}

static gboolean
add_built_in (GPtrArray  *types,
              GError    **error)
{
  GResource *resource = core_resource ();
  g_auto(GStrv) names = g_resource_enumerate_children (resource, RESOURCE_DIR,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  for (guint i = 0; names && names[i]; i++)
    {
      g_autofree char *path = g_strconcat (RESOURCE_DIR, names[i], NULL);
      g_autofree char *id = g_strndup (names[i], strlen (names[i]) - strlen (SUFFIX));
      g_autoptr(GBytes) data = g_resource_lookup_data (resource, path,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      CiCardType *type;

      if (data == NULL)
        return FALSE;
      type = ci_card_type_new_from_data (id, path, g_bytes_get_data (data, NULL),
                                         g_bytes_get_size (data), error);
      if (type == NULL)
        return FALSE;
      add_type (types, type);
    }
  return TRUE;
}

static gboolean
add_directory (GPtrArray   *types,
               const char  *dir,
               GError     **error)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  /* A directory that does not exist holds no types. */
  if (listing == NULL)
    return TRUE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *id = NULL;
      g_autofree char *data = NULL;
      gsize len;
      CiCardType *type;

      if (!g_str_has_suffix (name, SUFFIX) || strlen (name) == strlen (SUFFIX))
        continue;
      path = g_build_filename (dir, name, NULL);
      id = g_strndup (name, strlen (name) - strlen (SUFFIX));
      if (!g_file_get_contents (path, &data, &len, error))
        return FALSE;
      type = ci_card_type_new_from_data (id, path, data, len, error);
      OPENSSL_cleanse (data, len);
      if (type == NULL)
        return FALSE;
      add_type (types, type);
    }
  return TRUE;
}

/**
 * ci_card_types_load:
 * @dirs: (nullable): directories of `*.conf` files, least important first
 * @error: return location for an error naming the file at fault
 *
 * Loads the built-in card types, then those of @dirs: a file replaces the
 * type of the same name loaded before it. One bad file fails the whole load:
 * guessing which transport key a desk meant is not an option.
 *
 * Returns: (transfer full) (element-type CiCardType): the types, by id
 */
GPtrArray *
ci_card_types_load (const char * const  *dirs,
                    GError             **error)
{
  g_autoptr(GPtrArray) types =
    g_ptr_array_new_with_free_func ((GDestroyNotify) ci_card_type_free);

  if (!add_built_in (types, error))
    return NULL;
  for (guint i = 0; dirs && dirs[i]; i++)
    if (!add_directory (types, dirs[i], error))
      return NULL;
  g_ptr_array_sort (types, compare_ids);
  return g_steal_pointer (&types);
}

/**
 * ci_card_types_load_default:
 * @error: return location for an error naming the file at fault
 *
 * Loads the built-in types, then cardissue/card-types/ in each XDG system
 * config directory (/etc/xdg first among equals), then in the user's.
 *
 * Returns: (transfer full) (element-type CiCardType): the types, by id
 */
GPtrArray *
ci_card_types_load_default (GError **error)
{
  const char * const *system = g_get_system_config_dirs ();
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length ((char **) system);

  for (guint i = n; i > 0; i--)
    g_ptr_array_add (dirs, g_build_filename (system[i - 1], "cardissue", "card-types", NULL));
  g_ptr_array_add (dirs, g_build_filename (g_get_user_config_dir (), "cardissue", "card-types",
                                           NULL));
  g_ptr_array_add (dirs, NULL);
  return ci_card_types_load ((const char * const *) dirs->pdata, error);
}

/**
 * ci_card_types_find:
 * @types: (element-type CiCardType): from ci_card_types_load()
 * @atr: (array length=atr_len): a card's answer to reset
 * @atr_len: its length
 *
 * Returns: (transfer none) (nullable): the first type, by id, that @atr
 *   matches
 */
const CiCardType *
ci_card_types_find (GPtrArray    *types,
                    const guint8 *atr,
                    gsize         atr_len)
{
  g_return_val_if_fail (types != NULL, NULL);

  for (guint i = 0; i < types->len; i++)
    if (ci_card_type_matches (types->pdata[i], atr, atr_len))
      return types->pdata[i];
  return NULL;
}
