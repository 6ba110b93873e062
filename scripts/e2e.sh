#!/usr/bin/env bash
# End-to-end test of the built desktop app: builds it (debug, no bundle; reuses
# CARGO_TARGET_DIR if set), starts a virtual display and tauri-driver (WebDriver for Tauri,
# over WebKitWebDriver), runs tests/e2e with node's test runner, and saves its screenshots to
# SCREENSHOT_DIR (default: e2e-screenshots/ in the build folder, which git ignores; the folder
# is printed at the end). A test run changes no tracked file: scripts/screenshots.sh runs this
# with SCREENSHOT_DIR=docs/screenshots to refresh the committed ones on purpose. Needs Debian's
# xvfb, webkit2gtk-driver, xdotool and imagemagick, and tauri-driver (installed here with cargo
# if missing).
#
# `scripts/e2e.sh bench` builds the release app instead (scripts/build-app.sh) and prints its performance figures
# (tests/e2e/bench-app.mjs): first screen, toggle redraw, progress during a 1M-hit import
# (BENCH_HITS sets the size).
set -euo pipefail
mode=${1:-test}
screenshots=${SCREENSHOT_DIR:-}
# A relative SCREENSHOT_DIR is taken from where the script was started.
[ -z "$screenshots" ] || [[ $screenshots == /* ]] || screenshots=$PWD/$screenshots

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
target=$(bash scripts/target-dir.sh)
[[ $target == /* ]] || target=$repo/$target
screenshots=${screenshots:-$target/e2e-screenshots}
port=${E2E_WEBDRIVER_PORT:-4444}
fixtures=${SESSIONLENS_FIXTURES:-$repo/tests/fixtures}

for tool in Xvfb WebKitWebDriver xdotool import; do
  command -v "$tool" >/dev/null || {
    echo "e2e: $tool is missing (apt-get install xvfb webkit2gtk-driver xdotool imagemagick)" >&2
    exit 1
  }
done
driver=$(command -v tauri-driver || true)
if [ -z "$driver" ]; then
  cargo install tauri-driver --locked
  driver=$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")
fi

[ -d node_modules ] || npm ci
if [ "$mode" = bench ]; then
  app=$(bash scripts/build-app.sh)
else
  npx tauri build --debug --no-bundle
  app="$target/debug/sessionlens-app"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh profile: no remembered window, no recent projects, a newly built demo project.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
# The tests read numbers and days as US English writes them ("9,815", "Nov 1, 2026").
export LANG=en_US.UTF-8 LANGUAGE=en_US
export WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"

"$driver" --port "$port" --native-port $((port + 1)) >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done

if [ "$mode" = bench ]; then
  cargo run --release -q -p sessionlens-core --example synth_traffic -- "${BENCH_HITS:-1000000}" 42 "$work/hits.csv"
  SESSIONLENS_APP="$app" WEBDRIVER_URL="http://127.0.0.1:$port" BENCH_IMPORT_FILE="$work/hits.csv" \
    node tests/e2e/bench-app.mjs
  exit
fi

status=0
SESSIONLENS_APP="$app" \
SESSIONLENS_FIXTURES="$fixtures" \
WEBDRIVER_URL="http://127.0.0.1:$port" \
SCREENSHOT_DIR="$screenshots" \
  node --test tests/e2e/ || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- tauri-driver log" >&2
  tail -n 50 "$work/driver.log" >&2
fi
echo "e2e: screenshots in $screenshots"
exit "$status"
