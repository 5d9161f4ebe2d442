/* ci-store-pg-access.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-pg-private.h"
#include "model/ci-model.h"

/* Zones, schedules, grants and cards, on PostgreSQL; the same rules as
 * ci-store-sqlite-access.c. */

/* ─── zones, schedules, grants ──────────────────────────────────────────── */

#define ZONE_COLUMNS "id, parent_id, kind, code, name, security_level, hr_may_grant, time_zone"

static CiZone *
zone_from_row (const PGresult *r,
               int             row)
{
  CiZone *z = ci_zone_new ();

  ci_zone_set_id (z, _ci_pg_int (r, row, 0));
  ci_zone_set_parent_id (z, _ci_pg_int (r, row, 1));
  ci_zone_set_kind (z, (CiZoneKind) _ci_pg_int (r, row, 2));
  ci_zone_set_code (z, _ci_pg_peek (r, row, 3));
  ci_zone_set_name (z, _ci_pg_peek (r, row, 4));
  ci_zone_set_security_level (z, (int) _ci_pg_int (r, row, 5));
  ci_zone_set_hr_may_grant (z, _ci_pg_bool (r, row, 6));
  ci_zone_set_time_zone (z, _ci_pg_peek (r, row, 7));
  return z;
}

static void
param_zone (CiPgParams *p,
            CiZone     *z)
{
  _ci_pg_param_id (p, ci_zone_get_parent_id (z));
  _ci_pg_param_int (p, ci_zone_get_kind (z));
  _ci_pg_param_text (p, ci_zone_get_code (z));
  _ci_pg_param_text (p, ci_zone_get_name (z));
  _ci_pg_param_int (p, ci_zone_get_security_level (z));
  _ci_pg_param_bool (p, ci_zone_get_hr_may_grant (z));
  _ci_pg_param_text (p, ci_zone_get_time_zone (z));
}

static gboolean
pg_zone_insert (CiStore  *store,
                CiZone   *zone,
                GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *taken = g_strdup_printf (_("Zone code %s is already taken"),
                                            ci_zone_get_code (zone));

  param_zone (&p, zone);
  r = _ci_pg_change (self, "INSERT INTO zone (parent_id, kind, code, name, security_level,"
                           " hr_may_grant, time_zone) VALUES ($1::bigint, $2::integer, $3::text,"
                           " $4::text, $5::integer, $6::boolean, $7::text) RETURNING id",
                     &p, taken, error);
  if (r == NULL)
    return FALSE;
  ci_zone_set_id (zone, _ci_pg_int (r, 0, 0));
  return TRUE;
}

static gboolean
pg_zone_update (CiStore  *store,
                CiZone   *zone,
                GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  param_zone (&p, zone);
  _ci_pg_param_int (&p, ci_zone_get_id (zone));
  r = _ci_pg_change (self, "UPDATE zone SET parent_id = $1::bigint, kind = $2::integer,"
                           " code = $3::text, name = $4::text, security_level = $5::integer,"
                           " hr_may_grant = $6::boolean, time_zone = $7::text"
                           " WHERE id = $8::bigint", &p, NULL, error);
  if (r == NULL)
    return FALSE;
  if (_ci_pg_changes (r) == 0)
    return _ci_pg_not_found (error, _("No zone “%s”"), ci_zone_get_code (zone));
  return TRUE;
}

static CiZone *
pg_zone_get (CiStore     *store,
             gint64       id,
             const char  *code,
             GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autofree char *key = code ? g_strdup (code) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  g_autofree char *missing = g_strdup_printf (_("No zone “%s”"), key);

  if (code)
    _ci_pg_param_text (&p, code);
  else
    _ci_pg_param_int (&p, id);
  return _ci_pg_get_one (self, code ? "SELECT " ZONE_COLUMNS " FROM zone WHERE code = $1::text"
                                    : "SELECT " ZONE_COLUMNS " FROM zone WHERE id = $1::bigint",
                         &p, (CiPgRowFunc) zone_from_row, missing, error);
}

