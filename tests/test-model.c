/* test-model.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "model/ci-card.h"
#include "model/ci-employee.h"
#include "model/ci-model.h"
#include "model/ci-operator.h"
#include "model/ci-role.h"
#include "model/ci-schedule.h"
#include "model/ci-zone.h"

#include <string.h>

/* ---- helpers --------------------------------------------------------- */

static void
assert_invalid_field (GError     *error,
                      const char *needle)
{
  g_assert_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_INVALID_FIELD);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
}

static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static GBytes *
fake_image (const guint8 *magic,
            gsize         magic_len,
            gsize         total)
{
  guint8 *buf = g_malloc0 (total);

  memcpy (buf, magic, MIN (magic_len, total));
  return g_bytes_new_take (buf, total);
}

static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff, 0xe0 };
static const guint8 gif_magic[] = { 'G', 'I', 'F', '8', '9', 'a' };

/* ---- dates and text ---------------------------------------------------- */

static void
test_date_is_valid (void)
{
  static const char * const good[] = {
    "2026-01-01", "1900-01-01", "2024-02-29", "2000-02-29", "2026-12-31", "2026-04-30",
  };
  static const char * const bad[] = {
    "2023-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
    "2026-01-00", "2026-01-32", "1899-12-31", "2026-1-01", "2026-01-1", "26-01-01",
    "2026/01/01", "20260101", "2026-01-01T00:00", "2026-01-01 ", " 2026-01-1", "+026-01-01",
    "2026-0a-01", "", "tomorrow",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    if (!ci_date_is_valid (good[i]))
      g_error ("“%s” should be a valid date", good[i]);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (ci_date_is_valid (bad[i]))
      g_error ("“%s” should not be a valid date", bad[i]);
  g_assert_false (ci_date_is_valid (NULL));
}

static void
test_date_today (void)
{
  g_autofree char *today = ci_date_today ();

  g_assert_true (ci_date_is_valid (today));
}

static void
test_check_text (void)
{
  g_autofree char *hundred = repeat ("é", CI_NAME_MAX_CHARS);
  g_autofree char *hundred_one = repeat ("a", CI_NAME_MAX_CHARS + 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_check_text ("Given name", "Anna", TRUE, CI_NAME_MAX_CHARS, &error));
  g_assert_no_error (error);
  /* The limit counts characters, not bytes: 100 "é" are 200 bytes. */
  g_assert_true (ci_check_text ("Given name", hundred, TRUE, CI_NAME_MAX_CHARS, &error));
  g_assert_no_error (error);
  g_assert_true (ci_check_text ("Department", NULL, FALSE, CI_TEXT_MAX_CHARS, &error));
  g_assert_true (ci_check_text ("Department", "", FALSE, CI_TEXT_MAX_CHARS, &error));
  g_assert_no_error (error);

  g_assert_false (ci_check_text ("Given name", NULL, TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "Given name is required");
  g_clear_error (&error);
  g_assert_false (ci_check_text ("Given name", "", TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "Given name is required");
  g_clear_error (&error);

  g_assert_false (ci_check_text ("Family name", hundred_one, TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "Family name is longer than 100 characters");
  g_clear_error (&error);

  g_assert_false (ci_check_text ("Family name", "Mül\nler", TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "control character");
  g_clear_error (&error);
  g_assert_false (ci_check_text ("Family name", "Tab\there", TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "control character");
  g_clear_error (&error);
  /* U+0085, a C1 control, written as valid UTF-8 */
  g_assert_false (ci_check_text ("Family name", "a\xc2\x85" "b", TRUE, CI_NAME_MAX_CHARS,
                                 &error));
  assert_invalid_field (error, "control character");
  g_clear_error (&error);

  g_assert_false (ci_check_text ("Family name", "M\xfcller", TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "Family name is not valid UTF-8");
  g_clear_error (&error);
  g_assert_false (ci_check_text ("Family name", "\xc3", TRUE, CI_NAME_MAX_CHARS, &error));
  assert_invalid_field (error, "not valid UTF-8");
}

static void
test_search_key (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Müller", "muller" },
    { "Muller", "muller" },
    { "ÉLODIE", "elodie" },
    { "élodie", "elodie" },
    { "Ångström", "angstrom" },
    { "Straße", "strasse" },
    { "Иванов", "иванов" },
    { "ИВАНОВ", "иванов" },
    { "Ελένη", "ελενη" },
    { "ΕΛΈΝΗ", "ελενη" },
    { "E-100/7", "e-100/7" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = ci_search_key (cases[i].in);
      g_assert_cmpstr (key, ==, cases[i].out);
    }
  {
    g_autofree char *key = ci_search_key (NULL);
    g_assert_cmpstr (key, ==, "");
  }
  {
    /* The query and the stored name fold to the same key, so a prefix matches. */
    g_autofree char *query = ci_search_key ("MÜL");
    g_autofree char *name = ci_search_key ("Müller-Lüdenscheidt");
    g_assert_true (g_str_has_prefix (name, query));
  }
}

static void
test_json_member (void)
{
  g_autoptr(GString) s = g_string_new ("{");

  ci_json_append_member (s, "a", "say \"hi\"\\\n");
  ci_json_append_member (s, "b", NULL);
  g_string_append_c (s, '}');
  g_assert_cmpstr (s->str, ==, "{\"a\":\"say \\\"hi\\\"\\\\\\u000a\",\"b\":\"\"}");
}

/* ---- employees ----------------------------------------------------------- */

static CiEmployee *
valid_employee (void)
{
  CiEmployee *e = ci_employee_new ();

  ci_employee_set_number (e, "E-1001");
  ci_employee_set_given_name (e, "Anna");
  ci_employee_set_family_name (e, "Müller");
  ci_employee_set_department (e, "Finance");
  ci_employee_set_job_title (e, "Controller");
  ci_employee_set_email (e, "anna.mueller@example.com");
  ci_employee_set_valid_from (e, "2026-01-01");
  ci_employee_set_valid_until (e, "2027-12-31");
  return e;
}

static void
assert_employee_valid (CiEmployee *e)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ci_employee_validate (e, &error));
  g_assert_no_error (error);
}

static void
assert_employee_invalid (CiEmployee *e,
                         const char *needle)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ci_employee_validate (e, &error));
  assert_invalid_field (error, needle);
}

static void
test_employee_valid (void)
{
  CiEmployee *e = valid_employee ();

  assert_employee_valid (e);
  /* Optional fields may be missing. */
  ci_employee_set_department (e, NULL);
  ci_employee_set_job_title (e, NULL);
  ci_employee_set_email (e, NULL);
  assert_employee_valid (e);
  ci_employee_set_email (e, "");
  assert_employee_valid (e);
  g_assert_finalize_object (e);
}

static void
test_employee_number (void)
{
  static const char * const good[] = { "E-1001", "a_b.c/d", "0", "ABCdef123" };
  static const char * const bad[] = { "E 1001", "E#1", "Ä1", "1,2", "x\ty", "E@1" };
  CiEmployee *e = valid_employee ();
  g_autofree char *max = repeat ("9", CI_EMPLOYEE_NUMBER_MAX);
  g_autofree char *too_long = repeat ("9", CI_EMPLOYEE_NUMBER_MAX + 1);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      ci_employee_set_number (e, good[i]);
      assert_employee_valid (e);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ci_employee_set_number (e, bad[i]);
      assert_employee_invalid (e, "Employee number");
    }
  ci_employee_set_number (e, max);
  assert_employee_valid (e);
  ci_employee_set_number (e, too_long);
  assert_employee_invalid (e, "longer than 32");
  ci_employee_set_number (e, "");
  assert_employee_invalid (e, "Employee number is required");
  ci_employee_set_number (e, NULL);
  assert_employee_invalid (e, "Employee number is required");
  /* Invalid UTF-8 must not reach the message. */
  ci_employee_set_number (e, "E\xff");
  assert_employee_invalid (e, "“?”");
  g_assert_finalize_object (e);
}

static void
test_employee_names (void)
{
  CiEmployee *e = valid_employee ();
  g_autofree char *hundred = repeat ("ß", CI_NAME_MAX_CHARS);
  g_autofree char *too_long = repeat ("x", CI_NAME_MAX_CHARS + 1);
  g_autofree char *long_text = repeat ("x", CI_TEXT_MAX_CHARS + 1);

  ci_employee_set_given_name (e, NULL);
  assert_employee_invalid (e, "Given name is required");
  ci_employee_set_given_name (e, too_long);
  assert_employee_invalid (e, "Given name is longer than 100");
  ci_employee_set_given_name (e, hundred);
  assert_employee_valid (e);
  ci_employee_set_given_name (e, "An\x01na");
  assert_employee_invalid (e, "Given name contains a control character");
  ci_employee_set_given_name (e, "Anna");

  ci_employee_set_family_name (e, "");
  assert_employee_invalid (e, "Family name is required");
  ci_employee_set_family_name (e, too_long);
  assert_employee_invalid (e, "Family name is longer");
  ci_employee_set_family_name (e, "M\xc3\x28ller");
  assert_employee_invalid (e, "Family name is not valid UTF-8");
  ci_employee_set_family_name (e, "Müller");

  ci_employee_set_department (e, long_text);
  assert_employee_invalid (e, "Department is longer than 200");
  ci_employee_set_department (e, NULL);
  ci_employee_set_job_title (e, long_text);
  assert_employee_invalid (e, "Job title is longer than 200");
  ci_employee_set_job_title (e, "Head of\nthings");
  assert_employee_invalid (e, "Job title contains a control character");
  ci_employee_set_job_title (e, NULL);
  assert_employee_valid (e);
  g_assert_finalize_object (e);
}

static void
test_employee_email (void)
{
  static const char * const good[] = { "a@b.c", "anna.mueller+x@mail.example.com" };
  static const char * const bad[] = {
    "anna", "anna@example", "@example.com", "anna@@example.com", "anna@a@b.com",
    "anna m@example.com", "anna.example.com",
  };
  CiEmployee *e = valid_employee ();

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      ci_employee_set_email (e, good[i]);
      assert_employee_valid (e);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      ci_employee_set_email (e, bad[i]);
      assert_employee_invalid (e, "E-mail");
    }
  g_assert_finalize_object (e);
}

static void
test_employee_dates (void)
{
  CiEmployee *e = valid_employee ();

  ci_employee_set_valid_from (e, NULL);
  assert_employee_invalid (e, "Valid from");
  ci_employee_set_valid_from (e, "2026-02-30");
  assert_employee_invalid (e, "Valid from “2026-02-30” is not a date");
  ci_employee_set_valid_from (e, "2026-01-01");
  ci_employee_set_valid_until (e, "31.12.2027");
  assert_employee_invalid (e, "Valid until “31.12.2027” is not a date");
  ci_employee_set_valid_until (e, NULL);
  assert_employee_invalid (e, "Valid until");
  /* until before from */
  ci_employee_set_valid_until (e, "2025-12-31");
  assert_employee_invalid (e, "Valid until (2025-12-31) is before valid from (2026-01-01)");
  /* one-day validity is fine */
  ci_employee_set_valid_until (e, "2026-01-01");
  assert_employee_valid (e);
  ci_employee_set_valid_until (e, "2028-02-29");
  assert_employee_valid (e);
  g_assert_finalize_object (e);
}

static void
test_employee_photo (void)
{
  CiEmployee *e = valid_employee ();
  g_autoptr(GBytes) png = fake_image (png_magic, sizeof png_magic, 1024);
  g_autoptr(GBytes) jpeg = fake_image (jpeg_magic, sizeof jpeg_magic, 2048);
  g_autoptr(GBytes) gif = fake_image (gif_magic, sizeof gif_magic, 1024);
  g_autoptr(GBytes) short_png = fake_image (png_magic, 4, 4);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) max = fake_image (png_magic, sizeof png_magic, CI_PHOTO_MAX_BYTES);
  g_autoptr(GBytes) too_big = fake_image (jpeg_magic, sizeof jpeg_magic, CI_PHOTO_MAX_BYTES + 1);

  ci_employee_set_photo (e, png);
  assert_employee_valid (e);
  ci_employee_set_photo (e, jpeg);
  assert_employee_valid (e);
  ci_employee_set_photo (e, max);
  assert_employee_valid (e);
  ci_employee_set_photo (e, gif);
  assert_employee_invalid (e, "Photo is neither a PNG nor a JPEG");
  ci_employee_set_photo (e, short_png);
  assert_employee_invalid (e, "Photo is neither a PNG nor a JPEG");
  ci_employee_set_photo (e, empty);
  assert_employee_invalid (e, "Photo is neither a PNG nor a JPEG");
  ci_employee_set_photo (e, too_big);
  assert_employee_invalid (e, "the limit is 512 KiB");
  ci_employee_set_photo (e, NULL);
  assert_employee_valid (e);
  g_assert_finalize_object (e);
}

