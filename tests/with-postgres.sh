#!/bin/bash
# with-postgres.sh — runs a command next to a private PostgreSQL server, then
# stops the server and removes all it wrote, also when the command fails or is
# killed.
#
#   with-postgres.sh COMMAND [ARG...]
#
# The server is a fresh cluster (initdb) in a temporary directory, listening
# only on a Unix socket in that directory, so it needs no free port and
# nothing outside can reach it. PostgreSQL refuses to run as root: run as root,
# the script runs the server as the "postgres" user, which owns the directory.
# Exits 77 (skipped) when PostgreSQL is not installed.
#
# The server runs with fsync off, as nothing it writes is kept; with
# CI_TEST_PG_DURABLE set to 1 it keeps PostgreSQL's defaults instead, for
# benchmarks whose figures are about commits that reach the disk.
#
# Exported to COMMAND:
#   CI_TEST_PG_URI   a libpq connection string for the database "cardissue",
#                    owned by the superuser "cardissue" (no password)
#   CI_TEST_PG_LOG   the server's log, for failures
set -u

bindir=
for d in /usr/lib/postgresql/*/bin; do
  [[ -x $d/initdb && -x $d/postgres ]] && bindir=$d
done
if [[ -z $bindir ]]; then
  echo "with-postgres.sh: PostgreSQL is not installed (run scripts/deps.sh)" >&2
  exit 77
fi

as_server=()
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres.sh: no \"postgres\" user to run the server as" >&2
    exit 77
  fi
  as_server=(setpriv --reuid=postgres --regid=postgres --clear-groups --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cardissue-pg.XXXXXX")
server_pid=
command_pid=

cleanup() {
  if [[ -n $command_pid ]]; then
    kill -TERM "$command_pid" 2>/dev/null
    wait "$command_pid" 2>/dev/null
  fi
  if [[ -n $server_pid ]]; then
    # SIGINT is PostgreSQL's fast shutdown: it ends client sessions instead of
    # waiting for them, as SIGTERM would.
    kill -INT "$server_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -QUIT "$server_pid" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ ${#as_server[@]} -gt 0 ]] && chown postgres: "$dir"
# The server user may not be allowed into the caller's working directory.
cd "$dir" || exit 1

if ! "${as_server[@]}" "$bindir/initdb" --pgdata="$dir/data" --username=cardissue --auth=trust \
       --encoding=UTF8 --locale=C --no-sync > "$dir/initdb.log" 2>&1; then
  echo "with-postgres.sh: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi

# Started in the foreground of a background job, not daemonised by pg_ctl, so
# it stays in this process group: a test runner that kills the group on a
# timeout takes the server with it. fsync is off, unless CI_TEST_PG_DURABLE
# asks otherwise: the cluster is thrown away.
durability=(-c fsync=off -c full_page_writes=off)
[[ ${CI_TEST_PG_DURABLE:-} == 1 ]] && durability=()
"${as_server[@]}" "$bindir/postgres" -D "$dir/data" -k "$dir" -p 5432 \
  -c listen_addresses= "${durability[@]}" \
  > "$dir/postgres.log" 2>&1 &
server_pid=$!

for _ in $(seq 200); do
  "$bindir/pg_isready" -q -h "$dir" -p 5432 && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
if ! "$bindir/pg_isready" -q -h "$dir" -p 5432 \
   || ! "$bindir/createdb" -h "$dir" -p 5432 -U cardissue cardissue 2>> "$dir/postgres.log"; then
  echo "with-postgres.sh: PostgreSQL did not start:" >&2
  cat "$dir/postgres.log" >&2
  exit 1
fi

export CI_TEST_PG_URI="host=$dir port=5432 user=cardissue dbname=cardissue"
export CI_TEST_PG_LOG=$dir/postgres.log
cd "$OLDPWD" || exit 1
# In the background, so that a signal to this script runs the traps at once
# (bash runs them only once a foreground command has ended); its standard
# input is /dev/null.
"$@" &
command_pid=$!
wait "$command_pid"
rc=$?
command_pid=
if [[ $rc -ne 0 && -n ${CI_TEST_SHOW_PG_LOG:-} ]]; then
  tail -n 200 "$dir/postgres.log" >&2
fi
exit $rc
