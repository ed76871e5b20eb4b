"""Bodies nested absurdly deep are refused whole (they used to overflow a request thread's
stack), and a bad task definition reference gets ECS's own exception and message. Raw HTTP and
the aws CLI; no containers start (RunTask finds the image missing long before any would)."""
import json

import botocore.exceptions

from harness import BerthTestCase

CLUSTER_ARN = "arn:aws:ecs:local:000000000000:cluster/default"
LEVELS = 75000


def nested(levels):
    return "[" * levels + "]" * levels


class DeepBodyTest(BerthTestCase):
    def test_deep_bodies_are_serialization_errors_and_berth_keeps_answering(self):
        self.register_example(family="web")
        deep = nested(LEVELS)
        ecs_requests = {
            "CreateService": '{"serviceName":"s","taskDefinition":"web","desiredCount":0,'
                             '"deploymentConfiguration":{"alarms":%s}}' % deep,
            "RegisterTaskDefinition": '{"family":"deep","containerDefinitions":[{"name":"a","image":"b",'
                                      '"memory":16,"dockerLabels":%s}]}' % deep,
            "RunTask": '{"taskDefinition":"web","networkConfiguration":{"awsvpcConfiguration":%s}}' % deep,
        }
        for action, body in ecs_requests.items():
            status, reply, _ = self.berth.raw(action, body)
            self.assertEqual(status, 400, (action, reply))
            self.assertEqual(reply["__type"], "SerializationException", action)
            self.assertEqual(reply["message"], "The request body is nested more than 64 levels deep.")
        schedule = {"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
                    "Target": {"Arn": CLUSTER_ARN, "EcsParameters": {"TaskDefinitionArn": "web"}, "RetryPolicy": 0}}
        body = json.dumps(schedule).replace('"RetryPolicy": 0', '"RetryPolicy": ' + deep)
        status, reply, headers = self.berth.raw(None, body, method="POST", path="/schedules/deep")
        self.assertEqual(status, 400, reply)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "SerializationException")
        self.assertIn("nested more than 64 levels", reply["Message"])
        # Still serving, and nothing was created.
        self.assertIsNone(self.berth.proc.poll())
        ecs = self.berth.boto3()
        self.assertEqual(ecs.list_services()["serviceArns"], [])
        self.assertEqual(ecs.list_task_definition_families()["families"], ["web"])
        self.assertEqual(ecs.list_tasks()["taskArns"], [])
        self.assertEqual(self.berth.boto3("scheduler").list_schedules()["Schedules"], [])

    def test_nesting_at_the_bound_is_accepted(self):
        self.register_example(family="web")
        # The body is level 1, deploymentConfiguration 2, alarms' value 3 to 64.
        body = ('{"serviceName":"s","taskDefinition":"web","desiredCount":0,'
                '"deploymentConfiguration":{"alarms":%s}}' % nested(62))
        status, reply, _ = self.berth.raw("CreateService", body)
        self.assertEqual(status, 200, reply)
        status, reply, _ = self.berth.raw("CreateService", body.replace('"s"', '"t"').replace("[", "[[", 1)
                                          .replace("]", "]]", 1))
        self.assertEqual(status, 400, reply)
        self.assertEqual(reply["__type"], "SerializationException")


class TaskDefinitionReferenceTest(BerthTestCase):
    def test_bad_revision_and_family_through_the_cli_and_boto3(self):
        self.register_example(family="web")
        out = self.berth.aws("describe-task-definition", "--task-definition", "web:foo", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("(InvalidParameterException)", out.stderr)
        self.assertIn("Invalid revision number. Number: foo", out.stderr)
        out = self.berth.aws("describe-task-definition", "--task-definition", "bad/family:1", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("(ClientException)", out.stderr)
        self.assertIn("Family contains invalid characters.", out.stderr)
        # The same checks behind the other actions, through boto3 (the CLI's botocore, minus a
        # second of process start-up per call).
        ecs = self.berth.boto3()
        for call in (ecs.describe_task_definition, ecs.deregister_task_definition, ecs.run_task):
            for reference, code, message in (("web:foo", "InvalidParameterException", "Invalid revision number. Number: foo"),
                                             ("bad/family:1", "ClientException", "Family contains invalid characters.")):
                with self.assertRaises(botocore.exceptions.ClientError, msg=(call, reference)) as caught:
                    call(taskDefinition=reference)
                self.assertEqual(caught.exception.response["Error"]["Code"], code)
                self.assertEqual(caught.exception.response["Error"]["Message"], message)
        out = self.berth.aws("register-task-definition", "--family", "bad.family", "--container-definitions",
                             '[{"name":"a","image":"busybox","memory":16}]', check=False)
        self.assertIn("(ClientException)", out.stderr)
        self.assertIn("Family contains invalid characters.", out.stderr)

    def test_bad_revision_and_family_over_raw_http(self):
        self.register_example(family="web")
        self.berth.aws("create-service", "--service-name", "s", "--task-definition", "web", "--desired-count", "0")
        requests = [
            ("CreateService", {"serviceName": "t", "desiredCount": 0}),
            ("UpdateService", {"service": "s"}),
            ("StartTask", {"containerInstances": ["x"]}),
        ]
        for action, body in requests:
            status, reply, _ = self.berth.raw(action, json.dumps(dict(body, taskDefinition="web:latest")))
            self.assertEqual((status, reply["__type"]), (400, "InvalidParameterException"), action)
            self.assertEqual(reply["message"], "Invalid revision number. Number: latest")
            status, reply, _ = self.berth.raw(action, json.dumps(dict(body, taskDefinition="w eb")))
            self.assertEqual((status, reply["__type"]), (400, "ClientException"), action)
            self.assertEqual(reply["message"], "Family contains invalid characters.")
        status, reply, headers = self.berth.raw(
            None, json.dumps({"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
                              "Target": {"Arn": CLUSTER_ARN, "EcsParameters": {"TaskDefinitionArn": "web:foo"}}}),
            method="POST", path="/schedules/bad")
        self.assertEqual(status, 400, reply)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ValidationException")
        self.assertIn("Invalid revision number. Number: foo", reply["Message"])
