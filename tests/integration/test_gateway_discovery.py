"""Service discovery across a cluster of gateways (see gateways.py): tasks of an ECS service with
serviceRegistries running on two joined gateways, each in its own network namespace, are in the
serving gateway's DNS answers at the address each joined agent registered (berth.instance-address:
the one it reaches the server from) with their ports, over UDP and TCP, and a client on the host
reaches each task's httpd through an SRV record. The serving gateway's DNS listens on the test
bridge's address at a free port (BERTH_DNS_LISTEN), so it holds no port 53 of the host."""
import os
import re
import unittest
import urllib.request

from gateways import BRIDGE_ADDRESS, SUBNET, JoinedGateway, ServingGateway, TestNetwork
from harness import join_token, wait_for
from test_service_discovery import TRUNCATED, dns_reply

HTTPD = ["sh", "-c", "mkdir -p /www && echo page-from-$HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www"]


class JoinedGatewayDiscoveryTest(unittest.TestCase):
    def setUp(self):
        self.net = TestNetwork()
        self.addCleanup(self.net.remove)
        self.server = ServingGateway(config_text="BERTH_TASK_SETTLE_SECONDS=0\nBERTH_METADATA_PORT=0\n"
                                                 "BERTH_DNS_LISTEN=%s:0\n" % BRIDGE_ADDRESS).start()
        self.addCleanup(self.server.cleanup)
        self.dns_port = int(wait_for("the DNS listening", lambda: re.search(
            r"DNS for containers on %s:(\d+)" % re.escape(BRIDGE_ADDRESS), self.server.log()), 10).group(1))
        self.ecs = self.server.client()
        # Only the joined gateways take tasks.
        own = self.ecs.list_container_instances()["containerInstanceArns"]
        self.ecs.update_container_instances_state(containerInstances=own, status="DRAINING")
        self.agents = []
        for index, zone in enumerate(["zone-a", "zone-b"]):
            agent = JoinedGateway(self.net.add(index), zone, self.server)
            self.addCleanup(agent.cleanup)
            agent.token = join_token(self.server)
            self.agents.append(agent.start())

    def sd_client(self):
        import boto3
        from botocore.config import Config
        key = self.server.key
        return boto3.client("servicediscovery", endpoint_url=self.server.endpoint, region_name=key[2],
                            aws_access_key_id=key[0], aws_secret_access_key=key[1],
                            verify=os.path.join(self.server.data_dir, "tls", "cert.pem"),
                            config=Config(retries={"max_attempts": 1}, inject_host_prefix=False))

    def ask(self, name, qtype, tcp=False):
        return dns_reply(name, qtype, server=BRIDGE_ADDRESS, port=self.dns_port, tcp=tcp)

    def test_tasks_on_joined_gateways_are_answered_at_their_gateways_addresses(self):
        addresses = sorted("%s.%d" % (SUBNET, 10 + index) for index in range(len(self.agents)))
        # Each joined agent registered the address it reaches the server from.
        described = self.ecs.describe_container_instances(
            containerInstances=[arn for arn in self.ecs.list_container_instances()["containerInstanceArns"]
                                if any(arn.endswith("/" + a.instance) for a in self.agents)])["containerInstances"]
        registered = sorted(next(x.get("value") for x in ci["attributes"] if x["name"] == "berth.instance-address")
                            for ci in described)
        self.assertEqual(registered, addresses)

        sd = self.sd_client()
        operation = sd.create_private_dns_namespace(Name="local", Vpc="vpc-gateways")["OperationId"]
        namespace_id = sd.get_operation(OperationId=operation)["Operation"]["Targets"]["NAMESPACE"]
        service = sd.create_service(Name="web", NamespaceId=namespace_id, DnsConfig={
            "RoutingPolicy": "MULTIVALUE", "DnsRecords": [{"Type": "A", "TTL": 5}, {"Type": "SRV", "TTL": 5}]})["Service"]
        # Host networking in each gateway's namespace: one httpd on port 8080 per gateway.
        self.ecs.register_task_definition(family="web", networkMode="host", containerDefinitions=[
            {"name": "web", "image": "busybox", "memory": 32, "essential": True, "command": HTTPD, "stopTimeout": 1,
             "portMappings": [{"containerPort": 8080, "hostPort": 8080}]}])
        self.ecs.create_service(serviceName="web", taskDefinition="web", desiredCount=2, serviceRegistries=[
            {"registryArn": service["Arn"], "containerName": "web", "containerPort": 8080}])

        def answered():
            flags, records = self.ask("web.local", 1)
            return sorted(records) == addresses and records
        wait_for("both joined gateways' addresses in the A answer", answered, 60)
        for tcp in (False, True):
            flags, srv = self.ask("web.local", 33, tcp=tcp)
            self.assertEqual(flags & (TRUNCATED | 0xF), 0)
            self.assertEqual([port for port, _ in srv], [8080, 8080])
            # Each target resolves to its gateway's address, where its httpd answers.
            reached = set()
            for port, target in srv:
                _, [address] = self.ask(target, 1, tcp=tcp)
                page = urllib.request.urlopen("http://%s:%d/index.html" % (address, port), timeout=5).read().decode()
                self.assertTrue(page.startswith("page-from-"), page)
                reached.add(address)
            self.assertEqual(sorted(reached), addresses)

        # Scale in: the answers follow the task that remains, at its gateway's address.
        self.ecs.update_service(service="web", desiredCount=1)
        wait_for("one address left", lambda: len(self.ask("web.local", 1)[1]) == 1, 60)
        [left] = self.ask("web.local", 1)[1]
        self.assertIn(left, addresses)
        self.ecs.delete_service(service="web", force=True)
        wait_for("the service's tasks gone from DNS", lambda: self.ask("web.local", 33)[1] == [], 60)
