#!/usr/bin/env bash
# Installs what SessionLens needs to build, run and test on Debian 12: the system libraries
# Tauri links against, the browsers and drivers the UI tests use, the npm packages, and
# tauri-driver. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # Tauri's system libraries and build tools
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev libxdo-dev
  build-essential pkg-config file patchelf
  # Tests: a virtual display, the WebKit and Chromium drivers, fonts, image and PDF tools
  xvfb xauth xdotool curl webkit2gtk-driver chromium chromium-driver fonts-dejavu-core imagemagick poppler-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm packages"
  # `npm ci`: exactly what the lock file says, and it never rewrites the lock (`npm install`
  # may). It refuses a lock out of step with package.json, or one missing other platforms'
  # optional packages: after changing the dependencies, `npm install` and commit the lock.
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
