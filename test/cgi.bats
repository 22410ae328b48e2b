#!/usr/bin/env bats
# CGI scripts, driven by canned requests: recognition, the checks made
# before anything is written, the environment, argv, the exec contract.

load helpers

@test "a script runs in place: 200 Script output follows, then its own head" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | head -n 5)" = "$(printf 'HTTP/1.0 200 Script output follows\nServer: SERVER\nDate: DATE\nConnection: close\nContent-Type: text/plain')" ]
}

@test "the environment: RFC 3875 variables, exactly" {
	request 'GET /cgi-bin/env.sh/some/info?x=1&y=%41 HTTP/1.1\r\nHost: www.example.org:8080\r\nContent-Type: text/x\r\nContent-Length: 0\r\n\r\n'
	local env
	env=$(printf '%s\n' "$output" | sed -n '/^Content-Type: text\/plain$/,$p' | tail -n +3)
	local root
	root=$(cd "$WWW" && pwd -P)
	diff -u <(printf '%s\n' \
		"CONTENT_LENGTH=0" \
		"CONTENT_TYPE=text/x" \
		"DOCUMENT_ROOT=$root" \
		"GATEWAY_INTERFACE=CGI/1.1" \
		"HTTP_HOST=www.example.org:8080" \
		"PATH=/usr/bin:/bin" \
		"PATH_INFO=/some/info" \
		"PATH_TRANSLATED=$root/some/info" \
		"QUERY_STRING=x=1&y=%41" \
		"REDIRECT_STATUS=200" \
		"REMOTE_ADDR=127.0.0.1" \
		"REMOTE_HOST=127.0.0.1" \
		"REMOTE_PORT=0" \
		"REQUEST_METHOD=GET" \
		"REQUEST_SCHEME=http" \
		"REQUEST_URI=/cgi-bin/env.sh/some/info?x=1&y=%41" \
		"SCRIPT_FILENAME=$root/cgi-bin/env.sh" \
		"SCRIPT_NAME=/cgi-bin/env.sh" \
		"SERVER_ADDR=127.0.0.1" \
		"SERVER_NAME=www.example.org" \
		"SERVER_PORT=0" \
		"SERVER_PROTOCOL=HTTP/1.1" \
		"SERVER_SOFTWARE=cgiinetd/$("$CGIINETD" --version | cut -d' ' -f2)") \
		<(printf '%s\n' "$env")
}

@test "--https: HTTPS=on and REQUEST_SCHEME=https; without it http and no HTTPS" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n' --https
	[[ "$output" == *$'\nHTTPS=on\n'* ]]
	[[ "$output" == *$'\nREQUEST_SCHEME=https\n'* ]]
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n'
	[[ "$output" != *HTTPS=* ]]
	[[ "$output" == *$'\nREQUEST_SCHEME=http\n'* ]]
}

@test "SERVER_ADDR is the local address of the connection (socat's variables on a pipe)" {
	printf 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n' |
		env -i PATH=/usr/bin:/bin SOCAT_SOCKADDR=192.0.2.80 SOCAT_SOCKPORT=8443 \
		"$CGIINETD" -l none -d "$WWW" --https | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	grep -qx 'SERVER_ADDR=192.0.2.80' "$BATS_TEST_TMPDIR/out"
	grep -qx 'SERVER_PORT=8443' "$BATS_TEST_TMPDIR/out"
	grep -qx 'HTTPS=on' "$BATS_TEST_TMPDIR/out"
}

@test "no PATH_TRANSLATED without PATH_INFO; QUERY_STRING empty, not missing" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'\nPATH_INFO=\n'* ]]
	[[ "$output" == *$'\nQUERY_STRING=\n'* ]]
	[[ "$output" != *PATH_TRANSLATED* ]]
	[[ "$output" != *CONTENT_TYPE* ]]
	[[ "$output" != *CONTENT_LENGTH* ]]
}

@test "headers become HTTP_*: merged, cookies with '; ', the unsafe ones left out" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\nX-Multi: a\r\nCookie: c=1\r\nx-multi: b\r\nCookie: d=2\r\nProxy: http://evil/\r\nX_Under: spoof\r\nX.Dot: spoof\r\nAuthorization: Basic dTpw\r\nProxy-Authorization: Basic dTpw\r\n\r\n'
	[[ "$output" == *$'\nHTTP_X_MULTI=a, b\n'* ]]
	[[ "$output" == *$'\nHTTP_COOKIE=c=1; d=2\n'* ]]
	[[ "$output" == *$'\nAUTH_TYPE=Basic\n'* ]]
	[[ "$output" != *HTTP_PROXY* ]]
	[[ "$output" != *HTTP_X_UNDER* ]]
	[[ "$output" != *spoof* ]]
	[[ "$output" != *HTTP_AUTHORIZATION* ]]
	[[ "$output" != *dTpw* ]]
	[[ "$output" != *REMOTE_USER* ]]
}

