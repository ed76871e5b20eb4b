"""Container restartPolicy on real containers: an exited container restarted in place (same task,
same container and writable layer, same log) as the ECS agent does it, and the exits that are final.
BERTH_RESTART_ATTEMPT_PERIOD_SECONDS=1 replaces the definitions' period (ECS's minimum is 60 s), so
a container must run for 1 s before it exits to be restarted. Debian's boto3 predates restartPolicy
and botocore drops restartCount, so definitions and DescribeTasks go as raw JSON."""
import json
import os
import sqlite3
import time

from test_tasks import TaskTestCase, wait_for


def counting_crasher(crashes):
    """A command that counts its runs in its own writable layer: the first `crashes` runs last 2 s
    (past the 1 s period) and exit 3, the next stays up. Only a restart in place sees the count
    the run before left."""
    return ["sh", "-c", "n=$(cat /n 2>/dev/null || echo 0); echo $((n+1)) > /n; echo run $n; "
                        "[ $n -lt %d ] && { sleep 2; exit 3; }; exec sleep 600" % crashes]


class RestartPolicyTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_RESTART_ATTEMPT_PERIOD_SECONDS=1\n"

    def register_raw(self, family, containers):
        for c in containers:
            c.setdefault("image", "busybox")
            c.setdefault("memory", 64)
        body = {"family": family, "networkMode": "host", "containerDefinitions": containers}
        status, reply, _ = self.berth.raw("RegisterTaskDefinition", json.dumps(body))
        self.assertEqual(status, 200, reply)
        return reply["taskDefinition"]

    def describe_raw(self, arn):
        status, reply, _ = self.berth.raw("DescribeTasks", json.dumps({"tasks": [arn]}))
        self.assertEqual(status, 200, reply)
        return reply["tasks"][0]

    def stored_container(self, arn, name):
        """The container as berth's store keeps it (restart exits are not on the wire)."""
        db = sqlite3.connect(os.path.join(self.berth.data_dir, "berth.db"), timeout=10)
        try:
            body = db.execute("SELECT body FROM tasks WHERE id = ?", (arn.rsplit("/", 1)[1],)).fetchone()[0]
        finally:
            db.close()
        return next(c for c in json.loads(body)["containers"] if c["name"] == name)

    def wait_restarts(self, arn, count, timeout=60):
        def reached():
            task = self.describe_raw(arn)
            main = self.container(task, "main")
            return task if main.get("restartCount") == count and main["lastStatus"] == "RUNNING" else None
        return wait_for(reached, timeout=timeout, what="%d restarts" % count)

    def test_crashing_container_is_restarted_in_place_three_times(self):
        self.register_raw("crasher", [{"name": "main", "command": counting_crasher(3),
                                       "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60}}])
        arn = self.run_task("crasher")
        first = self.container(self.wait_status(arn, "RUNNING"), "main")
        task = self.wait_restarts(arn, 3)
        self.assertEqual(task["lastStatus"], "RUNNING")
        self.assertEqual(task["desiredStatus"], "RUNNING")
        main = self.container(task, "main")
        self.assertEqual(main["runtimeId"], first["runtimeId"])  # the same container
        self.assertNotIn("exitCode", main)
        self.assertGreaterEqual(main["lastRestartedAt"], task["startedAt"])
        # The fourth run stays up: no more restarts, and the task is still the one RunTask made.
        time.sleep(1.5)
        task = self.describe_raw(arn)
        self.assertEqual(self.container(task, "main")["restartCount"], 3)
        self.assertEqual(task["lastStatus"], "RUNNING")
        self.assertEqual(self.ecs.list_tasks()["taskArns"], [arn])
        # Each run read the count the one before left in the writable layer, and wrote to one log.
        self.assertEqual([line for line in self.logs(arn).stdout.splitlines() if line.startswith("run ")],
                         ["run 0", "run 1", "run 2", "run 3"])
        stored = self.stored_container(arn, "main")
        self.assertEqual([e["exitCode"] for e in stored["restartExits"]], [3, 3, 3])
        self.assertEqual(stored["restarts"], 3)

    def test_ignored_exit_code_is_final_and_stops_the_task(self):
        self.register_raw("ignored", [{"name": "main", "command": ["sh", "-c", "sleep 2; exit 3"],
                                       "restartPolicy": {"enabled": True, "ignoredExitCodes": [3]}}])
        arn = self.run_task("ignored")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(task["stopCode"], "EssentialContainerExited")
        main = self.container(self.describe_raw(arn), "main")
        self.assertEqual(main["exitCode"], 3)
        self.assertEqual(main["restartCount"], 0)
        self.assertNotIn("lastRestartedAt", main)
        self.assertIn("exit code 3 is ignored by its restart policy", self.berth.log())

    def test_exit_within_the_attempt_period_is_final(self):
        self.register_raw("early", [{"name": "main", "command": ["sh", "-c", "exit 4"],
                                     "restartPolicy": {"enabled": True}}])
        arn = self.run_task("early")
        self.wait_status(arn, "STOPPED")
        main = self.container(self.describe_raw(arn), "main")
        self.assertEqual((main["exitCode"], main["restartCount"]), (4, 0))

    def test_stopped_task_is_not_restarted(self):
        self.register_raw("stopped", [{"name": "main", "restartPolicy": {"enabled": True},
                                       "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]}])
        arn = self.run_task("stopped")
        self.wait_status(arn, "RUNNING")
        time.sleep(1.5)  # past the period: only the stop keeps it from restarting
        self.ecs.stop_task(task=arn, reason="maintenance")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(task["stopCode"], "UserInitiated")
        main = self.container(self.describe_raw(arn), "main")
        self.assertEqual((main["exitCode"], main["restartCount"]), (0, 0))

    def test_container_that_exited_while_berth_was_down_is_restarted(self):
        self.register_raw("down", [{"name": "main", "command": counting_crasher(1),
                                    "restartPolicy": {"enabled": True}}])
        arn = self.run_task("down")
        runtime_id = self.container(self.wait_status(arn, "RUNNING"), "main")["runtimeId"]
        self.berth.stop()
        exit_file = os.path.join(self.berth.dir, "run", "containers", runtime_id, "exit.json")
        wait_for(lambda: os.path.exists(exit_file), timeout=10, what="the container to exit")
        self.berth.start()
        self.ecs = self.berth.boto3()
        self.wait_restarts(arn, 1, timeout=30)
        # The restart is recorded when runc has started the container, before its shell prints.
        wait_for(lambda: "run 1" in self.logs(arn).stdout.splitlines(), timeout=10, what="the restarted run's line")
        self.assertEqual(self.berth.container_status(runtime_id), "running")
