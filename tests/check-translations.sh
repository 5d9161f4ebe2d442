#!/bin/bash
# check-translations.sh — every catalogue in po/LINGUAS is complete and valid.
#
#   check-translations.sh SOURCE_ROOT
#
# Builds the template from po/POTFILES.in as the build does (meson's "glib"
# xgettext preset), then, per language: msgfmt -c --statistics must pass with
# no fuzzy and no untranslated message, every message of the template must be
# in the catalogue (msgcmp), and mnemonics must survive (one "_" each).
set -uo pipefail
root=$1
cd "$root" || exit 1

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

xgettext --package-name=cardissue -o "$dir/cardissue.pot" -f po/POTFILES.in \
  --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=g_dngettext:2:pass-c-format \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format 2>"$dir/xgettext.log" \
  || { cat "$dir/xgettext.log"; exit 1; }
total=$(msgattrib --no-obsolete "$dir/cardissue.pot" | grep -c '^msgid ')
total=$((total - 1))   # the header

n=0
status=0
while read -r lang; do
  [[ -z $lang || $lang == \#* ]] && continue
  n=$((n + 1))
  po=po/$lang.po
  if ! stats=$(msgfmt -c --check-accelerators=_ --statistics -o /dev/null "$po" 2>&1); then
    echo "not ok $n - $lang: msgfmt -c: $stats"
    status=1
    continue
  fi
  if [[ $stats == *fuzzy* || $stats == *untranslated* ]]; then
    echo "not ok $n - $lang is incomplete: $stats"
    status=1
  elif ! missing=$(msgcmp "$po" "$dir/cardissue.pot" 2>&1); then
    echo "not ok $n - $lang lacks messages of the current sources:"
    echo "$missing" | head -20 | sed 's/^/# /'
    status=1
  else
    echo "ok $n - $lang: $stats (template: $total messages)"
  fi
done < po/LINGUAS
echo "1..$n"
exit $status
