"""Clusters of gateways with real joined agents (see gateways.py): a service spread 1-1-1 over three
zones, StopTask and `berth logs` through an agent, a lost agent replaced and fenced, DAEMON on every
gateway and on one that joins, draining, a wrong certificate pin, and agents cut off from a killed
server."""
import json
import os
import signal
import subprocess
import time
import unittest

from gateways import ClusterTestCase, JoinedGateway
from harness import BERTH, join_token, wait_for


class JoinedAgentsTest(ClusterTestCase):
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
            # Its cgroup is under this gateway's BERTH_CGROUP_PARENT.
            self.assertEqual(agent.cgroup_of(runtime_id), "%s/%s/main" % (agent.cgroup_parent, task["taskArn"].rsplit("/", 1)[1]))

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

    def test_a_container_on_a_joined_gateway_reads_its_task_metadata_there(self):
        self.ecs.register_task_definition(family="meta", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
             "command": ["sh", "-c", 'wget -qO- "$ECS_CONTAINER_METADATA_URI_V4/task"; echo; exec sleep 3600']}])
        [task] = self.ecs.run_task(taskDefinition="meta")["tasks"]
        task_id = task["taskArn"].rsplit("/", 1)[1]

        def metadata():
            logs = subprocess.run([BERTH, "logs", task_id, "--socket", self.server.socket_path],
                                  capture_output=True, text=True, timeout=30)
            line = next((l for l in logs.stdout.splitlines() if l.startswith("{")), None)
            return json.loads(line) if line else None
        answered = wait_for("the container's task metadata", metadata)
        # Answered by its own gateway, from its store, with the server's ARNs.
        self.assertEqual(answered["TaskARN"], task["taskArn"])
        self.assertEqual(answered["Cluster"], task["clusterArn"])
        self.assertEqual([c["Name"] for c in answered["Containers"]], ["main"])
        self.assertEqual(answered["Containers"][0]["DockerId"], task["containers"][0].get("runtimeId")
                         or self.ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]["containers"][0]["runtimeId"])

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
