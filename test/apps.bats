#!/usr/bin/env bats
# Applications as Debian packages them, each with one line of
# configuration: PHP through --cgi-ext, git http-backend through --script,
# a WSGI app and a CGI.pm script under -P; gitweb, cgit, Mercurial's
# hgweb.cgi and Fossil driven by their own clients (and headless Chromium)
# over a socket. Fixtures in test/apps.

load helpers

APPS=$BATS_TEST_DIRNAME/apps
PHP=$APPS/php

teardown() {
	serve_stop
	[ -z "${LAUNCHER_PID:-}" ] || { kill "$LAUNCHER_PID"; wait "$LAUNCHER_PID"; } 2>/dev/null || true
	[ -z "${GITROOT:-}" ] || rm -rf "$GITROOT"
	[ -z "${APPROOT:-}" ] || rm -rf "$APPROOT"
}

# A scratch directory that nobody can reach (bats' own is private), as
# $APPROOT, removed by teardown.
app_root() {
	APPROOT=$(mktemp -d /tmp/cgiinetd-app.XXXXXX)
	chmod 755 "$APPROOT"
}

php() {
	request "$1" -d "$PHP" -P --cgi-ext .php=/usr/bin/php-cgi "${@:2}"
}

@test "php: phpinfo() runs through --cgi-ext .php=/usr/bin/php-cgi, with no -e" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	php 'GET /info.php HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nContent-type: text/html; charset=UTF-8\n'* ]]
	[[ "$output" == *"PHP Version"* ]]
	[[ "$output" == *"/info.php"* ]]
	[[ "$output" != *"<?php"* ]]
}

@test "php: a form POST reaches \$_POST" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	php 'POST /form.php HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20\r\n\r\nname=Alice&x=1&y=%41'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nhello Alice (3 fields)'* ]]
}

@test "php: PATH_INFO after the .php file; HTTPS=on with --https" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	php 'GET /path.php/a/b HTTP/1.0\r\n\r\n' --https
	[[ "$output" == *$'\nPATH_INFO=/a/b\nHTTPS=on'* ]]
}

@test "php: header('Location') is a 302 under -P, which curl -L follows over a socket" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	php 'GET /redirect.php HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 302 Found" ]
	[[ "$output" == *$'\nLocation: http://example.org/done?from=php\n'* ]]
	serve -l none -d "$PHP" -P --cgi-ext .php=/usr/bin/php-cgi
	# a local target to follow: the redirect's host is the test server
	run curl -s -L -o /dev/null -w '%{http_code} %{num_redirects} %{url_effective}' \
		--connect-to "example.org:80:127.0.0.1:$PORT" "http://127.0.0.1:$PORT/redirect.php"
	[ "$output" = "404 1 http://example.org/done?from=php" ]
	run curl -s "http://127.0.0.1:$PORT/form.php"
	[ "$output" = "<form method=post><input name=name></form>" ]
}

@test "php: index.php is the index after index.html and index.htm" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	php 'GET / HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\nindex.php ran: /index.php'* ]]
	php 'GET /both/ HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'\n<p>static index</p>'* ]]
	# without --cgi-ext, a listing
	request 'GET / HTTP/1.0\r\n\r\n' -d "$PHP"
	[[ "$output" == *"Directory listing for /"* ]]
}

@test "php: a .php file's source is never served; the other files stay static" {
	command -v php-cgi >/dev/null || skip "no php-cgi"
	# without the option it is only a file
	request 'GET /info.php HTTP/1.0\r\n\r\n' -d "$PHP"
	[[ "$output" == *"<?php"* ]]
	php 'GET /source-link.txt HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	php 'HEAD /info.php HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" != *"<?php"* ]]
	php 'GET /info.php/ HTTP/1.0\r\n\r\n'
	[[ "$output" != *"<?php"* ]]
	php 'GET /style.css HTTP/1.0\r\n\r\n'
	[[ "$output" == *$'\nContent-Type: text/css\n'* ]]
	[[ "$output" == *$'\nbody { color: teal }' ]]
	php 'GET /missing.php HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	[[ "$output" == *"No such CGI script ('/missing.php')"* ]]
}

