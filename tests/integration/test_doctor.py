"""`berth doctor` on this host: the checks it prints and its exit code."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BERTH


class DoctorTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="berth-doctor-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def doctor(self, config="/dev/null", data_dir=None):
        return subprocess.run([BERTH, "doctor", "--config", config, "--data-dir", data_dir or os.path.join(self.dir, "data"),
                               "--run-dir", os.path.join(self.dir, "run")], capture_output=True, text=True, timeout=30)

    def line(self, out, name):
        lines = [l for l in out.stdout.splitlines() if re.match(r"^(ok  |warn|FAIL) " + re.escape(name) + " ", l)]
        self.assertEqual(len(lines), 1, out.stdout)
        return lines[0]

    def test_runc_cni_and_iptables_are_found_here(self):
        out = self.doctor()
        for name in ("runc", "cni", "iptables", "data dir", "run dir"):
            self.assertTrue(self.line(out, name).startswith("ok   "), out.stdout)
        self.assertRegex(self.line(out, "runc"), r"runc version \d")
        self.assertIn("bridge host-local portmap loopback", self.line(out, "cni"))
        for name in ("root", "kernel", "cgroups", "namespaces", "overlayfs", "seccomp", "memory"):
            self.line(out, name)
        self.assertEqual(out.returncode, 0 if "\nFAIL" not in "\n" + out.stdout else 1, out.stdout)

    def test_missing_cni_plugins_fail_with_the_fix(self):
        config = os.path.join(self.dir, "berth.conf")
        with open(config, "w") as f:
            f.write("BERTH_CNI_PATH=/nonexistent\n")
        out = self.doctor(config)
        cni = self.line(out, "cni")
        self.assertTrue(cni.startswith("FAIL "), cni)
        self.assertIn("missing in /nonexistent: bridge host-local portmap loopback", cni)
        self.assertIn("fix: apt install containernetworking-plugins, or set BERTH_CNI_PATH", cni)
        self.assertEqual(out.returncode, 1, out.stdout)

    def test_a_data_dir_nothing_can_be_created_in_fails(self):
        out = self.doctor(data_dir="/proc/berth")
        line = self.line(out, "data dir")
        self.assertTrue(line.startswith("FAIL "), line)
        self.assertIn("/proc/berth is not writable (at /proc)", line)
        self.assertEqual(out.returncode, 1, out.stdout)


if __name__ == "__main__":
    unittest.main()
