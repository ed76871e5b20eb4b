"""DiscoverPollEndpoint on a berth that listens on every address (BERTH_LISTEN=0.0.0.0:PORT): the
URL it gives agents names an address of this host that answers, never the wildcard."""
import os
import re
import socket
import subprocess
import time
import unittest

from harness import BERTH, TIME_SCALE, Berth


class WildcardListenTest(unittest.TestCase):
    def test_a_wildcard_listen_host_is_answered_as_a_reachable_address_of_this_host(self):
        berth = Berth()
        self.addCleanup(berth.cleanup)
        berth.log_path = os.path.join(berth.dir, "berth.log")
        with open(berth.log_path, "w") as log:
            berth.proc = subprocess.Popen(
                [BERTH, "serve", "--config", "/dev/null", "--data-dir", berth.data_dir,
                 "--run-dir", os.path.join(berth.dir, "run"), "--socket", berth.socket_path,
                 "--listen", "0.0.0.0:0", "--tls", "off"], stdout=log, stderr=log)
        deadline = time.time() + 10 * TIME_SCALE
        while "API ready" not in berth.log() and time.time() < deadline and berth.proc.poll() is None:
            time.sleep(0.01)
        # Port 0: the kernel picks a free one, and berth names it. A port picked beforehand by the
        # test could be taken by a test running beside it before berth binds it.
        ready = re.search(r"API ready on http://0\.0\.0\.0:(\d+)", berth.log())
        self.assertIsNotNone(ready, berth.log())
        port = int(ready.group(1))
        self.assertNotEqual(port, 0)
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
