/* ci-application.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "card/ci-reader-monitor.h"
#include "services/ci-services.h"

G_BEGIN_DECLS

/**
 * CiPhase:
 * @CI_PHASE_OPENING: the database and key store are being opened
 * @CI_PHASE_FAILED: they could not be opened (see ci_application_get_open_error())
 * @CI_PHASE_SETUP: a new database: the first-run assistant is due
 * @CI_PHASE_SIGNED_OUT: nobody is signed in (or the session is locked)
 * @CI_PHASE_SIGNED_IN: an operator works at the desk
 */
typedef enum
{
  CI_PHASE_OPENING,
  CI_PHASE_FAILED,
  CI_PHASE_SETUP,
  CI_PHASE_SIGNED_OUT,
  CI_PHASE_SIGNED_IN,
} CiPhase;

#define CI_TYPE_APPLICATION (ci_application_get_type ())

G_DECLARE_FINAL_TYPE (CiApplication, ci_application, CI, APPLICATION, AdwApplication)

void             ci_application_init_i18n        (void);
CiApplication   *ci_application_new              (void);
CiPhase          ci_application_get_phase        (CiApplication  *self);
const GError    *ci_application_get_open_error   (CiApplication  *self);
CiServices      *ci_application_get_services     (CiApplication  *self);
CiOperator      *ci_application_get_operator     (CiApplication  *self);
GSettings       *ci_application_get_settings     (CiApplication  *self);
CiReaderMonitor *ci_application_get_reader_monitor (CiApplication *self);
const char      *ci_application_get_keystore_path (CiApplication *self);
const char      *ci_application_get_sign_in_notice (CiApplication *self);
gboolean         ci_application_is_signed_in     (CiApplication  *self,
                                                  CiOperator     *op);
gboolean         ci_application_may              (CiApplication  *self,
                                                  CiAction        action);
void             ci_application_sign_in          (CiApplication  *self,
                                                  CiOperator     *op,
                                                  const CiScope  *scopes);
void             ci_application_lock             (CiApplication  *self);
void             ci_application_setup_done       (CiApplication  *self,
                                                  CiKeyStore     *keys);
void             ci_application_note_input       (CiApplication  *self);

void            ci_application_card_work_begin  (CiApplication *self);
void            ci_application_card_work_end    (CiApplication *self);
gboolean        ci_application_quit_when_done   (CiApplication *self);

G_END_DECLS
