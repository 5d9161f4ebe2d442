/* ci-audit-page.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ci-application.h"
#include "ci-audit-page-private.h"
#include "ci-job.h"
#include "ci-window.h"

/* Every action, by whom, with what outcome. The list shows the newest entries
 * and reads older ones a page at a time as it is scrolled down (the core pages
 * by sequence number, so the millionth entry costs what the first does). The
 * chain is verified on a worker thread when the page is first shown and again
 * on request; export writes what the filters select. Which entries an operator
 * may read is the core's decision, not this page's. */

#define PAGE_SIZE 200
#define REFILTER_DELAY_MS 300

/* In the order of the action drop-down in ci-audit-page.ui */
static const char * const action_prefixes[] = {
  NULL, "employee.", "card.", "grant.", "zone.", "schedule.", "operator.", "audit.",
};

/* In the order of the outcome drop-down */
static const guint outcome_sets[] = {
  0,
  1 << CI_OUTCOME_OK,
  1 << CI_OUTCOME_REFUSED | 1 << CI_OUTCOME_FAILED,
  1 << CI_OUTCOME_REFUSED,
  1 << CI_OUTCOME_FAILED,
};

G_DEFINE_FINAL_TYPE (CiAuditPage, ci_audit_page, ADW_TYPE_BIN)

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static gboolean
may_read (void)
{
  return ci_application_may (get_app (), CI_ACTION_AUDIT_READ);
}

static void
show_toast (CiAuditPage *self,
            const char  *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (CI_IS_WINDOW (root))
    ci_window_show_toast (CI_WINDOW (root), message);
}

/* ─── the filters ───────────────────────────────────────────────────────── */

/* What the filter widgets ask for, owned, so a worker thread can use it. */
typedef struct
{
  char       *text;
  char       *operator_login;
  const char *action_prefix;
  gint64      since_us;
  gint64      until_us;
  guint       outcomes;
} Query;

static void
query_clear (Query *q)
{
  g_clear_pointer (&q->text, g_free);
  g_clear_pointer (&q->operator_login, g_free);
}

static void
query_to_filter (const Query   *q,
                 CiAuditFilter *f)
{
  f->text = q->text;
  f->operator_login = q->operator_login;
  f->action_prefix = q->action_prefix;
  f->since_us = q->since_us;
  f->until_us = q->until_us;
  f->outcomes = q->outcomes;
}

/* A day typed as YYYY-MM-DD: the local time it begins, or with @next_day the
 * time the day after begins. An empty field is no bound (0). */
static gboolean
parse_day (const char *typed,
           gboolean    next_day,
           gint64     *time_us)
{
  g_autofree char *text = g_strstrip (g_strdup (typed));
  g_autoptr(GDateTime) day = NULL;
  int y, m, d;
  char tail;

  *time_us = 0;
  if (*text == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
      || y < 1 || m < 1 || m > 12 || d < 1 || d > 31
      || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  day = g_date_time_new_local (y, m, d, 0, 0, 0);
  if (day != NULL && next_day)
    {
      GDateTime *after = g_date_time_add_days (day, 1);
      g_date_time_unref (day);
      day = after;
    }
  if (day == NULL)
    return FALSE;
  *time_us = g_date_time_to_unix (day) * G_USEC_PER_SEC;
  return TRUE;
}

/* A date that cannot be read is marked, and left out of the query. */
static gint64
read_day (GtkEntry *entry,
          gboolean  next_day)
{
  gint64 time_us;
  gboolean ok = parse_day (gtk_editable_get_text (GTK_EDITABLE (entry)), next_day, &time_us);

  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                               ok ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  return time_us;
}

static char *
entry_text (gpointer editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));

  return *text ? g_steal_pointer (&text) : NULL;
}

static void
read_query (CiAuditPage *self,
            Query       *q)
{
  guint action = gtk_drop_down_get_selected (self->action_dropdown);
  guint outcome = gtk_drop_down_get_selected (self->outcome_dropdown);

  q->text = entry_text (self->search_entry);
  q->operator_login = entry_text (self->operator_entry);
  q->action_prefix = action < G_N_ELEMENTS (action_prefixes) ? action_prefixes[action] : NULL;
  q->outcomes = outcome < G_N_ELEMENTS (outcome_sets) ? outcome_sets[outcome] : 0;
  q->since_us = read_day (self->from_entry, FALSE);
  q->until_us = read_day (self->to_entry, TRUE);
}

/* ─── state shown ───────────────────────────────────────────────────────── */

