/* ci-employee-editor.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ci-application.h"
#include "ci-employee-editor.h"
#include "ci-job.h"
#include "ci-photo-cropper.h"

/* The HR desk enrolls an employee here, or edits one. Every keystroke builds
 * the record the form shows and asks the model's own rules
 * (ci_employee_validate) about it: the first problem they find is shown
 * under its field, and Save waits until there is none. Saving, reading the
 * employee and decoding a photo run on worker threads; whatever the core
 * refuses (a number taken, someone else's change in between) is shown here,
 * and the form keeps what was typed. */

struct _CiEmployeeEditor
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkButton      *save_button;
  GtkSpinner     *spinner;
  GtkStack       *main_stack;
  AdwStatusPage  *failed_page;
  GtkWidget      *form;
  GtkWidget      *save_error_box;
  GtkLabel       *save_error_label;
  GtkWidget      *reload_button;
  GtkStack       *photo_stack;
  GtkSpinner     *photo_spinner;
  CiPhotoCropper *cropper;
  GtkLabel       *photo_error_label;
  GtkButton      *choose_photo_button;
  AdwEntryRow    *number_row;
  AdwActionRow   *number_info_row;
  AdwEntryRow    *given_name_row;
  AdwEntryRow    *family_name_row;
  AdwEntryRow    *department_row;
  AdwEntryRow    *job_title_row;
  AdwEntryRow    *email_row;
  AdwEntryRow    *valid_from_row;
  AdwEntryRow    *valid_until_row;
  AdwComboRow    *status_row;
  GtkCalendar    *valid_from_calendar;
  GtkCalendar    *valid_until_calendar;
  GtkLabel       *person_error_label;
  GtkLabel       *work_error_label;
  GtkLabel       *validity_error_label;
  GtkLabel       *form_hint_label;

  char           *number;          /* editing: whom; NULL for a new employee */
  CiEmployee     *original;        /* editing: as read, with its version */
  GdkPixbuf      *photo;           /* the full image under the frame */
  gboolean        photo_changed;   /* the stored photo is replaced or removed */
  gboolean        photo_loading;
  gboolean        photo_problem;   /* photo_error_label holds a rule's message */
  gboolean        loaded;
  gboolean        valid;
  gboolean        saving;
  gboolean        filling;         /* the form is being filled in by code */
  GCancellable   *cancellable;
  GCancellable   *photo_cancellable;
  GtkNativeDialog *chooser;
};

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CiEmployeeEditor, ci_employee_editor, ADW_TYPE_WINDOW)

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static const char *
text_of (gpointer editable)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (editable));

  return text[0] ? text : NULL;
}

