"""The CloudWatch API subset on berth's endpoint, with the real aws CLI 1.45 and boto3/botocore 1.43
(pyenv's: they speak Smithy RPC v2 CBOR to CloudWatch; Debian's aws CLI 2.9 and boto3 1.29, which
the harness uses for ECS, still speak the query protocol, which berth does not serve): metric reads, metric alarms, JSON 1.0 requests, ECS's switch for
Container Insights, and a busybox CPU burner in a service whose CPUUtilization shows up in
get-metric-statistics (this needs the node's metric sampler: BERTH_METRICS_INTERVAL and
BERTH_METRICS_RESOLUTION)."""
import datetime
import json
import os
import subprocess
import time

from harness import TIME_SCALE, BerthTestCase
from test_tasks import TaskTestCase, wait_for

# The clients that speak rpc-v2-cbor to CloudWatch.
MODERN_PYTHON = "/root/.pyenv/versions/3.11.7/bin/python"
MODERN_AWS = "/root/.pyenv/versions/3.11.7/bin/aws"

# Runs one CloudWatch call through botocore 1.43 in its own interpreter; prints {"ok": reply} or
# {"error": Error}. Timestamps come back as {"datetime": iso}, so a test sees they were parsed.
BOTO3_CALL = """
import datetime, json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
endpoint, key, secret, operation, params = sys.argv[1:6]
client = boto3.client("cloudwatch", endpoint_url=endpoint, region_name="local", aws_access_key_id=key,
                      aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))
def encode(o):
    if isinstance(o, datetime.datetime):
        return {"datetime": o.isoformat()}
    raise TypeError(o)
try:
    reply = getattr(client, operation)(**json.loads(params))
    reply.pop("ResponseMetadata", None)
    print(json.dumps({"ok": reply}, default=encode))
except ClientError as e:
    print(json.dumps({"error": e.response["Error"]}))
"""

ALARM_ARN = "arn:aws:cloudwatch:local:000000000000:alarm:"
POLICY_ARN = "arn:aws:autoscaling:local:000000000000:scalingPolicy:burner-out"


def cloudwatch_cli(berth, *args, check=True):
    """`aws cloudwatch ARGS` with aws-cli 1.45; the parsed output, or the finished process if not `check`."""
    cmd = [MODERN_AWS, "cloudwatch", *args, "--endpoint-url", berth.endpoint, "--output", "json"]
    out = subprocess.run(cmd, env=berth.client_env(), capture_output=True, text=True, timeout=60 * TIME_SCALE)
    if not check:
        return out
    if out.returncode != 0:
        raise AssertionError("aws cloudwatch %s failed (%d): %s" % (" ".join(args), out.returncode, out.stderr))
    return json.loads(out.stdout) if out.stdout.strip() else None


def boto3_call(berth, operation, **params):
    """One CloudWatch call with botocore 1.43: ("ok", reply) or ("error", Error)."""
    key = berth.key
    out = subprocess.run([MODERN_PYTHON, "-c", BOTO3_CALL, berth.endpoint, key[0], key[1], operation,
                          json.dumps(params)], capture_output=True, text=True, timeout=60 * TIME_SCALE,
                         env=dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null"))
    if out.returncode != 0:
        raise AssertionError("boto3 %s failed: %s" % (operation, out.stderr))
    reply = json.loads(out.stdout)
    return ("ok", reply["ok"]) if "ok" in reply else ("error", reply["error"])


def error_code(berth, operation, **params):
    outcome, reply = boto3_call(berth, operation, **params)
    if outcome != "error":
        raise AssertionError("%s succeeded: %s" % (operation, reply))
    return reply["Code"]


def ok(berth, operation, **params):
    outcome, reply = boto3_call(berth, operation, **params)
    if outcome != "ok":
        raise AssertionError("%s failed: %s" % (operation, reply))
    return reply


def service_dimensions(service, cluster="default"):
    return [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}]


