#!/bin/bash
# test-card-types.sh — card types through the real stack: a card whose answer
# to reset no card type knows is refused before anything is written to it;
# a card type in the config directory with its own ATR and transport key
# makes such cards issuable; a blank card locked with another key than its
# type names fails with a message that says so. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-types.XXXXXX")
pid=
n=0
failed=0

cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/card-test-lib.sh"
export CARDISSUE_OPERATOR=hr XDG_CONFIG_HOME=$work/config

# card IMAGE [run options…] — the one card in slot 0
card() {
  [[ -n $pid ]] && { kill "$pid"; wait "$pid" 2>/dev/null; wait_for 0 empty; }
  "$vcard" run --quiet --image "$@" --port "$port" &
  pid=$!
  wait_for 0 "card present"
}

atr="3B 8A 80 01 4A 43 4F 50 33 31 56 32 33 32 7A"
key=00112233445566778899AABBCCDDEEFF

echo "1..9"
cli demo >/dev/null 2>&1
ok $? "demo database"

"$vcard" blank --image "$work/acme.img" --transport-key $key >/dev/null
card "$work/acme.img" --atr "$atr"
out=$(cli card issue E-1001 2>&1)
rc=$?
[[ $rc -ne 0 ]] && grep -q "no card type CardIssue knows" <<<"$out" \
  && grep -q "$atr" <<<"$out"
ok $? "a card of no known type is refused, its ATR named"
[[ $rc -eq 0 ]] || sed 's/^/#   /' <<<"$out"
"$vcard" show --image "$work/acme.img" | grep -q "^Application: *none"
ok $? "nothing was written to it"
CARDISSUE_OPERATOR=security cli audit export 2>/dev/null \
  | grep '"card.issue.check"' | grep -q '"failed"'
ok $? "the failed check is in the audit log"

mkdir -p "$XDG_CONFIG_HOME/cardissue/card-types"
cat > "$XDG_CONFIG_HOME/cardissue/card-types/acme.conf" <<CONF
[Card Type]
Name=ACME blank cards
ATR=$atr
TransportKey=$key
CONF
out=$(cli card issue E-1001 2>&1)
ok $? "with its card type configured, the same card is issued"
sed 's/^/#   /' <<<"$out"
CARDISSUE_OPERATOR=security cli audit export 2>/dev/null \
  | grep '"card.issue.check"' | grep -q '"card-type":"acme"'
ok $? "the audit log names the card type"
CARDISSUE_OPERATOR=security cli issuer certificate --output "$work/issuer.der" >/dev/null
cli card verify --issuer-cert "$work/issuer.der" >/dev/null
ok $? "the card verifies"

# The virtual card's ATR, but locked with ACME's key: the built-in type's
# key does not open it.
"$vcard" blank --image "$work/odd.img" --transport-key $key >/dev/null
card "$work/odd.img"
out=$(cli card issue E-1002 2>&1)
rc=$?
sed 's/^/#   /' <<<"$out"
[[ $rc -ne 0 ]] && grep -qi "transport key" <<<"$out"
ok $? "a blank card locked with another key fails, and says which key"
cli employee show E-1002 | grep -q '^card: .* active$'
[[ $? -ne 0 ]]
ok $? "and the store has no active card for it"
exit $failed