static GPtrArray *
pg_zone_list (CiStore  *store,
              GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  /* Parents before children: a depth-first walk of the hierarchy. The path
   * separator chr(1) sorts before every character a code may hold, so "HQ"'s
   * children come before the sibling "HQ-2". */
  g_autoptr(PGresult) r = _ci_pg_query (self,
    "WITH RECURSIVE tree (id, path) AS ("
    "  SELECT id, code FROM zone WHERE parent_id IS NULL"
    "  UNION ALL SELECT z.id, tree.path || chr(1) || z.code FROM zone z JOIN tree"
    "  ON z.parent_id = tree.id) "
    "SELECT " ZONE_COLUMNS " FROM zone JOIN tree USING (id) ORDER BY tree.path COLLATE \"C\"",
    NULL, error);

  return r ? _ci_pg_collect (r, (CiPgRowFunc) zone_from_row) : NULL;
}

static CiSchedule *
schedule_from_row (const PGresult *r,
                   int             row)
{
  CiSchedule *sc = ci_schedule_new ();

  ci_schedule_set_id (sc, _ci_pg_int (r, row, 0));
  ci_schedule_set_name (sc, _ci_pg_peek (r, row, 1));
  ci_schedule_set_rules (sc, _ci_pg_peek (r, row, 2));
  return sc;
}

static gboolean
pg_schedule_insert (CiStore     *store,
                    CiSchedule  *schedule,
                    GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *taken = g_strdup_printf (_("A schedule named “%s” exists already"),
                                            ci_schedule_get_name (schedule));

  _ci_pg_param_text (&p, ci_schedule_get_name (schedule));
  _ci_pg_param_text (&p, ci_schedule_get_rules (schedule));
  r = _ci_pg_change (self, "INSERT INTO schedule (name, rules) VALUES ($1::text, $2::text)"
                           " RETURNING id", &p, taken, error);
  if (r == NULL)
    return FALSE;
  ci_schedule_set_id (schedule, _ci_pg_int (r, 0, 0));
  return TRUE;
}

static CiSchedule *
pg_schedule_get (CiStore     *store,
                 gint64       id,
                 const char  *name,
                 GError     **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autofree char *key = name ? g_strdup (name) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  g_autofree char *missing = g_strdup_printf (_("No schedule “%s”"), key);

  if (name)
    _ci_pg_param_text (&p, name);
  else
    _ci_pg_param_int (&p, id);
  return _ci_pg_get_one (self, name ? "SELECT id, name, rules FROM schedule WHERE name = $1::text"
                                    : "SELECT id, name, rules FROM schedule WHERE id = $1::bigint",
                         &p, (CiPgRowFunc) schedule_from_row, missing, error);
}

static GPtrArray *
pg_schedule_list (CiStore  *store,
                  GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_autoptr(PGresult) r =
      _ci_pg_query (self, "SELECT id, name, rules FROM schedule ORDER BY name", NULL, error);

  return r ? _ci_pg_collect (r, (CiPgRowFunc) schedule_from_row) : NULL;
}

static CiGrant *
grant_from_row (const PGresult *r,
                int             row)
{
  CiGrant *g = ci_grant_new ();

  ci_grant_set_id (g, _ci_pg_int (r, row, 0));
  ci_grant_set_employee_id (g, _ci_pg_int (r, row, 1));
  ci_grant_set_zone_id (g, _ci_pg_int (r, row, 2));
  ci_grant_set_schedule_id (g, _ci_pg_int (r, row, 3));
  ci_grant_set_expires (g, _ci_pg_peek (r, row, 4));
  ci_grant_set_granted_by (g, _ci_pg_peek (r, row, 5));
  ci_grant_set_granted_at (g, _ci_pg_int (r, row, 6));
  return g;
}

static gboolean
pg_grant_insert (CiStore  *store,
                 CiGrant  *grant,
                 GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  const char *taken = _("The employee has access to that zone already; withdraw it first to "
                        "change schedule or expiry");

  _ci_pg_param_int (&p, ci_grant_get_employee_id (grant));
  _ci_pg_param_int (&p, ci_grant_get_zone_id (grant));
  _ci_pg_param_id (&p, ci_grant_get_schedule_id (grant));
  _ci_pg_param_text (&p, ci_grant_get_expires (grant));
  _ci_pg_param_text (&p, ci_grant_get_granted_by (grant));
  _ci_pg_param_int (&p, ci_grant_get_granted_at (grant));
  r = _ci_pg_change (self, "INSERT INTO zone_grant (employee_id, zone_id, schedule_id, expires,"
                           " granted_by, granted_at) VALUES ($1::bigint, $2::bigint, $3::bigint,"
                           " $4::text, $5::text, $6::bigint) RETURNING id", &p, taken, error);
  if (r == NULL)
    return FALSE;
  ci_grant_set_id (grant, _ci_pg_int (r, 0, 0));
  return TRUE;
}

