#!/usr/bin/env bash
# Runs the browser journeys. Needs Debian's chromium (/usr/bin/chromium) and a built ungcuu
# binary: $UNGCUU_BIN, else $CARGO_TARGET_DIR/debug/ungcuu, else ../target/debug/ungcuu.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
rm -rf screenshots  # only this run's pictures, so a stale failure shot never misleads
set +e
node --test --test-concurrency=1 tests/*.test.mjs
rc=$?
set -e
exit "$rc"
