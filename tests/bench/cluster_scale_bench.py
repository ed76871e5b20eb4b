"""Cluster scale: one real `berth serve` and hollow agents (berth-hollow-agents: the real joining,
polling, mirroring and reporting code, many per process, with a fake runtime) joined to it.
Measured in one run, each against a baseline of the same kind:
- placement: a service of TASKS tasks on AGENTS hollow instances, from CreateService until every
  task is placed (tasks per second), against one of min(TASKS, 1000) tasks on a single hollow
  instance (a server of its own);
- the time from CreateService until all TASKS are RUNNING (reported by the agents);
- the server's RSS with TASKS tasks on AGENTS instances (target <= 64 MiB), against the same
  server before the service;
- the server's CPU at steady state (AGENTS agents polling and heartbeating, nothing changing) over
  WINDOW seconds from /proc/PID/stat (target < 5 % of one core), against the single instance's.
Usage: python3 tests/bench/cluster_scale_bench.py [AGENTS [TASKS [WINDOW]]] (default 1000 10000 30;
run as root, under the containers lock: `berth serve` runs its own agent, though nothing is placed
on it)."""
import concurrent.futures
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from runtime_bench import rss_kib, row
from metrics_bench import cpu_seconds

BUILD = "build/x86_64-linux-gnu"
BERTH = os.path.abspath(BUILD + "/berth")
HOLLOW = os.path.abspath(BUILD + "/berth-hollow-agents")
TARGET = "AmazonEC2ContainerServiceV20141113."
# The hollow instances alone: the serving gateway's own instance runs real containers.
# How long a join token lives: 100 are spent well within it.
TOKEN_TTL = 20
HOLLOW_ONLY = [{"type": "memberOf", "expression": "attribute:ecs.instance-type == hollow"}]


class UnixConnection(http.client.HTTPConnection):
    """HTTP over the gateway's unix socket: authenticated by the caller's uid (root here)."""

    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(120)
        self.sock.connect(self.path)


