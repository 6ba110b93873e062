#!/usr/bin/env bash
# Rewrites crates/charts/fonts/DejaVuSans{,-Bold}.ttf as subsets of Debian's fonts-dejavu-core
# (the report and chart PNGs embed them, and so does the app binary): the Latin, Greek and
# Cyrillic scripts, punctuation, currency, arrows, mathematical operators and the shapes the
# charts draw, with their OpenType layout (kerning, ligatures). A client or campaign name in
# another script falls back to the system's fonts in PNGs and shows a missing glyph in a PDF.
# Run it by hand after changing the ranges, look at a report (cargo run -p sessionlens-report
# --example sample), and commit the fonts. Needs fonttools (pip) and fonts-dejavu-core (apt).
set -euo pipefail
cd "$(dirname "$0")/.."

ranges=(
  U+0020-007E U+00A0-024F            # Basic Latin, Latin-1, Latin Extended A and B
  U+0370-03FF U+0400-04FF            # Greek, Cyrillic
  U+1E00-1EFF                        # Latin Extended Additional (Vietnamese and more)
  U+2000-206F U+20A0-20CF            # General Punctuation, currency symbols
  U+2100-214F U+2190-21FF U+2200-22FF  # letter-like symbols, arrows, mathematical operators
  U+2500-257F U+25A0-25FF            # box drawing, geometric shapes (▲ ▼ in charts)
  U+2713-2717 U+FFFD                 # check and cross marks, the replacement character
)
venv=${FONTTOOLS_VENV:-/var/tmp/sessionlens-fonttools}
[ -x "$venv/bin/pyftsubset" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet fonttools==4.68.0; }
for font in DejaVuSans DejaVuSans-Bold; do
  "$venv/bin/pyftsubset" "/usr/share/fonts/truetype/dejavu/$font.ttf" \
    --unicodes="$(IFS=,; echo "${ranges[*]}")" --layout-features='*' \
    --output-file="crates/charts/fonts/$font.ttf"
  echo "subset-fonts: crates/charts/fonts/$font.ttf $(stat -c %s "crates/charts/fonts/$font.ttf") bytes"
done
