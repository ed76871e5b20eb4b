"""Container settings that land in the OCI config as they are, read back from a real container:
systemControls (the container's own kernel parameters), linuxParameters.sharedMemorySize (its
/dev/shm) and dockerLabels (runc's annotations, with the ECS agent's com.amazonaws.ecs.* labels).
A host kernel parameter is refused at registration (test_task_definition_fields); swappiness is
read back with its placement rule (test_placement_platform)."""

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
