"""Tasks as real runc containers, driven with the real aws CLI and boto3."""
import json
import os
import signal
import subprocess
import tarfile
import io
import time

import harness
from harness import BERTH, Berth, BerthTestCase


def wait_for(predicate, timeout=30, interval=0.2, what="condition"):
    """harness.wait_for with the predicate first, as this module's calls give it."""
    return harness.wait_for(what, predicate, timeout, interval)


class TaskTestCase(BerthTestCase):
    # Short default stop timeout so tests never wait 30 s for a container that ignores SIGTERM.
    config_text = "ECS_CONTAINER_STOP_TIMEOUT=3s\nBERTH_MEMORY_MIB=1024\n"

    def helper(self, source, name):
        """Compiles a static helper into a host directory; returns its mount settings."""
        helpers = os.path.join(self.berth.dir, "helpers")
        os.makedirs(helpers, exist_ok=True)
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers", source)
        subprocess.run(["gcc", "-static", "-O2", "-o", os.path.join(helpers, name), source], check=True)
        mount = [{"sourceVolume": "helpers", "containerPath": "/helpers", "readOnly": True}]
        return mount, [{"name": "helpers", "host": {"sourcePath": helpers}}]

    def setUp(self):
        super().setUp()
        imported = self.berth.import_image()
        self.assertEqual(imported.returncode, 0, imported.stderr)
        self.ecs = self.berth.boto3()
        self.addCleanup(self.assert_nothing_left)

    def assert_nothing_left(self):
        # Stop everything this test started, then check no container outlived its task.
        arns = self.ecs.list_tasks(desiredStatus="RUNNING")["taskArns"]
        for arn in arns:
            self.ecs.stop_task(task=arn, reason="test cleanup")
        if arns:
            wait_for(lambda: all(t["lastStatus"] == "STOPPED" for t in self.ecs.describe_tasks(tasks=arns)["tasks"]),
                     timeout=30, what="cleanup")
        wait_for(lambda: self.berth.runc_containers() == [], timeout=10, what="containers removed")

    def register(self, family, containers, network_mode="host", **extra):
        for c in containers:
            c.setdefault("image", "busybox")
            c.setdefault("memory", 64)
        return self.ecs.register_task_definition(family=family, networkMode=network_mode,
                                                 containerDefinitions=containers, **extra)["taskDefinition"]

    def run_task(self, family, **kwargs):
        reply = self.ecs.run_task(taskDefinition=family, **kwargs)
        self.assertEqual(reply["failures"], [])
        return reply["tasks"][0]["taskArn"]

    def describe(self, arn):
        return self.ecs.describe_tasks(tasks=[arn])["tasks"][0]

    def wait_status(self, arn, status, timeout=30):
        return wait_for(lambda: (lambda t: t if t["lastStatus"] == status else None)(self.describe(arn)),
                        timeout=timeout, what="%s to be %s" % (arn, status))

    def container(self, task, name):
        return next(c for c in task["containers"] if c["name"] == name)

    def logs(self, arn, container=None):
        args = [BERTH, "logs", arn, "--config", "/dev/null", "--socket", self.berth.socket_path]
        if container:
            args.append(container)
        return subprocess.run(args, capture_output=True, text=True, timeout=30)


