/* ci-card-type.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CI_CARD_TYPE_KEY_LEN 16

/**
 * CiCardType:
 * @id: the file name without ".conf"
 * @name: what people call it
 * @origin: the file (or built-in resource) it came from
 * @transport_key: the card maker's transport key (profile §5.1)
 *
 * A kind of blank card CardIssue accepts: the answers to reset that identify
 * it, and the key it arrives locked with (docs/card-profile.md §1).
 */
typedef struct
{
  char      *id;
  char      *name;
  char      *origin;
  GPtrArray *atr_patterns;   /* (element-type GBytes): value and mask bytes, interleaved */
  guint8     transport_key[CI_CARD_TYPE_KEY_LEN];
} CiCardType;

CiCardType       *ci_card_type_new_from_data (const char        *id,
                                              const char        *origin,
                                              const char        *data,
                                              gsize              len,
                                              GError           **error);
void              ci_card_type_free          (CiCardType        *type);
gboolean          ci_card_type_matches       (const CiCardType  *type,
                                              const guint8      *atr,
                                              gsize              atr_len);

GPtrArray        *ci_card_types_load         (const char * const *dirs,
                                              GError           **error);
GPtrArray        *ci_card_types_load_default (GError           **error);
const CiCardType *ci_card_types_find         (GPtrArray         *types,
                                              const guint8      *atr,
                                              gsize              atr_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiCardType, ci_card_type_free)

G_END_DECLS