static void
update_state (CiAuditPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  gboolean signed_in = ci_application_get_operator (get_app ()) != NULL;
  g_autofree char *text = NULL;

  if (self->list_error != NULL)
    text = g_strdup (self->list_error->message);
  else if (self->loading)
    text = g_strdup (_("Reading the audit log…"));
  else if (n > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry shown, newest first",
                                         "%u entries shown, newest first", n), n);
  else
    text = g_strdup ("");
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack,
                                    n == 0 && signed_in && !self->loading && !self->stale
                                    && self->list_error == NULL ? "empty" : "list");
  gtk_widget_set_visible (self->more_button, self->more);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.load-more",
                                 signed_in && self->more && !self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.refresh",
                                 signed_in && may_read () && !self->checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export",
                                 signed_in && may_read () && self->export_cancellable == NULL);
}

/* ─── the list ──────────────────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  Query       query;
  gint64      before_seq;
} ListRequest;

static void
list_request_free (gpointer data)
{
  ListRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  query_clear (&r->query);
  g_free (r);
}

static gpointer
list_thread (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  ListRequest *r = data;
  CiAuditFilter f = { .before_seq = r->before_seq, .limit = PAGE_SIZE };

  query_to_filter (&r->query, &f);
  return ci_services_audit_list (r->services, r->actor, &f, error);
}

static void
list_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CiAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = ci_job_finish (result, &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  g_clear_object (&self->list_cancellable);
  if (items == NULL)
    {
      self->list_error = g_steal_pointer (&error);
      self->more = FALSE;
      update_state (self);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (rows, _ci_audit_row_new (g_steal_pointer (&items->pdata[i])));
  self->more = items->len == PAGE_SIZE;
  if (items->len > 0)
    self->oldest_seq = ci_audit_row_get_item (rows->pdata[rows->len - 1])->entry->seq;
  g_list_store_splice (self->rows, self->replace ? 0 : n, self->replace ? n : 0, rows->pdata,
                       rows->len);
  update_state (self);
}

static void
cancel (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

/* Reads the newest page for the filters (@replace) or the page older than
 * what the list holds. */
static void
load (CiAuditPage *self,
      gboolean     replace)
{
  CiApplication *app = get_app ();
  ListRequest *r;

  cancel (&self->list_cancellable);
  g_clear_error (&self->list_error);
  self->loading = FALSE;
  if (ci_application_get_operator (app) == NULL || !may_read ())
    {
      update_state (self);
      return;
    }
  r = g_new0 (ListRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  read_query (self, &r->query);
  r->before_seq = replace ? 0 : self->oldest_seq;
  if (replace)
    self->stale = FALSE;
  self->replace = replace;
  self->loading = TRUE;
  self->list_cancellable = g_cancellable_new ();
  ci_job_run (NULL, list_thread, r, list_request_free, (GDestroyNotify) g_ptr_array_unref,
              self->list_cancellable, list_done, g_object_ref (self));
  update_state (self);
}

static void
refilter (CiAuditPage *self)
{
  g_clear_handle_id (&self->refilter_source, g_source_remove);
  if (!self->resetting)
    load (self, TRUE);
}

static gboolean
refilter_timeout (gpointer user_data)
{
  CiAuditPage *self = user_data;

  self->refilter_source = 0;
  refilter (self);
  return G_SOURCE_REMOVE;
}

/* Typing in a field waits for a pause before the log is read again. */
static void
refilter_later (CiAuditPage *self)
{
  g_clear_handle_id (&self->refilter_source, g_source_remove);
  if (!self->resetting)
    self->refilter_source = g_timeout_add (REFILTER_DELAY_MS, refilter_timeout, self);
}

static void
edge_reached (CiAuditPage     *self,
              GtkPositionType  position)
{
  if (position == GTK_POS_BOTTOM && self->more && !self->loading)
    load (self, FALSE);
}

static void
row_activated (CiAuditPage *self,
               guint        position)
{
  _ci_audit_page_show_entry (self, position);
}

static void
load_more_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CiAuditPage *self = CI_AUDIT_PAGE (widget);

  if (self->more && !self->loading)
    load (self, FALSE);
}

/* ─── the chain ─────────────────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
} ChainRequest;

typedef struct
{
  CiScope        scope;
  CiAuditReport *report;   /* only for operators who may read all of the log */
  GDateTime     *checked;
} ChainState;

static void
chain_request_free (gpointer data)
{
  ChainRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  g_free (r);
}

static void
chain_state_free (gpointer data)
{
  ChainState *c = data;

  g_clear_pointer (&c->report, ci_audit_report_free);
  g_clear_pointer (&c->checked, g_date_time_unref);
  g_free (c);
}

/* Verifying is for those who may read the whole log; for the others the core
 * would refuse (and record the refusal), so it is not asked. */