@test "--cgi-ext .EXT alone: such files anywhere are scripts in their own directory" {
	local root
	root=$(scratch_root)
	mkdir -p "$root/deep/er"
	cp "$WWW/cgi-bin/env.sh" "$root/deep/er/page.cgi"
	cp "$WWW/cgi-bin/noexec.sh" "$root/deep/er/plain.cgi"
	chmod 644 "$root/deep/er/plain.cgi"
	chmod -R a+rX "$root/deep"
	request 'GET /deep/er/page.cgi/x?a=1 HTTP/1.0\r\n\r\n' -d "$root" --cgi-ext .cgi
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nSCRIPT_NAME=/deep/er/page.cgi\n'* ]]
	[[ "$output" == *$'\nPATH_INFO=/x\n'* ]]
	# case-insensitive, as Apache's AddHandler: PAGE.CGI is no static file either
	cp "$root/deep/er/page.cgi" "$root/deep/er/PAGE.CGI"
	request 'GET /deep/er/PAGE.CGI HTTP/1.0\r\n\r\n' -d "$root" --cgi-ext .cgi
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	request 'GET /deep/er/plain.cgi HTTP/1.0\r\n\r\n' -d "$root" --cgi-ext .cgi
	[ "$(status_line)" = "HTTP/1.0 403 Forbidden" ]
	[[ "$output" == *"CGI script is not executable"* ]]
	# a directory named like a script is a directory
	mkdir "$root/dir.cgi"
	echo inside >"$root/dir.cgi/a.txt"
	chmod -R a+rX "$root/dir.cgi"
	request 'GET /dir.cgi/a.txt HTTP/1.0\r\n\r\n' -d "$root" --cgi-ext .cgi
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "--cgi-ext and --script: bad arguments are refused with exit 2" {
	for a in php .php=php-cgi . '.p/hp' .php=/nonexistent/program; do
		run cgiinetd -l none --cgi-ext "$a" </dev/null
		[ "$status" -eq 2 ]
	done
	for a in /git git=/bin/true /git=bin/true /g/../x=/bin/true /git=/bin/ /git=/nonexistent; do
		run cgiinetd -l none --script "$a" </dev/null
		[ "$status" -eq 2 ]
	done
}

# A bare repository with one commit, owned by the account scripts run as
# (nobody, when the tests run as root: git refuses another's repository,
# and a push writes into it), in a directory that account can reach (bats'
# own is private); sets $GITROOT.
git_repo() {
	local work=$BATS_TEST_TMPDIR/work
	GITROOT=$(mktemp -d /tmp/cgiinetd-git.XXXXXX)
	chmod 755 "$GITROOT"
	mkdir -p "$work"
	git -C "$work" init -q -b main
	echo "first" >"$work/README"
	git -C "$work" add README
	git -C "$work" -c user.name=T -c user.email=t@example.org commit -q -m first
	git clone -q --bare "$work" "$GITROOT/repo.git"
	git -C "$GITROOT/repo.git" config http.receivepack true
	if running_as_root; then
		chown -R nobody "$GITROOT"
	fi
	chmod -R a+rX "$GITROOT"
}

git_serve() {
	serve -l "$BATS_TEST_TMPDIR/log" -d "$WWW" -P \
		--script /git=/usr/lib/git-core/git-http-backend \
		-e GIT_PROJECT_ROOT="$GITROOT" -e GIT_HTTP_EXPORT_ALL=1 "$@"
}

@test "git: --script /git=git-http-backend: clone, then a push (chunked) with http.receivepack" {
	[ -x /usr/lib/git-core/git-http-backend ] || skip "no git-http-backend"
	git_repo
	git_serve
	git clone -q "http://127.0.0.1:$PORT/git/repo.git" "$BATS_TEST_TMPDIR/clone"
	[ "$(cat "$BATS_TEST_TMPDIR/clone/README")" = first ]
	# 2 MiB of noise: past http.postBuffer (1 MiB), so git sends it chunked
	head -c 2097152 /dev/urandom >"$BATS_TEST_TMPDIR/clone/blob"
	git -C "$BATS_TEST_TMPDIR/clone" add blob
	git -C "$BATS_TEST_TMPDIR/clone" -c user.name=T -c user.email=t@example.org \
		commit -q -m second
	GIT_TRACE_CURL_NO_DATA=1 GIT_TRACE_CURL="$BATS_TEST_TMPDIR/curl.trace" \
		git -C "$BATS_TEST_TMPDIR/clone" push -q origin main
	grep -qi 'Transfer-Encoding: chunked' "$BATS_TEST_TMPDIR/curl.trace"
	[ "$(git -c safe.directory="*" -C "$GITROOT/repo.git" log --format=%s main)" = "$(printf 'second\nfirst')" ]
	# and a fresh clone sees the pushed blob whole
	git clone -q "http://127.0.0.1:$PORT/git/repo.git" "$BATS_TEST_TMPDIR/again"
	cmp "$BATS_TEST_TMPDIR/clone/blob" "$BATS_TEST_TMPDIR/again/blob"
	logged "$BATS_TEST_TMPDIR/log" '"POST /git/repo.git/git-receive-pack HTTP/1.1" 200 '
}

@test "git: a missing repository fails with git's 'not found' (404 through -P)" {
	[ -x /usr/lib/git-core/git-http-backend ] || skip "no git-http-backend"
	git_repo
	git_serve
	run git clone -q "http://127.0.0.1:$PORT/git/nope.git" "$BATS_TEST_TMPDIR/nope"
	[ "$status" -ne 0 ]
	[[ "$output" == *"repository 'http://127.0.0.1:$PORT/git/nope.git/' not found"* ]]
	logged "$BATS_TEST_TMPDIR/log" '"GET /git/nope.git/info/refs?service=git-upload-pack HTTP/1.1" 404 '
}

@test "--script: the program outside the root gets SCRIPT_NAME, PATH_INFO; / for every path" {
	request 'GET /env/a/b?x=1 HTTP/1.0\r\n\r\n' --script /env/="$WWW/cgi-bin/env.sh"
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *$'\nSCRIPT_NAME=/env\n'* ]]
	[[ "$output" == *$'\nPATH_INFO=/a/b\n'* ]]
	[[ "$output" == *$'\nSCRIPT_FILENAME='"$WWW/cgi-bin/env.sh"$'\n'* ]]
	# the URL itself; a longer name is not under it
	request 'GET /env HTTP/1.0\r\n\r\n' --script /env="$WWW/cgi-bin/env.sh"
	[[ "$output" == *$'\nPATH_INFO=\n'* ]]
	request 'GET /envx HTTP/1.0\r\n\r\n' --script /env="$WWW/cgi-bin/env.sh"
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
	# it wins over a CGI directory, and POST reaches it
	request 'POST /cgi-bin/body.sh HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi' \
		--script /cgi-bin="$WWW/cgi-bin/env.sh"
	[[ "$output" == *$'\nSCRIPT_NAME=/cgi-bin\n'* ]]
	[[ "$output" == *$'\nPATH_INFO=/body.sh\n'* ]]
	request 'GET /any/thing HTTP/1.0\r\n\r\n' --script /="$WWW/cgi-bin/env.sh"
	[[ "$output" == *$'\nSCRIPT_NAME=\n'* ]]
	[[ "$output" == *$'\nPATH_INFO=/any/thing\n'* ]]
}

