/* ci-store.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ci-store.h"
#include "ci-store-private.h"
#include "ci-store-pg.h"
#include "ci-store-sqlite.h"

#include <string.h>

G_DEFINE_QUARK (ci-store-error-quark, ci_store_error)

G_DEFINE_ABSTRACT_TYPE (CiStore, ci_store, G_TYPE_OBJECT)

static void
ci_store_class_init (CiStoreClass *klass)
{
}

static void
ci_store_init (CiStore *self)
{
}

/**
 * ci_store_location_is_postgresql:
 * @location: (nullable): where a store is, as ci_store_open() takes it
 *
 * Returns: whether @location names a PostgreSQL database (a `postgresql://`
 *   or `postgres://` URI, or a libpq `host=… dbname=…` string) rather than
 *   an SQLite file
 */
gboolean
ci_store_location_is_postgresql (const char *location)
{
  return location != NULL
         && (g_str_has_prefix (location, "postgresql://")
             || g_str_has_prefix (location, "postgres://")
             || strstr (location, "host=") != NULL
             || strstr (location, "dbname=") != NULL);
}

/**
 * ci_store_location_describe:
 * @location: (nullable): where a store is, as ci_store_open() takes it
 *
 * Returns: (transfer full): @location to show a person or write to a log:
 *   a PostgreSQL connection string without its password (a URI may hold
 *   one), a file as it is
 */
char *
ci_store_location_describe (const char *location)
{
  char *described;

  if (!ci_store_location_is_postgresql (location))
    return location ? g_strdup (location) : ci_store_sqlite_default_path ();
  described = ci_store_pg_describe (location);
  return described ? described : g_strdup ("postgresql://?");
}

/**
 * ci_store_open:
 * @location: (nullable): a PostgreSQL connection string (see
 *   ci_store_location_is_postgresql()) for a database several desks share,
 *   else the path of an SQLite file; %NULL for ci_store_sqlite_default_path()
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Opens the store at @location with the backend it names, creating the
 * schema or bringing it up to date.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
CiStore *
ci_store_open (const char  *location,
               GError     **error)
{
  if (ci_store_location_is_postgresql (location))
    return ci_store_pg_new (location, error);
  return ci_store_sqlite_new (location, error);
}

gboolean
ci_store_begin (CiStore *self,
                GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->begin (self, error);
}

/**
 * ci_store_begin_lazy:
 * @self: a store
 * @error: return location for a #CI_STORE_ERROR error
 *
 * Begins a transaction like ci_store_begin(), whose commit does not wait for
 * the disk: it is seen at once, and is durable once a later ordinary commit
 * on the same store has returned. A crash before that loses it whole, and
 * nothing committed after it survives without it. For a record that must
 * last only once something later happens, and which that later thing's own
 * durable commit can wait for.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_store_begin_lazy (CiStore *self,
                     GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->begin_lazy (self, error);
}

gboolean
ci_store_commit (CiStore *self,
                 GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->commit (self, error);
}

void
ci_store_rollback (CiStore *self)
{
  g_return_if_fail (CI_IS_STORE (self));

  CI_STORE_GET_CLASS (self)->rollback (self);
}

int
ci_store_schema_version (CiStore *self)
{
  g_return_val_if_fail (CI_IS_STORE (self), 0);

  return CI_STORE_GET_CLASS (self)->schema_version (self);
}

char       *
ci_store_get_setting (CiStore *self,
                      const char *key)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->get_setting (self, key);
}

gboolean
ci_store_set_setting (CiStore *self,
                      const char *key,
                      const char *value,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->set_setting (self, key, value, error);
}

gboolean
ci_store_employee_insert (CiStore *self,
                          CiEmployee *employee,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->employee_insert (self, employee, error);
}

gboolean
ci_store_employee_update (CiStore *self,
                          CiEmployee *employee,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->employee_update (self, employee, error);
}

CiEmployee *
ci_store_employee_get (CiStore  *self,
                            gint64    id,
                            GError  **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->employee_get (self, id, NULL, error);
}

CiEmployee *
ci_store_employee_get_by_number (CiStore     *self,
                                          const char  *number,
                                          GError     **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  return CI_STORE_GET_CLASS (self)->employee_get (self, 0, number, error);
}

GPtrArray  *
ci_store_employee_search (CiStore *self,
                          const char *query,
                          guint offset,
                          guint limit,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->employee_search (self, query, offset, limit, error);
}

gint64
ci_store_employee_count (CiStore *self,
                         GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), 0);

  return CI_STORE_GET_CLASS (self)->employee_count (self, error);
}

/**
 * ci_store_employee_match:
 * @self: a store
 * @query: (nullable): what ci_store_employee_search() takes: a name or
 *   employee-number prefix, "" or %NULL for everyone
 * @order: the order of the result
 * @error: return location for an error
 *
 * Finds every employee ci_store_employee_search() would find for @query, but
 * returns only their ids, so a list can hold 100,000 matches and load the rows
 * it shows with ci_store_employee_get_many().
 *
 * Returns: (transfer full) (element-type gint64): the ids of the matching
 *   employees in @order, or %NULL with @error set
 */
