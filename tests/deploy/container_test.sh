#!/usr/bin/env bash
# Usage: bash tests/deploy/container_test.sh          (as root, with Debian's podman)
#
# Builds deploy/Containerfile with podman and runs it: /healthz from outside the container, a
# meeting created, the server not root, the data in the volume, the image's HEALTHCHECK.
# No registry is needed: the Debian 12 base image is made here with debootstrap (from Debian's
# mirror, as apt uses) and imported as localhost/debian:bookworm-slim, kept for the next run
# (EVERYVOICE_BASE_REBUILD=1 remakes it). The everyvoice image, container and volume are removed.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
base=localhost/debian:bookworm-slim
image=localhost/everyvoice:container-test
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
scratch=$(mktemp -d "${TMPDIR:-/var/tmp}/everyvoice-container-test.XXXXXX")
name=everyvoice-test-$$
volume=everyvoice-test-data-$$

fail() { echo "container_test: FAIL: $*" >&2; exit 1; }
say() { echo "container_test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap; rootful podman)"
command -v podman >/dev/null || fail "needs podman (apt-get install podman)"
command -v curl >/dev/null || fail "needs curl"

# What this machine needs (found in a sandbox VM; harmless elsewhere):
# - runc where cgroup v2 is mounted beside v1 with a controller on it ("hybrid"): Debian 12's crun
#   refuses to start anything there ("crun: cgroups in hybrid mode not supported").
# - explicit ulimits: rootful podman asks for nofile=1048576 by default, above a hard limit that
#   root cannot raise without CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: Operation not permitted").
# - iptables: netavark publishes ports (-p) with it (without it: "netavark: No such file or directory").
runtime=()
if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
  command -v runc >/dev/null || fail "cgroups are hybrid here and crun refuses them: apt-get install runc"
  runtime=(--runtime runc)
fi
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ] && nofile=65536
limits=(--ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096)
command -v iptables >/dev/null || fail "podman's netavark publishes ports with iptables: apt-get install iptables"

# netavark turns on IPv4 forwarding for a bridge network; put it back if it was off and no other
# container is running (its empty NETAVARK_* iptables chains stay, as after any podman run).
forwarding=$(cat /proc/sys/net/ipv4/ip_forward)

cleanup() {
  local rc=$?
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  podman rmi -f "$image" >/dev/null 2>&1 || true
  if [ "$forwarding" = 0 ] && [ -z "$(podman ps -q 2>/dev/null)" ]; then echo 0 >/proc/sys/net/ipv4/ip_forward || true; fi
  rm -rf "$scratch"
  exit $rc
}
trap cleanup EXIT

# --- the base image, without a registry ---------------------------------------------------------
if [ "${EVERYVOICE_BASE_REBUILD:-0}" = 1 ] || ! podman image exists "$base"; then
  command -v debootstrap >/dev/null || fail "needs debootstrap to make $base (apt-get install debootstrap)"
  say "making $base with debootstrap --variant=minbase bookworm"
  rootfs="$scratch/rootfs"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$scratch/debootstrap.log" 2>&1 ||
    { tail -20 "$scratch/debootstrap.log" >&2; fail "debootstrap"; }
  say "debootstrap: $(( $(date +%s) - t0 )) s"
  # The sources of the official image (with security updates), and no caches.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
  old=$(podman image inspect --format '{{.Id}}' "$base" 2>/dev/null || true)
  t0=$(date +%s)
  tar -C "$rootfs" -c . | podman import --quiet - "$base" >/dev/null || fail "podman import"
  say "podman import: $(( $(date +%s) - t0 )) s"
  [ -z "$old" ] || podman rmi "$old" >/dev/null 2>&1 || true
  rm -rf "$rootfs"
fi
say "base image: $base ($(podman image inspect --format '{{.Size}}' "$base") bytes)"

# --- build and run ------------------------------------------------------------------------------
say "podman build (deploy/Containerfile)"
t0=$(date +%s)
# --network host: the RUN steps reach Debian's mirror as apt on this machine does (no NAT needed).
# --layers=false: no cached layers, so that every run builds from source and leaves no ~1 GB build
# stage behind (about 3 minutes on 2 cores). --format docker: OCI images drop HEALTHCHECK.
podman build --pull=never --layers=false --format docker "${runtime[@]}" "${limits[@]}" --network host --build-arg BASE="$base" \
  -f "$src/deploy/Containerfile" -t "$image" "$src" >"$scratch/build.log" 2>&1 ||
  { tail -40 "$scratch/build.log" >&2; fail "podman build"; }
say "built $image in $(( $(date +%s) - t0 )) s; size $(podman image inspect --format '{{.Size}}' "$image") bytes"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = everyvoice ] || fail "the image does not run as everyvoice"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
podman volume create "$volume" >/dev/null
# shellcheck disable=SC2086
# --health-interval=disable: no systemd timer for the check here (PID 1 is not systemd); the test
# runs the image's HEALTHCHECK itself below.
podman "${runtime[@]}" run -d --name "$name" "${limits[@]}" --health-interval=disable ${EVERYVOICE_PODMAN_RUN_ARGS:--p 127.0.0.1:$port:8080} \
  -v "$volume":/var/lib/everyvoice "$image" ${EVERYVOICE_PODMAN_SERVER_ARGS:-} >"$scratch/run.log" 2>&1 ||
  { cat "$scratch/run.log" >&2; fail "podman run"; }
for _ in $(seq 1 100); do
  [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ] && break
  podman container exists "$name" && [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] ||
    { podman logs "$name" >&2 || true; fail "the container stopped"; }
  sleep 0.1
done
[ "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthz")" = ok ] || { podman logs "$name" >&2; fail "/healthz from outside did not say ok"; }
say "/healthz from outside the container (127.0.0.1:$port): ok"

created=$(curl -sf --max-time 5 -X POST "http://127.0.0.1:$port/api/meetings" -H 'Content-Type: application/json' \
  -d '{"title":"Container test"}') || fail "POST /api/meetings"
printf '%s' "$created" | grep -q '"facilitator_key"' || fail "POST /api/meetings answered: $created"
curl -sf --max-time 5 "http://127.0.0.1:$port/" | grep -Eq '<title[^>]*>everyvoice' || fail "GET / is not the web client"
uid=$(podman "${runtime[@]}" exec "$name" id -u)
[ "$uid" != 0 ] || fail "the server runs as root in the container"
podman "${runtime[@]}" exec "$name" test -s /var/lib/everyvoice/everyvoice.db || fail "no database in the volume"
podman "${runtime[@]}" healthcheck run "$name" >/dev/null || fail "the image's HEALTHCHECK fails"
say "meeting created; web client at /; server uid $uid; database in the volume; HEALTHCHECK passes"
# (podman 4.3 logs that it cannot remove the check's systemd timer, though none was made: kept out.)
podman stop -t 10 "$name" >"$scratch/stop.log" 2>&1 || { cat "$scratch/stop.log" >&2; fail "podman stop"; }
say "ok"
