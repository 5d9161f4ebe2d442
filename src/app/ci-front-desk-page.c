/* ci-front-desk-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-employee-model.h"
#include "ci-front-desk-page-private.h"
#include "ci-job.h"
#include "ci-ui.h"

/* Someone at the desk has lost a card, had it stolen or broken it. The page
 * finds the holder (by name, employee number, or the serial printed on the
 * card), blocks the card after one confirmation, and writes the replacement:
 * the core gives the new card the holder's zones, as for the old one. Every
 * decision (who may block, which card may be replaced) is the core's; the
 * page offers what makes sense and shows what the core says. Writing the
 * replacement is in ci-front-desk-page-replace.c. */

G_DEFINE_FINAL_TYPE (CiFrontDeskPage, ci_front_desk_page, ADW_TYPE_BIN)

/* What the desk reports, with the words for each. */
typedef struct
{
  CiCardState  state;
  const char  *id;
  const char  *button;
  const char  *response;
} Report;

static const Report reports[] = {
  { CI_CARD_LOST, "lost", N_("Report _Lost"), N_("_Report Lost") },
  { CI_CARD_STOLEN, "stolen", N_("Report _Stolen"), N_("_Report Stolen") },
  { CI_CARD_DAMAGED, "damaged", N_("Report _Damaged"), N_("_Report Damaged") },
};

/* The button's accessible name says which card it blocks. */
static char *
report_accessible (CiCardState  state,
                   const char  *serial)
{
  switch (state)
    {
    case CI_CARD_STOLEN:
      /* Translators: %s is a card serial */
      return g_strdup_printf (_("Report card %s stolen"), serial);
    case CI_CARD_DAMAGED:
      /* Translators: %s is a card serial */
      return g_strdup_printf (_("Report card %s damaged"), serial);
    default:
      /* Translators: %s is a card serial */
      return g_strdup_printf (_("Report card %s lost"), serial);
    }
}

static char *
report_heading (CiCardState  state,
                const char  *serial)
{
  switch (state)
    {
    case CI_CARD_STOLEN:
      /* Translators: a question before a card is blocked; %s is its serial */
      return g_strdup_printf (_("Report Card %s Stolen?"), serial);
    case CI_CARD_DAMAGED:
      /* Translators: a question before a card is blocked; %s is its serial */
      return g_strdup_printf (_("Report Card %s Damaged?"), serial);
    default:
      /* Translators: a question before a card is blocked; %s is its serial */
      return g_strdup_printf (_("Report Card %s Lost?"), serial);
    }
}

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static const Report *
find_report (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    if (g_strcmp0 (reports[i].id, id) == 0)
      return &reports[i];
  return NULL;
}

void
_ci_front_desk_page_show_message (CiFrontDeskPage *self,
                                  const char      *text,
                                  gboolean         ok)
{
  ci_ui_show_outcome (self->message_label, text, ok);
}

/* ─── finding the holder ────────────────────────────────────────────────── */

static gboolean
parse_serial (const char *text,
              gint64     *serial)
{
  return text[0] != '\0' && strspn (text, "0123456789") == strlen (text)
         && g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, serial, NULL);
}

static void
update_count (CiFrontDeskPage *self)
{
  const GError *error = ci_employee_model_get_error (self->model);
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = NULL;
  gint64 serial;

  if (self->lookup_error != NULL)
    text = g_strdup (self->lookup_error);
  else if (error != NULL)
    text = g_strdup (error->message);
  else if (parse_serial (query, &serial) && n == 0)
    {
      g_autofree char *printed = ci_card_format_serial (serial);

      if (serial == self->found && self->holder_name != NULL)
        /* Translators: a card serial, then the name of its holder */
        text = g_strdup_printf (_("Card %s belongs to %s"), printed, self->holder_name);
      else
        /* Translators: %s is a card serial as printed on the card */
        text = g_strdup_printf (_("Press Enter to find card %s"), printed);
    }
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u employee", "%u employees", n), n);
  gtk_label_set_text (self->count_label, text);
  if (self->lookup_error != NULL || error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->count_label), "error");
}

