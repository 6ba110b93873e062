#!/usr/bin/env bash
# Builds the installers (scripts/package.sh), checks the .deb is at most 15 MiB, installs it
# with `apt install ./…deb` as a user would, checks that it holds the app, its desktop entry
# with the .sessionlens file association, the MIME type and the icons, then starts the
# installed app on a virtual display and waits for its window. The package is removed again
# at the end. Needs root (apt) and Xvfb + xdotool.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(bash scripts/target-dir.sh)

bash scripts/package.sh
deb=$(realpath "$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)")
package=$(dpkg-deb --field "$deb" Package)
max_bytes=$((15 * 1024 * 1024))
[ "$(stat -c %s "$deb")" -le "$max_bytes" ] || { echo "check-deb: $deb is over 15 MiB" >&2; exit 1; }
echo "check-deb: installing $deb ($package)"
apt-get install -y "$deb" >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  apt-get remove -y "$package" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "check-deb: $*" >&2
  exit 1
}
files=$(dpkg -L "$package")
binary=$(grep -E '^/usr/bin/' <<<"$files" | head -n 1)
[ -x "$binary" ] || fail "no program under /usr/bin"
desktop=$(grep -E '^/usr/share/applications/.*\.desktop$' <<<"$files" | head -n 1)
[ -n "$desktop" ] || fail "no desktop entry"
grep -q '^MimeType=.*application/x-sessionlens' "$desktop" || fail "$desktop does not open .sessionlens files"
grep -q "^Exec=$(basename "$binary")" "$desktop" || fail "$desktop does not start $(basename "$binary")"
grep -q 'pattern="\*\.sessionlens"' /usr/share/mime/packages/sessionlens.xml || fail "no MIME type for *.sessionlens"
grep -qE '^/usr/share/icons/hicolor/.*/apps/.*\.png$' <<<"$files" || fail "no icons"

export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export WEBKIT_DISABLE_DMABUF_RENDERER=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"
"$binary" --demo >"$work/app.log" 2>&1 &
app=$!
pids+=("$app")
timeout 60 xdotool search --sync --name 'SessionLens' >/dev/null || fail "no SessionLens window within 60 s: $(tail -n 20 "$work/app.log")"
sleep 2
kill -0 "$app" 2>/dev/null || fail "the app exited after opening its window: $(tail -n 20 "$work/app.log")"
echo "check-deb: $package installs with apt, registers .sessionlens files, and $binary opens its window"
