"""The replicated control plane under the API: RegisterTaskDefinition's latency through a server's
HTTP API on three `berth-with-engine serve --peers` servers on loopback (sent to the Raft leader's
server, and to another server, whose store forwards each statement to the leader), against one
`berth serve` on its SQLite file in the same run, rounds interleaved; then each server's RSS.
Unsigned requests (BERTH_AUTH=off), a new connection each, the same body each time; also the bytes
the servers wrote to disk per write (/proc/PID/io). Usage: replicated_api_bench.py
[CALLS_PER_ROUND [ROUNDS]]; BERTH_BENCH_ENGINE names another berth-with-engine (an A/B run)."""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import HOST_BERTH, free_port, request, row, rss_kib, start_berth, written_bytes  # noqa: E402

ENGINE = os.environ.get("BERTH_BENCH_ENGINE", os.path.join(os.path.dirname(HOST_BERTH), "berth-with-engine"))
CONFIG = "BERTH_AUTH=off\nBERTH_METADATA_PORT=0\nBERTH_DNS_LISTEN=off\nBERTH_METRICS_INTERVAL=0\n"
BODY = (b'{"family":"bench","containerDefinitions":[{"name":"c","image":"busybox","memory":32,'
        b'"environment":[{"name":"K","value":"v"}]}]}')


def config_file(tmp, extra=""):
    path = os.path.join(tmp, "berth.conf")
    with open(path, "w") as f:
        f.write(CONFIG + extra)
    return path


def start_plane(root):
    """Three servers; returns [(proc, api port, peer address)], the founder first."""
    peers = ["127.0.0.1:%d" % free_port() for _ in range(3)]
    servers = []
    for index, address in enumerate(peers):
        tmp = os.path.join(root, "plane%d" % index)
        os.makedirs(tmp + "/data", mode=0o700)
        if index:
            shutil.copy(os.path.join(root, "plane0", "data", "secrets.key"), tmp + "/data")
        extra = "BERTH_PEERS=%s\nBERTH_PEER_ADDRESS=%s\n" % (",".join(peers), address)
        proc, port = start_berth(tmp, (), config_file(tmp, extra), binary=ENGINE)
        servers.append((proc, port, address))
    return servers


def raft_leader(servers):
    listed = subprocess.run([ENGINE, "peers", "list", "--peers", ",".join(s[2] for s in servers),
                             "--config", "/dev/null"], capture_output=True, text=True, timeout=60, check=True)
    for line in listed.stdout.splitlines()[1:]:
        cells = line.split()
        if len(cells) > 3 and cells[3] == "leader":
            return next(s for s in servers if s[2] == cells[1])
    raise RuntimeError("no leader listed:\n" + listed.stdout)


def peak_rss_mib(pid):
    """VmHWM: the most the process ever held resident."""
    with open("/proc/%d/status" % pid) as f:
        return int(next(line for line in f if line.startswith("VmHWM:")).split()[1]) / 1024


def timed_writes(port, calls):
    took = []
    for _ in range(calls):
        started = time.perf_counter()
        reply = request(port, "RegisterTaskDefinition", BODY)
        took.append((time.perf_counter() - started) * 1000)
        if not reply.startswith(b"HTTP/1.1 200"):
            raise RuntimeError("refused: %r" % reply[:300])
    return took


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if not os.path.exists(ENGINE):
        raise SystemExit(ENGINE + " is missing: `make` builds it")
    root = tempfile.mkdtemp(prefix="berth-replicated-api-bench-")
    procs = []
    try:
        os.makedirs(root + "/single/data")
        single, single_port = start_berth(root + "/single", (), config_file(root + "/single"))
        procs.append(single)
        servers = start_plane(root)
        procs += [s[0] for s in servers]
        leader = raft_leader(servers)
        follower = next(s for s in servers if s is not leader)
        timed = {"file": [], "leader": [], "follower": []}
        written = {"file": 0, "plane": 0}
        for _ in range(rounds):
            before = written_bytes(single.pid)
            timed["file"] += timed_writes(single_port, calls)
            written["file"] += written_bytes(single.pid) - before
            before = sum(written_bytes(s[0].pid) for s in servers)
            timed["leader"] += timed_writes(leader[1], calls)
            timed["follower"] += timed_writes(follower[1], calls)
            written["plane"] += sum(written_bytes(s[0].pid) for s in servers) - before
        if raft_leader(servers) is not leader:
            print("note: the Raft lead moved during the run")
        print("RegisterTaskDefinition through the API, %d rounds of %d calls each way, a new connection each"
              % (rounds, calls))
        for fraction, name in ((0.5, "p50"), (0.99, "p99")):
            base = percentile(timed["file"], fraction)
            row("replicated, via the leader's server, %s" % name, percentile(timed["leader"], fraction),
                "SQLite file, %s" % name, base, "ms")
            row("replicated, via another server, %s" % name, percentile(timed["follower"], fraction),
                "SQLite file, %s" % name, base, "ms")
        mean_file = statistics.mean(timed["file"])
        row("replicated, via the leader's server, mean", statistics.mean(timed["leader"]), "SQLite file, mean",
            mean_file, "ms")
        row("bytes written per write, the three servers together", written["plane"] / (2 * rounds * calls),
            "berth serve on the file", written["file"] / (rounds * calls), "B")
        rss = [rss_kib(s[0].pid) / 1024 for s in servers]
        row("RSS, the leader's server", rss_kib(leader[0].pid) / 1024, "berth serve on the file", rss_kib(single.pid) / 1024,
            "MiB")
        row("RSS, largest of the three servers", max(rss), "berth serve on the file", rss_kib(single.pid) / 1024, "MiB")
        row("peak RSS, largest of the three servers", max(peak_rss_mib(s[0].pid) for s in servers),
            "berth serve on the file", peak_rss_mib(single.pid), "MiB")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
