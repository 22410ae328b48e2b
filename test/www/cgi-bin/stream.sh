#!/bin/sh
# Streams N MiB of a repeatable byte pattern (the query), for the splice tests.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec head -c "$((${QUERY_STRING:-1} * 1048576))" /dev/zero