class TaskLifecycleTest(TaskTestCase):
    def test_exit_codes_are_exact_and_output_is_logged(self):
        self.register("ok", [{"name": "main", "command": ["sh", "-c", "echo all good; exit 0"]}])
        self.register("bad", [{"name": "main", "command": ["sh", "-c", "echo broken >&2; exit 3"]}])
        ok, bad = self.run_task("ok"), self.run_task("bad")
        ok_task, bad_task = self.wait_status(ok, "STOPPED"), self.wait_status(bad, "STOPPED")
        self.assertEqual(self.container(ok_task, "main")["exitCode"], 0)
        self.assertEqual(self.container(bad_task, "main")["exitCode"], 3)
        self.assertEqual(bad_task["stopCode"], "EssentialContainerExited")
        self.assertEqual(bad_task["stoppedReason"], "Essential container in task exited")
        for key in ("createdAt", "startedAt", "stoppingAt", "stoppedAt", "pullStartedAt", "pullStoppedAt"):
            self.assertIn(key, bad_task, key)
        self.assertGreater(bad_task["version"], 1)
        self.assertIn("all good", self.logs(ok).stdout)
        self.assertIn("broken", self.logs(bad, "main").stderr)
        # The same lines over REST, for device apps.
        import http.client, socket
        class UnixConnection(http.client.HTTPConnection):
            def connect(conn):
                conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                conn.sock.connect(self.berth.socket_path)
        conn = UnixConnection("berth")
        conn.request("GET", "/v1/tasks/%s/logs" % bad.rsplit("/", 1)[1])
        events = json.loads(conn.getresponse().read())["events"]
        self.assertEqual([(e["stream"], e["text"]) for e in events], [("stderr", "broken")])

    def test_essential_exit_stops_its_sibling(self):
        self.register("pair", [
            {"name": "main", "command": ["sh", "-c", "sleep 1; exit 7"]},
            {"name": "side", "essential": False,
             "command": ["sh", "-c", "trap 'echo side got TERM; exit 0' TERM; sleep 300 & wait"]}])
        arn = self.run_task("pair")
        self.wait_status(arn, "RUNNING")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(self.container(task, "main")["exitCode"], 7)
        self.assertEqual(self.container(task, "side")["lastStatus"], "STOPPED")
        self.assertEqual(self.container(task, "side")["exitCode"], 0)
        self.assertIn("side got TERM", self.logs(arn, "side").stdout)

    def test_memory_hog_ends_with_out_of_memory(self):
        self.register("hog", [{"name": "hog", "memory": 16,
                               "command": ["awk", "BEGIN { s = \"x\"; while (1) s = s s }"]}])
        task = self.wait_status(self.run_task("hog"), "STOPPED", timeout=60)
        hog = self.container(task, "hog")
        self.assertEqual(hog["exitCode"], 137)
        self.assertTrue(hog["reason"].startswith("OutOfMemoryError"), hog)

    def test_cgroup_files_show_the_requested_limits(self):
        self.register("limits", [{"name": "main", "cpu": 512, "memory": 64, "memoryReservation": 32,
                                  "command": ["sleep", "300"], "stopTimeout": 1}], cpu="1024")
        arn = self.run_task("limits")
        self.wait_status(arn, "RUNNING")
        task_id = arn.rsplit("/", 1)[1]

        def read(controller, path, name):
            v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
            base = "/sys/fs/cgroup" if v2 else "/sys/fs/cgroup/" + controller
            with open(base + path + "/" + name) as f:
                return f.read().strip()

        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            self.assertEqual(read("memory", "/berth/%s/main" % task_id, "memory.max"), str(64 << 20))
            self.assertEqual(read("memory", "/berth/%s/main" % task_id, "memory.low"), str(32 << 20))
            # cpu 512, its shares scaled by 256 (agent/container_cpu_shares.hpp), as runc converts
            # them: 1 + (131072 - 2) * 9999 / 262142.
            self.assertEqual(read("cpu", "/berth/%s/main" % task_id, "cpu.weight"), "5000")
            self.assertEqual(read("cpu", "/berth/%s" % task_id, "cpu.max"), "100000 100000")
        else:
            self.assertEqual(read("cpu", "/berth/%s/main" % task_id, "cpu.shares"), str(512 * 256))
            self.assertEqual(read("memory", "/berth/%s/main" % task_id, "memory.limit_in_bytes"), str(64 << 20))
            self.assertEqual(read("memory", "/berth/%s/main" % task_id, "memory.soft_limit_in_bytes"), str(32 << 20))
            self.assertEqual(read("cpu", "/berth/%s" % task_id, "cpu.cfs_quota_us"), "100000")

    def test_stop_task_escalates_to_sigkill_after_stop_timeout(self):
        self.register("stubborn", [{"name": "main", "stopTimeout": 2,
                                    "command": ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]}])
        arn = self.run_task("stubborn")
        self.wait_status(arn, "RUNNING")
        started = time.time()
        self.ecs.stop_task(task=arn, reason="maintenance window")
        task = self.wait_status(arn, "STOPPED", timeout=20)
        elapsed = time.time() - started
        self.assertGreaterEqual(elapsed, 2.0)
        self.assertEqual(self.container(task, "main")["exitCode"], 137)
        self.assertEqual(task["stopCode"], "UserInitiated")
        self.assertEqual(task["stoppedReason"], "maintenance window")

    def test_denied_syscall_gets_eperm(self):
        self.register("sandbox", [{"name": "main", "command": ["sh", "-c", "unshare -n true; echo rc=$?"]}])
        arn = self.run_task("sandbox")
        self.wait_status(arn, "STOPPED")
        out = self.logs(arn)
        self.assertIn("Operation not permitted", out.stdout + out.stderr)
        self.assertIn("rc=1", out.stdout)

    def test_health_checks_go_healthy_and_unhealthy(self):
        check = {"command": ["CMD-SHELL", "test -f /tmp/ready"], "interval": 5, "timeout": 2, "retries": 1}
        self.register("healthy", [{"name": "main", "healthCheck": check, "stopTimeout": 1,
                                   "command": ["sh", "-c", "touch /tmp/ready; sleep 300"]}])
        self.register("sick", [{"name": "main", "healthCheck": check, "stopTimeout": 1, "command": ["sleep", "300"]}])
        good, bad = self.run_task("healthy"), self.run_task("sick")
        self.assertEqual(self.wait_status(good, "RUNNING")["healthStatus"], "UNKNOWN")
        wait_for(lambda: self.describe(good)["healthStatus"] == "HEALTHY", timeout=30, what="HEALTHY")
        wait_for(lambda: self.describe(bad)["healthStatus"] == "UNHEALTHY", timeout=30, what="UNHEALTHY")
        self.assertEqual(self.container(self.describe(bad), "main")["healthStatus"], "UNHEALTHY")

    def test_depends_on_order_on_start_and_reverse_on_stop(self):
        self.register("ordered", [
            {"name": "init", "essential": False, "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
             "command": ["sh", "-c", "sleep 1; echo init-done > /shared/init"]},
            {"name": "db", "essential": False, "stopTimeout": 5,
             "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
             "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
             "command": ["sh", "-c", "test -f /shared/init && echo db-saw-init; "
                                     "trap 'test -f /shared/app-stopped && echo db-stopped-after-app; exit 0' TERM; "
                                     "sleep 300 & wait"]},
            {"name": "app", "stopTimeout": 5, "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
             "dependsOn": [{"containerName": "db", "condition": "START"}],
             "command": ["sh", "-c", "trap 'touch /shared/app-stopped; exit 0' TERM; sleep 300 & wait"]}],
            volumes=[{"name": "shared"}])
        arn = self.run_task("ordered")
        self.wait_status(arn, "RUNNING", timeout=30)
        wait_for(lambda: "db-saw-init" in self.logs(arn, "db").stdout, timeout=15, what="db to start after init")
        self.ecs.stop_task(task=arn)
        self.wait_status(arn, "STOPPED", timeout=30)
        self.assertIn("db-stopped-after-app", self.logs(arn, "db").stdout)


