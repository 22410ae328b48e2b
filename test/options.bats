#!/usr/bin/env bats
# The command line, logging, and what changes when started as root.

load helpers

@test "--help prints every option and exits 0" {
	run cgiinetd --help
	[ "$status" -eq 0 ]
	for opt in --directory --cgi-dirs --user --timeout --cgi-timeout \
	           --parse-headers --chroot --follow-symlinks --no-listing --log \
	           -e --pass-auth --max-body --dotfiles --proxy-protocol; do
		[[ "$output" == *"$opt"* ]] || { echo "missing $opt"; return 1; }
	done
}

@test "--version prints the version" {
	run cgiinetd --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^cgiinetd\ [0-9]+\.[0-9]+ ]]
}

@test "an unknown option: one line on stderr, exit 2" {
	run cgiinetd --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"unrecognized option"* ]]
}

@test "a bad --timeout: exit 2 with the reason" {
	run cgiinetd -t 0
	[ "$status" -eq 2 ]
	[[ "$output" == *"--timeout must be a number from 1"* ]]
	run cgiinetd --timeout 12x
	[ "$status" -eq 2 ]
}

@test "a bad CGI directory list: exit 2" {
	run cgiinetd -c 'cgi-bin'
	[ "$status" -eq 2 ]
	[[ "$output" == *"URL path like /cgi-bin"* ]]
	run cgiinetd -c '/a/../b'
	[ "$status" -eq 2 ]
}

@test "a bad -e: exit 2" {
	run cgiinetd -e '1X=2'
	[ "$status" -eq 2 ]
	run cgiinetd -e '=x'
	[ "$status" -eq 2 ]
}

@test "two document roots: exit 2" {
	run cgiinetd -d "$WWW" "$WWW"
	[ "$status" -eq 2 ]
	[[ "$output" == *"one document root"* ]]
}

@test "an unusable document root: a message naming it, exit 2, nothing read" {
	status=0
	printf 'GET / HTTP/1.0\r\n\r\n' | cgiinetd -d /nonexistent/www >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 2 ]
	grep -q "document root '/nonexistent/www'" "$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "the document root is the operand, or -d, or the current directory" {
	run bash -c "printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | env -i '$CGIINETD' -l none '$WWW'"
	[[ "$output" == *hello ]]
	run bash -c "cd '$WWW' && printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | env -i '$CGIINETD' -l none"
	[[ "$output" == *hello ]]
}

@test "--no-listing: a directory without an index is 403" {
	request 'GET /list/ HTTP/1.0\r\n\r\n' --no-listing
	[ "$(status_line)" = "HTTP/1.0 403 Forbidden" ]
	[ "$status" -eq 1 ]
	[[ "$output" == *"No permission to list directory"* ]]
	request 'GET /dir/ HTTP/1.0\r\n\r\n' --no-listing
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "--dotfiles serves and lists dot-files" {
	request 'GET /.htpasswd HTTP/1.0\r\n\r\n' --dotfiles
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *"user:secret" ]]
	request 'GET /list/ HTTP/1.0\r\n\r\n' --dotfiles
	[[ "$output" == *'<a href=".hidden">.hidden</a>'* ]]
}

@test "--follow-symlinks follows a symlink out of the root" {
	request 'GET /out-link HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	request 'GET /out-link HTTP/1.0\r\n\r\n' --follow-symlinks
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *"cgiinetd"* ]]
}

@test "--follow-symlinks still refuses .. above the root" {
	request 'GET /../README HTTP/1.0\r\n\r\n' --follow-symlinks
	[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ]
}

@test "-c: other CGI directories; /cgi-bin is then a plain directory" {
	request 'GET /dir/ HTTP/1.0\r\n\r\n' -c /dir
	[ "$(status_line)" = "HTTP/1.0 403 Forbidden" ]
	[[ "$output" == *"CGI script is not a plain file ('/dir/')"* ]]
	request 'GET /cgi-bin/ HTTP/1.0\r\n\r\n' -c /dir
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *"Directory listing for /cgi-bin/"* ]]
}

@test "-l FILE: one Combined Log Format line per request, appended" {
	local log=$BATS_TEST_TMPDIR/access.log
	printf 'GET /hello.txt HTTP/1.0\r\nReferer: http://r.example/\r\nUser-Agent: ua/1\r\n\r\n' |
		cgiinetd -d "$WWW" -l "$log" >/dev/null
	printf 'GET /nope HTTP/1.0\r\n\r\n' | cgiinetd -d "$WWW" -l "$log" >/dev/null || true
	[ "$(wc -l <"$log")" -eq 2 ]
	grep -Eq '^127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2} \+0000\] "GET /hello.txt HTTP/1.0" 200 6 "http://r.example/" "ua/1"$' "$log"
	grep -Eq '"GET /nope HTTP/1.0" 404 [0-9]+ "-" "-"$' "$log"
}

