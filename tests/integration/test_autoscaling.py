"""Application Auto Scaling for ECS services, driven with the real `aws application-autoscaling`
CLI and boto3 against real containers: scalable targets, target tracking and step policies,
scheduled actions and scaling activities.
The CPU and step-scaling tests sample every second into one-second metric periods
(BERTH_METRICS_INTERVAL=1, BERTH_METRICS_RESOLUTION=1), so the alarms' periods take seconds."""
import json
import os

from harness import TIME_SCALE
from test_schedules import at_from_now
from test_cloudwatch import cloudwatch_cli
from test_tasks import TaskTestCase, wait_for

WEB = "service/default/web"
DIMENSION = "ecs:service:DesiredCount"
KEY = ["--service-namespace", "ecs", "--resource-id", WEB, "--scalable-dimension", DIMENSION]


class ScalingTestCase(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.scaling = self.berth.boto3("application-autoscaling")

    def scaling_cli(self, *args, check=True):
        return self.berth.aws(*args, check=check, service="application-autoscaling")

    def raw_scaling(self, action, body):
        """A signed Application Auto Scaling request as raw JSON: (status, body, headers)."""
        return self.berth.raw(None, json.dumps(body), headers={"X-Amz-Target": "AnyScaleFrontendService." + action},
                              service="application-autoscaling")

    def create_service(self, containers, desired=1, **extra):
        self.register("web", containers, **extra)
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=desired)
        self.addCleanup(self.remove_service)

    def remove_service(self):
        # The target first: with it gone nothing puts desiredCount back up to its minimum.
        targets = self.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
        for t in targets:
            self.scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=t["ResourceId"],
                                                    ScalableDimension=DIMENSION)
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def web(self):
        return self.ecs.describe_services(services=["web"])["services"][0]

    def sleeper(self):
        return [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}]



