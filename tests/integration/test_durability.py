"""State survives restarts and SIGKILL; shutdown finishes requests in flight."""
import os
import signal
import stat
import time
import json

from harness import BerthTestCase, raw_request, send_raw_http


class DurabilityTest(BerthTestCase):
    def test_restart_keeps_everything(self):
        self.berth.aws("create-cluster", "--cluster-name", "edge", "--tags", "key=a,value=b")
        self.register_example()
        self.register_example()
        self.berth.aws("deregister-task-definition", "--task-definition", "python-app:1")
        self.berth.restart()
        td = self.berth.aws("describe-task-definition", "--task-definition", "python-app:1")["taskDefinition"]
        self.assertEqual(td["status"], "INACTIVE")
        self.assertEqual(self.register_example()["taskDefinition"]["revision"], 3)
        cluster = self.berth.aws("describe-clusters", "--clusters", "edge", "--include", "TAGS")["clusters"][0]
        self.assertEqual(cluster["tags"], [{"key": "a", "value": "b"}])

    def test_sigkill_right_after_a_reply_loses_nothing(self):
        ecs = self.berth.boto3()
        for round_ in range(10):
            reply = ecs.register_task_definition(
                family="durable", containerDefinitions=[{"name": "c", "image": "busybox", "memory": 32}])
            self.berth.stop(signal.SIGKILL)
            self.berth.start()
            ecs = self.berth.boto3()
            got = ecs.describe_task_definition(taskDefinition="durable")["taskDefinition"]
            self.assertEqual(got["revision"], reply["taskDefinition"]["revision"])
            self.assertEqual(got["revision"], round_ + 1)

    def test_unix_socket_is_0660_and_serves_the_api(self):
        mode = stat.S_IMODE(os.stat(self.berth.socket_path).st_mode)
        self.assertEqual(mode, 0o660)
        import socket
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.berth.socket_path)
        data = send_raw_http(s, raw_request("ListClusters", b"{}"))
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:100])
        self.assertIn(b"cluster/default", data)

    def test_sigterm_finishes_requests_in_flight(self):
        import socket
        body = json.dumps({"family": "inflight", "containerDefinitions": [
            {"name": "c", "image": "busybox", "memory": 32}]}).encode()
        s = socket.create_connection(("127.0.0.1", self.berth.port), timeout=10)
        request = self.berth.raw_request("RegisterTaskDefinition", body)
        split = len(request) - len(body) + 10
        s.sendall(request[:split])
        time.sleep(0.3)  # the server is now reading this request's body
        self.berth.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        self.assertIsNone(self.berth.proc.poll(), "berth exited with a request in flight")
        data = send_raw_http(s, request[split:])
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:200])
        self.assertIn(b"task-definition/inflight:1", data)
        self.assertEqual(self.berth.proc.wait(timeout=10), 0)
        self.assertIn("stopped", self.berth.log())
        # The answered write is durable.
        self.berth.start()
        got = self.berth.aws("describe-task-definition", "--task-definition", "inflight")
        self.assertEqual(got["taskDefinition"]["revision"], 1)
