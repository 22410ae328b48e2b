#!/bin/sh
# Writes until the client goes: then SIGPIPE (default in scripts) ends it.
printf 'Content-Type: text/plain\r\n\r\n'
exec yes "forever $QUERY_STRING"
