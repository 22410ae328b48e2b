#!/usr/bin/env bats
# The bundled example site, as `make serve` runs it.

load helpers

EXAMPLE=$BATS_TEST_DIRNAME/../examples/www

teardown() {
	serve_stop
}

@test "example: the front page, its listing and its CGI script" {
	serve -l none -d "$EXAMPLE"
	run curl -sS "http://127.0.0.1:$PORT/"
	[[ "$output" == *"<h1>cgiinetd example site</h1>"* ]]
	run curl -sS "http://127.0.0.1:$PORT/files/"
	[[ "$output" == *'<a href="notes.txt">notes.txt</a>'* ]]
	run curl -sS "http://127.0.0.1:$PORT/cgi-bin/hello.sh?cgiinetd"
	[[ "$output" == "Hello from a CGI script, cgiinetd."* ]]
}

@test "example: the form posts to its script, which decodes and escapes it" {
	serve -l none -d "$EXAMPLE"
	run curl -sS --data-urlencode 'name=Ada Lö' --data-urlencode 'message=<b> & "q"' \
		"http://127.0.0.1:$PORT/cgi-bin/form.sh"
	[[ "$output" == *"<dt>name</dt><dd>Ada Lö</dd>"* ]]
	[[ "$output" == *"<dt>message</dt><dd>&lt;b&gt; &amp; &quot;q&quot;</dd>"* ]]
}

@test "example: make serve starts it on the port it prints" {
	local port
	port=$(random_port)
	make -s -C "$BATS_TEST_DIRNAME/.." serve PORT="$port" >"$BATS_TEST_TMPDIR/serve.out" 2>&1 &
	local pid=$!
	local i=0
	until curl -s -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	run curl -sS "http://127.0.0.1:$port/"
	pkill -P "$pid" systemd-socket || true
	wait "$pid" || true
	grep -q "http://127.0.0.1:$port/" "$BATS_TEST_TMPDIR/serve.out"
	[[ "$output" == *"cgiinetd example site"* ]]
}

@test "example: headless Chromium walks the site, posts the form and uploads a file" {
	[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || skip "no chromium"
	serve -l none -d "$EXAMPLE"
	run timeout 120 /usr/bin/python3 "$BATS_TEST_DIRNAME/browser.py" "http://127.0.0.1:$PORT/" "$BATS_TEST_TMPDIR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"all pages as expected"* ]]
}
