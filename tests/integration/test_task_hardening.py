"""No task definition or image can take berth down or run a container with ids or capabilities
it should not have: out-of-range users, an image's /etc/passwd linked to a host file, privileged
containers on a host whose capability bounding set is short. Runs real containers."""
import io
import json
import os
import signal
import tarfile
import tempfile

from registry import busybox_layout, rewrite_image, write_blob
from test_tasks import TaskTestCase, wait_for


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def capability_bounding_set():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    return None


class TaskHardeningTest(TaskTestCase):
    def assert_failed_to_start(self, arn, *fragments):
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(task.get("stopCode"), "TaskFailedToStart", task)
        reason = task.get("stoppedReason", "")
        self.assertTrue(reason.startswith("CannotStartContainerError: "), reason)
        for fragment in fragments:
            self.assertIn(fragment, reason)
        main = self.container(task, "main")
        self.assertNotIn("exitCode", main)  # it never ran
        self.assertEqual(main.get("reason"), reason)
        return task

    def assert_berth_works(self):
        """berth is up, answers, and its agent still runs tasks."""
        self.assertIsNone(self.berth.proc.poll(), self.berth.log())
        self.register("healthy", [{"name": "main", "command": ["true"]}])
        task = self.wait_status(self.run_task("healthy"), "STOPPED")
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, task)

    def test_a_huge_user_fails_its_task_and_berth_stays_up_across_a_restart(self):
        self.register("huge-user", [{"name": "main", "user": "99999999999999999999", "command": ["true"]}])
        arn = self.run_task("huge-user")
        self.assert_failed_to_start(arn, "99999999999999999999", "not valid")
        self.assert_berth_works()
        self.berth.restart()
        self.ecs = self.berth.boto3()
        self.assertEqual(self.describe(arn)["lastStatus"], "STOPPED")
        self.assert_berth_works()

    def test_a_uid_that_would_wrap_to_root_is_refused(self):
        for family, user in (("wrap-user", "4294967296"), ("wrap-group", "1000:4294967296"),
                             ("minus-one", "4294967295")):
            self.register(family, [{"name": "main", "user": user, "command": ["id", "-u"]}])
            self.assert_failed_to_start(self.run_task(family), "not valid")
        self.assert_berth_works()

    def image_with_passwd_linked_to(self, host_file):
        """busybox with /etc/passwd a symlink to `host_file`, imported as passwd-link:latest."""
        layout = busybox_layout(tempfile.mkdtemp(dir=self.berth.dir))
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w") as t:
            link = tarfile.TarInfo("etc/passwd")
            link.type = tarfile.SYMTYPE
            link.linkname = host_file
            t.addfile(link)
        import hashlib
        data = layer.getvalue()
        digest, size = write_blob(layout, data)
        rewrite_image(layout, lambda config: None,
                      [("application/vnd.oci.image.layer.v1.tar", digest, size, "sha256:" + hashlib.sha256(data).hexdigest())])
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        index["manifests"][0]["annotations"] = {"io.containerd.image.name": "docker.io/library/passwd-link:latest",
                                                "org.opencontainers.image.ref.name": "latest"}
        with open(os.path.join(layout, "index.json"), "w") as f:
            json.dump(index, f)
        archive = os.path.join(self.berth.dir, "passwd-link.tar")
        with tarfile.open(archive, "w") as t:
            for name in sorted(os.listdir(layout)):
                t.add(os.path.join(layout, name), arcname=name)
        imported = self.berth.import_image(archive)
        self.assertEqual(imported.returncode, 0, imported.stderr)

    def test_an_image_passwd_linked_to_a_host_file_is_read_inside_the_image(self):
        host_file = os.path.join(self.berth.dir, "host-passwd")
        with open(host_file, "w") as f:
            f.write("evil:x:4242:4242:evil:/:/bin/sh\n")
        self.image_with_passwd_linked_to(host_file)
        self.register("host-passwd", [{"name": "main", "image": "passwd-link", "user": "evil",
                                       "command": ["id", "-u"]}])
        arn = self.run_task("host-passwd")
        task = self.wait_status(arn, "STOPPED")
        # Never uid 4242 from the host's file: the image has no such user.
        self.assertNotEqual(self.logs(arn).stdout.strip(), "4242")
        self.assertIn("user 'evil' does not exist in the image", task.get("stoppedReason", ""), task)
        # A numeric user still runs in that image.
        self.register("numeric", [{"name": "main", "image": "passwd-link", "user": "1000", "command": ["id", "-u"]}])
        numeric = self.run_task("numeric")
        done = self.wait_status(numeric, "STOPPED")
        self.assertEqual(self.container(done, "main").get("exitCode"), 0, done)
        self.assertEqual(self.logs(numeric).stdout.strip(), "1000")

    def test_privileged_runs_with_the_capabilities_the_host_has(self):
        bounding = capability_bounding_set()
        self.register("privileged", [{"name": "main", "privileged": True,
                                      "command": ["sh", "-c", "grep CapEff /proc/self/status"]}])
        arn = self.run_task("privileged")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, task)
        effective = int(self.logs(arn).stdout.split()[1], 16)
        self.assertEqual(effective & ~bounding, 0)
        self.register("add-sys-resource", [{"name": "main", "command": ["true"],
                                            "linuxParameters": {"capabilities": {"add": ["SYS_RESOURCE"]}}}])
        added = self.wait_status(self.run_task("add-sys-resource"), "STOPPED")
        self.assertEqual(self.container(added, "main").get("exitCode"), 0, added)

    def test_a_task_berth_dies_on_twice_while_starting_it_is_stopped(self):
        # `waiting` stays PENDING (it waits for `base` to be HEALTHY, whose first check is minutes
        # away): a task the agent is still starting. SIGKILL stands for a crash berth could not catch.
        self.register("crash-loop", [
            {"name": "base", "essential": False, "command": ["sleep", "300"],
             "healthCheck": {"command": ["CMD-SHELL", "exit 1"], "interval": 300}},
            {"name": "waiting", "command": ["true"], "dependsOn": [{"containerName": "base", "condition": "HEALTHY"}]}])
        arn = self.run_task("crash-loop")
        task_id = arn.rsplit("/", 1)[1]
        marker = os.path.join(self.berth.dir, "run", "task-work", task_id)
        wait_for(lambda: self.container(self.describe(arn), "base")["lastStatus"] == "RUNNING", what="base running")
        for crash in (1, 2):
            # Killed while working on the task: its marker carries the crashes counted so far.
            wait_for(lambda: read_text(marker) == "starting %d\n" % (crash - 1), what="task marked")
            self.berth.restart(signal.SIGKILL)
            self.ecs = self.berth.boto3()
            self.assertIn("crash %d of 2" % crash, self.berth.log())
        task = self.wait_status(arn, "STOPPED")
        self.assertIn("stopped unexpectedly twice while starting this task", task.get("stoppedReason", ""), task)
        self.assertEqual(task.get("stopCode"), "TaskFailedToStart")
        wait_for(lambda: not os.path.exists(marker), what="marker removed")
        self.assert_berth_works()

    def test_no_marker_is_left_once_a_task_runs(self):
        self.register("steady", [{"name": "main", "command": ["sleep", "300"]}])
        arn = self.run_task("steady")
        self.wait_status(arn, "RUNNING")
        markers = os.path.join(self.berth.dir, "run", "task-work")
        wait_for(lambda: not os.listdir(markers), what="markers removed")


if __name__ == "__main__":
    import unittest
    unittest.main()
