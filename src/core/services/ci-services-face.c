/* ci-services-face.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a card's face shows, from the store: the employee's record, the card
 * (serial, expiry, date of issue) and the highest security level among the
 * zones the holder may enter, whose colour a template may use for a band.
 * Rendering is the face module's business (src/core/face).
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "ci-services-face.h"
#include "ci-services-private.h"

/* Security levels (0 to 9) in the four bands people on the door side know,
 * and their colours (0xRRGGBBAA): green, blue, amber, red. */
static const struct
{
  int         from;
  const char *name;
  guint32     colour;
} levels[] = {
  { 0, "Public", 0x2EC27EFF },
  { 1, "Staff", 0x1C71D8FF },
  { 4, "Restricted", 0xE5A50AFF },
  { 7, "High security", 0xC01C28FF },
};

static guint
band (int level)
{
  guint i = G_N_ELEMENTS (levels) - 1;

  while (i > 0 && level < levels[i].from)
    i--;
  return i;
}

const char *
ci_zone_level_name (int level)
{
  return levels[band (level)].name;
}

guint32
ci_zone_level_colour (int level)
{
  return levels[band (level)].colour;
}

/* The highest level among the grants valid today; -1 with none. */
static int
highest_level (CiStore     *store,
               CiEmployee  *employee,
               GError     **error)
{
  g_autoptr(GPtrArray) grants = ci_store_grant_list (store, ci_employee_get_id (employee), 0,
                                                     error);
  g_autofree char *today = ci_date_today ();
  int level = -1;

  if (grants == NULL)
    return -2;
  for (guint i = 0; i < grants->len; i++)
    {
      const char *expires = ci_grant_get_expires (grants->pdata[i]);
      g_autoptr(CiZone) zone = NULL;

      if (expires && g_strcmp0 (expires, today) < 0)
        continue;
      if ((zone = ci_store_zone_get (store, ci_grant_get_zone_id (grants->pdata[i]), error)) == NULL)
        return -2;
      level = MAX (level, ci_zone_get_security_level (zone));
    }
  return level;
}

/* The highest security level among the employee's zones, and its colour. */
static gboolean
set_zone_level (CiFaceData  *data,
                CiStore     *store,
                CiEmployee  *employee,
                GError     **error)
{
  int level = highest_level (store, employee, error);

  if (level < -1)
    return FALSE;
  if (level >= 0)
    {
      ci_face_data_set (data, "zone.level", ci_zone_level_name (level));
      ci_face_data_set_zone_colour (data, ci_zone_level_colour (level));
    }
  return TRUE;
}

static void
set_employee (CiFaceData *data,
              CiEmployee *e)
{
  g_autofree char *full = g_strdup_printf ("%s %s", ci_employee_get_given_name (e),
                                           ci_employee_get_family_name (e));
  GBytes *photo = ci_employee_get_photo (e);

  ci_face_data_set (data, "employee.number", ci_employee_get_number (e));
  ci_face_data_set (data, "employee.given_name", ci_employee_get_given_name (e));
  ci_face_data_set (data, "employee.family_name", ci_employee_get_family_name (e));
  ci_face_data_set (data, "employee.full_name", g_strstrip (full));
  ci_face_data_set (data, "employee.department", ci_employee_get_department (e));
  ci_face_data_set (data, "employee.job_title", ci_employee_get_job_title (e));
  ci_face_data_set (data, "employee.valid_from", ci_employee_get_valid_from (e));
  ci_face_data_set (data, "employee.valid_until", ci_employee_get_valid_until (e));
  if (photo && g_bytes_get_size (photo) > 0)
    ci_face_data_set_photo (data, photo, NULL);
}

static void
set_card (CiFaceData *data,
          CiCard     *card)
{
  g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (card));
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (ci_card_get_created_at (card)
                                                             / G_USEC_PER_SEC);
  g_autofree char *issued = created ? g_date_time_format (created, "%Y-%m-%d") : NULL;

  ci_face_data_set (data, "card.serial", serial);
  ci_face_data_set (data, "card.expiry", ci_card_get_valid_until (card));
  ci_face_data_set (data, "card.issued", issued);
  ci_face_data_set_qr_payload (data, ci_card_get_face_code (card));
}

/* What issuing the card makes (its serial, dates and QR code) is not missing
 * before it is issued; the rest must be there. */
static gboolean
made_by_issuing (const char *field)
{
  return field != NULL && (g_str_has_prefix (field, "card.") || g_str_equal (field, CI_FACE_PROBLEM_QR));
}

/**
 * ci_face_problems_before_issue:
 * @tmpl: the template the card will be printed with
 * @data: the employee's face data (ci_services_face_data())
 *
 * What would be missing on the card's face, leaving out what issuing the card
 * makes. Issuing is refused while this is not empty.
 *
 * Returns: (transfer full) (element-type CiFaceProblem): the problems
 */
