#!/usr/bin/env bats
# Canned requests (cases/NAME.in) and the exact responses (cases/NAME.out),
# with the exit status SPEC gives: 0 for 1xx-3xx, 1 for 4xx, 3 for 5xx.

load helpers

@test "GET a file: 200, type, length, body" {
	transcript get-file 0
}

@test "GET a file with HTTP/1.1 and Host" {
	transcript get-file-11 0
}

@test "HEAD a file: the headers of GET, no body" {
	transcript head-file 0
}

@test "an .html file is text/html" {
	transcript get-html 0
}

@test "a .json file is application/json (mime.types)" {
	transcript get-json 0
}

@test "a .css file is text/css" {
	transcript get-css 0
}

@test "an unknown extension is application/octet-stream" {
	transcript get-unknown-type 0
}

@test "no extension is application/octet-stream" {
	transcript get-no-extension 0
}

@test "an empty file: Content-Length 0" {
	transcript get-empty-file 0
}

@test "a directory with a slash serves index.html" {
	transcript get-index-html 0
}

@test "index.htm when there is no index.html" {
	transcript get-index-htm 0
}

@test "listing: sorted case-insensitively, escaped, quoted, / and @, no dot-files" {
	transcript listing 0
}

@test "HEAD of a listing: its length, no body" {
	transcript listing-head 0
}

@test "listing of a directory holding only a dot-file" {
	transcript listing-empty 0
}

@test "HTTP/0.9 simple GET: the body alone" {
	transcript http09 0
}

@test "HTTP/0.9 with a bare LF" {
	transcript http09-lf 0
}

@test "HTTP/0.9 error: the error page alone" {
	transcript http09-not-found 1
}

@test "absolute-form target: its path is served" {
	transcript absolute-form 0
}

@test "absolute-form with no path means /" {
	TRANSCRIPT_ROOT=$WWW/dir transcript absolute-form-no-path 0
}

@test "an empty line before the request line is ignored (RFC 9112 2.2)" {
	transcript leading-empty-line 0
}

@test "bare LF line ends are accepted" {
	transcript bare-lf 0
}

@test "a query does not change the file" {
	transcript query-ignored 0
}

@test "a fragment does not change the file" {
	transcript fragment-ignored 0
}

@test "percent-encoded letters are decoded" {
	transcript percent-encoded-name 0
}

@test ". and .. segments inside the root are resolved" {
	transcript dot-segments 0
}

@test "empty segments are dropped" {
	transcript double-slashes 0
}

@test "/.well-known/ is served despite the dot" {
	transcript well-known 0
}

@test "a symlink that stays inside the root is followed" {
	transcript symlink-inside 0
}

@test "If-Modified-Since after the mtime: 304" {
	transcript ims-future 0
}

@test "If-Modified-Since in RFC 850 form: 304" {
	transcript ims-rfc850 0
}

@test "If-Modified-Since in asctime form: 304" {
	transcript ims-asctime 0
}

@test "If-Modified-Since before the mtime: 200" {
	transcript ims-past 0
}

@test "an unparsable If-Modified-Since is ignored" {
	transcript ims-garbage 0
}

@test "If-None-Match makes If-Modified-Since ignored" {
	transcript ims-with-inm 0
}

@test "If-Match that is not the current ETag: 412" {
	transcript if-match-other 1
}

@test "Expect: 100-continue on a file: the file, no 100" {
	transcript expect-continue-static 0
}

@test "an empty Host is valid (RFC 9112 3.2)" {
	transcript empty-host 0
}

@test "a directory without its slash: 301 to it with the slash" {
	transcript dir-redirect 0
}

@test "the 301 keeps the query" {
	transcript dir-redirect-query 0
}

@test "//dir redirects to /dir/, never to another host" {
	transcript dir-redirect-no-open-redirect 0
}

@test "the Location is percent-quoted" {
	transcript dir-redirect-quoted 0
}

@test "HTTP/1.1 without Host: 400" {
	transcript no-host-11 1
}

@test "two Host fields: 400" {
	transcript two-hosts 1
}

