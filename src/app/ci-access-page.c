/* ci-access-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-access-page-private.h"
#include "ci-window.h"
#include "ci-ui.h"
#include "ci-unlock-dialog.h"
#include "services/ci-services-async.h"
#include "services/ci-services-face.h"

/* Zones, schedules, and who may enter where. The zone tree is on the left;
 * the chosen zone's holders, the schedules and the card re-encoding are on
 * the right. Every read and write is a core call on a worker thread, and the
 * page offers only what the core says the operator may do (it checks again). */

G_DEFINE_FINAL_TYPE (CiAccessPage, ci_access_page, ADW_TYPE_BIN)

static void load_catalog (CiAccessPage *self);
static void load_access  (CiAccessPage *self);

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

const char *
_ci_access_kind_name (CiZoneKind kind)
{
  switch (kind)
    {
    case CI_ZONE_SITE:
      return _("Site");
    case CI_ZONE_BUILDING:
      return _("Building");
    case CI_ZONE_AREA:
    default:
      return _("Area");
    }
}

char *
_ci_access_level_text (int level)
{
  /* Translators: a security level band ("Public", "Staff", …) and its number, 0 to 9 */
  return g_strdup_printf (_("%s, level %d"), ci_zone_level_name (level), level);
}

CiZone *
_ci_access_page_find_zone_by_id (CiAccessPage *self,
                                 gint64        id)
{
  for (guint i = 0; self->zones && i < self->zones->len; i++)
    if (ci_zone_get_id (self->zones->pdata[i]) == id)
      return self->zones->pdata[i];
  return NULL;
}

CiZone *
_ci_access_page_find_zone (CiAccessPage *self,
                           const char   *code)
{
  for (guint i = 0; code && self->zones && i < self->zones->len; i++)
    if (g_strcmp0 (ci_zone_get_code (self->zones->pdata[i]), code) == 0)
      return self->zones->pdata[i];
  return NULL;
}

/* What the core allows this operator: every zone, or those marked "HR may
 * grant". The core checks again on every grant. */
gboolean
_ci_access_page_may_grant (CiAccessPage *self,
                           CiZone       *zone)
{
  return zone != NULL
         && (self->grant_scope == CI_SCOPE_ALL
             || (self->grant_scope == CI_SCOPE_LIMITED && ci_zone_get_hr_may_grant (zone)));
}

static void
show_message (CiAccessPage *self,
              const char   *text)
{
  gtk_label_set_text (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
}

static void
toast (CiAccessPage *self,
       const char   *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (CI_IS_WINDOW (root))
    ci_window_show_toast (CI_WINDOW (root), text);
}

static void
placeholder_row (GtkListBox *list,
                 const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_list_box_append (list, row);
}

static void
update_actions (CiAccessPage *self)
{
  CiApplication *app = get_app ();
  CiZone *zone = _ci_access_page_find_zone (self, self->zone_code);
  gboolean manage = ci_application_may (app, CI_ACTION_ZONE_MANAGE);
  gboolean reencode = ci_application_may (app, CI_ACTION_CARD_CHANGE_ACCESS);
  gboolean grant = _ci_access_page_may_grant (self, zone);
  g_autofree char *chosen = ci_reader_chooser_dup_reader (self->reader_chooser);
  gboolean reader = chosen != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access.add-zone", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access.add-schedule", manage);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access.grant", grant);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access.withdraw", grant);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "access.reencode",
                                 reencode && reader && self->reencode_cancellable == NULL);
  gtk_widget_set_visible (self->add_zone_button, manage);
  gtk_widget_set_visible (self->add_schedule_button, manage);
  gtk_widget_set_visible (self->grant_button, ci_application_may (app, CI_ACTION_GRANT));
  gtk_widget_set_visible (self->reencode_group, reencode);
}

/* ─── worker-thread calls ───────────────────────────────────────────────── */

void
_ci_access_request_free (gpointer data)
{
  CiAccessRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->number);
  g_free (r->zone);
  g_free (r->schedule);
  g_free (r->expires);
  g_clear_object (&r->record);
  g_free (r);
}

