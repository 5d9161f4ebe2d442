/* ci-face-template.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Card face templates (docs/card-face-templates.md): a line-based text format,
 * one statement per line, so that every error can name its line. The input is
 * untrusted: it is read with a length, never past it, and bounded in size,
 * line length, element count and the range of every number.
 *
 * This file reads lines, words and the header and side statements, and holds
 * the public API; ci-face-template-element.c reads the elements.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "face/ci-face-template-private.h"

#define MAX_FILE_BYTES     (1024 * 1024)
#define MAX_LINE_BYTES     4096
#define MAX_ECHO_CHARS     40      /* of a value quoted back in a message */
#define FORMAT_VERSION     "1"
#define MAX_MARGIN_MM      10.0
#define DEFAULT_MARGIN_MM  2.0
#define DEFAULT_BACKGROUND 0xFFFFFFFFu

G_DEFINE_QUARK (ci-face-template-error-quark, ci_face_template_error)

/**
 * _ci_face_template_failv:
 *
 * Sets @error to "ORIGIN:LINE: what is wrong": every message of the reader
 * reads so.
 */
void
_ci_face_template_failv (CiFaceTemplateParser  *p,
                         GError               **error,
                         CiFaceTemplateError    code,
                         const char            *format,
                         va_list                args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_set_error (error, CI_FACE_TEMPLATE_ERROR, code, "%s:%u: %s", p->origin, MAX (p->line, 1),
               message);
}

static gboolean fail (CiFaceTemplateParser  *p,
                      GError               **error,
                      CiFaceTemplateError    code,
                      const char            *format,
                      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (CiFaceTemplateParser  *p,
      GError               **error,
      CiFaceTemplateError    code,
      const char            *format,
      ...)
{
  va_list args;

  va_start (args, format);
  _ci_face_template_failv (p, error, code, format, args);
  va_end (args);
  return FALSE;
}

/* A value as a message quotes it: a hostile line may hold 4 KiB of it. */
char *
_ci_face_template_echo (const char *value)
{
  const char *cut;

  if (g_utf8_strlen (value, -1) <= MAX_ECHO_CHARS)
    return g_strdup (value);
  cut = g_utf8_offset_to_pointer (value, MAX_ECHO_CHARS);
  return g_strdup_printf ("%.*s…", (int) (cut - value), value);
}

/* ---- numbers, colours and words ------------------------------------------ */

/* Plain decimals only: "12", "-3.5", ".5"; no exponent, hex, inf or nan. A
 * run of digits too long for a double gives an infinity, for the caller's
 * range check to refuse. */
gboolean
_ci_face_template_parse_decimal (const char *s,
                                 double     *out)
{
  const char *q = s;
  gboolean digits = FALSE;
  char *end = NULL;

  if (*q == '-' || *q == '+')
    q++;
  for (; g_ascii_isdigit (*q); q++)
    digits = TRUE;
  if (*q == '.')
    for (q++; g_ascii_isdigit (*q); q++)
      digits = TRUE;
  if (!digits || *q != '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return end == q;
}

/* "#rrggbb" or "#rrggbbaa" → 0xRRGGBBAA */
gboolean
_ci_face_template_parse_colour (const char   *s,
                                CiFaceColour *out)
{
  gsize n = strlen (s);
  guint32 v = 0;

  if (s[0] != '#' || (n != 7 && n != 9))
    return FALSE;
  for (gsize i = 1; i < n; i++)
    {
      if (!g_ascii_isxdigit (s[i]))
        return FALSE;
      v = v << 4 | (guint32) g_ascii_xdigit_value (s[i]);
    }
  *out = n == 7 ? v << 8 | 0xFF : v;
  return TRUE;
}

gboolean
_ci_face_template_parse_word (const CiFaceTemplateWord *words,
                              gsize                     n_words,
                              const char               *s,
                              int                      *out)
{
  for (gsize i = 0; i < n_words; i++)
    if (g_ascii_strcasecmp (words[i].word, s) == 0)
      {
        *out = words[i].value;
        return TRUE;
      }
  return FALSE;
}

/* A number in [@lo, @hi] (or (@lo, @hi] when @open_lo), for "key=value". */
gboolean
_ci_face_template_parse_number (CiFaceTemplateParser       *p,
                                const CiFaceTemplateToken  *t,
                                double                      lo,
                                gboolean                    open_lo,
                                double                      hi,
                                const char                 *unit,
                                double                     *out,
                                GError                    **error)
{
  g_autofree char *value = _ci_face_template_echo (t->value);

  if (!_ci_face_template_parse_decimal (t->value, out))
    {
      if (g_ascii_strcasecmp (t->value, "nan") == 0 || strstr (t->value, "inf") != NULL)
        return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                     _("%s=%s is not a finite number: write plain digits such as %s=12.5 (in %s)"),
                     t->key, value, t->key, unit);
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                   _("%s=%s is not a number: write plain digits such as %s=12.5, without a unit "
                     "(%s is in %s)"), t->key, value, t->key, t->key, unit);
    }
  if (!isfinite (*out) || *out < lo || (open_lo && *out <= lo) || *out > hi)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 /* Translators: %s=%s is a key and its value as written in the template,
                  * such as “size=90”; the last %s is a unit, “mm” or “points”. */
                 open_lo ? _("%s=%s is out of range: it must be more than %g and at most %g %s")
                         : _("%s=%s is out of range: it must be at least %g and at most %g %s"),
                 t->key, value, lo, hi, unit);
  return TRUE;
}

