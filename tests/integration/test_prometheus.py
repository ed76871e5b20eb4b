"""A real Prometheus (Debian's package) scrapes berth's GET /metrics with the scrape token
berth wrote to DATA-DIR/metrics.token; /metrics refuses callers without it; `berth stats` shows a
running task's container. The container series need the node sampler (BERTH_METRICS_INTERVAL)."""
import http.client
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import BERTH, TIME_SCALE, sign_headers
from test_tasks import TaskTestCase, wait_for

PROMETHEUS = "/usr/bin/prometheus"
EXPOSITION = "text/plain; version=0.0.4; charset=utf-8"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None):
    """Returns (status, body text, headers) of a GET."""
    request = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), dict(e.headers)


class PrometheusTest(TaskTestCase):
    # Readings every second, so a scrape finds the task's container soon after it starts.
    config_text = TaskTestCase.config_text + "BERTH_METRICS_INTERVAL=1\n"

    def token(self):
        with open(os.path.join(self.berth.data_dir, "metrics.token")) as f:
            return f.read().strip()

    def start_burner(self):
        """A busybox CPU burner held to a quarter of a core (task cpu 256): it shows CPU use
        without taking the machine."""
        self.register("burner", [{"name": "burn", "command": ["sh", "-c", "while :; do :; done"]}], cpu="256")
        arn = self.run_task("burner")
        self.wait_status(arn, "RUNNING")
        return arn, arn.rsplit("/", 1)[1]

    def start_prometheus(self):
        here = os.path.join(self.berth.dir, "prometheus")
        os.makedirs(here)
        config = os.path.join(here, "prometheus.yml")
        # JSON is YAML: Prometheus reads this as its configuration file.
        with open(config, "w") as f:
            json.dump({"global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
                       "scrape_configs": [{
                           "job_name": "berth", "metrics_path": "/metrics",
                           "authorization": {"type": "Bearer",
                                             "credentials_file": os.path.join(self.berth.data_dir, "metrics.token")},
                           "static_configs": [{"targets": ["127.0.0.1:%d" % self.berth.port]}]}]}, f)
        port = free_port()
        log = open(os.path.join(here, "prometheus.log"), "w")
        proc = subprocess.Popen([PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(here, "tsdb"),
                                 "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=log)
        log.close()
        self.addCleanup(lambda: (proc.kill(), proc.wait()))
        self.prometheus_log = os.path.join(here, "prometheus.log")
        return "http://127.0.0.1:%d" % port

    def query(self, prometheus, expression):
        """The result vector of an instant query, or None while Prometheus is not answering."""
        try:
            status, body, _ = http_get(prometheus + "/api/v1/query?query=" + urllib.parse.quote(expression))
        except urllib.error.URLError:  # not listening yet
            return None
        if status != 200:
            return None
        reply = json.loads(body)
        return reply["data"]["result"] if reply.get("status") == "success" else None

    def test_metrics_are_refused_without_the_token_or_a_signature(self):
        url = self.berth.endpoint + "/metrics"
        status, body, _ = http_get(url)
        self.assertEqual(status, 403, body)
        self.assertIn("MissingAuthenticationTokenException", body)
        status, body, _ = http_get(url, {"Authorization": "Bearer " + self.token() + "x"})
        self.assertEqual(status, 401, body)
        self.assertIn("UnrecognizedClientException", body)
        self.assertNotIn(self.token(), body)
        # The token opens /metrics only: elsewhere it is an Authorization header SigV4 cannot read.
        status, body, _ = http_get(self.berth.endpoint + "/v1/stats", {"Authorization": "Bearer " + self.token()})
        self.assertEqual(status, 400, body)
        self.assertIn("IncompleteSignatureException", body)
        status, body, headers = http_get(url, {"Authorization": "Bearer " + self.token()})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], EXPOSITION)
        self.assertIn("# TYPE berth_metric_store_containers gauge", body)
        # A signed caller (the admin key, signed for berth) and the unix socket's root get it too.
        signed = sign_headers("GET", url, b"", {}, self.berth.key, "berth")
        self.assertEqual(http_get(url, signed)[0], 200)
        self.assertEqual(http_get(url, sign_headers("GET", url, b"", {}, self.berth.key, "ecs"))[0], 400)
        status, body = self.unix_get("/metrics")
        self.assertEqual(status, 200)
        self.assertIn("berth_metric_store_series_bytes", body)

    def test_prometheus_scrapes_the_tasks_container_series(self):
        arn, task_id = self.start_burner()
        prometheus = self.start_prometheus()

        def scraped_up():
            up = self.query(prometheus, 'up{job="berth"}')
            return up and up[0]["value"][1] == "1"
        try:
            wait_for(scraped_up, timeout=60, interval=0.5, what="Prometheus to scrape berth with the token")
            series = wait_for(lambda: self.query(prometheus, 'berth_container_memory_usage_bytes{task="%s"}' % task_id),
                              timeout=60, interval=0.5, what="the task's memory series in Prometheus")
        except AssertionError:
            with open(self.prometheus_log) as f:
                raise AssertionError("Prometheus log:\n" + f.read()[-4000:])
        labels = series[0]["metric"]
        self.assertEqual((labels["cluster"], labels["container"], labels["task_definition_family"]),
                         ("default", "burn", "burner"))
        self.assertGreater(float(series[0]["value"][1]), 0)
        cpu = wait_for(lambda: [s for s in self.query(prometheus, 'berth_container_cpu_usage_seconds_total{task="%s"}'
                                                      % task_id) or [] if float(s["value"][1]) > 0],
                       timeout=30, interval=0.5, what="CPU time of the burner")
        self.assertEqual(cpu[0]["metric"]["container"], "burn")

    def unix_get(self, path):
        """(status, body) of a GET on berth's unix socket, as root (the socket's peer credentials)."""
        class UnixConnection(http.client.HTTPConnection):
            def connect(conn):
                conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                conn.sock.connect(self.berth.socket_path)
        conn = UnixConnection("berth")
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def test_a_memory_hogs_working_set_is_reported(self):
        # 40 MiB written to the container's /dev/shm (tmpfs): charged to its memory cgroup as
        # anonymous-like pages, so they count in the working set and not as reclaimable cache.
        self.register("hog", [{"name": "hog", "memory": 128, "command": [
            "sh", "-c", "dd if=/dev/zero of=/dev/shm/hog bs=1M count=40 && exec sleep 1000"]}])
        arn = self.run_task("hog")
        self.wait_status(arn, "RUNNING")
        task_id = arn.rsplit("/", 1)[1]

        def hog_reading():
            status, body = self.unix_get("/v1/stats?task=" + task_id)
            self.assertEqual(status, 200, body)
            containers = json.loads(body)["containers"]
            return next((c for c in containers if c["memoryWorkingSetBytes"] >= 40 << 20), None)
        reading = wait_for(hog_reading, timeout=30, interval=0.5, what="the hog's 40 MiB working set in /v1/stats")
        self.assertEqual(reading["containerName"], "hog")
        self.assertEqual(reading["memoryLimitBytes"], 128 << 20)
        self.assertGreaterEqual(reading["memoryUsageBytes"], reading["memoryWorkingSetBytes"])
        self.assertLess(reading["memoryWorkingSetBytes"], 128 << 20)

    def test_stats_no_stream_shows_the_tasks_container(self):
        arn, task_id = self.start_burner()
        args = [BERTH, "stats", "--no-stream", "--config", "/dev/null", "--socket", self.berth.socket_path]

        def row_with_cpu():
            out = subprocess.run(args + [task_id], capture_output=True, text=True, timeout=30)
            if out.returncode != 0:
                return None
            rows = [line.split() for line in out.stdout.splitlines()[1:]]
            # CPU % needs two readings; the first shows "--".
            return next((row for row in rows if row[0] == "burn" and row[2] != "--"), None)
        row = wait_for(row_with_cpu, timeout=30, interval=0.5, what="berth stats to show the burner with its CPU %")
        self.assertEqual(row[1], task_id)
        self.assertTrue(row[2].endswith("%"), row)
        self.assertGreater(float(row[2].rstrip("%")), 1.0, row)
        everything = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(everything.returncode, 0, everything.stderr)
        self.assertTrue(everything.stdout.startswith("CONTAINER"), everything.stdout)
        self.assertIn(task_id, everything.stdout)
        unknown = subprocess.run(args + ["0" * 32], capture_output=True, text=True, timeout=30)
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("has no running container", unknown.stderr)