/* NULL once nobody is signed in: then there is nothing to ask. */
CiAccessRequest *
_ci_access_request_new (void)
{
  CiApplication *app = get_app ();
  CiAccessRequest *r;

  if (ci_application_get_operator (app) == NULL)
    return NULL;
  r = g_new0 (CiAccessRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  return r;
}

static void
run (CiAccessPage        *self,
     CiJobFunc            func,
     CiAccessRequest     *request,
     GDestroyNotify       result_free,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  self->pending++;
  ci_job_run (NULL, func, request, _ci_access_request_free, result_free, cancellable, callback,
              user_data);
}

/* Ends a job started with run(); FALSE (and nothing shown) if it was cancelled. */
static gboolean
job_done (CiAccessPage  *self,
          GAsyncResult  *result,
          gpointer      *value,
          GError       **error)
{
  self->pending--;
  *value = ci_job_finish (result, error);
  return *value != NULL || !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ─── the zone tree ─────────────────────────────────────────────────────── */

typedef struct
{
  GPtrArray *zones;
  GPtrArray *schedules;
  CiScope    scopes[CI_N_ACTIONS];
} Catalog;

static void
catalog_free (gpointer data)
{
  Catalog *c = data;

  g_clear_pointer (&c->zones, g_ptr_array_unref);
  g_clear_pointer (&c->schedules, g_ptr_array_unref);
  g_free (c);
}

static gpointer
catalog_thread (gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  CiAccessRequest *r = data;
  Catalog *c = g_new0 (Catalog, 1);

  if (!(c->zones = ci_services_zone_list (r->services, r->actor, error))
      || !(c->schedules = ci_services_schedule_list (r->services, r->actor, error))
      || !ci_services_operator_scopes (r->services, r->actor, c->scopes, error))
    {
      catalog_free (c);
      return NULL;
    }
  return c;
}

static GListModel *
children_of (gpointer item,
             gpointer user_data)
{
  GPtrArray *zones = user_data;
  GListStore *children = NULL;

  for (guint i = 0; i < zones->len; i++)
    if (ci_zone_get_parent_id (zones->pdata[i]) == ci_zone_get_id (item))
      {
        if (children == NULL)
          children = g_list_store_new (CI_TYPE_ZONE);
        g_list_store_append (children, zones->pdata[i]);
      }
  return G_LIST_MODEL (children);
}

static GListModel *
zone_tree_new (GPtrArray *zones)
{
  GListStore *roots = g_list_store_new (CI_TYPE_ZONE);

  for (guint i = 0; i < zones->len; i++)
    if (ci_zone_get_parent_id (zones->pdata[i]) == 0)
      g_list_store_append (roots, zones->pdata[i]);
  return G_LIST_MODEL (gtk_tree_list_model_new (G_LIST_MODEL (roots), FALSE, TRUE, children_of,
                                                g_ptr_array_ref (zones),
                                                (GDestroyNotify) g_ptr_array_unref));
}

static CiZone *
zone_at (CiAccessPage *self,
         guint         position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->zone_selection),
                                                         position);

  return row ? gtk_tree_list_row_get_item (row) : NULL;
}

/* Keeps the chosen zone across reloads; the first one otherwise. */
static void
select_zone (CiAccessPage *self,
             const char   *code)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->zone_selection));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CiZone) zone = zone_at (self, i);

      if (g_strcmp0 (ci_zone_get_code (zone), code) == 0)
        {
          gtk_single_selection_set_selected (self->zone_selection, i);
          return;
        }
    }
  gtk_single_selection_set_selected (self->zone_selection, n > 0 ? 0 : GTK_INVALID_LIST_POSITION);
}

static GtkWidget *
schedule_row_new (CiSchedule *schedule)
{
  GtkWidget *row = adw_action_row_new ();

  gtk_widget_set_name (row, ci_schedule_get_name (schedule));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ci_schedule_get_name (schedule));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ci_schedule_get_rules (schedule));
  return row;
}

