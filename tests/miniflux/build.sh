#!/usr/bin/env bash
# Builds the pinned Miniflux (go.mod: `go get -tool miniflux.app/v2@v2.3.5`) into
# .build/miniflux for the sync tests. Does nothing when the binary is newer than
# go.mod and go.sum. Needs Go (PATH or /usr/local/go/bin) and the module proxy
# (or a warm module cache) the first time.
set -euo pipefail
cd "$(dirname "$0")"
out=.build/miniflux
if [[ -x $out && $out -nt go.mod && $out -nt go.sum ]]; then
  exit 0
fi
PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: cannot build Miniflux for the sync tests" >&2
  exit 1
fi
mkdir -p .build
# -trimpath: the binary does not depend on where the checkout lives.
go build -trimpath -o "$out.tmp" miniflux.app/v2
mv "$out.tmp" "$out"
