/* ci-card-pipeline.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-card-pipeline.h"

/* check → initialise → personalise → lock → verify (profile §7.1–§7.5).
 * Every command is all-or-nothing on the card, and the order is chosen so
 * that a card cut off at any point can be recognised and finished: the serial
 * goes into EF.CARD before the transport key is retired, and the application
 * is activated only after everything is written. */

const char *
ci_issue_step_name (CiIssueStep step)
{
  static const char * const names[] = {
    "check", "initialise", "personalise", "lock", "verify"
  };

  g_return_val_if_fail (step < CI_ISSUE_N_STEPS, NULL);
  return names[step];
}

void
ci_issue_request_clear_secrets (CiIssueRequest *request)
{
  g_return_if_fail (request != NULL);

  OPENSSL_cleanse (request->transport_key, sizeof request->transport_key);
  OPENSSL_cleanse (request->admin_key, sizeof request->admin_key);
  OPENSSL_cleanse (request->pin, sizeof request->pin);
  OPENSSL_cleanse (request->puk, sizeof request->puk);
}

typedef struct
{
  CiCardSession  *session;
  CiIssueRequest *request;
  CiCardCheck     check;
  GBytes         *cardkey;     /* EF.CARDKEY object, once known */
  GBytes         *signature;   /* EF.SIGNATURE object written by this run */
  gboolean        writing;     /* before_write was called */
} Run;

typedef gboolean (*StepFunc) (Run     *run,
                              GError **error);

static void
run_clear (Run *run)
{
  ci_card_check_clear (&run->check);
  g_clear_pointer (&run->cardkey, g_bytes_unref);
  g_clear_pointer (&run->signature, g_bytes_unref);
}

static gboolean
run_step (Run          *run,
          CiIssueStep   step,
          StepFunc      func,
          GError      **error)
{
  gint64 start = g_get_monotonic_time ();
  GError *local = NULL;
  gboolean ok = func (run, &local);
  gint64 duration = g_get_monotonic_time () - start;

  /* A check the caller made already counts as this step's time. */
  if (step == CI_ISSUE_STEP_CHECK && run->request->check != NULL)
    duration += run->request->check->duration_us;
  if (run->request->on_step)
    run->request->on_step (step, FALSE, duration, local, run->request->step_data);
  if (!ok)
    g_propagate_error (error, local);
  return ok;
}

static void
skip_step (Run         *run,
           CiIssueStep  step)
{
  if (run->request->on_step)
    run->request->on_step (step, TRUE, 0, NULL, run->request->step_data);
}

static gboolean
is_error (const GError *error,
          CiCardError   code)
{
  return error != NULL && g_error_matches (error, CI_CARD_ERROR, code);
}

static GBytes *
read_object (CiCardSession  *session,
             CiCardFile      file,
             GError        **error)
{
  g_autoptr(GBytes) content = ci_card_session_read_file (session, file, error);

  if (content == NULL)
    return NULL;
  return ci_card_file_object (g_bytes_get_data (content, NULL), g_bytes_get_size (content), error);
}

/* Every step calls this before its first command that changes the card. */
static gboolean
start_writing (Run     *run,
               GError **error)
{
  if (run->writing)
    return TRUE;
  run->writing = TRUE;
  return run->request->before_write == NULL
         || run->request->before_write (run->request->step_data, error);
}

/* --- check ------------------------------------------------------------- */

static gboolean
check_step (Run     *run,
            GError **error)
{
  const char *serial = run->request->serial;

  if (run->request->check != NULL)
    {
      run->check = *run->request->check;
      run->check.serial = g_strdup (run->request->check->serial);
    }
  else if (!ci_card_session_check (run->session, &run->check, error))
    return FALSE;
  switch (run->check.kind)
    {
    case CI_CARD_KIND_TERMINATED:
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_CARD,
                   _("This card has been terminated and can't be issued again. "
                     "Destroy it and use a blank card."));
      return FALSE;
    case CI_CARD_KIND_HALF_WRITTEN:
    case CI_CARD_KIND_ISSUED:
      if (g_strcmp0 (run->check.serial, serial) != 0)
        {
          g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_CARD,
                       /* Translators: the first and the third %s are the serial the card in
                        * the reader already carries, the second the serial being issued. */
                       _("This card already belongs to card %s, not to card %s. "
                         "Use a blank card, or finish card %s with this one."),
                       run->check.serial, serial, run->check.serial);
          return FALSE;
        }
      return TRUE;
    default:
      return TRUE;
    }
}

