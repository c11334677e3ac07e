#!/usr/bin/env bash
# The unit, integration and conformance tests again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer (its own build folder, one ctest run). The server binary the
# integration tests start is built the same way, so a memory error or undefined behaviour in the
# server, found while a test drives it, fails that test (UBSan does not recover; ASan aborts).
#   tests/sanitize/run.sh [BUILD_DIR]      (default: build-asan under the repository root)
# The browser tests, the load smoke, the browser benchmark's smoke, the schema check and the web
# client's queue-reason check are left out: they add no server code of ours that the others do not
# run (and need builds this folder lacks: codec_dump).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build-asan}"
# -O1 with line tables only: under the sanitizers -O2 -g took twice as long to compile (a gtest file:
# 122 against 55 s), and reports still name the file and line.
cmake -S "$root" -B "$build" -G Ninja -DEVERYVOICE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
cmake --build "$build" --target everyvoice core_tests codec_tests store_tests event_log_tests net_tests room_tests integration_tests conformance_tests
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export EVERYVOICE_SANITIZED=1  # the few checks that mean nothing under the sanitizers (RSS, descriptors) stand down
ctest --test-dir "$build" --output-on-failure -j2 -E 'browser_e2e|https_through_nginx|load_smoke|w9_smoke|protocol_schemas|client_queue_reasons'