@test "--pass-auth exports HTTP_AUTHORIZATION" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\nAuthorization: Basic dTpw\r\n\r\n' --pass-auth
	[[ "$output" == *$'\nHTTP_AUTHORIZATION=Basic dTpw\n'* ]]
}

@test "nothing of the server's environment leaks but PATH, TZ, LANG, LC_*, -e" {
	status=0
	printf 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n' |
		env -i PATH=/usr/bin:/bin TZ=UTC LANG=C.UTF-8 LC_TIME=C SECRET=x \
		LISTEN_FDS=1 LISTEN_PID=1 TCPREMOTEIP=192.0.2.1 SOCAT_PEERADDR=192.0.2.2 \
		REMOTE_USER=admin GIVEN=yes "$CGIINETD" -l none -d "$WWW" -e GIVEN -e SET=1 -e MISSING \
		>"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 0 ]
	local env
	env=$(tr -d '\r' <"$BATS_TEST_TMPDIR/out")$'\n'
	for v in TZ=UTC LANG=C.UTF-8 LC_TIME=C GIVEN=yes SET=1 REMOTE_ADDR=192.0.2.1; do
		[[ "$env" == *$'\n'"$v"$'\n'* ]] || { echo "missing $v"; return 1; }
	done
	for v in SECRET LISTEN_ TCPREMOTEIP SOCAT_ REMOTE_USER MISSING; do
		[[ "$env" != *"$v"* ]] || { echo "leaked $v"; return 1; }
	done
}

