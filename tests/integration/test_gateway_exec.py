"""Commands and secrets for tasks on joined gateways (see gateways.py): `berth exec` and
ExecuteCommand on the serving gateway run in a container on a joined gateway through its agent; a
task with a Secrets Manager secret and an SSM parameter starts on a joined gateway with their values
in its environment (and nowhere in either gateway's data dir or log); an agent that is gone makes
a command fail with the ECS-shaped error saying it did not answer."""
import json
import os
import secrets
import signal
import subprocess
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from gateways import ClusterTestCase
from harness import BERTH, files_under, wait_for


class GatewayExecTest(ClusterTestCase):
    def aws(self, service):
        key = self.server.key
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name=key[2], aws_access_key_id=key[0],
                            aws_secret_access_key=key[1],
                            verify=os.path.join(self.server.data_dir, "tls", "cert.pem"),
                            config=Config(retries={"max_attempts": 1}))

    def execute_command(self, **kwargs):
        """ExecuteCommand through boto3, returning the raw reply (botocore drops berthCommandResult)."""
        raw = {}

        def keep(http_response, **_):
            raw["body"] = json.loads(http_response.content)

        self.ecs.meta.events.register("after-call.ecs.ExecuteCommand", keep)
        try:
            self.ecs.execute_command(interactive=False, **kwargs)
        finally:
            self.ecs.meta.events.unregister("after-call.ecs.ExecuteCommand", keep)
        return raw["body"]

    def berth_exec(self, *words):
        return subprocess.run([BERTH, "exec", "--socket", self.server.socket_path, *words],
                              capture_output=True, text=True, timeout=90)

    def running_task(self, family, **run):
        [task] = self.ecs.run_task(taskDefinition=family, **run)["tasks"]
        arn = task["taskArn"]
        wait_for(family + " RUNNING",
                 lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING")
        task = self.ecs.describe_tasks(tasks=[arn])["tasks"][0]
        agent = next(a for a in self.agents if task["containerInstanceArn"].endswith("/" + a.instance))
        return task, agent

    def test_exec_and_execute_command_run_through_the_agent_and_a_gone_agent_does_not_answer(self):
        task, agent = self.running_task("app", enableExecuteCommand=True)
        task_id = task["taskArn"].rsplit("/", 1)[1]
        # The command runs in the container on the joined gateway (its PID 1 is the task's sleep),
        # and its output and exit code come back.
        done = self.berth_exec(task_id, "--", "sh", "-c", "echo hi from $(cat /proc/1/cmdline | tr '\\0' ' '); exit 3")
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertEqual(done.stdout, "hi from sleep 3600\n")
        # Its container's runc state is the joined gateway's: the command ran there.
        self.assertIn(task["containers"][0]["runtimeId"], agent.runc_containers())
        # (-i and -t are relayed: test_gateway_relay.py.)

        raw = self.execute_command(task=task["taskArn"], command="sh -c 'echo out; echo err >&2; exit 4'")
        result = raw["berthCommandResult"]
        self.assertEqual(result["exitCode"], 4)
        self.assertEqual(sorted(result["output"].splitlines()), ["err", "out"])
        self.assertFalse(result["timedOut"])
        self.assertEqual(raw["containerName"], "main")

        # The agent gone (SIGKILL), the command is refused with the server's error, naming the instance.
        agent.proc.send_signal(signal.SIGKILL)
        agent.proc.wait()
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.ecs.execute_command(interactive=False, task=task["taskArn"], command="true")
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "ServerException")
        self.assertIn("The agent of container instance %s did not answer" % agent.instance, error["Message"])

    def test_a_task_on_a_joined_gateway_gets_its_secrets_from_the_server(self):
        secret_value = "sm-" + secrets.token_hex(8)
        parameter_value = "ssm-" + secrets.token_hex(8)
        secret_arn = self.aws("secretsmanager").create_secret(Name="db/pass", SecretString=secret_value)["ARN"]
        self.aws("ssm").put_parameter(Name="/app/token", Value=parameter_value, Type="SecureString")
        self.ecs.register_task_definition(family="secretive", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "stopTimeout": 2,
             "command": ["sleep", "3600"],
             "secrets": [{"name": "DB_PASS", "valueFrom": secret_arn}, {"name": "TOKEN", "valueFrom": "/app/token"}]}])
        task, agent = self.running_task("secretive")
        seen = self.berth_exec(task["taskArn"].rsplit("/", 1)[1], "--", "sh", "-c", 'echo "$DB_PASS $TOKEN"')
        self.assertEqual(seen.returncode, 0, seen.stderr)
        self.assertEqual(seen.stdout, "%s %s\n" % (secret_value, parameter_value))
        # The values are in the container's environment only: not in the joined gateway's data dir
        # (its berth.db mirrors the task definition, with the references), nor in either log.
        for value in (secret_value, parameter_value):
            for path in files_under(agent.data_dir):
                with open(path, "rb") as f:
                    self.assertNotIn(value.encode(), f.read(), path)
            self.assertNotIn(value, agent.log())
            self.assertNotIn(value, self.server.log())

        # A missing secret stops the task on the joined gateway as a gateway's own would.
        self.ecs.register_task_definition(family="missing", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "command": ["true"],
             "secrets": [{"name": "X", "valueFrom": "/no/such/parameter"}]}])
        [missing] = self.ecs.run_task(taskDefinition="missing")["tasks"]
        stopped = wait_for("the task without its secret STOPPED", lambda: next(
            (t for t in self.ecs.describe_tasks(tasks=[missing["taskArn"]])["tasks"] if t["lastStatus"] == "STOPPED"), None))
        self.assertEqual(stopped["stopCode"], "TaskFailedToStart")
        self.assertIn("ResourceInitializationError", stopped["stoppedReason"])
        self.assertIn("/no/such/parameter", stopped["stoppedReason"])


if __name__ == "__main__":
    unittest.main()
