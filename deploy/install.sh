#!/usr/bin/env bash
# everyvoice on a fresh Debian 12 server, behind nginx with HTTPS, in one command (as root):
#
#   bash deploy/install.sh DOMAIN [--email ADDR] [--deb PATH] [--certbot] [--start-without-systemd]
#
# Steps, each printing what it changed or "unchanged" (a second run changes nothing):
#   1. the everyvoice package (--deb PATH, or the one in ./build/; with neither, it builds one from
#      this source tree: deploy/setup.sh --build-only, then a Release build of the package target)
#   2. nginx and certbot (Debian's packages)
#   3. /etc/everyvoice/everyvoice.conf: public-url = https://DOMAIN, a create key if none is set
#   4. a certificate: Let's Encrypt through Debian's certbot (certonly --webroot) when DOMAIN resolves
#      to a public address of this machine (or with --certbot); otherwise a self-signed one, said loudly
#   5. the nginx site /etc/nginx/sites-available/everyvoice (+ sites-enabled link), from
#      deploy/nginx/everyvoice.conf, then `nginx -t`
#   6. everyvoice and nginx (re)started / reloaded with systemctl, when systemd runs this machine
#   7. the public URL
# --email: the address Let's Encrypt writes to about expiring certificates (recommended).
# --certbot: ask Let's Encrypt even when DOMAIN does not seem to resolve here (a server behind NAT).
# --start-without-systemd: where systemd is not PID 1 (containers, CI), start the server and nginx
#   directly instead of only saying what would be started (for tests).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { printf 'install: %s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

domain="" email="" deb="" force_certbot=0 start_direct=0
while [ $# -gt 0 ]; do
  case "$1" in
    --email) [ $# -ge 2 ] || usage; email="$2"; shift 2 ;;
    --deb) [ $# -ge 2 ] || usage; deb="$2"; shift 2 ;;
    --certbot) force_certbot=1; shift ;;
    --start-without-systemd) start_direct=1; shift ;;
    -h|--help) usage ;;
    -*) echo "install: unknown option $1" >&2; usage ;;
    *) [ -z "$domain" ] || usage; domain="$1"; shift ;;
  esac
done
[ -n "$domain" ] || usage
domain="${domain,,}"
# A DNS name (not an IP address, no scheme, no port): it becomes server_name and the public URL.
[[ "$domain" =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$ ]] ||
  die "'$domain' is not a domain name (write it as meet.example.org: no https://, no port, no IP address)"
[ -z "$email" ] || [[ "$email" =~ ^[^[:space:]@]+@[^[:space:]@]+$ ]] || die "'$email' is not an e-mail address"
[ "$(id -u)" -eq 0 ] || die "run as root (sudo bash deploy/install.sh $domain)"
[ -r /etc/debian_version ] && command -v apt-get >/dev/null || die "this script is for Debian 12 (apt-get, dpkg)"

conf=/etc/everyvoice/everyvoice.conf
site_available=/etc/nginx/sites-available/everyvoice
site_enabled=/etc/nginx/sites-enabled/everyvoice
acme_root=/var/www/everyvoice-acme
tls_dir=/etc/everyvoice/tls
public_url="https://$domain"
systemd=0
[ -d /run/systemd/system ] && systemd=1
# What changed in this run, for the restarts at the end.
changed_package=0 changed_conf=0 changed_site=0

# apt and dpkg take a lock (unattended-upgrades may hold it): wait for it rather than fail.
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
installed_version() { { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; } | sed -n 's/^install ok installed //p'; }

