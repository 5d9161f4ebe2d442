#!/bin/bash
# with-pcscd.sh — runs a command next to a private pcscd with the vpcd virtual
# reader driver, then stops it, also when the command fails or is killed.
#
#   with-pcscd.sh COMMAND [ARG...]
#
# pcscd 1.9 always puts its socket in /run/pcscd, so it runs in a mount
# namespace of its own where /run/pcscd is a temporary directory; clients
# reach it through PCSCLITE_CSOCK_NAME. Its vpcd readers listen on a free port
# pair, so several test programs (and a desk's own pcscd) can run at once.
#
# Exported to COMMAND:
#   PCSCLITE_CSOCK_NAME   the private pcscd's socket
#   CI_TEST_VPCD_PORT     TCP port of "Virtual PCD 00 00"; +1 for "… 00 01"
#   CI_TEST_PCSCD_LOG     pcscd's log, for failures (CI_TEST_PCSCD_APDU=1 adds
#                         every APDU to it: test PINs only, never a real card)
set -u

driver=/usr/lib/pcsc/drivers/serial/libifdvpcd.so
if [[ ! -e $driver ]] || ! command -v pcscd >/dev/null; then
  echo "with-pcscd.sh: pcscd or vsmartcard-vpcd is not installed (run scripts/deps.sh)" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cardissue-pcscd.XXXXXX")
pcscd_pid=

cleanup() {
  if [[ -n $pcscd_pid ]]; then
    kill "$pcscd_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pcscd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pcscd_pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port_pair() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(20000, 60000, 2)
    socks = []
    try:
        for q in (p, p + 1):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", q)); socks.append(s)
        print(p); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}

port=$(free_port_pair)
mkdir -p "$dir/run" "$dir/conf" /run/pcscd 2>/dev/null
cat > "$dir/conf/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$port
LIBPATH      $driver
CHANNELID    $port
CONF

ns=(unshare --mount)
[[ $(id -u) -ne 0 ]] && ns=(unshare --map-root-user --mount)
"${ns[@]}" sh -c 'mount --bind "$1/run" /run/pcscd && exec pcscd --foreground $2 --config "$1/conf"' \
  sh "$dir" "${CI_TEST_PCSCD_APDU:+--apdu}" > "$dir/pcscd.log" 2>&1 &
pcscd_pid=$!

for _ in $(seq 100); do
  [[ -S $dir/run/pcscd.comm ]] && break
  kill -0 "$pcscd_pid" 2>/dev/null || break
  sleep 0.05
done
if [[ ! -S $dir/run/pcscd.comm ]]; then
  echo "with-pcscd.sh: pcscd did not start:" >&2
  cat "$dir/pcscd.log" >&2
  exit 1
fi

export PCSCLITE_CSOCK_NAME=$dir/run/pcscd.comm
export CI_TEST_VPCD_PORT=$port
export CI_TEST_PCSCD_LOG=$dir/pcscd.log
"$@"
rc=$?
if [[ $rc -ne 0 && -n ${CI_TEST_SHOW_PCSCD_LOG:-} ]]; then
  tail -n 200 "$dir/pcscd.log" >&2
fi
exit $rc
