"""The berth binary's own verbs, flags and configuration file."""
import os
import subprocess

from harness import BERTH, Berth, BerthTestCase


def run(*args):
    return subprocess.run([BERTH, *args], capture_output=True, text=True, timeout=10)


class CliTest(BerthTestCase):
    config_text = "# gateway config\nECS_CLUSTER=plant-7\nBERTH_REGION=eu-edge-1\nBERTH_ACCOUNT_ID=123456789012\n"

    def test_config_file_names_the_cluster_region_and_account(self):
        arns = self.berth.aws("list-clusters")["clusterArns"]
        self.assertEqual(arns, ["arn:aws:ecs:eu-edge-1:123456789012:cluster/plant-7"])
        td = self.register_example()["taskDefinition"]
        self.assertTrue(td["taskDefinitionArn"].startswith("arn:aws:ecs:eu-edge-1:123456789012:"))

    def test_flags_override_the_file(self):
        other = Berth(["--cluster", "override"], self.config_text).start()
        self.addCleanup(other.cleanup)
        arns = other.aws("list-clusters")["clusterArns"]
        self.assertEqual(arns, ["arn:aws:ecs:eu-edge-1:123456789012:cluster/override"])

    def test_an_unknown_berth_key_is_warned_about_and_berth_still_starts(self):
        # A gateway rolled back to an older berth keeps its newer config file.
        other = Berth([], self.config_text + "BERTH_TSL=on\n").start()
        self.addCleanup(other.cleanup)
        self.assertEqual(other.aws("list-clusters")["clusterArns"],
                         ["arn:aws:ecs:eu-edge-1:123456789012:cluster/plant-7"])
        with open(other.log_path) as f:
            self.assertIn("unknown key BERTH_TSL: not one of berth's configuration keys; ignored", f.read())

    def test_version_and_help(self):
        out = run("version")
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^berth \S+ \(x86_64|arm64|arm\)")
        for args in (["--help"], ["help"], ["serve", "--help"], ["help", "serve"], ["version", "--help"],
                     ["attach", "--help"], ["exec", "--help"], ["help", "exec"]):
            out = run(*args)
            self.assertEqual(out.returncode, 0, args)
            self.assertIn("Usage: berth", out.stdout, args)
        self.assertIn("--data-dir", run("serve", "--help").stdout)
        self.assertIn("-- COMMAND", run("exec", "--help").stdout)
        self.assertIn("attach", run("help").stdout)

    def test_bad_usage_exits_2_with_a_message(self):
        for args, text in ((["fly"], "unknown verb"), (["serve", "--colour", "red"], "unknown flag"),
                           (["serve", "--config", "/nonexistent/berth.conf"], "cannot read config"),
                           (["serve", "--log-level", "loud"], "log level"), ([], "missing verb")):
            out = run(*args)
            self.assertEqual(out.returncode, 2, args)
            self.assertIn(text, out.stderr, args)

    def test_a_newer_database_is_refused_with_a_clear_message(self):
        self.berth.stop()
        db = os.path.join(self.berth.dir, "data", "berth.db")
        subprocess.run(["/usr/bin/python3", "-c",
                        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=999'); c.commit()",
                        db], check=True)
        out = run("serve", "--config", "/dev/null", "--data-dir", os.path.join(self.berth.dir, "data"),
                  "--run-dir", os.path.join(self.berth.dir, "run"), "--socket", "", "--listen", "127.0.0.1:0")
        self.assertEqual(out.returncode, 1)
        self.assertIn("newer", out.stderr)
