/* test-app-employees.c — enrolling and editing employees at the HR desk
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The employee editor on the demo database, driven as a person would: the
 * model's own rules as the form is typed, a photo cropped with the keyboard,
 * saving, editing, someone else's change in between, and what the front desk
 * is not offered. Every outcome is checked through the core.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ci-employee-editor.h"
#include "ci-employees-page.h"
#include "ci-photo-cropper.h"
#include "ci-test-app.h"
#include "services/ci-services.h"

#define NEW_NUMBER "E-2001"

/* ─── helpers ───────────────────────────────────────────────────────────── */

static CiEmployeeEditor *
find_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (CI_IS_EMPLOYEE_EDITOR (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return CI_EMPLOYEE_EDITOR (w);
    }
  return NULL;
}

static gpointer
editor_child (CiEmployeeEditor *editor,
              const char       *name)
{
  return ci_test_child (editor, CI_TYPE_EMPLOYEE_EDITOR, name);
}

static gpointer
page_child (const char *name)
{
  return ci_test_child (ci_test_window_child ("employees_page"), CI_TYPE_EMPLOYEES_PAGE, name);
}

static gboolean
can_save (CiEmployeeEditor *editor)
{
  return gtk_widget_get_sensitive (editor_child (editor, "save_button"));
}

static void
type_into (CiEmployeeEditor *editor,
           const char       *row,
           const char       *text)
{
  ci_test_set_text (editor_child (editor, row), text);
}

/* Presses a key on @widget as far as its key bindings go: the shortcut the
 * key would trigger, with its arguments (GTK has no public way to make a key
 * event). Returns whether a binding took the key. */
static gboolean
press_key (gpointer        widget,
           guint           keyval,
           GdkModifierType modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (widget));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (widget),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* A 700 × 900 photo (the ID aspect, 7:9): red on the left, blue on the right. */
static GFile *
write_photo (const char *name)
{
  g_autofree char *path = g_build_filename (ci_test_workdir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 700, 900);
  g_autoptr(GdkPixbuf) right = gdk_pixbuf_new_subpixbuf (pixbuf, 350, 0, 350, 900);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0xff0000ff);
  gdk_pixbuf_fill (right, 0x0000ffff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GFile *
write_file (const char *name,
            const char *data,
            gsize       len)
{
  g_autofree char *path = g_build_filename (ci_test_workdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static CiEmployee *
core_employee (const char *number)
{
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(GError) error = NULL;
  CiEmployee *e = ci_services_employee_get (ci_application_get_services (ci_test_app), hr,
                                            number, &error);

  g_assert_no_error (error);
  return e;
}

static CiEmployeeModel *
wait_for_list (void)
{
  CiEmployeesPage *page = ci_test_window_child ("employees_page");
  CiEmployeeModel *model = ci_employees_page_get_model (page);

  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
                    && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0);
  return model;
}

/* Finds @number with the search field and picks them, as the desk does. */
static void
choose_employee (const char *number,
                 const char *name)
{
  CiEmployeeModel *model = wait_for_list ();

  ci_test_set_text (page_child ("search_entry"), number);
  CI_TEST_WAIT_FOR (!ci_employee_model_get_loading (model)
                    && g_list_model_get_n_items (G_LIST_MODEL (model)) == 1);
  gtk_single_selection_set_selected (page_child ("selection"), 0);
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (page_child ("detail_stack")),
                               "employee") == 0
                    && g_strcmp0 (gtk_label_get_text (page_child ("name_label")), name) == 0);
}

static CiEmployeeEditor *
open_editor (const char *action)
{
  CiEmployeeEditor *editor;

  g_assert_true (gtk_widget_activate_action (ci_test_window_child ("employees_page"), action,
                                             NULL));
  CI_TEST_WAIT_FOR ((editor = find_editor ()) != NULL);
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  return editor;
}

static void
save_and_wait_closed (CiEmployeeEditor *editor)
{
  g_assert_true (can_save (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  CI_TEST_WAIT_FOR (find_editor () == NULL);
}

/* ─── a new employee ────────────────────────────────────────────────────── */

/* The form's message is the model's own, for the same record. */
static void
assert_model_says (CiEmployeeEditor *editor,
                   const char       *label,
                   CiEmployee       *record)
{
  g_autoptr(GError) error = NULL;
  GtkLabel *message = editor_child (editor, label);

  g_assert_false (ci_employee_validate (record, &error));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), ==, error->message);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_false (can_save (editor));
}

