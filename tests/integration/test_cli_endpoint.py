"""The operator verbs with --endpoint: over the TCP listener, each request signed with SigV4 by a
key `berth key create` made, found where the aws CLI finds one (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or a shared-credentials file and profile). The daemon's socket is not
used: every command names a socket that does not exist. A wrong secret, no key at all, a key
whose policy refuses the action and a port nobody listens on each end in one sentence saying what
to do, and exit 1. Over TLS the gateway's certificate is trusted by --ca-bundle, AWS_CA_BUNDLE or
--fingerprint, and refused otherwise with what to give. Also `berth info --output json`, and
completion passing --endpoint on when it asks for names, and a real name completed that way."""
import json
import os
import shutil
import subprocess
import tempfile

from harness import BERTH, BerthTestCase
from test_auth import parse_key
from test_tasks import TaskTestCase, wait_for


class CliEndpointTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.home = tempfile.mkdtemp(prefix="berth-home-")  # no ~/.aws of the machine's
        self.addCleanup(shutil.rmtree, self.home, True)
        made = subprocess.run([BERTH, "key", "create", "ops", "--policy", "admin", "--config", "/dev/null",
                               "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(made.returncode, 0, made.stderr)
        self.key_id, self.secret = parse_key(made.stdout)
        self.credentials = os.path.join(self.home, "credentials")
        with open(self.credentials, "w") as f:
            f.write("[default]\naws_access_key_id = AKIANOTTHISONE\naws_secret_access_key = x\n\n"
                    "[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (self.key_id, self.secret))

    def remote(self, verb, *args, env=None, check=True, endpoint=None):
        """`berth VERB --endpoint URL ARGS` with the ops profile, and a socket that is not there."""
        environment = {"PATH": os.environ["PATH"], "HOME": self.home,
                       "AWS_SHARED_CREDENTIALS_FILE": self.credentials, "AWS_PROFILE": "ops"}
        if env is not None:
            environment = dict({"PATH": os.environ["PATH"], "HOME": self.home}, **env)
        out = subprocess.run([BERTH, verb, "--config", "/dev/null", "--socket", "/nonexistent/berth.sock",
                              "--endpoint", endpoint or self.berth.endpoint, *args],
                             capture_output=True, text=True, timeout=120, env=environment)
        if check and out.returncode != 0:
            raise AssertionError("berth %s %s failed (%d): %s%s" % (verb, " ".join(args), out.returncode, out.stdout,
                                                                   out.stderr))
        return out

    def test_run_ps_logs_describe_info_stop_over_the_endpoint(self):
        self.assertEqual(self.berth.scheme, "http")  # loopback: berth's TLS is off there by default
        ran = self.remote("run", "busybox", "--name", "remote", "--memory", "16m", "--wait", "--",
                          "sh", "-c", "echo hello over tcp; exec sleep 300")
        task_id = ran.stdout.strip()
        self.assertRegex(task_id, r"^[0-9a-f]{32}$")
        self.assertIn("RUNNING", ran.stderr)
        # The task is the daemon's, as the API over the socket knows it.
        [task] = self.ecs.describe_tasks(tasks=[task_id])["tasks"]
        self.assertEqual(task["lastStatus"], "RUNNING")
        self.assertTrue(task["taskDefinitionArn"].endswith(":task-definition/remote:1"))

        rows = [line.split() for line in self.remote("ps").stdout.splitlines()]
        self.assertEqual(rows[0][:3], ["TASK", "ID", "TASK"])
        self.assertIn([task_id[:12], "remote:1", "RUNNING"], [row[:3] for row in rows[1:]])
        listed = json.loads(self.remote("ps", "--output", "json").stdout)["tasks"]
        self.assertEqual([t["taskArn"] for t in listed], [task["taskArn"]])

        # logs: GET /v1/tasks/ID/logs with its query, signed for "berth".
        wait_for(lambda: "hello over tcp" in self.remote("logs", task_id).stdout, timeout=20, what="the log line")
        described = json.loads(self.remote("describe", task_id[:8], "--output", "json").stdout)
        self.assertEqual(described["taskArn"], task["taskArn"])

        # The same key from the environment, which wins over the file.
        env_info = self.remote("info", "--output", "json",
                               env={"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret,
                                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"})
        info = json.loads(env_info.stdout)
        self.assertEqual(info["endpoint"], self.berth.endpoint)
        self.assertEqual(info["cluster"], "default")
        self.assertNotIn("dataDir", info)  # another gateway's files are not read here
        [instance] = info["containerInstances"]
        self.assertEqual(instance["runningTasksCount"], 1)

        stopped = self.remote("stop", task_id[:12])
        self.assertIn(task_id, stopped.stdout)
        wait_for(lambda: self.ecs.describe_tasks(tasks=[task_id])["tasks"][0]["lastStatus"] == "STOPPED",
                 timeout=30, what="the task stopped")

    def assert_one_sentence(self, out, *parts):
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertEqual(out.stdout, "")
        lines = out.stderr.splitlines()
        self.assertEqual(len(lines), 1, out.stderr)
        self.assertTrue(lines[0].startswith("berth: "), lines[0])
        for part in parts:
            self.assertIn(part, lines[0])

    def test_a_wrong_secret_no_key_a_refusing_policy_and_no_listener_say_what_to_do(self):
        wrong = self.remote("ps", check=False, env={"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": "wrong"})
        self.assert_one_sentence(wrong, "the secret access key is not the one of key " + self.key_id)
        unknown = self.remote("ps", check=False, env={"AWS_SHARED_CREDENTIALS_FILE": self.credentials})
        self.assert_one_sentence(unknown, "the gateway has no key AKIANOTTHISONE", "berth key create")
        none = self.remote("services", check=False, env={})
        self.assert_one_sentence(none, "no credentials", "AWS_ACCESS_KEY_ID")

        made = subprocess.run([BERTH, "key", "create", "viewer", "--policy", "read-only", "--config", "/dev/null",
                               "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)
        viewer_id, viewer_secret = parse_key(made.stdout)
        viewer = {"AWS_ACCESS_KEY_ID": viewer_id, "AWS_SECRET_ACCESS_KEY": viewer_secret}
        self.remote("ps", env=viewer)  # reading is allowed
        refused = self.remote("run", "busybox", "--", "true", check=False, env=viewer)
        self.assert_one_sentence(refused, "is not authorized to perform", "the policy of key " + viewer_id)
        self.assertEqual(self.ecs.list_tasks()["taskArns"], [])

        nobody = self.remote("ps", check=False, endpoint="http://127.0.0.1:1")
        self.assert_one_sentence(nobody, "cannot reach berth at http://127.0.0.1:1", "berth info")
        tls = self.remote("ps", check=False, endpoint="https://127.0.0.1:%d" % self.berth.port)
        self.assert_one_sentence(tls, "does not speak TLS")
        # Plain http beyond loopback would send the key's requests in the clear: a usage error.
        beyond = self.remote("ps", check=False, endpoint="http://192.0.2.1:51678")
        self.assertEqual(beyond.returncode, 2)
        self.assertIn("--endpoint must be https://HOST:PORT", beyond.stderr)

    def test_info_output_json_and_completion_pass_the_endpoint_on(self):
        info = json.loads(subprocess.run([BERTH, "info", "--config", "/dev/null", "--socket", self.berth.socket_path,
                                          "--data-dir", self.berth.data_dir, "--output", "json"],
                                         capture_output=True, text=True, check=True, timeout=30).stdout)
        self.assertEqual(info["socket"], self.berth.socket_path)
        self.assertEqual(info["dataDir"], self.berth.data_dir)
        self.assertEqual(info["credentials"], self.berth.credentials_path)
        self.assertRegex(info["version"], r"^berth \S+ \(")
        [instance] = info["containerInstances"]
        self.assertEqual(instance["status"], "ACTIVE")

        script = subprocess.run([BERTH, "completion", "bash"], capture_output=True, text=True, check=True).stdout
        # A stand-in `berth` shows what the script asks while completing a service name.
        probe = script + "\nberth() { echo \"$*\" | tr ' ' '|'; }" \
                         "\nCOMP_WORDS=(berth ps --end); COMP_CWORD=2; _berth; echo \"${COMPREPLY[*]}\"" \
                         "\nCOMP_WORDS=(berth scale --endpoint https://gw:51678 --fingerprint ab ''); COMP_CWORD=6; " \
                         "_berth; echo \"${COMPREPLY[*]}\"" \
                         "\nCOMP_WORDS=(berth wait ''); COMP_CWORD=2; _berth; echo \"${COMPREPLY[*]}\"\n"
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
        self.assertEqual(out, ["--endpoint", "services|-q|--endpoint|https://gw:51678|--fingerprint|ab",
                               # wait's own word, and the service names (here, the stand-in's one word)
                               "services-stable services|-q"])
        # The real berth answers what the script asks: a service's name completes over --endpoint.
        self.register("web", [{"name": "main", "memory": 16, "command": ["sleep", "60"]}])
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=0)
        self.addCleanup(self.ecs.delete_service, service="web", force=True)
        probe = script + "\nCOMP_WORDS=(berth scale --endpoint %s --profile ops w); COMP_CWORD=6; _berth; " \
                         "echo \"${COMPREPLY[*]}\"\n" % self.berth.endpoint
        environment = {"PATH": os.path.dirname(BERTH) + ":" + os.environ["PATH"], "HOME": self.home,
                       "AWS_SHARED_CREDENTIALS_FILE": self.credentials}
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True, timeout=60,
                             env=environment).stdout
        self.assertEqual(out, "web\n")


class CliEndpointTlsTest(BerthTestCase):
    config_text = "BERTH_TLS=on\n"  # TLS on loopback too, as beyond it

    def test_the_certificate_is_trusted_by_ca_bundle_or_fingerprint_and_refused_otherwise(self):
        self.assertEqual(self.berth.scheme, "https")
        info = json.loads(subprocess.run([BERTH, "info", "--config", self.berth.config_path, "--socket", self.berth.socket_path,
                                          "--data-dir", self.berth.data_dir, "--output", "json"],
                                         capture_output=True, text=True, check=True, timeout=30).stdout)
        self.assertRegex(info["sha256"], r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$")  # as `berth info` prints it
        home = tempfile.mkdtemp(prefix="berth-home-")
        self.addCleanup(shutil.rmtree, home, True)
        env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_SHARED_CREDENTIALS_FILE": self.berth.credentials_path,
               "AWS_PROFILE": "berth"}

        def ps(*trust, extra_env=None):
            return subprocess.run([BERTH, "ps", "--config", "/dev/null", "--socket", "/nonexistent/berth.sock",
                                   "--endpoint", self.berth.endpoint, *trust], capture_output=True, text=True,
                                  timeout=60, env=dict(env, **(extra_env or {})))

        for trusted in (ps("--ca-bundle", info["certificate"]), ps("--fingerprint", info["sha256"]),
                        ps(extra_env={"AWS_CA_BUNDLE": info["certificate"]})):
            self.assertEqual(trusted.returncode, 0, trusted.stderr)
            self.assertTrue(trusted.stdout.startswith("TASK ID"), trusted.stdout)
        refused = ps()
        self.assertEqual(refused.returncode, 1)
        self.assertEqual(len(refused.stderr.splitlines()), 1, refused.stderr)
        self.assertIn("cannot reach berth at " + self.berth.endpoint, refused.stderr)
        self.assertIn("trust its certificate with --ca-bundle FILE", refused.stderr)
        pinned_other = ps("--fingerprint", "0" * 64)
        self.assertEqual(pinned_other.returncode, 1)
        self.assertIn("not the pinned one", pinned_other.stderr)
