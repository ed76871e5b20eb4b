#!/bin/sh
# Power cuts (issue: acknowledged writes survive): boots the guest ROUNDS+1 times on one
# copy-on-write disk. In each round the guest checks what earlier rounds acknowledged, then
# streams writes to berth, printing `ack REVISION .` after each reply; after a random 1-8 s of
# streaming the host sends `quit` to the qemu monitor: qemu stops at once, with no shutdown, so
# whatever the guest had not written to its disk is gone. The last boot only checks.
# Needs `make dist` for the architecture. Usage: tests/vm/powercut.sh amd64|arm64 [ROUNDS (20)]
# The last line is `N passed, N failed` over all rounds; exit 1 unless 0 failed.
set -eu
arch=$1 rounds=${2:-20}
cd "$(dirname "$0")/../.."
. tests/vm/vm.sh
vm_prepare "$arch"
vm_overlay powercut
acked=build/vm/powercut-acked
monitor=build/vm/monitor-$arch.sock
: > "$acked"
passed=0 failed=0 round=0
while [ "$round" -le "$rounds" ]; do
  final=; [ "$round" = "$rounds" ] && final=1
  vm_select MODE=powercut "ROUND=$round" "FINAL=$final"
  log=build/vm/powercut-$arch-$round.log
  rm -f "$log" "$monitor"
  VM_TIMEOUT=1800 vm_boot "$log" "file=$overlay,if=virtio,format=qcow2" \
    -monitor "unix:$monitor,server=on,wait=off" -no-reboot -nic none &
  qemu_pid=$!
  if [ -z "$final" ]; then
    while kill -0 "$qemu_pid" 2>/dev/null && ! grep -q "streaming writes" "$log" 2>/dev/null; do sleep 1; done
    sleep "$(awk 'BEGIN { srand(); print 1 + int(rand() * 8) }')"
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"quit\n"); s.recv(4096)' "$monitor" || true
  fi
  wait "$qemu_pid" || true
  vm_console "$log"
  result=$(grep -E '^round [0-9]+: [0-9]+ passed, [0-9]+ failed' "$log.txt" | tail -n 1)
  [ -n "$result" ] || result="round $round: 0 passed, 1 failed (no result on the console)"
  grep -E '^guest: (ok|FAIL)' "$log.txt" || true
  new=$(grep -cE '^ack [0-9]+ \.$' "$log.txt" || true)
  grep -E '^ack [0-9]+ \.$' "$log.txt" | cut -d' ' -f2 >> "$acked" || true
  echo "$result; $new writes acknowledged before the cut"
  passed=$((passed + $(echo "$result" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$result" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
  round=$((round + 1))
done
rm -f "$overlay" "$monitor" "$vm_selection"
echo "$rounds power cuts, $(wc -l < "$acked") acknowledged writes in all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
