#!/usr/bin/env bash
# Builds the Pulumi CLI from the modules pinned in go.mod/go.sum, with the release's build flags and
# version stamp, into .cache/pulumi-cli/<key>/ (ignored). The key is go.sum's hash, so a machine builds
# once and reuses the build until go.sum changes. Prints the directory that holds the binaries.
#
# The Node.js and Python language hosts are not built: the module proxy refuses their modules
# (see README.md beside this file), so programs run through the Automation API's inline programs,
# which need only the `pulumi` binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")"
key="$(sha256sum "$here/go.sum" | cut -c1-16)"
out="$repo/.cache/pulumi-cli/$key"

if [ -x "$out/pulumi" ] && [ -f "$out/.complete" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$out"
start=$(date +%s)
echo "building pulumi $version into $out (first use on this machine; reused until go.sum changes)" >&2
cd "$here"
GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
touch "$out/.complete"
echo "built pulumi $version in $(( $(date +%s) - start )) s" >&2
echo "$out"
