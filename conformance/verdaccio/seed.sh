#!/usr/bin/env bash
# Publishes seed-package/ into the running Verdaccio as `publisher`, with the npm client (the way
# its users publish). Usage: seed.sh [REGISTRY_URL] (default: GOLIVE_TARGET_URL, which the tier sets),
# with APP_ADMIN_PASSWORD set (verdaccio.env).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target="${1:-${GOLIVE_TARGET_URL:?}}"
registry="${target%/}/"
npmrc=$(mktemp)
trap 'rm -f "$npmrc"' EXIT
auth=$(printf '%s:%s' publisher "${APP_ADMIN_PASSWORD:?}" | base64 -w0)
printf '//%s:_auth=%s\n' "${registry#http://}" "$auth" > "$npmrc"
cd "$here/seed-package"
timeout 60 npm publish --registry "$registry" --userconfig "$npmrc" --no-audit --no-fund
