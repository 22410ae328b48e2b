#!/usr/bin/env bats
# --proxy-protocol: behind HAProxy, nginx stream or a cloud balancer, the
# client's address comes from a PROXY v1 (text) or v2 (binary) header.

load helpers

teardown() {
	serve_stop
	[ -z "${HAPROXY_PID:-}" ] || kill "$HAPROXY_PID" 2>/dev/null || true
}

V2SIG='\r\n\r\n\x00\r\nQUIT\n'

env_of() {
	request "$1GET /cgi-bin/env.sh HTTP/1.0\\r\\n\\r\\n" --proxy-protocol "${@:2}"
}

@test "PROXY v1 TCP4: the client and server addresses come from the header" {
	env_of 'PROXY TCP4 192.0.2.1 198.51.100.2 51234 8080\r\n' -l "$BATS_TEST_TMPDIR/log"
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nREMOTE_ADDR=192.0.2.1\nREMOTE_HOST=192.0.2.1\nREMOTE_PORT=51234\n'* ]]
	[[ "$output" == *$'\nSERVER_PORT=8080\n'* ]]
	grep -q '^192\.0\.2\.1 - - ' "$BATS_TEST_TMPDIR/log"
}

@test "PROXY v1 read from a file and a pipe: the head and the body after it stay whole" {
	local want in=$BATS_TEST_TMPDIR/in
	want=$(printf 'hello' | md5sum | cut -d' ' -f1)
	printf 'PROXY TCP4 192.0.2.1 198.51.100.2 51234 8080\r\nPOST /cgi-bin/body.sh HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello' >"$in"
	# a regular file is read in blocks: what follows the line is given back
	cgiinetd -l none -d "$WWW" --proxy-protocol <"$in" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -qx 'HTTP/1.0 200 Script output follows'
	grep -qx "md5 $want" "$BATS_TEST_TMPDIR/out"
	cat "$in" | cgiinetd -l none -d "$WWW" --proxy-protocol | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	grep -qx "md5 $want" "$BATS_TEST_TMPDIR/out"
}

@test "PROXY v1 TCP6: IPv6 without brackets, v4-mapped shown as IPv4" {
	env_of 'PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\n'
	[[ "$output" == *$'\nREMOTE_ADDR=2001:db8::7\n'* ]]
	env_of 'PROXY TCP6 ::ffff:192.0.2.9 ::1 40000 443\r\n'
	[[ "$output" == *$'\nREMOTE_ADDR=192.0.2.9\n'* ]]
}

@test "PROXY v1 UNKNOWN: the connection's own addresses stand" {
	env_of 'PROXY UNKNOWN\r\n'
	[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.1\n'* ]]
}

@test "PROXY v2 TCP4 and TCP6, TLVs skipped" {
	env_of "$V2SIG"'\x21\x11\x00\x0c\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x1f\x90'
	[[ "$output" == *$'\nREMOTE_ADDR=192.0.2.5\nREMOTE_HOST=192.0.2.5\nREMOTE_PORT=51201\n'* ]]
	[[ "$output" == *$'\nSERVER_PORT=8080\n'* ]]
	env_of "$V2SIG"'\x21\x21\x00\x29\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x30\x39\x01\xbb\x04\x00\x02\x41\x42'
	[[ "$output" == *$'\nREMOTE_ADDR=2001:db8::9\n'* ]]
	[[ "$output" == *$'\nREMOTE_PORT=12345\n'* ]]
}

@test "PROXY v2: SERVER_ADDR is the header's destination; PP2_TYPE_SSL with PP2_CLIENT_SSL gives HTTPS=on" {
	# TCP4 192.0.2.5:51201 -> 198.51.100.2:443; an ALPN TLV, then SSL:
	# client 0x05 (SSL, CERT_SESS), verify 0, a version sub-TLV "TLSv1.3"
	env_of "$V2SIG"'\x21\x11\x00\x23\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x01\xbb\x01\x00\x02h2\x20\x00\x0f\x05\x00\x00\x00\x00\x21\x00\x07TLSv1.3'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nHTTPS=on\n'* ]]
	[[ "$output" == *$'\nREQUEST_SCHEME=https\n'* ]]
	[[ "$output" == *$'\nSERVER_ADDR=198.51.100.2\n'* ]]
	[[ "$output" == *$'\nSERVER_PORT=443\n'* ]]
	# the same TLV with the client byte 0 (a plain connection): http
	env_of "$V2SIG"'\x21\x11\x00\x23\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x01\xbb\x01\x00\x02h2\x20\x00\x0f\x00\x00\x00\x00\x00\x21\x00\x07TLSv1.3'
	[[ "$output" != *HTTPS=* ]]
	[[ "$output" == *$'\nREQUEST_SCHEME=http\n'* ]]
	[[ "$output" == *$'\nSERVER_ADDR=198.51.100.2\n'* ]]
}

@test "PROXY v2 UNIX: the connection's own addresses, and the SSL TLV after the 216 address bytes" {
	local zeros
	zeros=$(printf '\\x00%.0s' $(seq 1 216))
	env_of "$V2SIG"'\x21\x31\x00\xe0'"$zeros"'\x20\x00\x05\x01\x00\x00\x00\x00'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.1\n'* ]]
	[[ "$output" == *$'\nHTTPS=on\n'* ]]
}

@test "PROXY v2 LOCAL (a balancer's health check): the connection's own addresses" {
	env_of "$V2SIG"'\x20\x00\x00\x00'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.1\n'* ]]
}

@test "PROXY: a POST body after the header and the head stays intact" {
	request 'PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\nPOST /cgi-bin/body.sh HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello' --proxy-protocol
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "md5 $(printf hello | md5sum | cut -d' ' -f1)" ]
}

