"""Running commands in running containers through the daemon: `berth exec` sessions over the unix
socket (with and without a terminal, CONTAINER optional when unambiguous, authorized as
berth:ExecuteCommand) and ECS ExecuteCommand over the API (non-interactive; the command's output
and exit code in the reply's berthCommandResult), refused for a task run without
enableExecuteCommand as ECS refuses it, and for a key whose policy does not allow it. A command
past ExecuteCommand's 30 s bound, or whose session's client went, is killed in the container, not
only its `runc exec`."""
import json
import os
import pty
import subprocess
import time

import botocore.exceptions

from harness import BERTH
from test_auth import parse_key
from test_tasks import TaskTestCase
from test_terminal import Reader


class ExecTestCase(TaskTestCase):
    def verb(self, *words):
        return [BERTH, words[0], "--config", "/dev/null", "--socket", self.berth.socket_path] + list(words[1:])

    def exec_(self, *words, **kwargs):
        return subprocess.run(self.verb("exec", *words), capture_output=True, text=True, timeout=60, **kwargs)

    def start(self, family, containers, **run):
        for c in containers:
            c.setdefault("stopTimeout", 1)
        self.register(family, containers, network_mode="none")
        arn = self.run_task(family, **run)
        self.wait_status(arn, "RUNNING")
        return arn, arn.rsplit("/", 1)[1]

    def processes(self, task_id):
        """The command lines `ps` in the task's (only) container lists."""
        listed = self.exec_(task_id, "--", "ps", "-o", "pid,args")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        return listed.stdout

    def refusal(self, call):
        try:
            call()
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        raise AssertionError("the call succeeded")

    def execute_command(self, client, **kwargs):
        """ExecuteCommand through boto3, returning the raw reply (botocore drops members its model
        does not know, berthCommandResult among them)."""
        raw = {}

        def keep(http_response, **_):
            raw["body"] = json.loads(http_response.content)

        client.meta.events.register("after-call.ecs.ExecuteCommand", keep)
        try:
            parsed = client.execute_command(interactive=False, **kwargs)
        finally:
            client.meta.events.unregister("after-call.ecs.ExecuteCommand", keep)
        return parsed, raw["body"]


