"""podman as a peer in the runtime benchmark: `podman run -d --runtime runc --network host` start
and `podman stop` latency of the same busybox image and command berth runs, and conmon's memory
per container (podman's monitor, the counterpart of berth's shim). Used only when podman and
conmon are installed (Debian's `podman` package); the benchmark installs nothing by itself.
podman keeps its images and containers under a temporary root of its own, so it neither sees nor
leaves anything in the host's podman storage."""
import os
import shutil
import subprocess
import tempfile
import time

# A command that exits at once on SIGTERM, as `sleep` as PID 1 would not (PID 1 gets no default
# signal actions): the stop figures measure the stop path, not a stop timeout.
EXITS_ON_SIGTERM = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


def available():
    return shutil.which("podman") is not None and shutil.which("conmon") is not None


def smaps_kib(pid, key):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


class Podman:
    """podman over a private storage root, with `docker_archive` (a `docker save` tarball of
    busybox:latest) loaded."""

    def __init__(self, docker_archive):
        self.root = tempfile.mkdtemp(prefix="berth-bench-podman-")
        # cgroupfs: no systemd on a gateway (or here); no events journal to write.
        self.base = ["podman", "--root", self.root + "/storage", "--runroot", self.root + "/run",
                     "--cgroup-manager", "cgroupfs", "--events-backend", "none"]
        self.podman("load", "-i", docker_archive)
        self.count = 0

    def podman(self, *args):
        return subprocess.run(self.base + list(args), check=True, capture_output=True, text=True).stdout.strip()

    def run(self):
        """`podman run -d` of busybox with EXITS_ON_SIGTERM; returns (name, seconds until it returned,
        which is once the container runs)."""
        self.count += 1
        name = "peer%d" % self.count
        t0 = time.perf_counter()
        # Explicit limits: podman's default RLIMIT_NOFILE (1048576) is above this host's hard limit.
        self.podman("run", "-d", "--runtime", "runc", "--network", "host", "--ulimit", "nofile=1024:1024",
                    "--ulimit", "nproc=1024:1024", "--name", name, "localhost/busybox:latest", *EXITS_ON_SIGTERM)
        return name, time.perf_counter() - t0

    def stop(self, name):
        """`podman stop` (returns once the container exited); returns the seconds it took."""
        t0 = time.perf_counter()
        self.podman("stop", "-t", "10", name)
        elapsed = time.perf_counter() - t0
        self.podman("rm", "-f", name)
        return elapsed

    def start_stop_times(self, n):
        starts, stops = [], []
        for _ in range(n):
            name, started = self.run()
            starts.append(started)
            stops.append(self.stop(name))
        return starts, stops

    def conmon_memory_kib(self, n):
        """Mean (RSS, PSS) in KiB of the conmon of each of `n` running containers."""
        names = [self.run()[0] for _ in range(n)]
        time.sleep(1)
        rss, pss = [], []
        for name in names:
            pid = int(self.podman("inspect", "--format", "{{.State.ConmonPid}}", name))
            rss.append(smaps_kib(pid, "Rss:"))
            pss.append(smaps_kib(pid, "Pss:"))
        self.podman("rm", "-f", "-t", "0", *names)
        return sum(rss) / len(rss), sum(pss) / len(pss)

    def close(self):
        subprocess.run(self.base + ["rm", "-a", "-f", "-t", "0"], capture_output=True)
        # podman leaves its overlay mounts under the storage root.
        subprocess.run("umount -R %s/storage/overlay 2>/dev/null; umount %s/storage/overlay/*/merged 2>/dev/null"
                       % (self.root, self.root), shell=True)
        shutil.rmtree(self.root, ignore_errors=True)


def measure(docker_archive, what):
    """what(Podman) over a fresh private podman root, removed after."""
    peer = Podman(docker_archive)
    try:
        return what(peer)
    finally:
        peer.close()


if __name__ == "__main__":
    import statistics
    if not available():
        raise SystemExit("podman or conmon is not installed")
    archive = os.path.abspath("build/images/busybox-docker.tar")
    starts, stops = measure(archive, lambda peer: peer.start_stop_times(10))
    print("podman run -d p50 %.1f ms, podman stop p50 %.1f ms" % (
        statistics.median(starts) * 1000, statistics.median(stops) * 1000))
    rss, pss = measure(archive, lambda peer: peer.conmon_memory_kib(5))
    print("conmon RSS %.2f MiB, PSS %.2f MiB" % (rss / 1024, pss / 1024))