static void
fill_invalid_then_valid (CiEmployeeEditor *editor)
{
  g_autoptr(CiEmployee) record = ci_employee_new ();

  /* An empty form may not be saved, and nothing is red before anyone typed. */
  g_assert_false (can_save (editor));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "number_row"), "error"));

  type_into (editor, "number_row", NEW_NUMBER);
  type_into (editor, "given_name_row", "Jana");
  type_into (editor, "family_name_row", "Nováková");
  type_into (editor, "department_row", "Logistics");
  type_into (editor, "job_title_row", "Dispatcher");
  type_into (editor, "email_row", "jana.novakova@example.com");
  type_into (editor, "valid_from_row", "2026-06-01");
  type_into (editor, "valid_until_row", "2026-01-31");
  g_object_set (record, "employee-number", NEW_NUMBER, "given-name", "Jana",
                "family-name", "Nováková", "department", "Logistics", "job-title", "Dispatcher",
                "email", "jana.novakova@example.com", "valid-from", "2026-06-01",
                "valid-until", "2026-01-31", NULL);
  assert_model_says (editor, "validity_error_label", record);
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "valid_until_row"), "error"));
  ci_test_screenshot (GTK_WIDGET (editor), "employee-editor-invalid");

  type_into (editor, "valid_until_row", "2029-12-31");
  ci_employee_set_valid_until (record, "2029-12-31");
  type_into (editor, "family_name_row", "");
  ci_employee_set_family_name (record, NULL);
  assert_model_says (editor, "person_error_label", record);
  g_assert_true (gtk_widget_has_css_class (editor_child (editor, "family_name_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (editor_child (editor, "valid_until_row"), "error"));

  type_into (editor, "family_name_row", "Nováková");
  g_assert_true (can_save (editor));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "person_error_label")));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "validity_error_label")));
}

/* Files that are no photo are explained under the photo, and nothing changes. */
static void
refuse_bad_photos (CiEmployeeEditor *editor)
{
  GtkLabel *message = editor_child (editor, "photo_error_label");
  g_autoptr(GFile) text = write_file ("not-a-photo.png", "just some words", 15);
  g_autoptr(GFile) good = write_photo ("whole.png");
  g_autofree char *data = NULL;
  g_autoptr(GFile) cut = NULL;
  gsize len = 0;

  ci_employee_editor_load_photo (editor, text);
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), ==, "This file is not a PNG or JPEG image.");
  g_assert_false (ci_photo_cropper_has_image (editor_child (editor, "cropper")));

  /* A PNG cut off halfway. */
  g_assert_true (g_file_load_contents (good, NULL, &data, &len, NULL, NULL));
  cut = write_file ("cut.png", data, len / 2);
  ci_employee_editor_load_photo (editor, cut);
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  g_test_message ("cut PNG: %s", gtk_label_get_text (message));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "This photo is"));
  g_assert_false (ci_photo_cropper_has_image (editor_child (editor, "cropper")));
  g_assert_true (can_save (editor));
}

