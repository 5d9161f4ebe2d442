/* ci-unlock-dialog.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cardissue-app"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ci-application.h"
#include "ci-job.h"
#include "ci-ui.h"
#include "ci-unlock-dialog.h"

/* The key store's passphrase, or its token's PIN, asked for when card work
 * needs the keys and they are locked: the desk opens the key store without
 * them unless its environment gives one. The core checks that the operator
 * may do card work and audits every attempt. The dialog stays up until the
 * keys are unlocked or the operator gives up, and says what went wrong in
 * between. The secret is wiped from the entry as soon as it is sent, and
 * from the worker's copy once tried. */

typedef struct
{
  CiUnlockedFunc    then;      /* until answered */
  gpointer          user_data;
  CiOperator       *actor;
  AdwMessageDialog *dialog;
  GtkEditable      *secret;
  GtkWidget        *status;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  gboolean          unlocking;
} Form;

static CiApplication *
get_app (void)
{
  return CI_APPLICATION (g_application_get_default ());
}

static void
form_free (gpointer data)
{
  Form *form = data;

  g_clear_object (&form->actor);
  g_free (form);
}

/* Calls back once, after the dialog has gone: what comes next (the holder's
 * PIN, say) opens on the window. */
static void
answer (Form     *form,
        gboolean  unlocked)
{
  CiUnlockedFunc then = g_steal_pointer (&form->then);
  gpointer user_data = form->user_data;

  if (then == NULL)
    return;
  /* The form may go with the dialog's last reference. */
  gtk_window_destroy (GTK_WINDOW (form->dialog));
  then (unlocked, user_data);
}

static void
validate (Form *form)
{
  const char *text = gtk_editable_get_text (form->secret);

  adw_message_dialog_set_response_enabled (form->dialog, "unlock",
                                           !form->unlocking && text[0] != '\0');
}

static void
set_unlocking (Form     *form,
               gboolean  unlocking)
{
  form->unlocking = unlocking;
  gtk_widget_set_sensitive (GTK_WIDGET (form->secret), !unlocking);
  adw_message_dialog_set_response_enabled (form->dialog, "cancel", !unlocking);
  gtk_spinner_set_spinning (form->spinner, unlocking);
  gtk_widget_set_visible (GTK_WIDGET (form->spinner), unlocking);
  validate (form);
}

/* ─── the worker ────────────────────────────────────────────────────────── */

typedef struct
{
  CiServices *services;
  CiOperator *actor;
  char       *secret;
} Unlock;

static void
unlock_free (gpointer data)
{
  Unlock *u = data;

  explicit_bzero (u->secret, strlen (u->secret));
  g_free (u->secret);
  g_clear_object (&u->services);
  g_clear_object (&u->actor);
  g_free (u);
}

static gpointer
unlock_thread (gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  Unlock *u = data;

  return ci_services_keys_unlock (u->services, u->actor, u->secret, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
unlock_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AdwMessageDialog) dialog = user_data;
  Form *form = g_object_get_data (G_OBJECT (dialog), "ci-unlock-form");
  g_autoptr(GError) error = NULL;
  gboolean unlocked = ci_job_finish (result, &error) != NULL;

  set_unlocking (form, FALSE);
  /* Closed meanwhile by the session's lock (the worker's reference kept it
   * from going): the card work is off, whatever the audit log says of this. */
  if (!gtk_widget_get_visible (GTK_WIDGET (dialog)))
    {
      answer (form, FALSE);
      return;
    }
  if (unlocked)
    {
      answer (form, TRUE);
      return;
    }
  ci_ui_show_outcome (form->status_label, error->message, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (form->secret));
}

static void
start_unlock (Form *form)
{
  Unlock *u = g_new0 (Unlock, 1);

  u->services = g_object_ref (ci_application_get_services (get_app ()));
  u->actor = g_object_ref (form->actor);
  u->secret = g_strdup (gtk_editable_get_text (form->secret));
  /* The entry's buffer wipes what it drops. */
  gtk_editable_set_text (form->secret, "");
  set_unlocking (form, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (form->status_label), "error");
  gtk_label_set_text (form->status_label, _("Unlocking the keys…"));
  gtk_widget_set_visible (form->status, TRUE);
  ci_job_run (NULL, unlock_thread, u, unlock_free, NULL, NULL, unlock_done,
              g_object_ref (form->dialog));
}

/* ─── the dialog ────────────────────────────────────────────────────────── */

static void
responded (AdwMessageDialog *dialog,
           const char       *response,
           Form             *form)
{
  /* Neither a second try nor giving up while the first one runs: the
   * worker cannot be stopped half-way, and reports back here. */
  if (form->then == NULL || form->unlocking)
    return;
  if (g_strcmp0 (response, "unlock") == 0)
    {
      if (gtk_editable_get_text (form->secret)[0] != '\0')
        start_unlock (form);
      return;
    }
  answer (form, FALSE);
}

