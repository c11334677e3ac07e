#!/usr/bin/env bash
# Usage: bash tests/deploy/package_test.sh BUILD_DIR          (as root; a CI stage)
#
# The Debian package end to end, with the real parts: builds `package` in BUILD_DIR, prints the
# .deb's size, runs `systemd-analyze verify` on the installed unit, installs the .deb with dpkg,
# checks every path of the contract (issue 12), then starts the installed binary as the unit would
# (user everyvoice, the packaged config, in /var/lib/everyvoice, umask 0027, 65536 files; PID 1 is
# not systemd here, so not through systemctl) with `--port=<a free port>` appended, and checks
# /healthz, creating a meeting and the web client at /. Then it reinstalls the .deb over a changed
# config (an upgrade keeps the admin's config and the meetings), and purges the package.
#
# The machine is left as before: what the test made (the user everyvoice, /var/lib/everyvoice) is
# removed at the end only if it did not exist before. It refuses to run where everyvoice is
# installed already, so it never purges a real installation.
set -euo pipefail

build=${1:?usage: package_test.sh BUILD_DIR}
build=$(cd "$build" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/everyvoice-package-test.XXXXXX")

fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
say() { echo "package_test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs and purges the package)"
if dpkg-query -W -f='${Status}' everyvoice 2>/dev/null | grep -q 'installed\|config-files\|unpacked'; then
  fail "the package everyvoice is installed on this machine; refusing to test (the test purges it)"
fi
for tool in curl python3 systemd-analyze runuser setpriv; do
  command -v "$tool" >/dev/null || fail "needs $tool"
done

# What exists before, so that cleanup removes only what the test made.
user_existed=no; getent passwd everyvoice >/dev/null && user_existed=yes
group_existed=no; getent group everyvoice >/dev/null && group_existed=yes
data_existed=no; [ -e /var/lib/everyvoice ] && data_existed=yes

server_pid=
installed=no
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
  if [ "$installed" = yes ]; then dpkg_retry --purge everyvoice >/dev/null 2>&1 || true; fi
  if [ "$data_existed" = no ]; then rm -rf /var/lib/everyvoice; fi
  if [ "$user_existed" = no ] && getent passwd everyvoice >/dev/null; then deluser --system --quiet everyvoice >/dev/null 2>&1 || true; fi
  if [ "$group_existed" = no ] && getent group everyvoice >/dev/null; then delgroup --system --quiet everyvoice >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
  [ $rc -eq 0 ] || echo "package_test: failed (logs were in $scratch, removed); see the messages above" >&2
  exit $rc
}
trap cleanup EXIT

# dpkg with the lock shared by other users of the machine: wait for it rather than fail.
dpkg_retry() {
  local out
  for _ in $(seq 1 60); do
    if out=$(DEBIAN_FRONTEND=noninteractive dpkg "$@" </dev/null 2>&1); then printf '%s\n' "$out"; return 0; fi
    if printf '%s' "$out" | grep -q 'lock'; then sleep 5; continue; fi
    printf '%s\n' "$out" >&2
    return 1
  done
  echo "dpkg lock held for 5 minutes" >&2
  return 1
}

# --- build ------------------------------------------------------------------------------------
started=$(date +%s)
cmake --build "$build" --target package >"$scratch/package.log" 2>&1 || { cat "$scratch/package.log" >&2; fail "cmake --build $build --target package"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb="$build/everyvoice_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $deb after building the package target"
say "built $(basename "$deb") in $(( $(date +%s) - started )) s"
say "size: $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1)); installed size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
say "Depends: $(dpkg-deb -f "$deb" Depends)"
contents=$(dpkg-deb -c "$deb")
printf '%s\n' "$contents" | grep -q '\./usr/bin/everyvoice$' || fail "the .deb has no /usr/bin/everyvoice"
if printf '%s\n' "$contents" | grep -q '\./usr/etc'; then fail "the .deb puts files in /usr/etc (the config belongs in /etc)"; fi
dpkg-deb -I "$deb" conffiles | grep -qx '/etc/everyvoice/everyvoice.conf' || fail "the config is not a conffile"

# --- install ----------------------------------------------------------------------------------
installed=yes
if ! dpkg_retry -i "$deb" >"$scratch/dpkg.log"; then
  say "dpkg -i left dependencies missing; apt-get install -f"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -f -y -qq >/dev/null || fail "apt-get install -f"
fi
dpkg-query -W -f='${Status}' everyvoice | grep -q 'install ok installed' || fail "everyvoice is not configured after dpkg -i"
say "installed with dpkg -i"

# --- the unit ---------------------------------------------------------------------------------
unit=/lib/systemd/system/everyvoice.service
[ -f "$unit" ] || fail "no $unit"
# verify exits 0 on unknown keys (it only warns), so any output is a failure too.
if ! out=$(systemd-analyze verify "$unit" 2>&1) || [ -n "$out" ]; then
  printf '%s\n' "$out" >&2
  fail "systemd-analyze verify $unit"
fi
say "systemd-analyze verify $unit: ok (no output)"
grep -qx 'ExecStart=/usr/bin/everyvoice --config=/etc/everyvoice/everyvoice.conf' "$unit" || fail "the unit's ExecStart"
[ -L /etc/systemd/system/multi-user.target.wants/everyvoice.service ] || fail "postinst did not enable the unit"

# --- the paths of the contract ----------------------------------------------------------------
conf=/etc/everyvoice/everyvoice.conf
[ -x /usr/bin/everyvoice ] || fail "no /usr/bin/everyvoice"
file -b /usr/bin/everyvoice | grep -q ', stripped' || fail "/usr/bin/everyvoice is not stripped: $(file -b /usr/bin/everyvoice)"
[ -f /usr/share/everyvoice/client-web/index.html ] || fail "no /usr/share/everyvoice/client-web/index.html"
diff -r "$src/client-web" /usr/share/everyvoice/client-web >/dev/null || fail "/usr/share/everyvoice/client-web differs from client-web/"
[ -f "$conf" ] || fail "no $conf"
[ "$(stat -c '%U:%G %a' "$conf")" = "root:everyvoice 640" ] || fail "$conf is $(stat -c '%U:%G %a' "$conf"), not root:everyvoice 640"
entry=$(getent passwd everyvoice) || fail "postinst did not create the user everyvoice"
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "everyvoice is not a system user (uid $uid)"
[ "$(echo "$entry" | cut -d: -f6)" = /var/lib/everyvoice ] || fail "everyvoice's home is not /var/lib/everyvoice: $entry"
[ "$(stat -c '%U:%G %a' /var/lib/everyvoice)" = "everyvoice:everyvoice 750" ] || fail "/var/lib/everyvoice is $(stat -c '%U:%G %a' /var/lib/everyvoice)"
if v=$(/usr/bin/everyvoice --version 2>/dev/null); then
  [ "$v" = "everyvoice $version" ] || fail "everyvoice --version says '$v', the package is $version"
else
  say "NOTE: this binary has no --version yet"
fi
runuser -u everyvoice -- test -r "$conf" || fail "the user everyvoice cannot read $conf"
if runuser -u nobody -- test -r "$conf"; then fail "another user (nobody) can read $conf, which may hold the create key"; fi
say "paths: /usr/bin/everyvoice (stripped), /usr/share/everyvoice/client-web, $conf (root:everyvoice 640), $unit, /var/lib/everyvoice (everyvoice 750)"

# --- run it as the unit would -----------------------------------------------------------------
config_args=(--config="$conf")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_server() {
  port=$(free_port)
  # ExecStart's command, User=/Group=, WorkingDirectory=, UMask=0027, LimitNOFILE=65536,
  # NoNewPrivileges=yes, CapabilityBoundingSet= (setpriv execs: the PID is the server's own).
  # (A sandbox whose own hard limit is lower, as this CI's 20000, gets its hard limit.)
  (cd /var/lib/everyvoice && umask 0027 && { ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; } &&
     exec setpriv --reuid=everyvoice --regid=everyvoice --init-groups --no-new-privs --bounding-set=-all \
       /usr/bin/everyvoice "${config_args[@]}" --port="$port") >>"$scratch/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ]; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; fail "the server exited at start"; }
    sleep 0.1
  done
  cat "$scratch/server.log" >&2
  fail "/healthz did not say ok within 10 s on port $port"
}
stop_server() {
  kill -TERM "$server_pid"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=
  [ $rc -eq 0 ] || { cat "$scratch/server.log" >&2; fail "the server exited with $rc on SIGTERM"; }
}

start_server
say "started as the unit would (user everyvoice, port $port): /healthz says ok"
[ "$(ps -o user= -p "$server_pid" | tr -d ' ')" = everyvoice ] || fail "the server does not run as the user everyvoice"

created=$(curl -sf --max-time 5 -X POST "http://127.0.0.1:$port/api/meetings" -H 'Content-Type: application/json' \
  -d '{"title":"Package test"}') || fail "POST /api/meetings failed"
code=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])') || fail "POST /api/meetings answered: $created"
key=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["facilitator_key"])')
say "created meeting $code"
[ -f /var/lib/everyvoice/everyvoice.db ] || fail "no /var/lib/everyvoice/everyvoice.db after creating a meeting"
[ "$(stat -c '%U %a' /var/lib/everyvoice/everyvoice.db)" = "everyvoice 640" ] ||
  fail "everyvoice.db is $(stat -c '%U %a' /var/lib/everyvoice/everyvoice.db), not everyvoice 640 (UMask=0027)"

