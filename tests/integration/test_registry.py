"""Images pulled from a real registry (Debian's docker-registry on loopback, filled by skopeo):
tasks, pinning, platform selection, corrupt blobs, a cut connection, token and basic auth."""
import json
import os
import shutil
import subprocess
import tempfile
import urllib.request

from harness import BERTH, Berth
from registry import ECR_TOKEN, PASSWORD, USER, CuttingProxy, Registry, busybox_layout, labelled_layout, multi_platform_layout, uncompressed_layout
from test_tasks import TaskTestCase, wait_for


class RegistryTestCase(TaskTestCase):
    registry_auth = None
    registry_tls = False

    def setUp(self):
        self.registry = Registry(self.registry_auth, self.registry_tls)
        self.addCleanup(self.registry.cleanup)
        self.layouts = tempfile.mkdtemp(prefix="berth-layouts-")
        self.addCleanup(shutil.rmtree, self.layouts, True)
        super().setUp()

    def pull(self, name):
        return subprocess.run([BERTH, "image", "pull", name, "--data-dir", os.path.join(self.berth.dir, "data")] +
                              (["--config", self.berth.config_path] if self.berth.config_path else ["--config", "/dev/null"]),
                              capture_output=True, text=True, timeout=120)

    def push_busybox(self, name="team/app:1.2"):
        """busybox as an image of its own (a config labelled with `name`): the store already holds
        the imported busybox, and a pull of an image it holds fetches no layer."""
        return self.registry.push_layout(labelled_layout(os.path.join(self.layouts, name.replace("/", "_").replace(":", "_")), name), name)


