"""Authentication and authorization of the API with the real clients: the aws CLI and boto3
sign with keys berth made (the first start's credentials file, `berth key create`), and every
way a request can be wrong gets AWS's error and changes nothing. Also the unix socket's peer
credentials and what a host-network container gets from the API."""
import datetime
import json
import os
import subprocess
import sys
import urllib.request
import urllib.error
from unittest import mock

import botocore.auth
import botocore.exceptions

from harness import BERTH, TARGET, BerthTestCase, sign_headers
from test_tasks import TaskTestCase


def error_of(call):
    """Runs a boto3 call that must fail; returns (error code, message, HTTP status)."""
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("the call succeeded")


def parse_key(output):
    """(id, secret) from the shared-credentials text `berth key create` prints."""
    fields = dict(line.split(" = ", 1) for line in output.splitlines() if " = " in line)
    return fields["aws_access_key_id"], fields["aws_secret_access_key"]


class KeysTestCase(BerthTestCase):
    def berth_key(self, *args, check=True):
        out = subprocess.run([BERTH, "key", *args, "--config", "/dev/null", "--socket", self.berth.socket_path],
                             capture_output=True, text=True, timeout=30)
        if check:
            self.assertEqual(out.returncode, 0, out.stderr)
        return out

    def create_key(self, name, policy):
        return parse_key(self.berth_key("create", name, "--policy", policy).stdout)

    def cluster_names(self):
        return sorted(arn.rsplit("/", 1)[1] for arn in self.berth.boto3().list_clusters()["clusterArns"])