curl -sf --max-time 5 -D "$scratch/index.headers" -o "$scratch/index.html" "http://127.0.0.1:$port/" || fail "GET / failed"
grep -qi '^content-type: text/html' "$scratch/index.headers" || fail "GET / is not HTML: $(grep -i content-type "$scratch/index.headers")"
grep -Eq '<title[^>]*>everyvoice' "$scratch/index.html" || fail "GET / is not the web client's start page"
say "GET / is the web client"
stop_server
say "stopped on SIGTERM (exit 0)"

# --- an upgrade keeps the admin's config and the meetings -------------------------------------
echo '# changed by the package test' >>"$conf"
dpkg_retry -i "$deb" >"$scratch/dpkg-again.log" || fail "dpkg -i over the installed package"
grep -qx '# changed by the package test' "$conf" || fail "reinstalling replaced the changed config"
[ "$(stat -c '%U:%G %a' "$conf")" = "root:everyvoice 640" ] || fail "after reinstalling, $conf is $(stat -c '%U:%G %a' "$conf")"
start_server
curl -sf --max-time 5 -o /dev/null -H "X-Facilitator-Key: $key" "http://127.0.0.1:$port/api/meetings/$code/minutes?format=json" ||
  fail "meeting $code is gone after reinstalling the package"
stop_server
say "reinstalled over a changed config: config kept, meeting $code still there"

# --- purge ------------------------------------------------------------------------------------
dpkg_retry --purge everyvoice >"$scratch/purge.log" || fail "dpkg --purge everyvoice"
installed=no
for gone in /usr/bin/everyvoice /usr/share/everyvoice /etc/everyvoice "$unit" \
            /etc/systemd/system/multi-user.target.wants/everyvoice.service; do
  [ ! -e "$gone" ] && [ ! -L "$gone" ] || fail "$gone is still there after dpkg --purge"
done
if dpkg-statoverride --list "$conf" >/dev/null 2>&1; then fail "the statoverride of $conf is still there after purge"; fi
[ -f /var/lib/everyvoice/everyvoice.db ] || fail "purge removed the meetings in /var/lib/everyvoice (it must never)"
say "purged: files, config, unit links and statoverride gone; /var/lib/everyvoice kept (the test removes it if it made it)"
say "ok"
