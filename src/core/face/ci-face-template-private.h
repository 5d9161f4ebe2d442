/* ci-face-template-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the template reader's two files: ci-face-template.c (lines,
 * words, numbers, messages, the header and sides, the public API) and
 * ci-face-template-element.c (the elements).
 */

#pragma once

#include "face/ci-face-template.h"

G_BEGIN_DECLS

/* One word of a line. */
typedef struct
{
  char *key;      /* the part before "=", or NULL for a bare word */
  char *value;    /* without its quotes and escapes */
} CiFaceTemplateToken;

/* Where the reader is, and what it has seen. */
typedef struct
{
  const char     *origin;
  const char     *base_dir;
  const char     *line_text;      /* the current line, for columns */
  guint           line;
  CiFaceTemplate *tmpl;
  int             side;           /* a CiFaceSide, or -1 before the first "side" */
  guint           version_line;
  guint           name_line;
  guint           mode_line;
  guint           margin_line;
  guint           side_line[2];
  guint           background_line[2];
  const char     *kind_name;      /* of the element being read */
} CiFaceTemplateParser;

typedef struct
{
  const char *word;
  int         value;
} CiFaceTemplateWord;

void       _ci_face_template_failv          (CiFaceTemplateParser       *p,
                                             GError                    **error,
                                             CiFaceTemplateError         code,
                                             const char                 *format,
                                             va_list                     args)
                                             G_GNUC_PRINTF (4, 0);
char      *_ci_face_template_echo           (const char                 *value);

gboolean   _ci_face_template_parse_decimal  (const char                 *s,
                                             double                     *out);
gboolean   _ci_face_template_parse_colour   (const char                 *s,
                                             CiFaceColour               *out);
gboolean   _ci_face_template_parse_word     (const CiFaceTemplateWord   *words,
                                             gsize                       n_words,
                                             const char                 *s,
                                             int                        *out);
gboolean   _ci_face_template_parse_number   (CiFaceTemplateParser       *p,
                                             const CiFaceTemplateToken  *t,
                                             double                      lo,
                                             gboolean                    open_lo,
                                             double                      hi,
                                             const char                 *unit,
                                             double                     *out,
                                             GError                    **error);

int        _ci_face_template_element_kind   (const char                 *keyword);
gboolean   _ci_face_template_parse_element  (CiFaceTemplateParser       *p,
                                             int                         kind,
                                             GPtrArray                  *tokens,
                                             GError                    **error);
void       _ci_face_template_element_free   (gpointer                    data);

G_END_DECLS
