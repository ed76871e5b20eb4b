"""GET /v1/images and the dashboard's images view (headless Chromium, as test_dashboard) while the
agent pulls for a task: a registry reached through a proxy that holds the layer's download part
way shows the pull under way with its bytes and layers, as far as it got, in the API and as a bar
in the page; once let go, the pull is gone from both and the image is there, pulled, in use by the
task, without a reload."""
from harness import wait_for
from registry import HoldingProxy
from test_dashboard import DashboardTestCase
from test_registry import RegistryTestCase


class ImageListingTest(DashboardTestCase, RegistryTestCase):
    def images(self):
        status, body, _ = self.berth.raw(None, b"", method="GET", path="/v1/images")
        self.assertEqual(status, 200, body)
        return body

    def test_a_pull_under_way_is_listed_with_its_progress_then_the_image_in_use(self):
        self.push_busybox("team/slow:1")
        proxy = HoldingProxy(self.registry.port, hold_after=200_000)
        self.addCleanup(proxy.close)
        name = "127.0.0.1:%d/team/slow:1" % proxy.port
        self.register("slow", [{"name": "main", "image": name, "command": ["sleep", "600"]}])
        task = self.run_task("slow")

        def held_pull():
            pulls = [p for p in self.images()["pulls"] if p["name"] == name]
            # The layer's bytes up to the hold (less the reply's head), the config's before them.
            return proxy.held.is_set() and pulls and pulls[0]["bytesDone"] > 100_000 and pulls[0]
        pull = wait_for("the pull listed part way", held_pull, timeout=60)
        self.assertEqual((pull["layersDone"], pull["layersTotal"]), (0, 1))
        self.assertLess(pull["bytesDone"], pull["bytesTotal"])
        self.assertNotIn(name, [n for i in self.images()["images"] for n in i["names"]])
        self.open_browser()
        self.open("images")
        self.sign_in(self.berth.key)
        card = wait_for("the pull's bar in the page", lambda: self.text('[data-pull="%s"]' % name), timeout=20)
        self.assertIn("layers 0/1", card)
        self.assertRegex(card, r"\d+\.\d kB of 1\.\d MB")
        self.shot("images-pulling")

        proxy.release.set()
        self.wait_status(task, "RUNNING")
        wait_for("the pulled image in the page, in use",
                 lambda: not self.text("[data-pull]") and name in (self.text("main") or "") and
                 "IN USE" in (self.text("main") or ""), timeout=20)
        self.shot("images-pulled")
        self.assert_clean_browser_logs()
        listed = self.images()
        self.assertEqual(listed["pulls"], [])
        [pulled] = [i for i in listed["images"] if name in i["names"]]
        self.assertEqual((pulled["source"], pulled["inUse"]), ("pulled", True))
        self.assertGreater(pulled["sizeInBytes"], 1_000_000)
        [imported] = [i for i in listed["images"] if "docker.io/library/busybox:latest" in i["names"]]
        self.assertEqual((imported["source"], imported["inUse"]), ("imported", False))
