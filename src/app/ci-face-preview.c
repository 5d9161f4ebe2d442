/* ci-face-preview.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-face-preview.h"
#include "ci-job.h"
#include "face/ci-face-render.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-face.h"

/* The card face as it will be printed, drawn by the core renderer (the same
 * code that writes the PDF and PNG) on a worker thread, into textures the
 * window shows. A newer request supersedes an older one still running. */

#define PREVIEW_PX_PER_MM 8.0

struct _CiFacePreview
{
  GObject       parent_instance;

  GdkTexture   *sides[2];
  GPtrArray    *problems;       /* char * */
  char         *holder;
  guint         generation;
};

enum {
  READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CiFacePreview, ci_face_preview, G_TYPE_OBJECT)

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;
  gint64      serial;
  char       *template_name;
} Request;

typedef struct
{
  GdkTexture *sides[2];
  GPtrArray  *problems;
  char       *holder;
} Rendered;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->number);
  g_free (r->template_name);
  g_free (r);
}

static void
rendered_free (gpointer data)
{
  Rendered *r = data;

  g_clear_object (&r->sides[0]);
  g_clear_object (&r->sides[1]);
  g_clear_pointer (&r->problems, g_ptr_array_unref);
  g_free (r->holder);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rendered, rendered_free)

static GdkTexture *
render_side (const CiFaceTemplate *tmpl,
             CiFaceSide            side,
             const CiFaceData     *data,
             GPtrArray            *problems,
             GError              **error)
{
  int width = (int) (CI_FACE_CARD_WIDTH_MM * PREVIEW_PX_PER_MM + 0.5);
  int height = (int) (CI_FACE_CARD_HEIGHT_MM * PREVIEW_PX_PER_MM + 0.5);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GBytes) bytes = NULL;
  gboolean ok = ci_face_render (tmpl, side, data, cr, PREVIEW_PX_PER_MM, problems, error);

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (ok)
    bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                        (gsize) cairo_image_surface_get_stride (surface) * height,
                                        (GDestroyNotify) cairo_surface_destroy,
                                        cairo_surface_reference (surface));
  cairo_surface_destroy (surface);
  if (!ok)
    return NULL;
  /* Cairo's ARGB32 is GDK's default memory format. */
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                 cairo_image_surface_get_stride (surface));
}

static gpointer
render_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Request *r = data;
  g_autoptr(Rendered) out = g_new0 (Rendered, 1);
  g_autoptr(CiFaceTemplate) tmpl = NULL;
  g_autoptr(CiFaceData) face = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (
    (GDestroyNotify) ci_face_problem_free);

  if (!(tmpl = ci_face_template_open (r->template_name, error)))
    return NULL;
  if (r->number[0] != '\0')
    {
      face = ci_services_face_data (r->services, r->actor, r->number, r->serial, error);
      if (face == NULL)
        return NULL;
      out->holder = g_strdup (ci_face_data_get (face, "employee.full_name"));
    }
  else
    face = ci_face_data_new ();
  for (int side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
    if (!(out->sides[side] = render_side (tmpl, side, face, problems, error)))
      return NULL;
  out->problems = g_ptr_array_new_with_free_func (g_free);
  if (r->number[0] != '\0')
    {
      /* Placeholders issuing fills in (serial, QR code) are not problems yet. */
      if (r->serial == 0)
        ci_face_problems_drop_made_by_issuing (problems);
      for (guint i = 0; i < problems->len; i++)
        g_ptr_array_add (out->problems,
                         g_strdup (((CiFaceProblem *) problems->pdata[i])->message));
    }
  return g_steal_pointer (&out);
}

