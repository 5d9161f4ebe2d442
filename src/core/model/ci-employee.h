/* ci-employee.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CI_EMPLOYEE_ACTIVE,
  CI_EMPLOYEE_SUSPENDED,
  CI_EMPLOYEE_LEFT,
} CiEmployeeStatus;

#define CI_TYPE_EMPLOYEE (ci_employee_get_type ())

G_DECLARE_FINAL_TYPE (CiEmployee, ci_employee, CI, EMPLOYEE, GObject)

CiEmployee       *ci_employee_new                 (void);
CiEmployee       *ci_employee_copy                (CiEmployee        *self);
gint64            ci_employee_get_id              (CiEmployee        *self);
void              ci_employee_set_id              (CiEmployee        *self,
                                                   gint64             id);
gint64            ci_employee_get_version         (CiEmployee        *self);
void              ci_employee_set_version         (CiEmployee        *self,
                                                   gint64             version);
const char       *ci_employee_get_number          (CiEmployee        *self);
void              ci_employee_set_number          (CiEmployee        *self,
                                                   const char        *number);
const char       *ci_employee_get_given_name      (CiEmployee        *self);
void              ci_employee_set_given_name      (CiEmployee        *self,
                                                   const char        *given_name);
const char       *ci_employee_get_family_name     (CiEmployee        *self);
void              ci_employee_set_family_name     (CiEmployee        *self,
                                                   const char        *family_name);
char             *ci_employee_dup_display_name    (CiEmployee        *self);
const char       *ci_employee_get_department      (CiEmployee        *self);
void              ci_employee_set_department      (CiEmployee        *self,
                                                   const char        *department);
const char       *ci_employee_get_job_title       (CiEmployee        *self);
void              ci_employee_set_job_title       (CiEmployee        *self,
                                                   const char        *job_title);
const char       *ci_employee_get_email           (CiEmployee        *self);
void              ci_employee_set_email           (CiEmployee        *self,
                                                   const char        *email);
GBytes           *ci_employee_get_photo           (CiEmployee        *self);
void              ci_employee_set_photo           (CiEmployee        *self,
                                                   GBytes            *photo);
const char       *ci_employee_get_valid_from      (CiEmployee        *self);
void              ci_employee_set_valid_from      (CiEmployee        *self,
                                                   const char        *iso_date);
const char       *ci_employee_get_valid_until     (CiEmployee        *self);
void              ci_employee_set_valid_until     (CiEmployee        *self,
                                                   const char        *iso_date);
CiEmployeeStatus  ci_employee_get_status          (CiEmployee        *self);
void              ci_employee_set_status          (CiEmployee        *self,
                                                   CiEmployeeStatus   status);
gboolean          ci_employee_validate            (CiEmployee        *self,
                                                   GError           **error);

const char       *ci_employee_status_to_string    (CiEmployeeStatus   status);
gboolean          ci_employee_status_from_string  (const char        *text,
                                                   CiEmployeeStatus  *status);

G_END_DECLS
