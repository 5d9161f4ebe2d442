#!/bin/bash
# test-face-cli.sh — the card face through cardissue-cli: a card issued over
# pcscd gets a face whose QR code (read back with zbarimg) is the code the
# store keeps for it and the issuer's key verifies; PNG and PDF have the
# sizes of DESIGN.md §4; a face with missing data is refused for the card.
# TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-face.XXXXXX")
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
export CARDISSUE_OPERATOR=hr

png_size() { python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(*struct.unpack('>II', d[16:24]))" "$1"; }
qr_of() { zbarimg --raw -q "$1" 2>/dev/null; }

echo "1..18"
cli demo >/dev/null 2>&1
ok $? "demo database"

"$vcard" run --quiet --image "$work/card.img" --port "$port" &
pids+=($!)
wait_for 0 "card present"
cli card issue E-1002 >/dev/null 2>&1
ok $? "a card is issued to E-1002"

cli render E-1002 --output "$work/front.png" >/dev/null
ok $? "its face renders complete (exit 0)"
[[ $(png_size "$work/front.png") == "2022 1275" ]]
ok $? "the PNG at 600 dpi is 2022 × 1275 px"

code=$(qr_of "$work/front.png")
[[ $code == CI1.0000000001.* ]]
ok $? "zbarimg reads the card's code from the face: ${code:0:24}…"

cli render E-1002 --template laser-badge --output "$work/laser.png" >/dev/null \
  && [[ $(qr_of "$work/laser.png") == "$code" ]]
ok $? "the laser face carries the same code"

cli render E-1002 --output "$work/face.pdf" >/dev/null \
  && [[ $(grep -a -c "MediaBox \[ 0 0 242.645669 153.014173 \]" "$work/face.pdf") -eq 2 ]]
ok $? "the PDF has two pages of 242.65 × 153.01 pt"

out=$(cli render E-1003 --output "$work/none.png" 2>&1)
rc=$?
[[ $rc -eq 5 ]] && grep -q "do not put it on a card" <<<"$out"
ok $? "a face without a card yet is refused for the card (exit 5)"
[[ $rc -eq 5 ]] || sed 's/^/#   /' <<<"$out"

out=$(cli render E-1002 --template no-such --output "$work/x.png" 2>&1)
[[ $? -ne 0 ]] && grep -q "no template “no-such”" <<<"$out" && [[ ! -e $work/x.png ]]
ok $? "an unknown template is named in the error"

CARDISSUE_OPERATOR=security cli issuer certificate --output "$work/issuer.der" >/dev/null
out=$(cli optical-check "$work/front.png" 0000000001 --issuer-cert "$work/issuer.der" 2>&1)
[[ $? -eq 0 ]] && grep -q "^pass" <<<"$out"
ok $? "optical-check passes the face of card 0000000001"
sed 's/^/#   /' <<<"$out"
out=$(cli optical-check "$work/front.png" 0000000001 --side back 2>&1)
[[ $? -eq 5 ]] && grep -q "^fail" <<<"$out"
ok $? "the front checked as the back fails"
sed 's/^/#   /' <<<"$out"
cli employee edit E-1002 --family "Fernández García" >/dev/null
out=$(cli optical-check "$work/front.png" 0000000001 2>&1)
[[ $? -eq 5 ]] && grep -q "^employee.full_name:" <<<"$out" && grep -q "^fail" <<<"$out"
ok $? "after a name change, the printed face fails on the name"
sed 's/^/#   /' <<<"$out"

# A replacement card: the face of each card is its own.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null; wait_for 0 empty
"$vcard" run --quiet --image "$work/card3.img" --port "$port" &
pids+=($!)
wait_for 0 "card present"
out=$(CARDISSUE_OPERATOR=frontdesk cli card set-state 0000000001 lost 2>&1 \
  && CARDISSUE_OPERATOR=frontdesk cli card reissue E-1002 0000000001 \
       --reader "Virtual PCD 00 00" 2>&1)
rc=$?
[[ $rc -eq 0 ]] && grep -q "Card 0000000002 is active" <<<"$out"
ok $? "E-1002's lost card is replaced by card 0000000002"
[[ $rc -eq 0 ]] || sed 's/^/#   /' <<<"$out"
cli render E-1002 --output "$work/new.png" >/dev/null 2>&1
cli render E-1002 --card 0000000001 --output "$work/old.png" >/dev/null 2>&1
[[ $(qr_of "$work/old.png") == "$code" && $(qr_of "$work/new.png") == CI1.0000000002.* ]]
ok $? "render --card shows that card's code, and the newest card by default"

out=$(cli render E-1002 --card 12abc --output "$work/bad.png" 2>&1)
[[ $? -eq 2 && ! -e $work/bad.png ]] && grep -q "card serial" <<<"$out"
ok $? "a --card that is no serial is a usage error, not the newest card"

# E-1011 has no photo and no department: the colour badge would show two
# placeholders, so no card is issued for it with that template.
cli employee add E-1011 --given Nina --family Nophoto --from 2026-01-01 --until 2030-12-31 \
  >/dev/null
"$vcard" run --quiet --image "$work/card2.img" --port $((port + 1)) &
pids+=($!)
wait_for 1 "card present"
out=$(cli card issue E-1011 --reader "Virtual PCD 00 01" --template colour-badge 2>&1)
rc=$?
[[ $rc -eq 5 ]] && grep -q "card face (template colour-badge) would be incomplete" <<<"$out" \
  && grep -q "photo" <<<"$out"
ok $? "issuing with a face that would show placeholders is refused (exit 5)"
sed 's/^/#   /' <<<"$out"
"$vcard" show --image "$work/card2.img" | grep -q "^Application: *none"
ok $? "and the card was not touched"

CARDISSUE_OPERATOR=security cli audit verify >/dev/null
ok $? "the audit chain verifies"
exit $failed
