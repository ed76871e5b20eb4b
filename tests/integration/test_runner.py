"""The integration runner itself (runner.py): how it cuts the suite into worker units, and that
every worker's passes and failures reach the summary line and the timings file. Runs small
throw-away modules, no berth."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import runner

PASSING = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        pass\n"
FAILING = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_broken(self):\n        self.fail('as meant')\n"


class RunnerTestCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="berth-runner-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.suite = os.path.join(self.dir, "suite")
        os.mkdir(self.suite)

    def module(self, name, text=PASSING, padding=0):
        with open(os.path.join(self.suite, name + ".py"), "w") as f:
            f.write(text + "#" * padding + "\n")


class WorkerUnitsTest(RunnerTestCase):
    def test_shared_network_modules_are_one_unit_and_the_last_times_put_the_longest_first(self):
        for name in ("test_networking", "test_auth", "test_a", "test_b"):
            self.module(name)
        units = runner.worker_units(self.suite, {"test_networking": 1, "test_auth": 2, "test_a": 5, "test_b": 30})
        self.assertEqual(units, [["test_b"], ["test_a"], ["test_auth", "test_networking"]])

    def test_a_module_without_a_last_time_makes_file_sizes_decide(self):
        self.module("test_a", padding=5000)
        self.module("test_b")
        self.assertEqual(runner.worker_units(self.suite, {"test_b": 100}), [["test_a"], ["test_b"]])
        self.assertEqual(runner.read_last_seconds(os.path.join(self.dir, "missing.json")), {})


class WorkersTest(RunnerTestCase):
    def run_suite(self):
        env = dict(os.environ, BERTH_TEST_JOBS="2", BERTH_TEST_TIMINGS=os.path.join(self.dir, "timings.json"))
        return subprocess.run([sys.executable, runner.__file__, self.suite], env=env, capture_output=True,
                              text=True, timeout=120)

    def test_two_workers_add_up_every_modules_passes_and_failures(self):
        self.module("test_a")
        self.module("test_b", PASSING + FAILING.replace("class T", "class U"))
        self.module("test_networking")
        out = self.run_suite()
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertEqual(out.stdout.splitlines()[-1], "integration: 3 passed, 1 failed")
        self.assertIn("with 2 worker(s)", out.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "timings.json")))  # a failed run's times are not kept

        self.module("test_b")
        out = self.run_suite()
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertEqual(out.stdout.splitlines()[-1], "integration: 3 passed, 0 failed")
        with open(os.path.join(self.dir, "timings.json")) as f:
            self.assertEqual(sorted(json.load(f)), ["test_a", "test_b", "test_networking"])


if __name__ == "__main__":
    unittest.main()
