"""Pull throughput: `berth image pull` of a 64 MiB gzip layer from a loopback registry (download,
digest check, unpack) against copying the same blob file and, when installed, against `skopeo
copy` + `umoci unpack` of the same image from the same registry, in the same run. The benchmark
installs nothing: a peer that is missing is named and skipped. Each figure is the median of
ROUNDS interleaved rounds (the machine is shared). BERTH_BASELINE_BIN, if set, names other berth
binaries (separated by ':') measured alongside, for a before/after comparison."""
import gzip
import hashlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from registry import Registry, busybox_layout, rewrite_image, write_blob  # noqa: E402

BERTH = os.environ.get("BERTH_BIN", "build/x86_64-linux-gnu/berth")
BASELINES = [b for b in os.environ.get("BERTH_BASELINE_BIN", "").split(":") if b]
ROUNDS = int(os.environ.get("PULL_BENCH_ROUNDS", "3"))
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


def timed(run):
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def main():
    tmp = tempfile.mkdtemp(prefix="berth-pullbench-")
    registry = Registry()
    try:
        blob, size = big_layout(os.path.join(tmp, "layout"))
        registry.push_layout(os.path.join(tmp, "layout"), "bench/big:1")
        image = "%s/bench/big:1" % registry.host
        peers = shutil.which("skopeo") and shutil.which("umoci")
        if not peers:
            print("skopeo + umoci: not installed (apt-get install skopeo umoci), their row is skipped")

        def copy():
            shutil.copyfile(blob, os.path.join(tmp, "copy"))
            os.sync()

        def berth_pull(binary):
            data = os.path.join(tmp, "data")
            shutil.rmtree(data, ignore_errors=True)
            subprocess.run([binary, "image", "pull", image, "--config", "/dev/null", "--data-dir", data],
                           check=True, stdout=subprocess.DEVNULL)

        def skopeo_umoci():
            oci, bundle = os.path.join(tmp, "oci"), os.path.join(tmp, "bundle")
            shutil.rmtree(oci, ignore_errors=True)
            shutil.rmtree(bundle, ignore_errors=True)
            subprocess.run(["skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + image, "oci:%s:1" % oci],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["umoci", "unpack", "--image", "%s:1" % oci, bundle], check=True, stdout=subprocess.DEVNULL)

        runs = {"copy": copy, "berth": lambda: berth_pull(BERTH)}
        for binary in BASELINES:
            runs[binary] = lambda binary=binary: berth_pull(binary)
        if peers:
            runs["peer"] = skopeo_umoci
        times = {name: [] for name in runs}
        for _ in range(ROUNDS):
            for name, run in runs.items():
                times[name].append(timed(run))
        mib = size / (1 << 20)
        rate = {name: mib / statistics.median(t) for name, t in times.items()}
        print("== pull: %.0f MiB gzip layer from a loopback registry (download, sha256, unpack), median of %d rounds"
              % (mib, ROUNDS))
        print("%-44s %8.1f MiB/s" % ("file copy + sync of the blob", rate["copy"]))
        print("%-44s %8.1f MiB/s | ratio to copy %5.2f" % ("berth image pull", rate["berth"], rate["berth"] / rate["copy"]))
        for binary in BASELINES:
            print("%-44s %8.1f MiB/s | ratio to copy %5.2f | berth / it %5.2f" % (
                "berth image pull (%s)" % binary, rate[binary], rate[binary] / rate["copy"], rate["berth"] / rate[binary]))
        if peers:
            print("%-44s %8.1f MiB/s | ratio to copy %5.2f | berth / it %5.2f" % (
                "skopeo copy + umoci unpack", rate["peer"], rate["peer"] / rate["copy"], rate["berth"] / rate["peer"]))
    finally:
        registry.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
