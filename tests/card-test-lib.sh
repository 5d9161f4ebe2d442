# card-test-lib.sh — shared by the card integration tests (sourced, not run).
# Needs: cli_bin (cardissue-cli), work (a temporary directory), n=0, failed=0.

export CARDISSUE_PASSWORD=demo-password CARDISSUE_KEYSTORE_PASSPHRASE=demo-keystore-passphrase

cli() { "$cli_bin" --database "$work/db" --keystore "$work/keys" --desk test "$@"; }

# ok STATUS DESCRIPTION — one TAP line
ok() {
  n=$((n + 1))
  if [[ $1 -eq 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# wait_for SLOT "card present"|"empty" — until pcscd agrees (up to 10 s)
wait_for() {
  local reader="Virtual PCD 00 0$1"
  for _ in $(seq 200); do
    cli reader list 2>/dev/null | grep -q "^$reader	$2" && return 0
    sleep 0.05
  done
  echo "# $reader never became: $2"
  return 1
}
