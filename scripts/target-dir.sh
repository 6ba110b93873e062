#!/usr/bin/env bash
# Prints the directory cargo builds this workspace into: CARGO_TARGET_DIR when set, else what
# cargo makes of its configuration (a `build.target-dir` in ~/.cargo/config.toml, or target/),
# so the scripts find the binaries they build wherever they are.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  echo "$CARGO_TARGET_DIR"
else
  cargo metadata --no-deps --offline --format-version 1 | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
fi