static gpointer
chain_thread (gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  ChainRequest *r = data;
  CiScope scopes[CI_N_ACTIONS];
  ChainState *c;

  if (!ci_services_operator_scopes (r->services, r->actor, scopes, error))
    return NULL;
  c = g_new0 (ChainState, 1);
  c->scope = scopes[CI_ACTION_AUDIT_READ];
  if (c->scope == CI_SCOPE_ALL
      && (c->report = ci_services_audit_verify (r->services, r->actor, error)) == NULL)
    {
      chain_state_free (c);
      return NULL;
    }
  c->checked = g_date_time_new_now_local ();
  return c;
}

static void
set_chain (CiAuditPage *self,
           const char  *icon,
           const char  *style,
           const char  *title,
           const char  *subtitle)
{
  gtk_stack_set_visible_child_name (self->chain_icon_stack, "icon");
  gtk_spinner_set_spinning (self->chain_spinner, FALSE);
  gtk_image_set_from_icon_name (self->chain_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->chain_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->chain_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->chain_icon), "dim-label");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->chain_icon), style);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->chain_row), title);
  adw_action_row_set_subtitle (self->chain_row, subtitle);
}

static void
show_intact (CiAuditPage      *self,
             const ChainState *c)
{
  const CiAuditReport *report = c->report;
  g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, report->n_entries);
  g_autofree char *signed_seq = g_strdup_printf ("%" G_GINT64_FORMAT, report->signed_seq);
  g_autofree char *when = g_date_time_format (c->checked, "%H:%M");
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* Translators: %s is a number of audit entries */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Chain intact — %s entry",
                                        "Chain intact — %s entries",
                                        (gulong) MIN (report->n_entries, G_MAXLONG)), n);
  if (report->signed_seq > 0)
    /* Translators: a sequence number, and the time the chain was verified */
    subtitle = g_strdup_printf (_("Last signed checkpoint at entry %s · verified at %s"),
                                signed_seq, when);
  else
    /* Translators: %s is the time the chain was verified */
    subtitle = g_strdup_printf (_("No signed checkpoint yet · verified at %s"), when);
  set_chain (self, "emblem-ok-symbolic", "success", title, subtitle);
}

/* The first problems the core found, in its words; the rest counted. */
static void
show_broken (CiAuditPage      *self,
             const ChainState *c)
{
  GPtrArray *problems = c->report->problems;
  guint shown = MIN (problems->len, 3);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *title = NULL;

  /* Translators: %u is how many problems verification found in the audit log */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Chain broken — %u problem found",
                                        "Chain broken — %u problems found", problems->len),
                           problems->len);
  for (guint i = 0; i < shown; i++)
    {
      const CiAuditProblem *p = g_ptr_array_index (problems, i);
      g_string_append_printf (subtitle, "%s%s", i ? "\n" : "", p->message);
    }
  if (problems->len > shown)
    {
      guint rest = problems->len - shown;
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "and %u more problem",
                                                     "and %u more problems", rest), rest);
    }
  set_chain (self, "dialog-warning-symbolic", "error", title, subtitle->str);
}

/* An operator who reads only their own entries sees so in the operator field. */
static void
show_limited (CiAuditPage *self)
{
  CiOperator *op = ci_application_get_operator (get_app ());

  set_chain (self, "dialog-information-symbolic", "dim-label", _("Your own entries"),
             _("You can read the entries you wrote. Verifying the whole chain is for "
               "security officers and administrators."));
  if (op != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->operator_entry)),
                               ci_operator_get_login (op)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->operator_entry), ci_operator_get_login (op));
  gtk_widget_set_sensitive (GTK_WIDGET (self->operator_entry), FALSE);
}

static void
chain_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CiAuditPage) self = user_data;
  g_autoptr(GError) error = NULL;
  ChainState *c = ci_job_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->checking = FALSE;
  g_clear_object (&self->chain_cancellable);
  if (c == NULL)
    set_chain (self, "dialog-error-symbolic", "error", _("The chain could not be verified"),
               error ? error->message : "");
  else if (c->scope != CI_SCOPE_ALL)
    show_limited (self);
  else if (ci_audit_report_is_intact (c->report))
    show_intact (self, c);
  else
    show_broken (self, c);
  g_clear_pointer (&c, chain_state_free);
  update_state (self);
}

