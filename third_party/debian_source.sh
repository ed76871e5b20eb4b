#!/bin/sh
# Unpacks one of Debian's source packages into WORK_DIR/tree with Debian's patches applied, after
# checking both tarballs against pinned SHA-256s: the recipes that build a library into build/
# (mbedtls.sh, libuv.sh, lz4.sh) start from it, so berth ships Debian's code, security fixes
# included, compiled its own way.
# Usage: third_party/debian_source.sh WORK_DIR PACKAGE VERSION ORIG_TARBALL ORIG_SHA256 DEBIAN_SHA256
# Needs the deb-src entry that `make deps` adds (third_party/deps.sh).
set -eu
work=$1 package=$2 version=$3 orig=$4 orig_sha256=$5 debian_sha256=$6
rm -rf "$work"
mkdir -p "$work/tree"
cd "$work"
# apt runs the download as _apt when it can; a world-writable work dir lets it.
chmod 777 .
apt-get source --download-only "$package=$version" >/dev/null 2>&1 || {
  echo "third_party: 'apt-get source $package=$version' failed;" \
       "run 'make deps' (it adds the deb-src entry and runs apt-get update)" >&2
  exit 1
}
echo "$orig_sha256  $orig" | sha256sum -c --quiet -
echo "$debian_sha256  ${package}_${version}.debian.tar.xz" | sha256sum -c --quiet -
tar -xf "$orig" -C tree --strip-components=1
tar -xJf "${package}_${version}.debian.tar.xz" -C tree
if [ -f tree/debian/patches/series ]; then
  (cd tree && grep -v '^#' debian/patches/series | while read -r patch; do
    [ -n "$patch" ] && patch -p1 -s < "debian/patches/$patch"
  done)
fi
exit 0
