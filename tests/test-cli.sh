#!/bin/bash
# test-cli.sh — drives cardissue-cli as a script or a person at a desk would, and
# checks outputs, exit codes, the store and the audit log. Usage: test-cli.sh CLI
set -uo pipefail

cli=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME=$dir/data
unset CARDISSUE_OPERATOR CARDISSUE_PASSWORD CARDISSUE_KEYSTORE_PASSPHRASE
n=0
fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
expect() {  # expect CODE DESCRIPTION -- COMMAND...
  local want=$1 what=$2; shift 3
  "$@" >"$dir/out" 2>"$dir/err"
  local got=$?
  if [[ $got -eq $want ]]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$dir/out" "$dir/err"; fi
}
contains() {  # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then ok "$3"; else not_ok "$3"; sed 's/^/# /' "$1"; fi
}

c() { "$cli" --desk test-desk "$@"; }

expect 0 "--help works" -- c --help
contains "$dir/out" "employee import" "help lists commands"
expect 2 "unknown command is a usage error" -- c employee fly
expect 3 "no operator: refused" -- c employee list

CARDISSUE_PASSWORD=admin-password-1 CARDISSUE_KEYSTORE_PASSPHRASE=keystore-passphrase-1 \
  expect 0 "init creates key store and admin" -- c init --admin root --name "Root Admin"
[[ $(stat -c %a "$dir/data/cardissue/keys.cikeys") == 600 ]] && ok "key store is private" \
  || not_ok "key store is private"
CARDISSUE_PASSWORD=admin-password-1 CARDISSUE_KEYSTORE_PASSPHRASE=keystore-passphrase-1 \
  expect 2 "init twice is refused" -- c init --admin root

export CARDISSUE_OPERATOR=root CARDISSUE_PASSWORD=admin-password-1
CARDISSUE_NEW_PASSWORD=hr-password-123 expect 0 "admin adds HR" -- \
  c operator add hanna --name "Hanna HR" --roles hr
CARDISSUE_NEW_PASSWORD=sec-password-123 expect 0 "admin adds security" -- \
  c operator add sven --roles security
CARDISSUE_NEW_PASSWORD=short expect 5 "short password refused" -- c operator add bob --roles hr
expect 3 "admin may not enroll employees" -- c employee add E-1 --given A --family B \
  --from 2026-01-01 --until 2027-01-01

export CARDISSUE_OPERATOR=hanna CARDISSUE_PASSWORD=hr-password-123
expect 0 "HR enrolls" -- c employee add E-1 --given "Zoë" --family "Müller" \
  --from 2026-01-01 --until 2027-12-31 --department R\&D
expect 5 "bad date refused" -- c employee add E-2 --given A --family B --from 2026-13-01 \
  --until 2027-01-01
contains "$dir/err" "Valid from" "message names the field"
expect 5 "duplicate number refused" -- c employee add E-1 --given A --family B \
  --from 2026-01-01 --until 2027-01-01

printf 'employee_number,given_name,family_name,valid_from,valid_until\nE-10,Иван,Петров,2026-01-01,2027-01-01\nE-11,Ελένη,Νικολάου,2026-01-01,2027-01-01\n' >"$dir/good.csv"
printf 'employee_number,given_name,family_name,valid_from,valid_until\nE-20,Ok,Row,2026-01-01,2027-01-01\nE-21,,Empty,2026-01-01,2027-01-01\nE-20,Dup,Row,2026-01-01,2027-01-01\nE-1,Already,Here,2026-01-01,2027-01-01\n' >"$dir/bad.csv"
expect 5 "bad CSV imports nothing" -- c employee import "$dir/bad.csv"
contains "$dir/err" "line 3" "bad CSV names line 3"
contains "$dir/err" "line 4" "bad CSV names line 4"
contains "$dir/err" "line 5: employee number E-1 is already enrolled" \
  "a clash with the store is reported together with the file's own problems"
contains "$dir/err" "3 problems in the file" "the summary counts every problem"
expect 4 "nothing from the bad file was imported" -- c employee search E-20
expect 0 "good CSV imports" -- c employee import "$dir/good.csv"
contains "$dir/out" "Imported 2" "import counts rows"
expect 0 "accent-insensitive search" -- c employee search mull
contains "$dir/out" "Müller" "search finds Müller"
expect 0 "Cyrillic search" -- c employee search пет
contains "$dir/out" "Петров" "search finds Петров"

export CARDISSUE_OPERATOR=sven CARDISSUE_PASSWORD=sec-password-123
expect 0 "security adds a site" -- c zone add HQ --kind site --time-zone Europe/Berlin
expect 0 "security adds an area" -- c zone add LAB --kind area --parent HQ --level 7
expect 5 "area without parent refused" -- c zone add X --kind area
expect 0 "schedule" -- c schedule add office "mon-fri 07:00-19:00"
expect 0 "grant with schedule" -- c grant add E-1 LAB --schedule office
CARDISSUE_OPERATOR=hanna CARDISSUE_PASSWORD=hr-password-123 \
  expect 3 "HR may not grant a zone not marked for HR" -- c grant add E-10 LAB
expect 0 "card request" -- c card request E-1
expect 5 "illegal card transition refused" -- c card set-state 1 active

CARDISSUE_PASSWORD=wrong-password expect 3 "wrong password" -- c employee list
expect 0 "audit verifies" -- c audit verify
contains "$dir/out" "intact" "audit intact"
expect 0 "audit export" -- c audit export -o "$dir/audit.jsonl"
contains "$dir/audit.jsonl" '"action":"employee.import"' "export has the import"
contains "$dir/audit.jsonl" '"outcome":"refused"' "export has refusals"
if grep -qE 'hr-password-123|admin-password-1|keystore-passphrase-1' "$dir/audit.jsonl" \
     "$dir/data/cardissue/cardissue.db"* "$dir/data/cardissue/keys.cikeys"; then
  not_ok "no password or passphrase stored anywhere"
else ok "no password or passphrase stored anywhere"; fi

sqlite3 "$dir/data/cardissue/cardissue.db" "UPDATE audit SET operator='mallory' WHERE seq=5"
expect 6 "tampering is found" -- c audit verify
contains "$dir/out" "Entry 5 was altered" "verification names entry 5"

echo "1..$n"
exit $fail
