#!/usr/bin/env bash
# Run a private Redis for the rate-limit counters shared by every gunicorn worker.
#   scripts/redis.sh start|stop|status PORT
# Loopback only, no persistence (counters are worth nothing after a restart), its own port and
# folder under .locator/, so `make run` and `make test` never share counters with each other or
# with a system Redis.
set -euo pipefail
cmd=${1:?usage: redis.sh start|stop|status PORT} port=${2:?usage: redis.sh start|stop|status PORT}
dir="$(cd "$(dirname "$0")/.." && pwd)/.locator/redis-$port"
pidfile="$dir/redis.pid"

running() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; }

case $cmd in
  start)
    if running && answers; then echo "Redis already running on 127.0.0.1:$port."; exit 0; fi
    if answers; then echo "Port $port answers but is not our Redis; set REDIS_PORT." >&2; exit 1; fi
    command -v redis-server >/dev/null || { echo "redis-server is missing: make system-deps" >&2; exit 1; }
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --daemonize yes \
      --pidfile "$pidfile" --logfile "$dir/redis.log" --dir "$dir" --save '' --appendonly no \
      --maxmemory 64mb --maxmemory-policy volatile-ttl
    for _ in $(seq 50); do answers && { echo "Redis is up on 127.0.0.1:$port."; exit 0; }; sleep 0.1; done
    echo "Redis did not start on port $port:" >&2; tail -20 "$dir/redis.log" >&2; exit 1 ;;
  stop)
    if running; then kill "$(cat "$pidfile")"; echo "Redis on port $port stopped."; else echo "Redis is not running."; fi ;;
  status)
    if running && answers; then echo "running on 127.0.0.1:$port (pid $(cat "$pidfile"))"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: redis.sh start|stop|status PORT" >&2; exit 2 ;;
esac
