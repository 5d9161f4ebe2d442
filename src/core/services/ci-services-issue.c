/* ci-services-issue.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <openssl/crypto.h>

#include "card/ci-card-channel.h"
#include "card/ci-card-type.h"
#include "face/ci-face-binding.h"
#include "face/ci-face-templates.h"
#include "services/ci-services-face.h"
#include "keys/ci-digest.h"
#include "ci-services-issue.h"
#include "ci-services-private.h"

/* Issuing a card: the store record and the audit trail follow the pipeline
 * step by step. Card I/O runs outside any database transaction; each step's
 * result is then committed with its audit entry in a short transaction of its
 * own, so a desk issuing on two readers never holds the database for the
 * length of a card. */

#define PIN_DIGITS 6

void
ci_issue_result_free (CiIssueResult *result)
{
  if (result == NULL)
    return;
  if (result->pin)
    OPENSSL_cleanse (result->pin, strlen (result->pin));
  g_free (result->pin);
  g_free (result);
}

typedef struct
{
  CiServices           *services;
  CiOperator           *actor;
  const CiIssueOptions *options;
  CiCard               *card;
  char                 *serial;
  const char           *action;
  CiAction              permission;
  GPtrArray            *card_types;
  const CiCardType     *card_type;   /* the blank card's, from its ATR */
  const CiIssueRequest *request;     /* what goes on the card, once prepared */
  const CiFaceTemplate *face_template;  /* the options', or opened by name */
  CiFaceTemplate       *opened_template;
  gboolean              binds_face;  /* a new card: its face code is made at verify */
  gint64                writing;     /* the serial claimed in this desk's writing set */
  gboolean              recording;   /* commits go to the desk's recorder, see record_step() */
  GMutex                lock;
  GCond                 recorded;
  guint                 pending;     /* commits queued, not done */
  GError               *record_error;
} Issue;

static void stop_recording (Issue *issue);

static void
issue_clear (Issue *issue)
{
  if (issue->recording)
    stop_recording (issue);
  g_clear_error (&issue->record_error);
  if (issue->writing != 0)
    _ci_services_writing_end (issue->services, issue->writing);
  g_clear_object (&issue->card);
  g_clear_pointer (&issue->serial, g_free);
  g_clear_pointer (&issue->card_types, g_ptr_array_unref);
  g_clear_pointer (&issue->opened_template, ci_face_template_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Issue, issue_clear)

/* --- the store and the audit log follow the card ---------------------- */

static CiCardState
state_after (CiIssueStep step)
{
  switch (step)
    {
    case CI_ISSUE_STEP_INITIALISE: return CI_CARD_INITIALISED;
    case CI_ISSUE_STEP_PERSONALISE: return CI_CARD_PERSONALISED;
    case CI_ISSUE_STEP_VERIFY: return CI_CARD_ACTIVE;
    default: return CI_CARD_REQUESTED;
    }
}

/* requested → initialised → personalised → active, one move at a time, so
 * the card's history shows every state it went through. */
static gboolean
advance (CiStore      *store,
         CiCard       *card,
         CiCardState   target,
         GError      **error)
{
  while (ci_card_get_state (card) < target)
    {
      CiCardState from = ci_card_get_state (card);

      ci_card_set_state (card, from + 1);
      if (!ci_store_card_set_state (store, card, from, error))
        {
          ci_card_set_state (card, from);
          return FALSE;
        }
    }
  return TRUE;
}

/* Keeps the first commit that failed: finish_recording() reports it. */
static void
not_recorded (Issue       *issue,
              const char  *what,
              GError      *error)
{
  /* Another desk coming first is no fault here; the audit entry says it. */
  if (!g_error_matches (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT))
    g_warning ("Card %s, %s: %s", issue->serial ? issue->serial : "(none yet)", what,
               error->message);
  g_mutex_lock (&issue->lock);
  if (issue->record_error == NULL)
    issue->record_error = g_steal_pointer (&error);
  g_mutex_unlock (&issue->lock);
  g_clear_error (&error);
}

/* Signs with the issuer key: the issuer signature on the card, and the
 * face code. */
static GBytes *
sign_with_issuer (GBytes   *data,
                  gpointer  user_data,
                  GError  **error)
{
  return ci_key_store_sign (user_data, CI_KEY_ISSUER, g_bytes_get_data (data, NULL),
                            g_bytes_get_size (data), error);
}

/* The verified card's face code (ci-face-binding.h): its serial and the
 * digest of the chip's lasting data, signed by the issuer, into the card's
 * record, so that its face can be printed with the QR code that matches. */
static gboolean
bind_face (Issue   *issue,
           GError **error)
{
  const CiIssueRequest *request = issue->request;
  CiFaceBinding binding = { { 0 } };
  g_autofree char *code = NULL;

  g_return_val_if_fail (request != NULL && request->card_key != NULL, FALSE);

  g_strlcpy (binding.serial, issue->serial, sizeof binding.serial);
  ci_face_binding_chip_digest (request->card, request->identity, request->card_key,
                               binding.chip_digest);
  code = ci_face_binding_encode (&binding, sign_with_issuer, issue->services->keys, error);
  if (code == NULL)
    return FALSE;
  ci_card_set_face_code (issue->card, code);
  return ci_store_card_set_face_code (issue->services->store, issue->card, error);
}

/* An employee has one active card at most. The claim on the card's record
 * (claim_record()) keeps two desks from issuing for one employee at once;
 * this check, in the transaction that would activate the card, holds even
 * when a desk took over a record another desk had left. A card that loses
 * is revoked there and then, so that its serial goes on the deny list: it is
 * signed, and a door would otherwise take it. */
static gboolean
only_active_card (Issue   *issue,
                  CiCall  *call,
                  GError **error)
{
  CiStore *store = issue->services->store;
  g_autoptr(GPtrArray) cards = ci_store_card_list (store, ci_card_get_employee_id (issue->card),
                                                   error);
  g_autofree char *reason = NULL;
  CiCard *other = NULL;
  CiCardState from = ci_card_get_state (issue->card);
  GError *local = NULL;

  if (cards == NULL)
    return FALSE;
  for (guint i = 0; i < cards->len && other == NULL; i++)
    if (ci_card_get_state (cards->pdata[i]) == CI_CARD_ACTIVE
        && ci_card_get_serial (cards->pdata[i]) != ci_card_get_serial (issue->card))
      other = cards->pdata[i];
  if (other == NULL)
    return TRUE;
  {
    g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (other));

    reason = g_strdup_printf (
        /* Translators: a card serial; another card serial; a desk id. */
        _("Card %s was not activated: card %s of the same employee became active first, at "
          "desk %s. This card is revoked; destroy it."),
        issue->serial, serial, ci_card_get_desk (other) ? ci_card_get_desk (other) : "?");
  }
  ci_card_set_state (issue->card, CI_CARD_REVOKED);
  ci_card_set_reason (issue->card, "another card of the employee became active first");
  if (!ci_store_card_set_state (store, issue->card, from, &local)
      || !_ci_call_commit_failed (call, reason, &local))
    {
      ci_card_set_state (issue->card, from);
      g_propagate_error (error, local);
      return FALSE;
    }
  g_set_error_literal (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT, reason);
  return FALSE;
}

