"""Tags on services and tasks through the aws CLI and boto3: TagResource, UntagResource,
ListTagsForResource with ECS's not-found errors, propagateTags and ECS managed tags on the tasks
RunTask and services start on real containers."""
import botocore.exceptions

from test_tasks import TaskTestCase, wait_for

PREFIX = "arn:aws:ecs:local:000000000000:"


def tag_list(tags):
    return sorted((t["key"], t["value"]) for t in tags)


class TaggingTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        self.register("sleeper", [{"name": "main", "memory": 16, "stopTimeout": 1, "command": ["sleep", "3600"]}],
                      tags=[{"key": "team", "value": "edge"}])

    def tags_of(self, arn):
        return tag_list(self.ecs.list_tags_for_resource(resourceArn=arn)["tags"])

    def error_of(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]["Code"], caught.exception.response["Error"]["Message"]

    def test_run_task_propagates_definition_tags_and_adds_managed_tags(self):
        ran = self.berth.aws("run-task", "--task-definition", "sleeper", "--propagate-tags", "TASK_DEFINITION",
                             "--enable-ecs-managed-tags", "--tags", "key=own,value=1")
        task = ran["tasks"][0]["taskArn"]
        wait_for(lambda: self.ecs.describe_tasks(tasks=[task])["tasks"][0]["lastStatus"] == "RUNNING", what="RUNNING")
        listed = self.berth.aws("list-tags-for-resource", "--resource-arn", task)
        self.assertEqual(tag_list(listed["tags"]),
                         [("aws:ecs:clusterName", "default"), ("own", "1"), ("team", "edge")])
        described = self.ecs.describe_tasks(tasks=[task], include=["TAGS"])["tasks"][0]
        self.assertEqual(tag_list(described["tags"]), [("aws:ecs:clusterName", "default"), ("own", "1"), ("team", "edge")])

        self.berth.aws("tag-resource", "--resource-arn", task, "--tags", "key=stage,value=test")
        self.berth.aws("untag-resource", "--resource-arn", task, "--tag-keys", "own")
        self.assertEqual(self.tags_of(task), [("aws:ecs:clusterName", "default"), ("stage", "test"), ("team", "edge")])
        code, message = self.error_of(self.ecs.untag_resource, resourceArn=task, tagKeys=["aws:ecs:clusterName"])
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("reserved prefix 'aws:'", message)
        code, message = self.error_of(self.ecs.run_task, taskDefinition="sleeper", propagateTags="SERVICE")
        self.assertEqual(code, "InvalidParameterException")
        self.ecs.stop_task(task=task)

    def test_service_tags_propagate_to_its_tasks(self):
        created = self.ecs.create_service(serviceName="web", taskDefinition="sleeper", desiredCount=1,
                                          propagateTags="SERVICE", enableECSManagedTags=True,
                                          tags=[{"key": "owner", "value": "ops"}])["service"]
        self.assertEqual(created["propagateTags"], "SERVICE")
        self.assertTrue(created["enableECSManagedTags"])
        service = created["serviceArn"]
        self.assertEqual(service, PREFIX + "service/default/web")
        tasks = wait_for(lambda: self.ecs.list_tasks(serviceName="web")["taskArns"], what="the service's task")
        self.assertEqual(self.tags_of(tasks[0]), [("aws:ecs:clusterName", "default"), ("aws:ecs:serviceName", "web"),
                                                  ("owner", "ops")])
        # The service's tags as they are when a task starts: a later tag is not copied onto it.
        self.ecs.tag_resource(resourceArn=service, tags=[{"key": "tier", "value": "1"}])
        self.assertEqual(self.tags_of(service), [("owner", "ops"), ("tier", "1")])
        self.assertNotIn(("tier", "1"), self.tags_of(tasks[0]))
        self.ecs.untag_resource(resourceArn=service, tagKeys=["tier"])
        self.assertEqual(self.tags_of(service), [("owner", "ops")])
        self.ecs.update_service(service="web", desiredCount=0)
        self.ecs.delete_service(service="web")

    def test_each_missing_resource_has_its_error(self):
        cases = [
            (PREFIX + "service/default/nope", "ResourceNotFoundException", "The specified service could not be found."),
            (PREFIX + "task/default/0123456789abcdef0123456789abcdef", "ResourceNotFoundException",
             "The specified task could not be found."),
            (PREFIX + "service/gone/web", "ClusterNotFoundException", "Cluster not found."),
            (PREFIX + "task/gone/0123", "ClusterNotFoundException", "Cluster not found."),
            (PREFIX + "service/web", "InvalidParameterException", "Long arn format must be used for tagging operations"),
        ]
        for arn, code, message in cases:
            with self.subTest(arn=arn):
                self.assertEqual(self.error_of(self.ecs.list_tags_for_resource, resourceArn=arn), (code, message))
                self.assertEqual(self.error_of(self.ecs.tag_resource, resourceArn=arn,
                                               tags=[{"key": "k", "value": "v"}]), (code, message))
                self.assertEqual(self.error_of(self.ecs.untag_resource, resourceArn=arn, tagKeys=["k"]), (code, message))
        out = self.berth.aws("list-tags-for-resource", "--resource-arn", PREFIX + "service/default/nope", check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("ResourceNotFoundException", out.stderr)