/* ---- lines and words ----------------------------------------------------- */

static void
token_free (gpointer data)
{
  CiFaceTemplateToken *t = data;

  g_free (t->key);
  g_free (t->value);
  g_free (t);
}

static guint
column (CiFaceTemplateParser *p,
        const char           *at)
{
  return (guint) g_utf8_pointer_to_offset (p->line_text, at) + 1;
}

/* A quoted value: "…" with \" and \\ as the only escapes. */
static gboolean
read_quoted (CiFaceTemplateParser  *p,
             const char           **s,
             const char            *open,
             CiFaceTemplateToken   *token,
             GError               **error)
{
  g_autoptr(GString) value = g_string_new (NULL);
  const char *q = open + 1;

  for (; *q != '"'; q++)
    {
      if (*q == '\0')
        return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                     _("the quote opened at column %u is not closed"), column (p, open));
      if (*q == '\\')
        {
          q++;
          if (*q != '"' && *q != '\\')
            return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                         _("the backslash at column %u must be followed by \" or \\ "
                           "(write \\\\ for a backslash)"), column (p, q - 1));
        }
      g_string_append_c (value, *q);
    }
  q++;
  if (*q != '\0' && *q != ' ' && *q != '\t')
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("put a space after the closing quote at column %u"), column (p, q - 1));
  token->value = g_string_free (g_steal_pointer (&value), FALSE);
  *s = q;
  return TRUE;
}

/* One word: value, key=value, "quoted value" or key="quoted value". */
static gboolean
read_token (CiFaceTemplateParser  *p,
            const char           **s,
            CiFaceTemplateToken   *token,
            GError               **error)
{
  const char *start = *s;
  const char *end = start;

  while (*end != '\0' && *end != ' ' && *end != '\t' && *end != '=' && *end != '"')
    end++;
  if (*end == '=' && end > start)
    {
      token->key = g_strndup (start, (gsize) (end - start));
      start = end + 1;
    }
  if (*start == '"')
    return read_quoted (p, s, start, token, error);
  for (end = start; *end != '\0' && *end != ' ' && *end != '\t'; end++)
    if (*end == '"')
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                   _("a quote at column %u inside a word: put the whole value in quotes, "
                     "as in text=\"Valid until\""), column (p, end));
  token->value = g_strndup (start, (gsize) (end - start));
  *s = end;
  return TRUE;
}

