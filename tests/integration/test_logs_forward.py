"""Store-and-forward of CloudWatch Logs (BERTH_LOGS_FORWARD_URL): a gateway berth runs an awslogs
task printing numbered lines and ships them to a second, real berth acting as the central
CloudWatch Logs endpoint, with a key made there by `berth key create`. The central berth is
stopped for a while and started again, then the sender is SIGKILLed mid-stream and restarted:
the central stream must hold every line exactly once, in order."""
import json
import os
import re
import signal
import subprocess

from harness import BERTH, Berth, settled
from registry import free_port
from test_tasks import TaskTestCase, wait_for

GROUP = "ecs/demo/web"
# 20 numbered lines a second, for as long as the test runs.
SCRIPT = "i=0; while true; do echo \"line $i\"; i=$((i+1)); sleep 0.05; done"


def messages(berth, stream):
    """Every message of `stream` on `berth`, oldest first (GetLogEvents paged forwards)."""
    return stream_messages(berth.boto3("logs"), GROUP, stream)


def stream_messages(logs, group, stream):
    """Every message of `group`'s `stream` through the boto3 client `logs`, oldest first; [] while
    the stream does not exist."""
    out, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {"startFromHead": True}
        try:
            page = logs.get_log_events(logGroupName=group, logStreamName=stream, **kwargs)
        except logs.exceptions.ResourceNotFoundException:
            return []
        out += [e["message"] for e in page["events"]]
        if not page["events"] or page["nextForwardToken"] == token:
            return out
        token = page["nextForwardToken"]


def numbers(lines):
    """The line numbers, checked to be the whole run from 0 with none twice."""
    got = [int(m.group(1)) for m in (re.fullmatch(r"line (\d+)", line) for line in lines) if m]
    if len(got) != len(lines):
        raise AssertionError("unexpected messages: %r" % [line for line in lines if not re.fullmatch(r"line \d+", line)])
    return got


class LogsForwardTest(TaskTestCase):
    def setUp(self):
        # A fixed port: the central berth must come back on it after its stop (0 picks a new one).
        self.central = Berth(["--listen", "127.0.0.1:%d" % free_port()], "")
        self.central.start()
        self.addCleanup(self.central.cleanup)
        # The documented way: a key of the central berth allowed logs:* only, in the file
        # `berth key create` prints, named by BERTH_LOGS_FORWARD_KEY_FILE.
        policy = os.path.join(self.central.dir, "forwarder.json")
        with open(policy, "w") as f:
            json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}, f)
        created = subprocess.run([BERTH, "key", "create", "forwarder", "--policy", policy, "--config", "/dev/null",
                                  "--socket", self.central.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(created.returncode, 0, created.stderr)
        key_file = os.path.join(self.central.dir, "forwarder.key")
        with open(key_file, "w") as f:
            f.write(created.stdout)
        self.config_text = (TaskTestCase.config_text + "BERTH_LOGS_FORWARD_URL=%s\nBERTH_LOGS_FORWARD_KEY_FILE=%s\n"
                            % (self.central.endpoint, key_file))
        super().setUp()

    def local_numbers(self, stream):
        return numbers(messages(self.berth, stream))

    def test_lines_arrive_once_in_order_through_an_outage_and_a_sigkill(self):
        self.register("web", [{
            "name": "main", "command": ["sh", "-c", SCRIPT],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": GROUP, "awslogs-region": "local", "awslogs-stream-prefix": "web",
                "awslogs-create-group": "true"}}}])
        arn = self.run_task("web")
        stream = "web/main/" + arn.rsplit("/", 1)[1]

        # The central berth's `aws logs get-log-events` shows the lines, in order.
        wait_for(lambda: len(messages(self.central, stream)) >= 20, timeout=30, what="the first lines at the central berth")
        shown = self.central.aws("get-log-events", "--log-group-name", GROUP, "--log-stream-name", stream,
                                 "--start-from-head", service="logs")["events"]
        self.assertEqual(numbers([e["message"] for e in shown]), list(range(len(shown))))
        self.assertEqual([e["timestamp"] for e in shown], sorted(e["timestamp"] for e in shown))

        # The central berth away: the gateway keeps storing lines, then ships them all.
        self.central.stop()
        before = len(self.local_numbers(stream))
        wait_for(lambda: len(self.local_numbers(stream)) >= before + 100, timeout=30, what="lines stored meanwhile")
        self.assertIn("log forwarder", self.berth.log())
        self.central.start()
        stored = len(self.local_numbers(stream))
        wait_for(lambda: len(messages(self.central, stream)) >= stored, timeout=90, what="the backlog at the central berth")
        self.assertEqual(numbers(messages(self.central, stream)), list(range(len(messages(self.central, stream)))))

        # SIGKILL of the sender mid-stream (lines coming, batches going), then a restart.
        self.berth.restart(signal.SIGKILL)
        self.ecs = self.berth.boto3()
        reached = len(messages(self.central, stream))
        wait_for(lambda: len(messages(self.central, stream)) >= reached + 100, timeout=60,
                 what="lines after the restart at the central berth")

        # A SIGKILL right after the central berth acknowledged a batch, before the cursor file
        # says so: the sender is killed as soon as the file changes, and the file is put back as it
        # was before that batch. The restarted sender finds the batch at the central berth.
        cursors = os.path.join(self.berth.data_dir, "cloudwatch-logs-forward.json")

        def read_cursors():
            with open(cursors) as f:
                return f.read()
        previous = read_cursors()
        current = wait_for(lambda: read_cursors() != previous and read_cursors(), timeout=30, interval=0.005,
                           what="a batch acknowledged")
        self.berth.stop(signal.SIGKILL)
        self.assertNotEqual(current, previous)
        with open(cursors + ".rollback", "w") as f:
            f.write(previous)
        os.rename(cursors + ".rollback", cursors)
        self.berth.start()
        self.ecs = self.berth.boto3()
        after_rollback = self.berth.log_path

        # Stop the task; once the gateway's last line is at the central berth, both hold the same.
        self.ecs.stop_task(task=arn)
        wait_for(lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED",
                 timeout=30, what="the task stopping")
        # The gateway may still store the task's last lines after STOPPED (its ingester follows the
        # file), so its stream is read until it stops growing; then the central berth must come to
        # hold the same lines.
        local = settled("the gateway's stream", lambda: self.local_numbers(stream))
        self.assertEqual(local, list(range(len(local))), "lost or duplicated lines on the gateway")
        self.assertGreaterEqual(len(local), reached + 100, "fewer lines on the gateway than it had forwarded")
        wait_for(lambda: len(messages(self.central, stream)) >= len(local), timeout=60, what="the last lines centrally")
        central = numbers(messages(self.central, stream))
        self.assertEqual(central, local, "lost or duplicated lines at the central berth")
        with open(after_rollback) as f:
            found = [line for line in f if "not sent again" in line]
        self.assertTrue(found, "the rolled-back batch was not looked for at the central berth")
        print("forwarded %d lines; after the rollback: %s" % (len(central), found[0].strip()))
