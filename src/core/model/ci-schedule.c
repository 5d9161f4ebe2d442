/* ci-schedule.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ci-schedule.h"
#include "ci-model.h"

#include <stdio.h>
#include <string.h>

/* A schedule is a list of rules "mon-fri 07:00-19:00; sat 08:00-12:00": a set of
 * weekdays and a time range each, read in the site's time zone. */

struct _CiSchedule
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *rules;
};

G_DEFINE_FINAL_TYPE (CiSchedule, ci_schedule, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_RULES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ci_schedule_finalize (GObject *object)
{
  CiSchedule *self = (CiSchedule *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->rules, g_free);

  G_OBJECT_CLASS (ci_schedule_parent_class)->finalize (object);
}

static void
ci_schedule_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CiSchedule *self = CI_SCHEDULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_RULES:
      g_value_set_string (value, self->rules);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_schedule_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CiSchedule *self = CI_SCHEDULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      ci_schedule_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_NAME:
      ci_schedule_set_name (self, g_value_get_string (value));
      break;
    case PROP_RULES:
      ci_schedule_set_rules (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ci_schedule_class_init (CiScheduleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ci_schedule_finalize;
  object_class->get_property = ci_schedule_get_property;
  object_class->set_property = ci_schedule_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_RULES] =
    g_param_spec_string ("rules", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ci_schedule_init (CiSchedule *self)
{
}

CiSchedule *
ci_schedule_new (void)
{
  return g_object_new (CI_TYPE_SCHEDULE, NULL);
}

/**
 * ci_schedule_copy:
 * @self: a #CiSchedule
 *
 * Returns: (transfer full): a detached copy
 */
CiSchedule *
ci_schedule_copy (CiSchedule *self)
{
  CiSchedule *copy;

  g_return_val_if_fail (CI_IS_SCHEDULE (self), NULL);

  copy = ci_schedule_new ();
  copy->id = self->id;
  copy->name = g_strdup (self->name);
  copy->rules = g_strdup (self->rules);
  return copy;
}

gint64
ci_schedule_get_id (CiSchedule *self)
{
  g_return_val_if_fail (CI_IS_SCHEDULE (self), 0);
  return self->id;
}

void
ci_schedule_set_id (CiSchedule *self,
                    gint64 id)
{
  g_return_if_fail (CI_IS_SCHEDULE (self));
  if (self->id == id)
    return;
  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
ci_schedule_get_name (CiSchedule *self)
{
  g_return_val_if_fail (CI_IS_SCHEDULE (self), 0);
  return self->name;
}

void
ci_schedule_set_name (CiSchedule *self,
                      const char *name)
{
  g_return_if_fail (CI_IS_SCHEDULE (self));
  if (ci_set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
ci_schedule_get_rules (CiSchedule *self)
{
  g_return_val_if_fail (CI_IS_SCHEDULE (self), 0);
  return self->rules;
}

void
ci_schedule_set_rules (CiSchedule *self,
                       const char *rules)
{
  g_return_if_fail (CI_IS_SCHEDULE (self));
  if (ci_set_str (&self->rules, rules))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RULES]);
}


static const char * const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
parse_day (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
    if (g_ascii_strcasecmp (text, day_names[i]) == 0)
      return (int) i;
  return -1;
}

static gboolean
parse_days (const char *text,
            guint8     *mask)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  *mask = 0;
  for (guint i = 0; parts[i]; i++)
    {
      g_auto(GStrv) range = g_strsplit (parts[i], "-", 2);
      int a = parse_day (range[0]);
      int b = range[1] ? parse_day (range[1]) : a;
      if (a < 0 || b < 0 || b < a)
        return FALSE;
      for (int d = a; d <= b; d++)
        *mask |= 1u << d;
    }
  return *mask != 0;
}

static gboolean
parse_time (const char *text,
            guint16    *minutes)
{
  guint h, m;
  char tail;

  if (strlen (text) != 5 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1])
      || text[2] != ':' || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4])
      || sscanf (text, "%2u:%2u%c", &h, &m, &tail) != 2)
    return FALSE;
  if (m > 59 || h > 24 || (h == 24 && m != 0))
    return FALSE;
  *minutes = (guint16) (h * 60 + m);
  return TRUE;
}

