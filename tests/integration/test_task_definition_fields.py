"""No field left behind: every member of botocore's ECS model for RegisterTaskDefinition
(RegisterTaskDefinitionRequest, ContainerDefinition, LinuxParameters, Volume) has a row in the
README's "Task definition fields" table, and every refused or pending row is refused by a real
berth, through boto3, with a message naming the field."""
import glob
import gzip
import json
import os
import re
import tempfile

import botocore
import botocore.config
import botocore.exceptions
import botocore.session

from harness import BerthTestCase

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
SHAPES = {"RegisterTaskDefinitionRequest": "", "Volume": "volumes.", "ContainerDefinition": "containerDefinitions.",
          "LinuxParameters": "containerDefinitions.linuxParameters."}
# The table was written against botocore 1.43's model; an older one lacks some of its rows.
TABLE_MODEL_VERSION = (1, 43)
MODEL_FILE = os.path.join("data", "ecs", "2014-11-13", "service-2.json")


def botocore_version(package_dir):
    with open(os.path.join(package_dir, "__init__.py")) as f:
        found = re.search(r"__version__ = '([0-9.]+)'", f.read())
    return tuple(int(part) for part in found.group(1).split(".")) if found else (0,)


def newest_ecs_model():
    """(version, model JSON) of the newest botocore on this machine: the test's own python
    (Debian's, botocore 1.29) predates many fields, a pyenv python carries a newer one."""
    dirs = [os.path.dirname(botocore.__file__)]
    dirs += glob.glob(os.path.expanduser("~/.pyenv/versions/*/lib/python*/site-packages/botocore"))
    best = max(dirs, key=botocore_version)
    path = os.path.join(best, MODEL_FILE)
    if os.path.exists(path):
        with open(path) as f:
            return botocore_version(best), json.load(f)
    with gzip.open(path + ".gz", "rt") as f:
        return botocore_version(best), json.load(f)


def readme_rows():
    """{path: (support, note)} from the README's table."""
    rows, inside = {}, False
    with open(README) as f:
        for line in f:
            if line.startswith("#"):
                inside = line.strip() == "### Task definition fields"
            found = re.match(r"\| `([^`]+)` \| (\w+) \| (.*) \|$", line.rstrip("\n")) if inside else None
            if found:
                rows[found.group(1)] = (found.group(2), found.group(3))
    return rows


# A value of each field that asks for something and that every other check accepts, so only the
# field table can refuse it; an honoured field's value registers (as
# tests/model/task_definition_fields_test.cpp).
ASKING = {
    "taskRoleArn": "arn:aws:iam::123456789012:role/app",
    "pidMode": "task",
    "ipcMode": "task",
    "proxyConfiguration": {"containerName": "main"},
    "inferenceAccelerators": [{"deviceName": "d", "deviceType": "eia2.medium"}],
    "ephemeralStorage": {"sizeInGiB": 30},
    "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
    "enableFaultInjection": True,
    "volumes.efsVolumeConfiguration": {"fileSystemId": "fs-1"},
    "volumes.fsxWindowsFileServerVolumeConfiguration": {
        "fileSystemId": "fs-1", "rootDirectory": "/",
        "authorizationConfig": {"credentialsParameter": "arn", "domain": "d"}},
    "volumes.s3filesVolumeConfiguration": {"fileSystemArn": "arn:aws:s3files:local:000000000000:file-system/fs-1"},
    "volumes.configuredAtLaunch": True,
    "containerDefinitions.links": ["other"],
    "containerDefinitions.restartPolicy": {"enabled": True},
    "containerDefinitions.versionConsistency": "enabled",
    "containerDefinitions.environmentFiles": [{"value": "/etc/app.env", "type": "s3"}],
    "containerDefinitions.volumesFrom": [{"sourceContainer": "other"}],
    "containerDefinitions.disableNetworking": True,
    "containerDefinitions.dockerSecurityOptions": ["seccomp=unconfined"],
    "containerDefinitions.interactive": True,
    "containerDefinitions.pseudoTerminal": True,
    "containerDefinitions.dockerLabels": {"team": "edge"},
    "containerDefinitions.systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}],
    "containerDefinitions.resourceRequirements": [{"type": "GPU", "value": "1"}],
    "containerDefinitions.firelensConfiguration": {"type": "fluentbit"},
    "containerDefinitions.credentialSpecs": ["credentialspecdomainless:arn"],
    "containerDefinitions.linuxParameters.devices": [{"hostPath": "/dev/ttyUSB0"}],
    "containerDefinitions.linuxParameters.initProcessEnabled": True,
    "containerDefinitions.linuxParameters.sharedMemorySize": 128,
    "containerDefinitions.linuxParameters.swappiness": 10,
}


