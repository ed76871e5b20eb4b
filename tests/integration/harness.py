"""Starts the real `berth serve` in a temporary directory and drives it with the real aws CLI
(Debian's awscli) and boto3 (Debian's python3-boto3)."""
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request
import urllib.error

BERTH = os.environ.get("BERTH_BIN", "build/x86_64-linux-gnu/berth")
IMAGES = os.environ.get("BERTH_TEST_IMAGES", "build/images")
AWS = "/usr/bin/aws"  # Debian's awscli, whatever else is first on PATH
TARGET = "AmazonEC2ContainerServiceV20141113."


def _time_scale():
    """How much longer than on real hardware the waits may take (BERTH_TEST_TIME_SCALE, 1 to 20):
    an emulated guest (tests/vm) runs several times slower, and a busy one slower still."""
    text = os.environ.get("BERTH_TEST_TIME_SCALE", "1")
    if not re.fullmatch(r"[0-9]{1,2}", text) or not 1 <= int(text) <= 20:
        raise SystemExit("BERTH_TEST_TIME_SCALE must be a whole number from 1 to 20, not %r" % text)
    return int(text)


TIME_SCALE = _time_scale()
# The clients' settings besides the key, which comes from the credentials file berth writes at
# its first start (the quick start's way).
CLIENT_ENV = {
    "AWS_PAGER": "",
    "AWS_CONFIG_FILE": "/dev/null",
}


def wait_for(what, condition, timeout=30, interval=0.2):
    """Returns the first true value of condition(), asked every `interval` s; fails naming `what`
    after `timeout` s (times TIME_SCALE)."""
    deadline = time.time() + timeout * TIME_SCALE
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting for " + what)


def settled(what, read, quiet_s=2.5, timeout=30):
    """read()'s value once two readings `quiet_s` apart agree (both times TIME_SCALE); fails naming
    `what` after `timeout` s. For state that goes on changing for a while after the event a test
    can wait on: a stopped task's last lines reach the log store after STOPPED, on the ingester's
    own thread, in batches at most about a second apart (agent/log_ingester.hpp)."""
    deadline = time.time() + timeout * TIME_SCALE
    value = read()
    while time.time() < deadline:
        time.sleep(quiet_s * TIME_SCALE)
        again = read()
        if again == value:
            return again
        value = again
    raise AssertionError("timed out waiting for %s to settle; last read: %r" % (what, value))