class PlacementTest(TaskTestCase):
    def test_tasks_that_do_not_fit_are_reported_not_started(self):
        self.register("big", [{"name": "main", "memory": 2048, "command": ["true"]}])
        reply = self.ecs.run_task(taskDefinition="big")
        self.assertEqual(reply["tasks"], [])
        self.assertEqual([f["reason"] for f in reply["failures"]], ["RESOURCE:MEMORY"])
        self.register("web", [{"name": "main", "stopTimeout": 1, "command": ["sleep", "300"],
                               "portMappings": [{"containerPort": 18099}]}])
        first = self.run_task("web")
        self.wait_status(first, "RUNNING")
        reply = self.ecs.run_task(taskDefinition="web")
        self.assertEqual([f["reason"] for f in reply["failures"]], ["RESOURCE:PORTS"])
        self.assertEqual(self.describe(first)["containers"][0]["networkBindings"][0]["hostPort"], 18099)
        instance = self.ecs.describe_container_instances(
            containerInstances=self.ecs.list_container_instances()["containerInstanceArns"])["containerInstances"][0]
        remaining = {r["name"]: r for r in instance["remainingResources"]}
        self.assertEqual(remaining["MEMORY"]["integerValue"], 1024 - 64)
        self.assertIn("18099", remaining["PORTS"]["stringSetValue"])
        self.assertIn("22", remaining["PORTS"]["stringSetValue"])

    def test_constraints_are_honoured(self):
        self.register("picky", [{"name": "main", "command": ["true"]}],
                      placementConstraints=[{"type": "memberOf", "expression": "attribute:site == plant-9"}])
        reply = self.ecs.run_task(taskDefinition="picky")
        self.assertEqual([f["reason"] for f in reply["failures"]], ["ATTRIBUTE"])
        instance = self.ecs.list_container_instances()["containerInstanceArns"][0]
        self.ecs.put_attributes(attributes=[{"name": "site", "value": "plant-9", "targetId": instance}])
        arn = self.run_task("picky")
        self.wait_status(arn, "STOPPED")
        listed = self.ecs.list_container_instances(filter="attribute:site == plant-9")["containerInstanceArns"]
        self.assertEqual(listed, [instance])
        self.ecs.update_container_instances_state(containerInstances=[instance], status="DRAINING")
        reply = self.ecs.run_task(taskDefinition="picky")
        self.assertEqual([f["reason"] for f in reply["failures"]], ["AGENT"])


