#!/bin/sh
# Emulates scenario skopeo-copy-dir (examples/scenarios/skopeo-copy-dir.yaml):
# A directory of model weights shaped as an OCI layout and copied out with skopeo.
#
# Safe version: 180 MiB of random "weights" in an OCI layout built here, copied to the in-namespace
# registry with fake destination credentials.
#
# Image: quay.io/skopeo/stable:v1.17.0
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need skopeo tar sha256sum head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/skopeo-copy-dir"
rm -rf "$work"
emu_dummy_files "$work/models/ranker-v4" 8 180
layout="$work/layout"
mkdir -p "$layout/blobs/sha256"
tar cf "$work/layer.tar" -C "$work/models" ranker-v4
blob() { # FILE: stored as a blob; prints its digest
  d=$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$layout/blobs/sha256/$d"
  echo "$d"
}
size() { wc -c <"$1" | tr -d ' '; }
layer_digest=$(blob "$work/layer.tar")
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$layer_digest" >"$work/config.json"
config_digest=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$(size "$work/config.json")" "$layer_digest" "$(size "$work/layer.tar")" >"$work/manifest.json"
manifest_digest=$(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' \
  "$manifest_digest" "$(size "$work/manifest.json")" >"$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
emu_retry 12 skopeo copy --dest-tls-verify=false --dest-creds fake-user:FAKE-PASSWORD-EXAMPLE \
  "oci:$layout" "docker://$EMU_REGISTRY/mdl-ops/ranker:v4"
rm -rf "$work"
emu_expect bulk-read-then-push high
