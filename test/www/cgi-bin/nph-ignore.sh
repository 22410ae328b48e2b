#!/bin/sh
# ignore.sh as an nph- script: the whole response is its own.
n=${QUERY_STRING:-6}
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %s\r\n\r\n' "$n"
head -c "$n" /dev/zero | tr '\0' x
