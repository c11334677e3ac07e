#!/usr/bin/env bash
# ctest https_through_nginx: Debian's nginx, configured from deploy/nginx/everyvoice.conf (rendered
# by deploy/nginx/render.sh, as deploy/install.sh does), in front of the real everyvoice binary, on
# loopback with unprivileged ports and a self-signed certificate made here with openssl. Checks TLS,
# the redirect, the ACME webroot, security headers, compression, caching, /metrics, the body limit,
# WebSocket upgrade and X-Forwarded-For with curl and openssl, then runs the browser test
# (https.test.mjs: Debian's Chromium through https:// and wss://).
#
#   nginx_test.sh --server PATH --static-dir DIR [--work DIR] [--keep]
#
# nginx listens on 127.0.0.1 and 127.0.0.2 (the whole 127/8 is loopback on Linux): curl's
# --interface 127.0.0.N gives each request a client address of its own.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
server="" static="" work="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift 2 ;;
    --static-dir) static="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "nginx_test: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$server" ] || { echo "nginx_test: no server binary at '$server'" >&2; exit 2; }
[ -d "$static" ] || { echo "nginx_test: no client folder at '$static'" >&2; exit 2; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
chromium="${EVERYVOICE_CHROMIUM:-/usr/bin/chromium}"
for tool in "$nginx_bin" curl openssl python3 node npm "$chromium"; do
  command -v "$tool" >/dev/null || { echo "nginx_test: $tool is missing; run deploy/setup.sh" >&2; exit 1; }
done

if [ -z "$work" ]; then work="$(mktemp -d "${TMPDIR:-/tmp}/everyvoice-nginx.XXXXXX")"; else rm -rf "$work"; mkdir -p "$work"; fi
work="$(cd "$work" && pwd)"
pids=()
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for f in "$work"/nginx/error.log "$work"/a.log "$work"/b.log; do
      [ -s "$f" ] && { echo "--- $f ---"; tail -n 30 "$f"; }
    done
  fi
  [ "$keep" -eq 1 ] || rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {  # description expected actual
  if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: expected '$2', got '$3'"; fi
}

free_port() {
  python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port_file() {  # file pid log
  for _ in $(seq 200); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "nginx_test: the server did not start:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.05
  done
  echo "nginx_test: the server wrote no port" >&2; exit 1
}

# --- A certificate for localhost and 127.0.0.1, made now.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# --- Ports for nginx (chosen now: the public URL names the HTTPS one).
http_port="$(free_port)"; https_port="$(free_port)"
while [ "$https_port" = "$http_port" ]; do https_port="$(free_port)"; done
public="https://localhost:$https_port"

# --- Server A: behind nginx, trusting it (127.0.0.1) and 127.0.0.5 (which stands for a client
# whose own address the server trusts too: a local user on the proxy's machine); 2 meetings a
# minute per client.
"$server" --address=127.0.0.1 --port=0 --port-file="$work/a.port" --static-dir="$static" \
  --data-dir="$work/a-data" --trusted-proxies=127.0.0.1,127.0.0.5 --public-url="$public" \
  --meeting-creates-per-minute=2 --away-grace-seconds=2 --log-level=warn >"$work/a.log" 2>&1 &
pids+=($!)
wait_port_file "$work/a.port" "$!" "$work/a.log"
a_port="$(cat "$work/a.port")"
# --- Server B: reached directly, trusting only 127.0.0.2 as its proxy.
"$server" --address=127.0.0.1 --port=0 --port-file="$work/b.port" --static-dir="$static" \
  --data-dir="$work/b-data" --trusted-proxies=127.0.0.2 --meeting-creates-per-minute=2 \
  --log-level=warn >"$work/b.log" 2>&1 &
pids+=($!)
wait_port_file "$work/b.port" "$!" "$work/b.log"
b_port="$(cat "$work/b.port")"

# --- nginx: the rendered site inside a minimal main configuration of its own (no daemon, its own
# pid file, temp folders and error log); the site is what install.sh writes to sites-available.
mkdir -p "$work/nginx" "$work/acme/.well-known/acme-challenge"
bash "$root/deploy/nginx/render.sh" --domain localhost --cert "$work/cert.pem" --key "$work/key.pem" \
  --upstream "127.0.0.1:$a_port" --acme-root "$work/acme" --http-port "$http_port" \
  --https-port "$https_port" --listen "127.0.0.1 127.0.0.2" >"$work/nginx/everyvoice.conf"
# Run as root (a CI container), nginx would switch its worker to nobody, who may not reach a build
# folder under a private home: keep the worker as the user running the test.
worker_user=""
[ "$(id -u)" -ne 0 ] || worker_user="user root root;"
cat >"$work/nginx/nginx.conf" <<EOF
$worker_user
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log stderr notice;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/everyvoice.conf;
}
EOF
if ! "$nginx_bin" -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/t.log"; then
  cat "$work/nginx/t.log" >&2; echo "nginx_test: nginx -t refused the rendered site" >&2; exit 1
fi
ok "nginx -t accepts the rendered site$( [ -s "$work/nginx/t.log" ] && echo " (with warnings: $(tr '\n' ' ' <"$work/nginx/t.log"))")"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")

cu=(curl -sS --max-time 10 --cacert "$work/cert.pem" --resolve "localhost:$https_port:127.0.0.1"
    --resolve "localhost:$http_port:127.0.0.1")
for _ in $(seq 100); do
  "${cu[@]}" -o /dev/null "$public/healthz" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx_test: nginx did not start:" >&2; cat "$work/nginx/error.log" >&2; exit 1; }
  sleep 0.1
done
echo "nginx on http://127.0.0.1:$http_port and $public (also 127.0.0.2), server A on $a_port, server B on $b_port"

header() {  # file name: the values of a header (one line each)
  tr -d '\r' <"$1" | sed -n "s/^$2:[[:space:]]*//Ip"
}
count() { header "$1" "$2" | wc -l | tr -d ' '; }

# --- TLS: 1.2 and 1.3 only, the intermediate suites, no session tickets, HTTP/2.
tls() { openssl s_client -connect "127.0.0.1:$https_port" -servername localhost "$@" </dev/null 2>&1 || true; }
negotiated() { tls "$@" | sed -n 's/^New, \([^,]*\), Cipher is .*/\1/p' | head -n 1; }  # "(NONE)" when refused
check "TLS 1.3 handshake" "TLSv1.3" "$(negotiated -tls1_3)"
check "TLS 1.2 handshake" "TLSv1.2" "$(negotiated -tls1_2)"
check "TLS 1.1 refused (the client allowing it)" "(NONE)" "$(negotiated -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0')"
check "TLS 1.2 without forward secrecy (AES128-SHA) refused" "(NONE)" "$(negotiated -tls1_2 -cipher AES128-SHA)"
check "TLS 1.2 with ECDHE-ECDSA-AES128-SHA (CBC) refused" "(NONE)" "$(negotiated -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA)"
if tls -tls1_2 | grep -q 'TLS session ticket:'; then bad "a TLS 1.2 session ticket was issued"; else ok "no TLS session tickets"; fi
check "HTTP/2 over TLS" "2" "$("${cu[@]}" -o /dev/null -w '%{http_version}' "$public/healthz")"

# --- Plain HTTP: a permanent redirect to the public URL, except for certbot's challenge.
"${cu[@]}" -o /dev/null -D "$work/h-redirect" "http://localhost:$http_port/join?code=ABCDEF"
check "HTTP -> HTTPS" "301 $public/join?code=ABCDEF" \
  "$(head -n1 "$work/h-redirect" | awk '{print $2}') $(header "$work/h-redirect" Location)"
echo "token-$$" >"$work/acme/.well-known/acme-challenge/t0k3n"
chmod -R a+rX "$work/acme"
check "ACME challenge served over HTTP from the webroot" "200 token-$$" \
  "$("${cu[@]}" -w '%{http_code} ' -o "$work/acme-got" "http://localhost:$http_port/.well-known/acme-challenge/t0k3n")$(cat "$work/acme-got")"

# --- Security headers: each exactly once, on the server's responses (passed through as the
# server sent them) and on nginx's own (its fallback values).
security_headers() {  # label file
  check "$1: Strict-Transport-Security once" "1 max-age=31536000" "$(count "$2" Strict-Transport-Security) $(header "$2" Strict-Transport-Security)"
  check "$1: Content-Security-Policy once" "1" "$(count "$2" Content-Security-Policy)"
  check "$1: X-Content-Type-Options once" "1 nosniff" "$(count "$2" X-Content-Type-Options) $(header "$2" X-Content-Type-Options)"
  check "$1: Referrer-Policy once" "1 no-referrer" "$(count "$2" Referrer-Policy) $(header "$2" Referrer-Policy)"
  local csp; csp="$(header "$2" Content-Security-Policy)"
  case "$csp" in *unsafe-inline*|*unsafe-eval*) bad "$1: CSP allows unsafe code: $csp" ;; esac
  case "$csp" in *"frame-ancestors 'none'"*) ;; *) bad "$1: CSP without frame-ancestors 'none': $csp" ;; esac
}
server_csp() {  # path: the policy server A sends itself for it
  curl -sS --max-time 10 -o /dev/null -D - -H "Host: localhost:$https_port" "http://127.0.0.1:$a_port$1" |
    tr -d '\r' | sed -n 's/^Content-Security-Policy:[[:space:]]*//Ip'
}
"${cu[@]}" -o "$work/index.html" -D "$work/h-index" "$public/"
check "GET / through nginx" "200" "$(head -n1 "$work/h-index" | awk '{print $2}')"
security_headers "/" "$work/h-index"
check "/: the CSP is the server's own" "$(server_csp /)" "$(header "$work/h-index" Content-Security-Policy)"
echo "    CSP of /: $(header "$work/h-index" Content-Security-Policy)"
"${cu[@]}" -o /dev/null -D "$work/h-404" "$public/no-such-page"
security_headers "a 404" "$work/h-404"
# --- Compression and caching of static files: the server's gzip, ETag and 304 pass through.
js="$(grep -o 'src="/[^"]*\.js[^"]*"' "$work/index.html" | head -n1 | sed 's/^src="//; s/"$//')"
[ -n "$js" ] || bad "no script in the start page"
"${cu[@]}" -H 'Accept-Encoding: gzip' -o "$work/js.gz" -D "$work/h-js" "$public${js}"
check "JS $js: Content-Encoding" "gzip" "$(header "$work/h-js" Content-Encoding)"
case "$(header "$work/h-js" Vary)" in *Accept-Encoding*) ok "JS: Vary names Accept-Encoding" ;; *) bad "JS: no Vary: Accept-Encoding" ;; esac
gzip -t "$work/js.gz" 2>/dev/null && ok "JS: the body is gzip" || bad "JS: the body is not gzip"
case "$js" in
  *'?v='*) case "$(header "$work/h-js" Cache-Control)" in
             *immutable*) ok "versioned JS: Cache-Control $(header "$work/h-js" Cache-Control)" ;;
             *) bad "versioned JS $js: Cache-Control '$(header "$work/h-js" Cache-Control)'" ;;
           esac ;;
  *) bad "the start page refers to $js without ?v=HASH" ;;