static void
refilter (CiFrontDeskPage *self)
{
  CiApplication *app = get_app ();

  self->stale = FALSE;
  /* The model keeps its row objects for the new matches: a selection would
   * silently move to whoever is now at that place. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  if (ci_application_may (app, CI_ACTION_EMPLOYEE_VIEW))
    ci_employee_model_set_query (self->model,
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                 CI_EMPLOYEE_ORDER_NAME);
}

static void
search_changed (CiFrontDeskPage *self)
{
  g_clear_pointer (&self->lookup_error, g_free);
  refilter (self);
  update_count (self);
}

/* ─── the holder and their cards ────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *number;   /* the holder, or NULL to find them by @serial */
  gint64      serial;
} DetailRequest;

typedef struct
{
  CiEmployee *employee;
  GPtrArray  *cards;
  gint64      serial;   /* the card looked up, or 0 */
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
  g_free (d);
}

/* Worker thread: whose card is it? */
static char *
holder_of (DetailRequest  *r,
           GError        **error)
{
  g_autoptr(CiCard) card = ci_services_card_get (r->services, r->actor, r->serial, error);
  g_autoptr(GPtrArray) holders = NULL;
  gint64 id;

  if (card == NULL)
    return NULL;
  id = ci_card_get_employee_id (card);
  if (!(holders = ci_services_employee_get_many (r->services, r->actor, &id, 1, error)))
    return NULL;
  if (holders->len == 0)
    {
      g_autofree char *serial = ci_card_format_serial (r->serial);

      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: %s is a card serial */
                   _("Card %s belongs to nobody on record any more."), serial);
      return NULL;
    }
  return g_strdup (ci_employee_get_number (holders->pdata[0]));
}

static gpointer
detail_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  DetailRequest *r = data;
  g_autofree char *found = NULL;
  const char *number = r->number;
  Detail *d;

  if (number == NULL && !(number = found = holder_of (r, error)))
    return NULL;
  d = g_new0 (Detail, 1);
  d->serial = r->serial;
  if (!(d->employee = ci_services_employee_get (r->services, r->actor, number, error))
      || !(d->cards = ci_services_card_list (r->services, r->actor, number, error)))
    {
      detail_free (d);
      return NULL;
    }
  return d;
}

static gboolean
is_unfinished (CiCardState state)
{
  return state == CI_CARD_REQUESTED || state == CI_CARD_INITIALISED
         || state == CI_CARD_PERSONALISED;
}

/* The card written to replace @serial, or 0: an unfinished one does not count,
 * the core picks it up again when the replacement is retried. */
static gint64
replacement_of (GPtrArray *cards,
                gint64     serial)
{
  for (guint i = 0; i < cards->len; i++)
    if (ci_card_get_replaces (cards->pdata[i]) == serial
        && !is_unfinished (ci_card_get_state (cards->pdata[i])))
      return ci_card_get_serial (cards->pdata[i]);
  return 0;
}

/* The newest card reported at this desk that has no replacement yet. */
static gint64
replaceable_card (GPtrArray *cards)
{
  for (guint i = cards->len; i > 0; i--)
    {
      CiCard *card = cards->pdata[i - 1];
      CiCardState state = ci_card_get_state (card);

      if ((state == CI_CARD_LOST || state == CI_CARD_STOLEN || state == CI_CARD_DAMAGED)
          && replacement_of (cards, ci_card_get_serial (card)) == 0)
        return ci_card_get_serial (card);
    }
  return 0;
}

static char *
card_subtitle (CiCard    *card,
               GPtrArray *cards)
{
  gint64 by = replacement_of (cards, ci_card_get_serial (card));
  const char *until = ci_card_get_valid_until (card);

  if (by != 0)
    {
      g_autofree char *serial = ci_card_format_serial (by);

      /* Translators: a card's state ("Lost", …), then the serial of its replacement */
      return g_strdup_printf (_("%s, replaced by card %s"), ci_ui_card_state_name (ci_card_get_state (card)),
                              serial);
    }
  if (ci_card_get_state (card) == CI_CARD_ACTIVE && until != NULL && until[0] != '\0')
    /* Translators: a card's state ("Active") and the date it expires */
    return g_strdup_printf (_("%s, valid until %s"), ci_ui_card_state_name (CI_CARD_ACTIVE), until);
  return g_strdup (ci_ui_card_state_name (ci_card_get_state (card)));
}

static GtkWidget *
report_button_new (const Report *report,
                   gint64        serial)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_(report->button));
  g_autofree char *name = g_strconcat ("report-", report->id, NULL);
  g_autofree char *printed = ci_card_format_serial (serial);
  g_autofree char *accessible = report_accessible (report->state, printed);

  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "front-desk.report");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xs)", serial, report->id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return button;
}