@test "-e overrides a variable the server would set" {
	request 'GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n' -e SERVER_NAME=www.example.com
	[[ "$output" == *$'\nSERVER_NAME=www.example.com\n'* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^SERVER_NAME=')" -eq 1 ]
}

@test "SERVER_NAME: an IPv6 literal keeps its brackets, loses its port" {
	request 'GET /cgi-bin/env.sh HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n'
	[[ "$output" == *$'\nSERVER_NAME=[::1]\n'* ]]
}

@test "argv: a query without = is split on + and decoded (RFC 3875 4.4)" {
	request 'GET /cgi-bin/env.sh?one+two.words%21+%C3%A9+a%3Db+x-y_z HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'arg: [one]\narg: [two.words!]\narg: [\xc3\xa9]\narg: [a=b]\narg: [x-y_z]'* ]]
}

@test "argv: no words at all when the query has an =, or any word is not plain" {
	local q
	for q in 'a=b' 'x+-rf' '%2Dx' 'a%00b' 'ok+two%20words' 'id%7C' '%3Cx' 'x%3E' 'a%26b' \
		'a%3Bb' '%24x' '%60id%60' '%27q%27' '%22q%22' '%2Fetc%2Fpasswd' '.hidden' \
		'a%2Ab' 'a%3Fb' 'a%5Cb' 'tab%09x' 'a%7Eb%0Ac'; do
		request "GET /cgi-bin/env.sh?$q HTTP/1.0\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
		[[ "$output" != *"arg: ["* ]] || { echo "words for $q"; return 1; }
	done
}

@test "argv: a Perl script reading <> runs no command and opens no file of the query's" {
	local q
	for q in 'id%7C' '%7Cid' 'cat+%2Fetc%2Fpasswd%7C' '%2Fetc%2Fpasswd' '%3C%2Fetc%2Fpasswd' '..%2F..%2Fhello.txt'; do
		request "GET /cgi-bin/lines.pl?$q HTTP/1.0\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
		[[ "$output" == *$'\nargs: ' ]] || { echo "$q: $output"; return 1; }
		[[ "$output" != *"line: "* ]] || { echo "$q: $output"; return 1; }
	done
	# a plain word is still an argument, as in Python: a file beside it
	request 'GET /cgi-bin/lines.pl?crlf.sh HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'\nargs: crlf.sh\nline: #!/bin/sh'* ]]
}

@test "argv and environment at their limits: 4001 words, 88 long headers, 64 -e" {
	local q=a i fill=$(head -c 600 /dev/zero | tr '\0' x) opts=()
	for i in $(seq 4000); do q+=+a; done
	{ printf 'GET /cgi-bin/env.sh?%s HTTP/1.0\r\n' "$q"
	  for i in $(seq 10 97); do printf 'X-Fill-%s: %s\r\n' "$i" "$fill"; done
	  printf '\r\n'; } >"$BATS_TEST_TMPDIR/in"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/in")" -lt 65536 ]
	for i in $(seq 64); do opts+=(-e "EXTRA_$i=$fill"); done
	cgiinetd -l none -d "$WWW" "${opts[@]}" <"$BATS_TEST_TMPDIR/in" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -qx 'HTTP/1.0 200 Script output follows'
	[ "$(grep -cx 'arg: \[a\]' "$BATS_TEST_TMPDIR/out")" -eq 4001 ]
	[ "$(grep -c "^HTTP_X_FILL_[0-9]*=$fill\$" "$BATS_TEST_TMPDIR/out")" -eq 88 ]
	[ "$(grep -c "^EXTRA_[0-9]*=$fill\$" "$BATS_TEST_TMPDIR/out")" -eq 64 ]
}

@test "a large environment of cgiinetd's own and a query of 8,000 '+' still run the script" {
	local i q=a vars=()
	for i in $(seq 2000); do vars+=("JUNK_$i=$(printf '%060d' "$i")"); done	# 150 KB
	vars+=(LC_ALL=C LANG=C TZ=UTC)
	for i in $(seq 4070); do q+=+a; done
	q+=++++++++++	# empty words: dropped
	printf 'GET /cgi-bin/env.sh?%s HTTP/1.0\r\n\r\n' "$q" >"$BATS_TEST_TMPDIR/in"
	env -i PATH=/usr/bin:/bin ASAN_OPTIONS="$ASAN_OPTIONS" "${vars[@]}" \
		"$CGIINETD" -l none -d "$WWW" <"$BATS_TEST_TMPDIR/in" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -qx 'HTTP/1.0 200 Script output follows'
	[ "$(grep -cx 'arg: \[a\]' "$BATS_TEST_TMPDIR/out")" -eq 4071 ]
	grep -qx 'TZ=UTC' "$BATS_TEST_TMPDIR/out"
	! grep -q '^JUNK_' "$BATS_TEST_TMPDIR/out"
}

@test "argv: none for POST" {
	request 'POST /cgi-bin/env.sh?word HTTP/1.0\r\nContent-Length: 0\r\n\r\n'
	[[ "$output" != *"arg: ["* ]]
	[[ "$output" == *$'\nREQUEST_METHOD=POST\n'* ]]
}

@test "sub-directories of a CGI directory are walked; the rest is PATH_INFO" {
	request 'GET /cgi-bin/sub/deep.sh/x/y HTTP/1.0\r\n\r\n'
	[[ "$output" == *"deep SCRIPT_NAME=/cgi-bin/sub/deep.sh PATH_INFO=/x/y" ]]
}

@test "every spelling that collapses into /cgi-bin runs the script, never shows it" {
	for t in '//cgi-bin/cwd.sh' '/./cgi-bin/cwd.sh' '/dir/../cgi-bin/cwd.sh' \
	         '/%63gi-bin/cwd.sh' '/cgi-bin/./cwd.sh' '/cgi-bin//cwd.sh' \
	         '/%2e/cgi-bin/cwd.sh' '/dir/%2E%2e/cgi-bin/cwd.sh'; do
		request "GET $t HTTP/1.0\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ] || { echo "$t: $(status_line)"; return 1; }
		[[ "$output" != *'#!/bin/sh'* ]] || { echo "$t: source shown"; return 1; }
	done
}

@test "the working directory is the script's directory" {
	request 'GET /cgi-bin/sub/../cwd.sh HTTP/1.0\r\n\r\n'
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "$(cd "$WWW/cgi-bin" && pwd -P)" ]
}

@test "the script gets fds 0, 1 and 2 only" {
	request 'GET /cgi-bin/fds.sh HTTP/1.0\r\n\r\n' -l "$BATS_TEST_TMPDIR/log"
	[ "$(printf '%s\n' "$output" | sed -n '/^Content-Type/,$p' | tail -n +3 | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "as root: the script runs as nobody:nogroup with no other groups" {
	running_as_root || skip "needs root"
	request 'GET /cgi-bin/id.sh HTTP/1.0\r\n\r\n'
	local nobody nogroup
	nobody=$(id -u nobody)
	nogroup=$(id -g nobody)
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "uid=$nobody gid=$nogroup groups=$nogroup" ]
}