/* A "#" that starts a line, or stands alone as a word, begins a comment; so
 * "background #ffffff" and "colour=#000000" are not comments. */
static gboolean
is_comment (const char *s,
            gboolean    first)
{
  return s[0] == '#' && (first || s[1] == '\0' || s[1] == ' ' || s[1] == '\t');
}

static GPtrArray *
tokenize (CiFaceTemplateParser  *p,
          const char            *line,
          GError               **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (token_free);
  const char *s = line;

  for (;;)
    {
      CiFaceTemplateToken *token;

      while (*s == ' ' || *s == '\t')
        s++;
      if (*s == '\0' || is_comment (s, tokens->len == 0))
        break;
      token = g_new0 (CiFaceTemplateToken, 1);
      g_ptr_array_add (tokens, token);
      if (!read_token (p, &s, token, error))
        return NULL;
    }
  return g_steal_pointer (&tokens);
}

static gboolean
check_characters (CiFaceTemplateParser  *p,
                  const char            *start,
                  gsize                  len,
                  GError               **error)
{
  const char *bad = NULL;

  if (len > MAX_LINE_BYTES)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("the line is %zu bytes long; a line may have at most %d"), len,
                 MAX_LINE_BYTES);
  if (memchr (start, '\0', len) != NULL)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("the line holds a NUL byte: a template is plain text (is this the right "
                   "file?)"));
  if (!g_utf8_validate_len (start, len, &bad))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("the line is not UTF-8 text (byte %zu): save the template as UTF-8"),
                 (gsize) (bad - start) + 1);
  for (gsize i = 0; i < len; i++)
    if ((guchar) start[i] < 0x20 ? start[i] != '\t' : start[i] == 0x7F)
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                   _("the line holds the control character 0x%02X at byte %zu: words are "
                     "separated by spaces or tabs"), (guint) (guchar) start[i], i + 1);
  return TRUE;
}

/* ---- header and side statements ------------------------------------------ */

/* The one bare value of "keyword value", or NULL. */
static const char *
single_value (CiFaceTemplateParser  *p,
              GPtrArray             *tokens,
              const char            *example,
              GError               **error)
{
  const CiFaceTemplateToken *keyword = tokens->pdata[0];
  const CiFaceTemplateToken *t = tokens->len == 2 ? tokens->pdata[1] : NULL;

  if (t == NULL || t->key != NULL)
    {
      fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
            _("“%s” takes one value, as in “%s”"), keyword->value, example);
      return NULL;
    }
  return t->value;
}

/* Header statements come once, before the first side. */
static gboolean
header_once (CiFaceTemplateParser  *p,
             const char            *keyword,
             guint                 *seen_line,
             GError               **error)
{
  if (p->side >= 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("“%s” belongs to the header, before the first “side”"), keyword);
  if (*seen_line != 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("“%s” is given twice (first on line %u)"), keyword, *seen_line);
  *seen_line = p->line;
  return TRUE;
}

static gboolean
parse_version (CiFaceTemplateParser  *p,
               GPtrArray             *tokens,
               GError               **error)
{
  const char *value = single_value (p, tokens, "cardissue-template " FORMAT_VERSION, error);
  g_autofree char *version = NULL;

  if (value == NULL || !header_once (p, "cardissue-template", &p->version_line, error))
    return FALSE;
  if (strcmp (value, FORMAT_VERSION) == 0)
    return TRUE;
  version = _ci_face_template_echo (value);
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
               _("this template is in format version %s; CardIssue reads version %s"),
               version, FORMAT_VERSION);
}

static gboolean
parse_name (CiFaceTemplateParser  *p,
            GPtrArray             *tokens,
            GError               **error)
{
  const char *value = single_value (p, tokens, "name \"Colour badge\"", error);

  if (value == NULL || !header_once (p, "name", &p->name_line, error))
    return FALSE;
  if (*value == '\0')
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("the name is empty: write what people call the template"));
  p->tmpl->name = g_strdup (value);
  return TRUE;
}

