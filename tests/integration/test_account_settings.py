"""ECS account settings, the agent-facing actions and ECS's documented error texts, through the
real aws CLI and boto3."""
import json
import os

import botocore.exceptions

from harness import BerthTestCase
from test_tasks import wait_for

ROOT = "arn:aws:iam::000000000000:root"
ALICE = "arn:aws:iam::000000000000:user/alice"
ADMIN = "arn:aws:iam::000000000000:user/admin"  # the user of the harness's key
IDENTITY = {"instanceId": "i-0abc1234def567890", "instanceType": "t4g.small", "availabilityZone": "eu-west-1a",
            "imageId": "ami-0123456789abcdef0", "architecture": "arm64", "region": "eu-west-1"}


class ErrorsTestCase(BerthTestCase):
    def error_of(self, call, **kwargs):
        """The {"Code", "Message"} a boto3 call fails with."""
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]


class AccountSettingsTest(ErrorsTestCase):
    def test_settings_round_trip_and_the_cluster_default(self):
        put = self.berth.aws("put-account-setting-default", "--name", "containerInsights", "--value", "enhanced")
        # Debian's aws CLI and boto3 (what these tests run) predate Setting.type and leave it out of
        # what they parse; the raw replies below show it.
        self.assertEqual(put["setting"], {"name": "containerInsights", "value": "enhanced", "principalArn": ROOT})
        # A new cluster without settings takes the account's default; one that sets it keeps its own.
        created = self.berth.aws("create-cluster", "--cluster-name", "edge")["cluster"]
        self.assertEqual(created["settings"], [{"name": "containerInsights", "value": "enhanced"}])
        ecs = self.berth.boto3()
        own = ecs.create_cluster(clusterName="quiet",
                                 settings=[{"name": "containerInsights", "value": "disabled"}])["cluster"]
        self.assertEqual(own["settings"], [{"name": "containerInsights", "value": "disabled"}])

        ecs.put_account_setting(name="tagResourceAuthorization", value="off", principalArn=ALICE)
        code, alice, _ = self.berth.raw("ListAccountSettings", json.dumps({"principalArn": ALICE}))
        self.assertEqual(code, 200)
        self.assertEqual(alice, {"settings": [{"name": "tagResourceAuthorization", "value": "off",
                                               "principalArn": ALICE, "type": "user"}]})
        # Effective settings: eleven names over two pages (ten at most per page), the paginator
        # following nextToken.
        pages = list(ecs.get_paginator("list_account_settings").paginate(principalArn=ALICE, effectiveSettings=True))
        self.assertEqual(len(pages), 2)
        effective = {s["name"]: s for page in pages for s in page["settings"]}
        self.assertEqual(len(effective), 11)
        self.assertEqual(effective["containerInsights"]["value"], "enhanced")
        self.assertEqual(effective["containerInsights"]["principalArn"], ROOT)
        self.assertEqual(effective["tagResourceAuthorization"]["principalArn"], ALICE)
        self.assertEqual(effective["taskLongArnFormat"], {"name": "taskLongArnFormat", "value": "enabled",
                                                          "principalArn": ROOT})
        _, raw, _ = self.berth.raw("ListAccountSettings", json.dumps({"name": "taskLongArnFormat",
                                                                      "effectiveSettings": True}))
        self.assertEqual(raw["settings"][0]["type"], "aws_managed")
        self.assertEqual(effective["fargateTaskRetirementWaitPeriod"]["value"], "7")
        listed = self.berth.aws("list-account-settings", "--name", "containerInsights", "--effective-settings")
        self.assertEqual([s["value"] for s in listed["settings"]], ["enhanced"])

        # Without principalArn the caller deletes its own (it has none: the reply is what applies).
        self.assertEqual(self.berth.aws("delete-account-setting", "--name", "containerInsights")["setting"],
                         {"name": "containerInsights", "value": "enhanced", "principalArn": ROOT})
        deleted = self.berth.aws("delete-account-setting", "--name", "containerInsights",
                                 "--principal-arn", ROOT)["setting"]
        self.assertEqual(deleted["value"], "enhanced")
        after = ecs.create_cluster(clusterName="later")["cluster"]
        self.assertEqual(after["settings"], [{"name": "containerInsights", "value": "disabled"}])
        self.assertEqual(ecs.list_account_settings()["settings"], [])

    def test_put_account_setting_without_principal_is_the_callers_own(self):
        ecs = self.berth.boto3()
        own = ecs.put_account_setting(name="containerInsights", value="enhanced")["setting"]
        self.assertEqual(own, {"name": "containerInsights", "value": "enhanced", "principalArn": ADMIN})
        self.assertEqual(ecs.list_account_settings()["settings"], [own])
        self.assertEqual(ecs.list_account_settings(principalArn=ROOT)["settings"], [])
        # Not the account's default: a new cluster still gets ECS's.
        created = ecs.create_cluster(clusterName="edge")["cluster"]
        self.assertEqual(created["settings"], [{"name": "containerInsights", "value": "disabled"}])
        # The default (its own IAM action) is the root user's.
        default = ecs.put_account_setting_default(name="containerInsights", value="enhanced")["setting"]
        self.assertEqual(default["principalArn"], ROOT)
        self.assertEqual(ecs.delete_account_setting(name="containerInsights")["setting"]["principalArn"], ADMIN)
        self.assertEqual(ecs.list_account_settings()["settings"], [])

    def test_the_cluster_made_at_start_takes_the_account_default(self):
        self.berth.aws("put-account-setting-default", "--name", "containerInsights", "--value", "enhanced")
        # The gateway's configured cluster is created when berth starts without it.
        self.berth.stop()
        self.berth.config_path = os.path.join(self.berth.dir, "berth.conf")
        with open(self.berth.config_path, "w") as f:
            f.write("ECS_CLUSTER=yard\n")
        self.berth.start()
        yard = self.berth.boto3().describe_clusters(clusters=["yard"], include=["SETTINGS"])["clusters"][0]
        self.assertEqual(yard["settings"], [{"name": "containerInsights", "value": "enhanced"}])

    def test_documented_errors(self):
        ecs = self.berth.boto3()
        error = self.error_of(ecs.put_account_setting, name="containerInsights", value="on")
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("enabled, disabled or enhanced", error["Message"])
        error = self.error_of(ecs.put_account_setting_default, name="guardDutyActivate", value="on")
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("read-only", error["Message"])
        error = self.error_of(ecs.put_account_setting, name="serviceLongArnFormat", value="disabled")
        self.assertIn("long ARN format", error["Message"])
        error = self.error_of(ecs.put_account_setting, name="containerInsights", value="enabled",
                              principalArn="arn:aws:iam::111111111111:root")
        self.assertEqual(error["Code"], "InvalidParameterException")
        error = self.error_of(ecs.put_account_setting, name="fargateTaskRetirementWaitPeriod", value="14",
                              principalArn=ALICE)
        self.assertIn("root user", error["Message"])
        error = self.error_of(ecs.list_account_settings, value="enabled")
        self.assertEqual(error["Code"], "InvalidParameterException")
        # The aws CLI shows the same errors.
        out = self.berth.aws("put-account-setting", "--name", "awsvpcTrunking", "--value", "maybe", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("InvalidParameterException", out.stderr)

        # Task definition references, with ECS's texts.
        self.register_example()
        error = self.error_of(ecs.describe_task_definition, taskDefinition="python-app:foo")
        self.assertEqual(error, {"Code": "InvalidParameterException", "Message": "Invalid revision number. Number: foo"})
        error = self.error_of(ecs.register_task_definition, family="no spaces allowed",
                              containerDefinitions=[{"name": "a", "image": "busybox", "memory": 16}])
        self.assertEqual(error["Code"], "ClientException")
        self.assertIn("Family", error["Message"])


class AgentActionsTest(ErrorsTestCase):
    """A second gateway's agent, played by boto3: it registers its instance, learns the endpoint,
    and reports the state of a task placed on it."""

    def test_a_remote_agent_registers_and_reports_its_task(self):
        ecs = self.berth.boto3()
        instance = ecs.register_container_instance(
            instanceIdentityDocument=json.dumps(IDENTITY),
            totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                            {"name": "MEMORY", "type": "INTEGER", "integerValue": 512}],
            attributes=[{"name": "ecs.os-type", "value": "linux"}])["containerInstance"]
        self.assertEqual(instance["ec2InstanceId"], "i-0abc1234def567890")
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        self.assertEqual(attributes["ecs.instance-type"], "t4g.small")
        self.assertEqual(attributes["ecs.availability-zone"], "eu-west-1a")
        self.assertEqual(attributes["ecs.ami-id"], "ami-0123456789abcdef0")
        self.assertEqual(attributes["ecs.cpu-architecture"], "arm64")
        self.assertEqual(attributes["ecs.os-type"], "linux")

        endpoint = ecs.discover_poll_endpoint(containerInstance=instance["containerInstanceArn"])
        self.assertEqual(endpoint["endpoint"], self.berth.endpoint)
        self.assertEqual(endpoint["telemetryEndpoint"], self.berth.endpoint)

        ecs.register_task_definition(family="remote", networkMode="host",
                                     containerDefinitions=[{"name": "main", "image": "busybox", "memory": 32}])
        task = ecs.start_task(taskDefinition="remote", containerInstances=[instance["containerInstanceArn"]])["tasks"][0]
        self.assertEqual(task["lastStatus"], "PENDING")
        ack = ecs.submit_container_state_change(task=task["taskArn"], containerName="main", status="RUNNING",
                                                runtimeId="remote-1",
                                                networkBindings=[{"containerPort": 80, "hostPort": 8080,
                                                                  "protocol": "tcp"}])
        self.assertEqual(ack["acknowledgment"], "ACK")
        ecs.submit_task_state_change(task=task["taskArn"], status="RUNNING", pullStartedAt=1700000000,
                                     pullStoppedAt=1700000005)
        running = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        self.assertEqual(running["lastStatus"], "RUNNING")
        self.assertEqual(running["containers"][0]["runtimeId"], "remote-1")
        self.assertEqual(running["containers"][0]["networkBindings"][0]["hostPort"], 8080)
        ecs.submit_task_state_change(task=task["taskArn"], status="STOPPED", reason="Essential container in task exited",
                                     containers=[{"containerName": "main", "status": "STOPPED", "exitCode": 2}])
        stopped = ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        self.assertEqual(stopped["lastStatus"], "STOPPED")
        self.assertEqual(stopped["desiredStatus"], "STOPPED")
        self.assertEqual(stopped["stopCode"], "EssentialContainerExited")
        self.assertEqual(stopped["containers"][0]["exitCode"], 2)
        # No container of this gateway ran it: it belongs to the remote instance.
        self.assertEqual(self.berth.runc_containers(), [])

        error = self.error_of(ecs.submit_container_state_change, task=task["taskArn"], containerName="ghost",
                              status="RUNNING")
        self.assertEqual(error["Code"], "InvalidParameterException")
        error = self.error_of(ecs.submit_task_state_change, cluster="nowhere", task=task["taskArn"], status="RUNNING")
        self.assertEqual(error["Code"], "ClusterNotFoundException")
        error = self.error_of(ecs.submit_attachment_state_changes,
                              attachments=[{"attachmentArn": "arn:aws:ecs:local:000000000000:attachment/a1",
                                            "status": "ATTACHED"}])
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("no elastic network interfaces", error["Message"])
        error = self.error_of(ecs.update_container_agent, containerInstance=instance["containerInstanceArn"])
        self.assertEqual(error["Code"], "UnsupportedFeatureException")
        self.assertIn("updated through its package", error["Message"])
        out = self.berth.aws("update-container-agent", "--container-instance", instance["containerInstanceArn"],
                             check=False)
        self.assertIn("UnsupportedFeatureException", out.stderr)

    def test_a_service_replaces_the_task_a_remote_agent_reports_stopped(self):
        ecs = self.berth.boto3()
        remote = ecs.register_container_instance(
            instanceIdentityDocument=json.dumps(IDENTITY),
            totalResources=[{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                            {"name": "MEMORY", "type": "INTEGER", "integerValue": 512}])["containerInstance"]
        ecs.register_task_definition(family="probe", networkMode="host",
                                     containerDefinitions=[{"name": "main", "image": "busybox", "memory": 32}])
        # Placed on the remote instance by the attribute ECS took from its identity document.
        ecs.create_service(serviceName="probe", taskDefinition="probe", desiredCount=1,
                           placementConstraints=[{"type": "memberOf",
                                                  "expression": "attribute:ecs.instance-type == t4g.small"}])

        def service_task():
            arns = ecs.list_tasks(serviceName="probe", desiredStatus="RUNNING")["taskArns"]
            return arns[0] if len(arns) == 1 else None
        first = wait_for(service_task, what="the service's task")
        task = ecs.describe_tasks(tasks=[first])["tasks"][0]
        self.assertEqual(task["containerInstanceArn"], remote["containerInstanceArn"])
        ecs.submit_task_state_change(task=first, status="STOPPED", reason="Essential container in task exited",
                                     containers=[{"containerName": "main", "status": "STOPPED", "exitCode": 1}])
        second = wait_for(lambda: (lambda arn: arn if arn and arn != first else None)(service_task()),
                          what="a replacement task")
        replacement = ecs.describe_tasks(tasks=[second])["tasks"][0]
        self.assertEqual(replacement["containerInstanceArn"], remote["containerInstanceArn"])
        self.assertEqual(ecs.describe_tasks(tasks=[first])["tasks"][0]["lastStatus"], "STOPPED")
        # The gateway's own agent ran neither.
        self.assertEqual(self.berth.runc_containers(), [])
        # Its own instance's tasks are refused: berth's agent records them.
        own = [arn for arn in ecs.list_container_instances()["containerInstanceArns"]
               if arn != remote["containerInstanceArn"]]
        ecs.register_task_definition(family="local", networkMode="host",
                                     containerDefinitions=[{"name": "main", "image": "busybox", "memory": 16,
                                                            "command": ["sleep", "30"], "stopTimeout": 2}])
        imported = self.berth.import_image()
        self.assertEqual(imported.returncode, 0, imported.stderr)
        local = ecs.start_task(taskDefinition="local", containerInstances=own)["tasks"][0]["taskArn"]
        wait_for(lambda: ecs.describe_tasks(tasks=[local])["tasks"][0]["lastStatus"] == "RUNNING",
                 what="the local task to run")
        error = self.error_of(ecs.submit_task_state_change, task=local, status="STOPPED")
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("whose agent is berth itself", error["Message"])
        self.assertEqual(ecs.describe_tasks(tasks=[local])["tasks"][0]["lastStatus"], "RUNNING")
        self.assertEqual(len(self.berth.runc_containers()), 1)
        ecs.stop_task(task=local)
        wait_for(lambda: self.berth.runc_containers() == [], what="the local task's container removed")

    def test_a_bad_identity_document_is_refused(self):
        error = self.error_of(self.berth.boto3().register_container_instance, instanceIdentityDocument="{}")
        self.assertEqual(error["Code"], "InvalidParameterException")
        self.assertIn("instanceIdentityDocument", error["Message"])
