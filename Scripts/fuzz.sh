#!/usr/bin/env bash
# libFuzzer targets for Greenlight's parsers and decoders (Fuzz/Targets, built only with GREENLIGHT_FUZZ=1).
#
#   Scripts/fuzz.sh --list              the targets, one a line
#   Scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#                                       build (incrementally) and fuzz TARGET for SECONDS
#   Scripts/fuzz.sh all SECONDS         every target in turn (stops at the first finding)
#   Scripts/fuzz.sh --build [TARGET]    only build (all targets when none is named)
#   FUZZ_NO_BUILD=1 Scripts/fuzz.sh TARGET SECONDS
#                                       run without building (for targets run in parallel after --build)
#
# Builds into .build-fuzz with -sanitize=fuzzer,address. The seed corpus is the matching test fixtures plus seeds
# each target generates with the library (valid files no fixture holds), copied into .build-fuzz/seeds/TARGET;
# what libFuzzer finds interesting accumulates in the working corpus $FUZZ_CORPUS/TARGET (default
# .build-fuzz/corpus). Tests/ is never written. A finding (crash, trap, ASan report, an input running longer
# than $FUZZ_TIMEOUT seconds, default 10, or over 2 GB) exits non-zero and leaves the input in
# .build-fuzz/artifacts/TARGET/; reproduce it with `.build-fuzz/debug/PRODUCT FILE`.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FUZZ_BUILD:-$ROOT/.build-fuzz}
CORPUS_ROOT=${FUZZ_CORPUS:-$BUILD/corpus}
TIMEOUT=${FUZZ_TIMEOUT:-10}

# name  product  max_len  fixture globs (relative to the repository root)
TARGETS=(
  "safetensors       FuzzSafetensors      8192   Tests/*/Fixtures/*.safetensors"
  "json-scanner      FuzzJSONScanner      4096   Tests/*/Fixtures/*.json"
  "gguf              FuzzGGUF             8192   Tests/*/Fixtures/*.gguf"
  "age-header        FuzzAgeHeader        80000  Tests/*/Fixtures/*.age"
  "age-stream        FuzzAgeStream        140000 -"
  "fernet            FuzzFernet           2048   -"
  "csv               FuzzCSV              8192   Tests/*/Fixtures/*.csv"
  "jsonl             FuzzJSONL            2048   Tests/*/Fixtures/*.jsonl"
  "anonymize-config  FuzzAnonymizeConfig  4096   Tests/*/Fixtures/*.yaml"
  "hierarchy-yaml    FuzzHierarchyYAML    4096   Tests/*/Fixtures/*.yaml"
  "report            FuzzReport           16384  Tests/*/Fixtures/*report*.json"
  "policy            FuzzPolicy           4096   Sources/GreenlightPolicy/Resources/Packs/*.yaml"
  "proc-stat         FuzzProcStat         2048   Tests/GreenlightMeterTests/Fixtures/proc/stat/* Tests/GreenlightMeterTests/Fixtures/proc/host/* Tests/GreenlightMeterTests/Fixtures/proc/tree/*/stat Tests/GreenlightMeterTests/Fixtures/proc/tree/*/task/*/children"
)

die() { echo "fuzz.sh: $*" >&2; exit 2; }

lookup() {
  local entry
  for entry in "${TARGETS[@]}"; do
    read -r name product maxlen globs <<<"$entry"
    if [[ $name == "$1" || $product == "$1" ]]; then
      NAME=$name PRODUCT=$product MAXLEN=$maxlen GLOBS=$globs
      return 0
    fi
  done
  die "no target $1; Scripts/fuzz.sh --list names them"
}

build() {
  local flags=(-Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address)
  # lld links the sanitized objects without ld.gold's pages of "cannot export local symbol" warnings.
  if command -v ld.lld >/dev/null 2>&1; then flags+=(-Xswiftc -use-ld=lld); fi
  local product
  for product in "$@"; do
    echo "fuzz.sh: building $product" >&2
    GREENLIGHT_FUZZ=1 swift build --build-path "$BUILD" "${flags[@]}" --product "$product" -q
  done
}

# Fills $BUILD/seeds/NAME with the fixtures and the target's generated seeds.
seed() {
  local seeds=$BUILD/seeds/$NAME
  rm -rf "$seeds"
  mkdir -p "$seeds"
  if [[ $GLOBS != "-" ]]; then
    local f n=0
    shopt -s nullglob
    for f in $GLOBS; do
      [[ -f $f ]] || continue
      n=$((n + 1))
      # A fixture larger than max_len would only be read truncated: keep its beginning.
      head -c "$MAXLEN" "$f" >"$seeds/fixture-$n-$(basename "$f")"
    done
    shopt -u nullglob
  fi
  GREENLIGHT_FUZZ_SEEDS=$seeds "$BUILD/debug/$PRODUCT" -runs=0 >/dev/null 2>&1 \
    || die "$PRODUCT could not write its generated seeds"
}

run() {
  local seconds=$1
  shift
  local corpus=$CORPUS_ROOT/$NAME artifacts=$BUILD/artifacts/$NAME
  mkdir -p "$corpus" "$artifacts"
  seed
  echo "fuzz.sh: $NAME for ${seconds}s (corpus $corpus, artifacts $artifacts)" >&2
  local status=0
  # Swift's own crash backtracer would run inside the ASan process and trip over it; libFuzzer prints the stack.
  # No LeakSanitizer: Swift packs pointers into spare bits of enum payloads (Data, lazy globals), so it reports
  # reachable one-time allocations as leaks; memory growth still fails -rss_limit_mb.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0} \
    "$BUILD/debug/$PRODUCT" \
    -max_total_time="$seconds" -max_len="$MAXLEN" -rss_limit_mb=2048 -timeout="$TIMEOUT" -detect_leaks=0 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$corpus" "$BUILD/seeds/$NAME" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "fuzz.sh: $NAME FOUND SOMETHING (exit $status); inputs in $artifacts:" >&2
    ls -l "$artifacts" >&2 || true
    return "$status"
  fi
}

[[ $# -ge 1 ]] || die "usage: Scripts/fuzz.sh --list | --build [TARGET] | TARGET SECONDS [libFuzzer flags] | all SECONDS"
case $1 in
  --list)
    for entry in "${TARGETS[@]}"; do read -r name _ <<<"$entry"; echo "$name"; done
    ;;
  --build)
    if [[ $# -ge 2 ]]; then
      lookup "$2"
      build "$PRODUCT"
    else
      products=()
      for entry in "${TARGETS[@]}"; do read -r _ product _ <<<"$entry"; products+=("$product"); done
      build "${products[@]}"
    fi
    ;;
  all)
    [[ $# -ge 2 ]] || die "usage: Scripts/fuzz.sh all SECONDS"
    seconds=$2
    shift 2
    for entry in "${TARGETS[@]}"; do
      read -r name _ <<<"$entry"
      lookup "$name"
      build "$PRODUCT"
      run "$seconds" "$@"
    done
    ;;
  *)
    [[ $# -ge 2 ]] || die "usage: Scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]"
    [[ $2 =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number, not $2"
    lookup "$1"
    seconds=$2
    shift 2
    # Several targets in parallel: build once first (--build), then FUZZ_NO_BUILD=1 keeps each run off SwiftPM's lock.
    [[ ${FUZZ_NO_BUILD:-} == 1 ]] || build "$PRODUCT"
    run "$seconds" "$@"
    ;;
esac
