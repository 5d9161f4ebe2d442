/* ci-store-sqlite-access.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-store-sqlite-private.h"
#include "model/ci-model.h"

#include <string.h>

/* Zones, schedules, grants and cards. */

/* ─── zones, schedules, grants ──────────────────────────────────────────── */

#define ZONE_COLUMNS "id, parent_id, kind, code, name, security_level, hr_may_grant, time_zone"

static CiZone *
zone_from_row (sqlite3_stmt *s)
{
  CiZone *z = ci_zone_new ();
  g_autofree char *code = _ci_sqlite_col_text (s, 3), *name = _ci_sqlite_col_text (s, 4);
  g_autofree char *tz = _ci_sqlite_col_text (s, 7);

  ci_zone_set_id (z, sqlite3_column_int64 (s, 0));
  ci_zone_set_parent_id (z, sqlite3_column_int64 (s, 1));
  ci_zone_set_kind (z, sqlite3_column_int (s, 2));
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, name);
  ci_zone_set_security_level (z, sqlite3_column_int (s, 5));
  ci_zone_set_hr_may_grant (z, sqlite3_column_int (s, 6) != 0);
  ci_zone_set_time_zone (z, tz);
  return z;
}

static void
bind_zone (sqlite3_stmt *s,
           CiZone       *z)
{
  if (ci_zone_get_parent_id (z) > 0)
    sqlite3_bind_int64 (s, 1, ci_zone_get_parent_id (z));
  sqlite3_bind_int (s, 2, ci_zone_get_kind (z));
  _ci_sqlite_bind_text (s, 3, ci_zone_get_code (z));
  _ci_sqlite_bind_text (s, 4, ci_zone_get_name (z));
  sqlite3_bind_int (s, 5, ci_zone_get_security_level (z));
  sqlite3_bind_int (s, 6, ci_zone_get_hr_may_grant (z));
  _ci_sqlite_bind_text (s, 7, ci_zone_get_time_zone (z));
}

static gboolean
sqlite_zone_insert (CiStore  *store,
                    CiZone   *zone,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO zone (parent_id, kind, code, name, security_level, "
                             "hr_may_grant, time_zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       error);
  g_autofree char *taken = NULL;
  gint64 id;

  if (s == NULL)
    return FALSE;
  bind_zone (s, zone);
  taken = g_strdup_printf (_("Zone code %s is already taken"), ci_zone_get_code (zone));
  if (!(id = _ci_sqlite_insert (self, s, taken, error)))
    return FALSE;
  ci_zone_set_id (zone, id);
  return TRUE;
}

static gboolean
sqlite_zone_update (CiStore  *store,
                    CiZone   *zone,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "UPDATE zone SET parent_id = ?1, kind = ?2, code = ?3, name = ?4, "
                             "security_level = ?5, hr_may_grant = ?6, time_zone = ?7 "
                             "WHERE id = ?8", error);

  if (s == NULL)
    return FALSE;
  bind_zone (s, zone);
  sqlite3_bind_int64 (s, 8, ci_zone_get_id (zone));
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return _ci_sqlite_not_found (error, _("No zone “%s”"), ci_zone_get_code (zone));
  return TRUE;
}

static CiZone *
sqlite_zone_get (CiStore     *store,
                 gint64       id,
                 const char  *code,
                 GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = code
    ? _ci_sqlite_stmt (self, "SELECT " ZONE_COLUMNS " FROM zone WHERE code = ?", error)
    : _ci_sqlite_stmt (self, "SELECT " ZONE_COLUMNS " FROM zone WHERE id = ?", error);
  g_autofree char *key = code ? g_strdup (code) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  g_autofree char *missing = g_strdup_printf (_("No zone “%s”"), key);

  if (s == NULL)
    return NULL;
  if (code)
    _ci_sqlite_bind_text (s, 1, code);
  else
    sqlite3_bind_int64 (s, 1, id);
  return _ci_sqlite_get_one (self, s, (CiRowFunc) zone_from_row, missing, error);
}