class PullTest(RegistryTestCase):
    def test_a_task_runs_an_image_pulled_from_the_registry_and_a_pinned_one_is_not_fetched_again(self):
        digest = self.push_busybox()
        image = "%s/team/app:1.2" % self.registry.host
        self.register("pulled", [{"name": "main", "image": image, "command": ["sh", "-c", "echo pulled-ok"]}])
        arn = self.run_task("pulled")
        task = self.wait_status(arn, "STOPPED")
        self.assertEqual(task["containers"][0].get("exitCode"), 0, task)
        self.assertEqual(task["containers"][0]["imageDigest"], digest)
        self.assertIn("pullStartedAt", task)
        self.assertGreaterEqual(task["pullStoppedAt"], task["pullStartedAt"])
        # Pinned by digest and present: runs with the registry gone.
        self.registry.stop()
        pinned = "%s/team/app@%s" % (self.registry.host, digest)
        self.register("pinned", [{"name": "main", "image": pinned, "command": ["true"]}])
        task = self.wait_status(self.run_task("pinned"), "STOPPED")
        self.assertEqual(task["containers"][0].get("exitCode"), 0, task)
        # A tag under the default behavior falls back to the cached copy when the pull fails.
        task = self.wait_status(self.run_task("pulled"), "STOPPED")
        self.assertEqual(task["containers"][0].get("exitCode"), 0, task)

    def test_berth_image_pull_and_a_missing_image_fails_the_task_with_the_reason(self):
        self.push_busybox()
        out = self.pull("%s/team/app:1.2" % self.registry.host)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("pulled", out.stdout)
        listed = subprocess.run([BERTH, "image", "ls", "--config", "/dev/null", "--data-dir",
                                 os.path.join(self.berth.dir, "data")], capture_output=True, text=True).stdout
        self.assertIn("%s/team/app:1.2" % self.registry.host, listed)
        self.register("absent", [{"name": "main", "image": "%s/team/nothing:9" % self.registry.host, "command": ["true"]}])
        task = self.wait_status(self.run_task("absent"), "STOPPED")
        self.assertEqual(task["stopCode"], "TaskFailedToStart")
        self.assertIn("CannotPullContainerError", task["stoppedReason"])
        self.assertIn("not found", task["stoppedReason"])

    def test_pull_shows_progress_on_a_terminal(self):
        self.push_busybox("team/app:1.2")
        command = "%s image pull %s/team/app:1.2 --config /dev/null --data-dir %s" % (
            os.path.abspath(BERTH), self.registry.host, os.path.join(self.berth.dir, "data"))
        # script(1) gives the pull a terminal, as an operator's shell would.
        out = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("layers 1/1", out.stdout)
        self.assertIn("pulling", out.stdout)

    def test_a_multi_platform_index_picks_this_machines_platform(self):
        digests = multi_platform_layout(os.path.join(self.layouts, "multi"))
        self.registry.push_layout(os.path.join(self.layouts, "multi"), "team/multi:1", all_platforms=True)
        out = self.pull("%s/team/multi:1" % self.registry.host)
        self.assertEqual(out.returncode, 0, out.stderr)
        arch = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}[os.uname().machine]
        self.assertIn(digests[arch], out.stdout)
        for other, digest in digests.items():
            if other != arch:
                self.assertNotIn(digest, out.stdout)

    def test_a_corrupted_blob_is_rejected_by_digest(self):
        layout = labelled_layout(os.path.join(self.layouts, "bad"), "bad")
        self.registry.push_layout(layout, "team/bad:1")
        with open(os.path.join(layout, "blobs", "sha256", Registry.digest_of(layout)[7:])) as f:
            layer = json.load(f)["layers"][0]["digest"]
        path = self.registry.blob_path(layer)
        data = bytearray(open(path, "rb").read())
        data[len(data) // 2] ^= 0xFF
        open(path, "wb").write(bytes(data))
        images = os.path.join(self.berth.dir, "data", "images")
        before = sorted(f for f in os.listdir(images) if f != "blobs")  # the imported busybox, the index
        out = self.pull("%s/team/bad:1" % self.registry.host)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("does not match its digest", out.stderr)
        blobs = os.path.join(images, "blobs", "sha256")
        self.assertNotIn(layer[7:], os.listdir(blobs))
        self.assertNotIn(layer[7:] + ".partial", os.listdir(blobs))
        # The layer was unpacked while it streamed: its root is gone with the pull, and no image
        # (nor a name for one) appeared.
        self.assertEqual(sorted(f for f in os.listdir(images) if f != "blobs"), before)
        listed = subprocess.run([BERTH, "image", "ls", "--config", "/dev/null", "--data-dir", os.path.join(self.berth.dir, "data")],
                                capture_output=True, text=True).stdout
        self.assertNotIn("team/bad", listed)

    def test_a_connection_cut_mid_layer_resumes_from_the_bytes_already_there(self):
        self.push_busybox("team/flaky:1")
        proxy = CuttingProxy(self.registry.port, cut_after=300_000)
        self.addCleanup(proxy.close)
        out = self.pull("127.0.0.1:%d/team/flaky:1" % proxy.port)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(proxy.cut_done)
        ranges = [r for r in proxy.requests if "range: bytes=" in r.lower()]
        self.assertEqual(len(ranges), 1, proxy.requests)
        self.assertNotIn("range: bytes=0-", ranges[0].lower())


    def test_a_pull_onto_a_full_disk_fails_cleanly_and_keeps_the_store(self):
        self.push_busybox("team/app:1.2")
        small = tempfile.mkdtemp(prefix="berth-small-disk-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", small], check=True)
        self.addCleanup(shutil.rmtree, small, True)
        self.addCleanup(subprocess.run, ["umount", "-l", small])
        args = ["--config", "/dev/null", "--data-dir", small]
        imported = subprocess.run([BERTH, "image", "import", os.path.join(os.environ.get("BERTH_TEST_IMAGES", "build/images"),
                                                                          "busybox.tar")] + args, capture_output=True, text=True)
        self.assertEqual(imported.returncode, 0, imported.stderr)
        before = subprocess.run([BERTH, "image", "ls"] + args, capture_output=True, text=True).stdout
        out = subprocess.run([BERTH, "image", "pull", "%s/team/app:1.2" % self.registry.host] + args,
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("not enough free space", out.stderr)
        self.assertEqual(subprocess.run([BERTH, "image", "ls"] + args, capture_output=True, text=True).stdout, before)
        self.assertEqual([f for f in os.listdir(os.path.join(small, "images")) if f.startswith("tmp-")], [])

    def test_docker_schema2_manifests_and_manifest_lists(self):
        self.registry.push_layout(busybox_layout(os.path.join(self.layouts, "v2")), "team/docker:1", manifest_format="v2s2")
        multi_platform_layout(os.path.join(self.layouts, "multi"))
        self.registry.push_layout(os.path.join(self.layouts, "multi"), "team/dockerlist:1", all_platforms=True,
                                  manifest_format="v2s2")
        for repo in ("docker", "dockerlist"):
            request = urllib.request.Request("http://%s/v2/team/%s/manifests/1" % (self.registry.host, repo), headers={
                "Accept": "application/vnd.docker.distribution.manifest.list.v2+json, "
                          "application/vnd.docker.distribution.manifest.v2+json"})
            media = json.loads(urllib.request.urlopen(request, timeout=10).read())["mediaType"]
            self.assertTrue(media.startswith("application/vnd.docker.distribution.manifest."), media)
            self.register(repo, [{"name": "main", "image": "%s/team/%s:1" % (self.registry.host, repo),
                                  "command": ["true"]}])
            task = self.wait_status(self.run_task(repo), "STOPPED")
            self.assertEqual(task["containers"][0].get("exitCode"), 0, task)

    def test_zstd_and_plain_layers(self):
        layout = uncompressed_layout(os.path.join(self.layouts, "plain"))
        self.registry.push_layout(layout, "team/zstd:1", compress="zstd")
        self.registry.push_layout(layout, "team/plain:1")
        for name in ("team/zstd:1", "team/plain:1"):
            image = "%s/%s" % (self.registry.host, name)
            family = name.split("/")[1].split(":")[0]
            self.register(family, [{"name": "main", "image": image, "command": ["sh", "-c", "test -x /bin/busybox"]}])
            task = self.wait_status(self.run_task(family), "STOPPED")
            self.assertEqual(task["containers"][0].get("exitCode"), 0, task)
        request = urllib.request.Request("http://%s/v2/team/zstd/manifests/1" % self.registry.host,
                                         headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        manifest = json.loads(urllib.request.urlopen(request, timeout=10).read())
        self.assertTrue(manifest["layers"][0]["mediaType"].endswith("+zstd"), manifest)

    def test_tasks_starting_together_share_one_download(self):
        digest = self.push_busybox("team/shared:1")
        proxy = CuttingProxy(self.registry.port, cut_after=1 << 40)  # counts, never cuts
        self.addCleanup(proxy.close)
        self.register("shared", [{"name": "main", "image": "127.0.0.1:%d/team/shared:1" % proxy.port,
                                  "command": ["true"]}])
        arns = [t["taskArn"] for t in self.ecs.run_task(taskDefinition="shared", count=3)["tasks"]]
        self.assertEqual(len(arns), 3)
        for arn in arns:
            task = self.wait_status(arn, "STOPPED")
            self.assertEqual(task["containers"][0].get("exitCode"), 0, task)
            self.assertEqual(task["containers"][0]["imageDigest"], digest)
        manifests = [r for r in proxy.requests if "/manifests/" in r.split("\r\n", 1)[0]]
        blobs = [r for r in proxy.requests if "/blobs/" in r.split("\r\n", 1)[0]]
        self.assertEqual((len(manifests), len(blobs)), (1, 2), proxy.requests)  # one manifest, config + layer

    def test_an_image_the_store_holds_under_another_name_fetches_no_layer(self):
        # The imported busybox and this one share their config, so their unpacked root too.
        self.registry.push_layout(busybox_layout(os.path.join(self.layouts, "same")), "team/same:1")
        proxy = CuttingProxy(self.registry.port, cut_after=1 << 40)  # counts, never cuts
        self.addCleanup(proxy.close)
        out = self.pull("127.0.0.1:%d/team/same:1" % proxy.port)
        self.assertEqual(out.returncode, 0, out.stderr)
        blobs = [r.split("\r\n", 1)[0] for r in proxy.requests if "/blobs/" in r.split("\r\n", 1)[0]]
        self.assertEqual(len(blobs), 1, blobs)  # the config alone
        listed = subprocess.run([BERTH, "image", "ls", "--config", "/dev/null", "--data-dir", os.path.join(self.berth.dir, "data")],
                                capture_output=True, text=True).stdout
        self.assertIn("team/same:1", listed)


class ImageCleanupTest(RegistryTestCase):
    config_text = TaskTestCase.config_text + (
        "ECS_IMAGE_CLEANUP_INTERVAL=1s\nECS_IMAGE_MINIMUM_CLEANUP_AGE=1s\nECS_NUM_IMAGES_DELETE_PER_CYCLE=5\n")

    def images(self):
        return subprocess.run([BERTH, "image", "ls", "--config", "/dev/null", "--data-dir",
                               os.path.join(self.berth.dir, "data")], capture_output=True, text=True).stdout

    def test_cleanup_removes_only_unused_pulled_images(self):
        self.registry.push_layout(labelled_layout(os.path.join(self.layouts, "used"), "used"), "team/used:1")
        self.registry.push_layout(labelled_layout(os.path.join(self.layouts, "unused"), "unused"), "team/unused:1")
        used, unused = "%s/team/used:1" % self.registry.host, "%s/team/unused:1" % self.registry.host
        for name in (used, unused):
            self.assertEqual(self.pull(name).returncode, 0)
        self.register("user", [{"name": "main", "image": used, "stopTimeout": 1, "command": ["sleep", "300"]}])
        self.wait_status(self.run_task("user"), "RUNNING")
        wait_for(lambda: unused not in self.images(), timeout=20, what="the unused image collected")
        listing = self.images()
        self.assertIn(used, listing)
        self.assertIn("docker.io/library/busybox:latest", listing)  # imported: never collected


class AlwaysPullTest(RegistryTestCase):
    config_text = TaskTestCase.config_text + "ECS_IMAGE_PULL_BEHAVIOR=always\n"

    def test_always_fails_the_task_when_the_registry_is_gone_even_with_a_cached_copy(self):
        self.push_busybox("team/app:1.2")
        image = "%s/team/app:1.2" % self.registry.host
        self.register("app", [{"name": "main", "image": image, "command": ["true"]}])
        self.assertEqual(self.wait_status(self.run_task("app"), "STOPPED")["containers"][0].get("exitCode"), 0)
        self.registry.stop()
        task = self.wait_status(self.run_task("app"), "STOPPED")
        self.assertEqual(task["stopCode"], "TaskFailedToStart")
        self.assertIn("CannotPullContainerError", task["stoppedReason"])


class TlsTest(RegistryTestCase):
    registry_tls = True

    def test_https_with_the_registrys_ca_trusted_and_refused_without_it(self):
        self.push_busybox("team/secure:1")
        name = "%s/team/secure:1" % self.registry.host
        untrusted = self.pull(name)
        self.assertNotEqual(untrusted.returncode, 0)
        self.assertIn("certificate is not trusted", untrusted.stderr)
        with open(self.berth.config_path, "a") as f:
            f.write("BERTH_REGISTRY_CA_FILE=%s\n" % self.registry.ca_path)
        trusted = self.pull(name)
        self.assertEqual(trusted.returncode, 0, trusted.stderr)  # this registry speaks only TLS


class TokenAuthTest(RegistryTestCase):
    registry_auth = "token"

    def configure(self, password):
        config = TaskTestCase.config_text + "ECS_ENGINE_AUTH_TYPE=docker\nECS_ENGINE_AUTH_DATA=%s\n" % json.dumps(
            {"http://%s" % self.registry.host: {"username": USER, "password": password}})
        with open(self.berth.config_path, "w") as f:
            f.write(config)

    def test_token_auth_with_the_right_and_wrong_credentials(self):
        self.push_busybox("team/private:1")
        name = "%s/team/private:1" % self.registry.host
        anonymous = self.pull(name)
        self.assertNotEqual(anonymous.returncode, 0)
        self.assertIn("refused the anonymous request", anonymous.stderr)
        self.configure("wrong-password")
        wrong = self.pull(name)
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("refused the configured credentials", wrong.stderr)
        self.assertNotIn("wrong-password", wrong.stderr)
        self.configure(PASSWORD)
        right = self.pull(name)
        self.assertEqual(right.returncode, 0, right.stderr)
        self.assertTrue(any("scope=repository%3Ateam%2Fprivate%3Apull" in r for r in self.registry.token_service.requests))


class BasicAuthTest(RegistryTestCase):
    registry_auth = "htpasswd"

    def test_basic_auth_from_a_dockercfg_entry_and_an_ecr_style_token(self):
        import base64
        self.push_busybox("team/basic:1")
        name = "%s/team/basic:1" % self.registry.host
        self.assertIn("requires credentials", self.pull(name).stderr)
        with open(self.berth.config_path, "w") as f:
            f.write(TaskTestCase.config_text + "ECS_ENGINE_AUTH_TYPE=dockercfg\nECS_ENGINE_AUTH_DATA=%s\n" % json.dumps(
                {self.registry.host: {"auth": base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()}}))
        out = self.pull(name)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn(PASSWORD, out.stdout + out.stderr)
        # ECR's shape: user AWS, the token as password, in a docker-type entry.
        removed = subprocess.run([BERTH, "image", "rm", name, "--config", "/dev/null", "--data-dir",
                                  os.path.join(self.berth.dir, "data")], capture_output=True, text=True)
        self.assertEqual(removed.returncode, 0, removed.stderr)
        with open(self.berth.config_path, "w") as f:
            f.write(TaskTestCase.config_text + "ECS_ENGINE_AUTH_TYPE=docker\nECS_ENGINE_AUTH_DATA=%s\n" % json.dumps(
                {"https://" + self.registry.host: {"username": "AWS", "password": ECR_TOKEN}}))
        ecr = self.pull(name)
        self.assertEqual(ecr.returncode, 0, ecr.stderr)
