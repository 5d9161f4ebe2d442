/* ci-employee-model.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-employee-model.h"
#include "ci-job.h"
#include "ci-ui.h"

/* A list of 100,000 employees that never loads them all: a query returns the
 * ids of every match, in order, and rows are read a page at a time when the
 * view asks for them. Until its page arrives a row is a placeholder that knows
 * only its id; it fills in (notify) when the page comes back from the worker.
 * Every query bumps a generation; answers to an older query are dropped. */

#define PAGE_SIZE 100

/* ─── CiEmployeeRow ─────────────────────────────────────────────────────── */

struct _CiEmployeeRow
{
  GObject     parent_instance;

  gint64      id;
  CiEmployee *employee;
};

enum {
  ROW_PROP_0,
  ROW_PROP_LOADED,
  ROW_PROP_NUMBER,
  ROW_PROP_NAME,
  ROW_PROP_DEPARTMENT,
  ROW_PROP_VALID_UNTIL,
  ROW_PROP_STATUS,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

G_DEFINE_FINAL_TYPE (CiEmployeeRow, ci_employee_row, G_TYPE_OBJECT)

static void
ci_employee_row_finalize (GObject *object)
{
  CiEmployeeRow *self = CI_EMPLOYEE_ROW (object);

  g_clear_object (&self->employee);
  G_OBJECT_CLASS (ci_employee_row_parent_class)->finalize (object);
}

static void
ci_employee_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CiEmployeeRow *self = CI_EMPLOYEE_ROW (object);
  CiEmployee *e = self->employee;

  switch (prop_id)
    {
    case ROW_PROP_LOADED:
      g_value_set_boolean (value, e != NULL);
      break;
    case ROW_PROP_NUMBER:
      g_value_set_string (value, e ? ci_employee_get_number (e) : NULL);
      break;
    case ROW_PROP_NAME:
      g_value_take_string (value, e ? ci_employee_dup_display_name (e) : g_strdup ("…"));
      break;
    case ROW_PROP_DEPARTMENT:
      g_value_set_string (value, e ? ci_employee_get_department (e) : NULL);
      break;
    case ROW_PROP_VALID_UNTIL:
      g_value_set_string (value, e ? ci_employee_get_valid_until (e) : NULL);
      break;
    case ROW_PROP_STATUS:
      g_value_set_string (value, e ? ci_ui_employee_status_name (ci_employee_get_status (e)) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_employee_row_class_init (CiEmployeeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ci_employee_row_finalize;
  object_class->get_property = ci_employee_row_get_property;

  row_properties[ROW_PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);
  row_properties[ROW_PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_DEPARTMENT] = g_param_spec_string ("department", NULL, NULL, NULL,
                                                             flags);
  row_properties[ROW_PROP_VALID_UNTIL] = g_param_spec_string ("valid-until", NULL, NULL, NULL,
                                                              flags);
  row_properties[ROW_PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
ci_employee_row_init (CiEmployeeRow *self)
{
}

static void
row_fill (CiEmployeeRow *self,
          CiEmployee    *employee)
{
  g_object_freeze_notify (G_OBJECT (self));
  g_set_object (&self->employee, employee);
  for (guint p = ROW_PROP_LOADED; p < ROW_N_PROPS; p++)
    g_object_notify_by_pspec (G_OBJECT (self), row_properties[p]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The row now stands for another employee, not read yet. */
static void
row_reset (CiEmployeeRow *self,
           gint64         id)
{
  self->id = id;
  if (self->employee != NULL)
    row_fill (self, NULL);
}

gint64
ci_employee_row_get_id (CiEmployeeRow *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE_ROW (self), 0);

  return self->id;
}

/**
 * ci_employee_row_get_employee:
 * @self: a #CiEmployeeRow
 *
 * Returns: (transfer none) (nullable): the employee (without photo), or %NULL
 *   while the row's page is still being read
 */
CiEmployee *
ci_employee_row_get_employee (CiEmployeeRow *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE_ROW (self), NULL);

  return self->employee;
}

/* ─── CiEmployeeModel ───────────────────────────────────────────────────── */

struct _CiEmployeeModel
{
  GObject       parent_instance;

  CiServices   *services;
  CiOperator   *actor;
  GArray       *ids;          /* gint64, every match in order */
  GHashTable   *pages;        /* page number -> GPtrArray of CiEmployeeRow */
  guint         generation;
  gboolean      loading;
  GError       *error;
  GCancellable *cancellable;
};

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CiEmployeeModel, ci_employee_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *query;
  CiEmployeeOrder order;
  GArray     *ids;       /* for a page: the ids to read */
  guint       page;
  guint       generation;
} Request;

typedef struct
{
  GArray    *ids;
  GPtrArray *employees;
} Answer;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->query);
  g_clear_pointer (&r->ids, g_array_unref);
  g_free (r);
}

static void
answer_free (gpointer data)
{
  Answer *a = data;

  g_clear_pointer (&a->ids, g_array_unref);
  g_clear_pointer (&a->employees, g_ptr_array_unref);
  g_free (a);
}

static Request *
request_new (CiEmployeeModel *self)
{
  Request *r = g_new0 (Request, 1);

  r->services = g_object_ref (self->services);
  r->actor = g_object_ref (self->actor);
  r->generation = self->generation;
  return r;
}

static void
set_loading (CiEmployeeModel *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GPtrArray *
read_page (Request  *r,
           GArray   *ids,
           guint     page,
           GError  **error)
{
  guint first = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, ids->len - first);

  if (n == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  return ci_services_employee_get_many (r->services, r->actor,
                                        &g_array_index (ids, gint64, first), n, error);
}

/* Fills the rows of @page with what was read. The employees come in the order
 * of the ids asked for; one deleted meanwhile is missing and its row stays a
 * placeholder. */
static void
fill_page (CiEmployeeModel *self,
           guint            page,
           GPtrArray       *employees)
{
  GPtrArray *rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  guint next = 0;

  if (rows == NULL)
    return;
  for (guint j = 0; j < rows->len && next < employees->len; j++)
    {
      CiEmployeeRow *row = rows->pdata[j];

      if (row->id == ci_employee_get_id (employees->pdata[next]))
        row_fill (row, employees->pdata[next++]);
    }
}

static gpointer
page_thread (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Request *r = data;
  Answer *a = g_new0 (Answer, 1);

  a->employees = read_page (r, r->ids, 0, error);
  if (a->employees == NULL)
    {
      answer_free (a);
      return NULL;
    }
  return a;
}

static void
page_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CiEmployeeModel) self = CI_EMPLOYEE_MODEL (source);
  g_autoptr(GError) error = NULL;
  Answer *a = ci_job_finish (result, &error);
  guint page = GPOINTER_TO_UINT (user_data) & 0xffffff;
  guint generation = GPOINTER_TO_UINT (user_data) >> 24;

  if (a == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot read employees: %s", error->message);
          /* Read again when a view next asks for one of its rows. */
          if (generation == (self->generation & 0xff))
            g_hash_table_remove (self->pages, GUINT_TO_POINTER (page));
        }
      return;
    }
  if (generation == (self->generation & 0xff))
    fill_page (self, page, a->employees);
  answer_free (a);
}

