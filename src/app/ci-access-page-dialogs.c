/* ci-access-page-dialogs.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-access-page-private.h"

/* The access page's forms: a new zone, a new schedule, a grant, and the one
 * confirmation a withdrawal asks. A form's response stays disabled, with a
 * hint saying why, until the model's own rules accept what was typed; the
 * core decides the rest when the form is sent. */

/* ─── the core calls ────────────────────────────────────────────────────── */

static gpointer
zone_add_thread (gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  CiAccessRequest *r = data;

  return ci_services_zone_add (r->services, r->actor, CI_ZONE (r->record), error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
schedule_add_thread (gpointer       data,
                     GCancellable  *cancellable,
                     GError       **error)
{
  CiAccessRequest *r = data;

  return ci_services_schedule_add (r->services, r->actor, CI_SCHEDULE (r->record), error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
grant_thread (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  CiAccessRequest *r = data;

  return ci_services_grant (r->services, r->actor, r->number, r->zone, r->schedule, r->expires,
                            error);
}

static gpointer
withdraw_thread (gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  CiAccessRequest *r = data;

  return ci_services_withdraw (r->services, r->actor, r->number, r->zone, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

/* ─── dialogs ───────────────────────────────────────────────────────────── */

/* A dialog with a form: its rows, a hint saying what is still missing, and
 * one response that stays disabled until the form is valid. */
static AdwMessageDialog *
form_dialog_new (CiAccessPage *self,
                 const char   *heading,
                 const char   *body,
                 const char   *response,
                 const char   *response_label,
                 GtkWidget    *rows,
                 GtkLabel    **hint)
{
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  *hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (*hint), "hint");
  gtk_label_set_wrap (*hint, TRUE);
  gtk_label_set_xalign (*hint, 0);
  gtk_widget_add_css_class (GTK_WIDGET (*hint), "dim-label");
  gtk_widget_add_css_class (rows, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (rows), GTK_SELECTION_NONE);
  gtk_box_append (GTK_BOX (box), rows);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*hint));
  gtk_widget_set_size_request (box, 360, -1);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_response_enabled (dialog, response, FALSE);
  return dialog;
}

static void
set_hint (AdwMessageDialog *dialog,
          GtkLabel         *hint,
          const char       *response,
          const char       *text)
{
  gtk_label_set_text (hint, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (hint), text != NULL);
  adw_message_dialog_set_response_enabled (dialog, response, text == NULL);
}

static GtkWidget *
entry_row_new (GtkWidget  *rows,
               const char *name,
               const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Enter sends the form, as the response button would (once it is enabled). */
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (rows), row);
  return row;
}

static AdwComboRow *
combo_row_new (GtkWidget     *rows,
               const char    *name,
               const char    *title,
               GtkStringList *model)
{
  GtkWidget *row = adw_combo_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  gtk_list_box_append (GTK_LIST_BOX (rows), row);
  g_object_unref (model);
  return ADW_COMBO_ROW (row);
}

static const char *
text_of (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return text[0] ? text : NULL;
}

/* ─── a new zone ── */

typedef struct
{
  CiAccessPage     *self;
  AdwMessageDialog *dialog;
  GtkLabel         *hint;
  AdwComboRow      *kind;
  AdwComboRow      *parent;
  GPtrArray        *parents;   /* CiZone, as the parent row lists them */
  GtkEditable      *code;
  GtkEditable      *name;
  GtkSpinButton    *level;
  AdwActionRow     *level_row;
  GtkSwitch        *hr;
  GtkWidget        *time_zone;
} ZoneForm;

static void
zone_form_free (gpointer data)
{
  ZoneForm *f = data;

  g_clear_object (&f->self);
  g_clear_pointer (&f->parents, g_ptr_array_unref);
  g_free (f);
}

static CiZone *
zone_form_read (ZoneForm *f)
{
  CiZone *zone = ci_zone_new ();
  CiZoneKind kind = adw_combo_row_get_selected (f->kind);
  guint parent = adw_combo_row_get_selected (f->parent);

  ci_zone_set_kind (zone, kind);
  if (kind != CI_ZONE_SITE && parent < f->parents->len)
    ci_zone_set_parent_id (zone, ci_zone_get_id (f->parents->pdata[parent]));
  ci_zone_set_code (zone, text_of (f->code));
  ci_zone_set_name (zone, text_of (f->name));
  ci_zone_set_security_level (zone, gtk_spin_button_get_value_as_int (f->level));
  ci_zone_set_hr_may_grant (zone, gtk_switch_get_active (f->hr));
  if (kind == CI_ZONE_SITE)
    ci_zone_set_time_zone (zone, text_of (f->time_zone));
  return zone;
}

/* The model's own rules say what is missing, in the words the core uses. */
static void
zone_form_validate (ZoneForm *f)
{
  g_autoptr(CiZone) zone = zone_form_read (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *level = _ci_access_level_text (gtk_spin_button_get_value_as_int (f->level));

  adw_action_row_set_subtitle (f->level_row, level);
  ci_zone_validate (zone, &error);
  set_hint (f->dialog, f->hint, "add", error ? error->message : NULL);
}

/* A building lies in a site, an area in a site or a building. */
static void
zone_form_kind_changed (ZoneForm *f)
{
  CiZoneKind kind = adw_combo_row_get_selected (f->kind);
  CiZone *chosen = _ci_access_page_find_zone (f->self, f->self->zone_code);
  GtkStringList *names = gtk_string_list_new (NULL);
  guint select = 0;

  g_ptr_array_set_size (f->parents, 0);
  for (guint i = 0; f->self->zones && i < f->self->zones->len; i++)
    {
      CiZone *zone = f->self->zones->pdata[i];
      g_autofree char *label = NULL;

      if (ci_zone_get_kind (zone) >= kind)
        continue;
      if (zone == chosen || (chosen && ci_zone_get_id (zone) == ci_zone_get_parent_id (chosen)
                             && select == 0))
        select = f->parents->len;
      /* Translators: a zone in a list: its name and code */
      label = g_strdup_printf (_("%s (%s)"), ci_zone_get_name (zone), ci_zone_get_code (zone));
      gtk_string_list_append (names, label);
      g_ptr_array_add (f->parents, g_object_ref (zone));
    }
  adw_combo_row_set_model (f->parent, G_LIST_MODEL (names));
  g_object_unref (names);
  adw_combo_row_set_selected (f->parent, select);
  gtk_widget_set_visible (GTK_WIDGET (f->parent), kind != CI_ZONE_SITE);
  gtk_widget_set_visible (f->time_zone, kind == CI_ZONE_SITE);
  zone_form_validate (f);
}

static void
zone_form_responded (AdwMessageDialog *dialog,
                     const char       *response,
                     ZoneForm         *f)
{
  g_autoptr(CiZone) zone = NULL;
  CiAccessRequest *r;

  if (g_strcmp0 (response, "add") != 0 || (r = _ci_access_request_new ()) == NULL)
    return;
  zone = zone_form_read (f);
  r->record = G_OBJECT (g_object_ref (zone));
  _ci_access_page_run_write (f->self, zone_add_thread, r, CI_ACCESS_WRITE_ZONE,
                             ci_zone_get_code (zone), NULL);
}

static GtkWidget *
zone_form_rows (ZoneForm *f)
{
  GtkWidget *rows = gtk_list_box_new ();
  GtkWidget *hr_row = adw_action_row_new ();
  const char *kinds[] = {
    _ci_access_kind_name (CI_ZONE_SITE),
    _ci_access_kind_name (CI_ZONE_BUILDING),
    _ci_access_kind_name (CI_ZONE_AREA),
    NULL
  };

  f->kind = combo_row_new (rows, "zone-kind", _("Kind"), gtk_string_list_new (kinds));
  f->parent = combo_row_new (rows, "zone-parent", _("Lies In"), gtk_string_list_new (NULL));
  f->code = GTK_EDITABLE (entry_row_new (rows, "zone-code", _("Code, like HQ-A-LOBBY")));
  f->name = GTK_EDITABLE (entry_row_new (rows, "zone-name", _("Name")));
  f->level_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (f->level_row), _("Security Level"));
  f->level = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 9, 1));
  gtk_widget_set_name (GTK_WIDGET (f->level), "zone-level");
  gtk_widget_set_valign (GTK_WIDGET (f->level), GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (f->level), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  f->level_row, NULL, -1);
  adw_action_row_add_suffix (f->level_row, GTK_WIDGET (f->level));
  gtk_list_box_append (GTK_LIST_BOX (rows), GTK_WIDGET (f->level_row));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hr_row), _("HR May Grant It"));
  f->hr = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_name (GTK_WIDGET (f->hr), "zone-hr");
  gtk_widget_set_valign (GTK_WIDGET (f->hr), GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (f->hr), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  hr_row, NULL, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (hr_row), GTK_WIDGET (f->hr));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (hr_row), GTK_WIDGET (f->hr));
  gtk_list_box_append (GTK_LIST_BOX (rows), hr_row);
  f->time_zone = entry_row_new (rows, "zone-time-zone", _("Time Zone, like Europe/Berlin"));
  return rows;
}

