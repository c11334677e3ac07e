#!/usr/bin/env bash
# CI smoke of the load generator: the real server on an ephemeral loopback port, 50 clients, a few
# seconds: the join storm (W6), 20 updates/s (W1), 8 updates in flight (W3) and, when the server has
# polls, a vote storm (W7); then a short busy evening (W8): 10 meetings of 8 run the whole meeting
# script (hands, turns, a point, a signal, a go-round, an anonymous poll, a reconnect) at 10 steps/s.
# Passes when evload exits 0 both times: every client joined and got every update, in order, with no
# loss, gap, duplicate, error or close; messages were delivered; every vote was acknowledged and
# every client was shown the final count; every step of the script was accepted and answered.
# Usage: smoke.sh EVERYVOICE_BINARY EVLOAD_BINARY STATIC_DIR
set -euo pipefail
server_bin=$1 evload_bin=$2 static_dir=$3
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --address=127.0.0.1 --port=0 --port-file="$work/port" --data-dir="$work/data" \
  --static-dir="$static_dir" --log-level=warn --threads=1 \
  --commands-per-second=100000 --command-burst=100000 --meeting-creates-per-minute=100000 >"$work/server.log" 2>&1 &
server_pid=$!

# evload waits (at most 10 s) for the port file; its own deadline ends the run in 15 s whatever happens.
set +e
"$evload_bin" --target=everyvoice --host=127.0.0.1 --port-file="$work/port" --server-pid="$server_pid" \
  --clients=50 --phases=W6,W1,W3,W7 --rate=20 --duration=2 --window=8 --w7-spread=1 --update-timeout=3 --max-seconds=15
status=$?
set -e
if [ $status -eq 0 ]; then
  "$evload_bin" --target=everyvoice --host=127.0.0.1 --port-file="$work/port" --server-pid="$server_pid" \
    --clients=80 --meetings=10 --phases=W6,W8 --duration=2.5 --w8-interval=0.1 --update-timeout=3 --max-seconds=12
  status=$?
fi
if [ $status -ne 0 ]; then
  echo "load_smoke: evload exited $status; server log:" >&2
  tail -n 20 "$work/server.log" >&2 || true
fi
exit $status
