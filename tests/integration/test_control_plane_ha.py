"""The replicated control plane (issue 17) with each server in a network namespace of its own on a
test bridge (gateways.TestNetwork), as three gateways on a site's LAN: `berth-with-engine serve
--peers` in each, a joined gateway (`berth serve --join` with all three servers' URLs) running real
busybox containers in a fourth namespace. What is checked: the agent fails over when the server it
uses is SIGKILLed and the service keeps its count through the schedulers' move; a server cut off
from the network (a minority of one) refuses writes with the reason within a bound, and catches
up once it is back. The clients reach a cut-off server through its unix socket (a filesystem path,
which no network namespace hides)."""
import json
import os
import re
import signal
import socket
import subprocess
import time
import unittest

from gateways import SUBNET, JoinedGateway, TestNetwork
from harness import BERTH, Berth, join_token, raw_request, send_raw_http, wait_for

ENGINE = os.path.join(os.path.dirname(BERTH), "berth-with-engine")
API_PORT = 51678   # each server listens in its own namespace: the same port for all
PEER_PORT = 51680


def address_of(index):
    return "%s.%d" % (SUBNET, 10 + index)


class ReplicatedServer(Berth):
    """One server of the replicated control plane in namespace `ns` (address_of(index))."""

    def __init__(self, ns, index, peers, secrets_key=None):
        config = ("BERTH_TASK_SETTLE_SECONDS=0\nBERTH_INSTANCE_LOST_SECONDS=30\nBERTH_METADATA_PORT=0\n"
                  "BERTH_CGROUP_PARENT=/berth-%s\nBERTH_LOG_LEVEL=debug\n" % ns)
        if secrets_key:
            config += "BERTH_SECRETS_KEY_FILE=%s\n" % secrets_key
        super().__init__(config_text=config)
        self.ns, self.index, self.peers = ns, index, peers
        self.address = address_of(index)

    def start(self):
        args = ["nsenter", "--net=/run/netns/" + self.ns, ENGINE, "serve", "--config", self.config_path,
                "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"),
                "--socket", self.socket_path, "--listen", "0.0.0.0:%d" % API_PORT,
                "--peers", ",".join("%s:%d" % (address_of(i), PEER_PORT) for i in range(self.peers)),
                "--peer-address", "%s:%d" % (self.address, PEER_PORT)]
        self.starts += 1
        self.log_path = os.path.join(self.dir, "berth.%d.log" % self.starts)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        text = wait_for("server %d ready" % self.index,
                        lambda: ("API ready" in self.log() or self.proc.poll() is not None) and self.log(), 60)
        if self.proc.poll() is not None:
            raise AssertionError("server %d exited:\n%s" % (self.index, text))
        self.scheme, self.port = "https", API_PORT
        self.fingerprint = re.search(r"SHA-256 ([0-9A-F:]+)", text).group(1)
        return self

    @property
    def url(self):
        return "https://%s:%d" % (self.address, API_PORT)

    def call(self, action, body, timeout=30):
        """A JSON 1.1 request over the server's unix socket: (HTTP status, parsed body)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.socket_path)
            data = send_raw_http(s, raw_request(action, json.dumps(body).encode()))
        finally:
            s.close()
        head, _, payload = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        try:
            return status, json.loads(payload or b"{}")
        except ValueError:
            return status, payload.decode(errors="replace")


class ReplicatedAgent(JoinedGateway):
    """A joined gateway that knows every server (BERTH_JOIN with their URLs, one fingerprint each)."""

    def __init__(self, ns, zone, servers):
        self.servers = servers
        super().__init__(ns, zone, servers[0])

    def join_args(self):
        return ["--join", ",".join(s.url for s in self.servers),
                "--join-fingerprint", ",".join(s.fingerprint for s in self.servers)]


class ReplicatedControlPlaneTest(unittest.TestCase):
    def start_servers(self, count=3):
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        self.servers = []
        for index in range(count):
            ns = self.net.add(index)
            key = os.path.join(self.servers[0].data_dir, "secrets.key") if self.servers else None
            server = ReplicatedServer(ns, index, count, key)
            self.addCleanup(server.cleanup)
            self.servers.append(server.start())

    def ok(self, server, action, body):
        status, reply = server.call(action, body)
        self.assertEqual(status, 200, "%s on server %d: %s" % (action, server.index, reply))
        return reply

    def register(self, server, family, command=("sleep", "3600")):
        return self.ok(server, "RegisterTaskDefinition", {
            "family": family, "networkMode": "host", "containerDefinitions": [
                {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
                 "command": list(command)}]})["taskDefinition"]

    def test_the_agent_fails_over_and_a_service_keeps_its_count_when_the_server_it_uses_is_killed(self):
        self.start_servers()
        first = self.servers[0]
        # Only the joined gateway takes tasks: the servers' own instances are drained.
        own = self.ok(first, "ListContainerInstances", {})["containerInstanceArns"]
        self.assertEqual(len(own), 3, own)
        self.ok(first, "UpdateContainerInstancesState", {"containerInstances": own, "status": "DRAINING"})
        agent = ReplicatedAgent(self.net.add(3), "zone-a", self.servers)
        self.addCleanup(agent.cleanup)
        agent.token = join_token(first)
        agent.start()
        self.register(first, "app")
        self.ok(first, "CreateService", {"serviceName": "web", "taskDefinition": "app", "desiredCount": 2})

        def running(server):
            arns = self.ok(server, "ListTasks", {"serviceName": "web", "desiredStatus": "RUNNING"})["taskArns"]
            tasks = self.ok(server, "DescribeTasks", {"tasks": arns})["tasks"] if arns else []
            return [t for t in tasks if t["lastStatus"] == "RUNNING"]
        before = wait_for("2 service tasks RUNNING on the agent", lambda: len(running(first)) == 2 and running(first), 60)
        self.assertTrue(all(t["containerInstanceArn"].endswith("/" + agent.instance) for t in before))

        # The agent uses the first server (it answered the join). SIGKILL it.
        first.stop(signal.SIGKILL)
        killed_at = time.time()
        survivor = self.servers[1]
        # A stop on a survivor reaches the agent only through a survivor's poll; the service
        # scheduler (now on a survivor's server) replaces the task.
        stopped = before[0]["taskArn"]
        wait_for("a survivor to accept StopTask",
                 lambda: survivor.call("StopTask", {"task": stopped, "reason": "failover test"})[0] == 200, 30)

        def replaced():
            tasks = running(survivor)
            arns = [t["taskArn"] for t in tasks]
            gone = self.ok(survivor, "DescribeTasks", {"tasks": [stopped]})["tasks"][0]["lastStatus"] == "STOPPED"
            return gone and len(tasks) == 2 and stopped not in arns and tasks
        after = wait_for("the stopped task STOPPED (reported by the agent) and a replacement RUNNING", replaced, 90)
        print("failover: the agent's task stopped and replaced %.1f s after the SIGKILL" % (time.time() - killed_at))
        self.assertTrue(all(t["containerInstanceArn"].endswith("/" + agent.instance) for t in after))
        self.assertRegex(agent.log(), r"control plane: https://[0-9.]+:%d answered" % API_PORT)
        # The containers of the stopped task are gone from the agent; the others run.
        wait_for("the stopped task's container to go",
                 lambda: not any(c.startswith(stopped.rsplit("/", 1)[1]) for c in agent.runc_containers()), 30)
        instance = self.ok(survivor, "DescribeContainerInstances", {"containerInstances": [agent.instance]})
        self.assertTrue(instance["containerInstances"][0]["agentConnected"])

        # The killed server comes back and catches up: what was written meanwhile is on it.
        first.start()
        wait_for("the restarted server to see the replacement", lambda: sorted(t["taskArn"] for t in running(first)) ==
                 sorted(t["taskArn"] for t in after), 60)
        self.ok(survivor, "DeleteService", {"service": "web", "force": True})

    def test_a_server_cut_off_from_the_others_refuses_writes_with_the_reason_and_catches_up(self):
        self.start_servers()
        cut = self.servers[2]
        self.register(cut, "before")
        self.net.cut(2)
        self.addCleanup(lambda: self.net.cut(2, up=True))
        began = time.time()
        status, reply = cut.call("RegisterTaskDefinition", {
            "family": "refused", "containerDefinitions": [{"name": "main", "image": "busybox", "memory": 32}]})
        took = time.time() - began
        self.assertEqual(status, 500, reply)
        self.assertEqual(reply.get("__type"), "ServerException", reply)
        self.assertIn("cannot reach a majority of the control plane", reply.get("message", ""))
        print("minority refusal answered in %.1f s" % took)
        self.assertLess(took, 30, "a cut-off server must answer, not hang")
        # The majority goes on: a write there is acknowledged.
        during = self.register(self.servers[0], "during")
        self.assertEqual(during["revision"], 1)
        self.net.cut(2, up=True)
        caught_up = wait_for("the healed server to answer with the write made while it was cut off",
                             lambda: cut.call("DescribeTaskDefinition", {"taskDefinition": "during"})[0] == 200, 60)
        self.assertTrue(caught_up)
        # The refused write was never applied anywhere.
        for server in self.servers:
            status, reply = server.call("DescribeTaskDefinition", {"taskDefinition": "refused"})
            self.assertEqual(status, 400, (server.index, reply))
