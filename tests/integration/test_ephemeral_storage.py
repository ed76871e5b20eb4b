"""ephemeralStorage on real containers. With berth's data dir on a loop-mounted ext4 made with the
quota and project features and mounted with prjquota, the task's containers can write up to
sizeInGiB between them and no more (fallocate past it fails with "Disk quota exceeded"; the image
is sparse, so 21 GiB costs only metadata), and the instance registers
berth.capability.ephemeral-storage. Where the kernel cannot mount such a filesystem (built without
the quota formats) those tests are skipped, saying so (Debian's kernel in the VM runs them). On a
data dir without project quotas the attribute is absent, so a definition asking for a limit is not
placed (ATTRIBUTE) and a limit from a RunTask override stops the task with CannotStartContainerError
instead of running unlimited."""
import os
import subprocess

from harness import Berth
from test_tasks import TaskTestCase, wait_for

ATTRIBUTE = "berth.capability.ephemeral-storage"
# Writes one file of $1 bytes in the container's writable layer and prints the outcome. A fallocate
# that runs into the limit keeps what it had allocated (ext4 does not roll it back), so a refused
# file is removed, as an app would.
WRITE = "fallocate -l $1 /$2 2>&1; rc=$?; [ $rc = 0 ] || rm -f /$2; echo $2=$rc"


class EphemeralStorageCase(TaskTestCase):
    def instance_attributes(self):
        arn = self.ecs.list_container_instances()["containerInstanceArns"][0]
        instance = self.ecs.describe_container_instances(containerInstances=[arn])["containerInstances"][0]
        return {a["name"] for a in instance["attributes"]}

    def run_writer(self, family, sizes, **run_kwargs):
        """Runs one container that fallocates files of `sizes` in turn; returns the task and output."""
        script = "; ".join("set -- %s f%d; %s" % (size, i, WRITE) for i, size in enumerate(sizes))
        self.register(family, [{"name": "main", "command": ["sh", "-c", script]}],
                      ephemeralStorage={"sizeInGiB": 21})
        arn = self.run_task(family, **run_kwargs)
        task = self.wait_status(arn, "STOPPED", timeout=60)
        return task, self.logs(arn).stdout


class WithoutProjectQuotasTest(EphemeralStorageCase):
    def setUp(self):
        super().setUp()
        # The test's data dir is a plain directory of the host's filesystem: no prjquota there.
        self.assertNotIn(ATTRIBUTE, self.instance_attributes())

    def test_a_definition_asking_for_a_limit_is_not_placed_here(self):
        self.register("limited-nowhere", [{"name": "main", "command": ["true"]}],
                      ephemeralStorage={"sizeInGiB": 21})
        described = self.ecs.describe_task_definition(taskDefinition="limited-nowhere")["taskDefinition"]
        self.assertEqual(described["requiresAttributes"], [{"name": ATTRIBUTE}])
        reply = self.ecs.run_task(taskDefinition="limited-nowhere")
        self.assertEqual(reply["tasks"], [])
        self.assertEqual([f["reason"] for f in reply["failures"]], ["ATTRIBUTE"])

    def test_an_override_asks_too_and_is_checked_like_the_definition(self):
        self.register("plain", [{"name": "main", "command": ["true"]}])
        arn = self.run_task("plain", overrides={"ephemeralStorage": {"sizeInGiB": 30}})
        task = self.wait_status(arn, "STOPPED")
        # The override is not in the definition's required attributes, so the task is placed, and
        # the runtime refuses it rather than run it unlimited.
        self.assertTrue(task["stoppedReason"].startswith(
            "CannotStartContainerError: ephemeralStorage needs project quotas on berth's data dir ("), task)
        main = self.container(task, "main")
        self.assertNotIn("exitCode", main)
        self.assertEqual(main["reason"], task["stoppedReason"])
        with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
            self.ecs.run_task(taskDefinition="plain", overrides={"ephemeralStorage": {"sizeInGiB": 20}})
        self.assertIn("overrides.ephemeralStorage.sizeInGiB must be between 21 and 200.", str(refused.exception))