static GtkWidget *
card_row_new (CiCard    *card,
              GPtrArray *cards)
{
  GtkWidget *row = adw_action_row_new ();
  gint64 serial = ci_card_get_serial (card);
  g_autofree char *printed = ci_card_format_serial (serial);
  /* Translators: %s is the card serial as printed on the card */
  g_autofree char *title = g_strdup_printf (_("Card %s"), printed);
  g_autofree char *subtitle = card_subtitle (card, cards);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "numeric");
  if (ci_card_get_state (card) == CI_CARD_ACTIVE
      && ci_application_may (get_app (), CI_ACTION_CARD_BLOCK))
    for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), report_button_new (&reports[i], serial));
  return row;
}

static void
clear_cards (CiFrontDeskPage *self)
{

  ci_ui_list_box_clear (self->cards_list);
}

/* Fills the card list; returns the row of @found, if it is there. */
static GtkWidget *
fill_cards (CiFrontDeskPage *self,
            GPtrArray       *cards,
            gint64           found)
{
  GtkWidget *found_row = NULL;

  clear_cards (self);
  for (guint i = 0; i < cards->len; i++)
    {
      GtkWidget *row = card_row_new (cards->pdata[i], cards);

      gtk_list_box_append (self->cards_list, row);
      if (ci_card_get_serial (cards->pdata[i]) == found)
        found_row = row;
    }
  if (cards->len == 0)
    {
      GtkWidget *none = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none), _("No card yet"));
      gtk_list_box_append (self->cards_list, none);
    }
  return found_row;
}

static void
show_holder (CiFrontDeskPage *self,
             CiEmployee      *e)
{
  const char *department = ci_employee_get_department (e);
  g_autofree char *line = NULL;

  if (g_strcmp0 (self->number, ci_employee_get_number (e)) != 0)
    gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  g_free (self->number);
  self->number = g_strdup (ci_employee_get_number (e));
  g_free (self->holder_name);
  self->holder_name = ci_employee_dup_display_name (e);
  gtk_label_set_text (self->name_label, self->holder_name);
  if (department != NULL && department[0] != '\0')
    /* Translators: an employee number, then the department */
    line = g_strdup_printf (_("%s · %s"), self->number, department);
  else
    line = g_strdup (self->number);
  gtk_label_set_text (self->holder_label, line);
}

static void
show_detail (CiFrontDeskPage *self,
             Detail          *d)
{
  gint64 focus_card = d->serial != 0 ? d->serial : self->reported;
  GtkWidget *found_row;

  /* A reload of the same holder keeps the card found by its serial. */
  if (d->serial != 0 || g_strcmp0 (self->number, ci_employee_get_number (d->employee)) != 0)
    self->found = d->serial;
  self->reported = 0;
  show_holder (self, d->employee);
  update_count (self);
  found_row = fill_cards (self, d->cards, focus_card);
  if (!self->busy)
    self->replaces = replaceable_card (d->cards);
  _ci_front_desk_page_show_replacement (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "holder");
  /* A card looked up by its serial, or just blocked (its button went with
   * the focus): the next key press acts on it, or on its replacement. */
  if (focus_card != 0 && focus_card == self->replaces && gtk_widget_get_visible (self->replace_box)
      && gtk_widget_grab_focus (GTK_WIDGET (self->replace_button)))
    return;
  if (found_row != NULL)
    gtk_widget_grab_focus (found_row);
}

static void
detail_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiFrontDeskPage) self = user_data;
  g_autoptr(GError) error = NULL;
  Detail *d = ci_job_finish (result, &error);

  if (d == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->lookup_error);
      self->lookup_error = g_strdup (error->message);
      update_count (self);
      return;
    }
  show_detail (self, d);
  detail_free (d);
}

