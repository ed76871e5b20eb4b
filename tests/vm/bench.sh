#!/bin/sh
# Runs a benchmark (tests/bench/NAME.py) in the Debian 12 guest of an architecture, on the
# static binaries built for it, and prints what it printed: figures of a gateway's kind of CPU
# (under TCG only the ratios to baselines measured in the same guest mean anything).
# Usage: tests/vm/bench.sh amd64|arm64 NAME
set -eu
arch=$1 name=$2
cd "$(dirname "$0")/../.."
. tests/vm/vm.sh
vm_prepare "$arch"
vm_select MODE=bench "BUILD=$build" "BENCH=$name"
log=build/vm/bench-$name-$arch.log
# The image stays pristine (snapshot=on); the benchmark needs no network beyond the guest's
# loopback.
vm_boot "$log" "file=build/vm/debian-$arch.img,if=virtio,format=raw,snapshot=on" -monitor none -no-reboot -nic none
rm -f "$vm_selection"
vm_console "$log"
# Without its progress display (one line of carriage returns).
sed -n '/^guest: benchmark/,/^guest: done/p' "$log.txt" | grep -v 'pulling '
grep -q '^guest: benchmark exited 0' "$log.txt"
