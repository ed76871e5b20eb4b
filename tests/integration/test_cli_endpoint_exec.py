"""`berth exec`, `berth stats` and `berth logs` with --endpoint against a berth with TLS on: the exec session's
POST /v1/exec (Upgrade: berth-exec) is signed with SigV4 and answered 101 on the TLS listener,
which hands the session to the same runner as the unix socket's; stdout, stdin and the exit
status come through. The key is found in ~/.aws/config under --profile, with that profile's
region (the [default] one's would not verify). A key whose policy lacks berth:ExecuteCommand is
refused in one line before anything runs; plain http is refused for a session."""
import json
import os
import shutil
import subprocess
import tempfile

import boto3
from botocore.config import Config

from harness import BERTH
from test_auth import parse_key
from test_tasks import TaskTestCase, wait_for


class CliEndpointExecTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_TLS=on\nBERTH_METRICS_INTERVAL=1\n"

    def setUp(self):
        super().setUp()
        self.assertEqual(self.berth.scheme, "https")
        info = json.loads(self.local("info", "--data-dir", self.berth.data_dir, "--output", "json").stdout)
        self.certificate = info["certificate"]
        key_id, secret = self.berth.key[0], self.berth.key[1]
        region = self.berth.key[2] if len(self.berth.key) > 2 else "local"
        # The harness's client does not know the gateway's certificate: one that does.
        self.ecs = boto3.client("ecs", endpoint_url=self.berth.endpoint, region_name=region, verify=self.certificate,
                                aws_access_key_id=key_id, aws_secret_access_key=secret,
                                config=Config(retries={"max_attempts": 1}))
        self.home = tempfile.mkdtemp(prefix="berth-home-")
        self.addCleanup(shutil.rmtree, self.home, True)
        os.makedirs(os.path.join(self.home, ".aws"))
        with open(os.path.join(self.home, ".aws", "config"), "w") as f:
            f.write("[default]\nregion = eu-west-1\n\n[profile ops]\nregion = %s\naws_access_key_id = %s\n"
                    "aws_secret_access_key = %s\n" % (region, key_id, secret))

    def local(self, verb, *args):
        return subprocess.run([BERTH, verb, "--config", self.berth.config_path, "--socket", self.berth.socket_path, *args],
                              capture_output=True, text=True, check=True, timeout=120)

    def remote(self, verb, *args, env=None, input=None):
        """`berth VERB --endpoint URL --ca-bundle CERT ARGS` with HOME's ~/.aws, no daemon socket."""
        environment = {"PATH": os.environ["PATH"], "HOME": self.home}
        if env is not None:
            environment.update(env)
        return subprocess.run([BERTH, verb, "--config", "/dev/null", "--socket", "/nonexistent/berth.sock",
                               "--endpoint", self.berth.endpoint, "--ca-bundle", self.certificate, *args],
                              capture_output=True, text=True, timeout=60, env=environment, input=input)

    def test_exec_and_stats_over_tls_with_a_profile_of_the_config_file(self):
        task_id = self.local("run", "busybox", "--name", "execd", "--memory", "16m", "--wait", "--",
                             "sleep", "300").stdout.strip()
        self.assertRegex(task_id, r"^[0-9a-f]{32}$")

        done = self.remote("exec", "--profile", "ops", task_id, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3")
        self.assertEqual((done.returncode, done.stdout, done.stderr), (3, "hi\n", "oops\n"))
        # stdin goes the other way through the tunnel; AWS_PROFILE names the profile as --profile does.
        piped = self.remote("exec", "-i", task_id[:12], "--", "cat", env={"AWS_PROFILE": "ops"}, input="piped\n")
        self.assertEqual((piped.returncode, piped.stdout), (0, "piped\n"), piped.stderr)
        # The [default] profile's region is not the gateway's: its signature does not verify.
        wrong_region = self.remote("exec", task_id, "--", "true",
                                   env={"AWS_ACCESS_KEY_ID": self.berth.key[0], "AWS_SECRET_ACCESS_KEY": self.berth.key[1]})
        self.assertEqual(wrong_region.returncode, 1)
        [refusal] = wrong_region.stderr.splitlines()
        self.assertRegex(refusal, r"^berth: (InvalidSignature|IncompleteSignature)Exception: ")

        # logs and stats take a short prefix too (resolved by ListTasks over the same endpoint).
        logs = self.remote("logs", "--profile", "ops", task_id[:8])
        self.assertEqual((logs.returncode, logs.stdout), (0, ""), logs.stderr)

        def row():
            out = self.remote("stats", "--no-stream", "--profile", "ops", task_id[:8])
            if out.returncode != 0:
                return None
            return next((line.split() for line in out.stdout.splitlines()[1:] if task_id in line.split()), None)
        stats_row = wait_for(row, timeout=30, interval=0.5, what="berth stats --endpoint to show the task")
        self.assertEqual(stats_row[:2], ["execd", task_id])

    def test_a_key_without_execute_command_is_refused_and_plain_http_too(self):
        task_id = self.local("run", "busybox", "--name", "guarded", "--memory", "16m", "--wait", "--",
                             "sleep", "300").stdout.strip()
        viewer_id, viewer_secret = parse_key(self.local("key", "create", "viewer", "--policy", "read-only").stdout)
        viewer = {"AWS_ACCESS_KEY_ID": viewer_id, "AWS_SECRET_ACCESS_KEY": viewer_secret, "AWS_REGION": "local"}
        refused = self.remote("exec", task_id, "--", "sh", "-c", "touch /ran", env=viewer)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertEqual(refused.stdout, "")
        [line] = refused.stderr.splitlines()
        self.assertTrue(line.startswith("berth: AccessDeniedException: "), line)
        self.assertIn("berth:ExecuteCommand", line)
        # Nothing ran: the admin's session finds no /ran.
        check = self.remote("exec", "--profile", "ops", task_id, "--", "sh", "-c", "test -e /ran")
        self.assertEqual(check.returncode, 1, check.stderr)

        plain = subprocess.run([BERTH, "exec", "--config", "/dev/null", "--endpoint", "http://127.0.0.1:%d" % self.berth.port,
                                "--profile", "ops", task_id, "--", "true"], capture_output=True, text=True, timeout=30,
                               env={"PATH": os.environ["PATH"], "HOME": self.home})
        self.assertEqual(plain.returncode, 2, plain.stderr)
        self.assertIn("an exec session is not sent in the clear", plain.stderr)
