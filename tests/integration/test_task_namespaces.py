"""pidMode, ipcMode and linuxParameters.initProcessEnabled on real containers: a task's shared PID
and IPC namespaces (held by a namespace holder process, which outlives a restart of berth and goes
with the task), the host's, ipcMode none, and berth's own init reaping zombies and forwarding the
stop signal."""
import os
import signal
import subprocess
import time

from test_tasks import TaskTestCase, wait_for


class TaskNamespacesTest(TaskTestCase):
    def output_of(self, arn, container, lines):
        """The first `lines` non-empty lines the container printed."""
        return wait_for(lambda: (lambda out: out if len(out) >= lines else None)(
            [line for line in self.logs(arn, container).stdout.splitlines() if line]),
            what="%s's output" % container)

    def in_container(self, runtime_id, script):
        out = subprocess.run(["runc", "--root", self.berth.runc_root, "exec", runtime_id, "sh", "-c", script],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def holder_of(self, arn):
        task_id = arn.rsplit("/", 1)[1]
        path = os.path.join(self.berth.dir, "run", "tasks", task_id, "holder")
        with open(path) as f:
            return int(f.read().split()[0]), os.path.dirname(path)

    def pid_task(self, family, pid_mode):
        """A task whose second container lists the processes it sees once the first one runs."""
        extra = {"pidMode": pid_mode} if pid_mode else {}
        self.register(family, [
            {"name": "a", "command": ["sleep", "123"], "stopTimeout": 1},
            {"name": "b", "dependsOn": [{"containerName": "a", "condition": "START"}], "stopTimeout": 1,
             "command": ["sh", "-c", "sleep 1; ps -o pid,args; echo done; exec sleep 300"]}],
            network_mode="bridge", **extra)
        arn = self.run_task(family)
        self.wait_status(arn, "RUNNING")
        return arn, self.output_of(arn, "b", 2)

    def test_pid_mode_task_shares_one_namespace_whose_pid_1_is_the_holder(self):
        arn, shared = self.pid_task("pidshared", "task")
        wait_for(lambda: "done" in self.logs(arn, "b").stdout, what="b's process list")
        listing = self.logs(arn, "b").stdout
        self.assertIn("sleep 123", listing)  # a's process, seen from b
        first = [line.split(None, 1) for line in listing.splitlines() if line.strip().startswith("1 ")]
        self.assertEqual(len(first), 1, listing)
        self.assertIn("init --hold-namespaces", first[0][1])  # PID 1 is the holder, not a container
        task_id = arn.rsplit("/", 1)[1]
        holder, _ = self.holder_of(arn)
        for name in ("a", "b"):
            pid = self.berth.container_pid(task_id + "-" + name)
            self.assertEqual(os.readlink("/proc/%d/ns/pid" % pid), os.readlink("/proc/%d/ns/pid" % holder))

        arn, own = self.pid_task("pidown", None)
        wait_for(lambda: "done" in self.logs(arn, "b").stdout, what="b's process list")
        self.assertNotIn("sleep 123", self.logs(arn, "b").stdout)

    def test_pid_mode_host_sees_the_hosts_pid_1(self):
        self.register("pidhost", [{"name": "main", "stopTimeout": 1,
                                   "command": ["sh", "-c", "cat /proc/1/comm; exec sleep 300"]}], pidMode="host")
        arn = self.run_task("pidhost")
        self.wait_status(arn, "RUNNING")
        with open("/proc/1/comm") as f:
            host_init = f.read().strip()
        self.assertNotIn(host_init, ("sh", "sleep"))
        self.assertEqual(self.output_of(arn, "main", 1), [host_init])

    def test_ipc_mode_task_shares_the_namespace_and_dev_shm_with_the_task_only(self):
        self.register("ipcshared", [
            {"name": "a", "stopTimeout": 1, "linuxParameters": {"sharedMemorySize": 50},
             "command": ["sh", "-c", "echo from-a > /dev/shm/note; readlink /proc/self/ns/ipc; exec sleep 300"]},
            {"name": "b", "dependsOn": [{"containerName": "a", "condition": "START"}], "stopTimeout": 1,
             "linuxParameters": {"sharedMemorySize": 100},
             "command": ["sh", "-c", "sleep 1; cat /dev/shm/note; readlink /proc/self/ns/ipc; "
                                     "df -k /dev/shm | tail -1; exec sleep 300"]}],
            network_mode="bridge", ipcMode="task")
        self.register("ipcother", [{"name": "main", "stopTimeout": 1,
                                    "command": ["sh", "-c", "sleep 2; ls /dev/shm; readlink /proc/self/ns/ipc; "
                                                            "echo end; exec sleep 300"]}],
                      network_mode="bridge", ipcMode="task")
        arn, other = self.run_task("ipcshared"), self.run_task("ipcother")
        self.wait_status(arn, "RUNNING")
        a = self.output_of(arn, "a", 1)
        b = self.output_of(arn, "b", 3)
        self.assertEqual(b[0], "from-a")
        self.assertEqual(b[1], a[0])  # one IPC namespace
        self.assertNotEqual(a[0], os.readlink("/proc/self/ns/ipc"))  # not the host's
        self.assertEqual(b[2].split()[1], str(100 * 1024), b)  # the largest sharedMemorySize (b's, not a's 50)
        elsewhere = self.output_of(other, "main", 2)
        self.assertEqual(elsewhere[-1], "end")
        self.assertNotIn("note", elsewhere)  # another task's /dev/shm is its own
        self.assertNotEqual(elsewhere[-2], a[0])

    def test_ipc_mode_host_and_none(self):
        # A file in the host's /dev/shm shows that host mode binds the host's, not a tmpfs of its own.
        marker = "/dev/shm/berth-ipc-host-%d" % os.getpid()
        with open(marker, "w") as f:
            f.write("from-host\n")
        self.addCleanup(os.remove, marker)
        script = ("readlink /proc/self/ns/ipc; if [ -e /dev/shm ]; then echo shm; else echo no-shm; fi; "
                  "cat %s 2>/dev/null || echo no-marker; exec sleep 300" % marker)
        self.register("ipchost", [{"name": "main", "stopTimeout": 1, "command": ["sh", "-c", script]}], ipcMode="host")
        self.register("ipcnone", [{"name": "main", "stopTimeout": 1, "command": ["sh", "-c", script]}], ipcMode="none")
        host, none = self.run_task("ipchost"), self.run_task("ipcnone")
        self.assertEqual(self.output_of(host, "main", 3), [os.readlink("/proc/self/ns/ipc"), "shm", "from-host"])
        lines = self.output_of(none, "main", 3)
        self.assertNotEqual(lines[0], os.readlink("/proc/self/ns/ipc"))
        self.assertEqual(lines[1:], ["no-shm", "no-marker"])

    def zombies_in(self, family, init):
        self.register(family, [{"name": "main", "stopTimeout": 10 if init else 1,
                                "linuxParameters": {"initProcessEnabled": init},
                                "command": ["sh", "-c", "(sleep 1 &); exec sleep 600"]}])
        arn = self.run_task(family)
        self.wait_status(arn, "RUNNING")
        time.sleep(3)  # the orphaned sleep has ended by now
        runtime_id = arn.rsplit("/", 1)[1] + "-main"
        count = self.in_container(runtime_id, "grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l")
        return arn, runtime_id, int(count)

    def test_init_reaps_zombies_and_forwards_the_stop_signal(self):
        _, _, zombies = self.zombies_in("noinit", False)
        self.assertGreaterEqual(zombies, 1)  # sleep 600 as PID 1 never reaps the orphan

        arn, runtime_id, zombies = self.zombies_in("withinit", True)
        self.assertEqual(zombies, 0)
        self.assertEqual(self.in_container(runtime_id, "tr '\\0' ' ' < /proc/1/cmdline").strip(),
                         "/.berth/init init -- sh -c (sleep 1 &); exec sleep 600")
        started = time.time()
        self.ecs.stop_task(task=arn, reason="init test")
        task = self.wait_status(arn, "STOPPED", timeout=20)
        # sleep ignores SIGTERM as a PID 1, not as init's child: the forwarded signal ends it
        # well within the 10 s stop timeout, with its status.
        self.assertLess(time.time() - started, 8)
        self.assertEqual(self.container(task, "main")["exitCode"], 143)

    def test_the_holder_outlives_a_berth_restart_and_goes_with_the_task(self):
        self.register("holder", [{"name": "main", "stopTimeout": 1, "command": ["sleep", "300"],
                                  "linuxParameters": {"initProcessEnabled": True}},
                                 {"name": "brief", "essential": False, "command": ["sleep", "1"]}],
                      network_mode="none", pidMode="task", ipcMode="task")
        arn = self.run_task("holder")
        self.wait_status(arn, "RUNNING")
        holder, task_dir = self.holder_of(arn)
        # A container of the task exits: the namespaces are the holder's, so the task goes on.
        wait_for(lambda: self.container(self.describe(arn), "brief")["lastStatus"] == "STOPPED",
                 what="the brief container to exit")
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")
        main_pid = self.berth.container_pid(arn.rsplit("/", 1)[1] + "-main")
        self.assertEqual(os.readlink("/proc/%d/ns/pid" % main_pid), os.readlink("/proc/%d/ns/pid" % holder))
        with open("/proc/%d/cgroup" % holder) as f:
            cgroups = [line.strip().split(":", 2)[2] for line in f if line.strip()]
        self.assertTrue(cgroups and all(c == "/berth-shims" for c in cgroups if c != "/"), cgroups)
        self.berth.stop(signal.SIGKILL)
        os.kill(holder, 0)  # still alive
        self.berth.start()
        self.ecs = self.berth.boto3()
        self.assertEqual(self.describe(arn)["lastStatus"], "RUNNING")
        self.assertEqual(self.holder_of(arn)[0], holder)
        self.ecs.stop_task(task=arn, reason="holder test")
        self.wait_status(arn, "STOPPED")

        def gone():
            try:
                with open("/proc/%d/stat" % holder) as f:
                    return f.read().rsplit(")", 1)[1].split()[0] == "Z"
            except FileNotFoundError:
                return True
        wait_for(gone, what="the holder to exit")
        wait_for(lambda: not os.path.exists(task_dir), what="the task's run directory to go")
