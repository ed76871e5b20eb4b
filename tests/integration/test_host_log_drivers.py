"""The syslog, journald and none log drivers with real containers: lines reach a unix datagram or
UDP socket the test listens on, formatted as Docker's drivers format them; none keeps nothing;
non-blocking never holds a container whose receiver lags and counts what it drops, blocking holds
it and loses nothing; an unreachable sink fails the task with a clear stoppedReason; syslog over
TLS (tcp+tls) reaches a Python TLS server whose certificate the test makes with the openssl CLI,
and a CA that did not sign it fails the start."""
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

from test_tasks import TaskTestCase, wait_for

# The journald driver's socket, named before berth starts (config_text is read at its start).
JOURNAL = "/tmp/berth-journal-it-%d.sock" % os.getpid()


class Receiver:
    """A unix datagram socket (or UDP on 127.0.0.1) that reads only when asked to."""

    def __init__(self, test, udp=False):
        if udp:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(("127.0.0.1", 0))
            self.address = "udp://127.0.0.1:%d" % self.sock.getsockname()[1]
        else:
            directory = tempfile.mkdtemp(prefix="berth-syslog-")
            test.addCleanup(shutil.rmtree, directory, True)
            self.path = os.path.join(directory, "log.sock")
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.sock.bind(self.path)
            self.address = "unixgram://" + self.path
        self.sock.setblocking(False)
        test.addCleanup(self.sock.close)

    def read(self):
        out = []
        while True:
            try:
                out.append(self.sock.recv(70000))
            except BlockingIOError:
                return out

    def read_until(self, predicate, what, timeout=30):
        """Reads (waiting for each datagram, so a blocked sender is let on at once) until predicate(got)."""
        got = []
        deadline = time.monotonic() + timeout
        self.sock.settimeout(0.2)
        try:
            while not predicate(got):
                if time.monotonic() > deadline:
                    raise AssertionError("timed out waiting for %s; got %d messages" % (what, len(got)))
                try:
                    got.append(self.sock.recv(70000))
                except socket.timeout:
                    pass
        finally:
            self.sock.setblocking(False)
        return got


def fake_journal(test, path):
    """A unix datagram socket bound at `path`, where berth was told the journal listens (the test
    host runs no systemd-journald): the entries are read as they arrive, 30 s at most each."""
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind(path)
    test.addCleanup(os.unlink, path)
    test.addCleanup(journal.close)
    journal.settimeout(30)
    return journal