/* Returns the frame after shrinking it and moving it onto the blue half. */
static GdkRectangle
crop_with_keyboard (CiEmployeeEditor *editor)
{
  CiPhotoCropper *cropper = editor_child (editor, "cropper");
  g_autoptr(GFile) photo = write_photo ("photo.png");
  GdkRectangle crop, shrunk, odd;

  ci_employee_editor_load_photo (editor, photo);
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "photo_error_label")));
  g_assert_true (ci_photo_cropper_get_crop (cropper, &crop));
  /* The whole photo to start with: it has the ID photo's shape already. */
  g_assert_cmpint (crop.width, ==, 700);
  g_assert_cmpint (crop.height, ==, 900);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (editor)) == GTK_WIDGET (cropper));

  /* Ten times "−": a twentieth of the largest frame each, about the centre. */
  for (int i = 0; i < 10; i++)
    g_assert_true (press_key (cropper, GDK_KEY_minus, 0));
  g_assert_true (ci_photo_cropper_get_crop (cropper, &shrunk));
  g_assert_cmpint (shrunk.height, ==, 450);
  g_assert_cmpint (shrunk.width, ==, 350);
  g_assert_cmpint (shrunk.x, ==, 175);
  g_assert_cmpint (shrunk.y, ==, 225);

  /* A step is 7 px (a hundredth of the photo), with Shift ten of them:
   * Shift+Right once, Right five times, Down twice. */
  g_assert_true (press_key (cropper, GDK_KEY_Right, GDK_SHIFT_MASK));
  for (int i = 0; i < 5; i++)
    g_assert_true (press_key (cropper, GDK_KEY_Right, 0));
  for (int i = 0; i < 2; i++)
    g_assert_true (press_key (cropper, GDK_KEY_Down, 0));
  g_assert_true (ci_photo_cropper_get_crop (cropper, &crop));
  g_assert_cmpint (crop.x, ==, 175 + 70 + 35);
  g_assert_cmpint (crop.y, ==, 225 + 14);
  g_assert_cmpint (crop.width, ==, 350);
  g_assert_cmpint (crop.height, ==, 450);
  /* Far enough, the frame stops at the edge. */
  for (int i = 0; i < 2; i++)
    g_assert_true (press_key (cropper, GDK_KEY_Right, GDK_SHIFT_MASK));
  g_assert_true (ci_photo_cropper_get_crop (cropper, &crop));
  g_assert_cmpint (crop.x, ==, 700 - 350);
  g_assert_cmpint (crop.y, ==, 225 + 14);

  /* Whatever is asked for, the frame keeps the ID photo's shape, inside. */
  ci_photo_cropper_set_crop (cropper, &(GdkRectangle) { 650, -20, 500, 100 });
  g_assert_true (ci_photo_cropper_get_crop (cropper, &odd));
  g_assert_cmpint (odd.height, ==, 100);
  g_assert_cmpint (odd.width, ==, 78);
  g_assert_cmpint (odd.x, ==, 700 - 78);
  g_assert_cmpint (odd.y, ==, 0);
  ci_photo_cropper_set_crop (cropper, &crop);
  return crop;
}

static void
assert_photo (GBytes             *bytes,
              const GdkRectangle *crop)
{
  g_autoptr(GdkPixbuf) photo = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;
  int w, h, stride;

  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 3, "\xFF\xD8\xFF", 3);
  photo = ci_photo_decode (bytes, &error);
  g_assert_no_error (error);
  w = gdk_pixbuf_get_width (photo);
  h = gdk_pixbuf_get_height (photo);
  /* Smaller than the largest stored photo: the frame's pixels, one to one. */
  g_assert_cmpint (w, ==, crop->width);
  g_assert_cmpint (h, ==, crop->height);
  /* The frame was on the blue half: blue, corner to corner. */
  pixels = gdk_pixbuf_read_pixels (photo);
  stride = gdk_pixbuf_get_rowstride (photo);
  for (int y = 0; y < h; y += h - 1)
    for (int x = 0; x < w; x += w - 1)
      {
        const guint8 *p = pixels + y * stride + x * gdk_pixbuf_get_n_channels (photo);
        g_assert_cmpint (p[0], <, 40);
        g_assert_cmpint (p[2], >, 215);
      }
}

