#!/bin/bash
# test-card-tearing.sh — power cut after APDU k, for every k of an issue.
#
# For k = 1, 2, … the virtual card loses power right after the k-th command
# (its effect kept, its answer lost), as when a card is pulled mid-write. The
# card goes back in and `card issue` runs again: it must end with a card that
# verifies, one card record in state active, the cut in the audit log as a
# failed step, and an audit log that verifies.
# The loop ends at the first k past the issue's last APDU. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-tearing.XXXXXX")
reader="Virtual PCD 00 00"
card_pid=
n=0
failed=0

cleanup() {
  [[ -n $card_pid ]] && kill "$card_pid" 2>/dev/null
  wait 2>/dev/null
  database_drop
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/card-test-lib.sh"
export CARDISSUE_OPERATOR=hr

card_in() {
  "$vcard" run --quiet --image "$work/card.img" --port "$port" "$@" &
  card_pid=$!
  wait_for 0 "card present"
}

cli demo >/dev/null 2>&1
ok $? "demo database"
{
  echo "employee_number,given_name,family_name,valid_from,valid_until,department"
  for i in $(seq 1 80); do echo "T-$i,Tess,Tearing $i,2026-01-01,2030-12-31,Test"; done
} > "$work/people.csv"
cli employee import "$work/people.csv" >/dev/null
ok $? "enroll 80 employees"
CARDISSUE_OPERATOR=security cli issuer certificate --output "$work/issuer.der" >/dev/null

failed_entries() {
  CARDISSUE_OPERATOR=security cli audit export 2>/dev/null | grep -c '"outcome":"failed"'
}

before_failed=0
for k in $(seq 1 80); do
  "$vcard" blank --image "$work/card.img" >/dev/null
  card_in --power-cut-after "$k"
  cli card issue "T-$k" --reader "$reader" > "$work/first.txt" 2>&1
  first=$?
  if [[ $first -eq 0 ]]; then
    # k is past the last APDU: the issue never saw a cut.
    kill "$card_pid" 2>/dev/null; wait "$card_pid" 2>/dev/null; card_pid=
    echo "# an issue takes $((k - 1)) APDUs"
    ok 0 "no cut after the last APDU ($((k - 1)))"
    break
  fi
  wait "$card_pid"; rc=$?; card_pid=
  now_failed=$(failed_entries)
  logged=$((now_failed - before_failed))
  wait_for 0 "empty"
  card_in
  cli card issue "T-$k" --reader "$reader" > "$work/second.txt" 2>&1
  second=$?
  out=$(CARDISSUE_OPERATOR=security cli card verify --reader "$reader" \
        --issuer-cert "$work/issuer.der" 2>&1)
  verdict=$?
  cards=$(cli employee show "T-$k" | grep '^card:')
  kill "$card_pid" 2>/dev/null; wait "$card_pid" 2>/dev/null; card_pid=
  wait_for 0 "empty"
  before_failed=$(failed_entries)
  if [[ $rc -eq 3 && $logged -ge 1 && $second -eq 0 && $verdict -eq 0 \
        && $(wc -l <<<"$cards") -eq 1 && $cards == *active ]]; then
    ok 0 "cut after APDU $k: the re-run finishes the card"
  else
    ok 1 "cut after APDU $k: the re-run finishes the card"
    echo "# card program exit $rc; first run:"; sed 's/^/#   /' "$work/first.txt"
    echo "# second run (exit $second):"; sed 's/^/#   /' "$work/second.txt"
    echo "# verify (exit $verdict): $out"
    echo "# records: $cards"
    echo "# failed steps logged for the cut: $logged"
  fi
done
CARDISSUE_OPERATOR=security cli audit verify >/dev/null
ok $? "the audit chain verifies"
echo "1..$n"
exit $failed
