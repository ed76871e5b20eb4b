#!/bin/sh
# Builds (once) a Debian 12 guest image for the VM tests: debootstrap with the kernel, systemd,
# runc, the CNI plugins, iptables, the test clients (python3-boto3, awscli, the host's Node.js) and
# the suite's tools (docker-registry, skopeo, lintian, the host's Prometheus), a unit that runs the
# test command found on the shared tree at boot and powers off. Cached under build/vm/.
# Usage: tests/vm/image.sh amd64 → build/vm/debian-amd64.img (+ vmlinuz, initrd.img)
set -eu
arch=${1:-amd64}
cd "$(dirname "$0")/../.."
out=build/vm
image=$out/debian-$arch.img
# Rebuilt when the guest unit, its mount script or this script changes; the debootstrapped root
# is kept.
stale=no
for input in tests/vm/berth-vm-test.service tests/vm/berth-vm-mount "$0"; do
  [ "$image" -nt "$input" ] || stale=yes  # also when there is no image yet
done
[ "$stale" = no ] && exit 0
mkdir -p "$out"
root=$out/rootfs-$arch
case "$arch" in
  amd64) kernel=linux-image-amd64 ;;
  arm64) kernel=linux-image-arm64 ;;
  *) echo "image.sh: unknown arch $arch" >&2; exit 2 ;;
esac
# A foreign root's packages are configured by running its binaries under qemu-user, which the
# kernel finds through binfmt_misc (fix-binary, so it works inside the chroot).
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  qemu_name=qemu-$(echo "$kernel" | sed -e 's/linux-image-//' -e 's/arm64/aarch64/')
  [ -f /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  [ -f "/proc/sys/fs/binfmt_misc/$qemu_name" ] || cat "/usr/lib/binfmt.d/$qemu_name.conf" > /proc/sys/fs/binfmt_misc/register
fi
# The runtime berth needs, the suite's clients and tools (the registry, skopeo, lintian, git and
# strip for the .deb test; perl-openssl-defaults is a virtual dependency debootstrap does not
# resolve). The root is debootstrapped again when this list changes.
packages="$kernel,systemd-sysv,udev,runc,containernetworking-plugins,iptables,iproute2,python3,python3-boto3,python3-cffi-backend,python3-cryptography,awscli,procps,busybox-static,gcc,libc6-dev,ca-certificates,kmod,e2fsprogs,tzdata,docker-registry,skopeo,lintian,perl-openssl-defaults,binutils,git,xz-utils"
if [ "$(cat "$root/.berth-packages" 2>/dev/null)" != "$packages" ]; then
  rm -rf "$root"
  debootstrap --arch="$arch" --variant=minbase --include="$packages" bookworm "$root" http://deb.debian.org/debian
  echo "$packages" > "$root/.berth-packages"
fi
# Debian 12's Node.js is 18 and the AWS SDK for JavaScript v3 needs 20: the guest runs the host's
# (third_party/deps.sh js checks it is 20 or later; a Debian 12 build, so its libraries match).
if [ "$arch" = "$(dpkg --print-architecture)" ] && [ -x /usr/bin/node ]; then
  install -m 0755 /usr/bin/node "$root/usr/bin/node"
fi
# The same for Prometheus (one binary that needs only libc; Debian's package would pull in its
# web assets and a service the guest does not want), for test_prometheus's real scrape.
if [ "$arch" = "$(dpkg --print-architecture)" ] && [ -x /usr/bin/prometheus ]; then
  install -m 0755 /usr/bin/prometheus "$root/usr/bin/prometheus"
fi
# debootstrap leaves a policy-rc.d that forbids starting services from maintainer scripts (as
# container images do); a gateway's image has none, and the .deb's postinst must start berth.
rm -f "$root/usr/sbin/policy-rc.d"
echo berth-vm > "$root/etc/hostname"
printf '/dev/vda / ext4 rw,relatime 0 1\n' > "$root/etc/fstab"
# No password, no getty (here and systemd.getty_auto=0 at boot): the guest only runs the tests
# and powers off. A getty on the serial line would hang the line up (vhangup) under the running
# tests, killing them with SIGHUP.
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
ln -sf /dev/null "$root/etc/systemd/system/getty-static.service"
# The suite starts its own registries; the packaged one would only take a small guest's memory.
ln -sf /dev/null "$root/etc/systemd/system/docker-registry.service"
cp tests/vm/berth-vm-test.service "$root/etc/systemd/system/"
install -m 0755 tests/vm/berth-vm-mount "$root/usr/local/sbin/berth-vm-mount"
ln -sf /etc/systemd/system/berth-vm-test.service "$root/etc/systemd/system/multi-user.target.wants/"
cp "$root"/boot/vmlinuz-* "$out/vmlinuz-$arch"
# A small initrd, with only what mounts a virtio root (Debian's has MODULES=most, 37 MB): it boots
# faster, and a 128 MiB guest cannot even unpack Debian's (the kernel panics out of memory).
conf=$root/etc/initramfs-tools-vm
rm -rf "$conf"
cp -a "$root/etc/initramfs-tools" "$conf"
sed -i 's/^MODULES=.*/MODULES=list/' "$conf/initramfs.conf"
printf 'virtio_pci\nvirtio_mmio\nvirtio_blk\next4\n' >> "$conf/modules"
chroot "$root" mkinitramfs -d /etc/initramfs-tools-vm -o /boot/initrd-vm.img "$(ls "$root/lib/modules")"
cp "$root/boot/initrd-vm.img" "$out/initrd-$arch.img"
# 4 GiB, sparse: the tests' images, bundles and logs live in the guest's /tmp.
truncate -s 4G "$image.tmp"
mkfs.ext4 -q -F -d "$root" "$image.tmp"
mv "$image.tmp" "$image"
