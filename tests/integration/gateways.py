"""Clusters of gateways for the tests: the serving gateway and gateways that join it with `berth serve
--join`, each joined gateway in a network namespace of its own with its own address on a test bridge
(a veth pair each), its own data dir and run dir (so its own runc root, shims, logs and berth.db),
running real busybox containers through runc. The serving gateway stays in the host's namespace, on
the bridge's address, with TLS (it listens beyond loopback); the agents pin its certificate's
fingerprint. Task cgroups are /berth/<task id> on every gateway of the machine (task ids are unique
across the cluster, so they never collide)."""
import glob
import os
import re
import socket
import subprocess
import unittest

from harness import BERTH, Berth, join_token, wait_for

SUBNET = "10.213.%d" % (os.getpid() % 200 + 20)
BRIDGE_ADDRESS = SUBNET + ".1"


def run(*args):
    out = subprocess.run(list(args), capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout


class TestNetwork:
    """A bridge on the host with one veth pair per gateway namespace. Names are new for each test:
    the kernel frees a deleted namespace (and its end of a pair) some time after `ip netns del`."""
    made = 0

    def __init__(self):
        TestNetwork.made += 1
        self.tag = "bga%d%s" % (os.getpid() % 100000, "abcdefghij"[TestNetwork.made % 10])
        self.bridge = self.tag + "br"
        self.namespaces = []
        self.host_ends = []
        run("ip", "link", "add", self.bridge, "type", "bridge")
        run("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")

    def add(self, index):
        """Makes namespace `index` with address SUBNET.(10 + index); returns its name."""
        ns, host_end = "%s-%d" % (self.tag, index), "%sh%d" % (self.tag, index)
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        self.host_ends.append(host_end)
        run("ip", "link", "add", host_end, "type", "veth", "peer", "name", "eth0", "netns", ns)
        run("ip", "link", "set", host_end, "master", self.bridge, "up")
        address = "%s.%d" % (SUBNET, 10 + index)
        run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", ns, "link", "set", "lo", "up")
        return ns

    def cut(self, index, up=False):
        """Takes namespace `index`'s link down (or up again): the gateway is off the network."""
        run("ip", "link", "set", "%sh%d" % (self.tag, index), "up" if up else "down")

    def remove(self):
        for host_end in self.host_ends:
            subprocess.run(["ip", "link", "del", host_end], capture_output=True)
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


class ServingGateway(Berth):
    """The serving gateway, listening on every address (the bridge's included), TLS on, on a port
    that stays the same across its restarts (the agents' join URL names it)."""

    def start(self):
        self.fixed_port = getattr(self, "fixed_port", None) or free_port()
        args = [BERTH, "serve", "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"),
                "--socket", self.socket_path, "--listen", "0.0.0.0:%d" % self.fixed_port, "--config", self.config_path]
        self.starts += 1
        self.log_path = os.path.join(self.dir, "berth.%d.log" % self.starts)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        text = wait_for("the server ready", lambda: "API ready" in self.log() and self.log(), 10)
        self.scheme, self.port = "https", int(re.search(r"API ready on https://0\.0\.0\.0:(\d+)", text).group(1))
        self.fingerprint = re.search(r"SHA-256 ([0-9A-F:]+)", text).group(1)
        return self

    def client(self):
        import boto3
        from botocore.config import Config
        key = self.key
        return boto3.client("ecs", endpoint_url=self.endpoint, region_name=key[2], aws_access_key_id=key[0],
                            aws_secret_access_key=key[1], verify=os.path.join(self.data_dir, "tls", "cert.pem"),
                            config=Config(retries={"max_attempts": 1}))


