#!/bin/sh
# Runs inside the VM (started by berth-vm-test.service) on the tree the host shares at /mnt/berth:
# reports the kernel and the cgroup hierarchy, then runs the suite named in tests/vm/selection
# (written by the host) and prints its `N passed, N failed` as the last line.
cd /mnt/berth
echo "guest: $(uname -srm), cgroup fs $(stat -fc %T /sys/fs/cgroup), $(nproc) CPUs, $(free -m | awk '/Mem:/ {print $2}') MiB"
build=$(cat tests/vm/selection.build)
tests=$(cat tests/vm/selection.tests)
export BERTH_TEST_IMAGES=/mnt/berth/build/images
sh tests/run.sh "$build" $tests 2>&1
echo "guest: done"
