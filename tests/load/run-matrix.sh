#!/usr/bin/env bash
# The whole benchmark matrix in one command (method: tests/load/README.md):
#
#   tests/load/run-matrix.sh [--runs=3] [--big=5000] [--quick] [--server=PATH] [--evload=PATH]
#                            [--server-label=TEXT] [--out=DIR] [--only=CONFIG:TARGET,...]
#                            [--evening=500,1000] [--evening-seconds=60]
#
# everyvoice against three broadcast peers (Node ws, Socket.IO, Bun), each server pinned to core 0
# and the generator (evload) to core 1, targets interleaved inside every configuration, --runs runs
# of each. Writes results/raw.txt (every RESULT line), results/table.md and results/plot.png.
# Everything runs on 127.0.0.1, inside a private network namespace when one can be made (so that W4
# can give stalled sockets a realistic kernel buffer without touching the host's settings).
# Needs: evload and everyvoice built (cmake --build build-load --target everyvoice evload), node and
# npm; installs gnuplot-nox and the peers' npm packages when they are missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=3
quick=0
server_bin=$root/build-load/server/everyvoice
evload_bin=$root/build-load/tests/load/evload
out=$here/results
in_netns=0
big_arg=
server_label=
only=
evening=500,1000
evening_seconds=60
for a in "$@"; do
  case $a in
    --runs=*) runs=${a#*=} ;;
    --quick) quick=1 ;;
    --server=*) server_bin=$(realpath "${a#*=}") ;;
    --evload=*) evload_bin=$(realpath "${a#*=}") ;;
    --out=*) out=$(realpath -m "${a#*=}") ;;
    --in-netns) in_netns=1 ;;
    --big=*) big_arg=${a#*=} ;;
    --only=*) only=${a#*=} ;;
    --server-label=*) server_label=${a#*=} ;;
    --evening=*) evening=${a#*=} ;;
    --evening-seconds=*) evening_seconds=${a#*=} ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run-matrix: unknown argument $a" >&2; exit 2 ;;
  esac
done

# Outside the namespace: check and install what is needed, then run again inside a private one.
if [ $in_netns -eq 0 ]; then
  for f in "$server_bin" "$evload_bin"; do
    [ -x "$f" ] || { echo "run-matrix: $f is missing; build: cmake -S . -B build-load -G Ninja && cmake --build build-load --target everyvoice evload" >&2; exit 2; }
  done
  command -v taskset >/dev/null || { echo "run-matrix: taskset (util-linux) is needed" >&2; exit 2; }
  command -v node >/dev/null && command -v npm >/dev/null || { echo "run-matrix: node and npm are needed (apt-get install nodejs npm)" >&2; exit 2; }
  if ! command -v gnuplot >/dev/null; then
    echo "run-matrix: installing gnuplot-nox" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gnuplot-nox >/dev/null; }
  fi
  if [ ! -d "$here/peers/node_modules/ws" ] || [ ! -d "$here/peers/node_modules/socket.io" ] || [ ! -e "$here/peers/node_modules/.bin/bun" ]; then
    echo "run-matrix: installing the peers' npm packages" >&2
    (cd "$here/peers" && npm ci --no-audit --no-fund >/dev/null)
  fi
  if unshare -n true 2>/dev/null; then
    exec unshare -n -- bash "$0" "$@" --in-netns
  fi
  echo "run-matrix: cannot make a private network namespace; running on the host's loopback" >&2
  in_netns=2
fi
if [ $in_netns -eq 1 ]; then
  ip link set lo up
fi

# 5,000 clients in one process need 5,000 descriptors (and the server as many).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt 11000 ]; then
  echo "run-matrix: ulimit -n is $(ulimit -n); 5,000 clients need at least 11000" >&2
  exit 2
fi

mkdir -p "$out/logs"
raw=$out/raw.txt
# --only=c1000:ws,big5000:everyvoice re-runs just those measurements and replaces their lines in
# raw.txt (the rest of the table stays); without it the whole matrix runs from scratch.
if [ -z "$only" ]; then
  : >"$raw"
else
  for pair in ${only//,/ }; do
    [ -f "$raw" ] && sed -i "/ config=${pair%%:*} .*target=${pair#*:} /d" "$raw"
  done
fi
selected() {  # config target
  [ -z "$only" ] && return 0
  case ",$only," in *",$1:$2,"*) return 0 ;; esac
  return 1
}
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Which peers can run here. Bun comes from the npm package `bun` (its binary for this platform).
targets=(everyvoice ws socketio bun)
bun_bin=$here/peers/node_modules/.bin/bun
bun_note=""
if ! bun_version=$("$bun_bin" --version 2>&1); then
  bun_note="bun: not run (its npm package's binary does not run here: ${bun_version:0:200})"
  targets=(everyvoice ws socketio)
