#!/bin/sh
# Packages a built berth for flashing: a .deb for Debian-based images and a tarball (same files,
# plus OpenRC and sysvinit scripts and the runtime requirements) for Yocto/Buildroot images.
# Usage: rootfs/dist.sh BERTH_BINARY STRIP DEB_ARCH OUT_DIR
set -eu
binary=$1 strip=$2 arch=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
# Debian versions must start with a digit: a tag v1.2 gives 1.2(+N.gHASH); no tag gives 0.0.N+gHASH.
described=$(git -C "$here" describe --tags --long 2>/dev/null || true)
if [ -n "$described" ]; then
  version=$(echo "$described" | sed -e 's/^v//' -e 's/-0-g[0-9a-f]*$//' -e 's/-\([0-9]*\)-g/+\1.g/')
else
  version="0.0.$(git -C "$here" rev-list --count HEAD)+g$(git -C "$here" rev-parse --short HEAD)"
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
install -D -m 0755 "$binary" "$root/usr/bin/berth"
"$strip" "$root/usr/bin/berth"
install -D -m 0644 "$here/etc/berth/berth.conf" "$root/etc/berth/berth.conf"
install -D -m 0644 "$here/lib/systemd/system/berth.service" "$root/lib/systemd/system/berth.service"
doc=$root/usr/share/doc/berth
install -D -m 0644 "$here/debian/copyright" "$doc/copyright"
date=$(git -C "$here" log -1 --format=%aD)
printf 'berth (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- berth maintainers <maintainers@example.org>  %s\n' \
  "$version" "$(git -C "$here" rev-parse HEAD)" "$date" | gzip -9n > "$stage/changelog.gz"
install -D -m 0644 "$stage/changelog.gz" "$doc/changelog.gz"
install -D -m 0644 "$here/debian/berth.1" "$root/usr/share/man/man1/berth.1"
gzip -9n "$root/usr/share/man/man1/berth.1"
install -D -m 0644 "$here/debian/lintian-overrides" "$root/usr/share/lintian/overrides/berth"

# The tarball: the same tree, init scripts for images without systemd, and what the kernel and
# the image must provide.
tree=$stage/berth-$version-$arch
cp -a "$root" "$tree"
rm -rf "$tree/usr/share/lintian"
install -D -m 0755 "$here/init/berth.sysvinit" "$tree/etc/init.d/berth"
install -D -m 0755 "$here/init/berth.openrc" "$tree/openrc/etc/init.d/berth"
install -D -m 0644 "$here/RUNTIME.md" "$tree/README.md"
mkdir -p "$out"
tar -C "$stage" --owner=0 --group=0 --sort=name -czf "$out/berth-$version-$arch.tar.gz" "berth-$version-$arch"

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$here/debian/control" > "$root/DEBIAN/control"
echo /etc/berth/berth.conf > "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "$here/debian/$script" "$root/DEBIAN/$script"; done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/berth_${version}_$arch.deb" >/dev/null
echo "$out/berth_${version}_$arch.deb"
echo "$out/berth-$version-$arch.tar.gz"
