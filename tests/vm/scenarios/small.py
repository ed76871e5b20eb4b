"""A 128 MiB gateway (tests/vm/scenario.sh small). The first boot, with 2 GiB, installs berth from
its .deb with apt and imports busybox, as a gateway's image is flashed; the second, with -m 128
(Debian's kernel leaves 79 MiB) asks for 5 busybox tasks, leaves them to start while only a
shell waits (tests/vm/scenarios/small-wait.sh), then checks 5 busybox tasks in bridge mode, one with a published port; reports berth's RSS,
the per-container monitors' RSS, the guest's free memory, and checks that nothing was OOM-killed."""
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from vmlib import Checks, api_up, ecs, import_busybox, install_berth, process_rss_kib, run, say, wait_until

CLUSTER = "default"
TASKS = 5
PUBLISHED_PORT = 8080
INSTALLED = "/var/lib/berth-vm/small-installed"
STARTED = "/var/lib/berth-vm/small-started.json"


def meminfo():
    with open("/proc/meminfo") as f:
        return {line.split(":")[0]: int(line.split()[1]) for line in f}


def running(arns):
    tasks = ecs("DescribeTasks", {"cluster": CLUSTER, "tasks": arns})["tasks"]
    return len(tasks) == len(arns) and all(t["lastStatus"] == "RUNNING" for t in tasks)


def install(checks):
    if install_berth(checks):
        code, output = import_busybox()
        if checks.check("busybox imported into the local store", code == 0, output[-300:]):
            os.makedirs(os.path.dirname(INSTALLED), exist_ok=True)
            with open(INSTALLED, "w") as f:
                f.write("installed\n")
                os.fsync(f.fileno())
    return checks.summary()


def start_tasks(checks):
    """Asks for the tasks, then hands over to small-wait.sh: this process's ~10 MiB are a third of
    what a 128 MiB guest has left, and the gateway would not be running it."""
    memory = meminfo()
    say(f"MemTotal {memory['MemTotal'] // 1024} MiB, MemAvailable {memory['MemAvailable'] // 1024} MiB at the start")
    checks.check("berth answers after the boot", wait_until(api_up, 300))
    # Placed by the 8 MiB reservation (79 MiB registered cannot take 5 × 16); 16 MiB hard limit.
    container = {"name": "app", "image": "busybox", "memory": 16, "memoryReservation": 8, "essential": True,
                 "command": ["sh", "-c", "echo small gateway > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]}
    ecs("RegisterTaskDefinition", {"family": "published", "networkMode": "bridge", "containerDefinitions": [
        dict(container, portMappings=[{"containerPort": 8080, "hostPort": PUBLISHED_PORT}])]})
    ecs("RegisterTaskDefinition", {"family": "plain", "networkMode": "bridge", "containerDefinitions": [container]})
    arns = [t["taskArn"] for t in ecs("RunTask", {"cluster": CLUSTER, "taskDefinition": "published"})["tasks"]]
    arns += [t["taskArn"] for t in ecs("RunTask", {"cluster": CLUSTER, "taskDefinition": "plain",
                                                     "count": TASKS - 1})["tasks"]]
    with open(STARTED, "w") as f:
        json.dump({"arns": arns, "passed": checks.passed, "failed": checks.failed}, f)
    wait = os.path.join(os.path.dirname(os.path.abspath(__file__)), "small-wait.sh")
    os.execv("/bin/sh", ["sh", wait, str(TASKS), str(PUBLISHED_PORT), sys.executable, os.path.abspath(__file__)])


def main():
    checks = Checks()
    if not os.path.exists(INSTALLED):
        return install(checks)
    if not os.path.exists(STARTED):
        return start_tasks(checks)
    with open(STARTED) as f:
        started = json.load(f)
    arns, checks.passed, checks.failed = started["arns"], started["passed"], started["failed"]
    ok = wait_until(lambda: running(arns), 600)
    checks.check(f"{TASKS} bridge tasks run", len(arns) == TASKS and ok, f"{len(arns)} started")
    if not ok:
        for task in ecs("DescribeTasks", {"cluster": CLUSTER, "tasks": arns})["tasks"]:
            say(f"{task['taskArn'].rsplit('/', 1)[1]}: {task['lastStatus']} {task.get('stoppedReason', '')}")
        say(run(["journalctl", "--no-pager", "-b", "-n", "30", "-u", "berth"])[1])
    page = wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{PUBLISHED_PORT}/", timeout=5).read(), 60)
    checks.check("the published port serves the task's page", page == b"small gateway\n", repr(page))

    berth = process_rss_kib("berth")
    serve = [pid for pid in berth if "serve" in open(f"/proc/{pid}/cmdline").read()]
    memory = meminfo()
    if serve:
        rss, hwm = berth[serve[0]]
        others = [v[0] for pid, v in berth.items() if pid != serve[0]]
        say(f"berth serve RSS {rss / 1024:.1f} MiB (peak {hwm / 1024:.1f} MiB); "
            f"{len(others)} other berth processes (container monitors) {sum(others) / 1024:.1f} MiB in all")
    say(f"MemTotal {memory['MemTotal'] // 1024} MiB, MemAvailable {memory['MemAvailable'] // 1024} MiB, "
        f"MemFree {memory['MemFree'] // 1024} MiB with {TASKS} tasks running")
    say("free -m: " + " | ".join(run(["free", "-m"])[1].strip().splitlines()))
    checks.check("berth serve is running", serve)
    kernel_log = run(["dmesg"])[1]
    # The global killer logs "Out of memory: Killed process", a container's limit "Memory cgroup
    # out of memory: Killed process": both count.
    kills = [line for line in kernel_log.splitlines() if "out of memory" in line.lower() or "oom-kill" in line]
    checks.check("nothing was OOM-killed", not kills, "; ".join(kills[:3]))
    checks.check("berth.service never restarted",
                 run(["systemctl", "show", "-p", "NRestarts", "--value", "berth"])[1].strip() == "0")
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