@test "PROXY: absent, truncated or malformed headers are 400" {
	for h in '' 'PROXY TCP4 192.0.2.1 192.0.2.2 1 2' 'PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n' \
	         'PROXY TCP4 999.0.2.1 192.0.2.2 1 2\r\n' 'PROXY TCP4  192.0.2.1 192.0.2.2 1 2\r\n' \
	         'PROXY TCP4 192.0.2.1 192.0.2.2 1 65536\r\n' 'PROXY TCP4 192.0.2.1 192.0.2.2 01 2\r\n' \
	         'PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n' 'PROXY TCP5 192.0.2.1 192.0.2.2 1 2\r\n' \
	         'PROXY TCP4 192.0.2.1 192.0.2.2 1 2 \r\n' 'PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n' \
	         "PROXY UNKNOWN $(printf 'x%.0s' $(seq 1 100))\\r\\n" 'PROXY UNKNOWNFOO 1 2\r\n' \
	         "$V2SIG"'\x11\x11\x00\x0c' "$V2SIG"'\x21\x11\x00\x0c\xc0\x00' \
	         "$V2SIG"'\x21\x11\x00\x04\xc0\x00\x02\x05' "$V2SIG"'\x21\x11\x08\x00' \
	         "$V2SIG"'\x22\x11\x00\x0c\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x1f\x90' \
	         '\r\n\r\n\x00\r\nQUIX\n\x21\x11\x00\x0c\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x1f\x90'; do
		env_of "$h"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "[$h]: $(status_line)"; return 1; }
		[ "$status" -eq 1 ]
	done
}

@test "PROXY: a header that never finishes gets 408 within --timeout" {
	status=0
	{ printf 'PROXY TCP4 192.0.2.1'; sleep 4; } |
		timeout 10 env -i "$CGIINETD" -l none -d "$WWW" --proxy-protocol -t 1 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 4 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 408'
}

