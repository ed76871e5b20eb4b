# Sourced by the VM scripts (tests/vm/*.sh): how to boot the cached Debian 12 guest (pure cgroup
# v2) of an architecture, with the repository shared read-write at /mnt/berth over virtio-9p.
# What the guest does at boot is chosen by a selection file that vm_select writes and whose name
# vm_boot passes on the kernel command line (berth.selection=), so guests can run side by side.

# vm_prepare ARCH: builds the image once and sets qemu, machine, accel, console, build.
vm_prepare() {
  arch=$1
  tests/vm/image.sh "$arch"
  case "$arch" in
    amd64) qemu=qemu-system-x86_64; machine="-machine q35"; console=ttyS0; build=build/x86_64-linux-gnu ;;
    arm64) qemu=qemu-system-aarch64; machine="-machine virt -cpu cortex-a72"; console=ttyAMA0
           build=build/aarch64-linux-gnu ;;
    *) echo "vm: unknown arch $arch" >&2; exit 2 ;;
  esac
  # KVM only if it really runs the guest's kernel (here /dev/kvm exists but does not work): the
  # kernel must print its banner on the serial line within 5 s.
  accel=tcg
  if [ -c /dev/kvm ] && [ "$arch" = amd64 ]; then
    probe=build/vm/kvm-probe.log
    rm -f "$probe"
    timeout 5 "$qemu" $machine -accel kvm -m 256 -display none -monitor none -nic none \
      -kernel build/vm/vmlinuz-$arch -append "console=$console" -serial file:"$probe" >/dev/null 2>&1 || true
    grep -q "Linux version" "$probe" 2>/dev/null && accel=kvm
  fi
  echo "vm: $arch guest, accelerator $accel"
}

# vm_select KEY=VALUE...: what the next boot runs (sourced by the guest).
vm_select() {
  vm_selection=build/vm/selection-$arch-$$
  : > "$vm_selection"
  for setting in "$@"; do printf '%s\n' "$setting" >> "$vm_selection"; done
}

# vm_overlay NAME: a fresh copy-on-write disk over the pristine image, for runs whose writes must
# outlive a reboot or a killed qemu (snapshot=on keeps them only in qemu's memory).
vm_overlay() {
  overlay=build/vm/$1-$arch-$$.qcow2
  rm -f "$overlay"
  qemu-img create -q -f qcow2 -F raw -b "$PWD/build/vm/debian-$arch.img" "$overlay"
}

# The suite's modern AWS clients (aws-cli 1.45, boto3 1.43 in pyenv's Python 3.11: the CloudWatch
# tests need their rpc-v2-cbor protocol, which Debian's aws CLI 2.9 lacks) are the host's, shared
# read-only with a guest of the host's architecture; berth-vm-mount mounts them where the tests
# look. A guest of another architecture has none and those tests fail there for want of a client.
vm_pyenv_share() {
  if [ -d /root/.pyenv/versions/3.11.7 ] && [ "$arch" = "$(dpkg --print-architecture)" ]; then
    echo "-virtfs local,path=/root/.pyenv,mount_tag=pyenv,security_model=none,readonly=on"
  fi
}

# vm_boot LOG DRIVE [QEMU OPTIONS...]: runs the guest until it powers off (or qemu is killed);
# DRIVE is a -drive value. Its serial console goes to LOG. A guest still running after
# VM_TIMEOUT seconds (default: none) is stopped.
vm_boot() {
  vm_log=$1 vm_drive=$2
  shift 2
  timeout "${VM_TIMEOUT:-0}" "$qemu" $machine -accel "$accel" -smp 2 -m "${VM_MEMORY:-2048}" -display none \
    -kernel build/vm/vmlinuz-$arch -initrd build/vm/initrd-$arch.img \
    -append "root=/dev/vda rw console=$console systemd.unified_cgroup_hierarchy=1 systemd.getty_auto=0 quiet berth.selection=$vm_selection" \
    -drive "$vm_drive" \
    -virtfs local,path="$PWD",mount_tag=berth,security_model=none \
    $(vm_pyenv_share) \
    -serial file:"$vm_log" "$@"
}

# vm_console LOG: the console without the serial line's CRs, in LOG.txt.
vm_console() {
  tr -d '\r' < "$1" > "$1.txt"
}

# vm_result LOG: prints the guest's lines and its last `N passed, N failed`; fails unless 0 failed.
vm_result() {
  vm_console "$1"
  grep -E '^guest:|passed, [0-9]+ failed' "$1.txt" || true
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1.txt" | tail -n 1)
  [ -n "$last" ] || { echo "the guest reported no result (console: $1)"; return 1; }
  echo "$last"
  echo "$last" | grep -q ' 0 failed$'
}