static void
render_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiFacePreview) self = CI_FACE_PREVIEW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(Rendered) out = ci_job_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->generation)
    return;
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->holder, g_free);
  if (out == NULL)
    {
      g_clear_object (&self->sides[0]);
      g_clear_object (&self->sides[1]);
      self->problems = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->problems, g_strdup (error->message));
    }
  else
    {
      g_set_object (&self->sides[0], out->sides[0]);
      g_set_object (&self->sides[1], out->sides[1]);
      self->problems = g_steal_pointer (&out->problems);
      self->holder = g_steal_pointer (&out->holder);
    }
  g_signal_emit (self, signals[READY], 0);
}

static void
ci_face_preview_finalize (GObject *object)
{
  CiFacePreview *self = CI_FACE_PREVIEW (object);

  g_clear_object (&self->sides[0]);
  g_clear_object (&self->sides[1]);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_free (self->holder);
  G_OBJECT_CLASS (ci_face_preview_parent_class)->finalize (object);
}

static void
ci_face_preview_class_init (CiFacePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ci_face_preview_finalize;

  /**
   * CiFacePreview::ready:
   *
   * The sides, problems and holder of the latest request are there.
   */
  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ci_face_preview_init (CiFacePreview *self)
{
}

CiFacePreview *
ci_face_preview_new (void)
{
  return g_object_new (CI_TYPE_FACE_PREVIEW, NULL);
}

/**
 * ci_face_preview_update:
 * @self: a #CiFacePreview
 * @services: the desk's services
 * @actor: the signed-in operator
 * @employee_number: whose card; "" for the bare template
 * @serial: the card's serial once issued; 0 before
 * @template_name: the template id
 *
 * Starts drawing; #CiFacePreview::ready follows.
 */
void
ci_face_preview_update (CiFacePreview *self,
                        CiServices    *services,
                        CiOperator    *actor,
                        const char    *employee_number,
                        gint64         serial,
                        const char    *template_name)
{
  Request *r;

  g_return_if_fail (CI_IS_FACE_PREVIEW (self));
  g_return_if_fail (template_name != NULL);

  r = g_new0 (Request, 1);
  r->services = g_object_ref (services);
  r->actor = g_object_ref (actor);
  r->number = g_strdup (employee_number ? employee_number : "");
  r->serial = serial;
  r->template_name = g_strdup (template_name);
  self->generation++;
  ci_job_run (g_object_ref (self), render_thread, r, request_free, rendered_free, NULL,
              render_done, GUINT_TO_POINTER (self->generation));
}

/**
 * ci_face_preview_clear:
 * @self: a #CiFacePreview
 *
 * Forgets the face drawn last; a drawing still under way is dropped.
 */
void
ci_face_preview_clear (CiFacePreview *self)
{
  g_return_if_fail (CI_IS_FACE_PREVIEW (self));

  self->generation++;
  g_clear_object (&self->sides[0]);
  g_clear_object (&self->sides[1]);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->holder, g_free);
}

/**
 * ci_face_preview_get_paintable:
 * @self: a #CiFacePreview
 * @side: front or back
 *
 * Returns: (transfer none) (nullable): the side as drawn last
 */
GdkPaintable *
ci_face_preview_get_paintable (CiFacePreview *self,
                               CiFaceSide     side)
{
  g_return_val_if_fail (CI_IS_FACE_PREVIEW (self), NULL);
  g_return_val_if_fail (side == CI_FACE_FRONT || side == CI_FACE_BACK, NULL);

  return GDK_PAINTABLE (self->sides[side]);
}

/**
 * ci_face_preview_get_problems:
 * @self: a #CiFacePreview
 *
 * Returns: (transfer none) (element-type utf8) (nullable): what keeps this
 *   face from being issued, or why it could not be drawn
 */
GPtrArray *
ci_face_preview_get_problems (CiFacePreview *self)
{
  g_return_val_if_fail (CI_IS_FACE_PREVIEW (self), NULL);

  return self->problems;
}

const char *
ci_face_preview_get_holder (CiFacePreview *self)
{
  g_return_val_if_fail (CI_IS_FACE_PREVIEW (self), NULL);

  return self->holder;
}
