"""Clusters of gateways, the serving side: the real berth with fake remote agents played over the
real API (no containers on them). Each fake agent joins with a one-time token made by `berth
join-token create`, polls its instance's desired tasks with BerthCluster.PollInstanceTasks signed
with its own instance key, and reports with boto3's SubmitTaskStateChange. The gateway's own
instance is DRAINING in these tests so that only the joined instances take tasks."""
import json
import signal
import threading
import time
import unittest
import urllib.error
import urllib.request

from harness import BerthTestCase, join_token, sign_headers, wait_for

CLUSTER_TARGET = "BerthCluster."


def post(berth, action, body, key=None):
    """POSTs a BerthCluster action, signed with `key` (id, secret, region) for `berth` unless None;
    returns (status, parsed body)."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": CLUSTER_TARGET + action}
    if key is not None:
        headers = sign_headers("POST", berth.endpoint + "/", data, headers, key, "berth")
    request = urllib.request.Request(berth.endpoint + "/", data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class FakeAgent:
    """A remote instance's agent, minus the containers: it joins, polls, and reports each task it
    is asked to run as RUNNING and each it is asked to stop as STOPPED."""

    def __init__(self, berth, zone, memory=1024):
        self.berth = berth
        status, reply = post(berth, "JoinCluster", {
            "joinToken": join_token(berth),
            "attributes": [{"name": "ecs.availability-zone", "value": zone},
                           {"name": "ecs.instance-type", "value": "fake-gateway"},
                           {"name": "site", "value": "plant-7"}],
            "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                               {"name": "MEMORY", "type": "INTEGER", "integerValue": memory}]})
        assert status == 200, reply
        self.arn = reply["containerInstanceArn"]
        self.key = (reply["accessKeyId"], reply["secretAccessKey"], reply["region"])
        self.ecs = berth.boto3(key=self.key)
        self.cursor = None
        self.reported = {}  # task ARN -> the status last reported

    def poll(self, wait=0):
        body = {"containerInstance": self.arn, "waitSeconds": wait}
        if self.cursor:
            body["cursor"] = self.cursor
        status, reply = post(self.berth, "PollInstanceTasks", body, self.key)
        assert status == 200, reply
        self.cursor = reply["cursor"]
        return reply

    def step(self):
        """One poll and the reports it calls for; returns the ARNs of the tasks it runs."""
        reply = self.poll()
        running = []
        for task in reply["tasks"]:
            want = "RUNNING" if task["desiredStatus"] == "RUNNING" else "STOPPED"
            if self.reported.get(task["taskArn"]) != want:
                self.ecs.submit_task_state_change(cluster=task["clusterArn"], task=task["taskArn"], status=want)
                self.reported[task["taskArn"]] = want
            if want == "RUNNING":
                running.append(task["taskArn"])
        return running


class AgentLoop:
    """Steps the given agents every 0.2 s on a thread of its own (heartbeats included)."""

    def __init__(self, agents):
        self.agents = list(agents)
        self.lock = threading.Lock()
        self.running = {}
        self.stopping = threading.Event()
        self.errors = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.is_set():
            for agent in list(self.agents):
                try:
                    tasks = agent.step()
                    with self.lock:
                        self.running[agent.arn] = tasks
                except Exception as e:  # kept for the test to see, never silent
                    self.errors.append(repr(e))
            self.stopping.wait(0.2)

    def tasks_on(self, agent):
        with self.lock:
            return list(self.running.get(agent.arn, []))

    def stop(self):
        self.stopping.set()
        self.thread.join()


class ClusterTestCase(BerthTestCase):
    config_text = "BERTH_TASK_SETTLE_SECONDS=0\n"

    def setUp(self):
        super().setUp()
        self.ecs = self.berth.boto3()
        own = self.ecs.list_container_instances()["containerInstanceArns"]
        self.ecs.update_container_instances_state(containerInstances=own, status="DRAINING")
        self.ecs.register_task_definition(family="app", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 64, "essential": True}])

    def agents(self, *zones):
        return [FakeAgent(self.berth, zone) for zone in zones]

    def loop(self, agents):
        loop = AgentLoop(agents)
        self.addCleanup(loop.stop)
        return loop

    def service_tasks(self, service, desired="RUNNING"):
        arns = self.ecs.list_tasks(serviceName=service, desiredStatus=desired)["taskArns"]
        return self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []

    def instances_of(self, tasks):
        return sorted(t["containerInstanceArn"] for t in tasks)


class JoinTokenTest(ClusterTestCase):
    def test_a_token_joins_one_node_which_gets_a_key_for_its_own_instance_only(self):
        agent = FakeAgent(self.berth, "zone-a")
        described = self.ecs.describe_container_instances(containerInstances=[agent.arn])["containerInstances"][0]
        self.assertTrue(described["agentConnected"])
        attributes = {a["name"]: a.get("value") for a in described["attributes"]}
        self.assertEqual(attributes["ecs.availability-zone"], "zone-a")
        self.assertEqual(attributes["ecs.instance-type"], "fake-gateway")
        self.assertEqual(attributes["site"], "plant-7")

        token = join_token(self.berth, "--ttl", "1h")
        join = {"joinToken": token, "totalResources": []}
        self.assertEqual(post(self.berth, "JoinCluster", join)[0], 200)
        status, reply = post(self.berth, "JoinCluster", join)
        self.assertEqual((status, reply["__type"]), (400, "ClientException"))
        self.assertIn("already used", reply["message"])
        status, reply = post(self.berth, "JoinCluster", {"joinToken": "bjt-made-up", "totalResources": []})
        self.assertEqual((status, reply["__type"]), (400, "ClientException"))
        self.assertIn("not valid", reply["message"])
        short = join_token(self.berth, "--ttl", "1s")
        time.sleep(1.5)
        status, reply = post(self.berth, "JoinCluster", {"joinToken": short, "totalResources": []})
        self.assertEqual((status, reply["__type"]), (400, "ClientException"))
        self.assertIn("expired", reply["message"])

        # The instance key: its agent's actions on its own instance, nothing else.
        self.assertEqual(agent.poll()["containerInstanceArn"], agent.arn)
        other = FakeAgent(self.berth, "zone-b")
        status, reply = post(self.berth, "PollInstanceTasks", {"containerInstance": other.arn}, agent.key)
        self.assertEqual((status, reply["__type"]), (400, "AccessDeniedException"))
        with self.assertRaises(Exception) as refused:
            agent.ecs.describe_clusters()
        self.assertIn("AccessDenied", str(refused.exception))
        with self.assertRaises(Exception):
            agent.ecs.run_task(taskDefinition="app")
        # It may register itself again (after a restart, with new resources), never anything else.
        memory = [{"name": "MEMORY", "type": "INTEGER", "integerValue": 512}]
        again = agent.ecs.register_container_instance(containerInstanceArn=agent.arn, totalResources=memory)
        self.assertEqual(again["containerInstance"]["registeredResources"], memory)
        for extra in ({}, {"containerInstanceArn": other.arn}):
            with self.assertRaises(Exception) as refused:
                agent.ecs.register_container_instance(totalResources=memory, **extra)
            self.assertRegex(str(refused.exception), "ClientException|AccessDenied")
        # A joining request needs no signature, but the token; the key API stays closed to it.
        status, reply = post(self.berth, "CreateJoinToken", {}, agent.key)
        self.assertEqual((status, reply["__type"]), (400, "AccessDeniedException"))


class PlacementAcrossInstancesTest(ClusterTestCase):
    def test_spread_binpack_daemon_and_draining_across_three_zones(self):
        a, b, c = self.agents("zone-a", "zone-b", "zone-c")
        loop = self.loop([a, b, c])
        # A service's default strategy spreads by availability zone first: 1-1-1.
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("3 running", lambda: self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 3)
        self.assertEqual(self.instances_of(self.service_tasks("web")), sorted([a.arn, b.arn, c.arn]))
        for agent in (a, b, c):
            self.assertEqual(len(loop.tasks_on(agent)), 1)

        # binpack on memory fills one instance first.
        placed = self.ecs.run_task(taskDefinition="app", count=3,
                                   placementStrategy=[{"type": "binpack", "field": "memory"}])["tasks"]
        self.assertEqual(len({t["containerInstanceArn"] for t in placed}), 1)

        # A host port taken on one instance places the next copy on another, binpack or not;
        # with all three taken the fourth copy has nowhere to go.
        self.ecs.register_task_definition(family="port", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True,
             "portMappings": [{"containerPort": 8080, "hostPort": 8080}]}])
        ported = self.ecs.run_task(taskDefinition="port", count=3,
                                   placementStrategy=[{"type": "binpack", "field": "memory"}])["tasks"]
        self.assertEqual(sorted(t["containerInstanceArn"] for t in ported), sorted([a.arn, b.arn, c.arn]))
        full = self.ecs.run_task(taskDefinition="port", count=1)
        self.assertEqual(full["tasks"], [])
        self.assertIn("RESOURCE:PORTS", [f["reason"] for f in full["failures"]])

        # DAEMON: one task on each instance, and one more when a fourth joins.
        self.ecs.create_service(serviceName="node-exporter", taskDefinition="app", schedulingStrategy="DAEMON")
        wait_for("3 daemon tasks", lambda: len(self.service_tasks("node-exporter")) == 3)
        self.assertEqual(self.instances_of(self.service_tasks("node-exporter")), sorted([a.arn, b.arn, c.arn]))
        d = FakeAgent(self.berth, "zone-d")
        loop.agents.append(d)
        wait_for("a 4th daemon task", lambda: len(self.service_tasks("node-exporter")) == 4)
        self.assertIn(d.arn, self.instances_of(self.service_tasks("node-exporter")))

        # DRAINING an instance moves its service tasks elsewhere (daemons leave it).
        self.ecs.update_container_instances_state(containerInstances=[a.arn], status="DRAINING")
        wait_for("web off the drained instance",
                 lambda: a.arn not in self.instances_of(self.service_tasks("web"))
                 and len(self.service_tasks("web")) == 3
                 and self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 3)
        wait_for("daemon off the drained instance",
                 lambda: a.arn not in self.instances_of(self.service_tasks("node-exporter")))
        self.assertEqual(loop.errors, [])


class ServerRestartTest(ClusterTestCase):
    def test_a_killed_server_comes_back_with_its_instances_keys_and_tasks(self):
        agents = self.agents("zone-a", "zone-b", "zone-c")
        loop = AgentLoop(agents)
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("3 running", lambda: self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 3)
        before = {a.arn: [t["taskArn"] for t in a.poll()["tasks"]] for a in agents}
        loop.stop()
        self.berth.restart(signal.SIGKILL)
        self.ecs = self.berth.boto3()
        for agent in agents:  # the same keys, on the new port
            agent.ecs = self.berth.boto3(key=agent.key)
            agent.cursor = None
            self.assertEqual([t["taskArn"] for t in agent.poll()["tasks"]], before[agent.arn])
        loop = self.loop(agents)
        self.ecs.update_service(service="web", desiredCount=4)
        wait_for("4 running", lambda: self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 4)
        self.assertEqual(len(self.service_tasks("web")), 4)  # no duplicates of the three
        for agent in agents:
            self.assertTrue(self.ecs.describe_container_instances(
                containerInstances=[agent.arn])["containerInstances"][0]["agentConnected"])
        self.assertEqual(loop.errors, [])


class LostInstanceTest(ClusterTestCase):
    config_text = "BERTH_TASK_SETTLE_SECONDS=0\nBERTH_INSTANCE_LOST_SECONDS=3\n"

    def test_a_silent_instance_is_lost_its_tasks_replaced_and_fenced_when_it_returns(self):
        a, b, c = self.agents("zone-a", "zone-b", "zone-c")
        loop = self.loop([a, b, c])
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("3 running", lambda: self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 3)
        [stale] = [t["taskArn"] for t in self.service_tasks("web") if t["containerInstanceArn"] == a.arn]
        standalone = self.ecs.start_task(taskDefinition="app", containerInstances=[a.arn])["tasks"][0]["taskArn"]
        wait_for("the standalone task running", lambda: standalone in loop.tasks_on(a))

        loop.agents.remove(a)  # a falls silent: its agent is cut off
        wait_for("a lost", lambda: not self.ecs.describe_container_instances(
            containerInstances=[a.arn])["containerInstances"][0]["agentConnected"])
        task = self.ecs.describe_tasks(tasks=[stale])["tasks"][0]
        self.assertEqual((task["lastStatus"], task["desiredStatus"]), ("STOPPED", "STOPPED"))
        self.assertIn("was lost", task["stoppedReason"])
        wait_for("a replacement elsewhere",
                 lambda: self.ecs.describe_services(services=["web"])["services"][0]["runningCount"] == 3
                 and a.arn not in self.instances_of(self.service_tasks("web")))
        # Nothing is placed on the lost instance.
        placed = self.ecs.run_task(taskDefinition="app", count=4)["tasks"]
        self.assertNotIn(a.arn, [t["containerInstanceArn"] for t in placed])
        # The standalone task waits for its agent.
        self.assertEqual(self.ecs.describe_tasks(tasks=[standalone])["tasks"][0]["lastStatus"], "RUNNING")

        # a comes back: a late report cannot revive its stale task, and its poll no longer lists it.
        a.ecs.submit_task_state_change(task=stale, status="RUNNING")
        self.assertEqual(self.ecs.describe_tasks(tasks=[stale])["tasks"][0]["lastStatus"], "STOPPED")
        listed = [t["taskArn"] for t in a.poll()["tasks"]]
        self.assertNotIn(stale, listed)
        self.assertIn(standalone, listed)
        self.assertTrue(self.ecs.describe_container_instances(
            containerInstances=[a.arn])["containerInstances"][0]["agentConnected"])
        self.assertEqual(loop.errors, [])


if __name__ == "__main__":
    unittest.main()