esac
etag="$(header "$work/h-js" ETag)"
if [ -n "$etag" ]; then
  check "JS: If-None-Match answers 304" "304" \
    "$("${cu[@]}" -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "$public${js}")"
else
  bad "JS: no ETag"
fi
"${cu[@]}" -H 'Accept-Encoding: gzip' -o /dev/null -D "$work/h-html" "$public/"
etag="$(header "$work/h-html" ETag)"
[ -z "$etag" ] && bad "/: no ETag" || check "/: If-None-Match answers 304" "304" \
  "$("${cu[@]}" -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "$public/")"
check "/: Cache-Control" "no-cache" "$(header "$work/h-html" Cache-Control)"

# --- /metrics: from this machine only (nginx's rule), compressed by nginx.
"${cu[@]}" -H 'Accept-Encoding: gzip' -o "$work/metrics.gz" -D "$work/h-metrics" "$public/metrics"
check "/metrics from 127.0.0.1" "200 gzip" "$(head -n1 "$work/h-metrics" | awk '{print $2}') $(header "$work/h-metrics" Content-Encoding)"
gzip -dc "$work/metrics.gz" 2>/dev/null | grep -q '^everyvoice_' && ok "/metrics: figures" || bad "/metrics: no everyvoice_ figures"
"${cu[@]}" --interface 127.0.0.2 -o /dev/null -D "$work/h-metrics-2" "https://127.0.0.2:$https_port/metrics" -k
check "/metrics from 127.0.0.2 (any other address)" "403" "$(head -n1 "$work/h-metrics-2" | awk '{print $2}')"
security_headers "nginx's own 403" "$work/h-metrics-2"
echo "    CSP of nginx's 403: $(header "$work/h-metrics-2" Content-Security-Policy)"