@test "--script under --chroot: a binary outside the root runs from its descriptor; a #! program is refused" {
	running_as_root || skip "needs root"
	local root prog=$BATS_TEST_TMPDIR/bin/hello-static
	root=$(scratch_root)
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cc -static -o "$prog" "$BATS_TEST_DIRNAME/cgi-hello.c" 2>/dev/null || skip "no static libc"
	chmod 755 "$BATS_TEST_TMPDIR/bin" "$prog"
	request 'GET /hello?q HTTP/1.0\r\n\r\n' -d "$root" --chroot --script /hello="$prog"
	[ "$(status_line)" = "HTTP/1.0 200 Script output follows" ]
	[[ "$output" == *"compiled: argc=2 query=q"* ]]
	run cgiinetd -l none -d "$root" --chroot --script /env="$WWW/cgi-bin/env.sh" </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"is a #! script: under --chroot"* ]]
}

@test "wsgi: wsgiref's CGIHandler under -P over a socket: a 302, a 404, a 1 MiB POST" {
	serve -l none -d "$WWW" -P --script /app="$APPS/wsgi/app.py"
	run curl -s "http://127.0.0.1:$PORT/app"
	[ "$output" = "$(printf 'app http://127.0.0.1:%s/app\nrequest http://127.0.0.1:%s/app' "$PORT" "$PORT")" ]
	run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT/app/go"
	[ "$output" = "302 http://127.0.0.1:$PORT/app/there" ]
	run curl -s -w ' %{http_code}' "http://127.0.0.1:$PORT/app/nothing"
	[ "$output" = "no such page
 404" ]
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/body"
	run curl -s --data-binary @"$BATS_TEST_TMPDIR/body" "http://127.0.0.1:$PORT/app/upload"
	[ "$output" = "got 1048576 md5 $(md5sum <"$BATS_TEST_TMPDIR/body" | cut -d' ' -f1)" ]
}

@test "wsgi: behind a PROXY v2 header with the SSL flag, and with --https, the app builds https:// URLs" {
	local sig='\r\n\r\n\x00\r\nQUIT\n'
	request "$sig"'\x21\x11\x00\x14\xc0\x00\x02\x05\xc6\x33\x64\x02\xc8\x01\x01\xbb\x20\x00\x05\x01\x00\x00\x00\x00GET /app HTTP/1.1\r\nHost: www.example.org\r\n\r\n' \
		-P --proxy-protocol --script /app="$APPS/wsgi/app.py"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *$'\napp https://www.example.org/app\n'* ]]
	request 'GET /app/go HTTP/1.1\r\nHost: www.example.org\r\n\r\n' -P --https \
		--script /app="$APPS/wsgi/app.py"
	[[ "$output" == *$'\nLocation: https://www.example.org/app/there\n'* ]]
	request 'GET /app/go HTTP/1.1\r\nHost: www.example.org\r\n\r\n' -P \
		--script /app="$APPS/wsgi/app.py"
	[[ "$output" == *$'\nLocation: http://www.example.org/app/there\n'* ]]
}

