"""Runtime benchmarks: RunTask → RUNNING against a bare `runc run -d` of an equivalent bundle,
shim memory per container, and berth's memory with 50 running containers."""
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

BERTH = os.path.abspath("build/x86_64-linux-gnu/berth")
IMAGE = os.path.abspath("build/images/busybox.tar")
TARGET = "AmazonEC2ContainerServiceV20141113."


def call(port, action, body):
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=json.dumps(body).encode(),
                                 headers={"X-Amz-Target": TARGET + action}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def proc_kib(pid, file, key):
    with open("/proc/%d/%s" % (pid, file)) as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def pss_kib(pid):
    return proc_kib(pid, "smaps_rollup", "Pss:")


def rss_kib(pid):
    return proc_kib(pid, "status", "VmRSS:")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def row(name, value, baseline_name, baseline, unit, budget=""):
    print("%-46s %10.2f %-4s | %-34s %10.2f %-4s | ratio %6.2f%s" % (
        name, value, unit, baseline_name, baseline, unit, value / baseline if baseline else float("nan"),
        " | budget " + budget if budget else ""), flush=True)


def serve(tmp, extra_config=""):
    """Imports the busybox image into <tmp>/data and starts `berth serve` there (unsigned calls:
    these benchmarks measure containers; tls_bench.py measures what auth costs), with
    `extra_config` lines added to its config. Returns the process and its API port."""
    data = tmp + "/data"
    subprocess.run([BERTH, "image", "import", IMAGE, "--config", "/dev/null", "--data-dir", data],
                   check=True, stdout=subprocess.DEVNULL)
    config = tmp + "/berth.conf"
    with open(config, "w") as f:
        f.write("ECS_CONTAINER_STOP_TIMEOUT=1s\nBERTH_AUTH=off\n" + extra_config)
    log = open(tmp + "/log", "w")
    proc = subprocess.Popen([BERTH, "serve", "--config", config, "--data-dir", data, "--run-dir", tmp + "/run",
                             "--socket", tmp + "/run/berth.sock", "--listen", "127.0.0.1:0"], stdout=log, stderr=log)
    for _ in range(1000):
        text = open(tmp + "/log").read()
        if "API ready on http://127.0.0.1:" in text:
            return proc, int(text.split("API ready on http://127.0.0.1:")[1].split()[0])
        time.sleep(0.01)
    raise RuntimeError("berth did not get ready: " + open(tmp + "/log").read())


def stop_and_clean(proc, tmp):
    """Stops berth (if it started), removes the containers it left and everything under `tmp`."""
    if proc:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    out = subprocess.run(["runc", "--root", tmp + "/run/runc", "list", "-q"], capture_output=True, text=True)
    for cid in out.stdout.split():
        subprocess.run(["runc", "--root", tmp + "/run/runc", "delete", "--force", cid])
    subprocess.run("umount -l %s/data/bundles/*/rootfs %s/bare*/rootfs 2>/dev/null" % (tmp, tmp), shell=True)
    shutil.rmtree(tmp, ignore_errors=True)


