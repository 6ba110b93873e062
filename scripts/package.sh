#!/usr/bin/env bash
# Builds the Linux installers: the .deb and the .rpm (`tauri build`, release profile: full LTO,
# one codegen unit, stripped symbols). Tauri's bundler writes the .deb's files gzip-compressed;
# this repacks them with xz, as Debian's own packages are, which dpkg and apt read everywhere
# and which makes the package about a third smaller. Prints each installer's path and size.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(bash scripts/target-dir.sh)

npx tauri build --bundles deb,rpm
deb=$(ls -t "$target"/release/bundle/deb/*.deb | head -n 1)
rpm=$(ls -t "$target"/release/bundle/rpm/*.rpm | head -n 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --raw-extract "$deb" "$work/root"
dpkg-deb --root-owner-group -Zxz -z9 --build "$work/root" "$work/repacked.deb" >/dev/null
mv "$work/repacked.deb" "$deb"

for f in "$deb" "$rpm"; do
  printf 'package: %s  %s MiB\n' "$f" "$(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.2f", b / 1048576 }')"
done
