#!/bin/sh
# The small scenario's wait while berth starts the tasks (tests/vm/scenarios/small.py hands over
# to it so that python's memory is not held meanwhile): prints MemAvailable every 20 s until the
# published port answers and TASKS containers have a monitor, for at most 15 minutes, then runs
# the checks (small.py again).
# Usage: small-wait.sh TASKS PORT PYTHON SMALL_PY
tasks=$1 port=$2
deadline=$(($(cut -d. -f1 /proc/uptime) + 900))
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ]; do
  echo "guest: at $(cut -d' ' -f1 /proc/uptime) s: MemAvailable $(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo) MiB"
  monitors=$(ls /run/berth/containers 2>/dev/null | wc -l)
  # busybox nc, not busybox wget: Debian 12's busybox-static wget segfaults.
  if [ "$monitors" -ge "$tasks" ] &&
     printf 'GET / HTTP/1.0\r\n\r\n' | busybox nc -w 5 127.0.0.1 "$port" 2>/dev/null | grep -q '^HTTP/1.[01] 200'; then
    break
  fi
  sleep 20
done
exec "$3" -u "$4"
