"""TLS benchmarks: signed DescribeTaskDefinition over TLS with keep-alive vs the same over plain
HTTP, TLS handshake time (full and resumed) vs a TCP connect, and berth's RSS with 50 idle TLS
connections vs 50 idle plain ones. Every figure has its baseline measured in the same run."""
import json
import os
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import TARGET, request, row, rss_kib, start_berth  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import read_credentials, sign_headers  # noqa: E402

TASK_DEFINITION = {"family": "python-app", "networkMode": "bridge", "containerDefinitions": [
    {"name": "webapp", "cpu": 100, "memory": 100, "image": "pythonwebapp:latest",
     "portMappings": [{"protocol": "tcp", "containerPort": 8080, "hostPort": 80}], "essential": True}]}
DESCRIBE_BODY = '{"taskDefinition":"python-app"}'
IDLE_CONNECTIONS = 50


def start(tmp, tls, auth=None):
    """berth with TLS and SigV4 on, or plain HTTP with authentication off (the baseline) or on."""
    os.makedirs(tmp, exist_ok=True)
    config = tmp + "/berth.conf"
    auth = tls if auth is None else auth
    with open(config, "w") as f:
        f.write("BERTH_TLS=%s\nBERTH_AUTH=%s\n" % ("on" if tls else "off", "sigv4" if auth else "off"))
    return start_berth(tmp, (), config)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait()


def credentials(data_dir):
    """The admin key berth wrote to the data dir at its first start, or None while there is none."""
    path = os.path.join(data_dir, "credentials")
    return read_credentials(path) if os.path.exists(path) else None


def signed_headers(port, data_dir, scheme="https"):
    """SigV4 headers for the DescribeTaskDefinition request, computed once: SigV4 accepts the same
    signed request again for 5 minutes, so wrk can replay it. None without credentials."""
    creds = credentials(data_dir)
    if creds is None:
        return None
    host = "127.0.0.1:%d" % port
    headers = sign_headers("POST", "%s://%s/" % (scheme, host), DESCRIBE_BODY.encode(), {
        "X-Amz-Target": TARGET + "DescribeTaskDefinition", "Content-Type": "application/x-amz-json-1.1",
        "Host": host}, creds)
    return {k: v for k, v in headers.items() if k.lower() in ("authorization", "x-amz-date", "host")}


