#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: everything a fresh machine needs, and nothing twice.
#   ALIGN_CONFIGURATION  Release (default) or Debug
#   ALIGN_WITH_BROWSER   1 to make sure Debian's Chromium is installed (the browser tests need it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

ALIGN_CONFIGURATION="${ALIGN_CONFIGURATION:-Release}"
export ALIGN_CONFIGURATION DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "${ALIGN_WITH_BROWSER:-0}" = 1 ]; then
  apt_install chromium
fi

# Redis membership, the documented alternative to Azure Tables, is tested against a real redis-server.
command -v redis-server >/dev/null || apt_install redis-server

command -v node >/dev/null || { echo "Node.js 20+ is required for the web client build." >&2; exit 1; }
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required." >&2; exit 1; }

# npm ci only when the lock file changed since the last install: it is the slow part.
npm_ci() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

step "Installing Azurite, the Azure Storage emulator (npm)"
(cd silo/storage-emulator && npm_ci)

step "Installing the independent OpenAPI checker (npm)"
(cd tests/openapi-check && npm_ci)

step "Installing maildev, the SMTP catcher for the demo's and the tests' mail (npm)"
(cd tests/mail-catcher && npm_ci)

step "Installing oidc-provider, the OpenID provider of the single sign-on tests (npm)"
(cd tests/oidc-provider && npm_ci)

step "Building the web client"
(cd web-client/codegen && npm_ci)
(cd web-client && npm_ci && npm run build --silent)

step "Building the solution ($ALIGN_CONFIGURATION)"
dotnet build Orleans.Align.sln -c "$ALIGN_CONFIGURATION" -nologo -clp:ErrorsOnly -v:quiet
