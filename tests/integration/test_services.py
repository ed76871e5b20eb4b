"""Services (REPLICA) on real containers, driven with the real aws CLI and boto3."""
import signal
import subprocess
import time

from test_tasks import TaskTestCase, wait_for


class ServiceTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])

    def service(self, name="web"):
        return self.ecs.describe_services(services=[name])["services"][0]

    def wait_steady(self, name="web", timeout=60):
        def steady():
            s = self.service(name)
            return s if len(s["deployments"]) == 1 and s["runningCount"] == s["desiredCount"] and \
                s["pendingCount"] == 0 else None
        return wait_for(steady, timeout=timeout, what="service %s steady" % name)

    def tearDown_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def test_service_reaches_steady_state_and_the_cli_waiter_returns(self):
        self.addCleanup(self.tearDown_services)
        created = self.berth.aws("create-service", "--service-name", "web", "--task-definition", "web",
                                 "--desired-count", "3")["service"]
        self.assertEqual(created["status"], "ACTIVE")
        self.assertEqual(created["deployments"][0]["status"], "PRIMARY")
        self.assertTrue(created["deployments"][0]["id"].startswith("ecs-svc/"))
        waited = subprocess.run(["/usr/bin/aws", "ecs", "wait", "services-stable", "--services", "web",
                                 "--endpoint-url", self.berth.endpoint], env=self.berth.client_env(),
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(waited.returncode, 0, waited.stderr)
        s = self.service()
        self.assertEqual((s["runningCount"], s["desiredCount"]), (3, 3))
        self.assertEqual(s["deployments"][0]["rolloutState"], "COMPLETED")
        self.assertIn("has reached a steady state", s["events"][0]["message"])
        tasks = self.ecs.describe_tasks(tasks=self.ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
        self.assertEqual(len(tasks), 3)
        for t in tasks:
            self.assertEqual(t["group"], "service:web")
            self.assertEqual(t["startedBy"], s["deployments"][0]["id"])
        self.assertEqual(self.ecs.list_services()["serviceArns"], [s["serviceArn"]])

    def test_a_killed_container_is_replaced_with_an_event(self):
        self.addCleanup(self.tearDown_services)
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=2)
        self.wait_steady()
        victim = self.ecs.list_tasks(serviceName="web")["taskArns"][0]
        subprocess.run(["runc", "--root", self.berth.runc_root, "kill", victim.rsplit("/", 1)[1] + "-main", "KILL"],
                       check=True)
        wait_for(lambda: victim not in self.ecs.list_tasks(serviceName="web")["taskArns"], what="victim gone")
        wait_for(lambda: any("has started 1 tasks" in e["message"] for e in self.service()["events"]),
                 what="replacement event")
        s = self.wait_steady()
        self.assertEqual(s["runningCount"], 2)
        stopped = self.describe(victim)
        self.assertEqual(stopped["containers"][0]["exitCode"], 137)

    def test_an_update_rolls_out_and_the_old_tasks_stop(self):
        self.addCleanup(self.tearDown_services)
        self.ecs.create_service(serviceName="web", taskDefinition="web:1", desiredCount=2,
                                deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 50})
        self.wait_steady()
        old = set(self.ecs.list_tasks(serviceName="web")["taskArns"])
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3601"]}])
        updated = self.ecs.update_service(service="web", taskDefinition="web:2")["service"]
        self.assertEqual([d["status"] for d in updated["deployments"]], ["PRIMARY", "ACTIVE"])
        s = self.wait_steady()
        self.assertTrue(s["taskDefinition"].endswith("web:2"))
        new = set(self.ecs.list_tasks(serviceName="web")["taskArns"])
        self.assertEqual(len(new), 2)
        self.assertFalse(old & new)
        for arn in old:
            t = self.describe(arn)
            self.assertEqual(t["desiredStatus"], "STOPPED")
            self.assertEqual(t["stopCode"], "ServiceSchedulerInitiated")
        # forceNewDeployment replaces the tasks with the same definition.
        self.ecs.update_service(service="web", forceNewDeployment=True)
        wait_for(lambda: not (set(self.ecs.list_tasks(serviceName="web")["taskArns"]) & new), what="forced replacement")
        self.wait_steady()

    def test_scaling_deleting_and_errors(self):
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=1)
        self.wait_steady()
        self.ecs.update_service(service="web", desiredCount=3)
        self.assertEqual(self.wait_steady()["runningCount"], 3)
        self.ecs.update_service(service="web", desiredCount=1)
        self.assertEqual(self.wait_steady()["runningCount"], 1)
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=1)
        with self.assertRaises(self.ecs.exceptions.ServiceNotFoundException):
            self.ecs.update_service(service="ghost", desiredCount=1)
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.delete_service(service="web")  # still scaled above 0
        # A cluster with a service but no instances refuses deletion for the service.
        self.ecs.create_cluster(clusterName="empty")
        self.ecs.create_service(cluster="empty", serviceName="orphan", taskDefinition="web", desiredCount=0)
        out = self.berth.aws("delete-cluster", "--cluster", "empty", check=False)
        self.assertIn("ClusterContainsServicesException", out.stderr)
        self.ecs.delete_service(cluster="empty", service="orphan")
        deleted = self.ecs.delete_service(service="web", force=True)["service"]
        self.assertEqual(deleted["status"], "DRAINING")
        self.assertEqual(self.ecs.list_services()["serviceArns"], [])
        wait_for(lambda: self.service()["status"] == "INACTIVE", what="INACTIVE")
        with self.assertRaises(self.ecs.exceptions.ServiceNotActiveException):
            self.ecs.update_service(service="web", desiredCount=2)
        self.assertEqual(self.ecs.list_tasks()["taskArns"], [])
        # The name can be used again once the old service is INACTIVE.
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=0)
        self.assertEqual(self.ecs.describe_services(services=["web", "nope"])["failures"][0]["reason"], "MISSING")

    def test_services_survive_a_killed_berth(self):
        self.addCleanup(self.tearDown_services)
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=2)
        self.wait_steady()
        before = set(self.ecs.list_tasks(serviceName="web")["taskArns"])
        self.berth.stop(signal.SIGKILL)
        self.berth.start()
        self.ecs = self.berth.boto3()
        time.sleep(2)
        s = self.wait_steady()
        self.assertEqual(set(self.ecs.list_tasks(serviceName="web")["taskArns"]), before)  # neither duplicated nor lost
        self.assertEqual(s["runningCount"], 2)