class AutoScalingTest(ScalingTestCase):
    def test_targets_policies_scheduled_actions_with_the_aws_cli(self):
        self.create_service(self.sleeper())
        self.scaling_cli("register-scalable-target", *KEY, "--min-capacity", "1", "--max-capacity", "3")
        # Debian's awscli 2.9 and boto3 1.26 predate ScalableTargetARN (their models drop it): raw JSON.
        status, raw, _ = self.raw_scaling("DescribeScalableTargets", {"ServiceNamespace": "ecs"})
        self.assertEqual(status, 200)
        arn = raw["ScalableTargets"][0]["ScalableTargetARN"]
        self.assertTrue(arn.startswith("arn:aws:application-autoscaling:local:000000000000:scalable-target/"), arn)
        # Registering again updates it in place.
        self.scaling_cli("register-scalable-target", *KEY, "--max-capacity", "4",
                         "--suspended-state", "DynamicScalingInSuspended=true")
        targets = self.scaling_cli("describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"]
        self.assertEqual(len(targets), 1)
        self.assertEqual(targets[0]["ResourceId"], WEB)
        self.assertEqual((targets[0]["MinCapacity"], targets[0]["MaxCapacity"]), (1, 4))
        self.assertTrue(targets[0]["SuspendedState"]["DynamicScalingInSuspended"])
        status, again, _ = self.raw_scaling("RegisterScalableTarget", {
            "ServiceNamespace": "ecs", "ResourceId": WEB, "ScalableDimension": DIMENSION, "MaxCapacity": 4})
        self.assertEqual((status, again), (200, {"ScalableTargetARN": arn}))

        tracking = self.scaling_cli(
            "put-scaling-policy", *KEY, "--policy-name", "cpu50", "--policy-type", "TargetTrackingScaling",
            "--target-tracking-scaling-policy-configuration",
            json.dumps({"TargetValue": 50.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 120,
                        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}))
        self.assertIn(":resource/ecs/service/default/web:policyName/cpu50", tracking["PolicyARN"])
        names = [a["AlarmName"] for a in tracking["Alarms"]]
        self.assertEqual(len(names), 2)
        self.assertTrue(names[0].startswith("TargetTracking-service/default/web-AlarmHigh-"), names)
        self.assertTrue(names[1].startswith("TargetTracking-service/default/web-AlarmLow-"), names)
        step = self.scaling_cli(
            "put-scaling-policy", *KEY, "--policy-name", "steps", "--policy-type", "StepScaling",
            "--step-scaling-policy-configuration",
            json.dumps({"AdjustmentType": "PercentChangeInCapacity", "MinAdjustmentMagnitude": 1, "Cooldown": 30,
                        "MetricAggregationType": "Average",
                        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20,
                                             "ScalingAdjustment": 50},
                                            {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 100}]}))
        self.assertIn("policyName/steps", step["PolicyARN"])
        policies = self.scaling_cli("describe-scaling-policies", "--service-namespace", "ecs",
                                    "--resource-id", WEB)["ScalingPolicies"]
        self.assertEqual([p["PolicyName"] for p in policies], ["cpu50", "steps"])
        self.assertEqual(policies[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"], 50.0)
        self.assertEqual(policies[1]["StepScalingPolicyConfiguration"]["StepAdjustments"][1]["ScalingAdjustment"], 100)
        page = self.scaling.describe_scaling_policies(ServiceNamespace="ecs", MaxResults=1)
        self.assertEqual(len(page["ScalingPolicies"]), 1)
        rest = self.scaling.describe_scaling_policies(ServiceNamespace="ecs", NextToken=page["NextToken"])
        self.assertEqual([p["PolicyName"] for p in rest["ScalingPolicies"]], ["steps"])

        self.scaling_cli("put-scheduled-action", *KEY, "--scheduled-action-name", "weekday-mornings",
                         "--schedule", "cron(0 7 ? * MON-FRI *)", "--timezone", "Europe/Berlin",
                         "--scalable-target-action", "MinCapacity=2,MaxCapacity=4")
        actions = self.scaling_cli("describe-scheduled-actions", "--service-namespace", "ecs")["ScheduledActions"]
        self.assertEqual(len(actions), 1)
        self.assertEqual(actions[0]["Schedule"], "cron(0 7 ? * MON-FRI *)")
        self.assertEqual(actions[0]["Timezone"], "Europe/Berlin")
        self.assertEqual(actions[0]["ScalableTargetAction"], {"MinCapacity": 2, "MaxCapacity": 4})
        self.assertIn(":scheduledActionName/weekday-mornings", actions[0]["ScheduledActionARN"])

        activities = self.scaling_cli("describe-scaling-activities", "--service-namespace", "ecs",
                                      "--resource-id", WEB)["ScalingActivities"]
        self.assertEqual(activities, [])  # desiredCount 1 is within 1..4: nothing to do

        self.scaling_cli("delete-scaling-policy", *KEY, "--policy-name", "steps")
        self.scaling_cli("delete-scheduled-action", *KEY, "--scheduled-action-name", "weekday-mornings")
        self.assertEqual(self.scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"], [])
        self.scaling_cli("deregister-scalable-target", *KEY)
        self.assertEqual(self.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"], [])
        # The target's policies went with it.
        self.assertEqual(self.scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"], [])

    def test_errors_name_the_problem(self):
        self.create_service(self.sleeper())
        bad = self.scaling_cli("register-scalable-target", "--service-namespace", "dynamodb", "--resource-id",
                               "table/orders", "--scalable-dimension", "dynamodb:table:ReadCapacityUnits",
                               "--min-capacity", "1", "--max-capacity", "2", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("ValidationException", bad.stderr)
        self.assertIn("ServiceNamespace must be ecs", bad.stderr)
        missing = self.scaling_cli("register-scalable-target", "--service-namespace", "ecs", "--resource-id",
                                   "service/default/nope", "--scalable-dimension", DIMENSION,
                                   "--min-capacity", "1", "--max-capacity", "2", check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("ValidationException", missing.stderr)
        self.assertIn("ECS service doesn't exist: service/default/nope", missing.stderr)
        import botocore.exceptions
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.scaling.put_scaling_policy(
                PolicyName="cpu", ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": 50.0,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
        self.assertEqual(raised.exception.response["Error"]["Code"], "ObjectNotFoundException")
        self.assertIn("No scalable target registered", raised.exception.response["Error"]["Message"])
        with self.assertRaises(self.scaling.exceptions.ObjectNotFoundException):
            self.scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION)
        with self.assertRaises(self.scaling.exceptions.ValidationException):
            self.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                                                  MinCapacity=3, MaxCapacity=2)

    def test_a_scheduled_action_changes_min_max_and_desired_count_at_its_time(self):
        self.create_service(self.sleeper())
        wait_for(lambda: self.web()["runningCount"] == 1, timeout=30, what="one task running")
        self.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                                              MinCapacity=1, MaxCapacity=3)
        # boto3 sends at once; a few seconds ahead so it is still in the future when stored.
        self.scaling.put_scheduled_action(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                                          ScheduledActionName="burst", Schedule=at_from_now(3 * TIME_SCALE),
                                          ScalableTargetAction={"MinCapacity": 2, "MaxCapacity": 4})
        self.assertEqual(self.web()["desiredCount"], 1)

        def target():
            return self.scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
        wait_for(lambda: target()["MinCapacity"] == 2, timeout=20, what="the scheduled action")
        self.assertEqual(target()["MaxCapacity"], 4)
        wait_for(lambda: self.web()["desiredCount"] == 2, timeout=10, what="desiredCount raised to the minimum")
        wait_for(lambda: self.web()["runningCount"] == 2, timeout=30, what="two tasks running")
        activities = self.scaling_cli("describe-scaling-activities", "--service-namespace", "ecs")["ScalingActivities"]
        causes = [a["Cause"] for a in activities]
        self.assertIn("scheduled action name burst was triggered", causes)
        scheduled = [a for a in activities if a["Cause"] == "scheduled action name burst was triggered"][0]
        self.assertEqual(scheduled["Description"], "Setting min capacity to 2 and max capacity to 4")
        self.assertEqual(scheduled["StatusCode"], "Successful")
        raised = [a for a in activities if a["Description"] == "Setting desired count to 2."]
        self.assertEqual(len(raised), 1)
        wait_for(lambda: self.scaling.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"][0]
                 ["StatusCode"] == "Successful", timeout=20, what="the scale-out fulfilled")


class CpuScalingTest(ScalingTestCase):
    """One-second samples and metric periods: the target-tracking alarms' 3 and 15 periods take
    seconds."""
    config_text = TaskTestCase.config_text + "BERTH_METRICS_INTERVAL=1\nBERTH_METRICS_RESOLUTION=1\n"

    def test_cpu_burners_scale_out_to_max_and_back_to_min(self):
        control = os.path.join(self.berth.dir, "control")
        os.makedirs(control)
        # Each task burns a core until the test creates /control/stop, then idles.
        burner = [{"name": "burn", "memory": 16, "cpu": 256, "stopTimeout": 1,
                   "mountPoints": [{"sourceVolume": "control", "containerPath": "/control", "readOnly": True}],
                   "command": ["sh", "-c", "while [ ! -e /control/stop ]; do :; done; exec sleep 3600"]}]
        self.create_service(burner, volumes=[{"name": "control", "host": {"sourcePath": control}}])
        self.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                                              MinCapacity=1, MaxCapacity=3)
        self.scaling.put_scaling_policy(
            PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
            PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 50.0, "ScaleOutCooldown": 2, "ScaleInCooldown": 2,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
        wait_for(lambda: self.web()["desiredCount"] == 3, timeout=60, what="scale-out to the maximum")
        wait_for(lambda: self.web()["runningCount"] == 3, timeout=30, what="three burners running")
        with open(os.path.join(control, "stop"), "w"):
            pass
        # Fifteen one-second periods below 45 %, then cooldowns: back to the minimum.
        wait_for(lambda: self.web()["desiredCount"] == 1, timeout=90, what="scale-in to the minimum")
        activities = self.scaling.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]
        self.assertTrue(any("AlarmHigh" in a["Cause"] for a in activities))
        self.assertTrue(any("AlarmLow" in a["Cause"] for a in activities))
        self.assertTrue(all(a["StatusCode"] in ("Successful", "InProgress") for a in activities), activities)


class StepScalingTest(ScalingTestCase):
    """A step policy acts on a real CloudWatch alarm (put with aws-cli 1.45, which speaks
    rpc-v2-cbor) once the alarm is in ALARM on the service's one-second MemoryUtilization."""
    config_text = TaskTestCase.config_text + "BERTH_METRICS_INTERVAL=1\nBERTH_METRICS_RESOLUTION=1\n"

    def test_an_alarm_in_alarm_triggers_its_step_policy(self):
        self.create_service(self.sleeper())
        self.scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
                                              MinCapacity=1, MaxCapacity=2)
        policy = self.scaling.put_scaling_policy(
            PolicyName="steps", ServiceNamespace="ecs", ResourceId=WEB, ScalableDimension=DIMENSION,
            PolicyType="StepScaling",
            StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity", "Cooldown": 60,
                                            "StepAdjustments": [{"MetricIntervalUpperBound": 0.0,
                                                                 "ScalingAdjustment": 1}]})["PolicyARN"]
        self.assertEqual(self.web()["desiredCount"], 1)
        # A sleeper uses far less than its 16 MiB (and reserves no CPU, so it has no CPUUtilization):
        # the alarm goes to ALARM with the first period of data.
        cloudwatch_cli(self.berth, "put-metric-alarm", "--alarm-name", "idle", "--namespace", "AWS/ECS",
                       "--metric-name", "MemoryUtilization", "--dimensions", "Name=ClusterName,Value=default",
                       "Name=ServiceName,Value=web", "--statistic", "Average", "--period", "1",
                       "--evaluation-periods", "1", "--threshold", "100",
                       "--comparison-operator", "LessThanOrEqualToThreshold", "--alarm-actions", policy)
        wait_for(lambda: self.web()["desiredCount"] == 2, timeout=60, what="the step policy to add a task")
        activities = self.scaling.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]
        self.assertIn("monitor alarm idle in state ALARM triggered policy steps", [a["Cause"] for a in activities])
        # The state is computed when read, over the last 1 s period: one read may fall in a period
        # the sampler has not filled yet (INSUFFICIENT_DATA), so the test waits for a filled one.
        wait_for(lambda: cloudwatch_cli(self.berth, "describe-alarms", "--alarm-names", "idle")
                 ["MetricAlarms"][0]["StateValue"] == "ALARM", timeout=20, what="the alarm to read ALARM")