static void
test_employee_copy (void)
{
  CiEmployee *e = valid_employee ();
  CiEmployee *copy;
  g_autoptr(GBytes) png = fake_image (png_magic, sizeof png_magic, 64);
  g_autoptr(GBytes) other = fake_image (jpeg_magic, sizeof jpeg_magic, 64);
  g_autofree char *name = NULL;

  ci_employee_set_id (e, 7);
  ci_employee_set_version (e, 3);
  ci_employee_set_photo (e, png);
  ci_employee_set_status (e, CI_EMPLOYEE_SUSPENDED);
  copy = ci_employee_copy (e);
  g_assert_true (copy != e);
  g_assert_cmpint (ci_employee_get_id (copy), ==, 7);
  g_assert_cmpint (ci_employee_get_version (copy), ==, 3);
  g_assert_cmpstr (ci_employee_get_number (copy), ==, "E-1001");
  g_assert_cmpstr (ci_employee_get_given_name (copy), ==, "Anna");
  g_assert_cmpstr (ci_employee_get_family_name (copy), ==, "Müller");
  g_assert_cmpstr (ci_employee_get_department (copy), ==, "Finance");
  g_assert_cmpstr (ci_employee_get_job_title (copy), ==, "Controller");
  g_assert_cmpstr (ci_employee_get_email (copy), ==, "anna.mueller@example.com");
  g_assert_cmpstr (ci_employee_get_valid_from (copy), ==, "2026-01-01");
  g_assert_cmpstr (ci_employee_get_valid_until (copy), ==, "2027-12-31");
  g_assert_true (g_bytes_equal (ci_employee_get_photo (copy), png));
  g_assert_cmpint (ci_employee_get_status (copy), ==, CI_EMPLOYEE_SUSPENDED);
  /* The strings are copies, not shared pointers. */
  g_assert_true (ci_employee_get_family_name (copy) != ci_employee_get_family_name (e));

  ci_employee_set_family_name (copy, "Schmidt");
  ci_employee_set_given_name (copy, "Berta");
  ci_employee_set_number (copy, "E-2");
  ci_employee_set_email (copy, NULL);
  ci_employee_set_photo (copy, other);
  ci_employee_set_version (copy, 4);
  ci_employee_set_status (copy, CI_EMPLOYEE_LEFT);
  g_assert_cmpstr (ci_employee_get_family_name (e), ==, "Müller");
  g_assert_cmpstr (ci_employee_get_given_name (e), ==, "Anna");
  g_assert_cmpstr (ci_employee_get_number (e), ==, "E-1001");
  g_assert_cmpstr (ci_employee_get_email (e), ==, "anna.mueller@example.com");
  g_assert_true (g_bytes_equal (ci_employee_get_photo (e), png));
  g_assert_cmpint (ci_employee_get_version (e), ==, 3);
  g_assert_cmpint (ci_employee_get_status (e), ==, CI_EMPLOYEE_SUSPENDED);

  name = ci_employee_dup_display_name (copy);
  g_assert_cmpstr (name, ==, "Berta Schmidt");
  g_assert_finalize_object (copy);
  g_assert_finalize_object (e);
}

