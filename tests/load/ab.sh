#!/usr/bin/env bash
# A/B of how a broadcast is written: the same everyvoice binary with --send-method=io_uring and with
# --send-method=sendmsg, interleaved run by run, each run a fresh server (empty data folder) pinned
# to core 0 and evload pinned to core 1, on 127.0.0.1 only (tests/load/README.md, "io_uring in the
# server"). By hand, not in CI.
#
#   tests/load/ab.sh ROUNDS CLIENTS PHASES [evload flags...]
#   tests/load/ab.sh 3 1000 W6,W1,W2,W3 --duration=5 --fast-duration=4 --window=8 --setup-timeout=200
#
# BUILD (default: build) holds server/everyvoice and tests/load/evload. Prints each run's exit status
# and the folder holding the logs, raw.txt (evload's RESULT lines tagged method= and round=) and a
# summary of the medians.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD:-$root/build}"
bin="$build/server/everyvoice"
ev="$build/tests/load/evload"
[ $# -ge 3 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
rounds=$1 clients=$2 phases=$3
shift 3
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "ab: ROUNDS must be 1 to 99" >&2; exit 2; }
for f in "$bin" "$ev"; do [ -x "$f" ] || { echo "ab: $f is missing (cmake --build $build --target everyvoice evload)" >&2; exit 2; }; done
out="$(mktemp -d "${TMPDIR:-/tmp}/everyvoice-ab.XXXXXX")"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT
for r in $(seq 1 "$rounds"); do
  for m in io_uring sendmsg; do
    rm -rf "$out/data" "$out/port"
    taskset -c 0 "$bin" --address=127.0.0.1 --port=0 --log-level=warn --static-dir="$root/client-web" \
      --connections-per-ip=20000 --participants-per-meeting=10000 --commands-per-second=100000 --command-burst=100000 \
      --meeting-creates-per-minute=100000 --meetings=10000 --threads=1 --port-file="$out/port" --data-dir="$out/data" \
      --send-method="$m" >"$out/server-$m-$r.log" 2>&1 &
    pid=$!
    status=0
    taskset -c 1 "$ev" --target=everyvoice --host=127.0.0.1 --port-file="$out/port" --server-pid="$pid" \
      --clients="$clients" --phases="$phases" "$@" >"$out/$m-$r.txt" 2>&1 || status=$?
    echo "round $r $m: exit $status"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
    grep '^RESULT' "$out/$m-$r.txt" | sed "s/^RESULT /RESULT method=$m round=$r /" >>"$out/raw.txt" || true
  done
done
python3 - "$out/raw.txt" <<'EOF'
import collections, re, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kv = dict(re.findall(r'(\w+)=([^ ]+)', line))
    for k in ('cpu_s', 'delivered_per_s', 'last_p99_ms', 'conn_per_s', 'join_p99_ms', 'final_max_ms'):
        if k in kv:
            runs[(kv['phase'], k, kv['method'])].append(float(kv[k]))
for (phase, k, m), v in sorted(runs.items()):
    print(f"{phase:4} {k:16} {m:9} median {statistics.median(v):12.3f}  runs {' '.join(f'{x:.3f}' for x in v)}")
EOF
echo "ab: logs in $out"