/* --- initialise -------------------------------------------------------- */

/* This run creates the application itself: every file starts out 00. */
static gboolean
is_fresh (Run *run)
{
  return run->check.kind == CI_CARD_KIND_BLANK || run->check.kind == CI_CARD_KIND_STARTED;
}

/* A blank card, or one whose initialisation stopped before the serial:
 * SM with the transport key, then the application from scratch. */
static gboolean
initialise_fresh (Run      *run,
                  GError  **error)
{
  CiIssueRequest *request = run->request;
  guint8 life_cycle;

  if (run->check.kind == CI_CARD_KIND_STARTED)
    {
      if (!ci_card_session_select_df (run->session, &life_cycle, error)
          || !ci_card_session_authenticate (run->session, CI_CARD_KEY_TRANSPORT,
                                            request->transport_key, error)
          || !start_writing (run, error)
          || !ci_card_session_delete_df (run->session, error))
        return FALSE;
    }
  else if (!ci_card_session_select_mf (run->session, error)
           || !ci_card_session_authenticate (run->session, CI_CARD_KEY_TRANSPORT,
                                             request->transport_key, error))
    return FALSE;
  return start_writing (run, error)
         && ci_card_session_create_files (run->session, error)
         && ci_card_session_write_file (run->session, CI_CARD_FILE_CARD, request->card, 0, error);
}

/* The admin key, the card's own key pair, and the transport key retired.
 * @have_admin: an earlier run already loaded the admin key. */