/* One step's audit entry and the card's state in the store, each a durable
 * commit. Takes @error, the step's. */
static void
commit_step (Issue       *issue,
             CiIssueStep  step,
             gboolean     skipped,
             gint64       duration_us,
             GError      *error)
{
  g_auto(CiCall) call = { 0 };
  g_autofree char *action = g_strconcat (issue->action, ".", ci_issue_step_name (step), NULL);
  g_autoptr(GError) step_error = error;
  GError *local = NULL;

  if (!_ci_call_start (&call, issue->services, issue->actor, action, issue->permission,
                       TRUE, "card", issue->serial, &local))
    goto failed;
  call.started -= duration_us;
  _ci_call_detail (&call, "reader", issue->options->reader);
  if (step == CI_ISSUE_STEP_CHECK && issue->card_type)
    _ci_call_detail (&call, "card-type", issue->card_type->id);
  if (skipped)
    _ci_call_detail (&call, "skipped", "already done on the card");
  if (step_error != NULL)
    {
      _ci_call_fail (&call, &step_error);
      return;
    }
  if ((step == CI_ISSUE_STEP_VERIFY && ci_card_get_state (issue->card) != CI_CARD_ACTIVE
       && !only_active_card (issue, &call, &local))
      || (state_after (step) != CI_CARD_REQUESTED
          && !advance (issue->services->store, issue->card, state_after (step), &local))
      || (step == CI_ISSUE_STEP_VERIFY && issue->binds_face && !bind_face (issue, &local)))
    {
      /* only_active_card() may have ended the call with its own entry. */
      if (call.in_transaction)
        _ci_call_fail (&call, &local);
      goto failed;
    }
  if (_ci_call_commit (&call, &local))
    return;

failed:
  not_recorded (issue, action, local);
}

/* Something for the recorder: a step, or a call of the service (its
 * call.services set) whose audit entry is to be committed. */
typedef struct
{
  Issue       *issue;
  CiIssueStep  step;
  gboolean     skipped;
  gint64       duration_us;
  GError      *error;
  CiCall       call;
} Record;

static void
commit_record (gpointer data)
{
  Record *r = data;
  Issue *issue = r->issue;
  GError *local = NULL;

  if (r->call.services == NULL)
    commit_step (issue, r->step, r->skipped, r->duration_us, r->error);
  else if (!_ci_call_commit (&r->call, &local))
    not_recorded (issue, r->call.action, local);
  _ci_call_clear (&r->call);
  g_free (r);
  g_mutex_lock (&issue->lock);
  if (--issue->pending == 0)
    g_cond_broadcast (&issue->recorded);
  g_mutex_unlock (&issue->lock);
}

static void
queue_record (Issue  *issue,
              Record *r)
{
  g_mutex_lock (&issue->lock);
  issue->pending++;
  g_mutex_unlock (&issue->lock);
  _ci_services_record (issue->services, commit_record, r);
}

/* The pipeline calls this after each step, and goes on with the card at
 * once: the progress is reported here, while the store's commits run in
 * the recorder thread, in order, as the card works on the next step. */