def wrk_rps(url, headers, seconds=5, threads=2, connections=8):
    env = dict(os.environ, BERTH_ACTION="DescribeTaskDefinition", BERTH_BODY=DESCRIBE_BODY)
    args = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "-s", "tests/bench/describe.lua"]
    for name, value in (headers or {}).items():
        args += ["-H", "%s: %s" % (name, value)]
    out = subprocess.run(args + [url], env=env, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0, \
        errors.group(1) if errors else ""


def cpu_seconds(pid):
    """User + system CPU time berth has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def register_over_tls(port, cert, data_dir):
    """RegisterTaskDefinition over https with boto3, signed with the data dir's key."""
    import boto3
    creds = credentials(data_dir) or ("unsigned", "unsigned", "local")
    client = boto3.client("ecs", endpoint_url="https://127.0.0.1:%d" % port, region_name=creds[2], verify=cert,
                          aws_access_key_id=creds[0], aws_secret_access_key=creds[1])
    client.register_task_definition(**TASK_DEFINITION)


def handshake_cpu(pid, port, context, rounds=200):
    """berth's CPU seconds per full and per resumed handshake: what one costs its event loop."""
    session = None
    before = cpu_seconds(pid)
    for _ in range(rounds):
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as s:
                session = s.session
    full = (cpu_seconds(pid) - before) / rounds
    before = cpu_seconds(pid)
    for _ in range(rounds):
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with context.wrap_socket(raw, server_hostname="localhost", session=session):
                pass
    return full, (cpu_seconds(pid) - before) / rounds


def handshake_times(port, context, rounds=200):
    """Median seconds: TCP connect alone, full TLS handshake, resumed (session ticket) handshake."""
    connects, full, resumed = [], [], []
    session = None
    for _ in range(rounds):
        t0 = time.perf_counter()
        raw = socket.create_connection(("127.0.0.1", port))
        t1 = time.perf_counter()
        s = context.wrap_socket(raw, server_hostname="localhost")
        t2 = time.perf_counter()
        connects.append(t1 - t0)
        full.append(t2 - t1)
        session = s.session
        s.close()
        raw = socket.create_connection(("127.0.0.1", port))
        t3 = time.perf_counter()
        s = context.wrap_socket(raw, server_hostname="localhost", session=session)
        t4 = time.perf_counter()
        assert s.session_reused, "the session was not resumed"
        resumed.append(t4 - t3)
        s.close()
    return statistics.median(connects), statistics.median(full), statistics.median(resumed)


def idle_rss_growth(pid, port, context):
    """KiB berth's RSS grows by with IDLE_CONNECTIONS idle connections (TLS when `context`)."""
    before = rss_kib(pid)
    held = []
    for _ in range(IDLE_CONNECTIONS):
        raw = socket.create_connection(("127.0.0.1", port))
        held.append(context.wrap_socket(raw, server_hostname="localhost") if context else raw)
    time.sleep(0.5)
    after = rss_kib(pid)
    for s in held:
        s.close()
    return before, after


def main():
    tmp_root = tempfile.mkdtemp(prefix="berth-tls-bench-")
    try:
        plain, plain_port = start(tmp_root + "/plain", tls=False)
        tls, tls_port = start(tmp_root + "/tls", tls=True)
        cert = tmp_root + "/tls/data/tls/cert.pem"
        context = ssl.create_default_context(cafile=cert)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        body = json.dumps(TASK_DEFINITION).encode()
        assert request(plain_port, "RegisterTaskDefinition", body).startswith(b"HTTP/1.1 200")
        register_over_tls(tls_port, cert, tmp_root + "/tls/data")

        print("== throughput: DescribeTaskDefinition over TLS (keep-alive, 8 conns) vs plain HTTP")
        stop(tls)  # one server at a time on the shared cores
        plain_rps, bad, errors = wrk_rps("http://127.0.0.1:%d/" % plain_port, None)
        assert bad == 0, "plain: %d non-2xx (%s)" % (bad, errors)
        stop(plain)
        tls, tls_port = start(tmp_root + "/tls", tls=True)
        headers = signed_headers(tls_port, tmp_root + "/tls/data")
        label = "signed " if headers else "unsigned "
        tls_rps, bad, errors = wrk_rps("https://127.0.0.1:%d/" % tls_port, headers)
        assert bad == 0, "tls: %d non-2xx (%s)" % (bad, errors)
        row(label + "DescribeTaskDefinition over TLS", tls_rps, "plain HTTP, no auth", plain_rps, "req/s",
            ">= 0.7")
        if headers:
            # What signing alone costs: the same signed request over plain HTTP.
            stop(tls)
            signed, signed_port = start(tmp_root + "/tls", tls=False, auth=True)
            signed_rps, bad, errors = wrk_rps("http://127.0.0.1:%d/" % signed_port,
                                              signed_headers(signed_port, tmp_root + "/tls/data", "http"))
            assert bad == 0, "signed plain: %d non-2xx (%s)" % (bad, errors)
            stop(signed)
            row("signed DescribeTaskDefinition over TLS", tls_rps, "signed, plain HTTP", signed_rps, "req/s")
            row("signed, plain HTTP", signed_rps, "plain HTTP, no auth", plain_rps, "req/s")
            tls, tls_port = start(tmp_root + "/tls", tls=True)

        print("== TLS handshake (TLS 1.2, ECDHE-ECDSA P-256), median of 200, vs a TCP connect")
        connect, full, resumed = handshake_times(tls_port, context)
        row("full handshake", full * 1000, "TCP connect", connect * 1000, "ms")
        row("resumed handshake (session ticket)", resumed * 1000, "full handshake", full * 1000, "ms")
        full_cpu, resumed_cpu = handshake_cpu(tls.pid, tls_port, context)
        row("berth CPU per resumed handshake", resumed_cpu * 1000, "per full handshake", full_cpu * 1000, "ms")

        print("== RSS with %d idle connections: TLS vs plain" % IDLE_CONNECTIONS)
        tls_before, tls_after = idle_rss_growth(tls.pid, tls_port, context)
        stop(tls)
        plain, plain_port = start(tmp_root + "/plain", tls=False)
        plain_before, plain_after = idle_rss_growth(plain.pid, plain_port, None)
        stop(plain)
        row("berth RSS, %d idle TLS conns" % IDLE_CONNECTIONS, tls_after / 1024, "before them", tls_before / 1024,
            "MiB")
        row("RSS growth per idle TLS conn", (tls_after - tls_before) / IDLE_CONNECTIONS, "per idle plain conn",
            max(plain_after - plain_before, 1) / IDLE_CONNECTIONS, "KiB")
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)


if __name__ == "__main__":
    main()
