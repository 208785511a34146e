#!/usr/bin/env bash
# Builds the silo and gateway container images with the .NET SDK (no Docker engine needed) and
# writes them as tarballs:
#   deploy/build-images.sh [output dir, default .artifacts/images]
#     → <dir>/orleans-align-silo.tar.gz, <dir>/orleans-align-gateway.tar.gz
# Environment:
#   ALIGN_IMAGE_TAG      image tag (default: the short git commit, else "dev")
#   ALIGN_SKIP_SETUP=1   do not run ../setup.sh first (the web client must already be built into
#                        gateway/Orleans.Align.Gateway/wwwroot, or the gateway image has no UI)
# The SDK pulls the base image (mcr.microsoft.com/dotnet/aspnet:10.0) from its registry, so this
# needs network access to mcr.microsoft.com, or ContainerBaseImage pointed at a mirror
# (-p:ContainerBaseImage=<mirror>/dotnet/aspnet:10.0 via ALIGN_CONTAINER_ARGS).
# To push straight to a registry instead of writing tarballs, see docs/deploy.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="$(realpath -m "${1:-.artifacts/images}")"
tag="${ALIGN_IMAGE_TAG:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${ALIGN_SKIP_SETUP:-0}" != 1 ]; then
  ./setup.sh      # npm ci + web client build into the gateway's wwwroot, restore and build
fi
if [ ! -f gateway/Orleans.Align.Gateway/wwwroot/index.html ]; then
  echo "gateway/Orleans.Align.Gateway/wwwroot/index.html is missing: build the web client first (cd web-client && npm ci && npm run build)." >&2
  exit 1
fi

mkdir -p "$out"
build() { # <project> <archive name>
  echo "== $2:$tag"
  dotnet publish "$1" -c Release -nologo /t:PublishContainer \
    -p:ContainerImageTags="$tag" \
    -p:ContainerArchiveOutputPath="$out/$2.tar.gz" \
    ${ALIGN_CONTAINER_ARGS:-}
}
build silo/Orleans.Align.Silo orleans-align-silo
build gateway/Orleans.Align.Gateway orleans-align-gateway
echo "Images written to $out (tag $tag): load them with podman/docker load -i, or push with -p:ContainerRegistry (docs/deploy.md)."
