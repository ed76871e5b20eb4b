#!/bin/sh
# Builds a minimal sysroot for a cross target from Debian's multiarch -dev packages: the static
# archives of SQLite and libseccomp (headers are architecture-independent). The .debs are
# unpacked rather than installed so that a foreign-architecture index lagging the host's (a
# mirror mid-sync) cannot block the build with version skew.
# Usage: cross/sysroot.sh DEB_ARCH TRIPLE OUT_DIR
set -eu
arch=$1 triple=$2 out=$3
if [ -f "$out/usr/lib/$triple/libsqlite3.a" ] && [ -f "$out/usr/lib/$triple/libseccomp.a" ] && [ -f "$out/usr/lib/$triple/libz.a" ]; then
  exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
  apt-get update -qq || echo "sysroot: apt-get update reported errors; continuing" >&2
fi
work=$(mktemp -d)
chmod 777 "$work"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "libsqlite3-dev:$arch" "libseccomp-dev:$arch" "zlib1g-dev:$arch" >/dev/null) || {
  apt-get update -qq || true
  (cd "$work" && apt-get download "libsqlite3-dev:$arch" "libseccomp-dev:$arch" "zlib1g-dev:$arch" >/dev/null)
}
mkdir -p "$out"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$out"; done
test -f "$out/usr/lib/$triple/libsqlite3.a"
test -f "$out/usr/lib/$triple/libseccomp.a"
test -f "$out/usr/lib/$triple/libz.a"
