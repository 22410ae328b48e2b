#!/usr/bin/env bats
# Scaling out: three back ends, each its own address (127.0.0.2-4) with
# cgiinetd under systemd-socket-activate, HAProxy in front in http mode
# with health checks, retries and redispatch, PROXY v2 to the back ends.
# One back end is stopped in the middle of a run of GETs and started again.

load helpers

BACKENDS=(127.0.0.2 127.0.0.3 127.0.0.4)

setup() {
	BPORT=$(random_port)
	FRONT=$(random_port)
}

teardown() {
	local p
	for p in "${SA_PIDS[@]:-}"; do [ -z "$p" ] || kill "$p" 2>/dev/null || true; done
	[ -z "${HAPROXY_PID:-}" ] || kill "$HAPROXY_PID" 2>/dev/null || true
}

# backend N: cgiinetd on BACKENDS[N]:$BPORT, its log in log.N
backend() {
	local n=$1 log=$BATS_TEST_TMPDIR/sa.$1
	: >"$log"
	systemd-socket-activate --accept --inetd -l "${BACKENDS[$n]}:$BPORT" \
		-E ASAN_OPTIONS="$ASAN_OPTIONS" -E UBSAN_OPTIONS="$UBSAN_OPTIONS" \
		"$CGIINETD" --proxy-protocol -l "$BATS_TEST_TMPDIR/log.$n" -d "$WWW" 2>"$log" &
	SA_PIDS[$n]=$!
	while ! grep -q 'Listening on' "$log"; do
		kill -0 "${SA_PIDS[$n]}" 2>/dev/null || { echo "backend $n: $(cat "$log")"; return 1; }
		sleep 0.02
	done
}

# front_start: HAProxy on $FRONT in front of the three
front_start() {
	local cfg=$BATS_TEST_TMPDIR/haproxy.cfg
	cat >"$cfg" <<CFG
defaults
	mode http
	timeout connect 2s
	timeout client 10s
	timeout server 10s
	retries 3
	option redispatch
frontend web
	bind 127.0.0.1:$FRONT
	default_backend cgiinetd
backend cgiinetd
	balance roundrobin
	option httpchk GET /hello.txt
	default-server check inter 200ms fall 1 rise 2 send-proxy-v2
	server h1 ${BACKENDS[0]}:$BPORT
	server h2 ${BACKENDS[1]}:$BPORT
	server h3 ${BACKENDS[2]}:$BPORT
CFG
	haproxy_run "$cfg" "$FRONT" || return 1
	sleep 1	# every server's first checks passed
}

@test "scale: 600 GETs through HAProxy to three back ends, one stopped and started mid-run: none fails" {
	once_only
	command -v haproxy >/dev/null || skip "no haproxy"
	local i n fails=0
	for n in 0 1 2; do backend "$n"; done
	front_start
	for i in $(seq 1 600); do
		[ "$i" -ne 200 ] || { kill "${SA_PIDS[1]}"; wait "${SA_PIDS[1]}" 2>/dev/null || true; }
		[ "$i" -ne 400 ] || backend 1
		[ "$i" -ne 400 ] || sleep 1	# two checks to rise again
		[ "$(curl -s --interface 127.0.0.5 -o /dev/null -w '%{http_code}' \
			"http://127.0.0.1:$FRONT/cgi-bin/env.sh")" = 200 ] ||
			fails=$((fails + 1))
	done
	[ "$fails" -eq 0 ] || { echo "$fails of 600 failed"; cat "$BATS_TEST_TMPDIR/haproxy.log"; return 1; }
	# every back end had its share, the one stopped too (before and after),
	# and each logged the client's address (127.0.0.5, from the PROXY
	# header: HAProxy itself connects from 127.0.0.1)
	for n in 0 1 2; do
		local got
		got=$(grep -c '^127\.0\.0\.5 - - .*"GET /cgi-bin/env.sh HTTP/1.1" 200 ' "$BATS_TEST_TMPDIR/log.$n")
		echo "h$((n + 1)): $got"
		[ "$got" -ge 100 ]
		! grep '"GET /cgi-bin/env.sh' "$BATS_TEST_TMPDIR/log.$n" | grep -v '^127\.0\.0\.5 '
	done
}

@test "scale: a POST in flight when its back end dies is a 502, not resent; the next goes elsewhere" {
	command -v haproxy >/dev/null || skip "no haproxy"
	local n
	for n in 0 1 2; do backend "$n"; done
	front_start
	curl -s -o "$BATS_TEST_TMPDIR/got" -w '%{http_code}' -d x=1 \
		"http://127.0.0.1:$FRONT/cgi-bin/slow.sh" >"$BATS_TEST_TMPDIR/code" &
	local client=$! i=0
	until pgrep -f '/bin/sh ./slow.sh' >/dev/null || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	# the host running it dies: cgiinetd and the script with it
	pkill -9 -f "^$CGIINETD --proxy-protocol|/bin/sh ./slow.sh"
	wait "$client" || true
	[ "$(cat "$BATS_TEST_TMPDIR/code")" = 502 ] || { echo "got $(cat "$BATS_TEST_TMPDIR/code")"; return 1; }
	[ "$(cat "$BATS_TEST_TMPDIR/log."{0,1,2} | grep -c 'POST /cgi-bin/slow.sh')" -eq 0 ]
	[ "$(curl -s -w '%{http_code}' -o /dev/null "http://127.0.0.1:$FRONT/hello.txt")" = 200 ]
}
