# Shared by the *.bats files: run cgiinetd on a canned request, compare the
# response, start it under a real superserver.

CGIINETD=${CGIINETD:-$BATS_TEST_DIRNAME/../cgiinetd}
WWW=$BATS_TEST_DIRNAME/www
CASES=$BATS_TEST_DIRNAME/cases
# Sanitizer reports fail the run: they go to stderr, which must stay empty.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# cgiinetd in a known environment: nothing of the test runner's leaks in.
cgiinetd() {
	env -i PATH=/usr/bin:/bin ASAN_OPTIONS="$ASAN_OPTIONS" \
		UBSAN_OPTIONS="$UBSAN_OPTIONS" "$CGIINETD" "$@"
}

# Date, Server, Last-Modified and ETag (inode, mtime) vary from run to run.
normalise() {
	sed -e 's/^Date: .*\r$/Date: DATE\r/' \
	    -e 's/^Server: cgiinetd\/[^\r]*\r$/Server: SERVER\r/' \
	    -e 's/^Last-Modified: .*\r$/Last-Modified: DATE\r/' \
	    -e 's/^ETag: "[0-9a-f-]*"\r$/ETag: ETAG\r/'
}

# transcript NAME EXIT [OPTION...]: the answer to cases/NAME.in equals
# cases/NAME.out, with the exit status EXIT and nothing on stderr, both with
# stdin a regular file (read, then seek back) and a pipe (read byte-wise).
# CGIINETD_UPDATE=1 writes NAME.out instead: review every such file.
# TRANSCRIPT_ROOT, if set, is the document root instead of www/.
transcript() {
	local name=$1 want=$2 mode got www=${TRANSCRIPT_ROOT:-$WWW}
	shift 2
	for mode in file pipe; do
		got=0
		if [ "$mode" = file ]; then
			cgiinetd -l none -d "$www" "$@" <"$CASES/$name.in" \
				>"$BATS_TEST_TMPDIR/raw" 2>"$BATS_TEST_TMPDIR/err" || got=$?
		else
			cat "$CASES/$name.in" | cgiinetd -l none -d "$www" "$@" \
				>"$BATS_TEST_TMPDIR/raw" 2>"$BATS_TEST_TMPDIR/err" || got=$?
		fi
		normalise <"$BATS_TEST_TMPDIR/raw" >"$BATS_TEST_TMPDIR/out"
		if [ -n "${CGIINETD_UPDATE:-}" ]; then
			cp "$BATS_TEST_TMPDIR/out" "$CASES/$name.out"
		fi
		if ! cmp -s "$CASES/$name.out" "$BATS_TEST_TMPDIR/out"; then
			echo "response differs ($mode): expected vs got"
			diff <(cat -A "$CASES/$name.out") <(cat -A "$BATS_TEST_TMPDIR/out") || true
			return 1
		fi
		if [ "$got" != "$want" ]; then
			echo "exit status $got, expected $want ($mode)"
			return 1
		fi
		if [ -s "$BATS_TEST_TMPDIR/err" ]; then
			echo "stderr was not empty ($mode):"
			cat "$BATS_TEST_TMPDIR/err"
			return 1
		fi
	done
}

# request 'RAW REQUEST' [OPTION...]: run one request, backslash escapes
# (\r, \n, \xHH) expanded and % left alone;
# sets $output (normalised response), $status, and $stderr.
request() {
	local raw=$1
	shift
	status=0
	printf '%b' "$raw" | cgiinetd -l none -d "$WWW" "$@" >"$BATS_TEST_TMPDIR/raw" \
		2>"$BATS_TEST_TMPDIR/err" || status=$?
	output=$(normalise <"$BATS_TEST_TMPDIR/raw" | tr -d '\r')
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
}

# The status line of the last request().
status_line() {
	printf '%s\n' "$output" | head -n 1
}

# A copy of the fixture document root that a test may change; readable by
# nobody, since a root run drops to it.
scratch_root() {
	local d=$BATS_TEST_TMPDIR/www
	cp -a "$WWW" "$d"
	chmod 755 "$BATS_TEST_TMPDIR" "$d"
	echo "$d"
}

# A TCP port for a test server: below the kernel's range of ephemeral
# ports, so that no client's connection (or its TIME_WAIT) holds it, and
# with nothing on it now.
random_port() {
	local low p
	low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$((20000 + RANDOM % (low - 20000)))
		[ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ] && break
	done
	echo "$p"
}

