#!/usr/bin/env bats
# The supervised script, over real connections: an answer is never lost to
# a reset (the body a script left unread is drained after it), nothing it
# started outlives it, and the log says how it ended.

load helpers

teardown() {
	serve_stop
	[ -z "${HAPROXY_PID:-}" ] || kill "$HAPROXY_PID" 2>/dev/null || true
	pkill -9 -f 'sleep (3141|2718)[0-9]' 2>/dev/null || true
}

url() {
	printf 'http://127.0.0.1:%s%s' "$PORT" "$1"
}

body() {	# body BYTES: a file of that many bytes
	head -c "$1" /dev/zero | tr '\0' b >"$BATS_TEST_TMPDIR/body"
}

@test "supervise: curl gets the whole answer of a script that ignores its body, every size and mode" {
	local opt size got
	for opt in "" -P; do
		serve -l none -d "$WWW" $opt
		for size in 1 65536 1048576 10485760; do
			body "$size"
			for s in ignore.sh nph-ignore.sh; do
				got=$(curl -sS -H 'Expect:' --data-binary @"$BATS_TEST_TMPDIR/body" \
					"$(url /cgi-bin/$s?300000)" | wc -c) ||
					{ echo "curl failed: $opt $s $size"; return 1; }
				[ "$got" -eq 300000 ] || { echo "$opt $s $size: $got bytes"; return 1; }
			done
		done
		serve_stop
	done
}

@test "supervise: wget posts once and gets the answer" {
	serve -l "$BATS_TEST_TMPDIR/access.log" -d "$WWW" -P
	body 1048576
	run wget -q -O "$BATS_TEST_TMPDIR/got" --post-file="$BATS_TEST_TMPDIR/body" \
		"$(url /cgi-bin/ignore.sh?70000)"
	[ "$status" -eq 0 ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/got")" -eq 70000 ]
	[ "$(grep -c '"POST /cgi-bin/ignore.sh?70000 HTTP/1.1" 200 70000 ' "$BATS_TEST_TMPDIR/access.log")" -eq 1 ]
}

