#!/usr/bin/env bats
# Attacks: a corpus of traversal targets, the CVEs of servers like this
# one, privileges, confinement. Markers are planted where nothing may be
# read: outside the root, in dot-files, in a script's source.

load helpers

MARKERS='OUTSIDE-SECRET|DOT-SECRET|SCRIPT-SOURCE-SECRET|root:x:0:0|user:secret|\[core\]|ran a tool outside|PWNED'

# A copy of the fixture root inside an outer directory, with the markers.
attack_root() {
	local outer=$BATS_TEST_TMPDIR/outer
	mkdir -p "$outer"
	chmod 755 "$BATS_TEST_TMPDIR" "$outer"
	echo OUTSIDE-SECRET >"$outer/secret.txt"
	cp -a "$WWW" "$outer/www"
	echo DOT-SECRET >"$outer/www/.env"
	mkdir "$outer/www/.git"
	echo DOT-SECRET >"$outer/www/.git/config"
	printf '#!/bin/sh\n# SCRIPT-SOURCE-SECRET\nprintf "Content-Type: text/plain\\r\\n\\r\\nran marked\\n"\n' >"$outer/www/cgi-bin/marked.sh"
	chmod 755 "$outer/www/cgi-bin/marked.sh"
	ln -s ../secret.txt "$outer/www/outside-link"
	ln -s cgi-bin/marked.sh "$outer/www/src-marked"
	echo "$outer/www"
}

# attack ROOT 'RAW REQUEST' [OPTION...]: the answer in $output (raw), the
# exit status in $status; fails if a marker shows.
attack() {
	local root=$1 raw=$2
	shift 2
	status=0
	printf '%b' "$raw" | cgiinetd -l none -d "$root" "$@" >"$BATS_TEST_TMPDIR/out" 2>/dev/null || status=$?
	output=$(tr -d '\r' <"$BATS_TEST_TMPDIR/out")
	if grep -Eq "$MARKERS" "$BATS_TEST_TMPDIR/out"; then
		echo "LEAK: $(grep -Eo "$MARKERS" "$BATS_TEST_TMPDIR/out" | head -n 1)"
		return 1
	fi
}

# refused ROOT CODE REQUEST: the attack leaks nothing and is answered CODE
refused() {
	attack "$1" "$3" || return 1
	[[ "$output" == "HTTP/1.0 $2 "* ]] || { echo "$3: $(head -n 1 <<<"$output")"; return 1; }
}

@test "traversal corpus: 80+ targets, each a 4xx, a redirect or the script run; no marker" {
	local root n=0 t
	root=$(attack_root)
	while IFS= read -r t; do
		case "$t" in ''|'#'*) continue ;; esac
		for opts in '' '-P'; do
			attack "$root" "GET $t HTTP/1.0\\r\\n\\r\\n" $opts || { echo "target: $t $opts"; return 1; }
			[[ "$output" =~ ^HTTP/1.0\ (200\ Script\ output\ follows|200\ OK|301|302|4[0-9][0-9]) ]] ||
				{ echo "target: $t $opts: $(head -n 1 <<<"$output")"; return 1; }
			[ "$status" -le 1 ] || { echo "target: $t $opts: exit $status"; return 1; }
		done
		n=$((n + 1))
	done <"$BATS_TEST_DIRNAME/traversal.txt"
	[ "$n" -ge 80 ]
}

@test "the corpus's markers are real: the same root, asked plainly, does leak them" {
	local root
	root=$(attack_root)
	! attack "$root" 'GET /.env HTTP/1.0\r\n\r\n' --dotfiles
	! attack "$root" 'GET /outside-link HTTP/1.0\r\n\r\n' --follow-symlinks
}

@test "CVE-2011-1015 (Python): //cgi-bin/ is still CGI, its source never shown" {
	local root
	root=$(attack_root)
	attack "$root" 'GET //cgi-bin/marked.sh HTTP/1.0\r\n\r\n'
	[[ "$output" == *"ran marked"* ]]
}

@test "CVE-2014-4650 (Python): an encoded / does not make a script a file" {
	local root
	root=$(attack_root)
	refused "$root" 404 'GET /cgi-bin%2fmarked.sh HTTP/1.0\r\n\r\n'
}

@test "bpo-19435 (Python): no executable outside a CGI directory runs (/cgi-bin/../../bin/sh)" {
	local root
	root=$(attack_root)
	for t in '/cgi-bin/../../bin/sh' '/cgi-bin/..%2f..%2fbin%2fsh' '/cgi-bin/%2e%2e/%2e%2e/bin/sh' \
	         '/cgi-bin/uplink/tools/tool.sh'; do
		attack "$root" "POST $t HTTP/1.0\\r\\nContent-Length: 11\\r\\n\\r\\necho PWNED"
		[[ "$output" =~ ^HTTP/1.0\ 4 ]] || { echo "$t: $(head -n 1 <<<"$output")"; return 1; }
	done
}

