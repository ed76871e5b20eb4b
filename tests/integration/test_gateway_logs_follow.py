"""`berth logs --follow` on the serving gateway for a task on a joined gateway (see gateways.py): its
agent reads the container's log from the cursor the last reply gave, so the follower sees every new
line exactly once, in order, while the joined gateway's log rotates and deletes the files it has
already read; the follower ends once the task has stopped."""
import os
import subprocess
import tempfile
import threading
import unittest

from gateways import ClusterTestCase
from harness import BERTH, wait_for

BURSTS = 8
LINES = 2500  # of about 155 bytes in the shim's file: about 390 KB a burst, 3 MB in all
PAD = "x" * 100


class GatewayLogsFollowTest(ClusterTestCase):
    def test_follow_sees_every_new_line_once_across_rotations(self):
        # The test says when each burst is written (a file in a host directory the container
        # sees): the next comes only once the follower has shown the last, so no line can be
        # rotated away before it was read, whatever the machine's speed.
        control = tempfile.mkdtemp(prefix="berth-follow-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", control]))
        script = ("n=0; while [ $n -lt %d ]; do if [ -e /ctl/go-$n ]; then i=0; while [ $i -lt %d ]; do "
                  "echo \"burst-$n-line-$i-%s\"; i=$((i+1)); done; n=$((n+1)); fi; sleep 0.1; done; exec sleep 3600"
                  % (BURSTS, LINES, PAD))
        self.ecs.register_task_definition(
            family="ticker", networkMode="host",
            volumes=[{"name": "ctl", "host": {"sourcePath": control}}],
            containerDefinitions=[{"name": "main", "image": "busybox", "memory": 32, "essential": True,
                                   "stopTimeout": 2, "command": ["sh", "-c", script],
                                   "mountPoints": [{"sourceVolume": "ctl", "containerPath": "/ctl"}]}])
        [task] = self.ecs.run_task(taskDefinition="ticker")["tasks"]
        arn = task["taskArn"]
        wait_for("ticker RUNNING", lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING")
        task = self.ecs.describe_tasks(tasks=[arn])["tasks"][0]
        self.assertFalse(task["containerInstanceArn"].endswith("/" + self.own_instance()))
        task_id = arn.rsplit("/", 1)[1]

        follower = subprocess.Popen([BERTH, "logs", "--follow", task_id, "--socket", self.server.socket_path],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: follower.poll() is None and follower.kill())
        seen = []
        reader = threading.Thread(target=lambda: seen.extend(line.rstrip("\n") for line in follower.stdout), daemon=True)
        # Lines are appended as they come (list.extend over the pipe's lines, one at a time).
        reader.start()
        expected = []
        for n in range(BURSTS):
            open(os.path.join(control, "go-%d" % n), "w").close()
            expected += ["burst-%d-line-%d-%s" % (n, i, PAD) for i in range(LINES)]
            last = expected[-1]
            wait_for("burst %d followed" % n, lambda: len(seen) >= len(expected) and seen[len(expected) - 1] == last
                     or len(seen) > len(expected), 60)
            self.assertEqual(len(seen), len(expected), "lines repeated or lost after burst %d" % n)

        # The joined gateway no longer holds the first lines (its rotation deleted them): a one-shot
        # `berth logs` starts past them, while the follower had them all, once each.
        once = subprocess.run([BERTH, "logs", task_id, "--socket", self.server.socket_path],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(once.returncode, 0, once.stderr)
        on_disk = once.stdout.splitlines()
        self.assertNotEqual(on_disk[0], expected[0])
        self.assertEqual(on_disk, expected[len(expected) - len(on_disk):])

        self.ecs.stop_task(task=arn)
        follower.wait(timeout=60)  # the task stopped: the follower ends
        reader.join(timeout=10)
        self.assertEqual(follower.returncode, 0, follower.stderr.read())
        self.assertEqual(seen, expected)

    def own_instance(self):
        own = [arn for arn in self.ecs.list_container_instances()["containerInstanceArns"]
               if not any(arn.endswith("/" + a.instance) for a in self.agents)]
        return own[0].rsplit("/", 1)[1]


if __name__ == "__main__":
    unittest.main()