# ---------------------------------------------------------------------------------------------
step "1. everyvoice package"
if [ -z "$deb" ]; then
  shopt -s nullglob
  debs=(./build/everyvoice_*.deb)
  shopt -u nullglob
  if [ ${#debs[@]} -eq 0 ]; then
    # From a source checkout with nothing built: build the package (Release, the server only), with
    # only the build's packages installed (deploy/setup.sh --build-only). About 5 minutes on 2 cores.
    src="$(cd "$here/.." && pwd)"
    [ -f "$src/CMakeLists.txt" ] || die "no --deb given, no ./build/everyvoice_*.deb, and no source tree to build one from"
    say "no package given: building one from $src into $src/build-package (the build takes a few minutes)"
    bash "$here/setup.sh" --build-only
    cmake -S "$src" -B "$src/build-package" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEVERYVOICE_TESTS=OFF >/dev/null
    cmake --build "$src/build-package" --target package
    debs=("$src"/build-package/everyvoice_*.deb)
  fi
  deb="$(ls -t "${debs[@]}" | head -n 1)"
fi
[ -r "$deb" ] || die "no package at $deb"
deb="$(realpath "$deb")"
[ "$(dpkg-deb -f "$deb" Package 2>/dev/null)" = everyvoice ] || die "$deb is not the everyvoice package"
want="$(dpkg-deb -f "$deb" Version)"
have="$(installed_version everyvoice)"
# The same version counts as installed only if its files are the same too (a rebuilt package).
same_files() {
  local theirs=/var/lib/dpkg/info/everyvoice.md5sums tmp
  [ -r "$theirs" ] || return 0
  tmp="$(mktemp -d)"
  dpkg-deb -e "$deb" "$tmp"
  if [ -r "$tmp/md5sums" ] && ! cmp -s <(sort "$tmp/md5sums") <(sort "$theirs"); then rm -rf "$tmp"; return 1; fi
  rm -rf "$tmp"
}
if [ "$have" = "$want" ] && same_files; then
  say "unchanged: everyvoice $have is installed"
else
  say "installing everyvoice $want from $deb${have:+ (was $have)}"
  # apt-get (not dpkg -i) so that the package's dependencies come along.
  apt_get install -y -q --no-install-recommends "$deb" >/dev/null || {
    apt_get update -q >/dev/null; apt_get install -y -q --no-install-recommends "$deb" >/dev/null; }
  changed_package=1
  say "changed: everyvoice $(installed_version everyvoice) installed"
fi

# ---------------------------------------------------------------------------------------------
step "2. nginx and certbot"
missing=()
for p in nginx certbot; do [ -n "$(installed_version "$p")" ] || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  say "unchanged: nginx $(installed_version nginx) and certbot $(installed_version certbot) are installed"
else
  say "installing ${missing[*]}"
  apt_get update -q >/dev/null
  apt_get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  say "changed: installed ${missing[*]}"
fi

# ---------------------------------------------------------------------------------------------
step "3. $conf"
[ -f "$conf" ] || die "$conf is missing: the everyvoice package should have installed it"
# The value a setting has in the file ("" when unset or commented out): the last line wins.
setting() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | sed 's/[[:space:]]*$//' | tail -n 1; }
# Sets NAME = VALUE in a copy of the file: replaces a line that sets it, else the packaged commented
# placeholder ("#NAME ="), else appends it.
set_in() {  # file name value
  local file="$1" name="$2" value="$3" tmp
  tmp="$(mktemp)"
  if grep -q "^[[:space:]]*${name}[[:space:]]*=" "$file"; then
    awk -v n="$name" -v v="$value" '
      $0 ~ "^[[:space:]]*" n "[[:space:]]*=" { if (!done) print n " = " v; done = 1; next } { print }' "$file" >"$tmp"
  elif grep -q "^#[[:space:]]*${name}[[:space:]]*=" "$file"; then
    awk -v n="$name" -v v="$value" '
      !done && $0 ~ "^#[[:space:]]*" n "[[:space:]]*=" { print; print n " = " v; done = 1; next } { print }' "$file" >"$tmp"
  else
    { cat "$file"; printf '\n# Set by deploy/install.sh\n%s = %s\n' "$name" "$value"; } >"$tmp"
  fi
  cat "$tmp" >"$file"  # in place: the file keeps its owner and mode (root:everyvoice 0640)
  rm -f "$tmp"
}
new_key=""
if [ "$(setting public-url)" = "$public_url" ]; then
  say "unchanged: public-url = $public_url"
else
  old="$(setting public-url)"
  set_in "$conf" public-url "$public_url"
  changed_conf=1
  say "changed: public-url = $public_url${old:+ (was $old)}"
fi
# nginx on this machine is the proxy the server believes X-Forwarded-For and -Proto from.
proxies="$(setting trusted-proxies)"
if [[ ",$proxies," == *",127.0.0.1,"* ]]; then
  say "unchanged: trusted-proxies = $proxies"
else
  set_in "$conf" trusted-proxies "127.0.0.1,::1${proxies:+,$proxies}"
  changed_conf=1
  say "changed: trusted-proxies = $(setting trusted-proxies) (nginx on this machine)"
fi
if [ -n "$(setting create-key)" ]; then
  say "unchanged: a create key is set (create-key in $conf)"
else
  new_key="$(openssl rand -hex 16)"
  set_in "$conf" create-key "$new_key"
  changed_conf=1
  say "changed: generated a create key (create-key in $conf): creating a meeting now needs it"
fi
address="$(setting address)"; address="${address:-127.0.0.1}"
port="$(setting port)"; port="${port:-8080}"
case "$address" in
  0.0.0.0|"") upstream="127.0.0.1:$port" ;;
  ::|"[::]") upstream="[::1]:$port" ;;
  *:*) upstream="[${address#[}"; upstream="${upstream%]}]:$port" ;;
  *) upstream="$address:$port" ;;