static void
test_new_employee (void)
{
  CiEmployeeEditor *editor;
  GdkRectangle crop;
  g_autoptr(CiEmployee) saved = NULL;

  ci_test_sign_in_ok ("hr");
  wait_for_list ();
  g_assert_true (gtk_widget_get_visible (page_child ("new_button")));
  /* Ctrl+N on the page, as the button's tooltip says. */
  g_assert_true (press_key (ci_test_window_child ("employees_page"), GDK_KEY_n,
                            GDK_CONTROL_MASK));
  CI_TEST_WAIT_FOR ((editor = find_editor ()) != NULL);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (editor)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor))
                 == GTK_WINDOW (ci_test_window));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "status_row")));

  fill_invalid_then_valid (editor);
  refuse_bad_photos (editor);
  crop = crop_with_keyboard (editor);
  ci_test_screenshot (GTK_WIDGET (editor), "employee-editor");
  save_and_wait_closed (editor);

  saved = core_employee (NEW_NUMBER);
  g_assert_cmpstr (ci_employee_get_given_name (saved), ==, "Jana");
  g_assert_cmpstr (ci_employee_get_family_name (saved), ==, "Nováková");
  g_assert_cmpstr (ci_employee_get_department (saved), ==, "Logistics");
  g_assert_cmpstr (ci_employee_get_job_title (saved), ==, "Dispatcher");
  g_assert_cmpstr (ci_employee_get_email (saved), ==, "jana.novakova@example.com");
  g_assert_cmpstr (ci_employee_get_valid_from (saved), ==, "2026-06-01");
  g_assert_cmpstr (ci_employee_get_valid_until (saved), ==, "2029-12-31");
  g_assert_cmpint (ci_employee_get_status (saved), ==, CI_EMPLOYEE_ACTIVE);
  assert_photo (ci_employee_get_photo (saved), &crop);

  /* The list shows the new employee, chosen, ready for a first card. */
  CI_TEST_WAIT_FOR (g_strcmp0 (gtk_label_get_text (page_child ("name_label")),
                               "Jana Nováková") == 0
                    && g_strcmp0 (gtk_stack_get_visible_child_name (page_child ("detail_stack")),
                                  "employee") == 0);
  g_assert_cmpstr (gtk_editable_get_text (page_child ("search_entry")), ==, NEW_NUMBER);
  g_assert_true (gtk_widget_get_visible (page_child ("edit_button")));
  ci_test_assert_audit_intact ();

  /* The lock takes the search with it: the next operator doesn't start
   * from this one's. */
  ci_test_lock ();
  g_assert_cmpstr (gtk_editable_get_text (page_child ("search_entry")), ==, "");
}

/* ─── editing ───────────────────────────────────────────────────────────── */

static void
test_edit_employee (void)
{
  CiEmployeeEditor *editor;
  g_autoptr(CiEmployee) before = core_employee (NEW_NUMBER);
  g_autoptr(CiEmployee) after = NULL;
  GdkRectangle crop;

  ci_test_sign_in_ok ("hr");
  choose_employee (NEW_NUMBER, "Jana Nováková");
  editor = open_editor ("employees.edit");

  /* The number is shown, not editable; the status is offered. */
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "number_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (editor_child (editor, "number_info_row")), ==,
                   NEW_NUMBER);
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "status_row")));
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "department_row")), ==,
                   "Logistics");
  /* The stored photo, under a frame holding all of it. */
  g_assert_true (ci_photo_cropper_get_crop (editor_child (editor, "cropper"), &crop));
  g_assert_cmpint (crop.width, ==, 350);
  g_assert_cmpint (crop.height, ==, 450);
  g_assert_true (can_save (editor));
  ci_test_screenshot (GTK_WIDGET (editor), "employee-editor-edit");

  type_into (editor, "department_row", "Customs");
  save_and_wait_closed (editor);

  after = core_employee (NEW_NUMBER);
  g_assert_cmpstr (ci_employee_get_department (after), ==, "Customs");
  g_assert_cmpstr (ci_employee_get_given_name (after), ==, "Jana");
  g_assert_cmpint (ci_employee_get_version (after), ==, ci_employee_get_version (before) + 1);
  /* The photo was not touched: the very same bytes, not encoded again. */
  g_assert_true (g_bytes_equal (ci_employee_get_photo (after), ci_employee_get_photo (before)));

  /* The detail pane, read again, shows the change; the employee stays chosen. */
  CI_TEST_WAIT_FOR (strstr (adw_action_row_get_subtitle (page_child ("department_row")),
                            "Customs") != NULL);
  g_assert_cmpstr (gtk_label_get_text (page_child ("name_label")), ==, "Jana Nováková");
  g_assert_cmpuint (gtk_single_selection_get_selected (page_child ("selection")), ==, 0);
  ci_test_screenshot (GTK_WIDGET (ci_test_window), "employees-after-edit");
  ci_test_lock ();
}

/* Someone else saves the employee while the dialog is open: the core refuses
 * the older version, the dialog says so and keeps what was typed. */