static gboolean
parse_rule (const char  *rule,
            CiTimeRange *out)
{
  g_auto(GStrv) words = g_strsplit_set (rule, " \t", -1);
  g_auto(GStrv) times = NULL;
  GPtrArray *w = g_ptr_array_new ();
  gboolean ok;

  for (guint i = 0; words[i]; i++)
    if (words[i][0])
      g_ptr_array_add (w, words[i]);
  ok = w->len == 2 && parse_days (w->pdata[0], &out->weekdays);
  if (ok)
    {
      times = g_strsplit (w->pdata[1], "-", 2);
      ok = times[1] != NULL && parse_time (times[0], &out->start_min)
           && parse_time (times[1], &out->end_min) && out->start_min < out->end_min;
    }
  g_ptr_array_unref (w);
  return ok;
}

/**
 * ci_schedule_rules_parse:
 * @rules: rules such as "mon-fri 07:00-19:00; sat 08:00-12:00"
 * @ranges: (out) (optional) (element-type CiTimeRange): the parsed ranges
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Returns: %TRUE if every rule is a weekday set and a time range
 */
gboolean
ci_schedule_rules_parse (const char  *rules,
                         GArray     **ranges,
                         GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (rules ? rules : "", ";", -1);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (CiTimeRange));

  for (guint i = 0; parts[i]; i++)
    {
      CiTimeRange r;
      g_strstrip (parts[i]);
      if (parts[i][0] == '\0')
        continue;
      if (!parse_rule (parts[i], &r))
        {
          g_set_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                       _("Schedule rule “%s” is not like “mon-fri 07:00-19:00”"),
                       ci_shown_value (parts[i]));
          return FALSE;
        }
      g_array_append_val (out, r);
    }
  if (out->len == 0)
    {
      g_set_error_literal (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD,
                           _("A schedule needs at least one rule, like “mon-fri 07:00-19:00”"));
      return FALSE;
    }
  if (ranges)
    *ranges = g_steal_pointer (&out);
  return TRUE;
}

/**
 * ci_schedule_validate:
 * @self: a #CiSchedule
 * @error: return location for a #CI_MODEL_ERROR_INVALID_FIELD error
 *
 * Returns: %TRUE if name and rules are acceptable
 */
gboolean
ci_schedule_validate (CiSchedule  *self,
                      GError     **error)
{
  g_return_val_if_fail (CI_IS_SCHEDULE (self), FALSE);

  /* Translators: a field's name, for messages such as “Schedule name is required”. */
  return ci_check_text (_("Schedule name"), self->name, TRUE, CI_TEXT_MAX_CHARS, error)
         && ci_schedule_rules_parse (self->rules, NULL, error);
}

/**
 * ci_schedule_allows:
 * @self: a #CiSchedule
 * @local_time: a time in the site's time zone
 *
 * Returns: %TRUE if @local_time falls in one of the schedule's ranges
 */
gboolean
ci_schedule_allows (CiSchedule *self,
                    GDateTime  *local_time)
{
  g_autoptr(GArray) ranges = NULL;
  guint day, minute;

  g_return_val_if_fail (CI_IS_SCHEDULE (self), FALSE);
  g_return_val_if_fail (local_time != NULL, FALSE);

  if (!ci_schedule_rules_parse (self->rules, &ranges, NULL))
    return FALSE;
  day = (guint) g_date_time_get_day_of_week (local_time) - 1;
  minute = (guint) (g_date_time_get_hour (local_time) * 60 + g_date_time_get_minute (local_time));
  for (guint i = 0; i < ranges->len; i++)
    {
      const CiTimeRange *r = &g_array_index (ranges, CiTimeRange, i);
      if ((r->weekdays & (1u << day)) && minute >= r->start_min && minute < r->end_min)
        return TRUE;
    }
  return FALSE;
}