@test "a missing script: 404 No such CGI script" {
	request 'GET /cgi-bin/nope.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[[ "$output" == *"No such CGI script ('/cgi-bin/nope.sh')"* ]]
	[ "$status" -eq 1 ]
}

@test "a hidden script is not found" {
	request 'GET /cgi-bin/.hidden.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[[ "$output" != *hidden$'\n'* ]]
}

@test "a directory as script: 403 not a plain file" {
	request 'GET /cgi-bin/sub HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 403 Forbidden" ]
	[[ "$output" == *"CGI script is not a plain file ('/cgi-bin/sub')"* ]]
}

@test "a script without the x bit: 403 not executable, source not shown" {
	request 'GET /cgi-bin/noexec.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 403 Forbidden" ]
	[[ "$output" == *"CGI script is not executable ('/cgi-bin/noexec.sh')"* ]]
	[[ "$output" != *never* ]]
}

@test "a missing #! interpreter: 500 before any 200" {
	request 'GET /cgi-bin/badinterp.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
	[[ "$output" == *"interpreter cannot be run ('/nonexistent/interpreter')"* ]]
	[ "$status" -eq 3 ]
}

@test "an executable that is no program: 500 before any 200" {
	request 'GET /cgi-bin/noshebang HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
	[[ "$output" == *"not in an executable format"* ]]
}

@test "nph- scripts write the whole response: no status line from the server" {
	request 'GET /cgi-bin/nph-hello.sh HTTP/1.0\r\n\r\n'
	[ "$output" = "$(printf 'HTTP/1.0 302 Found\nLocation: /hello.txt\nContent-Length: 0\n')" ]
}

@test "a POST body in the pipe reaches the script intact" {
	printf 'POST /cgi-bin/body.sh HTTP/1.0\r\nContent-Length: 11\r\n\r\nhello world' >"$BATS_TEST_TMPDIR/in"
	for mode in file pipe; do
		if [ $mode = file ]; then
			cgiinetd -l none -d "$WWW" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
		else
			cat "$BATS_TEST_TMPDIR/in" | cgiinetd -l none -d "$WWW" >"$BATS_TEST_TMPDIR/out"
		fi
		[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = "md5 $(printf 'hello world' | md5sum | cut -d' ' -f1)" ]
	done
}

@test "Expect: 100-continue on a script: 100 Continue, then the script" {
	request 'POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab'
	[ "$(printf '%s\n' "$output" | head -n 3)" = "$(printf 'HTTP/1.1 100 Continue\n\nHTTP/1.0 200 Script output follows')" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "md5 $(printf ab | md5sum | cut -d' ' -f1)" ]
}

@test "HTTP/0.9 to a script: no status line" {
	request 'GET /cgi-bin/cwd.sh\r\n'
	[ "$(printf '%s\n' "$output" | head -n 1)" = "Content-Type: text/plain" ]
}

@test "--cgi-timeout: the supervisor ends a runaway script with SIGTERM, and logs it" {
	local root
	root=$(scratch_root)
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nexec sleep 30\n' >"$root/cgi-bin/slow.sh"
	chmod 755 "$root/cgi-bin/slow.sh"
	status=0
	printf 'GET /cgi-bin/slow.sh HTTP/1.0\r\n\r\n' | timeout 10 env -i "$CGIINETD" -l "$BATS_TEST_TMPDIR/log" -d "$root" --cgi-timeout 1 >/dev/null || status=$?
	[ "$status" -eq 143 ]	# 128 + SIGTERM, not timeout(1)'s 124
	grep -Eq '"GET /cgi-bin/slow.sh HTTP/1.0" 200 - "-" "-" time=1\.[0-9]{3} signal=15 timeout$' "$BATS_TEST_TMPDIR/log"
}

@test "the access line is written when the script has ended: its time and exit status" {
	local root
	root=$(scratch_root)
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nbye\\n"\nsleep 1\nexit 7\n' >"$root/cgi-bin/seven.sh"
	chmod 755 "$root/cgi-bin/seven.sh"
	status=0
	printf 'GET /cgi-bin/seven.sh HTTP/1.0\r\n\r\n' |
		cgiinetd -d "$root" -l "$BATS_TEST_TMPDIR/log" >/dev/null || status=$?
	[ "$status" -eq 7 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log")" -eq 1 ]
	grep -Eq '"GET /cgi-bin/seven.sh HTTP/1.0" 200 - "-" "-" time=1\.[0-9]{3} exit=7$' "$BATS_TEST_TMPDIR/log"
}

