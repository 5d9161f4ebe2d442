#!/bin/bash
# with-postgres.sh — runs a command next to a private PostgreSQL server, then
# stops the server and removes all it wrote, also when the command fails or is
# killed.
#
#   with-postgres.sh COMMAND [ARG...]
#   "$CI_TEST_PG_CTL" --crash    (from COMMAND) kill the server hard
#   "$CI_TEST_PG_CTL" --start    (from COMMAND) start it again
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
# --crash is a server that dies: the postmaster and every server process get
# SIGKILL at once, so clients see their connections drop without a word and
# nothing is shut down cleanly. --start runs the server again on the same
# data directory and socket (PostgreSQL recovers from its WAL) and returns
# once it takes connections. Both return once done, and fail if it could not
# be done. The server stays this script's child throughout, so it is stopped
# at the end whoever started it last.
#
# Exported to COMMAND:
#   CI_TEST_PG_URI   a libpq connection string for the database "cardissue",
#                    owned by the superuser "cardissue" (no password)
#   CI_TEST_PG_LOG   the server's log, for failures
#   CI_TEST_PG_BIN   the server's programs (psql, pg_isready…)
#   CI_TEST_PG_DATA  its data directory
#   CI_TEST_PG_CTL   this script, for --crash and --start (which find this
#                    run through CI_TEST_PG_SUPERVISOR, its process id)
set -u

# --crash and --start ask the with-postgres.sh that runs COMMAND (a signal),
# then wait until it wrote what became of the server.
if [[ ${1:-} == --crash || ${1:-} == --start ]]; then
  if [[ -z ${CI_TEST_PG_SUPERVISOR:-} || -z ${CI_TEST_PG_DATA:-} ]]; then
    echo "with-postgres.sh: $1 works only in a command that with-postgres.sh runs" >&2
    exit 2
  fi
  state=$(dirname "$CI_TEST_PG_DATA")/server.state
  rm -f "$state"
  kill "-$([[ $1 == --crash ]] && echo USR1 || echo USR2)" "$CI_TEST_PG_SUPERVISOR" || exit 1
  for _ in $(seq 600); do
    [[ -s $state ]] && break
    sleep 0.05
  done
  [[ $(cat "$state" 2>/dev/null) == "$([[ $1 == --crash ]] && echo down || echo up)" ]] && exit 0
  echo "with-postgres.sh: $1 failed (server: $(cat "$state" 2>/dev/null || echo no answer))" >&2
  exit 1
fi

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

self=$(realpath "$0")
dir=$(mktemp -d "${TMPDIR:-/tmp}/cardissue-pg.XXXXXX")
server_pid=
command_pid=

stop_server() {
  [[ -n $server_pid ]] || return 0
  # SIGINT is PostgreSQL's fast shutdown: it ends client sessions instead of
  # waiting for them, as SIGTERM would.
  kill -INT "$server_pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -QUIT "$server_pid" 2>/dev/null
  for _ in $(seq 20); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null
  server_pid=
}

cleanup() {
  trap '' USR1 USR2
  if [[ -n $command_pid ]]; then
    kill -TERM "$command_pid" 2>/dev/null
    wait "$command_pid" 2>/dev/null
  fi
  stop_server
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
# asks otherwise: the cluster is thrown away, and a crash of the server's
# processes (not of the machine) loses nothing the kernel was given. Returns
# once it takes connections.
durability=(-c fsync=off -c full_page_writes=off)
[[ ${CI_TEST_PG_DURABLE:-} == 1 ]] && durability=()
start_server() {
  "${as_server[@]}" "$bindir/postgres" -D "$dir/data" -k "$dir" -p 5432 \
    -c listen_addresses= "${durability[@]}" \
    >> "$dir/postgres.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 400); do
    "$bindir/pg_isready" -q -h "$dir" -p 5432 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" 2>/dev/null
    server_pid=
  fi
  return 1
}

# The postmaster is stopped first, so it starts no process while its
# children are listed; then all die at once.
crash_server() {
  local children

  [[ -n $server_pid ]] || return 0
  kill -STOP "$server_pid" 2>/dev/null
  children=$(ps -o pid= --ppid "$server_pid")
  # shellcheck disable=SC2086 # one word per process id
  kill -KILL "$server_pid" $children 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=
}

# --crash and --start: what became of the server goes into server.state.
answer() {
  echo "$1" > "$dir/server.state.new" && mv "$dir/server.state.new" "$dir/server.state"
}

on_crash() {
  signalled=1
  crash_server
  answer down
}

on_start() {
  signalled=1
  if { [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; } || start_server; then
    answer up
  else
    answer failed
  fi
}

if ! start_server || ! "$bindir/createdb" -h "$dir" -p 5432 -U cardissue cardissue \
                        2>> "$dir/postgres.log"; then
  echo "with-postgres.sh: PostgreSQL did not start:" >&2
  cat "$dir/postgres.log" >&2
  exit 1
fi

export CI_TEST_PG_URI="host=$dir port=5432 user=cardissue dbname=cardissue"
export CI_TEST_PG_LOG=$dir/postgres.log
export CI_TEST_PG_BIN=$bindir
export CI_TEST_PG_DATA=$dir/data
export CI_TEST_PG_CTL=$self
export CI_TEST_PG_SUPERVISOR=$$
signalled=
trap on_crash USR1
trap on_start USR2
cd "$OLDPWD" || exit 1
# In the background, so that a signal to this script runs the traps at once
# (bash runs them only once a foreground command has ended); its standard
# input is /dev/null. A trap for --crash or --start ends the wait early: the
# command goes on, and so does the wait.
"$@" &
command_pid=$!
while :; do
  signalled=
  wait "$command_pid"
  rc=$?
  [[ -n $signalled ]] || break
done
command_pid=
if [[ $rc -ne 0 && -n ${CI_TEST_SHOW_PG_LOG:-} ]]; then
  tail -n 200 "$dir/postgres.log" >&2
fi
exit $rc