static gboolean
initialise_keys (Run       *run,
                 gboolean   have_admin,
                 GError   **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) content = NULL;

  if (!start_writing (run, error))
    return FALSE;
  if (!have_admin && !ci_card_session_put_key (run->session, CI_CARD_KEY_ADMIN,
                                               run->request->admin_key, error))
    return FALSE;
  /* A card resumed may have its key pair already: EF.CARDKEY then holds it. */
  if (!is_fresh (run))
    {
      content = ci_card_session_read_file (run->session, CI_CARD_FILE_CARDKEY, error);
      if (content == NULL)
        return FALSE;
      run->cardkey = ci_card_file_object (g_bytes_get_data (content, NULL),
                                          g_bytes_get_size (content), NULL);
    }
  if (run->cardkey == NULL)
    run->cardkey = ci_card_session_generate_key (run->session, error);
  if (run->cardkey == NULL)
    return FALSE;
  if (ci_card_session_delete_key (run->session, CI_CARD_KEY_TRANSPORT, &local))
    return TRUE;
  /* Already retired by the run that was cut off. */
  if (is_error (local, CI_CARD_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* A half-written card: the admin key may or may not be on it yet. */
static gboolean
initialise_resume (Run     *run,
                   GError **error)
{
  g_autoptr(GError) local = NULL;
  guint8 life_cycle;

  if (!ci_card_session_select_df (run->session, &life_cycle, error))
    return FALSE;
  if (ci_card_session_authenticate (run->session, CI_CARD_KEY_ADMIN,
                                    run->request->admin_key, &local))
    return initialise_keys (run, TRUE, error);
  if (!is_error (local, CI_CARD_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return ci_card_session_select_df (run->session, &life_cycle, error)
         && ci_card_session_authenticate (run->session, CI_CARD_KEY_TRANSPORT,
                                          run->request->transport_key, error)
         && initialise_keys (run, FALSE, error);
}

static gboolean
initialise_step (Run     *run,
                 GError **error)
{
  if (run->check.kind == CI_CARD_KIND_HALF_WRITTEN)
    return initialise_resume (run, error);
  return initialise_fresh (run, error) && initialise_keys (run, FALSE, error);
}

/* --- personalise ------------------------------------------------------- */

static gboolean
write_signature (Run     *run,
                 gsize    previous,
                 GError **error)
{
  CiIssueRequest *request = run->request;
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GBytes) signature = NULL;
  guint8 key_id[CI_CARD_KEY_ID_LEN];

  tbs = ci_card_signed_data (request->card, request->identity, request->zones, run->cardkey);
  signature = request->sign (tbs, request->sign_data, error);
  if (signature == NULL)
    return FALSE;
  ci_card_key_id (request->issuer_public_key, key_id);
  g_clear_pointer (&run->signature, g_bytes_unref);
  run->signature = ci_card_signature_encode (key_id, signature);
  return ci_card_session_write_file (run->session, CI_CARD_FILE_SIGNATURE, run->signature,
                                     previous, error);
}

/* Opens SM with the admin key, DF selected. */
static gboolean
open_admin (Run     *run,
            GError **error)
{
  guint8 life_cycle;

  return ci_card_session_select_df (run->session, &life_cycle, error)
         && ci_card_session_authenticate (run->session, CI_CARD_KEY_ADMIN,
                                          run->request->admin_key, error);
}

static gboolean
personalise_step (Run     *run,
                  GError **error)
{
  CiIssueRequest *request = run->request;
  /* A fresh card's files are all 00; a resumed one may hold longer data. */
  gboolean fresh = is_fresh (run);
  gsize id_prev = fresh ? 0 : ci_card_file_size (CI_CARD_FILE_IDENTITY);
  gsize zones_prev = fresh ? 0 : ci_card_file_size (CI_CARD_FILE_ZONES);
  gsize sig_prev = fresh ? 0 : ci_card_file_size (CI_CARD_FILE_SIGNATURE);

  if (!open_admin (run, error) || !start_writing (run, error))
    return FALSE;
  if (run->cardkey == NULL && (run->cardkey = read_object (run->session, CI_CARD_FILE_CARDKEY,
                                                             error)) == NULL)
    return FALSE;
  /* Initialise wrote EF.CARD moments ago on a fresh card; a resumed one gets
   * it again, as its date of issue may be another day's. */
  return (fresh || ci_card_session_write_file (run->session, CI_CARD_FILE_CARD, request->card,
                                               ci_card_file_size (CI_CARD_FILE_CARD), error))
         && ci_card_session_write_file (run->session, CI_CARD_FILE_IDENTITY, request->identity,
                                        id_prev, error)
         && ci_card_session_write_file (run->session, CI_CARD_FILE_ZONES, request->zones,
                                        zones_prev, error)
         && ci_card_session_set_secret (run->session, CI_CARD_PIN, request->pin, error)
         && ci_card_session_set_secret (run->session, CI_CARD_PUK, request->puk, error)
         && write_signature (run, sig_prev, error);
}

/* An issued card whose verify step never reached the store (cut off after
 * locking, or the store failed) holds the PIN of that earlier run, which its
 * holder may never have been told: it gets this run's, as any card does. */
static gboolean
set_pin_step (Run     *run,
              GError **error)
{
  return open_admin (run, error) && start_writing (run, error)
         && ci_card_session_set_secret (run->session, CI_CARD_PIN, run->request->pin, error);
}

static gboolean
lock_step (Run     *run,
           GError **error)
{
  return start_writing (run, error) && ci_card_session_activate (run->session, error);
}

/* --- verify ------------------------------------------------------------ */

static gboolean
same_file (GBytes  *read,
           GBytes  *object,
           GError **error,
           CiCardFile file)
{
  gsize len, size = ci_card_file_size (file);
  const guint8 *expect = g_bytes_get_data (object, &len);
  const guint8 *got = g_bytes_get_data (read, NULL);
  gboolean same = g_bytes_get_size (read) == size && memcmp (got, expect, len) == 0;

  for (gsize i = len; same && i < size; i++)
    same = got[i] == 0;
  if (!same)
    g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                 /* Translators: %s is a file on the card, such as EF.ZONES. */
                 _("%s on the card differs from what was written."), ci_card_file_name (file));
  return same;
}

static gboolean
compare_contents (Run            *run,
                  CiCardContents *c,
                  GError        **error)
{
  CiIssueRequest *r = run->request;

  return same_file (c->files[CI_CARD_FILE_CARD], r->card, error, CI_CARD_FILE_CARD)
         && same_file (c->files[CI_CARD_FILE_IDENTITY], r->identity, error, CI_CARD_FILE_IDENTITY)
         && same_file (c->files[CI_CARD_FILE_ZONES], r->zones, error, CI_CARD_FILE_ZONES)
         && (run->cardkey == NULL
             || same_file (c->files[CI_CARD_FILE_CARDKEY], run->cardkey, error,
                           CI_CARD_FILE_CARDKEY))
         && (run->signature == NULL
             || same_file (c->files[CI_CARD_FILE_SIGNATURE], run->signature, error,
                           CI_CARD_FILE_SIGNATURE));
}

/* A write without SM, and the transport key, must both be refused now. */
static gboolean
check_locked (CiCardSession  *session,
              GError        **error)
{
  static const guint8 zero[40] = { 0 };
  g_autoptr(CiApdu) update = ci_apdu_new (0x00, 0xD6, 0x80 | CI_CARD_FILE_ZONES, 0, zero, 1, 0);
  g_autoptr(CiApdu) transport = ci_apdu_new (0x00, 0x82, 0x00, CI_CARD_KEY_TRANSPORT, zero,
                                             sizeof zero, 40);
  g_autoptr(CiResponse) r1 = ci_card_channel_transmit (ci_card_session_get_channel (session),
                                                       update, error);
  g_autoptr(CiResponse) r2 = NULL;

  if (r1 == NULL)
    return FALSE;
  r2 = ci_card_channel_transmit (ci_card_session_get_channel (session), transport, error);
  if (r2 == NULL)
    return FALSE;
  if (r1->sw != 0x6982 || r2->sw != 0x6A88)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                   /* Translators: the two %04X are the card's status words. */
                   _("The card is not locked: it answered %04X to a write without secure "
                     "messaging and %04X to the transport key."), r1->sw, r2->sw);
      return FALSE;
    }
  return TRUE;
}

