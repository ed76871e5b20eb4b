#!/bin/sh
# Builds a minimal sysroot for a cross target from Debian's multiarch -dev packages: the static
# archives of libseccomp, zlib, zstd and Nettle, and of the replicated control plane's engine
# (dqlite and raft, with libuv's headers: src/store/dqlite/) (headers are architecture-independent;
# SQLite, mbedTLS, libuv and LZ4 are compiled from source for each target: third_party/). The .debs are
# unpacked rather than installed so that a foreign-architecture index lagging the host's (a
# mirror mid-sync) cannot block the build with version skew.
# Usage: cross/sysroot.sh DEB_ARCH TRIPLE OUT_DIR
set -eu
arch=$1 triple=$2 out=$3
libs="libseccomp.a libz.a libzstd.a libnettle.a libdqlite.a libraft.a"
complete=yes
for lib in $libs; do [ -f "$out/usr/lib/$triple/$lib" ] || complete=no; done
[ "$complete" = yes ] && exit 0
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
  apt-get update -qq || echo "sysroot: apt-get update reported errors; continuing" >&2
fi
work=$(mktemp -d)
chmod 777 "$work"
trap 'rm -rf "$work"' EXIT
download() {
  (cd "$work" && apt-get download "libseccomp-dev:$arch" "zlib1g-dev:$arch" "libzstd-dev:$arch" \
    "nettle-dev:$arch" "libdqlite-dev:$arch" "libraft-dev:$arch" "libuv1-dev:$arch" >/dev/null)
}
download || { apt-get update -qq || true; download; }
mkdir -p "$out"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$out"; done
for lib in $libs; do test -f "$out/usr/lib/$triple/$lib"; done
