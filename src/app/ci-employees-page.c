/* ci-employees-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-application.h"
#include "ci-employee-editor.h"
#include "ci-employees-page.h"
#include "ci-job.h"
#include "face/ci-face-render.h"
#include "ci-ui.h"
#include "ci-window.h"

/* Find an employee among many thousands: the list filters on every keystroke
 * (the model reads only the ids of the matches and the rows on screen), and
 * the pane on the right shows the chosen one with their photo and cards.
 * The HR desk enrols and edits employees from here (CiEmployeeEditor); after
 * a save the list is read again and the saved employee is chosen. */

/* How far down the list a saved employee is looked for, in rows, before the
 * list is narrowed to their number: rows past the first pages are not read. */
#define RESELECT_SCAN 200

struct _CiEmployeesPage
{
  AdwBin           parent_instance;

  GtkSearchEntry  *search_entry;
  GtkDropDown     *order_dropdown;
  GtkLabel        *count_label;
  GtkSingleSelection *selection;
  GtkStack        *detail_stack;
  GtkPicture      *photo;
  GtkLabel        *name_label;
  AdwActionRow    *number_row;
  AdwActionRow    *department_row;
  AdwActionRow    *validity_row;
  GtkListBox      *cards_list;
  GtkButton       *issue_button;
  GtkWidget       *new_button;
  GtkWidget       *edit_button;
  GtkColumnViewColumn *column_number;
  GtkColumnViewColumn *column_name;
  GtkColumnViewColumn *column_department;
  GtkColumnViewColumn *column_valid_until;
  GtkColumnViewColumn *column_status;

  CiEmployeeModel *model;
  GCancellable    *detail_cancellable;
  char            *shown_number;    /* the employee in the detail pane */
  CiEmployeeRow   *waiting_row;     /* chosen, its page not read yet */
  gint64           reselect_id;     /* saved: to choose once the list has them */
  char            *reselect_number;
  guint            reselect_hint;   /* where they were */
  gboolean         reselect_narrowed;
  guint            reselect_source;
  gboolean         focus_detail;    /* Enter chose the row: focus the pane once shown */
};

G_DEFINE_FINAL_TYPE (CiEmployeesPage, ci_employees_page, ADW_TYPE_BIN)

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static void
refilter (CiEmployeesPage *self)
{
  static const CiEmployeeOrder orders[] = {
    CI_EMPLOYEE_ORDER_NAME, CI_EMPLOYEE_ORDER_NAME_DESC,
    CI_EMPLOYEE_ORDER_NUMBER, CI_EMPLOYEE_ORDER_NUMBER_DESC,
  };
  guint selected = gtk_drop_down_get_selected (self->order_dropdown);

  /* The model keeps its row objects for the new matches: a selection would
   * silently move to whoever is now at that place. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  ci_employee_model_set_query (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                               orders[MIN (selected, G_N_ELEMENTS (orders) - 1)]);
}

static void
update_count (CiEmployeesPage *self)
{
  const GError *error = ci_employee_model_get_error (self->model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;

  if (error != NULL)
    text = g_strdup (error->message);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u employee", "%u employees", n), n);
  gtk_label_set_text (self->count_label, text);
}

/* ─── the chosen employee ───────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;
} DetailRequest;

typedef struct
{
  CiEmployee *employee;
  GPtrArray  *cards;
  GdkTexture *photo;     /* decoded here, off the main loop */
} Detail;

static void
detail_request_free (gpointer data)
{
  DetailRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->number);
  g_free (r);
}

static void
detail_free (gpointer data)
{
  Detail *d = data;

  g_clear_object (&d->employee);
  g_clear_pointer (&d->cards, g_ptr_array_unref);
  g_clear_object (&d->photo);
  g_free (d);
}

static gpointer
detail_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  DetailRequest *r = data;
  Detail *d = g_new0 (Detail, 1);

  if (!(d->employee = ci_services_employee_get (r->services, r->actor, r->number, error))
      || !(d->cards = ci_services_card_list (r->services, r->actor, r->number, error)))
    {
      detail_free (d);
      return NULL;
    }
  if (ci_employee_get_photo (d->employee) != NULL)
    {
      /* With the card face's decoder and its limits; a photo it refuses is
       * simply not shown here (the issue page says what is wrong with it). */
      g_autoptr(GdkPixbuf) pixbuf = ci_face_image_decode (ci_employee_get_photo (d->employee),
                                                          NULL);
      if (pixbuf != NULL)
        d->photo = gdk_texture_new_for_pixbuf (pixbuf);
    }
  return d;
}

