#!/usr/bin/env bats
# Parsed-header mode (-P): the script's head is read and checked, and a
# proper head written in its stead (RFC 3875 6).

load helpers

reply() {
	request "GET /cgi-bin/reply.sh?$1 HTTP/1.0\\r\\n\\r\\n" -P "${@:2}"
}

@test "-P: the same Location-printing script is 200 in direct mode, 302 under -P" {
	request 'GET /cgi-bin/reply.sh?location HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	reply location
	[ "$output" = "$(printf 'HTTP/1.0 302 Found\nServer: SERVER\nDate: DATE\nLocation: http://example.org/elsewhere\nConnection: close\n')" ]
	[ "$status" -eq 0 ]
}

@test "-P: Status anywhere in the head sets the status and is not passed on" {
	reply status
	[ "$output" = "$(printf 'HTTP/1.0 418 I am a teapot\nServer: SERVER\nDate: DATE\nContent-Type: text/plain\nX-Before: 1\nX-After: 2\nConnection: close\n\nshort and stout')" ]
}

@test "-P: Status wins over the 302 of an absolute Location" {
	reply status-loc
	[ "$(status_line)" = "HTTP/1.0 303 See Other" ]
	[[ "$output" == *$'\nLocation: http://example.org/other\n'* ]]
}

@test "-P: a local Location alone is served in its place, as a GET" {
	request 'POST /cgi-bin/reply.sh?local HTTP/1.0\r\nContent-Length: 0\r\n\r\n' -P
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nContent-Length: 6\n'*hello ]]
}

@test "-P: a local redirect to a script runs it as a GET, without the first body's type" {
	request 'POST /cgi-bin/reply.sh?local-cgi HTTP/1.0\r\nContent-Type: text/x\r\nContent-Length: 0\r\n\r\n' -P
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nREQUEST_METHOD=GET\n'* ]]
	[[ "$output" == *$'\nPATH_INFO=/via\n'* ]]
	[[ "$output" == *$'\nQUERY_STRING=q=1\n'* ]]
	[[ "$output" != *CONTENT_TYPE* ]]
}

@test "-P: a local redirect goes through routing: .. above the root 400, a dot-file 404" {
	reply local-bad
	[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ]
	reply local-dot
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
}

@test "-P: a local Location with other fields is a 302 for the client" {
	reply local-type
	[ "$(status_line)" = "HTTP/1.0 302 Found" ]
	[[ "$output" == *$'\nLocation: /hello.txt\n'* ]]
}

@test "-P: local redirects loop at most 10 times, then 500" {
	reply loop -l "$BATS_TEST_TMPDIR/log"
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
	[[ "$output" == *"Too many local redirects"* ]]
	[ "$status" -eq 3 ]
}

@test "-P: Server, Date and Connection are the server's, never twice" {
	reply ours
	[ "$(printf '%s\n' "$output" | grep -c '^Server: ')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '^Date: ')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '^Connection: ')" -eq 1 ]
	[[ "$output" != *evil* && "$output" != *yesterday* && "$output" != *keep-alive* ]]
}

@test "-P: heads with bare LF are accepted" {
	reply lf
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\n\nlf only' ]]
}

@test "-P: invalid script heads are 502, never a guess" {
	for c in nocolon cr nul eof notype badstatus status600 badname huge ctl cl2; do
		reply "$c"
		[ "$(status_line)" = "HTTP/1.0 502 Bad Gateway" ] || { echo "$c: $(status_line)"; return 1; }
		[ "$status" -eq 3 ] || { echo "$c: exit $status"; return 1; }
	done
}

@test "-P: HEAD gets the parsed head and no body" {
	request 'HEAD /cgi-bin/reply.sh?status HTTP/1.0\r\n\r\n' -P
	[ "$(status_line)" = "HTTP/1.0 418 I am a teapot" ]
	[[ "$output" != *stout* ]]
}

@test "-P: the exit status and the log carry the script's outcome" {
	reply exit5 -l "$BATS_TEST_TMPDIR/log"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[ "$status" -eq 5 ]
	grep -Eq '"GET /cgi-bin/reply.sh\?exit5 HTTP/1.0" 200 8 "-" "-" time=[0-9]+\.[0-9]{3} exit=5$' "$BATS_TEST_TMPDIR/log"
}

@test "-P: a script silent past --cgi-timeout: 504, and nothing of it left" {
	local nap=29.$RANDOM$RANDOM root
	root=$(scratch_root)
	printf '#!/bin/sh\ntrap "" TERM ALRM\nsleep %s &\nexec sleep %s\n' "$nap" "$nap" >"$root/cgi-bin/silent.sh"
	chmod 755 "$root/cgi-bin/silent.sh"
	status=0
	printf 'GET /cgi-bin/silent.sh HTTP/1.0\r\n\r\n' | timeout 20 env -i "$CGIINETD" -P -l none -d "$root" --cgi-timeout 1 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 3 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 504 Gateway Timeout'
	sleep 0.2
	! pgrep -f "sleep $nap"
}