class SigV4Test(KeysTestCase):
    def test_the_first_start_writes_an_admin_key_the_aws_cli_uses_as_is(self):
        path = self.berth.credentials_path
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(self.berth.dir, "data", "berth.db")).st_mode & 0o777, 0o600)
        # The quick start: only the file, the profile and the endpoint; the region comes from the file.
        env = dict(os.environ, AWS_SHARED_CREDENTIALS_FILE=path, AWS_PROFILE="berth", AWS_CONFIG_FILE="/dev/null")
        env.pop("AWS_DEFAULT_REGION", None)
        env.pop("AWS_REGION", None)
        out = subprocess.run(["/usr/bin/aws", "ecs", "create-cluster", "--cluster-name", "quick",
                              "--endpoint-url", self.berth.endpoint], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        # A restart keeps the key and writes no new file.
        before = os.stat(path).st_mtime_ns
        self.berth.restart()
        self.assertEqual(os.stat(path).st_mtime_ns, before)
        self.assertIn("quick", self.cluster_names())
        # A file deleted on purpose is not written again: the key it held still works.
        key = self.berth.key
        os.unlink(path)
        self.berth.restart()
        self.assertFalse(os.path.exists(path))
        self.assertIn("quick", sorted(arn.rsplit("/", 1)[1] for arn in
                                      self.berth.boto3(key=key).list_clusters()["clusterArns"]))

    def test_wrong_secret_unknown_key_old_signature_changed_body_and_no_signature_are_refused(self):
        key_id, secret, _ = self.berth.key
        wrong = self.berth.boto3(key=(key_id, secret[:-1] + ("A" if secret[-1] != "A" else "B")))
        code, message, status = error_of(lambda: wrong.create_cluster(clusterName="wrong-secret"))
        self.assertEqual((code, status), ("InvalidSignatureException", 400))
        self.assertIn("signature we calculated does not match", message)
        self.assertNotIn(secret, message)

        unknown = self.berth.boto3(key=("AKIAIOSFODNN7EXAMPLE", secret))
        code, _, status = error_of(lambda: unknown.create_cluster(clusterName="unknown-key"))
        self.assertEqual((code, status), ("UnrecognizedClientException", 400))

        # botocore signs with the time it reads: ten minutes ago.
        old = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=10)
        client = self.berth.boto3()
        # The signer the client uses: botocore's own, or the CRT one when awscrt is installed (Debian's
        # botocore 1.29 with python3-awscrt); newer botocore reads get_current_datetime().
        signer = sys.modules[botocore.auth.AUTH_TYPE_MAPS["v4"].__module__]
        if hasattr(signer, "get_current_datetime"):
            clock = mock.patch.object(signer, "get_current_datetime", return_value=old)
        else:
            clock = mock.patch.object(signer, "datetime", **{"datetime.utcnow.return_value": old,
                                                             "timezone": datetime.timezone})
        with clock:
            code, message, _ = error_of(lambda: client.create_cluster(clusterName="old-signature"))
        self.assertEqual(code, "InvalidSignatureException")
        self.assertIn("Signature expired", message)

        # A captured request replayed with another body.
        body = json.dumps({"clusterName": "replay-a"}).encode()
        headers = sign_headers("POST", self.berth.endpoint + "/", body,
                               {"X-Amz-Target": TARGET + "CreateCluster",
                                "Content-Type": "application/x-amz-json-1.1"}, self.berth.key)
        for sent, expected in ((body, 200), (json.dumps({"clusterName": "replay-b"}).encode(), 400)):
            request = urllib.request.Request(self.berth.endpoint + "/", data=sent, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as reply:
                    status, text = reply.status, reply.read()
            except urllib.error.HTTPError as e:
                status, text = e.code, e.read()
            self.assertEqual(status, expected, text)
        self.assertEqual(json.loads(text)["__type"], "InvalidSignatureException")

        status, reply, headers = self.berth.raw("CreateCluster", json.dumps({"clusterName": "unsigned"}), sign=False)
        self.assertEqual((status, reply["__type"]), (403, "MissingAuthenticationTokenException"))
        self.assertEqual(headers.get("x-amzn-ErrorType"), "MissingAuthenticationTokenException")

        # The aws CLI shows the same errors.
        env = dict(self.berth.client_env(), AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PROFILE="",
                   AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="local")
        env.pop("AWS_PROFILE")
        out = subprocess.run(["/usr/bin/aws", "ecs", "create-cluster", "--cluster-name", "cli-unknown",
                              "--endpoint-url", self.berth.endpoint], env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("UnrecognizedClientException", out.stderr)

        # Nothing the refused requests named exists.
        self.assertEqual(self.cluster_names(), ["default", "replay-a"])

    def test_keys_are_created_listed_rotated_and_removed_with_berth_key(self):
        first = self.create_key("fleet", "admin")
        second = self.create_key("fleet", "admin")
        listing = self.berth_key("ls").stdout
        for key_id in (first[0], second[0], self.berth.key[0]):
            self.assertIn(key_id, listing)
        self.assertNotIn(first[1], listing)  # secrets are shown once, at creation
        self.assertRegex(listing, r"(?m)^%s +fleet +admin +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$" % first[0])
        self.berth.boto3(key=first).create_cluster(clusterName="by-first")
        self.assertIn("deleted", self.berth_key("rm", first[0]).stdout)
        code, _, _ = error_of(lambda: self.berth.boto3(key=first).list_clusters())
        self.assertEqual(code, "UnrecognizedClientException")
        self.berth.boto3(key=second).create_cluster(clusterName="by-second")  # rotation: the other key goes on
        gone = self.berth_key("rm", first[0], check=False)
        self.assertNotEqual(gone.returncode, 0)
        self.assertIn("does not exist", gone.stderr)
        bad_policy = os.path.join(self.berth.dir, "bad-policy.json")
        with open(bad_policy, "w") as f:
            f.write('{"Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {}}]}')
        refused = self.berth_key("create", "conditional", "--policy", bad_policy, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Condition", refused.stderr)

    def test_a_read_only_key_describes_but_cannot_change(self):
        reader = self.berth.boto3(key=self.create_key("viewer", "read-only"))
        self.assertIn("arn:aws:ecs:local:000000000000:cluster/default", reader.list_clusters()["clusterArns"])
        reader.describe_clusters(clusters=["default"])
        code, message, _ = error_of(lambda: reader.create_cluster(clusterName="not-allowed"))
        self.assertEqual(code, "AccessDeniedException")
        self.assertIn("User: arn:aws:iam::000000000000:user/viewer is not authorized to perform: ecs:CreateCluster",
                      message)
        self.assertNotIn("not-allowed", self.cluster_names())


class PolicyTest(KeysTestCase):
    def policy_key(self, name, statements):
        path = os.path.join(self.berth.dir, name + ".json")
        with open(path, "w") as f:
            json.dump({"Version": "2012-10-17", "Statement": statements}, f)
        return self.create_key(name, path)

    def test_a_key_limited_to_one_cluster_cannot_touch_another(self):
        admin = self.berth.boto3()
        admin.create_cluster(clusterName="plant-7")
        admin.register_task_definition(family="app", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 16}])
        prefix = "arn:aws:ecs:local:000000000000:"
        plant = self.berth.boto3(key=self.policy_key("plant-7-operator", [
            {"Effect": "Allow", "Action": "ecs:*",
             "Resource": [prefix + "cluster/plant-7", prefix + "task/plant-7/*", prefix + "service/plant-7/*",
                          prefix + "container-instance/plant-7/*", prefix + "task-definition/*"]}]))
        plant.list_tasks(cluster="plant-7")
        plant.list_services(cluster="plant-7")
        plant.create_service(cluster="plant-7", serviceName="web", taskDefinition="app", desiredCount=0)
        for call in (lambda: plant.list_tasks(),  # the default cluster
                     lambda: plant.list_tasks(cluster="default"),
                     lambda: plant.run_task(cluster="default", taskDefinition="app"),
                     lambda: plant.create_service(cluster="default", serviceName="web", taskDefinition="app",
                                                  desiredCount=0),
                     lambda: plant.describe_clusters(clusters=["default"]),
                     lambda: plant.delete_cluster(cluster="default"),
                     lambda: plant.describe_tasks(cluster=prefix + "cluster/default", tasks=["0" * 32])):
            code, message, _ = error_of(call)
            self.assertEqual(code, "AccessDeniedException", message)
            self.assertIn("user/plant-7-operator", message)
        self.assertEqual(admin.list_services(cluster="default")["serviceArns"], [])
        self.assertIn("default", self.cluster_names())

    def test_a_deploy_key_cannot_register_a_task_definition_that_takes_the_host(self):
        deploy = self.berth.boto3(key=self.policy_key("deployer", [
            {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "ecs:Describe*", "ecs:RunTask"],
             "Resource": "*"}]))
        app = {"name": "main", "image": "busybox", "memory": 16}
        deploy.register_task_definition(family="app", networkMode="bridge", containerDefinitions=[app])
        for family, extra, container in (
                ("priv", {}, {"privileged": True}),
                ("hostnet", {"networkMode": "host"}, {}),
                ("hostpid", {"pidMode": "host"}, {}),
                ("envfile", {}, {"environmentFiles": [{"value": "/etc/plant.env", "type": "s3"}]}),
                ("hostpath", {"volumes": [{"name": "etc", "host": {"sourcePath": "/etc"}}]},
                 {"mountPoints": [{"sourceVolume": "etc", "containerPath": "/host-etc"}]})):
            extra.setdefault("networkMode", "bridge")
            code, message, _ = error_of(lambda: deploy.register_task_definition(
                family=family, containerDefinitions=[dict(app, **container)], **extra))
            self.assertEqual(code, "AccessDeniedException", family)
            self.assertIn("berth:RegisterPrivilegedTaskDefinition", message)
            self.assertEqual(self.berth.boto3().list_task_definitions(familyPrefix=family)["taskDefinitionArns"], [])
        # The admin key has it.
        self.berth.boto3().register_task_definition(family="priv", containerDefinitions=[dict(app, privileged=True)])

    def test_mutating_calls_are_audited_without_bodies_or_secrets(self):
        reader = self.berth.boto3(key=self.create_key("viewer", "read-only"))
        error_of(lambda: reader.create_cluster(clusterName="denied-one"))
        self.berth.boto3().create_cluster(clusterName="allowed-one", tags=[{"key": "note", "value": "tag-value-9"}])
        self.berth.boto3().list_clusters()  # not mutating: not audited
        self.berth_key("create", "extra", "--policy", "admin")
        self.berth.raw("CreateCluster", json.dumps({"clusterName": "unsigned-one"}), sign=False)
        with open(os.path.join(self.berth.dir, "data", "audit.log")) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(os.stat(os.path.join(self.berth.dir, "data", "audit.log")).st_mode & 0o777, 0o600)
        by_action = {(line["action"], line["result"]): line for line in lines}
        denied = by_action[("ecs:CreateCluster", "AccessDeniedException")]
        self.assertTrue(denied["principal"].startswith("key:AKIA"))
        self.assertIn("viewer", denied["principal"])
        self.assertEqual(denied["resources"], ["arn:aws:ecs:local:000000000000:cluster/denied-one"])
        allowed = by_action[("ecs:CreateCluster", "200")]
        self.assertEqual(allowed["resources"], ["arn:aws:ecs:local:000000000000:cluster/allowed-one"])
        self.assertEqual(by_action[("iam:CreateAccessKey", "200")]["principal"], "uid:0")
        self.assertNotIn("ecs:ListClusters", [line["action"] for line in lines])
        unsigned = by_action[("ecs:CreateCluster", "MissingAuthenticationTokenException")]
        self.assertEqual(unsigned["principal"], "unauthenticated:127.0.0.1")
        with open(os.path.join(self.berth.dir, "data", "audit.log")) as f:
            text = f.read()
        self.assertNotIn("tag-value-9", text)
        self.assertNotIn(self.berth.key[1], text)


