"""Every kind of bad input gets an ECS-shaped error, and nothing is written."""
import json

import botocore.exceptions

from harness import BerthTestCase, EXAMPLE_TASK_DEFINITION


class ErrorTest(BerthTestCase):
    def snapshot(self):
        ecs = self.berth.boto3()
        return (ecs.list_clusters()["clusterArns"],
                ecs.list_task_definition_families(status="ALL")["families"],
                ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"])

    def assertError(self, action, body, type_, status=400):
        code, reply, headers = self.berth.raw(action, body)
        self.assertEqual(code, status, reply)
        self.assertEqual(reply["__type"], type_, reply)
        self.assertTrue(reply["message"])
        self.assertTrue(headers.get("x-amzn-RequestId"))
        return reply

    def test_raw_protocol_errors(self):
        self.register_example()
        before = self.snapshot()
        self.assertError("LaunchRockets", "{}", "UnknownOperationException")
        self.assertError(None, "{}", "UnknownOperationException")
        self.assertError("RegisterTaskDefinition", '{"family": "x",', "SerializationException")
        self.assertError("RegisterTaskDefinition", '{"family":"x","containerDefinitions":{"a":1}}',
                         "SerializationException")
        self.assertError("RegisterTaskDefinition",
                         '{"family":"x","containerDefinitions":[{"name":"a","image":"b","memory":"lots"}]}',
                         "SerializationException")
        self.assertError("CreateCluster", '{"clusterName":"a","extra":1}', "InvalidParameterException")
        self.assertError("ListClusters", '{"maxResults":500}', "InvalidParameterException")
        self.assertError("ListClusters", '{"nextToken":"not-ours"}', "InvalidParameterException")
        big = json.dumps(dict(EXAMPLE_TASK_DEFINITION, family="x" * 10, pad=None,
                              containerDefinitions=[dict(EXAMPLE_TASK_DEFINITION["containerDefinitions"][0],
                                                         command=["x" * (2 << 20)])]))
        self.assertError("RegisterTaskDefinition", big, "RequestEntityTooLargeException", status=413)
        self.assertEqual(self.snapshot(), before)

    def test_validation_errors_through_the_cli_and_boto3(self):
        self.register_example()
        before = self.snapshot()
        cases = [
            ({"family": "bad/name", "containerDefinitions": EXAMPLE_TASK_DEFINITION["containerDefinitions"]},
             "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[
                {"name": "a", "image": "busybox"}]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[
                {"name": "a", "image": "busybox", "memory": 64, "essential": False}]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[
                {"name": "a", "image": "busybox", "memory": 64},
                {"name": "a", "image": "busybox", "memory": 64}]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[
                {"name": "a", "image": "busybox", "memory": 64,
                 "portMappings": [{"containerPort": 70000}]}]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, containerDefinitions=[
                {"name": "a", "image": "busybox", "memory": 64,
                 "dependsOn": [{"containerName": "b", "condition": "START"}]},
                {"name": "b", "image": "busybox", "memory": 64,
                 "dependsOn": [{"containerName": "a", "condition": "START"}]}]), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, cpu="lots"), "ClientException"),
            (dict(EXAMPLE_TASK_DEFINITION, volumes=[{"name": "v", "host": {"sourcePath": "/srv/../etc"}}]),
             "ClientException"),
        ]
        # The CLI shows the error of the first two; boto3 (the same botocore underneath, without a
        # second of process start-up each) the rest.
        for body, type_ in cases[:2]:
            out = self.berth.aws("register-task-definition", "--cli-input-json", json.dumps(body), check=False)
            self.assertNotEqual(out.returncode, 0, body)
            self.assertIn(type_, out.stderr, body)
        ecs = self.berth.boto3()
        for body, type_ in cases[2:]:
            with self.assertRaises(botocore.exceptions.ClientError, msg=body) as caught:
                ecs.register_task_definition(**body)
            self.assertEqual(caught.exception.response["Error"]["Code"], type_, body)
        self.assertEqual(self.snapshot(), before)

    def test_boto3_sees_modeled_exceptions(self):
        ecs = self.berth.boto3()
        with self.assertRaises(ecs.exceptions.ClusterNotFoundException):
            ecs.delete_cluster(cluster="ghost")
        with self.assertRaises(ecs.exceptions.ClientException):
            ecs.describe_task_definition(taskDefinition="ghost")
        with self.assertRaises(ecs.exceptions.ClientException):
            ecs.deregister_task_definition(taskDefinition="python-app")
        with self.assertRaises(ecs.exceptions.InvalidParameterException):
            ecs.create_cluster(clusterName="no spaces")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            ecs.tag_resource(resourceArn="arn:aws:ecs:local:000000000000:task-definition/ghost:1",
                             tags=[{"key": "a", "value": "b"}])
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(ecs.exceptions.InvalidParameterException):
            ecs.tag_resource(resourceArn="arn:aws:ecs:local:000000000000:cluster/default",
                             tags=[{"key": "aws:reserved", "value": "b"}])
