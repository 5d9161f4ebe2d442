#!/bin/sh
# check-platform-files.sh — checks that the desktop entry, the AppStream metainfo and the
# icons describe the same application: the metainfo's launchable is the desktop entry
# (appstreamcli validate-tree over a staged tree), and the entry's Icon= and Exec= match
# the component id, the installed icons and the metainfo's provided binary.
# Copyright 2026 CardIssue contributors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-platform-files.sh APPSTREAMCLI XMLLINT METAINFO DESKTOP ICONS_DIR
set -eu

appstreamcli=$1 xmllint=$2 metainfo=$3 desktop=$4 icons=$5
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

value() {  # value XPATH: the text of one element of the metainfo
  "$xmllint" --xpath "string($1)" "$metainfo"
}
entry() {  # entry KEY: the untranslated value of KEY in the desktop entry
  sed -n "s/^$1=//p" "$desktop" | head -n 1
}

id=$(value '/component/id')
launchable=$(value '/component/launchable[@type="desktop-id"]')
binary=$(value '/component/provides/binary')

[ "$launchable" = "$id.desktop" ] || fail "metainfo launchable '$launchable' is not '$id.desktop'"
[ "$(basename "$desktop")" = "$launchable" ] \
  || fail "desktop entry '$(basename "$desktop")' is not named after the launchable '$launchable'"
[ "$(entry Icon)" = "$id" ] || fail "desktop entry Icon='$(entry Icon)' is not '$id'"
exec_prog=$(entry Exec | cut -d' ' -f1)
[ "$exec_prog" = "$binary" ] \
  || fail "desktop entry Exec='$exec_prog' is not the metainfo's provided binary '$binary'"
[ -f "$icons/hicolor/scalable/apps/$id.svg" ] || fail "no icon hicolor/scalable/apps/$id.svg"
[ -f "$icons/hicolor/symbolic/apps/$id-symbolic.svg" ] \
  || fail "no icon hicolor/symbolic/apps/$id-symbolic.svg"

# validate-tree finds the desktop entry through the launchable, as a software centre does.
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/usr/share/metainfo" "$tree/usr/share/applications"
cp "$metainfo" "$tree/usr/share/metainfo/$id.metainfo.xml"
cp "$desktop" "$tree/usr/share/applications/"
"$appstreamcli" validate-tree --no-net "$tree" || fail "appstreamcli validate-tree"

exit $status
