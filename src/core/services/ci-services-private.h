/* ci-services-private.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ci-services.h"

G_BEGIN_DECLS

struct _CiServices
{
  GObject     parent_instance;

  CiStore    *store;
  CiAuditLog *audit;
  CiKeyStore *keys;
  char       *desk;

  GMutex      writing_lock;
  GHashTable *writing;      /* serials this desk is issuing now, on any reader */

  GMutex       recorder_lock;
  GThread     *recorder;    /* runs _ci_services_record()'s jobs, once there are any */
  GAsyncQueue *records;
};

/**
 * CiCall:
 *
 * One service call in flight: who acts, what they asked for, and what the audit
 * entry will say. Every service goes through _ci_call_start() and ends in
 * _ci_call_commit() or _ci_call_fail(), so no call escapes the audit log.
 */
typedef struct
{
  CiServices *services;
  CiOperator *actor;        /* re-read from the store: roles are never taken on trust */
  CiScope     scope;
  const char *action;
  char       *subject_type;
  char       *subject_id;
  GString    *details;
  gint64      started;
  gboolean    write;
  gboolean    lazy;         /* set before _ci_call_start(): see ci_store_begin_lazy() */
  gboolean    in_transaction;
} CiCall;

gboolean  _ci_call_start     (CiCall       *call,
                              CiServices   *self,
                              CiOperator   *actor,
                              const char   *action,
                              CiAction      permission,
                              gboolean      write,
                              const char   *subject_type,
                              const char   *subject_id,
                              GError      **error);
gboolean  _ci_call_start_any (CiCall         *call,
                              CiServices     *self,
                              CiOperator     *actor,
                              const char     *action,
                              const CiAction *permissions,
                              guint           n_permissions,
                              gboolean        write,
                              const char     *subject_type,
                              const char     *subject_id,
                              GError        **error);
void      _ci_call_detail    (CiCall       *call,
                              const char   *key,
                              const char   *value);
void      _ci_call_subject   (CiCall       *call,
                              const char   *subject_type,
                              const char   *subject_id);
gboolean  _ci_call_commit    (CiCall       *call,
                              GError      **error);
gboolean  _ci_call_commit_failed (CiCall     *call,
                                  const char *reason,
                                  GError    **error);
gboolean  _ci_call_fail      (CiCall       *call,
                              GError      **error);
CiScope   _ci_call_also_may  (CiCall       *call,
                              CiAction      permission);
gboolean  _ci_call_refuse    (CiCall       *call,
                              GError      **error,
                              const char   *format,
                              ...) G_GNUC_PRINTF (3, 4);
void      _ci_call_clear     (CiCall       *call);
gboolean  _ci_record         (CiServices   *self,
                              const char   *login,
                              const char   *action,
                              const char   *subject_type,
                              const char   *subject_id,
                              CiOutcome     outcome,
                              const char   *reason,
                              const char   *details,
                              gint64        started);
void      _ci_services_writing_begin (CiServices *self,
                                      gint64      serial);
void      _ci_services_writing_end   (CiServices *self,
                                      gint64      serial);
gboolean  _ci_services_is_writing    (CiServices *self,
                                      gint64      serial);
typedef void (*CiServicesJob) (gpointer data);
void      _ci_services_record        (CiServices    *self,
                                      CiServicesJob  job,
                                      gpointer       data);
gboolean  _ci_check_password (const char   *password,
                              GError      **error);
gboolean  _ci_check_keys     (CiServices   *self,
                              GError      **error);

typedef GPtrArray *(*CiStoreListFunc) (CiStore *store, GError **error);

GPtrArray *_ci_services_list (CiServices      *self,
                              CiOperator      *actor,
                              const char      *action,
                              CiAction         permission,
                              CiStoreListFunc  list,
                              GError         **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CiCall, _ci_call_clear)

G_END_DECLS
