#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
# Starts a throwaway PostgreSQL cluster in a temporary directory on 127.0.0.1 and a free port,
# runs COMMAND with TEST_DATABASE_URL (and DATABASE_URL) pointing at it, then stops it and
# removes it. Installs Debian's postgresql package when no server is found. As root, the
# server runs as the unprivileged 'postgres' user (created by that package).
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN=$(find_bin || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL is missing: installing Debian's postgresql package..."
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(find_bin)
fi

WORK=$(mktemp -d /tmp/trainer-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$WORK"
  as_pg() { runuser -u postgres -- "$@"; }
fi

stop() {
  as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

as_pg "$PGBIN/initdb" -D "$WORK/data" -U trainer --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c max_connections=200" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U trainer trainer_test

export TEST_DATABASE_URL="postgresql+psycopg://trainer@127.0.0.1:$PORT/trainer_test"
export DATABASE_URL="$TEST_DATABASE_URL"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
