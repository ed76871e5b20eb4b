"""A client that streams writes at a replicated control plane's servers while the test kills them
(issue 17), and the check of what the servers hold afterwards: every acknowledged write is there,
none is there twice, none is there that was not sent.

The stream alternates two writes, one server after the other:
- RegisterTaskDefinition of family `stream`, each with a mark of its own (an environment value).
  Checked: the family's revisions run 1..N with no gap, each mark is on one revision only, and
  each acknowledged mark is on the revision its answer gave.
- After each acknowledged registration, UpdateService of one of the test's services to that new
  revision (forceNewDeployment). Every such update starts a service deployment whose revision
  names the task definition, so the service's deployment history (ListServiceDeployments,
  DescribeServiceRevisions) lists the updates that were applied, in order; each update names a
  revision of its own, so one applied twice would show twice. A service keeps 25 service
  deployments: each service takes at most UPDATES_PER_SERVICE updates so that its CreateService's
  deployment and all of its updates stay listed (one page), then the stream moves to the next
  service; with none left it only registers. Checked: the applied updates are a subsequence of
  those sent (order kept), none twice, every acknowledged one there, and the service runs the
  last one.

A write is acknowledged when its server answers 200. Anything else is not: a refused connection
(a killed server), a broken one, or a 500 ServerException (no majority, or the leader lost under
the request); any other answer (a 4xx: say the update's revision not found on the next server)
is recorded as unexpected, for the test to fail on."""
import collections
import threading
import time

FAMILY = "stream"
BASE_FAMILY = "stream-base"  # what the services run before their first update
UPDATES_PER_SERVICE = 19     # with the CreateService's deployment, one page of ListServiceDeployments (20)


def task_definition(family, mark):
    return {"family": family, "networkMode": "host", "containerDefinitions": [
        {"name": "main", "image": "busybox", "memory": 32, "command": ["sleep", "3600"],
         "environment": [{"name": "MARK", "value": mark}]}]}


def revision_of(arn):
    family, _, revision = arn.rsplit("/", 1)[1].rpartition(":")
    return family, int(revision)


