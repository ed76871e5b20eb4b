"""Task sets of services with the EXTERNAL deployment controller, on real containers, driven with
boto3 and the aws CLI: a canary from 10 % to 100 %, the PRIMARY switch and the old set deleted."""
from test_tasks import TaskTestCase, wait_for


class TaskSetTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3601"]}])
        self.addCleanup(self.delete_services)

    def delete_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def task_set(self, task_set):
        reply = self.ecs.describe_task_sets(cluster="default", service="web", taskSets=[task_set])
        return reply["taskSets"][0] if reply["taskSets"] else None

    def wait_steady(self, task_set, running):
        def steady():
            s = self.task_set(task_set)
            return s if s["stabilityStatus"] == "STEADY_STATE" and s["runningCount"] == running else None
        return wait_for(steady, timeout=60, what="task set %s steady at %d" % (task_set, running))

    def tasks_of(self, task_set):
        arns = self.ecs.list_tasks(serviceName="web", desiredStatus="RUNNING")["taskArns"]
        tasks = self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
        return [t for t in tasks if t["startedBy"] == task_set]

    def test_a_canary_goes_from_10_to_100_percent_then_the_old_set_is_deleted(self):
        created = self.ecs.create_service(serviceName="web", desiredCount=4,
                                          deploymentController={"type": "EXTERNAL"})["service"]
        self.assertEqual(created["deploymentController"], {"type": "EXTERNAL"})
        self.assertEqual(created["taskSets"], [])
        blue = self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web:1", externalId="blue",
                                        scale={"value": 100, "unit": "PERCENT"})["taskSet"]
        self.assertEqual((blue["status"], blue["computedDesiredCount"]), ("ACTIVE", 4))
        self.assertEqual(self.ecs.update_service_primary_task_set(cluster="default", service="web",
                                                                  primaryTaskSet=blue["id"])["taskSet"]["status"],
                         "PRIMARY")
        self.wait_steady(blue["id"], 4)

        # The canary: 10 % of 4 tasks is one task (rounded up), beside blue's four.
        green = self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web:2",
                                         scale={"value": 10, "unit": "PERCENT"},
                                         tags=[{"key": "stage", "value": "canary"}])["taskSet"]
        self.assertEqual(green["computedDesiredCount"], 1)
        self.assertEqual(green["tags"], [{"key": "stage", "value": "canary"}])
        self.wait_steady(green["id"], 1)
        canary = self.tasks_of(green["id"])
        self.assertEqual(len(canary), 1)
        self.assertTrue(canary[0]["taskDefinitionArn"].endswith("task-definition/web:2"))
        self.assertEqual(canary[0]["lastStatus"], "RUNNING")
        self.assertEqual(len(self.berth.runc_containers()), 5)  # real containers: 4 blue + 1 canary
        service = self.ecs.describe_services(services=["web"])["services"][0]
        self.assertEqual((service["runningCount"], service["desiredCount"]), (5, 4))
        self.assertTrue(service["taskDefinition"].endswith("web:1"))

        # 100 %, then green becomes PRIMARY: the service shows its task definition.
        self.assertEqual(self.ecs.update_task_set(cluster="default", service="web", taskSet=green["taskSetArn"],
                                                  scale={"value": 100, "unit": "PERCENT"})["taskSet"]
                         ["computedDesiredCount"], 4)
        self.wait_steady(green["id"], 4)
        primary = self.ecs.update_service_primary_task_set(cluster="default", service="web",
                                                           primaryTaskSet=green["id"])["taskSet"]
        self.assertEqual(primary["status"], "PRIMARY")
        self.assertEqual(self.task_set(blue["id"])["status"], "ACTIVE")
        service = self.ecs.describe_services(services=["web"])["services"][0]
        self.assertTrue(service["taskDefinition"].endswith("web:2"))

        # Blue goes: not while it still asks for tasks; scaled to 0, then deleted, then gone.
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
        self.ecs.update_task_set(cluster="default", service="web", taskSet=blue["id"], scale={"value": 0})
        self.wait_steady(blue["id"], 0)
        deleted = self.ecs.delete_task_set(cluster="default", service="web", taskSet=blue["id"])["taskSet"]
        self.assertEqual(deleted["status"], "DRAINING")
        wait_for(lambda: self.task_set(blue["id"]) is None, timeout=30, what="blue task set gone")
        failures = self.ecs.describe_task_sets(cluster="default", service="web", taskSets=[blue["id"]])["failures"]
        self.assertEqual(failures, [{"arn": blue["taskSetArn"], "reason": "MISSING"}])
        wait_for(lambda: len(self.berth.runc_containers()) == 4, timeout=30, what="blue's containers removed")
        service = self.ecs.describe_services(services=["web"])["services"][0]
        self.assertEqual((service["runningCount"], service["pendingCount"]), (4, 0))
        self.assertEqual([s["id"] for s in service["taskSets"]], [green["id"]])
        self.assertEqual(len(self.tasks_of(green["id"])), 4)
        # The aws CLI reads the same, tags included.
        described = self.berth.aws("describe-task-sets", "--cluster", "default", "--service", "web",
                                   "--include", "TAGS")["taskSets"]
        self.assertEqual([(s["id"], s["status"], s["tags"]) for s in described],
                         [(green["id"], "PRIMARY", [{"key": "stage", "value": "canary"}])])
        self.assertEqual(self.ecs.list_tags_for_resource(resourceArn=green["taskSetArn"])["tags"],
                         [{"key": "stage", "value": "canary"}])

    def test_deleting_a_set_with_a_protected_task_does_not_hold_up_the_other_set(self):
        self.ecs.create_service(serviceName="web", desiredCount=2, deploymentController={"type": "EXTERNAL"})
        blue = self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web:1",
                                        scale={"value": 50, "unit": "PERCENT"})["taskSet"]
        green = self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web:2",
                                         scale={"value": 0, "unit": "PERCENT"})["taskSet"]
        self.wait_steady(blue["id"], 1)
        protected = self.tasks_of(blue["id"])[0]["taskArn"]
        reply = self.ecs.update_task_protection(cluster="default", tasks=[protected], protectionEnabled=True)
        self.assertEqual(reply["failures"], [])
        self.assertTrue(reply["protectedTasks"][0]["protectionEnabled"])

        # Green grows while blue, protected task and all, is deleted: protection holds against
        # scale-in, not against deleting the set, and green's start is not held up by it.
        self.ecs.update_task_set(cluster="default", service="web", taskSet=green["id"],
                                 scale={"value": 100, "unit": "PERCENT"})
        self.ecs.delete_task_set(cluster="default", service="web", taskSet=blue["id"], force=True)
        self.wait_steady(green["id"], 2)
        wait_for(lambda: self.task_set(blue["id"]) is None, timeout=30, what="blue task set gone")
        stopped = self.wait_status(protected, "STOPPED")
        self.assertEqual(stopped["stoppedReason"], "Task set deleted")

    def test_documented_errors(self):
        with self.assertRaises(self.ecs.exceptions.UnsupportedFeatureException) as refused:
            self.ecs.create_service(serviceName="cd", taskDefinition="web", desiredCount=1,
                                    deploymentController={"type": "CODE_DEPLOY"})
        self.assertIn("EXTERNAL deployment controller", str(refused.exception))
        self.ecs.create_service(serviceName="rolling", taskDefinition="web", desiredCount=0)
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException) as not_external:
            self.ecs.create_task_set(cluster="default", service="rolling", taskDefinition="web")
        self.assertIn("only supports task set management on services configured to use external deployment "
                      "controllers", str(not_external.exception))
        self.ecs.create_service(serviceName="web", desiredCount=1, deploymentController={"type": "EXTERNAL"})
        with self.assertRaises(self.ecs.exceptions.TaskSetNotFoundException):
            self.ecs.update_task_set(cluster="default", service="web", taskSet="ecs-svc/1", scale={"value": 5})
        with self.assertRaises(self.ecs.exceptions.TaskSetNotFoundException):
            self.ecs.update_service_primary_task_set(cluster="default", service="web", primaryTaskSet="ecs-svc/1")
        with self.assertRaises(self.ecs.exceptions.ServiceNotFoundException):
            self.ecs.describe_task_sets(cluster="default", service="nope")
        with self.assertRaises(self.ecs.exceptions.ClusterNotFoundException):
            self.ecs.describe_task_sets(cluster="nope", service="web")
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.update_service(service="web", taskDefinition="web:2")
        # A load balancer is a new task set's, as ECS documents: refused, not dropped.
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException) as attachments:
            self.ecs.update_service(service="web", loadBalancers=[
                {"targetGroupArn": "arn:aws:elasticloadbalancing:local:000000000000:targetgroup/web/1",
                 "containerName": "main", "containerPort": 80}])
        self.assertIn("create a task set (CreateTaskSet)", str(attachments.exception))
        self.assertEqual(self.ecs.describe_services(services=["web"])["services"][0]["loadBalancers"], [])
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web",
                                     scale={"value": 150, "unit": "PERCENT"})
        # What a set is given for where it runs and what it is attached to is kept and returned.
        given = self.ecs.create_task_set(
            cluster="default", service="web", taskDefinition="web", scale={"value": 0, "unit": "PERCENT"},
            launchType="EXTERNAL",
            loadBalancers=[{"targetGroupArn": "arn:aws:elasticloadbalancing:local:000000000000:targetgroup/tg/1",
                            "containerName": "main", "containerPort": 80}],
            serviceRegistries=[{"registryArn": "arn:aws:servicediscovery:local:000000000000:service/srv-1"}])["taskSet"]
        [described] = [t for t in self.ecs.describe_task_sets(cluster="default", service="web")["taskSets"]
                       if t["id"] == given["id"]]
        for s in (given, described):
            self.assertEqual(s["launchType"], "EXTERNAL")
            self.assertEqual(s["loadBalancers"][0]["containerPort"], 80)
            self.assertEqual(s["serviceRegistries"][0]["registryArn"],
                             "arn:aws:servicediscovery:local:000000000000:service/srv-1")
        # As RunTask and CreateService answer: a gateway has no Fargate.
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException) as fargate:
            self.ecs.create_task_set(cluster="default", service="web", taskDefinition="web", launchType="FARGATE")
        self.assertIn("a gateway has no AWS Fargate", str(fargate.exception))
