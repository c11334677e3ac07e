#!/usr/bin/env bash
# Installs the Debian 12 packages everyvoice needs. Idempotent: when all are present it prints
# nothing and exits 0. Runs `apt-get update` at most once, only when something is missing. Needs
# root (or sudo).
#   setup.sh                    build, run and test (the README's commands)
#   setup.sh --build-only       build the server and its Debian package, nothing for tests
#                               (deploy/install.sh and deploy/Containerfile use this)
#   setup.sh --with-container   everything, and what CI's container test needs besides
set -euo pipefail
mode="${1:-}"
case "$mode" in ""|--build-only|--with-container) ;; *) echo "setup: unknown option $mode" >&2; exit 2 ;; esac

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev      # Beast / Asio (header-only, compiled once in server/net)
  nlohmann-json3-dev    # the codec
  libsqlite3-dev        # the embedded event log
  libpq-dev             # the PostgreSQL event log (--store=postgresql://...), for several servers
  libqrcodegencpp-dev   # QR codes for the join link
  libssl-dev            # SHA-256 of keys and tokens
  zlib1g-dev            # gzip of the web client's files
  liburing-dev          # io_uring: a broadcast's sends in one submission (server/net/send_batch.cpp)
  dpkg-dev              # the Debian package (cmake/Packaging.cmake): CPack runs dpkg-shlibdeps for its Depends
  file                  # the Debian package: CPack finds the ELF files to give dpkg-shlibdeps with it
)
if [ "$mode" != --build-only ]; then
  packages+=(
    libgtest-dev        # tests
    nginx               # tests/deploy: Debian's nginx in front of the server (TLS, WebSocket, headers)
    curl openssl        # tests/deploy: requests and a self-signed certificate made at test time
    python3-jsonschema  # tests: protocol examples and server output against the schemas
    chromium            # browser tests (tests/e2e): Debian's Chromium, driven by playwright-core
    fonts-dejavu-core   # browser tests: a font for Chromium to draw pages and screenshots with
    poppler-utils       # browser tests: pdftotext reads the minutes page printed to PDF by Chromium
    postgresql          # tests/store: a private PostgreSQL 15 cluster (initdb in a temporary folder)
    haproxy             # tests/integration: deploy/haproxy/haproxy.cfg in front of three servers
    clang               # fuzzers (tests/fuzz): libFuzzer comes with clang
    libclang-rt-14-dev  # fuzzers: clang's libFuzzer, ASan and UBSan runtimes
  )
  # Browser tests also need node and npm; a node installed another way (with its own npm) is kept.
  if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)
  fi
fi
# What CI's container test (tests/deploy/container_test.sh) needs besides; a developer who never
# builds the container image does not get podman.
if [ "$mode" = --with-container ]; then
  packages+=(
    podman              # builds and runs deploy/Containerfile
    netavark            # the network stack podman 4.3 uses (not CNI plugins)
    debootstrap         # makes the Debian 12 base image, as no registry is reachable
    runc                # crun refuses hybrid cgroups (v1 with a v2 controller), runc does not
    iptables            # podman's netavark publishes ports (-p) with it
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
