"""Service deployment history on real containers: ListServiceDeployments,
DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment (rollback),
ContinueServiceDeployment and ListServicesByNamespace, through the aws CLI 1.45 (pyenv's: Debian's
aws CLI 2.9 and boto3 1.29, which the harness uses for ECS, predate these actions)."""
import json
import os
import subprocess

from test_tasks import TaskTestCase, wait_for

MODERN_AWS = "/root/.pyenv/versions/3.11.7/bin/aws"
MODERN_PYTHON = "/root/.pyenv/versions/3.11.7/bin/python"
REVISION_ARN = "arn:aws:ecs:local:000000000000:service-revision/default/web/"

# What a console or a deployment waiter does with botocore 1.43 (Debian's boto3 predates these
# members): DescribeServices, then DescribeServiceDeployments on its currentServiceDeployment.
FOLLOW_CURRENT_DEPLOYMENT = """
import json, sys
import boto3
endpoint, key, secret = sys.argv[1:4]
ecs = boto3.client("ecs", endpoint_url=endpoint, region_name="local", aws_access_key_id=key,
                   aws_secret_access_key=secret)
service = ecs.describe_services(services=["web"])["services"][0]
reply = ecs.describe_service_deployments(serviceDeploymentArns=[service["currentServiceDeployment"]])
print(json.dumps({"current": service["currentServiceDeployment"],
                  "revisions": service.get("currentServiceRevisions", []),
                  "described": [d["serviceDeploymentArn"] for d in reply["serviceDeployments"]],
                  "failures": reply["failures"]}))
"""


