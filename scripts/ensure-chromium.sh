#!/bin/sh
# The browser tests run the protocol in headless Chromium from Debian's packages
# (no browser download at test time). Installs it when missing and possible.
set -eu
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] && exit 0
  echo "freebird: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "freebird: installing chromium (Debian) for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends chromium >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; }
  exit 0
fi
echo "freebird: the browser tests need Chromium: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH)" >&2
exit 1
