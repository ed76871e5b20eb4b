# ARM64 gateways (Raspberry Pi 4/5, i.MX8, ...).
TRIPLE := aarch64-linux-gnu
DEB_ARCH := arm64
CXX := aarch64-linux-gnu-g++
STRIP := aarch64-linux-gnu-strip
QEMU := qemu-aarch64-static
CC := aarch64-linux-gnu-gcc