static gboolean
parse_mode (CiFaceTemplateParser  *p,
            GPtrArray             *tokens,
            GError               **error)
{
  static const CiFaceTemplateWord words[] = {
    { "colour", CI_FACE_COLOUR }, { "color", CI_FACE_COLOUR }, { "laser", CI_FACE_LASER },
  };
  const char *value = single_value (p, tokens, "mode colour", error);
  g_autofree char *echoed = NULL;
  int mode;

  if (value == NULL || !header_once (p, "mode", &p->mode_line, error))
    return FALSE;
  if (_ci_face_template_parse_word (words, G_N_ELEMENTS (words), value, &mode))
    {
      p->tmpl->mode = (CiFaceMode) mode;
      return TRUE;
    }
  echoed = _ci_face_template_echo (value);
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
               /* Translators: mode, colour and laser are words of the template file and stay as
                * they are. */
               _("mode is colour (a card printer) or laser (a laser engraver), not “%s”"), echoed);
}

static gboolean
parse_margin (CiFaceTemplateParser  *p,
              GPtrArray             *tokens,
              GError               **error)
{
  const char *value = single_value (p, tokens, "margin 2.0", error);
  CiFaceTemplateToken t = { (char *) "margin", (char *) value };

  if (value == NULL || !header_once (p, "margin", &p->margin_line, error))
    return FALSE;
  return _ci_face_template_parse_number (p, &t, 0, FALSE, MAX_MARGIN_MM, "mm",
                                         &p->tmpl->margin_mm, error);
}

static gboolean
parse_side (CiFaceTemplateParser  *p,
            GPtrArray             *tokens,
            GError               **error)
{
  static const CiFaceTemplateWord words[] = {
    { "front", CI_FACE_FRONT }, { "back", CI_FACE_BACK },
  };
  const char *value = single_value (p, tokens, "side front", error);
  g_autofree char *echoed = NULL;
  int side;

  if (value == NULL)
    return FALSE;
  if (!_ci_face_template_parse_word (words, G_N_ELEMENTS (words), value, &side))
    {
      echoed = _ci_face_template_echo (value);
      return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                   /* Translators: side, front and back are words of the template file and stay as
                    * they are. */
                   _("a side is front or back, not “%s”"), echoed);
    }
  if (p->side_line[side] != 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("“side %s” is given twice (first on line %u)"), value, p->side_line[side]);
  p->side_line[side] = p->line;
  p->side = side;
  return TRUE;
}

static gboolean
parse_background (CiFaceTemplateParser  *p,
                  GPtrArray             *tokens,
                  GError               **error)
{
  const char *value = single_value (p, tokens, "background #ffffff", error);
  g_autofree char *echoed = NULL;
  CiFaceColour colour;

  if (value == NULL)
    return FALSE;
  if (p->side < 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 _("“background” belongs to a side: put “side front” or “side back” before it"));
  if (p->background_line[p->side] != 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("this side's background is given twice (first on line %u)"),
                 p->background_line[p->side]);
  p->background_line[p->side] = p->line;
  echoed = _ci_face_template_echo (value);
  if (!_ci_face_template_parse_colour (value, &colour))
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("“%s” is not a colour: write #rrggbb or #rrggbbaa in hex, such as #ffffff"),
                 echoed);
  if (p->tmpl->mode == CI_FACE_LASER && colour != DEFAULT_BACKGROUND)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_VALUE,
                 _("in laser mode the background is the bare card body: leave it #ffffff (a "
                   "laser engraves, it cannot colour the card)"));
  p->tmpl->background[p->side] = colour;
  return TRUE;
}

typedef gboolean (*StatementFunc) (CiFaceTemplateParser  *p,
                                   GPtrArray             *tokens,
                                   GError               **error);