@test "bpo-21323 (Python): scripts in sub-directories of cgi-bin run" {
	local root
	root=$(attack_root)
	attack "$root" 'GET /cgi-bin/sub/deep.sh HTTP/1.0\r\n\r\n'
	[[ "$output" == *"deep SCRIPT_NAME=/cgi-bin/sub/deep.sh"* ]]
}

@test "CVE-2006-5050 (busybox): a trailing character does not reveal a script's source" {
	local root
	root=$(attack_root)
	for t in '/cgi-bin/marked.sh%20' '/cgi-bin/marked.sh.' '/cgi-bin/marked.sh%00' \
	         '/cgi-bin/marked.sh/' '/cgi-bin/MARKED.SH'; do
		attack "$root" "GET $t HTTP/1.0\\r\\n\\r\\n" || { echo "$t"; return 1; }
	done
}

@test "CVE-2021-41773 (Apache): .%2e traversal reads nothing, runs nothing" {
	local root
	root=$(attack_root)
	refused "$root" 400 'GET /cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd HTTP/1.0\r\n\r\n'
	refused "$root" 400 'POST /cgi-bin/.%2e/%2e%2e/%2e%2e/%2e%2e/bin/sh HTTP/1.0\r\nContent-Length: 11\r\n\r\necho PWNED'
}

@test "CVE-2021-42013 (Apache): double-encoded dots are no dots" {
	local root
	root=$(attack_root)
	refused "$root" 400 'GET /cgi-bin/%%32%65%%32%65/%%32%65%%32%65/etc/passwd HTTP/1.0\r\n\r\n'
	refused "$root" 400 'GET /%%32%65%%32%65/secret.txt HTTP/1.0\r\n\r\n'
}

@test "CVE-2018-18778 (mini_httpd): an empty Host reads nothing outside the root" {
	local root
	root=$(attack_root)
	refused "$root" 404 'GET /etc/passwd HTTP/1.1\r\nHost:\r\n\r\n'
	refused "$root" 400 'GET /../secret.txt HTTP/1.1\r\nHost:\r\n\r\n'
}

@test "request smuggling shapes are refused" {
	local root
	root=$(attack_root)
	for head in 'Content-Length: 5\r\nTransfer-Encoding: chunked' 'Transfer-Encoding: chunked\r\nContent-Length: 5' \
	            'Content-Length: 5\r\nContent-Length: 6' 'Transfer-Encoding: chunked, identity' \
	            'Transfer-Encoding : chunked' ' Transfer-Encoding: chunked' 'Transfer-Encoding:\x0bchunked' \
	            'Content-Length: +5' 'Content-Length: 0x5' 'Transfer-Encoding: xchunked'; do
		attack "$root" "POST /cgi-bin/body.sh HTTP/1.1\\r\\nHost: x\\r\\n$head\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n"
		[[ "$output" =~ ^HTTP/1.0\ (400|501) ]] || { echo "$head: $(head -n 1 <<<"$output")"; return 1; }
	done
}

@test "httpoxy, _ names, Shellshock: nothing of them reaches a script" {
	local root
	root=$(attack_root)
	attack "$root" 'GET /cgi-bin/env.sh HTTP/1.0\r\nProxy: http://evil.example/\r\nX_Forwarded_For: 1.2.3.4\r\n\r\n'
	[[ "$output" != *HTTP_PROXY* && "$output" != *evil.example* && "$output" != *1.2.3.4* ]]
	refused "$root" 400 'GET /cgi-bin/env.sh HTTP/1.0\r\nCookie: () { :; }; echo PWNED\r\n\r\n'
}

@test "as root: a setuid-root program in cgi-bin stays nobody (no_new_privs)" {
	running_as_root || skip "needs root"
	local root nobody
	root=$(attack_root)
	nobody=$(id -u nobody)
	cc -o "$root/cgi-bin/euid" "$BATS_TEST_DIRNAME/cgi-euid.c"
	chown root:root "$root/cgi-bin/euid"
	chmod 4755 "$root/cgi-bin/euid"
	# the control: run as nobody without no_new_privs, it does become root
	run setpriv --reuid="$nobody" --regid="$(id -g nobody)" --clear-groups "$root/cgi-bin/euid"
	[[ "$output" == *"uid=$nobody euid=0"* ]]
	attack "$root" 'GET /cgi-bin/euid HTTP/1.0\r\n\r\n'
	[[ "$output" == *"uid=$nobody euid=$nobody"* ]]
}