@test "perl: a CGI.pm script through --cgi-ext .pl under -P: its form, the POST, redirect()" {
	perl -MCGI -e 1 2>/dev/null || skip "no CGI.pm"
	request 'GET /perl/form.pl HTTP/1.0\r\n\r\n' -d "$APPS" -P --cgi-ext .pl
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *'<form method="post"'* ]]
	[[ "$output" == *'name="name"'* ]]
	request 'POST /perl/form.pl HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\nname=Perl!' \
		-d "$APPS" -P --cgi-ext .pl
	[[ "$output" == *$'\nhello Perl!' ]]
	request 'GET /perl/form.pl?go=1 HTTP/1.0\r\n\r\n' -d "$APPS" -P --cgi-ext .pl
	[ "$(status_line)" = "HTTP/1.0 302 Found" ]
	[[ "$output" == *$'\nLocation: http://example.org/perl-done\n'* ]]
	# its source is never served
	[[ "$output" != *"use CGI"* ]]
}

# gitweb as Debian's git package lays it out: gitweb.cgi, index.cgi (a
# link to it) and static/ in /usr/share/gitweb, served as the document
# root with --cgi-ext .cgi, so static/ stays static; the projects of
# git_repo's $GITROOT through a GITWEB_CONFIG.
gitweb_serve() {
	printf 'our $projectroot = "%s";\n' "$GITROOT" >"$GITROOT/gitweb.conf"
	chmod 644 "$GITROOT/gitweb.conf"
	serve -l "$BATS_TEST_TMPDIR/log" -P -d /usr/share/gitweb --cgi-ext .cgi \
		-e GITWEB_CONFIG="$GITROOT/gitweb.conf"
}

