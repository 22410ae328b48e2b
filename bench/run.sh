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
ROUNDS=${ROUNDS:-3} SECS=${SECS:-2} CONNS=${CONNS:-8}
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
for n in 10000 100000; do
	mkdir "$www/list-$n"
	(cd "$www/list-$n" && seq -f 'entry-%06g.txt' 1 $n | xargs touch)
done
cc_static=$(command -v musl-gcc || echo cc)
$cc_static -O2 -static -o "$work/floor" "$here/floor.c"
$cc_static -O2 -static -o "$work/reaper" "$here/reaper.c"
$cc_static -O2 -static -o "$work/bare" "$here/bare.c"
$cc_static -O2 -static -o "$www/cgi-bin/hello-c" "$here/cgi-floor.c"
$cc_static -O2 -static -o "$www/cgi-bin/big-c" "$here/cgi-big.c"
$cc_static -O2 -static -o "$www/cgi-bin/sink-c" "$here/cgi-sink.c"
$cc_static -O2 -static -o "$work/post" "$here/post.c"
head -c $((64 << 20)) /dev/zero >"$work/big-c.out"	# its body, for the check
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
	"small|lighttpd-standalone|standalone|/small.html|$www/small.html"
	"cgi-c|floor|$www/cgi-bin/hello-c raw|/|$work/hello.txt"
	"cgi-c|bare-supervisor|$work/bare $www/cgi-bin/hello-c raw|/|$work/hello.txt"
	"cgi-c|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|busybox|/usr/bin/busybox httpd -i -h $www|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-c|lighttpd-standalone|standalone|/cgi-bin/hello-c|$work/hello.txt"
	"cgi-sh|floor|/bin/sh $work/hello-raw.sh|/|$work/hello.txt"
	"cgi-sh|bare-supervisor|$work/bare /bin/sh $work/hello-raw.sh|/|$work/hello.txt"
	"cgi-sh|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|busybox|/usr/bin/busybox httpd -i -h $www|/cgi-bin/hello.sh|$work/hello.txt"
	"cgi-sh|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/cgi-bin/hello.sh|$work/hello.txt"
	"list-1000|floor|$work/floor $work/list-cgiinetd.html|/|LIST1000"
	"list-1000|cgiinetd|$top/cgiinetd -l none -d $www|/list/|LIST1000"
	"list-1000|micro_httpd|/usr/sbin/micro-httpd $www|/list/|LIST1000"
	"list-1000|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/list/|LIST1000"
	"list-1000|python|/usr/bin/python3 $here/pyhandler.py $www|/list/|LIST1000"
	"list-10000|floor|$work/floor $work/list-10000.html|/|LIST10000"
	"list-10000|cgiinetd|$top/cgiinetd -l none -d $www|/list-10000/|LIST10000"
	"list-10000|micro_httpd|/usr/sbin/micro-httpd $www|/list-10000/|LIST10000"
	"list-10000|lighttpd|/usr/sbin/lighttpd -1 -f $work/lighttpd.conf|/list-10000/|LIST10000"
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

# The ceiling, not a peer: lighttpd as one persistent process (no process
# a connection), listening itself; its CGI children are counted too.
start_standalone() {
	local who=$1 i
	sed "1i server.bind = \"127.0.0.1\"\nserver.port = $port" "$work/lighttpd.conf" >"$work/lighttpd-standalone.conf"
	/usr/bin/time -f '%U %S' -o "$work/time" $who "$work/reaper" \
		/usr/sbin/lighttpd -D -f "$work/lighttpd-standalone.conf" 2>>"$work/sa.log" &
	spid=$!
	pids+=("$spid")
	for i in $(seq 100); do
		kill -0 "$spid" 2>/dev/null || return 1
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.02
	done
	return 1
}

start() {	# start CMD on a free port, time it; sets port, spid
	local i who=$as_user
	[[ "$name" != *-as-root* ]] || who=
	for i in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 12000))	# below the ephemeral ports
		if [ "$1" = standalone ]; then
			start_standalone "$who" && return 0
			continue
		fi
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
for n in 10000 100000; do
	printf 'GET /list-%s/ HTTP/1.0\r\n\r\n' $n | "$top/cgiinetd" -l none -d "$www" |
		sed '1,/^\r$/d' >"$work/list-$n.html"
done

