"""The syslog and journald drivers' labels/env options and tag templates, syslog over TLS with a
client certificate, and syslog's redial, with real containers. The journald cases send to a unix
datagram socket the test binds at the path berth is told is the journal's (BERTH_JOURNALD_SOCKET):
the test host runs no systemd-journald, so the journal's native protocol is checked on the wire,
not read back with journalctl."""
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading

import test_host_log_drivers as drivers
from harness import BERTH
from test_tasks import TaskTestCase, wait_for

JOURNAL = "/tmp/berth-journal-opts-%d.sock" % os.getpid()


def journal_fields(entry):
    """The fields of one native-protocol datagram whose values hold no newline."""
    return dict(line.split("=", 1) for line in entry.decode().rstrip("\n").split("\n"))


def add_client_certificates(directory):
    """A client certificate the test CA signs and one the other CA signs (which the receiver refuses)."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), cwd=directory, check=True, capture_output=True)
    for name, ca in (("client", "ca"), ("stranger", "other-ca")):
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
            "-out", name + ".csr", "-subj", "/CN=berth test " + name)
        run("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
            "-out", name + ".pem", "-days", "1")
    return {name: (os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key"))
            for name in ("client", "stranger")}


class TcpSyslogReceiver:
    """A plain TCP syslog server on 127.0.0.1 that can be stopped (its connections closed) and
    started again on the same port; it keeps the newline-ended messages of every connection."""

    def __init__(self, test):
        self.port, self.lines, self.connections, self.lock = 0, [], 0, threading.Lock()
        self.listener, self.open = None, []
        self.start()
        self.address = "tcp://127.0.0.1:%d" % self.port
        test.addCleanup(self.stop)

    def start(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, args=(self.listener,), daemon=True)
        self.thread.start()

    def serve(self, listener):
        while not self.stopping:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            with self.lock:
                self.connections += 1
                self.open.append(conn)
            threading.Thread(target=self.read, args=(conn,), daemon=True).start()

    def read(self, conn):
        pending = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                pending += chunk
                *whole, pending = pending.split(b"\n")
                with self.lock:
                    self.lines += [m.decode() for m in whole]
        except OSError:
            return

    def stop(self):
        """Closes the listener and every connection, as a receiver that restarts does."""
        if self.listener is None:
            return
        self.stopping = True
        self.thread.join()
        self.listener.close()
        self.listener = None
        with self.lock:
            for conn in self.open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
            self.open = []

    def texts(self):
        with self.lock:
            return [m.split(" - ", 1)[1] for m in self.lines]


class HostLogOptionsTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_JOURNALD_SOCKET=%s\n" % JOURNAL

    def test_journald_fields_carry_the_labels_and_env_the_options_pick(self):
        journal = drivers.fake_journal(self, JOURNAL)
        self.register("jdopts", [{
            "name": "main", "command": ["sh", "-c", "echo picked"],
            "dockerLabels": {"com.example.tier": "front", "team.owner": "ops", "team.size": "3", "other": "x"},
            "environment": [{"name": "STAGE", "value": "prod"}, {"name": "APP_ID", "value": "42"},
                            {"name": "UNPICKED", "value": "no"}],
            "logConfiguration": {"logDriver": "journald", "options": {
                "labels": "com.example.tier,com.amazonaws.ecs.container-name,absent",
                "labels-regex": "^team\\.", "env": "STAGE", "env-regex": "_ID$",
                "tag": "{{.ImageName}}/{{ .Name }}/{{(.ExtraAttributes nil).STAGE}}"}}}])
        arn = self.run_task("jdopts")
        fields = journal_fields(journal.recv(70000))
        self.assertEqual(fields["MESSAGE"], "picked")
        # Docker's journald names: upper case, '_' for every other character.
        picked = {k: v for k, v in fields.items() if k in (
            "COM_EXAMPLE_TIER", "COM_AMAZONAWS_ECS_CONTAINER_NAME", "TEAM_OWNER", "TEAM_SIZE", "STAGE", "APP_ID")}
        self.assertEqual(picked, {"COM_EXAMPLE_TIER": "front", "COM_AMAZONAWS_ECS_CONTAINER_NAME": "main",
                                  "TEAM_OWNER": "ops", "TEAM_SIZE": "3", "STAGE": "prod", "APP_ID": "42"})
        self.assertNotIn("OTHER", fields)
        self.assertNotIn("UNPICKED", fields)
        self.assertNotIn("ABSENT", fields)
        self.assertEqual(fields["SYSLOG_IDENTIFIER"], "busybox/main/prod")
        self.assertEqual(fields["CONTAINER_TAG"], "busybox/main/prod")
        self.wait_status(arn, "STOPPED")

    def test_syslog_tag_templates_name_the_image_and_extra_attributes(self):
        receiver = drivers.Receiver(self)
        self.register("tagged", [{
            "name": "main", "command": ["sh", "-c", "echo tagged"],
            "environment": [{"name": "STAGE", "value": "canary"}],
            "logConfiguration": {"logDriver": "syslog", "options": {
                "syslog-address": receiver.address, "env": "STAGE",
                "tag": "{{.ImageID}}|{{.ImageFullID}}|{{(.ExtraAttributes nil).STAGE}}|{{.DaemonName}}"}}}])
        arn = self.run_task("tagged")
        got = receiver.read_until(lambda g: len(g) >= 1, "the syslog message")[0].decode()
        # Docker's Unix format: <PRI>Stamp TAG[PID]: MSG
        match = re.fullmatch(r"<30>\w{3} [ \d]\d \d\d:\d\d:\d\d ([0-9a-f]{12})\|sha256:([0-9a-f]{64})\|canary\|berth"
                             r"\[\d+\]: tagged\n", got)
        self.assertTrue(match, got)
        self.assertEqual(match.group(1), match.group(2)[:12])
        self.wait_status(arn, "STOPPED")

        # Refused at RegisterTaskDefinition with ECS's ClientException: an action berth does not know,
        # a regex it will not run, an option the driver does not take.
        for options, words in [({"tag": "{{.Name | upper}}"}, "berth's tag templates are"),
                               ({"labels-regex": "(a|b)"}, "'labels-regex' '(a|b)': berth takes no groups"),
                               ({"env-regex": "[a"}, "'env-regex' '[a' is not a valid regular expression"),
                               ({"labelz": "a"}, "'labelz' is not a syslog option berth knows")]:
            with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
                self.register("badopts", [{"name": "main", "command": ["true"], "logConfiguration": {
                    "logDriver": "syslog", "options": dict(options, **{"syslog-address": receiver.address})}}])
            self.assertIn(words, str(refused.exception))

    def details(self, arn, container):
        return subprocess.run([BERTH, "logs", arn, container, "--details", "--config", "/dev/null",
                               "--socket", self.berth.socket_path], capture_output=True, text=True, timeout=30)

    def test_json_file_attrs_show_with_logs_details(self):
        self.register("attrs", [{
            "name": "main", "command": ["sh", "-c", "echo first; echo second >&2"],
            "dockerLabels": {"com.example.tier": "front", "other": "x"},
            "environment": [{"name": "STAGE", "value": "pre prod"}],
            "logConfiguration": {"logDriver": "json-file", "options": {
                "labels": "com.example.tier", "env": "STAGE", "tag": "{{.Name}}/{{.ID}}"}}},
            {"name": "plain", "command": ["sh", "-c", "echo unadorned"], "essential": False}])
        arn = self.run_task("attrs")
        self.wait_status(arn, "STOPPED")
        task_id = arn.rsplit("/", 1)[1]
        logs = self.logs(arn, "main")
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertEqual(logs.stdout, "first\n")
        details = self.details(arn, "main")
        self.assertEqual(details.returncode, 0, details.stderr)
        # `docker logs --details`: the attrs sorted by key, query-escaped, then a space.
        prefix = "STAGE=pre+prod,com.example.tier=front,tag=main%%2F%s " % task_id[:12]
        self.assertEqual(details.stdout, prefix + "first\n")
        self.assertEqual(details.stderr, prefix + "second\n")
        # A container without options: no attrs, a space alone, as Docker.
        plain = self.details(arn, "plain")
        self.assertEqual(plain.stdout, " unadorned\n")
        # An option berth's own rotation covers is refused, not ignored.
        with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
            self.register("rotating", [{"name": "main", "command": ["true"], "logConfiguration": {
                "logDriver": "json-file", "options": {"max-size": "10m"}}}])
        self.assertIn("'max-size' is not a json-file option berth knows", str(refused.exception))

    def tls_receiver(self, require_client_certificate):
        directory = tempfile.mkdtemp(prefix="berth-syslog-mtls-")
        self.addCleanup(shutil.rmtree, directory, True)
        certificates = drivers.make_certificates(directory)
        clients = add_client_certificates(directory)
        receiver = drivers.TlsSyslogReceiver(self, certificates)
        if require_client_certificate:
            # The context wraps each connection as it comes: set before the first one.
            receiver.context.verify_mode = ssl.CERT_REQUIRED
            receiver.context.load_verify_locations(certificates["ca"])
        return receiver, certificates, clients

    def tls_task(self, family, receiver, certificates, client, text):
        options = {"syslog-address": receiver.address, "syslog-format": "rfc5424",
                   "syslog-tls-ca-cert": certificates["ca"], "tag": "{{.Name}}"}
        if client:
            options.update({"syslog-tls-cert": client[0], "syslog-tls-key": client[1]})
        self.register(family, [{"name": "main", "command": ["sh", "-c", "echo %s; sleep 1; echo %s-again" % (text, text)],
                                "logConfiguration": {"logDriver": "syslog", "options": options}}])
        return self.wait_status(self.run_task(family), "STOPPED")

    def test_syslog_over_tls_presents_the_client_certificate_a_receiver_requires(self):
        receiver, certificates, clients = self.tls_receiver(require_client_certificate=True)
        task = self.tls_task("mtls", receiver, certificates, clients["client"], "signed")
        self.assertEqual(self.container(task, "main")["exitCode"], 0)
        wait_for(lambda: len(receiver.messages()) >= 2, timeout=30, what="two messages over mutual TLS")
        self.assertEqual([m.split(" - ", 1)[1] for m in receiver.messages()], ["signed\n", "signed-again\n"])
        self.assertEqual(receiver.handshakes_failed, 0)

    def test_syslog_over_tls_with_a_client_certificate_the_receiver_refuses(self):
        receiver, certificates, clients = self.tls_receiver(require_client_certificate=True)
        for family, client in (("stranger", clients["stranger"]), ("nocert", None)):
            task = self.tls_task(family, receiver, certificates, client, family)
            # berth's mbedTLS (2.28) speaks TLS 1.2, where the server refuses the client's certificate
            # within the handshake: the start fails, as with an untrusted server.
            reason = "failed to initialize logging driver: dial %s: TLS handshake: " % (
                receiver.address.replace("tcp+tls://", "tcp+tls "))
            self.assertIn(reason, task["stoppedReason"], family)
            self.assertIn(reason, self.container(task, "main")["reason"], family)
            self.assertEqual(receiver.messages(), [], family)
        self.assertGreaterEqual(receiver.handshakes_failed, 2)

    # The container prints its lines in steps the test sets off: /shared/stepN lets step N run,
    # /shared/doneN says it printed. Step 1 prints 1..100, step 2 101..200, step 3 201..300.
    STEPS = ("for step in 1 2 3; do while [ ! -e /shared/step$step ]; do sleep 0.05; done; "
             "i=$(( (step - 1) * 100 + 1 )); while [ $i -le $(( step * 100 )) ]; do echo $i; i=$((i + 1)); done; "
             "touch /shared/done$step; done")

    def stepped_task(self, family, options):
        shared = tempfile.mkdtemp(prefix="berth-redial-")
        self.addCleanup(shutil.rmtree, shared, True)
        self.register(family, [{"name": "main", "command": ["sh", "-c", self.STEPS],
                                "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
                                "logConfiguration": {"logDriver": "syslog", "options": options}}],
                      volumes=[{"name": "shared", "host": {"sourcePath": shared}}])
        arn = self.run_task(family)

        def step(n):
            open(os.path.join(shared, "step%d" % n), "w").close()
            wait_for(lambda: os.path.exists(os.path.join(shared, "done%d" % n)), timeout=30, what="step %d printed" % n)
        return arn, step

    def test_syslog_redials_a_receiver_that_restarted_and_loses_no_line(self):
        receiver = TcpSyslogReceiver(self)
        arn, step = self.stepped_task("redial", {"syslog-address": receiver.address, "syslog-format": "rfc5424"})
        step(1)
        wait_for(lambda: len(receiver.texts()) >= 100, timeout=30, what="the first 100 lines")
        receiver.stop()
        # The receiver is down: the container is not held (non-blocking), its lines wait in the shim.
        step(2)
        receiver.start()
        wait_for(lambda: len(receiver.texts()) >= 200, timeout=30, what="the lines printed while it was down")
        step(3)
        wait_for(lambda: len(receiver.texts()) >= 300, timeout=30, what="the lines after it came back")
        self.assertEqual(receiver.texts(), [str(i) for i in range(1, 301)])
        self.assertEqual(receiver.connections, 2)
        self.assertEqual(self.container(self.wait_status(arn, "STOPPED"), "main")["exitCode"], 0)

    def test_syslog_counts_the_lines_it_drops_while_the_receiver_is_down(self):
        receiver = TcpSyslogReceiver(self)
        # 100 lines of the second step overflow a 1 KiB buffer (each message is some 60 bytes).
        arn, step = self.stepped_task("redialdrop", {"syslog-address": receiver.address, "syslog-format": "rfc5424",
                                                     "mode": "non-blocking", "max-buffer-size": "1k"})
        step(1)
        wait_for(lambda: len(receiver.texts()) >= 100, timeout=30, what="the first 100 lines")
        receiver.stop()
        step(2)
        receiver.start()
        # Once it is back, what the buffer held goes, then the notice of what did not fit.
        wait_for(lambda: any(t.startswith("berth: ") for t in receiver.texts()), timeout=30, what="the notice of drops")
        step(3)
        wait_for(lambda: receiver.texts() and receiver.texts()[-1] == "300", timeout=30, what="the last line")
        texts = receiver.texts()
        notices = [t for t in texts if t.startswith("berth: ")]
        self.assertEqual(len(notices), 1, texts)
        dropped = int(notices[0].split()[1])
        numbers = [int(t) for t in texts if t.isdigit()]
        self.assertGreater(dropped, 0)
        self.assertEqual(numbers, sorted(set(numbers)))  # in order, no line twice
        self.assertEqual(len(numbers) + dropped, 300)
        self.assertEqual(numbers[:100], list(range(1, 101)))
        self.assertEqual(numbers[-100:], list(range(201, 301)))
        self.assertEqual(self.container(self.wait_status(arn, "STOPPED"), "main")["exitCode"], 0)
        self.assertIn("container main exited; its log driver dropped %d lines in all" % dropped, self.berth.log())
