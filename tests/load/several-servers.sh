#!/usr/bin/env bash
# One server against three on one PostgreSQL store, both behind Debian's HAProxy with
# deploy/haproxy/haproxy.cfg (README, "When one machine is not enough"): W8, a busy evening (M
# meetings of 12 following a meeting's script, commands/s and p99 from command to every member),
# and W1 (one meeting of N people, 10 updates/s, p99 to the last client). Interleaved: 1 server,
# 3 servers, 1, 3, ... Everything on loopback; a private PostgreSQL cluster in a temporary folder.
# Prints evload's lines and the everyvoice processes' CPU; asserts nothing. Not in CI.
#   tests/load/several-servers.sh [--runs=2] [--meetings=200] [--people=1000] [--seconds=30]
# Needs: build/server/everyvoice and build/tests/load/evload, postgresql and haproxy (deploy/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs=2 meetings=200 people=1000 seconds=30
for a in "$@"; do
  case $a in
    --runs=*) runs=${a#*=} ;;
    --meetings=*) meetings=${a#*=} ;;
    --people=*) people=${a#*=} ;;
    --seconds=*) seconds=${a#*=} ;;
    *) echo "several-servers: unknown option $a" >&2; exit 2 ;;
  esac
done
server=$root/build/server/everyvoice
evload=$root/build/tests/load/evload
for f in "$server" "$evload" /usr/sbin/haproxy; do
  [ -x "$f" ] || { echo "several-servers: $f is missing" >&2; exit 2; }
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

tmp=$(mktemp -d /tmp/everyvoice-servers-XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$tmp"; as_pg=(runuser -u postgres --); fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/pg" -U everyvoice -A trust --no-sync >/dev/null
taskset -c 0 "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o "-c listen_addresses='' -k $tmp -p 5432 -c max_connections=50" start >/dev/null

cpu_of() {  # utime + stime of the given pids, in clock ticks
  local total=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    set -- $(sed 's/.*) //' "/proc/$p/stat")
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

ports=(18081 18082 18083)
proxy_port=18080
run_one() {  # servers workload-name evload-args...
  local n=$1 name=$2
  shift 2
  local db="run$RANDOM$RANDOM"
  psql -q "postgresql://everyvoice@/postgres?host=$tmp" -c "CREATE DATABASE $db" >/dev/null
  local servers=()
  for i in $(seq 0 $((n - 1))); do
    taskset -c 0 "$server" --address=127.0.0.1 --port="${ports[$i]}" --log-level=warn --static-dir="$root/client-web" \
      --store="postgresql://everyvoice@/$db?host=$tmp" --node="node$i" --threads=1 --data-dir="$tmp/data$i" \
      --connections-per-ip=20000 --participants-per-meeting=10000 --commands-per-second=100000 --command-burst=100000 \
      --meeting-creates-per-minute=100000 --meetings=10000 >"$tmp/server$i.log" 2>&1 &
    servers+=($!)
    pids+=($!)
  done
  # HAProxy as shipped, with only the servers that run and this script's ports.
  sed -e "s/bind 127.0.0.1:8080/bind 127.0.0.1:$proxy_port/" \
    "$root/deploy/haproxy/haproxy.cfg" | awk -v n="$n" '
      /server node-a/ { if (n < 1) next; sub(/:8081/, ":18081") }
      /server node-b/ { if (n < 2) next; sub(/:8082/, ":18082") }
      /server node-c/ { if (n < 3) next; sub(/:8083/, ":18083") }
      { print }' >"$tmp/haproxy.cfg"
  taskset -c 0 /usr/sbin/haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
  local proxy=$!
  pids+=($proxy)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$proxy_port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 2  # every server's health check passed
  local before
  before=$(cpu_of "${servers[@]}")
  local out status=0
  out=$(taskset -c 1 "$evload" --target=everyvoice --host=127.0.0.1 --port=$proxy_port "$@" 2>&1) || status=$?
  [ "$status" -eq 0 ] || { echo "$out" | tail -5 >&2; tail -n 5 "$tmp"/server0.log "$tmp"/haproxy.log >&2; }
  local after
  after=$(cpu_of "${servers[@]}")
  echo "  $name, $n server(s): exit $status; everyvoice CPU $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f s", t / hz }')"
  echo "$out" | grep -E '^(W[0-9]|  )' | sed 's/^/    /' | head -14
  echo "$out" | grep '^RESULT' | sed "s/^RESULT /RESULT servers=$n /"
  kill "$proxy" "${servers[@]}" 2>/dev/null || true
  wait "$proxy" "${servers[@]}" 2>/dev/null || true
}

echo "# several servers, $(date -u '+%Y-%m-%d %H:%M UTC'), servers, PostgreSQL and HAProxy on core 0, evload on core 1"
for run in $(seq 1 "$runs"); do
  for n in 1 3; do
    run_one "$n" "W8 $meetings meetings (run $run)" --clients=$((meetings * 12)) --meetings="$meetings" --phases=W6,W8 \
      --duration="$seconds" --setup-timeout=600 --max-seconds=900 --connect-concurrency=200
    run_one "$n" "W1 $people people (run $run)" --clients="$people" --phases=W6,W1 --duration="$seconds" \
      --setup-timeout=600 --max-seconds=900 --connect-concurrency=200
  done
done