@test "HEAD to a script: its head relayed, its body discarded, its exit status ours" {
	status=0
	printf 'HEAD /cgi-bin/status.sh?7 HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$WWW" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 7 ]
	[ "$(normalise <"$BATS_TEST_TMPDIR/out")" = "$(printf 'HTTP/1.0 200 Script output follows\r\nServer: SERVER\r\nDate: DATE\r\nConnection: close\r\nContent-Type: text/plain\r\nX-Script: yes\r\n\r\n')" ]
}

@test "HEAD to an nph- script: exec'd raw, the script answers HEAD itself" {
	request 'HEAD /cgi-bin/nph-hello.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 302 Found" ]
}

@test "the log marks an nph- script's status as unknown" {
	request 'GET /cgi-bin/nph-hello.sh HTTP/1.0\r\n\r\n' -l "$BATS_TEST_TMPDIR/log"
	grep -q '"GET /cgi-bin/nph-hello.sh HTTP/1.0" - - ' "$BATS_TEST_TMPDIR/log"
}

chunked() {
	request "POST /cgi-bin/$1 HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n$2" "${@:3}"
}

@test "chunked body: de-chunked for the script, exact CONTENT_LENGTH" {
	chunked body.sh '5\r\nhello\r\n6;name=val\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "md5 $(printf 'hello world0123456789' | md5sum | cut -d' ' -f1)" ]
	chunked env.sh '5\r\nhello\r\n0\r\n\r\n'
	[[ "$output" == *$'\nCONTENT_LENGTH=5\n'* ]]
	[[ "$output" != *TRANSFER_ENCODING* ]]
}

@test "chunked body: an empty one is CONTENT_LENGTH=0" {
	chunked env.sh '0\r\n\r\n'
	[[ "$output" == *$'\nCONTENT_LENGTH=0\n'* ]]
}

@test "chunked body: over --max-body is 413" {
	chunked body.sh '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n' --max-body 10
	[ "$(status_line)" = "HTTP/1.0 413 Content Too Large" ]
	[ "$status" -eq 1 ]
	chunked body.sh 'FFFFFFFFFFFFFF\r\n' --max-body 10
	[ "$(status_line)" = "HTTP/1.0 413 Content Too Large" ]
}

@test "chunked body: bad framing is 400" {
	for body in '5\nhello\r\n0\r\n\r\n' '5\r\nhelloX\r\n0\r\n\r\n' 'g\r\n' '\r\n' \
	            '-5\r\nhello\r\n0\r\n\r\n' '1FFFFFFFFFFFFFFF\r\n' '5\r\nhel' \
	            '5\r\nhello\r\n0\r\n' '0x5\r\nhello\r\n0\r\n\r\n'; do
		chunked body.sh "$body"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$body: $(status_line)"; return 1; }
	done
}

@test "chunk extensions: RFC 9112 7.1.1's grammar, BWS only around ';' and '='" {
	local md5
	md5="md5 $(printf hello | md5sum | cut -d' ' -f1)"
	for ext in ';name=val' ' ;name' '\t; name = val' ';a;b=c' ';a="quoted \\" ;=\t val"' \
	           ';a=""' ';a="\x80"' ';a=b ;c'; do
		chunked body.sh "5${ext}\\r\\nhello\\r\\n0\\r\\n\\r\\n"
		[ "$(printf '%s\n' "$output" | tail -n 1)" = "$md5" ] || { echo "$ext: $(status_line)"; return 1; }
	done
	for ext in ' ' '\t' ' x' '  \t' ';' '; ' ';a ' ';a=' ';a= ' ';a=b c' ';a="x' ';a="x\\"' \
	           ';a\x01' ';a=b\x7f' ';a="\x01"' ';a="\\\x01"' '\x00;a' ';a\x00' ';\x0bx' \
	           ';a=b;' ';"a"' ';a==b'; do
		chunked body.sh "5${ext}\\r\\nhello\\r\\n0\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$ext: $(status_line)"; return 1; }
	done
}

@test "chunked body with Expect: 100 Continue first, then the script" {
	request 'POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n'
	[ "$(printf '%s\n' "$output" | head -n 3)" = "$(printf 'HTTP/1.1 100 Continue\n\nHTTP/1.0 200 Script output follows')" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "md5 $(printf ab | md5sum | cut -d' ' -f1)" ]
}