def bare_runc_starts(rootfs, template, tmp, n):
    """`runc run -d` of the bundle berth generated (same config.json: seccomp, limits,
    mounts), over an overlay of the same image root."""
    times = []
    root = tmp + "/runc-bare"
    for i in range(n):
        bundle = "%s/bare%d" % (tmp, i)
        for d in ("upper", "work", "rootfs"):
            os.makedirs(bundle + "/" + d)
        subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                        "lowerdir=%s,upperdir=%s/upper,workdir=%s/work" % (rootfs, bundle, bundle), bundle + "/rootfs"],
                       check=True)
        config = json.loads(json.dumps(template))
        config["root"]["path"] = bundle + "/rootfs"
        config["linux"]["cgroupsPath"] = "/berth-bench/bare%d" % i
        with open(bundle + "/config.json", "w") as f:
            json.dump(config, f)
        t0 = time.perf_counter()
        subprocess.run(["runc", "--root", root, "run", "-d", "--bundle", bundle, "bare%d" % i],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
        subprocess.run(["runc", "--root", root, "delete", "--force", "bare%d" % i], check=True)
        subprocess.run(["umount", bundle + "/rootfs"], check=True)
    return times


def start_latencies(port, family, n, data):
    """RunTask -> RUNNING times of `n` tasks of `family`, each stopped after; and the first
    task's OCI config.json (read before it stops, as the bare-runc baseline's template)."""
    times, template = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        arn = call(port, "RunTask", {"taskDefinition": family})["tasks"][0]["taskArn"]
        while call(port, "DescribeTasks", {"tasks": [arn]})["tasks"][0]["lastStatus"] != "RUNNING":
            time.sleep(0.002)
        times.append(time.perf_counter() - t0)
        if template is None:
            with open("%s/bundles/%s-main/config.json" % (data, arn.rsplit("/", 1)[1])) as f:
                template = json.load(f)
        call(port, "StopTask", {"task": arn})
    return times, template


def main():
    tmp = tempfile.mkdtemp(prefix="berth-rtbench-")
    proc = None
    try:
        data = tmp + "/data"
        proc, port = serve(tmp)
        call(port, "RegisterTaskDefinition", {"family": "sleeper", "networkMode": "host", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 1, "command": ["sleep", "3600"]}]})

        print("== start latency: RunTask -> RUNNING vs bare `runc run -d` (20 each, same image, overlay root)")
        berth_times, template = start_latencies(port, "sleeper", 20, data)
        image_root = [os.path.join(data, "images", d, "rootfs") for d in os.listdir(data + "/images")
                      if os.path.isdir(os.path.join(data, "images", d, "rootfs"))][0]
        bare = bare_runc_starts(image_root, template, tmp, 20)
        row("RunTask -> RUNNING p50", statistics.median(berth_times) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms", "<= 1.25x")
        row("RunTask -> RUNNING p95", percentile(berth_times, 95) * 1000, "runc run -d p95",
            percentile(bare, 95) * 1000, "ms")

        print("== bridge networking: RunTask -> RUNNING of a bridge task (CNI bridge + portmap, dynamic port) vs a host task")
        call(port, "RegisterTaskDefinition", {"family": "bridged", "networkMode": "bridge", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 1, "command": ["sleep", "3600"],
             "portMappings": [{"containerPort": 8080}]}]})
        bridge_times, _ = start_latencies(port, "bridged", 20, data)
        host_times, _ = start_latencies(port, "sleeper", 20, data)
        row("bridge task RunTask -> RUNNING p50", statistics.median(bridge_times) * 1000, "host task p50",
            statistics.median(host_times) * 1000, "ms")

        print("== service: a container's death to its replacement RUNNING vs bare `runc run -d`")
        call(port, "CreateService", {"serviceName": "bench", "taskDefinition": "sleeper", "desiredCount": 1})
        replacements = []
        for _ in range(5):
            def live():
                arns = call(port, "ListTasks", {"serviceName": "bench"})["taskArns"]
                tasks = call(port, "DescribeTasks", {"tasks": arns})["tasks"] if arns else []
                return [t for t in tasks if t["lastStatus"] == "RUNNING"]
            deadline = time.time() + 30
            while not live() and time.time() < deadline:
                time.sleep(0.01)
            victim = live()[0]["taskArn"]
            # Tasks that die within 10 s count as failures to start and get throttled: kill a
            # task that has run longer, as a real crash would.
            time.sleep(10.5)
            t0 = time.perf_counter()
            subprocess.run(["runc", "--root", tmp + "/run/runc", "kill", victim.rsplit("/", 1)[1] + "-main", "KILL"],
                           check=True)
            while not [t for t in live() if t["taskArn"] != victim]:
                time.sleep(0.005)
            replacements.append(time.perf_counter() - t0)
        call(port, "UpdateService", {"service": "bench", "desiredCount": 0})
        call(port, "DeleteService", {"service": "bench"})
        row("death -> replacement RUNNING p50", statistics.median(replacements) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms")

        print("== memory with 50 running containers")
        idle_rss = rss_kib(proc.pid)
        arns = []
        for _ in range(5):
            arns += [t["taskArn"] for t in call(port, "RunTask", {"taskDefinition": "sleeper", "count": 10})["tasks"]]
        deadline = time.time() + 120
        while time.time() < deadline:
            tasks = []
            for i in range(0, len(arns), 100):
                tasks += call(port, "DescribeTasks", {"tasks": arns[i:i + 100]})["tasks"]
            if len(tasks) == 50 and all(t["lastStatus"] == "RUNNING" for t in tasks):
                break
            time.sleep(0.2)
        time.sleep(1)
        shim_rss, shim_pss = [], []
        state = tmp + "/run/containers"
        for cid in os.listdir(state):
            try:
                with open(os.path.join(state, cid, "shim.pid")) as f:
                    pid = int(f.read())
                shim_rss.append(rss_kib(pid))
                shim_pss.append(pss_kib(pid))
            except (OSError, ValueError):
                pass
        sleep_proc = subprocess.Popen(["sleep", "30"])
        time.sleep(0.2)
        row("shim RSS per running container (mean of %d)" % len(shim_rss), statistics.mean(shim_rss) / 1024,
            "RSS of a sleeping `sleep` process", rss_kib(sleep_proc.pid) / 1024, "MiB", "<= 1 MB")
        row("shim PSS per running container (shared code split)", statistics.mean(shim_pss) / 1024,
            "PSS of a sleeping `sleep` process", pss_kib(sleep_proc.pid) / 1024, "MiB")
        sleep_proc.kill()
        row("berth RSS with 50 running containers", rss_kib(proc.pid) / 1024, "berth RSS idle", idle_rss / 1024, "MiB")
        with open("/proc/%d/io" % proc.pid) as f:
            before = int([l for l in f if l.startswith("write_bytes")][0].split()[1])
        time.sleep(10)
        with open("/proc/%d/io" % proc.pid) as f:
            written = int([l for l in f if l.startswith("write_bytes")][0].split()[1]) - before
        print("%-46s %10d B    | (containers' own logs aside)                          | budget 0 B" % (
            "berth disk writes, 50 tasks running, 10 s", written), flush=True)
        for arn in arns:
            call(port, "StopTask", {"task": arn})
        deadline = time.time() + 60
        while time.time() < deadline and any(
                t["lastStatus"] != "STOPPED" for i in range(0, len(arns), 100)
                for t in call(port, "DescribeTasks", {"tasks": arns[i:i + 100]})["tasks"]):
            time.sleep(0.5)
    finally:
        stop_and_clean(proc, tmp)


if __name__ == "__main__":
    main()