static void
record_step (CiIssueStep   step,
             gboolean      skipped,
             gint64        duration_us,
             const GError *step_error,
             gpointer      user_data)
{
  Issue *issue = user_data;
  const CiIssueOptions *options = issue->options;
  GError *error = step_error ? g_error_copy (step_error) : NULL;
  Record *r;

  if (options->progress)
    options->progress (options->reader, step, skipped, duration_us, step_error,
                       options->progress_data);
  r = g_new0 (Record, 1);
  *r = (Record) { issue, step, skipped, duration_us, error };
  queue_record (issue, r);
}

/* Commits @call's audit entry in the recorder. Takes @call's contents. */
static void
record_call (Issue  *issue,
             CiCall *call)
{
  Record *r = g_new0 (Record, 1);

  r->issue = issue;
  r->call = *call;
  memset (call, 0, sizeof *call);
  queue_record (issue, r);
}

/* Until all that was queued is in the store: before a commit of our own,
 * so the audit log keeps the order things happened in. */
static void
wait_recorded (Issue *issue)
{
  g_mutex_lock (&issue->lock);
  while (issue->pending > 0)
    g_cond_wait (&issue->recorded, &issue->lock);
  g_mutex_unlock (&issue->lock);
}

/* The desk's recorder thread (_ci_services_record()) commits the steps: a
 * push and a wakeup each, while the thread driving the card goes on. (A
 * GThreadPool's push held that thread 0.25–0.3 ms at most steps, measured
 * with the card bench, and the card waited for it.) */
static void
start_recording (Issue *issue)
{
  g_mutex_init (&issue->lock);
  g_cond_init (&issue->recorded);
  issue->recording = TRUE;
}

/* Once all that was queued is committed: the recorder is done with @issue
 * when it has let go of the lock after the last commit. */
static void
stop_recording (Issue *issue)
{
  wait_recorded (issue);
  g_mutex_clear (&issue->lock);
  g_cond_clear (&issue->recorded);
  issue->recording = FALSE;
}

/* The pipeline's before_write: the card may be changed only once the store
 * durably holds its record and the steps so far. */
static gboolean
before_write (gpointer   user_data,
              GError   **error)
{
  Issue *issue = user_data;
  gboolean ok;

  wait_recorded (issue);
  g_mutex_lock (&issue->lock);
  ok = issue->record_error == NULL;
  if (!ok)
    /* Translators: the store's own error message follows. */
    g_propagate_prefixed_error (error, g_error_copy (issue->record_error),
                                _("Nothing was written to the card, as the store could not "
                                  "record it: "));
  g_mutex_unlock (&issue->lock);
  return ok;
}

/* Lets go of the card (an encoder ejects it, the next one can come) while
 * the store catches up, then waits until every step is in the store. The
 * card's outcome stands if it failed; if it succeeded but a step could not
 * be recorded, that is the error, since the store must not lag a card that
 * is in use. */
static gboolean
finish_recording (Issue          *issue,
                  CiCardSession  *session,
                  gboolean        card_ok,
                  GError        **error)
{
  ci_card_channel_disconnect (ci_card_session_get_channel (session));
  wait_recorded (issue);
  if (!card_ok || issue->record_error == NULL)
    return card_ok;
  /* Another desk came first: the store is right, and the message says what to do. */
  if (g_error_matches (issue->record_error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT))
    {
      g_propagate_error (error, g_steal_pointer (&issue->record_error));
      return FALSE;
    }
  g_propagate_prefixed_error (error, g_steal_pointer (&issue->record_error),
                              /* Translators: %s is a card serial; the store's own error
                               * message follows. */
                              _("Card %s is written and verified, but the store could not record "
                                "it; repeat with the card once the database works again: "),
                              issue->serial);
  return FALSE;
}

/* --- what goes on the card --------------------------------------------- */

static gint
compare_zone_ids (gconstpointer a,
                  gconstpointer b)
{
  const CiCardZone *za = *(CiCardZone * const *) a, *zb = *(CiCardZone * const *) b;

  return za->zone_id < zb->zone_id ? -1 : za->zone_id > zb->zone_id;
}

static CiCardZone *
card_zone (CiStore  *store,
           CiGrant  *grant,
           GError  **error)
{
  g_autoptr(CiZone) zone = ci_store_zone_get (store, ci_grant_get_zone_id (grant), error);
  g_autoptr(CiCardZone) out = NULL;
  g_autoptr(CiSchedule) schedule = NULL;
  g_autoptr(GArray) ranges = NULL;

  if (zone == NULL)
    return NULL;
  out = ci_card_zone_new ();
  out->zone_id = (guint32) ci_zone_get_id (zone);
  out->kind = ci_zone_get_kind (zone);
  out->parent_id = (guint32) MAX (0, ci_zone_get_parent_id (zone));
  out->code = g_strdup (ci_zone_get_code (zone));
  out->level = (guint8) CLAMP (ci_zone_get_security_level (zone), 0, 255);
  out->expires = g_strdup (ci_grant_get_expires (grant));
  out->time_zone = g_strdup (ci_zone_get_time_zone (zone));
  if (ci_grant_get_schedule_id (grant) > 0)
    {
      schedule = ci_store_schedule_get (store, ci_grant_get_schedule_id (grant), error);
      if (schedule == NULL
          || !ci_schedule_rules_parse (ci_schedule_get_rules (schedule), &ranges, error))
        return NULL;
      g_array_append_vals (out->ranges, ranges->data, ranges->len);
    }
  return g_steal_pointer (&out);
}

