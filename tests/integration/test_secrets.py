"""Secrets Manager and SSM Parameter Store subsets on berth's endpoint, and secrets injected into
containers: a value reaches the container's environment and nothing else (API replies, berth's
log, the data directory on flash)."""
import hashlib
import json
import os
import secrets
import stat

from botocore.exceptions import ClientError

from harness import BerthTestCase, files_under
from registry import PASSWORD, USER
from test_registry import RegistryTestCase
from test_tasks import TaskTestCase, wait_for

REGION_ACCOUNT = "local:000000000000"


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("the call succeeded")


class SecretsManagerApiTest(BerthTestCase):
    def test_secret_lifecycle_with_the_aws_cli(self):
        value = "cli-" + secrets.token_hex(8)
        created = self.berth.aws("create-secret", "--name", "prod/db", "--secret-string", value,
                                 "--description", "the db", service="secretsmanager")
        self.assertTrue(created["ARN"].startswith("arn:aws:secretsmanager:%s:secret:prod/db-" % REGION_ACCOUNT))
        got = self.berth.aws("get-secret-value", "--secret-id", "prod/db", service="secretsmanager")
        self.assertEqual(got["SecretString"], value)
        self.assertEqual(got["VersionStages"], ["AWSCURRENT"])
        self.berth.aws("put-secret-value", "--secret-id", created["ARN"], "--secret-string", value + "-2",
                       service="secretsmanager")
        previous = self.berth.aws("get-secret-value", "--secret-id", "prod/db", "--version-stage", "AWSPREVIOUS",
                                  service="secretsmanager")
        self.assertEqual(previous["SecretString"], value)
        described = self.berth.aws("describe-secret", "--secret-id", "prod/db", service="secretsmanager")
        self.assertEqual(described["Description"], "the db")
        self.assertEqual(sorted(s[0] for s in described["VersionIdsToStages"].values()), ["AWSCURRENT", "AWSPREVIOUS"])
        self.assertNotIn(value, json.dumps(described))
        listed = self.berth.aws("list-secrets", service="secretsmanager")
        self.assertEqual([s["Name"] for s in listed["SecretList"]], ["prod/db"])
        self.assertNotIn(value, json.dumps(listed))

        deleted = self.berth.aws("delete-secret", "--secret-id", "prod/db", "--recovery-window-in-days", "7",
                                 service="secretsmanager")
        self.assertIn("DeletionDate", deleted)
        out = self.berth.aws("get-secret-value", "--secret-id", "prod/db", check=False, service="secretsmanager")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("InvalidRequestException", out.stderr)
        self.berth.aws("delete-secret", "--secret-id", "prod/db", "--force-delete-without-recovery",
                       service="secretsmanager")
        out = self.berth.aws("describe-secret", "--secret-id", "prod/db", check=False, service="secretsmanager")
        self.assertIn("ResourceNotFoundException", out.stderr)
        self.assertIn("Secrets Manager can't find the specified secret.", out.stderr)
        self.assertNotIn(value, self.berth.log())

    def test_errors_are_aws_shaped_with_boto3(self):
        sm = self.berth.boto3("secretsmanager")
        sm.create_secret(Name="x", SecretString="v")
        self.assertEqual(error_code(lambda: sm.create_secret(Name="x", SecretString="v")), "ResourceExistsException")
        self.assertEqual(error_code(lambda: sm.get_secret_value(SecretId="nope")), "ResourceNotFoundException")
        self.assertEqual(error_code(lambda: sm.delete_secret(SecretId="x", RecoveryWindowInDays=3)),
                         "InvalidParameterException")
        self.assertEqual(error_code(lambda: sm.create_secret(Name="y", SecretString="a" * 65537)),
                         "InvalidParameterException")
        binary = sm.create_secret(Name="bin", SecretBinary=b"\x00\x01\xff")
        self.assertEqual(sm.get_secret_value(SecretId=binary["ARN"])["SecretBinary"], b"\x00\x01\xff")

    def test_values_survive_a_restart_and_the_key_file_is_guarded(self):
        sm = self.berth.boto3("secretsmanager")
        sm.create_secret(Name="kept", SecretString="still-here")
        key = os.path.join(self.berth.dir, "data", "secrets.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertEqual(os.path.getsize(key), 32)
        self.berth.restart()
        sm = self.berth.boto3("secretsmanager")
        self.assertEqual(sm.get_secret_value(SecretId="kept")["SecretString"], "still-here")
        self.berth.stop()
        os.chmod(key, 0o644)
        with self.assertRaises(RuntimeError) as refused:
            self.berth.start()
        self.assertIn("chmod 600", str(refused.exception))


class ParameterStoreApiTest(BerthTestCase):
    def test_parameters_with_the_aws_cli(self):
        value = "ssm-" + secrets.token_hex(8)
        put = self.berth.aws("put-parameter", "--name", "/app/db/password", "--value", value, "--type",
                             "SecureString", service="ssm")
        self.assertEqual(put["Version"], 1)
        self.berth.aws("put-parameter", "--name", "/app/url", "--value", "http://a", "--type", "String", service="ssm")
        again = self.berth.aws("put-parameter", "--name", "/app/url", "--value", "http://b", "--overwrite",
                               service="ssm")
        self.assertEqual(again["Version"], 2)
        out = self.berth.aws("put-parameter", "--name", "/app/url", "--value", "c", "--type", "String", check=False,
                             service="ssm")
        self.assertIn("ParameterAlreadyExists", out.stderr)

        hidden = self.berth.aws("get-parameter", "--name", "/app/db/password", service="ssm")
        self.assertNotEqual(hidden["Parameter"]["Value"], value)
        self.assertEqual(hidden["Parameter"]["Type"], "SecureString")
        shown = self.berth.aws("get-parameter", "--name", "/app/db/password", "--with-decryption", service="ssm")
        self.assertEqual(shown["Parameter"]["Value"], value)
        first = self.berth.aws("get-parameter", "--name", "/app/url:1", service="ssm")
        self.assertEqual(first["Parameter"]["Value"], "http://a")
        by_path = self.berth.aws("get-parameters-by-path", "--path", "/app", "--recursive", service="ssm")
        self.assertEqual([p["Name"] for p in by_path["Parameters"]], ["/app/db/password", "/app/url"])
        self.assertNotIn(value, json.dumps(by_path))
        many = self.berth.aws("get-parameters", "--names", "/app/url", "/missing", service="ssm")
        self.assertEqual(many["InvalidParameters"], ["/missing"])
        self.berth.aws("delete-parameter", "--name", "/app/url", service="ssm")
        out = self.berth.aws("get-parameter", "--name", "/app/url", check=False, service="ssm")
        self.assertIn("ParameterNotFound", out.stderr)
        self.assertNotIn(value, self.berth.log())

    def test_errors_with_boto3(self):
        ssm = self.berth.boto3("ssm")
        ssm.put_parameter(Name="/p", Value="1", Type="String")
        self.assertEqual(error_code(lambda: ssm.get_parameter(Name="/p:7")), "ParameterVersionNotFound")
        self.assertEqual(error_code(lambda: ssm.put_parameter(Name="/aws/p", Value="1", Type="String")),
                         "ValidationException")
        self.assertEqual(error_code(lambda: ssm.put_parameter(Name="/big", Value="x" * 4097, Type="String")),
                         "ValidationException")
        pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/", PaginationConfig={"PageSize": 1})
        ssm.put_parameter(Name="/q", Value="2", Type="String")
        self.assertEqual([p["Name"] for page in pages for p in page["Parameters"]], ["/p", "/q"])


class SecretsInContainersTest(TaskTestCase):
    def test_a_container_reads_its_secrets_and_nothing_else_sees_them(self):
        secret_value = "sm-" + secrets.token_hex(12)
        db_password = "pw-" + secrets.token_hex(12)
        parameter_value = "pm-" + secrets.token_hex(12)
        sm, ssm = self.berth.boto3("secretsmanager"), self.berth.boto3("ssm")
        arn = sm.create_secret(Name="app", SecretString=secret_value)["ARN"]
        db_arn = sm.create_secret(Name="db", SecretString=json.dumps({"user": "u", "password": db_password}))["ARN"]
        ssm.put_parameter(Name="/app/token", Value=parameter_value, Type="SecureString")
        # The container proves it saw each value by its hash: the value itself reaches no log.
        script = ('printf %s "$MY_SECRET" | sha256sum; printf %s "$DB_PASSWORD" | sha256sum; '
                  'printf %s "$TOKEN" | sha256sum; exec sleep 60')
        self.register("secretive", [{"name": "main", "command": ["sh", "-c", script], "secrets": [
            {"name": "MY_SECRET", "valueFrom": arn},
            {"name": "DB_PASSWORD", "valueFrom": db_arn + ":password::"},
            {"name": "TOKEN", "valueFrom": "/app/token"}]}])
        task_arn = self.run_task("secretive")
        self.wait_status(task_arn, "RUNNING")
        values = (secret_value, db_password, parameter_value)
        hashes = [hashlib.sha256(v.encode()).hexdigest() for v in values]
        wait_for(lambda: all(h in self.logs(task_arn).stdout for h in hashes), timeout=15, what="the hashes")

        # While the container runs: its runc config (which holds the environment) is private and
        # on the run dir; nothing under the data dir holds a value.
        configs = [p for p in files_under(os.path.join(self.berth.dir, "run")) if p.endswith("/config.json")]
        self.assertTrue(configs)
        for path in configs:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        definition = self.ecs.describe_task_definition(taskDefinition="secretive")
        self.assertEqual(definition["taskDefinition"]["containerDefinitions"][0]["secrets"][0]["valueFrom"], arn)
        replies = json.dumps(self.ecs.describe_tasks(tasks=[task_arn]), default=str) + json.dumps(definition, default=str)
        self.assert_nowhere_but_the_container(values, replies)
        self.ecs.stop_task(task=task_arn)
        self.wait_status(task_arn, "STOPPED")
        self.assert_nowhere_but_the_container(values, json.dumps(self.ecs.describe_tasks(tasks=[task_arn]), default=str))

    def assert_nowhere_but_the_container(self, values, replies):
        data_dir = os.path.join(self.berth.dir, "data")
        for value in values:
            self.assertNotIn(value, replies)
            self.assertNotIn(value, self.berth.log())
            for path in files_under(data_dir):
                with open(path, "rb") as f:
                    self.assertNotIn(value.encode(), f.read(), path)

    def test_a_missing_secret_stops_the_task_as_ecs_does(self):
        missing = "arn:aws:secretsmanager:%s:secret:missing-AbCdEf" % REGION_ACCOUNT
        self.register("needs-secret", [{"name": "main", "command": ["true"],
                                        "secrets": [{"name": "X", "valueFrom": missing}]}])
        task = self.wait_status(self.run_task("needs-secret"), "STOPPED")
        self.assertEqual(task["stopCode"], "TaskFailedToStart")
        self.assertTrue(task["stoppedReason"].startswith(
            "ResourceInitializationError: unable to pull secrets or registry auth: "), task["stoppedReason"])
        self.assertIn("ResourceNotFoundException: Secrets Manager can't find the specified secret.",
                      task["stoppedReason"])
        self.assertNotIn("startedAt", self.container(task, "main"))


class RepositoryCredentialsTest(RegistryTestCase):
    registry_auth = "htpasswd"

    def test_a_private_image_is_pulled_with_the_login_its_secret_holds(self):
        self.push_busybox("team/private:1")
        image = "%s/team/private:1" % self.registry.host
        sm = self.berth.boto3("secretsmanager")
        login = sm.create_secret(Name="registry", SecretString=json.dumps({"username": USER, "password": PASSWORD}))
        self.register("private", [{"name": "main", "image": image, "command": ["true"],
                                   "repositoryCredentials": {"credentialsParameter": login["ARN"]}}])
        task = self.wait_status(self.run_task("private"), "STOPPED", timeout=60)
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, task)
        self.assertNotIn(PASSWORD, self.berth.log())
        self.assertNotIn(PASSWORD, json.dumps(task, default=str))

        # Without its login the same image cannot be pulled (nothing configured for the registry).
        self.register("anonymous", [{"name": "main", "image": image.replace(":1", ":2"), "command": ["true"]}])
        self.push_busybox("team/private:2")
        task = self.wait_status(self.run_task("anonymous"), "STOPPED", timeout=60)
        self.assertIn("CannotPullContainerError", self.container(task, "main").get("reason", ""), task)

        # A login secret that does not exist fails the task before any pull.
        self.register("lost-login", [{"name": "main", "image": image, "command": ["true"],
                                      "repositoryCredentials": {"credentialsParameter": "no-such-login"}}])
        task = self.wait_status(self.run_task("lost-login"), "STOPPED")
        self.assertTrue(task["stoppedReason"].startswith("ResourceInitializationError: "), task["stoppedReason"])