static GPtrArray *
sqlite_zone_list (CiStore  *store,
                  GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  /* Parents before children: a depth-first walk of the hierarchy. The path
   * separator char(1) sorts before every character a code may hold, so "HQ"'s
   * children come before the sibling "HQ-2". */
  sqlite3_stmt *s = _ci_sqlite_stmt (self,
    "WITH RECURSIVE tree (id, path) AS ("
    "  SELECT id, code FROM zone WHERE parent_id IS NULL"
    "  UNION ALL SELECT z.id, tree.path || char(1) || z.code FROM zone z JOIN tree"
    "  ON z.parent_id = tree.id) "
    "SELECT " ZONE_COLUMNS " FROM zone JOIN tree USING (id) ORDER BY tree.path", error);

  return s ? _ci_sqlite_collect (self, s, (CiRowFunc) zone_from_row, error) : NULL;
}

static CiSchedule *
schedule_from_row (sqlite3_stmt *s)
{
  CiSchedule *sc = ci_schedule_new ();
  g_autofree char *name = _ci_sqlite_col_text (s, 1), *rules = _ci_sqlite_col_text (s, 2);

  ci_schedule_set_id (sc, sqlite3_column_int64 (s, 0));
  ci_schedule_set_name (sc, name);
  ci_schedule_set_rules (sc, rules);
  return sc;
}

static gboolean
sqlite_schedule_insert (CiStore     *store,
                        CiSchedule  *schedule,
                        GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO schedule (name, rules) VALUES (?, ?)", error);
  g_autofree char *taken = NULL;
  gint64 id;

  if (s == NULL)
    return FALSE;
  _ci_sqlite_bind_text (s, 1, ci_schedule_get_name (schedule));
  _ci_sqlite_bind_text (s, 2, ci_schedule_get_rules (schedule));
  taken = g_strdup_printf (_("A schedule named “%s” exists already"),
                           ci_schedule_get_name (schedule));
  if (!(id = _ci_sqlite_insert (self, s, taken, error)))
    return FALSE;
  ci_schedule_set_id (schedule, id);
  return TRUE;
}

static CiSchedule *
sqlite_schedule_get (CiStore     *store,
                     gint64       id,
                     const char  *name,
                     GError     **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = name
    ? _ci_sqlite_stmt (self, "SELECT id, name, rules FROM schedule WHERE name = ?", error)
    : _ci_sqlite_stmt (self, "SELECT id, name, rules FROM schedule WHERE id = ?", error);
  g_autofree char *key = name ? g_strdup (name) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  g_autofree char *missing = g_strdup_printf (_("No schedule “%s”"), key);

  if (s == NULL)
    return NULL;
  if (name)
    _ci_sqlite_bind_text (s, 1, name);
  else
    sqlite3_bind_int64 (s, 1, id);
  return _ci_sqlite_get_one (self, s, (CiRowFunc) schedule_from_row, missing, error);
}

static GPtrArray *
sqlite_schedule_list (CiStore  *store,
                      GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT id, name, rules FROM schedule ORDER BY name", error);

  return s ? _ci_sqlite_collect (self, s, (CiRowFunc) schedule_from_row, error) : NULL;
}

static CiGrant *
grant_from_row (sqlite3_stmt *s)
{
  CiGrant *g = ci_grant_new ();
  g_autofree char *expires = _ci_sqlite_col_text (s, 4), *by = _ci_sqlite_col_text (s, 5);

  ci_grant_set_id (g, sqlite3_column_int64 (s, 0));
  ci_grant_set_employee_id (g, sqlite3_column_int64 (s, 1));
  ci_grant_set_zone_id (g, sqlite3_column_int64 (s, 2));
  ci_grant_set_schedule_id (g, sqlite3_column_int64 (s, 3));
  ci_grant_set_expires (g, expires);
  ci_grant_set_granted_by (g, by);
  ci_grant_set_granted_at (g, sqlite3_column_int64 (s, 6));
  return g;
}

