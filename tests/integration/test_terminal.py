"""Terminals and stdin on real containers: pseudoTerminal gives the container a pty (held by its
monitor, logged as stdout), interactive keeps its stdin open for `berth attach`, and `berth exec`
runs a command in a running container with pass-through stdio. attach talks to the runtime files
directly, and exec does when no daemon answers (root), so both work while berth restarts."""
import json
import os
import pty
import re
import select
import signal
import stat
import subprocess
import threading
import time

from harness import BERTH, TIME_SCALE
from test_tasks import TaskTestCase, wait_for


class Reader:
    """Collects a process's output without blocking the test on it."""

    def __init__(self, fd):
        self.fd = fd
        self.text = ""

    def until(self, pattern, timeout=20):
        deadline = time.time() + timeout * TIME_SCALE
        while not re.search(pattern, self.text):
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("timed out waiting for %r in %r" % (pattern, self.text))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # a pty master reads EIO once the other side closed
                    chunk = b""
                if not chunk:
                    raise AssertionError("output ended without %r: %r" % (pattern, self.text))
                self.text += chunk.decode(errors="replace")
        return self.text


class TerminalTestCase(TaskTestCase):
    def verb(self, *words, **kwargs):
        # No daemon answers on this socket: exec takes root's direct path (test_exec_api covers the daemon's).
        return [BERTH] + list(words[:1]) + ["--config", "/dev/null", "--run-dir", os.path.join(self.berth.dir, "run"),
                                            "--socket", os.path.join(self.berth.dir, "no-daemon.sock")] + list(words[1:])

    def attach(self, task, container):
        proc = subprocess.Popen(self.verb("attach", task, container), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.addCleanup(lambda: proc.poll() is not None or (proc.kill(), proc.wait()))
        return proc, Reader(proc.stdout.fileno())

    def exec_(self, *words, **kwargs):
        return subprocess.run(self.verb("exec", *words), capture_output=True, text=True, timeout=30, **kwargs)

    def log_lines(self, arn, container):
        return [line for line in self.logs(arn, container).stdout.splitlines() if line]

    def start(self, family, containers):
        for c in containers:
            c.setdefault("stopTimeout", 1)
        self.register(family, containers, network_mode="none")
        arn = self.run_task(family)
        self.wait_status(arn, "RUNNING")
        return arn, arn.rsplit("/", 1)[1]


class TerminalTest(TerminalTestCase):
    def test_pseudo_terminal_gives_the_container_a_tty_and_others_none(self):
        report = "tty; if [ -t 0 ]; then echo stdin-tty; else echo stdin-not-tty; fi; echo TERM=$TERM; exec sleep 300"
        arn, _ = self.start("tty", [{"name": "term", "pseudoTerminal": True, "command": ["sh", "-c", report]},
                                    {"name": "plain", "command": ["sh", "-c", report]}])
        term = wait_for(lambda: (lambda out: out if len(out) >= 3 else None)(self.log_lines(arn, "term")),
                        what="the terminal container's output")
        self.assertRegex(term[0], r"^/dev/pts/\d+$")
        self.assertEqual(term[1:3], ["stdin-tty", "TERM=xterm"])  # one line each: no \r in the log
        plain = wait_for(lambda: (lambda out: out if len(out) >= 3 else None)(self.log_lines(arn, "plain")),
                         what="the plain container's output")
        self.assertEqual(plain[:3], ["not a tty", "stdin-not-tty", "TERM="])

    def test_a_terminal_and_attach_work_for_a_name_too_long_for_a_socket_path(self):
        # The console and attach sockets live in the container's state directory, whose path is
        # then beyond what a unix socket address holds; both are reached through /proc/.../fd.
        name = "c" * 120
        arn, task_id = self.start("longname", [{"name": name, "pseudoTerminal": True, "interactive": True,
                                                "command": ["sh", "-c", "tty; read line; echo got $line; exec sleep 300"]}])
        state_dir = os.path.join(self.berth.dir, "run", "containers", task_id + "-" + name)
        self.assertGreater(len(os.path.join(state_dir, "console.sock")), 108)
        lines = wait_for(lambda: self.log_lines(arn, name), what="the container's output")
        self.assertRegex(lines[0], r"^/dev/pts/\d+$")
        proc, out = self.attach(task_id, name)
        proc.stdin.write(b"far\n")
        proc.stdin.flush()
        out.until(r"got far")
        # The terminal echoes what is typed, so the input shows in the log too.
        wait_for(lambda: "far" in self.log_lines(arn, name), what="the echoed input in the log")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)

    def test_attach_feeds_an_interactive_container_and_survives_berth_restarts(self):
        arn, task_id = self.start("chat", [{"name": "main", "interactive": True,
                                            "command": ["sh", "-c", "while read line; do echo got $line; done"]}])
        socket_path = os.path.join(self.berth.dir, "run", "containers", task_id + "-main", "attach.sock")
        info = os.stat(socket_path)
        self.assertTrue(stat.S_ISSOCK(info.st_mode))
        self.assertEqual((stat.S_IMODE(info.st_mode), info.st_uid), (0o600, 0))

        proc, out = self.attach(arn, "main")  # by ARN
        proc.stdin.write(b"hello\n")
        proc.stdin.flush()
        out.until(r"got hello\n")
        self.assertIn("got hello", self.log_lines(arn, "main"))
        # Detaching (Ctrl-C) leaves the container running.
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        time.sleep(0.5)
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")

        # The monitor owns stdin and the socket, so berth's restart changes nothing for attach.
        self.berth.restart()
        self.ecs = self.berth.boto3()
        proc, out = self.attach(task_id, "main")  # by id
        proc.stdin.write(b"again\n")
        proc.stdin.close()  # the end of this input does not end the container's
        out.until(r"got again\n")
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")
        # When the container ends, attach exits with its exit code (SIGKILL after stopTimeout).
        self.ecs.stop_task(task=arn)
        self.assertEqual(proc.wait(timeout=30), 137)
        stopped = self.wait_status(arn, "STOPPED")
        self.assertEqual(self.container(stopped, "main")["exitCode"], 137)
        self.assertIn("got again", self.log_lines(arn, "main"))

    def test_attach_to_an_interactive_terminal_and_its_exit(self):
        arn, task_id = self.start("ttychat", [{"name": "main", "interactive": True, "pseudoTerminal": True, "essential": True,
                                               "command": ["sh", "-c", "[ -t 0 ] && read line && echo got $line; exit 4"]}])
        proc, out = self.attach(task_id, "main")
        proc.stdin.write(b"hi\n")
        proc.stdin.flush()
        out.until(r"got hi")
        self.assertEqual(proc.wait(timeout=30), 4)
        stopped = self.wait_status(arn, "STOPPED")
        self.assertEqual(self.container(stopped, "main")["exitCode"], 4)
        self.assertIn("got hi", self.log_lines(arn, "main"))

    def test_attach_shows_output_while_the_container_reads_no_input(self):
        # Input the container never takes must not hold up its output or its exit code.
        arn, task_id = self.start("deaf", [{"name": "main", "interactive": True, "essential": True,
                                            "command": ["sh", "-c", "sleep 2; echo done; exit 3"]}])
        proc, out = self.attach(task_id, "main")

        def flood():
            try:
                for _ in range(64):
                    proc.stdin.write(b"x" * 65536)
                    proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # attach ended while input still waited

        writer = threading.Thread(target=flood, daemon=True)
        writer.start()
        out.until(r"done")
        self.assertEqual(proc.wait(timeout=30), 3)
        self.wait_status(arn, "STOPPED")

    def test_attach_takes_a_short_prefix_of_the_task_id(self):
        # No daemon answers: the prefix is looked up among the runtime's container state dirs.
        arn, task_id = self.start("talker", [{"name": "main", "command": [
            "sh", "-c", "while true; do echo tick-$$; sleep 1; done"]}])
        proc, out = self.attach(task_id[:6], "main")
        out.until(r"tick-\d+")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        # A prefix no running task has is refused as before; so is one with another container.
        other = "0" if task_id[0] != "0" else "1"
        missing = subprocess.run(self.verb("attach", other, "main"), capture_output=True, text=True, timeout=10)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("is not running on this gateway", missing.stderr)
        wrong = subprocess.run(self.verb("attach", task_id[:6], "other"), capture_output=True, text=True, timeout=10)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("is not running on this gateway", wrong.stderr)

    def test_attach_without_a_running_container_or_with_bad_words(self):
        arn, task_id = self.start("idle", [{"name": "main", "command": ["sleep", "300"]}])
        missing = subprocess.run(self.verb("attach", task_id, "other"), capture_output=True, text=True, timeout=10)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("is not running on this gateway", missing.stderr)
        bad = subprocess.run(self.verb("attach", "../" + task_id, "main"), capture_output=True, text=True, timeout=10)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("is not a task id or ARN", bad.stderr)
        # Input to a container without interactive is dropped; its output still arrives.
        proc, out = self.attach(task_id, "main")
        proc.stdin.write(b"ignored\n")
        proc.stdin.close()
        time.sleep(0.5)
        self.assertIsNone(proc.poll())
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")

    def test_exec_runs_a_command_with_its_status_and_stdio(self):
        arn, task_id = self.start("execd", [{"name": "main", "command": ["sleep", "300"], "user": "1000",
                                             "workingDirectory": "/tmp",
                                             "environment": [{"name": "GREETING", "value": "from-def"}]}])
        done = self.exec_(arn, "main", "--", "sh", "-c", "echo hi; echo $GREETING; id -u; pwd; echo oops >&2; exit 3")
        self.assertEqual(done.returncode, 3)
        # The container's user, environment and working directory.
        self.assertEqual(done.stdout, "hi\nfrom-def\n1000\n/tmp\n")
        self.assertEqual(done.stderr, "oops\n")
        # -i passes input through; without it the command reads none.
        self.assertEqual(self.exec_("-i", task_id, "main", "--", "cat", input="piped\n").stdout, "piped\n")
        self.assertEqual(self.exec_(task_id, "main", "--", "cat", input="piped\n").stdout, "")
        plain = self.exec_(task_id, "main", "--", "sh", "-c", "[ -t 0 ] || echo no-tty")
        self.assertEqual(plain.stdout, "no-tty\n")
        # -t needs a terminal here; with one, the command gets its own.
        refused = self.exec_("-t", task_id, "main", "--", "true")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("needs a terminal", refused.stderr)
        master, slave = pty.openpty()
        proc = subprocess.Popen(self.verb("exec", "-t", task_id, "main", "--", "sh", "-c", "[ -t 0 ] && tty; exit 5"),
                                stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        Reader(master).until(r"/dev/pts/\d+")
        self.assertEqual(proc.wait(timeout=30), 5)
        os.close(master)
        missing = self.exec_(task_id, "nope", "--", "true")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("is not running on this gateway", missing.stderr)
        usage = self.exec_(task_id, "main")
        self.assertEqual(usage.returncode, 2)
        self.assertIn("needs a command after --", usage.stderr)
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")


class TerminalRestartTest(TerminalTestCase):
    # A container must run for 1 s before it exits to be restarted (ECS's minimum is 60 s).
    config_text = TaskTestCase.config_text + "BERTH_RESTART_ATTEMPT_PERIOD_SECONDS=1\n"

    def test_a_terminal_container_restarted_in_place_keeps_its_terminal_and_stdin(self):
        # Debian's boto3 predates restartPolicy: the definition goes as raw JSON.
        body = {"family": "ttyagain", "networkMode": "none", "containerDefinitions": [{
            "name": "main", "image": "busybox", "memory": 64, "stopTimeout": 1,
            "pseudoTerminal": True, "interactive": True, "restartPolicy": {"enabled": True},
            "command": ["sh", "-c", "n=$(cat /n 2>/dev/null || echo 0); echo $((n+1)) > /n; tty; echo run $n; "
                                    "[ $n -lt 1 ] && { sleep 2; exit 3; }; read line; echo got $line; exec sleep 300"]}]}
        status, reply, _ = self.berth.raw("RegisterTaskDefinition", json.dumps(body))
        self.assertEqual(status, 200, reply)
        arn = self.run_task("ttyagain")
        task_id = arn.rsplit("/", 1)[1]
        lines = wait_for(lambda: (lambda out: out if "run 1" in out else None)(self.log_lines(arn, "main")),
                         what="the restarted run's output")
        self.assertEqual(len([line for line in lines if re.match(r"^/dev/pts/\d+$", line)]), 2, lines)
        # The new monitor serves the attach socket with the terminal as stdin again.
        proc, out = self.attach(task_id, "main")
        proc.stdin.write(b"back\n")
        proc.stdin.flush()
        out.until(r"got back")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")
