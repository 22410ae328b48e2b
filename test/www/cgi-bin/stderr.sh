#!/bin/sh
# Says things on stderr: a line, a line without its newline at the end;
# "truncate" tries to empty the log file first (ftruncate on fd 2).
[ "$QUERY_STRING" = truncate ] && python3 -c 'import os; os.ftruncate(2, 0)' 2>/dev/null
printf 'first line\nsecond "line"\n' >&2
printf 'Content-Type: text/plain\r\n\r\nok\n'
printf 'no newline' >&2
