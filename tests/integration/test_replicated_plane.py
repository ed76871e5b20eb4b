"""The replicated control plane (issue 17) with real processes: three `berth-with-engine serve
--peers` servers on loopback ports, each with its own data dir, no containers. A write on any
server is read on every server; the leader SIGKILLed while a client streams writes loses no
acknowledged write and applies none twice; the killed server restarts and rejoins; a server whose
peers are all stopped refuses writes with the reason, within a bound; an idle plane changes no
file in its data dirs. The failover time (leader
SIGKILL to the first write a survivor accepts) is printed for the README (BERTH_FAILOVER_KILLS
kills, 20 by default)."""
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import unittest

from harness import BERTH, TIME_SCALE, Berth, files_under, wait_for
from gateways import free_port

ENGINE_BERTH = os.path.join(os.path.dirname(os.path.abspath(BERTH)), "berth-with-engine")
KILLS = int(os.environ.get("BERTH_FAILOVER_KILLS", "20"))
# The longest a refused request may take: the servers' bounds (connect 1 s per peer, a request's
# round trip 5 s) with room for a loaded machine; a request that hangs past it fails the test.
REFUSAL_BOUND_S = 20 * TIME_SCALE
MAJORITY = "cannot reach a majority of the control plane"
IDLE_S = 10


class PlaneServer(Berth):
    binary = ENGINE_BERTH

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


