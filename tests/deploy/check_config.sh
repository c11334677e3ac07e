#!/usr/bin/env bash
# Usage: check_config.sh EVERYVOICE_BINARY CONF_FILE
# The packaged configuration (deploy/debian/everyvoice.conf) must list every setting the binary's
# flags take: each flag that `everyvoice --help` prints must appear in CONF_FILE as a `name = value`
# line, set or commented out (`#name = ...`). --config, --version and --help are not settings.
set -euo pipefail
bin=${1:?usage: check_config.sh EVERYVOICE_BINARY CONF_FILE}
conf=${2:?usage: check_config.sh EVERYVOICE_BINARY CONF_FILE}

help=$("$bin" --help) || { echo "check_config: '$bin --help' failed" >&2; exit 1; }
flags=$(printf '%s\n' "$help" | sed -n 's/^ *--\([a-z0-9-]*\).*/\1/p' | sort -u)
[ -n "$flags" ] || { echo "check_config: no flags found in '$bin --help'" >&2; exit 1; }

missing=()
count=0
for name in $flags; do
  case "$name" in config|version|help) continue ;; esac
  count=$((count + 1))
  grep -Eq "^#? *${name} *=" "$conf" || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "check_config: $conf lacks these settings of '$bin --help': ${missing[*]}" >&2
  echo "check_config: add each as '#name = default' with its help text as a comment above it" >&2
  exit 1
fi

# The server reads the file as the unit will (--config stops at a bad line with its number; the
# flags after it are read only if the file was sound).
if ! out=$("$bin" --config="$conf" --version 2>&1); then
  echo "check_config: the server refuses $conf: $out" >&2
  exit 1
fi
echo "check_config: all $count settings of --help are in $(basename "$conf"), and the server reads it"
