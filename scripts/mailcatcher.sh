#!/usr/bin/env bash
# Run the demo's mail catcher (`locator mail catch`) in the background for `make run`.
#   scripts/mailcatcher.sh start|stop|status PORT
# Loopback only; messages land in .locator/mail/, listed at /demo/mail.
set -euo pipefail
cmd=${1:?usage: mailcatcher.sh start|stop|status PORT} port=${2:?usage: mailcatcher.sh start|stop|status PORT}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.locator/mail" pidfile="$root/.locator/mailcatcher-$port.pid"

running() { [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

case $cmd in
  start)
    if running && answers; then echo "Mail catcher already running on 127.0.0.1:$port."; exit 0; fi
    if answers; then echo "Port $port answers but is not our mail catcher; set MAIL_PORT." >&2; exit 1; fi
    mkdir -p "$dir"
    nohup "$root/.venv/bin/locator" mail catch --port "$port" --dir "$dir" >"$root/.locator/mailcatcher.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 50); do answers && { echo "Mail catcher is up on 127.0.0.1:$port (/demo/mail)."; exit 0; }; sleep 0.1; done
    echo "The mail catcher did not start on port $port:" >&2; tail -20 "$root/.locator/mailcatcher.log" >&2; exit 1 ;;
  stop)
    if running; then kill "$(cat "$pidfile")"; rm -f "$pidfile"; echo "Mail catcher stopped."; else echo "Mail catcher is not running."; fi ;;
  status)
    if running && answers; then echo "running on 127.0.0.1:$port (pid $(cat "$pidfile"))"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: mailcatcher.sh start|stop|status PORT" >&2; exit 2 ;;
esac