static const struct
{
  const char    *keyword;
  StatementFunc  func;
} statements[] = {
  { "cardissue-template", parse_version },
  { "name", parse_name },
  { "mode", parse_mode },
  { "margin", parse_margin },
  { "side", parse_side },
  { "background", parse_background },
};

static gboolean
parse_statement (CiFaceTemplateParser  *p,
                 GPtrArray             *tokens,
                 GError               **error)
{
  const CiFaceTemplateToken *first = tokens->pdata[0];
  g_autofree char *word = _ci_face_template_echo (first->key != NULL ? first->key : first->value);
  int kind;

  if (first->key != NULL)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_SYNTAX,
                 _("a line begins with a keyword, not with “%s=”"), word);
  if (p->version_line == 0 && strcmp (first->value, statements[0].keyword) != 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 _("a template begins with the line “cardissue-template %s”, not with “%s”"),
                 FORMAT_VERSION, word);
  for (gsize i = 0; i < G_N_ELEMENTS (statements); i++)
    if (strcmp (statements[i].keyword, first->value) == 0)
      return statements[i].func (p, tokens, error);
  if ((kind = _ci_face_template_element_kind (first->value)) >= 0)
    return _ci_face_template_parse_element (p, kind, tokens, error);
  return fail (p, error, CI_FACE_TEMPLATE_ERROR_UNKNOWN,
               /* Translators: the keywords in the list are words of the template file and stay as
                * they are. */
               _("unknown keyword “%s”: a line begins with cardissue-template, name, mode, margin, "
                 "side, background, text, photo, qr, image or rect"), word);
}

static gboolean
parse_line (CiFaceTemplateParser  *p,
            const char            *start,
            gsize                  len,
            GError               **error)
{
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) tokens = NULL;

  if (!check_characters (p, start, len, error))
    return FALSE;
  line = g_strndup (start, len);
  p->line_text = line;
  tokens = tokenize (p, line, error);
  p->line_text = NULL;
  if (tokens == NULL)
    return FALSE;
  return tokens->len == 0 || parse_statement (p, tokens, error);
}

/* At the end of the file: the line number is then the last line's. */
static gboolean
check_complete (CiFaceTemplateParser  *p,
                GError               **error)
{
  if (p->version_line == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 _("the template is empty: it begins with the line “cardissue-template %s”, "
                   "then a name, a side and its elements"), FORMAT_VERSION);
  if (p->name_line == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 /* Translators: name "Colour badge" is a line of the template file and stays as it
                  * is. */
                 _("the template has no name: add a line such as name \"Colour badge\" to its "
                   "header, before the first side"));
  if (p->side_line[CI_FACE_FRONT] == 0 && p->side_line[CI_FACE_BACK] == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 _("the template has no side: add “side front” and the elements on it"));
  if (p->tmpl->front->len == 0 && p->tmpl->back->len == 0)
    return fail (p, error, CI_FACE_TEMPLATE_ERROR_MISSING,
                 /* Translators: text, photo, qr, image and rect are words of the template file and
                  * stay as they are. */
                 _("the template has no elements: a side needs at least one text, photo, qr, "
                   "image or rect"));
  return TRUE;
}

/* ---- the public API ------------------------------------------------------ */

static char *
id_from_origin (const char *origin)
{
  g_autofree char *base = g_path_get_basename (origin);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup (base);
}

static CiFaceTemplate *
template_new (const char *origin)
{
  CiFaceTemplate *self = g_new0 (CiFaceTemplate, 1);

  self->id = id_from_origin (origin);
  self->mode = CI_FACE_COLOUR;
  self->margin_mm = DEFAULT_MARGIN_MM;
  self->background[CI_FACE_FRONT] = DEFAULT_BACKGROUND;
  self->background[CI_FACE_BACK] = DEFAULT_BACKGROUND;
  self->front = g_ptr_array_new_with_free_func (_ci_face_template_element_free);
  self->back = g_ptr_array_new_with_free_func (_ci_face_template_element_free);
  return self;
}

