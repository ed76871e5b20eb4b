#!/bin/sh
# Builds liblz4.a from Debian's source package (1.9.4-1, pinned by SHA-256) into OUT_DIR, for the
# replicated control plane's engine (raft compresses its snapshots with LZ4 frames). Debian's
# archive is built without per-function sections, so --gc-sections kept all of LZ4's block and
# frame API; built here with them and -Os (a snapshot is compressed once per many thousand
# writes), only what raft calls stays. The headers are Debian's (libzstd-dev's sibling
# liblz4-dev), which this build matches.
# Usage: third_party/lz4.sh OUT_DIR CC AR     (writes OUT_DIR/liblz4.a)
set -eu
VERSION="1.9.4-1"
ORIG_SHA256="0b0e3aa07c8c063ddf40b082bdf7e37a1562bda40a0ff5272957f3e987e0e54b"
DEBIAN_SHA256="47ceec5b95f42598f7b9280b03df9659f2ee6852720ec181488e83bd643f0e5f"
out=$1 cc=$2 ar=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/lz4-src"
"$(dirname "$0")/debian_source.sh" "$work" lz4 "$VERSION" lz4_1.9.4.orig.tar.gz "$ORIG_SHA256" "$DEBIAN_SHA256"
# lib/Makefile adds Debian's -DXXH_NAMESPACE=LZ4_ (its xxhash beside zstd's) and LZ4's warnings;
# Debian's hardening (dpkg-buildflags' default set): a snapshot comes from another node.
MAKEFLAGS= make -C "$work/tree/lib" CC="$cc" AR="$ar" \
  CFLAGS="-Os -ffunction-sections -fdata-sections -fstack-protector-strong -D_FORTIFY_SOURCE=2" liblz4.a >/dev/null
cp "$work/tree/lib/liblz4.a" "$out/"
rm -rf "$work"