def many_files():
    # A thousand agents hold a thousand connections: both ends need more descriptors than 1024.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    want = 65536 if hard == resource.RLIM_INFINITY else min(65536, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Cluster:
    def __init__(self, agents):
        self.tmp = tempfile.mkdtemp(prefix="berth-scale-")
        self.socket = self.tmp + "/run/berth.sock"
        with open(self.tmp + "/berth.conf", "w") as f:
            # Polls wait the server's longest, 20 s, as the agents ask (its join reply's); a lost
            # instance is far off (a third of it, 200 s, would not cut the wait).
            f.write("BERTH_INSTANCE_LOST_SECONDS=600\nBERTH_METRICS_INTERVAL=0\n")
        self.log = open(self.tmp + "/log", "w")
        self.server = subprocess.Popen(
            [BERTH, "serve", "--config", self.tmp + "/berth.conf", "--data-dir", self.tmp + "/data", "--run-dir",
             self.tmp + "/run", "--socket", self.socket, "--listen", "127.0.0.1:0"],
            stdout=self.log, stderr=self.log, preexec_fn=many_files)
        self.port = self.wait_ready()
        self.hollow = None
        self.join(agents)

    def wait_ready(self):
        for _ in range(3000):
            text = open(self.tmp + "/log").read()
            if "API ready on http://127.0.0.1:" in text:
                return int(text.split("API ready on http://127.0.0.1:")[1].split()[0])
            if self.server.poll() is not None:
                break
            time.sleep(0.01)
        raise RuntimeError("berth did not get ready: " + open(self.tmp + "/log").read())

    def call(self, action, body):
        # The agents' reports may fill the API's queue for a moment: a 503 is retried, as they do.
        for _ in range(600):
            status, text = self.send(action, body)
            if status != 503:
                break
            time.sleep(0.1)
        if status != 200:
            raise RuntimeError("%s: HTTP %d: %s" % (action, status, text[:500]))
        return json.loads(text)

    def send(self, action, body):
        conn = UnixConnection(self.socket)
        try:
            conn.request("POST", "/", json.dumps(body).encode(), {"X-Amz-Target": TARGET + action,
                                                                   "Content-Type": "application/x-amz-json-1.1"})
            resp = conn.getresponse()
            text = resp.read()
        finally:
            conn.close()
        return resp.status, text

    def token(self, _):
        out = subprocess.run([BERTH, "join-token", "create", "--socket", self.socket, "--ttl", "%ds" % TOKEN_TTL],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError("join-token create: " + out.stderr)
        return out.stdout.strip()

    def join(self, agents):
        self.hollow_log = open(self.tmp + "/hollow.log", "w")
        self.hollow = subprocess.Popen([HOLLOW, "http://127.0.0.1:%d" % self.port, self.tmp + "/hollow"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.hollow_log,
                                       text=True, preexec_fn=many_files)
        # The server holds at most 100 unexpired join tokens, spent ones too: made and spent 100 at
        # a time, each batch made once the one before has expired.
        joined = 0
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            while joined < agents:
                if joined:
                    time.sleep(max(0.0, made + TOKEN_TTL + 1 - time.monotonic()))
                made = time.monotonic()
                batch = list(pool.map(self.token, range(min(100, agents - joined))))
                self.hollow.stdin.write("\n".join(batch) + "\n")
                self.hollow.stdin.flush()
                for _ in batch:
                    line = self.hollow.stdout.readline()
                    if not line.startswith("joined"):
                        raise RuntimeError("hollow agents did not join: " +
                                           open(self.tmp + "/hollow.log").read()[-2000:])
                joined += len(batch)
        self.hollow.stdin.close()
        if not self.hollow.stdout.readline().startswith("ready"):
            raise RuntimeError("hollow agents did not start: " + open(self.tmp + "/hollow.log").read()[-2000:])

    def counts(self, service):
        s = self.call("DescribeServices", {"services": [service]})["services"][0]
        return s["runningCount"], s["pendingCount"]

    def run_service(self, tasks):
        """Creates a service of `tasks`; returns (seconds until all placed, seconds until all RUNNING)."""
        self.call("RegisterTaskDefinition", {"family": "scale", "networkMode": "host", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 6, "cpu": 1, "essential": True}]})
        began = time.monotonic()
        self.call("CreateService", {"serviceName": "scale", "taskDefinition": "scale", "desiredCount": tasks,
                                    "placementConstraints": HOLLOW_ONLY,
                                    "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 0}})
        placed_at = None
        while True:
            running, pending = self.counts("scale")
            now = time.monotonic()
            if placed_at is None and running + pending >= tasks:
                placed_at = now
            if os.environ.get("BENCH_VERBOSE"):
                print("  %.1f s: %d running, %d pending" % (now - began, running, pending), flush=True)
            if running >= tasks:
                return placed_at - began, now - began
            if now - began > 1800:
                raise RuntimeError("not all RUNNING after 30 min: %d running, %d pending" % (running, pending))
            time.sleep(0.2)

    def steady_cpu(self, window):
        """The server's CPU over `window` s as % of one core."""
        before = cpu_seconds(self.server.pid)
        time.sleep(window)
        return (cpu_seconds(self.server.pid) - before) / window * 100

    def stop(self):
        if self.hollow:
            self.hollow.send_signal(signal.SIGTERM)
            try:
                self.hollow.wait(60)
            except subprocess.TimeoutExpired:
                self.hollow.kill()
        self.server.send_signal(signal.SIGTERM)
        self.server.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    agents = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    window = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    single_tasks = min(tasks, 1000)  # a poll lists at most 1000 tasks of one instance

    single = Cluster(1)
    try:
        single_placed, single_running = single.run_service(single_tasks)
        time.sleep(10)  # the reports settle
        single_cpu = single.steady_cpu(window)
        single_rss = rss_kib(single.server.pid) / 1024
    finally:
        single.stop()

    many = Cluster(agents)
    try:
        time.sleep(5)
        idle_rss = rss_kib(many.server.pid) / 1024
        placed, running = many.run_service(tasks)
        rss = rss_kib(many.server.pid) / 1024
        time.sleep(10)
        cpu = many.steady_cpu(window)
        rss_after = rss_kib(many.server.pid) / 1024
    finally:
        many.stop()

    print("== cluster scale: %d hollow agents, %d tasks (single instance: %d tasks)" % (agents, tasks, single_tasks))
    row("placement, %d instances (tasks/s)" % agents, tasks / placed, "one instance", single_tasks / single_placed,
        "t/s")
    row("CreateService %d to all RUNNING" % tasks, running, "%d on one instance" % single_tasks, single_running, "s")
    row("server RSS, %d tasks on %d instances" % (tasks, agents), max(rss, rss_after), "same server, joined, no tasks",
        idle_rss, "MiB", "<= 64 MiB")
    row("server CPU, %d agents steady, %d s" % (agents, window), cpu, "one agent, %d tasks" % single_tasks, single_cpu,
        "%", "< 5 % of one core")
    print("(one instance: server RSS %.1f MiB with %d tasks)" % (single_rss, single_tasks))


if __name__ == "__main__":
    main()