class WriteStream:
    """Streams writes at `servers` (objects with call(action, body) -> (status, reply), raising
    OSError when the server cannot be reached) from its own thread, until stop(). `services` are
    the names of services the test created, running BASE_FAMILY, desired count 0."""

    def __init__(self, servers, services):
        self.servers, self.services = servers, services
        self.lock = threading.Lock()
        self.acks = []                 # (sent, answered) of each acknowledged write, time.monotonic()
        self.registered = {}           # mark -> the revision its acknowledgement gave
        self.marks_sent = []
        self.updates_sent = {service: [] for service in services}  # revisions, in the order sent
        self.updates_acked = {service: set() for service in services}
        self.updates_left_out = 0      # registrations not followed by an update: no service left
        self.refusals = collections.Counter()  # why writes were not acknowledged
        self.unexpected = []           # (action, server, status, reply) neither 200 nor a ServerException
        self._turn = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="write stream", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def acknowledged(self):
        with self.lock:
            return len(self.acks)

    def first_answer_after(self, moment):
        """When the first write sent after `moment` was acknowledged (None: none yet)."""
        with self.lock:
            return next((answered for sent, answered in self.acks if sent > moment), None)

    def _send(self, action, body):
        """One write at the next server in turn: its reply when acknowledged, else None."""
        server = self.servers[self._turn % len(self.servers)]
        self._turn += 1
        sent = time.monotonic()
        try:
            status, reply = server.call(action, body)
        except OSError as error:  # refused (killed), reset, timed out: not acknowledged
            self.refusals[type(error).__name__] += 1
            time.sleep(0.02)
            return None
        if status == 200:
            with self.lock:
                self.acks.append((sent, time.monotonic()))
            return reply
        if status == 500 and isinstance(reply, dict) and reply.get("__type") == "ServerException":
            self.refusals["ServerException"] += 1
        else:
            self.unexpected.append((action, server.index, status, reply))
        time.sleep(0.02)
        return None

    def _run(self):
        count = 0
        while not self._stopping.is_set():
            count += 1
            mark = "m%d" % count
            self.marks_sent.append(mark)
            reply = self._send("RegisterTaskDefinition", task_definition(FAMILY, mark))
            if reply is None:
                continue
            revision = reply["taskDefinition"]["revision"]
            self.registered[mark] = revision
            sent = sum(len(revisions) for revisions in self.updates_sent.values())
            if sent // UPDATES_PER_SERVICE >= len(self.services):
                self.updates_left_out += 1
                continue
            service = self.services[sent // UPDATES_PER_SERVICE]
            self.updates_sent[service].append(revision)
            # Another server than the one that acknowledged the registration: the revision must
            # be there already (an acknowledged write is read everywhere).
            if self._send("UpdateService", {"service": service, "taskDefinition": "%s:%d" % (FAMILY, revision),
                                            "forceNewDeployment": True}) is not None:
                self.updates_acked[service].add(revision)

    def summary(self):
        updates = sum(len(acked) for acked in self.updates_acked.values())
        return ("%d writes acknowledged (%d registrations, %d updates), %d not (%s)%s" % (
            len(self.acks), len(self.registered), updates, sum(self.refusals.values()),
            ", ".join("%s %d" % item for item in sorted(self.refusals.items())) or "none",
            "; %d registrations not followed by an update (no service left)" % self.updates_left_out
            if self.updates_left_out else ""))

    # --- the check, on one server's API ---

    def check(self, test, server):
        """Asserts, through `server`, that the plane holds what the stream wrote (see the module's
        docstring). REQUIRES: stopped."""
        test.assertEqual(self.unexpected, [], "answers neither 200 nor a ServerException")

        def ok(action, body):
            status, reply = server.call(action, body)
            test.assertEqual(status, 200, "%s on server %d: %s" % (action, server.index, reply))
            return reply

        def listed(action, body, member):
            items, token = [], None
            while True:
                reply = ok(action, dict(body, nextToken=token) if token else body)
                items += reply[member]
                token = reply.get("nextToken")
                if not token:
                    return items

        arns = listed("ListTaskDefinitions", {"familyPrefix": FAMILY}, "taskDefinitionArns")
        revisions = sorted(revision_of(arn)[1] for arn in arns)
        test.assertEqual(revisions, list(range(1, len(revisions) + 1)), "server %d: revisions with a gap" % server.index)
        marks = {}
        for revision in revisions:
            definition = ok("DescribeTaskDefinition", {"taskDefinition": "%s:%d" % (FAMILY, revision)})["taskDefinition"]
            mark = definition["containerDefinitions"][0]["environment"][0]["value"]
            test.assertNotIn(mark, marks, "server %d: registration %s applied twice" % (server.index, mark))
            marks[mark] = revision
        for mark, revision in self.registered.items():
            test.assertEqual(marks.get(mark), revision, "server %d: acknowledged registration %s (revision %d) missing"
                             % (server.index, mark, revision))
        test.assertLessEqual(set(marks), set(self.marks_sent))

        for service in self.services:
            deployments = listed("ListServiceDeployments", {"service": service}, "serviceDeployments")
            wanted = [d["targetServiceRevisionArn"] for d in reversed(deployments)]  # oldest first
            runs = {}
            for at in range(0, len(wanted), 20):
                reply = ok("DescribeServiceRevisions", {"serviceRevisionArns": wanted[at:at + 20]})
                test.assertEqual(reply.get("failures", []), [], reply)
                runs.update((r["serviceRevisionArn"], revision_of(r["taskDefinition"])) for r in reply["serviceRevisions"])
            applied = [runs[arn] for arn in wanted]
            test.assertEqual(applied[0], (BASE_FAMILY, 1), "%s: its first deployment" % service)
            test.assertTrue(all(family == FAMILY for family, _ in applied[1:]), applied)
            applied = [revision for _, revision in applied[1:]]
            context = "server %d, %s: applied %s, sent %s, acknowledged %s" % (
                server.index, service, applied, self.updates_sent[service], sorted(self.updates_acked[service]))
            test.assertEqual(len(applied), len(set(applied)), "an update applied twice; " + context)
            remaining = iter(self.updates_sent[service])
            test.assertTrue(all(revision in remaining for revision in applied), "not the updates sent, in order; " + context)
            test.assertLessEqual(self.updates_acked[service], set(applied), "an acknowledged update missing; " + context)
            described = ok("DescribeServices", {"services": [service]})["services"][0]
            test.assertEqual(revision_of(described["taskDefinition"]),
                             (FAMILY, applied[-1]) if applied else (BASE_FAMILY, 1), context)


def percentiles(values):
    """(p50, p95, max) of `values` (nearest rank, as the README's figures)."""
    ordered = sorted(values)
    return (ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
            ordered[-1])
