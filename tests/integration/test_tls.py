"""TLS on the API's TCP listener: the generated certificate, pinned as a CA bundle by the aws CLI
and boto3, `berth info`'s fingerprint, and the modes (auto, on, off)."""
import os
import re
import socket
import ssl
import subprocess
import time

from harness import AWS, BERTH, Berth, BerthTestCase, sign_headers


def openssl_fingerprint(path):
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", path],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1].upper()


def read(path):
    with open(path) as f:
        return f.read()


def signed_list_clusters(berth):
    """A signed ListClusters request over https to `berth`, as bytes (Connection: close)."""
    body = b"{}"
    url = "https://127.0.0.1:%d/" % berth.port
    headers = sign_headers("POST", url, body, {
        "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters",
        "Content-Type": "application/x-amz-json-1.1", "Host": "127.0.0.1:%d" % berth.port,
        "Connection": "close"}, berth.key)
    head = "".join("%s: %s\r\n" % item for item in headers.items())
    return ("POST / HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n" % (head, len(body))).encode() + body


def berth_info(*args):
    out = subprocess.run([BERTH, "info", "--config", "/dev/null", *args], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    return dict(re.findall(r"^([a-z0-9 ]+):\s+(.*)$", out.stdout, re.M))


class TlsOnLoopbackTest(BerthTestCase):
    config_text = "BERTH_TLS=on\n"

    @property
    def cert(self):
        return os.path.join(self.berth.data_dir, "tls", "cert.pem")

    def aws(self, *extra):
        return subprocess.run([AWS, "ecs", "list-clusters", "--endpoint-url", self.berth.endpoint, "--output", "json",
                               *extra], env=self.berth.client_env(), capture_output=True, text=True, timeout=60)

    def test_the_generated_certificate_works_as_a_ca_bundle_and_nothing_else_does(self):
        self.assertEqual(self.berth.scheme, "https")
        self.assertEqual(os.stat(os.path.join(self.berth.data_dir, "tls", "key.pem")).st_mode & 0o777, 0o600)
        pinned = self.aws("--ca-bundle", self.cert)
        self.assertEqual(pinned.returncode, 0, pinned.stderr)
        self.assertIn("cluster/default", pinned.stdout)
        unpinned = self.aws()
        self.assertNotEqual(unpinned.returncode, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", unpinned.stderr)

    def test_boto3_with_verify_set_to_the_certificate(self):
        import boto3
        from botocore.config import Config
        from botocore.exceptions import SSLError
        key_id, secret, region = self.berth.key
        client = boto3.client("ecs", endpoint_url=self.berth.endpoint, region_name=region, verify=self.cert,
                              aws_access_key_id=key_id, aws_secret_access_key=secret,
                              config=Config(retries={"max_attempts": 1}))
        client.create_cluster(clusterName="over-tls")
        self.assertIn("over-tls", " ".join(client.list_clusters()["clusterArns"]))
        default = boto3.client("ecs", endpoint_url=self.berth.endpoint, region_name=region,
                               aws_access_key_id=key_id, aws_secret_access_key=secret,
                               config=Config(retries={"max_attempts": 1}))
        with self.assertRaises(SSLError):
            default.list_clusters()

    def test_info_prints_the_fingerprint_openssl_computes(self):
        info = berth_info("--data-dir", self.berth.data_dir, "--tls", "on", "--listen", "127.0.0.1:1")
        self.assertEqual(info["certificate"], self.cert)
        self.assertEqual(info["sha256"], openssl_fingerprint(self.cert))
        self.assertEqual(info["credentials"], self.berth.credentials_path)
        self.assertTrue(os.path.exists(info["credentials"]))
        self.assertEqual(info["tls"], "on: https")
        self.assertIn(info["sha256"], self.berth.log())

    def test_a_restart_keeps_the_certificate_and_resumed_sessions_work(self):
        before = openssl_fingerprint(self.cert)
        self.berth.restart()
        self.assertEqual(openssl_fingerprint(self.cert), before)
        self.assertNotIn("generated", self.berth.log())
        context = ssl.create_default_context(cafile=self.cert)
        with socket.create_connection(("127.0.0.1", self.berth.port)) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as first:
                self.assertEqual(first.version(), "TLSv1.2")
                first.sendall(signed_list_clusters(self.berth))
                reply = b""
                while True:
                    chunk = first.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
                self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply[:200])
                session = first.session
        with socket.create_connection(("127.0.0.1", self.berth.port)) as raw:
            with context.wrap_socket(raw, server_hostname="localhost", session=session) as second:
                self.assertTrue(second.session_reused)

    def test_plain_http_to_the_tls_port_is_closed_without_a_reply(self):
        with socket.create_connection(("127.0.0.1", self.berth.port), timeout=30) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                pass
        self.assertNotIn(b"HTTP/", data)


class TlsModesTest(BerthTestCase):
    def test_loopback_stays_plain_http_by_default(self):
        self.assertEqual(self.berth.scheme, "http")
        self.assertFalse(os.path.exists(os.path.join(self.berth.data_dir, "tls")))
        self.assertIn("plain http on loopback", berth_info("--data-dir", self.berth.data_dir)["tls"])

    def test_off_beyond_loopback_is_logged_as_a_warning(self):
        d = self.berth.dir
        log_path = os.path.join(d, "off.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen([BERTH, "serve", "--config", "/dev/null", "--tls", "off", "--listen", "0.0.0.0:0",
                                     "--data-dir", os.path.join(d, "off-data"), "--run-dir", os.path.join(d, "off-run"),
                                     "--socket", ""], stdout=log, stderr=log)
        try:
            deadline = time.time() + 10
            while "API ready" not in read(log_path) and time.time() < deadline and proc.poll() is None:
                time.sleep(0.01)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        text = read(log_path)
        self.assertRegex(text, r"API ready on http://0\.0\.0\.0:\d+")
        self.assertRegex(text, r"warn.*BERTH_TLS=off")

    def test_operator_files_are_used_and_bad_ones_stop_the_start(self):
        with_files = Berth(["--tls-cert", os.path.join(self.berth.dir, "nope.pem"),
                            "--tls-key", os.path.join(self.berth.dir, "nope.key")], "BERTH_TLS=on\n")
        self.addCleanup(with_files.cleanup)
        with self.assertRaisesRegex(RuntimeError, "nope.pem"):
            with_files.start()
