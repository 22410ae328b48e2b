#!/bin/bash
# Reads an application/x-www-form-urlencoded POST body from stdin (exactly
# CONTENT_LENGTH bytes) and shows each field, decoded and HTML-escaped.
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'

# "a+b%26c" -> "a b&c", then &, <, > and " made safe for HTML
decode() {
	printf '%b' "$(printf '%s' "$1" | sed 's/+/ /g; s/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')" |
		sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'
}

echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
echo '<title>Form received</title><link rel="stylesheet" href="/style.css"></head><body><h1>Form received</h1>'
if [ "$REQUEST_METHOD" != POST ]; then
	echo '<p>Send the form on the <a href="/">front page</a>.</p></body></html>'
	exit 0
fi
body=$(head -c "${CONTENT_LENGTH:-0}")
echo '<dl>'
printf '%s' "$body" | tr '&' '\n' | while IFS= read -r pair || [ -n "$pair" ]; do
	printf '<dt>%s</dt><dd>%s</dd>\n' "$(decode "${pair%%=*}")" "$(decode "${pair#*=}")"
done
echo '</dl>'
printf '<p>%s bytes of %s from %s.</p>\n' "${CONTENT_LENGTH:-0}" "$(decode "$CONTENT_TYPE")" "$REMOTE_ADDR"
echo '<p><a href="/">Back</a></p></body></html>'
