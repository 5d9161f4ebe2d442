/* ci-model.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-model.h"

#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (ci-model-error-quark, ci_model_error)

/**
 * ci_date_is_valid:
 * @iso_date: a date as `YYYY-MM-DD`
 *
 * Returns: %TRUE if @iso_date is a real calendar date written in ISO 8601 form.
 */
gboolean
ci_date_is_valid (const char *iso_date)
{
  guint y, m, d;

  if (iso_date == NULL || strlen (iso_date) != 10)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      gboolean dash = (i == 4 || i == 7);
      if (dash != (iso_date[i] == '-'))
        return FALSE;
      if (!dash && !g_ascii_isdigit (iso_date[i]))
        return FALSE;
    }
  if (sscanf (iso_date, "%4u-%2u-%2u", &y, &m, &d) != 3)
    return FALSE;
  return y >= 1900 && g_date_valid_dmy (d, m, y);
}

/**
 * ci_date_today:
 *
 * Returns: (transfer full): today's date in UTC as `YYYY-MM-DD`.
 */
char *
ci_date_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/**
 * ci_check_text:
 * @field_label: the field's name as the person at the desk knows it
 * @value: (nullable): the value to check
 * @required: whether an empty value is refused
 * @max_chars: the longest accepted value, in characters
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Checks a free-text field: valid UTF-8, no control characters, not too long.
 *
 * Returns: %TRUE if @value is acceptable
 */
gboolean
ci_check_text (const char  *field_label,
               const char  *value,
               gboolean     required,
               guint        max_chars,
               GError     **error)
{
  if (value == NULL || value[0] == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   /* Translators: %s is a field's name, such as “Given name”. */
                   _("%s is required"), field_label);
      return FALSE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   /* Translators: %s is a field's name, such as “Given name”. */
                   _("%s is not valid UTF-8 text"), field_label);
      return FALSE;
    }
  if (g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                   /* Translators: %s is a field's name, such as “Given name”; %u a number. */
                   _("%s is longer than %u characters"), field_label, max_chars);
      return FALSE;
    }
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       /* Translators: %s is a field's name, such as “Given name”. */
                       _("%s contains a control character"), field_label);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * ci_search_key:
 * @text: (nullable): a name or number
 *
 * Folds @text for prefix search: case-folded, accents removed, so that
 * "mül" finds "Müller" and "Muller" alike.
 *
 * Returns: (transfer full): the search key
 */
char *
ci_search_key (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (decomposed, -1);
  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType t = g_unichar_type (c);
      if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK
          || t == G_UNICODE_ENCLOSING_MARK)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/**
 * ci_set_str:
 * @dest: a string slot
 * @value: (nullable): the new value
 *
 * Replaces *@dest by a copy of @value (GLib 2.74 lacks g_set_str()).
 *
 * Returns: %TRUE if the value changed
 */
gboolean
ci_set_str (char       **dest,
            const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

/**
 * ci_json_append_member:
 * @object: a JSON object being built, starting with "{"
 * @key: the member name (plain ASCII)
 * @value: (nullable): the string value; %NULL writes ""
 *
 * Appends `"key":"value"` with a separating comma where needed, escaping the value.
 */
void
ci_json_append_member (GString    *object,
                       const char *key,
                       const char *value)
{
  if (object->len > 1)
    g_string_append_c (object, ',');
  g_string_append_printf (object, "\"%s\":\"", key);
  for (const char *p = value ? value : ""; *p; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (object, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (object, "\\u%04x", c);
      else
        g_string_append_c (object, (char) c);
    }
  g_string_append_c (object, '"');
}

/**
 * ci_shown_value:
 * @value: (nullable): a value someone typed that is being refused
 *
 * A refused value is quoted back to the person who typed it, unless it is too
 * long or not text: a 10 MB field must not become a 10 MB message.
 *
 * Returns: (transfer none): @value, or "…" in its place
 */
const char *
ci_shown_value (const char *value)
{
  if (value == NULL)
    return "";
  if (strlen (value) > 40 || !g_utf8_validate (value, -1, NULL))
    return "…";
  return value;
}
