#!/usr/bin/env bash
# Builds Miniflux if needed, then runs it on 127.0.0.1 over a fresh PostgreSQL
# cluster in a temporary directory (the same server the sync tests use), with
# the Google Reader API enabled. Prints the URL and credentials; Ctrl-C stops
# both and deletes their data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/build.sh"
exec "${PYTHON:-python3}" "$here/../miniflux_server.py"
