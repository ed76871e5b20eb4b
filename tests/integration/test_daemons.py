"""ECS daemons on the gateway, through boto3 and the aws CLI on real containers: a daemon's task
runs on the gateway, UpdateDaemon rolls it to the new revision, DeleteDaemon stops it; the daemon
task definition actions and the documented errors."""
import botocore.exceptions

from test_tasks import TaskTestCase, wait_for

PROVIDERS = ["arn:aws:ecs:local:000000000000:capacity-provider/gateway"]


class DaemonTest(TaskTestCase):
    def register_daemon_definition(self, marker):
        return self.ecs.register_daemon_task_definition(
            family="agent",
            containerDefinitions=[{"name": "main", "image": "busybox", "memory": 16,
                                   "environment": [{"name": "MARKER", "value": marker}],
                                   "command": ["sleep", "3600"]}])["daemonTaskDefinitionArn"]

    def daemon_tasks(self):
        arns = self.ecs.list_tasks(desiredStatus="RUNNING")["taskArns"]
        return self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []

    def running_daemon_task(self, definition_arn):
        tasks = [t for t in self.daemon_tasks() if t["taskDefinitionArn"] == definition_arn and t["lastStatus"] == "RUNNING"]
        return tasks[0] if len(tasks) == 1 else None

    def assert_error(self, code, call, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.response["Error"]["Code"], code)
        return raised.exception.response["Error"]["Message"]

    def delete_daemons(self):
        for summary in self.ecs.list_daemons()["daemonSummariesList"]:
            if summary["status"] == "ACTIVE":
                self.ecs.delete_daemon(daemonArn=summary["daemonArn"])
        wait_for(lambda: self.daemon_tasks() == [], timeout=60, what="daemon tasks stopped")

    def test_a_daemon_runs_on_the_gateway_rolls_on_update_and_stops_on_delete(self):
        self.addCleanup(self.delete_daemons)
        v1 = self.register_daemon_definition("one")
        self.assertTrue(v1.endswith(":daemon-task-definition/agent:1"), v1)
        described = self.ecs.describe_daemon_task_definition(daemonTaskDefinition="agent")["daemonTaskDefinition"]
        self.assertEqual((described["family"], described["revision"], described["status"]), ("agent", 1, "ACTIVE"))

        created = self.ecs.create_daemon(daemonName="agent", clusterArn="default", daemonTaskDefinitionArn=v1,
                                         capacityProviderArns=PROVIDERS)
        self.assertEqual(created["status"], "ACTIVE")
        daemon = created["daemonArn"]
        task = wait_for(lambda: self.running_daemon_task(v1), timeout=60, what="the daemon's task running")
        task_id = task["taskArn"].rsplit("/", 1)[1]
        self.assertEqual(self.berth.container_status(task_id + "-main"), "running")
        # One task on the gateway, whatever the scheduler's passes.
        self.assertEqual(len(self.daemon_tasks()), 1)

        revisions = wait_for(lambda: (lambda d: d["currentRevisions"] if d["currentRevisions"][0]["totalRunningCount"] == 1
                                      else None)(self.ecs.describe_daemon(daemonArn=daemon)["daemon"]),
                             what="the revision's running count")
        self.assertEqual(revisions[0]["capacityProviders"], [{"arn": PROVIDERS[0], "runningCount": 1}])
        first = self.ecs.list_daemon_deployments(daemonArn=daemon)["daemonDeployments"]
        self.assertEqual([d["daemonDeploymentArn"] for d in first], [created["deploymentArn"]])

        # The aws CLI reads the same daemon.
        listed = self.berth.aws("list-daemons", "--cluster-arn", "default")
        self.assertEqual([d["daemonArn"] for d in listed["daemonSummariesList"]], [daemon])
        # The daemon is not a service.
        self.assertEqual(self.ecs.list_services()["serviceArns"], [])

        v2 = self.register_daemon_definition("two")
        updated = self.ecs.update_daemon(daemonArn=daemon, daemonTaskDefinitionArn=v2, capacityProviderArns=PROVIDERS)
        rolled = wait_for(lambda: self.running_daemon_task(v2), timeout=60, what="the daemon rolled to revision 2")
        self.assertEqual(self.describe(task["taskArn"])["lastStatus"], "STOPPED")
        self.assertEqual(len(self.daemon_tasks()), 1)
        self.assertEqual(self.berth.container_status(rolled["taskArn"].rsplit("/", 1)[1] + "-main"), "running")
        deployment = wait_for(lambda: (lambda d: d if d["status"] == "SUCCESSFUL" else None)(
            self.ecs.describe_daemon_deployments(daemonDeploymentArns=[updated["deploymentArn"]])["daemonDeployments"][0]),
            timeout=60, what="the update's deployment SUCCESSFUL")
        self.assertEqual(deployment["targetDaemonRevision"]["totalRunningInstanceCount"], 1)
        self.assertEqual(len(deployment["sourceDaemonRevisions"]), 1)
        history = self.ecs.list_daemon_deployments(daemonArn=daemon)["daemonDeployments"]
        self.assertEqual([d["status"] for d in history], ["SUCCESSFUL", "SUCCESSFUL"])
        revision = self.ecs.describe_daemon_revisions(
            daemonRevisionArns=[deployment["targetDaemonRevision"]["arn"]])["daemonRevisions"][0]
        self.assertEqual(revision["daemonTaskDefinitionArn"], v2)
        self.assertEqual(revision["containerImages"], [{"containerName": "main", "image": "busybox"}])

        deleted = self.ecs.delete_daemon(daemonArn=daemon)
        self.assertEqual(deleted["status"], "DELETE_IN_PROGRESS")
        self.assertEqual(self.assert_error("DaemonNotActiveException", self.ecs.update_daemon, daemonArn=daemon,
                                           daemonTaskDefinitionArn=v2, capacityProviderArns=PROVIDERS),
                         "Daemon is not ACTIVE.")
        wait_for(lambda: self.daemon_tasks() == [], timeout=60, what="the daemon's task stopped")
        self.assertEqual(self.describe(rolled["taskArn"])["lastStatus"], "STOPPED")
        wait_for(lambda: self.ecs.list_daemons()["daemonSummariesList"] == [], what="the daemon gone")
        self.assert_error("DaemonNotFoundException", self.ecs.describe_daemon, daemonArn=daemon)

    def test_documented_errors(self):
        missing = "arn:aws:ecs:local:000000000000:daemon/default/nope"
        self.assertEqual(self.assert_error("DaemonNotFoundException", self.ecs.describe_daemon, daemonArn=missing),
                         "Daemon not found.")
        self.assert_error("DaemonNotFoundException", self.ecs.delete_daemon, daemonArn=missing)
        self.assert_error("InvalidParameterException", self.ecs.describe_daemon, daemonArn="nope")
        self.assert_error("ClusterNotFoundException", self.ecs.create_daemon, daemonName="x", clusterArn="elsewhere",
                          daemonTaskDefinitionArn="agent:1", capacityProviderArns=PROVIDERS)
        self.assert_error("ClientException", self.ecs.create_daemon, daemonName="x", daemonTaskDefinitionArn="agent:7",
                          capacityProviderArns=PROVIDERS)
        self.assertEqual(self.assert_error("InvalidParameterException", self.ecs.describe_daemon_task_definition,
                                           daemonTaskDefinition="agent:foo"), "Invalid revision number. Number: foo")
        self.assert_error("ClientException", self.ecs.register_daemon_task_definition, family="bad family",
                          containerDefinitions=[{"name": "main", "image": "busybox", "memory": 16}])
        v1 = self.register_daemon_definition("one")
        self.assertEqual(self.ecs.delete_daemon_task_definition(daemonTaskDefinition=v1)["daemonTaskDefinitionArn"], v1)
        listed = self.ecs.list_daemon_task_definitions(status="DELETE_IN_PROGRESS")["daemonTaskDefinitions"]
        self.assertEqual([d["arn"] for d in listed], [v1])
        self.assert_error("ClientException", self.ecs.delete_daemon_task_definition, daemonTaskDefinition=v1)
        missing_deployment = "arn:aws:ecs:local:000000000000:daemon-deployment/default/nope/1"
        failures = self.ecs.describe_daemon_deployments(daemonDeploymentArns=[missing_deployment])["failures"]
        self.assertEqual(failures, [{"arn": missing_deployment, "reason": "MISSING"}])