static void
check_chain (CiAuditPage *self)
{
  CiApplication *app = get_app ();
  ChainRequest *r;

  cancel (&self->chain_cancellable);
  self->checking = FALSE;
  if (ci_application_get_operator (app) == NULL || !may_read ())
    return;
  self->unverified = FALSE;
  self->checking = TRUE;
  gtk_stack_set_visible_child_name (self->chain_icon_stack, "busy");
  gtk_spinner_set_spinning (self->chain_spinner, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->chain_row),
                                 _("Verifying the audit chain…"));
  adw_action_row_set_subtitle (self->chain_row, _("Every entry is checked against its hash "
                                                  "and the signed checkpoints."));
  r = g_new0 (ChainRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  self->chain_cancellable = g_cancellable_new ();
  ci_job_run (NULL, chain_thread, r, chain_request_free, chain_state_free,
              self->chain_cancellable, chain_done, g_object_ref (self));
  update_state (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CiAuditPage *self = CI_AUDIT_PAGE (widget);

  refilter (self);
  check_chain (self);
}

/* ─── export ────────────────────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  Query       query;
  GFile      *file;
} ExportRequest;

static void
export_request_free (gpointer data)
{
  ExportRequest *r = data;

  g_clear_object (&r->services);
  g_clear_object (&r->actor);
  query_clear (&r->query);
  g_clear_object (&r->file);
  g_free (r);
}

/* Written beside the chosen file and moved over it once complete, so a
 * failed export never leaves half a log that could pass for all of it. */
static gpointer
export_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ExportRequest *r = data;
  g_autoptr(GFile) folder = g_file_get_parent (r->file);
  g_autofree char *name = g_file_get_basename (r->file);
  g_autofree char *part_name = g_strconcat (name, ".part", NULL);
  g_autoptr(GFile) part = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  CiAuditFilter f = { 0 };
  gboolean ok;

  if (folder == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                           _("Choose a file to write to, not a folder"));
      return NULL;
    }
  part = g_file_get_child (folder, part_name);
  query_to_filter (&r->query, &f);
  out = g_file_replace (part, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (out == NULL)
    return NULL;
  ok = ci_services_audit_export (r->services, r->actor, &f, G_OUTPUT_STREAM (out), cancellable,
                                 error)
       && g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error)
       && g_file_move (part, r->file, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error);
  if (!ok)
    {
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
      g_file_delete (part, NULL, NULL);
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

typedef struct
{
  CiAuditPage *self;
  char        *name;
} ExportDone;

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportDone *d = user_data;
  CiAuditPage *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (ci_job_finish (result, &error) != NULL)
    /* Translators: %s is the name of the file the audit log was saved to */
    message = g_strdup_printf (_("Audit log exported to %s"), d->name);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Translators: %s says why, in a sentence */
    message = g_strdup_printf (_("The audit log could not be exported: %s"), error->message);
  if (message != NULL)
    {
      g_clear_object (&self->export_cancellable);
      show_toast (self, message);
    }
  update_state (self);
  g_object_unref (d->self);
  g_free (d->name);
  g_free (d);
}

/**
 * ci_audit_page_export_to_file:
 * @self: a #CiAuditPage
 * @file: where the JSON Lines go (replaced if it exists)
 *
 * Exports the entries the filters select, oldest first, on a worker thread,
 * and says in a toast how it went. The file chooser of the Export button
 * ends here.
 */