# The heavy rows: HEAVY requests one after another (wrk's timed window
# would end inside a request of seconds), their time summed; 1 GiB a POST
# or an answer. A POST's client is bench/post (zeros from memory), the
# chunked one in CHUNK-byte chunks; the others' is curl.
HEAVY=${HEAVY:-3} CHUNK=${CHUNK:-16384}
gib=$((1 << 30))
lt="/usr/sbin/lighttpd -1 -f $work/lighttpd.conf"
heavy=(
	"list-100000|floor|$work/floor $work/list-100000.html|/|get|LIST100000"
	"list-100000|cgiinetd|$top/cgiinetd -l none -d $www|/list-100000/|get|LIST100000"
	"list-100000|micro_httpd|/usr/sbin/micro-httpd $www|/list-100000/|get|LIST100000"
	"list-100000|lighttpd|$lt|/list-100000/|get|LIST100000"
	"post-1g|floor|$www/cgi-bin/sink-c raw|/|cl|SINK"
	"post-1g|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/sink-c|cl|SINK"
	"post-1g|cgiinetd-chunked|$top/cgiinetd -l none -d $www|/cgi-bin/sink-c|chunked|SINK"
	"post-1g|lighttpd|$lt|/cgi-bin/sink-c|cl|SINK"
	"post-1g|lighttpd-chunked|$lt|/cgi-bin/sink-c|chunked|SINK"
	"cgi-1g|floor|$www/cgi-bin/big-c raw 1024|/|get|ZEROS"
	"cgi-1g|cgiinetd|$top/cgiinetd -l none -d $www|/cgi-bin/big-c?mib=1024|get|ZEROS"
	"cgi-1g|cgiinetd-P|$top/cgiinetd -l none -P -d $www|/cgi-bin/big-c?mib=1024|get|ZEROS"
	"cgi-1g|lighttpd|$lt|/cgi-bin/big-c?mib=1024|get|ZEROS"
)

check() {	# check WANT: the answer in $work/body is right
	case $1 in
	LIST*) [ "$(grep -o 'entry-[0-9]*\.txt' "$work/body" | sort -u | wc -l)" -eq "${1#LIST}" ] ;;
	SINK) [ "$(sed '1,/^\r$/d' "$work/body")" = "$gib" ] ;;
	ZEROS) [ "$(cat "$work/body")" = "$gib 0" ] ;;
	*) cmp -s "$work/body" "$1" ;;
	esac
}

fetch() {	# fetch CLIENT PATH: one request, its answer (or a digest) in $work/body
	case $1 in
	cl) "$work/post" "$port" "$2" "$gib" >"$work/body" ;;
	chunked) "$work/post" "$port" "$2" "$gib" "$CHUNK" >"$work/body" ;;
	get) if [ "$want" = ZEROS ]; then	# 1 GiB: compared, not kept
		if curl -sS "http://127.0.0.1:$port$2" | cmp -s - <(head -c "$gib" /dev/zero)
		then echo "$gib 0"; else echo wrong; fi >"$work/body"
	     else
		curl -sS -o "$work/body" "http://127.0.0.1:$port$2"
	     fi ;;
	esac
}

timed() {	# timed CLIENT PATH: nreq requests; sets secs, their wall time
	local t0 t1 i
	if [ "$1" = get ]; then
		secs=$(for i in $(seq "$nreq"); do echo "-o /dev/null http://127.0.0.1:$port$2"; done |
			xargs curl -sS -H 'Connection: close' -w '%{time_total}\n' | awk '{ s += $1 } END { print s }')
		return
	fi
	t0=$(date +%s%N)
	for i in $(seq "$nreq"); do
		"$work/post" "$port" "$2" "$gib" $([ "$1" = cl ] || echo "$CHUNK") >/dev/null
	done
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')
}

: >"$work/results"
: >"$work/c256"
for round in $(seq 1 "$ROUNDS"); do
	for s in "${servers[@]}"; do
		IFS='|' read -r load name cmd path want <<<"$s"
		start "$cmd"
		# every answer is checked before it is timed
		curl -sS -o "$work/body" "http://127.0.0.1:$port$path"
		check "$want" || { echo "bench: $name ($load) answered wrongly" >&2; exit 1; }
		# one request a connection, as the model is: no keep-alive (lighttpd
		# would otherwise answer many on one)
		wrk -t 2 -c "$CONNS" -d "${SECS}s" -H "Connection: close" "http://127.0.0.1:$port$path" >"$work/wrk"
		reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk")
		errs=$(sed -n 's/.*Socket errors: \(.*\)/\1/p; s/.*Non-2xx or 3xx responses: \(.*\)/non2xx \1/p' "$work/wrk" | tr '\n' ' ')
		stop
		echo "$round $load $name $reqs $SECS $cpu ${errs:-}" >>"$work/results"
	done
	for s in "${heavy[@]}"; do
		IFS='|' read -r load name cmd path client want <<<"$s"
		start "$cmd"
		fetch "$client" "$path"
		check "$want" || { echo "bench: $name ($load) answered wrongly" >&2; exit 1; }
		stop
		# a listing 4 times as many: rusage counts in 10 ms steps
		nreq=$HEAVY
		[[ "$load" != list-* ]] || nreq=$((HEAVY * 4))
		start "$cmd"	# the check's CPU is not counted
		timed "$client" "$path"
		stop
		echo "$round $load $name $nreq $secs $cpu" >>"$work/results"
	done
	# 256 connections at once on the small file: errors, latency, req/s
	for s in "floor|$work/floor $www/small.html" "cgiinetd|$top/cgiinetd -l none -d $www"; do
		IFS='|' read -r name cmd <<<"$s"
		start "$cmd"
		wrk -t 2 -c 256 -d "${SECS}s" --latency -H "Connection: close" "http://127.0.0.1:$port/small.html" >"$work/wrk"
		stop
		awk -v r="$round" -v n="$name" '
			/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /^Requests\/sec/ { rps = $2 }
			/Socket errors/ { err = $0 } /Non-2xx/ { err = err " " $0 }
			END { printf "%s %s %s %s %s %s\n", r, n, rps, p50, p99, err == "" ? "0" : err }' "$work/wrk" >>"$work/c256"
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

