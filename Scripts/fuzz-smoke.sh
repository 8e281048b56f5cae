#!/usr/bin/env bash
# CI smoke of the libFuzzer targets: builds them all (sanitized, .build-fuzz) and runs each for FUZZ_SECONDS
# (default 20) from its seeds alone, in a fresh working corpus, failing on the first finding. FUZZ_BUILD moves
# the build folder (default .build-fuzz).
#
#   FUZZ_SECONDS=20 Scripts/fuzz-smoke.sh
#
# The long runs (Scripts/fuzz.sh TARGET 600) keep their corpus in .build-fuzz/corpus; the smoke starts from the
# seeds each time so that its result does not depend on what an earlier run left behind.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
corpus=$(mktemp -d "${TMPDIR:-/tmp}/greenlight-fuzz-smoke.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
logs=${FUZZ_BUILD:-.build-fuzz}/smoke-logs
mkdir -p "$logs"

start=$(date +%s)
Scripts/fuzz.sh --build
built=$(date +%s)
echo "fuzz-smoke: sanitized build took $((built - start)) s" >&2

for target in $(Scripts/fuzz.sh --list); do
  status=0
  FUZZ_CORPUS=$corpus Scripts/fuzz.sh "$target" "$seconds" >"$logs/$target.log" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' "$logs/$target.log" | tail -n 60 >&2
    echo "fuzz-smoke: $target FAILED (exit $status); log $logs/$target.log, input in ${FUZZ_BUILD:-.build-fuzz}/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
  echo "fuzz-smoke: $target ok (${seconds} s, ${runs:-?} executions)" >&2
done
echo "fuzz-smoke: all targets ok in $(($(date +%s) - start)) s" >&2
