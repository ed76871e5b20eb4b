#!/usr/bin/env python3
"""Soak: concurrent writers of every kind against a real `berth serve`, SIGKILL at a random
moment, restart, then every acknowledged write checked. A script, not a test (like tests/bench).

Usage:
    python3 tests/soak/soak.py [--trials 300] [--writers 7] [--berth build/x86_64-linux-gnu/berth] [--seed N]

Each trial starts berth in a fresh temporary data dir (listener on port 0), runs the writers for a
random 0.2-1.5 s, SIGKILLs berth mid-flight, restarts it on the same data dir and checks:
  - every acknowledged write is present (its last acknowledged value, or the value of the one
    request that was in flight when berth died, whose outcome is unknown);
  - no write whose reply was an error is present;
  - task-definition revisions only increase across the kill;
  - PRAGMA integrity_check on the database after berth stopped;
  - no container was started (task definitions name an image on an unreachable loopback port,
    so tasks are written but cannot start; no containers, no lock needed).
Each key (an attribute, a tag key, a service, ...) has one writer, so "last acknowledged" is
well defined. The last line reads: trials, acknowledged writes, lost, contradicted.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

TARGET = "AmazonEC2ContainerServiceV20141113."
ABSENT = "<absent>"
# Nothing listens on port 1: the pull fails at once and no container ever starts.
UNPULLABLE = "127.0.0.1:1/soak/none"
CLUSTER_ARN = "arn:aws:ecs:local:000000000000:cluster/default"
TAGGED = "soak-tags"


class Killed(Exception):
    """berth went away mid-request: the outcome of that request is unknown."""


class Client:
    """One keep-alive HTTP connection to berth (one per thread)."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body, headers):
        try:
            # GET and DELETE carry no body: a stray one would be read as the next request.
            data = json.dumps(body).encode() if body is not None else None
            self.conn.request(method, path, body=data, headers=headers)
            reply = self.conn.getresponse()
            data = reply.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            raise Killed() from e
        return reply.status, json.loads(data or b"{}")

    def ecs(self, action, body):
        return self.request("POST", "/", body, {"X-Amz-Target": TARGET + action,
                                                "Content-Type": "application/x-amz-json-1.1"})

    def scheduler(self, method, name, body=None):
        return self.request(method, "/schedules/" + name, body, {"Content-Type": "application/json"})

    def close(self):
        self.conn.close()


class History:
    """Per key, the writes in order as (value, outcome): outcome 'ok', 'failed' or 'unknown'."""

    def __init__(self):
        self.lock = threading.Lock()
        self.writes = {}
        self.acknowledged = 0

    def record(self, key, value, outcome):
        with self.lock:
            self.writes.setdefault(key, []).append((value, outcome))
            if outcome == "ok":
                self.acknowledged += 1

    def judge(self, key, actual, initial=ABSENT):
        """Returns (lost, contradicted) for the stored `actual` value of `key`."""
        writes = self.writes.get(key, [])
        last_ok = max((i for i, (_, outcome) in enumerate(writes) if outcome == "ok"), default=-1)
        allowed = {writes[last_ok][0] if last_ok >= 0 else initial}
        allowed |= {value for value, outcome in writes[last_ok + 1:] if outcome == "unknown"}
        if actual in allowed:
            return 0, 0
        if any(value == actual and outcome == "failed" for value, outcome in writes):
            return 0, 1
        return (1 if last_ok >= 0 else 0), (0 if last_ok >= 0 else 1)


