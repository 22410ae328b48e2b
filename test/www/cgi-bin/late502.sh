#!/bin/sh
# A head that is no head (-P answers 502), then an exit of its own, late.
printf 'this is not a header\r\n\r\n'
sleep 1
exit 9