/* The employee's grants that have not expired, as EF.ZONES wants them. */
static GBytes *
zones_object (CiStore     *store,
              CiEmployee  *employee,
              const char  *today,
              guint32      revision,
              GError     **error)
{
  g_autoptr(GPtrArray) grants = ci_store_grant_list (store, ci_employee_get_id (employee), 0,
                                                     error);
  CiCardZones zones;
  GBytes *object = NULL;

  if (grants == NULL)
    return NULL;
  ci_card_zones_init (&zones);
  zones.revision = revision;
  for (guint i = 0; i < grants->len; i++)
    {
      const char *expires = ci_grant_get_expires (grants->pdata[i]);
      CiCardZone *zone;

      if (expires && g_strcmp0 (expires, today) < 0)
        continue;
      if ((zone = card_zone (store, grants->pdata[i], error)) == NULL)
        goto out;
      g_ptr_array_add (zones.zones, zone);
    }
  g_ptr_array_sort (zones.zones, compare_zone_ids);
  object = ci_card_zones_encode (&zones, error);
out:
  ci_card_zones_clear (&zones);
  return object;
}

static GBytes *
identity_object (CiEmployee  *employee,
                 GError     **error)
{
  CiCardIdentity identity = {
    .number = (char *) ci_employee_get_number (employee),
    .given_name = (char *) ci_employee_get_given_name (employee),
    .family_name = (char *) ci_employee_get_family_name (employee),
    .department = (char *) ci_employee_get_department (employee),
    .job_title = (char *) ci_employee_get_job_title (employee),
    .valid_from = (char *) ci_employee_get_valid_from (employee),
    .valid_until = (char *) ci_employee_get_valid_until (employee),
  };

  return ci_card_identity_encode (&identity, error);
}

static GBytes *
card_object (CiCard      *card,
             const char  *serial,
             GBytes      *issuer_key,
             const char  *today,
             GError     **error)
{
  CiCardInfo info = {
    .serial = (char *) serial,
    .sequence = (guint8) CLAMP (ci_card_get_sequence (card), 1, 255),
    .valid_until = (char *) ci_card_get_valid_until (card),
    .issued_on = (char *) today,
  };

  ci_card_key_id (issuer_key, info.issuer_key_id);
  return ci_card_info_encode (&info, error);
}

/* --- keys and secrets -------------------------------------------------- */

/* AN10922 input: a two-letter purpose, then the serial in packed BCD. */
static gboolean
diversify (CiKeyStore  *keys,
           CiKeyId      master,
           const char  *purpose,
           const char  *serial,
           guint8       out[16],
           GError     **error)
{
  guint8 m[7];

  memcpy (m, purpose, 2);
  if (!ci_card_serial_to_bcd (serial, m + 2))
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   _("Card serial %s is not 10 digits"), serial);
      return FALSE;
    }
  return ci_key_store_diversify (keys, master, m, sizeof m, out, error);
}

/* Profile §4: the PUK is derived, never stored. */
static gboolean
derive_puk (CiKeyStore  *keys,
            const char  *serial,
            char         puk[9],
            GError     **error)
{
  guint8 key[16];

  if (!diversify (keys, CI_KEY_CARD_AUTH_MASTER, "PK", serial, key, error))
    return FALSE;
  for (guint i = 0; i < 4; i++)
    g_snprintf (puk + 2 * i, 3, "%02u", key[i] % 100);
  OPENSSL_cleanse (key, sizeof key);
  return TRUE;
}

static gboolean
generate_pin (char     pin[9],
              GError **error)
{
  guint n = 0;

  while (n < PIN_DIGITS)
    {
      guint8 byte;

      if (!ci_random_bytes (&byte, 1, error))
        return FALSE;
      /* 250 is a multiple of 10: no digit is likelier than another. */
      if (byte < 250)
        pin[n++] = (char) ('0' + byte % 10);
    }
  pin[n] = '\0';
  return TRUE;
}

static gboolean
check_pin (const char  *pin,
           GError     **error)
{
  gsize len = strlen (pin);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (pin[i]))
      len = 0;
  if (len < 4 || len > 8)
    {
      g_set_error_literal (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                           _("The PIN must be 4 to 8 digits"));
      return FALSE;
    }
  return TRUE;
}

/* --- the card record --------------------------------------------------- */

static gboolean
is_unfinished (CiCard *card)
{
  CiCardState state = ci_card_get_state (card);

  return state == CI_CARD_REQUESTED || state == CI_CARD_INITIALISED
         || state == CI_CARD_PERSONALISED;
}

/* A first card only while no other card works; a replacement only for a
 * blocked card of the same employee. */