static void
update_actions (CiEmployeeEditor *self)
{
  gboolean idle = self->loaded && !self->saving;
  gboolean has_photo = self->photo_changed ? self->photo != NULL
                       : self->original != NULL && ci_employee_get_photo (self->original) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 idle && self->valid && !self->photo_loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.choose-photo", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reload", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.remove-photo",
                                 idle && has_photo && !self->photo_loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ─── the form and the model's rules ────────────────────────────────────── */

/* The record the form shows. A new photo is checked when it is encoded, on
 * saving; until then the record carries the stored one, if it is kept. */
static CiEmployee *
read_form (CiEmployeeEditor *self)
{
  CiEmployee *e = self->original ? ci_employee_copy (self->original) : ci_employee_new ();

  if (self->original == NULL)
    ci_employee_set_number (e, text_of (self->number_row));
  ci_employee_set_given_name (e, text_of (self->given_name_row));
  ci_employee_set_family_name (e, text_of (self->family_name_row));
  ci_employee_set_department (e, text_of (self->department_row));
  ci_employee_set_job_title (e, text_of (self->job_title_row));
  ci_employee_set_email (e, text_of (self->email_row));
  ci_employee_set_valid_from (e, text_of (self->valid_from_row));
  ci_employee_set_valid_until (e, text_of (self->valid_until_row));
  if (self->original != NULL)
    ci_employee_set_status (e, adw_combo_row_get_selected (self->status_row));
  if (self->photo_changed)
    ci_employee_set_photo (e, NULL);
  return e;
}

typedef struct
{
  const char *name;     /* how the model's messages name the field */
  GtkWidget  *row;      /* NULL for the photo */
  GtkLabel   *message;
} Field;

#define N_FIELDS 9

static void
get_fields (CiEmployeeEditor *self,
            Field             fields[N_FIELDS])
{
  const Field all[N_FIELDS] = {
    { "Employee number", GTK_WIDGET (self->number_row), self->person_error_label },
    { "Given name", GTK_WIDGET (self->given_name_row), self->person_error_label },
    { "Family name", GTK_WIDGET (self->family_name_row), self->person_error_label },
    { "Department", GTK_WIDGET (self->department_row), self->work_error_label },
    { "Job title", GTK_WIDGET (self->job_title_row), self->work_error_label },
    { "E-mail", GTK_WIDGET (self->email_row), self->work_error_label },
    { "Valid from", GTK_WIDGET (self->valid_from_row), self->validity_error_label },
    { "Valid until", GTK_WIDGET (self->valid_until_row), self->validity_error_label },
    { "Photo", NULL, self->photo_error_label },
  };

  memcpy (fields, all, sizeof all);
}

static void
clear_problems (CiEmployeeEditor *self,
                const Field       fields[N_FIELDS])
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (fields[i].row != NULL)
      {
        gtk_widget_remove_css_class (fields[i].row, "error");
        gtk_accessible_reset_state (GTK_ACCESSIBLE (fields[i].row), GTK_ACCESSIBLE_STATE_INVALID);
        gtk_accessible_reset_relation (GTK_ACCESSIBLE (fields[i].row),
                                       GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
      }
  gtk_widget_set_visible (GTK_WIDGET (self->person_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->work_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->validity_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->form_hint_label), FALSE);
  if (self->photo_problem)
    gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), FALSE);
  self->photo_problem = FALSE;
}

static void
show_message (GtkLabel   *label,
              const char *text,
              gboolean    as_error)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  if (as_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
}

/* The model's message begins with the field's name (ci_employee_validate
 * says so); it goes under that field. A field nobody has typed in yet is not
 * marked red: the message is a quiet hint until then. */
static void
show_problem (CiEmployeeEditor *self,
              const Field       fields[N_FIELDS],
              const char       *message)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      gsize n = strlen (fields[i].name);
      gboolean touched;

      if (g_ascii_strncasecmp (message, fields[i].name, n) != 0
          || (message[n] != ' ' && message[n] != '\0'))
        continue;
      touched = fields[i].row == NULL || g_object_get_data (G_OBJECT (fields[i].row), "ci-touched");
      show_message (fields[i].message, message, touched);
      self->photo_problem = fields[i].row == NULL;
      if (touched && fields[i].row != NULL)
        {
          gtk_widget_add_css_class (fields[i].row, "error");
          gtk_accessible_update_state (GTK_ACCESSIBLE (fields[i].row),
                                       GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                       -1);
          gtk_accessible_update_relation (GTK_ACCESSIBLE (fields[i].row),
                                          GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                          fields[i].message, NULL, -1);
        }
      return;
    }
  show_message (self->form_hint_label, message, FALSE);
}

static void
validate (CiEmployeeEditor *self)
{
  g_autoptr(CiEmployee) e = NULL;
  g_autoptr(GError) error = NULL;
  Field fields[N_FIELDS];

  if (!self->loaded)
    return;
  e = read_form (self);
  get_fields (self, fields);
  self->valid = ci_employee_validate (e, &error);
  clear_problems (self, fields);
  if (!self->valid)
    show_problem (self, fields, error->message);
  update_actions (self);
}

