"""Runtime benchmarks: RunTask → RUNNING against a bare `runc run -d` of an equivalent bundle
(with where berth's start spends its time), StopTask → STOPPED against a bare `runc kill` and the
container's exit, a service's replacement of a dead container, shim memory per container, and
berth's memory with 50 running containers; podman's start, stop and conmon beside them when it is
installed (podman_peer.py). `--latency` runs the latency sections alone."""
import http.client
import json
import select
import sys
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

import podman_peer

BERTH = os.path.abspath(os.environ.get("BERTH_BENCH_BIN", "build/x86_64-linux-gnu/berth"))
IMAGE = os.path.abspath("build/images/busybox.tar")
DOCKER_IMAGE = os.path.abspath("build/images/busybox-docker.tar")  # the same image as a `docker save` archive, for podman
PEER_RUNS = 10
# Interleaved starts of each kind. On two cores one start takes a tenth more or less than the next,
# so the ratio of two p50s of 20 ranged from 1.02 to 1.15 over ten benchmark runs of 2026-12-05
# while berth's own part stayed at 2.5 to 3.2 ms: mostly the p50s' own sampling error. At 40 each
# it still ranged from 1.03 to 1.12 over five runs of 2026-12-06 with the own part at 3.9 to 4.3
# ms, the runc in berth's shim against the bare runc alone from 0.97 to 1.07; 80 each cuts that
# error to 0.7 of it again (1/sqrt(2)), for about 25 s more.
START_RUNS = 80
TARGET = "AmazonEC2ContainerServiceV20141113."


# One keep-alive connection per port: a poll every 2 ms over a fresh connection each time would
# take a good part of a core from the runc it waits on (and from the bare runs it is compared to).
CONNECTIONS = {}


def call(port, action, body, before_reply=None):
    """`action`'s reply, decoded; `before_reply` (if any) is called between sending the request and
    reading its reply."""
    while True:
        reused = port in CONNECTIONS
        conn = CONNECTIONS.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        CONNECTIONS[port] = conn
        try:
            conn.request("POST", "/", json.dumps(body).encode(), {"X-Amz-Target": TARGET + action})
            if before_reply:
                before_reply()
            resp = conn.getresponse()
            text = resp.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # A kept-alive connection the server closed meanwhile: once more on a new one.
            conn.close()
            CONNECTIONS.pop(port, None)
            if not reused:
                raise
            continue
        if resp.status != 200:
            raise RuntimeError("%s: HTTP %d: %s" % (action, resp.status, text[:500]))
        return json.loads(text)


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


def anonymous_kib(pid):
    """Memory of the process's own (heap, stacks), not its shared code: what its work grows."""
    return proc_kib(pid, "smaps_rollup", "Anonymous:")


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
    # Both runc roots on tmpfs, as on a gateway: berth's run dir is /run/berth and a bare runc's
    # root /run/runc, and /run is a tmpfs wherever systemd boots (this machine's is not).
    for d in (tmp + "/run", tmp + "/runc-bare"):
        os.makedirs(d, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", d], check=True)
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
    # berth's containers and any bare run a failure left (their records are on the tmpfs below).
    for root in (tmp + "/run/runc", tmp + "/runc-bare"):
        out = subprocess.run(["runc", "--root", root, "list", "-q"], capture_output=True, text=True)
        for cid in out.stdout.split():
            subprocess.run(["runc", "--root", root, "delete", "--force", cid])
    # Bundles' roots, bare runs' roots and the network namespaces of bridge tasks.
    subprocess.run("umount -l %s/data/bundles/*/rootfs %s/bare*/rootfs %s/run/netns/* 2>/dev/null" % (tmp, tmp, tmp),
                   shell=True)
    subprocess.run("umount -l %s/run %s/runc-bare 2>/dev/null" % (tmp, tmp), shell=True)
    shutil.rmtree(tmp, ignore_errors=True)


def bare_bundle(rootfs, template, tmp, name):
    """<tmp>/<name>: an overlay of `rootfs` and `template` (berth's config.json) pointed at it,
    in a cgroup of its own. Returns the bundle's path."""
    bundle = "%s/%s" % (tmp, name)
    for d in ("upper", "work", "rootfs"):
        os.makedirs(bundle + "/" + d)
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=%s,upperdir=%s/upper,workdir=%s/work" % (rootfs, bundle, bundle), bundle + "/rootfs"],
                   check=True)
    config = json.loads(json.dumps(template))
    config["root"]["path"] = bundle + "/rootfs"
    config["linux"]["cgroupsPath"] = "/berth-bench/" + name
    with open(bundle + "/config.json", "w") as f:
        json.dump(config, f)
    return bundle


