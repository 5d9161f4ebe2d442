/* fuzz-key-file.c
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: any file handed to ci_key_store_open() and
 * ci_key_store_unlock() must give an error, never a crash or an over-read.
 */

#include "keys/ci-key-store.h"

#include <unistd.h>

#include <glib/gstdio.h>

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static gboolean
write_input (const guint8 *data,
             size_t        size,
             char        **path)
{
  int fd = g_file_open_tmp ("fuzz-key-file-XXXXXX", path, NULL);
  gboolean ok = fd >= 0;
  size_t done = 0;

  while (ok && done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      ok = n > 0;
      if (ok)
        done += (size_t) n;
    }
  if (fd >= 0)
    g_close (fd, NULL);
  return ok;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *path = NULL;
  g_autoptr(CiKeyStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (write_input (data, size, &path))
    {
      store = ci_key_store_open (path, &error);
      if (store != NULL)
        {
          g_autofree char *id = ci_key_store_dup_key_id (store, CI_KEY_ISSUER);

          g_assert (id != NULL);
          if (ci_key_store_unlock (store, "fuzzing passphrase", &error))
            ci_key_store_lock (store);
        }
    }
  if (path != NULL)
    g_unlink (path);
  return 0;
}
