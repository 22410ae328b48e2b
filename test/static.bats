#!/usr/bin/env bats
# Static files beyond the transcripts: validators (ETag, If-None-Match,
# If-Modified-Since), byte ranges (Range, If-Range) and precompressed
# siblings (FILE.gz).

load helpers

# The value of header $1 in the last request's $output.
header() {
	printf '%s\n' "$output" | sed -n "s/^$1: //p" | head -n 1
}

# The real (not normalised) ETag of a path.
etag_of() {
	printf 'HEAD %s HTTP/1.0\r\n\r\n' "$1" | cgiinetd -l none -d "${2:-$WWW}" | tr -d '\r' | sed -n 's/^ETag: //p'
}

body() {
	printf '%s\n' "$output" | sed '1,/^$/d'
}

@test "ETag: a strong tag on every file answer, the same each time" {
	local tag
	tag=$(etag_of /hello.txt)
	[[ "$tag" =~ ^\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"$ ]]
	[ "$(etag_of /hello.txt)" = "$tag" ]
}

@test "ETag: the inode, size and mtime (ns) in hex" {
	local root f ns
	root=$(scratch_root)
	f=$root/hello.txt
	touch -d '2001-02-03 04:05:06.123456789 UTC' "$f"
	ns=$(( $(stat -c %Y "$f") * 1000000000 + 123456789 ))
	[ "$(etag_of /hello.txt "$root")" = "$(printf '"%x-%x-%x"' "$(stat -c %i "$f")" "$(stat -c %s "$f")" "$ns")" ]
}

# Last-Modified of a file whose mtime is $1 (touch -d), in directory $2
# (default: the test's own); nothing if the file system cannot hold it
last_modified() {
	local root=${2:-$BATS_TEST_TMPDIR/lm}
	mkdir -p "$root"
	: >"$root/f.txt"
	touch -d "$1" "$root/f.txt"
	[ "$(stat -c %Y "$root/f.txt")" = "$(date -u -d "$1" +%s)" ] || return 0
	chmod -R a+rX "$root"
	printf 'HEAD /f.txt HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$root" | tr -d '\r' |
		sed -n 's/^Last-Modified: //p'
}

teardown() {
	rm -rf "/dev/shm/cgiinetd-test.$$"
}

@test "dates are IMF-fixdate: names, zero-padded fields, before 1970; past 9999 the epoch" {
	chmod a+rX "$BATS_TEST_TMPDIR"
	[ "$(last_modified '1994-11-06 08:49:37 UTC')" = "Sun, 06 Nov 1994 08:49:37 GMT" ]
	[ "$(last_modified '2000-02-29 00:00:05 UTC')" = "Tue, 29 Feb 2000 00:00:05 GMT" ]
	[ "$(last_modified '1969-12-31 23:59:59 UTC')" = "Wed, 31 Dec 1969 23:59:59 GMT" ]
	# the years of four digits end at 9999 (tmpfs holds such times; most disks do not)
	local shm=/dev/shm/cgiinetd-test.$$
	[ "$(last_modified '9999-12-31 23:59:59 UTC' "$shm")" = "Fri, 31 Dec 9999 23:59:59 GMT" ]
	[ "$(last_modified '@253402300800' "$shm")" = "Thu, 01 Jan 1970 00:00:00 GMT" ]
	# Date: now, the same form
	run sh -c "printf 'HEAD /hello.txt HTTP/1.0\r\n\r\n' | '$CGIINETD' -l none -d '$WWW' | tr -d '\r' | sed -n 's/^Date: //p'"
	[[ "$output" =~ ^(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\ [0-3][0-9]\ [A-Z][a-z]{2}\ 2[0-9]{3}\ [0-2][0-9]:[0-5][0-9]:[0-6][0-9]\ GMT$ ]]
	[ "$(date -u -d "$output" +%s)" -ge $(( $(date +%s) - 5 )) ]
}

@test "If-None-Match with the tag, W/ or not, or *: 304 with the ETag" {
	local tag
	tag=$(etag_of /hello.txt)
	for inm in "$tag" "W/$tag" "\"x\", $tag" '*'; do
		request "GET /hello.txt HTTP/1.0\\r\\nIf-None-Match: $inm\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 304 Not Modified" ] || { echo "$inm: $(status_line)"; return 1; }
		[ "$(header ETag)" = ETAG ]
		[ -z "$(body)" ]
	done
}

@test "If-None-Match with another tag: 200, and it wins over If-Modified-Since" {
	request 'GET /hello.txt HTTP/1.0\r\nIf-None-Match: "other"\r\nIf-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[ "$(body)" = hello ]
}

@test "If-None-Match over two field lines is one list: 304 (RFC 9110 5.3)" {
	local tag
	tag=$(etag_of /hello.txt)
	request "GET /hello.txt HTTP/1.0\\r\\nIf-None-Match: \"other\"\\r\\nIf-None-Match: $tag\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 304 Not Modified" ]
	request "GET /hello.txt HTTP/1.0\\r\\nIf-None-Match: \"other\"\\r\\nIf-None-Match: \"more\"\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "If-Match with another tag or a weak one: 412 (RFC 9110 13.1.1)" {
	local tag
	tag=$(etag_of /hello.txt)
	for im in '"foo"' "W/$tag" "\"x\", W/$tag"; do
		request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: $im\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ] || { echo "$im: $(status_line)"; return 1; }
		[ "$status" -eq 1 ]
	done
	request "HEAD /hello.txt HTTP/1.0\\r\\nIf-Match: \"foo\"\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ]
	[ -z "$(body)" ]
}

