"""Clusters of gateways with real joined agents: the serving gateway and three gateways that join it
with `berth serve --join`, each joined gateway in a network namespace of its own with its own address
on a test bridge (a veth pair each), its own data dir and run dir (so its own runc root, shims, logs
and berth.db), running real busybox containers through runc. The serving gateway stays in the
host's namespace, on the bridge's address, with TLS (it listens beyond loopback); the agents pin its
certificate's fingerprint. Task cgroups are /berth/<task id> on every gateway of the machine (task
ids are unique across the cluster, so they never collide)."""
import json
import os
import re
import signal
import subprocess
import time
import unittest

from harness import BERTH, TIME_SCALE, Berth

SUBNET = "10.213.%d" % (os.getpid() % 200 + 20)
BRIDGE_ADDRESS = SUBNET + ".1"


def run(*args):
    out = subprocess.run(list(args), capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(args), out.stderr))
    return out.stdout


def wait_for(what, condition, timeout=30):
    deadline = time.time() + timeout * TIME_SCALE
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


class TestNetwork:
    """A bridge on the host with one veth pair per gateway namespace."""

    def __init__(self):
        self.tag = "bga%d" % (os.getpid() % 100000)
        self.bridge = self.tag + "br"
        self.namespaces = []
        run("ip", "link", "add", self.bridge, "type", "bridge")
        run("ip", "addr", "add", BRIDGE_ADDRESS + "/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")

    def add(self, index):
        """Makes namespace `index` with address SUBNET.(10 + index); returns its name."""
        ns, host_end = "%s-%d" % (self.tag, index), "%sh%d" % (self.tag, index)
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
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
        for ns in self.namespaces:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


class ServingGateway(Berth):
    """The serving gateway, listening on every address (the bridge's included), TLS on."""

    def start(self):
        args = [BERTH, "serve", "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"),
                "--socket", self.socket_path, "--listen", "0.0.0.0:0", "--config", self.config_path]
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
    """A gateway running `berth serve --join` inside network namespace `ns`."""

    def __init__(self, ns, zone, server):
        super().__init__(config_text="BERTH_AVAILABILITY_ZONE=%s\nBERTH_METADATA_PORT=0\nBERTH_LOG_LEVEL=debug\n" % zone)
        self.ns, self.zone, self.server, self.token = ns, zone, server, None
        os.makedirs(self.data_dir)
        imported = self.import_image()
        if imported.returncode != 0:
            raise AssertionError("image import failed: " + imported.stderr)

    def start(self):
        args = ["nsenter", "--net=/run/netns/" + self.ns, BERTH, "serve", "--config", self.config_path,
                "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"), "--socket", "",
                "--listen", "", "--join", "https://%s:%d" % (BRIDGE_ADDRESS, self.server.port),
                "--join-fingerprint", self.server.fingerprint]
        if self.token:
            args += ["--join-token", self.token]
        self.starts += 1
        self.log_path = os.path.join(self.dir, "berth.%d.log" % self.starts)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        text = wait_for("the agent ready", lambda: ("agent ready" in self.log() or self.proc.poll() is not None)
                        and self.log(), 15)
        if self.proc.poll() is not None:
            raise AssertionError("the agent exited:\n" + text)
        self.instance = re.search(r"container instance ([0-9a-f]{32})", text).group(1)
        return self


def join_token(server):
    return run(BERTH, "join-token", "create", "--socket", server.socket_path).strip()


class JoinedAgentsTest(unittest.TestCase):
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
             "command": ["sleep", "3600"], "stopTimeout": 2}])

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

    def test_joined_agents_run_a_service_1_1_1_stop_it_and_a_lost_agent_is_replaced_and_fenced(self):
        # Joined: each instance connected, in its zone, with its key (and nothing more) in its data dir.
        described = self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(a) for a in self.agents])["containerInstances"]
        zones = {next(x["value"] for x in ci["attributes"] if x["name"] == "ecs.availability-zone")
                 for ci in described}
        self.assertEqual(zones, {"zone-a", "zone-b", "zone-c"})
        self.assertTrue(all(ci["agentConnected"] for ci in described))
        for agent in self.agents:
            self.assertEqual(os.stat(os.path.join(agent.data_dir, "join.json")).st_mode & 0o777, 0o600)

        # A service of 3 spreads 1-1-1 over the zones, each copy a real container in its gateway's runc.
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("one task running on each gateway", lambda: all(len(self.running_on(a)) == 1 for a in self.agents))
        for agent in self.agents:
            [task] = self.running_on(agent)
            runtime_id = task["containers"][0]["runtimeId"]
            self.assertEqual(agent.container_status(runtime_id), "running")
            # The container is in this gateway's network namespace (host networking there).
            pid = agent.container_pid(runtime_id)
            self.assertEqual(os.readlink("/proc/%d/ns/net" % pid),
                             os.readlink("/proc/%d/ns/net" % agent.proc.pid))

        # StopTask reaches the joined agent: its container goes; the service replaces the task.
        a, b, c = self.agents
        [stopped] = self.running_on(a)
        stopped_id = stopped["containers"][0]["runtimeId"]
        self.ecs.stop_task(task=stopped["taskArn"], reason="test")
        wait_for("the stopped container gone", lambda: stopped_id not in a.runc_containers())
        task = wait_for("the task STOPPED", lambda: [t for t in self.ecs.describe_tasks(tasks=[stopped["taskArn"]])["tasks"]
                                                    if t["lastStatus"] == "STOPPED"])[0]
        self.assertEqual(task["containers"][0]["exitCode"], 137)
        wait_for("3 running again", lambda: len([t for t in self.service_tasks() if t["lastStatus"] == "RUNNING"]) == 3)

        # Agent c is killed and its gateway cut off the network: its container keeps running, the
        # server loses the instance and replaces its task on the others.
        [stale] = wait_for("c's task", lambda: self.running_on(c))
        stale_id = stale["containers"][0]["runtimeId"]
        c.stop(signal.SIGKILL)
        self.net.cut(2)
        self.assertEqual(c.container_status(stale_id), "running")
        wait_for("c lost", lambda: not self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(c)])["containerInstances"][0]["agentConnected"])
        lost = self.ecs.describe_tasks(tasks=[stale["taskArn"]])["tasks"][0]
        self.assertEqual(lost["lastStatus"], "STOPPED")
        self.assertIn("was lost", lost["stoppedReason"])
        wait_for("the replacement running on a or b",
                 lambda: len(self.running_on(a)) + len(self.running_on(b)) == 3)
        self.assertEqual(c.container_status(stale_id), "running")  # nobody told it yet

        # c comes back (same data dir, no token): its stale container is stopped and removed, and
        # the instance is connected again.
        self.net.cut(2, up=True)
        c.token = None
        c.start()
        wait_for("c's stale container gone", lambda: stale_id not in c.runc_containers(), 30)
        wait_for("c connected", lambda: self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(c)])["containerInstances"][0]["agentConnected"])
        self.assertIn("no longer lists this task", c.log())
        self.assertEqual(len([t for t in self.service_tasks() if t["lastStatus"] == "RUNNING"]), 3)


if __name__ == "__main__":
    unittest.main()