class CircuitBreakerTest(TaskTestCase):
    def test_a_crashing_definition_trips_the_breaker_and_rolls_back(self):
        self.register("app", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.ecs.create_service(serviceName="app", taskDefinition="app:1", desiredCount=2,
                                deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100,
                                                         "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
        wait_for(lambda: self.ecs.describe_services(services=["app"])["services"][0]["deployments"][0]["rolloutState"]
                 == "COMPLETED", timeout=60, what="first deployment")
        good = set(self.ecs.list_tasks(serviceName="app")["taskArns"])
        self.register("app", [{"name": "main", "memory": 16, "command": ["sh", "-c", "exit 1"]}])
        self.ecs.update_service(service="app", taskDefinition="app:2")

        def rolled_back():
            s = self.ecs.describe_services(services=["app"])["services"][0]
            return s if s["taskDefinition"].endswith("app:1") and len(s["deployments"]) >= 1 else None
        s = wait_for(rolled_back, timeout=120, what="rollback to app:1")
        messages = [e["message"] for e in s["events"]]
        self.assertTrue(any("deployment failed" in m for m in messages), messages)
        self.assertTrue(any("rolling back" in m for m in messages), messages)
        self.assertTrue(any("tasks failed to start" in m for m in messages), messages)
        # minimumHealthyPercent 100: the first deployment's tasks kept running until the rollback
        # (the rollback deployment may replace them afterwards, once its own tasks are healthy).
        rollback_at = min(e["createdAt"] for e in s["events"] if "rolling back" in e["message"])
        for task in self.ecs.describe_tasks(tasks=list(good))["tasks"]:
            if task["desiredStatus"] == "STOPPED":
                self.assertGreaterEqual(task["stoppingAt"], rollback_at, task)
        # The failed attempts are on record as stopped tasks of the failed deployment.
        stopped = self.ecs.list_tasks(serviceName="app", desiredStatus="STOPPED")["taskArns"]
        self.assertGreaterEqual(len(stopped), 10)
        wait_for(lambda: (lambda x: x["runningCount"] == 2 and len(x["deployments"]) == 1)(
            self.ecs.describe_services(services=["app"])["services"][0]), timeout=60, what="steady after rollback")
        self.ecs.delete_service(service="app", force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="drained")


class DaemonTest(TaskTestCase):
    def test_one_task_per_matching_instance_following_attributes_and_draining(self):
        self.register("agent", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.create_service(serviceName="node", taskDefinition="agent", schedulingStrategy="DAEMON", desiredCount=2)
        self.ecs.create_service(serviceName="node", taskDefinition="agent", schedulingStrategy="DAEMON",
                                placementConstraints=[{"type": "memberOf", "expression": "attribute:role == sensor-hub"}])
        # No instance matches yet (that nothing starts then is a unit test of the daemon scheduler).
        instance = self.ecs.list_container_instances()["containerInstanceArns"][0]
        self.ecs.put_attributes(attributes=[{"name": "role", "value": "sensor-hub", "targetId": instance}])

        def tasks():
            return self.ecs.list_tasks(serviceName="node")["taskArns"]
        first = wait_for(lambda: tasks() if len(tasks()) == 1 else None, what="daemon task")
        s = self.ecs.describe_services(services=["node"])["services"][0]
        self.assertEqual(s["schedulingStrategy"], "DAEMON")
        wait_for(lambda: self.ecs.describe_services(services=["node"])["services"][0]["runningCount"] == 1, what="running")
        self.assertEqual(self.ecs.describe_services(services=["node"])["services"][0]["desiredCount"], 1)
        # A new definition replaces the task (stop first, then start: minimumHealthyPercent 0).
        self.register("agent", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3601"]}])
        self.ecs.update_service(service="node", taskDefinition="agent:2")
        second = wait_for(lambda: tasks() if len(tasks()) == 1 and tasks() != first else None, what="replaced daemon task")
        self.assertNotEqual(first, second)
        # Draining the instance stops its daemon task; ACTIVE again brings one back.
        self.ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
        wait_for(lambda: tasks() == [], what="daemon task stopped on a draining instance")
        self.ecs.update_container_instances_state(containerInstances=[instance], status="ACTIVE")
        wait_for(lambda: len(tasks()) == 1, what="daemon task back")
        # The instance no longer matching stops it too.
        self.ecs.delete_attributes(attributes=[{"name": "role", "targetId": instance}])
        wait_for(lambda: tasks() == [], what="daemon task stopped when the constraint fails")
        self.ecs.delete_service(service="node")
        wait_for(lambda: self.ecs.describe_services(services=["node"])["services"][0]["status"] == "INACTIVE", what="INACTIVE")


class ThrottleTest(TaskTestCase):
    def test_tasks_that_keep_failing_to_start_are_throttled_with_an_event(self):
        self.register("flaky", [{"name": "main", "memory": 16, "command": ["sh", "-c", "exit 2"]}])
        self.ecs.create_service(serviceName="flaky", taskDefinition="flaky", desiredCount=1)
        wait_for(lambda: any("unable to consistently start tasks" in e["message"]
                             for e in self.ecs.describe_services(services=["flaky"])["services"][0]["events"]),
                 timeout=30, what="throttle event")
        # The back-off itself (5 s, doubling to 15 minutes) and its reset by UpdateService are unit
        # tests of the scheduler with a fake clock; this test needs real containers failing to start.
        self.ecs.delete_service(service="flaky", force=True)
        wait_for(lambda: self.ecs.describe_services(services=["flaky"])["services"][0]["status"] == "INACTIVE",
                 timeout=30, what="INACTIVE")


class DeploymentRestartTest(TaskTestCase):
    def test_sigkill_mid_deployment_converges_after_restart(self):
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.ecs.create_service(serviceName="web", taskDefinition="web:1", desiredCount=2)
        wait_for(lambda: self.ecs.describe_services(services=["web"])["services"][0]["deployments"][0]["rolloutState"]
                 == "COMPLETED", timeout=60, what="first deployment")
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3601"]}])
        self.ecs.update_service(service="web", taskDefinition="web:2")
        wait_for(lambda: len(self.ecs.list_tasks(serviceName="web")["taskArns"]) > 2, what="rollout under way")
        self.berth.stop(signal.SIGKILL)
        self.berth.start()
        self.ecs = self.berth.boto3()

        def converged():
            s = self.ecs.describe_services(services=["web"])["services"][0]
            return s if len(s["deployments"]) == 1 and s["runningCount"] == 2 and s["pendingCount"] == 0 else None
        s = wait_for(converged, timeout=90, what="convergence after restart")
        self.assertTrue(s["taskDefinition"].endswith("web:2"))
        tasks = self.ecs.describe_tasks(tasks=self.ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
        self.assertEqual(len(tasks), 2)  # neither duplicated nor lost
        self.assertTrue(all(t["taskDefinitionArn"].endswith("web:2") for t in tasks))
        self.ecs.delete_service(service="web", force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="drained")
