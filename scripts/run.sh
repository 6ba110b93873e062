#!/usr/bin/env bash
# Sets up, builds and launches the SessionLens desktop app. With no argument the app opens
# its bundled demo project; with a path it opens (or creates) that project file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
app=$(bash scripts/build-app.sh)
[ $# -gt 0 ] || set -- --demo
exec "$app" "$@"
