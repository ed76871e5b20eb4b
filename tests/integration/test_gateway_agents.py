"""Clusters of gateways with real joined agents: the serving gateway and three gateways that join it
with `berth serve --join`, each joined gateway in a network namespace of its own with its own address
on a test bridge (a veth pair each), its own data dir and run dir (so its own runc root, shims, logs
and berth.db), running real busybox containers through runc. The serving gateway stays in the
host's namespace, on the bridge's address, with TLS (it listens beyond loopback); the agents pin its
certificate's fingerprint. Task cgroups are /berth/<task id> on every gateway of the machine (task
ids are unique across the cluster, so they never collide)."""
import os
import re
import signal
import socket
import subprocess
import time
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

        # `berth logs` on the server for a task on a joined gateway: answered through its agent.
        a, b, c = self.agents
        [on_b] = self.running_on(b)
        logs = subprocess.run([BERTH, "logs", on_b["taskArn"].rsplit("/", 1)[1], "--socket", self.server.socket_path],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertIn("hello from a joined gateway", logs.stdout)
        self.assertIn("caf", logs.stdout)  # the line that is not UTF-8 came too (replaced)

        # StopTask reaches the joined agent: its container goes; the service replaces the task.
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
        # (The replacement of a's task may have gone to any zone: a's stopping copy still counted.)
        stale = wait_for("c's tasks", lambda: self.running_on(c))
        stale_ids = [t["containers"][0]["runtimeId"] for t in stale]
        c.stop(signal.SIGKILL)
        self.net.cut(2)
        self.assertEqual([c.container_status(i) for i in stale_ids], ["running"] * len(stale))
        wait_for("c lost", lambda: not self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(c)])["containerInstances"][0]["agentConnected"])
        for lost in self.ecs.describe_tasks(tasks=[t["taskArn"] for t in stale])["tasks"]:
            self.assertEqual(lost["lastStatus"], "STOPPED")
            self.assertIn("was lost", lost["stoppedReason"])
        wait_for("the replacements running on a and b",
                 lambda: len(self.running_on(a)) + len(self.running_on(b)) == 3)
        self.assertEqual([c.container_status(i) for i in stale_ids], ["running"] * len(stale))  # nobody told c yet

        # c comes back (same data dir, no token): its stale containers are stopped and removed, and
        # the instance is connected again.
        self.net.cut(2, up=True)
        c.token = None
        c.start()
        wait_for("c's stale containers gone", lambda: not set(stale_ids) & set(c.runc_containers()), 30)
        wait_for("c connected", lambda: self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(c)])["containerInstances"][0]["agentConnected"])
        self.assertIn("no longer lists this task", c.log())
        self.assertEqual(len([t for t in self.service_tasks() if t["lastStatus"] == "RUNNING"]), 3)

    def tasks_of(self, service):
        arns = self.ecs.list_tasks(serviceName=service, desiredStatus="RUNNING")["taskArns"]
        return [t for t in (self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []) if t["lastStatus"] == "RUNNING"]

    def test_a_daemon_runs_on_every_gateway_and_one_that_joins_and_draining_moves_service_tasks(self):
        self.ecs.create_service(serviceName="everywhere", taskDefinition="app", schedulingStrategy="DAEMON")
        wait_for("a daemon task on each gateway", lambda: len(self.tasks_of("everywhere")) == 3)
        late = JoinedGateway(self.net.add(3), "zone-d", self.server)
        self.addCleanup(late.cleanup)
        late.token = join_token(self.server)
        late.start()
        tasks = wait_for("a daemon task on the fourth", lambda: len(self.tasks_of("everywhere")) == 4
                         and self.tasks_of("everywhere"))
        hosts = {t["containerInstanceArn"].rsplit("/", 1)[1] for t in tasks}
        self.assertEqual(hosts, {g.instance for g in self.agents + [late]})
        [on_late] = [t for t in tasks if t["containerInstanceArn"].endswith(late.instance)]
        self.assertEqual(late.container_status(on_late["containers"][0]["runtimeId"]), "running")

        # Draining a gateway moves its service tasks to the others; its container is stopped.
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        web = wait_for("3 web tasks", lambda: len(self.tasks_of("web")) == 3 and self.tasks_of("web"))
        # Three tasks spread over four zones leave one gateway without: drain one that has some.
        a = next(g for g in self.agents + [late] if [t for t in web if t["containerInstanceArn"].endswith(g.instance)])
        moved = [t for t in self.tasks_of("web") if t["containerInstanceArn"].endswith(a.instance)]
        self.assertTrue(moved)
        self.ecs.update_container_instances_state(containerInstances=[self.instance_arn(a)], status="DRAINING")
        wait_for("web off a, 3 running elsewhere", lambda: len(self.tasks_of("web")) == 3 and not [
            t for t in self.tasks_of("web") if t["containerInstanceArn"].endswith(a.instance)])
        wait_for("a's web containers gone", lambda: not {t["containers"][0]["runtimeId"] for t in moved}
                 & set(a.runc_containers()))

    def test_a_server_whose_certificate_is_not_the_pinned_one_is_not_joined(self):
        d = self.server.dir + "/wrong-pin"
        token = join_token(self.server)
        out = subprocess.run([BERTH, "serve", "--config", "/dev/null", "--data-dir", d + "/data", "--run-dir", d + "/run",
                              "--socket", "", "--listen", "", "--join", "https://127.0.0.1:%d" % self.server.port,
                              "--join-token", token, "--join-fingerprint", "00" * 32],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn("not the pinned one", out.stderr)
        self.assertFalse(os.path.exists(d + "/data/join.json"))
        # The token never left: a gateway that pins the right certificate joins with it.
        ns = self.net.add(3)
        late = JoinedGateway(ns, "zone-d", self.server)
        self.addCleanup(late.cleanup)
        late.token = token
        late.start()
        self.assertTrue(self.ecs.describe_container_instances(
            containerInstances=[self.instance_arn(late)])["containerInstances"][0]["agentConnected"])

    def test_agents_cut_off_from_a_killed_server_keep_running_and_report_what_exited_meanwhile(self):
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("one task running on each gateway", lambda: all(len(self.running_on(a)) == 1 for a in self.agents))
        a, b, c = self.agents
        [exits] = self.running_on(a)
        [stays] = self.running_on(b)
        exits_id, stays_id = exits["containers"][0]["runtimeId"], stays["containers"][0]["runtimeId"]

        self.server.stop(signal.SIGKILL)
        # While the server is down: a's container is killed (it exits 137), b's keeps running.
        os.kill(a.container_pid(exits_id), signal.SIGKILL)
        wait_for("a's container exited", lambda: a.container_status(exits_id) != "running")
        time.sleep(1)  # the agents poll and report into the void meanwhile
        self.assertEqual(b.container_status(stays_id), "running")
        self.assertIsNone(a.proc.poll())
        self.assertIn("does not answer", a.log())

        self.server.start()
        self.ecs = self.server.client()
        # a reports the exit it saw while cut off; the service replaces the task.
        task = wait_for("the exit reported", lambda: [t for t in self.ecs.describe_tasks(tasks=[exits["taskArn"]])["tasks"]
                                                      if t["lastStatus"] == "STOPPED"])[0]
        self.assertEqual(task["containers"][0]["exitCode"], 137)
        wait_for("3 running again", lambda: len([t for t in self.service_tasks() if t["lastStatus"] == "RUNNING"]) == 3)
        # b's task ran on untouched, the same container.
        self.assertEqual(self.ecs.describe_tasks(tasks=[stays["taskArn"]])["tasks"][0]["lastStatus"], "RUNNING")
        self.assertEqual(b.container_status(stays_id), "running")


if __name__ == "__main__":
    unittest.main()
