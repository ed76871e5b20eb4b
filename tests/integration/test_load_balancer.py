"""Elastic Load Balancing v2 on a gateway, with the real aws CLI (`aws elbv2`), real busybox httpd
tasks on dynamic host ports and the kernel's DNAT: a network listener spreads new connections over
a service's healthy tasks, keeps every request of a steady loop through a rolling deployment
(deregistration delay, then the stop), and stops sending to a task that fails its target group's
health check. Clients here connect to 127.0.0.1:<listener port> (the OUTPUT chain; the bridge's
route_localnet, which portmap sets, lets the DNAT-ed packets leave loopback)."""
import errno
import json
import socket
import subprocess
import threading
import time

from test_networking import bind_error
from test_tasks import TaskTestCase, wait_for

BRIDGE = "berth-lb0"
SUBNET = "172.27.0.0/24"
LISTENER_PORT = 18080
# Each task serves a page naming itself (a random id made at start) and its revision.
def httpd(version):
    return ["sh", "-c", "mkdir -p /www && echo %s-$(cat /proc/sys/kernel/random/uuid) > /www/index.html && "
                        "exec httpd -f -p 8080 -h /www" % version]


def get(port, path="/index.html", timeout=3):
    """One HTTP GET on a new connection: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(("GET %s HTTP/1.0\r\nHost: web.local\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode().strip()


def nat_rules():
    return subprocess.run(["iptables-save", "-t", "nat"], capture_output=True, text=True, check=True).stdout


class LoadBalancerTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_BRIDGE_NAME=%s\nBERTH_BRIDGE_SUBNET=%s\n" % (BRIDGE, SUBNET)

    def elbv2(self, *args, check=True):
        return self.berth.aws(*args, check=check, service="elbv2")

    def register_web(self, version):
        return self.register("web", [{"name": "web", "memory": 32, "stopTimeout": 1, "command": httpd(version),
                                      "portMappings": [{"containerPort": 8080, "hostPort": 0}]}],
                             network_mode="bridge")

    def network_load_balancer(self):
        lb = self.elbv2("create-load-balancer", "--name", "edge", "--type", "network")["LoadBalancers"][0]
        tg = self.elbv2("create-target-group", "--name", "web", "--protocol", "TCP", "--port", "80",
                        "--target-type", "instance", "--health-check-protocol", "HTTP",
                        "--health-check-path", "/index.html", "--health-check-interval-seconds", "5",
                        "--health-check-timeout-seconds", "2", "--healthy-threshold-count", "2",
                        "--unhealthy-threshold-count", "2")["TargetGroups"][0]
        self.elbv2("modify-target-group-attributes", "--target-group-arn", tg["TargetGroupArn"], "--attributes",
                   "Key=deregistration_delay.timeout_seconds,Value=3")
        listener = self.elbv2("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "TCP",
                              "--port", str(LISTENER_PORT), "--default-actions",
                              "Type=forward,TargetGroupArn=" + tg["TargetGroupArn"])["Listeners"][0]
        return lb, tg, listener

    def healthy_targets(self, tg_arn, count):
        def ready():
            health = self.elbv2("describe-target-health", "--target-group-arn", tg_arn)["TargetHealthDescriptions"]
            healthy = [h for h in health if h["TargetHealth"]["State"] == "healthy"]
            return health if len(healthy) == count and len(health) == count else None
        try:
            return wait_for(ready, timeout=60, what="%d healthy targets" % count)
        except AssertionError:
            health = self.elbv2("describe-target-health", "--target-group-arn", tg_arn)
            stopped = self.ecs.list_tasks(desiredStatus="STOPPED")["taskArns"][:3]
            reasons = [t.get("stoppedReason") for t in self.ecs.describe_tasks(tasks=stopped)["tasks"]] if stopped else []
            lines = [l for l in self.berth.log().splitlines() if "load balancing" in l or "error" in l][:20]
            raise AssertionError("no %d healthy targets: %s\n%s\n%s" % (count, json.dumps(health), reasons, lines))

    def assert_tasks_stop_and_service_retires(self, service, arns):
        """The tasks `arns` of `service` (deleted while they drain) reach STOPPED; then the service is INACTIVE."""
        self.assertTrue(arns)
        wait_for(lambda: all(self.describe(arn)["lastStatus"] == "STOPPED" for arn in arns) or None, timeout=60,
                 what="the deleted service's tasks to stop")
        wait_for(lambda: self.ecs.describe_services(services=[service])["services"][0]["status"] == "INACTIVE" or None,
                 timeout=10, what="the service to be INACTIVE")

    def pages(self, n):
        return [get(LISTENER_PORT) for _ in range(n)]

    def test_network_listener_spreads_connections_survives_a_rolling_deployment_and_drops_unhealthy_tasks(self):
        lb, tg, listener = self.network_load_balancer()
        tg_arn = tg["TargetGroupArn"]
        self.assertIn(":loadbalancer/net/edge/", lb["LoadBalancerArn"])
        self.assertEqual(listener["Port"], LISTENER_PORT)
        self.register_web("v1")
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=3,
                                healthCheckGracePeriodSeconds=0,
                                deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200},
                                loadBalancers=[{"targetGroupArn": tg_arn, "containerName": "web",
                                                "containerPort": 8080}])
        health = self.healthy_targets(tg_arn, 3)
        ports = sorted(h["Target"]["Port"] for h in health)
        self.assertEqual(len(set(ports)), 3, health)
        # Connections through the listener reach all three tasks (each names itself).
        seen = {body for status, body in self.pages(60)}
        self.assertEqual(len(seen), 3, seen)
        self.assertTrue(all(page.startswith("v1-") for page in seen), seen)
        self.assertIn("berth listener %d" % LISTENER_PORT, nat_rules())
        # berth holds the listener's port: no host program is given it while the DNAT takes it.
        self.assertEqual(bind_error(LISTENER_PORT), errno.EADDRINUSE)

        # A listener on a port a task holds is refused, naming the task.
        refused = self.elbv2("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "TCP",
                             "--port", str(ports[0]), "--default-actions",
                             "Type=forward,TargetGroupArn=" + tg_arn, check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("InvalidConfigurationRequest", refused.stderr)
        self.assertIn("as a host port", refused.stderr)
        duplicate = self.elbv2("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "TCP",
                               "--port", str(LISTENER_PORT), "--default-actions",
                               "Type=forward,TargetGroupArn=" + tg_arn, check=False)
        self.assertIn("DuplicateListener", duplicate.stderr)

        # A rolling deployment under a steady request loop loses no request.
        failures, answers, stop = [], [], threading.Event()

        def loop():
            while not stop.is_set():
                try:
                    status, body = get(LISTENER_PORT)
                    (answers if status == 200 else failures).append(body)
                except OSError as e:
                    failures.append(repr(e))
                time.sleep(0.02)
        client = threading.Thread(target=loop)
        client.start()
        try:
            self.register_web("v2")
            self.ecs.update_service(service="web", taskDefinition="web")

            def rolled():
                health = self.elbv2("describe-target-health", "--target-group-arn", tg_arn)["TargetHealthDescriptions"]
                tasks = self.ecs.list_tasks(serviceName="web")["taskArns"]
                recent = answers[-30:]
                done = len(tasks) == 3 and len(health) == 3 and len(recent) == 30 and \
                    all(b.startswith("v2-") for b in recent) and \
                    all(h["TargetHealth"]["State"] == "healthy" for h in health)
                return done or None
            wait_for(rolled, timeout=120, what="the deployment to v2")
        finally:
            stop.set()
            client.join()
        self.assertEqual(failures, [], "requests lost during the deployment")
        self.assertGreater(len(answers), 100)
        self.assertTrue(any(b.startswith("v1-") for b in answers) and any(b.startswith("v2-") for b in answers))

        # A task failing its health check (its page gone: 404) stops receiving traffic.
        task = self.describe(self.ecs.list_tasks(serviceName="web")["taskArns"][0])
        runtime_id = task["containers"][0]["runtimeId"]
        subprocess.run(["runc", "--root", self.berth.runc_root, "exec", runtime_id, "rm", "/www/index.html"],
                       check=True, capture_output=True)

        def dropped():
            health = self.elbv2("describe-target-health", "--target-group-arn", tg_arn)["TargetHealthDescriptions"]
            states = [h["TargetHealth"] for h in health]
            return any(s["State"] == "unhealthy" for s in states) or self.describe(task["taskArn"])["lastStatus"] != "RUNNING"
        wait_for(dropped, timeout=60, what="the failing target to be unhealthy or replaced")
        statuses = [status for status, _ in self.pages(40)]
        self.assertEqual(set(statuses), {200}, statuses)
        # As ECS does, the service replaces it (the grace period is 0).
        stopped = wait_for(lambda: (lambda t: t if t["lastStatus"] == "STOPPED" else None)(self.describe(task["taskArn"])),
                           timeout=60, what="the unhealthy task to stop")
        self.assertIn("failed ELB health checks", stopped["stoppedReason"])

        # A scale-in to 0 starts draining the tasks (3 s); deleting the service (--force) while they
        # drain still stops them once the delay has passed, and only then is the service INACTIVE.
        arns = self.ecs.list_tasks(serviceName="web")["taskArns"]
        self.ecs.update_service(service="web", desiredCount=0)
        self.ecs.delete_service(service="web", force=True)
        self.assert_tasks_stop_and_service_retires("web", arns)
        # Deleting the load balancer takes its listener's rules out of the kernel.
        self.elbv2("delete-load-balancer", "--load-balancer-arn", lb["LoadBalancerArn"])
        wait_for(lambda: "berth listener %d" % LISTENER_PORT not in nat_rules() or None, timeout=10,
                 what="the listener's rules to go")
        self.assertIsNone(bind_error(LISTENER_PORT))
        self.elbv2("delete-target-group", "--target-group-arn", tg_arn)
        missing = self.elbv2("describe-target-groups", "--target-group-arns", tg_arn, check=False)
        self.assertIn("TargetGroupNotFound", missing.stderr)

    def test_application_listener_routes_paths_to_two_services(self):
        lb = self.elbv2("create-load-balancer", "--name", "app", "--type", "application")["LoadBalancers"][0]
        groups = {}
        for name in ("a", "b"):
            groups[name] = self.elbv2("create-target-group", "--name", name, "--protocol", "HTTP", "--port", "80",
                                      "--health-check-path", "/index.html", "--health-check-interval-seconds", "5",
                                      "--healthy-threshold-count", "2")["TargetGroups"][0]["TargetGroupArn"]
            page = "mkdir -p /www/a /www/b && for f in /www/index.html /www/a/index.html /www/b/index.html; do " \
                   "echo svc-%s > $f; done && exec httpd -f -p 8080 -h /www" % name
            self.elbv2("modify-target-group-attributes", "--target-group-arn", groups[name], "--attributes",
                       "Key=deregistration_delay.timeout_seconds,Value=1")
            self.register("svc-" + name, [{"name": "web", "memory": 32, "stopTimeout": 1, "command": ["sh", "-c", page],
                                           "portMappings": [{"containerPort": 8080, "hostPort": 0}]}],
                          network_mode="bridge")
            self.ecs.create_service(serviceName="svc-" + name, taskDefinition="svc-" + name, desiredCount=2,
                                    loadBalancers=[{"targetGroupArn": groups[name], "containerName": "web",
                                                    "containerPort": 8080}])
        port = LISTENER_PORT + 1
        listener = self.elbv2("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "HTTP",
                              "--port", str(port), "--default-actions",
                              "Type=forward,TargetGroupArn=" + groups["a"])["Listeners"][0]
        for priority, name in ((10, "a"), (20, "b")):
            self.elbv2("create-rule", "--listener-arn", listener["ListenerArn"], "--priority", str(priority),
                       "--conditions", "Field=path-pattern,Values=/%s*" % name, "--actions",
                       "Type=forward,TargetGroupArn=" + groups[name])
        for name in ("a", "b"):
            self.healthy_targets(groups[name], 2)
        for _ in range(10):
            self.assertEqual(get(port, "/a/index.html"), (200, "svc-a"))
            self.assertEqual(get(port, "/b/index.html"), (200, "svc-b"))
        self.assertEqual(get(port, "/index.html"), (200, "svc-a"))  # the default action
        # Deleted with --force at once, running: the tasks drain (1 s), then stop.
        arns = {name: self.ecs.list_tasks(serviceName="svc-" + name)["taskArns"] for name in ("a", "b")}
        for name in ("a", "b"):
            self.ecs.delete_service(service="svc-" + name, force=True)
        for name in ("a", "b"):
            self.assert_tasks_stop_and_service_retires("svc-" + name, arns[name])
        self.elbv2("delete-load-balancer", "--load-balancer-arn", lb["LoadBalancerArn"])

    def test_api_shapes_and_errors(self):
        lb = self.elbv2("create-load-balancer", "--name", "app", "--type", "application")["LoadBalancers"][0]
        self.assertEqual(lb["Type"], "application")
        self.assertEqual(lb["State"]["Code"], "active")
        described = self.elbv2("describe-load-balancers", "--names", "app")["LoadBalancers"]
        self.assertEqual([d["LoadBalancerArn"] for d in described], [lb["LoadBalancerArn"]])
        missing = self.elbv2("describe-load-balancers", "--names", "nope", check=False)
        self.assertIn("LoadBalancerNotFound", missing.stderr)
        tg = self.elbv2("create-target-group", "--name", "a", "--protocol", "HTTP", "--port", "80",
                        "--health-check-path", "/health", "--matcher", "HttpCode=200-299")["TargetGroups"][0]
        self.assertEqual(tg["Matcher"]["HttpCode"], "200-299")
        self.assertEqual(tg["HealthCheckPath"], "/health")
        listener = self.elbv2("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"], "--protocol", "HTTP",
                              "--port", "18090", "--default-actions",
                              "Type=forward,TargetGroupArn=" + tg["TargetGroupArn"])["Listeners"][0]
        rule = self.elbv2("create-rule", "--listener-arn", listener["ListenerArn"], "--priority", "5", "--conditions",
                          "Field=path-pattern,Values=/a*", "--actions",
                          "Type=forward,TargetGroupArn=" + tg["TargetGroupArn"])["Rules"][0]
        self.assertEqual(rule["Priority"], "5")
        again = self.elbv2("create-rule", "--listener-arn", listener["ListenerArn"], "--priority", "5", "--conditions",
                           "Field=path-pattern,Values=/b*", "--actions",
                           "Type=forward,TargetGroupArn=" + tg["TargetGroupArn"], check=False)
        self.assertIn("PriorityInUse", again.stderr)
        rules = self.elbv2("describe-rules", "--listener-arn", listener["ListenerArn"])["Rules"]
        self.assertEqual([r["IsDefault"] for r in rules], [False, True])
        self.elbv2("register-targets", "--target-group-arn", tg["TargetGroupArn"], "--targets", "Id=127.0.0.1,Port=1")
        health = self.elbv2("describe-target-health", "--target-group-arn", tg["TargetGroupArn"])
        self.assertEqual(health["TargetHealthDescriptions"][0]["Target"], {"Id": "127.0.0.1", "Port": 1})
        in_use = self.elbv2("delete-target-group", "--target-group-arn", tg["TargetGroupArn"], check=False)
        self.assertIn("ResourceInUse", in_use.stderr)
        self.elbv2("delete-rule", "--rule-arn", rule["RuleArn"])
        self.elbv2("delete-listener", "--listener-arn", listener["ListenerArn"])
        self.elbv2("delete-load-balancer", "--load-balancer-arn", lb["LoadBalancerArn"])
        self.elbv2("delete-target-group", "--target-group-arn", tg["TargetGroupArn"])
        self.assertEqual(self.elbv2("describe-load-balancers")["LoadBalancers"], [])
