#!/usr/bin/env bash
# W9, the browser pages in big meetings (tests/load/README.md, "W9"), in one command:
#
#   tests/load/run-w9.sh [--server PATH] [--evload PATH] [--static-dir DIR] [--sizes=300,1000,5000]
#                        [--runs=1] [--out=DIR] [--label=TEXT] [--smoke] [more w9-browser.mjs flags]
#
# Each size and page in a server process of its own: evload joins the N clients, the page opens in
# Debian's Chromium, then W1 (10 updates/s) is measured over 10 s with the page's CPU throttled 4x.
# Writes results/w9-raw.txt (its RESULT lines), results/w9-meta.txt, the W9 section of
# results/table.md (aggregate.py) and results/w9-plot.png (gnuplot, when it can be had); per-run
# logs go to results/logs/w9/. --smoke (ctest w9_smoke): 300 people, the three pages together, a
# short window; checks only that the pages stay in step with the server; writes nothing.
# Defaults: the build in build-load/ (as run-matrix.sh) and client-web/. Needs node and npm (npm ci
# in tests/e2e when playwright-core is missing) and /usr/bin/chromium (deploy/setup.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
server_bin=$root/build-load/server/everyvoice
evload_bin=$root/build-load/tests/load/evload
static_dir=$root/client-web
out=$here/results
sizes=300,1000,5000
runs=1
smoke=0
label=
pass=()
while [ $# -gt 0 ]; do
  case $1 in
    --server) server_bin=$2; shift 2 ;;
    --server=*) server_bin=${1#*=}; shift ;;
    --evload) evload_bin=$2; shift 2 ;;
    --evload=*) evload_bin=${1#*=}; shift ;;
    --static-dir) static_dir=$2; shift 2 ;;
    --static-dir=*) static_dir=${1#*=}; shift ;;
    --sizes=*) sizes=${1#*=}; shift ;;
    --runs=*) runs=${1#*=}; shift ;;
    --out=*) out=$(realpath -m "${1#*=}"); shift ;;
    --label=*) label=${1#*=}; shift ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done

chromium=${EVERYVOICE_CHROMIUM:-/usr/bin/chromium}
for f in "$server_bin" "$evload_bin"; do
  [ -x "$f" ] || { echo "run-w9: $f is missing; build: cmake --build build-load --target everyvoice evload (or pass --server / --evload)" >&2; exit 2; }
done
[ -f "$static_dir/facilitator.html" ] || { echo "run-w9: $static_dir is not the browser client (client-web)" >&2; exit 2; }
[ -x "$chromium" ] || { echo "run-w9: $chromium is missing: Debian's chromium is needed (deploy/setup.sh)" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "run-w9: node and npm are needed (deploy/setup.sh)" >&2; exit 1; }
if [ ! -d "$root/tests/e2e/node_modules/playwright-core" ]; then
  echo "run-w9: installing tests/e2e's npm packages (npm ci)" >&2
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$root/tests/e2e" --no-audit --no-fund --loglevel=error
fi

# N clients in evload and as many connections in the server: raise the descriptor limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
biggest=$(tr ',' '\n' <<<"$sizes" | sort -n | tail -1)
if [ "$(ulimit -n)" -lt $(( biggest * 2 + 500 )) ]; then
  echo "run-w9: ulimit -n is $(ulimit -n); $biggest people need at least $(( biggest * 2 + 500 ))" >&2
  exit 2
fi

if [ $smoke -eq 1 ]; then
  logs=$(mktemp -d)
  trap 'rm -rf "$logs"' EXIT
  status=0
  node "$here/w9-browser.mjs" --server "$server_bin" --evload "$evload_bin" --static-dir "$static_dir" \
    --chromium "$chromium" --smoke --max-seconds=100 --log-dir "$logs" "${pass[@]}" || status=$?
  if [ $status -ne 0 ]; then
    for f in "$logs"/*.log; do [ -f "$f" ] && { echo "--- $(basename "$f") (last lines)"; tail -n 15 "$f"; }; done
  fi
  exit $status
fi

mkdir -p "$out/logs/w9"
raw=$out/w9-raw.txt
: >"$raw"
if [ -z "$label" ]; then
  label="client-web of $(cd "$root" && git log -1 --format=%h -- client-web 2>/dev/null || echo '?') (HEAD $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  (cd "$root" && git diff --quiet HEAD -- client-web 2>/dev/null) || label="$label with uncommitted client changes"
fi
started=$(date +%s)
{
  echo "# W9 browser benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'); $label; sizes $sizes; runs $runs"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), kernel $(uname -r); $("$chromium" --version 2>/dev/null | head -1); node $(node --version)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/w9-meta.txt"
status=0
node "$here/w9-browser.mjs" --server "$server_bin" --evload "$evload_bin" --static-dir "$static_dir" --chromium "$chromium" \
  --sizes="$sizes" --runs="$runs" --max-seconds=$(( 900 * runs + 600 )) --raw "$raw" --log-dir "$out/logs/w9" "${pass[@]}" || status=$?
echo "# took $(( $(date +%s) - started )) s; load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/w9-meta.txt"

# The matrix's part of table.md is written again from its own raw.txt, unchanged; W9's is added.
if ! grep -q '^RESULT ' "$raw"; then
  echo "run-w9: no page was measured (see above); table.md and the plot are left as they were" >&2
  exit 3
elif [ -f "$out/raw.txt" ] && [ -f "$out/meta.txt" ]; then
  big=$(sed -n 's/.* config=big\([0-9]*\) .*/\1/p' "$out/raw.txt" | head -1)
  bun_note=$(sed -n 's/^# \(bun: not run.*\)/\1/p' "$out/meta.txt" | head -1)
  python3 "$here/aggregate.py" --raw "$out/raw.txt" --meta "$out/meta.txt" --out "$out" --big "${big:-5000}" \
    ${bun_note:+--bun-note "$bun_note"} --w9-raw "$raw" --w9-meta "$out/w9-meta.txt"
  if ! command -v gnuplot >/dev/null; then
    echo "run-w9: installing gnuplot-nox" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gnuplot-nox >/dev/null; } || true
  fi
  if [ -f "$out/w9.gp" ] && command -v gnuplot >/dev/null; then (cd "$out" && gnuplot w9.gp) && echo "wrote $out/w9-plot.png"; fi
  echo "wrote $out/table.md (section W9) and $raw"
else
  echo "run-w9: no $out/raw.txt and meta.txt (run-matrix.sh's): W9's lines are in $raw, table.md not written" >&2
fi
exit $status