GPtrArray *
ci_face_problems_before_issue (const CiFaceTemplate *tmpl,
                               const CiFaceData     *data)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_face_problem_free);

  for (CiFaceSide side = CI_FACE_FRONT; side <= CI_FACE_BACK; side++)
    {
      cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR, NULL);
      cairo_t *cr = cairo_create (surface);

      ci_face_render (tmpl, side, data, cr, 1.0, problems, NULL);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  ci_face_problems_drop_made_by_issuing (problems);
  return problems;
}

/**
 * ci_face_problems_drop_made_by_issuing:
 * @problems: (element-type CiFaceProblem): what ci_face_render() found
 *
 * Leaves out of @problems what issuing the card makes (its serial, its QR
 * code), for a face drawn before the card exists.
 */
void
ci_face_problems_drop_made_by_issuing (GPtrArray *problems)
{
  g_return_if_fail (problems != NULL);

  for (guint i = 0; i < problems->len; i++)
    if (made_by_issuing (((CiFaceProblem *) problems->pdata[i])->field))
      g_ptr_array_remove_index (problems, i--);
}

/* Refuses to go on when the face the card will get lacks something. */
gboolean
_ci_services_face_complete (CiServices            *self,
                            CiEmployee            *employee,
                            const CiFaceTemplate  *tmpl,
                            GError               **error)
{
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) list = g_string_new (NULL);

  set_employee (data, employee);
  if (!set_zone_level (data, self->store, employee, error))
    return FALSE;
  problems = ci_face_problems_before_issue (tmpl, data);
  if (problems->len == 0)
    return TRUE;
  /* One line for one problem, however many elements show it. */
  for (guint i = 0; i < problems->len; i++)
    {
      const char *message = ((CiFaceProblem *) problems->pdata[i])->message;

      if (strstr (list->str, message) == NULL)
        g_string_append_printf (list, "%s%s", list->len ? " " : "", message);
    }
  g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
               /* Translators: an employee number; a template name such as “colour-badge”; then
                * what is missing, in one or more sentences. */
               _("%s's card face (template %s) would be incomplete: %s"),
               ci_employee_get_number (employee), tmpl->id, list->str);
  return FALSE;
}

/**
 * ci_services_face_data:
 * @self: the services
 * @actor: the signed-in operator (anyone who may view employees)
 * @employee_number: (nullable): whose face; %NULL for @serial's holder
 * @serial: the card's serial; 0 for the employee's newest card, or none
 * @error: return location for an error
 *
 * Gathers what the card's face shows. What the store does not have (no card
 * yet, no photo, no QR payload) is left missing, so that the renderer draws
 * a placeholder for it and issuing stays blocked until it is there.
 *
 * Returns: (transfer full): the face's data, or %NULL
 */
CiFaceData *
ci_services_face_data (CiServices  *self,
                       CiOperator  *actor,
                       const char  *employee_number,
                       gint64       serial,
                       GError     **error)
{
  g_auto(CiCall) call = { 0 };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiFaceData) data = ci_face_data_new ();
  g_autoptr(CiCard) card = NULL;
  g_autofree char *serial_text = ci_card_format_serial (serial);

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL || serial > 0, NULL);

  if (!_ci_call_start (&call, self, actor, "face.data", CI_ACTION_EMPLOYEE_VIEW, FALSE,
                       employee_number ? "employee" : "card",
                       employee_number ? employee_number : serial_text, error))
    return NULL;
  if (employee_number == NULL)
    {
      if ((card = ci_store_card_get (self->store, serial, error)) == NULL
          || (employee = ci_store_employee_get (self->store, ci_card_get_employee_id (card),
                                                error)) == NULL)
        goto fail;
      employee_number = ci_employee_get_number (employee);
    }
  else if ((employee = ci_store_employee_get_by_number (self->store, employee_number,
                                                         error)) == NULL)
    goto fail;
  set_employee (data, employee);
  /* The card asked for, or else the employee's newest. */
  if (card == NULL && serial > 0)
    {
      if ((card = ci_store_card_get (self->store, serial, error)) == NULL)
        goto fail;
      if (ci_card_get_employee_id (card) != ci_employee_get_id (employee))
        {
          g_autofree char *text = ci_card_format_serial (serial);

          g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                       /* Translators: a card serial, then an employee number. */
                       _("Card %s is not a card of %s"), text, employee_number);
          goto fail;
        }
    }
  else if (card == NULL)
    {
      g_autoptr(GPtrArray) cards = ci_store_card_list (self->store, ci_employee_get_id (employee),
                                                       error);

      if (cards == NULL)
        goto fail;
      if (cards->len > 0)
        card = g_object_ref (cards->pdata[cards->len - 1]);
    }
  if (!set_zone_level (data, self->store, employee, error))
    goto fail;
  if (card)
    {
      g_autofree char *text = ci_card_format_serial (ci_card_get_serial (card));

      set_card (data, card);
      _ci_call_detail (&call, "card", text);
    }
  if (!_ci_call_commit (&call, error))
    return NULL;
  return g_steal_pointer (&data);

fail:
  _ci_call_fail (&call, error);
  return NULL;
}
