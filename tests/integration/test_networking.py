"""Bridge networking with the real CNI plugins (Debian's containernetworking-plugins) and real
containers: published ports, dynamic host ports, hairpin, udp, restarts and leak checks."""
import errno
import json
import os
import signal
import socket
import shlex
import subprocess
import time
import urllib.request

from test_tasks import TaskTestCase, wait_for

BRIDGE = "berth-it0"
SUBNET = "172.30.0.0/24"
GATEWAY = "172.30.0.1"
HTTPD = ["sh", "-c", "mkdir -p /www && echo page-from-$HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www"]


def fetch(url, timeout=5):
    return urllib.request.urlopen(url, timeout=timeout).read().decode()


def bind_error(port, kind=socket.SOCK_STREAM):
    """None if a host program could bind 0.0.0.0:port now (SO_REUSEADDR, as servers set it),
    else the errno it got."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))
            return None
        except OSError as e:
            return e.errno


def bridge_guard_rules():
    """The INPUT rules for this module's bridge. Other suites' berths guard their own bridges
    (berth0 by default), and their rules may stay on the host after them."""
    rules = subprocess.run(["iptables", "-S", "INPUT"], capture_output=True, text=True, check=True).stdout
    return [line for line in rules.splitlines() if "-i %s " % BRIDGE in line]


class BridgeTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_BRIDGE_NAME=%s\nBERTH_BRIDGE_SUBNET=%s\n" % (BRIDGE, SUBNET)

    def setUp(self):
        self.task_ids = []
        super().setUp()

    def assert_nothing_left(self):
        super().assert_nothing_left()
        self.assert_no_network_leaks()

    def register_web(self, family, host_port=None, **extra):
        mapping = {"containerPort": 8080}
        if host_port is not None:
            mapping["hostPort"] = host_port
        return self.register(family, [{"name": "web", "memory": 32, "stopTimeout": 1, "command": HTTPD,
                                       "portMappings": [mapping]}], network_mode="bridge", **extra)

    def run_running(self, family):
        arn = self.run_task(family)
        self.task_ids.append(arn.rsplit("/", 1)[1])
        return wait_for(lambda: self.running(arn), timeout=30, what=family + " RUNNING")

    def running(self, arn):
        t = self.ecs.describe_tasks(tasks=[arn])["tasks"][0]
        self.assertNotEqual(t["lastStatus"], "STOPPED", t.get("stoppedReason"))
        return t if t["lastStatus"] == "RUNNING" else None

    def page(self, port, host="127.0.0.1"):
        return wait_for(lambda: self.try_fetch("http://%s:%d/index.html" % (host, port)), timeout=10,
                        what="page on port %d" % port)

    @staticmethod
    def try_fetch(url):
        try:
            return fetch(url, timeout=2)
        except OSError:
            return None

    def assert_no_network_leaks(self):
        run = os.path.join(self.berth.dir, "run")
        netns = os.path.join(run, "netns")
        self.assertEqual(os.listdir(netns) if os.path.isdir(netns) else [], [], "netns left behind")
        state = os.path.join(self.berth.dir, "data", "network")
        self.assertEqual(os.listdir(state) if os.path.isdir(state) else [], [], "attachment records left")
        links = subprocess.run(["ip", "-o", "link", "show", "master", BRIDGE], capture_output=True, text=True).stdout
        self.assertEqual(links.strip(), "", "veth left on the bridge")
        rules = subprocess.run(["iptables-save"], capture_output=True, text=True).stdout
        for task_id in self.task_ids:
            self.assertNotIn(task_id, rules, "iptables rules of task %s left" % task_id)
        leases = os.path.join(run, "ipam", "berth")
        left = [f for f in (os.listdir(leases) if os.path.isdir(leases) else []) if f[0].isdigit()]
        self.assertEqual(left, [], "IP leases left")

    def test_the_example_task_definition_serves_its_page_on_host_port_80(self):
        self.register_web("python-app", host_port=80)
        task = self.run_running("python-app")
        web = task["containers"][0]
        self.assertEqual(web["networkBindings"],
                         [{"bindIP": "0.0.0.0", "containerPort": 8080, "hostPort": 80, "protocol": "tcp"}])
        self.assertTrue(web["networkInterfaces"][0]["privateIpv4Address"].startswith("172.30.0."))
        self.assertTrue(self.page(80).startswith("page-from-"))
        # A second task cannot have port 80 too.
        second = self.ecs.run_task(taskDefinition="python-app")
        self.assertEqual(second["tasks"], [])
        self.assertEqual(second["failures"][0]["reason"], "RESOURCE:PORTS")

    def test_dynamic_host_ports_are_distinct_and_reachable_also_from_another_container(self):
        self.register_web("dyn")
        tasks = [self.run_running("dyn") for _ in range(2)]
        ports = [t["containers"][0]["networkBindings"][0]["hostPort"] for t in tasks]
        self.assertNotEqual(ports[0], ports[1])
        low, high = [int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split()]
        for port, task in zip(ports, tasks):
            self.assertTrue(low <= port <= high, port)
            self.assertTrue(self.page(port).startswith("page-from-"))
        self.assert_hairpin(ports[0])

    def assert_hairpin(self, port):
        """A container reaches a published port through the host's address."""
        done, logs = self.run_to_end("client", [{"name": "get", "memory": 16, "command": [
            "sh", "-c", "wget -q -O- http://%s:%d/index.html" % (GATEWAY, port)]}])
        self.assertEqual(done["containers"][0].get("exitCode"), 0, done)
        self.assertIn("page-from-", logs)

    def run_to_end(self, family, containers, **extra):
        """Runs a bridge task to its end; returns the stopped task and its logs."""
        self.register(family, containers, network_mode="bridge", **extra)
        arn = self.run_task(family)
        self.task_ids.append(arn.rsplit("/", 1)[1])
        done = self.wait_status(arn, "STOPPED")
        logs = self.berth.raw(None, b"", method="GET", path="/v1/tasks/%s/logs" % self.task_ids[-1])[1]
        return done, json.dumps(logs)

    def test_the_loopback_guard_flushed_since_the_last_attach_is_put_back(self):
        guard = "berth: no bridge traffic to host loopback"

        def guard_rules():
            return [line for line in bridge_guard_rules() if guard in line]

        self.register_web("first")
        self.run_running("first")
        self.assertEqual(len(guard_rules()), 1)
        # As a firewall reload or `iptables -F` would: the rule goes, route_localnet stays on.
        for line in guard_rules():
            subprocess.run(["iptables", "-D"] + shlex.split(line)[1:], check=True)
        self.assertEqual(guard_rules(), [])
        self.register_web("second")
        self.run_running("second")
        self.assertEqual(len(guard_rules()), 1)

    def test_a_container_cannot_reach_host_loopback_while_published_ports_and_hairpin_answer(self):
        # A published port makes portmap turn on route_localnet for the bridge.
        self.register_web("published")
        port = self.run_running("published")["containers"][0]["networkBindings"][0]["hostPort"]
        with open("/proc/sys/net/ipv4/conf/%s/route_localnet" % BRIDGE) as f:
            self.assertEqual(f.read().strip(), "1")
        # With Docker's default CAP_NET_RAW a container can hand the host a packet for
        # 127.0.0.1 through the gateway's MAC: berth's own API port must not answer it.
        mount, volumes = self.helper("loopback_probe.c", "loopback-probe")
        done, logs = self.run_to_end("probe", [{"name": "probe", "memory": 16, "mountPoints": mount, "command": [
            "/helpers/loopback-probe", GATEWAY, str(self.berth.port)]}], volumes=volumes)
        self.assertIn("no answer", logs)
        self.assertEqual(done["containers"][0].get("exitCode"), 1, logs)
        # The guard is one rule, however many tasks and restarts came before.
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.assertEqual(wait_for(lambda: self.running(self.ecs.list_tasks()["taskArns"][0]), what="task kept")["lastStatus"],
                         "RUNNING")
        self.run_to_end("again", [{"name": "main", "memory": 16, "command": ["true"]}])
        rules = bridge_guard_rules()
        self.assertEqual(sum("berth: no bridge traffic to host loopback" in r for r in rules), 1, rules)
        # What must keep working: the published port on 127.0.0.1, and hairpin.
        self.assertTrue(self.page(port).startswith("page-from-"))
        self.assert_hairpin(port)

    def test_udp_mapping(self):
        # busybox has no UDP server: a static one compiled here runs from a host volume.
        mount, volumes = self.helper("udp_echo.c", "udp-echo")
        self.register("udp", [{"name": "listen", "memory": 16, "stopTimeout": 1, "command": ["/helpers/udp-echo", "9000"],
                               "mountPoints": mount,
                               "portMappings": [{"containerPort": 9000, "protocol": "udp"}]}], network_mode="bridge",
                      volumes=volumes)
        task = self.run_running("udp")
        binding = task["containers"][0]["networkBindings"][0]
        self.assertEqual(binding["protocol"], "udp")

        def echoed():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(1)
                s.sendto(b"datagram-through-portmap", ("127.0.0.1", binding["hostPort"]))
                try:
                    return s.recvfrom(2048)[0]
                except socket.timeout:
                    return None
        self.assertEqual(wait_for(echoed, timeout=15, what="udp echo"), b"echo:datagram-through-portmap")
        # The container logs the datagram after echoing it: the log may lag the echo a little.
        wait_for(lambda: "datagram-through-portmap" in json.dumps(
            self.berth.raw(None, b"", method="GET", path="/v1/tasks/%s/logs" % self.task_ids[-1])[1]),
            timeout=10, what="the datagram in the task's log")

    def test_sigkill_restart_keeps_bindings_and_leaks_nothing(self):
        # A range of two ports makes the check exact: after the restart the held port must be
        # known, so the next task gets the other one and a third finds none.
        with open(self.berth.config_path, "a") as f:
            f.write("ECS_DYNAMIC_HOST_PORT_RANGE=40110-40111\n")
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.register_web("steady")
        task = self.run_running("steady")
        port = task["containers"][0]["networkBindings"][0]["hostPort"]
        self.assertIn(port, (40110, 40111))
        before = self.page(port)
        self.berth.restart(signal.SIGKILL)
        self.ecs = self.berth.boto3()
        after = self.ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        self.assertEqual(after["lastStatus"], "RUNNING")
        self.assertEqual(after["containers"][0]["networkBindings"], task["containers"][0]["networkBindings"])
        self.assertEqual(self.page(port), before)
        # The restarted berth holds the running task's port again.
        self.assertEqual(bind_error(port), errno.EADDRINUSE)
        other = self.run_running("steady")
        self.assertEqual(other["containers"][0]["networkBindings"][0]["hostPort"], 40110 + 40111 - port)
        third = self.ecs.run_task(taskDefinition="steady")
        self.assertEqual([f["reason"] for f in third["failures"]], ["RESOURCE:PORTS"])

    def test_a_dynamic_port_taken_after_placement_is_replaced_by_a_free_one_of_the_range(self):
        # Placement chose the port on the server; a host program (most often an outgoing
        # connection given it as its source port) may take it before the task starts. A range of
        # two ports makes the placement exact: a host-mode task claims 40131 in placement's view
        # without binding it, so the bridge task is placed on 40130, which this test holds.
        with open(self.berth.config_path, "a") as f:
            f.write("ECS_DYNAMIC_HOST_PORT_RANGE=40130-40131\n")
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.register("claim", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"],
                                 "portMappings": [{"containerPort": 40131, "hostPort": 40131}]}])
        claim = self.run_running("claim")
        self.register_web("moved")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
            # As servers do; berth's own bind (without it) is refused all the same.
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            other.bind(("0.0.0.0", 40130))
            other.listen()
            task = self.run_running("moved")
            binding = task["containers"][0]["networkBindings"][0]
            self.assertEqual(binding["hostPort"], 40131, binding)
            self.assertEqual(binding["containerPort"], 8080)
            self.assertTrue(self.page(40131).startswith("page-from-"))
            self.assertEqual(bind_error(40131), errno.EADDRINUSE)  # held by berth against host programs
            self.assertIn("host port 40130/tcp was taken since placement; dynamic port 40131 is published instead",
                          self.berth.log())
            # The program keeps its port: no DNAT was made to take its clients. The client closes
            # first, so no TIME_WAIT is left on 40130.
            with socket.create_connection(("127.0.0.1", 40130), timeout=5):
                accepted, _ = other.accept()
            accepted.close()
        # A restart of berth keeps the port the task holds, not the one placement chose.
        self.berth.restart()
        self.ecs = self.berth.boto3()
        after = self.ecs.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
        self.assertEqual(after["lastStatus"], "RUNNING")
        self.assertEqual(after["containers"][0]["networkBindings"], task["containers"][0]["networkBindings"])
        self.assertTrue(self.page(40131).startswith("page-from-"))
        self.assertEqual(bind_error(40131), errno.EADDRINUSE)
        for arn in (task["taskArn"], claim["taskArn"]):
            self.ecs.stop_task(task=arn)
            self.wait_status(arn, "STOPPED")

    def test_published_ports_are_held_against_host_programs_until_the_task_stops(self):
        # The DNAT alone holds no socket: without berth holding the port, the kernel could hand
        # it to a host program's bind(:0), whose clients would then reach the container.
        self.register_web("held")
        task = self.run_running("held")
        port = task["containers"][0]["networkBindings"][0]["hostPort"]
        self.assertEqual(bind_error(port), errno.EADDRINUSE)
        self.assertIsNone(bind_error(port, socket.SOCK_DGRAM))  # only the mapped protocol is held
        self.assertTrue(self.page(port).startswith("page-from-"))  # the held port still answers
        self.ecs.stop_task(task=task["taskArn"])
        self.wait_status(task["taskArn"], "STOPPED")
        wait_for(lambda: bind_error(port) is None, timeout=10, what="port %d let go" % port)

    def test_a_host_port_another_program_holds_stops_the_task_with_dockers_words(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
            other.bind(("0.0.0.0", 0))
            other.listen()
            port = other.getsockname()[1]
            self.register_web("clash", host_port=port)
            arn = self.run_task("clash")
            self.task_ids.append(arn.rsplit("/", 1)[1])
            stopped = self.wait_status(arn, "STOPPED")
            self.assertIn("Bind for 0.0.0.0:%d/tcp failed: port is already allocated" % port,
                          stopped.get("stoppedReason", "") + json.dumps(stopped["containers"]))
            # The program keeps its port: no DNAT was left to take its clients.
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                accepted, _ = other.accept()
                accepted.close()
        # assert_nothing_left then finds no netns, veth, rules, leases or records of it.

    def test_a_task_that_ends_while_berth_is_down_has_its_network_released_at_restart(self):
        self.register_web("brief")
        task = self.run_running("brief")
        port = task["containers"][0]["networkBindings"][0]["hostPort"]
        self.berth.stop(signal.SIGKILL)
        # The container dies while nobody watches.
        subprocess.run(["runc", "--root", self.berth.runc_root, "kill", self.task_ids[-1] + "-web", "KILL"], check=True)
        self.berth.start()
        self.ecs = self.berth.boto3()
        stopped = self.wait_status(task["taskArn"], "STOPPED")
        self.assertEqual(stopped["stopCode"], "EssentialContainerExited")
        self.assertIsNone(self.try_fetch("http://127.0.0.1:%d/index.html" % port))
        # assert_nothing_left then finds no netns, veth, rules, leases or records of it.

    def test_a_container_port_range_gets_a_host_port_for_each_port(self):
        # Debian's boto3 1.26 predates containerPortRange: register over raw JSON 1.1.
        status, reply, _ = self.berth.raw("RegisterTaskDefinition", json.dumps({
            "family": "ranged", "networkMode": "bridge", "containerDefinitions": [{
                "name": "web", "image": "busybox", "memory": 32, "stopTimeout": 1, "command": [
                    "sh", "-c", "mkdir -p /a /b && echo a > /a/index.html && echo b > /b/index.html && "
                                "httpd -p 9000 -h /a && exec httpd -f -p 9001 -h /b"],
                "portMappings": [{"containerPortRange": "9000-9001"}]}]}))
        self.assertEqual(status, 200, reply)
        task = self.run_running("ranged")
        bindings = {b["containerPort"]: b["hostPort"] for b in task["containers"][0]["networkBindings"]}
        self.assertEqual(sorted(bindings), [9000, 9001])
        self.assertNotEqual(bindings[9000], bindings[9001])
        self.assertEqual(self.page(bindings[9000]).strip(), "a")
        self.assertEqual(self.page(bindings[9001]).strip(), "b")

    def test_awsvpc_is_refused_with_a_clear_message(self):
        self.register("vpc", [{"name": "main", "memory": 16, "command": ["true"]}], network_mode="awsvpc")
        with self.assertRaises(Exception) as raised:
            self.ecs.run_task(taskDefinition="vpc")
        self.assertIn("awsvpc", str(raised.exception))
