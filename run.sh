#!/usr/bin/env bash
# The one run command: sets up what a fresh machine lacks, starts the silo and the gateway on
# loopback, seeds a demo organization, prints its war-room URL and keeps a simulator posting events.
#   ./run.sh [--no-simulate]
# Environment: Align__PlatformAdminKey (generated and kept in .align/ when unset),
#   ALIGN_GATEWAY_URL (http://127.0.0.1:5080), ALIGN_SILO_URL (http://127.0.0.1:5090),
#   ALIGN_AZURITE_PORT (10000; Azurite keeps its data in .align/azurite), Align__Storage__ConnectionString
#   (a real Azure Storage account instead of Azurite), and any Align__* setting (see README).
#   Ctrl-C or SIGTERM stops everything.
set -euo pipefail
cd "$(dirname "$0")"

simulate=1
for arg in "$@"; do
  case "$arg" in
    --no-simulate) simulate=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "Unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

./setup.sh
conf="${ALIGN_CONFIGURATION:-Release}"
gateway_url="${ALIGN_GATEWAY_URL:-http://127.0.0.1:5080}"
silo_url="${ALIGN_SILO_URL:-http://127.0.0.1:5090}"
mkdir -p .align/logs

if [ -z "${Align__PlatformAdminKey:-}" ]; then
  # Kept across runs so the demo's saved keys and the operator's scripts stay valid.
  [ -s .align/platform-admin-key ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > .align/platform-admin-key
  Align__PlatformAdminKey="$(cat .align/platform-admin-key)"
fi
export Align__PlatformAdminKey

pids=()
stop() {
  local code=$?
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] || exit "$code"
  echo; echo "Stopping Orleans.Align..."
  # In reverse order of start: the silo saves its last snapshots while storage is still up.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    p=${pids[i]}
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$p" 2>/dev/null || true
  done
  exit "$code"
}
trap stop EXIT INT TERM

wait_healthy() {
  local url=$1 name=$2 pid=$3
  for _ in $(seq 1 240); do
    curl -fs "$url" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "The $name exited; see .align/logs/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "The $name did not become healthy at $url; see .align/logs/$name.log" >&2; exit 1
}

silo_args=(--Urls="$silo_url")
if [ -z "${Align__Storage__ConnectionString:-}" ]; then
  azurite_port="${ALIGN_AZURITE_PORT:-10000}"
  echo; echo "== Starting Azurite, the Azure Storage emulator (127.0.0.1:$azurite_port, data in .align/azurite)"
  mkdir -p .align/azurite
  silo/storage-emulator/node_modules/.bin/azurite-blob --blobHost 127.0.0.1 --blobPort "$azurite_port" \
    --location .align/azurite --silent --disableTelemetry --skipApiVersionCheck --loose > .align/logs/azurite.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$azurite_port") 2>/dev/null && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "Azurite exited; see .align/logs/azurite.log" >&2; exit 1; }
    sleep 0.25
  done
  silo_args+=("--Align:Storage:ConnectionString=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;")
fi

echo; echo "== Starting the silo ($silo_url)"
dotnet "silo/Orleans.Align.Silo/bin/$conf/net10.0/Orleans.Align.Silo.dll" "${silo_args[@]}" > .align/logs/silo.log 2>&1 &
pids+=($!); wait_healthy "$silo_url/health" silo "${pids[-1]}"

echo "== Starting the gateway ($gateway_url)"
dotnet "gateway/Orleans.Align.Gateway/bin/$conf/net10.0/Orleans.Align.Gateway.dll" --Urls="$gateway_url" > .align/logs/gateway.log 2>&1 &
pids+=($!); wait_healthy "$gateway_url/health/ready" gateway "${pids[-1]}"

driver_args=(demo --gateway "$gateway_url" --admin-key "$Align__PlatformAdminKey" --state-file .align/demo.json)
[ "$simulate" = 1 ] || driver_args+=(--no-simulate)
dotnet "bench/Orleans.Align.Driver/bin/$conf/net10.0/Orleans.Align.Driver.dll" "${driver_args[@]}" &
pids+=($!)

echo "Logs: .align/logs/. Silo dashboard: $silo_url/dashboard. Press Ctrl-C to stop."
services=("${pids[@]:0:${#pids[@]}-1}")  # everything but the driver, which may finish on its own
while true; do
  for p in "${services[@]}"; do kill -0 "$p" 2>/dev/null || break 2; done
  sleep 1 & wait $!  # a background sleep lets a signal's trap run at once
done
echo "A process exited unexpectedly; see .align/logs/." >&2
exit 1