/* A response closes an AdwMessageDialog; this one stays until answered, so
 * that a wrong secret can be typed again. Runs after the dialog's own handler,
 * which turns Escape into the "cancel" response. */
static gboolean
keep_open (GtkWindow *window,
           Form      *form)
{
  return form->then != NULL;
}

/* Destroyed without an answer: the session was locked. A secret typed but
 * not sent goes with the entry's buffer, which wipes it. */
static void
destroyed (AdwMessageDialog *dialog,
           Form             *form)
{
  answer (form, FALSE);
}

static GtkWidget *
secret_box (Form     *form,
            gboolean  token)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (token ? _("_Token PIN")
                                                        : _("_Key store passphrase"));
  /* A plain entry with its text hidden: GTK 4.8's GtkPasswordEntry leaves a
   * keyboard signal handler behind when its dialog is closed. */
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_widget_set_name (entry, "secret");
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  form->secret = GTK_EDITABLE (entry);

  form->status = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  form->spinner = GTK_SPINNER (gtk_spinner_new ());
  form->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (form->status_label), "status");
  gtk_label_set_wrap (form->status_label, TRUE);
  gtk_label_set_xalign (form->status_label, 0);
  gtk_box_append (GTK_BOX (form->status), GTK_WIDGET (form->spinner));
  gtk_box_append (GTK_BOX (form->status), GTK_WIDGET (form->status_label));
  gtk_widget_set_visible (form->status, FALSE);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), form->status);
  return box;
}

static char *
body_text (CiKeyStore *keys)
{
  g_autofree char *module = NULL;
  g_autofree char *label = NULL;

  if (!ci_key_store_is_pkcs11 (keys))
    return g_strdup (_("Writing cards needs the desk’s keys, which are locked. Type the key "
                       "store passphrase to unlock them until CardIssue is closed."));
  if (!ci_key_store_parse_pkcs11_uri (ci_key_store_get_path (keys), &module, &label, NULL))
    return g_strdup (_("Writing cards needs the keys in the security token, which is locked. "
                       "Type its PIN to unlock it until CardIssue is closed."));
  /* Translators: %s is the label of a security token (PKCS#11), such as “CardIssue” */
  return g_strdup_printf (_("Writing cards needs the keys in the security token “%s”, which "
                            "is locked. Type its PIN to unlock it until CardIssue is closed."),
                          label);
}

/**
 * ci_unlock_dialog_ensure:
 * @parent: the window the card work was started from
 * @actor: the operator who started it
 * @then: what to do next; called exactly once
 * @user_data: for @then
 *
 * Makes sure the key store is unlocked before card work: if it is, calls
 * @then at once; if not, asks for the passphrase or the token's PIN, unlocks
 * the keys on a worker thread, and calls @then when they are unlocked or the
 * operator gives up. Every card flow of the window comes through here.
 */
void
ci_unlock_dialog_ensure (GtkWindow      *parent,
                         CiOperator     *actor,
                         CiUnlockedFunc  then,
                         gpointer        user_data)
{
  CiKeyStore *keys = ci_services_get_key_store (ci_application_get_services (get_app ()));
  g_autofree char *body = NULL;
  Form *form;

  g_return_if_fail (CI_IS_OPERATOR (actor));
  g_return_if_fail (then != NULL);

  /* Without a key store at all there is nothing to ask for: the core says
   * what to do when the card work starts. */
  if (keys == NULL || ci_key_store_is_unlocked (keys))
    {
      then (TRUE, user_data);
      return;
    }
  form = g_new0 (Form, 1);
  form->then = then;
  form->user_data = user_data;
  form->actor = g_object_ref (actor);
  body = body_text (keys);
  form->dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Unlock the Key Store"),
                                                             body));
  adw_message_dialog_set_extra_child (form->dialog,
                                      secret_box (form, ci_key_store_is_pkcs11 (keys)));
  adw_message_dialog_add_responses (form->dialog,
                                    "cancel", _("_Cancel"),
                                    "unlock", _("_Unlock"),
                                    NULL);
  adw_message_dialog_set_response_appearance (form->dialog, "unlock", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (form->dialog, "unlock");
  adw_message_dialog_set_close_response (form->dialog, "cancel");
  g_object_set_data_full (G_OBJECT (form->dialog), "ci-unlock-form", form, form_free);
  g_signal_connect_swapped (form->secret, "changed", G_CALLBACK (validate), form);
  g_signal_connect (form->dialog, "response", G_CALLBACK (responded), form);
  g_signal_connect_after (form->dialog, "close-request", G_CALLBACK (keep_open), form);
  g_signal_connect (form->dialog, "destroy", G_CALLBACK (destroyed), form);
  validate (form);
  gtk_window_present (GTK_WINDOW (form->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (form->secret));
}
