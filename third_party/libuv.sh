#!/bin/sh
# Builds libuv_a.a from Debian's source package (1.44.2-1+deb12u1, with its security fixes,
# pinned by SHA-256) into OUT_DIR, for the replicated control plane's engine (dqlite's and raft's
# event loop). Debian's archive is built without per-function sections, so --gc-sections kept
# whole objects (UDP, TTYs, processes, file watching, DNS) that dqlite and raft never call; built
# here with them, only their calls stay. -Os: the loop's time is spent in the system calls it
# wraps. The headers are Debian's (libuv1-dev), which this build matches.
# Usage: third_party/libuv.sh OUT_DIR CC AR    (writes OUT_DIR/libuv_a.a)
set -eu
VERSION="1.44.2-1+deb12u1"
ORIG_SHA256="d79b4b06ef04be85fb890bf39d55942cc64c2e15fd14eaa32dae5dce94485484"
DEBIAN_SHA256="14fc605e7d1520137416fd8c097b58a191be9b07bdbb406f7b39c7894b7d66a5"
# Linux's sources, as libuv's Makefile.am and CMakeLists.txt list them.
SOURCES="fs-poll.c idna.c inet.c random.c strscpy.c strtok.c threadpool.c timer.c uv-common.c
  uv-data-getter-setters.c version.c unix/async.c unix/core.c unix/dl.c unix/fs.c unix/getaddrinfo.c
  unix/getnameinfo.c unix/loop-watcher.c unix/loop.c unix/pipe.c unix/poll.c unix/process.c
  unix/random-devurandom.c unix/signal.c unix/stream.c unix/tcp.c unix/thread.c unix/tty.c unix/udp.c
  unix/linux-core.c unix/linux-inotify.c unix/linux-syscalls.c unix/procfs-exepath.c
  unix/proctitle.c unix/random-getrandom.c unix/random-sysctl-linux.c unix/epoll.c"
# libuv's configure adds -fno-strict-aliasing; its defines for Linux; Debian's hardening
# (dpkg-buildflags' hardening=+all, as debian/rules asks).
CFLAGS="-Os -ffunction-sections -fdata-sections -fno-strict-aliasing -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
  -D_LARGEFILE_SOURCE -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Iinclude -Isrc"
out=$1 cc=$2 ar=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/libuv-src"
"$(dirname "$0")/debian_source.sh" "$work" libuv1 "$VERSION" libuv1_1.44.2.orig.tar.gz "$ORIG_SHA256" "$DEBIAN_SHA256"
cd "$work/tree"
objects=""
for source in $SOURCES; do
  object=$(echo "$source" | tr / -).o
  # shellcheck disable=SC2086
  "$cc" $CFLAGS -c "src/$source" -o "$object"
  objects="$objects $object"
done
rm -f "$out/libuv_a.a"
# shellcheck disable=SC2086
"$ar" rcs "$out/libuv_a.a" $objects
cd "$out" && rm -rf "$work"