static GtkWidget *
card_row_new (CiCard *card)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *serial = g_strdup_printf ("%010" G_GINT64_FORMAT, ci_card_get_serial (card));
  /* Translators: %s is the card serial as printed on the card */
  g_autofree char *title = g_strdup_printf (_("Card %s"), serial);
  g_autofree char *subtitle = NULL;

  if (ci_card_get_valid_until (card) != NULL)
    /* Translators: a card's state ("active", "lost", …) and the date it expires */
    subtitle = g_strdup_printf (_("%s, valid until %s"),
                                ci_ui_card_state_name (ci_card_get_state (card)),
                                ci_card_get_valid_until (card));
  else
    subtitle = g_strdup (ci_ui_card_state_name (ci_card_get_state (card)));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* After Enter on a row: the focus goes to the next thing to do with the
 * employee, the card (or, for those who may not issue one, the details). */
static void
focus_detail (CiEmployeesPage *self)
{
  self->focus_detail = FALSE;
  if (gtk_widget_get_visible (GTK_WIDGET (self->issue_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->issue_button));
  else if (gtk_widget_get_visible (self->edit_button))
    gtk_widget_grab_focus (self->edit_button);
}

static void
show_detail (CiEmployeesPage *self,
             Detail          *d)
{
  CiEmployee *e = d->employee;
  g_autofree char *name = ci_employee_dup_display_name (e);
  g_autofree char *validity = NULL;
  g_autofree char *department = NULL;

  gtk_label_set_text (self->name_label, name);
  adw_action_row_set_subtitle (self->number_row, ci_employee_get_number (e));
  department = g_strjoin (" · ", ci_employee_get_department (e) ? ci_employee_get_department (e)
                                                                 : "",
                          ci_employee_get_job_title (e), NULL);
  adw_action_row_set_subtitle (self->department_row, department);
  /* Translators: the validity of an employee's badge, from one date to another */
  validity = g_strdup_printf (_("%s to %s"),
                              ci_employee_get_valid_from (e) ? ci_employee_get_valid_from (e) : "",
                              ci_employee_get_valid_until (e) ? ci_employee_get_valid_until (e)
                                                              : "");
  adw_action_row_set_subtitle (self->validity_row, validity);
  gtk_picture_set_paintable (self->photo, GDK_PAINTABLE (d->photo));
  gtk_widget_set_visible (GTK_WIDGET (self->photo), d->photo != NULL);

  ci_ui_list_box_clear (self->cards_list);
  for (guint i = 0; i < d->cards->len; i++)
    gtk_list_box_append (self->cards_list, card_row_new (d->cards->pdata[i]));
  if (d->cards->len == 0)
    {
      GtkWidget *none = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none), _("No card yet"));
      gtk_list_box_append (self->cards_list, none);
    }
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->issue_button), "s",
                                    ci_employee_get_number (e));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->issue_button), "win.issue-for");
  gtk_widget_set_visible (GTK_WIDGET (self->issue_button),
                          ci_application_may (get_app (), CI_ACTION_CARD_ISSUE));
  g_free (self->shown_number);
  self->shown_number = g_strdup (ci_employee_get_number (e));
  gtk_widget_set_visible (self->edit_button,
                          ci_application_may (get_app (), CI_ACTION_EMPLOYEE_EDIT));
  gtk_stack_set_visible_child_name (self->detail_stack, "employee");
  if (self->focus_detail)
    focus_detail (self);
}

static void
detail_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiEmployeesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Detail *d = ci_job_finish (result, &error);

  if (d == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->count_label, error->message);
      return;
    }
  show_detail (self, d);
  detail_free (d);
}