/**
 * ci_face_template_parse:
 * @text: (array length=len): the template (docs/card-face-templates.md); it
 *   need not end in a NUL and is never read past @len
 * @len: its length in bytes
 * @origin: where it came from, for messages ("ORIGIN:LINE: …"); its base name
 *   without the extension becomes the template's id
 * @base_dir: (nullable): the folder relative image files are found in
 * @error: return location for a #CI_FACE_TEMPLATE_ERROR naming the line
 *
 * Returns: (transfer full): the template, or %NULL
 */
CiFaceTemplate *
ci_face_template_parse (const char  *text,
                        gsize        len,
                        const char  *origin,
                        const char  *base_dir,
                        GError     **error)
{
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  CiFaceTemplateParser p = { 0 };
  gsize pos = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > MAX_FILE_BYTES)
    {
      g_set_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE,
                   _("%s: the template is larger than 1 MiB (is this the right file?)"), origin);
      return NULL;
    }
  tmpl = template_new (origin);
  p = (CiFaceTemplateParser) { .origin = origin, .base_dir = base_dir, .tmpl = tmpl, .side = -1 };
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (pos < len)
    {
      const char *start = text + pos;
      const char *newline = memchr (start, '\n', len - pos);
      gsize line_len = newline != NULL ? (gsize) (newline - start) : len - pos;

      pos += line_len + (newline != NULL ? 1 : 0);
      p.line++;
      if (line_len > 0 && start[line_len - 1] == '\r')
        line_len--;
      if (!parse_line (&p, start, line_len, error))
        return NULL;
    }
  if (!check_complete (&p, error))
    return NULL;
  return g_steal_pointer (&tmpl);
}

/* The whole file, but never more than the limit and one byte. */
static char *
read_bounded (const char  *path,
              gsize       *len,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buf = g_malloc (MAX_FILE_BYTES + 1);

  in = g_file_read (file, NULL, &local_error);
  if (in == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (in), buf, MAX_FILE_BYTES + 1, len, NULL,
                                   &local_error))
    {
      g_set_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE,
                   _("%s: cannot read the template: %s"), path, local_error->message);
      return NULL;
    }
  if (*len > MAX_FILE_BYTES)
    {
      g_set_error (error, CI_FACE_TEMPLATE_ERROR, CI_FACE_TEMPLATE_ERROR_FILE,
                   _("%s: the template is larger than 1 MiB (is this the right file?)"), path);
      return NULL;
    }
  return g_steal_pointer (&buf);
}

/**
 * ci_face_template_load:
 * @path: a template file, such as data/templates/colour-badge.cardface
 * @error: return location for a #CI_FACE_TEMPLATE_ERROR naming the line
 *
 * Reads and parses @path: its id is the file name without the extension, and
 * image files are found relative to its folder.
 *
 * Returns: (transfer full): the template, or %NULL
 */
CiFaceTemplate *
ci_face_template_load (const char  *path,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((contents = read_bounded (path, &len, error)) == NULL)
    return NULL;
  dir = g_path_get_dirname (path);
  return ci_face_template_parse (contents, len, path, dir, error);
}

/**
 * ci_face_template_free:
 * @self: (nullable): a template
 */
void
ci_face_template_free (CiFaceTemplate *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_clear_pointer (&self->front, g_ptr_array_unref);
  g_clear_pointer (&self->back, g_ptr_array_unref);
  g_free (self);
}

/**
 * ci_face_template_get_side:
 * @self: a template
 * @side: front or back
 *
 * Returns: (transfer none) (element-type CiFaceElement): the side's elements
 *   in painting order; empty for a side the template does not declare
 */
GPtrArray *
ci_face_template_get_side (const CiFaceTemplate *self,
                           CiFaceSide            side)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (side == CI_FACE_FRONT || side == CI_FACE_BACK, NULL);

  return side == CI_FACE_FRONT ? self->front : self->back;
}