@test "a Host with a slash: 400" {
	transcript bad-host 1
}

@test "Host: a bracketed IPv6 literal with a port is valid" {
	transcript host-ipv6-literal 0
}

@test "Host: IPv6 without brackets: 400 (RFC 3986 3.2.2)" {
	transcript host-ipv6-unbracketed 1
}

@test "Host: a port that is not digits: 400 (RFC 3986 3.2.3)" {
	transcript host-port-not-digits 1
}

@test "Host: two '::' in an IPv6 literal: 400" {
	transcript host-ipv6-two-elisions 1
}

@test "absolute-form with a port that is not digits: 400" {
	transcript absolute-form-bad-port 1
}

@test "Host: host [\":\" port] per RFC 3986 3.2.2-3.2.3, each shape" {
	for h in example.com example.com:8080 example.com: '[::1]:8000' 127.0.0.1 \
	         '[2001:db8::1]' '[::ffff:1.2.3.4]' '[v1.x:y]' 'a%41b' "a-b_c~d!\$&'()*+,;=e"; do
		request "GET /hello.txt HTTP/1.1\\r\\nHost: $h\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 200 OK" ] || { echo "$h: $(status_line)"; return 1; }
	done
	for h in jsdh.sfdg.sdfg:asd 4714::abcd:8001 'extra[abcd::1]:98' a:1:2 '[1::2::3]' \
	         '[::1' '[::1]x' '[::1]:8:9' '[12345::]' '[1:2:3:4:5:6:7:8:9]' '[::1.2.3]' \
	         '[fe80::1%25eth0]' '[v1]' 'a%4' 'a%zz' 'a"b' 'a<b' 'a b' ':80x'; do
		request "GET /hello.txt HTTP/1.1\\r\\nHost: $h\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$h: $(status_line)"; return 1; }
	done
	for a in 'localhost:80x' 'a:1:2' '4714::1' ':80' '[::1]:x'; do
		request "GET http://$a/hello.txt HTTP/1.1\\r\\nHost: test\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$a: $(status_line)"; return 1; }
	done
}

@test "HTTP/1.x: 400" {
	transcript bad-version 1
}

@test "http/1.0: 400" {
	transcript lowercase-version 1
}

@test "HTTP/1.10: 400" {
	transcript long-version 1
}

@test "a method that is not a token: 400" {
	transcript bad-method-char 1
}

@test "two spaces in the request line: 400" {
	transcript double-space 1
}

@test "a space after the version: 400" {
	transcript trailing-space 1
}

@test "a request line of one word: 400" {
	transcript no-target 1
}

@test "a control byte in the target: 400" {
	transcript tab-in-target 1
}

@test "a target not starting with /: 400" {
	transcript relative-target 1
}

@test "the asterisk-form: 400" {
	transcript asterisk-target 1
}

@test "absolute-form with userinfo: 400" {
	transcript absolute-form-userinfo 1
}

@test "absolute-form with a scheme other than http(s): 400" {
	transcript absolute-form-other-scheme 1
}

@test "an obs-folded header line: 400" {
	transcript obs-fold 1
}

@test "whitespace between field name and colon: 400" {
	transcript space-before-colon 1
}

@test "a header line without a colon: 400" {
	transcript no-colon 1
}

@test "an empty field name: 400" {
	transcript empty-field-name 1
}

@test "a bare CR in a field value: 400" {
	transcript bare-cr-in-field 1
}

@test "a NUL in a field value: 400" {
	transcript nul-in-field 1
}

@test "a control byte in a field value: 400" {
	transcript ctl-in-field 1
}

@test "a % without two hex digits: 400" {
	transcript bad-percent 1
}

@test "a % at the end: 400" {
	transcript short-percent 1
}

@test "%00 in the path: 400" {
	transcript percent-nul 1
}

@test "%0a in the path: 400" {
	transcript percent-newline 1
}

@test ".. above the root: 400" {
	transcript dotdot-above-root 1
}

@test "%2e%2e above the root: 400" {
	transcript dotdot-encoded-above-root 1
}