# strace follows cgiinetd and its child: one clone (CLONE_VM|CLONE_VFORK,
# no copy of cgiinetd's memory), the child execs the script, cgiinetd waits.
supervised() {
	# (LeakSanitizer cannot run under ptrace)
	printf "$1" | strace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=process \
		env -i PATH=/usr/bin:/bin ASAN_OPTIONS=detect_leaks=0 "$CGIINETD" -l none \
		-d "$WWW" >"$BATS_TEST_TMPDIR/out"
	grep -q 'Script output follows' "$BATS_TEST_TMPDIR/out"
	grep -q "^$WWW/cgi-bin\$" "$BATS_TEST_TMPDIR/out"
	local main
	main=$(awk '/execve\(".*cgiinetd"/ { print $1; exit }' "$BATS_TEST_TMPDIR/trace")
	[ "$(grep -Ec "^$main +(fork|vfork|clone|clone3)\(" "$BATS_TEST_TMPDIR/trace")" -eq 1 ]
	grep -Eq "^$main +clone3?\(.*CLONE_VM.*CLONE_VFORK" "$BATS_TEST_TMPDIR/trace"
	# a #! script: its checked interpreter exec'd, as the kernel would
	grep -Eq '^[0-9]+ +execve\("/bin/sh", \["/bin/sh", "./cwd.sh"\]' "$BATS_TEST_TMPDIR/trace"
	! grep -Eq "^$main +execve\(\"/bin/sh\"" "$BATS_TEST_TMPDIR/trace"
}

@test "GET runs the script in one child, cloned without a copy (strace)" {
	supervised 'GET /cgi-bin/cwd.sh HTTP/1.0\r\n\r\n'
}

@test "POST runs the script in one child (strace)" {
	supervised 'POST /cgi-bin/cwd.sh HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc'
}

@test "chunked POST runs the script in one child (strace)" {
	supervised 'POST /cgi-bin/cwd.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
}

@test "a compiled CGI program is exec'd directly" {
	local root
	root=$(scratch_root)
	cc -o "$root/cgi-bin/hello-c" "$BATS_TEST_DIRNAME/cgi-hello.c"
	status=0
	printf 'GET /cgi-bin/hello-c?a+b HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$root" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = "compiled: argc=3 query=a+b" ]
}

@test "as root: an execute-only program (0711) is looked at, not read, and runs" {
	running_as_root || skip "needs root: the owner could read it"
	local root
	root=$(scratch_root)
	cc -o "$root/cgi-bin/hello-c" "$BATS_TEST_DIRNAME/cgi-hello.c"
	chmod 711 "$root/cgi-bin/hello-c"
	status=0
	printf 'GET /cgi-bin/hello-c?a+b HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$root" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 0 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 200 '
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = "compiled: argc=3 query=a+b" ]
}

@test "a Python 3 script parses an urlencoded form" {
	request 'POST /cgi-bin/form.py HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\n\r\nname=Ada+L%C3%B6&x=%3Cb%3E&'
	[[ "$output" == *"read 27 of 27 bytes"* ]]
	[[ "$output" == *"name: 7 bytes md5 $(printf 'Ada Lö' | md5sum | cut -d' ' -f1) 'Ada Lö'"* ]]
	[[ "$output" == *"x: 3 bytes md5 $(printf '<b>' | md5sum | cut -d' ' -f1) '<b>'"* ]]
}

@test "an execve that fails after the status line: exit 3, logged once and as an error" {
	local root
	root=$(scratch_root)
	printf '\177ELF not really a program' >"$root/cgi-bin/fake-elf"
	chmod 755 "$root/cgi-bin/fake-elf"
	status=0
	printf 'GET /cgi-bin/fake-elf HTTP/1.0\r\n\r\n' | cgiinetd -d "$root" -l "$BATS_TEST_TMPDIR/log" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 3 ]
	[ "$(grep -c '"GET /cgi-bin/fake-elf HTTP/1.0"' "$BATS_TEST_TMPDIR/log")" -eq 1 ]
	grep -q 'cgiinetd: /cgi-bin/fake-elf: exec failed: Exec format error' "$BATS_TEST_TMPDIR/log"
}

