"""A real registry for the tests: Debian's docker-registry (distribution 2.8) on loopback,
filled with skopeo from the OCI images rootfs/ builds; optional htpasswd or token auth, the
token service being a small JWT issuer here (the registry verifies its signatures)."""
import base64
import crypt
import datetime
import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import threading
import time
import uuid

from harness import IMAGES

USER, PASSWORD = "fleet", "s3cret-pw"
ECR_TOKEN = "eyJwYXlsb2FkIjoiZWNyLXN0eWxlIn0"  # ECR hands out AWS:<token> basic credentials


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenService:
    """Issues registry tokens (RS256 JWT with an x5c chain) to clients with the right password."""

    def __init__(self, directory, service):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        self.service = service
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "berth-test-token-issuer")])
        now = datetime.datetime.utcnow()
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.key.public_key())
                .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=1)).sign(self.key, hashes.SHA256()))
        self.cert_path = os.path.join(directory, "token-cert.pem")
        with open(self.cert_path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        self.cert_der = cert.public_bytes(serialization.Encoding.DER)
        self.port = free_port()
        self.requests = []
        service_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                service_self.requests.append(self.path)
                expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                body = json.dumps({"token": service_self.token(self.path)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def realm(self):
        return "http://127.0.0.1:%d/token" % self.port

    def token(self, path):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        from urllib.parse import parse_qs, urlparse
        scope = parse_qs(urlparse(path).query).get("scope", [""])[0]
        access = []
        if scope.count(":") >= 2:
            kind, name, actions = scope.split(":", 2)
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self.cert_der).decode()]}
        claims = {"iss": "berth-test-issuer", "sub": USER, "aud": self.service, "exp": now + 300, "nbf": now - 10,
                  "iat": now, "jti": str(uuid.uuid4()), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature)

    def stop(self):
        self.server.shutdown()


def make_tls_files(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it; returns (ca, cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress
    now = datetime.datetime.utcnow()

    def build(subject, issuer, public_key, signing_key, ca, san=None):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
             .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
             .not_valid_after(now + datetime.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return b.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "berth test CA")])
    ca_cert = build(ca_name, ca_name, ca_key.public_key(), ca_key, True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), ca_name, key.public_key(), ca_key,
                 False, [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    paths = [os.path.join(directory, n) for n in ("ca.pem", "cert.pem", "key.pem")]
    for path, data in zip(paths, (ca_cert.public_bytes(serialization.Encoding.PEM),
                                  cert.public_bytes(serialization.Encoding.PEM),
                                  key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                                    serialization.NoEncryption()))):
        with open(path, "wb") as f:
            f.write(data)
    return paths


