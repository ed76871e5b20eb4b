#!/bin/sh
# Runs a gateway scenario (tests/vm/scenarios/NAME.py) in the Debian 12 guest, on a fresh
# copy-on-write disk so that what it installs and writes outlives the guest's own reboots:
#   gateway  apt install of the .deb, quick start, services, network cut, reboot, offline return
#   small    installed at 2 GiB, then booted with 128 MiB of RAM: berth and 5 bridge tasks,
#            memory figures, no OOM kill
# Needs `make dist` for the architecture first. Usage: tests/vm/scenario.sh amd64|arm64 NAME
# (SMALL_MEMORY=MiB: the small guest's memory, 128 by default)
# The last line is the guest's `N passed, N failed`; exit 1 unless it says 0 failed.
set -eu
arch=$1 name=$2
cd "$(dirname "$0")/../.."
. tests/vm/vm.sh
vm_prepare "$arch"
vm_overlay "$name"
vm_select "MODE=$name"
case "$name" in
  # A network card to cut (user-mode networking restricted to the guest: nothing beyond it).
  gateway) options="-nic user,restrict=on,model=virtio-net-pci" ;;
  small) options="-nic none"; VM_MEMORY=${SMALL_MEMORY:-128} ;;
  *) echo "scenario: unknown $name" >&2; exit 2 ;;
esac
log=build/vm/$name-$arch.log
if [ "$name" = small ]; then
  # Installed first with memory to spare (apt and dpkg alone do not fit beside the system in
  # 128 MiB), as a gateway's image is flashed with berth in it; then booted with 128 MiB.
  VM_MEMORY=2048 VM_TIMEOUT=3600 vm_boot "$log.install" "file=$overlay,if=virtio,format=qcow2" -monitor none $options || true
  vm_console "$log.install"
  grep -E '^guest:' "$log.install.txt" || true
fi
# No -no-reboot: the gateway scenario reboots the guest; a stuck guest is stopped after an hour.
VM_TIMEOUT=3600 vm_boot "$log" "file=$overlay,if=virtio,format=qcow2" -monitor none $options || true
rm -f "$overlay" "$vm_selection"
vm_result "$log"
