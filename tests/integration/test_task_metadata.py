"""The task metadata endpoint (v4 and v3) with real containers: each container finds its URIs in its
environment and reads its own task's metadata with busybox's wget, from the host network and from
the bridge; another task's URI is refused, the host's loopback stays out of a bridge container's
reach, and a task without a network gets no endpoint. OpenTelemetry's AWS ECS resource detector
(Node.js) reads a host task's endpoint as it would on ECS."""
import json
import os
import re
import socket
import subprocess
import urllib.error
import urllib.request

from test_js_sdk import JS_DIR, NODE, js_sdk_installed
from test_tasks import TaskTestCase, wait_for

BRIDGE = "berth-md0"
SUBNET = "172.28.0.0/24"
GATEWAY = "172.28.0.1"


def free_port():
    """A TCP port nobody listens on now: this module's berth serves its metadata there, so that
    berths of modules running in parallel (on the default 51679) are not in its way."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
# What a container prints: its URIs, then each reply between markers (wget's errors go to stderr,
# which the log keeps too), and SHOWN last: a reader waits for that, not for the last section's
# opening marker, since wget's reply may reach the log after the marker. It first waits, as a
# client that needs it would, until its record says RUNNING: berth records that just after the
# start, so the very first reply may still say PENDING.
SHOWN = "metadata-shown"
SHOW = ("echo v4=$ECS_CONTAINER_METADATA_URI_V4; echo v3=$ECS_CONTAINER_METADATA_URI; "
        "until wget -qO- \"$ECS_CONTAINER_METADATA_URI_V4\" | grep -q '\"KnownStatus\":\"RUNNING\"'; do sleep 0.1; done; "
        "for p in /task '' /task/stats; do echo \"<<<$p\"; wget -qO- \"$ECS_CONTAINER_METADATA_URI_V4$p\"; echo '>>>'; done; "
        "echo '<<<v3'; wget -qO- \"$ECS_CONTAINER_METADATA_URI/task\"; echo '>>>'; echo %s; " % SHOWN)


def get(url):
    """(status, parsed JSON) of a GET from this host."""
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except urllib.error.URLError as e:  # nobody listening (yet)
        return 0, str(e)


class TaskMetadataTest(TaskTestCase):
    # BERTH_METRICS_INTERVAL: a reading every second where berth has the sampler (issue 13's
    # "sampling" part); a berth without it warns about the key and ignores it.
    config_text = TaskTestCase.config_text + (
        "BERTH_BRIDGE_NAME=%s\nBERTH_BRIDGE_SUBNET=%s\nBERTH_METADATA_PORT=%d\nBERTH_METRICS_INTERVAL=1\n" % (
            BRIDGE, SUBNET, PORT))

    def sampler_on(self):
        with open(self.berth.log_path) as f:
            return "unknown key BERTH_METRICS_INTERVAL" not in f.read()

    def run_and_read(self, family, command, network_mode, until, **extra):
        """Runs a one-container task printing with `command`; returns (task ARN, its log once it
        shows `until`)."""
        self.register(family, [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sh", "-c", command],
                                **extra}], network_mode=network_mode)
        arn = self.run_task(family)

        def log_text():
            out = self.logs(arn).stdout
            return out if until in out else None
        return arn, wait_for(log_text, timeout=30, what=family + " output")

    @staticmethod
    def section(log, name):
        """The text a container printed between <<<name and >>>."""
        found = re.search(r"<<<%s\n(.*?)\n?>>>" % re.escape(name), log, re.S)
        return found.group(1) if found else None

    @staticmethod
    def uri(log, version):
        return re.search(r"^%s=(\S*)$" % version, log, re.M).group(1)

    def assert_own_task(self, log, arn, family, network_mode):
        task = json.loads(self.section(log, "/task"))
        self.assertEqual(task["TaskARN"], arn)
        self.assertEqual((task["Family"], task["Revision"]), (family, "1"))
        self.assertEqual(task["KnownStatus"], "RUNNING")
        self.assertEqual(task["LaunchType"], "EC2")
        [container] = task["Containers"]
        self.assertEqual(container["Name"], "main")
        self.assertEqual(container["Networks"][0]["NetworkMode"], network_mode)
        self.assertEqual(container["Labels"]["com.amazonaws.ecs.task-arn"], arn)
        self.assertEqual(container["Limits"]["Memory"], 16)
        described = self.container(self.describe(arn), "main")
        self.assertEqual(container["ContainerARN"], described["containerArn"])
        self.assertEqual(container["DockerId"], described["runtimeId"])
        # The container's own metadata is the same container, and v3 serves the task as v4 does.
        self.assertEqual(json.loads(self.section(log, ""))["ContainerARN"], described["containerArn"])
        self.assertEqual(json.loads(self.section(log, "v3"))["TaskARN"], arn)
        return task, described

    def assert_stats_shape(self, stats_by_id, docker_id):
        """Docker stats of the task's container, or null before the sampler's first reading (as the
        ECS agent answers). Real numbers need the sampler (BERTH_METRICS_INTERVAL, issue 13's
        "sampling" part); without it every value is null."""
        self.assertEqual(list(stats_by_id), [docker_id])
        stats = stats_by_id[docker_id]
        if stats is not None:
            for key in ("read", "preread", "pids_stats", "blkio_stats", "cpu_stats", "precpu_stats", "memory_stats"):
                self.assertIn(key, stats)
            self.assertGreater(stats["memory_stats"]["usage"], 0)
            self.assertGreater(stats["cpu_stats"]["cpu_usage"]["total_usage"], 0)

    def assert_opentelemetry_detector_reads(self, v4, arn, described):
        """OpenTelemetry's AWS ECS resource detector (a metadata client ECS apps use unmodified),
        given the container's URI as a host-network container would have it, finds the task."""
        # Not a pass without it: the run says what to install.
        self.assertTrue(js_sdk_installed(), "the JS clients are not installed: run third_party/deps.sh js")
        out = subprocess.run([NODE, os.path.join(JS_DIR, "ecs_metadata.mjs")], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ, ECS_CONTAINER_METADATA_URI_V4=v4))
        self.assertEqual(out.returncode, 0, out.stderr)
        found = json.loads(out.stdout)
        cluster_arn = self.describe(arn)["clusterArn"]
        self.assertEqual({key: found.get(key) for key in (
            "cloud.provider", "cloud.platform", "aws.ecs.task.arn", "aws.ecs.cluster.arn", "aws.ecs.task.family",
            "aws.ecs.task.revision", "aws.ecs.launchtype", "aws.ecs.container.arn", "cloud.account.id",
            "cloud.region")}, {
            "cloud.provider": "aws", "cloud.platform": "aws_ecs", "aws.ecs.task.arn": arn,
            "aws.ecs.cluster.arn": cluster_arn, "aws.ecs.task.family": "host-md", "aws.ecs.task.revision": "1",
            "aws.ecs.launchtype": "ec2", "aws.ecs.container.arn": described["containerArn"],
            "cloud.account.id": arn.split(":")[4], "cloud.region": arn.split(":")[3]})

    def test_a_host_network_task_reads_its_own_metadata_on_the_loopback(self):
        arn, log = self.run_and_read("host-md", SHOW + "sleep 60", "host", SHOWN)
        v4 = self.uri(log, "v4")
        self.assertTrue(v4.startswith("http://127.0.0.1:%d/v4/" % PORT), log)
        self.assertEqual(self.uri(log, "v3"), v4.replace("/v4/", "/v3/"))
        _, described = self.assert_own_task(log, arn, "host-md", "host")
        self.assert_stats_shape(json.loads(self.section(log, "/task/stats")), described["runtimeId"])
        # The host is where a host-network task runs: the same URI answers here too, stats included:
        # real readings where berth samples, else the ECS agent's answers before a first reading.
        docker_id = described["runtimeId"]
        if self.sampler_on():
            stats = wait_for(lambda: (lambda r: r[1] if r[0] == 200 and r[1][docker_id] else None)(
                get(v4 + "/task/stats")), timeout=15, what="a first reading")
            self.assert_stats_shape(stats, docker_id)
            status, stats = get(v4 + "/stats")
            self.assertEqual((status, stats["id"]), (200, docker_id))
        else:
            self.assertEqual(get(v4 + "/task/stats"), (200, {docker_id: None}))
            self.assertEqual(get(v4 + "/stats"), (500, "Unable to get container stats for: " + docker_id))
        self.assert_opentelemetry_detector_reads(v4, arn, described)
        # A token altered in one digit is unknown; the ECS API is not served on this port.
        token = v4.rsplit("/", 1)[1]
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        status, message = get("http://127.0.0.1:%d/v4/%s/task" % (PORT, forged))
        self.assertEqual(status, 404)
        self.assertIn("unable to get task arn from request", message)
        self.assertEqual(get("http://127.0.0.1:%d/" % PORT)[0], 404)
        # The container outlives berth, and so does its URI: nothing about it was stored.
        self.berth.restart()
        self.ecs = self.berth.boto3()
        status, task = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(get(v4 + "/task")), timeout=10,
                                what="the endpoint after the restart")
        self.assertEqual(task["TaskARN"], arn)

    def test_a_bridge_task_reads_its_own_metadata_on_the_gateway_and_never_the_host_loopback(self):
        mount, volumes = self.helper("loopback_probe.c", "loopback-probe")
        # The probe hands the host a SYN for 127.0.0.1:PORT through the gateway's MAC: the bridge
        # guard drops it, while the gateway's address serves the metadata. A published port turns
        # on route_localnet for the bridge, without which the host would drop it anyway.
        command = "/helpers/loopback-probe %s %d; echo probe-exit=$?; %s sleep 60" % (GATEWAY, PORT, SHOW)
        self.register("bridge-md", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sh", "-c", command],
                                     "mountPoints": mount, "portMappings": [{"containerPort": 8080}]}],
                      network_mode="bridge", volumes=volumes)
        arn = self.run_task("bridge-md")
        log = wait_for(lambda: (lambda out: out if SHOWN in out else None)(self.logs(arn).stdout), timeout=30,
                       what="bridge-md output")
        with open("/proc/sys/net/ipv4/conf/%s/route_localnet" % BRIDGE) as f:
            self.assertEqual(f.read().strip(), "1")
        self.assertIn("no answer", log)
        self.assertIn("probe-exit=1", log)
        self.assertTrue(self.uri(log, "v4").startswith("http://%s:%d/v4/" % (GATEWAY, PORT)), log)
        task, described = self.assert_own_task(log, arn, "bridge-md", "bridge")
        address = described["networkInterfaces"][0]["privateIpv4Address"]
        self.assertEqual(task["Containers"][0]["Networks"][0]["IPv4Addresses"], [address])
        self.assert_stats_shape(json.loads(self.section(log, "/task/stats")), described["runtimeId"])
        # The host's loopback is no bridge task's address: its token is refused here.
        status, _ = get(self.uri(log, "v4").replace(GATEWAY, "127.0.0.1") + "/task")
        self.assertEqual(status, 404)

    def test_a_container_is_refused_another_tasks_metadata(self):
        owner, owner_log = self.run_and_read("owner", "echo v4=$ECS_CONTAINER_METADATA_URI_V4; sleep 60", "bridge", "v4=")
        stolen = self.uri(owner_log, "v4")
        self.assertTrue(stolen.startswith("http://%s:%d/v4/" % (GATEWAY, PORT)), owner_log)
        # Another bridge task holding the owner's URI: same gateway, wrong source address.
        _, thief_log = self.run_and_read("thief", "wget -O- %s/task 2>&1; echo thief-exit=$?; sleep 60" % stolen,
                                         "bridge", "thief-exit=")
        self.assertIn("404", thief_log)
        self.assertNotIn(owner, thief_log)
        self.assertRegex(thief_log, r"thief-exit=[1-9]")
        # Nor does the owner's token open anything from the host's loopback (no bridge task is there).
        self.assertEqual(get(stolen.replace(GATEWAY, "127.0.0.1") + "/task")[0], 404)

    def test_a_task_without_a_network_gets_no_endpoint(self):
        _, log = self.run_and_read("none-md", "echo v4=[$ECS_CONTAINER_METADATA_URI_V4] v3=[$ECS_CONTAINER_METADATA_URI]",
                                   "none", "v3=")
        self.assertIn("v4=[] v3=[]", log)
