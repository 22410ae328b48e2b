#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"
