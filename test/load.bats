#!/usr/bin/env bats
# Load, bounded: 64 connections at once through a real superserver, at a
# static file and at a CGI script. Correctness under load, not speed (the
# speed is make bench's).

load helpers

teardown() {
	serve_stop
}

@test "load: 64 connections at once, static and CGI: no errors, all 2xx, nothing left behind" {
	serve -l none -d "$WWW"
	for path in /hello.txt /cgi-bin/fixed.sh; do
		wrk -t 2 -c 64 -d 3s "http://127.0.0.1:$PORT$path" >"$BATS_TEST_TMPDIR/wrk" 2>&1
		cat "$BATS_TEST_TMPDIR/wrk"
		local n
		n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$BATS_TEST_TMPDIR/wrk")
		[ "${n:-0}" -gt 64 ]
		! grep -q 'Socket errors' "$BATS_TEST_TMPDIR/wrk"
		! grep -q 'Non-2xx' "$BATS_TEST_TMPDIR/wrk"
	done
	serve_stop
	# the last answers may still be on their way out: 3 s for them to end
	gone "$CGIINETD -l none -d $WWW|fixed\.sh" 30
}
