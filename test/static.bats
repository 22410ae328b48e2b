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
