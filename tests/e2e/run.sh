#!/usr/bin/env bash
# Runs the browser tests (ctest: browser_e2e). Installs the npm packages when node_modules is
# missing (npm ci, from package-lock.json), starts the real server binary on a free port with a
# fresh data folder, runs node's test runner on specs/, then stops the server.
#   run.sh --server PATH --static-dir DIR --screenshots DIR
# The browser is Debian's Chromium (/usr/bin/chromium, from deploy/setup.sh); none is downloaded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
server="" static="" shots="$here/screenshots"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift 2 ;;
    --static-dir) static="$2"; shift 2 ;;
    --screenshots) shots="$2"; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$server" ] || { echo "run.sh: no server binary at '$server'" >&2; exit 2; }
[ -d "$static" ] || { echo "run.sh: no client folder at '$static'" >&2; exit 2; }
chromium="${EVERYVOICE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "run.sh: $chromium is missing; run deploy/setup.sh" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "run.sh: node and npm are needed; run deploy/setup.sh" >&2; exit 1; }

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
fi

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A short away grace, so that a dropped participant shows as away within the test.
"$server" --port=0 --port-file="$work/port" --static-dir="$static" --data-dir="$work/data" \
  --away-grace-seconds=2 --log-level=warn --meeting-creates-per-minute=600 >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do
  [ -s "$work/port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "run.sh: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$work/port" ] || { echo "run.sh: the server wrote no port" >&2; exit 1; }

mkdir -p "$shots"
export EVERYVOICE_URL="http://127.0.0.1:$(cat "$work/port")" EVERYVOICE_SCREENSHOTS="$shots" EVERYVOICE_CHROMIUM="$chromium"
# For specs that stop and start a server of their own (restart.test.mjs, lib/server.mjs).
EVERYVOICE_SERVER="$(cd "$(dirname "$server")" && pwd)/$(basename "$server")"
EVERYVOICE_STATIC_DIR="$(cd "$static" && pwd)"
export EVERYVOICE_SERVER EVERYVOICE_STATIC_DIR
# One test file at a time (each drives several browser contexts; the machine may have 2 cores).
concurrency=()
node --test-concurrency=1 -e 0 2>/dev/null && concurrency=(--test-concurrency=1)
cd "$here"
status=0
# EVERYVOICE_SPECS picks spec files (for example specs/consent.test.mjs); all of them by default.
# shellcheck disable=SC2206
specs=(${EVERYVOICE_SPECS:-specs/*.test.mjs})
# EVERYVOICE_TEST_REPORTER=spec shows each test and what the pages printed (the default, TAP, is for CI).
reporter=()
[ -n "${EVERYVOICE_TEST_REPORTER:-}" ] && reporter=(--test-reporter="$EVERYVOICE_TEST_REPORTER")
node --test "${concurrency[@]}" "${reporter[@]}" "${specs[@]}" || status=$?
if [ "$status" -ne 0 ] && [ -s "$work/server.log" ]; then echo "--- server log ---"; tail -n 50 "$work/server.log"; fi
echo "screenshots: $shots"
exit "$status"
