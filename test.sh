#!/usr/bin/env bash
# The one test command: sets up what a fresh machine lacks, runs every test (unit, cluster,
# end-to-end processes, browser), and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

ALIGN_WITH_BROWSER=1 ./setup.sh || { echo "0 passed, 1 failed"; exit 1; }
ALIGN_CONFIGURATION="${ALIGN_CONFIGURATION:-Release}"

results=.artifacts/test-results
rm -rf "$results"
dotnet test Orleans.Align.sln -c "$ALIGN_CONFIGURATION" --no-build --nologo \
  --logger "console;verbosity=normal" --logger trx --results-directory "$results" 2>&1 \
  | grep -vE '^\s*$'
status=${PIPESTATUS[0]}

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # the run broke before reporting

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