esac

# ---------------------------------------------------------------------------------------------
step "4. TLS certificate for $domain"
le_dir="/etc/letsencrypt/live/$domain"
self_cert="$tls_dir/$domain.crt" self_key="$tls_dir/$domain.key"
# Whether DOMAIN's addresses (DNS) include a public address of this machine: only then can Let's
# Encrypt reach this nginx to check the challenge.
resolves_here() {
  local theirs mine
  theirs="$(getent ahosts "$domain" | awk '{print $1}' | sort -u)" || return 1
  mine="$(ip -o addr show 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | sort -u)"
  # Public ones only: Let's Encrypt cannot reach a loopback, private or link-local address.
  local public
  public="$(comm -12 <(printf '%s\n' "$theirs") <(printf '%s\n' "$mine") |
    grep -Ev '^(127\.|10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|169\.254\.|::1$|f[cd]|fe80:)' || true)"
  [ -n "$public" ]
}
self_signed_ok() {  # exists, names DOMAIN, valid for 30 more days
  [ -r "$self_cert" ] && [ -r "$self_key" ] &&
    openssl x509 -in "$self_cert" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 &&
    [[ "$(openssl x509 -in "$self_cert" -noout -ext subjectAltName 2>/dev/null)" == *"DNS:$domain"* ]]
}
make_self_signed() {
  install -d -m 0755 "$tls_dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj "/CN=$domain" -addext "subjectAltName=DNS:$domain" \
    -keyout "$self_key.new" -out "$self_cert.new" 2>/dev/null
  chmod 0600 "$self_key.new"; chmod 0644 "$self_cert.new"
  mv "$self_key.new" "$self_key"; mv "$self_cert.new" "$self_cert"
}
cert_kind="" self_reason=""
want_certbot=0
if [ -r "$le_dir/fullchain.pem" ]; then
  cert="$le_dir/fullchain.pem" key="$le_dir/privkey.pem" chain="$le_dir/chain.pem" cert_kind=letsencrypt
  say "unchanged: Let's Encrypt certificate in $le_dir (certbot.timer renews it)"
else
  self_reason="$domain does not resolve to a public address of this machine yet: point its DNS (an A or AAAA record) here and open ports 80 and 443."
  if resolves_here; then
    want_certbot=1
    say "$domain resolves to an address of this machine: asking Let's Encrypt after nginx is up"
  elif [ "$force_certbot" -eq 1 ]; then
    want_certbot=1
    say "$domain does not seem to resolve to this machine; --certbot: asking Let's Encrypt anyway"
  fi
  # A self-signed certificate either way: nginx needs one to start (and to answer certbot's
  # challenge on port 80) before Let's Encrypt's exists.
  if self_signed_ok; then
    say "unchanged: self-signed certificate $self_cert"
  else
    make_self_signed
    say "changed: made a self-signed certificate $self_cert (365 days)"
  fi
  cert="$self_cert" key="$self_key" chain="" cert_kind=self-signed
fi

# ---------------------------------------------------------------------------------------------
step "5. nginx site $site_available"
install -d -m 0755 "$acme_root"
listen="0.0.0.0"
[ -e /proc/net/if_inet6 ] && listen="0.0.0.0 [::]"
write_site() {
  local tmp
  tmp="$(mktemp)"
  bash "$here/nginx/render.sh" --template "$here/nginx/everyvoice.conf" --domain "$domain" \
    --cert "$cert" --key "$key" ${chain:+--chain "$chain"} --upstream "$upstream" \
    --acme-root "$acme_root" --listen "$listen" >"$tmp"
  if cmp -s "$tmp" "$site_available"; then
    rm -f "$tmp"; say "unchanged: $site_available"
  else
    install -m 0644 "$tmp" "$site_available"; rm -f "$tmp"
    changed_site=1; say "changed: wrote $site_available ($cert_kind certificate, upstream $upstream)"
  fi
  if [ "$(readlink "$site_enabled" 2>/dev/null)" = "$site_available" ]; then
    say "unchanged: $site_enabled -> $site_available"
  else
    ln -sfn "$site_available" "$site_enabled"
    changed_site=1; say "changed: linked $site_enabled -> $site_available"
  fi
  local out
  if ! out="$(nginx -t 2>&1)"; then
    printf '%s\n' "$out" | sed 's/^/nginx -t: /' >&2
    die "nginx -t failed on the configuration above"
  fi
  say "nginx -t: the configuration is valid"
}
write_site

