#!/bin/sh
# Boots the Debian 12 guest (pure cgroup v2) and runs berth's suite inside it against the
# host-built static binaries of that architecture. KVM when /dev/kvm works, else TCG.
# Usage: tests/vm/run.sh amd64|arm64 [TEST_NAME ...]  (integration modules/classes; all by default)
# The last line is the guest's `N passed, N failed`; exit 1 unless it says 0 failed.
set -eu
arch=${1:-amd64}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/../.."
. tests/vm/vm.sh
vm_prepare "$arch"
vm_select MODE=suite "BUILD=$build" "TESTS='$*'"
log=build/vm/console-$arch.log
# The image stays pristine (snapshot=on); the guest has no network: everything it runs is local.
vm_boot "$log" "file=build/vm/debian-$arch.img,if=virtio,format=raw,snapshot=on" -monitor none -no-reboot -nic none
rm -f "$vm_selection"
vm_result "$log"