static void
request_page (CiEmployeeModel *self,
              guint            page)
{
  Request *r = request_new (self);
  guint first = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->ids->len - first);

  r->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_array_append_vals (r->ids, &g_array_index (self->ids, gint64, first), n);
  /* Pages and generations are small: both travel in the user data. */
  ci_job_run (g_object_ref (self), page_thread, r, request_free, answer_free, self->cancellable,
              page_done, GUINT_TO_POINTER (((self->generation & 0xff) << 24) | page));
}

static GPtrArray *
new_page (CiEmployeeModel *self,
          guint            page)
{
  guint first = page * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->ids->len - first);
  GPtrArray *rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      CiEmployeeRow *row = g_object_new (CI_TYPE_EMPLOYEE_ROW, NULL);

      row->id = g_array_index (self->ids, gint64, first + i);
      g_ptr_array_add (rows, row);
    }
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  return rows;
}

/* ─── queries ───────────────────────────────────────────────────────────── */

/* A new result keeps the row objects of the pages read so far: each now
 * stands for the match at its position, and fills in when its page is read.
 * The list views keep their row widgets, which only show other text. In
 * GTK 4.8, a change that removes and adds rows at once makes the views ask
 * for every added row, and a change that removes them all makes every row
 * widget anew; both cost far more than a keystroke may. */
static gboolean
page_in_use (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    if (G_OBJECT (rows->pdata[i])->ref_count > 1)
      return TRUE;
  return FALSE;
}

static void
reuse_rows (CiEmployeeModel *self)
{
  g_autoptr(GHashTable) old = g_steal_pointer (&self->pages);
  GHashTableIter iter;
  gpointer key, value;

  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint page = GPOINTER_TO_UINT (key);
      guint first = page * PAGE_SIZE;
      GPtrArray *rows = value;
      guint n;

      /* Only pages a view still holds rows of: a list scrolled through
       * from end to end would otherwise be read again on each keystroke. */
      if (first >= self->ids->len || (page != 0 && !page_in_use (rows)))
        continue;
      n = MIN (PAGE_SIZE, self->ids->len - first);
      if (rows->len > n)
        g_ptr_array_set_size (rows, n);
      while (rows->len < n)
        g_ptr_array_add (rows, g_object_new (CI_TYPE_EMPLOYEE_ROW, NULL));
      for (guint i = 0; i < n; i++)
        row_reset (rows->pdata[i], g_array_index (self->ids, gint64, first + i));
      g_hash_table_iter_steal (&iter);
      g_hash_table_insert (self->pages, key, rows);
      if (page != 0)
        request_page (self, page);
    }
}

static gpointer
query_thread (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Request *r = data;
  Answer *a = g_new0 (Answer, 1);

  /* The first page comes with the ids: the list shows names at once. */
  if (!(a->ids = ci_services_employee_find (r->services, r->actor, r->query, r->order, error))
      || !(a->employees = read_page (r, a->ids, 0, error)))
    {
      answer_free (a);
      return NULL;
    }
  return a;
}