static void
show_catalog (CiAccessPage *self,
              Catalog      *c)
{
  g_autofree char *keep = g_strdup (self->zone_code);
  g_autoptr(GListModel) tree = NULL;
  g_autofree char *count = NULL;

  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  self->zones = g_ptr_array_ref (c->zones);
  self->schedules = g_ptr_array_ref (c->schedules);
  self->grant_scope = c->scopes[CI_ACTION_GRANT];
  tree = zone_tree_new (self->zones);
  gtk_single_selection_set_model (self->zone_selection, tree);
  select_zone (self, keep);

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u zone", "%u zones", c->zones->len),
                           c->zones->len);
  gtk_label_set_text (self->zones_status, c->zones->len ? count : _("No zone yet"));
  ci_ui_list_box_clear (self->schedule_list);
  for (guint i = 0; i < self->schedules->len; i++)
    gtk_list_box_append (self->schedule_list, schedule_row_new (self->schedules->pdata[i]));
  if (self->schedules->len == 0)
    placeholder_row (self->schedule_list, _("No schedule yet: grants apply at any time"));
  update_actions (self);
}

static void
catalog_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CiAccessPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Catalog *c = NULL;

  if (!job_done (self, result, (gpointer *) &c, &error))
    return;
  if (c == NULL)
    {
      gtk_label_set_text (self->zones_status, error->message);
      return;
    }
  show_catalog (self, c);
  catalog_free (c);
}

static void
load_catalog (CiAccessPage *self)
{
  CiAccessRequest *r = _ci_access_request_new ();

  if (r == NULL || !ci_application_may (get_app (), CI_ACTION_ZONE_VIEW))
    {
      g_clear_pointer (&r, _ci_access_request_free);
      return;
    }
  run (self, catalog_thread, r, catalog_free, self->cancellable, catalog_done,
       g_object_ref (self));
}

/* ─── one row of the tree ───────────────────────────────────────────────── */

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  guint32 rgba = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (area), "colour"));

  cairo_set_source_rgba (cr, (rgba >> 24) / 255.0, ((rgba >> 16) & 0xff) / 255.0,
                         ((rgba >> 8) & 0xff) / 255.0, (rgba & 0xff) / 255.0);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
set_swatch (GtkDrawingArea *area,
            int             level)
{
  g_object_set_data (G_OBJECT (area), "colour", GUINT_TO_POINTER (ci_zone_level_colour (level)));
  gtk_widget_queue_draw (GTK_WIDGET (area));
}

static GtkWidget *
swatch_new (int size)
{
  GtkWidget *area = gtk_drawing_area_new ();

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), size);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), size);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, NULL, NULL);
  return area;
}

static void
setup_zone_row (GtkListItemFactory *factory,
                GtkListItem        *item,
                gpointer            user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *caption = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), caption);
  gtk_box_append (GTK_BOX (box), swatch_new (12));
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static char *
zone_caption (CiZone *zone)
{
  const char *band = ci_zone_level_name (ci_zone_get_security_level (zone));

  if (ci_zone_get_hr_may_grant (zone))
    /* Translators: in the zone tree: a zone's code, its security band, and that HR may grant it */
    return g_strdup_printf (_("%s · %s · HR may grant"), ci_zone_get_code (zone), band);
  /* Translators: in the zone tree: a zone's code and its security band */
  return g_strdup_printf (_("%s · %s"), ci_zone_get_code (zone), band);
}

static void
bind_zone_row (GtkListItemFactory *factory,
               GtkListItem        *item,
               gpointer            user_data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *swatch = gtk_widget_get_first_child (box);
  GtkWidget *labels = gtk_widget_get_next_sibling (swatch);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  g_autoptr(CiZone) zone = gtk_tree_list_row_get_item (row);
  g_autofree char *caption = zone_caption (zone);
  g_autofree char *spoken = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (name), ci_zone_get_name (zone));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (name)), caption);
  set_swatch (GTK_DRAWING_AREA (swatch), ci_zone_get_security_level (zone));
  gtk_widget_set_name (expander, ci_zone_get_code (zone));
  /* Translators: how a screen reader reads a zone in the tree: name, kind, code, band… */
  spoken = g_strdup_printf (_("%s, %s, %s"), ci_zone_get_name (zone),
                            _ci_access_kind_name (ci_zone_get_kind (zone)), caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  spoken, -1);
}

