#!/bin/sh
# Writes the reply named by its query string, for
# the parsed-header mode (-P) tests.
crlf='\r\n'
case "$QUERY_STRING" in
location)   printf "Location: http://example.org/elsewhere$crlf$crlf" ;;
status)     printf 'Content-Type: text/plain\nX-Before: 1\nStatus: 418 I am a teapot\nX-After: 2\n\nshort and stout\n' ;;
status-loc) printf "Status: 303 See Other${crlf}Location: http://example.org/other$crlf$crlf" ;;
local)      printf 'Location: /hello.txt\n\n' ;;
local-cgi)  printf 'Location: /cgi-bin/env.sh/via?q=1\n\n' ;;
local-bad)  printf 'Location: /../etc/passwd\n\n' ;;
local-dot)  printf 'Location: /.htpasswd\n\n' ;;
local-type) printf 'Location: /hello.txt\nContent-Type: text/plain\n\n' ;;
loop)       printf 'Location: /cgi-bin/reply.sh?loop\n\n' ;;
ours)       printf 'Server: evil/1\nDate: yesterday\nConnection: keep-alive\nContent-Type: text/plain\n\nbody\n' ;;
lf)         printf 'Content-Type: text/plain\n\nlf only\n' ;;
exit5)      printf 'Content-Type: text/plain\n\nfailing\n'; exit 5 ;;
nocolon)    printf 'Content-Type: text/plain\nNo colon here\n\n' ;;
cr)         printf 'Content-Type: text/plain\nX-A: a\rb\n\n' ;;
nul)        printf 'Content-Type: text/plain\nX-A: a\000b\n\n' ;;
eof)        printf 'Content-Type: text/plain\n' ;;
notype)     printf 'X-A: b\n\nno type\n' ;;
badstatus)  printf 'Status: 99 Low\nContent-Type: text/plain\n\n' ;;
status600)  printf 'Status: 600 High\nContent-Type: text/plain\n\n' ;;
badname)    printf 'Content-Type: text/plain\nX A: b\n\n' ;;
huge)       printf 'Content-Type: text/plain\n'; i=0; while [ $i -lt 1000 ]; do printf 'X-Pad: %0100d\n' 0; i=$((i + 1)); done; printf '\n' ;;
silent)     exec sleep 30 ;;
ctl)        printf 'Content-Type: text/plain\nX-A: a\013b\n\n' ;;
status-only) printf 'Status: 404 Not Found\nX-A: b\n\n' ;;
status-body) printf 'Status: 403 Forbidden\n\nno type here\n' ;;
status304)  printf 'Status: 304 Not Modified\nContent-Type: text/plain\n\nno body for a 304\n' ;;
te)         printf 'Content-Type: text/plain\nTransfer-Encoding: chunked\nContent-Length: 3\nContent-Length: 3\n\nabc' ;;
cl2)        printf 'Content-Type: text/plain\nContent-Length: 3\nContent-Length: 4\n\nabc' ;;
bad-then-more) printf 'Content-Type: text/plain\nno colon\n\n'; exec yes 'more body' ;;
local-head) printf 'Location: /cgi-bin/reply.sh?status\n\n' ;;
code-*)     printf 'Status: %s\nContent-Type: text/plain\n\n' "${QUERY_STRING#code-}" ;;
*)          printf 'Content-Type: text/plain\n\nunknown case\n' ;;
esac
