#!/bin/sh
# Installs what berth needs to build and test, idempotently: nothing is fetched when every
# package is already there. Usage: third_party/deps.sh host|cross|fuzz|vm|js|all
set -eu
what=${1:-all}

HOST_PACKAGES="g++ make dpkg-dev xz-utils pkg-config tcl8.6 nlohmann-json3-dev catch2
  libseccomp-dev zlib1g-dev libzstd-dev libmbedtls-dev nettle-dev
  libdqlite-dev libraft-dev libuv1-dev liblz4-dev awscli python3 python3-boto3 procps wrk busybox-static runc tzdata
  containernetworking-plugins iptables iproute2 gcc
  docker-registry skopeo python3-cryptography lintian prometheus
  chromium chromium-driver python3-selenium zsh openssl"
# clang with libFuzzer and the sanitizers, for `make fuzz` only.
FUZZ_PACKAGES="clang-16 libclang-rt-16-dev"
# The VM tests (tests/vm): the emulator and what builds the guest's root.
VM_PACKAGES="qemu-system-x86 qemu-system-arm qemu-utils qemu-user-static debootstrap e2fsprogs"
CROSS_PACKAGES="g++-aarch64-linux-gnu g++-arm-linux-gnueabihf binutils-aarch64-linux-gnu
  binutils-arm-linux-gnueabihf qemu-user-static"

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then
    # A stale or half-synced index of one foreign architecture must not stop the host build.
    apt-get update -qq || echo "deps: apt-get update reported errors; continuing" >&2
    apt_updated=1
  fi
}

missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

install() {
  need=$(missing "$@")
  [ -z "$need" ] && return 0
  apt_update
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
}

# cpp-httplib and SQLite come from Debian's source packages (third_party/httplib.sh, sqlite.sh): deb-src.
ensure_deb_src() {
  if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat > /etc/apt/sources.list.d/berth-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=0
    apt_update
  fi
}

# The AWS SDK for JavaScript v3 for the integration tests (tests/integration/js): the versions
# pinned in its package-lock.json, from the npm registry. The SDK needs Node.js 20 or newer
# (Debian 12 has 18: take NodeSource's nodejs 20, or Debian 13's).
js_sdk() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then install nodejs npm; fi
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "deps: the AWS SDK for JavaScript v3 needs Node.js >= 20; this is $(node --version)" >&2
    exit 1
  fi
  dir=$(dirname "$0")/../tests/integration/js
  # npm ci reinstalls from scratch: only when the lock file is newer than what is installed.
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
}

case "$what" in
  js) js_sdk ;;
  host) install $HOST_PACKAGES; ensure_deb_src ;;
  cross) install $CROSS_PACKAGES ;;
  fuzz) install $FUZZ_PACKAGES ;;
  vm) install $VM_PACKAGES ;;
  all) install $HOST_PACKAGES $CROSS_PACKAGES; ensure_deb_src ;;
  *) echo "usage: $0 host|cross|fuzz|vm|js|all" >&2; exit 2 ;;
esac
