/* fuzz-face-template.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: any bytes handed to ci_face_template_parse() must give a
 * template that keeps the format's promises or an error naming a line, never
 * a crash or an over-read. The input is copied to a buffer of its exact size,
 * so ASan catches a read past its end.
 */

#include "face/ci-face-template.h"

#include <string.h>

#include <glib/gstdio.h>

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* A folder with the logo the shipped templates name, so that seeds get past
 * their image lines. */
static char *base_dir;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>";
  g_autofree char *logo = NULL;

  base_dir = g_dir_make_tmp ("fuzz-face-template-XXXXXX", NULL);
  g_assert (base_dir != NULL);
  logo = g_build_filename (base_dir, "cardissue-logo.svg", NULL);
  g_assert (g_file_set_contents (logo, svg, -1, NULL));
  return 0;
}

static void
check_side (const CiFaceTemplate *tmpl,
            CiFaceSide            side)
{
  GPtrArray *elements = ci_face_template_get_side (tmpl, side);

  g_assert (elements != NULL && elements->len <= 500);
  for (guint i = 0; i < elements->len; i++)
    {
      const CiFaceElement *e = elements->pdata[i];

      g_assert (e->line > 0);
      g_assert (e->box.width > 0 && e->box.height > 0);
      g_assert (e->box.x + e->box.width <= CI_FACE_CARD_WIDTH_MM + 2.0 + 1e-3);
      g_assert (e->box.y + e->box.height <= CI_FACE_CARD_HEIGHT_MM + 2.0 + 1e-3);
      if (e->kind != CI_FACE_ELEMENT_RECT)
        g_assert (e->box.x >= tmpl->margin_mm - 1e-3 && e->box.y >= tmpl->margin_mm - 1e-3
                  && e->box.x + e->box.width <= CI_FACE_CARD_WIDTH_MM - tmpl->margin_mm + 1e-3
                  && e->box.y + e->box.height <= CI_FACE_CARD_HEIGHT_MM - tmpl->margin_mm + 1e-3);
      if (e->kind == CI_FACE_ELEMENT_TEXT)
        {
          g_assert ((e->field == NULL) != (e->text == NULL));
          g_assert (e->font != NULL);
          g_assert (e->min_size_pt > 0 && e->min_size_pt <= e->size_pt);
        }
      if (e->kind == CI_FACE_ELEMENT_IMAGE)
        g_assert (e->path != NULL && g_path_is_absolute (e->path));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *copy = g_malloc (size > 0 ? size : 1);
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autoptr(GError) error = NULL;

  memcpy (copy, data, size);
  tmpl = ci_face_template_parse (copy, size, "fuzz.cardface", base_dir, &error);
  if (tmpl == NULL)
    {
      g_assert (error != NULL && error->domain == CI_FACE_TEMPLATE_ERROR);
      g_assert (g_str_has_prefix (error->message, "fuzz.cardface:"));
      return 0;
    }
  g_assert (error == NULL);
  g_assert (tmpl->name != NULL && strcmp (tmpl->id, "fuzz") == 0);
  g_assert (tmpl->front->len + tmpl->back->len > 0);
  check_side (tmpl, CI_FACE_FRONT);
  check_side (tmpl, CI_FACE_BACK);
  return 0;
}