static void
query_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiEmployeeModel) self = CI_EMPLOYEE_MODEL (source);
  g_autoptr(GError) error = NULL;
  Answer *a = ci_job_finish (result, &error);
  guint generation = GPOINTER_TO_UINT (user_data);
  guint removed;

  if (generation != self->generation)
    {
      g_clear_pointer (&a, answer_free);
      return;
    }
  set_loading (self, FALSE);
  g_clear_error (&self->error);
  if (a == NULL)
    {
      self->error = g_steal_pointer (&error);
      a = g_new0 (Answer, 1);
      a->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  removed = self->ids->len;
  g_array_unref (self->ids);
  self->ids = g_steal_pointer (&a->ids);
  reuse_rows (self);
  if (a->employees != NULL && self->ids->len > 0)
    {
      if (!g_hash_table_contains (self->pages, GUINT_TO_POINTER (0)))
        new_page (self, 0);
      fill_page (self, 0, a->employees);
    }
  answer_free (a);
  /* Only the tail changes: the rows before it are the same objects, now
   * showing other employees. */
  if (removed > self->ids->len)
    g_list_model_items_changed (G_LIST_MODEL (self), self->ids->len,
                                removed - self->ids->len, 0);
  else if (self->ids->len > removed)
    g_list_model_items_changed (G_LIST_MODEL (self), removed, 0, self->ids->len - removed);
  if (removed != self->ids->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* ─── GListModel ────────────────────────────────────────────────────────── */

static GType
get_item_type (GListModel *model)
{
  return CI_TYPE_EMPLOYEE_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return CI_EMPLOYEE_MODEL (model)->ids->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  CiEmployeeModel *self = CI_EMPLOYEE_MODEL (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *rows;

  if (position >= self->ids->len)
    return NULL;
  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows == NULL)
    {
      rows = new_page (self, page);
      request_page (self, page);
    }
  return g_object_ref (rows->pdata[position % PAGE_SIZE]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_employee_model_dispose (GObject *object)
{
  CiEmployeeModel *self = CI_EMPLOYEE_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->services);
  g_clear_object (&self->actor);
  G_OBJECT_CLASS (ci_employee_model_parent_class)->dispose (object);
}

static void
ci_employee_model_finalize (GObject *object)
{
  CiEmployeeModel *self = CI_EMPLOYEE_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (ci_employee_model_parent_class)->finalize (object);
}

static void
ci_employee_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CiEmployeeModel *self = CI_EMPLOYEE_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->ids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_employee_model_class_init (CiEmployeeModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ci_employee_model_dispose;
  object_class->finalize = ci_employee_model_finalize;
  object_class->get_property = ci_employee_model_get_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_employee_model_init (CiEmployeeModel *self)
{
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->cancellable = g_cancellable_new ();
}

CiEmployeeModel *
ci_employee_model_new (void)
{
  return g_object_new (CI_TYPE_EMPLOYEE_MODEL, NULL);
}

/**
 * ci_employee_model_set_session:
 * @self: a #CiEmployeeModel
 * @services: (nullable): the desk's services
 * @actor: (nullable): the signed-in operator, on whose behalf rows are read
 *
 * Without a session (signed out) the list is empty.
 */
void
ci_employee_model_set_session (CiEmployeeModel *self,
                               CiServices      *services,
                               CiOperator      *actor)
{
  guint removed;

  g_return_if_fail (CI_IS_EMPLOYEE_MODEL (self));

  g_set_object (&self->services, services);
  g_set_object (&self->actor, actor);
  /* Nothing read for the last operator is shown to the next one. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  removed = self->ids->len;
  g_array_set_size (self->ids, 0);
  g_hash_table_remove_all (self->pages);
  set_loading (self, FALSE);
  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

/**
 * ci_employee_model_set_query:
 * @self: a #CiEmployeeModel with a session
 * @query: a name or employee-number prefix; "" for everyone
 * @order: the order of the list
 *
 * Starts reading the matches; the model changes when they arrive.
 */
void
ci_employee_model_set_query (CiEmployeeModel *self,
                             const char      *query,
                             CiEmployeeOrder  order)
{
  Request *r;

  g_return_if_fail (CI_IS_EMPLOYEE_MODEL (self));

  if (self->services == NULL || self->actor == NULL)
    return;
  self->generation++;
  r = request_new (self);
  r->query = g_strdup (query ? query : "");
  r->order = order;
  set_loading (self, TRUE);
  ci_job_run (g_object_ref (self), query_thread, r, request_free, answer_free,
              self->cancellable, query_done, GUINT_TO_POINTER (self->generation));
}

gboolean
ci_employee_model_get_loading (CiEmployeeModel *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE_MODEL (self), FALSE);

  return self->loading;
}

/**
 * ci_employee_model_get_error:
 * @self: a #CiEmployeeModel
 *
 * Returns: (nullable): why the last query failed (the list is empty then)
 */
const GError *
ci_employee_model_get_error (CiEmployeeModel *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE_MODEL (self), NULL);

  return self->error;
}
