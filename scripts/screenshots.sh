#!/usr/bin/env bash
# Refreshes the committed pictures on purpose, from a clean demo run; test runs never write
# there. docs/screenshots/: the end-to-end tests of the built app (scripts/e2e.sh, with what
# they need) with SCREENSHOT_DIR pointing there. docs/report-sample/: the demo's PDF report as a
# client would get it, built by the CLI from the demo's own files, its pages as PNGs. Then it
# lists what changed, for you to look at before you commit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
target=$(bash scripts/target-dir.sh)

SCREENSHOT_DIR="$repo/docs/screenshots" bash scripts/e2e.sh test

cargo build --quiet -p sessionlens-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project="$work/Demo shop.sessionlens"
"$target/debug/sessionlens" import "$project" src-tauri/demo/shop-traffic-2026-11.csv \
  src-tauri/demo/google-ads-campaigns-2026-11.csv --tz America/New_York >/dev/null
cat >"$work/findings.txt" <<'TEXT'
The redirect on /promo drops the utm tags and the gclid: about 1 in 10 clicks on the Spring Sale
and Brand campaigns arrive as organic or direct visits.
- Fix the redirect so it keeps the query string.
- Check the Brand - Exact ads' final URLs.

We will compare the numbers again in December, after the fix.
TEXT
"$target/debug/sessionlens" report "$project" --out "$work/report.pdf" --preset ga4 --tz America/New_York \
  --title "Ad clicks and sessions, November 2026" --client "Demo Shop" --agency "Northwind Marketing" \
  --findings "$work/findings.txt"
rm -f docs/report-sample/*.png
pdftoppm -r 60 -png "$work/report.pdf" docs/report-sample/page
git status --short -- docs/screenshots docs/report-sample