static gboolean
may_have_new_card (Issue       *issue,
                   CiEmployee  *employee,
                   GPtrArray   *cards,
                   GError     **error)
{
  g_autofree char *old = ci_card_format_serial (issue->options->replaces);
  g_autofree char *today = ci_date_today ();
  const char *until = ci_employee_get_valid_until (employee);
  CiCard *replaced = NULL;

  if (ci_employee_get_status (employee) != CI_EMPLOYEE_ACTIVE)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: the first %s is an employee number, the second the employee's
                    * status as the database keeps it: “suspended” or “left”. */
                   _("%s is %s: only active employees get a card"),
                   ci_employee_get_number (employee),
                   ci_employee_status_to_string (ci_employee_get_status (employee)));
      return FALSE;
    }
  /* The card expires with the employee's validity: every door would refuse it. */
  if (until != NULL && *until != '\0' && strcmp (until, today) < 0)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: %s is an employee number, then a date; “employee edit --until”
                    * is a command of cardissue-cli and stays as it is. */
                   _("%s's validity ended on %s: extend it (employee edit --until) before issuing "
                     "a card"), ci_employee_get_number (employee), until);
      return FALSE;
    }
  for (guint i = 0; i < cards->len; i++)
    {
      CiCard *card = cards->pdata[i];

      if (ci_card_get_serial (card) == issue->options->replaces)
        replaced = card;
      else if (ci_card_get_state (card) == CI_CARD_ACTIVE)
        {
          g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (card));

          g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                       /* Translators: an employee number, then a card serial. */
                       _("%s already has an active card, %s: block it (lost, stolen, damaged) "
                         "and issue a replacement instead"), ci_employee_get_number (employee),
                       serial);
          return FALSE;
        }
    }
  if (issue->options->replaces == 0)
    return TRUE;
  if (replaced == NULL || !ci_card_state_is_blocked (ci_card_get_state (replaced)))
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: a card serial, then an employee number. */
                   _("Card %s is not a blocked card of %s: report it lost, stolen or damaged "
                     "first"), old, ci_employee_get_number (employee));
      return FALSE;
    }
  return TRUE;
}

/* How long a card being issued stays its desk's: a card is written in
 * seconds, so a record that no step touched for this long was left behind. */
#define CLAIM_US (2 * G_TIME_SPAN_MINUTE)

/* No other desk, and no other reader of this one, is issuing a card for the
 * employee now: its unfinished record names the desk, and a step touched it
 * within CLAIM_US. */
static gboolean
no_card_in_progress (Issue       *issue,
                     CiEmployee  *employee,
                     GPtrArray   *cards,
                     GError     **error)
{
  CiServices *self = issue->services;
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < cards->len; i++)
    {
      CiCard *card = cards->pdata[i];
      const char *desk = ci_card_get_desk (card);
      g_autofree char *serial = NULL;
      g_autoptr(GDateTime) since = NULL, until = NULL;
      g_autofree char *since_text = NULL, *until_text = NULL;

      if (!is_unfinished (card))
        continue;
      serial = ci_card_format_serial (ci_card_get_serial (card));
      if (_ci_services_is_writing (self, ci_card_get_serial (card)))
        {
          g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                       /* Translators: an employee number, then a card serial. */
                       _("A card for %s (card %s) is being written in another reader of this "
                         "desk. Wait until it is done."), ci_employee_get_number (employee),
                       serial);
          return FALSE;
        }
      if (desk == NULL || g_str_equal (desk, self->desk)
          || now - ci_card_get_state_changed_at (card) >= CLAIM_US)
        continue;
      since = g_date_time_new_from_unix_local (ci_card_get_state_changed_at (card)
                                               / G_USEC_PER_SEC);
      until = g_date_time_add (since, CLAIM_US);
      since_text = g_date_time_format (since, "%H:%M:%S");
      until_text = g_date_time_format (until, "%H:%M:%S");
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   /* Translators: an employee number; a card serial; a desk id; two times of
                    * day. */
                   _("A card for %s (card %s) is being issued at desk %s, last step at %s. "
                     "Wait until that desk is done; if it stopped, this desk may issue from "
                     "%s on."), ci_employee_get_number (employee), serial, desk, since_text,
                   until_text);
      return FALSE;
    }
  return TRUE;
}

/* The employee's newest record that nothing was written for yet, if it is
 * this desk's or nobody's: another desk's record may have a card that
 * carries its serial, torn before the store heard of it. */
static CiCard *
reusable_record (Issue     *issue,
                 GPtrArray *cards)
{
  for (guint i = cards->len; i > 0; i--)
    {
      CiCard *card = cards->pdata[i - 1];
      const char *desk = ci_card_get_desk (card);

      if (ci_card_get_state (card) == CI_CARD_REQUESTED
          && ci_card_get_replaces (card) == issue->options->replaces
          && (desk == NULL || g_str_equal (desk, issue->services->desk)))
        return card;
    }
  return NULL;
}

/* A blank card's record: reused or new, claimed for this desk, in one
 * transaction with what it was decided on, so that two desks can neither
 * write one serial onto two cards nor give one employee two first cards.
 * Its commit doesn't wait for the disk: the check step's, which does, covers
 * it, and the card is not written before that one is done (before_write()).
 * A refusal is the check step's failure, audited there. */
