"""The operator verbs (berth ps, services, instances, schedules, events, describe, run, stop,
scale, deploy, wait, completion, info) against a real berth with real busybox containers: their
tables and their --output json, a busybox httpd run with -p 0:8080 and fetched through the
reported host port, and a deploy of an image that cannot start exiting non-zero after the
circuit breaker rolled it back."""
import json
import os
import pty
import re
import select
import subprocess
import time
import urllib.request

from harness import BERTH
from test_image_progress import run_on_terminal
from test_schedules import at_from_now, target
from test_tasks import TaskTestCase, wait_for

# An image no task can start: its registry refuses connections at once (loopback, port 1).
BAD_IMAGE = "127.0.0.1:1/nothing/here:1"


def zsh_completes(script, typed, expected):
    """What an interactive `zsh -f` on a pty echoes after sourcing `script` (with compinit) and
    reading `typed` (a Tab in it completes), up to `expected` (or 20 s)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe("zsh", ["zsh", "-f", "-i"], dict(os.environ, TERM="dumb", PS1="> "))

    def read_until(token, timeout=20):
        out = b""
        deadline = time.monotonic() + timeout
        while token not in out and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
        return out.decode(errors="replace")

    try:
        # READ""Y: the marker appears only when the line has run, not in its echo.
        os.write(fd, b"autoload -U compinit && compinit -u -D && source %s && echo READ\"\"Y\n" % script.encode())
        if "READY" not in read_until(b"\nREADY"):
            raise AssertionError("zsh did not load the completion")
        os.write(fd, typed.encode())
        return read_until(expected.encode())
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


class CliVerbsTest(TaskTestCase):
    def cli(self, verb, *args, check=True, timeout=120, flags=()):
        """`berth VERB --config /dev/null --socket S FLAGS ARGS`: the flags go first, as a command
        after `--` must come last."""
        out = subprocess.run([BERTH, verb, "--config", "/dev/null", "--socket", self.berth.socket_path, *flags, *args],
                             capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError("berth %s %s failed (%d): %s%s" % (verb, " ".join(args), out.returncode,
                                                                   out.stdout, out.stderr))
        return out

    def cli_json(self, verb, *args):
        return json.loads(self.cli(verb, *args, flags=("--output", "json")).stdout)

    def table(self, text):
        """A table's rows as lists of cells (columns are three or more spaces apart)."""
        self.assertNotIn("\033", text)  # no colour when stdout is no terminal
        return [re.split(r" {3,}", line) for line in text.splitlines()]

    def on_terminal(self, verb, env=None):
        """`berth VERB`'s stdout when it is a terminal (a pty)."""
        code, out = run_on_terminal([BERTH, verb, "--config", "/dev/null", "--socket", self.berth.socket_path],
                                    env=env, stderr_too=False)
        self.assertEqual(code, 0)
        return out

    def tearDown_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def test_run_publishes_a_port_and_ps_describe_stop_find_the_task(self):
        page = "hello from berth run"
        out = self.cli("run", "busybox", "--name", "site", "-p", "0:8080", "-e", "PAGE=" + page, "--memory", "32m",
                       "--wait", "--", "sh", "-c", 'echo "$PAGE" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp')
        task_id = out.stdout.strip()
        self.assertRegex(task_id, r"^[0-9a-f]{32}$")
        # --wait reports RUNNING with the port the gateway picked.
        ports = re.search(r"RUNNING  0\.0\.0\.0:(\d+)->8080/tcp", out.stderr)
        self.assertIsNotNone(ports, out.stderr)
        host_port = int(ports.group(1))
        self.assertNotEqual(host_port, 0)
        body = wait_for(lambda: self.fetch(host_port), timeout=20, what="the httpd page")
        self.assertEqual(body.strip(), page)

        # ps: the table and the JSON agree on the task and its port.
        rows = self.table(self.cli("ps").stdout)
        self.assertEqual(rows[0], ["TASK ID", "TASK DEFINITION", "STATUS", "HEALTH", "PORTS", "STARTED", "GROUP"])
        [row] = rows[1:]
        self.assertEqual(row[:5], [task_id[:12], "site:1", "RUNNING", "-", "0.0.0.0:%d->8080/tcp" % host_port])
        self.assertRegex(row[5], r"^(just now|\d+s ago)$")
        self.assertEqual(row[6], "family:site")
        [task] = self.cli_json("ps")["tasks"]
        self.assertEqual(task["taskArn"].rsplit("/", 1)[1], task_id)
        self.assertEqual(task["containers"][0]["networkBindings"][0]["hostPort"], host_port)
        self.assertEqual(self.cli("ps", "-q").stdout.split(), [task_id])
        # The task definition berth run registered: bridge networking, the memory, the variable.
        td = self.ecs.describe_task_definition(taskDefinition="site:1")["taskDefinition"]
        self.assertEqual(td["networkMode"], "bridge")
        self.assertEqual(td["containerDefinitions"][0]["memory"], 32)
        self.assertEqual(td["containerDefinitions"][0]["environment"], [{"name": "PAGE", "value": page}])

        # The same words again reuse site:1; other words register site:2.
        again = self.cli("run", "busybox", "--name", "site", "-p", "0:8080", "-e", "PAGE=" + page, "--memory", "32m",
                         "--", "sh", "-c", 'echo "$PAGE" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp')
        second = again.stdout.strip()
        self.assertEqual(self.describe(second)["taskDefinitionArn"].rsplit("/", 1)[1], "site:1")
        other = self.cli_json("run", "busybox", "--name", "site", "--", "sleep", "3600")
        self.assertTrue(other["tasks"][0]["taskDefinitionArn"].endswith("site:2"))
        third = other["tasks"][0]["taskArn"].rsplit("/", 1)[1]

        # describe by a short prefix: text with times in UTC, and the API's JSON.
        described = self.cli("describe", task_id[:8]).stdout
        self.assertTrue(described.startswith("task " + task_id + "\n"), described)
        self.assertIn("lastStatus: RUNNING\n", described)
        self.assertRegex(described, r"startedAt: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(")
        self.assertEqual(self.cli_json("describe", task_id[:8])["taskArn"], task["taskArn"])
        # ... and by its full ARN, as the API names it.
        self.assertTrue(self.cli("describe", task["taskArn"]).stdout.startswith("task " + task_id + "\n"))
        self.assertEqual(self.cli_json("describe", task["taskArn"])["taskArn"], task["taskArn"])
        self.assertEqual(self.cli_json("describe", "site:2")["taskDefinition"]["revision"], 2)
        self.assertIn("taskDefinition:", self.cli("describe", "site").stdout)  # the family's latest
        # An id none matches says so (a prefix of several: the services test).
        self.assertIn(third[:12], self.cli("ps").stdout)
        missing = self.cli("describe", "zz-nothing", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("no resource matches 'zz-nothing'", missing.stderr)

        # stop by a prefix; ps leaves it out, ps --all shows it STOPPED with no port.
        self.assertEqual(self.cli("stop", task_id[:10]).stdout.strip(), task_id)
        self.wait_status(task["taskArn"], "STOPPED")
        self.assertNotIn(task_id[:12], self.cli("ps").stdout)
        stopped = [r for r in self.table(self.cli("ps", "--all").stdout) if r[0] == task_id[:12]]
        self.assertEqual(stopped[0][2:5], ["STOPPED", "-", "-"])
        # stop --output json prints StopTask's reply: the task, asked to stop, with the reason.
        reply = json.loads(self.cli("stop", second, flags=("--output", "json")).stdout)
        self.assertEqual(reply["task"]["taskArn"].rsplit("/", 1)[1], second)
        self.assertEqual((reply["task"]["desiredStatus"], reply["task"]["stoppedReason"]),
                         ("STOPPED", "Task stopped by berth stop"))
        # Numbers and ports from flags are checked, with what to write instead.
        for args, text in ((["-p", "0:99999"], "-p HOST:CONTAINER"), (["--memory", "lots"], "--memory 64m")):
            bad = self.cli("run", "busybox", *args, check=False)
            self.assertEqual(bad.returncode, 1, args)
            self.assertIn(text, bad.stderr, args)

    def test_run_wait_reports_why_a_task_stopped(self):
        # --wait ends at RUNNING or STOPPED, and a container that exits at once is RUNNING for a
        # moment a poll can land in (CI, 2026-12-06: "PENDING, RUNNING", exit 0): this one's program
        # cannot start, so its task is never RUNNING. (The summary of an exit code: task_table_test.)
        out = self.cli("run", "busybox", "--wait", "--", "/no/such/program", check=False)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertNotIn("RUNNING", out.stderr)
        self.assertRegex(out.stderr, r"STOPPED: .*busybox: CannotStartContainerError: .*/no/such/program")

    def fetch(self, port):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=5) as reply:
                return reply.read().decode()
        except OSError:
            return None

    def test_services_scale_wait_events_instances_schedules_info(self):
        self.addCleanup(self.tearDown_services)
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=1)
        waited = self.cli("wait", "services-stable", "web")
        self.assertIn("web is stable", waited.stderr)
        self.assertIn("web:1 [####################] 1/1 running", waited.stderr)

        rows = self.table(self.cli("services").stdout)
        self.assertEqual(rows[0], ["SERVICE", "TASK DEFINITION", "DESIRED", "RUNNING", "PENDING", "ROLLOUT", "LAST EVENT"])
        self.assertEqual(rows[1][:6], ["web", "web:1", "1", "1", "0", "COMPLETED"])
        self.assertRegex(rows[1][6], r"^(just now|\d+s ago): has reached a steady state\.$")
        self.assertEqual([s["serviceName"] for s in self.cli_json("services")["services"]], ["web"])
        # -q: the names alone, as the completion scripts ask for them.
        self.assertEqual(self.cli("services", "-q").stdout, "web\n")
        # Colour on a terminal only, and never with NO_COLOR.
        self.assertIn("\033[32mRUNNING\033[0m", self.on_terminal("ps", env=dict(os.environ, TERM="xterm")))
        plain = self.on_terminal("ps", env=dict(os.environ, TERM="xterm", NO_COLOR="1"))
        self.assertIn("RUNNING", plain)
        self.assertNotIn("\033", plain)

        # events --follow prints what scaling causes, as it happens.
        follower = subprocess.Popen([BERTH, "events", "web", "--follow", "--config", "/dev/null",
                                     "--socket", self.berth.socket_path], stdout=subprocess.PIPE, text=True)
        try:
            self.assertIn("web  has started 1 tasks", follower.stdout.readline())
            self.assertEqual(self.cli("scale", "we", "2").stdout, "web: desired 1 -> 2\n")
            self.cli("wait", "services-stable", "web")
            seen = ""
            while "has started 1 tasks" not in seen.split("steady state", 1)[-1]:
                seen += follower.stdout.readline()
        finally:
            follower.kill()
            follower.wait()
        self.assertEqual(self.ecs.describe_services(services=["web"])["services"][0]["runningCount"], 2)
        events = self.cli("events", "web").stdout.splitlines()
        self.assertRegex(events[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  web  has started 1 tasks: \(task [0-9a-f]{32}\)\.$")
        listed = self.cli_json("events")["events"]
        self.assertEqual([e["message"] for e in listed], [line.split("  ", 2)[2] for line in events])
        # A prefix of several names is refused with the candidates listed.
        self.ecs.create_service(serviceName="web-canary", taskDefinition="web", desiredCount=0)
        ambiguous = self.cli("scale", "we", "1", check=False)
        self.assertEqual(ambiguous.returncode, 1)
        self.assertEqual(ambiguous.stderr, "berth: 'we' matches 2 services; give more characters of the one you mean:\n"
                                           "  web  service\n  web-canary  service\n")
        # events takes a prefix too: web- is web-canary alone (the call fails on an ambiguous one).
        self.assertNotIn("  web  ", self.cli("events", "web-").stdout)
        self.assertEqual(self.cli("scale", "web", "-1", check=False).returncode, 2)
        # scale --output json prints UpdateService's reply.
        scaled = json.loads(self.cli("scale", "web-c", "0", flags=("--output", "json")).stdout)
        self.assertEqual((scaled["service"]["serviceName"], scaled["service"]["desiredCount"]), ("web-canary", 0))
        # describe finds a service by its name: text and the API's JSON.
        self.assertTrue(self.cli("describe", "web-canary").stdout.startswith("service web-canary\n"))
        self.assertEqual(self.cli_json("describe", "web-canary")["serviceName"], "web-canary")
        self.assertIn("no service matches 'db'", self.cli("scale", "db", "1", check=False).stderr)

        # instances: this gateway with the tasks' memory reserved (2 x 16 MiB of 1024).
        rows = self.table(self.cli("instances").stdout)
        self.assertEqual(rows[0][:7], ["INSTANCE ID", "STATUS", "AGENT", "RUNNING", "PENDING", "CPU", "MEMORY (MiB)"])
        self.assertEqual(rows[1][1:7], ["ACTIVE", "connected", "2", "0", "0/2048", "32/1024"])
        [instance] = self.cli_json("instances")["containerInstances"]
        self.assertEqual(instance["containerInstanceArn"].rsplit("/", 1)[1][:12], rows[1][0])
        # describe finds an instance by a prefix of its id, as the README says of task and instance ids.
        self.assertEqual(self.cli_json("describe", rows[1][0][:8])["containerInstanceArn"], instance["containerInstanceArn"])

        # schedules: the next run ahead, then what the run did.
        self.register("job", [{"name": "main", "memory": 16, "command": ["true"]}])
        self.berth.boto3("scheduler").create_schedule(Name="soon", ScheduleExpression=at_from_now(2),
                                                      FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        rows = self.table(self.cli("schedules").stdout)
        self.assertEqual(rows[0], ["SCHEDULE", "GROUP", "STATE", "EXPRESSION", "NEXT RUN", "LAST RUN"])
        self.assertEqual(rows[1][:3], ["soon", "default", "ENABLED"])
        self.assertRegex(rows[1][4], r"^in \ds$|^just now$")
        wait_for(lambda: self.cli_json("schedules")["Schedules"][0].get("LastRun", {}).get("Result") == "STARTED",
                 timeout=30, what="the schedule's run")
        self.assertRegex(self.table(self.cli("schedules").stdout)[1][5], r"(ago|just now): STARTED$")
        # describe finds a schedule by its name (schedule_reads: ListSchedules, then GetSchedule).
        described = self.cli_json("describe", "soon")
        self.assertEqual((described["Name"], described["GroupName"]), ("soon", "default"))
        self.assertEqual(described["LastRun"]["Result"], "STARTED")

        # info: version, cluster, the instance and its resources, beside the addresses.
        info = self.cli("info", "--data-dir", self.berth.data_dir).stdout
        self.assertRegex(info, r"(?m)^version: +berth \S+ \(")
        self.assertRegex(info, r"(?m)^cluster: +default$")
        self.assertRegex(info, r"(?m)^instance: +%s ACTIVE, agent connected$" % instance["containerInstanceArn"].rsplit("/", 1)[1])
        self.assertRegex(info, r"(?m)^resources: +CPU 0/2048 units reserved, memory \d+/1024 MiB reserved, \d+ tasks running$")
        self.assertRegex(info, r"(?m)^socket: +%s$" % re.escape(self.berth.socket_path))

    def test_deploy_rolls_out_and_a_bad_image_exits_non_zero_after_the_rollback(self):
        self.addCleanup(self.tearDown_services)
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=2, deploymentConfiguration={
            "maximumPercent": 200, "minimumHealthyPercent": 100,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}})
        self.cli("wait", "services-stable", "web")
        good = self.cli("deploy", "web", "--image", "busybox:latest", timeout=300)
        self.assertEqual(good.stdout, "web: web:1 -> web:2\n")
        self.assertIn("web:2 [####################] 2/2 running\nweb is stable\n", good.stderr)
        self.assertEqual(self.ecs.describe_task_definition(taskDefinition="web:2")["taskDefinition"]
                         ["containerDefinitions"][0]["image"], "busybox:latest")

        bad = self.cli("deploy", "web", "--image", BAD_IMAGE, check=False, timeout=300)
        self.assertEqual(bad.returncode, 1, bad.stderr)
        self.assertEqual(bad.stdout, "web: web:2 -> web:3\n")
        self.assertIn("failed", bad.stderr)
        self.assertRegex(bad.stderr, r"berth: the deployment of web failed and was rolled back: ")
        self.assertIn("rolling back", bad.stderr)  # the service's events, shown as they came
        service = self.ecs.describe_services(services=["web"])["services"][0]
        self.assertTrue(service["taskDefinition"].endswith("web:2"), service["taskDefinition"])
        # --output json prints UpdateService's reply; --no-wait returns at once.
        updated = json.loads(self.cli("deploy", "web", "--no-wait", "--output", "json").stdout)
        self.assertTrue(updated["service"]["taskDefinition"].endswith("web:4"))
        self.cli("wait", "services-stable", "web", timeout=300)
        # On a terminal the progress is one line redrawn in place (erased with CR + ESC[K).
        code, out = run_on_terminal([BERTH, "deploy", "web", "--image", "busybox:latest", "--config", "/dev/null",
                                     "--socket", self.berth.socket_path])
        self.assertEqual(code, 0, out)
        self.assertIn("web: web:4 -> web:5", out)
        redrawn = re.findall(r"\r\x1b\[K(web:5 \[[^\]]*\] \d/2 running)", out)
        self.assertTrue(redrawn, out)
        self.assertEqual(redrawn[-1], "web:5 [####################] 2/2 running")
        self.assertIn("web is stable", out)

    def test_completion_scripts_complete_verbs_and_names(self):
        script = subprocess.run([BERTH, "completion", "bash"], capture_output=True, text=True, check=True).stdout
        probe = script + '\nCOMP_WORDS=(berth se); COMP_CWORD=1; _berth; echo "${COMPREPLY[*]}"' \
                         '\nCOMP_WORDS=(berth deploy --i); COMP_CWORD=2; _berth; echo "${COMPREPLY[*]}"\n'
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
        self.assertEqual(out, ["serve services", "--image"])
        zsh = subprocess.run([BERTH, "completion", "zsh"], capture_output=True, text=True, check=True).stdout
        self.assertTrue(zsh.startswith("#compdef berth\n"))
        # zsh itself: the script loads after compinit without a word on stderr, defines _berth and
        # registers it for berth.
        path = os.path.join(self.berth.dir, "berth.zsh")
        with open(path, "w") as f:
            f.write(zsh)
        loaded = subprocess.run(["zsh", "-f", "-c", "autoload -U compinit && compinit -u -D && source %s && "
                                 "whence -w _berth && print -r -- ${_comps[berth]}" % path],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual((loaded.returncode, loaded.stderr), (0, ""))
        self.assertEqual(loaded.stdout.splitlines(), ["_berth: function", "_bash_complete -F _berth"])
        # ... and completes a verb at a Tab in an interactive zsh on a terminal.
        self.assertIn("berth services ", zsh_completes(path, "berth servic\t", "berth services "))
        self.assertEqual(subprocess.run([BERTH, "completion", "fish"], capture_output=True).returncode, 2)