static void
test_employee_status_names (void)
{
  CiEmployeeStatus s;

  for (CiEmployeeStatus i = CI_EMPLOYEE_ACTIVE; i <= CI_EMPLOYEE_LEFT; i++)
    {
      g_assert_true (ci_employee_status_from_string (ci_employee_status_to_string (i), &s));
      g_assert_cmpint (s, ==, i);
    }
  g_assert_cmpstr (ci_employee_status_to_string (CI_EMPLOYEE_LEFT), ==, "left");
  g_assert_false (ci_employee_status_from_string ("gone", &s));
  g_assert_false (ci_employee_status_from_string (NULL, &s));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_employee_notify (void)
{
  CiEmployee *e = ci_employee_new ();
  guint count = 0;

  g_signal_connect (e, "notify::family-name", G_CALLBACK (count_notify), &count);
  ci_employee_set_family_name (e, "A");
  ci_employee_set_family_name (e, "A");
  ci_employee_set_family_name (e, "B");
  g_object_set (e, "family-name", "B", NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_finalize_object (e);
}

/* ---- cards --------------------------------------------------------------- */

#define R CI_CARD_REQUESTED
#define I CI_CARD_INITIALISED
#define P CI_CARD_PERSONALISED
#define AC CI_CARD_ACTIVE
#define SU CI_CARD_SUSPENDED
#define LO CI_CARD_LOST
#define ST CI_CARD_STOLEN
#define DA CI_CARD_DAMAGED
#define RV CI_CARD_REVOKED
#define EX CI_CARD_EXPIRED
#define DE CI_CARD_DESTROYED

/* The life cycle of the issue and ci-model.h: requested → initialised →
 * personalised → active → suspended | lost | stolen | damaged | revoked →
 * destroyed, and expired by date. Written out by hand, row "from", column "to":
 *  - before activation a card can still be spoilt (damaged), cancelled
 *    (revoked) or shredded (destroyed); a requested card is not yet physical,
 *    so it cannot be damaged;
 *  - an active card is never destroyed directly: it is first blocked;
 *  - a suspended card can be resumed, or go any way an active card can, and —
 *    per the arrow above — be destroyed;
 *  - lost and stolen cards are never reactivated or suspended, only revoked
 *    or destroyed; nor are damaged, revoked, expired or destroyed cards;
 *  - nothing ever goes back to requested, initialised or personalised, and no
 *    state "changes" to itself. */
static const gboolean expected_moves[CI_CARD_N_STATES][CI_CARD_N_STATES] = {
  /*          R  I  P  AC SU LO ST DA RV EX DE */
  [R]  = {    0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1 },
  [I]  = {    0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1 },
  [P]  = {    0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1 },
  [AC] = {    0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0 },
  [SU] = {    0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1 },
  [LO] = {    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 },
  [ST] = {    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 },
  [DA] = {    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 },
  [RV] = {    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
  [EX] = {    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 },
  [DE] = {    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static void
test_card_transitions (void)
{
  guint failures = 0;

  for (CiCardState from = 0; from < CI_CARD_N_STATES; from++)
    for (CiCardState to = 0; to < CI_CARD_N_STATES; to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean can = ci_card_state_can_change (from, to);
        gboolean checked = ci_card_check_transition (from, to, &error);

        if (can != expected_moves[from][to])
          {
            g_test_message ("%s → %s: expected %s, got %s", ci_card_state_to_string (from),
                            ci_card_state_to_string (to),
                            expected_moves[from][to] ? "allowed" : "refused",
                            can ? "allowed" : "refused");
            failures++;
          }
        g_assert_cmpint (checked, ==, can);
        if (can)
          g_assert_no_error (error);
        else
          {
            g_autofree char *msg = g_strdup_printf ("A %s card cannot become %s",
                                                    ci_card_state_to_string (from),
                                                    ci_card_state_to_string (to));
            g_assert_error (error, CI_MODEL_ERROR, CI_MODEL_ERROR_TRANSITION);
            g_assert_cmpstr (error->message, ==, msg);
          }
      }
  g_assert_cmpuint (failures, ==, 0);
}

static void
test_card_never_reactivated (void)
{
  static const CiCardState gone[] = { LO, ST };
  static const CiCardState back[] = { R, I, P, AC, SU };

  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    for (guint j = 0; j < G_N_ELEMENTS (back); j++)
      g_assert_false (ci_card_state_can_change (gone[i], back[j]));
  /* not even through another state */
  for (CiCardState mid = 0; mid < CI_CARD_N_STATES; mid++)
    if (ci_card_state_can_change (LO, mid) || ci_card_state_can_change (ST, mid))
      g_assert_false (ci_card_state_can_change (mid, AC));
}

static void
test_card_transition_action (void)
{
  g_assert_cmpint (ci_card_transition_action (R, I), ==, CI_ACTION_CARD_ISSUE);
  g_assert_cmpint (ci_card_transition_action (I, P), ==, CI_ACTION_CARD_ISSUE);
  g_assert_cmpint (ci_card_transition_action (P, AC), ==, CI_ACTION_CARD_ISSUE);
  g_assert_cmpint (ci_card_transition_action (AC, SU), ==, CI_ACTION_CARD_CHANGE_ACCESS);
  g_assert_cmpint (ci_card_transition_action (SU, AC), ==, CI_ACTION_CARD_CHANGE_ACCESS);
  g_assert_cmpint (ci_card_transition_action (AC, LO), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (AC, ST), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (SU, LO), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (AC, DA), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (AC, RV), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (LO, DE), ==, CI_ACTION_CARD_BLOCK);
  g_assert_cmpint (ci_card_transition_action (AC, EX), ==, CI_ACTION_CARD_BLOCK);
}

static void
test_card_blocked (void)
{
  static const gboolean blocked[CI_CARD_N_STATES] = {
    [LO] = TRUE, [ST] = TRUE, [DA] = TRUE, [RV] = TRUE, [DE] = TRUE, [SU] = TRUE,
  };

  for (CiCardState s = 0; s < CI_CARD_N_STATES; s++)
    g_assert_cmpint (ci_card_state_is_blocked (s), ==, blocked[s]);
}

#undef R
#undef I
#undef P
#undef AC
#undef SU
#undef LO
#undef ST
#undef DA
#undef RV
#undef EX
#undef DE

static void
test_card_state_names (void)
{
  static const char * const names[CI_CARD_N_STATES] = {
    "requested", "initialised", "personalised", "active", "suspended", "lost", "stolen",
    "damaged", "revoked", "expired", "destroyed",
  };
  CiCardState s;

  for (CiCardState i = 0; i < CI_CARD_N_STATES; i++)
    {
      g_assert_cmpstr (ci_card_state_to_string (i), ==, names[i]);
      g_assert_true (ci_card_state_from_string (names[i], &s));
      g_assert_cmpint (s, ==, i);
    }
  g_assert_false (ci_card_state_from_string ("Active", &s));
  g_assert_false (ci_card_state_from_string ("", &s));
}

static void
test_card_format_serial (void)
{
  static const struct { gint64 serial; const char *text; } cases[] = {
    { 0, "0000000000" },
    { 1, "0000000001" },
    { 42, "0000000042" },
    { 1234567890, "1234567890" },
    { G_GINT64_CONSTANT (12345678901), "12345678901" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ci_card_format_serial (cases[i].serial);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_card_copy (void)
{
  CiCard *c = ci_card_new ();
  CiCard *copy;

  ci_card_set_serial (c, 17);
  ci_card_set_employee_id (c, 3);
  ci_card_set_sequence (c, 2);
  ci_card_set_state (c, CI_CARD_ACTIVE);
  ci_card_set_valid_until (c, "2027-12-31");
  ci_card_set_reason (c, "first");
  ci_card_set_replaces (c, 9);
  copy = ci_card_copy (c);
  ci_card_set_reason (copy, "second");
  ci_card_set_state (copy, CI_CARD_LOST);
  g_assert_cmpint (ci_card_get_serial (copy), ==, 17);
  g_assert_cmpint (ci_card_get_employee_id (copy), ==, 3);
  g_assert_cmpint (ci_card_get_sequence (copy), ==, 2);
  g_assert_cmpstr (ci_card_get_valid_until (copy), ==, "2027-12-31");
  g_assert_cmpint (ci_card_get_replaces (copy), ==, 9);
  g_assert_cmpstr (ci_card_get_reason (c), ==, "first");
  g_assert_cmpint (ci_card_get_state (c), ==, CI_CARD_ACTIVE);
  g_assert_finalize_object (copy);
  g_assert_finalize_object (c);
}

/* ---- roles ----------------------------------------------------------------- */

static void
test_policy_default (void)
{
  /* DESIGN.md §1, cell by cell. Columns: HR, security, front desk, admin.
   * The two view rows are not in the table: viewing is what "view" grants the
   * front desk, what HR needs to enroll and what security needs to grant. */
#define N CI_SCOPE_NONE
#define L CI_SCOPE_LIMITED
#define A CI_SCOPE_ALL
  static const CiScope design[CI_N_ACTIONS][CI_N_ROLES] = {
    [CI_ACTION_EMPLOYEE_EDIT]      = { A, N, N, N },  /* enroll / edit employee */
    [CI_ACTION_EMPLOYEE_VIEW]      = { A, A, A, N },  /* front desk: "view" */
    [CI_ACTION_ZONE_MANAGE]        = { N, A, N, N },  /* define zones and schedules */
    [CI_ACTION_ZONE_VIEW]          = { A, A, A, N },
    [CI_ACTION_GRANT]              = { L, A, N, N },  /* HR: zones marked "HR may grant" */
    [CI_ACTION_CARD_ISSUE]         = { A, A, N, N },  /* issue first card */
    [CI_ACTION_CARD_BLOCK]         = { A, A, A, N },  /* mark lost / revoke */
    [CI_ACTION_CARD_REISSUE]       = { N, A, A, N },  /* issue replacement */
    [CI_ACTION_CARD_CHANGE_ACCESS] = { N, A, N, N },  /* change access on a card */
    [CI_ACTION_AUDIT_READ]         = { L, A, L, A },  /* own entries / all */
    [CI_ACTION_ADMIN]              = { N, N, N, A },  /* operators, keys, templates */
  };
#undef N
#undef L
#undef A
  static const CiRole roles[CI_N_ROLES] = {
    CI_ROLE_HR, CI_ROLE_SECURITY, CI_ROLE_FRONT_DESK, CI_ROLE_ADMIN,
  };
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();

  for (guint a = 0; a < CI_N_ACTIONS; a++)
    for (guint r = 0; r < CI_N_ROLES; r++)
      {
        CiScope got = ci_policy_get (policy, roles[r], a);
        if (got != design[a][r])
          g_error ("%s × %s: expected %s, got %s", ci_role_to_string (roles[r]),
                   ci_action_to_string (a), ci_scope_to_string (design[a][r]),
                   ci_scope_to_string (got));
        g_assert_cmpint (ci_policy_scope_for (policy, roles[r], a), ==, design[a][r]);
      }
}

static void
test_policy_scope_widest (void)
{
  g_autoptr(CiPolicy) policy = ci_policy_new_default ();
  g_autoptr(CiPolicy) copy = NULL;

  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_HR | CI_ROLE_SECURITY, CI_ACTION_GRANT),
                   ==, CI_SCOPE_ALL);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_HR | CI_ROLE_FRONT_DESK,
                                        CI_ACTION_AUDIT_READ), ==, CI_SCOPE_LIMITED);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_FRONT_DESK | CI_ROLE_ADMIN,
                                        CI_ACTION_AUDIT_READ), ==, CI_SCOPE_ALL);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_FRONT_DESK | CI_ROLE_ADMIN,
                                        CI_ACTION_CARD_ISSUE), ==, CI_SCOPE_NONE);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_HR | CI_ROLE_ADMIN, CI_ACTION_ADMIN),
                   ==, CI_SCOPE_ALL);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_HR | CI_ROLE_ADMIN,
                                        CI_ACTION_EMPLOYEE_EDIT), ==, CI_SCOPE_ALL);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_ALL, CI_ACTION_GRANT), ==, CI_SCOPE_ALL);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_NONE, CI_ACTION_EMPLOYEE_VIEW), ==,
                   CI_SCOPE_NONE);

  /* An administrator's change shows through, and a copy is independent. */
  copy = ci_policy_copy (policy);
  ci_policy_set (policy, CI_ROLE_FRONT_DESK, CI_ACTION_CARD_ISSUE, CI_SCOPE_LIMITED);
  g_assert_cmpint (ci_policy_scope_for (policy, CI_ROLE_FRONT_DESK | CI_ROLE_ADMIN,
                                        CI_ACTION_CARD_ISSUE), ==, CI_SCOPE_LIMITED);
  g_assert_cmpint (ci_policy_get (copy, CI_ROLE_FRONT_DESK, CI_ACTION_CARD_ISSUE), ==,
                   CI_SCOPE_NONE);
}