# --- The JSON API through nginx: what the server says about itself; the body limit; Host.
"${cu[@]}" -o "$work/server.json" -D "$work/h-api" "$public/api/server"
check "/api/server: public_url" "$public" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_url"])' "$work/server.json" 2>&1)"
security_headers "/api/server" "$work/h-api"
check "/api/server: the CSP is the server's own" "$(server_csp /api/server)" "$(header "$work/h-api" Content-Security-Policy)"
head -c 20000 /dev/zero | tr '\0' 'a' >"$work/big"
check "a 20,000-byte body is refused by nginx" "413" \
  "$("${cu[@]}" -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "@$work/big" "$public/api/meetings")"
check "Host is passed on: a name the server does not serve gets 421" "421" \
  "$("${cu[@]}" -k -o /dev/null -w '%{http_code}' -H 'Host: elsewhere.example' "https://127.0.0.1:$https_port/api/server")"

# --- WebSocket upgrade through nginx (the browser test then uses it for real).
ws_status="$("${cu[@]}" --http1.1 -o /dev/null -w '%{http_code}' --max-time 3 \
  -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "Origin: $public" "$public/ws" 2>/dev/null || true)"
check "WebSocket upgrade through nginx" "101" "$ws_status"

# --- X-Forwarded-For. create FROM XFF [curl args...]: the status of POST /api/meetings.
create() {
  local from="$1" xff="$2"; shift 2
  "${cu[@]}" --interface "$from" -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "X-Forwarded-For: $xff" -d '{"title":"XFF check"}' "$@"
}
# Through nginx (server A trusts 127.0.0.1, nginx's address): nginx replaces whatever the client
# claims with the address it sees, so each client counts, and a made-up header changes nothing.
check "through nginx: meeting created" "201" "$(create 127.0.0.4 198.51.100.4 -k "https://127.0.0.2:$https_port/api/meetings")"
check "through nginx, client 127.0.0.2 claiming 3 addresses: 2 creates, then the limit" "201 201 429" \
  "$(for x in 198.51.100.1 198.51.100.2 198.51.100.3; do create 127.0.0.2 "$x" -k "https://127.0.0.2:$https_port/api/meetings"; echo -n ' '; done | sed 's/ $//')"
