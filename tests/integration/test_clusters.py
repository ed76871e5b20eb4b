"""Clusters and container instances through the real aws CLI and boto3."""
import socket

from harness import BerthTestCase, send_raw_http


class ClusterTest(BerthTestCase):
    def test_default_cluster_exists_after_first_start(self):
        arns = self.berth.aws("list-clusters")["clusterArns"]
        self.assertEqual(arns, ["arn:aws:ecs:local:000000000000:cluster/default"])

    def test_create_describe_list_delete(self):
        created = self.berth.aws("create-cluster", "--cluster-name", "edge",
                                 "--settings", "name=containerInsights,value=enabled",
                                 "--tags", "key=site,value=plant-7")["cluster"]
        self.assertEqual(created["status"], "ACTIVE")
        self.assertEqual(created["settings"], [{"name": "containerInsights", "value": "enabled"}])
        described = self.berth.aws("describe-clusters", "--clusters", "edge", "ghost",
                                   "--include", "SETTINGS", "STATISTICS", "TAGS")
        self.assertEqual(described["clusters"][0]["tags"], [{"key": "site", "value": "plant-7"}])
        self.assertEqual(described["failures"],
                         [{"arn": "arn:aws:ecs:local:000000000000:cluster/ghost", "reason": "MISSING"}])
        ecs = self.berth.boto3()
        for i in range(3):
            ecs.create_cluster(clusterName="c%d" % i)
        page = ecs.list_clusters(maxResults=2)
        self.assertEqual(len(page["clusterArns"]), 2)
        rest = ecs.list_clusters(maxResults=100, nextToken=page["nextToken"])
        self.assertEqual(len(page["clusterArns"]) + len(rest["clusterArns"]), 5)
        deleted = self.berth.aws("delete-cluster", "--cluster", created["clusterArn"])["cluster"]
        self.assertEqual(deleted["status"], "INACTIVE")
        self.assertNotIn(created["clusterArn"], self.berth.aws("list-clusters")["clusterArns"])

    def test_cluster_replies_byte_for_byte(self):
        """The reply bodies as sent, field order and spacing included (keys are sorted)."""
        def body_of(action, body):
            with socket.create_connection(("127.0.0.1", self.berth.port)) as s:
                data = send_raw_http(s, self.berth.raw_request(action, body))
            return data.split(b"\r\n\r\n", 1)[1]
        edge = (b'{"activeServicesCount":0,"capacityProviders":["cp"],'
                b'"clusterArn":"arn:aws:ecs:local:000000000000:cluster/edge","clusterName":"edge",'
                b'"defaultCapacityProviderStrategy":[],"pendingTasksCount":0,"registeredContainerInstancesCount":0,'
                b'"runningTasksCount":0,"settings":[{"name":"containerInsights","value":"enabled"}],'
                b'"statistics":[],"status":"%s","tags":%s}')
        # A cluster's capacity providers must exist (CreateCapacityProvider) as in ECS.
        body_of("CreateCapacityProvider", b'{"name":"cp","autoScalingGroupProvider":{"autoScalingGroupArn":"cp-asg"}}')
        created = body_of("CreateCluster", b'{"clusterName":"edge","capacityProviders":["cp"],'
                                           b'"settings":[{"name":"containerInsights","value":"enabled"}],'
                                           b'"tags":[{"key":"site","value":"north"}]}')
        self.assertEqual(created, b'{"cluster":' + edge % (b"ACTIVE", b'[{"key":"site","value":"north"}]') + b"}")
        self.assertEqual(body_of("ListClusters", b'{"maxResults":1}'),
                         b'{"clusterArns":["arn:aws:ecs:local:000000000000:cluster/default"],'
                         b'"nextToken":"Y2x1c3RlcnMKZGVmYXVsdA=="}')
        self.assertEqual(body_of("DescribeClusters", b'{"clusters":["ghost"]}'),
                         b'{"clusters":[],"failures":[{"arn":"arn:aws:ecs:local:000000000000:cluster/ghost",'
                         b'"reason":"MISSING"}]}')
        self.assertEqual(body_of("DeleteCluster", b'{"cluster":"edge"}'),
                         b'{"cluster":' + edge % (b"INACTIVE", b"[]") + b"}")
        self.assertEqual(body_of("DeleteCluster", b'{"cluster":"edge"}'),
                         b'{"__type":"ClusterNotFoundException","message":"Cluster not found."}')

    def test_delete_refused_while_instances_are_registered(self):
        self.berth.aws("create-cluster", "--cluster-name", "edge")
        instance = self.berth.aws(
            "register-container-instance", "--cluster", "edge",
            "--total-resources", "name=CPU,type=INTEGER,integerValue=2048",
            "name=MEMORY,type=INTEGER,integerValue=1024",
            "--attributes", "name=site,value=plant-7")["containerInstance"]
        out = self.berth.aws("delete-cluster", "--cluster", "edge", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("ClusterContainsContainerInstancesException", out.stderr)
        # What the refusal left is read through boto3: an aws CLI process costs a second of CPU.
        ecs = self.berth.boto3()
        counts = ecs.describe_clusters(clusters=["edge"])["clusters"][0]
        self.assertEqual(counts["registeredContainerInstancesCount"], 1)
        listed = ecs.list_container_instances(cluster="edge")["containerInstanceArns"]
        self.assertEqual(listed, [instance["containerInstanceArn"]])
        got = ecs.describe_container_instances(cluster="edge", containerInstances=[instance["containerInstanceArn"]])
        self.assertEqual(got["containerInstances"][0]["attributes"], [{"name": "site", "value": "plant-7"}])
        self.berth.aws("deregister-container-instance", "--cluster", "edge",
                       "--container-instance", instance["containerInstanceArn"])
        self.assertEqual(self.berth.aws("delete-cluster", "--cluster", "edge")["cluster"]["status"], "INACTIVE")

    def test_cluster_not_found(self):
        out = self.berth.aws("delete-cluster", "--cluster", "ghost", check=False)
        self.assertIn("ClusterNotFoundException", out.stderr)
        out = self.berth.aws("list-container-instances", "--cluster", "ghost", check=False)
        self.assertIn("ClusterNotFoundException", out.stderr)