def definition_asking_for(path):
    """A definition (keyword arguments of register_task_definition) that sets `path`."""
    main = {"name": "main", "image": "busybox", "memory": 64}
    other = {"name": "other", "image": "busybox", "memory": 32}
    td = {"family": "fields", "networkMode": "bridge", "containerDefinitions": [main, other],
          "volumes": [{"name": "data"}]}
    value = ASKING[path]
    if path.startswith("containerDefinitions.linuxParameters."):
        # swappiness needs maxSwap, which needs the container's memory.
        main["linuxParameters"] = {"maxSwap": 64, path.rsplit(".", 1)[1]: value}
    elif path.startswith("containerDefinitions."):
        main[path.split(".", 1)[1]] = value
    elif path.startswith("volumes."):
        td["volumes"][0][path.split(".", 1)[1]] = value
    else:
        td[path] = value
    return td


class TaskDefinitionFieldsTest(BerthTestCase):
    @classmethod
    def setUpClass(cls):
        cls.model_version, model = newest_ecs_model()
        cls.members = {prefix + member for shape, prefix in SHAPES.items()
                       for member in model["shapes"][shape]["members"]}
        # A client on that model, so boto3 sends the fields Debian's botocore does not know.
        cls.model_dir = tempfile.mkdtemp(prefix="berth-ecs-model-")
        target = os.path.join(cls.model_dir, "ecs", "2014-11-13")
        os.makedirs(target)
        with open(os.path.join(target, "service-2.json"), "w") as f:
            json.dump(model, f)

    def client(self):
        session = botocore.session.get_session()
        session.get_component("data_loader").search_paths.insert(0, self.model_dir)
        key = self.berth.key
        return session.create_client("ecs", endpoint_url=self.berth.endpoint, region_name="local",
                                     aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                     config=botocore.config.Config(retries={"max_attempts": 1}))

    def refusal(self, call):
        try:
            call()
        except botocore.exceptions.ClientError as e:
            return e.response["Error"]["Code"], e.response["Error"]["Message"]
        raise AssertionError("the call succeeded")

    def test_every_model_member_has_a_row(self):
        rows = readme_rows()
        missing = sorted(self.members - set(rows))
        self.assertEqual(missing, [], "botocore %s members without a README row" % (self.model_version,))
        if self.model_version >= TABLE_MODEL_VERSION:
            self.assertEqual(sorted(set(rows) - self.members), [], "README rows that are not model members")
        for path, (support, note) in rows.items():
            self.assertIn(support, ("honoured", "refused"), path)
            self.assertTrue(note, path)

    def test_every_refused_row_is_refused_naming_the_field(self):
        ecs = self.client()
        for path, (support, _) in readme_rows().items():
            if support == "honoured":
                continue
            with self.subTest(path):
                code, message = self.refusal(lambda: ecs.register_task_definition(**definition_asking_for(path)))
                self.assertEqual(code, "ClientException", message)
                field = path.split(".")[-1]
                self.assertIn(field + " is not supported: ", message)
        self.assertEqual(ecs.list_task_definitions()["taskDefinitionArns"], [])

    def test_every_honoured_row_with_an_asking_value_registers(self):
        ecs = self.client()
        honoured = [path for path, (support, _) in readme_rows().items() if support == "honoured" and path in ASKING]
        for path in honoured:
            with self.subTest(path):
                definition = definition_asking_for(path)
                registered = ecs.register_task_definition(**definition)["taskDefinition"]
                field = path.rsplit(".", 1)[-1]
                holder = (registered["containerDefinitions"][0].get("linuxParameters", {})
                          if path.startswith("containerDefinitions.linuxParameters.")
                          else registered["containerDefinitions"][0] if path.startswith("containerDefinitions.")
                          else registered)
                self.assertEqual(holder[field], ASKING[path])
        # Every field issue 21 turned from silently ignored into honoured is among them.
        self.assertGreaterEqual(len(honoured), 20, honoured)

    def test_asking_for_nothing_is_accepted(self):
        ecs = self.client()
        td = ecs.register_task_definition(
            family="quiet", enableFaultInjection=False,
            containerDefinitions=[{"name": "main", "image": "busybox", "memory": 64, "interactive": False,
                                   "dockerLabels": {}, "restartPolicy": {"enabled": False},
                                   "dockerSecurityOptions": ["no-new-privileges"],
                                   "logConfiguration": {"logDriver": "json-file"},
                                   "linuxParameters": {"initProcessEnabled": False}}])["taskDefinition"]
        self.assertEqual(td["containerDefinitions"][0]["logConfiguration"], {"logDriver": "json-file"})

    def test_conditional_refusals_name_the_field_and_why(self):
        ecs = self.client()
        main = {"name": "main", "image": "busybox", "memory": 64}
        cases = [
            ({"containerDefinitions": [dict(main, logConfiguration={"logDriver": "gelf"})]},
             "Log driver gelf is not supported by berth. Supported log drivers: awslogs, journald, json-file, none, syslog."),
            ({"containerDefinitions": [dict(main, logConfiguration={"logDriver": "awslogs",
                                                                     "options": {"awslogs-group": "g",
                                                                                 "awslogs-tag": "x"}})]},
             "logConfiguration.options 'awslogs-tag' is not an awslogs option berth knows"),
            ({"containerDefinitions": [dict(main, logConfiguration={"logDriver": "json-file",
                                                                     "options": {"max-size": "1m"}})]},
             "logConfiguration.options 'max-size' is not a json-file option berth knows"),
            ({"networkMode": "none", "containerDefinitions": [dict(main, dnsServers=["1.1.1.1"])]},
             "'dnsServers' is not supported with networkMode 'none'"),
            ({"requiresCompatibilities": ["MANAGED_INSTANCES"], "containerDefinitions": [main]},
             "requiresCompatibilities MANAGED_INSTANCES is not supported"),
            ({"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [main]},
             "Fargate only supports network mode 'awsvpc'"),
            ({"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, "containerDefinitions": [main]},
             "runtimePlatform.operatingSystemFamily WINDOWS_SERVER_2022_CORE is not supported"),
            ({"volumes": [{"name": "v", "dockerVolumeConfiguration": {"driver": "rexray"}}],
              "containerDefinitions": [main]},
             "dockerVolumeConfiguration.driver 'rexray' is not supported"),
        ]
        for extra, expected in cases:
            with self.subTest(expected):
                code, message = self.refusal(lambda: ecs.register_task_definition(family="cond", **extra))
                self.assertEqual(code, "ClientException", message)
                self.assertIn(expected, message)

    def test_run_task_refuses_overrides_and_launch_settings_a_gateway_cannot_give(self):
        ecs = self.client()
        ecs.register_task_definition(family="app", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 64}])
        for kwargs, expected in (
                ({"overrides": {"taskRoleArn": "arn:aws:iam::1:role/r"}}, "overrides.taskRoleArn is not supported"),
                ({"launchType": "MANAGED_INSTANCES"}, "launchType MANAGED_INSTANCES is not supported")):
            with self.subTest(expected):
                code, message = self.refusal(lambda: ecs.run_task(taskDefinition="app", **kwargs))
                self.assertEqual(code, "ClientException", message)
                self.assertIn(expected, message)
        self.assertEqual(ecs.list_tasks()["taskArns"], [])
