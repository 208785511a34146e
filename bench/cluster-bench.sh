#!/usr/bin/env bash
# The cluster benchmark (issue 7): starts a fresh Azurite (blob, queue and table), N silos on Azure
# Table membership and one gateway from the Release build, on non-default loopback ports, runs the
# driver's `load` command against the gateway, samples per-process CPU over the measured window and
# the silos' memory before the organizations exist and after the run, stops everything and prints a
# summary.
#   bench/cluster-bench.sh [--silos N] [--orgs N] [--clients N] [--batch N] [--warmup 30s]
#                          [--duration 30s] [--attempts N] [--patience N] [--build DIR] [--out DIR] [--no-gcdump]
# --silos      silos to start, 1 to 9 (default 1); one gateway in every case.
# --orgs       organizations the driver creates (5 goals each) and spreads its clients over (default 1).
# --clients    concurrent driver clients (default 32, or --orgs when that is larger: the driver needs a
#              client per organization).
# --attempts   how many times to run when other processes on the machine used 10% of a core or more
#              during the measured window (default 3; a minute's pause between attempts).
# --patience   how many times to look (10 s, then a minute's pause) for a quiet machine before an
#              attempt starts anyway (default 5).
# --build DIR  a source tree whose Release binaries to run, e.g. a `git archive` of one commit built
#              with `dotnet build -c Release` (default: this repository's bin/Release folders).
# --out        where logs, the driver's JSON and the summary go (default a fresh folder in /tmp).
# --no-gcdump  skip the managed-heap measurement (dotnet-gcdump, which forces a full GC in each silo).
# Ports (all on 127.0.0.1, chosen away from run.sh's defaults): Azurite blob/queue/table 10610-10612;
# silo i (from 0) Orleans 11711+i and 30710+i, HTTP 5690+i; the gateway HTTP 5680.
# Needs the Release build (./setup.sh) and Azurite's npm package (silo/storage-emulator).
set -euo pipefail
cd "$(dirname "$0")/.."

silos=1 orgs=1 clients="" batch=500 warmup=30s duration=30s attempts=3 patience=5 build=. out="" gcdump=1
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos="${2:-}"; shift ;;
    --orgs) orgs="${2:-}"; shift ;;
    --clients) clients="${2:-}"; shift ;;
    --batch) batch="${2:-}"; shift ;;
    --warmup) warmup="${2:-}"; shift ;;
    --duration) duration="${2:-}"; shift ;;
    --attempts) attempts="${2:-}"; shift ;;
    --patience) patience="${2:-}"; shift ;;
    --build) build="${2:-}"; shift ;;
    --out) out="${2:-}"; shift ;;
    --no-gcdump) gcdump=0 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "Unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$silos" =~ ^[1-9]$ ]] || { echo "--silos takes a number from 1 to 9." >&2; exit 2; }