# serve [--no-inetd] [OPTION...]: cgiinetd under systemd-socket-activate on
# a free loopback port; sets $PORT and $SERVER_PID. If the first word is a
# path, it is the command to run instead of cgiinetd.
serve() {
	local inetd=--inetd log=$BATS_TEST_TMPDIR/sa.log i
	if [ "${1:-}" = --no-inetd ]; then
		inetd=
		shift
	fi
	case "${1:-}" in
	/*) ;;
	*) set -- "$CGIINETD" "$@" ;;
	esac
	for i in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(random_port)
		: >"$log"
		systemd-socket-activate --accept $inetd -l "127.0.0.1:$PORT" \
			-E ASAN_OPTIONS="$ASAN_OPTIONS" -E UBSAN_OPTIONS="$UBSAN_OPTIONS" \
			"$@" 2>"$log" &
		SERVER_PID=$!
		while kill -0 "$SERVER_PID" 2>/dev/null && ! grep -q 'Listening on' "$log"; do
			sleep 0.02
		done
		if grep -q 'Listening on' "$log"; then
			return 0
		fi
		wait "$SERVER_PID" || true
	done
	echo "could not start systemd-socket-activate: $(cat "$log")"
	return 1
}

# Stop the superserver and wait until no cgiinetd child is left.
serve_stop() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}

# gone PATTERN [TENTHS]: no process matches PATTERN (pgrep -f), waiting up
# to TENTHS tenths of a second (default 50) for the last ones to end.
gone() {
	local i=0
	while pgrep -f "$1" >/dev/null && [ $i -lt "${2:-50}" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	! pgrep -f "$1"
}

# logged FILE REGEX: a line of FILE matches REGEX (grep's), waiting up to
# 5 s for it: the access line is written after the answer, which the
# client may have whole before it.
logged() {
	local i=0
	until grep -q -- "$2" "$1" 2>/dev/null || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q -- "$2" "$1"
}

# descendants PID: every process under PID (children, theirs, ...).
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# cgiinetd_under PID: the cgiinetd processes under PID (a launcher's).
cgiinetd_under() {
	local p
	for p in $(descendants "$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" != cgiinetd ] || echo "$p"
	done
}

# gone_under PID [TENTHS]: no cgiinetd under PID, waiting up to TENTHS
# tenths of a second (default 50) for the last ones to end.
gone_under() {
	local i=0
	while [ -n "$(cgiinetd_under "$1")" ] && [ $i -lt "${2:-50}" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$(cgiinetd_under "$1")" ]
}

running_as_root() {
	[ "$(id -u)" = 0 ]
}

# haproxy_run CFG PORT: HAProxy with the config file CFG, until it listens
# on 127.0.0.1:PORT (bash's /dev/tcp connects without sending anything);
# sets $HAPROXY_PID. Its log is haproxy.log in the test's directory.
haproxy_run() {
	local i
	haproxy -db -f "$1" >"$BATS_TEST_TMPDIR/haproxy.log" 2>&1 &
	HAPROXY_PID=$!
	for i in $(seq 1 200); do
		kill -0 "$HAPROXY_PID" 2>/dev/null || break
		(exec 7<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "haproxy did not start: $(cat "$BATS_TEST_TMPDIR/haproxy.log")"
	kill "$HAPROXY_PID" 2>/dev/null || true
	wait "$HAPROXY_PID" 2>/dev/null || true
	return 1
}

# once_only: a test that only waits on the clock or a race runs in the
# plain build's pass; the sanitizer build's pass skips it (CI's time).
once_only() {
	case $CGIINETD in
	*/san/*) skip "timing only: run once, in the plain build's pass" ;;
	esac
}

# xinetd_start LOG ROOT [ARG...]: the shipped xinetd entry under xinetd,
# pointed at this build, $PORT and ROOT, with --log LOG and ARGs; waits
# until it answers (on /hello.txt, or anything). Sets $LAUNCHER_PID.
xinetd_start() {
	local conf=$BATS_TEST_TMPDIR/xinetd.conf log=$1 root=$2 i=0
	shift 2
	sed -e "s|^\(\s*port\s*=\).*|\1 $PORT\n\tbind = 127.0.0.1|" \
	    -e "s|^\(\s*server\s*=\).*|\1 $CGIINETD|" \
	    -e "s|--log syslog --directory /srv/www|--log $log --directory $root $*|" \
	    "$BATS_TEST_DIRNAME/../xinetd.d/cgiinetd" >"$conf"
	# an ordinary user can only name itself, and keeps its own log
	running_as_root || sed -i "s|^\(\s*user\s*=\).*|\1 $(id -un)|" "$conf"
	xinetd -dontfork -filelog "$BATS_TEST_TMPDIR/xinetd.log" -f "$conf" \
		-pidfile "$BATS_TEST_TMPDIR/xinetd.pid" 2>>"$BATS_TEST_TMPDIR/xinetd.log" &
	LAUNCHER_PID=$!
	until curl -s -o /dev/null "http://127.0.0.1:$PORT/" || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# stalled_pipe REQUEST OPTION...: cgiinetd with REQUEST on stdin and, as
# fd 1, a pipe that takes nothing (its read end held open, never read);
# sets $status (124: still blocked after 20 s) and $took (seconds).
stalled_pipe() {
	local req=$1 start fifo=$BATS_TEST_TMPDIR/stalled hold
	shift
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {hold}<>"$fifo"
	start=$SECONDS
	status=0
	printf "$req" | timeout 20 env -i PATH=/usr/bin:/bin \
		ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		"$CGIINETD" "$@" >"$fifo" || status=$?
	took=$((SECONDS - start))
	exec {hold}<&-
}
