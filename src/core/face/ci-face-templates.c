/* ci-face-templates.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where templates are: the user's own, the organisation's, the shipped ones.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "face/ci-face-templates.h"

/**
 * ci_face_template_dirs:
 *
 * The directories templates are looked up in, most important first:
 * cardissue/templates in the user's data directory, then in each system data
 * directory, then the installed templates and, for a program run from its
 * build tree, the source tree's.
 *
 * Returns: (transfer full): the directories
 */
char **
ci_face_template_dirs (void)
{
  g_autoptr(GStrvBuilder) dirs = g_strv_builder_new ();
  const char * const *system = g_get_system_data_dirs ();
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "cardissue", "templates",
                                            NULL);

  g_strv_builder_add (dirs, user);
  for (guint i = 0; system[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (system[i], "cardissue", "templates", NULL);

      g_strv_builder_add (dirs, dir);
    }
  g_strv_builder_add (dirs, CI_TEMPLATES_DIR);
  g_strv_builder_add (dirs, CI_SOURCE_TEMPLATES_DIR);
  return g_strv_builder_end (dirs);
}

/**
 * ci_face_template_find:
 * @name: a template's id ("colour-badge") or the path of a template file
 * @error: return location for a %CI_FACE_TEMPLATE_ERROR_FILE error
 *
 * Returns: (transfer full): the template file's path, or %NULL
 */
char *
ci_face_template_find (const char  *name,
                       GError     **error)
{
  g_auto(GStrv) dirs = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (strchr (name, G_DIR_SEPARATOR) != NULL || g_str_has_suffix (name, CI_FACE_TEMPLATE_SUFFIX))
    {
      if (g_file_test (name, G_FILE_TEST_IS_REGULAR))
        return g_strdup (name);
      g_set_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE,
                   _("There is no template file %s"), name);
      return NULL;
    }
  dirs = ci_face_template_dirs ();
  file = g_strconcat (name, CI_FACE_TEMPLATE_SUFFIX, NULL);
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], file, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  g_set_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE,
               _("There is no template “%s”; the shipped ones are colour-badge and laser-badge, "
                 "and your own go into %s"), name, dirs[0]);
  return NULL;
}

/**
 * ci_face_template_list:
 *
 * The templates a desk can choose from: the ids of every template file in
 * ci_face_template_dirs(), each once (the first directory's copy wins when
 * the template is loaded), sorted.
 *
 * Returns: (transfer full): the template ids
 */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
ci_face_template_list (void)
{
  g_auto(GStrv) dirs = ci_face_template_dirs ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char **ids = NULL;
  g_autoptr(GStrvBuilder) list = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, CI_FACE_TEMPLATE_SUFFIX))
          g_hash_table_add (seen, g_strndup (name, strlen (name)
                                                   - strlen (CI_FACE_TEMPLATE_SUFFIX)));
    }
  ids = (char **) g_hash_table_get_keys_as_array (seen, &n);
  qsort (ids, n, sizeof (char *), compare_names);
  g_strv_builder_addv (list, (const char **) ids);
  return g_strv_builder_end (list);
}

/**
 * ci_face_template_open:
 * @name: a template's id ("colour-badge") or the path of a template file
 * @error: return location for a %CI_FACE_TEMPLATE_ERROR error
 *
 * ci_face_template_find() and ci_face_template_load() in one.
 *
 * Returns: (transfer full): the template, or %NULL
 */
CiFaceTemplate *
ci_face_template_open (const char  *name,
                       GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  path = ci_face_template_find (name, error);
  return path ? ci_face_template_load (path, error) : NULL;
}
