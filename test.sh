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

# The failures again, last, so that whoever reads only the end of the output (CI shows its tail) sees
# which tests failed and why: name and the first lines of the message, from the trx files.
if [ "$failed" -gt 0 ]; then
  echo "== Failed tests"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    perl -0777 -ne '
      while (/<UnitTestResult\b([^>]*?)(?:\/>|>(.*?)<\/UnitTestResult>)/gs) {
        my ($attrs, $body) = ($1, $2 // "");
        next unless $attrs =~ /outcome="Failed"/;
        my ($name) = $attrs =~ /testName="([^"]*)"/;
        my ($msg) = $body =~ /<Message>(.*?)<\/Message>/s;
        for ($name, $msg) { next unless defined; s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&#xD;//g; s/&#xA;/\n/g; s/&amp;/&/g; }
        my @lines = grep { /\S/ } split /\n/, ($msg // "(no message)");
        print "  FAILED $name\n";
        print "    $_\n" for @lines[0 .. ($#lines < 7 ? $#lines : 7)];
      }' "$trx"
  done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