static void
field_changed (GtkEditable      *row,
               CiEmployeeEditor *self)
{
  if (self->filling)
    return;
  g_object_set_data (G_OBJECT (row), "ci-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
status_changed (CiEmployeeEditor *self)
{
  if (!self->filling)
    validate (self);
}

static void
fill_form (CiEmployeeEditor *self,
           CiEmployee       *e)
{
  AdwEntryRow *rows[] = {
    self->number_row, self->given_name_row, self->family_name_row, self->department_row,
    self->job_title_row, self->email_row, self->valid_from_row, self->valid_until_row,
  };
  const char *texts[] = {
    ci_employee_get_number (e), ci_employee_get_given_name (e), ci_employee_get_family_name (e),
    ci_employee_get_department (e), ci_employee_get_job_title (e), ci_employee_get_email (e),
    ci_employee_get_valid_from (e), ci_employee_get_valid_until (e),
  };
  g_autofree char *name = ci_employee_dup_display_name (e);

  self->filling = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (rows[i]), texts[i] ? texts[i] : "");
      /* What was stored passed the rules: a problem in it is shown at once. */
      g_object_set_data (G_OBJECT (rows[i]), "ci-touched", GINT_TO_POINTER (TRUE));
    }
  adw_combo_row_set_selected (self->status_row, ci_employee_get_status (e));
  self->filling = FALSE;
  adw_action_row_set_subtitle (self->number_info_row, ci_employee_get_number (e));
  adw_window_title_set_subtitle (self->window_title, name);
}

/* ─── the photo ─────────────────────────────────────────────────────────── */

typedef struct
{
  GdkPixbuf  *pixbuf;
  GdkTexture *preview;
} Photo;

static void
photo_free (gpointer data)
{
  Photo *p = data;

  g_clear_object (&p->pixbuf);
  g_clear_object (&p->preview);
  g_free (p);
}

static Photo *
photo_new (GBytes  *bytes,
           GError **error)
{
  Photo *p;
  GdkPixbuf *pixbuf = ci_photo_decode (bytes, error);

  if (pixbuf == NULL)
    return NULL;
  p = g_new0 (Photo, 1);
  p->pixbuf = pixbuf;
  p->preview = ci_photo_preview (pixbuf);
  return p;
}

static gpointer
photo_thread (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GBytes) bytes = ci_photo_read_file (data, cancellable, error);

  return bytes ? photo_new (bytes, error) : NULL;
}

/* Shows @pixbuf under a new frame; the frame set here is not the person's. */
static void
show_photo (CiEmployeeEditor *self,
            GdkPixbuf        *pixbuf,
            GdkTexture       *preview)
{
  g_set_object (&self->photo, pixbuf);
  self->filling = TRUE;
  ci_photo_cropper_set_image (self->cropper, preview,
                              pixbuf ? gdk_pixbuf_get_width (pixbuf) : 0,
                              pixbuf ? gdk_pixbuf_get_height (pixbuf) : 0);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->photo_stack, pixbuf ? "photo" : "none");
}

static void
photo_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiEmployeeEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  Photo *p = ci_job_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->photo_loading = FALSE;
  gtk_spinner_stop (self->photo_spinner);
  if (p == NULL)
    {
      gtk_stack_set_visible_child_name (self->photo_stack,
                                        ci_photo_cropper_has_image (self->cropper) ? "photo"
                                                                                   : "none");
      show_message (self->photo_error_label, error->message, TRUE);
      self->photo_problem = FALSE;
      update_actions (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), FALSE);
  self->photo_changed = TRUE;
  show_photo (self, p->pixbuf, p->preview);
  photo_free (p);
  gtk_widget_grab_focus (GTK_WIDGET (self->cropper));
  validate (self);
}

/**
 * ci_employee_editor_load_photo:
 * @self: a #CiEmployeeEditor
 * @file: a PNG or JPEG image
 *
 * Reads and decodes @file on a worker thread and shows it under a frame, as
 * "Choose Photo…" does; a file that cannot be used is explained below it.
 */