@test "If-Match with *, the tag, or the tag on a second line: 200" {
	local tag
	tag=$(etag_of /hello.txt)
	for im in '*' "$tag" "\"x\", $tag" "\"x\"\\r\\nIf-Match: $tag"; do
		request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: $im\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 OK" ] || { echo "$im: $(status_line)"; return 1; }
		[ "$(body)" = hello ]
	done
}

@test "If-Match on a listing, which has no tag: * is 200, any tag 412; a 404 stays 404" {
	request 'GET /list/ HTTP/1.0\r\nIf-Match: *\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	request 'GET /list/ HTTP/1.0\r\nIf-Match: "x"\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ]
	request 'GET /nothing-here HTTP/1.0\r\nIf-Match: "x"\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 404 Not Found" ]
}

@test "If-Unmodified-Since older than the file: 412; the file's own date, a non-date, If-Match, a listing: 200 (RFC 9110 13.1.4)" {
	local tag now before
	tag=$(etag_of /hello.txt)
	now=$(date -u -r "$WWW/hello.txt" '+%s')
	before=$(date -u -d "@$((now - 86400))" '+%a, %d %b %Y %H:%M:%S GMT')
	for ius in "$before" "$(date -u -d "@$((now - 86400))" '+%A, %d-%b-%y %H:%M:%S GMT')" \
	           "$(date -u -d "@$((now - 86400))" '+%a %b %e %H:%M:%S %Y')"; do
		request "GET /hello.txt HTTP/1.0\\r\\nIf-Unmodified-Since: $ius\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ] || { echo "$ius: $(status_line)"; return 1; }
	done
	for ius in "$(date -u -d "@$now" '+%a, %d %b %Y %H:%M:%S GMT')" yesterday "$before x"; do
		request "GET /hello.txt HTTP/1.0\\r\\nIf-Unmodified-Since: $ius\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 OK" ] || { echo "$ius: $(status_line)"; return 1; }
		[ "$(body)" = hello ]
	done
	request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: $tag\\r\\nIf-Unmodified-Since: $before\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	request "GET /list/ HTTP/1.0\\r\\nIf-Unmodified-Since: $before\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "If-Match is evaluated before If-None-Match and Range (RFC 9110 13.2.2)" {
	local tag
	tag=$(etag_of /hello.txt)
	request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: \"foo\"\\r\\nIf-None-Match: $tag\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ]
	request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: \"foo\"\\r\\nRange: bytes=100-\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 412 Precondition Failed" ]
	request "GET /hello.txt HTTP/1.0\\r\\nIf-Match: $tag\\r\\nIf-None-Match: $tag\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 304 Not Modified" ]
}