class BerthExecTest(ExecTestCase):
    def test_berth_exec_runs_through_the_daemon_with_status_stdio_and_a_terminal(self):
        arn, task_id = self.start("execd", [{"name": "main", "command": ["sleep", "300"], "user": "1000",
                                             "workingDirectory": "/tmp",
                                             "environment": [{"name": "GREETING", "value": "from-def"}]}])
        # One container: CONTAINER may be left out.
        done = self.exec_(arn, "--", "sh", "-c", "echo hi; echo $GREETING; id -u; pwd; echo oops >&2; exit 3")
        self.assertEqual(done.returncode, 3, done.stderr)
        self.assertEqual(done.stdout, "hi\nfrom-def\n1000\n/tmp\n")
        self.assertEqual(done.stderr, "oops\n")
        self.assertEqual(self.exec_(task_id, "main", "--", "echo", "named").stdout, "named\n")
        # -i passes input through and its end; without it the command reads none.
        self.assertEqual(self.exec_("-i", task_id, "--", "cat", input="piped\n").stdout, "piped\n")
        self.assertEqual(self.exec_(task_id, "--", "cat", input="piped\n").stdout, "")
        self.assertEqual(self.exec_(task_id, "--", "sh", "-c", "[ -t 0 ] || echo no-tty").stdout, "no-tty\n")
        # -t: the command gets a terminal of this terminal's size.
        master, slave = pty.openpty()
        subprocess.run(["stty", "rows", "33", "cols", "101"], stdin=slave, check=True)
        proc = subprocess.Popen(self.verb("exec", "-it", task_id, "--", "sh", "-c", "tty; stty size; read x; echo got-$x; exit 5"),
                                stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        reader = Reader(master)
        reader.until(r"33 101")
        os.write(master, b"typed\r")
        reader.until(r"got-typed")
        self.assertEqual(proc.wait(timeout=30), 5)
        os.close(master)
        self.assertRegex(reader.text, r"/dev/pts/\d+")
        # The daemon's refusals.
        missing = self.exec_(task_id, "nope", "--", "true")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("InvalidParameterException: The task has no container named nope (it has main).", missing.stderr)
        unknown = self.exec_("0123456789abcdef0123456789abcdef", "--", "true")
        self.assertIn("The referenced task was not found.", unknown.stderr)
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")
        # Each session is audited as berth:ExecuteCommand on the task.
        with open(os.path.join(self.berth.data_dir, "audit.log")) as f:
            lines = [json.loads(line) for line in f if "berth:ExecuteCommand" in line]
        self.assertTrue(any(line["resources"] == [arn] and line["result"] == "200" for line in lines), lines)

    def test_a_session_whose_client_goes_ends_its_command_even_one_that_ignores_sighup(self):
        arn, task_id = self.start("hangup", [{"name": "main", "command": ["sleep", "300"]}])
        client = subprocess.Popen(self.verb("exec", task_id, "--", "sh", "-c", "trap '' HUP; echo started; exec sleep 1003"),
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.assertEqual(client.stdout.readline(), "started\n")
        client.kill()  # the client goes without a word: the daemon sees its socket close
        client.wait(timeout=10)
        # runc passes the SIGHUP on (ignored); 2 s later the command itself is killed, not only runc.
        deadline = time.time() + 15
        while "sleep 1003" in self.processes(task_id) and time.time() < deadline:
            time.sleep(0.2)
        self.assertNotIn("sleep 1003", self.processes(task_id))
        self.assertIn("sleep 300", self.processes(task_id))  # the container itself is untouched

    def test_berth_exec_needs_a_container_name_for_a_task_of_two_essential_containers(self):
        arn, task_id = self.start("pair", [{"name": "a", "command": ["sleep", "300"]},
                                           {"name": "b", "command": ["sleep", "300"]}])
        ambiguous = self.exec_(task_id, "--", "true")
        self.assertEqual(ambiguous.returncode, 1)
        self.assertIn("The task has 2 containers (a, b)", ambiguous.stderr)
        self.assertEqual(self.exec_(task_id, "b", "--", "hostname").returncode, 0)

    def test_a_caller_outside_the_sockets_group_is_refused(self):
        arn, task_id = self.start("guarded", [{"name": "main", "command": ["sleep", "300"]}])
        # Widened on purpose (the socket and the directories to it): the peer's credentials still decide.
        for path in (self.berth.dir, os.path.dirname(self.berth.socket_path)):
            os.chmod(path, 0o711)
        os.chmod(self.berth.socket_path, 0o666)
        nobody = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] +
                                self.verb("exec", task_id, "--", "true"), capture_output=True, text=True, timeout=60)
        self.assertEqual(nobody.returncode, 1)
        self.assertIn("AccessDeniedException", nobody.stderr)


