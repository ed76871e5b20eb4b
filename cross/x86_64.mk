# x86_64 gateways and the build host.
TRIPLE := x86_64-linux-gnu
DEB_ARCH := amd64
CXX := g++
STRIP := strip
QEMU :=
CC := gcc