fi

# Durations (seconds). --quick is for trying the script, not for figures.
if [ $quick -eq 1 ]; then
  d_w1=2 d_fast=2 w4_before=2 w4_after=6 settle=1 big=1000 evening=50 evening_seconds=10
else
  d_w1=5 d_fast=4 w4_before=3 w4_after=25 settle=3 big=5000
fi
big=${big_arg:-$big}
if [ -z "$server_label" ]; then
  server_label="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  (cd "$root" && git diff --quiet HEAD -- server 2>/dev/null) || server_label="$server_label with uncommitted server changes"
fi

server_flags=(--address=127.0.0.1 --port=0 --log-level=warn --static-dir="$root/client-web"
  --connections-per-ip=20000 --participants-per-meeting=10000 --commands-per-second=100000 --command-burst=100000
  --meeting-creates-per-minute=100000 --meetings=10000)

server_threads=1
fresh_data=0  # W8: each server starts on an empty data folder (the others share one, as before)
start_target() {  # target port_file log
  local target=$1 port_file=$2 log=$3
  rm -f "$port_file"
  if [ "$fresh_data" -eq 1 ]; then rm -rf "$tmp/data"; fi
  case $target in
    everyvoice)
      # --threads=2 (W8) takes both cores: the generator then shares core 1 with the server.
      local cores=0
      if [ "$server_threads" -gt 1 ]; then cores=0,1; fi
      taskset -c $cores "$server_bin" "${server_flags[@]}" --threads="$server_threads" --port-file="$port_file" \
        --data-dir="$tmp/data" >"$log" 2>&1 & ;;
    ws) taskset -c 0 node "$here/peers/ws-server.js" --port=0 --port-file="$port_file" >"$log" 2>&1 & ;;
    socketio) taskset -c 0 node "$here/peers/socketio-server.js" --port=0 --port-file="$port_file" >"$log" 2>&1 & ;;
    bun) taskset -c 0 "$bun_bin" "$here/peers/bun-server.js" --port=0 --port-file="$port_file" >"$log" 2>&1 & ;;
  esac
  server_pid=$!
}

stop_target() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

payload=0
# One measurement: a fresh server, evload pinned to core 1, RESULT lines tagged and appended.
measure() {  # run config target evload-args...
  local run=$1 config=$2 target=$3
  shift 3
  selected "$config" "$target" || return 0
  local name="$config-$target-run$run"
  local extra=()
  if [ "$target" != everyvoice ] && [ "$payload" -gt 0 ]; then extra+=(--payload-bytes="$payload"); fi
  start_target "$target" "$tmp/port" "$out/logs/$name.server.log"
  local status=0
  taskset -c 1 "$evload_bin" --target="$target" --host=127.0.0.1 --port-file="$tmp/port" --server-pid="$server_pid" \
    "${extra[@]}" "$@" >"$out/logs/$name.txt" 2>&1 || status=$?
  stop_target
  grep '^RESULT ' "$out/logs/$name.txt" | sed "s/^RESULT /RESULT run=$run config=$config exit=$status /" >>"$raw" || true
  # The peers' messages are as long as everyvoice's update frame in the same configuration (its
  # seq and clock fields grow with the meeting), so everyvoice runs first in each.
  if [ "$target" = everyvoice ]; then
    local bytes
    bytes=$(grep -E '^RESULT .*phase=W[1-4] ' "$out/logs/$name.txt" | sed -n 's/.* frame_bytes=\([0-9]*\).*/\1/p' | head -1 || true)
    if [ -n "$bytes" ] && [ "$bytes" -gt 0 ]; then payload=$bytes; fi
  fi
  printf '  %-10s %-9s run %s: exit %s\n' "$config" "$target" "$run" "$status"
  grep -E '^(W[0-9]|  time until|  delivered|  RSS per|  W4 )' "$out/logs/$name.txt" | sed 's/^/      /' | head -12 || true
}

started=$(date +%s)
if [ -n "$only" ]; then
  echo "# re-run $(date -u '+%Y-%m-%d %H:%M UTC') of $only; load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"
else {
  echo "# evload matrix, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), kernel $(uname -r)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg); runs $runs; quick $quick; netns $in_netns"
  echo "# everyvoice server: $server_label; peers: ws $(node -p "require('$here/peers/node_modules/ws/package.json').version"), socket.io $(node -p "require('$here/peers/node_modules/socket.io/package.json').version"), bun ${bun_version:-n/a}, node $(node --version)"
  if [ -n "$bun_note" ]; then echo "# $bun_note"; fi
} | tee "$out/meta.txt"
fi

