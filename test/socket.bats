#!/usr/bin/env bats
# What needs a real connection: cgiinetd under systemd-socket-activate
# (--accept, one process per connection), driven by curl.

load helpers

teardown() {
	serve_stop
}

url() {
	printf 'http://127.0.0.1:%s%s' "$PORT" "$1"
}

@test "socket: a file over a real connection" {
	serve -l none -d "$WWW"
	run curl -sS -D "$BATS_TEST_TMPDIR/head" "$(url /hello.txt)"
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	grep -q '^HTTP/1.0 200 OK' "$BATS_TEST_TMPDIR/head"
	grep -q '^Content-Length: 6' "$BATS_TEST_TMPDIR/head"
	grep -q '^Connection: close' "$BATS_TEST_TMPDIR/head"
}

@test "socket: HEAD with curl -I gets the headers and no body" {
	serve -l none -d "$WWW"
	run curl -sS -I "$(url /hello.txt)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Content-Length: 6"* ]]
	[[ "$output" != *hello* ]]
}

@test "socket: curl follows the directory redirect to the listing" {
	serve -l none -d "$WWW"
	run curl -sS -L "$(url /list)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Directory listing for /list/"* ]]
}

@test "socket: the peer and local addresses reach the script" {
	serve -l none -d "$WWW"
	curl -sS -w '%{local_port}\n' "$(url /cgi-bin/env.sh)" >"$BATS_TEST_TMPDIR/out"
	local port
	port=$(tail -n 1 "$BATS_TEST_TMPDIR/out")
	grep -qx 'REMOTE_ADDR=127.0.0.1' "$BATS_TEST_TMPDIR/out"
	grep -qx "REMOTE_PORT=$port" "$BATS_TEST_TMPDIR/out"
	grep -qx "SERVER_PORT=$PORT" "$BATS_TEST_TMPDIR/out"
	grep -qx 'SERVER_NAME=127.0.0.1' "$BATS_TEST_TMPDIR/out"
}

@test "socket: the log names the peer" {
	serve -l "$BATS_TEST_TMPDIR/access.log" -d "$WWW"
	curl -sS -o /dev/null -A 'curl-test' "$(url /hello.txt)"
	logged "$BATS_TEST_TMPDIR/access.log" '^127\.0\.0\.1 - - \[.*\] "GET /hello.txt HTTP/1.1" 200 6 "-" "curl-test"$'
}

@test "socket: IPv6 peer shown without brackets" {
	ip -6 addr show dev lo 2>/dev/null | grep -q '::1' || skip "no IPv6 loopback"
	local log=$BATS_TEST_TMPDIR/sa6.log
	PORT=$(random_port)
	systemd-socket-activate --accept --inetd -l "[::1]:$PORT" "$CGIINETD" -l none -d "$WWW" 2>"$log" &
	SERVER_PID=$!
	while ! grep -q 'Listening on' "$log"; do sleep 0.02; done
	run curl -sS "http://[::1]:$PORT/cgi-bin/env.sh"
	[[ "$output" == *$'\nREMOTE_ADDR=::1\n'* ]]
	[[ "$output" == *$'\nSERVER_NAME=[::1]\n'* ]]
}

@test "socket: a 10 MiB POST body reaches the script intact" {
	serve -l none -d "$WWW"
	head -c $((10 * 1024 * 1024)) /dev/urandom >"$BATS_TEST_TMPDIR/body"
	run curl -sS -H 'Expect:' --data-binary @"$BATS_TEST_TMPDIR/body" "$(url /cgi-bin/body.sh)"
	[ "$status" -eq 0 ]
	[ "$output" = "md5 $(md5sum <"$BATS_TEST_TMPDIR/body" | cut -d' ' -f1)" ]
}

@test "socket: Expect: 100-continue is answered before the script reads the body" {
	serve -l none -d "$WWW"
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	curl -sS -v -H 'Expect: 100-continue' --data-binary @"$BATS_TEST_TMPDIR/body" \
		"$(url /cgi-bin/body.sh)" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/verbose"
	grep -q '^< HTTP/1.1 100 Continue' "$BATS_TEST_TMPDIR/verbose"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "md5 $(md5sum <"$BATS_TEST_TMPDIR/body" | cut -d' ' -f1)" ]
}