[[ "$orgs" =~ ^[0-9]+$ && "$orgs" -ge 1 ]] || { echo "--orgs takes a positive number." >&2; exit 2; }
[[ "$attempts" =~ ^[1-9]$ ]] || { echo "--attempts takes a number from 1 to 9." >&2; exit 2; }
[[ "$patience" =~ ^[1-9]$ ]] || { echo "--patience takes a number from 1 to 9." >&2; exit 2; }
[ -n "$clients" ] || clients=$(( orgs > 32 ? orgs : 32 ))
secs() { case "$1" in *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
warmup_s=$(secs "$warmup") duration_s=$(secs "$duration")
[ "$duration_s" -ge 10 ] || { echo "--duration must be at least 10s (CPU is sampled over its middle)." >&2; exit 2; }

out="${out:-$(mktemp -d /tmp/cluster-bench.XXXXXX)}"
mkdir -p "$out"
silo_dll=$build/silo/Orleans.Align.Silo/bin/Release/net10.0/Orleans.Align.Silo.dll
gateway_dll=$build/gateway/Orleans.Align.Gateway/bin/Release/net10.0/Orleans.Align.Gateway.dll
driver_dll=$build/bench/Orleans.Align.Driver/bin/Release/net10.0/Orleans.Align.Driver.dll
azurite=silo/storage-emulator/node_modules/.bin/azurite
for f in "$silo_dll" "$gateway_dll" "$driver_dll" "$azurite"; do
  [ -e "$f" ] || { echo "Missing $f: run ./setup.sh first." >&2; exit 1; }
done
gcdump_tool=""
if [ "$gcdump" = 1 ]; then
  gcdump_tool=$(command -v dotnet-gcdump || true)
  [ -n "$gcdump_tool" ] || { [ -x "$HOME/.dotnet/tools/dotnet-gcdump" ] && gcdump_tool="$HOME/.dotnet/tools/dotnet-gcdump"; } || true
  [ -n "$gcdump_tool" ] || echo "dotnet-gcdump not found (dotnet tool install -g dotnet-gcdump): managed heap not measured."
fi

blob_port=10610 queue_port=10611 table_port=10612 gateway_port=5680
admin_key="cluster-bench-platform-admin-key-0001"
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
hz=$(getconf CLK_TCK)

# ---- processes -------------------------------------------------------------------------------
pids=() names=()
stop_all() {
  # In reverse order of start: silos save their last snapshots while storage is still up.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    local p=${pids[i]}
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$p" 2>/dev/null; then echo "  ${names[i]} (pid $p) ignored SIGTERM for 15 s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; fi
    wait "$p" 2>/dev/null || true
  done
  pids=() names=()
}
trap 'stop_all' EXIT
trap 'stop_all; exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "Azurite exited; see $2" >&2; return 1; }
    sleep 0.25
  done
  echo "Azurite did not listen on 127.0.0.1:$1" >&2; return 1
}
wait_healthy() {  # url name pid log
  for _ in $(seq 1 240); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || { echo "The $2 exited; see $4" >&2; return 1; }
    sleep 0.25
  done
  echo "The $2 did not become healthy at $1; see $4" >&2; return 1
}

