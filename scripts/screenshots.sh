#!/usr/bin/env bash
# Refreshes the committed screenshots in docs/screenshots/ on purpose: runs the end-to-end
# tests of the built app (scripts/e2e.sh, with what it needs) with SCREENSHOT_DIR pointing
# there, then lists what changed for you to look at and commit. Test runs never write there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
SCREENSHOT_DIR="$repo/docs/screenshots" bash "$repo/scripts/e2e.sh" test
git -C "$repo" status --short -- docs/screenshots
