#!/bin/sh
# Render an HTML report to a PNG with headless Chromium (Debian package `chromium`; for CJK
# text also `fonts-noto-cjk`), to check that it looks right.
#
#   scripts/render-report.sh [REPORT.html [OUT.png [WIDTHxHEIGHT]]]
#
# Without arguments, renders the real report on the shipped sample
# (`cpindex report examples/data/quzhou.csv --format html`) to target/report.png;
# `scripts/render-report.sh --demo` renders the demo layout (fake numbers) instead. No network is used: the page is self-contained and Chromium's
# background networking is switched off.
set -eu
cd "$(dirname "$0")/.."
html=${1:-}
png=${2:-target/report.png}
size=${3:-1280,2400}
if [ "$html" = "--demo" ]; then
    html=target/report-demo.html
    png=target/report-demo.png
    cargo run --quiet --bin cpindex -- demo-html "$html"
elif [ -z "$html" ]; then
    html=target/report.html
    cargo run --quiet --release --bin cpindex -- report examples/data/quzhou.csv --format html --out "$html"
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "render-report: chromium not found (apt-get install -y chromium fonts-noto-cjk)" >&2
    exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$png" --window-size="$size" "file://$abs" >/dev/null 2>&1
test -s "$png"
echo "render-report: wrote $png"
