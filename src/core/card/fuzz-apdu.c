/* fuzz-apdu.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the APDU codec: any input either fails to parse as a
 * command APDU or parses to a command that encodes back to the same bytes;
 * describing it works with and without the sensitive flag. The same input is
 * also parsed as a response APDU.
 */

#include "card/ci-apdu.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A failed precondition in the codec is a bug the fuzzer should stop at. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static void
describe (CiApdu *apdu)
{
  g_autofree char *plain = NULL;
  g_autofree char *hidden = NULL;

  plain = ci_apdu_describe (apdu);
  g_assert (plain != NULL && strchr (plain, '\n') == NULL);
  apdu->flags |= CI_APDU_SENSITIVE;
  hidden = ci_apdu_describe (apdu);
  g_assert (hidden != NULL);
  g_assert (apdu->lc == 0 || strstr (hidden, "hidden]") != NULL);
}

static void
parse_command (const guint8 *data,
               gsize         size)
{
  g_autoptr(CiApdu) apdu = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean extended = FALSE;

  apdu = ci_apdu_parse (data, size, &extended, NULL);
  if (apdu == NULL)
    return;
  g_assert (apdu->lc <= 65535 && apdu->le <= CI_APDU_EXTENDED_MAX);
  g_assert ((apdu->lc == 0) == (apdu->data == NULL));
  g_assert (!ci_apdu_is_extended (apdu) || extended);
  g_assert (ci_apdu_encode (apdu, extended ? CI_APDU_ENCODING_EXTENDED : CI_APDU_ENCODING_SHORT,
                            out, NULL));
  g_assert (out->len == size && memcmp (out->data, data, size) == 0);
  describe (apdu);
}

static void
parse_response (const guint8 *data,
                gsize         size)
{
  g_autoptr(CiResponse) response = ci_response_parse (data, size, NULL);

  if (response == NULL)
    {
      g_assert (size < 2);
      return;
    }
  g_assert (response->len == size - 2);
  g_assert (response->len == 0 || memcmp (response->data, data, response->len) == 0);
  g_assert (response->sw == ((data[size - 2] << 8) | data[size - 1]));
  g_assert (ci_response_ok (response) == (response->sw == 0x9000));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  parse_command (data, size);
  parse_response (data, size);
  return 0;
}
