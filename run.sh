#!/usr/bin/env bash
# The one run command: sets up what a fresh machine lacks, starts the silo and the gateway on
# loopback, seeds a demo organization, prints its war-room URL and keeps a simulator posting events.
#   ./run.sh [--no-simulate] [--silos N] [--gateways M]
# --silos/--gateways (1 to 9, default 1 each) start a real cluster on Azure Table membership: silo i
#   (from 0) on Orleans ports 11111+i and 30000+i and HTTP 5090+i, gateway j on HTTP 5080+j.
# Environment: Align__PlatformAdminKey (generated and kept in .align/ when unset),
#   ALIGN_GATEWAY_URL (the first gateway, http://127.0.0.1:5080), ALIGN_SILO_URL (the first silo,
#   http://127.0.0.1:5090), ALIGN_AZURITE_PORT (blob port, 10000; the table service is on 10002, the
#   queue service on 10001; Azurite keeps its data in .align/azurite; ALIGN_AZURITE_IN_MEMORY=1 keeps it
#   in memory only, lost when it stops, which spares its CPU the periodic save of its whole metadata:
#   for benchmarks with many organizations), Align__Storage__ConnectionString
#   (a real Azure Storage account instead of Azurite), ALIGN_MAIL_SMTP_PORT / ALIGN_MAIL_WEB_PORT
#   (maildev, the mail catcher the demo's invitations and password resets go to: SMTP 1025, web 1080;
#   setting Align__Mail__Host sends through that SMTP server instead), and any Align__* setting (see README).
#   Ctrl-C or SIGTERM stops everything.
# Single sign-on is not started here: to try it, run with Align__Sso__AllowLoopbackIssuers=true and start
#   tests/oidc-provider/server.mjs beside it (README, "Single sign-on").
set -euo pipefail
cd "$(dirname "$0")"

simulate=1 silos=1 gateways=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-simulate) simulate=0 ;;
    --silos) silos="${2:-}"; shift ;;
    --gateways) gateways="${2:-}"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "Unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
for n in "$silos" "$gateways"; do
  [[ "$n" =~ ^[1-9]$ ]] || { echo "--silos and --gateways take a number from 1 to 9." >&2; exit 2; }
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

wait_port() {
  local port=$1 name=${2:-azurite}
  for _ in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$name exited; see .align/logs/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "$name did not listen on 127.0.0.1:$port; see .align/logs/$name.log" >&2; exit 1
}

if [ -z "${Align__Storage__ConnectionString:-}" ]; then
  azurite_port="${ALIGN_AZURITE_PORT:-10000}" table_port=10002 queue_port=10001
  echo; echo "== Starting Azurite, the Azure Storage emulator (blob 127.0.0.1:$azurite_port, table :$table_port, data in .align/azurite)"
  mkdir -p .align/azurite
  azurite_mode=(--location .align/azurite)
  if [ "${ALIGN_AZURITE_IN_MEMORY:-}" = 1 ]; then
    azurite_mode=(--inMemoryPersistence)
    echo "   (in memory only: everything stored is lost when it stops)"
  fi
  silo/storage-emulator/node_modules/.bin/azurite "${azurite_mode[@]}" --blobHost 127.0.0.1 --blobPort "$azurite_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --silent --disableTelemetry --skipApiVersionCheck --loose > .align/logs/azurite.log 2>&1 &
  pids+=($!)
  wait_port "$azurite_port"; wait_port "$table_port"
  # Grain state, the event log, reminders and cluster membership (silos and gateways) all use it.
  Align__Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
  export Align__Storage__ConnectionString
fi

mail_web=""
if [ -z "${Align__Mail__Host:-}" ]; then
  smtp_port="${ALIGN_MAIL_SMTP_PORT:-1025}" mail_web_port="${ALIGN_MAIL_WEB_PORT:-1080}"
  echo; echo "== Starting maildev, the mail catcher (SMTP 127.0.0.1:$smtp_port, web http://127.0.0.1:$mail_web_port/index.html)"
  tests/mail-catcher/node_modules/.bin/maildev --smtp "$smtp_port" --ip 127.0.0.1 --web "$mail_web_port" --web-ip 127.0.0.1 \
    > .align/logs/maildev.log 2>&1 &
  pids+=($!)
  wait_port "$smtp_port" maildev; wait_port "$mail_web_port" maildev
  # Plain SMTP is fine on loopback to a catcher; a real server keeps the default, STARTTLS required.
  export Align__Mail__Host=127.0.0.1 Align__Mail__Port="$smtp_port" Align__Mail__Tls=none
  export Align__Mail__PublicUrl="${Align__Mail__PublicUrl:-$gateway_url}"
  mail_web="http://127.0.0.1:$mail_web_port/index.html"  # maildev 3 answers 404 at "/"
fi

silo_http() { if [ "$1" = 0 ]; then echo "$silo_url"; else echo "http://127.0.0.1:$((5090 + $1))"; fi; }
gateway_http() { if [ "$1" = 0 ]; then echo "$gateway_url"; else echo "http://127.0.0.1:$((5080 + $1))"; fi; }

for ((i=0; i<silos; i++)); do
  url=$(silo_http "$i") name="silo-$((i + 1))"
  echo; echo "== Starting $name ($url)"
  dotnet "silo/Orleans.Align.Silo/bin/$conf/net10.0/Orleans.Align.Silo.dll" --Urls="$url" \
    --Align:Silo:SiloPort=$((11111 + i)) --Align:Silo:GatewayPort=$((30000 + i)) > ".align/logs/$name.log" 2>&1 &
  pids+=($!); wait_healthy "$url/health" "$name" "${pids[-1]}"
done

for ((j=0; j<gateways; j++)); do
  url=$(gateway_http "$j") name="gateway-$((j + 1))"
  echo "== Starting $name ($url)"
  dotnet "gateway/Orleans.Align.Gateway/bin/$conf/net10.0/Orleans.Align.Gateway.dll" --Urls="$url" > ".align/logs/$name.log" 2>&1 &
  pids+=($!); wait_healthy "$url/health/ready" "$name" "${pids[-1]}"
done

driver_args=(demo --gateway "$gateway_url" --admin-key "$Align__PlatformAdminKey" --state-file .align/demo.json)
[ "$simulate" = 1 ] || driver_args+=(--no-simulate)
dotnet "bench/Orleans.Align.Driver/bin/$conf/net10.0/Orleans.Align.Driver.dll" "${driver_args[@]}" &
pids+=($!)

for ((j=0; j<gateways; j++)); do echo "Gateway $((j + 1)): $(gateway_http "$j")"; done
[ -z "$mail_web" ] || echo "The demo's mail (invitations, password resets): $mail_web"
echo "Logs: .align/logs/. Orleans dashboard: $silo_url/dashboard (password: the platform admin key, .align/platform-admin-key unless set). Press Ctrl-C to stop."
services=("${pids[@]:0:${#pids[@]}-1}")  # everything but the driver, which may finish on its own
while true; do
  for p in "${services[@]}"; do kill -0 "$p" 2>/dev/null || break 2; done
  sleep 1 & wait $!  # a background sleep lets a signal's trap run at once
done
echo "A process exited unexpectedly; see .align/logs/." >&2
exit 1
