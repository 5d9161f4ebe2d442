/* ci-unlock-dialog.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "model/ci-operator.h"

G_BEGIN_DECLS

/**
 * CiUnlockedFunc:
 * @unlocked: %TRUE if the key store is unlocked and the card work may go on;
 *   %FALSE if the operator gave up, or the session was locked meanwhile
 * @user_data: as given to ci_unlock_dialog_ensure()
 */
typedef void (*CiUnlockedFunc) (gboolean unlocked,
                                gpointer user_data);

void ci_unlock_dialog_ensure (GtkWindow      *parent,
                              CiOperator     *actor,
                              CiUnlockedFunc  then,
                              gpointer        user_data);

G_END_DECLS