# ---------------------------------------------------------------------------------------------
step "6. services"
pid1="$(cat /proc/1/comm 2>/dev/null || echo '?')"
nginx_running() { [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; }
server_pidfile=/run/everyvoice-install.pid
server_running() { [ -s "$server_pidfile" ] && kill -0 "$(cat "$server_pidfile")" 2>/dev/null; }
reload_nginx() {
  if [ "$systemd" -eq 1 ]; then
    systemctl is-enabled -q nginx || { systemctl enable -q nginx; say "changed: nginx enabled at boot"; }
    if ! systemctl is-active -q nginx; then systemctl start nginx; say "changed: nginx started"
    elif [ "$changed_site" -eq 1 ]; then systemctl reload nginx; say "changed: nginx reloaded"
    else say "unchanged: nginx is running"; fi
  elif [ "$start_direct" -eq 1 ]; then
    if ! nginx_running; then nginx; say "changed: nginx started (directly: systemd is not PID 1)"
    elif [ "$changed_site" -eq 1 ]; then nginx -s reload; say "changed: nginx reloaded"
    else say "unchanged: nginx is running"; fi
  else
    say "  systemctl enable nginx && systemctl reload-or-restart nginx"
  fi
}
restart_everyvoice() {
  if [ "$systemd" -eq 1 ]; then
    systemctl is-enabled -q everyvoice || { systemctl enable -q everyvoice; say "changed: everyvoice enabled at boot"; }
    if ! systemctl is-active -q everyvoice; then systemctl start everyvoice; say "changed: everyvoice started"
    elif [ $((changed_package + changed_conf)) -gt 0 ]; then systemctl restart everyvoice; say "changed: everyvoice restarted (new package or configuration)"
    else say "unchanged: everyvoice is running"; fi
  elif [ "$start_direct" -eq 1 ]; then
    # As the unit would: its user, its config, its working directory; output to a log file.
    if server_running && [ $((changed_package + changed_conf)) -gt 0 ]; then
      kill "$(cat "$server_pidfile")"; sleep 1
    fi
    if server_running; then
      say "unchanged: everyvoice is running (pid $(cat "$server_pidfile"))"
    else
      install -d -o everyvoice -g everyvoice -m 0750 /var/lib/everyvoice
      (cd /var/lib/everyvoice && exec setpriv --reuid=everyvoice --regid=everyvoice --init-groups \
        /usr/bin/everyvoice --config="$conf" >>/var/log/everyvoice-direct.log 2>&1) &
      echo $! >"$server_pidfile"
      say "changed: everyvoice started directly (pid $!, log /var/log/everyvoice-direct.log: systemd is not PID 1)"
    fi
  else
    say "systemd is not running this machine (PID 1 is $pid1): nothing started. Under systemd this runs:"
    say "  systemctl enable everyvoice && systemctl restart everyvoice"
  fi
}
restart_everyvoice
reload_nginx

if [ "$want_certbot" -eq 1 ]; then
  if [ "$systemd" -eq 0 ] && [ "$start_direct" -eq 0 ]; then
    say "not asking Let's Encrypt: nginx is not running to answer its challenge (see above)"
    self_reason="Let's Encrypt was not asked, as nginx is not running here: start it (under systemd)."
  else
    say "asking Let's Encrypt for $domain (certbot certonly --webroot $acme_root)"
    mail=(--register-unsafely-without-email)
    [ -z "$email" ] || mail=(--email "$email")
    # The deploy hook is stored with the certificate: every renewal (certbot.timer) reloads nginx.
    if certbot certonly --webroot -w "$acme_root" -d "$domain" --non-interactive --agree-tos "${mail[@]}" \
         --deploy-hook "nginx -s reload" --quiet; then
      cert="$le_dir/fullchain.pem" key="$le_dir/privkey.pem" chain="$le_dir/chain.pem" cert_kind=letsencrypt
      say "changed: Let's Encrypt certificate in $le_dir; renewed by certbot.timer"
      step "5b. nginx site with the Let's Encrypt certificate"
      write_site
      reload_nginx
    else
      say "Let's Encrypt did not issue a certificate (see above): keeping the self-signed one"
      self_reason="Let's Encrypt could not check $domain: make sure it points here and port 80 is open from the internet."
    fi
  fi
fi

# ---------------------------------------------------------------------------------------------
step "7. done"
if [ "$cert_kind" = self-signed ]; then
  say "WARNING: the certificate is SELF-SIGNED ($self_cert): browsers show a warning, and so do"
  say "phones that scan the QR code. $self_reason"
  say "Then run this again: it gets a Let's Encrypt certificate."
  say "  sudo bash deploy/install.sh $domain${email:+ --email $email}"
fi
if [ -n "$new_key" ]; then
  say "create key (shown this once; it stays in $conf as create-key): $new_key"
fi
say "everyvoice is at $public_url"
