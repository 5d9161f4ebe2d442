#!/bin/bash
# test-card-pkcs11.sh — the key store in a PKCS#11 token, end to end through
# cardissue-cli: cards issued with the keys in a SoftHSM2 token verify like
# cards issued from a key file; a first run makes its keys in a token; a key
# file is moved into a token once, and the cards it issued keep working.
# Runs under tests/with-softhsm.sh and tests/with-pcscd.sh. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
module=${CI_TEST_P11_MODULE:?}
token=${CI_TEST_P11_TOKEN:?}
pin=${CI_TEST_P11_PIN:?}
so_pin=${CI_TEST_P11_SO_PIN:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-card-pkcs11.XXXXXX")
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
unset CARDISSUE_KEYSTORE_PASSPHRASE
export CARDISSUE_KEYSTORE_PIN=$pin

# expect NAME EXPECTED-EXIT PATTERN COMMAND… — runs, checks exit code and output
expect() {
  local name=$1 want=$2 pattern=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [[ $rc -eq $want ]] && grep -q -- "$pattern" <<<"$out"; then ok 0 "$name"
  else ok 1 "$name"; echo "# exit $rc (wanted $want), output:"; sed 's/^/#   /' <<<"$out"; fi
  last_output=$out
}

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

# uri LABEL — the key store location of a token
uri() { printf 'pkcs11:token=%s?module-path=%s' "$1" "$module"; }

# new_token LABEL — one more empty token beside the first
new_token() {
  softhsm2-util --init-token --free --label "$1" --so-pin "$so_pin" --pin "$pin" >/dev/null
}

# at DB KEYSTORE COMMAND… — cardissue-cli on another database and key store
at() {
  local db=$1 ks=$2; shift 2
  "$cli_bin" --database "$work/$db" --keystore "$ks" --desk test "$@"
}

serial_of() { sed -n 's/^Card \([0-9]\{10\}\) is active.*/\1/p' <<<"$1"; }

pubkey() { openssl x509 -inform DER -in "$1" -noout -pubkey; }

echo "1..36"

# ---- a desk whose keys were made in the token ---------------------------
t1=$(uri "$token")
expect "demo database with its keys made in the token" 0 "the token's PIN" at db "$t1" demo
expect "no key file was written" 0 "" test ! -e "$work/keys"

card_in 0 "$work/a.img"
expect "HR issues a card with the keys in the token" 0 "is active" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db" --keystore "$t1" --desk test \
  card issue E-1001 --reader "$r0"
serial=$(serial_of "$last_output")

export CARDISSUE_OPERATOR=security
expect "issuer certificate, signed in the token" 0 "written" \
  at db "$t1" issuer certificate --output "$work/issuer.der"
openssl x509 -inform DER -in "$work/issuer.der" -out "$work/issuer.pem"
openssl verify -CAfile "$work/issuer.pem" "$work/issuer.pem" >/dev/null
ok $? "openssl verifies the certificate's self-signature"
expect "the door reader says valid" 0 "^valid: Card $serial" \
  at db "$t1" card verify --reader "$r0" --issuer-cert "$work/issuer.der"

# The per-card admin key written at issue is derived in the token again.
expect "security grants one more zone" 0 "" at db "$t1" grant add E-1001 HQ-A-SERVER
expect "change of access through secure messaging with a token-derived key" 0 "current zones" \
  at db "$t1" card change-access --reader "$r0"
expect "the door reader sees the new zone" 0 "^valid: Card $serial .*3 zone(s)" \
  at db "$t1" card verify --reader "$r0" --issuer-cert "$work/issuer.der"

expect "a wrong PIN is refused" 3 "Wrong PIN for the token" \
  env CARDISSUE_KEYSTORE_PIN=not-the-pin CARDISSUE_OPERATOR=hr \
  "$cli_bin" --database "$work/db" --keystore "$t1" --desk test card issue E-1002 --reader "$r1"
expect "without the PIN the keys stay locked" 3 "locked: unlock it with the token.s PIN" \
  env -u CARDISSUE_KEYSTORE_PIN CARDISSUE_OPERATOR=hr \
  "$cli_bin" --database "$work/db" --keystore "$t1" --desk test card issue E-1002 --reader "$r1"
if grep -rqa -- "$pin" "$work/db"* 2>/dev/null; then ok 1 "the PIN is nowhere in the database"
else ok 0 "the PIN is nowhere in the database"; fi

expect "front desk reports the card lost" 0 "now lost" \
  env CARDISSUE_OPERATOR=frontdesk "$cli_bin" --database "$work/db" --keystore "$t1" \
  --desk test card set-state "$serial" lost
expect "deny list, signed in the token" 0 "written" \
  at db "$t1" deny-list export --output "$work/deny.crl"
openssl crl -inform DER -in "$work/deny.crl" -CAfile "$work/issuer.pem" -noout 2>&1 \
  | grep -q "verify OK"
ok $? "openssl verifies the deny list against the issuer certificate"
expect "the door reader says revoked" 5 "^revoked:" \
  at db "$t1" card verify --reader "$r0" --issuer-cert "$work/issuer.der" \
  --deny-list "$work/deny.crl"
expect "the audit chain and its token-signed checkpoints verify" 0 \
  "[1-9][0-9]* signed checkpoints.*intact" at db "$t1" audit verify
card_out 0

# ---- first run straight into a token ------------------------------------
new_token second
t2=$(uri second)
expect "init makes the keys in an empty token" 0 "generated in the token" \
  at db2 "$t2" init --admin boss
expect "the token already holds keys: a second init is refused" 5 "exists already" \
  at db2b "$t2" init --admin boss
expect "a token that is not there is named" 1 "no token labelled" \
  at db2c "$(uri absent)" init --admin boss

# ---- a key file moved into a token, once --------------------------------
new_token third
t3=$(uri third)
export CARDISSUE_KEYSTORE_PASSPHRASE=demo-keystore-passphrase
expect "demo database with a key file" 0 "passphrase demo-keystore-passphrase" \
  at db3 "$work/keys3" demo
card_in 1 "$work/b.img"
expect "a card issued from the key file" 0 "is active" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db3" --keystore "$work/keys3" \
  --desk test card issue E-1003 --reader "$r1"
serial_b=$(serial_of "$last_output")
expect "issuer certificate from the key file" 0 "written" \
  at db3 "$work/keys3" issuer certificate --output "$work/file-issuer.der"
expect "the token desk's certificate does not vouch for the file desk's card" 5 "^invalid:" \
  at db3 "$work/keys3" card verify --reader "$r1" --issuer-cert "$work/issuer.der"

expect "only an administrator may move the keys" 3 "does not allow" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db3" --keystore "$work/keys3" \
  --desk test keystore migrate-to-token "$t3"
expect "the administrator moves the key file into the token" 0 "keys3.migrated" \
  env CARDISSUE_OPERATOR=admin "$cli_bin" --database "$work/db3" --keystore "$work/keys3" \
  --desk test keystore migrate-to-token "$t3"
[[ ! -e $work/keys3 && -f $work/keys3.migrated ]]
ok $? "the key file is renamed aside"
expect "and moved only once" 1 "holds CardIssue keys already" \
  env CARDISSUE_OPERATOR=admin "$cli_bin" --database "$work/db3" \
  --keystore "$work/keys3.migrated" --desk test keystore migrate-to-token "$t3"

expect "the token's issuer certificate" 0 "written" \
  at db3 "$t3" issuer certificate --output "$work/moved-issuer.der"
[[ $(pubkey "$work/moved-issuer.der") == "$(pubkey "$work/file-issuer.der")" ]]
ok $? "names the same issuer key as the file did"
expect "the card issued from the file verifies with the token's certificate" 0 \
  "^valid: Card $serial_b" \
  at db3 "$t3" card verify --reader "$r1" --issuer-cert "$work/moved-issuer.der"
expect "the token derives the card's admin key as the file did" 0 "current zones" \
  at db3 "$t3" card change-access --reader "$r1"
card_out 1
card_in 1 "$work/c.img"
expect "a new card issued with the moved keys" 0 "is active" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$work/db3" --keystore "$t3" --desk test \
  card issue E-1004 --reader "$r1"
expect "verifies with the certificate made from the file" 0 "^valid:" \
  at db3 "$t3" card verify --reader "$r1" --issuer-cert "$work/file-issuer.der"
expect "the audit chain verifies across the move" 0 "intact" at db3 "$t3" audit verify
at db3 "$t3" audit export 2>/dev/null \
  | grep -q '"operator":"admin".*"action":"keystore.migrate-to-token".*"outcome":"ok"'
ok $? "the move is in the audit log"
card_out 1

exit $failed