@test "gitweb: in its packaged directory with --cgi-ext .cgi: projects, a commit, a blob, a snapshot, RSS" {
	[ -f /usr/share/gitweb/gitweb.cgi ] || skip "no gitweb"
	git_repo
	gitweb_serve
	local url=http://127.0.0.1:$PORT h
	h=$(git -c safe.directory="*" -C "$GITROOT/repo.git" rev-parse main)
	run curl -sf "$url/"
	[[ "$output" == *'href="/?p=repo.git;a=summary"'* ]]
	[[ "$output" == *'static/gitweb.css'* ]]
	run curl -sf "$url/?p=repo.git;a=commit;h=$h"
	[[ "$output" == *"$h"* ]]
	[[ "$output" == *'class="title"'*'>first <'* ]]
	run curl -sf "$url/?p=repo.git;a=blob_plain;f=README;hb=main"
	[ "$output" = first ]
	run curl -sf "$url/?p=repo.git;a=blob;f=README;hb=main"
	[[ "$output" == *'first'* ]]
	curl -sf -o "$BATS_TEST_TMPDIR/snap.tgz" "$url/?p=repo.git;a=snapshot;h=main;sf=tgz"
	run tar -xzOf "$BATS_TEST_TMPDIR/snap.tgz" --wildcards '*/README'
	[ "$output" = first ]
	run curl -sf -D "$BATS_TEST_TMPDIR/rss.head" "$url/?p=repo.git;a=rss"
	[[ "$output" == *'<rss version="2.0"'* ]]
	[[ "$output" == *"<guid isPermaLink=\"true\">$url/?p=repo.git;a=commitdiff;h=$h</guid>"* ]]
	grep -qi '^Content-Type: application/rss+xml' "$BATS_TEST_TMPDIR/rss.head"
	logged "$BATS_TEST_TMPDIR/log" '"GET /?p=repo.git;a=rss HTTP/1.1" 200 '
}

@test "gitweb: RSS re-read with If-Modified-Since is a 304; CSS, JS, logo typed; a missing project 404" {
	[ -f /usr/share/gitweb/gitweb.cgi ] || skip "no gitweb"
	git_repo
	gitweb_serve
	local url=http://127.0.0.1:$PORT since
	since=$(curl -sf -D - -o /dev/null "$url/?p=repo.git;a=rss" |
		sed -n 's/^Last-modified: \(.*\)\r$/\1/Ip')
	[ -n "$since" ]
	run curl -s -o /dev/null -w '%{http_code} %{size_download}' \
		-H "If-Modified-Since: $since" "$url/?p=repo.git;a=rss"
	[ "$output" = "304 0" ]
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/static/gitweb.css"
	[ "$output" = "200 text/css" ]
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/static/gitweb.js"
	[ "$output" = "200 text/javascript" ]
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/static/git-logo.png"
	[ "$output" = "200 image/png" ]
	cmp <(curl -sf "$url/static/gitweb.css") /usr/share/gitweb/static/gitweb.css
	run curl -s -w ' %{http_code}' "$url/?p=nope.git;a=summary"
	[[ "$output" == *'404 - No such project'* ]]
	[[ "$output" == *' 404' ]]
	# the script's source is never served
	run curl -s -o /dev/null -w '%{http_code}' "$url/gitweb.cgi?a=opml"
	[ "$output" = 200 ]
	run curl -s "$url/gitweb.cgi"
	[[ "$output" != *'use strict'* ]]
}