@test "socket: a silent client gets 408 within --timeout + 1 s, and no process is left" {
	serve -l none -d "$WWW" -t 1
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	run timeout 2 cat <&5
	exec 5<&-
	[[ "$output" == "HTTP/1.0 408 Request Timeout"* ]]
	sleep 0.2
	[ -z "$(pgrep -P "$SERVER_PID")" ]
}

@test "socket: a client sending the head byte by byte too slowly gets 408" {
	serve -l none -d "$WWW" -t 1
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	for c in G E T ' ' /; do printf '%s' "$c" >&5; sleep 0.3; done
	run timeout 2 cat <&5
	exec 5<&-
	[[ "$output" == "HTTP/1.0 408 Request Timeout"* ]]
}

@test "socket: LISTEN_FDS (no --inetd): the connection on fd 3 is used" {
	serve --no-inetd -l none -d "$WWW"
	run curl -sS "$(url /cgi-bin/env.sh)"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.1\n'* ]]
	[[ "$output" != *LISTEN_* ]]
}

@test "socket: when fd 2 is the connection, nothing is logged into the response" {
	serve /bin/sh -c 'exec 2>&1; exec "$0" "$@"' "$CGIINETD" -l stderr -d "$WWW"
	run curl -sS "$(url /hello.txt)"
	[ "$output" = hello ]
	run curl -sS "$(url /cgi-bin/env.sh)"
	[[ "$output" == *REQUEST_METHOD=GET* ]]
	[[ "$output" != *'"GET '* ]]
}

@test "socket: an unusable document root is a 500 page, not silence" {
	serve -l none -d /nonexistent/www
	run curl -sS -o /dev/null -w '%{http_code}' "$(url /hello.txt)"
	[ "$output" = 500 ]
}

@test "socket: curl chunked POSTs, with and without Expect, reach the script intact" {
	serve -l none -d "$WWW"
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	local want
	want="md5 $(md5sum <"$BATS_TEST_TMPDIR/body" | cut -d' ' -f1)"
	run curl -sS -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/body" "$(url /cgi-bin/body.sh)"
	[ "$output" = "$want" ]
	run curl -sS -H 'Transfer-Encoding: chunked' -H 'Expect:' --data-binary @"$BATS_TEST_TMPDIR/body" "$(url /cgi-bin/body.sh)"
	[ "$output" = "$want" ]
	run curl -sS --data-binary 'small' "$(url /cgi-bin/body.sh)"
	[ "$output" = "md5 $(printf small | md5sum | cut -d' ' -f1)" ]
}

@test "socket: a multipart form with a file upload, parsed by a Python script" {
	serve -l none -d "$WWW"
	head -c 200000 /dev/urandom >"$BATS_TEST_TMPDIR/upload.bin"
	run curl -sS -F 'name=Ada' -F "file=@$BATS_TEST_TMPDIR/upload.bin" "$(url /cgi-bin/form.py)"
	[[ "$output" == *"name: 3 bytes md5 $(printf Ada | md5sum | cut -d' ' -f1) 'Ada'"* ]]
	[[ "$output" == *"file (file upload.bin): 200000 bytes md5 $(md5sum <"$BATS_TEST_TMPDIR/upload.bin" | cut -d' ' -f1)"* ]]
}

@test "socket: HEAD to a script with curl -I: the script's head, no body" {
	serve -l none -d "$WWW"
	run curl -sS -I "$(url /cgi-bin/status.sh)"
	[[ "$output" == *"X-Script: yes"* ]]
	[[ "$output" != *"body that HEAD"* ]]
}

