#!/bin/bash
# test-pg-outage.sh — the PostgreSQL server dies during a batch. One desk runs
# `card batch` for 13 employees over two readers, and the server is killed
# hard (every server process at once, SIGKILL) and started again twice:
#
# 1. while the batch waits for cards to be put in: once they come, it must go
#    on as if nothing had happened (it connects again by itself);
# 2. while a card is being written, for 2 s, in which one more blank card is
#    put in: each card that fails says that the database is out of reach,
#    nothing hangs or crashes, and once the server is back the batch goes on
#    with the employees it had not reached.
#
# Then the desk recovers: a card that verifies but is not active in the
# database (written while the server was down) is put in again and issued to
# its holder once more, and a second batch covers whoever is left and a 14th
# employee. In the end every employee has one active card that verifies,
# every card that verifies is an active record, what was committed before
# each kill is still there, and the audit chain verifies.
#
# The test plays the operator: it puts a blank card into a reader, and takes
# it out once the batch has reported on it. Runs under with-postgres.sh and
# with-pcscd.sh. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
: "${CI_TEST_PG_CTL:?run under tests/with-postgres.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-outage.XXXXXX")
card_pids=("" "")
batch_pid=
n=0
failed=0

cleanup() {
  for p in "$batch_pid" "${card_pids[@]}"; do [[ -n $p ]] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
source "$(dirname "$0")/card-test-lib.sh"
export CARDISSUE_OPERATOR=hr
# A commit that fails is logged (g_warning, g_critical) as well as reported
# to the desk. The suite's fatal-warnings would turn the first of those into
# an abort that no desk ever sees; what is checked here is what the desk sees.
export G_DEBUG=gc-friendly

readers=("Virtual PCD 00 00" "Virtual PCD 00 01")
people=$(seq -f 'O-%g' 1 13)
cli() { "$cli_bin" --database "$CI_TEST_PG_URI" --keystore "$work/keys" --desk desk-o "$@"; }
sec() { CARDISSUE_OPERATOR=security cli "$@"; }
running() { kill -0 "$1" 2>/dev/null; }

# take_out SLOT — the card in SLOT's reader comes out (its image stays)
take_out() {
  if [[ -n ${card_pids[$1]} ]]; then
    kill "${card_pids[$1]}" 2>/dev/null
    wait "${card_pids[$1]}" 2>/dev/null
    card_pids[$1]=
  fi
}

# put_in SLOT [ARG…] — a new blank card into SLOT's reader instead of the one
# in it, once the reader saw that one go. Each command to a card takes 20 ms,
# so that a card is being written long enough for the server to die meanwhile.
cards=0
put_in() {
  local s=$1
  shift
  take_out "$s"
  wait_for "$s" "empty"
  cards=$((cards + 1))
  "$vcard" run --quiet --image "$work/card$cards.img" --port $((port + s)) --latency-ms 20 "$@" &
  card_pids[s]=$!
  echo "$work/card$cards.img" > "$work/in$s"
}

# results [READER] — the batch's report on each card, or on READER's cards
# shellcheck disable=SC1111 # the CLI puts reader names in “quotes”
results() { grep -E "^\[[0-9]+/[0-9]+\] O-[0-9]+ in “${1:-.*}”: " "$work/batch.out"; }
active_results() { results | grep -cE ': card [0-9]+ active'; }

# operate [MAX] — once the batch reported on the card in a reader, the card
# comes out and the next blank one goes in, up to MAX cards in all
reported=(0 0)
operate() {
  local s now
  for s in 0 1; do
    now=$(results "${readers[s]}" | wc -l)
    [[ $now -gt ${reported[s]} && $cards -lt ${1:-99} ]] || continue
    put_in "$s"
    reported[s]=$now
  done
}

# The card in SLOT's reader is half written (its application in initialisation).
being_written() { "$vcard" show --image "$(cat "$work/in$1")" 2>/dev/null | grep -q 'in state 03'; }

# snapshot NAME — the card records and the audit chain as committed now
snapshot() {
  sql "SELECT serial, employee_id, state FROM card ORDER BY serial" > "$work/$1.cards"
  sql "SELECT seq, encode(hash, 'hex') FROM audit ORDER BY seq" > "$work/$1.audit"
}

# kept NAME — whether what the snapshot held is still there: each card record
# for the same employee, in its state or further along the way to active
# (requested 0 … active 3), and the audit chain's entries as they were
kept() {
  local lost
  lost=$(sql "SELECT serial, employee_id, state FROM card" \
         | awk -F'|' 'NR == FNR { employee[$1] = $2; state[$1] = $3; next }
                      !($1 in employee) { print "card " $1 " is gone"; next }
                      employee[$1] != $2 || state[$1] < $3 || ($3 > 3 && state[$1] != $3) {
                        print "card " $1 " was " $2 "|" $3 ", is " employee[$1] "|" state[$1] }' \
               - "$work/$1.cards")
  if ! sql "SELECT seq, encode(hash, 'hex') FROM audit ORDER BY seq" \
       | head -n "$(wc -l < "$work/$1.audit")" | cmp -s - "$work/$1.audit"; then
    lost+=" the audit entries up to $(tail -n 1 "$work/$1.audit" | cut -d'|' -f1) changed"
  fi
  [[ -z $lost ]] || echo "# $lost"
  [[ -z $lost && -s $work/$1.cards ]]
}

echo "1..16"
cli demo >/dev/null 2>&1
ok $? "demo database on PostgreSQL"
{
  echo "employee_number,given_name,family_name,valid_from,valid_until"
  for i in $(seq 1 14); do echo "O-$i,Otto,Outage $i,2026-01-01,2030-12-31"; done
} > "$work/people.csv"
cli employee import "$work/people.csv" >/dev/null
ok $? "enroll 14 employees"
sec issuer certificate --output "$work/issuer.der" >/dev/null

for s in 0 1; do
  put_in "$s"
  wait_for "$s" "card present"
done
# shellcheck disable=SC2086 # one word per employee number
timeout -k 5 150 "$cli_bin" --database "$CI_TEST_PG_URI" --keystore "$work/keys" --desk desk-o \
  card batch --wait 30 $people > "$work/batch.out" 2> "$work/batch.err" &
batch_pid=$!

# 1. Four cards, and no fifth: the batch waits, the last two still in.
while [[ $(results | wc -l) -lt 4 ]] && running "$batch_pid"; do
  operate 4
  sleep 0.05
done
snapshot idle
"$CI_TEST_PG_CTL" --crash
sleep 1
"$CI_TEST_PG_CTL" --start
kept idle
ok $? "what was committed before the first kill is still there"
up_at=$(wc -l < "$work/batch.out")

# 2. Once the batch went on, the server dies while a card is being written.
while [[ $(results | wc -l) -lt 8 ]] && running "$batch_pid"; do
  operate
  sleep 0.05
done
[[ $(active_results) -eq 8 ]]
ok $? "the batch went on by itself after the server came back"
tail -n +$((up_at + 1)) "$work/batch.out" | grep ': FAILED: ' | sed 's/^/#   /'
while ! being_written 0 && ! being_written 1 && running "$batch_pid"; do
  operate
  sleep 0.01
done
snapshot busy
"$CI_TEST_PG_CTL" --crash
# Nobody at the desk knows yet: one more card goes in.
last=$((cards + 1))
for _ in $(seq 40); do
  operate "$last"
  sleep 0.05
done
"$CI_TEST_PG_CTL" --start
kept busy
ok $? "what was committed before the second kill is still there"
up_at=$(wc -l < "$work/batch.out")
while running "$batch_pid"; do
  operate
  sleep 0.05
done
wait "$batch_pid"
rc=$?
batch_pid=
echo "# the batch (exit $rc):"
sed 's/^/#   /' "$work/batch.out"
# Warnings and criticals on the way are the store's failures, logged; a
# crash, a sanitizer's report or a hang is not.
echo "# the batch logged $(grep -c 'WARNING' "$work/batch.err") warning(s) and" \
     "$(grep -c 'CRITICAL' "$work/batch.err") critical(s)"
! grep -Eq 'runtime error|Sanitizer' "$work/batch.err" && [[ $rc -le 1 ]]
ok $? "the batch ended by itself and did not crash"

unclear=$(results | grep ': FAILED: ' | grep -v 'Cannot reach the database')
echo "# $(results | grep -c ': FAILED: ') card(s) failed"
[[ -z $unclear ]]
ok $? "each card that failed says the database could not be reached"
[[ -n $unclear ]] && sed 's/^/#   unclear: /' <<<"$unclear"
tail -n +$((up_at + 1)) "$work/batch.out" | grep -qE ': card [0-9]+ active'
ok $? "the batch issued cards again once the server was back"
! grep -q ': not issued: ' "$work/batch.out"
ok $? "the batch reached every employee"
for s in 0 1; do take_out "$s"; done

# ─── the cards ───────────────────────────────────────────────────────────
# check IMAGE — the card put into reader 0 and checked as a door would; a
# line "IMAGE|digest|verdict: reason" in physical, kept while the image stays
touch "$work/physical"
check() {
  local digest verdict
  digest=$(md5sum < "$1")
  grep -qF "$1|$digest|" "$work/physical" && return
  wait_for 0 "empty"
  "$vcard" run --quiet --image "$1" --port "$port" &
  card_pids[0]=$!
  wait_for 0 "card present"
  verdict=$(sec card verify --reader "${readers[0]}" --issuer-cert "$work/issuer.der" 2>&1)
  take_out 0
  sed -i "\\#^$1|#d" "$work/physical"
  echo "$1|$(md5sum < "$1")|$verdict" >> "$work/physical"
}
check_all() {
  for img in "$work"/card*.img*; do
    "$vcard" show --image "$img" | grep -q 'none (blank card)' || check "$img"
  done
}
# serial|holder of the cards that verify, and of the active records
valid_cards() {
  sed -nE 's/^[^|]*\|[^|]*\|valid: Card ([0-9]+) of (.*), [0-9]+ zone.*/\1|\2/p' "$work/physical" \
    | awk -F'|' '{ printf "%d|%s\n", $1, $2 }' | sort
}
active_records() {
  sql "SELECT c.serial, e.given_name || ' ' || e.family_name FROM card c
       JOIN employee e ON e.id = c.employee_id WHERE c.state = 3" | sort
}
check_all

# ─── recovery ────────────────────────────────────────────────────────────
# A card that verifies but is not active was written while its steps could
# not be recorded: it goes in again, for its holder.
bad=0
unrecorded=$(comm -13 <(active_records) <(valid_cards))
while IFS='|' read -r serial holder; do
  [[ -n $serial ]] || continue
  number=$(sql "SELECT e.number FROM card c JOIN employee e ON e.id = c.employee_id
                WHERE c.serial = $serial")
  img=$(grep -E "\|valid: Card 0*$serial of " "$work/physical" | cut -d'|' -f1)
  wait_for 0 "empty"
  "$vcard" run --quiet --image "$img" --port "$port" &
  card_pids[0]=$!
  wait_for 0 "card present"
  out=$(cli card issue "${number:-?}" --reader "${readers[0]}" 2>&1)
  r=$?
  take_out 0
  echo "# card $serial of $holder (${number:-no record}) put in again (exit $r):"
  sed 's/^/#   /' <<<"$out"
  [[ $r -eq 0 && $out =~ Card\ 0*$serial\ is\ active\. ]] || bad=1
  # A PIN the desk hands out must be the one the card holds.
  told=$(sed -n "s/^The holder's PIN is \([0-9]*\)\..*/\1/p" <<<"$out")
  held=$(sed -n 's/^pin=//p' "$img")
  held=$(printf '%b' "$(sed 's/ff*$//; s/../\\x&/g' <<<"$held")")
  if [[ -n $told && $told != "$held" ]]; then
    bad=1
    echo "# the holder is told PIN $told; the card's PIN is $held"
  fi
done <<<"$unrecorded"
echo "# $(grep -c . <<<"$unrecorded") card(s) verified without an active record"
ok $bad "each of them is active once put in again, and the holder gets its PIN"

# Whoever is left gets a card from a second batch, on two encoders with a
# stack of blank cards each, and so does O-14, whom the first one left out.
left=()
for p in $people; do
  cli employee show "$p" | grep -q '^card: .* active$' || left+=("$p")
done
left+=(O-14)
echo "# the second batch: ${left[*]}"
for s in 0 1; do
  put_in "$s" --hopper 6
  wait_for "$s" "card present"
done
out=$(timeout -k 5 60 "$cli_bin" --database "$CI_TEST_PG_URI" --keystore "$work/keys" \
      --desk desk-o card batch --wait 10 "${left[@]}" 2>&1)
r=$?
sed 's/^/#   /' <<<"$out"
[[ $r -eq 0 ]] && grep -q "^${#left[@]} issued, 0 failed" <<<"$out"
ok $? "a second batch at the same desk issues the rest"
for s in 0 1; do take_out "$s"; done
check_all

# ─── the outcome ─────────────────────────────────────────────────────────
counts=$(sql "SELECT e.number, count(c.serial) FILTER (WHERE c.state = 3), count(c.serial)
              FROM employee e LEFT JOIN card c ON c.employee_id = e.id
              WHERE e.number LIKE 'O-%' GROUP BY e.number ORDER BY e.number")
echo "# card records (employee|active|all): $(tr '\n' ' ' <<<"$counts")"
[[ $(wc -l <<<"$counts") -eq 14 && -z $(awk -F'|' '$2 != 1' <<<"$counts") ]]
ok $? "every employee has exactly one active card"

echo "# $(wc -l < "$work/physical") cards written, $(valid_cards | wc -l) verify"
grep -v '|valid: ' "$work/physical" | sed 's/^/#   does not verify: /'
[[ -n $(active_records) && "$(active_records)" == "$(valid_cards)" ]]
ok $? "the cards that verify are exactly the active records"
comm -23 <(active_records) <(valid_cards) | sed 's/^/#   active record, no valid card: /'
comm -13 <(active_records) <(valid_cards) | sed 's/^/#   valid card, no active record: /'
[[ -z $(sed -nE 's/.*\|valid: Card ([0-9]+) .*/\1/p' "$work/physical" | sort | uniq -d) ]]
ok $? "no serial is on two cards"

kept idle && kept busy
ok $? "what was committed before the kills is still there at the end"
out=$(sec audit verify 2>&1)
r=$?
echo "# $out"
[[ $r -eq 0 && $out == *intact ]]
ok $? "the audit chain verifies"
exit $failed
