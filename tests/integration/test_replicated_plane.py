"""The replicated control plane (issue 17) with real processes: three `berth-with-engine serve
--peers` servers on loopback ports, each with its own data dir, no containers. A write on any
server is read on every server; exactly one server leads the schedulers, the Raft leader's; a
service created through a server that does not lead is placed at once (the leader's scheduler
sees the database's change count move); a server whose peers are all stopped refuses writes with
the reason, within a bound; an idle plane changes no file in its data dirs; a server away for
more writes than the log keeps catches up from a snapshot; `berth` without the engine names the
binary to use. The
failure tests with a stream of writes under leader SIGKILLs (and the failover times), a wiped
data dir, a partition and a joined agent run in network namespaces: test_control_plane_ha."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

from harness import BERTH, TIME_SCALE, Berth, files_under, raw_request, send_raw_http, wait_for
from gateways import free_port
from peers import ENGINE, peers_list, raft_leader

# The longest a refused request may take: the servers' bounds (connect 1 s per peer, a request's
# round trip 5 s) with room for a loaded machine; a request that hangs past it fails the test.
REFUSAL_BOUND_S = 20 * TIME_SCALE
MAJORITY = "cannot reach a majority of the control plane"
IDLE_S = 10
# More writes than a server's log keeps (cli/replicated: a snapshot every 256 entries, 256 kept).
BEYOND_THE_LOG = 600
# svc/service_scheduler.cpp's k_quiet_backstop_ms: the longest the scheduler leader's scheduler
# goes without planning when its store's change count did not move.
QUIET_BACKSTOP_S = 60


class PlaneServer(Berth):
    binary = ENGINE

    def __init__(self, peers, address):
        super().__init__(config_text="BERTH_PEERS=%s\nBERTH_PEER_ADDRESS=%s\nBERTH_METADATA_PORT=0\n"
                                     "BERTH_DNS_LISTEN=off\nBERTH_METRICS_INTERVAL=0\n" % (",".join(peers), address))
        self.address = address

    def ecs(self, key, **config):
        """A boto3 ECS client of this server signed with `key` (any server's credentials)."""
        import boto3
        from botocore.config import Config
        return boto3.client("ecs", endpoint_url=self.endpoint, region_name=key[2], aws_access_key_id=key[0],
                            aws_secret_access_key=key[1],
                            config=Config(retries={"max_attempts": 1}, read_timeout=REFUSAL_BOUND_S,
                                          connect_timeout=5, **config))


def task_definition(mark):
    return dict(family="ha", containerDefinitions=[{"name": "c", "image": "busybox", "memory": 32,
                                                    "environment": [{"name": "MARK", "value": mark}]}])


class ReplicatedPlaneTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(ENGINE):
            self.fail(ENGINE + " is missing: `make` builds it beside berth")
        self.peers = ["127.0.0.1:%d" % free_port() for _ in range(3)]
        self.servers = [PlaneServer(self.peers, address) for address in self.peers]
        for server in self.servers:
            self.addCleanup(server.cleanup)
        # The first server founds the cluster and makes the admin key and the secrets key; the
        # others get a copy of its secrets key (every server seals secrets with the same one).
        self.servers[0].start()
        for server in self.servers[1:]:
            os.makedirs(server.data_dir, mode=0o700)
            shutil.copy(os.path.join(self.servers[0].data_dir, "secrets.key"), server.data_dir)
            server.start()
        self.key = self.servers[0].key

    def register_on_socket(self, server, mark):
        """RegisterTaskDefinition through `server`'s unix socket (no signature): the revision, or
        the error's body."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(REFUSAL_BOUND_S)
            s.connect(server.socket_path)
            reply = send_raw_http(s, raw_request("RegisterTaskDefinition", json.dumps(task_definition(mark)).encode()))
        head, _, body = reply.partition(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n")[0]:
            return body.decode(errors="replace")
        return json.loads(body)["taskDefinition"]["revision"]

    def test_a_server_away_for_more_writes_than_the_log_keeps_catches_up_from_a_snapshot(self):
        """A server stopped while the others take more writes than the leader's log keeps gets
        a snapshot when it is back, not entries. It is then needed for a majority: with the third
        server SIGKILLed, a write commits only if it caught up."""
        leader = self.leader()
        away, other = [s for s in self.servers if s is not leader]
        away.stop()
        for count in range(BEYOND_THE_LOG):
            self.assertEqual(self.register_on_socket(leader, "while-away-%d" % count), count + 1)
        started = time.time()
        away.start()
        snapshots = lambda: [p for p in files_under(os.path.join(away.data_dir, "dqlite"))
                             if os.path.basename(p).startswith("snapshot-") and os.stat(p).st_mtime >= started]
        wait_for("a snapshot installed on the server that was away", snapshots, 30)
        other.stop(signal.SIGKILL)
        killed = time.time()
        answers = []
        wait_for("a write committed by the leader and the server that was away",
                 lambda: isinstance(answers.append(self.register_on_socket(away, "after")) or answers[-1], int), 60)
        print("\nthe first write after the third server's SIGKILL committed %.1f s after it; refused before: %s"
              % (time.time() - killed, answers[:-1]))
        ecs = away.ecs(self.key)
        got = ecs.describe_task_definition(taskDefinition="ha:%d" % BEYOND_THE_LOG)["taskDefinition"]
        self.assertEqual(got["containerDefinitions"][0]["environment"][0]["value"], "while-away-%d" % (BEYOND_THE_LOG - 1))

    def leader(self):
        address = raft_leader(self.peers)
        return next(s for s in self.servers if s.address == address)

    def test_membership_and_a_write_on_any_server_is_read_on_every_server(self):
        members = peers_list(self.peers)
        self.assertEqual(sorted(members), sorted(self.peers))
        self.assertEqual([role for role, _ in members.values()], ["voter"] * 3)
        self.assertEqual(sum(1 for _, leads in members.values() if leads), 1)
        for index, server in enumerate(self.servers):
            server.ecs(self.key).register_task_definition(**dict(task_definition("w%d" % index), family="any-%d" % index))
        for server in self.servers:
            ecs = server.ecs(self.key)
            for index in range(3):
                got = ecs.describe_task_definition(taskDefinition="any-%d" % index)["taskDefinition"]
                self.assertEqual(got["containerDefinitions"][0]["environment"][0]["value"], "w%d" % index)
        # One server holds the scheduler leadership: the one whose node leads the Raft cluster.
        leading = wait_for("a scheduler leader", lambda: [s for s in self.servers if "leads the schedulers" in s.log()], 10)
        self.assertEqual(len(leading), 1, [s.log()[-2000:] for s in self.servers])
        self.assertIs(leading[0], self.leader())

    def test_an_idle_plane_writes_nothing_to_its_data_dirs(self):
        """The edge's "no disk writes when nothing changes": once a write has settled and the
        scheduler leadership is held, no file under any server's data dir (the Raft log and
        snapshots, the local stores) changes while no call comes. The scheduler leadership's
        holder confirms its term every second by reads alone."""
        self.servers[0].ecs(self.key).register_task_definition(**task_definition("settle"))
        wait_for("a scheduler leader", lambda: any("leads the schedulers" in s.log() for s in self.servers), 10)
        time.sleep(3)  # the write's replication and the agents' first reports settle

        def files():
            found = {}
            for server in self.servers:
                for path in files_under(server.data_dir):
                    try:
                        status = os.stat(path)
                    except FileNotFoundError:
                        continue
                    found[path] = (status.st_size, status.st_mtime_ns)
            return found

        def disk_writes():
            total = 0
            for server in self.servers:
                with open("/proc/%d/io" % server.proc.pid) as io:
                    total += int(next(line for line in io if line.startswith("write_bytes:")).split()[1])
            return total

        before, written_before = files(), disk_writes()
        time.sleep(IDLE_S)
        after, written_after = files(), disk_writes()
        changed = sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path))
        self.assertEqual(changed, [], "files changed while idle for %d s" % IDLE_S)
        print("\nidle for %d s: the three servers wrote %d bytes to disk" % (IDLE_S, written_after - written_before))

    def test_a_service_created_on_a_server_that_does_not_lead_is_placed_promptly(self):
        """The scheduler leader's "nothing changed" shortcut reads the database's change count,
        which a write through another server's connection moves too: a service created on a
        server that does not lead has its tasks placed at the leader's next tick, not after the
        quiet backstop (QUIET_BACKSTOP_S). The bound is half the backstop, far from either."""
        wait_for("a scheduler leader", lambda: any("leads the schedulers" in s.log() for s in self.servers), 10)
        leader = self.leader()
        other = next(s for s in self.servers if s is not leader)
        ecs = other.ecs(self.key)
        wait_for("the local agents' instances",
                 lambda: len(ecs.list_container_instances()["containerInstanceArns"]) == 3, 30)
        ecs.register_task_definition(family="placed", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
             "command": ["sleep", "3600"]}])
        time.sleep(3)  # the leader's scheduler has passed since (a quiet pass, nothing to plan)
        started = time.monotonic()
        ecs.create_service(serviceName="placed", taskDefinition="placed", desiredCount=2)

        def placed():
            arns = [arn for status in ("RUNNING", "STOPPED")
                    for arn in ecs.list_tasks(serviceName="placed", desiredStatus=status)["taskArns"]]
            return arns if len(arns) >= 2 else None
        wait_for("the service's tasks placed", placed, 2 * QUIET_BACKSTOP_S, interval=0.1)
        elapsed = time.monotonic() - started
        print("\nservice created on a server that does not lead: tasks placed after %.2f s" % elapsed)
        self.assertLess(elapsed, QUIET_BACKSTOP_S / 2)

    def test_a_server_whose_peers_are_stopped_refuses_writes_with_the_reason(self):
        survivor = self.servers[2]
        ecs = survivor.ecs(self.key)
        ecs.register_task_definition(**task_definition("before"))
        for server in self.servers[:2]:
            server.stop(signal.SIGKILL)
        from botocore.exceptions import ClientError
        reasons = []
        for attempt in range(4):
            started = time.monotonic()
            with self.assertRaises(ClientError) as refused:
                ecs.register_task_definition(**task_definition("after-%d" % attempt))
            elapsed = time.monotonic() - started
            self.assertLess(elapsed, REFUSAL_BOUND_S)
            error = refused.exception.response
            self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 500)
            self.assertEqual(error["Error"]["Code"], "ServerException")
            self.assertIn("control plane", error["Error"]["Message"])
            reasons.append((round(elapsed, 2), error["Error"]["Message"]))
        # Once its connection to a leader is gone, every refusal names the missing majority.
        self.assertIn(MAJORITY, reasons[-1][1])
        print("\nrefusals with the peers stopped: " + "; ".join("%.2f s" % e for e, _ in reasons) +
              "\nlast: " + reasons[-1][1])
        # The peers back: writes are accepted again. A refused write was not acknowledged, but one
        # the survivor had appended to its log as leader may still commit once a majority is back
        # (Raft keeps it): each mark is there at most once, in the order sent.
        for server in self.servers[:2]:
            server.start()
        healed = wait_for("writes accepted again", lambda: self._accepts(ecs), 60)
        listed = ecs.list_task_definitions(familyPrefix="ha")["taskDefinitionArns"]
        marks = [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]
                 ["environment"][0]["value"] for arn in listed]
        self.assertEqual(marks[0], "before")
        self.assertEqual(marks[-1], healed)
        self.assertEqual(len(marks), len(set(marks)))
        print("applied after the refusals: %s" % (marks[1:-1] or "none"))

    def _accepts(self, ecs):
        self.heal_attempts = getattr(self, "heal_attempts", 0) + 1
        mark = "healed-%d" % self.heal_attempts
        try:
            ecs.register_task_definition(**task_definition(mark))
            return mark
        except Exception:
            return None


class WithoutEngineTest(unittest.TestCase):
    def test_berth_without_the_engine_names_the_binary_to_use(self):
        for args in (["serve", "--peers", "127.0.0.1:9001,127.0.0.1:9002", "--peer-address", "127.0.0.1:9001",
                      "--config", "/dev/null", "--data-dir", "/nonexistent/berth-it", "--listen", ""],
                     ["peers", "list", "--peers", "127.0.0.1:9001", "--config", "/dev/null"]):
            out = subprocess.run([BERTH] + args, capture_output=True, text=True, timeout=30)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("berth-with-engine", out.stderr + out.stdout)