/* Reads the holder @number, or the holder of card @serial, and their cards. */
void
_ci_front_desk_page_load_detail (CiFrontDeskPage *self,
                                 const char      *number,
                                 gint64           serial)
{
  CiApplication *app = get_app ();
  DetailRequest *r;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  if (ci_application_get_operator (app) == NULL)
    return;
  self->detail_cancellable = g_cancellable_new ();
  r = g_new0 (DetailRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->number = g_strdup (number);
  r->serial = serial;
  ci_job_run (NULL, detail_thread, r, detail_request_free, detail_free, self->detail_cancellable,
              detail_done, g_object_ref (self));
}

/* The list keeps the holder on screen when a new search empties it. */
static void
selection_changed (CiFrontDeskPage *self)
{
  CiEmployeeRow *row = gtk_single_selection_get_selected_item (self->selection);
  CiEmployee *e = row ? ci_employee_row_get_employee (row) : NULL;

  if (e != NULL)
    _ci_front_desk_page_load_detail (self, ci_employee_get_number (e), 0);
}

static void
row_activated (CiFrontDeskPage *self,
               guint            position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

/* Enter: digits are a card serial; anything else picks the first match. */
static void
search_activated (CiFrontDeskPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gint64 serial;

  g_clear_pointer (&self->lookup_error, g_free);
  update_count (self);
  if (parse_serial (text, &serial))
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      _ci_front_desk_page_load_detail (self, NULL, serial);
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

/* ─── reporting a card ──────────────────────────────────────────────────── */

typedef struct
{
  CiServices  *services;
  CiOperator  *actor;
  gint64       serial;
  CiCardState  state;
  char        *reason;
} ReportRequest;

static void
report_request_free (gpointer data)
{
  ReportRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r->reason);
  g_free (r);
}

static gpointer
report_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ReportRequest *r = data;

  if (!ci_services_card_set_state (r->services, r->actor, r->serial, r->state, r->reason, error))
    return NULL;
  return g_memdup2 (&r->serial, sizeof r->serial);
}

static void
report_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CiFrontDeskPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *serial = ci_job_finish (result, &error);
  g_autofree char *printed = NULL;
  g_autofree char *text = NULL;

  if (serial == NULL)
    {
      /* Translators: %s is the core's explanation, written for the desk */
      text = g_strdup_printf (_("The card was not blocked. %s"), error->message);
      _ci_front_desk_page_show_message (self, text, FALSE);
      return;
    }
  printed = ci_card_format_serial (*serial);
  /* Translators: %s is a card serial */
  text = g_strdup_printf (_("Card %s is blocked: doors refuse it from now on."), printed);
  _ci_front_desk_page_show_message (self, text, TRUE);
  self->reported = *serial;
  if (self->number != NULL)
    _ci_front_desk_page_load_detail (self, self->number, 0);
}

typedef struct
{
  CiFrontDeskPage *self;
  GtkEditable     *reason;
  gint64           serial;
  CiCardState      state;
} Confirm;

/* The dialog's response handler owns the question until it goes. */
static void
confirm_free (gpointer  data,
              GClosure *closure)
{
  Confirm *confirm = data;

  g_clear_object (&confirm->self);
  g_clear_object (&confirm->reason);
  g_free (confirm);
}

