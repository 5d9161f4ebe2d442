/* fuzz-card-data.c — libFuzzer target for what a door reader decodes
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The content of a card's files is outside input: a forged card can hold any
 * bytes. Every decoder must refuse or accept without reading past the input.
 */

#include "config.h"

#include <stdint.h>

#include "card/ci-card-data.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) file = g_bytes_new (data, size);
  g_autoptr(GBytes) object = ci_card_file_object (data, size, NULL);
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) signature = NULL;
  CiCardInfo info;
  CiCardIdentity identity;
  CiCardZones zones;
  guint8 key_id[CI_CARD_KEY_ID_LEN];

  if (ci_card_info_decode (file, &info, NULL))
    ci_card_info_clear (&info);
  if (ci_card_identity_decode (file, &identity, NULL))
    ci_card_identity_clear (&identity);
  if (ci_card_zones_decode (file, &zones, NULL))
    {
      /* What decodes encodes again, never longer (lengths become minimal). */
      g_autoptr(GBytes) again = ci_card_zones_encode (&zones, NULL);

      g_assert_true (again == NULL || g_bytes_get_size (again) <= size);
      ci_card_zones_clear (&zones);
    }
  key = ci_card_key_decode (file, NULL);
  if (ci_card_signature_decode (file, key_id, &signature, NULL))
    g_assert_nonnull (signature);
  return 0;
}