@test "signals: ignored or blocked in the launcher, default in the script" {
	status=0
	printf 'GET /cgi-bin/signals.sh HTTP/1.0\r\n\r\n' >"$BATS_TEST_TMPDIR/in"
	# the launcher ignores SIGPIPE, SIGHUP, SIGTERM, and signals 32 and 33
	# (glibc's own, set behind its back), and blocks SIGUSR1
	python3 -c '
import ctypes, os, signal, sys
for s in (signal.SIGPIPE, signal.SIGHUP, signal.SIGTERM):
    signal.signal(s, signal.SIG_IGN)
rt_sigaction = {"x86_64": 13, "aarch64": 134}.get(os.uname().machine)
ign = (ctypes.c_ulong * 4)(1, 0, 0, 0)
for s in (32, 33) if rt_sigaction else ():
    assert ctypes.CDLL(None).syscall(rt_sigaction, s, ign, None, 8) == 0
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
os.execv(sys.argv[1], sys.argv[1:])' "$CGIINETD" -l none -d "$WWW" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 0 ]
	grep -qx 'SigIgn:	0000000000000000' "$BATS_TEST_TMPDIR/out"
	grep -qx 'SigBlk:	0000000000000000' "$BATS_TEST_TMPDIR/out"
}

@test "a symlink in a CGI directory leading out of the root is no script (404)" {
	# cgi-bin/env-link -> /usr/bin/env: would run any program as nobody
	request 'GET /cgi-bin/env-link?sh HTTP/1.0\r\nContent-Length: 8\r\n\r\necho pwn'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[[ "$output" != *pwn* ]]
}

@test "a symlink to a script in the same directory runs it" {
	request 'GET /cgi-bin/cwd-link HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
}

@test "--follow-symlinks lets a script symlink lead out of the root" {
	request 'GET /cgi-bin/env-link HTTP/1.0\r\n\r\n' --follow-symlinks
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
}

@test "a #! line ending in CR (a script saved with CRLF): 500, not an empty 200" {
	request 'GET /cgi-bin/crlf.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
}

@test "a directory as #! interpreter: 500, not an empty 200" {
	request 'GET /cgi-bin/dirinterp.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
}

@test "HEAD: a script that ignores SIGALRM and SIGTERM is killed with its group" {
	local root nap=31.$RANDOM$RANDOM	# unique: other runs may be under way
	root=$(scratch_root)
	printf '#!/bin/sh\ntrap "" ALRM TERM\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nsleep %s &\nexec sleep %s\n' "$nap" "$nap" >"$root/cgi-bin/stubborn.sh"
	chmod 755 "$root/cgi-bin/stubborn.sh"
	status=0
	printf 'HEAD /cgi-bin/stubborn.sh HTTP/1.0\r\n\r\n' | timeout 20 env -i "$CGIINETD" -l none -d "$root" --cgi-timeout 1 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 137 ]	# SIGKILL, 2 s after the ignored SIGTERM
	grep -q '^Content-Type: text/plain' "$BATS_TEST_TMPDIR/out"
	sleep 0.2
	! pgrep -f "sleep $nap"
}

@test "HEAD: a script that closes its output and lingers is ended at --cgi-timeout" {
	local root nap=27.$RANDOM$RANDOM
	root=$(scratch_root)
	printf '#!/bin/sh\ntrap "" ALRM\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nexec >&-\nexec sleep %s\n' "$nap" >"$root/cgi-bin/closer.sh"
	chmod 755 "$root/cgi-bin/closer.sh"
	status=0
	printf 'HEAD /cgi-bin/closer.sh HTTP/1.0\r\n\r\n' | timeout 20 env -i "$CGIINETD" -l none -d "$root" --cgi-timeout 1 >/dev/null || status=$?
	[ "$status" -eq 143 ]	# SIGTERM at the deadline
	sleep 0.2
	! pgrep -f "sleep $nap"
}

@test "chunked body dripping in: 408 at --cgi-timeout, however steady the drip" {
	status=0
	{ printf 'POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n'
	  for i in 1 2 3 4 5 6 7 8; do printf x; sleep 0.5; done; } |
		timeout 10 env -i "$CGIINETD" -l none -d "$WWW" -t 1 --cgi-timeout 2 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 4 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 408 Request Timeout'
}

@test "chunked body stalling: 408 after --timeout of silence" {
	status=0
	{ printf 'POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'; sleep 4; } |
		timeout 10 env -i "$CGIINETD" -l none -d "$WWW" -t 1 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 4 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 408 Request Timeout'
}

@test "a CGI directory that does not exist: 404, not 500" {
	request 'GET /htbin/x HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[ "$status" -eq 1 ]
}

@test "a symlink inside cgi-bin leading out of it runs nothing outside it" {
	# cgi-bin/uplink -> .. ; tools/tool.sh is executable but no script
	request 'GET /cgi-bin/uplink/tools/tool.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[[ "$output" != *"ran a tool"* ]]
}

@test "a #! line with a CR before its argument: 500, not a failing 200" {
	request 'GET /cgi-bin/crlf-arg.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
}

