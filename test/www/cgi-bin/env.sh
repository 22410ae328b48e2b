#!/bin/sh
# Prints its environment and arguments, one per line.
printf 'Content-Type: text/plain\r\n\r\n'
env | LC_ALL=C sort | grep -v '^PWD=\|^SHLVL=\|^_='
for a in "$@"; do printf 'arg: [%s]\n' "$a"; done
