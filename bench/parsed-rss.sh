#!/bin/bash
# Peak RSS (VmHWM, sampled) of cgiinetd itself while -P splices N MiB
# (default 1024) of a script's output; the body is checked too.
# Usage: bench/parsed-rss.sh [MiB]  (from the top directory, after make)
set -eu
n=${1:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'GET /cgi-bin/stream.sh?%s HTTP/1.0\r\n\r\n' "$n" >"$work/req"
./cgiinetd -P -l none -d test/www <"$work/req" | tail -c $((n << 20)) | md5sum >"$work/sum" &
hwm=0
while pid=$(pgrep -f "cgiinetd -P -l none -d test/www" | head -n 1) && [ -n "$pid" ]; do
	v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null) && [ -n "$v" ] && hwm=$v
	sleep 0.05
done
wait
want=$(head -c $((n << 20)) /dev/zero | md5sum)
[ "$(cat "$work/sum")" = "$want" ] && ok=intact || ok=DIFFERENT
echo "cgiinetd -P, $n MiB of script output: peak RSS ${hwm} kB, body $ok"
