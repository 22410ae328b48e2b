#!/usr/bin/env bats
# Applications as Debian packages them, each with one line of
# configuration: PHP through --cgi-ext, git http-backend through --script,
# a WSGI app and a CGI.pm script under -P. Fixtures in test/apps.

load helpers

APPS=$BATS_TEST_DIRNAME/apps
PHP=$APPS/php

teardown() {
	serve_stop
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