static gboolean
sqlite_grant_insert (CiStore  *store,
                     CiGrant  *grant,
                     GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "INSERT INTO zone_grant (employee_id, zone_id, schedule_id, "
                             "expires, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)",
                       error);
  g_autofree char *taken = NULL;
  gint64 id;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, ci_grant_get_employee_id (grant));
  sqlite3_bind_int64 (s, 2, ci_grant_get_zone_id (grant));
  if (ci_grant_get_schedule_id (grant) > 0)
    sqlite3_bind_int64 (s, 3, ci_grant_get_schedule_id (grant));
  _ci_sqlite_bind_text (s, 4, ci_grant_get_expires (grant));
  _ci_sqlite_bind_text (s, 5, ci_grant_get_granted_by (grant));
  sqlite3_bind_int64 (s, 6, ci_grant_get_granted_at (grant));
  taken = g_strdup (_("The employee has access to that zone already; withdraw it first to change "
                      "schedule or expiry"));
  if (!(id = _ci_sqlite_insert (self, s, taken, error)))
    return FALSE;
  ci_grant_set_id (grant, id);
  return TRUE;
}

static gboolean
sqlite_grant_delete (CiStore  *store,
                     gint64    id,
                     GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "DELETE FROM zone_grant WHERE id = ?", error);
  g_autofree char *key = g_strdup_printf ("#%" G_GINT64_FORMAT, id);

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, id);
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  return sqlite3_changes (self->db) > 0 || _ci_sqlite_not_found (error, _("No grant “%s”"), key);
}

static GPtrArray *
sqlite_grant_list (CiStore  *store,
                   gint64    employee_id,
                   gint64    zone_id,
                   GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT id, employee_id, zone_id, schedule_id, expires, granted_by,"
                             " granted_at FROM zone_grant"
                             " WHERE (?1 = 0 OR employee_id = ?1) AND (?2 = 0 OR zone_id = ?2)"
                             " ORDER BY employee_id, zone_id", error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, employee_id);
  sqlite3_bind_int64 (s, 2, zone_id);
  return _ci_sqlite_collect (self, s, (CiRowFunc) grant_from_row, error);
}
/* ─── cards ─────────────────────────────────────────────────────────────── */

#define CARD_COLUMNS \
  "serial, employee_id, sequence, state, state_changed_at, created_at, valid_until, reason, " \
  "replaces, face_code, desk"

static CiCard *
card_from_row (sqlite3_stmt *s)
{
  CiCard *c = ci_card_new ();
  g_autofree char *until = _ci_sqlite_col_text (s, 6), *reason = _ci_sqlite_col_text (s, 7);
  g_autofree char *face_code = _ci_sqlite_col_text (s, 9), *desk = _ci_sqlite_col_text (s, 10);

  ci_card_set_serial (c, sqlite3_column_int64 (s, 0));
  ci_card_set_employee_id (c, sqlite3_column_int64 (s, 1));
  ci_card_set_sequence (c, sqlite3_column_int (s, 2));
  ci_card_set_state (c, sqlite3_column_int (s, 3));
  ci_card_set_state_changed_at (c, sqlite3_column_int64 (s, 4));
  ci_card_set_created_at (c, sqlite3_column_int64 (s, 5));
  ci_card_set_valid_until (c, until);
  ci_card_set_reason (c, reason);
  ci_card_set_replaces (c, sqlite3_column_int64 (s, 8));
  ci_card_set_face_code (c, face_code);
  ci_card_set_desk (c, desk);
  return c;
}

/* The serial comes from AUTOINCREMENT, which never hands out a number twice,
 * even after the newest card row is deleted. */
static gboolean
sqlite_card_insert (CiStore  *store,
                    CiCard   *card,
                    GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self,
    "INSERT INTO card (employee_id, sequence, state, state_changed_at, created_at, valid_until,"
    " reason, replaces, desk) SELECT ?1, COALESCE(MAX(sequence), 0) + 1, ?2, ?3, ?3, ?4, ?5, ?6,"
    " ?7"
    " FROM card WHERE employee_id = ?1 RETURNING serial, sequence", error);
  gint64 now = g_get_real_time ();
  int rc;

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, ci_card_get_employee_id (card));
  sqlite3_bind_int (s, 2, ci_card_get_state (card));
  sqlite3_bind_int64 (s, 3, now);
  _ci_sqlite_bind_text (s, 4, ci_card_get_valid_until (card));
  _ci_sqlite_bind_text (s, 5, ci_card_get_reason (card));
  if (ci_card_get_replaces (card) > 0)
    sqlite3_bind_int64 (s, 6, ci_card_get_replaces (card));
  sqlite3_bind_text (s, 7, ci_card_get_desk (card) ? ci_card_get_desk (card) : "", -1,
                     SQLITE_TRANSIENT);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      ci_card_set_serial (card, sqlite3_column_int64 (s, 0));
      ci_card_set_sequence (card, sqlite3_column_int (s, 1));
      rc = sqlite3_step (s);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _ci_sqlite_error (self, rc, error);
  ci_card_set_created_at (card, now);
  ci_card_set_state_changed_at (card, now);
  return TRUE;
}