class CloudWatchApiTest(BerthTestCase):
    def cw(self, *args, check=True):
        return cloudwatch_cli(self.berth, *args, check=check)

    def test_alarm_lifecycle_with_the_aws_cli(self):
        self.cw("put-metric-alarm", "--alarm-name", "burner-cpu-high", "--namespace", "AWS/ECS",
                "--metric-name", "CPUUtilization", "--dimensions", "Name=ClusterName,Value=default",
                "Name=ServiceName,Value=burner", "--statistic", "Average", "--period", "60",
                "--evaluation-periods", "3", "--datapoints-to-alarm", "2", "--threshold", "75",
                "--comparison-operator", "GreaterThanOrEqualToThreshold", "--treat-missing-data", "notBreaching",
                "--alarm-actions", POLICY_ARN)
        described = self.cw("describe-alarms", "--alarm-names", "burner-cpu-high")["MetricAlarms"]
        self.assertEqual(len(described), 1)
        alarm = described[0]
        self.assertEqual(alarm["AlarmArn"], ALARM_ARN + "burner-cpu-high")
        self.assertEqual(alarm["Dimensions"], service_dimensions("burner"))
        self.assertEqual((alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"], alarm["Threshold"]), (3, 2, 75.0))
        self.assertEqual(alarm["AlarmActions"], [POLICY_ARN])
        # No values at all, missing data counting as not breaching: OK.
        self.assertEqual(alarm["StateValue"], "OK")
        self.assertIn("Threshold Crossed: 0 out of the last 3 datapoints", alarm["StateReason"])
        self.assertEqual(self.cw("describe-alarms", "--state-value", "ALARM")["MetricAlarms"], [])
        self.assertEqual(len(self.cw("describe-alarms", "--action-prefix", POLICY_ARN)["MetricAlarms"]), 1)

        refused = self.cw("delete-alarms", "--alarm-names", "burner-cpu-high", "ghost", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("ResourceNotFound", refused.stderr)
        self.assertEqual(len(self.cw("describe-alarms")["MetricAlarms"]), 1)  # all or none
        self.cw("delete-alarms", "--alarm-names", "burner-cpu-high")
        self.assertEqual(self.cw("describe-alarms")["MetricAlarms"], [])

    def test_metric_reads_with_the_aws_cli_answer_no_data_for_unknown_metrics(self):
        self.assertEqual(self.cw("list-metrics", "--namespace", "AWS/ECS", "--metric-name", "NoSuchMetric")["Metrics"], [])
        now = int(time.time())
        stats = self.cw("get-metric-statistics", "--namespace", "AWS/ECS", "--metric-name", "NoSuchMetric",
                        "--start-time", str(now - 600), "--end-time", str(now), "--period", "60",
                        "--statistics", "Average", "Maximum")
        self.assertEqual(stats, {"Label": "NoSuchMetric", "Datapoints": []})
        queries = [{"Id": "cpu", "MetricStat": {"Metric": {"Namespace": "AWS/ECS", "MetricName": "NoSuchMetric"},
                                                "Period": 60, "Stat": "Average"}}]
        data = self.cw("get-metric-data", "--metric-data-queries", json.dumps(queries),
                       "--start-time", str(now - 600), "--end-time", str(now))
        self.assertEqual(data["MetricDataResults"],
                         [{"Id": "cpu", "Label": "NoSuchMetric", "Timestamps": [], "Values": [], "StatusCode": "Complete",
                           "Messages": []}])

    def test_errors_are_cloudwatch_errors(self):
        now = int(time.time())
        base = dict(Namespace="AWS/ECS", MetricName="CPUUtilization", StartTime=now - 600, EndTime=now, Period=60)
        self.assertEqual(error_code(self.berth, "get_metric_statistics", ExtendedStatistics=["p99"], **base),
                         "InvalidParameterValue")
        self.assertEqual(error_code(self.berth, "get_metric_statistics", **base), "InvalidParameterCombination")
        expression = [{"Id": "total", "Expression": "SUM(METRICS())"}]
        refused = self.cw("get-metric-data", "--metric-data-queries", json.dumps(expression),
                          "--start-time", str(now - 60), "--end-time", str(now), check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("InvalidParameterValue", refused.stderr)
        self.assertIn("metric math", refused.stderr)
        self.assertEqual(error_code(self.berth, "delete_alarms", AlarmNames=["ghost"]), "ResourceNotFound")
        self.assertEqual(error_code(self.berth, "put_metric_alarm",
                                    AlarmName="x", Namespace="AWS/ECS", MetricName="CPUUtilization",
                                    Statistic="Average", Period=60, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanUpperThreshold"), "InvalidParameterValue")

    def test_boto3_round_trips_timestamps_and_numbers_over_cbor(self):
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
        ok(self.berth, "put_metric_alarm", AlarmName="mem", Namespace="AWS/ECS", MetricName="MemoryUtilization",
           Statistic="Maximum", Period=60, EvaluationPeriods=2, Threshold=90.5, ComparisonOperator="GreaterThanThreshold",
           Dimensions=[{"Name": "ClusterName", "Value": "default"}])
        alarm = ok(self.berth, "describe_alarms", AlarmNamePrefix="me")["MetricAlarms"][0]
        self.assertEqual(alarm["Threshold"], 90.5)
        updated = datetime.datetime.fromisoformat(alarm["AlarmConfigurationUpdatedTimestamp"]["datetime"])
        self.assertGreaterEqual(updated, before)
        self.assertEqual(alarm["StateValue"], "INSUFFICIENT_DATA")

    def test_json_1_0_requests_are_served_too(self):
        status, body, headers = self.berth.raw(
            None, json.dumps({"AlarmNames": ["none"]}), service="monitoring",
            headers={"X-Amz-Target": "GraniteServiceVersion20100801.DescribeAlarms",
                     "Content-Type": "application/x-amz-json-1.0"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["MetricAlarms"], [])
        self.assertEqual(headers["Content-Type"], "application/x-amz-json-1.0")
        status, body, headers = self.berth.raw(
            None, json.dumps({"Namespace": "AWS/ECS"}), service="monitoring",
            headers={"X-Amz-Target": "GraniteServiceVersion20100801.GetMetricStatistics",
                     "Content-Type": "application/x-amz-json-1.0"})
        self.assertEqual(status, 400)
        self.assertEqual(headers["x-amzn-query-error"], "MissingParameter;Sender")
        # A signature for another service is refused.
        status, body, _ = self.berth.raw(
            None, "{}", service="ecs", headers={"X-Amz-Target": "GraniteServiceVersion20100801.ListMetrics",
                                                "Content-Type": "application/x-amz-json-1.0"})
        self.assertEqual(status, 400)
        self.assertIn("monitoring", body["message"])


class ContainerInsightsSettingTest(BerthTestCase):
    def test_update_cluster_settings_toggles_container_insights(self):
        enabled = [{"name": "containerInsights", "value": "enabled"}]
        updated = self.berth.aws("update-cluster-settings", "--cluster", "default",
                                 "--settings", "name=containerInsights,value=enabled")
        self.assertEqual(updated["cluster"]["settings"], enabled)
        described = self.berth.aws("describe-clusters", "--clusters", "default", "--include", "SETTINGS")
        self.assertEqual(described["clusters"][0]["settings"], enabled)
        updated = self.berth.aws("update-cluster", "--cluster", "default",
                                 "--settings", "name=containerInsights,value=disabled")
        self.assertEqual(updated["cluster"]["settings"], [{"name": "containerInsights", "value": "disabled"}])
        # A configuration is kept (test_service_deployments); one ECS would refuse is refused.
        refused = self.berth.aws("update-cluster", "--cluster", "default", "--configuration",
                                 "executeCommandConfiguration={logging=OVERRIDE}", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("InvalidParameterException", refused.stderr)
        self.assertIn("logConfiguration is required when logging is OVERRIDE", refused.stderr)
        refused = self.berth.aws("update-cluster-settings", "--cluster", "nowhere",
                                 "--settings", "name=containerInsights,value=enabled", check=False)
        self.assertIn("ClusterNotFoundException", refused.stderr)


class CpuBurnerMetricsTest(TaskTestCase):
    # Sample every second into 1-second slots (the sampler's keys), so a minute's test sees data;
    # an hour's retention keeps each series' ring at 3,600 slots.
    config_text = TaskTestCase.config_text + \
        "BERTH_METRICS_INTERVAL=1\nBERTH_METRICS_RESOLUTION=1\nBERTH_METRICS_RETENTION=1\n"

    def tearDown_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def statistics(self, metric, dimensions, namespace="AWS/ECS", statistic="Maximum"):
        now = int(time.time())
        args = ["get-metric-statistics", "--namespace", namespace, "--metric-name", metric,
                "--start-time", str(now - 300), "--end-time", str(now + 60), "--period", "60",
                "--statistics", statistic, "--dimensions"]
        args += ["Name=%s,Value=%s" % (d["Name"], d["Value"]) for d in dimensions]
        return cloudwatch_cli(self.berth, *args)["Datapoints"]

    def test_a_cpu_burning_service_shows_cpu_utilization(self):
        self.addCleanup(self.tearDown_services)
        self.berth.aws("update-cluster-settings", "--cluster", "default",
                       "--settings", "name=containerInsights,value=enabled")
        self.register("burner", [{"name": "burn", "cpu": 256, "command": ["sh", "-c", "while :; do :; done"]}])
        self.ecs.create_service(serviceName="burner", taskDefinition="burner", desiredCount=1)
        wait_for(lambda: self.ecs.describe_services(services=["burner"])["services"][0]["runningCount"] == 1,
                 timeout=60, what="burner running")

        def burning():
            points = self.statistics("CPUUtilization", service_dimensions("burner"))
            return points if points and max(p["Maximum"] for p in points) > 0 else None
        points = wait_for(burning, timeout=60, interval=2, what="CPUUtilization of service burner above 0")
        self.assertEqual(points[0]["Unit"], "Percent")
        # A busy loop takes a whole core: far above the 256 units (a quarter core) it reserved.
        self.assertGreater(max(p["Maximum"] for p in points), 50)

        listed = cloudwatch_cli(self.berth, "list-metrics", "--namespace", "AWS/ECS", "--dimensions",
                                "Name=ServiceName,Value=burner")["Metrics"]
        self.assertEqual(sorted(m["MetricName"] for m in listed), ["CPUUtilization", "MemoryUtilization"])
        self.assertTrue(self.statistics("CPUReservation", [{"Name": "ClusterName", "Value": "default"}]))
        running = wait_for(lambda: self.statistics("RunningTaskCount", service_dimensions("burner"),
                                                   namespace="ECS/ContainerInsights"), timeout=30,
                           what="Container Insights' RunningTaskCount")
        self.assertEqual(running[-1]["Maximum"], 1.0)

        # An alarm on it, and the series through get-metric-data.
        ok(self.berth, "put_metric_alarm", AlarmName="burner-hot", Namespace="AWS/ECS", MetricName="CPUUtilization",
           Dimensions=service_dimensions("burner"), Statistic="Maximum", Period=10, EvaluationPeriods=1, Threshold=10,
           ComparisonOperator="GreaterThanThreshold")
        wait_for(lambda: ok(self.berth, "describe_alarms", AlarmNames=["burner-hot"])["MetricAlarms"][0]["StateValue"]
                 == "ALARM", timeout=30, interval=1, what="burner-hot in ALARM")
        now = int(time.time())
        data = ok(self.berth, "get_metric_data", StartTime=now - 300, EndTime=now, MetricDataQueries=[
            {"Id": "cpu", "MetricStat": {"Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                                                    "Dimensions": service_dimensions("burner")},
                                         "Period": 10, "Stat": "Average"}}])["MetricDataResults"][0]
        self.assertEqual(data["StatusCode"], "Complete")
        self.assertTrue(data["Values"])
        stamps = [t["datetime"] for t in data["Timestamps"]]
        self.assertEqual(stamps, sorted(stamps, reverse=True))
