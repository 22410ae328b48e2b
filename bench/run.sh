#!/bin/bash
# make bench: cgiinetd against the floor of the process-per-connection model
# and against its peers, every server started per connection by the same
# systemd-socket-activate --accept --inetd on loopback. Interleaved rounds;
# medians, and each round's ratio to the floor with its min-max (noise).
# Then user-space instructions (callgrind) and peak RSS of one request in
# pipe mode. ROUNDS, SECS (per measurement) and CONNS (wrk connections) may
# be set; BASE, another cgiinetd binary (the build before a change), adds
# its CGI rows beside this build's, measured in the same rounds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-3} SECS=${SECS:-3} CONNS=${CONNS:-8}
work=$(mktemp -d /tmp/cgiinetd-bench.XXXXXX)
chmod 755 "$work"
# a copy: a rebuild while the bench runs must not change what it measures
top=$work/build
mkdir "$top"
cp "$here/../cgiinetd" "$top/cgiinetd"
[ -z "${BASE:-}" ] || cp "$BASE" "$top/cgiinetd-base"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# valgrind.bin, not the wrapper script: it would add variables to the
# environment (VALGRIND_LIB tells the one bench/deps unpacked where it is)
vg=$here/valgrind/usr/bin/valgrind.bin
if [ -x "$vg" ]; then
	export VALGRIND_LIB=$here/valgrind/usr/libexec/valgrind
else
	vg=$(command -v valgrind.bin || command -v valgrind) ||
		{ echo "bench: no valgrind (bench/deps installs one)" >&2; exit 1; }
fi

# The document root: a 1 KiB page, a 64 MiB file, a directory of 1,000
# files, two trivial CGIs and one that writes 64 MiB.
www=$work/www
mkdir -p "$www/cgi-bin" "$www/list"
head -c 1024 /dev/zero | tr '\0' x >"$www/small.html"
head -c $((64 << 20)) /dev/zero >"$www/big.bin"
(cd "$www/list" && seq -f 'entry-%04g.txt' 1 1000 | xargs touch)
cc_static=$(command -v musl-gcc || echo cc)
$cc_static -O2 -static -o "$work/floor" "$here/floor.c"
$cc_static -O2 -static -o "$work/reaper" "$here/reaper.c"
$cc_static -O2 -static -o "$www/cgi-bin/hello-c" "$here/cgi-floor.c"
$cc_static -O2 -static -o "$www/cgi-bin/big-c" "$here/cgi-big.c"
head -c $((64 << 20)) /dev/zero | tr '\0' x >"$work/big-c.out"	# its body, for the check
# lighttpd -1 (inetd mode, one request on stdin): a peer, mod_cgi for CGI
cat >"$work/lighttpd.conf" <<LT
server.document-root = "$www"
server.modules = ( "mod_cgi", "mod_dirlisting" )
server.errorlog = "/dev/null"
dir-listing.activate = "enable"
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ( "" => "" ) }
mimetype.assign = ( ".html" => "text/html", "" => "application/octet-stream" )
LT
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\nContent-Length: 6\\r\\n\\r\\nhello\\n"\n' >"$www/cgi-bin/hello.sh"
printf '#!/bin/sh\nprintf "HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: 6\\r\\n\\r\\nhello\\n"\n' >"$work/hello-raw.sh"
chmod 755 "$www/cgi-bin/hello.sh" "$work/hello-raw.sh"

# Run as root, the superserver runs every server as nobody (as xinetd's
# user = nobody or systemd's User= would): no server pays a privilege drop,
# none runs as root. Two more rows start cgiinetd as root, dropping to
# nobody itself (the shipped xinetd entry and units): by name, looked up at
# every request, and as -u UID:GID.
as_user=
[ "$(id -u)" != 0 ] || as_user="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"