static CiCard *
sqlite_card_get (CiStore  *store,
                 gint64    serial,
                 GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "SELECT " CARD_COLUMNS " FROM card WHERE serial = ?", error);
  g_autofree char *key = ci_card_format_serial (serial);
  g_autofree char *missing = g_strdup_printf (_("No card “%s”"), key);

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, serial);
  return _ci_sqlite_get_one (self, s, (CiRowFunc) card_from_row, missing, error);
}

static GPtrArray *
sqlite_card_list (CiStore  *store,
                  gint64    employee_id,
                  GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "SELECT " CARD_COLUMNS " FROM card"
                                " WHERE ?1 = 0 OR employee_id = ?1 ORDER BY serial", error);

  if (s == NULL)
    return NULL;
  sqlite3_bind_int64 (s, 1, employee_id);
  return _ci_sqlite_collect (self, s, (CiRowFunc) card_from_row, error);
}

static gboolean
sqlite_card_set_face_code (CiStore  *store,
                           CiCard   *card,
                           GError  **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s = _ci_sqlite_stmt (self, "UPDATE card SET face_code = ?1 WHERE serial = ?2",
                                     error);

  if (s == NULL)
    return FALSE;
  _ci_sqlite_bind_text (s, 1, ci_card_get_face_code (card) ? ci_card_get_face_code (card) : "");
  sqlite3_bind_int64 (s, 2, ci_card_get_serial (card));
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
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
sqlite_card_set_state (CiStore      *store,
                       CiCard       *card,
                       CiCardState   from,
                       GError      **error)
{
  CiStoreSqlite *self = STORE (store);
  LOCK (self);
  sqlite3_stmt *s =
      _ci_sqlite_stmt (self, "UPDATE card SET state = ?1, state_changed_at = ?2, reason = ?3,"
                             " desk = ?6 WHERE serial = ?4 AND state = ?5", error);
  gint64 now = g_get_real_time ();

  if (s == NULL)
    return FALSE;
  sqlite3_bind_int (s, 1, ci_card_get_state (card));
  sqlite3_bind_int64 (s, 2, now);
  _ci_sqlite_bind_text (s, 3, ci_card_get_reason (card));
  sqlite3_bind_int64 (s, 4, ci_card_get_serial (card));
  sqlite3_bind_int (s, 5, from);
  sqlite3_bind_text (s, 6, ci_card_get_desk (card) ? ci_card_get_desk (card) : "", -1,
                     SQLITE_TRANSIENT);
  if (!_ci_sqlite_step_done (self, s, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
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
_ci_store_sqlite_access_class_init (CiStoreClass *store_class)
{
  store_class->zone_insert = sqlite_zone_insert;
  store_class->zone_update = sqlite_zone_update;
  store_class->zone_get = sqlite_zone_get;
  store_class->zone_list = sqlite_zone_list;
  store_class->schedule_insert = sqlite_schedule_insert;
  store_class->schedule_get = sqlite_schedule_get;
  store_class->schedule_list = sqlite_schedule_list;
  store_class->grant_insert = sqlite_grant_insert;
  store_class->grant_delete = sqlite_grant_delete;
  store_class->grant_list = sqlite_grant_list;
  store_class->card_insert = sqlite_card_insert;
  store_class->card_get = sqlite_card_get;
  store_class->card_list = sqlite_card_list;
  store_class->card_set_state = sqlite_card_set_state;
  store_class->card_set_face_code = sqlite_card_set_face_code;
}