static gboolean
pg_grant_delete (CiStore  *store,
                 gint64    id,
                 GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  g_autofree char *key = g_strdup_printf ("#%" G_GINT64_FORMAT, id);

  _ci_pg_param_int (&p, id);
  r = _ci_pg_change (self, "DELETE FROM zone_grant WHERE id = $1::bigint", &p, NULL, error);
  if (r == NULL)
    return FALSE;
  return _ci_pg_changes (r) > 0 || _ci_pg_not_found (error, _("No grant “%s”"), key);
}

static GPtrArray *
pg_grant_list (CiStore  *store,
               gint64    employee_id,
               gint64    zone_id,
               GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_int (&p, employee_id);
  _ci_pg_param_int (&p, zone_id);
  r = _ci_pg_query (self, "SELECT id, employee_id, zone_id, schedule_id, expires, granted_by,"
                          " granted_at FROM zone_grant"
                          " WHERE ($1::bigint = 0 OR employee_id = $1::bigint)"
                          " AND ($2::bigint = 0 OR zone_id = $2::bigint)"
                          " ORDER BY employee_id, zone_id", &p, error);
  return r ? _ci_pg_collect (r, (CiPgRowFunc) grant_from_row) : NULL;
}

/* ─── cards ─────────────────────────────────────────────────────────────── */

#define CARD_COLUMNS \
  "serial, employee_id, sequence, state, state_changed_at, created_at, valid_until, reason, " \
  "replaces, face_code, desk"

static CiCard *
card_from_row (const PGresult *r,
               int             row)
{
  CiCard *c = ci_card_new ();

  ci_card_set_serial (c, _ci_pg_int (r, row, 0));
  ci_card_set_employee_id (c, _ci_pg_int (r, row, 1));
  ci_card_set_sequence (c, (int) _ci_pg_int (r, row, 2));
  ci_card_set_state (c, (CiCardState) _ci_pg_int (r, row, 3));
  ci_card_set_state_changed_at (c, _ci_pg_int (r, row, 4));
  ci_card_set_created_at (c, _ci_pg_int (r, row, 5));
  ci_card_set_valid_until (c, _ci_pg_peek (r, row, 6));
  ci_card_set_reason (c, _ci_pg_peek (r, row, 7));
  ci_card_set_replaces (c, _ci_pg_int (r, row, 8));
  ci_card_set_face_code (c, _ci_pg_peek (r, row, 9));
  ci_card_set_desk (c, _ci_pg_peek (r, row, 10));
  return c;
}

/* The serial comes from the identity column's sequence: every desk draws from
 * it, and no number comes out twice, even after the newest card row is
 * deleted. The employee's card sequence is counted under the writers' lock. */
static gboolean
pg_card_insert (CiStore  *store,
                CiCard   *card,
                GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  gint64 now = g_get_real_time ();

  _ci_pg_param_int (&p, ci_card_get_employee_id (card));
  _ci_pg_param_int (&p, ci_card_get_state (card));
  _ci_pg_param_int (&p, now);
  _ci_pg_param_text (&p, ci_card_get_valid_until (card));
  _ci_pg_param_text (&p, ci_card_get_reason (card));
  _ci_pg_param_id (&p, ci_card_get_replaces (card));
  _ci_pg_param_text (&p, ci_card_get_desk (card) ? ci_card_get_desk (card) : "");
  r = _ci_pg_change (self,
    "INSERT INTO card (employee_id, sequence, state, state_changed_at, created_at, valid_until,"
    " reason, replaces, desk) SELECT $1::bigint, COALESCE(MAX(sequence), 0) + 1, $2::integer,"
    " $3::bigint, $3::bigint, $4::text, $5::text, $6::bigint, $7::text"
    " FROM card WHERE employee_id = $1::bigint RETURNING serial, sequence", &p, NULL, error);
  if (r == NULL)
    return FALSE;
  ci_card_set_serial (card, _ci_pg_int (r, 0, 0));
  ci_card_set_sequence (card, (int) _ci_pg_int (r, 0, 1));
  ci_card_set_created_at (card, now);
  ci_card_set_state_changed_at (card, now);
  return TRUE;
}