GArray *
ci_store_employee_match (CiStore          *self,
                         const char       *query,
                         CiEmployeeOrder   order,
                         GError          **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);
  g_return_val_if_fail ((guint) order <= CI_EMPLOYEE_ORDER_NUMBER_DESC, NULL);

  return CI_STORE_GET_CLASS (self)->employee_match (self, query, order, error);
}

/**
 * ci_store_employee_get_many:
 * @self: a store
 * @ids: (array length=n_ids) (nullable): employee ids
 * @n_ids: the number of @ids
 * @error: return location for an error
 *
 * Loads the employees with @ids, without their photos, as search results are.
 * An id no employee has (any more) is skipped, not an error.
 *
 * Returns: (transfer full) (element-type CiEmployee): the employees in the
 *   order of @ids, or %NULL with @error set
 */
GPtrArray *
ci_store_employee_get_many (CiStore       *self,
                            const gint64  *ids,
                            guint          n_ids,
                            GError       **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL || n_ids == 0, NULL);

  return CI_STORE_GET_CLASS (self)->employee_get_many (self, ids, n_ids, error);
}

gboolean
ci_store_zone_insert (CiStore *self,
                      CiZone *zone,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->zone_insert (self, zone, error);
}

gboolean
ci_store_zone_update (CiStore *self,
                      CiZone *zone,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->zone_update (self, zone, error);
}

CiZone *
ci_store_zone_get (CiStore  *self,
                        gint64    id,
                        GError  **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->zone_get (self, id, NULL, error);
}

CiZone *
ci_store_zone_get_by_code (CiStore     *self,
                                    const char  *code,
                                    GError     **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  return CI_STORE_GET_CLASS (self)->zone_get (self, 0, code, error);
}

GPtrArray  *
ci_store_zone_list (CiStore *self,
                    GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->zone_list (self, error);
}

gboolean
ci_store_schedule_insert (CiStore *self,
                          CiSchedule *schedule,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->schedule_insert (self, schedule, error);
}

CiSchedule *
ci_store_schedule_get (CiStore  *self,
                            gint64    id,
                            GError  **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->schedule_get (self, id, NULL, error);
}

CiSchedule *
ci_store_schedule_get_by_name (CiStore     *self,
                                        const char  *name,
                                        GError     **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return CI_STORE_GET_CLASS (self)->schedule_get (self, 0, name, error);
}

GPtrArray  *
ci_store_schedule_list (CiStore *self,
                        GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->schedule_list (self, error);
}

gboolean
ci_store_grant_insert (CiStore *self,
                       CiGrant *grant,
                       GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->grant_insert (self, grant, error);
}

gboolean
ci_store_grant_delete (CiStore *self,
                       gint64 id,
                       GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->grant_delete (self, id, error);
}

GPtrArray  *
ci_store_grant_list (CiStore *self,
                     gint64 employee_id,
                     gint64 zone_id,
                     GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->grant_list (self, employee_id, zone_id, error);
}

gboolean
ci_store_card_insert (CiStore *self,
                      CiCard *card,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->card_insert (self, card, error);
}

CiCard *
ci_store_card_get (CiStore *self,
                   gint64 serial,
                   GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->card_get (self, serial, error);
}

GPtrArray  *
ci_store_card_list (CiStore *self,
                    gint64 employee_id,
                    GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->card_list (self, employee_id, error);
}

gboolean
ci_store_card_set_state (CiStore *self,
                         CiCard *card,
                         CiCardState from,
                         GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->card_set_state (self, card, from, error);
}

/**
 * ci_store_card_set_face_code:
 * @self: a store
 * @card: a card whose face code (ci_card_get_face_code()) was set
 * @error: return location for an error
 *
 * Saves what the QR code on @card's face says.
 *
 * Returns: %TRUE on success
 */
