#!/bin/sh
# Makes SQLite's amalgamation (sqlite3.c, sqlite3.h) from Debian's source package, with Debian's
# security patches applied, pinned by version and checked by SHA-256, into the build tree.
# berth compiles it itself (Makefile, SQLITE_FLAGS) instead of linking Debian's libsqlite3.a: that
# archive carries FTS3, R*Tree, sessions, loadable extensions and more that berth never calls,
# built -O2 and without per-function sections, 1.19 MB of code on aarch64 against 0.6 MB here.
# Usage: third_party/sqlite.sh OUT_DIR      (writes OUT_DIR/sqlite3.c and OUT_DIR/sqlite3.h)
# Needs tclsh (Debian's tcl8.6): SQLite's own build joins its sources with a Tcl script.
set -eu
VERSION="3.40.1-2+deb12u2"
ORIG_SHA256="aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655"
DEBIAN_SHA256="0843bc12e4364076477935ce313a6d0796fd899a989ff18ebb6545540e10e4ca"
SOURCE_SHA256="9103996659b43b18d2fddac6c86ccf74b00afed17ada2275433be2fd01607f4a"
HEADER_SHA256="9222d6a9e53903389cc09b103b55f786074b5cc8cb0f52a494d54eddf27559ef"

mkdir -p "$1"
out=$(cd "$1" && pwd)
made() {
  echo "$SOURCE_SHA256  $out/sqlite3.c" | sha256sum -c --quiet - >/dev/null 2>&1 &&
    echo "$HEADER_SHA256  $out/sqlite3.h" | sha256sum -c --quiet - >/dev/null 2>&1
}
made && exit 0
work="$out/sqlite-src"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# apt runs the download as _apt when it can; a world-writable work dir lets it.
chmod 777 .
apt-get source --download-only "sqlite3=$VERSION" >/dev/null 2>&1 || {
  echo "third_party/sqlite.sh: 'apt-get source sqlite3=$VERSION' failed;" \
       "run 'make deps' (it adds the deb-src entry and runs apt-get update)" >&2
  exit 1
}
echo "$ORIG_SHA256  sqlite3_3.40.1.orig.tar.xz" | sha256sum -c --quiet -
echo "$DEBIAN_SHA256  sqlite3_${VERSION}.debian.tar.xz" | sha256sum -c --quiet -
# The source alone: the package's second tarball is the web site.
mkdir tree
tar -xJf sqlite3_3.40.1.orig.tar.xz -C tree --strip-components=1
tar -xJf "sqlite3_${VERSION}.debian.tar.xz" -C tree
(cd tree && grep -v '^#' debian/patches/series | while read -r patch; do
  [ -n "$patch" ] && patch -p1 -s < "debian/patches/$patch"
done)
mkdir tree/bld
(cd tree/bld && ../configure --disable-tcl >/dev/null && make sqlite3.c >/dev/null)
cp tree/bld/sqlite3.c tree/bld/sqlite3.h ..
cd .. && rm -rf "$work"
made || { echo "third_party/sqlite.sh: the amalgamation's SHA-256 is not the pinned one" >&2; exit 1; }
