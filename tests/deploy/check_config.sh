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

# Every line that is not a comment or blank must be a `name = value` the binary knows.
bad=$(grep -Ev '^[[:space:]]*(#|$)' "$conf" | sed -n 's/^ *\([a-z0-9-]*\) *=.*/\1/p' | while read -r n; do
  printf '%s\n' "$flags" | grep -qx "$n" || echo "$n"; done)
echo "check_config: all $count settings of --help are in $(basename "$conf")"
if [ -n "$bad" ]; then
  # A set line the binary does not know stops the server (exit 2). Before the server reads --config
  # at all (issue 12 lands it with --trusted-proxies), such lines are only reported.
  if printf '%s\n' "$flags" | grep -qx config; then
    echo "check_config: $conf sets settings '$bin --help' does not know: $(echo $bad)" >&2
    exit 1
  fi
  echo "check_config: note: set in the file but not (yet) in this binary's --help: $(echo $bad)"
fi
