#!/bin/bash
# test.sh — the README's test command: installs what is needed, builds, and runs
# every test three ways: a normal build with warnings as errors, a build with
# AddressSanitizer and UndefinedBehaviorSanitizer, and the unit tests under
# valgrind. Prints "N passed, N failed" over all three at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh || exit 1

passed=0
failed=0
count() {  # count BUILD_DIR: adds the results of meson's test log
  # meson names the log after the wrapper (testlog-valgrind.json), so take the newest.
  local log
  log=$(ls -t "$1"/meson-logs/testlog*.json 2>/dev/null | head -n 1)
  [[ -n $log && -f $log ]] || { failed=$((failed + 1)); return; }
  read -r p f < <(python3 - "$log" <<'PY'
import json, sys
p = f = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL", "SKIP"):
        p += 1
    else:
        f += 1
print(p, f)
PY
)
  passed=$((passed + p)); failed=$((failed + f))
}

run() {  # run NAME BUILD_DIR [meson setup options] -- [meson test options]
  local name=$1 dir=$2; shift 2
  local setup=() test=()
  while (($#)) && [[ $1 != -- ]]; do setup+=("$1"); shift; done
  (($#)) && shift
  test=("$@")
  echo "=== $name"
  rm -rf "$dir"
  if meson setup "$dir" --werror "${setup[@]}" >"$dir.setup.log" 2>&1 \
     && ninja -C "$dir" >"$dir.build.log" 2>&1; then
    meson test -C "$dir" --print-errorlogs --num-processes 2 "${test[@]}"
    count "$dir"
  else
    cat "$dir.setup.log" "$dir.build.log" 2>/dev/null | tail -40
    failed=$((failed + 1))
  fi
}

# The "slow" suite (the tearing test again, on PostgreSQL) runs in the plain
# build only.
# The "memcheck" suite holds the subsets of "heavy" tests that valgrind runs
# instead of the whole test; the other runs have the whole test.
run "build and test" _build-test -- --no-suite memcheck
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
run "sanitizers (address, undefined)" _build-asan -Db_sanitize=address,undefined \
    --buildtype=debug -- --no-suite memcheck --no-suite slow
run "valgrind" _build-valgrind --buildtype=debug -- --suite unit --suite memcheck \
    --no-suite heavy --wrapper \
    "valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$PWD/tests/valgrind.supp" \
    --timeout-multiplier 10

echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