def files_under(root):
    """The regular files below `root` (links aside)."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def join_token(berth, *args):
    """A one-time token from `berth join-token create` on `berth`'s socket (`args`: --ttl, --cluster)."""
    out = subprocess.run([BERTH, "join-token", "create", "--socket", berth.socket_path, *args],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise AssertionError("berth join-token create failed: " + out.stderr)
    return out.stdout.strip()


def read_credentials(path, profile="berth"):
    """Returns (access key id, secret, region) of `profile` in an AWS shared-credentials file."""
    import configparser
    parser = configparser.ConfigParser()
    parser.read(path)
    section = parser[profile]
    return section["aws_access_key_id"], section["aws_secret_access_key"], section.get("region", "local")


def sign_headers(method, url, body, headers, key, service="ecs"):
    """Returns `headers` plus the SigV4 headers botocore computes for the request with `key`
    (an (id, secret[, region]) tuple)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    SigV4Auth(Credentials(key[0], key[1]), service, key[2] if len(key) > 2 else "local").add_auth(request)
    return dict(request.headers.items())


def send_raw_http(sock, request_bytes):
    """Sends a hand-made HTTP request on `sock` and returns everything until the peer closes."""
    sock.sendall(request_bytes)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def raw_request(action, body, length=None, key=None, port=None):
    """An HTTP/1.1 ECS request (Connection: close) as bytes; `length` overrides Content-Length.
    Signed with `key` (an (id, secret) pair) for 127.0.0.1:`port` when given."""
    head = {"Host": "berth", "X-Amz-Target": TARGET + action, "Content-Type": "application/x-amz-json-1.1"}
    if key is not None:
        head["Host"] = "127.0.0.1:%d" % port
        head = sign_headers("POST", "http://127.0.0.1:%d/" % port, body, head, key)
    lines = "".join("%s: %s\r\n" % item for item in head.items())
    return (b"POST / HTTP/1.1\r\n" + lines.encode() + b"Connection: close\r\nContent-Length: " +
            str(len(body) if length is None else length).encode() + b"\r\n\r\n" + body)


class Berth:
    """One berth daemon with its own data directory. `restart` keeps the directory."""

    def __init__(self, extra_args=(), config_text=None):
        self.dir = tempfile.mkdtemp(prefix="berth-it-")
        self.extra_args = list(extra_args)
        self.config_path = None
        if config_text is not None:
            self.config_path = os.path.join(self.dir, "berth.conf")
            with open(self.config_path, "w") as f:
                f.write(config_text)
        self.proc = None
        self.port = None
        self.scheme = "http"
        self.starts = 0
        self.log_path = None

    @property
    def socket_path(self):
        return os.path.join(self.dir, "run", "berth.sock")

    @property
    def endpoint(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    @property
    def credentials_path(self):
        return os.path.join(self.dir, "data", "credentials")

    @property
    def key(self):
        """The admin key berth wrote at its first start: (access key id, secret, region)."""
        return read_credentials(self.credentials_path)

    def client_env(self):
        """The environment the aws CLI gets: the quick start's credentials file and profile."""
        return dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=self.credentials_path, AWS_PROFILE="berth", **CLIENT_ENV)

    def raw_request(self, action, body, length=None):
        """raw_request() signed with the admin key for this berth's TCP port."""
        return raw_request(action, body, length, key=self.key, port=self.port)

    binary = BERTH  # the berth binary this daemon runs (a subclass may run berth-with-engine)

    def start(self):
        args = [self.binary, "serve", "--data-dir", os.path.join(self.dir, "data"),
                "--run-dir", os.path.join(self.dir, "run"), "--socket", self.socket_path,
                "--listen", "127.0.0.1:0"]
        if self.config_path:
            args += ["--config", self.config_path]
        else:
            args += ["--config", "/dev/null"]
        args += self.extra_args
        self.starts += 1
        self.log_path = os.path.join(self.dir, "berth.%d.log" % self.starts)
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        log.close()  # the child holds its own copy
        deadline = time.time() + 10 * TIME_SCALE
        while time.time() < deadline:
            with open(self.log_path) as f:
                text = f.read()
            ready = re.search(r"API ready on (https?)://127\.0\.0\.1:(\d+)", text)
            if ready:
                self.scheme, self.port = ready.group(1), int(ready.group(2))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("berth exited during start:\n" + text)
            time.sleep(0.01)
        self.proc.kill()  # never leave a daemon behind
        self.proc.wait()
        raise RuntimeError("berth did not become ready:\n" + open(self.log_path).read())

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        return self.proc.returncode if self.proc else None

    def restart(self, sig=signal.SIGTERM):
        self.stop(sig)
        return self.start()

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def runc_root(self):
        return os.path.join(self.dir, "run", "runc")

    def import_image(self, archive=None):
        archive = archive or os.path.join(IMAGES, "busybox.tar")
        return subprocess.run([BERTH, "image", "import", archive, "--config", "/dev/null",
                               "--data-dir", os.path.join(self.dir, "data")],
                              capture_output=True, text=True, timeout=60)

    def runc_containers(self):
        out = subprocess.run(["runc", "--root", self.runc_root, "list", "-q"], capture_output=True, text=True)
        return [line for line in out.stdout.split() if line]

    def container_state(self, runtime_id):
        """runc's state of the container (status, pid, ...), or None when runc does not know it."""
        out = subprocess.run(["runc", "--root", self.runc_root, "state", runtime_id], capture_output=True, text=True)
        return json.loads(out.stdout) if out.returncode == 0 else None

    def container_status(self, runtime_id):
        return (self.container_state(runtime_id) or {}).get("status")

    def container_pid(self, runtime_id):
        return (self.container_state(runtime_id) or {}).get("pid")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def cleanup(self):
        self.stop(signal.SIGKILL)
        # Containers outlive berth by design: take down whatever a test left behind.
        for cid in self.runc_containers():
            subprocess.run(["runc", "--root", self.runc_root, "delete", "--force", cid], capture_output=True)
        state_root = os.path.join(self.dir, "run", "containers")
        for cid in os.listdir(state_root) if os.path.isdir(state_root) else []:
            try:
                with open(os.path.join(state_root, cid, "shim.pid")) as f:
                    os.kill(int(f.read()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        # Namespace holders of pidMode/ipcMode task tasks, and their /dev/shm.
        for holder in glob.glob(os.path.join(self.dir, "run", "tasks", "*", "holder")):
            try:
                with open(holder) as f:
                    os.kill(int(f.read().split()[0]), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
            subprocess.run(["umount", "-l", os.path.join(os.path.dirname(holder), "shm")], capture_output=True)
        bundles = os.path.join(self.dir, "data", "bundles")
        for b in os.listdir(bundles) if os.path.isdir(bundles) else []:
            subprocess.run(["umount", "-l", os.path.join(bundles, b, "rootfs")], capture_output=True)
        # Task cgroups berth would have removed had it not been killed: only this run's tasks.
        tasks = {cid.split("-", 1)[0] for cid in os.listdir(state_root)} if os.path.isdir(state_root) else set()
        for task in tasks:
            for hierarchy in glob.glob("/sys/fs/cgroup/*/berth/" + task) + glob.glob("/sys/fs/cgroup/berth/" + task):
                for child in glob.glob(hierarchy + "/*/"):
                    try:
                        os.rmdir(child)
                    except OSError:
                        pass
                try:
                    os.rmdir(hierarchy)
                except OSError:
                    pass
        netns = os.path.join(self.dir, "run", "netns")
        for n in os.listdir(netns) if os.path.isdir(netns) else []:
            subprocess.run(["umount", "-l", os.path.join(netns, n)], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- clients ---
    def aws(self, *args, check=True, service="ecs"):
        """Runs `aws SERVICE ARGS --endpoint-url ...`; returns the parsed JSON output (or None)."""
        env = self.client_env()
        cmd = [AWS, service, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        if check and out.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s" % (" ".join(args), out.returncode, out.stderr))
        if not check:
            return out
        return json.loads(out.stdout) if out.stdout.strip() else None

    def boto3(self, service="ecs", key=None, **config):
        import boto3
        from botocore.config import Config
        key = key or self.key
        return boto3.client(service, endpoint_url=self.endpoint, region_name=key[2] if len(key) > 2 else "local",
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            config=Config(retries={"max_attempts": 1}, **config))

    def raw(self, action, body, headers=None, method="POST", path="/", sign=True, service=None):
        """Sends raw bytes (an ECS request unless `action` is None and headers say otherwise),
        signed with the admin key unless `sign` is False; returns (status, parsed JSON body or
        text, headers)."""
        data = body if isinstance(body, bytes) else body.encode()
        h = {"Content-Type": "application/x-amz-json-1.1"}
        if action is not None or method == "POST" and path == "/":
            h["X-Amz-Target"] = TARGET + action if action is not None else ""
        h.update(headers or {})
        if sign:
            if service is None:
                service = "scheduler" if path.startswith("/schedules") else "berth" if method == "GET" else "ecs"
            h = sign_headers(method, self.endpoint + path, data if method != "GET" else b"", h, self.key, service)
        req = urllib.request.Request(self.endpoint + path, data=data if method != "GET" else None, headers=h,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read() or b"{}"), dict(resp.headers)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text), dict(e.headers)
            except ValueError:
                return e.code, text.decode(errors="replace"), dict(e.headers)


EXAMPLE_TASK_DEFINITION = {
    "family": "python-app", "networkMode": "bridge",
    "containerDefinitions": [{
        "name": "webapp", "cpu": 100, "memory": 100, "image": "pythonwebapp:latest",
        "portMappings": [{"protocol": "tcp", "containerPort": 8080, "hostPort": 80}],
        "essential": True}]}


class BerthTestCase(unittest.TestCase):
    """Each test gets a fresh berth; `self.berth` is running when the test starts."""
    berth_args = ()
    config_text = None

    def setUp(self):
        self.berth = Berth(self.berth_args, self.config_text).start()
        self.addCleanup(self.berth.cleanup)

    def register_example(self, family="python-app", via_cli=False, **extra):
        """Registers the README's example. Through boto3 unless `via_cli`: each aws CLI process
        costs a second of CPU, so tests use the CLI where the CLI is what they check."""
        td = dict(EXAMPLE_TASK_DEFINITION, family=family, **extra)
        if via_cli:
            return self.berth.aws("register-task-definition", "--cli-input-json", json.dumps(td))
        return self.berth.boto3().register_task_definition(**td)
