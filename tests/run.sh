#!/bin/sh
# The whole suite: unit tests (Catch2) then integration tests (real berth, aws CLI, boto3).
# Usage: tests/run.sh BUILD_DIR [TEST_NAME ...] (integration tests to run; all by default). The last line is `N passed, N failed`; exit 1 on any failure.
set -u
build=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds the test cases Catch2's summary in "$log" counts to unit_passed and unit_failed.
unit_passed=0
unit_failed=0
count_unit() {
  summary=$(grep -E '^(All tests passed|test cases:)' "$log" | tail -n 1)
  case "$summary" in
    "All tests passed"*)
      unit_passed=$((unit_passed + $(echo "$summary" | sed -E 's/.* in ([0-9]+) test case.*/\1/'))) ;;
    "test cases:"*)
      unit_passed=$((unit_passed + $(echo "$summary" | sed -E 's/.*\| *([0-9]+) passed.*/\1/')))
      unit_failed=$((unit_failed + $(echo "$summary" | sed -E 's/.*\| *([0-9]+) failed.*/\1/'))) ;;
    *) unit_failed=$((unit_failed + 1)); echo "unit tests did not report a summary" ;;
  esac
}

# The runtime unit tests re-execute berth as the container monitor: the one of this build, so an
# ARM guest does not pick up the x86_64 default.
BERTH_BIN=$(cd "$build" && pwd)/berth "$build/berth-unit-tests" 2>&1 | tee "$log"
count_unit
# The store's cases and the use cases again on the replicated store: a database of their own on a
# three-node dqlite cluster in the test process (tests/fixtures/test_store.hpp). Bounded (it takes
# about a minute here): a wait on the cluster that never ends fails the run instead of holding CI.
BERTH_TEST_STORE=dqlite timeout --kill-after=10 900 "$build/berth-unit-tests" '[store]~[dqlite],[svc]' 2>&1 | tee "$log"
count_unit
echo "unit: $unit_passed passed, $unit_failed failed"

tests/integration/run.sh "$build/berth" "$@" 2>&1 | tee "$log"
line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
if [ -n "$line" ]; then
  it_passed=$(echo "$line" | sed -E 's/integration: ([0-9]+) passed.*/\1/')
  it_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
else
  it_passed=0; it_failed=1; echo "integration tests did not report a summary"
fi

passed=$((unit_passed + it_passed))
failed=$((unit_failed + it_failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
