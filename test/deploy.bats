#!/usr/bin/env bats
# Deployment for real: the shipped xinetd entry under xinetd, tcpserver,
# socat, the systemd units (verified), make install, the man page.

load helpers

ROOT=$BATS_TEST_DIRNAME/..

teardown() {
	serve_stop
	[ -z "${SITE:-}" ] || rm -rf "$SITE"
	[ -z "${LAUNCHER_PID:-}" ] || { kill "$LAUNCHER_PID" 2>/dev/null; wait "$LAUNCHER_PID" 2>/dev/null; } || true
	[ -z "${HAPROXY_PID:-}" ] || { kill "$HAPROXY_PID" 2>/dev/null; wait "$HAPROXY_PID" 2>/dev/null; } || true
}

free_port() {
	PORT=$(random_port)
}

# Wait until something answers on $PORT.
wait_port() {
	local i=0
	until curl -s -o /dev/null "http://127.0.0.1:$PORT/hello.txt" || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

@test "xinetd: the shipped entry serves a file and runs a script; REMOTE_ADDR is the client's" {
	command -v xinetd >/dev/null || skip "no xinetd"
	free_port
	xinetd_start stderr "$WWW"
	run curl -sS "http://127.0.0.1:$PORT/hello.txt"
	[ "$output" = hello ] || { echo "$output"; cat "$BATS_TEST_TMPDIR/xinetd.log"; false; }
	run curl -sS --interface 127.0.0.2 "http://127.0.0.1:$PORT/cgi-bin/env.sh"
	[[ "$output" == *$'\nREMOTE_ADDR=127.0.0.2\n'* ]]
	[[ "$output" == *$'\nSERVER_PORT='"$PORT"$'\n'* ]]
	# xinetd gives the socket as fd 2 too: the log line must not be in the answer
	[[ "$output" != *'"GET /cgi-bin/env.sh'* ]]
	if running_as_root; then
		[[ "$(curl -sS "http://127.0.0.1:$PORT/cgi-bin/id.sh")" == *"uid=$(id -u nobody) "* ]]
	fi
	# the entry runs -P: a script's Status and redirect reach the client
	run curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
		"http://127.0.0.1:$PORT/cgi-bin/reply.sh?location"
	[ "$output" = "302 http://example.org/elsewhere" ]
}

@test "xinetd: the shipped entry answers 400 connections from one client in a row (cps is no limit to a burst)" {
	command -v xinetd >/dev/null || skip "no xinetd"
	free_port
	local codes
	grep -Eq '^\s*cps\s*=\s*[0-9]{4,} ' "$ROOT/xinetd.d/cgiinetd"
	xinetd_start none "$WWW"
	# one curl, 400 URLs: a new connection each (HTTP/1.0 closes), back to back
	codes=$(curl -s -w '%{http_code}\n' \
		$(for i in $(seq 1 400); do echo "http://127.0.0.1:$PORT/hello.txt?$i"; done) |
		grep -vx hello | sort | uniq -c | tr -s ' ')
	[ "$codes" = " 400 200" ] || { echo "$codes"; cat "$BATS_TEST_TMPDIR/xinetd.log"; false; }
}

@test "tcpserver: REMOTE_ADDR and REMOTE_PORT reach the script" {
	command -v tcpserver >/dev/null || skip "no tcpserver"
	free_port
	tcpserver -HR 127.0.0.1 "$PORT" "$CGIINETD" -l none -d "$WWW" 2>/dev/null &
	LAUNCHER_PID=$!
	wait_port
	curl -sS --interface 127.0.0.2 -w '%{local_port}\n' "http://127.0.0.1:$PORT/cgi-bin/env.sh" >"$BATS_TEST_TMPDIR/out"
	grep -qx 'REMOTE_ADDR=127.0.0.2' "$BATS_TEST_TMPDIR/out"
	grep -qx "REMOTE_PORT=$(tail -n 1 "$BATS_TEST_TMPDIR/out")" "$BATS_TEST_TMPDIR/out"
	! grep -q '^TCP' "$BATS_TEST_TMPDIR/out"
}

@test "socat EXEC: no socket to ask, so socat's variables give the addresses" {
	command -v socat >/dev/null || skip "no socat"
	free_port
	socat "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" "EXEC:$CGIINETD -l none -d $WWW" 2>/dev/null &
	LAUNCHER_PID=$!
	wait_port
	curl -sS --interface 127.0.0.2 -w '%{local_port}\n' "http://127.0.0.1:$PORT/cgi-bin/env.sh" >"$BATS_TEST_TMPDIR/out"
	grep -qx 'REMOTE_ADDR=127.0.0.2' "$BATS_TEST_TMPDIR/out"
	grep -qx "REMOTE_PORT=$(tail -n 1 "$BATS_TEST_TMPDIR/out")" "$BATS_TEST_TMPDIR/out"
	grep -qx "SERVER_PORT=$PORT" "$BATS_TEST_TMPDIR/out"
	! grep -q '^SOCAT' "$BATS_TEST_TMPDIR/out"
	# a body still reaches the script through socat's socketpair
	run curl -sS --data-binary 'over socat' "http://127.0.0.1:$PORT/cgi-bin/body.sh"
	[ "$output" = "md5 $(printf 'over socat' | md5sum | cut -d' ' -f1)" ]
}

@test "socat TCP6-LISTEN: its bracketed, v4-mapped SOCAT_PEERADDR gives the client's address as IPv4; ::1 as ::1" {
	command -v socat >/dev/null || skip "no socat"
	[ -e /proc/net/if_inet6 ] || skip "no IPv6"
	local out=$BATS_TEST_TMPDIR/out
	free_port
	socat "TCP6-LISTEN:$PORT,ipv6only=0,reuseaddr,fork" "EXEC:$CGIINETD -l none -d $WWW" 2>/dev/null &
	LAUNCHER_PID=$!
	wait_port
	# socat says [0000:0000:0000:0000:0000:ffff:7f00:0002] and its port
	curl -sS --interface 127.0.0.2 -w '%{local_port}\n' "http://127.0.0.1:$PORT/cgi-bin/env.sh" >"$out"
	grep -qx 'REMOTE_ADDR=127.0.0.2' "$out" || { grep ^REMOTE "$out"; return 1; }
	grep -qx "REMOTE_PORT=$(tail -n 1 "$out")" "$out"
	grep -qx 'SERVER_ADDR=127.0.0.1' "$out"
	grep -qx "SERVER_PORT=$PORT" "$out"
	curl -sS -g "http://[::1]:$PORT/cgi-bin/env.sh" >"$out"
	grep -qx 'REMOTE_ADDR=::1' "$out" || { grep ^REMOTE "$out"; return 1; }
	grep -qx 'SERVER_ADDR=::1' "$out"
}

@test "systemd: the shipped socket and service units verify" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	local d=$BATS_TEST_TMPDIR/units
	mkdir "$d"
	cp "$ROOT/systemd/cgiinetd.socket" "$d/"
	sed "s|/usr/local/sbin/cgiinetd|$CGIINETD|" "$ROOT/systemd/cgiinetd@.service" >"$d/cgiinetd@.service"
	run systemd-analyze verify "$d/cgiinetd.socket" "$d/cgiinetd@.service"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -q '^Accept=yes' "$d/cgiinetd.socket"
	# a burst must not leave the socket failed: no trigger limit
	grep -q '^TriggerLimitIntervalSec=0$' "$d/cgiinetd.socket"
	grep -q '^TriggerLimitBurst=0$' "$d/cgiinetd.socket"
	grep -q '^ExecStart=.* -P ' "$d/cgiinetd@.service"
	grep -q '^StandardInput=socket' "$d/cgiinetd@.service"
	# and verify does catch a broken unit
	printf 'Bogus=1\n' >>"$d/cgiinetd@.service"
	run systemd-analyze verify "$d/cgiinetd.socket" "$d/cgiinetd@.service"
	[[ "$output" == *Bogus* ]]
}

@test "make install: binary, man page, xinetd entry and units under DESTDIR, pointing at PREFIX; uninstall removes them" {
	local dest=$BATS_TEST_TMPDIR/dest
	make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
	[ -x "$dest/usr/sbin/cgiinetd" ]
	"$dest/usr/sbin/cgiinetd" --version | grep -q '^cgiinetd '
	[ -f "$dest/usr/share/man/man8/cgiinetd.8" ]
	grep -q 'server\s*= /usr/sbin/cgiinetd' "$dest/etc/xinetd.d/cgiinetd"
	grep -q '^ExecStart=/usr/sbin/cgiinetd ' "$dest/usr/lib/systemd/system/cgiinetd@.service"
	[ -f "$dest/usr/lib/systemd/system/cgiinetd.socket" ]
	make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/usr SYSCONFDIR=/etc >/dev/null
	[ -z "$(find "$dest" -type f)" ]
}

@test "the man page is clean under mandoc -Tlint and names every option" {
	command -v mandoc >/dev/null || skip "no mandoc"
	run mandoc -Tlint "$ROOT/cgiinetd.8"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	for opt in directory cgi-dirs user timeout cgi-timeout parse-headers chroot \
	           follow-symlinks no-listing log pass-auth max-body dotfiles proxy-protocol; do
		grep -q "^\.B.*\\\\-\\\\-$(sed 's/-/\\\\-/g' <<<"$opt")" "$ROOT/cgiinetd.8" ||
			{ echo "missing --$opt"; return 1; }
	done
}

@test "build: without musl-gcc, make links with the system's libc and says so in one line" {
	local d=$BATS_TEST_TMPDIR/src
	mkdir "$d"
	cp "$BATS_TEST_DIRNAME"/../{Makefile,*.c,*.h} "$d"/
	rm -f "$d/mime.h"
	run make -C "$d" MUSL_GCC= cgiinetd
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c '^cgiinetd: no musl-gcc, so linked dynamically')" -eq 1 ]
	file "$d/cgiinetd" | grep -q 'dynamically linked'
	command -v musl-gcc >/dev/null || skip "no musl-gcc for the static half"
	run make -C "$d" cgiinetd	# musl arrives: every object again, none mixed
	[ "$status" -eq 0 ]
	[[ "$output" != *"no musl-gcc"* ]]
	file "$d/cgiinetd" | grep -q 'static-pie linked'
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | "$d/cgiinetd" -l none -d "$WWW" | grep -q '^HTTP/1.0 200 OK'
}

@test "python: a tree served by python3 -m http.server --cgi answers the same under cgiinetd" {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import http.server; http.server.CGIHTTPRequestHandler' ||
		skip "this Python has no CGIHTTPRequestHandler"
	local d py cg u
	# a tree nobody can reach by its absolute path, as Python opens a script
	d=$(mktemp -d /tmp/cgiinetd-python.XXXXXX)
	SITE=$d
	mkdir -p "$d/cgi-bin" "$d/sub"
	echo hello >"$d/hello.txt"
	printf '#!/usr/bin/python3\nimport os, sys\nprint("Content-Type: text/plain")\nprint()\nprint("query=" + os.environ.get("QUERY_STRING", ""))\nprint("method=" + os.environ["REQUEST_METHOD"])\nprint("body=" + sys.stdin.read(int(os.environ.get("CONTENT_LENGTH") or 0)))\n' >"$d/cgi-bin/hello.py"
	chmod -R a+rX "$d"
	chmod 755 "$d/cgi-bin/hello.py"
	free_port
	py=$PORT
	/usr/bin/python3 -m http.server --cgi "$py" --bind 127.0.0.1 --directory "$d" >/dev/null 2>&1 &
	LAUNCHER_PID=$!
	wait_port
	# the README's one-line equivalent
	serve -l none -d "$d"
	cg=$PORT
	for u in / /hello.txt /sub/ '/cgi-bin/hello.py?a=1' '/cgi-bin/hello.py?word'; do
		[ "$(curl -sS "http://127.0.0.1:$py$u")" = "$(curl -sS "http://127.0.0.1:$cg$u")" ] ||
			{ echo "differs: $u"; return 1; }
	done
	[ "$(curl -sS -d x=2 "http://127.0.0.1:$py/cgi-bin/hello.py")" = \
	  "$(curl -sS -d x=2 "http://127.0.0.1:$cg/cgi-bin/hello.py")" ]
	run curl -sS -d x=2 "http://127.0.0.1:$cg/cgi-bin/hello.py"
	[ "$output" = $'query=\nmethod=POST\nbody=x=2' ] || { echo "got: $output"; return 1; }
	serve_stop
}

# ---- TLS: the README's three recipes -----------------------------------

# tls_site: a certificate for 127.0.0.1 and localhost ($PEM, key and
# certificate in one file, as all three launchers take it), a document
# root with a 1 MiB file ($SITE_ROOT), a log ($LOG) and a free $PORT.
tls_site() {
	command -v openssl >/dev/null || skip "no openssl"
	PEM=$BATS_TEST_TMPDIR/site.pem
	LOG=$BATS_TEST_TMPDIR/cgiinetd.log
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-days 1 -keyout "$PEM" -out "$PEM" 2>/dev/null
	SITE_ROOT=$(scratch_root)
	head -c 1048576 /dev/urandom >"$SITE_ROOT/big.bin"
	chmod 644 "$SITE_ROOT/big.bin"
	free_port
}

# readme_block PATTERN: the indented block under README's line matching
# PATTERN, unindented, with this test's paths for the site's.
readme_block() {
	awk -v pat="$1" 'on && /^    / { print substr($0, 5); got = 1; next }
		on && got { exit } $0 ~ pat { on = 1 }' "$ROOT/README" |
	sed -e "s|/usr/local/sbin/cgiinetd|$CGIINETD|g" -e "s|/srv/www|$SITE_ROOT|g" \
	    -e "s|/etc/ssl/site.pem|$PEM|g" -e "s|/var/log/cgiinetd.log|$LOG|g"
}

# wait_https PORT: until https://127.0.0.1:PORT/ answers (bounded).
wait_https() {
	local i=0
	until curl -s -o /dev/null --cacert "$PEM" "https://127.0.0.1:$1/hello.txt" ||
	      [ $i -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# https_checks PORT SERVER_ADDR SERVER_PORT: over https:// to PORT, with
# the certificate verified: a script sees https and the client (address,
# port, also in the log), a 1 MiB file and a 1 MiB POST body arrive whole.
https_checks() {
	local out=$BATS_TEST_TMPDIR/out sum
	curl -sS --cacert "$PEM" -w '%{local_port}\n' "https://127.0.0.1:$1/cgi-bin/env.sh" >"$out"
	grep -qx 'HTTPS=on' "$out"
	grep -qx 'REQUEST_SCHEME=https' "$out"
	grep -qx 'REMOTE_ADDR=127.0.0.1' "$out"
	grep -qx 'REMOTE_HOST=127.0.0.1' "$out"
	grep -qx "REMOTE_PORT=$(tail -n 1 "$out")" "$out" ||
		{ echo "client port $(tail -n 1 "$out"), script saw: $(grep ^REMOTE_PORT "$out")"; return 1; }
	grep -qx "SERVER_ADDR=$2" "$out"
	grep -qx "SERVER_PORT=$3" "$out" || { grep ^SERVER_PORT "$out"; return 1; }
	[ "$(grep -c '^\(HTTPS\|REMOTE_ADDR\|REMOTE_PORT\)=' "$out")" -eq 3 ]
	grep -q '^127\.0\.0\.1 - - .*"GET /cgi-bin/env.sh HTTP/1.1" 200 ' "$LOG"
	# another client address: the client's, not the relay's 127.0.0.1
	curl -sS --cacert "$PEM" --interface 127.0.0.2 "https://127.0.0.1:$1/cgi-bin/env.sh" >"$out"
	grep -qx 'REMOTE_ADDR=127.0.0.2' "$out" || { grep ^REMOTE "$out"; return 1; }
	curl -sS --cacert "$PEM" -o "$BATS_TEST_TMPDIR/big" "https://127.0.0.1:$1/big.bin"
	cmp "$SITE_ROOT/big.bin" "$BATS_TEST_TMPDIR/big"
	sum=$(md5sum <"$SITE_ROOT/big.bin" | cut -d' ' -f1)
	run curl -sS --cacert "$PEM" --data-binary "@$SITE_ROOT/big.bin" \
		"https://127.0.0.1:$1/cgi-bin/body.sh"
	[ "$output" = "md5 $sum" ] || { echo "POST: $output"; return 1; }
}

# plain_to_tls PORT LAUNCHER: plain HTTP sent to the TLS port fails (an
# error or a closed connection, not timeout's 124), and no cgiinetd stays
# under LAUNCHER.
plain_to_tls() {
	local rc=0
	timeout 10 curl -sS -o /dev/null "http://127.0.0.1:$1/hello.txt" 2>/dev/null || rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { echo "plain HTTP to TLS: exit $rc"; return 1; }
	gone_under "$2" 20 || { echo "left: $(cgiinetd_under "$2")"; return 1; }
}

@test "TLS, stunnel: the README's file, one cgiinetd per connection; the client from REMOTE_HOST/REMOTE_PORT, scripts see https" {
	command -v stunnel4 >/dev/null || skip "no stunnel4"
	local conf=$BATS_TEST_TMPDIR/cgiinetd.conf i=0
	tls_site
	readme_block '^stunnel@cgiinetd' |
		sed "s|^accept = 443\$|accept = 127.0.0.1:$PORT|" >"$conf"
	grep -qx "accept = 127.0.0.1:$PORT" "$conf"
	grep -qx "exec = $CGIINETD" "$conf"
	grep -q '^execArgs = cgiinetd --https ' "$conf"
	stunnel4 "$conf" 2>"$BATS_TEST_TMPDIR/stunnel.log" &
	LAUNCHER_PID=$!
	wait_https "$PORT"
	# stunnel's own loopback pair is the socket: no local end to show
	https_checks "$PORT" 127.0.0.1 0 || { cat "$BATS_TEST_TMPDIR/stunnel.log"; false; }
	# a request in flight is a cgiinetd under stunnel: the check below sees them
	curl -s --cacert "$PEM" -o /dev/null "https://127.0.0.1:$PORT/cgi-bin/slow.sh" &
	until [ -n "$(cgiinetd_under "$LAUNCHER_PID")" ] || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$(cgiinetd_under "$LAUNCHER_PID")" ]
	wait $!
	plain_to_tls "$PORT" "$LAUNCHER_PID"
}

@test "TLS, socat OPENSSL-LISTEN with --https: the README's line; scripts see https and the client" {
	command -v socat >/dev/null || skip "no socat"
	local cmd
	tls_site
	cmd=$(readme_block 'SOCAT_SOCKADDR and SOCAT_SOCKPORT:$' |
		sed "s|OPENSSL-LISTEN:443,|OPENSSL-LISTEN:$PORT,bind=127.0.0.1,|")
	[[ "$cmd" == "socat OPENSSL-LISTEN:$PORT,bind=127.0.0.1,"*" EXEC:'$CGIINETD --https "* ]]
	eval "exec $cmd" 2>/dev/null &
	LAUNCHER_PID=$!
	wait_https "$PORT"
	https_checks "$PORT" 127.0.0.1 "$PORT"
	plain_to_tls "$PORT" "$LAUNCHER_PID"
}

@test "TLS, HAProxy send-proxy-v2-ssl: the README's config; no --https, scripts see https from the PROXY header" {
	command -v haproxy >/dev/null || skip "no haproxy"
	local cfg=$BATS_TEST_TMPDIR/haproxy.cfg args try
	tls_site
	args=$(readme_block 'or, as the test runs it:$' | tr -d '\\\n' |
		sed -n "s|^systemd-socket-activate --accept --inetd -l 127.0.0.1:8443 *$CGIINETD ||p")
	[[ "$args" == "--proxy-protocol "* ]] && [[ "$args" != *--https* ]]
	eval "serve $args"
	for try in 1 2 3 4 5; do
		FRONT=$(random_port)
		readme_block '^scripts see SERVER_ADDR and SERVER_PORT as the client reached' |
			sed -e "s|^\( *bind\) :443 |\1 127.0.0.1:$FRONT |" \
			    -e "s|127\.0\.0\.1:8443 |127.0.0.1:$PORT |" >"$cfg"
		grep -q "^    bind 127.0.0.1:$FRONT ssl crt $PEM\$" "$cfg"
		grep -q "^    server local 127.0.0.1:$PORT send-proxy-v2-ssl\$" "$cfg"
		haproxy_run "$cfg" "$FRONT" && break
	done
	kill -0 "$HAPROXY_PID"
	wait_https "$FRONT"
	https_checks "$FRONT" 127.0.0.1 "$FRONT" || { cat "$BATS_TEST_TMPDIR/haproxy.log"; false; }
	plain_to_tls "$FRONT" "$SERVER_PID"
}

@test "build: a user's CFLAGS add to ours (warnings, hardening kept); a header change rebuilds what includes it" {
	run make -C "$ROOT" -n -B CFLAGS=-O3 cgiinetd.o
	[ "$status" -eq 0 ]
	[[ "$output" == *"-Werror"*"-D_FORTIFY_SOURCE=2"*"-fstack-protector-strong"*"-fPIE"*"-O3"* ]]
	local d=$BATS_TEST_TMPDIR/src
	mkdir "$d"
	cp "$ROOT"/Makefile "$ROOT"/*.c "$ROOT"/*.h "$d"/
	rm -f "$d/mime.h"
	make -s -C "$d" cgiinetd >/dev/null 2>&1
	touch "$d/file.h"
	run make -C "$d" cgiinetd
	[[ "$output" == *"-o file.o file.c"* ]]
	[[ "$output" == *"-o cgiinetd.o cgiinetd.c"* ]]
	[[ "$output" != *"-o cgi.o cgi.c"* ]]
}
