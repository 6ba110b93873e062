#!/usr/bin/env bash
# Fuzzes the importers of sessionlens-core with cargo-fuzz (libFuzzer): builds every target in
# fuzz/, seeds the corpora from the test fixtures (fuzz/seed.sh), and runs each target for
# SECONDS_PER_TARGET seconds (default 10: the smoke run of scripts/test.sh), two at a time.
# A crash, a panic, a failed invariant, a run over 10 s on one input (-timeout) or more than
# 2 GiB of memory (-rss_limit_mb) fails the script; the input that did it is kept in
# fuzz/artifacts/<target>/ (replay it with: fuzz/target/<host>/release/<target> <file>).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   FUZZ_JOBS=N           targets run at once (default 2)
#   FUZZ_TARGET_DIR=DIR   build directory (default fuzz/target)
#   FUZZ_LOG_DIR=DIR      keep each target's libFuzzer log there (default: a temp dir, removed)
#
# Stable Rust is enough: cargo-fuzz asks rustc for instrumentation flags that are nightly-only
# by default, and RUSTC_BOOTSTRAP=1 lets the stable compiler accept them. No sanitizer: the
# core has no unsafe code, and libFuzzer's own checks (panics, timeouts, memory) are the point.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
shift || true
jobs=${FUZZ_JOBS:-2}
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$PWD/fuzz/target}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed (scripts/setup.sh installs it: cargo install cargo-fuzz --locked)" >&2
  exit 1
fi

cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
echo "fuzz: building the targets"
# 16 codegen units instead of cargo-fuzz's 1: the build takes half the time, the fuzzing
# runs a little slower.
if ! build_log=$(cargo fuzz build --sanitizer none --codegen-units 16 2>&1); then
  printf '%s\n' "$build_log" | tail -n 60
  exit 1
fi
bash seed.sh

host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir=$CARGO_TARGET_DIR/$host/release
# Each fuzzer process writes its input to a file here (the importers read files), in memory
# when /dev/shm exists.
scratch_parent=${TMPDIR:-/tmp}
[ -d /dev/shm ] && scratch_parent=/dev/shm
scratch=$(mktemp -d "$scratch_parent/sessionlens-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export SESSIONLENS_FUZZ_DIR=$scratch
log_dir=${FUZZ_LOG_DIR:-$scratch}
mkdir -p "$log_dir"

# run_target NAME: one libFuzzer run; its log goes to the scratch dir, a summary to stdout.
run_target() {
  local target=$1 dict=dict/$1.dict
  [ -f "$dict" ] || dict=dict/import.dict
  mkdir -p "corpus/$target" "artifacts/$target"
  local seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  local options=()
  # Inputs past 64 KiB reach the head's cut at a line end (import::text).
  [ "$target" = text_input ] && options=(-max_len=70000)
  local log=$log_dir/$target.log status=0 started=$SECONDS
  "$bin_dir/$target" "corpus/$target" "${seeds[@]}" "${options[@]}" \
    -dict="$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  local execs corpus summary elapsed=$((SECONDS - started))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  corpus=$(find "corpus/$target" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    summary=$(printf 'fuzz: %-20s ok      %ss, %s execs, corpus %s' "$target" "$elapsed" "${execs:-?}" "$corpus")
  else
    summary=$(
      printf 'fuzz: %-20s FAILED  (exit %s) after %ss, %s execs; the end of its log:\n' "$target" "$status" \
        "$elapsed" "${execs:-?}"
      grep -v -e '^#[0-9]' -e '^WARNING: Failed to find function' -e '^ *[0-9]*: ' -e '^ *at ' "$log" | tail -n 25
      find "artifacts/$target" -type f | sed 's/^/fuzz:   input kept in fuzz\//'
    )
  fi
  # One write, so the reports of targets running at once do not interleave.
  printf '%s\n' "$summary"
  return "$status"
}

failed=0
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: a target failed (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