void
ci_employee_editor_load_photo (CiEmployeeEditor *self,
                               GFile            *file)
{
  g_return_if_fail (CI_IS_EMPLOYEE_EDITOR (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->photo_cancellable);
  g_clear_object (&self->photo_cancellable);
  self->photo_cancellable = g_cancellable_new ();
  self->photo_loading = TRUE;
  gtk_spinner_start (self->photo_spinner);
  gtk_stack_set_visible_child_name (self->photo_stack, "loading");
  update_actions (self);
  ci_job_run (NULL, photo_thread, g_object_ref (file), g_object_unref, photo_free,
              self->photo_cancellable, photo_done, g_object_ref (self));
}

static void
chooser_response (GtkNativeDialog  *chooser,
                  int               response,
                  CiEmployeeEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        ci_employee_editor_load_photo (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Choose a Photo"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
remove_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (widget);

  self->photo_changed = TRUE;
  show_photo (self, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->choose_photo_button));
  validate (self);
}

/* The person moved or resized the frame: the photo is cropped anew on saving. */
static void
crop_changed (CiEmployeeEditor *self)
{
  if (self->filling || self->photo == NULL)
    return;
  if (!self->photo_changed)
    {
      self->photo_changed = TRUE;
      validate (self);
    }
}

/* ─── the calendars ─────────────────────────────────────────────────────── */

static void
calendar_show_date (CiEmployeeEditor *self,
                    GtkCalendar      *calendar,
                    AdwEntryRow      *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GDateTime) date = NULL;
  int y, m, d;

  if (ci_date_is_valid (text) && sscanf (text, "%4d-%2d-%2d", &y, &m, &d) == 3)
    date = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (date == NULL)
    date = g_date_time_new_now_local ();
  self->filling = TRUE;
  gtk_calendar_select_day (calendar, date);
  self->filling = FALSE;
}

static void
calendar_picked (CiEmployeeEditor *self,
                 GtkCalendar      *calendar,
                 AdwEntryRow      *row)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *text = NULL;

  if (self->filling)
    return;
  date = gtk_calendar_get_date (calendar);
  text = g_date_time_format (date, "%Y-%m-%d");
  /* Typed in, as far as the rules are concerned: field_changed runs. */
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
valid_from_popup (CiEmployeeEditor *self)
{
  calendar_show_date (self, self->valid_from_calendar, self->valid_from_row);
}

static void
valid_until_popup (CiEmployeeEditor *self)
{
  calendar_show_date (self, self->valid_until_calendar, self->valid_until_row);
}

static void
valid_from_picked (CiEmployeeEditor *self)
{
  calendar_picked (self, self->valid_from_calendar, self->valid_from_row);
}

static void
valid_until_picked (CiEmployeeEditor *self)
{
  calendar_picked (self, self->valid_until_calendar, self->valid_until_row);
}

/* ─── reading the employee ──────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;
  CiEmployee *employee;   /* to save */
  GdkPixbuf  *photo;      /* to crop and encode, or NULL */
  GdkRectangle crop;
} Request;

typedef struct
{
  CiEmployee *employee;
  Photo      *photo;
  char       *photo_problem;
} Loaded;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->number);
  g_clear_object (&r->employee);
  g_clear_object (&r->photo);
  g_free (r);
}

static Request *
request_new (CiEmployeeEditor *self)
{
  Request *r = g_new0 (Request, 1);
  CiApplication *app = get_app ();

  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->number = g_strdup (self->number);
  return r;
}

static void
loaded_free (gpointer data)
{
  Loaded *l = data;

  g_clear_object (&l->employee);
  g_clear_pointer (&l->photo, photo_free);
  g_free (l->photo_problem);
  g_free (l);
}

static gpointer
load_thread (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Request *r = data;
  Loaded *l = g_new0 (Loaded, 1);
  g_autoptr(GError) photo_error = NULL;

  if (!(l->employee = ci_services_employee_get (r->services, r->actor, r->number, error)))
    {
      loaded_free (l);
      return NULL;
    }
  if (ci_employee_get_photo (l->employee) != NULL
      && !(l->photo = photo_new (ci_employee_get_photo (l->employee), &photo_error)))
    l->photo_problem = g_strdup (photo_error->message);
  return l;
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CiEmployeeEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  Loaded *l = ci_job_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (l == NULL)
    {
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "failed");
      return;
    }
  g_set_object (&self->original, l->employee);
  fill_form (self, l->employee);
  self->photo_changed = FALSE;
  show_photo (self, l->photo ? l->photo->pixbuf : NULL, l->photo ? l->photo->preview : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_error_label), l->photo_problem != NULL);
  if (l->photo_problem != NULL)
    show_message (self->photo_error_label, l->photo_problem, TRUE);
  loaded_free (l);
  self->loaded = TRUE;
  gtk_stack_set_visible_child_name (self->main_stack, "form");
  gtk_widget_grab_focus (GTK_WIDGET (self->given_name_row));
  validate (self);
}