@test "the ETag changes when the file does" {
	local root before
	root=$(scratch_root)
	before=$(etag_of /hello.txt "$root")
	echo changed >"$root/hello.txt"
	[ "$(etag_of /hello.txt "$root")" != "$before" ]
}

@test "Range: a first-last range is 206 with Content-Range and the file's type" {
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=0-4\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 206 Partial Content" ]
	[ "$(header Content-Range)" = "bytes 0-4/36" ]
	[ "$(header Content-Length)" = 5 ]
	[ "$(header Content-Type)" = text/plain ]
	[ "$(body)" = 01234 ]
}

@test "Range: open-ended, suffix, and a last beyond the end" {
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=30-\r\n\r\n'
	[ "$(header Content-Range)" = "bytes 30-35/36" ]
	[ "$(body)" = uvwxyz ]
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=-3\r\n\r\n'
	[ "$(header Content-Range)" = "bytes 33-35/36" ]
	[ "$(body)" = xyz ]
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=34-1000\r\n\r\n'
	[ "$(header Content-Range)" = "bytes 34-35/36" ]
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=-1000\r\n\r\n'
	[ "$(header Content-Range)" = "bytes 0-35/36" ]
}

@test "Range: unsatisfiable is 416 with Content-Range: bytes */LEN" {
	for range in 36- 1000-2000 -0; do
		request "GET /range.txt HTTP/1.0\\r\\nRange: bytes=$range\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 416 Range Not Satisfiable" ] || { echo "$range: $(status_line)"; return 1; }
		[ "$(header Content-Range)" = "bytes */36" ]
		[ "$status" -eq 1 ]
	done
	request 'GET /empty.txt HTTP/1.0\r\nRange: bytes=0-\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 416 Range Not Satisfiable" ]
}

@test "Range: several ranges, other units, nonsense or HEAD get the whole file" {
	for range in 'bytes=0-1,3-4' 'items=0-1' 'bytes=a-b' 'bytes=5-2' 'bytes=-' 'bytes=1-2x'; do
		request "GET /range.txt HTTP/1.0\\r\\nRange: $range\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 OK" ] || { echo "$range: $(status_line)"; return 1; }
		[ "$(header Content-Length)" = 36 ]
	done
	request 'HEAD /range.txt HTTP/1.0\r\nRange: bytes=0-4\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "If-Range: the current ETag or Last-Modified keeps the range, another drops it" {
	local tag lm
	tag=$(etag_of /range.txt)
	lm=$(printf 'HEAD /range.txt HTTP/1.0\r\n\r\n' | cgiinetd -l none -d "$WWW" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
	request "GET /range.txt HTTP/1.0\\r\\nRange: bytes=0-0\\r\\nIf-Range: $tag\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 206 Partial Content" ]
	request "GET /range.txt HTTP/1.0\\r\\nRange: bytes=0-0\\r\\nIf-Range: $lm\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 206 Partial Content" ]
	request 'GET /range.txt HTTP/1.0\r\nRange: bytes=0-0\r\nIf-Range: "stale"\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	request "GET /range.txt HTTP/1.0\\r\\nRange: bytes=0-0\\r\\nIf-Range: W/$tag\\r\\n\\r\\n"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "gzip: FILE.gz is sent to a client that takes gzip, with Content-Encoding and Vary" {
	request 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: deflate, gzip\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[ "$(header Content-Type)" = text/html ]
	[ "$(header Content-Encoding)" = gzip ]
	[ "$(header Vary)" = Accept-Encoding ]
	[ "$(header Content-Length)" = "$(stat -c %s "$WWW/gz/page.html.gz")" ]
	printf 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n' | cgiinetd -l none -d "$WWW" |
		sed '1,/^\r$/d' | gunzip | cmp - "$WWW/gz/page.html"
}

