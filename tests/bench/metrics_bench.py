"""Cost of sampling container metrics: berth with 50 running busybox `sleep` containers, once with
BERTH_METRICS_INTERVAL=10 (the default) and once with 0 (no sampler), over the same window: berth's
CPU time (utime + stime of all its threads) as % of one core, its RSS at the end, and the bytes it
wrote to disk during the window. Usage: python3 tests/bench/metrics_bench.py [WINDOW_SECONDS]
(default 120; run as root, under the containers lock)."""
import os
import sys
import statistics
import tempfile
import time
import urllib.request

from runtime_bench import call, percentile, rss_kib, serve, stop_and_clean

TICKS = os.sysconf("SC_CLK_TCK")
CONTAINERS = 50


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        # Fields after the command (which may hold spaces) end with ')'; utime, stime are 14, 15.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def sampler_cpu_seconds(pid):
    """CPU time of berth's sampler thread (named berth-metrics), in ns precision; 0 without one."""
    for task in os.listdir("/proc/%d/task" % pid):
        base = "/proc/%d/task/%s/" % (pid, task)
        with open(base + "comm") as f:
            if f.read().strip() != "berth-metrics":
                continue
        with open(base + "schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    return 0.0


def write_bytes(pid):
    with open("/proc/%d/io" % pid) as f:
        return int([l for l in f if l.startswith("write_bytes")][0].split()[1])


def scrape_ms(port, n=200):
    """Median and p95 wall time in ms of `n` GET /metrics over a real loopback socket, and the same
    for ListClusters as the baseline measured in the same run, plus the exposition's size."""
    def timed(request):
        times = []
        body = b""
        for _ in range(n):
            t0 = time.perf_counter()
            with urllib.request.urlopen(request(), timeout=30) as resp:
                body = resp.read()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times), percentile(times, 95), len(body)
    metrics = timed(lambda: urllib.request.Request("http://127.0.0.1:%d/metrics" % port))
    clusters = timed(lambda: urllib.request.Request(
        "http://127.0.0.1:%d/" % port, data=b"{}", method="POST",
        headers={"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters"}))
    return metrics, clusters


def describe_all(port, arns):
    tasks = []
    for i in range(0, len(arns), 100):
        tasks += call(port, "DescribeTasks", {"tasks": arns[i:i + 100]})["tasks"]
    return tasks


def measure(interval, window):
    """Starts berth with BERTH_METRICS_INTERVAL=`interval`, runs 50 containers, and returns
    (berth's CPU and its sampler thread's as % of one core over `window` s, RSS MiB at its end,
    bytes written during it, whether the sampler was on)."""
    tmp = tempfile.mkdtemp(prefix="berth-metricsbench-")
    proc = None
    try:
        proc, port = serve(tmp, "BERTH_METRICS_INTERVAL=%d\n" % interval)
        call(port, "RegisterTaskDefinition", {"family": "sleeper", "networkMode": "host", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 1, "command": ["sleep", "3600"]}]})
        arns = []
        for _ in range(CONTAINERS // 10):
            arns += [t["taskArn"] for t in call(port, "RunTask", {"taskDefinition": "sleeper", "count": 10})["tasks"]]
        deadline = time.time() + 180
        while time.time() < deadline:
            tasks = describe_all(port, arns)
            if len(tasks) == CONTAINERS and all(t["lastStatus"] == "RUNNING" for t in tasks):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("the containers did not all reach RUNNING")
        # Past the starts and the first passes: the window sees the steady state only.
        time.sleep(15)
        cpu0, sampler0, written0 = cpu_seconds(proc.pid), sampler_cpu_seconds(proc.pid), write_bytes(proc.pid)
        t0 = time.monotonic()
        time.sleep(window)
        cpu1, sampler1, written1 = cpu_seconds(proc.pid), sampler_cpu_seconds(proc.pid), write_bytes(proc.pid)
        t1 = time.monotonic()
        rss = rss_kib(proc.pid) / 1024
        sampled = "container metrics every" in open(tmp + "/log").read()
        scrape = scrape_ms(port) if sampled else None
        for arn in arns:
            call(port, "StopTask", {"task": arn})
        deadline = time.time() + 60
        while time.time() < deadline and any(t["lastStatus"] != "STOPPED" for t in describe_all(port, arns)):
            time.sleep(0.5)
        return (100.0 * (cpu1 - cpu0) / (t1 - t0), 100.0 * (sampler1 - sampler0) / (t1 - t0), rss,
                written1 - written0, sampled, scrape)
    finally:
        stop_and_clean(proc, tmp)


def main():
    window = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    print("== metrics sampling: %d running containers, BERTH_METRICS_INTERVAL=10 vs 0, %d s window" % (
        CONTAINERS, window), flush=True)
    on_cpu, sampler_cpu, on_rss, on_written, on_sampled, scrape = measure(10, window)
    off_cpu, _, off_rss, off_written, off_sampled, _ = measure(0, window)
    if not on_sampled or off_sampled:
        raise RuntimeError("the sampler did not run as configured (on: %s, off: %s)" % (on_sampled, off_sampled))
    print("%-40s %8.3f %%   | interval 0 %8.3f %%   | ratio %5.2f | extra %6.3f %% of one core | budget < 1 %%" % (
        "berth CPU, interval 10 s", on_cpu, off_cpu, on_cpu / off_cpu if off_cpu else float("nan"),
        on_cpu - off_cpu), flush=True)
    print("%-40s %8.3f %%   | (its thread's own CPU time, schedstat)                  | budget < 1 %%" % (
        "sampler thread CPU, interval 10 s", sampler_cpu), flush=True)
    print("%-40s %8.2f MiB | interval 0 %8.2f MiB | ratio %5.2f | extra %6.2f MiB            | budget < 2 MiB" % (
        "berth RSS, interval 10 s", on_rss, off_rss, on_rss / off_rss if off_rss else float("nan"),
        on_rss - off_rss), flush=True)
    print("%-40s %8d B   | interval 0 %8d B   |                                    | budget 0 B" % (
        "berth disk writes in the window", on_written, off_written), flush=True)
    (m_median, m_p95, m_bytes), (c_median, c_p95, _) = scrape
    print("%-40s %8.3f ms  | ListClusters %6.3f ms | ratio %5.2f | p95 %.3f vs %.3f ms, %d B body" % (
        "GET /metrics over loopback, median", m_median, c_median, m_median / c_median, m_p95, c_p95,
        m_bytes), flush=True)


if __name__ == "__main__":
    main()