void
_ci_access_page_add_zone (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CiAccessPage *self = CI_ACCESS_PAGE (widget);
  ZoneForm *f = g_new0 (ZoneForm, 1);
  CiZone *chosen = _ci_access_page_find_zone (self, self->zone_code);
  GtkWidget *rows;

  f->self = g_object_ref (self);
  f->parents = g_ptr_array_new_with_free_func (g_object_unref);
  rows = zone_form_rows (f);
  f->dialog = form_dialog_new (self, _("New Zone"),
                               _("A site holds buildings; a building holds areas."), "add",
                               _("_Add Zone"), rows, &f->hint);
  g_object_set_data_full (G_OBJECT (f->dialog), "form", f, zone_form_free);
  /* The likely next zone: one level below the chosen one. */
  adw_combo_row_set_selected (f->kind, chosen ? MIN (ci_zone_get_kind (chosen) + 1, CI_ZONE_AREA)
                                              : CI_ZONE_SITE);
  zone_form_kind_changed (f);
  g_signal_connect_swapped (f->kind, "notify::selected", G_CALLBACK (zone_form_kind_changed), f);
  g_signal_connect_swapped (f->parent, "notify::selected", G_CALLBACK (zone_form_validate), f);
  g_signal_connect_swapped (f->code, "changed", G_CALLBACK (zone_form_validate), f);
  g_signal_connect_swapped (f->name, "changed", G_CALLBACK (zone_form_validate), f);
  g_signal_connect_swapped (f->level, "value-changed", G_CALLBACK (zone_form_validate), f);
  g_signal_connect_swapped (f->time_zone, "changed", G_CALLBACK (zone_form_validate), f);
  g_signal_connect (f->dialog, "response", G_CALLBACK (zone_form_responded), f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (f->code));
}