def ecs_cli(berth, *args):
    """`aws ecs ARGS` with aws-cli 1.45: the parsed output, or AssertionError with its stderr."""
    out = subprocess.run([MODERN_AWS, "ecs", *args, "--endpoint-url", berth.endpoint, "--output", "json"],
                         env=berth.client_env(), capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise AssertionError("aws ecs %s failed (%d): %s" % (" ".join(args), out.returncode, out.stderr))
    return json.loads(out.stdout) if out.stdout.strip() else None


def ecs_cli_error(berth, *args):
    """The stderr of `aws ecs ARGS`, which must fail."""
    out = subprocess.run([MODERN_AWS, "ecs", *args, "--endpoint-url", berth.endpoint, "--output", "json"],
                         env=berth.client_env(), capture_output=True, text=True, timeout=60)
    if out.returncode == 0:
        raise AssertionError("aws ecs %s succeeded: %s" % (" ".join(args), out.stdout))
    return out.stderr


class ServiceDeploymentsTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}])
        # web:2 never starts well: its container exits at once.
        self.register("web", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["false"]}])

    def tearDown_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks()["taskArns"] == [], timeout=60, what="service tasks stopped")

    def deployments(self, *args):
        return ecs_cli(self.berth, "list-service-deployments", "--service", "web", *args)["serviceDeployments"]

    def describe_deployment(self, arn):
        reply = ecs_cli(self.berth, "describe-service-deployments", "--service-deployment-arns", arn)
        self.assertEqual(reply["failures"], [])
        return reply["serviceDeployments"][0]

    def follow_current_deployment(self):
        key = self.berth.key
        out = subprocess.run([MODERN_PYTHON, "-c", FOLLOW_CURRENT_DEPLOYMENT, self.berth.endpoint, key[0], key[1]],
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null"))
        if out.returncode != 0:
            raise AssertionError("boto3 failed: %s" % out.stderr)
        return json.loads(out.stdout)

    def wait_deployment(self, arn, status, timeout=90):
        return wait_for(lambda: (lambda d: d if d["status"] == status else None)(self.describe_deployment(arn)),
                        timeout=timeout, what="service deployment %s" % status)

    def test_a_deployment_is_listed_described_and_stopped_with_rollback(self):
        self.addCleanup(self.tearDown_services)
        created = ecs_cli(self.berth, "create-service", "--service-name", "web", "--task-definition", "web:1",
                          "--desired-count", "1", "--role", "ecsServiceRole",
                          "--load-balancers", "targetGroupArn=tg-1,containerName=main,containerPort=80")["service"]
        self.assertEqual(created["roleArn"], "arn:aws:iam::000000000000:role/ecsServiceRole")
        self.assertEqual(created["loadBalancers"][0]["targetGroupArn"], "tg-1")
        [first] = self.deployments()
        self.assertIn(first["status"], ("PENDING", "IN_PROGRESS", "SUCCESSFUL"))  # one task settles fast
        done = self.wait_deployment(first["serviceDeploymentArn"], "SUCCESSFUL")
        self.assertGreaterEqual(done["finishedAt"], done["startedAt"])
        self.assertEqual(done["targetServiceRevision"]["runningTaskCount"], 1)

        # web:2 fails over and over; without a circuit breaker its deployment stays in progress.
        ecs_cli(self.berth, "update-service", "--service", "web", "--task-definition", "web:2")
        second = self.deployments("--status", "PENDING", "IN_PROGRESS")[0]
        # A finished deployment stays as it finished.
        self.assertEqual(self.deployments("--status", "SUCCESSFUL")[0]["serviceDeploymentArn"], first["serviceDeploymentArn"])
        self.wait_deployment(second["serviceDeploymentArn"], "IN_PROGRESS")
        described = self.describe_deployment(second["serviceDeploymentArn"])
        self.assertEqual([s["arn"] for s in described["sourceServiceRevisions"]], [first["targetServiceRevisionArn"]])
        self.assertEqual(described["sourceServiceRevisions"][0]["runningTaskCount"], 1)
        # DescribeServices names the current deployment, which DescribeServiceDeployments takes, and
        # the revisions that have tasks: web:1's task still runs while web:2's keep failing.
        current = self.follow_current_deployment()
        self.assertEqual(current["current"], second["serviceDeploymentArn"])
        self.assertEqual(current["described"], [second["serviceDeploymentArn"]])
        self.assertEqual(current["failures"], [])
        by_arn = {r["arn"]: r for r in current["revisions"]}
        self.assertEqual(by_arn[first["targetServiceRevisionArn"]]["runningTaskCount"], 1)
        self.assertEqual(by_arn[first["targetServiceRevisionArn"]]["requestedTaskCount"], 1)
        self.assertLessEqual(set(by_arn), {first["targetServiceRevisionArn"], second["targetServiceRevisionArn"]})

        stopped = ecs_cli(self.berth, "stop-service-deployment", "--service-deployment-arn",
                          second["serviceDeploymentArn"], "--stop-type", "ROLLBACK")
        self.assertEqual(stopped["serviceDeploymentArn"], second["serviceDeploymentArn"])
        rolled = self.wait_deployment(second["serviceDeploymentArn"], "ROLLBACK_SUCCESSFUL")
        self.assertEqual(rolled["rollback"]["serviceRevisionArn"], first["targetServiceRevisionArn"])
        self.assertEqual(rolled["rollback"]["reason"], "Rollback requested by StopServiceDeployment.")
        service = self.ecs.describe_services(services=["web"])["services"][0]
        self.assertTrue(service["taskDefinition"].endswith("web:1"))
        wait_for(lambda: len(self.ecs.describe_services(services=["web"])["services"][0]["deployments"]) == 1,
                 timeout=60, what="only the rollback deployment left")
        tasks = self.ecs.describe_tasks(tasks=self.ecs.list_tasks(serviceName="web")["taskArns"])["tasks"]
        self.assertEqual([(t["lastStatus"], t["taskDefinitionArn"].rsplit("/", 1)[1]) for t in tasks], [("RUNNING", "web:1")])

        revisions = ecs_cli(self.berth, "describe-service-revisions", "--service-revision-arns",
                            first["targetServiceRevisionArn"], second["targetServiceRevisionArn"],
                            REVISION_ARN + "404")
        self.assertEqual([r["taskDefinition"].rsplit("/", 1)[1] for r in revisions["serviceRevisions"]], ["web:1", "web:2"])
        self.assertEqual(revisions["serviceRevisions"][0]["loadBalancers"][0]["containerPort"], 80)
        self.assertEqual(revisions["failures"], [{"arn": REVISION_ARN + "404", "reason": "MISSING"}])
        # A finished deployment cannot be stopped.
        err = ecs_cli_error(self.berth, "stop-service-deployment", "--service-deployment-arn", first["serviceDeploymentArn"])
        self.assertIn("ConflictException", err)

    def test_the_circuit_breaker_rollback_shows_in_the_history(self):
        self.addCleanup(self.tearDown_services)
        ecs_cli(self.berth, "create-service", "--service-name", "web", "--task-definition", "web:1",
                "--desired-count", "1", "--deployment-configuration",
                "deploymentCircuitBreaker={enable=true,rollback=true},maximumPercent=200,minimumHealthyPercent=100")
        [first] = self.deployments()
        self.wait_deployment(first["serviceDeploymentArn"], "SUCCESSFUL")
        ecs_cli(self.berth, "update-service", "--service", "web", "--task-definition", "web:2")
        second = self.deployments()[0]
        rolled = self.wait_deployment(second["serviceDeploymentArn"], "ROLLBACK_SUCCESSFUL", timeout=180)
        self.assertEqual(rolled["rollback"]["serviceRevisionArn"], first["targetServiceRevisionArn"])
        self.assertEqual(rolled["deploymentCircuitBreaker"]["status"], "TRIGGERED")
        self.assertGreaterEqual(rolled["deploymentCircuitBreaker"]["failureCount"], 10)
        self.assertEqual(len(self.deployments()), 2)  # the rollback is no deployment of its own

    def test_errors_and_namespaces(self):
        self.addCleanup(self.tearDown_services)
        ecs_cli(self.berth, "create-service", "--service-name", "web", "--task-definition", "web:1",
                "--desired-count", "0", "--service-connect-configuration", "enabled=true,namespace=plant")
        [first] = self.deployments()
        arn = first["serviceDeploymentArn"]
        self.assertIn("ServiceNotFoundException", ecs_cli_error(self.berth, "list-service-deployments", "--service", "nope"))
        self.assertIn("ClusterNotFoundException",
                      ecs_cli_error(self.berth, "list-service-deployments", "--service", "web", "--cluster", "nope"))
        self.assertIn("ServiceDeploymentNotFoundException",
                      ecs_cli_error(self.berth, "stop-service-deployment", "--service-deployment-arn", arn + "0"))
        self.assertIn("InvalidParameterException",
                      ecs_cli_error(self.berth, "stop-service-deployment", "--service-deployment-arn", arn,
                                    "--stop-type", "ABORT"))
        # Desired 0 completes at once: a finished deployment cannot be stopped.
        self.assertIn("(ConflictException)",
                      ecs_cli_error(self.berth, "stop-service-deployment", "--service-deployment-arn", arn))
        err = ecs_cli_error(self.berth, "continue-service-deployment", "--service-deployment-arn", arn, "--hook-id", "h")
        self.assertIn("InvalidParameterException", err)
        self.assertIn("no lifecycle hooks", err)
        self.assertEqual(ecs_cli(self.berth, "list-services-by-namespace", "--namespace", "plant")["serviceArns"],
                         ["arn:aws:ecs:local:000000000000:service/default/web"])
        self.assertIn("NamespaceNotFoundException",
                      ecs_cli_error(self.berth, "list-services-by-namespace", "--namespace", "elsewhere"))
        # The Cloud Map ARN names it too.
        self.assertEqual(ecs_cli(self.berth, "list-services-by-namespace", "--namespace",
                                 "arn:aws:servicediscovery:local:000000000000:namespace/plant")["serviceArns"],
                         ["arn:aws:ecs:local:000000000000:service/default/web"])
        # UpdateCluster sets the cluster's default namespace, which a service with Service Connect
        # and no namespace of its own then inherits.
        cluster = ecs_cli(self.berth, "update-cluster", "--cluster", "default",
                          "--service-connect-defaults", "namespace=yard",
                          "--configuration", "executeCommandConfiguration={logging=DEFAULT}")["cluster"]
        self.assertEqual(cluster["serviceConnectDefaults"], {"namespace": "yard"})
        self.assertEqual(cluster["configuration"], {"executeCommandConfiguration": {"logging": "DEFAULT"}})
        ecs_cli(self.berth, "create-service", "--service-name", "inherits", "--task-definition", "web:1",
                "--desired-count", "0", "--service-connect-configuration", "enabled=true")
        self.assertEqual(ecs_cli(self.berth, "list-services-by-namespace", "--namespace", "yard")["serviceArns"],
                         ["arn:aws:ecs:local:000000000000:service/default/inherits"])
        described = ecs_cli(self.berth, "describe-clusters", "--clusters", "default")["clusters"][0]
        self.assertEqual(described["serviceConnectDefaults"], {"namespace": "yard"})
        service = ecs_cli(self.berth, "describe-services", "--services", "web")["services"][0]
        self.assertEqual(service["deployments"][0]["serviceConnectConfiguration"], {"enabled": True, "namespace": "plant"})
