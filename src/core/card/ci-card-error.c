/* ci-card-error.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-card-error.h"

#include <winscard.h>

G_DEFINE_QUARK (ci-card-error-quark, ci_card_error)

/* Status words ------------------------------------------------------------------------------- */

typedef struct
{
  guint16      sw;
  guint16      mask;
  CiCardError  code;
  const char  *meaning;
} SwEntry;

/* The one table of status words (ISO/IEC 7816-4 §5.6). Exact entries come
 * first; the masked ones after them catch a whole family, and the last entry
 * catches everything. The meanings complete "Writing the zones failed: …";
 * they are marked with N_() and translated where they are used. */
static const SwEntry sw_table[] = {
  /* Translators: this and the following messages say what a card's status word
   * means. They complete a sentence such as “Writing the zones failed: %s
   * (6A84).”, so they start in lower case and have no full stop. */
  { 0x9000, 0xffff, CI_CARD_ERROR_FAILED, N_("the card reported success") },
  { 0x6282, 0xffff, CI_CARD_ERROR_PROTOCOL,
    N_("the card holds less data than expected; the card may not have been issued by CardIssue") },
  { 0x6283, 0xffff, CI_CARD_ERROR_CONDITIONS,
    N_("the application on the card is deactivated; this card was withdrawn, use a new card") },
  { 0x6300, 0xffff, CI_CARD_ERROR_SECURITY,
    N_("the card did not accept the authentication; check that the right key set is loaded") },
  { 0x63c0, 0xffff, CI_CARD_ERROR_BLOCKED,
    N_("the card has locked its key after too many failed attempts; use a new card") },
  { 0x63c0, 0xfff0, CI_CARD_ERROR_WRONG_PIN,
    N_("the card did not accept the key; check that the right key set is loaded") },
  { 0x6581, 0xffff, CI_CARD_ERROR_MEMORY,
    N_("the card's memory failed; the card is probably damaged, use a new card") },
  { 0x6700, 0xffff, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the length of the command; the card profile may not match this card") },
  { 0x6882, 0xffff, CI_CARD_ERROR_SECURE_MESSAGING,
    N_("the card does not support secure messaging; this is not a supported card type") },
  { 0x6883, 0xffff, CI_CARD_ERROR_PROTOCOL,
    N_("the card expected the last part of a chained command; remove the card, insert it again "
       "and retry") },
  { 0x6884, 0xffff, CI_CARD_ERROR_UNSUPPORTED,
    N_("the card does not support command chaining; this is not a supported card type") },
  { 0x6982, 0xffff, CI_CARD_ERROR_SECURITY,
    N_("the card refused the command because the secure channel is not open") },
  { 0x6983, 0xffff, CI_CARD_ERROR_BLOCKED,
    N_("the card's key is blocked after too many failed attempts; use a new card") },
  { 0x6984, 0xffff, CI_CARD_ERROR_CONDITIONS,
    N_("the key on the card is not usable (not set or invalidated); the card was not prepared "
       "for issuing") },
  { 0x6985, 0xffff, CI_CARD_ERROR_CONDITIONS,
    N_("the card is not in a state that allows this command; it may already be issued or "
       "withdrawn") },
  { 0x6986, 0xffff, CI_CARD_ERROR_CONDITIONS,
    N_("the card does not allow this command now; remove the card, insert it again and retry") },
  { 0x6987, 0xffff, CI_CARD_ERROR_SECURE_MESSAGING,
    N_("the card expected a protected command and got a plain one; remove the card, insert it "
       "again and retry") },
  { 0x6988, 0xffff, CI_CARD_ERROR_SECURE_MESSAGING,
    N_("the card rejected the protection of the command; remove the card, insert it again and "
       "retry") },
  { 0x6a80, 0xffff, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the data it was sent; the card profile may not match this card") },
  { 0x6a81, 0xffff, CI_CARD_ERROR_UNSUPPORTED,
    N_("the card does not support this function; this is not a supported card type") },
  { 0x6a82, 0xffff, CI_CARD_ERROR_NOT_FOUND,
    N_("the card does not have the expected application or file; it may be blank or another "
       "kind of card") },
  { 0x6a83, 0xffff, CI_CARD_ERROR_NOT_FOUND,
    N_("the card does not have the expected record; it may be blank or another kind of card") },
  { 0x6a84, 0xffff, CI_CARD_ERROR_NO_SPACE,
    N_("the card is full; use a card with more memory or fewer zones") },
  { 0x6a86, 0xffff, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the command's parameters; the card profile may not match this card") },
  { 0x6a88, 0xffff, CI_CARD_ERROR_NOT_FOUND,
    N_("the card does not hold the expected key or data; it may be blank or another kind of "
       "card") },
  { 0x6a89, 0xffff, CI_CARD_ERROR_CONDITIONS,
    N_("the card already holds this file; it may already be issued") },
  { 0x6b00, 0xffff, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the position in the file; the card profile may not match this card") },
  { 0x6d00, 0xffff, CI_CARD_ERROR_UNSUPPORTED,
    N_("the card does not know this command; this is not a supported card type") },
  { 0x6e00, 0xffff, CI_CARD_ERROR_UNSUPPORTED,
    N_("the card does not understand this command class; this is not a supported card type") },
  { 0x6f00, 0xffff, CI_CARD_ERROR_FAILED,
    N_("the card reported an internal error; remove the card, insert it again and retry, and "
       "use a new card if it happens again") },
  /* Families, for status words without an entry of their own. */
  { 0x6100, 0xff00, CI_CARD_ERROR_PROTOCOL,
    N_("the card had more data waiting that was not fetched; this is a program error, contact "
       "support") },
  { 0x6200, 0xff00, CI_CARD_ERROR_PROTOCOL,
    N_("the card answered with a warning; remove the card, insert it again and retry") },
  { 0x6300, 0xff00, CI_CARD_ERROR_SECURITY,
    N_("the card answered with a warning about authentication; check that the right key set is "
       "loaded") },
  { 0x6400, 0xff00, CI_CARD_ERROR_FAILED,
    N_("the card could not carry out the command; remove the card, insert it again and retry") },
  { 0x6500, 0xff00, CI_CARD_ERROR_MEMORY,
    N_("the card's memory changed in an unexpected way; use a new card") },
  { 0x6600, 0xff00, CI_CARD_ERROR_SECURITY,
    N_("the card reported a security problem; remove the card, insert it again and retry") },
  { 0x6700, 0xff00, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the length of the command; the card profile may not match this card") },
  { 0x6800, 0xff00, CI_CARD_ERROR_UNSUPPORTED,
    N_("the card does not support a function the command needs; this is not a supported card "
       "type") },
  { 0x6900, 0xff00, CI_CARD_ERROR_CONDITIONS,
    N_("the card does not allow this command; it may already be issued or withdrawn") },
  { 0x6a00, 0xff00, CI_CARD_ERROR_WRONG_DATA,
    N_("the card refused the command's parameters; the card profile may not match this card") },
  { 0x6c00, 0xff00, CI_CARD_ERROR_PROTOCOL,
    N_("the card expected a different response length; this is a program error, contact "
       "support") },
  { 0x0000, 0x0000, CI_CARD_ERROR_FAILED,
    N_("the card reported an error CardIssue does not know; note the code and contact support") },
};

static const SwEntry *
sw_lookup (guint16 sw)
{
  gsize i = 0;

  /* The last entry matches everything, so this stops there at the latest. */
  while ((sw & sw_table[i].mask) != sw_table[i].sw)
    i++;
  return &sw_table[i];
}

/**
 * ci_card_error_for_sw:
 * @sw: a status word
 *
 * Returns: the #CiCardError that ci_card_check_sw() reports for @sw;
 *   %CI_CARD_ERROR_FAILED for status words CardIssue does not know
 */
CiCardError
ci_card_error_for_sw (guint16 sw)
{
  return sw_lookup (sw)->code;
}

/**
 * ci_card_sw_meaning:
 * @sw: a status word
 *
 * Returns: what @sw means, for the person at the desk, translated; in
 *   English a phrase that starts in lower case and has no final full stop
 */
const char *
ci_card_sw_meaning (guint16 sw)
{
  return _(sw_lookup (sw)->meaning);
}

/**
 * ci_card_sw_tries_left:
 * @sw: a status word
 *
 * Returns: the number of attempts the card still allows for a 63Cx status
 *   word (0 to 15), or -1 for any other status word
 */
int
ci_card_sw_tries_left (guint16 sw)
{
  if ((sw & 0xfff0) == 0x63c0)
    return sw & 0x000f;
  return -1;
}

/**
 * ci_card_check_sw:
 * @sw: the status word of a response
 * @what: (nullable): what the desk was doing, as the subject of a sentence and
 *   translated:
 *   "Writing the zones"
 * @error: return location for a #CI_CARD_ERROR error
 *
 * Checks that @sw is 9000. Otherwise sets @error from the status-word table:
 * "Writing the zones failed: the card refused the command because the secure
 * channel is not open (6982)."
 *
 * Returns: %TRUE for 9000
 */
gboolean
ci_card_check_sw (guint16      sw,
                  const char  *what,
                  GError     **error)
{
  const SwEntry *entry;
  int tries;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (sw == 0x9000)
    return TRUE;
  entry = sw_lookup (sw);
  tries = ci_card_sw_tries_left (sw);
  if (what == NULL)
    /* Translators: completed by “failed: …”, as in “The card command failed: the
     * card is full; use a card with more memory or fewer zones (6A84).” */
    what = _("The card command");
  if (entry->code == CI_CARD_ERROR_WRONG_PIN)
    g_set_error (error, CI_CARD_ERROR, entry->code,
                 g_dngettext (GETTEXT_PACKAGE,
                              /* Translators: the first %s is what the desk was doing, such
                               * as “Opening the secure channel”; the second what the card's
                               * answer means; %d the number of tries left; %04X the card's
                               * status word. */
                              "%s failed: %s. %d try left before the card locks itself (%04X).",
                              "%s failed: %s. %d tries left before the card locks itself "
                              "(%04X).", (gulong) tries),
                 what, _(entry->meaning), tries, sw);
  else
    g_set_error (error, CI_CARD_ERROR, entry->code,
                 /* Translators: the first %s is what the desk was doing, such as
                  * “Writing the zones”; the second what the card's answer means, such as
                  * “the card is full; use a card with more memory or fewer zones”; %04X
                  * is the card's status word. */
                 _("%s failed: %s (%04X)."), what, _(entry->meaning), sw);
  return FALSE;
}

/* PC/SC return codes ------------------------------------------------------------------------- */

typedef struct
{
  LONG         rv;
  CiCardError  code;
  const char  *message;
  /* When NULL, reading uses @message; writing uses @message and writing_advice. */
  const char  *while_reading;
  const char  *while_writing;
} PcscEntry;

/* The messages are marked with N_() and translated where they are used. */
static const char *const writing_advice =
  N_("The card was being written and is not usable yet; when this is fixed, insert it again "
     "to finish.");

static const PcscEntry pcsc_table[] = {
  { SCARD_E_NO_SERVICE, CI_CARD_ERROR_NO_SERVICE,
    N_("The smart-card service (pcscd) is not running: start it with “sudo systemctl start "
       "pcscd.socket” or ask your administrator, then try again."),
    NULL, NULL },
  { SCARD_E_SERVICE_STOPPED, CI_CARD_ERROR_NO_SERVICE,
    N_("The smart-card service (pcscd) stopped: start it with “sudo systemctl start "
       "pcscd.socket” or ask your administrator, then try again."),
    NULL, NULL },
  { SCARD_E_NO_READERS_AVAILABLE, CI_CARD_ERROR_NO_READER,
    N_("No card reader is connected. Plug in the reader and try again."), NULL, NULL },
  { SCARD_E_UNKNOWN_READER, CI_CARD_ERROR_NO_READER,
    N_("The chosen card reader is not connected. Plug it in again or choose another reader."),
    NULL, NULL },
  { SCARD_E_READER_UNAVAILABLE, CI_CARD_ERROR_READER_GONE,
    N_("The card reader was unplugged or stopped working. Plug it in again and try again."),
    N_("The card reader was unplugged while the card was being read. Plug it in again and "
       "insert the card again."),
    N_("Reader unplugged during writing — the card is not usable yet; plug the reader in again "
       "and insert the card to finish.") },
  { SCARD_E_NO_SMARTCARD, CI_CARD_ERROR_NO_CARD,
    N_("There is no card in the reader. Insert a card and try again."), NULL, NULL },
  { SCARD_W_REMOVED_CARD, CI_CARD_ERROR_CARD_REMOVED,
    N_("The card was removed. Insert it again."),
    N_("The card was removed while it was being read. Insert it again."),
    N_("Card removed during writing — the card is not usable yet; insert it again to finish.") },
  { SCARD_W_RESET_CARD, CI_CARD_ERROR_CARD_REMOVED,
    N_("Another program reset the card. Close other smart-card programs and try again."),
    N_("Another program reset the card while it was being read. Close other smart-card "
       "programs and try again."),
    N_("Card reset by another program during writing — the card is not usable yet; close other "
       "smart-card programs and insert it again to finish.") },
  { SCARD_W_UNPOWERED_CARD, CI_CARD_ERROR_CARD_REMOVED,
    N_("The reader switched the card off. Take the card out and insert it again."),
    N_("The reader switched the card off while it was being read. Take it out and insert it "
       "again."),
    N_("Card switched off during writing — the card is not usable yet; take it out and insert "
       "it again to finish.") },
  { SCARD_W_UNRESPONSIVE_CARD, CI_CARD_ERROR_UNRESPONSIVE,
    N_("The card does not answer. Check that it is inserted the right way round, or try another "
       "card."),
    NULL,
    N_("The card stopped answering during writing — the card is not usable yet; insert it "
       "again to finish, and use a new card if it happens again.") },
  { SCARD_W_UNSUPPORTED_CARD, CI_CARD_ERROR_UNRESPONSIVE,
    N_("The reader cannot work with this card. Check that it is a CardIssue badge card, "
       "inserted the right way round."), NULL, NULL },
  { SCARD_E_PROTO_MISMATCH, CI_CARD_ERROR_UNRESPONSIVE,
    N_("The card and the reader do not agree on a protocol. Check that it is a CardIssue badge "
       "card, or try another reader."), NULL, NULL },
  { SCARD_E_SHARING_VIOLATION, CI_CARD_ERROR_SHARING,
    N_("Another program is using the card. Close other smart-card programs (a browser, a PIN "
       "manager) and try again."), NULL, NULL },
  { SCARD_E_TIMEOUT, CI_CARD_ERROR_TIMEOUT,
    N_("The card reader did not answer in time. Try again; if it keeps happening, unplug the "
       "reader and plug it in again."), NULL, NULL },
  { SCARD_E_CANCELLED, CI_CARD_ERROR_CANCELLED,
    N_("The card operation was cancelled."), NULL,
    N_("Writing cancelled — the card is not usable yet; write it again to finish.") },
  { SCARD_E_NOT_TRANSACTED, CI_CARD_ERROR_COMMS,
    N_("The command did not reach the card. Take the card out, insert it again and try again."),
    NULL, NULL },
  { SCARD_F_COMM_ERROR, CI_CARD_ERROR_COMMS,
    N_("The connection to the smart-card service (pcscd) failed. Check that it is running ("
       "“sudo systemctl restart pcscd”), then try again."), NULL, NULL },
  { SCARD_E_INSUFFICIENT_BUFFER, CI_CARD_ERROR_PROTOCOL,
    N_("The card sent more data than CardIssue expected. Check that it is a CardIssue badge "
       "card."), NULL, NULL },
  { SCARD_E_INVALID_HANDLE, CI_CARD_ERROR_COMMS,
    N_("The connection to the card was lost, possibly because the smart-card service "
       "restarted. Take the card out, insert it again and try again."), NULL, NULL },
  { SCARD_E_INVALID_PARAMETER, CI_CARD_ERROR_FAILED,
    N_("CardIssue sent the smart-card service an invalid request. Try again; if it keeps "
       "happening, contact support."), NULL, NULL },
  { SCARD_E_NO_MEMORY, CI_CARD_ERROR_FAILED,
    N_("The smart-card service ran out of memory. Close other programs and try again."),
    NULL, NULL },
  { SCARD_F_INTERNAL_ERROR, CI_CARD_ERROR_FAILED,
    N_("The smart-card service reported an internal error. Restart it (“sudo systemctl restart "
       "pcscd”) and try again."), NULL, NULL },
};

static const PcscEntry *
pcsc_lookup (long rv)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pcsc_table); i++)
    if (pcsc_table[i].rv == rv)
      return &pcsc_table[i];
  return NULL;
}

static char *
pcsc_message (const PcscEntry *entry,
              long             rv,
              CiCardPhase      phase)
{
  g_autofree char *unknown = NULL;
  const char *base;

  if (entry != NULL && phase == CI_CARD_PHASE_READING && entry->while_reading != NULL)
    return g_strdup (_(entry->while_reading));
  if (entry != NULL && phase == CI_CARD_PHASE_WRITING && entry->while_writing != NULL)
    return g_strdup (_(entry->while_writing));
  if (entry != NULL)
    base = _(entry->message);
  else
    /* Translators: %s is pcsc-lite's own name for the error, in English, and
     * 0x%08X its code. */
    base = unknown = g_strdup_printf (_("The smart-card service reported an unexpected error: "
                                        "%s (0x%08X). Try again; if it keeps happening, note "
                                        "the code and contact support."),
                                      pcsc_stringify_error (rv), (guint32) rv);
  if (phase == CI_CARD_PHASE_WRITING)
    return g_strconcat (base, " ", _(writing_advice), NULL);
  return g_strdup (base);
}

/**
 * ci_card_error_from_pcsc:
 * @rv: a PC/SC return code (a `LONG` from `winscard.h`)
 * @phase: what the desk was doing, which changes the advice
 * @error: return location for a #CI_CARD_ERROR error
 *
 * The one place where PC/SC return codes become errors: sets @error with a
 * message for the person at the desk. A card pulled out while it was being
 * written is not usable yet, and the message says so.
 *
 * Returns: %TRUE for `SCARD_S_SUCCESS`, %FALSE with @error set otherwise
 */
gboolean
ci_card_error_from_pcsc (long          rv,
                         CiCardPhase   phase,
                         GError      **error)
{
  const PcscEntry *entry;
  g_autofree char *message = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rv == SCARD_S_SUCCESS)
    return TRUE;
  entry = pcsc_lookup (rv);
  g_debug ("PC/SC call failed: %s (0x%08X)", pcsc_stringify_error (rv), (guint32) rv);
  message = pcsc_message (entry, rv, phase);
  g_set_error_literal (error, CI_CARD_ERROR,
                       entry != NULL ? entry->code : CI_CARD_ERROR_FAILED, message);
  return FALSE;
}
