"""The task logs route is authorized on the task it reads, however the request spells it."""
import json
import os
import urllib.error
import urllib.request

from harness import sign_headers
from test_auth import KeysTestCase

PREFIX = "arn:aws:ecs:local:000000000000:"


class TaskLogsAuthTest(KeysTestCase):
    def get_logs(self, key, task, cluster):
        path = "/v1/tasks/%s/logs?cluster=%s" % (task, cluster)
        headers = sign_headers("GET", self.berth.endpoint + path, b"", {}, key, "berth")
        request = urllib.request.Request(self.berth.endpoint + path, headers=headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_a_key_denied_one_cluster_reads_none_of_its_task_logs(self):
        admin = self.berth.boto3()
        admin.create_cluster(clusterName="plant-8")
        policy = os.path.join(self.berth.dir, "not-plant-8.json")
        with open(policy, "w") as f:
            json.dump({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": PREFIX + "*/plant-8*"}]}, f)
        key = self.create_key("not-plant-8", policy)
        task = "0" * 32
        # Every spelling of a plant-8 task: its id, its ARN, the old ARN without the cluster,
        # another partition's ARN.
        for spelling in (task, PREFIX + "task/plant-8/" + task, PREFIX + "task/" + task,
                         "arn:aws-cn:ecs:local:000000000000:task/plant-8/" + task):
            status, body = self.get_logs(key, spelling, "plant-8")
            self.assertEqual((status, body.get("__type")), (400, "AccessDeniedException"), (spelling, body))
            self.assertIn("task/plant-8/" + task, body["message"])
        # Elsewhere the key gets to the use case (which finds no such task).
        status, body = self.get_logs(key, task, "default")
        self.assertEqual((status, body.get("__type")), (400, "InvalidParameterException"), body)