# cgit where Debian puts it, run by --script; its own files (cgit.css,
# cgit.png, which its pages name at /cgit.css and /cgit.png by default)
# as the document root; git_repo's $GITROOT through a CGIT_CONFIG
# (snapshots= before scan-path=: a scan takes the settings made so far).
cgit_serve() {
	printf 'snapshots=tar.gz\nscan-path=%s\n' "$GITROOT" >"$GITROOT/cgitrc"
	chmod 644 "$GITROOT/cgitrc"
	serve -l "$BATS_TEST_TMPDIR/log" -P -d /usr/share/cgit \
		--script /cgit=/usr/lib/cgit/cgit.cgi -e CGIT_CONFIG="$GITROOT/cgitrc"
}

@test "cgit: --script /cgit=/usr/lib/cgit/cgit.cgi: index, log, tree, diff, a snapshot" {
	[ -x /usr/lib/cgit/cgit.cgi ] || skip "no cgit"
	git_repo
	cgit_serve
	local url=http://127.0.0.1:$PORT/cgit
	run curl -sf "$url/"
	[[ "$output" == *"<a href='/cgit/repo.git/'>repo.git</a>"* ]]
	[[ "$output" == *"href='/cgit.css'"* ]]
	run curl -sf "$url/repo.git/log/"
	[[ "$output" == *"<a href='/cgit/repo.git/commit/?id="*"'>first</a>"* ]]
	run curl -sf "$url/repo.git/tree/"
	[[ "$output" == *"<a class='ls-blob' href='/cgit/repo.git/tree/README'>README</a>"* ]]
	run curl -sf "$url/repo.git/tree/README"
	[[ "$output" == *"first"* ]]
	run curl -sf "$url/repo.git/diff/"
	[[ "$output" == *"<div class='add'>+first</div>"* ]]
	run curl -sf "$url/repo.git/plain/README"
	[ "$output" = first ]
	curl -sf -o "$BATS_TEST_TMPDIR/snap.tgz" "$url/repo.git/snapshot/repo-main.tar.gz"
	run tar -xzOf "$BATS_TEST_TMPDIR/snap.tgz" repo-main/README
	[ "$output" = first ]
	logged "$BATS_TEST_TMPDIR/log" '"GET /cgit/repo.git/snapshot/repo-main.tar.gz HTTP/1.1" 200 '
}

@test "cgit: its CSS and logo from the document root; a missing repository 404" {
	[ -x /usr/lib/cgit/cgit.cgi ] || skip "no cgit"
	git_repo
	cgit_serve
	local url=http://127.0.0.1:$PORT
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/cgit.css"
	[ "$output" = "200 text/css" ]
	cmp <(curl -sf "$url/cgit.css") /usr/share/cgit/cgit.css
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' "$url/cgit.png"
	[ "$output" = "200 image/png" ]
	run curl -s -w ' %{http_code}' "$url/cgit/nope.git/log/"
	[[ "$output" == *"No repositories found"* ]]
	[[ "$output" == *' 404' ]]
	logged "$BATS_TEST_TMPDIR/log" '"GET /cgit/nope.git/log/ HTTP/1.1" 404 '
}

# hgweb.cgi as Mercurial ships it, copied and its config line pointed at
# an hgweb.config that publishes every repository in $APPROOT/hg, open to
# pushes over plain http; the repository is nobody's, since a push writes.
hg_serve() {
	app_root
	mkdir "$APPROOT/hg"
	hg init "$APPROOT/hg/repo"
	echo one >"$APPROOT/hg/repo/a"
	hg -R "$APPROOT/hg/repo" add -q "$APPROOT/hg/repo/a"
	hg -R "$APPROOT/hg/repo" commit -q -u T -m one
	sed "s|^config = .*|config = b\"$APPROOT/hgweb.config\"|" \
		/usr/share/doc/mercurial/examples/hgweb.cgi >"$APPROOT/hgweb.cgi"
	chmod 755 "$APPROOT/hgweb.cgi"
	printf '[paths]\n/ = %s/hg/*\n[web]\nallow_push = *\npush_ssl = false\n' \
		"$APPROOT" >"$APPROOT/hgweb.config"
	if running_as_root; then
		chown -R nobody "$APPROOT/hg"
	fi
	chmod -R a+rX "$APPROOT"
	serve -l "$BATS_TEST_TMPDIR/log" -P -d "$WWW" --script /hg="$APPROOT/hgweb.cgi"
}