static CiCard *
claim_record (Issue       *issue,
              CiEmployee  *employee,
              GError     **error)
{
  CiServices *self = issue->services;
  g_auto(CiCall) call = { .lazy = TRUE };
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(CiCard) card = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *action = g_strconcat (issue->action, ".request", NULL);
  CiCard *reused;

  wait_recorded (issue);
  if (!_ci_call_start (&call, self, issue->actor, action, issue->permission, TRUE,
                       "employee", ci_employee_get_number (employee), error)
      || !(cards = ci_store_card_list (self->store, ci_employee_get_id (employee), error))
      || !no_card_in_progress (issue, employee, cards, error)
      || !may_have_new_card (issue, employee, cards, error))
    return NULL;
  if ((reused = reusable_record (issue, cards)) != NULL)
    {
      /* Same state, fresh time and this desk: the claim. */
      card = g_object_ref (reused);
      ci_card_set_desk (card, self->desk);
      if (!ci_store_card_set_state (self->store, card, CI_CARD_REQUESTED, error))
        return NULL;
      _ci_call_detail (&call, "record", "reused");
    }
  else
    {
      card = ci_card_new ();
      ci_card_set_employee_id (card, ci_employee_get_id (employee));
      ci_card_set_state (card, CI_CARD_REQUESTED);
      ci_card_set_valid_until (card, ci_employee_get_valid_until (employee));
      ci_card_set_replaces (card, issue->options->replaces);
      ci_card_set_desk (card, self->desk);
      if (!ci_store_card_insert (self->store, card, error))
        return NULL;
    }
  serial = ci_card_format_serial (ci_card_get_serial (card));
  _ci_call_subject (&call, "card", serial);
  if (issue->options->replaces)
    {
      g_autofree char *old = ci_card_format_serial (issue->options->replaces);

      _ci_call_detail (&call, "replaces", old);
    }
  /* The store's transaction holds this desk's other readers too. */
  _ci_services_writing_begin (self, ci_card_get_serial (card));
  issue->writing = ci_card_get_serial (card);
  return _ci_call_commit (&call, error) ? g_steal_pointer (&card) : NULL;
}

/* A half-written card names its record; a blank one claims one. */
static CiCard *
find_record (Issue              *issue,
             CiEmployee         *employee,
             const CiCardCheck  *check,
             GError            **error)
{
  CiStore *store = issue->services->store;
  g_autoptr(CiCard) card = NULL;

  if (check->serial == NULL)
    return claim_record (issue, employee, error);
  card = ci_store_card_get (store, g_ascii_strtoll (check->serial, NULL, 10), error);
  if (card == NULL)
    return NULL;
  if (ci_card_get_employee_id (card) != ci_employee_get_id (employee) || !is_unfinished (card))
    {
      g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_CARD,
                   /* Translators: a card serial; the card's state as the database keeps
                    * it, such as “active”; an employee number. */
                   _("This card is card %s, which is %s and not being issued to %s. "
                     "Use a blank card."), check->serial,
                   ci_card_state_to_string (ci_card_get_state (card)),
                   ci_employee_get_number (employee));
      return NULL;
    }
  /* Its steps from here on are this desk's. */
  ci_card_set_desk (card, issue->services->desk);
  return g_steal_pointer (&card);
}

/* --- the service ------------------------------------------------------- */

static gboolean
face_complete (Issue       *issue,
               const char  *employee_number,
               GError     **error)
{
  g_autoptr(CiEmployee) employee = ci_store_employee_get_by_number (issue->services->store,
                                                                    employee_number, error);

  return employee != NULL
         && _ci_services_face_complete (issue->services, employee, issue->face_template, error);
}

/* The template the face will be printed with, if the caller names one. */
static gboolean
open_face_template (Issue   *issue,
                    GError **error)
{
  const CiIssueOptions *options = issue->options;

  issue->face_template = options->face_template;
  if (issue->face_template != NULL || options->face_template_name == NULL)
    return TRUE;
  issue->opened_template = ci_face_template_open (options->face_template_name, error);
  issue->face_template = issue->opened_template;
  return issue->face_template != NULL;
}

static gboolean
preflight (Issue       *issue,
           const char  *subject_type,
           const char  *subject_id,
           GError     **error)
{
  /* Its entry doesn't wait for the disk, like the claim's (claim_record()):
   * nothing goes to the card before the check step's commit, which does. */
  g_auto(CiCall) call = { .lazy = TRUE };

  if (!_ci_call_start (&call, issue->services, issue->actor, issue->action, issue->permission,
                       FALSE, subject_type, subject_id, error))
    return FALSE;
  _ci_call_detail (&call, "reader", issue->options->reader);
  if (!_ci_check_keys (issue->services, error)
      || (issue->options->pin != NULL && !check_pin (issue->options->pin, error))
      || !open_face_template (issue, error)
      || (issue->face_template != NULL && !face_complete (issue, subject_id, error)))
    return _ci_call_fail (&call, error);
  /* Allowed: the entry is committed while the card is being connected. */
  record_call (issue, &call);
  return TRUE;
}

static gboolean
fill_request (Issue           *issue,
              CiEmployee      *employee,
              CiIssueRequest  *request,
              GError         **error)
{
  CiServices *self = issue->services;
  g_autofree char *today = ci_date_today ();

  request->serial = issue->serial;
  request->issuer_public_key = ci_key_store_get_public_key (self->keys, CI_KEY_ISSUER);
  request->card = card_object (issue->card, issue->serial, request->issuer_public_key, today,
                               error);
  if (request->card == NULL
      || (request->identity = identity_object (employee, error)) == NULL
      || (request->zones = zones_object (self->store, employee, today, 1, error)) == NULL
      || !diversify (self->keys, CI_KEY_CARD_ADMIN_MASTER, "CI", issue->serial,
                     request->admin_key, error)
      || !derive_puk (self->keys, issue->serial, request->puk, error))
    return FALSE;
  memcpy (request->transport_key, issue->card_type->transport_key,
          sizeof request->transport_key);
  if (issue->options->pin)
    g_strlcpy (request->pin, issue->options->pin, sizeof request->pin);
  else if (!generate_pin (request->pin, error))
    return FALSE;
  request->sign = sign_with_issuer;
  request->sign_data = self->keys;
  issue->request = request;
  request->on_step = record_step;
  request->before_write = before_write;
  request->step_data = issue;
  return TRUE;
}

