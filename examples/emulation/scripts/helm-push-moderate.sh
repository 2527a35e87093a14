#!/bin/sh
# Emulates scenario helm-push-moderate (examples/scenarios/helm-push-moderate.yaml):
# A Helm chart stuffed with a config dump (moderate volume) and pushed to an OCI registry.
#
# Safe version: 120 random "config" templates (12 MiB), in-namespace registry.
#
# Image: alpine/helm:3.16.4
# Expected alert: push-after-moderate-reads, severity medium
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need helm head
emu_check_target "$EMU_REGISTRY"
work="$EMU_WORKDIR/helm-push-moderate"
rm -rf "$work"
chart="$work/chart-dump"
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: chart-dump\nversion: 0.1.0\n' >"$chart/Chart.yaml"
i=1
while [ "$i" -le 120 ]; do
  { printf '# '; head -c 104857 /dev/urandom | od -An -tx1 | tr -d ' \n'; printf '\n'; } >"$chart/templates/cfg-$(printf '%03d' "$i").yaml"
  i=$((i + 1))
done
helm package "$chart" -d "$work" >/dev/null
emu_retry 12 helm push --plain-http "$work/chart-dump-0.1.0.tgz" "oci://$EMU_REGISTRY/chartz-mirror"
rm -rf "$work"
emu_expect push-after-moderate-reads medium
