"""A gateway's life, in two boots of the same VM (tests/vm/scenario.sh gateway):

Boot 1: berth is installed with `apt install ./berth_*.deb`, the README's quick start runs against
the service systemd started, a replica service of two bridge tasks and a DAEMON service reach
their counts, the network is cut, and the guest reboots (a real reboot).
Boot 2: with no network, berth comes back by itself and both services return to their counts
with tasks started after the boot, from images in the local store. It reports the time from the
kernel's start to berth answering and to both services steady."""
import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from vmlib import (ROOT, Checks, ecs, import_busybox, install_berth, run, say, service_counts,
                   steady, uptime, wait_until, api_up)

STATE = "/var/lib/berth-vm/gateway.json"
CLUSTER = "default"
SERVICES = ["web", "agentd"]


def quick_start_commands():
    """The first sh block under the README's `## Quick start`."""
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme.split("\n## Quick start\n", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def physical_links():
    return sorted(n for n in os.listdir("/sys/class/net") if os.path.exists(f"/sys/class/net/{n}/device"))


def link_state(name):
    with open(f"/sys/class/net/{name}/operstate") as f:
        return f.read().strip()


def network_is_cut(checks):
    default = run(["ip", "route", "show", "default"])[1].strip()
    checks.check("no default route", default == "", default)
    for link in physical_links():
        addresses = run(["ip", "-o", "addr", "show", "dev", link])[1].strip()
        checks.check(f"{link} is down with no address", link_state(link) == "down" and addresses == "",
                     f"{link_state(link)} {addresses}")


def first_boot(checks):
    if not install_berth(checks):
        return 1
    code, output = run(["sh", "-ec", quick_start_commands()], env=dict(os.environ, HOME="/root"))
    checks.check("the README's quick start runs against the installed berth", code == 0,
                 output[-600:] if code else "")
    code, output = run(["berth", "doctor"])
    checks.check("berth doctor finds the gateway ready", code == 0, output[-600:] if code else "")
    code, output = import_busybox()
    checks.check("busybox imported into the local store", code == 0, output[-300:])

    ecs("RegisterTaskDefinition", {
        "family": "web", "networkMode": "bridge",
        "containerDefinitions": [{
            "name": "httpd", "image": "busybox", "memory": 32, "essential": True,
            "command": ["sh", "-c", "echo served by $(hostname) > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"],
            "portMappings": [{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}]}]})
    ecs("RegisterTaskDefinition", {
        "family": "agentd", "networkMode": "host",
        "containerDefinitions": [{"name": "agent", "image": "busybox", "memory": 16, "essential": True,
                                  "command": ["sleep", "1000000"]}]})
    ecs("CreateService", {"cluster": CLUSTER, "serviceName": "web", "taskDefinition": "web", "desiredCount": 2})
    ecs("CreateService", {"cluster": CLUSTER, "serviceName": "agentd", "taskDefinition": "agentd",
                          "schedulingStrategy": "DAEMON"})
    ok = wait_until(lambda: steady(CLUSTER, SERVICES), 600)
    checks.check("both services reach their counts", ok, str(wait_until(lambda: service_counts(CLUSTER, SERVICES), 5)))

    for link in physical_links():
        run(["ip", "addr", "flush", "dev", link])
        run(["ip", "link", "set", "dev", link, "down"])
    network_is_cut(checks)
    say("rebooting")
    os.makedirs(os.path.dirname(STATE), exist_ok=True)
    with open(STATE, "w") as f:
        json.dump({"passed": checks.passed, "failed": checks.failed}, f)
        f.flush()
        os.fsync(f.fileno())
    return 100


def service_tasks(name):
    arns = ecs("ListTasks", {"cluster": CLUSTER, "serviceName": name, "desiredStatus": "RUNNING"})["taskArns"]
    return ecs("DescribeTasks", {"cluster": CLUSTER, "tasks": arns})["tasks"] if arns else []


def steady_since(boot_epoch):
    """Both services at their counts with tasks of this boot: the tasks recorded RUNNING before
    the reboot count until berth sees that their containers are gone."""
    return steady(CLUSTER, SERVICES) and all(
        t["lastStatus"] == "RUNNING" and t.get("startedAt", 0) > boot_epoch
        for name in SERVICES for t in service_tasks(name))


def second_boot(checks, state):
    checks.passed, checks.failed = state["passed"], state["failed"]
    boot_epoch = time.time() - uptime()
    api_at = wait_until(lambda: api_up() and uptime(), 300, 0.2)
    steady_at = wait_until(lambda: steady_since(boot_epoch) and uptime(), 600, 0.2)
    checks.check("berth answers after the reboot, started by systemd", api_at,
                 run(["systemctl", "is-active", "berth"])[1].strip())
    checks.check("both services are back to their counts with tasks started after the boot", steady_at,
                 str(wait_until(lambda: service_counts(CLUSTER, SERVICES), 5)))
    network_is_cut(checks)

    tasks = service_tasks("web")
    started = [t.get("startedAt", 0) for t in tasks]
    checks.check("the web tasks were started after this boot", len(tasks) == 2 and all(s > boot_epoch for s in started),
                 f"{len(tasks)} tasks, started {started}, boot at {boot_epoch:.0f}")
    pages = []
    for task in tasks:
        port = task["containers"][0]["networkBindings"][0]["hostPort"]
        pages.append(wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read(), 60))
    checks.check("each web task serves its page on its host port", len(pages) == 2 and all(pages), str(pages))
    images = run(["berth", "image", "ls"])[1]
    checks.check("the tasks' image is in the local store (no registry is reachable)", "busybox" in images, images.strip())
    started = run(["systemctl", "show", "-p", "ExecMainStartTimestampMonotonic", "--value", "berth"])[1].strip()
    if api_at and steady_at and started.isdigit():
        say(f"from the kernel's start: systemd starts berth at {int(started) / 1e6:.1f} s, berth answers at "
            f"{api_at:.1f} s, both services steady at {steady_at:.1f} s")
    if checks.failed:
        say(run(["journalctl", "--no-pager", "-b", "-n", "80", "-u", "berth"])[1])
    return checks.summary()


def main():
    checks = Checks()
    if os.path.exists(STATE):
        with open(STATE) as f:
            return second_boot(checks, json.load(f))
    code = first_boot(checks)
    if code != 100:
        return checks.summary() or 1
    return code


if __name__ == "__main__":
    sys.exit(main())