static void
test_edit_conflict (void)
{
  CiEmployeeEditor *editor;
  GtkLabel *message;
  g_autoptr(CiEmployee) other = NULL;
  g_autoptr(CiEmployee) stored = NULL;
  g_autoptr(CiOperator) hr = ci_test_operator ("hr");
  g_autoptr(GError) error = NULL;

  ci_test_sign_in_ok ("hr");
  choose_employee (NEW_NUMBER, "Jana Nováková");
  editor = open_editor ("employees.edit");
  type_into (editor, "job_title_row", "Senior Dispatcher");

  other = core_employee (NEW_NUMBER);
  ci_employee_set_department (other, "Warehouse");
  g_assert_true (ci_services_employee_update (ci_application_get_services (ci_test_app), hr,
                                              other, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  message = editor_child (editor, "save_error_label");
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor)
                    && gtk_widget_get_visible (GTK_WIDGET (message)));
  g_test_message ("conflict: %s", gtk_label_get_text (message));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "was changed by Helga Richter (HR) at "));
  g_assert_true (find_editor () == editor);
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "job_title_row")), ==,
                   "Senior Dispatcher");
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "department_row")), ==,
                   "Customs");
  g_assert_true (can_save (editor));
  ci_test_screenshot (GTK_WIDGET (editor), "employee-editor-conflict");

  /* Nothing of the dialog was stored; the other change stands. */
  stored = core_employee (NEW_NUMBER);
  g_assert_cmpstr (ci_employee_get_department (stored), ==, "Warehouse");
  g_assert_cmpstr (ci_employee_get_job_title (stored), ==, "Dispatcher");

  /* Reload reads the other change; made again, the edit is saved. */
  g_assert_true (gtk_widget_get_visible (editor_child (editor, "reload_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.reload", NULL));
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor));
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "save_error_box")));
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "department_row")), ==,
                   "Warehouse");
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "job_title_row")), ==,
                   "Dispatcher");
  type_into (editor, "job_title_row", "Senior Dispatcher");
  save_and_wait_closed (editor);
  g_clear_object (&stored);
  stored = core_employee (NEW_NUMBER);
  g_assert_cmpstr (ci_employee_get_department (stored), ==, "Warehouse");
  g_assert_cmpstr (ci_employee_get_job_title (stored), ==, "Senior Dispatcher");
  ci_test_lock ();
}

/* A number someone has already: the core's refusal, and the form stays. */
static void
test_number_taken (void)
{
  CiEmployeeEditor *editor;
  GtkLabel *message;

  ci_test_sign_in_ok ("hr");
  wait_for_list ();
  editor = open_editor ("employees.new");
  type_into (editor, "number_row", "E-1001");
  type_into (editor, "given_name_row", "Otto");
  type_into (editor, "family_name_row", "Doppel");
  type_into (editor, "valid_until_row", "2030-12-31");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  message = editor_child (editor, "save_error_label");
  CI_TEST_WAIT_FOR (!ci_employee_editor_get_busy (editor)
                    && gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), ==, "Employee number E-1001 is already taken");
  g_assert_false (gtk_widget_get_visible (editor_child (editor, "reload_button")));
  g_assert_cmpstr (gtk_editable_get_text (editor_child (editor, "given_name_row")), ==, "Otto");

  /* Locking the desk closes the form: nothing stays behind the lock. */
  ci_test_lock ();
  CI_TEST_WAIT_FOR (find_editor () == NULL);
}

/* ─── the front desk ────────────────────────────────────────────────────── */

static void
test_front_desk_may_not_edit (void)
{
  ci_test_sign_in_ok ("frontdesk");
  choose_employee ("E-1001", "Anna Müller");
  g_assert_false (gtk_widget_get_visible (page_child ("new_button")));
  g_assert_false (gtk_widget_get_visible (page_child ("edit_button")));
  /* Neither the shortcut nor the actions open the editor. */
  press_key (ci_test_window_child ("employees_page"), GDK_KEY_n, GDK_CONTROL_MASK);
  gtk_widget_activate_action (ci_test_window_child ("employees_page"), "employees.new", NULL);
  gtk_widget_activate_action (ci_test_window_child ("employees_page"), "employees.edit", NULL);
  ci_test_run_for (200);
  g_assert_null (find_editor ());
  ci_test_lock ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app-employees/new", test_new_employee);
  g_test_add_func ("/app-employees/edit", test_edit_employee);
  g_test_add_func ("/app-employees/conflict", test_edit_conflict);
  g_test_add_func ("/app-employees/number-taken", test_number_taken);
  g_test_add_func ("/app-employees/front-desk", test_front_desk_may_not_edit);
  return ci_test_app_run (argc, argv, CI_TEST_APP_DEMO);
}