gboolean
ci_store_card_set_face_code (CiStore  *self,
                             CiCard   *card,
                             GError  **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);
  g_return_val_if_fail (CI_IS_CARD (card), FALSE);

  return CI_STORE_GET_CLASS (self)->card_set_face_code (self, card, error);
}

gboolean
ci_store_operator_insert (CiStore *self,
                          CiOperator *op,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->operator_insert (self, op, error);
}

gboolean
ci_store_operator_update (CiStore *self,
                          CiOperator *op,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->operator_update (self, op, error);
}

CiOperator *
ci_store_operator_get (CiStore *self,
                       const char *login,
                       GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->operator_get (self, login, error);
}

GPtrArray  *
ci_store_operator_list (CiStore *self,
                        GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->operator_list (self, error);
}

gboolean
ci_store_policy_load (CiStore *self,
                      CiPolicy *policy,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->policy_load (self, policy, error);
}

gboolean
ci_store_policy_save (CiStore *self,
                      CiRole role,
                      CiAction action,
                      CiScope scope,
                      GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->policy_save (self, role, action, scope, error);
}

gboolean
ci_store_audit_head (CiStore *self,
                     gint64 *seq,
                     guint8 hash[CI_AUDIT_HASH_LEN],
                     GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->audit_head (self, seq, hash, error);
}

gboolean
ci_store_audit_append (CiStore *self,
                       const CiAuditEntry *entry,
                       GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->audit_append (self, entry, error);
}

gboolean
ci_store_audit_foreach (CiStore *self,
                        const CiAuditFilter *filter,
                        CiAuditFunc func,
                        gpointer user_data,
                        GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->audit_foreach (self, filter, func, user_data, error);
}

gboolean
ci_store_audit_find_hash (CiStore *self,
                          const guint8 hash[CI_AUDIT_HASH_LEN],
                          gint64 *seq,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->audit_find_hash (self, hash, seq, error);
}

gboolean
ci_store_checkpoint_insert (CiStore *self,
                            CiAuditCheckpoint *checkpoint,
                            GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), FALSE);

  return CI_STORE_GET_CLASS (self)->checkpoint_insert (self, checkpoint, error);
}

GPtrArray  *
ci_store_checkpoint_list (CiStore *self,
                          GError **error)
{
  g_return_val_if_fail (CI_IS_STORE (self), NULL);

  return CI_STORE_GET_CLASS (self)->checkpoint_list (self, error);
}

/* ─── shared by the backends ─────────────────────────────────────────────── */

void
_ci_search_hit_clear (gpointer data)
{
  CiSearchHit *hit = data;

  g_clear_object (&hit->employee);
  g_free (hit->key);
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const CiSearchHit *x = a, *y = b;
  int c = strcmp (x->key, y->key);

  if (c != 0)
    return c;
  return ci_employee_get_id (x->employee) < ci_employee_get_id (y->employee) ? -1
         : ci_employee_get_id (x->employee) > ci_employee_get_id (y->employee);
}

/* The branches' hits in key order, each employee once, @offset skipped and
 * at most @limit (0: all) kept. */
GPtrArray *
_ci_search_merge_hits (GArray *hits,
                       guint   offset,
                       guint   limit)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  guint skipped = 0;

  g_array_sort (hits, compare_hits);
  for (guint i = 0; i < hits->len && (limit == 0 || result->len < limit); i++)
    {
      CiSearchHit *hit = &g_array_index (hits, CiSearchHit, i);
      gint64 id = ci_employee_get_id (hit->employee);

      if (g_hash_table_contains (seen, &id))
        continue;
      g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
      if (skipped++ < offset)
        continue;
      g_ptr_array_add (result, g_object_ref (hit->employee));
    }
  return result;
}

/* The words of @query's search key; runs of blanks leave no empty words. */
GPtrArray *
_ci_search_words (const char *query)
{
  g_autofree char *key = ci_search_key (query);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (key), " \t", -1);
  GPtrArray *w = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; words[i]; i++)
    if (words[i][0])
      g_ptr_array_add (w, g_strdup (words[i]));
  return w;
}

/* The upper bound of a prefix range: the prefix followed by U+10FFFF. */
char *
_ci_search_prefix_end (const char *prefix)
{
  return g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);
}

/* "%text%" for LIKE, with LIKE's own wildcards in @text taken literally
 * (with ESCAPE '\\'). */
char *
_ci_like_pattern (const char *text)
{
  GString *p = g_string_new ("%");

  for (const char *c = text; *c; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (p, '\\');
      g_string_append_c (p, *c);
    }
  g_string_append_c (p, '%');
  return g_string_free (p, FALSE);
}