@test "more .. than components: 400" {
	transcript dotdot-deep-above-root 1
}

@test "a Shellshock-shaped value: 400" {
	transcript shellshock 1
}

@test "Content-Length with Transfer-Encoding: 400" {
	transcript cl-and-te 1
}

@test "two different Content-Lengths: 400" {
	transcript cl-differing 1
}

@test "a non-numeric Content-Length: 400" {
	transcript cl-not-number 1
}

@test "a negative Content-Length: 400" {
	transcript cl-negative 1
}

@test "a Content-Length of 34 zeros is 0 (RFC 9110 8.6: any number of digits)" {
	transcript cl-leading-zeros 0
}

@test "Content-Lengths compared by value: 0...03 and 3 agree, the body is 3 bytes" {
	transcript cl-leading-zeros-body 0
}

@test "Content-Length: leading zeros still beyond off_t or differing: 400" {
	for cl in '0001\\r\\nContent-Length: 2' '0000000000000000000000000000001000000000000000000' \
	          '1000000000000000000' '00x'; do
		request "GET /hello.txt HTTP/1.0\\r\\nContent-Length: $cl\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$cl: $(status_line)"; return 1; }
	done
	request 'GET /hello.txt HTTP/1.0\r\nContent-Length: 000999999999999999999\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
}

@test "a Content-Length list: 400" {
	transcript cl-list 1
}

@test "Transfer-Encoding in an HTTP/1.0 request: 400" {
	transcript te-in-http10 1
}

@test "chunked not the last coding: 400" {
	transcript te-chunked-not-last 1
}

@test "an empty Transfer-Encoding: 400" {
	transcript te-empty 1
}

@test "HTTP/0.9 with a method other than GET: 400" {
	transcript http09-post 1
}

@test "EOF before the head is complete: 400" {
	transcript partial-head 1
}

@test "a flood of empty lines before the request: 400" {
	transcript crlf-flood 1
}

@test "a CGI directory is never listed: 403" {
	transcript no-listing-cgi-dir 1
}

@test "a missing file: 404 File not found" {
	transcript not-found 1
}

@test "a dot-file: 404" {
	transcript dotfile 1
}

@test "a file in a dot-directory: 404" {
	transcript dotdir 1
}

@test "a dot-file spelled %2e: 404" {
	transcript dotfile-encoded 1
}

@test "an encoded slash: 404" {
	transcript dotfile-via-dotdot 1
}

@test "a dot-file in a sub-directory: 404" {
	transcript dotfile-in-listing-dir 1
}

@test "/.well-known/../.htpasswd: 404" {
	transcript well-known-dotdot 1
}

@test "%2f in the path: 404" {
	transcript encoded-slash 1
}

@test "a file asked for as a directory: 404" {
	transcript trailing-slash-on-file 1
}

@test "a symlink leading out of the root: 404" {
	transcript symlink-out 1
}

@test "an absolute symlink (to /etc/passwd): 404" {
	transcript symlink-absolute 1
}

@test "a symlink that leaves and re-enters the root: 404" {
	transcript symlink-around 1
}

@test "backslashes are no separators: 404" {
	transcript backslash-dotdot 1
}

@test "overlong UTF-8 dots are no dots: 404" {
	transcript overlong-utf8-dot 1
}

@test "%252e is decoded once: 404" {
	transcript double-encoded-dotdot 1
}

@test "a request line over 8190 bytes: 414" {
	transcript uri-too-long 1
}

@test "a header line over 8190 bytes: 431" {
	transcript header-line-too-long 1
}

@test "more than 100 header fields: 431" {
	transcript too-many-fields 1
}

@test "101 header lines and no end of the head: 431, not 400" {
	transcript too-many-fields-unended 1
}

@test "431 at the 101st header line, while the client still holds the head open (Python's test_too_many_headers)" {
	{ cat "$CASES/too-many-fields-unended.in"; sleep 3; } |
		cgiinetd -l none -d "$WWW" -t 1 >"$BATS_TEST_TMPDIR/raw" || true
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/raw")" = $'HTTP/1.0 431 Request Header Fields Too Large\r' ]
}