static gboolean
verify_step (Run     *run,
             GError **error)
{
  CiCardContents contents;
  guint8 life_cycle = 0;
  gboolean ok;

  ci_card_session_end_sm (run->session);
  if (!ci_card_channel_reset (ci_card_session_get_channel (run->session), error)
      || !ci_card_session_select_df (run->session, &life_cycle, error))
    return FALSE;
  if (life_cycle != CI_CARD_LCS_ACTIVATED)
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_VERIFY_FAILED,
                   _("The card's application is not active after locking (life cycle %02X)."),
                   life_cycle);
      return FALSE;
    }
  ok = ci_card_read_contents (run->session, &contents, error)
       && compare_contents (run, &contents, error)
       && ci_card_contents_check_signature (&contents, run->request->issuer_public_key, error)
       && ci_card_prove_key (run->session, contents.card_key, error)
       && check_locked (run->session, error);
  if (ok)
    {
      g_clear_pointer (&run->request->card_key, g_bytes_unref);
      run->request->card_key = g_bytes_ref (contents.objects[CI_CARD_FILE_CARDKEY]);
    }
  ci_card_contents_clear (&contents);
  return ok;
}

/* --- the pipeline ------------------------------------------------------ */

static gboolean
finish_issued (Run     *run,
               GError **error)
{
  g_autoptr(GError) local = NULL;

  skip_step (run, CI_ISSUE_STEP_INITIALISE);
  if (!run_step (run, CI_ISSUE_STEP_PERSONALISE, set_pin_step, error))
    return FALSE;
  /* Cut off after locking: everything is there, only the check is missing. */
  if (run_step (run, CI_ISSUE_STEP_VERIFY, verify_step, &local))
    return TRUE;
  if (!is_error (local, CI_CARD_ERROR_VERIFY_FAILED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* Activated but not right (a rewrite was cut off): write it again. */
  return run_step (run, CI_ISSUE_STEP_PERSONALISE, personalise_step, error)
         && run_step (run, CI_ISSUE_STEP_VERIFY, verify_step, error);
}

/**
 * ci_card_issue:
 * @session: a session on the card in the reader
 * @request: what to write; its secrets stay the caller's to wipe
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Runs check → initialise → personalise → lock → verify, reporting each step
 * through @request's on_step. A card left half-written by an earlier run of
 * the same serial is finished; one of another serial is refused.
 *
 * Returns: %TRUE once the card verified
 */
gboolean
ci_card_issue (CiCardSession   *session,
               CiIssueRequest  *request,
               GError         **error)
{
  Run run = { session, request };
  gboolean ok;

  g_return_val_if_fail (session != NULL && request != NULL && request->sign != NULL, FALSE);

  ci_card_channel_set_phase (ci_card_session_get_channel (session), CI_CARD_PHASE_WRITING);
  if (!run_step (&run, CI_ISSUE_STEP_CHECK, check_step, error))
    ok = FALSE;
  else if (run.check.kind == CI_CARD_KIND_ISSUED)
    ok = finish_issued (&run, error);
  else
    ok = run_step (&run, CI_ISSUE_STEP_INITIALISE, initialise_step, error)
         && run_step (&run, CI_ISSUE_STEP_PERSONALISE, personalise_step, error)
         && run_step (&run, CI_ISSUE_STEP_LOCK, lock_step, error)
         && run_step (&run, CI_ISSUE_STEP_VERIFY, verify_step, error);
  ci_card_channel_set_phase (ci_card_session_get_channel (session), CI_CARD_PHASE_IDLE);
  run_clear (&run);
  return ok;
}

static gboolean
rewrite_step (Run     *run,
              GError **error)
{
  CiIssueRequest *request = run->request;

  if (!open_admin (run, error) || !start_writing (run, error))
    return FALSE;
  run->cardkey = read_object (run->session, CI_CARD_FILE_CARDKEY, error);
  return run->cardkey != NULL
         && ci_card_session_write_file (run->session, CI_CARD_FILE_ZONES, request->zones,
                                        ci_card_file_size (CI_CARD_FILE_ZONES), error)
         && write_signature (run, ci_card_file_size (CI_CARD_FILE_SIGNATURE), error);
}

/**
 * ci_card_rewrite_zones:
 * @session: a session on an issued card
 * @request: the card's data with the new zones; pin and puk are not used
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Change of access (profile §7.6): SM with the card's admin key, EF.ZONES and
 * EF.SIGNATURE rewritten, then the verify step.
 *
 * Returns: %TRUE once the card verified with the new zones
 */
gboolean
ci_card_rewrite_zones (CiCardSession   *session,
                       CiIssueRequest  *request,
                       GError         **error)
{
  Run run = { session, request };
  gboolean ok;

  g_return_val_if_fail (session != NULL && request != NULL && request->sign != NULL, FALSE);

  ci_card_channel_set_phase (ci_card_session_get_channel (session), CI_CARD_PHASE_WRITING);
  ok = run_step (&run, CI_ISSUE_STEP_CHECK, check_step, error)
       && run_step (&run, CI_ISSUE_STEP_PERSONALISE, rewrite_step, error)
       && run_step (&run, CI_ISSUE_STEP_VERIFY, verify_step, error);
  ci_card_channel_set_phase (ci_card_session_get_channel (session), CI_CARD_PHASE_IDLE);
  run_clear (&run);
  return ok;
}