# workload | server | command | path | expected body (file)
# (a server named ...-as-root... is started as root)
printf 'hello\n' >"$work/hello.txt"
servers=(
	"small|floor|$work/floor $www/small.html|/small.html|$www/small.html"
	"small|cgiinetd|$top/cgiinetd -l none -d $www|/small.html|$www/small.html"
)
[ -z "$as_user" ] || servers+=(
	"small|cgiinetd-as-root|$top/cgiinetd -l none -d $www|/small.html|$www/small.html"
	"small|cgiinetd-as-root-ids|$top/cgiinetd -l none -u $(id -u nobody):$(id -g nobody) -d $www|/small.html|$www/small.html"
)
servers+=(
	"small|micro_httpd|/usr/sbin/micro-httpd $www|/small.html|$www/small.html"
	"small|busybox|/usr/bin/busybox httpd -i -h $www|/small.html|$www/small.html"
	"small|python|/usr/bin/python3 $here/pyhandler.py $www|/small.html|$www/small.html"
	"small|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/small.html|$www/small.html"
	"cgi-c|floor|$www/cgi-bin/hello-c raw|/|$work/hello.txt"
	"cgi-c|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|busybox|/usr/bin/busybox httpd -i -h $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-sh|floor|/bin/sh $work/hello-raw.sh|/|$work/hello.txt"
	"cgi-sh|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|busybox|/usr/bin/busybox httpd -i -h $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-64m|floor|$www/cgi-bin/big-c raw|/|$work/big-c.out"
	"cgi-64m|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/big-c|$work/big-c.out"
	"cgi-64m|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/big-c|$work/big-c.out"
	"cgi-64m|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/cgi-bin/big-c|$work/big-c.out"
	"list-1000|floor|$work/floor $work/list-cgiinetd.html|/|LIST"
	"list-1000|cgiinetd|$top/cgiinetd -l none -d $www|/list/|LIST"
	"list-1000|micro_httpd|/usr/sbin/micro-httpd $www|/list/|LIST"
	"list-1000|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/list/|LIST"
	"list-1000|python|/usr/bin/python3 $here/pyhandler.py $www|/list/|LIST"
	"big|floor|$work/floor $www/big.bin|/big.bin|$www/big.bin"
	"big|cgiinetd|$top/cgiinetd -l none -d $www|/big.bin|$www/big.bin"
	"big|micro_httpd|/usr/sbin/micro-httpd $www|/big.bin|$www/big.bin"
	"big|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/big.bin|$www/big.bin"
)

[ -z "${BASE:-}" ] || servers+=(
	"cgi-c|cgiinetd-base|$top/cgiinetd-base -l none -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|cgiinetd-base-P|$top/cgiinetd-base -l none -P -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-sh|cgiinetd-base|$top/cgiinetd-base -l none -d $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|cgiinetd-base-P|$top/cgiinetd-base -l none -P -d $www|/cgi-bin/hello.sh|$work/hello.txt"
)

start() {	# start CMD on a free port, time it; sets port, spid
	local i who=$as_user
	[[ "$name" != *-as-root* ]] || who=
	for i in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 12000))	# below the ephemeral ports
		# emptied before the start, not by it: the last server's
		# "Listening" must not be read as this one's
		: >"$work/sa.log"
		# the reaper: what a server's children leave running is counted too
		/usr/bin/time -f '%U %S' -o "$work/time" $who "$work/reaper" \
			systemd-socket-activate --accept --inetd -l "127.0.0.1:$port" $1 2>>"$work/sa.log" &
		spid=$!
		pids+=("$spid")
		while kill -0 "$spid" 2>/dev/null && ! grep -q Listening "$work/sa.log"; do sleep 0.02; done
		grep -q Listening "$work/sa.log" && return 0
	done
	echo "bench: cannot start $1" >&2
	exit 1
}

stop() {	# sets cpu: the superserver's and its children's user+sys seconds
	pkill -TERM -P "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	cpu=$(awk '/^[0-9.]+ [0-9.]+$/ {print $1 + $2}' "$work/time")
}

# the listing's floor: sending cgiinetd's own page for it as a file
printf 'GET /list/ HTTP/1.0\r\n\r\n' | "$top/cgiinetd" -l none -d "$www" |
	sed '1,/^\r$/d' >"$work/list-cgiinetd.html"

: >"$work/results"
for round in $(seq 1 "$ROUNDS"); do
	for s in "${servers[@]}"; do
		IFS='|' read -r load name cmd path want <<<"$s"
		start "$cmd"
		# every answer is checked before it is timed
		curl -sS -o "$work/body" "http://127.0.0.1:$port$path"
		if [ "$want" = LIST ]; then	# a listing: every entry, in its own markup
			[ "$(grep -o 'entry-[0-9]*\.txt' "$work/body" | sort -u | wc -l)" -eq 1000 ]
		else
			cmp -s "$work/body" "$want"
		fi || { echo "bench: $name ($load) answered wrongly" >&2; exit 1; }
		# one request a connection, as the model is: no keep-alive (lighttpd
		# would otherwise answer many on one)
		wrk -t 2 -c "$CONNS" -d "${SECS}s" -H "Connection: close" "http://127.0.0.1:$port$path" >"$work/wrk"
		reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk")
		errs=$(sed -n 's/.*Socket errors: \(.*\)/\1/p; s/.*Non-2xx or 3xx responses: \(.*\)/non2xx \1/p' "$work/wrk" | tr '\n' ' ')
		stop
		echo "$round $load $name $reqs $cpu ${errs:-}" >>"$work/results"
	done