@test "socket: git clone and push over smart HTTP through git-http-backend" {
	local root repos src
	root=$(scratch_root)
	# the repositories are reached by absolute path, as nobody when root
	repos=$(mktemp -d /tmp/cgiinetd-git.XXXXXX)
	chmod 755 "$repos"
	git init -q --bare -b main "$repos/repo.git"
	git -C "$repos/repo.git" config http.receivepack true
	running_as_root && chown -R nobody "$repos/repo.git"
	printf '#!/bin/sh\nexec "%s/git-http-backend"\n' "$(git --exec-path)" >"$root/cgi-bin/git"
	chmod 755 "$root/cgi-bin/git"
	serve -l none -d "$root" -e GIT_PROJECT_ROOT="$repos" -e GIT_HTTP_EXPORT_ALL=1

	src=$BATS_TEST_TMPDIR/src
	git init -q "$src"
	for i in 1 2 3; do
		head -c 1500000 /dev/urandom >"$src/blob$i"
		git -C "$src" add "blob$i"
		git -C "$src" -c user.name=t -c user.email=t@example.org commit -qm "commit $i"
	done
	# a pack of over 1 MiB: git sends it chunked
	GIT_TRACE_CURL="$BATS_TEST_TMPDIR/curl.trace" \
		git -C "$src" push -q "$(url /cgi-bin/git/repo.git)" HEAD:refs/heads/main
	grep -qi 'Transfer-Encoding: chunked' "$BATS_TEST_TMPDIR/curl.trace"
	git clone -q "$(url /cgi-bin/git/repo.git)" "$BATS_TEST_TMPDIR/clone"
	rm -rf "$repos"
	[ "$(git -C "$BATS_TEST_TMPDIR/clone" rev-parse HEAD)" = "$(git -C "$src" rev-parse HEAD)" ]
	cmp "$src/blob3" "$BATS_TEST_TMPDIR/clone/blob3"
}

@test "socket: a client that stops reading a large file is given up after --timeout" {
	local root
	root=$(scratch_root)
	head -c $((64 * 1024 * 1024)) /dev/zero >"$root/big.bin"
	serve -l none -d "$root" -t 1
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /big.bin HTTP/1.0\r\n\r\n' >&5
	sleep 0.3
	[ -n "$(pgrep -P "$SERVER_PID")" ]	# sending, blocked on the full socket
	local i=0
	while [ -n "$(pgrep -P "$SERVER_PID")" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# checked while the connection is still open: closing it would end it
	[ -z "$(pgrep -P "$SERVER_PID")" ]
	exec 5<&-
}

@test "socket: a bad option is a 500 page for the client, not silence" {
	serve -l none -d "$WWW" --timeout 0
	run curl -sS -o /dev/null -w '%{http_code}' "$(url /hello.txt)"
	[ "$output" = 500 ]
}

@test "socket: --help or --version in a server's arguments is a 500 page, not usage text" {
	local opt
	for opt in --help --version; do
		serve -l none -d "$WWW" "$opt"
		run curl -sS -D "$BATS_TEST_TMPDIR/head" "$(url /hello.txt)"
		head -n 1 "$BATS_TEST_TMPDIR/head" | grep -q '^HTTP/1.0 500 '
		[[ "$output" != *usage:* && "$output" != "cgiinetd 0"* ]]
		serve_stop
	done
}

@test "socket -P: a 64 MiB script body is relayed to the client intact" {
	serve -P -l none -d "$WWW"
	curl -sS -D "$BATS_TEST_TMPDIR/head" "$(url '/cgi-bin/stream.sh?64')" | md5sum >"$BATS_TEST_TMPDIR/sum"
	[ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR/sum")" = "$(head -c $((64 * 1048576)) /dev/zero | md5sum | cut -d' ' -f1)" ]
	grep -q '^HTTP/1.0 200 OK' "$BATS_TEST_TMPDIR/head"
}

@test "socket -P: a client that goes away ends the script (SIGPIPE), nothing left" {
	serve -P -l none -d "$WWW"
	local tag=$RANDOM$RANDOM
	curl -sS "$(url "/cgi-bin/forever.sh?$tag")" 2>/dev/null | head -c 100000 >/dev/null || true
	gone "yes forever $tag"
	[ -z "$(pgrep -P "$SERVER_PID")" ]
}

@test "socket -P: curl, wget and Python's urllib follow a script's redirect" {
	serve -P -l none -d "$WWW"
	local root_url="http://127.0.0.1:$PORT"
	run curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$(url /cgi-bin/reply.sh?local-type)"
	[ "$output" = "302 $root_url/hello.txt" ]
	run curl -sS -L "$(url /cgi-bin/reply.sh?local-type)"
	[ "$output" = hello ]
	run wget -q -O - "$(url /cgi-bin/reply.sh?local-type)"
	[ "$output" = hello ]
	run python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode(), end="")' "$(url /cgi-bin/reply.sh?local-type)"
	[ "$output" = hello ]
}