@test "hgweb: --script /hg=hgweb.cgi: hg clone, hg push (allow_push, push_ssl off), a missing repository 404" {
	[ -f /usr/share/doc/mercurial/examples/hgweb.cgi ] || skip "no mercurial"
	hg_serve
	local url=http://127.0.0.1:$PORT/hg clone=$BATS_TEST_TMPDIR/clone
	hg clone -q "$url/repo" "$clone"
	[ "$(cat "$clone/a")" = one ]
	echo two >>"$clone/a"
	hg -R "$clone" commit -q -u T -m two
	hg -R "$clone" push -q
	[ "$(hg -R "$APPROOT/hg/repo" log -r tip -T '{desc}')" = two ]
	logged "$BATS_TEST_TMPDIR/log" '"POST /hg/repo?cmd=unbundle HTTP/1.1" 200 '
	# the pushed change comes back in a fresh clone
	hg clone -q "$url/repo" "$BATS_TEST_TMPDIR/again"
	[ "$(cat "$BATS_TEST_TMPDIR/again/a")" = "$(printf 'one\ntwo')" ]
	run hg clone -q "$url/nope" "$BATS_TEST_TMPDIR/nope"
	[ "$status" -ne 0 ]
	[[ "$output" == *"HTTP Error 404: Not Found"* ]]
	logged "$BATS_TEST_TMPDIR/log" '"GET /hg/nope?cmd=capabilities HTTP/1.1" 404 '
}

# A Fossil repository with one check-in, and the two-line CGI script that
# Fossil's documentation gives, run by --script; the repository and its
# directory nobody's (SQLite writes a journal beside it).
fossil_serve() {
	local work=$BATS_TEST_TMPDIR/fossil-work
	app_root
	mkdir "$APPROOT/fossil" "$work"
	USER=T fossil init "$APPROOT/fossil/repo.fossil" >/dev/null
	(cd "$work" && USER=T fossil open "$APPROOT/fossil/repo.fossil" >/dev/null &&
		echo hello >f.txt && USER=T fossil add f.txt >/dev/null &&
		USER=T fossil commit -m 'fossil first' >/dev/null &&
		USER=T fossil close)
	printf '#!/usr/bin/fossil\nrepository: %s/fossil/repo.fossil\n' "$APPROOT" \
		>"$APPROOT/repo.cgi"
	chmod 755 "$APPROOT/repo.cgi"
	if running_as_root; then
		chown -R nobody "$APPROOT/fossil"
	fi
	chmod -R a+rX "$APPROOT"
	serve -l "$BATS_TEST_TMPDIR/log" -P -d "$WWW" --script /fossil="$APPROOT/repo.cgi"
}

@test "fossil: a #!/usr/bin/fossil script through --script: timeline, fossil clone, the root's redirect" {
	command -v fossil >/dev/null || skip "no fossil"
	fossil_serve
	local url=http://127.0.0.1:$PORT/fossil
	run curl -sf "$url/timeline"
	[[ "$output" == *'fossil first'* ]]
	run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url"
	[ "$output" = "302 $url/index" ]
	run curl -s -L -o /dev/null -w '%{http_code} %{num_redirects} %{url_effective}' "$url/"
	[ "$output" = "200 1 $url/index" ]
	USER=T fossil clone "$url" "$BATS_TEST_TMPDIR/clone.fossil" >/dev/null
	run fossil timeline -R "$BATS_TEST_TMPDIR/clone.fossil"
	[[ "$output" == *'fossil first (user: '* ]]
	logged "$BATS_TEST_TMPDIR/log" '"POST /fossil HTTP/1.0" 200 '
	! grep -q 'stderr:' "$BATS_TEST_TMPDIR/log"
}