/* ─── the chosen zone ───────────────────────────────────────────────────── */

static char *
zone_where (CiAccessPage *self,
            CiZone       *zone)
{
  CiZone *parent = _ci_access_page_find_zone_by_id (self, ci_zone_get_parent_id (zone));
  const char *code = ci_zone_get_code (zone);

  if (parent == NULL)
    /* Translators: %s is a zone code */
    return g_strdup_printf (_("Site %s"), code);
  if (ci_zone_get_kind (zone) == CI_ZONE_BUILDING)
    /* Translators: a building's code and the zone it lies in */
    return g_strdup_printf (_("Building %s, in %s"), code, ci_zone_get_name (parent));
  /* Translators: an area's code and the zone it lies in */
  return g_strdup_printf (_("Area %s, in %s"), code, ci_zone_get_name (parent));
}

static void
show_zone (CiAccessPage *self,
           CiZone       *zone)
{
  g_autofree char *where = zone_where (self, zone);
  g_autofree char *level = _ci_access_level_text (ci_zone_get_security_level (zone));
  const char *tz = ci_zone_get_time_zone (zone);

  gtk_label_set_text (self->name_label, ci_zone_get_name (zone));
  gtk_label_set_text (self->where_label, where);
  adw_action_row_set_subtitle (self->level_row, level);
  set_swatch (self->level_swatch, ci_zone_get_security_level (zone));
  adw_action_row_set_subtitle (self->hr_row, ci_zone_get_hr_may_grant (zone)
                                             ? _("Security officers and HR")
                                             : _("Security officers only"));
  adw_action_row_set_subtitle (self->time_zone_row, tz ? tz : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_zone_row), tz != NULL);
  gtk_stack_set_visible_child_name (self->detail_stack, "zone");
}

static GtkWidget *
access_row_new (CiAccessPage *self,
                CiZoneAccess *access,
                gboolean      withdraw)
{
  GtkWidget *row = adw_action_row_new ();
  const char *expires = ci_grant_get_expires (access->grant);
  const char *when = access->schedule_name ? access->schedule_name : _("any time");
  g_autofree char *subtitle = NULL;

  if (expires != NULL)
    /* Translators: a holder's employee number, their schedule, and the last day of access */
    subtitle = g_strdup_printf (_("%s · %s · until %s"), access->employee_number, when, expires);
  else
    /* Translators: a holder's employee number and their schedule */
    subtitle = g_strdup_printf (_("%s · %s"), access->employee_number, when);
  gtk_widget_set_name (row, access->employee_number);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), access->employee_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (withdraw)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Withdraw…"));
      /* Translators: %s is a person's name */
      g_autofree char *label = g_strdup_printf (_("Withdraw access of %s"), access->employee_name);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "access.withdraw");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", access->employee_number);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
show_access (CiAccessPage *self,
             GPtrArray    *access)
{
  CiZone *zone = _ci_access_page_find_zone (self, self->zone_code);
  gboolean withdraw = _ci_access_page_may_grant (self, zone);

  g_clear_pointer (&self->access, g_ptr_array_unref);
  self->access = g_ptr_array_ref (access);
  ci_ui_list_box_clear (self->access_list);
  for (guint i = 0; i < access->len; i++)
    gtk_list_box_append (self->access_list, access_row_new (self, access->pdata[i], withdraw));
  if (access->len == 0)
    placeholder_row (self->access_list, _("Nobody has access to this zone yet"));
}

static gpointer
access_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  CiAccessRequest *r = data;

  return ci_services_zone_grants (r->services, r->actor, r->zone, error);
}

static void
access_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiAccessPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) access = NULL;

  if (!job_done (self, result, (gpointer *) &access, &error))
    return;
  if (access == NULL)
    {
      show_message (self, error->message);
      return;
    }
  show_access (self, access);
}

