/* ci-test-vcard.c — start and stop virtual cards behind the test's pcscd
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <winscard.h>

#include "ci-test-vcard.h"

struct _CiTestVcard
{
  GSubprocess *process;
  guint slot;
};

gboolean
ci_test_have_pcscd (void)
{
  return g_getenv ("CI_TEST_VPCD_PORT") != NULL && g_getenv ("CARDISSUE_VCARD") != NULL;
}

char *
ci_test_reader_name (guint slot)
{
  return g_strdup_printf ("Virtual PCD 00 %02u", slot);
}

static GPtrArray *
vcard_argv (const char *first,
            va_list     ap)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;

  g_ptr_array_add (argv, g_strdup (g_getenv ("CARDISSUE_VCARD")));
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  return argv;
}

/**
 * ci_test_vcard_start:
 * @image: the card image file
 * @slot: 0 or 1: which virtual reader the card goes into
 * @...: more `cardissue-vcard run` options, %NULL-terminated
 *
 * Starts a virtual card and waits until pcscd sees it in the reader.
 */
CiTestVcard *
ci_test_vcard_start (const char *image,
                     guint       slot,
                     ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  CiTestVcard *card = g_new0 (CiTestVcard, 1);
  va_list ap;

  port = g_strdup_printf ("%d", atoi (g_getenv ("CI_TEST_VPCD_PORT")) + (int) slot);
  va_start (ap, slot);
  argv = vcard_argv ("run", ap);
  va_end (ap);
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup ("--image"));
  g_ptr_array_add (argv, g_strdup (image));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_steal_pointer (&port));
  g_ptr_array_add (argv, NULL);
  card->slot = slot;
  card->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  ci_test_wait_for_card (slot, TRUE);
  return card;
}

/* Returns the exit status once the card program ended by itself. */
int
ci_test_vcard_wait (CiTestVcard *card)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_subprocess_wait (card->process, NULL, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_if_exited (card->process)
           ? g_subprocess_get_exit_status (card->process) : -1;
  g_clear_object (&card->process);
  ci_test_wait_for_card (card->slot, FALSE);
  g_free (card);
  return status;
}

void
ci_test_vcard_stop (CiTestVcard *card)
{
  if (card == NULL)
    return;
  if (card->process)
    {
      g_subprocess_send_signal (card->process, SIGTERM);
      g_subprocess_wait (card->process, NULL, NULL);
      g_clear_object (&card->process);
    }
  ci_test_wait_for_card (card->slot, FALSE);
  g_free (card);
}

/* Runs `cardissue-vcard ARGS…` to completion (blank, forge, show). */
gboolean
ci_test_vcard_run_tool (const char *first_arg,
                        ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, first_arg);
  argv = vcard_argv (first_arg, ap);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  if (error)
    g_test_message ("cardissue-vcard %s: %s", first_arg, error->message);
  return error == NULL;
}

/* pcscd polls the virtual reader; wait (up to 10 s) until it agrees. */
void
ci_test_wait_for_card (guint    slot,
                       gboolean present)
{
  g_autofree char *reader = ci_test_reader_name (slot);
  SCARDCONTEXT context;
  SCARD_READERSTATE state = { 0 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_cmpint (SCardEstablishContext (SCARD_SCOPE_SYSTEM, NULL, NULL, &context), ==,
                   SCARD_S_SUCCESS);
  state.szReader = reader;
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  while (g_get_monotonic_time () < deadline)
    {
      LONG rv = SCardGetStatusChange (context, 200, &state, 1);

      if (rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT)
        {
          gboolean now = (state.dwEventState & SCARD_STATE_PRESENT) != 0;

          if (now == present)
            break;
          state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
        }
      else
        g_usleep (50000);
    }
  SCardReleaseContext (context);
  g_assert_true (g_get_monotonic_time () < deadline);
}
