/* ci-vpcd.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-vcard.h"

G_BEGIN_DECLS

#define CI_VPCD_DEFAULT_HOST "localhost"
#define CI_VPCD_DEFAULT_PORT 35963

/**
 * CiVpcdOptions:
 * @host: where the vpcd reader driver listens
 * @port: its port (slot 0: 35963, slot 1: 35964)
 * @reconnect: when the reader closes the connection, connect again
 * @power_cut_after: vanish after this many commands (counted from the start,
 *   across the cards of a hopper), without answering the last one; 0 never
 * @latency_ms: wait this long before each response
 * @quiet: print nothing but errors
 * @hopper: blank cards in the input hopper, 0 for none: an issued card that
 *   was used and is powered off is ejected and the next one fed, until the
 *   last is ejected
 */
typedef struct
{
  const char *host;
  guint16     port;
  gboolean    reconnect;
  guint       power_cut_after;
  guint       latency_ms;
  gboolean    quiet;
  guint       hopper;
} CiVpcdOptions;

typedef enum
{
  CI_VPCD_END_CLOSED,        /* the reader closed the connection */
  CI_VPCD_END_STOPPED,       /* SIGTERM or SIGINT */
  CI_VPCD_END_POWER_CUT,     /* power_cut_after fired */
  CI_VPCD_END_HOPPER_EMPTY,  /* hopper: the last card was ejected */
  CI_VPCD_END_ERROR,
} CiVpcdEnd;

CiVpcdEnd ci_vpcd_run (CiVcard             *card,
                       const CiVpcdOptions *options,
                       GError             **error);

G_END_DECLS
