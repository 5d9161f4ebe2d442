/* ci-audit-page-cells.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>

#include "ci-audit-page-private.h"
#include "keys/ci-digest.h"

/* What the audit list shows of an entry: one row per entry, a cell per
 * column, and the whole entry when a row is activated. */

/* ─── CiAuditRow ────────────────────────────────────────────────────────── */

struct _CiAuditRow
{
  GObject          parent_instance;

  CiAuditListItem *item;
};

G_DEFINE_FINAL_TYPE (CiAuditRow, ci_audit_row, G_TYPE_OBJECT)

static void
ci_audit_row_finalize (GObject *object)
{
  CiAuditRow *self = CI_AUDIT_ROW (object);

  g_clear_pointer (&self->item, ci_audit_list_item_free);
  G_OBJECT_CLASS (ci_audit_row_parent_class)->finalize (object);
}

static void
ci_audit_row_class_init (CiAuditRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ci_audit_row_finalize;
}

static void
ci_audit_row_init (CiAuditRow *self)
{
}

/* Takes @item. */
CiAuditRow *
_ci_audit_row_new (CiAuditListItem *item)
{
  CiAuditRow *self = g_object_new (CI_TYPE_AUDIT_ROW, NULL);

  self->item = item;
  return self;
}

/**
 * ci_audit_row_get_item:
 * @self: a #CiAuditRow
 *
 * Returns: (transfer none): the entry the row shows
 */
const CiAuditListItem *
ci_audit_row_get_item (CiAuditRow *self)
{
  g_return_val_if_fail (CI_IS_AUDIT_ROW (self), NULL);

  return self->item;
}

/* ─── the cells ─────────────────────────────────────────────────────────── */

typedef char *(*CellTextFunc) (const CiAuditListItem *item);

typedef struct
{
  gsize        column_offset;
  CellTextFunc text;
  gboolean     tooltip;
} Column;

static char *
cell_time (const CiAuditListItem *item)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (item->entry->time_us / G_USEC_PER_SEC);

  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static char *
cell_operator (const CiAuditListItem *item)
{
  return g_strdup (item->entry->operator_login);
}

static char *
cell_action (const CiAuditListItem *item)
{
  return g_strdup (item->entry->action);
}

static char *
cell_employee (const CiAuditListItem *item)
{
  return g_strdup (item->employee);
}

static char *
cell_card (const CiAuditListItem *item)
{
  return g_strdup (item->card);
}

static char *
cell_reason (const CiAuditListItem *item)
{
  return g_strdup (item->entry->reason);
}

static const Column columns[] = {
  { G_STRUCT_OFFSET (CiAuditPage, time_column), cell_time, FALSE },
  { G_STRUCT_OFFSET (CiAuditPage, operator_column), cell_operator, FALSE },
  { G_STRUCT_OFFSET (CiAuditPage, action_column), cell_action, FALSE },
  { G_STRUCT_OFFSET (CiAuditPage, employee_column), cell_employee, FALSE },
  { G_STRUCT_OFFSET (CiAuditPage, card_column), cell_card, FALSE },
  { G_STRUCT_OFFSET (CiAuditPage, reason_column), cell_reason, TRUE },
};

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_label (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  const Column *column = user_data;
  CiAuditRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = column->text (row->item);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, column->tooltip && *text ? text : NULL);
}

static void
setup_outcome (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* The word says it; the icon is for the eye only. */
  GtkWidget *image = g_object_new (GTK_TYPE_IMAGE, "accessible-role",
                                   GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_image_set_pixel_size (GTK_IMAGE (image), 16);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

/* Not colour alone: a refusal and a failure each have their own icon and word. */
static void
bind_outcome (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item)
{
  CiAuditRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  const CiAuditEntry *e = row->item->entry;

  gtk_widget_remove_css_class (box, "warning");
  gtk_widget_remove_css_class (box, "error");
  switch (e->outcome)
    {
    case CI_OUTCOME_REFUSED:
      gtk_image_set_from_icon_name (GTK_IMAGE (image), "action-unavailable-symbolic");
      gtk_label_set_text (GTK_LABEL (label), _("Refused"));
      gtk_widget_add_css_class (box, "warning");
      break;
    case CI_OUTCOME_FAILED:
      gtk_image_set_from_icon_name (GTK_IMAGE (image), "dialog-error-symbolic");
      gtk_label_set_text (GTK_LABEL (label), _("Failed"));
      gtk_widget_add_css_class (box, "error");
      break;
    case CI_OUTCOME_OK:
    default:
      gtk_image_clear (GTK_IMAGE (image));
      gtk_label_set_text (GTK_LABEL (label), _("Succeeded"));
      break;
    }
  /* Only the exceptions carry an icon, so they stand out in a long list. */
  gtk_widget_set_visible (image, e->outcome != CI_OUTCOME_OK);
  gtk_widget_set_tooltip_text (box, e->reason && *e->reason ? e->reason : NULL);
}

void
_ci_audit_page_set_factories (CiAuditPage *self)
{
  g_autoptr(GtkListItemFactory) outcome = gtk_signal_list_item_factory_new ();

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkColumnViewColumn *column = G_STRUCT_MEMBER (GtkColumnViewColumn *, self,
                                                     columns[i].column_offset);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label), (gpointer) &columns[i]);
      gtk_column_view_column_set_factory (column, factory);
    }
  g_signal_connect (outcome, "setup", G_CALLBACK (setup_outcome), NULL);
  g_signal_connect (outcome, "bind", G_CALLBACK (bind_outcome), NULL);
  gtk_column_view_column_set_factory (self->outcome_column, outcome);
}

/* ─── one entry in full ─────────────────────────────────────────────────── */

static char *
entry_description (const CiAuditEntry *e)
{
  g_autofree char *hash = ci_hex_encode (e->hash, CI_AUDIT_HASH_LEN);
  g_autofree char *duration = g_strdup_printf ("%.1f", e->duration_us / 1000.0);
  GString *text = g_string_new (NULL);

  /* Translators: the workstation that wrote an audit entry */
  g_string_append_printf (text, _("Desk: %s"), e->desk);
  g_string_append_c (text, '\n');
  if (*e->subject_type || *e->subject_id)
    {
      /* Translators: what an audit entry is about: a kind ("card") and its key */
      g_string_append_printf (text, _("Subject: %s %s"), e->subject_type, e->subject_id);
      g_string_append_c (text, '\n');
    }
  if (e->reason && *e->reason)
    {
      g_string_append_printf (text, _("Reason: %s"), e->reason);
      g_string_append_c (text, '\n');
    }
  g_string_append_printf (text, _("Details: %s"), e->details);
  g_string_append_c (text, '\n');
  /* Translators: how long an action took, in milliseconds */
  g_string_append_printf (text, _("Duration: %s ms"), duration);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Hash: %s"), hash);
  return g_string_free (text, FALSE);
}

/* Enter on a row (or a double click) shows all of the entry. */
void
_ci_audit_page_show_entry (CiAuditPage *self,
                           guint        position)
{
  g_autoptr(CiAuditRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), position);
  g_autofree char *seq = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *label;

  if (row == NULL)
    return;
  seq = g_strdup_printf ("%" G_GINT64_FORMAT, row->item->entry->seq);
  /* Translators: %s is the entry's sequence number in the audit log */
  heading = g_strdup_printf (_("Audit Entry %s"), seq);
  body = entry_description (row->item->entry);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   heading, NULL);
  label = gtk_label_new (body);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
