#!/bin/sh
# Answers without reading its request body (as a script that turns an
# upload away does): QUERY_STRING bytes of "x", default 6.
n=${QUERY_STRING:-6}
printf 'Content-Type: text/plain\r\nContent-Length: %s\r\n\r\n' "$n"
head -c "$n" /dev/zero | tr '\0' x
