#!/bin/sh
# Builds, with no network, a small busybox-static image for tests and the README demo, as an
# OCI image-layout tarball (OUT/busybox.tar) and as a `docker save` archive
# (OUT/busybox-docker.tar), both named busybox:latest. Needs Debian's busybox-static.
# Usage: rootfs/busybox-image.sh OUT_DIR
set -eu
out=$(mkdir -p "$1" && cd "$1" && pwd)
[ -f "$out/busybox.tar" ] && [ -f "$out/busybox-docker.tar" ] && exit 0
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "rootfs: $busybox is missing: apt-get install busybox-static" >&2; exit 1; }

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  armv7l|armv6l) arch=arm ;;
  *) arch=$(uname -m) ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\napp:x:1000:1000:app:/tmp:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n' > "$root/etc/group"

# Deterministic layer: same bytes on every build.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
gzip -n -9 -c "$work/layer.tar" > "$work/layer.tar.gz"
sha() { sha256sum "$1" | cut -d' ' -f1; }
diff_id=$(sha "$work/layer.tar")
layer_digest=$(sha "$work/layer.tar.gz")
layer_size=$(stat -c %s "$work/layer.tar.gz")

printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"berth rootfs/busybox-image.sh"}]}' \
  "$arch" "$diff_id" > "$work/config.json"
config_digest=$(sha "$work/config.json")
config_size=$(stat -c %s "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
manifest_digest=$(sha "$work/manifest.json")
manifest_size=$(stat -c %s "$work/manifest.json")

oci="$work/oci"
mkdir -p "$oci/blobs/sha256"
cp "$work/layer.tar.gz" "$oci/blobs/sha256/$layer_digest"
cp "$work/config.json" "$oci/blobs/sha256/$config_digest"
cp "$work/manifest.json" "$oci/blobs/sha256/$manifest_digest"
printf '{"imageLayoutVersion":"1.0.0"}' > "$oci/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"docker.io/library/busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' \
  "$manifest_digest" "$manifest_size" > "$oci/index.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$oci" -cf "$out/busybox.tar" .

docker="$work/docker"
mkdir -p "$docker/$diff_id"
cp "$work/layer.tar" "$docker/$diff_id/layer.tar"
cp "$work/config.json" "$docker/$config_digest.json"
printf '[{"Config":"%s.json","RepoTags":["busybox:latest"],"Layers":["%s/layer.tar"]}]' \
  "$config_digest" "$diff_id" > "$docker/manifest.json"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$docker" -cf "$out/busybox-docker.tar" .
