#!/bin/bash
# test-card-cli.sh — issue, verify, change access, block, deny-list, reissue
# and a clone, through cardissue-cli, the real pcscd (tests/with-pcscd.sh) and
# virtual cards. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-card-cli.XXXXXX")
r0="Virtual PCD 00 00"
r1="Virtual PCD 00 01"
pids=()
n=0
failed=0

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/card-test-lib.sh"

# expect NAME EXPECTED-EXIT PATTERN COMMAND… — runs, checks exit code and output
expect() {
  local name=$1 want=$2 pattern=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [[ $rc -eq $want ]] && grep -q -- "$pattern" <<<"$out"; then ok 0 "$name"
  else ok 1 "$name"; echo "# exit $rc (wanted $want), output:"; sed 's/^/#   /' <<<"$out"; fi
  last_output=$out
}

# card_in SLOT IMAGE [OPTIONS…]: a virtual card goes into reader SLOT
card_in() {
  local slot=$1 image=$2; shift 2
  "$vcard" run --quiet --image "$image" --port $((port + slot)) "$@" &
  pids+=($!)
  eval "card_pid_$slot=$!"
  wait_for "$slot" "card present"
}

card_out() {
  local slot=$1 pid
  eval "pid=\$card_pid_$slot"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  wait_for "$slot" "empty"
}

echo "1..29"
cli demo >/dev/null 2>&1
ok $? "demo database"

card_in 0 "$work/a.img"
expect "HR issues a first card" 0 "is active" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card issue E-1001 --reader "$r0"
serial=$(sed -n 's/^Card \([0-9]\{10\}\) is active.*/\1/p' <<<"$last_output")
grep -q "holder's PIN is [0-9]\{6\}\." <<<"$last_output"
ok $? "a 6-digit PIN is generated and shown once"
expect "an issued card is not written over" 1 "belongs\|is card $serial" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card issue E-1002 --reader "$r0"
card_in 1 "$work/b.img"
expect "a second first card for the same employee is refused" 5 "already has an active card" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card issue E-1001 --reader "$r1"
CARDISSUE_OPERATOR=security cli audit export 2>/dev/null \
  | grep -q '"action":"card.issue.check".*"outcome":"failed","reason":"E-1001 already has an active card'
ok $? "the refusal is in the audit log"

export CARDISSUE_OPERATOR=security
expect "issuer certificate" 0 "written" cli issuer certificate --output "$work/issuer.der"
openssl x509 -inform DER -in "$work/issuer.der" -noout -subject | grep -q "CardIssue issuer"
ok $? "openssl reads the issuer certificate"
expect "the door reader says valid" 0 "^valid: Card $serial" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"

# The profile's APDUs for what anyone may read, sent by another PC/SC tool.
out=$(opensc-tool -r 0 -s "00 A4 04 0C 0B F0 43 41 52 44 49 53 53 55 45 01" -s "00 B0 81 00 32" 2>&1)
got=$(awk '/^Received \(SW1=0x90, SW2=0x00\)/ { f = 1; next } /^Sending/ { f = 0 }
           f { printf "%s ", substr($0, 1, 48) }' <<<"$out" | tr -s ' ')
sn_hex=$(printf '%s' "$serial" | od -An -tx1 | tr -d ' \n' | tr a-f A-F | sed 's/../& /g;s/ $//')
[[ $got == "E0 30 80 01 01 81 0A $sn_hex 82 01 01 83 08 "* && $(wc -w <<<"$got") -eq 50 ]]
ok $? "opensc-tool reads EF.CARD exactly as the profile describes"

cli zone list >/dev/null
expect "security grants one more zone" 0 "" cli grant add E-1001 HQ-A-SERVER
expect "change of access re-encodes the card" 0 "current zones" cli card change-access --reader "$r0"
expect "the door reader sees the new zone" 0 "3 zone(s)" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"
expect "HR may not change access" 3 "does not allow" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card change-access --reader "$r0"

expect "front desk reports the card lost" 0 "now lost" \
  env CARDISSUE_OPERATOR=frontdesk "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card set-state "$serial" lost
expect "deny list" 0 "written" cli deny-list export --output "$work/deny.crl"
openssl crl -inform DER -in "$work/deny.crl" -noout -text > "$work/crl.txt"
ok $? "openssl crl -inform DER reads the deny list"
grep -q "Serial Number: $(printf '%02X' "$((10#$serial))")" "$work/crl.txt"
ok $? "the lost card is on it"
expect "the door reader says revoked" 5 "^revoked:" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der" --deny-list "$work/deny.crl"

expect "front desk issues the replacement" 0 "is active" \
  env CARDISSUE_OPERATOR=frontdesk "$cli_bin" --database "$work/db" --keystore "$work/keys" \
  card reissue E-1001 "$serial" --reader "$r1"
new_serial=$(sed -n 's/^Card \([0-9]\{10\}\) is active.*/\1/p' <<<"$last_output")
expect "the replacement carries the same zones" 0 "^valid: Card $new_serial .*3 zone(s)" \
  cli card verify --reader "$r1" --issuer-cert "$work/issuer.der" --deny-list "$work/deny.crl"

# A copy of every readable file on a programmable card: the challenge fails.
expect "copy every readable file" 0 "EF.SIGNATURE" cli card dump --reader "$r1" --output "$work/copy"
card_out 0
args=()
for f in C001 C002 C003 C004 C005; do
  args+=(--file "$f=$(od -An -tx1 -v "$work/copy/$f.bin" | tr -d ' \n')")
done
"$vcard" forge --image "$work/clone.img" "${args[@]}" >/dev/null
ok $? "forge a clone"
card_in 0 "$work/clone.img"
expect "the door reader says clone" 5 "^clone:" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"
card_out 0

# The same pipeline with a T=0 card (61xx, 6Cxx) and with a 64-byte buffer.
export CARDISSUE_OPERATOR=hr
card_in 0 "$work/t0.img" --protocol t0
expect "issue on a T=0 card" 0 "is active" cli card issue E-1002 --reader "$r0"
expect "verify the T=0 card" 0 "^valid:" cli --operator security card verify --reader "$r0" \
  --issuer-cert "$work/issuer.der"
card_out 0
card_in 0 "$work/small.img" --max-apdu 64
expect "issue on a card with 64-byte APDUs" 0 "is active" cli card issue E-1003 --reader "$r0"
expect "verify the small-buffer card" 0 "^valid:" cli --operator security card verify \
  --reader "$r0" --issuer-cert "$work/issuer.der"
expect "the audit chain verifies" 0 "" cli --operator security audit verify

exit $failed
