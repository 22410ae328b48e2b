#!/bin/sh
# Exits with the status given as its argument, after a head and a body.
printf 'Content-Type: text/plain\r\nX-Script: yes\r\n\r\nbody that HEAD must not show\n'
exit "${1:-0}"