@test "as root: --chroot runs a static program inside the root; a script whose interpreter is outside it is 500" {
	running_as_root || skip "needs root"
	local root
	root=$(attack_root)
	cc -static -o "$root/cgi-bin/hello-static" "$BATS_TEST_DIRNAME/cgi-hello.c" 2>/dev/null || skip "no static libc"
	attack "$root" 'GET /cgi-bin/hello-static?x HTTP/1.0\r\n\r\n' --chroot
	[[ "$output" == *"compiled: argc=2 query=x"* ]]
	attack "$root" 'GET /cgi-bin/marked.sh HTTP/1.0\r\n\r\n' --chroot
	[[ "$output" == "HTTP/1.0 500"* ]]
	[[ "$output" == *"interpreter cannot be run ('/bin/sh')"* ]]
}

@test "as root: core dumps are off and no_new_privs is set for what runs" {
	running_as_root || skip "needs root"
	local root
	root=$(attack_root)
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nulimit -c\nexec grep NoNewPrivs /proc/self/status\n' >"$root/cgi-bin/limits.sh"
	chmod 755 "$root/cgi-bin/limits.sh"
	attack "$root" 'GET /cgi-bin/limits.sh HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'\n0\nNoNewPrivs:\t1'* ]]
}

@test "as root: files are read as nobody:nogroup, with no group of root's left" {
	running_as_root || skip "needs root"
	local root
	root=$(attack_root)
	echo group-root >"$root/group-root.txt"
	chown root:root "$root/group-root.txt"
	chmod 640 "$root/group-root.txt"
	echo nobody-only >"$root/nobody-only.txt"
	chown nobody "$root/nobody-only.txt"
	chmod 400 "$root/nobody-only.txt"
	attack "$root" 'GET /group-root.txt HTTP/1.0\r\n\r\n'
	[[ "$output" == "HTTP/1.0 403"* && "$output" != *group-root$'\n'* ]]
	attack "$root" 'GET /nobody-only.txt HTTP/1.0\r\n\r\n'
	[[ "$output" == "HTTP/1.0 200 OK"* && "$output" == *nobody-only ]]
}

