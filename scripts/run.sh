#!/bin/bash
# run.sh — the README's run command: installs what is needed, builds, and starts
# CardIssue. Until the desktop application exists, it opens the command-line
# front end on a demo database (kept in ./demo, created on first run) and shows
# what is in it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
[[ -d _build ]] || meson setup _build -Dgui=false --buildtype=debugoptimized >/dev/null
ninja -C _build >/dev/null

cli="$PWD/_build/src/cli/cardissue-cli"
demo="$PWD/demo"
mkdir -p "$demo"
args=(--database "$demo/cardissue.db" --keystore "$demo/keys.cikeys" --desk demo-desk)
[[ -f $demo/cardissue.db ]] || "$cli" "${args[@]}" demo

export CARDISSUE_OPERATOR=hr CARDISSUE_PASSWORD=demo-password
echo
echo "== Employees (signed in as hr)"
"$cli" "${args[@]}" employee list
echo
echo "== Zones (signed in as security)"
CARDISSUE_OPERATOR=security "$cli" "${args[@]}" zone list
echo
echo "== Audit log (signed in as security)"
CARDISSUE_OPERATOR=security "$cli" "${args[@]}" audit verify
cat <<TXT

Try more, for example:
  $cli ${args[*]} --operator hr employee search mül
  $cli ${args[*]} --operator hr card request E-1002
  $cli ${args[*]} --help
Operators: admin, hr, security, frontdesk — password demo-password.
TXT
