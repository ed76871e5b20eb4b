"""berth benchmarks. Each figure is printed with a baseline measured in the same run."""
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

BUILD = "build"
TARGETS = [("x86_64", "x86_64-linux-gnu", "strip"),
           ("aarch64", "aarch64-linux-gnu", "aarch64-linux-gnu-strip"),
           ("armhf", "arm-linux-gnueabihf", "arm-linux-gnueabihf-strip")]
HOST_BERTH = os.path.join(BUILD, "x86_64-linux-gnu", "berth")
TARGET = "AmazonEC2ContainerServiceV20141113."
MB = 1000 * 1000


def row(name, value, baseline_name, baseline, unit, budget=None):
    ratio = value / baseline if baseline else float("nan")
    line = "%-46s %10.2f %-5s | %-34s %10.2f %-5s | ratio %6.2f" % (
        name, value, unit, baseline_name, baseline, unit, ratio)
    if budget is not None:
        line += " | budget %s" % budget
    print(line, flush=True)


def stripped_size(binary, strip):
    out = tempfile.mktemp()
    subprocess.run([strip, "-o", out, binary], check=True)
    size = os.path.getsize(out)
    os.unlink(out)
    return size


def hello_size(triple, strip):
    """A static C++ hello world from the same toolchain: the floor any static binary pays."""
    src = tempfile.mktemp(suffix=".cpp")
    out = tempfile.mktemp()
    with open(src, "w") as f:
        f.write('#include <iostream>\nint main(){std::cout<<"hi\\n";}\n')
    cxx = "g++" if triple.startswith("x86_64") else triple + "-g++"
    subprocess.run([cxx, "-static", "-O2", "-o", out, src], check=True)
    size = stripped_size(out, strip)
    os.unlink(src)
    os.unlink(out)
    return size


def start_berth(tmp, extra_args=(), config="/dev/null", binary=HOST_BERTH):
    args = [binary, "serve", "--config", config, "--data-dir", tmp + "/data",
            "--run-dir", tmp + "/run", "--socket", tmp + "/run/berth.sock", "--listen", "127.0.0.1:0", *extra_args]
    log = open(tmp + "/log", "w")
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    for _ in range(2000):
        with open(tmp + "/log") as f:
            m = re.search(r"API ready on https?://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return proc, int(m.group(1))
        time.sleep(0.005)
    raise RuntimeError("berth did not start")


def written_bytes(pid):
    """Bytes this process caused to be written to storage (/proc/PID/io write_bytes)."""
    with open("/proc/%d/io" % pid) as f:
        return int(re.search(r"^write_bytes:\s+(\d+)", f.read(), re.M).group(1))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def exchange(s, action, body=b"{}"):
    """Sends one ECS request (Connection: close) on the connected socket `s`; returns the reply."""
    s.sendall(b"POST / HTTP/1.1\r\nHost: b\r\nX-Amz-Target: " + (TARGET + action).encode() +
              b"\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def request(port, action, body=b"{}"):
    with socket.create_connection(("127.0.0.1", port)) as s:
        return exchange(s, action, body)


def unsigned_config(tmp_root):
    """A config that takes unsigned requests: these figures are the server's own; what SigV4 and
    TLS cost is measured against them by tls_bench.py."""
    path = os.path.join(tmp_root, "unsigned.conf")
    with open(path, "w") as f:
        f.write("BERTH_AUTH=off\n")
    return path


def time_to_first_list_clusters(tmp_root, port):
    """exec -> first answered ListClusters, polling connect() as fast as it goes."""
    tmp = tempfile.mkdtemp(dir=tmp_root)
    os.makedirs(tmp + "/data")
    args = [HOST_BERTH, "serve", "--config", unsigned_config(tmp_root), "--data-dir", tmp + "/data",
            "--run-dir", tmp + "/run", "--socket", "", "--listen", "127.0.0.1:%d" % port]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            reply = request(port, "ListClusters")
            if reply.startswith(b"HTTP/1.1 200"):
                break
        except OSError:
            pass
    elapsed = time.perf_counter() - t0
    proc.send_signal(signal.SIGTERM)
    proc.wait()
    return elapsed


def exec_time(args):
    t0 = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wrk_rps(port, action, body, seconds=5, threads=2, connections=8):
    env = dict(os.environ, BERTH_ACTION=action, BERTH_BODY=body)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                          "-s", "tests/bench/describe.lua", "http://127.0.0.1:%d/" % port],
                         env=env, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0


def main():
    tmp_root = tempfile.mkdtemp(prefix="berth-bench-")
    try:
        print("== binary size (stripped, static) vs a static C++ hello world of the same toolchain")
        for name, triple, strip in TARGETS:
            size = stripped_size(os.path.join(BUILD, triple, "berth"), strip)
            row("berth %s" % name, size / MB, "hello world %s" % name, hello_size(triple, strip) / MB,
                "MB", "<= 8 MB (aarch64)" if name == "aarch64" else None)

        print("== idle RSS after 3 s vs a sleeping coreutils process")
        proc, port = start_berth(tmp_root, (), unsigned_config(tmp_root))
        sleeper = subprocess.Popen(["sleep", "30"])
        time.sleep(3)
        berth_rss, sleep_rss = rss_kib(proc.pid), rss_kib(sleeper.pid)
        sleeper.kill()
        row("berth serve idle RSS", berth_rss / 1024, "sleep RSS", sleep_rss / 1024, "MiB", "<= 10 MB")

        print("== disk writes: 10 s idle vs one acknowledged write (flash wear)")
        before = written_bytes(proc.pid)
        time.sleep(10)
        idle_written = written_bytes(proc.pid) - before
        before = written_bytes(proc.pid)
        assert request(port, "CreateCluster", b'{"clusterName":"bench"}').startswith(b"HTTP/1.1 200")
        one_write = written_bytes(proc.pid) - before
        row("bytes written while idle for 10 s", idle_written, "bytes written by one CreateCluster",
            one_write, "B", "0 B idle")

        print("== throughput: DescribeTaskDefinition vs the same server's no-database path")
        td = {"family": "python-app", "networkMode": "bridge", "containerDefinitions": [
            {"name": "webapp", "cpu": 100, "memory": 100, "image": "pythonwebapp:latest",
             "portMappings": [{"protocol": "tcp", "containerPort": 8080, "hostPort": 80}], "essential": True}]}
        assert request(port, "RegisterTaskDefinition", json.dumps(td).encode()).startswith(b"HTTP/1.1 200")
        describe, bad = wrk_rps(port, "DescribeTaskDefinition", '{"taskDefinition":"python-app"}')
        assert bad == 0, "DescribeTaskDefinition returned %d errors" % bad
        baseline, _ = wrk_rps(port, "NoSuchAction", "{}")
        row("DescribeTaskDefinition req/s (8 conns)", describe, "UnknownOperation req/s", baseline, "req/s")
        busy_rss = rss_kib(proc.pid)
        row("berth RSS after the load", busy_rss / 1024, "idle RSS", berth_rss / 1024, "MiB", "<= 10 MB idle")
        proc.send_signal(signal.SIGTERM)
        proc.wait()

        print("== start: exec to first answered ListClusters vs exec of `berth version`")
        port = free_port()
        starts = [time_to_first_list_clusters(tmp_root, port) for _ in range(10)]
        versions = [exec_time([HOST_BERTH, "version"]) for _ in range(10)]
        row("exec -> ListClusters answered, median", statistics.median(starts) * 1000,
            "exec of `berth version`, median", statistics.median(versions) * 1000, "ms", "<= 100 ms")
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)


if __name__ == "__main__":
    main()
