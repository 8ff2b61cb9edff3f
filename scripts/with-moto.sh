#!/usr/bin/env bash
# Runs a command with the AWS emulator (moto in server mode) listening on
# loopback, and SGSYNC_MOTO_ENDPOINT pointing at it.
#
#   bash scripts/with-moto.sh pnpm exec vitest run --project aws
#
# When SGSYNC_MOTO_ENDPOINT is already set, the command runs as it is.
# Otherwise the script finds moto_server (on PATH, then in every pyenv
# Python), starts it on 127.0.0.1 on a free port, waits until it answers,
# runs the command, stops moto by its process id, and exits with the
# command's exit code.
set -euo pipefail

EXPECTED_MOTO_VERSION=5.2.1
READY_TIMEOUT_SECONDS=30

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-moto.sh <command...>" >&2
  exit 2
fi

if [ -n "${SGSYNC_MOTO_ENDPOINT:-}" ]; then
  exec "$@"
fi

find_moto_server() {
  local candidate
  if candidate="$(command -v moto_server 2>/dev/null)" &&
    "$candidate" --help >/dev/null 2>&1; then
    echo "$candidate"
    return 0
  fi
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/*/bin/moto_server; do
      if [ -x "$candidate" ]; then
        echo "$candidate"
        return 0
      fi
    done
  fi
  return 1
}

free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => {
      console.log(server.address().port);
      server.close();
    });'
}

check_version() {
  local python version
  python="$(dirname "$1")/python"
  [ -x "$python" ] || python="$(head -1 "$1" | sed 's/^#!//')"
  version="$("$python" -c 'import moto; print(moto.__version__)' \
    2>/dev/null || echo unknown)"
  if [ "$version" != "$EXPECTED_MOTO_VERSION" ]; then
    echo "warning: moto $version found; the tests expect" \
      "moto $EXPECTED_MOTO_VERSION" >&2
  fi
}

wait_until_ready() {
  local endpoint="$1" pid="$2" waited=0
  until curl -sf -o /dev/null "$endpoint/moto-api/"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "moto_server exited before it answered; see $LOG" >&2
      return 1
    fi
    if [ "$waited" -ge $((READY_TIMEOUT_SECONDS * 10)) ]; then
      echo "moto_server did not answer within" \
        "${READY_TIMEOUT_SECONDS}s; see $LOG" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

if ! MOTO_SERVER="$(find_moto_server)"; then
  echo "moto_server (moto $EXPECTED_MOTO_VERSION, installed with pyenv's" \
    "Python) was not found; it is on neither PATH nor" \
    "\$(pyenv root)/versions/*/bin. Install it with" \
    "'pip install \"moto[server]==$EXPECTED_MOTO_VERSION\"' or set" \
    "SGSYNC_MOTO_ENDPOINT to a running moto server." >&2
  exit 1
fi
check_version "$MOTO_SERVER"

PORT="$(free_port)"
LOG="$(mktemp -t moto-server.XXXXXX.log)"
"$MOTO_SERVER" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!

stop_moto() {
  if kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
}
trap stop_moto EXIT

export SGSYNC_MOTO_ENDPOINT="http://127.0.0.1:$PORT"
wait_until_ready "$SGSYNC_MOTO_ENDPOINT" "$MOTO_PID"
echo "moto_server $MOTO_PID listens at $SGSYNC_MOTO_ENDPOINT" >&2

status=0
"$@" || status=$?
exit "$status"