/* ─── saving ────────────────────────────────────────────────────────────── */

static gpointer
save_thread (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  Request *r = data;
  gboolean ok;

  if (r->photo != NULL)
    {
      g_autoptr(GBytes) bytes = ci_photo_encode (r->photo, &r->crop, error);

      if (bytes == NULL)
        return NULL;
      ci_employee_set_photo (r->employee, bytes);
    }
  if (r->number == NULL)
    ok = ci_services_employee_enroll (r->services, r->actor, r->employee, error);
  else
    ok = ci_services_employee_update (r->services, r->actor, r->employee, error);
  return ok ? g_object_ref (r->employee) : NULL;
}

static void
set_saving (CiEmployeeEditor *self,
            gboolean          saving)
{
  self->saving = saving;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), saving);
  gtk_spinner_set_spinning (self->spinner, saving);
  gtk_widget_set_sensitive (self->form, !saving);
  update_actions (self);
}

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CiEmployeeEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CiEmployee) saved = ci_job_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_saving (self, FALSE);
  if (saved == NULL)
    {
      /* The core's words; the form keeps everything, to try again, or to
       * read the other change (Reload) when someone else saved in between. */
      gtk_label_set_text (self->save_error_label, error->message);
      gtk_widget_set_visible (self->reload_button,
                              g_error_matches (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT));
      gtk_widget_set_visible (self->save_error_box, TRUE);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, saved);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (widget);
  Request *r;

  if (!self->valid || self->saving || ci_application_get_operator (get_app ()) == NULL)
    return;
  r = request_new (self);
  r->employee = read_form (self);
  if (self->photo_changed && self->photo != NULL
      && ci_photo_cropper_get_crop (self->cropper, &r->crop))
    r->photo = g_object_ref (self->photo);
  gtk_widget_set_visible (self->save_error_box, FALSE);
  set_saving (self, TRUE);
  ci_job_run (NULL, save_thread, r, request_free, g_object_unref, self->cancellable, save_done,
              g_object_ref (self));
}

/* The employee, read on a worker, with the version a save sends back. */
static void
load (CiEmployeeEditor *self)
{
  self->loaded = FALSE;
  gtk_widget_set_visible (self->save_error_box, FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  update_actions (self);
  ci_job_run (NULL, load_thread, request_new (self), request_free, loaded_free, self->cancellable,
              load_done, g_object_ref (self));
}

/* After someone else's change: their version, and what was typed here goes. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (widget);

  if (self->number != NULL && !self->saving)
    load (self);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

/* Nothing of the form stays behind a lock or another operator's sign-in. */
static void
operator_changed (CiEmployeeEditor *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
ci_employee_editor_close_request (GtkWindow *window)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (window);

  /* A save under way finishes first: its outcome is shown here. */
  if (self->saving)
    return TRUE;
  return GTK_WINDOW_CLASS (ci_employee_editor_parent_class)->close_request (window);
}

static void
ci_employee_editor_dispose (GObject *object)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->photo_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_EMPLOYEE_EDITOR);
  G_OBJECT_CLASS (ci_employee_editor_parent_class)->dispose (object);
}

static void
ci_employee_editor_finalize (GObject *object)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->photo_cancellable);
  g_clear_object (&self->original);
  g_clear_object (&self->photo);
  g_free (self->number);
  G_OBJECT_CLASS (ci_employee_editor_parent_class)->finalize (object);
}

