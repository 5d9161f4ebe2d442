#!/bin/bash
# run.sh — the README's run command: installs what is needed, builds, and starts
# CardIssue on a demo database (kept in ./demo, created on first run). When no
# physical card reader is connected, it puts a blank virtual card into the
# virtual reader (pcscd + vsmartcard-vpcd + cardissue-vcard).
#
# On a desktop (DISPLAY or WAYLAND_DISPLAY set) it opens the application: sign
# in as hr (password demo-password, as the sign-in page says), pick an employee
# and issue their badge. Without a display, or with CARDISSUE_RUN=cli, it tours
# the command-line front end instead: it issues a badge to a demo employee on
# the virtual card and checks it as a door reader would.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
[[ -d _build ]] || meson setup _build --buildtype=debugoptimized >/dev/null
meson configure _build -Dgui=true >/dev/null
ninja -C _build >/dev/null

gui=false
if [[ ${CARDISSUE_RUN:-} != cli && -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
  gui=true
fi

cli="$PWD/_build/src/cli/cardissue-cli"
vcard="$PWD/_build/src/vcard/cardissue-vcard"
demo="$PWD/demo"
mkdir -p "$demo"
args=(--database "$demo/cardissue.db" --keystore "$demo/keys.cikeys" --desk demo-desk)
[[ -f $demo/cardissue.db ]] || "$cli" "${args[@]}" demo
export CARDISSUE_PASSWORD=demo-password CARDISSUE_KEYSTORE_PASSPHRASE=demo-keystore-passphrase

# The smart-card service: Debian's pcscd, with the vpcd virtual reader it
# ships in /etc/reader.conf.d. Started here when nothing answers on its socket.
if ! "$cli" "${args[@]}" reader list >/dev/null 2>&1; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo pcscd
  for _ in $(seq 50); do
    "$cli" "${args[@]}" reader list >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

reader=""
physical=$("$cli" "${args[@]}" reader list | grep -v '^Virtual PCD' | grep 'card present' || true)
if [[ -z $physical ]]; then
  reader="Virtual PCD 00 00"
  if $gui; then
    # A blank card for every start, so there is always one to issue.
    pkill -f "cardissue-vcard run.*$demo/card.img" 2>/dev/null || true
    sleep 0.3
    rm -f "$demo/card.img"
  fi
  if ! pgrep -f "cardissue-vcard run.*$demo/card.img" >/dev/null; then
    # Detached, so it stays in the reader after this script ends.
    setsid "$vcard" run --quiet --reconnect --image "$demo/card.img" --port 35963 \
      >"$demo/vcard.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 50); do
    "$cli" "${args[@]}" reader list 2>/dev/null | grep -q "^$reader	card present" && break
    sleep 0.1
  done
fi

if $gui; then
  echo "Starting CardIssue. Sign in as hr with the password demo-password."
  # Run from the build tree: the settings schema and the catalogues are there.
  export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
  export CARDISSUE_LOCALEDIR="$PWD/_build/po"
  exec "$PWD/_build/src/app/cardissue" --database "$demo/cardissue.db" \
    --keystore "$demo/keys.cikeys" --desk demo-desk
fi

export CARDISSUE_OPERATOR=hr
echo
echo "== Employees (signed in as hr)"
"$cli" "${args[@]}" employee list
echo
echo "== Card readers"
"$cli" "${args[@]}" reader list
if [[ -n $reader ]] && ! "$vcard" show --image "$demo/card.img" | grep -q 'state 05'; then
  echo
  echo "== Issuing a badge to E-1001 on the virtual card (signed in as hr)"
  "$cli" "${args[@]}" card issue E-1001 --reader "$reader" --template colour-badge || true
fi
echo
echo "== The badge's face, print- and engrave-ready"
"$cli" "${args[@]}" render E-1001 --output "$demo/E-1001-face.pdf" || true
"$cli" "${args[@]}" render E-1001 --output "$demo/E-1001-front.png" || true
"$cli" "${args[@]}" render E-1001 --template laser-badge --output "$demo/E-1001-laser.png" || true
echo
echo "== The card, read as an offline door reader does (signed in as security)"
CARDISSUE_OPERATOR=security "$cli" "${args[@]}" issuer certificate --output "$demo/issuer.der" >/dev/null
CARDISSUE_OPERATOR=security "$cli" "${args[@]}" card verify ${reader:+--reader "$reader"} \
  --issuer-cert "$demo/issuer.der" || true
echo
echo "== Audit log (signed in as security)"
CARDISSUE_OPERATOR=security "$cli" "${args[@]}" audit verify
cat <<TXT

Try more, for example:
  $cli ${args[*]} --operator hr employee search mül
  $cli ${args[*]} --operator frontdesk card set-state 0000000001 lost
  $cli ${args[*]} --operator security deny-list export --output deny.crl
  $cli ${args[*]} --operator hr optical-check $demo/E-1001-front.png 0000000001
  $cli ${args[*]} --help
Operators: admin, hr, security, frontdesk — password demo-password; key store
passphrase demo-keystore-passphrase (set in CARDISSUE_KEYSTORE_PASSPHRASE).
TXT