static CiCard *
pg_card_get (CiStore  *store,
             gint64    serial,
             GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autofree char *key = ci_card_format_serial (serial);
  g_autofree char *missing = g_strdup_printf (_("No card “%s”"), key);

  _ci_pg_param_int (&p, serial);
  return _ci_pg_get_one (self, "SELECT " CARD_COLUMNS " FROM card WHERE serial = $1::bigint",
                         &p, (CiPgRowFunc) card_from_row, missing, error);
}

static GPtrArray *
pg_card_list (CiStore  *store,
              gint64    employee_id,
              GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_int (&p, employee_id);
  r = _ci_pg_query (self, "SELECT " CARD_COLUMNS " FROM card"
                          " WHERE $1::bigint = 0 OR employee_id = $1::bigint ORDER BY serial",
                    &p, error);
  return r ? _ci_pg_collect (r, (CiPgRowFunc) card_from_row) : NULL;
}

static gboolean
pg_card_set_face_code (CiStore  *store,
                       CiCard   *card,
                       GError  **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;

  _ci_pg_param_text (&p, ci_card_get_face_code (card) ? ci_card_get_face_code (card) : "");
  _ci_pg_param_int (&p, ci_card_get_serial (card));
  r = _ci_pg_change (self, "UPDATE card SET face_code = $1::text WHERE serial = $2::bigint",
                     &p, NULL, error);
  if (r == NULL)
    return FALSE;
  if (_ci_pg_changes (r) == 0)
    {
      g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (card));

      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_NOT_FOUND, _("There is no card %s"),
                   serial);
      return FALSE;
    }
  return TRUE;
}

/* Changes the state only if the card is still in @from, so two desks acting on
 * one card cannot both succeed. */
static gboolean
pg_card_set_state (CiStore      *store,
                   CiCard       *card,
                   CiCardState   from,
                   GError      **error)
{
  CiStorePg *self = PG (store);
  PG_LOCK (self);
  g_auto(CiPgParams) p = { 0 };
  g_autoptr(PGresult) r = NULL;
  gint64 now = g_get_real_time ();

  _ci_pg_param_int (&p, ci_card_get_state (card));
  _ci_pg_param_int (&p, now);
  _ci_pg_param_text (&p, ci_card_get_reason (card));
  _ci_pg_param_int (&p, ci_card_get_serial (card));
  _ci_pg_param_int (&p, from);
  _ci_pg_param_text (&p, ci_card_get_desk (card) ? ci_card_get_desk (card) : "");
  r = _ci_pg_change (self, "UPDATE card SET state = $1::integer, state_changed_at = $2::bigint,"
                           " reason = $3::text, desk = $6::text"
                           " WHERE serial = $4::bigint AND state = $5::integer",
                     &p, NULL, error);
  if (r == NULL)
    return FALSE;
  if (_ci_pg_changes (r) == 0)
    {
      g_autofree char *serial = ci_card_format_serial (ci_card_get_serial (card));
      g_set_error (error, CI_STORE_ERROR, CI_STORE_ERROR_CONFLICT,
                   /* Translators: the first %s is a card serial, the second the card state
                    * it had, as the database keeps it, such as “active”. */
                   _("Card %s is no longer %s: another desk changed it; look it up again"),
                   serial, ci_card_state_to_string (from));
      return FALSE;
    }
  ci_card_set_state_changed_at (card, now);
  return TRUE;
}

void
_ci_store_pg_access_class_init (CiStoreClass *store_class)
{
  store_class->zone_insert = pg_zone_insert;
  store_class->zone_update = pg_zone_update;
  store_class->zone_get = pg_zone_get;
  store_class->zone_list = pg_zone_list;
  store_class->schedule_insert = pg_schedule_insert;
  store_class->schedule_get = pg_schedule_get;
  store_class->schedule_list = pg_schedule_list;
  store_class->grant_insert = pg_grant_insert;
  store_class->grant_delete = pg_grant_delete;
  store_class->grant_list = pg_grant_list;
  store_class->card_insert = pg_card_insert;
  store_class->card_get = pg_card_get;
  store_class->card_list = pg_card_list;
  store_class->card_set_state = pg_card_set_state;
  store_class->card_set_face_code = pg_card_set_face_code;
}