@test "-l: quotes, backslashes and control bytes in the log are escaped" {
	local log=$BATS_TEST_TMPDIR/access.log
	printf 'GET /hello.txt HTTP/1.0\r\nUser-Agent: a"b\\c\tz\xff\r\n\r\n' |
		cgiinetd -d "$WWW" -l "$log" >/dev/null
	grep -Fq '"a\"b\\c\x09z\xff"' "$log"
}

@test "-l stderr logs to stderr; -l none logs nothing" {
	run bash -c "printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | env -i '$CGIINETD' -d '$WWW' -l stderr 2>&1 >/dev/null"
	[[ "$output" == *'"GET /hello.txt HTTP/1.0" 200 6'* ]]
	run bash -c "printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | env -i '$CGIINETD' -d '$WWW' -l none 2>&1 >/dev/null"
	[ -z "$output" ]
}

@test "a timed-out head: 408 and exit 4" {
	status=0
	{ printf 'GET /hello.txt HTTP/1.0\r\n'; sleep 4; } |
		cgiinetd -l none -d "$WWW" -t 1 >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 4 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 408 Request Timeout'
}

@test "a client that sends nothing and closes: no answer, exit 0" {
	run cgiinetd -l none -d "$WWW" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "launcher variables give the peer address when stdin is no socket" {
	local log=$BATS_TEST_TMPDIR/access.log
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' |
		env -i TCPREMOTEIP=192.0.2.7 TCPREMOTEPORT=4242 "$CGIINETD" -d "$WWW" -l "$log" >/dev/null
	grep -q '^192\.0\.2\.7 ' "$log"
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' |
		env -i SOCAT_PEERADDR=2001:db8::1 "$CGIINETD" -d "$WWW" -l "$log" >/dev/null
	grep -q '^2001:db8::1 ' "$log"
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' |
		env -i REMOTE_ADDR='not an address' "$CGIINETD" -d "$WWW" -l "$log" >/dev/null
	tail -n 1 "$log" | grep -q '^127\.0\.0\.1 '
}

@test "as root: a file only root may read is 403 (the drop happened first)" {
	running_as_root || skip "needs root"
	local root
	root=$(scratch_root)
	echo secret >"$root/root-only.txt"
	chmod 600 "$root/root-only.txt"
	status=0
	printf 'GET /root-only.txt HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$root" >"$BATS_TEST_TMPDIR/out" || status=$?
	[ "$status" -eq 1 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 403 Forbidden'
	! grep -q secret "$BATS_TEST_TMPDIR/out"
}

@test "as root: a document root nobody cannot reach from / still works" {
	running_as_root || skip "needs root"
	local root
	root=$(scratch_root)
	chmod 700 "$BATS_TEST_TMPDIR"
	status=0
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | env -i "$CGIINETD" -l none "$root" >"$BATS_TEST_TMPDIR/out" || status=$?
	chmod 755 "$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ]
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 200 OK'
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = hello ]
}

@test "as root: an unknown --user is fatal, exit 2, nothing served" {
	running_as_root || skip "needs root"
	status=0
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | cgiinetd -d "$WWW" -u no-such-user-x >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 2 ]
	grep -q "unknown user 'no-such-user-x'" "$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "as root: --user root is refused (setuid(0) must fail after the drop)" {
	running_as_root || skip "needs root"
	status=0
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | cgiinetd -d "$WWW" -u root >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 2 ]
	grep -q "still privileged" "$BATS_TEST_TMPDIR/err"
}

@test "as root: --user UID:GID drops to those ids with no user database read" {
	running_as_root || skip "needs root"
	command -v strace >/dev/null || skip "no strace"
	printf 'GET /cgi-bin/id.sh HTTP/1.0\r\n\r\n' >"$BATS_TEST_TMPDIR/in"
	env -i ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$CGIINETD" -l none -d "$WWW" -u 65534:65533 <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	grep -qx 'uid=65534 gid=65533 groups=65533' "$BATS_TEST_TMPDIR/out"
	! grep -q /etc/passwd "$BATS_TEST_TMPDIR/trace"
	# a name is still looked up
	env -i ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$CGIINETD" -l none -d "$WWW" -u nobody <"$BATS_TEST_TMPDIR/in" >/dev/null
	grep -q /etc/passwd "$BATS_TEST_TMPDIR/trace"
}

