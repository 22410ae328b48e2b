#!/bin/sh
# Starts what a careless script leaves behind, each a sleep of its own
# length for pgrep: one in its group that ignores SIGTERM, one that escaped
# it with setsid and has a child of its own, one that holds only the
# connection, one whose parent left it (a daemon's double fork). QUERY_STRING: "wait" to hang on (for --cgi-timeout), else it
# answers and exits at once.
m=${QUERY_STRING%%-*}
case $QUERY_STRING in *-wait) trap '' TERM ;; esac
sh -c "trap '' TERM; exec sleep ${m}1" </dev/null >/dev/null 2>&1 &
setsid sh -c "trap '' TERM; sleep ${m}2 & wait" </dev/null >/dev/null 2>&1 &
setsid sleep "${m}3" </dev/null 2>/dev/null &
setsid sh -c "sleep ${m}4 &" </dev/null >/dev/null 2>&1 &	# a daemon's double fork
sleep 1	# till each has started and escaped
printf 'Content-Type: text/plain\r\n\r\nstarted\n'
case $QUERY_STRING in
*-wait) while :; do sleep 1; done ;;
esac
exit 0
