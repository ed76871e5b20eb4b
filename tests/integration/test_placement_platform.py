"""Placement by platform and by GPU on real berth: a definition's requiresAttributes (from
runtimePlatform and linuxParameters.swappiness) against this x86_64 gateway's attributes, and
resourceRequirements GPU against the GPUs its agent registers. This machine has no GPU, so the
seam BERTH_GPU_DEVICES makes a loop device the gateway's one GPU: the task given it sees the node
and NVIDIA_VISIBLE_DEVICES, and a second one-GPU task is not placed while the first holds it."""
import os
import subprocess

from test_tasks import TaskTestCase, wait_for

PATTERN = b"berth-gpu-stand-"  # 16 bytes, one dd block


def cgroup_v2():
    return os.path.exists("/sys/fs/cgroup/cgroup.controllers")


class PlatformPlacementTest(TaskTestCase):
    def instance(self):
        arns = self.ecs.list_container_instances()["containerInstanceArns"]
        return self.ecs.describe_container_instances(containerInstances=arns)["containerInstances"][0]

    def test_an_arm64_definition_is_not_placed_on_this_x86_64_gateway(self):
        self.assertEqual(os.uname().machine, "x86_64")
        self.register("arm-only", [{"name": "main", "command": ["sleep", "300"], "stopTimeout": 1}],
                      runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"})
        described = self.ecs.describe_task_definition(taskDefinition="arm-only")["taskDefinition"]
        self.assertEqual(described["requiresAttributes"], [{"name": "ecs.cpu-architecture", "value": "arm64"},
                                                           {"name": "ecs.os-family", "value": "LINUX"}])
        instance = self.instance()
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        self.assertEqual(attributes["ecs.cpu-architecture"], "x86_64")
        reply = self.ecs.run_task(taskDefinition="arm-only")
        self.assertEqual(reply["tasks"], [])
        self.assertEqual(reply["failures"], [{"arn": instance["containerInstanceArn"], "reason": "ATTRIBUTE"}])

        self.ecs.create_service(serviceName="arm", taskDefinition="arm-only", desiredCount=1)
        self.addCleanup(self.ecs.delete_service, service="arm", force=True)
        event = wait_for(lambda: next((e["message"] for e in self.ecs.describe_services(services=["arm"])
                                       ["services"][0]["events"] if "unable to place" in e["message"]), None),
                         what="the service's placement event")
        self.assertIn('"reason":"ATTRIBUTE"', event)
        self.assertEqual(self.ecs.list_tasks()["taskArns"], [])

    def test_an_x86_64_definition_runs(self):
        self.register("x86", [{"name": "main", "command": ["sleep", "300"], "stopTimeout": 1}],
                      runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"})
        described = self.ecs.describe_task_definition(taskDefinition="x86")["taskDefinition"]
        self.assertEqual(described["requiresAttributes"], [{"name": "ecs.cpu-architecture", "value": "x86_64"},
                                                           {"name": "ecs.os-family", "value": "LINUX"}])
        self.wait_status(self.run_task("x86"), "RUNNING")

    def test_swappiness_runs_where_the_instance_registers_the_capability(self):
        self.register("swappy", [{"name": "main", "memory": 64, "stopTimeout": 1,
                                  "linuxParameters": {"maxSwap": 32, "swappiness": 17},
                                  "command": ["sleep", "300"]}])
        described = self.ecs.describe_task_definition(taskDefinition="swappy")["taskDefinition"]
        self.assertEqual(described["requiresAttributes"], [{"name": "berth.capability.memory-swappiness"}])
        attributes = {a["name"] for a in self.instance()["attributes"]}
        if cgroup_v2():
            # runc would ignore it: the agent does not register the capability, placement refuses.
            self.assertNotIn("berth.capability.memory-swappiness", attributes)
            self.assertEqual([f["reason"] for f in self.ecs.run_task(taskDefinition="swappy")["failures"]],
                             ["ATTRIBUTE"])
            return
        self.assertIn("berth.capability.memory-swappiness", attributes)
        arn = self.run_task("swappy")
        self.wait_status(arn, "RUNNING")
        with open("/sys/fs/cgroup/memory/berth/%s/main/memory.swappiness" % arn.rsplit("/", 1)[1]) as f:
            self.assertEqual(f.read().strip(), "17")

    def test_a_gpu_definition_is_not_placed_on_a_gateway_without_gpus(self):
        instance = self.instance()
        self.assertNotIn("GPU", [r["name"] for r in instance["registeredResources"]])
        self.register("gpu", [{"name": "main", "command": ["true"],
                               "resourceRequirements": [{"type": "GPU", "value": "1"}]}])
        reply = self.ecs.run_task(taskDefinition="gpu")
        self.assertEqual(reply["tasks"], [])
        self.assertEqual(reply["failures"], [{"arn": instance["containerInstanceArn"], "reason": "RESOURCE:GPU"}])


class GpuSeamTest(TaskTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backing = "/tmp/berth-gpu-%d.img" % os.getpid()
        with open(cls.backing, "wb") as f:
            f.write(PATTERN + bytes(1024 * 1024 - len(PATTERN)))
        out = subprocess.run(["losetup", "-f", "--show", cls.backing], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        cls.loop = out.stdout.strip()
        cls.config_text = TaskTestCase.config_text + "BERTH_GPU_DEVICES=%s\n" % cls.loop

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["losetup", "-d", cls.loop], timeout=30)
        os.unlink(cls.backing)
        super().tearDownClass()

    def test_a_one_gpu_task_gets_the_gpu_and_a_second_is_not_placed_while_it_holds_it(self):
        arns = self.ecs.list_container_instances()["containerInstanceArns"]
        instance = self.ecs.describe_container_instances(containerInstances=arns)["containerInstances"][0]
        gpu = next(r for r in instance["registeredResources"] if r["name"] == "GPU")
        self.assertEqual((gpu["type"], gpu["stringSetValue"]), ("STRINGSET", ["0"]))

        self.register("gpu", [{"name": "main", "stopTimeout": 1,
                               "resourceRequirements": [{"type": "GPU", "value": "1"}],
                               "command": ["sh", "-c", "echo visible=$NVIDIA_VISIBLE_DEVICES; "
                                           "dd if=%s bs=16 count=1 2>/dev/null; echo; sleep 300" % self.loop]}])
        first = self.run_task("gpu")
        task = self.wait_status(first, "RUNNING")
        self.assertEqual(self.container(task, "main")["gpuIds"], ["0"])
        lines = wait_for(lambda: (lambda out: out if len(out) >= 2 else None)(self.logs(first).stdout.splitlines()),
                         what="the GPU task's output")
        self.assertEqual(lines[:2], ["visible=0", PATTERN.decode()])

        instance = self.ecs.describe_container_instances(containerInstances=arns)["containerInstances"][0]
        self.assertEqual(next(r for r in instance["remainingResources"] if r["name"] == "GPU")["stringSetValue"], [])

        second = self.ecs.run_task(taskDefinition="gpu")
        self.assertEqual(second["tasks"], [])
        self.assertEqual(second["failures"], [{"arn": arns[0], "reason": "RESOURCE:GPU"}])

        # A container without GPUs has no node for it.
        self.register("plain", [{"name": "main", "command": ["sh", "-c", "test -e %s && echo present || echo absent"
                                                             % self.loop]}])
        plain = self.run_task("plain")
        self.wait_status(plain, "STOPPED")
        self.assertEqual(self.logs(plain).stdout.strip(), "absent")

        # Once the first stops, its GPU is free again.
        self.ecs.stop_task(task=first, reason="free the GPU")
        self.wait_status(first, "STOPPED")
        third = self.run_task("gpu")
        self.assertEqual(self.container(self.wait_status(third, "RUNNING"), "main")["gpuIds"], ["0"])
