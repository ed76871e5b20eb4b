#!/bin/sh
# Boots the Debian 12 guest (pure cgroup v2) and runs berth's suite inside it against the
# host-built static binaries, shared over virtio-9p. KVM when /dev/kvm works, else TCG.
# Usage: tests/vm/run.sh amd64 [TEST_NAME ...]  (integration modules/classes; all by default)
# The last line is the guest's `N passed, N failed`; exit 1 unless it says 0 failed.
set -eu
arch=${1:-amd64}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/../.."
tests/vm/image.sh "$arch"
case "$arch" in
  amd64) qemu=qemu-system-x86_64; machine="-machine q35"; build=build/x86_64-linux-gnu ;;
  arm64) qemu=qemu-system-aarch64; machine="-machine virt -cpu max"; build=build/aarch64-linux-gnu ;;
esac
echo "$build" > tests/vm/selection.build
echo "$*" > tests/vm/selection.tests
# KVM only if it really runs the guest's kernel (here /dev/kvm exists but does not work): the
# kernel must print its banner on the serial line within 5 s.
accel=tcg
if [ -c /dev/kvm ] && [ "$arch" = amd64 ]; then
  probe=build/vm/kvm-probe.log
  rm -f "$probe"
  timeout 5 "$qemu" $machine -accel kvm -m 256 -display none -monitor none -nic none \
    -kernel build/vm/vmlinuz-$arch -append "console=ttyS0" -serial file:"$probe" >/dev/null 2>&1 || true
  grep -q "Linux version" "$probe" 2>/dev/null && accel=kvm
fi
echo "vm: $arch guest, accelerator $accel"
log=build/vm/console-$arch.log
# The image stays pristine (snapshot=on); the guest has no network: everything it runs is local.
"$qemu" $machine -accel "$accel" -smp 2 -m 2048 -display none -monitor none -no-reboot -nic none \
  -kernel build/vm/vmlinuz-$arch -initrd build/vm/initrd-$arch.img \
  -append "root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 quiet" \
  -drive file=build/vm/debian-$arch.img,if=virtio,format=raw,snapshot=on \
  -virtfs local,path="$PWD",mount_tag=berth,security_model=none \
  -serial file:"$log"
rm -f tests/vm/selection.build tests/vm/selection.tests
# The serial console ends lines with CR LF.
tr -d '\r' < "$log" > "$log.txt"
grep -E '^guest:|passed, [0-9]+ failed' "$log.txt" || true
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log.txt" | tail -n 1)
[ -n "$last" ] || { echo "the guest reported no result (console: $log)"; exit 1; }
echo "$last"
echo "$last" | grep -q ' 0 failed$'