# ---- measurements --------------------------------------------------------------------------------
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8; exit}' /proc/stat; }  # user nice system irq softirq
steal_jiffies() { awk '/^cpu /{print $9; exit}' /proc/stat; }
proc_jiffies() { [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}' || echo 0; }
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ms() { date +%s%3N; }
pct() { awk -v d="$1" -v ms="$2" -v hz="$hz" 'BEGIN{printf "%.0f", d / hz / (ms / 1000) * 100}'; }

# Other engineers' processes: the machine's busy time over $1 seconds while none of ours runs.
idle_check() {
  local b0 b1 t0 t1
  b0=$(busy_jiffies) t0=$(now_ms); sleep "$1"; b1=$(busy_jiffies) t1=$(now_ms)
  pct $((b1 - b0)) $((t1 - t0))
}

# The managed heap after a forced full GC (dotnet-gcdump induces one and walks the heap), in bytes;
# "-" when not measured. The report (per-type counts, e.g. grain activations) is kept beside the dump.
heap_after_gc() {  # pid file
  [ -n "$gcdump_tool" ] || { echo "-"; return; }
  timeout 120 "$gcdump_tool" collect -p "$1" -o "$2" >/dev/null 2>&1 || { echo "-"; return; }
  timeout 120 "$gcdump_tool" report "$2" > "$2.txt" 2>/dev/null || { echo "-"; return; }
  # The report's first line, "N GC Heap bytes": the objects the dump found (its per-type sizes undercount strings).
  awk '/GC Heap bytes/ {gsub(",","",$1); print $1; found=1; exit} END{if (!found) print "-"}' "$2.txt"
}

run_attempt() {  # attempt-number dir
  local n=$1 dir=$2
  mkdir -p "$dir"
  for p in $blob_port $queue_port $table_port $gateway_port $(for ((i=0; i<silos; i++)); do echo $((11711+i)) $((30710+i)) $((5690+i)); done); do
    port_free "$p" || { echo "Port $p on 127.0.0.1 is in use; stop what uses it." >&2; return 1; }
  done

  echo "== attempt $n: checking how busy the machine is (10 s, nothing of ours running)"
  local others_before
  for ((w=1; w<=patience; w++)); do
    others_before=$(idle_check 10)
    echo "   others used ${others_before}% of one core"
    [ "$others_before" -ge 10 ] && [ "$w" -lt "$patience" ] || break
    echo "   busy: waiting a minute"; sleep 60
  done
  echo "precheck_others_pct=$others_before" > "$dir/noise"

  rm -rf "$dir/azurite"; mkdir -p "$dir/azurite" "$dir/logs"
  echo "== starting Azurite (blob $blob_port, queue $queue_port, table $table_port), data in $dir/azurite"
  "$azurite" --blobHost 127.0.0.1 --blobPort $blob_port --queueHost 127.0.0.1 --queuePort $queue_port \
    --tableHost 127.0.0.1 --tablePort $table_port --location "$dir/azurite" \
    --silent --disableTelemetry --skipApiVersionCheck --loose > "$dir/logs/azurite.log" 2>&1 &
  pids+=($!) names+=(azurite)
  wait_port $blob_port "$dir/logs/azurite.log" || return 1; wait_port $table_port "$dir/logs/azurite.log" || return 1

  local cluster_id="bench-$(date +%H%M%S)-$n"
  local common=("--Align:Cluster:Clustering=azure" "--Align:Cluster:ClusterId=$cluster_id"
    "--Align:Storage:ConnectionString=$connection")
  local silo_pids=()
  for ((i=0; i<silos; i++)); do
    echo "== starting silo-$((i+1)) (Orleans 127.0.0.1:$((11711+i)) and :$((30710+i)), HTTP :$((5690+i)))"
    dotnet "$silo_dll" --Urls="http://127.0.0.1:$((5690+i))" "${common[@]}" --Align:Silo:Storage=azure \
      --Align:Silo:SiloPort=$((11711+i)) --Align:Silo:GatewayPort=$((30710+i)) > "$dir/logs/silo-$((i+1)).log" 2>&1 &
    pids+=($!) names+=("silo-$((i+1))") silo_pids+=($!)
    wait_healthy "http://127.0.0.1:$((5690+i))/health" "silo-$((i+1))" "${pids[-1]}" "$dir/logs/silo-$((i+1)).log" || return 1
  done
  echo "== starting the gateway (HTTP :$gateway_port)"
  dotnet "$gateway_dll" --Urls="http://127.0.0.1:$gateway_port" "${common[@]}" \
    --Align:PlatformAdminKey=$admin_key > "$dir/logs/gateway.log" 2>&1 &
  pids+=($!) names+=(gateway)
  local gateway_pid=$!
  wait_healthy "http://127.0.0.1:$gateway_port/health/ready" gateway "$gateway_pid" "$dir/logs/gateway.log" || return 1
  # Let the gateway learn every silo (its gateway list refreshes every 5 s) and the JIT settle.
  sleep 10

  echo "== memory before any organization exists"
  : > "$dir/memory"
  for ((i=0; i<silos; i++)); do
    local p=${silo_pids[i]}
    local rss; rss=$(rss_kb "$p")
    local heap; heap=$(heap_after_gc "$p" "$dir/silo-$((i+1))-before.gcdump")
    echo "silo-$((i+1)) before rss_kb=$rss heap_bytes=$heap" | tee -a "$dir/memory"
  done

  echo "== load: $clients clients, batches of $batch, $orgs organization(s), warm-up $warmup, measured $duration"
  local cmd=(dotnet "$driver_dll" load --gateway "http://127.0.0.1:$gateway_port" --admin-key "$admin_key"
    --clients "$clients" --batch "$batch" --orgs "$orgs" --warmup "$warmup" --duration "$duration" --json "$dir/load.json")
  echo "${cmd[*]}" > "$dir/command"
  "${cmd[@]}" > "$dir/load.txt" 2>&1 &
  local driver_pid=$!
  pids+=($driver_pid) names+=(driver)
  until grep -q '^Running ' "$dir/load.txt" 2>/dev/null; do
    kill -0 "$driver_pid" 2>/dev/null || { cat "$dir/load.txt"; echo "The driver stopped before the load." >&2; return 1; }
    sleep 0.2
  done
  grep -m1 '^Created ' "$dir/load.txt" | cut -c1-160
  # CPU over the middle of the window: from 3 s after it opens to 3 s before it closes.
  sleep $((warmup_s + 3))
  local ours=("${pids[@]}") j0=() j1=() b0 b1 s0 s1 t0 t1
  for p in "${ours[@]}"; do j0+=("$(proc_jiffies "$p")"); done
  b0=$(busy_jiffies) s0=$(steal_jiffies) t0=$(now_ms)
  sleep $((duration_s - 6))
  for p in "${ours[@]}"; do j1+=("$(proc_jiffies "$p")"); done
  b1=$(busy_jiffies) s1=$(steal_jiffies) t1=$(now_ms)
  local ms=$((t1 - t0)) sum=0
  : > "$dir/cpu"
  for k in "${!ours[@]}"; do
    local d=$(( ${j1[k]} - ${j0[k]} )); sum=$((sum + d))
    echo "${names[k]} $(pct $d $ms)" >> "$dir/cpu"
  done
  echo "machine $(pct $((b1 - b0)) $ms)" >> "$dir/cpu"
  echo "others $(pct $((b1 - b0 - sum)) $ms)" >> "$dir/cpu"
  echo "steal $(pct $((s1 - s0)) $ms)" >> "$dir/cpu"
  echo "window_others_pct=$(pct $((b1 - b0 - sum)) $ms)" >> "$dir/noise"

  local rc=0
  wait "$driver_pid" || rc=$?
  unset 'pids[-1]' 'names[-1]'
  echo "driver_exit=$rc" >> "$dir/noise"
  sed -n '/^Load on/,$p' "$dir/load.txt"

  echo "== memory after the run (every organization active)"
  for ((i=0; i<silos; i++)); do
    local p=${silo_pids[i]}
    local rss; rss=$(rss_kb "$p")
    local heap; heap=$(heap_after_gc "$p" "$dir/silo-$((i+1))-after.gcdump")
    echo "silo-$((i+1)) after rss_kb=$rss heap_bytes=$heap rss_after_gc_kb=$(rss_kb "$p")" | tee -a "$dir/memory"
  done
  for ((i=0; i<silos; i++)); do
    local f="$dir/silo-$((i+1))-after.gcdump.txt"
    [ -f "$f" ] || continue
    echo "   silo-$((i+1)) grain objects: $(grep -oE '[0-9,]+ +[0-9,]+ +Orleans\.Align\.Grains\.[A-Za-z.]*Grain( |$)' "$f" | awk '{print $3"="$2}' | sed 's/Orleans.Align.Grains.//' | sort | tr '\n' ' ')"
  done
  echo "== errors and warnings in the logs"
  for f in "$dir"/logs/*.log; do
    echo "   $(basename "$f"): $(grep -ciE 'fail|error|exception|warn' "$f" || true) lines mentioning fail/error/exception/warn"
  done
  stop_all
  return 0
}

summary() {  # dir
  local dir=$1
  python3 - "$dir" "$silos" "$orgs" <<'EOF'
import json, sys, re
d, silos, orgs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = json.load(open(f"{d}/load.json"))
cpu = dict(l.split() for l in open(f"{d}/cpu"))
noise = dict(l.strip().split("=", 1) for l in open(f"{d}/noise"))
mem = {}
for l in open(f"{d}/memory"):
    name, when, *kv = l.split()
    mem[(name, when)] = dict(x.split("=") for x in kv)
lat, c = r["ackLatencyMs"], r["correctness"]
print(f"silos {silos}, gateway 1, organizations {orgs}, clients {r['clients']}, batch {r['batchSize']}, "
      f"warm-up {r['warmupSeconds']:.0f} s, measured {r['measuredSeconds']:.1f} s")
print(f"  events/s            {r['eventsPerSecond']:,.0f}   ({r['requestsPerSecond']:.1f} requests/s)")
print(f"  ack latency ms      p50 {lat['p50']:.0f}   p90 {lat['p90']:.0f}   p99 {lat['p99']:.0f}   max {lat['max']:.0f}")
print(f"  errors              {r['errors'] or 'none'}   outside the window {r['errorsOutsideWindow'] or 'none'}")
print(f"  correctness         {'PASS' if c['pass'] else 'FAIL'}: {c['countedEvents']:,} of {c['expectedEvents']:,}; {c['detail']}")
print("  CPU (% of one core, middle of the window): " + ", ".join(f"{k} {v}%" for k, v in cpu.items()))
ours = sum(int(v) for k, v in cpu.items() if k not in ("machine", "others", "steal"))
if ours > 0:
    print(f"  per CPU             {r['eventsPerSecond'] / (ours / 100):,.0f} events per second of one core used by our processes ({ours}% of one core)")
print(f"  noise               others {noise.get('precheck_others_pct')}% of a core before the run, "
      f"{noise.get('window_others_pct')}% during the window")
def num(x):
    return None if x in (None, "-") else int(x)
tot = {"before_rss": 0, "after_rss": 0, "before_heap": 0, "after_heap": 0}
heap_ok = True
for i in range(1, silos + 1):
    b, a = mem.get((f"silo-{i}", "before"), {}), mem.get((f"silo-{i}", "after"), {})
    tot["before_rss"] += num(b.get("rss_kb")) or 0; tot["after_rss"] += num(a.get("rss_kb")) or 0
    bh, ah = num(b.get("heap_bytes")), num(a.get("heap_bytes"))
    if bh is None or ah is None: heap_ok = False
    else: tot["before_heap"] += bh; tot["after_heap"] += ah
    print(f"  silo-{i} memory       RSS {int(b.get('rss_kb',0))/1024:,.0f} -> {int(a.get('rss_kb',0))/1024:,.0f} MB"
          + (f", managed heap after a forced GC {bh/2**20:,.0f} -> {ah/2**20:,.0f} MB" if bh is not None and ah is not None else ""))
drss = (tot["after_rss"] - tot["before_rss"]) / 1024
print(f"  silos' RSS          {tot['before_rss']/1024:,.0f} -> {tot['after_rss']/1024:,.0f} MB: +{drss:,.0f} MB, {drss/orgs:,.2f} MB per organization")
if heap_ok:
    dh = (tot["after_heap"] - tot["before_heap"]) / 2**20
    print(f"  silos' managed heap {tot['before_heap']/2**20:,.0f} -> {tot['after_heap']/2**20:,.0f} MB after a forced GC: +{dh:,.0f} MB, {dh/orgs:,.2f} MB per organization")
print(f"  events accepted     {r['acceptedEventsTotal']:,} in the whole run, {r['acceptedEventsTotal']/orgs:,.0f} per organization")
EOF
}

echo "Cluster benchmark: $silos silo(s), 1 gateway, $orgs organization(s); output in $out"
echo "Binaries: silo $(date -u -r "$silo_dll" '+%F %T') UTC, gateway $(date -u -r "$gateway_dll" '+%F %T') UTC, driver $(date -u -r "$driver_dll" '+%F %T') UTC; from $build$( [ "$build" = . ] && echo " (repository at $(git rev-parse --short HEAD 2>/dev/null || echo ?)$( [ -n "$(git status --porcelain 2>/dev/null | grep -v '^??' || true)" ] && echo ' + uncommitted changes'))")"
final=""
for ((n=1; n<=attempts; n++)); do
  dir="$out/attempt-$n"
  run_attempt "$n" "$dir" || { echo "attempt $n failed; see $dir" >&2; exit 1; }
  final="$dir"
  others=$(sed -n 's/^window_others_pct=//p' "$dir/noise")
  if [ "$others" -lt 10 ]; then break; fi
  if [ "$n" -lt "$attempts" ]; then
    echo "== others used ${others}% of a core during the window: discarding this attempt; waiting a minute"
    sleep 60
  else
    echo "== others used ${others}% of a core during the window, and no attempt is left: the figures below are noisy"
  fi
done

echo
echo "== summary ($final)"
for ((n=1; n<=attempts; n++)); do
  [ -f "$out/attempt-$n/noise" ] && echo "  attempt $n: $(tr '\n' ' ' < "$out/attempt-$n/noise")"
done
summary "$final" | tee "$out/summary.txt"
echo "Binaries at the end: silo $(date -u -r "$silo_dll" '+%F %T') UTC, gateway $(date -u -r "$gateway_dll" '+%F %T') UTC, driver $(date -u -r "$driver_dll" '+%F %T') UTC" | tee -a "$out/summary.txt"
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["correctness"]["pass"] else 1)' "$final/load.json"