static void
test_roles_from_string (void)
{
  g_autoptr(GError) error = NULL;
  CiRole roles = CI_ROLE_NONE;
  g_autofree char *text = NULL;

  g_assert_true (ci_roles_from_string ("hr", &roles, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roles, ==, CI_ROLE_HR);
  g_assert_true (ci_roles_from_string (" security , front-desk ,admin", &roles, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roles, ==, CI_ROLE_SECURITY | CI_ROLE_FRONT_DESK | CI_ROLE_ADMIN);
  g_assert_true (ci_roles_from_string ("hr,,hr,", &roles, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roles, ==, CI_ROLE_HR);

  roles = CI_ROLE_ADMIN;
  g_assert_false (ci_roles_from_string ("hr,boss", &roles, &error));
  assert_invalid_field (error, "“boss” is not a role");
  g_assert_cmpint (roles, ==, CI_ROLE_ADMIN);  /* untouched on error */
  g_clear_error (&error);
  g_assert_false (ci_roles_from_string ("", &roles, &error));
  assert_invalid_field (error, "at least one role");
  g_clear_error (&error);
  g_assert_false (ci_roles_from_string (" , ", &roles, &error));
  assert_invalid_field (error, "at least one role");
  g_clear_error (&error);
  g_assert_false (ci_roles_from_string (NULL, &roles, &error));
  assert_invalid_field (error, "at least one role");
  g_clear_error (&error);

  text = ci_roles_to_string (CI_ROLE_ADMIN | CI_ROLE_HR);
  g_assert_cmpstr (text, ==, "hr,admin");
  g_assert_true (ci_roles_from_string (text, &roles, &error));
  g_assert_cmpint (roles, ==, CI_ROLE_ADMIN | CI_ROLE_HR);
}

static void
test_role_names (void)
{
  CiRole role;
  CiAction action;
  CiScope scope;

  g_assert_cmpuint (ci_role_index (CI_ROLE_HR), ==, 0);
  g_assert_cmpuint (ci_role_index (CI_ROLE_ADMIN), ==, 3);
  g_assert_cmpstr (ci_role_to_string (CI_ROLE_FRONT_DESK), ==, "front-desk");
  g_assert_true (ci_role_from_string ("security", &role));
  g_assert_cmpint (role, ==, CI_ROLE_SECURITY);
  g_assert_false (ci_role_from_string ("root", &role));
  for (CiAction a = 0; a < CI_N_ACTIONS; a++)
    {
      g_assert_true (ci_action_from_string (ci_action_to_string (a), &action));
      g_assert_cmpint (action, ==, a);
    }
  g_assert_false (ci_action_from_string ("card.eat", &action));
  g_assert_true (ci_scope_from_string ("limited", &scope));
  g_assert_cmpint (scope, ==, CI_SCOPE_LIMITED);
  g_assert_cmpstr (ci_scope_to_string (CI_SCOPE_ALL), ==, "all");
  g_assert_false (ci_scope_from_string ("some", &scope));
}

/* ---- schedules --------------------------------------------------------------- */

static void
test_schedule_parse_good (void)
{
  static const struct { const char *rules; guint n; } good[] = {
    { "mon-fri 07:00-19:00; sat 08:00-12:00", 2 },
    { "mon-fri 07:00-19:00", 1 },
    { "  MON-Fri   07:00-19:00 ;; ", 1 },
    { "mon,wed,fri 08:00-09:30", 1 },
    { "sun 00:00-24:00", 1 },
    { "mon 06:00-07:00; tue 06:00-07:00; wed 22:00-23:59", 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ranges = NULL;

      if (!ci_schedule_rules_parse (good[i].rules, &ranges, &error))
        g_error ("“%s” refused: %s", good[i].rules, error->message);
      g_assert_nonnull (ranges);
      g_assert_cmpuint (ranges->len, ==, good[i].n);
    }
}

static void
test_schedule_parse_bad (void)
{
  static const char * const bad[] = {
    "fri-mon 07:00-19:00", "mon 19:00-07:00", "mon 25:00-26:00", "mon 07:00-07:00",
    "mon 07:60-08:00", "mon 24:30-24:40", "mon 7:00-19:00", "mon 07:00", "07:00-19:00",
    "mon 07:00-19:00 extra", "mo 07:00-19:00", "mon-fri 07:00-19:00; sat", "mon 07h00-19h00",
    "mon-fri 07:00-19:0x", "mon- 07:00-19:00",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (ci_schedule_rules_parse (bad[i], &ranges, &error))
        g_error ("“%s” should be refused", bad[i]);
      assert_invalid_field (error, "is not like “mon-fri 07:00-19:00”");
      g_assert_null (ranges);
      g_clear_error (&error);
    }
  g_assert_false (ci_schedule_rules_parse ("", &ranges, &error));
  assert_invalid_field (error, "at least one rule");
  g_assert_null (ranges);
  g_clear_error (&error);
  g_assert_false (ci_schedule_rules_parse (" ; ", NULL, &error));
  assert_invalid_field (error, "at least one rule");
  g_clear_error (&error);
  g_assert_false (ci_schedule_rules_parse (NULL, NULL, &error));
  assert_invalid_field (error, "at least one rule");
}

static gboolean
allows_at (CiSchedule *sc,
           int         day,
           int         hour,
           int         minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  /* 2026-03-02 is a Monday */
  g_autoptr(GDateTime) t = g_date_time_new (tz, 2026, 3, 2 + day, hour, minute, 0);

  g_assert_cmpint (g_date_time_get_day_of_week (t), ==, day + 1);
  return ci_schedule_allows (sc, t);
}

static void
test_schedule_allows (void)
{
  CiSchedule *sc = ci_schedule_new ();
  g_autoptr(GError) error = NULL;

  ci_schedule_set_name (sc, "Office hours");
  ci_schedule_set_rules (sc, "mon-fri 07:00-19:00; sat 08:00-12:00; sun 22:00-24:00");
  g_assert_true (ci_schedule_validate (sc, &error));
  g_assert_no_error (error);

  g_assert_false (allows_at (sc, 0, 6, 59));
  g_assert_true (allows_at (sc, 0, 7, 0));     /* start is inclusive */
  g_assert_true (allows_at (sc, 0, 12, 30));
  g_assert_true (allows_at (sc, 0, 18, 59));
  g_assert_false (allows_at (sc, 0, 19, 0));   /* end is exclusive */
  g_assert_true (allows_at (sc, 2, 10, 0));
  g_assert_true (allows_at (sc, 4, 18, 0));
  g_assert_false (allows_at (sc, 4, 23, 0));
  g_assert_false (allows_at (sc, 5, 7, 59));
  g_assert_true (allows_at (sc, 5, 8, 0));
  g_assert_true (allows_at (sc, 5, 11, 59));
  g_assert_false (allows_at (sc, 5, 12, 0));
  g_assert_false (allows_at (sc, 6, 10, 0));
  g_assert_true (allows_at (sc, 6, 23, 59));   /* up to midnight */
  g_assert_false (allows_at (sc, 6, 0, 0));

  /* Bad rules allow nothing. */
  ci_schedule_set_rules (sc, "fri-mon 07:00-19:00");
  g_assert_false (allows_at (sc, 0, 10, 0));
  g_assert_false (ci_schedule_validate (sc, &error));
  assert_invalid_field (error, "fri-mon");
  g_clear_error (&error);

  ci_schedule_set_rules (sc, "mon 08:00-09:00");
  ci_schedule_set_name (sc, "");
  g_assert_false (ci_schedule_validate (sc, &error));
  assert_invalid_field (error, "Schedule name is required");
  g_assert_finalize_object (sc);
}

/* ---- zones ------------------------------------------------------------------- */

static CiZone *
make_zone (CiZoneKind  kind,
           gint64      parent,
           const char *code,
           const char *tz)
{
  CiZone *z = ci_zone_new ();

  ci_zone_set_kind (z, kind);
  ci_zone_set_parent_id (z, parent);
  ci_zone_set_code (z, code);
  ci_zone_set_name (z, "Some zone");
  ci_zone_set_time_zone (z, tz);
  return z;
}

static void
assert_zone (CiZone     *z,
             const char *needle)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ci_zone_validate (z, &error);

  if (needle == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      assert_invalid_field (error, needle);
    }
}

static void
test_zone_validate (void)
{
  CiZone *site = make_zone (CI_ZONE_SITE, 0, "HQ", "Europe/Berlin");
  CiZone *building = make_zone (CI_ZONE_BUILDING, 1, "HQ-B1", NULL);
  CiZone *area = make_zone (CI_ZONE_AREA, 2, "HQ-B1.lab_2", NULL);
  g_autofree char *code32 = repeat ("c", 32);
  g_autofree char *code33 = repeat ("c", 33);

  assert_zone (site, NULL);
  assert_zone (building, NULL);
  assert_zone (area, NULL);

  /* site: a time zone and no parent */
  ci_zone_set_time_zone (site, NULL);
  assert_zone (site, "is not a time zone");
  ci_zone_set_time_zone (site, "Mars/Olympus_Mons");
  assert_zone (site, "“Mars/Olympus_Mons” is not a time zone");
  ci_zone_set_time_zone (site, "UTC");
  assert_zone (site, NULL);
  ci_zone_set_parent_id (site, 5);
  assert_zone (site, "A site cannot lie inside another zone");
  ci_zone_set_parent_id (site, 0);

  /* building and area: a parent */
  ci_zone_set_parent_id (building, 0);
  assert_zone (building, "needs a parent zone");
  ci_zone_set_parent_id (area, 0);
  assert_zone (area, "needs a parent zone");
  ci_zone_set_parent_id (area, 2);

  /* security level 0..9 */
  ci_zone_set_security_level (area, 0);
  assert_zone (area, NULL);
  ci_zone_set_security_level (area, 9);
  assert_zone (area, NULL);
  ci_zone_set_security_level (area, 10);
  assert_zone (area, "Security level runs from 0");
  ci_zone_set_security_level (area, -1);
  assert_zone (area, "Security level runs from 0");
  ci_zone_set_security_level (area, 3);

  /* code */
  ci_zone_set_code (area, code32);
  assert_zone (area, NULL);
  ci_zone_set_code (area, code33);
  assert_zone (area, "1 to 32 characters");
  ci_zone_set_code (area, "");
  assert_zone (area, "1 to 32 characters");
  ci_zone_set_code (area, NULL);
  assert_zone (area, "1 to 32 characters");
  ci_zone_set_code (area, "HQ 1");
  assert_zone (area, "may hold only");
  ci_zone_set_code (area, "HQ/1");
  assert_zone (area, "may hold only");
  ci_zone_set_code (area, "Höhe");
  assert_zone (area, "may hold only");
  ci_zone_set_code (area, "LAB-2");

  /* name */
  ci_zone_set_name (area, NULL);
  assert_zone (area, "Zone name is required");
  ci_zone_set_name (area, "Lab\n2");
  assert_zone (area, "control character");

  g_assert_finalize_object (site);
  g_assert_finalize_object (building);
  g_assert_finalize_object (area);
}

static void
test_zone_kind_names (void)
{
  CiZoneKind kind;

  g_assert_cmpstr (ci_zone_kind_to_string (CI_ZONE_BUILDING), ==, "building");
  g_assert_true (ci_zone_kind_from_string ("area", &kind));
  g_assert_cmpint (kind, ==, CI_ZONE_AREA);
  g_assert_false (ci_zone_kind_from_string ("room", &kind));
}

/* ---- operators ----------------------------------------------------------------- */

static void
assert_operator (CiOperator *op,
                 const char *needle)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = ci_operator_validate (op, &error);

  if (needle == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      assert_invalid_field (error, needle);
    }
}

static void
test_operator_validate (void)
{
  CiOperator *op = ci_operator_new ();
  g_autofree char *login32 = repeat ("a", 32);
  g_autofree char *login33 = repeat ("a", 33);
  g_autofree char *long_name = repeat ("n", CI_NAME_MAX_CHARS + 1);

  ci_operator_set_login (op, "anna.m-2_x");
  ci_operator_set_display_name (op, "Anna Müller");
  ci_operator_set_roles (op, CI_ROLE_HR);
  assert_operator (op, NULL);
  g_assert_true (ci_operator_has_role (op, CI_ROLE_HR));
  g_assert_false (ci_operator_has_role (op, CI_ROLE_ADMIN));

  ci_operator_set_login (op, login32);
  assert_operator (op, NULL);
  ci_operator_set_login (op, login33);
  assert_operator (op, "1 to 32 characters");
  ci_operator_set_login (op, "");
  assert_operator (op, "1 to 32 characters");
  ci_operator_set_login (op, NULL);
  assert_operator (op, "1 to 32 characters");
  ci_operator_set_login (op, "Anna");
  assert_operator (op, "only lower-case letters");
  ci_operator_set_login (op, "an na");
  assert_operator (op, "only lower-case letters");
  ci_operator_set_login (op, "anna@desk");
  assert_operator (op, "only lower-case letters");
  ci_operator_set_login (op, "jürgen");
  assert_operator (op, "only lower-case letters");
  ci_operator_set_login (op, "anna");

  ci_operator_set_display_name (op, NULL);
  assert_operator (op, "Display name is required");
  ci_operator_set_display_name (op, long_name);
  assert_operator (op, "Display name is longer");
  ci_operator_set_display_name (op, "Anna");

  ci_operator_set_roles (op, CI_ROLE_NONE);
  assert_operator (op, "at least one role");
  ci_operator_set_roles (op, 1 << 4);
  assert_operator (op, "at least one role");
  ci_operator_set_roles (op, CI_ROLE_HR | (1 << 7));
  assert_operator (op, "at least one role");
  ci_operator_set_roles (op, CI_ROLE_ALL);
  assert_operator (op, NULL);
  g_assert_finalize_object (op);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/date/is-valid", test_date_is_valid);
  g_test_add_func ("/model/date/today", test_date_today);
  g_test_add_func ("/model/text/check", test_check_text);
  g_test_add_func ("/model/text/search-key", test_search_key);
  g_test_add_func ("/model/text/json-member", test_json_member);
  g_test_add_func ("/model/employee/valid", test_employee_valid);
  g_test_add_func ("/model/employee/number", test_employee_number);
  g_test_add_func ("/model/employee/names", test_employee_names);
  g_test_add_func ("/model/employee/email", test_employee_email);
  g_test_add_func ("/model/employee/dates", test_employee_dates);
  g_test_add_func ("/model/employee/photo", test_employee_photo);
  g_test_add_func ("/model/employee/copy", test_employee_copy);
  g_test_add_func ("/model/employee/status-names", test_employee_status_names);
  g_test_add_func ("/model/employee/notify", test_employee_notify);
  g_test_add_func ("/model/card/transitions", test_card_transitions);
  g_test_add_func ("/model/card/never-reactivated", test_card_never_reactivated);
  g_test_add_func ("/model/card/transition-action", test_card_transition_action);
  g_test_add_func ("/model/card/blocked", test_card_blocked);
  g_test_add_func ("/model/card/state-names", test_card_state_names);
  g_test_add_func ("/model/card/format-serial", test_card_format_serial);
  g_test_add_func ("/model/card/copy", test_card_copy);
  g_test_add_func ("/model/role/policy-default", test_policy_default);
  g_test_add_func ("/model/role/scope-widest", test_policy_scope_widest);
  g_test_add_func ("/model/role/roles-from-string", test_roles_from_string);
  g_test_add_func ("/model/role/names", test_role_names);
  g_test_add_func ("/model/schedule/parse-good", test_schedule_parse_good);
  g_test_add_func ("/model/schedule/parse-bad", test_schedule_parse_bad);
  g_test_add_func ("/model/schedule/allows", test_schedule_allows);
  g_test_add_func ("/model/zone/validate", test_zone_validate);
  g_test_add_func ("/model/zone/kind-names", test_zone_kind_names);
  g_test_add_func ("/model/operator/validate", test_operator_validate);

  return g_test_run ();
}