static void
request_clear (CiIssueRequest *request)
{
  ci_issue_request_clear_secrets (request);
  g_clear_pointer (&request->card, g_bytes_unref);
  g_clear_pointer (&request->identity, g_bytes_unref);
  g_clear_pointer (&request->zones, g_bytes_unref);
  g_clear_pointer (&request->issuer_public_key, g_bytes_unref);
  g_clear_pointer (&request->card_key, g_bytes_unref);
}

/* No usable card in the reader (none, foreign, another's, the wrong state):
 * the check step failed, and the audit log says so. Takes @local. */
static void
fail_check (Issue        *issue,
            CiCardCheck  *check,
            gint64        start,
            GError       *local,
            GError      **error)
{
  g_free (issue->serial);
  issue->serial = g_strdup (check->serial ? check->serial : "");
  record_step (CI_ISSUE_STEP_CHECK, FALSE, g_get_monotonic_time () - start, local, issue);
  g_propagate_error (error, local);
  ci_card_check_clear (check);
}

/* Which card type the ATR says this is: its transport key opens a blank card.
 * A card no type knows is not ours to initialise. */
static gboolean
match_card_type (Issue          *issue,
                 CiCardChannel  *channel,
                 GError        **error)
{
  const CiAtr *atr = ci_card_channel_get_atr (channel);
  g_autoptr(GString) hex = g_string_new (NULL);

  if ((issue->card_types = ci_card_types_load_default (error)) == NULL)
    return FALSE;
  issue->card_type = ci_card_types_find (issue->card_types, atr->bytes, atr->len);
  if (issue->card_type != NULL)
    return TRUE;
  for (gsize i = 0; i < atr->len; i++)
    g_string_append_printf (hex, i ? " %02X" : "%02X", atr->bytes[i]);
  g_set_error (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_CARD,
               /* Translators: %s is the card's answer to reset in hex, such as “3B 8B 80 01”. */
               _("This card (answer to reset %s) is of no card type CardIssue knows. Use a card "
                 "from a supplier the organisation buys from; for a new kind of card, an "
                 "administrator adds its card type (docs/card-profile.md §1)."), hex->str);
  return FALSE;
}

/* Connects to the card and checks it. When issuing, a card of no known
 * type is refused before any command goes to it. */
static CiCardSession *
open_card (Issue        *issue,
           gboolean      need_type,
           CiCardCheck  *check,
           GError      **error)
{
  const CiIssueOptions *options = issue->options;
  g_autoptr(CiCardChannel) channel = NULL;
  g_autoptr(CiCardSession) session = NULL;

  channel = ci_card_channel_connect (options->reader, CI_CARD_SHARE_EXCLUSIVE,
                                     options->cancellable, error);
  if (channel == NULL || (need_type && !match_card_type (issue, channel, error)))
    return NULL;
  ci_card_channel_set_trace (channel, options->trace);
  session = ci_card_session_new (channel);
  if (!ci_card_session_check (session, check, error))
    return NULL;
  return g_steal_pointer (&session);
}

/**
 * ci_services_card_issue:
 * @self: a #CiServices with an unlocked key store
 * @actor: the signed-in operator (HR or security)
 * @employee_number: whose card
 * @options: the reader, the PIN, progress
 * @error: return location for an error
 *
 * Issues a card in @options' reader: check → initialise → personalise → lock
 * → verify, each step an audit entry with its outcome and duration, the card
 * record following the steps, `active` only once the card verified. A card
 * left half-written for this employee is finished. Blocks: run it in a worker.
 *
 * Returns: (transfer full): the serial, and the PIN if it was generated
 */
CiIssueResult *
ci_services_card_issue (CiServices            *self,
                        CiOperator            *actor,
                        const char            *employee_number,
                        const CiIssueOptions  *options,
                        GError               **error)
{
  g_auto(Issue) issue = { self, actor, options };
  g_autoptr(CiEmployee) employee = NULL;
  g_autoptr(CiCardSession) session = NULL;
  CiIssueRequest request = { 0 };
  CiCardCheck check = { 0 };
  CiIssueResult *result = NULL;
  GError *local = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = FALSE;

  g_return_val_if_fail (CI_IS_SERVICES (self), NULL);
  g_return_val_if_fail (employee_number != NULL && options != NULL && options->reader, NULL);

  issue.action = options->replaces ? "card.reissue" : "card.issue";
  issue.binds_face = TRUE;
  issue.permission = options->replaces ? CI_ACTION_CARD_REISSUE : CI_ACTION_CARD_ISSUE;
  start_recording (&issue);
  if (!preflight (&issue, "employee", employee_number, error)
      || !(employee = ci_store_employee_get_by_number (self->store, employee_number, error)))
    return NULL;
  /* A card that can't be used (none, foreign, another's) fails the check step. */
  session = open_card (&issue, TRUE, &check, &local);
  if (session != NULL)
    issue.card = find_record (&issue, employee, &check, &local);
  if (issue.card == NULL)
    {
      fail_check (&issue, &check, start, local, error);
      return NULL;
    }
  issue.serial = ci_card_format_serial (ci_card_get_serial (issue.card));
  request.check = &check;
  if (fill_request (&issue, employee, &request, error))
    ok = finish_recording (&issue, session, ci_card_issue (session, &request, error),
                            error);
  if (ok)
    {
      result = g_new0 (CiIssueResult, 1);
      result->serial = ci_card_get_serial (issue.card);
      result->pin = options->pin ? NULL : g_strdup (request.pin);
    }
  request_clear (&request);
  ci_card_check_clear (&check);
  return result;
}