check "through nginx, client 127.0.0.3 (same claimed address as before): its own count" "201" \
  "$(create 127.0.0.3 198.51.100.1 -k "https://127.0.0.2:$https_port/api/meetings")"
# A client whose address is itself trusted: the server skips trusted addresses from the right, so
# had nginx appended to the client's header ($proxy_add_x_forwarded_for), the made-up address would
# be taken for the client. nginx sends only the address it sees: counted as itself.
check "through nginx, client 127.0.0.5 (trusted too) claiming 3 addresses: 2 creates, then the limit" "201 201 429" \
  "$(for x in 198.51.100.1 198.51.100.2 198.51.100.3; do create 127.0.0.5 "$x" -k "https://127.0.0.2:$https_port/api/meetings"; echo -n ' '; done | sed 's/ $//')"
# Directly to server B, which trusts only 127.0.0.2: from 127.0.0.1 the header is ignored...
check "direct, untrusted peer 127.0.0.1 with 3 made-up addresses: counted as itself" "201 201 429" \
  "$(for x in 198.51.100.1 198.51.100.2 198.51.100.3; do create 127.0.0.1 "$x" "http://127.0.0.1:$b_port/api/meetings"; echo -n ' '; done | sed 's/ $//')"
# ...from its proxy 127.0.0.2 it names the client.
check "direct, trusted proxy 127.0.0.2 naming 3 clients: each counted" "201 201 201" \
  "$(for x in 198.51.100.1 198.51.100.2 198.51.100.3; do create 127.0.0.2 "$x" "http://127.0.0.1:$b_port/api/meetings"; echo -n ' '; done | sed 's/ $//')"
# X-Forwarded-Proto: believed (HSTS, https links) only from the trusted proxy.
hsts() { curl -sS --max-time 10 --interface "$1" -o /dev/null -D - -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$b_port/" | tr -d '\r' | grep -ci '^Strict-Transport-Security:' || true; }
check "direct, untrusted peer claiming https: no HSTS" "0" "$(hsts 127.0.0.1)"
check "direct, trusted proxy saying https: HSTS" "1" "$(hsts 127.0.0.2)"

# --- The browser: create a meeting, join, vote, reconnect, QR code, no CSP violation.
if [ ! -d "$root/tests/e2e/node_modules/playwright-core" ] || [ ! -d "$root/tests/e2e/node_modules/jsqr" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$root/tests/e2e" --no-audit --no-fund --loglevel=error
fi
echo "--- browser test through $public"
if EVERYVOICE_URL="$public" EVERYVOICE_CHROMIUM="$chromium" node --test "$here/https.test.mjs"; then
  ok "browser test through https:// and wss://"
else
  bad "browser test through https:// and wss://"
fi

if [ "$failures" -ne 0 ]; then echo "nginx_test: $failures check(s) failed"; exit 1; fi
echo "nginx_test: all checks passed"