static void
load_access (CiAccessPage *self)
{
  CiAccessRequest *r = _ci_access_request_new ();

  if (r == NULL || self->zone_code == NULL)
    {
      g_clear_pointer (&r, _ci_access_request_free);
      return;
    }
  r->zone = g_strdup (self->zone_code);
  /* The list of a zone chosen before must not arrive under this one. */
  g_cancellable_cancel (self->access_cancellable);
  g_clear_object (&self->access_cancellable);
  self->access_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           self->access_cancellable, G_CONNECT_SWAPPED);
  run (self, access_thread, r, (GDestroyNotify) g_ptr_array_unref, self->access_cancellable,
       access_done, g_object_ref (self));
}

static void
zone_selected (CiAccessPage *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->zone_selection);
  g_autoptr(CiZone) zone = row ? gtk_tree_list_row_get_item (row) : NULL;

  ci_ui_list_box_clear (self->access_list);
  g_clear_pointer (&self->access, g_ptr_array_unref);
  g_free (self->zone_code);
  self->zone_code = zone ? g_strdup (ci_zone_get_code (zone)) : NULL;
  update_actions (self);
  if (zone == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }
  show_zone (self, zone);
  load_access (self);
}

/* ─── writes ────────────────────────────────────────────────────────────── */

typedef struct
{
  CiAccessPage  *self;
  CiOperator    *actor;
  CiAccessWrite  kind;
  char          *what;     /* the zone or schedule added, or the zone's name */
  char          *who;      /* the holder's name */
} Write;

static void
write_free (Write *w)
{
  g_clear_object (&w->self);
  g_clear_object (&w->actor);
  g_free (w->what);
  g_free (w->who);
  g_free (w);
}

static char *
write_outcome (Write        *w,
               const GError *error)
{
  if (error != NULL)
    switch (w->kind)
      {
      case CI_ACCESS_WRITE_ZONE:
        /* Translators: %s is the core's explanation, written for the desk */
        return g_strdup_printf (_("The zone was not added. %s"), error->message);
      case CI_ACCESS_WRITE_SCHEDULE:
        /* Translators: %s is the core's explanation, written for the desk */
        return g_strdup_printf (_("The schedule was not added. %s"), error->message);
      case CI_ACCESS_WRITE_GRANT:
        /* Translators: %s is the core's explanation, written for the desk */
        return g_strdup_printf (_("Access was not granted. %s"), error->message);
      case CI_ACCESS_WRITE_WITHDRAW:
      default:
        /* Translators: %s is the core's explanation, written for the desk */
        return g_strdup_printf (_("Access was not withdrawn. %s"), error->message);
      }
  switch (w->kind)
    {
    case CI_ACCESS_WRITE_ZONE:
      /* Translators: %s is a zone code */
      return g_strdup_printf (_("Zone %s added"), w->what);
    case CI_ACCESS_WRITE_SCHEDULE:
      /* Translators: %s is a schedule name */
      return g_strdup_printf (_("Schedule %s added"), w->what);
    case CI_ACCESS_WRITE_GRANT:
      /* Translators: a person's name and a zone's name */
      return g_strdup_printf (_("%s may enter %s. Re-encode their card to carry it."), w->who,
                              w->what);
    case CI_ACCESS_WRITE_WITHDRAW:
    default:
      /* Translators: a person's name and a zone's name */
      return g_strdup_printf (_("%s may no longer enter %s. Re-encode their card to remove it."),
                              w->who, w->what);
    }
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Write *w = user_data;
  CiAccessPage *self = w->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gpointer done = NULL;

  job_done (self, result, &done, &error);
  if (done != NULL && done != GINT_TO_POINTER (TRUE))
    g_object_unref (done);
  /* Whoever signed in since sees nothing of it. */
  if (!ci_application_is_signed_in (get_app (), w->actor))
    {
      write_free (w);
      return;
    }
  text = write_outcome (w, error);
  show_message (self, error ? text : NULL);
  if (error == NULL)
    toast (self, text);
  if (error == NULL && w->kind == CI_ACCESS_WRITE_ZONE)
    {
      g_free (self->zone_code);
      self->zone_code = g_strdup (w->what);
    }
  if (w->kind == CI_ACCESS_WRITE_ZONE || w->kind == CI_ACCESS_WRITE_SCHEDULE)
    load_catalog (self);
  else
    load_access (self);
  write_free (w);
}

