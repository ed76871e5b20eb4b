"""Container settings that land in the OCI config as they are, read back from a real container:
systemControls (the container's own kernel parameters), linuxParameters.sharedMemorySize (its
/dev/shm), dockerLabels (runc's annotations, with the ECS agent's com.amazonaws.ecs.* labels),
disableNetworking (only lo), dockerSecurityOptions (no seccomp filter, no masked paths; an
AppArmor profile where AppArmor is off stops the task) and a shared volume with autoprovision
false (a missing directory stops the task).
A host kernel parameter is refused at registration (test_task_definition_fields); swappiness is
read back with its placement rule (test_placement_platform)."""

import os

from test_tasks import TaskTestCase, wait_for


class ContainerSettingsTest(TaskTestCase):
    def test_sysctls_shm_size_and_labels_reach_the_container(self):
        self.register("settings", [{
            "name": "main",
            "systemControls": [{"namespace": "net.ipv4.ip_unprivileged_port_start", "value": "81"},
                               {"namespace": "kernel.shmmax", "value": "1048576"}],
            "dockerLabels": {"team": "plc", "com.amazonaws.ecs.cluster": "spoofed"},
            "linuxParameters": {"sharedMemorySize": 128},
            "command": ["sh", "-c", "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmax; "
                        "df -k /dev/shm | tail -1; exec sleep 300"],
            "stopTimeout": 1}], network_mode="none")
        arn = self.run_task("settings")
        self.wait_status(arn, "RUNNING")
        task_id = arn.rsplit("/", 1)[1]
        lines = wait_for(lambda: (lambda out: out if len(out) >= 3 else None)(
            [line for line in self.logs(arn).stdout.splitlines() if line]), what="the container's output")
        self.assertEqual(lines[:2], ["81", "1048576"])
        self.assertEqual(lines[2].split()[1], str(128 * 1024), lines)  # 1K-blocks of /dev/shm
        # The host keeps its own values: the parameters were the container's namespaces'.
        with open("/proc/sys/kernel/shmmax") as f:
            self.assertNotEqual(f.read().strip(), "1048576")

        annotations = self.berth.container_state(task_id + "-main")["annotations"]
        self.assertEqual(annotations, {
            "team": "plc",
            "com.amazonaws.ecs.cluster": "default",
            "com.amazonaws.ecs.container-name": "main",
            "com.amazonaws.ecs.task-arn": arn,
            "com.amazonaws.ecs.task-definition-family": "settings",
            "com.amazonaws.ecs.task-definition-version": "1"})

    def output_of(self, arn, count):
        return wait_for(lambda: (lambda out: out if len(out) >= count else None)(
            [line for line in self.logs(arn).stdout.splitlines() if line]), what="the container's output")

    def test_disable_networking_leaves_only_lo_even_in_host_mode(self):
        self.register("offline", [{"name": "main", "disableNetworking": True, "stopTimeout": 1, "command": [
            "sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; "
                        "ping -c 1 -W 1 127.0.0.1 >/dev/null && echo lo-up; exec sleep 300"]}], network_mode="host")
        arn = self.run_task("offline")
        self.wait_status(arn, "RUNNING")
        self.assertEqual(self.output_of(arn, 2), ["lo", "lo-up"])

    def test_security_options_lift_seccomp_and_the_masked_paths(self):
        # The masked (/proc/keys, ...) and read-only (/proc/sys, ...) paths are mounts under /proc.
        probe = ["sh", "-c", "grep ^Seccomp: /proc/self/status; "
                             "awk '$5 ~ \"^/proc/.\"' /proc/self/mountinfo | wc -l; exec sleep 300"]
        self.register("confined", [{"name": "main", "stopTimeout": 1, "command": probe}], network_mode="none")
        self.register("unconfined", [{"name": "main", "stopTimeout": 1, "command": probe, "dockerSecurityOptions": [
            "seccomp=unconfined", "systempaths=unconfined", "label:disable"]}], network_mode="none")
        confined, unconfined = self.run_task("confined"), self.run_task("unconfined")
        seccomp, masks = [line.split()[-1] for line in self.output_of(confined, 2)]
        self.assertEqual(seccomp, "2")  # filter mode
        self.assertGreaterEqual(int(masks), 5)
        self.assertEqual([line.split()[-1] for line in self.output_of(unconfined, 2)], ["0", "0"])

    def test_an_apparmor_profile_stops_the_task_where_apparmor_is_off(self):
        enabled = "/sys/module/apparmor/parameters/enabled"
        if os.path.exists(enabled) and open(enabled).read().startswith("Y"):
            self.skipTest("AppArmor is enabled on this host")
        self.register("armored", [{"name": "main", "dockerSecurityOptions": ["apparmor:plc-reader"],
                                   "command": ["sleep", "300"]}], network_mode="none")
        task = self.wait_status(self.run_task("armored"), "STOPPED")
        self.assertEqual(task["stoppedReason"], "CannotStartContainerError: dockerSecurityOptions apparmor "
                                                "'plc-reader': AppArmor is not enabled on this instance")

    def test_a_shared_volume_without_autoprovision_must_exist(self):
        volumes = [{"name": "plant-db", "dockerVolumeConfiguration": {"scope": "shared", "autoprovision": False}}]
        self.register("provisioned", [{"name": "main", "stopTimeout": 1,
                                       "mountPoints": [{"sourceVolume": "plant-db", "containerPath": "/db"}],
                                       "command": ["sh", "-c", "cat /db/marker; exec sleep 300"]}],
                      network_mode="none", volumes=volumes)
        task = self.wait_status(self.run_task("provisioned"), "STOPPED")
        self.assertEqual(task["stoppedReason"], "CannotStartContainerError: initialize volume: volume detection failed, "
                                                "volume 'plant-db' does not exist and autoprovision is set to false")
        directory = os.path.join(self.berth.data_dir, "volumes", "shared", "plant-db")
        self.assertFalse(os.path.exists(directory))  # not created behind the task's back
        os.makedirs(directory)
        with open(os.path.join(directory, "marker"), "w") as f:
            f.write("made-by-the-operator\n")
        arn = self.run_task("provisioned")
        self.wait_status(arn, "RUNNING")
        self.assertEqual(self.output_of(arn, 1), ["made-by-the-operator"])