@test "as root: a malformed UID:GID is an unknown user, and 0:0 is refused" {
	running_as_root || skip "needs root"
	local u
	for u in 1: :1 x:1 1:x 1:2:3 -1:1 1:-1 ' 1:1' 4294967295:1 1:99999999999999999999; do
		status=0
		cgiinetd -d "$WWW" -u "$u" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
		[ "$status" -eq 2 ] || { echo "'$u': exit $status"; return 1; }
		grep -q "unknown user" "$BATS_TEST_TMPDIR/err" || { echo "'$u'"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
	done
	status=0
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | cgiinetd -d "$WWW" -u 0:0 >/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
	[ "$status" -eq 2 ]
	grep -q "still privileged" "$BATS_TEST_TMPDIR/err"
}

@test "as root: --chroot serves from inside the root" {
	running_as_root || skip "needs root"
	request 'GET /hello.txt HTTP/1.0\r\n\r\n' --chroot
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *hello ]]
}

@test "not root: --chroot is refused" {
	running_as_root && skip "needs an ordinary user"
	run cgiinetd -d "$WWW" --chroot
	[ "$status" -eq 2 ]
}

@test "as root: the default log is syslog, facility daemon, ident cgiinetd" {
	running_as_root || skip "needs root (a private /dev in a mount namespace)"
	command -v unshare >/dev/null || skip "no unshare"
	local dev=$BATS_TEST_TMPDIR/dev
	mkdir "$dev"
	touch "$dev/null"
	python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)	# as /dev/log is: cgiinetd sends as nobody
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(10)
with open(sys.argv[2], "wb") as f:
    f.write(s.recv(4096))' "$dev/log" "$BATS_TEST_TMPDIR/syslog" &
	local listener=$!
	while [ ! -e "$dev/log.ready" ]; do sleep 0.02; done
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' >"$BATS_TEST_TMPDIR/in"
	unshare -m sh -c 'mount --bind /dev/null "$1/null" && mount --bind "$1" /dev && exec "$2" -d "$3" <"$4" >/dev/null' \
		sh "$dev" "$CGIINETD" "$WWW" "$BATS_TEST_TMPDIR/in"
	wait "$listener"
	grep -Eq '^<30>.* cgiinetd\[[0-9]+\]: 127\.0\.0\.1 - - \[.*\] "GET /hello.txt HTTP/1.0" 200 6 "-" "-"$' "$BATS_TEST_TMPDIR/syslog"
}

