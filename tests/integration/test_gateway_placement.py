"""Placement across joined gateways with real agents and containers (see gateways.py): binpack fills
one gateway first, a host port held on one gateway sends the next copy to another (and a copy with
no gateway left fails with RESOURCE:PORTS), and a server SIGKILLed in the middle of a rolling
deployment converges after its restart with no task and no container twice."""
import signal
import socket
import unittest

from gateways import SUBNET, ClusterTestCase
from harness import wait_for

PORT = 18080


def host_of(task):
    return task["containerInstanceArn"].rsplit("/", 1)[1]


def listening(address, port):
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


class GatewayPlacementTest(ClusterTestCase):
    def agent_with(self, instance):
        return next(a for a in self.agents if a.instance == instance)

    def address_of(self, agent):
        return "%s.%d" % (SUBNET, 10 + self.agents.index(agent))

    def wait_running(self, tasks):
        arns = [t["taskArn"] for t in tasks]

        def described_if_running():
            described = self.ecs.describe_tasks(tasks=arns)["tasks"]
            return all(t["lastStatus"] == "RUNNING" for t in described) and described
        return wait_for("tasks RUNNING", described_if_running)

    def test_binpack_fills_one_gateway_first_and_a_held_host_port_sends_the_next_copy_elsewhere(self):
        # The gateways are alike, so binpack on memory puts both copies on one of them.
        packed = self.ecs.run_task(taskDefinition="app", count=2,
                                   placementStrategy=[{"type": "binpack", "field": "memory"}])
        self.assertEqual(packed["failures"], [], packed)
        self.assertEqual(len({host_of(t) for t in packed["tasks"]}), 1)
        full = self.agent_with(host_of(packed["tasks"][0]))
        for task in self.wait_running(packed["tasks"]):
            self.assertEqual(full.container_status(task["containers"][0]["runtimeId"]), "running")

        # A server on host port PORT: binpack prefers the fullest gateway for the first copy; the
        # second cannot have the port there and goes to another; a third finds the port taken on
        # two gateways and goes to the last; a fourth has nowhere to go.
        self.ecs.register_task_definition(family="porty", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
             "command": ["httpd", "-f", "-p", str(PORT), "-h", "/"],
             "portMappings": [{"containerPort": PORT, "hostPort": PORT, "protocol": "tcp"}]}])
        binpack = [{"type": "binpack", "field": "memory"}]
        first = self.ecs.run_task(taskDefinition="porty", placementStrategy=binpack)["tasks"]
        self.assertEqual(host_of(first[0]), full.instance)
        second = self.ecs.run_task(taskDefinition="porty", placementStrategy=binpack)["tasks"]
        self.assertNotEqual(host_of(second[0]), full.instance)
        third = self.ecs.run_task(taskDefinition="porty", placementStrategy=binpack)["tasks"]
        self.assertEqual({host_of(t) for t in first + second + third}, {a.instance for a in self.agents})
        fourth = self.ecs.run_task(taskDefinition="porty", placementStrategy=binpack)
        self.assertEqual(fourth["tasks"], [])
        reasons = {f["arn"].rsplit("/", 1)[1]: f["reason"] for f in fourth["failures"]}
        self.assertEqual({reasons[a.instance] for a in self.agents}, {"RESOURCE:PORTS"})
        self.assertEqual(len(reasons), 4)  # and the server's own instance, drained: AGENT
        # Each copy holds the port in its own gateway's network namespace, reached on its address.
        for task in self.wait_running(first + second + third):
            agent = self.agent_with(host_of(task))
            self.assertEqual(agent.container_status(task["containers"][0]["runtimeId"]), "running")
            wait_for("the port open on " + self.address_of(agent), lambda: listening(self.address_of(agent), PORT))

    def test_a_server_killed_during_a_rolling_deployment_converges_after_its_restart_with_nothing_twice(self):
        self.ecs.create_service(serviceName="web", taskDefinition="app", desiredCount=3)
        wait_for("one task running on each gateway", lambda: all(len(self.running_on(a)) == 1 for a in self.agents))
        self.ecs.register_task_definition(family="app", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
             "command": ["sh", "-c", "echo version 2; exec sleep 3600"]}])
        self.ecs.update_service(service="web", taskDefinition="app:2")
        # SIGKILL once the deployment has placed new tasks, before it is done.
        wait_for("a task of revision 2", lambda: [t for t in self.service_tasks() if t["taskDefinitionArn"].endswith(":2")],
                 interval=0.05)
        # Mid-way: the old tasks take 2 s to stop (stopTimeout), so both deployments are still there.
        self.assertEqual(len(self.ecs.describe_services(services=["web"])["services"][0]["deployments"]), 2)
        self.server.stop(signal.SIGKILL)
        self.server.start()
        self.ecs = self.server.client()

        def converged():
            [service] = self.ecs.describe_services(services=["web"])["services"]
            tasks = self.service_tasks()
            return (len(service["deployments"]) == 1 and service["runningCount"] == 3 and len(tasks) == 3
                    and all(t["lastStatus"] == "RUNNING" and t["taskDefinitionArn"].endswith(":2") for t in tasks)
                    and tasks)
        tasks = wait_for("the deployment done: 3 tasks of revision 2 running", converged, 90)
        # No task twice: three tasks want to run, and the gateways run exactly their containers.
        self.assertEqual(len({t["taskArn"] for t in tasks}), 3)
        wanted = {t["containers"][0]["runtimeId"] for t in tasks}
        wait_for("the gateways run only those containers", lambda: {
            cid for a in self.agents for cid in a.runc_containers() if a.container_status(cid) == "running"} == wanted, 60)
        running = [cid for a in self.agents for cid in a.runc_containers() if a.container_status(cid) == "running"]
        self.assertEqual(sorted(running), sorted(wanted))  # none on two gateways

if __name__ == "__main__":
    unittest.main()
