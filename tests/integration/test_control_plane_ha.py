"""The replicated control plane (issue 17) with each server in a network namespace of its own on a
test bridge (gateways.TestNetwork), as three gateways on a site's LAN: `berth-with-engine serve
--peers` in each. What is checked:
- With a joined gateway (`berth serve --join` with all three servers' URLs) running real busybox
  containers in a fourth namespace: the agent fails over when the server it uses is SIGKILLed and
  the service keeps its count through the schedulers' move.
- The Raft leader SIGKILLed BERTH_FAILOVER_KILLS times (5 by default; the README's figures come
  from 20) while a client streams RegisterTaskDefinition and UpdateService at the three servers
  in turn (write_stream): no acknowledged write is lost, none is applied twice; after each kill
  the new Raft leader's server takes the scheduler leadership under a newer term, and the killed
  server restarts and is a voter again. The failover time (the SIGKILL to the first write sent
  after it that a survivor acknowledges) is printed: p50, p95, max.
- A server stopped, removed (`peers remove`), its data dir wiped, started again: it joins as a
  new node and has everything written before and while it was out.
- A server cut off from the network (a minority of one) refuses writes with the reason within a
  bound, and catches up once it is back.
The clients reach the servers through their unix sockets (a filesystem path, which no network
namespace hides); `berth-with-engine peers` runs on the host, which reaches the servers' peer
addresses over the bridge."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest

from gateways import SUBNET, JoinedGateway, TestNetwork
from harness import Berth, join_token, raw_request, send_raw_http, wait_for
from peers import ENGINE, all_voters, peers, peers_list, raft_leader
from write_stream import BASE_FAMILY, WriteStream, percentiles


def _kills():
    text = os.environ.get("BERTH_FAILOVER_KILLS", "5")
    if not re.fullmatch(r"[0-9]{1,3}", text) or not 1 <= int(text) <= 200:
        raise SystemExit("BERTH_FAILOVER_KILLS must be a whole number from 1 to 200, not %r" % text)
    return int(text)


KILLS = _kills()
API_PORT = 51678   # each server listens in its own namespace: the same port for all
PEER_PORT = 51680


def address_of(index):
    return "%s.%d" % (SUBNET, 10 + index)


def peer_address_of(index):
    return "%s:%d" % (address_of(index), PEER_PORT)


def scheduler_terms(server):
    """The terms under which `server` (its current run) took the scheduler leadership."""
    return [int(term) for term in re.findall(r"leads the schedulers, term (\d+)", server.log())]


class ReplicatedServer(Berth):
    """One server of the replicated control plane in namespace `ns` (address_of(index))."""

    def __init__(self, ns, index, peers, secrets_key=None, lost_seconds=30, poll_wait_seconds=20):
        # A parked poll waits BERTH_POLL_WAIT_SECONDS, at most a third of the lost timeout.
        config = ("BERTH_TASK_SETTLE_SECONDS=0\nBERTH_INSTANCE_LOST_SECONDS=%d\nBERTH_POLL_WAIT_SECONDS=%d\n"
                  "BERTH_METADATA_PORT=0\nBERTH_CGROUP_PARENT=/berth-%s\nBERTH_LOG_LEVEL=debug\n"
                  % (lost_seconds, poll_wait_seconds, ns))
        if secrets_key:
            config += "BERTH_SECRETS_KEY_FILE=%s\n" % secrets_key
        super().__init__(config_text=config)
        self.ns, self.index, self.peers = ns, index, peers
        self.address = address_of(index)

    def start(self):
        args = ["nsenter", "--net=/run/netns/" + self.ns, ENGINE, "serve", "--config", self.config_path,
                "--data-dir", self.data_dir, "--run-dir", os.path.join(self.dir, "run"),
                "--socket", self.socket_path, "--listen", "0.0.0.0:%d" % API_PORT,
                "--peers", ",".join(peer_address_of(i) for i in range(self.peers)),
                "--peer-address", peer_address_of(self.index)]
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
        if not data:  # the server died under the request
            raise ConnectionResetError("server %d closed the connection without an answer" % self.index)
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
    def start_servers(self, count=3, lost_seconds=30, poll_wait_seconds=20):
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        self.servers = []
        for index in range(count):
            ns = self.net.add(index)
            key = os.path.join(self.servers[0].data_dir, "secrets.key") if self.servers else None
            server = ReplicatedServer(ns, index, count, key, lost_seconds, poll_wait_seconds)
            self.addCleanup(server.cleanup)
            self.servers.append(server.start())
        self.peer_addresses = [peer_address_of(index) for index in range(count)]

    def ok(self, server, action, body):
        status, reply = server.call(action, body)
        self.assertEqual(status, 200, "%s on server %d: %s" % (action, server.index, reply))
        return reply

    def register(self, server, family, command=("sleep", "3600")):
        return self.ok(server, "RegisterTaskDefinition", {
            "family": family, "networkMode": "host", "containerDefinitions": [
                {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
                 "command": list(command)}]})["taskDefinition"]

    def joined_agent(self):
        """A joined gateway in a fourth namespace, the only instance that takes tasks (the
        servers' own are drained); it uses the first server, which answers its join."""
        first = self.servers[0]
        own = self.ok(first, "ListContainerInstances", {})["containerInstanceArns"]
        self.assertEqual(len(own), 3, own)
        self.ok(first, "UpdateContainerInstancesState", {"containerInstances": own, "status": "DRAINING"})
        agent = ReplicatedAgent(self.net.add(3), "zone-a", self.servers)
        self.addCleanup(agent.cleanup)
        agent.token = join_token(first)
        agent.start()
        return agent

    def test_a_task_placed_through_another_server_reaches_the_agent_whose_poll_is_parked(self):
        """The agent's poll is parked on the first server for 120 s. A RunTask sent to another
        server is placed there, announced to nobody on the first: the first server's poll
        answerer sees the database's change count move and wakes the poll (without that, the
        task would wait out the poll, and the 15 s wait below fails)."""
        self.start_servers(lost_seconds=600, poll_wait_seconds=120)
        agent = self.joined_agent()
        self.register(self.servers[0], "job")
        time.sleep(3)  # the agent's poll, sent after its join, is parked on the first server
        other = self.servers[1]
        sent = time.time()
        arn = self.ok(other, "RunTask", {"taskDefinition": "job"})["tasks"][0]["taskArn"]
        wait_for("the task RUNNING on the agent", lambda: self.ok(other, "DescribeTasks", {"tasks": [arn]})["tasks"][0]
                 ["lastStatus"] == "RUNNING", 15)
        print("a task placed through another server RUNNING on the agent %.1f s after RunTask" % (time.time() - sent))
        self.ok(other, "StopTask", {"task": arn})

    def test_the_agent_fails_over_and_a_service_keeps_its_count_when_the_server_it_uses_is_killed(self):
        self.start_servers()
        first = self.servers[0]
        agent = self.joined_agent()
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

    def test_sigkill_of_the_raft_leader_under_a_stream_of_writes(self):
        self.start_servers()
        first = self.servers[0]
        self.register(first, BASE_FAMILY)
        # Enough services that the stream's updates fit in their deployment histories (19 a
        # service; 9 to 17 updates a kill in the first runs; the summary says how many
        # registrations found no service left to update).
        services = ["stream-%d" % index for index in range(2 * KILLS + 2)]
        for name in services:
            self.ok(first, "CreateService", {"serviceName": name, "taskDefinition": BASE_FAMILY, "desiredCount": 0})
        stream = WriteStream(self.servers, services).start()
        self.addCleanup(stream.stop)
        failovers, killed = [], []  # killed: which server led at each kill (the lead moves around)
        for round_ in range(KILLS):
            wait_for("writes before kill %d" % (round_ + 1), lambda: stream.acknowledged() >= 5 * (round_ + 1), 60)
            leader = self.servers[self.peer_addresses.index(raft_leader(self.peer_addresses))]
            killed.append(leader.index)
            term_before = max((term for server in self.servers for term in scheduler_terms(server)), default=0)
            killed_at = time.monotonic()
            leader.stop(signal.SIGKILL)
            answered = wait_for("a write accepted after kill %d" % (round_ + 1),
                                lambda: stream.first_answer_after(killed_at), 60)
            failovers.append(answered - killed_at)
            # The schedulers follow the Raft lead: the new leader's server takes a newer term.
            wait_for("the new Raft leader's server to lead the schedulers under a newer term", lambda: (
                lambda s: s is not leader and max(scheduler_terms(s) or [0]) > term_before)(
                    self.servers[self.peer_addresses.index(raft_leader(self.peer_addresses))]), 30)
            # The killed server restarts with its data dir and is a voter again before the next kill.
            leader.start()
            all_voters(self.peer_addresses, 3)
        stream.stop()
        self.assertEqual(len(failovers), KILLS)
        print("\n" + stream.summary())
        for server in self.servers:
            stream.check(self, server)
        p50, p95, longest = percentiles(failovers)
        print("failover in network namespaces (leader SIGKILL -> first accepted write) over %d kills: "
              "p50 %.2f s, p95 %.2f s, max %.2f s" % (len(failovers), p50, p95, longest))
        print("servers killed in turn: %s; failovers (s): %s" % (killed, " ".join("%.2f" % f for f in failovers)))

    def test_a_removed_server_with_its_data_dir_wiped_joins_again_and_catches_up(self):
        self.start_servers()
        added = peers(self.peer_addresses, "add", self.peer_addresses[1])
        self.assertEqual(added.returncode, 0, added.stderr)
        self.assertIn("already a voter", added.stdout)
        stranger = peer_address_of(9)
        unknown = peers(self.peer_addresses, "add", stranger)
        self.assertEqual(unknown.returncode, 1, unknown.stdout)
        self.assertIn("--peer-address " + stranger, unknown.stderr)
        self.register(self.servers[0], "before-removal")
        # Stopped, then removed: the two left are the whole cluster and take writes.
        gone = self.servers[2]
        gone.stop()
        removed = peers(self.peer_addresses, "remove", self.peer_addresses[2])
        self.assertEqual(removed.returncode, 0, removed.stderr)
        self.assertEqual(sorted(peers_list(self.peer_addresses)), sorted(self.peer_addresses[:2]))
        self.register(self.servers[1], "while-out")
        self.ok(self.servers[0], "CreateService", {"serviceName": "made-while-out", "taskDefinition": "while-out",
                                                   "desiredCount": 0})
        # Its data dir wiped: it joins again as a new node. (Its secrets key is the file its
        # config names, the first server's, outside the wiped dir: the copy an operator keeps.)
        shutil.rmtree(gone.data_dir)
        os.makedirs(gone.data_dir, mode=0o700)
        gone.start()
        members = all_voters(self.peer_addresses, 3)
        self.assertEqual(sorted(members), sorted(self.peer_addresses))
        for family in ("before-removal", "while-out"):
            self.ok(gone, "DescribeTaskDefinition", {"taskDefinition": family})
        service = self.ok(gone, "DescribeServices", {"services": ["made-while-out"]})["services"]
        self.assertEqual([(s["serviceName"], s["status"]) for s in service], [("made-while-out", "ACTIVE")])
        # Its copy caught up: with another server SIGKILLed, a write commits only once the rejoined
        # server has it on disk (two of three), and Raft appends to a log only where it matches
        # the leader's up to that entry.
        leading = self.peer_addresses.index(raft_leader(self.peer_addresses))
        next(s for s in self.servers if s is not gone and s.index != leading).stop(signal.SIGKILL)
        wait_for("a write accepted by the rejoined server and the one left",
                 lambda: gone.call("RegisterTaskDefinition", {"family": "after-rejoin", "containerDefinitions": [
                     {"name": "main", "image": "busybox", "memory": 32}]})[0] == 200, 60)

    def test_a_server_listens_on_its_api_port_though_its_own_connections_would_take_it(self):
        """The API port lies in the kernel's ephemeral range, and a server's node connects to
        itself before the API listens: one such connection once took 51678 and the server did
        not start. Here the namespace's range is 51678-51681, and 51680 is the node's: a
        connect() tries the range's even ports first, so without the port reserved at start-up
        the first connection takes 51678 (the probe below shows it does)."""
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        ns = self.net.add(0)
        run_in = ["ip", "netns", "exec", ns]
        subprocess.run(run_in + ["sysctl", "-qw", "net.ipv4.ip_local_port_range=%d %d" % (API_PORT, API_PORT + 3)],
                       check=True)
        probe = subprocess.run(run_in + ["python3", "-c", (
            "import socket\n"
            "node = socket.socket(); node.bind(('%s', %d)); node.listen()\n"
            "client = socket.create_connection(('%s', %d)); print(client.getsockname()[1])\n"
            % (address_of(0), PEER_PORT, address_of(0), PEER_PORT))], capture_output=True, text=True, check=True)
        self.assertEqual(probe.stdout.strip(), str(API_PORT), "a connection here takes the API port first")
        server = ReplicatedServer(ns, 0, 3)
        self.addCleanup(server.cleanup)
        server.start()
        self.assertEqual(server.call("ListClusters", {})[0], 200)
        sockets = subprocess.run(run_in + ["ss", "-tanH"], capture_output=True, text=True, check=True).stdout
        listening = [line.split()[3] for line in sockets.splitlines() if line.startswith("LISTEN")]
        self.assertIn("0.0.0.0:%d" % API_PORT, listening)
        # The node's connections to itself were made, on the range's other ports.
        own = [line.split()[3] for line in sockets.splitlines()
               if line.startswith("ESTAB") and line.split()[4] == "%s:%d" % (address_of(0), PEER_PORT)]
        self.assertTrue(own, sockets)
        self.assertNotIn("%s:%d" % (address_of(0), API_PORT), own)