/* ─── a new schedule ── */

typedef struct
{
  CiAccessPage     *self;
  AdwMessageDialog *dialog;
  GtkLabel         *hint;
  GtkEditable      *name;
  GtkEditable      *rules;
} ScheduleForm;

static void
schedule_form_free (gpointer data)
{
  ScheduleForm *f = data;

  g_clear_object (&f->self);
  g_free (f);
}

static CiSchedule *
schedule_form_read (ScheduleForm *f)
{
  CiSchedule *schedule = ci_schedule_new ();

  ci_schedule_set_name (schedule, text_of (f->name));
  ci_schedule_set_rules (schedule, text_of (f->rules));
  return schedule;
}

static void
schedule_form_validate (ScheduleForm *f)
{
  g_autoptr(CiSchedule) schedule = schedule_form_read (f);
  g_autoptr(GError) error = NULL;

  ci_schedule_validate (schedule, &error);
  set_hint (f->dialog, f->hint, "add", error ? error->message : NULL);
}

static void
schedule_form_responded (AdwMessageDialog *dialog,
                         const char       *response,
                         ScheduleForm     *f)
{
  g_autoptr(CiSchedule) schedule = NULL;
  CiAccessRequest *r;

  if (g_strcmp0 (response, "add") != 0 || (r = _ci_access_request_new ()) == NULL)
    return;
  schedule = schedule_form_read (f);
  r->record = G_OBJECT (g_object_ref (schedule));
  _ci_access_page_run_write (f->self, schedule_add_thread, r, CI_ACCESS_WRITE_SCHEDULE,
                             ci_schedule_get_name (schedule), NULL);
}

void
_ci_access_page_add_schedule (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  CiAccessPage *self = CI_ACCESS_PAGE (widget);
  ScheduleForm *f = g_new0 (ScheduleForm, 1);
  GtkWidget *rows = gtk_list_box_new ();

  f->self = g_object_ref (self);
  f->name = GTK_EDITABLE (entry_row_new (rows, "schedule-name", _("Name")));
  f->rules = GTK_EDITABLE (entry_row_new (rows, "schedule-rules", _("Days and Hours")));
  f->dialog = form_dialog_new (self, _("New Schedule"),
                               _("Days and hours, separated by semicolons, for example "
                                 "“mon-fri 07:00-19:00; sat 08:00-12:00”."),
                               "add", _("_Add Schedule"), rows, &f->hint);
  g_object_set_data_full (G_OBJECT (f->dialog), "form", f, schedule_form_free);
  g_signal_connect_swapped (f->name, "changed", G_CALLBACK (schedule_form_validate), f);
  g_signal_connect_swapped (f->rules, "changed", G_CALLBACK (schedule_form_validate), f);
  g_signal_connect (f->dialog, "response", G_CALLBACK (schedule_form_responded), f);
  schedule_form_validate (f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (f->name));
}

