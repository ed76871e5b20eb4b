#!/bin/sh
# Fetches cpp-httplib's single header from Debian's source package (with Debian's security
# patches applied) into the build tree, pinned by version and checked by SHA-256.
# Usage: third_party/httplib.sh OUT_DIR      (writes OUT_DIR/httplib.h)
set -eu
VERSION="0.11.4+ds-1+deb12u1"
ORIG_SHA256="8b1a5df569003b6a4f24c68489bbda5c64aec94697bdc9ebba5d79408b2ae7eb"
DEBIAN_SHA256="a0adf8a38610806f6d94ba69839438635e5e6580775e28ff31d6a081e34f1484"
HEADER_SHA256="2bcaaeb62b3fee7beed69aa51e14f811f4d0bac3a0c1d6f0f095b02655d80a4e"

out=$1
if [ -f "$out/httplib.h" ] && echo "$HEADER_SHA256  $out/httplib.h" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
work="$out/src"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# apt runs the download as _apt when it can; a world-writable work dir lets it.
chmod 777 .
apt-get source --download-only "cpp-httplib=$VERSION" >/dev/null 2>&1 || {
  echo "third_party/httplib.sh: 'apt-get source cpp-httplib=$VERSION' failed;" \
       "run 'make deps' (it adds the deb-src entry and runs apt-get update)" >&2
  exit 1
}
echo "$ORIG_SHA256  cpp-httplib_0.11.4+ds.orig.tar.xz" | sha256sum -c --quiet -
echo "$DEBIAN_SHA256  cpp-httplib_${VERSION}.debian.tar.xz" | sha256sum -c --quiet -
dpkg-source -x "cpp-httplib_${VERSION}.dsc" tree >/dev/null 2>&1
echo "$HEADER_SHA256  tree/httplib.h" | sha256sum -c --quiet -
cp tree/httplib.h "../httplib.h"
cd .. && rm -rf "$work"