class Registry:
    def __init__(self, auth=None, tls=False):
        self.dir = tempfile.mkdtemp(prefix="berth-registry-")
        self.port = free_port()
        self.auth = auth
        self.token_service = None
        config = {"version": 0.1, "log": {"level": "error"},
                  "storage": {"filesystem": {"rootdirectory": os.path.join(self.dir, "data")}, "delete": {"enabled": True}},
                  "http": {"addr": "127.0.0.1:%d" % self.port}}
        if auth == "htpasswd":
            path = os.path.join(self.dir, "htpasswd")
            with open(path, "w") as f:
                for user, password in ((USER, PASSWORD), ("AWS", ECR_TOKEN)):
                    f.write("%s:%s\n" % (user, crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))))
            config["auth"] = {"htpasswd": {"realm": "berth-test", "path": path}}
        elif auth == "token":
            self.token_service = TokenService(self.dir, "berth-test-registry")
            config["auth"] = {"token": {"realm": self.token_service.realm, "service": "berth-test-registry",
                                        "issuer": "berth-test-issuer", "rootcertbundle": self.token_service.cert_path}}
        self.ca_path = None
        if tls:
            self.ca_path, cert, key = make_tls_files(self.dir)
            config["http"]["tls"] = {"certificate": cert, "key": key}
        self.config_path = os.path.join(self.dir, "config.yml")
        with open(self.config_path, "w") as f:
            json.dump(config, f)  # YAML is a superset of JSON
        self.proc = subprocess.Popen(["docker-registry", "serve", self.config_path],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"))
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("docker-registry did not start")

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port

    def push_layout(self, layout_dir, name, all_platforms=False, compress=None, manifest_format="oci"):
        """Copies an OCI layout into the registry as NAME (repo:tag) with skopeo; returns the digest
        of the layout's own manifest. `compress` ("zstd", "gzip") recompresses plain layers."""
        args = ["skopeo", "copy", "--dest-tls-verify=false", "--format", manifest_format]
        if compress:
            args += ["--dest-compress-format", compress]
        if all_platforms:
            args.append("--all")
        if self.auth:
            args += ["--dest-creds", "%s:%s" % (USER, PASSWORD)]
        subprocess.run(args + ["oci:%s" % layout_dir, "docker://%s/%s" % (self.host, name)], check=True,
                       capture_output=True, timeout=120)
        return self.digest_of(layout_dir)

    @staticmethod
    def digest_of(layout_dir):
        with open(os.path.join(layout_dir, "index.json")) as f:
            return json.load(f)["manifests"][0]["digest"]

    def blob_path(self, digest):
        hexdigest = digest.split(":", 1)[1]
        return os.path.join(self.dir, "data", "docker", "registry", "v2", "blobs", "sha256", hexdigest[:2], hexdigest, "data")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        if self.token_service:
            self.token_service.stop()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def busybox_layout(directory):
    """The busybox OCI layout rootfs/busybox-image.sh builds, unpacked into `directory`."""
    with tarfile.open(os.path.join(IMAGES, "busybox.tar")) as t:
        t.extractall(directory)
    return directory


def write_blob(layout_dir, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout_dir, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return digest, len(data)


def rewrite_image(directory, edit_config, extra_layers=()):
    """Makes the layout's image a new one: `edit_config(config)` changes its config in place and
    `extra_layers` ((media type, digest, size, diff id)) go on top; blobs and index.json are
    rewritten to match."""
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    desc = index["manifests"][0]
    with open(os.path.join(directory, "blobs", "sha256", desc["digest"][7:])) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, "blobs", "sha256", manifest["config"]["digest"][7:])) as f:
        config = json.load(f)
    edit_config(config)
    for media_type, digest, size, diff_id in extra_layers:
        manifest["layers"].append({"mediaType": media_type, "digest": digest, "size": size})
        config["rootfs"]["diff_ids"].append(diff_id)
    config_digest, config_size = write_blob(directory, json.dumps(config).encode())
    manifest["config"] = dict(manifest["config"], digest=config_digest, size=config_size)
    manifest_digest, manifest_size = write_blob(directory, json.dumps(manifest).encode())
    index["manifests"] = [dict(desc, digest=manifest_digest, size=manifest_size)]
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f)
    return directory


def uncompressed_layout(directory):
    """The busybox layout with its layer as a plain tar, which skopeo recompresses as asked."""
    import gzip
    busybox_layout(directory)
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    desc = index["manifests"][0]
    with open(os.path.join(directory, "blobs", "sha256", desc["digest"][7:])) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, "blobs", "sha256", manifest["layers"][0]["digest"][7:]), "rb") as f:
        plain = gzip.decompress(f.read())
    digest, size = write_blob(directory, plain)
    manifest["layers"] = [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": size}]
    manifest_digest, manifest_size = write_blob(directory, json.dumps(manifest).encode())
    index["manifests"] = [dict(desc, digest=manifest_digest, size=manifest_size)]
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f)
    return directory


def labelled_layout(directory, label):
    """The busybox layout as a distinct image: same layer, a config carrying `label`."""
    busybox_layout(directory)
    return rewrite_image(directory, lambda config: config.setdefault("config", {}).update(Labels={"berth.test": label}))


