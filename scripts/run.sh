#!/usr/bin/env bash
# Sets up, builds and launches the SessionLens desktop app. With no argument the app opens
# its bundled demo project; with a path it opens (or creates) that project file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tauri build --no-bundle
target=${CARGO_TARGET_DIR:-target}
[ $# -gt 0 ] || set -- --demo
exec "$target/release/sessionlens-app" "$@"
