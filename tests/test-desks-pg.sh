#!/bin/bash
# test-desks-pg.sh — two desks, one database: two cardissue-cli processes with
# their own desk ids and encoders run `card batch` at the same time, on one
# PostgreSQL database, over employee lists that overlap. Both start with the
# shared employees, in the same order, so they race for each of them.
#
# Every employee must end with exactly one active card, a card that verifies
# and carries that record's serial; no serial may be on two cards; the desk
# that loses an employee gets a message for that card (shown below) and goes
# on; the audit chain verifies and holds both desks' work.
#
# The test plays the operators: a card that a desk reports as failed is taken
# out of its encoder (its card program stops) and a new stack of blank cards
# goes in, as a desk would do. Runs under with-postgres.sh and with-pcscd.sh.
# TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
: "${CI_TEST_PG_URI:?run under tests/with-postgres.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-desks.XXXXXX")
card_pids=("" "")
desk_pids=("" "")
n=0
failed=0

cleanup() {
  for p in "${desk_pids[@]}" "${card_pids[@]}"; do [[ -n $p ]] && kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
source "$(dirname "$0")/card-test-lib.sh"
export CARDISSUE_OPERATOR=hr

desks=(desk-a desk-b)
readers=("Virtual PCD 00 00" "Virtual PCD 00 01")
# Desk A: the shared 5–12, then its own 1–4; desk B: 5–12, then 13–16.
lists=("$(seq -f 'D-%g' 5 12) $(seq -f 'D-%g' 1 4)" "$(seq -f 'D-%g' 5 16)")

cli() { "$cli_bin" --database "$CI_TEST_PG_URI" --keystore "$work/keys" --desk desk-a "$@"; }

# feed SLOT — a new stack of blank cards into the encoder of SLOT, once the
# reader saw the card that was in it (if any) go. Each command to a card takes 20 ms, so
# that a card takes long enough to write for the other desk to start on the
# same employee meanwhile. What the encoder did goes to encSLOT.log.
feeds=(0 0)
feed() {
  local s=$1
  if [[ -n ${card_pids[s]} ]]; then
    kill "${card_pids[s]}" 2>/dev/null
    wait "${card_pids[s]}" 2>/dev/null
    wait_for "$s" "empty"
  fi
  feeds[s]=$((feeds[s] + 1))
  "$vcard" run --image "$work/enc$s-${feeds[s]}.img" --port $((port + s)) --hopper 14 \
    --latency-ms 20 2>> "$work/enc$s.log" &
  card_pids[s]=$!
}

echo "1..12"
cli demo >/dev/null 2>&1
ok $? "demo database on PostgreSQL"
{
  echo "employee_number,given_name,family_name,valid_from,valid_until"
  for i in $(seq 1 16); do echo "D-$i,Dora,Desk $i,2026-01-01,2030-12-31"; done
} > "$work/people.csv"
cli employee import "$work/people.csv" >/dev/null
ok $? "enroll 16 employees"
CARDISSUE_OPERATOR=security cli issuer certificate --output "$work/issuer.der" >/dev/null

for s in 0 1; do
  feed "$s"
  wait_for "$s" "card present"
done

# Both desks at once; a desk that hangs is stopped after 100 s.
for s in 0 1; do
  # shellcheck disable=SC2086 # one word per employee number
  timeout -k 5 100 "$cli_bin" --database "$CI_TEST_PG_URI" --keystore "$work/keys" \
    --desk "${desks[s]}" card batch --wait 20 --reader "${readers[s]}" ${lists[s]} \
    > "$work/out$s" 2> "$work/err$s" &
  desk_pids[s]=$!
done
# The operators: a failed card comes out, blank cards go in.
handled=(0 0)
while kill -0 "${desk_pids[0]}" 2>/dev/null || kill -0 "${desk_pids[1]}" 2>/dev/null; do
  for s in 0 1; do
    seen=$(grep -c ': FAILED: ' "$work/out$s")
    if [[ $seen -gt ${handled[s]} ]]; then
      handled[s]=$seen
      feed "$s"
    fi
  done
  sleep 0.1
done
rcs=()
for s in 0 1; do
  wait "${desk_pids[s]}"
  rcs[s]=$?
  desk_pids[s]=
  echo "# ${desks[s]} (exit ${rcs[s]}): $(tail -n 1 "$work/out$s")"
done

# 1 (some cards failed) is the loser's due; anything else is a crash or a hang.
bad=0
for s in 0 1; do
  if [[ ${rcs[s]} -gt 1 ]] || grep -Eq 'CRITICAL|WARNING|ERROR|runtime error|Sanitizer' "$work/err$s"; then
    bad=1
    echo "# ${desks[s]} exit ${rcs[s]}, stderr:"
    sed 's/^/#   /' "$work/err$s"
  fi
done
ok $bad "both desks finished their batches without crashing or hanging"

# Every employee of a desk's list was tried with a card of its own.
bad=0
for s in 0 1; do
  tried=$(grep -cE '^\[[0-9]+/[0-9]+\] D-[0-9]+ in ' "$work/out$s")
  if [[ $tried -ne 12 ]] || grep -q ': not issued: ' "$work/out$s"; then
    bad=1
    echo "# ${desks[s]} tried $tried of 12:"
    sed 's/^/#   /' "$work/out$s"
    echo "# its encoder:"
    tail -n 20 "$work/enc$s.log" | sed 's/^/#   /'
  fi
done
ok $bad "each desk tried every employee on its list"

# Who got which card, by the desks' own words.
issued_by() { grep -E "^\[[0-9]+/[0-9]+\] $1 in .*: card [0-9]+ active" "$work/out$2"; }
bad=0
for i in $(seq 1 16); do
  a=$(issued_by "D-$i" 0 | wc -l)
  b=$(issued_by "D-$i" 1 | wc -l)
  if [[ $((a + b)) -ne 1 ]]; then
    bad=1
    echo "# D-$i: desk-a issued $a card(s), desk-b $b"
  fi
done
ok $bad "the desks issued one card per employee between them"

# The loser of each shared employee was told so, card by card.
bad=0
echo "# the losers' messages:"
for i in $(seq 5 12); do
  for s in 0 1; do
    issued_by "D-$i" "$s" >/dev/null && continue
    line=$(grep -E "^\[[0-9]+/[0-9]+\] D-$i in .*: FAILED: " "$work/out$s")
    if [[ -n $line ]]; then
      echo "#   ${desks[s]}: ${line#*: FAILED: }"
    else
      bad=1
      echo "#   ${desks[s]}: no message for D-$i"
    fi
  done
done
ok $bad "the losing desk got a message for each shared employee"

# The database: one active card per employee, and nothing else active.
counts=$(sql "SELECT e.number, count(c.serial) FILTER (WHERE c.state = 3),
                     count(c.serial)
              FROM employee e LEFT JOIN card c ON c.employee_id = e.id
              WHERE e.number LIKE 'D-%' GROUP BY e.number ORDER BY e.number")
wrong=$(awk -F'|' '$2 != 1' <<<"$counts")
[[ $(wc -l <<<"$counts") -eq 16 && -z $wrong ]]
ok $? "the database holds exactly one active card per employee"
[[ -n $wrong ]] && sed 's/^/#   employee|active|records: /' <<<"$wrong"
echo "# card records per employee (number|active|all): $(tr '\n' ' ' <<<"$counts")"
sql "SELECT c.serial, e.number, e.given_name || ' ' || e.family_name FROM card c
     JOIN employee e ON e.id = c.employee_id WHERE c.state = 3 AND e.number LIKE 'D-%'" \
  | sort -t'|' -k1,1 > "$work/active.db"

# The physical cards: every card out of the encoders and every card left in
# them that is not blank goes into a reader again and is checked as a door
# would, against the issuer certificate and the deny list of now.
for s in 0 1; do
  kill "${card_pids[s]}" 2>/dev/null
  wait "${card_pids[s]}" 2>/dev/null
  card_pids[s]=
done
CARDISSUE_OPERATOR=security cli deny-list export --output "$work/deny.crl" >/dev/null
wait_for 0 "empty"
: > "$work/physical"
for img in "$work"/enc*.img*; do
  [[ -e $img ]] || continue
  "$vcard" show --image "$img" | grep -q 'none (blank card)' && continue
  cp "$img" "$work/check.img"
  "$vcard" run --quiet --image "$work/check.img" --port "$port" &
  card_pids[0]=$!
  wait_for 0 "card present"
  verdict=$(CARDISSUE_OPERATOR=security cli card verify --reader "${readers[0]}" \
            --issuer-cert "$work/issuer.der" --deny-list "$work/deny.crl" 2>&1)
  kill "${card_pids[0]}" 2>/dev/null
  wait "${card_pids[0]}" 2>/dev/null
  card_pids[0]=
  wait_for 0 "empty"
  echo "$(basename "$img")|$verdict" >> "$work/physical"
done
echo "# $(wc -l < "$work/physical") cards written, $(grep -c '|valid:' "$work/physical") valid"
# "Card 0000000012 of Dora Desk 7, 1 zone(s)." → serial|name
sed -nE 's/^[^|]*\|valid: Card ([0-9]+) of (.*), [0-9]+ zone.*/\1|\2/p' "$work/physical" \
  | sort > "$work/valid.cards"
grep -oE 'Card [0-9]+' "$work/physical" | sort | uniq -d > "$work/dup.serials"
[[ ! -s $work/dup.serials ]]
ok $? "no serial is on two cards"
sed 's/^/#   on two cards: /' "$work/dup.serials"
grep -v '|valid:' "$work/physical" | sed 's/^/#   not valid: /'

# Each active record has its card, and each card that a door would let in
# is an active record of the same person.
db_cards=$(awk -F'|' '{ printf "%d|%s\n", $1, $3 }' "$work/active.db" | sort)
valid_cards=$(awk -F'|' '{ printf "%d|%s\n", $1, $2 }' "$work/valid.cards" | sort)
[[ "$db_cards" == "$valid_cards" && $(wc -l <<<"$valid_cards") -eq 16 ]]
ok $? "the cards that verify are exactly the active records (16)"
comm -23 <(echo "$db_cards") <(echo "$valid_cards") | sed 's/^/#   active record, no valid card: /'
comm -13 <(echo "$db_cards") <(echo "$valid_cards") | sed 's/^/#   valid card, no active record: /'

out=$(CARDISSUE_OPERATOR=security cli audit verify 2>&1)
rc=$?
echo "# $out"
[[ $rc -eq 0 && $out == *intact ]]
ok $? "the audit chain verifies"

CARDISSUE_OPERATOR=security cli audit export > "$work/audit.jsonl"
python3 - "$work/audit.jsonl" <<'PY'
import collections, json, sys
ok = collections.Counter()
entries = collections.Counter()
for line in open(sys.argv[1]):
    e = json.loads(line)
    entries[e["desk"]] += 1
    if e["action"] == "card.issue.verify" and e["outcome"] == "ok":
        ok[e["desk"]] += 1
print("# audit entries by desk: %s" % dict(entries))
print("# cards verified by desk: %s" % dict(ok))
sys.exit(0 if ok["desk-a"] > 0 and ok["desk-b"] > 0 and sum(ok.values()) == 16 else 1)
PY
ok $? "the audit log holds both desks' cards, 16 in all"

bad=0
for s in 0 1; do
  got=$(issued_by 'D-[0-9]+' "$s" | wc -l)
  logged=$(grep -c "\"desk\":\"${desks[s]}\".*\"action\":\"card.issue.verify\".*\"outcome\":\"ok\"" \
           "$work/audit.jsonl")
  [[ $got -eq $logged ]] || { bad=1; echo "# ${desks[s]}: $got cards reported, $logged audited"; }
done
ok $bad "each desk's audit entries match the cards it reported"
exit $failed
