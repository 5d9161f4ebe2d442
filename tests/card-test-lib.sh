# card-test-lib.sh — shared by the card integration tests (sourced, not run).
# Needs: cli_bin (cardissue-cli), work (a temporary directory), n=0, failed=0.
# Gives: database, what --database takes; the script's cleanup calls
# database_drop.

export CARDISSUE_PASSWORD=demo-password CARDISSUE_KEYSTORE_PASSPHRASE=demo-keystore-passphrase

# The database: a file in $work or, with CI_TEST_STORE_BACKEND=postgresql, an
# empty database of the script's own on the server of tests/with-postgres.sh,
# which the script's cleanup drops. CI_TEST_PG_URI is libpq keywords, where a
# second dbname= overrides the first.
pg_database=
database_drop() {
  [[ -z $pg_database ]] \
    || psql -X -q -d "$CI_TEST_PG_URI" -c "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)"
}
if [[ ${CI_TEST_STORE_BACKEND:-} == postgresql ]]; then
  if [[ -z ${CI_TEST_PG_URI:-} ]]; then
    echo "CI_TEST_STORE_BACKEND=postgresql needs a server: run under tests/with-postgres.sh" >&2
    exit 1
  fi
  pg_database=ci_card_test_$$
  psql -X -q -v ON_ERROR_STOP=1 -d "$CI_TEST_PG_URI" -c "CREATE DATABASE $pg_database" || exit 1
  database="$CI_TEST_PG_URI dbname=$pg_database"
else
  database=$work/db
fi

cli() { "$cli_bin" --database "$database" --keystore "$work/keys" --desk test "$@"; }

# sql QUERY — on the database of tests/with-postgres.sh (not $database), as
# plain text, stopping at the first error
sql() { "$CI_TEST_PG_BIN/psql" "$CI_TEST_PG_URI" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

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
