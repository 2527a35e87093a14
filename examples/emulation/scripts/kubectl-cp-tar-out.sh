#!/bin/sh
# Emulates scenario kubectl-cp-tar-out (examples/scenarios/kubectl-cp-tar-out.yaml):
# `kubectl cp` out of the cluster: the runtime starts `tar cf -` in the database pod.
#
# This one runs from YOUR workstation, not in the Job: `kubectl cp` makes the container runtime start
# `tar cf -` inside the target pod, and that tar is what exfilwatch sees. The script creates 140 MiB of
# random "database files" in the target pod (EMU_TARGET_POD, default: the git-server pod of the emulation
# namespace, which mounts an emptyDir at /srv/git) and copies them out. Needs kubectl with exec rights on
# that namespace.
#
# Image: your workstation (kubectl)
# Job: no — run it from your workstation (kubectl cp starts tar inside the target pod).
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need kubectl
: "${EMU_TARGET_POD:=$(kubectl -n "$EMU_NAMESPACE" get pods -l app.kubernetes.io/name=git-server -o name | head -n 1)}"
target=${EMU_TARGET_POD#pod/}
[ -n "$target" ] || emu_die "no target pod (set EMU_TARGET_POD)"
# shellcheck disable=SC2016 # expanded by the shell inside the target pod, not here
kubectl -n "$EMU_NAMESPACE" exec "$target" -c git-daemon -- sh -c \
  'mkdir -p /srv/git/pgdata && i=1; while [ $i -le 150 ]; do head -c 978944 /dev/urandom >/srv/git/pgdata/$i; i=$((i+1)); done'
out=$(mktemp -d)
kubectl -n "$EMU_NAMESPACE" cp -c git-daemon "$target:/srv/git/pgdata" "$out/pgdata"
kubectl -n "$EMU_NAMESPACE" exec "$target" -c git-daemon -- rm -rf /srv/git/pgdata
rm -rf "$out"
emu_expect bulk-read-then-push high
