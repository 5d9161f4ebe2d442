/* ci-role.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-role.h"

#include <string.h>

struct _CiPolicy
{
  CiScope scope[CI_N_ROLES][CI_N_ACTIONS];
};

static const char * const role_names[CI_N_ROLES] = { "hr", "security", "front-desk", "admin" };

static const char * const action_names[CI_N_ACTIONS] = {
  "employee.view", "employee.edit", "zone.view", "zone.manage", "grant",
  "card.issue", "card.block", "card.reissue", "card.change-access",
  "audit.read", "admin",
};

static const char * const scope_names[] = { "none", "limited", "all" };

/* DESIGN.md §1, the suggested defaults. Columns: HR, security, front desk, admin. */
#define N CI_SCOPE_NONE
#define L CI_SCOPE_LIMITED
#define A CI_SCOPE_ALL
static const CiScope default_matrix[CI_N_ACTIONS][CI_N_ROLES] = {
  [CI_ACTION_EMPLOYEE_VIEW]      = { A, A, A, N },
  [CI_ACTION_EMPLOYEE_EDIT]      = { A, N, N, N },
  [CI_ACTION_ZONE_VIEW]          = { A, A, A, N },
  [CI_ACTION_ZONE_MANAGE]        = { N, A, N, N },
  [CI_ACTION_GRANT]              = { L, A, N, N },
  [CI_ACTION_CARD_ISSUE]         = { A, A, N, N },
  [CI_ACTION_CARD_BLOCK]         = { A, A, A, N },
  [CI_ACTION_CARD_REISSUE]       = { N, A, A, N },
  [CI_ACTION_CARD_CHANGE_ACCESS] = { N, A, N, N },
  [CI_ACTION_AUDIT_READ]         = { L, A, L, A },
  [CI_ACTION_ADMIN]              = { N, N, N, A },
};
#undef N
#undef L
#undef A

/**
 * ci_role_index:
 * @role: exactly one role flag
 *
 * Returns: the role's row in the matrix (0 … %CI_N_ROLES - 1)
 */
guint
ci_role_index (CiRole role)
{
  g_return_val_if_fail (role != 0 && (role & (role - 1)) == 0 && role <= CI_ROLE_ADMIN, 0);
  return (guint) g_bit_nth_lsf (role, -1);
}

/**
 * ci_policy_new_default:
 *
 * Returns: (transfer full): the default permission matrix of DESIGN.md
 */
CiPolicy *
ci_policy_new_default (void)
{
  CiPolicy *self = g_new0 (CiPolicy, 1);

  for (guint a = 0; a < CI_N_ACTIONS; a++)
    for (guint r = 0; r < CI_N_ROLES; r++)
      self->scope[r][a] = default_matrix[a][r];
  return self;
}

CiPolicy *
ci_policy_copy (const CiPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_memdup2 (self, sizeof *self);
}

void
ci_policy_free (CiPolicy *self)
{
  g_free (self);
}

CiScope
ci_policy_get (const CiPolicy *self,
               CiRole          role,
               CiAction        action)
{
  g_return_val_if_fail (self != NULL, CI_SCOPE_NONE);
  g_return_val_if_fail (action < CI_N_ACTIONS, CI_SCOPE_NONE);
  return self->scope[ci_role_index (role)][action];
}

void
ci_policy_set (CiPolicy *self,
               CiRole    role,
               CiAction  action,
               CiScope   scope)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (action < CI_N_ACTIONS);
  g_return_if_fail (scope <= CI_SCOPE_ALL);
  self->scope[ci_role_index (role)][action] = scope;
}

/**
 * ci_policy_scope_for:
 * @self: a #CiPolicy
 * @roles: all roles an operator holds
 * @action: what the operator wants to do
 *
 * An operator with several roles may do what any of them may do.
 *
 * Returns: the widest scope any of @roles has for @action
 */
CiScope
ci_policy_scope_for (const CiPolicy *self,
                     CiRole          roles,
                     CiAction        action)
{
  CiScope best = CI_SCOPE_NONE;

  g_return_val_if_fail (self != NULL, CI_SCOPE_NONE);
  g_return_val_if_fail (action < CI_N_ACTIONS, CI_SCOPE_NONE);

  for (guint r = 0; r < CI_N_ROLES; r++)
    if ((roles & (1u << r)) && self->scope[r][action] > best)
      best = self->scope[r][action];
  return best;
}

const char *
ci_role_to_string (CiRole role)
{
  return role_names[ci_role_index (role)];
}

gboolean
ci_role_from_string (const char *text,
                     CiRole     *role)
{
  for (guint i = 0; i < CI_N_ROLES; i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *role = 1u << i;
        return TRUE;
      }
  return FALSE;
}

/**
 * ci_roles_to_string:
 * @roles: role flags
 *
 * Returns: (transfer full): the roles as a comma-separated list, e.g. "hr,security"
 */
char *
ci_roles_to_string (CiRole roles)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < CI_N_ROLES; i++)
    if (roles & (1u << i))
      {
        if (s->len)
          g_string_append_c (s, ',');
        g_string_append (s, role_names[i]);
      }
  return g_string_free (s, FALSE);
}

/**
 * ci_roles_from_string:
 * @text: a comma-separated list of role names
 * @roles: (out): the role flags
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Returns: %TRUE if every name is a role
 */
gboolean
ci_roles_from_string (const char  *text,
                      CiRole      *roles,
                      GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  CiRole result = CI_ROLE_NONE;

  for (guint i = 0; parts[i]; i++)
    {
      CiRole one;
      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!ci_role_from_string (parts[i], &one))
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       _("“%s” is not a role (roles: hr, security, front-desk, admin)"), parts[i]);
          return FALSE;
        }
      result |= one;
    }
  if (result == CI_ROLE_NONE)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("An operator needs at least one role (hr, security, front-desk, "
                             "admin)"));
      return FALSE;
    }
  *roles = result;
  return TRUE;
}

const char *
ci_action_to_string (CiAction action)
{
  g_return_val_if_fail (action < CI_N_ACTIONS, NULL);
  return action_names[action];
}

gboolean
ci_action_from_string (const char *text,
                       CiAction   *action)
{
  for (guint i = 0; i < CI_N_ACTIONS; i++)
    if (g_strcmp0 (text, action_names[i]) == 0)
      {
        *action = i;
        return TRUE;
      }
  return FALSE;
}

const char *
ci_scope_to_string (CiScope scope)
{
  g_return_val_if_fail (scope <= CI_SCOPE_ALL, NULL);
  return scope_names[scope];
}

gboolean
ci_scope_from_string (const char *text,
                      CiScope    *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (scope_names); i++)
    if (g_strcmp0 (text, scope_names[i]) == 0)
      {
        *scope = i;
        return TRUE;
      }
  return FALSE;
}
