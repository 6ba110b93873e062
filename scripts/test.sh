#!/usr/bin/env bash
# Runs every check and test of SessionLens: formatting, lints, the Rust workspace tests, a
# short run of the importers' fuzz targets,
# the generated TypeScript bindings, the UI tests in headless Chromium, and the end-to-end
# run of the built app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test"
cargo test --workspace
step "Fuzz smoke: every importer fuzz target for a few seconds (fuzz/README.md)"
bash scripts/fuzz.sh
step "TypeScript bindings are current"
npm run --silent check:bindings
step "UI typecheck, build and tests (headless Chromium, mocked IPC)"
npm run --silent test:ui
step "End-to-end tests (built app, Xvfb, tauri-driver)"
npm run --silent test:e2e
