#!/bin/sh
# Runs the integration tests against a built berth. Usage: tests/integration/run.sh BERTH_BINARY
# Prints `integration: N passed, N failed` as its last line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BERTH_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export BERTH_BIN
# Debian's python3 carries python3-boto3; a pyenv or venv python first on PATH may not.
exec /usr/bin/python3 "$here/runner.py" "$here"
