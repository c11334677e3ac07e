#!/usr/bin/env bash
# Two builds of everyvoice on the same load, interleaved, to see what a change did to speed:
#   tests/load/compare-builds.sh OLD_BINARY NEW_BINARY [RUNS]
# 1,000 clients in one meeting: the join storm (W6), steady updates (W1), one command in flight
# (W2), eight in flight (W3); each server pinned to core 0 and evload to core 1, RUNS runs (3) of
# each build in turn. Prints evload's RESULT lines per run and the medians (method:
# tests/load/README.md). Loopback only; evload's own deadline bounds every run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
old=$(realpath "$1") new=$(realpath "$2") runs=${3:-3}
evload=${EVLOAD:-$root/build/tests/load/evload}
[ -x "$old" ] && [ -x "$new" ] && [ -x "$evload" ] || { echo "usage: $0 OLD_BINARY NEW_BINARY [RUNS] (evload: $evload)" >&2; exit 2; }
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
for run in $(seq 1 "$runs"); do
  for label in old new; do
    bin=$old; [ $label = new ] && bin=$new
    rm -rf "$work/data" "$work/port"
    taskset -c 0 "$bin" --address=127.0.0.1 --port=0 --port-file="$work/port" --data-dir="$work/data" --log-level=warn \
      --threads=1 --static-dir="$root/client-web" --connections-per-ip=20000 --participants-per-meeting=10000 \
      --commands-per-second=100000 --command-burst=100000 >"$work/server.log" 2>&1 &
    pid=$!
    taskset -c 1 "$evload" --target=everyvoice --host=127.0.0.1 --port-file="$work/port" --server-pid=$pid --clients=1000 \
      --phases=W6,W1,W2,W3 --duration=5 --fast-duration=4 --window=8 --setup-timeout=200 --max-seconds=300 \
      | grep '^RESULT ' | sed "s/^RESULT /RESULT build=$label run=$run /" | tee -a "$work/raw.txt"
    kill $pid; wait $pid 2>/dev/null || true; pid=
  done
done
python3 - "$work/raw.txt" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r'(\w+)=(\S+)', line)) for line in open(sys.argv[1])]
keys = ['delivered_per_s', 'last_p50_ms', 'last_p99_ms', 'lat_p99_ms', 'server_cpu_us_per_msg', 'conn_per_s', 'cpu_s']
print('\nmedians (old -> new):')
for phase in sorted({r.get('phase') for r in rows if r.get('phase')}):
    for k in keys:
        vals = {b: [float(r[k]) for r in rows if r.get('phase') == phase and r.get('build') == b and k in r] for b in ('old', 'new')}
        if vals['old'] and vals['new']:
            o, n = statistics.median(vals['old']), statistics.median(vals['new'])
            print(f'  {phase} {k}: {o:.2f} -> {n:.2f} ({n / o:.2f} x)' if o else f'  {phase} {k}: {o} -> {n}')
PY
