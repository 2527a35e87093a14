#!/bin/sh
# Emulates scenario docker-sock-push-bridged (examples/scenarios/docker-sock-push-bridged.yaml):
# A CI pod with the node's docker.sock bakes 100 MiB of data into an image and pushes it; dockerd uploads.
#
# Needs a node whose container runtime is Docker and a pod that mounts /var/run/docker.sock (a hostPath
# the emulation namespace's baseline Pod Security level forbids): this is opt-in, see README.md. The image
# is pushed by the node's dockerd to the in-namespace registry, which dockerd must treat as insecure
# (plain HTTP) — or set EMU_REGISTRY to a TLS registry of your own. Credentials are fake.
#
# Image: docker:27-cli
# Job: no — opt-in: needs a Docker-runtime node and a docker.sock hostPath (README.md).
# Expected alert: bulk-read-then-push, severity critical
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need docker tar head
emu_check_target "$EMU_REGISTRY"
[ -S /var/run/docker.sock ] || [ -n "${DOCKER_HOST:-}" ] || emu_die "no docker.sock mounted and no DOCKER_HOST (see README.md)"
work="$EMU_WORKDIR/docker-sock-push-bridged"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
emu_dummy_files "$work/artifacts" 64 100
mkdir -p "$work/ctx"
tar -C "$work/artifacts" -cf "$work/ctx/data.tar" .
printf 'FROM scratch\nCOPY data.tar /data.tar\n' >"$work/ctx/Dockerfile"
docker build -q -t "$EMU_REGISTRY/cache-mirror/nightly:latest" "$work/ctx"
emu_retry 12 docker push -q "$EMU_REGISTRY/cache-mirror/nightly:latest"
docker rmi -f "$EMU_REGISTRY/cache-mirror/nightly:latest" >/dev/null 2>&1 || true
rm -rf "$work"
emu_expect bulk-read-then-push critical
