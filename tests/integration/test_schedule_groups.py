"""EventBridge Scheduler schedule groups and tags through the `aws scheduler` CLI and boto3, the
default RetryPolicy, a failed run retried on the real gateway, and unknown Scheduler routes."""
import datetime
import json

import botocore.exceptions

from test_schedules import target
from test_tasks import TaskTestCase, wait_for

SCHEDULER = "arn:aws:scheduler:local:000000000000:"


class ScheduleGroupTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("job", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        self.scheduler = self.berth.boto3("scheduler")

    def cli(self, *args, check=True):
        return self.berth.aws(*args, check=check, service="scheduler")

    def error_of(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]["Code"], caught.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_groups_with_the_aws_cli(self):
        created = self.cli("create-schedule-group", "--name", "ops", "--tags", "Key=team,Value=edge")
        self.assertEqual(created["ScheduleGroupArn"], SCHEDULER + "schedule-group/ops")
        got = self.cli("get-schedule-group", "--name", "ops")
        self.assertEqual((got["Name"], got["State"], got["Arn"]), ("ops", "ACTIVE", SCHEDULER + "schedule-group/ops"))
        listed = self.cli("list-schedule-groups")
        self.assertEqual([g["Name"] for g in listed["ScheduleGroups"]], ["default", "ops"])
        self.assertEqual([g["Name"] for g in self.cli("list-schedule-groups", "--name-prefix", "op")["ScheduleGroups"]],
                         ["ops"])
        self.assertEqual(self.error_of(self.scheduler.create_schedule_group, Name="ops"), ("ConflictException", 409))

        self.scheduler.create_schedule(Name="nightly", GroupName="ops", ScheduleExpression="rate(1 day)",
                                       FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        self.scheduler.create_schedule(Name="kept", ScheduleExpression="rate(1 day)",
                                       FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        self.assertEqual(self.error_of(self.scheduler.create_schedule, Name="x", GroupName="nope",
                                       ScheduleExpression="rate(1 day)", FlexibleTimeWindow={"Mode": "OFF"},
                                       Target=target()), ("ResourceNotFoundException", 404))
        self.cli("delete-schedule-group", "--name", "ops")
        self.assertEqual(self.error_of(self.scheduler.get_schedule_group, Name="ops"), ("ResourceNotFoundException", 404))
        self.assertEqual(self.error_of(self.scheduler.get_schedule, Name="nightly", GroupName="ops"),
                         ("ResourceNotFoundException", 404))
        self.assertEqual([s["Name"] for s in self.scheduler.list_schedules()["Schedules"]], ["kept"])
        self.assertEqual(self.error_of(self.scheduler.delete_schedule_group, Name="default"), ("ValidationException", 400))
        self.assertEqual(self.error_of(self.scheduler.delete_schedule_group, Name="ops"), ("ResourceNotFoundException", 404))

    def test_tags_on_groups_and_schedules(self):
        self.scheduler.create_schedule_group(Name="ops", Tags=[{"Key": "team", "Value": "edge"}])
        group = SCHEDULER + "schedule-group/ops"
        self.cli("tag-resource", "--resource-arn", group, "--tags", "Key=tier,Value=1")
        self.assertEqual(self.cli("list-tags-for-resource", "--resource-arn", group)["Tags"],
                         [{"Key": "team", "Value": "edge"}, {"Key": "tier", "Value": "1"}])
        self.cli("untag-resource", "--resource-arn", group, "--tag-keys", "team", "tier")
        self.assertEqual(self.scheduler.list_tags_for_resource(ResourceArn=group)["Tags"], [])

        self.scheduler.create_schedule(Name="nightly", GroupName="ops", ScheduleExpression="rate(1 day)",
                                       FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        schedule = SCHEDULER + "schedule/ops/nightly"
        self.scheduler.tag_resource(ResourceArn=schedule, Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(self.scheduler.list_tags_for_resource(ResourceArn=schedule)["Tags"], [{"Key": "k", "Value": "v"}])
        self.assertEqual(self.error_of(self.scheduler.list_tags_for_resource, ResourceArn=SCHEDULER + "schedule-group/nope"),
                         ("ResourceNotFoundException", 404))
        self.assertEqual(self.error_of(self.scheduler.tag_resource, ResourceArn=group,
                                       Tags=[{"Key": "aws:x", "Value": "v"}]), ("ValidationException", 400))
        # Scheduler takes 0 to 200 tags in a call: none changes nothing.
        self.scheduler.tag_resource(ResourceArn=schedule, Tags=[])
        self.assertEqual(self.scheduler.list_tags_for_resource(ResourceArn=schedule)["Tags"], [{"Key": "k", "Value": "v"}])

    def test_default_retry_policy_and_a_failed_run_retried(self):
        self.scheduler.create_schedule(Name="plain", ScheduleExpression="rate(1 day)",
                                       FlexibleTimeWindow={"Mode": "OFF"}, Target=target())
        self.assertEqual(self.cli("get-schedule", "--name", "plain")["Target"]["RetryPolicy"],
                         {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185})
        # More memory than the gateway offers (BERTH_MEMORY_MIB=1024): every attempt places nothing.
        self.register("huge", [{"name": "main", "memory": 4096, "command": ["sleep", "1"]}])
        tgt = dict(target("huge"), RetryPolicy={"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600})
        # A one-time schedule a few seconds ahead, so the test waits seconds, not a rate's minute.
        soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
        soon = soon.strftime("%Y-%m-%dT%H:%M:%S")
        self.scheduler.create_schedule(Name="retried", ScheduleExpression="at(%s)" % soon,
                                       FlexibleTimeWindow={"Mode": "OFF"}, Target=tgt)
        got = self.scheduler.get_schedule(Name="retried")
        self.assertEqual(got["Target"]["RetryPolicy"], {"MaximumEventAgeInSeconds": 600, "MaximumRetryAttempts": 2})

        def settled_run(retry, pending):
            """LastRun, read once a poll, once it is the record of a failed attempt that names
            retry `retry`: as pending (RetryAt set; the attempt before it failed, the scheduled run
            for retry 1) or as the last (no RetryAt: retry `retry` failed and the policy allows no
            more). Each retry is first claimed as {Retry, Result STARTING}, without RetryAt."""
            run = self.berth.raw(None, b"", method="GET", path="/schedules/retried")[1].get("LastRun", {})
            settled = run.get("Result") != "STARTING" and ("RetryAt" in run) == pending
            return run if run.get("Retry") == retry and settled else None
        first = wait_for(lambda: settled_run(1, pending=True), timeout=30, what="the first failure")
        self.assertEqual(first["Result"], "FAILED")
        # The first retry a second after the failed attempt (StartedAt has a fraction).
        self.assertIn(first["RetryAt"] - int(first["StartedAt"]), (1, 2))
        final = wait_for(lambda: settled_run(2, pending=False), timeout=30,
                         what="the second retry, the last the policy allows")
        self.assertEqual(final["Result"], "FAILED")
        self.assertEqual(final["ScheduledTime"], first["ScheduledTime"])
        self.assertIn("RetryPolicy exhausted", final["Reason"])

    def test_unknown_scheduler_routes_are_404_resource_not_found(self):
        for method, path in (("GET", "/schedules/a/b"), ("PUT", "/schedule-groups/ops"), ("GET", "/tags"),
                             ("PATCH", "/schedules"), ("GET", "/schedule-groups/a/b")):
            with self.subTest(method=method, path=path):
                status, reply, headers = self.berth.raw(None, b"", method=method, path=path)
                self.assertEqual(status, 404)
                self.assertEqual(headers.get("x-amzn-ErrorType"), "ResourceNotFoundException")
                self.assertIn("No Scheduler operation is " + method + " " + path, json.dumps(reply))