def bare_runc_starts(rootfs, template, tmp, n, first=0):
    """`runc run -d` of the bundle berth generated (same config.json: seccomp, limits,
    mounts), over an overlay of the same image root; the containers are numbered from `first`."""
    times = []
    root = tmp + "/runc-bare"
    for i in range(first, first + n):
        bundle = bare_bundle(rootfs, template, tmp, "bare%d" % i)
        t0 = time.perf_counter()
        subprocess.run(["runc", "--root", root, "run", "-d", "--bundle", bundle, "bare%d" % i],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
        subprocess.run(["runc", "--root", root, "delete", "--force", "bare%d" % i], check=True)
        subprocess.run(["umount", bundle + "/rootfs"], check=True)
    return times


# How often the benchmark asks for a task's status while berth starts or stops it. The figures end
# at berth's own record (recorded(), from its start trace), not at the poll that sees it, so the
# polls only have to end the wait; they must not take CPU from the runc being measured: bare
# `runc run -d` runs of berth's config.json took 1.09x as long at p50 while a client polled
# DescribeTasks every 5 ms (30 interleaved runs each, quiet machine, 2026-12-04,
# README, Performance), which the bare baseline never paid. Even at 50 ms one poll fell inside
# most starts: with runc keeping both cores busy, the client's and berth's 0.9 ms of CPU for it
# (perf sched, 20 starts, 2026-12-05) was taken from the start measured. So a start's first
# poll comes after FIRST_POLL_S, when nearly every start is over (as `aws ecs wait`, which polls
# every 6 s, would find it).
POLL_S = 0.05
FIRST_POLL_S = 0.15


def wait_status(port, arn, status):
    """Polls DescribeTasks every POLL_S, the first at once, until `arn`'s lastStatus is `status`."""
    while call(port, "DescribeTasks", {"tasks": [arn]})["tasks"][0]["lastStatus"] != status:
        time.sleep(POLL_S)


def recorded(log_path, spans, phase):
    """For each (task id, sent, seen) of `spans`: the time from `sent` to when berth recorded
    `phase` of the task (its start trace: the moment DescribeTasks would answer it), or to `seen`
    (the client's poll) when it has no trace of it."""
    traces = start_traces(log_path)
    return [traces.get(task_id, {}).get(phase, seen) - sent for task_id, sent, seen in spans]


def start_latencies(port, family, n, run_dir, spans=None, first_poll_s=FIRST_POLL_S):
    """RunTask -> RUNNING times of `n` tasks of `family` as the client sees them (its first poll
    after `first_poll_s`), each stopped and removed after; and the first task's OCI config.json
    (read before it stops, as the bare-runc baseline's template). With `spans`, each task's (id,
    request sent, RUNNING seen) on the monotonic clock is added to it."""
    times, template = [], None
    for _ in range(n):
        t0 = time.monotonic()
        # The reply (its fsync done) comes while runc runs; reading it took 0.4 ms of the client's
        # CPU (http.client and json, p50 of 15, 2026-12-06), taken from that runc as a poll's is
        # (see POLL_S). So the client reads it when its first poll is due.
        arn = call(port, "RunTask", {"taskDefinition": family},
                   before_reply=lambda: time.sleep(first_poll_s))["tasks"][0]["taskArn"]
        wait_status(port, arn, "RUNNING")
        t1 = time.monotonic()
        times.append(t1 - t0)
        task_id = arn.rsplit("/", 1)[1]
        if spans is not None:
            spans.append((task_id, t0, t1))
        if template is None:
            with open("%s/containers/%s-main/config.json" % (run_dir, task_id)) as f:
                template = json.load(f)
        call(port, "StopTask", {"task": arn})
        wait_removed(port, arn, run_dir)
    return times, template


def wait_removed(port, arn, run_dir):
    """Waits until the stopped task's container is gone (STOPPED, then runc's record deleted by
    berth's removal worker), as each bare run's is before the next: a removal running beside the
    next start would be measured as part of it."""
    wait_status(port, arn, "STOPPED")
    record = "%s/runc/%s-main" % (run_dir, arn.rsplit("/", 1)[1])
    deadline = time.monotonic() + 30
    while os.path.exists(record) and time.monotonic() < deadline:
        time.sleep(0.005)


# The start's phases as berth traces them (common/start_trace.hpp, at debug level), in order, each
# with the span that ends there: the request goes out at "sent" and the start is recorded at "saved".
START_PHASES = [
    ("committed", "API: decode, place, commit (fsync)"),
    ("pass", "agent wake-up"),
    ("image", "image lookup"),
    ("prepared", "task cgroup"),
    ("bundle", "spec, bundle dirs, overlay, config.json"),
    ("runc_began", "shim exec, fork, pipes"),
    ("runc_ended", "runc run -d (in the shim)"),
    ("reported", "shim: pid file, attach socket, report"),
    ("saved", "state commit (RUNNING)"),
]


def start_traces(log_path):
    """{key: {phase: monotonic seconds}} from berth's start-trace lines (the first of each)."""
    traces = {}
    with open(log_path) as f:
        for line in f:
            words = line.split()
            if len(words) == 5 and words[1] == "start-trace":
                traces.setdefault(words[2], {}).setdefault(words[3], int(words[4]) / 1e6)
    return traces


# A service's replacement of a dead container: the old task's phases, then the new one's.
REPLACE_PHASES = [
    ("old", "exit_seen", "SIGKILL, the shim's exit record seen"),
    ("old", "stopped", "agent: exit, cleanup, STOPPED saved"),
    ("new", "committed", "service scheduler: place, commit (fsync)"),
    ("new", "pass", "agent wake-up"),
    ("new", "saved", "the start, to RUNNING saved"),
    ("new", "seen", "client sees it (ListTasks + DescribeTasks)"),
]


def phase_stamps(traces, task_id, sent, seen):
    """The trace stamps of `task_id` (its containers' too) with the client's own."""
    stamps = {"sent": sent, "seen": seen}
    for key, phases in traces.items():
        if key == task_id or key.startswith(task_id + "-"):
            stamps.update(phases)
    return stamps


def print_breakdown(rows, runs, total_label):
    """Prints the p50 (and p95) of each phase: `rows` are (label, label's spans in seconds),
    `runs` the whole spans."""
    for what, spans in rows:
        if spans:
            print("  %-44s %8.2f ms  (p95 %6.2f)" % (what, statistics.median(spans) * 1000,
                                                     percentile(spans, 95) * 1000), flush=True)
    print("  %-44s %8.2f ms" % (total_label, statistics.median(runs) * 1000), flush=True)


def durations_of(phases, stamps_of):
    """{label: [durations]}: each phase's time since the one before it that was traced."""
    durations = {what: [] for _, _, what in phases}
    for stamps in stamps_of:
        previous = ("old", "sent")
        for side, phase, what in phases:
            if (side, phase) in stamps and previous in stamps:
                durations[what].append(stamps[(side, phase)] - stamps[previous])
                previous = (side, phase)
    return [(what, durations[what]) for _, _, what in phases]


def start_breakdown(log_path, spans):
    """Prints the p50 of each phase of the starts in `spans` (see START_PHASES)."""
    traces = start_traces(log_path)
    stamps_of = [{("old", k): v for k, v in phase_stamps(traces, task_id, sent, seen).items()}
                 for task_id, sent, seen in spans]
    phases = [("old", phase, what) for phase, what in START_PHASES]
    # To berth's record, as the start's figure: the client's first poll comes long after it.
    print_breakdown(durations_of(phases, stamps_of), recorded(log_path, spans, "saved"),
                    "RunTask -> RUNNING recorded p50")


def replace_breakdown(log_path, spans):
    """Prints the p50 of each phase of the replacements in `spans`: (old task id, new task id,
    kill sent, new task RUNNING seen)."""
    traces = start_traces(log_path)
    stamps_of = []
    for old, new, sent, seen in spans:
        stamps = {("old", k): v for k, v in phase_stamps(traces, old, sent, seen).items()}
        stamps.update({("new", k): v for k, v in phase_stamps(traces, new, sent, seen).items()})
        stamps_of.append(stamps)
    print_breakdown(durations_of(REPLACE_PHASES, stamps_of), [seen - sent for _, _, sent, seen in spans],
                    "death -> replacement RUNNING p50")


def paired_rows(log_path, spans, starts, bare):
    """Each berth start against the bare run beside it (the one before it in the interleaving), as
    the median of those ratios: on a loaded machine the p50s of two series drift apart with the
    load, pairs much less. And the runc of berth's starts (its span in the shim) against the bare
    run: the part of the difference that is runc waiting for the CPU, not berth's own work."""
    traces = start_traces(log_path)
    # The first start (before any bare run) made the template; start k follows bare run k - 1.
    pairs, runc, own = [], [], []
    for (task_id, _, _), start, before in zip(spans[1:], starts[1:], bare):
        pairs.append(start / before)
        phases = traces.get(task_id + "-main", {})
        if "runc_began" in phases and "runc_ended" in phases:
            runc.append(phases["runc_ended"] - phases["runc_began"])
            own.append(start - runc[-1])
    if pairs:
        print("%-46s %10.2f      | (each start / the bare run before it, n=%d)" % (
            "RunTask -> RUNNING recorded, paired ratio p50", statistics.median(pairs), len(pairs)), flush=True)
    if runc:
        row("runc run -d in berth's shim p50", statistics.median(runc) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms")
        print("%-46s %10.2f ms   | (recorded minus its runc span, p50)" % (
            "berth's own part of a start", statistics.median(own) * 1000), flush=True)


def bare_runc_stops(rootfs, template, tmp, n, first=0):
    """`runc kill <id> TERM` of a bare container (the same config.json, its command one that exits
    on SIGTERM) and the wait for its init to exit (a pidfd polled: its parent is not us)."""
    times = []
    root = tmp + "/runc-bare"
    for i in range(first, first + n):
        cid = "bare-stop%d" % i
        bundle = bare_bundle(rootfs, template, tmp, cid)
        subprocess.run(["runc", "--root", root, "run", "-d", "--pid-file", bundle + "/pid", "--bundle", bundle, cid],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        with open(bundle + "/pid") as f:
            pidfd = os.pidfd_open(int(f.read()))
        time.sleep(0.2)  # as berth's task, which the bench stops after it runs: the trap is set
        t0 = time.monotonic()
        subprocess.run(["runc", "--root", root, "kill", cid, "TERM"], check=True)
        select.select([pidfd], [], [], 30)
        times.append(time.monotonic() - t0)
        os.close(pidfd)
        subprocess.run(["runc", "--root", root, "delete", "--force", cid], check=True)
        subprocess.run(["umount", bundle + "/rootfs"], check=True)
    return times


def stop_latencies(port, family, n, spans):
    """Stops `n` tasks of `family`, each RUNNING for 0.2 s first; adds each one's (id, StopTask
    sent, STOPPED seen) on the monotonic clock to `spans`."""
    for _ in range(n):
        arn = call(port, "RunTask", {"taskDefinition": family})["tasks"][0]["taskArn"]
        wait_status(port, arn, "RUNNING")
        time.sleep(0.2)
        t0 = time.monotonic()
        call(port, "StopTask", {"task": arn})
        wait_status(port, arn, "STOPPED")
        spans.append((arn.rsplit("/", 1)[1], t0, time.monotonic()))


def main():
    latency_only = "--latency" in sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="berth-rtbench-")
    proc = None
    try:
        data = tmp + "/data"
        # Debug level: berth traces each start's phases for the breakdown (a few log lines a task).
        proc, port = serve(tmp, "BERTH_LOG_LEVEL=debug\n")
        fresh_anonymous = anonymous_kib(proc.pid)
        call(port, "RegisterTaskDefinition", {"family": "sleeper", "networkMode": "host", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 1, "command": ["sleep", "3600"]}]})

        print("== start latency: RunTask -> RUNNING vs bare `runc run -d` (%d each, same image, overlay root)" % START_RUNS)
        # Interleaved, one of each in turn, so that the machine's load (other builds on these two
        # cores) weighs on both alike; the first task's config.json is the bare runs' template.
        spans = []
        _, template = start_latencies(port, "sleeper", 1, tmp + "/run", spans)
        image_root = [os.path.join(data, "images", d, "rootfs") for d in os.listdir(data + "/images")
                      if os.path.isdir(os.path.join(data, "images", d, "rootfs"))][0]
        bare = []
        for i in range(START_RUNS):
            bare += bare_runc_starts(image_root, template, tmp, 1, i)
            if i < START_RUNS - 1:
                start_latencies(port, "sleeper", 1, tmp + "/run", spans)
        starts = recorded(tmp + "/log", spans, "saved")
        # What a client polling from the start sees: ten more starts, apart from those measured above.
        berth_times = start_latencies(port, "sleeper", 10, tmp + "/run", first_poll_s=0)[0]
        row("RunTask -> RUNNING recorded p50", statistics.median(starts) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms", "<= 1.1x")
        paired_rows(tmp + "/log", spans, starts, bare)
        row("RunTask -> RUNNING recorded p95", percentile(starts, 95) * 1000, "runc run -d p95",
            percentile(bare, 95) * 1000, "ms")
        row("RunTask -> RUNNING, client polling 50 ms, p50", statistics.median(berth_times) * 1000,
            "runc run -d p50", statistics.median(bare) * 1000, "ms")
        print("-- where berth's starts spend their time (p50 of each phase; they add up to about the p50)")
        start_breakdown(tmp + "/log", spans)

        print("== stop latency: StopTask -> STOPPED vs bare `runc kill` + the init's exit (10 each, "
              "a container that exits at once on SIGTERM)")
        call(port, "RegisterTaskDefinition", {"family": "quitter", "networkMode": "host", "containerDefinitions": [
            {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 5,
             "command": podman_peer.EXITS_ON_SIGTERM}]})
        quitter = json.loads(json.dumps(template))
        quitter["process"]["args"] = podman_peer.EXITS_ON_SIGTERM
        stop_spans, bare_stops = [], []
        for i in range(10):
            stop_latencies(port, "quitter", 1, stop_spans)
            bare_stops += bare_runc_stops(image_root, quitter, tmp, 1, i)
        stops = recorded(tmp + "/log", stop_spans, "stopped")
        row("StopTask -> STOPPED p50", statistics.median(stops) * 1000, "runc kill + exit p50",
            statistics.median(bare_stops) * 1000, "ms", "<= runc + 50 ms")
        row("StopTask -> STOPPED p95", percentile(stops, 95) * 1000, "runc kill + exit p95",
            percentile(bare_stops, 95) * 1000, "ms")
        print("%-46s %10.2f ms" % ("StopTask -> STOPPED p50 minus runc's", (statistics.median(stops) - statistics.median(bare_stops)) * 1000))
        row("StopTask -> STOPPED seen by the client p50", statistics.median([b - a for _, a, b in stop_spans]) * 1000,
            "runc kill + exit p50", statistics.median(bare_stops) * 1000, "ms")

        print("== peer: podman (its own start and stop of the same image and command, %d each)" % PEER_RUNS)
        if podman_peer.available():
            podman_starts, podman_stops = podman_peer.measure(DOCKER_IMAGE, lambda peer: peer.start_stop_times(PEER_RUNS))
            row("RunTask -> RUNNING seen by the client p50", statistics.median(berth_times) * 1000,
                "podman run -d --runtime runc p50", statistics.median(podman_starts) * 1000, "ms")
            row("StopTask -> STOPPED seen by the client p50", statistics.median([b - a for _, a, b in stop_spans]) * 1000,
                "podman stop p50", statistics.median(podman_stops) * 1000, "ms")
        else:
            print("podman: not installed (apt-get install podman), its rows are skipped")

        if not latency_only:
            print("== bridge networking: RunTask -> RUNNING of a bridge task (CNI bridge + portmap, dynamic port) vs a host task")
            call(port, "RegisterTaskDefinition", {"family": "bridged", "networkMode": "bridge", "containerDefinitions": [
                {"name": "main", "image": "busybox", "memory": 8, "stopTimeout": 1, "command": ["sleep", "3600"],
                 "portMappings": [{"containerPort": 8080}]}]})
            # Seen by the client, polling from the start: a first poll at 150 ms would hide the
            # difference under its floor.
            bridge_times, _ = start_latencies(port, "bridged", 20, tmp + "/run", first_poll_s=0)
            host_times, _ = start_latencies(port, "sleeper", 20, tmp + "/run", first_poll_s=0)
            row("bridge task RunTask -> RUNNING p50", statistics.median(bridge_times) * 1000, "host task p50",
                statistics.median(host_times) * 1000, "ms")

        print("== service: a container's death to its replacement RUNNING vs bare `runc run -d`")
        call(port, "CreateService", {"serviceName": "bench", "taskDefinition": "sleeper", "desiredCount": 1})
        replacements, replaced = [], []
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
            # The death is the SIGKILL reaching the container's init, as a crash would be: sent
            # straight to its pid (found before), so that `runc kill`'s own start is not counted.
            state = subprocess.run(["runc", "--root", tmp + "/run/runc", "state", victim.rsplit("/", 1)[1] + "-main"],
                                   check=True, capture_output=True, text=True)
            init_pid = json.loads(state.stdout)["pid"]
            t0 = time.monotonic()
            os.kill(init_pid, signal.SIGKILL)
            while True:
                fresh = [t for t in live() if t["taskArn"] != victim]
                if fresh:
                    break
                time.sleep(0.005)
            t1 = time.monotonic()
            replacements.append(t1 - t0)
            replaced.append((victim.rsplit("/", 1)[1], fresh[0]["taskArn"].rsplit("/", 1)[1], t0, t1))
        call(port, "UpdateService", {"service": "bench", "desiredCount": 0})
        call(port, "DeleteService", {"service": "bench"})
        renewed = recorded(tmp + "/log", [(new, sent, seen) for _, new, sent, seen in replaced], "saved")
        row("death -> replacement RUNNING recorded p50", statistics.median(renewed) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms", "<= 2x")
        row("death -> replacement RUNNING recorded p95", percentile(renewed, 95) * 1000, "runc run -d p95",
            percentile(bare, 95) * 1000, "ms")
        row("death -> replacement RUNNING seen p50", statistics.median(replacements) * 1000, "runc run -d p50",
            statistics.median(bare) * 1000, "ms")
        print("-- where the replacements spend their time (p50 of each phase)")
        replace_breakdown(tmp + "/log", replaced)
        # Over the latency sections' 40-odd starts and stops: what berth's heap keeps of them
        # (malloc arenas, SQLite's page cache; see cli/serve_verb.cpp and store/db.cpp).
        row("berth anonymous memory after the latency sections", anonymous_kib(proc.pid) / 1024,
            "the same berth fresh", fresh_anonymous / 1024, "MiB")
        if latency_only:
            return

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
        if podman_peer.available():
            conmon_rss, conmon_pss = podman_peer.measure(DOCKER_IMAGE, lambda peer: peer.conmon_memory_kib(PEER_RUNS))
            row("shim PSS per running container", statistics.mean(shim_pss) / 1024,
                "conmon PSS (podman, mean of %d)" % PEER_RUNS, conmon_pss / 1024, "MiB", "<= conmon's")
            row("shim RSS per running container", statistics.mean(shim_rss) / 1024,
                "conmon RSS (podman, mean of %d)" % PEER_RUNS, conmon_rss / 1024, "MiB")
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