class JoinedGateway(Berth):
    """A gateway running `berth serve --join` inside network namespace `ns`, its tasks' cgroups under
    a parent of its own (/berth-<ns>)."""

    def __init__(self, ns, zone, server):
        self.cgroup_parent = "/berth-" + ns
        # The metadata endpoint's port is the ECS agent's: each gateway has its own loopback.
        super().__init__(config_text="BERTH_AVAILABILITY_ZONE=%s\nBERTH_METADATA_PORT=51679\nBERTH_LOG_LEVEL=debug\n"
                                     "BERTH_CGROUP_PARENT=%s\n" % (zone, self.cgroup_parent))
        self.ns, self.zone, self.server, self.token = ns, zone, server, None
        os.makedirs(self.data_dir)
        imported = self.import_image()
        if imported.returncode != 0:
            raise AssertionError("image import failed: " + imported.stderr)

    def join_args(self):
        """How this gateway names the server it joins."""
        return ["--join", "https://%s:%d" % (BRIDGE_ADDRESS, self.server.port), "--join-fingerprint", self.server.fingerprint]

    def start(self):
        args = ["nsenter", "--net=/run/netns/" + self.ns, BERTH, "serve", "--config", self.config_path,
                "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"), "--socket", "",
                "--listen", ""] + self.join_args()
        if self.token:
            args += ["--join-token", self.token]
        self.starts += 1
        self.log_path = os.path.join(self.dir, "berth.%d.log" % self.starts)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        text = wait_for("the agent ready", lambda: ("agent ready" in self.log() or self.proc.poll() is not None)
                        and self.log(), 30)
        if self.proc.poll() is not None:
            raise AssertionError("the agent exited:\n" + text)
        self.instance = re.search(r"container instance ([0-9a-f]{32})", text).group(1)
        return self

    def cgroup_of(self, runtime_id):
        """The container's memory cgroup (v1) or its unified one, from /proc/<pid>/cgroup."""
        lines = open("/proc/%d/cgroup" % self.container_pid(runtime_id)).read().splitlines()
        by_controller = {line.split(":", 2)[1]: line.split(":", 2)[2] for line in lines}
        return by_controller.get("memory") or by_controller.get("")

    def cleanup(self):
        super().cleanup()
        # The parent berth made in each hierarchy and the task cgroups a killed berth left in it
        # (empty once their containers are gone), deepest first.
        for parent in glob.glob("/sys/fs/cgroup/*" + self.cgroup_parent) + glob.glob("/sys/fs/cgroup" + self.cgroup_parent):
            for directory, _, _ in sorted(os.walk(parent), key=lambda entry: -len(entry[0])):
                try:
                    os.rmdir(directory)
                except OSError:
                    pass


class ClusterTestCase(unittest.TestCase):
    """A serving gateway (its own instance drained, so only the joined ones take tasks), three
    joined gateways in zones a, b and c, and the task definition `app` (a busybox that logs two
    lines and sleeps)."""
    def setUp(self):
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        self.server = ServingGateway(config_text="BERTH_TASK_SETTLE_SECONDS=0\nBERTH_INSTANCE_LOST_SECONDS=6\n"
                                                 "BERTH_METADATA_PORT=0\n").start()
        self.addCleanup(self.server.cleanup)
        self.ecs = self.server.client()
        # Only the joined gateways take tasks.
        own = self.ecs.list_container_instances()["containerInstanceArns"]
        self.ecs.update_container_instances_state(containerInstances=own, status="DRAINING")
        self.agents = []
        for index, zone in enumerate(["zone-a", "zone-b", "zone-c"]):
            agent = JoinedGateway(self.net.add(index), zone, self.server)
            self.addCleanup(agent.cleanup)
            agent.token = join_token(self.server)
            self.agents.append(agent.start())
        # stopTimeout 2: busybox's sleep, PID 1, ignores SIGTERM; the stop is SIGKILL after 2 s.
        self.ecs.register_task_definition(family="app", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True,
             # A byte that is not UTF-8 first: the agent sends its logs to the server all the same.
             "command": ["sh", "-c", "printf 'caf\\351\\n'; echo hello from a joined gateway; exec sleep 3600"],
             "stopTimeout": 2}])

    def instance_arn(self, agent):
        return next(arn for arn in self.ecs.list_container_instances()["containerInstanceArns"]
                    if arn.endswith("/" + agent.instance))

    def service_tasks(self, desired="RUNNING"):
        arns = self.ecs.list_tasks(serviceName="web", desiredStatus=desired)["taskArns"]
        return self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []

    def running_on(self, agent):
        """The service tasks RUNNING on `agent` (by the server's record)."""
        return [t for t in self.service_tasks() if t["lastStatus"] == "RUNNING"
                and t["containerInstanceArn"].endswith("/" + agent.instance)]

    def tasks_of(self, service):
        arns = self.ecs.list_tasks(serviceName=service, desiredStatus="RUNNING")["taskArns"]
        return [t for t in (self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []) if t["lastStatus"] == "RUNNING"]
