# ARMv7 hard-float gateways (Raspberry Pi 2/3 32-bit, i.MX6, ...).
TRIPLE := arm-linux-gnueabihf
DEB_ARCH := armhf
CXX := arm-linux-gnueabihf-g++
STRIP := arm-linux-gnueabihf-strip
QEMU := qemu-arm-static
# 64-bit time and file offsets: gateways run past 2038 and hold files over 2 GiB. -Wno-psabi
# silences GCC 7.1 ABI-change notes; all code here is built by one compiler.
EXTRA_CXXFLAGS := -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 -Wno-psabi
CC := arm-linux-gnueabihf-gcc
