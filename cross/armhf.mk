# ARMv7 hard-float gateways (Raspberry Pi 2/3 32-bit, i.MX6, ...).
TRIPLE := arm-linux-gnueabihf
DEB_ARCH := armhf
CXX := arm-linux-gnueabihf-g++
STRIP := arm-linux-gnueabihf-strip
QEMU := qemu-arm-static
EXTRA_CXXFLAGS := -Wno-psabi  # GCC 7.1 ABI-change notes; all code here is built by one compiler