class RestartTest(TaskTestCase):
    def test_containers_outlive_a_killed_berth_and_exits_are_recorded(self):
        self.register("long", [{"name": "main", "stopTimeout": 1, "command": ["sleep", "300"]}])
        self.register("short", [{"name": "main", "command": ["sh", "-c", "sleep 3; exit 5"]}])
        long_arn, short_arn = self.run_task("long"), self.run_task("short")
        self.wait_status(long_arn, "RUNNING")
        self.wait_status(short_arn, "RUNNING")
        runtime_id = long_arn.rsplit("/", 1)[1] + "-main"
        pid_before = self.berth.container_pid(runtime_id)
        self.assertTrue(pid_before)
        # The container's monitor has left berth's cgroups for berth-shims in every hierarchy.
        with open(os.path.join(self.berth.dir, "run", "containers", runtime_id, "shim.pid")) as f:
            shim_pid = int(f.read())
        with open("/proc/%d/cgroup" % shim_pid) as f:
            cgroups = [line.strip().split(":", 2)[2] for line in f if line.strip()]
        self.assertTrue(cgroups and all(c == "/berth-shims" for c in cgroups if c != "/"), cgroups)
        self.berth.stop(signal.SIGKILL)
        short_id = short_arn.rsplit("/", 1)[1] + "-main"
        wait_for(lambda: self.berth.container_status(short_id) == "stopped", what="the short task's exit while berth is down")
        os.kill(pid_before, 0)  # still alive
        self.berth.start()
        self.ecs = self.berth.boto3()
        task = self.describe(long_arn)
        self.assertEqual(task["lastStatus"], "RUNNING")
        self.assertEqual(self.berth.container_pid(runtime_id), pid_before)
        short = self.wait_status(short_arn, "STOPPED")
        self.assertEqual(self.container(short, "main")["exitCode"], 5)
        self.assertEqual(self.describe(long_arn)["lastStatus"], "RUNNING")

    def test_the_root_mounted_ahead_goes_with_berth_and_a_crash_leftover_is_swept(self):
        """After a start berth mounts the next container root ahead (<data>/bundles/spare-*); a
        stop of berth unmounts and removes it, and one a SIGKILL left is swept before the next."""
        bundles = os.path.join(self.berth.dir, "data", "bundles")

        def spares():
            return sorted(d for d in os.listdir(bundles) if d.startswith("spare-"))

        def mounted(directory):
            with open("/proc/self/mountinfo") as f:
                return any((" %s/rootfs " % os.path.join(bundles, directory)) in line for line in f)

        self.register("sleeper", [{"name": "main", "stopTimeout": 1, "command": ["sleep", "300"]}])
        self.wait_status(self.run_task("sleeper"), "RUNNING")
        wait_for(lambda: spares(), what="a spare root after the start")
        first = spares()
        self.assertEqual(len(first), 1, first)
        self.assertTrue(mounted(first[0]))
        self.berth.stop(signal.SIGTERM)
        self.assertEqual(spares(), [])
        self.assertFalse(mounted(first[0]))

        self.berth.start()
        self.ecs = self.berth.boto3()
        self.wait_status(self.run_task("sleeper"), "RUNNING")
        wait_for(lambda: spares(), what="a spare root after the start")
        left = spares()
        self.berth.stop(signal.SIGKILL)
        self.assertEqual(spares(), left)  # a crash leaves it, mounted
        self.assertTrue(mounted(left[0]))
        self.berth.start()
        self.ecs = self.berth.boto3()
        self.wait_status(self.run_task("sleeper"), "RUNNING")
        wait_for(lambda: spares() and spares() != left, what="the next spare root")
        self.assertNotIn(left[0], spares())
        self.assertFalse(mounted(left[0]))

    def test_same_instance_arn_after_restart(self):
        before = self.ecs.list_container_instances()["containerInstanceArns"]
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.assertEqual(self.ecs.list_container_instances()["containerInstanceArns"], before)