done

# peak RSS and instructions of one small request, pipe mode
printf 'GET /small.html HTTP/1.0\r\n\r\n' >"$work/req"
rss() { $as_user /usr/bin/time -f %M "$@" <"$work/req" 2>&1 >/dev/null | tail -n 1; }

# instructions: each server in an empty environment, as nobody when the
# bench runs as root (cgiinetd then does what an ordinary user's does), its
# answer checked; and cgiinetd started as root, dropping to nobody itself.
mkdir -m 777 "$work/cg"
instructions() {	# instructions NAME [--as-root] CMD...
	local out=$work/cg/$1 who=$as_user
	shift
	[ "$1" != --as-root ] || { who=; shift; }
	install -m 666 /dev/null "$out"	# nobody writes it at the end
	$who env -i ${VALGRIND_LIB:+VALGRIND_LIB=$VALGRIND_LIB} "$vg" --tool=callgrind --callgrind-out-file="$out" "$@" \
		<"$work/req" >"$work/answer" 2>"$work/vg.log"
	tail -c 1024 "$work/answer" | cmp -s - "$www/small.html" ||
		{ echo "bench: $* answered wrongly in pipe mode" >&2; exit 1; }
	sed -n 's/^totals: //p' "$out"
}

python3 - "$work/results" "$SECS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
secs = float(sys.argv[2])
data = {}
for r in rows:
    rnd, load, name, reqs, cpu = r[0], r[1], r[2], int(r[3]), float(r[4])
    data.setdefault((load, name), {})[rnd] = (reqs / secs, cpu / max(reqs, 1) * 1e6, reqs)
def fmt(x):
    return "%.2f" % x
print("| work | server | req/s (median) | ratio to floor | CPU us/request (median) | ratio to floor |")
print("|---|---|---|---|---|---|")
for (load, name), rounds in data.items():
    floor = data[(load, "floor")]
    rps = [v[0] for v in rounds.values()]
    cpu = [v[1] for v in rounds.values()]
    r_rps = [rounds[k][0] / floor[k][0] for k in rounds]
    r_cpu = [rounds[k][1] / floor[k][1] for k in rounds]
    if load in ("big", "cgi-64m"):
        rps = [x * 64 for x in rps]   # MiB/s
    print("| %s | %s | %.0f%s | %s (%s-%s) | %.0f | %s (%s-%s) |" % (
        load, name, statistics.median(rps), " MiB/s" if load in ("big", "cgi-64m") else "",
        fmt(statistics.median(r_rps)), fmt(min(r_rps)), fmt(max(r_rps)),
        statistics.median(cpu), fmt(statistics.median(r_cpu)), fmt(min(r_cpu)), fmt(max(r_cpu))))
errs = [r for r in rows if len(r) > 5]
for r in errs:
    print("errors: round %s %s %s: %s" % (r[0], r[1], r[2], " ".join(r[5:])))
PY
echo
echo "| server | peak RSS of one small request (pipe mode) |"
echo "|---|---|"
echo "| floor | $(rss "$work/floor" "$www/small.html") KiB |"
echo "| cgiinetd | $(rss "$top/cgiinetd" -l none -d "$www") KiB |"
[ -z "$as_user" ] || echo "| cgiinetd-as-root | $(as_user= rss "$top/cgiinetd" -l none -d "$www") KiB |"
echo "| micro_httpd | $(rss /usr/sbin/micro-httpd "$www") KiB |"
echo "| busybox | $(rss /usr/bin/busybox httpd -i -h "$www") KiB |"
echo "| python | $(rss /usr/bin/python3 "$here/pyhandler.py" "$www") KiB |"

echo
echo "| server | user-space instructions, one small request (pipe mode) | ratio to floor |"
echo "|---|---|---|"
floor=$(instructions floor "$work/floor" "$www/small.html")
row() {	# row NAME ARGS...
	local n
	n=$(instructions "$@")
	echo "| $1 | $n | $(awk -v n="$n" -v f="$floor" 'BEGIN { printf "%.2f", n / f }') |"
}
echo "| floor | $floor | 1.00 |"
row cgiinetd "$top/cgiinetd" -l none -d "$www"
if [ -n "$as_user" ]; then
	row "cgiinetd-as-root" --as-root "$top/cgiinetd" -l none -d "$www"
	row "cgiinetd-as-root-ids" --as-root "$top/cgiinetd" -l none -u "$(id -u nobody):$(id -g nobody)" -d "$www"
fi
row micro_httpd /usr/sbin/micro-httpd "$www"
row busybox /usr/bin/busybox httpd -i -h "$www"
