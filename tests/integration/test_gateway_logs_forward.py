"""Store-and-forward from a joined gateway: a gateway started with `berth serve --join` in a network
namespace of its own (gateways.py) runs an awslogs task; its own log store takes the container's
lines (its log ingester, as the serving gateway's) and its log forwarder ships them, over TLS with
the serving gateway's certificate pinned, to the serving gateway acting as the central CloudWatch
Logs endpoint, with a key made there by `berth key create` allowed logs:* only."""
import json
import os
import re
import subprocess
import unittest

import boto3
from botocore.config import Config

from gateways import BRIDGE_ADDRESS, JoinedGateway, ServingGateway, TestNetwork
from harness import BERTH, join_token, wait_for
from test_logs_forward import stream_messages

GROUP = "ecs/demo/edge"
SCRIPT = "i=0; while true; do echo \"edge line $i\"; i=$((i+1)); sleep 0.05; done"


class JoinedGatewayLogsForwardTest(unittest.TestCase):
    def setUp(self):
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        self.server = ServingGateway(config_text="BERTH_TASK_SETTLE_SECONDS=0\nBERTH_METADATA_PORT=0\n").start()
        self.addCleanup(self.server.cleanup)
        self.ecs = self.server.client()
        own = self.ecs.list_container_instances()["containerInstanceArns"]
        self.ecs.update_container_instances_state(containerInstances=own, status="DRAINING")
        # The forwarder's key, made on the serving gateway, allowed logs:* only.
        policy = os.path.join(self.server.dir, "forwarder.json")
        with open(policy, "w") as f:
            json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}, f)
        created = subprocess.run([BERTH, "key", "create", "edge-logs", "--policy", policy, "--config", "/dev/null",
                                  "--socket", self.server.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(created.returncode, 0, created.stderr)
        self.agent = JoinedGateway(self.net.add(0), "zone-a", self.server)
        self.addCleanup(self.agent.cleanup)
        key_file = os.path.join(self.agent.dir, "edge-logs.key")
        with open(key_file, "w") as f:
            f.write(created.stdout)
        os.chmod(key_file, 0o600)
        with open(self.agent.config_path, "a") as f:
            f.write("BERTH_LOGS_FORWARD_URL=https://%s:%d\nBERTH_LOGS_FORWARD_KEY_FILE=%s\nBERTH_LOGS_FORWARD_FINGERPRINT=%s\n"
                    % (BRIDGE_ADDRESS, self.server.port, key_file, self.server.fingerprint))
        self.agent.token = join_token(self.server)
        self.agent.start()
        key = self.server.key
        self.logs = boto3.client("logs", endpoint_url=self.server.endpoint, region_name=key[2], aws_access_key_id=key[0],
                                 aws_secret_access_key=key[1],
                                 verify=os.path.join(self.server.data_dir, "tls", "cert.pem"),
                                 config=Config(retries={"max_attempts": 1}))

    def central_messages(self, stream):
        return stream_messages(self.logs, GROUP, stream)

    def test_a_joined_gateways_awslogs_lines_arrive_at_the_central_berth(self):
        self.ecs.register_task_definition(family="edge", networkMode="host", containerDefinitions=[{
            "name": "main", "image": "busybox", "memory": 32, "stopTimeout": 1, "command": ["sh", "-c", SCRIPT],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": GROUP, "awslogs-stream-prefix": "edge", "awslogs-create-group": "true"}}}])
        arn = self.ecs.run_task(taskDefinition="edge")["tasks"][0]["taskArn"]
        task = self.ecs.describe_tasks(tasks=[arn])["tasks"][0]
        self.assertTrue(task["containerInstanceArn"].endswith("/" + self.agent.instance))  # on the joined gateway
        stream = "edge/main/" + arn.rsplit("/", 1)[1]
        wait_for("40 lines at the central berth", lambda: len(self.central_messages(stream)) >= 40, 60)
        got = self.central_messages(stream)
        numbers = [int(m.group(1)) for m in (re.fullmatch(r"edge line (\d+)", line) for line in got) if m]
        self.assertEqual(len(numbers), len(got), got[:5])
        self.assertEqual(numbers, list(range(len(numbers))))  # every line once, in order
        # The joined gateway stored them itself (its own log store) and said where it forwards them.
        self.assertTrue(os.path.isdir(os.path.join(self.agent.data_dir, "cloudwatch-logs")))
        self.assertTrue(os.path.exists(os.path.join(self.agent.data_dir, "cloudwatch-logs-forward.json")))
        self.ecs.stop_task(task=arn)
        wait_for("the task stopped", lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED", 30)


if __name__ == "__main__":
    unittest.main()