void
ci_audit_page_export_to_file (CiAuditPage *self,
                              GFile       *file)
{
  CiApplication *app = get_app ();
  ExportRequest *r;
  ExportDone *d;

  g_return_if_fail (CI_IS_AUDIT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (ci_application_get_operator (app) == NULL || self->export_cancellable != NULL)
    return;
  r = g_new0 (ExportRequest, 1);
  r->services = g_object_ref (ci_application_get_services (app));
  r->actor = g_object_ref (ci_application_get_operator (app));
  read_query (self, &r->query);
  r->file = g_object_ref (file);
  d = g_new0 (ExportDone, 1);
  d->self = g_object_ref (self);
  d->name = g_file_get_parse_name (file);
  self->export_cancellable = g_cancellable_new ();
  ci_job_run (NULL, export_thread, r, export_request_free, NULL, self->export_cancellable,
              export_done, d);
  update_state (self);
}

static void
chooser_response (GtkNativeDialog *chooser,
                  int              response,
                  CiAuditPage     *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    ci_audit_page_export_to_file (self, file);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CiAuditPage *self = CI_AUDIT_PAGE (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: the suggested file name of an export; %s is today's date */
  g_autofree char *name = g_strdup_printf (_("audit-log-%s.jsonl"), date);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (!may_read () || self->export_cancellable != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Audit Log"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_filter_set_name (filter, _("JSON Lines"));
  gtk_file_filter_add_pattern (filter, "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ─── the session ───────────────────────────────────────────────────────── */

static void
reset_filters (CiAuditPage *self)
{
  self->resetting = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->operator_entry), "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->operator_entry), TRUE);
  gtk_drop_down_set_selected (self->action_dropdown, 0);
  gtk_drop_down_set_selected (self->outcome_dropdown, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), "");
  read_day (self->from_entry, FALSE);
  read_day (self->to_entry, TRUE);
  self->resetting = FALSE;
}

/* Nothing one operator saw stays for the next; the log is read again when
 * the page is next shown, not for everyone who signs in. */
static void
operator_changed (CiAuditPage *self)
{
  gboolean may = may_read ();

  g_clear_handle_id (&self->refilter_source, g_source_remove);
  cancel (&self->list_cancellable);
  cancel (&self->chain_cancellable);
  cancel (&self->export_cancellable);
  g_clear_error (&self->list_error);
  self->loading = self->checking = self->more = FALSE;
  self->oldest_seq = 0;
  g_list_store_remove_all (self->rows);
  reset_filters (self);
  set_chain (self, "channel-secure-symbolic", "dim-label",
             may ? _("Chain not verified yet") : "", "");
  self->stale = self->unverified = may;
  if (may && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      load (self, TRUE);
      check_chain (self);
    }
  update_state (self);
}

/* ─── GObject ───────────────────────────────────────────────────────────── */

static void
ci_audit_page_map (GtkWidget *widget)
{
  CiAuditPage *self = CI_AUDIT_PAGE (widget);

  GTK_WIDGET_CLASS (ci_audit_page_parent_class)->map (widget);
  if (self->stale)
    load (self, TRUE);
  if (self->unverified)
    check_chain (self);
}

/* Coming back to the page shows what was written meanwhile. */
static void
ci_audit_page_unmap (GtkWidget *widget)
{
  CiAuditPage *self = CI_AUDIT_PAGE (widget);

  self->stale = may_read ();
  GTK_WIDGET_CLASS (ci_audit_page_parent_class)->unmap (widget);
}

static void
ci_audit_page_dispose (GObject *object)
{
  CiAuditPage *self = CI_AUDIT_PAGE (object);

  g_clear_handle_id (&self->refilter_source, g_source_remove);
  cancel (&self->list_cancellable);
  cancel (&self->chain_cancellable);
  cancel (&self->export_cancellable);
  g_clear_error (&self->list_error);
  gtk_widget_dispose_template (GTK_WIDGET (self), CI_TYPE_AUDIT_PAGE);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (ci_audit_page_parent_class)->dispose (object);
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, chain_row);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, chain_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, chain_icon);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, chain_spinner);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, operator_entry);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, outcome_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, selection);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, time_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, operator_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, action_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, employee_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, card_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, outcome_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, reason_column);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, CiAuditPage, more_button);
}

static void
ci_audit_page_class_init (CiAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ci_audit_page_dispose;
  widget_class->map = ci_audit_page_map;
  widget_class->unmap = ci_audit_page_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CardIssue/ui/ci-audit-page.ui");
  bind_children (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, refilter);
  gtk_widget_class_bind_template_callback (widget_class, refilter_later);
  gtk_widget_class_bind_template_callback (widget_class, edge_reached);
  gtk_widget_class_bind_template_callback (widget_class, row_activated);
  gtk_widget_class_install_action (widget_class, "audit.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "audit.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "audit.load-more", NULL, load_more_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "audit.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "audit.refresh", NULL);
}

static void
ci_audit_page_init (CiAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_list_store_new (CI_TYPE_AUDIT_ROW);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->rows));
  _ci_audit_page_set_factories (self);
  g_signal_connect_object (get_app (), "notify::operator", G_CALLBACK (operator_changed), self,
                           G_CONNECT_SWAPPED);
  operator_changed (self);
}

/**
 * ci_audit_page_get_model:
 * @self: a #CiAuditPage
 *
 * Returns: (transfer none): the rows (#CiAuditRow) the list shows, newest first
 */
GListModel *
ci_audit_page_get_model (CiAuditPage *self)
{
  g_return_val_if_fail (CI_IS_AUDIT_PAGE (self), NULL);

  return G_LIST_MODEL (self->rows);
}

/**
 * ci_audit_page_get_busy:
 * @self: a #CiAuditPage
 *
 * Returns: whether the list, the chain status or an export is still being
 *   worked on (for tests)
 */
gboolean
ci_audit_page_get_busy (CiAuditPage *self)
{
  g_return_val_if_fail (CI_IS_AUDIT_PAGE (self), FALSE);

  return self->loading || self->checking || self->refilter_source != 0
         || self->export_cancellable != NULL;
}