@test "gzip: not taken (absent, q=0, * refused by gzip;q=0): the file itself, still Vary" {
	for ae in '' 'Accept-Encoding: identity\r\n' 'Accept-Encoding: gzip;q=0\r\n' \
	          'Accept-Encoding: gzip;q=0 , br\r\n' 'Accept-Encoding: gzip; q=0.0\t, br\r\n' \
	          'Accept-Encoding: *;q=0.5, gzip; q=0.000\r\n' 'Accept-Encoding: *;q=0\r\n'; do
		request "GET /gz/page.html HTTP/1.0\\r\\n$ae\\r\\n"
		[ -z "$(header Content-Encoding)" ] || { echo "$ae: encoded"; return 1; }
		[ "$(header Vary)" = Accept-Encoding ]
		[ "$(header Content-Length)" = "$(stat -c %s "$WWW/gz/page.html")" ]
	done
	request 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: *\r\n\r\n'
	[ "$(header Content-Encoding)" = gzip ]
}

@test "gzip: Accept-Encoding over two field lines is one list (RFC 9110 5.3)" {
	request 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: identity\r\nAccept-Encoding: gzip\r\n\r\n'
	[ "$(header Content-Encoding)" = gzip ]
	request 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: *\r\nAccept-Encoding: gzip;q=0\r\n\r\n'
	[ -z "$(header Content-Encoding)" ]
}

@test "gzip: the .gz itself is a gzip file, not an encoding; a file with no sibling has no Vary" {
	request 'GET /gz/page.html.gz HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n'
	[ "$(header Content-Type)" = application/gzip ]
	[ -z "$(header Content-Encoding)" ]
	request 'GET /hello.txt HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n'
	[ -z "$(header Vary)" ]
}

@test "gzip: the two representations have different ETags; Range applies to the one sent" {
	local plain gz
	plain=$(etag_of /gz/page.html)
	gz=$(printf 'HEAD /gz/page.html HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n' | cgiinetd -l none -d "$WWW" | tr -d '\r' | sed -n 's/^ETag: //p')
	[ -n "$gz" ] && [ "$plain" != "$gz" ]
	request 'GET /gz/page.html HTTP/1.0\r\nAccept-Encoding: gzip\r\nRange: bytes=0-1\r\n\r\n'
	[ "$(header Content-Range)" = "bytes 0-1/$(stat -c %s "$WWW/gz/page.html.gz")" ]
}

# fd 1 a pipe that takes nothing: each write to it waits for room first,
# for --timeout at most, then at most a page (before: sendfile blocked on
# the full pipe for as long as the reader slept).
@test "a pipe on fd 1 that takes nothing: a 1 MiB file is given up after --timeout" {
	local root
	root=$(scratch_root)
	head -c 1048576 /dev/zero >"$root/mib.bin"
	chmod 644 "$root/mib.bin"
	stalled_pipe 'GET /mib.bin HTTP/1.0\r\n\r\n' -t 2 -l none -d "$root"
	[ "$status" -ne 124 ]
	[ "$took" -le 8 ]
}

@test "a pipe on fd 1 that takes nothing: a listing page of 150 KB is given up after --timeout" {
	local root
	root=$(scratch_root)
	mkdir "$root/many"
	(cd "$root/many" && seq -f 'entry-with-a-long-name-%05g.txt' 2000 | xargs touch)
	chmod -R a+rX "$root/many"
	stalled_pipe 'GET /many/ HTTP/1.0\r\n\r\n' -t 2 -l none -d "$root"
	[ "$status" -ne 124 ]
	[ "$took" -le 8 ]
}