/* ─── a grant ── */

#define LOOKUP_DELAY_MS 250

typedef struct
{
  CiAccessPage     *self;
  AdwMessageDialog *dialog;
  GtkLabel         *hint;
  GtkEditable      *employee;
  AdwActionRow     *holder;
  AdwComboRow      *zone;
  GPtrArray        *zones;      /* CiZone, as the zone row lists them */
  AdwComboRow      *schedule;
  GPtrArray        *schedules;  /* names, after "any time" in the schedule row */
  GtkEditable      *expires;
  GCancellable     *lookup;
  guint             lookup_source;
  char             *asked;      /* the text last looked up */
  char             *found;      /* that text, once the core found the employee */
  char             *found_number;
  char             *found_name;
  char             *lookup_error;
} GrantForm;

typedef struct
{
  CiEmployee *employee;
  GPtrArray  *grants;
} Holder;

static void
holder_free (gpointer data)
{
  Holder *h = data;

  g_clear_object (&h->employee);
  g_clear_pointer (&h->grants, g_ptr_array_unref);
  g_free (h);
}

static void
grant_form_free (gpointer data)
{
  GrantForm *f = data;

  g_clear_handle_id (&f->lookup_source, g_source_remove);
  g_cancellable_cancel (f->lookup);
  g_clear_object (&f->lookup);
  g_clear_object (&f->self);
  g_clear_pointer (&f->zones, g_ptr_array_unref);
  g_clear_pointer (&f->schedules, g_ptr_array_unref);
  g_free (f->asked);
  g_free (f->found);
  g_free (f->found_number);
  g_free (f->found_name);
  g_free (f->lookup_error);
  g_free (f);
}

static void
grant_form_validate (GrantForm *f)
{
  const char *number = text_of (f->employee);
  const char *expires = text_of (f->expires);
  const char *hint = NULL;

  if (number == NULL)
    hint = _("Type the employee number of the person to let in.");
  else if (f->lookup_error != NULL)
    hint = f->lookup_error;
  else if (g_strcmp0 (number, f->found) != 0)
    hint = _("Looking the employee up…");
  else if (f->zones->len == 0)
    hint = _("There is no zone you may grant.");
  else if (expires != NULL && !ci_date_is_valid (expires))
    hint = _("Type the last day as YYYY-MM-DD, or leave it empty for no end.");
  set_hint (f->dialog, f->hint, "grant", hint);
}

static gpointer
holder_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  CiAccessRequest *r = data;
  Holder *h = g_new0 (Holder, 1);

  if (!(h->employee = ci_services_employee_get (r->services, r->actor, r->number, error))
      || !(h->grants = ci_services_grant_list (r->services, r->actor, r->number, error)))
    {
      holder_free (h);
      return NULL;
    }
  return h;
}

static char *
holder_text (CiAccessPage *self,
             Holder       *h)
{
  g_autofree char *name = ci_employee_dup_display_name (h->employee);
  g_autoptr(GString) zones = g_string_new (NULL);

  for (guint i = 0; i < h->grants->len; i++)
    {
      gint64 id = ci_grant_get_zone_id (h->grants->pdata[i]);
      CiZone *zone = _ci_access_page_find_zone_by_id (self, id);

      if (zone != NULL)
        g_string_append_printf (zones, "%s%s", zones->len ? ", " : "", ci_zone_get_name (zone));
    }
  if (zones->len == 0)
    /* Translators: %s is a person's name */
    return g_strdup_printf (_("%s, who may enter no zone yet"), name);
  /* Translators: a person's name and the zones they may enter now, as a list */
  return g_strdup_printf (_("%s, who may enter %s"), name, zones->str);
}

