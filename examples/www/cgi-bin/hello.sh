#!/bin/sh
# The smallest CGI script: a head, a blank line, a body.
printf 'Content-Type: text/plain\r\n\r\n'
echo "Hello from a CGI script, ${1:-stranger}."
echo "You are $REMOTE_ADDR, port $REMOTE_PORT; this is $SERVER_SOFTWARE."
