"""The AWS SDK for JavaScript v3 (tests/integration/js, installed by `third_party/deps.sh js`)
as a client of berth: the SDK's own serializers, SigV4 signer and error parsing."""
import json
import os
import subprocess
import unittest

from harness import BerthTestCase

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
NODE = "/usr/bin/node"


def js_sdk_installed():
    return os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-ecs"))


class JsSdkTestCase(BerthTestCase):
    def setUp(self):
        if not js_sdk_installed():
            # Not a pass: the run says what to install.
            self.fail("the JS SDK is not installed: run third_party/deps.sh js")
        super().setUp()

    def js(self, *operations, access_key=None, secret_key=None):
        """Runs (service, operation, input) calls through client.mjs; returns its results."""
        request = {
            "endpoint": self.berth.endpoint, "region": "local",
            "credentials": {"accessKeyId": access_key or self.berth.key[0],
                            "secretAccessKey": secret_key or self.berth.key[1]},
            "operations": [{"service": s, "operation": o, "input": i} for s, o, i in operations],
        }
        out = subprocess.run([NODE, os.path.join(JS_DIR, "client.mjs")], input=json.dumps(request),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def ok(self, result):
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["status"], 200)
        return result["output"]


class EcsThroughJsSdkTest(JsSdkTestCase):
    def test_cluster_and_task_definition_round_trip(self):
        definition = {
            "family": "web", "networkMode": "bridge", "cpu": "256", "memory": "128",
            "containerDefinitions": [{
                "name": "web", "image": "busybox:latest", "memory": 64, "essential": True,
                "command": ["httpd", "-f", "-p", "8080"],
                "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}],
                "environment": [{"name": "GREETING", "value": "h\u00e9llo \"quoted\""}]}],
            "tags": [{"key": "site", "value": "plant-7"}]}
        created, registered, described, listed = self.js(
            ("ecs", "CreateCluster", {"clusterName": "plant-7", "tags": [{"key": "site", "value": "plant-7"}]}),
            ("ecs", "RegisterTaskDefinition", definition),
            ("ecs", "DescribeTaskDefinition", {"taskDefinition": "web", "include": ["TAGS"]}),
            ("ecs", "ListClusters", {}))
        cluster = self.ok(created)["cluster"]
        self.assertEqual(cluster["clusterArn"], "arn:aws:ecs:local:000000000000:cluster/plant-7")
        self.assertEqual(cluster["status"], "ACTIVE")
        td = self.ok(registered)["taskDefinition"]
        self.assertEqual(td["taskDefinitionArn"], "arn:aws:ecs:local:000000000000:task-definition/web:1")
        described = self.ok(described)
        self.assertEqual(described["taskDefinition"]["revision"], 1)
        container = described["taskDefinition"]["containerDefinitions"][0]
        self.assertEqual(container["command"], ["httpd", "-f", "-p", "8080"])
        self.assertEqual(container["environment"], [{"name": "GREETING", "value": "h\u00e9llo \"quoted\""}])
        self.assertEqual(container["portMappings"][0]["containerPort"], 8080)
        self.assertEqual(described["tags"], [{"key": "site", "value": "plant-7"}])
        self.assertEqual(sorted(self.ok(listed)["clusterArns"]),
                         ["arn:aws:ecs:local:000000000000:cluster/default",
                          "arn:aws:ecs:local:000000000000:cluster/plant-7"])

    def test_errors_reach_the_sdk_as_named_exceptions(self):
        missing, invalid = self.js(
            ("ecs", "DescribeTaskDefinition", {"taskDefinition": "ghost:1"}),
            ("ecs", "CreateCluster", {"clusterName": "no spaces allowed"}))
        self.assertEqual((missing["ok"], missing["name"], missing["status"]), (False, "ClientException", 400))
        self.assertIn("Unable to describe task definition", missing["message"])
        self.assertEqual((invalid["ok"], invalid["name"], invalid["status"]), (False, "InvalidParameterException", 400))
        self.assertIn("'no spaces allowed' is invalid", invalid["message"])


class JsSdkSignatureTest(JsSdkTestCase):
    def test_wrong_secret_is_an_invalid_signature(self):
        result, = self.js(("ecs", "ListClusters", {}), secret_key="not-the-secret")
        self.assertEqual((result["ok"], result["name"]), (False, "InvalidSignatureException"))

    def test_unknown_key_is_unrecognized(self):
        result, = self.js(("ecs", "ListClusters", {}), access_key="AKIDNOSUCHKEY0000000")
        self.assertEqual((result["ok"], result["name"]), (False, "UnrecognizedClientException"))


if __name__ == "__main__":
    unittest.main()