def multi_platform_layout(directory):
    """The busybox layout turned into an index of three platforms. Each has its own config (its
    architecture; the same busybox layer) so the chosen manifest shows which platform won.
    Returns {platform: manifest digest}."""
    busybox_layout(directory)
    with open(os.path.join(directory, "index.json")) as f:
        base_desc = json.load(f)["manifests"][0]
    with open(os.path.join(directory, "blobs", "sha256", base_desc["digest"][7:])) as f:
        base_manifest = json.load(f)
    with open(os.path.join(directory, "blobs", "sha256", base_manifest["config"]["digest"][7:])) as f:
        base_config = json.load(f)
    entries, digests = [], {}
    for arch, variant in (("arm64", "v8"), ("arm", "v7"), ("amd64", None)):
        config = dict(base_config, architecture=arch)
        if variant:
            config["variant"] = variant
        config_digest, config_size = write_blob(directory, json.dumps(config).encode())
        manifest = dict(base_manifest, config=dict(base_manifest["config"], digest=config_digest, size=config_size))
        manifest_digest, manifest_size = write_blob(directory, json.dumps(manifest).encode())
        platform = {"os": "linux", "architecture": arch}
        if variant:
            platform["variant"] = variant
        entries.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                        "size": manifest_size, "platform": platform})
        digests[arch] = manifest_digest
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}
    index_digest, index_size = write_blob(directory, json.dumps(index).encode())
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
                                                      "digest": index_digest, "size": index_size}]}, f)
    return digests


class BlobProxy:
    """A TCP proxy to the registry, one request a connection, recording each request's head; what
    reaches the client of each reply is up to `relay` (a subclass's), made per connection."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.requests = []
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def relay(self, head):
        """Returns send(client, data, sent) for one reply: passes `data` on (the reply's bytes from
        offset `sent`), returns False to end the connection there."""
        def send(client, data, sent):
            client.sendall(data)
            return True
        return send

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = client.recv(65536)
            if not chunk or not (request + chunk)[:1].isalpha():
                client.close()  # not HTTP (a TLS hello): refuse as a plain server would
                return
            request += chunk
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        head = request.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
        self.requests.append(head)
        send = self.relay(head)
        upstream.sendall(request)
        sent = 0
        try:
            while True:
                data = upstream.recv(65536)
                if not data or not send(client, data, sent):
                    break
                sent += len(data)
        finally:
            client.close()
            upstream.close()

    def close(self):
        self.listener.close()


def is_blob_request(head):
    return "/blobs/" in head.split("\r\n", 1)[0]


class CuttingProxy(BlobProxy):
    """Cuts the first blob download after `cut_after` bytes, as a flaky link would; later
    connections pass."""

    def __init__(self, target_port, cut_after):
        self.cut_after = cut_after
        self.cut_done = False
        super().__init__(target_port)

    def relay(self, head):
        cut = is_blob_request(head) and not self.cut_done and "range:" not in head.lower()

        def send(client, data, sent):
            if cut and sent + len(data) > self.cut_after:
                self.cut_done = True
                client.sendall(data[:self.cut_after - sent])
                return False
            client.sendall(data)
            return True
        return send


class HoldingProxy(BlobProxy):
    """Stops the first blob reply longer than `hold_after` bytes after that many bytes until
    `release` is set, as a slow link would; `held` says it got there."""

    def __init__(self, target_port, hold_after):
        self.hold_after = hold_after
        self.release = threading.Event()
        self.held = threading.Event()
        super().__init__(target_port)

    def relay(self, head):
        blob = is_blob_request(head)

        def send(client, data, sent):
            if blob and not self.held.is_set() and sent + len(data) > self.hold_after:
                client.sendall(data[:self.hold_after - sent])
                self.held.set()
                self.release.wait(120)
                data = data[self.hold_after - sent:]
            client.sendall(data)
            return True
        return send

    def close(self):
        self.release.set()
        super().close()
