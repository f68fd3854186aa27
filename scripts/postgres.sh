#!/usr/bin/env bash
# A private PostgreSQL + PostGIS cluster for the peer benchmark (`make bench-peer`).
#   scripts/postgres.sh start|stop|status|install PORT
# Its own cluster folder (.locator/bench-pg-PORT, gitignored) and port, loopback only, trust
# authentication (nothing but this machine can reach it), C collation (text sorts by bytes, as
# Elasticsearch sorts keywords). PostgreSQL refuses to run as root: when started as root it runs as
# the `postgres` system user that Debian's package creates, which then owns the cluster folder.
# `start` installs Debian's postgresql and postgis when they are missing; no system cluster is
# created or started by that install (createcluster.d drop-in below).
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|status|install PORT} port=${2:?usage: postgres.sh start|stop|status|install PORT}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=${BENCH_PG_DIR:-$root/.locator/bench-pg-$port}
log="$dir/server.log"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

install() {
  local bin major
  bin=$(pg_bin)
  if [[ -z $bin ]]; then
    # Debian's postinst would create and start a `main` cluster on 5432: we want only ours.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/locator-bench.conf
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(pg_bin)
  fi
  major=$(basename "$(dirname "$bin")")
  if [[ ! -f /usr/share/postgresql/$major/extension/postgis.control ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-$major-postgis-3" >/dev/null
  fi
}

as_owner() {  # run a command as the cluster's owner: postgres when we are root, else ourselves
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [[ -n $(pg_bin) && -f $dir/postmaster.pid ]] && as_owner "$(pg_bin)/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

case $cmd in
  install) install ;;
  start)
    if running; then echo "PostgreSQL already running on 127.0.0.1:$port ($dir)."; exit 0; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "Port $port answers but is not our PostgreSQL; set BENCH_PG_PORT." >&2; exit 1
    fi
    install
    bin=$(pg_bin)
    if [[ ! -f $dir/PG_VERSION ]]; then
      mkdir -p "$dir"
      if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir"
        if ! runuser -u postgres -- test -w "$dir"; then
          echo "The postgres user cannot reach $dir (a parent folder is private): set BENCH_PG_DIR" \
               "to a folder it can reach, e.g. /var/lib/locator-bench-pg." >&2
          exit 1
        fi
      fi
      chmod 700 "$dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C >/dev/null
      # Loopback only; sockets in the cluster folder (not /var/run, which may not exist or be ours).
      # shared_buffers: the same memory Elasticsearch gets for its heap (ES_HEAP, 1g).
      cat >> "$dir/postgresql.conf" <<EOF

# scripts/postgres.sh (peer benchmark)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_buffers = 1GB
max_connections = 50
max_wal_size = 4GB
EOF
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$log" -w -t 60 start >/dev/null || {
      echo "PostgreSQL did not start on port $port:" >&2; tail -20 "$log" >&2; exit 1; }
    echo "PostgreSQL is up on 127.0.0.1:$port (pid $(head -1 "$dir/postmaster.pid"), $dir)." ;;
  stop)
    if running; then
      as_owner "$(pg_bin)/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
      echo "PostgreSQL on port $port stopped."
    else
      echo "PostgreSQL is not running on port $port."
    fi ;;
  status)
    if running; then echo "running on 127.0.0.1:$port (pid $(head -1 "$dir/postmaster.pid"), $dir)"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: postgres.sh start|stop|status|install PORT" >&2; exit 2 ;;
esac