static void
selection_changed (CiEmployeesPage *self)
{
  CiEmployeeRow *row = gtk_single_selection_get_selected_item (self->selection);
  CiEmployee *e = row ? ci_employee_row_get_employee (row) : NULL;
  CiApplication *app = get_app ();
  DetailRequest *r;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_pointer (&self->shown_number, g_free);
  /* Another employee chosen (not the one whose row was just read) is not
   * the one Enter chose. */
  if (row == NULL || row != self->waiting_row)
    self->focus_detail = FALSE;
  /* Until the new one is read, nothing of the one before stays offered. */
  gtk_stack_set_visible_child_name (self->detail_stack, "empty");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->issue_button), NULL);
  if (self->waiting_row != NULL)
    g_signal_handlers_disconnect_by_func (self->waiting_row, selection_changed, self);
  g_clear_object (&self->waiting_row);
  if (row != NULL && e == NULL && ci_application_get_operator (app) != NULL)
    {
      /* A row far down the list, its page still being read: it fills in soon. */
      self->waiting_row = g_object_ref (row);
      g_signal_connect_swapped (row, "notify::loaded", G_CALLBACK (selection_changed), self);
    }
  if (e == NULL || ci_application_get_operator (app) == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }
  self->detail_cancellable = g_cancellable_new ();
  r = g_new0 (DetailRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->number = g_strdup (ci_employee_get_number (e));
  ci_job_run (NULL, detail_thread, r, detail_request_free, detail_free, self->detail_cancellable,
              detail_done, g_object_ref (self));
}

/* The pane is read on a worker: its buttons take the focus once it shows the
 * employee, not while they still belong to the one before. */
static void
row_activated (CiEmployeesPage *self,
               guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
  self->focus_detail = TRUE;
  /* The same row again: the pane shows them already. */
  if (self->shown_number != NULL)
    focus_detail (self);
}

/* Enter in the search field picks the first match. */
static void
search_activated (CiEmployeesPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

/* ─── enrolling and editing ─────────────────────────────────────────────── */

static void
update_edit_actions (CiEmployeesPage *self)
{
  gboolean may = ci_application_may (get_app (), CI_ACTION_EMPLOYEE_EDIT);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employees.new", may);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "employees.edit", may);
  gtk_widget_set_visible (self->new_button, may);
  gtk_widget_set_visible (self->edit_button, may && self->shown_number != NULL);
}

/* Chooses the saved employee if the list has them: where they were, or among
 * the first rows; else the list is narrowed to their number, once. */
static gboolean
reselect (gpointer user_data)
{
  CiEmployeesPage *self = user_data;
  GListModel *model = G_LIST_MODEL (self->model);
  guint n = g_list_model_get_n_items (model);
  guint hint = self->reselect_hint;

  self->reselect_source = 0;
  for (guint i = 0; i <= MIN (n, RESELECT_SCAN); i++)
    {
      guint position = i == 0 ? hint : i - 1;
      g_autoptr(CiEmployeeRow) row = position < n ? g_list_model_get_item (model, position) : NULL;

      if (row != NULL && ci_employee_row_get_id (row) == self->reselect_id)
        {
          self->reselect_id = 0;
          gtk_single_selection_set_selected (self->selection, position);
          return G_SOURCE_REMOVE;
        }
    }
  if (!self->reselect_narrowed && self->reselect_id != 0)
    {
      self->reselect_narrowed = TRUE;
      /* The search field shows why the list holds only them. */
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), self->reselect_number);
      refilter (self);
      return G_SOURCE_REMOVE;
    }
  self->reselect_id = 0;
  return G_SOURCE_REMOVE;
}

/* The model's answer is in place right after "loading" goes off. */
static void
loading_changed (CiEmployeesPage *self)
{
  if (self->reselect_id != 0 && !ci_employee_model_get_loading (self->model)
      && self->reselect_source == 0)
    self->reselect_source = g_idle_add (reselect, self);
}

static void
show_saved (CiEmployeesPage *self,
            CiEmployee      *employee,
            gboolean         is_new)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = ci_employee_dup_display_name (employee);
  /* Translators: %s is the name of the employee just saved */
  g_autofree char *text = g_strdup_printf (_("%s is saved"), name);
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (CI_IS_WINDOW (root))
    ci_window_show_toast (CI_WINDOW (root), text);
  self->reselect_id = ci_employee_get_id (employee);
  self->reselect_hint = selected != GTK_INVALID_LIST_POSITION ? selected : 0;
  g_free (self->reselect_number);
  self->reselect_number = g_strdup (ci_employee_get_number (employee));
  /* A new employee is shown alone, ready for their first card. */
  self->reselect_narrowed = is_new;
  if (is_new)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), self->reselect_number);
  refilter (self);
}

static void
new_saved (CiEmployeesPage *self,
           CiEmployee      *employee)
{
  show_saved (self, employee, TRUE);
}

static void
edit_saved (CiEmployeesPage *self,
            CiEmployee      *employee)
{
  show_saved (self, employee, FALSE);
}

