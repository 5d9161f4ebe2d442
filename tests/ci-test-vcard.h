/* ci-test-vcard.h — start and stop virtual cards behind the test's pcscd
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _CiTestVcard CiTestVcard;

/* Tests run under tests/with-pcscd.sh; TRUE if that is so (else they skip). */
gboolean     ci_test_have_pcscd      (void);
char        *ci_test_reader_name     (guint          slot);
CiTestVcard *ci_test_vcard_start     (const char    *image,
                                      guint          slot,
                                      ...) G_GNUC_NULL_TERMINATED;
int          ci_test_vcard_wait      (CiTestVcard   *card);
void         ci_test_vcard_stop      (CiTestVcard   *card);
gboolean     ci_test_vcard_run_tool  (const char    *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;
void         ci_test_wait_for_card   (guint          slot,
                                      gboolean       present);

G_END_DECLS