# The peers' messages are as long as everyvoice's update frame (raise_hand / lower_hand); a probe
# gives the size for the configurations without an everyvoice update (W5).
echo "probe: everyvoice's update frame size"
measure 0 probe everyvoice --clients=10 --phases=W1 --rate=20 --duration=2
if [ -z "$only" ]; then
  echo "# payload: everyvoice's update frame, $payload bytes in the probe (each configuration uses its own)" | tee -a "$out/meta.txt"
fi

for run in $(seq 1 "$runs"); do
  echo "run $run of $runs"
  # W1 at 100 clients.
  for t in "${targets[@]}"; do measure "$run" c100 "$t" --clients=100 --phases=W1 --duration=$d_w1; done
  # 1,000 clients: the join storm (W6), then W1, W2, W3.
  for t in "${targets[@]}"; do
    measure "$run" c1000 "$t" --clients=1000 --phases=W6,W1,W2,W3 --duration=$d_w1 --fast-duration=$d_fast --window=8 \
      --setup-timeout=200
  done
  # W5: 5,000 idle connections (everyvoice: 50 meetings of 100, so the set-up is not a 5,000-person
  # join storm; the peers have no meetings: one group).
  for t in "${targets[@]}"; do
    measure "$run" idle5000 "$t" --clients=5000 --meetings=$([ "$t" = everyvoice ] && echo 50 || echo 1) \
      --phases=W5 --w5-settle=$settle --setup-timeout=120
  done
  # W4: 100 clients, 8 in flight; then 1 of them stops reading. A stalled socket's kernel send
  # buffer is capped at 256 KiB here (loopback otherwise lets it grow to 4 MiB, far above a real
  # link), so that the server's own queue is what fills.
  if [ $in_netns -eq 1 ]; then sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"; fi
  for t in "${targets[@]}"; do
    measure "$run" w4 "$t" --clients=100 --phases=W4 --window=8 --w4-before=$w4_before --w4-after=$w4_after \
      --w4-stall-rcvbuf=4096
  done
  if [ $in_netns -eq 1 ]; then sysctl -qw net.ipv4.tcp_wmem="4096 16384 4194304"; fi
done

# 5,000 in one meeting: everyvoice's join storm is quadratic (each join is an update to everyone
# already there: 12.5 million frames), so this set-up runs once per target and W1 runs --runs times
# on it; then W7, the vote storm (everyvoice only: it needs anonymous polls; a server version
# without them reports W7 as not available).
echo "$big clients in one meeting (one set-up per target, W1 $runs times)"
phases="W6"
for _ in $(seq 1 "$runs"); do phases="$phases,W1"; done
for t in "${targets[@]}"; do
  measure 1 big$big "$t" --clients=$big --phases=$phases,W7 --duration=$d_w1 --setup-timeout=1500 --max-seconds=1700 \
    --connect-concurrency=500
done

# W8, a busy evening: meetings of 12 (a facilitator and 11 members) following a meeting's script,
# one step a second each, for --evening-seconds; at --threads=1 and 2, for each number of meetings
# in --evening (the table gives the most meetings held at p99 at most 20 ms for each).
echo "W8: a busy evening (meetings: $evening; $evening_seconds s each)"
fresh_data=1
for run in $(seq 1 "$runs"); do
  for m in ${evening//,/ }; do
    for threads in 1 2; do
      server_threads=$threads
      measure "$run" "evening${threads}t${m}m" everyvoice --clients=$((m * 12)) --meetings="$m" --phases=W6,W8 \
        --duration="$evening_seconds" --setup-timeout=600 --max-seconds=900 --connect-concurrency=500
      server_threads=1
    done
  done
done

echo "# took $(( $(date +%s) - started )) s${only:+ (re-run of $only)}; load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"
# W9's section (run-w9.sh: the browser pages) is kept in table.md when its lines are there.
python3 "$here/aggregate.py" --raw "$raw" --meta "$out/meta.txt" --out "$out" --big "$big" ${bun_note:+--bun-note "$bun_note"} \
  --w9-raw "$out/w9-raw.txt" --w9-meta "$out/w9-meta.txt"
(cd "$out" && gnuplot plot.gp)
if [ -f "$out/w9.gp" ]; then (cd "$out" && gnuplot w9.gp); fi
echo "wrote $out/table.md and $out/plot.png"
