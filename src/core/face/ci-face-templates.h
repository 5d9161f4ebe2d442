/* ci-face-templates.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "face/ci-face-template.h"

G_BEGIN_DECLS

#define CI_FACE_TEMPLATE_SUFFIX ".cardface"

char          **ci_face_template_dirs (void);
char          **ci_face_template_list (void);
CiFaceTemplate *ci_face_template_open (const char  *name,
                                       GError     **error);
char           *ci_face_template_find (const char  *name,
                                       GError     **error);

G_END_DECLS
