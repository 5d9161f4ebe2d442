#!/bin/bash
# with-xvfb.sh — runs a command on a private X server (Xvfb), then stops it,
# also when the command fails or is killed. GUI tests run the real
# application on it.
#
#   with-xvfb.sh COMMAND [ARG...]
set -u

if ! command -v Xvfb >/dev/null; then
  echo "with-xvfb.sh: Xvfb is not installed (run scripts/deps.sh)" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cardissue-xvfb.XXXXXX")
xvfb_pid=
cleanup() {
  if [[ -n $xvfb_pid ]]; then
    kill "$xvfb_pid" 2>/dev/null
    wait "$xvfb_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Xvfb picks a free display itself and writes its number to the fd we give.
exec 3>"$dir/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$dir/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 100); do
  [[ -s $dir/display ]] && break
  sleep 0.05
done
if [[ ! -s $dir/display ]]; then
  echo "with-xvfb.sh: Xvfb did not start:" >&2
  cat "$dir/xvfb.log" >&2
  exit 1
fi

export DISPLAY=":$(head -n1 "$dir/display")"
export GDK_BACKEND=x11
# No GPU here: GTK draws with cairo, the same on every machine, and never loads
# a GL driver.
export GSK_RENDERER=cairo
export GDK_DEBUG=gl-disable
# A private session bus: GApplication and GTK expect one, as on a desktop.
if command -v dbus-run-session >/dev/null; then
  dbus-run-session -- "$@"
else
  "$@"
fi