static void
holder_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  GrantForm *f = g_object_get_data (G_OBJECT (dialog), "form");
  g_autoptr(GError) error = NULL;
  Holder *h = ci_job_finish (result, &error);
  g_autofree char *text = NULL;

  if (f == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&h, holder_free);
      return;
    }
  g_clear_object (&f->lookup);
  g_clear_pointer (&f->lookup_error, g_free);
  if (h == NULL)
    f->lookup_error = g_strdup (error->message);
  else
    {
      g_free (f->found);
      g_free (f->found_number);
      g_free (f->found_name);
      f->found = g_strdup (f->asked);
      f->found_number = g_strdup (ci_employee_get_number (h->employee));
      f->found_name = ci_employee_dup_display_name (h->employee);
      text = holder_text (f->self, h);
      holder_free (h);
    }
  adw_action_row_set_subtitle (f->holder, text ? text : "");
  grant_form_validate (f);
}

static gboolean
grant_form_lookup (gpointer user_data)
{
  GrantForm *f = user_data;
  CiAccessRequest *r = _ci_access_request_new ();

  f->lookup_source = 0;
  if (r == NULL || text_of (f->employee) == NULL)
    {
      g_clear_pointer (&r, _ci_access_request_free);
      return G_SOURCE_REMOVE;
    }
  r->number = g_strdup (text_of (f->employee));
  g_free (f->asked);
  f->asked = g_strdup (r->number);
  f->lookup = g_cancellable_new ();
  ci_job_run (NULL, holder_thread, r, _ci_access_request_free, holder_free, f->lookup, holder_done,
              g_object_ref (f->dialog));
  return G_SOURCE_REMOVE;
}

/* The holder is looked up once typing pauses. */
static void
grant_form_employee_changed (GrantForm *f)
{
  g_clear_handle_id (&f->lookup_source, g_source_remove);
  g_cancellable_cancel (f->lookup);
  g_clear_object (&f->lookup);
  g_clear_pointer (&f->found, g_free);
  g_clear_pointer (&f->lookup_error, g_free);
  adw_action_row_set_subtitle (f->holder, "");
  if (text_of (f->employee) != NULL)
    f->lookup_source = g_timeout_add (LOOKUP_DELAY_MS, grant_form_lookup, f);
  grant_form_validate (f);
}

static void
grant_form_responded (AdwMessageDialog *dialog,
                      const char       *response,
                      GrantForm        *f)
{
  guint zone = adw_combo_row_get_selected (f->zone);
  guint schedule = adw_combo_row_get_selected (f->schedule);
  CiAccessRequest *r;

  if (g_strcmp0 (response, "grant") != 0 || zone >= f->zones->len
      || (r = _ci_access_request_new ()) == NULL)
    return;
  r->number = g_strdup (f->found_number);
  r->zone = g_strdup (ci_zone_get_code (f->zones->pdata[zone]));
  /* The first choice is "any time". */
  if (schedule > 0 && schedule <= f->schedules->len)
    r->schedule = g_strdup (f->schedules->pdata[schedule - 1]);
  r->expires = g_strdup (text_of (f->expires));
  _ci_access_page_run_write (f->self, grant_thread, r, CI_ACCESS_WRITE_GRANT,
                             ci_zone_get_name (f->zones->pdata[zone]), f->found_name);
}

/* Only the zones the core lets this operator grant are offered. */
static AdwComboRow *
grant_zone_row (GrantForm *f,
                GtkWidget *rows)
{
  CiAccessPage *self = f->self;
  GtkStringList *names = gtk_string_list_new (NULL);
  AdwComboRow *row;
  guint select = 0;

  for (guint i = 0; self->zones && i < self->zones->len; i++)
    {
      CiZone *zone = self->zones->pdata[i];
      g_autofree char *label = NULL;

      if (!_ci_access_page_may_grant (self, zone))
        continue;
      if (g_strcmp0 (ci_zone_get_code (zone), self->zone_code) == 0)
        select = f->zones->len;
      /* Translators: a zone in a list: its name and code */
      label = g_strdup_printf (_("%s (%s)"), ci_zone_get_name (zone), ci_zone_get_code (zone));
      gtk_string_list_append (names, label);
      g_ptr_array_add (f->zones, g_object_ref (zone));
    }
  row = combo_row_new (rows, "grant-zone", _("Zone"), names);
  adw_combo_row_set_selected (row, select);
  return row;
}

static AdwComboRow *
grant_schedule_row (GrantForm *f,
                    GtkWidget *rows)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  gtk_string_list_append (names, _("Any time"));
  for (guint i = 0; f->self->schedules && i < f->self->schedules->len; i++)
    {
      const char *name = ci_schedule_get_name (f->self->schedules->pdata[i]);

      gtk_string_list_append (names, name);
      g_ptr_array_add (f->schedules, g_strdup (name));
    }
  return combo_row_new (rows, "grant-schedule", _("Schedule"), names);
}

