#!/usr/bin/env bash
# How soon viewers are live again after a silo dies (issue 7's 5 s goal), measured, not asserted:
# runs the end-to-end node-loss test (3 silos, 2 gateways, a viewer on each, two SIGKILLs) N times
# and collects from each run's timeline.log how long after the cluster declared the killed silo dead
# each viewer received its first push. The test itself asserts exactness and that viewers recover.
#   bench/failover-bench.sh [--runs N]     (default 5)
# Needs the Release build (./setup.sh, or `dotnet build Orleans.Align.sln -c Release`), Azurite's npm
# package (silo/storage-emulator) and nothing else of ours running.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:-}"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

logs=tests/Orleans.Align.EndToEnd/bin/Release/net10.0/e2e-logs
out=$(mktemp -d /tmp/failover-bench.XXXXXX)
test=Orleans.Align.EndToEnd.ClusterTests.Silos_killed_mid_stream_lose_no_acknowledged_event_count_none_twice_and_viewers_on_every_gateway_are_live_again
for run in $(seq 1 "$runs"); do
  before=$(ls "$logs" 2>/dev/null | sort | tail -1 || true)
  if dotnet test tests/Orleans.Align.EndToEnd -c Release --no-build --filter "FullyQualifiedName=$test" > "$out/run-$run.txt" 2>&1; then
    verdict=passed
  else
    verdict=FAILED
  fi
  # The test's timeline is in the newest log folder that holds one.
  timeline=""
  for dir in $(ls "$logs" | sort -r); do
    [ "$dir" = "$before" ] && break
    if [ -f "$logs/$dir/timeline.log" ]; then timeline="$logs/$dir/timeline.log"; break; fi
  done
  echo "run $run: test $verdict"
  if [ -n "$timeline" ]; then
    cp "$timeline" "$out/timeline-$run.log"
    sed 's/^/  /' "$timeline"
  fi
done

echo
echo "First push after the declaration, seconds, per viewer and kill (${runs} runs, 2 kills x 2 viewers each):"
grep -h "first push" "$out"/timeline-*.log | sed -E 's/.*first push ([0-9.]+) s.*/\1/' | sort -n > "$out/delays.txt" || true
if [ -s "$out/delays.txt" ]; then
  awk '{ v[NR] = $1; s += $1 } END {
    n = NR;
    printf "  n %d   min %.1f   median %.1f   max %.1f   mean %.2f\n", n, v[1], v[int((n + 1) / 2)], v[n], s / n;
    over = 0; for (i = 1; i <= n; i++) if (v[i] > 5) over++;
    printf "  over 5 s: %d of %d\n", over, n }' "$out/delays.txt"
fi
grep -h "no push" "$out"/run-*.txt | head -5 || true
echo "Everything is in $out"