static void
report_confirmed (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  Confirm *confirm = user_data;
  CiFrontDeskPage *self = confirm->self;
  CiApplication *app = get_app ();
  ReportRequest *r;

  /* One answer only: closing the dialog afterwards answers "cancel" too. */
  g_signal_handlers_disconnect_by_func (dialog, report_confirmed, confirm);
  if (g_strcmp0 (response, "report") != 0 || ci_application_get_operator (app) == NULL)
    return;
  r = g_new0 (ReportRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  r->serial = confirm->serial;
  r->state = confirm->state;
  r->reason = g_strstrip (g_strdup (gtk_editable_get_text (confirm->reason)));
  if (r->reason[0] == '\0')
    g_clear_pointer (&r->reason, g_free);
  ci_job_run (NULL, report_thread, r, report_request_free, g_free, NULL, report_done,
              g_object_ref (self));
}

static GtkWidget *
reason_entry_new (void)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (entry, "reason");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Where and when, if known (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note for the audit log"), -1);
  return entry;
}

/* One question before a card is blocked for good. */
static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiFrontDeskPage *self = CI_FRONT_DESK_PAGE (widget);
  const char *id = NULL;
  const Report *report;
  g_autofree char *printed = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *reason;
  Confirm *confirm;
  gint64 serial;

  g_variant_get (parameter, "(x&s)", &serial, &id);
  if (self->busy || (report = find_report (id)) == NULL)
    return;
  printed = ci_card_format_serial (serial);
  heading = report_heading (report->state, printed);
  /* Translators: %s is the card holder's name */
  body = g_strdup_printf (_("Doors refuse the card from now on, and it is never reactivated. "
                            "%s gets a replacement with the same zones."),
                          self->holder_name ? self->holder_name : self->number);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       heading, body));
  reason = reason_entry_new ();
  adw_message_dialog_set_extra_child (dialog, reason);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "report", _(report->response), NULL);
  adw_message_dialog_set_response_appearance (dialog, "report", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  confirm = g_new0 (Confirm, 1);
  confirm->self = g_object_ref (self);
  confirm->reason = GTK_EDITABLE (g_object_ref (reason));
  confirm->serial = serial;
  confirm->state = report->state;
  g_signal_connect_data (dialog, "response", G_CALLBACK (report_confirmed), confirm,
                         confirm_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ─── the session ───────────────────────────────────────────────────────── */

static void
clear_holder (CiFrontDeskPage *self)
{
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->holder_name, g_free);
  g_clear_pointer (&self->lookup_error, g_free);
  self->found = 0;
  self->replaces = 0;
  self->issued = 0;
  self->reported = 0;
  clear_cards (self);
  gtk_label_set_text (self->name_label, "");
  gtk_label_set_text (self->holder_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  if (!self->busy)
    _ci_front_desk_page_reset_steps (self);
  _ci_front_desk_page_show_replacement (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "empty");
}

/* Nothing read for one operator is shown to the next. */
static void
operator_changed (CiFrontDeskPage *self)
{
  CiApplication *app = get_app ();
  CiOperator *op = ci_application_get_operator (app);

  clear_holder (self);
  ci_employee_model_set_session (self->model, op ? ci_application_get_services (app) : NULL, op);
  g_signal_handlers_block_by_func (self->search_entry, search_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed, self);
  /* The list is read when the page is shown, not for every operator signing in. */
  self->stale = op != NULL;
  if (self->stale && gtk_widget_get_mapped (GTK_WIDGET (self)))
    refilter (self);
  update_count (self);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_front_desk_page_map (GtkWidget *widget)
{
  CiFrontDeskPage *self = CI_FRONT_DESK_PAGE (widget);

  GTK_WIDGET_CLASS (ci_front_desk_page_parent_class)->map (widget);
  if (self->stale)
    refilter (self);
}

static void
ci_front_desk_page_dispose (GObject *object)
{
  CiFrontDeskPage *self = CI_FRONT_DESK_PAGE (object);

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  if (self->issue_cancellable != NULL)
    g_cancellable_cancel (self->issue_cancellable);
  g_clear_object (&self->issue_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_FRONT_DESK_PAGE);
  g_clear_object (&self->model);
  g_clear_pointer (&self->lookup_error, g_free);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->holder_name, g_free);
  G_OBJECT_CLASS (ci_front_desk_page_parent_class)->dispose (object);
}

static void
ci_front_desk_page_class_init (CiFrontDeskPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_front_desk_page_dispose;
  widget_class->map = ci_front_desk_page_map;

  g_type_ensure (CI_TYPE_EMPLOYEE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-front-desk-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, find_pane);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, selection);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, holder_label);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CiFrontDeskPage, cards_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed);
  gtk_widget_class_bind_template_callback (widget_class, search_activated);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_install_action (widget_class, "front-desk.report", "(xs)", report_action);
  _ci_front_desk_page_class_init_replace (widget_class);
}

static void
ci_front_desk_page_init (CiFrontDeskPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->model = ci_employee_model_new ();
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  /* A query that fails, or finds as many as the one before, changes no items. */
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (get_app (), "notify::operator", G_CALLBACK (operator_changed), self,
                           G_CONNECT_SWAPPED);
  _ci_front_desk_page_init_replace (self);
  operator_changed (self);
}

/**
 * ci_front_desk_page_get_holder:
 * @self: a #CiFrontDeskPage
 *
 * Returns: (nullable): the employee number of the holder shown
 */
const char *
ci_front_desk_page_get_holder (CiFrontDeskPage *self)
{
  g_return_val_if_fail (CI_IS_FRONT_DESK_PAGE (self), NULL);

  return self->number;
}

gboolean
ci_front_desk_page_get_busy (CiFrontDeskPage *self)
{
  g_return_val_if_fail (CI_IS_FRONT_DESK_PAGE (self), FALSE);

  return self->busy;
}

/**
 * ci_front_desk_page_get_issued:
 * @self: a #CiFrontDeskPage
 *
 * Returns: the serial of the last replacement written on this page, or 0
 */
gint64
ci_front_desk_page_get_issued (CiFrontDeskPage *self)
{
  g_return_val_if_fail (CI_IS_FRONT_DESK_PAGE (self), 0);

  return self->issued;
}
