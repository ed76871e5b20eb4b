"""Container logs into the CloudWatch Logs store, end to end through a real berth: (1) a busybox
container printing LINES lines as fast as it can (`seq`): lines/s from RUNNING until the last one
is stored (awslogs; or until nothing more arrives for 3 s, with the fraction stored: a flood can
outrun the shim's rotated files) against the same container with json-file, from RUNNING until it exited (its
output written to the shim's file: the baseline), in the same run; berth's bytes written per text
byte; (2) 10 containers logging about 1,000 lines/s each for WINDOW seconds: berth's CPU (% of one
core) and RSS with awslogs against the same containers with json-file. Usage: python3
tests/bench/logs_bench.py [LINES [WINDOW]] (default 300000, 30; run as root, under the containers
lock)."""
import sys
import tempfile
import time
import http.client
import json

from metrics_bench import cpu_seconds, describe_all, write_bytes
from runtime_bench import call, rss_kib, serve, stop_and_clean

LOGS_TARGET = "Logs_20140328."
# About 1,000 lines a second: 100 echos, then a tenth of a second's sleep.
STEADY = "while true; do i=0; while [ $i -lt 100 ]; do echo \"steady line $i of a chatty container\"; i=$((i+1)); done; usleep 100000; done"


def logs_call(port, action, body):
    return json_call(port, LOGS_TARGET, action, body)


def json_call(port, target_prefix, action, body):
    """One unsigned JSON 1.1 call (`target_prefix` + `action`) to berth on `port`; its reply."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/", json.dumps(body).encode(), {"X-Amz-Target": target_prefix + action,
                                                          "Content-Type": "application/x-amz-json-1.1"})
    resp = conn.getresponse()
    text = resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError("%s: HTTP %d: %s" % (action, resp.status, text[:300]))
    return json.loads(text)


def register(port, family, driver, command):
    container = {"name": "main", "image": "busybox", "memory": 64, "stopTimeout": 1, "command": ["sh", "-c", command]}
    if driver == "awslogs":
        container["logConfiguration"] = {"logDriver": "awslogs", "options": {
            "awslogs-group": "bench/" + family, "awslogs-stream-prefix": "b", "awslogs-create-group": "true"}}
    else:
        container["logConfiguration"] = {"logDriver": "json-file"}
    call(port, "RegisterTaskDefinition", {"family": family, "networkMode": "host", "containerDefinitions": [container]})


def wait_all(port, arns, status, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(t["lastStatus"] == status for t in describe_all(port, arns)):
            return time.monotonic()
        time.sleep(0.02)
    raise RuntimeError("tasks did not reach " + status)


def stored_bytes(port, group):
    try:
        streams = logs_call(port, "DescribeLogStreams", {"logGroupName": group})["logStreams"]
    except RuntimeError:
        return 0  # the group is made at the first line
    return sum(s.get("storedBytes", 0) for s in streams)


def burst(port, lines):
    text_bytes = sum(len(str(i)) for i in range(1, lines + 1))
    register(port, "burst-file", "json-file", "seq 1 %d" % lines)
    register(port, "burst-logs", "awslogs", "seq 1 %d; exec sleep 600" % lines)
    arn = call(port, "RunTask", {"taskDefinition": "burst-file"})["tasks"][0]["taskArn"]
    t0 = wait_all(port, [arn], "RUNNING")
    file_s = wait_all(port, [arn], "STOPPED") - t0
    arn = call(port, "RunTask", {"taskDefinition": "burst-logs"})["tasks"][0]["taskArn"]
    t0 = wait_all(port, [arn], "RUNNING")
    written0 = write_bytes(port_pid[0])
    # Until every line is stored, or nothing more arrives for 3 s (a flood that outran the shim's
    # rotated files loses what they no longer hold: the fraction stored says how much).
    last, last_change = 0, time.monotonic()
    while True:
        stored = stored_bytes(port, "bench/burst-logs")
        now = time.monotonic()
        if stored != last:
            last, last_change = stored, now
        if stored >= text_bytes or now - last_change > 3:
            break
        time.sleep(0.02)
    store_s = last_change - t0
    time.sleep(2)  # the last batch's flush
    written = write_bytes(port_pid[0]) - written0
    call(port, "StopTask", {"task": arn})
    wait_all(port, [arn], "STOPPED")
    return file_s, store_s, text_bytes, written, last


def steady(port, driver, window):
    family = "steady-" + driver
    register(port, family, driver, STEADY)
    arns = [t["taskArn"] for t in call(port, "RunTask", {"taskDefinition": family, "count": 10})["tasks"]]
    wait_all(port, arns, "RUNNING")
    time.sleep(5)
    cpu0, t0 = cpu_seconds(port_pid[0]), time.monotonic()
    time.sleep(window)
    cpu1, t1 = cpu_seconds(port_pid[0]), time.monotonic()
    rss = rss_kib(port_pid[0]) / 1024
    streams = 0
    if driver == "awslogs":
        streams = len(logs_call(port, "DescribeLogStreams", {"logGroupName": "bench/" + family})["logStreams"])
    for arn in arns:
        call(port, "StopTask", {"task": arn})
    wait_all(port, arns, "STOPPED")
    return 100.0 * (cpu1 - cpu0) / (t1 - t0), rss, streams


port_pid = [0]


def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
    window = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    tmp = tempfile.mkdtemp(prefix="berth-logsbench-")
    proc = None
    try:
        proc, port = serve(tmp, "BERTH_METRICS_INTERVAL=0\nBERTH_LOGS_MAX_BYTES=1073741824\n")
        port_pid[0] = proc.pid
        print("== container logs: %d lines as fast as a container prints them" % lines, flush=True)
        file_s, store_s, text_bytes, written, stored = burst(port, lines)
        print("%-44s %10.0f lines/s %6.2f MB/s | json-file, RUNNING to exit %10.0f lines/s | ratio %5.2f" % (
            "awslogs, RUNNING to the last line stored", lines * stored / text_bytes / store_s, stored / store_s / 1e6,
            lines / file_s, file_s / store_s), flush=True)
        print("%-44s %9.1f %% of the text bytes" % ("stored", 100.0 * stored / text_bytes), flush=True)
        print("%-44s %10.2f bytes written by berth per text byte (%d B for %d B)" % (
            "", written / text_bytes, written, text_bytes), flush=True)
        print("== 10 containers logging ~1,000 lines/s each, %d s" % window, flush=True)
        logs_cpu, logs_rss, streams = steady(port, "awslogs", window)
        file_cpu, file_rss, _ = steady(port, "json-file", window)
        print("%-44s %8.2f %% of one core, RSS %6.2f MiB (%d streams) | json-file %8.2f %%, RSS %6.2f MiB" % (
            "berth CPU, awslogs", logs_cpu, logs_rss, streams, file_cpu, file_rss), flush=True)
    finally:
        stop_and_clean(proc, tmp)


if __name__ == "__main__":
    main()