static void
open_editor (CiEmployeesPage *self,
             const char      *number)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  CiEmployeeEditor *editor;

  if (!ci_application_may (get_app (), CI_ACTION_EMPLOYEE_EDIT))
    return;
  editor = ci_employee_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, number);
  g_signal_connect_object (editor, "saved", G_CALLBACK (number ? edit_saved : new_saved), self,
                           G_CONNECT_SWAPPED);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (CI_EMPLOYEES_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiEmployeesPage *self = CI_EMPLOYEES_PAGE (widget);

  if (self->shown_number != NULL)
    open_editor (self, self->shown_number);
}

/* ─── list cells ────────────────────────────────────────────────────────── */

/* Cells are inscriptions made in code: a builder factory parses its template
 * for every cell, and a label measures its text, while an inscription's size
 * does not depend on it. A keystroke changes the text of every row the view
 * keeps (about 200), so this is most of the time a filter takes. */
static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_list_item_set_child (item, cell);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const char               *property)
{
  GBinding *binding = g_object_bind_property (gtk_list_item_get_item (item), property,
                                              gtk_list_item_get_child (item), "text",
                                              G_BINDING_SYNC_CREATE);

  g_object_set_data (G_OBJECT (item), "ci-binding", binding);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GBinding *binding = g_object_steal_data (G_OBJECT (item), "ci-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
}

static void
set_column_factory (GtkColumnViewColumn *col,
                    const char          *property)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), NULL);
  /* The property name is static: it outlives the factory. */
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), (gpointer) property);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind), NULL);
  gtk_column_view_column_set_factory (col, factory);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_employees_page_dispose (GObject *object)
{
  CiEmployeesPage *self = CI_EMPLOYEES_PAGE (object);

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_handle_id (&self->reselect_source, g_source_remove);
  if (self->waiting_row != NULL)
    g_signal_handlers_disconnect_by_func (self->waiting_row, selection_changed, self);
  g_clear_object (&self->waiting_row);
  g_clear_pointer (&self->shown_number, g_free);
  g_clear_pointer (&self->reselect_number, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_EMPLOYEES_PAGE);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (ci_employees_page_parent_class)->dispose (object);
}

static void
ci_employees_page_class_init (CiEmployeesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_employees_page_dispose;

  g_type_ensure (CI_TYPE_EMPLOYEE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-employees-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, selection);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, photo);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, number_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, department_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, validity_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, cards_list);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, issue_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, edit_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, column_number);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, column_name);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, column_department);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, column_valid_until);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeesPage, column_status);
  gtk_widget_class_bind_template_callback (widget_class, refilter);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_bind_template_callback (widget_class, search_activated);

  gtk_widget_class_install_action (widget_class, "employees.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "employees.edit", NULL, edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "employees.new",
                                       NULL);
}

static void
ci_employees_page_init (CiEmployeesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_column_factory (self->column_number, "number");
  set_column_factory (self->column_name, "name");
  set_column_factory (self->column_department, "department");
  set_column_factory (self->column_valid_until, "valid-until");
  set_column_factory (self->column_status, "status");
  self->model = ci_employee_model_new ();
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  /* A query that fails, or finds as many as the one before, changes no items. */
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (loading_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (get_app (), "notify::operator", G_CALLBACK (update_edit_actions), self,
                           G_CONNECT_SWAPPED);
  update_count (self);
  update_edit_actions (self);
}

/**
 * ci_employees_page_reload:
 * @self: a #CiEmployeesPage
 *
 * Reads the list again for the operator signed in now; with nobody signed
 * in, the last operator's search goes too.
 */
void
ci_employees_page_reload (CiEmployeesPage *self)
{
  CiApplication *app = get_app ();

  g_return_if_fail (CI_IS_EMPLOYEES_PAGE (self));

  if (ci_application_get_operator (app) == NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_stack_set_visible_child_name (self->detail_stack, "empty");
  self->reselect_id = 0;
  ci_employee_model_set_session (self->model, ci_application_get_services (app),
                                 ci_application_get_operator (app));
  if (ci_application_may (app, CI_ACTION_EMPLOYEE_VIEW))
    refilter (self);
}

void
ci_employees_page_focus_search (CiEmployeesPage *self)
{
  g_return_if_fail (CI_IS_EMPLOYEES_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * ci_employees_page_get_model:
 * @self: a #CiEmployeesPage
 *
 * Returns: (transfer none): the list's model, for tests and benchmarks
 */
CiEmployeeModel *
ci_employees_page_get_model (CiEmployeesPage *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEES_PAGE (self), NULL);

  return self->model;
}
