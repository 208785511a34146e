#!/usr/bin/env bash
# The live benchmark (issue 12): the product beside a bare ASP.NET Core SignalR hub, same viewers, same
# message size and rate, one table with each figure and the ratio.
#   bench/live-bench.sh [--bare-rate R] [--bare-port 5070] [--out DIR] [-- LiveBench run options]
# It does NOT start the product: start it first, in another terminal, with the same open-file limit:
#   ulimit -n 65536; ./run.sh --no-simulate      (the simulator's events would disturb the probes)
# Then, in order: builds LiveBench and BareHub (Release); runs LiveBench against the gateway (default
# http://127.0.0.1:5080, silo sampled on 5090); starts BareHub on 127.0.0.1:<bare-port> with the mean
# push size the product run measured and the product's pushes per viewer per second (or --bare-rate:
# give 10, the product's coalescing limit per board, to measure the ceiling rather than replay the
# product's rate); runs LiveBench against it with the same options; stops it; prints the table.
# Options after `--` go to both runs (`LiveBench run --help`), e.g.
#   bench/live-bench.sh -- --viewers 1000 --rate 10000 --duration 30s --protocol json
#   bench/live-bench.sh -- --orgs 1000 --goals 10 --viewers-per-org 2 --rate 5000 --batch 20 --probes 50
# (--rate, --batch, --goals, --orgs' set-up only concern the product run; the bare hub run gets the
# same viewer count.) Sockets: every viewer holds one file descriptor here and one in the server, and
# one loopback client port (the range is /proc/sys/net/ipv4/ip_local_port_range, 28,000 ports by
# default): 10,000 viewers need `ulimit -n` above 10,000 in this shell AND in the shell that ran run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bare_rate="" bare_port=5070 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bare-rate) bare_rate="${2:-}"; shift ;;
    --bare-port) bare_port="${2:-}"; shift ;;
    --out) out="${2:-}"; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "Unknown argument: $1 (try --help; LiveBench options go after --)" >&2; exit 2 ;;
  esac
  shift
done
run_args=("$@")

# 10,000 viewers are 10,000 sockets in this process and in the bare hub it starts.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "Open-file limit here: $(ulimit -n); local ports: $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range)"

out="${out:-$(mktemp -d /tmp/live-bench.XXXXXX)}"
mkdir -p "$out"
echo "== Building LiveBench and BareHub (Release)"
nice dotnet build bench/Orleans.Align.LiveBench -c Release -nologo -clp:ErrorsOnly -v:quiet
nice dotnet build bench/Orleans.Align.BareHub -c Release -nologo -clp:ErrorsOnly -v:quiet
livebench=(dotnet bench/Orleans.Align.LiveBench/bin/Release/net10.0/Orleans.Align.LiveBench.dll)

# Options of the product's set-up and poster have no meaning for the bare hub, and its viewer count is
# the product run's total (--viewers, or --orgs times --viewers-per-org).
bare_args=() skip=0
for a in "${run_args[@]}"; do
  if [ "$skip" = 1 ]; then skip=0; continue; fi
  case "$a" in
    --rate|--batch|--goals|--post-concurrency|--platform-admin-key|--state-file|--org-prefix|--gateway-pid|--silo-pid|--silo-port|--url|--orgs|--viewers-per-org|--viewers|--json-out|--target) skip=1 ;;
    *) bare_args+=("$a") ;;
  esac
done

echo; echo "== Product"
"${livebench[@]}" run "${run_args[@]}" --json-out "$out/product.json" | tee "$out/product.txt" || true
[ -s "$out/product.json" ] || { echo "The product run wrote no report; see above." >&2; exit 1; }
viewers=$(jq -r '.viewers' "$out/product.json")
size=$(jq -r '.meanPushBytes | floor' "$out/product.json")
rate="${bare_rate:-$(jq -r '.pushesPerViewerPerSecond' "$out/product.json")}"
awk -v r="$rate" 'BEGIN { exit !(r > 0) }' || { echo "The product run received no pushes; nothing to compare." >&2; exit 1; }

echo; echo "== Bare SignalR hub on 127.0.0.1:$bare_port: $viewers viewers, $size-byte messages, $rate a second to each"
dotnet bench/Orleans.Align.BareHub/bin/Release/net10.0/Orleans.Align.BareHub.dll --urls "http://127.0.0.1:$bare_port" \
  --BareHub:MessageBytes="$size" --BareHub:PushesPerSecond="$rate" > "$out/barehub.log" 2>&1 &
hub=$!
trap 'kill -TERM "$hub" 2>/dev/null || true' EXIT
for _ in $(seq 1 80); do curl -fs "http://127.0.0.1:$bare_port/health" >/dev/null 2>&1 && break; sleep 0.25; done
"${livebench[@]}" run --target barehub --url "http://127.0.0.1:$bare_port" --gateway-pid "$hub" --viewers "$viewers" \
  "${bare_args[@]}" --json-out "$out/barehub.json" | tee "$out/barehub.txt" || true
kill -TERM "$hub" 2>/dev/null || true; wait "$hub" 2>/dev/null || true
[ -s "$out/barehub.json" ] || { echo "The bare hub run wrote no report; see $out/barehub.log." >&2; exit 1; }

echo; echo "== Product beside the bare SignalR hub (reports in $out)"
"${livebench[@]}" compare --product "$out/product.json" --barehub "$out/barehub.json" | tee "$out/table.md"