@test "socket: curl -C - and wget -c resume a partial download" {
	local root
	root=$(scratch_root)
	head -c 3000000 /dev/urandom >"$root/big.bin"
	serve -l none -d "$root"
	head -c 1000000 "$root/big.bin" >"$BATS_TEST_TMPDIR/curl.bin"
	curl -sS -C - -o "$BATS_TEST_TMPDIR/curl.bin" "$(url /big.bin)"
	cmp "$root/big.bin" "$BATS_TEST_TMPDIR/curl.bin"
	head -c 1234567 "$root/big.bin" >"$BATS_TEST_TMPDIR/big.bin"
	(cd "$BATS_TEST_TMPDIR" && wget -q -c "$(url /big.bin)" 2>"$BATS_TEST_TMPDIR/wget.err")
	cmp "$root/big.bin" "$BATS_TEST_TMPDIR/big.bin"
	# already complete: 416, and wget leaves the file alone
	(cd "$BATS_TEST_TMPDIR" && wget -q -c "$(url /big.bin)")
	cmp "$root/big.bin" "$BATS_TEST_TMPDIR/big.bin"
}

@test "socket: curl --compressed gets the precompressed sibling and unpacks it" {
	serve -l none -d "$WWW"
	curl -sS --compressed -D "$BATS_TEST_TMPDIR/head" "$(url /gz/page.html)" >"$BATS_TEST_TMPDIR/page"
	grep -qi '^Content-Encoding: gzip' "$BATS_TEST_TMPDIR/head"
	cmp "$WWW/gz/page.html" "$BATS_TEST_TMPDIR/page"
}

# -P's relay to a client that reads nothing ends once the client has
# taken nothing for --timeout, then the script is ended. Measured: 2.1 s
# at -t 2 (8.2 s with the splice relay, whose every blocked sendmsg
# inside one splice waited SO_SNDTIMEO afresh); the bound here is 6 s.
@test "socket: -P, a client that stops reading is given up after --timeout (2 s at -t 2), the script ended" {
	once_only
	serve -l none -P -t 2 -d "$WWW"
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /cgi-bin/ignore.sh?500000000 HTTP/1.0\r\n\r\n' >&5
	local i=0
	sleep 1
	[ -n "$(pgrep -P "$SERVER_PID")" ]	# relaying, blocked on the full socket
	while [ -n "$(pgrep -P "$SERVER_PID")" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# checked while the connection is still open: closing it would end it
	[ -z "$(pgrep -P "$SERVER_PID")" ]
	gone 'ignore.sh' 20
	exec 5<&-
}

# -P's relay is non-blocking sends with a poll between: a client with a
# 4 KiB receive buffer that reads in small bites makes most sends partial
# or EAGAIN; every byte must still arrive, in order.
@test "socket -P: 6.9 MB through a 4 KiB receive buffer read slowly arrives whole and in order" {
	serve -P -l none -d "$WWW"
	run timeout 120 python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /cgi-bin/counted.sh?1000000 HTTP/1.0\r\n\r\n")
data, reads = bytearray(), 0
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
    reads += 1
    if reads % 64 == 0:
        time.sleep(0.002)
head, _, body = bytes(data).partition(b"\r\n\r\n")
want = "".join("%d\n" % i for i in range(1, 1000001)).encode()
print(head.split(b"\r\n")[0].decode(), len(body), body == want)
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "HTTP/1.0 200 OK 6888896 True" ]
}
