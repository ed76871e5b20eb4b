#!/bin/sh
# Runs each libFuzzer harness for a fixed time from its seed corpus and prints one line per
# harness: executions, coverage (libFuzzer's `cov:` edges) and the result. A crash leaves its
# input under build/fuzz/crashes/<name>/ and fails the run. Harnesses run side by side, one per
# core (each fuzzer is single-threaded), so the whole run takes about SECONDS x NAMES / cores.
# Usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS NAME...
#        tests/fuzz/run.sh --one FUZZ_BUILD_DIR SECONDS NAME   (one harness; used by the above)
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" = "--one" ]; then
  dir=$2; seconds=$3; name=$4
  corpus=$dir/corpus/$name
  crashes=$dir/crashes/$name
  mkdir -p "$corpus" "$crashes"
  log=$dir/$name.log
  # The seeds stay read-only in the repo; new inputs collect in the build tree's corpus.
  "$dir/$name-fuzzer" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix="$crashes/" "$corpus" "$here/corpus/$name" >"$log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | awk '{print $2}')
  if [ $rc -eq 0 ]; then
    echo "fuzz $name: ok, ${seconds}s, ${execs:-?} executions, cov ${cov:-?} edges"
    exit 0
  fi
  echo "fuzz $name: FAILED (exit $rc), see $log and $crashes"
  grep -E 'ERROR|SUMMARY' "$log" | head -n 5
  exit 1
fi

dir=$1; seconds=$2; shift 2
# xargs exits non-zero if any harness failed; each prints its own line.
printf '%s\n' "$@" | xargs -P "$(nproc)" -I NAME "$0" --one "$dir" "$seconds" NAME
