"""Load balancing benchmark: new connections per second and request latency (p50, p99) through a
network (TCP) listener — the kernel's DNAT spreading connections over 3 busybox httpd tasks on
dynamic host ports — and through an application (HTTP) listener — berth's in-process proxy — against
the baseline of connecting straight to one task's host port, in the same run; and berth's CPU time
(utime + stime of the daemon, /proc/PID/stat) during each run, idle beside it. Each request is one
new connection (HTTP/1.0 GET of a 6-byte page, read to the close). Two kinds of run: closed loop
(WORKERS client processes as fast as they go) and paced (RATE connections/s in all, the issue's
"berth CPU while 1,000 connections/s flow through it"). Interleaved, twice each, the best round of
each kept: the machine is shared. Starts real containers: run it under
`flock /tmp/berth-containers.lock`. Usage: python3 tests/bench/lb_bench.py [SECONDS [WORKERS [RATE]]]
(default 5, 4, 1000)."""
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import http.client
import xml.etree.ElementTree as ET

from runtime_bench import call, percentile, serve, stop_and_clean

NLB_PORT = 18180
ALB_PORT = 18181
# Its own bridge and subnet (one no other bridge of the tests routes), so that nothing of other
# runs is in the way.
BRIDGE_CONFIG = "BERTH_BRIDGE_NAME=berth-lbb0\nBERTH_BRIDGE_SUBNET=10.213.47.0/24\n"
REQUEST = b"GET /index.html HTTP/1.0\r\nHost: bench\r\n\r\n"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def elb_call(port, action, params):
    """One unsigned ELBv2 query call; its reply's XML with the namespaces taken off the tags."""
    body = urllib.parse.urlencode(dict(params, Action=action, Version="2015-12-01"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    resp = conn.getresponse()
    text = resp.read().decode()
    conn.close()
    if resp.status != 200:
        raise RuntimeError("%s: HTTP %d: %s" % (action, resp.status, text[:300]))
    return ET.fromstring(re.sub(r' xmlns="[^"]+"', "", text, count=1))


def target_group(port, name, protocol):
    reply = elb_call(port, "CreateTargetGroup", {
        "Name": name, "Protocol": protocol, "Port": "80", "TargetType": "instance",
        "HealthCheckProtocol": "HTTP", "HealthCheckPath": "/index.html", "HealthCheckIntervalSeconds": "5", "HealthCheckTimeoutSeconds": "2",
        "HealthyThresholdCount": "2"})
    arn = reply.find(".//TargetGroupArn").text
    elb_call(port, "ModifyTargetGroupAttributes", {"TargetGroupArn": arn, "Attributes.member.1.Key":
             "deregistration_delay.timeout_seconds", "Attributes.member.1.Value": "0"})
    return arn


def listener(port, name, kind, protocol, listener_port, group_arn):
    lb = elb_call(port, "CreateLoadBalancer", {"Name": name, "Type": kind}).find(".//LoadBalancerArn").text
    elb_call(port, "CreateListener", {"LoadBalancerArn": lb, "Protocol": protocol, "Port": str(listener_port),
                                      "DefaultActions.member.1.Type": "forward",
                                      "DefaultActions.member.1.TargetGroupArn": group_arn})
    return lb


def healthy_ports(port, group_arn):
    reply = elb_call(port, "DescribeTargetHealth", {"TargetGroupArn": group_arn})
    return [int(d.find("Target/Port").text) for d in reply.iter("member")
            if d.find("TargetHealth/State") is not None and d.find("TargetHealth/State").text == "healthy"]


def wait(what, predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError("timed out waiting for " + what)


def one_request(port):
    """One new connection, one GET read to the close; its latency in seconds (None: it failed)."""
    start = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(REQUEST)
            with s.makefile("rb") as reply:
                data = reply.read()
    except OSError:
        return None
    if not data.startswith(b"HTTP/1.") or data.split(None, 2)[1] != b"200":
        return None
    return time.perf_counter() - start


def client(port, seconds, rate, out):
    """A load generator process: as fast as it goes (rate 0) or `rate` connections/s, paced from
    its start; puts (latencies, failures) on `out`."""
    latencies, failures = [], 0
    start = time.perf_counter()
    n = 0
    while True:
        now = time.perf_counter()
        if now - start >= seconds:
            break
        if rate:
            due = start + n / rate
            if due > now:
                time.sleep(due - now)
        n += 1
        latency = one_request(port)
        if latency is None:
            failures += 1
        else:
            latencies.append(latency)
    out.put((latencies, failures))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def run(port, seconds, workers, rate, berth_pid):
    """One run of `workers` clients on `port`: connections/s, p50 and p99 in ms, failures, berth's
    CPU share of one core."""
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=client, args=(port, seconds, rate / workers if rate else 0, out))
             for _ in range(workers)]
    cpu_before, wall_before = cpu_seconds(berth_pid), time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join()
    cpu = cpu_seconds(berth_pid) - cpu_before
    wall = time.perf_counter() - wall_before
    latencies = sorted(l for got, _ in results for l in got)
    failures = sum(f for _, f in results)
    if not latencies:
        raise RuntimeError("no request on port %d succeeded" % port)
    return {"rate": len(latencies) / wall, "p50": percentile(latencies, 50) * 1000,
            "p99": percentile(latencies, 99) * 1000, "max": latencies[-1] * 1000, "failures": failures, "cpu": cpu / wall,
            "cpu_per_k": cpu * 1000 / len(latencies) * 1000}


def setup(api):
    tcp_group = target_group(api, "bench-tcp", "TCP")
    http_group = target_group(api, "bench-http", "HTTP")
    lbs = [listener(api, "bench-net", "network", "TCP", NLB_PORT, tcp_group),
           listener(api, "bench-app", "application", "HTTP", ALB_PORT, http_group)]
    page = "mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www"
    call(api, "RegisterTaskDefinition", {"family": "web", "networkMode": "bridge", "containerDefinitions": [
        {"name": "web", "image": "busybox", "memory": 32, "stopTimeout": 1, "command": ["sh", "-c", page],
         "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]})
    call(api, "CreateService", {"serviceName": "web", "taskDefinition": "web", "desiredCount": 3,
                                "loadBalancers": [{"targetGroupArn": g, "containerName": "web", "containerPort": 8080}
                                                  for g in (tcp_group, http_group)]})
    try:
        ports = wait("3 healthy targets in each group", lambda: (lambda t, h: t if len(t) == 3 and len(h) == 3 else None)(
            healthy_ports(api, tcp_group), healthy_ports(api, http_group)))
    except RuntimeError:
        health = ET.tostring(elb_call(api, "DescribeTargetHealth", {"TargetGroupArn": tcp_group}), encoding="unicode")
        tasks = call(api, "ListTasks", {"desiredStatus": "STOPPED"})["taskArns"][:3]
        reasons = [t.get("stoppedReason") for t in call(api, "DescribeTasks", {"tasks": tasks})["tasks"]] if tasks else []
        raise RuntimeError("no 3 healthy targets: %s; stopped tasks: %s" % (health, reasons))
    return lbs, ports[0]


def teardown(api, lbs):
    """Deletes the service (its tasks drain, then stop) and the load balancers (their rules leave
    the kernel), so nothing of the run stays behind berth."""
    arns = call(api, "ListTasks", {"serviceName": "web"})["taskArns"]
    call(api, "DeleteService", {"service": "web", "force": True})
    wait("the tasks to stop", lambda: arns and all(
        t["lastStatus"] == "STOPPED" for t in call(api, "DescribeTasks", {"tasks": arns})["tasks"]), timeout=60)
    for lb in lbs:
        elb_call(api, "DeleteLoadBalancer", {"LoadBalancerArn": lb})
    wait("the listener rules to go", lambda: "berth listener %d" % NLB_PORT not in subprocess.run(
        ["iptables-save", "-t", "nat"], capture_output=True, text=True).stdout, timeout=20)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 1000
    tmp = tempfile.mkdtemp(prefix="berth-lb-bench-")
    proc = lbs = None
    api = 0
    try:
        proc, api = serve(tmp, BRIDGE_CONFIG)
        lbs, direct = setup(api)
        paths = (("direct to one task's host port", direct), ("network listener (kernel DNAT, 3 tasks)", NLB_PORT),
                 ("application listener (berth proxy, 3 tasks)", ALB_PORT))
        for _, port in paths:  # warm up: every path answers before anything is measured
            run(port, 1, workers, 0, proc.pid)
        best = {}
        idle = None
        for _ in range(2):
            before, wall = cpu_seconds(proc.pid), time.perf_counter()
            time.sleep(seconds)
            share = (cpu_seconds(proc.pid) - before) / (time.perf_counter() - wall)
            idle = share if idle is None else min(idle, share)
            for mode, mode_rate in (("closed", 0), ("paced", rate)):
                for name, port in paths:
                    got = run(port, seconds, workers, mode_rate, proc.pid)
                    key = (mode, name)
                    if key not in best or got["rate"] > best[key]["rate"]:
                        best[key] = got
        print("== load balancing: new connection per request, %d client processes, %.0f s each, best of 2"
              % (workers, seconds))
        print("berth idle (health checks every 5 s, 6 targets): %.2f%% of a core" % (idle * 100))
        for mode, title in (("closed", "closed loop (as fast as the clients go)"),
                            ("paced", "paced at %.0f connections/s" % rate)):
            print("-- " + title)
            base = best[(mode, paths[0][0])]
            for name, _ in paths:
                r = best[(mode, name)]
                print("%-44s %6.0f conn/s (%.2fx)  p50 %5.2f ms (%.2fx)  p99 %6.2f ms (%.2fx)  max %6.0f ms  "
                      "failed %d  berth CPU %5.2f%% of a core, %6.1f ms per 1000 conns" % (
                          name + ":", r["rate"], r["rate"] / base["rate"], r["p50"], r["p50"] / base["p50"],
                          r["p99"], r["p99"] / base["p99"], r["max"], r["failures"], r["cpu"] * 100, r["cpu_per_k"]))
    except Exception:
        if proc:  # what berth said, for the failure's cause
            print("".join(open(tmp + "/log").readlines()[-30:]), file=sys.stderr)
        raise
    finally:
        if lbs:
            try:
                teardown(api, lbs)
            except Exception as e:  # still stop berth and clean up below
                print("teardown: %s" % e, file=sys.stderr)
        stop_and_clean(proc, tmp)


if __name__ == "__main__":
    main()
