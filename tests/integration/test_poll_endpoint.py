"""DiscoverPollEndpoint on a berth that listens on every address (BERTH_LISTEN=0.0.0.0:PORT): the
URL it gives agents names an address of this host that answers, never the wildcard."""
import os
import re
import socket
import subprocess
import time
import unittest

from harness import BERTH, TIME_SCALE, Berth


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WildcardListenTest(unittest.TestCase):
    def test_a_wildcard_listen_host_is_answered_as_a_reachable_address_of_this_host(self):
        port = free_port()
        berth = Berth()
        self.addCleanup(berth.cleanup)
        berth.log_path = os.path.join(berth.dir, "berth.log")
        with open(berth.log_path, "w") as log:
            berth.proc = subprocess.Popen(
                [BERTH, "serve", "--config", "/dev/null", "--data-dir", berth.data_dir,
                 "--run-dir", os.path.join(berth.dir, "run"), "--socket", berth.socket_path,
                 "--listen", "0.0.0.0:%d" % port, "--tls", "off"], stdout=log, stderr=log)
        deadline = time.time() + 10 * TIME_SCALE
        while "API ready" not in berth.log() and time.time() < deadline and berth.proc.poll() is None:
            time.sleep(0.01)
        self.assertIn("API ready on http://0.0.0.0:%d" % port, berth.log())
        berth.port = port  # the client reaches it on loopback
        endpoint = berth.boto3().discover_poll_endpoint()
        url = re.fullmatch(r"http://([0-9.]+):(\d+)", endpoint["endpoint"])
        self.assertIsNotNone(url, endpoint)
        self.assertEqual(endpoint["telemetryEndpoint"], endpoint["endpoint"])
        host = url.group(1)
        self.assertNotEqual(host, "0.0.0.0")
        self.assertEqual(int(url.group(2)), port)
        addresses = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
        self.assertIn(" %s/" % host, addresses)  # one of this host's
        with socket.create_connection((host, port), timeout=5):
            pass  # and berth answers there
