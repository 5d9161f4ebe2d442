#!/bin/bash
# with-softhsm.sh — runs a command next to a fresh SoftHSM2 token of its own,
# then removes the token, also when the command fails or is killed.
#
#   with-softhsm.sh COMMAND [ARG...]
#
# The token lives in a temporary directory named by a private softhsm2.conf
# (SOFTHSM2_CONF), so nothing of the machine's own tokens is seen or touched
# and several test programs can run at once. Exits 77 (skipped) when SoftHSM2
# is not installed.
#
# Exported to COMMAND:
#   SOFTHSM2_CONF        the private configuration
#   CI_TEST_P11_MODULE   the PKCS#11 module (libsofthsm2.so)
#   CI_TEST_P11_TOKEN    the label of the empty, initialised token
#   CI_TEST_P11_PIN      its user PIN (test PINs only)
#   CI_TEST_P11_SO_PIN   its security officer PIN
set -u

module=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/*/softhsm/libsofthsm2.so; do
  [[ -e $m ]] && { module=$m; break; }
done
if [[ -z $module ]] || ! command -v softhsm2-util >/dev/null; then
  echo "with-softhsm.sh: SoftHSM2 is not installed (run scripts/deps.sh)" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cardissue-softhsm.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

mkdir "$dir/tokens"
cat > "$dir/softhsm2.conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
slots.mechanisms = ALL
library.reset_on_fork = false
CONF

export SOFTHSM2_CONF=$dir/softhsm2.conf
export CI_TEST_P11_MODULE=$module
export CI_TEST_P11_TOKEN=CardIssue-test
export CI_TEST_P11_PIN=test-user-pin-1234
export CI_TEST_P11_SO_PIN=test-so-pin-5678

if ! out=$(softhsm2-util --init-token --free --label "$CI_TEST_P11_TOKEN" \
             --so-pin "$CI_TEST_P11_SO_PIN" --pin "$CI_TEST_P11_PIN" 2>&1); then
  echo "with-softhsm.sh: could not create the test token:" >&2
  echo "$out" >&2
  exit 1
fi

"$@"