@test "chromium: gitweb's and cgit's pages load their stylesheets and logos, which apply" {
	[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || skip "no chromium"
	/usr/bin/python3 -c 'import selenium' 2>/dev/null || skip "no selenium"
	[ -f /usr/share/gitweb/gitweb.cgi ] || skip "no gitweb"
	[ -x /usr/lib/cgit/cgit.cgi ] || skip "no cgit"
	git_repo
	gitweb_serve
	run timeout 120 /usr/bin/python3 "$BATS_TEST_DIRNAME/browser-style.py" \
		"http://127.0.0.1:$PORT/?p=repo.git;a=summary" "$BATS_TEST_TMPDIR" \
		div.page_header background-color 'rgb(217, 216, 209)' 'img.logo'
	echo "$output"
	[ "$output" = styled ]
	logged "$BATS_TEST_TMPDIR/log" '"GET /static/gitweb.css HTTP/1.1" 200 '
	serve_stop
	cgit_serve
	run timeout 120 /usr/bin/python3 "$BATS_TEST_DIRNAME/browser-style.py" \
		"http://127.0.0.1:$PORT/cgit/repo.git/log/" "$BATS_TEST_TMPDIR" \
		'div#cgit table.tabs' border-bottom-width 3px 'td.logo img'
	echo "$output"
	[ "$output" = styled ]
	logged "$BATS_TEST_TMPDIR/log" '"GET /cgit.css HTTP/1.1" 200 '
}

@test "--cgi-ext .EXT=PROGRAM: a file named like an option is the program's file, never its option" {
	local d
	d=$(scratch_root)
	printf 'print "Content-Type: text/plain\\r\\n\\r\\nran as a script\\n";\n' >"$d/-v.pl"
	chmod 644 "$d/-v.pl"
	request 'GET /-v.pl HTTP/1.0\r\n\r\n' -d "$d" -P --cgi-ext .pl=/usr/bin/perl
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *"ran as a script"* ]]
	[[ "$output" != *"This is perl"* ]]
}

@test "under the shipped xinetd entry: PHP's form POST, and git clone and push" {
	command -v xinetd >/dev/null || skip "no xinetd"
	command -v php-cgi >/dev/null || skip "no php-cgi"
	[ -x /usr/lib/git-core/git-http-backend ] || skip "no git-http-backend"
	git_repo
	PORT=$(random_port)
	xinetd_start none "$PHP" --cgi-ext .php=/usr/bin/php-cgi \
		--script /git=/usr/lib/git-core/git-http-backend \
		-e GIT_PROJECT_ROOT="$GITROOT" -e GIT_HTTP_EXPORT_ALL=1
	run curl -sS -d 'name=Ada&message=hi' "http://127.0.0.1:$PORT/form.php"
	[ "$output" = "hello Ada (2 fields)" ] || { echo "$output"; cat "$BATS_TEST_TMPDIR/xinetd.log"; return 1; }
	git clone -q "http://127.0.0.1:$PORT/git/repo.git" "$BATS_TEST_TMPDIR/clone"
	[ "$(cat "$BATS_TEST_TMPDIR/clone/README")" = first ]
	echo more >"$BATS_TEST_TMPDIR/clone/more"
	git -C "$BATS_TEST_TMPDIR/clone" add more
	git -C "$BATS_TEST_TMPDIR/clone" -c user.name=T -c user.email=t@example.org commit -q -m second
	git -C "$BATS_TEST_TMPDIR/clone" push -q origin main
	[ "$(git -c safe.directory="*" -C "$GITROOT/repo.git" log --format=%s main)" = "$(printf 'second\nfirst')" ]
}