/* The card's own EF.CARD and EF.IDENTITY are kept as they are: a change of
 * access re-signs them with the new zones and changes nothing else. */
static gboolean
fill_access_request (Issue            *issue,
                     CiCardSession    *session,
                     CiCardCheck      *check,
                     CiIssueRequest   *request,
                     GError          **error)
{
  CiServices *self = issue->services;
  g_autoptr(CiEmployee) employee = NULL;
  g_autofree char *today = ci_date_today ();
  CiCardContents contents;
  guint8 life_cycle;
  guint32 revision;

  if (!ci_card_session_select_df (session, &life_cycle, error)
      || !ci_card_read_contents (session, &contents, error))
    return FALSE;
  revision = contents.zones.revision + 1;
  request->card = g_bytes_ref (contents.objects[CI_CARD_FILE_CARD]);
  request->identity = g_bytes_ref (contents.objects[CI_CARD_FILE_IDENTITY]);
  ci_card_contents_clear (&contents);
  request->check = check;
  request->serial = issue->serial;
  request->issuer_public_key = ci_key_store_get_public_key (self->keys, CI_KEY_ISSUER);
  request->sign = sign_with_issuer;
  request->sign_data = self->keys;
  request->on_step = record_step;
  request->before_write = before_write;
  request->step_data = issue;
  employee = ci_store_employee_get (self->store, ci_card_get_employee_id (issue->card), error);
  return employee != NULL
         && (request->zones = zones_object (self->store, employee, today, revision, error)) != NULL
         && diversify (self->keys, CI_KEY_CARD_ADMIN_MASTER, "CI", issue->serial,
                       request->admin_key, error);
}

static CiCard *
active_card (CiServices         *self,
             const CiCardCheck  *check,
             GError            **error)
{
  g_autoptr(CiCard) card = NULL;

  if (check->kind != CI_CARD_KIND_ISSUED || check->serial == NULL)
    {
      g_set_error_literal (error, CI_CARD_ERROR, CI_CARD_ERROR_WRONG_CARD,
                           _("The card in the reader is not an issued CardIssue card."));
      return NULL;
    }
  card = ci_store_card_get (self->store, g_ascii_strtoll (check->serial, NULL, 10), error);
  if (card != NULL && ci_card_get_state (card) != CI_CARD_ACTIVE)
    {
      g_set_error (error, CI_SERVICE_ERROR, CI_SERVICE_ERROR_INVALID,
                   /* Translators: a card serial, then the card's state as the database keeps it,
                    * such as “suspended”. */
                   _("Card %s is %s: only an active card gets new access"), check->serial,
                   ci_card_state_to_string (ci_card_get_state (card)));
      return NULL;
    }
  return g_steal_pointer (&card);
}

/**
 * ci_services_card_change_access:
 * @self: a #CiServices with an unlocked key store
 * @actor: the signed-in security officer
 * @options: the reader holding the card
 * @error: return location for an error
 *
 * Re-encodes the zones of the active card in the reader to the holder's
 * grants now (profile §7.6): secure messaging with the card's diversified
 * admin key, EF.ZONES and the signature rewritten, then verified. Blocks.
 *
 * Returns: %TRUE once the card verified with its new zones
 */
gboolean
ci_services_card_change_access (CiServices            *self,
                                CiOperator            *actor,
                                const CiIssueOptions  *options,
                                GError               **error)
{
  g_auto(Issue) issue = { self, actor, options, NULL, NULL, "card.change-access",
                          CI_ACTION_CARD_CHANGE_ACCESS };
  g_autoptr(CiCardSession) session = NULL;
  CiIssueRequest request = { 0 };
  CiCardCheck check = { 0 };
  GError *local = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = FALSE;

  g_return_val_if_fail (CI_IS_SERVICES (self), FALSE);
  g_return_val_if_fail (options != NULL && options->reader != NULL, FALSE);

  start_recording (&issue);
  if (!preflight (&issue, "reader", options->reader, error))
    return FALSE;
  session = open_card (&issue, FALSE, &check, &local);
  if (session != NULL)
    issue.card = active_card (self, &check, &local);
  if (issue.card == NULL)
    {
      fail_check (&issue, &check, start, local, error);
      return FALSE;
    }
  issue.serial = g_strdup (check.serial);
  if (fill_access_request (&issue, session, &check, &request, error))
    ok = finish_recording (&issue, session,
                            ci_card_rewrite_zones (session, &request, error), error);
  request_clear (&request);
  ci_card_check_clear (&check);
  return ok;
}
