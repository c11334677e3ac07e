#!/usr/bin/env bash
# deploy/install.sh, run for real on this machine (as root), twice, for a domain that cannot resolve
# (everyvoice-test.invalid), with the built Debian package; then everything it installed is removed.
# A CI stage (.ci/run), not a ctest test: it installs packages and writes to /etc.
#
#   tests/deploy/install_test.sh BUILD_DIR [--deb PATH]
#
# Checks: the self-signed certificate path is taken (and said), the site it writes passes `nginx -t`,
# the configuration has the public URL and a create key (and keeps its owner and mode), the installed
# server accepts that configuration and serves the public URL, and the second run changes nothing
# (every step says "unchanged"). Where systemd is not PID 1 nothing is started by install.sh; the
# server is then started here as the unit would start it (its user, its configuration) on a free
# loopback port. Refuses to run where everyvoice or its nginx site is already installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="" deb=""
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="$2"; shift 2 ;;
    -*) echo "install_test: unknown option $1" >&2; exit 2 ;;
    *) build="$1"; shift ;;
  esac
done
[ -n "$build" ] || [ -n "$deb" ] || { echo "usage: install_test.sh BUILD_DIR [--deb PATH]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "install_test: needs root (it installs packages)" >&2; exit 1; }

domain=everyvoice-test.invalid
conf=/etc/everyvoice/everyvoice.conf
site=/etc/nginx/sites-available/everyvoice
link=/etc/nginx/sites-enabled/everyvoice
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if [ -z "$deb" ]; then
  shopt -s nullglob; debs=("$build"/everyvoice_*.deb); shopt -u nullglob
  if [ ${#debs[@]} -eq 0 ]; then
    echo "install_test: building the package (cmake --build $build --target package)"
    cmake --build "$build" --target package >/dev/null
    shopt -s nullglob; debs=("$build"/everyvoice_*.deb); shopt -u nullglob
  fi
  [ ${#debs[@]} -gt 0 ] || { echo "install_test: no $build/everyvoice_*.deb" >&2; exit 1; }
  deb="$(ls -t "${debs[@]}" | head -n 1)"
fi
deb="$(realpath "$deb")"
echo "install_test: package $deb ($(du -k "$deb" | cut -f1) KiB)"

# Never take over a real installation.
present() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -Eq ' (installed|config-files|unpacked|half-installed|half-configured)$'; }
if present everyvoice || [ -e "$site" ] || [ -e "$link" ]; then
  echo "install_test: everyvoice or its nginx site is already installed here; not touching it" >&2; exit 1
fi
had_nginx=0 had_certbot=0 had_data=0 had_user=0
installed nginx && had_nginx=1
installed certbot && had_certbot=1
[ -e /var/lib/everyvoice ] && had_data=1
getent passwd everyvoice >/dev/null && had_user=1

work="$(mktemp -d "${TMPDIR:-/tmp}/everyvoice-install.XXXXXX")"
chmod 0755 "$work"
server_pid=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  echo "install_test: removing what was installed"
  rm -f "$link" "$site"
  rm -rf /etc/everyvoice/tls /var/www/everyvoice-acme
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 purge -y -q everyvoice >/dev/null 2>&1 ||
    dpkg --purge everyvoice >/dev/null 2>&1
  [ "$had_data" -eq 1 ] || rm -rf /var/lib/everyvoice
  [ "$had_user" -eq 1 ] || { userdel everyvoice 2>/dev/null; groupdel everyvoice 2>/dev/null; }
  remove=()
  [ "$had_nginx" -eq 1 ] || remove+=(nginx nginx-common)
  [ "$had_certbot" -eq 1 ] || remove+=(certbot)
  if [ ${#remove[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 purge -y -q "${remove[@]}" >/dev/null 2>&1
  fi
  installed everyvoice && { echo "install_test: everyvoice is still installed" >&2; status=1; }
  [ -e "$site" ] && { echo "install_test: $site is still there" >&2; status=1; }
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: expected '$2', got '$3'"; fi; }

# --- First run.
echo "--- install.sh $domain (first run)"
cd "$root"
if bash deploy/install.sh "$domain" --deb "$deb" >"$work/run1.log" 2>&1; then ok "first run exits 0"; else bad "first run failed"; fi
sed 's/^/    | /' "$work/run1.log"
installed everyvoice && ok "the package is installed ($(dpkg-query -W -f='${Version}' everyvoice))" || bad "the package is not installed"
grep -q "changed: made a self-signed certificate /etc/everyvoice/tls/$domain.crt" "$work/run1.log" &&
  ok "the self-signed path was taken" || bad "no self-signed certificate was made"
grep -q "WARNING: the certificate is SELF-SIGNED" "$work/run1.log" && grep -q "$domain does not resolve to a public address of this machine" "$work/run1.log" &&
  ok "it says so clearly, and why" || bad "no self-signed warning with its reason"
[ ! -e "/etc/letsencrypt/live/$domain" ] && ok "no Let's Encrypt attempt for a name that does not resolve" || bad "a Let's Encrypt certificate exists"
openssl x509 -in "/etc/everyvoice/tls/$domain.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "DNS:$domain" &&
  ok "the certificate names $domain" || bad "the certificate does not name $domain"
check "key mode" "600" "$(stat -c %a "/etc/everyvoice/tls/$domain.key" 2>&1 || true)"
check "site link" "$site" "$(readlink "$link" || true)"
grep -q "server_name $domain;" "$site" && grep -Eq "ssl_certificate +/etc/everyvoice/tls/$domain.crt;" "$site" &&
  grep -q "server 127.0.0.1:8080;" "$site" && ok "the site names the domain, the certificate and the upstream" || bad "the site lacks the domain, certificate or upstream"
if nginx -t >"$work/nginx-t.log" 2>&1; then ok "nginx -t passes with the site"; else bad "nginx -t: $(cat "$work/nginx-t.log")"; fi
check "public-url in $conf" "https://$domain" "$(sed -n 's/^public-url *= *//p' "$conf" 2>&1 || true)"
key="$(sed -n 's/^create-key *= *//p' "$conf" 2>/dev/null || true)"
[[ "$key" =~ ^[0-9a-f]{32}$ ]] && ok "a create key was generated" || bad "no create key in $conf"
grep -q "create key (shown this once; it stays in $conf as create-key): $key" "$work/run1.log" &&
  ok "the key is shown once, with where it is kept" || bad "the key was not shown with its place"
check "$conf owner and mode kept" "root:everyvoice 640" "$(stat -c '%U:%G %a' "$conf" 2>&1 || true)"
if [ -d /run/systemd/system ]; then
  ok "systemd runs this machine: install.sh started the services"
else
  grep -q "nothing started" "$work/run1.log" && ok "systemd is not PID 1: install.sh says what it would start, starts nothing" ||
    bad "install.sh did not say that it started nothing"
  [ -z "$(pgrep -x nginx || true)" ] || echo "    (an nginx is running, not started by install.sh: $(pgrep -x nginx | tr '\n' ' '))"
fi

# --- The installed server with the written configuration, started as the unit would (its user,
# its config), on a free loopback port and a data folder of its own (flags after --config win).
install -d -o everyvoice -g everyvoice "$work/data"
setpriv --reuid=everyvoice --regid=everyvoice --init-groups /usr/bin/everyvoice --config="$conf" \
  --port=0 --port-file="$work/data/port" --data-dir="$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 200); do [ -s "$work/data/port" ] && break; kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
if [ -s "$work/data/port" ]; then
  port="$(cat "$work/data/port")"
  ok "the installed server starts with the written configuration (port $port)"
  info="$(curl -sS --max-time 5 -H "Host: $domain" "http://127.0.0.1:$port/api/server")"
  check "/api/server" "https://$domain True" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["public_url"], d["create_key_required"])' "$info" 2>&1)"
  create() { curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X POST -H "Host: $domain" -H 'Content-Type: application/json' "$@" -d '{"title":"Install check"}' "http://127.0.0.1:$port/api/meetings"; }
  check "creating without the key" "403" "$(create)"
  check "creating with the generated key" "201" "$(create -H "X-Create-Key: $key")"
else
  bad "the installed server did not start with the written configuration: $(cat "$work/server.log")"
fi

# --- Second run: nothing changes, every step says so.
sum() { sha256sum "$conf" "$site" "/etc/everyvoice/tls/$domain.crt" "/etc/everyvoice/tls/$domain.key" | sha256sum; }
before="$(sum)"
echo "--- install.sh $domain (second run)"
if bash deploy/install.sh "$domain" --deb "$deb" >"$work/run2.log" 2>&1; then ok "second run exits 0"; else bad "second run failed"; fi
sed 's/^/    | /' "$work/run2.log"
steps1="$(grep -Ec '^install: (changed|unchanged):' "$work/run1.log" || true)"
check "second run: lines saying changed" "0" "$(grep -c '^install: changed:' "$work/run2.log" || true)"
check "second run: every step of the first run says unchanged" "$steps1" "$(grep -c '^install: unchanged:' "$work/run2.log" || true)"
check "second run: files identical" "$before" "$(sum)"
grep -q "create key (shown" "$work/run2.log" && bad "the key was shown again" || ok "the key is not shown again"

if [ "$failures" -ne 0 ]; then echo "install_test: $failures check(s) failed"; exit 1; fi
echo "install_test: all checks passed"
