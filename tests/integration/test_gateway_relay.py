"""Interactive sessions with containers on joined gateways (see gateways.py), which have no inbound
port: `berth exec -i` and `-t` and `berth attach` on the serving gateway for a task on a joined
gateway are relayed through a connection its agent opens back to the server's API, signed with the
instance's key. Stdin reaches the command and its exit code comes back; -t gives the command a
terminal; attach shows the container's live output and takes input. The relay route refuses an
unsigned connection and one signed with another instance's key."""
import json
import os
import pty
import select
import signal
import socket
import ssl
import subprocess
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from gateways import ClusterTestCase
from harness import BERTH, wait_for


def read_until(fd, needle, timeout=30):
    """Reads `fd` until `needle` (bytes) has come; returns all read. Fails after `timeout` s."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("%r never came; got %r" % (needle, seen))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # a pty whose other side closed
                chunk = b""
            if not chunk:
                raise AssertionError("ended before %r; got %r" % (needle, seen))
            seen += chunk
    return seen


class GatewayRelayTest(ClusterTestCase):
    def berth(self, *words, **kwargs):
        return subprocess.run([BERTH, *words[:1], "--socket", self.server.socket_path, *words[1:]],
                              capture_output=True, timeout=90, **kwargs)

    def running_task(self, family):
        [task] = self.ecs.run_task(taskDefinition=family)["tasks"]
        arn = task["taskArn"]
        wait_for(family + " RUNNING",
                 lambda: self.ecs.describe_tasks(tasks=[arn])["tasks"][0]["lastStatus"] == "RUNNING")
        task = self.ecs.describe_tasks(tasks=[arn])["tasks"][0]
        agent = next(a for a in self.agents if task["containerInstanceArn"].endswith("/" + a.instance))
        return task["taskArn"].rsplit("/", 1)[1], agent

    def relay_request(self, instance_arn, session_id, key=None):
        """POSTs /v1/relay over TLS to the server as an agent would (signed with `key`, a
        (id, secret, region) triple, or unsigned); returns the status line and the head."""
        body = json.dumps({"containerInstance": instance_arn, "sessionId": session_id})
        host = "127.0.0.1:%d" % self.server.port
        headers = {"Host": host, "Connection": "Upgrade", "Upgrade": "berth-relay", "Content-Type": "application/json"}
        if key:
            request = AWSRequest(method="POST", url="https://%s/v1/relay" % host, data=body, headers=headers)
            SigV4Auth(Credentials(key[0], key[1]), "berth", key[2]).add_auth(request)
            headers = dict(request.headers.items())
        context = ssl.create_default_context(cafile=os.path.join(self.server.data_dir, "tls", "cert.pem"))
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=30) as raw:
            with context.wrap_socket(raw) as tls:
                head = "POST /v1/relay HTTP/1.1\r\n" + "".join("%s: %s\r\n" % kv for kv in headers.items())
                tls.sendall((head + "Content-Length: %d\r\n\r\n" % len(body) + body).encode())
                reply = b""
                while b"\r\n\r\n" not in reply:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
        return reply.decode(errors="replace")

    def instance_key(self, agent):
        joined = json.load(open(os.path.join(agent.data_dir, "join.json")))
        return joined["accessKeyId"], joined["secretAccessKey"], joined["region"]

    def test_exec_i_and_t_and_attach_are_relayed_and_the_relay_needs_the_instance_key(self):
        task_id, agent = self.running_task("app")
        # -i: stdin goes through to the command on the joined gateway, its output and exit code back.
        done = self.berth("exec", "-i", task_id, "--", "sh", "-c", "cat; exit 5", input=b"hi\n")
        self.assertEqual(done.returncode, 5, done.stderr)
        self.assertEqual(done.stdout, b"hi\n")
        done = self.berth("exec", "-i", task_id, "--", "sh", "-c", "tr a-z A-Z; cat /proc/1/cmdline | tr '\\0' ' '",
                          input=b"from the server\n")
        self.assertEqual(done.returncode, 0, done.stderr)
        # Its PID 1 is the task's sleep: the command ran in that container, on the joined gateway.
        self.assertEqual(done.stdout, b"FROM THE SERVER\nsleep 3600 ")
        self.assertIn(task_id + "-main", agent.runc_containers())

        # -t: the command's stdin is a terminal (a pty on the joined gateway), sized as ours.
        controller, terminal = pty.openpty()
        try:
            proc = subprocess.Popen([BERTH, "exec", "--socket", self.server.socket_path, "-t", task_id, "--",
                                     "sh", "-c", "tty; stty size; exit 7"],
                                    stdin=terminal, stdout=terminal, stderr=terminal)
            seen = read_until(controller, b"\n", 60)
            self.assertEqual(proc.wait(timeout=60), 7)
            try:
                while select.select([controller], [], [], 0.5)[0]:
                    chunk = os.read(controller, 4096)
                    if not chunk:
                        break
                    seen += chunk
            except OSError:
                pass
        finally:
            os.close(controller)
            os.close(terminal)
        text = seen.decode(errors="replace")
        self.assertIn("/dev/pts/", text)
        self.assertNotIn("not a tty", text)
        # Without -t the same command has no terminal.
        plain = self.berth("exec", task_id, "--", "tty")
        self.assertIn(b"not a tty", plain.stdout)

        # attach: the container's live output shows, and what is typed reaches its stdin.
        self.ecs.register_task_definition(family="talker", networkMode="host", containerDefinitions=[
            {"name": "main", "image": "busybox", "memory": 32, "essential": True, "interactive": True, "stopTimeout": 2,
             "command": ["sh", "-c", "while read line; do echo \"got $line\"; done"]}])
        talker_id, talker_agent = self.running_task("talker")
        attach = subprocess.Popen([BERTH, "attach", "--socket", self.server.socket_path, talker_id, "main"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            # Typed until its echo shows: the relay (poll, connection back, splice) may take a moment.
            deadline = time.monotonic() + 60
            seen = b""
            while b"got hello" not in seen:
                self.assertLess(time.monotonic(), deadline, "no echo through attach: %r %r" % (seen, attach.poll()))
                attach.stdin.write(b"hello\n")
                attach.stdin.flush()
                if select.select([attach.stdout], [], [], 1)[0]:
                    chunk = os.read(attach.stdout.fileno(), 4096)
                    if not chunk:
                        attach.wait(timeout=20)
                        self.fail("attach ended: %r" % attach.stderr.read())
                    seen += chunk
        finally:
            attach.send_signal(signal.SIGINT)
            try:
                attach.wait(timeout=20)
            except subprocess.TimeoutExpired:
                attach.kill()
                attach.wait()
        # Detaching left the container running.
        self.assertEqual(self.ecs.describe_tasks(tasks=[talker_id])["tasks"][0]["lastStatus"], "RUNNING")
        self.assertIn(talker_id + "-main", talker_agent.runc_containers())

        # The relay route: unsigned, refused; signed with another instance's key for this instance,
        # refused by policy (AccessDeniedException, a 400 as on ECS); with this instance's own key
        # an unknown session is refused as such. None is answered 101.
        arn = self.instance_arn(agent)
        other = next(a for a in self.agents if a is not agent)
        unsigned = self.relay_request(arn, "0" * 32)
        self.assertRegex(unsigned.split("\r\n")[0], r"HTTP/1\.1 4\d\d")
        self.assertIn("MissingAuthenticationTokenException", unsigned)
        foreign = self.relay_request(arn, "0" * 32, self.instance_key(other))
        self.assertRegex(foreign.split("\r\n")[0], r"HTTP/1\.1 4\d\d")
        self.assertIn("AccessDeniedException", foreign)
        self.assertIn("not authorized to perform: berth:ConnectRelaySession on resource: " + arn, foreign)
        own = self.relay_request(arn, "0" * 32, self.instance_key(agent))
        self.assertIn("InvalidParameterException", own)
        self.assertIn("No relayed session", own)


if __name__ == "__main__":
    import unittest
    unittest.main()
