"""CloudWatch Logs on berth's endpoint (Logs_20140328.*): groups, retention, streams and events
through Debian's aws CLI and boto3, IAM logs:* policies, and awslogs containers whose output is
read back with describe-log-streams, get-log-events, filter-log-events and `aws logs tail --follow`."""
import json
import shutil
import signal
import tempfile
import os
import re
import subprocess
import threading
import time

from harness import AWS, BERTH, BerthTestCase, settled
import test_auth
from test_auth import KeysTestCase, error_of
from test_tasks import TaskTestCase, wait_for

GROUP_ARN = "arn:aws:logs:local:000000000000:log-group:"


def now_ms():
    return int(time.time() * 1000)


class LogsApiTest(BerthTestCase):
    def test_groups_streams_and_events_with_the_aws_cli(self):
        aws = self.berth.aws
        aws("create-log-group", "--log-group-name", "device/app", service="logs")
        again = aws("create-log-group", "--log-group-name", "device/app", service="logs", check=False)
        self.assertIn("ResourceAlreadyExistsException", again.stderr)
        aws("create-log-group", "--log-group-name", "device/other", service="logs")
        groups = aws("describe-log-groups", "--log-group-name-prefix", "device/a", service="logs")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["device/app"])
        self.assertEqual(groups[0]["arn"], GROUP_ARN + "device/app:*")
        bad = aws("put-retention-policy", "--log-group-name", "device/app", "--retention-in-days", "2",
                  service="logs", check=False)
        self.assertIn("InvalidParameterException", bad.stderr)
        aws("put-retention-policy", "--log-group-name", "device/app", "--retention-in-days", "7", service="logs")
        groups = aws("describe-log-groups", "--log-group-name-prefix", "device/app", service="logs")["logGroups"]
        self.assertEqual(groups[0]["retentionInDays"], 7)

        aws("create-log-stream", "--log-group-name", "device/app", "--log-stream-name", "sensor-1", service="logs")
        aws("create-log-stream", "--log-group-name", "device/app", "--log-stream-name", "sensor-2", service="logs")
        t = now_ms()
        put = aws("put-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                  "--log-events", "timestamp=%d,message=first reading" % t, "timestamp=%d,message=ERROR overheat" % (t + 1),
                  service="logs")
        self.assertNotIn("rejectedLogEventsInfo", put)
        old = aws("put-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                  "--log-events", "timestamp=%d,message=too old" % (t - 20 * 86400000), service="logs")
        # Older than the group's 7 days: expired (past CloudWatch's 14 days it would be "too old").
        self.assertEqual(old["rejectedLogEventsInfo"], {"expiredLogEventEndIndex": 1})
        wide = aws("put-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                   "--log-events", "timestamp=%d,message=a" % t, "timestamp=%d,message=b" % (t - 2 * 86400000),
                   service="logs", check=False)
        self.assertIn("cannot span more than 24 hours", wide.stderr)
        aws("put-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-2",
            "--log-events", "timestamp=%d,message=second sensor" % (t + 5), service="logs")
        missing = aws("put-log-events", "--log-group-name", "device/app", "--log-stream-name", "nope",
                      "--log-events", "timestamp=%d,message=x" % t, service="logs", check=False)
        self.assertIn("ResourceNotFoundException", missing.stderr)

        got = aws("get-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                  "--start-from-head", service="logs")
        self.assertEqual([(e["timestamp"], e["message"]) for e in got["events"]],
                         [(t, "first reading"), (t + 1, "ERROR overheat")])
        following = aws("get-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                        "--next-token", got["nextForwardToken"], service="logs")
        self.assertEqual(following["events"], [])
        self.assertEqual(following["nextForwardToken"], got["nextForwardToken"])
        ranged = aws("get-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                     "--start-time", str(t + 1), "--end-time", str(t + 2), service="logs")
        self.assertEqual([e["message"] for e in ranged["events"]], ["ERROR overheat"])

        streams = aws("describe-log-streams", "--log-group-name", "device/app", "--order-by", "LastEventTime",
                      "--descending", service="logs")["logStreams"]
        self.assertEqual([s["logStreamName"] for s in streams], ["sensor-2", "sensor-1"])
        self.assertEqual(streams[1]["firstEventTimestamp"], t)
        self.assertEqual(streams[1]["lastEventTimestamp"], t + 1)
        paged = aws("describe-log-streams", "--log-group-name", "device/app", "--max-items", "1", service="logs")
        self.assertEqual([s["logStreamName"] for s in paged["logStreams"]], ["sensor-1"])
        self.assertIn("NextToken", paged)

        filtered = aws("filter-log-events", "--log-group-name", "device/app", "--filter-pattern", "?ERROR ?second",
                       service="logs")["events"]
        self.assertEqual(sorted(e["message"] for e in filtered), ["ERROR overheat", "second sensor"])
        self.assertEqual({e["logStreamName"] for e in filtered}, {"sensor-1", "sensor-2"})

        aws("delete-log-group", "--log-group-name", "device/app", service="logs")
        gone = aws("get-log-events", "--log-group-name", "device/app", "--log-stream-name", "sensor-1",
                   service="logs", check=False)
        self.assertIn("ResourceNotFoundException", gone.stderr)
        self.assertIn("The specified log group does not exist.", gone.stderr)

    def test_events_survive_a_restart_and_respect_the_size_cap(self):
        logs = self.berth.boto3("logs")
        logs.create_log_group(logGroupName="big")
        logs.create_log_stream(logGroupName="big", logStreamName="s")
        t = now_ms()
        for batch in range(8):
            logs.put_log_events(logGroupName="big", logStreamName="s", logEvents=[
                {"timestamp": t + batch * 1000 + i, "message": "%d-%d " % (batch, i) + "x" * 1000} for i in range(100)])
        self.berth.restart()
        logs = self.berth.boto3("logs")
        events = logs.get_log_events(logGroupName="big", logStreamName="s", startFromHead=True)["events"]
        stored = sum(len(e["message"]) for e in events)
        # BERTH_LOGS_MAX_BYTES=262144 (config_text): of 800 KB put, the newest stay, the oldest went.
        self.assertLessEqual(stored, 262144)
        self.assertGreater(stored, 262144 // 2)
        self.assertEqual(events[-1]["message"].split(" ")[0], "7-99")
        self.assertNotEqual(events[0]["message"].split(" ")[0], "0-0")

    config_text = "BERTH_LOGS_MAX_BYTES=262144\n"


class LogsPolicyTest(KeysTestCase):
    policy_key = test_auth.PolicyTest.policy_key

    def test_logs_actions_go_through_the_policy_engine(self):
        self.berth.boto3("logs").create_log_group(logGroupName="ecs/demo/web")
        self.berth.boto3("logs").create_log_group(logGroupName="secret/audit")
        reader = self.berth.boto3("logs", key=self.policy_key("log-reader", [
            {"Effect": "Allow", "Action": ["logs:Describe*", "logs:GetLogEvents", "logs:FilterLogEvents"],
             "Resource": GROUP_ARN + "ecs/*"},
            {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}]))
        reader.describe_log_groups()
        reader.filter_log_events(logGroupName="ecs/demo/web")
        for call in (lambda: reader.filter_log_events(logGroupName="secret/audit"),
                     lambda: reader.create_log_group(logGroupName="ecs/new"),
                     lambda: reader.put_log_events(logGroupName="ecs/demo/web", logStreamName="s",
                                                   logEvents=[{"timestamp": now_ms(), "message": "x"}])):
            code, message, _ = error_of(call)
            self.assertEqual(code, "AccessDeniedException", message)
            self.assertIn("user/log-reader", message)


class AwsLogsContainerTest(TaskTestCase):
    SCRIPT = ("echo 'INFO starting'; echo 'ERROR disk full'; echo 'ERROR debug noise'; "
              "echo '{\"level\":\"error\",\"code\":7}'; echo '{\"level\":\"info\",\"code\":1}'; "
              "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done")

    TRACE = ("printf 'Exception in thread main: boom\\n\\tat demo.App.run(App.java:12)\\n\\tat demo.App.main(App.java:5)\\n'; "
             "echo 'INFO recovered'; exec sleep 600")

    def test_awslogs_container_output_is_read_with_the_cloudwatch_logs_api(self):
        self.register("web", [{
            "name": "main", "command": ["sh", "-c", self.SCRIPT],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "ecs/demo/web", "awslogs-region": "local", "awslogs-stream-prefix": "web",
                "awslogs-create-group": "true", "mode": "non-blocking", "max-buffer-size": "4m"}}}, {
            "name": "trace", "command": ["sh", "-c", self.TRACE],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "ecs/demo/web", "awslogs-stream-prefix": "web",
                "awslogs-multiline-pattern": "^\\S"}}}])
        arn = self.run_task("web")
        task_id = arn.rsplit("/", 1)[1]
        stream = "web/main/" + task_id
        aws = self.berth.aws

        def streams():
            out = aws("describe-log-streams", "--log-group-name", "ecs/demo/web", service="logs", check=False)
            return out.returncode == 0 and [s["logStreamName"] for s in json.loads(out.stdout)["logStreams"]]
        self.assertEqual(wait_for(lambda: len(streams() or []) == 2 and streams(), timeout=30,
                                  what="the containers' log streams"), [stream, "web/trace/" + task_id])

        # awslogs-multiline-pattern: the stack trace is one event; the line after it another, stored
        # a second after it was written (nothing follows it).
        def trace():
            events = aws("get-log-events", "--log-group-name", "ecs/demo/web", "--log-stream-name",
                         "web/trace/" + task_id, "--start-from-head", service="logs")["events"]
            return len(events) == 2 and [e["message"] for e in events]
        self.assertEqual(wait_for(trace, timeout=30, what="the joined trace"),
                         ["Exception in thread main: boom\n\tat demo.App.run(App.java:12)\n\tat demo.App.main(App.java:5)",
                          "INFO recovered"])

        def head():
            events = aws("get-log-events", "--log-group-name", "ecs/demo/web", "--log-stream-name", stream,
                         "--start-from-head", service="logs")["events"]
            return len(events) >= 6 and events
        events = wait_for(head, timeout=30, what="the container's lines")
        self.assertEqual([e["message"] for e in events[:6]],
                         ["INFO starting", "ERROR disk full", "ERROR debug noise", '{"level":"error","code":7}',
                          '{"level":"info","code":1}', "tick 0"])
        self.assertEqual([e["timestamp"] for e in events], sorted(e["timestamp"] for e in events))

        errors = aws("filter-log-events", "--log-group-name", "ecs/demo/web", "--filter-pattern", '"ERROR" -debug',
                     service="logs")["events"]
        self.assertEqual([e["message"] for e in errors], ["ERROR disk full"])
        self.assertEqual(errors[0]["logStreamName"], stream)
        json_errors = aws("filter-log-events", "--log-group-name", "ecs/demo/web", "--filter-pattern",
                          '{ $.level = "error" }', service="logs")["events"]
        self.assertEqual([e["message"] for e in json_errors], ['{"level":"error","code":7}'])
        ticks = aws("filter-log-events", "--log-group-name", "ecs/demo/web", "--log-stream-names", stream,
                    "--filter-pattern", "tick", service="logs")["events"]
        last_tick = max(int(e["message"].split()[1]) for e in ticks)

        # `aws logs tail --follow` (FilterLogEvents every 5 s) prints a line the container writes later.
        tail = subprocess.Popen([AWS, "logs", "tail", "ecs/demo/web", "--follow", "--format", "short",
                                 "--endpoint-url", self.berth.endpoint], env=self.berth.client_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(tail.kill)
        newer = []

        def read_tail():
            for line in tail.stdout:
                words = line.split()
                if len(words) >= 3 and words[-2] == "tick" and int(words[-1]) > last_tick + 2:
                    newer.append(line)
                    return
        reader = threading.Thread(target=read_tail, daemon=True)
        reader.start()
        reader.join(timeout=40)
        tail.kill()
        self.assertTrue(newer, "aws logs tail --follow printed no new line; stderr: " + (tail.stderr.read() or ""))

        # The same lines stay readable after the task stopped and berth restarted.
        self.ecs.stop_task(task=arn)
        wait_for(lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED",
                 timeout=30, what="the task stopping")
        count = settled("the stopped task's stored lines", lambda: len(aws(
            "get-log-events", "--log-group-name", "ecs/demo/web", "--log-stream-name", stream, "--start-from-head",
            service="logs")["events"]))
        self.berth.restart()
        self.ecs = self.berth.boto3()  # the restarted berth listens on a new port
        again = aws("get-log-events", "--log-group-name", "ecs/demo/web", "--log-stream-name", stream,
                    "--start-from-head", service="logs")["events"]
        self.assertEqual(len(again), count)
        self.assertEqual([e["message"] for e in again[:2]], ["INFO starting", "ERROR disk full"])

    def test_berth_logs_reads_the_store(self):
        # One container stores its lines (the group is made); the other's group does not exist, so
        # its lines wait in the shim's file, and `berth logs` reads them there.
        self.register("kept", [{
            "name": "main", "essential": False,
            "command": ["sh", "-c", "echo first; sleep 0.3; echo second >&2; sleep 0.3; i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done"],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "ecs/demo/kept", "awslogs-stream-prefix": "kept", "awslogs-create-group": "true"}}}, {
            "name": "waiting", "command": ["sh", "-c", "echo not stored yet; exec sleep 600"],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "ecs/demo/nobody-made", "awslogs-stream-prefix": "w"}}}])
        arn = self.run_task("kept")
        task_id = arn.rsplit("/", 1)[1]

        def stored():
            out = self.berth.aws("get-log-events", "--log-group-name", "ecs/demo/kept", "--log-stream-name",
                                 "kept/main/" + task_id, "--start-from-head", service="logs", check=False)
            return out.returncode == 0 and len(json.loads(out.stdout)["events"]) >= 4
        wait_for(stored, timeout=30, what="the lines stored")

        # --follow goes on printing what the container writes after it started.
        follow = subprocess.Popen([BERTH, "logs", arn, "main", "--follow", "--config", "/dev/null", "--socket",
                                   self.berth.socket_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(follow.kill)
        seen = []

        def read_follow():
            for line in follow.stdout:
                seen.append(line.rstrip("\n"))
                if len([s for s in seen if s.startswith("tick")]) >= 10:
                    return
        reader = threading.Thread(target=read_follow, daemon=True)
        reader.start()
        reader.join(timeout=30)
        follow.kill()
        ticks = [s for s in seen if s.startswith("tick")]
        self.assertGreaterEqual(len(ticks), 10, seen)
        self.assertEqual(ticks, ["tick %d" % i for i in range(len(ticks))])  # in order, none twice
        self.assertEqual(seen[:2], ["first", "second"])  # awslogs keeps no stream: stored lines are stdout

        waiting = self.logs(arn, "waiting")
        self.assertEqual(waiting.stdout, "not stored yet\n")

        self.ecs.stop_task(task=arn)
        self.wait_status(arn, "STOPPED")
        count = settled("the stopped task's stored lines", lambda: len(self.berth.aws(
            "get-log-events", "--log-group-name", "ecs/demo/kept", "--log-stream-name", "kept/main/" + task_id,
            "--start-from-head", service="logs")["events"]))
        # The shim's files gone (rotated away, or removed with the task): the store still has the lines.
        logs_dir = os.path.join(self.berth.dir, "data", "logs")
        for name in os.listdir(logs_dir):
            if name.startswith(task_id + "-main.log"):
                os.unlink(os.path.join(logs_dir, name))
        out = self.logs(arn, "main")
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        self.assertEqual(lines[:3], ["first", "second", "tick 0"])
        self.assertEqual(len(lines), count)

    # Waits for "go", prints 210,000 lines (about 9.3 MB in the shim's file, three times what its
    # rotated files hold), says so in a file, waits for "end", prints a last line. That is 9
    # rotations of the 1 MiB files: on ext4 a freed inode number goes to the next file made, so the
    # current file then has the number of the one the log ingester saw empty before the flood (a
    # file it must not take for that one: the two rotated files between were once lost uncounted).
    FLOOD_LINES = 210000
    FLOOD = ("while [ ! -e /shared/go ]; do sleep 0.1; done; seq 1 $LINES; touch /shared/printed-$NAME; "
             "while [ ! -e /shared/end ]; do sleep 0.1; done; echo after")

    def stream_messages(self, stream):
        logs, messages, token = self.berth.boto3("logs"), [], None
        while True:
            args = dict(logGroupName="ecs/demo/flood", logStreamName=stream, startFromHead=True)
            if token:
                args["nextToken"] = token
            page = logs.get_log_events(**args)
            messages += [e["message"] for e in page["events"]]
            if not page["events"] or page["nextForwardToken"] == token:
                return messages
            token = page["nextForwardToken"]

    def test_blocking_holds_an_awslogs_container_while_berth_cannot_store(self):
        printed = self.FLOOD_LINES
        shared = tempfile.mkdtemp(prefix="berth-flood-")
        self.addCleanup(shutil.rmtree, shared, True)

        def container(name, mode):
            return {"name": name, "command": ["sh", "-c", self.FLOOD], "environment": [{"name": "NAME", "value": name},
                                                                           {"name": "LINES", "value": str(printed)}],
                    "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
                    "logConfiguration": {"logDriver": "awslogs", "options": {
                        "awslogs-group": "ecs/demo/flood", "awslogs-stream-prefix": "f", "awslogs-create-group": "true",
                        "mode": mode}}}
        self.register("flood", [container("bl", "blocking"), container("nb", "non-blocking")],
                      volumes=[{"name": "shared", "host": {"sourcePath": shared}}])
        arn = self.run_task("flood")
        task_id = arn.rsplit("/", 1)[1]
        self.wait_status(arn, "RUNNING")
        # berth (and its log ingester) frozen: nothing reads the shims' files.
        os.kill(self.berth.proc.pid, signal.SIGSTOP)
        try:
            open(os.path.join(shared, "go"), "w").close()
            # non-blocking: the container runs through its lines; its shim's files let the oldest go.
            wait_for(lambda: os.path.exists(os.path.join(shared, "printed-nb")), timeout=60, what="nb printing")
            # blocking: the container waits on its full pipe while its shim keeps the unread lines.
            time.sleep(2)
            self.assertFalse(os.path.exists(os.path.join(shared, "printed-bl")),
                             "a blocking awslogs container ran past what berth could store")
        finally:
            os.kill(self.berth.proc.pid, signal.SIGCONT)
        wait_for(lambda: os.path.exists(os.path.join(shared, "printed-bl")), timeout=120, what="bl printing")
        open(os.path.join(shared, "end"), "w").close()
        self.wait_status(arn, "STOPPED", timeout=60)
        seen = {}

        def stored_to_the_end(name):
            seen[name] = self.stream_messages("f/%s/%s" % (name, task_id))
            return seen[name][-1:] == ["after"]
        try:
            wait_for(lambda: stored_to_the_end("bl"), timeout=30, what="bl stored")
        except AssertionError:
            raise AssertionError("bl stored %d lines, the last %s" % (len(seen["bl"]), seen["bl"][-3:]))
        blocking = self.stream_messages("f/bl/" + task_id)
        self.assertEqual(blocking, [str(i) for i in range(1, printed + 1)] + ["after"])  # every line, once, in order
        wait_for(lambda: self.stream_messages("f/nb/" + task_id)[-1:] == ["after"], timeout=30, what="nb stored")
        non_blocking = self.stream_messages("f/nb/" + task_id)
        self.assertLess(len(non_blocking), printed + 1)  # what rotated away while berth was frozen is lost
        # ... and counted by its shim: notices in the stream, and the total in berth's log at the exit.
        notices = [m for m in non_blocking if m.startswith("berth: ")]
        self.assertTrue(notices, "no notice of the lines rotated away unread")
        self.assertIn("the log ingester had not read them", notices[0])
        kept = [m for m in non_blocking if not m.startswith("berth: ")]
        self.assertEqual(kept[-1:], ["after"])
        total = re.search(r"container nb exited; its log driver dropped (\d+) lines in all", self.berth.log())
        self.assertIsNotNone(total, "berth's log does not give the dropped total")
        dropped = int(total.group(1))
        self.assertGreater(dropped, 0)
        self.assertEqual(len(kept) + dropped, printed + 1)  # kept plus dropped: every line written
        # The kept lines are the newest ones, in order, with no gap among them (the first may be the
        # end of a line whose start, a partial record, went with the rotated file).
        expected = [str(i) for i in range(printed + 1 - len(kept) + 1, printed + 1)] + ["after"]
        self.assertEqual(kept[1:], expected[1:])
        self.assertTrue(expected[0].endswith(kept[0]), (expected[0], kept[0]))
