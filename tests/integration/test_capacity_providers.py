"""Capacity providers on a gateway, with the real aws CLI and boto3: CreateCapacityProvider,
DescribeCapacityProviders (with the built-in FARGATE and FARGATE_SPOT), UpdateCapacityProvider,
DeleteCapacityProvider, PutClusterCapacityProviders; tasks and services placed by a strategy (or the
cluster's default) on the gateway's own instance, running real containers; Fargate refused with
the reason; FARGATE task definitions registered by Fargate's rules."""
import json

from botocore.exceptions import ClientError

from test_tasks import TaskTestCase, wait_for

ARN = "arn:aws:ecs:local:000000000000:capacity-provider/"
NO_FARGATE = "a gateway has no AWS Fargate"


class CapacityProvidersTest(TaskTestCase):
    def create_provider(self, name):
        return self.ecs.create_capacity_provider(
            name=name, autoScalingGroupProvider={"autoScalingGroupArn": name + "-asg"})["capacityProvider"]

    def associate(self, providers, default_strategy):
        return self.ecs.put_cluster_capacity_providers(cluster="default", capacityProviders=providers,
                                                       defaultCapacityProviderStrategy=default_strategy)["cluster"]

    def release(self):
        """Undoes the association and deletes the providers (services and tasks are gone by then)."""
        self.associate([], [])
        for p in self.ecs.describe_capacity_providers()["capacityProviders"]:
            if p["name"] not in ("FARGATE", "FARGATE_SPOT"):
                self.ecs.delete_capacity_provider(capacityProvider=p["name"])

    def assert_error(self, code, text, call, *args, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(*args, **kwargs)
        error = raised.exception.response["Error"]
        self.assertEqual(error["Code"], code)
        self.assertIn(text, error["Message"])

    def test_provider_lifecycle_through_the_cli(self):
        created = self.berth.aws("create-capacity-provider", "--name", "edge", "--auto-scaling-group-provider",
                                 "autoScalingGroupArn=edge-asg,managedTerminationProtection=DISABLED",
                                 "--tags", "key=site,value=north")["capacityProvider"]
        # Debian's aws CLI and boto3 predate the `type` member and drop it.
        self.assertEqual((created["name"], created["status"]), ("edge", "ACTIVE"))
        self.assertEqual(created["capacityProviderArn"], ARN + "edge")
        self.assertEqual(created["autoScalingGroupProvider"]["managedScaling"]["status"], "DISABLED")

        described = self.berth.aws("describe-capacity-providers", "--include", "TAGS")
        self.assertEqual([p["name"] for p in described["capacityProviders"]], ["FARGATE", "FARGATE_SPOT", "edge"])
        self.assertEqual(described["capacityProviders"][2]["tags"], [{"key": "site", "value": "north"}])
        missing = self.berth.aws("describe-capacity-providers", "--capacity-providers", "ghost")
        self.assertEqual(missing["failures"], [{"arn": ARN + "ghost", "reason": "MISSING"}])

        updated = self.berth.aws("update-capacity-provider", "--name", "edge", "--auto-scaling-group-provider",
                                 json.dumps({"managedScaling": {"status": "ENABLED", "targetCapacity": 75}}))
        self.assertEqual(updated["capacityProvider"]["updateStatus"], "UPDATE_COMPLETE")
        self.assertEqual(updated["capacityProvider"]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"], 75)

        self.berth.aws("tag-resource", "--resource-arn", ARN + "edge", "--tags", "key=tier,value=gold")
        tags = self.berth.aws("list-tags-for-resource", "--resource-arn", ARN + "edge")["tags"]
        self.assertEqual(sorted(t["key"] for t in tags), ["site", "tier"])

        cluster = self.berth.aws("put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers",
                                 "edge", "--default-capacity-provider-strategy",
                                 "capacityProvider=edge,weight=1,base=0")["cluster"]
        self.assertEqual(cluster["capacityProviders"], ["edge"])
        shown = self.berth.aws("describe-clusters")["clusters"][0]
        self.assertEqual(shown["defaultCapacityProviderStrategy"], [{"capacityProvider": "edge", "weight": 1, "base": 0}])

        # Associated: ECS keeps it and says why.
        failed = self.berth.aws("delete-capacity-provider", "--capacity-provider", "edge")["capacityProvider"]
        self.assertEqual(failed["updateStatus"], "DELETE_FAILED")
        self.assertIn("associated with cluster: default", failed["updateStatusReason"])
        self.berth.aws("put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers",
                       "[]", "--default-capacity-provider-strategy", "[]")
        deleted = self.berth.aws("delete-capacity-provider", "--capacity-provider", ARN + "edge")["capacityProvider"]
        self.assertEqual((deleted["status"], deleted["updateStatus"]), ("INACTIVE", "DELETE_COMPLETE"))
        out = self.berth.aws("delete-capacity-provider", "--capacity-provider", "edge", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("ClientException", out.stderr)

    def test_bad_input_answers_ecs_errors(self):
        self.assert_error("ClientException", "cannot start with 'aws', 'ecs' or 'fargate'",
                          self.ecs.create_capacity_provider, name="ecs-pool",
                          autoScalingGroupProvider={"autoScalingGroupArn": "g"})
        self.create_provider("edge")
        self.assert_error("ClientException", "already exists", self.create_provider, "edge")
        self.assert_error("InvalidParameterException", "does not exist: ghost", self.associate, ["ghost"], [])
        self.assert_error("InvalidParameterException", "not associated with the cluster",
                          self.associate, ["edge"], [{"capacityProvider": "other", "weight": 1}])
        self.assert_error("InvalidParameterException", "Only one capacity provider",
                          self.ecs.run_task, taskDefinition="x", capacityProviderStrategy=[
                              {"capacityProvider": "edge", "base": 1}, {"capacityProvider": "b", "base": 2}])
        self.release()

    def test_fargate_is_refused_with_the_reason(self):
        self.register("job", [{"name": "main", "command": ["true"]}])
        for call, kwargs in [
                (self.ecs.run_task, {"taskDefinition": "job", "launchType": "FARGATE"}),
                (self.ecs.run_task, {"taskDefinition": "job",
                                     "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT"}]}),
                (self.ecs.create_service, {"serviceName": "web", "taskDefinition": "job", "desiredCount": 1,
                                           "launchType": "FARGATE"}),
                (self.associate, {"providers": ["FARGATE"], "default_strategy": []})]:
            with self.subTest(kwargs=kwargs):
                self.assert_error("InvalidParameterException", NO_FARGATE, call, **kwargs)
        out = self.berth.aws("run-task", "--task-definition", "job", "--launch-type", "FARGATE", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("InvalidParameterException", out.stderr)
        self.assertIn(NO_FARGATE, out.stderr)
        self.assertEqual(self.ecs.list_tasks()["taskArns"], [])
        fargate = self.ecs.describe_capacity_providers(capacityProviders=["FARGATE"])["capacityProviders"][0]
        self.assertEqual((fargate["capacityProviderArn"], fargate["status"]), (ARN + "FARGATE", "ACTIVE"))

    def test_fargate_task_definitions_follow_fargate_rules(self):
        container = [{"name": "main", "image": "busybox", "essential": True}]
        td = self.ecs.register_task_definition(family="fg", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                                               cpu="256", memory="512", containerDefinitions=container)["taskDefinition"]
        self.assertEqual(td["compatibilities"], ["EC2", "EXTERNAL", "FARGATE"])
        self.assertEqual(td["requiresCompatibilities"], ["FARGATE"])
        self.assert_error("ClientException", "No Fargate configuration exists for given values: 256 CPU, 4096 memory",
                          self.ecs.register_task_definition, family="fg", requiresCompatibilities=["FARGATE"],
                          networkMode="awsvpc", cpu="256", memory="4096", containerDefinitions=container)
        self.assert_error("ClientException", "Fargate only supports network mode 'awsvpc'",
                          self.ecs.register_task_definition, family="fg", requiresCompatibilities=["FARGATE"],
                          networkMode="bridge", cpu="256", memory="512", containerDefinitions=container)
        # Registered, but a gateway cannot run it (awsvpc needs AWS).
        self.assert_error("InvalidParameterException", "awsvpc", self.ecs.run_task, taskDefinition="fg")

    def test_tasks_run_by_a_strategy_and_by_the_cluster_default(self):
        self.addCleanup(self.release)
        self.register("job", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.create_provider("edge")
        self.create_provider("spare")
        self.associate(["edge", "spare"], [{"capacityProvider": "spare", "weight": 1}])

        reply = self.ecs.run_task(taskDefinition="job", count=2, capacityProviderStrategy=[
            {"capacityProvider": "edge", "base": 1, "weight": 0}, {"capacityProvider": "spare", "weight": 1}])
        self.assertEqual(reply["failures"], [])
        self.assertEqual([t["capacityProviderName"] for t in reply["tasks"]], ["edge", "spare"])
        by_default = self.run_task("job")
        arns = [t["taskArn"] for t in reply["tasks"]] + [by_default]
        wait_for(lambda: all(self.describe(a)["lastStatus"] == "RUNNING" for a in arns), timeout=60, what="3 running")
        for arn in arns:
            self.assertEqual(self.berth.container_status(arn.rsplit("/", 1)[1] + "-main"), "running")
        self.assertEqual(self.describe(by_default)["capacityProviderName"], "spare")
        plain = self.run_task("job", launchType="EC2")
        self.assertNotIn("capacityProviderName", self.describe(plain))

        # In use by running tasks: it stays with the cluster.
        self.assert_error("ResourceInUseException", "in use", self.associate, ["spare"], [])
        for arn in arns + [plain]:
            self.ecs.stop_task(task=arn)
        wait_for(lambda: all(self.describe(a)["lastStatus"] == "STOPPED" for a in arns), timeout=60, what="stopped")

    def test_a_service_on_a_capacity_provider_runs_its_tasks(self):
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.create_provider("edge")
        self.associate(["edge"], [])

        def service():
            return self.ecs.describe_services(services=["web"])["services"][0]

        def service_tasks_stopped():
            if self.ecs.list_tasks(serviceName="web")["taskArns"]:
                return False
            stopping = self.ecs.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
            return all(self.describe(arn)["lastStatus"] == "STOPPED" for arn in stopping)

        def delete_service():
            self.ecs.delete_service(service="web", force=True)
            # Its tasks hold the provider (capacityProviderName) until they are STOPPED.
            wait_for(service_tasks_stopped, timeout=60, what="service tasks stopped")
            self.release()
        self.addCleanup(delete_service)
        created = self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=1,
                                          capacityProviderStrategy=[{"capacityProvider": "edge", "weight": 1}])
        self.assertEqual(created["service"]["capacityProviderStrategy"],
                         [{"capacityProvider": "edge", "weight": 1, "base": 0}])
        self.assertNotIn("launchType", created["service"])
        wait_for(lambda: service()["runningCount"] == 1, timeout=60, what="1 running")
        task = self.ecs.list_tasks(serviceName="web")["taskArns"][0]
        self.assertEqual(self.berth.container_status(task.rsplit("/", 1)[1] + "-main"), "running")
        # The service's task runs on the provider of its strategy, as a RunTask task would.
        self.assertEqual(self.describe(task)["capacityProviderName"], "edge")
        described = self.berth.aws("describe-tasks", "--tasks", task)["tasks"][0]
        self.assertEqual(described["capacityProviderName"], "edge")
        self.assert_error("ResourceInUseException", "in use", self.associate, [], [])
        self.assert_error("InvalidParameterException", "not associated with the cluster", self.ecs.update_service,
                          service="web", capacityProviderStrategy=[{"capacityProvider": "ghost", "weight": 1}])