static void
ci_employee_editor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CiEmployeeEditor *self = CI_EMPLOYEE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ci_employee_editor_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, failed_page);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, form);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, save_error_box);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, save_error_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, reload_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, photo_stack);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, photo_spinner);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, cropper);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, photo_error_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, choose_photo_button);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, number_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, number_info_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, given_name_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, family_name_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, department_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, job_title_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, email_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, valid_from_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, valid_until_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, status_row);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, valid_from_calendar);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, valid_until_calendar);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, person_error_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, work_error_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, validity_error_label);
  gtk_widget_class_bind_template_child (widget_class, CiEmployeeEditor, form_hint_label);
}

static void
ci_employee_editor_class_init (CiEmployeeEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ci_employee_editor_dispose;
  object_class->finalize = ci_employee_editor_finalize;
  object_class->get_property = ci_employee_editor_get_property;
  window_class->close_request = ci_employee_editor_close_request;

  /**
   * CiEmployeeEditor:busy:
   *
   * Whether the employee, a photo or a save is under way.
   */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CiEmployeeEditor::saved:
   * @employee: the employee as the core stored it
   *
   * The core took the new or changed employee; the editor closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, CI_TYPE_EMPLOYEE);

  g_type_ensure (CI_TYPE_PHOTO_CROPPER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-employee-editor.ui");
  bind_children (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, field_changed);
  gtk_widget_class_bind_template_callback (widget_class, status_changed);
  gtk_widget_class_bind_template_callback (widget_class, crop_changed);
  gtk_widget_class_bind_template_callback (widget_class, valid_from_popup);
  gtk_widget_class_bind_template_callback (widget_class, valid_until_popup);
  gtk_widget_class_bind_template_callback (widget_class, valid_from_picked);
  gtk_widget_class_bind_template_callback (widget_class, valid_until_picked);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-photo", NULL, choose_photo_action);
  gtk_widget_class_install_action (widget_class, "editor.remove-photo", NULL, remove_photo_action);
  gtk_widget_class_install_action (widget_class, "editor.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save",
                                       NULL);
}

static void
ci_employee_editor_init (CiEmployeeEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
  g_signal_connect_object (get_app (), "notify::operator", G_CALLBACK (operator_changed), self,
                           G_CONNECT_SWAPPED);
}

/* A new employee: an empty form, valid from today. */
static void
start_new (CiEmployeeEditor *self)
{
  g_autofree char *today = ci_date_today ();

  adw_window_title_set_title (self->window_title, _("New Employee"));
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->valid_from_row), today);
  self->filling = FALSE;
  self->loaded = TRUE;
  gtk_stack_set_visible_child_name (self->main_stack, "form");
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->number_row));
  validate (self);
}

/* An employee to edit, as the core has them now. */
static void
start_edit (CiEmployeeEditor *self)
{
  adw_window_title_set_title (self->window_title, _("Edit Employee"));
  gtk_widget_set_visible (GTK_WIDGET (self->number_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->number_info_row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->status_row), TRUE);
  load (self);
}

/**
 * ci_employee_editor_new:
 * @parent: the window it is modal for
 * @number: (nullable): the employee to edit, or %NULL to enroll a new one
 *
 * Returns: (transfer none): the editor, shown; it closes itself after a save
 *   and when the operator signs out
 */
CiEmployeeEditor *
ci_employee_editor_new (GtkWindow  *parent,
                        const char *number)
{
  CiEmployeeEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ci_application_get_operator (get_app ()) != NULL, NULL);

  self = g_object_new (CI_TYPE_EMPLOYEE_EDITOR, "transient-for", parent, NULL);
  self->number = g_strdup (number);
  if (number == NULL)
    start_new (self);
  else
    start_edit (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * ci_employee_editor_get_busy:
 * @self: a #CiEmployeeEditor
 *
 * Returns: whether the employee is being read, a photo decoded or the
 *   employee saved
 */
gboolean
ci_employee_editor_get_busy (CiEmployeeEditor *self)
{
  g_return_val_if_fail (CI_IS_EMPLOYEE_EDITOR (self), FALSE);

  return !self->loaded || self->saving || self->photo_loading;
}