def peers_list(peers):
    """`berth-with-engine peers list`: {address: (role, leader?)}."""
    out = subprocess.run([ENGINE_BERTH, "peers", "list", "--peers", ",".join(peers), "--config", "/dev/null"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return None
    members = {}
    for line in out.stdout.splitlines()[1:]:
        cells = line.split()
        members[cells[1]] = (cells[2], len(cells) > 3 and cells[3] == "leader")
    return members


def task_definition(mark):
    return dict(family="ha", containerDefinitions=[{"name": "c", "image": "busybox", "memory": 32,
                                                    "environment": [{"name": "MARK", "value": mark}]}])


class ReplicatedPlaneTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(ENGINE_BERTH):
            self.fail(ENGINE_BERTH + " is missing: `make` builds it beside berth")
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

    def leader(self):
        members = wait_for("a leader", lambda: (lambda m: m if m and any(l for _, l in m.values()) else None)(
            peers_list(self.peers)), 30)
        return next(s for s in self.servers if members[s.address][1])

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

    def test_peers_remove_then_a_wiped_server_joins_again(self):
        def peers(*args):
            return subprocess.run([ENGINE_BERTH, "peers", *args, "--peers", ",".join(self.peers), "--config", "/dev/null"],
                                  capture_output=True, text=True, timeout=60)
        added = peers("add", self.peers[1])
        self.assertEqual(added.returncode, 0, added.stderr)
        self.assertIn("already a voter", added.stdout)
        unknown = peers("add", "127.0.0.1:1")
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("--peer-address 127.0.0.1:1", unknown.stderr)
        self.servers[0].ecs(self.key).register_task_definition(**task_definition("before-removal"))
        # Stopped, then removed: the two left are the whole cluster and take writes.
        gone = self.servers[2]
        gone.stop()
        removed = peers("remove", gone.address)
        self.assertEqual(removed.returncode, 0, removed.stderr)
        self.assertEqual(sorted(peers_list(self.peers)), sorted(self.peers[:2]))
        self.servers[1].ecs(self.key).register_task_definition(**task_definition("after-removal"))
        # Its data dir wiped (but for a copy of the secrets key), it joins again as a new node
        # and serves everything written before and while it was out.
        shutil.rmtree(gone.data_dir)
        os.makedirs(gone.data_dir, mode=0o700)
        shutil.copy(os.path.join(self.servers[0].data_dir, "secrets.key"), gone.data_dir)
        gone.start()
        members = peers_list(self.peers)
        self.assertEqual(sorted(members), sorted(self.peers))
        self.assertEqual([role for role, _ in members.values()], ["voter"] * 3)
        ecs = gone.ecs(self.key)
        marks = [ecs.describe_task_definition(taskDefinition="ha:%d" % revision)["taskDefinition"]
                 ["containerDefinitions"][0]["environment"][0]["value"] for revision in (1, 2)]
        self.assertEqual(marks, ["before-removal", "after-removal"])

    def test_sigkill_of_the_leader_under_a_stream_of_writes(self):
        acked = {}        # mark -> revision the server answered
        attempted = []    # every mark sent, acknowledged or not
        stream = {"stop": False, "failures": 0, "acks": []}  # acks: (sent at, answered at)
        clients = [server.ecs(self.key) for server in self.servers]

        def streamer():
            count = 0
            while not stream["stop"]:
                count += 1
                mark = "m%d" % count
                attempted.append(mark)
                sent = time.monotonic()
                try:
                    reply = clients[count % 3].register_task_definition(**task_definition(mark))
                    acked[mark] = reply["taskDefinition"]["revision"]
                    stream["acks"].append((sent, time.monotonic()))
                except Exception:  # refused, reset, or the server is down: not acknowledged
                    stream["failures"] += 1
                    time.sleep(0.02)

        thread = threading.Thread(target=streamer)
        thread.start()
        failovers = []
        killed = []  # which server led at each kill: the lead moves between all three
        try:
            for round_ in range(KILLS):
                leader = self.leader()
                index = self.servers.index(leader)
                killed.append(index)
                wait_for("writes before the kill", lambda: len(stream["acks"]) >= 5 * (round_ + 1), 60)
                killed_at = time.monotonic()
                leader.stop(signal.SIGKILL)
                first = wait_for("a write accepted after the kill",
                                 lambda: next((done for sent, done in list(stream["acks"]) if sent > killed_at), None), 60)
                failovers.append(first - killed_at)
                clients[index] = None
                # The killed server restarts with its data dir and rejoins.
                leader.start()
                clients[index] = leader.ecs(self.key)
                members = wait_for("the restarted server a voter again", lambda: (
                    lambda m: m if m and len(m) == 3 and all(r == "voter" for r, _ in m.values()) else None)(
                    peers_list(self.peers)), 60)
                self.assertIn(leader.address, members)
        finally:
            stream["stop"] = True
            thread.join()
        self.assertEqual(len(failovers), KILLS)

        # Every acknowledged write is there, on every server, once; no revision is missing or
        # doubled: the revisions run 1..N with one mark each.
        for server in self.servers:
            ecs = server.ecs(self.key)
            arns = []
            for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix="ha"):
                arns += page["taskDefinitionArns"]
            revisions = sorted(int(arn.rsplit(":", 1)[1]) for arn in arns)
            self.assertEqual(revisions, list(range(1, len(revisions) + 1)))
            marks = {}
            for revision in revisions:
                td = ecs.describe_task_definition(taskDefinition="ha:%d" % revision)["taskDefinition"]
                mark = td["containerDefinitions"][0]["environment"][0]["value"]
                self.assertNotIn(mark, marks, "write %s applied twice" % mark)
                marks[mark] = revision
            for mark, revision in acked.items():
                self.assertEqual(marks.get(mark), revision, "acknowledged write %s (revision %d) missing" % (mark, revision))
            self.assertTrue(set(marks) <= set(attempted))
        failovers.sort()
        p50 = failovers[len(failovers) // 2]
        p95 = failovers[min(len(failovers) - 1, int(round(0.95 * (len(failovers) - 1))))]
        print("\nfailover (leader SIGKILL -> first accepted write) over %d kills: p50 %.2f s, p95 %.2f s, "
              "max %.2f s; %d writes acknowledged, %d refused" % (
                  len(failovers), p50, p95, failovers[-1], len(acked), stream["failures"]))
        print("servers killed in turn: %s; failovers (s): %s" % (killed, " ".join("%.2f" % f for f in failovers)))

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
