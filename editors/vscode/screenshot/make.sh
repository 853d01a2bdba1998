#!/usr/bin/env bash
# Make docs/img/vscode-extension.png: attacks.nm coloured by the extension's
# grammar through VS Code's tokenizer and Dark+ colours (render.js), shot in
# headless Chromium. Needs the npm packages (npm ci in editors/vscode) and
# Debian's chromium. Run from anywhere: bash editors/vscode/screenshot/make.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=../../docs/img/vscode-extension.png
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node screenshot/render.js screenshot/attacks.nm "$tmp/page.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size=820,430 --screenshot="$tmp/shot.png" "file://$tmp/page.html" 2>/dev/null
mv "$tmp/shot.png" "$out"
echo "wrote $(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
