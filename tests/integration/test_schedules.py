"""Scheduled tasks through the EventBridge Scheduler API, driven with the real
`aws scheduler` CLI and boto3 against real containers."""
import datetime
import json

from harness import TIME_SCALE
from test_tasks import TaskTestCase, wait_for

CLUSTER_ARN = "arn:aws:ecs:local:000000000000:cluster/default"
ROLE_ARN = "arn:aws:iam::000000000000:role/scheduler"


def target(family="job", **ecs):
    return {"Arn": CLUSTER_ARN, "RoleArn": ROLE_ARN, "EcsParameters": dict({"TaskDefinitionArn": family}, **ecs)}


def at_from_now(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return "at(%s)" % when.strftime("%Y-%m-%dT%H:%M:%S")


class ScheduleTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("job", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.scheduler = self.berth.boto3("scheduler")

    def schedule_cli(self, *args, check=True):
        return self.berth.aws(*args, check=check, service="scheduler")

    def tasks_started_by(self, name):
        return self.ecs.list_tasks(startedBy="scheduler/" + name, desiredStatus="RUNNING")["taskArns"] + \
            self.ecs.list_tasks(startedBy="scheduler/" + name, desiredStatus="STOPPED")["taskArns"]

    def test_an_at_schedule_a_few_seconds_ahead_runs_its_task_once(self):
        # Created through boto3, which sends at once (an aws CLI process can take seconds on a slow
        # gateway), a little ahead: an at() already past when created never runs. The CLI's
        # create-schedule is test_create_get_list_update_delete_with_the_aws_cli.
        created = self.scheduler.create_schedule(Name="once", ScheduleExpression=at_from_now(2 * TIME_SCALE + 1),
                                                 FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        self.assertEqual(created["ScheduleArn"], "arn:aws:scheduler:local:000000000000:schedule/default/once")
        arns = wait_for(lambda: self.tasks_started_by("once"), timeout=20, what="the scheduled task")
        self.assertEqual(len(arns), 1)
        task = self.ecs.describe_tasks(tasks=arns)["tasks"][0]
        wait_for(lambda: self.ecs.describe_tasks(tasks=arns)["tasks"][0]["lastStatus"] == "RUNNING", what="RUNNING")
        self.assertEqual(task["startedBy"], "scheduler/once")
        # That it runs once only (no second run) is a unit test of the runner with a fake clock.
        got = self.schedule_cli("get-schedule", "--name", "once")
        self.assertEqual(got["State"], "ENABLED")
        self.assertNotIn("NextInvocation", got)
        raw = self.berth.raw(None, b"", method="GET", path="/schedules/once")[1]
        self.assertEqual(raw["LastRun"]["Result"], "STARTED")
        self.assertEqual(raw["LastRun"]["TaskArns"], arns)

    def test_create_get_list_update_delete_with_the_aws_cli(self):
        tgt = target(TaskCount=2, Group="nightly",
                     PlacementStrategy=[{"type": "spread", "field": "instanceId"}])
        for name in ("nightly-a", "nightly-b", "other"):
            self.schedule_cli("create-schedule", "--name", name, "--schedule-expression", "cron(30 2 ? * MON-FRI *)",
                              "--schedule-expression-timezone", "Europe/Berlin", "--description", "backup",
                              "--flexible-time-window", '{"Mode":"FLEXIBLE","MaximumWindowInMinutes":10}',
                              "--target", json.dumps(tgt))
        got = self.schedule_cli("get-schedule", "--name", "nightly-a")
        self.assertEqual(got["ScheduleExpression"], "cron(30 2 ? * MON-FRI *)")
        self.assertEqual(got["ScheduleExpressionTimezone"], "Europe/Berlin")
        self.assertEqual(got["Target"]["EcsParameters"]["TaskCount"], 2)
        self.assertEqual(got["FlexibleTimeWindow"], {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10})
        self.assertEqual(got["Description"], "backup")
        # 02:30 in Berlin is 00:30 or 01:30 UTC, on a weekday.
        raw = self.berth.raw(None, b"", method="GET", path="/schedules/nightly-a")[1]
        nxt = datetime.datetime.fromtimestamp(raw["NextInvocation"], datetime.timezone.utc)
        self.assertIn((nxt.hour, nxt.minute), [(0, 30), (1, 30)])
        self.assertLess(nxt.weekday(), 5)
        created_at = self.scheduler.get_schedule(Name="nightly-a")["CreationDate"]

        listed = self.schedule_cli("list-schedules", "--name-prefix", "nightly")["Schedules"]
        self.assertEqual([s["Name"] for s in listed], ["nightly-a", "nightly-b"])
        self.assertEqual(listed[0]["Target"]["Arn"], CLUSTER_ARN)
        page = self.scheduler.list_schedules(MaxResults=1)
        self.assertEqual(len(page["Schedules"]), 1)
        rest = self.scheduler.list_schedules(MaxResults=5, NextToken=page["NextToken"])
        self.assertEqual([s["Name"] for s in page["Schedules"] + rest["Schedules"]], ["nightly-a", "nightly-b", "other"])
        self.assertNotIn("NextToken", rest)

        self.schedule_cli("update-schedule", "--name", "nightly-a", "--schedule-expression", "rate(5 minutes)",
                          "--state", "DISABLED", "--flexible-time-window", '{"Mode":"OFF"}',
                          "--target", json.dumps(target()))
        self.assertEqual([s["Name"] for s in self.scheduler.list_schedules(State="DISABLED")["Schedules"]], ["nightly-a"])
        updated = self.scheduler.get_schedule(Name="nightly-a")
        self.assertEqual((updated["State"], updated["ScheduleExpression"]), ("DISABLED", "rate(5 minutes)"))
        self.assertEqual(updated["CreationDate"], created_at)
        self.assertGreaterEqual(updated["LastModificationDate"], created_at)

        self.schedule_cli("delete-schedule", "--name", "nightly-a")
        missing = self.schedule_cli("get-schedule", "--name", "nightly-a", check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("ResourceNotFoundException", missing.stderr)
        again = self.schedule_cli("create-schedule", "--name", "other", "--schedule-expression", "rate(1 hour)",
                                  "--flexible-time-window", '{"Mode":"OFF"}', "--target", json.dumps(target()),
                                  check=False)
        self.assertIn("ConflictException", again.stderr)

    def test_bad_requests_are_validation_errors_and_change_nothing(self):
        self.schedule_cli("create-schedule", "--name", "keep", "--schedule-expression", "rate(1 hour)",
                          "--flexible-time-window", '{"Mode":"OFF"}', "--target", json.dumps(target()))
        def keep():
            reply = self.scheduler.get_schedule(Name="keep")
            reply.pop("ResponseMetadata")
            return reply
        before = keep()
        bad = [
            ("cron(0 9 * * * *)", {}, "day-of-month and day-of-week"),
            ("rate(0 minutes)", {}, "rate"),
            ("rate(1 hour)", {"ScheduleExpressionTimezone": "../../etc/passwd"}, "time zone"),
            ("rate(1 hour)", {"Target": dict(target(), Arn="arn:aws:sqs:local:000000000000:q")}, "ECS cluster"),
            ("rate(1 hour)", {"Target": dict(target(), EcsParameters={"TaskDefinitionArn": "job", "TaskCount": 11})},
             "TaskCount"),
        ]
        for expression, extra, words in bad:
            body = dict({"ScheduleExpression": expression, "FlexibleTimeWindow": {"Mode": "OFF"},
                         "Target": target()}, **extra)
            status, reply, headers = self.berth.raw(None, json.dumps(body), method="POST", path="/schedules/keep2")
            self.assertEqual(status, 400, (expression, extra, reply))
            self.assertEqual(headers.get("x-amzn-ErrorType"), "ValidationException")
            self.assertIn(words, reply["Message"])
        status, reply, _ = self.berth.raw(None, b'{"ScheduleExpression": ', method="PUT", path="/schedules/keep")
        self.assertEqual(status, 400)
        # The CLI sees the same errors, with the message.
        out = self.schedule_cli("create-schedule", "--name", "x", "--schedule-expression", "cron(61 * * * ? *)",
                                "--flexible-time-window", '{"Mode":"OFF"}', "--target", json.dumps(target()),
                                check=False)
        self.assertIn("ValidationException", out.stderr)
        self.assertIn("minutes", out.stderr)
        self.assertEqual(keep(), before)
        self.assertEqual([s["Name"] for s in self.scheduler.list_schedules()["Schedules"]], ["keep"])

    def test_skip_if_running_and_delete_after_completion(self):
        # Not in this awscli's model: device apps send these members over REST.
        body = {"ScheduleExpression": at_from_now(2), "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": target(),
                "OverlapPolicy": "SKIP_IF_RUNNING", "ActionAfterCompletion": "NONE"}
        status, reply, _ = self.berth.raw(None, json.dumps(body), path="/schedules/guarded")
        self.assertEqual(status, 200, reply)
        first = wait_for(lambda: self.tasks_started_by("guarded"), timeout=20, what="first run")
        # A second run while the first task still runs is skipped.
        body["ScheduleExpression"] = at_from_now(2)
        status, reply, _ = self.berth.raw(None, json.dumps(body), method="PUT", path="/schedules/guarded")
        self.assertEqual(status, 200, reply)
        wait_for(lambda: self.berth.raw(None, b"", method="GET", path="/schedules/guarded")[1]
                 .get("LastRun", {}).get("Result") == "SKIPPED", timeout=20, what="skipped run")
        self.assertEqual(self.tasks_started_by("guarded"), first)

        body = {"ScheduleExpression": at_from_now(2), "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": target(),
                "ActionAfterCompletion": "DELETE"}
        self.assertEqual(self.berth.raw(None, json.dumps(body), path="/schedules/one-shot")[0], 200)
        wait_for(lambda: self.berth.raw(None, b"", method="GET", path="/schedules/one-shot")[0] == 404,
                 timeout=20, what="one-shot schedule deleted")
        self.assertEqual(len(self.tasks_started_by("one-shot")), 1)

    def test_schedules_survive_a_restart(self):
        self.schedule_cli("create-schedule", "--name", "durable", "--schedule-expression", "cron(0 3 * * ? *)",
                          "--schedule-expression-timezone", "America/New_York",
                          "--flexible-time-window", '{"Mode":"OFF"}', "--target", json.dumps(target()))
        before = self.berth.raw(None, b"", method="GET", path="/schedules/durable")[1]
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.assertEqual(self.berth.raw(None, b"", method="GET", path="/schedules/durable")[1], before)
