"""Task scale-in protection on real containers: UpdateTaskProtection and GetTaskProtection with the
real aws CLI and boto3, honoured by a service's scale-in."""
import datetime
import time

from test_tasks import TaskTestCase, wait_for


class TaskProtectionTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])

    def service(self):
        return self.ecs.describe_services(services=["web"])["services"][0]

    def delete_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        # Deleting stops protected tasks too (standalone ones are assert_nothing_left's).
        wait_for(lambda: self.service_tasks() == [], timeout=60, what="service tasks stopped")

    def service_tasks(self):
        return sorted(self.ecs.list_tasks(serviceName="web")["taskArns"])

    def assert_running(self, arns):
        for t in self.ecs.describe_tasks(tasks=arns)["tasks"]:
            self.assertEqual((t["desiredStatus"], t["lastStatus"]), ("RUNNING", "RUNNING"), t["taskArn"])
            self.assertEqual(self.berth.container_status(t["taskArn"].rsplit("/", 1)[1] + "-main"), "running")

    def test_protected_tasks_survive_scale_in_until_their_protection_is_removed(self):
        self.addCleanup(self.delete_services)
        self.berth.aws("create-service", "--service-name", "web", "--task-definition", "web", "--desired-count", "3")
        wait_for(lambda: self.service()["runningCount"] == 3, timeout=60, what="3 running")
        tasks = self.service_tasks()
        protected, unprotected = tasks[:2], tasks[2]

        before = time.time()
        updated = self.berth.aws("update-task-protection", "--cluster", "default", "--tasks", *protected,
                                 "--protection-enabled", "--expires-in-minutes", "60")
        self.assertEqual(updated["failures"], [])
        self.assertEqual(sorted(t["taskArn"] for t in updated["protectedTasks"]), protected)
        self.assertTrue(all(t["protectionEnabled"] for t in updated["protectedTasks"]))
        got = self.berth.aws("get-task-protection", "--cluster", "default", "--tasks", *tasks)
        self.assertEqual({t["taskArn"]: t["protectionEnabled"] for t in got["protectedTasks"]},
                         {protected[0]: True, protected[1]: True, unprotected: False})
        # boto3 reads the expiration as a time: an hour from the call.
        read = self.ecs.get_task_protection(cluster="default", tasks=protected)["protectedTasks"]
        for t in read:
            expires = t["expirationDate"].timestamp()
            self.assertTrue(before + 3600 - 5 <= expires <= time.time() + 3600 + 5, t)

        self.berth.aws("update-service", "--service", "web", "--desired-count", "1")
        wait_for(lambda: self.describe(unprotected)["lastStatus"] == "STOPPED", timeout=60, what="unprotected task stopped")
        wait_for(lambda: "was unable to scale in due to (reason: 1 tasks under protection)."
                 in self.service()["events"][0]["message"], what="the service's waiting event")
        time.sleep(2)  # several scheduler passes: the service waits, both protected tasks keep running
        self.assertEqual(self.service_tasks(), protected)
        self.assert_running(protected)
        s = self.service()
        self.assertEqual((s["desiredCount"], s["runningCount"]), (1, 2))

        removed = self.ecs.update_task_protection(cluster="default", tasks=protected, protectionEnabled=False)
        self.assertEqual([t["protectionEnabled"] for t in removed["protectedTasks"]], [False, False])
        self.assertNotIn("expirationDate", removed["protectedTasks"][0])
        wait_for(lambda: len(self.service_tasks()) == 1, timeout=60, what="one more task stopped")
        left = self.service_tasks()
        self.assertIn(left[0], protected)
        wait_for(lambda: self.service()["runningCount"] == 1, timeout=60, what="1 running")
        self.assertIn("has stopped 1 running tasks", self.service()["events"][0]["message"])
        self.assert_running(left)

    def test_a_deployment_leaves_a_protected_old_task_running_until_its_protection_is_removed(self):
        self.addCleanup(self.delete_services)
        self.ecs.create_service(serviceName="web", taskDefinition="web:1", desiredCount=2,
                                deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 50})
        wait_for(lambda: self.service()["runningCount"] == 2, timeout=60, what="2 running")
        old = self.service_tasks()
        self.ecs.update_task_protection(cluster="default", tasks=[old[0]], protectionEnabled=True, expiresInMinutes=30)
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3601"]}])
        self.ecs.update_service(service="web", taskDefinition="web:2")
        wait_for(lambda: self.describe(old[1])["lastStatus"] == "STOPPED", timeout=60, what="unprotected old task replaced")
        wait_for(lambda: (lambda s: s["deployments"][0]["runningCount"] == 2)(self.service()), timeout=60,
                 what="2 new tasks running")
        time.sleep(2)
        s = self.service()
        self.assertEqual([d["status"] for d in s["deployments"]], ["PRIMARY", "ACTIVE"])  # the old one waits
        self.assertEqual(s["deployments"][1]["runningCount"], 1)
        self.assert_running([old[0]])
        self.assertIn("tasks under protection", s["events"][0]["message"])

        self.ecs.update_task_protection(cluster="default", tasks=[old[0]], protectionEnabled=False)
        wait_for(lambda: self.describe(old[0])["lastStatus"] == "STOPPED", timeout=60, what="protected old task replaced")
        wait_for(lambda: len(self.service()["deployments"]) == 1, timeout=60, what="old deployment finished")
        self.assertEqual(len(self.service_tasks()), 2)

    def test_refusals_and_errors(self):
        self.addCleanup(self.delete_services)
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=1)
        wait_for(lambda: self.service()["runningCount"] == 1, timeout=60, what="1 running")
        service_task = self.service_tasks()[0]
        standalone = self.run_task("web")
        reply = self.ecs.update_task_protection(cluster="default", tasks=[standalone, service_task, "feedbeef"],
                                                protectionEnabled=True)
        self.assertEqual([t["taskArn"] for t in reply["protectedTasks"]], [service_task])
        self.assertEqual([(f["arn"], f["reason"]) for f in reply["failures"]],
                         [(standalone, "TASK_NOT_VALID"),
                          (service_task.rsplit("/", 1)[0] + "/feedbeef", "TASK_NOT_FOUND")])
        # Default: two hours.
        expires = reply["protectedTasks"][0]["expirationDate"]
        left = expires - datetime.datetime.now(expires.tzinfo)
        self.assertTrue(7190 <= left.total_seconds() <= 7205, left)
        # Without tasks: the cluster's protected tasks.
        self.assertEqual([t["taskArn"] for t in self.ecs.get_task_protection(cluster="default")["protectedTasks"]],
                         [service_task])
        for bad in (0, 2881):
            with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
                self.ecs.update_task_protection(cluster="default", tasks=[service_task], protectionEnabled=True,
                                                expiresInMinutes=bad)
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.update_task_protection(cluster="default", tasks=[service_task] * 11, protectionEnabled=True)
        with self.assertRaises(self.ecs.exceptions.ClusterNotFoundException):
            self.ecs.get_task_protection(cluster="nope", tasks=[service_task])
        out = self.berth.aws("update-task-protection", "--cluster", "default", "--tasks", service_task,
                             "--protection-enabled", "--expires-in-minutes", "0", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("InvalidParameterException", out.stderr)