class Trial:
    def __init__(self, berth, writers, rng):
        self.berth = berth
        self.writers = writers
        self.rng = rng
        self.dir = tempfile.mkdtemp(prefix="berth-soak-")
        self.proc = None
        self.port = None
        self.history = History()
        self.revisions = {}       # family -> acknowledged revisions
        self.tasks = {}           # task id -> startedBy token (acknowledged RunTask)
        self.failed_runs = []     # startedBy tokens of RunTask calls answered with an error
        self.stop_flag = threading.Event()
        self.instance_arn = None
        self.problems = []

    # --- berth ---
    def start(self):
        args = [self.berth, "serve", "--config", "/dev/null", "--data-dir", os.path.join(self.dir, "data"),
                "--run-dir", os.path.join(self.dir, "run"), "--socket", os.path.join(self.dir, "run", "berth.sock"),
                "--listen", "127.0.0.1:0"]
        log_path = os.path.join(self.dir, "berth.log")
        offset = os.path.getsize(log_path) if os.path.exists(log_path) else 0  # this start's lines only
        with open(log_path, "a") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(log_path) as f:
                f.seek(offset)
                ready = re.search(r"API ready on http://127\.0\.0\.1:(\d+)", f.read())
            if ready:
                self.port = int(ready.group(1))
                return
            if self.proc.poll() is not None:
                raise RuntimeError("berth exited during start:\n" + open(log_path).read())
            time.sleep(0.01)
        self.proc.kill()
        raise RuntimeError("berth did not become ready:\n" + open(log_path).read())

    def stop(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def cleanup(self):
        self.stop(signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- setup: what the writers build on (acknowledged before the clock starts) ---
    def setup(self):
        c = Client(self.port)
        self.instance_arn = c.ecs("ListContainerInstances", {})[1]["containerInstanceArns"][0]
        status, reply = c.ecs("CreateCluster", {"clusterName": TAGGED})
        assert status == 200, reply
        for family in ["soak-w%d" % w for w in range(self.writers)]:
            self.register(c, family)
        c.close()

    def register(self, c, family):
        image = "%s:%s" % (UNPULLABLE, family)
        status, reply = c.ecs("RegisterTaskDefinition", {
            "family": family, "networkMode": "none",
            "containerDefinitions": [{"name": "main", "image": image, "memory": 16}]})
        if status == 200:
            self.revisions.setdefault(family, []).append(reply["taskDefinition"]["revision"])
            with self.history.lock:
                self.history.acknowledged += 1
        return status, reply

    # --- writers ---
    def writer(self, w):
        c = Client(self.port)
        mine = {"services": [], "tasks": [], "schedules": []}
        i = 0
        try:
            while not self.stop_flag.is_set():
                i += 1
                kind = self.rng.choice(WRITES)
                if kind is toggle_state and w != 0:
                    continue  # one writer owns the instance state
                kind(self, c, w, i, mine)
        except Killed:
            pass
        finally:
            c.close()

    def write(self, key, value, call):
        """Runs `call` (-> (status, reply)); records the outcome for `key`; returns the reply or None."""
        try:
            status, reply = call()
        except Killed:
            self.history.record(key, value, "unknown")
            raise
        self.history.record(key, value, "ok" if status == 200 else "failed")
        return reply if status == 200 else None

    # --- verification after the restart ---
    def verify(self):
        c = Client(self.port)
        lost = contradicted = 0

        def judge(key, actual, initial=ABSENT):
            nonlocal lost, contradicted
            l, x = self.history.judge(key, actual, initial)
            if l or x:
                self.problems.append("%s: stored %r, writes %r" % (key, actual, self.history.writes.get(key)))
            lost += l
            contradicted += x

        keys = list(self.history.writes)
        clusters = [k[1] for k in keys if k[0] == "cluster"]
        for start in range(0, len(clusters), 100):
            reply = c.ecs("DescribeClusters", {"clusters": clusters[start:start + 100]})[1]
            found = {x["clusterName"]: x["status"] for x in reply["clusters"]}
            for name in clusters[start:start + 100]:
                judge(("cluster", name), found.get(name, ABSENT))
        tags = {t["key"]: t["value"] for t in c.ecs("ListTagsForResource", {
            "resourceArn": "arn:aws:ecs:local:000000000000:cluster/" + TAGGED})[1]["tags"]}
        instance = c.ecs("DescribeContainerInstances", {"containerInstances": [self.instance_arn]})[1]
        instance = instance["containerInstances"][0]
        attributes = {a["name"]: a.get("value", "") for a in instance["attributes"]}
        for key in keys:
            if key[0] == "tag":
                judge(key, tags.get(key[1], ABSENT))
            elif key[0] == "attribute":
                judge(key, attributes.get(key[1], ABSENT))
            elif key[0] == "state":
                judge(key, instance["status"], initial="ACTIVE")
            elif key[0] == "service":
                reply = c.ecs("DescribeServices", {"services": [key[1]]})[1]
                assert "services" in reply, reply
                active = [s for s in reply["services"] if s["status"] == "ACTIVE"]
                judge(key, active[0]["desiredCount"] if active else ABSENT)
            elif key[0] == "stop":
                # The agent stops tasks on its own (their image cannot be pulled): only an
                # acknowledged StopTask is judged.
                if not any(outcome == "ok" for _, outcome in self.history.writes[key]):
                    continue
                reply = c.ecs("DescribeTasks", {"tasks": [key[1]]})[1]
                judge(key, reply["tasks"][0]["desiredStatus"] if reply["tasks"] else ABSENT, initial="RUNNING")
            elif key[0] == "schedule":
                status, reply = c.scheduler("GET", key[1])
                judge(key, reply["State"] if status == 200 else ABSENT)
        # Acknowledged RunTask: the tasks exist. Failed ones: none was written.
        ids = list(self.tasks)
        for start in range(0, len(ids), 100):
            reply = c.ecs("DescribeTasks", {"tasks": ids[start:start + 100]})[1]
            missing = set(ids[start:start + 100]) - {t["taskArn"].rsplit("/", 1)[1] for t in reply["tasks"]}
            lost += len(missing)
            self.problems += ["task %s lost" % t for t in missing]
        for token in self.failed_runs:
            for desired in ("RUNNING", "STOPPED"):
                if c.ecs("ListTasks", {"startedBy": token, "desiredStatus": desired})[1]["taskArns"]:
                    contradicted += 1
                    self.problems.append("RunTask %s answered with an error but its task exists" % token)
        # Acknowledged revisions exist; the next one is higher than any acknowledged.
        for family, revisions in list(self.revisions.items()):
            listed = set()
            token = None
            while True:
                body = {"familyPrefix": family, "status": "ACTIVE"}
                if token:
                    body["nextToken"] = token
                reply = c.ecs("ListTaskDefinitions", body)[1]
                listed |= {int(a.rsplit(":", 1)[1]) for a in reply["taskDefinitionArns"]}
                token = reply.get("nextToken")
                if not token:
                    break
            missing = set(revisions) - listed
            lost += len(missing)
            self.problems += ["%s:%d lost" % (family, r) for r in missing]
            highest = max(revisions)
            status, reply = c.ecs("RegisterTaskDefinition", {
                "family": family, "networkMode": "none",
                "containerDefinitions": [{"name": "main", "image": UNPULLABLE + ":after", "memory": 16}]})
            if status != 200 or reply["taskDefinition"]["revision"] <= highest:
                contradicted += 1
                self.problems.append("%s: revision after the kill %s" % (family, reply))
        c.close()
        return lost, contradicted

    def integrity(self):
        """PRAGMA integrity_check on the database berth left (berth stopped)."""
        db = sqlite3.connect(os.path.join(self.dir, "data", "berth.db"))
        try:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()

    def containers_started(self):
        runc_root = os.path.join(self.dir, "run", "runc")
        if not os.path.isdir(runc_root):
            return 0
        out = subprocess.run(["runc", "--root", runc_root, "list", "-q"], capture_output=True, text=True)
        return len(out.stdout.split())

    def run(self):
        self.start()
        self.setup()
        threads = [threading.Thread(target=self.writer, args=(w,)) for w in range(self.writers)]
        for t in threads:
            t.start()
        time.sleep(self.rng.uniform(0.2, 1.5))
        self.proc.send_signal(signal.SIGKILL)  # mid-flight: writers are still sending
        self.proc.wait()
        self.stop_flag.set()
        for t in threads:
            t.join()
        self.start()
        lost, contradicted = self.verify()
        started = self.containers_started()
        self.stop(signal.SIGTERM)
        integrity = self.integrity()
        if integrity != "ok":
            self.problems.append("integrity_check: " + integrity)
        if started:
            self.problems.append("%d containers started" % started)
        return lost, contradicted, integrity == "ok" and not started


# --- the writes, one function per kind; each owns keys named after its writer ---
def create_cluster(t, c, w, i, mine):
    name = "soak-c%d-%d" % (w, i)
    t.write(("cluster", name), "ACTIVE", lambda: c.ecs("CreateCluster", {"clusterName": name}))


def register_task_definition(t, c, w, i, mine):
    t.register(c, "soak-w%d" % w)


def tag_or_untag(t, c, w, i, mine):
    key = "k%d" % w
    arn = "arn:aws:ecs:local:000000000000:cluster/" + TAGGED
    if t.rng.random() < 0.3:
        t.write(("tag", key), ABSENT, lambda: c.ecs("UntagResource", {"resourceArn": arn, "tagKeys": [key]}))
    else:
        value = "v%d" % i
        t.write(("tag", key), value, lambda: c.ecs("TagResource", {"resourceArn": arn,
                                                                  "tags": [{"key": key, "value": value}]}))


def put_or_delete_attribute(t, c, w, i, mine):
    name = "w%d" % w
    if t.rng.random() < 0.3:
        t.write(("attribute", name), ABSENT, lambda: c.ecs("DeleteAttributes", {
            "attributes": [{"name": name, "targetId": t.instance_arn}]}))
    else:
        value = "v%d" % i
        t.write(("attribute", name), value, lambda: c.ecs("PutAttributes", {
            "attributes": [{"name": name, "value": value, "targetId": t.instance_arn}]}))


def toggle_state(t, c, w, i, mine):
    state = t.rng.choice(["ACTIVE", "DRAINING"])
    reply = t.write(("state",), state, lambda: c.ecs("UpdateContainerInstancesState", {
        "containerInstances": [t.instance_arn], "status": state}))
    if reply is not None and reply["failures"]:
        t.problems.append("UpdateContainerInstancesState failures: %s" % reply["failures"])


def create_or_update_service(t, c, w, i, mine):
    if not mine["services"] or t.rng.random() < 0.2:
        name = "svc%d-%d" % (w, i)
        count = t.rng.randint(0, 1)
        if t.write(("service", name), count, lambda: c.ecs("CreateService", {
                "serviceName": name, "taskDefinition": "soak-w%d" % w, "desiredCount": count})) is not None:
            mine["services"].append(name)
        return
    name = t.rng.choice(mine["services"])
    count = t.rng.randint(0, 2)
    t.write(("service", name), count, lambda: c.ecs("UpdateService", {"service": name, "desiredCount": count}))


def run_or_stop_task(t, c, w, i, mine):
    if mine["tasks"] and t.rng.random() < 0.4:
        task = mine["tasks"].pop(t.rng.randrange(len(mine["tasks"])))
        t.write(("stop", task), "STOPPED", lambda: c.ecs("StopTask", {"task": task, "reason": "soak"}))
        return
    token = "r%d-%d" % (w, i)
    status, reply = c.ecs("RunTask", {"taskDefinition": "soak-w%d" % w, "startedBy": token})
    if status != 200:
        t.failed_runs.append(token)
        return
    with t.history.lock:
        t.history.acknowledged += 1
    for task in reply["tasks"]:
        task_id = task["taskArn"].rsplit("/", 1)[1]
        t.tasks[task_id] = token
        mine["tasks"].append(task_id)


def schedule_write(t, c, w, i, mine):
    body = {"ScheduleExpression": "rate(1 days)", "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": CLUSTER_ARN, "RoleArn": "arn:aws:iam::000000000000:role/soak",
                       "EcsParameters": {"TaskDefinitionArn": "soak-w%d" % w}}}
    roll = t.rng.random()
    if not mine["schedules"] or roll < 0.3:
        name = "s%d-%d" % (w, i)
        body["State"] = "ENABLED"
        if t.write(("schedule", name), "ENABLED", lambda: c.scheduler("POST", name, body)) is not None:
            mine["schedules"].append(name)
        return
    name = t.rng.choice(mine["schedules"])
    if roll < 0.45:
        if t.write(("schedule", name), ABSENT, lambda: c.scheduler("DELETE", name)) is not None:
            mine["schedules"].remove(name)
        return
    body["State"] = t.rng.choice(["ENABLED", "DISABLED"])
    t.write(("schedule", name), body["State"], lambda: c.scheduler("PUT", name, body))


WRITES = [create_cluster, register_task_definition, tag_or_untag, put_or_delete_attribute, toggle_state,
          create_or_update_service, run_or_stop_task, schedule_write]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--writers", type=int, default=7)
    parser.add_argument("--berth", default="build/x86_64-linux-gnu/berth")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print("soak: %d trials, %d writers, seed %d" % (args.trials, args.writers, seed), flush=True)
    rng = random.Random(seed)
    acknowledged = lost = contradicted = broken = 0
    for n in range(1, args.trials + 1):
        trial = Trial(os.path.abspath(args.berth), args.writers, random.Random(rng.randrange(1 << 30)))
        try:
            l, x, sound = trial.run()
        finally:
            trial.cleanup()
        acknowledged += trial.history.acknowledged
        lost += l
        contradicted += x
        broken += 0 if sound else 1
        for problem in trial.problems[:10]:
            print("  trial %d: %s" % (n, problem), flush=True)
        if n % 10 == 0 or l or x or not sound:
            print("trial %d: %d acknowledged so far, %d lost, %d contradicted, %d unsound" %
                  (n, acknowledged, lost, contradicted, broken), flush=True)
    print("trials %d, acknowledged writes %d, lost %d, contradicted %d, integrity/container failures %d" %
          (args.trials, acknowledged, lost, contradicted, broken))
    return 0 if lost == contradicted == broken == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