@test "-P: nph- scripts are still exec'd raw" {
	request 'GET /cgi-bin/nph-hello.sh HTTP/1.0\r\n\r\n' -P
	[ "$output" = "$(printf 'HTTP/1.0 302 Found\nLocation: /hello.txt\nContent-Length: 0\n')" ]
}

@test "-P: a POST body still reaches the script on its stdin" {
	request 'POST /cgi-bin/body.sh HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello' -P
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "md5 $(printf hello | md5sum | cut -d' ' -f1)" ]
}

@test "-P: a HEAD stays a HEAD across a local redirect: no body, file or script" {
	request 'HEAD /cgi-bin/reply.sh?local HTTP/1.0\r\n\r\n' -P
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nContent-Length: 6\n'* && "$output" != *hello* ]]
	request 'HEAD /cgi-bin/reply.sh?local-head HTTP/1.0\r\n\r\n' -P
	[ "$(status_line)" = "HTTP/1.0 418 I am a teapot" ]
	[[ "$output" != *stout* ]]
}

@test "-P: a head with Status and no Content-Type is relayed (RFC 3875 6.3.1), as git-http-backend's errors" {
	reply status-only
	[ "$output" = "$(printf 'HTTP/1.0 404 Not Found\nServer: SERVER\nDate: DATE\nX-A: b\nConnection: close\n')" ]
	[ "$status" -eq 0 ]
	reply status-body
	[ "$output" = "$(printf 'HTTP/1.0 403 Forbidden\nServer: SERVER\nDate: DATE\nConnection: close\n\nno type here')" ]
}

@test "-P: a 304 from a script carries no body; Transfer-Encoding is the server's business" {
	reply status304
	[ "$(status_line)" = "HTTP/1.0 304 Not Modified" ]
	[[ "$output" != *"no body"* ]]
	reply te
	[[ "$output" != *Transfer-Encoding* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^Content-Length: 3$')" -eq 1 ]
}

@test "-P: after a 502 the script is ended at once, not at --cgi-timeout" {
	status=0
	printf 'GET /cgi-bin/reply.sh?bad-then-more HTTP/1.0\r\n\r\n' |
		timeout 8 env -i PATH=/usr/bin:/bin "$CGIINETD" -P -l none -d "$WWW" --cgi-timeout 60 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 3 ]	# 124 if it had waited for the deadline
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 502'
}

@test "-P: a script's Content-Length of many zeros goes out as its number; 3 and 03 are one value" {
	local root
	root=$(scratch_root)
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\nContent-Length: 0000000000000000000000000003\\r\\nContent-Length: 03\\r\\n\\r\\nabc"\n' \
		>"$root/cgi-bin/zeros.sh"
	chmod 755 "$root/cgi-bin/zeros.sh"
	printf 'GET /cgi-bin/zeros.sh HTTP/1.0\r\n\r\n' | cgiinetd -P -l none -d "$root" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -qx 'HTTP/1.0 200 OK'
	[ "$(grep -c '^Content-Length: ' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
	grep -qx 'Content-Length: 3' "$BATS_TEST_TMPDIR/out"
	[ "$(tail -c 3 "$BATS_TEST_TMPDIR/out")" = abc ]
}

@test "-P through a pipe to a reader that waits: the whole body, not cut at the pipe's size" {
	printf 'GET /cgi-bin/ignore.sh?3000000 HTTP/1.0\r\n\r\n' |
		cgiinetd -P -l none -d "$WWW" | (sleep 1; cat) >"$BATS_TEST_TMPDIR/out"
	[ "$(sed '1,/^\r$/d' "$BATS_TEST_TMPDIR/out" | wc -c)" -eq 3000000 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 200 OK'
}

# The splice to a pipe on fd 1 that takes nothing waits for room to the
# nearer of --timeout and the script's deadline (before: --timeout only,
# here 30 s).
@test "-P to a pipe that takes nothing: ended at --cgi-timeout, not after --timeout" {
	stalled_pipe 'GET /cgi-bin/stream.sh?64 HTTP/1.0\r\n\r\n' -P -t 30 \
		--cgi-timeout 2 -l none -d "$WWW"
	[ "$status" -ne 124 ]
	[ "$took" -le 8 ]
}

@test "-P: a bare Status gets its standard reason phrase (204, 303, 307, 401, 405, 410, 429, 503)" {
	local code reason
	while read -r code reason; do
		printf 'GET /cgi-bin/reply.sh?code-%s HTTP/1.0\r\n\r\n' "$code" |
			cgiinetd -P -l none -d "$WWW" >"$BATS_TEST_TMPDIR/out"
		[ "$(head -n 1 "$BATS_TEST_TMPDIR/out")" = "HTTP/1.0 $code $reason"$'\r' ]
	done <<-EOT
	204 No Content
	303 See Other
	307 Temporary Redirect
	401 Unauthorized
	405 Method Not Allowed
	410 Gone
	429 Too Many Requests
	503 Service Unavailable
	EOT
}