@test "supervise: Python http.client and urllib get the answer" {
	serve -l none -d "$WWW"
	run python3 - "$PORT" <<'PY'
import http.client, sys, urllib.request
port = int(sys.argv[1])
for size in (1, 65536, 1 << 20, 10 << 20):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/cgi-bin/ignore.sh?50000", body=b"b" * size)
    r = c.getresponse()
    assert (r.status, len(r.read())) == (200, 50000), size
    r = urllib.request.urlopen("http://127.0.0.1:%d/cgi-bin/nph-ignore.sh?50000" % port,
                               data=b"b" * size, timeout=30)
    assert (r.status, len(r.read())) == (200, 50000), size
print("ok")
PY
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "supervise: headless Chromium posts a 1 MiB form to a script that never reads it, every mode" {
	[ -x /usr/bin/chromium ] || skip "no chromium"
	local opt s
	for opt in "" -P; do
		serve -l none -d "$WWW" $opt
		for s in ignore.sh nph-ignore.sh; do
			run timeout 120 /usr/bin/python3 "$BATS_TEST_DIRNAME/browser-post.py" \
				"http://127.0.0.1:$PORT" "$BATS_TEST_TMPDIR" 1048576 "$s"
			[ "$status" -eq 0 ] || { echo "$opt $s: $output"; return 1; }
		done
		serve_stop
	done
}

@test "supervise: behind HAProxy (http mode) 1 MiB from a script that ignores a POST arrives whole" {
	command -v haproxy >/dev/null || skip "no haproxy"
	local cfg=$BATS_TEST_TMPDIR/haproxy.cfg front i
	serve -l none -d "$WWW" -P
	front=$(random_port)
	printf 'defaults\n\tmode http\n\ttimeout connect 5s\n\ttimeout client 30s\n\ttimeout server 30s\nfrontend f\n\tbind 127.0.0.1:%s\n\tdefault_backend b\nbackend b\n\tserver s 127.0.0.1:%s\n' \
		"$front" "$PORT" >"$cfg"
	haproxy_run "$cfg" "$front"
	body 65536
	for i in 1 2 3; do
		curl -sS -H 'Expect:' --data-binary @"$BATS_TEST_TMPDIR/body" -o "$BATS_TEST_TMPDIR/got" \
			"http://127.0.0.1:$front/cgi-bin/ignore.sh?1048576"
		[ "$(wc -c <"$BATS_TEST_TMPDIR/got")" -eq 1048576 ]
	done
}

@test "supervise: our own errors after a 1 MiB body reach a client with 128 KiB buffers" {
	serve -l none -d "$WWW" --max-body 1000
	local want target
	for want in "501 |/hello.txt|Content-Length: 1048576\r\n\r\n" \
		"404 |/cgi-bin/none|Content-Length: 1048576\r\n\r\n" \
		"413 |/cgi-bin/body.sh|Transfer-Encoding: chunked\r\n\r\n100000\r\n"; do
		IFS='|' read -r code target framing <<<"$want"
		run python3 "$BATS_TEST_DIRNAME/wire.py" "$PORT" \
			"POST $target HTTP/1.1\r\nHost: x\r\n$framing" 1048576 131072 '\r\n0\r\n\r\n'
		echo "$output"
		[ "${lines[0]%% secs=*}" = "sent=all end=fin" ]
		[[ "${lines[1]}" == "HTTP/1.0 $code"* ]]
	done
	# a head past the limit: 431, the rest of it (and a body) still coming
	run python3 "$BATS_TEST_DIRNAME/wire.py" "$PORT" \
		"POST /cgi-bin/body.sh HTTP/1.1\r\nX: $(head -c 70000 /dev/zero | tr '\0' a)\r\nContent-Length: 1048576\r\n\r\n" \
		1048576 131072
	echo "$output"
	[ "${lines[0]%% secs=*}" = "sent=all end=fin" ]
	[[ "${lines[1]}" == "HTTP/1.0 431 "* ]]
}

@test "supervise: a pipelined request or a CRLF after the body does not reset the answer" {
	serve -l none -d "$WWW"
	local tail
	for tail in '\r\n' 'GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n'; do
		run python3 "$BATS_TEST_DIRNAME/wire.py" "$PORT" \
			"POST /cgi-bin/ignore.sh?200000 HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n" \
			300000 131072 "$tail"
		echo "$output"
		[ "${lines[0]%% secs=*}" = "sent=all end=fin" ]
		[ "${lines[1]}" = "HTTP/1.0 200 Script output follows" ]
		[ "${lines[2]}" -eq 200000 ]
	done
}

@test "supervise: a client that will not stop sending is cut off after 30 s of lingering" {
	once_only
	serve -l none -d "$WWW" --max-body 1000
	run python3 "$BATS_TEST_DIRNAME/wire.py" "$PORT" \
		"POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n" 0 0 "" 90
	echo "$output"
	[[ "${lines[1]}" == "HTTP/1.0 413 "* ]]
	local secs=${lines[0]##*secs=}
	[ "${secs%.*}" -ge 29 ] && [ "${secs%.*}" -lt 40 ]
	gone "^$CGIINETD " 20
}

@test "supervise: --cgi-timeout ends the script, its group and what escaped it with setsid, in every mode" {
	local opt start
	for opt in "" -P; do
		serve -l "$BATS_TEST_TMPDIR/access.log" -d "$WWW" --cgi-timeout 2 $opt
		start=$SECONDS
		# the TERM at 2 s, ignored; the KILL 2 s later, the orphans' with it:
		# then the connection closes, and nothing of the request is left
		timeout 20 curl -sS -o /dev/null "$(url /cgi-bin/spawn.sh?3141-wait)" || true
		[ $((SECONDS - start)) -le 6 ] || { echo "closed after $((SECONDS - start)) s"; return 1; }
		gone 'sleep 3141[0-9]' 5 || { echo "left after $opt:"; pgrep -af 'sleep 3141'; return 1; }
		serve_stop
	done
	cat "$BATS_TEST_TMPDIR/access.log"
	# it ignored the TERM, the KILL ended it; its head and "started" had gone
	# out (direct: as written, 36 bytes; -P: relayed, the body's 8)
	grep -q '"GET /cgi-bin/spawn.sh?3141-wait HTTP/1.1" 200 36 .* signal=9 timeout$' \
		<(sed -n 1p "$BATS_TEST_TMPDIR/access.log")
	grep -q '"GET /cgi-bin/spawn.sh?3141-wait HTTP/1.1" 200 8 .* signal=9 timeout$' \
		<(sed -n 2p "$BATS_TEST_TMPDIR/access.log")
}

@test "supervise: what a script leaves running when it exits is ended with it" {
	local opt
	for opt in "" -P; do
		serve -l "$BATS_TEST_TMPDIR/access.log" -d "$WWW" $opt
		run timeout 10 curl -sS "$(url /cgi-bin/spawn.sh?2718)"
		[ "$status" -eq 0 ]
		[ "$output" = started ]
		gone 'sleep 2718[0-9]' 30 || { echo "left after $opt:"; pgrep -af 'sleep 2718'; return 1; }
		serve_stop
	done
	[ "$(grep -c ' exit=0$' "$BATS_TEST_TMPDIR/access.log")" -eq 2 ]
}

@test "supervise: a script's stderr is logged a line at a time, marked, and cannot touch the log" {
	local log=$BATS_TEST_TMPDIR/access.log
	serve -l "$log" -d "$WWW"
	curl -sS -o /dev/null "$(url /hello.txt)"
	curl -sS -o /dev/null "$(url /cgi-bin/stderr.sh?truncate)"
	curl -sS -o /dev/null "$(url /hello.txt)"
	cat "$log"
	[ "$(wc -l <"$log")" -eq 6 ]
	grep -q '"GET /hello.txt HTTP/1.1" 200 6 ' <(head -n 1 "$log")
	[ "$(sed -n 2p "$log")" = 'cgiinetd: 127.0.0.1 /cgi-bin/stderr.sh: stderr: first line' ]
	[ "$(sed -n 3p "$log")" = 'cgiinetd: 127.0.0.1 /cgi-bin/stderr.sh: stderr: second \"line\"' ]
	[ "$(sed -n 4p "$log")" = 'cgiinetd: 127.0.0.1 /cgi-bin/stderr.sh: stderr: no newline' ]
	grep -Eq '"GET /cgi-bin/stderr.sh\?truncate HTTP/1.1" 200 [0-9]+ "-" "curl/[^"]*" time=[0-9]+\.[0-9]{3} exit=0$' <(sed -n 5p "$log")
	grep -q '"GET /hello.txt HTTP/1.1" 200 6 ' <(sed -n 6p "$log")
}

@test "supervise: -P: after a 502 the script's own exit is logged, not a kill's" {
	local log=$BATS_TEST_TMPDIR/access.log
	serve -l "$log" -d "$WWW" -P
	run curl -sS -o /dev/null -w '%{http_code}' "$(url /cgi-bin/late502.sh)"
	[ "$output" = 502 ]
	sleep 2
	grep -Eq '"GET /cgi-bin/late502.sh HTTP/1.1" 502 [0-9]+ .* exit=9$' "$log"
}

@test "supervise: the bytes logged are the bytes the client had" {
	local log=$BATS_TEST_TMPDIR/access.log opt
	for opt in "" -P; do
		serve -l "$log" -d "$WWW" $opt
		curl -sS -o "$BATS_TEST_TMPDIR/got" "$(url /cgi-bin/ignore.sh?123456)"
		curl -sS -o "$BATS_TEST_TMPDIR/got2" "$(url /cgi-bin/nph-ignore.sh?4321)"
		serve_stop
	done
	cat "$log"
	# direct mode counts the script's head too: it is the body of our 200
	grep -Eq '"GET /cgi-bin/ignore.sh\?123456 HTTP/1.1" 200 123508 ' <(sed -n 1p "$log")
	grep -Eq '"GET /cgi-bin/nph-ignore.sh\?4321 HTTP/1.1" - 4388 ' <(sed -n 2p "$log")
	grep -Eq '"GET /cgi-bin/ignore.sh\?123456 HTTP/1.1" 200 123456 ' <(sed -n 3p "$log")
	grep -Eq '"GET /cgi-bin/nph-ignore.sh\?4321 HTTP/1.1" - 4388 ' <(sed -n 4p "$log")
}
