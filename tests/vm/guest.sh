#!/bin/sh
# Runs inside the VM at boot (berth-vm-test.service) on the tree the host shares at /mnt/berth:
# reports the kernel and the cgroup hierarchy, then does what the selection file named by
# berth.selection= on the kernel command line (written by tests/vm/vm.sh) says: MODE=suite runs
# the suite (BUILD, TESTS) and prints its `N passed, N failed` as the last line; MODE=bench runs
# tests/bench/BENCH.py on BUILD's berth; any other MODE runs tests/vm/scenarios/MODE.py.
# Then the guest powers off, or reboots when the scenario exits with 100.
cd /mnt/berth
selection=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^berth.selection=//p')
. "./$selection"
echo "guest: $(uname -srm), cgroup fs $(stat -fc %T /sys/fs/cgroup), $(nproc) CPUs, $(free -m | awk '/Mem:/ {print $2}') MiB, mode $MODE"
case "$MODE" in
  suite)
    # The test images are built here from the guest's own busybox-static, so they match its
    # architecture.
    rootfs/busybox-image.sh /var/tmp/images
    export BERTH_TEST_IMAGES=/var/tmp/images
    # An emulated guest starts berth and containers several times slower than the host: the
    # suite's waits get 4 times as long (the whole suite under TCG with other work on the host
    # timed out 14 tests at 1).
    export BERTH_TEST_TIME_SCALE="${TIME_SCALE:-4}"
    # One test at a time: the emulated vCPUs are the bottleneck, and a second worker would only
    # stretch every wait.
    export BERTH_TEST_JOBS=1
    sh tests/run.sh "$BUILD" $TESTS 2>&1
    rc=$? ;;
  bench)
    # The benchmarks' registry pushes the busybox test image, built here as for the suite.
    rootfs/busybox-image.sh /var/tmp/images
    echo "guest: benchmark $BENCH"
    BERTH_BIN="$BUILD/berth" BERTH_TEST_IMAGES=/var/tmp/images /usr/bin/python3 -u "tests/bench/$BENCH.py" 2>&1
    rc=$?
    echo "guest: benchmark exited $rc" ;;
  *)
    /usr/bin/python3 -u "tests/vm/scenarios/$MODE.py" 2>&1
    rc=$? ;;
esac
echo "guest: done"
if [ "$rc" = 100 ]; then systemctl --no-block reboot; else systemctl --no-block poweroff; fi