class WithProjectQuotasTest(EphemeralStorageCase):
    def setUp(self):
        # The data dir must be on the quota filesystem before berth starts: BerthTestCase's
        # setUp would start it on a plain directory, so this one builds the berth itself.
        berth = Berth(self.berth_args, self.config_text)
        data = berth.data_dir
        image = os.path.join(berth.dir, "quota.img")
        os.makedirs(data)
        made = subprocess.run("truncate -s 24G %s && mkfs.ext4 -q -O quota,project %s" % (image, image),
                              shell=True, capture_output=True, text=True, timeout=120)
        self.assertEqual(made.returncode, 0, made.stderr)
        mounted = subprocess.run(["mount", "-o", "loop,prjquota", image, data], capture_output=True, text=True,
                                 timeout=60)
        if mounted.returncode != 0:
            berth.cleanup()
            self.skipTest("this kernel cannot mount ext4 with project quotas: " + mounted.stderr.strip())
        # Runs after berth's own cleanup (registered below, so run first), which empties the data dir.
        self.addCleanup(subprocess.run, ["umount", "-l", data], timeout=60)
        self.berth = berth.start()
        self.addCleanup(self.berth.cleanup)
        imported = self.berth.import_image()
        self.assertEqual(imported.returncode, 0, imported.stderr)
        self.ecs = self.berth.boto3()
        self.addCleanup(self.assert_nothing_left)

    def test_the_instance_registers_the_capability(self):
        self.assertIn(ATTRIBUTE, self.instance_attributes())

    def test_writes_within_the_limit_succeed_and_past_it_fail_with_edquot(self):
        # Close to the limit on both sides: 20 GiB fit in 21, 22 GiB do not, and once the
        # refused file is removed half a GiB fits again.
        task, out = self.run_writer("limited", ["1G", "19G", "2G", "512M"])
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, (task, out))
        lines = out.splitlines()
        self.assertIn("f0=0", lines)
        self.assertIn("f1=0", lines)
        self.assertIn("f2=1", lines)
        self.assertIn("Disk quota exceeded", out)
        self.assertIn("f3=0", lines)  # the refused file removed: 20.5 GiB of 21 in use
        ids = os.path.join(self.berth.data_dir, "project-ids")
        wait_for(lambda: os.listdir(ids) == [], timeout=30, what="the task's project id released")

    def test_a_container_cannot_move_its_files_out_of_the_tasks_project(self):
        mount, volumes = self.helper("project_escape.c", "project-escape")
        self.register("escape", [{"name": "main", "command": ["/helpers/project-escape"], "mountPoints": mount}],
                      ephemeralStorage={"sizeInGiB": 21}, volumes=volumes)
        arn = self.run_task("escape")
        task = self.wait_status(arn, "STOPPED", timeout=60)
        out = self.logs(arn).stdout
        self.assertEqual(self.container(task, "main").get("exitCode"), 0, (task, out))
        lines = out.splitlines()
        self.assertIn("project: the task's", lines)
        # seccomp refuses both ioctls (EPERM), so the directory stays in the task's project.
        self.assertIn("set project: Operation not permitted", lines)
        self.assertIn("set flags: Operation not permitted", lines)
        self.assertIn("allocate 22 GiB: Disk quota exceeded", lines)

    def test_a_restarted_berth_keeps_the_task_limited(self):
        self.register("long", [{"name": "main", "command": ["sleep", "600"]}], ephemeralStorage={"sizeInGiB": 21})
        arn = self.run_task("long")
        self.wait_status(arn, "RUNNING")
        self.berth.restart()
        self.ecs = self.berth.boto3()
        rid = arn.rsplit("/", 1)[1] + "-main"
        wrote = subprocess.run(["runc", "--root", self.berth.runc_root, "exec", rid, "sh", "-c",
                                "fallocate -l 22G /big 2>&1; echo rc=$?"], capture_output=True, text=True, timeout=60)
        self.assertIn("Disk quota exceeded", wrote.stdout)
        self.assertIn("rc=1", wrote.stdout)
        # The id recorded before the restart is the one released when the task's containers go.
        ids = os.path.join(self.berth.data_dir, "project-ids")
        self.assertEqual(len(os.listdir(ids)), 1)
        self.ecs.stop_task(task=arn)
        self.wait_status(arn, "STOPPED")
        wait_for(lambda: os.listdir(ids) == [], timeout=30, what="the task's project id released")
