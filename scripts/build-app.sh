#!/usr/bin/env bash
# Builds the release desktop app without an installer, to run it here (scripts/run.sh) or to
# measure it (scripts/e2e.sh bench), and prints the binary's path. Its link-time optimisation is
# thin, over 16 code units: the installer's full LTO in one unit (scripts/package.sh) took over an
# hour on two cores, this about a quarter of that, for code of the same optimisation level.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(bash scripts/target-dir.sh)
CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 npx tauri build --no-bundle >&2
echo "$target/release/sessionlens-app"
