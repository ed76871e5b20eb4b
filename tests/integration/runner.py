"""Runs the integration tests and prints `integration: N passed, N failed` as its last line.

`runner.py DIR` discovers DIR/test_*.py and runs the modules in BERTH_TEST_JOBS worker processes
(default: one per CPU; each test starts its own berth in its own directories, and most of the
suite's time is aws CLI processes, so a second core nearly halves it). The modules in
SHARED_HOST_NETWORK attach tasks to the host's one bridge or publish host ports, so they run one
after another in a single worker. `runner.py DIR NAME...` runs the named modules, classes or tests
in this process, one after another.

Before the last line it prints where the time went (each module's total and the slowest tests),
so a slow suite shows its cause in every log."""
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

SLOWEST_SHOWN = 12

# Tasks of these modules share host-wide network state: the bridge (each berth keeps its own IP
# allocations on it), published host ports and the loopback guard's iptables rule.
SHARED_HOST_NETWORK = ("test_networking", "test_auth", "test_js_sdk", "test_doctor", "test_container_links",
                       "test_cli_verbs")


class TimedResult(unittest.TextTestResult):
    """Records each test's wall time, and charges the gap before a test (its class's setUpClass,
    the previous class's tearDownClass) to the test's module."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.test_seconds = {}
        self.module_seconds = collections.defaultdict(float)
        self._last_stop = time.monotonic()
        self._started = None

    def startTest(self, test):
        now = time.monotonic()
        self.module_seconds[type(test).__module__] += now - self._last_stop
        self._started = now
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        now = time.monotonic()
        seconds = now - self._started
        self.test_seconds[test.id()] = seconds
        self.module_seconds[type(test).__module__] += seconds
        self._last_stop = now


class Outcome:
    """What one run (in process, or a worker's) adds to the summary."""

    def __init__(self, passed=0, failed=0, module_seconds=None, test_seconds=None):
        self.passed, self.failed = passed, failed
        self.module_seconds = dict(module_seconds or {})
        self.test_seconds = dict(test_seconds or {})

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.module_seconds.update(other.module_seconds)
        self.test_seconds.update(other.test_seconds)

    def to_json(self):
        return {"passed": self.passed, "failed": self.failed,
                "module_seconds": self.module_seconds, "test_seconds": self.test_seconds}


def run_in_process(here, names):
    if names:
        suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    else:
        suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=TimedResult).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    if result.testsRun == 0:
        failed += 1  # a name that matched nothing is a failure, not an empty success
    return Outcome(passed, failed, result.module_seconds, result.test_seconds)


def worker_units(here, last_seconds):
    """The suite cut into units a worker runs whole (the shared-network modules together, every
    other module alone), longest first so the long ones start early and the short ones fill the
    gaps. How long is the last run's time (`last_seconds`, by module) or, for a module not
    timed yet, its file's size as a rough guess."""
    modules = sorted(name[:-3] for name in os.listdir(here) if name.startswith("test_") and name.endswith(".py"))
    shared = [m for m in modules if m in SHARED_HOST_NETWORK]
    units = ([shared] if shared else []) + [[m] for m in modules if m not in SHARED_HOST_NETWORK]
    timed = all(m in last_seconds for m in modules)

    def expected(unit):
        if timed:
            return sum(last_seconds[m] for m in unit)
        return sum(os.path.getsize(os.path.join(here, m + ".py")) for m in unit)
    return sorted(units, key=lambda unit: -expected(unit))


def read_last_seconds(path):
    try:
        with open(path) as f:
            seconds = json.load(f)
        return {str(k): float(v) for k, v in seconds.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def jobs_wanted():
    text = os.environ.get("BERTH_TEST_JOBS", "")
    if not text:
        return os.cpu_count() or 1
    if not text.isdigit() or not 1 <= int(text) <= 16:
        raise SystemExit("BERTH_TEST_JOBS must be a whole number from 1 to 16, not %r" % text)
    return int(text)


def run_in_workers(here, jobs, work_dir, last_seconds):
    """Runs each unit in a child `runner.py` (at most `jobs` at once) and prints each child's
    output whole when it ends, so the log reads like a serial run's."""
    pending = worker_units(here, last_seconds)
    running = []
    started = 0
    total = Outcome()
    while pending or running:
        while pending and len(running) < jobs:
            unit = pending.pop(0)
            index, started = started, started + 1
            out_path = os.path.join(work_dir, "%02d.json" % index)
            log = open(os.path.join(work_dir, "%02d.log" % index), "w+")
            child = subprocess.Popen([sys.executable, os.path.abspath(__file__), here, "--outcome", out_path] + unit,
                                     stdout=log, stderr=subprocess.STDOUT)
            running.append((child, log, out_path, unit))
        time.sleep(0.1)
        for entry in [e for e in running if e[0].poll() is not None]:
            child, log, out_path, unit = entry
            running.remove(entry)
            log.seek(0)
            sys.stdout.write(log.read())
            log.close()
            try:
                with open(out_path) as f:
                    total.add(Outcome(**json.load(f)))
            except (OSError, ValueError):
                sys.stdout.write("worker for %s ended (exit %d) without a result\n" % (" ".join(unit), child.returncode))
                total.failed += 1
            sys.stdout.flush()
    return total


def print_timings(outcome, stream):
    stream.write("time by module (s):\n")
    for module, seconds in sorted(outcome.module_seconds.items(), key=lambda item: -item[1]):
        stream.write("  %7.1f  %s\n" % (seconds, module))
    stream.write("slowest tests (s):\n")
    for test_id, seconds in sorted(outcome.test_seconds.items(), key=lambda item: -item[1])[:SLOWEST_SHOWN]:
        stream.write("  %7.1f  %s\n" % (seconds, test_id))


def main():
    here = sys.argv[1]
    sys.path.insert(0, here)
    args = sys.argv[2:]
    if args[:1] == ["--outcome"]:  # a worker: run these names, leave the outcome for the parent
        outcome = run_in_process(here, args[2:])
        with open(args[1], "w") as f:
            json.dump(outcome.to_json(), f)
        return 0
    started = time.monotonic()
    jobs = jobs_wanted()
    if args or jobs == 1:
        outcome = run_in_process(here, args)
    else:
        # Module times of the last whole run (BERTH_TEST_TIMINGS, tests/integration/run.sh puts
        # it in the build directory) order this run's units.
        timings_path = os.environ.get("BERTH_TEST_TIMINGS", "")
        with tempfile.TemporaryDirectory(prefix="berth-it-workers-") as work_dir:
            outcome = run_in_workers(here, jobs, work_dir, read_last_seconds(timings_path) if timings_path else {})
        if timings_path and outcome.failed == 0:
            with open(timings_path + ".new", "w") as f:
                json.dump(outcome.module_seconds, f)
            os.replace(timings_path + ".new", timings_path)
    print_timings(outcome, sys.stdout)
    print("wall time: %.1f s with %d worker(s)" % (time.monotonic() - started, 1 if args else jobs))
    print("integration: %d passed, %d failed" % (outcome.passed, outcome.failed))
    return 0 if outcome.failed == 0 and outcome.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
