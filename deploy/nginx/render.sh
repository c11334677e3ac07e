#!/usr/bin/env bash
# Renders deploy/nginx/everyvoice.conf (the nginx site template) to stdout: the one substitution
# that deploy/install.sh and tests/deploy/nginx_test.sh both use.
#
#   render.sh --domain NAME --cert FILE --key FILE [--chain FILE] [--upstream HOST:PORT]
#             [--acme-root DIR] [--http-port N] [--https-port N] [--listen "ADDR ..."]
#             [--template FILE]
#
# --listen: the addresses nginx listens on, each with both ports ("0.0.0.0 [::]" by default; the
#   test uses 127.0.0.1 and 127.0.0.2). --chain: the issuer chain, for verified OCSP stapling.
# The public URL (where plain HTTP redirects to) is https://NAME, with :PORT unless it is 443.
# Every value must be one nginx word (no spaces, quotes, ';', '{' or '}'): a value that could
# change the configuration's structure is refused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

template="$here/everyvoice.conf" domain="" cert="" key="" chain="" upstream="127.0.0.1:8080"
acme_root="/var/www/everyvoice-acme" http_port=80 https_port=443 listen="0.0.0.0 [::]"
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "render.sh: $1 needs a value" >&2; exit 2; }
  case "$1" in
    --template) template="$2" ;;
    --domain) domain="$2" ;;
    --cert) cert="$2" ;;
    --key) key="$2" ;;
    --chain) chain="$2" ;;
    --upstream) upstream="$2" ;;
    --acme-root) acme_root="$2" ;;
    --http-port) http_port="$2" ;;
    --https-port) https_port="$2" ;;
    --listen) listen="$2" ;;
    *) echo "render.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done

fail() { echo "render.sh: $*" >&2; exit 2; }
[ -r "$template" ] || fail "no template at $template"
[ -n "$domain" ] && [ -n "$cert" ] && [ -n "$key" ] || fail "--domain, --cert and --key are required"
word() {  # name value: one nginx word, nothing that could end a directive or open a block
  local re='^[][A-Za-z0-9._:/@+=,-]+$'
  [[ "$2" =~ $re ]] || fail "$1 '$2' is not a plain name or path"
}
word --domain "$domain"; word --cert "$cert"; word --key "$key"; word --upstream "$upstream"
word --acme-root "$acme_root"
[ -z "$chain" ] || word --chain "$chain"
for p in "$http_port" "$https_port"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || fail "bad port '$p'"
done
read -r -a addresses <<<"$listen"
[ ${#addresses[@]} -gt 0 ] || fail "--listen names no address"
for a in "${addresses[@]}"; do word --listen "$a"; done

public_url="https://$domain"
[ "$https_port" = 443 ] || public_url="$public_url:$https_port"

# OCSP stapling only for a certificate that names a responder: nginx warns on every start
# ("ssl_stapling ignored") for one that does not, such as a self-signed certificate. nginx looks the
# responder up itself, so it needs a resolver: this machine's.
ocsp_lines=()
if [ -r "$cert" ] && [ -n "$(openssl x509 -in "$cert" -noout -ocsp_uri 2>/dev/null)" ]; then
  ocsp_lines+=("ssl_stapling on;")
  if [ -n "$chain" ]; then
    ocsp_lines+=("ssl_stapling_verify on;" "ssl_trusted_certificate $chain;")
  fi
  resolvers=()
  while read -r kw ns _; do
    [ "$kw" = nameserver ] || continue
    if [[ "$ns" == *:* ]]; then resolvers+=("[${ns%%%*}]"); else resolvers+=("$ns"); fi
  done </etc/resolv.conf
  if [ ${#resolvers[@]} -gt 0 ]; then ocsp_lines+=("resolver ${resolvers[*]} valid=300s;"); fi
else
  ocsp_lines+=("# (none: this certificate names no OCSP responder)")
fi

# A placeholder line (@LISTEN_HTTP@, @LISTEN_HTTPS@, @OCSP_STAPLING@ alone on its line) becomes
# several lines; the other placeholders are replaced outside comments (the template's comments
# are kept as they are and explain them).
echo "# Written from deploy/nginx/everyvoice.conf by deploy/nginx/render.sh (deploy/install.sh runs it:"
echo "# a change made here is replaced on its next run)."
while IFS= read -r line || [ -n "$line" ]; do
  indent="${line%%[! ]*}"
  trimmed="${line#"$indent"}"; trimmed="${trimmed%"${trimmed##*[! ]}"}"
  case "$trimmed" in
    @LISTEN_HTTP@)
      for a in "${addresses[@]}"; do echo "${indent}listen $a:$http_port;"; done ;;
    @LISTEN_HTTPS@)
      # http2 as a listen parameter: nginx 1.22 has no separate `http2` directive yet.
      for a in "${addresses[@]}"; do echo "${indent}listen $a:$https_port ssl http2;"; done ;;
    @OCSP_STAPLING@)
      for l in "${ocsp_lines[@]}"; do echo "$indent$l"; done ;;
    \#*) printf '%s\n' "$line" ;;
    *)
      line="${line//@DOMAIN@/$domain}"
      line="${line//@PUBLIC_URL@/$public_url}"
      line="${line//@CERT@/$cert}"
      line="${line//@KEY@/$key}"
      line="${line//@UPSTREAM@/$upstream}"
      line="${line//@ACME_ROOT@/$acme_root}"
      printf '%s\n' "$line" ;;
  esac
done <"$template"