@test "a head over 64 KiB: 431" {
	transcript head-too-large 1
}

@test "an expectation other than 100-continue: 417" {
	transcript expect-other 1
}

@test "OPTIONS *: a valid asterisk-form, 501 (RFC 9112 3.2.4, RFC 9110 9.1)" {
	transcript options-asterisk 3
}

@test "CONNECT host:port: a valid authority-form, 501 (RFC 9112 3.2.3)" {
	transcript connect-authority 3
}

@test "asterisk-form but for OPTIONS, authority-form but for CONNECT: 400" {
	for line in 'POST * HTTP/1.0' 'HEAD * HTTP/1.0' 'CONNECT * HTTP/1.0' \
	            'GET example.com:443 HTTP/1.0' 'OPTIONS example.com:443 HTTP/1.0' \
	            'CONNECT / HTTP/1.0' 'CONNECT http://example.com/ HTTP/1.0' \
	            'CONNECT example.com HTTP/1.0' 'CONNECT example.com: HTTP/1.0' \
	            'CONNECT :443 HTTP/1.0' 'CONNECT u@example.com:443 HTTP/1.0' \
	            'CONNECT example.com:443x HTTP/1.0' 'OPTIONS * HTTP/1.1'; do
		request "$line\\r\\n\\r\\n"
		[ "$(status_line)" = "HTTP/1.0 400 Bad Request" ] || { echo "$line: $(status_line)"; return 1; }
	done
	request 'CONNECT [::1]:443 HTTP/1.0\r\n\r\n'
	[ "$(status_line)" = "HTTP/1.0 501 Not Implemented" ]
}

@test "PUT: 501 Unsupported method ('PUT')" {
	transcript method-put 3
}

@test "DELETE: 501" {
	transcript method-delete-escaped 3
}

@test "a long unknown method: 501, message bounded" {
	transcript method-unknown-long 3
}

@test "POST to a file: 501 Can only POST to CGI scripts" {
	transcript post-not-cgi 3
}

@test "an unknown transfer coding: 501" {
	transcript te-gzip 3
}

@test "HTTP/2.0: 505" {
	transcript version-2 3
}

@test "HTTP/0.9 spelled out: 505" {
	transcript version-0 3
}

@test "a script's source through a symlink to the CGI directory: 404" {
	transcript cgi-source-via-alias 1
}

@test "a script's source through a nested alias of a CGI sub-directory: 404" {
	transcript cgi-source-via-nested-alias 1
}

@test "a CGI directory listed through an alias: 404" {
	transcript cgi-dir-listing-via-alias 1
}

@test "a Transfer-Encoding of empty list elements only: 400" {
	transcript te-empty-list 1
}

@test "a script's source through a symlink to a CGI sub-directory: 404" {
	transcript alias-of-cgi-subdir 1
}

@test "a CGI sub-directory listed through a symlink: 404" {
	transcript alias-of-cgi-subdir-listing 1
}

@test "a script's source through a symlink to the script: 404" {
	transcript symlink-to-script-source 1
}

@test "a dot-file through a symlink to it: 404" {
	transcript symlink-to-dotfile 1
}

@test "a script's source through a nested symlink to a CGI sub-directory: 404" {
	transcript nested-alias-of-cgi-subdir 1
}

@test "/.well-known without its slash: 301 like any directory" {
	transcript well-known-no-slash 0
}


@test "listing: control bytes in a name (ESC, BEL) reach the page as '?', never raw" {
	local d
	d=$(scratch_root)
	mkdir -m 755 "$d/ctl"
	touch "$d/ctl/$(printf 'a\033[31mred\007b')"
	request 'GET /ctl/ HTTP/1.0\r\n\r\n' -d "$d"
	[ "$(status_line)" = "HTTP/1.0 200 OK" ]
	[[ "$output" == *'<li><a href="a%1B%5B31mred%07b">a?[31mred?b</a></li>'* ]]
	! tr -d '\r' <"$BATS_TEST_TMPDIR/raw" | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"
}