@test "#!/usr/bin/env PROG: PROG is looked up on the script's PATH first" {
	request 'GET /cgi-bin/env-missing.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 500 Internal Server Error" ]
	[[ "$output" == *"('no-such-interpreter-x')"* ]]
	request 'GET /cgi-bin/env-sh.sh HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *"via env" ]]
}

@test "HEAD: a script that writes no head gets our head ended, none of its body" {
	request 'HEAD /cgi-bin/nohead.sh HTTP/1.0\r\n\r\n'
	[ "$output" = "$(printf 'HTTP/1.0 200 Script output follows\nServer: SERVER\nDate: DATE\nConnection: close\n')" ]
	[[ "$output" != *secret* ]]
}

@test "HEAD: background children of a script that exits are not left behind" {
	local root nap=33.$RANDOM$RANDOM
	root=$(scratch_root)
	printf '#!/bin/sh\nsleep %s >/dev/null &\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\n' "$nap" >"$root/cgi-bin/bg.sh"
	chmod 755 "$root/cgi-bin/bg.sh"
	printf 'HEAD /cgi-bin/bg.sh HTTP/1.0\r\n\r\n' | timeout 10 env -i "$CGIINETD" -l none -d "$root" >/dev/null
	sleep 0.2
	! pgrep -f "sleep $nap"
}

@test "a client gone before a direct-mode script's status line: one access line with '-', exit 0, the script not run" {
	local log=$BATS_TEST_TMPDIR/log
	run python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)	# the client is gone: the status line meets EPIPE
p = subprocess.run(sys.argv[1:], input=b"GET /cgi-bin/env.sh HTTP/1.0\r\n\r\n", stdout=w)
print(p.returncode)' env -i "$CGIINETD" -l "$log" -d "$WWW"
	[ "$output" = 0 ]
	[ "$(wc -l <"$log")" -eq 1 ]
	grep -q '"GET /cgi-bin/env.sh HTTP/1.0" - - "-" "-"$' "$log"
}

@test "a program that cannot be exec'd after our 200 went out (ETXTBSY): logged as 500 with the error, exit 3" {
	local d log=$BATS_TEST_TMPDIR/log
	d=$(scratch_root)
	cc -o "$d/cgi-bin/busy" "$BATS_TEST_DIRNAME/cgi-hello.c"
	chmod 755 "$d/cgi-bin/busy"
	exec 7>>"$d/cgi-bin/busy"	# open for writing: exec fails with ETXTBSY
	status=0
	printf 'GET /cgi-bin/busy HTTP/1.0\r\n\r\n' | cgiinetd -l "$log" -d "$d" >/dev/null || status=$?
	exec 7>&-
	[ "$status" -eq 3 ]
	grep -qx 'cgiinetd: /cgi-bin/busy: exec failed: Text file busy' "$log"
	grep -q '"GET /cgi-bin/busy HTTP/1.0" 500 ' "$log"
}

@test "#! line: all after the interpreter is its one argument, as the kernel passes it" {
	local d
	d=$(scratch_root)
	printf '#!/usr/bin/printf Content-Type:\\40text/plain\\r\\n\\r\\n[%%s]\\n A B\n' >"$d/cgi-bin/args"
	chmod 755 "$d/cgi-bin/args"
	request 'GET /cgi-bin/args HTTP/1.0\r\n\r\n' -d "$d"
	[[ "$output" == *$'\n[./args]\n A B' ]] || { echo "$output"; return 1; }
}

@test "a script's stderr line past 1024 bytes: one line logged, cut and marked, the rest skipped" {
	local d log=$BATS_TEST_TMPDIR/log
	d=$(scratch_root)
	printf '#!/bin/sh\nhead -c 3000 /dev/zero | tr "\\\\0" a >&2; echo >&2\necho after >&2\nprintf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n' >"$d/cgi-bin/long.sh"
	chmod 755 "$d/cgi-bin/long.sh"
	printf 'GET /cgi-bin/long.sh HTTP/1.0\r\n\r\n' | cgiinetd -l "$log" -d "$d" >/dev/null
	cat "$log"
	[ "$(grep -c ': stderr: ' "$log")" -eq 2 ]
	grep -qx "cgiinetd: 127.0.0.1 /cgi-bin/long.sh: stderr: $(head -c 1024 /dev/zero | tr '\0' a) \[cut\]" "$log"
	grep -qx 'cgiinetd: 127.0.0.1 /cgi-bin/long.sh: stderr: after' "$log"
}