[ -z "${RAW:-}" ] || cat "$work/results" "$work/c256" >"$RAW"
python3 - "$work/results" "$work/c256" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def div(a, b):
    return a / b if b else float("nan")
# MB (10^6 bytes) a request, for the rows shown as throughput
mb = {"big": 64 * 2**20 / 1e6, "cgi-1g": 2**30 / 1e6, "post-1g": 2**30 / 1e6}
data = {}
for r in rows:
    rnd, load, name, reqs, secs, cpu = r[0], r[1], r[2], int(r[3]), float(r[4]), float(r[5])
    data.setdefault((load, name), {})[rnd] = (div(reqs, secs), cpu / max(reqs, 1) * 1e6)
def rng(v):
    return "%.2f (%.2f-%.2f)" % (statistics.median(v), min(v), max(v))
print("| work | server | req/s or MB/s (median) | ratio to floor | CPU/request (median) | ratio to floor |")
print("|---|---|---|---|---|---|")
for (load, name), rounds in data.items():
    floor = data[(load, "floor")]
    rps = statistics.median(v[0] for v in rounds.values())
    cpu = statistics.median(v[1] for v in rounds.values())
    r_rps = [div(rounds[k][0], floor[k][0]) for k in rounds]
    r_cpu = [div(rounds[k][1], floor[k][1]) for k in rounds]
    thr = "%.0f MB/s" % (rps * mb[load]) if load in mb else "%.1f" % rps
    c = "%.1f ms" % (cpu / 1000) if cpu >= 10000 else "%.0f us" % cpu
    print("| %s | %s | %s | %s | %s | %s |" % (load, name, thr, rng(r_rps), c, rng(r_cpu)))
print()
print("| pair, same rounds | throughput ratio | CPU ratio |")
print("|---|---|---|")
for load, a, b in (("post-1g", "cgiinetd-chunked", "cgiinetd"), ("post-1g", "lighttpd-chunked", "lighttpd"),
                   ("cgi-1g", "cgiinetd-P", "cgiinetd")):
    x, y = data[(load, a)], data[(load, b)]
    print("| %s: %s / %s | %s | %s |" % (load, a, b, rng([div(x[k][0], y[k][0]) for k in x]),
                                        rng([div(x[k][1], y[k][1]) for k in x])))
errs = [r for r in rows if len(r) > 6]
for r in errs:
    print("errors: round %s %s %s: %s" % (r[0], r[1], r[2], " ".join(r[6:])))
print()
print("| wrk -c256, small file | req/s (median) | ratio to floor | p50 latency | p99 latency | errors |")
print("|---|---|---|---|---|---|")
c = {}
for l in open(sys.argv[2]):
    f = l.split(None, 5)
    c.setdefault(f[1], {})[f[0]] = (float(f[2]), f[3], f[4], f[5].strip())
for name, rounds in c.items():
    rr = [div(rounds[k][0], c["floor"][k][0]) for k in rounds]
    print("| %s | %.0f | %s | %s | %s | %s |" % (name, statistics.median(v[0] for v in rounds.values()), rng(rr),
          " ".join(v[1] for v in rounds.values()), " ".join(v[2] for v in rounds.values()),
          "; ".join(v[3] for v in rounds.values())))
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

# peak RSS of cgiinetd (and its script, the larger) for one heavy request,
# pipe mode: the chunked spool is a file, never the body in memory
rss_of() {	# rss_of REQUEST-COMMAND CGIINETD-ARGS...
	local gen=$1
	shift
	$gen | $as_user /usr/bin/time -f %M "$top/cgiinetd" -l none "$@" -d "$www" 2>&1 >/dev/null | tail -n 1
}
echo
echo "| cgiinetd, one request (pipe mode) | peak RSS |"
echo "|---|---|"
for n in 1000 10000 100000; do
	d=/list-$n/; [ $n != 1000 ] || d=/list/
	echo "| listing of $n entries | $(rss_of "printf GET\\x20$d\\x20HTTP/1.0\\r\\n\\r\\n") KiB |"
done
echo "| 1 GiB POST, Content-Length | $(rss_of "$work/post - /cgi-bin/sink-c $gib") KiB |"
echo "| 1 GiB POST, chunked | $(rss_of "$work/post - /cgi-bin/sink-c $gib $CHUNK") KiB |"
echo "| 1 GiB of script output | $(rss_of "printf GET\\x20/cgi-bin/big-c?mib=1024\\x20HTTP/1.0\\r\\n\\r\\n") KiB |"
echo "| 1 GiB of script output, -P | $(rss_of "printf GET\\x20/cgi-bin/big-c?mib=1024\\x20HTTP/1.0\\r\\n\\r\\n" -P) KiB |"

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