@test "the relocated pointers (RELRO) are read-only while a request is read" {
	local fifo=$BATS_TEST_TMPDIR/fifo pid off line perms i
	mkfifo "$fifo"
	# a client that says nothing: cgiinetd waits for the head
	exec 5<>"$fifo"
	env -i ASAN_OPTIONS="$ASAN_OPTIONS" "$CGIINETD" -l none -t 20 -d "$WWW" <"$fifo" >/dev/null &
	pid=$!	# env execs cgiinetd: this is its pid
	for i in $(seq 100); do
		grep -q "$(basename "$CGIINETD")" "/proc/$pid/maps" 2>/dev/null && \
			[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$CGIINETD")" ] && \
			grep -q '^State:.*S' "/proc/$pid/status" && break
		sleep 0.05
	done
	# the page of the file that holds PT_GNU_RELRO, in the process's map
	off=$(readelf -lW "$CGIINETD" | awk '$1 == "GNU_RELRO" { print $2 }')
	[ -n "$off" ]
	off=$(( off & ~4095 ))
	local range perms_ o dev ino path
	while read -r range perms_ o dev ino path; do
		[ "$path" = "$(readlink -f "$CGIINETD")" ] || continue
		if (( 0x$o <= off && off < 0x$o + 0x${range#*-} - 0x${range%-*} )); then
			line="$range $perms_ $o $path"
		fi
	done <"/proc/$pid/maps"
	kill "$pid"; wait "$pid" || true
	exec 5>&-
	echo "$line"
	[ -n "$line" ]
	perms=$(awk '{ print $2 }' <<<"$line")
	[ "$perms" = "r--p" ]
}

@test "a file through an in-root ../ symlink while renames run elsewhere: 1500 requests, all 200" {
	once_only
	local d renamer i bad=0
	d=$(scratch_root)
	mkdir -m 755 "$d/a" "$d/b"
	echo through >"$d/a/file.txt"
	chmod 644 "$d/a/file.txt"
	ln -s ../a/file.txt "$d/b/link.txt"
	mkdir "$BATS_TEST_TMPDIR/spin"
	touch "$BATS_TEST_TMPDIR/spin/x"
	# renames anywhere make RESOLVE_BENEATH's ".." fail with EAGAIN
	python3 -c 'import os
os.chdir(os.sys.argv[1])
while True:
    os.rename("x", "y"); os.rename("y", "x")' "$BATS_TEST_TMPDIR/spin" &
	renamer=$!
	printf 'GET /b/link.txt HTTP/1.0\r\n\r\n' >"$BATS_TEST_TMPDIR/in"
	for i in $(seq 1500); do
		cgiinetd -l none -d "$d" <"$BATS_TEST_TMPDIR/in" | head -n 1 | grep -q '^HTTP/1.0 200 ' ||
			bad=$((bad + 1))
	done
	kill "$renamer"
	[ "$bad" -eq 0 ] || { echo "$bad of 1500 not 200"; return 1; }
}

@test "as root: a 64 MiB chunked upload under --chroot spools to disk (opened before the chroot), not memory" {
	running_as_root || skip "needs root"
	local root
	root=$(attack_root)
	cc -static -o "$root/cgi-bin/hello-static" "$BATS_TEST_DIRNAME/cgi-hello.c" 2>/dev/null || skip "no static libc"
	[ ! -e "$root/tmp" ] && [ ! -e "$root/var/tmp" ]
	python3 -c 'import sys
w = sys.stdout.buffer.write
w(b"POST /cgi-bin/hello-static HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
for _ in range(64):
    w(b"100000\r\n" + b"b" * (1 << 20) + b"\r\n")
w(b"0\r\n\r\n")' >"$BATS_TEST_TMPDIR/in"
	# (LeakSanitizer cannot work in a chroot without /proc: leaks unchecked)
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 \
		cgiinetd -l none -d "$root" --chroot <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	grep -q '^body=67108864 ' "$BATS_TEST_TMPDIR/out"
	! grep -q '^body=.* fs=0x1021994$' "$BATS_TEST_TMPDIR/out"
}

@test "as root: with no spool directory to write, a body spools in memory, 16 MiB at most (413)" {
	running_as_root || skip "needs root"
	command -v unshare >/dev/null || skip "no unshare"
	python3 -c 'import sys
n = int(sys.argv[1])
w = sys.stdout.buffer.write
w(b"POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
w(b"%x\r\n" % n + b"b" * n + b"\r\n0\r\n\r\n")' $((16 << 20)) >"$BATS_TEST_TMPDIR/in16"
	python3 -c 'import sys
n = int(sys.argv[1])
w = sys.stdout.buffer.write
w(b"POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
w(b"%x\r\n" % n + b"b" * n + b"\r\n0\r\n\r\n")' $((16 << 20 | 1)) >"$BATS_TEST_TMPDIR/in17"
	ro() {	# cgiinetd with /var/tmp and /tmp read-only (bound on themselves, so a
		# checkout under /tmp stays there): O_TMPFILE fails in them
		unshare -m sh -c 'for d in /var/tmp /tmp; do mount --bind $d $d && mount -o remount,bind,ro $d || exit 1; done &&
			exec env -i PATH=/usr/bin:/bin "$@"' sh "$CGIINETD" -l none -d "$WWW" <"$1"
	}
	ro "$BATS_TEST_TMPDIR/in16" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	grep -qx "md5 $(head -c $((16 << 20)) /dev/zero | tr '\0' b | md5sum | cut -d' ' -f1)" "$BATS_TEST_TMPDIR/out"
	ro "$BATS_TEST_TMPDIR/in17" | head -n 1 | grep -q '^HTTP/1.0 413 '
}

@test "100,000 one-byte chunks spool in at most 1,000 writes" {
	command -v strace >/dev/null || skip "no strace"
	python3 -c 'import sys
w = sys.stdout.buffer.write
w(b"POST /cgi-bin/body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
w(b"1\r\nb\r\n" * 100000 + b"0\r\n\r\n")' >"$BATS_TEST_TMPDIR/in"
	env -i ASAN_OPTIONS=detect_leaks=0 strace -e trace=write,pwrite64,writev -o "$BATS_TEST_TMPDIR/trace" \
		"$CGIINETD" -l none -d "$WWW" <"$BATS_TEST_TMPDIR/in" | tr -d '\r' >"$BATS_TEST_TMPDIR/out"
	grep -qx "md5 $(head -c 100000 /dev/zero | tr '\0' b | md5sum | cut -d' ' -f1)" "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^write\|^pwrite64\|^writev' "$BATS_TEST_TMPDIR/trace")" -le 1000 ]
}

# race ROOT NAME: replace cgi-bin/NAME, as fast as renames go, by a symlink
# to /usr/bin/id and back, while 1,000 requests run it: none may run id
# (the build that exec'd "./NAME" ran id 448 and 262 times in 2,500).
race() {
	local root=$1 name=$2 flipper i ran=0
	ln -s /usr/bin/id "$root/cgi-bin/.swap-link"
	cp "$root/cgi-bin/$name" "$root/cgi-bin/.swap-real"
	python3 -c 'import os, sys
d, name = sys.argv[1], sys.argv[2]
os.chdir(d)
while True:
    os.link(".swap-link", ".t1", follow_symlinks=False); os.rename(".t1", name)
    os.link(".swap-real", ".t2"); os.rename(".t2", name)' "$root/cgi-bin" "$name" &
	flipper=$!
	printf 'GET /cgi-bin/%s HTTP/1.0\r\n\r\n' "$name" >"$BATS_TEST_TMPDIR/in"
	for i in $(seq 1000); do
		cgiinetd -l none -d "$root" <"$BATS_TEST_TMPDIR/in" 2>/dev/null | grep -q 'uid=' &&
			ran=$((ran + 1))
	done
	kill "$flipper"
	[ "$ran" -eq 0 ] || { echo "id ran $ran times of 1000"; return 1; }
}

@test "a program swapped for a symlink to /usr/bin/id after its checks: id never runs (1,000 races)" {
	once_only
	local root
	root=$(scratch_root)
	cc -o "$root/cgi-bin/prog" "$BATS_TEST_DIRNAME/cgi-hello.c"
	race "$root" prog
}

@test "a #! script swapped for a symlink to /usr/bin/id after its checks: id never runs (1,000 races)" {
	once_only
	local root
	root=$(scratch_root)
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nscript\\n"\n' >"$root/cgi-bin/short.sh"
	chmod 755 "$root/cgi-bin/short.sh"
	race "$root" short.sh
}

# An uploader who may write only in up/ swaps, by RENAME_EXCHANGE as fast
# as it goes, a directory of files with a symlink to cgi-bin, while 2,500
# requests ask for a file through it: each is the public file or a 404,
# never the script's source (every check is made on what was opened).
@test "a directory exchanged for a symlink to cgi-bin: 2,500 races, never a script's source" {
	once_only
	local root up flipper i public=0 missing=0
	root=$(attack_root)
	up=$root/up
	mkdir -p "$up/a"
	echo PUBLIC >"$up/a/marked.sh"
	ln -s ../cgi-bin "$up/b"
	[ "$(id -u)" -ne 0 ] || chown -R -h nobody:nogroup "$up"
	python3 -c 'import ctypes, os, pwd, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
if os.getuid() == 0:	# the uploader: nobody, who may write up/ only
    pw = pwd.getpwnam("nobody")
    os.setgroups([]); os.setgid(pw.pw_gid); os.setuid(pw.pw_uid)
while True:
    if libc.renameat2(-100, b"a", -100, b"b", 2) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))' "$up" &
	flipper=$!
	printf 'GET /up/a/marked.sh HTTP/1.0\r\n\r\n' >"$BATS_TEST_TMPDIR/in"
	for i in $(seq 2500); do
		cgiinetd -l none -d "$root" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>/dev/null || true
		if grep -q SCRIPT-SOURCE-SECRET "$BATS_TEST_TMPDIR/out"; then
			kill "$flipper"
			echo "source served on request $i"
			return 1
		fi
		if head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 200 '; then
			grep -qx PUBLIC "$BATS_TEST_TMPDIR/out" && public=$((public + 1))
		elif head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 404 '; then
			missing=$((missing + 1))
		fi
	done
	kill -0 "$flipper"	# it raced to the end
	kill "$flipper"
	echo "public $public, 404 $missing"
	[ $((public + missing)) -eq 2500 ] && [ "$public" -gt 0 ] && [ "$missing" -gt 0 ]
}

# The limit of the above: names decide what is a CGI directory, so whoever
# may rename cgi-bin (write access to the root itself) publishes its
# sources, race or no race, as with any server that maps names.
@test "the limit: a cgi-bin renamed by whoever may write the root is served as files" {
	local root
	root=$(attack_root)
	mv "$root/cgi-bin" "$root/renamed"
	printf 'GET /renamed/marked.sh HTTP/1.0\r\n\r\n' |
		cgiinetd -l none -d "$root" >"$BATS_TEST_TMPDIR/out" 2>/dev/null
	head -n 1 "$BATS_TEST_TMPDIR/out" | grep -q '^HTTP/1.0 200 '
	grep -q SCRIPT-SOURCE-SECRET "$BATS_TEST_TMPDIR/out"
}
