"""What the VM scenarios (tests/vm/scenarios/*.py, run in the guest by tests/vm/guest.sh) share:
berth installed from its .deb, its API on the unix socket, checks that print as they go and end
with `N passed, N failed`.

The API goes over the unix socket with no signature (root is an admin there), so a check costs
one request, not an aws CLI start (seconds under TCG)."""
import glob
import http.client
import json
import os
import socket
import subprocess
import time

SOCKET = "/run/berth/berth.sock"
TARGET = "AmazonEC2ContainerServiceV20141113."
ROOT = "/mnt/berth"


def say(text):
    print("guest: " + text, flush=True)


def uptime():
    """Seconds since the guest's kernel started."""
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("berth", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class ApiError(Exception):
    pass


def ecs(action, body=None, target=TARGET):
    """One ECS JSON 1.1 request on berth's unix socket; the reply's JSON, or ApiError."""
    connection = UnixConnection(SOCKET)
    try:
        connection.request("POST", "/", json.dumps(body or {}),
                           {"X-Amz-Target": target + action, "Content-Type": "application/x-amz-json-1.1"})
        reply = connection.getresponse()
        data = reply.read()
    finally:
        connection.close()
    if reply.status != 200:
        raise ApiError(f"{action}: HTTP {reply.status} {data[:300]!r}")
    return json.loads(data)


def wait_until(predicate, timeout, interval=0.5):
    """Polls `predicate` (exceptions count as not yet) until it returns a true value or `timeout`
    seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (OSError, ApiError, http.client.HTTPException):
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def api_up():
    return ecs("ListClusters")


def run(command, **kwargs):
    """Runs a command; returns (exit code, output)."""
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    return done.returncode, done.stdout


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        say(("ok   " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))
        return ok

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def selection():
    """The settings the host wrote in the file berth.selection= names (KEY=VALUE lines)."""
    with open("/proc/cmdline") as f:
        name = next(w.split("=", 1)[1] for w in f.read().split() if w.startswith("berth.selection="))
    settings = {}
    with open(os.path.join(ROOT, name)) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            settings[key] = value.strip("'")
    return settings


def install_berth(checks):
    """Installs the .deb the host built for this architecture with apt (no network: its
    dependencies are in the image) and waits for the service it enables and starts."""
    arch = run(["dpkg", "--print-architecture"])[1].strip()
    debs = sorted(glob.glob(os.path.join(ROOT, f"build/dist/berth_*_{arch}.deb")), key=os.path.getmtime)
    if not checks.check("a .deb for this architecture was built", debs, arch):
        return False
    code, output = run(["apt-get", "install", "-y", debs[-1]], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    checks.check("apt installs " + os.path.basename(debs[-1]), code == 0, output[-400:] if code else "")
    enabled = run(["systemctl", "is-enabled", "berth"])[1].strip()
    checks.check("the package enabled berth.service", enabled == "enabled", enabled)
    answered = checks.check("berth answers on its socket once installed", wait_until(api_up, 300))
    if not answered:
        say(run(["systemctl", "status", "--no-pager", "berth"])[1])
        say(run(["journalctl", "--no-pager", "-n", "40", "-u", "berth"])[1])
    return code == 0 and answered


def import_busybox():
    """Builds the test image from the guest's own busybox-static (right architecture) and imports
    it into berth's local store."""
    code, output = run(["sh", os.path.join(ROOT, "rootfs/busybox-image.sh"), "/var/tmp/images"])
    if code == 0:
        code, output = run(["berth", "image", "import", "/var/tmp/images/busybox.tar"])
    return code, output


def service_counts(cluster, names):
    """{service: (desiredCount, runningCount)}."""
    reply = ecs("DescribeServices", {"cluster": cluster, "services": names})
    return {s["serviceName"]: (s["desiredCount"], s["runningCount"]) for s in reply["services"]}


def steady(cluster, names):
    """True when every named service runs its desired count (DAEMON: one per instance)."""
    counts = service_counts(cluster, names)
    return len(counts) == len(names) and all(d > 0 and r == d for d, r in counts.values())


def process_rss_kib(name):
    """{pid: (VmRSS, VmHWM)} in KiB of the processes whose command is `name`."""
    found = {}
    for status in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(status) as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if fields.get("Name", "").strip() == name:
            kib = lambda key: int(fields.get(key, "0 kB").split()[0])
            found[int(status.split("/")[2])] = (kib("VmRSS"), kib("VmHWM"))
    return found
