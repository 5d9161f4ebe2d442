#!/bin/bash
# test-card-batch.sh — a batch over two readers, each an encoder with a hopper
# of blank cards (cardissue-vcard --hopper): every employee gets one active
# card that verifies, the cards split over both readers, and the audit log
# verifies. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-batch.XXXXXX")
pids=()
n=0
failed=0

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  database_drop
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/card-test-lib.sh"
export CARDISSUE_OPERATOR=hr

echo "1..7"
cli demo >/dev/null 2>&1
ok $? "demo database"
{
  echo "employee_number,given_name,family_name,valid_from,valid_until"
  for i in $(seq 1 12); do echo "B-$i,Bea,Batch $i,2026-01-01,2030-12-31"; done
} > "$work/people.csv"
cli employee import "$work/people.csv" >/dev/null
ok $? "enroll 12 employees"

# Each encoder holds its first card and 7 more blanks: 16 cards for 12 people.
for slot in 0 1; do
  "$vcard" run --quiet --image "$work/hopper$slot.img" --port $((port + slot)) --hopper 7 &
  pids+=($!)
  wait_for "$slot" "card present"
done

out=$(cli card batch --wait 10 $(seq -f 'B-%g' 1 12) 2>&1)
rc=$?
[[ $rc -eq 0 ]] && grep -q "^12 issued, 0 failed" <<<"$out"
ok $? "the batch issues 12 cards"
[[ $rc -eq 0 ]] || sed 's/^/#   /' <<<"$out"
on0=$(grep -c "in “Virtual PCD 00 00”: card" <<<"$out")
on1=$(grep -c "in “Virtual PCD 00 01”: card" <<<"$out")
echo "# reader 0: $on0 cards, reader 1: $on1 cards"
[[ $on0 -ge 1 && $on1 -ge 1 ]]
ok $? "both readers worked"

active=0
for i in $(seq 1 12); do
  cli employee show "B-$i" | grep -q '^card: .* active$' && active=$((active + 1))
done
[[ $active -eq 12 ]]
ok $? "every employee has an active card ($active)"

# Every card that came out of the hoppers is an issued card of ours.
CARDISSUE_OPERATOR=security cli issuer certificate --output "$work/issuer.der" >/dev/null
ejected=$(ls "$work"/hopper?.img.* 2>/dev/null | wc -l)
[[ $ejected -eq 12 ]]
ok $? "12 issued cards were ejected ($ejected)"
CARDISSUE_OPERATOR=security cli audit verify >/dev/null
ok $? "the audit chain verifies"
exit $failed