void
_ci_access_page_run_write (CiAccessPage    *self,
                           CiJobFunc        func,
                           CiAccessRequest *r,
                           CiAccessWrite    kind,
                           const char      *what,
                           const char      *who)
{
  Write *w = g_new0 (Write, 1);

  w->self = g_object_ref (self);
  w->actor = g_object_ref (r->actor);
  w->kind = kind;
  w->what = g_strdup (what);
  w->who = g_strdup (who);
  show_message (self, NULL);
  run (self, func, r, NULL, NULL, write_done, w);
}

/* ─── re-encoding a card ────────────────────────────────────────────────── */

static char *
selected_reader (CiAccessPage *self)
{
  return ci_reader_chooser_dup_reader (self->reader_chooser);
}

static void
show_result (CiAccessPage *self,
             const char   *text,
             gboolean      ok)
{
  ci_ui_show_outcome (self->result_label, text, ok);
}

static void
set_progress (CiAccessPage *self,
              double        fraction,
              const char   *text)
{
  gtk_progress_bar_set_fraction (self->progress, fraction);
  gtk_progress_bar_set_text (self->progress, text);
}

/* Runs in the main context: the async service relays progress here. The
 * steps of a change are check, personalise and verify. */
static void
reencode_progress (const char   *reader,
                   CiIssueStep   step,
                   gboolean      skipped,
                   gint64        duration_us,
                   const GError *error,
                   gpointer      user_data)
{
  CiAccessPage *self = user_data;

  if (error != NULL || self->reencode_cancellable == NULL)
    return;
  if (step == CI_ISSUE_STEP_CHECK)
    set_progress (self, 1 / 3.0, _("Writing the zones…"));
  else if (step == CI_ISSUE_STEP_PERSONALISE)
    set_progress (self, 2 / 3.0, _("Reading the card back…"));
  else if (step == CI_ISSUE_STEP_VERIFY)
    set_progress (self, 1.0, _("Verified"));
}

static void
reencode_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CiAccessPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_autoptr(CiOperator) actor = g_steal_pointer (&self->reencode_actor);
  gboolean ok = ci_services_card_change_access_finish (CI_SERVICES (source), result, &error);

  ci_application_card_work_end (get_app ());
  self->pending--;
  g_clear_object (&self->reencode_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reader_chooser), TRUE);
  update_actions (self);
  /* Whoever signed in since sees nothing of it. */
  if (!ci_application_is_signed_in (get_app (), actor))
    return;
  if (!ok)
    {
      /* Translators: %s is the core's explanation, written for the desk */
      text = g_strdup_printf (_("The card was not changed. %s"), error->message);
      show_result (self, text, FALSE);
      return;
    }
  show_result (self, _("Done: the card now opens exactly the zones its holder may enter today. "
                       "Hand it back."), TRUE);
}

/* The keys are unlocked: the card in the reader chosen now is re-encoded. */
static void
keys_unlocked (gboolean unlocked,
               gpointer user_data)
{
  g_autoptr(CiAccessPage) self = user_data;
  CiApplication *app = get_app ();
  g_autofree char *reader = selected_reader (self);
  CiIssueOptions options = {
    .reader = reader,
    .progress = reencode_progress,
    .progress_data = self,
  };

  if (!unlocked || reader == NULL || self->reencode_cancellable != NULL
      || ci_application_get_operator (app) == NULL)
    return;
  self->reencode_cancellable = g_cancellable_new ();
  self->reencode_actor = g_object_ref (ci_application_get_operator (app));
  self->pending++;
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reader_chooser), FALSE);
  set_progress (self, 0, _("Checking the card…"));
  update_actions (self);
  ci_application_card_work_begin (app);
  ci_services_card_change_access_async (ci_application_get_services (app),
                                        ci_application_get_operator (app), &options,
                                        self->reencode_cancellable, reencode_done,
                                        g_object_ref (self));
}

