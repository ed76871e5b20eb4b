#!/bin/sh
# Builds (once) a Debian 12 guest image for the VM tests: debootstrap with the kernel, systemd,
# runc, the CNI plugins, iptables and the test clients (python3-boto3, awscli), a unit that runs
# the test command found on the shared tree at boot and powers off. Cached under build/vm/.
# Usage: tests/vm/image.sh amd64 → build/vm/debian-amd64.img (+ vmlinuz, initrd.img)
set -eu
arch=${1:-amd64}
cd "$(dirname "$0")/../.."
out=build/vm
image=$out/debian-$arch.img
# Rebuilt when the guest unit changes; the debootstrapped root is kept.
[ -f "$image" ] && [ "$image" -nt tests/vm/berth-vm-test.service ] && exit 0
mkdir -p "$out"
root=$out/rootfs-$arch
case "$arch" in
  amd64) kernel=linux-image-amd64 ;;
  arm64) kernel=linux-image-arm64 ;;
  *) echo "image.sh: unknown arch $arch" >&2; exit 2 ;;
esac
if [ ! -x "$root/usr/bin/runc" ]; then
  rm -rf "$root"
  debootstrap --arch="$arch" --variant=minbase \
    --include="$kernel,systemd-sysv,udev,runc,containernetworking-plugins,iptables,iproute2,python3,python3-boto3,python3-cffi-backend,awscli,procps,busybox-static,gcc,libc6-dev,ca-certificates,kmod,e2fsprogs" \
    bookworm "$root" http://deb.debian.org/debian
fi
echo berth-vm > "$root/etc/hostname"
printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$root/etc/fstab"
# No password, no getty: the guest only runs the tests and powers off. A getty on the serial line
# would hang the line up (vhangup) under the running tests, killing them with SIGHUP.
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
cp tests/vm/berth-vm-test.service "$root/etc/systemd/system/"
ln -sf /etc/systemd/system/berth-vm-test.service "$root/etc/systemd/system/multi-user.target.wants/"
cp "$root"/boot/vmlinuz-* "$out/vmlinuz-$arch"
cp "$root"/boot/initrd.img-* "$out/initrd-$arch.img"
# 4 GiB, sparse: the tests' images, bundles and logs live in the guest's /tmp.
truncate -s 4G "$image.tmp"
mkfs.ext4 -q -F -d "$root" "$image.tmp"
mv "$image.tmp" "$image"
