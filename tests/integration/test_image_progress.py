"""`berth image import` draws its progress on a terminal, as `pull` does: a bar of the archive's
bytes read, then the layers unpacked, redrawn in place on stderr; nothing of it when stderr is
no terminal (a script's log gets the result line alone)."""
import os
import pty
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import BERTH, IMAGES


def run_on_terminal(args, env=None, stderr_too=True):
    """Runs `args` with stdout (and stderr, unless not `stderr_too`) on a pty; returns (exit code,
    what it printed there)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=follower, stderr=follower if stderr_too else subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(timeout=60), out.decode()


class ImageProgressTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="berth-images-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.archive = os.path.join(IMAGES, "busybox.tar")

    def import_args(self):
        return [BERTH, "image", "import", self.archive, "--config", "/dev/null", "--data-dir", self.dir]

    def test_import_draws_a_bar_on_a_terminal_and_nothing_in_a_pipe(self):
        code, out = run_on_terminal(self.import_args())
        self.assertEqual(code, 0, out)
        size = os.path.getsize(self.archive)
        drawn = [line for line in out.replace("\r\n", "\n").split("\r") if line.startswith("importing ")]
        self.assertGreaterEqual(len(drawn), 2, out)  # redrawn as it went, not once at the end
        self.assertRegex(drawn[0], r"^importing \S+busybox\.tar \[[#-]{20}\] ")
        # The last drawing: every byte of the archive, its one layer unpacked; then the result line.
        whole = "%.1f MB" % (size / 1e6) if size >= 1e6 else "%.1f kB" % (size / 1e3)
        self.assertRegex(drawn[-1], r"^importing \S+ \[#{20}\] %s of %s, layers 1/1 *\n" % (re.escape(whole), re.escape(whole)))
        self.assertRegex(drawn[-1], r"\nimported sha256:[0-9a-f]{12} docker\.io/library/busybox:latest ")

        piped = subprocess.run(self.import_args(), capture_output=True, text=True, timeout=60)
        self.assertEqual(piped.returncode, 0, piped.stderr)
        self.assertEqual(piped.stderr, "")
        self.assertRegex(piped.stdout, r"^imported sha256:[0-9a-f]{12} ")
