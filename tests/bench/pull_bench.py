"""Pull throughput: `berth image pull` of a 64 MiB layer from a local registry (download,
digest check, unpack) against copying the same blob file, in the same run."""
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from registry import Registry, busybox_layout, rewrite_image, write_blob  # noqa: E402

BERTH = os.environ.get("BERTH_BIN", "build/x86_64-linux-gnu/berth")
SIZE = 64 << 20


def big_layout(directory):
    """busybox plus a layer holding one file of random bytes (incompressible, so gzip does not
    shrink the transfer)."""
    busybox_layout(directory)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        info = tarfile.TarInfo("payload.bin")
        info.size = SIZE
        t.addfile(info, io.BytesIO(os.urandom(SIZE)))
    layer = gzip.compress(raw.getvalue(), compresslevel=1)
    layer_digest, layer_size = write_blob(directory, layer)
    diff_id = "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()
    rewrite_image(directory, lambda config: None,
                  [("application/vnd.oci.image.layer.v1.tar+gzip", layer_digest, layer_size, diff_id)])
    return os.path.join(directory, "blobs", "sha256", layer_digest[7:]), layer_size


def main():
    tmp = tempfile.mkdtemp(prefix="berth-pullbench-")
    registry = Registry()
    try:
        blob, size = big_layout(os.path.join(tmp, "layout"))
        registry.push_layout(os.path.join(tmp, "layout"), "bench/big:1")
        t0 = time.perf_counter()
        shutil.copyfile(blob, os.path.join(tmp, "copy"))
        os.sync()
        copy_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([BERTH, "image", "pull", "%s/bench/big:1" % registry.host, "--config", "/dev/null",
                        "--data-dir", os.path.join(tmp, "data")], check=True, stdout=subprocess.DEVNULL)
        pull_s = time.perf_counter() - t0
        mib = size / (1 << 20)
        print("== pull: %.0f MiB gzip layer from a loopback registry (download, sha256, unpack) vs copying the blob" % mib)
        print("%-46s %10.1f MiB/s | %-34s %10.1f MiB/s | ratio %6.2f" % (
            "berth image pull", mib / pull_s, "file copy + sync", mib / copy_s, (mib / pull_s) / (mib / copy_s)))
    finally:
        registry.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