void
_ci_access_page_grant (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CiAccessPage *self = CI_ACCESS_PAGE (widget);
  GrantForm *f = g_new0 (GrantForm, 1);
  GtkWidget *rows = gtk_list_box_new ();

  f->self = g_object_ref (self);
  f->zones = g_ptr_array_new_with_free_func (g_object_unref);
  f->schedules = g_ptr_array_new_with_free_func (g_free);
  f->employee = GTK_EDITABLE (entry_row_new (rows, "grant-employee", _("Employee Number")));
  f->holder = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (f->holder), "grant-holder");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (f->holder), _("Holder"));
  gtk_widget_add_css_class (GTK_WIDGET (f->holder), "property");
  gtk_list_box_append (GTK_LIST_BOX (rows), GTK_WIDGET (f->holder));
  f->zone = grant_zone_row (f, rows);
  f->schedule = grant_schedule_row (f, rows);
  f->expires = GTK_EDITABLE (entry_row_new (rows, "grant-expires",
                                            _("Last Day, YYYY-MM-DD (optional)")));
  f->dialog = form_dialog_new (self, _("Grant Access"),
                               _("The person may enter the zone on the days and hours of the "
                                 "schedule, up to the last day if there is one."),
                               "grant", _("_Grant"), rows, &f->hint);
  g_object_set_data_full (G_OBJECT (f->dialog), "form", f, grant_form_free);
  g_signal_connect_swapped (f->employee, "changed", G_CALLBACK (grant_form_employee_changed), f);
  g_signal_connect_swapped (f->expires, "changed", G_CALLBACK (grant_form_validate), f);
  g_signal_connect (f->dialog, "response", G_CALLBACK (grant_form_responded), f);
  grant_form_validate (f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (f->employee));
}

/* ─── withdrawing ── */

typedef struct
{
  CiAccessPage *self;
  char         *number;
  char         *name;
  char         *zone_code;
  char         *zone_name;
} Withdrawal;

static void
withdrawal_free (gpointer data)
{
  Withdrawal *w = data;

  g_clear_object (&w->self);
  g_free (w->number);
  g_free (w->name);
  g_free (w->zone_code);
  g_free (w->zone_name);
  g_free (w);
}

static void
withdraw_responded (AdwMessageDialog *dialog,
                    const char       *response,
                    Withdrawal       *w)
{
  CiAccessRequest *r;

  if (g_strcmp0 (response, "withdraw") != 0 || (r = _ci_access_request_new ()) == NULL)
    return;
  r->number = g_strdup (w->number);
  r->zone = g_strdup (w->zone_code);
  _ci_access_page_run_write (w->self, withdraw_thread, r, CI_ACCESS_WRITE_WITHDRAW, w->zone_name,
                             w->name);
}

void
_ci_access_page_withdraw (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CiAccessPage *self = CI_ACCESS_PAGE (widget);
  const char *number = g_variant_get_string (parameter, NULL);
  CiZone *zone = _ci_access_page_find_zone (self, self->zone_code);
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (widget));
  Withdrawal *w;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (zone == NULL)
    return;
  w = g_new0 (Withdrawal, 1);
  w->self = g_object_ref (self);
  w->number = g_strdup (number);
  w->name = g_strdup (number);
  for (guint i = 0; self->access && i < self->access->len; i++)
    {
      CiZoneAccess *access = self->access->pdata[i];

      if (g_strcmp0 (access->employee_number, number) == 0)
        {
          g_free (w->name);
          w->name = g_strdup (access->employee_name);
        }
    }
  w->zone_code = g_strdup (ci_zone_get_code (zone));
  w->zone_name = g_strdup (ci_zone_get_name (zone));
  /* Translators: a person's name, their employee number, and a zone's name */
  body = g_strdup_printf (_("%s (%s) will no longer be let into %s. Their card keeps the zone "
                            "until it is re-encoded."), w->name, number, w->zone_name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Withdraw Access?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "withdraw", _("_Withdraw"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "withdraw", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "withdrawal", w, withdrawal_free);
  g_signal_connect (dialog, "response", G_CALLBACK (withdraw_responded), w);
  gtk_window_present (GTK_WINDOW (dialog));
}