@test "PROXY: a probe that connects and says nothing gets no answer" {
	run cgiinetd -l none -d "$WWW" --proxy-protocol </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "without --proxy-protocol a PROXY line is just a bad request" {
	request 'PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\nGET / HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ]
}

# haproxy VERSION: HAProxy on a free loopback port in front of the server,
# sending a PROXY header of that version; sets $FRONT once it listens.
haproxy_front() {
	local send=send-proxy-v2 cfg=$BATS_TEST_TMPDIR/haproxy.cfg try i
	[ "$1" = 1 ] && send=send-proxy
	for try in 1 2 3 4 5; do
		FRONT=$(random_port)
		printf 'defaults\n\tmode tcp\n\ttimeout connect 5s\n\ttimeout client 10s\n\ttimeout server 10s\nfrontend f\n\tbind 127.0.0.1:%s\n\tdefault_backend b\nbackend b\n\tserver s 127.0.0.1:%s %s\n' \
			"$FRONT" "$PORT" "$send" >"$cfg"
		haproxy_run "$cfg" "$FRONT" && return 0
	done
	return 1
}

@test "HAProxy send-proxy-v2 and send-proxy in front: REMOTE_ADDR is the client's" {
	command -v haproxy >/dev/null || skip "no haproxy"
	serve -l none -d "$WWW" --proxy-protocol
	for v in 2 1; do
		haproxy_front "$v"
		# the client on 127.0.0.2; HAProxy reaches the server from 127.0.0.1
		run curl -sS --interface 127.0.0.2 "http://127.0.0.1:$FRONT/cgi-bin/env.sh"
		[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.2\n'* ]] || { echo "v$v: $output"; return 1; }
		[[ "$output" == *$'\nSERVER_PORT='"$FRONT"$'\n'* ]]
		kill "$HAPROXY_PID"
		wait "$HAPROXY_PID" 2>/dev/null || true
		HAPROXY_PID=
	done
}

@test "PROXY v2 with TLVs past 1 KiB (an SSL client's): read and dropped, addresses kept" {
	local tlv
	tlv=$(printf '\\x%02x' $(seq 1 2000 | sed 's/.*/171/'))
	env_of "$V2SIG"'\x21\x11\x07\xdc\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x1f\x90'"$tlv"
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nREMOTE_ADDR=192.0.2.5\n'* ]]
}

# path_acl_front NORMALIZE: HAProxy in http mode on $FRONT denying
# path_beg /private/, with the README's normalize-uri lines if NORMALIZE=1
path_acl_front() {
	local cfg=$BATS_TEST_TMPDIR/acl.cfg norm=
	[ "$1" = 1 ] && norm='	http-request normalize-uri percent-decode-unreserved
	http-request normalize-uri percent-to-uppercase
	http-request normalize-uri path-merge-slashes
	http-request normalize-uri path-strip-dot
	http-request normalize-uri path-strip-dotdot full'
	FRONT=$(random_port)
	cat >"$cfg" <<CFG
global
	expose-experimental-directives
defaults
	mode http
	timeout connect 5s
	timeout client 10s
	timeout server 10s
frontend f
	bind 127.0.0.1:$FRONT
$norm
	http-request deny if { path_beg /private/ }
	default_backend b
backend b
	server s 127.0.0.1:$PORT
CFG
	haproxy_run "$cfg" "$FRONT"
}

@test "HAProxy path_beg ACL: the README's normalize-uri lines close all 23 spellings of /private/" {
	command -v haproxy >/dev/null || skip "no haproxy"
	local d u passed=0
	d=$(scratch_root)
	mkdir -m 755 "$d/private" "$d/x" "$d/x/y"
	echo PRIVATE-SECRET >"$d/private/s.txt"
	chmod 644 "$d/private/s.txt"
	serve -l none -d "$d"
	local spellings=(/private/s.txt //private/s.txt /./private/s.txt /%70rivate/s.txt
		/priv%61te/s.txt /%70%72ivate/s.txt /%2e/private/s.txt /%2E/private/s.txt
		/x/../private/s.txt /x/%2e%2e/private/s.txt /x/.%2e/private/s.txt
		/x/%2E%2E/private/s.txt /private/./s.txt //x/..//private/s.txt
		/x/./../private/s.txt '/private/s.txt?x' /x/../../private/s.txt
		/x//../private/s.txt /.//private/s.txt /x/y/../../private/s.txt
		/private//s.txt /%2e%2e/private/s.txt '/x/%2e./private/s.txt')
	[ "${#spellings[@]}" -eq 23 ]
	path_acl_front 0	# without them: some get through (what the lines are for)
	for u in "${spellings[@]}"; do
		curl -s --path-as-is "http://127.0.0.1:$FRONT$u" | grep -q PRIVATE-SECRET && passed=$((passed + 1))
	done
	echo "without normalize-uri: $passed of 23 through"
	[ "$passed" -gt 10 ]
	kill "$HAPROXY_PID"
	wait "$HAPROXY_PID" 2>/dev/null || true
	path_acl_front 1
	for u in "${spellings[@]}"; do
		! curl -s --path-as-is "http://127.0.0.1:$FRONT$u" | grep -q PRIVATE-SECRET ||
			{ echo "through: $u"; return 1; }
	done
}
