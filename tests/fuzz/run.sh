#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each for FUZZ_SECONDS; see
# tests/fuzz/README.md. Prints one summary line per harness and exits non-zero if any found something
# (the artifact's path and a hexdump are printed; the work directory holding it is kept).
#
#   FUZZ_SECONDS=60        how long each harness runs
#   FUZZ_ONLY=name         run only this harness (fuzz_websocket_frames, fuzz_client_message, ...)
#   FUZZ_BUILD_DIR=dir     the build directory (default: build-fuzz under the repository root)
#   FUZZ_KEEP=1            keep the work directory (grown corpora, logs) even when nothing was found
#
# New inputs go to a temporary copy of the seed corpus, never into the repository.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
only="${FUZZ_ONLY:-}"
build="${FUZZ_BUILD_DIR:-$repo/build-fuzz}"
started=$SECONDS

if ! [[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]]; then
  echo "fuzz: FUZZ_SECONDS must be a whole number of seconds" >&2
  exit 2
fi
for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (bash deploy/setup.sh installs it)" >&2; exit 2; }
done
if [ ! -e "$(clang -print-runtime-dir)/libclang_rt.fuzzer-x86_64.a" ]; then
  echo "fuzz: clang's libFuzzer runtime is missing (Debian: libclang-rt-14-dev; bash deploy/setup.sh)" >&2
  exit 2
fi

echo "fuzz: building in $build"
mkdir -p "$build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DEVERYVOICE_FUZZ=ON -DEVERYVOICE_TESTS=OFF -DEVERYVOICE_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --target fuzzers
build_seconds=$((SECONDS - started))

manifest="$build/fuzzers.tsv"
[ -f "$manifest" ] || { echo "fuzz: $manifest is missing (is tests/fuzz/CMakeLists.txt in the build?)" >&2; exit 1; }
if [ -n "$only" ] && ! cut -f1 "$manifest" | grep -qx "$only"; then
  echo "fuzz: no harness named $only; there are: $(cut -f1 "$manifest" | tr '\n' ' ')" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/everyvoice-fuzz.XXXXXX")"
# Readable sanitizer reports: stack traces symbolized, UBSan stopping at its first finding.
symbolizer="$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)"
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

# The last "name: value" of libFuzzer's final stats, or "?".
final_stat() { { grep -o "^stat::$1: *[0-9]*" "$2" || true; } | tail -n 1 | awk '{print $2}' | grep . || echo "?"; }
# The last "cov: N" / "corp: N/size" libFuzzer printed.
last_field() { { grep -o "$1 [0-9]*" "$2" || true; } | tail -n 1 | awk '{print $2}' | grep . || echo "?"; }

# The report in a libFuzzer log: from the first sanitizer or check message on, without libFuzzer's
# own dumps of the input (the hexdump below shows it); the end of the log if there is no such line.
report() {
  local from
  from=$(grep -n -m1 -E '^==[0-9]+==(ERROR|WARNING)|runtime error:|check failed:|fuzz fixture|ERROR: libFuzzer|^terminate called' "$1" |
    cut -d: -f1 || true)
  if [ -n "$from" ]; then
    tail -n "+$from" "$1" | grep -v -E '^(MS:|Base64:|0x[0-9a-f]+,|\\|artifact_prefix=|stat::)|Symbolizer buffer too small' | head -n 80
  else
    tail -n 40 "$1"
  fi
}

failed=()
summary=()
while IFS=$'\t' read -r name exe seeds dict extra; do
  [ -z "$name" ] && continue
  [ -n "$only" ] && [ "$name" != "$only" ] && continue
  dir="$work/$name"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [ -d "$repo/tests/fuzz/corpus/$name" ] && cp -R "$repo/tests/fuzz/corpus/$name/." "$dir/corpus/"
  [ "$seeds" != "-" ] && "$seeds" "$dir/corpus"
  seed_count=$(find "$dir/corpus" -type f | wc -l)
  args=(-max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=25
        -artifact_prefix="$dir/artifacts/")
  [ "$dict" != "-" ] && args+=(-dict="$dict")
  corpora=("$dir/corpus")  # libFuzzer writes new inputs into the first directory only
  if [ -n "$extra" ]; then
    IFS=$'\t' read -r -a more <<<"$extra"
    corpora+=("${more[@]}")
  fi
  # Inputs kept from earlier findings run first, with the seeds: one that fails again is a finding.
  [ -d "$repo/tests/fuzz/$name/regressions" ] && corpora+=("$repo/tests/fuzz/$name/regressions")
  echo "fuzz: $name for ${seconds}s ($seed_count seeds in $dir/corpus${extra:+, plus ${corpora[*]:1}})"
  status=0
  "$exe" "${args[@]}" "${corpora[@]}" >"$dir/log" 2>&1 </dev/null || status=$?

  runs=$(final_stat number_of_executed_units "$dir/log")
  speed=$(final_stat average_exec_per_sec "$dir/log")
  added=$(final_stat new_units_added "$dir/log")
  cov=$(last_field "cov:" "$dir/log")
  corp=$(last_field "corp:" "$dir/log")
  mapfile -t artifacts < <(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | sort)
  if [ "$status" -eq 0 ] && [ ${#artifacts[@]} -eq 0 ]; then
    verdict="nothing found"
  elif [ ${#artifacts[@]} -gt 0 ]; then
    verdict="FOUND: ${artifacts[*]}"
    failed+=("$name")
  else
    verdict="FAILED to run (exit $status, no artifact)"
    failed+=("$name")
  fi
  line="$name: $runs runs, $speed exec/s, cov $cov edges, corpus $corp inputs ($added new), $verdict"
  summary+=("$line")
  echo "fuzz: $line"
  if [ "$verdict" != "nothing found" ]; then
    echo "----- $name: the report from its log ($dir/log) -----"
    report "$dir/log"
    for a in "${artifacts[@]}"; do
      echo "----- $a ($(wc -c <"$a") bytes; at most 512 shown) -----"
      head -c 512 "$a" | od -A x -t x1z -v
      echo "reproduce: $exe $a"
    done
  fi
done <"$manifest"

echo
echo "fuzz summary (${seconds}s each; build ${build_seconds}s, total $((SECONDS - started))s):"
for line in "${summary[@]}"; do echo "  $line"; done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; artifacts and logs kept in $work"
  exit 1
fi
if [ "${FUZZ_KEEP:-0}" = "1" ]; then
  echo "fuzz: corpora and logs kept in $work"
else
  rm -rf "$work"
fi
