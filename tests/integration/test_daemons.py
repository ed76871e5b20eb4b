"""ECS daemons on the gateway, on real containers: a daemon's task runs on the gateway, UpdateDaemon
rolls it to the new revision, DeleteDaemon stops it; its task gets the daemon's managed and
propagated tags; daemons and daemon task definitions take tags; the daemon task definition actions
and the documented errors. Debian's boto3 and aws CLI predate the Daemon API: its calls go through the
aws CLI of the pyenv Python (botocore 1.43), tasks are read with boto3 as elsewhere."""
import json
import os
import re
import subprocess

from botocore.exceptions import ClientError

from test_tasks import TaskTestCase, wait_for

PROVIDERS = ["arn:aws:ecs:local:000000000000:capacity-provider/gateway"]
NEW_AWS = "/root/.pyenv/versions/3.11.7/bin/aws"


class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code, self.message = code, message


class DaemonTest(TaskTestCase):
    def setUp(self):
        if not os.access(NEW_AWS, os.X_OK):
            self.skipTest("needs an aws CLI whose model has the Daemon API: " + NEW_AWS)
        super().setUp()
        # A daemon runs on capacity providers of its cluster.
        self.ecs.create_capacity_provider(name="gateway", autoScalingGroupProvider={"autoScalingGroupArn": "gateway-asg"})
        self.ecs.put_cluster_capacity_providers(cluster="default", capacityProviders=["gateway"],
                                                defaultCapacityProviderStrategy=[])

    def call(self, operation, **params):
        """Runs the ECS `operation` (snake_case) with `params`; returns its reply or raises ApiError."""
        cmd = [NEW_AWS, "ecs", operation.replace("_", "-"), "--cli-input-json", json.dumps(params),
               "--endpoint-url", self.berth.endpoint, "--output", "json"]
        out = subprocess.run(cmd, env=self.berth.client_env(), capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            error = re.search(r"An error occurred \((\w+)\) when calling the \w+ operation: (.*)", out.stderr)
            if not error:
                raise AssertionError("aws ecs %s failed: %s" % (operation, out.stderr))
            raise ApiError(error.group(1), error.group(2).strip())
        return json.loads(out.stdout) if out.stdout.strip() else {}

    def register_daemon_definition(self, marker):
        container = {"name": "main", "image": "busybox", "memory": 16, "command": ["sleep", "3600"],
                     "environment": [{"name": "MARKER", "value": marker}]}
        return self.call("register_daemon_task_definition", family="agent",
                         containerDefinitions=[container])["daemonTaskDefinitionArn"]

    def daemon_tasks(self):
        arns = self.ecs.list_tasks(desiredStatus="RUNNING")["taskArns"]
        return self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []

    def running_daemon_task(self, definition_arn):
        tasks = [t for t in self.daemon_tasks() if t["taskDefinitionArn"] == definition_arn and t["lastStatus"] == "RUNNING"]
        return tasks[0] if len(tasks) == 1 else None

    def assert_error(self, code, operation, **params):
        with self.assertRaises(ApiError) as raised:
            self.call(operation, **params)
        self.assertEqual(raised.exception.code, code)
        return raised.exception.message

    def delete_daemons(self):
        for summary in self.call("list_daemons")["daemonSummariesList"]:
            if summary["status"] == "ACTIVE":
                self.call("delete_daemon", daemonArn=summary["daemonArn"])
        wait_for(lambda: self.daemon_tasks() == [], timeout=60, what="daemon tasks stopped")

    def test_a_daemon_runs_on_the_gateway_rolls_on_update_and_stops_on_delete(self):
        self.addCleanup(self.delete_daemons)
        v1 = self.register_daemon_definition("one")
        self.assertTrue(v1.endswith(":daemon-task-definition/agent:1"), v1)
        described = self.call("describe_daemon_task_definition", daemonTaskDefinition="agent")["daemonTaskDefinition"]
        self.assertEqual((described["family"], described["revision"], described["status"]), ("agent", 1, "ACTIVE"))

        created = self.call("create_daemon", daemonName="agent", clusterArn="default", daemonTaskDefinitionArn=v1,
                                         capacityProviderArns=PROVIDERS)
        self.assertEqual(created["status"], "ACTIVE")
        daemon = created["daemonArn"]
        task = wait_for(lambda: self.running_daemon_task(v1), timeout=60, what="the daemon's task running")
        task_id = task["taskArn"].rsplit("/", 1)[1]
        self.assertEqual(self.berth.container_status(task_id + "-main"), "running")
        # One task on the gateway, whatever the scheduler's passes.
        self.assertEqual(len(self.daemon_tasks()), 1)

        revisions = wait_for(lambda: (lambda d: d["currentRevisions"] if d["currentRevisions"][0]["totalRunningCount"] == 1
                                      else None)(self.call("describe_daemon", daemonArn=daemon)["daemon"]),
                             what="the revision's running count")
        self.assertEqual(revisions[0]["capacityProviders"], [{"arn": PROVIDERS[0], "runningCount": 1}])
        first = wait_for(lambda: (lambda ds: ds if ds[0]["status"] == "SUCCESSFUL" else None)(
            self.call("list_daemon_deployments", daemonArn=daemon)["daemonDeployments"]),
            timeout=60, what="the first deployment SUCCESSFUL")
        self.assertEqual([d["daemonDeploymentArn"] for d in first], [created["deploymentArn"]])

        listed = self.call("list_daemons", clusterArn="default")
        self.assertEqual([d["daemonArn"] for d in listed["daemonSummariesList"]], [daemon])
        # The daemon is not a service.
        self.assertEqual(self.ecs.list_services()["serviceArns"], [])

        v2 = self.register_daemon_definition("two")
        updated = self.call("update_daemon", daemonArn=daemon, daemonTaskDefinitionArn=v2, capacityProviderArns=PROVIDERS)
        rolled = wait_for(lambda: self.running_daemon_task(v2), timeout=60, what="the daemon rolled to revision 2")
        old = self.wait_status(task["taskArn"], "STOPPED")
        # Daemons stop before they start: the new task was created only once the old one had
        # stopped, not while its container (sleep ignores SIGTERM) ran out its stop timeout.
        self.assertGreaterEqual(rolled["createdAt"], old["stoppedAt"])
        self.assertEqual(len(self.daemon_tasks()), 1)
        self.assertEqual(self.berth.container_status(rolled["taskArn"].rsplit("/", 1)[1] + "-main"), "running")
        deployment = wait_for(lambda: (lambda d: d if d["status"] == "SUCCESSFUL" else None)(
            self.call("describe_daemon_deployments", daemonDeploymentArns=[updated["deploymentArn"]])["daemonDeployments"][0]),
            timeout=60, what="the update's deployment SUCCESSFUL")
        self.assertEqual(deployment["targetDaemonRevision"]["totalRunningInstanceCount"], 1)
        self.assertEqual(len(deployment["sourceDaemonRevisions"]), 1)
        history = self.call("list_daemon_deployments", daemonArn=daemon)["daemonDeployments"]
        self.assertEqual([d["status"] for d in history], ["SUCCESSFUL", "SUCCESSFUL"])
        target = deployment["targetDaemonRevision"]["arn"]
        revision = self.call("describe_daemon_revisions", daemonRevisionArns=[target])["daemonRevisions"][0]
        self.assertEqual(revision["daemonTaskDefinitionArn"], v2)
        self.assertEqual(revision["containerImages"], [{"containerName": "main", "image": "busybox"}])

        deleted = self.call("delete_daemon", daemonArn=daemon)
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        self.assertEqual(self.assert_error("DaemonNotActiveException", "update_daemon", daemonArn=daemon,
                                           daemonTaskDefinitionArn=v2, capacityProviderArns=PROVIDERS),
                         "Daemon is not ACTIVE.")
        self.wait_status(rolled["taskArn"], "STOPPED")
        self.assertEqual(self.daemon_tasks(), [])
        wait_for(lambda: self.call("list_daemons")["daemonSummariesList"] == [], what="the daemon gone")
        self.assert_error("DaemonNotFoundException", "describe_daemon", daemonArn=daemon)

    def test_a_daemon_task_gets_managed_and_propagated_tags(self):
        self.addCleanup(self.delete_daemons)
        v1 = self.register_daemon_definition("tags")
        created = self.call("create_daemon", daemonName="agent", clusterArn="default", daemonTaskDefinitionArn=v1,
                            capacityProviderArns=["gateway"], propagateTags="DAEMON", enableECSManagedTags=True,
                            tags=[{"key": "team", "value": "ops"}])
        daemon = created["daemonArn"]
        task = wait_for(lambda: self.running_daemon_task(v1), timeout=60, what="the daemon's task running")
        tags = self.ecs.list_tags_for_resource(resourceArn=task["taskArn"])["tags"]
        self.assertEqual(sorted((t["key"], t["value"]) for t in tags),
                         [("aws:ecs:clusterName", "default"), ("aws:ecs:serviceName", "daemon:agent"), ("team", "ops")])

        # The daemon and its task definition take tags like any taggable resource.
        self.call("tag_resource", resourceArn=daemon, tags=[{"key": "env", "value": "edge"}])
        self.call("untag_resource", resourceArn=daemon, tagKeys=["team"])
        self.assertEqual(self.call("list_tags_for_resource", resourceArn=daemon)["tags"], [{"key": "env", "value": "edge"}])
        self.call("tag_resource", resourceArn=v1, tags=[{"key": "owner", "value": "sre"}])
        self.assertEqual(self.call("list_tags_for_resource", resourceArn=v1)["tags"], [{"key": "owner", "value": "sre"}])
        self.assertEqual(self.assert_error("DaemonNotFoundException", "list_tags_for_resource",
                                           resourceArn="arn:aws:ecs:local:000000000000:daemon/default/nope"),
                         "Daemon not found.")
        # The provider stays with the cluster while the daemon uses it.
        with self.assertRaises(ClientError) as raised:
            self.ecs.put_cluster_capacity_providers(cluster="default", capacityProviders=[],
                                                    defaultCapacityProviderStrategy=[])
        self.assertEqual(raised.exception.response["Error"]["Code"], "ResourceInUseException")

    def test_documented_errors(self):
        missing = "arn:aws:ecs:local:000000000000:daemon/default/nope"
        self.assertEqual(self.assert_error("DaemonNotFoundException", "describe_daemon", daemonArn=missing),
                         "Daemon not found.")
        self.assert_error("DaemonNotFoundException", "delete_daemon", daemonArn=missing)
        self.assert_error("InvalidParameterException", "describe_daemon", daemonArn="nope")
        self.assert_error("ClusterNotFoundException", "create_daemon", daemonName="x", clusterArn="elsewhere",
                          daemonTaskDefinitionArn="agent:1", capacityProviderArns=PROVIDERS)
        self.assert_error("ClientException", "create_daemon", daemonName="x", daemonTaskDefinitionArn="agent:7",
                          capacityProviderArns=PROVIDERS)
        self.register_daemon_definition("one")
        self.assertEqual(self.assert_error("InvalidParameterException", "create_daemon", daemonName="x",
                                           daemonTaskDefinitionArn="agent:1", capacityProviderArns=["spare"]),
                         "The capacity provider spare is not associated with the cluster. Associate it with "
                         "PutClusterCapacityProviders and try again.")
        self.assertEqual(self.assert_error("InvalidParameterException", "describe_daemon_task_definition",
                                           daemonTaskDefinition="agent:foo"), "Invalid revision number. Number: foo")
        self.assert_error("ClientException", "register_daemon_task_definition", family="bad family",
                          containerDefinitions=[{"name": "main", "image": "busybox", "memory": 16}])
        v1 = self.register_daemon_definition("one")
        self.assertEqual(self.call("delete_daemon_task_definition", daemonTaskDefinition=v1)["daemonTaskDefinitionArn"], v1)
        listed = self.call("list_daemon_task_definitions", status="DELETE_IN_PROGRESS")["daemonTaskDefinitions"]
        self.assertEqual([d["arn"] for d in listed], [v1])
        self.assert_error("ClientException", "delete_daemon_task_definition", daemonTaskDefinition=v1)
        missing_deployment = "arn:aws:ecs:local:000000000000:daemon-deployment/default/nope/1"
        failures = self.call("describe_daemon_deployments", daemonDeploymentArns=[missing_deployment])["failures"]
        self.assertEqual(failures, [{"arn": missing_deployment, "reason": "MISSING"}])
