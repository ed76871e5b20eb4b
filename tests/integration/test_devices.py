"""linuxParameters.devices on real containers: a loop device on a small file stands for a gateway's
serial port or disk. The container it is mapped into reads and writes it; another container cannot
use it even after making the same node itself (the device cgroup refuses the open); `permissions`
limit the access; a hostPath missing on the host stops the task; mapping a device needs the
privileged action."""
import json
import os
import subprocess
import uuid

from harness import BERTH
from test_auth import error_of, parse_key
from test_tasks import TaskTestCase

PATTERN_A = b"berth-pattern-A:"  # 16 bytes, one dd block
PATTERN_B = b"written-in-ctr-B"


class DevicesTest(TaskTestCase):
    def setUp(self):
        super().setUp()
        backing = os.path.join(self.berth.dir, "loop.img")
        with open(backing, "wb") as f:
            f.write(PATTERN_A + bytes(1024 * 1024 - len(PATTERN_A)))
        out = subprocess.run(["losetup", "-f", "--show", backing], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.loop = out.stdout.strip()
        # Runs before the container cleanup (last in, first out); a loop device still open is
        # only marked to detach when its last user closes it.
        self.addCleanup(subprocess.run, ["losetup", "-d", self.loop], timeout=30)
        self.minor = os.minor(os.stat(self.loop).st_rdev)

    def host_reads(self, length):
        with open(self.loop, "rb") as f:
            return f.read(length)

    def run_to_exit(self, family):
        arn = self.run_task(family)
        task = self.wait_status(arn, "STOPPED")
        return task, self.logs(arn).stdout

    def test_the_mapped_container_reads_and_writes_the_device_and_the_host_sees_it(self):
        self.register("device-rw", [{
            "name": "main",
            "linuxParameters": {"devices": [{"hostPath": self.loop, "containerPath": "/dev/xdev",
                                             "permissions": ["read", "write"]}]},
            "command": ["sh", "-c", "dd if=/dev/xdev bs=16 count=1 2>/dev/null; echo; "
                        "printf %s " + PATTERN_B.decode() + " | dd of=/dev/xdev bs=16 count=1 conv=fsync 2>/dev/null "
                        "&& echo written"]}])
        task, out = self.run_to_exit("device-rw")
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, (task, out))
        self.assertEqual(out.splitlines(), [PATTERN_A.decode(), "written"])
        self.assertEqual(self.host_reads(16), PATTERN_B)

    def test_a_container_without_the_mapping_cannot_use_the_device_even_after_mknod(self):
        self.register("device-none", [{
            "name": "main",
            "command": ["sh", "-c", "test -e /dev/xdev && echo present || echo absent; "
                        "mknod /dev/x b 7 %d && echo made; dd if=/dev/x bs=16 count=1; echo dd=$?" % self.minor]}])
        task, out = self.run_to_exit("device-none")
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, (task, out))
        lines = out.splitlines()
        self.assertEqual(lines[:2], ["absent", "made"])
        self.assertIn("dd=1", lines)
        self.assertNotIn(PATTERN_A.decode(), out)
        stderr = self.logs_stderr(task["taskArn"])
        self.assertIn("Operation not permitted", stderr)

    def test_read_permission_alone_refuses_writes(self):
        self.register("device-ro", [{
            "name": "main",
            "linuxParameters": {"devices": [{"hostPath": self.loop, "containerPath": "/dev/xdev",
                                             "permissions": ["read"]}]},
            "command": ["sh", "-c", "dd if=/dev/xdev bs=16 count=1 2>/dev/null; echo; "
                        "echo overwrite | dd of=/dev/xdev bs=16 count=1 conv=fsync; echo write=$?"]}])
        task, out = self.run_to_exit("device-ro")
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, (task, out))
        self.assertEqual(out.splitlines(), [PATTERN_A.decode(), "write=1"])
        self.assertIn("Operation not permitted", self.logs_stderr(task["taskArn"]))
        self.assertEqual(self.host_reads(16), PATTERN_A)

    def test_a_missing_host_path_stops_the_task_naming_it(self):
        missing = "/dev/berth-missing-" + uuid.uuid4().hex[:8]
        self.register("device-missing", [{"name": "main", "command": ["true"],
                                          "linuxParameters": {"devices": [{"hostPath": missing}]}}])
        task = self.wait_status(self.run_task("device-missing"), "STOPPED")
        self.assertEqual(task.get("stopCode"), "TaskFailedToStart", task)
        self.assertEqual(task.get("stoppedReason"), "CannotStartContainerError: linuxParameters.devices: " + missing +
                         " does not exist on this instance")
        self.assertNotIn("exitCode", self.container(task, "main"))

    def test_a_key_without_the_privileged_action_cannot_map_a_device(self):
        policy = os.path.join(self.berth.dir, "deployer.json")
        with open(policy, "w") as f:
            json.dump({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition"], "Resource": "*"}]}, f)
        created = subprocess.run([BERTH, "key", "create", "deployer", "--policy", policy, "--config", "/dev/null",
                                  "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(created.returncode, 0, created.stderr)
        deploy = self.berth.boto3(key=parse_key(created.stdout))
        container = {"name": "main", "image": "busybox", "memory": 16,
                     "linuxParameters": {"devices": [{"hostPath": self.loop}]}}
        code, message, _ = error_of(lambda: deploy.register_task_definition(family="dev",
                                                                            containerDefinitions=[container]))
        self.assertEqual(code, "AccessDeniedException", message)
        self.assertIn("berth:RegisterPrivilegedTaskDefinition", message)
        self.assertEqual(self.ecs.list_task_definitions(familyPrefix="dev")["taskDefinitionArns"], [])

    def logs_stderr(self, arn):
        return self.logs(arn).stderr
