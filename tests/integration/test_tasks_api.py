"""The task and container-instance API surface around real containers: overrides, StartTask,
ListTasks filters and pages, attributes, networkMode none, CMD health checks, logs --follow."""
import os
import subprocess
import time

from harness import BERTH
from test_tasks import TaskTestCase, wait_for


class TaskApiTest(TaskTestCase):
    config_text = TaskTestCase.config_text + 'ECS_INSTANCE_ATTRIBUTES={"site": "plant-7", "line": "3"}\n' \
        "BERTH_AVAILABILITY_ZONE=hall-b\nBERTH_INSTANCE_TYPE=rpi4\n"

    def instance_arn(self):
        return self.ecs.list_container_instances()["containerInstanceArns"][0]

    def test_instance_attributes_from_config_and_the_attribute_api(self):
        instance = self.ecs.describe_container_instances(containerInstances=[self.instance_arn()])["containerInstances"][0]
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        self.assertEqual(attributes["site"], "plant-7")
        self.assertEqual(attributes["ecs.availability-zone"], "hall-b")
        self.assertEqual(attributes["ecs.instance-type"], "rpi4")
        self.assertEqual(attributes["ecs.os-type"], "linux")
        self.assertEqual(attributes["ecs.cpu-architecture"], "x86_64")
        resources = {r["name"]: r for r in instance["registeredResources"]}
        self.assertEqual(resources["MEMORY"]["integerValue"], 1024)
        self.assertEqual(sorted(resources["PORTS"]["stringSetValue"]), sorted(["22", "2375", "2376", "51678", "51679"]))
        listed = self.ecs.list_attributes(targetType="container-instance", attributeName="line")["attributes"]
        self.assertEqual([(a["name"], a["value"]) for a in listed], [("line", "3")])
        self.ecs.delete_attributes(attributes=[{"name": "line", "targetId": self.instance_arn()}])
        self.assertEqual(self.ecs.list_attributes(targetType="container-instance", attributeName="line")["attributes"], [])
        # Custom attributes from the config apply at the first registration only.
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.assertEqual(self.ecs.list_attributes(targetType="container-instance", attributeName="line")["attributes"], [])
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.put_attributes(attributes=[{"name": "bad name!", "value": "x", "targetId": self.instance_arn()}])

    def test_overrides_group_started_by_and_tags(self):
        self.register("echo", [{"name": "main", "command": ["sh", "-c", "echo default"],
                                "environment": [{"name": "WHO", "value": "task-definition"}]}])
        reply = self.ecs.run_task(taskDefinition="echo", group="batch", startedBy="nightly-job",
                                  tags=[{"key": "team", "value": "edge"}],
                                  overrides={"containerOverrides": [{"name": "main",
                                                                     "command": ["sh", "-c", "echo hello $WHO"],
                                                                     "environment": [{"name": "WHO", "value": "override"}],
                                                                     "memory": 48}]})
        arn = reply["tasks"][0]["taskArn"]
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(task["group"], "batch")
        self.assertEqual(task["startedBy"], "nightly-job")
        self.assertEqual(task["memory"], "48")
        self.assertIn("hello override", self.logs(arn).stdout)
        tagged = self.ecs.describe_tasks(tasks=[arn], include=["TAGS"])["tasks"][0]
        self.assertEqual(tagged["tags"], [{"key": "team", "value": "edge"}])
        with self.assertRaises(self.ecs.exceptions.InvalidParameterException):
            self.ecs.run_task(taskDefinition="echo", overrides={"containerOverrides": [{"name": "ghost", "command": ["true"]}]})

    def test_start_task_and_list_tasks_filters_and_pages(self):
        self.register("idle", [{"name": "main", "stopTimeout": 1, "command": ["sleep", "300"]}])
        started = self.ecs.start_task(taskDefinition="idle", containerInstances=[self.instance_arn()], startedBy="me")
        self.assertEqual(started["failures"], [])
        arns = [started["tasks"][0]["taskArn"]]
        arns += [t["taskArn"] for t in self.ecs.run_task(taskDefinition="idle", count=3)["tasks"]]
        self.assertEqual(len(arns), 4)
        page = self.ecs.list_tasks(maxResults=3)
        rest = self.ecs.list_tasks(maxResults=3, nextToken=page["nextToken"])
        self.assertEqual(sorted(page["taskArns"] + rest["taskArns"]), sorted(arns))
        self.assertNotIn("nextToken", rest)
        self.assertEqual(self.ecs.list_tasks(startedBy="me")["taskArns"], arns[:1])
        self.assertEqual(len(self.ecs.list_tasks(family="idle")["taskArns"]), 4)
        self.assertEqual(len(self.ecs.list_tasks(containerInstance=self.instance_arn())["taskArns"]), 4)
        self.assertEqual(self.ecs.list_tasks(desiredStatus="PENDING")["taskArns"], [])
        self.ecs.stop_task(task=arns[0])
        self.assertEqual(self.ecs.list_tasks(desiredStatus="STOPPED")["taskArns"], arns[:1])
        cli = self.berth.aws("list-tasks", "--family", "idle")["taskArns"]
        self.assertEqual(len(cli), 3)

    def test_network_mode_none_and_cmd_health_check(self):
        self.register("isolated", [{"name": "main", "stopTimeout": 1,
                                    "healthCheck": {"command": ["CMD", "true"], "interval": 5, "retries": 1},
                                    "command": ["sh", "-c", "ip link 2>/dev/null | grep -c '^[0-9]' > /tmp/links; "
                                                            "cat /proc/net/dev | tail -n +3 | wc -l; sleep 300"]}],
                      network_mode="none")
        arn = self.run_task("isolated")
        wait_for(lambda: self.describe(arn)["healthStatus"] == "HEALTHY", timeout=30, what="HEALTHY via CMD")
        # Only the loopback interface exists inside a networkMode none task.
        self.assertEqual(self.logs(arn).stdout.strip(), "1")

    def test_logs_follow_streams_until_the_task_stops(self):
        self.register("ticker", [{"name": "main", "command": ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done"]}])
        arn = self.run_task("ticker")
        follow = subprocess.run([BERTH, "logs", arn, "--follow", "--config", "/dev/null",
                                 "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(follow.returncode, 0)
        self.assertEqual(follow.stdout.split("\n")[:3], ["tick 1", "tick 2", "tick 3"])

    def test_long_logs_come_in_bounded_replies_and_berth_logs_prints_them_all(self):
        # 1500 lines of 1000 characters: more than one reply's worth (1 MiB of text).
        self.register("chatty", [{"name": "main", "command": [
            "sh", "-c", "i=0; while [ $i -lt 1500 ]; do printf '%04d%0996d\\n' $i 0; i=$((i+1)); done"]}])
        arn = self.run_task("chatty")
        self.wait_status(arn, "STOPPED")
        first = self.berth.raw(None, b"", method="GET", path="/v1/tasks/%s/logs" % arn.rsplit("/", 1)[1])[1]
        self.assertTrue(first["more"])
        self.assertLessEqual(sum(len(e["text"]) for e in first["events"]), 1 << 20)
        self.assertEqual(first["next"], len(first["events"]))
        printed = self.logs(arn).stdout.split("\n")[:-1]
        self.assertEqual(len(printed), 1500)
        self.assertEqual([line[:4] for line in printed], ["%04d" % i for i in range(1500)])


class ContainerSettingsTest(TaskTestCase):
    def test_user_workdir_readonly_root_volumes_tmpfs_ulimits_capabilities(self):
        host_dir = os.path.join(self.berth.dir, "host-volume")
        os.makedirs(host_dir)
        self.register("settings", [{
            "name": "main", "user": "1000:1000", "workingDirectory": "/tmp", "readonlyRootFilesystem": True,
            "ulimits": [{"name": "nofile", "softLimit": 321, "hardLimit": 654}],
            "linuxParameters": {"tmpfs": [{"containerPath": "/scratch", "size": 8}],
                                "capabilities": {"drop": ["ALL"]}},
            "mountPoints": [{"sourceVolume": "host", "containerPath": "/data"}],
            "environment": [{"name": "GREETING", "value": "hi there"}],
            "command": ["sh", "-c", "echo uid=$(id -u) gid=$(id -g) pwd=$(pwd) nofile=$(ulimit -n) greeting=$GREETING; "
                                    "touch /root-write 2>/dev/null && echo root-writable || echo root-readonly; "
                                    "touch /scratch/ok && echo tmpfs-writable; "
                                    "grep CapEff /proc/self/status; "
                                    "echo from-container > /data/out 2>/dev/null || echo data-denied-for-uid-1000"]}],
            volumes=[{"name": "host", "host": {"sourcePath": host_dir}}])
        os.chmod(host_dir, 0o777)
        arn = self.run_task("settings")
        self.wait_status(arn, "STOPPED")
        out = self.logs(arn).stdout
        self.assertIn("uid=1000 gid=1000 pwd=/tmp nofile=321 greeting=hi there", out)
        self.assertIn("root-readonly", out)
        self.assertIn("tmpfs-writable", out)
        self.assertIn("CapEff:\t0000000000000000", out)
        with open(os.path.join(host_dir, "out")) as f:
            self.assertEqual(f.read().strip(), "from-container")
