#!/usr/bin/env bash
# Runs every check and test of SessionLens: formatting, lints, the Rust workspace tests, the
# SQL scripts against the engine (DuckDB, Spark, sqlglot), a short run of the importers' fuzz
# targets,
# the generated TypeScript bindings, the UI tests in headless Chromium, and the end-to-end
# run of the built app under Xvfb. At the end it checks that the run changed no tracked file.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests write only to ignored or temp folders. The tree may hold the developer's own edits, so
# the check compares the tracked files as they were before the run with how they are after it:
# `git stash create` records that state as a commit without touching the tree (and prints
# nothing when the tree matches HEAD).
tracked_state() {
  GIT_AUTHOR_NAME=test.sh GIT_AUTHOR_EMAIL=test.sh@localhost GIT_COMMITTER_NAME=test.sh \
    GIT_COMMITTER_EMAIL=test.sh@localhost git stash create | grep . || git rev-parse HEAD
}
before=$(tracked_state)
check_tracked_files() {
  local status=$? changed
  changed=$(git diff --name-only "$before" "$(tracked_state)")
  if [ -n "$changed" ]; then
    echo >&2
    echo "test: the run changed tracked files; a test or script must write elsewhere (a temp or ignored" >&2
    echo "folder), or refresh them in a script of its own (if you edited them meanwhile, run again):" >&2
    printf '%s\n' "$changed" | sed 's/^/  /' >&2
    [ "$status" -ne 0 ] || status=1
  fi
  exit "$status"
}
trap check_tracked_files EXIT

bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test"
cargo test --workspace
step "SQL scripts give the engine's sessions (DuckDB, Spark; BigQuery, Snowflake, PostgreSQL parse)"
bash scripts/sql-equality.sh
step "Fuzz smoke: every importer fuzz target for a few seconds (fuzz/README.md)"
bash scripts/fuzz.sh
step "TypeScript bindings are current"
npm run --silent check:bindings
step "UI typecheck, build and tests (headless Chromium, mocked IPC)"
npm run --silent test:ui
step "End-to-end tests (built app, Xvfb, tauri-driver)"
npm run --silent test:e2e