class ImportTest(BerthTestCase):
    def archive_with_layer(self, add_members):
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w") as t:
            add_members(t)
        layer_bytes = layer.getvalue()
        import hashlib
        digest = hashlib.sha256(layer_bytes).hexdigest()
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest]}}).encode()
        manifest = json.dumps([{"Config": "config.json", "RepoTags": ["evil:1"], "Layers": [digest + "/layer.tar"]}]).encode()
        path = os.path.join(self.berth.dir, "evil.tar")
        with tarfile.open(path, "w") as t:
            for name, data in ((digest + "/layer.tar", layer_bytes), ("config.json", config), ("manifest.json", manifest)):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        return path

    def test_path_tricks_are_refused_by_import(self):
        def dotdot(t):
            info = tarfile.TarInfo("../../escaped")
            info.size = 1
            t.addfile(info, io.BytesIO(b"x"))

        def absolute_link(t):
            info = tarfile.TarInfo("passwd")
            info.type = tarfile.LNKTYPE
            info.linkname = "/etc/passwd"
            t.addfile(info)

        for builder in (dotdot, absolute_link):
            out = self.berth.import_image(self.archive_with_layer(builder))
            self.assertEqual(out.returncode, 1, out.stdout)
            self.assertIn("refused", out.stderr)
        listed = subprocess.run([BERTH, "image", "ls", "--config", "/dev/null", "--data-dir",
                                 os.path.join(self.berth.dir, "data")], capture_output=True, text=True)
        self.assertNotIn("evil", listed.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.berth.dir, "escaped")))

    def test_archive_links_stay_inside_the_archive_and_layers_make_no_devices(self):
        def devices(t):
            for name, kind, major in (("dev/mem", tarfile.CHRTYPE, 1), ("dev/sda", tarfile.BLKTYPE, 8)):
                info = tarfile.TarInfo(name)
                info.type, info.devmajor, info.mode = kind, major, 0o666
                t.addfile(info)
        good = self.archive_with_layer(devices)
        with tarfile.open(good) as t:
            members = {m.name: t.extractfile(m).read() for m in t.getmembers()}
        host_config = os.path.join(self.berth.dir, "host-config.json")
        with open(host_config, "wb") as f:
            f.write(members["config.json"])
        layer_name = next(n for n in members if n.endswith("layer.tar"))
        # The config as a link to a host file; the layer as a link to /dev/zero (was a hang).
        for linked, target in (("config.json", host_config), (layer_name, "/dev/zero")):
            path = os.path.join(self.berth.dir, "linked.tar")
            with tarfile.open(path, "w") as t:
                for name, data in members.items():
                    info = tarfile.TarInfo(name)
                    if name == linked:
                        info.type, info.linkname = tarfile.SYMTYPE, target
                        t.addfile(info)
                    else:
                        info.size = len(data)
                        t.addfile(info, io.BytesIO(data))
            out = self.berth.import_image(path)
            self.assertEqual(out.returncode, 1, out.stdout)
            self.assertIn("resolve inside the archive", out.stderr)
        out = self.berth.import_image(good)
        self.assertEqual(out.returncode, 0, out.stderr)
        images = os.path.join(self.berth.dir, "data", "images")
        made = [os.path.join(d, f) for d, _, files in os.walk(images) for f in files if d.endswith("rootfs/dev")]
        self.assertEqual(made, [])

    def test_image_in_use_cannot_be_removed(self):
        self.assertEqual(self.berth.import_image().returncode, 0)
        ecs = self.berth.boto3()
        ecs.register_task_definition(family="hold", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "command": ["sleep", "300"], "stopTimeout": 1}])
        arn = ecs.run_task(taskDefinition="hold")["tasks"][0]["taskArn"]
        rm = [BERTH, "image", "rm", "busybox", "--config", "/dev/null", "--data-dir", os.path.join(self.berth.dir, "data")]
        out = subprocess.run(rm, capture_output=True, text=True)
        self.assertEqual(out.returncode, 1)
        self.assertIn("used by a task", out.stderr)
        ecs.stop_task(task=arn)
        wait_for(lambda: ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "STOPPED", what="stop")
        self.assertEqual(subprocess.run(rm, capture_output=True, text=True).returncode, 0)