static void
reencode_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CiAccessPage *self = CI_ACCESS_PAGE (widget);
  CiOperator *op = ci_application_get_operator (get_app ());
  g_autofree char *reader = selected_reader (self);

  if (reader == NULL || self->reencode_cancellable != NULL || op == NULL)
    return;
  ci_unlock_dialog_ensure (GTK_WINDOW (gtk_widget_get_root (widget)), op, keys_unlocked,
                           g_object_ref (self));
}

/* ─── the session ───────────────────────────────────────────────────────── */

/* Nothing the last operator saw stays; the next one gets their own view. */
static void
operator_changed (CiAccessPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  g_clear_pointer (&self->access, g_ptr_array_unref);
  g_clear_pointer (&self->zone_code, g_free);
  self->grant_scope = CI_SCOPE_NONE;
  gtk_single_selection_set_model (self->zone_selection, NULL);
  gtk_stack_set_visible_child_name (self->detail_stack, "empty");
  gtk_label_set_text (self->zones_status, "");
  ci_ui_list_box_clear (self->access_list);
  ci_ui_list_box_clear (self->schedule_list);
  show_message (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  update_actions (self);
  load_catalog (self);
}

static void
ci_access_page_dispose (GObject *object)
{
  CiAccessPage *self = CI_ACCESS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->access_cancellable);
  g_clear_object (&self->access_cancellable);
  g_cancellable_cancel (self->reencode_cancellable);
  g_clear_object (&self->reencode_cancellable);
  g_clear_object (&self->reencode_actor);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_ACCESS_PAGE);
  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->schedules, g_ptr_array_unref);
  g_clear_pointer (&self->access, g_ptr_array_unref);
  g_clear_pointer (&self->zone_code, g_free);
  G_OBJECT_CLASS (ci_access_page_parent_class)->dispose (object);
}

static void
ci_access_page_class_init (CiAccessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_access_page_dispose;
  g_type_ensure (CI_TYPE_READER_CHOOSER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-access-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, zones_status);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, zone_view);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, zone_selection);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, add_zone_button);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, where_label);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, level_row);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, level_swatch);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, hr_row);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, grant_button);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, access_list);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, add_schedule_button);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, schedule_list);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, reencode_group);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, reader_chooser);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, progress);
  gtk_widget_class_bind_template_child (widget_class, CiAccessPage, result_label);
  gtk_widget_class_bind_template_callback (widget_class, zone_selected);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);
  gtk_widget_class_install_action (widget_class, "access.add-zone", NULL, _ci_access_page_add_zone);
  gtk_widget_class_install_action (widget_class, "access.add-schedule", NULL,
                                   _ci_access_page_add_schedule);
  gtk_widget_class_install_action (widget_class, "access.grant", NULL, _ci_access_page_grant);
  gtk_widget_class_install_action (widget_class, "access.withdraw", "s", _ci_access_page_withdraw);
  gtk_widget_class_install_action (widget_class, "access.reencode", NULL, reencode_action);
}

static void
ci_access_page_init (CiAccessPage *self)
{
  CiApplication *app = get_app ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_zone_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_zone_row), NULL);
  gtk_list_view_set_factory (self->zone_view, factory);
  g_object_unref (factory);
  gtk_drawing_area_set_draw_func (self->level_swatch, draw_swatch, NULL, NULL);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (app, "notify::operator", G_CALLBACK (operator_changed), self,
                           G_CONNECT_SWAPPED);
  operator_changed (self);
}

/**
 * ci_access_page_get_busy:
 * @self: a #CiAccessPage
 *
 * Returns: %TRUE while the page waits for the core (a read, a write, or a
 *   card being re-encoded)
 */
gboolean
ci_access_page_get_busy (CiAccessPage *self)
{
  g_return_val_if_fail (CI_IS_ACCESS_PAGE (self), FALSE);

  return self->pending > 0;
}
