"""The dashboard (/ui/) in a real browser: Debian's Chromium, headless, driven by python3-selenium
through chromium-driver, against a real berth running real busybox containers. Everything is
created through the API; the page is only watched and clicked: a service scaled from 1 to 3 shows
up without a reload, pushed by berth's change stream (no request while idle), a task stopped with
its button is replaced, a container's exit code and reason are shown, the used memory is above zero,
every view fits a phone's width, the page works over https, a container's output line appears
in the log tail, a published port is a link, and a read-only key sees no action buttons (stop,
scale, force new deployment, run, enable/disable) but a task's health and the gateway's images
(the busybox its task runs, in use). The
browser's DNS resolves nothing but 127.0.0.1, its performance log must show no request to any
other host, and its console no error besides the permission probes' expected refusals.
Screenshots go to build/test-artifacts/test_dashboard/ (BERTH_TEST_ARTIFACTS overrides)."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from harness import BERTH, BerthTestCase
from test_auth import parse_key
from test_schedules import at_from_now, target
from test_tasks import TaskTestCase, wait_for

ARTIFACTS = os.environ.get("BERTH_TEST_ARTIFACTS", os.path.join("build", "test-artifacts", "test_dashboard"))
# The page names the requests whose refusal it expects (the sign-in check and the permission
# probes) in their query, so that the browser's own "Failed to load resource" lines for them are
# told apart from real failures.
EXPECTED_REFUSAL = "dashboard-probe="


class Browser:
    """One headless Chromium with its own profile; its console and network logs are collected."""

    def __init__(self, width=1280, height=900, insecure_tls=False):
        self.profile = tempfile.mkdtemp(prefix="berth-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (width, height),
                    # No name resolves but 127.0.0.1: nothing could leave the machine even if the
                    # page or the browser tried (component updates, safe browsing, fonts).
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--no-first-run", "--disable-background-networking", "--disable-sync",
                    "--disable-component-update", "--disable-default-apps"):
            options.add_argument(arg)
        if insecure_tls:
            # berth's self-signed certificate, accepted as the operator would click through it.
            options.add_argument("--ignore-certificate-errors")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # Times on the page are the browser's local time: UTC whatever the machine's zone.
        service = Service("/usr/bin/chromedriver", env=dict(os.environ, TZ="UTC"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.console = []
        self.requests = []
        self.reads = []

    def collect_logs(self):
        self.console += self.driver.get_log("browser")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
                self.reads.append(message["params"]["request"])

    def reads_since(self, start):
        """The API calls (ECS POSTs and /v1 GETs, not the streams) the page made from the index
        `start` of self.reads on, after collecting the logs."""
        self.collect_logs()
        calls = []
        for request in self.reads[start:]:
            path = urllib.parse.urlparse(request["url"]).path
            if path.startswith("/ui") or path == "/v1/events" or "follow=1" in request["url"]:
                continue
            calls.append((request["method"], path, request.get("headers", {}).get("X-Amz-Target",
                          request.get("headers", {}).get("x-amz-target", ""))))
        return calls

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


class DashboardTestCase(BerthTestCase):
    def open_browser(self, **size):
        browser = Browser(**size)
        self.addCleanup(browser.quit)
        self.browser = browser
        self.driver = browser.driver
        return browser

    def shot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def open(self, view):
        self.driver.get(self.berth.endpoint + "/ui/#" + view)

    def go(self, view):
        """Another view of the open page, by its nav link: no reload."""
        self.click('#nav a[href="#%s"]' % view)
        wait_for(lambda: self.driver.find_element(By.CSS_SELECTOR, "#nav a.current").get_attribute("hash") == "#" + view,
                 timeout=10, what="the %s view" % view)

    def sign_in(self, key):
        wait_for(lambda: self.driver.find_element(By.ID, "signin").is_displayed(), timeout=10, what="the sign-in form")
        self.driver.find_element(By.ID, "key-id").send_keys(key[0])
        self.driver.find_element(By.ID, "key-secret").send_keys(key[1])
        self.driver.find_element(By.CSS_SELECTOR, "#signin button[type=submit]").click()
        self.wait_permissions()

    def wait_permissions(self):
        return wait_for(lambda: self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-permissions"),
                        timeout=20, what="the permission probes")

    # The page replaces its view on each change notice, so an element found by one WebDriver command may
    # be gone by the next: reads are one script each, clicks are retried on a fresh element.
    def text(self, css):
        return self.driver.execute_script("const e = document.querySelector(arguments[0]); return e && e.innerText", css)

    def attribute(self, css, name):
        return self.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1])", css, name)

    def attributes(self, css, name):
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map((e) => e.getAttribute(arguments[1]))", css, name)

    def type_into(self, element_id, text):
        def typed():
            try:
                box = self.driver.find_element(By.ID, element_id)
                box.clear()
                box.send_keys(text)
            except (StaleElementReferenceException, NoSuchElementException):
                pass  # replaced meanwhile: the new one keeps what was typed so far; type it again
            return self.driver.execute_script(
                "const e = document.getElementById(arguments[0]); return e && e.value", element_id) == text
        wait_for(typed, timeout=10, what="typing into " + element_id)

    def click(self, css):
        def clicked():
            try:
                self.driver.find_element(By.CSS_SELECTOR, css).click()
                return True
            except (StaleElementReferenceException, NoSuchElementException):
                return False
        wait_for(clicked, timeout=10, what="a click on " + css)

    def assert_clean_browser_logs(self):
        """No console error or warning but the expected refusals, no request beyond 127.0.0.1."""
        self.browser.collect_logs()
        problems = [e for e in self.browser.console
                    if e["level"] in ("SEVERE", "WARNING") and EXPECTED_REFUSAL not in e["message"]]
        self.assertEqual(problems, [])
        self.assertTrue(self.browser.requests)
        for url in self.browser.requests:
            parsed = urllib.parse.urlparse(url)
            if parsed.scheme in ("data", "chrome", "about"):  # the browser's own pages, not the network
                continue
            self.assertEqual((parsed.scheme, parsed.hostname, parsed.port), (self.berth.scheme, "127.0.0.1", self.berth.port),
                             url)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DashboardTest(DashboardTestCase, TaskTestCase):
    def create_service(self, name, count):
        self.ecs.create_service(serviceName=name, taskDefinition=name, desiredCount=count)
        self.addCleanup(self.delete_services)

    def delete_services(self):
        """Before TaskTestCase's check that nothing is left: a service would replace its stopped tasks."""
        for arn in self.ecs.list_services()["serviceArns"]:
            self.ecs.delete_service(service=arn, force=True)

        def service_tasks_left():
            arns = self.ecs.list_tasks(desiredStatus="RUNNING")["taskArns"]
            tasks = self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
            return [t for t in tasks if t.get("group", "").startswith("service:")]
        wait_for(lambda: not service_tasks_left(), timeout=60, what="the services' tasks stopping")

    def test_scale_stop_and_log_tail_seen_in_the_page(self):
        marker = "dashboard-line-" + uuid.uuid4().hex[:8]
        self.register("web", [{"name": "app", "command": [
            "sh", "-c", 'echo %s; while true; do sleep 1; echo tick; done' % marker]}])
        self.create_service("web", 1)
        # A standalone httpd whose published port the tasks view shows as a link.
        port = free_port()
        self.register("site", [{"name": "httpd", "portMappings": [{"containerPort": port, "hostPort": port}],
                                "command": ["sh", "-c", "echo up > /tmp/index.html && exec httpd -f -p %d -h /tmp" % port]}])
        self.run_task("site")

        self.open_browser()
        self.open("services")
        self.sign_in(self.berth.key)
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-permissions"),
                         "StopTask UpdateService RunTask UpdateSchedule")
        running = '[data-service="web"] .running b'
        wait_for(lambda: self.text(running) == "1", timeout=30, what="1 running in the page")
        # Anything the page keeps in its window survives only if it is never reloaded.
        self.driver.execute_script("window.berthTestMarker = 'same page'")
        # The page follows berth's change stream: while nothing changes it asks nothing (no timer
        # polls; the fallback poll runs only while the stream is down).
        wait_for(lambda: self.attribute("body", "data-live") == "stream", timeout=20, what="the change stream open")
        wait_for(lambda: self.driver.execute_script("return !state.busy"), timeout=10, what="the last refresh done")
        self.browser.collect_logs()
        quiet_from = len(self.browser.reads)
        time.sleep(5)  # more than two fallback poll periods (2 s): a timer would have asked twice
        self.assertEqual(self.browser.reads_since(quiet_from), [])
        self.assertEqual(self.attribute("body", "data-live"), "stream")
        self.assertIsNone(self.driver.execute_script("return live.poll"))
        scaled_from = len(self.browser.reads)
        self.ecs.update_service(service="web", desiredCount=3)
        wait_for(lambda: self.text('[data-service="web"] .desired b') == "3", timeout=30, what="desired 3 in the page")
        wait_for(lambda: self.text(running) == "3", timeout=60, what="3 running in the page")
        self.shot("services-scaled-to-3")
        # What the page read to show it was asked on the stream's notices: the services again.
        self.assertIn(("POST", "/", "AmazonEC2ContainerServiceV20141113.DescribeServices"),
                      self.browser.reads_since(scaled_from))
        self.assertIsNone(self.driver.execute_script("return live.poll"))

        self.go("tasks")
        rows = '[data-status="RUNNING"]'
        wait_for(lambda: len(self.attributes(rows + " button.stop", "class")) == 4, timeout=30,
                 what="4 running tasks with stop buttons")
        service_tasks = set(self.ecs.list_tasks(serviceName="web")["taskArns"])
        victim = sorted(service_tasks)[0].rsplit("/", 1)[1]
        self.click('[data-task="%s"] button.stop' % victim)
        wait_for(lambda: self.attribute('[data-task="%s"]' % victim, "data-status") == "STOPPED", timeout=30,
                 what="the stopped task shown STOPPED")

        def replaced():
            shown = set(self.attributes(rows, "data-task"))
            web = {arn.rsplit("/", 1)[1] for arn in self.ecs.list_tasks(serviceName="web")["taskArns"]}
            return len(web) == 3 and victim not in web and web <= shown and not web <= {a.rsplit("/", 1)[1] for a in service_tasks}
        wait_for(replaced, timeout=60, what="a replacement task running in the page")
        stopped = self.ecs.describe_tasks(tasks=[victim])["tasks"][0]
        self.assertEqual(stopped["stoppedReason"], "Stopped from the dashboard")
        self.shot("tasks-after-stop")

        # The published port is a link to the task's page.
        link = wait_for(lambda: self.attributes('a[href="http://127.0.0.1:%d/"]' % port, "href"), timeout=30,
                        what="the port link")[0]
        with urllib.request.urlopen(link, timeout=10) as reply:
            self.assertEqual(reply.read(), b"up\n")

        tailed = sorted(self.ecs.list_tasks(serviceName="web")["taskArns"])[0].rsplit("/", 1)[1]
        self.click('[data-task="%s"] button.logs' % tailed)
        wait_for(lambda: marker in self.driver.find_element(By.ID, "logs-text").text, timeout=30,
                 what="the container's first line in the log tail")
        wait_for(lambda: "tick" in self.driver.find_element(By.ID, "logs-text").text, timeout=30,
                 what="later lines in the log tail")
        self.shot("log-tail")

        # The scale button: typed values survive the refreshes until it is pressed.
        self.go("services")
        wait_for(lambda: self.text(running) == "3", timeout=30, what="the services view")
        self.type_into("scale-web", "2")
        self.click('[data-service="web"] button.scale')
        wait_for(lambda: self.ecs.describe_services(services=["web"])["services"][0]["desiredCount"] == 2, timeout=10,
                 what="desired 2 through the API")
        wait_for(lambda: self.text(running) == "2", timeout=60, what="2 running in the page")
        self.assertEqual(self.text("#status"), "Scaling web: done.")

        self.go("overview")
        wait_for(lambda: self.text('[data-status="RUNNING"] b') == "3", timeout=30, what="3 running in the overview")
        self.assertIn("MiB reserved", self.text(".instance"))
        self.assertIn("has started 1 tasks", self.text("main"))  # the service's events
        # What the containers use now, from the node's samples: memory above zero, CPU a figure.
        used_memory = wait_for(lambda: float(self.text('[data-used="memory"] b') or "0") > 0 and
                               self.text('[data-used="memory"] b'), timeout=60, what="memory used in the overview")
        self.assertGreater(float(used_memory), 0)
        self.assertRegex(self.text('[data-used="cpu"] b'), r"^\d+(\.\d+)?$")
        self.shot("overview")
        # A phone: every view fits its width, with no sideways scrolling.
        self.driver.set_window_size(390, 844)
        for view, shown in (("overview", ".instance"), ("services", "[data-service]"), ("tasks", rows),
                            ("taskdefs", ".taskdef"), ("schedules", "main"), ("images", "tr[data-image]")):
            self.go(view)
            wait_for(lambda: self.attributes(shown, "class") or self.text(shown), timeout=10, what=view + " on a phone")
            self.shot(view + "-phone")
            self.assertLessEqual(self.driver.execute_script("return document.scrollingElement.scrollWidth"),
                                 self.driver.execute_script("return window.innerWidth"), view)
        # Force new deployment: a new deployment of the same revision replaces the tasks.
        self.driver.set_window_size(1280, 900)
        self.go("services")
        before = {d["id"] for d in self.ecs.describe_services(services=["web"])["services"][0]["deployments"]}
        self.click('[data-service="web"] button.redeploy')
        wait_for(lambda: self.text("#status") == "New deployment of web: done.", timeout=10, what="the redeploy's answer")
        primary = [d for d in self.ecs.describe_services(services=["web"])["services"][0]["deployments"]
                   if d["status"] == "PRIMARY"][0]
        self.assertNotIn(primary["id"], before)
        wait_for(lambda: "COMPLETED" in (self.text('[data-deployment="%s"]' % primary["id"]) or ""), timeout=60,
                 what="the new deployment completed in the page")
        # ... with its progress (its tasks running of those it wants), and the service's events.
        self.assertRegex(self.text('[data-deployment="%s"]' % primary["id"]), r"web:1 · 2/2 running")

        def service_events():
            if not self.driver.execute_script("const e = document.getElementById('events-web'); return e && e.open"):
                self.click("#events-web summary")
            return "has started 1 tasks" in (self.text("#events-web") or "")
        wait_for(service_events, timeout=10, what="the service's events in the services view")
        # The tailed task is gone by now (scaled in or replaced): its tail ends.
        wait_for(lambda: "(the task has stopped)" in self.driver.find_element(By.ID, "logs-text").text, timeout=30,
                 what="the end of the stopped task's tail")
        self.shot("services-redeployed")
        self.assertEqual(self.driver.execute_script("return window.berthTestMarker"), "same page")
        self.assert_clean_browser_logs()

    def test_a_read_only_key_sees_no_action_buttons(self):
        # A health check, so that the tasks view has a health status to show.
        self.register("web", [{"name": "app", "command": ["sleep", "600"],
                               "healthCheck": {"command": ["CMD", "true"], "interval": 5, "retries": 1}}])
        self.create_service("web", 1)
        # A schedule, made with the admin key: the viewer may see it, not disable it.
        self.berth.boto3("scheduler").create_schedule(Name="nightly", ScheduleExpression="cron(30 2 * * ? *)",
                                                      FlexibleTimeWindow={"Mode": "OFF"}, Target=target("web"))
        out = subprocess.run([BERTH, "key", "create", "viewer", "--policy", "read-only", "--config", "/dev/null",
                              "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        viewer = parse_key(out.stdout)
        self.open_browser()
        self.open("tasks")
        self.sign_in(viewer)
        self.assertEqual(self.driver.find_element(By.TAG_NAME, "body").get_attribute("data-permissions"), "none")
        wait_for(lambda: self.attributes('[data-status="RUNNING"] button.logs', "class"), timeout=30,
                 what="the running task")
        self.assertEqual(self.attributes("button.stop", "class"), [])
        wait_for(lambda: "HEALTHY" in (self.text('[data-status="RUNNING"]') or ""), timeout=60,
                 what="the task's health check shown HEALTHY")
        self.go("services")
        wait_for(lambda: self.text('[data-service="web"] .running b') == "1", timeout=30, what="the service")
        self.assertEqual(self.attributes("button.scale, button.redeploy", "class"), [])
        self.go("taskdefs")
        wait_for(lambda: self.attributes(".taskdef", "class"), timeout=10, what="task definitions")
        self.assertEqual(self.attributes("button.run", "class"), [])
        self.go("schedules")
        wait_for(lambda: "ENABLED" in (self.text('[data-schedule="nightly"]') or ""), timeout=10,
                 what="the schedule")
        self.assertEqual(self.attributes("button.toggle", "class"), [])
        self.shot("read-only")
        # The gateway's images (GET /v1/images, in the read-only policy): the busybox the service's
        # task runs, with its size, in use.
        self.go("images")
        row = wait_for(lambda: self.text('tr[data-image]'), timeout=10, what="the images view")
        self.assertIn("docker.io/library/busybox:latest", row)
        self.assertIn("IN USE", row)
        self.assertRegex(row, r"\d+\.\d (kB|MB)")
        self.assertIn("imported", row)
        self.shot("images")
        # The key stays in the tab's sessionStorage only; signing out forgets it.
        self.assertIn(viewer[0], self.driver.execute_script("return sessionStorage.getItem('berth.key')"))
        self.driver.find_element(By.ID, "signout").click()
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('berth.key')"))
        self.assert_clean_browser_logs()


class DashboardWithoutAuthTest(DashboardTestCase):
    config_text = "BERTH_AUTH=off\n"

    def test_unsigned_when_auth_is_off(self):
        self.berth.boto3().register_task_definition(family="job", containerDefinitions=[
            {"name": "c", "image": "busybox", "memory": 32, "command": ["true"]}])
        self.open_browser()
        self.open("taskdefs")
        self.assertEqual(self.wait_permissions(), "StopTask UpdateService RunTask UpdateSchedule")
        self.assertEqual(self.driver.find_element(By.ID, "who").text, "auth off")
        self.assertFalse(self.driver.find_element(By.ID, "signin").is_displayed())
        self.click("#td-job-1 summary")
        wait_for(lambda: '"family": "job"' in (self.text("#td-job-1 pre") or ""), timeout=10, what="the definition's JSON")
        updated = self.attribute("body", "data-updated")
        # A change through the API: its notice makes the page read the view again.
        self.berth.boto3().register_task_definition(family="later", containerDefinitions=[
            {"name": "c", "image": "busybox", "memory": 32, "command": ["true"]}])
        wait_for(lambda: self.attribute("body", "data-updated") != updated and "later" in (self.text("main") or ""),
                 timeout=10, what="a refresh")
        # The refresh kept the revision open with its JSON.
        self.assertIn('"family": "job"', self.text("#td-job-1 pre"))
        self.shot("taskdef-json-auth-off")

        # A schedule: its next run, and the Disable button (UpdateSchedule with the whole schedule).
        scheduler = self.berth.boto3("scheduler")
        scheduler.create_schedule(Name="nightly", ScheduleExpression="cron(30 2 * * ? *)",
                                  FlexibleTimeWindow={"Mode": "OFF"}, Target=target("job", TaskCount=1))
        self.go("schedules")
        row = '[data-schedule="nightly"]'
        wait_for(lambda: "2:30" in (self.text(row) or "") or "02:30" in (self.text(row) or ""), timeout=10,
                 what="the next run at 02:30")
        self.click(row + " button.toggle")
        wait_for(lambda: scheduler.get_schedule(Name="nightly")["State"] == "DISABLED", timeout=10,
                 what="the schedule disabled")
        wait_for(lambda: self.text(row + " button.toggle") == "Enable", timeout=10, what="the Enable button")
        self.click(row + " button.toggle")
        wait_for(lambda: scheduler.get_schedule(Name="nightly")["State"] == "ENABLED", timeout=10,
                 what="the schedule enabled again")
        wait_for(lambda: self.text(row + " button.toggle") == "Disable", timeout=10, what="the Disable button again")
        self.assertIn("ENABLED", self.text(row))
        after = scheduler.get_schedule(Name="nightly")
        self.assertEqual(after["ScheduleExpression"], "cron(30 2 * * ? *)")
        self.assertEqual(after["Target"]["EcsParameters"]["TaskDefinitionArn"], "job")
        # A run's outcome shows as the schedule's last run.
        self.assertEqual(self.berth.import_image().returncode, 0)
        ecs = self.berth.boto3()
        scheduler.create_schedule(Name="soon", ScheduleExpression=at_from_now(2), FlexibleTimeWindow={"Mode": "OFF"},
                                  Target=target("job", TaskCount=1))
        wait_for(lambda: "STARTED" in (self.text('[data-schedule="soon"]') or ""), timeout=30,
                 what="the run's outcome in the page")
        self.shot("schedules-auth-off")

        # The Run button of a revision.
        self.go("taskdefs")
        self.click("#td-job-1 + button.run")
        wait_for(lambda: self.text("#status") == "Running job:1: done.", timeout=10, what="the run's answer")
        runs = [t for t in ecs.describe_tasks(tasks=ecs.list_tasks(desiredStatus="STOPPED")["taskArns"] +
                                              ecs.list_tasks(desiredStatus="RUNNING")["taskArns"])["tasks"]
                if not t.get("startedBy", "").startswith("scheduler/")]
        self.assertEqual([t["group"] for t in runs], ["family:job"])

        # A container that exits 3: its exit code and the task's reason in the tasks view.
        ecs.register_task_definition(family="fails", containerDefinitions=[
            {"name": "quitter", "image": "busybox", "memory": 32, "command": ["sh", "-c", "exit 3"]}])
        failed = ecs.run_task(taskDefinition="fails")["tasks"][0]["taskArn"].rsplit("/", 1)[1]
        self.go("tasks")
        row = '[data-task="%s"]' % failed
        wait_for(lambda: self.attribute(row, "data-status") == "STOPPED" and "exit 3" in (self.text(row) or ""),
                 timeout=60, what="the task stopped with exit 3 in the page")
        shown = self.text(row)
        self.assertIn("quitter", shown)
        self.assertIn(ecs.describe_tasks(tasks=[failed])["tasks"][0]["stoppedReason"], shown)
        self.shot("tasks-exit-code")

        # A hidden tab stops refreshing (once the refresh under way, if any, is done) and refreshes
        # the moment it is shown again.
        self.driver.execute_script('Object.defineProperty(document, "hidden", {configurable: true, get: () => true})')
        wait_for(lambda: self.driver.execute_script("return !state.busy"), timeout=10, what="the last refresh done")
        hidden_at = self.attribute("body", "data-updated")
        time.sleep(4.5)  # more than two refresh periods: none may have run
        self.assertEqual(self.attribute("body", "data-updated"), hidden_at)
        self.driver.execute_script('delete document.hidden; document.dispatchEvent(new Event("visibilitychange"))')
        wait_for(lambda: self.attribute("body", "data-updated") != hidden_at, timeout=10, what="a refresh once shown")
        self.assert_clean_browser_logs()


class DashboardOverTlsTest(DashboardTestCase):
    """The dashboard over https: berth's TLS listener with its self-signed certificate."""
    config_text = "BERTH_TLS=on\n"

    def test_the_page_signs_in_and_follows_the_change_stream_over_https(self):
        self.assertEqual(self.berth.scheme, "https")
        # The API client trusts the gateway's certificate as `berth info` names it.
        info = json.loads(subprocess.run([BERTH, "info", "--config", self.berth.config_path, "--socket",
                                          self.berth.socket_path, "--data-dir", self.berth.data_dir, "--output", "json"],
                                         capture_output=True, text=True, check=True, timeout=30).stdout)
        import boto3
        key = self.berth.key
        ecs = boto3.client("ecs", endpoint_url=self.berth.endpoint, region_name=key[2], aws_access_key_id=key[0],
                           aws_secret_access_key=key[1], verify=info["certificate"])
        ecs.register_task_definition(family="tls-job", containerDefinitions=[
            {"name": "c", "image": "busybox", "memory": 32, "command": ["true"]}])
        self.open_browser(insecure_tls=True)
        self.open("taskdefs")
        self.sign_in(self.berth.key)
        wait_for(lambda: self.attributes(".taskdef", "class"), timeout=20, what="the task definitions")
        wait_for(lambda: self.attribute("body", "data-live") == "stream", timeout=20, what="the change stream open")
        # A change made through the API shows up through the stream, without a reload.
        ecs.register_task_definition(family="tls-later", containerDefinitions=[
            {"name": "c", "image": "busybox", "memory": 32, "command": ["true"]}])
        wait_for(lambda: "tls-later" in (self.text("main") or ""), timeout=20, what="the new task definition")
        self.assertTrue(self.driver.current_url.startswith("https://127.0.0.1:%d/ui/" % self.berth.port))
        self.shot("taskdefs-https")
        self.assert_clean_browser_logs()