def make_certificates(directory):
    """A CA, a server certificate it signs for IP 127.0.0.1, and a second CA that signed nothing."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), cwd=directory, check=True, capture_output=True)
    for ca in ("ca", "other-ca"):
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca + ".key",
            "-out", ca + ".pem", "-days", "1", "-subj", "/CN=berth test " + ca)
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
        "-days", "1", "-extfile", "san.ext")
    return {name: os.path.join(directory, name + ".pem") for name in ("ca", "other-ca", "server")}


class TlsSyslogReceiver:
    """A TLS syslog server on 127.0.0.1: takes connections and keeps the bytes each sends."""

    def __init__(self, test, certificates):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificates["server"], certificates["server"][:-4] + ".key")
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.address = "tcp+tls://127.0.0.1:%d" % self.listener.getsockname()[1]
        self.context, self.data, self.handshakes_failed, self.lock = context, b"", 0, threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()
        test.addCleanup(self.stop)

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self.read, args=(conn,), daemon=True).start()

    def read(self, conn):
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                while True:
                    chunk = tls.recv(65536)
                    if not chunk:
                        return
                    with self.lock:
                        self.data += chunk
        except (ssl.SSLError, OSError):
            with self.lock:
                self.handshakes_failed += 1

    def messages(self):
        """The RFC 5425 frames ("LEN MSG") received so far, decoded."""
        with self.lock:
            data = self.data
        out = []
        while data:
            space = data.index(b" ")
            length = int(data[:space])
            if len(data) < space + 1 + length:
                break
            out.append(data[space + 1:space + 1 + length].decode())
            data = data[space + 1 + length:]
        return out

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.listener.close()


class HostLogDriversTest(TaskTestCase):
    config_text = TaskTestCase.config_text + "BERTH_JOURNALD_SOCKET=%s\n" % JOURNAL

    def log_file(self, arn, name):
        return os.path.join(self.berth.dir, "data", "logs", "%s-%s.log" % (arn.rsplit("/", 1)[1], name))

    def test_syslog_lines_reach_the_address_in_the_format_asked_for(self):
        unixgram, udp = Receiver(self), Receiver(self, udp=True)
        self.register("sys", [
            {"name": "main", "command": ["sh", "-c", "echo hello; echo oops >&2; echo; echo bye"],
             "essential": False,
             "logConfiguration": {"logDriver": "syslog", "options": {
                 "syslog-address": unixgram.address, "syslog-format": "rfc5424", "syslog-facility": "local0",
                 "tag": "web-{{.Name}}"}}},
            {"name": "legacy", "command": ["sh", "-c", "echo classic"],
             "logConfiguration": {"logDriver": "syslog", "options": {
                 "syslog-address": udp.address, "syslog-format": "rfc3164"}}}])
        arn = self.run_task("sys")
        self.wait_status(arn, "STOPPED")
        got = [m.decode() for m in unixgram.read_until(lambda g: len(g) >= 3, "three syslog messages")]
        host = socket.gethostname()
        # <facility local0 (16) * 8 + info (6) / err (3)>1 TIMESTAMP HOST APP-NAME PID MSGID - MSG, as Docker's rfc5424.
        pattern = r"<(\d+)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ %s web-main (\d+) web-main - (.*)\n" % re.escape(host)
        parsed = [re.fullmatch(pattern, m) for m in got]
        self.assertTrue(all(parsed), got)
        by_text = {p.group(3): int(p.group(1)) for p in parsed}
        self.assertEqual(by_text, {"hello": 134, "oops": 131, "bye": 134})  # the empty line is skipped
        legacy = [m.decode() for m in udp.read_until(lambda g: len(g) >= 1, "the UDP message")]
        task_id = arn.rsplit("/", 1)[1]
        # RFC 3164 with Docker's default tag, {{.ID}}: the container id's first 12 characters.
        self.assertRegex(legacy[0], r"^<30>\w{3} [ \d]\d \d\d:\d\d:\d\d %s %s\[\d+\]: classic\n$" %
                         (re.escape(host), task_id[:12]))
        # Nothing of it went to berth's own file, and `berth logs` says where it went.
        self.assertFalse(os.path.exists(self.log_file(arn, "main")))
        logs = self.logs(arn, "main")
        self.assertEqual((logs.returncode, logs.stdout), (0, ""))
        self.assertIn("container main logs with the syslog driver; its output went to the host's syslog", logs.stderr)

    def test_syslog_over_tls_reaches_a_tls_receiver_and_a_wrong_ca_fails_the_start(self):
        directory = tempfile.mkdtemp(prefix="berth-syslog-tls-")
        self.addCleanup(shutil.rmtree, directory, True)
        certificates = make_certificates(directory)
        receiver = TlsSyslogReceiver(self, certificates)
        self.register("tls", [{"name": "main", "command": ["sh", "-c", "echo first; echo second >&2; echo third"],
                               "logConfiguration": {"logDriver": "syslog", "options": {
                                   "syslog-address": receiver.address, "syslog-format": "rfc5424",
                                   "syslog-tls-ca-cert": certificates["ca"], "tag": "{{.Name}}"}}}])
        arn = self.run_task("tls")
        self.assertEqual(self.container(self.wait_status(arn, "STOPPED"), "main")["exitCode"], 0)
        wait_for(lambda: len(receiver.messages()) >= 3, timeout=30, what="three messages over TLS")
        host = socket.gethostname()
        # RFC 5424 as Docker's rfc5424 (APP-NAME and MSGID the tag), framed by octet counting (RFC 5425).
        pattern = r"<(\d+)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ %s main (\d+) main - (.*)\n" % re.escape(host)
        parsed = [re.fullmatch(pattern, m) for m in receiver.messages()]
        self.assertTrue(all(parsed), receiver.messages())
        # (stdout and stderr are two pipes: their lines keep their order within each, not between them)
        self.assertEqual({p.group(3): int(p.group(1)) for p in parsed}, {"first": 30, "second": 27, "third": 30})

        # A CA that did not sign the server's certificate: the start fails, as an unreachable address does.
        self.register("badca", [{"name": "main", "command": ["echo", "x"], "logConfiguration": {
            "logDriver": "syslog", "options": {"syslog-address": receiver.address,
                                               "syslog-tls-ca-cert": certificates["other-ca"]}}}])
        task = self.wait_status(self.run_task("badca"), "STOPPED")
        reason = "failed to initialize logging driver: dial %s: the server's certificate is not trusted" % (
            receiver.address.replace("tcp+tls://", "tcp+tls "))
        self.assertIn(reason, task["stoppedReason"])
        self.assertIn(reason, self.container(task, "main")["reason"])
        self.assertEqual(len(receiver.messages()), 3)  # nothing more arrived

        # syslog-tls-skip-verify: the same wrong CA, not looked at.
        self.register("skip", [{"name": "main", "command": ["echo", "unverified"], "logConfiguration": {
            "logDriver": "syslog", "options": {"syslog-address": receiver.address, "syslog-format": "rfc5424micro",
                                               "syslog-tls-ca-cert": certificates["other-ca"],
                                               "syslog-tls-skip-verify": "true"}}}])
        self.assertEqual(self.container(self.wait_status(self.run_task("skip"), "STOPPED"), "main")["exitCode"], 0)
        wait_for(lambda: len(receiver.messages()) >= 4, timeout=30, what="the unverified message")
        self.assertTrue(receiver.messages()[3].endswith(" - unverified\n"), receiver.messages()[3])

        # Checked at RegisterTaskDefinition, with ECS's ClientException.
        with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
            self.register("halfpair", [{"name": "main", "command": ["true"], "logConfiguration": {
                "logDriver": "syslog", "options": {"syslog-address": receiver.address,
                                                   "syslog-tls-cert": certificates["server"]}}}])
        self.assertIn("'syslog-tls-cert' and 'syslog-tls-key' go together", str(refused.exception))

    def test_journald_entries_use_the_native_protocol(self):
        journal = fake_journal(self, JOURNAL)
        self.register("jd", [{"name": "main", "image": "busybox", "command": ["sh", "-c", "echo to the journal"],
                              "logConfiguration": {"logDriver": "journald", "options": {"tag": "{{.Name}}"}}}])
        arn = self.run_task("jd")
        entry = journal.recv(70000).decode()
        fields = dict(line.split("=", 1) for line in entry.rstrip("\n").split("\n"))
        task_id = arn.rsplit("/", 1)[1]
        self.assertEqual(fields["MESSAGE"], "to the journal")
        self.assertEqual(fields["PRIORITY"], "6")
        self.assertEqual(fields["SYSLOG_IDENTIFIER"], "main")
        self.assertEqual(fields["CONTAINER_NAME"], "main")
        self.assertEqual(fields["CONTAINER_ID_FULL"], task_id + "-main")
        self.assertEqual(fields["CONTAINER_ID"], task_id[:12])
        self.assertEqual(fields["IMAGE_NAME"], "busybox")
        self.wait_status(arn, "STOPPED")

    def test_an_unreachable_sink_stops_the_task_with_the_reason(self):
        self.register("nosys", [{"name": "main", "command": ["echo", "x"], "logConfiguration": {
            "logDriver": "syslog", "options": {"syslog-address": "unixgram:///nonexistent/berth/log.sock"}}}])
        self.register("nojournal", [{"name": "main", "command": ["echo", "x"], "logConfiguration": {"logDriver": "journald"}}])
        for family, reason in [
                ("nosys", "failed to initialize logging driver: dial unixgram /nonexistent/berth/log.sock: connect: "
                          "No such file or directory"),
                ("nojournal", "failed to initialize logging driver: journald is not enabled on this host")]:
            task = self.wait_status(self.run_task(family), "STOPPED")
            self.assertIn(reason, task["stoppedReason"])
            self.assertIn(reason, self.container(task, "main")["reason"])

    def test_none_keeps_nothing(self):
        self.register("quiet", [{"name": "main", "command": ["sh", "-c", "echo not kept"],
                                 "logConfiguration": {"logDriver": "none"}}])
        arn = self.run_task("quiet")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(self.container(task, "main")["exitCode"], 0)
        self.assertFalse(os.path.exists(self.log_file(arn, "main")))
        logs = self.logs(arn)
        self.assertEqual(logs.returncode, 0, logs.stderr)
        self.assertEqual(logs.stdout, "")
        self.assertEqual(logs.stderr, "berth: container main logs with the none driver; its output is not kept\n")

    def test_unknown_drivers_are_refused_with_ecs_message(self):
        with self.assertRaises(self.ecs.exceptions.ClientException) as refused:
            self.register("fl", [{"name": "main", "command": ["true"], "logConfiguration": {"logDriver": "fluentd"}}])
        self.assertIn("Log driver fluentd is not supported", str(refused.exception))

    # 20,000 lines, then a file says they are written; the container waits for "go" before its last line.
    FLOOD = ("seq 1 20000; touch /shared/printed; while [ ! -e /shared/go ]; do sleep 0.1; done; echo after")

    def flood(self, family, options):
        shared = tempfile.mkdtemp(prefix="berth-flood-")
        self.addCleanup(shutil.rmtree, shared, True)
        receiver = Receiver(self)
        options = dict(options, **{"syslog-address": receiver.address, "syslog-format": "rfc5424"})
        self.register(family, [{"name": "main", "command": ["sh", "-c", self.FLOOD],
                                "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}],
                                "logConfiguration": {"logDriver": "syslog", "options": options}}],
                      volumes=[{"name": "shared", "host": {"sourcePath": shared}}])
        return self.run_task(family), receiver, shared

    @staticmethod
    def messages(got):
        return [m.decode().split(" - ", 1)[1].rstrip("\n") for m in got]

    def test_non_blocking_never_holds_the_container_and_counts_what_it_drops(self):
        arn, receiver, shared = self.flood("nb", {"mode": "non-blocking", "max-buffer-size": "16k"})
        # Nobody reads the socket, and the container still gets through its 20,000 lines.
        wait_for(lambda: os.path.exists(os.path.join(shared, "printed")), timeout=60, what="the lines printed")
        # Reading lets the backlog out, and then the notice of what was dropped.
        got = receiver.read_until(lambda g: any(b" - berth: " in m for m in g), "the notice of drops")
        open(os.path.join(shared, "go"), "w").close()
        got += receiver.read_until(lambda g: g and self.messages(g)[-1] == "after", "the last line")
        texts = self.messages(got)
        notice = next(t for t in texts if t.startswith("berth: "))
        dropped = int(notice.split()[1])
        lines = [t for t in texts if t.isdigit()]
        self.assertGreater(dropped, 0)
        self.assertIn("max-buffer-size 16384 bytes", notice)
        self.assertEqual(len(lines) + dropped, 20000)
        self.assertEqual([int(t) for t in lines], sorted(int(t) for t in lines))  # in order, gaps only
        self.assertEqual(self.container(self.wait_status(arn, "STOPPED"), "main")["exitCode"], 0)
        # berth's own log says so once the container exited (the shim's exit record counts the drops).
        self.assertIn("container main exited; its log driver dropped %d lines in all" % dropped, self.berth.log())

    def test_blocking_holds_the_container_and_loses_nothing(self):
        arn, receiver, shared = self.flood("bl", {"mode": "blocking"})
        printed = os.path.join(shared, "printed")
        # Nobody reads: the shim stops taking output, so the container's writes wait.
        time.sleep(3)
        self.assertFalse(os.path.exists(printed), "a blocking sink let the container run past an unread receiver")
        got = receiver.read_until(lambda g: os.path.exists(printed) and len(g) >= 20000, "every line", timeout=60)
        open(os.path.join(shared, "go"), "w").close()
        got += receiver.read_until(lambda g: g and self.messages(g)[-1] == "after", "the last line")
        texts = self.messages(got)
        self.assertEqual(texts, [str(i) for i in range(1, 20001)] + ["after"])
        self.assertEqual(self.container(self.wait_status(arn, "STOPPED"), "main")["exitCode"], 0)
