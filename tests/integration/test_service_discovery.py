"""Service discovery with real containers: a Cloud Map namespace and service made with the aws CLI,
an ECS service on bridge networking with dynamic host ports registering its tasks through
serviceRegistries, and berth's DNS answering a busybox client container (A with nslookup, SRV
with a small DNS client here) and following a scale-in; answers too long for a datagram come
truncated (TC) over UDP and whole over TCP. Its own bridge and subnet, so its DNS address is its
own."""
import random
import socket
import struct
import subprocess

from test_networking import HTTPD
from test_tasks import TaskTestCase, wait_for

BRIDGE = "berth-sd0"
SUBNET = "172.29.0.0/24"
GATEWAY = "172.29.0.1"


def dns_reply(name, qtype, server=GATEWAY, port=53, timeout=2, tcp=False):
    """Asks `server` one question over UDP (or TCP, with the 2-byte length before each message);
    returns (flags, [answer records]) where an A record is its address and an SRV record
    (port, target)."""
    qid = random.randrange(65536)
    question = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    message = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question + struct.pack(">HH", qtype, 1)
    if tcp:
        with socket.create_connection((server, port), timeout=timeout) as s:
            s.sendall(struct.pack(">H", len(message)) + message)
            stream = b""
            while len(stream) < 2 or len(stream) < 2 + struct.unpack(">H", stream[:2])[0]:
                chunk = s.recv(65536)
                assert chunk, "the server closed the connection before answering"
                stream += chunk
            reply = stream[2:2 + struct.unpack(">H", stream[:2])[0]]
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(message, (server, port))
            reply, _ = s.recvfrom(4096)
    rid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", reply[:12])
    assert rid == qid, "reply to another question"

    def read_name(at):
        labels = []
        while True:
            length = reply[at]
            if length & 0xC0 == 0xC0:
                labels.append(read_name(((length & 0x3F) << 8) | reply[at + 1])[0])
                return ".".join(labels), at + 2
            at += 1
            if length == 0:
                return ".".join(labels), at
            labels.append(reply[at:at + length].decode())
            at += length

    at = 12
    for _ in range(qd):
        at = read_name(at)[1] + 4
    records = []
    for _ in range(an):
        at = read_name(at)[1]
        rtype, _, _, rdlength = struct.unpack(">HHIH", reply[at:at + 10])
        rdata = at + 10
        if rtype == 1:
            records.append(socket.inet_ntoa(reply[rdata:rdata + 4]))
        elif rtype == 33:
            _, _, srv_port = struct.unpack(">HHH", reply[rdata:rdata + 6])
            records.append((srv_port, read_name(rdata + 6)[0]))
        at = rdata + rdlength
    return flags, records


def dns_query(name, qtype, server=GATEWAY, port=53, timeout=2):
    """Asks over UDP; returns (rcode, [answer records]) as dns_reply."""
    flags, records = dns_reply(name, qtype, server, port, timeout)
    return flags & 0xF, records


TRUNCATED = 0x0200  # the TC flag


class ServiceDiscoveryTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_BRIDGE_NAME=%s\nBERTH_BRIDGE_SUBNET=%s\n" % (BRIDGE, SUBNET)

    def sd(self, *args, check=True):
        return self.berth.aws(*args, service="servicediscovery", check=check)

    def discover(self, service="web"):
        """DiscoverInstances through boto3: Debian's aws CLI 2.9 sends it to `data-<endpoint host>`
        (as AWS serves it) and has no setting to keep the endpoint given."""
        client = self.berth.boto3("servicediscovery", inject_host_prefix=False)
        return client.discover_instances(NamespaceName="local", ServiceName=service)["Instances"]

    def tearDown_services(self):
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)
        wait_for(lambda: self.ecs.list_tasks(serviceName="web")["taskArns"] == [], timeout=60,
                 what="service tasks stopped")  # the client task is stopped by assert_nothing_left

    def exec_in(self, task_arn, container, script):
        rid = task_arn.rsplit("/", 1)[1] + "-" + container
        return subprocess.run(["runc", "--root", self.berth.runc_root, "exec", rid, "sh", "-c", script],
                              capture_output=True, text=True, timeout=30)

    def host_ports(self):
        arns = self.ecs.list_tasks(serviceName="web", desiredStatus="RUNNING")["taskArns"]
        tasks = self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
        return sorted(b["hostPort"] for t in tasks if t["lastStatus"] == "RUNNING"
                      for c in t["containers"] for b in c.get("networkBindings", []))

    def srv_ports(self):
        try:
            rcode, records = dns_query("web.local", 33)
        except OSError:
            return None
        return sorted(port for port, _ in records) if rcode == 0 else None

    def test_a_client_container_resolves_the_service_and_follows_scale_in(self):
        self.addCleanup(self.tearDown_services)
        operation = self.sd("create-private-dns-namespace", "--name", "local", "--vpc", "vpc-gateway")["OperationId"]
        done = self.sd("get-operation", "--operation-id", operation)["Operation"]
        self.assertEqual(done["Status"], "SUCCESS")
        namespace_id = done["Targets"]["NAMESPACE"]
        listed = self.sd("list-namespaces")["Namespaces"]
        self.assertEqual([n["Name"] for n in listed], ["local"])
        service = self.sd("create-service", "--name", "web", "--namespace-id", namespace_id, "--dns-config",
                          "NamespaceId=%s,RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=10},{Type=SRV,TTL=10}]"
                          % namespace_id)["Service"]
        self.assertEqual(self.sd("get-service", "--id", service["Id"])["Service"]["Name"], "web")
        failed = self.sd("delete-namespace", "--id", namespace_id, check=False)
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("ResourceInUse", failed.stderr)

        self.register("web", [{"name": "web", "memory": 32, "stopTimeout": 1, "command": HTTPD,
                               "portMappings": [{"containerPort": 8080}]}], network_mode="bridge")
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=3, serviceRegistries=[
            {"registryArn": service["Arn"], "containerName": "web", "containerPort": 8080}])
        ports = wait_for(lambda: (lambda p: p if len(p) == 3 else None)(self.host_ports()), timeout=60,
                         what="three web tasks running")
        # berth's DNS answers the host too, on the bridge's gateway address.
        wait_for(lambda: self.srv_ports() == ports or None, timeout=10, what="SRV with the three host ports")
        discovered = self.discover()
        self.assertEqual(sorted(int(i["Attributes"]["AWS_INSTANCE_PORT"]) for i in discovered), ports)
        self.assertEqual({i["Attributes"]["AWS_INSTANCE_IPV4"] for i in discovered}, {GATEWAY})
        listed = self.sd("list-instances", "--service-id", service["Id"])["Instances"]
        self.assertEqual(len(listed), 3)
        self.assertEqual(dns_query("nothing.local", 1)[0], 3)  # NXDOMAIN in berth's namespace

        # A client container: berth is its resolver; busybox resolves the A record and reaches a
        # task through an SRV record's target and port.
        self.register("client", [{"name": "c", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}],
                      network_mode="bridge")
        client = self.run_task("client")
        wait_for(lambda: self.ecs.describe_tasks(tasks=[client])["tasks"][0]["lastStatus"] == "RUNNING" or None,
                 timeout=30, what="client RUNNING")
        resolv = self.exec_in(client, "c", "cat /etc/resolv.conf")
        self.assertIn("nameserver " + GATEWAY, resolv.stdout)
        looked_up = self.exec_in(client, "c", "nslookup web.local")
        self.assertEqual(looked_up.returncode, 0, looked_up.stdout + looked_up.stderr)
        self.assertIn(GATEWAY, looked_up.stdout.split("web.local", 1)[-1])
        # The SRV record's target resolves (by A, in the container) to where its port answers.
        port, target = dns_query("web.local", 33)[1][0]
        target_lookup = self.exec_in(client, "c", "nslookup " + target)
        self.assertEqual(target_lookup.returncode, 0, target_lookup.stdout + target_lookup.stderr)
        address = target_lookup.stdout.split(target, 1)[-1].split("Address:")[1].split()[0]
        self.assertEqual(address, GATEWAY)
        page = self.exec_in(client, "c", "wget -q -O - http://%s:%d/index.html" % (address, port))
        self.assertEqual(page.returncode, 0, page.stderr)
        self.assertTrue(page.stdout.startswith("page-from-"), page.stdout)

        # Scale in: the answers follow the tasks that remain.
        self.ecs.update_service(service="web", desiredCount=1)
        remaining = wait_for(lambda: (lambda p: p if len(p) == 1 else None)(self.host_ports()), timeout=60,
                             what="one web task left")
        wait_for(lambda: self.srv_ports() == remaining or None, timeout=10, what="SRV following the scale-in")
        discovered = self.discover()
        self.assertEqual([int(i["Attributes"]["AWS_INSTANCE_PORT"]) for i in discovered], remaining)

    def test_custom_instances_and_errors_through_the_cli(self):
        operation = self.sd("create-private-dns-namespace", "--name", "plant.internal", "--vpc", "v")["OperationId"]
        namespace_id = self.sd("get-operation", "--operation-id", operation)["Operation"]["Targets"]["NAMESPACE"]
        service = self.sd("create-service", "--name", "db", "--namespace-id", namespace_id, "--dns-config",
                          "RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=60}]")["Service"]
        self.sd("register-instance", "--service-id", service["Id"], "--instance-id", "db-1",
                "--attributes", "AWS_INSTANCE_IPV4=10.9.8.7")
        self.assertEqual(dns_query("db.plant.internal", 1), (0, ["10.9.8.7"]))
        self.assertEqual(dns_query("db-1.db.plant.internal", 1), (0, ["10.9.8.7"]))
        failed = self.sd("delete-service", "--id", service["Id"], check=False)
        self.assertIn("ResourceInUse", failed.stderr)
        self.sd("deregister-instance", "--service-id", service["Id"], "--instance-id", "db-1")
        self.assertEqual(dns_query("db.plant.internal", 1), (0, []))
        missing = self.sd("get-service", "--id", "srv-nonexistent", check=False)
        self.assertIn("ServiceNotFound", missing.stderr)
        missing = self.sd("get-namespace", "--id", "ns-nonexistent", check=False)
        self.assertIn("NamespaceNotFound", missing.stderr)
        self.sd("delete-service", "--id", service["Id"])
        self.sd("delete-namespace", "--id", namespace_id)
        self.assertEqual(self.sd("list-namespaces")["Namespaces"], [])

    def test_long_answers_are_truncated_over_udp_and_whole_over_tcp(self):
        operation = self.sd("create-private-dns-namespace", "--name", "fleet.internal", "--vpc", "v")["OperationId"]
        namespace_id = self.sd("get-operation", "--operation-id", operation)["Operation"]["Targets"]["NAMESPACE"]
        service = self.sd("create-service", "--name", "sensors", "--namespace-id", namespace_id, "--dns-config",
                          "RoutingPolicy=MULTIVALUE,DnsRecords=[{Type=A,TTL=5},{Type=SRV,TTL=5}]")["Service"]
        count = 40
        client = self.berth.boto3("servicediscovery", inject_host_prefix=False)  # 40 CLI runs take half a minute
        for i in range(count):
            client.register_instance(ServiceId=service["Id"], InstanceId="sensor-reader-%02d" % i,
                                     Attributes={"AWS_INSTANCE_IPV4": "10.77.0.%d" % (i + 1),
                                                 "AWS_INSTANCE_PORT": str(31000 + i)})
        ports = [31000 + i for i in range(count)]
        addresses = sorted("10.77.0.%d" % (i + 1) for i in range(count))
        for qtype in (1, 33):
            flags, cut = dns_reply("sensors.fleet.internal", qtype)
            self.assertTrue(flags & TRUNCATED, "a %d-record answer over UDP has TC" % count)
            self.assertEqual(flags & 0xF, 0)
            self.assertTrue(0 < len(cut) < count, cut)
            flags, whole = dns_reply("sensors.fleet.internal", qtype, tcp=True)
            self.assertFalse(flags & TRUNCATED)
            if qtype == 1:
                self.assertEqual(sorted(whole), addresses)
            else:
                self.assertEqual(sorted(port for port, _ in whole), ports)
                self.assertIn((31000, "sensor-reader-00.sensors.fleet.internal"), whole)
        # A short answer is whole over UDP; names outside berth's namespaces are forwarded over TCP too
        # (answered by the host's resolvers, or SERVFAIL without any: never left unanswered).
        flags, one = dns_reply("sensor-reader-07.sensors.fleet.internal", 1)
        self.assertEqual((flags & TRUNCATED, one), (0, ["10.77.0.8"]))
        flags, _ = dns_reply("example.com", 1, tcp=True, timeout=10)
        self.assertIn(flags & 0xF, (0, 2, 3))
