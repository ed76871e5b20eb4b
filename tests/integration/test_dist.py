"""The flashable artefacts: `rootfs/dist.sh` packages the built binary into a .deb that lintian
accepts and apt would install, and a tarball with the init scripts for images without systemd."""
import os
import shutil
import subprocess
import tarfile
import tempfile
import unittest

from harness import BERTH

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


class DistTest(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="berth-dist-")
        self.addCleanup(shutil.rmtree, self.out, True)
        made = subprocess.run([os.path.join(ROOT, "rootfs", "dist.sh"), BERTH, "strip", "amd64", self.out],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(made.returncode, 0, made.stderr)
        self.deb, self.tarball = made.stdout.split()

    def test_the_deb_has_the_binary_conffile_unit_and_dependencies_and_is_lintian_clean(self):
        fields = subprocess.run(["dpkg-deb", "-f", self.deb], capture_output=True, text=True, check=True).stdout
        self.assertIn("Package: berth", fields)
        self.assertIn("Architecture: amd64", fields)
        self.assertIn("Depends: runc, containernetworking-plugins, iptables", fields)
        self.assertRegex(fields, r"Version: \d")
        files = subprocess.run(["dpkg-deb", "-c", self.deb], capture_output=True, text=True, check=True).stdout
        for path in ("./usr/bin/berth", "./etc/berth/berth.conf", "./lib/systemd/system/berth.service",
                     "./usr/share/doc/berth/copyright", "./usr/share/man/man1/berth.1.gz"):
            self.assertIn(path, files)
        info = tempfile.mkdtemp(dir=self.out)
        subprocess.run(["dpkg-deb", "-e", self.deb, info], check=True)
        with open(os.path.join(info, "conffiles")) as f:
            self.assertEqual(f.read().split(), ["/etc/berth/berth.conf"])
        # The maintainer scripts enable and start the unit on install and stop it on remove
        # (the VM's gateway scenario installs the package and checks the running service).
        for script, action in (("postinst", "deb-systemd-helper enable berth.service"),
                               ("prerm", "deb-systemd-invoke stop berth.service"),
                               ("postrm", "deb-systemd-helper purge berth.service")):
            path = os.path.join(info, script)
            self.assertEqual(os.stat(path).st_mode & 0o755, 0o755, script)
            with open(path) as f:
                self.assertIn(action, f.read())
        # The packaged binary is the one built, stripped, and it runs.
        unpacked = tempfile.mkdtemp(dir=self.out)
        subprocess.run(["dpkg-deb", "-x", self.deb, unpacked], check=True)
        version = subprocess.run([os.path.join(unpacked, "usr/bin/berth"), "version"], capture_output=True, text=True)
        self.assertTrue(version.stdout.startswith("berth "), version.stdout)
        lint = subprocess.run(["lintian", "--fail-on", "error,warning", self.deb], capture_output=True, text=True,
                              timeout=300)
        self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
        dry = subprocess.run(["apt-get", "install", "--dry-run", "-q", self.deb], capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(dry.returncode, 0, dry.stdout + dry.stderr)
        self.assertIn("Inst berth", dry.stdout)

    def test_the_tarball_carries_init_scripts_for_images_without_systemd(self):
        with tarfile.open(self.tarball) as tar:
            members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if "/" in m.name}
            for path in ("usr/bin/berth", "etc/berth/berth.conf", "lib/systemd/system/berth.service",
                         "etc/init.d/berth", "openrc/etc/init.d/berth", "README.md"):
                self.assertIn(path, members)
            self.assertEqual(members["etc/init.d/berth"].mode & 0o111, 0o111)
            self.assertEqual((members["usr/bin/berth"].uid, members["usr/bin/berth"].gid), (0, 0))
        for script in ("berth.sysvinit",):
            checked = subprocess.run(["sh", "-n", os.path.join(ROOT, "rootfs", "init", script)],
                                     capture_output=True, text=True)
            self.assertEqual(checked.returncode, 0, checked.stderr)


if __name__ == "__main__":
    unittest.main()
