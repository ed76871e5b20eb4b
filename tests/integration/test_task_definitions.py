"""Task definitions through the real aws CLI and boto3."""
import json

from harness import BerthTestCase, EXAMPLE_TASK_DEFINITION


class TaskDefinitionTest(BerthTestCase):
    def test_example_registers_as_revision_1_then_2(self):
        first = self.register_example(via_cli=True)["taskDefinition"]
        second = self.register_example(via_cli=True)["taskDefinition"]
        self.assertEqual(first["revision"], 1)
        self.assertEqual(second["revision"], 2)
        self.assertEqual(second["taskDefinitionArn"],
                         "arn:aws:ecs:local:000000000000:task-definition/python-app:2")
        self.assertEqual(second["status"], "ACTIVE")
        container = second["containerDefinitions"][0]
        self.assertEqual(container["portMappings"][0]["hostPort"], 80)
        self.assertEqual(container["memory"], 100)
        self.assertTrue(container["essential"])

    def test_describe_by_family_revision_and_arn(self):
        self.register_example()
        arn = self.register_example()["taskDefinition"]["taskDefinitionArn"]
        td = self.berth.aws("describe-task-definition", "--task-definition", arn)["taskDefinition"]
        self.assertEqual(td["revision"], 2)
        ecs = self.berth.boto3()
        for ref in ("python-app", "python-app:2"):
            self.assertEqual(ecs.describe_task_definition(taskDefinition=ref)["taskDefinition"]["revision"], 2, ref)
        self.assertEqual(ecs.describe_task_definition(taskDefinition="python-app:1")["taskDefinition"]["revision"], 1)

    def test_cpu_memory_strings_are_normalised(self):
        td = self.register_example(cpu="0.5 vCPU", memory="1GB")["taskDefinition"]
        self.assertEqual((td["cpu"], td["memory"]), ("512", "1024"))

    def test_list_with_filters_and_pages(self):
        for family in ("alpha", "beta"):
            for _ in range(3):
                self.register_example(family=family)
        ecs = self.berth.boto3()
        arns, token, pages = [], None, 0
        while True:
            kwargs = {"maxResults": 2}
            if token:
                kwargs["nextToken"] = token
            page = ecs.list_task_definitions(**kwargs)
            pages += 1
            arns += page["taskDefinitionArns"]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(pages, 3)
        self.assertEqual([a.rsplit("/", 1)[1] for a in arns],
                         ["alpha:1", "alpha:2", "alpha:3", "beta:1", "beta:2", "beta:3"])
        # The CLI follows nextToken by itself; --page-size makes it use several pages.
        listed = self.berth.aws("list-task-definitions", "--family-prefix", "beta", "--sort", "DESC",
                                "--page-size", "1")["taskDefinitionArns"]
        self.assertEqual([a.rsplit("/", 1)[1] for a in listed], ["beta:3", "beta:2", "beta:1"])
        families = self.berth.aws("list-task-definition-families", "--family-prefix", "al")["families"]
        self.assertEqual(families, ["alpha"])
        paged = ecs.list_task_definition_families(maxResults=1)
        self.assertEqual(paged["families"], ["alpha"])
        self.assertIn("nextToken", paged)
        rest = ecs.list_task_definition_families(maxResults=1, nextToken=paged["nextToken"])
        self.assertEqual(rest["families"], ["beta"])
        self.assertNotIn("nextToken", rest)

    def test_deregister_and_delete(self):
        self.register_example()
        self.register_example()
        td = self.berth.aws("deregister-task-definition", "--task-definition", "python-app:2")["taskDefinition"]
        self.assertEqual(td["status"], "INACTIVE")
        self.assertIn("deregisteredAt", td)
        ecs = self.berth.boto3()
        latest = ecs.describe_task_definition(taskDefinition="python-app")
        self.assertEqual(latest["taskDefinition"]["revision"], 1)
        inactive = ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"]
        self.assertEqual(len(inactive), 1)
        # Debian's awscli 2.9 and boto3 1.26 predate DeleteTaskDefinitions: speak JSON 1.1 directly.
        status, result, _ = self.berth.raw("DeleteTaskDefinitions",
                                           json.dumps({"taskDefinitions": ["python-app:2", "python-app:1"]}))
        self.assertEqual(status, 200)
        self.assertEqual([t["status"] for t in result["taskDefinitions"]], ["DELETE_IN_PROGRESS"])
        self.assertEqual(result["failures"][0]["arn"], "python-app:1")
        self.assertIn("ACTIVE", result["failures"][0]["reason"])
        # Revisions keep counting after deletion.
        self.assertEqual(self.register_example()["taskDefinition"]["revision"], 3)
        families = self.berth.aws("list-task-definition-families", "--status", "ALL")["families"]
        self.assertEqual(families, ["python-app"])

    def test_tags(self):
        td = dict(EXAMPLE_TASK_DEFINITION, tags=[{"key": "team", "value": "edge"}])
        arn = self.berth.aws("register-task-definition", "--cli-input-json",
                             json.dumps(td))["taskDefinition"]["taskDefinitionArn"]
        self.berth.aws("tag-resource", "--resource-arn", arn, "--tags", "key=tier,value=1")
        ecs = self.berth.boto3()
        tags = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
        self.assertEqual(sorted(t["key"] for t in tags), ["team", "tier"])
        self.berth.aws("untag-resource", "--resource-arn", arn, "--tag-keys", "team")
        described = self.berth.aws("describe-task-definition", "--task-definition", arn, "--include", "TAGS")
        self.assertEqual(described["tags"], [{"key": "tier", "value": "1"}])
        cluster = ecs.describe_clusters()["clusters"][0]["clusterArn"]
        ecs.tag_resource(resourceArn=cluster, tags=[{"key": "site", "value": "plant-7"}])
        tagged = ecs.describe_clusters(include=["TAGS"])["clusters"][0]
        self.assertEqual(tagged["tags"], [{"key": "site", "value": "plant-7"}])

    def test_stored_fields_round_trip(self):
        td = json.loads(json.dumps(EXAMPLE_TASK_DEFINITION))
        c = td["containerDefinitions"][0]
        c["healthCheck"] = {"command": ["CMD-SHELL", "wget -q -O- localhost:8080"], "interval": 10}
        c["ulimits"] = [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}]
        c["linuxParameters"] = {"initProcessEnabled": False, "tmpfs": [{"containerPath": "/tmp", "size": 64}]}
        c["dockerLabels"] = {}
        td["volumes"] = [{"name": "data", "host": {"sourcePath": "/srv/data"}}]
        c["mountPoints"] = [{"sourceVolume": "data", "containerPath": "/data", "readOnly": True}]
        td["placementConstraints"] = [{"type": "memberOf", "expression": "attribute:site == plant-7"}]
        self.berth.aws("register-task-definition", "--cli-input-json", json.dumps(td))
        got = self.berth.boto3().describe_task_definition(taskDefinition="python-app")["taskDefinition"]
        gc = got["containerDefinitions"][0]
        for key in ("healthCheck", "ulimits", "linuxParameters", "dockerLabels", "mountPoints"):
            self.assertEqual(gc[key], c[key], key)
        self.assertEqual(got["volumes"], td["volumes"])
        self.assertEqual(got["placementConstraints"], td["placementConstraints"])
