#!/bin/sh
# Numbers 1 to N (the query), one a line: a body whose order shows.
printf 'Content-Type: text/plain\r\n\r\n'
exec seq 1 "${QUERY_STRING:-10}"