# build_with_mime_types FILE: cgiinetd built in a copy of the sources with
# FILE (or nothing, if empty) as the system's mime.types; prints its path
build_with_mime_types() {
	local src=$BATS_TEST_DIRNAME/.. dir=$BATS_TEST_TMPDIR/build
	mkdir -p "$dir"
	cp "$src"/Makefile "$src"/*.c "$src"/*.h "$dir"
	rm -f "$dir/mime.h"
	make -s -C "$dir" cgiinetd MIME_TYPES="$1" >&2
	echo "$dir/cgiinetd"
}

# type_of BINARY ROOT NAME: the Content-Type BINARY gives ROOT's file NAME
type_of() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "$3" | env -i "$1" -l none -d "$2" |
		tr -d '\r' | sed -n 's/^Content-Type: //p'
}

# a document root of empty files with these names, readable by nobody
files_root() {
	local d=$BATS_TEST_TMPDIR/www f
	mkdir -p "$d"
	for f; do : >"$d/$f"; done
	chmod -R a+rX "$BATS_TEST_TMPDIR"
	echo "$d"
}

@test "mime.types is compiled in: CRLF, comments, a later line wins, case as Python" {
	local types=$BATS_TEST_TMPDIR/mime.types bin root
	printf '# text/x-comment zzqx\r\ntext/x-first\tzzqx other\r\n' >"$types"
	printf 'bad/"quoted" json\ntext/x-last   zzqx\ntext/x-upper HTML\n' >>"$types"
	printf 'text/x-note zznote #zzaside x\n' >>"$types"	# a comment to the line's end
	printf 'application/x-tail tail' >>"$types"	# no final newline
	bin=$(build_with_mime_types "$types")
	grep -q "from $types" "$BATS_TEST_TMPDIR/build/mime.h"
	root=$(files_root a.zzqx b.other c.OTHER d.HTML e.json f.tail g.html h.zznote i.x)
	[ "$(type_of "$bin" "$root" a.zzqx)" = text/x-last ]
	[ "$(type_of "$bin" "$root" b.other)" = text/x-first ]
	# as spelt first, then in lower case (Python's guess_type)
	[ "$(type_of "$bin" "$root" c.OTHER)" = text/x-first ]
	[ "$(type_of "$bin" "$root" d.HTML)" = text/x-upper ]
	# a name C would have to escape is left out: the built-in table answers
	[ "$(type_of "$bin" "$root" e.json)" = application/json ]
	[ "$(type_of "$bin" "$root" f.tail)" = application/x-tail ]
	[ "$(type_of "$bin" "$root" g.html)" = text/html ]
	[ "$(type_of "$bin" "$root" h.zznote)" = text/x-note ]
	[ "$(type_of "$bin" "$root" i.x)" = application/octet-stream ]
	! grep -q zzaside "$BATS_TEST_TMPDIR/build/mime.h"
}

@test "without a mime.types at build time the built-in table answers" {
	local bin root
	bin=$(build_with_mime_types "")
	grep -q "from no mime.types" "$BATS_TEST_TMPDIR/build/mime.h"
	root=$(files_root a.json b.zzqx c.HTML)
	[ "$(type_of "$bin" "$root" a.json)" = application/json ]
	[ "$(type_of "$bin" "$root" b.zzqx)" = application/octet-stream ]
	[ "$(type_of "$bin" "$root" c.HTML)" = text/html ]
}

@test "the system's mime.types gives types the built-in table lacks" {
	[ -r /etc/mime.types ] || skip "no /etc/mime.types on this machine"
	local want root
	# Python's rule: the last line naming the extension wins
	want=$(awk '!/^[ \t]*#/ { for (i = 2; i <= NF; i++) if ($i == "csh") t = $1 } END { print t }' /etc/mime.types)
	[ -n "$want" ] || skip "/etc/mime.types has no csh"
	root=$(files_root run.csh)
	[ "$(type_of "$CGIINETD" "$root" run.csh)" = "$want" ]
}

@test "Python's extensions_map wins over mime.types: .gz .bz2 .xz .Z (as spelt, then lowered)" {
	local root
	root=$(files_root a.gz b.bz2 c.xz d.Z e.tar.bz2 f.BZ2 g.GZ)
	[ "$(type_of "$CGIINETD" "$root" a.gz)" = application/gzip ]
	[ "$(type_of "$CGIINETD" "$root" b.bz2)" = application/x-bzip2 ]
	[ "$(type_of "$CGIINETD" "$root" c.xz)" = application/x-xz ]
	[ "$(type_of "$CGIINETD" "$root" d.Z)" = application/octet-stream ]
	[ "$(type_of "$CGIINETD" "$root" e.tar.bz2)" = application/x-bzip2 ]
	[ "$(type_of "$CGIINETD" "$root" f.BZ2)" = application/x-bzip2 ]
	[ "$(type_of "$CGIINETD" "$root" g.GZ)" = application/gzip ]
}

@test "-l FILE that is a symlink is refused (O_NOFOLLOW): exit 2" {
	ln -s "$BATS_TEST_TMPDIR/target" "$BATS_TEST_TMPDIR/log"
	run cgiinetd -d "$WWW" -l "$BATS_TEST_TMPDIR/log" </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"log file"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/target" ]
}

@test "-l FILE that is a FIFO, read or not, or a device is refused at once: exit 2" {
	local reader
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	chmod 666 "$BATS_TEST_TMPDIR/fifo"
	run timeout 5 "$CGIINETD" -d "$WWW" -l "$BATS_TEST_TMPDIR/fifo" </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"log file '$BATS_TEST_TMPDIR/fifo': No such device or address"* ]]
	# with a reader there, the open succeeds: refused as no regular file
	sleep 10 <>"$BATS_TEST_TMPDIR/fifo" &
	reader=$!
	run timeout 5 "$CGIINETD" -d "$WWW" -l "$BATS_TEST_TMPDIR/fifo" </dev/null
	kill "$reader"
	[ "$status" -eq 2 ]
	[[ "$output" == *"log file '$BATS_TEST_TMPDIR/fifo': not a regular file"* ]]
	run timeout 5 "$CGIINETD" -d "$WWW" -l /dev/null </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a regular file"* ]]
}

@test "fd 2 that is the same file as stdin but no socket is not the connection: -l stderr logs" {
	local f=$BATS_TEST_TMPDIR/both
	printf 'GET /hello.txt HTTP/1.0\r\n\r\n' >"$f"
	# stdin and stderr one open file, as a terminal would be for both
	env -i "$CGIINETD" -l stderr -d "$WWW" <>"$f" 2>&0 >/dev/null
	grep -q '"GET /hello.txt HTTP/1.0" 200 6' "$f"
}