class UnixSocketTest(KeysTestCase):
    def call_as(self, uid, gid):
        """Sends ListClusters over the unix socket from a process with `uid` and `gid`."""
        script = ("import socket,sys\n"
                  "s=socket.socket(socket.AF_UNIX)\n"
                  "try:\n s.connect(sys.argv[1])\nexcept OSError as e:\n print('connect:', e.strerror); sys.exit(0)\n"
                  "s.sendall(b'POST / HTTP/1.1\\r\\nHost: x\\r\\nX-Amz-Target: %sListClusters\\r\\n"
                  "Content-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}')\n"
                  "d=b''\n"
                  "while True:\n c=s.recv(65536)\n if not c: break\n d+=c\n"
                  "print(d.decode())\n" % TARGET)
        out = subprocess.run(["setpriv", "--reuid", str(uid), "--regid", str(gid), "--clear-groups",
                              "/usr/bin/python3", "-c", script, self.berth.socket_path],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def test_root_and_the_sockets_group_are_admins_others_are_refused(self):
        run_dir = os.path.dirname(self.berth.socket_path)
        for directory in (self.berth.dir, run_dir):
            os.chmod(directory, 0o755)  # let other users reach the socket file itself
        self.assertIn("cluster/default", self.call_as(0, 0))
        # The kernel refuses others at connect (mode 0660); berth refuses them too if the mode is widened.
        self.assertIn("Permission denied", self.call_as(65534, 65534))
        os.chmod(self.berth.socket_path, 0o666)
        self.assertIn("AccessDeniedException", self.call_as(65534, 65534))
        os.chown(self.berth.socket_path, 0, 65534)
        self.assertIn("cluster/default", self.call_as(65534, 65534))


class AuthOffTest(BerthTestCase):
    config_text = "BERTH_AUTH=off\n"

    def test_auth_off_takes_unsigned_requests_and_says_so_at_start(self):
        status, reply, _ = self.berth.raw("ListClusters", "{}", sign=False)
        self.assertEqual(status, 200, reply)
        self.assertIn("BERTH_AUTH=off", self.berth.log())


class HostNetworkContainerTest(TaskTestCase):
    def test_a_host_network_container_gets_missing_authentication_token(self):
        request = ("POST / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nX-Amz-Target: %sRunTask\\r\\n"
                   "Content-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}" % TARGET)
        self.register("prober", [{"name": "main", "command": [
            "sh", "-c", "printf '" + request + "' | nc 127.0.0.1 " + str(self.berth.port)]}])
        arn = self.run_task("prober")
        self.wait_status(arn, "STOPPED")
        logs = self.logs(arn)
        self.assertIn("403", logs.stdout)
        self.assertIn("MissingAuthenticationTokenException", logs.stdout)
