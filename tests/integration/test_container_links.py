"""What a container takes from its task mates and from outside, on real containers: links (an
/etc/hosts name and Docker's link variables on the task's bridge namespace), volumesFrom (the
source container's mounts, also those it takes from another), and environmentFiles (a .env file
on the instance and a secret ARN, with ECS's precedence; a bad line fails the task before it
starts)."""
import os

from test_networking import BRIDGE, SUBNET
from test_tasks import TaskTestCase, wait_for


# test_networking's bridge: a bridge stays on the host with its loopback guard, which
# test_networking counts, so this module runs in its worker (runner.SHARED_HOST_NETWORK).
class ContainerLinksTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_BRIDGE_NAME=%s\nBERTH_BRIDGE_SUBNET=%s\n" % (BRIDGE, SUBNET)

    def output_lines(self, arn, container, count):
        return wait_for(lambda: (lambda out: out if len(out) >= count else None)(
            [line for line in self.logs(arn, container).stdout.splitlines() if line]),
            what="%s's output" % container)

    def test_a_link_alias_resolves_to_the_target_and_carries_its_variables(self):
        self.register("linked", [
            {"name": "db", "memory": 32, "stopTimeout": 1, "portMappings": [{"containerPort": 8080}],
             "environment": [{"name": "DB_USER", "value": "plc"}],
             "command": ["sh", "-c", "mkdir -p /www && echo db-page > /www/index.html && exec httpd -f -p 8080 -h /www"]},
            {"name": "web", "memory": 32, "stopTimeout": 1, "links": ["db:main-db"],
             "dependsOn": [{"containerName": "db", "condition": "START"}],
             "command": ["sh", "-c",
                         "for i in $(seq 100); do wget -qO- http://main-db:8080/ && break; sleep 0.1; done; "
                         "grep -w main-db /etc/hosts; env | grep ^MAIN_DB_ | sort; exec sleep 300"]}],
            network_mode="bridge")
        arn = self.run_task("linked")
        self.wait_status(arn, "RUNNING")
        lines = self.output_lines(arn, "web", 9)
        self.assertEqual(lines[0], "db-page")  # main-db reached the db container over the task's namespace
        self.assertEqual(lines[1].split(), ["127.0.0.1", "main-db", "db"])
        self.assertEqual(lines[2:], [
            "MAIN_DB_ENV_DB_USER=plc",
            "MAIN_DB_NAME=/web/main-db",
            "MAIN_DB_PORT=tcp://127.0.0.1:8080",
            "MAIN_DB_PORT_8080_TCP=tcp://127.0.0.1:8080",
            "MAIN_DB_PORT_8080_TCP_ADDR=127.0.0.1",
            "MAIN_DB_PORT_8080_TCP_PORT=8080",
            "MAIN_DB_PORT_8080_TCP_PROTO=tcp"])

    def test_volumes_from_sees_what_the_source_writes_through_a_relay_and_read_only_stays_read_only(self):
        self.register("shared-files", [
            {"name": "writer", "stopTimeout": 1, "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
             "command": ["sh", "-c", "echo from-writer > /data/note; exec sleep 300"]},
            # The relay takes the writer's mounts and the reader the relay's, as Docker's --volumes-from.
            {"name": "relay", "stopTimeout": 1, "volumesFrom": [{"sourceContainer": "writer"}],
             "command": ["sleep", "300"]},
            {"name": "reader", "stopTimeout": 1, "volumesFrom": [{"sourceContainer": "relay", "readOnly": True}],
             "command": ["sh", "-c", "until [ -s /data/note ]; do sleep 0.1; done; cat /data/note; "
                         "touch /data/mine 2>/dev/null && echo writable || echo read-only; exec sleep 300"]}],
            network_mode="none", volumes=[{"name": "data"}])
        arn = self.run_task("shared-files")
        self.wait_status(arn, "RUNNING")
        self.assertEqual(self.output_lines(arn, "reader", 2), ["from-writer", "read-only"])

    def test_environment_files_from_the_instance_and_a_secret_with_ecs_precedence(self):
        local = os.path.join(self.berth.dir, "plant.env")
        with open(local, "w") as f:
            f.write("# the plant's settings\n\nFROM_FILE=one\nSHARED=first-file\nOVERRIDDEN=file\n")
        sm = self.berth.boto3("secretsmanager")
        arn_secret = sm.create_secret(Name="plant/env", SecretString="SHARED=secret\nFROM_SECRET=two\n")["ARN"]
        self.register("env-files", [{
            "name": "main", "stopTimeout": 1,
            "environmentFiles": [{"value": local, "type": "s3"}, {"value": arn_secret, "type": "s3"}],
            "environment": [{"name": "OVERRIDDEN", "value": "environment"}],
            "command": ["sh", "-c", "env | grep -E '^(FROM_FILE|FROM_SECRET|SHARED|OVERRIDDEN)=' | sort; exec sleep 300"]}])
        arn = self.run_task("env-files")
        self.wait_status(arn, "RUNNING")
        self.assertEqual(self.output_lines(arn, "main", 4),
                         ["FROM_FILE=one", "FROM_SECRET=two", "OVERRIDDEN=environment", "SHARED=first-file"])

    def test_a_bad_line_or_a_missing_file_stops_the_task_naming_it(self):
        bad = os.path.join(self.berth.dir, "bad.env")
        with open(bad, "w") as f:
            f.write("GOOD=1\nthis is not a variable\n")
        missing = os.path.join(self.berth.dir, "missing.env")
        for path, why in ((bad, bad + ":2: not a NAME=VALUE line"), (missing, missing + ": No such file or directory")):
            family = "env-" + os.path.basename(path).split(".")[0]
            self.register(family, [{"name": "main", "environmentFiles": [{"value": path, "type": "s3"}],
                                    "command": ["sleep", "300"]}])
            task = self.wait_status(self.run_task(family), "STOPPED")
            self.assertEqual(task["stoppedReason"], "ResourceInitializationError: failed to download env files: " + why)
            self.assertNotIn("this is not a variable", self.berth.log())

    def test_an_override_may_not_name_a_file_on_the_instance(self):
        self.register("env-override", [{"name": "main", "command": ["true"]}])
        with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
            self.ecs.run_task(taskDefinition="env-override", overrides={"containerOverrides": [
                {"name": "main", "environmentFiles": [{"value": "/etc/plant.env", "type": "s3"}]}]})
        self.assertIn("a file on the instance cannot be named in an override", str(refused.exception))
