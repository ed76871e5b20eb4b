#!/bin/sh
# Runs the integration tests against a built berth. Usage: tests/integration/run.sh BERTH_BINARY
# [TEST_NAME ...] (modules, classes or tests, e.g. test_tasks test_auth.SigV4Test; all by default)
# Prints `integration: N passed, N failed` as its last line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BERTH_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export BERTH_BIN
# Test images come from rootfs/busybox-image.sh (make builds them next to the targets).
BERTH_TEST_IMAGES=${BERTH_TEST_IMAGES:-$(cd "$(dirname "$BERTH_BIN")/../images" 2>/dev/null && pwd)}
export BERTH_TEST_IMAGES
# The last whole run's module times, so the parallel runner starts the longest modules first.
BERTH_TEST_TIMINGS=${BERTH_TEST_TIMINGS:-$(dirname "$BERTH_BIN")/integration-timings.json}
export BERTH_TEST_TIMINGS
# Debian's python3 carries python3-boto3; a pyenv or venv python first on PATH may not.
shift
exec /usr/bin/python3 "$here/runner.py" "$here" "$@"