class ExecuteCommandTest(ExecTestCase):
    def test_execute_command_returns_the_output_and_exit_code_of_an_enabled_task(self):
        arn, task_id = self.start("api-exec", [{"name": "main", "command": ["sleep", "300"]}], enableExecuteCommand=True)
        self.assertTrue(self.describe(arn)["enableExecuteCommand"])
        parsed, raw = self.execute_command(self.ecs, task=arn, command="sh -c 'echo out; echo err >&2; exit 4'")
        self.assertEqual(parsed["taskArn"], arn)
        self.assertEqual(parsed["containerName"], "main")
        self.assertFalse(parsed["interactive"])
        self.assertTrue(parsed["session"]["sessionId"].startswith("ecs-execute-command-"))
        result = raw["berthCommandResult"]
        self.assertEqual(result["exitCode"], 4)
        self.assertEqual(sorted(result["output"].splitlines()), ["err", "out"])
        self.assertFalse(result["outputTruncated"])
        self.assertFalse(result["timedOut"])
        # Output beyond 64 KiB is cut and said so.
        _, big = self.execute_command(self.ecs, task=task_id, container="main",
                                      command="sh -c 'yes 0123456789abcdef | head -c 100000'")
        self.assertEqual(len(big["berthCommandResult"]["output"]), 65536)
        self.assertTrue(big["berthCommandResult"]["outputTruncated"])
        # Interactive sessions are `berth exec -it`: the session-manager plugin does not exist here.
        code, message = self.refusal(lambda: self.ecs.execute_command(task=arn, command="sh", interactive=True))
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("session-manager plugin", message)
        # The aws CLI wants the plugin before it even calls the API.
        out = self.berth.aws("execute-command", "--task", arn, "--command", "ls", "--interactive", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("SessionManagerPlugin is not found", out.stderr + out.stdout)

    def test_a_command_that_outlives_the_bound_is_killed_in_the_container(self):
        arn, task_id = self.start("api-slow", [{"name": "main", "command": ["sleep", "300"]}], enableExecuteCommand=True)
        started = time.time()
        _, raw = self.execute_command(self.ecs, task=arn, command="sleep 1000")
        self.assertLess(time.time() - started, 45)
        result = raw["berthCommandResult"]
        self.assertTrue(result["timedOut"])
        self.assertEqual(result["exitCode"], 137)
        # Not only its `runc exec`: the command itself is gone from the container.
        self.assertNotIn("sleep 1000", self.processes(task_id))
        self.assertIn("sleep 300", self.processes(task_id))

    def test_execute_command_is_refused_without_enable_execute_command_or_permission(self):
        arn, _ = self.start("no-exec", [{"name": "main", "command": ["sleep", "300"]}])
        self.assertFalse(self.describe(arn)["enableExecuteCommand"])
        code, message = self.refusal(lambda: self.ecs.execute_command(task=arn, command="ls", interactive=False))
        self.assertEqual(code, "InvalidParameterException")
        self.assertEqual(message, "The execute command failed because execute command was not enabled when the task "
                                  "was run or the execute command agent isn't running. Wait and try again or run a new "
                                  "task with execute command enabled and try again.")
        # A key that may read but not exec is refused before anything runs.
        enabled, _ = self.start("exec-ok", [{"name": "main", "command": ["sleep", "300"]}], enableExecuteCommand=True)
        created = subprocess.run(self.verb("key", "create", "viewer", "--policy", "read-only"),
                                 capture_output=True, text=True, timeout=30)
        self.assertEqual(created.returncode, 0, created.stderr)
        viewer = self.berth.boto3(key=parse_key(created.stdout))
        code, message = self.refusal(lambda: viewer.execute_command(task=enabled, command="ls", interactive=False))
        self.assertEqual(code, "AccessDeniedException")
        self.assertIn("ecs:ExecuteCommand on resource: " + enabled, message)

    def test_services_give_their_tasks_enable_execute_command(self):
        self.register("svc-exec", [{"name": "main", "command": ["sleep", "300"], "stopTimeout": 1}], network_mode="none")
        service = self.ecs.create_service(serviceName="web", taskDefinition="svc-exec", desiredCount=1,
                                          enableExecuteCommand=True)["service"]
        self.assertTrue(service["enableExecuteCommand"])
        from test_tasks import wait_for
        arn = wait_for(lambda: (self.ecs.list_tasks(serviceName="web")["taskArns"] or [None])[0], what="the service's task")
        self.wait_status(arn, "RUNNING")
        self.assertTrue(self.describe(arn)["enableExecuteCommand"])
        _, raw = self.execute_command(self.ecs, task=arn, command="echo from-service")
        self.assertEqual(raw["berthCommandResult"]["output"], "from-service\n")
        self.ecs.update_service(service="web", desiredCount=0)
        self.ecs.delete_service(service="web", force=True)
